/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <linux/vfio.h>

#include "cli.h"

/* Open the context the options name: an image, a topology file, or the
 * default backend. Prints the error; returns NULL on failure. */
static struct eeh_ctx *cli_open(const char *prog, const struct cli_opts *o)
{
	struct eeh_ctx *ctx = NULL;
	int r;

	if (o->image)
		r = eeh_new_sim_image(o->image, o->topology, &ctx);
	else if (o->topology)
		r = eeh_new_sim(o->topology, &ctx);
	else
		r = eeh_new(&ctx);
	if (r < 0) {
		fprintf(stderr, "%s: cannot set up the %s: %s\n", prog,
			o->image ? "simulator image" : o->topology ? "topology" : "host",
			strerror(-r));
		return NULL;
	}
	if (o->verbose)
		eeh_set_log_priority(ctx, o->verbose > 1 ? 7 : 6);
	return ctx;
}

/* Save the image if there is one; prints and returns non-zero on failure. */
static int cli_close(const char *prog, struct eeh_ctx *ctx)
{
	int r = 0;

	if (ctx && getenv("EEH_IMAGE_READONLY") == NULL) {
		r = eeh_save_image(ctx);
		if (r == -EINVAL)
			r = 0; /* no image to save */
		else if (r < 0)
			fprintf(stderr, "%s: cannot save the simulator image: %s\n", prog,
				strerror(-r));
	}
	eeh_unref(ctx);
	return r;
}

struct eeh_pe *cli_pe(const char *prog, struct eeh_ctx *ctx, const char *name)
{
	int r;
	struct eeh_pe *pe = eeh_pe_lookup(ctx, name, &r);

	if (!pe)
		fprintf(stderr,
			r == -EINVAL
				? "%s: '%s' does not name a PE: use an IOMMU group (5, group:5), a BDF "
				  "(0000:01:00.0) or phbI:peN\n"
				: "%s: no PE '%s' on this host (see 'eehctl list')\n",
			prog, name);
	return pe;
}

void cli_print_json(json_object *obj)
{
	puts(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
							 JSON_C_TO_STRING_NOSLASHESCAPE));
}

json_object *cli_hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	return json_object_new_string(buf);
}

const char *cli_state_text(struct eeh_pe *pe, char *buf, size_t len)
{
	unsigned int ms = 0;
	int st, r = eeh_pe_papr_state(pe, &st, &ms);

	if (r < 0)
		snprintf(buf, len, "error (%s)", strerror(-r));
	else if (st == EEH_PAPR_STATE_UNAVAIL && ms == 0)
		snprintf(buf, len, "unavailable (permanent)");
	else if (st == EEH_PAPR_STATE_UNAVAIL)
		snprintf(buf, len, "unavailable (%u ms)", ms);
	else
		snprintf(buf, len, "%s", eeh_state_name(st));
	return buf;
}

static json_object *func_json(struct eeh_func *f)
{
	json_object *jf = json_object_new_object(), *bars = json_object_new_array();

	json_object_object_add(jf, "bdf", json_object_new_string(eeh_func_bdf(f)));
	json_object_object_add(jf, "vendor", cli_hex(eeh_func_vendor(f)));
	json_object_object_add(jf, "device", cli_hex(eeh_func_device(f)));
	json_object_object_add(jf, "class", cli_hex(eeh_func_class(f)));
	json_object_object_add(jf, "config_addr", cli_hex(eeh_func_config_addr(f)));
	if (eeh_func_physfn(f))
		json_object_object_add(jf, "physfn",
				       json_object_new_string(eeh_func_bdf(eeh_func_physfn(f))));
	for (unsigned int i = 0; i < 6; i++) {
		uint64_t addr, size;
		unsigned int flags;
		json_object *jb;

		if (eeh_func_bar(f, i, &addr, &size, &flags) < 0)
			continue;
		jb = json_object_new_object();
		json_object_object_add(jb, "bar", json_object_new_int((int)i));
		json_object_object_add(jb, "addr", cli_hex(addr));
		json_object_object_add(jb, "size", cli_hex(size));
		json_object_array_add(bars, jb);
	}
	json_object_object_add(jf, "bars", bars);
	return jf;
}

