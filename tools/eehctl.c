/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * eehctl - inspect PEs and run EEH PE operations.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/vfio.h>

#include "cli.h"

#include "eehctl.h"
#include "facade.h"

static const char *prog = "eehctl";

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

static int cmd_list(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *o)
{
	json_object *root;
	struct eeh_phb *phb;
	struct eeh_pe *pe;

	if (cli_need_args(prog, argc, argv, 0))
		return EXIT_USAGE;
	root = json_object_new_array();
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

/* The PE named by argv[1], after checking there are n operands. */
static struct eeh_pe *pe_operand(struct eeh_ctx *ctx, int argc, char **argv, int n)
{
	if (cli_need_args(prog, argc, argv, n))
		return NULL;
	return cli_pe(prog, ctx, argv[1]);
}

static void print_pe_detail(struct eeh_pe *pe)
{
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
	printf("  platform state  0x%08x 0x%08x\n", eeh_pe_platform_state(pe), eeh_pe_flags(pe));
	printf("  freezes         %u of %u this hour\n", eeh_pe_freeze_count(pe),
	       eeh_get_max_freezes(eeh_pe_ctx(pe)));
	eeh_func_foreach(pe, f) {
		printf("  function %s [%04x:%04x] class %06x\n", eeh_func_bdf(f), eeh_func_vendor(f),
		       eeh_func_device(f), eeh_func_class(f));
		for (unsigned int i = 0; i < 6; i++) {
			uint64_t addr, size;

			if (eeh_func_bar(f, i, &addr, &size, NULL) == 0)
				printf("    BAR%u  0x%llx  size 0x%llx\n", i, (unsigned long long)addr,
				       (unsigned long long)size);
		}
	}
}

static int cmd_show(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *o)
{
	struct eeh_pe *pe = pe_operand(ctx, argc, argv, 1);
	json_object *j;

	if (!pe)
		return EXIT_USAGE;
	j = cli_pe_json(pe, true);
	if (o->json)
		cli_print_json(j);
	else
		print_pe_detail(pe);
	json_object_put(j);
	return EXIT_OK;
}

static int cmd_state(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *o)
{
	struct eeh_pe *pe = pe_operand(ctx, argc, argv, 1);
	json_object *j;
	char st[48];

	if (!pe)
		return EXIT_USAGE;
	j = cli_pe_json(pe, false);
	if (o->json)
		cli_print_json(j);
	else
		printf("%s group %d: %s (GET_STATE %d)\n", eeh_pe_name(pe), eeh_pe_iommu_group(pe),
		       cli_state_text(pe, st, sizeof(st)),
		       json_object_get_int(json_object_object_get(j, "state")));
	json_object_put(j);
	return EXIT_OK;
}

static int cmd_op(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *o)
{
	struct eeh_pe *pe = pe_operand(ctx, argc, argv, 2);
	const char *name;
	int op, r;

	if (!pe)
		return EXIT_USAGE;
	name = argv[2];
	op = eeh_op_from_name(name);
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
		unsigned long long ms;
		int r;

		/* strtoull() takes blanks and a sign, and saturates: digits only,
		 * and a value past 64 bits is refused (errno). */
		errno = 0;
		ms = strtoull(argv[2], &end, 10);
		if (argv[2][0] < '0' || argv[2][0] > '9' || *end) {
			fprintf(stderr, "%s clock: '%s' is not a number of milliseconds\n", prog,
				argv[2]);
			return EXIT_USAGE;
		}
		r = errno || ms > UINT64_MAX / 1000 ? -EOVERFLOW
						     : eeh_clock_advance(ctx, ms * 1000ULL);
		if (r == -EOVERFLOW) {
			fprintf(stderr, "%s clock: advancing by %s ms would run the clock past its "
				"end (%llu us)\n", prog, argv[2], (unsigned long long)EEH_CLOCK_MAX_US);
			return EXIT_USAGE;
		}
		if (r < 0) {
			fprintf(stderr, "%s clock: the clock is not virtual\n", prog);
			return EXIT_REFUSED;
		}
	} else if (argc != 1) {
		fprintf(stderr, "%s clock: expected no argument or 'advance MS'\n", prog);
		return EXIT_USAGE;
	}
	if (o->json) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "clock_us", json_object_new_uint64(eeh_clock_now_us(ctx)));
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

static int cmd_freeze(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *o)
{
	struct eeh_pe *pe = pe_operand(ctx, argc, argv, 1);
	int r;

	if (!pe)
		return EXIT_USAGE;
	r = eeh_inject_freeze(pe);
	if (r < 0) {
		fprintf(stderr, "%s freeze: %s: %s\n", prog, eeh_pe_name(pe),
			r == -EOPNOTSUPP ? "only the simulated host can be frozen on demand"
					 : strerror(-r));
		return EXIT_REFUSED;
	}
	print_frozen(pe, o);
	return EXIT_OK;
}

