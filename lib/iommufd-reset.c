/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PE resets through an iommufd device: the iommufd device route's reset,
 * for a real host where no SPAPR container (VFIO_EEH_PE_OP) holds the PE.
 * No kernel interface resets a PE for an iommufd user, so RESET_HOT,
 * RESET_DEACTIVATE and CONFIGURE are composed from what exists:
 *
 * - the bus reset of the PE's functions through the device's VFIO cdev,
 *   as QEMU does for iommufd devices (hw/vfio/iommufd.c): first
 *   VFIO_DEVICE_GET_PCI_HOT_RESET_INFO (12-byte header, ENOSPC tells the
 *   count), refused with EPERM when the reply lacks DEV_ID_OWNED (a
 *   function the reset reaches is not owned by this iommufd), then
 *   VFIO_DEVICE_PCI_HOT_RESET with flags 0 and a zero-length group array
 *   (a cdev caller must pass count 0: vfio_pci_ioctl_pci_hot_reset);
 *
 * - the backend's freeze state (get_state, set_option THAW): on POWER the
 *   PE's eeh_pe_state file. A VFIO or sysfs reset does not thaw a frozen
 *   PE (pnv_eeh_reset keeps the freeze "until BAR restore"; only the EEH
 *   core's eeh_pe_reenable_devices thaws), and a reset tried while frozen
 *   stalls in pci_dev_wait (config reads give all-ones) for 60 s and fails
 *   ENOTTY. An eeh_pe_state write only thaws a PE marked ISOLATED, and on
 *   PowerNV reading the file is what marks a frozen PE isolated
 *   (pnv_eeh_get_pe_state). So: read, write, read again to see it
 *   thawed, then reset; DEACTIVATE checks the PE is thawed (thawing it the
 *   same way if the reset froze it again) and gives -EIO otherwise, as the
 *   PE op engine reports a failed deactivate. On a host without EEH state
 *   (x86: no eeh_pe_state file, get_state -EOPNOTSUPP) there is nothing
 *   to thaw.
 *
 * The VFIO hot reset asserts and deasserts in one call, and pci_reset_bus()
 * saves and restores the config space of every function it reaches, so
 * DEACTIVATE only checks the state and CONFIGURE has nothing left to do.
 * There is no fundamental (PERST) reset through VFIO: RESET_FUNDAMENTAL
 * falls back to hot, with a note in the log.
 *
 * Where the platform has no bus or slot reset for the function (on a PHB
 * root bus, the pSeries LPAR layout: pci_bus_reset() refuses a bus without
 * a bridge above it) the INFO ioctl answers ENODEV and the route has no
 * reset at all: iofd_reset_probe() tells the RTAS front end beforehand.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "iommufd-abi.h"
#include "iommufd.h"
#include "sys.h"

#define INFO_HDR sizeof(struct vfio_pci_hot_reset_info)

static bool frozen(int s)
{
	if (s == EEH_STATE_NOT_SUPPORT)
		return false;
	return (s & (EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE)) !=
	       (EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE);
}

/*
 * Make sure the PE is not frozen: 0 (thawed, or no EEH state on this
 * host), -EIO (still frozen after the thaw), or the backend's -errno.
 * The first read is what lets the write thaw on PowerNV.
 */
static int pe_thaw_checked(struct eeh_pe *pe)
{
	const struct eeh_backend_ops *ops = pe->phb->ctx->ops;
	int s = ops->get_state(pe, NULL), r;

	if (s == -EOPNOTSUPP)
		return 0; /* no EEH state: nothing can be frozen */
	if (s < 0)
		return s;
	if (!frozen(s))
		return 0;
	r = ops->set_option(pe, EEH_OPT_THAW_MMIO);
	if (r < 0)
		return r;
	s = ops->get_state(pe, NULL);
	if (s < 0)
		return s;
	if (frozen(s)) {
		err(pe->phb->ctx, "%s: still frozen (state 0x%x) after the eeh_pe_state thaw",
		    pe->name, s);
		return -EIO;
	}
	return 0;
}

/* GET_PCI_HOT_RESET_INFO, header first (ENOSPC gives the count), then the
 * whole list. 0 and *out (malloc'd), or the kernel's -errno. */
static int hot_reset_info(struct eeh_ctx *ctx, int fd, struct vfio_pci_hot_reset_info **out)
{
	struct vfio_pci_hot_reset_info hdr = { .argsz = INFO_HDR }, *info;
	size_t len;
	int rc;

	rc = sys_ioctl(ctx, fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &hdr);
	if (rc < 0 && rc != -ENOSPC)
		return rc;
	len = INFO_HDR + (size_t)hdr.count * sizeof(struct vfio_pci_dependent_device);
	info = calloc(1, len);
	if (!info)
		return -ENOMEM;
	info->argsz = (uint32_t)len;
	rc = sys_ioctl(ctx, fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, info);
	if (rc < 0) {
		free(info);
		return rc;
	}
	*out = info;
	return 0;
}

/* The cdev of a device libeeh bound: its fd, or -errno. */
static int route_fd(struct eeh_iommufd *ifd, uint32_t devid)
{
	struct iofd_dev d;
	int rc = iofd_dev_copy(ifd, devid, &d);

	if (rc)
		return rc;
	if (ifd->fd < 0 || d.cdev_fd < 0)
		return -EOPNOTSUPP; /* simulated, or the VMM bound it */
	return d.cdev_fd;
}

int iofd_reset_probe(struct eeh_iommufd *ifd, uint32_t devid)
{
	struct vfio_pci_hot_reset_info hdr = { .argsz = INFO_HDR };
	int fd = route_fd(ifd, devid), rc;

	if (fd < 0)
		return fd;
	rc = sys_ioctl(ifd->ctx, fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &hdr);
	return rc == -ENOSPC ? 0 : rc;
}

/* The bus reset: INFO, ownership, then the reset with count 0. */
static int bus_reset(struct eeh_iommufd *ifd, int fd, const char *who)
{
	struct eeh_ctx *ctx = ifd->ctx;
	struct vfio_pci_hot_reset reset = { .argsz = sizeof(reset) };
	struct vfio_pci_hot_reset_info *info = NULL;
	int rc = hot_reset_info(ctx, fd, &info);

	if (rc == -ENODEV)
		err(ctx, "%s: no bus or slot reset for this function (on a root bus?)", who);
	if (rc)
		return rc;
	/* QEMU's rule (iommufd_cdev_pci_hot_reset): every function the
	 * reset reaches must be owned by this iommufd. */
	if (!(info->flags & VFIO_PCI_HOT_RESET_FLAG_DEV_ID) ||
	    !(info->flags & VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED)) {
		for (uint32_t i = 0; i < info->count; i++) {
			const struct vfio_pci_dependent_device *d = &info->devices[i];

			if (!(info->flags & VFIO_PCI_HOT_RESET_FLAG_DEV_ID) ||
			    d->group_id == (uint32_t)VFIO_PCI_DEVID_NOT_OWNED)
				err(ctx, "%s: the reset reaches %04x:%02x:%02x.%x, not owned by "
				    "this iommufd", who, d->segment, d->bus, d->devfn >> 3,
				    d->devfn & 7);
		}
		free(info);
		return -EPERM;
	}
	free(info);
	return sys_ioctl(ctx, fd, VFIO_DEVICE_PCI_HOT_RESET, &reset);
}

int iofd_reset(struct eeh_iommufd *ifd, uint32_t devid, struct eeh_pe *pe, unsigned int op)
{
	struct eeh_ctx *ctx = ifd->ctx;
	int fd = route_fd(ifd, devid), rc;

	if (fd < 0)
		return fd;
	switch (op) {
	case VFIO_EEH_PE_RESET_FUNDAMENTAL:
		info(ctx, "%s: no fundamental reset through VFIO; a hot reset instead", pe->name);
		/* fall through */
	case VFIO_EEH_PE_RESET_HOT:
		pthread_mutex_lock(&pe->lock);
		rc = pe_thaw_checked(pe);
		if (!rc)
			rc = bus_reset(ifd, fd, pe->name);
		pthread_mutex_unlock(&pe->lock);
		return rc;
	case VFIO_EEH_PE_RESET_DEACTIVATE:
		pthread_mutex_lock(&pe->lock);
		rc = pe_thaw_checked(pe);
		pthread_mutex_unlock(&pe->lock);
		return rc;
	case VFIO_EEH_PE_CONFIGURE:
		return 0;
	}
	return -EINVAL;
}
