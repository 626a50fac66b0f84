/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The guest's side of sPAPR DMA: the four dynamic DMA window RTAS calls
 * (LoPAR "DMA Window Manipulation Calls") and the TCE hypercalls, as
 * QEMU answers them (hw/ppc/spapr_rtas_ddw.c, hw/ppc/spapr_iommu.c), on
 * the DMA-window object of the guest PHB (lib/spapr-dma.c). The guest's
 * windows are the host's: the same slots, bus addresses and TCEs.
 */
#include "rtas.h"

#define LIOBN_BASE 0x80000000u
#define SPAPR_TCE_PAGE_SHIFT 12
/* QEMU: 5-output query's largest block, and 1 << (58 - 21) in the
 * 6-output form (everything below 2^59 in 2 MiB pages). */
#define QUERY_LARGEST_BLOCK_5 0x80000000u
#define QUERY_LARGEST_BLOCK_6_HI 0x20u
/* Host page of the POWER host (64 KiB), for QEMU's levels guess. */
#define HOST_PAGE_SHIFT 16

static struct eeh_spapr *phb_dma(struct rtas_req *r, uint32_t hi, struct rtas_phb **phb)
{
	*phb = rtas_phb_find(r->vm, rtas_buid(r, hi));
	return *phb ? atomic_load(&(*phb)->dma) : NULL;
}

static unsigned int active_windows(struct eeh_spapr *sp)
{
	struct eeh_spapr_window w;
	unsigned int n = 0;

	for (unsigned int i = 0; i < EEH_SPAPR_MAX_WINDOWS; i++)
		n += eeh_spapr_window(sp, i, &w) == 0;
	return n;
}

/* spapr_page_mask_to_query_mask(): LoPAR's I/O page size bits. */
static uint32_t query_mask(uint64_t pgsizes)
{
	static const struct {
		unsigned int shift;
		uint32_t bit;
	} m[] = { { 12, 0x01 }, { 16, 0x02 }, { 21, 0x100 }, { 24, 0x04 }, { 25, 0x08 },
		  { 26, 0x10 }, { 27, 0x20 }, { 28, 0x40 }, { 34, 0x80 } };
	uint32_t mask = 0;

	for (size_t i = 0; i < ARRAY_SIZE(m); i++)
		if (pgsizes & (1ULL << m[i].shift))
			mask |= m[i].bit;
	return mask;
}

void rtas_query_pe_dma_window(struct rtas_req *r)
{
	struct eeh_spapr_info info;
	struct rtas_phb *phb;
	struct eeh_spapr *sp = phb_dma(r, 1, &phb);
	uint32_t pgmask;

	if (!sp || eeh_spapr_get_info(sp, &info)) {
		rtas_ret(r, 0, EEH_RTAS_PARAM_ERROR);
		return;
	}
	pgmask = query_mask(info.pgsizes);
	rtas_ret(r, 0, EEH_RTAS_SUCCESS);
	rtas_ret(r, 1, (int32_t)(EEH_SPAPR_MAX_WINDOWS - active_windows(sp)));
	if (r->nret == 6) {
		rtas_ret(r, 2, QUERY_LARGEST_BLOCK_6_HI);
		rtas_ret(r, 3, 0);
		rtas_ret(r, 4, (int32_t)pgmask);
		rtas_ret(r, 5, 0); /* DMA migration mask: not supported */
	} else {
		rtas_ret(r, 2, (int32_t)QUERY_LARGEST_BLOCK_5);
		rtas_ret(r, 3, (int32_t)pgmask);
		rtas_ret(r, 4, 0);
	}
}

/* vfio_spapr_create_window(): the levels QEMU asks the host for. */
static unsigned int levels_guess(unsigned int entries_shift)
{
	unsigned int bits_total = entries_shift + 3, per_level = HOST_PAGE_SHIFT + 8;

	return bits_total ? (bits_total + per_level - 1) / per_level : 1;
}

