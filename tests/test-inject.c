/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The injection API on the simulated host: each of the 20 IOA bus error
 * functions freezes the PE on the traffic it names and on nothing else,
 * once; address validation; the injection record; fences, freezes and
 * adapter replacement.
 */
#include <errno.h>

#include "test-util.h"

/* One PHB, two PEs: PE 1 has a memory BAR and an I/O BAR, PE 2 a memory BAR. */
static const char topo[] =
	"{ \"format\": \"libeeh-topology-1\", \"phbs\": [ { \"index\": 0, \"buid\": \"0x800000020000000\","
	"  \"domain\": 0, \"pes\": ["
	"  { \"number\": 1, \"type\": \"device\", \"group\": 1, \"functions\": ["
	"    { \"bdf\": \"0000:01:00.0\", \"vendor\": \"0x8086\", \"device\": \"0x1572\", \"class\": \"0x020000\","
	"      \"bars\": [ { \"bar\": 0, \"addr\": \"0x80000000\", \"size\": \"0x100000\" },"
	"                { \"bar\": 2, \"addr\": \"0x1000\", \"size\": \"0x100\", \"flags\": [\"io\"] } ] } ] },"
	"  { \"number\": 2, \"type\": \"device\", \"group\": 2, \"functions\": ["
	"    { \"bdf\": \"0000:02:00.0\", \"vendor\": \"0x144d\", \"device\": \"0xa808\", \"class\": \"0x010802\","
	"      \"bars\": [ { \"bar\": 0, \"addr\": \"0x90000000\", \"size\": \"0x4000\" } ] } ] } ] } ] }";

#define MEM_ADDR 0x80000040ULL
#define IO_ADDR 0x1010ULL

static struct eeh_ctx *host(void)
{
	struct eeh_ctx *ctx = NULL;

	CU_ASSERT_FATAL(eeh_new_sim_json(topo, &ctx) == 0);
	return ctx;
}

/* Do one access of the kind func names; other = the opposite direction. */
static void access(struct eeh_func *f, unsigned int func, bool other, uint64_t off)
{
	bool store = eeh_err_func_is_store(func) != other;
	uint64_t v = 0;
	uint32_t c = 0;

	switch (eeh_err_func_space(func)) {
	case EEH_ERR_SPACE_MEM:
		if (store)
			eeh_func_mmio_write(f, 0, off, 4, 0x1234);
		else
			eeh_func_mmio_read(f, 0, off, 4, &v);
		break;
	case EEH_ERR_SPACE_IO:
		if (store)
			eeh_func_mmio_write(f, 2, off, 4, 0x1234);
		else
			eeh_func_mmio_read(f, 2, off, 4, &v);
		break;
	case EEH_ERR_SPACE_CFG:
		if (store)
			eeh_func_cfg_write(f, 0x40 + (unsigned int)off % 0x40, 4, 0);
		else
			eeh_func_cfg_read(f, 0, 4, &c);
		break;
	case EEH_ERR_SPACE_DMA:
		eeh_func_dma(f, store, 0x10000000, 4096);
		break;
	}
}

static uint64_t addr_of(unsigned int func)
{
	switch (eeh_err_func_space(func)) {
	case EEH_ERR_SPACE_MEM:
		return MEM_ADDR;
	case EEH_ERR_SPACE_IO:
		return IO_ADDR;
	default:
		return 0x10000000; /* a DMA address; config ignores it */
	}
}