static struct eeh_phb *phb_by_index(struct eeh_ctx *ctx, unsigned long idx)
{
	struct eeh_phb *phb;

	eeh_phb_foreach(ctx, phb)
		if (eeh_phb_index(phb) == idx)
			return phb;
	return NULL;
}

static int cmd_fence(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *o)
{
	struct eeh_phb *phb;
	uint64_t idx;
	const char *arg;
	int r;

	if (cli_need_args(prog, argc, argv, 1))
		return EXIT_USAGE;
	arg = argv[1];
	if (cli_parse_u64(arg, &idx) || idx > UINT32_MAX) {
		fprintf(stderr, "%s fence: '%s' is not a PHB index\n", prog, arg);
		return EXIT_USAGE;
	}
	phb = phb_by_index(ctx, idx);
	if (!phb) {
		fprintf(stderr, "%s fence: no PHB %lu (see 'eehctl list')\n", prog, idx);
		return EXIT_USAGE;
	}
	r = eeh_inject_fence(phb);
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

static int cmd_save_topology(struct eeh_ctx *ctx, int argc, char **argv,
			     const struct cli_opts *o)
{
	if (cli_need_args(prog, argc, argv, 1))
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

/* The options exec and mount share; *i is the first word after them. */
static int facade_options(const char *cmd, int argc, char **argv, int *i, struct facade_opts *fo)
{
	for (*i = 1; *i < argc; (*i)++) {
		const char *a = argv[*i];

		if (!strcmp(a, "--")) {
			(*i)++;
			break;
		} else if (!strcmp(a, "--event-log") && *i + 1 < argc) {
			fo->event_log = argv[++*i];
		} else if (!strncmp(a, "--event-log=", 12)) {
			fo->event_log = a + 12;
		} else if (!strcmp(a, "--real-time")) {
			fo->real_time = true;
		} else if (!strcmp(a, "--wait")) {
			fo->wait = true;
		} else if (!strcmp(cmd, "mount") && (!strcmp(a, "-f") || !strcmp(a, "--foreground"))) {
			fo->foreground = true;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "%s %s: unknown option '%s' (see '%s %s --help')\n", prog, cmd, a,
				prog, cmd);
			return -1;
		} else {
			break;
		}
	}
	return 0;
}

static int cmd_exec(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *o)
{
	struct facade_opts fo = { 0 };
	int i;

	if (facade_options("exec", argc, argv, &i, &fo) < 0)
		return EXIT_USAGE;
	if (i >= argc) {
		fprintf(stderr, "%s exec: expected a command (see '%s exec --help')\n", prog, prog);
		return EXIT_USAGE;
	}
	return facade_exec(o, &fo, argv + i);
}

static int cmd_mount(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *o)
{
	struct facade_opts fo = { 0 };
	int i;

	if (facade_options("mount", argc, argv, &i, &fo) < 0)
		return EXIT_USAGE;
	if (i != argc - 1) {
		fprintf(stderr, "%s mount: expected one DIR (see '%s mount --help')\n", prog, prog);
		return EXIT_USAGE;
	}
	return facade_mount(o, &fo, argv[i]);
}

/* Every eehctl command opens the context and takes --json anywhere. */
#define EEHCTL_FLAGS (CLI_CTX | CLI_JSON_ANYWHERE)

static const struct cli_command list_cmd = {
	.name = "list",
	.summary = "PHBs, PEs and functions with group, PE address and state",
	.help = "Usage: eehctl list [--json]\nList every PHB, its PEs and their functions.\n",
	.flags = EEHCTL_FLAGS,
	.run = cmd_list,
};

static const struct cli_command show_cmd = {
	.name = "show",
	.args = "PE",
	.summary = "one PE in detail",
	.help = "Usage: eehctl show PE [--json]\nShow one PE: type, address, group, state, flags,"
		" freeze count, functions and BARs.\n",
	.flags = EEHCTL_FLAGS,
	.run = cmd_show,
};

static const struct cli_command state_cmd = {
	.name = "state",
	.args = "PE",
	.summary = "the PE's state (VFIO GET_STATE and PAPR view)",
	.help = "Usage: eehctl state PE [--json]\nPrint the PE state as VFIO GET_STATE returns it,"
		" and the PAPR state with its unavailable time.\n",
	.flags = EEHCTL_FLAGS,
	.run = cmd_state,
};

static const struct cli_command op_cmd = {
	.name = "op",
	.args = "PE OP",
	.summary = "run an operation: enable, disable, thaw-mmio, thaw-dma,\n"
		   "reset-hot, reset-fundamental, reset-deactivate,\n"
		   "configure, get-state",
	.help = "Usage: eehctl op PE OP [--json]\nRun one VFIO_EEH_PE_OP operation. OP is one of"
		" enable, disable, thaw-mmio, thaw-dma,\nreset-hot, reset-fundamental,"
		" reset-deactivate, configure, get-state.\nExit 1 when the operation is refused.\n",
	.flags = EEHCTL_FLAGS,
	.run = cmd_op,
};

static const struct cli_command freeze_cmd = {
	.name = "freeze",
	.args = "PE",
	.summary = "freeze a PE as an error would (simulated host)",
	.help = "Usage: eehctl freeze PE\nFreeze the PE as a PCI error would (simulated host)."
		"\nCounts a freeze; past the limit the PE fails permanently.\n",
	.flags = EEHCTL_FLAGS,
	.run = cmd_freeze,
};

static const struct cli_command fence_cmd = {
	.name = "fence",
	.args = "PHB",
	.summary = "fence a PHB by index: all its PEs freeze (simulated host)",
	.help = "Usage: eehctl fence PHB\nFence PHB (its index): every PE under it freezes.\n",
	.flags = EEHCTL_FLAGS,
	.run = cmd_fence,
};

static const struct cli_command clock_cmd = {
	.name = "clock",
	.args = "[advance MS]",
	.summary = "show or advance the virtual clock (simulated host)",
	.help = "Usage: eehctl clock [advance MS]\nShow the virtual clock, or move it forward"
		" MS milliseconds.\n",
	.flags = EEHCTL_FLAGS,
	.run = cmd_clock,
};

static const struct cli_command save_topology_cmd = {
	.name = "save-topology",
	.args = "FILE",
	.summary = "write the host as a topology file",
	.help = "Usage: eehctl save-topology FILE\nWrite the host (with simulator state) as a"
		" topology file.\n",
	.flags = EEHCTL_FLAGS,
	.run = cmd_save_topology,
};

static const struct cli_command exec_cmd = {
	.name = "exec",
	.args = "[OPTIONS] -- CMD [ARGS]",
	.summary = "run CMD where /sys/bus/pci, /sys/kernel/debug and\n"
		   "/proc/powerpc are the simulated host (root, FUSE)",
	.help = "Usage: eehctl [-i IMAGE | -t TOPOLOGY] exec [--event-log FILE] [--real-time]\n"
		"                [--wait] -- CMD [ARGS...]\n"
		"Run CMD in a private mount namespace where /sys/bus/pci, /sys/devices (its PCI\n"
		"roots), /sys/kernel/debug and /proc/powerpc are the simulated host presented\n"
		"as the kernel's files (doc/facade.md). Exit status: CMD's.\n"
		"  --event-log FILE  write what the host did (breaks, freezes, detections,\n"
		"                    recovery steps) as JSON lines\n"
		"  --real-time       run the library clock in real time (default: virtual, so\n"
		"                    recoveries take no wall time)\n"
		"  --wait            wait for an image another process holds instead of failing\n",
	.run = cmd_exec,
};

static const struct cli_command mount_cmd = {
	.name = "mount",
	.args = "[OPTIONS] DIR",
	.summary = "serve the simulated host's sysfs/debugfs/procfs\n"
		   "under DIR (DIR/sys, DIR/proc) through FUSE",
	.help = "Usage: eehctl [-i IMAGE | -t TOPOLOGY] mount [-f] [--event-log FILE]\n"
		"                [--real-time] [--wait] DIR\n"
		"Serve the simulated host as the kernel's files under DIR (DIR/sys/bus/pci,\n"
		"DIR/sys/devices, DIR/sys/kernel/debug/powerpc, DIR/proc/powerpc/eeh), for\n"
		"tools that take a root (EEH_BACKEND=host EEH_ROOT=DIR eehctl list). Returns\n"
		"once mounted; 'umount DIR' stops it and saves the image.\n"
		"  -f, --foreground  stay in the foreground\n"
		"  --event-log FILE, --real-time, --wait  as for exec\n",
	.run = cmd_mount,
};

static const struct cli_command *const commands[] = {
	&list_cmd,  &show_cmd,	&state_cmd,	    &op_cmd,	       &freeze_cmd,
	&fence_cmd, &clock_cmd, &save_topology_cmd, &eehctl_capture, &eehctl_ioas,
	&eehctl_dma, &exec_cmd,  &mount_cmd, NULL,
};

static const struct cli_tool eehctl = {
	.name = "eehctl",
	.usage_head =
		"Usage: eehctl [OPTIONS] COMMAND [ARGS]\n"
		"\n"
		"Inspect POWER EEH partitionable endpoints (PEs) and run VFIO_EEH_PE_OP\n"
		"operations on them. Without --topology or --image, eehctl uses the real\n"
		"host when it has EEH, else the built-in simulated POWER host.\n"
		"\n"
		"Commands:\n",
	.usage_tail =
		"\n"
		CLI_HELP_PE_NAMES
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
		"Exit status: 0 success, 1 operation refused or failed, 2 bad usage or input.\n",
	.commands = commands,
};

int main(int argc, char **argv)
{
	return cli_main(&eehctl, argc, argv);
}
