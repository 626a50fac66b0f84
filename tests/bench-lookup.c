/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PE lookup and GET_STATE at 64, 4,096 and 65,536 PEs: median ns per call
 * over random PEs, and model memory per PE. Targets: <= 100 ns per lookup,
 * flat in PE count (65,536-PE time <= 2x the 64-PE time), <= 2 KiB per PE.
 */
#include <malloc.h>

#include <linux/vfio.h>

#include "bench-util.h"
#include "libeeh.h"

#define CALLS 200000
#define ROUNDS 15

struct key {
	uint64_t buid;
	uint32_t addr;
};

static double time_lookups(struct eeh_ctx *ctx, const struct key *keys, bool get_state)
{
	double samples[ROUNDS];
	volatile uintptr_t sink = 0;

	for (int r = 0; r < ROUNDS; r++) {
		double t0 = bench_now_ns();

		for (int i = 0; i < CALLS; i++) {
			struct eeh_pe *pe = eeh_pe_by_addr(ctx, keys[i].buid, keys[i].addr);

			if (get_state)
				sink += (uintptr_t)eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE);
			else
				sink += (uintptr_t)pe;
		}
		samples[r] = (bench_now_ns() - t0) / CALLS;
	}
	(void)sink;
	return bench_median(samples, ROUNDS);
}

int main(void)
{
	static const unsigned int sizes[] = { 64, 4096, 65536 };
	double lookup[3], state[3];
	struct key *keys = malloc(sizeof(*keys) * CALLS);

	srand(1);
	for (int s = 0; s < 3; s++) {
		unsigned int n = sizes[s];
		char *json = bench_topology_json(n);
		struct eeh_ctx *ctx = NULL;
		size_t before, after;

		malloc_trim(0);
		before = mallinfo2().uordblks + mallinfo2().hblkhd;
		if (!json || eeh_new_sim_json(json, &ctx) < 0) {
			fprintf(stderr, "bench-lookup: cannot build a %u-PE host\n", n);
			return 1;
		}
		free(json);
		malloc_trim(0);
		after = mallinfo2().uordblks + mallinfo2().hblkhd;
		for (int i = 0; i < CALLS; i++) {
			unsigned int pe = (unsigned int)rand() % n, in_phb = pe % 4096;

			keys[i].buid = 0x800000020000000ULL + pe / 4096;
			keys[i].addr = ((1 + in_phb / 32) << 16) | ((in_phb % 32) << 11);
		}
		if (!eeh_pe_by_addr(ctx, keys[0].buid, keys[0].addr)) {
			fprintf(stderr, "bench-lookup: generated PE not found\n");
			return 1;
		}
		lookup[s] = time_lookups(ctx, keys, false);
		state[s] = time_lookups(ctx, keys, true);
		printf("BENCH pe_lookup_%u %.1f ns\n", n, lookup[s]);
		printf("BENCH get_state_%u %.1f ns\n", n, state[s]);
		printf("BENCH model_bytes_per_pe_%u %.0f bytes\n", n, (double)(after - before) / n);
		eeh_unref(ctx);
	}
	printf("BENCH pe_lookup_ratio_65536_vs_64 %.2f x\n", lookup[2] / lookup[0]);
	printf("BENCH get_state_ratio_65536_vs_64 %.2f x\n", state[2] / state[0]);
	free(keys);
	return 0;
}
