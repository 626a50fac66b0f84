/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sPAPR DMA windows on iommufd (lib/spapr-dma.c) and the legacy SPAPR
 * TCE v2 container over it (eeh_spapr_ioctl()). Scenarios run on the
 * simulated iommufd and through the real-kernel code path against the
 * fake kernel (whose domain aperture is opened to the whole space, as a
 * POWER iommufd driver with a window list would report it).
 */
#include <errno.h>
#include <stdio.h>

#include <linux/vfio.h>

#include "fake-kernel.h"
#include "iommufd-abi.h"
#include "test-util.h"

enum mode { SIM, KERNEL };

#define REGION 0x7f0000000000ULL /* a VMM address, 2^40-aligned */
#define REGION_SIZE (16ULL << 20)
#define DDW_BASE (1ULL << 59)

struct fx {
	enum mode mode;
	struct eeh_ctx *ctx;
	struct eeh_iommufd *ifd;
	struct fake_kernel *fk;
	struct eeh_spapr *sp;
	uint32_t dev, ioas;
};

static uint32_t bind_attach(struct fx *f, unsigned int i, const char *bdf, uint32_t ioas)
{
	char name[64];
	uint32_t id = 0;

	if (f->mode == SIM)
		snprintf(name, sizeof(name), "%s", bdf);
	else
		snprintf(name, sizeof(name), "/dev/vfio/devices/vfio%u", i);
	CU_ASSERT_EQUAL(eeh_iommufd_bind(f->ifd, name, &id), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_attach(f->ifd, id, ioas, NULL), 0);
	return id;
}

/* A device of group 1 (PE of 0000:01:00.0) attached to its own IOAS and a
 * DMA-window object on that IOAS; attach false: the IOAS stays empty. */
static void fx_setup(struct fx *f, enum mode mode, bool attach)
{
	memset(f, 0, sizeof(*f));
	f->mode = mode;
	f->ctx = builtin_host();
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->ctx);
	if (mode == KERNEL) {
		f->fk = fake_new();
		fake_add_cdev(f->fk, 0, 1);
		fake_add_cdev(f->fk, 1, 3);
		f->fk->aperture_start = 0;
		f->fk->aperture_last = UINT64_MAX - 1;
		f->fk->iova_alignment = 4096;
		fake_install(f->fk, f->ctx);
	}
	CU_ASSERT_EQUAL_FATAL(eeh_iommufd_open(f->ctx, mode == KERNEL ? EEH_IOMMUFD_KERNEL : 0,
					       &f->ifd), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_alloc(f->ifd, &f->ioas), 0);
	if (attach)
		f->dev = bind_attach(f, 0, "0000:01:00.0", f->ioas);
	CU_ASSERT_EQUAL_FATAL(eeh_spapr_new(f->ifd, f->ioas, &f->sp), 0);
}

static void fx_teardown(struct fx *f)
{
	eeh_spapr_free(f->sp);
	eeh_iommufd_close(f->ifd);
	if (f->fk) {
		CU_ASSERT_EQUAL(f->fk->open_fds, 0);
		fake_free(f->fk);
	}
	eeh_unref(f->ctx);
}

/* Mapped areas of the device's IOAS (the fake kernel's count; on the
 * simulated host what the PE's function can DMA to tells). */
static int areas(struct fx *f)
{
	return f->fk ? fake_ioas_areas(f->fk, f->ioas, NULL) : -1;
}

static struct eeh_func *func0(struct fx *f)
{
	return eeh_func_by_bdf(f->ctx, 0, 1, 0);
}

static int ranges(struct fx *f, struct eeh_iova_range *r)
{
	unsigned int n = 4;

	CU_ASSERT_EQUAL(eeh_iommufd_iova_ranges(f->ifd, f->ioas, r, &n), 0);
	return (int)n;
}

#define BOTH(name)                                        \
	static void name(enum mode mode);                 \
	static void name##_sim(void) { name(SIM); }       \
	static void name##_kernel(void) { name(KERNEL); } \
	static void name(enum mode mode)

