/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * eeh-inject merge: the reports of a CI matrix's shards (campaign or
 * scenario; JSON, JUnit or TAP, as eeh-inject wrote them) joined into the
 * report of one run.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "eeh-inject.h"

static const char *prog = "eeh-inject";

static const char merge_help[] =
	"Usage: eeh-inject merge [--output FILE] FILE...\n"
	"\n"
	"Join reports that eeh-inject wrote (campaign shards, scenario runs) into\n"
	"one: all JSON (summed counters, per-PE recovery times re-ranked from the\n"
	"histograms, failures in case order; a shard missing from 1..N is\n"
	"warned about), all JUnit XML (one testsuite per suite name, testcases in\n"
	"name order, counts and times summed) or all TAP (test points numbered\n"
	"again under one plan). --output FILE ('-', the default: standard output).\n"
	"Exit status: 0 the merged run passed, 1 it has failures, 2 bad input.\n";

enum fmt { FMT_JSON, FMT_JUNIT, FMT_TAP };

static char *slurp(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (len + 65536 + 1 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 65536 + 1);

			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	if (buf)
		buf[len] = '\0';
	if (f != stdin)
		fclose(f);
	return buf;
}

static int format_of(const char *text, enum fmt *fmt)
{
	text += strspn(text, " \t\r\n");
	if (!strncmp(text, "<?xml", 5) || !strncmp(text, "<testsuites", 11))
		*fmt = FMT_JUNIT;
	else if (!strncmp(text, "TAP version", 11) || !strncmp(text, "1..", 3))
		*fmt = FMT_TAP;
	else if (text[0] == '{')
		*fmt = FMT_JSON;
	else
		return -1;
	return 0;
}

/* ---- JSON ---- */

static int64_t get_int(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : 0;
}

static double get_double(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_double(v) : 0;
}

static void add_to_int(json_object *dst, json_object *src, const char *key)
{
	json_object_object_add(dst, key, json_object_new_int64(get_int(dst, key) + get_int(src, key)));
}

static int cmp_hist(const void *a, const void *b)
{
	double x = json_object_get_double(json_object_array_get_idx(*(json_object *const *)a, 0));
	double y = json_object_get_double(json_object_array_get_idx(*(json_object *const *)b, 0));

	return x < y ? -1 : x > y;
}

/* Nearest rank over a sorted histogram [[ms, count], ...]. */
static double hist_rank(json_object *h, int64_t total, unsigned int pct)
{
	int64_t k = (total * pct + 99) / 100, seen = 0;

	for (size_t i = 0; i < json_object_array_length(h); i++) {
		json_object *b = json_object_array_get_idx(h, i);

		seen += json_object_get_int64(json_object_array_get_idx(b, 1));
		if (seen >= (k ? k : 1))
			return json_object_get_double(json_object_array_get_idx(b, 0));
	}
	return 0;
}

/* Add src's histogram into dst's recovery_ms and rank the times again. */
static void merge_times(json_object *dst, json_object *src)
{
	json_object *dt, *st, *dh, *sh;
	int64_t total = 0;
	size_t n;

	if (!json_object_object_get_ex(dst, "recovery_ms", &dt) ||
	    !json_object_object_get_ex(dt, "histogram", &dh))
		return;
	if (src && json_object_object_get_ex(src, "recovery_ms", &st) &&
	    json_object_object_get_ex(st, "histogram", &sh)) {
		for (size_t i = 0; i < json_object_array_length(sh); i++) {
			json_object *b = json_object_array_get_idx(sh, i);
			double ms = json_object_get_double(json_object_array_get_idx(b, 0));
			size_t k;

			for (k = 0; k < json_object_array_length(dh); k++) {
				json_object *d = json_object_array_get_idx(dh, k);

				if (json_object_get_double(json_object_array_get_idx(d, 0)) == ms) {
					json_object_array_put_idx(d, 1, json_object_new_int64(
						json_object_get_int64(json_object_array_get_idx(d, 1)) +
						json_object_get_int64(json_object_array_get_idx(b, 1))));
					break;
				}
			}
			if (k == json_object_array_length(dh))
				json_object_array_add(dh, json_object_get(b));
		}
	}
	json_object_array_sort(dh, cmp_hist);
	n = json_object_array_length(dh);
	for (size_t i = 0; i < n; i++)
		total += json_object_get_int64(
			json_object_array_get_idx(json_object_array_get_idx(dh, i), 1));
	if (!n)
		return;
	json_object_object_add(dt, "min", json_object_new_double(json_object_get_double(
				       json_object_array_get_idx(json_object_array_get_idx(dh, 0), 0))));
	json_object_object_add(dt, "p50", json_object_new_double(hist_rank(dh, total, 50)));
	json_object_object_add(dt, "median", json_object_new_double(hist_rank(dh, total, 50)));
	json_object_object_add(dt, "p90", json_object_new_double(hist_rank(dh, total, 90)));
	json_object_object_add(dt, "p99", json_object_new_double(hist_rank(dh, total, 99)));
	json_object_object_add(dt, "max", json_object_new_double(json_object_get_double(
				       json_object_array_get_idx(json_object_array_get_idx(dh, n - 1), 0))));
}

