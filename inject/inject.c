/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The injection API: PAPR IOA bus errors (ibm,errinjct ioa-bus-error and
 * ioa-bus-error-64, functions 0..19), a freeze with no cause and a PHB
 * fence. IOA errors go through VFIO_EEH_PE_OP INJECT_ERR, so the same call
 * reaches the simulated PHB or a kernel.
 */
#include <stdlib.h>
#include <string.h>

#include "libeeh-private.h"
#include "sim.h"

/* LoPAR ibm,errinjct IOA bus error functions; names after the kernel's
 * EEH_ERR_FUNC_* (uapi/asm/eeh.h). */
static const struct {
	const char *name;
	const char *desc;
	uint8_t space;
	bool store;
} err_funcs[EEH_ERR_FUNC_COUNT] = {
	{ "ld-mem-addr", "Load, memory, address parity", EEH_ERR_SPACE_MEM, false },
	{ "ld-mem-data", "Load, memory, data parity", EEH_ERR_SPACE_MEM, false },
	{ "ld-io-addr", "Load, I/O, address parity", EEH_ERR_SPACE_IO, false },
	{ "ld-io-data", "Load, I/O, data parity", EEH_ERR_SPACE_IO, false },
	{ "ld-cfg-addr", "Load, config, address parity", EEH_ERR_SPACE_CFG, false },
	{ "ld-cfg-data", "Load, config, data parity", EEH_ERR_SPACE_CFG, false },
	{ "st-mem-addr", "Store, memory, address parity", EEH_ERR_SPACE_MEM, true },
	{ "st-mem-data", "Store, memory, data parity", EEH_ERR_SPACE_MEM, true },
	{ "st-io-addr", "Store, I/O, address parity", EEH_ERR_SPACE_IO, true },
	{ "st-io-data", "Store, I/O, data parity", EEH_ERR_SPACE_IO, true },
	{ "st-cfg-addr", "Store, config, address parity", EEH_ERR_SPACE_CFG, true },
	{ "st-cfg-data", "Store, config, data parity", EEH_ERR_SPACE_CFG, true },
	{ "dma-rd-addr", "DMA read, memory, address parity", EEH_ERR_SPACE_DMA, false },
	{ "dma-rd-data", "DMA read, memory, data parity", EEH_ERR_SPACE_DMA, false },
	{ "dma-rd-master", "DMA read, memory, master abort", EEH_ERR_SPACE_DMA, false },
	{ "dma-rd-target", "DMA read, memory, target abort", EEH_ERR_SPACE_DMA, false },
	{ "dma-wr-addr", "DMA write, memory, address parity", EEH_ERR_SPACE_DMA, true },
	{ "dma-wr-data", "DMA write, memory, data parity", EEH_ERR_SPACE_DMA, true },
	{ "dma-wr-master", "DMA write, memory, master abort", EEH_ERR_SPACE_DMA, true },
	{ "dma-wr-target", "DMA write, memory, target abort", EEH_ERR_SPACE_DMA, true },
};

_Static_assert(EEH_ERR_FUNC_COUNT == EEH_ERR_FUNC_MAX + 1, "20 IOA bus error functions");

EEH_EXPORT const char *eeh_err_func_name(unsigned int func)
{
	return func < EEH_ERR_FUNC_COUNT ? err_funcs[func].name : NULL;
}

EEH_EXPORT const char *eeh_err_func_desc(unsigned int func)
{
	return func < EEH_ERR_FUNC_COUNT ? err_funcs[func].desc : NULL;
}

EEH_EXPORT enum eeh_err_space eeh_err_func_space(unsigned int func)
{
	return func < EEH_ERR_FUNC_COUNT ? (enum eeh_err_space)err_funcs[func].space
					 : EEH_ERR_SPACE_MEM;
}

EEH_EXPORT bool eeh_err_func_is_store(unsigned int func)
{
	return func < EEH_ERR_FUNC_COUNT && err_funcs[func].store;
}

