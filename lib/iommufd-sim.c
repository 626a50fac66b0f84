/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The simulated host's iommufd: the kernel object model (drivers/iommu/
 * iommufd) reduced to what EEH bookkeeping depends on. Object IDs come
 * from one namespace starting at 1, lowest free first (XA_FLAGS_ALLOC1);
 * attaching to an IOAS reuses its automatic HWPT or makes one; all
 * devices of one IOMMU group share one HWPT (igroup); an automatic HWPT
 * goes with its last device; IOMMU_DESTROY of an object in use is EBUSY;
 * a group's devices bind to one iommufd only.
 */
#include <stdlib.h>
#include <string.h>

#include "iommufd.h"
#include "sim.h"
#include "tce-table.h"

enum sobj_type { SOBJ_DEVICE = 1, SOBJ_IOAS, SOBJ_HWPT };

struct sobj {
	uint32_t id;
	enum sobj_type type;
	unsigned int users;       /* IOAS: HWPTs on it; HWPT: devices attached */
	struct sobj *ioas;        /* HWPT */
	bool automatic;           /* HWPT */
	struct sobj *auto_hwpt;   /* IOAS */
	struct sobj *hwpt;        /* DEVICE: attached to */
	struct eeh_func *func;    /* DEVICE */
	int group;                /* DEVICE */
	struct sim_ioas *io;      /* IOAS: areas, allowed IOVAs, apertures */
};

/*
 * An IOAS's areas, keyed by their first 4 KiB page in a sparse table: a
 * one-page area (what a TCE of 4 KiB becomes) is the entry itself, its
 * user VA with the flags and AREA_ONE; a longer one (a preregistered
 * region, a TCE of 64 KiB or 16 MiB) is a pointer to a struct sim_area.
 * The area covering a page is the nearest entry at or below it, so memory
 * follows the number of areas, not their size. iommufd never splits or
 * merges areas. The simulated kernel asks 4 KiB alignment of IOVAs,
 * lengths and user VAs, and copies only sources contiguous in user VA.
 */
#define SIM_PAGE_SHIFT 12
#define SIM_PAGE (1ULL << SIM_PAGE_SHIFT)
#define AREA_VALID 0x1ULL
#define AREA_ONE 0x8ULL
#define AREA_PERM (IOFD_MAP_READ | IOFD_MAP_WRITE)

struct sim_area {
	uint64_t last_pg;
	uint64_t uva;
	unsigned int flags;
};

struct sim_ioas {
	struct tce_table areas;
	struct eeh_iova_range *allowed;
	unsigned int nallowed;
	/* The apertures of the attached domain: the windows programmed
	 * with set_window; none programmed: the two hardware defaults. */
	struct eeh_iova_range win[SIM_DMA_WINDOWS];
	bool programmed;
	/* The last long area found: copies out of one preregistered region
	 * find it again without a walk down the table. */
	uint64_t hint_head, hint_e;
	uint64_t nlong;   /* long areas: without any, no page is covered from below */
};

/* iommufd's per-group state: one HWPT for all devices of a group. */
struct sim_igroup {
	struct sobj *hwpt;
	unsigned int attached;
};

struct iofd_sim {
	struct hashmap objs;     /* id -> sobj */
	struct hashmap igroups;  /* group -> sim_igroup */
	struct hashmap bound;    /* BDF key -> device sobj */
	uint32_t free_hint;      /* no free ID below it */
};

static void free_vals(struct hashmap *h)
{
	for (uint32_t i = 0; h->e && i <= h->mask; i++)
		free(h->e[i].val);
	hashmap_free(h);
}

static void sim_ioas_free(struct sim_ioas *io);

/*
 * Group ownership among the simulated iommufds of one context, kept in
 * ctx->iommufd: iommu_device_claim_dma_owner() gives a group's DMA to one
 * owner, so binding a device whose group another iommufd holds is EPERM.
 * Binds are rare: one lock for every context is enough.
 */
struct sim_owners {
	unsigned int users;     /* simulated iommufds open on the context */
	struct hashmap groups;  /* group -> sim_owner */
};

