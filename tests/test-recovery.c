/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host-side recovery driver: the kernel's merge rule, the thaw path,
 * the hot, fundamental and fallback resets, the hotplug path for
 * EEH-unaware functions, permanent failure at the freeze limit and when a
 * driver disconnects, and the timestamped event log.
 */
#include <errno.h>
#include <stdatomic.h>
#include <pthread.h>

#include "test-util.h"

/* A driver whose answers the test sets, counting its callbacks. */
struct fake {
	enum eeh_ers_result detected, mmio, slot;
	unsigned int n_detected, n_mmio, n_slot, n_resume, n_perm;
	uint32_t bar0_at_slot_reset;
};

static enum eeh_ers_result fake_detected(struct eeh_func *f, enum eeh_channel_state st, void *d)
{
	struct fake *x = d;

	(void)f;
	if (st == EEH_CHANNEL_PERM_FAILURE) {
		x->n_perm++;
		return EEH_ERS_DISCONNECT;
	}
	x->n_detected++;
	return x->detected;
}

static enum eeh_ers_result fake_mmio(struct eeh_func *f, void *d)
{
	struct fake *x = d;

	(void)f;
	x->n_mmio++;
	return x->mmio;
}

static enum eeh_ers_result fake_slot(struct eeh_func *f, void *d)
{
	struct fake *x = d;

	/* After slot_reset the device is usable: its BARs are back. */
	eeh_func_cfg_read(f, 0x10, 4, &x->bar0_at_slot_reset);
	x->n_slot++;
	return x->slot;
}

static void fake_resume(struct eeh_func *f, void *d)
{
	(void)f;
	((struct fake *)d)->n_resume++;
}

static const struct eeh_driver aware = {
	.size = sizeof(struct eeh_driver),
	.name = "aware", .error_detected = fake_detected, .mmio_enabled = fake_mmio,
	.slot_reset = fake_slot, .resume = fake_resume,
};
static const struct eeh_driver aware_freset = {
	.size = sizeof(struct eeh_driver),
	.name = "aware-freset", .error_detected = fake_detected, .mmio_enabled = fake_mmio,
	.slot_reset = fake_slot, .resume = fake_resume, .needs_freset = true,
};
static const struct eeh_driver no_slot_reset = {
	.size = sizeof(struct eeh_driver),
	.name = "no-slot-reset", .error_detected = fake_detected, .resume = fake_resume,
};

struct fixture {
	struct eeh_ctx *ctx;
	struct eeh_recovery *rec;
	struct eeh_pe *pe;
	struct eeh_recovery_result res;
};

static void setup(struct fixture *fx, int group)
{
	fx->ctx = builtin_host();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx->ctx);
	CU_ASSERT_FATAL(eeh_recovery_new(fx->ctx, &fx->rec) == 0);
	fx->pe = eeh_pe_by_group(fx->ctx, group);
	fx->res.size = sizeof(fx->res);
}

static void teardown(struct fixture *fx)
{
	eeh_recovery_free(fx->rec);
	eeh_unref(fx->ctx);
}

static void bind_all(struct fixture *fx, const struct eeh_driver *drv, struct fake *x)
{
	struct eeh_func *f;
	unsigned int i = 0;

	eeh_func_foreach(fx->pe, f)
		CU_ASSERT_EQUAL(eeh_recovery_set_driver(fx->rec, f, drv, &x[i++]), 0);
}

static unsigned int count_steps(struct eeh_recovery *rec, enum eeh_recovery_step step)
{
	struct eeh_recovery_event ev = { .size = sizeof(ev) };
	unsigned int n = 0;

	for (unsigned int i = 0; eeh_recovery_event_get(rec, i, &ev) == 0; i++)
		n += ev.step == step;
	return n;
}

static void merge_keeps_the_higher_priority_answer(void)
{
	CU_ASSERT_EQUAL(eeh_ers_merge(EEH_ERS_NONE, EEH_ERS_CAN_RECOVER), EEH_ERS_CAN_RECOVER);
	CU_ASSERT_EQUAL(eeh_ers_merge(EEH_ERS_CAN_RECOVER, EEH_ERS_NEED_RESET), EEH_ERS_NEED_RESET);
	CU_ASSERT_EQUAL(eeh_ers_merge(EEH_ERS_NEED_RESET, EEH_ERS_DISCONNECT), EEH_ERS_NEED_RESET);
	CU_ASSERT_EQUAL(eeh_ers_merge(EEH_ERS_DISCONNECT, EEH_ERS_NEED_RESET), EEH_ERS_NEED_RESET);
	CU_ASSERT_EQUAL(eeh_ers_merge(EEH_ERS_CAN_RECOVER, EEH_ERS_RECOVERED), EEH_ERS_CAN_RECOVER);
	CU_ASSERT_EQUAL(eeh_ers_merge(EEH_ERS_RECOVERED, EEH_ERS_NO_AER_DRIVER), EEH_ERS_RECOVERED);
	CU_ASSERT_EQUAL(eeh_ers_merge(EEH_ERS_NO_AER_DRIVER, EEH_ERS_NONE), EEH_ERS_NO_AER_DRIVER);
	CU_ASSERT_EQUAL(eeh_ers_merge(EEH_ERS_CAN_RECOVER, EEH_ERS_DISCONNECT), EEH_ERS_DISCONNECT);
	CU_ASSERT_EQUAL(eeh_ers_from_name("need-reset"), EEH_ERS_NEED_RESET);
	CU_ASSERT_STRING_EQUAL(eeh_ers_name(EEH_ERS_CAN_RECOVER), "can-recover");
}

