/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Campaign throughput on the simulated host with the virtual clock:
 * inject -> detect -> recover -> check cycles per second, and the
 * recovery driver alone on the thaw and reset paths.
 */
#include <stdio.h>

#include "bench-util.h"
#include "libeeh.h"

static int count_case(const struct eeh_campaign_case *c, void *data)
{
	unsigned int *failed = data;

	*failed += !c->passed;
	return 0;
}

static enum eeh_ers_result can_recover(struct eeh_func *f, enum eeh_channel_state s, void *d)
{
	(void)f;
	(void)d;
	return s == EEH_CHANNEL_FROZEN ? EEH_ERS_CAN_RECOVER : EEH_ERS_DISCONNECT;
}

static enum eeh_ers_result need_reset(struct eeh_func *f, enum eeh_channel_state s, void *d)
{
	(void)f;
	(void)d;
	return s == EEH_CHANNEL_FROZEN ? EEH_ERS_NEED_RESET : EEH_ERS_DISCONNECT;
}

static enum eeh_ers_result recovered(struct eeh_func *f, void *d)
{
	(void)f;
	(void)d;
	return EEH_ERS_RECOVERED;
}

static double recovery_rate(const struct eeh_driver *drv, unsigned int n)
{
	struct eeh_ctx *ctx;
	struct eeh_recovery *rec;
	struct eeh_recovery_result res = { .size = sizeof(res) };
	struct eeh_pe *pe;
	struct eeh_func *f;
	double t0, t;

	if (eeh_new_sim(NULL, &ctx) < 0 || eeh_recovery_new(ctx, &rec) < 0)
		return 0;
	eeh_set_max_freezes(ctx, ~0u);
	eeh_recovery_set_logging(rec, false);
	pe = eeh_pe_by_group(ctx, 1);
	eeh_func_foreach(pe, f)
		eeh_recovery_set_driver(rec, f, drv, NULL);
	t0 = bench_now_ns();
	for (unsigned int i = 0; i < n; i++) {
		eeh_inject_ioa(pe, EEH_ERR_TYPE_64, EEH_ERR_FUNC_LD_MEM_DATA, 0, 0);
		eeh_recovery_run(rec, pe, &res);
		if (res.outcome != EEH_RECOVERY_RECOVERED)
			return 0;
	}
	t = (bench_now_ns() - t0) / 1e9;
	eeh_recovery_free(rec);
	eeh_unref(ctx);
	return n / t;
}

int main(void)
{
	struct eeh_campaign_opts o = { .size = sizeof(struct eeh_campaign_opts), .seed = 1, .count = 1000000 };
	static const struct eeh_driver thaw_drv = { .size = sizeof(struct eeh_driver), .error_detected = can_recover,
						    .mmio_enabled = recovered };
	static const struct eeh_driver reset_drv = { .size = sizeof(struct eeh_driver), .error_detected = need_reset,
						     .slot_reset = recovered };
	unsigned int failed = 0;
	double t0, t;
	int r;

	t0 = bench_now_ns();
	r = eeh_campaign_run(&o, count_case, &failed);
	t = (bench_now_ns() - t0) / 1e9;
	if (r < 0 || failed) {
		fprintf(stderr, "bench-campaign: campaign failed (%d, %u cases)\n", r, failed);
		return 1;
	}
	printf("BENCH campaign_cycles_per_s %.0f cycles/s\n", o.count / t);
	printf("BENCH campaign_1M_faults_wall %.3f s\n", t);
	printf("BENCH recovery_thaw_per_s %.0f recoveries/s\n", recovery_rate(&thaw_drv, 1000000));
	printf("BENCH recovery_hot_reset_per_s %.0f recoveries/s\n",
	       recovery_rate(&reset_drv, 1000000));
	return 0;
}
