/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The real-host backend: EEH through the kernel's own files.
 *
 *   /sys/bus/pci/devices/<BDF>/eeh_pe_state   read "0x%08x 0x%08x" (platform
 *       state bits, PE flags); a write thaws an isolated PE (MMIO and DMA:
 *       eeh_unfreeze_pe) and clears ISOLATED (eeh_sysfs.c)
 *   /proc/powerpc/eeh                          enabled + counters
 *   /sys/kernel/debug/powerpc/PCI%04x/err_injct "pe:type:func:addr:mask" hex
 *       (powernv; PCI%04x is the PHB number, our PHB index)
 *   /sys/kernel/debug/powerpc/eeh_dev_break, eeh_dev_check,
 *       eeh_dev_can_recover                     write "DDDD:BB:DD.F"
 *   /sys/kernel/debug/powerpc/eeh_max_freezes   decimal
 *
 * The host kernel runs the EEH semantics itself, so this backend answers
 * whole PE operations (pe_op) rather than acting as firmware under the
 * PE_OP engine. There is no sysfs or debugfs file for a PE reset or for
 * configure: those give -EOPNOTSUPP. A VFIO container (another backend)
 * reaches them through VFIO_EEH_PE_OP and takes precedence when in use.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libudev.h>
#include <linux/vfio.h>
#include <pci/pci.h>

#include "host.h"
#include "sys.h"

#define DEBUGFS_EEH "/sys/kernel/debug/powerpc"
#define PROC_EEH "/proc/powerpc/eeh"
/* powernv suggests 1 s when a PE is temporarily unavailable. */
#define HOST_UNAVAIL_WAIT_MS 1000

static struct eeh_ctx *ctx_of(struct eeh_pe *pe)
{
	return pe->phb->ctx;
}

static bool pe_gone(struct eeh_pe *pe)
{
	return !pe->funcs || (atomic_load(&pe->kflags) & EEH_PE_REMOVED);
}

static int func_path(struct eeh_func *f, const char *attr, char *buf, size_t len)
{
	return (size_t)snprintf(buf, len, "/sys/bus/pci/devices/%s/%s", f->bdf, attr) < len
		       ? 0
		       : -ENAMETOOLONG;
}

/* After a sysfs file of f failed with ENOENT: did the whole function go? */
static int missing_attr_errno(struct eeh_func *f)
{
	char p[128];
	struct stat st;

	func_path(f, "", p, sizeof(p));
	return sys_stat(ctx_of(f->pe), p, &st) < 0 ? -ENODEV : -EOPNOTSUPP;
}

/* Is any function of the PE still in sysfs? */
static bool pe_in_sysfs(struct eeh_pe *pe)
{
	struct eeh_func *f;

	eeh_func_foreach(pe, f)
		if (missing_attr_errno(f) != -ENODEV)
			return true;
	return false;
}

/* ---- procfs ---- */

static int parse_counter(const char *text, const char *name, uint64_t *out)
{
	const char *p = strstr(text, name);

	if (!p)
		return -1;
	*out = strtoull(p + strlen(name), NULL, 10);
	return 0;
}

EEH_EXPORT int eeh_host_get_counters(struct eeh_ctx *ctx, struct eeh_host_counters *out)
{
	struct eeh_host_counters counters = { .size = sizeof(counters) }, *c = &counters;
	char text[1024];
	ssize_t n;

	if (!ctx || !struct_size_ok(out, EEH_V1_SIZE(eeh_host_counters, slot_resets)))
		return -EINVAL;
	n = sys_read_file(ctx, PROC_EEH, text, sizeof(text));
	if (n < 0)
		return n == -ENOENT ? -ENODEV : (int)n;
	if (strstr(text, "EEH Subsystem is enabled"))
		c->enabled = true;
	else if (!strstr(text, "EEH Subsystem is globally disabled"))
		return -EIO;
	parse_counter(text, "no device=", &c->no_device);
	parse_counter(text, "no device node=", &c->no_dn);
	parse_counter(text, "no config address=", &c->no_cfg_addr);
	parse_counter(text, "check not wanted=", &c->ignored_check);
	parse_counter(text, "eeh_total_mmio_ffs=", &c->total_mmio_ffs);
	parse_counter(text, "eeh_false_positives=", &c->false_positives);
	parse_counter(text, "eeh_slot_resets=", &c->slot_resets);
	struct_out(out, c, sizeof(*c));
	return 0;
}

