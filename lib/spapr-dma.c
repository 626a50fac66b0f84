/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sPAPR DMA windows, TCEs and preregistration on an iommufd IOAS: the
 * plan for "SPAPR under iommufd" sketched in the iommufd container
 * compatibility review (D. Gibson, 29 Apr 2022), built in userspace on
 * the device bookkeeping of iommufd.c:
 *
 *   window (slot, page shift, size)  -> allowed IOVAs of the IOAS, and on
 *                                       the simulated host the PE's TVE
 *   TCE put (valid)                  -> IOMMU_IOAS_COPY of one window page
 *                                       from the preregistration IOAS
 *   TCE put (neither R nor W)        -> IOMMU_IOAS_UNMAP of that page
 *   REGISTER_MEMORY                  -> IOMMU_IOAS_MAP into a device-less
 *                                       IOAS at IOVA = user VA
 *
 * iommufd cannot split an area and refuses a map over a live one
 * (EEXIST), while a TCE is replaced in place: every TCE is its own area
 * and a replacement is an unmap then a copy. The TCE values live in a
 * sparse table per window (tce-table.c), which is also what GET_TCE and
 * the EBUSY rule of UNREGISTER (a region still referenced) read.
 *
 * Everything runs under the iommufd's write lock: the kernel calls and
 * the bookkeeping of windows, TCEs and regions are one step.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iommufd-abi.h"
#include "iommufd.h"
#include "spapr-dma.h"
#include "tce-table.h"

/* The platform: PowerNV IODA2 on the simulated host (iommufd.h). */
#define DMA32_START SIM_DMA32_START
#define DMA32_SIZE SIM_DMA32_SIZE
#define DMA64_BASE SIM_DMA64_START
/* QEMU's default pgsz (4K|64K|2M|16M), which guests are offered. */
#define PGSIZES ((1ULL << 12) | (1ULL << 16) | (1ULL << 21) | (1ULL << 24))
#define MAX_LEVELS 5          /* POWERNV_IOMMU_MAX_LEVELS */
#define DEFAULT_SHIFT 12
#define SIM_HOST_PAGE (64 * 1024ULL)
/* Set in a stored TCE made from a VMM address directly (legacy MAP_DMA),
 * not through the translation; never shown (the page bits are free). */
#define TCE_RAW 0x4ULL
#define TCE_PERM (EEH_TCE_READ | EEH_TCE_WRITE)

struct spapr_win {
	bool on, is_default;
	uint64_t start, size;
	unsigned int shift, levels;
	struct tce_table tces;
};

struct spapr_region {
	uint64_t vaddr, size;
	uint64_t mapped;     /* TCEs referencing it */
	unsigned int shift;  /* the largest I/O page it can back */
};

struct eeh_spapr {
	struct eeh_iommufd *ifd;
	uint32_t ioas_id, prereg_id;
	struct spapr_win win[EEH_SPAPR_MAX_WINDOWS];
	bool def_pending;
	bool mm_bound;  /* legacy: REGISTER, CREATE or REMOVE bound the mm */
	bool enabled;   /* legacy v2: a region was registered */
	struct spapr_region *regions; /* sorted by vaddr */
	unsigned int nregions, cap;
	eeh_spapr_xlate_fn xlate;
	void *xlate_opaque;
	uint64_t host_page;
};

static void lock(struct eeh_spapr *sp)
{
	pthread_rwlock_wrlock(&sp->ifd->lock);
}

static void unlock(struct eeh_spapr *sp)
{
	pthread_rwlock_unlock(&sp->ifd->lock);
}

/* The one-group rule of eeh_iommufd_check(), on the IOAS. */
static int group_rule(struct eeh_spapr *sp)
{
	struct iofd_ioas *io = iofd_ioas_get(sp->ifd, sp->ioas_id);

	if (!io || !io->ngroups)
		return -ENODEV;
	return io->ngroups > 1 ? -EPERM : 0;
}

/* ---- preregistered regions ---- */

static struct spapr_region *region_find(struct eeh_spapr *sp, uint64_t va, uint64_t len)
{
	unsigned int lo = 0, hi = sp->nregions;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		struct spapr_region *r = &sp->regions[mid];

