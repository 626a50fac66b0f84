/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hashmap.h"

void hashmap_init(struct hashmap *h)
{
	h->e = NULL;
	h->mask = 0;
	h->count = 0;
}

void hashmap_free(struct hashmap *h)
{
	free(h->e);
	hashmap_init(h);
}

static void insert_slot(struct hashmap *h, uint64_t key, void *val)
{
	uint32_t i = hashmap_slot(h, key);

	while (h->e[i].val)
		i = (i + 1) & h->mask;
	h->e[i].key = key;
	h->e[i].val = val;
}

/* A table of 2 MiB or more asks for transparent huge pages: random
 * lookups in a large table then cost no TLB misses. */
static struct hashmap_entry *alloc_table(uint32_t cap)
{
	const size_t huge = 2u << 20;
	size_t size = (size_t)cap * sizeof(struct hashmap_entry);
	struct hashmap_entry *e;

	if (size < huge)
		return calloc(cap, sizeof(*e));
	e = aligned_alloc(huge, size);
	if (!e)
		return NULL;
	madvise(e, size, MADV_HUGEPAGE); /* a hint; failure is harmless */
	return memset(e, 0, size);
}

static int grow(struct hashmap *h)
{
	struct hashmap n;
	uint32_t cap = h->e ? (h->mask + 1) * 2 : 16;

	n.e = alloc_table(cap);
	if (!n.e)
		return -ENOMEM;
	n.mask = cap - 1;
	n.count = h->count;
	for (uint32_t i = 0; h->e && i <= h->mask; i++)
		if (h->e[i].val)
			insert_slot(&n, h->e[i].key, h->e[i].val);
	free(h->e);
	*h = n;
	return 0;
}

int hashmap_put(struct hashmap *h, uint64_t key, void *val)
{
	/* Keep the load at or below one half so probe runs stay short. */
	if (!h->e || (h->count + 1) * 2 > h->mask + 1) {
		int r = grow(h);

		if (r < 0)
			return r;
	}
	if (hashmap_get(h, key))
		return -EEXIST;
	insert_slot(h, key, val);
	h->count++;
	return 0;
}

void *hashmap_get(const struct hashmap *h, uint64_t key)
{
	if (!h->e)
		return NULL;
	for (uint32_t i = hashmap_slot(h, key); h->e[i].val; i = (i + 1) & h->mask)
		if (h->e[i].key == key)
			return h->e[i].val;
	return NULL;
}

void *hashmap_del(struct hashmap *h, uint64_t key)
{
	uint32_t i, j;
	void *val;

	if (!h->e)
		return NULL;
	for (i = hashmap_slot(h, key); h->e[i].val; i = (i + 1) & h->mask)
		if (h->e[i].key == key)
			break;
	if (!h->e[i].val)
		return NULL;
	val = h->e[i].val;
	h->e[i].val = NULL;
	h->count--;
	/* Re-place the rest of the probe run so lookups never stop early. */
	for (j = (i + 1) & h->mask; h->e[j].val; j = (j + 1) & h->mask) {
		struct hashmap_entry moved = h->e[j];

		h->e[j].val = NULL;
		insert_slot(h, moved.key, moved.val);
	}
	return val;
}
