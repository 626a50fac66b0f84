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
	bool errinjct;
	size_t k = 0;

	if (!vm || (n && !tokens))
		return -EINVAL;
	errinjct = atomic_load(&vm->errinjct_on);
	for (unsigned int i = 0; i < EEH_RTAS_NCALLS; i++) {
		if (!errinjct && rtas_calls[i].errinjct)
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
