/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The simulated POWER host: PAPR firmware behaviour per PE.
 *
 * Each PE holds a PAPR state (0 normal, 1 reset, 2 stopped, 4 DMA
 * stopped, 5 temporarily or permanently unavailable) and moves through the
 * LoPAR "PE State Control" table. The backend answers the kernel's eeh_ops
 * questions the way pseries firmware does (eeh_pseries.c mapping), so the
 * PE_OP engine above it behaves as the kernel does on a POWER host.
 */
#include <stdlib.h>
#include <string.h>

#include "libeeh-private.h"
#include "sim.h"

#define RTAS_OK 0
#define RTAS_PARAM (-3)
#define RTAS_STATE_CHANGE (-7)
#define RTAS_NO_FRESET (-8)

static uint64_t now_us(struct eeh_pe *pe)
{
	return eeh_clock_now_us(pe->phb->ctx);
}

/* Every change of the lock-free-read state goes through here: the seqlock
 * (odd while writing) lets sim_papr_state() see it whole. pe->lock held. */
void sim_set_state(struct eeh_pe *pe, uint8_t state, bool perm, uint64_t settle_until_us)
{
	atomic_fetch_add_explicit(&pe->sim.seq, 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	pe->sim.state = state;
	pe->sim.perm = perm;
	pe->sim.settle_until_us = settle_until_us;
	atomic_fetch_add_explicit(&pe->sim.seq, 1, memory_order_release);
}

/* PAPR state with the settle window applied; *info_ms for state 5. */
int sim_papr_state(struct eeh_pe *pe, unsigned int *info_ms)
{
	uint64_t now = now_us(pe), settle;
	uint32_t seq;
	uint8_t state;
	bool perm;

	for (;;) {
		seq = atomic_load_explicit(&pe->sim.seq, memory_order_acquire);
		if (seq & 1)
			continue; /* a writer is mid-update: a few stores long */
		perm = atomic_load_explicit(&pe->sim.perm, memory_order_relaxed);
		settle = atomic_load_explicit(&pe->sim.settle_until_us, memory_order_relaxed);
		state = atomic_load_explicit(&pe->sim.state, memory_order_relaxed);
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&pe->sim.seq, memory_order_relaxed) == seq)
			break;
	}
	if (info_ms)
		*info_ms = 0;
	if (perm)
		return EEH_PAPR_STATE_UNAVAIL;
	if (now < settle) {
		if (info_ms)
			*info_ms = (unsigned int)((settle - now + 999) / 1000);
		return EEH_PAPR_STATE_UNAVAIL;
	}
	return state;
}

static bool parent_stopped(struct eeh_pe *pe)
{
	/* A frozen or resetting parent bus passes no traffic to its children. */
	return pe_ancestor_flags(pe, EEH_PE_ISOLATED | EEH_PE_CFG_BLOCKED);
}

bool sim_mmio_stopped(struct eeh_pe *pe)
{
	int s = sim_papr_state(pe, NULL);

	return s == EEH_PAPR_STATE_STOPPED || s == EEH_PAPR_STATE_RESET ||
	       s == EEH_PAPR_STATE_UNAVAIL || parent_stopped(pe);
}

bool sim_dma_stopped(struct eeh_pe *pe)
{
	return sim_mmio_stopped(pe) || sim_papr_state(pe, NULL) == EEH_PAPR_STATE_STOPPED_DMA;
}

/* ---- freezes ---- */

int sim_freeze_locked(struct eeh_pe *pe, int func, uint64_t addr)
{
	int s = sim_papr_state(pe, NULL);

	/* A PE in reset, settling or already stopped carries no traffic that
	 * could fail; a PE with only DMA stopped stops loads too but it is
	 * the same incident, so it is not counted again. */
	if (s == EEH_PAPR_STATE_RESET || s == EEH_PAPR_STATE_UNAVAIL)
		return pe->sim.perm ? -ENODEV : 0;
	pe->sim.last_func = func;
	pe->sim.last_addr = addr;
	pe->sim.last_error_us = now_us(pe);
	pe->sim.errors++;
	if (s == EEH_PAPR_STATE_NORMAL && pe_count_freeze(pe)) {
		/* The kernel disables a PE that failed more than eeh_max_freezes
		 * times in an hour; PAPR reports it as state 5 with info 0. */
		sim_set_state(pe, pe->sim.state, true, pe->sim.settle_until_us);
		pe_subtree_set_flags(pe, EEH_PE_ISOLATED, 0);
		warn(pe->phb->ctx, "%s has failed %u times in the last hour and has been "
		     "permanently disabled", pe->name, pe->freeze_count);
		return 0;
	}
	sim_set_state(pe, EEH_PAPR_STATE_STOPPED, false, pe->sim.settle_until_us);
	/* powernv marks a PE isolated the first time it is seen frozen. */
	pe_subtree_set_flags(pe, EEH_PE_ISOLATED, 0);
	dbg(pe->phb->ctx, "%s frozen (func %d addr 0x%llx)", pe->name, func,
	    (unsigned long long)addr);
	return 0;
}

