/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The round-trip check of the loader targets: what the library saves, it
 * loads, and loading it and saving again writes the same bytes.
 */
#ifndef EEH_FUZZ_ROUNDTRIP_H
#define EEH_FUZZ_ROUNDTRIP_H

#include "fuzz-util.h"

/* The whole file (freed by the caller), *len its size; aborts on failure. */
static inline char *fuzz_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	FUZZ_CHECK(f);
	FUZZ_CHECK(fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	FUZZ_CHECK(buf && fread(buf, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* Save ctx, load what was saved (as a topology file and as an image),
 * save that again and compare. */
static inline void fuzz_round_trip(struct eeh_ctx *ctx)
{
	char first[320], second[320];
	struct eeh_ctx *again = NULL;
	size_t len1, len2;
	char *a, *b;
	int r;

	snprintf(first, sizeof(first), "%s/saved.json", fuzz_tmpdir());
	snprintf(second, sizeof(second), "%s/saved-again.json", fuzz_tmpdir());
	FUZZ_CHECK(eeh_save_topology(ctx, first) == 0);
	r = eeh_new_sim(first, &again);
	if (r) {
		fprintf(stderr, "the library refuses what it saved (%d):\n", r);
		a = fuzz_slurp(first, &len1);
		fprintf(stderr, "%s\n", a);
		free(a);
	}
	FUZZ_CHECK(r == 0);
	FUZZ_CHECK(eeh_save_topology(again, second) == 0);
	eeh_unref(again);
	a = fuzz_slurp(first, &len1);
	b = fuzz_slurp(second, &len2);
	if (len1 != len2 || memcmp(a, b, len1))
		fprintf(stderr, "saved:\n%s\nloaded and saved again:\n%s\n", a, b);
	FUZZ_CHECK(len1 == len2 && memcmp(a, b, len1) == 0);
	free(a);
	free(b);
	/* The same file opened as an image. */
	FUZZ_CHECK(eeh_new_sim_image(first, NULL, &again) == 0);
	eeh_unref(again);
}

#endif
