/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The platform model: topology shape, lookups, config space. */
#include <errno.h>
#include <stdio.h>

#include "test-util.h"

static void builtin_host_has_two_phbs_and_eight_pes(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_phb *phb;
	struct eeh_pe *pe;
	unsigned int phbs = 0, pes = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	CU_ASSERT_STRING_EQUAL(eeh_backend_name(ctx), "sim");
	eeh_phb_foreach(ctx, phb) {
		phbs++;
		eeh_pe_foreach(phb, pe)
			pes++;
	}
	CU_ASSERT_EQUAL(phbs, 2);
	CU_ASSERT_EQUAL(pes, 8);
	eeh_unref(ctx);
}

static void builtin_host_has_multifunction_bus_and_vf_pes(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *nic = eeh_pe_by_group(ctx, 1), *bus = eeh_pe_by_group(ctx, 2);
	struct eeh_pe *vf = eeh_pe_by_group(ctx, 6);
	struct eeh_func *f;
	uint32_t hdr;

	CU_ASSERT_EQUAL(eeh_pe_func_count(nic), 2);
	f = eeh_func_first(nic);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0x0c, 4, &hdr), 0);
	CU_ASSERT_EQUAL((hdr >> 16) & 0x80, 0x80); /* header type: multi-function */
	CU_ASSERT_EQUAL(eeh_pe_type(bus), EEH_PE_TYPE_BUS);
	CU_ASSERT_PTR_EQUAL(eeh_pe_parent(eeh_pe_by_group(ctx, 3)), bus);
	CU_ASSERT_PTR_EQUAL(eeh_pe_parent(eeh_pe_by_group(ctx, 4)), bus);
	CU_ASSERT_EQUAL(eeh_pe_type(vf), EEH_PE_TYPE_VF);
	CU_ASSERT_STRING_EQUAL(eeh_func_bdf(eeh_func_physfn(eeh_func_first(vf))), "0001:01:00.0");
	CU_ASSERT_PTR_NOT_EQUAL(eeh_pe_by_group(ctx, 7), vf);
	CU_ASSERT_EQUAL(eeh_pe_type(eeh_pe_by_group(ctx, 7)), EEH_PE_TYPE_VF);
	eeh_unref(ctx);
}

static void lookups_find_the_same_pe_every_way(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 1);
	uint64_t buid = eeh_phb_buid(eeh_pe_phb(pe));
	int err;

	CU_ASSERT_EQUAL(buid, 0x800000020000000ULL);
	CU_ASSERT_EQUAL(eeh_pe_config_addr(pe), 0x010000);
	CU_ASSERT_PTR_EQUAL(eeh_pe_by_addr(ctx, buid, 0x010000), pe);
	CU_ASSERT_PTR_EQUAL(eeh_pe_by_dev_addr(ctx, buid, 0x010100), pe); /* 01:00.1 */
	CU_ASSERT_PTR_EQUAL(eeh_func_pe(eeh_func_by_bdf(ctx, 0, 1, 1)), pe);
	CU_ASSERT_PTR_EQUAL(eeh_pe_lookup(ctx, "0000:01:00.1", &err), pe);
	CU_ASSERT_PTR_EQUAL(eeh_pe_lookup(ctx, "01:00.0", &err), pe);
	CU_ASSERT_PTR_EQUAL(eeh_pe_lookup(ctx, "group:1", &err), pe);
	CU_ASSERT_PTR_EQUAL(eeh_pe_lookup(ctx, "1", &err), pe);
	CU_ASSERT_PTR_EQUAL(eeh_pe_lookup(ctx, "phb0:pe1", &err), pe);
	CU_ASSERT_PTR_NULL(eeh_pe_lookup(ctx, "99", &err));
	CU_ASSERT_EQUAL(err, -ENOENT);
	CU_ASSERT_PTR_NULL(eeh_pe_lookup(ctx, "bogus", &err));
	CU_ASSERT_EQUAL(err, -EINVAL);
	CU_ASSERT_PTR_NULL(eeh_pe_by_addr(ctx, buid + 7, 0x010000));
	CU_ASSERT_PTR_NULL(eeh_pe_by_dev_addr(ctx, buid, 0x7f0000));
	CU_ASSERT_PTR_NULL(eeh_pe_by_group(ctx, -1));
	eeh_unref(ctx);
}

static void config_space_shows_ids_and_programmed_bars(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_func *f = eeh_func_by_bdf(ctx, 0, 3, 0);
	uint32_t v;

	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0, 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0xa808144d);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0x10, 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0x83000000 | 0x4); /* 64-bit memory BAR */
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0x04, 2, &v), 0);
	CU_ASSERT_EQUAL(v & 0x6, 0x6); /* memory decode and bus master on */
	/* BAR sizing: all-ones written, size mask read back. */
	CU_ASSERT_EQUAL(eeh_func_cfg_write(f, 0x10, 4, 0xffffffff), 0);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0x10, 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0xffffc004);
	/* Read-only IDs stay put. */
	CU_ASSERT_EQUAL(eeh_func_cfg_write(f, 0, 4, 0), 0);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0, 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0xa808144d);
	/* Bad sizes and offsets are refused, not crashed on. */
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 1, 4, &v), -EINVAL);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 4096, 1, &v), -EINVAL);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0, 3, &v), -EINVAL);
	eeh_unref(ctx);
}

