/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The facade: a simulated host presented through FUSE as the kernel's
 * files, so tools written for a POWER host (the kernel's EEH selftests,
 * lspci, in-house health checks, libeeh's own host backend) run unchanged.
 *
 *   sys/bus/pci/devices/<BDF> -> ../../../devices/pciDDDD:00/.../<BDF>
 *   sys/devices/pciDDDD:00/.../<BDF>/  config resource vendor device class
 *       revision subsystem_* irq uevent eeh_pe_state eeh_pe_config_addr
 *       eeh_mode, links subsystem iommu_group driver of_node physfn virtfnN,
 *       pci_bus/ for bridges
 *   sys/bus/pci/drivers/<name>/ bind unbind <BDF>
 *   sys/kernel/iommu_groups/<N>/devices/<BDF>
 *   sys/kernel/debug/powerpc/ eeh_dev_check eeh_dev_break eeh_dev_can_recover
 *       eeh_max_freezes eeh_enable eeh_disable_recovery eeh_force_recover
 *       PCIxxxx/err_injct
 *   sys/firmware/devicetree/base/pciex@D/ibm,opal-phbid
 *   proc/powerpc/eeh
 *
 * Formats, modes, errnos and usage strings are the kernel's (eeh_sysfs.c,
 * eeh.c, pci-sysfs.c, pci-ioda.c). Detection (eeh_dev_check, an all-ones
 * config read) queues a recovery event as eeh_dev_check_failure() does;
 * the events are handled, newest first, by libeeh's recovery driver after
 * the request that queued them, so the daemon is its own eehd thread.
 * The loop serves one request at a time: no lock is needed around the
 * context.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facade.h"

#ifndef HAVE_FUSE

static int no_fuse(void)
{
	fprintf(stderr, "eehctl: built without FUSE (libfuse3): install libfuse3-dev and "
			"reconfigure to get 'exec' and 'mount'\n");
	return EXIT_REFUSED;
}

int facade_exec(const struct cli_opts *o, const struct facade_opts *fo, char **argv)
{
	return no_fuse();
}

int facade_mount(const struct cli_opts *o, const struct facade_opts *fo, const char *dir)
{
	return no_fuse();
}

#else

#define FUSE_USE_VERSION 31
#include <dirent.h>
#include <fuse.h>
#include <fuse_lowlevel.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include <linux/vfio.h>

/* Kernel constants the files show (arch/powerpc/include/asm/eeh.h). */
#define PE_ISOLATED 0x001
#define PE_RECOVERING 0x002
#define PE_REMOVED 0x400
#define STATE_RESET_ACTIVE 0x04
#define STATE_ACTIVE 0x18 /* MMIO_ACTIVE | DMA_ACTIVE */
#define DEV_USAGE "input format: <domain>:<bus>:<dev>.<fn>\n"
#define CFG_SIZE 4096 /* PCIe: the extended config space */
#define CFG_USER_SIZE 64 /* what a non-root reader gets (pci-sysfs.c) */

/* ---- drivers the facade binds (the topology names none) ---- */

static enum eeh_ers_result drv_error_detected(struct eeh_func *f, enum eeh_channel_state st,
					      void *data)
{
	/* nvme, pcieport and most EEH-aware drivers: reset when frozen. */
	return st == EEH_CHANNEL_FROZEN ? EEH_ERS_NEED_RESET : EEH_ERS_DISCONNECT;
}

static enum eeh_ers_result drv_recovered(struct eeh_func *f, void *data)
{
	return EEH_ERS_RECOVERED;
}

static void drv_resume(struct eeh_func *f, void *data)
{
}

#define AWARE_DRIVER(n)                                                            \
	{ .size = sizeof(struct eeh_driver), .name = n,                             \
	  .error_detected = drv_error_detected, .mmio_enabled = drv_recovered,      \
	  .slot_reset = drv_recovered, .resume = drv_resume }

/* Chosen by class code: a bridge gets pcieport, NVMe nvme, an AHCI SATA
 * controller ahci (no error handlers: the selftests skip it), anything
 * else the simulator's EEH-aware driver. */
static const struct eeh_driver drivers[] = {
	AWARE_DRIVER("eehsim"),
	AWARE_DRIVER("pcieport"),
	AWARE_DRIVER("nvme"),
	{ .size = sizeof(struct eeh_driver), .name = "ahci" },
};
#define NDRIVERS (sizeof(drivers) / sizeof(drivers[0]))

static int driver_for_class(uint32_t class_code)
{
	if ((class_code >> 8) == 0x0604)
		return 1;
	if ((class_code >> 8) == 0x0108)
		return 2;
	if (class_code == 0x010601)
		return 3;
	return 0;
}

/* ---- the tree ---- */

struct facade;
struct fnode;

struct fbuf {
	char *data;
	size_t len;
};

typedef int (*show_fn)(struct facade *fc, struct fnode *n, struct fbuf *b);
/* Returns len (consumed) or -errno. */
typedef int (*store_fn)(struct facade *fc, struct fnode *n, const char *data, size_t len);

struct attr {
	const char *name;
	mode_t mode;
	off_t size; /* st_size: sysfs 4096, debugfs/procfs 0 */
	show_fn show;
	store_fn store;
};

struct ffunc;

enum nkind { N_DIR, N_FILE, N_LINK };

struct fnode {
	char *name;
	enum nkind kind;
	mode_t mode;
	struct fnode *parent, *first, *last, *next;
	const struct attr *attr;
	char *target;
	struct ffunc *ff;    /* the function the node belongs to (hidden once removed) */
	struct eeh_phb *phb; /* for PCIxxxx/err_injct */
	int drv;             /* drivers/<drv>/...: the driver, else -1 */
	bool driver_link;    /* <BDF>/driver: follows the binding */
};

struct fpe {
	struct eeh_pe *pe;
	bool detected; /* the kernel's ISOLATED from detection */
	bool queued;   /* an event is queued: RECOVERING */
};

struct ffunc {
	struct eeh_func *f;
	struct fpe *fpe;
	char *syspath; /* "devices/pciDDDD:00/.../BDF", below sys/ */
	int depth;     /* components of syspath */
	int drv;       /* bound driver, -1 none */
	struct fnode *dir;
	int nvfs;
};

struct facade {
	struct eeh_ctx *ctx;
	struct eeh_recovery *rec;
	struct fnode *root;
	struct ffunc *funcs;
	struct ffunc **func_index; /* by handle */
	size_t nfuncs;
	struct fpe *pes;
	struct fpe **pe_index;
	size_t npes;
	struct fpe **queue; /* LIFO, as eehd takes list.next */
	size_t nqueue;
	bool special;       /* "hwcheck" queued */
	bool disable_recovery;
	uint64_t total_mmio_ffs, false_positives, slot_resets, no_device;
	FILE *log;
	const char *prog;
};

static struct fnode *node_add(struct fnode *parent, const char *name, enum nkind kind,
			      mode_t mode)
{
	struct fnode *n = calloc(1, sizeof(*n));

	if (!n || !(n->name = strdup(name))) {
		free(n);
		return NULL;
	}
	n->kind = kind;
	n->mode = mode;
	n->drv = -1;
	n->parent = parent;
	if (parent) {
		n->ff = parent->ff;
		if (parent->last)
			parent->last->next = n;
		else
			parent->first = n;
		parent->last = n;
	}
	return n;
}

