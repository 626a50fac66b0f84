/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The RTAS front end on guest memory: the input is a guest's real memory
 * (its first byte picks the mode), and the guest makes up to eight H_RTAS
 * calls with argument blocks at fixed places in it (eeh_vm_rtas_call_mem),
 * on a VM with guest PHBs over the built-in host: the NIC PE, the SAS PE
 * without fundamental reset, the bus PE 2 and its child PE 3 (so resets of
 * a parent and a child meet), a PHB without EEH, one routed through a
 * simulated iommufd device (a VF) and one through a simulated VFIO
 * container (the other VF). Bits of the first byte pick the mode, whether
 * the iommufd device is attached and whether the container holds a second
 * group (then its PHB has no EEH). The iommufd PHB has DMA windows (a
 * struct eeh_spapr on its IOAS, LIOBNs 0x80000500 and 0x80000501, guest
 * RAM preregistered), so the guest's RTAS blocks can make the four DDW
 * calls, and after each RTAS call the guest makes one TCE hypercall
 * (H_GET_TCE, H_PUT_TCE, H_STUFF_TCE, H_PUT_TCE_INDIRECT) from the
 * hypercall block at HC_BASE + HC_BLOCK * i, its indirect TCE lists in
 * guest memory (the second page holds input bytes 4096 on). Whatever the
 * guest writes, the calls return a documented value and touch nothing
 * outside guest memory.
 */
#include <errno.h>

#include "fuzz-util.h"

#define MEM_SIZE 8192
#define NCALLS 8
#define BLOCK 64 /* argument block i at 8 + BLOCK * i: 16 cells fit */
/* Hypercall block i at HC_BASE + HC_BLOCK * i: opcode pick, LIOBN pick,
 * then big-endian ioba, TCE (or list GPA) and npages. */
#define HC_BASE 1024
#define HC_BLOCK 32
/* Guest RAM as the VMM keeps it: a TCE's GPA below RAM_SIZE translates
 * to RAM_HVA + GPA (the simulated host's DMA never dereferences it). */
#define RAM_HVA 0x7f0000000000ULL
#define RAM_SIZE (256ULL << 20)
#define DMA_INDEX 5

static const uint64_t guest_buid[] = { 0x800000020000000ULL, 0x800000020000001ULL,
				       0x800000020000002ULL, 0x800000020000003ULL,
				       0x800000020000004ULL };
static const int host_group[] = { 1, 8, 2, 3, -1 };

struct guest {
	uint8_t mem[MEM_SIZE];
};

static int g_mem_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	struct guest *g = opaque;

	if (addr > MEM_SIZE || len > MEM_SIZE - addr)
		return -EFAULT;
	memcpy(buf, g->mem + addr, len);
	return 0;
}

static int g_mem_write(void *opaque, uint64_t addr, const void *buf, size_t len)
{
	struct guest *g = opaque;

	if (addr > MEM_SIZE || len > MEM_SIZE - addr)
		return -EFAULT;
	memcpy(g->mem + addr, buf, len);
	return 0;
}

static int g_gpa_to_hva(void *opaque, uint64_t gpa, uint64_t *hva)
{
	(void)opaque;
	if (gpa >= RAM_SIZE)
		return -EFAULT;
	*hva = RAM_HVA + gpa;
	return 0;
}

