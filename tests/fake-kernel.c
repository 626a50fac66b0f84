/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fake kernel: iommufd (drivers/iommu/iommufd), the VFIO device cdev
 * (drivers/vfio/device_cdev.c), and the VFIO container and group
 * (drivers/vfio/container.c, group.c, vfio_iommu_spapr_tce.c, and
 * iommufd's vfio_compat.c), as far as libeeh drives them. Written from
 * the uAPI documentation, independently of the library's simulator.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "fake-kernel.h"
#include "iommufd-abi.h"

#define FD_BASE 100
#define MAX_FDS 64
#define MAX_ICTX 4
#define MAX_OBJS 64

enum { OBJ_DEVICE = 1, OBJ_IOAS, OBJ_HWPT };

struct fobj {
	int type;
	unsigned int users;  /* IOAS: HWPTs; HWPT: devices */
	uint32_t ioas;       /* HWPT */
	bool automatic;      /* HWPT */
	uint32_t hwpt;       /* DEVICE */
	int cdev;            /* DEVICE */
};

struct fictx {
	struct fobj obj[MAX_OBJS]; /* index = object ID; type 0 = free */
	struct {
		uint32_t hwpt;
		unsigned int attached;
	} ig[FAKE_MAX_GROUPS];
};

struct ffd {
	enum fake_fd_kind kind;
	int idx;            /* ictx, cdev number, group number */
	/* container */
	int iommu_type;
	uint32_t groups;    /* bitmask */
};

struct fake_priv {
	struct ffd fd[MAX_FDS];
	struct fictx ictx[MAX_ICTX];
	bool ictx_used[MAX_ICTX];
	struct {
		int ictx;       /* -1: not bound */
		uint32_t devid;
	} cdev[FAKE_MAX_CDEVS];
	int group_container[FAKE_MAX_GROUPS]; /* fd slot, -1 none */
	int group_owner[FAKE_MAX_GROUPS];     /* ictx owning the group's DMA, -1 none */
	unsigned int group_bound[FAKE_MAX_GROUPS];
};

static struct fake_priv *P(struct fake_kernel *fk)
{
	return fk->priv;
}

struct fake_kernel *fake_new(void)
{
	struct fake_kernel *fk = calloc(1, sizeof(*fk));
	struct fake_priv *p = calloc(1, sizeof(*p));

	fk->priv = p;
	fk->have_iommu = fk->have_container = true;
	fk->mode = FAKE_SPAPR;
	fk->eeh_enabled = true;
	for (int i = 0; i < FAKE_MAX_CDEVS; i++)
		p->cdev[i].ictx = -1;
	for (int g = 0; g < FAKE_MAX_GROUPS; g++)
		p->group_container[g] = p->group_owner[g] = -1;
	return fk;
}

void fake_free(struct fake_kernel *fk)
{
	free(fk->priv);
	free(fk);
}

void fake_add_group(struct fake_kernel *fk, int g)
{
	fk->group[g].present = true;
}

void fake_add_cdev(struct fake_kernel *fk, unsigned int n, int g)
{
	fk->cdev[n].present = true;
	fk->cdev[n].group = g;
	fake_add_group(fk, g);
}

unsigned int fake_count(const struct fake_kernel *fk, unsigned long request)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < fk->nlog; i++)
		n += fk->log[i].request == request;
	return n;
}

const struct fake_ioctl *fake_last(const struct fake_kernel *fk, unsigned long request)
{
	for (unsigned int i = fk->nlog; i-- > 0;)
		if (fk->log[i].request == request)
			return &fk->log[i];
	return NULL;
}

/* ---- file descriptors ---- */

static struct ffd *fd_get(struct fake_kernel *fk, int fd)
{
	int slot = fd - FD_BASE;

	if (slot < 0 || slot >= MAX_FDS || P(fk)->fd[slot].kind == FK_NONE)
		return NULL;
	return &P(fk)->fd[slot];
}

