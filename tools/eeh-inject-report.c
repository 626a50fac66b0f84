/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * eeh-inject report: a campaign's or scenario run's JSON report drawn as
 * one self-contained HTML page (inline SVG, no script, nothing fetched)
 * and as Chrome/Perfetto trace-event JSON.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "eeh-inject.h"

static const char *prog = "eeh-inject";

static const char report_help[] =
	"Usage: eeh-inject report [--html FILE] [--trace FILE] REPORT.json\n"
	"\n"
	"Draw the JSON report of a campaign (campaign --json, or merged shards)\n"
	"or of scenarios (scenario --json). --html FILE: one self-contained page\n"
	"(inline SVG, nothing fetched) with the outcome breakdown per PE, each\n"
	"PE's recovery-time distribution and a timeline of inject -> detect ->\n"
	"recover per PE. --trace FILE: the same spans as Chrome/Perfetto\n"
	"trace-event JSON (chrome://tracing, ui.perfetto.dev). '-' is stdout.\n"
	"Exit status: 0 written, 2 bad input or an unwritable file.\n";

#define W 860 /* the charts' width in pixels */
#define LABEL 110

/* The outcome columns of the campaign table, in its order, with colours. */
static const struct {
	const char *key, *label, *colour;
} outcome_cols[] = {
	{ "thaw", "recovered: thaw", "#2e7d32" },   { "reset", "recovered: reset", "#66bb6a" },
	{ "hotplug", "recovered: hotplug", "#a5d6a7" }, { "by_parent_reset", "parent", "#42a5f5" },
	{ "permanent_failures", "perm", "#e53935" }, { "removed", "removed", "#ff9800" },
};
#define NCOLS (sizeof(outcome_cols) / sizeof(outcome_cols[0]))

static int64_t int_of(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : 0;
}

static const char *str_of(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

static json_object *arr_of(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_array)
		       ? v : NULL;
}

static size_t len_of(json_object *a)
{
	return a ? json_object_array_length(a) : 0;
}

/* The PEs a report names: its per-PE rows, then any its spans add. */
struct names {
	const char **v;
	size_t n;
};

static void add_name(struct names *ns, const char *name)
{
	const char **n;

	for (size_t i = 0; i < ns->n; i++)
		if (!strcmp(ns->v[i], name))
			return;
	n = realloc(ns->v, (ns->n + 1) * sizeof(*n));
	if (!n)
		return;
	ns->v = n;
	ns->v[ns->n++] = name;
}

static size_t index_of(const struct names *ns, const char *name)
{
	for (size_t i = 0; i < ns->n; i++)
		if (!strcmp(ns->v[i], name))
			return i;
	return 0;
}

static void pe_names(json_object *doc, struct names *ns)
{
	json_object *pes = arr_of(doc, "pes"), *spans = arr_of(doc, "spans");

	for (size_t i = 0; i < len_of(pes); i++)
		add_name(ns, str_of(json_object_array_get_idx(pes, i), "pe"));
	for (size_t i = 0; i < len_of(spans); i++)
		add_name(ns, str_of(json_object_array_get_idx(spans, i), "pe"));
}

static void esc(FILE *f, const char *s)
{
	cli_xml_escape(f, s);
}

/* ---- outcomes: a stacked bar per PE ---- */

