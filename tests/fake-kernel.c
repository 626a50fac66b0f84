/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fake kernel: iommufd (drivers/iommu/iommufd), the VFIO device cdev
 * (drivers/vfio/device_cdev.c), and the VFIO container and group
 * (drivers/vfio/container.c, group.c, vfio_iommu_spapr_tce.c, and
 * iommufd's vfio_compat.c), as far as libeeh drives them. Written from
 * the uAPI documentation, independently of the library's simulator.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

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
	enum fake_iommu iommu; /* HWPT: the IOMMU of the device it was made for */
	uint32_t hwpt;       /* DEVICE */
	int cdev;            /* DEVICE */
};

/* An iopt_area: [iova, last] of an IOAS, from user VA uva. */
struct farea {
	uint32_t ioas;   /* 0: free */
	uint32_t flags;  /* IOMMU_IOAS_MAP_READABLE/WRITEABLE */
	uint64_t iova, last, uva;
};

#define MAX_ALLOWED 8

struct fictx {
	struct fobj obj[MAX_OBJS]; /* index = object ID; type 0 = free */
	struct farea area[FAKE_MAX_AREAS];
	struct {
		unsigned int n;
		struct iommu_iova_range r[MAX_ALLOWED];
	} allowed[MAX_OBJS];
	struct {
		uint32_t hwpt;
		unsigned int attached;
	} ig[FAKE_MAX_GROUPS];
};

