/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * eehctl - inspect PEs and run EEH PE operations.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/vfio.h>

#include "cli.h"

static const char *prog = "eehctl";

/* Subcommands kept in files of their own (one line each). */
static const struct eehctl_cmd *const ext_cmds[] = {
	&eehctl_cmd_capture,
	&eehctl_cmd_ioas,
	NULL,
};

static const struct eehctl_cmd *find_ext(const char *name)
{
	for (size_t i = 0; ext_cmds[i]; i++)
		if (!strcmp(ext_cmds[i]->name, name))
			return ext_cmds[i];
	return NULL;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: eehctl [OPTIONS] COMMAND [ARGS]\n"
		"\n"
		"Inspect POWER EEH partitionable endpoints (PEs) and run VFIO_EEH_PE_OP\n"
		"operations on them. Without --topology or --image, eehctl uses the real\n"
		"host when it has EEH, else the built-in simulated POWER host.\n"
		"\n"
		"Commands:\n"
		"  list                 PHBs, PEs and functions with group, PE address and state\n"
		"  show PE              one PE in detail\n"
		"  state PE             the PE's state (VFIO GET_STATE and PAPR view)\n"
		"  op PE OP             run an operation: enable, disable, thaw-mmio, thaw-dma,\n"
		"                       reset-hot, reset-fundamental, reset-deactivate,\n"
		"                       configure, get-state\n"
		"  freeze PE            freeze a PE as an error would (simulated host)\n"
		"  fence PHB            fence a PHB by index: all its PEs freeze (simulated host)\n"
		"  clock [advance MS]   show or advance the virtual clock (simulated host)\n"
		"  save-topology FILE   write the host as a topology file\n");
	for (size_t i = 0; ext_cmds[i]; i++)
		fprintf(out, "  %-20s %s\n", ext_cmds[i]->name, ext_cmds[i]->summary);
	fprintf(out,
		"\n"
		"A PE is named by IOMMU group (5 or group:5), by the BDF of any of its\n"
		"functions (0000:01:00.0), or as phbI:peN.\n"
		"\n"
		"Options:\n"
		"  -t, --topology FILE  simulate the host described by FILE\n"
		"  -i, --image FILE     keep the simulated host in FILE between invocations\n"
		"                       (created on first use; locked while in use)\n"
		"  -j, --json           JSON output\n"
		"  -v, --verbose        log more (twice: debug)\n"
		"  -h, --help           this help; 'eehctl COMMAND --help' for a command\n"
		"  -V, --version        print the version\n"
		"\n"
		"Environment: EEH_IMAGE, EEH_TOPOLOGY, EEH_BACKEND (sim|host), EEH_LOG.\n"
		"Exit status: 0 success, 1 operation refused or failed, 2 bad usage or input.\n");
}

static const char *cmd_help[][2] = {
	{ "list", "Usage: eehctl list [--json]\nList every PHB, its PEs and their functions.\n" },
	{ "show", "Usage: eehctl show PE [--json]\nShow one PE: type, address, group, state,"
		  " flags, freeze count, functions and BARs.\n" },
	{ "state", "Usage: eehctl state PE [--json]\nPrint the PE state as VFIO GET_STATE returns"
		   " it, and the PAPR state with its unavailable time.\n" },
	{ "op", "Usage: eehctl op PE OP [--json]\nRun one VFIO_EEH_PE_OP operation. OP is one of"
		" enable, disable, thaw-mmio, thaw-dma,\nreset-hot, reset-fundamental,"
		" reset-deactivate, configure, get-state.\nExit 1 when the operation is refused.\n" },
	{ "freeze", "Usage: eehctl freeze PE\nFreeze the PE as a PCI error would (simulated host)."
		    "\nCounts a freeze; past the limit the PE fails permanently.\n" },
	{ "fence", "Usage: eehctl fence PHB\nFence PHB (its index): every PE under it freezes.\n" },
	{ "clock", "Usage: eehctl clock [advance MS]\nShow the virtual clock, or move it forward"
		   " MS milliseconds.\n" },
	{ "save-topology", "Usage: eehctl save-topology FILE\nWrite the host (with simulator"
			   " state) as a topology file.\n" },
};

static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

