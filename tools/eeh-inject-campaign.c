/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * eeh-inject campaign: random faults over fresh simulated hosts, recovery,
 * and a model check of every PE, reported as a summary, JSON, TAP or JUnit.
 */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "eeh-inject.h"

static const char *prog = "eeh-inject";

static const char campaign_help[] =
	"Usage: eeh-inject [-t FILE] campaign [--seed S] [--count N] [--shard I/N]\n"
	"                  [--trial-len L] [--interval MS] [--json] [--junit FILE] [--tap]\n"
	"                  [--bad-dma PCT] [--no-progress] [--html FILE] [--trace FILE]\n"
	"\n"
	"Draw N random faults (default 1000) of four kinds: ioa (an IOA bus error\n"
	"0..19 with an address in the PE's BARs), freeze, fence (a PHB fence),\n"
	"storm (a burst of IOA errors on one PE) over the simulated host,\n"
	"trip each with the traffic it breaks, run the recovery driver with random\n"
	"driver behaviours, and check every PE against the model: recovered on the\n"
	"path the drivers' answers call for, in the kernel's virtual time, or\n"
	"permanently failed past the freeze limit (then its adapter is replaced).\n"
	"The same seed gives the same run. Faults come in trials of L (default\n"
	"100), each on a fresh host; --shard I/N runs the I-th of N consecutive\n"
	"slices of the cases (sizes differ by at most one; an empty one is warned\n"
	"about): shards are disjoint and 'eeh-inject merge' joins their reports.\n"
	"--interval is the mean virtual time between faults (default 600000 ms).\n"
	"--bad-dma PCT makes PCT% of the faults bad DMAs: a function's DMA to an\n"
	"address of its PE's default window with no valid TCE (default 0).\n"
	"\n"
	"Output: a per-PE summary (each PE fault in one outcome column: recovered,\n"
	"parent, perm, removed; recovery time min/p50/p90/p99/max); --json;\n"
	"--junit FILE (JUnit XML: time is wall time, virtual time a property;\n"
	"'-' for stdout); --html FILE (a self-contained page: outcomes, recovery\n"
	"times, timeline per PE); --trace FILE (Chrome/Perfetto trace-event JSON).\n"
	"--tap (TAP 13 on stdout). A progress bar shows on a terminal.\n"
	"Exit status: 0 every case passed, 1 a case failed, 2 bad input.\n";

/* The fault kinds (enum eeh_fault_kind), each one word: eeh_fault_kind_name(). */
#define NKINDS (EEH_FAULT_BAD_DMA + 1)

struct pe_stats {
	char name[24];
	unsigned int faults, recoveries, by_parent, perm, removed, resets, replaced;
	unsigned int thaw, reset_path, hotplug; /* the path of each recovery */
	uint64_t *times_us;
	size_t ntimes, captimes;
};

/* Per-PE recovery times: nearest-rank percentiles, virtual ms. */
struct time_stats {
	double min, p50, p90, p99, max;
};

struct run {
	const struct eeh_campaign_opts *o;
	struct pe_stats *pes;
	size_t npes;
	unsigned int done, total, failed;
	unsigned int faults_by_kind[NKINDS];
	json_object *failures;
	FILE *junit;    /* the test cases, until the suite header is known */
	bool tap, progress;
	unsigned int tap_no;
	uint64_t virt_us; /* virtual time: the cases' gaps */
	int last_pct;
	struct timespec last; /* when the previous case ended (wall clock) */
	double wall_s;
	json_object *spans; /* inject -> detect -> recover per PE, the first MAX_SPANS */
	unsigned int nspans;
};

/* Enough for the report's timeline and a trace; the count says if more. */
#define MAX_SPANS 5000