struct sim_owner {
	struct eeh_iommufd *ifd;
	unsigned int bound;
};

static pthread_mutex_t owners_lock = PTHREAD_MUTEX_INITIALIZER;

static int owners_get(struct eeh_ctx *ctx)
{
	struct sim_owners *o;
	int rc = 0;

	pthread_mutex_lock(&owners_lock);
	o = ctx->iommufd;
	if (!o) {
		o = calloc(1, sizeof(*o));
		if (o)
			hashmap_init(&o->groups);
		ctx->iommufd = o;
	}
	if (o)
		o->users++;
	else
		rc = -ENOMEM;
	pthread_mutex_unlock(&owners_lock);
	return rc;
}

static void owners_put(struct eeh_ctx *ctx)
{
	struct sim_owners *o;

	pthread_mutex_lock(&owners_lock);
	o = ctx->iommufd;
	if (o && --o->users == 0) {
		free_vals(&o->groups);
		free(o);
		ctx->iommufd = NULL;
	}
	pthread_mutex_unlock(&owners_lock);
}

static int group_claim(struct eeh_iommufd *ifd, int group)
{
	struct sim_owners *o = ifd->ctx->iommufd;
	struct sim_owner *w;
	int rc = 0;

	pthread_mutex_lock(&owners_lock);
	w = hashmap_get(&o->groups, (uint32_t)group);
	if (!w) {
		w = calloc(1, sizeof(*w));
		if (!w || hashmap_put(&o->groups, (uint32_t)group, w) < 0) {
			free(w);
			w = NULL;
			rc = -ENOMEM;
		} else {
			w->ifd = ifd;
		}
	}
	if (w && w->ifd != ifd)
		rc = -EPERM;
	else if (w)
		w->bound++;
	pthread_mutex_unlock(&owners_lock);
	return rc;
}

static void group_release(struct eeh_iommufd *ifd, int group)
{
	struct sim_owners *o = ifd->ctx->iommufd;
	struct sim_owner *w;

	pthread_mutex_lock(&owners_lock);
	w = hashmap_get(&o->groups, (uint32_t)group);
	if (w && w->ifd == ifd && --w->bound == 0) {
		hashmap_del(&o->groups, (uint32_t)group);
		free(w);
	}
	pthread_mutex_unlock(&owners_lock);
}

int iofd_sim_init(struct eeh_iommufd *ifd)
{
	struct iofd_sim *s = calloc(1, sizeof(*s));

	if (!s || owners_get(ifd->ctx) < 0) {
		free(s);
		return -ENOMEM;
	}
	hashmap_init(&s->objs);
	hashmap_init(&s->igroups);
	hashmap_init(&s->bound);
	s->free_hint = 1;
	ifd->sim = s;
	return 0;
}

void iofd_sim_free(struct eeh_iommufd *ifd)
{
	for (uint32_t i = 0; ifd->sim->objs.e && i <= ifd->sim->objs.mask; i++) {
		struct sobj *o = ifd->sim->objs.e[i].val;

		if (o)
			sim_ioas_free(o->io);
	}
	free_vals(&ifd->sim->objs);
	free_vals(&ifd->sim->igroups);
	hashmap_free(&ifd->sim->bound);
	free(ifd->sim);
	ifd->sim = NULL;
	owners_put(ifd->ctx);
}

/* IDs the VMM registered are taken too: both share the kernel's space. */
static bool id_taken(struct eeh_iommufd *ifd, uint32_t id)
{
	return hashmap_get(&ifd->sim->objs, id) || hashmap_get(&ifd->devs, id) ||
	       hashmap_get(&ifd->ioas, id) || hashmap_get(&ifd->hwpts, id);
}

static struct sobj *obj_new(struct eeh_iommufd *ifd, enum sobj_type type, int *rc)
{
	struct iofd_sim *s = ifd->sim;
	struct sobj *o = calloc(1, sizeof(*o));
	uint32_t id = s->free_hint;

	*rc = -ENOMEM;
	if (!o)
		return NULL;
	while (id_taken(ifd, id))
		id++;
	o->id = id;
	o->type = type;
	if (hashmap_put(&s->objs, id, o) < 0) {
		free(o);
		return NULL;
	}
	s->free_hint = id + 1;
	*rc = 0;
	return o;
}