static void thaw_path_when_every_driver_can_recover(void)
{
	struct fixture fx;
	struct fake x[2] = { { .detected = EEH_ERS_CAN_RECOVER, .mmio = EEH_ERS_RECOVERED },
			     { .detected = EEH_ERS_CAN_RECOVER, .mmio = EEH_ERS_CAN_RECOVER } };
	static const enum eeh_recovery_step expect[] = {
		EEH_STEP_BEGIN, EEH_STEP_FREEZE_COUNT, EEH_STEP_ERROR_DETECTED,
		EEH_STEP_ERROR_DETECTED, EEH_STEP_WAIT_STATE, EEH_STEP_ERROR_LOG,
		EEH_STEP_THAW_MMIO, EEH_STEP_MMIO_ENABLED, EEH_STEP_MMIO_ENABLED,
		EEH_STEP_THAW_DMA, EEH_STEP_RESUME, EEH_STEP_RESUME, EEH_STEP_RECOVERED,
		EEH_STEP_END,
	};
	struct eeh_recovery_event ev = { .size = sizeof(ev) };

	setup(&fx, 1);
	bind_all(&fx, &aware, x);
	CU_ASSERT_EQUAL(eeh_inject_ioa(fx.pe, EEH_ERR_TYPE_64, EEH_ERR_FUNC_LD_MEM_DATA, 0, 0), 0);
	CU_ASSERT_EQUAL(papr_state(fx.pe, NULL), EEH_PAPR_STATE_STOPPED);
	CU_ASSERT_EQUAL(eeh_recovery_run(fx.rec, fx.pe, &fx.res), 0);
	CU_ASSERT_EQUAL(fx.res.outcome, EEH_RECOVERY_RECOVERED);
	CU_ASSERT_EQUAL(fx.res.path, EEH_RECOVERY_PATH_THAW);
	CU_ASSERT_EQUAL(fx.res.reset_attempts, 0);
	CU_ASSERT_EQUAL(fx.res.end_us - fx.res.start_us, 0); /* no waits on the thaw path */
	CU_ASSERT_EQUAL(papr_state(fx.pe, NULL), EEH_PAPR_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_pe_flags(fx.pe), 0);
	CU_ASSERT_EQUAL(x[0].n_mmio + x[1].n_mmio, 2);
	CU_ASSERT_EQUAL(x[0].n_slot + x[1].n_slot, 0);
	CU_ASSERT_EQUAL(x[0].n_resume + x[1].n_resume, 2);
	CU_ASSERT_EQUAL_FATAL(eeh_recovery_event_count(fx.rec), sizeof(expect) / sizeof(expect[0]));
	for (unsigned int i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		CU_ASSERT_EQUAL(eeh_recovery_event_get(fx.rec, i, &ev), 0);
		CU_ASSERT_EQUAL(ev.step, expect[i]);
	}
	CU_ASSERT_EQUAL(eeh_recovery_event_get(fx.rec, 5, &ev), 0);
	CU_ASSERT_EQUAL(ev.value, EEH_ERR_FUNC_LD_MEM_DATA); /* the error log names the cause */
	teardown(&fx);
}

static void mmio_enabled_asking_for_reset_turns_thaw_into_reset(void)
{
	struct fixture fx;
	struct fake x[2] = { { .detected = EEH_ERS_CAN_RECOVER, .mmio = EEH_ERS_NEED_RESET,
			       .slot = EEH_ERS_RECOVERED },
			     { .detected = EEH_ERS_CAN_RECOVER, .mmio = EEH_ERS_RECOVERED,
			       .slot = EEH_ERS_RECOVERED } };

	setup(&fx, 1);
	bind_all(&fx, &aware, x);
	CU_ASSERT_EQUAL(eeh_inject_freeze(fx.pe), 0);
	CU_ASSERT_EQUAL(eeh_recovery_run(fx.rec, fx.pe, &fx.res), 0);
	CU_ASSERT_EQUAL(fx.res.outcome, EEH_RECOVERY_RECOVERED);
	CU_ASSERT_EQUAL(fx.res.path, EEH_RECOVERY_PATH_RESET);
	CU_ASSERT_EQUAL(fx.res.reset_attempts, 1);
	CU_ASSERT_EQUAL(count_steps(fx.rec, EEH_STEP_THAW_DMA), 0);
	CU_ASSERT_EQUAL(x[0].n_slot + x[1].n_slot, 2);
	teardown(&fx);
}

