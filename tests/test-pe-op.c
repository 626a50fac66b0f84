/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VFIO_EEH_PE_OP: the kernel's validation and per-op semantics. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include <linux/vfio.h>

#include "test-util.h"

static int op(struct eeh_pe *pe, unsigned int code)
{
	return eeh_pe_op_simple(pe, code);
}

static int get_state(struct eeh_pe *pe)
{
	return op(pe, VFIO_EEH_PE_GET_STATE);
}

static void validation_matches_the_kernel(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);
	struct vfio_eeh_pe_op o = { .argsz = sizeof(o), .op = VFIO_EEH_PE_GET_STATE };

	o.argsz = 11;
	CU_ASSERT_EQUAL(eeh_pe_op(pe, &o), -EINVAL);
	o.argsz = 12; /* offsetofend(op) is enough for all but INJECT_ERR */
	CU_ASSERT_EQUAL(eeh_pe_op(pe, &o), 0);
	o.flags = 1;
	CU_ASSERT_EQUAL(eeh_pe_op(pe, &o), -EINVAL);
	o.flags = 0;
	o.op = 10;
	CU_ASSERT_EQUAL(eeh_pe_op(pe, &o), -EINVAL);
	o.op = VFIO_EEH_PE_INJECT_ERR;
	o.argsz = 39;
	CU_ASSERT_EQUAL(eeh_pe_op(pe, &o), -EINVAL);
	o.argsz = 40;
	o.err.func = 20;
	CU_ASSERT_EQUAL(eeh_pe_op(pe, &o), -EINVAL);
	o.err.func = 4;
	o.err.type = 2;
	CU_ASSERT_EQUAL(eeh_pe_op(pe, &o), -EINVAL);
	CU_ASSERT_EQUAL(eeh_pe_op(NULL, &o), -ENODEV);
	CU_ASSERT_EQUAL(eeh_pe_op(pe, NULL), -EFAULT);
	/* nothing above changed the PE */
	CU_ASSERT_EQUAL(get_state(pe), VFIO_EEH_PE_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_pe_freeze_count(pe), 0);
	eeh_unref(ctx);
}

static void thaw_mmio_then_dma_walks_2_4_0(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);

	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	CU_ASSERT_EQUAL(get_state(pe), VFIO_EEH_PE_STATE_STOPPED);
	CU_ASSERT_EQUAL(eeh_pe_flags(pe) & 0x1, 0x1); /* ISOLATED */
	CU_ASSERT_EQUAL(op(pe, VFIO_EEH_PE_UNFREEZE_IO), 0);
	CU_ASSERT_EQUAL(get_state(pe), VFIO_EEH_PE_STATE_STOPPED_DMA);
	CU_ASSERT_EQUAL(op(pe, VFIO_EEH_PE_UNFREEZE_IO), 0); /* already thawed: no-op */
	CU_ASSERT_EQUAL(op(pe, VFIO_EEH_PE_UNFREEZE_DMA), 0);
	CU_ASSERT_EQUAL(get_state(pe), VFIO_EEH_PE_STATE_NORMAL);
	eeh_unref(ctx);
}

static void thaw_dma_before_mmio_fails_with_eio(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);

	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	/* firmware refuses (-7) and the DMA never becomes active */
	CU_ASSERT_EQUAL(op(pe, VFIO_EEH_PE_UNFREEZE_DMA), -EIO);
	CU_ASSERT_EQUAL(get_state(pe), VFIO_EEH_PE_STATE_STOPPED);
	eeh_unref(ctx);
}

static void enable_thaws_a_frozen_pe(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);

	CU_ASSERT_EQUAL(op(pe, VFIO_EEH_PE_ENABLE), 0);
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	CU_ASSERT_EQUAL(op(pe, VFIO_EEH_PE_ENABLE), 0);
	CU_ASSERT_EQUAL(get_state(pe), VFIO_EEH_PE_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_pe_flags(pe) & 0x1, 0);
	eeh_unref(ctx);
}