static struct fnode *child(struct fnode *dir, const char *name)
{
	for (struct fnode *c = dir ? dir->first : NULL; c; c = c->next)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static struct fnode *dir_at(struct fnode *dir, const char *name, mode_t mode)
{
	struct fnode *c = child(dir, name);

	return c ? c : node_add(dir, name, N_DIR, mode);
}

static struct fnode *link_add(struct fnode *dir, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static struct fnode *link_add(struct fnode *dir, const char *name, const char *fmt, ...)
{
	struct fnode *n = node_add(dir, name, N_LINK, 0777);
	va_list ap;

	if (!n)
		return NULL;
	va_start(ap, fmt);
	if (vasprintf(&n->target, fmt, ap) < 0)
		n->target = NULL;
	va_end(ap);
	return n->target ? n : NULL;
}

static void node_free(struct fnode *n)
{
	struct fnode *c, *next;

	if (!n)
		return;
	for (c = n->first; c; c = next) {
		next = c->next;
		node_free(c);
	}
	free(n->name);
	free(n->target);
	free(n);
}

static bool pe_removed(struct eeh_pe *pe)
{
	return eeh_pe_flags(pe) & PE_REMOVED;
}

static bool node_visible(struct fnode *n)
{
	if (n->ff && pe_removed(eeh_func_pe(n->ff->f)))
		return false;
	if (n->driver_link)
		return n->ff->drv >= 0;
	if (n->drv >= 0 && n->ff)
		return n->ff->drv == n->drv;
	return true;
}

static struct fnode *lookup(struct facade *fc, const char *path)
{
	struct fnode *n = fc->root;
	char buf[4096], *save = NULL, *tok;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return NULL;
	for (tok = strtok_r(buf, "/", &save); tok && n; tok = strtok_r(NULL, "/", &save)) {
		n = child(n, tok);
		if (n && !node_visible(n))
			n = NULL;
	}
	return n;
}

/* ---- content helpers ---- */

static int fb_printf(struct fbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fb_printf(struct fbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&b->data, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->data = NULL;
		return -ENOMEM;
	}
	b->len = (size_t)n;
	return 0;
}

static const char *pe_id(struct eeh_pe *pe, char *buf, size_t len)
{
	snprintf(buf, len, "phb%u:pe%u", eeh_phb_index(eeh_pe_phb(pe)), eeh_pe_number(pe));
	return buf;
}

/* One JSON line in the event log: the simulator's record of what happened. */
static void log_event(struct facade *fc, const char *event, json_object *j)
{
	if (!fc->log) {
		json_object_put(j);
		return;
	}
	if (!json_object_object_get_ex(j, "time_us", NULL))
		json_object_object_add(j, "time_us", json_object_new_int64(
							      (int64_t)eeh_clock_now_us(fc->ctx)));
	json_object_object_add(j, "event", json_object_new_string(event));
	fprintf(fc->log, "%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
								      JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(fc->log);
	json_object_put(j);
}

/* What the kernel would print to its log (pr_err, pci_info...). */
static void kmsg(struct facade *fc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void kmsg(struct facade *fc, const char *fmt, ...)
{
	json_object *j;
	char *text;
	va_list ap;
	int n;

	if (!fc->log)
		return;
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	j = json_object_new_object();
	json_object_object_add(j, "text", json_object_new_string(text));
	free(text);
	log_event(fc, "kmsg", j);
}

static json_object *pe_event(struct eeh_pe *pe, struct eeh_func *f)
{
	json_object *j = json_object_new_object();
	char id[32];

	json_object_object_add(j, "pe", json_object_new_string(pe_id(pe, id, sizeof(id))));
	if (f)
		json_object_object_add(j, "bdf", json_object_new_string(eeh_func_bdf(f)));
	return j;
}

/* Lookups by handle: binary search in arrays sorted by address. */
static int cmp_ffunc(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)(*(struct ffunc *const *)a)->f;
	uintptr_t y = (uintptr_t)(*(struct ffunc *const *)b)->f;

	return x < y ? -1 : x > y;
}

static int cmp_fpe(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)(*(struct fpe *const *)a)->pe;
	uintptr_t y = (uintptr_t)(*(struct fpe *const *)b)->pe;

	return x < y ? -1 : x > y;
}

static struct ffunc *ffunc_of(struct facade *fc, struct eeh_func *f)
{
	struct ffunc key = { .f = f }, *k = &key, **hit;

	hit = bsearch(&k, fc->func_index, fc->nfuncs, sizeof(*hit), cmp_ffunc);
	return hit ? *hit : NULL;
}

static struct fpe *fpe_of(struct facade *fc, struct eeh_pe *pe)
{
	struct fpe key = { .pe = pe }, *k = &key, **hit;

	hit = bsearch(&k, fc->pe_index, fc->npes, sizeof(*hit), cmp_fpe);
	return hit ? *hit : NULL;
}

/* pci_get_domain_bus_and_slot(): a function still present. */
static struct ffunc *ffunc_by_bdf(struct facade *fc, unsigned int domain, unsigned int bus,
				  unsigned int devfn)
{
	struct eeh_func *f = eeh_func_by_bdf(fc->ctx, domain, bus, devfn);

	return f && !pe_removed(eeh_func_pe(f)) ? ffunc_of(fc, f) : NULL;
}

static bool state_active(int s)
{
	return s >= 0 && (s & STATE_ACTIVE) == STATE_ACTIVE && !(s & STATE_RESET_ACTIVE);
}

/* ---- detection and recovery (eeh_dev_check_failure, eehd) ---- */

static void queue_event(struct facade *fc, struct fpe *p)
{
	struct fpe **q = realloc(fc->queue, (fc->nqueue + 1) * sizeof(*q));

	if (!q)
		return;
	fc->queue = q;
	q[fc->nqueue++] = p;
	p->queued = true;
}

/*
 * eeh_dev_check_failure(): 0 (EEH off, false positive), or 1 (frozen; a
 * recovery event is queued unless the PE was already isolated by detection
 * or recovery is disabled).
 */
static int check_failure(struct facade *fc, struct ffunc *ff)
{
	struct eeh_pe *pe = eeh_func_pe(ff->f), *p;
	struct fpe *top;
	int s;

	fc->total_mmio_ffs++;
	if (!eeh_get_enabled(fc->ctx))
		return 0;
	top = fpe_of(fc, pe);
	if (top->detected || top->queued)
		return 1;
	s = eeh_pe_platform_state(pe);
	if (s < 0 || state_active(s)) {
		fc->false_positives++;
		return 0;
	}
	/* "If a parent PE is frozen, escalate to it." */
	for (p = eeh_pe_parent(pe); p; p = eeh_pe_parent(p))
		if (!pe_removed(p) && !state_active(eeh_pe_platform_state(p)))
			top = fpe_of(fc, p);
	if (top->detected || top->queued)
		return 1;
	fc->slot_resets++;
	top->detected = true;
	log_event(fc, "detect", pe_event(top->pe, ff->f));
	if (fc->disable_recovery) {
		kmsg(fc, "EEH: Event dropped due to no_recover setting");
		return 1;
	}
	queue_event(fc, top);
	return 1;
}

static void log_recovery(struct facade *fc, unsigned int from, struct eeh_recovery_result *res)
{
	unsigned int n = eeh_recovery_event_count(fc->rec);
	json_object *j;

	for (unsigned int i = from; i < n; i++) {
		struct eeh_recovery_event ev = { .size = sizeof(ev) };

		if (eeh_recovery_event_get(fc->rec, i, &ev) < 0)
			break;
		j = pe_event(ev.pe, ev.func);
		json_object_object_add(j, "step",
				       json_object_new_string(eeh_recovery_step_name(ev.step)));
		json_object_object_add(j, "value", json_object_new_int(ev.value));
		json_object_object_add(j, "time_us", json_object_new_int64((int64_t)ev.time_us));
		log_event(fc, "step", j);
	}
	j = pe_event(res->pe, NULL);
	json_object_object_add(j, "outcome", json_object_new_string(
						     eeh_recovery_outcome_name(res->outcome)));
	json_object_object_add(j, "path",
			       json_object_new_string(eeh_recovery_path_name(res->path)));
	json_object_object_add(j, "resets", json_object_new_int((int)res->reset_attempts));
	log_event(fc, "recovery", j);
}

static void recover(struct facade *fc, struct eeh_pe *pe)
{
	struct eeh_recovery_result res = { .size = sizeof(res) };
	unsigned int from = eeh_recovery_event_count(fc->rec);
	char id[32];

	kmsg(fc, "EEH: Recovering %s", pe_id(pe, id, sizeof(id)));
	if (eeh_recovery_run(fc->rec, pe, &res) < 0)
		return;
	log_recovery(fc, from, &res);
	if (res.outcome == EEH_RECOVERY_RECOVERED)
		kmsg(fc, "EEH: Recovery successful.");
	else if (res.outcome == EEH_RECOVERY_PERM_FAILED)
		kmsg(fc, "EEH: Unable to recover from failure from %s. Please try reseating or "
			 "replacing it", pe_id(res.pe, id, sizeof(id)));
	/* Whatever was isolated by detection and is working now is no longer. */
	for (size_t i = 0; i < fc->npes; i++) {
		struct fpe *p = &fc->pes[i];

		if (p->pe == pe || p->pe == res.pe)
			p->queued = false;
		if (pe_removed(p->pe) || state_active(eeh_pe_platform_state(p->pe)))
			p->detected = false;
	}
}

/* The eehd thread's work after each request. */
static void process_events(struct facade *fc)
{
	while (fc->nqueue) {
		struct fpe *p = fc->queue[--fc->nqueue];

		recover(fc, p->pe);
		p->queued = false;
	}
	if (fc->special) {
		/* "hwcheck": find the frozen PEs and recover each. */
		fc->special = false;
		for (size_t i = 0; i < fc->npes; i++)
			if (!pe_removed(fc->pes[i].pe) &&
			    !state_active(eeh_pe_platform_state(fc->pes[i].pe)))
				recover(fc, fc->pes[i].pe);
	}
}

/* ---- sysfs: per function ---- */

static int show_hex16(struct fbuf *b, unsigned int v)
{
	return fb_printf(b, "0x%04x\n", v);
}

static int show_vendor(struct facade *fc, struct fnode *n, struct fbuf *b)
{
	return show_hex16(b, eeh_func_vendor(n->ff->f));
}

static int show_device(struct facade *fc, struct fnode *n, struct fbuf *b)
{
	return show_hex16(b, eeh_func_device(n->ff->f));
}

static int show_class(struct facade *fc, struct fnode *n, struct fbuf *b)
{
	return fb_printf(b, "0x%06x\n", eeh_func_class(n->ff->f));
}

static int show_revision(struct facade *fc, struct fnode *n, struct fbuf *b)
{
	return fb_printf(b, "0x%02x\n", 1);
}

static int show_irq(struct facade *fc, struct fnode *n, struct fbuf *b)
{
	return fb_printf(b, "%u\n", 0);
}

static int show_uevent(struct facade *fc, struct fnode *n, struct fbuf *b)
{
	struct eeh_func *f = n->ff->f;
	uint32_t c = eeh_func_class(f);
	char drv[64] = "";

	if (n->ff->drv >= 0)
		snprintf(drv, sizeof(drv), "DRIVER=%s\n", drivers[n->ff->drv].name);
	return fb_printf(b, "%sPCI_CLASS=%X\nPCI_ID=%04X:%04X\nPCI_SUBSYS_ID=%04X:%04X\n"
			 "PCI_SLOT_NAME=%s\nMODALIAS=pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n",
			 drv, c, eeh_func_vendor(f), eeh_func_device(f), eeh_func_vendor(f),
			 eeh_func_device(f), eeh_func_bdf(f), eeh_func_vendor(f), eeh_func_device(f),
			 eeh_func_vendor(f), eeh_func_device(f), c >> 16, (c >> 8) & 0xff, c & 0xff);
}

/* pci-sysfs.c resource_show: start, end, IORESOURCE flags per resource. */
static int show_resource(struct facade *fc, struct fnode *n, struct fbuf *b)
{
	struct eeh_func *f = n->ff->f;
	bool bridge = (eeh_func_class(f) >> 8) == 0x0604;
	unsigned int lines = bridge ? 17 : 13;
	char *text = calloc(lines, 64);
	size_t len = 0;

	if (!text)
		return -ENOMEM;
	for (unsigned int i = 0; i < lines; i++) {
		uint64_t addr = 0, size = 0, flags = 0;
		unsigned int bf = 0;

		if (i < 6 && eeh_func_bar(f, i, &addr, &size, &bf) == 0 && size) {
			flags = (bf & EEH_BAR_IO) ? 0x100 : 0x200;
			flags |= (bf & EEH_BAR_PREFETCH) ? 0x2000 : 0;
			flags |= (bf & EEH_BAR_MEM64) ? 0x100000 : 0;
		} else {
			addr = size = 0;
		}
		len += (size_t)snprintf(text + len, 64, "0x%016" PRIx64 " 0x%016" PRIx64
					" 0x%016" PRIx64 "\n", addr, size ? addr + size - 1 : 0,
					flags);
	}
	b->data = text;
	b->len = len;
	return 0;
}

/* pci_user_read_config_*: all-ones while frozen; an all-ones read runs
 * eeh_dev_check_failure() (pnv_pci_read_config, rtas_read_config). */
static int show_config(struct facade *fc, struct fnode *n, struct fbuf *b)
{
	struct eeh_func *f = n->ff->f;
	size_t size = fuse_get_context()->uid == 0 ? CFG_SIZE : CFG_USER_SIZE;
	uint8_t *cfg = malloc(size);
	uint32_t v = 0;

	if (!cfg)
		return -ENOMEM;
	for (unsigned int off = 0; off < size; off += 4) {
		if (eeh_func_cfg_read(f, off, 4, &v) < 0)
			v = 0xffffffff;
		cfg[off] = (uint8_t)v;
		cfg[off + 1] = (uint8_t)(v >> 8);
		cfg[off + 2] = (uint8_t)(v >> 16);
		cfg[off + 3] = (uint8_t)(v >> 24);
	}
	b->data = (char *)cfg;
	b->len = size;
	if (cfg[0] == 0xff && cfg[1] == 0xff && cfg[2] == 0xff && cfg[3] == 0xff)
		check_failure(fc, n->ff);
	return 0;
}

static int show_pe_state(struct facade *fc, struct fnode *n, struct fbuf *b)
{
	struct eeh_pe *pe = eeh_func_pe(n->ff->f);
	struct fpe *p = n->ff->fpe;
	uint32_t flags = eeh_pe_flags(pe) | (p->detected ? PE_ISOLATED : 0) |
			 (p->queued ? PE_RECOVERING : 0);
	int s = eeh_pe_platform_state(pe);

	if (s < 0)
		return s;
	return fb_printf(b, "0x%08x 0x%08x\n", (unsigned int)s, flags);
}

/* eeh_pe_state_store(): the content is ignored; an isolated PE is thawed
 * (eeh_unfreeze_pe, -EIO on failure) and ISOLATED cleared. */
static int store_pe_state(struct facade *fc, struct fnode *n, const char *data, size_t len)
{
	struct eeh_pe *pe = eeh_func_pe(n->ff->f);
	struct fpe *p = n->ff->fpe;

	if (!(eeh_pe_flags(pe) & PE_ISOLATED) && !p->detected)
		return (int)len;
	/* ENABLE is the kernel's owner change: thaw a frozen PE, clear ISOLATED. */
	if (eeh_pe_op_simple(pe, VFIO_EEH_PE_ENABLE) < 0 ||
	    !state_active(eeh_pe_platform_state(pe)))
		return -EIO;
	p->detected = false;
	log_event(fc, "thaw", pe_event(pe, n->ff->f));
	return (int)len;
}

static int show_pe_config_addr(struct facade *fc, struct fnode *n, struct fbuf *b)
{
	/* powernv: the PE number, what err_injct takes. */
	return fb_printf(b, "0x%x\n", eeh_pe_number(eeh_func_pe(n->ff->f)));
}

static int show_eeh_mode(struct facade *fc, struct fnode *n, struct fbuf *b)
{
	return fb_printf(b, "0x%x\n", (eeh_func_class(n->ff->f) >> 8) == 0x0604 ? 1 : 0);
}

static const struct attr func_attrs[] = {
	{ "config", 0644, CFG_SIZE, show_config, NULL },
	{ "resource", 0444, 4096, show_resource, NULL },
	{ "vendor", 0444, 4096, show_vendor, NULL },
	{ "device", 0444, 4096, show_device, NULL },
	{ "subsystem_vendor", 0444, 4096, show_vendor, NULL },
	{ "subsystem_device", 0444, 4096, show_device, NULL },
	{ "class", 0444, 4096, show_class, NULL },
	{ "revision", 0444, 4096, show_revision, NULL },
	{ "irq", 0444, 4096, show_irq, NULL },
	{ "uevent", 0644, 4096, show_uevent, NULL },
	{ "eeh_pe_state", 0644, 4096, show_pe_state, store_pe_state },
	{ "eeh_pe_config_addr", 0444, 4096, show_pe_config_addr, NULL },
	{ "eeh_mode", 0444, 4096, show_eeh_mode, NULL },
};

/* ---- debugfs ---- */

static int show_usage(struct facade *fc, struct fnode *n, struct fbuf *b)
{
	return fb_printf(b, DEV_USAGE);
}

/* The BDF the debugfs files take: "%x:%x:%x.%x" from at most 19 bytes. */
static int parse_dev(struct facade *fc, const char *fn, const char *data, size_t len,
		     struct ffunc **out)
{
	unsigned int domain, bus, dev, fnum;
	char buf[20] = { 0 };
	int r;

	if (!len)
		return -EFAULT;
	memcpy(buf, data, len < sizeof(buf) - 1 ? len : sizeof(buf) - 1);
	r = sscanf(buf, "%x:%x:%x.%x", &domain, &bus, &dev, &fnum);
	if (r != 4) {
		kmsg(fc, "%s: expected 4 args, got %d", fn, r < 0 ? 0 : r);
		return -EINVAL;
	}
	if (bus > 0xff || dev > 0x1f || fnum > 7 || !(*out = ffunc_by_bdf(fc, domain, bus,
									   (dev << 3) | fnum)))
		return -ENODEV;
	return 0;
}

static int store_dev_check(struct facade *fc, struct fnode *n, const char *data, size_t len)
{
	struct ffunc *ff;
	json_object *j;
	int r = parse_dev(fc, "eeh_dev_check_write", data, len, &ff);

	if (r < 0)
		return r;
	r = check_failure(fc, ff);
	kmsg(fc, "%s: eeh_dev_check_failure(%s) = %d", eeh_func_bdf(ff->f), eeh_func_bdf(ff->f),
	     r);
	j = pe_event(eeh_func_pe(ff->f), ff->f);
	json_object_object_add(j, "result", json_object_new_int(r));
	log_event(fc, "check", j);
	return (int)len;
}

/* The PE's traffic reaches the bus: it and every parent PE are active. */
static bool pe_path_active(struct eeh_pe *pe)
{
	for (; pe; pe = eeh_pe_parent(pe))
		if (!state_active(eeh_pe_platform_state(pe)) ||
		    (eeh_pe_flags(pe) & (PE_ISOLATED | 0x4)))
			return false;
	return true;
}

static void log_freeze(struct facade *fc, struct eeh_pe *pe, struct eeh_func *f)
{
	struct eeh_inject_record rec = { .size = sizeof(rec) };
	int n = eeh_inject_record_count(pe);
	json_object *j;

	if (n <= 0 || eeh_inject_record_get(pe, (unsigned int)n - 1, &rec) < 0 || !rec.fired)
		return;
	j = pe_event(pe, rec.hit_func ? rec.hit_func : f);
	json_object_object_add(j, "func", json_object_new_string(eeh_err_func_name(rec.func)));
	json_object_object_add(j, "addr", cli_hex(rec.hit_addr));
	json_object_object_add(j, "state", json_object_new_int(eeh_pe_platform_state(pe)));
	log_event(fc, "freeze", j);
}

/*
 * eeh_break_device(): the first memory BAR that is set; Memory Space
 * Enable off, one MMIO load at the BAR (which the device answers with an
 * error: here an armed IOA bus error), the bit back on. The PE freezes;
 * nothing detects it yet.
 */
static int break_device(struct facade *fc, struct ffunc *ff)
{
	struct eeh_func *f = ff->f;
	struct eeh_pe *pe = eeh_func_pe(f);
	uint64_t addr = 0, size = 0, v;
	unsigned int bar, flags = 0;
	uint32_t cmd = 0;
	json_object *j;
	int r;

	for (bar = 0; bar < 6; bar++)
		if (eeh_func_bar(f, bar, &addr, &size, &flags) == 0 && size && addr &&
		    !(flags & EEH_BAR_IO))
			break;
	if (bar == 6) {
		kmsg(fc, "%s: Unable to find Memory BAR to cause EEH with", eeh_func_bdf(f));
		return -ENXIO;
	}
	kmsg(fc, "%s: Going to break: [mem 0x%" PRIx64 "-0x%" PRIx64 "]", eeh_func_bdf(f), addr,
	     addr + size - 1);
	j = pe_event(pe, f);
	json_object_object_add(j, "bar", json_object_new_int((int)bar));
	json_object_object_add(j, "addr", cli_hex(addr));
	log_event(fc, "break", j);
	eeh_func_cfg_read(f, 4, 2, &cmd);
	eeh_func_cfg_write(f, 4, 2, cmd & ~0x2u);
	/* A load the PHB stops itself (frozen PE) never reaches the device. */
	if (pe_path_active(pe)) {
		r = eeh_inject_ioa(pe, addr > UINT32_MAX ? EEH_ERR_TYPE_64 : EEH_ERR_TYPE_32,
				   EEH_ERR_FUNC_LD_MEM_ADDR, addr,
				   addr > UINT32_MAX ? UINT64_MAX : UINT32_MAX);
		if (r == 0) {
			eeh_func_mmio_read(f, bar, 0, 1, &v);
			log_freeze(fc, pe, f);
		}
	}
	eeh_func_cfg_write(f, 4, 2, cmd);
	return 0;
}

static int store_dev_break(struct facade *fc, struct fnode *n, const char *data, size_t len)
{
	struct ffunc *ff;
	int r = parse_dev(fc, "eeh_dev_break_write", data, len, &ff);

	if (r < 0)
		return r;
	r = break_device(fc, ff);
	return r < 0 ? r : (int)len;
}

static int store_can_recover(struct facade *fc, struct fnode *n, const char *data, size_t len)
{
	struct ffunc *ff;
	int r = parse_dev(fc, "eeh_dev_can_recover", data, len, &ff);

	if (r < 0)
		return r;
	if (ff->drv >= 0 && drivers[ff->drv].error_detected && drivers[ff->drv].slot_reset)
		return (int)len;
	return -EOPNOTSUPP;
}

/* kstrtoull(s, 0): a number, optionally followed by one newline. */
static int parse_ull(const char *data, size_t len, unsigned long long *v)
{
	char buf[32], *end;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, data, len);
	buf[len] = '\0';
	if (buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (!len || buf[0] == '-' || buf[0] == '+' || buf[0] == ' ')
		return -EINVAL;
	errno = 0;
	*v = strtoull(buf, &end, 0);
	return *end || errno ? (errno == ERANGE ? -ERANGE : -EINVAL) : 0;
}

static int show_max_freezes(struct facade *fc, struct fnode *n, struct fbuf *b)
{
	return fb_printf(b, "%u\n", eeh_get_max_freezes(fc->ctx));
}

static int store_max_freezes(struct facade *fc, struct fnode *n, const char *data, size_t len)
{
	unsigned long long v;
	int r = parse_ull(data, len, &v);

	if (r < 0)
		return r;
	eeh_set_max_freezes(fc->ctx, (unsigned int)v); /* a u32 debugfs attribute */
	return (int)len;
}

static int show_enable(struct facade *fc, struct fnode *n, struct fbuf *b)
{
	return fb_printf(b, "0x%x\n", eeh_get_enabled(fc->ctx) ? 1 : 0);
}

static int store_enable(struct facade *fc, struct fnode *n, const char *data, size_t len)
{
	unsigned long long v;
	int r = parse_ull(data, len, &v);

	if (r < 0)
		return r;
	eeh_set_enabled(fc->ctx, v != 0);
	return (int)len;
}

static int show_disable_recovery(struct facade *fc, struct fnode *n, struct fbuf *b)
{
	return fb_printf(b, "%c\n", fc->disable_recovery ? 'Y' : 'N');
}

/* kstrtobool: y/Y/1/on true, n/N/0/off false. */
static int store_disable_recovery(struct facade *fc, struct fnode *n, const char *data,
				  size_t len)
{
	if (!len)
		return -EINVAL;
	if (strchr("yY1", data[0]) || (len > 1 && !strncasecmp(data, "on", 2)))
		fc->disable_recovery = true;
	else if (strchr("nN0", data[0]) || (len > 2 && !strncasecmp(data, "off", 3)))
		fc->disable_recovery = false;
	else
		return -EINVAL;
	return (int)len;
}

static struct eeh_phb *phb_by_domain(struct facade *fc, unsigned int domain)
{
	struct eeh_phb *phb;

	eeh_phb_foreach(fc->ctx, phb)
		if (eeh_phb_domain(phb) == domain)
			return phb;
	return NULL;
}

static struct eeh_pe *pe_by_number(struct eeh_phb *phb, unsigned int number)
{
	struct eeh_pe *pe;

	eeh_pe_foreach(phb, pe)
		if (eeh_pe_number(pe) == number)
			return pe;
	return NULL;
}

/* eeh_force_recover: "hwcheck", or "<phb>:<pe>" in hex; no state check. */
static int store_force_recover(struct facade *fc, struct fnode *n, const char *data, size_t len)
{
	unsigned int phbid, pe_no;
	char buf[21] = { 0 };
	struct eeh_phb *phb;
	struct eeh_pe *pe;

	if (!len)
		return -EFAULT;
	memcpy(buf, data, len < 20 ? len : 20);
	if (!strncmp(buf, "hwcheck", 7)) {
		fc->special = true;
		return (int)len;
	}
	if (sscanf(buf, "%x:%x", &phbid, &pe_no) != 2)
		return -EINVAL;
	phb = phb_by_domain(fc, phbid);
	pe = phb ? pe_by_number(phb, pe_no) : NULL;
	if (!pe)
		return -ENODEV;
	queue_event(fc, fpe_of(fc, pe));
	return (int)len;
}

/* powernv pnv_eeh_ei_write(): "pe_no:type:func:addr:mask", hex. */
static int store_err_injct(struct facade *fc, struct fnode *n, const char *data, size_t len)
{
	unsigned int pe_no, type, func;
	unsigned long addr, mask;
	char buf[51] = { 0 };
	struct eeh_pe *pe;
	int r;

	if (!len)
		return -EFAULT;
	memcpy(buf, data, len < 50 ? len : 50);
	if (sscanf(buf, "%x:%x:%x:%lx:%lx", &pe_no, &type, &func, &addr, &mask) != 5)
		return -EINVAL;
	pe = pe_by_number(n->phb, pe_no);
	if (!pe)
		return -ENODEV;
	/* pnv_eeh_err_inject(): an unknown type or function is -ERANGE. */
	if (type > EEH_ERR_TYPE_64 || func >= EEH_ERR_FUNC_COUNT)
		return -ERANGE;
	r = eeh_inject_ioa(pe, type, func, addr, mask);
	if (r == 0) {
		json_object *j = pe_event(pe, NULL);

		json_object_object_add(j, "func", json_object_new_string(eeh_err_func_name(func)));
		json_object_object_add(j, "addr", cli_hex(addr));
		json_object_object_add(j, "mask", cli_hex(mask));
		log_event(fc, "inject", j);
		log_freeze(fc, pe, NULL);
	}
	return r < 0 ? r : (int)len;
}

static const struct attr debugfs_attrs[] = {
	{ "eeh_dev_check", 0600, 0, show_usage, store_dev_check },
	{ "eeh_dev_break", 0600, 0, show_usage, store_dev_break },
	{ "eeh_dev_can_recover", 0600, 0, show_usage, store_can_recover },
	{ "eeh_max_freezes", 0600, 0, show_max_freezes, store_max_freezes },
	{ "eeh_enable", 0600, 0, show_enable, store_enable },
	{ "eeh_disable_recovery", 0600, 0, show_disable_recovery, store_disable_recovery },
	{ "eeh_force_recover", 0600, 0, NULL, store_force_recover },
};

static const struct attr err_injct_attr = { "err_injct", 0200, 0, NULL, store_err_injct };

static int show_proc_eeh(struct facade *fc, struct fnode *n, struct fbuf *b)
{
	if (!eeh_get_enabled(fc->ctx))
		return fb_printf(b, "EEH Subsystem is globally disabled\neeh_total_mmio_ffs=%" PRIu64
				 "\n", fc->total_mmio_ffs);
	return fb_printf(b, "EEH Subsystem is enabled\nno device=%" PRIu64 "\nno device node=0\n"
			 "no config address=0\ncheck not wanted=0\neeh_total_mmio_ffs=%" PRIu64
			 "\neeh_false_positives=%" PRIu64 "\neeh_slot_resets=%" PRIu64 "\n",
			 fc->no_device, fc->total_mmio_ffs, fc->false_positives, fc->slot_resets);
}

static const struct attr proc_eeh_attr = { "eeh", 0444, 0, show_proc_eeh, NULL };

/* drivers/<name>/bind and unbind: a BDF. */
static int store_bind(struct facade *fc, struct fnode *n, const char *data, size_t len, bool bind)
{
	unsigned int domain, bus, dev, fnum;
	char buf[32] = { 0 };
	struct ffunc *ff;
	int drv = n->parent->drv;

	memcpy(buf, data, len < sizeof(buf) - 1 ? len : sizeof(buf) - 1);
	if (sscanf(buf, "%x:%x:%x.%x", &domain, &bus, &dev, &fnum) != 4 || bus > 0xff ||
	    dev > 0x1f || fnum > 7 || !(ff = ffunc_by_bdf(fc, domain, bus, (dev << 3) | fnum)))
		return -ENODEV;
	if (bind) {
		if (ff->drv >= 0)
			return -EBUSY;
		if (eeh_recovery_set_driver(fc->rec, ff->f, &drivers[drv], NULL) < 0)
			return -ENOMEM;
		ff->drv = drv;
	} else {
		if (ff->drv != drv)
			return -ENODEV;
		eeh_recovery_set_driver(fc->rec, ff->f, NULL, NULL);
		ff->drv = -1;
	}
	return (int)len;
}

static int store_driver_bind(struct facade *fc, struct fnode *n, const char *data, size_t len)
{
	return store_bind(fc, n, data, len, true);
}

static int store_driver_unbind(struct facade *fc, struct fnode *n, const char *data, size_t len)
{
	return store_bind(fc, n, data, len, false);
}

static const struct attr bind_attr = { "bind", 0200, 4096, NULL, store_driver_bind };
static const struct attr unbind_attr = { "unbind", 0200, 4096, NULL, store_driver_unbind };

/* ---- building the tree from the model ---- */

static struct fnode *file_add(struct fnode *dir, const struct attr *a)
{
	struct fnode *n = node_add(dir, a->name, N_FILE, a->mode);

	if (n)
		n->attr = a;
	return n;
}

static char *ups(int depth)
{
	static char buf[128];

	buf[0] = '\0';
	for (int i = 0; i < depth && i < 40; i++)
		strcat(buf, "../");
	return buf;
}

/* Where a function's directory goes (a VF's goes beside its PF): below
 * the first function of its parent PE, or on the PHB's root bus. */
static struct ffunc *upstream(struct facade *fc, struct eeh_func *f)
{
	struct eeh_pe *parent = eeh_pe_parent(eeh_func_pe(f));

	if (parent && eeh_func_first(parent))
		return ffunc_of(fc, eeh_func_first(parent));
	return NULL;
}

static int add_function(struct facade *fc, struct ffunc *ff, struct fnode *sys)
{
	struct eeh_func *f = ff->f;
	struct eeh_pe *pe = eeh_func_pe(f);
	struct ffunc *up = upstream(fc, f);
	struct fnode *dir, *parent, *n, *groups;
	char pcidir[32], group[16];
	int d;

	if (eeh_func_physfn(f)) {
		struct ffunc *pf = ffunc_of(fc, eeh_func_physfn(f));

		parent = pf && pf->dir ? pf->dir->parent : NULL;
		d = pf ? pf->depth : 3;
	} else if (up && up->dir) {
		parent = up->dir;
		d = up->depth + 1;
	} else {
		snprintf(pcidir, sizeof(pcidir), "pci%04x:00", eeh_func_domain(f));
		parent = child(child(sys, "devices"), pcidir);
		d = 3;
	}
	if (!parent)
		return -EINVAL;
	dir = node_add(parent, eeh_func_bdf(f), N_DIR, 0755);
	if (!dir)
		return -ENOMEM;
	dir->ff = ff;
	ff->dir = dir;
	ff->depth = d;
	if ((parent->ff ? asprintf(&ff->syspath, "%s/%s", parent->ff->syspath, eeh_func_bdf(f))
			: asprintf(&ff->syspath, "devices/%s/%s", parent->name, eeh_func_bdf(f))) < 0) {
		ff->syspath = NULL;
		return -ENOMEM;
	}
	for (size_t i = 0; i < sizeof(func_attrs) / sizeof(func_attrs[0]); i++)
		if (!file_add(dir, &func_attrs[i]))
			return -ENOMEM;
	link_add(dir, "subsystem", "%sbus/pci", ups(d));
	n = link_add(dir, "driver", "%sbus/pci/drivers/", ups(d));
	if (n)
		n->driver_link = true;
	snprintf(group, sizeof(group), "%d", eeh_pe_iommu_group(pe));
	link_add(dir, "iommu_group", "%skernel/iommu_groups/%s", ups(d), group);
	groups = dir_at(dir_at(dir_at(child(sys, "kernel"), "iommu_groups", 0755), group, 0755),
			"devices", 0755);
	n = link_add(groups, eeh_func_bdf(f), "../../../../%s", ff->syspath);
	if (n)
		n->ff = ff; /* gone with the function */
	if (d == 3 && !eeh_func_physfn(f))
		link_add(dir, "of_node", "%sfirmware/devicetree/base/pciex@%x/pci@0", ups(d),
			 eeh_func_domain(f));
	if ((eeh_func_class(f) >> 8) == 0x0604)
		node_add(dir, "pci_bus", N_DIR, 0755);
	if (eeh_func_physfn(f) && ffunc_of(fc, eeh_func_physfn(f))) {
		struct ffunc *pf = ffunc_of(fc, eeh_func_physfn(f));
		char name[32];

		link_add(dir, "physfn", "../%s", eeh_func_bdf(eeh_func_physfn(f)));
		snprintf(name, sizeof(name), "virtfn%d", pf->nvfs++);
		n = link_add(pf->dir, name, "../%s", eeh_func_bdf(f));
		if (n)
			n->ff = pf;
	}
	n = link_add(child(child(child(sys, "bus"), "pci"), "devices"), eeh_func_bdf(f),
		     "../../../%s", ff->syspath);
	if (n)
		n->ff = ff;
	for (size_t i = 0; i < NDRIVERS; i++) {
		n = link_add(child(child(child(child(sys, "bus"), "pci"), "drivers"), drivers[i].name),
			     eeh_func_bdf(f), "../../../../%s", ff->syspath);
		if (n) {
			n->ff = ff;
			n->drv = (int)i;
		}
	}
	ff->drv = driver_for_class(eeh_func_class(f));
	return eeh_recovery_set_driver(fc->rec, f, &drivers[ff->drv], NULL);
}

static int build_phb(struct facade *fc, struct eeh_phb *phb, struct fnode *sys)
{
	struct fnode *pp, *n;
	char name[32];
	uint64_t buid = eeh_phb_buid(phb);

	snprintf(name, sizeof(name), "pci%04x:00", eeh_phb_domain(phb));
	dir_at(child(sys, "devices"), name, 0755);
	snprintf(name, sizeof(name), "PCI%04x", eeh_phb_domain(phb));
	pp = dir_at(child(child(child(sys, "kernel"), "debug"), "powerpc"), name, 0755);
	n = pp ? file_add(pp, &err_injct_attr) : NULL;
	if (!n)
		return -ENOMEM;
	n->phb = phb;
	snprintf(name, sizeof(name), "pciex@%x", eeh_phb_domain(phb));
	n = dir_at(child(child(child(sys, "firmware"), "devicetree"), "base"), name, 0755);
	if (!n || !dir_at(n, "pci@0", 0755))
		return -ENOMEM;
	/* ibm,opal-phbid: 8 bytes big-endian, read by libeeh's host discovery. */
	n = node_add(n, "ibm,opal-phbid", N_FILE, 0444);
	if (!n)
		return -ENOMEM;
	n->phb = phb;
	n->target = malloc(8);
	if (!n->target)
		return -ENOMEM;
	for (int i = 0; i < 8; i++)
		n->target[i] = (char)(buid >> (56 - 8 * i));
	return 0;
}

static int build_tree(struct facade *fc)
{
	struct fnode *root = node_add(NULL, "", N_DIR, 0755), *sys, *pci, *dbg, *n;
	struct eeh_phb *phb;
	struct eeh_pe *pe;
	struct eeh_func *f;
	size_t nf = 0, np = 0;
	int r;

	if (!root)
		return -ENOMEM;
	fc->root = root;
	sys = dir_at(root, "sys", 0755);
	pci = dir_at(dir_at(sys, "bus", 0755), "pci", 0755);
	dir_at(pci, "devices", 0755);
	n = dir_at(pci, "drivers", 0755);
	for (size_t i = 0; i < NDRIVERS; i++) {
		struct fnode *d = dir_at(n, drivers[i].name, 0755);

		d->drv = (int)i;
		file_add(d, &bind_attr);
		file_add(d, &unbind_attr);
	}
	dir_at(sys, "devices", 0755);
	dbg = dir_at(dir_at(dir_at(sys, "kernel", 0755), "debug", 0700), "powerpc", 0755);
	dir_at(child(sys, "kernel"), "iommu_groups", 0755);
	for (size_t i = 0; i < sizeof(debugfs_attrs) / sizeof(debugfs_attrs[0]); i++)
		file_add(dbg, &debugfs_attrs[i]);
	dir_at(dir_at(dir_at(sys, "firmware", 0755), "devicetree", 0755), "base", 0755);
	file_add(dir_at(dir_at(root, "proc", 0555), "powerpc", 0555), &proc_eeh_attr);

	eeh_phb_foreach(fc->ctx, phb)
		eeh_pe_foreach(phb, pe) {
			np++;
			eeh_func_foreach(pe, f)
				nf++;
		}
	fc->funcs = calloc(nf ? nf : 1, sizeof(*fc->funcs));
	fc->pes = calloc(np ? np : 1, sizeof(*fc->pes));
	fc->func_index = calloc(nf ? nf : 1, sizeof(*fc->func_index));
	fc->pe_index = calloc(np ? np : 1, sizeof(*fc->pe_index));
	if (!fc->funcs || !fc->pes || !fc->func_index || !fc->pe_index)
		return -ENOMEM;
	eeh_phb_foreach(fc->ctx, phb)
		eeh_pe_foreach(phb, pe) {
			struct fpe *p = &fc->pes[fc->npes];

			fc->pe_index[fc->npes++] = p;
			p->pe = pe;
			eeh_func_foreach(pe, f) {
				struct ffunc *ff = &fc->funcs[fc->nfuncs];

				fc->func_index[fc->nfuncs++] = ff;
				ff->f = f;
				ff->fpe = p;
				ff->drv = -1;
			}
		}
	qsort(fc->func_index, fc->nfuncs, sizeof(*fc->func_index), cmp_ffunc);
	qsort(fc->pe_index, fc->npes, sizeof(*fc->pe_index), cmp_fpe);
	/* Topology order: a parent PE and a PF come before what hangs below. */
	eeh_phb_foreach(fc->ctx, phb)
		if ((r = build_phb(fc, phb, sys)))
			return r;
	for (size_t i = 0; i < fc->nfuncs; i++)
		if ((r = add_function(fc, &fc->funcs[i], sys)))
			return r;
	return 0;
}

/* ---- FUSE operations ---- */

static struct facade *fc_of(void)
{
	return fuse_get_context()->private_data;
}

static const char *link_target(struct fnode *n, char *buf, size_t len)
{
	if (n->driver_link) {
		snprintf(buf, len, "%s%s", n->target, drivers[n->ff->drv].name);
		return buf;
	}
	return n->target;
}

static int op_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	struct fnode *n = lookup(fc_of(), path);
	char buf[512];

	if (!n)
		return -ENOENT;
	memset(st, 0, sizeof(*st));
	st->st_uid = 0;
	st->st_gid = 0;
	switch (n->kind) {
	case N_DIR:
		st->st_mode = S_IFDIR | n->mode;
		st->st_nlink = 2;
		break;
	case N_FILE:
		st->st_mode = S_IFREG | n->mode;
		st->st_nlink = 1;
		st->st_size = n->attr ? n->attr->size : 8;
		break;
	case N_LINK:
		st->st_mode = S_IFLNK | 0777;
		st->st_nlink = 1;
		st->st_size = (off_t)strlen(link_target(n, buf, sizeof(buf)));
		break;
	}
	return 0;
}

static int op_readlink(const char *path, char *out, size_t size)
{
	struct fnode *n = lookup(fc_of(), path);
	char buf[512];

	if (!n)
		return -ENOENT;
	if (n->kind != N_LINK)
		return -EINVAL;
	snprintf(out, size, "%s", link_target(n, buf, sizeof(buf)));
	return 0;
}

static int op_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
		      struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	struct fnode *n = lookup(fc_of(), path);

