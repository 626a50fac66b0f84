/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host-side EEH recovery in userspace, modelled on the kernel's
 * eeh_handle_normal_event() (arch/powerpc/kernel/eeh_driver.c): driver
 * callbacks per PCI function merged by the kernel's priority rule, the
 * thaw path when every driver can recover, the reset path otherwise, and
 * permanent failure past the freeze limit or when a driver gives up.
 * Every step lands in an event log stamped with the library clock.
 */
#include <stdlib.h>
#include <string.h>

#include "pe-op.h"

#include <linux/vfio.h>

#define MAX_WAIT_FOR_RECOVERY_MS (300 * 1000) /* eeh_driver.c MAX_WAIT_FOR_RECOVERY */
#define HOTPLUG_RESCAN_US (5 * 1000 * 1000ULL) /* eeh_reset_device(): ssleep(5) */
#define UNFREEZE_TRIES 3                       /* eeh_clear_pe_frozen_state() */

struct binding {
	struct binding *next;
	struct eeh_func *func;
	const struct eeh_driver *drv;
	void *data;
	bool in_error; /* edev->in_error: error_detected was called */
	bool removed;  /* removed for the reset, rescanned after it */
};

struct eeh_recovery {
	struct eeh_ctx *ctx;
	struct hashmap by_func;
	struct binding *bindings;
	struct eeh_recovery_event *log;
	unsigned int nlog, caplog;
	bool logging;
};

/* ---- result merge ---- */

static const char *const ers_names[] = {
	[EEH_ERS_NONE] = "none",
	[EEH_ERS_CAN_RECOVER] = "can-recover",
	[EEH_ERS_NEED_RESET] = "need-reset",
	[EEH_ERS_DISCONNECT] = "disconnect",
	[EEH_ERS_RECOVERED] = "recovered",
	[EEH_ERS_NO_AER_DRIVER] = "no-aer-driver",
};

/* eeh_driver.c pci_ers_merge_result(): priorities, not the enum order. */
static const uint8_t ers_priority[] = {
	[EEH_ERS_NONE] = 1,	   [EEH_ERS_NO_AER_DRIVER] = 2, [EEH_ERS_RECOVERED] = 3,
	[EEH_ERS_CAN_RECOVER] = 4, [EEH_ERS_DISCONNECT] = 5,	[EEH_ERS_NEED_RESET] = 6,
};

EEH_EXPORT const char *eeh_ers_name(enum eeh_ers_result r)
{
	return (unsigned int)r < ARRAY_SIZE(ers_names) && ers_names[r] ? ers_names[r] : NULL;
}

EEH_EXPORT int eeh_ers_from_name(const char *name)
{
	for (unsigned int i = 1; name && i < ARRAY_SIZE(ers_names); i++)
		if (!strcmp(name, ers_names[i]))
			return (int)i;
	return -EINVAL;
}

static unsigned int prio(enum eeh_ers_result r)
{
	return (unsigned int)r < ARRAY_SIZE(ers_priority) ? ers_priority[r] : 0;
}

EEH_EXPORT enum eeh_ers_result eeh_ers_merge(enum eeh_ers_result old, enum eeh_ers_result answer)
{
	return prio(answer) > prio(old) ? answer : old;
}

/* ---- names ---- */

