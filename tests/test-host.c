/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host backend on fake trees in a temporary root directory: PE state
 * from eeh_pe_state, /proc/powerpc/eeh, the debugfs files, clear errors
 * when a piece is missing, and the injection path end to end through a
 * responder (the syscall layer) that applies debugfs and sysfs writes to
 * a simulated host the way the kernel would. Capture -> load -> list
 * gives the same tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "fixture-power9.h"
#include "gen-sysfs.h"
#include "test-util.h"

#define POWERNV (GS_PROC_EEH | GS_DEBUGFS | GS_ERR_INJCT | GS_DEVTREE)

/* The POWER9 fixture host (a copy: tests change it); some tests capture it
 * and load the capture. */
static struct gs_func p9[NPOWER9];

static char root[256];

static void new_root(void)
{
	if (root[0])
		gs_rmtree(root);
	snprintf(root, sizeof(root), "/tmp/eeh-host-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(root));
}

static struct eeh_ctx *host_on(const struct gs_func *fns, size_t n, unsigned int flags)
{
	struct eeh_ctx *ctx = NULL;

	new_root();
	CU_ASSERT_EQUAL_FATAL(gs_write_host(root, fns, n, flags), 0);
	CU_ASSERT_EQUAL(eeh_new_host(root, &ctx), 0);
	if (ctx) {
		eeh_set_log_fn(ctx, test_log_fn);
		eeh_set_log_priority(ctx, 6);
	}
	test_log[0] = '\0';
	return ctx;
}

static void put(const char *rel, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s%s", root, rel);
	f = fopen(p, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static void slurp(const char *rel, char *buf, size_t len)
{
	char p[512];
	FILE *f;
	size_t n;

	snprintf(p, sizeof(p), "%s%s", root, rel);
	buf[0] = '\0';
	f = fopen(p, "r");
	if (!f)
		return;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void no_pci_sysfs_under_root_is_enoent(void)
{
	struct eeh_ctx *ctx = NULL;

	new_root();
	setenv("EEH_LOG", "emerg", 1);
	CU_ASSERT_EQUAL(eeh_new_host(root, &ctx), -ENOENT);
	CU_ASSERT_PTR_NULL(ctx);
}

static void procfs_counters_and_debugfs_freeze_limit(void)
{
	struct eeh_host_counters c = { .size = sizeof(c) };
	struct eeh_ctx *ctx = host_on(p9, NPOWER9, POWERNV);
	unsigned int max = 0;
	char text[32];

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	CU_ASSERT_EQUAL(eeh_host_get_counters(ctx, &c), 0);
	CU_ASSERT_TRUE(c.enabled);
	CU_ASSERT_EQUAL(c.no_device, 1);
	CU_ASSERT_EQUAL(c.no_dn, 2);
	CU_ASSERT_EQUAL(c.no_cfg_addr, 3);
	CU_ASSERT_EQUAL(c.ignored_check, 4);
	CU_ASSERT_EQUAL(c.total_mmio_ffs, 5);
	CU_ASSERT_EQUAL(c.false_positives, 6);
	CU_ASSERT_EQUAL(c.slot_resets, 7);
	CU_ASSERT_TRUE(eeh_get_enabled(ctx));
	CU_ASSERT_PTR_NULL(eeh_host_missing(ctx));
	/* The kernel's eeh_max_freezes is the context's freeze limit. */
	put("/sys/kernel/debug/powerpc/eeh_max_freezes", "3\n");
	CU_ASSERT_EQUAL(eeh_host_get_max_freezes(ctx, &max), 0);
	CU_ASSERT_EQUAL(max, 3);
	CU_ASSERT_EQUAL(eeh_get_max_freezes(ctx), 3);
	/* eeh-functions.sh eeh_test_prep writes 5000 so the limit is never hit. */
	CU_ASSERT_EQUAL(eeh_host_set_max_freezes(ctx, 5000), 0);
	slurp("/sys/kernel/debug/powerpc/eeh_max_freezes", text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "5000\n");
	CU_ASSERT_EQUAL(eeh_get_max_freezes(ctx), 5000);
	put("/sys/kernel/debug/powerpc/eeh_max_freezes", "many\n");
	CU_ASSERT_EQUAL(eeh_host_get_max_freezes(ctx, &max), -EIO);
	CU_ASSERT_EQUAL(eeh_get_max_freezes(ctx), 5000);
	put("/sys/kernel/debug/powerpc/eeh_max_freezes", "5000\n");
	eeh_unref(ctx);
	/* read at creation */
	CU_ASSERT_EQUAL(eeh_new_host(root, &ctx), 0);
	CU_ASSERT_EQUAL(eeh_get_max_freezes(ctx), 5000);
	eeh_unref(ctx);
}

static void eeh_pe_state_words_give_vfio_states(void)
{
	struct eeh_ctx *ctx = host_on(p9, NPOWER9, POWERNV);
	struct eeh_pe *nvme, *sw;
	unsigned int ms;
	int st;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	nvme = eeh_pe_lookup(ctx, "0000:04:00.0", NULL);
	sw = eeh_pe_parent(nvme);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sw);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nvme, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_pe_platform_state(nvme), 0x78);
	/* frozen: no bits, ISOLATED */
	CU_ASSERT_EQUAL(gs_set_pe_state(root, p9, NPOWER9, 0, 4, 0, 0x1), 0);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nvme, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_STOPPED);
	CU_ASSERT_EQUAL(eeh_pe_flags(nvme), 0x1);
	/* MMIO thawed, DMA still stopped */
	gs_set_pe_state(root, p9, NPOWER9, 0, 4, 0x28, 0x1);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nvme, VFIO_EEH_PE_GET_STATE),
			VFIO_EEH_PE_STATE_STOPPED_DMA);
	gs_set_pe_state(root, p9, NPOWER9, 0, 4, 0x1c, 0x4 | 0x8);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nvme, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_RESET);
	gs_set_pe_state(root, p9, NPOWER9, 0, 4, 0x01, 0x1);
	CU_ASSERT_EQUAL(eeh_pe_papr_state(nvme, &st, &ms), 0);
	CU_ASSERT_EQUAL(st, EEH_PAPR_STATE_UNAVAIL);
	CU_ASSERT_EQUAL(ms, 1000);
	/* A healthy PE under a recovering parent waits (eeh_pe_get_state). */
	gs_set_pe_state(root, p9, NPOWER9, 0, 4, 0x78, 0);
	gs_set_pe_state(root, p9, NPOWER9, 0, 3, 0, 0x1 | 0x2);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nvme, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_UNAVAIL);
	CU_ASSERT_EQUAL(eeh_pe_flags(sw), 0x3);
	/* PE numbers are per PHB: PE 3 of PHB 1 (the VF) is untouched. */
	CU_ASSERT_EQUAL(eeh_pe_op_simple(eeh_pe_lookup(ctx, "0001:01:00.2", NULL),
					 VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_NORMAL);
	/* An unparsable file is an I/O error, not a state. */
	gs_set_pe_state(root, p9, NPOWER9, 0, 3, 0x78, 0);
	put("/sys/devices/pci0000:00/0000:00:01.0/0000:02:00.0/0000:03:00.0/0000:04:00.0/"
	    "eeh_pe_state", "garbage\n");
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nvme, VFIO_EEH_PE_GET_STATE), -EIO);
	/* eeh_pe_get_state() looks at the parent before asking the platform:
	 * while the host recovers it, the child is unavailable whatever its
	 * own state read gives. */
	gs_set_pe_state(root, p9, NPOWER9, 0, 3, 0, 0x1 | 0x2);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nvme, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_UNAVAIL);
	eeh_unref(ctx);
}

