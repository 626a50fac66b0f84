/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The simulated PHB's DMA translation: per PE, the TVEs of the 32-bit
 * default window and the 64-bit window (PowerNV IODA2: TVE#1 is selected
 * by PCI address bit 59), each pointing to a TCE table. A DMA to a bus
 * address with no valid TCE, or a write through a TCE without the write
 * bit, is an error the PHB answers by freezing the PE, as the hardware
 * does (the IODA2 "TCE page fault" / "TCE access fault").
 *
 * The tables are sparse (tce-table.c): memory follows what is mapped.
 */
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "tce-table.h"

#define TCE_READ 0x1ULL
#define TCE_WRITE 0x2ULL

struct sim_dma_win {
	bool on;
	uint64_t start, size;
	unsigned int shift;
	struct tce_table t;
};

struct sim_dma {
	struct sim_dma_win win[SIM_DMA_WINDOWS];
};

static struct sim_dma *dma_get(struct eeh_pe *pe)
{
	struct sim_pe *sp = sim_pe_of(pe);

	if (!sp->dma)
		sp->dma = calloc(1, sizeof(*sp->dma));
	return sp->dma;
}

int sim_dma_set_window(struct eeh_pe *pe, unsigned int slot, uint64_t start, uint64_t size,
		       unsigned int page_shift)
{
	struct sim_dma_win *w;
	struct sim_dma *d;
	int rc = 0;

	if (slot >= SIM_DMA_WINDOWS || page_shift < 12 || page_shift > 40 ||
	    (size && size >> page_shift == 0))
		return -EINVAL;
	pthread_mutex_lock(&pe->lock);
	d = dma_get(pe);
	if (!d) {
		rc = -ENOMEM;
	} else {
		w = &d->win[slot];
		if (w->on)
			tce_table_clear(&w->t);
		w->on = size != 0;
		w->start = start;
		w->size = size;
		w->shift = page_shift;
		tce_table_init(&w->t, size ? size >> page_shift : 1);
	}
	pthread_mutex_unlock(&pe->lock);
	return rc;
}

static struct sim_dma_win *win_of(struct sim_dma *d, uint64_t addr)
{
	for (unsigned int i = 0; d && i < SIM_DMA_WINDOWS; i++) {
		struct sim_dma_win *w = &d->win[i];

		if (w->on && addr >= w->start && addr - w->start < w->size)
			return w;
	}
	return NULL;
}

int sim_dma_update(struct eeh_pe *pe, uint64_t iova, uint64_t len, uint64_t uva, unsigned int perm)
{
	struct sim_dma *d;
	uint64_t last = iova + len - 1;
	int rc = 0;

	if (!len)
		return 0;
	pthread_mutex_lock(&pe->lock);
	d = sim_pe_of(pe)->dma;
	for (unsigned int i = 0; d && !rc && i < SIM_DMA_WINDOWS; i++) {
		struct sim_dma_win *w = &d->win[i];
		uint64_t lo, hi, first, lim;

		if (!w->on || last < w->start || iova > w->start + w->size - 1)
			continue;
		lo = iova > w->start ? iova : w->start;
		hi = last < w->start + w->size - 1 ? last : w->start + w->size - 1;
		first = (lo - w->start) >> w->shift;
		lim = ((hi - w->start) >> w->shift) + 1;
		if (!perm) {
			/* clear only what is set: an unmap of a huge range is cheap */
			for (uint64_t x = tce_table_next(&w->t, first, lim); x < lim;
			     x = tce_table_next(&w->t, x + 1, lim))
				tce_table_set(&w->t, x, 0);
			continue;
		}
		for (uint64_t x = first; !rc && x < lim; x++) {
			uint64_t bus = w->start + (x << w->shift);
			uint64_t va = uva + (bus > iova ? bus - iova : 0);

			rc = tce_table_set(&w->t, x, (va & ~((1ULL << w->shift) - 1)) | (perm & 3));
		}
	}
	pthread_mutex_unlock(&pe->lock);
	return rc;
}

int sim_dma_translate_locked(struct eeh_func *f, bool write, uint64_t addr, size_t len)
{
	struct eeh_pe *pe = f->pe;
	struct sim_dma *d = sim_pe_of(pe)->dma;
	bool any = false;
	uint64_t a = addr, end = addr + (len ? len : 1);

	for (unsigned int i = 0; d && i < SIM_DMA_WINDOWS; i++)
		any |= d->win[i].on;
	if (!any)
		return 0;
	while (a < end && a >= addr) {
		struct sim_dma_win *w = win_of(d, a);
		uint64_t tce = w ? tce_table_get(&w->t, (a - w->start) >> w->shift) : 0;
		struct sim_inject_rec rec = { .kind = SIM_REC_BAD_DMA, .fired = true };

		if (w && (tce & (write ? TCE_WRITE : TCE_READ))) {
			a = (a & ~((1ULL << w->shift) - 1)) + (1ULL << w->shift);
			continue;
		}
		/* The PHB's TCE fault: the PE freezes, the error names the
		 * bus address and, unlike a master abort, the function. */
		rec.armed_us = rec.hit_us = eeh_clock_now_us(pe->phb->ctx);
		rec.hit_addr = a;
		rec.hit_func = f;
		rec.type = write;
		sim_inject_note(pe, &rec, NULL);
		sim_freeze_locked(pe, SIM_CAUSE_BAD_DMA, a);
		dbg(pe->phb->ctx, "%s: bad DMA %s 0x%llx by %s", pe->name, write ? "write" : "read",
		    (unsigned long long)a, f->bdf);
		return -EIO;
	}
	return 0;
}