static const char *const step_names[] = {
	[EEH_STEP_BEGIN] = "begin",
	[EEH_STEP_FREEZE_COUNT] = "freeze-count",
	[EEH_STEP_ERROR_DETECTED] = "error-detected",
	[EEH_STEP_WAIT_STATE] = "wait-state",
	[EEH_STEP_ERROR_LOG] = "error-log",
	[EEH_STEP_THAW_MMIO] = "thaw-mmio",
	[EEH_STEP_MMIO_ENABLED] = "mmio-enabled",
	[EEH_STEP_THAW_DMA] = "thaw-dma",
	[EEH_STEP_REMOVE] = "remove",
	[EEH_STEP_RESET_ASSERT] = "reset-assert",
	[EEH_STEP_RESET_FALLBACK_HOT] = "reset-fallback-hot",
	[EEH_STEP_RESET_DEACTIVATE] = "reset-deactivate",
	[EEH_STEP_RESET_DONE] = "reset-done",
	[EEH_STEP_CONFIGURE] = "configure",
	[EEH_STEP_RESTORE_BARS] = "restore-bars",
	[EEH_STEP_UNFREEZE] = "unfreeze",
	[EEH_STEP_RESCAN] = "rescan",
	[EEH_STEP_SLOT_RESET] = "slot-reset",
	[EEH_STEP_RESUME] = "resume",
	[EEH_STEP_RECOVERED] = "recovered",
	[EEH_STEP_PERM_FAILURE] = "permanent-failure",
	[EEH_STEP_END] = "end",
	[EEH_STEP_ESCALATE] = "escalate",
};

EEH_EXPORT const char *eeh_recovery_step_name(enum eeh_recovery_step step)
{
	return (unsigned int)step < ARRAY_SIZE(step_names) ? step_names[step] : NULL;
}

EEH_EXPORT const char *eeh_recovery_outcome_name(enum eeh_recovery_outcome o)
{
	static const char *const n[] = { "recovered", "not-frozen", "permanent-failure",
					 "removed" };

	return (unsigned int)o < ARRAY_SIZE(n) ? n[o] : NULL;
}

EEH_EXPORT const char *eeh_recovery_path_name(enum eeh_recovery_path p)
{
	static const char *const n[] = { "none", "thaw", "reset", "hotplug" };

	return (unsigned int)p < ARRAY_SIZE(n) ? n[p] : NULL;
}

/* ---- object, bindings, log ---- */

EEH_EXPORT int eeh_recovery_new(struct eeh_ctx *ctx, struct eeh_recovery **out)
{
	struct eeh_recovery *rec;

	if (!ctx || !out)
		return -EINVAL;
	rec = calloc(1, sizeof(*rec));
	if (!rec)
		return -ENOMEM;
	rec->ctx = eeh_ref(ctx);
	rec->logging = true;
	hashmap_init(&rec->by_func);
	*out = rec;
	return 0;
}

EEH_EXPORT void eeh_recovery_free(struct eeh_recovery *rec)
{
	struct binding *b, *n;

	if (!rec)
		return;
	for (b = rec->bindings; b; b = n) {
		n = b->next;
		free(b);
	}
	hashmap_free(&rec->by_func);
	free(rec->log);
	eeh_unref(rec->ctx);
	free(rec);
}

static struct binding *binding_of(struct eeh_recovery *rec, struct eeh_func *f)
{
	struct binding *b = hashmap_get(&rec->by_func, (uint64_t)(uintptr_t)f);

	return b && b->drv ? b : NULL;
}

EEH_EXPORT int eeh_recovery_set_driver(struct eeh_recovery *rec, struct eeh_func *func,
				       const struct eeh_driver *drv, void *data)
{
	struct binding *b;
	int r;

	if (!rec || !func || func->pe->phb->ctx != rec->ctx ||
	    (drv && !struct_size_ok(drv, EEH_V1_SIZE(eeh_driver, needs_freset))))
		return -EINVAL;
	b = hashmap_get(&rec->by_func, (uint64_t)(uintptr_t)func);
	if (!b) {
		if (!drv)
			return 0;
		b = calloc(1, sizeof(*b));
		if (!b)
			return -ENOMEM;
		r = hashmap_put(&rec->by_func, (uint64_t)(uintptr_t)func, b);
		if (r < 0) {
			free(b);
			return r;
		}
		b->func = func;
		b->next = rec->bindings;
		rec->bindings = b;
	}
	/* An unbound slot stays in the map with drv NULL: EEH-unaware. */
	b->drv = drv;
	b->data = data;
	b->in_error = false;
	b->removed = false;
	return 0;
}

