/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Recovery campaigns: random faults over a simulated host, each injected,
 * detected by the traffic it breaks, recovered by the recovery driver, and
 * checked against a model of what must happen: the freeze window rule
 * decides recovered or permanently failed, the kernel's merge rule decides
 * the path from the drivers' answers, and the kernel's waits decide how
 * long it takes. A permanently failed adapter is replaced, so a long
 * campaign keeps every PE in service.
 *
 * Faults come in trials; each trial starts from a fresh host and its own
 * seed, which makes a shard (every N-th trial) a disjoint slice whose cases
 * are exactly those of the same trials in the whole campaign.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libeeh-private.h"

#define DEFAULT_TRIAL_LEN 100
#define DEFAULT_INTERVAL_MS (10 * 60 * 1000ULL)
#define STORM_GAP_US (1000 * 1000ULL)
#define FREEZE_WINDOW_US (3600ULL * 1000 * 1000)
#define RESET_CYCLE_US (250 * 1000ULL + 1800 * 1000ULL) /* hold + settle */
#define RESCAN_US (5 * 1000 * 1000ULL)
#define TIME_SLACK_US (50 * 1000ULL)

/* ---- a small deterministic generator (splitmix64) ---- */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static unsigned int rng_below(struct rng *r, unsigned int n)
{
	return (unsigned int)(((rng_next(r) >> 32) * n) >> 32);
}

/* ---- campaign drivers: how each function's driver answers ---- */

enum drv_kind { DRV_UNAWARE, DRV_CAN_RECOVER, DRV_NEED_RESET, DRV_NEED_FRESET };

struct cdrv {
	enum drv_kind kind;
	unsigned int resumes, slot_resets;
};

static enum eeh_ers_result cd_detected(struct eeh_func *f, enum eeh_channel_state st, void *d)
{
	const struct cdrv *c = d;

	(void)f;
	if (st == EEH_CHANNEL_PERM_FAILURE)
		return EEH_ERS_DISCONNECT;
	return c->kind == DRV_CAN_RECOVER ? EEH_ERS_CAN_RECOVER : EEH_ERS_NEED_RESET;
}

static enum eeh_ers_result cd_mmio(struct eeh_func *f, void *d)
{
	(void)f;
	(void)d;
	return EEH_ERS_RECOVERED;
}

static enum eeh_ers_result cd_slot(struct eeh_func *f, void *d)
{
	(void)f;
	((struct cdrv *)d)->slot_resets++;
	return EEH_ERS_RECOVERED;
}

static void cd_resume(struct eeh_func *f, void *d)
{
	(void)f;
	((struct cdrv *)d)->resumes++;
}

static const struct eeh_driver drv_plain = {
	.size = sizeof(struct eeh_driver),
	.name = "campaign", .error_detected = cd_detected, .mmio_enabled = cd_mmio,
	.slot_reset = cd_slot, .resume = cd_resume,
};
static const struct eeh_driver drv_freset = {
	.size = sizeof(struct eeh_driver),
	.name = "campaign-freset", .error_detected = cd_detected, .mmio_enabled = cd_mmio,
	.slot_reset = cd_slot, .resume = cd_resume, .needs_freset = true,
};

/* ---- the host and its model ---- */

struct mpe {
	struct eeh_pe *pe;
	unsigned int first_func, nfuncs; /* in the campaign's function array */
	unsigned int count;              /* the model's freeze window */
	uint64_t tstamp;
	/* this case */
	bool affected, perm, gone;
	struct eeh_campaign_pe result;
	char name[24];
};

struct campaign {
	const struct eeh_campaign_opts *o;
	struct eeh_ctx *ctx;
	struct eeh_recovery *rec;
	struct mpe *pes;
	unsigned int npes;
	struct eeh_func **funcs;
	struct cdrv *drv;
	unsigned int nfuncs;
	struct eeh_campaign_pe *out; /* per case, npes at most */
	struct rng rng;
	uint64_t trial_start;
	struct mpe *storm_pe;
	unsigned int storm_left;
	char target[24];
	char msg[256];
};

