/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The facade: a simulated host presented as the kernel's sysfs, debugfs and
 * procfs files through FUSE (tools/facade.c, doc/facade.md).
 */
#ifndef EEH_FACADE_H
#define EEH_FACADE_H

#include <stdbool.h>

#include "cli.h"

struct facade_opts {
	const char *event_log; /* JSON lines of what the facade did, or NULL */
	bool real_time;        /* the library clock runs in real time */
	bool foreground;       /* mount: stay in the foreground */
	bool wait;             /* wait for an image in use instead of failing */
};

/* eehctl exec: run argv in a private mount namespace where /sys/bus/pci,
 * /sys/devices, /sys/kernel/debug and /proc/powerpc are the facade. Returns
 * the command's exit status (128 + signal), or EXIT_REFUSED/EXIT_USAGE. */
int facade_exec(const struct cli_opts *o, const struct facade_opts *fo, char **argv);

/* eehctl mount: serve the tree (DIR/sys/..., DIR/proc/powerpc) at dir
 * until it is unmounted or the daemon gets SIGINT/SIGTERM/SIGHUP. */
int facade_mount(const struct cli_opts *o, const struct facade_opts *fo, const char *dir);

#endif
