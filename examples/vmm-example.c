/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * How a VMM wires libeeh's RTAS front end in.
 *
 * A VMM (QEMU, cloud-hypervisor, ...) running a POWER guest with PCI
 * passthrough needs four things from libeeh:
 *   1. at machine creation: one struct eeh_vm, one guest PHB per host PE
 *      it passes through, and the guest (bus, devfn) of each function;
 *   2. when building the device tree: the /rtas token properties and
 *      ibm,errinjct-tokens;
 *   3. on every H_RTAS hypercall whose token is one of libeeh's: one call,
 *      eeh_vm_rtas_call_mem(), on the guest's RTAS argument block;
 *   4. at machine reset: eeh_vm_reset().
 *
 * This program does all four on the simulated host (no POWER machine
 * needed), then plays a guest that sees a frozen device and thaws it.
 * It exits 0 when every answer is what a guest expects; 'make check'
 * runs it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libeeh.h>

#define GUEST_RAM_SIZE (64 * 1024)
#define GUEST_BUID_BASE 0x800000020000000ULL /* QEMU's sPAPR BUIDs */

struct my_vmm {
	uint8_t ram[GUEST_RAM_SIZE]; /* the guest's real memory */
	unsigned int msix_drops;
};

/* Guest memory accessors: a real VMM translates through its memory map. */
static int vmm_mem_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	struct my_vmm *vmm = opaque;

	if (addr > GUEST_RAM_SIZE || len > GUEST_RAM_SIZE - addr)
		return -1;
	memcpy(buf, vmm->ram + addr, len);
	return 0;
}

static int vmm_mem_write(void *opaque, uint64_t addr, const void *buf, size_t len)
{
	struct my_vmm *vmm = opaque;

	if (addr > GUEST_RAM_SIZE || len > GUEST_RAM_SIZE - addr)
		return -1;
	memcpy(vmm->ram + addr, buf, len);
	return 0;
}

/* Before a hot or fundamental reset: the device's MSI-X table is about to
 * be wiped, so drop the emulated MSI-X state (QEMU clears MSI-X enable
 * and calls msix_reset() on each vfio-pci device of the PHB). */
