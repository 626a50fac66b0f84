/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Scenario files: a host (built-in or a topology file), driver behaviours
 * per function, and steps (inject, access, wait, expect a state, recover
 * with expectations, repeat). The format is documented in doc/scenarios.md.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "libeeh.h"
#include "scenario.h"

#define MAX_DRIVERS 256
/* Bounds that keep a scenario finite: the count of one repeat, and the
 * work of a whole run (steps plus repeat rounds, nesting included). */
#define MAX_REPEAT 1000000
#define MAX_WORK 10000000ULL

struct sdrv {
	enum eeh_ers_result detected, mmio, slot;
	unsigned int resumes;
};

struct scen {
	const char *path;
	FILE *out;
	bool verbose;
	struct eeh_ctx *ctx;
	struct eeh_recovery *rec;
	struct sdrv drv[MAX_DRIVERS];
	unsigned int ndrv;
	unsigned int step_no, failed;
	unsigned long long work;
	bool bad;
};

static enum eeh_ers_result sd_detected(struct eeh_func *f, enum eeh_channel_state st, void *d)
{
	(void)f;
	return st == EEH_CHANNEL_PERM_FAILURE ? EEH_ERS_DISCONNECT : ((struct sdrv *)d)->detected;
}

static enum eeh_ers_result sd_mmio(struct eeh_func *f, void *d)
{
	(void)f;
	return ((struct sdrv *)d)->mmio;
}

static enum eeh_ers_result sd_slot(struct eeh_func *f, void *d)
{
	(void)f;
	return ((struct sdrv *)d)->slot;
}

static void sd_resume(struct eeh_func *f, void *d)
{
	(void)f;
	((struct sdrv *)d)->resumes++;
}

static const struct eeh_driver sdriver = {
	.size = sizeof(struct eeh_driver),
	.name = "scenario", .error_detected = sd_detected, .mmio_enabled = sd_mmio,
	.slot_reset = sd_slot, .resume = sd_resume,
};
static const struct eeh_driver sdriver_freset = {
	.size = sizeof(struct eeh_driver),
	.name = "scenario-freset", .error_detected = sd_detected, .mmio_enabled = sd_mmio,
	.slot_reset = sd_slot, .resume = sd_resume, .needs_freset = true,
};

static int bad(struct scen *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct scen *s, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "eeh-inject: %s: ", s->path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	s->bad = true;
	return -1;
}