	if (!n)
		return -ENOENT;
	if (n->kind != N_DIR)
		return -ENOTDIR;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	for (struct fnode *c = n->first; c; c = c->next)
		if (node_visible(c))
			fill(buf, c->name, NULL, 0, 0);
	return 0;
}

struct open_file {
	struct fnode *node;
	struct fbuf content;
};

static bool sysfs_attr(struct fnode *n)
{
	return n->attr && n->attr->size != 0;
}

static bool can_read(struct fnode *n)
{
	return (n->attr && n->attr->show) || (!n->attr && n->target);
}

static int op_open(const char *path, struct fuse_file_info *fi)
{
	struct facade *fc = fc_of();
	struct fnode *n = lookup(fc, path);
	struct open_file *of;
	int acc = fi->flags & O_ACCMODE, r = 0;

	if (!n)
		return -ENOENT;
	if (n->kind != N_FILE)
		return -EISDIR;
	/* Permissions are the kernel's (default_permissions; root passes). What
	 * the file cannot do: sysfs (kernfs) refuses the open; a debugfs file
	 * fails the read with EINVAL, procfs the write with EIO (pde_write). */
	if (sysfs_attr(n) && ((acc != O_WRONLY && !can_read(n)) ||
			      (acc != O_RDONLY && !(n->attr && n->attr->store))))
		return -EACCES;
	of = calloc(1, sizeof(*of));
	if (!of)
		return -ENOMEM;
	of->node = n;
	/* Fresh content per open, built once so one cat sees one snapshot. */
	if (acc != O_WRONLY) {
		if (n->attr && n->attr->show)
			r = n->attr->show(fc, n, &of->content);
		else if (n->target && (of->content.data = malloc(8))) /* ibm,opal-phbid */
			memcpy(of->content.data, n->target, of->content.len = 8);
	}
	if (r < 0) {
		free(of);
		return r;
	}
	fi->fh = (uintptr_t)of;
	fi->direct_io = 1;
	return 0;
}