EEH_EXPORT const char *eeh_host_missing(struct eeh_ctx *ctx)
{
	struct eeh_host_counters c = { .size = sizeof(c) };
	struct host *h = ctx ? host_of(ctx) : NULL;
	struct stat st;
	int r;

	if (!h)
		return "not a host context";
	r = eeh_host_get_counters(ctx, &c);
	if (r == -ENODEV)
		return "not a POWER host with EEH: no /proc/powerpc/eeh";
	if (r < 0)
		return "/proc/powerpc/eeh is unreadable";
	if (!c.enabled)
		return "EEH is disabled: /proc/powerpc/eeh says globally disabled (eeh=off, or "
		       "debugfs eeh_enable 0)";
	if (!h->stats.eeh_attrs)
		return "no sysfs EEH attributes (eeh_pe_config_addr, eeh_pe_state) on the PCI "
		       "functions";
	r = sys_stat(ctx, DEBUGFS_EEH, &st);
	/* A mounted debugfs is mode 0700: EACCES for a user; not mounted, the
	 * directory is empty: ENOENT for anyone. */
	if (r == -EACCES || r == -EPERM)
		return "not root: debugfs (/sys/kernel/debug) is readable by root only";
	if (r < 0)
		return "debugfs is not mounted on /sys/kernel/debug "
		       "(mount -t debugfs none /sys/kernel/debug)";
	r = sys_open(ctx, DEBUGFS_EEH "/eeh_dev_check", O_WRONLY, 0);
	if (r >= 0)
		sys_close(ctx, r);
	else if (r == -EACCES || r == -EPERM)
		return "not root: the debugfs EEH files are writable by root only";
	return NULL;
}

/* Log why an operation could not run, naming what is missing. */
static int explain(struct eeh_ctx *ctx, const char *what, int r)
{
	const char *why = eeh_host_missing(ctx);

	if (r == -EACCES || r == -EPERM)
		err(ctx, "%s: permission denied (not root?)", what);
	else
		err(ctx, "%s: %s", what, why ? why : strerror(-r));
	return r;
}

/* ---- eeh_ops over sysfs ---- */

/*
 * Read (write_text NULL) or write the PE's eeh_pe_state through the first
 * of its functions still in sysfs: hot unplug removes functions one by one
 * and the PE lives on in the others until their remove events are
 * processed. -ENODEV once none is left.
 */
static int pe_state_file(struct eeh_pe *pe, const char *write_text, char *text, size_t len)
{
	struct eeh_ctx *ctx = ctx_of(pe);
	struct eeh_func *f;
	char p[128];
	int r = -ENODEV;

	eeh_func_foreach(pe, f) {
		func_path(f, "eeh_pe_state", p, sizeof(p));
		r = write_text ? sys_write_file(ctx, p, write_text)
			       : (int)sys_read_file(ctx, p, text, len);
		if (r != -ENOENT)
			return r;
		r = missing_attr_errno(f);
		if (r != -ENODEV)
			return r;
	}
	return r;
}

static int host_get_state(struct eeh_pe *pe, unsigned int *delay_ms)
{
	char text[64];
	const char *s;
	char *end;
	unsigned long st, flags;
	int n;

	if (delay_ms)
		*delay_ms = 0;
	if (pe_gone(pe))
		return -ENODEV;
	n = pe_state_file(pe, NULL, text, sizeof(text));
	if (n < 0)
		return n;
	s = text;
	st = strtoul(s, &end, 16);
	if (end == s)
		return -EIO;
	s = end;
	flags = strtoul(s, &end, 16);
	if (end == s)
		return -EIO;
	/* The kernel's PE flags, kept as the model's (REMOVED is ours). */
	atomic_store(&pe->kflags, (uint32_t)flags | (atomic_load(&pe->kflags) & EEH_PE_REMOVED));
	if (st > 0x7f)
		return -EIO; /* a firmware error code printed as a state */
	if ((st & EEH_STATE_UNAVAILABLE) && delay_ms)
		*delay_ms = HOST_UNAVAIL_WAIT_MS;
	return (int)st;
}

/* Writing eeh_pe_state thaws MMIO and DMA together (eeh_unfreeze_pe). */
static int host_set_option(struct eeh_pe *pe, int option)
{
	if (pe_gone(pe))
		return -ENODEV;
	switch (option) {
	case EEH_OPT_ENABLE:
	case EEH_OPT_DISABLE:
		return 0;
	case EEH_OPT_THAW_MMIO:
	case EEH_OPT_THAW_DMA:
		return pe_state_file(pe, "1\n", NULL, 0);
	}
	return -EOPNOTSUPP; /* no file freezes a PE on demand */
}

