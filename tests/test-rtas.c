/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The RTAS front end, call by call: the QEMU-compatible mapping, the
 * PAPR-strict rules (state control table, -8, state 5, error log,
 * permanent unavailability), errinjct, the argument block in guest
 * memory, the device tree helpers, isolation between guests and host PEs.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <pthread.h>
#include <time.h>
#include <stdatomic.h>

#include <linux/vfio.h>

#include "fake-kernel.h"
#include "test-util.h"

/* Guest PHBs: A on the dual-port NIC (group 1), B on the SAS adapter
 * without fundamental reset (group 8), C on an NVMe behind a switch
 * (group 3, parent bus PE group 2), N without EEH. */
#define GBUID_A 0x800000020000000ULL
#define GBUID_B 0x800000020000001ULL
#define GBUID_C 0x800000020000002ULL
#define GBUID_N 0x800000020000003ULL
/* Guest B sees the SAS adapter's BARs 0x80000000 lower than the host. */
#define B_BAR_OFFSET 0x80000000ULL

#define TOK_OPTION 0x2020
#define TOK_INFO2 0x2021
#define TOK_STATE2 0x2022
#define TOK_RESET 0x2023
#define TOK_CONFIGURE 0x2024
#define TOK_DETAIL 0x2025
#define TOK_ERRINJCT 0x202d
#define TOK_OPEN 0x202e
#define TOK_CLOSE 0x202f

#define UNTOUCHED 0xdeadbeefu
#define MEM_SIZE (64 * 1024)

static struct eeh_ctx *ctx;
static struct eeh_vm *vm;
static struct eeh_pe *pe_a, *pe_b, *pe_c;
static uint8_t guest_mem[MEM_SIZE] __attribute__((aligned(1024)));
static int pre_resets;
static uint64_t pre_reset_buid;
static bool mem_fail;

static int mem_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	(void)opaque;
	if (mem_fail || addr > MEM_SIZE || len > MEM_SIZE - addr)
		return -EFAULT;
	memcpy(buf, guest_mem + addr, len);
	return 0;
}

static int mem_write(void *opaque, uint64_t addr, const void *buf, size_t len)
{
	(void)opaque;
	if (mem_fail || addr > MEM_SIZE || len > MEM_SIZE - addr)
		return -EFAULT;
	memcpy(guest_mem + addr, buf, len);
	return 0;
}

static void pre_reset(void *opaque, uint64_t buid)
{
	(void)opaque;
	pre_resets++;
	pre_reset_buid = buid;
}

static int bar_to_host(void *opaque, uint64_t buid, uint64_t g, uint64_t *h)
{
	(void)opaque;
	if (buid == GBUID_B) {
		if (g < 0x10000000 || g >= 0x10040000)
			return -ENOENT;
		*h = g + B_BAR_OFFSET;
		return 0;
	}
	*h = g;
	return 0;
}

static int bar_to_guest(void *opaque, uint64_t buid, uint64_t h, uint64_t *g)
{
	(void)opaque;
	*g = buid == GBUID_B ? h - B_BAR_OFFSET : h;
	return 0;
}

static const struct eeh_vm_ops ops = {
	.size = sizeof(struct eeh_vm_ops),
	.mem_read = mem_read,
	.mem_write = mem_write,
	.pre_reset = pre_reset,
	.bar_to_host = bar_to_host,
	.bar_to_guest = bar_to_guest,
};

static void setup(enum eeh_rtas_mode mode)
{
	ctx = builtin_host();
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	CU_ASSERT_EQUAL_FATAL(eeh_vm_new(ctx, &ops, NULL, &vm), 0);
	CU_ASSERT_EQUAL(eeh_vm_set_mode(vm, mode), 0);
	pe_a = eeh_pe_by_group(ctx, 1);
	pe_b = eeh_pe_by_group(ctx, 8);
	pe_c = eeh_pe_by_group(ctx, 3);
	CU_ASSERT_EQUAL(eeh_vm_add_phb(vm, GBUID_A, pe_a), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_phb(vm, GBUID_B, pe_b), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_phb(vm, GBUID_C, pe_c), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_phb(vm, GBUID_N, NULL), 0);
	/* A: 00:01.0 and 00:01.1; B: 00:02.0; C: 01:00.0; N: 00:03.0 */
	CU_ASSERT_EQUAL(eeh_vm_add_device(vm, GBUID_A, 0, 0x08), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_device(vm, GBUID_A, 0, 0x09), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_device(vm, GBUID_B, 0, 0x10), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_device(vm, GBUID_C, 1, 0x00), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_device(vm, GBUID_N, 0, 0x18), 0);
	memset(guest_mem, 0, sizeof(guest_mem));
	pre_resets = 0;
	pre_reset_buid = 0;
	mem_fail = false;
}

static void teardown(void)
{
	eeh_vm_unref(vm);
	eeh_unref(ctx);
	vm = NULL;
	ctx = NULL;
}

static void fill(uint32_t *rets, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rets[i] = UNTOUCHED;
}

/* One call with up to 8 inputs; rets pre-filled with UNTOUCHED. */
static int call(uint32_t token, uint32_t nargs, const uint32_t *args, uint32_t nret,
		uint32_t *rets)
{
	fill(rets, 8);
	return eeh_vm_rtas_call(vm, token, nargs, args, nret, rets);
}

static int32_t option(uint64_t buid, uint32_t addr, uint32_t fn)
{
	uint32_t a[4] = { addr, (uint32_t)(buid >> 32), (uint32_t)buid, fn }, r[8];

	CU_ASSERT_EQUAL(call(TOK_OPTION, 4, a, 1, r), 0);
	CU_ASSERT_EQUAL(r[1], UNTOUCHED);
	return (int32_t)r[0];
}

static int32_t slot_reset(uint64_t buid, uint32_t addr, uint32_t fn)
{
	uint32_t a[4] = { addr, (uint32_t)(buid >> 32), (uint32_t)buid, fn }, r[8];

	CU_ASSERT_EQUAL(call(TOK_RESET, 4, a, 1, r), 0);
	CU_ASSERT_EQUAL(r[1], UNTOUCHED);
	return (int32_t)r[0];
}

static int32_t configure(uint64_t buid, uint32_t addr)
{
	uint32_t a[3] = { addr, (uint32_t)(buid >> 32), (uint32_t)buid }, r[8];

	CU_ASSERT_EQUAL(call(TOK_CONFIGURE, 3, a, 1, r), 0);
	return (int32_t)r[0];
}

/* read-slot-reset-state2 with nret 4: status, and state/caps/info. */
static int32_t read_state(uint64_t buid, uint32_t addr, int *state, int *caps, int *info)
{
	uint32_t a[3] = { addr, (uint32_t)(buid >> 32), (uint32_t)buid }, r[8];

	CU_ASSERT_EQUAL(call(TOK_STATE2, 3, a, 4, r), 0);
	CU_ASSERT_EQUAL(r[4], UNTOUCHED);
	*state = (int)r[1];
	if (caps)
		*caps = (int)r[2];
	if (info)
		*info = (int)r[3];
	return (int32_t)r[0];
}

static int guest_state(uint64_t buid, uint32_t addr)
{
	int st = -1;

	CU_ASSERT_EQUAL(read_state(buid, addr, &st, NULL, NULL), 0);
	return st;
}

static int32_t info2(uint64_t buid, uint32_t addr, uint32_t fn, uint32_t *out)
{
	uint32_t a[4] = { addr, (uint32_t)(buid >> 32), (uint32_t)buid, fn }, r[8];

	CU_ASSERT_EQUAL(call(TOK_INFO2, 4, a, 2, r), 0);
	*out = r[1];
	return (int32_t)r[0];
}

static int32_t error_detail(uint64_t buid, uint32_t addr, uint32_t drv, uint32_t drv_len,
			    uint32_t ret, uint32_t ret_len, uint32_t fn)
{
	uint32_t a[8] = { addr, (uint32_t)(buid >> 32), (uint32_t)buid, drv, drv_len, ret,
			  ret_len, fn },
		 r[8];

	CU_ASSERT_EQUAL(call(TOK_DETAIL, 8, a, 1, r), 0);
	return (int32_t)r[0];
}

static void put_words(uint64_t addr, const uint32_t *w, int n)
{
	for (int i = 0; i < n; i++)
		be32_put(&guest_mem[addr + 4 * i], w[i]);
}

/* ---- names, tokens, generic errors ---- */

static void call_names_and_default_tokens_are_qemus(void)
{
	static const uint32_t tok[] = { 0x2020, 0x2021, 0x2022, 0x2023, 0x2024,
					0x2025, 0x202d, 0x202e, 0x202f, 0x2026,
					0x2027, 0x2028, 0x2029 };

	setup(EEH_RTAS_MODE_QEMU);
	CU_ASSERT_STRING_EQUAL(eeh_rtas_call_name(EEH_RTAS_READ_SLOT_RESET_STATE2),
			       "ibm,read-slot-reset-state2");
	CU_ASSERT_PTR_NULL(eeh_rtas_call_name(EEH_RTAS_NCALLS));
	CU_ASSERT_EQUAL(eeh_rtas_call_from_name("ibm,open-errinjct"), EEH_RTAS_OPEN_ERRINJCT);
	CU_ASSERT_EQUAL(eeh_rtas_call_from_name("ibm,read-slot-reset-state"), -EINVAL);
	for (unsigned int i = 0; i < EEH_RTAS_NCALLS; i++)
		CU_ASSERT_EQUAL(eeh_vm_get_token(vm, i), (int)tok[i]);
	CU_ASSERT_EQUAL(eeh_vm_get_mode(vm), EEH_RTAS_MODE_QEMU);
	CU_ASSERT_EQUAL(eeh_vm_set_mode(vm, 7), -EINVAL);
	teardown();
}

static void custom_token_moves_the_call(void)
{
	uint32_t a[3] = { 0x10000, (uint32_t)(GBUID_A >> 32), (uint32_t)GBUID_A }, r[8];

	setup(EEH_RTAS_MODE_QEMU);
	CU_ASSERT_EQUAL(eeh_vm_set_token(vm, EEH_RTAS_READ_SLOT_RESET_STATE2, 0x2021), -EEXIST);
	CU_ASSERT_EQUAL(eeh_vm_set_token(vm, EEH_RTAS_READ_SLOT_RESET_STATE2, 0), -EINVAL);
	CU_ASSERT_EQUAL(eeh_vm_set_token(vm, EEH_RTAS_READ_SLOT_RESET_STATE2, 0x3001), 0);
	CU_ASSERT_EQUAL(call(0x2022, 3, a, 4, r), -ENOENT);
	CU_ASSERT_EQUAL((int32_t)r[0], -3);
	CU_ASSERT_EQUAL(call(0x3001, 3, a, 4, r), 0);
	CU_ASSERT_EQUAL(r[0], 0);
	CU_ASSERT_EQUAL(r[1], 0);
	teardown();
}