BOTH(default_window_is_pending_until_the_first_tce)
{
	struct eeh_spapr_window w;
	struct eeh_spapr_info info;
	uint64_t tce = 0;
	struct fx f;

	fx_setup(&f, mode, true);
	CU_ASSERT_EQUAL(eeh_spapr_get_info(f.sp, &info), 0);
	CU_ASSERT_EQUAL(info.dma32_start, 0);
	CU_ASSERT_EQUAL(info.dma32_size, 2ULL << 30);
	CU_ASSERT_EQUAL(info.dma64_base, DDW_BASE);
	CU_ASSERT_EQUAL(info.max_windows, 2);
	CU_ASSERT_EQUAL(eeh_spapr_window(f.sp, 0, &w), 0);
	CU_ASSERT_TRUE(w.pending);
	CU_ASSERT_EQUAL(eeh_spapr_window(f.sp, 1, &w), -ENOENT);
	CU_ASSERT_EQUAL(eeh_spapr_register(f.sp, REGION, REGION_SIZE), 0);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, 0x1000, REGION | EEH_TCE_READ | EEH_TCE_WRITE), 0);
	CU_ASSERT_EQUAL(eeh_spapr_window(f.sp, 0, &w), 0);
	CU_ASSERT_FALSE(w.pending);
	CU_ASSERT_TRUE(w.is_default);
	CU_ASSERT_EQUAL(w.start, 0);
	CU_ASSERT_EQUAL(w.size, 2ULL << 30);
	CU_ASSERT_EQUAL(w.page_shift, 12);
	CU_ASSERT_EQUAL(w.levels, 1);
	CU_ASSERT_EQUAL(w.mapped, 1);
	CU_ASSERT_EQUAL(eeh_spapr_get_tce(f.sp, 0x1000, &tce), 0);
	CU_ASSERT_EQUAL(tce, REGION | 3);
	CU_ASSERT_EQUAL(eeh_spapr_get_tce(f.sp, 0x2000, &tce), 0);
	CU_ASSERT_EQUAL(tce, 0);
	if (mode == KERNEL) {
		CU_ASSERT_EQUAL(areas(&f), 1);
		CU_ASSERT_EQUAL(fake_count(f.fk, IOMMU_IOAS_COPY), 1);
		CU_ASSERT_EQUAL(fake_last(f.fk, IOMMU_IOAS_COPY)->size, 40);
		CU_ASSERT_EQUAL(fake_last(f.fk, IOMMU_IOAS_MAP)->size, 40);
		CU_ASSERT_EQUAL(fake_last(f.fk, IOMMU_IOAS_ALLOW_IOVAS)->size, 24);
		/* the prereg IOAS holds the region, identity-mapped */
		uint64_t bytes = 0;

		CU_ASSERT_EQUAL(fake_ioas_areas(f.fk, eeh_spapr_prereg_ioas(f.sp), &bytes), 1);
		CU_ASSERT_EQUAL(bytes, REGION_SIZE);
	} else {
		struct eeh_iova_range r[4];

		/* the IOAS's ranges are the PE's windows */
		CU_ASSERT_EQUAL(ranges(&f, r), 1);
		CU_ASSERT_EQUAL(r[0].start, 0);
		CU_ASSERT_EQUAL(r[0].last, (2ULL << 30) - 1);
	}
	fx_teardown(&f);
}

BOTH(a_second_window_goes_to_the_64bit_base_and_a_third_is_enospc)
{
	struct eeh_spapr_window w;
	uint64_t start = 1;
	struct fx f;

	fx_setup(&f, mode, true);
	/* the pending default window is created first: the DDW is slot 1 */
	CU_ASSERT_EQUAL(eeh_spapr_create_window(f.sp, 16, 1ULL << 30, 1, &start), 0);
	CU_ASSERT_EQUAL(start, DDW_BASE);
	CU_ASSERT_EQUAL(eeh_spapr_window(f.sp, 1, &w), 0);
	CU_ASSERT_EQUAL(w.start, DDW_BASE);
	CU_ASSERT_EQUAL(w.size, 1ULL << 30);
	CU_ASSERT_EQUAL(w.page_shift, 16);
	CU_ASSERT_FALSE(w.is_default);
	CU_ASSERT_EQUAL(eeh_spapr_create_window(f.sp, 12, 1ULL << 30, 1, &start), -ENOSPC);
	/* ENOSPC comes before the argument checks, as in the kernel */
	CU_ASSERT_EQUAL(eeh_spapr_create_window(f.sp, 13, 3, 0, &start), -ENOSPC);
	if (mode == SIM) {
		struct eeh_iova_range r[4];

		CU_ASSERT_EQUAL(ranges(&f, r), 2);
		CU_ASSERT_EQUAL(r[1].start, DDW_BASE);
		CU_ASSERT_EQUAL(r[1].last, DDW_BASE + (1ULL << 30) - 1);
	}
	fx_teardown(&f);
}

