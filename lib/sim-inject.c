/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Error injection in the simulated host: the hardware half of PAPR
 * ibm,errinjct ioa-bus-error(-64) and OPAL/VFIO INJECT_ERR. An injection
 * arms the PHB; the next matching access by the PE fails and freezes it.
 * Each injection fires once (PAPR: "each call injects at most once").
 *
 * The PHB also keeps a record of the last injections into each PE and
 * what each one hit: the platform's side of the error log.
 */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

/* The traffic an IOA bus error function hits, from the one table of
 * functions (err-func.c). */
enum sim_access sim_func_access(unsigned int func)
{
	static const uint8_t kind[][2] = {
		[EEH_ERR_SPACE_MEM] = { SIM_ACCESS_MEM_LD, SIM_ACCESS_MEM_ST },
		[EEH_ERR_SPACE_IO] = { SIM_ACCESS_IO_LD, SIM_ACCESS_IO_ST },
		[EEH_ERR_SPACE_CFG] = { SIM_ACCESS_CFG_LD, SIM_ACCESS_CFG_ST },
		[EEH_ERR_SPACE_DMA] = { SIM_ACCESS_DMA_RD, SIM_ACCESS_DMA_WR },
	};

	return (enum sim_access)kind[eeh_err_func_space(func)][eeh_err_func_is_store(func)];
}

static bool is_mmio_kind(enum sim_access k)
{
	return k <= SIM_ACCESS_IO_ST;
}

/* The record of a PE, hung on sim_pe_of(pe)->inject_log; ->inject is the
 * list of armed injections (the image file saves that list). */
struct sim_inject_state {
	uint64_t next_seq;                 /* sequence number of the next record */
	struct sim_inject_rec ring[SIM_INJECT_RECORDS];
};

static struct sim_inject_state *state_of(struct eeh_pe *pe, bool create)
{
	if (!sim_pe_of(pe)->inject_log && create)
		sim_pe_of(pe)->inject_log = calloc(1, sizeof(struct sim_inject_state));
	return sim_pe_of(pe)->inject_log;
}

static struct sim_inject_rec *rec_by_seq(struct sim_inject_state *st, uint64_t seq)
{
	if (seq >= st->next_seq || st->next_seq - seq > SIM_INJECT_RECORDS)
		return NULL; /* overwritten by newer records */
	return &st->ring[seq % SIM_INJECT_RECORDS];
}

int sim_inject_note(struct eeh_pe *pe, const struct sim_inject_rec *r, uint64_t *seq)
{
	struct sim_inject_state *st = state_of(pe, true);

	if (!st)
		return -ENOMEM;
	st->ring[st->next_seq % SIM_INJECT_RECORDS] = *r;
	if (seq)
		*seq = st->next_seq;
	st->next_seq++;
	return 0;
}

int sim_err_inject(struct eeh_pe *pe, unsigned int type, unsigned int func, uint64_t addr,
		   uint64_t mask)
{
	struct sim_inject_rec rec = {
		.kind = SIM_REC_IOA, .type = type, .func = func, .addr = addr, .mask = mask,
	};
	struct sim_injection *inj, **tail;
	struct sim_inject_state *st;
	int r;

	if (type > 1 || func > EEH_ERR_FUNC_MAX)
		return -EINVAL;
	if (type == 0 && (addr > UINT32_MAX || mask > UINT32_MAX))
		return -EINVAL; /* a 32-bit bus error takes 32-bit address and mask */
	if (sim_pe_of(pe)->perm)
		return -ENODEV;
	st = state_of(pe, true);
	if (!st)
		return -ENOMEM;
	rec.armed_us = eeh_clock_now_us(pe->phb->ctx);
	/* An MMIO or I/O error without an address hits at once. */
	if (is_mmio_kind(sim_func_access(func)) && addr == 0 && mask == 0) {
		rec.fired = true;
		rec.hit_us = rec.armed_us;
		sim_inject_note(pe, &rec, NULL);
		return sim_freeze_locked(pe, (int)func, 0);
	}
	inj = calloc(1, sizeof(*inj));
	if (!inj)
		return -ENOMEM;
	inj->type = type;
	inj->func = func;
	inj->addr = addr;
	inj->mask = mask;
	inj->armed_at_us = rec.armed_us;
	r = sim_inject_note(pe, &rec, &inj->seq);
	if (r < 0) {
		free(inj);
		return r;
	}
	for (tail = &sim_pe_of(pe)->inject; *tail; tail = &(*tail)->next)
		;
	*tail = inj;
	return 0;
}

static bool matches(const struct sim_injection *inj, enum sim_access kind, uint64_t addr)
{
	if (sim_func_access(inj->func) != kind)
		return false;
	if (kind == SIM_ACCESS_CFG_LD || kind == SIM_ACCESS_CFG_ST)
		return true;
	/* PAPR: the 1 bits of the mask select the address bits compared. A
	 * 32-bit error (ioa-bus-error) names a 32-bit bus address: an access
	 * above 4 GiB is never at it, whatever its low 32 bits. */
	if (inj->type == 0 && addr > UINT32_MAX)
		return false;
	return (addr & inj->mask) == (inj->addr & inj->mask);
}

