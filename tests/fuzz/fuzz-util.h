/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared helpers of the libFuzzer targets (tests/fuzz/fuzz-*.c). A target
 * defines LLVMFuzzerTestOneInput(); a crash, an ASan/UBSan report or an
 * abort() from a FUZZ_CHECK() is a finding.
 */
#ifndef EEH_FUZZ_UTIL_H
#define EEH_FUZZ_UTIL_H

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libeeh.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant the library promises: abort (a finding) when it fails. */
#define FUZZ_CHECK(cond)                                                               \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,     \
				__LINE__, #cond);                                      \
			abort();                                                       \
		}                                                                      \
	} while (0)

/* The library logs nothing (bad inputs are the normal case here). */
static inline void fuzz_quiet(void)
{
	setenv("EEH_LOG", "emerg", 1);
}

/* The input as a NUL-terminated string (freed by the caller). */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

static char fuzz_dir[256];

/* At exit: the directory and what the target and the library left in it. */
static inline void fuzz_remove_tmpdir(void)
{
	DIR *d = opendir(fuzz_dir);
	struct dirent *e;
	char path[sizeof(fuzz_dir) + 256];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' && (!e->d_name[1] || !strcmp(e->d_name, "..")))
			continue;
		snprintf(path, sizeof(path), "%s/%s", fuzz_dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(fuzz_dir);
}

/* A private directory for the files a target writes, made once per
 * process (libFuzzer runs inputs one after another in one process). */
static inline const char *fuzz_tmpdir(void)
{
	if (!fuzz_dir[0]) {
		const char *base = getenv("TMPDIR");

		snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/eeh-fuzz-XXXXXX",
			 base && *base ? base : "/tmp");
		if (!mkdtemp(fuzz_dir))
			abort();
		atexit(fuzz_remove_tmpdir);
	}
	return fuzz_dir;
}

/* Write the input to dir/name; returns the path (static) or NULL. */
static inline const char *fuzz_write_file(const char *name, const uint8_t *data, size_t size)
{
	static char path[320];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fuzz_tmpdir(), name);
	f = fopen(path, "wb");
	if (!f)
		return NULL;
	if (size && fwrite(data, 1, size, f) != size) {
		fclose(f);
		return NULL;
	}
	return fclose(f) == 0 ? path : NULL;
}

/* A byte reader over the input for targets that run op sequences. */
struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static inline uint32_t fuzz_u32(struct fuzz_in *in)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v = v << 8 | fuzz_u8(in);
	return v;
}

#endif