static void unknown_token_is_minus3_and_enoent(void)
{
	uint32_t r[8];

	setup(EEH_RTAS_MODE_QEMU);
	CU_ASSERT_EQUAL(call(0x2026, 0, NULL, 1, r), -ENOENT);
	CU_ASSERT_EQUAL((int32_t)r[0], -3);
	CU_ASSERT_EQUAL(r[1], UNTOUCHED);
	CU_ASSERT_EQUAL(call(0x2026, 0, NULL, 0, r), -ENOENT);
	CU_ASSERT_EQUAL(r[0], UNTOUCHED);
	CU_ASSERT_EQUAL(eeh_vm_rtas_call(vm, 0x2022, 1, NULL, 1, r), -EINVAL);
	CU_ASSERT_EQUAL(eeh_vm_rtas_call(NULL, 0x2022, 0, NULL, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(eeh_vm_rtas_call_by_name(vm, "ibm,nothing", 0, NULL, 1, r), -ENOENT);
	teardown();
}

/* Every call with every wrong nargs/nret: -3, nothing else written. */
static void wrong_nargs_or_nret_is_minus3_and_writes_nothing_else(void)
{
	static const struct {
		uint32_t token, nargs, nret_lo, nret_hi;
	} calls[] = {
		{ TOK_OPTION, 4, 1, 1 },    { TOK_INFO2, 4, 2, 2 },   { TOK_STATE2, 3, 4, 5 },
		{ TOK_RESET, 4, 1, 1 },     { TOK_CONFIGURE, 3, 1, 1 }, { TOK_DETAIL, 8, 1, 1 },
		{ TOK_ERRINJCT, 3, 1, 1 },  { TOK_OPEN, 0, 2, 2 },    { TOK_CLOSE, 1, 1, 1 },
	};
	uint32_t a[10] = { 0x10000, (uint32_t)(GBUID_A >> 32), (uint32_t)GBUID_A, 1, 0, 0, 0, 1 },
		 r[8];

	for (int mode = 0; mode < 2; mode++) {
		setup(mode);
		for (size_t c = 0; c < ARRAY_SIZE(calls); c++)
			for (uint32_t nargs = 0; nargs <= 9; nargs++)
				for (uint32_t nret = 1; nret <= 6; nret++) {
					if (nargs == calls[c].nargs && nret >= calls[c].nret_lo &&
					    nret <= calls[c].nret_hi)
						continue;
					CU_ASSERT_EQUAL(call(calls[c].token, nargs, a, nret, r), 0);
					CU_ASSERT_EQUAL((int32_t)r[0], -3);
					for (int i = 1; i < 8; i++)
						CU_ASSERT_EQUAL(r[i], UNTOUCHED);
				}
		/* Nothing happened to the host PE or the errinjct facility. */
		CU_ASSERT_EQUAL(papr_state(pe_a, NULL), 0);
		CU_ASSERT_EQUAL(call(TOK_OPEN, 0, a, 2, r), 0);
		CU_ASSERT_EQUAL(r[1], 0);
		teardown();
	}
}

static void unknown_buid_or_phb_without_eeh_is_minus3(void)
{
	static const uint32_t tokens[] = { TOK_OPTION, TOK_INFO2, TOK_STATE2, TOK_RESET,
					   TOK_CONFIGURE, TOK_DETAIL };
	static const uint32_t nargs[] = { 4, 4, 3, 4, 3, 8 }, nret[] = { 1, 2, 4, 1, 1, 1 };
	const uint64_t buids[] = { GBUID_N, 0x800000020000009ULL, GBUID_A + (1ULL << 32), 0 };

	for (int mode = 0; mode < 2; mode++) {
		setup(mode);
		for (size_t b = 0; b < ARRAY_SIZE(buids); b++)
			for (size_t c = 0; c < ARRAY_SIZE(tokens); c++) {
				uint32_t a[8] = { 0x1800, (uint32_t)(buids[b] >> 32),
						  (uint32_t)buids[b], 1, 0, 0, 0, 1 },
					 r[8];

				CU_ASSERT_EQUAL(call(tokens[c], nargs[c], a, nret[c], r), 0);
				CU_ASSERT_EQUAL((int32_t)r[0], -3);
				for (int i = 1; i < 8; i++)
					CU_ASSERT_EQUAL(r[i], UNTOUCHED);
			}
		teardown();
	}
}

/* ---- QEMU-compatible mode ---- */

static void qemu_enable_needs_a_device_on_the_bus_only(void)
{
	setup(EEH_RTAS_MODE_QEMU);
	/* >= 5.10 guests pass the PE address (devfn 0, low byte 1). */
	CU_ASSERT_EQUAL(option(GBUID_A, 0x000001, 1), 0);
	/* Old guests pass each device's own address. */
	CU_ASSERT_EQUAL(option(GBUID_A, 0x000900, 1), 0);
	CU_ASSERT_EQUAL(option(GBUID_C, 0x010000, 1), 0);
	/* No passthrough function on bus 5 of A, nor on bus 0 of C. */
	CU_ASSERT_EQUAL(option(GBUID_A, 0x050000, 1), -3);
	CU_ASSERT_EQUAL(option(GBUID_C, 0x000800, 1), -3);
	CU_ASSERT_EQUAL(option(GBUID_A, 0x000800, 0), 0);
	/* PAPR 4/5 (event interrupt) and beyond are not implemented. */
	CU_ASSERT_EQUAL(option(GBUID_A, 0x000001, 4), -3);
	CU_ASSERT_EQUAL(option(GBUID_A, 0x000001, 5), -3);
	CU_ASSERT_EQUAL(option(GBUID_A, 0x000001, 0x80000000u), -3);
	teardown();
}

static void qemu_enable_with_eeh_off_on_the_host_is_minus1(void)
{
	setup(EEH_RTAS_MODE_QEMU);
	eeh_set_enabled(ctx, false);
	CU_ASSERT_EQUAL(option(GBUID_A, 0x000001, 1), -1);
	teardown();
}

static void qemu_thaw_mmio_then_dma_walks_2_4_0(void)
{
	setup(EEH_RTAS_MODE_QEMU);
	/* QEMU forwards a thaw of a healthy PE; the kernel makes it a no-op. */
	CU_ASSERT_EQUAL(option(GBUID_A, 0, 2), 0);
	CU_ASSERT_EQUAL(guest_state(GBUID_A, 0), 0);
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe_a), 0);
	CU_ASSERT_EQUAL(guest_state(GBUID_A, 0x000001), 2);
	/* DISABLE/THAW never validate the address in QEMU. */
	CU_ASSERT_EQUAL(option(GBUID_A, 0xffffffffu, 2), 0);
	CU_ASSERT_EQUAL(guest_state(GBUID_A, 0), 4);
	CU_ASSERT_EQUAL(papr_state(pe_a, NULL), 4);
	CU_ASSERT_EQUAL(option(GBUID_A, 0xffffffffu, 3), 0);
	CU_ASSERT_EQUAL(guest_state(GBUID_A, 0), 0);
	CU_ASSERT_EQUAL(papr_state(pe_b, NULL), 0);
	teardown();
}

static void qemu_config_addr_info2_is_bus_shift_16_plus_1_and_shared(void)
{
	uint32_t out;

	setup(EEH_RTAS_MODE_QEMU);
	CU_ASSERT_EQUAL(info2(GBUID_A, 0x000900, 0, &out), 0);
	CU_ASSERT_EQUAL(out, 0x000001);
	CU_ASSERT_EQUAL(info2(GBUID_C, 0x010000, 0, &out), 0);
	CU_ASSERT_EQUAL(out, 0x010001);
	CU_ASSERT_EQUAL(eeh_vm_pe_config_addr(vm, GBUID_C), 0x010001);
	/* No device at 00:02.0 behind A. */
	out = UNTOUCHED;
	CU_ASSERT_EQUAL(info2(GBUID_A, 0x001000, 0, &out), -3);
	CU_ASSERT_EQUAL(out, UNTOUCHED);
	/* Function 1: always "shared", the address is not looked at. */
	CU_ASSERT_EQUAL(info2(GBUID_A, 0x001000, 1, &out), 0);
	CU_ASSERT_EQUAL(out, 2);
	CU_ASSERT_EQUAL(info2(GBUID_B, 0x001000, 1, &out), 0);
	CU_ASSERT_EQUAL(out, 2);
	CU_ASSERT_EQUAL(info2(GBUID_A, 0x000800, 2, &out), -3);
	teardown();
}

static void qemu_read_state_is_verbatim_with_caps_1_and_info_1000(void)
{
	uint32_t a[3] = { 0x12345678, (uint32_t)(GBUID_A >> 32), (uint32_t)GBUID_A }, r[8];
	int st, caps, info;

	setup(EEH_RTAS_MODE_QEMU);
	CU_ASSERT_EQUAL(read_state(GBUID_A, 0, &st, &caps, &info), 0);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_EQUAL(caps, 1);
	CU_ASSERT_EQUAL(info, 1000);
	/* nret 5: the recovery info cell is 0; config_addr is ignored. */
	CU_ASSERT_EQUAL(call(TOK_STATE2, 3, a, 5, r), 0);
	CU_ASSERT_EQUAL(r[0], 0);
	CU_ASSERT_EQUAL(r[4], 0);
	CU_ASSERT_EQUAL(r[5], UNTOUCHED);
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe_a), 0);
	CU_ASSERT_EQUAL(read_state(GBUID_A, 0, &st, &caps, &info), 0);
	CU_ASSERT_EQUAL(st, 2);
	CU_ASSERT_EQUAL(info, 1000);
	CU_ASSERT_EQUAL(guest_state(GBUID_B, 0), 0);
	teardown();
}

/* An op target that fails, recording what it was asked. */
static struct vfio_eeh_pe_op last_op;
static int ops_seen;
static int fail_with;

static int recording_op(void *data, struct vfio_eeh_pe_op *op)
{
	last_op = *op;
	ops_seen++;
	if (fail_with)
		return fail_with;
	return eeh_pe_op(data, op);
}

static void qemu_failures_map_to_minus1_or_minus3_per_call(void)
{
	uint32_t a[3] = { 0, (uint32_t)(GBUID_N >> 32), (uint32_t)GBUID_N + 8 }, r[8];
	uint64_t buid = GBUID_N + 8;

	setup(EEH_RTAS_MODE_QEMU);
	CU_ASSERT_EQUAL(eeh_vm_add_phb_op(vm, buid, recording_op, pe_c, NULL), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_device(vm, buid, 0, 0), 0);
	fail_with = -EIO;
	CU_ASSERT_EQUAL(option(buid, 1, 0), -1);
	CU_ASSERT_EQUAL(option(buid, 1, 1), -1);
	CU_ASSERT_EQUAL(option(buid, 1, 2), -1);
	CU_ASSERT_EQUAL(option(buid, 1, 3), -1);
	CU_ASSERT_EQUAL(slot_reset(buid, 1, 0), -1);
	CU_ASSERT_EQUAL(slot_reset(buid, 1, 1), -1);
	CU_ASSERT_EQUAL(slot_reset(buid, 1, 3), -1);
	/* configure-pe and GET_STATE failures are -3 in QEMU. */
	CU_ASSERT_EQUAL(configure(buid, 1), -3);
	CU_ASSERT_EQUAL(call(TOK_STATE2, 3, a, 5, r), 0);
	CU_ASSERT_EQUAL((int32_t)r[0], -3);
	for (int i = 1; i < 8; i++)
		CU_ASSERT_EQUAL(r[i], UNTOUCHED);
	fail_with = 0;
	teardown();
}

/* ---- pre_reset serialized with its reset (QEMU's big lock) ---- */

struct race {
	struct eeh_vm *vm;
	pthread_t thread;
	pthread_mutex_t lock;
	unsigned int ops[8];
	unsigned int nops;
	_Atomic bool thaw_done;
	bool thaw_during_scrub;
};

static int ordering_op(void *data, struct vfio_eeh_pe_op *op)
{
	struct race *r = data;

	pthread_mutex_lock(&r->lock);
	if (op->op != VFIO_EEH_PE_GET_STATE && r->nops < ARRAY_SIZE(r->ops))
		r->ops[r->nops++] = op->op;
	pthread_mutex_unlock(&r->lock);
	return eeh_pe_op(pe_a, op);
}

/* Another vCPU thaws the same PHB. */
static void *other_vcpu_thaws(void *arg)
{
	struct race *r = arg;
	uint32_t a[4] = { 0, (uint32_t)(GBUID_A >> 32), (uint32_t)GBUID_A, 2 }, ret = 0;

	eeh_vm_rtas_call(r->vm, TOK_OPTION, 4, a, 1, &ret);
	atomic_store(&r->thaw_done, true);
	return NULL;
}

/* The MSI-X scrub: meanwhile another vCPU's thaw is issued. It must wait
 * for the reset; give it a bounded chance to (wrongly) get through. */
static void scrub_while_another_vcpu_thaws(void *opaque, uint64_t buid)
{
	struct race *r = opaque;

	(void)buid;
	pthread_create(&r->thread, NULL, other_vcpu_thaws, r);
	for (int i = 0; i < 200 && !atomic_load(&r->thaw_done); i++)
		nanosleep(&(struct timespec){ .tv_nsec = 1000 * 1000 }, NULL);
	r->thaw_during_scrub = atomic_load(&r->thaw_done);
}

static void qemu_pre_reset_and_its_reset_are_one_step_per_phb(void)
{
	static const struct eeh_vm_ops race_ops = { .size = sizeof(race_ops),
						    .pre_reset = scrub_while_another_vcpu_thaws };
	struct race r = { .lock = PTHREAD_MUTEX_INITIALIZER };

	for (int mode = 0; mode < 2; mode++) {
		ctx = builtin_host();
		pe_a = eeh_pe_by_group(ctx, 1);
		memset(r.ops, 0, sizeof(r.ops));
		r.nops = 0;
		atomic_store(&r.thaw_done, false);
		CU_ASSERT_EQUAL_FATAL(eeh_vm_new(ctx, &race_ops, &r, &vm), 0);
		CU_ASSERT_EQUAL(eeh_vm_set_mode(vm, mode), 0);
		r.vm = vm;
		CU_ASSERT_EQUAL(eeh_vm_add_phb_op(vm, GBUID_A, ordering_op, &r, pe_a), 0);
		CU_ASSERT_EQUAL(eeh_vm_add_device(vm, GBUID_A, 0, 0), 0);
		CU_ASSERT_EQUAL(eeh_inject_freeze(pe_a), 0);
		CU_ASSERT_EQUAL(slot_reset(GBUID_A, 0, 1), 0);
		pthread_join(r.thread, NULL);
		/* the thaw waited for the reset, and came after it */
		CU_ASSERT_FALSE(r.thaw_during_scrub);
		CU_ASSERT_EQUAL(r.ops[0], VFIO_EEH_PE_RESET_HOT);
		if (mode == EEH_RTAS_MODE_QEMU) {
			CU_ASSERT_EQUAL(r.nops, 2);
			CU_ASSERT_EQUAL(r.ops[1], VFIO_EEH_PE_UNFREEZE_IO);
		} else {
			/* PAPR: a thaw of a PE in reset is -7, no op */
			CU_ASSERT_EQUAL(r.nops, 1);
		}
		teardown();
	}
}

/* ---- a PHB behind several containers: QEMU's one-container rule ---- */

#define GBUID_X 0x900000000000010ULL
#define GBUID_Y 0x900000000000011ULL

