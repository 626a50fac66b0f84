/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The simulator's part of topology files and images (doc/topology.md):
 * a PE's "fundamental_reset" and, in an image, its PAPR state, error
 * counters, armed injections and programmed DMA windows with their TCEs. topology.c calls these through the
 * backend's pe_load/pe_save/pe_save_state hooks.
 */
#include <stdio.h>

#include <json-c/json.h>

#include "sim.h"

static json_object *hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	return json_object_new_string(buf);
}

static int load_papr(struct topo_loader *ld, struct sim_pe *sp, json_object *st)
{
	uint64_t v, settle;
	bool perm;
	int r;

	if ((r = topo_get_u64(ld, st, "papr", false, 0, 4, &v)))
		return r;
	if (v == 3)
		return topo_fail(ld, "PAPR state 3 does not exist");
	sp->state = (uint8_t)v;
	if ((r = topo_get_bool(ld, st, "perm", false, &perm)) ||
	    (r = topo_get_u64(ld, st, "settle_until_us", false, 0, UINT64_MAX, &settle)))
		return r;
	sp->perm = perm;
	sp->settle_until_us = settle;
	if ((r = topo_get_bool(ld, st, "eeh_on", true, &sp->eeh_on)) ||
	    (r = topo_get_u64(ld, st, "reset_at_us", false, 0, UINT64_MAX, &sp->reset_at_us)))
		return r;
	return 0;
}

static int load_last_error(struct topo_loader *ld, struct sim_pe *sp, json_object *st)
{
	json_object *lf;
	uint64_t v;
	int r;

	if ((r = topo_get_u64(ld, st, "last_error_us", false, 0, UINT64_MAX, &sp->last_error_us)) ||
	    (r = topo_get_u64(ld, st, "errors", false, 0, UINT32_MAX, &v)))
		return r;
	sp->errors = (uint32_t)v;
	/* -1 no cause, -2 PHB fence, -3 bad DMA, else the injection function */
	sp->last_func = -1;
	if (json_object_object_get_ex(st, "last_func", &lf)) {
		int64_t f = json_object_get_int64(lf);

		if (!json_object_is_type(lf, json_type_int) || f < EEH_PE_ERROR_BAD_DMA ||
		    f > EEH_ERR_FUNC_MAX)
			return topo_fail(ld, "\"last_func\" must be %d..%d", EEH_PE_ERROR_BAD_DMA,
					 EEH_ERR_FUNC_MAX);
		sp->last_func = (int)f;
	}
	return topo_get_u64(ld, st, "last_addr", false, 0, UINT64_MAX, &sp->last_addr);
}

static int load_injections(struct topo_loader *ld, struct eeh_pe *pe, json_object *st)
{
	json_object *injs;
	int r;

	if ((r = topo_get_array(ld, st, "injections", false, &injs)))
		return r;
	for (size_t i = 0; injs && i < json_object_array_length(injs); i++) {
		json_object *ji = json_object_array_get_idx(injs, i);
		uint64_t type, func, addr, mask;

		if ((r = topo_get_u64(ld, ji, "type", true, 0, 1, &type)) ||
		    (r = topo_get_u64(ld, ji, "func", true, 0, EEH_ERR_FUNC_MAX, &func)) ||
		    (r = topo_get_u64(ld, ji, "addr", true, 0, UINT64_MAX, &addr)) ||
		    (r = topo_get_u64(ld, ji, "mask", true, 0, UINT64_MAX, &mask)))
			return r;
		if (!addr && !mask && sim_func_access((unsigned int)func) <= SIM_ACCESS_IO_ST)
			return topo_fail(ld, "an armed MMIO injection needs an address or mask");
		if ((r = sim_err_inject(pe, (unsigned int)type, (unsigned int)func, addr, mask)))
			return r;
	}
	return 0;
}

/*
 * state.dma_windows: the PE's programmed TVEs, each {slot, start, size,
 * page_shift, tces}, tces a list of runs {index, count, tce}: entries
 * index .. index+count-1 hold tce, tce + page, tce + 2 pages, ... (the
 * permission bits the same), so a window mapped from contiguous memory
 * is one run.
 */