static struct sim_area *area_ptr(uint64_t e)
{
	return (struct sim_area *)(uintptr_t)(e & ~0xfULL);
}

/* The area covering page pg: true, its first page and entry. */
static bool area_at(struct sim_ioas *io, uint64_t pg, uint64_t *head, uint64_t *e)
{
	uint64_t h, v;

	if (io->hint_e && pg >= io->hint_head && pg <= area_ptr(io->hint_e)->last_pg) {
		*head = io->hint_head;
		*e = io->hint_e;
		return true;
	}
	v = tce_table_get(&io->areas, pg);
	if (!v && !io->nlong)
		return false;
	h = v ? pg : tce_table_prev(&io->areas, pg);
	if (h == TCE_TABLE_NONE)
		return false;
	if (!v)
		v = tce_table_get(&io->areas, h);
	if ((v & AREA_ONE) ? h != pg : area_ptr(v)->last_pg < pg)
		return false;
	if (!(v & AREA_ONE)) {
		io->hint_head = h;
		io->hint_e = v;
	}
	*head = h;
	*e = v;
	return true;
}

static uint64_t area_last(uint64_t head, uint64_t e)
{
	return (e & AREA_ONE) ? head : area_ptr(e)->last_pg;
}

static uint64_t area_uva(uint64_t head, uint64_t e, uint64_t pg)
{
	if (e & AREA_ONE)
		return e & ~(SIM_PAGE - 1);
	return area_ptr(e)->uva + ((pg - head) << SIM_PAGE_SHIFT);
}

static unsigned int area_flags(uint64_t e)
{
	return (e & AREA_ONE) ? (unsigned int)(e & AREA_PERM) : area_ptr(e)->flags;
}

/* Does any area touch pages [first, last]? */
static bool area_overlap(struct sim_ioas *io, uint64_t first, uint64_t last)
{
	uint64_t h, e;

	return area_at(io, first, &h, &e) || tce_table_next(&io->areas, first, last + 1) <= last;
}

static int area_insert(struct sim_ioas *io, uint64_t first, uint64_t npages, uint64_t uva,
		       unsigned int flags)
{
	struct sim_area *a;
	int rc;

	if (npages == 1)
		return tce_table_set(&io->areas, first,
				     uva | (flags & AREA_PERM) | AREA_VALID | AREA_ONE);
	a = malloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->last_pg = first + npages - 1;
	a->uva = uva;
	a->flags = flags & AREA_PERM;
	rc = tce_table_set(&io->areas, first, (uint64_t)(uintptr_t)a | AREA_VALID);
	if (rc)
		free(a);
	else
		io->nlong++;
	return rc;
}

static void area_remove(struct sim_ioas *io, uint64_t head)
{
	uint64_t e = tce_table_get(&io->areas, head);

	if (io->hint_e && io->hint_head == head)
		io->hint_e = 0;
	if (e && !(e & AREA_ONE)) {
		free(area_ptr(e));
		io->nlong--;
	}
	tce_table_set(&io->areas, head, 0);
}

static void sim_ioas_free(struct sim_ioas *io)
{
	uint64_t n;

	if (!io)
		return;
	n = io->areas.nentries;
	for (uint64_t x = tce_table_next(&io->areas, 0, n); x < n;
	     x = tce_table_next(&io->areas, x + 1, n)) {
		uint64_t e = tce_table_get(&io->areas, x);

		if (!(e & AREA_ONE))
			free(area_ptr(e));
	}
	tce_table_clear(&io->areas);
	free(io->allowed);
	free(io);
}

static void obj_free(struct eeh_iommufd *ifd, struct sobj *o)
{
	sim_ioas_free(o->io);
	hashmap_del(&ifd->sim->objs, o->id);
	if (o->id < ifd->sim->free_hint)
		ifd->sim->free_hint = o->id;
	free(o);
}

static struct sobj *obj_get(struct eeh_iommufd *ifd, uint32_t id, enum sobj_type type)
{
	struct sobj *o = id ? hashmap_get(&ifd->sim->objs, id) : NULL;

