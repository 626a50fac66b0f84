/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * eeh-inject - inject EEH errors, run recovery scenarios and campaigns
 * (the campaign command: tools/eeh-inject-campaign.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "eeh-inject.h"
#include "scenario.h"

static const char *prog = "eeh-inject";

static const char scenario_help[] =
	"Usage: eeh-inject scenario [--verbose] FILE...\n"
	"\n"
	"Run scenario files: a host, driver behaviours per function and steps\n"
	"(inject, freeze, fence, access, wait_ms, expect_state, recover with\n"
	"expectations, replace, repeat). Format: doc/scenarios.md.\n"
	"Exit status: 0 every expectation held, 1 one failed, 2 a bad file.\n";

/* ---- list-funcs ---- */

static int cmd_list_funcs(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *co)
{
	bool json = co->json;
	json_object *arr = json_object_new_array();

	for (unsigned int i = 0; i < EEH_ERR_FUNC_COUNT; i++) {
		if (json) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "func", json_object_new_int((int)i));
			json_object_object_add(o, "name", json_object_new_string(eeh_err_func_name(i)));
			json_object_object_add(o, "description",
					       json_object_new_string(eeh_err_func_desc(i)));
			json_object_array_add(arr, o);
		} else {
			printf("%2u  %-14s %s\n", i, eeh_err_func_name(i), eeh_err_func_desc(i));
		}
	}
	if (json)
		cli_print_json(arr);
	json_object_put(arr);
	(void)ctx, (void)argc, (void)argv;
	return EXIT_OK;
}

/* ---- log: the injection record of a PE ---- */

static const char *kind_text(const struct eeh_inject_record *r)
{
	if (r->kind == EEH_INJECT_FREEZE)
		return "freeze";
	if (r->kind == EEH_INJECT_FENCE)
		return "fence";
	if (r->kind == EEH_INJECT_BAD_DMA)
		return "bad-dma";
	return eeh_err_func_name(r->func);
}

static int cmd_log(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *co)
{
	bool json = co->json;
	struct eeh_inject_record rec = { .size = sizeof(rec) };
	json_object *arr;
	struct eeh_pe *pe;
	int n;

	if (argc != 2) {
		fprintf(stderr, "%s log: name one PE\n", prog);
		return EXIT_USAGE;
	}
	pe = cli_pe(prog, ctx, argv[1]);
	if (!pe)
		return EXIT_USAGE;
	n = eeh_inject_record_count(pe);
	if (n < 0) {
		fprintf(stderr, "%s log: %s: %s\n", prog, eeh_pe_name(pe), strerror(-n));
		return EXIT_REFUSED;
	}
	arr = json_object_new_array();
	if (!json)
		printf("%-14s %-3s %-18s %-18s %-12s %-8s %-18s %s\n", "injected", "bit", "addr",
		       "mask", "armed ms", "fired", "hit addr", "hit function");
	for (int i = 0; i < n && eeh_inject_record_get(pe, (unsigned int)i, &rec) == 0; i++) {
		if (json) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "kind", json_object_new_string(kind_text(&rec)));
			if (rec.kind == EEH_INJECT_IOA) {
				json_object_object_add(o, "func", json_object_new_int((int)rec.func));
				json_object_object_add(o, "type", json_object_new_int(rec.type ? 64 : 32));
				json_object_object_add(o, "addr", cli_hex(rec.addr));
				json_object_object_add(o, "mask", cli_hex(rec.mask));
			}
			json_object_object_add(o, "armed_us", json_object_new_int64((int64_t)rec.armed_us));
			json_object_object_add(o, "fired", json_object_new_boolean(rec.fired));
			if (rec.fired) {
				json_object_object_add(o, "hit_us",
						       json_object_new_int64((int64_t)rec.hit_us));
				json_object_object_add(o, "hit_addr", cli_hex(rec.hit_addr));
			}
			if (rec.hit_func)
				json_object_object_add(o, "hit_function",
						       json_object_new_string(eeh_func_bdf(rec.hit_func)));
			json_object_array_add(arr, o);
			continue;
		}
		printf("%-14s %-3s 0x%-16llx 0x%-16llx %-12.3f %-8s 0x%-16llx %s\n", kind_text(&rec),
		       rec.kind != EEH_INJECT_IOA ? "-" : rec.type ? "64" : "32",
		       (unsigned long long)rec.addr, (unsigned long long)rec.mask,
		       (double)rec.armed_us / 1000, rec.fired ? "yes" : "armed",
		       (unsigned long long)rec.hit_addr,
		       rec.hit_func ? eeh_func_bdf(rec.hit_func) : "-");
	}
	if (json)
		cli_print_json(arr);
	json_object_put(arr);
	return EXIT_OK;
}