static int fd_new(struct fake_kernel *fk, enum fake_fd_kind kind, int idx)
{
	for (int i = 0; i < MAX_FDS; i++) {
		if (P(fk)->fd[i].kind == FK_NONE) {
			P(fk)->fd[i] = (struct ffd){ .kind = kind, .idx = idx };
			fk->open_fds++;
			return FD_BASE + i;
		}
	}
	return -EMFILE;
}

static int parse_num(const char *s, int max)
{
	char *end;
	long v = strtol(s, &end, 10);

	return end == s || *end || v < 0 || v >= max ? -1 : (int)v;
}

/* With fk->interrupt, every other call is the interrupted first try. */
static bool interrupt_now(struct fake_kernel *fk)
{
	static _Thread_local bool retrying;

	if (!fk->interrupt)
		return false;
	retrying = !retrying;
	fk->interrupted += retrying;
	return retrying;
}

static int f_open(void *data, const char *path, int flags, unsigned int mode)
{
	struct fake_kernel *fk = data;
	int n;

	if (interrupt_now(fk))
		return -EINTR;

	(void)flags;
	(void)mode;
	if (!strcmp(path, "/dev/iommu")) {
		if (!fk->have_iommu)
			return -ENOENT;
		for (int i = 0; i < MAX_ICTX; i++) {
			if (!P(fk)->ictx_used[i]) {
				P(fk)->ictx_used[i] = true;
				memset(&P(fk)->ictx[i], 0, sizeof(P(fk)->ictx[i]));
				return fd_new(fk, FK_IOMMUFD, i);
			}
		}
		return -EMFILE;
	}
	if (!strcmp(path, "/dev/vfio/vfio"))
		return fk->have_container ? fd_new(fk, FK_CONTAINER, 0) : -ENOENT;
	if (!strncmp(path, "/dev/vfio/devices/vfio", 22)) {
		n = parse_num(path + 22, FAKE_MAX_CDEVS);
		return n >= 0 && fk->cdev[n].present ? fd_new(fk, FK_CDEV, n) : -ENOENT;
	}
	if (!strncmp(path, "/dev/vfio/", 10)) {
		n = parse_num(path + 10, FAKE_MAX_GROUPS);
		if (n < 0 || !fk->group[n].present)
			return -ENOENT;
		/* A group with a bound cdev cannot be opened (vfio_device_block_group). */
		if (P(fk)->group_bound[n])
			return -EBUSY;
		return fd_new(fk, FK_GROUP, n);
	}
	return -ENOENT;
}

static void ictx_detach(struct fictx *x, struct fobj *d)
{
	struct fobj *h;

	if (!d->hwpt)
		return;
	h = &x->obj[d->hwpt];
	d->hwpt = 0;
	if (--h->users == 0 && h->automatic) {
		x->obj[h->ioas].users--;
		memset(h, 0, sizeof(*h));
	}
}

static void cdev_unbind(struct fake_kernel *fk, int n)
{
	struct fake_priv *p = P(fk);
	int g = fk->cdev[n].group;
	struct fictx *x;
	struct fobj *d;

	if (p->cdev[n].ictx < 0)
		return;
	x = &p->ictx[p->cdev[n].ictx];
	d = &x->obj[p->cdev[n].devid];
	if (d->hwpt && --x->ig[g].attached == 0)
		x->ig[g].hwpt = 0;
	ictx_detach(x, d);
	memset(d, 0, sizeof(*d));
	p->cdev[n].ictx = -1;
	if (--p->group_bound[g] == 0)
		p->group_owner[g] = -1;
}

