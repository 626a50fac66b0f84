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

#endif
