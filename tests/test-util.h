/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A thin CUnit harness: each test file lists its tests and calls run_suite(). */
#ifndef EEH_TEST_UTIL_H
#define EEH_TEST_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

#include <linux/vfio.h>

#include "libeeh.h"

/* VFIO_EEH_PE_OP INJECT_ERR with its arguments, as a VMM issues it. */
static inline int pe_inject_err(struct eeh_pe *pe, unsigned int type, unsigned int func,
				uint64_t addr, uint64_t mask)
{
	struct vfio_eeh_pe_op op = {
		.argsz = sizeof(op),
		.op = VFIO_EEH_PE_INJECT_ERR,
		.err = { .type = type, .func = func, .addr = addr, .mask = mask },
	};

	return eeh_pe_op(pe, &op);
}

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

/* RTAS arguments and guest memory are big-endian. */
static inline uint32_t be32_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void be32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A PE's PAPR state (0, 1, 2, 4, 5), the call asserted to succeed; ms, if
 * not NULL, gets the wait the firmware asks for. */
static inline int papr_state(struct eeh_pe *pe, unsigned int *ms)
{
	int st = -1;

	CU_ASSERT_EQUAL(eeh_pe_papr_state(pe, &st, ms), 0);
	return st;
}

/* The PAPR states a PE can be driven into with firmware-level calls: 5 is
 * either temporarily unavailable (a reset settling) or permanently (past
 * the freeze limit). state_value[] is the number each one reads as. */
enum { S0, S1, S2, S4, S5T, S5P, NSTATES };
static const int state_value[NSTATES] = { 0, 1, 2, 4, 5, 5 };

/* Make a PE permanently failed as the kernel does: host recovery past
 * the freeze limit (the limit counts recoveries, not freezes). */
static inline void fail_pe_permanently(struct eeh_ctx *ctx, struct eeh_pe *pe)
{
	struct eeh_recovery *rec = NULL;
	struct eeh_recovery_result res = { .size = sizeof(res) };
	unsigned int max = eeh_get_max_freezes(ctx);

	eeh_set_max_freezes(ctx, 0);
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	CU_ASSERT_EQUAL(eeh_recovery_new(ctx, &rec), 0);
	CU_ASSERT_EQUAL(eeh_recovery_run(rec, pe, &res), 0);
	CU_ASSERT_EQUAL(res.outcome, EEH_RECOVERY_PERM_FAILED);
	eeh_recovery_free(rec);
	eeh_set_max_freezes(ctx, max);
}

/* Drive a PE in state 0 into state s with firmware-level calls, on the
 * context's virtual clock. */
static inline void papr_drive_to_state(struct eeh_ctx *ctx, struct eeh_pe *pe, int s)
{
	switch (s) {
	case S1:
		CU_ASSERT_EQUAL(eeh_sim_papr_call(pe, EEH_PAPR_RESET_HOT), 0);
		break;
	case S2:
		CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
		break;
	case S4:
		CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
		CU_ASSERT_EQUAL(eeh_sim_papr_call(pe, EEH_PAPR_THAW_MMIO), 0);
		break;
	case S5T:
		CU_ASSERT_EQUAL(eeh_sim_papr_call(pe, EEH_PAPR_RESET_HOT), 0);
		eeh_clock_advance(ctx, 250 * MS);
		CU_ASSERT_EQUAL(eeh_sim_papr_call(pe, EEH_PAPR_RESET_DEACTIVATE), 0);
		break;
	case S5P:
		fail_pe_permanently(ctx, pe);
		break;
	}
}
#endif