static void outcomes_svg(FILE *f, json_object *doc, const struct names *ns)
{
	json_object *pes = arr_of(doc, "pes");
	int64_t most = 1;
	int h = 24 * (int)ns->n + 40;

	for (size_t i = 0; i < len_of(pes); i++)
		if (int_of(json_object_array_get_idx(pes, i), "faults") > most)
			most = int_of(json_object_array_get_idx(pes, i), "faults");
	fprintf(f, "<svg id=\"outcomes\" width=\"%d\" height=\"%d\" role=\"img\">\n", W, h);
	for (size_t k = 0; k < NCOLS; k++)
		fprintf(f, "<rect x=\"%zu\" y=\"4\" width=\"10\" height=\"10\" fill=\"%s\"/>"
			"<text x=\"%zu\" y=\"13\" class=\"small\">%s</text>\n", LABEL + k * 125,
			outcome_cols[k].colour, LABEL + k * 125 + 14, outcome_cols[k].label);
	for (size_t i = 0; i < ns->n; i++) {
		json_object *p = NULL;
		double x = LABEL;
		int y = 28 + 24 * (int)i;

		for (size_t k = 0; k < len_of(pes); k++)
			if (!strcmp(str_of(json_object_array_get_idx(pes, k), "pe"), ns->v[i]))
				p = json_object_array_get_idx(pes, k);
		fprintf(f, "<g class=\"outcome-row\" data-pe=\"");
		esc(f, ns->v[i]);
		fprintf(f, "\"><text x=\"4\" y=\"%d\" class=\"pe-label\">", y + 13);
		esc(f, ns->v[i]);
		fprintf(f, "</text>");
		for (size_t k = 0; p && k < NCOLS; k++) {
			int64_t n = int_of(p, outcome_cols[k].key);
			double w = (double)n * (W - LABEL - 60) / (double)most;

			if (n)
				fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"18\" "
					"fill=\"%s\"><title>%s: %lld</title></rect>", x, y, w,
					outcome_cols[k].colour, outcome_cols[k].label, (long long)n);
			x += w;
		}
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"small\">%lld</text></g>\n", x + 4,
			y + 13, (long long)(p ? int_of(p, "faults") : 0));
	}
	fprintf(f, "</svg>\n");
}

/* Scenario files: checks that held and failed. */
static void scenario_outcomes_svg(FILE *f, json_object *doc)
{
	json_object *sc = arr_of(doc, "scenarios");
	int h = 24 * (int)len_of(sc) + 16;

	fprintf(f, "<svg id=\"scenario-outcomes\" width=\"%d\" height=\"%d\" role=\"img\">\n", W, h);
	for (size_t i = 0; i < len_of(sc); i++) {
		json_object *s = json_object_array_get_idx(sc, i);
		int64_t n = (int64_t)len_of(arr_of(s, "checks")), bad = int_of(s, "failed");
		double unit = n ? (double)(W - 440) / (double)n : 0;
		const char *file = str_of(s, "file"), *base = strrchr(file, '/');
		int y = 8 + 24 * (int)i;

		fprintf(f, "<g class=\"scenario-row\"><text x=\"4\" y=\"%d\"><title>", y + 13);
		esc(f, file);
		fprintf(f, "</title>");
		esc(f, base ? base + 1 : file);
		fprintf(f, "</text><rect x=\"230\" y=\"%d\" width=\"%.1f\" height=\"18\" "
			"fill=\"#2e7d32\"/><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"18\" "
			"fill=\"#e53935\"/><text x=\"%.1f\" y=\"%d\" class=\"small\">%s: %lld of %lld "
			"checks held</text></g>\n", y, unit * (double)(n - bad), 230 + unit * (double)(n - bad),
			y, unit * (double)bad, 234 + unit * (double)n, y + 13, str_of(s, "result"),
			(long long)(n - bad), (long long)n);
	}
	fprintf(f, "</svg>\n");
}

/* ---- recovery times: a histogram per PE ---- */

struct bucket {
	double ms;
	int64_t n;
};

static size_t buckets_of(json_object *doc, const char *pe, struct bucket *b, size_t max)
{
	json_object *pes = arr_of(doc, "pes"), *spans = arr_of(doc, "spans"), *t, *h;
	size_t n = 0;

	for (size_t i = 0; i < len_of(pes); i++) {
		json_object *p = json_object_array_get_idx(pes, i);

		if (strcmp(str_of(p, "pe"), pe) || !json_object_object_get_ex(p, "recovery_ms", &t) ||
		    !(h = arr_of(t, "histogram")))
			continue;
		for (size_t k = 0; k < len_of(h) && n < max; k++) {
			json_object *e = json_object_array_get_idx(h, k);

			b[n].ms = json_object_get_double(json_object_array_get_idx(e, 0));
			b[n++].n = json_object_get_int64(json_object_array_get_idx(e, 1));
		}
		return n;
	}
	/* no histogram (a scenario report): the recovered spans */
	for (size_t i = 0; i < len_of(spans); i++) {
		json_object *s = json_object_array_get_idx(spans, i);
		double ms = (double)(int_of(s, "end_us") - int_of(s, "detect_us")) / 1000;
		size_t k;

		if (strcmp(str_of(s, "pe"), pe) || strcmp(str_of(s, "outcome"), "recovered"))
			continue;
		for (k = 0; k < n && b[k].ms != ms; k++)
			;
		if (k == n && n < max)
			b[n++] = (struct bucket){ ms, 0 };
		if (k < n)
			b[k].n++;
	}
	return n;
}

