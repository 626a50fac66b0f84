/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Write the POWER9-like fixture host (tests/fixture-power9.c) as a sysfs
 * root under DIR, so tests/test-facade.sh captures it into a topology file
 * ('eehctl capture --root DIR') and runs the kernel's selftests against
 * that host through the facade: the host is defined once, in C.
 */
#include <stdio.h>
#include <string.h>

#include "fixture-power9.h"

int main(int argc, char **argv)
{
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: facade-fixture DIR\n");
		return 2;
	}
	/* the full host: a capture keeps its 32-bit BARs above 4 GiB (CPU addresses) */
	r = gs_write_host(argv[1], power9, NPOWER9, GS_PROC_EEH | GS_DEBUGFS | GS_DEVTREE);
	if (r < 0) {
		fprintf(stderr, "facade-fixture: %s: %s\n", argv[1], strerror(-r));
		return 1;
	}
	return 0;
}