struct ffd {
	enum fake_fd_kind kind;
	int idx;            /* ictx, cdev number, group number */
	/* cdev: this file did the bind (each open of a cdev is its own
	 * vfio_device_file; access_granted is per file) */
	bool bound;
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
	fk->aperture_start = 1ULL << 24;
	fk->aperture_last = (1ULL << 31) - 1;
	fk->iova_alignment = 2048;
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

static void log_op(struct fake_kernel *fk, enum fake_fd_kind kind, unsigned long req,
		   uint32_t size, int rc)
{
	if (fk->nlog < FAKE_MAX_LOG)
		fk->log[fk->nlog++] = (struct fake_ioctl){ kind, req, size, rc };
}

/* A file of the tree under fk->root: a real fd (below FD_BASE). The PE
 * state file follows PowerNV (eeh_sysfs.c, pnv_eeh_get_pe_state): a read
 * marks a frozen PE isolated, a write thaws an isolated PE and does
 * nothing otherwise; the file then holds the state a read shows. */
static int sysfs_open(struct fake_kernel *fk, const char *path, int flags)
{
	size_t len = strlen(path);
	bool pe_state = len > 13 && !strcmp(path + len - 13, "/eeh_pe_state");
	char p[4096];
	int fd;

	if ((size_t)snprintf(p, sizeof(p), "%s%s", fk->root, path) >= sizeof(p))
		return -ENAMETOOLONG;
	if (pe_state && (flags & O_ACCMODE) == O_RDONLY) {
		FILE *f = fopen(p, "w");

		if (fk->pe_frozen)
			fk->pe_isolated = true;
		if (f) {
			fprintf(f, "0x%08x 0x%08x\n", fk->pe_frozen ? 0 : 0x78,
				fk->pe_isolated ? 0x1 : 0);
			fclose(f);
		}
		log_op(fk, FK_PE_STATE_READ, 0, 0, 0);
	} else if (pe_state) {
		log_op(fk, FK_PE_STATE_WRITE, 0, 0, fk->pe_isolated && fk->pe_thaw_fails ? -EIO : 0);
		if (fk->pe_isolated && fk->pe_thaw_fails)
			return -EIO;
		if (fk->pe_isolated)
			fk->pe_frozen = fk->pe_isolated = false;
	}
	fd = open(p, flags | O_CLOEXEC, 0644);
	if (fd >= FD_BASE) {
		close(fd);
		return -EMFILE;
	}
	return fd < 0 ? -errno : fd;
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
	return fk->root && strncmp(path, "/dev/", 5) ? sysfs_open(fk, path, flags) : -ENOENT;
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

	if (fd >= 0 && fd < FD_BASE && fk->root)
		return close(fd) < 0 ? -errno : 0;
	if (!f)
		return -EBADF;
	switch (f->kind) {
	case FK_CDEV:
		if (f->bound)
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

/*
 * The allowed ranges of an IOAS: everything without a domain; with one
 * (the first HWPT on it decides), its aperture minus the reserved
 * regions: intel-iommu (QEMU, 39 bits) [0, 2^39-1] without the MSI
 * window, 4 KiB alignment; the selftest mock the fake's aperture (by
 * default [1<<24, 2^31-1], 2 KiB alignment).
 */
static uint32_t iommu_ranges(struct fake_kernel *fk, int iommu, struct iommu_iova_range r[2],
			     uint64_t *align)
{
	if (iommu == FAKE_IOMMU_VTD) {
		r[0] = (struct iommu_iova_range){ 0, 0xfedfffffULL };
		r[1] = (struct iommu_iova_range){ 0xfef00000ULL, (1ULL << 39) - 1 };
		*align = 4096;
		return 2;
	}
	r[0] = (struct iommu_iova_range){ fk->aperture_start, fk->aperture_last };
	*align = fk->iova_alignment;
	return 1;
}

static uint32_t domain_ranges(struct fake_kernel *fk, struct fictx *x, uint32_t ioas,
			      struct iommu_iova_range r[2], uint64_t *align)
{
	r[0] = (struct iommu_iova_range){ 0, UINT64_MAX };
	*align = 1;
	for (uint32_t id = 1; id < MAX_OBJS; id++) {
		const struct fobj *h = &x->obj[id];

		if (h->type == OBJ_HWPT && h->ioas == ioas)
			return iommu_ranges(fk, h->iommu, r, align);
	}
	return 1;
}

/* iommufd_ioas_iova_ranges(): too small an array is EMSGSIZE with the
 * number needed. */
static int iova_ranges(struct fake_kernel *fk, struct fictx *x, struct iommu_ioas_iova_ranges *q)
{
	struct iommu_iova_range r[2], *out;
	uint64_t align;
	uint32_t n = domain_ranges(fk, x, q->ioas_id, r, &align);

	if (q->num_iovas < n) {
		q->num_iovas = n;
		return -EMSGSIZE;
	}
	out = (struct iommu_iova_range *)(uintptr_t)q->allowed_iovas;
	if (!out)
		return -EFAULT;
	memcpy(out, r, n * sizeof(r[0]));
	q->num_iovas = n;
	q->out_iova_alignment = align;
	return 0;
}

/* iommufd_vfio_ioctl() (vfio_compat.c): the VFIO container ioctls an
 * iommufd answers on its own fd, by value or pointer, whatever the
 * IOMMUFD_VFIO_CONTAINER option says about /dev/vfio/vfio. */
static int iommufd_vfio_ioctl(unsigned long req, void *arg)
{
	unsigned long ext = (unsigned long)(uintptr_t)arg;

	if (req == VFIO_GET_API_VERSION)
		return VFIO_API_VERSION;
	if (req == VFIO_CHECK_EXTENSION)
		return ext == VFIO_TYPE1_IOMMU || ext == VFIO_TYPE1v2_IOMMU || ext == VFIO_UNMAP_ALL;
	return -ENOTTY;
}

/* ---- IOAS areas (io_pagetable.c) ---- */

static uint64_t ioas_alignment(struct fake_kernel *fk, struct fictx *x, uint32_t ioas)
{
	struct iommu_iova_range r[2];
	uint64_t align;

	domain_ranges(fk, x, ioas, r, &align);
	return align;
}

/* Does [start, last] touch a reserved range (outside the allowed ones)? */
static bool reserved_hit(struct fake_kernel *fk, struct fictx *x, uint32_t ioas, uint64_t start,
			 uint64_t last)
{
	struct iommu_iova_range r[2];
	uint64_t align;
	uint32_t n = domain_ranges(fk, x, ioas, r, &align);

	for (uint32_t k = 0; k < n; k++)
		if (start >= r[k].start && last <= r[k].last)
			return false;
	return true;
}

static struct farea *area_at(struct fictx *x, uint32_t ioas, uint64_t iova)
{
	for (unsigned int i = 0; i < FAKE_MAX_AREAS; i++)
		if (x->area[i].ioas == ioas && iova >= x->area[i].iova && iova <= x->area[i].last)
			return &x->area[i];
	return NULL;
}

/* iopt_check_iova() and the map flags: what MAP and COPY share. */
static int check_dst(struct fake_kernel *fk, struct fictx *x, uint32_t ioas, uint32_t flags,
		     uint64_t iova, uint64_t length)
{
	uint64_t align = ioas_alignment(fk, x, ioas), last;

	if (flags & ~(uint32_t)(IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE |
				IOMMU_IOAS_MAP_READABLE))
		return -EOPNOTSUPP;
	if (iova >= UINT64_MAX || length >= UINT64_MAX)
		return -EOVERFLOW;
	/* "Do not allow creating areas without READ or WRITE" (2024) */
	if (!(flags & (IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)))
		return -EINVAL;
	if (!length || length % align)
		return -EINVAL;
	if (!(flags & IOMMU_IOAS_MAP_FIXED_IOVA))
		return -EOPNOTSUPP; /* the library always fixes the IOVA */
	if (iova % align)
		return -EINVAL;
	if (iova + length - 1 < iova)
		return -EOVERFLOW;
	last = iova + length - 1;
	if (reserved_hit(fk, x, ioas, iova, last))
		return -EINVAL;
	for (unsigned int i = 0; i < FAKE_MAX_AREAS; i++)
		if (x->area[i].ioas == ioas && x->area[i].iova <= last && iova <= x->area[i].last)
			return -EEXIST;
	return 0;
}

static int area_add(struct fictx *x, uint32_t ioas, uint64_t iova, uint64_t length, uint64_t uva,
		    uint32_t flags)
{
	for (unsigned int i = 0; i < FAKE_MAX_AREAS; i++) {
		if (!x->area[i].ioas) {
			x->area[i] = (struct farea){ .ioas = ioas, .iova = iova,
						     .last = iova + length - 1, .uva = uva,
						     .flags = flags & (IOMMU_IOAS_MAP_WRITEABLE |
								       IOMMU_IOAS_MAP_READABLE) };
			return 0;
		}
	}
	return -ENOMEM;
}

static int ioas_map(struct fake_kernel *fk, struct fictx *x, struct iommu_ioas_map *m)
{
	int rc;

	if (m->__reserved)
		return -EOPNOTSUPP;
	if (!obj_get(x, m->ioas_id, OBJ_IOAS))
		return -ENOENT;
	rc = check_dst(fk, x, m->ioas_id, m->flags, m->iova, m->length);
	if (rc)
		return rc;
	if (m->user_va % ioas_alignment(fk, x, m->ioas_id) !=
	    m->iova % ioas_alignment(fk, x, m->ioas_id))
		return -EINVAL;
	return area_add(x, m->ioas_id, m->iova, m->length, m->user_va, m->flags);
}

static int ioas_copy(struct fake_kernel *fk, struct fictx *x, struct iommu_ioas_copy *c)
{
	uint64_t last;
	struct farea *a;
	bool ro = false;
	int rc;

	if (!obj_get(x, c->dst_ioas_id, OBJ_IOAS) || !obj_get(x, c->src_ioas_id, OBJ_IOAS))
		return -ENOENT;
	if (c->src_iova >= UINT64_MAX || c->dst_iova >= UINT64_MAX || c->length >= UINT64_MAX)
		return -EOVERFLOW;
	if (!(c->flags & (IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)) || !c->length)
		return -EINVAL;
	/* iopt_get_pages(): contiguous areas over the whole source range */
	last = c->src_iova + c->length - 1;
	if (last < c->src_iova)
		return -EOVERFLOW;
	for (a = area_at(x, c->src_ioas_id, c->src_iova); a;
	     a = a->last == UINT64_MAX ? NULL : area_at(x, c->src_ioas_id, a->last + 1)) {
		if ((c->flags & IOMMU_IOAS_MAP_WRITEABLE) && !(a->flags & IOMMU_IOAS_MAP_WRITEABLE))
			ro = true;
		if (a->last >= last)
			break;
	}
	if (!a)
		return -ENOENT;
	rc = check_dst(fk, x, c->dst_ioas_id, c->flags, c->dst_iova, c->length);
	if (rc)
		return rc;
	/* iopt_insert_area(), after iopt_check_iova(): a writeable copy of
	 * read-only pages (a real 6.12 kernel: EEXIST before EPERM) */
	if (ro)
		return -EPERM;
	return area_add(x, c->dst_ioas_id, c->dst_iova, c->length,
			area_at(x, c->src_ioas_id, c->src_iova)->uva +
				(c->src_iova - area_at(x, c->src_ioas_id, c->src_iova)->iova),
			c->flags);
}

static int ioas_unmap(struct fictx *x, struct iommu_ioas_unmap *u)
{
	uint64_t first = u->iova, last, unmapped = 0;

	if (!obj_get(x, u->ioas_id, OBJ_IOAS))
		return -ENOENT;
	if (u->iova == 0 && u->length == UINT64_MAX) {
		last = UINT64_MAX;
	} else {
		if (u->iova >= UINT64_MAX || u->length >= UINT64_MAX)
			return -EOVERFLOW;
		if (!u->length)
			return -EINVAL;
		last = u->iova + u->length - 1;
		if (last < u->iova)
			return -EOVERFLOW;
		/* iopt_unmap_iova_range(): every area touched, whole */
		for (unsigned int i = 0; i < FAKE_MAX_AREAS; i++) {
			struct farea *a = &x->area[i];

			if (a->ioas == u->ioas_id && a->iova <= last && first <= a->last &&
			    (a->iova < first || a->last > last))
				return -ENOENT;
		}
	}
	for (unsigned int i = 0; i < FAKE_MAX_AREAS; i++) {
		struct farea *a = &x->area[i];

		if (a->ioas == u->ioas_id && a->iova <= last && first <= a->last) {
			unmapped += a->last - a->iova + 1;
			a->ioas = 0;
		}
	}
	if (!unmapped && !(u->iova == 0 && u->length == UINT64_MAX))
		return -ENOENT;
	u->length = unmapped;
	return 0;
}

static int ioas_allow(struct fake_kernel *fk, struct fictx *x, struct iommu_ioas_allow_iovas *a)
{
	const struct iommu_iova_range *r = (const void *)(uintptr_t)a->allowed_iovas;

	if (a->__reserved)
		return -EOPNOTSUPP;
	if (!obj_get(x, a->ioas_id, OBJ_IOAS))
		return -ENOENT;
	if (a->num_iovas > MAX_ALLOWED)
		return -ENOMEM;
	if (a->num_iovas && !r)
		return -EFAULT;
	for (unsigned int i = 0; i < a->num_iovas; i++) {
		if (r[i].start >= r[i].last)
			return -EINVAL;
		for (unsigned int k = 0; k < i; k++)
			if (r[i].start <= r[k].last && r[k].start <= r[i].last)
				return -EINVAL;
	}
	for (unsigned int i = 0; i < a->num_iovas; i++)
		if (reserved_hit(fk, x, a->ioas_id, r[i].start, r[i].last))
			return -EADDRINUSE;
	x->allowed[a->ioas_id].n = a->num_iovas;
	for (unsigned int i = 0; i < a->num_iovas; i++)
		x->allowed[a->ioas_id].r[i] = r[i];
	return 0;
}

int fake_ioas_areas(struct fake_kernel *fk, uint32_t ioas_id, uint64_t *bytes)
{
	struct fictx *x = &P(fk)->ictx[0];
	int n = 0;

	if (!obj_get(x, ioas_id, OBJ_IOAS))
		return -1;
	if (bytes)
		*bytes = 0;
	for (unsigned int i = 0; i < FAKE_MAX_AREAS; i++) {
		if (x->area[i].ioas != ioas_id)
			continue;
		n++;
		if (bytes)
			*bytes += x->area[i].last - x->area[i].iova + 1;
	}
	return n;
}

static int iommufd_ioctl(struct fake_kernel *fk, struct fictx *x, unsigned long req, void *arg,
			 uint32_t *size)
{
	if (_IOC_NR(req) < 0x80)
		return iommufd_vfio_ioctl(req, arg);
	if (req == IOMMU_IOAS_MAP) {
		struct iommu_ioas_map *m = arg;
		int rc = check_size(arg, m->size, IOMMU_IOAS_MAP_MINSZ, sizeof(*m));

		*size = m->size;
		return rc ? rc : ioas_map(fk, x, m);
	}
	if (req == IOMMU_IOAS_COPY) {
		struct iommu_ioas_copy *c = arg;
		int rc = check_size(arg, c->size, IOMMU_IOAS_COPY_MINSZ, sizeof(*c));

		*size = c->size;
		return rc ? rc : ioas_copy(fk, x, c);
	}
	if (req == IOMMU_IOAS_UNMAP) {
		struct iommu_ioas_unmap *u = arg;
		int rc = check_size(arg, u->size, IOMMU_IOAS_UNMAP_MINSZ, sizeof(*u));

		*size = u->size;
		return rc ? rc : ioas_unmap(x, u);
	}
	if (req == IOMMU_IOAS_ALLOW_IOVAS) {
		struct iommu_ioas_allow_iovas *a = arg;
		int rc = check_size(arg, a->size, IOMMU_ALLOW_IOVAS_MINSZ, sizeof(*a));

		*size = a->size;
		return rc ? rc : ioas_allow(fk, x, a);
	}
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
		for (unsigned int i = 0; o->type == OBJ_IOAS && i < FAKE_MAX_AREAS; i++)
			if (x->area[i].ioas == d->id)
				x->area[i].ioas = 0;
		x->allowed[d->id].n = 0;
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
		x->obj[id].iommu = fk->cdev[x->obj[h->dev_id].cdev].iommu;
		x->obj[h->pt_id].users++;
		h->out_hwpt_id = id;
		return 0;
	}
	if (req == IOMMU_IOAS_IOVA_RANGES) {
		struct iommu_ioas_iova_ranges *q = arg;
		int rc = check_size(arg, q->size, IOMMU_IOVA_RANGES_MINSZ, sizeof(*q));

		if (rc)
			return rc;
		if (q->__reserved)
			return -EOPNOTSUPP;
		if (!obj_get(x, q->ioas_id, OBJ_IOAS))
			return -ENOENT;
		return iova_ranges(fk, x, q);
	}
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
	/* iommufd_device_attach_reserved_iova() and iopt_table_add_domain():
	 * the device's reserved regions and the domain's aperture become
	 * reserved IOVA, refused where the IOAS allows IOVAs (a real 6.12
	 * kernel: EADDRINUSE). */
	if (!target || old != target) {
		uint32_t ioas = pt->type == OBJ_IOAS ? a->pt_id : pt->ioas;
		struct iommu_iova_range ok[2];
		uint64_t align;
		uint32_t nok = iommu_ranges(fk, fk->cdev[n].iommu, ok, &align);

		for (uint32_t i = 0; i < x->allowed[ioas].n; i++) {
			const struct iommu_iova_range *v = &x->allowed[ioas].r[i];
			bool inside = false;

			for (uint32_t k = 0; k < nok; k++)
				inside |= v->start >= ok[k].start && v->last <= ok[k].last;
			if (!inside)
				return -EADDRINUSE;
		}
	}
	if (!target) {
		target = obj_new(x, OBJ_HWPT);
		if (!target)
			return -ENOMEM;
		x->obj[target].ioas = a->pt_id;
		x->obj[target].automatic = true;
		x->obj[target].iommu = fk->cdev[n].iommu;
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

/*
 * vfio_iommufd_get_dev_id() for function m seen from cdev n's iommufd:
 * its devid when bound there, OWNED (0) when its group is owned there,
 * else NOT_OWNED.
 */
static uint32_t dev_id_for(struct fake_kernel *fk, int n, int m)
{
	struct fake_priv *p = P(fk);

	if (p->cdev[m].ictx == p->cdev[n].ictx)
		return p->cdev[m].devid;
	if (p->group_owner[fk->cdev[m].group] == p->cdev[n].ictx)
		return VFIO_PCI_DEVID_OWNED;
	return (uint32_t)VFIO_PCI_DEVID_NOT_OWNED;
}

/* vfio_pci_ioctl_get_pci_hot_reset_info(), for a cdev caller: the
 * functions of the bus below the bridge; a root bus has no reset. */
static int hot_reset_info(struct fake_kernel *fk, int n, struct vfio_pci_hot_reset_info *info)
{
	int bus = fk->cdev[n].bus;
	uint32_t count = 0, i = 0;

	if (info->argsz < sizeof(*info))
		return -EINVAL;
	info->flags = 0;
	if (bus <= 0)
		return -ENODEV;
	for (int m = 0; m < FAKE_MAX_CDEVS; m++)
		count += fk->cdev[m].present && fk->cdev[m].bus == bus;
	count += fk->foreign[bus];
	if (count > (info->argsz - sizeof(*info)) / sizeof(info->devices[0])) {
		info->count = count;
		return -ENOSPC;
	}
	info->flags = VFIO_PCI_HOT_RESET_FLAG_DEV_ID | VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED;
	for (int m = 0; m < FAKE_MAX_CDEVS; m++) {
		if (!fk->cdev[m].present || fk->cdev[m].bus != bus)
			continue;
		info->devices[i] = (struct vfio_pci_dependent_device){
			.group_id = dev_id_for(fk, n, m), .bus = (uint8_t)bus, .devfn = (uint8_t)m };
		if (info->devices[i++].group_id == (uint32_t)VFIO_PCI_DEVID_NOT_OWNED)
			info->flags &= ~VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED;
	}
	/* Functions outside the dev_set (no vfio-pci driver) are not owned. */
	for (unsigned int k = 0; k < fk->foreign[bus]; k++) {
		info->devices[i++] = (struct vfio_pci_dependent_device){
			.group_id = (uint32_t)VFIO_PCI_DEVID_NOT_OWNED, .bus = (uint8_t)bus,
			.devfn = (uint8_t)(0x80 + k) };
		info->flags &= ~VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED;
	}
	info->count = count;
	return 0;
}

/* vfio_pci_ioctl_pci_hot_reset() for a cdev caller: count must be 0 and
 * every function of the bus bound to vfio-pci and owned by the caller's
 * iommufd. */
static int hot_reset(struct fake_kernel *fk, int n, struct vfio_pci_hot_reset *r)
{
	int bus = fk->cdev[n].bus;

	if (r->argsz < sizeof(*r) || r->flags || r->count)
		return -EINVAL;
	if (bus <= 0)
		return -ENODEV;
	if (fk->foreign[bus])
		return -EINVAL;
	for (int m = 0; m < FAKE_MAX_CDEVS; m++)
		if (fk->cdev[m].present && fk->cdev[m].bus == bus &&
		    dev_id_for(fk, n, m) == (uint32_t)VFIO_PCI_DEVID_NOT_OWNED)
			return -EINVAL;
	for (int m = 0; m < FAKE_MAX_CDEVS; m++)
		if (fk->cdev[m].present && fk->cdev[m].bus == bus)
			fk->cdev[m].hot_resets++;
	return 0;
}

static int cdev_ioctl(struct fake_kernel *fk, struct ffd *f, unsigned long req, void *arg,
		      uint32_t *size)
{
	struct fake_priv *p = P(fk);
	int n = f->idx;
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
		f->bound = true;
		return 0;
	}
	/* Nothing but BIND before this file's bind (access_granted). */
	if (!f->bound)
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
	if (req == VFIO_DEVICE_GET_PCI_HOT_RESET_INFO)
		return hot_reset_info(fk, n, arg);
	if (req == VFIO_DEVICE_PCI_HOT_RESET)
		return hot_reset(fk, n, arg);
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
		/* vfio_group_ioctl_set_container(): a group in a container
		 * already is EINVAL; an iommufd becomes the group's compat
		 * container; any other file is EBADFD. */
		if (p->group_container[g] >= 0)
			return -EINVAL;
		if (c->kind == FK_IOMMUFD) {
			c->groups |= 1u << g;
			p->group_container[g] = cfd - FD_BASE;
			return 0;
		}
		if (c->kind != FK_CONTAINER)
			return -EBADFD;
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
			rc = cdev_ioctl(fk, f, req, arg, &size);
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
	log_op(fk, f->kind, req, size, rc);
	return rc;
}

/* ---- sysfs ---- */

static int f_fstat(void *data, int fd, struct stat *st)
{
	struct fake_kernel *fk = data;
	struct ffd *f = fd_get(fk, fd);

	if (interrupt_now(fk))
		return -EINTR;
	if (fd >= 0 && fd < FD_BASE && fk->root)
		return fstat(fd, st) < 0 ? -errno : 0;
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
	if (g < 0 && fk->root) {
		char p[4096];
		ssize_t k;

		if ((size_t)snprintf(p, sizeof(p), "%s%s", fk->root, path) >= sizeof(p))
			return -ENAMETOOLONG;
		k = readlink(p, buf, len - 1);
		if (k < 0)
			return -errno;
		buf[k] = '\0';
		return k;
	}
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
