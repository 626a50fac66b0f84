/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by the command-line tools (eehctl, eeh-inject). */
#ifndef EEH_CLI_H
#define EEH_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "libeeh.h"

/* Exit codes (ndctl style). */
#define EXIT_OK 0
#define EXIT_REFUSED 1
#define EXIT_USAGE 2

struct cli_opts {
	const char *topology;
	const char *image;
	bool json;
	int verbose;
};

/* How a PE is named on the command line, for the tools' --help. */
#define CLI_HELP_PE_NAMES                                                        \
	"A PE is named by IOMMU group (5 or group:5), by the BDF of any of its\n" \
	"functions (0000:01:00.0), or as phbI:peN: the name the tools print, in\n" \
	"text and JSON (\"pe\": \"phb0:pe1\"). The log's PHB#0-PE#1 is taken too.\n"

/* The one name the tools give a PE, in text and JSON: "phb0:pe1" (the PHB
 * index in decimal, the PE number in hex, as eeh_pe_lookup() reads it).
 * The result lives until the 8th next call. */
const char *cli_pe_id(struct eeh_pe *pe);

/* eeh_pe_lookup() that also takes the library log's "PHB#0-PE#1". */
struct eeh_pe *cli_pe_lookup(struct eeh_ctx *ctx, const char *name, int *err);

/* Resolve a PE argument (the names CLI_HELP_PE_NAMES gives); prints a clear error. */
struct eeh_pe *cli_pe(const char *prog, struct eeh_ctx *ctx, const char *name);

/* After a command changed the simulated host: without an image the change
 * is lost when the command ends, which stderr says. */
void cli_note_not_kept(const char *prog, struct eeh_ctx *ctx, const struct cli_opts *o);

/* A JSON file or text; a syntax error is printed as PROG: PATH:LINE:COL: ... */
json_object *cli_json_load(const char *prog, const char *path);
json_object *cli_json_parse(const char *prog, const char *path, const char *text);

/* eeh_save_topology(), where '-' is standard output. */
int cli_save_topology(const char *prog, struct eeh_ctx *ctx, const char *path);

void cli_print_json(json_object *obj);
/* Text for an XML attribute or element: <, >, & and " escaped. */
void cli_xml_escape(FILE *f, const char *s);
json_object *cli_hex(uint64_t v);
/* A PE as a JSON object: "pe" is its name (cli_pe_id), as wherever a JSON
 * output names a PE; then phb, number, type, pe_addr, iommu_group, state... */
json_object *cli_pe_json(struct eeh_pe *pe, bool with_funcs);
/* PAPR state words for humans: "stopped", "unavailable (settling 1200 ms)" */
const char *cli_state_text(struct eeh_pe *pe, char *buf, size_t len);

/* What the dispatcher does around a command's run(). */
enum cli_command_flags {
	CLI_CTX = 1 << 0,           /* open the context first (else run() gets NULL) ... */
	CLI_NO_SAVE = 1 << 1,       /* ... and drop it without saving the image */
	CLI_JSON_ANYWHERE = 1 << 2, /* --json/-j anywhere after the command word */
	CLI_JSON_FIRST = 1 << 3,    /* --json/-j as the first word after it */
	CLI_JSON_LAST = 1 << 4,     /* --json/-j as the last word, after an operand */
};

/*
 * One command of a tool: an entry in its table and one function. run() gets
 * argv[0] = the command word (the program name for a tool's fallback), with
 * --json taken out where flags say, and returns an exit code.
 */
struct cli_command {
	const char *name;
	const char *args;    /* operands, for the tool's help: "PE OP" */
	const char *summary; /* for the tool's help; one line, or more separated by \n */
	const char *help;    /* 'TOOL NAME --help'; NULL: the tool's help */
	unsigned int flags;  /* enum cli_command_flags */
	int (*run)(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *o);
};

struct cli_tool {
	const char *name;
	const char *usage_head; /* --help up to the list of commands */
	const char *usage_tail; /* --help after it */
	const struct cli_command *const *commands; /* NULL-terminated */
	/* What runs when the first word names no command (eeh-inject's one-shot
	 * "PE [options]"): its run() gets the words behind the program name.
	 * NULL: an unknown command is bad usage. */
	const struct cli_command *fallback;
};

/*
 * The whole of a tool's main(): the options every tool takes before its
 * command (-t/--topology, -i/--image, -j/--json, -v/--verbose, -h/--help,
 * -V/--version), then the command: 'COMMAND --help' (or -h anywhere after
 * it) prints its help, else the context is opened if the command needs it,
 * the command runs and the image is saved. Returns the exit code.
 */
int cli_main(const struct cli_tool *tool, int argc, char **argv);

/* A number (decimal, 0x hex or 0 octal) with nothing after it, not negative:
 * 0, or -1 for anything else. */
int cli_parse_u64(const char *s, uint64_t *v);

/* After getopt_long returned '?' or ':' for argv (opterr is 0 in the tools):
 * one line naming the option, then "try 'PROG CMD --help'". Returns EXIT_USAGE. */
int cli_bad_option(const char *prog, const char *cmd, char **argv, const char *optstring);

/* The operand count check: prints "PROG CMD: expected N arguments, got M"
 * and returns -1 unless argv holds the command word and n operands. */
int cli_need_args(const char *prog, int argc, char **argv, int n);

#endif