static void enable_with_eeh_disabled_gives_eio_others_still_work(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);

	eeh_set_enabled(ctx, false);
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	CU_ASSERT_EQUAL(op(pe, VFIO_EEH_PE_ENABLE), -EIO);
	CU_ASSERT_EQUAL(op(pe, VFIO_EEH_PE_DISABLE), 0);
	CU_ASSERT_EQUAL(op(pe, VFIO_EEH_PE_UNFREEZE_IO), 0);
	CU_ASSERT_EQUAL(get_state(pe), VFIO_EEH_PE_STATE_STOPPED_DMA);
	eeh_unref(ctx);
}

static void disable_is_a_no_op(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);

	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	CU_ASSERT_EQUAL(op(pe, VFIO_EEH_PE_DISABLE), 0);
	CU_ASSERT_EQUAL(get_state(pe), VFIO_EEH_PE_STATE_STOPPED);
	eeh_unref(ctx);
}

static void hot_reset_holds_250ms_and_blocks_config(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 3);
	struct eeh_func *f = eeh_func_first(pe);
	uint64_t t0 = eeh_clock_now_us(ctx);
	uint32_t v;

	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	CU_ASSERT_EQUAL(op(pe, VFIO_EEH_PE_RESET_HOT), 0);
	CU_ASSERT_EQUAL(eeh_clock_now_us(ctx) - t0, 250 * MS);
	CU_ASSERT_EQUAL(get_state(pe), VFIO_EEH_PE_STATE_RESET);
	CU_ASSERT_EQUAL(eeh_pe_flags(pe) & 0x4, 0x4); /* CFG_BLOCKED */
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0, 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0xffffffff);
	eeh_unref(ctx);
}

static void deactivate_settles_restores_bars_and_thaws(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 3);
	struct eeh_func *f = eeh_func_first(pe);
	uint64_t t0;
	uint32_t v;

	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	CU_ASSERT_EQUAL(op(pe, VFIO_EEH_PE_RESET_HOT), 0);
	t0 = eeh_clock_now_us(ctx);
	CU_ASSERT_EQUAL(op(pe, VFIO_EEH_PE_RESET_DEACTIVATE), 0);
	CU_ASSERT_EQUAL(eeh_clock_now_us(ctx) - t0, 1800 * MS);
	CU_ASSERT_EQUAL(get_state(pe), VFIO_EEH_PE_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_pe_flags(pe) & 0x5, 0); /* neither ISOLATED nor CFG_BLOCKED */
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0x10, 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0x83000004); /* BAR restored */
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0x04, 2, &v), 0);
	CU_ASSERT_EQUAL(v & 0x2, 0x2);
	CU_ASSERT_EQUAL(op(pe, VFIO_EEH_PE_CONFIGURE), 0);
	eeh_unref(ctx);
}

static void deactivate_without_reset_on_frozen_pe_is_refused(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);

	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	CU_ASSERT_EQUAL(op(pe, VFIO_EEH_PE_RESET_DEACTIVATE), -EIO);
	CU_ASSERT_EQUAL(get_state(pe), VFIO_EEH_PE_STATE_STOPPED);
	CU_ASSERT_EQUAL(eeh_pe_flags(pe) & 0x4, 0);
	eeh_unref(ctx);
}

static void fundamental_falls_back_to_hot_where_not_offered(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *sas = eeh_pe_by_group(ctx, 8);

	CU_ASSERT_EQUAL(op(sas, VFIO_EEH_PE_RESET_FUNDAMENTAL), 0);
	CU_ASSERT_EQUAL(get_state(sas), VFIO_EEH_PE_STATE_RESET);
	CU_ASSERT_EQUAL(op(sas, VFIO_EEH_PE_RESET_DEACTIVATE), 0);
	CU_ASSERT_EQUAL(get_state(sas), VFIO_EEH_PE_STATE_NORMAL);
	eeh_unref(ctx);
}