static int write_debugfs(struct eeh_ctx *ctx, const char *name, const char *text)
{
	char p[128];

	snprintf(p, sizeof(p), DEBUGFS_EEH "/%s", name);
	return sys_write_file(ctx, p, text);
}

static int func_debugfs(struct eeh_func *f, const char *name)
{
	char bdf[32];
	int r;

	if (!f || !host_of(ctx_of(f->pe)))
		return -EINVAL;
	/* removed, or gone from sysfs before its remove event */
	if (host_func_gone(ctx_of(f->pe), f) || missing_attr_errno(f) == -ENODEV)
		return -ENODEV;
	snprintf(bdf, sizeof(bdf), "%s\n", f->bdf);
	r = write_debugfs(ctx_of(f->pe), name, bdf);
	return r == -ENODEV ? -ENODEV : r;
}

/* pseries (v6.12+): an injection breaks every device of the PE with the
 * MMIO-break helper, for the MMIO load/store functions only. */
static int inject_by_break(struct eeh_pe *pe, unsigned int func)
{
	struct eeh_func *f;
	bool broken = false;
	int r;

	if (func != 0 && func != 1 && func != 6 && func != 7)
		return -ERANGE;
	eeh_func_foreach(pe, f) {
		r = func_debugfs(f, "eeh_dev_break");
		if (r == -ENODEV)
			continue; /* left the PE before its remove event */
		if (r)
			return r;
		broken = true;
	}
	return broken ? 0 : -ENODEV;
}

static int host_err_inject(struct eeh_pe *pe, unsigned int type, unsigned int func,
			   uint64_t addr, uint64_t mask)
{
	struct eeh_ctx *ctx = ctx_of(pe);
	char p[128], text[96];
	struct stat st;
	int r;

	if (pe_gone(pe) || !pe_in_sysfs(pe))
		return -ENODEV;
	snprintf(p, sizeof(p), DEBUGFS_EEH "/PCI%04x/err_injct", pe->phb->index);
	snprintf(text, sizeof(text), "%x:%x:%x:%llx:%llx\n", pe->addr, type, func,
		 (unsigned long long)addr, (unsigned long long)mask);
	r = sys_write_file(ctx, p, text);
	if (r != -ENOENT) {
		if (r == -EACCES || r == -EPERM)
			explain(ctx, p, r);
		return r;
	}
	if (sys_stat(ctx, DEBUGFS_EEH "/eeh_dev_break", &st) == 0) {
		dbg(ctx, "%s: no err_injct on PHB %x: breaking the PE's devices", pe->name,
		    pe->phb->index);
		return inject_by_break(pe, func);
	}
	/* VFIO: a platform without err_inject gives -ENOENT. */
	return explain(ctx, "error injection", -ENOENT);
}

/* ---- whole PE operations ---- */

static int get_state_checked(struct eeh_pe *pe)
{
	int s = host_get_state(pe, NULL);

	if (s == -EOPNOTSUPP)
		explain(ctx_of(pe), pe->name, s);
	return s;
}

/* eeh_pci_enable()'s "already done" tests: THAW_MMIO is done when either
 * MMIO bit is set, THAW_DMA when DMA_ACTIVE is. */
#define THAW_MMIO 0x1
#define THAW_DMA 0x2

static bool thawed(int s, unsigned int what)
{
	if ((what & THAW_MMIO) && !(s & (EEH_STATE_MMIO_ACTIVE | EEH_STATE_MMIO_ENABLED)))
		return false;
	return !(what & THAW_DMA) || (s & EEH_STATE_DMA_ACTIVE);
}

/* eeh_pci_enable() (what = one side) or eeh_unfreeze_pe() (both) over the
 * sysfs thaw: skip when already thawed, then check the platform state
 * took it. */
static int thaw(struct eeh_pe *pe, unsigned int what)
{
	int s = get_state_checked(pe), r;

	if (s < 0)
		return s;
	if (s == EEH_STATE_NOT_SUPPORT || thawed(s, what))
		return 0;
	r = host_set_option(pe, EEH_OPT_THAW_MMIO);
	if (r < 0)
		return r;
	s = host_get_state(pe, NULL);
	if (s < 0)
		return s;
	return thawed(s, what) ? 0 : -EIO;
}

