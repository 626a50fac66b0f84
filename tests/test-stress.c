/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Stress of the simulated host's locking, for the ThreadSanitizer tier
 * (bounded in iterations, never in time): 8 threads run mixed PE
 * operations (freezes, injections, resets of the parent bus PE 2 and its
 * child PE 3 at once, thaws, device traffic that writes registers a reset
 * frees, firmware calls, state reads) while 8 vCPU threads of one VM make
 * RTAS calls on guest PHBs backed by the same PEs. Every call answers one
 * of its documented values, and afterwards every PE recovers to a working
 * state. In a plain build it checks the answers; under ThreadSanitizer
 * (./configure --enable-sanitizers=thread) a data race fails it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>

#include <linux/vfio.h>

#include "test-util.h"

#define PE_THREADS 8
#define VCPUS 8
#define ITERATIONS 2000

/* Guest PHBs: the NIC (group 1), the switch's bus PE (group 2, the parent),
 * an NVMe behind it (group 3, the child) and the SAS adapter (group 8). */
static const uint64_t guest_buid[] = { 0x800000020000000ULL, 0x800000020000001ULL,
				       0x800000020000002ULL, 0x800000020000003ULL };
static const int guest_group[] = { 1, 2, 3, 8 };
#define NGUEST (sizeof(guest_buid) / sizeof(guest_buid[0]))

/* Host PEs the op threads work on: PHB 0 (parent 2, children 3 and 4) and
 * the SAS adapter and a VF on PHB 1. */
static const int host_group[] = { 1, 2, 3, 4, 6, 8 };
#define NHOST (sizeof(host_group) / sizeof(host_group[0]))

static struct eeh_ctx *ctx;
static struct eeh_vm *vm;
static struct eeh_pe *host_pe[NHOST];
static atomic_uint unexpected;
static atomic_uint calls;
/* All threads start together, so their operations overlap. */
static pthread_barrier_t start;

static uint32_t next_rand(uint32_t *s)
{
	/* xorshift32: each thread runs a fixed sequence of operations. */
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void expect(bool ok, const char *what, int r)
{
	atomic_fetch_add(&calls, 1);
	if (!ok) {
		atomic_fetch_add(&unexpected, 1);
		fprintf(stderr, "stress: %s returned %d\n", what, r);
	}
}

static void pe_op(struct eeh_pe *pe, unsigned int op)
{
	int r = eeh_pe_op_simple(pe, op);

	/* -EIO: a thaw that did not take (the PE froze again, or is resetting). */
	expect(r >= 0 || r == -EIO, eeh_op_name(op), r);
}

static void one_pe_step(struct eeh_pe *pe, uint32_t rnd)
{
	struct eeh_func *f = eeh_func_first(pe);
	uint64_t v64, addr, size;
	uint32_t v32;
	int r, st;

	switch (rnd % 14) {
	case 0:
		r = eeh_inject_freeze(pe);
		expect(r == 0 || r == -ENODEV, "freeze", r);
		break;
	case 1:
		if (eeh_func_bar(f, 0, &addr, &size, NULL) == 0) {
			r = eeh_inject_ioa(pe, EEH_ERR_TYPE_64, EEH_ERR_FUNC_LD_MEM_ADDR, addr, ~0xfffULL);
			expect(r == 0 || r == -ENODEV, "inject", r);
		}
		break;
	case 2:
		r = eeh_func_mmio_read(f, 0, 0, 4, &v64);
		expect(r == 0, "mmio read", r);
		break;
	case 3:
		r = eeh_func_cfg_read(f, 0, 4, &v32);
		expect(r == 0, "config read", r);
		break;
	case 12: /* device registers come to life: a reset frees them again */
		r = eeh_func_cfg_write(f, 0x04, 2, 0x0006);
		expect(r == 0, "config write", r);
		break;
	case 13:
		r = eeh_func_mmio_write(f, 0, 8, 8, rnd);
		expect(r == 0, "mmio write", r);
		break;
	case 4: /* a hot reset cycle: the parent's deactivate restores its children's BARs */
	case 5:
		pe_op(pe, VFIO_EEH_PE_RESET_HOT);
		pe_op(pe, VFIO_EEH_PE_RESET_DEACTIVATE);
		break;
	case 6:
		pe_op(pe, VFIO_EEH_PE_UNFREEZE_IO);
		break;
	case 7:
		pe_op(pe, VFIO_EEH_PE_UNFREEZE_DMA);
		break;
	case 8:
		pe_op(pe, VFIO_EEH_PE_CONFIGURE);
		break;
	case 9:
		r = eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE);
		expect(r >= 0 && r <= 5 && r != 3, "get-state", r);
		break;
	case 10:
		r = eeh_sim_papr_call(pe, (enum eeh_papr_call)((rnd >> 8) % 5));
		expect(r == 0 || r == -3 || r == -7 || r == -8, "firmware call", r);
		break;
	default:
		r = eeh_pe_papr_state(pe, &st, NULL);
		expect(r == 0 && st >= 0 && st <= 5 && st != 3, "PAPR state", r);
		(void)eeh_pe_freeze_count(pe);
		break;
	}
}

