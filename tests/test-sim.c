/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The simulated host's firmware: the LoPAR PE state control table cell by
 * cell, timing, freeze limits, fences and what devices see while frozen.
 */
#include <errno.h>

#include "test-util.h"

/* LoPAR "PE State Control", transcribed from the specification:
 * status and next state (-1 no change) for each call and current state. */
static const struct {
	int status, next;
} lopar[5][NSTATES] = {
	[EEH_PAPR_THAW_MMIO] = { { -3, -1 }, { -7, -1 }, { 0, 4 }, { -3, -1 }, { -7, -1 }, { -7, -1 } },
	[EEH_PAPR_THAW_DMA] = { { -3, -1 }, { -7, -1 }, { -7, -1 }, { 0, 0 }, { -7, -1 }, { -7, -1 } },
	[EEH_PAPR_RESET_DEACTIVATE] = { { 0, -1 }, { 0, 0 }, { -7, -1 }, { -3, -1 }, { -7, -1 }, { -7, -1 } },
	[EEH_PAPR_RESET_HOT] = { { 0, 1 }, { 0, -1 }, { 0, 1 }, { 0, 1 }, { -7, -1 }, { -7, -1 } },
	[EEH_PAPR_RESET_FUNDAMENTAL] = { { 0, 1 }, { 0, -1 }, { 0, 1 }, { 0, 1 }, { -7, -1 }, { -7, -1 } },
};

/* A fresh PE (group 1) in state s. */
static struct eeh_pe *pe_in_state(struct eeh_ctx *ctx, int s)
{
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);

	papr_drive_to_state(ctx, pe, s);
	return pe;
}

static void every_cell_of_the_pe_state_control_table(void)
{
	for (int call = 0; call < 5; call++)
		for (int s = 0; s < NSTATES; s++) {
			struct eeh_ctx *ctx = builtin_host();
			struct eeh_pe *pe = pe_in_state(ctx, s);
			unsigned int ms = 0;
			int before = papr_state(pe, &ms), after, r;

			CU_ASSERT_EQUAL(before, state_value[s]);
			if (s == S5P)
				CU_ASSERT_EQUAL(ms, 0);
			if (s == S5T)
				CU_ASSERT(ms > 0);
			r = eeh_sim_papr_call(pe, (enum eeh_papr_call)call);
			CU_ASSERT_EQUAL(r, lopar[call][s].status);
			after = papr_state(pe, NULL);
			if (lopar[call][s].next < 0) {
				CU_ASSERT_EQUAL(after, before);
			} else if (call == EEH_PAPR_RESET_DEACTIVATE) {
				/* deactivate reaches 0 once the PE has settled */
				CU_ASSERT_EQUAL(after, 5);
				eeh_clock_advance(ctx, 1600 * MS);
				CU_ASSERT_EQUAL(papr_state(pe, NULL), lopar[call][s].next);
			} else {
				CU_ASSERT_EQUAL(after, lopar[call][s].next);
			}
			eeh_unref(ctx);
		}
}

static void table_function_agrees_with_lopar(void)
{
	for (int call = 0; call < 5; call++)
		for (int s = 0; s < NSTATES; s++) {
			int next = -2;
			int r = eeh_papr_state_control((enum eeh_papr_call)call, state_value[s],
						       s == S5P, &next);

			CU_ASSERT_EQUAL(r, lopar[call][s].status);
			CU_ASSERT_EQUAL(next, lopar[call][s].next);
		}
	CU_ASSERT_EQUAL(eeh_papr_state_control(EEH_PAPR_THAW_MMIO, 3, false, NULL), -EINVAL);
	CU_ASSERT_EQUAL(eeh_papr_state_control((enum eeh_papr_call)9, 0, false, NULL), -EINVAL);
}

static void fundamental_reset_not_offered_gives_minus_8(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *sas = eeh_pe_by_group(ctx, 8);

	CU_ASSERT_EQUAL(eeh_sim_papr_call(sas, EEH_PAPR_RESET_FUNDAMENTAL), -8);
	CU_ASSERT_EQUAL(papr_state(sas, NULL), 0);
	CU_ASSERT_EQUAL(eeh_sim_papr_call(sas, EEH_PAPR_RESET_HOT), 0);
	CU_ASSERT_EQUAL(papr_state(sas, NULL), 1);
	eeh_unref(ctx);
}

