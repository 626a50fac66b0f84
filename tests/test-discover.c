/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Discovery against umockdev testbeds: real libudev enumerating fake sysfs
 * trees (POWER9-like host with two PHBs, x86 host without EEH), hotplug
 * through testbed uevents, and the root-directory walk giving the same
 * model. The test re-executes itself under umockdev-wrapper (which preloads
 * the redirection library); libumockdev itself is opened at run time so
 * the build needs no umockdev headers. Without umockdev it is skipped (77),
 * or fails (99) when $CI is set.
 */
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "fixture-power9.h"
#include "gen-sysfs.h"
#include "test-util.h"

/* ---- libumockdev, resolved at run time ---- */
static struct {
	void *(*testbed_new)(void);
	char *(*get_root_dir)(void *bed);
	void (*uevent)(void *bed, const char *devpath, const char *action);
	void (*object_unref)(void *obj);
	void (*free)(void *mem);
} um;

static void *bed;
static char *bed_root;

static int umockdev_load(void)
{
	void *lib = dlopen("libumockdev.so.0", RTLD_NOW | RTLD_GLOBAL);

	if (!lib)
		return -1;
	um.testbed_new = (void *(*)(void))dlsym(lib, "umockdev_testbed_new");
	um.get_root_dir = (char *(*)(void *))dlsym(lib, "umockdev_testbed_get_root_dir");
	um.uevent = (void (*)(void *, const char *, const char *))dlsym(
		lib, "umockdev_testbed_uevent");
	um.object_unref = (void (*)(void *))dlsym(RTLD_DEFAULT, "g_object_unref");
	um.free = (void (*)(void *))dlsym(RTLD_DEFAULT, "g_free");
	return um.testbed_new && um.get_root_dir && um.uevent && um.free &&
			       um.object_unref
		       ? 0
		       : -1;
}

/* ---- hosts ---- */

/* x86: no EEH attributes; IOMMU groups as the VT-d driver makes them. */
static const struct gs_func x86[] = {
	{ .bdf = "0000:00:00.0", .vendor = 0x8086, .device = 0x3e30, .class_code = 0x060000,
	  .group = 0, .pe = -1 },
	{ .bdf = "0000:00:02.0", .vendor = 0x8086, .device = 0x3e92, .class_code = 0x030000,
	  .group = 1, .pe = -1, .bar = { { 0xa0000000, 0x1000000, GS_MEM | GS_MEM64 } } },
	{ .bdf = "0000:00:1c.0", .vendor = 0x8086, .device = 0xa338, .class_code = 0x060400,
	  .bridge = true, .group = 4, .pe = -1 },
	{ .bdf = "0000:00:1f.0", .vendor = 0x8086, .device = 0xa306, .class_code = 0x060100,
	  .multifunction = true, .group = 2, .pe = -1 },
	{ .bdf = "0000:00:1f.3", .vendor = 0x8086, .device = 0xa348, .class_code = 0x040300,
	  .multifunction = true, .group = 2, .pe = -1,
	  .bar = { { 0xa1000000, 0x4000, GS_MEM | GS_MEM64 } } },
	{ .bdf = "0000:00:1f.4", .vendor = 0x8086, .device = 0xa323, .class_code = 0x0c0500,
	  .multifunction = true, .group = 2, .pe = -1,
	  .bar = { { 0xefa0, 0x20, GS_IO } } },
	{ .bdf = "0000:01:00.0", .parent = "0000:00:1c.0", .vendor = 0x144d, .device = 0xa808,
	  .class_code = 0x010802, .group = 3, .pe = -1,
	  .bar = { { 0xa2000000, 0x4000, GS_MEM | GS_MEM64 } } },
};
#define NX86 (sizeof(x86) / sizeof(x86[0]))

static int captured_err;
static void quiet_log(struct eeh_ctx *ctx, int prio, const char *file, int line, const char *fn,
		      const char *fmt, va_list ap)
{
	test_log_fn(ctx, prio, file, line, fn, fmt, ap);
	captured_err++;
}

