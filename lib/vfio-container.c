/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The legacy VFIO container with the SPAPR TCE IOMMU: today the only
 * kernel path to VFIO_EEH_PE_OP (drivers/vfio/vfio_iommu_spapr_tce.c).
 *
 * Probing: VFIO_CHECK_EXTENSION(VFIO_EEH) is 1 only on a SPAPR container
 * with EEH enabled. iommufd's /dev/vfio/vfio emulation answers 0 for
 * VFIO_EEH and the SPAPR types, and it shares ioctl numbers with them
 * (type1 GET_INFO is SPAPR_TCE_GET_INFO, nr 112), so no SPAPR ioctl is
 * issued unless the SPAPR extension check passed and the SPAPR IOMMU was
 * set.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommufd-abi.h"
#include "iommufd.h"
#include "sys.h"

struct container_group {
	int group;
	int fd;             /* /dev/vfio/N libeeh opened, -1 if registered */
	struct eeh_pe *pe;
};

struct eeh_container {
	struct eeh_ctx *ctx;
	int fd;             /* -1: simulated */
	bool own_fd;
	bool spapr_v1, spapr_v2, eeh; /* extension probe results */
	int iommu_type;     /* VFIO_SET_IOMMU done with this type, else 0 */
	pthread_rwlock_t lock;
	struct container_group *groups;
	unsigned int ngroups, cap;
};

static void sim_disown(struct eeh_container *c, struct container_group *g);

static bool check_extension(struct eeh_container *c, unsigned long ext)
{
	/* The extension is passed by value, not by pointer. */
	return sys_ioctl(c->ctx, c->fd, VFIO_CHECK_EXTENSION, (void *)(uintptr_t)ext) > 0;
}

static int probe(struct eeh_container *c)
{
	int v = sys_ioctl(c->ctx, c->fd, VFIO_GET_API_VERSION, NULL);

	if (v < 0)
		return v;
	if (v != VFIO_API_VERSION)
		return -EPROTO;
	c->spapr_v2 = check_extension(c, VFIO_SPAPR_TCE_v2_IOMMU);
	c->spapr_v1 = check_extension(c, VFIO_SPAPR_TCE_IOMMU);
	c->eeh = check_extension(c, VFIO_EEH);
	info(c->ctx, "VFIO container: SPAPR v2 %d, v1 %d, EEH %d", c->spapr_v2, c->spapr_v1,
	     c->eeh);
	return 0;
}

EEH_EXPORT int eeh_container_open(struct eeh_ctx *ctx, int fd, unsigned int flags,
				  struct eeh_container **out)
{
	struct eeh_container *c;
	int rc = 0;

	if (!ctx || !out || (flags & ~EEH_CONTAINER_KERNEL))
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	if (pthread_rwlock_init(&c->lock, NULL)) {
		free(c);
		return -ENOMEM;
	}
	c->ctx = eeh_ref(ctx);
	c->fd = fd;
	if (fd < 0 && ctx_has(ctx, EEH_BACKEND_CAP_SIM_KERNEL) && !(flags & EEH_CONTAINER_KERNEL)) {
		/* A POWER host: SPAPR v2, EEH as the kernel's eeh_enabled(). */
		c->spapr_v2 = c->spapr_v1 = true;
		c->eeh = eeh_get_enabled(ctx);
	} else {
		if (fd < 0) {
			c->fd = sys_open(ctx, "/dev/vfio/vfio", O_RDWR, 0);
			c->own_fd = c->fd >= 0;
			rc = c->fd < 0 ? c->fd : 0;
		}
		if (!rc)
			rc = probe(c);
	}
	if (rc < 0) {
		eeh_container_close(c);
		return rc;
	}
	*out = c;
	return 0;
}

/*
 * eeh_pe_op() finds a PE's container through pe->container. An op holds
 * the read side of this lock from loading that pointer until it is done
 * with the container, and close takes the write side to remove its
 * routes, so a container is never freed under an op. Routed ops are
 * kernel ioctls and containers close rarely: one lock for every context.
 */