int sim_dma_window_get(struct eeh_pe *pe, unsigned int slot, uint64_t *start, uint64_t *size,
		       unsigned int *page_shift)
{
	struct sim_dma *d;
	int rc = -ENOENT;

	pthread_mutex_lock(&pe->lock);
	d = sim_pe_of(pe)->dma;
	if (d && slot < SIM_DMA_WINDOWS && d->win[slot].on) {
		*start = d->win[slot].start;
		*size = d->win[slot].size;
		*page_shift = d->win[slot].shift;
		rc = 0;
	}
	pthread_mutex_unlock(&pe->lock);
	return rc;
}

uint64_t sim_dma_tce_next(struct eeh_pe *pe, unsigned int slot, uint64_t from, uint64_t *tce)
{
	struct sim_dma *d;
	uint64_t x = UINT64_MAX;

	pthread_mutex_lock(&pe->lock);
	d = sim_pe_of(pe)->dma;
	if (d && slot < SIM_DMA_WINDOWS && d->win[slot].on) {
		struct tce_table *t = &d->win[slot].t;

		x = tce_table_next(t, from, t->nentries);
		if (x < t->nentries)
			*tce = tce_table_get(t, x);
		else
			x = UINT64_MAX;
	}
	pthread_mutex_unlock(&pe->lock);
	return x;
}

int sim_dma_tce_set(struct eeh_pe *pe, unsigned int slot, uint64_t idx, uint64_t tce)
{
	struct sim_dma *d;
	int rc = -ENOENT;

	pthread_mutex_lock(&pe->lock);
	d = sim_pe_of(pe)->dma;
	if (d && slot < SIM_DMA_WINDOWS && d->win[slot].on) {
		struct sim_dma_win *w = &d->win[slot];

		rc = idx < w->t.nentries && (tce & (TCE_READ | TCE_WRITE)) &&
				     !(tce & ((1ULL << w->shift) - 1) & ~(TCE_READ | TCE_WRITE))
			     ? tce_table_set(&w->t, idx, tce)
			     : -EINVAL;
	}
	pthread_mutex_unlock(&pe->lock);
	return rc;
}

size_t sim_dma_table_bytes(struct eeh_pe *pe)
{
	size_t n = 0;

	pthread_mutex_lock(&pe->lock);
	for (unsigned int i = 0; sim_pe_of(pe)->dma && i < SIM_DMA_WINDOWS; i++)
		n += sim_pe_of(pe)->dma->win[i].t.bytes;
	pthread_mutex_unlock(&pe->lock);
	return n;
}

void sim_dma_release(struct eeh_pe *pe)
{
	struct sim_dma *d = sim_pe_of(pe)->dma;

	for (unsigned int i = 0; d && i < SIM_DMA_WINDOWS; i++)
		tce_table_clear(&d->win[i].t);
	free(d);
	sim_pe_of(pe)->dma = NULL;
}

int sim_dma_arm(struct eeh_pe *pe)
{
	struct sim_dma *d;
	bool any = false;

	if (!pe)
		return -EINVAL;
	/* the simulated host's PHBs are the only ones libeeh programs */
	if (!ctx_has(pe->phb->ctx, EEH_BACKEND_CAP_SIM_KERNEL))
		return -EOPNOTSUPP;
	pthread_mutex_lock(&pe->lock);
	d = sim_pe_of(pe)->dma;
	for (unsigned int i = 0; d && i < SIM_DMA_WINDOWS; i++)
		any |= d->win[i].on;
	pthread_mutex_unlock(&pe->lock);
	/* the default window as the platform sets it up: 4 KiB pages at 0 */
	return any ? 0 : sim_dma_set_window(pe, 0, 0, 1ULL << 31, 12);
}

EEH_EXPORT int eeh_pe_dma_window(struct eeh_pe *pe, unsigned int slot, struct eeh_spapr_window *w)
{
	struct sim_dma *d;
	int rc = -ENOENT;

	if (!pe || !w || slot >= SIM_DMA_WINDOWS)
		return -EINVAL;
	if (!ctx_has(pe->phb->ctx, EEH_BACKEND_CAP_SIM_KERNEL))
		return -EOPNOTSUPP;
	memset(w, 0, sizeof(*w));
	pthread_mutex_lock(&pe->lock);
	d = sim_pe_of(pe)->dma;
	if (d && d->win[slot].on) {
		w->start = d->win[slot].start;
		w->size = d->win[slot].size;
		w->page_shift = d->win[slot].shift;
		w->mapped = d->win[slot].t.used;
		w->table_bytes = d->win[slot].t.bytes;
		rc = 0;
	}
	pthread_mutex_unlock(&pe->lock);
	return rc;
}