/* A fresh testbed holding one host. */
static void bed_with(const struct gs_func *fns, size_t n, unsigned int flags)
{
	if (bed) {
		um.object_unref(bed);
		um.free(bed_root);
		bed = NULL;
	}
	bed = um.testbed_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(bed);
	bed_root = um.get_root_dir(bed);
	CU_ASSERT_EQUAL_FATAL(gs_write_host(bed_root, fns, n, flags), 0);
}

static struct eeh_ctx *host_ctx(const char *root)
{
	struct eeh_ctx *ctx = NULL;

	CU_ASSERT_EQUAL(eeh_new_host(root, &ctx), 0);
	if (ctx) {
		eeh_set_log_fn(ctx, quiet_log);
		eeh_set_log_priority(ctx, 7);
	}
	return ctx;
}

/* The model as text: what eehctl list shows plus BARs, parents, physfn. */
static void dump(struct eeh_ctx *ctx, char *out, size_t len)
{
	struct eeh_phb *phb;
	struct eeh_pe *pe;
	struct eeh_func *f;
	size_t n = 0;

	out[0] = '\0';
	eeh_phb_foreach(ctx, phb) {
		n += (size_t)snprintf(out + n, len - n, "phb %u buid %llx dom %u\n",
				      eeh_phb_index(phb),
				      (unsigned long long)eeh_phb_buid(phb), eeh_phb_domain(phb));
		eeh_pe_foreach(phb, pe) {
			struct eeh_pe *par = eeh_pe_parent(pe);

			n += (size_t)snprintf(out + n, len - n,
					      " pe %x %s addr %x group %d parent %d\n",
					      eeh_pe_number(pe), eeh_pe_type_name(eeh_pe_type(pe)),
					      eeh_pe_config_addr(pe), eeh_pe_iommu_group(pe),
					      par ? (int)eeh_pe_number(par) : -1);
			eeh_func_foreach(pe, f) {
				struct eeh_func *pf = eeh_func_physfn(f);

				n += (size_t)snprintf(out + n, len - n, "  %s %04x:%04x %06x pf %s",
						      eeh_func_bdf(f), eeh_func_vendor(f),
						      eeh_func_device(f), eeh_func_class(f),
						      pf ? eeh_func_bdf(pf) : "-");
				for (unsigned int b = 0; b < 6; b++) {
					uint64_t a, s;
					unsigned int fl;

					if (eeh_func_bar(f, b, &a, &s, &fl) == 0)
						n += (size_t)snprintf(out + n, len - n,
								      " bar%u %llx+%llx/%x", b,
								      (unsigned long long)a,
								      (unsigned long long)s, fl);
				}
				n += (size_t)snprintf(out + n, len - n, "\n");
			}
		}
	}
}

static struct eeh_pe *pe_of(struct eeh_ctx *ctx, const char *bdf)
{
	return eeh_pe_lookup(ctx, bdf, NULL);
}