/* eeh_pe_get_state(): the VFIO GET_STATE value. */
static int get_state_op(struct eeh_pe *pe)
{
	struct eeh_pe *parent = pe->parent;
	int s;

	if (parent && !pe_gone(parent))
		host_get_state(parent, NULL); /* refresh its flags from the kernel */
	s = get_state_checked(pe);
	if (s == -ENODEV)
		return s;
	/* Let guest recovery wait while the host recovers the parent; the
	 * kernel checks this before asking the platform. */
	if (parent && (atomic_load(&parent->kflags) & (EEH_PE_ISOLATED | EEH_PE_RECOVERING)))
		return VFIO_EEH_PE_STATE_UNAVAIL;
	return s < 0 ? s : state_bits_to_vfio(s);
}

static int host_pe_op(struct eeh_pe *pe, struct vfio_eeh_pe_op *op)
{
	struct eeh_ctx *ctx = ctx_of(pe);
	int r;

	if (pe_gone(pe))
		return -ENODEV;
	pthread_mutex_lock(&pe->lock);
	switch (op->op) {
	case VFIO_EEH_PE_DISABLE:
		r = 0; /* the kernel never calls the platform for DISABLE */
		break;
	case VFIO_EEH_PE_ENABLE:
		/* eeh_pe_change_owner(): a PE not active on both sides is
		 * thawed (eeh_unfreeze_pe: MMIO, then DMA). */
		if (!ctx->eeh_enabled)
			r = explain(ctx, "enable", -EIO);
		else
			r = thaw(pe, THAW_MMIO | THAW_DMA);
		break;
	case VFIO_EEH_PE_UNFREEZE_IO:
		r = thaw(pe, THAW_MMIO);
		break;
	case VFIO_EEH_PE_UNFREEZE_DMA:
		r = thaw(pe, THAW_DMA);
		break;
	case VFIO_EEH_PE_GET_STATE:
		r = get_state_op(pe);
		break;
	case VFIO_EEH_PE_RESET_DEACTIVATE:
	case VFIO_EEH_PE_RESET_HOT:
	case VFIO_EEH_PE_RESET_FUNDAMENTAL:
	case VFIO_EEH_PE_CONFIGURE:
		err(ctx, "%s: %s: the host kernel has no sysfs or debugfs file for PE resets or "
		    "configure; use a VFIO container (VFIO_EEH_PE_OP)", pe->name,
		    eeh_op_name(op->op));
		r = -EOPNOTSUPP;
		break;
	case VFIO_EEH_PE_INJECT_ERR:
		r = host_err_inject(pe, op->err.type, op->err.func, op->err.addr, op->err.mask);
		break;
	default:
		r = -EINVAL;
	}
	pthread_mutex_unlock(&pe->lock);
	return r;
}

/* Config space through the sysfs config file (what libpci's sysfs method
 * reads). Without root the kernel shows only the first 64 bytes. */
static int host_cfg_access(struct eeh_func *f, bool write, unsigned int off, unsigned int size,
			   uint32_t *val)
{
	struct eeh_ctx *ctx = ctx_of(f->pe);
	unsigned char buf[4096];
	char p[128];
	ssize_t n;
	int fd;

	if (host_func_gone(ctx, f))
		return -ENODEV;
	if (write)
		return -EOPNOTSUPP;
	func_path(f, "config", p, sizeof(p));
	fd = sys_open(ctx, p, O_RDONLY, 0);
	if (fd < 0)
		return fd == -ENOENT ? -ENODEV : fd;
	n = sys_read(ctx, fd, buf, off + size);
	sys_close(ctx, fd);
	if (n < 0)
		return (int)n;
	if ((size_t)n < off + size)
		return -EACCES; /* beyond what this user may read */
	*val = 0;
	for (unsigned int i = 0; i < size; i++)
		*val |= (uint32_t)buf[off + i] << (8 * i);
	return 0;
}

static int host_mmio_access(struct eeh_func *f, bool write, unsigned int bar, uint64_t off,
			    unsigned int size, uint64_t *val)
{
	return host_func_gone(ctx_of(f->pe), f) ? -ENODEV : -EOPNOTSUPP;
}

static int host_dma_access(struct eeh_func *f, bool write, uint64_t addr, size_t len)
{
	return host_func_gone(ctx_of(f->pe), f) ? -ENODEV : -EOPNOTSUPP;
}