static void thaw_writes_eeh_pe_state_and_checks_it_took(void)
{
	struct eeh_ctx *ctx = host_on(p9, NPOWER9, POWERNV);
	struct eeh_pe *nic;
	char text[64];

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	nic = eeh_pe_lookup(ctx, "0000:01:00.0", NULL);
	gs_set_pe_state(root, p9, NPOWER9, 0, 2, 0, 0x1);
	/* Plain files do not react like the kernel: the write lands, the state
	 * read back is still frozen, so the thaw did not take: -EIO. */
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nic, VFIO_EEH_PE_UNFREEZE_IO), -EIO);
	slurp("/sys/devices/pci0000:00/0000:00:00.0/0000:01:00.0/eeh_pe_state", text, sizeof(text));
	CU_ASSERT_EQUAL(strncmp(text, "1\n", 2), 0); /* written over the state text */
	/* Already thawed: nothing is written. */
	gs_set_pe_state(root, p9, NPOWER9, 0, 2, 0x78, 0);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nic, VFIO_EEH_PE_UNFREEZE_DMA), 0);
	slurp("/sys/devices/pci0000:00/0000:00:00.0/0000:01:00.0/eeh_pe_state", text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "0x00000078 0x00000000\n");
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nic, VFIO_EEH_PE_ENABLE), 0);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nic, VFIO_EEH_PE_DISABLE), 0);
	eeh_unref(ctx);
}