static void power9_model_through_libudev(void)
{
	struct eeh_host_stats st = { .size = sizeof(st) };
	struct eeh_ctx *ctx;
	struct eeh_phb *phb;
	struct eeh_pe *nic, *sw, *nvme, *pf, *vf;
	struct eeh_func *f;
	uint64_t addr, size;
	unsigned int flags;

	bed_with(power9, NPOWER9, GS_DEVTREE);
	ctx = host_ctx(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	CU_ASSERT_TRUE(eeh_is_host(ctx));
	CU_ASSERT_STRING_EQUAL(eeh_backend_name(ctx), "host");
	/* Two PHBs from the domains, BUIDs from ibm,opal-phbid. */
	phb = eeh_phb_first(ctx);
	CU_ASSERT_PTR_NOT_NULL_FATAL(phb);
	CU_ASSERT_EQUAL(eeh_phb_domain(phb), 0);
	CU_ASSERT_EQUAL(eeh_phb_buid(phb), GS_PHBID(0));
	CU_ASSERT_EQUAL(eeh_phb_pe_count(phb), 4);
	phb = eeh_phb_next(phb);
	CU_ASSERT_PTR_NOT_NULL_FATAL(phb);
	CU_ASSERT_EQUAL(eeh_phb_index(phb), 1);
	CU_ASSERT_EQUAL(eeh_phb_buid(phb), GS_PHBID(1));
	CU_ASSERT_EQUAL(eeh_phb_pe_count(phb), 4);
	CU_ASSERT_PTR_NULL(eeh_phb_next(phb));
	/* The multi-function NIC is one PE (PE number from eeh_pe_config_addr). */
	nic = pe_of(ctx, "0000:01:00.1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(nic);
	CU_ASSERT_PTR_EQUAL(nic, pe_of(ctx, "0000:01:00.0"));
	CU_ASSERT_EQUAL(eeh_pe_number(nic), 2);
	CU_ASSERT_EQUAL(eeh_pe_func_count(nic), 2);
	CU_ASSERT_EQUAL(eeh_pe_type(nic), EEH_PE_TYPE_BUS);
	CU_ASSERT_EQUAL(eeh_pe_iommu_group(nic), 1);
	CU_ASSERT_PTR_NULL(eeh_pe_parent(nic));
	f = eeh_func_by_bdf(ctx, 0, 1, 0);
	CU_ASSERT_EQUAL(eeh_func_bar(f, 0, &addr, &size, &flags), 0);
	CU_ASSERT_EQUAL(addr, 0x600c000000000ULL);
	CU_ASSERT_EQUAL(size, 0x800000);
	CU_ASSERT_EQUAL(flags, EEH_BAR_MEM64 | EEH_BAR_PREFETCH);
	CU_ASSERT_EQUAL(eeh_func_bar(f, 3, &addr, &size, NULL), 0);
	CU_ASSERT_EQUAL(size, 0x8000);
	CU_ASSERT_EQUAL(eeh_func_bar(f, 1, NULL, NULL, NULL), -ENOENT);
	CU_ASSERT_EQUAL(eeh_func_class(f), 0x020000);
	/* The switch and its two downstream ports form one bus PE; the NVMe
	 * PEs below it are its children. */
	sw = pe_of(ctx, "0000:03:01.0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(sw);
	CU_ASSERT_EQUAL(eeh_pe_func_count(sw), 3);
	CU_ASSERT_EQUAL(eeh_pe_type(sw), EEH_PE_TYPE_BUS);
	nvme = pe_of(ctx, "0000:05:00.0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(nvme);
	CU_ASSERT_EQUAL(eeh_pe_type(nvme), EEH_PE_TYPE_DEVICE);
	CU_ASSERT_PTR_EQUAL(eeh_pe_parent(nvme), sw);
	CU_ASSERT_PTR_EQUAL(eeh_pe_parent(pe_of(ctx, "0000:04:00.0")), sw);
	/* SR-IOV: VF PEs hang below the PF's PE; VF IDs come from the vendor
	 * and device files, since a VF's config space reads 0xffff. */
	pf = pe_of(ctx, "0001:01:00.0");
	vf = pe_of(ctx, "0001:01:00.3");
	CU_ASSERT_PTR_NOT_NULL_FATAL(vf);
	CU_ASSERT_EQUAL(eeh_pe_type(vf), EEH_PE_TYPE_VF);
	CU_ASSERT_PTR_EQUAL(eeh_pe_parent(vf), pf);
	CU_ASSERT_EQUAL(eeh_pe_iommu_group(vf), 7);
	f = eeh_func_first(vf);
	CU_ASSERT_EQUAL(eeh_func_vendor(f), 0x15b3);
	CU_ASSERT_EQUAL(eeh_func_device(f), 0x101a);
	CU_ASSERT_PTR_EQUAL(eeh_func_physfn(f), eeh_func_by_bdf(ctx, 1, 1, 0));
	CU_ASSERT_PTR_EQUAL(eeh_pe_by_group(ctx, 8), pe_of(ctx, "0001:02:00.0"));
	/* Root ports have no IOMMU group: left out and counted. */
	CU_ASSERT_PTR_NULL(eeh_func_by_bdf(ctx, 0, 0, 0));
	CU_ASSERT_EQUAL(eeh_host_get_stats(ctx, &st), 0);
	CU_ASSERT_EQUAL(st.funcs, 11);
	CU_ASSERT_EQUAL(st.no_group, 4);
	CU_ASSERT_EQUAL(st.group_mismatch, 0);
	CU_ASSERT_TRUE(st.eeh_attrs);
	eeh_unref(ctx);
}

static void x86_host_has_groups_and_no_eeh(void)
{
	struct eeh_host_stats st = { .size = sizeof(st) };
	struct eeh_ctx *ctx;
	struct eeh_pe *pe;
	const char *why;

	bed_with(x86, NX86, 0);
	ctx = host_ctx(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	CU_ASSERT_EQUAL(eeh_host_get_stats(ctx, &st), 0);
	CU_ASSERT_FALSE(st.eeh_attrs);
	CU_ASSERT_EQUAL(st.funcs, NX86);
	/* One PE per IOMMU group; the PCH functions share group 2. */
	pe = eeh_pe_by_group(ctx, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pe);
	CU_ASSERT_EQUAL(eeh_pe_func_count(pe), 3);
	CU_ASSERT_PTR_EQUAL(pe_of(ctx, "00:1f.4"), pe);
	CU_ASSERT_EQUAL(eeh_phb_buid(eeh_phb_first(ctx)), 0); /* no device tree: the domain */
	CU_ASSERT_PTR_EQUAL(eeh_pe_parent(eeh_pe_by_group(ctx, 3)), eeh_pe_by_group(ctx, 4));
	/* Operations fail and say why. */
	why = eeh_host_missing(ctx);
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "/proc/powerpc/eeh"));
	test_log[0] = '\0';
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE), -EOPNOTSUPP);
	CU_ASSERT_PTR_NOT_NULL(strstr(test_log, "no /proc/powerpc/eeh"));
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_RESET_HOT), -EOPNOTSUPP);
	eeh_unref(ctx);
}