static const char *const pe_counters[] = { "faults", "recoveries", "thaw", "reset", "hotplug",
					   "by_parent_reset", "permanent_failures", "removed",
					   "reset_attempts", NULL };

static json_object *pe_named(json_object *pes, const char *name)
{
	for (size_t i = 0; i < json_object_array_length(pes); i++) {
		json_object *p = json_object_array_get_idx(pes, i), *v;

		if (json_object_object_get_ex(p, "pe", &v) && !strcmp(json_object_get_string(v), name))
			return p;
	}
	return NULL;
}

static int cmp_pe_json(const void *a, const void *b)
{
	json_object *x, *y;
	unsigned int xp = 0, xn = 0, yp = 0, yn = 0;

	json_object_object_get_ex(*(json_object *const *)a, "pe", &x);
	json_object_object_get_ex(*(json_object *const *)b, "pe", &y);
	sscanf(json_object_get_string(x), "phb%u:pe%x", &xp, &xn);
	sscanf(json_object_get_string(y), "phb%u:pe%x", &yp, &yn);
	return xp != yp ? (xp < yp ? -1 : 1) : xn != yn ? (xn < yn ? -1 : 1) : 0;
}

static int cmp_failure(const void *a, const void *b)
{
	int64_t x = get_int(*(json_object *const *)a, "index");
	int64_t y = get_int(*(json_object *const *)b, "index");

	return x < y ? -1 : x > y;
}

/* A shard's spans start at its own virtual zero: move them behind the
 * shards before it (offset_us, the virtual time those took). */
static void merge_spans(json_object *out, json_object *in, int64_t offset_us)
{
	json_object *os, *is;
	static const char *const keys[] = { "inject_us", "detect_us", "end_us" };

	if (!json_object_object_get_ex(out, "spans", &os) || !json_object_object_get_ex(in, "spans", &is))
		return;
	for (size_t i = 0; i < json_object_array_length(is); i++) {
		json_object *sp = NULL;

		json_object_deep_copy(json_object_array_get_idx(is, i), &sp, NULL);
		for (size_t k = 0; k < 3; k++)
			json_object_object_add(sp, keys[k],
					       json_object_new_int64(get_int(sp, keys[k]) + offset_us));
		json_object_array_add(os, sp);
	}
}

static int cmp_span(const void *a, const void *b)
{
	int64_t x = get_int(*(json_object *const *)a, "case");
	int64_t y = get_int(*(json_object *const *)b, "case");

	return x < y ? -1 : x > y;
}

/* The campaign's cap on spans kept (tools/eeh-inject-campaign.c). */
#define MAX_SPANS 5000

static int cmp_doc_shard(const void *a, const void *b)
{
	int64_t x = get_int(*(json_object *const *)a, "shard");
	int64_t y = get_int(*(json_object *const *)b, "shard");

	return x < y ? -1 : x > y;
}

