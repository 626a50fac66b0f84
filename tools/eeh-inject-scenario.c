/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * eeh-inject scenario: run scenario files (tools/scenario.c) and report
 * them as text, JSON, JUnit or TAP, like a campaign.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "eeh-inject.h"
#include "scenario.h"

static const char *prog = "eeh-inject";

static const char scenario_help[] =
	"Usage: eeh-inject scenario [--verbose] [--json] [--junit FILE] [--tap]\n"
	"                           [--html FILE] [--trace FILE] FILE...\n"
	"\n"
	"Run scenario files: a host, driver behaviours per function and steps\n"
	"(inject, freeze, fence, access, wait_ms, expect_state, recover with\n"
	"expectations, replace, repeat). Format: doc/scenarios.md. A key the\n"
	"format does not know is an error at FILE:LINE:COLUMN; a failed\n"
	"expectation names the field, what was expected and what happened.\n"
	"\n"
	"Output: a line per failed step (--verbose: every step); --json (schema:\n"
	"doc/schema/scenario.json); --junit FILE (JUnit XML, a testsuite per file,\n"
	"a testcase per step; '-' for stdout); --tap (TAP 13 on stdout);\n"
	"--html FILE, --trace FILE: pictures as 'eeh-inject report' draws them.\n"
	"Exit status: 0 every expectation held, 1 one failed, 2 a bad file.\n";

static const char *verdict(const struct scenario_report *r)
{
	return r->rc == 0 ? "pass" : r->rc == 1 ? "fail" : "error";
}

static json_object *check_json(const struct scenario_check *c)
{
	json_object *j = json_object_new_object();

	json_object_object_add(j, "step", json_object_new_int((int)c->step));
	json_object_object_add(j, "ok", json_object_new_boolean(c->ok));
	json_object_object_add(j, "text", json_object_new_string(c->text));
	if (!c->ok && c->field[0]) {
		json_object_object_add(j, "field", json_object_new_string(c->field));
		json_object_object_add(j, "expected", json_object_new_string(c->expected));
		json_object_object_add(j, "actual", json_object_new_string(c->actual));
	}
	json_object_object_add(j, "virtual_us", json_object_new_int64((int64_t)c->virt_us));
	json_object_object_add(j, "wall_s", json_object_new_double(c->wall_s));
	return j;
}

static json_object *span_json(const struct scenario_report *r, const struct scenario_span *sp)
{
	json_object *j = json_object_new_object();

	json_object_object_add(j, "pe", json_object_new_string(sp->pe));
	json_object_object_add(j, "file", json_object_new_string(r->path));
	json_object_object_add(j, "kind", json_object_new_string(sp->kind));
	json_object_object_add(j, "inject_us", json_object_new_int64((int64_t)sp->inject_us));
	json_object_object_add(j, "detect_us", json_object_new_int64((int64_t)sp->detect_us));
	json_object_object_add(j, "end_us", json_object_new_int64((int64_t)sp->end_us));
	json_object_object_add(j, "outcome", json_object_new_string(sp->outcome));
	return j;
}