static void a_phb_behind_two_containers_has_no_eeh(void)
{
	struct eeh_container *c1, *c2;
	struct eeh_pe *pe5, *pe4;
	int st = -1;

	setup(EEH_RTAS_MODE_QEMU);
	pe5 = eeh_pe_by_group(ctx, 5);
	pe4 = eeh_pe_by_group(ctx, 4);
	CU_ASSERT_EQUAL_FATAL(eeh_container_open(ctx, -1, 0, &c1), 0);
	CU_ASSERT_EQUAL_FATAL(eeh_container_open(ctx, -1, 0, &c2), 0);
	CU_ASSERT_EQUAL(eeh_container_add_group(c1, 5), 0);
	CU_ASSERT_EQUAL(eeh_container_add_group(c2, 4), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_phb_container(vm, GBUID_X, c1, pe5), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_device(vm, GBUID_X, 0, 0x20), 0);
	CU_ASSERT_EQUAL(option(GBUID_X, 1, 1), 0);
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe5), 0);
	CU_ASSERT_EQUAL(guest_state(GBUID_X, 1), 2);

	CU_ASSERT_EQUAL(eeh_vm_phb_add_container(vm, GBUID_X, c2), 0);
	CU_ASSERT_EQUAL(eeh_vm_phb_add_container(vm, GBUID_X, c2), -EEXIST);
	CU_ASSERT_EQUAL(eeh_vm_phb_add_container(vm, GBUID_A, c2), -EINVAL);
	CU_ASSERT_EQUAL(eeh_vm_phb_add_container(vm, GBUID_Y, c2), -ENOENT);
	CU_ASSERT_EQUAL(read_state(GBUID_X, 1, &st, NULL, NULL), -3);
	CU_ASSERT_EQUAL(option(GBUID_X, 1, 1), -3);
	CU_ASSERT_EQUAL(slot_reset(GBUID_X, 1, 1), -3);
	CU_ASSERT_EQUAL(pre_resets, 0);
	CU_ASSERT_EQUAL(configure(GBUID_X, 1), -3);
	/* No op reached a container: ENABLE would have thawed the PE. */
	CU_ASSERT_EQUAL(papr_state(pe5, NULL), 2);
	CU_ASSERT_EQUAL(papr_state(pe4, NULL), 0);
	/* a PHB without EEH is skipped by a reset, without error */
	CU_ASSERT_EQUAL(eeh_vm_phb_reset(vm, GBUID_X), 0);
	CU_ASSERT_EQUAL(eeh_vm_reset(vm), 0);
	CU_ASSERT_EQUAL(papr_state(pe5, NULL), 2);
	/* back to one container: EEH again */
	CU_ASSERT_EQUAL(eeh_vm_phb_del_container(vm, GBUID_X, c1), 0);
	CU_ASSERT_EQUAL(eeh_vm_phb_del_container(vm, GBUID_X, c1), -ENOENT);
	CU_ASSERT_EQUAL(guest_state(GBUID_X, 1), 0); /* now c2's group */
	CU_ASSERT_EQUAL(eeh_vm_phb_del_container(vm, GBUID_X, c2), 0);
	CU_ASSERT_EQUAL(eeh_vm_phb_add_container(vm, GBUID_X, c1), 0);
	CU_ASSERT_EQUAL(eeh_vm_phb_reset(vm, GBUID_X), 0);
	CU_ASSERT_EQUAL(papr_state(pe5, NULL), 0); /* ENABLE thawed it */
	teardown();
	eeh_container_close(c2);
	eeh_container_close(c1);
}

/* The same through kernel containers (the fake kernel): with two behind
 * the PHB not one VFIO_EEH_PE_OP ioctl is issued. */
static void a_phb_behind_two_kernel_containers_issues_no_ioctl(void)
{
	struct fake_kernel *fk = fake_new();
	struct eeh_container *c1, *c2;
	int st = -1;

	setup(EEH_RTAS_MODE_QEMU);
	fake_add_group(fk, 5);
	fake_add_group(fk, 4);
	fake_install(fk, ctx);
	fk->group[5].pe_state = VFIO_EEH_PE_STATE_STOPPED;
	CU_ASSERT_EQUAL_FATAL(eeh_container_open(ctx, -1, EEH_CONTAINER_KERNEL, &c1), 0);
	CU_ASSERT_EQUAL_FATAL(eeh_container_open(ctx, -1, EEH_CONTAINER_KERNEL, &c2), 0);
	CU_ASSERT_EQUAL(eeh_container_add_group(c1, 5), 0);
	CU_ASSERT_EQUAL(eeh_container_add_group(c2, 4), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_phb_container(vm, GBUID_X, c1, NULL), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_device(vm, GBUID_X, 0, 0x20), 0);
	CU_ASSERT_EQUAL(guest_state(GBUID_X, 1), 2);
	CU_ASSERT_EQUAL(fake_count(fk, VFIO_EEH_PE_OP), 1);
	CU_ASSERT_EQUAL(eeh_vm_phb_add_container(vm, GBUID_X, c2), 0);
	CU_ASSERT_EQUAL(read_state(GBUID_X, 1, &st, NULL, NULL), -3);
	CU_ASSERT_EQUAL(option(GBUID_X, 1, 1), -3);
	CU_ASSERT_EQUAL(option(GBUID_X, 1, 2), -3);
	CU_ASSERT_EQUAL(slot_reset(GBUID_X, 1, 1), -3);
	CU_ASSERT_EQUAL(configure(GBUID_X, 1), -3);
	CU_ASSERT_EQUAL(eeh_vm_phb_reset(vm, GBUID_X), 0);
	CU_ASSERT_EQUAL(fake_count(fk, VFIO_EEH_PE_OP), 1);
	CU_ASSERT_EQUAL(eeh_vm_phb_del_container(vm, GBUID_X, c2), 0);
	CU_ASSERT_EQUAL(guest_state(GBUID_X, 1), 2);
	CU_ASSERT_EQUAL(fake_count(fk, VFIO_EEH_PE_OP), 2);
	teardown();
	eeh_container_close(c2);
	eeh_container_close(c1);
	fake_free(fk);
}

/* eeh_vm_phb_reset() on a PHB without EEH (a container holding two
 * groups) is 0, as documented, and eeh_vm_reset() reports no error. */
static void reset_of_a_phb_without_eeh_is_not_an_error(void)
{
	struct eeh_container *c;

	setup(EEH_RTAS_MODE_QEMU);
	CU_ASSERT_EQUAL_FATAL(eeh_container_open(ctx, -1, 0, &c), 0);
	CU_ASSERT_EQUAL(eeh_container_add_group(c, 5), 0);
	CU_ASSERT_EQUAL(eeh_container_add_group(c, 4), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_phb_container(vm, GBUID_Y, c, NULL), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_device(vm, GBUID_Y, 0, 0x20), 0);
	CU_ASSERT_EQUAL(option(GBUID_Y, 1, 1), -3);
	CU_ASSERT_EQUAL(eeh_vm_phb_reset(vm, GBUID_Y), 0);
	CU_ASSERT_EQUAL(eeh_vm_reset(vm), 0);
	teardown();
	eeh_container_close(c);
}

/* PAPR-strict: a permanently failed host PE reads state 5 with
 * unavailable-info 0 however the PHB was added. */
static int plain_op(void *data, struct vfio_eeh_pe_op *op)
{
	return eeh_pe_op(data, op);
}

static void papr_permanent_host_pe_is_5_on_every_binding(void)
{
	struct eeh_pe *pe5;
	int st = -1, info = -1;

	setup(EEH_RTAS_MODE_PAPR);
	pe5 = eeh_pe_by_group(ctx, 5);
	CU_ASSERT_EQUAL(eeh_vm_add_phb_op(vm, GBUID_X, plain_op, pe5, pe5), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_device(vm, GBUID_X, 0, 0x20), 0);
	fail_pe_permanently(ctx, pe_a);
	fail_pe_permanently(ctx, pe5);
	CU_ASSERT_EQUAL(read_state(GBUID_A, 0x0800, &st, NULL, &info), 0);
	CU_ASSERT_EQUAL(st, 5);
	CU_ASSERT_EQUAL(info, 0);
	st = info = -1;
	CU_ASSERT_EQUAL(read_state(GBUID_X, 0x2000, &st, NULL, &info), 0);
	CU_ASSERT_EQUAL(st, 5);
	CU_ASSERT_EQUAL(info, 0);
	teardown();
}

static void qemu_resets_call_pre_reset_and_reach_the_host(void)
{
	setup(EEH_RTAS_MODE_QEMU);
	CU_ASSERT_EQUAL(slot_reset(GBUID_A, 0, 1), 0);
	CU_ASSERT_EQUAL(pre_resets, 1);
	CU_ASSERT_EQUAL(pre_reset_buid, GBUID_A);
	CU_ASSERT_EQUAL(papr_state(pe_a, NULL), 1);
	CU_ASSERT_EQUAL(guest_state(GBUID_A, 0), 1);
	CU_ASSERT_EQUAL(slot_reset(GBUID_A, 0, 0), 0);
	CU_ASSERT_EQUAL(pre_resets, 1); /* not for deactivate */
	CU_ASSERT_EQUAL(guest_state(GBUID_A, 0), 0);
	/* B offers no fundamental reset: the host kernel falls back to hot. */
	CU_ASSERT_EQUAL(slot_reset(GBUID_B, 0, 3), 0);
	CU_ASSERT_EQUAL(pre_resets, 2);
	CU_ASSERT_EQUAL(papr_state(pe_b, NULL), 1);
	CU_ASSERT_EQUAL(slot_reset(GBUID_B, 0, 0), 0);
	CU_ASSERT_EQUAL(slot_reset(GBUID_B, 0, 2), -3);
	CU_ASSERT_EQUAL(slot_reset(GBUID_B, 0, 4), -3);
	CU_ASSERT_EQUAL(pre_resets, 2);
	CU_ASSERT_EQUAL(configure(GBUID_B, 0xffffffffu), 0);
	teardown();
}

static void qemu_slot_error_detail_is_1_and_never_permanent(void)
{
	setup(EEH_RTAS_MODE_QEMU);
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe_a), 0);
	memset(guest_mem + 0x1000, 0x5a, 2048);
	CU_ASSERT_EQUAL(error_detail(GBUID_A, 1, 0, 0, 0x1000, 2048, 1), 1);
	CU_ASSERT_EQUAL(guest_mem[0x1000], 0x5a);
	CU_ASSERT_EQUAL(error_detail(GBUID_A, 1, 0, 0, 0x1000, 2048, 2), 1);
	CU_ASSERT_EQUAL(guest_mem[0x1000], 0x5a);
	CU_ASSERT_EQUAL(error_detail(GBUID_A, 1, 0, 0, 0x1000, 2048, 3), -3);
	CU_ASSERT_EQUAL(error_detail(GBUID_A, 1, 0, 0, 0x1000, 2048, 0), -3);
	CU_ASSERT_EQUAL(eeh_vm_phb_permanent(vm, GBUID_A), 0);
	CU_ASSERT_EQUAL(guest_state(GBUID_A, 0), 2);
	teardown();
}

/* The ops each call sends through an op target: numbers and bytes. */
static void op_target_gets_the_vfio_ops_of_each_call(void)
{
	uint64_t buid = 0x900000000000000ULL;
	uint32_t a[3] = { 1, (uint32_t)TOK_ERRINJCT, 0x400 }, r[8];

	setup(EEH_RTAS_MODE_QEMU);
	/* One PHB per PE: C has to go first. */
	CU_ASSERT_EQUAL(eeh_vm_add_phb_op(vm, buid, recording_op, pe_c, pe_c), -EBUSY);
	CU_ASSERT_EQUAL(eeh_vm_del_phb(vm, GBUID_C), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_phb_op(vm, buid, recording_op, pe_c, pe_c), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_device(vm, buid, 0, 0), 0);
	static const struct {
		uint32_t token, fn, op;
	} map[] = {
		{ TOK_OPTION, 0, VFIO_EEH_PE_DISABLE },	 { TOK_OPTION, 1, VFIO_EEH_PE_ENABLE },
		{ TOK_OPTION, 2, VFIO_EEH_PE_UNFREEZE_IO }, { TOK_OPTION, 3, VFIO_EEH_PE_UNFREEZE_DMA },
		{ TOK_RESET, 1, VFIO_EEH_PE_RESET_HOT },     { TOK_RESET, 0, VFIO_EEH_PE_RESET_DEACTIVATE },
		{ TOK_RESET, 3, VFIO_EEH_PE_RESET_FUNDAMENTAL },
	};
	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		ops_seen = 0;
		int32_t st = map[i].token == TOK_OPTION ? option(buid, 1, map[i].fn)
						       : slot_reset(buid, 1, map[i].fn);

		CU_ASSERT_EQUAL(st, 0);
		CU_ASSERT_EQUAL(ops_seen, 1);
		CU_ASSERT_EQUAL(last_op.op, map[i].op);
		CU_ASSERT_EQUAL(last_op.argsz, sizeof(last_op));
		CU_ASSERT_EQUAL(last_op.flags, 0);
	}
	CU_ASSERT_EQUAL(slot_reset(buid, 1, 0), 0);
	CU_ASSERT_EQUAL(configure(buid, 1), 0);
	CU_ASSERT_EQUAL(last_op.op, VFIO_EEH_PE_CONFIGURE);
	CU_ASSERT_EQUAL(guest_state(buid, 1), 0);
	CU_ASSERT_EQUAL(last_op.op, VFIO_EEH_PE_GET_STATE);
	/* errinjct ioa-bus-error-64, function 13, to this PHB. */
	CU_ASSERT_EQUAL(call(TOK_OPEN, 0, NULL, 2, r), 0);
	a[1] = r[0];
	a[0] = 0x0f;
	{
		uint32_t w[8] = { 0x8, 0x3000000, 0xffffffff, 0xfffff000, 0,
				  (uint32_t)(buid >> 32), (uint32_t)buid, 13 };

		for (int i = 0; i < 8; i++) {
			guest_mem[0x400 + 4 * i] = (uint8_t)(w[i] >> 24);
			guest_mem[0x401 + 4 * i] = (uint8_t)(w[i] >> 16);
			guest_mem[0x402 + 4 * i] = (uint8_t)(w[i] >> 8);
			guest_mem[0x403 + 4 * i] = (uint8_t)w[i];
		}
	}
	CU_ASSERT_EQUAL(call(TOK_ERRINJCT, 3, a, 1, r), 0);
	CU_ASSERT_EQUAL(r[0], 0);
	CU_ASSERT_EQUAL(last_op.op, VFIO_EEH_PE_INJECT_ERR);
	CU_ASSERT_EQUAL(last_op.argsz, 40);
	CU_ASSERT_EQUAL(last_op.err.type, 1);
	CU_ASSERT_EQUAL(last_op.err.func, 13);
	CU_ASSERT_EQUAL(last_op.err.addr, 0x803000000ULL);
	CU_ASSERT_EQUAL(last_op.err.mask, 0xfffffffffffff000ULL);
	/* ioa-bus-error (32-bit layout): type 0, function 7. */
	{
		uint32_t w[6] = { 0x83000040, 0xfffffffc, 0, (uint32_t)(buid >> 32),
				  (uint32_t)buid, 7 };

		put_words(0x400, w, 6);
		a[0] = 7;
		CU_ASSERT_EQUAL(call(TOK_ERRINJCT, 3, a, 1, r), 0);
		CU_ASSERT_EQUAL(r[0], 0);
		CU_ASSERT_EQUAL(last_op.err.type, 0);
		CU_ASSERT_EQUAL(last_op.err.func, 7);
		CU_ASSERT_EQUAL(last_op.err.addr, 0x83000040ULL);
		CU_ASSERT_EQUAL(last_op.err.mask, 0xfffffffcULL);
		/* Function 20 never reaches the host. */
		w[5] = 20;
		put_words(0x400, w, 6);
		ops_seen = 0;
		CU_ASSERT_EQUAL(call(TOK_ERRINJCT, 3, a, 1, r), 0);
		CU_ASSERT_EQUAL((int32_t)r[0], -3);
		CU_ASSERT_EQUAL(ops_seen, 0);
	}
	teardown();
}

