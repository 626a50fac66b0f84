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
 * group (then its PHB has no EEH). Whatever the
 * guest writes, the calls return a documented value and touch nothing
 * outside guest memory.
 */
#include <errno.h>

#include "fuzz-util.h"

#define MEM_SIZE 4096
#define NCALLS 8
#define BLOCK 64 /* argument block i at 8 + BLOCK * i: 16 cells fit */

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

/* PHBs routed through an iommufd device and a container: 0 or aborts. */
static void add_routed_phbs(struct eeh_ctx *ctx, struct eeh_vm *vm, uint8_t flags,
			    struct eeh_iommufd **ifd, struct eeh_container **c)
{
	uint32_t devid, ioas;

	FUZZ_CHECK(eeh_iommufd_open(ctx, 0, ifd) == 0);
	FUZZ_CHECK(eeh_iommufd_bind(*ifd, "0001:01:00.2", &devid) == 0);
	FUZZ_CHECK(eeh_iommufd_ioas_alloc(*ifd, &ioas) == 0);
	if (flags & 2)
		FUZZ_CHECK(eeh_iommufd_attach(*ifd, devid, ioas, NULL) == 0);
	FUZZ_CHECK(eeh_vm_add_phb_iommufd(vm, BUID_IOMMUFD, *ifd, devid) == 0);
	FUZZ_CHECK(eeh_vm_add_device(vm, BUID_IOMMUFD, 0, 1 << 3) == 0);

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
	add_routed_phbs(ctx, vm, size ? data[0] : 0, &ifd, &c);
	for (unsigned int i = 0; i < NCALLS; i++) {
		uint64_t addr = 8 + BLOCK * i;
		int r;

		if (addr + 12 > size)
			break;
		r = eeh_vm_rtas_call_mem(vm, addr);
		FUZZ_CHECK(r == 0 || r == -ENOENT || r == -EFAULT);
		/* Time passes between calls: resets settle, holds expire. */
		eeh_clock_advance(ctx, 100000ULL * (g.mem[addr + BLOCK - 1] & 0x3f));
	}
	eeh_vm_unref(vm);
	eeh_iommufd_close(ifd);
	eeh_container_close(c);
	eeh_unref(ctx);
	return 0;
}