static void each_function_fires_once_on_its_own_traffic(void)
{
	for (unsigned int func = 0; func < EEH_ERR_FUNC_COUNT; func++) {
		struct eeh_ctx *ctx = host();
		struct eeh_pe *pe = eeh_pe_by_group(ctx, 1), *other = eeh_pe_by_group(ctx, 2);
		struct eeh_func *f = eeh_func_first(pe);
		struct eeh_inject_record rec = { .size = sizeof(rec) };
		struct eeh_pe_error e = { .size = sizeof(e) };
		uint64_t a = addr_of(func), off = a & 0xff;
		enum eeh_err_space sp = eeh_err_func_space(func);

		CU_ASSERT_EQUAL_FATAL(eeh_inject_ioa(pe, EEH_ERR_TYPE_32, func, a, 0xfffffff0), 0);
		CU_ASSERT_EQUAL(eeh_inject_pending(pe), 1);
		/* The opposite direction, and for MMIO/I/O another address, pass. */
		access(f, func, true, off);
		if (sp == EEH_ERR_SPACE_MEM || sp == EEH_ERR_SPACE_IO)
			access(f, func, false, off + 0x20);
		CU_ASSERT_EQUAL(papr_state(pe, NULL), EEH_PAPR_STATE_NORMAL);
		CU_ASSERT_EQUAL(eeh_inject_pending(pe), 1);
		/* The matching access fails and freezes this PE only. */
		access(f, func, false, off);
		CU_ASSERT_EQUAL(papr_state(pe, NULL), EEH_PAPR_STATE_STOPPED);
		CU_ASSERT_EQUAL(papr_state(other, NULL), EEH_PAPR_STATE_NORMAL);
		CU_ASSERT_EQUAL(eeh_inject_pending(pe), 0);
		CU_ASSERT_EQUAL(eeh_pe_last_error(pe, &e), 0);
		CU_ASSERT_EQUAL(e.func, (int)func);
		CU_ASSERT_EQUAL(e.errors, 1);
		CU_ASSERT_EQUAL(eeh_inject_record_count(pe), 1);
		CU_ASSERT_EQUAL(eeh_inject_record_get(pe, 0, &rec), 0);
		CU_ASSERT_EQUAL(rec.kind, EEH_INJECT_IOA);
		CU_ASSERT_EQUAL(rec.func, func);
		CU_ASSERT(rec.fired);
		if (sp == EEH_ERR_SPACE_MEM || sp == EEH_ERR_SPACE_IO) {
			CU_ASSERT_EQUAL(rec.hit_addr, a);
			CU_ASSERT_PTR_EQUAL(rec.hit_func, f);
			CU_ASSERT_EQUAL(e.addr, a);
		}
		/* Fired once: after a thaw the same traffic goes through. */
		CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, 2), 0);
		CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, 3), 0);
		access(f, func, false, off);
		CU_ASSERT_EQUAL(papr_state(pe, NULL), EEH_PAPR_STATE_NORMAL);
		CU_ASSERT_EQUAL(eeh_pe_last_error(pe, &e), 0);
		CU_ASSERT_EQUAL(e.errors, 1);
		eeh_unref(ctx);
	}
}

static void mmio_function_without_address_freezes_at_once(void)
{
	struct eeh_ctx *ctx = host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);
	struct eeh_inject_record rec = { .size = sizeof(rec) };
	uint64_t v = 0;

	CU_ASSERT_EQUAL(eeh_inject_ioa(pe, EEH_ERR_TYPE_64, EEH_ERR_FUNC_ST_MEM_DATA, 0, 0), 0);
	CU_ASSERT_EQUAL(papr_state(pe, NULL), EEH_PAPR_STATE_STOPPED);
	CU_ASSERT_EQUAL(eeh_inject_pending(pe), 0);
	CU_ASSERT_EQUAL(eeh_inject_record_get(pe, 0, &rec), 0);
	CU_ASSERT(rec.fired);
	CU_ASSERT_EQUAL(rec.type, EEH_ERR_TYPE_64);
	CU_ASSERT_PTR_NULL(rec.hit_func);
	/* What a driver sees: all-ones. */
	CU_ASSERT_EQUAL(eeh_func_mmio_read(eeh_func_first(pe), 0, 0, 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0xffffffffULL);
	/* The freeze limit counts host recoveries, not freezes. */
	CU_ASSERT_EQUAL(eeh_pe_freeze_count(pe), 0);
	eeh_unref(ctx);
}