	return o && o->type == type ? o : NULL;
}

static struct sim_igroup *igroup_get(struct eeh_iommufd *ifd, int group)
{
	struct sim_igroup *g = hashmap_get(&ifd->sim->igroups, (uint32_t)group);

	if (g)
		return g;
	g = calloc(1, sizeof(*g));
	if (g && hashmap_put(&ifd->sim->igroups, (uint32_t)group, g) < 0) {
		free(g);
		g = NULL;
	}
	return g;
}

static uint64_t bdf_key(struct eeh_func *f)
{
	return (uint64_t)f->domain << 16 | (uint64_t)f->bus << 8 | f->devfn;
}

static int isim_bind(struct eeh_iommufd *ifd, const char *name, struct iofd_dev *dev)
{
	unsigned int domain, bus, devfn;
	struct eeh_func *f;
	struct sobj *o;
	int rc;

	if (parse_bdf(name, &domain, &bus, &devfn) < 0)
		return -EINVAL;
	f = eeh_func_by_bdf(ifd->ctx, domain, bus, devfn);
	if (!f)
		return -ENOENT;
	/* "One device cannot be bound twice." */
	if (hashmap_get(&ifd->sim->bound, bdf_key(f)))
		return -EINVAL;
	if (!igroup_get(ifd, f->pe->group))
		return -ENOMEM;
	rc = group_claim(ifd, f->pe->group);
	if (rc < 0)
		return rc;
	/* The device is opened (eeh_dev_open()); a group a container holds
	 * cannot be used through a cdev (vfio_device_block_group: EBUSY). */
	rc = pe_own(f->pe, PE_OWNER_CDEV, 1);
	if (rc < 0) {
		group_release(ifd, f->pe->group);
		return rc;
	}
	o = obj_new(ifd, SOBJ_DEVICE, &rc);
	if (o && hashmap_put(&ifd->sim->bound, bdf_key(f), o) < 0) {
		obj_free(ifd, o);
		o = NULL;
		rc = -ENOMEM;
	}
	if (!o) {
		pe_disown(f->pe, PE_OWNER_CDEV, 1);
		group_release(ifd, f->pe->group);
		return rc;
	}
	o->func = f;
	o->group = f->pe->group;
	dev->devid = o->id;
	dev->group = o->group;
	dev->func = f;
	return 0;
}

static void hwpt_put(struct eeh_iommufd *ifd, struct sobj *h, unsigned int n)
{
	h->users -= n;
	if (h->automatic && !h->users) {
		h->ioas->users--;
		h->ioas->auto_hwpt = NULL;
		obj_free(ifd, h);
	}
}

static int isim_detach(struct eeh_iommufd *ifd, struct iofd_dev *dev)
{
	struct sobj *d = obj_get(ifd, dev->devid, SOBJ_DEVICE);
	struct sim_igroup *g;

	if (!d)
		return -ENOENT;
	if (!d->hwpt)
		return 0;
	g = igroup_get(ifd, d->group);
	if (g && --g->attached == 0)
		g->hwpt = NULL;
	hwpt_put(ifd, d->hwpt, 1);
	d->hwpt = NULL;
	return 0;
}

static void isim_unbind(struct eeh_iommufd *ifd, struct iofd_dev *dev)
{
	struct sobj *d = obj_get(ifd, dev->devid, SOBJ_DEVICE);

	if (!d)
		return;
	isim_detach(ifd, dev);
	pe_disown(d->func->pe, PE_OWNER_CDEV, 1);
	hashmap_del(&ifd->sim->bound, bdf_key(d->func));
	group_release(ifd, d->group);
	obj_free(ifd, d);
}

static int isim_ioas_alloc(struct eeh_iommufd *ifd, uint32_t *id)
{
	struct sim_ioas *io = calloc(1, sizeof(*io));
	struct sobj *o;
	int rc;

	if (!io)
		return -ENOMEM;
	o = obj_new(ifd, SOBJ_IOAS, &rc);
	if (!o) {
		free(io);
		return rc;
	}
	tce_table_init(&io->areas, 1ULL << (64 - SIM_PAGE_SHIFT));
	o->io = io;
	*id = o->id;
	return 0;
}