static void result(struct scen *s, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void result(struct scen *s, bool ok, const char *fmt, ...)
{
	va_list ap;

	if (!ok)
		s->failed++;
	if (!ok || s->verbose) {
		fprintf(s->out, "  step %-3u %s  ", s->step_no, ok ? "ok  " : "FAIL");
		va_start(ap, fmt);
		vfprintf(s->out, fmt, ap);
		va_end(ap);
		fputc('\n', s->out);
	}
}

static const char *str_of(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

/* Numbers as JSON integers or strings ("0x80000000"). */
static int u64_of(struct scen *s, json_object *o, const char *key, uint64_t def, uint64_t *out)
{
	json_object *v;
	char *end;

	*out = def;
	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	if (json_object_is_type(v, json_type_int)) {
		if (json_object_get_int64(v) < 0)
			return bad(s, "step %u: '%s' is negative", s->step_no, key);
		*out = (uint64_t)json_object_get_int64(v);
		return 0;
	}
	if (json_object_is_type(v, json_type_string)) {
		const char *t = json_object_get_string(v);

		/* strtoull() takes blanks and a sign ("-1" is 2^64-1): digits only. */
		errno = 0;
		*out = strtoull(t, &end, 0);
		if (t[0] >= '0' && t[0] <= '9' && end != t && !*end && !errno)
			return 0;
	}
	return bad(s, "step %u: '%s' is not a number", s->step_no, key);
}

static struct eeh_pe *pe_of(struct scen *s, json_object *o, const char *key)
{
	json_object *v;
	struct eeh_pe *pe = NULL;
	char buf[32];
	const char *name;

	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	if (json_object_is_type(v, json_type_int)) {
		snprintf(buf, sizeof(buf), "%d", json_object_get_int(v));
		name = buf;
	} else {
		name = json_object_get_string(v);
	}
	pe = eeh_pe_lookup(s->ctx, name, NULL);
	if (!pe)
		bad(s, "step %u: no PE '%s'", s->step_no, name);
	return pe;
}

static struct eeh_func *func_of(struct scen *s, const char *bdf)
{
	unsigned int d = 0, b, dev, fn;

	if (bdf && (sscanf(bdf, "%x:%x:%x.%x", &d, &b, &dev, &fn) == 4 ||
		    (d = 0, sscanf(bdf, "%x:%x.%x", &b, &dev, &fn) == 3))) {
		struct eeh_func *f = eeh_func_by_bdf(s->ctx, d, b, (dev << 3) | fn);

		/* sscanf() takes "0x1" for a function, blanks, signs: only the
		 * function's own name, with or without its domain, names it. */
		if (f && (!strcasecmp(bdf, eeh_func_bdf(f)) ||
			  !strcasecmp(bdf, eeh_func_bdf(f) + 5)))
			return f;
	}
	bad(s, "no PCI function '%s'", bdf ? bdf : "(missing)");
	return NULL;
}

static int ers_of(struct scen *s, json_object *o, const char *key, enum eeh_ers_result def,
		  enum eeh_ers_result *out)
{
	const char *v = str_of(o, key);
	int r;

	*out = def;
	if (!v)
		return 0;
	r = eeh_ers_from_name(v);
	if (r < 0)
		return bad(s, "driver answer '%s' for %s: use none, can-recover, need-reset, "
			   "disconnect, recovered", v, key);
	*out = (enum eeh_ers_result)r;
	return 0;
}

static int load_drivers(struct scen *s, json_object *root)
{
	json_object *arr;

	if (!json_object_object_get_ex(root, "drivers", &arr))
		return 0;
	if (!json_object_is_type(arr, json_type_array))
		return bad(s, "'drivers' must be an array");
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *d = json_object_array_get_idx(arr, i), *fr;
		struct eeh_func *f = func_of(s, str_of(d, "function"));
		struct sdrv *x;
		const char *kind = str_of(d, "driver");
		bool freset = json_object_object_get_ex(d, "needs_freset", &fr) &&
			      json_object_get_boolean(fr);

		if (!f)
			return -1;
		if (kind && !strcmp(kind, "none")) {
			eeh_recovery_set_driver(s->rec, f, NULL, NULL);
			continue;
		}
		if (s->ndrv == MAX_DRIVERS)
			return bad(s, "more than %d drivers", MAX_DRIVERS);
		x = &s->drv[s->ndrv++];
		if (ers_of(s, d, "error_detected", EEH_ERS_NEED_RESET, &x->detected) ||
		    ers_of(s, d, "mmio_enabled", EEH_ERS_RECOVERED, &x->mmio) ||
		    ers_of(s, d, "slot_reset", EEH_ERS_RECOVERED, &x->slot))
			return -1;
		if (eeh_recovery_set_driver(s->rec, f, freset ? &sdriver_freset : &sdriver, x) < 0)
			return bad(s, "cannot bind a driver to %s", eeh_func_bdf(f));
	}
	return 0;
}

static int open_host(struct scen *s, json_object *root)
{
	const char *topo = str_of(root, "topology");
	char dir[PATH_MAX], file[PATH_MAX * 2];
	json_object *v;
	int r;

	if (!topo || !strcmp(topo, "builtin")) {
		r = eeh_new_sim(NULL, &s->ctx);
	} else {
		/* Relative to the scenario file. */
		snprintf(dir, sizeof(dir), "%s", s->path);
		if (topo[0] == '/')
			snprintf(file, sizeof(file), "%s", topo);
		else
			snprintf(file, sizeof(file), "%s/%s", dirname(dir), topo);
		r = eeh_new_sim(file, &s->ctx);
	}
	if (r < 0)
		return bad(s, "cannot load topology '%s': %s", topo ? topo : "builtin", strerror(-r));
	/* Failures a scenario expects are its results, not errors to log. */
	if (!getenv("EEH_LOG") && !s->verbose)
		eeh_set_log_priority(s->ctx, 2);
	if (json_object_object_get_ex(root, "max_freezes", &v))
		eeh_set_max_freezes(s->ctx, (unsigned int)json_object_get_int(v));
	r = eeh_recovery_new(s->ctx, &s->rec);
	if (r < 0)
		return bad(s, "%s", strerror(-r));
	return 0;
}

/* ---- steps ---- */

static const char *errno_name(int e)
{
	switch (e) {
	case EINVAL:
		return "EINVAL";
	case ENXIO:
		return "ENXIO";
	case ENODEV:
		return "ENODEV";
	case ENOENT:
		return "ENOENT";
	case EOPNOTSUPP:
		return "EOPNOTSUPP";
	}
	return "other";
}

/* The errno errno_name() gives name, or 0. */
static int errno_of_name(const char *name)
{
	static const int known[] = { EINVAL, ENXIO, ENODEV, ENOENT, EOPNOTSUPP };

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(name, errno_name(known[i])))
			return known[i];
	return 0;
}