static int load_dma_tces(struct topo_loader *ld, struct eeh_pe *pe, unsigned int slot,
			 unsigned int shift, uint64_t nentries, json_object *jw)
{
	json_object *runs;
	int r;

	if ((r = topo_get_array(ld, jw, "tces", false, &runs)))
		return r;
	for (size_t i = 0; runs && i < json_object_array_length(runs); i++) {
		json_object *jr = json_object_array_get_idx(runs, i);
		uint64_t idx, count, tce;
		size_t len = topo_path_push(ld, ".tces[%zu]", i);

		if ((r = topo_get_u64(ld, jr, "index", true, 0, nentries - 1, &idx)) ||
		    (r = topo_get_u64(ld, jr, "count", false, 1, nentries - idx, &count)) ||
		    (r = topo_get_u64(ld, jr, "tce", true, 0, UINT64_MAX, &tce))) {
			topo_path_pop(ld, len);
			return r;
		}
		if (!count || count - 1 > (UINT64_MAX - tce) >> shift) {
			topo_path_pop(ld, len);
			return topo_fail(ld, "a run has at least one TCE and its addresses do not "
					     "wrap");
		}
		for (uint64_t k = 0; k < count; k++) {
			if ((r = sim_dma_tce_set(pe, slot, idx + k, tce + (k << shift)))) {
				r = r == -ENOMEM ? r
						 : topo_fail(ld, "a TCE needs a permission bit "
								 "(1 read, 2 write) and nothing else "
								 "below the page");
				topo_path_pop(ld, len);
				return r;
			}
		}
		topo_path_pop(ld, len);
	}
	return 0;
}

static int load_dma(struct topo_loader *ld, struct eeh_pe *pe, json_object *st)
{
	bool seen[SIM_DMA_WINDOWS] = { false };
	json_object *wins;
	int r;

	if ((r = topo_get_array(ld, st, "dma_windows", false, &wins)))
		return r;
	for (size_t i = 0; wins && i < json_object_array_length(wins); i++) {
		json_object *jw = json_object_array_get_idx(wins, i);
		uint64_t slot, start, size, shift;
		size_t len = topo_path_push(ld, ".dma_windows[%zu]", i);

		if ((r = topo_get_u64(ld, jw, "slot", true, 0, SIM_DMA_WINDOWS - 1, &slot)) ||
		    (r = topo_get_u64(ld, jw, "page_shift", true, 12, 40, &shift)) ||
		    (r = topo_get_u64(ld, jw, "start", true, 0, UINT64_MAX, &start)) ||
		    (r = topo_get_u64(ld, jw, "size", true, 0, UINT64_MAX, &size)))
			goto out;
		if (seen[slot]) {
			r = topo_fail(ld, "window slot %llu twice", (unsigned long long)slot);
			goto out;
		}
		seen[slot] = true;
		if (shift < 12 || size < 1ULL << shift || (start | size) & ((1ULL << shift) - 1) ||
		    start + size - 1 < start) {
			r = topo_fail(ld, "a window has 4 KiB or larger pages, is at least one page, "
					  "page-aligned, and does not wrap");
			goto out;
		}
		if ((r = sim_dma_set_window(pe, (unsigned int)slot, start, size,
					    (unsigned int)shift)))
			goto out;
		r = load_dma_tces(ld, pe, (unsigned int)slot, (unsigned int)shift, size >> shift, jw);
out:
		topo_path_pop(ld, len);
		if (r)
			return r;
	}
	return 0;
}

