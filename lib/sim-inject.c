/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Error injection in the simulated host: the hardware half of PAPR
 * ibm,errinjct ioa-bus-error(-64) and OPAL/VFIO INJECT_ERR. An injection
 * arms the PHB; the next matching access by the PE fails and freezes it.
 * Each injection fires once (PAPR: "each call injects at most once").
 */
#include <stdlib.h>

#include "sim.h"

/* PAPR IOA bus error functions 0..19 (LoPAR ibm,errinjct) by traffic kind. */
static const uint8_t func_access[EEH_ERR_FUNC_MAX + 1] = {
	SIM_ACCESS_MEM_LD, SIM_ACCESS_MEM_LD, SIM_ACCESS_IO_LD,	 SIM_ACCESS_IO_LD,
	SIM_ACCESS_CFG_LD, SIM_ACCESS_CFG_LD, SIM_ACCESS_MEM_ST, SIM_ACCESS_MEM_ST,
	SIM_ACCESS_IO_ST,  SIM_ACCESS_IO_ST,  SIM_ACCESS_CFG_ST, SIM_ACCESS_CFG_ST,
	SIM_ACCESS_DMA_RD, SIM_ACCESS_DMA_RD, SIM_ACCESS_DMA_RD, SIM_ACCESS_DMA_RD,
	SIM_ACCESS_DMA_WR, SIM_ACCESS_DMA_WR, SIM_ACCESS_DMA_WR, SIM_ACCESS_DMA_WR,
};

enum sim_access sim_func_access(unsigned int func)
{
	return (enum sim_access)func_access[func];
}

static bool is_mmio_kind(enum sim_access k)
{
	return k <= SIM_ACCESS_IO_ST;
}

int sim_err_inject(struct eeh_pe *pe, unsigned int type, unsigned int func, uint64_t addr,
		   uint64_t mask)
{
	struct sim_injection *inj, **tail;

	if (type > 1 || func > EEH_ERR_FUNC_MAX)
		return -EINVAL;
	if (type == 0 && (addr > UINT32_MAX || mask > UINT32_MAX))
		return -EINVAL; /* a 32-bit bus error takes 32-bit address and mask */
	/* An MMIO or I/O error without an address hits at once. */
	if (is_mmio_kind(sim_func_access(func)) && addr == 0 && mask == 0)
		return sim_freeze_locked(pe, (int)func, 0);
	inj = calloc(1, sizeof(*inj));
	if (!inj)
		return -ENOMEM;
	inj->type = type;
	inj->func = func;
	inj->addr = addr;
	inj->mask = mask;
	inj->armed_at_us = eeh_clock_now_us(pe->phb->ctx);
	for (tail = (struct sim_injection **)&pe->inject; *tail; tail = &(*tail)->next)
		;
	*tail = inj;
	return 0;
}

static bool matches(const struct sim_injection *inj, enum sim_access kind, uint64_t addr)
{
	if (sim_func_access(inj->func) != kind)
		return false;
	if (kind == SIM_ACCESS_CFG_LD || kind == SIM_ACCESS_CFG_ST)
		return true;
	/* PAPR: the 1 bits of the mask select the address bits compared. */
	return (addr & inj->mask) == (inj->addr & inj->mask);
}

void sim_inject_on_access(struct eeh_pe *pe, enum sim_access kind, uint64_t addr)
{
	struct sim_injection **p, *inj;

	for (p = (struct sim_injection **)&pe->inject; (inj = *p); p = &inj->next) {
		if (!matches(inj, kind, addr))
			continue;
		*p = inj->next;
		sim_freeze_locked(pe, (int)inj->func, addr);
		free(inj);
		return;
	}
}

void sim_inject_clear(struct eeh_pe *pe)
{
	struct sim_injection *inj, *n;

	for (inj = pe->inject; inj; inj = n) {
		n = inj->next;
		free(inj);
	}
	pe->inject = NULL;
}