static struct sobj *hwpt_new(struct eeh_iommufd *ifd, struct sobj *ioas, bool automatic, int *rc)
{
	struct sobj *h = obj_new(ifd, SOBJ_HWPT, rc);

	if (!h)
		return NULL;
	h->ioas = ioas;
	h->automatic = automatic;
	ioas->users++;
	if (automatic)
		ioas->auto_hwpt = h;
	return h;
}

static int isim_hwpt_alloc(struct eeh_iommufd *ifd, uint32_t devid, uint32_t pt_id, uint32_t *id)
{
	struct sobj *ioas = obj_get(ifd, pt_id, SOBJ_IOAS), *h;
	int rc;

	if (!obj_get(ifd, devid, SOBJ_DEVICE))
		return -ENOENT;
	if (!ioas)
		return -EINVAL; /* iommufd_hwpt_alloc: a bad pt_id is EINVAL */
	h = hwpt_new(ifd, ioas, false, &rc);
	if (h)
		*id = h->id;
	return rc;
}

static int isim_attach(struct eeh_iommufd *ifd, struct iofd_dev *dev, uint32_t pt_id,
		      uint32_t *hwpt_id)
{
	struct sobj *d = obj_get(ifd, dev->devid, SOBJ_DEVICE);
	struct sobj *pt = pt_id ? hashmap_get(&ifd->sim->objs, pt_id) : NULL;
	struct sobj *target = NULL, *old;
	struct sim_igroup *g;
	int rc = 0;

	if (!d)
		return -ENOENT;
	if (!pt)
		return -ENOENT;
	g = igroup_get(ifd, d->group);
	if (!g)
		return -ENOMEM;
	if (pt->type == SOBJ_IOAS) {
		/* iommufd_device_auto_get_domain(): the group's automatic HWPT
		 * on this IOAS, else the IOAS's, else a new one. */
		if (g->hwpt && g->hwpt->automatic && g->hwpt->ioas == pt)
			target = g->hwpt;
		else
			target = pt->auto_hwpt;
	} else if (pt->type == SOBJ_HWPT) {
		target = pt;
	} else {
		return -EINVAL;
	}
	/* Siblings already attached pin the group's HWPT, unless this device
	 * is attached too: then it is a replace of the whole group. */
	if (!d->hwpt && g->hwpt && g->hwpt != target)
		return -EINVAL;
	if (!target) {
		target = hwpt_new(ifd, pt, true, &rc);
		if (!target)
			return rc;
	}
	old = d->hwpt;
	if (old == target) {
		*hwpt_id = target->id;
		return 0;
	}
	if (old) {
		/* Replace: every device of the group moves. */
		unsigned int n = g->attached;

		for (uint32_t i = 0; i <= ifd->sim->objs.mask; i++) {
			struct sobj *o = ifd->sim->objs.e[i].val;

			if (o && o->type == SOBJ_DEVICE && o->group == d->group && o->hwpt == old)
				o->hwpt = target;
		}
		target->users += n;
		g->hwpt = target;
		hwpt_put(ifd, old, n);
	} else {
		d->hwpt = target;
		target->users++;
		g->hwpt = target;
		g->attached++;
	}
	*hwpt_id = target->id;
	return 0;
}

static int isim_destroy(struct eeh_iommufd *ifd, uint32_t id)
{
	struct sobj *o = id ? hashmap_get(&ifd->sim->objs, id) : NULL;

	if (!o)
		return -ENOENT;
	/* The VFIO driver holds its device object; IOASes with HWPTs and
	 * HWPTs with devices are in use. */
	if (o->type == SOBJ_DEVICE || o->users)
		return -EBUSY;
	if (o->type == SOBJ_HWPT)
		o->ioas->users--;
	obj_free(ifd, o);
	return 0;
}

/* The holes of the reserved ranges: everything for an IOAS without a
 * domain, else the domain's apertures (the PE's DMA windows). */