static int load_host(struct campaign *c)
{
	const struct eeh_campaign_opts *o = c->o;
	struct eeh_phb *phb;
	struct eeh_pe *pe;
	struct eeh_func *f;
	unsigned int i = 0, j = 0;
	int r;

	if (o->topology_json)
		r = eeh_new_sim_json(o->topology_json, &c->ctx);
	else
		r = eeh_new_sim(o->topology, &c->ctx);
	if (r < 0)
		return r;
	/* Permanent failures are expected here, not errors to print. */
	if (!getenv("EEH_LOG"))
		eeh_set_log_priority(c->ctx, LOG_CRIT);
	eeh_phb_foreach(c->ctx, phb)
		eeh_pe_foreach(phb, pe) {
			c->npes++;
			c->nfuncs += eeh_pe_func_count(pe);
		}
	c->pes = calloc(c->npes ? c->npes : 1, sizeof(*c->pes));
	c->out = calloc(c->npes ? c->npes : 1, sizeof(*c->out));
	c->funcs = calloc(c->nfuncs ? c->nfuncs : 1, sizeof(*c->funcs));
	c->drv = calloc(c->nfuncs ? c->nfuncs : 1, sizeof(*c->drv));
	if (!c->pes || !c->out || !c->funcs || !c->drv)
		return -ENOMEM;
	if (!c->npes)
		return -EINVAL; /* nothing to fault */
	eeh_phb_foreach(c->ctx, phb)
		eeh_pe_foreach(phb, pe) {
			struct mpe *m = &c->pes[i++];

			m->pe = pe;
			m->first_func = j;
			snprintf(m->name, sizeof(m->name), "phb%u:pe%x", eeh_phb_index(phb),
				 eeh_pe_number(pe));
			eeh_func_foreach(pe, f)
				c->funcs[j++] = f;
			m->nfuncs = j - m->first_func;
		}
	r = eeh_recovery_new(c->ctx, &c->rec);
	if (r < 0)
		return r;
	eeh_recovery_set_logging(c->rec, false);
	return 0;
}

static void free_host(struct campaign *c)
{
	eeh_recovery_free(c->rec);
	eeh_unref(c->ctx);
	free(c->pes);
	free(c->out);
	free(c->funcs);
	free(c->drv);
}

static bool is_descendant(struct eeh_pe *pe, struct eeh_pe *ancestor)
{
	for (struct eeh_pe *p = eeh_pe_parent(pe); p; p = eeh_pe_parent(p))
		if (p == ancestor)
			return true;
	return false;
}

static bool in_subtree(struct eeh_pe *pe, struct eeh_pe *root)
{
	return pe == root || is_descendant(pe, root);
}

/* A fresh host for a trial: new adapters everywhere, new drivers. */
static int start_trial(struct campaign *c, unsigned int trial)
{
	static const uint8_t kinds[10] = { DRV_UNAWARE,	    DRV_UNAWARE,    DRV_CAN_RECOVER,
					   DRV_CAN_RECOVER, DRV_CAN_RECOVER, DRV_NEED_RESET,
					   DRV_NEED_RESET,  DRV_NEED_RESET, DRV_NEED_RESET,
					   DRV_NEED_FRESET };
	int r;

	c->rng.s = c->o->seed ^ (0xD1B54A32D192ED03ULL * (trial + 1ULL));
	for (unsigned int i = 0; i < c->npes; i++) {
		if (!eeh_pe_parent(c->pes[i].pe) && (r = eeh_sim_replace_pe(c->pes[i].pe)) < 0)
			return r;
		c->pes[i].count = 0;
		c->pes[i].tstamp = 0;
	}
	for (unsigned int i = 0; i < c->nfuncs; i++) {
		struct cdrv *d = &c->drv[i];

		d->kind = (enum drv_kind)kinds[rng_below(&c->rng, 10)];
		r = eeh_recovery_set_driver(c->rec, c->funcs[i],
					    d->kind == DRV_UNAWARE	 ? NULL
					    : d->kind == DRV_NEED_FRESET ? &drv_freset
									 : &drv_plain,
					    d);
		if (r < 0)
			return r;
	}
	c->storm_left = 0;
	c->trial_start = eeh_clock_now_us(c->ctx);
	return 0;
}

/* ---- drawing a fault ---- */

struct fault {
	enum eeh_fault_kind kind;
	struct mpe *pe;          /* target (the first PE of the PHB for a fence) */
	struct eeh_phb *phb;
	int func;
	unsigned int type;
	uint64_t addr, mask;
	struct eeh_func *via;    /* the function whose traffic trips it */
	int bar;                 /* MMIO/I/O: the BAR and offset accessed */
	uint64_t off;
	bool immediate;
};