static void frozen_pe_loads_all_ones_and_drops_stores(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 3);
	struct eeh_func *f = eeh_func_first(pe);
	uint64_t v;
	uint32_t c;

	CU_ASSERT_EQUAL(eeh_func_mmio_write(f, 0, 0, 4, 0x1234), 0);
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	CU_ASSERT_EQUAL(eeh_func_mmio_read(f, 0, 0, 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0xffffffff);
	CU_ASSERT_EQUAL(eeh_func_mmio_read(f, 0, 0, 8, &v), 0);
	CU_ASSERT_EQUAL(v, ~0ULL);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0, 2, &c), 0);
	CU_ASSERT_EQUAL(c, 0xffff);
	CU_ASSERT_EQUAL(eeh_func_mmio_write(f, 0, 0, 4, 0x5678), 0); /* dropped */
	CU_ASSERT_EQUAL(eeh_func_dma(f, true, 0x1000, 64), -EIO);
	/* thaw MMIO: loads work again and show the store was dropped */
	CU_ASSERT_EQUAL(eeh_sim_papr_call(pe, EEH_PAPR_THAW_MMIO), 0);
	CU_ASSERT_EQUAL(eeh_func_mmio_read(f, 0, 0, 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0x1234);
	/* state 4: DMA still stopped */
	CU_ASSERT_EQUAL(eeh_func_dma(f, false, 0x1000, 64), -EIO);
	CU_ASSERT_EQUAL(eeh_sim_papr_call(pe, EEH_PAPR_THAW_DMA), 0);
	CU_ASSERT_EQUAL(eeh_func_dma(f, false, 0x1000, 64), 0);
	eeh_unref(ctx);
}

static void reset_returns_config_to_power_on_values(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 3);
	struct eeh_func *f = eeh_func_first(pe);
	uint32_t v;

	CU_ASSERT_EQUAL(eeh_func_cfg_write(f, 0x3c, 1, 0x2a), 0);
	CU_ASSERT_EQUAL(eeh_sim_papr_call(pe, EEH_PAPR_RESET_HOT), 0);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0, 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0xffffffff); /* in reset: no response */
	eeh_clock_advance(ctx, 100 * MS);
	CU_ASSERT_EQUAL(eeh_sim_papr_call(pe, EEH_PAPR_RESET_DEACTIVATE), 0);
	eeh_clock_advance(ctx, 1500 * MS);
	CU_ASSERT_EQUAL(papr_state(pe, NULL), 0);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0, 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0xa808144d);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0x10, 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0x4);   /* BAR unassigned, still 64-bit memory */
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0x04, 2, &v), 0);
	CU_ASSERT_EQUAL(v, 0);     /* decoding off */
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0x3c, 1, &v), 0);
	CU_ASSERT_EQUAL(v, 0);     /* the written interrupt line is gone */
	eeh_unref(ctx);
}

static void early_deactivate_waits_out_the_100ms_hold(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);
	unsigned int ms = 0;

	CU_ASSERT_EQUAL(eeh_sim_papr_call(pe, EEH_PAPR_RESET_HOT), 0);
	eeh_clock_advance(ctx, 10 * MS);
	CU_ASSERT_EQUAL(eeh_sim_papr_call(pe, EEH_PAPR_RESET_DEACTIVATE), 0);
	CU_ASSERT_EQUAL(papr_state(pe, &ms), 5);
	CU_ASSERT_EQUAL(ms, 90 + 1500);
	eeh_clock_advance(ctx, 1000 * MS);
	CU_ASSERT_EQUAL(papr_state(pe, &ms), 5);
	CU_ASSERT_EQUAL(ms, 590);
	eeh_clock_advance(ctx, 590 * MS);
	CU_ASSERT_EQUAL(papr_state(pe, &ms), 0);
	eeh_unref(ctx);
}

/* The freeze limit counts host recoveries (eeh_handle_normal_event), not
 * freezes: an owner that thaws its PE six times within an hour (a VMM's
 * guest recovering through ENABLE) does not make it fail. */