static void config_injection_waits_for_config_traffic(void)
{
	struct eeh_ctx *ctx = host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);
	struct eeh_func *f = eeh_func_first(pe);
	uint64_t v;
	uint32_t c = 0;

	/* addr = mask = 0 arms a config error (the kernel docs' example). */
	CU_ASSERT_EQUAL(eeh_inject_ioa(pe, EEH_ERR_TYPE_32, EEH_ERR_FUNC_LD_CFG_ADDR, 0, 0), 0);
	CU_ASSERT_EQUAL(eeh_func_mmio_read(f, 0, 0, 4, &v), 0);
	CU_ASSERT_EQUAL(eeh_func_dma(f, false, 0x1000, 64), 0);
	CU_ASSERT_EQUAL(papr_state(pe, NULL), EEH_PAPR_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0, 4, &c), 0);
	CU_ASSERT_EQUAL(c, 0xffffffffU);
	CU_ASSERT_EQUAL(papr_state(pe, NULL), EEH_PAPR_STATE_STOPPED);
	eeh_unref(ctx);
}

static void dma_injection_stops_the_dma_it_hits(void)
{
	struct eeh_ctx *ctx = host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 2);
	struct eeh_func *f = eeh_func_first(pe);

	CU_ASSERT_EQUAL(eeh_inject_ioa(pe, EEH_ERR_TYPE_64, EEH_ERR_FUNC_DMA_WR_TARGET,
				       0x7000000000ULL, 0xffffff0000000000ULL & ~0ULL), -EINVAL);
	CU_ASSERT_EQUAL(eeh_inject_ioa(pe, EEH_ERR_TYPE_64, EEH_ERR_FUNC_DMA_WR_TARGET,
				       0x7000000000ULL, 0xfffffff000000000ULL), 0);
	CU_ASSERT_EQUAL(eeh_func_dma(f, true, 0x100000, 64), 0);     /* another address */
	CU_ASSERT_EQUAL(eeh_func_dma(f, false, 0x7000000000ULL, 64), 0); /* a read */
	CU_ASSERT_EQUAL(eeh_func_dma(f, true, 0x7000000100ULL, 64), -EIO);
	CU_ASSERT_EQUAL(papr_state(pe, NULL), EEH_PAPR_STATE_STOPPED);
	eeh_unref(ctx);
}

/* Traffic the PHB blocks (a frozen PE) never reaches the bus: it cannot
 * fail, so it does not use up an armed injection. */
static void blocked_traffic_leaves_the_injection_armed(void)
{
	for (unsigned int func = 0; func < EEH_ERR_FUNC_COUNT; func++) {
		struct eeh_ctx *ctx = host();
		struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);
		struct eeh_func *f = eeh_func_first(pe);
		struct eeh_inject_record rec = { .size = sizeof(rec) };
		struct eeh_pe_error e = { .size = sizeof(e) };
		uint64_t a = addr_of(func), off = a & 0xff;

		CU_ASSERT_EQUAL_FATAL(eeh_inject_ioa(pe, EEH_ERR_TYPE_32, func, a, 0xfffffff0), 0);
		CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
		access(f, func, false, off); /* stopped by the freeze */
		CU_ASSERT_EQUAL(eeh_inject_pending(pe), 1);
		CU_ASSERT_EQUAL(eeh_inject_record_get(pe, 0, &rec), 0);
		CU_ASSERT_FALSE(rec.fired);
		CU_ASSERT_EQUAL(eeh_pe_last_error(pe, &e), 0);
		CU_ASSERT_EQUAL(e.func, -1);
		CU_ASSERT_EQUAL(e.errors, 1);
		/* Thawed, the same traffic reaches the bus and fails. */
		CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, 2), 0);
		CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, 3), 0);
		access(f, func, false, off);
		CU_ASSERT_EQUAL(papr_state(pe, NULL), EEH_PAPR_STATE_STOPPED);
		CU_ASSERT_EQUAL(eeh_inject_pending(pe), 0);
		CU_ASSERT_EQUAL(eeh_pe_last_error(pe, &e), 0);
		CU_ASSERT_EQUAL(e.func, (int)func);
		eeh_unref(ctx);
	}
}

/* A 32-bit bus error names a 32-bit bus address: an access above 4 GiB
 * whose low 32 bits happen to match is somewhere else. */