BOTH(removing_the_pending_default_puts_the_ddw_at_bus_address_0)
{
	uint64_t start = 1;
	struct fx f;

	fx_setup(&f, mode, true);
	CU_ASSERT_EQUAL(eeh_spapr_remove_window(f.sp, 0), 0);
	CU_ASSERT_EQUAL(eeh_spapr_create_window(f.sp, 16, 1ULL << 32, 2, &start), 0);
	CU_ASSERT_EQUAL(start, 0);
	CU_ASSERT_EQUAL(eeh_spapr_create_window(f.sp, 21, 1ULL << 36, 1, &start), 0);
	CU_ASSERT_EQUAL(start, DDW_BASE);
	/* removal by any address inside the window */
	CU_ASSERT_EQUAL(eeh_spapr_remove_window(f.sp, DDW_BASE + 0x200000), 0);
	CU_ASSERT_EQUAL(eeh_spapr_remove_window(f.sp, DDW_BASE), -EINVAL);
	CU_ASSERT_EQUAL(eeh_spapr_remove_window(f.sp, 1ULL << 40), -EINVAL);
	fx_teardown(&f);
}

BOTH(create_checks_page_size_window_size_and_levels)
{
	uint64_t start;
	struct fx f;

	fx_setup(&f, mode, true);
	CU_ASSERT_EQUAL(eeh_spapr_remove_window(f.sp, 0), 0);
	CU_ASSERT_EQUAL(eeh_spapr_create_window(f.sp, 13, 1ULL << 30, 1, &start), -EINVAL);
	CU_ASSERT_EQUAL(eeh_spapr_create_window(f.sp, 64, 1ULL << 30, 1, &start), -EINVAL);
	CU_ASSERT_EQUAL(eeh_spapr_create_window(f.sp, 12, 3ULL << 30, 1, &start), -EINVAL);
	CU_ASSERT_EQUAL(eeh_spapr_create_window(f.sp, 16, 1ULL << 12, 1, &start), -EINVAL);
	CU_ASSERT_EQUAL(eeh_spapr_create_window(f.sp, 12, 1ULL << 30, 0, &start), -EINVAL);
	CU_ASSERT_EQUAL(eeh_spapr_create_window(f.sp, 12, 1ULL << 30, 6, &start), -EINVAL);
	/* one level cannot index 2^43 TCEs (PowerNV: 55 address bits) */
	CU_ASSERT_EQUAL(eeh_spapr_create_window(f.sp, 12, 1ULL << 55, 1, &start), -EINVAL);
	CU_ASSERT_EQUAL(eeh_spapr_create_window(f.sp, 12, 1ULL << 54, 1, &start), 0);
	fx_teardown(&f);
}

BOTH(windows_need_exactly_one_group_on_the_ioas)
{
	uint64_t start;
	struct fx f;

	fx_setup(&f, mode, false);
	CU_ASSERT_EQUAL(eeh_spapr_create_window(f.sp, 12, 1ULL << 30, 1, &start), -ENODEV);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, 0, REGION | 1), -ENODEV);
	/* preregistration needs no device */
	CU_ASSERT_EQUAL(eeh_spapr_register(f.sp, REGION, REGION_SIZE), 0);
	bind_attach(&f, 0, "0000:01:00.0", f.ioas);
	bind_attach(&f, 1, "0000:03:00.0", f.ioas);
	CU_ASSERT_EQUAL(eeh_spapr_create_window(f.sp, 12, 1ULL << 30, 1, &start), -EPERM);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, 0, REGION | 1), -EPERM);
	CU_ASSERT_EQUAL(eeh_spapr_reset(f.sp), -EPERM);
	fx_teardown(&f);
}

BOTH(a_tce_is_replaced_in_place_and_cleared_by_no_permission)
{
	uint64_t tce;
	struct fx f;

	fx_setup(&f, mode, true);
	CU_ASSERT_EQUAL(eeh_spapr_register(f.sp, REGION, REGION_SIZE), 0);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, 0x5000, REGION | EEH_TCE_READ), 0);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, 0x5000, (REGION + 0x3000) | EEH_TCE_WRITE), 0);
	CU_ASSERT_EQUAL(eeh_spapr_get_tce(f.sp, 0x5000, &tce), 0);
	CU_ASSERT_EQUAL(tce, (REGION + 0x3000) | EEH_TCE_WRITE);
	if (mode == KERNEL)
		CU_ASSERT_EQUAL(areas(&f), 1);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, 0x5000, REGION + 0x3000), 0);
	CU_ASSERT_EQUAL(eeh_spapr_get_tce(f.sp, 0x5000, &tce), 0);
	CU_ASSERT_EQUAL(tce, 0);
	if (mode == KERNEL)
		CU_ASSERT_EQUAL(areas(&f), 0);
	/* clearing an empty entry is fine */
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, 0x6000, 0), 0);
	fx_teardown(&f);
}