void rtas_create_pe_dma_window(struct rtas_req *r)
{
	struct eeh_spapr_info info;
	struct rtas_phb *phb;
	struct eeh_spapr *sp = phb_dma(r, 1, &phb);
	uint32_t page_shift = r->args[3], window_shift = r->args[4];
	uint64_t start = 0;
	unsigned int levels;
	int rc = -ENOSPC;

	if (!sp || eeh_spapr_get_info(sp, &info) || page_shift >= 64 ||
	    !(info.pgsizes & (1ULL << page_shift)) || window_shift < page_shift) {
		rtas_ret(r, 0, EEH_RTAS_PARAM_ERROR);
		return;
	}
	pthread_mutex_lock(&phb->lock);
	/* QEMU's table size is a u32 of TCEs: 2^32 and more truncate to 0,
	 * which the create refuses (-1) */
	if (active_windows(sp) < EEH_SPAPR_MAX_WINDOWS && window_shift < 64 &&
	    window_shift - page_shift < 32) {
		rc = -EINVAL;
		for (levels = levels_guess(window_shift - page_shift);
		     rc == -EINVAL && levels <= info.max_levels; levels++)
			rc = eeh_spapr_create_window(sp, page_shift, 1ULL << window_shift, levels,
						     &start);
	}
	pthread_mutex_unlock(&phb->lock);
	if (rc) {
		rtas_ret(r, 0, EEH_RTAS_HW_ERROR);
		return;
	}
	rtas_ret(r, 0, EEH_RTAS_SUCCESS);
	rtas_ret(r, 1, (int32_t)(LIOBN_BASE | phb->liobn_index << 8 |
				 (start == info.dma64_base ? 1u : 0u)));
	rtas_ret(r, 2, (int32_t)(start >> 32));
	rtas_ret(r, 3, (int32_t)(uint32_t)start);
}

/* The PHB and window slot of a LIOBN (QEMU: a high word set is none). */
static struct eeh_spapr *liobn_dma(struct eeh_vm *vm, uint64_t liobn, struct rtas_phb **phb,
				   unsigned int *slot)
{
	uint32_t index = ((uint32_t)liobn & ~LIOBN_BASE) >> 8;

	if (liobn >> 32 || !(liobn & LIOBN_BASE) || index >= ARRAY_SIZE(vm->liobn_phb) ||
	    (liobn & 0xff) >= EEH_SPAPR_MAX_WINDOWS)
		return NULL;
	*phb = atomic_load(&vm->liobn_phb[index]);
	*slot = liobn & 0xff;
	return *phb ? atomic_load(&(*phb)->dma) : NULL;
}

void rtas_remove_pe_dma_window(struct rtas_req *r)
{
	struct eeh_spapr_window w;
	struct rtas_phb *phb;
	struct eeh_spapr *sp;
	unsigned int slot;
	int status = EEH_RTAS_PARAM_ERROR;

	sp = liobn_dma(r->vm, r->args[0], &phb, &slot);
	if (!sp) {
		rtas_ret(r, 0, status);
		return;
	}
	pthread_mutex_lock(&phb->lock);
	if (!eeh_spapr_window(sp, slot, &w)) {
		status = eeh_spapr_remove_window(sp, w.start) ? EEH_RTAS_HW_ERROR
							       : EEH_RTAS_SUCCESS;
		/* QEMU 7.1, LoPAR R1-7.3.17.4-3/-4: removing the last window
		 * that is not the default one restores the default window */
		if (!status && !w.is_default && !active_windows(sp))
			eeh_spapr_reset(sp);
	}
	pthread_mutex_unlock(&phb->lock);
	rtas_ret(r, 0, status);
}

void rtas_reset_pe_dma_window(struct rtas_req *r)
{
	struct rtas_phb *phb;
	struct eeh_spapr *sp = phb_dma(r, 1, &phb);
	int rc;

	if (!sp) {
		rtas_ret(r, 0, EEH_RTAS_PARAM_ERROR);
		return;
	}
	pthread_mutex_lock(&phb->lock);
	rc = eeh_spapr_reset(sp);
	pthread_mutex_unlock(&phb->lock);
	rtas_ret(r, 0, rc ? EEH_RTAS_HW_ERROR : EEH_RTAS_SUCCESS);
}

/* ---- TCE hypercalls ---- */

static long h_status(int rc)
{
	if (!rc)
		return EEH_H_SUCCESS;
	return rc == -EINVAL || rc == -ENXIO ? EEH_H_PARAMETER : EEH_H_HARDWARE;
}

/* The window of a LIOBN, and ioba masked to its page (QEMU does not
 * refuse a misaligned ioba). H_PARAMETER: no such table, the table is
 * disabled, or ioba is outside it. */