static void pe_answers_through_a_function_still_there(void)
{
	struct eeh_ctx *ctx = host_on(p9, NPOWER9, POWERNV);
	struct eeh_func *f0, *f1;
	struct eeh_pe *nic;
	char text[64];

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	f0 = eeh_func_by_bdf(ctx, 0, 1, 0);
	f1 = eeh_func_by_bdf(ctx, 0, 1, 1);
	nic = eeh_func_pe(f0);
	CU_ASSERT_PTR_EQUAL_FATAL(eeh_func_first(nic), f0);
	/* 0000:01:00.0 leaves sysfs; no remove event processed yet. The PE
	 * still exists in the kernel through 0000:01:00.1. */
	CU_ASSERT_EQUAL(gs_set_pe_state(root, p9, NPOWER9, 0, 2, 0, 0x1), 0);
	CU_ASSERT_EQUAL(gs_remove_func(root, p9, NPOWER9, power9_index("0000:01:00.0")), 0);
	CU_ASSERT_FALSE(eeh_func_present(f0));
	CU_ASSERT_TRUE(eeh_func_present(f1));
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nic, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_STOPPED);
	CU_ASSERT_EQUAL(eeh_pe_flags(nic), 0x1);
	/* the thaw goes to the function that is there */
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nic, VFIO_EEH_PE_UNFREEZE_IO), -EIO);
	slurp("/sys/devices/pci0000:00/0000:00:00.0/0000:01:00.1/eeh_pe_state", text, sizeof(text));
	CU_ASSERT_EQUAL(strncmp(text, "1\n", 2), 0);
	/* the debugfs files are not written for the function that went */
	put("/sys/kernel/debug/powerpc/eeh_dev_check", "");
	put("/sys/kernel/debug/powerpc/eeh_dev_break", "");
	CU_ASSERT_EQUAL(eeh_host_dev_check(f0), -ENODEV);
	CU_ASSERT_EQUAL(eeh_host_dev_break(f0, EEH_HOST_BREAK_FORCE), -ENODEV);
	CU_ASSERT_EQUAL(eeh_host_can_recover(f0), -ENODEV);
	slurp("/sys/kernel/debug/powerpc/eeh_dev_check", text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "");
	slurp("/sys/kernel/debug/powerpc/eeh_dev_break", text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "");
	CU_ASSERT_EQUAL(eeh_host_dev_check(f1), 0);
	slurp("/sys/kernel/debug/powerpc/eeh_dev_check", text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "0000:01:00.1\n");
	/* the last one goes too: the PE is gone, nothing is injected */
	CU_ASSERT_EQUAL(gs_remove_func(root, p9, NPOWER9, power9_index("0000:01:00.1")), 0);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nic, VFIO_EEH_PE_GET_STATE), -ENODEV);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nic, VFIO_EEH_PE_UNFREEZE_IO), -ENODEV);
	CU_ASSERT_EQUAL(pe_inject_err(nic, 0, 4, 0, 0), -ENODEV);
	slurp("/sys/kernel/debug/powerpc/PCI0000/err_injct", text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "");
	eeh_unref(ctx);
}

static void resets_and_configure_are_not_offered_by_the_host(void)
{
	static const unsigned int ops[] = { VFIO_EEH_PE_RESET_HOT, VFIO_EEH_PE_RESET_FUNDAMENTAL,
					    VFIO_EEH_PE_RESET_DEACTIVATE, VFIO_EEH_PE_CONFIGURE };
	struct eeh_ctx *ctx = host_on(p9, NPOWER9, POWERNV);
	struct eeh_pe *pe;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	pe = eeh_pe_lookup(ctx, "group:3", NULL);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, ops[i]), -EOPNOTSUPP);
	CU_ASSERT_PTR_NOT_NULL(strstr(test_log, "VFIO container"));
	/* Kernel validation still comes first. */
	CU_ASSERT_EQUAL(pe_inject_err(pe, 2, 4, 0, 0), -EINVAL);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, 42), -EINVAL);
	eeh_unref(ctx);
}