static void times_svg(FILE *f, json_object *doc, const struct names *ns)
{
	struct bucket b[64];
	int cell = 150, per_row = (W - 10) / cell, rows = ((int)ns->n + per_row - 1) / per_row;

	fprintf(f, "<svg id=\"times\" width=\"%d\" height=\"%d\" role=\"img\">\n", W,
		rows * 130 + 10);
	for (size_t i = 0; i < ns->n; i++) {
		size_t n = buckets_of(doc, ns->v[i], b, 64);
		int x0 = 10 + (int)(i % (size_t)per_row) * cell, y0 = 10 + (int)(i / (size_t)per_row) * 130;
		int64_t most = 1;
		double bw = n ? (double)(cell - 20) / (double)n : 0;

		for (size_t k = 0; k < n; k++)
			most = b[k].n > most ? b[k].n : most;
		fprintf(f, "<g class=\"times-row\" data-pe=\"");
		esc(f, ns->v[i]);
		fprintf(f, "\"><text x=\"%d\" y=\"%d\" class=\"pe-label\">", x0, y0 + 10);
		esc(f, ns->v[i]);
		fprintf(f, "</text><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>",
			x0, y0 + 100, x0 + cell - 20, y0 + 100);
		for (size_t k = 0; k < n; k++) {
			double h = 80.0 * (double)b[k].n / (double)most;

			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				"fill=\"#5c6bc0\"><title>%.0f ms: %lld</title></rect>"
				"<text x=\"%.1f\" y=\"%d\" class=\"tiny\">%.0f</text>", x0 + bw * (double)k + 1,
				y0 + 100 - h, bw - 2, h, b[k].ms, (long long)b[k].n,
				x0 + bw * (double)k + 1, y0 + 112, b[k].ms);
		}
		if (!n)
			fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"small\">no recovery</text>", x0,
				y0 + 60);
		fprintf(f, "</g>\n");
	}
	fprintf(f, "</svg>\n");
}

/* ---- timeline: inject -> detect -> recover per PE ---- */

static void timeline_svg(FILE *f, json_object *doc, const struct names *ns)
{
	json_object *spans = arr_of(doc, "spans");
	int64_t t0 = INT64_MAX, t1 = 0;
	double scale;

	for (size_t i = 0; i < len_of(spans); i++) {
		json_object *s = json_object_array_get_idx(spans, i);

		t0 = int_of(s, "inject_us") < t0 ? int_of(s, "inject_us") : t0;
		t1 = int_of(s, "end_us") > t1 ? int_of(s, "end_us") : t1;
	}
	if (t0 > t1)
		t0 = t1 = 0;
	scale = (double)(W - LABEL - 20) / (double)(t1 > t0 ? t1 - t0 : 1);
	fprintf(f, "<svg id=\"timeline\" width=\"%d\" height=\"%d\" role=\"img\">\n", W,
		22 * (int)ns->n + 40);
	for (size_t i = 0; i < ns->n; i++) {
		int y = 10 + 22 * (int)i;

		fprintf(f, "<g class=\"timeline-row\" data-pe=\"");
		esc(f, ns->v[i]);
		fprintf(f, "\"><text x=\"4\" y=\"%d\" class=\"pe-label\">", y + 12);
		esc(f, ns->v[i]);
		fprintf(f, "</text><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/></g>\n",
			LABEL, y + 8, W - 10, y + 8);
	}
	for (size_t i = 0; i < len_of(spans); i++) {
		json_object *s = json_object_array_get_idx(spans, i);
		int y = 10 + 22 * (int)index_of(ns, str_of(s, "pe"));
		double xi = LABEL + (double)(int_of(s, "inject_us") - t0) * scale;
		double xd = LABEL + (double)(int_of(s, "detect_us") - t0) * scale;
		double xe = LABEL + (double)(int_of(s, "end_us") - t0) * scale;
		bool ok = !strcmp(str_of(s, "outcome"), "recovered") ||
			  !strcmp(str_of(s, "outcome"), "not-frozen");

		fprintf(f, "<g class=\"span\"><title>%s: inject %.3f s, detect %.3f s, %s at %.3f s"
			"</title><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\"/>"
			"<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"12\" fill=\"%s\"/>"
			"<circle cx=\"%.1f\" cy=\"%d\" r=\"2.5\" fill=\"#000\"/></g>\n",
			str_of(s, "pe"), (double)int_of(s, "inject_us") / 1e6,
			(double)int_of(s, "detect_us") / 1e6, str_of(s, "outcome"),
			(double)int_of(s, "end_us") / 1e6, xi, y + 8, xd, y + 8, xd, y + 2,
			xe - xd < 2 ? 2 : xe - xd, ok ? "#43a047" : "#e53935", xi, y + 8);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"small\">%.3f s</text><text x=\"%d\" y=\"%d\" "
		"class=\"small\" text-anchor=\"end\">%.3f s (virtual)</text>\n</svg>\n", LABEL,
		22 * (int)ns->n + 30, (double)t0 / 1e6, W - 10, 22 * (int)ns->n + 30, (double)t1 / 1e6);
}