static unsigned int ioas_apertures(struct sobj *ioas, struct eeh_iova_range *r)
{
	const struct eeh_iova_range defaults[SIM_DMA_WINDOWS] = {
		{ SIM_DMA32_START, SIM_DMA32_START + SIM_DMA32_SIZE - 1 },
		{ SIM_DMA64_START, SIM_DMA64_START + SIM_DMA64_SIZE - 1 },
	};
	unsigned int n = 0;

	if (!ioas->users) {
		r[0] = (struct eeh_iova_range){ 0, UINT64_MAX };
		return 1;
	}
	for (unsigned int i = 0; i < SIM_DMA_WINDOWS; i++) {
		const struct eeh_iova_range *w = ioas->io->programmed ? &ioas->io->win[i]
								      : &defaults[i];

		if (w->last >= w->start && (w->start || w->last))
			r[n++] = *w;
	}
	/* ascending order */
	if (n == 2 && r[0].start > r[1].start) {
		struct eeh_iova_range t = r[0];

		r[0] = r[1];
		r[1] = t;
	}
	return n;
}

static bool in_apertures(struct sobj *ioas, uint64_t start, uint64_t last)
{
	struct eeh_iova_range ap[SIM_DMA_WINDOWS];
	unsigned int n = ioas_apertures(ioas, ap);

	for (unsigned int i = 0; i < n; i++)
		if (start >= ap[i].start && last <= ap[i].last)
			return true;
	return false;
}

static int isim_iova_ranges(struct eeh_iommufd *ifd, uint32_t ioas_id, struct eeh_iova_range *r,
			   unsigned int *n)
{
	struct sobj *ioas = obj_get(ifd, ioas_id, SOBJ_IOAS);
	struct eeh_iova_range ap[SIM_DMA_WINDOWS];
	unsigned int count;

	if (!ioas)
		return -ENOENT;
	count = ioas_apertures(ioas, ap);
	if (*n < count) {
		*n = count;
		return -EMSGSIZE;
	}
	for (unsigned int i = 0; i < count; i++)
		r[i] = ap[i];
	*n = count;
	return 0;
}

/* The PEs whose devices are attached to ioas (the domains to fill). */
static unsigned int ioas_pes(struct eeh_iommufd *ifd, struct sobj *ioas, struct eeh_pe **pes,
			     unsigned int max)
{
	unsigned int n = 0;

	if (!ioas->users)
		return 0;
	for (uint32_t i = 0; i <= ifd->sim->objs.mask; i++) {
		struct sobj *o = ifd->sim->objs.e[i].val;
		bool seen = false;

		if (!o || o->type != SOBJ_DEVICE || !o->hwpt || o->hwpt->ioas != ioas)
			continue;
		for (unsigned int k = 0; k < n; k++)
			seen |= pes[k] == o->func->pe;
		if (!seen && n < max)
			pes[n++] = o->func->pe;
	}
	return n;
}

#define MAX_FILL 8

static int fill_domains(struct eeh_iommufd *ifd, struct sobj *ioas, uint64_t iova, uint64_t len,
			uint64_t uva, unsigned int flags)
{
	struct eeh_pe *pes[MAX_FILL];
	unsigned int n = ioas_pes(ifd, ioas, pes, MAX_FILL);
	/* iommufd's READABLE/WRITEABLE as the TCE's read (1) and write (2) bits */
	unsigned int perm = (flags & IOFD_MAP_READ ? 1 : 0) | (flags & IOFD_MAP_WRITE ? 2 : 0);
	int rc = 0;

	for (unsigned int i = 0; i < n && !rc; i++)
		rc = sim_dma_update(pes[i], iova, len, uva, perm);
	return rc;
}

/* iopt_check_iova() for a fixed IOVA, then the user VA's alignment. */
static int check_dst(struct sobj *ioas, uint64_t iova, uint64_t len, unsigned int flags)
{
	uint64_t first = iova >> SIM_PAGE_SHIFT, lim;

	if (!(flags & AREA_PERM))
		return -EINVAL;
	if (!len || (iova | len) & (SIM_PAGE - 1))
		return -EINVAL;
	if (iova + len - 1 < iova)
		return -EOVERFLOW;
	if (!in_apertures(ioas, iova, iova + len - 1))
		return -EINVAL;
	lim = first + (len >> SIM_PAGE_SHIFT);
	if (area_overlap(ioas->io, first, lim - 1))
		return -EEXIST;
	return 0;
}