/* Traffic the PHB stops itself (a frozen or resetting PE, blocked config
 * space) never reaches the bus, so nothing on the bus can fail it. */
static bool access_blocked(struct eeh_pe *pe, enum sim_access kind)
{
	if (kind == SIM_ACCESS_DMA_RD || kind == SIM_ACCESS_DMA_WR)
		return sim_dma_stopped(pe);
	if ((kind == SIM_ACCESS_CFG_LD || kind == SIM_ACCESS_CFG_ST) &&
	    (atomic_load(&pe->kflags) & EEH_PE_CFG_BLOCKED))
		return true;
	return sim_mmio_stopped(pe);
}

void sim_inject_on_access(struct eeh_pe *pe, enum sim_access kind, uint64_t addr)
{
	struct sim_inject_state *st = sim_pe_of(pe)->inject_log;
	struct sim_injection **p, *inj;
	struct sim_inject_rec *rec;

	if (!sim_pe_of(pe)->inject || access_blocked(pe, kind))
		return;
	for (p = &sim_pe_of(pe)->inject; (inj = *p); p = &inj->next) {
		if (!matches(inj, kind, addr))
			continue;
		*p = inj->next;
		rec = st ? rec_by_seq(st, inj->seq) : NULL;
		if (rec) {
			rec->fired = true;
			rec->hit_us = eeh_clock_now_us(pe->phb->ctx);
			rec->hit_addr = addr;
			if (is_mmio_kind(kind))
				rec->hit_func = model_func_by_bar(pe, kind == SIM_ACCESS_IO_LD ||
								    kind == SIM_ACCESS_IO_ST,
							    addr);
		}
		sim_freeze_locked(pe, (int)inj->func, addr);
		free(inj);
		return;
	}
}

void sim_inject_disarm(struct eeh_pe *pe)
{
	struct sim_injection *inj, *n;

	for (inj = sim_pe_of(pe)->inject; inj; inj = n) {
		n = inj->next;
		free(inj);
	}
	sim_pe_of(pe)->inject = NULL;
}

void sim_inject_clear(struct eeh_pe *pe)
{
	sim_inject_disarm(pe);
	free(sim_pe_of(pe)->inject_log);
	sim_pe_of(pe)->inject_log = NULL;
}

unsigned int sim_inject_pending(struct eeh_pe *pe)
{
	unsigned int n = 0;

	/* Counted, not cached: an image load arms injections directly. */
	for (struct sim_injection *inj = sim_pe_of(pe)->inject; inj; inj = inj->next)
		n++;
	return n;
}

unsigned int sim_inject_record_count(struct eeh_pe *pe)
{
	struct sim_inject_state *st = sim_pe_of(pe)->inject_log;

	if (!st)
		return 0;
	return st->next_seq < SIM_INJECT_RECORDS ? (unsigned int)st->next_seq
						 : SIM_INJECT_RECORDS;
}

const struct sim_inject_rec *sim_inject_record(struct eeh_pe *pe, unsigned int index)
{
	struct sim_inject_state *st = sim_pe_of(pe)->inject_log;
	unsigned int n = sim_inject_record_count(pe);

	if (index >= n)
		return NULL;
	return rec_by_seq(st, st->next_seq - n + index);
}

/* ---- the record, for the injection API (inject/inject.c) ---- */

void sim_record_event(struct eeh_pe *pe, enum eeh_inject_kind kind)
{
	struct sim_inject_rec rec = { .kind = (uint8_t)kind, .fired = true };

	rec.armed_us = rec.hit_us = eeh_clock_now_us(pe->phb->ctx);
	pthread_mutex_lock(&pe->lock);
	sim_inject_note(pe, &rec, NULL);
	pthread_mutex_unlock(&pe->lock);
}

int sim_record_count(struct eeh_pe *pe)
{
	int n;

	pthread_mutex_lock(&pe->lock);
	n = (int)sim_inject_record_count(pe);
	pthread_mutex_unlock(&pe->lock);
	return n;
}

int sim_record_pending(struct eeh_pe *pe)
{
	int n;

	pthread_mutex_lock(&pe->lock);
	n = (int)sim_inject_pending(pe);
	pthread_mutex_unlock(&pe->lock);
	return n;
}

int sim_record_get(struct eeh_pe *pe, unsigned int index, struct eeh_inject_record *out)
{
	const struct sim_inject_rec *r;

	if (!struct_size_ok(out, EEH_V1_SIZE(eeh_inject_record, hit_func)))
		return -EINVAL;
	pthread_mutex_lock(&pe->lock);
	r = sim_inject_record(pe, index);
	if (r) {
		out->kind = (enum eeh_inject_kind)r->kind;
		out->type = r->type;
		out->func = r->func;
		out->addr = r->addr;
		out->mask = r->mask;
		out->armed_us = r->armed_us;
		out->fired = r->fired;
		out->hit_us = r->hit_us;
		out->hit_addr = r->hit_addr;
		out->hit_func = r->hit_func;
	}
	pthread_mutex_unlock(&pe->lock);
	return r ? 0 : -EINVAL;
}