static const char topo_hi[] =
	"{ \"format\": \"libeeh-topology-1\", \"phbs\": [ { \"index\": 0, \"buid\": \"0x800000020000000\","
	"  \"domain\": 0, \"pes\": ["
	"  { \"number\": 1, \"type\": \"device\", \"group\": 1, \"functions\": ["
	"    { \"bdf\": \"0000:01:00.0\", \"vendor\": \"0x8086\", \"device\": \"0x1572\", \"class\": \"0x020000\","
	"      \"bars\": [ { \"bar\": 0, \"addr\": \"0x80000000\", \"size\": \"0x100000\" },"
	"                { \"bar\": 2, \"addr\": \"0x180000000\", \"size\": \"0x100000\","
	"                  \"flags\": [\"mem64\"] } ] } ] } ] } ] }";

static void mmio_32bit_error_ignores_an_access_above_4g(void)
{
	struct eeh_ctx *ctx = NULL;
	struct eeh_pe *pe;
	struct eeh_func *f;
	uint64_t v = 0;

	CU_ASSERT_FATAL(eeh_new_sim_json(topo_hi, &ctx) == 0);
	pe = eeh_pe_by_group(ctx, 1);
	f = eeh_func_first(pe);
	CU_ASSERT_EQUAL(eeh_inject_ioa(pe, EEH_ERR_TYPE_32, EEH_ERR_FUNC_LD_MEM_ADDR, MEM_ADDR,
				       0xfffffff0), 0);
	/* 0x180000040: same low 32 bits, another BAR */
	CU_ASSERT_EQUAL(eeh_func_mmio_read(f, 2, 0x40, 4, &v), 0);
	CU_ASSERT_EQUAL(papr_state(pe, NULL), EEH_PAPR_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_inject_pending(pe), 1);
	CU_ASSERT_EQUAL(eeh_func_mmio_read(f, 0, 0x40, 4, &v), 0);
	CU_ASSERT_EQUAL(papr_state(pe, NULL), EEH_PAPR_STATE_STOPPED);
	/* The same address as a 64-bit error compares all 64 bits too. */
	eeh_unref(ctx);
	CU_ASSERT_FATAL(eeh_new_sim_json(topo_hi, &ctx) == 0);
	pe = eeh_pe_by_group(ctx, 1);
	f = eeh_func_first(pe);
	CU_ASSERT_EQUAL(eeh_inject_ioa(pe, EEH_ERR_TYPE_64, EEH_ERR_FUNC_LD_MEM_ADDR, 0x180000040ULL,
				       ~0xfULL), 0);
	CU_ASSERT_EQUAL(eeh_func_mmio_read(f, 0, 0x40, 4, &v), 0);
	CU_ASSERT_EQUAL(papr_state(pe, NULL), EEH_PAPR_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_func_mmio_read(f, 2, 0x40, 4, &v), 0);
	CU_ASSERT_EQUAL(papr_state(pe, NULL), EEH_PAPR_STATE_STOPPED);
	eeh_unref(ctx);
}