json_object *cli_pe_json(struct eeh_pe *pe, bool with_funcs)
{
	json_object *j = json_object_new_object();
	struct eeh_func *f;
	unsigned int ms = 0;
	int st = -1, vst = eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE);

	eeh_pe_papr_state(pe, &st, &ms);
	json_object_object_add(j, "phb", json_object_new_int((int)eeh_phb_index(eeh_pe_phb(pe))));
	json_object_object_add(j, "pe", json_object_new_int64(eeh_pe_number(pe)));
	json_object_object_add(j, "type", json_object_new_string(eeh_pe_type_name(eeh_pe_type(pe))));
	json_object_object_add(j, "pe_addr", cli_hex(eeh_pe_config_addr(pe)));
	json_object_object_add(j, "iommu_group", json_object_new_int(eeh_pe_iommu_group(pe)));
	if (eeh_pe_parent(pe))
		json_object_object_add(j, "parent_pe",
				       json_object_new_int64(eeh_pe_number(eeh_pe_parent(pe))));
	json_object_object_add(j, "state", json_object_new_int(vst));
	json_object_object_add(j, "state_name",
			       json_object_new_string(vst >= 0 && eeh_state_name(vst)
							      ? eeh_state_name(vst)
							      : "error"));
	json_object_object_add(j, "papr_state", json_object_new_int(st));
	json_object_object_add(j, "unavail_ms", json_object_new_int64(ms));
	json_object_object_add(j, "platform_state", cli_hex((uint64_t)eeh_pe_platform_state(pe)));
	json_object_object_add(j, "flags", cli_hex(eeh_pe_flags(pe)));
	json_object_object_add(j, "freeze_count", json_object_new_int64(eeh_pe_freeze_count(pe)));
	if (with_funcs) {
		json_object *fs = json_object_new_array();

		eeh_func_foreach(pe, f)
			json_object_array_add(fs, func_json(f));
		json_object_object_add(j, "functions", fs);
	}
	return j;
}

/* "  op PE OP             run an operation: ...", later lines under the first. */
static void print_summary(FILE *out, const struct cli_command *c)
{
	const char *s = c->summary, *nl;
	char word[64];

	snprintf(word, sizeof(word), "%s%s%s", c->name, c->args ? " " : "", c->args ? c->args : "");
	fprintf(out, "  %-20s ", word);
	while ((nl = strchr(s, '\n'))) {
		fprintf(out, "%.*s\n%23s", (int)(nl - s), s, "");
		s = nl + 1;
	}
	fprintf(out, "%s\n", s);
}

static void cli_usage(const struct cli_tool *t, FILE *out)
{
	fputs(t->usage_head, out);
	for (size_t i = 0; t->commands[i]; i++)
		print_summary(out, t->commands[i]);
	fputs(t->usage_tail, out);
}

/*
 * The options before the command. Returns -1 to go on, with argc and argv
 * moved to the command (at least one word), or the exit code to return now.
 */