static void log_step(struct eeh_recovery *rec, enum eeh_recovery_step step, struct eeh_pe *pe,
		     struct eeh_func *f, int value)
{
	struct eeh_recovery_event *ev;

	if (!rec->logging)
		return;
	if (rec->nlog == rec->caplog) {
		unsigned int cap = rec->caplog ? rec->caplog * 2 : 64;
		void *n = realloc(rec->log, cap * sizeof(*rec->log));

		if (!n)
			return; /* the log is best effort; recovery goes on */
		rec->log = n;
		rec->caplog = cap;
	}
	ev = &rec->log[rec->nlog++];
	ev->time_us = eeh_clock_now_us(rec->ctx);
	ev->step = step;
	ev->pe = pe;
	ev->func = f;
	ev->value = value;
}

EEH_EXPORT unsigned int eeh_recovery_event_count(struct eeh_recovery *rec)
{
	return rec ? rec->nlog : 0;
}

EEH_EXPORT int eeh_recovery_event_get(struct eeh_recovery *rec, unsigned int index,
				      struct eeh_recovery_event *ev)
{
	if (!rec || !struct_size_ok(ev, EEH_V1_SIZE(eeh_recovery_event, value)) ||
	    index >= rec->nlog)
		return -EINVAL;
	struct_out(ev, &rec->log[index], sizeof(rec->log[index]));
	return 0;
}

EEH_EXPORT void eeh_recovery_log_clear(struct eeh_recovery *rec)
{
	if (rec)
		rec->nlog = 0;
}

EEH_EXPORT void eeh_recovery_set_logging(struct eeh_recovery *rec, bool on)
{
	if (rec)
		rec->logging = on;
}

/* ---- walking the devices of a PE subtree (eeh_pe_dev_traverse) ---- */

typedef void (*func_visit)(struct eeh_recovery *rec, struct eeh_func *f, struct binding *b,
			   void *arg);

static void traverse(struct eeh_recovery *rec, struct eeh_pe *pe, func_visit fn, void *arg)
{
	struct eeh_func *f;

	/* eeh_edev_actionable(): removed devices are left alone. */
	if (atomic_load(&pe->kflags) & EEH_PE_REMOVED)
		return;
	eeh_func_foreach(pe, f)
		fn(rec, f, binding_of(rec, f), arg);
	for (struct eeh_pe *c = pe->first_child; c; c = c->next_sibling)
		traverse(rec, c, fn, arg);
}

struct report {
	struct eeh_pe *pe;
	enum eeh_ers_result result;
	enum eeh_channel_state state;
	bool any;
};

static void report_error(struct eeh_recovery *rec, struct eeh_func *f, struct binding *b, void *arg)
{
	struct report *r = arg;
	enum eeh_ers_result ans;

	if (!b || !b->drv->error_detected) {
		/* "driver not EEH aware": no answer, the result stays as it is. */
		log_step(rec, EEH_STEP_ERROR_DETECTED, f->pe, f, 0);
		return;
	}
	ans = b->drv->error_detected(f, EEH_CHANNEL_FROZEN, b->data);
	b->in_error = true;
	log_step(rec, EEH_STEP_ERROR_DETECTED, f->pe, f, (int)ans);
	/* A PHB PE can only be reset: anything but NONE is NEED_RESET. */
	if (r->pe->type == EEH_PE_TYPE_PHB && ans != EEH_ERS_NONE)
		ans = EEH_ERS_NEED_RESET;
	r->result = eeh_ers_merge(r->result, ans);
}

static void report_mmio_enabled(struct eeh_recovery *rec, struct eeh_func *f, struct binding *b,
				void *arg)
{
	struct report *r = arg;
	enum eeh_ers_result ans;

	if (!b || !b->in_error || !b->drv->mmio_enabled)
		return;
	ans = b->drv->mmio_enabled(f, b->data);
	log_step(rec, EEH_STEP_MMIO_ENABLED, f->pe, f, (int)ans);
	r->result = eeh_ers_merge(r->result, ans);
}

