/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A sparse table of 64-bit entries indexed by page number: a radix tree
 * of 512-way nodes, like the multi-level TCE tables of PowerNV (IODA2
 * tables of up to 5 levels, each a 4 KiB page of 512 entries), but
 * allocated only where entries are set. Empty leaves are freed, so the
 * memory follows what is mapped, not the window size. An entry of 0 is
 * empty. Not thread safe: the owner locks.
 */
#ifndef EEH_TCE_TABLE_H
#define EEH_TCE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCE_TABLE_BITS 9
#define TCE_TABLE_FANOUT (1u << TCE_TABLE_BITS)

struct tce_table {
	void *root;
	unsigned int levels;   /* 1: the root is a leaf */
	uint64_t nentries;     /* indices 0 .. nentries-1 */
	uint64_t used;         /* entries != 0 */
	size_t bytes;          /* memory held by the nodes */
};

/* A table for nentries indices (>= 1). Allocates nothing. */
void tce_table_init(struct tce_table *t, uint64_t nentries);
/* Free every node (the table stays usable, empty). */
void tce_table_clear(struct tce_table *t);
uint64_t tce_table_get(const struct tce_table *t, uint64_t idx);
/* Set an entry (0 clears it). 0, -ENOMEM (only when a non-zero value
 * needs a node), -ERANGE (idx out of the table). */
int tce_table_set(struct tce_table *t, uint64_t idx, uint64_t val);
/* The last index <= from with a non-zero entry, TCE_TABLE_NONE if none. */
#define TCE_TABLE_NONE UINT64_MAX
uint64_t tce_table_prev(const struct tce_table *t, uint64_t from);
/* The first index >= from with a non-zero entry, below limit; limit if none. */
uint64_t tce_table_next(const struct tce_table *t, uint64_t from, uint64_t limit);

#endif