static const char *func_name(int func)
{
	const char *n = eeh_err_func_name((unsigned int)func);

	return n ? n : "function out of range";
}

static int step_inject(struct scen *s, json_object *st, struct eeh_pe *pe)
{
	json_object *v;
	const char *fname = str_of(st, "func");
	uint64_t addr, mask, type = 32;
	int func, r;

	/* An expectation that is no errno name is a bad file, refused before
	 * anything is injected. */
	if (json_object_object_get_ex(st, "expect_error", &v) &&
	    (!json_object_is_type(v, json_type_string) ||
	     !strcmp(errno_name(errno_of_name(json_object_get_string(v))), "other")))
		return bad(s, "step %u: 'expect_error' must be an errno name (EINVAL, ENXIO, "
			   "ENODEV, ENOENT, EOPNOTSUPP)", s->step_no);
	/* A number goes to the library as it is (to test its refusal). */
	if (json_object_object_get_ex(st, "func", &v) && json_object_is_type(v, json_type_int))
		func = json_object_get_int(v) >= 0 ? json_object_get_int(v) : -EINVAL;
	else
		func = eeh_err_func_from_name(fname);
	if (func < 0)
		return bad(s, "step %u: 'func' must be 0..19 or a name (eeh-inject list-funcs)",
			   s->step_no);
	if (u64_of(s, st, "addr", 0, &addr) || u64_of(s, st, "mask", 0, &mask) ||
	    u64_of(s, st, "type", 32, &type))
		return -1;
	if (type != 32 && type != 64)
		return bad(s, "step %u: 'type' is 32 or 64", s->step_no);
	r = eeh_inject_ioa(pe, type == 64 ? EEH_ERR_TYPE_64 : EEH_ERR_TYPE_32,
			   (unsigned int)func, addr, mask);
	if (json_object_object_get_ex(st, "expect_error", &v)) {
		const char *want = json_object_get_string(v);
		bool ok = r < 0 && !strcmp(errno_name(-r), want);

		result(s, ok, "inject %s into %s refused with %s (%s)",
		       func_name(func), eeh_pe_name(pe), want,
		       r < 0 ? errno_name(-r) : "accepted");
		return 0;
	}
	result(s, r == 0, "inject %s into %s%s%s", func_name(func),
	       eeh_pe_name(pe), r ? ": " : "", r ? strerror(-r) : "");
	return 0;
}

static int step_access(struct scen *s, json_object *st)
{
	struct eeh_func *f = func_of(s, str_of(st, "access"));
	const char *kind = str_of(st, "kind");
	uint64_t bar, off, addr, v = 0;
	uint32_t cv = 0;
	int r;

	if (!f)
		return -1;
	if (!kind)
		return bad(s, "step %u: 'kind' is missing", s->step_no);
	if (u64_of(s, st, "bar", 0, &bar) || u64_of(s, st, "offset", 0, &off) ||
	    u64_of(s, st, "addr", 0x1000, &addr))
		return -1;
	if (!strcmp(kind, "mmio-read"))
		r = eeh_func_mmio_read(f, (unsigned int)bar, off, 4, &v);
	else if (!strcmp(kind, "mmio-write"))
		r = eeh_func_mmio_write(f, (unsigned int)bar, off, 4, 0);
	else if (!strcmp(kind, "cfg-read"))
		r = eeh_func_cfg_read(f, (unsigned int)off, 4, &cv), v = cv;
	else if (!strcmp(kind, "cfg-write"))
		r = eeh_func_cfg_write(f, (unsigned int)off, 4, 0);
	else if (!strcmp(kind, "dma-read") || !strcmp(kind, "dma-write"))
		r = eeh_func_dma(f, kind[4] == 'w', addr, 64);
	else
		return bad(s, "step %u: unknown access kind '%s'", s->step_no, kind);
	if (r == -EINVAL)
		return bad(s, "step %u: bad access (BAR or offset)", s->step_no);
	result(s, true, "%s on %s%s", kind, eeh_func_bdf(f),
	       r == -EIO ? ": DMA stopped" : (v == 0xffffffff ? ": all-ones" : ""));
	return 0;
}