static int need_args(const char *cmd, int argc, int n)
{
	if (argc - 1 == n)
		return 0;
	fprintf(stderr, "%s %s: expected %d argument%s, got %d (see 'eehctl %s --help')\n", prog,
		cmd, n, n == 1 ? "" : "s", argc - 1, cmd);
	return -1;
}

static void print_pe_line(struct eeh_pe *pe)
{
	char st[48];
	struct eeh_func *f;

	printf("  PE#%-4x %-7s addr 0x%06x  group %-4d %-26s", eeh_pe_number(pe),
	       eeh_pe_type_name(eeh_pe_type(pe)), eeh_pe_config_addr(pe), eeh_pe_iommu_group(pe),
	       cli_state_text(pe, st, sizeof(st)));
	if (eeh_pe_parent(pe))
		printf(" parent PE#%x", eeh_pe_number(eeh_pe_parent(pe)));
	putchar('\n');
	eeh_func_foreach(pe, f)
		printf("      %s  [%04x:%04x] class %06x\n", eeh_func_bdf(f), eeh_func_vendor(f),
		       eeh_func_device(f), eeh_func_class(f));
}

static int cmd_list(struct eeh_ctx *ctx, const struct cli_opts *o)
{
	json_object *root = json_object_new_array();
	struct eeh_phb *phb;
	struct eeh_pe *pe;

	eeh_phb_foreach(ctx, phb) {
		json_object *jphb = json_object_new_object(), *pes = json_object_new_array();

		json_object_object_add(jphb, "phb", json_object_new_int((int)eeh_phb_index(phb)));
		json_object_object_add(jphb, "buid", cli_hex(eeh_phb_buid(phb)));
		json_object_object_add(jphb, "domain", json_object_new_int((int)eeh_phb_domain(phb)));
		if (!o->json)
			printf("PHB#%x  BUID 0x%llx  domain %04x  %u PE%s\n", eeh_phb_index(phb),
			       (unsigned long long)eeh_phb_buid(phb), eeh_phb_domain(phb),
			       eeh_phb_pe_count(phb), eeh_phb_pe_count(phb) == 1 ? "" : "s");
		eeh_pe_foreach(phb, pe) {
			if (o->json)
				json_object_array_add(pes, cli_pe_json(pe, true));
			else
				print_pe_line(pe);
		}
		json_object_object_add(jphb, "pes", pes);
		json_object_array_add(root, jphb);
	}
	if (o->json)
		cli_print_json(root);
	json_object_put(root);
	return EXIT_OK;
}

static int cmd_show(struct eeh_pe *pe, const struct cli_opts *o, bool state_only)
{
	json_object *j = cli_pe_json(pe, !state_only);

	if (o->json) {
		cli_print_json(j);
	} else if (state_only) {
		char st[48];

		printf("%s group %d: %s (GET_STATE %d)\n", eeh_pe_name(pe), eeh_pe_iommu_group(pe),
		       cli_state_text(pe, st, sizeof(st)),
		       json_object_get_int(json_object_object_get(j, "state")));
	} else {
		char st[48];
		struct eeh_func *f;

		printf("%s\n", eeh_pe_name(pe));
		printf("  type            %s\n", eeh_pe_type_name(eeh_pe_type(pe)));
		printf("  PE address      0x%06x\n", eeh_pe_config_addr(pe));
		printf("  BUID            0x%llx\n", (unsigned long long)eeh_phb_buid(eeh_pe_phb(pe)));
		printf("  IOMMU group     %d\n", eeh_pe_iommu_group(pe));
		if (eeh_pe_parent(pe))
			printf("  parent          %s\n", eeh_pe_name(eeh_pe_parent(pe)));
		printf("  state           %s\n", cli_state_text(pe, st, sizeof(st)));
		printf("  platform state  0x%08x 0x%08x\n", eeh_pe_platform_state(pe),
		       eeh_pe_flags(pe));
		printf("  freezes         %u of %u this hour\n", eeh_pe_freeze_count(pe),
		       eeh_get_max_freezes(eeh_pe_ctx(pe)));
		eeh_func_foreach(pe, f) {
			printf("  function %s [%04x:%04x] class %06x\n", eeh_func_bdf(f),
			       eeh_func_vendor(f), eeh_func_device(f), eeh_func_class(f));
			for (unsigned int i = 0; i < 6; i++) {
				uint64_t addr, size;

				if (eeh_func_bar(f, i, &addr, &size, NULL) == 0)
					printf("    BAR%u  0x%llx  size 0x%llx\n", i,
					       (unsigned long long)addr, (unsigned long long)size);
			}
		}
	}
	json_object_put(j);
	return EXIT_OK;
}