int report_html(json_object *doc, FILE *f)
{
	struct names ns = { 0 };
	bool campaign = arr_of(doc, "pes") != NULL;
	size_t nspans = len_of(arr_of(doc, "spans"));

	pe_names(doc, &ns);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>", f);
	fprintf(f, campaign ? "eeh-inject campaign seed %lld" : "eeh-inject scenarios",
		(long long)int_of(doc, "seed"));
	fputs("</title>\n<style>body{font-family:sans-serif;margin:16px;color:#222;background:#fff}"
	      "h1{font-size:20px}h2{font-size:16px;margin-top:24px}svg{display:block}"
	      "text{font-size:12px;fill:#222}.small{font-size:11px}.tiny{font-size:9px}"
	      ".pass{color:#2e7d32}.fail{color:#c62828}</style>\n</head><body>\n", f);
	if (campaign)
		fprintf(f, "<h1>Campaign seed %lld: %lld faults, <span class=\"%s\">%lld failed"
			"</span></h1>\n", (long long)int_of(doc, "seed"), (long long)int_of(doc, "cases"),
			int_of(doc, "failed") ? "fail" : "pass", (long long)int_of(doc, "failed"));
	else
		fprintf(f, "<h1>Scenarios: %lld files, <span class=\"%s\">%lld failed</span></h1>\n",
			(long long)int_of(doc, "files"), int_of(doc, "failed_files") ? "fail" : "pass",
			(long long)int_of(doc, "failed_files"));
	fprintf(f, "<p id=\"pe-count\" data-pes=\"%zu\">%zu PE%s</p>\n", ns.n, ns.n,
		ns.n == 1 ? "" : "s");
	fputs("<h2>Outcomes</h2>\n", f);
	if (campaign)
		outcomes_svg(f, doc, &ns);
	else
		scenario_outcomes_svg(f, doc);
	fputs("<h2>Recovery time per PE (virtual ms)</h2>\n", f);
	times_svg(f, doc, &ns);
	fprintf(f, "<h2>Timeline: inject &#8594; detect &#8594; recover</h2>\n<p class=\"small\">"
		"dot: injected; bar: from detection to the end of recovery (green recovered, red "
		"failed)%s</p>\n", nspans < (size_t)int_of(doc, "spans_total") ? "; the first spans only"
										: "");
	timeline_svg(f, doc, &ns);
	fputs("</body></html>\n", f);
	free(ns.v);
	return ferror(f) ? -EIO : 0;
}

