/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>

#include "hashmap.h"

void hashmap_init(struct hashmap *h)
{
	h->keys = NULL;
	h->vals = NULL;
	h->mask = 0;
	h->count = 0;
}

void hashmap_free(struct hashmap *h)
{
	free(h->keys);
	free(h->vals);
	hashmap_init(h);
}

static void insert_slot(struct hashmap *h, uint64_t key, void *val)
{
	uint32_t i = hashmap_slot(h, key);

	while (h->vals[i])
		i = (i + 1) & h->mask;
	h->keys[i] = key;
	h->vals[i] = val;
}

static int grow(struct hashmap *h)
{
	struct hashmap n;
	uint32_t cap = h->vals ? (h->mask + 1) * 2 : 16;

	n.keys = calloc(cap, sizeof(*n.keys));
	n.vals = calloc(cap, sizeof(*n.vals));
	if (!n.keys || !n.vals) {
		free(n.keys);
		free(n.vals);
		return -ENOMEM;
	}
	n.mask = cap - 1;
	n.count = h->count;
	for (uint32_t i = 0; h->vals && i <= h->mask; i++)
		if (h->vals[i])
			insert_slot(&n, h->keys[i], h->vals[i]);
	free(h->keys);
	free(h->vals);
	*h = n;
	return 0;
}

int hashmap_put(struct hashmap *h, uint64_t key, void *val)
{
	/* Keep the load at or below one half so probe runs stay short. */
	if (!h->vals || (h->count + 1) * 2 > h->mask + 1) {
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
	if (!h->vals)
		return NULL;
	for (uint32_t i = hashmap_slot(h, key); h->vals[i]; i = (i + 1) & h->mask)
		if (h->keys[i] == key)
			return h->vals[i];
	return NULL;
}

void *hashmap_del(struct hashmap *h, uint64_t key)
{
	uint32_t i, j;
	void *val;

	if (!h->vals)
		return NULL;
	for (i = hashmap_slot(h, key); h->vals[i]; i = (i + 1) & h->mask)
		if (h->keys[i] == key)
			break;
	if (!h->vals[i])
		return NULL;
	val = h->vals[i];
	h->vals[i] = NULL;
	h->count--;
	/* Re-place the rest of the probe run so lookups never stop early. */
	for (j = (i + 1) & h->mask; h->vals[j]; j = (j + 1) & h->mask) {
		uint64_t k = h->keys[j];
		void *v = h->vals[j];

		h->vals[j] = NULL;
		insert_slot(h, k, v);
	}
	return val;
}