BOTH(tces_outside_windows_misaligned_or_unregistered_are_refused)
{
	uint64_t start, tces[EEH_TCE_LIST_MAX + 1] = { 0 };
	struct fx f;

	fx_setup(&f, mode, true);
	CU_ASSERT_EQUAL(eeh_spapr_register(f.sp, REGION, REGION_SIZE), 0);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, 0x1800, REGION | 1), -EINVAL);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, 2ULL << 30, REGION | 1), -ENXIO);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, DDW_BASE, REGION | 1), -ENXIO);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, 0x1000, (REGION + REGION_SIZE) | 1), -EINVAL);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, 0x1000, 0x1000 | 1), -EINVAL);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce_list(f.sp, 0, tces, EEH_TCE_LIST_MAX + 1), -EINVAL);
	CU_ASSERT_EQUAL(eeh_spapr_get_tce(f.sp, 2ULL << 30, &start), -ENXIO);
	/* a 16 MiB page needs a region aligned to 16 MiB */
	CU_ASSERT_EQUAL(eeh_spapr_create_window(f.sp, 24, 1ULL << 32, 1, &start), 0);
	CU_ASSERT_EQUAL(eeh_spapr_register(f.sp, REGION + (64ULL << 20), 1ULL << 20), 0);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, start, (REGION + (64ULL << 20)) | 1), -EINVAL);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, start, REGION | 1), 0);
	fx_teardown(&f);
}

BOTH(unregistering_a_region_in_use_is_ebusy)
{
	struct fx f;

	fx_setup(&f, mode, true);
	CU_ASSERT_EQUAL(eeh_spapr_register(f.sp, REGION, REGION_SIZE), 0);
	CU_ASSERT_EQUAL(eeh_spapr_register(f.sp, REGION, REGION_SIZE), -EBUSY);
	CU_ASSERT_EQUAL(eeh_spapr_register(f.sp, REGION + 0x10000, REGION_SIZE), -EINVAL);
	CU_ASSERT_EQUAL(eeh_spapr_register(f.sp, REGION + REGION_SIZE + 0x800, 0x10000), -EINVAL);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, 0, (REGION + 0x10000) | 3), 0);
	CU_ASSERT_EQUAL(eeh_spapr_unregister(f.sp, REGION, REGION_SIZE), -EBUSY);
	CU_ASSERT_EQUAL(eeh_spapr_unregister(f.sp, REGION, REGION_SIZE / 2), -ENOENT);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, 0, 0), 0);
	CU_ASSERT_EQUAL(eeh_spapr_unregister(f.sp, REGION, REGION_SIZE), 0);
	CU_ASSERT_EQUAL(eeh_spapr_unregister(f.sp, REGION, REGION_SIZE), -ENOENT);
	if (mode == KERNEL)
		CU_ASSERT_EQUAL(fake_ioas_areas(f.fk, eeh_spapr_prereg_ioas(f.sp), NULL), 0);
	fx_teardown(&f);
}

BOTH(a_list_stops_at_the_first_bad_entry_and_stuff_fills_a_range)
{
	uint64_t tces[4] = { REGION | 1, (REGION + 0x1000) | 3, 0x10000 | 3,
			     (REGION + 0x3000) | 1 };
	uint64_t tce;
	struct fx f;

	fx_setup(&f, mode, true);
	CU_ASSERT_EQUAL(eeh_spapr_register(f.sp, REGION, REGION_SIZE), 0);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce_list(f.sp, 0x10000, tces, 4), -EINVAL);
	CU_ASSERT_EQUAL(eeh_spapr_get_tce(f.sp, 0x11000, &tce), 0);
	CU_ASSERT_EQUAL(tce, (REGION + 0x1000) | 3);
	CU_ASSERT_EQUAL(eeh_spapr_get_tce(f.sp, 0x13000, &tce), 0);
	CU_ASSERT_EQUAL(tce, 0);
	CU_ASSERT_EQUAL(eeh_spapr_stuff_tce(f.sp, 0x20000, REGION | 1, 8), 0);
	CU_ASSERT_EQUAL(eeh_spapr_get_tce(f.sp, 0x27000, &tce), 0);
	CU_ASSERT_EQUAL(tce, REGION | 1);
	if (mode == KERNEL)
		CU_ASSERT_EQUAL(areas(&f), 10);
	CU_ASSERT_EQUAL(eeh_spapr_stuff_tce(f.sp, 0x10000, 0, 0x20), 0);
	if (mode == KERNEL)
		CU_ASSERT_EQUAL(areas(&f), 0);
	CU_ASSERT_EQUAL(eeh_spapr_stuff_tce(f.sp, 0, 0, (2ULL << 30 >> 12) + 1), -EINVAL);
	CU_ASSERT_EQUAL(eeh_spapr_stuff_tce(f.sp, (2ULL << 30) - 0x1000, 0, 2), -EINVAL);
	fx_teardown(&f);
}