int report_trace(json_object *doc, FILE *f)
{
	struct names ns = { 0 };
	json_object *spans = arr_of(doc, "spans");

	pe_names(doc, &ns);
	fputs("{\"displayTimeUnit\": \"ms\", \"traceEvents\": [\n", f);
	fputs("{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": 0, \"args\": "
	      "{\"name\": \"eeh-inject (virtual time)\"}}", f);
	for (size_t i = 0; i < ns.n; i++) {
		fprintf(f, ",\n{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": %zu, "
			"\"args\": {\"name\": \"%s\"}}", i + 1, ns.v[i]);
	}
	for (size_t i = 0; i < len_of(spans); i++) {
		json_object *s = json_object_array_get_idx(spans, i);
		size_t tid = index_of(&ns, str_of(s, "pe")) + 1;
		int64_t inj = int_of(s, "inject_us"), det = int_of(s, "detect_us"),
			end = int_of(s, "end_us");

		fprintf(f, ",\n{\"name\": \"inject %s\", \"cat\": \"fault\", \"ph\": \"i\", \"s\": \"t\", "
			"\"pid\": 1, \"tid\": %zu, \"ts\": %lld}", str_of(s, "kind"), tid, (long long)inj);
		if (det > inj)
			fprintf(f, ",\n{\"name\": \"detect\", \"cat\": \"fault\", \"ph\": \"X\", \"pid\": 1, "
				"\"tid\": %zu, \"ts\": %lld, \"dur\": %lld}", tid, (long long)inj,
				(long long)(det - inj));
		fprintf(f, ",\n{\"name\": \"recover: %s\", \"cat\": \"recovery\", \"ph\": \"X\", "
			"\"pid\": 1, \"tid\": %zu, \"ts\": %lld, \"dur\": %lld, \"args\": {\"pe\": "
			"\"%s\"}}", str_of(s, "outcome"), tid, (long long)det, (long long)(end - det),
			str_of(s, "pe"));
	}
	fputs("\n]}\n", f);
	free(ns.v);
	return ferror(f) ? -EIO : 0;
}

int report_write(const char *path, json_object *doc, int (*fn)(json_object *, FILE *))
{
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	int r;

	if (!f) {
		fprintf(stderr, "%s: cannot write %s: %s\n", prog, path, strerror(errno));
		return -1;
	}
	r = fn(doc, f);
	if (f != stdout && fclose(f) != 0)
		r = -errno;
	if (r < 0)
		fprintf(stderr, "%s: cannot write %s: %s\n", prog, path, strerror(-r));
	return r < 0 ? -1 : 0;
}

static int cmd_report(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *co)
{
	static const struct option lo[] = {
		{ "html", required_argument, NULL, 'H' }, { "trace", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	const char *html = NULL, *trace = NULL;
	json_object *doc;
	int c, rc = EXIT_OK;

	(void)ctx, (void)co;
	optind = 0;
	while ((c = getopt_long(argc, argv, "H:R:", lo, NULL)) != -1) {
		if (c == 'H')
			html = optarg;
		else if (c == 'R')
			trace = optarg;
		else
			return cli_bad_option(prog, "report", argv, "H:R:");
	}
	if (optind != argc - 1 || (!html && !trace)) {
		fprintf(stderr, "%s report: name one JSON report and --html FILE and/or --trace FILE "
			"(see 'eeh-inject report --help')\n", prog);
		return EXIT_USAGE;
	}
	doc = cli_json_load("eeh-inject report", argv[optind]);
	if (!doc)
		return EXIT_USAGE;
	if (!arr_of(doc, "pes") && !arr_of(doc, "scenarios")) {
		fprintf(stderr, "%s report: %s: not a campaign or scenario JSON report\n", prog,
			argv[optind]);
		json_object_put(doc);
		return EXIT_USAGE;
	}
	if (html && report_write(html, doc, report_html) < 0)
		rc = EXIT_USAGE;
	if (trace && rc == EXIT_OK && report_write(trace, doc, report_trace) < 0)
		rc = EXIT_USAGE;
	json_object_put(doc);
	return rc;
}

const struct cli_command inject_report = {
	.name = "report",
	.args = "REPORT.json",
	.summary = "draw a JSON report: --html FILE, --trace FILE",
	.help = report_help,
	.run = cmd_report,
};
