/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The POWER9-like fixture host, stated once. test-discover writes it into
 * umockdev testbeds and test-host into temporary root directories, both
 * with gs_write_host(); neither keeps a copy of its own.
 */
#ifndef EEH_FIXTURE_POWER9_H
#define EEH_FIXTURE_POWER9_H

#include "gen-sysfs.h"

/* The definition's initializer must give exactly this many functions:
 * a different count is a conflicting type and does not compile. */
#define NPOWER9 15
extern const struct gs_func power9[NPOWER9];
/* The index of a function of the host, by BDF (aborts on a BDF the host
 * does not have: a mistake in the test, not an outcome). */
size_t power9_index(const char *bdf);

/* The same host without its 32-bit BARs above 4 GiB (the switch's, the SAS
 * adapter's), for tests that capture the host into a topology file and
 * load it: sysfs gives CPU addresses, which on POWER put 32-bit BARs above
 * 4 GiB, but a topology file refuses them (doc/topology.md). */
void power9_capturable(struct gs_func out[NPOWER9]);

#endif