static unsigned int log2_floor(uint64_t v)
{
	unsigned int n = 0;

	while (v >>= 1)
		n++;
	return n;
}

/* A BAR of space (I/O or memory) among the PE's functions, or -1. */
static int pick_bar(struct campaign *c, struct mpe *m, bool io, struct eeh_func **fout)
{
	unsigned int n = 0, pick;

	for (unsigned int i = 0; i < m->nfuncs; i++)
		for (unsigned int b = 0; b < 6; b++) {
			unsigned int flags;

			if (!eeh_func_bar(c->funcs[m->first_func + i], b, NULL, NULL, &flags) &&
			    !!(flags & EEH_BAR_IO) == io)
				n++;
		}
	if (!n)
		return -1;
	pick = rng_below(&c->rng, n);
	for (unsigned int i = 0; i < m->nfuncs; i++)
		for (unsigned int b = 0; b < 6; b++) {
			unsigned int flags;

			if (eeh_func_bar(c->funcs[m->first_func + i], b, NULL, NULL, &flags) ||
			    !!(flags & EEH_BAR_IO) != io)
				continue;
			if (pick-- == 0) {
				*fout = c->funcs[m->first_func + i];
				return (int)b;
			}
		}
	return -1;
}

static void draw_ioa(struct campaign *c, struct fault *f)
{
	struct mpe *m = f->pe;
	enum eeh_err_space sp;
	uint64_t base, size;

	f->kind = EEH_FAULT_IOA;
	f->func = (int)rng_below(&c->rng, EEH_ERR_FUNC_COUNT);
	f->type = rng_below(&c->rng, 2);
	f->via = c->funcs[m->first_func + rng_below(&c->rng, m->nfuncs)];
	sp = eeh_err_func_space((unsigned int)f->func);
	if (sp == EEH_ERR_SPACE_MEM || sp == EEH_ERR_SPACE_IO) {
		f->bar = pick_bar(c, m, sp == EEH_ERR_SPACE_IO, &f->via);
		/* No BAR of that space, or 1 in 4: no address, it fires at once. */
		if (f->bar < 0 || rng_below(&c->rng, 4) == 0) {
			f->immediate = true;
			if (f->bar < 0)
				f->bar = pick_bar(c, m, false, &f->via);
			return;
		}
		eeh_func_bar(f->via, (unsigned int)f->bar, &base, &size, NULL);
		f->off = (uint64_t)rng_below(&c->rng, (unsigned int)(size / 8 < 0x100000
									 ? size / 8
									 : 0x100000)) * 8;
		if (base + size > UINT32_MAX)
			f->type = EEH_ERR_TYPE_64;
		/* Mask off up to 24 low bits (PAPR), never beyond the BAR. */
		unsigned int k = rng_below(&c->rng, 1 + (log2_floor(size) < 24 ? log2_floor(size)
										  : 24));
		f->mask = (f->type == EEH_ERR_TYPE_32 ? 0xffffffffULL : ~0ULL) & ~((1ULL << k) - 1);
		f->addr = (base + f->off) & f->mask;
		return;
	}
	if (sp == EEH_ERR_SPACE_DMA) {
		f->addr = ((uint64_t)rng_below(&c->rng, 1u << 20)) << 12;
		f->mask = f->type == EEH_ERR_TYPE_32 ? 0xfffff000ULL : ~0xfffULL;
		f->off = rng_below(&c->rng, 4096) & ~7u;
	}
}

static struct mpe *first_live_of_phb(struct campaign *c, struct eeh_phb *phb)
{
	for (unsigned int i = 0; i < c->npes; i++)
		if (eeh_pe_phb(c->pes[i].pe) == phb)
			return &c->pes[i];
	return NULL;
}