/* ---- one-shot ---- */

struct oneshot {
	int func;
	uint64_t addr, mask;
	bool is64, trigger, recover, freeze, fence, bad_dma;
	bool have_addr, have_mask;
};

/* The access a function's injection waits for, on the PE's functions. */
static void trigger(struct eeh_pe *pe, const struct oneshot *o)
{
	enum eeh_err_space sp = eeh_err_func_space((unsigned int)o->func);
	bool store = eeh_err_func_is_store((unsigned int)o->func);
	struct eeh_func *f;
	uint64_t v;
	uint32_t cv;

	eeh_func_foreach(pe, f) {
		for (unsigned int b = 0; b < 6 && (sp == EEH_ERR_SPACE_MEM || sp == EEH_ERR_SPACE_IO);
		     b++) {
			uint64_t base, size;
			unsigned int flags;

			if (eeh_func_bar(f, b, &base, &size, &flags) < 0 ||
			    !!(flags & EEH_BAR_IO) != (sp == EEH_ERR_SPACE_IO) || o->addr < base ||
			    o->addr - base >= size)
				continue;
			if (store)
				eeh_func_mmio_write(f, b, (o->addr - base) & ~3ULL, 4, 0);
			else
				eeh_func_mmio_read(f, b, (o->addr - base) & ~3ULL, 4, &v);
			return;
		}
		if (sp == EEH_ERR_SPACE_CFG) {
			if (store)
				eeh_func_cfg_write(f, 0x3c, 1, 0);
			else
				eeh_func_cfg_read(f, 0, 4, &cv);
			return;
		}
		if (sp == EEH_ERR_SPACE_DMA) {
			eeh_func_dma(f, store, o->addr, 64);
			return;
		}
	}
}

static json_object *recovery_json(struct eeh_recovery *rec, const struct eeh_recovery_result *res)
{
	json_object *j = json_object_new_object(), *evs = json_object_new_array();
	struct eeh_recovery_event ev = { .size = sizeof(ev) };

	json_object_object_add(j, "outcome",
			       json_object_new_string(eeh_recovery_outcome_name(res->outcome)));
	json_object_object_add(j, "path", json_object_new_string(eeh_recovery_path_name(res->path)));
	json_object_object_add(j, "reset_attempts", json_object_new_int((int)res->reset_attempts));
	json_object_object_add(j, "fundamental", json_object_new_boolean(res->fundamental));
	json_object_object_add(j, "freeze_count", json_object_new_int((int)res->freeze_count));
	json_object_object_add(j, "time_ms",
			       json_object_new_double((double)(res->end_us - res->start_us) / 1000));
	for (unsigned int i = 0; eeh_recovery_event_get(rec, i, &ev) == 0; i++) {
		json_object *e = json_object_new_object();

		json_object_object_add(e, "time_us", json_object_new_int64((int64_t)ev.time_us));
		json_object_object_add(e, "step",
				       json_object_new_string(eeh_recovery_step_name(ev.step)));
		json_object_object_add(e, "pe", json_object_new_string(eeh_pe_name(ev.pe)));
		if (ev.func)
			json_object_object_add(e, "function",
					       json_object_new_string(eeh_func_bdf(ev.func)));
		json_object_object_add(e, "value", json_object_new_int(ev.value));
		if (ev.step == EEH_STEP_ERROR_LOG && eeh_pe_error_name(ev.value))
			json_object_object_add(e, "cause",
					       json_object_new_string(eeh_pe_error_name(ev.value)));
		json_object_array_add(evs, e);
	}
	json_object_object_add(j, "events", evs);
	return j;
}