static int cmd_op(struct eeh_pe *pe, const char *name, const struct cli_opts *o)
{
	int op = eeh_op_from_name(name), r;

	if (op < 0 || op == VFIO_EEH_PE_INJECT_ERR) {
		fprintf(stderr, "%s op: unknown operation '%s' (see 'eehctl op --help'; injection is"
				" eeh-inject's job)\n", prog, name);
		return EXIT_USAGE;
	}
	r = eeh_pe_op_simple(pe, (unsigned int)op);
	if (o->json) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "pe", json_object_new_string(eeh_pe_name(pe)));
		json_object_object_add(j, "op", json_object_new_string(name));
		json_object_object_add(j, "result", json_object_new_int(r));
		if (r < 0)
			json_object_object_add(j, "error", json_object_new_string(strerror(-r)));
		else if (op == VFIO_EEH_PE_GET_STATE)
			json_object_object_add(j, "state_name",
					       json_object_new_string(eeh_state_name(r)));
		cli_print_json(j);
		json_object_put(j);
	} else if (r < 0) {
		fprintf(stderr, "%s: %s on %s failed: %s\n", prog, name, eeh_pe_name(pe),
			strerror(-r));
	} else if (op == VFIO_EEH_PE_GET_STATE) {
		printf("%d %s\n", r, eeh_state_name(r));
	} else {
		printf("%s: %s done\n", eeh_pe_name(pe), name);
	}
	return r < 0 ? EXIT_REFUSED : EXIT_OK;
}

static int cmd_clock(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *o)
{
	if (argc == 3 && !strcmp(argv[1], "advance")) {
		char *end;
		unsigned long long ms = strtoull(argv[2], &end, 10);

		if (!*argv[2] || *end || argv[2][0] == '-') {
			fprintf(stderr, "%s clock: '%s' is not a number of milliseconds\n", prog,
				argv[2]);
			return EXIT_USAGE;
		}
		if (eeh_clock_advance(ctx, ms * 1000ULL) < 0) {
			fprintf(stderr, "%s clock: the clock is not virtual\n", prog);
			return EXIT_REFUSED;
		}
	} else if (argc != 1) {
		fprintf(stderr, "%s clock: expected no argument or 'advance MS'\n", prog);
		return EXIT_USAGE;
	}
	if (o->json) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "clock_us",
				       json_object_new_int64((int64_t)eeh_clock_now_us(ctx)));
		cli_print_json(j);
		json_object_put(j);
	} else {
		printf("%.3f s\n", (double)eeh_clock_now_us(ctx) / 1e6);
	}
	return EXIT_OK;
}

static void print_frozen(struct eeh_pe *pe, const struct cli_opts *o)
{
	json_object *j = cli_pe_json(pe, false);
	char st[48];

	if (o->json)
		cli_print_json(j);
	else
		printf("%s: %s, freeze %u of %u this hour\n", eeh_pe_name(pe),
		       cli_state_text(pe, st, sizeof(st)), eeh_pe_freeze_count(pe),
		       eeh_get_max_freezes(eeh_pe_ctx(pe)));
	json_object_put(j);
}

