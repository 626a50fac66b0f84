/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sPAPR DMA windows on the simulated host:
 * - H_PUT_TCE_INDIRECT of 512 entries (ns per entry), mapping the whole
 *   2 GiB default window with 4 KiB pages (1024 calls), then again over
 *   the live entries (each a replacement: unmap and copy);
 * - the memory the mapping added, per mapped page, measured with
 *   mallinfo2() and split into libeeh's own (its TCE values, what it
 *   keeps on a real kernel too: the goal <= 16 B applies to this) and
 *   the simulated host's (the simulated iommufd's IOAS areas and the
 *   PE's hardware TCE table: a kernel's and a PHB's memory, not
 *   libeeh's), and their total. The simulated iommufd cannot coalesce
 *   the per-TCE areas: iommufd never merges areas, and an UNMAP of one
 *   TCE's page out of a merged area would be ENOENT where the kernel's
 *   succeeds (tests/vm/scenario.c, dma.unmap.adjacent2_alone);
 * - a legacy VFIO_IOMMU_MAP_DMA through eeh_spapr_ioctl() next to a
 *   direct IOMMU_IOAS_MAP of the same page (ratio, goal <= 1.5x).
 * Times are thread CPU time (single-threaded), steadier on a shared machine.
 */
#include <malloc.h>

#include <linux/vfio.h>

#include "libeeh.h"
#include "bench-util.h"

#define RAM_HVA 0x7f0000000000ULL
#define WINDOW (2ULL << 30)
#define PAGES (WINDOW >> 12)
#define LIST_GPA 0x1000ULL
#define MAP_PAGES 65536

static uint8_t list[512 * 8];

static int mem_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	(void)opaque;
	if (addr != LIST_GPA || len > sizeof(list))
		return -1;
	memcpy(buf, list, len);
	return 0;
}

static void fill_list(uint64_t first_page, uint64_t perm)
{
	for (unsigned int i = 0; i < 512; i++) {
		uint64_t tce = ((first_page + i) << 12) | perm;

		for (int b = 0; b < 8; b++)
			list[8 * i + b] = (uint8_t)(tce >> (56 - 8 * b));
	}
}

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static size_t heap_bytes(void)
{
	return mallinfo2().uordblks;
}

static int fail(const char *what, long rc)
{
	fprintf(stderr, "bench-spapr: %s failed: %ld\n", what, rc);
	return 1;
}

