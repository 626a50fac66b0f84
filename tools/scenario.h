/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Scenario files for eeh-inject (format: doc/scenarios.md). */
#ifndef EEH_SCENARIO_H
#define EEH_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

/* One checked step: what it did and, when it failed, which field. */
struct scenario_check {
	unsigned int step;
	bool ok;
	char text[256];    /* "recover phb0:pe1: recovered via thaw, ..." */
	char field[24];    /* the first field that failed ("path"), "" if none */
	char expected[64]; /* what the scenario wanted */
	char actual[64];   /* what happened */
	uint64_t virt_us;  /* the virtual clock after the step */
	double wall_s;     /* wall time the step took */
};

/* A fault and its recovery on one PE, virtual time: injected (armed),
 * detected (the injection fired; a freeze or fence: at once), recovered. */
struct scenario_span {
	char pe[24];
	char kind[16];    /* freeze, fence, or the IOA function's name */
	char outcome[24]; /* the recovery's outcome */
	uint64_t inject_us, detect_us, end_us;
};

/* What running one file gave, for the reports (--json, --junit, --tap). */
struct scenario_report {
	const char *path;
	char description[256];
	char error[320]; /* why the file is bad ("12:7: unknown key ..."), "" if it ran */
	int rc;          /* 0 passed, 1 an expectation failed, 2 bad file */
	unsigned int steps, failed;
	struct scenario_check *checks;
	size_t nchecks;
	struct scenario_span *spans;
	size_t nspans;
	double wall_s;
	uint64_t virt_us;
};

/* Run one scenario file. Prints a line per failed step (every step when
 * verbose) to out unless it is NULL, fills rep (free it with
 * scenario_report_free) and returns 0 (every expectation held), 1 (one
 * failed), 2 (bad file). */
int scenario_run_file(const char *path, FILE *out, bool verbose, struct scenario_report *rep);
void scenario_report_free(struct scenario_report *rep);

/* Read and check a scenario file (tools/scenario-schema.c): a missing file,
 * a JSON syntax error (LINE:COL) and an unknown key (LINE:COL, with the
 * key it may have meant) are told apart. Prints the error; why gets it. */
json_object *scenario_load(const char *path, char *why, size_t whylen);

#endif
