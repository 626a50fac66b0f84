/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The 20 PAPR IOA bus error functions (LoPAR ibm,errinjct ioa-bus-error):
 * one table for the injection API, the RTAS front end and the simulated
 * PHB that decides which traffic an armed error hits.
 */
#include <stdlib.h>
#include <string.h>

#include "libeeh-private.h"

/* LoPAR ibm,errinjct IOA bus error functions; names after the kernel's
 * EEH_ERR_FUNC_* (uapi/asm/eeh.h). */
static const struct {
	const char *name;
	const char *desc;
	uint8_t space;
	bool store;
} err_funcs[EEH_ERR_FUNC_COUNT] = {
	{ "ld-mem-addr", "Load, memory, address parity", EEH_ERR_SPACE_MEM, false },
	{ "ld-mem-data", "Load, memory, data parity", EEH_ERR_SPACE_MEM, false },
	{ "ld-io-addr", "Load, I/O, address parity", EEH_ERR_SPACE_IO, false },
	{ "ld-io-data", "Load, I/O, data parity", EEH_ERR_SPACE_IO, false },
	{ "ld-cfg-addr", "Load, config, address parity", EEH_ERR_SPACE_CFG, false },
	{ "ld-cfg-data", "Load, config, data parity", EEH_ERR_SPACE_CFG, false },
	{ "st-mem-addr", "Store, memory, address parity", EEH_ERR_SPACE_MEM, true },
	{ "st-mem-data", "Store, memory, data parity", EEH_ERR_SPACE_MEM, true },
	{ "st-io-addr", "Store, I/O, address parity", EEH_ERR_SPACE_IO, true },
	{ "st-io-data", "Store, I/O, data parity", EEH_ERR_SPACE_IO, true },
	{ "st-cfg-addr", "Store, config, address parity", EEH_ERR_SPACE_CFG, true },
	{ "st-cfg-data", "Store, config, data parity", EEH_ERR_SPACE_CFG, true },
	{ "dma-rd-addr", "DMA read, memory, address parity", EEH_ERR_SPACE_DMA, false },
	{ "dma-rd-data", "DMA read, memory, data parity", EEH_ERR_SPACE_DMA, false },
	{ "dma-rd-master", "DMA read, memory, master abort", EEH_ERR_SPACE_DMA, false },
	{ "dma-rd-target", "DMA read, memory, target abort", EEH_ERR_SPACE_DMA, false },
	{ "dma-wr-addr", "DMA write, memory, address parity", EEH_ERR_SPACE_DMA, true },
	{ "dma-wr-data", "DMA write, memory, data parity", EEH_ERR_SPACE_DMA, true },
	{ "dma-wr-master", "DMA write, memory, master abort", EEH_ERR_SPACE_DMA, true },
	{ "dma-wr-target", "DMA write, memory, target abort", EEH_ERR_SPACE_DMA, true },
};

_Static_assert(EEH_ERR_FUNC_COUNT == EEH_ERR_FUNC_MAX + 1, "20 IOA bus error functions");

EEH_EXPORT const char *eeh_err_func_name(unsigned int func)
{
	return func < EEH_ERR_FUNC_COUNT ? err_funcs[func].name : NULL;
}

EEH_EXPORT const char *eeh_err_func_desc(unsigned int func)
{
	return func < EEH_ERR_FUNC_COUNT ? err_funcs[func].desc : NULL;
}

EEH_EXPORT enum eeh_err_space eeh_err_func_space(unsigned int func)
{
	return func < EEH_ERR_FUNC_COUNT ? (enum eeh_err_space)err_funcs[func].space
					 : EEH_ERR_SPACE_MEM;
}

EEH_EXPORT bool eeh_err_func_is_store(unsigned int func)
{
	return func < EEH_ERR_FUNC_COUNT && err_funcs[func].store;
}

EEH_EXPORT int eeh_err_func_from_name(const char *name)
{
	char *end;
	long n;

	if (!name || !*name)
		return -EINVAL;
	n = strtol(name, &end, 0);
	if (end != name && *end == '\0')
		return n >= 0 && n < EEH_ERR_FUNC_COUNT ? (int)n : -EINVAL;
	for (int i = 0; i < EEH_ERR_FUNC_COUNT; i++)
		if (!strcmp(name, err_funcs[i].name))
			return i;
	return -EINVAL;
}

EEH_EXPORT const char *eeh_pe_error_name(int func)
{
	switch (func) {
	case EEH_PE_ERROR_NONE:
		return "none";
	case EEH_PE_ERROR_FENCE:
		return "fence";
	case EEH_PE_ERROR_BAD_DMA:
		return "bad-dma";
	}
	return func >= 0 ? eeh_err_func_name((unsigned int)func) : NULL;
}