static int f_close(void *data, int fd)
{
	struct fake_kernel *fk = data;
	struct ffd *f = fd_get(fk, fd);

	if (!f)
		return -EBADF;
	switch (f->kind) {
	case FK_CDEV:
		cdev_unbind(fk, f->idx);
		break;
	case FK_IOMMUFD:
		/* Devices stay bound until their fds close; the fake requires
		 * them closed first, as a careful VMM does. */
		for (int n = 0; n < FAKE_MAX_CDEVS; n++)
			if (P(fk)->cdev[n].ictx == f->idx)
				cdev_unbind(fk, n);
		P(fk)->ictx_used[f->idx] = false;
		break;
	case FK_GROUP:
		if (P(fk)->group_container[f->idx] >= 0) {
			struct ffd *c = &P(fk)->fd[P(fk)->group_container[f->idx]];

			c->groups &= ~(1u << f->idx);
			/* __vfio_group_unset_container(): the last group
			 * takes the IOMMU driver with it. */
			if (!c->groups)
				c->iommu_type = 0;
		}
		P(fk)->group_container[f->idx] = -1;
		break;
	default:
		break;
	}
	f->kind = FK_NONE;
	fk->open_fds--;
	return 0;
}

/* ---- iommufd ---- */

static uint32_t obj_new(struct fictx *x, int type)
{
	/* xa_alloc with XA_FLAGS_ALLOC1: the lowest free ID from 1. */
	for (uint32_t id = 1; id < MAX_OBJS; id++) {
		if (!x->obj[id].type) {
			memset(&x->obj[id], 0, sizeof(x->obj[id]));
			x->obj[id].type = type;
			return id;
		}
	}
	return 0;
}

static struct fobj *obj_get(struct fictx *x, uint32_t id, int type)
{
	if (!id || id >= MAX_OBJS || !x->obj[id].type)
		return NULL;
	return type && x->obj[id].type != type ? NULL : &x->obj[id];
}

/* copy_struct_from_user(): size below the minimum is EINVAL, a longer
 * struct must have an all-zero tail. */
static int check_size(const void *arg, uint32_t size, size_t minsz, size_t known)
{
	if (size < minsz)
		return -EINVAL;
	for (size_t i = known; i < size; i++)
		if (((const uint8_t *)arg)[i])
			return -E2BIG;
	return 0;
}

static int iommufd_ioctl(struct fake_kernel *fk, struct fictx *x, unsigned long req, void *arg,
			 uint32_t *size)
{
	*size = *(uint32_t *)arg;
	if (req == IOMMU_IOAS_ALLOC) {
		struct iommu_ioas_alloc *a = arg;
		int rc = check_size(arg, a->size, IOMMU_IOAS_ALLOC_MINSZ, sizeof(*a));

		if (rc)
			return rc;
		if (a->flags)
			return -EOPNOTSUPP;
		a->out_ioas_id = obj_new(x, OBJ_IOAS);
		return a->out_ioas_id ? 0 : -ENOMEM;
	}
	if (req == IOMMU_DESTROY) {
		struct iommu_destroy *d = arg;
		struct fobj *o;
		int rc = check_size(arg, d->size, IOMMU_DESTROY_MINSZ, sizeof(*d));

		if (rc)
			return rc;
		o = obj_get(x, d->id, 0);
		if (!o)
			return -ENOENT;
		if (o->type == OBJ_DEVICE || o->users)
			return -EBUSY;
		if (o->type == OBJ_HWPT)
			x->obj[o->ioas].users--;
		memset(o, 0, sizeof(*o));
		return 0;
	}
	if (req == IOMMU_HWPT_ALLOC) {
		struct iommu_hwpt_alloc *h = arg;
		int rc = check_size(arg, h->size, IOMMU_HWPT_ALLOC_MINSZ, sizeof(*h));
		uint32_t id;

		if (rc)
			return rc;
		if (h->flags || h->__reserved)
			return -EOPNOTSUPP;
		/* data_type NONE with no data (bytes past the 24-byte minimum) */
		for (uint32_t i = IOMMU_HWPT_ALLOC_MINSZ; i < h->size && i < sizeof(*h); i++)
			if (((const uint8_t *)arg)[i])
				return -EINVAL;
		if (!obj_get(x, h->dev_id, OBJ_DEVICE))
			return -ENOENT;
		if (!obj_get(x, h->pt_id, OBJ_IOAS))
			return -EINVAL;
		id = obj_new(x, OBJ_HWPT);
		if (!id)
			return -ENOMEM;
		x->obj[id].ioas = h->pt_id;
		x->obj[h->pt_id].users++;
		h->out_hwpt_id = id;
		return 0;
	}
	if (req == IOMMU_IOAS_IOVA_RANGES) {
		struct iommu_ioas_iova_ranges *q = arg;
		struct iommu_iova_range *out = (void *)(uintptr_t)q->allowed_iovas;
		struct fobj *ioas;
		int rc = check_size(arg, q->size, IOMMU_IOVA_RANGES_MINSZ, sizeof(*q));

		if (rc)
			return rc;
		if (q->__reserved)
			return -EOPNOTSUPP;
		ioas = obj_get(x, q->ioas_id, OBJ_IOAS);
		if (!ioas)
			return -ENOENT;
		if (q->num_iovas < 1) {
			q->num_iovas = 1;
			return -EMSGSIZE;
		}
		if (!out)
			return -EFAULT;
		/* Empty: everything; with a domain: the selftest mock's aperture. */
		out[0].start = ioas->users ? 1ULL << 24 : 0;
		out[0].last = ioas->users ? (1ULL << 31) - 1 : UINT64_MAX;
		q->num_iovas = 1;
		q->out_iova_alignment = ioas->users ? 2048 : 1;
		return 0;
	}
	(void)fk;
	/* Every VFIO number (VFIO_EEH_PE_OP included) falls to the compat
	 * handler, which does not know it: -ENOIOCTLCMD, ENOTTY to userspace. */
	return -ENOTTY;
}

