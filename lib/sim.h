/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Simulated host internals shared by sim.c, sim-inject.c and topology.c. */
#ifndef EEH_SIM_H
#define EEH_SIM_H

#include "libeeh-private.h"

/* Kinds of device traffic an armed injection can match. */
enum sim_access {
	SIM_ACCESS_MEM_LD,
	SIM_ACCESS_MEM_ST,
	SIM_ACCESS_IO_LD,
	SIM_ACCESS_IO_ST,
	SIM_ACCESS_CFG_LD,
	SIM_ACCESS_CFG_ST,
	SIM_ACCESS_DMA_RD,
	SIM_ACCESS_DMA_WR,
};

/* Freeze causes beyond the 20 IOA bus error functions. */
#define SIM_CAUSE_NONE (-1)
#define SIM_CAUSE_FENCE (-2)

struct sim_injection {
	struct sim_injection *next;
	unsigned int type; /* 0 32-bit, 1 64-bit */
	unsigned int func;
	uint64_t addr, mask;
	uint64_t armed_at_us;
	uint64_t seq;      /* its record */
};

/* What was injected into a PE and what it hit (the PHB's error record). */
enum sim_rec_kind { SIM_REC_IOA = 0, SIM_REC_FREEZE = 1, SIM_REC_FENCE = 2 };
#define SIM_INJECT_RECORDS 32
struct sim_inject_rec {
	uint8_t kind;
	bool fired;
	unsigned int type, func;
	uint64_t addr, mask;
	uint64_t armed_us, hit_us, hit_addr;
	struct eeh_func *hit_func;
};

int sim_papr_state(struct eeh_pe *pe, unsigned int *info_ms);
/* Set the PAPR state as one update lock-free readers see whole
 * (pe->lock held). */
void sim_set_state(struct eeh_pe *pe, uint8_t state, bool perm, uint64_t settle_until_us);
bool sim_mmio_stopped(struct eeh_pe *pe);
bool sim_dma_stopped(struct eeh_pe *pe);
/* Freeze with pe->lock held; func is the injection function or a cause. */
int sim_freeze_locked(struct eeh_pe *pe, int func, uint64_t addr);
int sim_table_op(struct eeh_pe *pe, int row);

int sim_err_inject(struct eeh_pe *pe, unsigned int type, unsigned int func, uint64_t addr,
		   uint64_t mask);
/* Fire the first armed injection that matches this access (pe->lock held). */
void sim_inject_on_access(struct eeh_pe *pe, enum sim_access kind, uint64_t addr);
/* The access kind an IOA bus error function applies to. */
enum sim_access sim_func_access(unsigned int func);
void sim_inject_clear(struct eeh_pe *pe);
/* Drop armed injections, keep the record (pe->lock held). */
void sim_inject_disarm(struct eeh_pe *pe);
/* Add a record (pe->lock held); *seq its sequence number. 0 or -ENOMEM. */
int sim_inject_note(struct eeh_pe *pe, const struct sim_inject_rec *r, uint64_t *seq);
unsigned int sim_inject_pending(struct eeh_pe *pe);
unsigned int sim_inject_record_count(struct eeh_pe *pe);
/* Record index (0 oldest) or NULL; valid while pe->lock is held. */
const struct sim_inject_rec *sim_inject_record(struct eeh_pe *pe, unsigned int index);

#endif
