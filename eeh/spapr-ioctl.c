/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The legacy SPAPR TCE v2 container's ioctls over iommufd: the DMA
 * requests go to the DMA windows (lib/spapr-dma.c), VFIO_EEH_PE_OP to a
 * device of the IOAS under the one-group rule (eeh_iommufd_pe_op()).
 */
#include <linux/vfio.h>

#include "spapr-dma.h"

EEH_EXPORT int eeh_spapr_ioctl(struct eeh_spapr *sp, unsigned long request, void *arg)
{
	if (!sp)
		return -EINVAL;
	if (request == VFIO_EEH_PE_OP) {
		uint32_t devid = spapr_devid(sp);

		if (!arg)
			return -EFAULT;
		/* vfio_spapr_iommu_eeh_ioctl() with no group: ENODEV */
		if (!devid)
			return -ENODEV;
		return eeh_iommufd_pe_op(spapr_iommufd(sp), devid, arg);
	}
	return spapr_compat_ioctl(sp, request, arg);
}