static void need_reset_does_one_hot_reset_with_kernel_waits(void)
{
	struct fixture fx;
	struct fake x[2] = { { .detected = EEH_ERS_CAN_RECOVER, .slot = EEH_ERS_RECOVERED,
			       .mmio = EEH_ERS_RECOVERED },
			     { .detected = EEH_ERS_NEED_RESET, .slot = EEH_ERS_RECOVERED } };
	struct eeh_recovery_event ev = { .size = sizeof(ev) };
	uint64_t assert_us = 0, deact_us = 0;
	uint64_t bar0 = 0;

	setup(&fx, 1);
	bind_all(&fx, &aware, x);
	CU_ASSERT_EQUAL(eeh_inject_ioa(fx.pe, EEH_ERR_TYPE_32, EEH_ERR_FUNC_LD_MEM_ADDR, 0, 0), 0);
	CU_ASSERT_EQUAL(eeh_recovery_run(fx.rec, fx.pe, &fx.res), 0);
	CU_ASSERT_EQUAL(fx.res.outcome, EEH_RECOVERY_RECOVERED);
	CU_ASSERT_EQUAL(fx.res.path, EEH_RECOVERY_PATH_RESET);
	CU_ASSERT_EQUAL(fx.res.reset_attempts, 1);
	CU_ASSERT_FALSE(fx.res.fundamental);
	/* 250 ms hold + 1.8 s settle on the library clock. */
	CU_ASSERT(fx.res.end_us - fx.res.start_us >= 2050 * MS);
	CU_ASSERT(fx.res.end_us - fx.res.start_us < 2100 * MS);
	for (unsigned int i = 0; eeh_recovery_event_get(fx.rec, i, &ev) == 0; i++) {
		if (ev.step == EEH_STEP_RESET_ASSERT) {
			assert_us = ev.time_us;
			CU_ASSERT_EQUAL(ev.value, 1); /* hot */
		}
		if (ev.step == EEH_STEP_RESET_DEACTIVATE)
			deact_us = ev.time_us;
	}
	CU_ASSERT_EQUAL(deact_us - assert_us, 250 * MS);
	/* The device is back: BARs restored, slot_reset saw them, MMIO works. */
	CU_ASSERT_EQUAL(x[0].bar0_at_slot_reset & ~0xfu, 0x80000000U);
	CU_ASSERT_EQUAL(x[0].n_slot + x[1].n_slot, 2);
	CU_ASSERT_EQUAL(x[0].n_resume + x[1].n_resume, 2);
	CU_ASSERT_EQUAL(x[0].n_mmio, 0);
	CU_ASSERT_EQUAL(papr_state(fx.pe, NULL), EEH_PAPR_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_func_mmio_write(eeh_func_first(fx.pe), 0, 8, 8, 0x55), 0);
	CU_ASSERT_EQUAL(eeh_func_mmio_read(eeh_func_first(fx.pe), 0, 8, 8, &bar0), 0);
	CU_ASSERT_EQUAL(bar0, 0x55);
	teardown(&fx);
}

static void needs_freset_asks_for_a_fundamental_reset(void)
{
	struct fixture fx;
	struct fake x[1] = { { .detected = EEH_ERS_NEED_RESET, .slot = EEH_ERS_RECOVERED } };
	struct eeh_recovery_event ev = { .size = sizeof(ev) };

	setup(&fx, 3);
	bind_all(&fx, &aware_freset, x);
	CU_ASSERT_EQUAL(eeh_inject_ioa(fx.pe, 1, EEH_ERR_FUNC_DMA_RD_TARGET, 0, 0), 0);
	CU_ASSERT_EQUAL(eeh_func_dma(eeh_func_first(fx.pe), false, 0x2000, 8), -EIO);
	CU_ASSERT_EQUAL(eeh_recovery_run(fx.rec, fx.pe, &fx.res), 0);
	CU_ASSERT_EQUAL(fx.res.outcome, EEH_RECOVERY_RECOVERED);
	CU_ASSERT(fx.res.fundamental);
	CU_ASSERT_FALSE(fx.res.fell_back_to_hot);
	CU_ASSERT_EQUAL(count_steps(fx.rec, EEH_STEP_RESET_FALLBACK_HOT), 0);
	for (unsigned int i = 0; eeh_recovery_event_get(fx.rec, i, &ev) == 0; i++)
		if (ev.step == EEH_STEP_RESET_ASSERT)
			CU_ASSERT_EQUAL(ev.value, 3);
	CU_ASSERT_EQUAL(eeh_func_dma(eeh_func_first(fx.pe), false, 0x2000, 8), 0);
	teardown(&fx);
}