/* PAPR-strict: where the table says "no-op", nothing reaches the host. */
static void papr_table_no_ops_send_nothing_to_the_host(void)
{
	uint64_t buid = 0x900000000000000ULL;
	int changes = 0;

	setup(EEH_RTAS_MODE_PAPR);
	CU_ASSERT_EQUAL(eeh_vm_del_phb(vm, GBUID_C), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_phb_op(vm, buid, recording_op, pe_c, pe_c), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_device(vm, buid, 0, 0), 0);
	ops_seen = 0;
	/* State 0: deactivate is a no-op (0), thaws are -3. */
	CU_ASSERT_EQUAL(slot_reset(buid, 0, 0), 0);
	changes += last_op.op != VFIO_EEH_PE_GET_STATE;
	CU_ASSERT_EQUAL(option(buid, 0, 2), -3);
	changes += last_op.op != VFIO_EEH_PE_GET_STATE;
	CU_ASSERT_EQUAL(slot_reset(buid, 0, 1), 0);
	CU_ASSERT_EQUAL(last_op.op, VFIO_EEH_PE_RESET_HOT);
	/* State 1: a second activate is a no-op. */
	CU_ASSERT_EQUAL(slot_reset(buid, 0, 1), 0);
	changes += last_op.op != VFIO_EEH_PE_GET_STATE;
	CU_ASSERT_EQUAL(changes, 0);
	CU_ASSERT_EQUAL(pre_resets, 1);
	teardown();
}

/* ---- PAPR-strict mode ---- */

/* Every cell of the LoPAR table through the guest's calls. */
static void papr_state_control_table_cell_by_cell(void)
{
	static const struct {
		bool reset;
		uint32_t fn;
		enum eeh_papr_call call;
	} calls[] = {
		{ false, 2, EEH_PAPR_THAW_MMIO },	  { false, 3, EEH_PAPR_THAW_DMA },
		{ true, 0, EEH_PAPR_RESET_DEACTIVATE },	  { true, 1, EEH_PAPR_RESET_HOT },
		{ true, 3, EEH_PAPR_RESET_FUNDAMENTAL },
	};

	for (int s = 0; s < NSTATES; s++)
		for (size_t c = 0; c < ARRAY_SIZE(calls); c++) {
			int next = -1, st, info, got;
			int want = eeh_papr_state_control(calls[c].call, state_value[s], s == S5P,
							  &next);

			setup(EEH_RTAS_MODE_PAPR);
			papr_drive_to_state(ctx, pe_a, s);
			CU_ASSERT_EQUAL(read_state(GBUID_A, 0x0800, &st, NULL, &info), 0);
			CU_ASSERT_EQUAL(st, state_value[s]);
			if (s == S5T)
				CU_ASSERT(info > 0);
			if (s == S5P)
				CU_ASSERT_EQUAL(info, 0);
			got = calls[c].reset ? slot_reset(GBUID_A, 0x0800, calls[c].fn)
					     : option(GBUID_A, 0x0800, calls[c].fn);
			CU_ASSERT_EQUAL(got, want);
			/* The guest then sees the table's next state (a reset
			 * deactivate includes the kernel's settle wait). */
			if (next >= 0) {
				CU_ASSERT_EQUAL(guest_state(GBUID_A, 0x0800), next);
			} else if (s != S5T) {
				CU_ASSERT_EQUAL(guest_state(GBUID_A, 0x0800), state_value[s]);
			}
			teardown();
		}
}

static void papr_unavailable_info_counts_down_the_settle_time(void)
{
	int st, info, info2_;

	setup(EEH_RTAS_MODE_PAPR);
	papr_drive_to_state(ctx, pe_a, S5T);
	CU_ASSERT_EQUAL(read_state(GBUID_A, 0x0800, &st, NULL, &info), 0);
	CU_ASSERT_EQUAL(st, 5);
	/* 100 ms hold already past, 1.5 s settle left. */
	CU_ASSERT_EQUAL(info, 1500);
	eeh_clock_advance(ctx, 1000 * MS);
	CU_ASSERT_EQUAL(read_state(GBUID_A, 0x0800, &st, NULL, &info2_), 0);
	CU_ASSERT_EQUAL(info2_, 500);
	eeh_clock_advance(ctx, 500 * MS);
	CU_ASSERT_EQUAL(read_state(GBUID_A, 0x0800, &st, NULL, &info), 0);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_EQUAL(info, 0);
	teardown();
}

static void papr_fundamental_reset_not_offered_is_minus8_state_unchanged(void)
{
	setup(EEH_RTAS_MODE_PAPR);
	/* Known before any reset: the device tree is built before the guest
	 * runs, and must not offer what then answers -8. */
	CU_ASSERT_EQUAL(eeh_vm_reset_capabilities(vm, GBUID_B), 0);
	CU_ASSERT_EQUAL(eeh_vm_reset_capabilities(vm, EEH_VM_ALL_PHBS), 0);
	CU_ASSERT_EQUAL(eeh_vm_reset_capabilities(vm, GBUID_A), 1);
	/* -8 leaves everything as it was: the PE, and the VMM's MSI-X state
	 * (no pre_reset for a reset that does not happen). */
	CU_ASSERT_EQUAL(slot_reset(GBUID_B, 0x1000, 3), -8);
	CU_ASSERT_EQUAL(pre_resets, 0);
	CU_ASSERT_EQUAL(guest_state(GBUID_B, 0x1000), 0);
	CU_ASSERT_EQUAL(papr_state(pe_b, NULL), 0);
	CU_ASSERT_EQUAL(eeh_vm_reset_capabilities(vm, GBUID_B), 0);
	CU_ASSERT_EQUAL(eeh_vm_reset_capabilities(vm, EEH_VM_ALL_PHBS), 0);
	/* Known now: answered before any state check, also when frozen,
	 * and the VMM's MSI-X state is left alone. */
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe_b), 0);
	CU_ASSERT_EQUAL(slot_reset(GBUID_B, 0x1000, 3), -8);
	CU_ASSERT_EQUAL(pre_resets, 0);
	CU_ASSERT_EQUAL(guest_state(GBUID_B, 0x1000), 2);
	/* The guest falls back to hot reset, as Linux does. */
	CU_ASSERT_EQUAL(slot_reset(GBUID_B, 0x1000, 1), 0);
	CU_ASSERT_EQUAL(pre_resets, 1);
	CU_ASSERT_EQUAL(pre_reset_buid, GBUID_B);
	CU_ASSERT_EQUAL(guest_state(GBUID_B, 0x1000), 1);
	/* A offers it. */
	CU_ASSERT_EQUAL(slot_reset(GBUID_A, 0x0800, 3), 0);
	CU_ASSERT_EQUAL(guest_state(GBUID_A, 0x0800), 1);
	CU_ASSERT_EQUAL(eeh_vm_reset_capabilities(vm, GBUID_A), 1);
	CU_ASSERT_EQUAL(slot_reset(GBUID_A, 0x0800, 0), 0);
	CU_ASSERT_EQUAL(guest_state(GBUID_A, 0x0800), 0);
	/* The VMM may say so itself. */
	CU_ASSERT_EQUAL(eeh_vm_set_fundamental_reset(vm, GBUID_A, 0), 0);
	CU_ASSERT_EQUAL(slot_reset(GBUID_A, 0x0800, 3), -8);
	CU_ASSERT_EQUAL(eeh_vm_set_fundamental_reset(vm, GBUID_A, 2), -EINVAL);
	CU_ASSERT_EQUAL(eeh_vm_set_fundamental_reset(vm, 42, 1), -ENOENT);
	teardown();
}

static void papr_config_addresses_are_validated(void)
{
	uint32_t out;

	setup(EEH_RTAS_MODE_PAPR);
	/* Function 0: the PE's first function, register fields 0. */
	CU_ASSERT_EQUAL(info2(GBUID_A, 0x000900, 0, &out), 0);
	CU_ASSERT_EQUAL(out, 0x000800);
	CU_ASSERT_EQUAL(eeh_vm_pe_config_addr(vm, GBUID_A), 0x000800);
	CU_ASSERT_EQUAL(info2(GBUID_C, 0x010000, 0, &out), 0);
	CU_ASSERT_EQUAL(out, 0x010000);
	/* Function 1: shared (two functions), not shared, not in a PE. */
	CU_ASSERT_EQUAL(info2(GBUID_A, 0x000800, 1, &out), 0);
	CU_ASSERT_EQUAL(out, 2);
	CU_ASSERT_EQUAL(info2(GBUID_B, 0x001000, 1, &out), 0);
	CU_ASSERT_EQUAL(out, 1);
	CU_ASSERT_EQUAL(info2(GBUID_B, 0x001100, 1, &out), 0);
	CU_ASSERT_EQUAL(out, 0);
	CU_ASSERT_EQUAL(info2(GBUID_B, 0x001100, 0, &out), -3);
	/* Register bits set, other PHB's device, no device: -3 everywhere. */
	{
		const uint32_t bad[] = { 0x000804, 0x10000800, 0x001000, 0x000001 };

		for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
			int st;

			CU_ASSERT_EQUAL(option(GBUID_A, bad[i], 1), -3);
			CU_ASSERT_EQUAL(option(GBUID_A, bad[i], 2), -3);
			CU_ASSERT_EQUAL(slot_reset(GBUID_A, bad[i], 1), -3);
			CU_ASSERT_EQUAL(configure(GBUID_A, bad[i]), -3);
			CU_ASSERT_EQUAL(read_state(GBUID_A, bad[i], &st, NULL, NULL), -3);
			CU_ASSERT_EQUAL(error_detail(GBUID_A, bad[i], 0, 0, 0x1000, 2048, 1), -3);
		}
	}
	CU_ASSERT_EQUAL(papr_state(pe_a, NULL), 0);
	/* Any function of the PE names it (old guests use their own). */
	CU_ASSERT_EQUAL(option(GBUID_A, 0x000900, 1), 0);
	CU_ASSERT_EQUAL(option(GBUID_A, 0x000800, 0), 0);
	CU_ASSERT_EQUAL(option(GBUID_A, 0x000800, 4), -3);
	teardown();
}

