/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The real-host area: discovery (discover.c), the sysfs/debugfs/procfs
 * backend (host.c) and the udev monitor (monitor.c). Private.
 */
#ifndef EEH_HOST_H
#define EEH_HOST_H

#include "libeeh-private.h"

struct udev;
struct udev_monitor;
struct pci_access;

/* ctx->host */
struct host {
	struct eeh_host_stats stats;
	/* Removed objects stay allocated until the context goes away, so a
	 * handle a caller still holds never dangles (linked through ->next). */
	struct eeh_func *dead_funcs;
	struct eeh_pe *dead_pes;
	struct udev *udev;
	struct udev_monitor *mon;
	struct pci_access *pacc; /* names from pci.ids, created on first use */
	bool pacc_failed;
};

/* Set by eeh_new_host() only: NULL on any other backend. */
static inline struct host *host_of(struct eeh_ctx *ctx)
{
	return ctx->host;
}

/* The key the model's func_by_bdf map uses. */
#define HOST_BDF_KEY(domain, bus, devfn) (((uint64_t)(domain) << 16) | ((bus) << 8) | (devfn))

/* discover.c: build the model from sysfs (libudev when the root is the
 * real one, else a walk of <root>/sys through the sys layer). */
int discover_model(struct eeh_ctx *ctx, struct host *h);
/* Add one function that appeared after discovery (hotplug). retry: a
 * later event for a function not added yet (a missing group is not
 * counted again). 0, -EEXIST, -ENOENT (gone again), -ENODEV (no IOMMU
 * group / PE to put it in), -EAGAIN (EEH host, EEH files not there yet). */
int discover_add_func(struct eeh_ctx *ctx, struct host *h, const char *bdf, bool retry);
/* Unlink a function (and its PE once empty) from the model; handles stay
 * valid (ops on them give -ENODEV). */
void discover_remove_func(struct eeh_ctx *ctx, struct host *h, struct eeh_func *f);
/* true once f was removed from the model */
bool host_func_gone(struct eeh_ctx *ctx, struct eeh_func *f);

/* monitor.c */
void monitor_stop(struct host *h);

#endif
