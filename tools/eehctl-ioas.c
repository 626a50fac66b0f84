/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * eehctl ioas: which devices sit on which IOAS, and whether EEH PE ops
 * are available on each device there (the one-group rule), and why not.
 * The objects come from DEVICE=IOAS arguments bound and attached on the
 * simulated host's iommufd, or from a VMM's state file registered as it
 * describes them.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "eehctl.h"

#define MAX_LABELS 64

static const char ioas_help[] =
	"Usage: eehctl ioas [--state FILE] [DEVICE[=IOAS] ...]\n"
	"\n"
	"Show iommufd devices, the IOAS each one is attached to, and whether EEH PE\n"
	"operations are available through each device: only when its IOAS holds\n"
	"exactly one IOMMU group (EPERM otherwise; ENODEV when not attached or when\n"
	"its group is no EEH PE).\n"
	"\n"
	"  DEVICE[=IOAS]     on the simulated host: bind the function DEVICE (a BDF)\n"
	"                    to an iommufd and attach it to IOAS number IOAS (any\n"
	"                    label: the same label is the same IOAS); without =IOAS the\n"
	"                    device stays unattached\n"
	"  -s, --state FILE  a VMM's iommufd objects as JSON:\n"
	"                    {\"devices\": [{\"devid\": 1, \"group\": 3, \"ioas\": 2,\n"
	"                    \"hwpt\": 4}, ...]} (ioas 0 or absent: not attached)\n"
	"  -j, --json        JSON output\n"
	"\n"
	"Exit status: 0 shown, 1 an object could not be set up, 2 bad usage.\n";

struct labels {
	long label[MAX_LABELS];
	uint32_t id[MAX_LABELS];
	unsigned int n;
};

static int ioas_for(struct eeh_iommufd *ifd, struct labels *l, long label, uint32_t *id)
{
	int r;

	for (unsigned int i = 0; i < l->n; i++)
		if (l->label[i] == label) {
			*id = l->id[i];
			return 0;
		}
	if (l->n == MAX_LABELS)
		return -ENOSPC;
	r = eeh_iommufd_ioas_alloc(ifd, id);
	if (r == 0) {
		l->label[l->n] = label;
		l->id[l->n++] = *id;
	}
	return r;
}

static int setup_sim(struct eeh_iommufd *ifd, int argc, char **argv, int first)
{
	struct labels l = { .n = 0 };

	for (int i = first; i < argc; i++) {
		char *dev = strdup(argv[i]), *eq = strchr(dev, '=');
		uint32_t devid, ioas;
		uint64_t label = 0;
		int r;

		if (eq) {
			*eq = '\0';
			if (cli_parse_u64(eq + 1, &label) || label > LONG_MAX) {
				fprintf(stderr, "eehctl ioas: '%s': IOAS must be a number\n",
					argv[i]);
				free(dev);
				return EXIT_USAGE;
			}
		}
		r = eeh_iommufd_bind(ifd, dev, &devid);
		if (r == 0 && eq)
			r = ioas_for(ifd, &l, (long)label, &ioas);
		if (r == 0 && eq)
			r = eeh_iommufd_attach(ifd, devid, ioas, NULL);
		if (r < 0) {
			fprintf(stderr, "eehctl ioas: %s: %s\n", argv[i],
				r == -ENOENT ? "no such function on this host"
				: r == -EINVAL ? "bound twice, or its group sits on another IOAS"
					       : strerror(-r));
			free(dev);
			return EXIT_REFUSED;
		}
		free(dev);
	}
	return EXIT_OK;
}

static uint32_t get_u32(json_object *o, const char *key, bool *ok)
{
	json_object *v;
	int64_t x;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	x = json_object_get_int64(v);
	if (!json_object_is_type(v, json_type_int) || x < 0 || x > UINT32_MAX)
		*ok = false;
	return (uint32_t)x;
}

