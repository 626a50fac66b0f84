/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ibm,read-slot-reset-state2 through the front end: calls per second on
 * one thread, and on two threads each reading its own guest PHB (two
 * different host PEs), in QEMU-compatible and PAPR-strict modes.
 *
 * Wall-clock rates need two idle CPUs to show the scaling. The per-CPU
 * rate (calls per second of thread CPU time) does not: it stays the same
 * with two threads unless they contend (a shared lock or cache line),
 * so its ratio is printed too.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "libeeh.h"
#include "bench-util.h"

#define CALLS (2 * 1000 * 1000)
#define ROUNDS 5

static struct eeh_vm *vm;
static _Atomic int go;

struct worker {
	uint64_t buid;
	uint32_t addr;
	long bad;
	double ns, cpu_ns;
};

static double thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	uint32_t a[3] = { w->addr, (uint32_t)(w->buid >> 32), (uint32_t)w->buid }, r[5];
	double t0, c0;

	while (!atomic_load(&go))
		;
	t0 = bench_now_ns();
	c0 = thread_cpu_ns();
	for (int i = 0; i < CALLS; i++) {
		if (eeh_vm_rtas_call(vm, 0x2022, 3, a, 4, r) != 0 || r[0] != 0)
			w->bad++;
	}
	w->ns = bench_now_ns() - t0;
	w->cpu_ns = thread_cpu_ns() - c0;
	return NULL;
}

/* Median calls/s of ROUNDS runs with nthreads threads together; *per_cpu
 * the median calls per second of thread CPU time, per thread. */
static double measure(int nthreads, struct worker *ws, double *per_cpu)
{
	double rates[ROUNDS], cpu_rates[ROUNDS];

	for (int round = 0; round < ROUNDS; round++) {
		pthread_t t[2];
		double longest = 0, cpu = 0;

		atomic_store(&go, 0);
		for (int i = 0; i < nthreads; i++)
			pthread_create(&t[i], NULL, run, &ws[i]);
		atomic_store(&go, 1);
		for (int i = 0; i < nthreads; i++) {
			pthread_join(t[i], NULL);
			if (ws[i].ns > longest)
				longest = ws[i].ns;
			cpu += ws[i].cpu_ns;
		}
		rates[round] = (double)CALLS * nthreads / (longest / 1e9);
		cpu_rates[round] = (double)CALLS * nthreads / (cpu / 1e9);
	}
	*per_cpu = bench_median(cpu_rates, ROUNDS);
	return bench_median(rates, ROUNDS);
}

int main(void)
{
	static const char *const mode_name[] = { "qemu", "papr" };
	struct eeh_ctx *ctx;
	struct worker ws[2] = { { 0x800000020000000ULL, 0x000800, 0, 0, 0 },
				{ 0x800000020000001ULL, 0x000800, 0, 0, 0 } };

	if (eeh_new_sim(NULL, &ctx) < 0 || eeh_vm_new(ctx, NULL, NULL, &vm) < 0)
		return 1;
	/* Two guest PHBs on two host PEs of two host PHBs. */
	if (eeh_vm_add_phb(vm, ws[0].buid, eeh_pe_by_group(ctx, 1)) < 0 ||
	    eeh_vm_add_phb(vm, ws[1].buid, eeh_pe_by_group(ctx, 5)) < 0 ||
	    eeh_vm_add_device(vm, ws[0].buid, 0, 0x08) < 0 ||
	    eeh_vm_add_device(vm, ws[1].buid, 0, 0x08) < 0)
		return 1;
	for (int mode = 0; mode < 2; mode++) {
		double one, two, cpu_one, cpu_two;

		eeh_vm_set_mode(vm, mode);
		one = measure(1, ws, &cpu_one);
		two = measure(2, ws, &cpu_two);
		printf("BENCH rtas_read_state2_%s_1thread %.0f calls/s\n", mode_name[mode], one);
		printf("BENCH rtas_read_state2_%s_2threads %.0f calls/s\n", mode_name[mode], two);
		printf("BENCH rtas_read_state2_%s_scaling %.2f x\n", mode_name[mode], two / one);
		printf("BENCH rtas_read_state2_%s_per_cpu_1thread %.0f calls/cpu-s\n",
		       mode_name[mode], cpu_one);
		printf("BENCH rtas_read_state2_%s_per_cpu_2threads %.0f calls/cpu-s\n",
		       mode_name[mode], cpu_two);
		printf("BENCH rtas_read_state2_%s_per_cpu_ratio %.2f x\n", mode_name[mode],
		       cpu_two / cpu_one);
		if (ws[0].bad || ws[1].bad) {
			fprintf(stderr, "bench-rtas: calls failed\n");
			return 1;
		}
	}
	eeh_vm_unref(vm);
	eeh_unref(ctx);
	return 0;
}