static uint64_t be64_at(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* One TCE hypercall from hypercall block p: H_SUCCESS, H_PARAMETER or
 * H_HARDWARE, nothing else. */
static void hcall(struct eeh_vm *vm, const uint8_t *p)
{
	static const unsigned long opcode[] = { EEH_H_GET_TCE, EEH_H_PUT_TCE, EEH_H_STUFF_TCE,
						EEH_H_PUT_TCE_INDIRECT };
	unsigned long op = opcode[p[0] & 3];
	uint64_t a[4], ret[1] = { 0 };
	long h;

	/* mostly the PHB's two LIOBNs, sometimes anything */
	a[0] = p[1] & 0x80 ? be64_at(p + 24) : 0x80000000u | DMA_INDEX << 8 | (p[1] & 1);
	a[1] = be64_at(p + 8);
	/* the ioba of a DDW: its base plus an offset */
	if ((p[1] & 0x81) == 1 && p[1] & 2)
		a[1] = (1ULL << 59) + (a[1] & ((1ULL << 40) - 1));
	a[2] = be64_at(p + 16);
	if (op == EEH_H_PUT_TCE_INDIRECT && !(p[1] & 4))
		/* the list in guest memory: page 0 or 1, sometimes misaligned */
		a[2] = (a[2] & 1) << 12 | (p[1] & 8 ? a[2] & 0xff8 : 0);
	else if (!(p[1] & 0x40))
		/* a TCE into guest RAM (with its permission bits) */
		a[2] &= RAM_SIZE - 1;
	/* npages: small, or wild (a range past any window) */
	a[3] = be64_at(p + 24);
	if (!(a[3] >> 40))
		a[3] &= 0x3ff;
	h = eeh_vm_hcall(vm, op, a, ret);
	FUZZ_CHECK(h == EEH_H_SUCCESS || h == EEH_H_PARAMETER || h == EEH_H_HARDWARE);
}

static void g_pre_reset(void *opaque, uint64_t buid)
{
	(void)opaque;
	(void)buid;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	return 0;
}

static void add_phbs(struct eeh_ctx *ctx, struct eeh_vm *vm)
{
	for (size_t i = 0; i < sizeof(guest_buid) / sizeof(guest_buid[0]); i++) {
		struct eeh_pe *pe = host_group[i] < 0 ? NULL : eeh_pe_by_group(ctx, host_group[i]);
		struct eeh_func *f;

		FUZZ_CHECK(host_group[i] < 0 || pe);
		FUZZ_CHECK(eeh_vm_add_phb(vm, guest_buid[i], pe) == 0);
		/* The guest sees the host functions at bus 0 (1 behind the switch). */
		if (!pe) {
			FUZZ_CHECK(eeh_vm_add_device(vm, guest_buid[i], 0, 1 << 3) == 0);
			continue;
		}
		eeh_func_foreach(pe, f)
			FUZZ_CHECK(eeh_vm_add_device(vm, guest_buid[i], i == 3,
						     (1 << 3) | (eeh_func_devfn(f) & 7)) == 0);
	}
}

#define BUID_IOMMUFD 0x800000020000005ULL
#define BUID_CONTAINER 0x800000020000006ULL

/* PHBs routed through an iommufd device (with DMA windows) and a
 * container: 0 or aborts. */
static void add_routed_phbs(struct eeh_ctx *ctx, struct eeh_vm *vm, uint8_t flags,
			    struct eeh_iommufd **ifd, struct eeh_spapr **sp,
			    struct eeh_container **c)
{
	uint32_t devid, ioas;

	FUZZ_CHECK(eeh_iommufd_open(ctx, 0, ifd) == 0);
	FUZZ_CHECK(eeh_iommufd_bind(*ifd, "0001:01:00.2", &devid) == 0);
	FUZZ_CHECK(eeh_iommufd_ioas_alloc(*ifd, &ioas) == 0);
	if (flags & 2)
		FUZZ_CHECK(eeh_iommufd_attach(*ifd, devid, ioas, NULL) == 0);
	FUZZ_CHECK(eeh_vm_add_phb_iommufd(vm, BUID_IOMMUFD, *ifd, devid) == 0);
	FUZZ_CHECK(eeh_vm_add_device(vm, BUID_IOMMUFD, 0, 1 << 3) == 0);
	FUZZ_CHECK(eeh_spapr_new(*ifd, ioas, sp) == 0);
	eeh_spapr_set_translate(*sp, g_gpa_to_hva, NULL);
	FUZZ_CHECK(eeh_spapr_register(*sp, RAM_HVA, RAM_SIZE) == 0);
	FUZZ_CHECK(eeh_vm_set_phb_dma(vm, BUID_IOMMUFD, *sp, DMA_INDEX) == 0);

	FUZZ_CHECK(eeh_container_open(ctx, -1, 0, c) == 0);
	FUZZ_CHECK(eeh_container_add_group(*c, 7) == 0);
	if (flags & 4)
		FUZZ_CHECK(eeh_container_add_group(*c, 5) == 0);
	FUZZ_CHECK(eeh_vm_add_phb_container(vm, BUID_CONTAINER, *c, eeh_pe_by_group(ctx, 7)) == 0);
	FUZZ_CHECK(eeh_vm_add_device(vm, BUID_CONTAINER, 0, 1 << 3) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eeh_iommufd *ifd = NULL;
	struct eeh_container *c = NULL;
	struct eeh_spapr *sp = NULL;
	struct eeh_vm_ops ops = {
		.size = sizeof(ops),
		.mem_read = g_mem_read, .mem_write = g_mem_write, .pre_reset = g_pre_reset,
	};
	static struct guest g;
	struct eeh_ctx *ctx = NULL;
	struct eeh_vm *vm = NULL;

	memset(&g, 0, sizeof(g));
	memcpy(g.mem, data, size < MEM_SIZE ? size : MEM_SIZE);
	FUZZ_CHECK(eeh_new_sim(NULL, &ctx) == 0);
	FUZZ_CHECK(eeh_vm_new(ctx, &ops, &g, &vm) == 0);
	FUZZ_CHECK(eeh_vm_set_mode(vm, size && (data[0] & 1) ? EEH_RTAS_MODE_PAPR
								 : EEH_RTAS_MODE_QEMU) == 0);
	add_phbs(ctx, vm);
	add_routed_phbs(ctx, vm, size ? data[0] : 0, &ifd, &sp, &c);
	for (unsigned int i = 0; i < NCALLS; i++) {
		uint64_t addr = 8 + BLOCK * i;
		int r;

		if (addr + 12 > size)
			break;
		r = eeh_vm_rtas_call_mem(vm, addr);
		FUZZ_CHECK(r == 0 || r == -ENOENT || r == -EFAULT);
		if (HC_BASE + HC_BLOCK * (i + 1) <= size)
			hcall(vm, g.mem + HC_BASE + HC_BLOCK * i);
		/* Time passes between calls: resets settle, holds expire. */
		eeh_clock_advance(ctx, 100000ULL * (g.mem[addr + BLOCK - 1] & 0x3f));
	}
	eeh_vm_unref(vm);
	eeh_spapr_free(sp);
	eeh_iommufd_close(ifd);
	eeh_container_close(c);
	eeh_unref(ctx);
	return 0;
}
