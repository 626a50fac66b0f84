/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An in-process stand-in for the kernel's iommufd, VFIO cdev and VFIO
 * container/group interfaces, installed with eeh_set_syscalls(). It
 * checks ioctl numbers, struct sizes and field values as the kernel does
 * and answers with the kernel's errnos; every ioctl is logged so tests
 * can assert what the library sent.
 */
#ifndef EEH_FAKE_KERNEL_H
#define EEH_FAKE_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "libeeh.h"

#define FAKE_MAX_CDEVS 16
#define FAKE_MAX_GROUPS 16
#define FAKE_MAX_LOG 256
#define FAKE_VFIO_MAJOR 237
#define FAKE_MAX_AREAS 512

enum fake_container_mode {
	FAKE_SPAPR,          /* vfio_iommu_spapr_tce on a POWER host */
	FAKE_IOMMUFD_COMPAT, /* iommufd's /dev/vfio/vfio emulation */
	FAKE_TYPE1,          /* vfio_iommu_type1 (x86) */
};

enum fake_fd_kind { FK_NONE, FK_IOMMUFD, FK_CDEV, FK_CONTAINER, FK_GROUP,
		    /* not fds: sysfs eeh_pe_state opened for reading, for writing */
		    FK_PE_STATE_READ, FK_PE_STATE_WRITE };

/* The IOMMU behind a cdev: the selftest mock's geometry (aperture
 * [1<<24, 2^31-1], 2 KiB pages) or intel-iommu's under QEMU (39-bit
 * address width, the MSI window 0xfee00000-0xfeefffff reserved, 4 KiB). */
enum fake_iommu { FAKE_IOMMU_MOCK, FAKE_IOMMU_VTD };

struct fake_ioctl {
	enum fake_fd_kind kind;
	unsigned long request;
	uint32_t size;  /* the struct's size/argsz field, 0 for by-value args */
	int rc;
};

struct fake_kernel {
	/* configuration */
	bool have_iommu, have_container;
	enum fake_container_mode mode;
	bool eeh_enabled;
	/* A signal interrupts every open, ioctl, fstat and readlink once
	 * (-EINTR) before it runs, as it can interrupt a blocking call. */
	bool interrupt;
	struct {
		bool present;
		int group;
		bool hide_class_link; /* only /sys/dev/char/M:N works */
		enum fake_iommu iommu;
		/* The PCI bus below a bridge the function sits on (its hot
		 * reset reaches every function there); 0: a root bus, which
		 * has no bus reset (ENODEV). */
		int bus;
		unsigned int hot_resets; /* VFIO_DEVICE_PCI_HOT_RESET that reset it */
	} cdev[FAKE_MAX_CDEVS];
	/* Functions on a bus not bound to vfio-pci (outside every dev_set). */
	unsigned int foreign[FAKE_MAX_CDEVS];
	/* sysfs under this directory for every path outside /dev (open,
	 * readlink, stat pass through), NULL: none. */
	const char *root;
	/* PowerNV's eeh_pe_state for every PE (pnv_eeh_get_pe_state,
	 * eeh_pe_state_store): reading a frozen PE marks it isolated; a
	 * write thaws only an isolated PE. */
	bool pe_frozen, pe_isolated;
	bool pe_thaw_fails; /* the write's eeh_unfreeze_pe fails (EIO) */
	struct {
		bool present, not_viable;
		int pe_state;           /* GET_STATE answer */
		unsigned int pe_ops;    /* VFIO_EEH_PE_OP calls that reached it */
		unsigned int last_op;
	} group[FAKE_MAX_GROUPS];
	/* The aperture of a domain attached to an IOAS (IOVA_RANGES, the
	 * reserved ranges MAP/COPY/ALLOW_IOVAS check) and its alignment:
	 * by default the selftest mock's [1<<24, (1<<31)-1], 2048. */
	uint64_t aperture_start, aperture_last, iova_alignment;
	/* observations */
	struct fake_ioctl log[FAKE_MAX_LOG];
	unsigned int nlog;
	unsigned int open_fds;
	unsigned int interrupted; /* calls answered -EINTR */
	void *priv;
};

struct fake_kernel *fake_new(void);
void fake_free(struct fake_kernel *fk);
/* Route ctx's system calls to fk. */
void fake_install(struct fake_kernel *fk, struct eeh_ctx *ctx);
/* /dev/vfio/devices/vfioN for IOMMU group g (also creates the group). */
void fake_add_cdev(struct fake_kernel *fk, unsigned int n, int g);
void fake_add_group(struct fake_kernel *fk, int g);
/* System calls as a VMM would make them, outside the library. */
int fake_open(struct fake_kernel *fk, const char *path);
int fake_close(struct fake_kernel *fk, int fd);
int fake_ioctl(struct fake_kernel *fk, int fd, unsigned long request, void *arg);
/* Areas in IOAS ioas_id of the first iommufd context (bytes mapped in
 * *bytes if not NULL), -1 if no such IOAS. */
int fake_ioas_areas(struct fake_kernel *fk, uint32_t ioas_id, uint64_t *bytes);
/* How many logged ioctls had this request number (on any fd). */
unsigned int fake_count(const struct fake_kernel *fk, unsigned long request);
/* The last logged ioctl with this request number, or NULL. */
const struct fake_ioctl *fake_last(const struct fake_kernel *fk, unsigned long request);

#endif