static int step_expect_state(struct scen *s, json_object *st, struct eeh_pe *pe)
{
	static const struct {
		const char *name;
		int state;
		int perm; /* -1 any, 0 temporary, 1 permanent */
	} states[] = { { "normal", 0, -1 },	 { "reset", 1, -1 },	  { "stopped", 2, -1 },
		       { "stopped-dma", 4, -1 }, { "unavailable", 5, 0 }, { "permanent", 5, 1 } };
	const char *want = str_of(st, "state");
	unsigned int ms = 0;
	int cur = -1;

	for (size_t i = 0; want && i < sizeof(states) / sizeof(states[0]); i++) {
		if (strcmp(want, states[i].name))
			continue;
		eeh_pe_papr_state(pe, &cur, &ms);
		result(s, cur == states[i].state &&
				  (states[i].perm < 0 || (states[i].perm == 1) == (ms == 0)),
		       "%s is %s (PAPR state %d%s)", eeh_pe_name(pe), want, cur,
		       cur == 5 && ms == 0 ? ", permanent" : "");
		return 0;
	}
	return bad(s, "step %u: 'state' is normal, reset, stopped, stopped-dma, unavailable or "
		   "permanent", s->step_no);
}

static int step_recover(struct scen *s, json_object *st, struct eeh_pe *pe)
{
	struct eeh_recovery_result res = { .size = sizeof(res) };
	const char *want = str_of(st, "expect"), *path = str_of(st, "path");
	uint64_t within, resets;
	json_object *v;
	bool ok;
	int r;

	if (u64_of(s, st, "within_ms", UINT64_MAX, &within) ||
	    u64_of(s, st, "resets", UINT64_MAX, &resets))
		return -1;
	r = eeh_recovery_run(s->rec, pe, &res);
	if (r < 0) {
		result(s, false, "recover %s: %s", eeh_pe_name(pe), strerror(-r));
		return 0;
	}
	ok = !want || !strcmp(want, eeh_recovery_outcome_name(res.outcome));
	ok = ok && (!path || !strcmp(path, eeh_recovery_path_name(res.path)));
	ok = ok && (within == UINT64_MAX || res.end_us - res.start_us <= within * 1000);
	ok = ok && (resets == UINT64_MAX || res.reset_attempts == resets);
	if (json_object_object_get_ex(st, "fell_back_to_hot", &v))
		ok = ok && json_object_get_boolean(v) == res.fell_back_to_hot;
	result(s, ok, "recover %s: %s via %s, %u reset%s%s in %llu ms (freeze %u)%s%s",
	       eeh_pe_name(pe), eeh_recovery_outcome_name(res.outcome),
	       eeh_recovery_path_name(res.path), res.reset_attempts,
	       res.reset_attempts == 1 ? "" : "s",
	       res.fell_back_to_hot ? " (fundamental asked, hot done)"
	       : res.fundamental    ? " (fundamental)" : "",
	       (unsigned long long)(res.end_us - res.start_us) / 1000, res.freeze_count,
	       ok ? "" : "; expected ", ok ? "" : want ? want : "(see the step)");
	return 0;
}

static int run_steps(struct scen *s, json_object *steps);

