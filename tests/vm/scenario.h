/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The differential scenario: one scripted sequence of libeeh calls (and
 * the few raw iommufd ioctls libeeh leaves to the VMM, for the size and ID
 * checks the fake kernel claims) run against the fake kernel in 'make
 * check' (tests/test-differential.c) and against a real kernel in 'make
 * check-vm' (tests/vm/vm-test.c). Each step prints one line of results;
 * the two transcripts must be identical, and both must equal
 * tests/vm/scenario.expected, the transcript a real 6.12 kernel gave.
 * When they differ, the fake kernel is wrong.
 */
#ifndef EEH_VM_SCENARIO_H
#define EEH_VM_SCENARIO_H

#include <stdio.h>

#include "libeeh.h"

struct scen_env {
	struct eeh_ctx *ctx;
	/* VFIO cdevs: A and B each alone in an IOMMU group, C0 and C1 two
	 * functions sharing one group; all under an intel-iommu (VT-d). */
	const char *cdev_a, *cdev_b, *cdev_c0, *cdev_c1;
	/* Raw system calls outside the library (a VMM's own): the fake
	 * kernel's or the real ones. */
	int (*open)(void *data, const char *path);
	int (*close)(void *data, int fd);
	int (*ioctl)(void *data, int fd, unsigned long req, void *arg);
	void *data;
	FILE *out;
};

/* Run the scenario, printing its transcript to env->out. Returns the
 * number of lines printed. */
int scen_run(const struct scen_env *env);

#endif