static void thaw_during_settle_waits_on_the_clock(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);
	uint64_t t0;

	CU_ASSERT_EQUAL(eeh_sim_papr_call(pe, EEH_PAPR_RESET_HOT), 0);
	eeh_clock_advance(ctx, 100 * MS);
	CU_ASSERT_EQUAL(eeh_sim_papr_call(pe, EEH_PAPR_RESET_DEACTIVATE), 0);
	/* settling: the kernel maps UNAVAILABLE to STOPPED for GET_STATE */
	CU_ASSERT_EQUAL(get_state(pe), VFIO_EEH_PE_STATE_STOPPED);
	t0 = eeh_clock_now_us(ctx);
	CU_ASSERT_EQUAL(op(pe, VFIO_EEH_PE_UNFREEZE_IO), 0);
	CU_ASSERT(eeh_clock_now_us(ctx) - t0 >= 1500 * MS);
	CU_ASSERT_EQUAL(get_state(pe), VFIO_EEH_PE_STATE_NORMAL);
	eeh_unref(ctx);
}

static void permanently_failed_pe_reads_stopped_and_refuses_configure(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);
	unsigned int ms = 1;
	int st;

	fail_pe_permanently(ctx, pe);
	CU_ASSERT_EQUAL(get_state(pe), VFIO_EEH_PE_STATE_STOPPED); /* NOT_SUPPORT maps to 2 */
	CU_ASSERT_EQUAL(eeh_pe_platform_state(pe), 0x02);
	CU_ASSERT_EQUAL(eeh_pe_papr_state(pe, &st, &ms), 0);
	CU_ASSERT_EQUAL(st, 5);
	CU_ASSERT_EQUAL(ms, 0);
	CU_ASSERT_EQUAL(op(pe, VFIO_EEH_PE_CONFIGURE), -EIO);
	CU_ASSERT_EQUAL(op(pe, VFIO_EEH_PE_RESET_HOT), -EIO);
	CU_ASSERT_EQUAL(op(pe, VFIO_EEH_PE_ENABLE), 0); /* nothing to thaw: no-op */
	eeh_unref(ctx);
}

