/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * iommufd device objects: the kernel calls (VFIO cdev bind/attach/detach,
 * IOAS and HWPT allocation) and the bookkeeping the kernel does not expose.
 *
 * iommufd keeps an igroup per IOMMU group internally but no ioctl lists
 * the groups or devices of an IOAS, so libeeh records device -> group
 * (sysfs) -> PE and device -> HWPT (attach reply) -> IOAS (IOAS_ALLOC,
 * HWPT_ALLOC), and counts distinct groups per IOAS incrementally: the
 * one-group rule is then an O(1) check on the PE op path.
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "iommufd-abi.h"
#include "iommufd.h"
#include "sys.h"

_Static_assert(sizeof(struct eeh_iova_range) == sizeof(struct iommu_iova_range),
	       "eeh_iova_range mirrors iommu_iova_range");
_Static_assert(offsetof(struct eeh_iova_range, last) == offsetof(struct iommu_iova_range, last),
	       "eeh_iova_range.last at 8");

_Static_assert(EEH_IOAS_MAP_READ == IOFD_MAP_READ && EEH_IOAS_MAP_WRITE == IOFD_MAP_WRITE,
	       "EEH_IOAS_MAP_* are iommufd's map flags");
_Static_assert(IOFD_MAP_READ == IOMMU_IOAS_MAP_READABLE &&
		       IOFD_MAP_WRITE == IOMMU_IOAS_MAP_WRITEABLE,
	       "IOFD_MAP_* are iommufd's map flags");

/* A key no object ID (u32) can take, to make room in a map in advance. */
#define RESERVE_KEY UINT64_MAX

/* ---- the real kernel ---- */

static int group_from_link(struct eeh_ctx *ctx, const char *link)
{
	char buf[256], *base, *end;
	ssize_t n = sys_readlink(ctx, link, buf, sizeof(buf));
	long g;

	if (n < 0)
		return (int)n;
	base = strrchr(buf, '/');
	base = base ? base + 1 : buf;
	g = strtol(base, &end, 10);
	if (end == base || *end || g < 0 || g > INT32_MAX)
		return -ENODEV;
	return (int)g;
}

/* The device's IOMMU group: /sys/class/vfio-dev/vfioN/device/iommu_group
 * (the vfio_device's parent is the PCI device), else through the cdev's
 * device number. */
static int cdev_group(struct eeh_ctx *ctx, const char *path, int fd)
{
	const char *base = strrchr(path, '/');
	char link[256];
	struct stat st;
	int g = -ENODEV;

	base = base ? base + 1 : path;
	if (!strncmp(base, "vfio", 4) && isdigit((unsigned char)base[4]) &&
	    snprintf(link, sizeof(link), "/sys/class/vfio-dev/%s/device/iommu_group", base) <
		    (int)sizeof(link)) {
		g = group_from_link(ctx, link);
		if (g >= 0)
			return g;
	}
	if (sys_fstat(ctx, fd, &st) < 0 || !S_ISCHR(st.st_mode))
		return -ENODEV;
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/device/iommu_group", major(st.st_rdev),
		 minor(st.st_rdev));
	g = group_from_link(ctx, link);
	return g == -ENOENT ? -ENODEV : g;
}

static int kern_bind(struct eeh_iommufd *ifd, const char *name, struct iofd_dev *dev)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b), .iommufd = ifd->fd };
	int fd, g, rc;

	if (ifd->fd < 0)
		return -EBADF;
	fd = sys_open(ifd->ctx, name, O_RDWR, 0);
	if (fd < 0)
		return fd;
	g = cdev_group(ifd->ctx, name, fd);
	if (g < 0) {
		sys_close(ifd->ctx, fd);
		return g;
	}
	rc = sys_ioctl(ifd->ctx, fd, VFIO_DEVICE_BIND_IOMMUFD, &b);
	if (rc < 0) {
		sys_close(ifd->ctx, fd);
		return rc;
	}
	dev->devid = b.out_devid;
	dev->group = g;
	dev->cdev_fd = fd;
	return 0;
}

static void kern_unbind(struct eeh_iommufd *ifd, struct iofd_dev *dev)
{
	/* Closing the device fd unbinds it (and detaches it). */
	if (dev->cdev_fd >= 0)
		sys_close(ifd->ctx, dev->cdev_fd);
	dev->cdev_fd = -1;
}

static int kern_ioas_alloc(struct eeh_iommufd *ifd, uint32_t *id)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	int rc;

	if (ifd->fd < 0)
		return -EBADF;
	rc = sys_ioctl(ifd->ctx, ifd->fd, IOMMU_IOAS_ALLOC, &a);
	if (rc < 0)
		return rc;
	*id = a.out_ioas_id;
	return 0;
}

static int kern_hwpt_alloc(struct eeh_iommufd *ifd, uint32_t devid, uint32_t pt_id, uint32_t *id)
{
	struct iommu_hwpt_alloc h = { .size = sizeof(h), .dev_id = devid, .pt_id = pt_id };
	int rc;

	if (ifd->fd < 0)
		return -EBADF;
	rc = sys_ioctl(ifd->ctx, ifd->fd, IOMMU_HWPT_ALLOC, &h);
	if (rc < 0)
		return rc;
	*id = h.out_hwpt_id;
	return 0;
}

