/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <linux/vfio.h>

#include "cli.h"

struct eeh_ctx *cli_open(const char *prog, const struct cli_opts *o)
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

int cli_close(const char *prog, struct eeh_ctx *ctx)
{
	int r = 0;

	if (ctx && getenv("EEH_IMAGE_READONLY") == NULL) {
		r = eeh_sim_save(ctx);
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

int cli_parse_common(int *argc, char ***argv, struct cli_opts *o, const char *prog,
		     void (*usage)(FILE *out))
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
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("%s %s\n", prog, PACKAGE_VERSION);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	*argc -= optind;
	*argv += optind;
	if (*argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}