static int op_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	struct open_file *of = (struct open_file *)(uintptr_t)fi->fh;

	if (of && !can_read(of->node))
		return -EINVAL; /* a debugfs file without a read op */
	if (!of || (size_t)off >= of->content.len)
		return 0;
	if (size > of->content.len - (size_t)off)
		size = of->content.len - (size_t)off;
	memcpy(buf, of->content.data + off, size);
	return (int)size;
}

static int op_write(const char *path, const char *buf, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct open_file *of = (struct open_file *)(uintptr_t)fi->fh;
	struct fnode *n = of ? of->node : NULL;

	if (!n || !n->attr || !n->attr->store)
		return n && !sysfs_attr(n) ? -EIO : -EACCES;
	if (n->ff && pe_removed(eeh_func_pe(n->ff->f)))
		return -ENODEV;
	return n->attr->store(fc_of(), n, buf, size);
}

static int op_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	return lookup(fc_of(), path) ? 0 : -ENOENT;
}

static int op_release(const char *path, struct fuse_file_info *fi)
{
	struct open_file *of = (struct open_file *)(uintptr_t)fi->fh;

	if (of)
		free(of->content.data);
	free(of);
	return 0;
}

static void *op_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	/* Nothing is cached: every read and lookup reaches the facade, as
	 * sysfs attributes are generated per read. */
	cfg->direct_io = 1;
	cfg->entry_timeout = 0;
	cfg->attr_timeout = 0;
	cfg->negative_timeout = 0;
	cfg->use_ino = 0;
	return fuse_get_context()->private_data;
}