static void group_mismatches_are_counted_and_logged(void)
{
	static const struct gs_func bad[] = {
		/* PE 2 spans groups 1 and 9 */
		{ .bdf = "0000:01:00.0", .vendor = 1, .device = 1, .group = 1, .pe = 2 },
		{ .bdf = "0000:01:00.1", .vendor = 1, .device = 1, .group = 9, .pe = 2 },
		/* PEs 3 and 4 both claim group 5 */
		{ .bdf = "0000:02:00.0", .vendor = 1, .device = 2, .group = 5, .pe = 3 },
		{ .bdf = "0000:03:00.0", .vendor = 1, .device = 3, .group = 5, .pe = 4 },
	};
	struct eeh_host_stats st = { .size = sizeof(st) };
	struct eeh_ctx *ctx;

	char log[4096] = "";
	FILE *tmp = tmpfile();
	int saved = dup(2);

	bed_with(bad, 4, 0);
	/* Discovery logs before a log function can be set: catch stderr, at
	 * the default priority (a violation is reported, not hidden). */
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	unsetenv("EEH_LOG");
	dup2(fileno(tmp), 2);
	ctx = host_ctx(NULL);
	dup2(saved, 2);
	close(saved);
	setenv("EEH_LOG", "emerg", 1);
	rewind(tmp);
	log[fread(log, 1, sizeof(log) - 1, tmp)] = '\0';
	fclose(tmp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	CU_ASSERT_EQUAL(eeh_host_get_stats(ctx, &st), 0);
	CU_ASSERT_EQUAL(st.group_mismatch, 2);
	CU_ASSERT_EQUAL(st.skipped, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(log, "0000:01:00.1 is in group 9"));
	CU_ASSERT_PTR_NOT_NULL(strstr(log, "both hold group 5"));
	CU_ASSERT_EQUAL(eeh_pe_func_count(pe_of(ctx, "0000:01:00.1")), 2);
	CU_ASSERT_PTR_NULL(eeh_func_by_bdf(ctx, 0, 3, 0));
	eeh_unref(ctx);
}

static void libudev_and_root_walk_agree(void)
{
	static char a[16384], b[16384];
	struct eeh_ctx *ctx;

	bed_with(power9, NPOWER9, GS_DEVTREE);
	ctx = host_ctx(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	dump(ctx, a, sizeof(a));
	eeh_unref(ctx);
	ctx = host_ctx(bed_root); /* a root directory: the sysfs walk */
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	CU_ASSERT_STRING_EQUAL(eeh_get_root(ctx), bed_root);
	dump(ctx, b, sizeof(b));
	eeh_unref(ctx);
	CU_ASSERT_TRUE(strlen(a) > 500);
	CU_ASSERT_STRING_EQUAL(a, b);
}

static int wait_events(struct eeh_ctx *ctx, int fd, int want)
{
	int got = 0;

	for (int i = 0; i < 50 && got < want; i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r;

		poll(&p, 1, 100);
		r = eeh_host_monitor_process(ctx);
		if (r < 0)
			return r;
		got += r;
	}
	return got;
}

/* Hotplug as the kernel shows it. A function goes: the remove uevent
 * first (it reads the device's uevent file), then its directory. */
static void unplug(const struct gs_func *fns, size_t n, size_t idx)
{
	char path[512];

	CU_ASSERT_EQUAL_FATAL(gs_func_syspath(fns, n, idx, path, sizeof(path)), 0);
	um.uevent(bed, path, "remove");
	CU_ASSERT_EQUAL(gs_remove_func(bed_root, fns, n, idx), 0);
}

/* A function comes (or its files change): its directory, then the uevent
 * ("add", or "bind" when its driver binds). */
static void plug(const struct gs_func *fns, size_t n, size_t idx, const char *action)
{
	char path[512];

	CU_ASSERT_EQUAL(gs_write_func(bed_root, fns, n, idx), 0);
	CU_ASSERT_EQUAL_FATAL(gs_func_syspath(fns, n, idx, path, sizeof(path)), 0);
	um.uevent(bed, path, action);
}

/* A uevent alone, sysfs unchanged. */
static void uevent_only(const struct gs_func *fns, size_t n, size_t idx, const char *action)
{
	char path[512];

	CU_ASSERT_EQUAL_FATAL(gs_func_syspath(fns, n, idx, path, sizeof(path)), 0);
	um.uevent(bed, path, action);
}

/* The event arrives, and the model does not change. */
static void event_changes_nothing(struct eeh_ctx *ctx, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	CU_ASSERT_EQUAL(poll(&p, 1, 2000), 1);
	CU_ASSERT_EQUAL(eeh_host_monitor_process(ctx), 0);
}

/* The POWER9 host in a fresh testbed, a context on it through libudev,
 * its monitor started (*fd). */
static struct eeh_ctx *power9_monitored(int *fd)
{
	struct eeh_ctx *ctx;

	bed_with(power9, NPOWER9, GS_DEVTREE);
	ctx = host_ctx(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	*fd = eeh_host_monitor_start(ctx);
	CU_ASSERT_TRUE_FATAL(*fd >= 0);
	return ctx;
}

static void hotplug_remove_makes_ops_fail_enodev(void)
{
	struct eeh_ctx *ctx;
	struct eeh_pe *nvme, *sw;
	struct eeh_func *f;
	uint32_t v;
	size_t idx = power9_index("0000:05:00.0");
	int fd;

	ctx = power9_monitored(&fd);
	f = eeh_func_by_bdf(ctx, 0, 5, 0);
	nvme = eeh_func_pe(f);
	sw = eeh_pe_parent(nvme);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0, 2, &v), 0);
	CU_ASSERT_EQUAL(v, 0x144d);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nvme, VFIO_EEH_PE_GET_STATE), 0);
	/* The function goes away. */
	unplug(power9, NPOWER9, idx);
	CU_ASSERT_EQUAL(wait_events(ctx, fd, 1), 1);
	/* Handles stay valid; every op on them says the device is gone. */
	CU_ASSERT_FALSE(eeh_func_present(f));
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0, 2, &v), -ENODEV);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nvme, VFIO_EEH_PE_GET_STATE), -ENODEV);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nvme, VFIO_EEH_PE_UNFREEZE_IO), -ENODEV);
	CU_ASSERT_EQUAL(pe_inject_err(nvme, 0, 4, 0, 0), -ENODEV);
	CU_ASSERT_EQUAL(eeh_pe_platform_state(nvme), -ENODEV);
	CU_ASSERT_TRUE(eeh_pe_flags(nvme) & 0x400);
	/* ...and the model no longer lists them. */
	CU_ASSERT_PTR_NULL(eeh_func_by_bdf(ctx, 0, 5, 0));
	CU_ASSERT_PTR_NULL(pe_of(ctx, "0000:05:00.0"));
	CU_ASSERT_PTR_NULL(eeh_pe_by_group(ctx, 4));
	CU_ASSERT_EQUAL(eeh_phb_pe_count(eeh_phb_first(ctx)), 3);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(sw, VFIO_EEH_PE_GET_STATE), 0);
	/* It comes back: an add event puts it in a new PE under the switch. */
	plug(power9, NPOWER9, idx, "add");
	CU_ASSERT_EQUAL(wait_events(ctx, fd, 1), 1);
	f = eeh_func_by_bdf(ctx, 0, 5, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_TRUE(eeh_func_present(f));
	CU_ASSERT_PTR_EQUAL(eeh_pe_parent(eeh_func_pe(f)), sw);
	CU_ASSERT_EQUAL(eeh_pe_iommu_group(eeh_func_pe(f)), 4);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(eeh_func_pe(f), VFIO_EEH_PE_GET_STATE), 0);
	eeh_unref(ctx);
}

