/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * eehctl capture FILE: write the discovered host (PHBs, PEs, IOMMU groups,
 * functions, BARs, freeze limit) as a topology file the simulated host
 * loads, so a production host's PE layout replays in CI anywhere.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "eehctl.h"

static int capture_run(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *o)
{
	const char *root = NULL, *file = NULL;
	struct eeh_host_stats st = { .size = sizeof(st) };
	struct eeh_ctx *host = NULL;
	int r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--root") || !strcmp(argv[i], "-r")) {
			if (++i == argc) {
				fprintf(stderr, "eehctl capture: --root needs a directory\n");
				return EXIT_USAGE;
			}
			root = argv[i];
		} else if (!strncmp(argv[i], "--root=", 7)) {
			root = argv[i] + 7;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "eehctl capture: unknown option '%s' (see 'eehctl capture "
					"--help')\n", argv[i]);
			return EXIT_USAGE;
		} else if (file) {
			fprintf(stderr, "eehctl capture: expected one FILE\n");
			return EXIT_USAGE;
		} else {
			file = argv[i];
		}
	}
	if (!file) {
		fprintf(stderr, "eehctl capture: expected FILE (see 'eehctl capture --help')\n");
		return EXIT_USAGE;
	}
	/* The context eehctl opened is the host only with EEH_BACKEND=host or
	 * on a POWER host; capture always means the real host (or --root). */
	if (!root && eeh_is_host(ctx)) {
		host = eeh_ref(ctx);
	} else {
		r = eeh_new_host(root, &host);
		if (r < 0) {
			fprintf(stderr, "eehctl capture: cannot discover the host%s%s: %s\n",
				root ? " under " : "", root ? root : "", strerror(-r));
			return EXIT_REFUSED;
		}
		if (o->verbose)
			eeh_set_log_priority(host, o->verbose > 1 ? 7 : 6);
	}
	r = eeh_save_topology(host, file);
	eeh_host_get_stats(host, &st);
	if (r < 0) {
		fprintf(stderr, "eehctl capture: cannot write %s: %s\n", file, strerror(-r));
	} else if (o->json) {
		json_object *j = json_object_new_object();
		unsigned int npes = 0, nphbs = 0;
		struct eeh_phb *phb;

		eeh_phb_foreach(host, phb) {
			nphbs++;
			npes += eeh_phb_pe_count(phb);
		}
		json_object_object_add(j, "file", json_object_new_string(file));
		json_object_object_add(j, "phbs", json_object_new_int((int)nphbs));
		json_object_object_add(j, "pes", json_object_new_int((int)npes));
		json_object_object_add(j, "functions", json_object_new_int((int)st.funcs));
		json_object_object_add(j, "no_group", json_object_new_int((int)st.no_group));
		json_object_object_add(j, "group_mismatch",
				       json_object_new_int((int)st.group_mismatch));
		json_object_object_add(j, "eeh", json_object_new_boolean(st.eeh_attrs));
		cli_print_json(j);
		json_object_put(j);
	} else {
		printf("%s: %u functions captured", file, st.funcs);
		if (st.no_group)
			printf(", %u without IOMMU group left out", st.no_group);
		if (st.group_mismatch)
			printf(", %u one-PE-one-group violations (logged on stderr)",
			       st.group_mismatch);
		if (!st.eeh_attrs)
			printf(" (no EEH attributes: one PE per IOMMU group)");
		putchar('\n');
	}
	eeh_unref(host);
	return r < 0 ? EXIT_REFUSED : EXIT_OK;
}

const struct cli_command eehctl_capture = {
	.name = "capture",
	.summary = "write the real host's PE layout as a topology file",
	.help = "Usage: eehctl capture [--root DIR] FILE [--json]\n"
		"Discover the real host (or the sysfs tree under DIR, also $EEH_ROOT): PHBs, PEs,\n"
		"IOMMU groups, functions and BARs, and write them as a topology file that\n"
		"'eehctl --topology FILE' and eeh_new_sim() load. Functions without an IOMMU\n"
		"group are left out; one-PE-one-group violations are counted and logged.\n"
		"Exit 1 when discovery or the write fails.\n",
	.flags = CLI_CTX | CLI_JSON_ANYWHERE,
	.run = capture_run,
};