static void slot_without_fundamental_reset_falls_back_to_hot(void)
{
	struct fixture fx;
	struct fake x[1] = { { .detected = EEH_ERS_NEED_RESET, .slot = EEH_ERS_RECOVERED } };

	setup(&fx, 8); /* the SAS adapter: PAPR -8 for a fundamental reset */
	bind_all(&fx, &aware_freset, x);
	CU_ASSERT_EQUAL(eeh_inject_freeze(fx.pe), 0);
	CU_ASSERT_EQUAL(eeh_recovery_run(fx.rec, fx.pe, &fx.res), 0);
	CU_ASSERT_EQUAL(fx.res.outcome, EEH_RECOVERY_RECOVERED);
	CU_ASSERT(fx.res.fundamental);
	CU_ASSERT(fx.res.fell_back_to_hot);
	CU_ASSERT_EQUAL(count_steps(fx.rec, EEH_STEP_RESET_FALLBACK_HOT), 1);
	CU_ASSERT_EQUAL(papr_state(fx.pe, NULL), EEH_PAPR_STATE_NORMAL);
	teardown(&fx);
}

static void unaware_functions_get_the_hotplug_path(void)
{
	struct fixture fx;
	uint32_t bar0 = 0;

	setup(&fx, 1); /* no driver registered on either function */
	CU_ASSERT_EQUAL(eeh_inject_ioa(fx.pe, 0, EEH_ERR_FUNC_ST_MEM_ADDR, 0x80000100, 0xffffff00),
			0);
	CU_ASSERT_EQUAL(eeh_func_mmio_write(eeh_func_first(fx.pe), 0, 0x100, 4, 1), 0);
	CU_ASSERT_EQUAL(papr_state(fx.pe, NULL), EEH_PAPR_STATE_STOPPED);
	CU_ASSERT_EQUAL(eeh_recovery_run(fx.rec, fx.pe, &fx.res), 0);
	CU_ASSERT_EQUAL(fx.res.outcome, EEH_RECOVERY_RECOVERED);
	CU_ASSERT_EQUAL(fx.res.path, EEH_RECOVERY_PATH_HOTPLUG);
	CU_ASSERT_EQUAL(fx.res.result, EEH_ERS_NONE);
	CU_ASSERT_EQUAL(count_steps(fx.rec, EEH_STEP_REMOVE), 2);
	CU_ASSERT_EQUAL(count_steps(fx.rec, EEH_STEP_RESCAN), 1);
	/* reset (2.05 s) + the 5 s before the rescan */
	CU_ASSERT(fx.res.end_us - fx.res.start_us >= 7050 * MS);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(eeh_func_first(fx.pe), 0x10, 4, &bar0), 0);
	CU_ASSERT_EQUAL(bar0 & ~0xfu, 0x80000000U);
	teardown(&fx);
}

static void driver_without_slot_reset_is_removed_around_the_reset(void)
{
	struct fixture fx;
	struct fake x[2] = { { .detected = EEH_ERS_NEED_RESET, .slot = EEH_ERS_RECOVERED },
			     { .detected = EEH_ERS_CAN_RECOVER } };
	struct eeh_func *f0, *f1;

	setup(&fx, 1);
	f0 = eeh_func_first(fx.pe);
	f1 = eeh_func_next(f0);
	CU_ASSERT_EQUAL(eeh_recovery_set_driver(fx.rec, f0, &aware, &x[0]), 0);
	CU_ASSERT_EQUAL(eeh_recovery_set_driver(fx.rec, f1, &no_slot_reset, &x[1]), 0);
	CU_ASSERT_EQUAL(eeh_inject_freeze(fx.pe), 0);
	CU_ASSERT_EQUAL(eeh_recovery_run(fx.rec, fx.pe, &fx.res), 0);
	CU_ASSERT_EQUAL(fx.res.outcome, EEH_RECOVERY_RECOVERED);
	CU_ASSERT_EQUAL(fx.res.path, EEH_RECOVERY_PATH_RESET);
	CU_ASSERT_EQUAL(count_steps(fx.rec, EEH_STEP_REMOVE), 1);
	CU_ASSERT_EQUAL(count_steps(fx.rec, EEH_STEP_RESCAN), 1);
	CU_ASSERT_EQUAL(x[0].n_resume, 1);
	CU_ASSERT_EQUAL(x[1].n_resume, 0); /* probed afresh, not resumed */
	teardown(&fx);
}

