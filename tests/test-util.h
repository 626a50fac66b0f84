/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A thin CUnit harness: each test file lists its tests and calls run_suite(). */
#ifndef EEH_TEST_UTIL_H
#define EEH_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

#include "libeeh.h"

struct test {
	const char *name;
	void (*fn)(void);
};
#define TEST(fn) { #fn, fn }

static inline int run_suite(const char *suite_name, const struct test *tests, size_t n)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite(suite_name, NULL, NULL);
	for (size_t i = 0; s && i < n; i++)
		if (!CU_add_test(s, tests[i].name, tests[i].fn))
			s = NULL;
	if (!s) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define RUN_SUITE(name, tests) run_suite(name, tests, ARRAY_SIZE(tests))

/* Collects the library's log lines for tests that check messages. */
static char test_log[4096];
static inline void test_log_fn(struct eeh_ctx *ctx, int prio, const char *file, int line,
			       const char *fn, const char *fmt, va_list ap)
{
	size_t len = strlen(test_log);

	(void)ctx; (void)prio; (void)file; (void)line; (void)fn;
	if (len < sizeof(test_log) - 2) {
		vsnprintf(test_log + len, sizeof(test_log) - len - 1, fmt, ap);
		strcat(test_log, "\n");
	}
}

static inline struct eeh_ctx *builtin_host(void)
{
	struct eeh_ctx *ctx = NULL;

	if (eeh_new_sim(NULL, &ctx) < 0)
		return NULL;
	return ctx;
}

#define MS 1000ULL
#endif
