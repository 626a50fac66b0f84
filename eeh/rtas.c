/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The VMM front end: a POWER guest's EEH RTAS calls answered from the host
 * PE behind each guest PHB. This file is the front door: a new VM with the
 * table's tokens, the token <-> call mapping and the dispatch of a call
 * (by token, by name, or from an argument block in guest memory) through
 * rtas_calls[] (rtas-calls.c). The VM's PHBs live in rtas-vm.c.
 *
 * The dispatch path takes no lock: tokens are read as plain words, the
 * PHB lookup is lock-free (rtas-vm.c).
 */
#include "rtas.h"

EEH_EXPORT int eeh_vm_new(struct eeh_ctx *ctx, const struct eeh_vm_ops *ops, void *opaque,
			  struct eeh_vm **out)
{
	struct eeh_vm *vm;

	if (!ctx || !out ||
	    (ops && !struct_size_ok(ops, EEH_V1_SIZE(eeh_vm_ops, bar_to_guest))))
		return -EINVAL;
	*out = NULL;
	vm = rtas_vm_alloc(ctx, ops, opaque);
	if (!vm)
		return -ENOMEM;
	for (unsigned int i = 0; i < EEH_RTAS_NCALLS; i++)
		vm->tokens[i] = rtas_calls[i].token;
	*out = vm;
	return 0;
}

EEH_EXPORT int eeh_vm_get_token(struct eeh_vm *vm, enum eeh_rtas_call call)
{
	if (!vm || (unsigned int)call >= EEH_RTAS_NCALLS)
		return -EINVAL;
	return (int)vm->tokens[call];
}

EEH_EXPORT int eeh_vm_set_token(struct eeh_vm *vm, enum eeh_rtas_call call, uint32_t token)
{
	if (!vm || (unsigned int)call >= EEH_RTAS_NCALLS || !token || token > INT32_MAX)
		return -EINVAL;
	for (unsigned int i = 0; i < EEH_RTAS_NCALLS; i++)
		if (i != (unsigned int)call && vm->tokens[i] == token)
			return -EEXIST;
	vm->tokens[call] = token;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                             */
/* ------------------------------------------------------------------ */

static int call_of_token(struct eeh_vm *vm, uint32_t token)
{
	for (unsigned int i = 0; i < EEH_RTAS_NCALLS; i++)
		if (vm->tokens[i] == token)
			return rtas_call_on(vm, rtas_calls[i].errinjct, rtas_calls[i].ddw) ? (int)i
											: -ENOENT;
	return -ENOENT;
}

static inline int dispatch(struct rtas_req *r, int call)
{
	const struct rtas_call *c;

	if (call < 0) {
		/* spapr_rtas_call(): unknown token -> -3, H_PARAMETER. */
		rtas_ret(r, 0, EEH_RTAS_PARAM_ERROR);
		return -ENOENT;
	}
	c = &rtas_calls[call];
	/* Wrong cell counts: -3 and nothing else written (spapr_pci.c). */
	if (r->nargs != c->nargs || r->nret < c->nret_min || r->nret > c->nret_max) {
		rtas_ret(r, 0, EEH_RTAS_PARAM_ERROR);
		return 0;
	}
	c->handler(r);
	return 0;
}

EEH_EXPORT int eeh_vm_rtas_call(struct eeh_vm *vm, uint32_t token, uint32_t nargs,
				const uint32_t *args, uint32_t nret, uint32_t *rets)
{
	struct rtas_req r = { .vm = vm, .nargs = nargs, .nret = nret, .args = args, .rets = rets };
	int rc;

	if (!vm || (nargs && !args) || (nret && !rets))
		return -EINVAL;
	rtas_enter(vm);
	rc = dispatch(&r, call_of_token(vm, token));
	rtas_exit(vm);
	return rc;
}

EEH_EXPORT int eeh_vm_rtas_call_by_name(struct eeh_vm *vm, const char *name, uint32_t nargs,
					const uint32_t *args, uint32_t nret, uint32_t *rets)
{
	int call = eeh_rtas_call_from_name(name);

	if (!vm || (nargs && !args) || (nret && !rets))
		return -EINVAL;
	if (call < 0 || !rtas_call_on(vm, rtas_calls[call].errinjct, rtas_calls[call].ddw))
		return -ENOENT;
	return eeh_vm_rtas_call(vm, vm->tokens[call], nargs, args, nret, rets);
}

/*
 * More cells than any call in rtas_calls[] takes: a wrong nargs/nret (or an
 * unknown token), so -3 in the first return cell as QEMU writes it, and
 * nothing else; the arguments are not read.
 */
static int too_many_cells(struct eeh_vm *vm, uint64_t addr, const struct rtas_req *r,
			  uint32_t token)
{
	uint8_t cell[4];

	rtas_put_be32(cell, (uint32_t)EEH_RTAS_PARAM_ERROR);
	if (r->nret &&
	    vm->ops.mem_write(vm->opaque, addr + 12 + 4ULL * r->nargs, cell, sizeof(cell)) < 0)
		return -EFAULT;
	return call_of_token(vm, token) < 0 ? -ENOENT : 0;
}

EEH_EXPORT int eeh_vm_rtas_call_mem(struct eeh_vm *vm, uint64_t addr)
{
	uint8_t hdr[12], cells[4 * RTAS_MAX_CELLS];
	uint32_t args[RTAS_MAX_CELLS], rets[RTAS_MAX_CELLS];
	struct rtas_req r = { .vm = vm, .args = args, .rets = rets };
	int rc;

	if (!vm)
		return -EINVAL;
	if (!vm->ops.mem_read || !vm->ops.mem_write)
		return -EFAULT;
	if (vm->ops.mem_read(vm->opaque, addr, hdr, sizeof(hdr)) < 0)
		return -EFAULT;
	r.nargs = rtas_be32(hdr + 4);
	r.nret = rtas_be32(hdr + 8);
	if (r.nargs > RTAS_MAX_CELLS || r.nret > RTAS_MAX_CELLS ||
	    r.nargs + r.nret > RTAS_MAX_CELLS)
		return too_many_cells(vm, addr, &r, rtas_be32(hdr));
	if (r.nargs && vm->ops.mem_read(vm->opaque, addr + 12, cells, 4 * r.nargs) < 0)
		return -EFAULT;
	for (uint32_t i = 0; i < r.nargs; i++)
		args[i] = rtas_be32(cells + 4 * i);
	rtas_enter(vm);
	rc = dispatch(&r, call_of_token(vm, rtas_be32(hdr)));
	rtas_exit(vm);
	for (uint32_t i = 0; i < r.nset; i++)
		rtas_put_be32(cells + 4 * i, rets[i]);
	if (r.nset &&
	    vm->ops.mem_write(vm->opaque, addr + 12 + 4ULL * r.nargs, cells, 4 * r.nset) < 0)
		return -EFAULT;
	return rc;
}
