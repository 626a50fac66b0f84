/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The simulated host's PAPR state machine: per PE a PAPR state (0 normal,
 * 1 reset, 2 stopped, 4 DMA stopped, 5 temporarily or permanently
 * unavailable) that moves through the LoPAR "PE State Control" table.
 * Injection (sim-inject.c) and the backend ops (sim.c) sit above it.
 */
#include "sim.h"

static uint64_t now_us(struct eeh_pe *pe)
{
	return eeh_clock_now_us(pe->phb->ctx);
}

/* Every change of the lock-free-read state goes through here: the seqlock
 * (odd while writing) lets sim_papr_state() see it whole. pe->lock held. */
void sim_set_state(struct eeh_pe *pe, uint8_t state, bool perm, uint64_t settle_until_us)
{
	atomic_fetch_add_explicit(&sim_pe_of(pe)->seq, 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	sim_pe_of(pe)->state = state;
	sim_pe_of(pe)->perm = perm;
	sim_pe_of(pe)->settle_until_us = settle_until_us;
	atomic_fetch_add_explicit(&sim_pe_of(pe)->seq, 1, memory_order_release);
}

/* PAPR state with the settle window applied; *info_ms for state 5. */
int sim_papr_state(struct eeh_pe *pe, unsigned int *info_ms)
{
	uint64_t now = now_us(pe), settle;
	uint32_t seq;
	uint8_t state;
	bool perm;

	for (;;) {
		seq = atomic_load_explicit(&sim_pe_of(pe)->seq, memory_order_acquire);
		if (seq & 1)
			continue; /* a writer is mid-update: a few stores long */
		perm = atomic_load_explicit(&sim_pe_of(pe)->perm, memory_order_relaxed);
		settle = atomic_load_explicit(&sim_pe_of(pe)->settle_until_us, memory_order_relaxed);
		state = atomic_load_explicit(&sim_pe_of(pe)->state, memory_order_relaxed);
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&sim_pe_of(pe)->seq, memory_order_relaxed) == seq)
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

/* The backend's get_state hook, here beside the lock-free read it is made
 * of so the compiler can inline that read: GET_STATE is the hot path. */
int sim_get_state(struct eeh_pe *pe, unsigned int *delay_ms)
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
		return sim_pe_of(pe)->perm ? -ENODEV : 0;
	sim_pe_of(pe)->last_func = func;
	sim_pe_of(pe)->last_addr = addr;
	sim_pe_of(pe)->last_error_us = now_us(pe);
	sim_pe_of(pe)->errors++;
	/* A freeze is not counted here: the kernel counts host recoveries
	 * (eeh_handle_normal_event), and a passed PE has none. */
	sim_set_state(pe, EEH_PAPR_STATE_STOPPED, false, sim_pe_of(pe)->settle_until_us);
	/* powernv marks a PE isolated the first time it is seen frozen. */
	pe_subtree_set_flags(pe, EEH_PE_ISOLATED, 0);
	dbg(pe->phb->ctx, "%s frozen (func %d addr 0x%llx)", pe->name, func,
	    (unsigned long long)addr);
	return 0;
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

/* The cells below, in the public EEH_RTAS_* statuses. */
#define OK(next) { EEH_RTAS_SUCCESS, next }
#define PARAM { EEH_RTAS_PARAM_ERROR, -1 }
#define CHANGE { EEH_RTAS_STATE_CHANGE, -1 }

static const struct papr_cell pe_state_control[SIM_NROWS][NCOLS] = {
	/*                       0      1          2       4       5T      5P */
	[SIM_ROW_THAW_MMIO] = { PARAM, CHANGE, OK(4), PARAM, CHANGE, CHANGE },
	[SIM_ROW_THAW_DMA] = { PARAM, CHANGE, CHANGE, OK(0), CHANGE, CHANGE },
	[SIM_ROW_DEACTIVATE] = { OK(-1), OK(0), CHANGE, PARAM, CHANGE, CHANGE },
	[SIM_ROW_ACTIVATE] = { OK(1), OK(-1), OK(1), OK(1), CHANGE, CHANGE },
};

#undef OK
#undef PARAM
#undef CHANGE

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
		return sim_pe_of(pe)->perm ? COL_5P : COL_5T;
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
	sim_pe_of(pe)->reset_at_us = now; /* read under pe->lock only */
	sim_set_state(pe, EEH_PAPR_STATE_RESET, false, 0);
	func_subtree_reset(pe);
}

static void reset_deactivate(struct eeh_pe *pe, uint64_t now)
{
	/* PAPR: reset must stay active >= 100 ms. An early deactivate is
	 * accepted, but the reset ends only when the hold time is over, and
	 * the PE settles for 1.5 s after that. */
	uint64_t end = sim_pe_of(pe)->reset_at_us + PAPR_RST_MIN_HOLD_US;

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
		if (!sim_pe_of(c)->perm) {
			if (assert)
				reset_assert(c, now);
			else if (sim_pe_of(c)->state == EEH_PAPR_STATE_RESET)
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

	if (cell->next < 0 || cell->status != EEH_RTAS_SUCCESS)
		return cell->status;
	if (row == SIM_ROW_ACTIVATE) {
		reset_assert(pe, now);
		reset_children(pe, true, now);
	} else if (row == SIM_ROW_DEACTIVATE) {
		reset_deactivate(pe, now);
		reset_children(pe, false, now);
	} else {
		sim_set_state(pe, (uint8_t)cell->next, false, sim_pe_of(pe)->settle_until_us);
	}
	return EEH_RTAS_SUCCESS;
}

EEH_EXPORT int eeh_papr_state_control(enum eeh_papr_call call, int state, bool permanent,
				      int *next_state)
{
	static const int8_t row_of[] = { SIM_ROW_THAW_MMIO, SIM_ROW_THAW_DMA, SIM_ROW_DEACTIVATE,
					 SIM_ROW_ACTIVATE, SIM_ROW_ACTIVATE };
	static const int8_t col_of[] = { COL_0, COL_1, COL_2, -1, COL_4, COL_5T };
	const struct papr_cell *cell;
	int col;

	if ((unsigned int)call >= ARRAY_SIZE(row_of) || state < 0 || state > 5 ||
	    col_of[state] < 0)
		return -EINVAL;
	col = state == EEH_PAPR_STATE_UNAVAIL && permanent ? COL_5P : col_of[state];
	cell = &pe_state_control[row_of[call]][col];
	if (next_state)
		*next_state = cell->status == EEH_RTAS_SUCCESS ? cell->next : -1;
	return cell->status;
}
