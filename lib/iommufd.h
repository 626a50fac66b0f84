/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * iommufd device objects and VFIO containers: what lib/ shares with the
 * PE op front end (eeh/dev-op.c).
 */
#ifndef EEH_IOMMUFD_H
#define EEH_IOMMUFD_H

#include "libeeh-private.h"
#include "hashmap.h"

/* The simulated host's PE DMA windows (PowerNV IODA2 geometry): the
 * 32-bit default window at 0 and the 64-bit window TVE#1 selects with PCI
 * address bit 59. */
#define SIM_DMA32_START 0ULL
#define SIM_DMA32_SIZE (1ULL << 31)
#define SIM_DMA64_START (1ULL << 59)
#define SIM_DMA64_SIZE (1ULL << 40)

/* ---- bookkeeping: what libeeh knows of one iommufd ---- */
struct iofd_ioas {
	uint32_t id;
	unsigned int ndevs;   /* attached devices */
	unsigned int ngroups; /* distinct IOMMU groups among them: the rule counts these */
	unsigned int nhwpts;  /* HWPTs libeeh knows on it */
	struct iofd_dev *members;
};

struct iofd_hwpt {
	uint32_t id;
	struct iofd_ioas *ioas;
	unsigned int ndevs;
	bool automatic;       /* made by attach; gone with its last device */
};

struct iofd_dev {
	uint32_t devid;
	int group;
	struct eeh_pe *pe;       /* NULL: the group is no PE of the context */
	struct iofd_ioas *ioas;  /* NULL: not attached */
	struct iofd_hwpt *hwpt;  /* NULL: not attached, or not known */
	int cdev_fd;             /* VFIO cdev libeeh opened, else -1 */
	struct eeh_func *func;   /* simulated: the bound function */
	struct iofd_dev *ioas_next, *ioas_prev; /* devices of the same IOAS */
	bool registered;         /* bound by the VMM */
	char name[64];
};

struct iofd_kernel;

/*
 * The PE op fast path takes no lock: per object ID (IDs are small, the
 * kernel hands out the lowest free one) one atomic word holds the
 * device's PE pointer with three flags in its alignment bits: VALID (the
 * ID is a device libeeh knows), ATTACHED, MULTI (its IOAS holds two or
 * more groups). Writers keep the words in step with the bookkeeping under
 * the write lock; a table that grows is retired, not freed, until the
 * iommufd is closed, so a reader never touches freed memory. IDs the
 * table does not cover take the locked slow path.
 */
#define IOFD_FAST_MAX (1u << 16)
#define IOFD_FAST_VALID ((uintptr_t)1)
#define IOFD_FAST_ATTACHED ((uintptr_t)2)
#define IOFD_FAST_MULTI ((uintptr_t)4)
#define IOFD_FAST_FLAGS ((uintptr_t)7)
_Static_assert(_Alignof(struct eeh_pe) > IOFD_FAST_FLAGS, "PE pointers have 3 free low bits");

struct iofd_fast {
	uint32_t n;
	struct iofd_fast *retired;
	_Atomic uintptr_t word[];
};

struct eeh_iommufd {
	struct eeh_ctx *ctx;
	const struct iofd_kernel *k;
	int fd;          /* /dev/iommu, -1 when simulated or record-only */
	bool own_fd;
	pthread_rwlock_t lock;
	struct hashmap devs;   /* devid -> iofd_dev */
	struct hashmap ioas;   /* id -> iofd_ioas */
	struct hashmap hwpts;  /* id -> iofd_hwpt */
	struct hashmap grefs;  /* ioas id << 32 | group -> devices of the group there */
	_Atomic(struct iofd_fast *) fast;
	struct iofd_sim *sim;
};

/* The kernel side: the real ioctls, or the simulated iommufd. Each
 * returns 0 or the kernel's -errno; bookkeeping is the caller's. */
struct iofd_kernel {
	int (*bind)(struct eeh_iommufd *ifd, const char *name, struct iofd_dev *dev);
	void (*unbind)(struct eeh_iommufd *ifd, struct iofd_dev *dev);
	int (*ioas_alloc)(struct eeh_iommufd *ifd, uint32_t *id);
	int (*hwpt_alloc)(struct eeh_iommufd *ifd, uint32_t devid, uint32_t pt_id, uint32_t *id);
	int (*attach)(struct eeh_iommufd *ifd, struct iofd_dev *dev, uint32_t pt_id,
		      uint32_t *hwpt_id);
	int (*detach)(struct eeh_iommufd *ifd, struct iofd_dev *dev);
	int (*destroy)(struct eeh_iommufd *ifd, uint32_t id);
	int (*iova_ranges)(struct eeh_iommufd *ifd, uint32_t ioas_id, struct eeh_iova_range *r,
			   unsigned int *n);
	/* IOMMU_IOAS_MAP with FIXED_IOVA; flags are IOFD_MAP_READ/WRITE. */
	int (*ioas_map)(struct eeh_iommufd *ifd, uint32_t ioas_id, uint64_t iova, uint64_t len,
			uint64_t uva, unsigned int flags);
	/* IOMMU_IOAS_UNMAP; *unmapped (may be NULL) the bytes unmapped. */
	int (*ioas_unmap)(struct eeh_iommufd *ifd, uint32_t ioas_id, uint64_t iova, uint64_t len,
			  uint64_t *unmapped);
	/* IOMMU_IOAS_COPY with FIXED_IOVA. */
	int (*ioas_copy)(struct eeh_iommufd *ifd, uint32_t dst_ioas, uint64_t dst_iova,
			 uint32_t src_ioas, uint64_t src_iova, uint64_t len, unsigned int flags);
	/* IOMMU_IOAS_ALLOW_IOVAS (n 0 clears the list). */
	int (*allow_iovas)(struct eeh_iommufd *ifd, uint32_t ioas_id,
			   const struct eeh_iova_range *r, unsigned int n);
	/* Optional (NULL on a real kernel, which has no uAPI for it yet):
	 * program DMA window slot of the PEs attached to ioas_id (the TVE
	 * and its TCE table); size 0 turns it off. */
	int (*set_window)(struct eeh_iommufd *ifd, uint32_t ioas_id, unsigned int slot,
			  uint64_t start, uint64_t size, unsigned int page_shift);
};

