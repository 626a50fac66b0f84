/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The VFIO_EEH_PE_OP engine: the kernel's validation and per-op semantics
 * (drivers/vfio/vfio_iommu_spapr_tce.c, arch/powerpc/kernel/eeh.c) over a
 * platform backend, as the kernel runs them over its eeh_ops.
 */
#include <stddef.h>

#include <linux/vfio.h>

#include "iommufd.h"
#include "pe-op.h"


_Static_assert(sizeof(struct vfio_eeh_pe_op) == 40, "vfio_eeh_pe_op is 40 bytes on LP64");
_Static_assert(OFFSETOFEND(struct vfio_eeh_pe_op, op) == 12, "minimum argsz is 12");
_Static_assert(offsetof(struct vfio_eeh_pe_op, err.type) == 16, "err.type at 16");
_Static_assert(OFFSETOFEND(struct vfio_eeh_pe_op, err.mask) == 40, "INJECT_ERR argsz is 40");
/* GET_STATE values are the PAPR state numbers (state_bits_to_vfio()). */
_Static_assert(VFIO_EEH_PE_STATE_NORMAL == EEH_PAPR_STATE_NORMAL &&
		       VFIO_EEH_PE_STATE_RESET == EEH_PAPR_STATE_RESET &&
		       VFIO_EEH_PE_STATE_STOPPED == EEH_PAPR_STATE_STOPPED &&
		       VFIO_EEH_PE_STATE_STOPPED_DMA == EEH_PAPR_STATE_STOPPED_DMA &&
		       VFIO_EEH_PE_STATE_UNAVAIL == EEH_PAPR_STATE_UNAVAIL,
	       "VFIO and PAPR state numbers agree");

#define EEH_STATE_MIN_WAIT_MS 1000
#define EEH_STATE_MAX_WAIT_MS 300000

static const struct eeh_backend_ops *ops_of(struct eeh_pe *pe)
{
	return pe->phb->ctx->ops;
}

static bool state_active(int s)
{
	return (s & (EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE)) ==
	       (EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE);
}

/* eeh_wait_state(): poll while the platform answers exactly UNAVAILABLE. */
int pe_wait_state(struct eeh_pe *pe, int max_wait_ms)
{
	struct eeh_ctx *ctx = pe->phb->ctx;

	for (;;) {
		unsigned int mwait = 0;
		int s = ops_of(pe)->get_state(pe, &mwait);

		if (s != EEH_STATE_UNAVAILABLE)
			return s;
		if (max_wait_ms <= 0) {
			warn(ctx, "%s: timeout waiting for the PE state", pe->name);
			return EEH_STATE_NOT_SUPPORT;
		}
		if (mwait < EEH_STATE_MIN_WAIT_MS)
			mwait = EEH_STATE_MIN_WAIT_MS;
		else if (mwait > EEH_STATE_MAX_WAIT_MS)
			mwait = EEH_STATE_MAX_WAIT_MS;
		eeh_clock_sleep(ctx, 1000ULL * (mwait < (unsigned int)max_wait_ms ? mwait
										 : (unsigned int)max_wait_ms));
		max_wait_ms -= (int)mwait;
	}
}

/* eeh_pci_enable() */
static int pci_enable(struct eeh_pe *pe, int option)
{
	struct eeh_ctx *ctx = pe->phb->ctx;
	int mask, s, rc;

	if (option == EEH_OPT_THAW_MMIO)
		mask = EEH_STATE_MMIO_ACTIVE | EEH_STATE_MMIO_ENABLED;
	else if (option == EEH_OPT_THAW_DMA)
		mask = EEH_STATE_DMA_ACTIVE;
	else
		mask = 0;
	if (mask) {
		/* pHyp refuses to thaw a PE that is not frozen: skip the call. */
		s = ops_of(pe)->get_state(pe, NULL);
		if (s < 0)
			return s;
		if (s == EEH_STATE_NOT_SUPPORT || (s & mask))
			return 0;
	}
	rc = ops_of(pe)->set_option(pe, option);
	if (rc)
		warn(ctx, "%s: unexpected state change %d on option %d", pe->name, rc, option);
	if (!mask)
		return rc ? -EIO : 0;
	s = pe_wait_state(pe, PCI_BUS_RESET_WAIT_MS);
	if (s < 0)
		return s;
	return (s & mask) ? 0 : -EIO;
}

