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
#include "sys.h"

EEH_EXPORT int eeh_iommufd_pe_op(struct eeh_iommufd *ifd, uint32_t devid,
				 struct vfio_eeh_pe_op *op)
{
	struct eeh_pe *pe = NULL;
	int rc;

	if (!ifd)
		return -EINVAL;
	if (!op)
		return -EFAULT;
	rc = iofd_check(ifd, devid, &pe);
	return rc ? rc : eeh_pe_op(pe, op);
}

static int container_op_locked(struct eeh_container *c, struct vfio_eeh_pe_op *op)
{
	struct container_target t;
	int rc = container_check_locked(c, &t);

	if (!rc)
		rc = pe_op_validate(op);
	if (!rc)
		rc = t.fd >= 0 ? sys_ioctl(t.ctx, t.fd, VFIO_EEH_PE_OP, op) : eeh_pe_op(t.pe, op);
	return rc;
}

EEH_EXPORT int eeh_container_pe_op(struct eeh_container *c, struct vfio_eeh_pe_op *op)
{
	int rc;

	if (!c)
		return -EINVAL;
	if (!op)
		return -EFAULT;
	container_read_lock(c);
	rc = container_op_locked(c, op);
	container_read_unlock(c);
	return rc;
}

int container_pe_op_routed(struct eeh_pe *pe, struct vfio_eeh_pe_op *op, bool *routed)
{
	struct eeh_container *c;
	int rc = 0;

	*routed = false;
	/* No close can free the container while the route lock is held. */
	container_route_read_lock();
	c = atomic_load(&pe->container);
	if (c) {
		container_read_lock(c);
		/* Groups join and leave (and routes change) under its write lock. */
		*routed = atomic_load(&pe->container) == c;
		if (*routed)
			rc = container_op_locked(c, op);
		container_read_unlock(c);
	}
	container_route_read_unlock();
	return rc;
}