static const struct fuse_operations facade_ops = {
	.init = op_init,
	.getattr = op_getattr,
	.readlink = op_readlink,
	.readdir = op_readdir,
	.open = op_open,
	.read = op_read,
	.write = op_write,
	.truncate = op_truncate,
	.release = op_release,
};

/* ---- serving ---- */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* One request at a time, then the recovery events it queued. Signals are
 * blocked except inside ppoll, so none is lost between a check and a wait. */
static int serve(struct facade *fc, struct fuse *fuse, const sigset_t *waitmask)
{
	struct fuse_session *se = fuse_get_session(fuse);
	struct fuse_buf buf = { .mem = NULL };
	struct pollfd pfd = { .fd = fuse_session_fd(se), .events = POLLIN };
	int r = 0;

	while (!stop_signal && !fuse_session_exited(se)) {
		if (ppoll(&pfd, 1, NULL, waitmask) < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		r = fuse_session_receive_buf(se, &buf);
		if (r == -EINTR || r == -EAGAIN)
			continue;
		if (r <= 0)
			break; /* -ENODEV: unmounted */
		fuse_session_process_buf(se, &buf);
		process_events(fc);
	}
	free(buf.mem);
	return r < 0 && r != -ENODEV ? r : 0;
}

static void block_signals(sigset_t *old, bool chld)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (chld)
		sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, old);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (chld)
		sigaction(SIGCHLD, &sa, NULL);
}