BOTH(removing_a_window_clears_its_tces_and_reset_restores_the_default)
{
	struct eeh_spapr_window w;
	uint64_t start;
	struct fx f;

	fx_setup(&f, mode, true);
	CU_ASSERT_EQUAL(eeh_spapr_register(f.sp, REGION, REGION_SIZE), 0);
	CU_ASSERT_EQUAL(eeh_spapr_create_window(f.sp, 16, 1ULL << 32, 1, &start), 0);
	CU_ASSERT_EQUAL(eeh_spapr_stuff_tce(f.sp, start, REGION | 3, 4), 0);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, 0, REGION | 3), 0);
	CU_ASSERT_EQUAL(eeh_spapr_remove_window(f.sp, start), 0);
	CU_ASSERT_EQUAL(eeh_spapr_window(f.sp, 1, &w), -ENOENT);
	if (mode == KERNEL)
		CU_ASSERT_EQUAL(areas(&f), 1);
	CU_ASSERT_EQUAL(eeh_spapr_unregister(f.sp, REGION, REGION_SIZE), -EBUSY);
	CU_ASSERT_EQUAL(eeh_spapr_reset(f.sp), 0);
	if (mode == KERNEL)
		CU_ASSERT_EQUAL(areas(&f), 0);
	CU_ASSERT_EQUAL(eeh_spapr_unregister(f.sp, REGION, REGION_SIZE), 0);
	CU_ASSERT_EQUAL(eeh_spapr_window(f.sp, 0, &w), 0);
	CU_ASSERT_TRUE(w.is_default);
	CU_ASSERT_FALSE(w.pending);
	CU_ASSERT_EQUAL(w.size, 2ULL << 30);
	CU_ASSERT_EQUAL(w.mapped, 0);
	fx_teardown(&f);
}

BOTH(ioas_map_and_unmap_keep_iommufd_area_rules)
{
	uint32_t other;
	uint64_t n = 0;
	struct fx f;

	fx_setup(&f, mode, false);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_alloc(f.ifd, &other), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_map(f.ifd, other, 0x10000, 0x2000, REGION,
					     EEH_IOAS_MAP_READ), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_map(f.ifd, other, 0x11000, 0x1000, REGION,
					     EEH_IOAS_MAP_READ), -EEXIST);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_map(f.ifd, other, 0x20000, 0x1000, REGION, 0), -EINVAL);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_map(f.ifd, other, 0x20000, 0, REGION,
					     EEH_IOAS_MAP_WRITE), -EINVAL);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_map(f.ifd, other, 0x20000, 0x1000, REGION, 8), -EINVAL);
	/* no splitting: half an area is ENOENT, nothing there too */
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_unmap(f.ifd, other, 0x10000, 0x1000, &n), -ENOENT);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_unmap(f.ifd, other, 0x40000, 0x1000, &n), -ENOENT);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_unmap(f.ifd, other, 0x0, 0x100000, &n), 0);
	CU_ASSERT_EQUAL(n, 0x2000);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_unmap(f.ifd, other, 0x10000, 0x2000, &n), -ENOENT);
	/* no merging either (a 6.12 kernel, tests/vm/scenario.c): adjacent
	 * maps of contiguous memory stay two areas, each unmaps alone */
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_map(f.ifd, other, 0x30000, 0x1000, REGION,
					     EEH_IOAS_MAP_READ), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_map(f.ifd, other, 0x31000, 0x1000, REGION + 0x1000,
					     EEH_IOAS_MAP_READ), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_unmap(f.ifd, other, 0x31000, 0x1000, &n), 0);
	CU_ASSERT_EQUAL(n, 0x1000);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_unmap(f.ifd, other, 0x30000, 0x1000, &n), 0);
	CU_ASSERT_EQUAL(n, 0x1000);
	/* everything: fine on an empty IOAS */
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_unmap(f.ifd, other, 0, UINT64_MAX, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	fx_teardown(&f);
}