static int kern_attach(struct eeh_iommufd *ifd, struct iofd_dev *dev, uint32_t pt_id,
		       uint32_t *hwpt_id)
{
	struct vfio_device_attach_iommufd_pt a = { .argsz = sizeof(a), .pt_id = pt_id };
	int rc;

	if (dev->cdev_fd < 0)
		return -EBADF;
	rc = sys_ioctl(ifd->ctx, dev->cdev_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);
	if (rc < 0)
		return rc;
	*hwpt_id = a.pt_id;
	return 0;
}

static int kern_detach(struct eeh_iommufd *ifd, struct iofd_dev *dev)
{
	struct vfio_device_detach_iommufd_pt d = { .argsz = sizeof(d) };

	if (dev->cdev_fd < 0)
		return -EBADF;
	return sys_ioctl(ifd->ctx, dev->cdev_fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);
}

static int kern_destroy(struct eeh_iommufd *ifd, uint32_t id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };

	if (ifd->fd < 0)
		return -EBADF;
	return sys_ioctl(ifd->ctx, ifd->fd, IOMMU_DESTROY, &d);
}

static int kern_iova_ranges(struct eeh_iommufd *ifd, uint32_t ioas_id, struct eeh_iova_range *r,
			    unsigned int *n)
{
	struct iommu_ioas_iova_ranges q = {
		.size = sizeof(q),
		.ioas_id = ioas_id,
		.num_iovas = *n,
		.allowed_iovas = (uintptr_t)r,
	};
	int rc;

	if (ifd->fd < 0)
		return -EBADF;
	rc = sys_ioctl(ifd->ctx, ifd->fd, IOMMU_IOAS_IOVA_RANGES, &q);
	/* EMSGSIZE also reports the number of ranges needed. */
	if (rc == 0 || rc == -EMSGSIZE)
		*n = q.num_iovas;
	return rc < 0 ? rc : 0;
}

static int kern_ioas_map(struct eeh_iommufd *ifd, uint32_t ioas_id, uint64_t iova, uint64_t len,
			 uint64_t uva, unsigned int flags)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | (flags & (IOFD_MAP_READ | IOFD_MAP_WRITE)),
		.ioas_id = ioas_id,
		.user_va = uva,
		.length = len,
		.iova = iova,
	};

	if (ifd->fd < 0)
		return -EBADF;
	return sys_ioctl(ifd->ctx, ifd->fd, IOMMU_IOAS_MAP, &m);
}

static int kern_ioas_unmap(struct eeh_iommufd *ifd, uint32_t ioas_id, uint64_t iova, uint64_t len,
			   uint64_t *unmapped)
{
	struct iommu_ioas_unmap u = { .size = sizeof(u), .ioas_id = ioas_id, .iova = iova,
				      .length = len };
	int rc;

	if (ifd->fd < 0)
		return -EBADF;
	rc = sys_ioctl(ifd->ctx, ifd->fd, IOMMU_IOAS_UNMAP, &u);
	if (!rc && unmapped)
		*unmapped = u.length;
	return rc < 0 ? rc : 0;
}

static int kern_ioas_copy(struct eeh_iommufd *ifd, uint32_t dst_ioas, uint64_t dst_iova,
			  uint32_t src_ioas, uint64_t src_iova, uint64_t len, unsigned int flags)
{
	struct iommu_ioas_copy c = {
		.size = sizeof(c),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | (flags & (IOFD_MAP_READ | IOFD_MAP_WRITE)),
		.dst_ioas_id = dst_ioas,
		.src_ioas_id = src_ioas,
		.length = len,
		.dst_iova = dst_iova,
		.src_iova = src_iova,
	};

	if (ifd->fd < 0)
		return -EBADF;
	return sys_ioctl(ifd->ctx, ifd->fd, IOMMU_IOAS_COPY, &c);
}

static int kern_allow_iovas(struct eeh_iommufd *ifd, uint32_t ioas_id,
			    const struct eeh_iova_range *r, unsigned int n)
{
	struct iommu_ioas_allow_iovas a = { .size = sizeof(a), .ioas_id = ioas_id, .num_iovas = n,
					    .allowed_iovas = (uintptr_t)r };

	if (ifd->fd < 0)
		return -EBADF;
	return sys_ioctl(ifd->ctx, ifd->fd, IOMMU_IOAS_ALLOW_IOVAS, &a);
}

static const struct iofd_kernel kern_ops = {
	.ioas_map = kern_ioas_map,
	.ioas_unmap = kern_ioas_unmap,
	.ioas_copy = kern_ioas_copy,
	.allow_iovas = kern_allow_iovas,
	.bind = kern_bind,
	.unbind = kern_unbind,
	.ioas_alloc = kern_ioas_alloc,
	.hwpt_alloc = kern_hwpt_alloc,
	.attach = kern_attach,
	.detach = kern_detach,
	.destroy = kern_destroy,
	.iova_ranges = kern_iova_ranges,
};