EEH_EXPORT int eeh_pe_last_error(struct eeh_pe *pe, struct eeh_pe_error *e)
{
	if (!pe || !e)
		return -EINVAL;
	if (!eeh_is_sim(pe->phb->ctx))
		return -EOPNOTSUPP;
	pthread_mutex_lock(&pe->lock);
	e->errors = pe->sim.errors;
	e->func = pe->sim.last_func;
	e->addr = pe->sim.last_addr;
	e->time_us = pe->sim.last_error_us;
	pthread_mutex_unlock(&pe->lock);
	return 0;
}

EEH_EXPORT bool eeh_is_sim(struct eeh_ctx *ctx)
{
	return ctx->ops == &sim_backend_ops;
}

EEH_EXPORT int eeh_sim_freeze(struct eeh_pe *pe)
{
	int r;

	if (!pe)
		return -EINVAL;
	if (!eeh_is_sim(pe->phb->ctx))
		return -EOPNOTSUPP;
	pthread_mutex_lock(&pe->lock);
	r = pe->sim.perm ? -ENODEV : sim_freeze_locked(pe, -1, 0);
	pthread_mutex_unlock(&pe->lock);
	return r;
}

EEH_EXPORT int eeh_sim_fence_phb(struct eeh_phb *phb)
{
	struct eeh_pe *pe;

	if (!phb)
		return -EINVAL;
	if (!eeh_is_sim(phb->ctx))
		return -EOPNOTSUPP;
	eeh_pe_foreach(phb, pe) {
		pthread_mutex_lock(&pe->lock);
		if (!pe->sim.perm)
			sim_freeze_locked(pe, SIM_CAUSE_FENCE, 0);
		pthread_mutex_unlock(&pe->lock);
	}
	return 0;
}

static int sim_set_option(struct eeh_pe *pe, int option);

/* ---- eeh_ops ---- */

static int sim_get_state(struct eeh_pe *pe, unsigned int *delay_ms)
{
	unsigned int info;
	int s = sim_papr_state(pe, &info);

	if (delay_ms)
		*delay_ms = info;
	/* pseries_eeh_get_state(), after the 2025 translation fix. */
	switch (s) {
	case EEH_PAPR_STATE_NORMAL:
		return EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE | EEH_STATE_MMIO_ENABLED |
		       EEH_STATE_DMA_ENABLED;
	case EEH_PAPR_STATE_RESET:
		return EEH_STATE_RESET_ACTIVE | EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE;
	case EEH_PAPR_STATE_STOPPED:
		return 0;
	case EEH_PAPR_STATE_STOPPED_DMA:
		return EEH_STATE_MMIO_ENABLED;
	default:
		return info ? EEH_STATE_UNAVAILABLE : EEH_STATE_NOT_SUPPORT;
	}
}

/*
 * The PE State Control table (LoPAR "PE State Control"): for each call and
 * current state 0, 1, 2, 4, 5-temporary, 5-permanent, the RTAS status and
 * the next state (-1 = no change).
 */
struct papr_cell {
	int8_t status;
	int8_t next;
};

enum { COL_0, COL_1, COL_2, COL_4, COL_5T, COL_5P, NCOLS };
enum { ROW_THAW_MMIO, ROW_THAW_DMA, ROW_DEACTIVATE, ROW_ACTIVATE, NROWS };

static const struct papr_cell pe_state_control[NROWS][NCOLS] = {
	[ROW_THAW_MMIO] = { { RTAS_PARAM, -1 }, { RTAS_STATE_CHANGE, -1 }, { RTAS_OK, 4 },
			    { RTAS_PARAM, -1 }, { RTAS_STATE_CHANGE, -1 },
			    { RTAS_STATE_CHANGE, -1 } },
	[ROW_THAW_DMA] = { { RTAS_PARAM, -1 }, { RTAS_STATE_CHANGE, -1 },
			   { RTAS_STATE_CHANGE, -1 }, { RTAS_OK, 0 },
			   { RTAS_STATE_CHANGE, -1 }, { RTAS_STATE_CHANGE, -1 } },
	[ROW_DEACTIVATE] = { { RTAS_OK, -1 }, { RTAS_OK, 0 }, { RTAS_STATE_CHANGE, -1 },
			     { RTAS_PARAM, -1 }, { RTAS_STATE_CHANGE, -1 },
			     { RTAS_STATE_CHANGE, -1 } },
	[ROW_ACTIVATE] = { { RTAS_OK, 1 }, { RTAS_OK, -1 }, { RTAS_OK, 1 }, { RTAS_OK, 1 },
			   { RTAS_STATE_CHANGE, -1 }, { RTAS_STATE_CHANGE, -1 } },
};