static int isim_ioas_map(struct eeh_iommufd *ifd, uint32_t ioas_id, uint64_t iova, uint64_t len,
			 uint64_t uva, unsigned int flags)
{
	struct sobj *ioas = obj_get(ifd, ioas_id, SOBJ_IOAS);
	uint64_t first = iova >> SIM_PAGE_SHIFT;
	int rc;

	if (!ioas)
		return -ENOENT;
	rc = check_dst(ioas, iova, len, flags);
	if (!rc && uva & (SIM_PAGE - 1))
		rc = -EINVAL;
	if (!rc)
		rc = area_insert(ioas->io, first, len >> SIM_PAGE_SHIFT, uva, flags);
	if (rc)
		return rc;
	rc = fill_domains(ifd, ioas, iova, len, uva, flags);
	if (rc)
		area_remove(ioas->io, first);
	return rc;
}

static int isim_ioas_copy(struct eeh_iommufd *ifd, uint32_t dst_id, uint64_t dst_iova,
			  uint32_t src_id, uint64_t src_iova, uint64_t len, unsigned int flags)
{
	struct sobj *dst = obj_get(ifd, dst_id, SOBJ_IOAS), *src = obj_get(ifd, src_id, SOBJ_IOAS);
	uint64_t sfirst = src_iova >> SIM_PAGE_SHIFT, slast, uva0 = 0, h, e;
	int rc;

	if (!dst || !src)
		return -ENOENT;
	if (!(flags & AREA_PERM) || !len)
		return -EINVAL;
	if (src_iova + len - 1 < src_iova)
		return -EOVERFLOW;
	/* The source: covered by areas with no hole (ENOENT), writable if
	 * the copy is to be (EPERM, iopt_insert_area()). */
	if ((src_iova | len) & (SIM_PAGE - 1))
		return -ENOENT;
	slast = sfirst + (len >> SIM_PAGE_SHIFT) - 1;
	for (uint64_t pg = sfirst; pg <= slast; pg = area_last(h, e) + 1) {
		if (!area_at(src->io, pg, &h, &e))
			return -ENOENT;
		if ((flags & IOFD_MAP_WRITE) && !(area_flags(e) & IOFD_MAP_WRITE))
			return -EPERM;
		if (pg == sfirst)
			uva0 = area_uva(h, e, pg);
		else if (area_uva(h, e, pg) != uva0 + ((pg - sfirst) << SIM_PAGE_SHIFT))
			return -EINVAL; /* the simulator's limit: one user VA range */
	}
	rc = check_dst(dst, dst_iova, len, flags);
	if (!rc)
		rc = area_insert(dst->io, dst_iova >> SIM_PAGE_SHIFT, len >> SIM_PAGE_SHIFT, uva0,
				 flags);
	if (rc)
		return rc;
	rc = fill_domains(ifd, dst, dst_iova, len, uva0, flags);
	if (rc)
		area_remove(dst->io, dst_iova >> SIM_PAGE_SHIFT);
	return rc;
}

static int isim_ioas_unmap(struct eeh_iommufd *ifd, uint32_t ioas_id, uint64_t iova, uint64_t len,
			   uint64_t *unmapped)
{
	struct sobj *ioas = obj_get(ifd, ioas_id, SOBJ_IOAS);
	uint64_t first, last, lim, n = 0, h, e;
	bool all = iova == 0 && len == UINT64_MAX;
	struct tce_table *t;

	if (!ioas)
		return -ENOENT;
	if (!len)
		return -EINVAL;
	if (!all && iova + len - 1 < iova)
		return -EOVERFLOW;
	t = &ioas->io->areas;
	first = iova >> SIM_PAGE_SHIFT;
	last = (iova + len - 1) >> SIM_PAGE_SHIFT;
	lim = last + 1 < t->nentries ? last + 1 : t->nentries;
	if (!all) {
		/* every area touched must lie inside the range (ENOENT) */
		if (area_at(ioas->io, first, &h, &e) && (h != first || (iova & (SIM_PAGE - 1))))
			return -ENOENT;
		if (area_at(ioas->io, last, &h, &e) &&
		    (area_last(h, e) != last || ((iova + len) & (SIM_PAGE - 1))))
			return -ENOENT;
	}
	for (uint64_t x = tce_table_next(t, first, lim); x < lim;
	     x = tce_table_next(t, x + 1, lim)) {
		n += area_last(x, tce_table_get(t, x)) - x + 1;
		area_remove(ioas->io, x);
	}
	if (!n && !all)
		return -ENOENT;
	if (n)
		fill_domains(ifd, ioas, all ? 0 : iova, all ? UINT64_MAX : len, 0, 0);
	if (unmapped)
		*unmapped = n << SIM_PAGE_SHIFT;
	return 0;
}