static void missing_pieces_are_named(void)
{
	static const struct gs_func noeeh[] = {
		{ .bdf = "0000:01:00.0", .vendor = 0x144d, .device = 0xa808, .group = 3, .pe = -1 },
	};
	struct eeh_ctx *ctx;
	struct eeh_pe *pe;
	const char *why;

	/* x86: no procfs file */
	ctx = host_on(noeeh, 1, 0);
	why = eeh_host_missing(ctx);
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "no /proc/powerpc/eeh"));
	CU_ASSERT_FALSE(eeh_get_enabled(ctx));
	pe = eeh_pe_by_group(ctx, 3);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE), -EOPNOTSUPP);
	CU_ASSERT_PTR_NOT_NULL(strstr(test_log, "no /proc/powerpc/eeh"));
	eeh_unref(ctx);
	/* EEH globally disabled (eeh=off): ENABLE gives -EIO as the kernel does */
	ctx = host_on(p9, NPOWER9, GS_PROC_EEH_OFF | GS_DEBUGFS | GS_ERR_INJCT);
	why = eeh_host_missing(ctx);
	CU_ASSERT_PTR_NOT_NULL(why && strstr(why, "globally disabled"));
	CU_ASSERT_EQUAL(eeh_pe_op_simple(eeh_pe_by_group(ctx, 3), VFIO_EEH_PE_ENABLE), -EIO);
	CU_ASSERT_PTR_NOT_NULL(strstr(test_log, "globally disabled"));
	eeh_unref(ctx);
	/* EEH on, but debugfs not mounted: injection cannot work */
	ctx = host_on(p9, NPOWER9, GS_PROC_EEH);
	why = eeh_host_missing(ctx);
	CU_ASSERT_PTR_NOT_NULL(why && strstr(why, "debugfs is not mounted"));
	CU_ASSERT_EQUAL(pe_inject_err(eeh_pe_by_group(ctx, 3), 0, 4, 0, 0), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(test_log, "debugfs is not mounted"));
	CU_ASSERT_EQUAL(eeh_host_dev_check(eeh_func_by_bdf(ctx, 0, 4, 0)), -ENOENT);
	eeh_unref(ctx);
	/* EEH on, functions without EEH attributes */
	ctx = host_on(noeeh, 1, GS_PROC_EEH | GS_DEBUGFS);
	why = eeh_host_missing(ctx);
	CU_ASSERT_PTR_NOT_NULL(why && strstr(why, "no sysfs EEH attributes"));
	eeh_unref(ctx);
}

/* ---- the responder: the kernel's side of sysfs/debugfs over a simulator ---- */

enum kind { K_PLAIN, K_PE_STATE, K_CONFIG, K_ERR_INJCT, K_BREAK, K_CHECK, K_CAN_RECOVER };

static struct responder {
	struct eeh_ctx *sim;
	enum kind kind[1024];
	char arg[1024][16]; /* BDF or PHB */
	char last_injct[128];
	unsigned int breaks, checks;
	const char *cannot_recover; /* a BDF whose driver lacks the handlers */
	bool not_root;              /* debugfs refuses opens as for a user */
} rsp;

static struct eeh_func *sim_func(const char *bdf)
{
	unsigned int d, b, dev, fn;

	if (sscanf(bdf, "%x:%x:%x.%x", &d, &b, &dev, &fn) != 4)
		return NULL;
	return eeh_func_by_bdf(rsp.sim, d, b, dev << 3 | fn);
}

static int r_open(void *data, const char *path, int flags, unsigned int mode)
{
	char p[512];
	const char *base = strrchr(path, '/') + 1;
	int fd;

	if (rsp.not_root && !strncmp(path, "/sys/kernel/debug/", 18))
		return -EACCES;
	snprintf(p, sizeof(p), "%s%s", root, path);
	fd = open(p, flags, mode);
	if (fd < 0)
		return -errno;
	if (fd >= 1024)
		return close(fd), -EMFILE;
	rsp.kind[fd] = K_PLAIN;
	if (!strcmp(base, "eeh_pe_state") || !strcmp(base, "config")) {
		/* /sys/bus/pci/devices/<BDF>/<attr> */
		rsp.kind[fd] = base[0] == 'c' ? K_CONFIG : K_PE_STATE;
		snprintf(rsp.arg[fd], sizeof(rsp.arg[fd]), "%.12s", base - 13);
	} else if (!strcmp(base, "err_injct")) {
		rsp.kind[fd] = K_ERR_INJCT;
		snprintf(rsp.arg[fd], sizeof(rsp.arg[fd]), "%.4s", base - 5);
	} else if (!strcmp(base, "eeh_dev_break")) {
		rsp.kind[fd] = K_BREAK;
	} else if (!strcmp(base, "eeh_dev_check")) {
		rsp.kind[fd] = K_CHECK;
	} else if (!strcmp(base, "eeh_dev_can_recover")) {
		rsp.kind[fd] = K_CAN_RECOVER;
	}
	return fd;
}

static int r_close(void *data, int fd)
{
	return close(fd) < 0 ? -errno : 0;
}

static long r_read(void *data, int fd, void *buf, size_t len)
{
	struct eeh_func *f;
	char text[64];
	size_t n = 0;

	switch (rsp.kind[fd]) {
	case K_PE_STATE:
		f = sim_func(rsp.arg[fd]);
		if (!f)
			return -ENODEV;
		snprintf(text, sizeof(text), "0x%08x 0x%08x\n",
			 eeh_pe_platform_state(eeh_func_pe(f)), eeh_pe_flags(eeh_func_pe(f)));
		n = strlen(text) < len ? strlen(text) : len;
		memcpy(buf, text, n);
		return (long)n;
	case K_CONFIG:
		f = sim_func(rsp.arg[fd]);
		for (n = 0; f && n + 4 <= len && n < 256; n += 4) {
			uint32_t v;

			eeh_func_cfg_read(f, (unsigned int)n, 4, &v);
			memcpy((char *)buf + n, &v, 4);
		}
		return (long)n;
	default:
		n = (size_t)read(fd, buf, len);
		return (ssize_t)n < 0 ? -errno : (long)n;
	}
}