/* ---- VFIO device cdev ---- */

static int cdev_attach(struct fake_kernel *fk, int n, struct vfio_device_attach_iommufd_pt *a)
{
	struct fake_priv *p = P(fk);
	struct fictx *x = &p->ictx[p->cdev[n].ictx];
	struct fobj *d = &x->obj[p->cdev[n].devid], *pt = obj_get(x, a->pt_id, 0);
	int g = fk->cdev[n].group;
	uint32_t target = 0, old = d->hwpt;

	if (!pt)
		return -ENOENT;
	if (pt->type == OBJ_IOAS) {
		/* auto_get_domain(): an automatic HWPT of the IOAS, else a new one. */
		for (uint32_t id = 1; id < MAX_OBJS && !target; id++)
			if (x->obj[id].type == OBJ_HWPT && x->obj[id].automatic &&
			    x->obj[id].ioas == a->pt_id)
				target = id;
	} else if (pt->type == OBJ_HWPT) {
		target = a->pt_id;
	} else {
		return -EINVAL;
	}
	/* iommufd_hw_pagetable_attach(): the group has one HWPT. */
	if (!old && x->ig[g].hwpt && x->ig[g].hwpt != target)
		return -EINVAL;
	if (!target) {
		target = obj_new(x, OBJ_HWPT);
		if (!target)
			return -ENOMEM;
		x->obj[target].ioas = a->pt_id;
		x->obj[target].automatic = true;
		x->obj[a->pt_id].users++;
	}
	if (old == target) {
		a->pt_id = target;
		return 0;
	}
	if (old) {
		/* Replace moves the whole group. */
		unsigned int moved = 0;

		for (uint32_t id = 1; id < MAX_OBJS; id++) {
			struct fobj *o = &x->obj[id];

			if (o->type == OBJ_DEVICE && o->hwpt == old &&
			    fk->cdev[o->cdev].group == g) {
				o->hwpt = target;
				moved++;
			}
		}
		x->obj[target].users += moved;
		x->obj[old].users -= moved;
		if (!x->obj[old].users && x->obj[old].automatic) {
			x->obj[x->obj[old].ioas].users--;
			memset(&x->obj[old], 0, sizeof(x->obj[old]));
		}
	} else {
		d->hwpt = target;
		x->obj[target].users++;
		x->ig[g].attached++;
	}
	x->ig[g].hwpt = target;
	a->pt_id = target;
	return 0;
}