static json_object *scenario_reports_json(const struct scenario_report *reps, size_t n)
{
	json_object *j = json_object_new_object(), *arr = json_object_new_array();
	json_object *spans = json_object_new_array();
	unsigned int failed = 0;

	for (size_t i = 0; i < n; i++) {
		const struct scenario_report *r = &reps[i];
		json_object *o = json_object_new_object(), *cs = json_object_new_array();

		failed += r->rc != 0;
		json_object_object_add(o, "file", json_object_new_string(r->path));
		json_object_object_add(o, "description", json_object_new_string(r->description));
		json_object_object_add(o, "result", json_object_new_string(verdict(r)));
		json_object_object_add(o, "passed", json_object_new_boolean(r->rc == 0));
		if (r->error[0])
			json_object_object_add(o, "error", json_object_new_string(r->error));
		json_object_object_add(o, "steps", json_object_new_int((int)r->steps));
		json_object_object_add(o, "failed", json_object_new_int((int)r->failed));
		json_object_object_add(o, "wall_s", json_object_new_double(r->wall_s));
		json_object_object_add(o, "virtual_s", json_object_new_double((double)r->virt_us / 1e6));
		for (size_t k = 0; k < r->nchecks; k++)
			json_object_array_add(cs, check_json(&r->checks[k]));
		for (size_t k = 0; k < r->nspans; k++)
			json_object_array_add(spans, span_json(r, &r->spans[k]));
		json_object_object_add(o, "checks", cs);
		json_object_array_add(arr, o);
	}
	json_object_object_add(j, "files", json_object_new_int((int)n));
	json_object_object_add(j, "spans", spans);
	json_object_object_add(j, "failed_files", json_object_new_int((int)failed));
	json_object_object_add(j, "passed", json_object_new_boolean(failed == 0));
	json_object_object_add(j, "scenarios", arr);
	return j;
}

static void junit_check(FILE *f, const struct scenario_report *r, const struct scenario_check *c)
{
	char name[300];

	snprintf(name, sizeof(name), "step %03u %s", c->step, c->text);
	fputs("    <testcase classname=\"", f);
	cli_xml_escape(f, r->path);
	fputs("\" name=\"", f);
	cli_xml_escape(f, name);
	fprintf(f, "\" time=\"%.6f\">\n      <properties><property name=\"virtual_us\" "
		"value=\"%llu\"/></properties>\n", c->wall_s, (unsigned long long)c->virt_us);
	if (!c->ok) {
		char msg[256];

		if (c->field[0])
			snprintf(msg, sizeof(msg), "%s: expected %s, got %s", c->field, c->expected,
				 c->actual);
		else
			snprintf(msg, sizeof(msg), "%s", c->text);
		fputs("      <failure message=\"", f);
		cli_xml_escape(f, msg);
		fputs("\"/>\n", f);
	}
	fputs("    </testcase>\n", f);
}