static void print_recovery(struct eeh_recovery *rec, const struct eeh_recovery_result *res)
{
	struct eeh_recovery_event ev = { .size = sizeof(ev) };

	for (unsigned int i = 0; eeh_recovery_event_get(rec, i, &ev) == 0; i++) {
		const char *cause = ev.step == EEH_STEP_ERROR_LOG ? eeh_pe_error_name(ev.value) : NULL;

		printf("  %10.3f ms  %-18s %-14s %s%s%d%s%s%s\n",
		       (double)(ev.time_us - res->start_us) / 1000, eeh_recovery_step_name(ev.step),
		       eeh_pe_name(ev.pe), ev.func ? eeh_func_bdf(ev.func) : "",
		       ev.func ? " " : "", ev.value, cause ? " (" : "", cause ? cause : "",
		       cause ? ")" : "");
	}
	printf("Recovery: %s via %s, %u reset attempt%s, %.3f ms\n",
	       eeh_recovery_outcome_name(res->outcome), eeh_recovery_path_name(res->path),
	       res->reset_attempts, res->reset_attempts == 1 ? "" : "s",
	       (double)(res->end_us - res->start_us) / 1000);
}

static int do_recover(struct eeh_ctx *ctx, struct eeh_pe *pe, json_object *j, bool json)
{
	struct eeh_recovery_result res = { .size = sizeof(res) };
	struct eeh_recovery *rec;
	int r = eeh_recovery_new(ctx, &rec);

	if (r == 0)
		r = eeh_recovery_run(rec, pe, &res);
	if (r < 0) {
		fprintf(stderr, "%s: recovery of %s: %s\n", prog, eeh_pe_name(pe), strerror(-r));
		eeh_recovery_free(rec);
		return EXIT_REFUSED;
	}
	if (json)
		json_object_object_add(j, "recovery", recovery_json(rec, &res));
	else
		print_recovery(rec, &res);
	eeh_recovery_free(rec);
	return res.outcome == EEH_RECOVERY_RECOVERED || res.outcome == EEH_RECOVERY_NOT_FROZEN
		       ? EXIT_OK : EXIT_REFUSED;
}

static int oneshot_inject(struct eeh_ctx *ctx, struct eeh_pe *pe, const struct oneshot *o,
			  json_object *j, bool json)
{
	struct eeh_inject_record rec = { .size = sizeof(rec) };
	bool have_rec;
	int r, n;

	if (o->fence)
		r = eeh_inject_fence(eeh_pe_phb(pe));
	else if (o->bad_dma)
		r = eeh_func_first(pe) ? eeh_inject_bad_dma(eeh_func_first(pe), true,
							   o->addr ? o->addr : 0x10000)
				       : -ENODEV;
	else if (o->freeze)
		r = eeh_inject_freeze(pe);
	else
		r = eeh_inject_ioa(pe, o->is64 ? EEH_ERR_TYPE_64 : EEH_ERR_TYPE_32,
				   (unsigned int)o->func, o->addr, o->mask);
	if (r < 0) {
		fprintf(stderr, "%s: %s refused: %s%s\n", prog, eeh_pe_name(pe), strerror(-r),
			r == -ENXIO ? " (the address is in no BAR of this PE of that space)"
			: r == -EINVAL ? " (address bits outside the mask, or a 32-bit error above 4 GiB)"
			: r == -EOPNOTSUPP ? " (only the simulated host can freeze or fence on demand)"
					   : "");
		return r == -EINVAL || r == -ENXIO ? EXIT_USAGE : EXIT_REFUSED;
	}
	if (o->trigger && !o->freeze && !o->fence && !o->bad_dma)
		trigger(pe, o);
	(void)ctx;
	/* What the newest injection hit, from the PHB's record. */
	n = eeh_inject_record_count(pe);
	have_rec = n > 0 && eeh_inject_record_get(pe, (unsigned int)n - 1, &rec) == 0 &&
		   rec.kind == EEH_INJECT_IOA && rec.fired;
	if (!json) {
		char st[48];

		if (o->fence)
			printf("Fenced PHB#%x\n", eeh_phb_index(eeh_pe_phb(pe)));
		else if (o->bad_dma)
			printf("Bad DMA write by %s to 0x%llx: no valid TCE\n",
			       eeh_func_bdf(eeh_func_first(pe)),
			       (unsigned long long)(o->addr ? o->addr : 0x10000));
		else if (o->freeze)
			printf("Froze %s\n", eeh_pe_name(pe));
		else
			printf("Injected %s (%s, %d-bit, addr 0x%llx mask 0x%llx) into %s\n",
			       eeh_err_func_name((unsigned int)o->func),
			       eeh_err_func_desc((unsigned int)o->func), o->is64 ? 64 : 32,
			       (unsigned long long)o->addr, (unsigned long long)o->mask,
			       eeh_pe_name(pe));
		if (have_rec)
			printf("Fired on the access to 0x%llx%s%s\n", (unsigned long long)rec.hit_addr,
			       rec.hit_func ? " by " : "",
			       rec.hit_func ? eeh_func_bdf(rec.hit_func) : "");
		r = eeh_inject_pending(pe);
		printf("%s: %s%s\n", eeh_pe_name(pe), cli_state_text(pe, st, sizeof(st)),
		       r > 0 ? ", injection armed (fires on the next matching access)" : "");
		return EXIT_OK;
	}
	json_object_object_add(j, "pe", json_object_new_string(eeh_pe_name(pe)));
	if (!o->freeze && !o->fence && !o->bad_dma) {
		json_object_object_add(j, "func", json_object_new_int(o->func));
		json_object_object_add(j, "name",
				       json_object_new_string(eeh_err_func_name((unsigned int)o->func)));
		json_object_object_add(j, "type", json_object_new_int(o->is64 ? 64 : 32));
		json_object_object_add(j, "addr", cli_hex(o->addr));
		json_object_object_add(j, "mask", cli_hex(o->mask));
	} else {
		json_object_object_add(j, "fault",
				       json_object_new_string(o->fence     ? "fence"
							      : o->bad_dma ? "bad-dma"
									   : "freeze"));
	}
	if (have_rec) {
		json_object *h = json_object_new_object();

		json_object_object_add(h, "addr", cli_hex(rec.hit_addr));
		if (rec.hit_func)
			json_object_object_add(h, "function",
					       json_object_new_string(eeh_func_bdf(rec.hit_func)));
		json_object_object_add(j, "hit", h);
	}
	r = eeh_inject_pending(pe);
	json_object_object_add(j, "armed", json_object_new_int(r > 0 ? r : 0));
	json_object_object_add(j, "state", cli_pe_json(pe, false));
	return EXIT_OK;
}