static void vanished_device_gives_enodev_before_any_event(void)
{
	struct eeh_ctx *ctx;
	struct eeh_pe *pe;
	struct eeh_func *f;
	uint32_t v;

	bed_with(power9, NPOWER9, GS_DEVTREE);
	ctx = host_ctx(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	f = eeh_func_by_bdf(ctx, 1, 2, 0);
	pe = eeh_func_pe(f);
	CU_ASSERT_TRUE(eeh_func_present(f));
	CU_ASSERT_EQUAL(gs_remove_func(bed_root, power9, NPOWER9, power9_index("0001:02:00.0")),
			0);
	/* libeeh.h: false once its sysfs directory is gone, event or not */
	CU_ASSERT_FALSE(eeh_func_present(f));
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE), -ENODEV);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0, 4, &v), -ENODEV);
	CU_ASSERT_FALSE(eeh_func_present(f));
	eeh_unref(ctx);
}

/* An adapter behind a deep chain of bridges (expansion drawers, nested
 * switches): its sysfs path is longer than 128 bytes. */
static void hotplug_add_deep_below_bridges(void)
{
	struct gs_func deep[10];
	char bdfs[10][16], path[512];
	struct eeh_ctx *ctx;
	struct eeh_func *f;
	int fd;

	memset(deep, 0, sizeof(deep));
	for (int i = 0; i < 10; i++) {
		snprintf(bdfs[i], sizeof(bdfs[i]), "0000:%02x:00.0", i);
		deep[i].bdf = bdfs[i];
		deep[i].parent = i ? bdfs[i - 1] : NULL;
		deep[i].vendor = 0x10b5;
		deep[i].device = 0x8725;
		deep[i].class_code = 0x060400;
		deep[i].bridge = true;
		deep[i].group = -1;
		deep[i].pe = -1;
	}
	deep[9].vendor = 0x144d;
	deep[9].device = 0xa808;
	deep[9].class_code = 0x010802;
	deep[9].bridge = false;
	deep[9].group = 1;
	deep[9].pe = 2;
	bed_with(deep, 10, 0);
	CU_ASSERT_EQUAL_FATAL(gs_func_syspath(deep, 10, 9, path, sizeof(path)), 0);
	CU_ASSERT_TRUE(strlen(path) > 128);
	ctx = host_ctx(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	CU_ASSERT_PTR_NOT_NULL(eeh_func_by_bdf(ctx, 0, 9, 0));
	fd = eeh_host_monitor_start(ctx);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	unplug(deep, 10, 9);
	CU_ASSERT_EQUAL(wait_events(ctx, fd, 1), 1);
	CU_ASSERT_PTR_NULL(eeh_func_by_bdf(ctx, 0, 9, 0));
	plug(deep, 10, 9, "add");
	CU_ASSERT_EQUAL(wait_events(ctx, fd, 1), 1);
	f = eeh_func_by_bdf(ctx, 0, 9, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(eeh_func_vendor(f), 0x144d);
	CU_ASSERT_EQUAL(eeh_pe_iommu_group(eeh_func_pe(f)), 1);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(eeh_func_pe(f), VFIO_EEH_PE_GET_STATE), 0);
	eeh_unref(ctx);
}

/* The kernel adds the EEH sysfs files in its late probe (after the add
 * uevent; "powerpc/eeh: Add sysfs files in late probe"): a function seen
 * without them on an EEH host is taken when its driver binds. */
static void hotplug_waits_for_the_eeh_attributes(void)
{
	struct gs_func early[NPOWER9];
	struct eeh_host_stats st = { .size = sizeof(st) };
	struct eeh_ctx *ctx;
	struct eeh_func *f;
	size_t idx = power9_index("0000:05:00.0"); /* PE 5 below the switch */
	int fd;

	memcpy(early, power9, sizeof(early));
	early[idx].pe = -1;
	ctx = power9_monitored(&fd);
	unplug(power9, NPOWER9, idx);
	CU_ASSERT_EQUAL(wait_events(ctx, fd, 1), 1);
	/* add: no eeh_pe_config_addr yet */
	plug(early, NPOWER9, idx, "add");
	event_changes_nothing(ctx, fd);
	CU_ASSERT_PTR_NULL(eeh_func_by_bdf(ctx, 0, 5, 0));
	CU_ASSERT_EQUAL(eeh_host_get_stats(ctx, &st), 0);
	CU_ASSERT_EQUAL(st.group_mismatch, 0);
	CU_ASSERT_EQUAL(st.skipped, 0);
	/* late probe done, driver bound */
	plug(power9, NPOWER9, idx, "bind");
	CU_ASSERT_EQUAL(wait_events(ctx, fd, 1), 1);
	f = eeh_func_by_bdf(ctx, 0, 5, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(eeh_pe_number(eeh_func_pe(f)), 5);
	CU_ASSERT_EQUAL(eeh_pe_iommu_group(eeh_func_pe(f)), 4);
	CU_ASSERT_PTR_EQUAL(eeh_pe_parent(eeh_func_pe(f)), pe_of(ctx, "0000:03:01.0"));
	/* a root port (no IOMMU group) binding to its driver is counted once */
	CU_ASSERT_EQUAL(eeh_host_get_stats(ctx, &st), 0);
	CU_ASSERT_EQUAL(st.no_group, 4);
	uevent_only(power9, NPOWER9, power9_index("0000:00:00.0"), "bind");
	event_changes_nothing(ctx, fd);
	CU_ASSERT_EQUAL(eeh_host_get_stats(ctx, &st), 0);
	CU_ASSERT_EQUAL(st.no_group, 4);
	eeh_unref(ctx);
}

static void removing_one_function_keeps_its_pe(void)
{
	struct eeh_ctx *ctx;
	struct eeh_pe *nic;
	struct eeh_func *f0, *f1;
	size_t fn1 = power9_index("0000:01:00.1"), root_port = power9_index("0000:00:00.0");
	uint32_t v;
	int fd;

	ctx = power9_monitored(&fd);
	CU_ASSERT_EQUAL(eeh_host_monitor_start(ctx), fd); /* started once */
	f0 = eeh_func_by_bdf(ctx, 0, 1, 0);
	f1 = eeh_func_by_bdf(ctx, 0, 1, 1);
	nic = eeh_func_pe(f1);
	unplug(power9, NPOWER9, fn1);
	CU_ASSERT_EQUAL(wait_events(ctx, fd, 1), 1);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f1, 0, 2, &v), -ENODEV);
	CU_ASSERT_EQUAL(eeh_pe_func_count(nic), 1);
	CU_ASSERT_PTR_EQUAL(eeh_func_first(nic), f0);
	CU_ASSERT_PTR_NULL(eeh_func_next(f0));
	CU_ASSERT_EQUAL(eeh_pe_flags(nic) & 0x400, 0);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nic, VFIO_EEH_PE_GET_STATE), 0);
	/* back into the same PE */
	plug(power9, NPOWER9, fn1, "add");
	CU_ASSERT_EQUAL(wait_events(ctx, fd, 1), 1);
	CU_ASSERT_PTR_EQUAL(eeh_pe_lookup(ctx, "0000:01:00.1", NULL), nic);
	CU_ASSERT_EQUAL(eeh_pe_func_count(nic), 2);
	/* a function without an IOMMU group changes nothing */
	uevent_only(power9, NPOWER9, root_port, "remove");
	event_changes_nothing(ctx, fd);
	CU_ASSERT_EQUAL(eeh_phb_pe_count(eeh_phb_first(ctx)), 4);
	eeh_unref(ctx);
}

