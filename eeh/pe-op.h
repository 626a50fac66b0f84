/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Kernel EEH core operations, shared inside eeh/ (recovery, RTAS). */
#ifndef EEH_PE_OP_H
#define EEH_PE_OP_H

#include <stddef.h>

#include "libeeh-private.h"

#define PCI_BUS_RESET_WAIT_MS (5 * 60 * 1000)

struct vfio_eeh_pe_op;

/* All of these expect pe->lock held. */
int pe_wait_state(struct eeh_pe *pe, int max_wait_ms);
int pe_unfreeze(struct eeh_pe *pe);
int pe_reset(struct eeh_pe *pe, int option, bool include_passed);
/* eeh_pe_reset_full(): up to three assert/deactivate attempts. */
int pe_reset_full(struct eeh_pe *pe, bool fundamental, bool include_passed);
int pe_get_state(struct eeh_pe *pe);

#endif