/* powernv err_injct: "%x:%x:%x:%lx:%lx", exactly five fields. */
static long injct(const char *phb, const char *text, size_t len)
{
	unsigned int pe_no, type, func, dom = (unsigned int)strtoul(phb, NULL, 16);
	unsigned long addr, mask;
	struct eeh_phb *p;
	struct eeh_pe *pe;

	snprintf(rsp.last_injct, sizeof(rsp.last_injct), "%s", text);
	if (sscanf(text, "%x:%x:%x:%lx:%lx", &pe_no, &type, &func, &addr, &mask) != 5)
		return -EINVAL;
	eeh_phb_foreach(rsp.sim, p)
		if (eeh_phb_index(p) == dom)
			eeh_pe_foreach(p, pe)
				if (eeh_pe_config_addr(pe) == pe_no) {
					int r;

					if (type > 1 || func > 19)
						return -ERANGE; /* pnv_eeh_err_inject */
					r = pe_inject_err(pe, type, func, addr, mask);
					return r < 0 ? r : (long)len;
				}
	return -ENODEV;
}

static long r_write(void *data, int fd, const void *buf, size_t len)
{
	char text[128];
	struct eeh_func *f;
	struct eeh_pe *pe;

	snprintf(text, sizeof(text), "%.*s", (int)(len < 127 ? len : 127), (const char *)buf);
	switch (rsp.kind[fd]) {
	case K_PE_STATE:
		/* eeh_pe_state_store(): a no-op unless ISOLATED; else unfreeze
		 * and clear ISOLATED (what ENABLE's change of owner does). */
		f = sim_func(rsp.arg[fd]);
		if (!f)
			return -ENODEV;
		pe = eeh_func_pe(f);
		if (!(eeh_pe_flags(pe) & 0x1))
			return (long)len;
		return eeh_pe_op_simple(pe, VFIO_EEH_PE_ENABLE) < 0 ? -EIO : (long)len;
	case K_ERR_INJCT:
		return injct(rsp.arg[fd], text, len);
	case K_BREAK:
	case K_CHECK:
	case K_CAN_RECOVER:
		text[strcspn(text, "\n")] = '\0';
		f = sim_func(text);
		if (!f)
			return -ENODEV;
		if (rsp.kind[fd] == K_CHECK)
			return rsp.checks++, (long)len;
		if (rsp.kind[fd] == K_CAN_RECOVER)
			return rsp.cannot_recover && !strcmp(text, rsp.cannot_recover) ? -EOPNOTSUPP
										   : (long)len;
		/* eeh_break_device(): the MMIO access fails, the PE freezes. */
		rsp.breaks++;
		eeh_inject_freeze(eeh_func_pe(f));
		return (long)len;
	default:
		return write(fd, buf, len) < 0 ? -errno : (long)len;
	}
}

static int r_stat(void *data, const char *path, struct stat *st)
{
	char p[512];

	/* debugfs is mode 0700: a user cannot even look inside */
	if (rsp.not_root && !strncmp(path, "/sys/kernel/debug/", 18))
		return -EACCES;

	snprintf(p, sizeof(p), "%s%s", root, path);
	return stat(p, st) < 0 ? -errno : 0;
}

static const struct eeh_syscalls responder_ops = {
	.size = sizeof(struct eeh_syscalls),
	.open = r_open, .close = r_close, .read = r_read, .write = r_write, .stat = r_stat,
};

/* A host on a fake tree whose kernel side is a simulator loaded from the
 * capture of the same tree. */
static struct eeh_ctx *host_with_responder(unsigned int flags)
{
	char topo[300];
	struct eeh_ctx *ctx = host_on(p9, NPOWER9, flags);

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	snprintf(topo, sizeof(topo), "%s/captured.json", root);
	CU_ASSERT_EQUAL_FATAL(eeh_save_topology(ctx, topo), 0);
	if (rsp.sim)
		eeh_unref(rsp.sim);
	memset(&rsp, 0, sizeof(rsp));
	CU_ASSERT_EQUAL_FATAL(eeh_new_sim(topo, &rsp.sim), 0);
	CU_ASSERT_EQUAL(eeh_set_syscalls(ctx, &responder_ops, NULL), 0);
	return ctx;
}

