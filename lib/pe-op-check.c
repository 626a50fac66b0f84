/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel's VFIO_EEH_PE_OP argument checks, for every route that hands
 * an op to a kernel: the kernel-backed backend (eeh/pe-op.c) and the VFIO
 * container (vfio-container.c).
 */
#include <linux/vfio.h>

#include "libeeh-private.h"

int pe_op_validate(const struct vfio_eeh_pe_op *op)
{
	if (op->argsz < OFFSETOFEND(struct vfio_eeh_pe_op, op) || op->flags)
		return -EINVAL;
	if (op->op > VFIO_EEH_PE_INJECT_ERR)
		return -EINVAL;
	if (op->op == VFIO_EEH_PE_INJECT_ERR &&
	    (op->argsz < OFFSETOFEND(struct vfio_eeh_pe_op, err.mask) || op->err.type > 1 ||
	     op->err.func > EEH_ERR_FUNC_MAX))
		return -EINVAL;
	return 0;
}
