/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libeeh's host backend against the simulator, through the facade:
 *
 *   facade-host-diff DIR TOPOLOGY
 *
 * DIR is an 'eehctl -t TOPOLOGY mount' with eeh_disable_recovery set (a
 * kernel would recover what discovery's config reads find frozen; the
 * bare simulator has no kernel). The same host is opened twice: with
 * eeh_new_host(DIR), which reads the facade's files, and with
 * eeh_new_sim(TOPOLOGY) directly. Model, config space, states, the freeze
 * limit and the answers to the same operations must agree. Prints each
 * difference; exit 0 when there is none. Run by tests/test-facade.sh.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/vfio.h>

#include "libeeh.h"

static int diffs;

#define SAME(what, a, b)                                                                  \
	do {                                                                              \
		long long a_ = (long long)(a), b_ = (long long)(b);                       \
		if (a_ != b_) {                                                           \
			printf("%s: host %lld (0x%llx), simulator %lld (0x%llx)\n", what, \
			       a_, (unsigned long long)a_, b_, (unsigned long long)b_);   \
			diffs++;                                                          \
		}                                                                         \
	} while (0)

/* The host's PE for a simulated one: same domain, and the facade's
 * eeh_pe_config_addr is the PE number (powernv). */
static struct eeh_pe *host_pe(struct eeh_ctx *host, struct eeh_pe *spe)
{
	struct eeh_phb *phb;
	struct eeh_pe *pe;

	eeh_phb_foreach(host, phb) {
		if (eeh_phb_domain(phb) != eeh_phb_domain(eeh_pe_phb(spe)))
			continue;
		eeh_pe_foreach(phb, pe)
			if (eeh_pe_number(pe) == eeh_pe_number(spe))
				return pe;
	}
	return NULL;
}

static void compare_func(struct eeh_func *h, struct eeh_func *s)
{
	char what[96];
	const char *bdf = eeh_func_bdf(s);

	snprintf(what, sizeof(what), "%s vendor", bdf);
	SAME(what, eeh_func_vendor(h), eeh_func_vendor(s));
	snprintf(what, sizeof(what), "%s device", bdf);
	SAME(what, eeh_func_device(h), eeh_func_device(s));
	snprintf(what, sizeof(what), "%s class", bdf);
	SAME(what, eeh_func_class(h), eeh_func_class(s));
	for (unsigned int bar = 0; bar < 6; bar++) {
		uint64_t ha = 0, hs = 0, sa = 0, ss = 0;
		unsigned int hf = 0, sf = 0;
		int hr = eeh_func_bar(h, bar, &ha, &hs, &hf), sr = eeh_func_bar(s, bar, &sa, &ss, &sf);

		snprintf(what, sizeof(what), "%s BAR%u", bdf, bar);
		SAME(what, hr, sr);
		SAME(what, ha, sa);
		SAME(what, hs, ss);
		SAME(what, hf, sf);
	}
	/* Config space as the kernel's config file gives it (64 bytes). */
	for (unsigned int off = 0; off < 64; off += 4) {
		uint32_t hv = 0, sv = 0;

		snprintf(what, sizeof(what), "%s config 0x%02x", bdf, off);
		SAME(what, eeh_func_cfg_read(h, off, 4, &hv), eeh_func_cfg_read(s, off, 4, &sv));
		SAME(what, hv, sv);
	}
}

static void compare_state(struct eeh_pe *h, struct eeh_pe *s, const char *when)
{
	char what[96];

	snprintf(what, sizeof(what), "%s GET_STATE %s", eeh_pe_name(s), when);
	SAME(what, eeh_pe_op_simple(h, VFIO_EEH_PE_GET_STATE),
	     eeh_pe_op_simple(s, VFIO_EEH_PE_GET_STATE));
	snprintf(what, sizeof(what), "%s platform state %s", eeh_pe_name(s), when);
	SAME(what, eeh_pe_platform_state(h), eeh_pe_platform_state(s));
	snprintf(what, sizeof(what), "%s flags %s", eeh_pe_name(s), when);
	SAME(what, eeh_pe_flags(h), eeh_pe_flags(s));
}

static void compare_all_states(struct eeh_ctx *host, struct eeh_ctx *sim, const char *when)
{
	struct eeh_phb *phb;
	struct eeh_pe *pe;

	eeh_phb_foreach(sim, phb)
		eeh_pe_foreach(phb, pe) {
			struct eeh_pe *h = host_pe(host, pe);

			if (h)
				compare_state(h, pe, when);
		}
}