static void injection_through_err_injct_freezes_and_thaws(void)
{
	struct eeh_ctx *ctx = host_with_responder(POWERNV);
	struct eeh_pe *pe = eeh_pe_lookup(ctx, "0000:04:00.0", NULL);
	struct eeh_func *f = eeh_func_first(pe);
	uint32_t v = 0;

	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0, 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0xa808144d);
	/* 32-bit config load error, addr 0 mask 0, as the avocado test does */
	CU_ASSERT_EQUAL(pe_inject_err(pe, 0, 4, 0, 0), 0);
	CU_ASSERT_STRING_EQUAL(rsp.last_injct, "4:0:4:0:0\n");
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_NORMAL);
	/* the next config load hits it (lspci -ns in the avocado test) */
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 0, 4, &v), 0);
	CU_ASSERT_EQUAL(v, 0xffffffff);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_STOPPED);
	CU_ASSERT_TRUE(eeh_pe_flags(pe) & 0x1);
	/* thaw through eeh_pe_state */
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_UNFREEZE_IO), 0);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_pe_flags(pe) & 0x1, 0);
	CU_ASSERT_EQUAL(eeh_func_cfg_read(f, 2, 2, &v), 0);
	CU_ASSERT_EQUAL(v, 0xa808);
	/* 64-bit, other PE numbers and fields in hex */
	pe = eeh_pe_lookup(ctx, "0001:01:00.2", NULL);
	CU_ASSERT_EQUAL(pe_inject_err(pe, 1, 0x10, 0x6010002000010ULL, 0xfffffffffff0ULL), 0);
	CU_ASSERT_STRING_EQUAL(rsp.last_injct, "3:1:10:6010002000010:fffffffffff0\n");
	eeh_unref(ctx);
}

static void dev_break_respects_bridges_and_can_recover(void)
{
	struct eeh_ctx *ctx = host_with_responder(POWERNV);
	struct eeh_func *nvme = eeh_func_by_bdf(ctx, 0, 5, 0);
	struct eeh_func *bridge = eeh_func_by_bdf(ctx, 0, 3, 0);
	struct eeh_pe *pe = eeh_func_pe(nvme);

	rsp.cannot_recover = "0000:05:00.0";
	CU_ASSERT_EQUAL(eeh_host_dev_break(bridge, 0), -EINVAL);
	CU_ASSERT_EQUAL(eeh_host_can_recover(nvme), 0);
	CU_ASSERT_EQUAL(eeh_host_can_recover(eeh_func_by_bdf(ctx, 0, 4, 0)), 1);
	CU_ASSERT_EQUAL(eeh_host_dev_break(nvme, 0), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(rsp.breaks, 0);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_host_dev_break(nvme, EEH_HOST_BREAK_FORCE), 0);
	CU_ASSERT_EQUAL(rsp.breaks, 1);
	CU_ASSERT_EQUAL(eeh_host_dev_check(nvme), 0);
	CU_ASSERT_EQUAL(rsp.checks, 1);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_STOPPED);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_ENABLE), 0);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(pe, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_NORMAL);
	CU_ASSERT_EQUAL(eeh_host_dev_break(NULL, 0), -EINVAL);
	eeh_unref(ctx);
}

static void enable_thaws_a_pe_whose_dma_is_still_frozen(void)
{
	struct eeh_ctx *ctx = host_on(p9, NPOWER9, POWERNV);
	struct eeh_pe *nic;
	char text[64];

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	nic = eeh_pe_lookup(ctx, "0000:01:00.0", NULL);
	/* powernv DMA_FREEZE: MMIO_ACTIVE|MMIO_ENABLED, DMA frozen, ISOLATED.
	 * eeh_pe_change_owner() calls a PE active only when MMIO and DMA both
	 * are, so ENABLE thaws it: eeh_pe_state is written. Plain files do not
	 * thaw, so the read back says it did not take. */
	gs_set_pe_state(root, p9, NPOWER9, 0, 2, 0x28, 0x1);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nic, VFIO_EEH_PE_ENABLE), -EIO);
	slurp("/sys/devices/pci0000:00/0000:00:00.0/0000:01:00.0/eeh_pe_state", text, sizeof(text));
	CU_ASSERT_EQUAL(strncmp(text, "1\n", 2), 0);
	/* UNFREEZE_IO on the same state: MMIO is thawed, nothing to do. */
	gs_set_pe_state(root, p9, NPOWER9, 0, 2, 0x28, 0x1);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nic, VFIO_EEH_PE_UNFREEZE_IO), 0);
	slurp("/sys/devices/pci0000:00/0000:00:00.0/0000:01:00.0/eeh_pe_state", text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "0x00000028 0x00000001\n");
	/* Both active: nothing to do, nothing written. */
	gs_set_pe_state(root, p9, NPOWER9, 0, 2, 0x18, 0);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nic, VFIO_EEH_PE_ENABLE), 0);
	slurp("/sys/devices/pci0000:00/0000:00:00.0/0000:01:00.0/eeh_pe_state", text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "0x00000018 0x00000000\n");
	eeh_unref(ctx);
}