static pthread_rwlock_t route_lock = PTHREAD_RWLOCK_INITIALIZER;

/* Route PE ops on the group's PE through a kernel container, and stop. */
static void route_pe(struct eeh_container *c, struct eeh_pe *pe, bool on)
{
	struct eeh_container *expected = on ? NULL : c;

	if (pe && c->fd >= 0)
		atomic_compare_exchange_strong(&pe->container, &expected, on ? c : NULL);
}

EEH_EXPORT void eeh_container_close(struct eeh_container *c)
{
	struct eeh_ctx *ctx;

	if (!c)
		return;
	ctx = c->ctx;
	pthread_rwlock_wrlock(&route_lock);
	for (unsigned int i = 0; i < c->ngroups; i++)
		route_pe(c, c->groups[i].pe, false);
	pthread_rwlock_unlock(&route_lock);
	/* Closing the group fds takes the groups out of the container. */
	for (unsigned int i = 0; i < c->ngroups; i++) {
		if (c->groups[i].fd >= 0)
			sys_close(ctx, c->groups[i].fd);
		sim_disown(c, &c->groups[i]);
	}
	if (c->own_fd)
		sys_close(ctx, c->fd);
	free(c->groups);
	pthread_rwlock_destroy(&c->lock);
	free(c);
	eeh_unref(ctx);
}

static struct container_group *find_group(struct eeh_container *c, int group)
{
	for (unsigned int i = 0; i < c->ngroups; i++)
		if (c->groups[i].group == group)
			return &c->groups[i];
	return NULL;
}

static int push_group(struct eeh_container *c, int group, int fd)
{
	if (c->ngroups == c->cap) {
		unsigned int cap = c->cap ? c->cap * 2 : 4;
		struct container_group *g = realloc(c->groups, cap * sizeof(*g));

		if (!g)
			return -ENOMEM;
		c->groups = g;
		c->cap = cap;
	}
	c->groups[c->ngroups++] = (struct container_group){
		.group = group,
		.fd = fd,
		.pe = eeh_pe_by_group(c->ctx, group),
	};
	route_pe(c, c->groups[c->ngroups - 1].pe, true);
	return 0;
}

/* On the simulated host the library is the kernel: a group in a
 * simulated container owns its PE's functions (eeh_dev_open()), and a
 * group whose devices are bound through an iommufd cannot join (-EBUSY). */
static int sim_own(struct eeh_container *c, int group)
{
	struct eeh_pe *pe = eeh_pe_by_group(c->ctx, group);

	return c->fd < 0 && pe ? pe_own(pe, PE_OWNER_GROUP, pe->nfuncs) : 0;
}

static void sim_disown(struct eeh_container *c, struct container_group *g)
{
	if (c->fd < 0 && g->pe)
		pe_disown(g->pe, PE_OWNER_GROUP, g->pe->nfuncs);
}

/* Put a group in: owned first (simulated), then recorded. */
static int add_owned(struct eeh_container *c, int group, int fd)
{
	int rc = sim_own(c, group);

	if (rc)
		return rc;
	rc = push_group(c, group, fd);
	if (rc)
		sim_disown(c, &(struct container_group){ .pe = eeh_pe_by_group(c->ctx, group) });
	return rc;
}

/* Open /dev/vfio/N and put it in the container; the first group also
 * chooses the IOMMU (SPAPR v2, else v1, only if offered). */
