/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The guest's DMA calls (eeh/rtas-ddw.c): the dynamic DMA window RTAS
 * calls and the TCE hypercalls with QEMU's answers, on the simulated
 * host, and a replay of the Linux pseries guest's DDW probe and direct
 * mapping (arch/powerpc/platforms/pseries/iommu.c: enable_ddw()).
 */
#include <errno.h>

#include <linux/vfio.h>

#include "test-util.h"

#define GBUID 0x800000020000000ULL
#define RAM_HVA 0x7f0000000000ULL /* where the VMM keeps guest RAM */
#define RAM_SIZE (256ULL << 20)
#define LIST_GPA 0x10000ULL       /* guest RAM the test backs with mem[] */
#define DDW_BASE (1ULL << 59)
#define LIOBN0 0x80000000u
#define LIOBN1 0x80000001u

static struct eeh_ctx *ctx;
static struct eeh_iommufd *ifd;
static struct eeh_spapr *sp;
static struct eeh_vm *vm;
static uint32_t devid;
static uint8_t mem[64 * 1024];

static int mem_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	(void)opaque;
	if (addr < LIST_GPA || addr - LIST_GPA + len > sizeof(mem))
		return -EFAULT;
	memcpy(buf, mem + (addr - LIST_GPA), len);
	return 0;
}

static int mem_write(void *opaque, uint64_t addr, const void *buf, size_t len)
{
	(void)opaque;
	if (addr < LIST_GPA || addr - LIST_GPA + len > sizeof(mem))
		return -EFAULT;
	memcpy(mem + (addr - LIST_GPA), buf, len);
	return 0;
}

/* guest physical -> VMM virtual: RAM is one block */
static int gpa_to_hva(void *opaque, uint64_t gpa, uint64_t *hva)
{
	(void)opaque;
	if (gpa >= RAM_SIZE)
		return -EFAULT;
	*hva = RAM_HVA + gpa;
	return 0;
}