static void freezes_thawed_without_host_recovery_never_fail_the_pe(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 5);

	for (int i = 1; i <= 8; i++) {
		CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
		CU_ASSERT_EQUAL(papr_state(pe, NULL), 2);
		CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, 1 /* ENABLE thaws */), 0);
		CU_ASSERT_EQUAL(papr_state(pe, NULL), 0);
		eeh_clock_advance(ctx, 60 * 1000 * MS);
	}
	CU_ASSERT_EQUAL(eeh_pe_freeze_count(pe), 0);
	CU_ASSERT_EQUAL(eeh_sim_papr_call(pe, EEH_PAPR_RESET_HOT), 0);
	eeh_unref(ctx);
}

static enum eeh_recovery_outcome recover(struct eeh_ctx *ctx, struct eeh_pe *pe)
{
	struct eeh_recovery *rec = NULL;
	struct eeh_recovery_result res = { .size = sizeof(res) };

	CU_ASSERT_EQUAL_FATAL(eeh_recovery_new(ctx, &rec), 0);
	CU_ASSERT_EQUAL(eeh_recovery_run(rec, pe, &res), 0);
	eeh_recovery_free(rec);
	return res.outcome;
}

static void advance_to(struct eeh_ctx *ctx, uint64_t t)
{
	uint64_t now = eeh_clock_now_us(ctx);

	CU_ASSERT(t >= now);
	if (t > now)
		eeh_clock_advance(ctx, t - now);
}

static void sixth_host_recovery_in_an_hour_fails_the_pe_permanently(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 5);
	unsigned int ms = 1;

	for (int i = 1; i <= 5; i++) {
		CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
		CU_ASSERT_EQUAL(recover(ctx, pe), EEH_RECOVERY_RECOVERED);
		CU_ASSERT_EQUAL(eeh_pe_freeze_count(pe), (unsigned int)i);
		CU_ASSERT_EQUAL(papr_state(pe, NULL), 0);
		eeh_clock_advance(ctx, 60 * 1000 * MS);
	}
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	CU_ASSERT_EQUAL(papr_state(pe, NULL), 2); /* the freeze itself kills nothing */
	CU_ASSERT_EQUAL(recover(ctx, pe), EEH_RECOVERY_PERM_FAILED);
	CU_ASSERT_EQUAL(eeh_pe_freeze_count(pe), 6);
	CU_ASSERT_EQUAL(papr_state(pe, &ms), 5);
	CU_ASSERT_EQUAL(ms, 0);
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), -ENODEV);
	CU_ASSERT_EQUAL(eeh_sim_papr_call(pe, EEH_PAPR_RESET_HOT), -7);
	eeh_unref(ctx);
}

static void freezes_more_than_an_hour_apart_start_a_new_window(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 5);

	for (int i = 0; i < 12; i++) {
		CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
		CU_ASSERT_EQUAL(papr_state(pe, NULL), 2);
		CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, 1), 0);
		/* 3 freezes per window, windows 3601 s apart in total */
		eeh_clock_advance(ctx, (i % 3 == 2 ? 3601ULL * 1000 - 2 * 1000 : 1000) * MS);
	}
	CU_ASSERT(eeh_pe_freeze_count(pe) <= 3);
	CU_ASSERT_EQUAL(papr_state(pe, NULL), 0);
	eeh_unref(ctx);
}

/* eeh_pe_update_time_stamp(): the window restarts only when a recovery
 * comes MORE than 3600 s after the window's first; one exactly 3600 s
 * later still counts in it. */