static int papr_column(struct eeh_pe *pe)
{
	switch (sim_papr_state(pe, NULL)) {
	case EEH_PAPR_STATE_NORMAL:
		return COL_0;
	case EEH_PAPR_STATE_RESET:
		return COL_1;
	case EEH_PAPR_STATE_STOPPED:
		return COL_2;
	case EEH_PAPR_STATE_STOPPED_DMA:
		return COL_4;
	default:
		return pe->sim.perm ? COL_5P : COL_5T;
	}
}

static void func_subtree_reset(struct eeh_pe *pe)
{
	struct eeh_func *f;

	eeh_func_foreach(pe, f)
		func_cfg_reset(f);
}

static void reset_assert(struct eeh_pe *pe, uint64_t now)
{
	pe->sim.reset_at_us = now; /* read under pe->lock only */
	sim_set_state(pe, EEH_PAPR_STATE_RESET, false, 0);
	func_subtree_reset(pe);
}

static void reset_deactivate(struct eeh_pe *pe, uint64_t now)
{
	/* PAPR: reset must stay active >= 100 ms. An early deactivate is
	 * accepted, but the reset ends only when the hold time is over, and
	 * the PE settles for 1.5 s after that. */
	uint64_t end = pe->sim.reset_at_us + PAPR_RST_MIN_HOLD_US;

	if (end < now)
		end = now;
	sim_set_state(pe, EEH_PAPR_STATE_NORMAL, false, end + PAPR_SETTLE_US);
}

/* Apply a reset transition to the child PEs below pe: a bus reset resets
 * everything behind the bus. Children are locked parent-first. */
static void reset_children(struct eeh_pe *pe, bool assert, uint64_t now)
{
	for (struct eeh_pe *c = pe->first_child; c; c = c->next_sibling) {
		pthread_mutex_lock(&c->lock);
		if (!c->sim.perm) {
			if (assert)
				reset_assert(c, now);
			else if (c->sim.state == EEH_PAPR_STATE_RESET)
				reset_deactivate(c, now);
		}
		pthread_mutex_unlock(&c->lock);
		reset_children(c, assert, now);
	}
}

int sim_table_op(struct eeh_pe *pe, int row)
{
	const struct papr_cell *cell = &pe_state_control[row][papr_column(pe)];
	uint64_t now = now_us(pe);

	if (cell->next < 0 || cell->status != RTAS_OK)
		return cell->status;
	if (row == ROW_ACTIVATE) {
		reset_assert(pe, now);
		reset_children(pe, true, now);
	} else if (row == ROW_DEACTIVATE) {
		reset_deactivate(pe, now);
		reset_children(pe, false, now);
	} else {
		sim_set_state(pe, (uint8_t)cell->next, false, pe->sim.settle_until_us);
	}
	return RTAS_OK;
}

EEH_EXPORT int eeh_papr_state_control(enum eeh_papr_call call, int state, bool permanent,
				      int *next_state)
{
	static const int8_t row_of[] = { ROW_THAW_MMIO, ROW_THAW_DMA, ROW_DEACTIVATE,
					 ROW_ACTIVATE, ROW_ACTIVATE };
	static const int8_t col_of[] = { COL_0, COL_1, COL_2, -1, COL_4, COL_5T };
	const struct papr_cell *cell;
	int col;

	if ((unsigned int)call >= ARRAY_SIZE(row_of) || state < 0 || state > 5 ||
	    col_of[state] < 0)
		return -EINVAL;
	col = state == EEH_PAPR_STATE_UNAVAIL && permanent ? COL_5P : col_of[state];
	cell = &pe_state_control[row_of[call]][col];
	if (next_state)
		*next_state = cell->status == RTAS_OK ? cell->next : -1;
	return cell->status;
}

static int sim_reset(struct eeh_pe *pe, int option);

EEH_EXPORT int eeh_sim_papr_call(struct eeh_pe *pe, enum eeh_papr_call call)
{
	static const int8_t option_of[] = { EEH_OPT_THAW_MMIO, EEH_OPT_THAW_DMA,
					    EEH_RESET_DEACTIVATE, EEH_RESET_HOT,
					    EEH_RESET_FUNDAMENTAL };
	int r;

	if (!pe || (unsigned int)call >= ARRAY_SIZE(option_of))
		return -EINVAL;
	if (!eeh_is_sim(pe->phb->ctx))
		return -EOPNOTSUPP;
	pthread_mutex_lock(&pe->lock);
	r = call <= EEH_PAPR_THAW_DMA ? sim_set_option(pe, option_of[call])
				      : sim_reset(pe, option_of[call]);
	pthread_mutex_unlock(&pe->lock);
	return r;
}

