/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The scenario parser of eeh-inject (tools/scenario.c, doc/scenarios.md),
 * linked in from the tools: any file runs to an exit code of 0, 1 or 2.
 */
#include "fuzz-util.h"
#include "scenario.h"

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	devnull = fopen("/dev/null", "w");
	return devnull ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_write_file("scenario.json", data, size);
	struct scenario_report rep;
	int rc;

	FUZZ_CHECK(path);
	rc = scenario_run_file(path, devnull, false, &rep);
	FUZZ_CHECK(rc >= 0 && rc <= 2 && rep.rc == rc);
	scenario_report_free(&rep);
	return 0;
}