static long tce_window(struct eeh_vm *vm, uint64_t liobn, uint64_t *ioba, struct eeh_spapr **sp,
		       struct eeh_spapr_window *w)
{
	struct rtas_phb *phb;
	unsigned int slot;

	*sp = liobn_dma(vm, liobn, &phb, &slot);
	if (!*sp || eeh_spapr_window(*sp, slot, w))
		return EEH_H_PARAMETER;
	*ioba &= ~((1ULL << w->page_shift) - 1);
	if (*ioba < w->start || *ioba - w->start >= w->size)
		return EEH_H_PARAMETER;
	return EEH_H_SUCCESS;
}

static long h_put_tce(struct eeh_vm *vm, const uint64_t *args)
{
	struct eeh_spapr_window w;
	struct eeh_spapr *sp;
	uint64_t ioba = args[1];
	long h = tce_window(vm, args[0], &ioba, &sp, &w);

	return h ? h : h_status(eeh_spapr_put_tce(sp, ioba, args[2]));
}

static long h_get_tce(struct eeh_vm *vm, const uint64_t *args, uint64_t *rets)
{
	struct eeh_spapr_window w;
	struct eeh_spapr *sp;
	uint64_t ioba = args[1], tce = 0;
	long h = tce_window(vm, args[0], &ioba, &sp, &w);

	if (h)
		return h;
	/* a pending default window has only never-written entries */
	if (!w.pending && eeh_spapr_get_tce(sp, ioba, &tce))
		return EEH_H_PARAMETER;
	rets[0] = tce;
	return EEH_H_SUCCESS;
}

static long h_stuff_tce(struct eeh_vm *vm, const uint64_t *args)
{
	struct eeh_spapr_window w;
	struct eeh_spapr *sp;
	uint64_t ioba = args[1];
	long h = tce_window(vm, args[0], &ioba, &sp, &w);

	if (h)
		return h;
	if (args[3] > w.size >> w.page_shift)
		return EEH_H_PARAMETER;
	return h_status(eeh_spapr_stuff_tce(sp, ioba, args[2], args[3]));
}

static long h_put_tce_indirect(struct eeh_vm *vm, const uint64_t *args)
{
	uint8_t raw[EEH_TCE_LIST_MAX * 8];
	uint64_t tces[EEH_TCE_LIST_MAX], ioba = args[1], npages = args[3];
	struct eeh_spapr_window w;
	struct eeh_spapr *sp;
	long h;

	/* "the maximum size of the list is 512 TCEs so the whole table
	 * fits in 4K page" */
	if (npages > EEH_TCE_LIST_MAX || (args[2] & 0xfff))
		return EEH_H_PARAMETER;
	h = tce_window(vm, args[0], &ioba, &sp, &w);
	if (h)
		return h;
	if (!npages)
		return EEH_H_SUCCESS;
	if (!vm->ops.mem_read || vm->ops.mem_read(vm->opaque, args[2], raw, npages * 8) < 0)
		return EEH_H_HARDWARE;
	for (uint64_t i = 0; i < npages; i++) {
		const uint8_t *p = raw + 8 * i;

		tces[i] = (uint64_t)rtas_be32(p) << 32 | rtas_be32(p + 4);
	}
	return h_status(eeh_spapr_put_tce_list(sp, ioba, tces, (unsigned int)npages));
}

static long hcall(struct eeh_vm *vm, unsigned long opcode, const uint64_t *args, uint64_t *rets)
{
	switch (opcode) {
	case EEH_H_PUT_TCE:
		return h_put_tce(vm, args);
	case EEH_H_GET_TCE:
		return rets ? h_get_tce(vm, args, rets) : EEH_H_PARAMETER;
	case EEH_H_STUFF_TCE:
		return h_stuff_tce(vm, args);
	case EEH_H_PUT_TCE_INDIRECT:
		return h_put_tce_indirect(vm, args);
	}
	return EEH_H_FUNCTION;
}

EEH_EXPORT long eeh_vm_hcall(struct eeh_vm *vm, unsigned long opcode, const uint64_t *args,
			     uint64_t *rets)
{
	long h;

	if (!vm || !args)
		return EEH_H_PARAMETER;
	/* the PHB found by LIOBN is a lock-free reader's, as in a call */
	rtas_enter(vm);
	h = hcall(vm, opcode, args, rets);
	rtas_exit(vm);
	return h;
}