static void compare_model(struct eeh_ctx *host, struct eeh_ctx *sim)
{
	struct eeh_phb *phb;
	struct eeh_pe *pe;
	unsigned int hcount = 0, scount = 0;

	eeh_phb_foreach(host, phb)
		hcount += eeh_phb_pe_count(phb);
	eeh_phb_foreach(sim, phb) {
		scount += eeh_phb_pe_count(phb);
		eeh_pe_foreach(phb, pe) {
			struct eeh_pe *h = host_pe(host, pe);
			struct eeh_func *sf, *hf;
			char what[96];

			if (!h) {
				printf("%s: not on the host\n", eeh_pe_name(pe));
				diffs++;
				continue;
			}
			snprintf(what, sizeof(what), "%s BUID", eeh_pe_name(pe));
			SAME(what, eeh_phb_buid(eeh_pe_phb(h)), eeh_phb_buid(phb));
			snprintf(what, sizeof(what), "%s IOMMU group", eeh_pe_name(pe));
			SAME(what, eeh_pe_iommu_group(h), eeh_pe_iommu_group(pe));
			snprintf(what, sizeof(what), "%s functions", eeh_pe_name(pe));
			SAME(what, eeh_pe_func_count(h), eeh_pe_func_count(pe));
			/* A VF PE's parent: the kernel makes it the PF's PE. */
			if (eeh_pe_type(pe) != EEH_PE_TYPE_VF) {
				snprintf(what, sizeof(what), "%s parent", eeh_pe_name(pe));
				SAME(what, eeh_pe_parent(h) ? (long)eeh_pe_number(eeh_pe_parent(h)) : -1,
				     eeh_pe_parent(pe) ? (long)eeh_pe_number(eeh_pe_parent(pe)) : -1);
			}
			eeh_func_foreach(pe, sf) {
				hf = eeh_func_by_bdf(host, eeh_func_domain(sf), eeh_func_bus(sf),
						     eeh_func_devfn(sf));
				if (!hf || eeh_func_pe(hf) != h) {
					printf("%s: not in %s on the host\n", eeh_func_bdf(sf),
					       eeh_pe_name(h));
					diffs++;
					continue;
				}
				compare_func(hf, sf);
			}
		}
	}
	SAME("PE count", hcount, scount);
}

/* The same operation on both sides, then every PE's state. */
static void both(struct eeh_ctx *host, struct eeh_ctx *sim, const char *bdf, const char *op,
		 unsigned int func)
{
	struct eeh_pe *s = eeh_pe_lookup(sim, bdf, NULL), *h = s ? host_pe(host, s) : NULL;
	char what[96];

	if (!s || !h) {
		printf("%s: no PE\n", bdf);
		diffs++;
		return;
	}
	snprintf(what, sizeof(what), "%s %s", op, bdf);
	if (!strcmp(op, "inject"))
		SAME(what, eeh_inject_ioa(h, EEH_ERR_TYPE_32, func, 0, 0),
		     eeh_inject_ioa(s, EEH_ERR_TYPE_32, func, 0, 0));
	else
		SAME(what, eeh_pe_op_simple(h, func), eeh_pe_op_simple(s, func));
	compare_all_states(host, sim, what);
}

int main(int argc, char **argv)
{
	struct eeh_ctx *host = NULL, *sim = NULL;
	unsigned int max = 0;
	int r;

	if (argc != 3) {
		fprintf(stderr, "usage: facade-host-diff DIR TOPOLOGY\n");
		return 2;
	}
	r = eeh_new_host(argv[1], &host);
	if (r < 0 || eeh_new_sim(argv[2], &sim) < 0) {
		fprintf(stderr, "facade-host-diff: cannot open the host under %s: %s\n", argv[1],
			strerror(-r));
		return 2;
	}
	if (eeh_host_missing(host))
		printf("host: %s\n", eeh_host_missing(host)), diffs++;
	compare_model(host, sim);
	compare_all_states(host, sim, "at start");
	SAME("eeh_max_freezes read", eeh_host_get_max_freezes(host, &max), 0);
	SAME("eeh_max_freezes", max, eeh_get_max_freezes(sim));
	SAME("eeh_max_freezes write", eeh_host_set_max_freezes(host, 7), 0);
	eeh_set_max_freezes(sim, 7);
	SAME("eeh_max_freezes after write", eeh_host_get_max_freezes(host, &max), 0);
	SAME("eeh_max_freezes after write", max, eeh_get_max_freezes(sim));

	/* Freezes that fire at once, a parent's freeze seen from its
	 * children, the thaws the kernel's files offer, a 64-bit VF. */
	both(host, sim, "0000:04:00.0", "inject", EEH_ERR_FUNC_LD_MEM_DATA);
	both(host, sim, "0000:04:00.0", "enable", VFIO_EEH_PE_ENABLE);
	both(host, sim, "0000:02:00.0", "inject", EEH_ERR_FUNC_ST_MEM_ADDR);
	both(host, sim, "0000:03:00.0", "get-state", VFIO_EEH_PE_GET_STATE);
	both(host, sim, "0000:02:00.0", "enable", VFIO_EEH_PE_ENABLE);
	both(host, sim, "0000:01:00.1", "inject", EEH_ERR_FUNC_LD_IO_ADDR);
	both(host, sim, "0000:01:00.0", "disable", VFIO_EEH_PE_DISABLE);
	both(host, sim, "0000:01:00.0", "enable", VFIO_EEH_PE_ENABLE);
	both(host, sim, "0001:01:00.3", "inject", EEH_ERR_FUNC_LD_MEM_ADDR);
	both(host, sim, "0001:01:00.3", "thaw", VFIO_EEH_PE_ENABLE);
	/* Config space of a frozen function reads all-ones on both. */
	both(host, sim, "0001:02:00.0", "inject", EEH_ERR_FUNC_LD_MEM_ADDR);
	compare_model(host, sim);

	eeh_unref(host);
	eeh_unref(sim);
	printf("facade-host-diff: %d difference%s\n", diffs, diffs == 1 ? "" : "s");
	return diffs ? 1 : 0;
}