static void merge_campaign(json_object *out, json_object *in)
{
	json_object *ok, *ik, *opes, *ipes, *of, *inf;

	merge_spans(out, in, (int64_t)(get_double(out, "virtual_s") * 1e6 + 0.5));
	add_to_int(out, in, "spans_total");

	add_to_int(out, in, "cases");
	add_to_int(out, in, "failed");
	json_object_object_add(out, "wall_s", json_object_new_double(get_double(out, "wall_s") +
								     get_double(in, "wall_s")));
	json_object_object_add(out, "virtual_s",
			       json_object_new_double(get_double(out, "virtual_s") +
						      get_double(in, "virtual_s")));
	if (json_object_object_get_ex(out, "faults_by_kind", &ok) &&
	    json_object_object_get_ex(in, "faults_by_kind", &ik)) {
		json_object_object_foreach(ik, k, v) {
			(void)v;
			add_to_int(ok, ik, k);
		}
	}
	if (json_object_object_get_ex(out, "pes", &opes) && json_object_object_get_ex(in, "pes", &ipes))
		for (size_t i = 0; i < json_object_array_length(ipes); i++) {
			json_object *p = json_object_array_get_idx(ipes, i), *name, *dst;

			if (!json_object_object_get_ex(p, "pe", &name))
				continue;
			dst = pe_named(opes, json_object_get_string(name));
			if (!dst) {
				json_object *copy = NULL;

				json_object_deep_copy(p, &copy, NULL);
				json_object_array_add(opes, copy);
				continue;
			}
			for (size_t c = 0; pe_counters[c]; c++)
				add_to_int(dst, p, pe_counters[c]);
			merge_times(dst, p);
		}
	if (json_object_object_get_ex(out, "failures", &of) &&
	    json_object_object_get_ex(in, "failures", &inf))
		for (size_t i = 0; i < json_object_array_length(inf); i++)
			json_object_array_add(of, json_object_get(json_object_array_get_idx(inf, i)));
}

static void merge_scenarios(json_object *out, json_object *in)
{
	json_object *os, *is;

	if (!json_object_object_get_ex(out, "scenarios", &os) ||
	    !json_object_object_get_ex(in, "scenarios", &is))
		return;
	for (size_t i = 0; i < json_object_array_length(is); i++)
		json_object_array_add(os, json_object_get(json_object_array_get_idx(is, i)));
	add_to_int(out, in, "files");
	add_to_int(out, in, "failed_files");
	merge_spans(out, in, 0);
}

/* A campaign's shards: the same seed and count, each shard once. */
static int check_shards(json_object **docs, char **paths, int n)
{
	int64_t seed = get_int(docs[0], "seed"), count = get_int(docs[0], "count");
	int64_t nshards = get_int(docs[0], "shards");
	char *seen = nshards > 0 ? calloc((size_t)nshards + 1, 1) : NULL;
	int r = 0;

	for (int i = 0; i < n && r == 0; i++) {
		int64_t shard = get_int(docs[i], "shard");

		if (get_int(docs[i], "seed") != seed || get_int(docs[i], "count") != count ||
		    get_int(docs[i], "shards") != nshards) {
			fprintf(stderr, "%s merge: %s: another campaign (seed, count or shards differ "
				"from %s)\n", prog, paths[i], paths[0]);
			r = -1;
		} else if (seen && (shard < 1 || shard > nshards || seen[shard]++)) {
			fprintf(stderr, "%s merge: %s: shard %lld %s\n", prog, paths[i],
				(long long)shard, shard < 1 || shard > nshards ? "out of range"
										  : "given twice");
			r = -1;
		}
	}
	for (int64_t s = 1; r == 0 && seen && s <= nshards; s++)
		if (!seen[s])
			fprintf(stderr, "%s merge: warning: shard %lld/%lld is missing\n", prog,
				(long long)s, (long long)nshards);
	free(seen);
	return r;
}

