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
	"                  [--bad-dma PCT] [--no-progress]\n"
	"\n"
	"Draw N random faults (default 1000; IOA bus errors 0..19 with addresses in\n"
	"the PEs' BARs, freezes, PHB fences, bursts) over the simulated host,\n"
	"trip each with the traffic it breaks, run the recovery driver with random\n"
	"driver behaviours, and check every PE against the model: recovered on the\n"
	"path the drivers' answers call for, in the kernel's virtual time, or\n"
	"permanently failed past the freeze limit (then its adapter is replaced).\n"
	"The same seed gives the same run. Faults come in trials of L (default\n"
	"100), each on a fresh host; --shard I/N runs trials I-1, I-1+N, ... so\n"
	"shards are disjoint and their JUnit files hold the cases of one run.\n"
	"--interval is the mean virtual time between faults (default 600000 ms).\n"
	"--bad-dma PCT makes PCT% of the faults bad DMAs: a function's DMA to an\n"
	"address of its PE's default window with no valid TCE (default 0).\n"
	"\n"
	"Output: a per-PE summary; --json; --junit FILE (JUnit XML, '-' for stdout);\n"
	"--tap (TAP 13 on stdout). A progress bar shows on a terminal.\n"
	"Exit status: 0 every case passed, 1 a case failed, 2 bad input.\n";

struct pe_stats {
	char name[24];
	unsigned int faults, recoveries, resets, perm, replaced;
	unsigned int thaw, reset_path, hotplug, by_parent;
	uint64_t *times_us;
	size_t ntimes, captimes;
};

struct run {
	const struct eeh_campaign_opts *o;
	struct pe_stats *pes;
	size_t npes;
	unsigned int done, total, failed;
	unsigned int faults_by_kind[EEH_FAULT_BAD_DMA + 1];
	json_object *failures;
	FILE *junit;     /* the test cases, until the suite header is known */
	double junit_s;  /* virtual seconds of recovery in the cases */
	bool tap, progress;
	unsigned int tap_no;
	uint64_t virt_us, trial_us; /* virtual time: finished trials, this trial */
	unsigned int trial;
	int last_pct;
};

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

static void xml_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
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