static int setup_state(struct eeh_iommufd *ifd, const char *file)
{
	json_object *root = json_object_from_file(file), *devs;
	int rc = EXIT_OK;

	if (!root) {
		fprintf(stderr, "eehctl ioas: cannot read %s: %s\n", file,
			json_util_get_last_err());
		return EXIT_USAGE;
	}
	if (!json_object_object_get_ex(root, "devices", &devs) ||
	    !json_object_is_type(devs, json_type_array)) {
		fprintf(stderr, "eehctl ioas: %s: expected {\"devices\": [...]}\n", file);
		json_object_put(root);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < json_object_array_length(devs) && rc == EXIT_OK; i++) {
		json_object *d = json_object_array_get_idx(devs, i);
		bool ok = json_object_is_type(d, json_type_object);
		uint32_t devid = ok ? get_u32(d, "devid", &ok) : 0;
		uint32_t group = ok ? get_u32(d, "group", &ok) : 0;
		uint32_t ioas = ok ? get_u32(d, "ioas", &ok) : 0;
		uint32_t hwpt = ok ? get_u32(d, "hwpt", &ok) : 0;
		int r;

		if (!ok || group > INT32_MAX ||
		    !json_object_object_get_ex(d, "group", NULL)) {
			fprintf(stderr, "eehctl ioas: %s: device %zu needs numbers devid and group "
					"(ioas, hwpt optional)\n", file, i);
			rc = EXIT_USAGE;
			break;
		}
		r = eeh_iommufd_register_device(ifd, devid, (int)group, ioas, hwpt);
		if (r < 0) {
			fprintf(stderr, "eehctl ioas: %s: device %u: %s\n", file, devid,
				r == -EINVAL ? "invalid (devid 0, or its HWPT is on another IOAS)"
					     : strerror(-r));
			rc = r == -EINVAL ? EXIT_USAGE : EXIT_REFUSED;
		}
	}
	json_object_put(root);
	return rc;
}

static const char *why(int r)
{
	switch (r) {
	case 0:
		return "available";
	case -EPERM:
		return "EPERM: the IOAS holds more than one IOMMU group";
	case -ENODEV:
		return "ENODEV: not attached, or its group is no EEH PE";
	default:
		return strerror(-r);
	}
}

static const char *errno_name(int r)
{
	return r == 0 ? NULL : r == -EPERM ? "EPERM" : r == -ENODEV ? "ENODEV" : "ENOENT";
}

static void show(struct eeh_iommufd *ifd, const struct cli_opts *o)
{
	json_object *jroot = json_object_new_object(), *jioas = json_object_new_array(),
		    *jdevs = json_object_new_array();
	struct eeh_iommufd_device info = { .size = sizeof(info) };

	if (!o->json)
		printf("%-6s %-7s %-8s %s\n", "IOAS", "GROUPS", "DEVICES", "EEH");
	for (uint32_t a = eeh_iommufd_ioas_next(ifd, 0); a; a = eeh_iommufd_ioas_next(ifd, a)) {
		int groups = eeh_iommufd_ioas_groups(ifd, a);
		json_object *j = json_object_new_object(), *members = json_object_new_array();
		unsigned int ndevs = 0;

		for (uint32_t d = eeh_iommufd_device_next(ifd, 0); d;
		     d = eeh_iommufd_device_next(ifd, d))
			if (eeh_iommufd_device_info(ifd, d, &info) == 0 && info.ioas_id == a) {
				json_object_array_add(members, json_object_new_int64(d));
				ndevs++;
			}
		json_object_object_add(j, "id", json_object_new_int64(a));
		json_object_object_add(j, "groups", json_object_new_int(groups));
		json_object_object_add(j, "devices", members);
		json_object_object_add(j, "eeh", json_object_new_boolean(groups == 1));
		json_object_array_add(jioas, j);
		if (!o->json)
			printf("%-6u %-7d %-8u %s\n", a, groups, ndevs,
			       groups == 1   ? "available"
			       : groups == 0 ? "no devices"
					     : "refused (EPERM): more than one IOMMU group");
	}
	if (!o->json)
		printf("\n%-6s %-20s %-6s %-6s %-6s %-14s %s\n", "DEVID", "DEVICE", "GROUP", "IOAS",
		       "HWPT", "PE", "EEH");
	for (uint32_t d = eeh_iommufd_device_next(ifd, 0); d; d = eeh_iommufd_device_next(ifd, d)) {
		json_object *j = json_object_new_object(), *jpe;
		int r = eeh_iommufd_check(ifd, d, NULL);

		if (eeh_iommufd_device_info(ifd, d, &info) < 0)
			continue;
		json_object_object_add(j, "devid", json_object_new_int64(d));
		json_object_object_add(j, "device", json_object_new_string(info.name));
		json_object_object_add(j, "group", json_object_new_int(info.group));
		json_object_object_add(j, "ioas", json_object_new_int64(info.ioas_id));
		json_object_object_add(j, "hwpt", json_object_new_int64(info.hwpt_id));
		jpe = info.pe ? json_object_new_string(eeh_pe_name(info.pe)) : NULL;
		json_object_object_add(j, "pe", jpe);
		json_object_object_add(j, "registered", json_object_new_boolean(info.registered));
		json_object_object_add(j, "eeh", json_object_new_boolean(r == 0));
		json_object_object_add(j, "errno",
				       r ? json_object_new_string(errno_name(r)) : NULL);
		json_object_array_add(jdevs, j);
		if (!o->json) {
			char ioas[12] = "-", hwpt[12] = "-";

			if (info.ioas_id)
				snprintf(ioas, sizeof(ioas), "%u", info.ioas_id);
			if (info.hwpt_id)
				snprintf(hwpt, sizeof(hwpt), "%u", info.hwpt_id);
			printf("%-6u %-20s %-6d %-6s %-6s %-14s %s\n", d,
			       info.name[0] ? info.name : "(registered)", info.group, ioas, hwpt,
			       info.pe ? eeh_pe_name(info.pe) : "-", why(r));
		}
	}
	json_object_object_add(jroot, "ioas", jioas);
	json_object_object_add(jroot, "devices", jdevs);
	if (o->json)
		cli_print_json(jroot);
	json_object_put(jroot);
}