static void owner_change_resets_listed_devices_instead_of_thawing(void)
{
	static const char topo[] =
		"{\"phbs\":[{\"index\":0,\"buid\":\"0x10\",\"pes\":[{\"number\":1,\"type\":"
		"\"device\",\"group\":3,\"functions\":[{\"bdf\":\"0000:01:00.0\",\"vendor\":"
		"\"0x10df\",\"device\":\"0xe220\",\"bars\":[{\"bar\":0,\"addr\":\"0x1000000\","
		"\"size\":\"0x1000\"}]}]}]}]}";
	struct eeh_ctx *ctx = NULL;
	struct eeh_pe *pe;
	uint64_t t0;
	uint32_t v;

	CU_ASSERT_EQUAL_FATAL(eeh_new_sim_json(topo, &ctx), 0);
	pe = eeh_pe_by_group(ctx, 3);
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
	t0 = eeh_clock_now_us(ctx);
	CU_ASSERT_EQUAL(op(pe, VFIO_EEH_PE_ENABLE), 0);
	/* a full reset: hold 250 ms and settle 1.8 s */
	CU_ASSERT(eeh_clock_now_us(ctx) - t0 >= 2050 * MS);
	CU_ASSERT_EQUAL(get_state(pe), VFIO_EEH_PE_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(eeh_func_first(pe), 0x10, 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0x1000000);
	eeh_unref(ctx);
}

static void inject_arms_a_config_error_for_the_next_access(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);
	uint32_t v;

	CU_ASSERT_EQUAL(pe_inject_err(pe, 0, 4 /* LD_CFG_ADDR */, 0, 0), 0);
	CU_ASSERT_EQUAL(get_state(pe), VFIO_EEH_PE_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(eeh_func_first(pe), 0, 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0xffffffff);
	CU_ASSERT_EQUAL(get_state(pe), VFIO_EEH_PE_STATE_STOPPED);
	eeh_unref(ctx);
}

static void two_contexts_do_not_share_state(void)
{
	struct eeh_ctx *a = builtin_host(), *b = builtin_host();

	CU_ASSERT_EQUAL(eeh_inject_freeze(eeh_pe_by_group(a, 1)), 0);
	CU_ASSERT_EQUAL(get_state(eeh_pe_by_group(a, 1)), 2);
	CU_ASSERT_EQUAL(get_state(eeh_pe_by_group(b, 1)), 0);
	eeh_clock_advance(a, 5 * MS);
	CU_ASSERT_NOT_EQUAL(eeh_clock_now_us(a), eeh_clock_now_us(b));
	eeh_unref(a);
	eeh_unref(b);
}

struct reset_loop {
	struct eeh_pe *pe;
	bool touch_config; /* write the command register first: state to free */
	_Atomic unsigned int done;
};

static void *reset_loop(void *arg)
{
	struct reset_loop *r = arg;
	struct eeh_func *f = eeh_func_first(r->pe);

	for (int i = 0; i < 20000; i++) {
		/* The child writes config space (register state to free) and
		 * resets; the parent deactivates, which restores the BARs of
		 * its whole subtree. */
		if (r->touch_config && (eeh_func_cfg_write(f, 0x04, 2, 0x6) < 0 ||
					op(r->pe, VFIO_EEH_PE_RESET_HOT) < 0))
			continue;
		if (op(r->pe, VFIO_EEH_PE_RESET_DEACTIVATE) == 0)
			r->done++;
	}
	return NULL;
}

/* The parent's deactivate restores the BARs of the child's functions
 * while the child's own reset throws their register state away. */
static void parent_and_child_resets_run_concurrently(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct reset_loop parent = { .pe = eeh_pe_by_group(ctx, 2) };
	struct reset_loop child = { .pe = eeh_pe_by_group(ctx, 3), .touch_config = true };
	struct eeh_func *f = eeh_func_first(child.pe);
	pthread_t t;
	uint32_t v;

	CU_ASSERT_PTR_EQUAL_FATAL(eeh_pe_parent(child.pe), parent.pe);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, reset_loop, &parent), 0);
	reset_loop(&child);
	pthread_join(t, NULL);
	CU_ASSERT(parent.done > 0);
	CU_ASSERT(child.done > 0);
	CU_ASSERT_EQUAL(op(child.pe, VFIO_EEH_PE_RESET_HOT), 0);
	CU_ASSERT_EQUAL(op(child.pe, VFIO_EEH_PE_RESET_DEACTIVATE), 0);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0x10, 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0x83000004);
	eeh_unref(ctx);
}

static void op_names_round_trip(void)
{
	for (unsigned int i = 0; i <= 9; i++)
		CU_ASSERT_EQUAL(eeh_op_from_name(eeh_op_name(i)), (int)i);
	CU_ASSERT_PTR_NULL(eeh_op_name(10));
	CU_ASSERT_EQUAL(eeh_op_from_name("reboot"), -EINVAL);
	CU_ASSERT_STRING_EQUAL(eeh_state_name(4), "stopped-dma");
	CU_ASSERT_PTR_NULL(eeh_state_name(3));
}

int main(void)
{
	static const struct test tests[] = {
		TEST(validation_matches_the_kernel),
		TEST(thaw_mmio_then_dma_walks_2_4_0),
		TEST(thaw_dma_before_mmio_fails_with_eio),
		TEST(enable_thaws_a_frozen_pe),
		TEST(enable_with_eeh_disabled_gives_eio_others_still_work),
		TEST(disable_is_a_no_op),
		TEST(hot_reset_holds_250ms_and_blocks_config),
		TEST(deactivate_settles_restores_bars_and_thaws),
		TEST(deactivate_without_reset_on_frozen_pe_is_refused),
		TEST(fundamental_falls_back_to_hot_where_not_offered),
		TEST(thaw_during_settle_waits_on_the_clock),
		TEST(permanently_failed_pe_reads_stopped_and_refuses_configure),
		TEST(owner_change_resets_listed_devices_instead_of_thawing),
		TEST(inject_arms_a_config_error_for_the_next_access),
		TEST(two_contexts_do_not_share_state),
		TEST(op_names_round_trip),
		TEST(parent_and_child_resets_run_concurrently),
	};

	return RUN_SUITE("pe-op", tests);
}