		if (va < r->vaddr) {
			hi = mid;
		} else if (va - r->vaddr >= r->size) {
			lo = mid + 1;
		} else {
			return len <= r->size - (va - r->vaddr) ? r : NULL;
		}
	}
	return NULL;
}

static unsigned int ctz64(uint64_t v)
{
	return v ? (unsigned int)__builtin_ctzll(v) : 63;
}

/* ---- TCEs ---- */

static int tce_vaddr(struct eeh_spapr *sp, uint64_t tce, unsigned int shift, uint64_t *va)
{
	uint64_t addr = tce & ~((1ULL << shift) - 1);

	if ((tce & TCE_RAW) || !sp->xlate) {
		*va = addr;
		return 0;
	}
	return sp->xlate(sp->xlate_opaque, addr, va);
}

static void entry_clear(struct eeh_spapr *sp, struct spapr_win *w, uint64_t idx, bool unmap)
{
	uint64_t old = tce_table_get(&w->tces, idx), va;
	struct spapr_region *r;

	if (!old)
		return;
	if (unmap)
		sp->ifd->k->ioas_unmap(sp->ifd, sp->ioas_id, w->start + (idx << w->shift),
				       1ULL << w->shift, NULL);
	if (!tce_vaddr(sp, old, w->shift, &va)) {
		r = region_find(sp, va, 1ULL << w->shift);
		if (r && r->mapped)
			r->mapped--;
	}
	tce_table_set(&w->tces, idx, 0);
}

/* One TCE: an unmap, or an unmap of the old entry and a copy. */
static int entry_set(struct eeh_spapr *sp, struct spapr_win *w, uint64_t idx, uint64_t tce)
{
	uint64_t page = 1ULL << w->shift, perm = tce & TCE_PERM, va, val;
	unsigned int flags;
	struct spapr_region *r;
	int rc;

	if (!perm) {
		entry_clear(sp, w, idx, true);
		return 0;
	}
	val = (tce & ~(page - 1)) | perm | (tce & TCE_RAW);
	/* an address the VMM cannot translate is memory nobody registered */
	if (tce_vaddr(sp, val, w->shift, &va))
		return -EINVAL;
	/* The kernel's tce_iommu_prereg_ua_to_hpa(): inside a registered
	 * region able to back this page size, else EINVAL. */
	r = region_find(sp, va, page);
	if (!r || r->shift < w->shift)
		return -EINVAL;
	entry_clear(sp, w, idx, true);
	/* TCE read (device reads memory) is iommufd READABLE, write is
	 * WRITEABLE: the bits differ, so never pass one as the other. */
	flags = (perm & EEH_TCE_READ ? IOFD_MAP_READ : 0) |
		(perm & EEH_TCE_WRITE ? IOFD_MAP_WRITE : 0);
	rc = sp->ifd->k->ioas_copy(sp->ifd, sp->ioas_id, w->start + (idx << w->shift),
				   sp->prereg_id, va, page, flags);
	if (rc)
		return rc;
	rc = tce_table_set(&w->tces, idx, val);
	if (rc) {
		sp->ifd->k->ioas_unmap(sp->ifd, sp->ioas_id, w->start + (idx << w->shift), page,
				       NULL);
		return rc;
	}
	r->mapped++;
	return 0;
}

/* ---- windows ---- */

static int allow_update(struct eeh_spapr *sp)
{
	struct eeh_iova_range r[EEH_SPAPR_MAX_WINDOWS];
	unsigned int n = 0;

	for (unsigned int i = 0; i < EEH_SPAPR_MAX_WINDOWS; i++)
		if (sp->win[i].on)
			r[n++] = (struct eeh_iova_range){ sp->win[i].start,
							  sp->win[i].start + sp->win[i].size - 1 };
	return sp->ifd->k->allow_iovas(sp->ifd, sp->ioas_id, r, n);
}

static int set_window(struct eeh_spapr *sp, unsigned int slot, uint64_t start, uint64_t size,
		      unsigned int shift)
{
	if (!sp->ifd->k->set_window)
		return 0;
	return sp->ifd->k->set_window(sp->ifd, sp->ioas_id, slot, start, size, shift);
}

/* Program a window: the PE's TVE first (the aperture grows), then the
 * allowed IOVAs. */