/* ---- bookkeeping ---- */

static struct iofd_dev *dev_get(struct eeh_iommufd *ifd, uint32_t devid)
{
	return devid ? hashmap_get(&ifd->devs, devid) : NULL;
}

static struct iofd_ioas *ioas_get(struct eeh_iommufd *ifd, uint32_t id)
{
	return id ? hashmap_get(&ifd->ioas, id) : NULL;
}

struct iofd_ioas *iofd_ioas_get(struct eeh_iommufd *ifd, uint32_t id)
{
	return ioas_get(ifd, id);
}

static struct iofd_hwpt *hwpt_get(struct eeh_iommufd *ifd, uint32_t id)
{
	return id ? hashmap_get(&ifd->hwpts, id) : NULL;
}

static uint64_t gref_key(const struct iofd_ioas *ioas, int group)
{
	return (uint64_t)ioas->id << 32 | (uint32_t)group;
}

/* Grow a map now so that the next put cannot fail: bookkeeping that
 * follows a kernel call that succeeded must not fail half way. */
static int map_reserve(struct hashmap *h)
{
	static int dummy;
	int rc = hashmap_put(h, RESERVE_KEY, &dummy);

	if (rc < 0)
		return rc;
	hashmap_del(h, RESERVE_KEY);
	return 0;
}

/* Allocations an attach may need, made before the kernel is called. */
struct spares {
	unsigned int *gref;
	struct iofd_hwpt *hwpt;
	struct iofd_ioas *ioas;
};

static int spares_get(struct eeh_iommufd *ifd, struct spares *s)
{
	s->gref = calloc(1, sizeof(*s->gref));
	s->hwpt = calloc(1, sizeof(*s->hwpt));
	s->ioas = calloc(1, sizeof(*s->ioas));
	if (!s->gref || !s->hwpt || !s->ioas || map_reserve(&ifd->grefs) < 0 ||
	    map_reserve(&ifd->hwpts) < 0 || map_reserve(&ifd->ioas) < 0)
		return -ENOMEM;
	return 0;
}

static void spares_put(struct spares *s)
{
	free(s->gref);
	free(s->hwpt);
	free(s->ioas);
}

static struct iofd_ioas *ioas_add(struct eeh_iommufd *ifd, uint32_t id, struct spares *s)
{
	struct iofd_ioas *ioas = s->ioas;

	s->ioas = NULL;
	ioas->id = id;
	hashmap_put(&ifd->ioas, id, ioas);
	return ioas;
}

static struct iofd_hwpt *hwpt_add(struct eeh_iommufd *ifd, uint32_t id, struct iofd_ioas *ioas,
				  bool automatic, struct spares *s)
{
	struct iofd_hwpt *h = s->hwpt;

	s->hwpt = NULL;
	h->id = id;
	h->ioas = ioas;
	h->automatic = automatic;
	ioas->nhwpts++;
	hashmap_put(&ifd->hwpts, id, h);
	return h;
}

static void hwpt_remove(struct eeh_iommufd *ifd, struct iofd_hwpt *h)
{
	hashmap_del(&ifd->hwpts, h->id);
	h->ioas->nhwpts--;
	free(h);
}

/* ---- lock-free table for the PE op path (see iommufd.h) ---- */

static uintptr_t fast_word(struct iofd_dev *dev)
{
	uintptr_t w = (uintptr_t)dev->pe | IOFD_FAST_VALID;

	if (dev->ioas) {
		w |= IOFD_FAST_ATTACHED;
		if (dev->ioas->ngroups > 1)
			w |= IOFD_FAST_MULTI;
	}
	return w;
}

/* A table covering every ID up to at least id, rebuilt from the
 * bookkeeping; the old one is retired. */
static struct iofd_fast *fast_rebuild(struct eeh_iommufd *ifd, uint32_t id)
{
	struct iofd_fast *old = atomic_load_explicit(&ifd->fast, memory_order_relaxed), *t;
	uint32_t n = old ? old->n : 64;

	while (n <= id)
		n *= 2;
	t = calloc(1, sizeof(*t) + n * sizeof(t->word[0]));
	if (!t)
		return NULL;
	t->n = n;
	for (uint32_t i = 0; ifd->devs.e && i <= ifd->devs.mask; i++) {
		struct iofd_dev *dev = ifd->devs.e[i].val;

		if (dev && dev->devid < n)
			atomic_init(&t->word[dev->devid], fast_word(dev));
	}
	t->retired = old;
	atomic_store_explicit(&ifd->fast, t, memory_order_release);
	return t;
}

static struct iofd_fast *fast_cover(struct eeh_iommufd *ifd, uint32_t id)
{
	struct iofd_fast *t = atomic_load_explicit(&ifd->fast, memory_order_relaxed);

	if (!id || id >= IOFD_FAST_MAX)
		return NULL;
	if (t && id < t->n)
		return t;
	/* Out of memory: IDs past the table take the slow path. */
	return fast_rebuild(ifd, id);
}