/* IOAS map permissions (iommufd's READABLE and WRITEABLE bits). */
#define IOFD_MAP_WRITE 0x2u
#define IOFD_MAP_READ 0x4u

/* For lib/spapr-dma.c: the bookkeeping of an IOAS (write or read lock
 * held), NULL if unknown. */
struct iofd_ioas *iofd_ioas_get(struct eeh_iommufd *ifd, uint32_t id);

extern const struct iofd_kernel iofd_sim_kernel;
int iofd_sim_init(struct eeh_iommufd *ifd);
void iofd_sim_free(struct eeh_iommufd *ifd);

/* The one-group rule with the read lock held: 0 and *pe, or -ENOENT,
 * -ENODEV, -EPERM. */
int iofd_check_locked(struct eeh_iommufd *ifd, uint32_t devid, struct eeh_pe **pe);
/* The same decision taken under the read lock. */
int iofd_check_slow(struct eeh_iommufd *ifd, uint32_t devid, struct eeh_pe **pe);

/*
 * The rule on the PE op path, without a lock. The answer is one the
 * bookkeeping gave at some instant during the call; an attach that lands
 * while the op then runs cannot make it fan out, as it addresses one PE.
 */
static inline int iofd_check(struct eeh_iommufd *ifd, uint32_t devid, struct eeh_pe **pe)
{
	struct iofd_fast *t = atomic_load_explicit(&ifd->fast, memory_order_acquire);
	uintptr_t w;

	if (!t || devid - 1 >= t->n - 1)
		return iofd_check_slow(ifd, devid, pe);
	w = atomic_load_explicit(&t->word[devid], memory_order_acquire);
	if (!(w & IOFD_FAST_VALID))
		return iofd_check_slow(ifd, devid, pe);
	if (!(w & IOFD_FAST_ATTACHED))
		return -ENODEV;
	if (w & IOFD_FAST_MULTI)
		return -EPERM;
	if (!(w & ~IOFD_FAST_FLAGS))
		return -ENODEV;
	*pe = (struct eeh_pe *)(w & ~IOFD_FAST_FLAGS);
	return 0;
}

/* A copy of a device's bookkeeping (pointers in it only for comparison):
 * 0, or -ENOENT. */
int iofd_dev_copy(struct eeh_iommufd *ifd, uint32_t devid, struct iofd_dev *out);

/*
 * The iommufd device route's PE reset (lib/iommufd-reset.c), for a device
 * libeeh bound through its VFIO cdev on a kernel iommufd, used when the
 * backend announces EEH_BACKEND_CAP_DEVICE_RESET and no container holds
 * the PE. op is VFIO_EEH_PE_RESET_HOT, _FUNDAMENTAL (a hot reset, logged),
 * _DEACTIVATE or VFIO_EEH_PE_CONFIGURE. Returns 0, -EPERM (the reset
 * would reach a function this iommufd does not own), -ENODEV (no bus or
 * slot reset for the function), -EIO (the PE stays frozen), -EOPNOTSUPP
 * (not a cdev libeeh bound), -ENOENT, or the kernel's errno.
 */
int iofd_reset(struct eeh_iommufd *ifd, uint32_t devid, struct eeh_pe *pe, unsigned int op);
/* Whether that route has a reset for devid, without resetting: 0, -ENODEV
 * (the platform offers no bus reset: a function on a PHB root bus),
 * -EOPNOTSUPP (no cdev of libeeh's), or another -errno. */
int iofd_reset_probe(struct eeh_iommufd *ifd, uint32_t devid);

/* ---- for the PE op front end (eeh/dev-op.c, eeh/pe-op.c) ---- */
struct vfio_eeh_pe_op;
/* The engine that runs an op on a PE in-process (eeh_pe_op()), passed
 * down so lib/ never calls up. */
typedef int (*pe_op_engine)(struct eeh_pe *pe, struct vfio_eeh_pe_op *op);

/* The PE of an iommufd device object under the one-group rule: 0 and *pe,
 * or -ENOENT, -ENODEV, -EPERM. Inline: it is the PE op fast path. */
static inline int iommufd_device_pe(struct eeh_iommufd *ifd, uint32_t devid, struct eeh_pe **pe)
{
	return iofd_check(ifd, devid, pe);
}
/* An op on a container under its one-group rule, with its read lock
 * held: the kernel's ioctl, or engine on the group's PE when simulated. */
int container_run_pe_op(struct eeh_container *c, struct vfio_eeh_pe_op *op,
			pe_op_engine engine);
/* An op on a PE whose group a kernel container may hold (pe->container):
 * if so *routed is set and the container's answer returned; otherwise
 * the op is not a container's (*routed false). The container is looked
 * up again under the locks a group leaving or a close take. */
int container_pe_op_routed(struct eeh_pe *pe, struct vfio_eeh_pe_op *op, pe_op_engine engine,
			   bool *routed);

#endif