static void report_slot_reset(struct eeh_recovery *rec, struct eeh_func *f, struct binding *b,
			      void *arg)
{
	struct report *r = arg;
	enum eeh_ers_result ans;

	if (!b || !b->in_error || b->removed || !b->drv->slot_reset)
		return;
	ans = b->drv->slot_reset(f, b->data);
	log_step(rec, EEH_STEP_SLOT_RESET, f->pe, f, (int)ans);
	r->result = eeh_ers_merge(r->result, ans);
}

static void report_resume(struct eeh_recovery *rec, struct eeh_func *f, struct binding *b,
			  void *arg)
{
	(void)arg;
	if (!b || !b->in_error || b->removed)
		goto clear;
	if (b->drv->resume)
		b->drv->resume(f, b->data);
	log_step(rec, EEH_STEP_RESUME, f->pe, f, 0);
clear:
	if (b) {
		b->in_error = false;
		b->removed = false;
	}
}

static void report_failure(struct eeh_recovery *rec, struct eeh_func *f, struct binding *b,
			   void *arg)
{
	(void)arg;
	if (b && b->drv->error_detected) {
		b->drv->error_detected(f, EEH_CHANNEL_PERM_FAILURE, b->data);
		log_step(rec, EEH_STEP_ERROR_DETECTED, f->pe, f, EEH_ERS_DISCONNECT);
	}
	if (b) {
		b->in_error = false;
		b->removed = false;
	}
}

/* Remove for the reset: every device (hotplug path), or only those whose
 * driver lacks error_detected or slot_reset (reset path). */
static void remove_dev(struct eeh_recovery *rec, struct eeh_func *f, struct binding *b, void *arg)
{
	bool *any = ((bool **)arg)[0], all = *((bool **)arg)[1];

	if (!all && b && b->drv->error_detected && b->drv->slot_reset)
		return;
	if (b)
		b->removed = true;
	*any = true;
	log_step(rec, EEH_STEP_REMOVE, f->pe, f, 0);
}

static void wants_freset(struct eeh_recovery *rec, struct eeh_func *f, struct binding *b,
			 void *arg)
{
	(void)rec;
	(void)f;
	if (b && b->drv->needs_freset)
		*(bool *)arg = true;
}

static void rescan_dev(struct eeh_recovery *rec, struct eeh_func *f, struct binding *b, void *arg)
{
	(void)rec;
	(void)f;
	(void)arg;
	/* A rescanned device is probed afresh: it was never in error. */
	if (b && b->removed) {
		b->removed = false;
		b->in_error = false;
	}
}

/* ---- platform steps, each under the PE lock ---- */

static bool state_active(int s)
{
	return s >= 0 && (s & (EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE)) ==
				 (EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE);
}

static int platform_state(struct eeh_pe *pe, bool wait)
{
	const struct eeh_backend_ops *ops = pe->phb->ctx->ops;
	int s;

	pthread_mutex_lock(&pe->lock);
	s = wait ? pe_wait_state(pe, MAX_WAIT_FOR_RECOVERY_MS) : ops->get_state(pe, NULL);
	pthread_mutex_unlock(&pe->lock);
	return s;
}

static void restore_bars(struct eeh_pe *pe)
{
	struct eeh_func *f;

	pthread_mutex_lock(&pe->lock);
	eeh_func_foreach(pe, f)
		func_restore_bars(f);
	pthread_mutex_unlock(&pe->lock);
	for (struct eeh_pe *c = pe->first_child; c; c = c->next_sibling)
		restore_bars(c);
}