static void sim_dma_goes_through_the_tce_tables(void)
{
	struct eeh_inject_record rec = { .size = sizeof(rec) };
	struct eeh_pe_error e = { .size = sizeof(e) };
	struct eeh_pe *pe;
	struct fx f;

	fx_setup(&f, SIM, true);
	pe = eeh_func_pe(func0(&f));
	/* nothing programmed yet: DMA is not translated */
	CU_ASSERT_EQUAL(eeh_func_dma(func0(&f), true, 0x123000, 64), 0);
	CU_ASSERT_EQUAL(eeh_spapr_register(f.sp, REGION, REGION_SIZE), 0);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, 0x4000, REGION | EEH_TCE_READ), 0);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, 0x5000, REGION | EEH_TCE_WRITE | EEH_TCE_READ), 0);
	CU_ASSERT_EQUAL(eeh_func_dma(func0(&f), false, 0x4010, 64), 0);
	CU_ASSERT_EQUAL(eeh_func_dma(func0(&f), true, 0x5000, 4096), 0);
	CU_ASSERT_EQUAL(papr_state(pe, NULL), 0);
	/* a write through a read-only TCE freezes the PE */
	CU_ASSERT_EQUAL(eeh_func_dma(func0(&f), true, 0x4020, 8), -EIO);
	CU_ASSERT_EQUAL(papr_state(pe, NULL), 2);
	CU_ASSERT_EQUAL(eeh_pe_last_error(pe, &e), 0);
	CU_ASSERT_EQUAL(e.func, EEH_PE_ERROR_BAD_DMA);
	CU_ASSERT_EQUAL(e.addr, 0x4020);
	CU_ASSERT_EQUAL(eeh_inject_record_count(pe), 1);
	CU_ASSERT_EQUAL(eeh_inject_record_get(pe, 0, &rec), 0);
	CU_ASSERT_EQUAL(rec.kind, EEH_INJECT_BAD_DMA);
	CU_ASSERT_EQUAL(rec.hit_addr, 0x4020);
	CU_ASSERT_PTR_EQUAL(rec.hit_func, func0(&f));
	CU_ASSERT_TRUE(rec.fired);
	fx_teardown(&f);
}

static void sim_dma_to_an_iova_without_a_valid_tce_freezes_the_pe(void)
{
	struct eeh_pe_error e = { .size = sizeof(e) };
	struct eeh_pe *pe;
	struct fx f;

	fx_setup(&f, SIM, true);
	pe = eeh_func_pe(func0(&f));
	CU_ASSERT_EQUAL(eeh_spapr_register(f.sp, REGION, REGION_SIZE), 0);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, 0x4000, REGION | 3), 0);
	/* the DMA runs into the next, empty, page */
	CU_ASSERT_EQUAL(eeh_func_dma(func0(&f), false, 0x4ff0, 32), -EIO);
	CU_ASSERT_EQUAL(papr_state(pe, NULL), 2);
	CU_ASSERT_EQUAL(eeh_pe_last_error(pe, &e), 0);
	CU_ASSERT_EQUAL(e.func, EEH_PE_ERROR_BAD_DMA);
	CU_ASSERT_EQUAL(e.addr, 0x5000);
	fx_teardown(&f);
}

static void sim_dma_through_an_unmapped_tce_after_clear_freezes(void)
{
	struct fx f;

	fx_setup(&f, SIM, true);
	CU_ASSERT_EQUAL(eeh_spapr_register(f.sp, REGION, REGION_SIZE), 0);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, 0x4000, REGION | 3), 0);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, 0x4000, 0), 0);
	CU_ASSERT_EQUAL(eeh_func_dma(func0(&f), false, 0x4000, 8), -EIO);
	CU_ASSERT_EQUAL(papr_state(eeh_func_pe(func0(&f)), NULL), 2);
	fx_teardown(&f);
}

static void sim_empty_1tib_window_costs_no_table_memory(void)
{
	struct eeh_spapr_window w;
	uint64_t start;
	struct fx f;

	fx_setup(&f, SIM, true);
	CU_ASSERT_EQUAL(eeh_spapr_register(f.sp, REGION, REGION_SIZE), 0);
	CU_ASSERT_EQUAL(eeh_spapr_create_window(f.sp, 16, 1ULL << 40, 2, &start), 0);
	CU_ASSERT_EQUAL(eeh_spapr_window(f.sp, 1, &w), 0);
	CU_ASSERT_EQUAL(w.table_bytes, 0);
	/* one TCE at the far end: a leaf and the nodes above it */
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, start + (1ULL << 40) - 0x10000, REGION | 3), 0);
	CU_ASSERT_EQUAL(eeh_spapr_window(f.sp, 1, &w), 0);
	CU_ASSERT_TRUE(w.table_bytes > 0 && w.table_bytes < 16384);
	CU_ASSERT_EQUAL(eeh_func_dma(func0(&f), false, start + (1ULL << 40) - 0x8000, 8), 0);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(f.sp, start + (1ULL << 40) - 0x10000, 0), 0);
	CU_ASSERT_EQUAL(eeh_spapr_window(f.sp, 1, &w), 0);
	CU_ASSERT_EQUAL(w.table_bytes, 0);
	fx_teardown(&f);
}

/* ---- the legacy container over iommufd ---- */