static void mmio_register_stores_and_loads(void)
{
	struct eeh_ctx *ctx = builtin_host();
	struct eeh_func *f = eeh_func_by_bdf(ctx, 0, 3, 0);
	uint64_t v;

	CU_ASSERT_EQUAL(eeh_func_mmio_write(f, 0, 8, 8, 0x1122334455667788ULL), 0);
	CU_ASSERT_EQUAL(eeh_func_mmio_read(f, 0, 8, 8, &v), 0);
	CU_ASSERT_EQUAL(v, 0x1122334455667788ULL);
	CU_ASSERT_EQUAL(eeh_func_mmio_read(f, 0, 12, 2, &v), 0);
	CU_ASSERT_EQUAL(v, 0x3344);
	CU_ASSERT_EQUAL(eeh_func_mmio_read(f, 0, 0x4000, 4, &v), -EINVAL); /* past the BAR */
	CU_ASSERT_EQUAL(eeh_func_mmio_read(f, 1, 0, 4, &v), -EINVAL);      /* no BAR 1 */
	eeh_unref(ctx);
}

static void refcount_keeps_context_alive(void)
{
	struct eeh_ctx *ctx = builtin_host();

	CU_ASSERT_PTR_EQUAL(eeh_ref(ctx), ctx);
	CU_ASSERT_PTR_NULL(eeh_unref(ctx));
	CU_ASSERT_EQUAL(eeh_phb_index(eeh_phb_first(ctx)), 0); /* still valid */
	eeh_unref(ctx);
}

static void clock_is_virtual_by_default(void)
{
	struct eeh_ctx *ctx = builtin_host();
	uint64_t t0 = eeh_clock_now_us(ctx);

	CU_ASSERT_EQUAL(eeh_clock_get_mode(ctx), EEH_CLOCK_VIRTUAL);
	eeh_clock_sleep(ctx, 2 * 1000 * MS);
	CU_ASSERT_EQUAL(eeh_clock_now_us(ctx) - t0, 2000000);
	CU_ASSERT_EQUAL(eeh_clock_advance(ctx, 5), 0);
	CU_ASSERT_EQUAL(eeh_clock_set_mode(ctx, EEH_CLOCK_REAL), 0);
	CU_ASSERT(eeh_clock_now_us(ctx) >= t0 + 2000005);
	CU_ASSERT_EQUAL(eeh_clock_advance(ctx, 5), -EINVAL);
	CU_ASSERT_EQUAL(eeh_clock_set_mode(ctx, (enum eeh_clock_mode)7), -EINVAL);
	eeh_unref(ctx);
}

/* Only the documented forms name a PE: no "0x", blanks, signs or extra
 * digits that sscanf() or strtol() would take. */
static void names_outside_the_documented_forms_are_einval(void)
{
	static const char *const bad[] = {
		"0000:01:00.0x1", "0000:01:00.01", "0000:01:00.8", "phb-0:pe1", "phb0:pe-1",
		"phb0:pe0x1", "phb 0:pe1", "phb0:pe 1", "phb0:pe1 ", " 1", "+1", "group:-0",
		"group:+1", "group: 1", "0000: 01:00.0", "0000:01:0x0.0", "-0000:01:00.0",
		"0001:00.0", "00000:01:00.0", "0000:001:00.0", "01:00.0 ", "0000:01:00",
	};
	struct eeh_ctx *ctx = builtin_host();
	int err;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err = 0;
		CU_ASSERT_PTR_NULL(eeh_pe_lookup(ctx, bad[i], &err));
		CU_ASSERT_EQUAL(err, -EINVAL);
		if (err != -EINVAL)
			fprintf(stderr, "'%s' taken as a name (%d)\n", bad[i], err);
	}
	/* the documented forms, hex digits in either case */
	CU_ASSERT_PTR_NOT_NULL(eeh_pe_lookup(ctx, "0000:01:00.1", &err));
	CU_ASSERT_PTR_NOT_NULL(eeh_pe_lookup(ctx, "1:0.1", &err));
	CU_ASSERT_PTR_NOT_NULL(eeh_pe_lookup(ctx, "phb1:pe4", &err));
	CU_ASSERT_PTR_NOT_NULL(eeh_pe_lookup(ctx, "0001:01:00.2", &err));
	CU_ASSERT_PTR_NULL(eeh_pe_lookup(ctx, "phb0:peA", &err));
	CU_ASSERT_EQUAL(err, -ENOENT);
	eeh_unref(ctx);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(names_outside_the_documented_forms_are_einval),
		TEST(builtin_host_has_two_phbs_and_eight_pes),
		TEST(builtin_host_has_multifunction_bus_and_vf_pes),
		TEST(lookups_find_the_same_pe_every_way),
		TEST(config_space_shows_ids_and_programmed_bars),
		TEST(mmio_register_stores_and_loads),
		TEST(refcount_keeps_context_alive),
		TEST(clock_is_virtual_by_default),
	};

	return RUN_SUITE("model", tests);
}