static void *pe_thread(void *arg)
{
	uint32_t seed = 0x9e3779b9u * (uint32_t)(uintptr_t)arg + 1;

	pthread_barrier_wait(&start);
	for (unsigned int i = 0; i < ITERATIONS; i++) {
		uint32_t rnd = next_rand(&seed);
		/* Half the steps on the parent PE 2 or its child PE 3. */
		struct eeh_pe *pe = (rnd & 0x10000) ? host_pe[1 + (rnd >> 17) % 2]
						    : host_pe[(rnd >> 17) % NHOST];

		one_pe_step(pe, rnd);
	}
	return NULL;
}

static bool rtas_status_ok(int32_t st)
{
	return st == 0 || st == 1 || st == -1 || st == -3 || st == -7 || st == -8;
}

static void vcpu_step(uint32_t rnd)
{
	unsigned int phb = (rnd >> 4) % NGUEST;
	uint64_t buid = guest_buid[phb];
	/* The QEMU config address of the guest's device at bus 0, devfn 8. */
	uint32_t cfg = 1 << 11, hi = (uint32_t)(buid >> 32), lo = (uint32_t)buid;
	uint32_t rets[4] = { 0 };
	int r;

	switch (rnd % 6) {
	case 0: {
		uint32_t args[] = { cfg, hi, lo };

		r = eeh_vm_rtas_call(vm, 0x2022, 3, args, 4, rets);
		break;
	}
	case 1: {
		uint32_t args[] = { cfg, hi, lo, 2 + (rnd >> 8) % 2 }; /* thaw MMIO / DMA */

		r = eeh_vm_rtas_call(vm, 0x2020, 4, args, 1, rets);
		break;
	}
	case 2: {
		uint32_t args[] = { cfg, hi, lo, (rnd >> 8) & 1 }; /* reset hot / deactivate */

		r = eeh_vm_rtas_call(vm, 0x2023, 4, args, 1, rets);
		break;
	}
	case 3: {
		uint32_t args[] = { cfg, hi, lo };

		r = eeh_vm_rtas_call(vm, 0x2024, 3, args, 1, rets);
		break;
	}
	case 4: {
		uint32_t args[] = { cfg, hi, lo, 1 };

		r = eeh_vm_rtas_call(vm, 0x2021, 4, args, 2, rets);
		break;
	}
	default: {
		uint32_t args[] = { cfg, hi, lo, 1 }; /* ENABLE */

		r = eeh_vm_rtas_call(vm, 0x2020, 4, args, 1, rets);
		break;
	}
	}
	expect(r == 0 && rtas_status_ok((int32_t)rets[0]), "RTAS call", r ? r : (int32_t)rets[0]);
}

static void *vcpu_thread(void *arg)
{
	uint32_t seed = 0x85ebca6bu * (uint32_t)(uintptr_t)arg + 7;

	pthread_barrier_wait(&start);
	for (unsigned int i = 0; i < ITERATIONS; i++)
		vcpu_step(next_rand(&seed));
	return NULL;
}

/* Reset and configure a PE as a VMM's recovery does (the deactivate
 * restores BARs and thaws); returns GET_STATE. */