BOTH(container_get_info_reports_the_ddw_geometry)
{
	struct vfio_iommu_spapr_tce_info info;
	struct fx f;

	fx_setup(&f, mode, true);
	memset(&info, 0xff, sizeof(info));
	info.argsz = sizeof(info);
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info), 0);
	CU_ASSERT_EQUAL(info.flags, VFIO_IOMMU_SPAPR_INFO_DDW);
	CU_ASSERT_EQUAL(info.dma32_window_start, 0);
	CU_ASSERT_EQUAL(info.dma32_window_size, 0x80000000u);
	CU_ASSERT_EQUAL(info.ddw.pgsizes, 0x1211000ULL);
	CU_ASSERT_EQUAL(info.ddw.max_dynamic_windows_supported, 2);
	CU_ASSERT_EQUAL(info.ddw.levels, 5);
	/* a 16-byte argsz gets the first 16 bytes only */
	memset(&info, 0xff, sizeof(info));
	info.argsz = 16;
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info), 0);
	CU_ASSERT_EQUAL(info.ddw.levels, 0xffffffffu);
	info.argsz = 15;
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info), -EINVAL);
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_ENABLE, &info), -ENOTTY);
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_DISABLE, &info), -ENOTTY);
	fx_teardown(&f);
}

static void container_get_info_without_a_group_is_enxio(void)
{
	struct vfio_iommu_spapr_tce_info info = { .argsz = sizeof(info) };
	struct vfio_iommu_spapr_tce_create c = { .argsz = sizeof(c), .page_shift = 12,
						 .window_size = 1ULL << 30, .levels = 1 };
	struct vfio_eeh_pe_op op = { .argsz = sizeof(op), .op = VFIO_EEH_PE_GET_STATE };
	struct fx f;

	fx_setup(&f, SIM, false);
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info), -ENXIO);
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_SPAPR_TCE_CREATE, &c), -ENXIO);
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_EEH_PE_OP, &op), -ENODEV);
	fx_teardown(&f);
}

/* QEMU's vfio_spapr_container_setup() and a guest's first maps. */
BOTH(container_flow_as_qemu_drives_a_v2_container)
{
	struct vfio_iommu_spapr_register_memory reg = { .argsz = sizeof(reg), .vaddr = REGION,
							.size = REGION_SIZE };
	struct vfio_iommu_spapr_tce_remove rm = { .argsz = sizeof(rm), .start_addr = 0 };
	struct vfio_iommu_spapr_tce_create cr = { .argsz = sizeof(cr), .page_shift = 16,
						  .window_size = 1ULL << 30, .levels = 1 };
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map),
						.flags = VFIO_DMA_MAP_FLAG_READ,
						.vaddr = REGION, .iova = 0x20000, .size = 0x20000 };
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap), .iova = 0x20000,
						    .size = 0x10000 };
	struct vfio_eeh_pe_op op = { .argsz = sizeof(op), .op = VFIO_EEH_PE_GET_STATE };
	uint64_t tce;
	struct fx f;

	fx_setup(&f, mode, true);
	/* MAP before any REGISTER: EPERM; UNREGISTER before the mm is bound */
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_MAP_DMA, &map), -EPERM);
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY, &reg), -EPERM);
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_SPAPR_REGISTER_MEMORY, &reg), 0);
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_SPAPR_REGISTER_MEMORY, &reg), -EBUSY);
	/* QEMU removes the host default window: only the pending flag goes */
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_SPAPR_TCE_REMOVE, &rm), 0);
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_SPAPR_TCE_CREATE, &cr), 0);
	CU_ASSERT_EQUAL(cr.start_addr, 0);
	cr.flags = 1;
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_SPAPR_TCE_CREATE, &cr), -EINVAL);
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_MAP_DMA, &map), 0);
	CU_ASSERT_EQUAL(eeh_spapr_get_tce(f.sp, 0x30000, &tce), 0);
	CU_ASSERT_EQUAL(tce, (REGION + 0x10000) | EEH_TCE_READ);
	if (mode == KERNEL)
		CU_ASSERT_EQUAL(areas(&f), 2);
	/* a live TCE is replaced, not EEXIST */
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_MAP_DMA, &map), 0);
	/* misaligned iova inside the window: the parameter check's 1 */
	map.iova = 0x20800;
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_MAP_DMA, &map), 1);
	map.iova = 2ULL << 30;
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_MAP_DMA, &map), -ENXIO);
	map.iova = 0x20000;
	map.size = 0x1000;
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_MAP_DMA, &map), -EINVAL);
	map.size = 0x10000;
	map.flags = 0;
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_MAP_DMA, &map), -EINVAL);
	map.flags = 4;
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_MAP_DMA, &map), -EINVAL);
	/* an unregistered VA: EINVAL, nothing of the call left */
	map.flags = VFIO_DMA_MAP_FLAG_WRITE;
	map.vaddr = REGION + REGION_SIZE - 0x10000;
	map.iova = 0x100000;
	map.size = 0x20000;
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_MAP_DMA, &map), -EINVAL);
	CU_ASSERT_EQUAL(eeh_spapr_get_tce(f.sp, 0x100000, &tce), 0);
	CU_ASSERT_EQUAL(tce, 0);
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY, &reg), -EBUSY);
	/* UNMAP of a sub-range, then of nothing: both 0 */
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_UNMAP_DMA, &unmap), 0);
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_UNMAP_DMA, &unmap), 0);
	unmap.iova = 0x20100;
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_UNMAP_DMA, &unmap), 1);
	unmap.iova = 0x30000;
	unmap.flags = 1;
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_UNMAP_DMA, &unmap), -EINVAL);
	unmap.flags = 0;
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_UNMAP_DMA, &unmap), 0);
	if (mode == KERNEL)
		CU_ASSERT_EQUAL(areas(&f), 0);
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY, &reg), 0);
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY, &reg), -ENOENT);
	/* REMOVE of an address in no window */
	rm.start_addr = 1ULL << 40;
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_IOMMU_SPAPR_TCE_REMOVE, &rm), -EINVAL);
	/* EEH through the same object: the IOAS's one PE */
	CU_ASSERT_EQUAL(eeh_spapr_ioctl(f.sp, VFIO_EEH_PE_OP, &op), 0);
	fx_teardown(&f);
}