static int attach_group(struct eeh_container *c, int group, int *gfd)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	char path[64];
	int fd, rc, type = c->spapr_v2 ? VFIO_SPAPR_TCE_v2_IOMMU
			   : c->spapr_v1 ? VFIO_SPAPR_TCE_IOMMU : 0;

	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	fd = sys_open(c->ctx, path, O_RDWR, 0);
	if (fd < 0)
		return fd;
	rc = sys_ioctl(c->ctx, fd, VFIO_GROUP_GET_STATUS, &st);
	if (!rc && !(st.flags & VFIO_GROUP_FLAGS_VIABLE))
		rc = -EPERM; /* a device of the group is bound to a host driver */
	if (!rc)
		rc = sys_ioctl(c->ctx, fd, VFIO_GROUP_SET_CONTAINER, &c->fd);
	if (!rc && !c->iommu_type && type) {
		rc = sys_ioctl(c->ctx, c->fd, VFIO_SET_IOMMU, (void *)(uintptr_t)type);
		if (!rc)
			c->iommu_type = type;
	}
	if (rc < 0) {
		sys_close(c->ctx, fd);
		return rc;
	}
	*gfd = fd;
	return 0;
}

EEH_EXPORT int eeh_container_add_group(struct eeh_container *c, int group)
{
	int rc = 0, fd = -1;

	if (!c || group < 0)
		return -EINVAL;
	pthread_rwlock_wrlock(&c->lock);
	if (find_group(c, group))
		rc = -EEXIST;
	else if (c->fd < 0 && !eeh_pe_by_group(c->ctx, group))
		rc = -ENOENT; /* no /dev/vfio/N on the simulated host */
	else if (c->fd < 0 && c->spapr_v1 && !c->spapr_v2 && c->ngroups)
		rc = -EBUSY;
	else if (c->fd >= 0)
		rc = attach_group(c, group, &fd);
	if (!rc && c->fd < 0 && !c->iommu_type)
		c->iommu_type = VFIO_SPAPR_TCE_v2_IOMMU;
	if (!rc) {
		rc = add_owned(c, group, fd);
		if (rc && fd >= 0)
			sys_close(c->ctx, fd);
	}
	pthread_rwlock_unlock(&c->lock);
	return rc;
}

EEH_EXPORT int eeh_container_register_group(struct eeh_container *c, int group)
{
	int rc;

	if (!c || group < 0)
		return -EINVAL;
	pthread_rwlock_wrlock(&c->lock);
	rc = find_group(c, group) ? -EEXIST : add_owned(c, group, -1);
	/* The VMM set the IOMMU; a container that offers SPAPR has it. */
	if (!rc && !c->iommu_type)
		c->iommu_type = c->spapr_v2 ? VFIO_SPAPR_TCE_v2_IOMMU
			      : c->spapr_v1 ? VFIO_SPAPR_TCE_IOMMU : 0;
	pthread_rwlock_unlock(&c->lock);
	return rc;
}

EEH_EXPORT int eeh_container_remove_group(struct eeh_container *c, int group)
{
	struct container_group *g;
	int rc = 0;

	if (!c)
		return -EINVAL;
	pthread_rwlock_wrlock(&c->lock);
	g = find_group(c, group);
	if (!g) {
		rc = -ENOENT;
	} else {
		route_pe(c, g->pe, false);
		if (g->fd >= 0)
			sys_close(c->ctx, g->fd);
		sim_disown(c, g);
		*g = c->groups[--c->ngroups];
		/* The kernel releases the IOMMU driver with the last group. */
		if (!c->ngroups && (g->fd >= 0 || c->fd < 0))
			c->iommu_type = 0;
	}
	pthread_rwlock_unlock(&c->lock);
	return rc;
}

EEH_EXPORT unsigned int eeh_container_group_count(struct eeh_container *c)
{
	unsigned int n;

	if (!c)
		return 0;
	pthread_rwlock_rdlock(&c->lock);
	n = c->ngroups;
	pthread_rwlock_unlock(&c->lock);
	return n;
}

EEH_EXPORT int eeh_container_eeh_supported(struct eeh_container *c)
{
	return c && c->eeh ? 0 : -EOPNOTSUPP;
}

EEH_EXPORT int eeh_container_iommu_type(struct eeh_container *c)
{
	return c ? c->iommu_type : 0;
}

static bool spapr_set(struct eeh_container *c)
{
	return (c->spapr_v1 || c->spapr_v2) &&
	       (c->iommu_type == VFIO_SPAPR_TCE_IOMMU || c->iommu_type == VFIO_SPAPR_TCE_v2_IOMMU);
}