static const struct test tests[] = {
	TEST(power9_model_through_libudev),
	TEST(x86_host_has_groups_and_no_eeh),
	TEST(group_mismatches_are_counted_and_logged),
	TEST(libudev_and_root_walk_agree),
	TEST(hotplug_remove_makes_ops_fail_enodev),
	TEST(vanished_device_gives_enodev_before_any_event),
	TEST(removing_one_function_keeps_its_pe),
	TEST(hotplug_add_deep_below_bridges),
	TEST(hotplug_waits_for_the_eeh_attributes),
};

/* CI installs umockdev (install-deps.sh), so there a skip would hide that
 * these tests did not run: it is a hard error (99) instead. */
static int skip(const char *why)
{
	const char *ci = getenv("CI");

	fprintf(stderr, "%s: %s\n", why,
		ci && *ci ? "an error in CI" : "skipped (install umockdev)");
	return ci && *ci ? 99 : 77;
}

int main(int argc, char **argv)
{
	int r;

	(void)argc;
	unsetenv("EEH_ROOT");
	if (umockdev_load() < 0) {
		return skip("libumockdev.so.0 not found");
	}
	if (!getenv("LD_PRELOAD") || !strstr(getenv("LD_PRELOAD"), "libumockdev-preload")) {
		/* Run again with the preload library that redirects /sys. */
		static char self[4096];
		char *args[] = { "umockdev-wrapper", self, NULL };
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n <= 0)
			return skip("cannot find this program to run it under umockdev-wrapper");
		self[n] = '\0';

		if (getenv("EEH_UMOCKDEV_REEXEC")) {
			return skip("umockdev-wrapper did not preload umockdev");
		}
		setenv("EEH_UMOCKDEV_REEXEC", "1", 1);
		/* Sanitizer builds: the preload library comes before libasan. */
		{
			char opts[1024];
			const char *old = getenv("ASAN_OPTIONS");

			snprintf(opts, sizeof(opts), "%s%sverify_asan_link_order=0", old ? old : "",
				 old && *old ? ":" : "");
			setenv("ASAN_OPTIONS", opts, 1);
		}
		execvp(args[0], args);
		fprintf(stderr, "umockdev-wrapper: %s\n", strerror(errno));
		return skip("cannot run umockdev-wrapper");
	}
	(void)argv;
	r = RUN_SUITE("discover", tests);
	if (bed) {
		um.object_unref(bed);
		um.free(bed_root);
	}
	return r;
}