/* The reset sequence's steps in the event log. */
static void reset_step(void *data, struct eeh_pe *pe, enum pe_reset_step step, int val)
{
	static const enum eeh_recovery_step logged[] = {
		[PE_RESET_ASSERT] = EEH_STEP_RESET_ASSERT,
		[PE_RESET_FALLBACK_HOT] = EEH_STEP_RESET_FALLBACK_HOT,
		[PE_RESET_DEACTIVATE] = EEH_STEP_RESET_DEACTIVATE,
		[PE_RESET_DONE] = EEH_STEP_RESET_DONE,
	};

	log_step(data, logged[step], pe, NULL, val);
}

/* eeh_pe_reset_full(pe, include_passed = false): the devices are brought
 * back by eeh_reset_device() below, not by the reset. */
static int reset_full(struct eeh_recovery *rec, struct eeh_pe *pe, bool fundamental,
		      struct eeh_recovery_result *res)
{
	struct pe_reset_opts o = { .lock = true, .step = reset_step, .data = rec };
	int rc = pe_reset_full(pe, fundamental, &o);

	res->reset_attempts += o.attempts;
	res->fell_back_to_hot |= o.fell_back_to_hot;
	return rc;
}

/* eeh_reset_device(): reset, configure bridges, restore BARs, thaw. */
static int reset_device(struct eeh_recovery *rec, struct eeh_pe *pe, struct eeh_recovery_result *res)
{
	const struct eeh_backend_ops *ops = pe->phb->ctx->ops;
	bool fundamental = false;
	int rc;

	traverse(rec, pe, wants_freset, &fundamental);
	res->fundamental = fundamental;
	rc = reset_full(rec, pe, fundamental, res);
	if (rc)
		return rc;
	pthread_mutex_lock(&pe->lock);
	rc = backend_has(ops, EEH_BACKEND_CAP_CONFIGURE) ? ops->configure(pe) : 0;
	pthread_mutex_unlock(&pe->lock);
	log_step(rec, EEH_STEP_CONFIGURE, pe, NULL, rc);
	restore_bars(pe);
	log_step(rec, EEH_STEP_RESTORE_BARS, pe, NULL, 0);
	for (int i = 0; i < UNFREEZE_TRIES; i++) {
		pthread_mutex_lock(&pe->lock);
		rc = pe_unfreeze(pe);
		pthread_mutex_unlock(&pe->lock);
		log_step(rec, EEH_STEP_UNFREEZE, pe, NULL, rc);
		if (!rc)
			break;
	}
	if (rc)
		return rc;
	pe_subtree_set_flags(pe, 0, EEH_PE_ISOLATED);
	return 0;
}

static bool remove_devices(struct eeh_recovery *rec, struct eeh_pe *pe, bool all)
{
	bool any = false;
	bool *args[2] = { &any, &all };

	traverse(rec, pe, remove_dev, args);
	return any;
}

static void rescan(struct eeh_recovery *rec, struct eeh_pe *pe)
{
	eeh_clock_sleep(rec->ctx, HOTPLUG_RESCAN_US);
	traverse(rec, pe, rescan_dev, NULL);
	log_step(rec, EEH_STEP_RESCAN, pe, NULL, 0);
}

/* ---- the sequence (eeh_handle_normal_event) ---- */

static enum eeh_ers_result detect(struct eeh_recovery *rec, struct eeh_pe *pe, int state,
				  struct eeh_recovery_result *res)
{
	struct report r = { .pe = pe, .result = EEH_ERS_NONE };
	struct eeh_pe_error perr = { .size = sizeof(perr) };
	bool over;
	int s;