EEH_EXPORT int eeh_container_spapr_info(struct eeh_container *c,
					struct vfio_iommu_spapr_tce_info *info)
{
	int rc;

	if (!c || !info)
		return -EINVAL;
	pthread_rwlock_rdlock(&c->lock);
	if (!spapr_set(c)) {
		rc = -EOPNOTSUPP;
	} else if (c->fd < 0) {
		memset(info, 0, sizeof(*info));
		info->argsz = sizeof(*info);
		if (c->iommu_type == VFIO_SPAPR_TCE_v2_IOMMU)
			info->flags = VFIO_IOMMU_SPAPR_INFO_DDW;
		info->dma32_window_start = (uint32_t)SIM_DMA32_START;
		info->dma32_window_size = (uint32_t)SIM_DMA32_SIZE;
		info->ddw.pgsizes = (1ULL << 12) | (1ULL << 16) | (1ULL << 24);
		info->ddw.max_dynamic_windows_supported = 1;
		info->ddw.levels = 5;
		rc = 0;
	} else {
		memset(info, 0, sizeof(*info));
		info->argsz = sizeof(*info);
		rc = sys_ioctl(c->ctx, c->fd, VFIO_IOMMU_SPAPR_TCE_GET_INFO, info);
	}
	pthread_rwlock_unlock(&c->lock);
	return rc < 0 ? rc : 0;
}

struct container_target {
	int fd;               /* container fd, -1 when simulated */
	struct eeh_pe *pe;    /* simulated: the group's PE */
};

/* The rule with the read lock held: 0 and *t, or -ENODEV, -EPERM,
 * -EOPNOTSUPP. */
static int check_locked(struct eeh_container *c, struct container_target *t)
{
	if (!c->ngroups)
		return -ENODEV;
	/* The kernel loops over every group and stops at the first non-zero
	 * result: ambiguous for GET_STATE, partial for the rest (QEMU's
	 * vfio_eeh_container_ok()). */
	if (c->ngroups > 1)
		return -EPERM;
	/* Only the SPAPR TCE driver has VFIO_EEH_PE_OP. With EEH globally
	 * disabled it still runs every op (VFIO_EEH only says 0 to
	 * CHECK_EXTENSION), and ENABLE gives -EIO (eeh_pe_set_option). */
	if (!spapr_set(c))
		return -EOPNOTSUPP;
	t->fd = c->fd;
	t->pe = c->groups[0].pe;
	return 0;
}

static int op_locked(struct eeh_container *c, struct vfio_eeh_pe_op *op, pe_op_engine engine)
{
	struct container_target t;
	int rc = check_locked(c, &t);

	if (!rc)
		rc = pe_op_validate(op);
	if (!rc)
		rc = t.fd >= 0 ? sys_ioctl(c->ctx, t.fd, VFIO_EEH_PE_OP, op) : engine(t.pe, op);
	return rc;
}

int container_run_pe_op(struct eeh_container *c, struct vfio_eeh_pe_op *op,
			pe_op_engine engine)
{
	int rc;

	pthread_rwlock_rdlock(&c->lock);
	rc = op_locked(c, op, engine);
	pthread_rwlock_unlock(&c->lock);
	return rc;
}

int container_pe_op_routed(struct eeh_pe *pe, struct vfio_eeh_pe_op *op, pe_op_engine engine,
			   bool *routed)
{
	struct eeh_container *c;
	int rc = 0;

	*routed = false;
	/* No close can free the container while the route lock is held. */
	pthread_rwlock_rdlock(&route_lock);
	c = atomic_load(&pe->container);
	if (c) {
		pthread_rwlock_rdlock(&c->lock);
		/* Groups join and leave (and routes change) under its write lock. */
		*routed = atomic_load(&pe->container) == c;
		if (*routed)
			rc = op_locked(c, op, engine);
		pthread_rwlock_unlock(&c->lock);
	}
	pthread_rwlock_unlock(&route_lock);
	return rc;
}
