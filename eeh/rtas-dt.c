/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Device tree helpers for the VMM: the /rtas properties that announce the
 * calls (one per entry of rtas_calls[]), the errinjct token list and the
 * reset capabilities of the guest PHBs.
 */
#include <string.h>

#include "rtas.h"

EEH_EXPORT int eeh_vm_rtas_tokens(struct eeh_vm *vm, struct eeh_rtas_token *tokens, size_t n)
{
	size_t k = 0;

	if (!vm || (n && !tokens))
		return -EINVAL;
	for (unsigned int i = 0; i < EEH_RTAS_NCALLS; i++) {
		if (!rtas_call_on(vm, rtas_calls[i].errinjct, rtas_calls[i].ddw))
			continue;
		if (k < n) {
			tokens[k].name = rtas_calls[i].name;
			tokens[k].token = vm->tokens[i];
		}
		k++;
	}
	return (int)k;
}

EEH_EXPORT long eeh_vm_errinjct_tokens(struct eeh_vm *vm, void *buf, size_t len)
{
	static const struct {
		const char *name;
		uint32_t token;
	} types[] = { { "ioa-bus-error", EEH_ERRINJCT_IOA_BUS_ERROR },
		      { "ioa-bus-error-64", EEH_ERRINJCT_IOA_BUS_ERROR_64 } };
	uint8_t blob[64];
	size_t n = 0;

	if (!vm || (len && !buf))
		return -EINVAL;
	if (!atomic_load(&vm->errinjct_on))
		return 0;
	/* LoPAR: (NUL-terminated name, be32 token) pairs, back to back. */
	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		size_t l = strlen(types[i].name) + 1;

		memcpy(blob + n, types[i].name, l);
		rtas_put_be32(blob + n + l, types[i].token);
		n += l + 4;
	}
	if (len)
		memcpy(buf, blob, len < n ? len : n);
	return (long)n;
}

EEH_EXPORT int eeh_vm_reset_capabilities(struct eeh_vm *vm, uint64_t buid)
{
	struct rtas_phb *phb;
	int caps = 1;

	if (!vm)
		return -EINVAL;
	if (buid != EEH_VM_ALL_PHBS) {
		rtas_enter(vm);
		phb = rtas_phb_find(vm, buid);
		caps = phb ? rtas_phb_freset_offered(phb) : -ENOENT;
		rtas_exit(vm);
		return caps;
	}
	pthread_mutex_lock(&vm->setup_lock);
	for (struct rtas_phb *p = vm->all_phbs; p; p = p->all_next)
		if (p->live && p->op_fn && !rtas_phb_freset_offered(p))
			caps = 0;
	pthread_mutex_unlock(&vm->setup_lock);
	return caps;
}

/* ---- DMA windows ---- */

static struct eeh_spapr *phb_dma(struct eeh_vm *vm, uint64_t buid, struct rtas_phb **out)
{
	struct rtas_phb *phb = rtas_phb_find(vm, buid);

	*out = phb;
	return phb ? atomic_load(&phb->dma) : NULL;
}

EEH_EXPORT int eeh_vm_dma_window(struct eeh_vm *vm, uint64_t buid, uint32_t cells[5])
{
	struct eeh_spapr_info info;
	struct eeh_spapr *sp;
	struct rtas_phb *phb;
	int rc = -ENOENT;

	if (!vm || !cells)
		return -EINVAL;
	rtas_enter(vm);
	sp = phb_dma(vm, buid, &phb);
	if (sp && !eeh_spapr_get_info(sp, &info)) {
		/* spapr_dma_dt(): window #0 as it is at reset, the size a u32 */
		cells[0] = 0x80000000u | phb->liobn_index << 8;
		cells[1] = (uint32_t)(info.dma32_start >> 32);
		cells[2] = (uint32_t)info.dma32_start;
		cells[3] = 0;
		cells[4] = (uint32_t)info.dma32_size;
		rc = 5;
	}
	rtas_exit(vm);
	return rc;
}

/* The DDW properties exist for a guest PHB with DMA windows: 0, or -EINVAL,
 * -ENOENT as the DT helpers answer. */
static int ddw_prop_check(struct eeh_vm *vm, uint64_t buid, const uint32_t *cells)
{
	struct rtas_phb *phb;
	bool has_dma;

	if (!vm || !cells)
		return -EINVAL;
	rtas_enter(vm);
	has_dma = phb_dma(vm, buid, &phb) != NULL;
	rtas_exit(vm);
	return has_dma ? 0 : -ENOENT;
}

EEH_EXPORT int eeh_vm_ddw_applicable(struct eeh_vm *vm, uint64_t buid, uint32_t cells[3])
{
	int rc = ddw_prop_check(vm, buid, cells);

	if (rc)
		return rc;
	cells[0] = vm->tokens[EEH_RTAS_QUERY_PE_DMA_WINDOW];
	cells[1] = vm->tokens[EEH_RTAS_CREATE_PE_DMA_WINDOW];
	cells[2] = vm->tokens[EEH_RTAS_REMOVE_PE_DMA_WINDOW];
	return 3;
}

EEH_EXPORT int eeh_vm_ddw_extensions(struct eeh_vm *vm, uint64_t buid, uint32_t cells[3])
{
	int rc = ddw_prop_check(vm, buid, cells);

	if (rc)
		return rc;
	/* LoPAR numbers these from 1: the count, the reset token, and 1
	 * for "query returns 6 outputs" (QEMU 7.1) */
	cells[0] = 2;
	cells[1] = vm->tokens[EEH_RTAS_RESET_PE_DMA_WINDOW];
	cells[2] = 1;
	return 3;
}