int pe_unfreeze(struct eeh_pe *pe)
{
	int rc = pci_enable(pe, EEH_OPT_THAW_MMIO);

	return rc ? rc : pci_enable(pe, EEH_OPT_THAW_DMA);
}

/* eeh_pe_change_owner(): a frozen PE is thawed (or reset) when it changes
 * hands, which is what makes ENABLE clear a frozen state. */
static int change_owner(struct eeh_pe *pe)
{
	int s = ops_of(pe)->get_state(pe, NULL), rc;

	if (s < 0 || s == EEH_STATE_NOT_SUPPORT || state_active(s))
		return 0;
	if (pe_resets_on_owner_change(pe)) {
		struct pe_reset_opts o = { .include_passed = true, .reenable = true };

		return pe_reset_full(pe, false, &o);
	}
	rc = pe_unfreeze(pe);
	if (rc)
		return rc;
	pe_subtree_set_flags(pe, 0, EEH_PE_ISOLATED);
	return 0;
}

static int set_option(struct eeh_pe *pe, int option)
{
	switch (option) {
	case EEH_OPT_ENABLE:
		return pe->phb->ctx->eeh_enabled ? change_owner(pe) : -EIO;
	case EEH_OPT_DISABLE:
		return 0; /* the kernel never calls the platform for DISABLE */
	case EEH_OPT_THAW_MMIO:
	case EEH_OPT_THAW_DMA:
		return pci_enable(pe, option);
	}
	return -EINVAL;
}

/* eeh_pe_get_state(): the VFIO GET_STATE value. */
int pe_get_state(struct eeh_pe *pe)
{
	int s;

	/* Let guest recovery wait while the host recovers the parent. */
	if (pe->parent && !(atomic_load(&pe->kflags) & EEH_PE_REMOVED) &&
	    (atomic_load(&pe->parent->kflags) & (EEH_PE_ISOLATED | EEH_PE_RECOVERING)))
		return VFIO_EEH_PE_STATE_UNAVAIL;
	s = ops_of(pe)->get_state(pe, NULL);
	return s < 0 ? s : state_bits_to_vfio(s);
}

static void lock_if(struct eeh_pe *pe, const struct pe_reset_opts *o)
{
	if (o->lock)
		pthread_mutex_lock(&pe->lock);
}

static void unlock_if(struct eeh_pe *pe, const struct pe_reset_opts *o)
{
	if (o->lock)
		pthread_mutex_unlock(&pe->lock);
}

/* A PE's functions are touched under that PE's lock only: each child PE
 * is locked in turn, parent first (the simulator's order), while its
 * own reset may be freeing their register state. */
static void restore_child_bars(struct eeh_pe *pe)
{
	struct eeh_func *f;

	pthread_mutex_lock(&pe->lock);
	eeh_func_foreach(pe, f)
		func_restore_bars(f);
	pthread_mutex_unlock(&pe->lock);
	for (struct eeh_pe *c = pe->first_child; c; c = c->next_sibling)
		restore_child_bars(c);
}

static void restore_subtree_bars(struct eeh_pe *pe, const struct pe_reset_opts *o)
{
	struct eeh_func *f;

	lock_if(pe, o);
	eeh_func_foreach(pe, f)
		func_restore_bars(f);
	unlock_if(pe, o);
	for (struct eeh_pe *c = pe->first_child; c; c = c->next_sibling)
		restore_child_bars(c);
}