static int cdev_ioctl(struct fake_kernel *fk, int n, unsigned long req, void *arg, uint32_t *size)
{
	struct fake_priv *p = P(fk);
	int g = fk->cdev[n].group;

	*size = *(uint32_t *)arg;
	if (req == VFIO_DEVICE_BIND_IOMMUFD) {
		struct vfio_device_bind_iommufd *b = arg;
		struct ffd *ifd;
		uint32_t id;

		if (b->argsz < VFIO_BIND_MINSZ || b->flags || b->iommufd < 0)
			return -EINVAL;
		if (p->cdev[n].ictx >= 0)
			return -EINVAL; /* one device cannot be bound twice */
		/* vfio_device_block_group(): not while the group fd is open. */
		for (int i = 0; i < MAX_FDS; i++)
			if (p->fd[i].kind == FK_GROUP && p->fd[i].idx == g)
				return -EBUSY;
		ifd = fd_get(fk, b->iommufd);
		if (!ifd)
			return -EBADF;
		if (ifd->kind != FK_IOMMUFD)
			return -EBADFD;
		/* iommu_device_claim_dma_owner(): one owner per group. */
		if (p->group_owner[g] >= 0 && p->group_owner[g] != ifd->idx)
			return -EPERM;
		id = obj_new(&p->ictx[ifd->idx], OBJ_DEVICE);
		if (!id)
			return -ENOMEM;
		p->ictx[ifd->idx].obj[id].cdev = n;
		p->cdev[n].ictx = ifd->idx;
		p->cdev[n].devid = id;
		p->group_owner[g] = ifd->idx;
		p->group_bound[g]++;
		b->out_devid = id;
		return 0;
	}
	/* Nothing but BIND before a bind (access_granted). */
	if (p->cdev[n].ictx < 0)
		return -EINVAL;
	if (req == VFIO_DEVICE_ATTACH_IOMMUFD_PT) {
		struct vfio_device_attach_iommufd_pt *a = arg;

		if (a->argsz < VFIO_ATTACH_MINSZ || a->flags)
			return -EINVAL;
		return cdev_attach(fk, n, a);
	}
	if (req == VFIO_DEVICE_DETACH_IOMMUFD_PT) {
		struct vfio_device_detach_iommufd_pt *d = arg;
		struct fictx *x = &p->ictx[p->cdev[n].ictx];
		struct fobj *o = &x->obj[p->cdev[n].devid];

		if (d->argsz < VFIO_DETACH_MINSZ || d->flags)
			return -EINVAL;
		if (o->hwpt && --x->ig[g].attached == 0)
			x->ig[g].hwpt = 0;
		ictx_detach(x, o);
		return 0;
	}
	return -ENOTTY; /* VFIO_EEH_PE_OP is no device ioctl */
}

/* ---- VFIO container and group ---- */

static int container_extension(struct fake_kernel *fk, unsigned long ext)
{
	switch (fk->mode) {
	case FAKE_SPAPR:
		if (ext == VFIO_SPAPR_TCE_IOMMU || ext == VFIO_SPAPR_TCE_v2_IOMMU)
			return 1;
		return ext == VFIO_EEH ? fk->eeh_enabled : 0;
	case FAKE_IOMMUFD_COMPAT:
		return ext == VFIO_TYPE1_IOMMU || ext == VFIO_TYPE1v2_IOMMU ||
		       ext == VFIO_UNMAP_ALL;
	case FAKE_TYPE1:
		return ext == VFIO_TYPE1_IOMMU || ext == VFIO_TYPE1v2_IOMMU ||
		       ext == VFIO_DMA_CC_IOMMU;
	}
	return 0;
}