static int ioas_run(struct eeh_ctx *ctx, int argc, char **argv, const struct cli_opts *o)
{
	struct eeh_iommufd *ifd = NULL;
	const char *state = NULL;
	int first = 1, rc, r;

	if (argc > 1 && (!strcmp(argv[1], "--state") || !strcmp(argv[1], "-s"))) {
		if (argc < 3) {
			fprintf(stderr, "eehctl ioas: --state needs a FILE\n");
			return EXIT_USAGE;
		}
		state = argv[2];
		first = 3;
	} else if (argc > 1 && !strncmp(argv[1], "--state=", 8)) {
		state = argv[1] + 8;
		first = 2;
	}
	for (int i = first; i < argc; i++)
		if (argv[i][0] == '-') {
			fprintf(stderr,
				"eehctl ioas: unknown option '%s' (see 'eehctl ioas --help')\n",
				argv[i]);
			return EXIT_USAGE;
		}
	if (state && first < argc) {
		fprintf(stderr,
			"eehctl ioas: give --state FILE or DEVICE=IOAS arguments, not both\n");
		return EXIT_USAGE;
	}
	if (!state && first < argc && !eeh_is_sim(ctx)) {
		fprintf(stderr, "eehctl ioas: DEVICE=IOAS needs the simulated host (--topology or "
				"--image); describe a VMM's objects with --state FILE\n");
		return EXIT_USAGE;
	}
	r = state || !eeh_is_sim(ctx) ? eeh_iommufd_adopt(ctx, -1, &ifd)
				       : eeh_iommufd_open(ctx, 0, &ifd);
	if (r < 0) {
		fprintf(stderr, "eehctl ioas: cannot set up an iommufd: %s\n", strerror(-r));
		return EXIT_REFUSED;
	}
	rc = state ? setup_state(ifd, state) : setup_sim(ifd, argc, argv, first);
	if (rc == EXIT_OK)
		show(ifd, o);
	eeh_iommufd_close(ifd);
	return rc;
}

const struct cli_command eehctl_ioas = {
	.name = "ioas",
	.summary = "iommufd devices per IOAS and whether EEH is available on them",
	.help = ioas_help,
	.flags = CLI_CTX | CLI_JSON_ANYWHERE,
	.run = ioas_run,
};