static int isim_allow_iovas(struct eeh_iommufd *ifd, uint32_t ioas_id,
			    const struct eeh_iova_range *r, unsigned int n)
{
	struct sobj *ioas = obj_get(ifd, ioas_id, SOBJ_IOAS);
	struct eeh_iova_range *copy = NULL;

	if (!ioas)
		return -ENOENT;
	for (unsigned int i = 0; i < n; i++) {
		if (r[i].start >= r[i].last)
			return -EINVAL;
		for (unsigned int k = 0; k < i; k++)
			if (r[i].start <= r[k].last && r[k].start <= r[i].last)
				return -EINVAL;
	}
	for (unsigned int i = 0; i < n; i++)
		if (!in_apertures(ioas, r[i].start, r[i].last))
			return -EADDRINUSE;
	if (n) {
		copy = malloc(n * sizeof(*copy));
		if (!copy)
			return -ENOMEM;
		for (unsigned int i = 0; i < n; i++)
			copy[i] = r[i];
	}
	free(ioas->io->allowed);
	ioas->io->allowed = copy;
	ioas->io->nallowed = n;
	return 0;
}

static int isim_set_window(struct eeh_iommufd *ifd, uint32_t ioas_id, unsigned int slot,
			   uint64_t start, uint64_t size, unsigned int page_shift)
{
	struct sobj *ioas = obj_get(ifd, ioas_id, SOBJ_IOAS);
	struct eeh_pe *pes[MAX_FILL];
	unsigned int n;
	int rc = 0;

	if (!ioas)
		return -ENOENT;
	if (slot >= SIM_DMA_WINDOWS)
		return -EINVAL;
	/* the domain's aperture shrinks: never under allowed IOVAs */
	for (unsigned int i = 0; !size && i < ioas->io->nallowed; i++) {
		const struct eeh_iova_range *w = &ioas->io->win[slot], *a = &ioas->io->allowed[i];

		if (ioas->io->programmed && a->start <= w->last && w->start <= a->last)
			return -EADDRINUSE;
	}
	n = ioas_pes(ifd, ioas, pes, MAX_FILL);
	for (unsigned int i = 0; i < n && !rc; i++)
		rc = sim_dma_set_window(pes[i], slot, start, size, page_shift);
	if (rc)
		return rc;
	if (!ioas->io->programmed)
		memset(ioas->io->win, 0, sizeof(ioas->io->win));
	ioas->io->programmed = true;
	ioas->io->win[slot] = size ? (struct eeh_iova_range){ start, start + size - 1 }
				   : (struct eeh_iova_range){ 0, 0 };
	return 0;
}

const struct iofd_kernel iofd_sim_kernel = {
	.bind = isim_bind,
	.unbind = isim_unbind,
	.ioas_alloc = isim_ioas_alloc,
	.hwpt_alloc = isim_hwpt_alloc,
	.attach = isim_attach,
	.detach = isim_detach,
	.destroy = isim_destroy,
	.iova_ranges = isim_iova_ranges,
	.ioas_map = isim_ioas_map,
	.ioas_unmap = isim_ioas_unmap,
	.ioas_copy = isim_ioas_copy,
	.allow_iovas = isim_allow_iovas,
	.set_window = isim_set_window,
};