static void papr_error_detail_returns_a_real_log_once_per_error(void)
{
	const uint8_t *log = guest_mem + 0x2000, *sect;
	struct eeh_func *f;
	uint64_t v;

	setup(EEH_RTAS_MODE_PAPR);
	f = eeh_func_first(pe_b);
	/* No error yet: no log. */
	CU_ASSERT_EQUAL(error_detail(GBUID_B, 0x1000, 0, 0, 0x2000, 2048, 1), 1);
	/* A data parity error on a load at host BAR 0 + 0x100. */
	CU_ASSERT_EQUAL(pe_inject_err(pe_b, 0, 1, 0x90000100, 0xffffffff), 0);
	CU_ASSERT_EQUAL(eeh_func_mmio_read(f, 0, 0x100, 4, &v), 0);
	CU_ASSERT_EQUAL(guest_state(GBUID_B, 0x1000), 2);
	memcpy(guest_mem + 0x1000, "00:02.0 cfg: 8086 1572 ....", 28);
	CU_ASSERT_EQUAL(error_detail(GBUID_B, 0x1000, 0x1000, 28, 0x2000, 2048, 1), 0);
	CU_ASSERT_EQUAL(log[0], 6);                       /* version 6 */
	CU_ASSERT_EQUAL(log[1] >> 5, 3);                  /* severity error-sync */
	CU_ASSERT_EQUAL(log[1] & 0x04, 0x04);             /* extended log */
	CU_ASSERT_EQUAL(log[2], 0x22);                    /* PCI -> PCI */
	CU_ASSERT_EQUAL(log[3], 0x05);                    /* data parity */
	CU_ASSERT_EQUAL(be32_get(log + 4), 16 + 48 + 8 + 28);
	CU_ASSERT_EQUAL(log[8] & 0xa6, 0xa6);             /* valid recoverable new BE */
	CU_ASSERT_EQUAL(log[10], 0x8e);                   /* PowerPC format 14 */
	CU_ASSERT_EQUAL(memcmp(log + 20, "IBM", 4), 0);
	sect = log + 24;
	CU_ASSERT_EQUAL(memcmp(sect, "UD", 2), 0);
	CU_ASSERT_EQUAL(be32_get(sect) & 0xffff, 48);
	CU_ASSERT_EQUAL(be32_get(sect + 8), (uint32_t)(GBUID_B >> 32));
	CU_ASSERT_EQUAL(be32_get(sect + 12), (uint32_t)GBUID_B);
	CU_ASSERT_EQUAL(be32_get(sect + 16), 0x1000);      /* PE config address */
	CU_ASSERT_EQUAL(be32_get(sect + 20), 2);           /* state */
	CU_ASSERT_EQUAL(be32_get(sect + 24), 1);           /* function */
	CU_ASSERT_EQUAL(be32_get(sect + 28), 1);           /* errors */
	/* The guest's own bus address, not the host's. */
	CU_ASSERT_EQUAL(be32_get(sect + 32), 0);
	CU_ASSERT_EQUAL(be32_get(sect + 36), 0x10000100);
	sect += 48;
	CU_ASSERT_EQUAL(memcmp(sect, "UD", 2), 0);
	CU_ASSERT_EQUAL(sect[5], 2);
	CU_ASSERT_EQUAL(memcmp(sect + 8, "00:02.0 cfg: 8086 1572 ....", 28), 0);
	/* Read once: the same error gives no second log. */
	CU_ASSERT_EQUAL(error_detail(GBUID_B, 0x1000, 0, 0, 0x2000, 2048, 1), 1);
	/* Another error on the frozen PE: a new log, which does not fit in
	 * a 40-byte return buffer (-3) and is still there afterwards. */
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe_b), 0);
	CU_ASSERT_EQUAL(error_detail(GBUID_B, 0x1000, 0, 0, 0x2000, 40, 1), -3);
	CU_ASSERT_EQUAL(error_detail(GBUID_B, 0x1000, 0, 0, 0x2000, 2048, 1), 0);
	CU_ASSERT_EQUAL(be32_get(log + 24 + 28), 2);
	CU_ASSERT_EQUAL(log[3], 0x03);
	/* The error type follows the IOA bus error function. */
	{
		static const struct {
			unsigned int func;
			uint8_t type;
		} types[] = { { 6, 0x06 }, { 12, 0x06 }, { 7, 0x05 }, { 17, 0x05 },
			      { 15, 0x08 }, { 18, 0x08 } };
		struct eeh_func *fa = eeh_func_first(pe_a);

		eeh_set_max_freezes(ctx, 100);
		for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
			CU_ASSERT_EQUAL(eeh_vm_phb_reset(vm, GBUID_A), 0);
			CU_ASSERT_EQUAL(pe_inject_err(pe_a, 1, types[i].func, 0, 0), 0);
			if (types[i].func < 12) {
				CU_ASSERT_EQUAL(eeh_func_mmio_write(fa, 0, 0, 4, 1), 0);
			} else {
				CU_ASSERT_EQUAL(eeh_func_dma(fa, types[i].func >= 16, 0x1000,
							     8), -EIO);
			}
			CU_ASSERT_EQUAL(error_detail(GBUID_A, 0x0800, 0, 0, 0x2000, 2048, 1), 0);
			CU_ASSERT_EQUAL(log[3], types[i].type);
			CU_ASSERT_EQUAL(be32_get(log + 24 + 24), types[i].func);
		}
	}
	/* Without guest memory to write to there is no log to return. */
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe_b), 0);
	mem_fail = true;
	CU_ASSERT_EQUAL(error_detail(GBUID_B, 0x1000, 0, 0, 0x2000, 2048, 1), -3);
	mem_fail = false;
	teardown();
}

static void papr_error_detail_2_makes_the_pe_permanently_unavailable(void)
{
	const uint8_t *log = guest_mem + 0x2000;
	int st, info;

	setup(EEH_RTAS_MODE_PAPR);
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe_a), 0);
	CU_ASSERT_EQUAL(error_detail(GBUID_A, 0x0800, 0, 0, 0x2000, 40, 2), -3);
	CU_ASSERT_EQUAL(eeh_vm_phb_permanent(vm, GBUID_A), 0);
	CU_ASSERT_EQUAL(error_detail(GBUID_A, 0x0800, 0, 0, 0x2000, 2048, 2), 0);
	CU_ASSERT_EQUAL(log[1] >> 5, 4);                  /* severity error */
	CU_ASSERT_EQUAL((log[1] >> 3) & 3, 2);            /* not recovered */
	CU_ASSERT_EQUAL(log[8] & 0x40, 0x40);             /* unrecoverable */
	CU_ASSERT_EQUAL(log[3], 0x03);                    /* no known cause */
	CU_ASSERT_EQUAL(be32_get(log + 24 + 20), 5);
	CU_ASSERT_EQUAL(eeh_vm_phb_permanent(vm, GBUID_A), 1);
	CU_ASSERT_EQUAL(read_state(GBUID_A, 0x0800, &st, NULL, &info), 0);
	CU_ASSERT_EQUAL(st, 5);
	CU_ASSERT_EQUAL(info, 0);
	CU_ASSERT_EQUAL(option(GBUID_A, 0x0800, 2), -7);
	CU_ASSERT_EQUAL(option(GBUID_A, 0x0800, 3), -7);
	CU_ASSERT_EQUAL(slot_reset(GBUID_A, 0x0800, 1), -7);
	CU_ASSERT_EQUAL(slot_reset(GBUID_A, 0x0800, 0), -7);
	CU_ASSERT_EQUAL(configure(GBUID_A, 0x0800), -1);
	/* The host PE itself is untouched: still frozen, not dead. */
	CU_ASSERT_EQUAL(papr_state(pe_a, &(unsigned int){ 0 }), 2);
	/* Other PHBs are not affected. */
	CU_ASSERT_EQUAL(guest_state(GBUID_C, 0x010000), 0);
	/* A reboot (PHB reset) clears it and ENABLE thaws the PE. */
	CU_ASSERT_EQUAL(eeh_vm_reset(vm), 0);
	CU_ASSERT_EQUAL(eeh_vm_phb_permanent(vm, GBUID_A), 0);
	CU_ASSERT_EQUAL(guest_state(GBUID_A, 0x0800), 0);
	CU_ASSERT_EQUAL(error_detail(GBUID_A, 0x0800, 0, 0, 0x2000, 2048, 1), 1);
	teardown();
}

static void papr_host_permanent_failure_is_state_5_info_0(void)
{
	int st, info;

	setup(EEH_RTAS_MODE_PAPR);
	papr_drive_to_state(ctx, pe_a, S5P);
	CU_ASSERT_EQUAL(read_state(GBUID_A, 0x0800, &st, NULL, &info), 0);
	CU_ASSERT_EQUAL(st, 5);
	CU_ASSERT_EQUAL(info, 0);
	CU_ASSERT_EQUAL(configure(GBUID_A, 0x0800), -1);
	teardown();
	/* QEMU shows the kernel's GET_STATE verbatim, never "permanent". */
	setup(EEH_RTAS_MODE_QEMU);
	papr_drive_to_state(ctx, pe_a, S5P);
	CU_ASSERT_EQUAL(read_state(GBUID_A, 0, &st, NULL, &info), 0);
	CU_ASSERT_EQUAL(info, 1000);
	teardown();
}

/* A kernel whose GET_STATE says "unavailable" (a host recovering). */
static int unavailable_op(void *data, struct vfio_eeh_pe_op *op)
{
	(void)data;
	last_op = *op;
	if (fail_with)
		return fail_with;
	return op->op == VFIO_EEH_PE_GET_STATE ? 5 : 0;
}

static void papr_op_target_state_5_takes_the_time_from_the_pe(void)
{
	uint64_t buid = 0x900000000000000ULL;
	int st, info;

	setup(EEH_RTAS_MODE_PAPR);
	CU_ASSERT_EQUAL(eeh_vm_del_phb(vm, GBUID_A), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_phb_op(vm, buid, unavailable_op, NULL, pe_a), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_device(vm, buid, 0, 0x08), 0);
	papr_drive_to_state(ctx, pe_a, S5T);
	CU_ASSERT_EQUAL(read_state(buid, 0x0800, &st, NULL, &info), 0);
	CU_ASSERT_EQUAL(st, 5);
	CU_ASSERT_EQUAL(info, 1500);
	CU_ASSERT_EQUAL(last_op.op, VFIO_EEH_PE_GET_STATE);
	teardown();
	/* Without a PE for information: "try again in 1 s". */
	setup(EEH_RTAS_MODE_PAPR);
	CU_ASSERT_EQUAL(eeh_vm_add_phb_op(vm, buid, unavailable_op, NULL, NULL), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_device(vm, buid, 0, 0x08), 0);
	papr_drive_to_state(ctx, pe_a, S5T);
	CU_ASSERT_EQUAL(read_state(buid, 0x0800, &st, NULL, &info), 0);
	CU_ASSERT_EQUAL(info, 1000);
	/* A failing target: PAPR reports a dead PE, never an error. */
	fail_with = -ENODEV;
	CU_ASSERT_EQUAL(read_state(buid, 0x0800, &st, NULL, &info), 0);
	CU_ASSERT_EQUAL(st, 5);
	CU_ASSERT_EQUAL(info, 0);
	fail_with = 0;
	teardown();
}

/* ---- errinjct ---- */

static int32_t open_errinjct(uint32_t *token)
{
	uint32_t r[8];

	CU_ASSERT_EQUAL(call(TOK_OPEN, 0, NULL, 2, r), 0);
	*token = r[0];
	CU_ASSERT_EQUAL(r[2], UNTOUCHED);
	return (int32_t)r[1];
}

static int32_t close_errinjct(uint32_t token)
{
	uint32_t r[8];

	CU_ASSERT_EQUAL(call(TOK_CLOSE, 1, &token, 1, r), 0);
	return (int32_t)r[0];
}

static int32_t errinjct(uint32_t type, uint32_t token, uint32_t buf)
{
	uint32_t a[3] = { type, token, buf }, r[8];

	CU_ASSERT_EQUAL(call(TOK_ERRINJCT, 3, a, 1, r), 0);
	return (int32_t)r[0];
}

static void errinjct_one_opener_with_token_semantics(void)
{
	uint32_t t1, t2;

	setup(EEH_RTAS_MODE_QEMU);
	CU_ASSERT_EQUAL(open_errinjct(&t1), 0);
	CU_ASSERT_EQUAL(t1, 1);
	CU_ASSERT_EQUAL(open_errinjct(&t2), -4);
	CU_ASSERT_EQUAL(t2, 0);
	CU_ASSERT_EQUAL(errinjct(EEH_ERRINJCT_IOA_BUS_ERROR, 2, 0x400), -3);
	CU_ASSERT_EQUAL(close_errinjct(2), -5);
	CU_ASSERT_EQUAL(close_errinjct(t1), 0);
	CU_ASSERT_EQUAL(close_errinjct(t1), -5);
	CU_ASSERT_EQUAL(errinjct(EEH_ERRINJCT_IOA_BUS_ERROR, t1, 0x400), -3);
	teardown();

	setup(EEH_RTAS_MODE_PAPR);
	CU_ASSERT_EQUAL(open_errinjct(&t1), 0);
	CU_ASSERT_NOT_EQUAL(t1, 0);
	CU_ASSERT_EQUAL(open_errinjct(&t2), -4);
	CU_ASSERT_EQUAL(errinjct(EEH_ERRINJCT_IOA_BUS_ERROR, t1 + 1, 0x400), -4);
	CU_ASSERT_EQUAL(close_errinjct(t1 + 1), -4);
	CU_ASSERT_EQUAL(close_errinjct(t1), 0);
	/* A new session has a new token: the old one no longer works. */
	CU_ASSERT_EQUAL(open_errinjct(&t2), 0);
	CU_ASSERT_NOT_EQUAL(t2, t1);
	CU_ASSERT_EQUAL(close_errinjct(t1), -4);
	CU_ASSERT_EQUAL(errinjct(EEH_ERRINJCT_IOA_BUS_ERROR, t1, 0x400), -4);
	/* A machine reset closes the facility. */
	CU_ASSERT_EQUAL(eeh_vm_reset(vm), 0);
	CU_ASSERT_EQUAL(open_errinjct(&t1), 0);
	teardown();
}

