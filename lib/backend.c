/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The table of backends and the choice among them (pciutils' pci_methods),
 * and what the rest of the library asks a PE's backend through its
 * capability bits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libeeh-private.h"

/* Auto-detection order: the first whose detect() says yes, else the last. */
static const struct eeh_backend_ops *const backends[] = {
	&host_backend_ops,
	&sim_backend_ops,
};

static const struct eeh_backend_ops *backend_by_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(backends); i++)
		if (!strcmp(name, backends[i]->name))
			return backends[i];
	return NULL;
}

static const struct eeh_backend_ops *backend_detect(void)
{
	for (size_t i = 0; i + 1 < ARRAY_SIZE(backends); i++)
		if (backends[i]->detect && backends[i]->detect())
			return backends[i];
	return backends[ARRAY_SIZE(backends) - 1];
}

EEH_EXPORT int eeh_new(struct eeh_ctx **out)
{
	const char *name = secure_getenv("EEH_BACKEND");
	const struct eeh_backend_ops *ops;

	if (!out)
		return -EINVAL;
	*out = NULL;
	ops = name ? backend_by_name(name) : backend_detect();
	return ops ? ops->open(out) : -EINVAL;
}

bool pe_offers_freset(struct eeh_pe *pe)
{
	const struct eeh_backend_ops *ops = pe->phb->ctx->ops;

	return !backend_has(ops, EEH_BACKEND_CAP_FRESET) || ops->pe_has_freset(pe);
}

int pe_backend_reset(struct eeh_pe *pe, int option)
{
	const struct eeh_backend_ops *ops = pe->phb->ctx->ops;

	/* The host kernel has no sysfs or debugfs file for PE resets. */
	if (!backend_has(ops, EEH_BACKEND_CAP_HOT_RESET))
		return -EOPNOTSUPP;
	return ops->reset(pe, option);
}