static void watch(struct pe_reset_opts *o, struct eeh_pe *pe, enum pe_reset_step step, int val)
{
	if (o->step)
		o->step(o->data, pe, step, val);
}

/* Assert: freeze first so MMIO is dropped during the reset (powernv),
 * block config space, then the platform call and the hold time pseries
 * sleeps. The platform's status. */
static int reset_assert(struct eeh_pe *pe, int option, struct pe_reset_opts *o)
{
	int rc;

	watch(o, pe, PE_RESET_ASSERT, option);
	lock_if(pe, o);
	ops_of(pe)->set_option(pe, EEH_OPT_FREEZE_PE);
	pe_subtree_set_flags(pe, EEH_PE_CFG_BLOCKED, 0);
	rc = pe_backend_reset(pe, option);
	/* pseries_eeh_phb_reset(): no fundamental reset, try hot. */
	if (option == EEH_RESET_FUNDAMENTAL && rc == EEH_RTAS_NO_FRESET) {
		rc = pe_backend_reset(pe, EEH_RESET_HOT);
		o->fell_back_to_hot = true;
		watch(o, pe, PE_RESET_FALLBACK_HOT, rc);
	}
	unlock_if(pe, o);
	eeh_clock_sleep(pe->phb->ctx, EEH_RST_HOLD_US);
	if (rc)
		dbg(pe->phb->ctx, "%s: platform reset %d failed: %d", pe->name, option, rc);
	return rc;
}

/* Deactivate, the settle time pseries sleeps, config space unblocked.
 * The platform's status. */
static int reset_deactivate(struct eeh_pe *pe, struct pe_reset_opts *o)
{
	int rc;

	lock_if(pe, o);
	rc = pe_backend_reset(pe, EEH_RESET_DEACTIVATE);
	unlock_if(pe, o);
	watch(o, pe, PE_RESET_DEACTIVATE, rc);
	eeh_clock_sleep(pe->phb->ctx, EEH_RST_SETTLE_US);
	pe_subtree_set_flags(pe, 0, EEH_PE_CFG_BLOCKED);
	if (rc)
		dbg(pe->phb->ctx, "%s: platform reset %d failed: %d", pe->name,
		    EEH_RESET_DEACTIVATE, rc);
	return rc;
}

/* eeh_pe_reenable_devices(): BARs back, then thaw. 0 or -errno. */
static int reset_reenable(struct eeh_pe *pe, const struct pe_reset_opts *o)
{
	int rc;

	restore_subtree_bars(pe, o);
	if (o->include_passed) {
		rc = pe_unfreeze(pe);
		if (rc)
			return rc;
	}
	pe_subtree_set_flags(pe, 0, EEH_PE_ISOLATED);
	return 0;
}

/* eeh_pe_reset() */
int pe_reset(struct eeh_pe *pe, int option, bool include_passed)
{
	struct pe_reset_opts o = { .include_passed = include_passed, .reenable = true };
	int rc;

	if (!backend_has(ops_of(pe), EEH_BACKEND_CAP_HOT_RESET))
		return -ENOENT;
	switch (option) {
	/* Firmware refusals surface as -EIO, as powernv reports them. */
	case EEH_RESET_DEACTIVATE:
		rc = reset_deactivate(pe, &o);
		return rc ? -EIO : reset_reenable(pe, &o);
	case EEH_RESET_HOT:
	case EEH_RESET_FUNDAMENTAL:
		return reset_assert(pe, option, &o) ? -EIO : 0;
	}
	return -EINVAL;
}