static void setup(bool dma)
{
	struct eeh_vm_ops ops = { .size = sizeof(ops), .mem_read = mem_read,
				  .mem_write = mem_write };
	uint32_t ioas;

	ctx = builtin_host();
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	CU_ASSERT_EQUAL_FATAL(eeh_iommufd_open(ctx, 0, &ifd), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_bind(ifd, "0000:01:00.0", &devid), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_alloc(ifd, &ioas), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_attach(ifd, devid, ioas, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(eeh_spapr_new(ifd, ioas, &sp), 0);
	eeh_spapr_set_translate(sp, gpa_to_hva, NULL);
	/* the VMM preregisters guest RAM, as QEMU's prereg listener does */
	CU_ASSERT_EQUAL(eeh_spapr_register(sp, RAM_HVA, RAM_SIZE), 0);
	CU_ASSERT_EQUAL_FATAL(eeh_vm_new(ctx, &ops, NULL, &vm), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_phb_iommufd(vm, GBUID, ifd, devid), 0);
	if (dma)
		CU_ASSERT_EQUAL(eeh_vm_set_phb_dma(vm, GBUID, sp, 0), 0);
}

static void teardown(void)
{
	eeh_vm_unref(vm);
	eeh_spapr_free(sp);
	eeh_iommufd_close(ifd);
	eeh_unref(ctx);
}

static int rtas(enum eeh_rtas_call call, uint32_t nargs, const uint32_t *args, uint32_t nret,
		uint32_t *rets)
{
	memset(rets, 0xee, 4 * nret);
	CU_ASSERT_EQUAL(eeh_vm_rtas_call(vm, (uint32_t)eeh_vm_get_token(vm, call), nargs, args,
					 nret, rets), 0);
	return (int32_t)rets[0];
}

static const uint32_t buid_args[3] = { 0, (uint32_t)(GBUID >> 32), (uint32_t)GBUID };

static int query(uint32_t *r, uint32_t nret)
{
	return rtas(EEH_RTAS_QUERY_PE_DMA_WINDOW, 3, buid_args, nret, r);
}

static int create(uint32_t page_shift, uint32_t window_shift, uint32_t *r)
{
	uint32_t a[5] = { 0, (uint32_t)(GBUID >> 32), (uint32_t)GBUID, page_shift, window_shift };

	return rtas(EEH_RTAS_CREATE_PE_DMA_WINDOW, 5, a, 4, r);
}

static int remove_win(uint32_t liobn)
{
	uint32_t r[1];

	return rtas(EEH_RTAS_REMOVE_PE_DMA_WINDOW, 1, &liobn, 1, r);
}

static void ddw_calls_are_served_once_a_phb_has_dma_windows(void)
{
	uint32_t c[5], r[6];

	setup(false);
	CU_ASSERT_EQUAL(eeh_vm_rtas_tokens(vm, NULL, 0), 9);
	CU_ASSERT_EQUAL(eeh_vm_rtas_call(vm, 0x2026, 3, buid_args, 5, r), -ENOENT);
	CU_ASSERT_EQUAL(eeh_vm_dma_window(vm, GBUID, c), -ENOENT);
	CU_ASSERT_EQUAL(eeh_vm_set_phb_dma(vm, GBUID, sp, 256), -EINVAL);
	CU_ASSERT_EQUAL(eeh_vm_set_phb_dma(vm, GBUID + 1, sp, 0), -ENOENT);
	CU_ASSERT_EQUAL(eeh_vm_set_phb_dma(vm, GBUID, sp, 3), 0);
	CU_ASSERT_EQUAL(eeh_vm_rtas_tokens(vm, NULL, 0), 13);
	CU_ASSERT_STRING_EQUAL(eeh_rtas_call_name(EEH_RTAS_RESET_PE_DMA_WINDOW),
			       "ibm,reset-pe-dma-window");
	CU_ASSERT_EQUAL(eeh_vm_dma_window(vm, GBUID, c), 5);
	CU_ASSERT_EQUAL(c[0], 0x80000300u);
	CU_ASSERT_EQUAL(c[1], 0);
	CU_ASSERT_EQUAL(c[2], 0);
	CU_ASSERT_EQUAL(c[3], 0);
	CU_ASSERT_EQUAL(c[4], 0x80000000u);
	CU_ASSERT_EQUAL(eeh_vm_ddw_applicable(vm, GBUID, c), 3);
	CU_ASSERT_EQUAL(c[0], 0x2026);
	CU_ASSERT_EQUAL(c[1], 0x2027);
	CU_ASSERT_EQUAL(c[2], 0x2028);
	CU_ASSERT_EQUAL(eeh_vm_ddw_extensions(vm, GBUID, c), 3);
	CU_ASSERT_EQUAL(c[0], 2);
	CU_ASSERT_EQUAL(c[1], 0x2029);
	CU_ASSERT_EQUAL(c[2], 1);
	CU_ASSERT_EQUAL(eeh_vm_ddw_applicable(vm, GBUID + 1, c), -ENOENT);
	teardown();
}

static void query_answers_as_qemu_with_5_or_6_outputs(void)
{
	uint32_t r[7], bad[3] = { 0, 1, 2 };

	setup(true);
	CU_ASSERT_EQUAL(query(r, 5), 0);
	CU_ASSERT_EQUAL(r[1], 1); /* the default window is active */
	CU_ASSERT_EQUAL(r[2], 0x80000000u);
	CU_ASSERT_EQUAL(r[3], 0x107); /* 4K | 64K | 16M | 2M */
	CU_ASSERT_EQUAL(r[4], 0);
	CU_ASSERT_EQUAL(query(r, 6), 0);
	CU_ASSERT_EQUAL(r[1], 1);
	CU_ASSERT_EQUAL(r[2], 0x20);
	CU_ASSERT_EQUAL(r[3], 0);
	CU_ASSERT_EQUAL(r[4], 0x107);
	CU_ASSERT_EQUAL(r[5], 0);
	/* wrong counts and unknown BUIDs: -3 and nothing else */
	CU_ASSERT_EQUAL(query(r, 4), -3);
	CU_ASSERT_EQUAL(r[1], 0xeeeeeeeeu);
	CU_ASSERT_EQUAL(query(r, 7), -3);
	CU_ASSERT_EQUAL(rtas(EEH_RTAS_QUERY_PE_DMA_WINDOW, 3, bad, 5, r), -3);
	CU_ASSERT_EQUAL(r[1], 0xeeeeeeeeu);
	teardown();
}

static void create_puts_the_ddw_at_the_64bit_base_with_its_liobn(void)
{
	struct eeh_spapr_window w;
	uint32_t r[6];

	setup(true);
	CU_ASSERT_EQUAL(create(13, 30, r), -3);      /* 8 KiB pages: not offered */
	CU_ASSERT_EQUAL(create(64, 70, r), -3);
	CU_ASSERT_EQUAL(create(16, 15, r), -3);      /* window below one page */
	CU_ASSERT_EQUAL(create(12, 44, r), -1);      /* 2^32 TCEs: QEMU's u32 is 0 */
	CU_ASSERT_EQUAL(create(16, 40, r), 0);
	CU_ASSERT_EQUAL(r[1], LIOBN1);
	CU_ASSERT_EQUAL(r[2], (uint32_t)(DDW_BASE >> 32));
	CU_ASSERT_EQUAL(r[3], 0);
	CU_ASSERT_EQUAL(eeh_spapr_window(sp, 1, &w), 0);
	CU_ASSERT_EQUAL(w.size, 1ULL << 40);
	CU_ASSERT_EQUAL(w.page_shift, 16);
	/* QEMU's guess: 27 bits of table over 24 bits a level */
	CU_ASSERT_EQUAL(w.levels, 2);
	CU_ASSERT_EQUAL(query(r, 5), 0);
	CU_ASSERT_EQUAL(r[1], 0);
	/* no window left: a hardware error, not a parameter error */
	CU_ASSERT_EQUAL(create(16, 30, r), -1);
	teardown();
}

static void removing_the_last_ddw_restores_the_default_window(void)
{
	struct eeh_spapr_window w;
	uint32_t r[6];

	setup(true);
	CU_ASSERT_EQUAL(remove_win(LIOBN1), -3);  /* not active */
	CU_ASSERT_EQUAL(remove_win(0x80000102u), -3);
	CU_ASSERT_EQUAL(remove_win(0x80000100u), -3); /* no PHB with index 1 */
	CU_ASSERT_EQUAL(remove_win(LIOBN0), 0);   /* the default window */
	CU_ASSERT_EQUAL(query(r, 5), 0);
	CU_ASSERT_EQUAL(r[1], 2);
	CU_ASSERT_EQUAL(eeh_spapr_window(sp, 0, &w), -ENOENT);
	/* the guest's DDW now goes to bus address 0, window #0 */
	CU_ASSERT_EQUAL(create(21, 32, r), 0);
	CU_ASSERT_EQUAL(r[1], LIOBN0);
	CU_ASSERT_EQUAL(r[2], 0);
	CU_ASSERT_EQUAL(r[3], 0);
	CU_ASSERT_EQUAL(remove_win(LIOBN0), 0);
	CU_ASSERT_EQUAL(eeh_spapr_window(sp, 0, &w), 0);
	CU_ASSERT_TRUE(w.is_default);
	CU_ASSERT_EQUAL(w.size, 2ULL << 30);
	CU_ASSERT_EQUAL(w.page_shift, 12);
	teardown();
}

static void reset_brings_back_only_the_default_window(void)
{
	struct eeh_spapr_window w;
	uint32_t r[6];

	setup(true);
	CU_ASSERT_EQUAL(create(16, 34, r), 0);
	CU_ASSERT_EQUAL(rtas(EEH_RTAS_RESET_PE_DMA_WINDOW, 3, buid_args, 1, r), 0);
	CU_ASSERT_EQUAL(eeh_spapr_window(sp, 1, &w), -ENOENT);
	CU_ASSERT_EQUAL(eeh_spapr_window(sp, 0, &w), 0);
	CU_ASSERT_TRUE(w.is_default);
	CU_ASSERT_FALSE(w.pending);
	CU_ASSERT_EQUAL(query(r, 5), 0);
	CU_ASSERT_EQUAL(r[1], 1);
	teardown();
}

static void tce_hcalls_answer_as_qemu(void)
{
	uint64_t a[4], ret[1] = { 0 };
	uint32_t r[6];

	setup(true);
	/* H_PUT_TCE and H_GET_TCE on the default window, ioba masked */
	a[0] = LIOBN0, a[1] = 0x5123, a[2] = 0x200000 | 3;
	CU_ASSERT_EQUAL(eeh_vm_hcall(vm, EEH_H_PUT_TCE, a, NULL), EEH_H_SUCCESS);
	a[1] = 0x5000;
	CU_ASSERT_EQUAL(eeh_vm_hcall(vm, EEH_H_GET_TCE, a, ret), EEH_H_SUCCESS);
	CU_ASSERT_EQUAL(ret[0], 0x200000 | 3);
	a[1] = 0x6000;
	CU_ASSERT_EQUAL(eeh_vm_hcall(vm, EEH_H_GET_TCE, a, ret), EEH_H_SUCCESS);
	CU_ASSERT_EQUAL(ret[0], 0);
	/* the device may now read and write there */
	CU_ASSERT_EQUAL(eeh_func_dma(eeh_func_by_bdf(ctx, 0, 1, 0), true, 0x5000, 4096), 0);
	/* refusals */
	a[0] = LIOBN0 | 1ULL << 32;
	CU_ASSERT_EQUAL(eeh_vm_hcall(vm, EEH_H_PUT_TCE, a, NULL), EEH_H_PARAMETER);
	a[0] = LIOBN1;                  /* window #1 disabled */
	CU_ASSERT_EQUAL(eeh_vm_hcall(vm, EEH_H_PUT_TCE, a, NULL), EEH_H_PARAMETER);
	a[0] = LIOBN0, a[1] = 2ULL << 30;
	CU_ASSERT_EQUAL(eeh_vm_hcall(vm, EEH_H_PUT_TCE, a, NULL), EEH_H_PARAMETER);
	a[1] = 0x7000, a[2] = RAM_SIZE | 1; /* not guest RAM */
	CU_ASSERT_EQUAL(eeh_vm_hcall(vm, EEH_H_PUT_TCE, a, NULL), EEH_H_PARAMETER);
	CU_ASSERT_EQUAL(eeh_vm_hcall(vm, 0x1234, a, NULL), EEH_H_FUNCTION);
	/* H_STUFF_TCE: a range, then clearing it */
	a[0] = LIOBN0, a[1] = 0x100000, a[2] = 0x300000 | 1, a[3] = 16;
	CU_ASSERT_EQUAL(eeh_vm_hcall(vm, EEH_H_STUFF_TCE, a, NULL), EEH_H_SUCCESS);
	a[1] = 0x10f000;
	CU_ASSERT_EQUAL(eeh_vm_hcall(vm, EEH_H_GET_TCE, a, ret), EEH_H_SUCCESS);
	CU_ASSERT_EQUAL(ret[0], 0x300000 | 1);
	a[1] = 0x100000, a[2] = 0;
	CU_ASSERT_EQUAL(eeh_vm_hcall(vm, EEH_H_STUFF_TCE, a, NULL), EEH_H_SUCCESS);
	a[3] = (2ULL << 30 >> 12) + 1;
	CU_ASSERT_EQUAL(eeh_vm_hcall(vm, EEH_H_STUFF_TCE, a, NULL), EEH_H_PARAMETER);
	/* H_PUT_TCE_INDIRECT: at most 512, list 4 KiB-aligned */
	a[1] = 0, a[2] = LIST_GPA, a[3] = 513;
	CU_ASSERT_EQUAL(eeh_vm_hcall(vm, EEH_H_PUT_TCE_INDIRECT, a, NULL), EEH_H_PARAMETER);
	a[2] = LIST_GPA + 8, a[3] = 2;
	CU_ASSERT_EQUAL(eeh_vm_hcall(vm, EEH_H_PUT_TCE_INDIRECT, a, NULL), EEH_H_PARAMETER);
	/* a DDW's LIOBN works once created */
	CU_ASSERT_EQUAL(create(16, 30, r), 0);
	a[0] = LIOBN1, a[1] = DDW_BASE + 0x10000, a[2] = 0x10000 | 3;
	CU_ASSERT_EQUAL(eeh_vm_hcall(vm, EEH_H_PUT_TCE, a, NULL), EEH_H_SUCCESS);
	teardown();
}

static void a_removed_phb_takes_its_liobns_along(void)
{
	uint64_t a[4] = { LIOBN0, 0x1000, 0x1000 | 3, 0 };
	uint32_t c[5];

	setup(true);
	CU_ASSERT_EQUAL(eeh_vm_hcall(vm, EEH_H_PUT_TCE, a, NULL), EEH_H_SUCCESS);
	CU_ASSERT_EQUAL(eeh_vm_add_phb(vm, GBUID + 1, NULL), 0);
	CU_ASSERT_EQUAL(eeh_vm_set_phb_dma(vm, GBUID + 1, sp, 0), -EEXIST);
	CU_ASSERT_EQUAL(eeh_vm_del_phb(vm, GBUID), 0);
	CU_ASSERT_EQUAL(eeh_vm_hcall(vm, EEH_H_PUT_TCE, a, NULL), EEH_H_PARAMETER);
	CU_ASSERT_EQUAL(eeh_vm_dma_window(vm, GBUID, c), -ENOENT);
	/* the index is free again */
	CU_ASSERT_EQUAL(eeh_vm_set_phb_dma(vm, GBUID + 1, sp, 0), 0);
	CU_ASSERT_EQUAL(eeh_vm_hcall(vm, EEH_H_PUT_TCE, a, NULL), EEH_H_SUCCESS);
	teardown();
}

/* ---- the Linux pseries guest ---- */

static void be64_put(uint8_t *p, uint64_t v)
{
	be32_put(p, (uint32_t)(v >> 32));
	be32_put(p + 4, (uint32_t)v);
}

/* iommu_get_page_shift(): the largest page the query offers; LoPAR's
 * bit order, 2M last. */
static unsigned int guest_page_shift(uint32_t query_page_size)
{
	static const unsigned int shift[] = { 12, 16, 24, 25, 26, 27, 28, 34, 21 };
	unsigned int ret = 0;

	for (int i = (int)ARRAY_SIZE(shift) - 1; i >= 0; i--)
		if (query_page_size & (1u << i) && shift[i] > ret)
			ret = shift[i];
	return ret;
}

static void linux_pseries_guest_probes_ddw_and_maps_all_ram(void)
{
	uint32_t app[3], ext[3], win[5], r[6], cfg_addr = 1 << 16 | 1;
	uint32_t qa[3] = { cfg_addr, (uint32_t)(GBUID >> 32), (uint32_t)GBUID };
	struct eeh_func *f;
	unsigned int page_shift, len, nret;
	uint64_t avail, largest, liobn, dma_offset, a[4];

	setup(true);
	f = eeh_func_by_bdf(ctx, 0, 1, 0);
	/* of_get_property(pdn, "ibm,ddw-applicable") and "ibm,ddw-extensions" */
	CU_ASSERT_EQUAL_FATAL(eeh_vm_ddw_applicable(vm, GBUID, app), 3);
	CU_ASSERT_EQUAL_FATAL(eeh_vm_ddw_extensions(vm, GBUID, ext), 3);
	CU_ASSERT_EQUAL_FATAL(eeh_vm_dma_window(vm, GBUID, win), 5);
	/* query_ddw(): 6 outputs when extension DDW_EXT_QUERY_OUT_SIZE is 1 */
	nret = ext[0] >= 2 && ext[2] == 1 ? 6 : 5;
	CU_ASSERT_EQUAL(nret, 6);
	memset(r, 0, sizeof(r));
	CU_ASSERT_EQUAL(eeh_vm_rtas_call(vm, app[0], 3, qa, nret, r), 0);
	CU_ASSERT_EQUAL((int32_t)r[0], 0);
	avail = r[1];
	largest = (uint64_t)r[2] << 32 | r[3];
	CU_ASSERT_EQUAL(avail, 1);
	CU_ASSERT_EQUAL(largest, 1ULL << 37);
	page_shift = guest_page_shift(r[4]);
	CU_ASSERT_EQUAL(page_shift, 24);
	/* len = order_base_2(ddw_memory_hotplug_max()): all RAM, direct */
	len = 28;
	CU_ASSERT_TRUE(largest >= 1ULL << (len - page_shift));
	/* create_ddw() */
	qa[0] = cfg_addr;
	{
		uint32_t ca[5] = { qa[0], qa[1], qa[2], page_shift, len };

		memset(r, 0, sizeof(r));
		CU_ASSERT_EQUAL(eeh_vm_rtas_call(vm, app[1], 5, ca, 4, r), 0);
	}
	CU_ASSERT_EQUAL_FATAL((int32_t)r[0], 0);
	liobn = r[1];
	dma_offset = (uint64_t)r[2] << 32 | r[3];
	CU_ASSERT_EQUAL(liobn, LIOBN1);
	CU_ASSERT_EQUAL(dma_offset, DDW_BASE);
	/* tce_setrange_multi_pSeriesLP(): TCEs for all RAM in 512-entry
	 * H_PUT_TCE_INDIRECT calls, read | write */
	for (uint64_t i = 0; i < RAM_SIZE >> page_shift; i++)
		be64_put(mem + 8 * i, (i << page_shift) | 3);
	a[0] = liobn, a[1] = dma_offset, a[2] = LIST_GPA, a[3] = RAM_SIZE >> page_shift;
	CU_ASSERT_EQUAL(eeh_vm_hcall(vm, EEH_H_PUT_TCE_INDIRECT, a, NULL), EEH_H_SUCCESS);
	/* the device's DMA to any RAM address through the DDW works */
	CU_ASSERT_EQUAL(eeh_func_dma(f, true, dma_offset + 0x5000000, 4096), 0);
	CU_ASSERT_EQUAL(eeh_func_dma(f, false, dma_offset + RAM_SIZE - 8, 8), 0);
	CU_ASSERT_EQUAL(papr_state(eeh_func_pe(f), NULL), 0);
	/* past the end of RAM there is no TCE: the PHB freezes the PE */
	CU_ASSERT_EQUAL(eeh_func_dma(f, false, dma_offset + RAM_SIZE, 8), -EIO);
	CU_ASSERT_EQUAL(papr_state(eeh_func_pe(f), NULL), 2);
	/* the guest's RAM stays preregistered while the DDW maps it */
	CU_ASSERT_EQUAL(eeh_spapr_unregister(sp, RAM_HVA, RAM_SIZE), -EBUSY);
	/* remove_ddw() at kexec or unbind: the default window comes back
	 * only when no window is left; here the default is still active */
	CU_ASSERT_EQUAL(remove_win((uint32_t)liobn), 0);
	CU_ASSERT_EQUAL(eeh_spapr_unregister(sp, RAM_HVA, RAM_SIZE), 0);
	(void)win;
	teardown();
}

static const struct test tests[] = {
	TEST(ddw_calls_are_served_once_a_phb_has_dma_windows),
	TEST(query_answers_as_qemu_with_5_or_6_outputs),
	TEST(create_puts_the_ddw_at_the_64bit_base_with_its_liobn),
	TEST(removing_the_last_ddw_restores_the_default_window),
	TEST(reset_brings_back_only_the_default_window),
	TEST(tce_hcalls_answer_as_qemu),
	TEST(a_removed_phb_takes_its_liobns_along),
	TEST(linux_pseries_guest_probes_ddw_and_maps_all_ram),
};

int main(void)
{
	return RUN_SUITE("rtas-ddw", tests);
}
