/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The topology loader (doc/topology.md) on any text: it loads or refuses
 * with -EINVAL, and what it loads round-trips (fuzz-roundtrip.h).
 */
#include <errno.h>

#include "fuzz-roundtrip.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eeh_ctx *ctx = NULL;
	char *json = fuzz_string(data, size);
	int r;

	if (!json)
		return 0;
	r = eeh_new_sim_json(json, &ctx);
	free(json);
	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ENOMEM);
	if (r == 0)
		fuzz_round_trip(ctx);
	eeh_unref(ctx);
	return 0;
}