/* Publish a device's state (0: the ID is no device libeeh knows). */
static void fast_store(struct eeh_iommufd *ifd, uint32_t id, uintptr_t word)
{
	struct iofd_fast *t = fast_cover(ifd, id);

	if (t)
		atomic_store_explicit(&t->word[id], word, memory_order_release);
}

static void fast_sync_dev(struct eeh_iommufd *ifd, struct iofd_dev *dev)
{
	fast_store(ifd, dev->devid, fast_word(dev));
}

/* The IOAS went from one group to two or back: its devices' words say
 * so (a scan of the IOAS's own devices, only on that crossing). */
static void fast_sync_members(struct eeh_iommufd *ifd, struct iofd_ioas *ioas)
{
	for (struct iofd_dev *d = ioas->members; d; d = d->ioas_next)
		fast_sync_dev(ifd, d);
}

static void dev_set_group(struct eeh_iommufd *ifd, struct iofd_dev *dev, int group)
{
	dev->group = group;
	dev->pe = eeh_pe_by_group(ifd->ctx, group);
}

/* The device leaves its IOAS: one device fewer of its group there. */
static void dev_leave(struct eeh_iommufd *ifd, struct iofd_dev *dev)
{
	struct iofd_ioas *ioas = dev->ioas;
	bool group_left = false;
	unsigned int *n;

	if (!ioas)
		return;
	n = hashmap_get(&ifd->grefs, gref_key(ioas, dev->group));
	if (n && --*n == 0) {
		hashmap_del(&ifd->grefs, gref_key(ioas, dev->group));
		free(n);
		ioas->ngroups--;
		group_left = true;
	}
	ioas->ndevs--;
	if (dev->ioas_prev)
		dev->ioas_prev->ioas_next = dev->ioas_next;
	else
		ioas->members = dev->ioas_next;
	if (dev->ioas_next)
		dev->ioas_next->ioas_prev = dev->ioas_prev;
	dev->ioas_next = dev->ioas_prev = NULL;
	if (dev->hwpt) {
		/* iommufd destroys an automatic HWPT with its last device. */
		if (--dev->hwpt->ndevs == 0 && dev->hwpt->automatic)
			hwpt_remove(ifd, dev->hwpt);
	}
	dev->ioas = NULL;
	dev->hwpt = NULL;
	fast_sync_dev(ifd, dev);
	if (group_left && ioas->ngroups == 1)
		fast_sync_members(ifd, ioas);
}

/* The device joins ioas (through hwpt, which may be NULL). Cannot fail
 * once spares_get() succeeded. */
static void dev_join(struct eeh_iommufd *ifd, struct iofd_dev *dev, struct iofd_ioas *ioas,
		     struct iofd_hwpt *hwpt, struct spares *s)
{
	unsigned int *n = hashmap_get(&ifd->grefs, gref_key(ioas, dev->group));

	if (!n) {
		n = s->gref;
		s->gref = NULL;
		*n = 0;
		hashmap_put(&ifd->grefs, gref_key(ioas, dev->group), n);
		ioas->ngroups++;
	}
	++*n;
	ioas->ndevs++;
	/* The IOAS's devices learn it has two groups before the newcomer
	 * shows up in it. */
	if (*n == 1 && ioas->ngroups == 2)
		fast_sync_members(ifd, ioas);
	dev->ioas_next = ioas->members;
	dev->ioas_prev = NULL;
	if (ioas->members)
		ioas->members->ioas_prev = dev;
	ioas->members = dev;
	dev->ioas = ioas;
	dev->hwpt = hwpt;
	if (hwpt)
		hwpt->ndevs++;
	fast_sync_dev(ifd, dev);
}

static void dev_free(struct eeh_iommufd *ifd, struct iofd_dev *dev)
{
	dev_leave(ifd, dev);
	hashmap_del(&ifd->devs, dev->devid);
	fast_store(ifd, dev->devid, 0);
	free(dev);
}

int iofd_check_locked(struct eeh_iommufd *ifd, uint32_t devid, struct eeh_pe **pe)
{
	struct iofd_dev *dev = dev_get(ifd, devid);

	if (!dev)
		return -ENOENT;
	/* QEMU's rule for containers, applied to the IOAS: no address space
	 * is ENODEV, more than one group is EPERM. */
	if (!dev->ioas)
		return -ENODEV;
	if (dev->ioas->ngroups > 1)
		return -EPERM;
	if (!dev->pe)
		return -ENODEV;
	*pe = dev->pe;
	return 0;
}

int iofd_check_slow(struct eeh_iommufd *ifd, uint32_t devid, struct eeh_pe **pe)
{
	int rc;

	pthread_rwlock_rdlock(&ifd->lock);
	rc = iofd_check_locked(ifd, devid, pe);
	pthread_rwlock_unlock(&ifd->lock);
	return rc;
}

int iofd_dev_copy(struct eeh_iommufd *ifd, uint32_t devid, struct iofd_dev *out)
{
	struct iofd_dev *dev;

	pthread_rwlock_rdlock(&ifd->lock);
	dev = dev_get(ifd, devid);
	if (dev)
		*out = *dev;
	pthread_rwlock_unlock(&ifd->lock);
	return dev ? 0 : -ENOENT;
}

/* ---- public API ---- */