static int cmd_oneshot(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *co)
{
	static const struct option lo[] = {
		{ "func", required_argument, NULL, 'f' },  { "addr", required_argument, NULL, 'a' },
		{ "mask", required_argument, NULL, 'm' },  { "64", no_argument, NULL, '6' },
		{ "trigger", no_argument, NULL, 'T' },	   { "recover", no_argument, NULL, 'R' },
		{ "freeze", no_argument, NULL, 'F' },	   { "fence", no_argument, NULL, 'P' },
		{ "json", no_argument, NULL, 'j' },	   { "bad-dma", no_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	struct oneshot o = { .func = -1 };
	bool json = co->json;
	json_object *j;
	struct eeh_pe *pe;
	int c, rc;

	optind = 0; /* glibc: start over, permuting again */
	while ((c = getopt_long(argc, argv, "f:a:m:j", lo, NULL)) != -1) {
		switch (c) {
		case 'f':
			o.func = eeh_err_func_from_name(optarg);
			if (o.func < 0) {
				fprintf(stderr, "%s: --func %s: use 0..19 or a name from "
					"'eeh-inject list-funcs'\n", prog, optarg);
				return EXIT_USAGE;
			}
			break;
		case 'a':
		case 'm':
			if (cli_parse_u64(optarg, c == 'a' ? &o.addr : &o.mask)) {
				fprintf(stderr, "%s: --%s %s is not a number\n", prog,
					c == 'a' ? "addr" : "mask", optarg);
				return EXIT_USAGE;
			}
			break;
		case '6':
			o.is64 = true;
			break;
		case 'T':
			o.trigger = true;
			break;
		case 'R':
			o.recover = true;
			break;
		case 'F':
			o.freeze = true;
			break;
		case 'P':
			o.fence = true;
			break;
		case 'D':
			o.bad_dma = true;
			break;
		case 'j':
			json = true;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "%s: name one PE (see 'eeh-inject --help')\n", prog);
		return EXIT_USAGE;
	}
	if ((o.func >= 0) + o.freeze + o.fence + o.bad_dma != 1) {
		fprintf(stderr, "%s: give exactly one of --func N, --freeze, --fence, --bad-dma\n",
			prog);
		return EXIT_USAGE;
	}
	pe = cli_pe(prog, ctx, argv[optind]);
	if (!pe)
		return EXIT_USAGE;
	j = json_object_new_object();
	rc = oneshot_inject(ctx, pe, &o, j, json);
	if (rc == EXIT_OK && o.recover)
		rc = do_recover(ctx, pe, j, json);
	if (json && rc != EXIT_USAGE)
		cli_print_json(j);
	json_object_put(j);
	return rc;
}

/* ---- scenario ---- */

static int cmd_scenario(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *co)
{
	int worst = 0;
	bool verbose = co->verbose > 0;
	int first = 1;

	(void)ctx; /* each file names its own host */
	if (argc > 1 && (!strcmp(argv[1], "--verbose") || !strcmp(argv[1], "-v"))) {
		verbose = true;
		first = 2;
	}
	if (first >= argc) {
		fprintf(stderr, "%s scenario: name at least one scenario file\n", prog);
		return EXIT_USAGE;
	}
	for (int i = first; i < argc; i++) {
		int r = scenario_run_file(argv[i], stdout, verbose);

		if (r > worst)
			worst = r;
	}
	return worst;
}

static const struct cli_command scenario_cmd = {
	.name = "scenario",
	.args = "FILE...",
	.summary = "run scenario files (doc/scenarios.md)",
	.help = scenario_help,
	.run = cmd_scenario,
};

static const struct cli_command list_funcs_cmd = {
	.name = "list-funcs",
	.summary = "the 20 IOA bus error functions",
	.help = "Usage: eeh-inject list-funcs [--json]\n"
		"The 20 PAPR IOA bus error functions: number, name, description.\n",
	.flags = CLI_JSON_FIRST,
	.run = cmd_list_funcs,
};

/* Reading the record changes nothing: the image is not written back. */
static const struct cli_command log_cmd = {
	.name = "log",
	.args = "PE",
	.summary = "what was injected into PE and what it hit",
	.help = "Usage: eeh-inject [-i IMAGE] log PE [--json]\n"
		"The injection record of a PE on the simulated host: the last 32\n"
		"injections, freezes and fences, whether each fired, and what it hit.\n",
	.flags = CLI_CTX | CLI_NO_SAVE | CLI_JSON_LAST,
	.run = cmd_log,
};

/* No command word: "PE [options]"; getopt permutes the PE behind the options. */
static const struct cli_command oneshot_cmd = {
	.name = "",
	.flags = CLI_CTX,
	.run = cmd_oneshot,
};

static const struct cli_command *const commands[] = {
	&inject_campaign, &scenario_cmd, &list_funcs_cmd, &log_cmd, NULL,
};

static const struct cli_tool eeh_inject = {
	.name = "eeh-inject",
	.usage_head =
		"Usage: eeh-inject [OPTIONS] PE --func N [--addr A --mask M] [--64] [--trigger]\n"
		"                  [--recover]\n"
		"       eeh-inject [OPTIONS] PE --freeze | --fence | --bad-dma [--addr A]\n"
		"       eeh-inject [OPTIONS] campaign [--seed S] [--count N] [--shard I/N] ...\n"
		"       eeh-inject [OPTIONS] scenario FILE...\n"
		"       eeh-inject list-funcs\n"
		"       eeh-inject [OPTIONS] log PE\n"
		"\n"
		"Inject POWER EEH errors into a PE and prove that recovery works.\n"
		"\n"
		"One-shot injection: PAPR IOA bus error function N (0..19 or a name from\n"
		"'eeh-inject list-funcs') into the PE, 32-bit unless --64. An MMIO or I/O\n"
		"error with no address freezes the PE at once; otherwise it fires on the\n"
		"next matching access, which --trigger performs. --recover then runs the\n"
		"host recovery sequence (functions without a driver: hotplug path) and\n"
		"prints its event log. --freeze freezes the PE with no cause, --fence\n"
		"fences the PE's PHB, --bad-dma makes the PE's first function write by\n"
		"DMA to bus address A (default 0x10000) with no valid TCE there, which\n"
		"freezes the PE (simulated host).\n"
		"\n"
		"Commands:\n",
	.usage_tail =
		"\n"
		CLI_HELP_PE_NAMES
		"\n"
		"Options:\n"
		"  -t, --topology FILE  simulate the host described by FILE\n"
		"  -i, --image FILE     keep the simulated host in FILE between invocations\n"
		"  -j, --json           JSON output\n"
		"  -v, --verbose        log more (twice: debug)\n"
		"  -h, --help           this help\n"
		"  -V, --version        print the version\n"
		"\n"
		"Exit status: 0 success, 1 injection refused or a recovery/check failed,\n"
		"2 bad usage or input.\n",
	.commands = commands,
	.fallback = &oneshot_cmd,
};

int main(int argc, char **argv)
{
	return cli_main(&eeh_inject, argc, argv);
}
