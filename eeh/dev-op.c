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

#include "iommufd.h"
#include "pe-op.h"

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
	return rc ? rc : eeh_pe_op(pe, op);
}

EEH_EXPORT int eeh_container_pe_op(struct eeh_container *c, struct vfio_eeh_pe_op *op)
{
	if (!c)
		return -EINVAL;
	if (!op)
		return -EFAULT;
	return container_run_pe_op(c, op, eeh_pe_op);
}