static void draw_fault(struct campaign *c, struct fault *f, uint64_t *gap_us)
{
	unsigned int roll;

	memset(f, 0, sizeof(*f));
	f->func = -1;
	f->bar = -1;
	if (c->storm_left) {
		c->storm_left--;
		*gap_us = STORM_GAP_US;
		f->pe = c->storm_pe;
		draw_ioa(c, f);
		f->kind = EEH_FAULT_STORM;
		return;
	}
	/* Uniform over [0, 2 x interval]: the mean is the interval. */
	*gap_us = rng_next(&c->rng) % (2 * 1000 * c->o->interval_ms + 1);
	f->pe = &c->pes[rng_below(&c->rng, c->npes)];
	if (c->o->bad_dma_percent && f->pe->nfuncs &&
	    rng_below(&c->rng, 100) < c->o->bad_dma_percent) {
		/* a DMA into the PE's default window, where no TCE is valid */
		f->kind = EEH_FAULT_BAD_DMA;
		f->func = EEH_PE_ERROR_BAD_DMA;
		f->type = rng_below(&c->rng, 2); /* 1: a write */
		f->via = c->funcs[f->pe->first_func + rng_below(&c->rng, f->pe->nfuncs)];
		f->addr = (uint64_t)rng_below(&c->rng, 1u << 19) << 12;
		return;
	}
	roll = rng_below(&c->rng, 100);
	if (roll < 75) {
		draw_ioa(c, f);
	} else if (roll < 87) {
		f->kind = EEH_FAULT_FREEZE;
	} else if (roll < 92) {
		f->kind = EEH_FAULT_FENCE;
		f->phb = eeh_pe_phb(f->pe->pe);
		f->pe = first_live_of_phb(c, f->phb);
	} else {
		/* A burst: this fault and 1..6 more on the same PE, 1 s apart. */
		c->storm_pe = f->pe;
		c->storm_left = 1 + rng_below(&c->rng, 6);
		draw_ioa(c, f);
		f->kind = EEH_FAULT_STORM;
	}
}

/* ---- running one case ---- */

/* The traffic that trips an armed injection. */
static void trip(struct fault *f)
{
	enum eeh_err_space sp = eeh_err_func_space((unsigned int)f->func);
	bool store = eeh_err_func_is_store((unsigned int)f->func);
	uint64_t v;
	uint32_t cv;

	switch (sp) {
	case EEH_ERR_SPACE_MEM:
	case EEH_ERR_SPACE_IO:
		if (f->bar < 0)
			break;
		if (store)
			eeh_func_mmio_write(f->via, (unsigned int)f->bar, f->off, 4, 0);
		else
			eeh_func_mmio_read(f->via, (unsigned int)f->bar, f->off, 4, &v);
		break;
	case EEH_ERR_SPACE_CFG:
		if (store)
			eeh_func_cfg_write(f->via, 0x3c, 1, 0);
		else
			eeh_func_cfg_read(f->via, 0, 4, &cv);
		break;
	case EEH_ERR_SPACE_DMA:
		eeh_func_dma(f->via, store, f->addr + f->off, 64);
		break;
	}
}

/* The model's freeze accounting (eeh_pe_update_time_stamp + the limit). */
static bool model_freeze(struct campaign *c, struct mpe *m, uint64_t now)
{
	if (m->count == 0 || now - m->tstamp > FREEZE_WINDOW_US) {
		m->count = 0;
		m->tstamp = now;
	}
	m->count++;
	return m->count > eeh_get_max_freezes(c->ctx);
}

/* The kernel's merge over the drivers of pe's subtree decides the path. */
static enum eeh_recovery_path model_path(struct campaign *c, struct mpe *m)
{
	enum eeh_ers_result r = EEH_ERS_NONE;

	for (unsigned int i = 0; i < c->npes; i++) {
		struct mpe *s = &c->pes[i];

		if (!in_subtree(s->pe, m->pe))
			continue;
		for (unsigned int k = 0; k < s->nfuncs; k++) {
			const struct cdrv *d = &c->drv[s->first_func + k];

			if (d->kind == DRV_CAN_RECOVER)
				r = eeh_ers_merge(r, EEH_ERS_CAN_RECOVER);
			else if (d->kind != DRV_UNAWARE)
				r = eeh_ers_merge(r, EEH_ERS_NEED_RESET);
		}
	}
	if (eeh_pe_type(m->pe) == EEH_PE_TYPE_PHB && r != EEH_ERS_NONE)
		r = EEH_ERS_NEED_RESET;
	return r == EEH_ERS_NONE ? EEH_RECOVERY_PATH_HOTPLUG
	       : r == EEH_ERS_CAN_RECOVER ? EEH_RECOVERY_PATH_THAW
					  : EEH_RECOVERY_PATH_RESET;
}