static int iofd_new(struct eeh_ctx *ctx, struct eeh_iommufd **out)
{
	struct eeh_iommufd *ifd = calloc(1, sizeof(*ifd));

	if (!ifd)
		return -ENOMEM;
	if (pthread_rwlock_init(&ifd->lock, NULL)) {
		free(ifd);
		return -ENOMEM;
	}
	ifd->ctx = eeh_ref(ctx);
	ifd->fd = -1;
	ifd->k = &kern_ops;
	hashmap_init(&ifd->devs);
	hashmap_init(&ifd->ioas);
	hashmap_init(&ifd->hwpts);
	hashmap_init(&ifd->grefs);
	*out = ifd;
	return 0;
}

EEH_EXPORT int eeh_iommufd_open(struct eeh_ctx *ctx, unsigned int flags, struct eeh_iommufd **out)
{
	struct eeh_iommufd *ifd;
	int rc;

	if (!ctx || !out || (flags & ~EEH_IOMMUFD_KERNEL))
		return -EINVAL;
	rc = iofd_new(ctx, &ifd);
	if (rc < 0)
		return rc;
	if (ctx_has(ctx, EEH_BACKEND_CAP_SIM_KERNEL) && !(flags & EEH_IOMMUFD_KERNEL)) {
		ifd->k = &iofd_sim_kernel;
		rc = iofd_sim_init(ifd);
	} else {
		rc = sys_open(ctx, "/dev/iommu", O_RDWR, 0);
		ifd->fd = rc;
		ifd->own_fd = true;
		if (rc < 0)
			err(ctx, "cannot open /dev/iommu: %s", strerror(-rc));
	}
	if (rc < 0) {
		ifd->own_fd = false;
		eeh_iommufd_close(ifd);
		return rc;
	}
	*out = ifd;
	return 0;
}

EEH_EXPORT int eeh_iommufd_adopt(struct eeh_ctx *ctx, int fd, struct eeh_iommufd **out)
{
	struct eeh_iommufd *ifd;
	int rc;

	if (!ctx || !out || fd < -1)
		return -EINVAL;
	rc = iofd_new(ctx, &ifd);
	if (rc < 0)
		return rc;
	ifd->fd = fd;
	*out = ifd;
	return 0;
}

EEH_EXPORT void eeh_iommufd_close(struct eeh_iommufd *ifd)
{
	struct eeh_ctx *ctx;

	if (!ifd)
		return;
	ctx = ifd->ctx;
	for (uint32_t i = 0; ifd->devs.e && i <= ifd->devs.mask; i++) {
		struct iofd_dev *dev = ifd->devs.e[i].val;

		if (dev && !dev->registered)
			ifd->k->unbind(ifd, dev);
		free(dev);
	}
	for (uint32_t i = 0; ifd->ioas.e && i <= ifd->ioas.mask; i++)
		free(ifd->ioas.e[i].val);
	for (uint32_t i = 0; ifd->hwpts.e && i <= ifd->hwpts.mask; i++)
		free(ifd->hwpts.e[i].val);
	for (uint32_t i = 0; ifd->grefs.e && i <= ifd->grefs.mask; i++)
		free(ifd->grefs.e[i].val);
	hashmap_free(&ifd->devs);
	hashmap_free(&ifd->ioas);
	hashmap_free(&ifd->hwpts);
	hashmap_free(&ifd->grefs);
	for (struct iofd_fast *t = atomic_load(&ifd->fast), *next; t; t = next) {
		next = t->retired;
		free(t);
	}
	if (ifd->sim)
		iofd_sim_free(ifd);
	if (ifd->own_fd && ifd->fd >= 0)
		sys_close(ctx, ifd->fd);
	pthread_rwlock_destroy(&ifd->lock);
	free(ifd);
	eeh_unref(ctx);
}

EEH_EXPORT int eeh_iommufd_fd(struct eeh_iommufd *ifd)
{
	return ifd ? ifd->fd : -1;
}

EEH_EXPORT int eeh_iommufd_bind(struct eeh_iommufd *ifd, const char *name, uint32_t *devid)
{
	struct iofd_dev *dev;
	int rc;

	if (!ifd || !name || !devid)
		return -EINVAL;
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->cdev_fd = -1;
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	pthread_rwlock_wrlock(&ifd->lock);
	rc = map_reserve(&ifd->devs);
	if (!rc)
		rc = ifd->k->bind(ifd, name, dev);
	if (!rc && hashmap_get(&ifd->devs, dev->devid)) {
		/* The VMM registered this ID: the kernel's view is the truth. */
		warn(ifd->ctx, "device ID %u was registered and is now bound by libeeh",
		     dev->devid);
		dev_free(ifd, hashmap_get(&ifd->devs, dev->devid));
	}
	if (!rc) {
		dev_set_group(ifd, dev, dev->group);
		hashmap_put(&ifd->devs, dev->devid, dev);
		fast_sync_dev(ifd, dev);
		*devid = dev->devid;
		dbg(ifd->ctx, "bound %s: device %u, group %d", name, dev->devid, dev->group);
	}
	pthread_rwlock_unlock(&ifd->lock);
	if (rc)
		free(dev);
	return rc;
}

