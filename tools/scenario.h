/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Scenario files for eeh-inject (format: doc/scenarios.md). */
#ifndef EEH_SCENARIO_H
#define EEH_SCENARIO_H

#include <stdbool.h>
#include <stdio.h>

/* Run one scenario file. Prints a line per step to out (unless quiet) and
 * returns 0 (every expectation held), 1 (one failed), 2 (bad file). */
int scenario_run_file(const char *path, FILE *out, bool verbose);

#endif