static void bad_arguments_are_refused_and_nothing_is_armed(void)
{
	struct eeh_ctx *ctx = host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);

	CU_ASSERT_EQUAL(eeh_inject_ioa(pe, 2, 0, 0, 0), -EINVAL);
	CU_ASSERT_EQUAL(eeh_inject_ioa(pe, EEH_ERR_TYPE_32, 20, 0, 0), -EINVAL);
	CU_ASSERT_EQUAL(eeh_inject_ioa(pe, EEH_ERR_TYPE_32, 0, 0x100000000ULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(eeh_inject_ioa(pe, EEH_ERR_TYPE_32, 0, MEM_ADDR, 0xffffff00), -EINVAL);
	/* Not in a BAR of this PE: PE 2's BAR, and an I/O error at a memory address. */
	CU_ASSERT_EQUAL(eeh_inject_ioa(pe, EEH_ERR_TYPE_32, 0, 0x90000000, 0xffffff00), -ENXIO);
	CU_ASSERT_EQUAL(eeh_inject_ioa(pe, EEH_ERR_TYPE_32, EEH_ERR_FUNC_LD_IO_ADDR, MEM_ADDR, 0),
			-ENXIO);
	CU_ASSERT_EQUAL(eeh_inject_ioa(NULL, 0, 0, 0, 0), -ENODEV);
	CU_ASSERT_EQUAL(eeh_inject_pending(pe), 0);
	CU_ASSERT_EQUAL(eeh_inject_record_count(pe), 0);
	CU_ASSERT_EQUAL(papr_state(pe, NULL), EEH_PAPR_STATE_NORMAL);
	eeh_unref(ctx);
}

static void function_names_round_trip(void)
{
	CU_ASSERT_STRING_EQUAL(eeh_err_func_name(0), "ld-mem-addr");
	CU_ASSERT_STRING_EQUAL(eeh_err_func_name(19), "dma-wr-target");
	CU_ASSERT_PTR_NULL(eeh_err_func_name(20));
	for (unsigned int i = 0; i < EEH_ERR_FUNC_COUNT; i++)
		CU_ASSERT_EQUAL(eeh_err_func_from_name(eeh_err_func_name(i)), (int)i);
	CU_ASSERT_EQUAL(eeh_err_func_from_name("12"), 12);
	CU_ASSERT_EQUAL(eeh_err_func_from_name("0x13"), 19);
	CU_ASSERT_EQUAL(eeh_err_func_from_name("20"), -EINVAL);
	CU_ASSERT_EQUAL(eeh_err_func_from_name("ld-mem"), -EINVAL);
	CU_ASSERT_STRING_EQUAL(eeh_err_func_desc(14), "DMA read, memory, master abort");
}

static void fence_freezes_every_pe_and_is_recorded(void)
{
	struct eeh_ctx *ctx = host();
	struct eeh_phb *phb = eeh_phb_first(ctx);
	struct eeh_inject_record rec = { .size = sizeof(rec) };
	struct eeh_pe *pe;

	CU_ASSERT_EQUAL(eeh_inject_fence(phb), 0);
	eeh_pe_foreach(phb, pe) {
		struct eeh_pe_error e = { .size = sizeof(e) };

		CU_ASSERT_EQUAL(papr_state(pe, NULL), EEH_PAPR_STATE_STOPPED);
		CU_ASSERT_EQUAL(eeh_pe_last_error(pe, &e), 0);
		CU_ASSERT_EQUAL(e.func, -2);
		CU_ASSERT_EQUAL(eeh_inject_record_get(pe, 0, &rec), 0);
		CU_ASSERT_EQUAL(rec.kind, EEH_INJECT_FENCE);
	}
	pe = eeh_pe_by_group(ctx, 2);
	CU_ASSERT_EQUAL(eeh_pe_freeze_count(pe), 0); /* counted by recovery only */
	eeh_unref(ctx);
}

static void record_keeps_the_last_32(void)
{
	struct eeh_ctx *ctx = host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);
	struct eeh_inject_record rec = { .size = sizeof(rec) };

	eeh_set_max_freezes(ctx, 1000);
	for (unsigned int i = 0; i < 40; i++) {
		CU_ASSERT_EQUAL(eeh_inject_ioa(pe, EEH_ERR_TYPE_32, EEH_ERR_FUNC_DMA_RD_DATA,
					       i * 0x1000, 0), 0);
	}
	CU_ASSERT_EQUAL(eeh_inject_pending(pe), 40);
	CU_ASSERT_EQUAL(eeh_inject_record_count(pe), 32);
	CU_ASSERT_EQUAL(eeh_inject_record_get(pe, 0, &rec), 0);
	CU_ASSERT_EQUAL(rec.addr, 8 * 0x1000);
	CU_ASSERT_EQUAL(eeh_inject_record_get(pe, 31, &rec), 0);
	CU_ASSERT_EQUAL(rec.addr, 39 * 0x1000);
	CU_ASSERT_EQUAL(eeh_inject_record_get(pe, 32, &rec), -EINVAL);
	eeh_unref(ctx);
}