/* Unbind a device libeeh bound, or forget one a VMM registered: each call
 * takes only its own kind (-EINVAL for the other). */
static int dev_remove(struct eeh_iommufd *ifd, uint32_t devid, bool registered)
{
	struct iofd_dev *dev;
	int rc = 0;

	if (!ifd)
		return -EINVAL;
	pthread_rwlock_wrlock(&ifd->lock);
	dev = dev_get(ifd, devid);
	if (!dev) {
		rc = -ENOENT;
	} else if (dev->registered != registered) {
		rc = -EINVAL;
	} else {
		if (!registered)
			ifd->k->unbind(ifd, dev);
		dev_free(ifd, dev);
	}
	pthread_rwlock_unlock(&ifd->lock);
	return rc;
}

EEH_EXPORT int eeh_iommufd_unbind(struct eeh_iommufd *ifd, uint32_t devid)
{
	return dev_remove(ifd, devid, false);
}

EEH_EXPORT int eeh_iommufd_ioas_alloc(struct eeh_iommufd *ifd, uint32_t *ioas_id)
{
	struct spares s = { 0 };
	uint32_t id = 0;
	int rc;

	if (!ifd || !ioas_id)
		return -EINVAL;
	pthread_rwlock_wrlock(&ifd->lock);
	rc = spares_get(ifd, &s);
	if (!rc)
		rc = ifd->k->ioas_alloc(ifd, &id);
	if (!rc) {
		if (!ioas_get(ifd, id))
			ioas_add(ifd, id, &s);
		*ioas_id = id;
	}
	pthread_rwlock_unlock(&ifd->lock);
	spares_put(&s);
	return rc;
}

EEH_EXPORT int eeh_iommufd_hwpt_alloc(struct eeh_iommufd *ifd, uint32_t devid, uint32_t ioas_id,
				      uint32_t *hwpt_id)
{
	struct spares s = { 0 };
	struct iofd_ioas *ioas;
	uint32_t id = 0;
	int rc;

	if (!ifd || !hwpt_id)
		return -EINVAL;
	pthread_rwlock_wrlock(&ifd->lock);
	ioas = ioas_get(ifd, ioas_id);
	if (!dev_get(ifd, devid))
		rc = -ENOENT;
	else if (!ioas)
		rc = -EINVAL; /* as the kernel: a bad pt_id is EINVAL here */
	else
		rc = spares_get(ifd, &s);
	if (!rc)
		rc = ifd->k->hwpt_alloc(ifd, devid, ioas_id, &id);
	if (!rc) {
		hwpt_add(ifd, id, ioas, false, &s);
		*hwpt_id = id;
	}
	pthread_rwlock_unlock(&ifd->lock);
	spares_put(&s);
	return rc;
}

/* Where pt_id leads: an IOAS, or an HWPT and its IOAS. */
static int resolve_pt(struct eeh_iommufd *ifd, uint32_t pt_id, struct iofd_ioas **ioas)
{
	struct iofd_hwpt *h;

	*ioas = ioas_get(ifd, pt_id);
	if (*ioas)
		return 0;
	h = hwpt_get(ifd, pt_id);
	if (h) {
		*ioas = h->ioas;
		return 0;
	}
	/* A device ID is the kernel's "wrong type" (EINVAL); anything else
	 * is no object libeeh could account for. */
	return dev_get(ifd, pt_id) ? -EINVAL : -ENOENT;
}

EEH_EXPORT int eeh_iommufd_attach(struct eeh_iommufd *ifd, uint32_t devid, uint32_t pt_id,
				  uint32_t *hwpt_id)
{
	struct iofd_dev *dev;
	struct iofd_ioas *ioas = NULL;
	struct iofd_hwpt *h;
	struct spares s = { 0 };
	uint32_t out = 0;
	int rc;

	if (!ifd)
		return -EINVAL;
	pthread_rwlock_wrlock(&ifd->lock);
	dev = dev_get(ifd, devid);
	rc = dev ? resolve_pt(ifd, pt_id, &ioas) : -ENOENT;
	if (!rc)
		rc = spares_get(ifd, &s);
	if (!rc)
		rc = ifd->k->attach(ifd, dev, pt_id, &out);
	if (rc)
		goto out;
	h = hwpt_get(ifd, out);
	if (!h)
		h = hwpt_add(ifd, out, ioas, true, &s);
	if (h->ioas != ioas)
		warn(ifd->ctx, "HWPT %u is on IOAS %u, not %u", out, h->ioas->id, ioas->id);
	if (dev->ioas && dev->hwpt != h) {
		/* A replace moves the whole IOMMU group to the new HWPT
		 * (iommufd's igroup has a single HWPT). */
		struct iofd_hwpt *old = dev->hwpt;
		int group = dev->group;

		for (uint32_t i = 0; i <= ifd->devs.mask; i++) {
			struct iofd_dev *d = ifd->devs.e[i].val;

			if (d && d->group == group && d->ioas && d->hwpt == old && d != dev &&
			    !d->registered) {
				dev_leave(ifd, d);
				dev_join(ifd, d, h->ioas, h, &s);
			}
		}
		dev_leave(ifd, dev);
		dev_join(ifd, dev, h->ioas, h, &s);
	} else if (!dev->ioas) {
		dev_join(ifd, dev, h->ioas, h, &s);
	}
	if (hwpt_id)
		*hwpt_id = out;
	dbg(ifd->ctx, "device %u attached to HWPT %u on IOAS %u (%u groups)", devid, out,
	    h->ioas->id, h->ioas->ngroups);
out:
	pthread_rwlock_unlock(&ifd->lock);
	spares_put(&s);
	return rc;
}