static int container_pe_op(struct fake_kernel *fk, struct ffd *c, struct vfio_eeh_pe_op *op)
{
	int rc = 0;

	if (fk->mode != FAKE_SPAPR || (c->iommu_type != VFIO_SPAPR_TCE_IOMMU &&
				       c->iommu_type != VFIO_SPAPR_TCE_v2_IOMMU))
		return -ENOTTY;
	if (op->argsz < ABI_OFFSETOFEND(struct vfio_eeh_pe_op, op) || op->flags)
		return -EINVAL;
	/* The kernel's loop: every group, stop at the first non-zero. */
	for (int g = 0; g < FAKE_MAX_GROUPS && !rc; g++) {
		if (!(c->groups & (1u << g)))
			continue;
		fk->group[g].pe_ops++;
		fk->group[g].last_op = op->op;
		if (op->op == VFIO_EEH_PE_GET_STATE)
			rc = fk->group[g].pe_state;
		else if (op->op == VFIO_EEH_PE_ENABLE && !fk->eeh_enabled)
			rc = -EIO; /* eeh_pe_set_option(): only ENABLE asks eeh_enabled() */
		else if (op->op > VFIO_EEH_PE_INJECT_ERR)
			rc = -EINVAL;
	}
	return rc;
}

static int container_ioctl(struct fake_kernel *fk, struct ffd *c, unsigned long req, void *arg,
			   uint32_t *size)
{
	*size = 0;
	if (req == VFIO_GET_API_VERSION)
		return VFIO_API_VERSION;
	if (req == VFIO_CHECK_EXTENSION)
		return container_extension(fk, (unsigned long)(uintptr_t)arg);
	if (req == VFIO_SET_IOMMU) {
		unsigned long type = (unsigned long)(uintptr_t)arg;

		/* vfio_ioctl_set_iommu(): needs a group, only once. */
		if (!c->groups || c->iommu_type)
			return -EINVAL;
		if (!container_extension(fk, type) || type == VFIO_EEH)
			return fk->mode == FAKE_IOMMUFD_COMPAT ? -EINVAL : -ENODEV;
		c->iommu_type = (int)type;
		return 0;
	}
	if (req == VFIO_IOMMU_SPAPR_TCE_GET_INFO) {
		struct vfio_iommu_spapr_tce_info *i = arg;

		*size = i->argsz;
		if (i->argsz < 16)
			return -EINVAL;
		if (fk->mode != FAKE_SPAPR) {
			/* type1 GET_INFO, same number: "succeeds" with other data. */
			i->flags = 3;
			i->dma32_window_start = 0x1000;
			return c->iommu_type ? 0 : -ENODEV;
		}
		if (!c->groups)
			return -ENXIO;
		i->dma32_window_start = 0;
		i->dma32_window_size = 0x80000000u;
		if (i->argsz >= sizeof(*i)) {
			i->ddw.pgsizes = 0x1011000;
			i->ddw.max_dynamic_windows_supported = 1;
			i->ddw.levels = 5;
		}
		i->flags = c->iommu_type == VFIO_SPAPR_TCE_v2_IOMMU ? VFIO_IOMMU_SPAPR_INFO_DDW : 0;
		return 0;
	}
	if (req == VFIO_EEH_PE_OP) {
		*size = ((struct vfio_eeh_pe_op *)arg)->argsz;
		return container_pe_op(fk, c, arg);
	}
	return -ENOTTY;
}

static int group_ioctl(struct fake_kernel *fk, int g, unsigned long req, void *arg, uint32_t *size)
{
	struct fake_priv *p = P(fk);

	*size = 0;
	if (req == VFIO_GROUP_GET_STATUS) {
		struct vfio_group_status *s = arg;

		*size = s->argsz;
		if (s->argsz < sizeof(*s))
			return -EINVAL;
		s->flags = (fk->group[g].not_viable ? 0 : VFIO_GROUP_FLAGS_VIABLE) |
			   (p->group_container[g] >= 0 ? VFIO_GROUP_FLAGS_CONTAINER_SET : 0);
		return 0;
	}
	if (req == VFIO_GROUP_SET_CONTAINER) {
		int cfd = *(int *)arg;
		struct ffd *c = fd_get(fk, cfd);

		if (!c)
			return -EBADF;
		if (c->kind != FK_CONTAINER)
			return -EINVAL;
		if (p->group_container[g] >= 0)
			return -EINVAL;
		if (fk->group[g].not_viable)
			return -EPERM;
		/* SPAPR v1: one group per container. */
		if (c->iommu_type == VFIO_SPAPR_TCE_IOMMU && c->groups)
			return -EBUSY;
		c->groups |= 1u << g;
		p->group_container[g] = cfd - FD_BASE;
		return 0;
	}
	return -ENOTTY;
}

