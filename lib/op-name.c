/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Names of the VFIO_EEH_PE_OP operations. Below the PE op engine because
 * backends name the ops they refuse (host.c) as much as the engine and
 * the tools do.
 */
#include <string.h>

#include <linux/vfio.h>

#include "libeeh-private.h"

static const char *const op_names[] = {
	[VFIO_EEH_PE_DISABLE] = "disable",
	[VFIO_EEH_PE_ENABLE] = "enable",
	[VFIO_EEH_PE_UNFREEZE_IO] = "thaw-mmio",
	[VFIO_EEH_PE_UNFREEZE_DMA] = "thaw-dma",
	[VFIO_EEH_PE_GET_STATE] = "get-state",
	[VFIO_EEH_PE_RESET_DEACTIVATE] = "reset-deactivate",
	[VFIO_EEH_PE_RESET_HOT] = "reset-hot",
	[VFIO_EEH_PE_RESET_FUNDAMENTAL] = "reset-fundamental",
	[VFIO_EEH_PE_CONFIGURE] = "configure",
	[VFIO_EEH_PE_INJECT_ERR] = "inject",
};

EEH_EXPORT const char *eeh_op_name(unsigned int op)
{
	return op < ARRAY_SIZE(op_names) ? op_names[op] : NULL;
}

EEH_EXPORT int eeh_op_from_name(const char *name)
{
	for (unsigned int i = 0; name && i < ARRAY_SIZE(op_names); i++)
		if (!strcmp(name, op_names[i]))
			return (int)i;
	return -EINVAL;
}