static void a_recovery_exactly_an_hour_after_the_first_is_in_the_same_window(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 5), *other = eeh_pe_by_group(ctx, 6);
	uint64_t t_pe = 0, t_other = 0;

	for (int i = 0; i < 5; i++) {
		CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
		CU_ASSERT_EQUAL(eeh_inject_freeze(other), 0);
		if (i == 0)
			t_pe = eeh_clock_now_us(ctx);
		CU_ASSERT_EQUAL(recover(ctx, pe), EEH_RECOVERY_RECOVERED);
		if (i == 0)
			t_other = eeh_clock_now_us(ctx);
		CU_ASSERT_EQUAL(recover(ctx, other), EEH_RECOVERY_RECOVERED);
		if (i == 0)
			eeh_clock_advance(ctx, 3000ULL * 1000 * MS);
	}
	/* both windows hold 5 recoveries */
	advance_to(ctx, t_pe + 3600ULL * 1000 * MS); /* exactly 3600 s */
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	CU_ASSERT_EQUAL(recover(ctx, pe), EEH_RECOVERY_PERM_FAILED);
	CU_ASSERT_EQUAL(eeh_pe_freeze_count(pe), 6);
	CU_ASSERT_EQUAL(papr_state(pe, NULL), 5); /* the 6th in the window: failed */
	advance_to(ctx, t_other + 3600ULL * 1000 * MS + 1); /* 3600 s and 1 us: a new window */
	CU_ASSERT_EQUAL(eeh_inject_freeze(other), 0);
	CU_ASSERT_EQUAL(recover(ctx, other), EEH_RECOVERY_RECOVERED);
	CU_ASSERT_EQUAL(eeh_pe_freeze_count(other), 1);
	CU_ASSERT_EQUAL(papr_state(other, NULL), 0);
	eeh_unref(ctx);
}

static void phb_fence_freezes_every_pe_under_it_only(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_phb *phb1 = eeh_phb_by_buid(ctx, 0x800000020000001ULL);
	struct eeh_pe *pe;

	CU_ASSERT_EQUAL(eeh_inject_fence(phb1), 0);
	eeh_pe_foreach(phb1, pe) {
		CU_ASSERT_EQUAL(papr_state(pe, NULL), 2);
		CU_ASSERT_EQUAL(eeh_pe_freeze_count(pe), 0); /* recoveries count, not freezes */
	}
	eeh_pe_foreach(eeh_phb_first(ctx), pe)
		CU_ASSERT_EQUAL(papr_state(pe, NULL), 0);
	eeh_unref(ctx);
}

static void frozen_parent_makes_children_unavailable(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *bus = eeh_pe_by_group(ctx, 2), *child = eeh_pe_by_group(ctx, 3);
	unsigned int ms = 0;
	uint64_t v;

	CU_ASSERT_EQUAL(eeh_inject_freeze(bus), 0);
	CU_ASSERT_EQUAL(papr_state(child, &ms), 5);
	CU_ASSERT(ms > 0);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(child, 4), 5); /* VFIO GET_STATE: UNAVAIL */
	CU_ASSERT_EQUAL(eeh_func_mmio_read(eeh_func_first(child), 0, 0, 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0xffffffff);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(bus, 1), 0); /* thaw the parent */
	CU_ASSERT_EQUAL(papr_state(child, NULL), 0);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(child, 4), 0);
	eeh_unref(ctx);
}

static void last_error_records_the_cause(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);
	struct eeh_pe_error e = { .size = sizeof(e) };

	CU_ASSERT_EQUAL(eeh_pe_last_error(pe, &e), 0);
	CU_ASSERT_EQUAL(e.errors, 0);
	eeh_clock_advance(ctx, 42 * MS);
	CU_ASSERT_EQUAL(eeh_inject_fence(eeh_pe_phb(pe)), 0);
	CU_ASSERT_EQUAL(eeh_pe_last_error(pe, &e), 0);
	CU_ASSERT_EQUAL(e.errors, 1);
	CU_ASSERT_EQUAL(e.func, -2);
	CU_ASSERT_EQUAL(e.time_us, 42 * MS);
	eeh_unref(ctx);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(every_cell_of_the_pe_state_control_table),
		TEST(table_function_agrees_with_lopar),
		TEST(fundamental_reset_not_offered_gives_minus_8),
		TEST(frozen_pe_loads_all_ones_and_drops_stores),
		TEST(reset_returns_config_to_power_on_values),
		TEST(early_deactivate_waits_out_the_100ms_hold),
		TEST(freezes_thawed_without_host_recovery_never_fail_the_pe),
		TEST(sixth_host_recovery_in_an_hour_fails_the_pe_permanently),
		TEST(freezes_more_than_an_hour_apart_start_a_new_window),
		TEST(a_recovery_exactly_an_hour_after_the_first_is_in_the_same_window),
		TEST(phb_fence_freezes_every_pe_under_it_only),
		TEST(frozen_parent_makes_children_unavailable),
		TEST(last_error_records_the_cause),
	};

	return RUN_SUITE("sim", tests);
}
