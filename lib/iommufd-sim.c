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

#include "iommufd.h"

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

static void obj_free(struct eeh_iommufd *ifd, struct sobj *o)
{
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
	int rc;
	struct sobj *o = obj_new(ifd, SOBJ_IOAS, &rc);

	if (o)
		*id = o->id;
	return rc;
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

static int isim_iova_ranges(struct eeh_iommufd *ifd, uint32_t ioas_id, struct eeh_iova_range *r,
			   unsigned int *n)
{
	struct sobj *ioas = obj_get(ifd, ioas_id, SOBJ_IOAS);
	const struct eeh_iova_range all = { 0, UINT64_MAX };
	const struct eeh_iova_range windows[2] = {
		{ SIM_DMA32_START, SIM_DMA32_START + SIM_DMA32_SIZE - 1 },
		{ SIM_DMA64_START, SIM_DMA64_START + SIM_DMA64_SIZE - 1 },
	};
	unsigned int count = ioas && ioas->users ? 2 : 1;

	if (!ioas)
		return -ENOENT;
	if (*n < count) {
		*n = count;
		return -EMSGSIZE;
	}
	/* An empty IOAS allows everything; a domain narrows it to the
	 * apertures, here the PE's two TCE windows. */
	if (count == 1)
		r[0] = all;
	else
		r[0] = windows[0], r[1] = windows[1];
	*n = count;
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
};