static json_object *save_dma(struct eeh_pe *pe)
{
	json_object *wins = NULL;

	for (unsigned int slot = 0; slot < SIM_DMA_WINDOWS; slot++) {
		json_object *jw, *runs, *jr = NULL;
		uint64_t start, size, x, tce = 0, run_idx = 0, run_tce = 0, run_n = 0;
		unsigned int shift;

		if (sim_dma_window_get(pe, slot, &start, &size, &shift))
			continue;
		if (!wins)
			wins = json_object_new_array();
		jw = json_object_new_object();
		runs = json_object_new_array();
		json_object_object_add(jw, "slot", json_object_new_int((int)slot));
		json_object_object_add(jw, "start", hex(start));
		json_object_object_add(jw, "size", hex(size));
		json_object_object_add(jw, "page_shift", json_object_new_int((int)shift));
		for (x = sim_dma_tce_next(pe, slot, 0, &tce); ; x = sim_dma_tce_next(pe, slot, x + 1,
										   &tce)) {
			if (run_n && x == run_idx + run_n && tce == run_tce + (run_n << shift)) {
				run_n++;
				continue;
			}
			if (run_n) {
				jr = json_object_new_object();
				json_object_object_add(jr, "index", hex(run_idx));
				json_object_object_add(jr, "count", json_object_new_uint64(run_n));
				json_object_object_add(jr, "tce", hex(run_tce));
				json_object_array_add(runs, jr);
			}
			if (x == UINT64_MAX)
				break;
			run_idx = x;
			run_tce = tce;
			run_n = 1;
		}
		json_object_object_add(jw, "tces", runs);
		json_object_array_add(wins, jw);
	}
	return wins;
}

static int load_state(struct topo_loader *ld, struct eeh_pe *pe, json_object *jpe)
{
	struct sim_pe *sp = sim_pe_of(pe);
	json_object *st;
	size_t len;
	int r;

	if (!json_object_object_get_ex(jpe, "state", &st))
		return 0;
	len = topo_path_push(ld, ".state");
	if (!(r = load_papr(ld, sp, st)) && !(r = topology_load_pe_common(ld, pe, st)) &&
	    !(r = load_last_error(ld, sp, st))) {
		/* A PE that failed permanently with an injection still armed is
		 * saved with both: the injection was armed before the failure,
		 * so it is loaded as a PE that had not failed yet took it. */
		bool perm = sp->perm;

		sp->perm = false;
		r = load_injections(ld, pe, st);
		sp->perm = perm;
	}
	if (!r)
		r = load_dma(ld, pe, st);
	topo_path_pop(ld, len);
	return r;
}

int sim_pe_load(struct topo_loader *ld, struct eeh_pe *pe, json_object *jpe, bool with_state)
{
	bool freset;
	int r;

	if ((r = topo_get_bool(ld, jpe, "fundamental_reset", true, &freset)))
		return r;
	sim_pe_of(pe)->no_freset = !freset;
	return with_state ? load_state(ld, pe, jpe) : 0;
}

void sim_pe_save(struct eeh_pe *pe, json_object *jpe)
{
	if (sim_pe_of(pe)->no_freset)
		json_object_object_add(jpe, "fundamental_reset", json_object_new_boolean(false));
}

json_object *sim_pe_save_state(struct eeh_pe *pe)
{
	json_object *st = json_object_new_object(), *injs = json_object_new_array();
	struct sim_pe *sp = sim_pe_of(pe);

	json_object_object_add(st, "papr", json_object_new_int(sp->state));
	json_object_object_add(st, "perm", json_object_new_boolean(sp->perm));
	json_object_object_add(st, "eeh_on", json_object_new_boolean(sp->eeh_on));
	json_object_object_add(st, "reset_at_us", json_object_new_uint64(sp->reset_at_us));
	json_object_object_add(st, "settle_until_us",
			       json_object_new_uint64(sp->settle_until_us));
	topology_save_pe_common(pe, st);
	json_object_object_add(st, "errors", json_object_new_int64(sp->errors));
	json_object_object_add(st, "last_func", json_object_new_int(sp->last_func));
	json_object_object_add(st, "last_addr", hex(sp->last_addr));
	json_object_object_add(st, "last_error_us",
			       json_object_new_uint64(sp->last_error_us));
	for (struct sim_injection *inj = sp->inject; inj; inj = inj->next) {
		json_object *ji = json_object_new_object();

		json_object_object_add(ji, "type", json_object_new_int((int)inj->type));
		json_object_object_add(ji, "func", json_object_new_int((int)inj->func));
		json_object_object_add(ji, "addr", hex(inj->addr));
		json_object_object_add(ji, "mask", hex(inj->mask));
		json_object_array_add(injs, ji);
	}
	json_object_object_add(st, "injections", injs);
	/* only a PE whose DMA is translated has windows: none, no key */
	injs = save_dma(pe);
	if (injs)
		json_object_object_add(st, "dma_windows", injs);
	return st;
}