static int window_open(struct eeh_spapr *sp, unsigned int slot, uint64_t start, uint64_t size,
		       unsigned int shift, unsigned int levels, bool is_default)
{
	struct spapr_win *w = &sp->win[slot];
	int rc = set_window(sp, slot, start, size, shift);

	if (rc)
		return rc;
	w->on = true;
	w->is_default = is_default;
	w->start = start;
	w->size = size;
	w->shift = shift;
	w->levels = levels;
	tce_table_init(&w->tces, size >> shift);
	rc = allow_update(sp);
	if (rc) {
		w->on = false;
		set_window(sp, slot, 0, 0, shift);
	}
	return rc;
}

/* Clear every TCE of a window and close it: allowed IOVAs first (the
 * aperture must not shrink under them), then the TVE. */
static void window_close(struct eeh_spapr *sp, unsigned int slot)
{
	struct spapr_win *w = &sp->win[slot];
	uint64_t n = w->tces.nentries;

	if (!w->on)
		return;
	if (w->tces.used)
		sp->ifd->k->ioas_unmap(sp->ifd, sp->ioas_id, w->start, w->size, NULL);
	for (uint64_t x = tce_table_next(&w->tces, 0, n); x < n;
	     x = tce_table_next(&w->tces, x + 1, n))
		entry_clear(sp, w, x, false);
	tce_table_clear(&w->tces);
	w->on = false;
	allow_update(sp);
	set_window(sp, slot, 0, 0, w->shift);
}

/* tce_iommu_create_default_window(): the pending default window. */
static int default_window(struct eeh_spapr *sp)
{
	int rc;

	if (!sp->def_pending)
		return 0;
	if (sp->win[0].on)
		return -EBUSY;
	rc = window_open(sp, 0, DMA32_START, DMA32_SIZE, DEFAULT_SHIFT, 1, true);
	if (!rc)
		sp->def_pending = false;
	return rc;
}

static int slot_of(struct eeh_spapr *sp, uint64_t addr)
{
	for (unsigned int i = 0; i < EEH_SPAPR_MAX_WINDOWS; i++) {
		struct spapr_win *w = &sp->win[i];

		if (w->on && addr >= w->start && addr - w->start < w->size)
			return (int)i;
	}
	return -1;
}

/* pnv_pci_ioda2_get_table_size() and _table_alloc_pages(): what a
 * PowerNV table can be (0 when not). */
static bool table_ok(unsigned int shift, uint64_t size, unsigned int levels)
{
	unsigned int window_shift, entries_shift, level_shift;

	if (!levels || levels > MAX_LEVELS || !size || (size & (size - 1)))
		return false;
	window_shift = ctz64(size);
	if (window_shift < shift)
		return false;
	entries_shift = window_shift - shift;
	entries_shift = (entries_shift + levels - 1) / levels;
	level_shift = entries_shift + 3;
	if (level_shift < 16) /* PAGE_SHIFT of a 64 KiB-page host */
		level_shift = 16;
	return (level_shift - 3) * levels + shift < 55;
}

static int create_locked(struct eeh_spapr *sp, unsigned int shift, uint64_t size,
			 unsigned int levels, uint64_t *start)
{
	int slot = -1, rc = default_window(sp);

	if (rc)
		return rc;
	for (unsigned int i = 0; i < EEH_SPAPR_MAX_WINDOWS && slot < 0; i++)
		if (!sp->win[i].on)
			slot = (int)i;
	/* tce_iommu_find_free_table() before any argument check */
	if (slot < 0)
		return -ENOSPC;
	if (shift >= 64 || !(PGSIZES & (1ULL << shift)))
		return -EINVAL;
	if (!table_ok(shift, size, levels))
		return -EINVAL;
	/* pnv_pci_ioda2_create_table(): slot 1 at the TVE#1 base */
	rc = window_open(sp, (unsigned int)slot, slot ? DMA64_BASE : DMA32_START, size, shift,
			 levels, false);
	if (!rc && start)
		*start = sp->win[slot].start;
	return rc;
}

