/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The injection API: PAPR IOA bus errors (ibm,errinjct ioa-bus-error and
 * ioa-bus-error-64, functions 0..19), a freeze with no cause and a PHB
 * fence. IOA errors go through VFIO_EEH_PE_OP INJECT_ERR, so the same call
 * reaches the simulated PHB or a kernel.
 */
#include <stdlib.h>
#include <string.h>

#include <linux/vfio.h>

#include "libeeh-private.h"

EEH_EXPORT int eeh_inject_ioa(struct eeh_pe *pe, enum eeh_err_type type, unsigned int func,
			      uint64_t addr, uint64_t mask)
{
	struct vfio_eeh_pe_op op = {
		.argsz = sizeof(op),
		.op = VFIO_EEH_PE_INJECT_ERR,
		.err = { .type = type, .func = func, .addr = addr, .mask = mask },
	};
	unsigned int space;

	if (!pe)
		return -ENODEV;
	if ((unsigned int)type > EEH_ERR_TYPE_64 || func >= EEH_ERR_FUNC_COUNT)
		return -EINVAL;
	if (type == EEH_ERR_TYPE_32 && (addr > UINT32_MAX || mask > UINT32_MAX))
		return -EINVAL;
	if (mask && (addr & mask) != addr)
		return -EINVAL; /* PAPR: the address has no bits outside the mask */
	space = eeh_err_func_space(func);
	/* The Dec 2025 pseries series: an MMIO/I/O address must lie in a BAR
	 * of the PE (of the right space) before firmware is asked. */
	if (addr && (space == EEH_ERR_SPACE_MEM || space == EEH_ERR_SPACE_IO) &&
	    !model_func_by_bar(pe, space == EEH_ERR_SPACE_IO, addr))
		return -ENXIO;
	return eeh_pe_op(pe, &op);
}

EEH_EXPORT int eeh_inject_freeze(struct eeh_pe *pe)
{
	int r = sim_freeze(pe);

	if (r == 0)
		sim_record_event(pe, EEH_INJECT_FREEZE);
	return r;
}

EEH_EXPORT int eeh_inject_fence(struct eeh_phb *phb)
{
	struct eeh_pe *pe;
	int r = sim_fence_phb(phb);

	if (r == 0)
		eeh_pe_foreach(phb, pe)
			sim_record_event(pe, EEH_INJECT_FENCE);
	return r;
}

static int check_sim(struct eeh_pe *pe)
{
	if (!pe)
		return -EINVAL;
	return ctx_has(pe->phb->ctx, EEH_BACKEND_CAP_SIM_KERNEL) ? 0 : -EOPNOTSUPP;
}

EEH_EXPORT int eeh_inject_record_count(struct eeh_pe *pe)
{
	int r = check_sim(pe);

	return r < 0 ? r : sim_record_count(pe);
}

EEH_EXPORT int eeh_inject_record_get(struct eeh_pe *pe, unsigned int index,
				     struct eeh_inject_record *out)
{
	int rc = check_sim(pe);

	if (rc < 0)
		return rc;
	if (!out)
		return -EINVAL;
	return sim_record_get(pe, index, out);
}

EEH_EXPORT int eeh_inject_pending(struct eeh_pe *pe)
{
	int r = check_sim(pe);

	return r < 0 ? r : sim_record_pending(pe);
}

EEH_EXPORT int eeh_inject_bad_dma(struct eeh_func *func, bool write, uint64_t addr)
{
	int r;

	if (!func)
		return -EINVAL;
	r = sim_dma_arm(eeh_func_pe(func));
	if (r < 0)
		return r;
	/* the PHB's TCE fault freezes the PE and records it (sim-dma.c) */
	r = eeh_func_dma(func, write, addr, 8);
	return r == -EIO ? 0 : r == 0 ? -EBUSY : r;
}