int main(void)
{
	struct eeh_vm_ops ops = { .size = sizeof(ops), .mem_read = mem_read };
	struct eeh_ctx *ctx = NULL;
	struct eeh_iommufd *ifd;
	struct eeh_spapr *sp, *sp2;
	struct eeh_vm *vm;
	uint32_t dev, dev2, ioas, ioas2, ioas3;
	double t0, map_ns, remap_ns, compat_ns, direct_ns;
	struct eeh_spapr_window w;
	size_t before, after, lib_before, lib_bytes;
	long rc;

	if (eeh_new_sim(NULL, &ctx) < 0 || eeh_iommufd_open(ctx, 0, &ifd) < 0)
		return fail("setup", -1);
	if (eeh_iommufd_bind(ifd, "0000:01:00.0", &dev) || eeh_iommufd_ioas_alloc(ifd, &ioas) ||
	    eeh_iommufd_attach(ifd, dev, ioas, NULL) || eeh_spapr_new(ifd, ioas, &sp) ||
	    eeh_spapr_register(sp, RAM_HVA, WINDOW) || eeh_vm_new(ctx, &ops, NULL, &vm) ||
	    eeh_vm_add_phb_iommufd(vm, 0x800000020000000ULL, ifd, dev) ||
	    eeh_vm_set_phb_dma(vm, 0x800000020000000ULL, sp, 0))
		return fail("setup", -1);
	/* guest physical 0.. is RAM_HVA.. : the identity plus a base */
	eeh_spapr_set_translate(sp, NULL, NULL);
	if ((rc = eeh_spapr_reset(sp)))
		return fail("reset", rc);

	/* the whole window, 512 TCEs a call; TCE addresses are VMM
	 * addresses here (no translation), inside the registered RAM */
	if (eeh_spapr_window(sp, 0, &w))
		return fail("window 0", -1);
	lib_before = w.table_bytes;
	before = heap_bytes();
	t0 = cpu_ns();
	for (uint64_t p = 0; p < PAGES; p += 512) {
		uint64_t a[4] = { 0x80000000u, p << 12, LIST_GPA, 512 };

		fill_list((RAM_HVA >> 12) + p, 3);
		rc = eeh_vm_hcall(vm, EEH_H_PUT_TCE_INDIRECT, a, NULL);
		if (rc)
			return fail("H_PUT_TCE_INDIRECT", rc);
	}
	map_ns = cpu_ns() - t0;
	after = heap_bytes();
	if (eeh_spapr_window(sp, 0, &w) || w.mapped != PAGES)
		return fail("window 0", -1);
	lib_bytes = w.table_bytes - lib_before;
	t0 = cpu_ns();
	for (uint64_t p = 0; p < PAGES; p += 512) {
		uint64_t a[4] = { 0x80000000u, p << 12, LIST_GPA, 512 };

		fill_list((RAM_HVA >> 12) + PAGES - 512 - p, 1);
		rc = eeh_vm_hcall(vm, EEH_H_PUT_TCE_INDIRECT, a, NULL);
		if (rc)
			return fail("H_PUT_TCE_INDIRECT (replace)", rc);
	}
	remap_ns = cpu_ns() - t0;
	printf("BENCH spapr_put_tce_indirect_512 %.1f ns/entry\n", map_ns / PAGES);
	printf("BENCH spapr_put_tce_indirect_512_replace %.1f ns/entry\n", remap_ns / PAGES);
	printf("BENCH spapr_map_2g_window_4k %.3f s\n", map_ns / 1e9);
	printf("BENCH spapr_bytes_per_mapped_page_libeeh %.1f B (goal <= 16)\n",
	       (double)lib_bytes / PAGES);
	printf("BENCH spapr_bytes_per_mapped_page_sim_host %.1f B (simulated iommufd and PHB; "
	       "no goal)\n", (double)(after - before - lib_bytes) / PAGES);
	printf("BENCH spapr_bytes_per_mapped_page_total %.1f B\n",
	       (double)(after - before) / PAGES);

	/* compat MAP_DMA next to a direct IOAS map, one 4 KiB page each, on
	 * two PEs each with its own IOAS */
	if (eeh_iommufd_bind(ifd, "0000:03:00.0", &dev2) || eeh_iommufd_ioas_alloc(ifd, &ioas2) ||
	    eeh_iommufd_attach(ifd, dev2, ioas2, NULL) || eeh_spapr_new(ifd, ioas2, &sp2) ||
	    eeh_iommufd_ioas_alloc(ifd, &ioas3))
		return fail("setup 2", -1);
	{
		struct vfio_iommu_spapr_register_memory reg = { .argsz = sizeof(reg),
								.vaddr = RAM_HVA, .size = WINDOW };
		struct vfio_iommu_type1_dma_map m = { .argsz = sizeof(m),
						      .flags = VFIO_DMA_MAP_FLAG_READ |
							       VFIO_DMA_MAP_FLAG_WRITE,
						      .size = 4096 };
		uint32_t dev3;

		if (eeh_spapr_ioctl(sp2, VFIO_IOMMU_SPAPR_REGISTER_MEMORY, &reg) ||
		    eeh_iommufd_bind(ifd, "0000:04:00.0", &dev3) ||
		    eeh_iommufd_attach(ifd, dev3, ioas3, NULL))
			return fail("setup 3", -1);
		/* alternating rounds, thread CPU time: the machine is shared */
		compat_ns = direct_ns = 0;
		for (uint64_t r = 0; r < MAP_PAGES; r += MAP_PAGES / 8) {
			t0 = cpu_ns();
			for (uint64_t i = r; i < r + MAP_PAGES / 8; i++) {
				m.iova = i << 12;
				m.vaddr = RAM_HVA + (i << 12);
				rc = eeh_spapr_ioctl(sp2, VFIO_IOMMU_MAP_DMA, &m);
				if (rc)
					return fail("MAP_DMA", rc);
			}
			compat_ns += cpu_ns() - t0;
			t0 = cpu_ns();
			for (uint64_t i = r; i < r + MAP_PAGES / 8; i++) {
				rc = eeh_iommufd_ioas_map(ifd, ioas3, i << 12, 4096,
							  RAM_HVA + (i << 12),
							  EEH_IOAS_MAP_READ | EEH_IOAS_MAP_WRITE);
				if (rc)
					return fail("IOAS map", rc);
			}
			direct_ns += cpu_ns() - t0;
		}
		compat_ns /= MAP_PAGES;
		direct_ns /= MAP_PAGES;
	}
	printf("BENCH spapr_compat_map_dma %.1f ns/page\n", compat_ns);
	printf("BENCH spapr_direct_ioas_map %.1f ns/page\n", direct_ns);
	printf("BENCH spapr_compat_vs_direct_ratio %.2f x (goal <= 1.5)\n", compat_ns / direct_ns);
	eeh_vm_unref(vm);
	eeh_spapr_free(sp2);
	eeh_spapr_free(sp);
	eeh_iommufd_close(ifd);
	eeh_unref(ctx);
	return 0;
}