static void sixth_freeze_in_the_window_fails_permanently(void)
{
	struct fixture fx;
	struct fake x[2] = { { .detected = EEH_ERS_CAN_RECOVER, .mmio = EEH_ERS_RECOVERED },
			     { .detected = EEH_ERS_CAN_RECOVER, .mmio = EEH_ERS_RECOVERED } };
	unsigned int ms = 1;

	setup(&fx, 1);
	bind_all(&fx, &aware, x);
	for (int i = 1; i <= 5; i++) {
		CU_ASSERT_EQUAL(eeh_inject_freeze(fx.pe), 0);
		eeh_clock_advance(fx.ctx, 60 * 1000 * MS);
		CU_ASSERT_EQUAL(eeh_recovery_run(fx.rec, fx.pe, &fx.res), 0);
		CU_ASSERT_EQUAL(fx.res.outcome, EEH_RECOVERY_RECOVERED);
		CU_ASSERT_EQUAL(fx.res.freeze_count, (unsigned int)i);
	}
	CU_ASSERT_EQUAL(eeh_inject_freeze(fx.pe), 0);
	CU_ASSERT_EQUAL(eeh_recovery_run(fx.rec, fx.pe, &fx.res), 0);
	CU_ASSERT_EQUAL(fx.res.outcome, EEH_RECOVERY_PERM_FAILED);
	CU_ASSERT_EQUAL(fx.res.freeze_count, 6);
	CU_ASSERT_EQUAL(fx.res.result, EEH_ERS_DISCONNECT);
	CU_ASSERT_EQUAL(x[0].n_detected, 5); /* not asked the 6th time */
	CU_ASSERT_EQUAL(x[0].n_perm + x[1].n_perm, 2);
	CU_ASSERT_EQUAL(papr_state(fx.pe, &ms), EEH_PAPR_STATE_UNAVAIL);
	CU_ASSERT_EQUAL(ms, 0);
	CU_ASSERT(eeh_pe_flags(fx.pe) & 0x400); /* REMOVED */
	CU_ASSERT_EQUAL(eeh_recovery_run(fx.rec, fx.pe, &fx.res), 0);
	CU_ASSERT_EQUAL(fx.res.outcome, EEH_RECOVERY_REMOVED);
	teardown(&fx);
}

static void freezes_an_hour_apart_never_reach_the_limit(void)
{
	struct fixture fx;
	struct fake x[2] = { { .detected = EEH_ERS_CAN_RECOVER, .mmio = EEH_ERS_RECOVERED },
			     { .detected = EEH_ERS_CAN_RECOVER, .mmio = EEH_ERS_RECOVERED } };

	setup(&fx, 1);
	bind_all(&fx, &aware, x);
	for (int i = 0; i < 20; i++) {
		CU_ASSERT_EQUAL(eeh_inject_freeze(fx.pe), 0);
		CU_ASSERT_EQUAL(eeh_recovery_run(fx.rec, fx.pe, &fx.res), 0);
		CU_ASSERT_EQUAL(fx.res.outcome, EEH_RECOVERY_RECOVERED);
		eeh_clock_advance(fx.ctx, 15 * 60 * 1000 * MS); /* 4 per hour, 5 per window at most */
	}
	teardown(&fx);
}

static void driver_that_disconnects_fails_the_pe(void)
{
	struct fixture fx;
	struct fake x[2] = { { .detected = EEH_ERS_DISCONNECT }, { .detected = EEH_ERS_CAN_RECOVER } };

	setup(&fx, 1);
	bind_all(&fx, &aware, x);
	CU_ASSERT_EQUAL(eeh_inject_freeze(fx.pe), 0);
	CU_ASSERT_EQUAL(eeh_recovery_run(fx.rec, fx.pe, &fx.res), 0);
	CU_ASSERT_EQUAL(fx.res.outcome, EEH_RECOVERY_PERM_FAILED);
	CU_ASSERT_EQUAL(fx.res.reset_attempts, 0);
	CU_ASSERT_EQUAL(count_steps(fx.rec, EEH_STEP_PERM_FAILURE), 1);
	CU_ASSERT_EQUAL(x[0].n_resume + x[1].n_resume, 0);
	CU_ASSERT_EQUAL(x[0].n_perm + x[1].n_perm, 2);
	CU_ASSERT(eeh_pe_flags(fx.pe) & 0x400);
	teardown(&fx);
}

