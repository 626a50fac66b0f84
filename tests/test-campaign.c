/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Campaigns: every case passes on the simulated host, the same seed gives
 * the same cases, shards are disjoint and add up to the whole campaign,
 * storms reach the freeze limit and are reported as permanent failures.
 */
#include <errno.h>

#include "test-util.h"

/* A digest of every case: index, fault, outcomes, times. */
struct tally {
	unsigned int cases, failed, perm, recovered, fences, pe_results;
	unsigned int thaw, reset, hotplug;
	uint64_t digest;
	unsigned char seen[2000];
	unsigned int dup;
};

static void mix(struct tally *t, uint64_t v)
{
	t->digest = (t->digest ^ v) * 0x100000001B3ULL;
}

static int on_case(const struct eeh_campaign_case *c, void *data)
{
	struct tally *t = data;

	t->cases++;
	t->failed += !c->passed;
	t->fences += c->kind == EEH_FAULT_FENCE;
	if (c->index < sizeof(t->seen)) {
		t->dup += t->seen[c->index];
		t->seen[c->index] = 1;
	}
	mix(t, c->index);
	mix(t, (uint64_t)c->kind << 8 | (uint64_t)(c->func + 1));
	mix(t, c->addr);
	mix(t, c->time_us);
	for (unsigned int i = 0; i < c->npes; i++) {
		const struct eeh_campaign_pe *p = &c->pes[i];

		t->pe_results++;
		t->perm += p->outcome == EEH_RECOVERY_PERM_FAILED;
		t->recovered += p->outcome == EEH_RECOVERY_RECOVERED;
		t->thaw += p->outcome == EEH_RECOVERY_RECOVERED && p->path == EEH_RECOVERY_PATH_THAW;
		t->reset += p->outcome == EEH_RECOVERY_RECOVERED && p->path == EEH_RECOVERY_PATH_RESET;
		t->hotplug += p->outcome == EEH_RECOVERY_RECOVERED &&
			      p->path == EEH_RECOVERY_PATH_HOTPLUG;
		CU_ASSERT_EQUAL(p->outcome, p->expected);
		mix(t, p->outcome);
		mix(t, p->recovery_us);
	}
	if (!c->passed)
		printf("case %u: %s\n", c->index, c->message);
	return 0;
}

/* on_case(), counting bad DMAs (with their function -3) in fences */
static int count_bad_dma(const struct eeh_campaign_case *c, void *data)
{
	struct tally *t = data;

	t->cases++;
	t->failed += !c->passed;
	if (c->kind == EEH_FAULT_BAD_DMA) {
		t->fences++;
		CU_ASSERT_EQUAL(c->func, EEH_PE_ERROR_BAD_DMA);
	}
	for (unsigned int i = 0; i < c->npes; i++)
		CU_ASSERT_EQUAL(c->pes[i].outcome, c->pes[i].expected);
	if (!c->passed)
		printf("case %u: %s\n", c->index, c->message);
	return 0;
}

static void builtin_campaign_passes_and_covers_every_path(void)
{
	struct eeh_campaign_opts o = { .size = sizeof(struct eeh_campaign_opts), .seed = 1, .count = 2000 };
	struct tally t = { 0 };

	CU_ASSERT_EQUAL(eeh_campaign_run(&o, on_case, &t), 0);
	CU_ASSERT_EQUAL(t.cases, 2000);
	CU_ASSERT_EQUAL(t.failed, 0);
	CU_ASSERT_EQUAL(t.dup, 0);
	CU_ASSERT(t.fences > 0);
	CU_ASSERT(t.pe_results > t.cases); /* fences recover several PEs */
	CU_ASSERT(t.perm > 0);             /* bursts pass the freeze limit */
	CU_ASSERT(t.thaw > 0);
	CU_ASSERT(t.reset > 0);
	CU_ASSERT(t.hotplug > 0);
}