int pe_reset_full(struct eeh_pe *pe, bool fundamental, struct pe_reset_opts *o)
{
	struct eeh_ctx *ctx = pe->phb->ctx;
	int type = fundamental ? EEH_RESET_FUNDAMENTAL : EEH_RESET_HOT;
	int rc = 0, s;

	pe_subtree_set_flags(pe, EEH_PE_RESET | EEH_PE_CFG_BLOCKED, 0);
	for (int i = 1; i <= PE_RESET_ATTEMPTS; i++) {
		o->attempts++;
		rc = reset_assert(pe, type, o);
		if (!rc)
			rc = reset_deactivate(pe, o);
		if (!rc && o->reenable)
			rc = reset_reenable(pe, o);
		if (rc) {
			warn(ctx, "Failure %d resetting %s (attempt %d)", rc, pe->name, i);
			rc = -EIO;
			continue;
		}
		lock_if(pe, o);
		s = pe_wait_state(pe, PCI_BUS_RESET_WAIT_MS);
		unlock_if(pe, o);
		watch(o, pe, PE_RESET_DONE, s);
		if (s < 0) {
			rc = -ENOTRECOVERABLE;
			break;
		}
		if (state_active(s))
			break;
		/* The kernel only logs this and tries again; after the last
		 * attempt it returns 0 and the caller's unfreeze decides. */
		warn(ctx, "%s: slot inactive after reset: 0x%x (attempt %d)", pe->name, s, i);
	}
	pe_subtree_set_flags(pe, 0, EEH_PE_RESET | EEH_PE_CFG_BLOCKED);
	return rc;
}

static int configure(struct eeh_pe *pe)
{
	int rc;

	if (!backend_has(ops_of(pe), EEH_BACKEND_CAP_CONFIGURE))
		return 0; /* before June 2025 the kernel's CONFIGURE was a no-op */
	rc = ops_of(pe)->configure(pe);
	/* pseries_eeh_configure_bridge(): PARAM_ERROR is -EINVAL, other failures -EIO. */
	return rc == 0 ? 0 : rc == EEH_RTAS_PARAM_ERROR ? -EINVAL : -EIO;
}

static int inject(struct eeh_pe *pe, const struct vfio_eeh_pe_op *op)
{
	if (op->argsz < OFFSETOFEND(struct vfio_eeh_pe_op, err.mask))
		return -EINVAL;
	if (op->err.func > EEH_ERR_FUNC_MAX || op->err.type > 1)
		return -EINVAL;
	if (!backend_has(ops_of(pe), EEH_BACKEND_CAP_INJECT))
		return -ENOENT;
	return ops_of(pe)->err_inject(pe, op->err.type, op->err.func, op->err.addr, op->err.mask);
}

static int dispatch(struct eeh_pe *pe, const struct vfio_eeh_pe_op *op)
{
	switch (op->op) {
	case VFIO_EEH_PE_DISABLE:
		return set_option(pe, EEH_OPT_DISABLE);
	case VFIO_EEH_PE_ENABLE:
		return set_option(pe, EEH_OPT_ENABLE);
	case VFIO_EEH_PE_UNFREEZE_IO:
		return set_option(pe, EEH_OPT_THAW_MMIO);
	case VFIO_EEH_PE_UNFREEZE_DMA:
		return set_option(pe, EEH_OPT_THAW_DMA);
	case VFIO_EEH_PE_GET_STATE:
		return pe_get_state(pe);
	case VFIO_EEH_PE_RESET_DEACTIVATE:
		return pe_reset(pe, EEH_RESET_DEACTIVATE, true);
	case VFIO_EEH_PE_RESET_HOT:
		return pe_reset(pe, EEH_RESET_HOT, true);
	case VFIO_EEH_PE_RESET_FUNDAMENTAL:
		return pe_reset(pe, EEH_RESET_FUNDAMENTAL, true);
	case VFIO_EEH_PE_CONFIGURE:
		return configure(pe);
	case VFIO_EEH_PE_INJECT_ERR:
		return inject(pe, op);
	}
	return -EINVAL;
}

