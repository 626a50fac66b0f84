/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The udev monitor: PCI add/remove uevents applied to the model.
 *
 * Events are applied only when the caller asks (eeh_host_monitor_process),
 * in its thread, so the model never changes under an iteration that the
 * same thread is running. A removed function leaves the model's lists and
 * lookups but stays allocated until the context goes, so a handle held
 * across the removal gives -ENODEV rather than a crash or stale data.
 */
#include <string.h>

#include <libudev.h>

#include "host.h"

void monitor_stop(struct host *h)
{
	if (h->mon) {
		udev_monitor_unref(h->mon);
		h->mon = NULL;
	}
}

EEH_EXPORT int eeh_host_monitor_start(struct eeh_ctx *ctx)
{
	struct host *h = ctx ? host_of(ctx) : NULL;
	int r;

	if (!h)
		return -EINVAL;
	if (ctx->sysroot || ctx->sys) {
		err(ctx, "the udev monitor watches the real /sys; a root directory (%s) cannot be "
		    "watched", eeh_get_root(ctx));
		return -EOPNOTSUPP;
	}
	if (h->mon)
		return udev_monitor_get_fd(h->mon);
	if (!h->udev && !(h->udev = udev_new()))
		return -ENOMEM;
	h->mon = udev_monitor_new_from_netlink(h->udev, "udev");
	if (!h->mon)
		return -ENOMEM;
	r = udev_monitor_filter_add_match_subsystem_devtype(h->mon, "pci", NULL);
	if (r >= 0)
		r = udev_monitor_enable_receiving(h->mon);
	if (r < 0) {
		err(ctx, "cannot listen for udev events: %s", strerror(-r));
		monitor_stop(h);
		return r;
	}
	return udev_monitor_get_fd(h->mon);
}

static int apply(struct eeh_ctx *ctx, struct host *h, struct udev_device *dev)
{
	const char *action = udev_device_get_action(dev);
	const char *name = udev_device_get_sysname(dev);
	unsigned int domain, bus, devfn;
	struct eeh_func *f;

	if (!action || !name || parse_bdf(name, &domain, &bus, &devfn) < 0)
		return 0;
	dbg(ctx, "uevent %s %s", action, name);
	if (!strcmp(action, "remove")) {
		f = eeh_func_by_bdf(ctx, domain, bus, devfn);
		if (!f)
			return 0;
		discover_remove_func(ctx, h, f);
		return 1;
	}
	if (!strcmp(action, "add"))
		return discover_add_func(ctx, h, name, false) == 0;
	/* A function left out at its add event (EEH files not created yet)
	 * is taken when its driver binds, after the kernel's late probe. */
	if (!strcmp(action, "bind") && !eeh_func_by_bdf(ctx, domain, bus, devfn))
		return discover_add_func(ctx, h, name, true) == 0;
	return 0;
}

EEH_EXPORT int eeh_host_monitor_process(struct eeh_ctx *ctx)
{
	struct host *h = ctx ? host_of(ctx) : NULL;
	struct udev_device *dev;
	int n = 0;

	if (!h || !h->mon)
		return -EINVAL;
	while ((dev = udev_monitor_receive_device(h->mon)) != NULL) {
		n += apply(ctx, h, dev);
		udev_device_unref(dev);
	}
	return n;
}