static int sim_set_option(struct eeh_pe *pe, int option)
{
	switch (option) {
	case EEH_OPT_DISABLE:
		pe->sim.eeh_on = false;
		return RTAS_OK;
	case EEH_OPT_ENABLE:
		pe->sim.eeh_on = true;
		return RTAS_OK;
	case EEH_OPT_THAW_MMIO:
		return sim_table_op(pe, ROW_THAW_MMIO);
	case EEH_OPT_THAW_DMA:
		return sim_table_op(pe, ROW_THAW_DMA);
	case EEH_OPT_FREEZE_PE:
		return RTAS_OK; /* pseries has no freeze call: a no-op */
	}
	return RTAS_PARAM;
}

static int sim_reset(struct eeh_pe *pe, int option)
{
	switch (option) {
	case EEH_RESET_DEACTIVATE:
		return sim_table_op(pe, ROW_DEACTIVATE);
	case EEH_RESET_FUNDAMENTAL:
		if (pe->sim.no_freset)
			return RTAS_NO_FRESET;
		/* fall through */
	case EEH_RESET_HOT:
		return sim_table_op(pe, ROW_ACTIVATE);
	}
	return RTAS_PARAM;
}

static int sim_configure(struct eeh_pe *pe)
{
	/* ibm,configure-pe: -1 (hardware error) on a dead PE. */
	return pe->sim.perm ? -1 : RTAS_OK;
}

/* ---- device access: the simulator's hardware ---- */

static int sim_cfg_access(struct eeh_func *f, bool write, unsigned int off, unsigned int size,
			  uint32_t *val)
{
	struct eeh_pe *pe = f->pe;
	int r = 0;

	pthread_mutex_lock(&pe->lock);
	sim_inject_on_access(pe, write ? SIM_ACCESS_CFG_ST : SIM_ACCESS_CFG_LD, 0);
	if (sim_mmio_stopped(pe) || (atomic_load(&pe->kflags) & EEH_PE_CFG_BLOCKED)) {
		if (!write)
			*val = size == 4 ? 0xffffffff : (1u << (8 * size)) - 1;
	} else if (write) {
		r = func_cfg_raw_write(f, off, size, *val);
	} else {
		*val = func_cfg_raw_read(f, off, size);
	}
	pthread_mutex_unlock(&pe->lock);
	return r;
}

static int sim_mmio_access(struct eeh_func *f, bool write, unsigned int bar, uint64_t off,
			   unsigned int size, uint64_t *val)
{
	struct eeh_pe *pe = f->pe;
	bool io = f->bar[bar].flags & EEH_BAR_IO;
	int kind = io ? (write ? SIM_ACCESS_IO_ST : SIM_ACCESS_IO_LD)
		      : (write ? SIM_ACCESS_MEM_ST : SIM_ACCESS_MEM_LD);
	int r = 0;

	pthread_mutex_lock(&pe->lock);
	sim_inject_on_access(pe, kind, f->bar[bar].addr + off);
	if (sim_mmio_stopped(pe)) {
		if (!write)
			*val = size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
	} else if (write) {
		r = func_mmio_raw_write(f, bar, off, size, *val);
	} else {
		*val = func_mmio_raw_read(f, bar, off, size);
	}
	pthread_mutex_unlock(&pe->lock);
	return r;
}

static int sim_dma_access(struct eeh_func *f, bool write, uint64_t addr, size_t len)
{
	struct eeh_pe *pe = f->pe;
	int r;

	pthread_mutex_lock(&pe->lock);
	sim_inject_on_access(pe, write ? SIM_ACCESS_DMA_WR : SIM_ACCESS_DMA_RD, addr);
	r = sim_dma_stopped(pe) ? -EIO : 0;
	pthread_mutex_unlock(&pe->lock);
	return r;
}

const struct eeh_backend_ops sim_backend_ops = {
	.name = "sim",
	.get_state = sim_get_state,
	.set_option = sim_set_option,
	.reset = sim_reset,
	.configure = sim_configure,
	.err_inject = sim_err_inject,
	.cfg_access = sim_cfg_access,
	.mmio_access = sim_mmio_access,
	.dma_access = sim_dma_access,
};

int sim_attach(struct eeh_ctx *ctx)
{
	ctx_set_backend(ctx, &sim_backend_ops, NULL);
	return 0;
}