static void host_destroy(struct eeh_ctx *ctx)
{
	struct host *h = ctx->host;

	if (!h)
		return;
	monitor_stop(h);
	while (h->dead_funcs) {
		struct eeh_func *f = h->dead_funcs;

		h->dead_funcs = f->next;
		free(f->regs);
		free(f);
	}
	while (h->dead_pes) {
		struct eeh_pe *pe = h->dead_pes;

		h->dead_pes = pe->next;
		model_release_pe(pe); /* its memory goes with the model */
	}
	if (h->pacc)
		pci_cleanup(h->pacc);
	if (h->udev)
		udev_unref(h->udev);
	free(h);
	ctx->host = NULL;
}

/* EEH_BACKEND unset: the host when its kernel runs EEH, unless a
 * simulator file is named (EEH_IMAGE, EEH_TOPOLOGY). */
static bool host_detect(void)
{
	const char *image = secure_getenv("EEH_IMAGE");
	const char *topology = secure_getenv("EEH_TOPOLOGY");
	char line[128] = "";
	FILE *f;

	if ((image && *image) || (topology && *topology))
		return false;
	f = fopen("/proc/powerpc/eeh", "re");
	if (!f)
		return false;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	return strstr(line, "EEH Subsystem is enabled") != NULL;
}

/* The real host, or the tree under $EEH_ROOT; without EEH its ops say
 * what is missing. */
static int host_open(struct eeh_ctx **out)
{
	return eeh_new_host(NULL, out);
}

/* No reset or configure of its own: the kernel has no file for them
 * (pe_op says so); the iommufd device route composes them. */
const struct eeh_backend_ops host_backend_ops = {
	.name = "host",
	.caps = EEH_BACKEND_CAP_INJECT | EEH_BACKEND_CAP_KERNEL_PE_OP |
		EEH_BACKEND_CAP_DEVICE_ACCESS | EEH_BACKEND_CAP_DEVICE_RESET,
	.detect = host_detect,
	.open = host_open,
	.get_state = host_get_state,
	.set_option = host_set_option,
	.err_inject = host_err_inject,
	.pe_op = host_pe_op,
	.cfg_access = host_cfg_access,
	.mmio_access = host_mmio_access,
	.dma_access = host_dma_access,
	.destroy = host_destroy,
};

/* ---- construction ---- */

static int read_max_freezes(struct eeh_ctx *ctx, unsigned int *max)
{
	char text[32];
	char *end;
	unsigned long v;
	ssize_t n = sys_read_file(ctx, DEBUGFS_EEH "/eeh_max_freezes", text, sizeof(text));

	if (n < 0)
		return (int)n;
	v = strtoul(text, &end, 10);
	if (end == text || v > UINT32_MAX)
		return -EIO;
	*max = (unsigned int)v;
	return 0;
}

EEH_EXPORT int eeh_new_host(const char *root, struct eeh_ctx **out)
{
	struct eeh_host_counters c = { .size = sizeof(c) };
	struct eeh_ctx *ctx;
	struct host *h;
	struct stat st;
	int r;

	if (!out)
		return -EINVAL;
	*out = NULL;
	ctx = ctx_alloc();
	if (!ctx)
		return -ENOMEM;
	h = calloc(1, sizeof(*h));
	if (!h || (root && eeh_set_root(ctx, root) < 0)) {
		free(h);
		eeh_unref(ctx);
		return -ENOMEM;
	}
	ctx->host = h;
	ctx_set_backend(ctx, &host_backend_ops, h);
	r = sys_stat(ctx, "/sys/bus/pci", &st);
	if (r < 0) {
		err(ctx, "%s/sys/bus/pci: %s (no sysfs, or no PCI bus)",
		    ctx->sysroot ? ctx->sysroot : "", strerror(-r));
		eeh_unref(ctx);
		return r;
	}
	r = discover_model(ctx, h);
	if (r < 0) {
		eeh_unref(ctx);
		return r;
	}
	ctx->eeh_enabled = eeh_host_get_counters(ctx, &c) == 0 && c.enabled;
	/* The kernel's freeze limit is the context's. */
	read_max_freezes(ctx, &ctx->max_freezes);
	*out = ctx;
	return 0;
}

EEH_EXPORT bool eeh_is_host(struct eeh_ctx *ctx)
{
	return ctx && ctx->ops == &host_backend_ops;
}

EEH_EXPORT int eeh_host_get_stats(struct eeh_ctx *ctx, struct eeh_host_stats *stats)
{
	struct host *h = ctx ? host_of(ctx) : NULL;

	if (!h || !struct_size_ok(stats, EEH_V1_SIZE(eeh_host_stats, eeh_attrs)))
		return -EINVAL;
	struct_out(stats, &h->stats, sizeof(h->stats));
	return 0;
}