static struct eeh_ctx *open_image(const char *prog, const struct cli_opts *o,
				  const struct facade_opts *fo, const char *img);

/* The simulated host the options name; an image must not be in use. */
static struct eeh_ctx *open_host(const char *prog, const struct cli_opts *o,
				 const struct facade_opts *fo)
{
	struct eeh_ctx *ctx;
	char *image = NULL;

	/* Absolute: a daemon runs from /. */
	if (o->image && o->image[0] != '/') {
		char cwd[4096];

		if (!getcwd(cwd, sizeof(cwd)) || asprintf(&image, "%s/%s", cwd, o->image) < 0)
			return NULL;
	}
	ctx = open_image(prog, o, fo, image ? image : o->image);
	free(image);
	return ctx;
}

static struct eeh_ctx *open_image(const char *prog, const struct cli_opts *o,
				  const struct facade_opts *fo, const char *img)
{
	struct eeh_ctx *ctx = NULL;
	int r;

	if (img && !fo->wait) {
		/* The library locks the image file itself (none yet: not in use). */
		int fd = open(img, O_RDONLY | O_CLOEXEC);

		if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
			fprintf(stderr, "%s: the image %s is in use by another process (an eehctl "
					"mount, exec or command); wait for it or pass --wait\n",
				prog, img);
			close(fd);
			return NULL;
		}
		if (fd >= 0)
			close(fd);
	}
	if (img)
		r = eeh_new_sim_image(img, o->topology, &ctx);
	else if (o->topology)
		r = eeh_new_sim(o->topology, &ctx);
	else
		r = eeh_new_sim(getenv("EEH_TOPOLOGY"), &ctx);
	if (r < 0) {
		fprintf(stderr, "%s: cannot set up the %s: %s\n", prog,
			img ? "simulator image" : "simulated host", strerror(-r));
		return NULL;
	}
	if (o->verbose)
		eeh_set_log_priority(ctx, o->verbose > 1 ? 7 : 6);
	if (fo->real_time)
		eeh_clock_set_mode(ctx, EEH_CLOCK_REAL);
	return ctx;
}