static void kernel_mock_aperture_refuses_the_default_window(void)
{
	struct eeh_spapr *sp;
	struct fx f;

	fx_setup(&f, KERNEL, true);
	/* the selftest mock's domain: [1<<24, 2^31-1] */
	f.fk->aperture_start = 1ULL << 24;
	f.fk->aperture_last = (1ULL << 31) - 1;
	CU_ASSERT_EQUAL(eeh_spapr_new(f.ifd, f.ioas, &sp), 0);
	CU_ASSERT_EQUAL(eeh_spapr_register(sp, REGION, REGION_SIZE), 0);
	CU_ASSERT_EQUAL(eeh_spapr_put_tce(sp, 0x1000000, REGION | 1), -EADDRINUSE);
	CU_ASSERT_EQUAL(fake_last(f.fk, IOMMU_IOAS_ALLOW_IOVAS)->rc, -EADDRINUSE);
	eeh_spapr_free(sp);
	fx_teardown(&f);
}

static const struct test tests[] = {
	TEST(default_window_is_pending_until_the_first_tce_sim),
	TEST(default_window_is_pending_until_the_first_tce_kernel),
	TEST(a_second_window_goes_to_the_64bit_base_and_a_third_is_enospc_sim),
	TEST(a_second_window_goes_to_the_64bit_base_and_a_third_is_enospc_kernel),
	TEST(removing_the_pending_default_puts_the_ddw_at_bus_address_0_sim),
	TEST(removing_the_pending_default_puts_the_ddw_at_bus_address_0_kernel),
	TEST(create_checks_page_size_window_size_and_levels_sim),
	TEST(create_checks_page_size_window_size_and_levels_kernel),
	TEST(windows_need_exactly_one_group_on_the_ioas_sim),
	TEST(windows_need_exactly_one_group_on_the_ioas_kernel),
	TEST(a_tce_is_replaced_in_place_and_cleared_by_no_permission_sim),
	TEST(a_tce_is_replaced_in_place_and_cleared_by_no_permission_kernel),
	TEST(tces_outside_windows_misaligned_or_unregistered_are_refused_sim),
	TEST(tces_outside_windows_misaligned_or_unregistered_are_refused_kernel),
	TEST(unregistering_a_region_in_use_is_ebusy_sim),
	TEST(unregistering_a_region_in_use_is_ebusy_kernel),
	TEST(a_list_stops_at_the_first_bad_entry_and_stuff_fills_a_range_sim),
	TEST(a_list_stops_at_the_first_bad_entry_and_stuff_fills_a_range_kernel),
	TEST(removing_a_window_clears_its_tces_and_reset_restores_the_default_sim),
	TEST(removing_a_window_clears_its_tces_and_reset_restores_the_default_kernel),
	TEST(ioas_map_and_unmap_keep_iommufd_area_rules_sim),
	TEST(ioas_map_and_unmap_keep_iommufd_area_rules_kernel),
	TEST(sim_dma_goes_through_the_tce_tables),
	TEST(sim_dma_to_an_iova_without_a_valid_tce_freezes_the_pe),
	TEST(sim_dma_through_an_unmapped_tce_after_clear_freezes),
	TEST(sim_empty_1tib_window_costs_no_table_memory),
	TEST(container_get_info_reports_the_ddw_geometry_sim),
	TEST(container_get_info_reports_the_ddw_geometry_kernel),
	TEST(container_get_info_without_a_group_is_enxio),
	TEST(container_flow_as_qemu_drives_a_v2_container_sim),
	TEST(container_flow_as_qemu_drives_a_v2_container_kernel),
	TEST(kernel_mock_aperture_refuses_the_default_window),
};

int main(void)
{
	return RUN_SUITE("spapr-dma", tests);
}