static void pseries_injection_breaks_every_function(void)
{
	/* no PCIxxxx/err_injct: pseries_eeh_err_inject semantics */
	struct eeh_ctx *ctx = host_with_responder(GS_PROC_EEH | GS_DEBUGFS);
	struct eeh_pe *nic = eeh_pe_lookup(ctx, "0000:01:00.0", NULL);

	CU_ASSERT_EQUAL(pe_inject_err(nic, 0, 4, 0, 0), -ERANGE);
	CU_ASSERT_EQUAL(rsp.breaks, 0);
	CU_ASSERT_EQUAL(pe_inject_err(nic, 0, 1, 0, 0), 0);
	CU_ASSERT_EQUAL(rsp.breaks, 2);
	CU_ASSERT_EQUAL(eeh_pe_op_simple(nic, VFIO_EEH_PE_GET_STATE), VFIO_EEH_PE_STATE_STOPPED);
	/* a function that left sysfs (no event yet) is no longer in the PE */
	CU_ASSERT_EQUAL(gs_remove_func(root, p9, NPOWER9, power9_index("0000:01:00.0")), 0);
	CU_ASSERT_EQUAL(pe_inject_err(nic, 0, 1, 0, 0), 0);
	CU_ASSERT_EQUAL(rsp.breaks, 3);
	eeh_unref(ctx);
}