static void vmm_pre_reset(void *opaque, uint64_t buid)
{
	struct my_vmm *vmm = opaque;

	vmm->msix_drops++;
	printf("  vmm: PHB %#" PRIx64 ": dropping MSI-X state before reset\n", buid);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* What the guest kernel does for an RTAS call: fill a block, H_RTAS. The
 * VMM's H_RTAS handler is the one line calling eeh_vm_rtas_call_mem(). */
static int32_t guest_rtas(struct my_vmm *vmm, struct eeh_vm *vm, const char *name, int nargs,
			  const uint32_t *args, int nret, uint32_t *rets)
{
	const uint64_t block = 0x1000;
	uint8_t *b = vmm->ram + block;

	put_be32(b, (uint32_t)eeh_vm_get_token(vm, eeh_rtas_call_from_name(name)));
	put_be32(b + 4, (uint32_t)nargs);
	put_be32(b + 8, (uint32_t)nret);
	for (int i = 0; i < nargs; i++)
		put_be32(b + 12 + 4 * i, args[i]);
	/* ---- the VMM's H_RTAS handler ---- */
	if (eeh_vm_rtas_call_mem(vm, block) < 0)
		return -3; /* H_PARAMETER for the hypercall */
	/* ---- back in the guest ---- */
	for (int i = 0; i < nret; i++)
		rets[i] = get_be32(b + 12 + 4 * (nargs + i));
	return (int32_t)rets[0];
}

static int failures;

static void expect(const char *what, long got, long want)
{
	printf("  %-44s %ld%s\n", what, got, got == want ? "" : "   <-- unexpected");
	if (got != want)
		failures++;
}

int main(void)
{
	const struct eeh_vm_ops ops = {
		.size = sizeof(struct eeh_vm_ops),
		.mem_read = vmm_mem_read,
		.mem_write = vmm_mem_write,
		.pre_reset = vmm_pre_reset,
	};
	struct my_vmm *vmm = calloc(1, sizeof(*vmm));
	struct eeh_rtas_token tokens[EEH_RTAS_NCALLS];
	struct eeh_ctx *ctx = NULL;
	struct eeh_vm *vm = NULL;
	struct eeh_phb *phb;
	struct eeh_pe *pe, *frozen = NULL;
	uint64_t buid = GUEST_BUID_BASE, frozen_buid = 0;
	uint32_t args[4], rets[5];
	uint8_t blob[64];
	long blob_len;
	int n;

	/* 1. Machine creation. eeh_new() picks the real host when it has
	 * EEH; here the simulated one, with its built-in topology. */
	if (!vmm || eeh_new_sim(NULL, &ctx) < 0 || eeh_vm_new(ctx, &ops, vmm, &vm) < 0) {
		fprintf(stderr, "cannot set up\n");
		return 1;
	}
	eeh_vm_set_mode(vm, EEH_RTAS_MODE_QEMU); /* the default; EEH_RTAS_MODE_PAPR for strict */
	printf("guest PHBs:\n");
	eeh_phb_foreach(ctx, phb)
		eeh_pe_foreach(phb, pe) {
			struct eeh_func *f;
			unsigned int slot = 1;

			/* A bus PE with child PEs is not passed through whole. */
			if (eeh_pe_type(pe) == EEH_PE_TYPE_BUS)
				continue;
			if (eeh_vm_add_phb(vm, buid, pe) < 0)
				return 1;
			/* The guest sees the functions at 00:slot.fn of its PHB. */
			eeh_func_foreach(pe, f) {
				unsigned int fn = eeh_func_devfn(f) & 7;

				eeh_vm_add_device(vm, buid, 0, slot << 3 | fn);
			}
			printf("  pci@%" PRIx64 " -> host %s (%s)\n", buid, eeh_pe_name(pe),
			       eeh_func_bdf(eeh_func_first(pe)));
			if (!frozen) {
				frozen = pe;
				frozen_buid = buid;
			}
			buid++;
		}

	/* 2. The device tree: one /rtas property per call, the errinjct
	 * tokens blob, and rtas-error-log-max. */
	n = eeh_vm_rtas_tokens(vm, tokens, EEH_RTAS_NCALLS);
	printf("/rtas:\n");
	for (int i = 0; i < n; i++)
		printf("  %-28s = <%#x>\n", tokens[i].name, tokens[i].token);
	blob_len = eeh_vm_errinjct_tokens(vm, blob, sizeof(blob));
	printf("  %-28s = [%ld bytes]\n", "ibm,errinjct-tokens", blob_len);
	printf("  %-28s = <%d>\n", "rtas-error-log-max", EEH_RTAS_ERROR_LOG_MAX);
	printf("  %-28s = <%d>\n", "ibm,reset-capabilities",
	       eeh_vm_reset_capabilities(vm, EEH_VM_ALL_PHBS));
	expect("token properties", n, 9);
	expect("errinjct-tokens bytes", blob_len, 39);

	/* 4. Machine reset (before the guest boots, and at every reboot). */
	expect("machine reset", eeh_vm_reset(vm), 0);

	/* 3. The guest at work: probe, then an error on the first PHB. */
	printf("guest:\n");
	args[0] = 1 << 11; /* 00:01.0 */
	args[1] = (uint32_t)(frozen_buid >> 32);
	args[2] = (uint32_t)frozen_buid;
	args[3] = 0; /* get-config-addr-info2 function 0: the PE address */
	expect("get-config-addr-info2(0) status",
	       guest_rtas(vmm, vm, "ibm,get-config-addr-info2", 4, args, 2, rets), 0);
	args[0] = rets[1];
	expect("  PE address", (long)args[0], 0x000001);
	args[3] = 1; /* set-eeh-option ENABLE */
	expect("set-eeh-option(ENABLE)", guest_rtas(vmm, vm, "ibm,set-eeh-option", 4, args, 1, rets),
	       0);

	eeh_inject_freeze(frozen); /* the host sees an error: the PE freezes */
	expect("read-slot-reset-state2 status",
	       guest_rtas(vmm, vm, "ibm,read-slot-reset-state2", 3, args, 4, rets), 0);
	expect("  state (2: MMIO and DMA stopped)", (long)rets[1], 2);
	args[3] = 2; /* thaw MMIO, then DMA */
	expect("set-eeh-option(THAW_MMIO)",
	       guest_rtas(vmm, vm, "ibm,set-eeh-option", 4, args, 1, rets), 0);
	args[3] = 3;
	expect("set-eeh-option(THAW_DMA)",
	       guest_rtas(vmm, vm, "ibm,set-eeh-option", 4, args, 1, rets), 0);
	args[3] = 1; /* a hot reset, then deactivate */
	expect("set-slot-reset(HOT)", guest_rtas(vmm, vm, "ibm,set-slot-reset", 4, args, 1, rets),
	       0);
	args[3] = 0;
	expect("set-slot-reset(DEACTIVATE)",
	       guest_rtas(vmm, vm, "ibm,set-slot-reset", 4, args, 1, rets), 0);
	expect("configure-pe", guest_rtas(vmm, vm, "ibm,configure-pe", 3, args, 1, rets), 0);
	expect("read-slot-reset-state2 status",
	       guest_rtas(vmm, vm, "ibm,read-slot-reset-state2", 3, args, 4, rets), 0);
	expect("  state (0: normal)", (long)rets[1], 0);
	expect("MSI-X drops by the VMM", vmm->msix_drops, 1);
	/* A BUID the guest does not own. */
	args[1] = 0x12345678;
	expect("read-slot-reset-state2 on a forged BUID",
	       guest_rtas(vmm, vm, "ibm,read-slot-reset-state2", 3, args, 4, rets), -3);

	eeh_vm_unref(vm);
	eeh_unref(ctx);
	free(vmm);
	printf("%s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
