/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * eehctl dma: each PE's DMA windows as its PHB translates them (the TVEs
 * and TCE tables of the simulated host), after setting up windows for
 * the devices named: bound to an iommufd, on an IOAS of their own, with
 * the default window created and optionally a dynamic one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "eehctl.h"

#define MAX_DEVS 32
#define REGION 0x7f0000000000ULL /* the preregistered memory TCEs point to */
#define REGION_SIZE (1ULL << 30)

static const char dma_help[] =
	"Usage: eehctl dma [--map N] [DEVICE[=PAGE_SHIFT:WINDOW_SHIFT] ...]\n"
	"\n"
	"Show each PE's DMA windows as its PHB translates them: bus address, size,\n"
	"I/O page size, valid TCEs and the memory of the TCE table. A PE whose\n"
	"windows were never programmed does not translate DMA (\"bypass\").\n"
	"\n"
	"  DEVICE            on the simulated host: bind the function DEVICE (a BDF)\n"
	"                    to an iommufd, attach it to an IOAS of its own and\n"
	"                    create the PE's default window (4 KiB pages at 0);\n"
	"  =P:W              also create a dynamic window of 2^W bytes with 2^P-byte\n"
	"                    pages (at 1<<59)\n"
	"  -m, --map N       map N TCEs at the start of each window created\n"
	"  -j, --json        JSON output\n"
	"\n"
	"Windows live as long as the command: they are not kept in the image.\n"
	"Exit status: 0 shown, 1 a window could not be set up, 2 bad usage.\n";

static int setup_one(struct eeh_iommufd *ifd, const char *arg, uint64_t nmap,
		     struct eeh_spapr **out)
{
	char bdf[64];
	const char *eq = strchr(arg, '=');
	unsigned int ps = 0, ws = 0;
	uint32_t dev, ioas;
	uint64_t start;
	int r;

	snprintf(bdf, sizeof(bdf), "%.*s", eq ? (int)(eq - arg) : (int)strlen(arg), arg);
	if (eq && sscanf(eq + 1, "%u:%u", &ps, &ws) != 2) {
		fprintf(stderr, "eehctl dma: '%s': expected DEVICE=PAGE_SHIFT:WINDOW_SHIFT\n", arg);
		return EXIT_USAGE;
	}
	if ((r = eeh_iommufd_bind(ifd, bdf, &dev)) || (r = eeh_iommufd_ioas_alloc(ifd, &ioas)) ||
	    (r = eeh_iommufd_attach(ifd, dev, ioas, NULL)) || (r = eeh_spapr_new(ifd, ioas, out)) ||
	    (r = eeh_spapr_register(*out, REGION, REGION_SIZE)) || (r = eeh_spapr_reset(*out)) ||
	    (nmap && (r = eeh_spapr_stuff_tce(*out, 0, REGION | EEH_TCE_READ | EEH_TCE_WRITE,
					       nmap)))) {
		fprintf(stderr, "eehctl dma: %s: %s\n", bdf, strerror(-r));
		return EXIT_REFUSED;
	}
	if (!eq)
		return EXIT_OK;
	if ((r = eeh_spapr_create_window(*out, ps, ws < 64 ? 1ULL << ws : 0, 2, &start)) ||
	    (nmap && (r = eeh_spapr_stuff_tce(*out, start, REGION | EEH_TCE_READ, nmap)))) {
		fprintf(stderr, "eehctl dma: %s: window 2^%u with 2^%u pages: %s\n", bdf, ws, ps,
			strerror(-r));
		return EXIT_REFUSED;
	}
	return EXIT_OK;
}

static const char *page_name(unsigned int shift)
{
	static const struct {
		unsigned int shift;
		const char *name;
	} n[] = { { 12, "4K" }, { 16, "64K" }, { 21, "2M" }, { 24, "16M" }, { 28, "256M" },
		  { 30, "1G" }, { 34, "16G" } };

	for (size_t i = 0; i < sizeof(n) / sizeof(n[0]); i++)
		if (n[i].shift == shift)
			return n[i].name;
	return "?";
}