static void need_reset_after_slot_reset_is_a_permanent_failure(void)
{
	struct fixture fx;
	struct fake x[1] = { { .detected = EEH_ERS_NEED_RESET, .slot = EEH_ERS_NEED_RESET } };

	setup(&fx, 3);
	bind_all(&fx, &aware, x);
	CU_ASSERT_EQUAL(eeh_inject_freeze(fx.pe), 0);
	CU_ASSERT_EQUAL(eeh_recovery_run(fx.rec, fx.pe, &fx.res), 0);
	CU_ASSERT_EQUAL(fx.res.outcome, EEH_RECOVERY_PERM_FAILED);
	CU_ASSERT_EQUAL(fx.res.reset_attempts, 1); /* slot_reset never triggers a 2nd reset */
	teardown(&fx);
}

/* mmio_enabled of a driver that finds the adapter gone into a firmware
 * reset: the slot settles (PAPR state 5) for longer than the recovery's
 * three attempts take, so every assert is refused (-7), and the driver
 * asks for a reset the platform cannot do. (A freeze past the limit no
 * longer kills a PE by itself: the limit counts host recoveries.) */
static struct eeh_ctx *dying_ctx;

static enum eeh_ers_result kill_and_ask_reset(struct eeh_func *f, void *d)
{
	struct eeh_pe *pe = eeh_func_pe(f);

	(void)d;
	eeh_sim_papr_call(pe, EEH_PAPR_RESET_HOT);
	eeh_sim_papr_call(pe, EEH_PAPR_RESET_DEACTIVATE); /* settles 1.6 s */
	return EEH_ERS_NEED_RESET;
}

static const struct eeh_driver dies_in_mmio_enabled = {
	.size = sizeof(struct eeh_driver),
	.name = "dies", .error_detected = fake_detected, .mmio_enabled = kill_and_ask_reset,
	.slot_reset = fake_slot, .resume = fake_resume,
};

static void failing_reset_is_tried_three_times_then_fails_the_pe(void)
{
	struct fixture fx;
	struct fake x[1] = { { .detected = EEH_ERS_CAN_RECOVER, .slot = EEH_ERS_RECOVERED } };
	struct eeh_recovery_event ev = { .size = sizeof(ev) };
	uint64_t first = UINT64_MAX, last = 0;

	setup(&fx, 3);
	dying_ctx = fx.ctx;
	bind_all(&fx, &dies_in_mmio_enabled, x);
	CU_ASSERT_EQUAL(eeh_inject_freeze(fx.pe), 0);
	CU_ASSERT_EQUAL(eeh_recovery_run(fx.rec, fx.pe, &fx.res), 0);
	CU_ASSERT_EQUAL(fx.res.outcome, EEH_RECOVERY_PERM_FAILED);
	CU_ASSERT_EQUAL(fx.res.path, EEH_RECOVERY_PATH_RESET);
	CU_ASSERT_EQUAL(fx.res.reset_attempts, 3);
	CU_ASSERT_EQUAL(count_steps(fx.rec, EEH_STEP_RESET_ASSERT), 3);
	CU_ASSERT_EQUAL(count_steps(fx.rec, EEH_STEP_RESET_DEACTIVATE), 0);
	CU_ASSERT_EQUAL(count_steps(fx.rec, EEH_STEP_SLOT_RESET), 0);
	CU_ASSERT_EQUAL(x[0].n_slot + x[0].n_resume, 0);
	CU_ASSERT_EQUAL(x[0].n_perm, 1);
	for (unsigned int i = 0; eeh_recovery_event_get(fx.rec, i, &ev) == 0; i++)
		if (ev.step == EEH_STEP_RESET_ASSERT) {
			if (first == UINT64_MAX)
				first = ev.time_us;
			last = ev.time_us;
		}
	/* Each failed assert still holds 250 ms (pseries_eeh_phb_reset). */
	CU_ASSERT_EQUAL(last - first, 2 * 250 * MS);
	teardown(&fx);
}

/* eeh_dev_check_failure(): the host leaves a passed-through PE (a function
 * owned through VFIO) to its owner: no recovery, no RECOVERING flag, no
 * freeze count, no driver callback. */