	/* eeh_handle_normal_event(): the freeze limit counts host
	 * recoveries, in the window of eeh_pe_update_time_stamp(). */
	pthread_mutex_lock(&pe->lock);
	over = pe_count_freeze(pe);
	res->freeze_count = atomic_load(&pe->freeze_count);
	pthread_mutex_unlock(&pe->lock);
	log_step(rec, EEH_STEP_FREEZE_COUNT, pe, NULL, (int)res->freeze_count);
	if (over || state == EEH_STATE_NOT_SUPPORT) {
		warn(rec->ctx, "%s has failed %u times in the last hour and has been permanently "
		     "disabled", pe->name, res->freeze_count);
		return EEH_ERS_DISCONNECT;
	}
	traverse(rec, pe, report_error, &r);
	if (r.result == EEH_ERS_DISCONNECT)
		return r.result;
	s = platform_state(pe, true);
	log_step(rec, EEH_STEP_WAIT_STATE, pe, NULL, s);
	if (s < 0 || s == EEH_STATE_NOT_SUPPORT)
		return EEH_ERS_DISCONNECT;
	if (eeh_pe_last_error(pe, &perr) == 0)
		log_step(rec, EEH_STEP_ERROR_LOG, pe, NULL, perr.func);
	return r.result;
}

static enum eeh_ers_result thaw(struct eeh_recovery *rec, struct eeh_pe *pe,
				enum eeh_ers_result result)
{
	struct report r = { .pe = pe, .result = result };
	int rc;

	rc = eeh_pe_op_simple(pe, VFIO_EEH_PE_UNFREEZE_IO);
	log_step(rec, EEH_STEP_THAW_MMIO, pe, NULL, rc);
	if (rc < 0)
		return EEH_ERS_DISCONNECT;
	traverse(rec, pe, report_mmio_enabled, &r);
	if (r.result != EEH_ERS_CAN_RECOVER)
		return r.result;
	rc = eeh_pe_op_simple(pe, VFIO_EEH_PE_UNFREEZE_DMA);
	log_step(rec, EEH_STEP_THAW_DMA, pe, NULL, rc);
	if (rc < 0)
		return EEH_ERS_DISCONNECT;
	pe_subtree_set_flags(pe, 0, EEH_PE_ISOLATED);
	return EEH_ERS_RECOVERED;
}

static enum eeh_ers_result reset_path(struct eeh_recovery *rec, struct eeh_pe *pe,
				      struct eeh_recovery_result *res)
{
	struct report r = { .pe = pe, .result = EEH_ERS_NONE };
	bool removed = remove_devices(rec, pe, false);

	if (reset_device(rec, pe, res))
		return EEH_ERS_DISCONNECT;
	if (removed)
		rescan(rec, pe);
	traverse(rec, pe, report_slot_reset, &r);
	return r.result;
}

static void perm_failure(struct eeh_recovery *rec, struct eeh_pe *pe)
{
	const struct eeh_backend_ops *ops = rec->ctx->ops;

	err(rec->ctx, "Unable to recover from failure of %s; please try reseating or replacing it",
	    pe->name);
	log_step(rec, EEH_STEP_PERM_FAILURE, pe, NULL, 0);
	if (ops->pe_perm_failure) {
		/* eeh_slot_error_detail(pe, EEH_LOG_PERM) */
		pthread_mutex_lock(&pe->lock);
		ops->pe_perm_failure(pe);
		pthread_mutex_unlock(&pe->lock);
	}
	traverse(rec, pe, report_failure, NULL);
	/* The PE must not be used again: its devices are gone. */
	pe_subtree_set_flags(pe, EEH_PE_REMOVED, 0);
}

static bool pe_frozen(struct eeh_pe *pe)
{
	int s = platform_state(pe, false);

	return !(state_active(s) && !(s & EEH_STATE_RESET_ACTIVE));
}

/* eeh_dev_check_failure(): "if a parent PE is frozen, escalate to it";
 * the highest frozen parent below the PHB is the one to recover. */
static struct eeh_pe *escalate(struct eeh_recovery *rec, struct eeh_pe *pe)
{
	struct eeh_pe *top = NULL;

	for (struct eeh_pe *p = pe->parent; p; p = p->parent)
		if (!(atomic_load(&p->kflags) & EEH_PE_REMOVED) && pe_frozen(p))
			top = p;
	if (!top)
		return pe;
	log_step(rec, EEH_STEP_ESCALATE, top, NULL, (int)pe->number);
	info(rec->ctx, "%s: parent %s is frozen, recovering it", pe->name, top->name);
	return top;
}