static int remove_locked(struct eeh_spapr *sp, uint64_t start)
{
	int slot;

	if (sp->def_pending && !start) {
		sp->def_pending = false;
		return 0;
	}
	slot = slot_of(sp, start);
	if (slot < 0)
		return -EINVAL;
	window_close(sp, (unsigned int)slot);
	return 0;
}

/* The window page at ioba: 0 and the slot, -ENXIO, -EINVAL (misaligned). */
static int tce_target(struct eeh_spapr *sp, uint64_t ioba, struct spapr_win **w, uint64_t *idx)
{
	int slot = slot_of(sp, ioba);

	if (slot < 0)
		return -ENXIO;
	*w = &sp->win[slot];
	if (ioba & ((1ULL << (*w)->shift) - 1))
		return -EINVAL;
	*idx = (ioba - (*w)->start) >> (*w)->shift;
	return 0;
}

/* Entries [idx, idx+n) of a window: -EINVAL past its end. */
static int span_ok(struct spapr_win *w, uint64_t idx, uint64_t n)
{
	return n <= w->tces.nentries - idx ? 0 : -EINVAL;
}

static int tce_begin(struct eeh_spapr *sp)
{
	int rc = group_rule(sp);

	return rc ? rc : default_window(sp);
}

/* ---- public API ---- */

EEH_EXPORT int eeh_spapr_new(struct eeh_iommufd *ifd, uint32_t ioas_id, struct eeh_spapr **out)
{
	struct eeh_spapr *sp;
	bool known;
	int rc;

	if (!ifd || !out)
		return -EINVAL;
	pthread_rwlock_rdlock(&ifd->lock);
	known = iofd_ioas_get(ifd, ioas_id) != NULL;
	pthread_rwlock_unlock(&ifd->lock);
	if (!known)
		return -ENOENT;
	sp = calloc(1, sizeof(*sp));
	if (!sp)
		return -ENOMEM;
	sp->ifd = ifd;
	sp->ioas_id = ioas_id;
	sp->def_pending = true;
	sp->host_page = ifd->sim ? SIM_HOST_PAGE : (uint64_t)sysconf(_SC_PAGESIZE);
	rc = eeh_iommufd_ioas_alloc(ifd, &sp->prereg_id);
	if (rc) {
		free(sp);
		return rc;
	}
	*out = sp;
	return 0;
}

EEH_EXPORT void eeh_spapr_free(struct eeh_spapr *sp)
{
	if (!sp)
		return;
	lock(sp);
	for (unsigned int i = 0; i < EEH_SPAPR_MAX_WINDOWS; i++)
		window_close(sp, i);
	unlock(sp);
	eeh_iommufd_destroy(sp->ifd, sp->prereg_id);
	free(sp->regions);
	free(sp);
}

EEH_EXPORT uint32_t eeh_spapr_ioas(struct eeh_spapr *sp)
{
	return sp ? sp->ioas_id : 0;
}

EEH_EXPORT uint32_t eeh_spapr_prereg_ioas(struct eeh_spapr *sp)
{
	return sp ? sp->prereg_id : 0;
}

EEH_EXPORT void eeh_spapr_set_translate(struct eeh_spapr *sp, eeh_spapr_xlate_fn fn, void *opaque)
{
	if (!sp)
		return;
	lock(sp);
	sp->xlate = fn;
	sp->xlate_opaque = opaque;
	unlock(sp);
}