static double since(struct timespec *t)
{
	struct timespec now;
	double d;

	clock_gettime(CLOCK_MONOTONIC, &now);
	d = (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
	*t = now;
	return d;
}

static struct pe_stats *stats_for(struct run *r, const char *name)
{
	struct pe_stats *n;

	for (size_t i = 0; i < r->npes; i++)
		if (!strcmp(r->pes[i].name, name))
			return &r->pes[i];
	n = realloc(r->pes, (r->npes + 1) * sizeof(*r->pes));
	if (!n)
		return NULL;
	r->pes = n;
	n = &r->pes[r->npes++];
	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	return n;
}

static void add_time(struct pe_stats *s, uint64_t us)
{
	if (s->ntimes == s->captimes) {
		size_t cap = s->captimes ? s->captimes * 2 : 64;
		uint64_t *n = realloc(s->times_us, cap * sizeof(*n));

		if (!n)
			return;
		s->times_us = n;
		s->captimes = cap;
	}
	s->times_us[s->ntimes++] = us;
}

static void case_name(const struct eeh_campaign_case *c, char *buf, size_t len)
{
	snprintf(buf, len, "case %06u %s %s%s%s", c->index, eeh_fault_kind_name(c->kind), c->target,
		 c->func >= 0 ? " " : "", c->func >= 0 ? eeh_err_func_name((unsigned int)c->func)
						       : "");
}

static void progress(struct run *r)
{
	int pct = r->total ? (int)(100ULL * r->done / r->total) : 100;
	char bar[41];

	if (pct == r->last_pct)
		return;
	r->last_pct = pct;
	memset(bar, '#', (size_t)pct * 40 / 100);
	memset(bar + pct * 40 / 100, '.', 40 - (size_t)pct * 40 / 100);
	bar[40] = '\0';
	fprintf(stderr, "\r[%s] %3d%% %u/%u faults, %u failed", bar, pct, r->done, r->total,
		r->failed);
	fflush(stderr);
}

/* Every PE result ends in exactly one outcome column. */
static void count_outcome(struct pe_stats *s, const struct eeh_campaign_pe *p)
{
	s->faults++;
	s->resets += p->resets;
	switch (p->outcome) {
	case EEH_RECOVERY_RECOVERED:
		s->recoveries++;
		add_time(s, p->recovery_us);
		s->thaw += p->path == EEH_RECOVERY_PATH_THAW;
		s->reset_path += p->path == EEH_RECOVERY_PATH_RESET;
		s->hotplug += p->path == EEH_RECOVERY_PATH_HOTPLUG;
		break;
	case EEH_RECOVERY_NOT_FROZEN:
		s->by_parent++; /* its parent's reset recovered it */
		break;
	case EEH_RECOVERY_PERM_FAILED:
		s->perm++;
		break;
	case EEH_RECOVERY_REMOVED:
		s->removed++; /* its parent failed permanently and took it away */
		break;
	}
	s->replaced += p->replaced && p->outcome == EEH_RECOVERY_PERM_FAILED;
}

static void junit_case(struct run *r, const struct eeh_campaign_case *c, const char *name,
		       uint64_t case_us, double wall_s)
{
	fprintf(r->junit, "    <testcase classname=\"eeh-inject.campaign.trial%04u\" name=\"",
		c->trial);
	cli_xml_escape(r->junit, name);
	/* time is wall time (what CI budgets); the recovery's virtual time is a property */
	fprintf(r->junit, "\" time=\"%.6f\">\n      <properties><property name=\"virtual_ms\" "
		"value=\"%.3f\"/></properties>\n", wall_s, (double)case_us / 1000);
	if (!c->passed) {
		fputs("      <failure message=\"", r->junit);
		cli_xml_escape(r->junit, c->message);
		fputs("\"/>\n", r->junit);
	}
	fputs("    </testcase>\n", r->junit);
}

/* The fault is injected and tripped by traffic at once (detect = inject),
 * then recovered; times are the campaign's virtual clock across trials. */
static void add_span(struct run *r, const struct eeh_campaign_case *c,
		     const struct eeh_campaign_pe *p)
{
	json_object *o;

	if (r->nspans++ >= MAX_SPANS)
		return;
	o = json_object_new_object();
	json_object_object_add(o, "pe", json_object_new_string(p->pe));
	json_object_object_add(o, "case", json_object_new_int64(c->index));
	json_object_object_add(o, "kind", json_object_new_string(eeh_fault_kind_name(c->kind)));
	json_object_object_add(o, "inject_us", json_object_new_int64((int64_t)r->virt_us));
	json_object_object_add(o, "detect_us", json_object_new_int64((int64_t)r->virt_us));
	json_object_object_add(o, "end_us", json_object_new_int64((int64_t)(r->virt_us + p->recovery_us)));
	json_object_object_add(o, "outcome",
			       json_object_new_string(eeh_recovery_outcome_name(p->outcome)));
	json_object_array_add(r->spans, o);
}

static int on_case(const struct eeh_campaign_case *c, void *data)
{
	struct run *r = data;
	uint64_t case_us = 0;
	double wall_s = since(&r->last);
	char name[96];

	r->done++;
	if ((unsigned int)c->kind < sizeof(r->faults_by_kind) / sizeof(r->faults_by_kind[0]))
		r->faults_by_kind[c->kind]++;
	r->virt_us += c->gap_us;
	for (unsigned int i = 0; i < c->npes; i++) {
		struct pe_stats *s = stats_for(r, c->pes[i].pe);

		if (!s)
			return 1;
		count_outcome(s, &c->pes[i]);
		case_us += c->pes[i].recovery_us;
		add_span(r, c, &c->pes[i]);
	}
	if (!c->passed) {
		json_object *f = json_object_new_object();

		r->failed++;
		json_object_object_add(f, "index", json_object_new_int((int)c->index));
		json_object_object_add(f, "trial", json_object_new_int((int)c->trial));
		json_object_object_add(f, "kind", json_object_new_string(eeh_fault_kind_name(c->kind)));
		json_object_object_add(f, "target", json_object_new_string(c->target));
		json_object_object_add(f, "func", json_object_new_int(c->func));
		json_object_object_add(f, "message", json_object_new_string(c->message));
		json_object_array_add(r->failures, f);
	}
	if (r->junit || r->tap)
		case_name(c, name, sizeof(name));
	if (r->junit)
		junit_case(r, c, name, case_us, wall_s);
	if (r->tap) {
		printf("%s %u - %s\n", c->passed ? "ok" : "not ok", ++r->tap_no, name);
		if (!c->passed)
			printf("  # %s\n", c->message);
	}
	if (r->progress && (r->done & 1023) == 0)
		progress(r);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest time with at least p% of the times at or below it. */
static double rank_ms(const struct pe_stats *s, unsigned int pct)
{
	size_t k = (s->ntimes * pct + 99) / 100;

	return (double)s->times_us[k ? k - 1 : 0] / 1000;
}

static void time_stats(struct pe_stats *s, struct time_stats *t)
{
	memset(t, 0, sizeof(*t));
	if (!s->ntimes)
		return;
	qsort(s->times_us, s->ntimes, sizeof(*s->times_us), cmp_u64);
	t->min = (double)s->times_us[0] / 1000;
	t->p50 = rank_ms(s, 50);
	t->p90 = rank_ms(s, 90);
	t->p99 = rank_ms(s, 99);
	t->max = (double)s->times_us[s->ntimes - 1] / 1000;
}

static int cmp_pe(const void *a, const void *b)
{
	const struct pe_stats *x = a, *y = b;
	unsigned int xp = 0, xn = 0, yp = 0, yn = 0;

	sscanf(x->name, "phb%u:pe%x", &xp, &xn);
	sscanf(y->name, "phb%u:pe%x", &yp, &yn);
	return xp != yp ? (xp < yp ? -1 : 1) : xn != yn ? (xn < yn ? -1 : 1) : 0;
}

static void print_kinds(struct run *r)
{
	printf("  faults by kind:");
	for (unsigned int k = 0; k < NKINDS; k++)
		printf("%s %u %s", k ? "," : "", r->faults_by_kind[k],
		       eeh_fault_kind_name((enum eeh_fault_kind)k));
	printf("\n");
}

static void print_summary(struct run *r)
{
	const struct eeh_campaign_opts *o = r->o;
	struct pe_stats t = { .faults = 0 };

	printf("Campaign seed %llu: %u fault%s", (unsigned long long)o->seed, r->done,
	       r->done == 1 ? "" : "s");
	if (o->shard)
		printf(" (shard %u/%u of %u)", o->shard, o->nshards, o->count);
	printf(" on the %s host\n", o->topology ? o->topology : "built-in simulated");
	print_kinds(r);
	printf("  A PE's faults = recovered + parent + perm + removed; recovered = thaw + reset +\n"
	       "  hotplug (its path). A fence counts once for every PE under the PHB, so the PE\n"
	       "  faults add up to more than the faults drawn. parent: recovered by its parent\n"
	       "  PE's reset; removed: its parent failed permanently. Times: recovered, virtual ms.\n\n");
	printf("%-12s %6s %9s %5s %5s %7s %6s %5s %7s %6s   %s\n", "PE", "faults", "recovered",
	       "thaw", "reset", "hotplug", "parent", "perm", "removed", "resets",
	       "recovery ms min/p50/p90/p99/max");
	for (size_t i = 0; i < r->npes; i++) {
		struct pe_stats *s = &r->pes[i];
		struct time_stats ts;

		time_stats(s, &ts);
		printf("%-12s %6u %9u %5u %5u %7u %6u %5u %7u %6u   %.0f / %.0f / %.0f / %.0f / %.0f\n",
		       s->name, s->faults, s->recoveries, s->thaw, s->reset_path, s->hotplug,
		       s->by_parent, s->perm, s->removed, s->resets, ts.min, ts.p50, ts.p90, ts.p99,
		       ts.max);
		t.faults += s->faults;
		t.recoveries += s->recoveries;
		t.thaw += s->thaw;
		t.reset_path += s->reset_path;
		t.hotplug += s->hotplug;
		t.by_parent += s->by_parent;
		t.perm += s->perm;
		t.removed += s->removed;
		t.resets += s->resets;
	}
	printf("%-12s %6u %9u %5u %5u %7u %6u %5u %7u %6u\n\n", "total", t.faults, t.recoveries,
	       t.thaw, t.reset_path, t.hotplug, t.by_parent, t.perm, t.removed, t.resets);
	printf("%s: %u of %u cases passed; %u permanent failure%s past the freeze limit "
	       "(adapters replaced)\n",
	       r->failed ? "FAIL" : "PASS", r->done - r->failed, r->done, t.perm,
	       t.perm == 1 ? "" : "s");
	printf("%.3f s wall for %.1f h of virtual host time (%.0f inject->recover cycles/s)\n",
	       r->wall_s, (double)r->virt_us / 3.6e9,
	       r->wall_s > 0 ? r->done / r->wall_s : 0.0);
	if (r->failed) {
		size_t n = json_object_array_length(r->failures);

		printf("\nFailed cases%s:\n", n > 10 ? " (first 10)" : "");
		for (size_t i = 0; i < n && i < 10; i++) {
			json_object *f = json_object_array_get_idx(r->failures, i), *v;

			json_object_object_get_ex(f, "index", &v);
			printf("  case %d: ", json_object_get_int(v));
			json_object_object_get_ex(f, "message", &v);
			printf("%s\n", json_object_get_string(v));
		}
	}
}

static void add_int(json_object *o, const char *key, unsigned int v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

/* Recovery times: percentiles and a histogram [[ms, count], ...] that
 * 'eeh-inject merge' and the HTML report read back. */
static json_object *times_json(struct pe_stats *s)
{
	json_object *t = json_object_new_object(), *h = json_object_new_array();
	struct time_stats ts;

	time_stats(s, &ts);
	json_object_object_add(t, "min", json_object_new_double(ts.min));
	json_object_object_add(t, "p50", json_object_new_double(ts.p50));
	json_object_object_add(t, "median", json_object_new_double(ts.p50));
	json_object_object_add(t, "p90", json_object_new_double(ts.p90));
	json_object_object_add(t, "p99", json_object_new_double(ts.p99));
	json_object_object_add(t, "max", json_object_new_double(ts.max));
	for (size_t i = 0; i < s->ntimes;) {
		size_t j = i;
		json_object *b = json_object_new_array();

		while (j < s->ntimes && s->times_us[j] == s->times_us[i])
			j++;
		json_object_array_add(b, json_object_new_double((double)s->times_us[i] / 1000));
		json_object_array_add(b, json_object_new_int64((int64_t)(j - i)));
		json_object_array_add(h, b);
		i = j;
	}
	json_object_object_add(t, "histogram", h);
	return t;
}

static json_object *summary_json(struct run *r)
{
	json_object *j = json_object_new_object(), *pes = json_object_new_array();
	json_object *kinds = json_object_new_object();
	const struct eeh_campaign_opts *o = r->o;

	json_object_object_add(j, "seed", json_object_new_int64((int64_t)o->seed));
	add_int(j, "count", o->count);
	if (o->shard) {
		add_int(j, "shard", o->shard);
		add_int(j, "shards", o->nshards);
	}
	add_int(j, "cases", r->done);
	add_int(j, "failed", r->failed);
	json_object_object_add(j, "passed", json_object_new_boolean(r->failed == 0));
	for (unsigned int k = 0; k < NKINDS; k++)
		add_int(kinds, eeh_fault_kind_name((enum eeh_fault_kind)k), r->faults_by_kind[k]);
	json_object_object_add(j, "faults_by_kind", kinds);
	json_object_object_add(j, "wall_s", json_object_new_double(r->wall_s));
	json_object_object_add(j, "virtual_s",
			       json_object_new_double((double)r->virt_us / 1e6));
	for (size_t i = 0; i < r->npes; i++) {
		struct pe_stats *s = &r->pes[i];
		json_object *p = json_object_new_object();

		json_object_object_add(p, "pe", json_object_new_string(s->name));
		add_int(p, "faults", s->faults);
		add_int(p, "recoveries", s->recoveries);
		add_int(p, "thaw", s->thaw);
		add_int(p, "reset", s->reset_path);
		add_int(p, "hotplug", s->hotplug);
		add_int(p, "by_parent_reset", s->by_parent);
		add_int(p, "permanent_failures", s->perm);
		add_int(p, "removed", s->removed);
		add_int(p, "reset_attempts", s->resets);
		json_object_object_add(p, "recovery_ms", times_json(s));
		json_object_array_add(pes, p);
	}
	json_object_object_add(j, "pes", pes);
	json_object_object_add(j, "failures", json_object_get(r->failures));
	add_int(j, "spans_total", r->nspans);
	json_object_object_add(j, "spans", json_object_get(r->spans));
	return j;
}

static void write_junit(struct run *r, FILE *out)
{
	char buf[65536];
	size_t n;

	/* The same suite name in every shard: merged files group as one run. */
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites tests=\"%u\" failures=\"%u\" errors=\"0\" time=\"%.6f\">\n"
		"  <testsuite name=\"eeh-inject campaign seed %llu count %u\" tests=\"%u\" "
		"failures=\"%u\" errors=\"0\" skipped=\"0\" time=\"%.6f\">\n"
		"    <properties><property name=\"virtual_s\" value=\"%.6f\"/></properties>\n",
		r->done, r->failed, r->wall_s, (unsigned long long)r->o->seed, r->o->count, r->done,
		r->failed, r->wall_s, (double)r->virt_us / 1e6);
	rewind(r->junit);
	while ((n = fread(buf, 1, sizeof(buf), r->junit)) > 0)
		fwrite(buf, 1, n, out);
	fputs("  </testsuite>\n</testsuites>\n", out);
}

/* "I/N", 1 <= I <= N, digits only (sscanf's %u takes blanks and "-1"). */
static int parse_shard(const char *s, unsigned int *i, unsigned int *n)
{
	const char *slash = strchr(s, '/');
	char first[24];
	uint64_t a, b;

	if (!slash || (size_t)(slash - s) >= sizeof(first))
		return -1;
	memcpy(first, s, (size_t)(slash - s));
	first[slash - s] = '\0';
	if (cli_parse_u64(first, &a) || cli_parse_u64(slash + 1, &b) || b < 1 || b > UINT_MAX ||
	    a < 1 || a > b)
		return -1;
	*i = (unsigned int)a;
	*n = (unsigned int)b;
	return 0;
}

/* Cases go to a scratch file until the end: the suite header carries the counts. */
static int open_junit(struct run *r, const char *junit, FILE **out)
{
	*out = strcmp(junit, "-") ? fopen(junit, "w") : stdout;
	r->junit = *out ? tmpfile() : NULL;
	if (r->junit)
		return 0;
	fprintf(stderr, "%s: cannot write %s: %s\n", prog, junit, strerror(errno));
	if (*out && *out != stdout)
		fclose(*out);
	return -1;
}

/* The exit code of a run that returned rc, and its report unless stdout
 * already carries another one (TAP, JUnit). */
/* --html FILE, --trace FILE: drawn from the JSON summary (eeh-inject report). */
static int write_pictures(struct run *r, const char *html, const char *trace)
{
	json_object *j;
	int rc = 0;

	if (!html && !trace)
		return 0;
	j = summary_json(r);
	if (html)
		rc = report_write(html, j, report_html);
	if (trace && rc == 0)
		rc = report_write(trace, j, report_trace);
	json_object_put(j);
	return rc;
}

static int report(struct run *r, int rc, bool json, bool summary)
{
	if (rc < 0) {
		fprintf(stderr, "%s campaign: %s%s%s\n", prog,
			rc == -ENOENT || rc == -EINVAL ? "cannot load the topology " : strerror(-rc),
			rc == -ENOENT || rc == -EINVAL ? (r->o->topology ? r->o->topology : "(built-in)")
						       : "",
			rc == -ENOENT ? ": No such file or directory" : "");
		return EXIT_USAGE;
	}
	if (json) {
		json_object *j = summary_json(r);

		cli_print_json(j);
		json_object_put(j);
	} else if (summary) {
		print_summary(r);
	}
	return r->failed ? EXIT_REFUSED : EXIT_OK;
}

static int bad_value(const char *opt, const char *val, const char *want)
{
	fprintf(stderr, "%s campaign: %s %s: want %s\n", prog, opt, val, want);
	return EXIT_USAGE;
}

static int cmd_campaign(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *co)
{
	static const struct option lo[] = {
		{ "seed", required_argument, NULL, 's' },     { "count", required_argument, NULL, 'n' },
		{ "shard", required_argument, NULL, 'S' },    { "trial-len", required_argument, NULL, 'L' },
		{ "interval", required_argument, NULL, 'I' }, { "junit", required_argument, NULL, 'J' },
		{ "tap", no_argument, NULL, 'T' },	      { "json", no_argument, NULL, 'j' },
		{ "no-progress", no_argument, NULL, 'q' },    { "html", required_argument, NULL, 'H' },
		{ "trace", required_argument, NULL, 'R' },    { "bad-dma", required_argument, NULL, 'B' },
		{ NULL, 0, NULL, 0 },
	};
	struct eeh_campaign_opts o = { .size = sizeof(struct eeh_campaign_opts), .seed = 1, .count = 1000, .topology = co->topology };
	struct run r = { .o = &o, .last_pct = -1 };
	const char *junit = NULL;
	FILE *junit_out = NULL;
	bool json = co->json, no_progress = false;
	struct timespec t0;
	const char *html = NULL, *trace = NULL;
	uint64_t v;
	int c, rc;

	(void)ctx; /* each trial builds its own host */
	optind = 0; /* glibc: start over, permuting again */
	while ((c = getopt_long(argc, argv, "s:n:S:L:I:J:TjqH:R:B:", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			if (cli_parse_u64(optarg, &o.seed))
				return bad_value("--seed", optarg, "a number (0x for hex)");
			break;
		case 'n':
		case 'L':
			if (cli_parse_u64(optarg, &v) || v == 0 || v > 100000000)
				return bad_value(c == 'n' ? "--count" : "--trial-len", optarg,
						 "a number from 1 to 100000000");
			*(c == 'n' ? &o.count : &o.trial_len) = (unsigned int)v;
			break;
		case 'I':
			if (cli_parse_u64(optarg, &o.interval_ms) || o.interval_ms > 1000000000ULL)
				return bad_value("--interval", optarg,
						 "milliseconds from 0 to 1000000000");
			break;
		case 'S':
			if (parse_shard(optarg, &o.shard, &o.nshards))
				return bad_value("--shard", optarg, "I/N with 1 <= I <= N");
			break;
		case 'B':
			if (cli_parse_u64(optarg, &v) || v > 100)
				return bad_value("--bad-dma", optarg, "a percentage from 0 to 100");
			o.bad_dma_percent = (unsigned int)v;
			break;
		case 'J':
			junit = optarg;
			break;
		case 'T':
			r.tap = true;
			break;
		case 'j':
			json = true;
			break;
		case 'q':
			no_progress = true;
			break;
		case 'H':
			html = optarg;
			break;
		case 'R':
			trace = optarg;
			break;
		default:
			return cli_bad_option(prog, "campaign", argv, "s:n:S:L:I:J:TjqH:R:");
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s campaign: unexpected argument '%s'\n", prog, argv[optind]);
		return EXIT_USAGE;
	}
	if (co->image) {
		fprintf(stderr, "%s campaign: runs on fresh simulated hosts; use --topology\n", prog);
		return EXIT_USAGE;
	}
	if ((json && r.tap) || (junit && !strcmp(junit, "-") && (json || r.tap))) {
		fprintf(stderr, "%s campaign: --json, --tap and --junit - all write stdout; "
			"pick one\n", prog);
		return EXIT_USAGE;
	}
	rc = eeh_campaign_shard_size(&o);
	if (rc < 0) {
		fprintf(stderr, "%s campaign: %s\n", prog, strerror(-rc));
		return EXIT_USAGE;
	}
	r.total = (unsigned int)rc;
	r.progress = !no_progress && isatty(STDERR_FILENO) && r.total >= 10000;
	r.failures = json_object_new_array();
	r.spans = json_object_new_array();
	if (junit && open_junit(&r, junit, &junit_out) < 0) {
		json_object_put(r.failures);
		json_object_put(r.spans);
		return EXIT_USAGE;
	}
	if (r.tap)
		printf("TAP version 13\n1..%u\n", r.total);
	if (r.total == 0)
		fprintf(stderr, "%s campaign: warning: shard %u/%u is empty (%u case%s over %u "
			"shards)\n", prog, o.shard, o.nshards, o.count, o.count == 1 ? "" : "s",
			o.nshards);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r.last = t0;
	rc = eeh_campaign_run(&o, on_case, &r);
	r.wall_s = since(&t0);
	if (r.npes)
		qsort(r.pes, r.npes, sizeof(*r.pes), cmp_pe);
	if (r.progress)
		fprintf(stderr, "\r%*s\r", 78, "");
	if (r.junit) {
		write_junit(&r, junit_out);
		fclose(r.junit);
		if (junit_out != stdout)
			fclose(junit_out);
	}
	if (rc >= 0 && write_pictures(&r, html, trace) < 0)
		rc = -EIO;
	rc = report(&r, rc, json, !r.tap && !(junit && !strcmp(junit, "-")) &&
			    !(html && !strcmp(html, "-")) && !(trace && !strcmp(trace, "-")));
	for (size_t i = 0; i < r.npes; i++)
		free(r.pes[i].times_us);
	free(r.pes);
	json_object_put(r.failures);
	json_object_put(r.spans);
	return rc;
}

const struct cli_command inject_campaign = {
	.name = "campaign",
	.summary = "random faults, recovery, model check (see campaign --help)",
	.help = campaign_help,
	.run = cmd_campaign,
};