static void passed_through_pe_is_not_recovered_by_the_host(void)
{
	struct fixture fx;
	struct fake x[2] = { { .detected = EEH_ERS_CAN_RECOVER, .mmio = EEH_ERS_RECOVERED },
			     { .detected = EEH_ERS_CAN_RECOVER, .mmio = EEH_ERS_RECOVERED } };
	struct eeh_iommufd *ifd;
	uint32_t id = 0;

	setup(&fx, 1);
	bind_all(&fx, &aware, x);
	CU_ASSERT_EQUAL_FATAL(eeh_iommufd_open(fx.ctx, 0, &ifd), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_bind(ifd, "0000:01:00.1", &id), 0);
	CU_ASSERT_EQUAL(eeh_inject_freeze(fx.pe), 0);
	CU_ASSERT_EQUAL(eeh_recovery_run(fx.rec, fx.pe, &fx.res), -EBUSY);
	CU_ASSERT_EQUAL(eeh_recovery_event_count(fx.rec), 0);
	CU_ASSERT_EQUAL(eeh_pe_freeze_count(fx.pe), 0);
	CU_ASSERT_EQUAL(eeh_pe_flags(fx.pe) & 0x2, 0);
	CU_ASSERT_EQUAL(x[0].n_detected + x[1].n_detected, 0);
	CU_ASSERT_EQUAL(papr_state(fx.pe, NULL), EEH_PAPR_STATE_STOPPED);
	/* released (and thawed by the release), the host owns it again */
	CU_ASSERT_EQUAL(eeh_iommufd_unbind(ifd, id), 0);
	CU_ASSERT_EQUAL(papr_state(fx.pe, NULL), EEH_PAPR_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_inject_freeze(fx.pe), 0);
	CU_ASSERT_EQUAL(eeh_recovery_run(fx.rec, fx.pe, &fx.res), 0);
	CU_ASSERT_EQUAL(fx.res.outcome, EEH_RECOVERY_RECOVERED);
	CU_ASSERT_EQUAL(fx.res.freeze_count, 1);
	eeh_iommufd_close(ifd);
	teardown(&fx);
}

static void healthy_pe_is_a_false_positive(void)
{
	struct fixture fx;

	setup(&fx, 5);
	CU_ASSERT_EQUAL(eeh_recovery_run(fx.rec, fx.pe, &fx.res), 0);
	CU_ASSERT_EQUAL(fx.res.outcome, EEH_RECOVERY_NOT_FROZEN);
	CU_ASSERT_EQUAL(eeh_recovery_event_count(fx.rec), 0);
	CU_ASSERT_EQUAL(eeh_recovery_run(NULL, fx.pe, &fx.res), -EINVAL);
	teardown(&fx);
}

static void bus_pe_reset_recovers_its_child_pes(void)
{
	struct fixture fx;
	struct fake x[1] = { { .detected = EEH_ERS_NEED_RESET, .slot = EEH_ERS_RECOVERED } };
	struct eeh_pe *child;
	uint32_t bar0 = 0;

	setup(&fx, 2);
	bind_all(&fx, &aware, x);
	CU_ASSERT_EQUAL(eeh_inject_fence(eeh_pe_phb(fx.pe)), 0);
	CU_ASSERT_EQUAL(eeh_recovery_run(fx.rec, fx.pe, &fx.res), 0);
	CU_ASSERT_EQUAL(fx.res.outcome, EEH_RECOVERY_RECOVERED);
	child = eeh_pe_by_group(fx.ctx, 3);
	CU_ASSERT_EQUAL(papr_state(child, NULL), EEH_PAPR_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(eeh_func_first(child), 0x10, 4, &bar0), 0);
	CU_ASSERT_EQUAL(bar0 & ~0xfu, 0x83000000U);
	CU_ASSERT_EQUAL(eeh_recovery_run(fx.rec, child, &fx.res), 0);
	CU_ASSERT_EQUAL(fx.res.outcome, EEH_RECOVERY_NOT_FROZEN);
	/* The NIC on the same PHB is not under the bus: still frozen. */
	CU_ASSERT_EQUAL(papr_state(eeh_pe_by_group(fx.ctx, 1), NULL), EEH_PAPR_STATE_STOPPED);
	teardown(&fx);
}

static void frozen_parent_is_recovered_instead_of_its_child(void)
{
	struct fixture fx;
	struct fake x[1] = { { .detected = EEH_ERS_NEED_RESET, .slot = EEH_ERS_RECOVERED } };
	struct eeh_pe *bus;
	struct eeh_recovery_event ev = { .size = sizeof(ev) };

	setup(&fx, 2);
	bind_all(&fx, &aware, x);
	bus = fx.pe;
	fx.pe = eeh_pe_by_group(fx.ctx, 4);
	CU_ASSERT_EQUAL(eeh_inject_freeze(bus), 0);
	CU_ASSERT_EQUAL(eeh_recovery_run(fx.rec, fx.pe, &fx.res), 0);
	CU_ASSERT_PTR_EQUAL(fx.res.pe, bus);
	CU_ASSERT_EQUAL(fx.res.outcome, EEH_RECOVERY_RECOVERED);
	CU_ASSERT_EQUAL(fx.res.path, EEH_RECOVERY_PATH_RESET);
	CU_ASSERT_EQUAL(eeh_recovery_event_get(fx.rec, 0, &ev), 0);
	CU_ASSERT_EQUAL(ev.step, EEH_STEP_ESCALATE);
	CU_ASSERT_PTR_EQUAL(ev.pe, bus);
	CU_ASSERT_EQUAL(papr_state(bus, NULL), EEH_PAPR_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_pe_flags(fx.pe), 0);
	teardown(&fx);
}