static void replaced_adapter_comes_back_with_a_new_window(void)
{
	struct eeh_ctx *ctx = host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);
	unsigned int ms = 1;
	int st;
	uint32_t bar0 = 0;

	/* Six freezes thawed by their owner are no failure... */
	for (int i = 0; i < 6; i++) {
		CU_ASSERT_EQUAL(eeh_inject_freeze(pe), 0);
		eeh_sim_papr_call(pe, EEH_PAPR_THAW_MMIO);
		eeh_sim_papr_call(pe, EEH_PAPR_THAW_DMA);
	}
	CU_ASSERT_EQUAL(papr_state(pe, NULL), EEH_PAPR_STATE_NORMAL);
	/* ...host recovery past the limit is. */
	fail_pe_permanently(ctx, pe);
	CU_ASSERT_EQUAL(eeh_pe_papr_state(pe, &st, &ms), 0);
	CU_ASSERT_EQUAL(st, EEH_PAPR_STATE_UNAVAIL);
	CU_ASSERT_EQUAL(ms, 0);
	CU_ASSERT_EQUAL(eeh_inject_ioa(pe, 0, 0, 0, 0), -ENODEV);
	CU_ASSERT_EQUAL(eeh_sim_replace_pe(pe), 0);
	CU_ASSERT_EQUAL(papr_state(pe, NULL), EEH_PAPR_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_pe_freeze_count(pe), 0);
	CU_ASSERT_EQUAL(eeh_pe_flags(pe), 0);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(eeh_func_first(pe), 0x10, 4, &bar0), 0);
	CU_ASSERT_EQUAL(bar0 & ~0xfu, 0x80000000U);
	eeh_unref(ctx);
}

static void bad_dma_freezes_the_pe_and_names_the_cause(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_func *f = eeh_func_by_bdf(ctx, 0, 1, 0);
	struct eeh_inject_record rec = { .size = sizeof(rec) };
	struct eeh_pe_error e = { .size = sizeof(e) };
	struct eeh_pe *pe = eeh_func_pe(f);

	CU_ASSERT_EQUAL(eeh_inject_bad_dma(NULL, true, 0), -EINVAL);
	CU_ASSERT_EQUAL(eeh_inject_bad_dma(f, false, 0x30000), 0);
	CU_ASSERT_EQUAL(papr_state(pe, NULL), 2);
	CU_ASSERT_EQUAL(eeh_pe_last_error(pe, &e), 0);
	CU_ASSERT_EQUAL(e.func, EEH_PE_ERROR_BAD_DMA);
	CU_ASSERT_EQUAL(e.addr, 0x30000);
	CU_ASSERT_STRING_EQUAL(eeh_pe_error_name(e.func), "bad-dma");
	CU_ASSERT_STRING_EQUAL(eeh_pe_error_name(EEH_PE_ERROR_FENCE), "fence");
	CU_ASSERT_STRING_EQUAL(eeh_pe_error_name(EEH_PE_ERROR_NONE), "none");
	CU_ASSERT_STRING_EQUAL(eeh_pe_error_name(16), "dma-wr-addr");
	CU_ASSERT_PTR_NULL(eeh_pe_error_name(-4));
	CU_ASSERT_EQUAL(eeh_inject_record_get(pe, 0, &rec), 0);
	CU_ASSERT_EQUAL(rec.kind, EEH_INJECT_BAD_DMA);
	CU_ASSERT_EQUAL(rec.type, 0);
	CU_ASSERT_PTR_EQUAL(rec.hit_func, f);
	/* other PEs' DMA is untranslated: their windows were never set up */
	CU_ASSERT_EQUAL(eeh_func_dma(eeh_func_by_bdf(ctx, 0, 3, 0), true, 0x30000, 8), 0);
	eeh_unref(ctx);
}

static const struct test tests[] = {
	TEST(bad_dma_freezes_the_pe_and_names_the_cause),
	TEST(each_function_fires_once_on_its_own_traffic),
	TEST(mmio_function_without_address_freezes_at_once),
	TEST(config_injection_waits_for_config_traffic),
	TEST(dma_injection_stops_the_dma_it_hits),
	TEST(blocked_traffic_leaves_the_injection_armed),
	TEST(mmio_32bit_error_ignores_an_access_above_4g),
	TEST(bad_arguments_are_refused_and_nothing_is_armed),
	TEST(function_names_round_trip),
	TEST(fence_freezes_every_pe_and_is_recorded),
	TEST(record_keeps_the_last_32),
	TEST(replaced_adapter_comes_back_with_a_new_window),
};

int main(void)
{
	return RUN_SUITE("inject", tests);
}