EEH_EXPORT int eeh_spapr_get_info(struct eeh_spapr *sp, struct eeh_spapr_info *info)
{
	if (!sp || !info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->dma32_start = DMA32_START;
	info->dma32_size = DMA32_SIZE;
	info->dma64_base = DMA64_BASE;
	info->pgsizes = PGSIZES;
	info->max_windows = EEH_SPAPR_MAX_WINDOWS;
	info->max_levels = MAX_LEVELS;
	return 0;
}

EEH_EXPORT int eeh_spapr_window(struct eeh_spapr *sp, unsigned int slot, struct eeh_spapr_window *w)
{
	struct spapr_win *s;
	int rc = 0;

	if (!sp || !w || slot >= EEH_SPAPR_MAX_WINDOWS)
		return -EINVAL;
	memset(w, 0, sizeof(*w));
	lock(sp);
	s = &sp->win[slot];
	if (s->on) {
		w->start = s->start;
		w->size = s->size;
		w->page_shift = s->shift;
		w->levels = s->levels;
		w->is_default = s->is_default;
		w->mapped = s->tces.used;
		w->table_bytes = s->tces.bytes;
	} else if (!slot && sp->def_pending) {
		w->start = DMA32_START;
		w->size = DMA32_SIZE;
		w->page_shift = DEFAULT_SHIFT;
		w->levels = 1;
		w->is_default = w->pending = true;
	} else {
		rc = -ENOENT;
	}
	unlock(sp);
	return rc;
}

EEH_EXPORT int eeh_spapr_create_window(struct eeh_spapr *sp, unsigned int page_shift,
				       uint64_t window_size, unsigned int levels, uint64_t *start)
{
	int rc;

	if (!sp)
		return -EINVAL;
	lock(sp);
	rc = group_rule(sp);
	if (!rc)
		rc = create_locked(sp, page_shift, window_size, levels, start);
	unlock(sp);
	return rc;
}

EEH_EXPORT int eeh_spapr_remove_window(struct eeh_spapr *sp, uint64_t start)
{
	int rc;

	if (!sp)
		return -EINVAL;
	lock(sp);
	rc = group_rule(sp);
	if (!rc)
		rc = remove_locked(sp, start);
	unlock(sp);
	return rc;
}

EEH_EXPORT int eeh_spapr_reset(struct eeh_spapr *sp)
{
	int rc;

	if (!sp)
		return -EINVAL;
	lock(sp);
	rc = group_rule(sp);
	if (!rc) {
		for (unsigned int i = 0; i < EEH_SPAPR_MAX_WINDOWS; i++)
			window_close(sp, i);
		sp->def_pending = false;
		rc = window_open(sp, 0, DMA32_START, DMA32_SIZE, DEFAULT_SHIFT, 1, true);
	}
	unlock(sp);
	return rc;
}

static int register_locked(struct eeh_spapr *sp, uint64_t vaddr, uint64_t size)
{
	struct spapr_region *r;
	unsigned int at = 0;
	int rc;

	if ((vaddr | size) & (sp->host_page - 1) || !size || vaddr + size < vaddr)
		return -EINVAL;
	for (unsigned int i = 0; i < sp->nregions; i++) {
		r = &sp->regions[i];
		if (r->vaddr == vaddr && r->size == size)
			return -EBUSY;
		/* mm_iommu_do_alloc(): an overlap with another region */
		if (vaddr < r->vaddr + r->size && r->vaddr < vaddr + size)
			return -EINVAL;
		if (r->vaddr < vaddr)
			at = i + 1;
	}
	if (sp->nregions == sp->cap) {
		unsigned int cap = sp->cap ? 2 * sp->cap : 8;
		struct spapr_region *n = realloc(sp->regions, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		sp->regions = n;
		sp->cap = cap;
	}
	rc = sp->ifd->k->ioas_map(sp->ifd, sp->prereg_id, vaddr, size, vaddr,
				  IOFD_MAP_READ | IOFD_MAP_WRITE);
	if (rc)
		return rc;
	memmove(&sp->regions[at + 1], &sp->regions[at], (sp->nregions - at) * sizeof(*r));
	r = &sp->regions[at];
	r->vaddr = vaddr;
	r->size = size;
	r->mapped = 0;
	/* mem->pageshift: the natural alignment of the region (the backing
	 * page size is the kernel's to check) */
	r->shift = ctz64(vaddr | size);
	sp->nregions++;
	sp->enabled = true;
	return 0;
}

static int unregister_locked(struct eeh_spapr *sp, uint64_t vaddr, uint64_t size)
{
	unsigned int i;
	int rc;

	if ((vaddr | size) & (sp->host_page - 1))
		return -EINVAL;
	for (i = 0; i < sp->nregions; i++)
		if (sp->regions[i].vaddr == vaddr && sp->regions[i].size == size)
			break;
	if (i == sp->nregions)
		return -ENOENT;
	/* mm_iommu_put(): IOAS_UNMAP of the source would succeed (the
	 * copies hold their own references), so the rule is ours. */
	if (sp->regions[i].mapped)
		return -EBUSY;
	rc = sp->ifd->k->ioas_unmap(sp->ifd, sp->prereg_id, vaddr, size, NULL);
	if (rc && rc != -ENOENT)
		return rc;
	memmove(&sp->regions[i], &sp->regions[i + 1],
		(sp->nregions - i - 1) * sizeof(sp->regions[0]));
	sp->nregions--;
	return 0;
}

EEH_EXPORT int eeh_spapr_register(struct eeh_spapr *sp, uint64_t vaddr, uint64_t size)
{
	int rc;

	if (!sp)
		return -EINVAL;
	lock(sp);
	rc = register_locked(sp, vaddr, size);
	unlock(sp);
	return rc;
}

EEH_EXPORT int eeh_spapr_unregister(struct eeh_spapr *sp, uint64_t vaddr, uint64_t size)
{
	int rc;

	if (!sp)
		return -EINVAL;
	lock(sp);
	rc = unregister_locked(sp, vaddr, size);
	unlock(sp);
	return rc;
}

EEH_EXPORT int eeh_spapr_put_tce(struct eeh_spapr *sp, uint64_t ioba, uint64_t tce)
{
	struct spapr_win *w;
	uint64_t idx;
	int rc;

	if (!sp)
		return -EINVAL;
	lock(sp);
	rc = tce_begin(sp);
	if (!rc)
		rc = tce_target(sp, ioba, &w, &idx);
	if (!rc)
		rc = entry_set(sp, w, idx, tce & ~TCE_RAW);
	unlock(sp);
	return rc;
}

EEH_EXPORT int eeh_spapr_put_tce_list(struct eeh_spapr *sp, uint64_t ioba, const uint64_t *tces,
				      unsigned int n)
{
	struct spapr_win *w;
	uint64_t idx;
	int rc;

	if (!sp || (n && !tces) || n > EEH_TCE_LIST_MAX)
		return -EINVAL;
	lock(sp);
	rc = tce_begin(sp);
	if (!rc)
		rc = tce_target(sp, ioba, &w, &idx);
	for (unsigned int i = 0; !rc && i < n; i++) {
		rc = span_ok(w, idx + i, 1);
		if (!rc)
			rc = entry_set(sp, w, idx + i, tces[i] & ~TCE_RAW);
	}
	unlock(sp);
	return rc;
}

EEH_EXPORT int eeh_spapr_stuff_tce(struct eeh_spapr *sp, uint64_t ioba, uint64_t tce,
				   uint64_t npages)
{
	struct spapr_win *w;
	uint64_t idx;
	int rc;

	if (!sp)
		return -EINVAL;
	lock(sp);
	rc = tce_begin(sp);
	if (!rc)
		rc = tce_target(sp, ioba, &w, &idx);
	if (!rc && npages > w->tces.nentries)
		rc = -EINVAL; /* QEMU: more pages than the table has */
	for (uint64_t i = 0; !rc && i < npages; i++) {
		rc = span_ok(w, idx + i, 1);
		if (!rc)
			rc = entry_set(sp, w, idx + i, tce & ~TCE_RAW);
	}
	unlock(sp);
	return rc;
}

EEH_EXPORT int eeh_spapr_get_tce(struct eeh_spapr *sp, uint64_t ioba, uint64_t *tce)
{
	struct spapr_win *w;
	uint64_t idx;
	int rc;

	if (!sp || !tce)
		return -EINVAL;
	lock(sp);
	rc = tce_target(sp, ioba, &w, &idx);
	if (!rc)
		*tce = tce_table_get(&w->tces, idx) & ~TCE_RAW;
	unlock(sp);
	return rc;
}

/* ---- for eeh/ ---- */

struct eeh_iommufd *spapr_iommufd(struct eeh_spapr *sp)
{
	return sp->ifd;
}

uint32_t spapr_devid(struct eeh_spapr *sp)
{
	struct iofd_ioas *io;
	uint32_t id = 0;

	pthread_rwlock_rdlock(&sp->ifd->lock);
	io = iofd_ioas_get(sp->ifd, sp->ioas_id);
	if (io && io->members)
		id = io->members->devid;
	pthread_rwlock_unlock(&sp->ifd->lock);
	return id;
}

size_t spapr_table_bytes(struct eeh_spapr *sp)
{
	size_t n;

	lock(sp);
	n = sp->cap * sizeof(struct spapr_region);
	for (unsigned int i = 0; i < EEH_SPAPR_MAX_WINDOWS; i++)
		n += sp->win[i].tces.bytes;
	unlock(sp);
	return n;
}

/* ---- the SPAPR TCE v2 container (drivers/vfio/vfio_iommu_spapr_tce.c) ---- */

static int compat_get_info(struct eeh_spapr *sp, struct vfio_iommu_spapr_tce_info *info)
{
	size_t minsz = offsetof(struct vfio_iommu_spapr_tce_info, dma32_window_size) +
		       sizeof(info->dma32_window_size);
	size_t ddwsz = offsetof(struct vfio_iommu_spapr_tce_info, ddw) + sizeof(info->ddw);
	struct vfio_iommu_spapr_tce_info out;

	if (group_rule(sp) == -ENODEV)
		return -ENXIO;
	if (info->argsz < minsz)
		return -EINVAL;
	memset(&out, 0, sizeof(out));
	out.argsz = info->argsz;
	out.dma32_window_start = (uint32_t)DMA32_START;
	out.dma32_window_size = (uint32_t)DMA32_SIZE;
	out.flags = VFIO_IOMMU_SPAPR_INFO_DDW;
	out.ddw.pgsizes = PGSIZES;
	out.ddw.max_dynamic_windows_supported = EEH_SPAPR_MAX_WINDOWS;
	out.ddw.levels = MAX_LEVELS;
	/* only the part the caller's argsz covers is written */
	memcpy(info, &out, info->argsz >= ddwsz ? ddwsz : minsz);
	return 0;
}

/* iommu_tce_check_ioba(): the page index inside the table, aligned. */
static bool ioba_bad(const struct spapr_win *w, uint64_t ioba)
{
	return (ioba & ((1ULL << w->shift) - 1)) || ioba < w->start || ioba - w->start >= w->size;
}

static int compat_map(struct eeh_spapr *sp, struct vfio_iommu_type1_dma_map *m)
{
	size_t minsz = offsetof(struct vfio_iommu_type1_dma_map, size) + sizeof(m->size);
	struct spapr_win *w;
	uint64_t perm = 0, idx, pages, page;
	int slot, rc;

	if (!sp->enabled)
		return -EPERM;
	if (m->argsz < minsz || (m->flags & ~(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)))
		return -EINVAL;
	rc = default_window(sp);
	if (rc)
		return rc;
	slot = slot_of(sp, m->iova);
	if (slot < 0)
		return -ENXIO;
	w = &sp->win[slot];
	page = 1ULL << w->shift;
	if ((m->size | m->vaddr) & (page - 1))
		return -EINVAL;
	if (m->flags & VFIO_DMA_MAP_FLAG_READ)
		perm |= EEH_TCE_READ;
	if (m->flags & VFIO_DMA_MAP_FLAG_WRITE)
		perm |= EEH_TCE_WRITE;
	if (!perm)
		return -EINVAL;
	/* iommu_tce_put_param_check() is a logical OR: 1, not an errno */
	if (ioba_bad(w, m->iova))
		return 1;
	idx = (m->iova - w->start) >> w->shift;
	pages = m->size >> w->shift;
	/* The kernel checks only the first page against the table; the
	 * rest of the range is checked here rather than run past it. */
	if (span_ok(w, idx, pages))
		return -EINVAL;
	rc = group_rule(sp);
	if (rc)
		return rc;
	for (uint64_t i = 0; i < pages; i++) {
		rc = entry_set(sp, w, idx + i, (m->vaddr + (i << w->shift)) | perm | TCE_RAW);
		if (rc) {
			/* tce_iommu_build_v2(): undo this call's entries */
			for (uint64_t k = 0; k < i; k++)
				entry_clear(sp, w, idx + k, true);
			return rc;
		}
	}
	return 0;
}

static int compat_unmap(struct eeh_spapr *sp, struct vfio_iommu_type1_dma_unmap *u)
{
	size_t minsz = offsetof(struct vfio_iommu_type1_dma_unmap, size) + sizeof(u->size);
	struct spapr_win *w;
	uint64_t idx, pages;
	int slot, rc;

	if (!sp->enabled)
		return -EPERM;
	if (u->argsz < minsz)
		return -EINVAL;
	rc = default_window(sp);
	if (rc)
		return rc;
	if (u->flags)
		return -EINVAL;
	slot = slot_of(sp, u->iova);
	if (slot < 0)
		return -ENXIO;
	w = &sp->win[slot];
	if (u->size & ((1ULL << w->shift) - 1))
		return -EINVAL;
	if (ioba_bad(w, u->iova))
		return 1;
	idx = (u->iova - w->start) >> w->shift;
	pages = u->size >> w->shift;
	if (span_ok(w, idx, pages))
		return -EINVAL;
	/* tce_iommu_clear(): empty entries are skipped */
	for (uint64_t x = tce_table_next(&w->tces, idx, idx + pages); x < idx + pages;
	     x = tce_table_next(&w->tces, x + 1, idx + pages))
		entry_clear(sp, w, x, true);
	return 0;
}

static int compat_register(struct eeh_spapr *sp, struct vfio_iommu_spapr_register_memory *r,
			   bool reg)
{
	size_t minsz = offsetof(struct vfio_iommu_spapr_register_memory, size) + sizeof(r->size);

	if (reg)
		sp->mm_bound = true;
	else if (!sp->mm_bound)
		return -EPERM;
	if (r->argsz < minsz || r->flags)
		return -EINVAL;
	if (!reg)
		return unregister_locked(sp, r->vaddr, r->size);
	/* an empty region: mm_iommu_new()'s table of 0 entries fails */
	if (!r->size && !(r->vaddr & (sp->host_page - 1)))
		return -ENOMEM;
	return register_locked(sp, r->vaddr, r->size);
}

static int compat_create(struct eeh_spapr *sp, struct vfio_iommu_spapr_tce_create *c)
{
	size_t minsz = offsetof(struct vfio_iommu_spapr_tce_create, start_addr) +
		       sizeof(c->start_addr);
	uint64_t start = 0;
	int rc;

	sp->mm_bound = true;
	rc = group_rule(sp);
	if (rc == -ENODEV)
		return -ENXIO;
	if (c->argsz < minsz || c->flags)
		return -EINVAL;
	if (rc)
		return rc;
	rc = create_locked(sp, c->page_shift, c->window_size, c->levels, &start);
	if (!rc)
		c->start_addr = start;
	return rc;
}

static int compat_remove(struct eeh_spapr *sp, struct vfio_iommu_spapr_tce_remove *r)
{
	size_t minsz = offsetof(struct vfio_iommu_spapr_tce_remove, start_addr) +
		       sizeof(r->start_addr);
	int rc;

	sp->mm_bound = true;
	rc = group_rule(sp);
	if (rc == -ENODEV)
		return -ENXIO;
	if (r->argsz < minsz || r->flags)
		return -EINVAL;
	if (rc)
		return rc;
	return remove_locked(sp, r->start_addr);
}

int spapr_compat_ioctl(struct eeh_spapr *sp, unsigned long request, void *arg)
{
	int rc;

	if (!sp)
		return -EINVAL;
	if (!arg)
		return -EFAULT;
	lock(sp);
	switch (request) {
	case VFIO_IOMMU_SPAPR_TCE_GET_INFO:
		rc = compat_get_info(sp, arg);
		break;
	case VFIO_IOMMU_MAP_DMA:
		rc = compat_map(sp, arg);
		break;
	case VFIO_IOMMU_UNMAP_DMA:
		rc = compat_unmap(sp, arg);
		break;
	case VFIO_IOMMU_SPAPR_REGISTER_MEMORY:
		rc = compat_register(sp, arg, true);
		break;
	case VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY:
		rc = compat_register(sp, arg, false);
		break;
	case VFIO_IOMMU_SPAPR_TCE_CREATE:
		rc = compat_create(sp, arg);
		break;
	case VFIO_IOMMU_SPAPR_TCE_REMOVE:
		rc = compat_remove(sp, arg);
		break;
	default:
		/* ENABLE/DISABLE are v1's: a v2 container falls through */
		rc = -ENOTTY;
	}
	unlock(sp);
	return rc;
}