/* Structs that may grow carry their size: one the library cannot trust
 * is refused before anything runs, and a caller's struct is filled only
 * as far as its size says. */
static void structs_with_a_short_size_are_refused(void)
{
	struct eeh_driver drv = aware;
	struct eeh_recovery_event ev = { .size = offsetof(struct eeh_recovery_event, value) };
	struct fixture fx;

	setup(&fx, 1);
	drv.size = 0;
	CU_ASSERT_EQUAL(eeh_recovery_set_driver(fx.rec, eeh_func_first(fx.pe), &drv, NULL), -EINVAL);
	CU_ASSERT_EQUAL(eeh_inject_freeze(fx.pe), 0);
	fx.res.size = offsetof(struct eeh_recovery_result, pe);
	CU_ASSERT_EQUAL(eeh_recovery_run(fx.rec, fx.pe, &fx.res), -EINVAL);
	CU_ASSERT_EQUAL(papr_state(fx.pe, NULL), EEH_PAPR_STATE_STOPPED); /* nothing ran */
	CU_ASSERT_EQUAL(eeh_recovery_event_count(fx.rec), 0);
	fx.res.size = sizeof(fx.res);
	CU_ASSERT_EQUAL(eeh_recovery_run(fx.rec, fx.pe, &fx.res), 0);
	CU_ASSERT_EQUAL(fx.res.size, sizeof(fx.res));
	CU_ASSERT_EQUAL(fx.res.outcome, EEH_RECOVERY_RECOVERED);
	CU_ASSERT_EQUAL(eeh_recovery_event_get(fx.rec, 0, &ev), -EINVAL);
	teardown(&fx);
}

struct recovery_loop {
	struct eeh_recovery *rec;
	struct eeh_pe *pe;
	_Atomic bool done;
};

static void *freeze_and_recover(void *arg)
{
	struct recovery_loop *l = arg;

	for (int i = 0; i < 200; i++) {
		struct eeh_recovery_result res = { .size = sizeof(res) };

		eeh_inject_freeze(l->pe);
		eeh_recovery_run(l->rec, l->pe, &res);
	}
	atomic_store(&l->done, true);
	return NULL;
}

/* Recovery counts the PE's freeze (under the PE's lock) while getters read
 * the count without it: every read sees a whole count, never going back. */
static void freeze_count_reads_race_no_recovery(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct recovery_loop l = { .pe = eeh_pe_by_group(ctx, 1) };
	unsigned int last = 0, backwards = 0, n;
	pthread_t t;

	CU_ASSERT_EQUAL(eeh_set_max_freezes(ctx, 1000000), 0);
	CU_ASSERT_EQUAL_FATAL(eeh_recovery_new(ctx, &l.rec), 0);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, freeze_and_recover, &l), 0);
	while (!atomic_load(&l.done)) {
		n = eeh_pe_freeze_count(l.pe);
		backwards += n < last;
		last = n;
	}
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(backwards, 0);
	CU_ASSERT_EQUAL(eeh_pe_freeze_count(l.pe), 200);
	eeh_recovery_free(l.rec);
	eeh_unref(ctx);
}

static const struct test tests[] = {
	TEST(freeze_count_reads_race_no_recovery),
	TEST(structs_with_a_short_size_are_refused),
	TEST(frozen_parent_is_recovered_instead_of_its_child),
	TEST(merge_keeps_the_higher_priority_answer),
	TEST(thaw_path_when_every_driver_can_recover),
	TEST(mmio_enabled_asking_for_reset_turns_thaw_into_reset),
	TEST(need_reset_does_one_hot_reset_with_kernel_waits),
	TEST(needs_freset_asks_for_a_fundamental_reset),
	TEST(slot_without_fundamental_reset_falls_back_to_hot),
	TEST(unaware_functions_get_the_hotplug_path),
	TEST(driver_without_slot_reset_is_removed_around_the_reset),
	TEST(sixth_freeze_in_the_window_fails_permanently),
	TEST(passed_through_pe_is_not_recovered_by_the_host),
	TEST(freezes_an_hour_apart_never_reach_the_limit),
	TEST(driver_that_disconnects_fails_the_pe),
	TEST(need_reset_after_slot_reset_is_a_permanent_failure),
	TEST(failing_reset_is_tried_three_times_then_fails_the_pe),
	TEST(healthy_pe_is_a_false_positive),
	TEST(bus_pe_reset_recovers_its_child_pes),
};

int main(void)
{
	return RUN_SUITE("recovery", tests);
}
