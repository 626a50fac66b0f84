/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Simulated host internals: the PAPR state machine (sim-state.c), below
 * error injection (sim-inject.c), below the image hooks (sim-image.c) and
 * the backend itself (sim.c).
 */
#ifndef EEH_SIM_H
#define EEH_SIM_H

#include <stddef.h>

#include "libeeh-private.h"

/*
 * Firmware (PAPR) view of a PE: the simulator's private area after
 * struct eeh_pe. state, perm and settle_until_us are read without the PE
 * lock (GET_STATE is lock-free, as in the kernel) and sit first, in the
 * PE's hot cache line; writers hold the lock and bracket their changes
 * with seq (a seqlock) so a reader never sees half an update.
 */
struct sim_pe {
	_Atomic uint32_t seq;
	_Atomic uint8_t state; /* 0, 1, 2 or 4 */
	_Atomic bool perm;     /* 5, permanent */
	_Atomic uint64_t settle_until_us; /* state 5 (temporary) until then */
	/* cold: under pe->lock */
	bool no_freset;   /* ibm,set-slot-reset 3 not offered: EEH_RTAS_NO_FRESET */
	bool eeh_on;      /* ibm,set-eeh-option 1/0 */
	uint64_t reset_at_us;
	uint32_t errors;  /* errors recorded since the last error log read */
	int last_func;    /* injection function that froze it, -1 none */
	uint64_t last_addr;
	uint64_t last_error_us;
	struct sim_injection *inject;       /* armed injections */
	struct sim_inject_state *inject_log; /* the injection record */
	struct sim_dma *dma;                 /* DMA windows, NULL: bypass (sim-dma.c) */
};

_Static_assert(offsetof(struct sim_pe, no_freset) <= EEH_PE_PRIV_HOT,
	       "the lock-free-read PAPR state fits the PE's hot line");

static inline struct sim_pe *sim_pe_of(struct eeh_pe *pe)
{
	return pe_priv(pe);
}

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
/* A DMA the PE's TCE tables refused (no valid TCE, or a write through a
 * read-only one): the PHB freezes the PE (eeh_pe_error.func, "bad DMA"). */
#define SIM_CAUSE_BAD_DMA EEH_PE_ERROR_BAD_DMA

struct sim_inject_state;

struct sim_injection {
	struct sim_injection *next;
	unsigned int type; /* 0 32-bit, 1 64-bit */
	unsigned int func;
	uint64_t addr, mask;
	uint64_t armed_at_us;
	uint64_t seq;      /* its record */
};

/* What was injected into a PE and what it hit (the PHB's error record). */
enum sim_rec_kind { SIM_REC_IOA = 0, SIM_REC_FREEZE = 1, SIM_REC_FENCE = 2, SIM_REC_BAD_DMA = 3 };
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
/* The get_state hook: EEH_STATE_* bits as pseries_eeh_get_state() maps them. */
int sim_get_state(struct eeh_pe *pe, unsigned int *delay_ms);
/* Set the PAPR state as one update lock-free readers see whole
 * (pe->lock held). */
void sim_set_state(struct eeh_pe *pe, uint8_t state, bool perm, uint64_t settle_until_us);
bool sim_mmio_stopped(struct eeh_pe *pe);
bool sim_dma_stopped(struct eeh_pe *pe);
/* Freeze with pe->lock held; func is the injection function or a cause. */
int sim_freeze_locked(struct eeh_pe *pe, int func, uint64_t addr);
/* Rows of the PE State Control table (sim-state.c). */
enum { SIM_ROW_THAW_MMIO, SIM_ROW_THAW_DMA, SIM_ROW_DEACTIVATE, SIM_ROW_ACTIVATE, SIM_NROWS };
int sim_table_op(struct eeh_pe *pe, int row);

int sim_err_inject(struct eeh_pe *pe, unsigned int type, unsigned int func, uint64_t addr,
		   uint64_t mask);
/* Fire the first armed injection that matches this access (pe->lock held). */
void sim_inject_on_access(struct eeh_pe *pe, enum sim_access kind, uint64_t addr);
/* The access kind an IOA bus error function applies to. */
enum sim_access sim_func_access(unsigned int func);
/* Free armed injections and the record (the pe_release hook). */
void sim_inject_clear(struct eeh_pe *pe);
/* Drop armed injections, keep the record (pe->lock held). */
void sim_inject_disarm(struct eeh_pe *pe);
/* Add a record (pe->lock held); *seq its sequence number. 0 or -ENOMEM. */
int sim_inject_note(struct eeh_pe *pe, const struct sim_inject_rec *r, uint64_t *seq);
unsigned int sim_inject_pending(struct eeh_pe *pe);
unsigned int sim_inject_record_count(struct eeh_pe *pe);
/* Record index (0 oldest) or NULL; valid while pe->lock is held. */
const struct sim_inject_rec *sim_inject_record(struct eeh_pe *pe, unsigned int index);

/*
 * DMA windows of a PE (sim-dma.c): up to two TVEs, each a sparse TCE
 * table. A PE whose windows were never programmed translates nothing
 * (DMA passes, as before any IOMMU set-up); once programmed, a function's
 * DMA goes through them. Each takes pe->lock.
 */
#define SIM_DMA_WINDOWS 2
/* Program window slot (size 0: off, its table freed). 0, -EINVAL, -ENOMEM. */
int sim_dma_set_window(struct eeh_pe *pe, unsigned int slot, uint64_t start, uint64_t size,
		       unsigned int page_shift);
/* Fill the TCEs covering [iova, iova+len) with uva (advancing) and the
 * TCE permission bits (1 read, 2 write); perm 0 clears them. Pages
 * outside every window are ignored. 0 or -ENOMEM. */
int sim_dma_update(struct eeh_pe *pe, uint64_t iova, uint64_t len, uint64_t uva, unsigned int perm);
/* Translate a DMA of the function (pe->lock held): 0, or -EIO after
 * freezing the PE for a bad DMA. */
int sim_dma_translate_locked(struct eeh_func *f, bool write, uint64_t addr, size_t len);
/* Bytes of TCE table memory the PE holds. */
size_t sim_dma_table_bytes(struct eeh_pe *pe);
/* For images (sim-image.c): a window slot's geometry (0, -ENOENT when
 * off); the next valid TCE at or after index from (UINT64_MAX: none);
 * set a valid TCE (0, -ENOENT, -EINVAL: index past the window, no
 * permission bit, stray bits below the page, -ENOMEM). */
int sim_dma_window_get(struct eeh_pe *pe, unsigned int slot, uint64_t *start, uint64_t *size,
		       unsigned int *page_shift);
uint64_t sim_dma_tce_next(struct eeh_pe *pe, unsigned int slot, uint64_t from, uint64_t *tce);
int sim_dma_tce_set(struct eeh_pe *pe, unsigned int slot, uint64_t idx, uint64_t tce);
void sim_dma_release(struct eeh_pe *pe);

/* Image hooks (sim-image.c). */
int sim_pe_load(struct topo_loader *ld, struct eeh_pe *pe, struct json_object *jpe,
		bool with_state);
void sim_pe_save(struct eeh_pe *pe, struct json_object *jpe);
struct json_object *sim_pe_save_state(struct eeh_pe *pe);

#endif