static int fail(struct campaign *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct campaign *c, const char *fmt, ...)
{
	va_list ap;

	if (c->msg[0])
		return -1; /* keep the first reason */
	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int inject(struct campaign *c, struct fault *f)
{
	int r;

	switch (f->kind) {
	case EEH_FAULT_FREEZE:
		return eeh_inject_freeze(f->pe->pe);
	case EEH_FAULT_FENCE:
		return eeh_inject_fence(f->phb);
	case EEH_FAULT_BAD_DMA:
		return eeh_inject_bad_dma(f->via, f->type, f->addr);
	default:
		break;
	}
	r = eeh_inject_ioa(f->pe->pe, f->type, (unsigned int)f->func,
			   f->immediate ? 0 : f->addr, f->immediate ? 0 : f->mask);
	if (r == 0)
		trip(f);
	(void)c;
	return r;
}

/* Does the reset remove anything (a function without an EEH-aware
 * driver in the subtree), which costs the 5 s before the rescan? */
static bool subtree_has_unaware(struct campaign *c, struct mpe *m)
{
	for (unsigned int i = 0; i < c->npes; i++)
		if (in_subtree(c->pes[i].pe, m->pe))
			for (unsigned int k = 0; k < c->pes[i].nfuncs; k++)
				if (c->drv[c->pes[i].first_func + k].kind == DRV_UNAWARE)
					return true;
	return false;
}

static void expect_time(struct campaign *c, struct eeh_campaign_pe *o, struct mpe *m)
{
	uint64_t want = o->path == EEH_RECOVERY_PATH_THAW ? 0 : RESET_CYCLE_US;

	if (o->path == EEH_RECOVERY_PATH_HOTPLUG ||
	    (o->path == EEH_RECOVERY_PATH_RESET && subtree_has_unaware(c, m)))
		want += RESCAN_US;

	if (o->recovery_us < want || o->recovery_us > want + TIME_SLACK_US)
		fail(c, "%s: %s recovery took %llu ms, expected %llu ms", m->name,
		     eeh_recovery_path_name(o->path), (unsigned long long)o->recovery_us / 1000,
		     (unsigned long long)want / 1000);
}

/* After a recovery: drivers resumed, BARs back. */
static void check_recovered(struct campaign *c, struct mpe *m, struct eeh_campaign_pe *o)
{
	for (unsigned int k = 0; k < m->nfuncs; k++) {
		struct cdrv *d = &c->drv[m->first_func + k];
		struct eeh_func *f = c->funcs[m->first_func + k];
		unsigned int want = d->kind == DRV_UNAWARE || o->path == EEH_RECOVERY_PATH_HOTPLUG
					    ? 0 : 1;
		uint64_t base;
		uint32_t bar0 = 0, addr_bits;
		unsigned int flags;

		if (o->outcome == EEH_RECOVERY_RECOVERED && d->resumes != want)
			fail(c, "%s: driver of %s resumed %u times, expected %u", m->name,
			     eeh_func_bdf(f), d->resumes, want);
		if (eeh_func_bar(f, 0, &base, NULL, &flags) < 0)
			continue;
		/* PCI: an I/O BAR keeps its flags in bits 1:0, a memory BAR in 3:0. */
		addr_bits = flags & EEH_BAR_IO ? ~0x3u : ~0xfu;
		if (eeh_func_cfg_read(f, 0x10, 4, &bar0) < 0 || (bar0 & addr_bits) != (uint32_t)base)
			fail(c, "%s: BAR0 of %s reads 0x%x after recovery", m->name,
			     eeh_func_bdf(f), bar0);
	}
}

static void recover_one(struct campaign *c, struct mpe *m, struct eeh_campaign_pe *o,
			enum eeh_recovery_outcome expected)
{
	struct eeh_recovery_result res = { .size = sizeof(res) };
	enum eeh_recovery_path want_path = model_path(c, m);
	int r;

	for (unsigned int k = 0; k < m->nfuncs; k++)
		c->drv[m->first_func + k].resumes = 0;
	memset(o, 0, sizeof(*o));
	o->pe = m->name;
	o->expected = expected;
	r = eeh_recovery_run(c->rec, m->pe, &res);
	if (r < 0) {
		fail(c, "%s: recovery failed to run: %s", m->name, strerror(-r));
		return;
	}
	o->outcome = res.outcome;
	o->path = res.path;
	o->resets = res.reset_attempts;
	o->recovery_us = res.end_us - res.start_us;
	if (o->outcome != expected) {
		fail(c, "%s: %s, the model predicts %s (freeze %u of %u in the window)", m->name,
		     eeh_recovery_outcome_name(o->outcome), eeh_recovery_outcome_name(expected),
		     m->count, eeh_get_max_freezes(c->ctx));
		return;
	}
	if (o->outcome != EEH_RECOVERY_RECOVERED)
		return;
	if (o->path != want_path)
		fail(c, "%s: took the %s path, the drivers' answers call for %s", m->name,
		     eeh_recovery_path_name(o->path), eeh_recovery_path_name(want_path));
	if (o->resets != (o->path == EEH_RECOVERY_PATH_THAW ? 0u : 1u))
		fail(c, "%s: %u reset attempts", m->name, o->resets);
	expect_time(c, o, m);
	check_recovered(c, m, o);
}

static bool frozen(struct eeh_pe *pe)
{
	int st = -1;

	eeh_pe_papr_state(pe, &st, NULL);
	return st == EEH_PAPR_STATE_STOPPED || st == EEH_PAPR_STATE_UNAVAIL;
}

static int run_case(struct campaign *c, unsigned int index, unsigned int trial,
		    eeh_campaign_case_fn fn, void *data)
{
	struct eeh_campaign_case cs = { .index = index, .trial = trial };
	struct fault f;
	uint64_t gap, now;
	unsigned int k = 0;
	int r;

	c->msg[0] = '\0';
	draw_fault(c, &f, &gap);
	eeh_clock_advance(c->ctx, gap);
	now = eeh_clock_now_us(c->ctx);
	/* The model first: who freezes. Who is past the limit is known only
	 * when a recovery runs: the kernel counts host recoveries, not
	 * freezes (eeh_handle_normal_event). */
	for (unsigned int i = 0; i < c->npes; i++) {
		struct mpe *m = &c->pes[i];

		m->affected = f.kind == EEH_FAULT_FENCE ? eeh_pe_phb(m->pe) == f.phb : m == f.pe;
		m->perm = false;
		m->gone = false;
	}
	r = inject(c, &f);
	if (r < 0)
		fail(c, "injection refused: %s", strerror(-r));
	else if (!frozen(f.pe->pe))
		fail(c, "%s did not freeze", f.pe->name);
	else if (f.kind != EEH_FAULT_FENCE) {
		struct eeh_pe_error e = { .size = sizeof(e) };

		if (eeh_pe_last_error(f.pe->pe, &e) == 0 && e.func != f.func)
			fail(c, "%s: error log says function %d, injected %d", f.pe->name, e.func,
			     f.func);
	}
	/* Recover in topology order: a parent's reset also resets its
	 * children, a parent's failure removes them. */
	for (unsigned int i = 0; i < c->npes && r == 0; i++) {
		struct mpe *m = &c->pes[i];
		enum eeh_recovery_outcome want = EEH_RECOVERY_RECOVERED;

		if (!m->affected)
			continue;
		for (unsigned int a = 0; a < i; a++) {
			struct mpe *p = &c->pes[a];

			if (!p->affected || !is_descendant(m->pe, p->pe))
				continue;
			if (p->gone)
				want = EEH_RECOVERY_REMOVED;
			else if (want == EEH_RECOVERY_RECOVERED &&
				 p->result.path != EEH_RECOVERY_PATH_THAW)
				want = EEH_RECOVERY_NOT_FROZEN;
		}
		/* This PE is recovered: the recovery counts, at its own time. */
		if (want == EEH_RECOVERY_RECOVERED)
			m->perm = model_freeze(c, m, eeh_clock_now_us(c->ctx));
		if (m->perm)
			want = EEH_RECOVERY_PERM_FAILED;
		recover_one(c, m, &m->result, want);
		m->gone = want == EEH_RECOVERY_PERM_FAILED || want == EEH_RECOVERY_REMOVED;
	}
	/* Replace failed adapters (a subtree at a time); then every PE must be
	 * back in service. */
	for (unsigned int i = 0; i < c->npes; i++) {
		struct mpe *m = &c->pes[i];
		bool under_gone = false;

		if (!m->gone)
			continue;
		for (unsigned int a = 0; a < c->npes; a++)
			if (c->pes[a].gone && is_descendant(m->pe, c->pes[a].pe))
				under_gone = true;
		if (!under_gone)
			eeh_sim_replace_pe(m->pe);
		for (unsigned int s = 0; s < c->npes; s++)
			if (in_subtree(c->pes[s].pe, m->pe))
				c->pes[s].count = 0;
	}
	for (unsigned int i = 0; i < c->npes; i++) {
		int st = -1;

		/* A fault stays on its PHB: the others cannot have changed. */
		if (eeh_pe_phb(c->pes[i].pe) != eeh_pe_phb(f.pe->pe))
			continue;
		eeh_pe_papr_state(c->pes[i].pe, &st, NULL);
		if (st != EEH_PAPR_STATE_NORMAL || eeh_pe_flags(c->pes[i].pe) != 0)
			fail(c, "%s left in state %d flags 0x%x", c->pes[i].name, st,
			     eeh_pe_flags(c->pes[i].pe));
	}
	cs.kind = f.kind;
	if (f.kind == EEH_FAULT_FENCE)
		snprintf(c->target, sizeof(c->target), "phb%u", eeh_phb_index(f.phb));
	else
		snprintf(c->target, sizeof(c->target), "%s", f.pe->name);
	cs.target = c->target;
	cs.func = f.func;
	cs.type = f.type;
	cs.addr = f.immediate ? 0 : f.addr;
	cs.mask = f.immediate ? 0 : f.mask;
	cs.time_us = now - c->trial_start;
	for (unsigned int i = 0; i < c->npes; i++)
		if (c->pes[i].affected) {
			c->out[k] = c->pes[i].result;
			c->out[k].pe = c->pes[i].name;
			c->out[k].replaced = c->pes[i].gone;
			k++;
		}
	cs.pes = c->out;
	cs.npes = k;
	cs.passed = c->msg[0] == '\0';
	cs.message = c->msg;
	if (fn && fn(&cs, data))
		return -ECANCELED;
	return cs.passed ? 0 : 1;
}

static int check_opts(const struct eeh_campaign_opts *o, unsigned int *ntrials,
		      unsigned int *trial_len)
{
	if (!struct_size_ok(o, EEH_V1_SIZE(eeh_campaign_opts, topology_json)) || o->count == 0 || (o->shard && (!o->nshards || o->shard > o->nshards)) ||
	    (!o->shard && o->nshards > 1))
		return -EINVAL;
	if (o->size >= offsetof(struct eeh_campaign_opts, bad_dma_percent) +
			       sizeof(o->bad_dma_percent) && o->bad_dma_percent > 100)
		return -EINVAL;
	*trial_len = o->trial_len ? o->trial_len : DEFAULT_TRIAL_LEN;
	*ntrials = (o->count + *trial_len - 1) / *trial_len;
	return 0;
}

static bool trial_in_shard(const struct eeh_campaign_opts *o, unsigned int t)
{
	return !o->shard || t % o->nshards == o->shard - 1;
}

EEH_EXPORT int eeh_campaign_shard_size(const struct eeh_campaign_opts *o)
{
	unsigned int ntrials, len, n = 0;
	int r = check_opts(o, &ntrials, &len);

	if (r < 0)
		return r;
	for (unsigned int t = 0; t < ntrials; t++)
		if (trial_in_shard(o, t))
			n += t == ntrials - 1 ? o->count - t * len : len;
	return (int)n;
}

EEH_EXPORT int eeh_campaign_run(const struct eeh_campaign_opts *opts, eeh_campaign_case_fn fn,
				void *data)
{
	struct eeh_campaign_opts o = { .size = sizeof(o) };
	struct campaign c;
	unsigned int ntrials, len;
	int r, failed = 0;

	r = check_opts(opts, &ntrials, &len);
	if (r < 0)
		return r;
	struct_in(&o, sizeof(o), opts);
	if (!o.interval_ms)
		o.interval_ms = DEFAULT_INTERVAL_MS;
	memset(&c, 0, sizeof(c));
	c.o = &o;
	r = load_host(&c);
	for (unsigned int t = 0; r == 0 && t < ntrials; t++) {
		unsigned int end = t == ntrials - 1 ? o.count : (t + 1) * len;

		if (!trial_in_shard(&o, t))
			continue;
		r = start_trial(&c, t);
		for (unsigned int i = t * len; r == 0 && i < end; i++) {
			int cr = run_case(&c, i, t, fn, data);

			if (cr < 0)
				r = cr;
			else
				failed += cr;
		}
	}
	free_host(&c);
	return r < 0 ? r : failed;
}

EEH_EXPORT const char *eeh_fault_kind_name(enum eeh_fault_kind k)
{
	static const char *const n[] = { "ioa", "freeze", "fence", "storm", "bad-dma" };

	return (unsigned int)k < ARRAY_SIZE(n) ? n[k] : NULL;
}
