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

/*
 * Parse the options every tool takes before its command: -t/--topology,
 * -i/--image, -j/--json, -v/--verbose, -h/--help, -V/--version. usage()
 * prints the tool's help. Returns -1 to go on, with argc and argv moved to
 * the command (at least one word), or the exit code to return now.
 */
int cli_parse_common(int *argc, char ***argv, struct cli_opts *o, const char *prog,
		     void (*usage)(FILE *out));

/* Open the context the options name: an image, a topology file, or the
 * default backend. Prints the error; returns NULL on failure. */
struct eeh_ctx *cli_open(const char *prog, const struct cli_opts *o);
/* Save the image if there is one; prints and returns non-zero on failure. */
int cli_close(const char *prog, struct eeh_ctx *ctx);
/* Resolve a PE argument; prints a clear error. */
struct eeh_pe *cli_pe(const char *prog, struct eeh_ctx *ctx, const char *name);

void cli_print_json(json_object *obj);
json_object *cli_hex(uint64_t v);
/* A PE as a JSON object (number, type, phb, addr, group, state...). */
json_object *cli_pe_json(struct eeh_pe *pe, bool with_funcs);
/* PAPR state words for humans: "stopped", "unavailable (settling 1200 ms)" */
const char *cli_state_text(struct eeh_pe *pe, char *buf, size_t len);

/*
 * An eehctl subcommand that lives in its own file (tools/eehctl-*.c) and is
 * listed in eehctl.c's ext_cmds[]. run() gets argv[0] = the command name
 * and returns an exit code; ctx is already open.
 */
struct eehctl_cmd {
	const char *name;
	const char *summary; /* one line for 'eehctl --help' */
	const char *help;    /* full text for 'eehctl NAME --help' */
	int (*run)(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *o);
};

extern const struct eehctl_cmd eehctl_cmd_capture; /* tools/eehctl-capture.c */
extern const struct eehctl_cmd eehctl_cmd_ioas;    /* tools/eehctl-ioas.c */

#endif