EEH_EXPORT int eeh_err_func_from_name(const char *name)
{
	char *end;
	long n;

	if (!name || !*name)
		return -EINVAL;
	n = strtol(name, &end, 0);
	if (end != name && *end == '\0')
		return n >= 0 && n < EEH_ERR_FUNC_COUNT ? (int)n : -EINVAL;
	for (int i = 0; i < EEH_ERR_FUNC_COUNT; i++)
		if (!strcmp(name, err_funcs[i].name))
			return i;
	return -EINVAL;
}

EEH_EXPORT int eeh_inject_ioa(struct eeh_pe *pe, enum eeh_err_type type, unsigned int func,
			      uint64_t addr, uint64_t mask)
{
	unsigned int space;

	if (!pe)
		return -ENODEV;
	if ((unsigned int)type > EEH_ERR_TYPE_64 || func >= EEH_ERR_FUNC_COUNT)
		return -EINVAL;
	if (type == EEH_ERR_TYPE_32 && (addr > UINT32_MAX || mask > UINT32_MAX))
		return -EINVAL;
	if (mask && (addr & mask) != addr)
		return -EINVAL; /* PAPR: the address has no bits outside the mask */
	space = err_funcs[func].space;
	/* The Dec 2025 pseries series: an MMIO/I/O address must lie in a BAR
	 * of the PE (of the right space) before firmware is asked. */
	if (addr && (space == EEH_ERR_SPACE_MEM || space == EEH_ERR_SPACE_IO) &&
	    !model_func_by_bar(pe, space == EEH_ERR_SPACE_IO, addr))
		return -ENXIO;
	return eeh_pe_inject(pe, type, func, addr, mask);
}

static void note(struct eeh_pe *pe, enum sim_rec_kind kind)
{
	struct sim_inject_rec rec = { .kind = kind, .fired = true };

	rec.armed_us = rec.hit_us = eeh_clock_now_us(pe->phb->ctx);
	pthread_mutex_lock(&pe->lock);
	sim_inject_note(pe, &rec, NULL);
	pthread_mutex_unlock(&pe->lock);
}

EEH_EXPORT int eeh_inject_freeze(struct eeh_pe *pe)
{
	int r = eeh_sim_freeze(pe);

	if (r == 0)
		note(pe, SIM_REC_FREEZE);
	return r;
}

EEH_EXPORT int eeh_inject_fence(struct eeh_phb *phb)
{
	struct eeh_pe *pe;
	int r = eeh_sim_fence_phb(phb);

	if (r == 0)
		eeh_pe_foreach(phb, pe)
			note(pe, SIM_REC_FENCE);
	return r;
}

static int check_sim(struct eeh_pe *pe)
{
	if (!pe)
		return -EINVAL;
	return eeh_is_sim(pe->phb->ctx) ? 0 : -EOPNOTSUPP;
}

EEH_EXPORT int eeh_inject_record_count(struct eeh_pe *pe)
{
	int r = check_sim(pe);

	if (r < 0)
		return r;
	pthread_mutex_lock(&pe->lock);
	r = (int)sim_inject_record_count(pe);
	pthread_mutex_unlock(&pe->lock);
	return r;
}

EEH_EXPORT int eeh_inject_record_get(struct eeh_pe *pe, unsigned int index,
				     struct eeh_inject_record *out)
{
	const struct sim_inject_rec *r;
	int rc = check_sim(pe);

	if (rc < 0)
		return rc;
	if (!out)
		return -EINVAL;
	pthread_mutex_lock(&pe->lock);
	r = sim_inject_record(pe, index);
	if (r) {
		out->kind = (enum eeh_inject_kind)r->kind;
		out->type = r->type;
		out->func = r->func;
		out->addr = r->addr;
		out->mask = r->mask;
		out->armed_us = r->armed_us;
		out->fired = r->fired;
		out->hit_us = r->hit_us;
		out->hit_addr = r->hit_addr;
		out->hit_func = r->hit_func;
	}
	pthread_mutex_unlock(&pe->lock);
	return r ? 0 : -EINVAL;
}

EEH_EXPORT int eeh_inject_pending(struct eeh_pe *pe)
{
	int r = check_sim(pe);

	if (r < 0)
		return r;
	pthread_mutex_lock(&pe->lock);
	r = (int)sim_inject_pending(pe);
	pthread_mutex_unlock(&pe->lock);
	return r;
}