static int check_fuse(const char *prog, bool need_root)
{
	struct stat st;
	int fd;

	if (need_root && geteuid() != 0) {
		fprintf(stderr, "%s: not root: a private mount namespace and the bind mounts over "
				"/sys and /proc need root (try sudo)\n", prog);
		return -1;
	}
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EPERM)) {
		fprintf(stderr, "%s: not allowed to use FUSE: /dev/fuse: %s (run as root, or give "
				"your user access to /dev/fuse)\n", prog, strerror(errno));
		return -1;
	}
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode)) {
		fprintf(stderr, "%s: no FUSE: %s%s%s; load the fuse module (modprobe fuse) or, in "
				"a container, pass the device (--device /dev/fuse)\n", prog,
			fd < 0 ? "cannot open /dev/fuse (" : "/dev/fuse is not the FUSE device",
			fd < 0 ? strerror(errno) : "", fd < 0 ? ")" : "");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static void facade_free(struct facade *fc)
{
	node_free(fc->root);
	for (size_t i = 0; i < fc->nfuncs; i++)
		free(fc->funcs[i].syspath);
	free(fc->funcs);
	free(fc->func_index);
	free(fc->pes);
	free(fc->pe_index);
	free(fc->queue);
	eeh_recovery_free(fc->rec);
	if (fc->log)
		fclose(fc->log);
}

static int facade_init(struct facade *fc, const char *prog, struct eeh_ctx *ctx,
		       const struct facade_opts *fo)
{
	memset(fc, 0, sizeof(*fc));
	fc->prog = prog;
	fc->ctx = ctx;
	if (fo->event_log && !(fc->log = fopen(fo->event_log, "w"))) {
		fprintf(stderr, "%s: cannot write the event log %s: %s\n", prog, fo->event_log,
			strerror(errno));
		return -1;
	}
	if (eeh_recovery_new(ctx, &fc->rec) < 0 || build_tree(fc) < 0) {
		fprintf(stderr, "%s: cannot build the facade: out of memory\n", prog);
		return -1;
	}
	return 0;
}

static struct fuse *fuse_start(const char *prog, struct facade *fc, const char *dir)
{
	char *argv[] = { (char *)prog, "-o",
			 geteuid() == 0 ? "allow_other,default_permissions,fsname=eehfacade,"
					  "subtype=eeh"
					: "default_permissions,fsname=eehfacade,subtype=eeh",
			 NULL };
	struct fuse_args args = FUSE_ARGS_INIT(3, argv);
	struct fuse *fuse = fuse_new(&args, &facade_ops, sizeof(facade_ops), fc);

	fuse_opt_free_args(&args);
	if (!fuse) {
		fprintf(stderr, "%s: cannot start FUSE\n", prog);
		return NULL;
	}
	if (fuse_mount(fuse, dir) < 0) {
		fprintf(stderr, "%s: cannot mount the facade on %s (see the message above)\n", prog,
			dir);
		fuse_destroy(fuse);
		return NULL;
	}
	return fuse;
}

static int finish(const char *prog, struct eeh_ctx *ctx)
{
	int r = 0;

	if (getenv("EEH_IMAGE_READONLY") == NULL) {
		r = eeh_save_image(ctx);
		if (r == -EINVAL)
			r = 0; /* no image */
		else if (r < 0)
			fprintf(stderr, "%s: cannot save the simulator image: %s\n", prog,
				strerror(-r));
	}
	eeh_unref(ctx);
	return r;
}

int facade_mount(const struct cli_opts *o, const struct facade_opts *fo, const char *dir)
{
	const char *prog = "eehctl mount";
	char absdir[PATH_MAX];
	struct eeh_ctx *ctx;
	struct facade fc;
	struct fuse *fuse;
	sigset_t old;
	int r;

	if (!realpath(dir, absdir)) {
		fprintf(stderr, "%s: %s: %s\n", prog, dir, strerror(errno));
		return EXIT_USAGE;
	}
	if (check_fuse(prog, false) < 0 || !(ctx = open_host(prog, o, fo)))
		return EXIT_REFUSED;
	if (facade_init(&fc, prog, ctx, fo) < 0 || !(fuse = fuse_start(prog, &fc, absdir))) {
		facade_free(&fc);
		eeh_unref(ctx);
		return EXIT_REFUSED;
	}
	fuse_daemonize(fo->foreground);
	block_signals(&old, false);
	r = serve(&fc, fuse, &old);
	fuse_unmount(fuse);
	fuse_destroy(fuse);
	facade_free(&fc);
	if (finish(prog, ctx) < 0 || r < 0)
		return EXIT_REFUSED;
	return EXIT_OK;
}

/* ---- exec: the namespace (doc/facade.md) ---- */

/* A path; a name too long for the buffer fails the mount or lookup that
 * uses it (truncated, it names nothing that exists). */
static void pathf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if ((size_t)vsnprintf(buf, len, fmt, ap) >= len)
		buf[0] = '\0';
	va_end(ap);
}