static int f_ioctl(void *data, int fd, unsigned long req, void *arg)
{
	struct fake_kernel *fk = data;
	struct ffd *f = fd_get(fk, fd);
	uint32_t size = 0;
	int rc;

	if (interrupt_now(fk))
		return -EINTR;
	if (!f)
		return -EBADF;
	if (_IOC_TYPE(req) != ';' || _IOC_SIZE(req) || _IOC_DIR(req) != _IOC_NONE) {
		rc = -ENOTTY;
	} else {
		switch (f->kind) {
		case FK_IOMMUFD:
			rc = iommufd_ioctl(fk, &P(fk)->ictx[f->idx], req, arg, &size);
			break;
		case FK_CDEV:
			rc = cdev_ioctl(fk, f->idx, req, arg, &size);
			break;
		case FK_CONTAINER:
			rc = container_ioctl(fk, f, req, arg, &size);
			break;
		case FK_GROUP:
			rc = group_ioctl(fk, f->idx, req, arg, &size);
			break;
		default:
			rc = -EBADF;
		}
	}
	if (fk->nlog < FAKE_MAX_LOG)
		fk->log[fk->nlog++] = (struct fake_ioctl){ f->kind, req, size, rc };
	return rc;
}

/* ---- sysfs ---- */

static int f_fstat(void *data, int fd, struct stat *st)
{
	struct fake_kernel *fk = data;
	struct ffd *f = fd_get(fk, fd);

	if (interrupt_now(fk))
		return -EINTR;
	if (!f)
		return -EBADF;
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFCHR | 0600;
	if (f->kind == FK_CDEV)
		st->st_rdev = makedev(FAKE_VFIO_MAJOR, (unsigned int)f->idx);
	return 0;
}

static long f_readlink(void *data, const char *path, char *buf, size_t len)
{
	struct fake_kernel *fk = data;
	unsigned int n = 0, maj = 0;
	int g = -1, r;

	if (interrupt_now(fk))
		return -EINTR;
	if (sscanf(path, "/sys/class/vfio-dev/vfio%u/device/iommu_group", &n) == 1 &&
	    n < FAKE_MAX_CDEVS && fk->cdev[n].present && !fk->cdev[n].hide_class_link)
		g = fk->cdev[n].group;
	else if (sscanf(path, "/sys/dev/char/%u:%u/device/iommu_group", &maj, &n) == 2 &&
		 maj == FAKE_VFIO_MAJOR && n < FAKE_MAX_CDEVS && fk->cdev[n].present)
		g = fk->cdev[n].group;
	if (g < 0)
		return -ENOENT;
	r = snprintf(buf, len, "../../../../kernel/iommu_groups/%d", g);
	return r < 0 || (size_t)r >= len ? -ENAMETOOLONG : r;
}

static const struct eeh_syscalls fake_syscalls = {
	.size = sizeof(struct eeh_syscalls),
	.open = f_open,
	.close = f_close,
	.ioctl = f_ioctl,
	.fstat = f_fstat,
	.readlink = f_readlink,
};

void fake_install(struct fake_kernel *fk, struct eeh_ctx *ctx)
{
	eeh_set_syscalls(ctx, &fake_syscalls, fk);
}

int fake_open(struct fake_kernel *fk, const char *path)
{
	return f_open(fk, path, 0, 0);
}

int fake_close(struct fake_kernel *fk, int fd)
{
	return f_close(fk, fd);
}

int fake_ioctl(struct fake_kernel *fk, int fd, unsigned long request, void *arg)
{
	return f_ioctl(fk, fd, request, arg);
}
