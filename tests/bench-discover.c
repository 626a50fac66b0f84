/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Discovery of a generated sysfs tree with 4,096 PEs and 16,384 functions
 * (4 PHBs, 4-function devices, EEH attributes), next to lspci scanning the
 * same tree through libpci's sysfs path option in the same run. Rounds
 * alternate so both see the same page-cache state; medians are reported.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-util.h"
#include "gen-sysfs.h"
#include "libeeh.h"

#define NPES 4096
#define FPP 4
#define ROUNDS 7

/* Run lspci on the tree; returns wall time in ns, or -1. */
static double run_lspci(const char *sysdir, bool numeric)
{
	char opt[512];
	double t0 = bench_now_ns();
	pid_t pid;
	int st;

	snprintf(opt, sizeof(opt), "sysfs.path=%s", sysdir);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		dup2(fd, 2);
		if (numeric)
			execlp("lspci", "lspci", "-A", "linux-sysfs", "-O", opt, "-n",
			       (char *)NULL);
		else
			execlp("lspci", "lspci", "-A", "linux-sysfs", "-O", opt, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return bench_now_ns() - t0;
}

static double run_discovery(const char *root, unsigned int *nfuncs)
{
	struct eeh_ctx *ctx = NULL;
	struct eeh_host_stats st = { .size = sizeof(st) };
	double t0 = bench_now_ns(), t;

	if (eeh_new_host(root, &ctx) < 0)
		return -1;
	t = bench_now_ns() - t0;
	eeh_host_get_stats(ctx, &st);
	*nfuncs = st.funcs;
	eeh_unref(ctx);
	return t;
}

int main(void)
{
	char root[64], sysdir[96];
	double ours[ROUNDS], lspci[ROUNDS], lspci_n[ROUNDS], t0, gen_ms;
	struct gs_func *fns;
	struct eeh_ctx *ctx = NULL;
	struct mallinfo2 before, after;
	unsigned int nfuncs = 0, npes = 0;
	struct eeh_phb *phb;
	size_t n;
	int rc = 0;

	setenv("EEH_LOG", "emerg", 1);
	/* tmpfs when there is one, as sysfs is memory-backed too */
	snprintf(root, sizeof(root), "%s/eeh-bench-sysfs-XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(root) || gs_gen_large(NPES, FPP, &fns, &n) < 0) {
		fprintf(stderr, "bench-discover: cannot set up: %s\n", strerror(errno));
		return 1;
	}
	t0 = bench_now_ns();
	if (gs_write_host(root, fns, n, GS_PROC_EEH) < 0) {
		fprintf(stderr, "bench-discover: cannot write the tree under %s\n", root);
		rc = 1;
		goto out;
	}
	gen_ms = (bench_now_ns() - t0) / 1e6;
	/* libpci's sysfs.path is the /sys/bus/pci directory */
	snprintf(sysdir, sizeof(sysdir), "%s/sys/bus/pci", root);
	/* warm the page cache for both */
	if (run_lspci(sysdir, false) < 0 || run_discovery(root, &nfuncs) < 0) {
		fprintf(stderr, "bench-discover: lspci or discovery failed on %s\n", root);
		rc = 1;
		goto out;
	}
	for (int r = 0; r < ROUNDS; r++) {
		lspci[r] = run_lspci(sysdir, false);
		ours[r] = run_discovery(root, &nfuncs);
		lspci_n[r] = run_lspci(sysdir, true);
	}
	before = mallinfo2();
	eeh_new_host(root, &ctx);
	after = mallinfo2();
	eeh_phb_foreach(ctx, phb)
		npes += eeh_phb_pe_count(phb);
	{
		double o = bench_median(ours, ROUNDS), l = bench_median(lspci, ROUNDS),
		       ln = bench_median(lspci_n, ROUNDS);
		double bytes = (double)((after.uordblks + after.hblkhd) -
					(before.uordblks + before.hblkhd));

		printf("BENCH discover_tree_generate_%zu_funcs %.0f ms\n", n, gen_ms);
		printf("BENCH discover_%u_pes_%u_funcs %.1f ms\n", npes, nfuncs, o / 1e6);
		printf("BENCH lspci_same_tree %.1f ms\n", l / 1e6);
		printf("BENCH lspci_n_same_tree %.1f ms\n", ln / 1e6);
		printf("BENCH discover_vs_lspci_ratio %.2f x\n", o / l);
		printf("BENCH discover_vs_lspci_n_ratio %.2f x\n", o / ln);
		printf("BENCH discover_bytes_per_function %.0f bytes\n", bytes / nfuncs);
		if (nfuncs != NPES * FPP || npes != NPES) {
			fprintf(stderr,
				"bench-discover: found %u PEs / %u functions, expected %u / %u\n",
				npes, nfuncs, NPES, NPES * FPP);
			rc = 1;
		}
	}
	eeh_unref(ctx);
out:
	gs_free_large(fns, n);
	gs_rmtree(root);
	return rc;
}