static void show(struct eeh_ctx *ctx, const struct cli_opts *o)
{
	json_object *jroot = json_object_new_object(), *jpes = json_object_new_array();
	struct eeh_phb *phb;
	struct eeh_pe *pe;

	if (!o->json)
		printf("%-14s %-4s %-20s %-14s %-6s %-8s %s\n", "PE", "SLOT", "START", "SIZE",
		       "PAGE", "TCES", "TABLE");
	eeh_phb_foreach(ctx, phb) {
		eeh_pe_foreach(phb, pe) {
			json_object *jpe = json_object_new_object(), *jw = json_object_new_array();
			struct eeh_spapr_window w;
			bool any = false;

			for (unsigned int s = 0; s < EEH_SPAPR_MAX_WINDOWS; s++) {
				json_object *j;

				if (eeh_pe_dma_window(pe, s, &w))
					continue;
				any = true;
				j = json_object_new_object();
				json_object_object_add(j, "slot", json_object_new_int((int)s));
				json_object_object_add(j, "start", cli_hex(w.start));
				json_object_object_add(j, "size", cli_hex(w.size));
				json_object_object_add(j, "page_shift",
						       json_object_new_int((int)w.page_shift));
				json_object_object_add(j, "tces",
						       json_object_new_int64((int64_t)w.mapped));
				json_object_object_add(
					j, "table_bytes",
					json_object_new_int64((int64_t)w.table_bytes));
				json_object_array_add(jw, j);
				if (!o->json)
					printf("%-14s %-4u 0x%-18llx 0x%-12llx %-6s %-8llu %zu\n",
					       eeh_pe_name(pe), s, (unsigned long long)w.start,
					       (unsigned long long)w.size,
					       page_name(w.page_shift),
					       (unsigned long long)w.mapped, w.table_bytes);
			}
			json_object_object_add(jpe, "pe", json_object_new_string(eeh_pe_name(pe)));
			json_object_object_add(jpe, "translated", json_object_new_boolean(any));
			json_object_object_add(jpe, "windows", jw);
			json_object_array_add(jpes, jpe);
			if (!any && !o->json)
				printf("%-14s %-4s %s\n", eeh_pe_name(pe), "-", "bypass");
		}
	}
	json_object_object_add(jroot, "pes", jpes);
	if (o->json)
		cli_print_json(jroot);
	json_object_put(jroot);
}

static int dma_run(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *o)
{
	struct eeh_spapr *sps[MAX_DEVS] = { NULL };
	struct eeh_iommufd *ifd = NULL;
	uint64_t nmap = 0;
	int first = 1, n = 0, rc = EXIT_OK, r;

	if (argc > 1 && (!strcmp(argv[1], "--map") || !strcmp(argv[1], "-m"))) {
		if (argc < 3 || cli_parse_u64(argv[2], &nmap) || nmap > (1u << 20)) {
			fprintf(stderr, "eehctl dma: --map needs a count up to 1048576\n");
			return EXIT_USAGE;
		}
		first = 3;
	}
	for (int i = first; i < argc; i++)
		if (argv[i][0] == '-') {
			fprintf(stderr,
				"eehctl dma: unknown option '%s' (see 'eehctl dma --help')\n",
				argv[i]);
			return EXIT_USAGE;
		}
	if (argc - first > MAX_DEVS) {
		fprintf(stderr, "eehctl dma: at most %d devices\n", MAX_DEVS);
		return EXIT_USAGE;
	}
	if (first < argc) {
		if (!eeh_is_sim(ctx)) {
			fprintf(stderr, "eehctl dma: DEVICE needs the simulated host "
					"(--topology or --image)\n");
			return EXIT_USAGE;
		}
		r = eeh_iommufd_open(ctx, 0, &ifd);
		if (r < 0) {
			fprintf(stderr, "eehctl dma: cannot open an iommufd: %s\n", strerror(-r));
			return EXIT_REFUSED;
		}
	}
	for (int i = first; i < argc && rc == EXIT_OK; i++)
		rc = setup_one(ifd, argv[i], nmap, &sps[n++]);
	if (rc == EXIT_OK)
		show(ctx, o);
	for (int i = 0; i < n; i++)
		eeh_spapr_free(sps[i]);
	eeh_iommufd_close(ifd);
	return rc;
}

const struct cli_command eehctl_dma = {
	.name = "dma",
	.args = "[DEVICE[=P:W] ...]",
	.summary = "each PE's DMA windows (TVEs and TCE tables) on the simulated host",
	.help = dma_help,
	.flags = CLI_CTX | CLI_NO_SAVE | CLI_JSON_ANYWHERE,
	.run = dma_run,
};