static int cmd_fence(struct eeh_ctx *ctx, const char *arg, const struct cli_opts *o)
{
	struct eeh_phb *phb;
	char *end;
	unsigned long idx = strtoul(arg, &end, 0);
	int r;

	if (!*arg || *end) {
		fprintf(stderr, "%s fence: '%s' is not a PHB index\n", prog, arg);
		return EXIT_USAGE;
	}
	eeh_phb_foreach(ctx, phb)
		if (eeh_phb_index(phb) == idx)
			break;
	if (!phb) {
		fprintf(stderr, "%s fence: no PHB %lu (see 'eehctl list')\n", prog, idx);
		return EXIT_USAGE;
	}
	r = eeh_sim_fence_phb(phb);
	if (r < 0) {
		fprintf(stderr, "%s fence: %s\n", prog, strerror(-r));
		return EXIT_REFUSED;
	}
	if (o->json) {
		json_object *arr = json_object_new_array();
		struct eeh_pe *pe;

		eeh_pe_foreach(phb, pe)
			json_object_array_add(arr, cli_pe_json(pe, false));
		cli_print_json(arr);
		json_object_put(arr);
	} else {
		printf("PHB#%x fenced: its %u PEs are frozen\n", eeh_phb_index(phb),
		       eeh_phb_pe_count(phb));
	}
	return EXIT_OK;
}

static int run(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *o)
{
	const char *cmd = argv[0];
	struct eeh_pe *pe;
	int r;

	if (!strcmp(cmd, "list"))
		return need_args(cmd, argc, 0) ? EXIT_USAGE : cmd_list(ctx, o);
	if (!strcmp(cmd, "clock"))
		return cmd_clock(ctx, argc, argv, o);
	if (!strcmp(cmd, "fence"))
		return need_args(cmd, argc, 1) ? EXIT_USAGE : cmd_fence(ctx, argv[1], o);
	if (!strcmp(cmd, "save-topology")) {
		if (need_args(cmd, argc, 1))
			return EXIT_USAGE;
		if (eeh_save_topology(ctx, argv[1]) < 0)
			return EXIT_REFUSED;
		if (o->json) {
			json_object *j = json_object_new_object();

			json_object_object_add(j, "file", json_object_new_string(argv[1]));
			cli_print_json(j);
			json_object_put(j);
		} else {
			printf("wrote %s\n", argv[1]);
		}
		return EXIT_OK;
	}
	if (!strcmp(cmd, "op") ? need_args(cmd, argc, 2) : need_args(cmd, argc, 1))
		return EXIT_USAGE;
	pe = cli_pe(prog, ctx, argv[1]);
	if (!pe)
		return EXIT_USAGE;
	if (!strcmp(cmd, "show"))
		return cmd_show(pe, o, false);
	if (!strcmp(cmd, "state"))
		return cmd_show(pe, o, true);
	if (!strcmp(cmd, "op"))
		return cmd_op(pe, argv[2], o);
	r = eeh_sim_freeze(pe);
	if (r < 0) {
		fprintf(stderr, "%s freeze: %s: %s\n", prog, eeh_pe_name(pe),
			r == -EOPNOTSUPP ? "only the simulated host can be frozen on demand"
					 : strerror(-r));
		return EXIT_REFUSED;
	}
	print_frozen(pe, o);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct cli_opts o = { 0 };
	struct eeh_ctx *ctx;
	int r;

	r = cli_parse_common(&argc, &argv, &o, prog, usage);
	if (r >= 0)
		return r;
	/* Per-command options: --json and --help may follow the command too. */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			o.json = true;
			memmove(argv + i, argv + i + 1, (size_t)(argc - i - 1) * sizeof(*argv));
			argc--;
			i--;
		}
	for (size_t i = 0; i < sizeof(cmd_help) / sizeof(cmd_help[0]); i++)
		if (!strcmp(argv[0], cmd_help[i][0])) {
			if (wants_help(argc, argv)) {
				fputs(cmd_help[i][1], stdout);
				return EXIT_OK;
			}
			goto known;
		}
	if (find_ext(argv[0])) {
		if (wants_help(argc, argv)) {
			fputs(find_ext(argv[0])->help, stdout);
			return EXIT_OK;
		}
		goto known;
	}
	fprintf(stderr, "%s: unknown command '%s' (see 'eehctl --help')\n", prog, argv[0]);
	return EXIT_USAGE;
known:
	ctx = cli_open(prog, &o);
	if (!ctx)
		return EXIT_USAGE;
	r = find_ext(argv[0]) ? find_ext(argv[0])->run(ctx, argc, argv, &o)
			      : run(ctx, argc, argv, &o);
	if (cli_close(prog, ctx) < 0 && r == EXIT_OK)
		r = EXIT_REFUSED;
	return r;
}