static int run_step(struct scen *s, json_object *st)
{
	struct eeh_pe *pe;
	json_object *v;
	uint64_t n;

	s->step_no++;
	if (!json_object_is_type(st, json_type_object))
		return bad(s, "step %u is not an object", s->step_no);
	if (++s->work > MAX_WORK)
		return bad(s, "step %u: more than %llu steps and repeat rounds in all", s->step_no,
			   MAX_WORK);
	if (json_object_object_get_ex(st, "repeat", &v)) {
		json_object *inner;

		if (!json_object_object_get_ex(st, "steps", &inner) ||
		    !json_object_is_type(inner, json_type_array))
			return bad(s, "step %u: 'repeat' needs a count and 'steps'", s->step_no);
		if (u64_of(s, st, "repeat", 1, &n))
			return -1;
		if (n > MAX_REPEAT)
			return bad(s, "step %u: 'repeat' is at most %d", s->step_no, MAX_REPEAT);
		for (uint64_t i = 0; i < n; i++) {
			if (++s->work > MAX_WORK)
				return bad(s, "step %u: more than %llu steps and repeat rounds in all",
					   s->step_no, MAX_WORK);
			if (run_steps(s, inner) < 0)
				return -1;
		}
		return 0;
	}
	if (json_object_object_get_ex(st, "inject", &v))
		return (pe = pe_of(s, st, "inject")) ? step_inject(s, st, pe) : -1;
	if (json_object_object_get_ex(st, "freeze", &v)) {
		if (!(pe = pe_of(s, st, "freeze")))
			return -1;
		n = (uint64_t)eeh_inject_freeze(pe);
		result(s, n == 0, "freeze %s", eeh_pe_name(pe));
		return 0;
	}
	if (json_object_object_get_ex(st, "fence", &v)) {
		struct eeh_phb *phb;

		if (u64_of(s, st, "fence", 0, &n))
			return -1;
		eeh_phb_foreach(s->ctx, phb)
			if (eeh_phb_index(phb) == n)
				break;
		if (!phb)
			return bad(s, "step %u: no PHB %llu", s->step_no, (unsigned long long)n);
		result(s, eeh_inject_fence(phb) == 0, "fence PHB#%x", eeh_phb_index(phb));
		return 0;
	}
	if (json_object_object_get_ex(st, "access", &v))
		return step_access(s, st);
	if (json_object_object_get_ex(st, "bad_dma", &v)) {
		/* a DMA the PE's TCE tables refuse: {"bad_dma": "0000:01:00.0",
		 * "addr": bus address (default 0x10000), "write": true} */
		struct eeh_func *f = func_of(s, str_of(st, "bad_dma"));
		json_object *w;
		bool wr = json_object_object_get_ex(st, "write", &w) && json_object_get_boolean(w);

		if (!f || u64_of(s, st, "addr", 0x10000, &n))
			return -1;
		result(s, eeh_inject_bad_dma(f, wr, n) == 0, "bad DMA %s by %s at 0x%llx",
		       wr ? "write" : "read", eeh_func_bdf(f), (unsigned long long)n);
		return 0;
	}
	if (json_object_object_get_ex(st, "wait_ms", &v)) {
		if (u64_of(s, st, "wait_ms", 0, &n))
			return -1;
		if (n > UINT64_MAX / 1000 || eeh_clock_advance(s->ctx, n * 1000) < 0)
			return bad(s, "step %u: 'wait_ms' runs the clock past its end", s->step_no);
		result(s, true, "wait %llu ms", (unsigned long long)n);
		return 0;
	}
	if (json_object_object_get_ex(st, "expect_state", &v))
		return (pe = pe_of(s, st, "expect_state")) ? step_expect_state(s, st, pe) : -1;
	if (json_object_object_get_ex(st, "recover", &v))
		return (pe = pe_of(s, st, "recover")) ? step_recover(s, st, pe) : -1;
	if (json_object_object_get_ex(st, "replace", &v)) {
		if (!(pe = pe_of(s, st, "replace")))
			return -1;
		result(s, eeh_sim_replace_pe(pe) == 0, "replace the adapter of %s", eeh_pe_name(pe));
		return 0;
	}
	return bad(s, "step %u: unknown step (inject, freeze, fence, bad_dma, access, wait_ms, "
		   "expect_state, recover, replace, repeat)", s->step_no);
}

static int run_steps(struct scen *s, json_object *steps)
{
	if (!json_object_is_type(steps, json_type_array))
		return bad(s, "'steps' must be an array");
	for (size_t i = 0; i < json_object_array_length(steps); i++)
		if (run_step(s, json_object_array_get_idx(steps, i)) < 0)
			return -1;
	return 0;
}

int scenario_run_file(const char *path, FILE *out, bool verbose)
{
	struct scen s = { .path = path, .out = out, .verbose = verbose };
	json_object *root = json_object_from_file(path), *steps;
	const char *desc;
	struct stat st;
	int rc;

	if (!root) {
		fprintf(stderr, "eeh-inject: %s: cannot read a JSON scenario%s\n", path,
			stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? " (a directory)" : "");
		return 2;
	}
	desc = str_of(root, "description");
	if (!json_object_object_get_ex(root, "steps", &steps)) {
		bad(&s, "no 'steps'");
	} else if (open_host(&s, root) == 0 && load_drivers(&s, root) == 0) {
		fprintf(out, "%s%s%s\n", path, desc ? ": " : "", desc ? desc : "");
		run_steps(&s, steps);
	}
	if (s.bad)
		rc = 2;
	else
		rc = s.failed ? 1 : 0;
	if (!s.bad)
		fprintf(out, "  %s: %u step%s, %u failed\n", rc ? "FAIL" : "PASS", s.step_no,
			s.step_no == 1 ? "" : "s", s.failed);
	eeh_recovery_free(s.rec);
	eeh_unref(s.ctx);
	json_object_put(root);
	return rc;
}