static void same_seed_same_cases_other_seed_other_cases(void)
{
	struct eeh_campaign_opts o = { .size = sizeof(struct eeh_campaign_opts), .seed = 42, .count = 500 };
	struct tally a = { 0 }, b = { 0 }, c = { 0 };

	CU_ASSERT_EQUAL(eeh_campaign_run(&o, on_case, &a), 0);
	CU_ASSERT_EQUAL(eeh_campaign_run(&o, on_case, &b), 0);
	o.seed = 43;
	CU_ASSERT_EQUAL(eeh_campaign_run(&o, on_case, &c), 0);
	CU_ASSERT_EQUAL(a.digest, b.digest);
	CU_ASSERT_NOT_EQUAL(a.digest, c.digest);
}

static void shards_are_disjoint_and_make_the_whole(void)
{
	struct eeh_campaign_opts o = { .size = sizeof(struct eeh_campaign_opts), .seed = 9, .count = 1000, .trial_len = 30 };
	struct tally whole = { 0 }, parts = { 0 };
	unsigned int sizes = 0;

	CU_ASSERT_EQUAL(eeh_campaign_run(&o, on_case, &whole), 0);
	o.nshards = 4;
	for (o.shard = 1; o.shard <= 4; o.shard++) {
		struct tally one = { 0 };

		sizes += (unsigned int)eeh_campaign_shard_size(&o);
		CU_ASSERT_EQUAL(eeh_campaign_run(&o, on_case, &one), 0);
		CU_ASSERT(one.cases > 0 && one.cases < 1000);
		/* the shard's cases, merged by index */
		for (unsigned int i = 0; i < 1000; i++) {
			parts.dup += parts.seen[i] & one.seen[i];
			parts.seen[i] |= one.seen[i];
		}
		parts.cases += one.cases;
		parts.perm += one.perm;
		parts.pe_results += one.pe_results;
		parts.recovered += one.recovered;
	}
	CU_ASSERT_EQUAL(sizes, 1000);
	CU_ASSERT_EQUAL(parts.dup, 0);
	CU_ASSERT_EQUAL(parts.cases, whole.cases);
	CU_ASSERT_EQUAL(memcmp(parts.seen, whole.seen, sizeof(parts.seen)), 0);
	CU_ASSERT_EQUAL(parts.perm, whole.perm);
	CU_ASSERT_EQUAL(parts.pe_results, whole.pe_results);
	CU_ASSERT_EQUAL(parts.recovered, whole.recovered);
}

/* A one-PE host with freezes a second apart on average: the window fills. */
static const char one_pe[] =
	"{ \"format\": \"libeeh-topology-1\", \"max_freezes\": 2, \"phbs\": [ { \"index\": 0,"
	"  \"buid\": \"0x800000020000000\", \"domain\": 0, \"pes\": ["
	"  { \"number\": 1, \"type\": \"device\", \"group\": 1, \"functions\": ["
	"    { \"bdf\": \"0000:01:00.0\", \"vendor\": \"0x8086\", \"device\": \"0x1572\","
	"      \"class\": \"0x020000\", \"bars\": [ { \"bar\": 0, \"addr\": \"0x80000000\","
	"      \"size\": \"0x1000\" } ] } ] } ] } ] }";

static void dense_faults_fail_every_third_freeze(void)
{
	struct eeh_campaign_opts o = { .size = sizeof(struct eeh_campaign_opts), .seed = 3, .count = 300, .trial_len = 300, .interval_ms = 1000,
				       .topology_json = one_pe };
	struct tally t = { 0 };

	CU_ASSERT_EQUAL(eeh_campaign_run(&o, on_case, &t), 0);
	/* max_freezes 2: freezes 1 and 2 recover, the 3rd fails, the adapter
	 * is replaced and the window starts again. */
	CU_ASSERT_EQUAL(t.perm, 100);
	CU_ASSERT_EQUAL(t.recovered, 200);
}

/* An I/O BAR 0 on a 4-byte boundary: PCI keeps I/O BAR flags in bits 1:0
 * only, so 0x2004 is the whole address and recovery restores it. */