static void write_junit(FILE *f, const struct scenario_report *reps, size_t n)
{
	unsigned int tests = 0, failures = 0, errors = 0;
	double wall = 0;

	for (size_t i = 0; i < n; i++) {
		tests += reps[i].rc == 2 ? 1 : (unsigned int)reps[i].nchecks;
		failures += reps[i].rc == 2 ? 0 : reps[i].failed;
		errors += reps[i].rc == 2;
		wall += reps[i].wall_s;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"%u\" "
		"failures=\"%u\" errors=\"%u\" time=\"%.6f\">\n", tests, failures, errors, wall);
	for (size_t i = 0; i < n; i++) {
		const struct scenario_report *r = &reps[i];

		fputs("  <testsuite name=\"", f);
		cli_xml_escape(f, r->path);
		fprintf(f, "\" tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"0\" "
			"time=\"%.6f\">\n    <properties><property name=\"virtual_s\" "
			"value=\"%.6f\"/></properties>\n", r->rc == 2 ? 1 : (unsigned int)r->nchecks,
			r->rc == 2 ? 0 : r->failed, r->rc == 2, r->wall_s, (double)r->virt_us / 1e6);
		if (r->rc == 2) {
			fputs("    <testcase classname=\"", f);
			cli_xml_escape(f, r->path);
			fputs("\" name=\"load\" time=\"0\">\n      <error message=\"", f);
			cli_xml_escape(f, r->error);
			fputs("\"/>\n    </testcase>\n", f);
		}
		for (size_t k = 0; r->rc != 2 && k < r->nchecks; k++)
			junit_check(f, r, &r->checks[k]);
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
}

static void write_tap(const struct scenario_report *reps, size_t n)
{
	unsigned int total = 0, no = 0;

	for (size_t i = 0; i < n; i++)
		total += reps[i].rc == 2 ? 1 : (unsigned int)reps[i].nchecks;
	printf("TAP version 13\n1..%u\n", total);
	for (size_t i = 0; i < n; i++) {
		const struct scenario_report *r = &reps[i];

		if (r->rc == 2) {
			printf("not ok %u - %s: %s\n", ++no, r->path, r->error);
			continue;
		}
		for (size_t k = 0; k < r->nchecks; k++) {
			const struct scenario_check *c = &r->checks[k];

			printf("%s %u - %s: step %u: %s\n", c->ok ? "ok" : "not ok", ++no, r->path,
			       c->step, c->text);
			if (!c->ok && c->field[0])
				printf("  ---\n  field: %s\n  expected: \"%s\"\n  actual: \"%s\"\n  ...\n",
				       c->field, c->expected, c->actual);
		}
	}
}

static int cmd_scenario(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *co)
{
	static const struct option lo[] = {
		{ "verbose", no_argument, NULL, 'v' }, { "json", no_argument, NULL, 'j' },
		{ "junit", required_argument, NULL, 'J' }, { "tap", no_argument, NULL, 'T' },
		{ "html", required_argument, NULL, 'H' }, { "trace", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	bool verbose = co->verbose > 0, json = co->json, tap = false;
	const char *junit = NULL, *html = NULL, *trace = NULL;
	struct scenario_report *reps;
	int c, worst = 0, nfiles;
	FILE *jf = NULL;

	(void)ctx; /* each file names its own host */
	optind = 0;
	while ((c = getopt_long(argc, argv, "vjJ:TH:R:", lo, NULL)) != -1) {
		switch (c) {
		case 'v':
			verbose = true;
			break;
		case 'j':
			json = true;
			break;
		case 'J':
			junit = optarg;
			break;
		case 'T':
			tap = true;
			break;
		case 'H':
			html = optarg;
			break;
		case 'R':
			trace = optarg;
			break;
		default:
			return cli_bad_option(prog, "scenario", argv, "vjJ:TH:R:");
		}
	}
	nfiles = argc - optind;
	if (nfiles < 1) {
		fprintf(stderr, "%s scenario: name at least one scenario file\n", prog);
		return EXIT_USAGE;
	}
	if ((json && tap) || (junit && !strcmp(junit, "-") && (json || tap))) {
		fprintf(stderr, "%s scenario: --json, --tap and --junit - all write stdout; "
			"pick one\n", prog);
		return EXIT_USAGE;
	}
	if (junit) {
		jf = strcmp(junit, "-") ? fopen(junit, "w") : stdout;
		if (!jf) {
			fprintf(stderr, "%s scenario: --junit %s: %s\n", prog, junit, strerror(errno));
			return EXIT_USAGE;
		}
	}
	reps = calloc((size_t)nfiles, sizeof(*reps));
	if (!reps)
		return EXIT_REFUSED;
	for (int i = 0; i < nfiles; i++) {
		bool text = !json && !tap && jf != stdout && !(html && !strcmp(html, "-")) &&
			    !(trace && !strcmp(trace, "-"));
		int r = scenario_run_file(argv[optind + i], text ? stdout : NULL, verbose, &reps[i]);

		if (r > worst)
			worst = r;
	}
	if (json || html || trace) {
		json_object *j = scenario_reports_json(reps, (size_t)nfiles);

		if (json)
			cli_print_json(j);
		if ((html && report_write(html, j, report_html) < 0) ||
		    (trace && report_write(trace, j, report_trace) < 0))
			worst = EXIT_USAGE;
		json_object_put(j);
	}
	if (tap)
		write_tap(reps, (size_t)nfiles);
	if (jf) {
		write_junit(jf, reps, (size_t)nfiles);
		if (jf != stdout)
			fclose(jf);
	}
	for (int i = 0; i < nfiles; i++)
		scenario_report_free(&reps[i]);
	free(reps);
	return worst;
}

const struct cli_command inject_scenario = {
	.name = "scenario",
	.args = "FILE...",
	.summary = "run scenario files (doc/scenarios.md)",
	.help = scenario_help,
	.flags = CLI_JSON_ANYWHERE,
	.run = cmd_scenario,
};