EEH_EXPORT int eeh_iommufd_detach(struct eeh_iommufd *ifd, uint32_t devid)
{
	struct iofd_dev *dev;
	int rc;

	if (!ifd)
		return -EINVAL;
	pthread_rwlock_wrlock(&ifd->lock);
	dev = dev_get(ifd, devid);
	rc = dev ? ifd->k->detach(ifd, dev) : -ENOENT;
	if (!rc)
		dev_leave(ifd, dev);
	pthread_rwlock_unlock(&ifd->lock);
	return rc < 0 ? rc : 0;
}

EEH_EXPORT int eeh_iommufd_destroy(struct eeh_iommufd *ifd, uint32_t id)
{
	struct iofd_ioas *ioas;
	struct iofd_hwpt *h;
	int rc;

	if (!ifd)
		return -EINVAL;
	pthread_rwlock_wrlock(&ifd->lock);
	rc = ifd->k->destroy(ifd, id);
	if (!rc) {
		ioas = ioas_get(ifd, id);
		h = hwpt_get(ifd, id);
		if (ioas && !ioas->nhwpts && !ioas->ndevs) {
			hashmap_del(&ifd->ioas, id);
			free(ioas);
		} else if (h && !h->ndevs) {
			hwpt_remove(ifd, h);
		} else if (ioas || h) {
			warn(ifd->ctx, "the kernel destroyed object %u that libeeh saw in use", id);
		}
	}
	pthread_rwlock_unlock(&ifd->lock);
	return rc;
}

EEH_EXPORT int eeh_iommufd_iova_ranges(struct eeh_iommufd *ifd, uint32_t ioas_id,
				       struct eeh_iova_range *ranges, unsigned int *n)
{
	int rc;

	if (!ifd || !n || (*n && !ranges))
		return -EINVAL;
	pthread_rwlock_rdlock(&ifd->lock);
	rc = ifd->k->iova_ranges(ifd, ioas_id, ranges, n);
	pthread_rwlock_unlock(&ifd->lock);
	return rc;
}

EEH_EXPORT int eeh_iommufd_register_device(struct eeh_iommufd *ifd, uint32_t devid, int group,
					   uint32_t ioas_id, uint32_t hwpt_id)
{
	struct spares s = { 0 };
	struct iofd_dev *dev, *fresh = NULL;
	struct iofd_ioas *ioas = NULL;
	struct iofd_hwpt *h = NULL;
	int rc;

	if (!ifd || !devid || group < 0)
		return -EINVAL;
	pthread_rwlock_wrlock(&ifd->lock);
	dev = dev_get(ifd, devid);
	h = hwpt_get(ifd, hwpt_id);
	if (dev && !dev->registered)
		rc = -EEXIST;
	else if (ioas_id && h && h->ioas->id != ioas_id)
		rc = -EINVAL;
	else if (ioas_id && (ioas_get(ifd, hwpt_id) || dev_get(ifd, hwpt_id) || hwpt_id == devid))
		rc = -EINVAL; /* one ID namespace: an IOAS or a device is no HWPT */
	else if (ioas_id == devid || dev_get(ifd, ioas_id) || hwpt_get(ifd, ioas_id))
		rc = -EINVAL;
	else
		rc = spares_get(ifd, &s);
	if (!rc && !dev) {
		fresh = calloc(1, sizeof(*fresh));
		if (!fresh || map_reserve(&ifd->devs) < 0)
			rc = -ENOMEM;
	}
	if (rc)
		goto out;
	if (fresh) {
		dev = fresh;
		fresh = NULL;
		dev->devid = devid;
		dev->cdev_fd = -1;
		dev->registered = true;
		hashmap_put(&ifd->devs, devid, dev);
	}
	dev_leave(ifd, dev);
	/* Leaving may have destroyed an automatic HWPT this update names
	 * again (its last device was this one): look it up anew. */
	h = hwpt_get(ifd, hwpt_id);
	dev_set_group(ifd, dev, group);
	fast_sync_dev(ifd, dev);
	if (ioas_id) {
		ioas = ioas_get(ifd, ioas_id);
		if (!ioas)
			ioas = ioas_add(ifd, ioas_id, &s);
		if (hwpt_id && !h)
			h = hwpt_add(ifd, hwpt_id, ioas, true, &s);
		dev_join(ifd, dev, ioas, hwpt_id ? h : NULL, &s);
	}
out:
	pthread_rwlock_unlock(&ifd->lock);
	free(fresh);
	spares_put(&s);
	return rc;
}