static int bind(const char *src, const char *dst)
{
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0) {
		fprintf(stderr, "eehctl exec: cannot bind %s on %s: %s\n", src, dst,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* Cover dir with a tmpfs holding the entries of keep (the real directory,
 * bound aside) that put does not replace, and put's entries. */
static int cover(const char *dir, const char *aside, const char *put, const char *skip_prefix)
{
	char src[4096], dst[4096];
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (mkdir(aside, 0700) < 0 || bind(dir, aside) < 0)
		return -1;
	if (mount("none", dir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0) {
		fprintf(stderr, "eehctl exec: cannot mount a tmpfs on %s: %s\n", dir,
			strerror(errno));
		return -1;
	}
	for (int pass = 0; pass < 2; pass++) {
		d = opendir(pass ? put : aside);
		if (!d)
			return -1;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.' ||
			    (!pass && !strncmp(e->d_name, skip_prefix, strlen(skip_prefix))))
				continue;
			pathf(src, sizeof(src), "%s/%s", pass ? put : aside, e->d_name);
			pathf(dst, sizeof(dst), "%s/%s", dir, e->d_name);
			if (lstat(src, &st) < 0)
				continue;
			if (S_ISDIR(st.st_mode)) {
				if (mkdir(dst, 0755) < 0 || bind(src, dst) < 0)
					break;
			} else if (S_ISLNK(st.st_mode)) {
				char t[4096];
				ssize_t n = readlink(src, t, sizeof(t) - 1);

				if (n < 0)
					continue;
				t[n] = '\0';
				symlink(t, dst);
			} else {
				int fd = open(dst, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);

				if (fd >= 0)
					close(fd);
				if (bind(src, dst) < 0)
					break;
			}
		}
		closedir(d);
		if (e)
			return -1;
	}
	return 0;
}

/* /proc: a tmpfs whose entries are links into a fresh procfs (procfs cannot
 * take a powerpc/ directory), and powerpc/ bound from the facade. */
static int cover_proc(const char *stage, const char *facade_proc)
{
	char realproc[4096], src[4096], dst[4096];
	struct dirent *e;
	DIR *d;

	pathf(realproc, sizeof(realproc), "%s/proc", stage);
	if (mkdir(realproc, 0700) < 0 ||
	    mount("proc", realproc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 ||
	    mount("none", "/proc", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0555") < 0) {
		fprintf(stderr, "eehctl exec: cannot set up /proc: %s\n", strerror(errno));
		return -1;
	}
	d = opendir(realproc);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "powerpc"))
			continue;
		pathf(src, sizeof(src), "%s/%s", realproc, e->d_name);
		pathf(dst, sizeof(dst), "/proc/%s", e->d_name);
		symlink(src, dst);
	}
	closedir(d);
	if (mkdir("/proc/powerpc", 0555) < 0)
		return -1;
	return bind(facade_proc, "/proc/powerpc");
}

static int setup_namespace(const char *stage, const char *mnt)
{
	char p[4096], q[4096];
	struct stat st;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		fprintf(stderr, "eehctl exec: cannot make a private mount namespace: %s\n",
			strerror(errno));
		return -1;
	}
	pathf(p, sizeof(p), "%s/sys/bus/pci", mnt);
	if (bind(p, "/sys/bus/pci") < 0)
		return -1;
	pathf(p, sizeof(p), "%s/sys/kernel/debug", mnt);
	if (bind(p, "/sys/kernel/debug") < 0)
		return -1;
	if (stat("/sys/kernel/iommu_groups", &st) == 0) {
		pathf(p, sizeof(p), "%s/sys/kernel/iommu_groups", mnt);
		if (bind(p, "/sys/kernel/iommu_groups") < 0)
			return -1;
	}
	pathf(p, sizeof(p), "%s/sys/devices", mnt);
	pathf(q, sizeof(q), "%s/sysdevices", stage);
	if (cover("/sys/devices", q, p, "pci") < 0)
		return -1;
	pathf(p, sizeof(p), "%s/proc/powerpc", mnt);
	return cover_proc(stage, p);
}

static void run_child(const char *stage, const char *mnt, char **argv, const sigset_t *old)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	sigaction(SIGCHLD, &dfl, NULL);
	sigaction(SIGINT, &dfl, NULL);
	sigaction(SIGTERM, &dfl, NULL);
	sigaction(SIGHUP, &dfl, NULL);
	sigprocmask(SIG_SETMASK, old, NULL);
	if (setup_namespace(stage, mnt) < 0)
		_exit(126);
	execvp(argv[0], argv);
	fprintf(stderr, "eehctl exec: %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

static void remove_stage(const char *stage, const char *mnt)
{
	char p[4096];

	rmdir(mnt);
	pathf(p, sizeof(p), "%s/sysdevices", stage);
	rmdir(p);
	pathf(p, sizeof(p), "%s/proc", stage);
	rmdir(p);
	rmdir(stage);
}

int facade_exec(const struct cli_opts *o, const struct facade_opts *fo, char **argv)
{
	const char *prog = "eehctl exec", *tmp = getenv("TMPDIR");
	char stage[4096], mnt[4096];
	struct eeh_ctx *ctx;
	struct facade fc;
	struct fuse *fuse;
	sigset_t old;
	int status = 0, r;
	pid_t pid;

	if (check_fuse(prog, true) < 0 || !(ctx = open_host(prog, o, fo)))
		return EXIT_REFUSED;
	if (facade_init(&fc, prog, ctx, fo) < 0) {
		facade_free(&fc);
		eeh_unref(ctx);
		return EXIT_REFUSED;
	}
	/* The facade's own mount lives in a private namespace too: nothing of
	 * it propagates to the host's mounts. */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		fprintf(stderr, "%s: cannot make a private mount namespace: %s\n", prog,
			strerror(errno));
		facade_free(&fc);
		eeh_unref(ctx);
		return EXIT_REFUSED;
	}
	pathf(stage, sizeof(stage), "%s/eehctl-exec.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(stage)) {
		fprintf(stderr, "%s: cannot create a directory in %s: %s\n", prog,
			tmp && *tmp ? tmp : "/tmp", strerror(errno));
		facade_free(&fc);
		eeh_unref(ctx);
		return EXIT_REFUSED;
	}
	pathf(mnt, sizeof(mnt), "%s/root", stage);
	if (mkdir(mnt, 0755) < 0 || !(fuse = fuse_start(prog, &fc, mnt))) {
		remove_stage(stage, mnt);
		facade_free(&fc);
		eeh_unref(ctx);
		return EXIT_REFUSED;
	}
	block_signals(&old, true);
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		run_child(stage, mnt, argv, &old);
	r = pid < 0 ? -errno : 0;
	while (pid > 0) {
		r = serve(&fc, fuse, &old);
		if (stop_signal && stop_signal != SIGCHLD)
			kill(pid, stop_signal);
		stop_signal = 0;
		if (waitpid(pid, &status, WNOHANG) == pid || r < 0)
			break;
	}
	if (pid > 0 && r < 0)
		waitpid(pid, &status, 0);
	fuse_unmount(fuse);
	fuse_destroy(fuse);
	remove_stage(stage, mnt);
	facade_free(&fc);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (finish(prog, ctx) < 0 || pid < 0)
		return EXIT_REFUSED;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

#endif /* HAVE_FUSE */