static int parse_common(int *argc, char ***argv, struct cli_opts *o, const struct cli_tool *t)
{
	static const struct option longopts[] = {
		{ "topology", required_argument, NULL, 't' },
		{ "image", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->image = getenv("EEH_IMAGE");
	while ((c = getopt_long(*argc, *argv, "+t:i:jvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			o->topology = optarg;
			break;
		case 'i':
			o->image = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			cli_usage(t, stdout);
			return EXIT_OK;
		case 'V':
			printf("%s %s\n", t->name, PACKAGE_VERSION);
			return EXIT_OK;
		default:
			cli_usage(t, stderr);
			return EXIT_USAGE;
		}
	}
	*argc -= optind;
	*argv += optind;
	if (*argc < 1) {
		cli_usage(t, stderr);
		return EXIT_USAGE;
	}
	return -1;
}

int cli_parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	/* strtoull() skips blanks and takes a sign (" -1" is 2^64-1). */
	return s[0] < '0' || s[0] > '9' || *end || errno ? -1 : 0;
}

int cli_need_args(const char *prog, int argc, char **argv, int n)
{
	if (argc - 1 == n)
		return 0;
	fprintf(stderr, "%s %s: expected %d argument%s, got %d (see '%s %s --help')\n", prog,
		argv[0], n, n == 1 ? "" : "s", argc - 1, prog, argv[0]);
	return -1;
}

static bool is_json_flag(const char *s)
{
	return !strcmp(s, "--json") || !strcmp(s, "-j");
}

/* Up to "--": what follows belongs to another program (eehctl exec). */
static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

static void drop_word(int *argc, char **argv, int i)
{
	memmove(argv + i, argv + i + 1, (size_t)(*argc - i - 1) * sizeof(*argv));
	(*argc)--;
}

/* --json after the command word, in the places the command takes it. */
static void take_json(const struct cli_command *cmd, int *argc, char **argv, struct cli_opts *o)
{
	int at = -1;

	if (cmd->flags & CLI_JSON_ANYWHERE) {
		for (int i = 1; i < *argc; i++)
			if (is_json_flag(argv[i])) {
				o->json = true;
				drop_word(argc, argv, i--);
			}
		return;
	}
	if ((cmd->flags & CLI_JSON_FIRST) && *argc > 1)
		at = 1;
	else if ((cmd->flags & CLI_JSON_LAST) && *argc > 2)
		at = *argc - 1;
	if (at > 0 && is_json_flag(argv[at])) {
		o->json = true;
		drop_word(argc, argv, at);
	}
}

static const struct cli_command *find_command(const struct cli_tool *t, const char *name)
{
	for (size_t i = 0; t->commands[i]; i++)
		if (!strcmp(t->commands[i]->name, name))
			return t->commands[i];
	return t->fallback;
}

static int run_command(const char *prog, const struct cli_command *cmd, int argc, char **argv,
		       const struct cli_opts *o)
{
	struct eeh_ctx *ctx = NULL;
	int r;

	if (cmd->flags & CLI_CTX) {
		ctx = cli_open(prog, o);
		if (!ctx)
			return EXIT_USAGE;
	}
	r = cmd->run(ctx, argc, argv, o);
	/* A command that failed leaves the image as it was, byte for byte:
	 * not even the time its refused operation waited is kept. */
	if ((cmd->flags & CLI_NO_SAVE) || r != EXIT_OK)
		eeh_unref(ctx);
	else if (ctx && cli_close(prog, ctx) < 0 && r == EXIT_OK)
		r = EXIT_REFUSED;
	return r;
}

/* The fallback's words follow the program name, as getopt expects. */
static int run_fallback(const struct cli_tool *t, int argc, char **argv, const struct cli_opts *o)
{
	char **words = calloc((size_t)argc + 2, sizeof(*words));
	int r;

	if (!words)
		return EXIT_REFUSED;
	words[0] = (char *)t->name;
	memcpy(words + 1, argv, (size_t)argc * sizeof(*argv));
	r = run_command(t->name, t->fallback, argc + 1, words, o);
	free(words);
	return r;
}

int cli_main(const struct cli_tool *t, int argc, char **argv)
{
	struct cli_opts o = { 0 };
	const struct cli_command *cmd;
	int r = parse_common(&argc, &argv, &o, t);

	if (r >= 0)
		return r;
	cmd = find_command(t, argv[0]);
	if (!cmd) {
		fprintf(stderr, "%s: unknown command '%s' (see '%s --help')\n", t->name, argv[0],
			t->name);
		return EXIT_USAGE;
	}
	take_json(cmd, &argc, argv, &o);
	if (wants_help(argc, argv)) {
		if (cmd->help)
			fputs(cmd->help, stdout);
		else
			cli_usage(t, stdout);
		return EXIT_OK;
	}
	if (cmd == t->fallback)
		return run_fallback(t, argc, argv, &o);
	return run_command(t->name, cmd, argc, argv, &o);
}