EEH_EXPORT int eeh_host_get_max_freezes(struct eeh_ctx *ctx, unsigned int *max)
{
	int r;

	if (!ctx || !max || !host_of(ctx))
		return -EINVAL;
	r = read_max_freezes(ctx, max);
	if (r == 0)
		ctx->max_freezes = *max;
	return r;
}

EEH_EXPORT int eeh_host_set_max_freezes(struct eeh_ctx *ctx, unsigned int max)
{
	char text[16];
	int r;

	if (!ctx || !host_of(ctx))
		return -EINVAL;
	snprintf(text, sizeof(text), "%u\n", max);
	r = write_debugfs(ctx, "eeh_max_freezes", text);
	if (r < 0)
		return explain(ctx, "eeh_max_freezes", r);
	ctx->max_freezes = max;
	return 0;
}

EEH_EXPORT int eeh_host_can_recover(struct eeh_func *func)
{
	int r = func_debugfs(func, "eeh_dev_can_recover");

	/* The kernel answers -EOPNOTSUPP when the driver lacks error_detected
	 * or slot_reset. */
	if (r == -EOPNOTSUPP)
		return 0;
	return r < 0 ? r : 1;
}

EEH_EXPORT int eeh_host_dev_break(struct eeh_func *func, unsigned int flags)
{
	struct eeh_ctx *ctx;
	struct stat st;
	char p[128];
	int r;

	if (!func || (flags & ~EEH_HOST_BREAK_FORCE))
		return -EINVAL;
	ctx = ctx_of(func->pe);
	if (!host_of(ctx))
		return -EINVAL;
	if (host_func_gone(ctx, func))
		return -ENODEV;
	/* eeh-functions.sh eeh_can_break: never break a bridge. */
	func_path(func, "pci_bus", p, sizeof(p));
	if (sys_stat(ctx, p, &st) == 0) {
		err(ctx, "%s is a bridge; breaking it would take its whole bus down", func->bdf);
		return -EINVAL;
	}
	if (!(flags & EEH_HOST_BREAK_FORCE)) {
		r = eeh_host_can_recover(func);
		if (r == 0) {
			err(ctx, "%s: its driver cannot recover from EEH errors "
			    "(eeh_dev_can_recover); use EEH_HOST_BREAK_FORCE", func->bdf);
			return -EOPNOTSUPP;
		}
		if (r < 0 && r != -ENODEV)
			return explain(ctx, "eeh_dev_can_recover", r);
	}
	r = func_debugfs(func, "eeh_dev_break");
	if (r == -ENOENT || r == -EACCES || r == -EPERM)
		explain(ctx, "eeh_dev_break", r);
	return r;
}

EEH_EXPORT int eeh_host_dev_check(struct eeh_func *func)
{
	int r = func_debugfs(func, "eeh_dev_check");

	if (r == -ENOENT || r == -EACCES || r == -EPERM)
		explain(ctx_of(func->pe), "eeh_dev_check", r);
	return r;
}

EEH_EXPORT bool eeh_func_present(struct eeh_func *func)
{
	struct eeh_ctx *ctx;

	if (!func)
		return false;
	ctx = ctx_of(func->pe);
	if (!host_of(ctx))
		return true;
	if (host_func_gone(ctx, func))
		return false;
	/* Gone from sysfs before its remove event was processed. */
	return missing_attr_errno(func) != -ENODEV;
}

/* ---- names ---- */

static void pci_quiet(char *msg, ...)
{
}

static struct pci_access *names_new(void)
{
	struct pci_access *a = pci_alloc();

	if (!a)
		return NULL;
	/* A missing pci.ids is a warning; the IDs are printed instead. */
	a->warning = pci_quiet;
	a->debug = pci_quiet;
	return a;
}

EEH_EXPORT const char *eeh_func_name(struct eeh_func *func, char *buf, size_t len)
{
	struct eeh_ctx *ctx;
	struct host *h;
	struct pci_access *a;
	char name[256];

	if (!buf || !len)
		return buf;
	buf[0] = '\0';
	if (!func)
		return buf;
	ctx = ctx_of(func->pe);
	h = host_of(ctx);
	if (h && !h->pacc && !h->pacc_failed) {
		h->pacc = names_new();
		h->pacc_failed = !h->pacc;
	}
	a = h ? h->pacc : names_new();
	if (a && pci_lookup_name(a, name, sizeof(name), PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE,
				 func->vendor, func->device))
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%04x:%04x", func->vendor, func->device);
	if (a && !h)
		pci_cleanup(a);
	return buf;
}