static int merge_json(char **paths, char **texts, int n, FILE *out)
{
	json_object **docs = calloc((size_t)n, sizeof(*docs)), *m = NULL, *pes, *fails, *spans;
	bool campaign;
	int rc = EXIT_USAGE;

	if (!docs)
		return EXIT_REFUSED;
	for (int i = 0; i < n; i++) {
		docs[i] = cli_json_parse("eeh-inject merge", paths[i], texts[i]);
		if (!docs[i])
			goto out;
		if (!json_object_is_type(docs[i], json_type_object)) {
			fprintf(stderr, "%s merge: %s: not a JSON report\n", prog, paths[i]);
			goto out;
		}
	}
	campaign = json_object_object_get_ex(docs[0], "pes", NULL);
	for (int i = 0; i < n; i++)
		if (json_object_object_get_ex(docs[i], campaign ? "pes" : "scenarios", NULL) == 0) {
			fprintf(stderr, "%s merge: %s: not a %s report like %s\n", prog, paths[i],
				campaign ? "campaign" : "scenario", paths[0]);
			goto out;
		}
	if (campaign && check_shards(docs, paths, n) < 0)
		goto out;
	if (campaign)
		qsort(docs, (size_t)n, sizeof(*docs), cmp_doc_shard);
	json_object_deep_copy(docs[0], &m, NULL);
	for (int i = 1; i < n; i++)
		(campaign ? merge_campaign : merge_scenarios)(m, docs[i]);
	if (campaign) {
		json_object_object_del(m, "shard");
		json_object_object_del(m, "shards");
		if (json_object_object_get_ex(m, "pes", &pes)) {
			json_object_array_sort(pes, cmp_pe_json);
			for (size_t i = 0; i < json_object_array_length(pes); i++)
				merge_times(json_object_array_get_idx(pes, i), NULL);
		}
		if (json_object_object_get_ex(m, "failures", &fails))
			json_object_array_sort(fails, cmp_failure);
		if (json_object_object_get_ex(m, "spans", &spans)) {
			json_object_array_sort(spans, cmp_span);
			if (json_object_array_length(spans) > MAX_SPANS)
				json_object_array_del_idx(spans, MAX_SPANS,
							  json_object_array_length(spans) - MAX_SPANS);
		}
		json_object_object_add(m, "passed", json_object_new_boolean(get_int(m, "failed") == 0));
		rc = get_int(m, "failed") ? EXIT_REFUSED : EXIT_OK;
	} else {
		json_object_object_add(m, "passed",
				       json_object_new_boolean(get_int(m, "failed_files") == 0));
		rc = get_int(m, "failed_files") ? EXIT_REFUSED : EXIT_OK;
	}
	fprintf(out, "%s\n", json_object_to_json_string_ext(m, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_SPACED |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(m);
out:
	for (int i = 0; i < n; i++)
		json_object_put(docs[i]);
	free(docs);
	return rc;
}

/* ---- JUnit ---- */

struct tcase {
	char *name; /* the name attribute, for the order */
	char *text; /* the whole element, with its indentation and newline */
};

struct suite {
	char *name;
	unsigned long tests, failures, errors, skipped;
	double time, virtual_s;
	bool has_virtual;
	struct tcase *cases;
	size_t ncases;
};

static char *dup_range(const char *a, const char *b)
{
	char *s = malloc((size_t)(b - a) + 1);

	if (s) {
		memcpy(s, a, (size_t)(b - a));
		s[b - a] = '\0';
	}
	return s;
}

/* The value of attr="..." in the tag that starts at tag (up to its '>'). */
static char *attr(const char *tag, const char *name)
{
	const char *end = strchr(tag, '>'), *p = tag;
	size_t n = strlen(name);

	while ((p = strstr(p, name)) && p < end) {
		if (p[-1] == ' ' && p[n] == '=' && p[n + 1] == '"') {
			const char *v = p + n + 2, *q = strchr(v, '"');

			return q ? dup_range(v, q) : NULL;
		}
		p += n;
	}
	return NULL;
}

static double attr_num(const char *tag, const char *name)
{
	char *v = attr(tag, name);
	double d = v ? strtod(v, NULL) : 0;

	free(v);
	return d;
}

static struct suite *suite_named(struct suite **ss, size_t *n, const char *name)
{
	struct suite *s;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*ss)[i].name, name))
			return &(*ss)[i];
	s = realloc(*ss, (*n + 1) * sizeof(*s));
	if (!s)
		return NULL;
	*ss = s;
	s = &s[(*n)++];
	memset(s, 0, sizeof(*s));
	s->name = strdup(name);
	return s;
}

