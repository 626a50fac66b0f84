/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * VFIO_EEH_PE_OP addressed by an iommufd device object or a VFIO
 * container. The one-group rule is decided first: a PE op reaches the
 * backend only when the address space holds exactly one IOMMU group, and
 * then on that group's PE alone, so nothing ever fans out to some groups
 * and fails on others.
 */
#include <stddef.h>

#include <linux/vfio.h>

#include "backend.h"
#include "iommufd.h"
#include "pe-op.h"

/* The ops the iommufd device route composes when no container holds the
 * PE (lib/iommufd-reset.c). */
static bool device_route_op(unsigned int op)
{
	return op == VFIO_EEH_PE_RESET_HOT || op == VFIO_EEH_PE_RESET_FUNDAMENTAL ||
	       op == VFIO_EEH_PE_RESET_DEACTIVATE || op == VFIO_EEH_PE_CONFIGURE;
}

EEH_EXPORT int eeh_iommufd_pe_op(struct eeh_iommufd *ifd, uint32_t devid,
				 struct vfio_eeh_pe_op *op)
{
	struct eeh_pe *pe = NULL;
	int rc;

	if (!ifd)
		return -EINVAL;
	if (!op)
		return -EFAULT;
	rc = iommufd_device_pe(ifd, devid, &pe);
	if (rc)
		return rc;
	/* Resets without a container: the device route's VFIO bus reset,
	 * when the backend composes resets that way and the cdev is ours. */
	if (device_route_op(op->op) && !atomic_load(&pe->container) &&
	    backend_has(pe->phb->ctx->ops, EEH_BACKEND_CAP_DEVICE_RESET)) {
		if (op->argsz < offsetof(struct vfio_eeh_pe_op, op) + sizeof(op->op) || op->flags)
			return -EINVAL;
		rc = iofd_reset(ifd, devid, pe, op->op);
		if (rc != -EOPNOTSUPP)
			return rc;
	}
	return eeh_pe_op(pe, op);
}

EEH_EXPORT int eeh_container_pe_op(struct eeh_container *c, struct vfio_eeh_pe_op *op)
{
	if (!c)
		return -EINVAL;
	if (!op)
		return -EFAULT;
	return container_run_pe_op(c, op, eeh_pe_op);
}