static void errinjct_32bit_buffer_reaches_the_phb_it_names_translated(void)
{
	struct eeh_func *f;
	struct eeh_pe_error e = { .size = sizeof(e) };
	uint32_t token, w[6] = { 0x10000200, 0xffffffff, 0x1000, (uint32_t)(GBUID_B >> 32),
				 (uint32_t)GBUID_B, 1 };
	uint64_t v;

	for (int mode = 0; mode < 2; mode++) {
		setup(mode);
		f = eeh_func_first(pe_b);
		CU_ASSERT_EQUAL(option(GBUID_B, mode ? 0x1000 : 1, 1), 0);
		CU_ASSERT_EQUAL(open_errinjct(&token), 0);
		put_words(0x400, w, 6);
		CU_ASSERT_EQUAL(errinjct(EEH_ERRINJCT_IOA_BUS_ERROR, token, 0x400), 0);
		/* Armed, not yet fired; the other PEs are not armed. */
		CU_ASSERT_EQUAL(papr_state(pe_b, NULL), 0);
		CU_ASSERT_EQUAL(eeh_func_mmio_read(eeh_func_first(pe_a), 0, 0x200, 4, &v), 0);
		CU_ASSERT_EQUAL(papr_state(pe_a, NULL), 0);
		/* A load at another address does not match the mask. */
		CU_ASSERT_EQUAL(eeh_func_mmio_read(f, 0, 0x204, 4, &v), 0);
		CU_ASSERT_EQUAL(papr_state(pe_b, NULL), 0);
		CU_ASSERT_EQUAL(eeh_func_mmio_read(f, 0, 0x200, 4, &v), 0);
		CU_ASSERT_EQUAL(v, 0xffffffffULL);
		CU_ASSERT_EQUAL(guest_state(GBUID_B, mode ? 0x1000 : 1), 2);
		CU_ASSERT_EQUAL(eeh_pe_last_error(pe_b, &e), 0);
		CU_ASSERT_EQUAL(e.func, 1);
		CU_ASSERT_EQUAL(e.addr, 0x90000200);
		CU_ASSERT_EQUAL(close_errinjct(token), 0);
		teardown();
	}
}

/* Without bar_to_host the work buffer's address is the host's: an MMIO
 * or I/O error at an address in no BAR of that space of the PHB's PEs
 * could never fire, so it is a parameter error in both modes. */
static const struct eeh_vm_ops ops_untranslated = {
	.size = sizeof(struct eeh_vm_ops),
	.mem_read = mem_read,
	.mem_write = mem_write,
};

static void errinjct_without_translation_needs_an_address_in_a_bar(void)
{
	struct eeh_func *f;
	uint64_t v;
	uint32_t token;
	/* 32-bit, function 0 (load, memory, address) */
	uint32_t w[6] = { 0, 0xffffffff, 0x0800, (uint32_t)(GBUID_A >> 32), (uint32_t)GBUID_A, 0 };

	for (int mode = 0; mode < 2; mode++) {
		setup(mode);
		eeh_vm_unref(vm);
		CU_ASSERT_EQUAL_FATAL(eeh_vm_new(ctx, &ops_untranslated, NULL, &vm), 0);
		CU_ASSERT_EQUAL(eeh_vm_set_mode(vm, mode), 0);
		CU_ASSERT_EQUAL(eeh_vm_add_phb(vm, GBUID_A, pe_a), 0);
		CU_ASSERT_EQUAL(eeh_vm_add_device(vm, GBUID_A, 0, 0x08), 0);
		CU_ASSERT_EQUAL(option(GBUID_A, mode ? 0x0800 : 1, 1), 0);
		CU_ASSERT_EQUAL(open_errinjct(&token), 0);
		/* in no BAR of the PE */
		w[0] = 0x7f000000;
		put_words(0x400, w, 6);
		CU_ASSERT_EQUAL(errinjct(EEH_ERRINJCT_IOA_BUS_ERROR, token, 0x400), -3);
		CU_ASSERT_EQUAL(eeh_inject_pending(pe_a), 0);
		/* in a memory BAR, but an I/O function (2: load, I/O, address) */
		w[0] = 0x80000100;
		w[5] = 2;
		put_words(0x400, w, 6);
		CU_ASSERT_EQUAL(errinjct(EEH_ERRINJCT_IOA_BUS_ERROR, token, 0x400), -3);
		CU_ASSERT_EQUAL(eeh_inject_pending(pe_a), 0);
		/* in BAR0 of the second function: armed, and it fires */
		w[0] = 0x80800100;
		w[5] = 0;
		put_words(0x400, w, 6);
		CU_ASSERT_EQUAL(errinjct(EEH_ERRINJCT_IOA_BUS_ERROR, token, 0x400), 0);
		CU_ASSERT_EQUAL(eeh_inject_pending(pe_a), 1);
		f = eeh_func_next(eeh_func_first(pe_a));
		CU_ASSERT_EQUAL(eeh_func_mmio_read(f, 0, 0x100, 4, &v), 0);
		CU_ASSERT_EQUAL(v, 0xffffffffULL);
		CU_ASSERT_EQUAL(guest_state(GBUID_A, mode ? 0x0800 : 1), 2);
		CU_ASSERT_EQUAL(close_errinjct(token), 0);
		teardown();
	}
}

static void errinjct_64bit_buffer_dma_function(void)
{
	struct eeh_func *f;
	uint32_t token, w[8] = { 0, 0x20000000, 0, 0xfffff000, 0x010000,
				 (uint32_t)(GBUID_C >> 32), (uint32_t)GBUID_C, 16 };

	for (int mode = 0; mode < 2; mode++) {
		setup(mode);
		f = eeh_func_first(pe_c);
		CU_ASSERT_EQUAL(option(GBUID_C, 0x010000, 1), 0);
		CU_ASSERT_EQUAL(open_errinjct(&token), 0);
		put_words(0x800, w, 8);
		CU_ASSERT_EQUAL(errinjct(EEH_ERRINJCT_IOA_BUS_ERROR_64, token, 0x800), 0);
		CU_ASSERT_EQUAL(eeh_func_dma(f, false, 0x20000010, 64), 0); /* a read */
		CU_ASSERT_EQUAL(eeh_func_dma(f, true, 0x20000010, 64), -EIO);
		CU_ASSERT_EQUAL(guest_state(GBUID_C, mode ? 0x010000 : 1), 2);
		CU_ASSERT_EQUAL(papr_state(pe_a, NULL), 0);
		teardown();
	}
}

static void errinjct_refuses_what_it_cannot_inject(void)
{
	uint32_t token;
	uint32_t w[6] = { 0x10000200, 0xffffffff, 0x1000, (uint32_t)(GBUID_B >> 32),
			  (uint32_t)GBUID_B, 1 };

	for (int mode = 0; mode < 2; mode++) {
		setup(mode);
		CU_ASSERT_EQUAL(open_errinjct(&token), 0);
		put_words(0x400, w, 6);
		/* Types other than the IOA bus errors: not supported. */
		for (uint32_t t = 1; t <= 0x10; t++)
			if (t != 7 && t != 15)
				CU_ASSERT_EQUAL(errinjct(t, token, 0x400), -3);
		/* Functions 20 and 21 have no VFIO mapping. */
		w[5] = 20;
		put_words(0x400, w, 6);
		CU_ASSERT_EQUAL(errinjct(7, token, 0x400), -3);
		w[5] = 21;
		put_words(0x400, w, 6);
		CU_ASSERT_EQUAL(errinjct(7, token, 0x400), -3);
		/* An address in no passthrough BAR of B. */
		w[5] = 1;
		w[0] = 0x20000000;
		put_words(0x400, w, 6);
		CU_ASSERT_EQUAL(errinjct(7, token, 0x400), -3);
		/* A PHB without EEH, a host BUID, an unknown BUID. */
		w[0] = 0x10000200;
		w[4] = (uint32_t)GBUID_N;
		put_words(0x400, w, 6);
		CU_ASSERT_EQUAL(errinjct(7, token, 0x400), -3);
		w[3] = 0x0800000;
		w[4] = 0x20000009;
		put_words(0x400, w, 6);
		CU_ASSERT_EQUAL(errinjct(7, token, 0x400), -3);
		/* A buffer the guest does not have. */
		CU_ASSERT_EQUAL(errinjct(7, token, 0xfffffc00), -3);
		teardown();
	}
	/* PAPR-strict: a 1 KiB aligned buffer naming a function of a PE on
	 * which the guest enabled EEH. */
	setup(EEH_RTAS_MODE_PAPR);
	CU_ASSERT_EQUAL(option(GBUID_B, 0x1000, 1), 0);
	CU_ASSERT_EQUAL(open_errinjct(&token), 0);
	w[3] = (uint32_t)(GBUID_B >> 32);
	w[4] = (uint32_t)GBUID_B;
	w[0] = 0x10000200;
	put_words(0x440, w, 6);
	CU_ASSERT_EQUAL(errinjct(7, token, 0x440), -3);
	w[2] = 0x000800;
	put_words(0x400, w, 6);
	CU_ASSERT_EQUAL(errinjct(7, token, 0x400), -3);
	w[2] = 0x001000;
	put_words(0x400, w, 6);
	CU_ASSERT_EQUAL(errinjct(7, token, 0x400), 0);
	/* Not after DISABLE, nor after a reboot until ENABLE again. */
	CU_ASSERT_EQUAL(option(GBUID_B, 0x1000, 0), 0);
	CU_ASSERT_EQUAL(errinjct(7, token, 0x400), -3);
	CU_ASSERT_EQUAL(option(GBUID_B, 0x1000, 1), 0);
	CU_ASSERT_EQUAL(errinjct(7, token, 0x400), 0);
	CU_ASSERT_EQUAL(eeh_vm_phb_reset(vm, GBUID_B), 0);
	CU_ASSERT_EQUAL(errinjct(7, token, 0x400), -3);
	teardown();
}

/* Host refusals of INJECT_ERR: QEMU's later revision makes EINVAL,
 * ENOTTY and EOPNOTSUPP -3 and anything else (ERANGE from a pseries
 * host, ENOENT without err_inject) -1; PAPR-strict -3 for all refusals. */
static void errinjct_host_errors_map_per_mode(void)
{
	static const struct {
		int err;
		int32_t qemu, papr;
	} map[] = {
		{ -EINVAL, -3, -3 },  { -ENOTTY, -3, -3 }, { -EOPNOTSUPP, -3, -3 },
		{ -ERANGE, -1, -3 },  { -ENOENT, -1, -3 }, { -EIO, -1, -1 },
		{ -ENXIO, -1, -1 },
	};
	uint64_t buid = 0x900000000000000ULL;
	uint32_t token, w[6] = { 0, 0, 0x000800, (uint32_t)(buid >> 32), (uint32_t)buid, 12 };

	for (int mode = 0; mode < 2; mode++) {
		setup(mode);
		CU_ASSERT_EQUAL(eeh_vm_del_phb(vm, GBUID_C), 0);
		CU_ASSERT_EQUAL(eeh_vm_add_phb_op(vm, buid, recording_op, pe_c, pe_c), 0);
		CU_ASSERT_EQUAL(eeh_vm_add_device(vm, buid, 0, 0x08), 0);
		CU_ASSERT_EQUAL(option(buid, 0x000800, 1), 0);
		CU_ASSERT_EQUAL(open_errinjct(&token), 0);
		put_words(0x400, w, 6);
		for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
			fail_with = map[i].err;
			ops_seen = 0;
			CU_ASSERT_EQUAL(errinjct(7, token, 0x400), mode ? map[i].papr : map[i].qemu);
			CU_ASSERT_EQUAL(ops_seen, 1);
			CU_ASSERT_EQUAL(last_op.op, VFIO_EEH_PE_INJECT_ERR);
		}
		fail_with = 0;
		teardown();
	}
}

static void errinjct_can_be_switched_off(void)
{
	struct eeh_rtas_token t[16];
	uint32_t r[8];

	setup(EEH_RTAS_MODE_QEMU);
	eeh_vm_set_errinjct(vm, false);
	CU_ASSERT_EQUAL(call(TOK_OPEN, 0, NULL, 2, r), -ENOENT);
	CU_ASSERT_EQUAL((int32_t)r[0], -3);
	CU_ASSERT_EQUAL(eeh_vm_rtas_call_by_name(vm, "ibm,open-errinjct", 0, NULL, 2, r), -ENOENT);
	CU_ASSERT_EQUAL(eeh_vm_rtas_tokens(vm, t, 16), 6);
	CU_ASSERT_EQUAL(eeh_vm_errinjct_tokens(vm, NULL, 0), 0);
	teardown();
}

/* ---- argument block in guest memory ---- */