static const char io_bar0[] =
	"{ \"format\": \"libeeh-topology-1\", \"phbs\": [ { \"index\": 0,"
	"  \"buid\": \"0x800000020000000\", \"domain\": 0, \"pes\": ["
	"  { \"number\": 1, \"type\": \"device\", \"group\": 1, \"functions\": ["
	"    { \"bdf\": \"0000:01:00.0\", \"vendor\": \"0x8086\", \"device\": \"0x1572\","
	"      \"class\": \"0x020000\", \"bars\": ["
	"      { \"bar\": 0, \"addr\": \"0x2004\", \"size\": \"0x4\", \"flags\": [\"io\"] },"
	"      { \"bar\": 1, \"addr\": \"0x80000000\", \"size\": \"0x1000\" } ] } ] } ] } ] }";

static void io_bar_on_a_4_byte_boundary_is_restored_and_passes(void)
{
	struct eeh_campaign_opts o = { .size = sizeof(struct eeh_campaign_opts), .seed = 1, .count = 200, .topology_json = io_bar0 };
	struct tally t = { 0 };

	CU_ASSERT_EQUAL(eeh_campaign_run(&o, on_case, &t), 0);
	CU_ASSERT_EQUAL(t.cases, 200);
	CU_ASSERT_EQUAL(t.failed, 0);
	CU_ASSERT(t.recovered > 0);
}

static void bad_options_are_refused(void)
{
	struct eeh_campaign_opts o = { .size = sizeof(struct eeh_campaign_opts), .seed = 1, .count = 0 };
	struct eeh_campaign_opts unsized = { .seed = 1, .count = 10 };

	/* Options without their size are refused (the struct may grow). */
	CU_ASSERT_EQUAL(eeh_campaign_run(&unsized, NULL, NULL), -EINVAL);
	CU_ASSERT_EQUAL(eeh_campaign_shard_size(&unsized), -EINVAL);

	CU_ASSERT_EQUAL(eeh_campaign_run(&o, NULL, NULL), -EINVAL);
	o.count = 10;
	o.shard = 3;
	o.nshards = 2;
	CU_ASSERT_EQUAL(eeh_campaign_run(&o, NULL, NULL), -EINVAL);
	CU_ASSERT_EQUAL(eeh_campaign_shard_size(&o), -EINVAL);
	o.shard = 0;
	o.nshards = 0;
	o.topology = "/nonexistent/topology.json";
	CU_ASSERT(eeh_campaign_run(&o, NULL, NULL) < 0);
	o.topology = NULL;
	CU_ASSERT_EQUAL(eeh_campaign_run(&o, NULL, NULL), 0);
}

static int stop_at_five(const struct eeh_campaign_case *c, void *data)
{
	(void)data;
	return c->index == 4;
}

static void callback_can_stop_the_campaign(void)
{
	struct eeh_campaign_opts o = { .size = sizeof(struct eeh_campaign_opts), .seed = 1, .count = 100 };

	CU_ASSERT_EQUAL(eeh_campaign_run(&o, stop_at_five, NULL), -ECANCELED);
}

static void bad_dma_faults_recover_and_are_drawn_on_request(void)
{
	struct eeh_campaign_opts o = { .size = sizeof(o), .seed = 7, .count = 300,
				       .bad_dma_percent = 40 };
	struct tally t = { 0 };

	CU_ASSERT_EQUAL(eeh_campaign_run(&o, count_bad_dma, &t), 0);
	CU_ASSERT_EQUAL(t.cases, 300);
	CU_ASSERT_EQUAL(t.failed, 0);
	CU_ASSERT(t.fences > 60 && t.fences < 180); /* here: bad DMAs */
	o.bad_dma_percent = 101;
	CU_ASSERT_EQUAL(eeh_campaign_run(&o, count_bad_dma, &t), -EINVAL);
}

static const struct test tests[] = {
	TEST(bad_dma_faults_recover_and_are_drawn_on_request),
	TEST(builtin_campaign_passes_and_covers_every_path),
	TEST(same_seed_same_cases_other_seed_other_cases),
	TEST(shards_are_disjoint_and_make_the_whole),
	TEST(dense_faults_fail_every_third_freeze),
	TEST(io_bar_on_a_4_byte_boundary_is_restored_and_passes),
	TEST(bad_options_are_refused),
	TEST(callback_can_stop_the_campaign),
};

int main(void)
{
	return RUN_SUITE("campaign", tests);
}
