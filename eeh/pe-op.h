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
/* One step of a reset (a VFIO RESET_* op): -EIO when firmware refuses. */
int pe_reset(struct eeh_pe *pe, int option, bool include_passed);
int pe_get_state(struct eeh_pe *pe);

/*
 * The reset sequence, the one copy: eeh_pe_reset_full() as the kernel
 * runs it, for PE ops (change of owner) and host recovery alike. Each
 * attempt asserts (hot, or fundamental falling back to hot when the PE
 * has none), holds 250 ms, deactivates, settles 1.8 s, and waits for the
 * PE to come back; up to PE_RESET_ATTEMPTS attempts. 0, -EIO (every
 * attempt refused) or -ENOTRECOVERABLE.
 */
#define PE_RESET_ATTEMPTS 3
enum pe_reset_step { PE_RESET_ASSERT, PE_RESET_FALLBACK_HOT, PE_RESET_DEACTIVATE, PE_RESET_DONE };
struct pe_reset_opts {
	bool include_passed; /* thaw after deactivate (eeh_pe_reenable_devices) */
	bool reenable;       /* after deactivate: BARs back, thaw, ISOLATED cleared */
	/* false: the caller holds pe->lock throughout; true: each platform
	 * step takes it and the waits run without it (recovery). */
	bool lock;
	/* Optional: each step with its value (option, status or state). */
	void (*step)(void *data, struct eeh_pe *pe, enum pe_reset_step step, int val);
	void *data;
	unsigned int attempts;  /* out: attempts made */
	bool fell_back_to_hot;  /* out */
};
int pe_reset_full(struct eeh_pe *pe, bool fundamental, struct pe_reset_opts *o);

#endif