static int on_case(const struct eeh_campaign_case *c, void *data)
{
	struct run *r = data;
	uint64_t case_us = 0;
	char name[96];

	r->done++;
	if ((unsigned int)c->kind < sizeof(r->faults_by_kind) / sizeof(r->faults_by_kind[0]))
		r->faults_by_kind[c->kind]++;
	for (unsigned int i = 0; i < c->npes; i++) {
		const struct eeh_campaign_pe *p = &c->pes[i];
		struct pe_stats *s = stats_for(r, p->pe);

		if (!s)
			return 1;
		s->faults++;
		s->resets += p->resets;
		if (p->outcome == EEH_RECOVERY_RECOVERED) {
			s->recoveries++;
			add_time(s, p->recovery_us);
			s->thaw += p->path == EEH_RECOVERY_PATH_THAW;
			s->reset_path += p->path == EEH_RECOVERY_PATH_RESET;
			s->hotplug += p->path == EEH_RECOVERY_PATH_HOTPLUG;
		} else if (p->outcome == EEH_RECOVERY_NOT_FROZEN) {
			s->recoveries++;
			s->by_parent++; /* its parent's reset recovered it */
		} else if (p->outcome == EEH_RECOVERY_PERM_FAILED) {
			s->perm++;
		}
		s->replaced += p->replaced && p->outcome == EEH_RECOVERY_PERM_FAILED;
		case_us += p->recovery_us;
	}
	if (c->trial != r->trial) {
		r->virt_us += r->trial_us;
		r->trial = c->trial;
	}
	r->trial_us = c->time_us;
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
	if (r->junit) {
		fprintf(r->junit, "    <testcase classname=\"eeh-inject.campaign.trial%04u\" name=\"",
			c->trial);
		xml_escape(r->junit, name);
		fprintf(r->junit, "\" time=\"%.3f\"", (double)case_us / 1e6);
		r->junit_s += (double)case_us / 1e6;
		if (c->passed) {
			fputs("/>\n", r->junit);
		} else {
			fputs(">\n      <failure message=\"", r->junit);
			xml_escape(r->junit, c->message);
			fputs("\"/>\n    </testcase>\n", r->junit);
		}
	}
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

static void time_stats(struct pe_stats *s, double *min, double *med, double *max)
{
	*min = *med = *max = 0;
	if (!s->ntimes)
		return;
	qsort(s->times_us, s->ntimes, sizeof(*s->times_us), cmp_u64);
	*min = (double)s->times_us[0] / 1000;
	*med = (double)s->times_us[s->ntimes / 2] / 1000;
	*max = (double)s->times_us[s->ntimes - 1] / 1000;
}

static int cmp_pe(const void *a, const void *b)
{
	const struct pe_stats *x = a, *y = b;
	unsigned int xp = 0, xn = 0, yp = 0, yn = 0;

	sscanf(x->name, "phb%u:pe%x", &xp, &xn);
	sscanf(y->name, "phb%u:pe%x", &yp, &yn);
	return xp != yp ? (xp < yp ? -1 : 1) : xn != yn ? (xn < yn ? -1 : 1) : 0;
}

static void print_summary(struct run *r, double wall_s)
{
	const struct eeh_campaign_opts *o = r->o;
	unsigned int tf = 0, tr = 0, tres = 0, tp = 0;

	printf("Campaign seed %llu: %u fault%s", (unsigned long long)o->seed, r->done,
	       r->done == 1 ? "" : "s");
	if (o->shard)
		printf(" (shard %u/%u of %u)", o->shard, o->nshards, o->count);
	printf(" on the %s host\n", o->topology ? o->topology : "built-in simulated");
	printf("  %u IOA bus errors, %u bursts, %u freezes, %u PHB fences",
	       r->faults_by_kind[EEH_FAULT_IOA], r->faults_by_kind[EEH_FAULT_STORM],
	       r->faults_by_kind[EEH_FAULT_FREEZE], r->faults_by_kind[EEH_FAULT_FENCE]);
	if (r->faults_by_kind[EEH_FAULT_BAD_DMA])
		printf(", %u bad DMAs", r->faults_by_kind[EEH_FAULT_BAD_DMA]);
	printf("\n\n");
	printf("%-12s %7s %10s %6s %6s %8s %7s %7s %5s   %s\n", "PE", "faults", "recovered", "thaw",
	       "reset", "hotplug", "parent", "resets", "perm", "recovery ms min/median/max");
	for (size_t i = 0; i < r->npes; i++) {
		struct pe_stats *s = &r->pes[i];
		double mn, md, mx;

		time_stats(s, &mn, &md, &mx);
		printf("%-12s %7u %10u %6u %6u %8u %7u %7u %5u   %.0f / %.0f / %.0f\n", s->name,
		       s->faults, s->recoveries, s->thaw, s->reset_path, s->hotplug, s->by_parent,
		       s->resets, s->perm, mn, md, mx);
		tf += s->faults;
		tr += s->recoveries;
		tres += s->resets;
		tp += s->perm;
	}
	printf("%-12s %7u %10u %6s %6s %8s %7s %7u %5u\n\n", "total", tf, tr, "", "", "", "", tres,
	       tp);
	printf("%s: %u of %u cases passed; %u permanent failure%s past the freeze limit "
	       "(adapters replaced)\n",
	       r->failed ? "FAIL" : "PASS", r->done - r->failed, r->done, tp, tp == 1 ? "" : "s");
	printf("%.3f s wall for %.1f h of virtual host time (%.0f inject->recover cycles/s)\n",
	       wall_s, (double)(r->virt_us + r->trial_us) / 3.6e9,
	       wall_s > 0 ? r->done / wall_s : 0.0);
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

static json_object *summary_json(struct run *r)
{
	json_object *j = json_object_new_object(), *pes = json_object_new_array();
	const struct eeh_campaign_opts *o = r->o;

	json_object_object_add(j, "seed", json_object_new_int64((int64_t)o->seed));
	json_object_object_add(j, "count", json_object_new_int((int)o->count));
	if (o->shard) {
		json_object_object_add(j, "shard", json_object_new_int((int)o->shard));
		json_object_object_add(j, "shards", json_object_new_int((int)o->nshards));
	}
	json_object_object_add(j, "cases", json_object_new_int((int)r->done));
	json_object_object_add(j, "failed", json_object_new_int((int)r->failed));
	json_object_object_add(j, "passed", json_object_new_boolean(r->failed == 0));
	for (size_t i = 0; i < r->npes; i++) {
		struct pe_stats *s = &r->pes[i];
		json_object *p = json_object_new_object(), *t = json_object_new_object();
		double mn, md, mx;

		time_stats(s, &mn, &md, &mx);
		json_object_object_add(p, "pe", json_object_new_string(s->name));
		json_object_object_add(p, "faults", json_object_new_int((int)s->faults));
		json_object_object_add(p, "recoveries", json_object_new_int((int)s->recoveries));
		json_object_object_add(p, "thaw", json_object_new_int((int)s->thaw));
		json_object_object_add(p, "reset", json_object_new_int((int)s->reset_path));
		json_object_object_add(p, "hotplug", json_object_new_int((int)s->hotplug));
		json_object_object_add(p, "by_parent_reset", json_object_new_int((int)s->by_parent));
		json_object_object_add(p, "reset_attempts", json_object_new_int((int)s->resets));
		json_object_object_add(p, "permanent_failures", json_object_new_int((int)s->perm));
		json_object_object_add(t, "min", json_object_new_double(mn));
		json_object_object_add(t, "median", json_object_new_double(md));
		json_object_object_add(t, "max", json_object_new_double(mx));
		json_object_object_add(p, "recovery_ms", t);
		json_object_array_add(pes, p);
	}
	json_object_object_add(j, "pes", pes);
	json_object_object_add(j, "failures", json_object_get(r->failures));
	return j;
}

static void write_junit(struct run *r, FILE *out)
{
	char buf[65536];
	size_t n;

	/* The same suite name in every shard: merged files group as one run. */
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites tests=\"%u\" failures=\"%u\" time=\"%.3f\">\n"
		"  <testsuite name=\"eeh-inject campaign seed %llu count %u\" tests=\"%u\" "
		"failures=\"%u\" errors=\"0\" skipped=\"0\" time=\"%.3f\">\n",
		r->done, r->failed, r->junit_s, (unsigned long long)r->o->seed, r->o->count, r->done,
		r->failed, r->junit_s);
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
static int report(struct run *r, int rc, bool json, bool summary, double wall_s)
{
	if (rc < 0) {
		fprintf(stderr, "%s campaign: %s\n", prog,
			rc == -ENOENT || rc == -EINVAL ? "cannot load the topology" : strerror(-rc));
		return EXIT_USAGE;
	}
	if (json) {
		json_object *j = summary_json(r);

		cli_print_json(j);
		json_object_put(j);
	} else if (summary) {
		print_summary(r, wall_s);
	}
	return r->failed ? EXIT_REFUSED : EXIT_OK;
}

static int cmd_campaign(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *co)
{
	static const struct option lo[] = {
		{ "seed", required_argument, NULL, 's' },     { "count", required_argument, NULL, 'n' },
		{ "shard", required_argument, NULL, 'S' },    { "trial-len", required_argument, NULL, 'L' },
		{ "interval", required_argument, NULL, 'I' }, { "junit", required_argument, NULL, 'J' },
		{ "tap", no_argument, NULL, 'T' },	      { "json", no_argument, NULL, 'j' },
		{ "no-progress", no_argument, NULL, 'q' },    { "bad-dma", required_argument, NULL, 'B' },
		{ NULL, 0, NULL, 0 },
	};
	struct eeh_campaign_opts o = { .size = sizeof(struct eeh_campaign_opts), .seed = 1, .count = 1000, .topology = co->topology };
	struct run r = { .o = &o, .last_pct = -1 };
	const char *junit = NULL;
	FILE *junit_out = NULL;
	bool json = co->json, no_progress = false;
	struct timespec t0, t1;
	uint64_t v;
	int c, rc;

	(void)ctx; /* each trial builds its own host */
	optind = 0; /* glibc: start over, permuting again */
	while ((c = getopt_long(argc, argv, "s:n:S:L:I:J:TjqB:", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			if (cli_parse_u64(optarg, &o.seed))
				goto bad;
			break;
		case 'n':
		case 'L':
			if (cli_parse_u64(optarg, &v) || v == 0 || v > 100000000)
				goto bad;
			*(c == 'n' ? &o.count : &o.trial_len) = (unsigned int)v;
			break;
		case 'I':
			if (cli_parse_u64(optarg, &o.interval_ms) || o.interval_ms > 1000000000ULL)
				goto bad;
			break;
		case 'S':
			if (parse_shard(optarg, &o.shard, &o.nshards)) {
				fprintf(stderr, "%s: --shard I/N with 1 <= I <= N\n", prog);
				return EXIT_USAGE;
			}
			break;
		case 'B':
			if (cli_parse_u64(optarg, &v) || v > 100)
				goto bad;
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
		default:
			return EXIT_USAGE;
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
	if (rc < 0)
		goto bad;
	r.total = (unsigned int)rc;
	r.progress = !no_progress && isatty(STDERR_FILENO) && r.total >= 10000;
	r.failures = json_object_new_array();
	if (junit && open_junit(&r, junit, &junit_out) < 0) {
		json_object_put(r.failures);
		return EXIT_USAGE;
	}
	if (r.tap)
		printf("TAP version 13\n1..%u\n", r.total);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = eeh_campaign_run(&o, on_case, &r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
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
	rc = report(&r, rc, json, !r.tap && !(junit && !strcmp(junit, "-")),
		    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	for (size_t i = 0; i < r.npes; i++)
		free(r.pes[i].times_us);
	free(r.pes);
	json_object_put(r.failures);
	return rc;
bad:
	fprintf(stderr, "%s campaign: bad value for an option (see 'eeh-inject campaign --help')\n",
		prog);
	return EXIT_USAGE;
}

const struct cli_command inject_campaign = {
	.name = "campaign",
	.summary = "random faults, recovery, model check (see campaign --help)",
	.help = campaign_help,
	.run = cmd_campaign,
};