/* eeh_recovery_run() on a whole, zeroed result. */
static void recovery_run(struct eeh_recovery *rec, struct eeh_pe *pe,
			 struct eeh_recovery_result *res)
{
	enum eeh_ers_result result;
	int s;

	res->pe = pe;
	res->start_us = eeh_clock_now_us(rec->ctx);
	res->result = EEH_ERS_NONE;
	if (atomic_load(&pe->kflags) & EEH_PE_REMOVED) {
		res->outcome = EEH_RECOVERY_REMOVED;
		res->end_us = res->start_us;
		return;
	}
	pe = escalate(rec, pe);
	res->pe = pe;
	s = platform_state(pe, false);
	if (state_active(s) && !(s & EEH_STATE_RESET_ACTIVE)) {
		/* eeh_dev_check_failure(): an active PE is a false positive. */
		res->outcome = EEH_RECOVERY_NOT_FROZEN;
		res->freeze_count = atomic_load(&pe->freeze_count);
		res->end_us = res->start_us;
		return;
	}
	log_step(rec, EEH_STEP_BEGIN, pe, NULL, s);
	info(rec->ctx, "Recovering %s", pe->name);
	pe_subtree_set_flags(pe, EEH_PE_RECOVERING, 0);

	result = detect(rec, pe, s, res);
	if (result == EEH_ERS_NONE) {
		/* No EEH-aware driver: "Reset with hotplug activity". */
		res->path = EEH_RECOVERY_PATH_HOTPLUG;
		remove_devices(rec, pe, true);
		if (reset_device(rec, pe, res))
			result = EEH_ERS_DISCONNECT;
		else
			rescan(rec, pe);
	}
	if (result == EEH_ERS_CAN_RECOVER) {
		res->path = EEH_RECOVERY_PATH_THAW;
		result = thaw(rec, pe, result);
	}
	if (result == EEH_ERS_NEED_RESET) {
		/* "Reset without hotplug activity". */
		res->path = EEH_RECOVERY_PATH_RESET;
		result = reset_path(rec, pe, res);
	}
	res->result = result;
	if (result == EEH_ERS_RECOVERED || result == EEH_ERS_NONE) {
		traverse(rec, pe, report_resume, NULL);
		log_step(rec, EEH_STEP_RECOVERED, pe, NULL, 0);
		info(rec->ctx, "EEH: Recovery successful (%s)", pe->name);
		res->outcome = EEH_RECOVERY_RECOVERED;
	} else {
		perm_failure(rec, pe);
		res->outcome = EEH_RECOVERY_PERM_FAILED;
	}
	pe_subtree_set_flags(pe, 0, EEH_PE_RECOVERING);
	res->end_us = eeh_clock_now_us(rec->ctx);
	log_step(rec, EEH_STEP_END, pe, NULL, (int)res->outcome);
}

EEH_EXPORT int eeh_recovery_run(struct eeh_recovery *rec, struct eeh_pe *pe,
				struct eeh_recovery_result *res)
{
	struct eeh_recovery_result local = { .size = sizeof(local) };

	if (!rec || !pe || pe->phb->ctx != rec->ctx ||
	    (res && !struct_size_ok(res, EEH_V1_SIZE(eeh_recovery_result, pe))))
		return -EINVAL;
	if (!rec->ctx->ops)
		return -EOPNOTSUPP;
	/* eeh_dev_check_failure(): a passed PE is its owner's to recover
	 * (VFIO_EEH_PE_OP); the host neither recovers, flags nor counts it. */
	if (pe_passed(pe))
		return -EBUSY;
	recovery_run(rec, pe, &local);
	if (res)
		struct_out(res, &local, sizeof(local));
	return 0;
}
