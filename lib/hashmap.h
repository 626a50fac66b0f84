/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A small open-addressing map from 64-bit keys to non-NULL pointers. */
#ifndef EEH_HASHMAP_H
#define EEH_HASHMAP_H

#include <stdint.h>

/* Key and value side by side: a lookup touches one cache line. */
struct hashmap_entry {
	uint64_t key;
	void *val; /* NULL marks an empty slot */
};

struct hashmap {
	struct hashmap_entry *e;
	uint32_t mask;
	uint32_t count;
};

void hashmap_init(struct hashmap *h);
void hashmap_free(struct hashmap *h);
/* 0, -EEXIST if the key is present, -ENOMEM. */
int hashmap_put(struct hashmap *h, uint64_t key, void *val);
void *hashmap_get(const struct hashmap *h, uint64_t key);
/* Removes key if present; returns its value or NULL. */
void *hashmap_del(struct hashmap *h, uint64_t key);

static inline uint32_t hashmap_slot(const struct hashmap *h, uint64_t key)
{
	/* Fibonacci hashing: the high bits of the product mix every key bit. */
	return (uint32_t)((key * 0x9E3779B97F4A7C15ULL) >> 32) & h->mask;
}

#endif