EEH_EXPORT int eeh_pe_op(struct eeh_pe *pe, struct vfio_eeh_pe_op *op)
{
	const struct eeh_backend_ops *ops;
	bool routed = false;
	int rc;

	if (!pe)
		return -ENODEV;
	if (!op)
		return -EFAULT;
	if (op->argsz < OFFSETOFEND(struct vfio_eeh_pe_op, op) || op->flags)
		return -EINVAL;
	/* A kernel container holding the PE's group takes precedence: the
	 * kernel does the op, under the container's one-group rule. The
	 * group may leave, or the container close, between this load and
	 * the op: container_pe_op_routed() looks again under the locks that
	 * those take, so an op never runs on whatever group the container
	 * holds by then, nor on a closed container. */
	if (atomic_load(&pe->container)) {
		rc = container_pe_op_routed(pe, op, eeh_pe_op, &routed);
		if (routed)
			return rc;
	}
	ops = ops_of(pe);
	if (backend_has(ops, EEH_BACKEND_CAP_KERNEL_PE_OP)) {
		/* A kernel does the semantics; refuse locally what it would. */
		rc = pe_op_validate(op);
		return rc ? rc : ops->pe_op(pe, op);
	}
	/* GET_STATE only reads: like the kernel's it takes no PE lock. */
	if (op->op == VFIO_EEH_PE_GET_STATE)
		return pe_get_state(pe);
	pthread_mutex_lock(&pe->lock);
	rc = dispatch(pe, op);
	pthread_mutex_unlock(&pe->lock);
	return rc;
}

EEH_EXPORT int eeh_pe_op_simple(struct eeh_pe *pe, unsigned int op)
{
	struct vfio_eeh_pe_op o = { .argsz = sizeof(o), .op = op };

	if (op == VFIO_EEH_PE_INJECT_ERR)
		return -EINVAL; /* needs its arguments: eeh_pe_op() */
	return eeh_pe_op(pe, &o);
}

EEH_EXPORT const char *eeh_state_name(int state)
{
	switch (state) {
	case VFIO_EEH_PE_STATE_NORMAL:
		return "normal";
	case VFIO_EEH_PE_STATE_RESET:
		return "reset";
	case VFIO_EEH_PE_STATE_STOPPED:
		return "stopped";
	case VFIO_EEH_PE_STATE_STOPPED_DMA:
		return "stopped-dma";
	case VFIO_EEH_PE_STATE_UNAVAIL:
		return "unavailable";
	}
	return NULL;
}

/* PAPR's answer for QEMU's RTAS_EEH_PE_UNAVAIL_INFO: try again in 1 s. */
#define PAPR_UNAVAIL_RETRY_MS 1000

EEH_EXPORT int eeh_pe_papr_state(struct eeh_pe *pe, int *state, unsigned int *unavail_ms)
{
	unsigned int delay = 0, info = 0;
	int s, st;

	if (!pe || !state)
		return -EINVAL;
	if (pe_ancestor_flags(pe, EEH_PE_ISOLATED | EEH_PE_RECOVERING)) {
		st = EEH_PAPR_STATE_UNAVAIL;
		info = PAPR_UNAVAIL_RETRY_MS;
		goto out;
	}
	s = ops_of(pe)->get_state(pe, &delay);
	if (s < 0)
		return s;
	if (s == EEH_STATE_UNAVAILABLE) {
		st = EEH_PAPR_STATE_UNAVAIL;
		info = delay ? delay : PAPR_UNAVAIL_RETRY_MS;
	} else if (s == EEH_STATE_NOT_SUPPORT) {
		st = EEH_PAPR_STATE_UNAVAIL; /* permanently: info 0 */
	} else {
		st = state_bits_to_vfio(s);
		/* DMA running with MMIO stopped is no PAPR state: unavailable
		 * for now, as the kernel's GET_STATE says. */
		if (st == EEH_PAPR_STATE_UNAVAIL)
			info = PAPR_UNAVAIL_RETRY_MS;
	}
out:
	*state = st;
	if (unavail_ms)
		*unavail_ms = info;
	return 0;
}

EEH_EXPORT int eeh_pe_platform_state(struct eeh_pe *pe)
{
	if (!pe)
		return -EINVAL;
	return ops_of(pe)->get_state(pe, NULL);
}