static int add_cases(struct suite *s, const char *p, const char *end)
{
	while ((p = strstr(p, "<testcase")) && p < end) {
		const char *line = p, *gt = strchr(p, '>'), *close;
		struct tcase *n;

		while (line > p - 8 && line[-1] == ' ')
			line--;
		if (!gt)
			return -1;
		close = gt[-1] == '/' ? gt + 1 : strstr(gt, "</testcase>");
		if (!close)
			return -1;
		if (gt[-1] != '/')
			close += strlen("</testcase>");
		if (*close == '\n')
			close++;
		n = realloc(s->cases, (s->ncases + 1) * sizeof(*n));
		if (!n)
			return -1;
		s->cases = n;
		n[s->ncases].name = attr(p, "name");
		n[s->ncases].text = dup_range(line, close);
		s->ncases++;
		p = close;
	}
	return 0;
}

static int cmp_case(const void *a, const void *b)
{
	const struct tcase *x = a, *y = b;

	return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

static int parse_junit(const char *path, const char *text, struct suite **ss, size_t *nss)
{
	const char *p = text;

	while ((p = strstr(p, "<testsuite "))) {
		const char *end = strstr(p, "</testsuite>"), *prop;
		char *name = attr(p, "name");
		struct suite *s = suite_named(ss, nss, name ? name : "");

		free(name);
		if (!s || !end) {
			fprintf(stderr, "%s merge: %s: a testsuite without its end\n", prog, path);
			return -1;
		}
		s->tests += (unsigned long)attr_num(p, "tests");
		s->failures += (unsigned long)attr_num(p, "failures");
		s->errors += (unsigned long)attr_num(p, "errors");
		s->skipped += (unsigned long)attr_num(p, "skipped");
		s->time += attr_num(p, "time");
		prop = strstr(p, "<property name=\"virtual_s\"");
		if (prop && prop < end && (!strstr(p, "<testcase") || prop < strstr(p, "<testcase"))) {
			s->virtual_s += attr_num(prop, "value");
			s->has_virtual = true;
		}
		if (add_cases(s, p, end) < 0) {
			fprintf(stderr, "%s merge: %s: a testcase without its end\n", prog, path);
			return -1;
		}
		p = end + strlen("</testsuite>");
	}
	return 0;
}

static int merge_junit(char **paths, char **texts, int n, FILE *out)
{
	struct suite *ss = NULL;
	size_t nss = 0;
	unsigned long tests = 0, failures = 0, errors = 0;
	double time = 0;
	int rc = EXIT_OK;

	for (int i = 0; i < n && rc == EXIT_OK; i++)
		if (parse_junit(paths[i], texts[i], &ss, &nss) < 0)
			rc = EXIT_USAGE;
	for (size_t i = 0; i < nss; i++) {
		tests += ss[i].tests;
		failures += ss[i].failures;
		errors += ss[i].errors;
		time += ss[i].time;
	}
	if (rc == EXIT_OK) {
		fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"%lu\" "
			"failures=\"%lu\" errors=\"%lu\" time=\"%.6f\">\n", tests, failures, errors,
			time);
		for (size_t i = 0; i < nss; i++) {
			struct suite *s = &ss[i];

			if (s->ncases)
				qsort(s->cases, s->ncases, sizeof(*s->cases), cmp_case);
			fputs("  <testsuite name=\"", out);
			cli_xml_escape(out, s->name);
			fprintf(out, "\" tests=\"%lu\" failures=\"%lu\" errors=\"%lu\" skipped=\"%lu\" "
				"time=\"%.6f\">\n", s->tests, s->failures, s->errors, s->skipped,
				s->time);
			if (s->has_virtual)
				fprintf(out, "    <properties><property name=\"virtual_s\" "
					"value=\"%.6f\"/></properties>\n", s->virtual_s);
			for (size_t k = 0; k < s->ncases; k++)
				fputs(s->cases[k].text, out);
			fputs("  </testsuite>\n", out);
		}
		fputs("</testsuites>\n", out);
		rc = failures || errors ? EXIT_REFUSED : EXIT_OK;
	}
	for (size_t i = 0; i < nss; i++) {
		for (size_t k = 0; k < ss[i].ncases; k++) {
			free(ss[i].cases[k].name);
			free(ss[i].cases[k].text);
		}
		free(ss[i].cases);
		free(ss[i].name);
	}
	free(ss);
	return rc;
}

