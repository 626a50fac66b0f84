/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A PE op through an iommufd device ID (resolve, one-group rule, GET_STATE)
 * against the same GET_STATE addressed by PE, with 1, 64 and 4,096
 * attached devices (each alone in its IOAS, so every op is allowed).
 * Target: device-ID cost <= 1.5x the by-PE cost, flat in device count.
 */
#include <stdio.h>

#include <linux/vfio.h>

#include "bench-util.h"
#include "libeeh.h"

#define CALLS 100000
#define ROUNDS 21

/* One PHB, n device PEs with one function each: bus 1 + i / 32, device
 * i % 32, IOMMU group i + 1. */
static char *topology(unsigned int n)
{
	size_t cap = 128 + (size_t)n * 200, len = 0;
	char *s = malloc(cap);

	if (!s)
		return NULL;
	len += (size_t)snprintf(s, cap, "{\"phbs\":[{\"index\":0,\"buid\":\"0x800000020000000\","
				"\"domain\":0,\"pes\":[");
	for (unsigned int i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len,
					"%s{\"number\":%u,\"type\":\"device\",\"group\":%u,"
					"\"functions\":[{\"bdf\":\"0000:%02x:%02x.0\","
					"\"vendor\":4116,\"device\":1,\"bars\":[{\"bar\":0,"
					"\"addr\":\"0x%x\",\"size\":\"0x1000\"}]}]}",
					i ? "," : "", i + 1, i + 1, 1 + i / 32, i % 32,
					0x80000000u + i * 0x1000u);
	snprintf(s + len, cap - len, "]}]}");
	return s;
}

struct target {
	uint32_t devid;
	struct eeh_pe *pe;
};

static double time_ops(struct eeh_iommufd *ifd, const struct target *t, const unsigned int *pick,
		       bool by_device)
{
	struct vfio_eeh_pe_op op = { .argsz = sizeof(op), .op = VFIO_EEH_PE_GET_STATE };
	volatile int sink = 0;
	double t0 = bench_now_ns();

	for (int i = 0; i < CALLS; i++) {
		const struct target *x = &t[pick[i]];

		sink += by_device ? eeh_iommufd_pe_op(ifd, x->devid, &op) : eeh_pe_op(x->pe, &op);
	}
	if (sink != 0)
		fprintf(stderr, "bench-devop: a GET_STATE was not NORMAL\n");
	return (bench_now_ns() - t0) / CALLS;
}

static int run(unsigned int n, unsigned int *pick)
{
	struct eeh_ctx *ctx = NULL;
	struct eeh_iommufd *ifd = NULL;
	struct target *t = calloc(n, sizeof(*t));
	char *json = topology(n), bdf[32];
	double pe_ns[ROUNDS], dev_ns[ROUNDS], ratio[ROUNDS];

	if (!t || !json || eeh_new_sim_json(json, &ctx) < 0 || eeh_iommufd_open(ctx, 0, &ifd) < 0) {
		fprintf(stderr, "bench-devop: cannot build a %u-device host\n", n);
		return 1;
	}
	free(json);
	for (unsigned int i = 0; i < n; i++) {
		uint32_t ioas;

		snprintf(bdf, sizeof(bdf), "0000:%02x:%02x.0", 1 + i / 32, i % 32);
		if (eeh_iommufd_bind(ifd, bdf, &t[i].devid) < 0 ||
		    eeh_iommufd_ioas_alloc(ifd, &ioas) < 0 ||
		    eeh_iommufd_attach(ifd, t[i].devid, ioas, NULL) < 0 ||
		    eeh_iommufd_check(ifd, t[i].devid, &t[i].pe) < 0) {
			fprintf(stderr, "bench-devop: cannot attach %s\n", bdf);
			return 1;
		}
	}
	for (int i = 0; i < CALLS; i++)
		pick[i] = (unsigned int)rand() % n;
	/* Interleaved rounds, so a busy machine slows both sides alike. */
	for (int r = 0; r < ROUNDS; r++) {
		pe_ns[r] = time_ops(ifd, t, pick, false);
		dev_ns[r] = time_ops(ifd, t, pick, true);
		ratio[r] = dev_ns[r] / pe_ns[r];
	}
	printf("BENCH get_state_by_pe_%u %.1f ns\n", n, bench_median(pe_ns, ROUNDS));
	printf("BENCH get_state_by_devid_%u %.1f ns\n", n, bench_median(dev_ns, ROUNDS));
	printf("BENCH devid_over_pe_%u %.2f ratio\n", n, bench_median(ratio, ROUNDS));
	eeh_iommufd_close(ifd);
	eeh_unref(ctx);
	free(t);
	return 0;
}

int main(void)
{
	static const unsigned int sizes[] = { 1, 64, 4096 };
	unsigned int *pick = malloc(sizeof(*pick) * CALLS);

	srand(1);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (!pick || run(sizes[i], pick))
			return 1;
	free(pick);
	return 0;
}
