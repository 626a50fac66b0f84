/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Kernel EEH core operations, shared inside eeh/ (recovery, RTAS). */
#ifndef EEH_PE_OP_H
#define EEH_PE_OP_H

#include <stddef.h>

#include "libeeh-private.h"

#define PCI_BUS_RESET_WAIT_MS (5 * 60 * 1000)
#define OFFSETOFEND(type, member) (offsetof(type, member) + sizeof(((type *)0)->member))

struct vfio_eeh_pe_op;
/* vfio_spapr_ioctl_eeh_pe_op()'s argument checks (argsz, flags, op, the
 * INJECT_ERR type and function), made before a kernel sees the op so
 * the answer is the same on every kernel: 0 or -EINVAL. */
int pe_op_validate(const struct vfio_eeh_pe_op *op);

/* All of these expect pe->lock held. */
int pe_wait_state(struct eeh_pe *pe, int max_wait_ms);
int pe_unfreeze(struct eeh_pe *pe);
int pe_reset(struct eeh_pe *pe, int option, bool include_passed);
/* eeh_pe_reset_full(): up to three assert/deactivate attempts. */
int pe_reset_full(struct eeh_pe *pe, bool fundamental, bool include_passed);
int pe_get_state(struct eeh_pe *pe);

/* eeh_pe_op() on a PE that may be routed to a kernel container
 * (dev-op.c): when a container holds the PE's group, *routed is set and
 * the container's answer returned; otherwise the op is not a container's
 * (*routed false). */
int container_pe_op_routed(struct eeh_pe *pe, struct vfio_eeh_pe_op *op, bool *routed);

#endif