/* ---- TAP ---- */

static int merge_tap(char **paths, char **texts, int n, FILE *out)
{
	unsigned long total = 0, no = 0, bad = 0;

	(void)paths;
	for (int i = 0; i < n; i++)
		for (const char *p = texts[i]; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
			if (!strncmp(p, "1..", 3))
				total += strtoul(p + 3, NULL, 10);
	fprintf(out, "TAP version 13\n1..%lu\n", total);
	for (int i = 0; i < n; i++) {
		const char *p = texts[i];

		while (p && *p) {
			const char *nl = strchr(p, '\n'), *e = nl ? nl : p + strlen(p);
			bool notok = !strncmp(p, "not ok ", 7);

			if (notok || !strncmp(p, "ok ", 3)) {
				const char *rest = p + (notok ? 7 : 3);

				rest += strspn(rest, "0123456789");
				fprintf(out, "%s %lu%.*s\n", notok ? "not ok" : "ok", ++no,
					(int)(e - rest), rest);
				bad += notok;
			} else if (strncmp(p, "TAP version", 11) && strncmp(p, "1..", 3)) {
				fprintf(out, "%.*s\n", (int)(e - p), p);
			}
			p = nl ? nl + 1 : NULL;
		}
	}
	if (no != total)
		fprintf(stderr, "%s merge: warning: the plans add up to %lu tests, the files hold "
			"%lu\n", prog, total, no);
	return bad ? EXIT_REFUSED : EXIT_OK;
}

static int cmd_merge(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *co)
{
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'o' }, { NULL, 0, NULL, 0 },
	};
	const char *output = "-";
	char **texts;
	enum fmt fmt = FMT_JSON, f;
	FILE *out;
	int c, n, rc = EXIT_OK;

	(void)ctx, (void)co;
	optind = 0;
	while ((c = getopt_long(argc, argv, "o:", lo, NULL)) != -1) {
		if (c != 'o')
			return cli_bad_option(prog, "merge", argv, "o:");
		output = optarg;
	}
	n = argc - optind;
	if (n < 1) {
		fprintf(stderr, "%s merge: name the reports to merge (see 'eeh-inject merge --help')\n",
			prog);
		return EXIT_USAGE;
	}
	texts = calloc((size_t)n, sizeof(*texts));
	if (!texts)
		return EXIT_REFUSED;
	for (int i = 0; i < n && rc == EXIT_OK; i++) {
		texts[i] = slurp(argv[optind + i]);
		if (!texts[i]) {
			fprintf(stderr, "%s merge: %s: %s\n", prog, argv[optind + i], strerror(errno));
			rc = EXIT_USAGE;
		} else if (format_of(texts[i], &f) < 0 || (i && f != fmt)) {
			fprintf(stderr, "%s merge: %s: %s\n", prog, argv[optind + i],
				i && format_of(texts[i], &f) == 0 ? "another format than the first file"
								    : "not a JSON, JUnit or TAP report");
			rc = EXIT_USAGE;
		} else {
			fmt = f;
		}
	}
	out = rc == EXIT_OK && strcmp(output, "-") ? fopen(output, "w") : stdout;
	if (!out) {
		fprintf(stderr, "%s merge: --output %s: %s\n", prog, output, strerror(errno));
		rc = EXIT_USAGE;
	}
	if (rc == EXIT_OK)
		rc = fmt == FMT_JSON ? merge_json(argv + optind, texts, n, out)
		     : fmt == FMT_JUNIT ? merge_junit(argv + optind, texts, n, out)
					: merge_tap(argv + optind, texts, n, out);
	if (out && out != stdout)
		fclose(out);
	for (int i = 0; i < n; i++)
		free(texts[i]);
	free(texts);
	return rc;
}

const struct cli_command inject_merge = {
	.name = "merge",
	.args = "FILE...",
	.summary = "join shard reports (JSON, JUnit or TAP) into one",
	.help = merge_help,
	.run = cmd_merge,
};