static int bring_back(struct eeh_pe *pe)
{
	eeh_pe_op_simple(pe, VFIO_EEH_PE_RESET_HOT);
	eeh_clock_advance(ctx, 250 * MS);
	eeh_pe_op_simple(pe, VFIO_EEH_PE_RESET_DEACTIVATE);
	eeh_clock_advance(ctx, 2000 * MS);
	eeh_pe_op_simple(pe, VFIO_EEH_PE_CONFIGURE);
	return eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE);
}

/* Fire what is still armed (an MMIO load at BAR 0 matches the
 * injections above), recovering the PE after each, so the last one fired
 * leaves it working too. */
static void drain_injections(struct eeh_pe *pe)
{
	uint64_t v;

	for (unsigned int i = 0; i < 2 * PE_THREADS * ITERATIONS && eeh_inject_pending(pe) > 0; i++) {
		bring_back(pe);
		eeh_func_mmio_read(eeh_func_first(pe), 0, 0, 4, &v);
	}
	CU_ASSERT_EQUAL(eeh_inject_pending(pe), 0);
	bring_back(pe);
}

static void pe_ops_and_vcpus_on_parent_and_child_pes_stay_consistent(void)
{
	pthread_t pe_t[PE_THREADS], vcpu_t[VCPUS];
	struct eeh_phb *phb;
	struct eeh_pe *pe;

	ctx = builtin_host();
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	/* No PE fails permanently: every one must come back at the end. */
	CU_ASSERT_EQUAL(eeh_set_max_freezes(ctx, 1000000), 0);
	CU_ASSERT_EQUAL_FATAL(eeh_vm_new(ctx, NULL, NULL, &vm), 0);
	for (size_t i = 0; i < NGUEST; i++) {
		pe = eeh_pe_by_group(ctx, guest_group[i]);
		CU_ASSERT_EQUAL_FATAL(eeh_vm_add_phb(vm, guest_buid[i], pe), 0);
		CU_ASSERT_EQUAL(eeh_vm_add_device(vm, guest_buid[i], 0, 1 << 3), 0);
	}
	for (size_t i = 0; i < NHOST; i++) {
		host_pe[i] = eeh_pe_by_group(ctx, host_group[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(host_pe[i]);
	}
	CU_ASSERT_PTR_EQUAL(eeh_pe_parent(host_pe[2]), host_pe[1]);

	CU_ASSERT_EQUAL_FATAL(pthread_barrier_init(&start, NULL, PE_THREADS + VCPUS), 0);
	for (uintptr_t i = 0; i < PE_THREADS; i++)
		CU_ASSERT_EQUAL_FATAL(pthread_create(&pe_t[i], NULL, pe_thread, (void *)i), 0);
	for (uintptr_t i = 0; i < VCPUS; i++)
		CU_ASSERT_EQUAL_FATAL(pthread_create(&vcpu_t[i], NULL, vcpu_thread, (void *)i), 0);
	for (size_t i = 0; i < PE_THREADS; i++)
		pthread_join(pe_t[i], NULL);
	for (size_t i = 0; i < VCPUS; i++)
		pthread_join(vcpu_t[i], NULL);
	pthread_barrier_destroy(&start);

	CU_ASSERT_EQUAL(atomic_load(&unexpected), 0);
	CU_ASSERT(atomic_load(&calls) >= (PE_THREADS + VCPUS) * ITERATIONS);
	/* Every PE works again: state normal, MMIO reaches the device
	 * (parents come first in topology order). */
	eeh_phb_foreach(ctx, phb)
		eeh_pe_foreach(phb, pe)
			drain_injections(pe);
	eeh_phb_foreach(ctx, phb)
		eeh_pe_foreach(phb, pe) {
			uint64_t v = ~0ULL;

			CU_ASSERT_EQUAL(bring_back(pe), VFIO_EEH_PE_STATE_NORMAL);
			CU_ASSERT_EQUAL(eeh_func_mmio_read(eeh_func_first(pe), 0, 0, 4, &v), 0);
			CU_ASSERT_NOT_EQUAL(v, 0xffffffffULL);
		}
	eeh_vm_unref(vm);
	eeh_unref(ctx);
}

static const struct test tests[] = {
	TEST(pe_ops_and_vcpus_on_parent_and_child_pes_stay_consistent),
};

int main(void)
{
	return RUN_SUITE("stress", tests);
}