static void rtas_block_in_guest_memory_big_endian(void)
{
	uint32_t hdr[] = { TOK_STATE2, 3, 5, 0x000001, (uint32_t)(GBUID_A >> 32),
			   (uint32_t)GBUID_A };

	setup(EEH_RTAS_MODE_QEMU);
	memset(guest_mem + 0x100, 0xee, 64);
	put_words(0x100, hdr, 6);
	CU_ASSERT_EQUAL(eeh_vm_rtas_call_mem(vm, 0x100), 0);
	/* rets at +12 + 4 * 3 = +24: 0, 0, 1, 1000, 0 in big endian. */
	CU_ASSERT_EQUAL(be32_get(guest_mem + 0x118), 0);
	CU_ASSERT_EQUAL(be32_get(guest_mem + 0x11c), 0);
	CU_ASSERT_EQUAL(be32_get(guest_mem + 0x120), 1);
	CU_ASSERT_EQUAL(be32_get(guest_mem + 0x124), 1000);
	CU_ASSERT_EQUAL(be32_get(guest_mem + 0x128), 0);
	CU_ASSERT_EQUAL(be32_get(guest_mem + 0x12c), 0xeeeeeeee);
	/* Wrong nret: only rets[0] written. */
	hdr[2] = 3;
	memset(guest_mem + 0x100, 0xee, 64);
	put_words(0x100, hdr, 6);
	CU_ASSERT_EQUAL(eeh_vm_rtas_call_mem(vm, 0x100), 0);
	CU_ASSERT_EQUAL(be32_get(guest_mem + 0x118), 0xfffffffd);
	CU_ASSERT_EQUAL(be32_get(guest_mem + 0x11c), 0xeeeeeeee);
	/* Unknown token. */
	memset(guest_mem + 0x100, 0xee, 64);
	hdr[0] = 0x1234;
	hdr[2] = 1;
	put_words(0x100, hdr, 6);
	CU_ASSERT_EQUAL(eeh_vm_rtas_call_mem(vm, 0x100), -ENOENT);
	CU_ASSERT_EQUAL(be32_get(guest_mem + 0x118), 0xfffffffd);
	/* More cells than any EEH call has: wrong nargs/nret, so -3 in the
	 * first return cell (after the 17 arguments) and nothing else. */
	memset(guest_mem + 0x100, 0xee, 128);
	hdr[0] = TOK_STATE2;
	hdr[1] = 17;
	put_words(0x100, hdr, 3);
	CU_ASSERT_EQUAL(eeh_vm_rtas_call_mem(vm, 0x100), 0);
	CU_ASSERT_EQUAL(be32_get(guest_mem + 0x100 + 12 + 4 * 17), 0xfffffffd);
	CU_ASSERT_EQUAL(be32_get(guest_mem + 0x100 + 12 + 4 * 18), 0xeeeeeeee);
	CU_ASSERT_EQUAL(be32_get(guest_mem + 0x100 + 12), 0xeeeeeeee);
	hdr[1] = 3;
	hdr[2] = 14;
	put_words(0x100, hdr, 3);
	CU_ASSERT_EQUAL(eeh_vm_rtas_call_mem(vm, 0x100), 0);
	CU_ASSERT_EQUAL(be32_get(guest_mem + 0x118), 0xfffffffd);
	CU_ASSERT_EQUAL(be32_get(guest_mem + 0x11c), 0xeeeeeeee);
	/* The same for an unknown token, which stays -ENOENT; nret 0: no
	 * cell to write. */
	hdr[0] = 0x1234;
	put_words(0x100, hdr, 3);
	CU_ASSERT_EQUAL(eeh_vm_rtas_call_mem(vm, 0x100), -ENOENT);
	CU_ASSERT_EQUAL(be32_get(guest_mem + 0x118), 0xfffffffd);
	hdr[0] = TOK_STATE2;
	hdr[1] = 20;
	hdr[2] = 0;
	memset(guest_mem + 0x100, 0xee, 128);
	put_words(0x100, hdr, 3);
	CU_ASSERT_EQUAL(eeh_vm_rtas_call_mem(vm, 0x100), 0);
	for (int i = 3; i < 32; i++)
		CU_ASSERT_EQUAL(be32_get(guest_mem + 0x100 + 4 * i), 0xeeeeeeee);
	/* Unreadable memory. */
	hdr[1] = 3;
	hdr[2] = 4;
	put_words(0x100, hdr, 3);
	CU_ASSERT_EQUAL(eeh_vm_rtas_call_mem(vm, MEM_SIZE - 4), -EFAULT);
	mem_fail = true;
	CU_ASSERT_EQUAL(eeh_vm_rtas_call_mem(vm, 0x100), -EFAULT);
	teardown();
	/* A VM without memory callbacks cannot use it. */
	ctx = builtin_host();
	CU_ASSERT_EQUAL(eeh_vm_new(ctx, NULL, NULL, &vm), 0);
	CU_ASSERT_EQUAL(eeh_vm_rtas_call_mem(vm, 0x100), -EFAULT);
	teardown();
}

static void open_errinjct_through_memory_token_then_status(void)
{
	uint32_t hdr[] = { TOK_OPEN, 0, 2 };

	setup(EEH_RTAS_MODE_QEMU);
	put_words(0x200, hdr, 3);
	CU_ASSERT_EQUAL(eeh_vm_rtas_call_mem(vm, 0x200), 0);
	CU_ASSERT_EQUAL(be32_get(guest_mem + 0x20c), 1);
	CU_ASSERT_EQUAL(be32_get(guest_mem + 0x210), 0);
	CU_ASSERT_EQUAL(eeh_vm_rtas_call_mem(vm, 0x200), 0);
	CU_ASSERT_EQUAL(be32_get(guest_mem + 0x20c), 0);
	CU_ASSERT_EQUAL(be32_get(guest_mem + 0x210), (uint32_t)-4);
	teardown();
}

/* ---- device tree helpers ---- */

static void device_tree_token_properties_and_errinjct_blob(void)
{
	static const uint8_t blob[] = "ioa-bus-error\0\0\0\0\x07"
				      "ioa-bus-error-64\0\0\0\0\x0f";
	struct eeh_rtas_token t[16];
	uint8_t buf[64];

	setup(EEH_RTAS_MODE_QEMU);
	CU_ASSERT_EQUAL(eeh_vm_rtas_tokens(vm, NULL, 0), 9);
	CU_ASSERT_EQUAL(eeh_vm_rtas_tokens(vm, t, 2), 9);
	CU_ASSERT_EQUAL(eeh_vm_rtas_tokens(vm, t, 16), 9);
	CU_ASSERT_STRING_EQUAL(t[0].name, "ibm,set-eeh-option");
	CU_ASSERT_EQUAL(t[0].token, 0x2020);
	CU_ASSERT_STRING_EQUAL(t[8].name, "ibm,close-errinjct");
	CU_ASSERT_EQUAL(t[8].token, 0x202f);
	CU_ASSERT_EQUAL(eeh_vm_errinjct_tokens(vm, NULL, 0), (long)sizeof(blob) - 1);
	CU_ASSERT_EQUAL(eeh_vm_errinjct_tokens(vm, buf, sizeof(buf)), (long)sizeof(blob) - 1);
	CU_ASSERT_EQUAL(memcmp(buf, blob, sizeof(blob) - 1), 0);
	CU_ASSERT_EQUAL(eeh_vm_errinjct_tokens(vm, NULL, 4), -EINVAL);
	CU_ASSERT_EQUAL(eeh_vm_reset_capabilities(vm, GBUID_A), 1);
	CU_ASSERT_EQUAL(eeh_vm_reset_capabilities(vm, 0x1234), -ENOENT);
	teardown();
}

/* ---- set-up API ---- */

static void phb_setup_errors(void)
{
	struct eeh_ctx *other = builtin_host();

	setup(EEH_RTAS_MODE_QEMU);
	CU_ASSERT_EQUAL(eeh_vm_add_phb(vm, GBUID_A, eeh_pe_by_group(ctx, 5)), -EEXIST);
	CU_ASSERT_EQUAL(eeh_vm_add_phb(vm, 0x42, pe_a), -EBUSY);
	CU_ASSERT_EQUAL(eeh_vm_add_phb(vm, 0x42, eeh_pe_by_group(other, 5)), -EINVAL);
	CU_ASSERT_EQUAL(eeh_vm_add_phb_op(vm, 0x42, NULL, NULL, NULL), -EINVAL);
	CU_ASSERT_EQUAL(eeh_vm_add_device(vm, 0x42, 0, 0), -ENOENT);
	CU_ASSERT_EQUAL(eeh_vm_add_device(vm, GBUID_A, 256, 0), -EINVAL);
	CU_ASSERT_EQUAL(eeh_vm_del_phb(vm, 0x42), -ENOENT);
	CU_ASSERT_EQUAL(eeh_vm_pe_config_addr(vm, 0x42), -ENOENT);
	CU_ASSERT_EQUAL(eeh_vm_phb_reset(vm, 0x42), -ENOENT);
	CU_ASSERT_EQUAL(eeh_vm_phb_reset(vm, GBUID_N), 0);
	CU_ASSERT_PTR_EQUAL(eeh_vm_ctx(vm), ctx);
	/* Removing the last device of A: the PE address goes too. */
	CU_ASSERT_EQUAL(eeh_vm_del_device(vm, GBUID_A, 0, 0x08), 0);
	CU_ASSERT_EQUAL(eeh_vm_pe_config_addr(vm, GBUID_A), 1);
	CU_ASSERT_EQUAL(eeh_vm_del_device(vm, GBUID_A, 0, 0x09), 0);
	CU_ASSERT_EQUAL(eeh_vm_pe_config_addr(vm, GBUID_A), -ENOENT);
	CU_ASSERT_EQUAL(option(GBUID_A, 1, 1), -3);
	/* A removed PHB answers -3; its PE can be bound again. */
	CU_ASSERT_EQUAL(eeh_vm_del_phb(vm, GBUID_A), 0);
	{
		int st;

		CU_ASSERT_EQUAL(read_state(GBUID_A, 1, &st, NULL, NULL), -3);
	}
	CU_ASSERT_EQUAL(eeh_vm_add_phb(vm, 0x42, pe_a), 0);
	/* A reference keeps the VM. */
	CU_ASSERT_PTR_EQUAL(eeh_vm_ref(vm), vm);
	CU_ASSERT_PTR_NULL(eeh_vm_unref(vm));
	CU_ASSERT_EQUAL(eeh_vm_add_device(vm, 0x42, 0, 0), 0);
	CU_ASSERT_EQUAL(guest_state(0x42, 0), 0);
	teardown();
	eeh_unref(other);
}

static void phb_reset_reenables_and_thaws_a_frozen_pe(void)
{
	setup(EEH_RTAS_MODE_QEMU);
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe_c), 0);
	CU_ASSERT_EQUAL(guest_state(GBUID_C, 0), 2);
	CU_ASSERT_EQUAL(eeh_vm_phb_reset(vm, GBUID_C), 0);
	CU_ASSERT_EQUAL(guest_state(GBUID_C, 0), 0);
	CU_ASSERT_EQUAL(papr_state(pe_c, NULL), 0);
	teardown();
}

/* ---- iommufd and container bindings ---- */

static void iommufd_binding_follows_the_one_group_rule(void)
{
	struct eeh_iommufd *ifd;
	uint32_t d1, d2, ioas, ioas2;
	uint64_t buid = 0x700000000ULL;
	int st;

	setup(EEH_RTAS_MODE_QEMU);
	CU_ASSERT_EQUAL(eeh_vm_del_phb(vm, GBUID_C), 0);
	CU_ASSERT_EQUAL_FATAL(eeh_iommufd_open(ctx, 0, &ifd), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_bind(ifd, "0000:03:00.0", &d1), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_bind(ifd, "0000:04:00.0", &d2), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_alloc(ifd, &ioas), 0);
	CU_ASSERT_EQUAL(eeh_iommufd_ioas_alloc(ifd, &ioas2), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_phb_iommufd(vm, buid, ifd, 999), -ENOENT);
	CU_ASSERT_EQUAL(eeh_vm_add_phb_iommufd(vm, buid, ifd, d1), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_device(vm, buid, 0, 0x08), 0);
	/* Not attached yet: no EEH on the PHB. */
	CU_ASSERT_EQUAL(read_state(buid, 1, &st, NULL, NULL), -3);
	CU_ASSERT_EQUAL(eeh_iommufd_attach(ifd, d1, ioas, NULL), 0);
	CU_ASSERT_EQUAL(guest_state(buid, 1), 0);
	CU_ASSERT_EQUAL(eeh_inject_freeze(pe_c), 0);
	CU_ASSERT_EQUAL(guest_state(buid, 1), 2);
	CU_ASSERT_EQUAL(option(buid, 1, 2), 0);
	CU_ASSERT_EQUAL(papr_state(pe_c, NULL), 4);
	/* A second group in the IOAS: the PHB loses EEH (-3, nothing sent). */
	CU_ASSERT_EQUAL(eeh_iommufd_attach(ifd, d2, ioas, NULL), 0);
	CU_ASSERT_EQUAL(read_state(buid, 1, &st, NULL, NULL), -3);
	CU_ASSERT_EQUAL(option(buid, 1, 3), -3);
	CU_ASSERT_EQUAL(papr_state(pe_c, NULL), 4);
	CU_ASSERT_EQUAL(eeh_iommufd_attach(ifd, d2, ioas2, NULL), 0);
	CU_ASSERT_EQUAL(option(buid, 1, 3), 0);
	CU_ASSERT_EQUAL(guest_state(buid, 1), 0);
	eeh_iommufd_close(ifd); /* the VM makes no more calls through it */
	teardown();
}

