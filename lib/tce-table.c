/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sparse TCE tables (tce-table.h). A leaf holds 512 entries and a count
 * of the non-zero ones, so clearing its last entry frees it; an interior
 * node holds 512 child pointers and a count of children.
 */
#include <errno.h>
#include <stdlib.h>

#include "tce-table.h"

struct tce_leaf {
	uint32_t used;
	uint64_t e[TCE_TABLE_FANOUT];
};

struct tce_node {
	uint32_t used;
	void *child[TCE_TABLE_FANOUT];
};

void tce_table_init(struct tce_table *t, uint64_t nentries)
{
	unsigned int levels = 1;

	while (levels < 7 && nentries > (1ULL << (TCE_TABLE_BITS * levels)))
		levels++;
	t->root = NULL;
	t->levels = levels;
	t->nentries = nentries;
	t->used = 0;
	t->bytes = 0;
}

static void node_free(void *n, unsigned int level)
{
	struct tce_node *in = n;

	if (!n)
		return;
	if (level > 1)
		for (unsigned int i = 0; i < TCE_TABLE_FANOUT; i++)
			node_free(in->child[i], level - 1);
	free(n);
}

void tce_table_clear(struct tce_table *t)
{
	node_free(t->root, t->levels);
	tce_table_init(t, t->nentries);
}

static unsigned int slot(uint64_t idx, unsigned int level)
{
	return (unsigned int)(idx >> (TCE_TABLE_BITS * (level - 1))) & (TCE_TABLE_FANOUT - 1);
}

uint64_t tce_table_get(const struct tce_table *t, uint64_t idx)
{
	const void *n = t->root;

	if (idx >= t->nentries)
		return 0;
	for (unsigned int l = t->levels; n && l > 1; l--)
		n = ((const struct tce_node *)n)->child[slot(idx, l)];
	return n ? ((const struct tce_leaf *)n)->e[slot(idx, 1)] : 0;
}

static size_t node_size(unsigned int level)
{
	return level == 1 ? sizeof(struct tce_leaf) : sizeof(struct tce_node);
}

/* Clear an entry; frees nodes left empty. Returns true if n is now empty. */
static bool clear_in(struct tce_table *t, void *n, unsigned int level, uint64_t idx)
{
	unsigned int s = slot(idx, level);

	if (level == 1) {
		struct tce_leaf *leaf = n;

		if (leaf->e[s]) {
			leaf->e[s] = 0;
			leaf->used--;
			t->used--;
		}
		return !leaf->used;
	}
	struct tce_node *in = n;

	if (!in->child[s] || !clear_in(t, in->child[s], level - 1, idx))
		return false;
	free(in->child[s]);
	t->bytes -= node_size(level - 1);
	in->child[s] = NULL;
	in->used--;
	return !in->used;
}

int tce_table_set(struct tce_table *t, uint64_t idx, uint64_t val)
{
	struct tce_node *parent = NULL;
	struct tce_leaf *leaf;
	void *n;

	if (idx >= t->nentries)
		return -ERANGE;
	if (!val) {
		if (t->root && clear_in(t, t->root, t->levels, idx)) {
			free(t->root);
			t->bytes -= node_size(t->levels);
			t->root = NULL;
		}
		return 0;
	}
	for (unsigned int l = t->levels;; l--) {
		void **where = parent ? &parent->child[slot(idx, l + 1)] : &t->root;

		if (!*where) {
			*where = calloc(1, node_size(l));
			if (!*where)
				return -ENOMEM;
			t->bytes += node_size(l);
			if (parent)
				parent->used++;
		}
		n = *where;
		if (l == 1)
			break;
		parent = n;
	}
	leaf = n;
	if (!leaf->e[slot(idx, 1)]) {
		leaf->used++;
		t->used++;
	}
	leaf->e[slot(idx, 1)] = val;
	return 0;
}

static uint64_t next_in(const void *n, unsigned int level, uint64_t base, uint64_t from,
			uint64_t limit)
{
	uint64_t span = 1ULL << (TCE_TABLE_BITS * (level - 1));

	for (unsigned int s = 0; s < TCE_TABLE_FANOUT; s++) {
		uint64_t lo = base + s * span, r;

		if (lo >= limit)
			return limit;
		if (lo + span <= from)
			continue;
		if (level == 1) {
			if (((const struct tce_leaf *)n)->e[s])
				return lo;
			continue;
		}
		const void *c = ((const struct tce_node *)n)->child[s];

		if (!c)
			continue;
		r = next_in(c, level - 1, lo, from, limit);
		if (r < limit)
			return r;
	}
	return limit;
}

uint64_t tce_table_next(const struct tce_table *t, uint64_t from, uint64_t limit)
{
	if (limit > t->nentries)
		limit = t->nentries;
	if (!t->root || from >= limit)
		return limit;
	return next_in(t->root, t->levels, 0, from, limit);
}

static uint64_t prev_in(const void *n, unsigned int level, uint64_t base, uint64_t from)
{
	uint64_t span = 1ULL << (TCE_TABLE_BITS * (level - 1));
	uint64_t top = (from - base) / span;

	for (int s = (int)(top < TCE_TABLE_FANOUT ? top : TCE_TABLE_FANOUT - 1); s >= 0; s--) {
		uint64_t lo = base + (uint64_t)s * span, r;
		const void *c;

		if (level == 1) {
			if (((const struct tce_leaf *)n)->e[s])
				return lo;
			continue;
		}
		c = ((const struct tce_node *)n)->child[s];
		if (!c)
			continue;
		r = prev_in(c, level - 1, lo, from < lo + span - 1 ? from : lo + span - 1);
		if (r != TCE_TABLE_NONE)
			return r;
	}
	return TCE_TABLE_NONE;
}

uint64_t tce_table_prev(const struct tce_table *t, uint64_t from)
{
	if (!t->root)
		return TCE_TABLE_NONE;
	if (from >= t->nentries)
		from = t->nentries - 1;
	return prev_in(t->root, t->levels, 0, from);
}