EEH_EXPORT int eeh_iommufd_unregister_device(struct eeh_iommufd *ifd, uint32_t devid)
{
	return dev_remove(ifd, devid, true);
}

EEH_EXPORT int eeh_iommufd_device_info(struct eeh_iommufd *ifd, uint32_t devid,
				       struct eeh_iommufd_device *info)
{
	struct eeh_iommufd_device d = { .size = sizeof(d) };
	struct iofd_dev *dev;

	if (!ifd || !struct_size_ok(info, EEH_V1_SIZE(eeh_iommufd_device, name)))
		return -EINVAL;
	pthread_rwlock_rdlock(&ifd->lock);
	dev = dev_get(ifd, devid);
	if (dev) {
		d.devid = dev->devid;
		d.group = dev->group;
		d.ioas_id = dev->ioas ? dev->ioas->id : 0;
		d.hwpt_id = dev->hwpt ? dev->hwpt->id : 0;
		d.pe = dev->pe;
		d.registered = dev->registered;
		memcpy(d.name, dev->name, sizeof(d.name));
		struct_out(info, &d, sizeof(d));
	}
	pthread_rwlock_unlock(&ifd->lock);
	return dev ? 0 : -ENOENT;
}

/* The smallest key above after in a map of u32 IDs (tools only: O(n)). */
static uint32_t next_key(const struct hashmap *h, uint32_t after)
{
	uint64_t best = UINT64_MAX;

	for (uint32_t i = 0; h->e && i <= h->mask; i++)
		if (h->e[i].val && h->e[i].key > after && h->e[i].key < best)
			best = h->e[i].key;
	return best == UINT64_MAX ? 0 : (uint32_t)best;
}

EEH_EXPORT uint32_t eeh_iommufd_device_next(struct eeh_iommufd *ifd, uint32_t after)
{
	uint32_t id;

	if (!ifd)
		return 0;
	pthread_rwlock_rdlock(&ifd->lock);
	id = next_key(&ifd->devs, after);
	pthread_rwlock_unlock(&ifd->lock);
	return id;
}

EEH_EXPORT uint32_t eeh_iommufd_ioas_next(struct eeh_iommufd *ifd, uint32_t after)
{
	uint32_t id;

	if (!ifd)
		return 0;
	pthread_rwlock_rdlock(&ifd->lock);
	id = next_key(&ifd->ioas, after);
	pthread_rwlock_unlock(&ifd->lock);
	return id;
}

EEH_EXPORT int eeh_iommufd_ioas_groups(struct eeh_iommufd *ifd, uint32_t ioas_id)
{
	struct iofd_ioas *ioas;
	int n;

	if (!ifd)
		return -EINVAL;
	pthread_rwlock_rdlock(&ifd->lock);
	ioas = ioas_get(ifd, ioas_id);
	n = ioas ? (int)ioas->ngroups : -ENOENT;
	pthread_rwlock_unlock(&ifd->lock);
	return n;
}

EEH_EXPORT int eeh_iommufd_check(struct eeh_iommufd *ifd, uint32_t devid, struct eeh_pe **pe)
{
	struct eeh_pe *p = NULL;
	int rc;

	if (!ifd)
		return -EINVAL;
	rc = iofd_check_slow(ifd, devid, &p);
	if (pe)
		*pe = rc ? NULL : p;
	return rc;
}

EEH_EXPORT struct eeh_pe *eeh_iommufd_device_pe(struct eeh_iommufd *ifd, uint32_t devid, int *err)
{
	struct iofd_dev *dev;
	struct eeh_pe *pe = NULL;
	int rc = -EINVAL;

	if (ifd) {
		pthread_rwlock_rdlock(&ifd->lock);
		dev = dev_get(ifd, devid);
		pe = dev ? dev->pe : NULL;
		rc = !dev ? -ENOENT : !pe ? -ENODEV : 0;
		pthread_rwlock_unlock(&ifd->lock);
	}
	if (err)
		*err = rc;
	return pe;
}

EEH_EXPORT int eeh_iommufd_ioas_map(struct eeh_iommufd *ifd, uint32_t ioas_id, uint64_t iova,
				    uint64_t len, uint64_t vaddr, unsigned int flags)
{
	int rc;

	if (!ifd || (flags & ~(EEH_IOAS_MAP_READ | EEH_IOAS_MAP_WRITE)))
		return -EINVAL;
	pthread_rwlock_wrlock(&ifd->lock);
	rc = ifd->k->ioas_map(ifd, ioas_id, iova, len, vaddr, flags);
	pthread_rwlock_unlock(&ifd->lock);
	return rc;
}

EEH_EXPORT int eeh_iommufd_ioas_unmap(struct eeh_iommufd *ifd, uint32_t ioas_id, uint64_t iova,
				      uint64_t len, uint64_t *unmapped)
{
	int rc;

	if (!ifd)
		return -EINVAL;
	pthread_rwlock_wrlock(&ifd->lock);
	rc = ifd->k->ioas_unmap(ifd, ioas_id, iova, len, unmapped);
	pthread_rwlock_unlock(&ifd->lock);
	return rc;
}