static void captured_topology_loads_as_the_same_tree(void)
{
	static char a[8192], b[8192];
	char topo[300], cmd[1024];
	const char *top = getenv("top_builddir") ? getenv("top_builddir") : ".";
	struct eeh_ctx *ctx = host_on(p9, NPOWER9, POWERNV), *sim = NULL;
	uint64_t addr = 0, size = 0;
	unsigned int flags = 0;
	FILE *p;
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	eeh_unref(ctx);
	snprintf(topo, sizeof(topo), "%s/captured.json", root);
	snprintf(cmd, sizeof(cmd), "%s/tools/eehctl capture --root %s %s >/dev/null", top, root,
		 topo);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	CU_ASSERT_EQUAL_FATAL(eeh_new_sim(topo, &sim), 0);
	CU_ASSERT_EQUAL(eeh_phb_pe_count(eeh_phb_first(sim)), 4);
	CU_ASSERT_PTR_NOT_NULL(eeh_func_physfn(eeh_func_by_bdf(sim, 1, 1, 2)));
	CU_ASSERT_EQUAL(eeh_pe_type(eeh_pe_by_group(sim, 6)), EEH_PE_TYPE_VF);
	/* the switch's and the SAS adapter's 32-bit BARs, above 4 GiB in CPU space */
	CU_ASSERT_EQUAL(eeh_func_bar(eeh_func_by_bdf(sim, 0, 2, 0), 0, &addr, &size, &flags), 0);
	CU_ASSERT_EQUAL(addr, 0x3fe000000ULL);
	CU_ASSERT_EQUAL(flags & EEH_BAR_MEM64, 0);
	CU_ASSERT_EQUAL(eeh_func_bar(eeh_func_by_bdf(sim, 1, 2, 0), 0, &addr, &size, &flags), 0);
	CU_ASSERT_EQUAL(addr, 0x3fe800000ULL);
	eeh_unref(sim);
	/* eehctl list: host vs replay */
	snprintf(cmd, sizeof(cmd), "EEH_BACKEND=host EEH_ROOT=%s %s/tools/eehctl list", root, top);
	p = popen(cmd, "r");
	n = fread(a, 1, sizeof(a) - 1, p);
	a[n] = '\0';
	CU_ASSERT_EQUAL(pclose(p), 0);
	snprintf(cmd, sizeof(cmd), "EEH_BACKEND= %s/tools/eehctl -t %s list", top, topo);
	p = popen(cmd, "r");
	n = fread(b, 1, sizeof(b) - 1, p);
	b[n] = '\0';
	CU_ASSERT_EQUAL(pclose(p), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "0001:01:00.2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "parent PE#3"));
	CU_ASSERT_STRING_EQUAL(a, b);
}

static void host_calls_on_other_contexts_and_names(void)
{
	struct eeh_ctx *sim = builtin_host(), *ctx;
	struct eeh_func *f = eeh_func_by_bdf(sim, 0, 1, 0);
	struct eeh_host_stats st = { .size = sizeof(st) };
	char name[128];

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_FALSE(eeh_is_host(sim));
	CU_ASSERT_EQUAL(eeh_host_get_stats(sim, &st), -EINVAL);
	CU_ASSERT_EQUAL(eeh_host_can_recover(f), -EINVAL);
	CU_ASSERT_EQUAL(eeh_host_dev_break(f, EEH_HOST_BREAK_FORCE), -EINVAL);
	CU_ASSERT_EQUAL(eeh_host_monitor_start(sim), -EINVAL);
	CU_ASSERT_STRING_EQUAL(eeh_host_missing(sim), "not a host context");
	CU_ASSERT_STRING_EQUAL(eeh_host_missing(NULL), "not a host context");
	CU_ASSERT_TRUE(eeh_func_present(f));
	/* pci.ids through libpci, else the IDs */
	eeh_func_name(f, name, sizeof(name));
	if (access("/usr/share/misc/pci.ids", R_OK) == 0) {
		CU_ASSERT_PTR_NOT_NULL(strstr(name, "Intel"));
	} else {
		CU_ASSERT_STRING_EQUAL(name, "8086:1572");
	}
	eeh_unref(sim);
	/* libudev cannot watch a root directory */
	ctx = host_on(p9, NPOWER9, POWERNV);
	CU_ASSERT_EQUAL(eeh_host_monitor_start(ctx), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(eeh_host_monitor_process(ctx), -EINVAL);
	eeh_unref(ctx);
}

static void not_root_is_named(void)
{
	struct eeh_ctx *ctx = host_with_responder(POWERNV);
	struct eeh_func *f = eeh_func_by_bdf(ctx, 0, 4, 0);
	const char *why;

	rsp.not_root = true;
	why = eeh_host_missing(ctx);
	CU_ASSERT_PTR_NOT_NULL(why && strstr(why, "not root"));
	test_log[0] = '\0';
	CU_ASSERT_EQUAL(eeh_host_dev_break(f, EEH_HOST_BREAK_FORCE), -EACCES);
	CU_ASSERT_PTR_NOT_NULL(strstr(test_log, "not root"));
	CU_ASSERT_EQUAL(pe_inject_err(eeh_func_pe(f), 0, 4, 0, 0), -EACCES);
	CU_ASSERT_EQUAL(eeh_host_set_max_freezes(ctx, 7), -EACCES);
	/* reading state needs no root */
	CU_ASSERT_EQUAL(eeh_pe_op_simple(eeh_func_pe(f), VFIO_EEH_PE_GET_STATE), 0);
	eeh_unref(ctx);
}

static void eeh_new_picks_the_host_for_eeh_backend_host(void)
{
	struct eeh_ctx *ctx = host_on(p9, NPOWER9, POWERNV), *c2 = NULL;

	eeh_unref(ctx);
	setenv("EEH_BACKEND", "host", 1);
	setenv("EEH_ROOT", root, 1);
	CU_ASSERT_EQUAL(eeh_new(&c2), 0);
	unsetenv("EEH_BACKEND");
	unsetenv("EEH_ROOT");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
	CU_ASSERT_TRUE(eeh_is_host(c2));
	CU_ASSERT_STRING_EQUAL(eeh_backend_name(c2), "host");
	CU_ASSERT_STRING_EQUAL(eeh_get_root(c2), root);
	CU_ASSERT_PTR_NOT_NULL(eeh_pe_by_group(c2, 6));
	eeh_unref(c2);
}

static const struct test tests[] = {
	TEST(no_pci_sysfs_under_root_is_enoent),
	TEST(procfs_counters_and_debugfs_freeze_limit),
	TEST(eeh_pe_state_words_give_vfio_states),
	TEST(thaw_writes_eeh_pe_state_and_checks_it_took),
	TEST(pe_answers_through_a_function_still_there),
	TEST(resets_and_configure_are_not_offered_by_the_host),
	TEST(missing_pieces_are_named),
	TEST(injection_through_err_injct_freezes_and_thaws),
	TEST(dev_break_respects_bridges_and_can_recover),
	TEST(enable_thaws_a_pe_whose_dma_is_still_frozen),
	TEST(pseries_injection_breaks_every_function),
	TEST(captured_topology_loads_as_the_same_tree),
	TEST(host_calls_on_other_contexts_and_names),
	TEST(not_root_is_named),
	TEST(eeh_new_picks_the_host_for_eeh_backend_host),
};

int main(void)
{
	int r;

	unsetenv("EEH_ROOT");
	unsetenv("EEH_BACKEND");
	memcpy(p9, power9, sizeof(p9)); /* the full host, 32-bit BARs above 4 GiB included */
	r = RUN_SUITE("host", tests);
	if (rsp.sim)
		eeh_unref(rsp.sim);
	if (root[0])
		gs_rmtree(root);
	return r;
}