static void container_binding_needs_exactly_one_group(void)
{
	struct eeh_container *c;
	uint64_t buid = 0x700000000ULL;
	int st;

	setup(EEH_RTAS_MODE_PAPR);
	CU_ASSERT_EQUAL(eeh_vm_del_phb(vm, GBUID_C), 0);
	CU_ASSERT_EQUAL_FATAL(eeh_container_open(ctx, -1, 0, &c), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_phb_container(vm, buid, NULL, NULL), -EINVAL);
	CU_ASSERT_EQUAL(eeh_vm_add_phb_container(vm, buid, c, pe_c), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_device(vm, buid, 0, 0x08), 0);
	CU_ASSERT_EQUAL(read_state(buid, 0x0800, &st, NULL, NULL), -3);
	CU_ASSERT_EQUAL(eeh_container_add_group(c, 3), 0);
	CU_ASSERT_EQUAL(guest_state(buid, 0x0800), 0);
	CU_ASSERT_EQUAL(slot_reset(buid, 0x0800, 1), 0);
	CU_ASSERT_EQUAL(papr_state(pe_c, NULL), 1);
	CU_ASSERT_EQUAL(slot_reset(buid, 0x0800, 0), 0);
	CU_ASSERT_EQUAL(guest_state(buid, 0x0800), 0);
	CU_ASSERT_EQUAL(eeh_container_add_group(c, 4), 0);
	CU_ASSERT_EQUAL(slot_reset(buid, 0x0800, 1), -3);
	CU_ASSERT_EQUAL(papr_state(pe_c, NULL), 0);
	eeh_container_close(c);
	teardown();
}

/* ---- isolation ---- */

static void isolation_a_guest_reaches_only_its_own_pes(void)
{
	struct eeh_pe *pe, *mine;
	struct eeh_phb *phb;
	uint32_t token;
	int before[16];

	for (int mode = 0; mode < 2; mode++) {
		ctx = builtin_host();
		CU_ASSERT_EQUAL_FATAL(eeh_vm_new(ctx, &ops, NULL, &vm), 0);
		eeh_vm_set_mode(vm, mode);
		/* The guest has one PHB, on group 6 (a VF), at its own BUID. */
		mine = eeh_pe_by_group(ctx, 6);
		CU_ASSERT_EQUAL(eeh_vm_add_phb(vm, 0x100000000ULL, mine), 0);
		CU_ASSERT_EQUAL(eeh_vm_add_device(vm, 0x100000000ULL, 0, 0x08), 0);
		/* Freeze every host PE; the guest tries to thaw and reset each
		 * by its host BUID and every config address it could know. */
		eeh_phb_foreach(ctx, phb)
			eeh_pe_foreach(phb, pe)
				eeh_inject_freeze(pe);
		eeh_phb_foreach(ctx, phb)
			eeh_pe_foreach(phb, pe)
				before[eeh_pe_iommu_group(pe)] = papr_state(pe, NULL);
		eeh_phb_foreach(ctx, phb) {
			uint64_t b = eeh_phb_buid(phb);

			eeh_pe_foreach(phb, pe) {
				struct eeh_func *f;
				uint32_t addrs[8];
				int n = 0;

				addrs[n++] = eeh_pe_config_addr(pe);
				addrs[n++] = eeh_pe_config_addr(pe) | 1;
				eeh_func_foreach(pe, f)
					if (n < 8)
						addrs[n++] = eeh_func_config_addr(f);
				for (int i = 0; i < n; i++) {
					CU_ASSERT_EQUAL(option(b, addrs[i], 1), -3);
					CU_ASSERT_EQUAL(option(b, addrs[i], 2), -3);
					CU_ASSERT_EQUAL(slot_reset(b, addrs[i], 1), -3);
				}
			}
		}
		/* Forged config addresses on its own PHB never pick another PE. */
		for (uint32_t a = 0; a < 0x40000; a += 0x100)
			option(0x100000000ULL, a, 3);
		/* errinjct naming host PHBs. */
		CU_ASSERT_EQUAL(open_errinjct(&token), 0);
		eeh_phb_foreach(ctx, phb) {
			uint32_t w[6] = { 0, 0, 0x10000, (uint32_t)(eeh_phb_buid(phb) >> 32),
					  (uint32_t)eeh_phb_buid(phb), 0 };

			put_words(0x400, w, 6);
			CU_ASSERT_EQUAL(errinjct(7, token, 0x400), -3);
		}
		eeh_phb_foreach(ctx, phb)
			eeh_pe_foreach(phb, pe)
				if (pe != mine)
					CU_ASSERT_EQUAL(papr_state(pe, NULL),
							before[eeh_pe_iommu_group(pe)]);
		/* Its own PE: thawed by the loop above only as far as DMA
		 * allows (state 2 stays 2 under THAW DMA), reset works. */
		CU_ASSERT_EQUAL(slot_reset(0x100000000ULL, mode ? 0x0800 : 1, 1), 0);
		CU_ASSERT_EQUAL(papr_state(mine, NULL), 1);
		eeh_phb_foreach(ctx, phb)
			eeh_pe_foreach(phb, pe)
				if (pe != mine)
					CU_ASSERT_EQUAL(papr_state(pe, NULL),
							before[eeh_pe_iommu_group(pe)]);
		teardown();
	}
}

/* ---- threads ---- */

struct hammer {
	uint64_t buid;
	uint32_t addr;
	int bad;
	_Atomic bool *stop;
};

static void *hammer_reads(void *arg)
{
	struct hammer *h = arg;
	uint32_t a[3] = { h->addr, (uint32_t)(h->buid >> 32), (uint32_t)h->buid }, r[5];

	for (int i = 0; i < 20000; i++) {
		if (eeh_vm_rtas_call(vm, TOK_STATE2, 3, a, 4, r) != 0 || r[0] != 0 || r[1] != 0)
			h->bad++;
	}
	return NULL;
}

static void *churn_phbs(void *arg)
{
	_Atomic bool *stop = arg;
	struct eeh_pe *pe = eeh_pe_by_group(ctx, 5);

	for (uint64_t i = 0; i < 1500 && !atomic_load(stop); i++) {
		eeh_vm_add_phb(vm, 0x5000 + i % 64, i % 64 ? NULL : pe);
		if (i % 3 == 0)
			eeh_vm_del_phb(vm, 0x5000 + (i / 3) % 64);
	}
	return NULL;
}

static void concurrent_calls_while_phbs_come_and_go(void)
{
	struct hammer h[3] = { { GBUID_A, 1, 0, NULL }, { GBUID_B, 1, 0, NULL },
			       { GBUID_C, 0x010001, 0, NULL } };
	pthread_t t[4];
	_Atomic bool stop = false;

	setup(EEH_RTAS_MODE_QEMU);
	pthread_create(&t[3], NULL, churn_phbs, &stop);
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, hammer_reads, &h[i]);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	atomic_store(&stop, true);
	pthread_join(t[3], NULL);
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(h[i].bad, 0);
	teardown();
}

struct vcpu {
	struct eeh_vm *vm;
	uint64_t buid;
	uint32_t addr;
	struct eeh_func *touch; /* a function whose config space the guest writes */
	unsigned int done;
};

static void *vcpu_slot_resets(void *arg)
{
	struct vcpu *v = arg;
	uint32_t a[4] = { v->addr, (uint32_t)(v->buid >> 32), (uint32_t)v->buid, 0 }, r[1];

	for (int i = 0; i < 3000; i++) {
		if (v->touch)
			eeh_func_cfg_write(v->touch, 0x04, 2, 0x6);
		a[3] = 1; /* activate (hot reset) */
		if (eeh_vm_rtas_call(v->vm, TOK_RESET, 4, a, 1, r) != 0 || r[0] != 0)
			continue;
		a[3] = 0; /* deactivate: the parent's restores its subtree's BARs */
		if (eeh_vm_rtas_call(v->vm, TOK_RESET, 4, a, 1, r) == 0 && r[0] == 0)
			v->done++;
	}
	return NULL;
}

/* Two vCPUs reset a parent PE and its child PE through their guest PHBs:
 * each PE's functions are touched under that PE's lock only. */
static void vcpus_resetting_parent_and_child_pes(void)
{
	struct eeh_ctx *c = builtin_host();
	struct eeh_pe *parent = eeh_pe_by_group(c, 2), *child = eeh_pe_by_group(c, 3);
	struct vcpu v[2] = { { .buid = 0x9000 }, { .buid = 0x9001, .touch = eeh_func_first(child) } };
	struct eeh_vm *m = NULL;
	pthread_t t;
	uint32_t val = 0;

	CU_ASSERT_EQUAL_FATAL(eeh_vm_new(c, NULL, NULL, &m), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_phb(m, 0x9000, parent), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_phb(m, 0x9001, child), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_device(m, 0x9000, 0, 0x08), 0);
	CU_ASSERT_EQUAL(eeh_vm_add_device(m, 0x9001, 0, 0x08), 0);
	for (int i = 0; i < 2; i++) {
		v[i].vm = m;
		v[i].addr = (uint32_t)eeh_vm_pe_config_addr(m, v[i].buid);
	}
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, vcpu_slot_resets, &v[0]), 0);
	vcpu_slot_resets(&v[1]);
	pthread_join(t, NULL);
	CU_ASSERT(v[0].done > 0);
	CU_ASSERT(v[1].done > 0);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(eeh_func_first(child), 0x10, 4, &val), 0);
	CU_ASSERT_EQUAL(val, 0x83000004); /* the BAR is back after the last reset */
	eeh_vm_unref(m);
	eeh_unref(c);
}

/* A guest PHB hot-plugged in and out again and again: what a removed PHB
 * held is given back while the VM lives, not kept until it is freed. */
static void phb_add_del_cycles_keep_no_memory(void)
{
	struct eeh_pe *pe;
	size_t before, after;

	setup(EEH_RTAS_MODE_QEMU);
	pe = eeh_pe_by_group(ctx, 5);
	before = mallinfo2().uordblks;
	for (int i = 0; i < 5000; i++) {
		CU_ASSERT_EQUAL_FATAL(eeh_vm_add_phb(vm, 0x7000, pe), 0);
		CU_ASSERT_EQUAL_FATAL(eeh_vm_add_device(vm, 0x7000, 0, 0x08), 0);
		CU_ASSERT_EQUAL_FATAL(eeh_vm_del_phb(vm, 0x7000), 0);
	}
	after = mallinfo2().uordblks;
	/* 5000 removed PHBs of 8 KB each were 40 MB */
	CU_ASSERT(after < before + 256 * 1024);
	if (after >= before + 256 * 1024)
		fprintf(stderr, "kept %zu bytes\n", after - before);
	CU_ASSERT_EQUAL(eeh_vm_add_phb(vm, 0x7000, pe), 0);
	CU_ASSERT_EQUAL(eeh_vm_pe_config_addr(vm, 0x7000), -ENOENT);
	teardown();
}

int main(void)
{
	static const struct test tests[] = {
		TEST(vcpus_resetting_parent_and_child_pes),
		TEST(phb_add_del_cycles_keep_no_memory),
		TEST(call_names_and_default_tokens_are_qemus),
		TEST(custom_token_moves_the_call),
		TEST(unknown_token_is_minus3_and_enoent),
		TEST(wrong_nargs_or_nret_is_minus3_and_writes_nothing_else),
		TEST(unknown_buid_or_phb_without_eeh_is_minus3),
		TEST(qemu_enable_needs_a_device_on_the_bus_only),
		TEST(qemu_enable_with_eeh_off_on_the_host_is_minus1),
		TEST(qemu_thaw_mmio_then_dma_walks_2_4_0),
		TEST(qemu_config_addr_info2_is_bus_shift_16_plus_1_and_shared),
		TEST(qemu_read_state_is_verbatim_with_caps_1_and_info_1000),
		TEST(qemu_failures_map_to_minus1_or_minus3_per_call),
		TEST(qemu_resets_call_pre_reset_and_reach_the_host),
		TEST(qemu_pre_reset_and_its_reset_are_one_step_per_phb),
		TEST(a_phb_behind_two_containers_has_no_eeh),
		TEST(a_phb_behind_two_kernel_containers_issues_no_ioctl),
		TEST(reset_of_a_phb_without_eeh_is_not_an_error),
		TEST(papr_permanent_host_pe_is_5_on_every_binding),
		TEST(qemu_slot_error_detail_is_1_and_never_permanent),
		TEST(op_target_gets_the_vfio_ops_of_each_call),
		TEST(papr_state_control_table_cell_by_cell),
		TEST(papr_table_no_ops_send_nothing_to_the_host),
		TEST(papr_unavailable_info_counts_down_the_settle_time),
		TEST(papr_fundamental_reset_not_offered_is_minus8_state_unchanged),
		TEST(papr_config_addresses_are_validated),
		TEST(papr_error_detail_returns_a_real_log_once_per_error),
		TEST(papr_error_detail_2_makes_the_pe_permanently_unavailable),
		TEST(papr_host_permanent_failure_is_state_5_info_0),
		TEST(papr_op_target_state_5_takes_the_time_from_the_pe),
		TEST(errinjct_one_opener_with_token_semantics),
		TEST(errinjct_32bit_buffer_reaches_the_phb_it_names_translated),
		TEST(errinjct_without_translation_needs_an_address_in_a_bar),
	TEST(errinjct_64bit_buffer_dma_function),
		TEST(errinjct_refuses_what_it_cannot_inject),
		TEST(errinjct_host_errors_map_per_mode),
		TEST(errinjct_can_be_switched_off),
		TEST(rtas_block_in_guest_memory_big_endian),
		TEST(open_errinjct_through_memory_token_then_status),
		TEST(device_tree_token_properties_and_errinjct_blob),
		TEST(phb_setup_errors),
		TEST(phb_reset_reenables_and_thaws_a_frozen_pe),
		TEST(iommufd_binding_follows_the_one_group_rule),
		TEST(container_binding_needs_exactly_one_group),
		TEST(isolation_a_guest_reaches_only_its_own_pes),
		TEST(concurrent_calls_while_phbs_come_and_go),
	};

	return RUN_SUITE("rtas", tests);
}
