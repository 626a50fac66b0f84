/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Benchmark helpers: timing, medians, generated topologies. */
#ifndef EEH_BENCH_UTIL_H
#define EEH_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static inline double bench_median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * A topology of npes device PEs with one function and one BAR each, 4,096
 * PEs per PHB (bus b, device d: PE address b<<16 | d<<11), IOMMU groups
 * from 1. Caller frees the text.
 */
static inline char *bench_topology_json(unsigned int npes)
{
	size_t cap = 256 + (size_t)npes * 220, len = 0;
	char *s = malloc(cap);
	unsigned int phbs = (npes + 4095) / 4096;

	if (!s)
		return NULL;
	len += (size_t)snprintf(s + len, cap - len, "{\"phbs\":[");
	for (unsigned int p = 0, pe = 0; p < phbs; p++) {
		len += (size_t)snprintf(s + len, cap - len,
					"%s{\"index\":%u,\"buid\":\"0x%llx\",\"domain\":%u,\"pes\":[",
					p ? "," : "", p, 0x800000020000000ULL + p, p);
		for (unsigned int i = 0; i < 4096 && pe < npes; i++, pe++) {
			unsigned int bus = 1 + i / 32, dev = i % 32;

			len += (size_t)snprintf(
				s + len, cap - len,
				"%s{\"number\":%u,\"type\":\"device\",\"group\":%u,\"functions\":[{"
				"\"bdf\":\"%04x:%02x:%02x.0\",\"vendor\":4116,\"device\":1,\"bars\":[{"
				"\"bar\":0,\"addr\":\"0x%x\",\"size\":\"0x1000\"}]}]}",
				i ? "," : "", i + 1, pe + 1, p, bus, dev, 0x80000000u + i * 0x1000u);
		}
		len += (size_t)snprintf(s + len, cap - len, "]}");
	}
	snprintf(s + len, cap - len, "]}");
	return s;
}

#endif
