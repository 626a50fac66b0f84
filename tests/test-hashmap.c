/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The hash map (lib/hashmap.h): 64-bit keys to non-NULL pointers. It is
 * internal, not exported from libeeh.so, so lib/hashmap.c is compiled into
 * this program. What it promises: put gives 0 or -EEXIST (the old value
 * stays), get finds what was put, del returns the value and forgets the
 * key, every 64-bit key is a key, and all of it holds across the table's
 * growth and across deletes inside a probe run. It has no iteration.
 */
#include <errno.h>
#include <stdint.h>

#include "hashmap.h"
#include "test-util.h"

/* Values are addresses in this array: non-NULL and easy to check. */
#define MANY 100000
static char vals[MANY];

static void empty_map_finds_nothing(void)
{
	struct hashmap h;

	hashmap_init(&h);
	CU_ASSERT_PTR_NULL(hashmap_get(&h, 0));
	CU_ASSERT_PTR_NULL(hashmap_get(&h, 42));
	CU_ASSERT_PTR_NULL(hashmap_del(&h, 42));
	CU_ASSERT_EQUAL(h.count, 0);
	hashmap_free(&h);
}

static void put_then_get_finds_each_value_and_misses_others(void)
{
	struct hashmap h;

	hashmap_init(&h);
	CU_ASSERT_EQUAL(hashmap_put(&h, 7, &vals[7]), 0);
	CU_ASSERT_EQUAL(hashmap_put(&h, 0x10000, &vals[1]), 0);
	CU_ASSERT_EQUAL(hashmap_put(&h, 0x8000000000000042ULL, &vals[2]), 0);
	CU_ASSERT_EQUAL(h.count, 3);
	CU_ASSERT_PTR_EQUAL(hashmap_get(&h, 7), &vals[7]);
	CU_ASSERT_PTR_EQUAL(hashmap_get(&h, 0x10000), &vals[1]);
	CU_ASSERT_PTR_EQUAL(hashmap_get(&h, 0x8000000000000042ULL), &vals[2]);
	CU_ASSERT_PTR_NULL(hashmap_get(&h, 8));
	CU_ASSERT_PTR_NULL(hashmap_get(&h, 0x8000000000000043ULL));
	hashmap_free(&h);
}

static void put_of_a_present_key_is_eexist_and_keeps_the_old_value(void)
{
	struct hashmap h;

	hashmap_init(&h);
	CU_ASSERT_EQUAL(hashmap_put(&h, 5, &vals[0]), 0);
	CU_ASSERT_EQUAL(hashmap_put(&h, 5, &vals[1]), -EEXIST);
	CU_ASSERT_PTR_EQUAL(hashmap_get(&h, 5), &vals[0]);
	CU_ASSERT_EQUAL(h.count, 1);
	hashmap_free(&h);
}

/* No update call: a new value for a key is del then put. */
static void update_by_del_and_put_gives_the_new_value(void)
{
	struct hashmap h;

	hashmap_init(&h);
	CU_ASSERT_EQUAL(hashmap_put(&h, 5, &vals[0]), 0);
	CU_ASSERT_PTR_EQUAL(hashmap_del(&h, 5), &vals[0]);
	CU_ASSERT_EQUAL(hashmap_put(&h, 5, &vals[1]), 0);
	CU_ASSERT_PTR_EQUAL(hashmap_get(&h, 5), &vals[1]);
	CU_ASSERT_EQUAL(h.count, 1);
	hashmap_free(&h);
}

static void del_returns_the_value_and_forgets_only_that_key(void)
{
	struct hashmap h;

	hashmap_init(&h);
	CU_ASSERT_EQUAL(hashmap_put(&h, 1, &vals[1]), 0);
	CU_ASSERT_EQUAL(hashmap_put(&h, 2, &vals[2]), 0);
	CU_ASSERT_PTR_EQUAL(hashmap_del(&h, 1), &vals[1]);
	CU_ASSERT_PTR_NULL(hashmap_get(&h, 1));
	CU_ASSERT_PTR_EQUAL(hashmap_get(&h, 2), &vals[2]);
	CU_ASSERT_EQUAL(h.count, 1);
	/* a second del, or one of a key never put, changes nothing */
	CU_ASSERT_PTR_NULL(hashmap_del(&h, 1));
	CU_ASSERT_PTR_NULL(hashmap_del(&h, 3));
	CU_ASSERT_EQUAL(h.count, 1);
	CU_ASSERT_PTR_EQUAL(hashmap_get(&h, 2), &vals[2]);
	hashmap_free(&h);
}

static void key_0_and_uint64_max_are_ordinary_keys(void)
{
	struct hashmap h;

	hashmap_init(&h);
	CU_ASSERT_EQUAL(hashmap_put(&h, 0, &vals[0]), 0);
	CU_ASSERT_EQUAL(hashmap_put(&h, UINT64_MAX, &vals[1]), 0);
	CU_ASSERT_PTR_EQUAL(hashmap_get(&h, 0), &vals[0]);
	CU_ASSERT_PTR_EQUAL(hashmap_get(&h, UINT64_MAX), &vals[1]);
	CU_ASSERT_EQUAL(hashmap_put(&h, 0, &vals[2]), -EEXIST);
	CU_ASSERT_EQUAL(hashmap_put(&h, UINT64_MAX, &vals[2]), -EEXIST);
	CU_ASSERT_PTR_EQUAL(hashmap_del(&h, 0), &vals[0]);
	CU_ASSERT_PTR_NULL(hashmap_get(&h, 0));
	CU_ASSERT_PTR_EQUAL(hashmap_get(&h, UINT64_MAX), &vals[1]);
	CU_ASSERT_PTR_EQUAL(hashmap_del(&h, UINT64_MAX), &vals[1]);
	CU_ASSERT_EQUAL(h.count, 0);
	hashmap_free(&h);
}

/* n keys from `from` up whose home slot in h's current table is `slot`. */
static void keys_at_slot(const struct hashmap *h, uint32_t slot, uint64_t from, uint64_t *keys,
			 int n)
{
	for (uint64_t k = from; n > 0; k++)
		if (hashmap_slot(h, k) == slot) {
			*keys++ = k;
			n--;
		}
}

/* Keys sharing a home slot form one probe run; a delete in the middle of
 * it, or of a run that wraps past the table's end, must leave every other
 * key of the run findable. */
static void delete_inside_a_probe_run_keeps_the_rest_findable(void)
{
	struct hashmap h;
	uint64_t last[3], first[2];
	uint32_t mask;

	hashmap_init(&h);
	CU_ASSERT_EQUAL_FATAL(hashmap_put(&h, 1ULL << 40, &vals[9]), 0);
	mask = h.mask;
	/* three keys homed at the last slot (their run wraps past the end of
	 * the table), two homed at slot 0 (they queue behind the wrapped ones) */
	keys_at_slot(&h, mask, 1, last, 3);
	keys_at_slot(&h, 0, 1, first, 2);
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(hashmap_put(&h, last[i], &vals[i]), 0);
	for (int i = 0; i < 2; i++)
		CU_ASSERT_EQUAL(hashmap_put(&h, first[i], &vals[3 + i]), 0);
	CU_ASSERT_EQUAL_FATAL(h.mask, mask); /* no growth: still one table */
	CU_ASSERT_PTR_EQUAL(hashmap_del(&h, last[0]), &vals[0]);
	CU_ASSERT_PTR_EQUAL(hashmap_get(&h, last[1]), &vals[1]);
	CU_ASSERT_PTR_EQUAL(hashmap_get(&h, last[2]), &vals[2]);
	CU_ASSERT_PTR_EQUAL(hashmap_get(&h, first[0]), &vals[3]);
	CU_ASSERT_PTR_EQUAL(hashmap_get(&h, first[1]), &vals[4]);
	CU_ASSERT_PTR_EQUAL(hashmap_del(&h, first[0]), &vals[3]);
	CU_ASSERT_PTR_EQUAL(hashmap_get(&h, last[1]), &vals[1]);
	CU_ASSERT_PTR_EQUAL(hashmap_get(&h, last[2]), &vals[2]);
	CU_ASSERT_PTR_EQUAL(hashmap_get(&h, first[1]), &vals[4]);
	CU_ASSERT_PTR_NULL(hashmap_get(&h, last[0]));
	CU_ASSERT_PTR_NULL(hashmap_get(&h, first[0]));
	CU_ASSERT_PTR_EQUAL(hashmap_get(&h, 1ULL << 40), &vals[9]);
	CU_ASSERT_EQUAL(h.count, 4);
	hashmap_free(&h);
}

/* Keys shaped like the library's PE keys: PHB index in the high word, a
 * PE address (bus << 16 | device << 11) in the low one, so the low 11 bits
 * are always zero. */
static uint64_t pe_key(unsigned int i)
{
	return (uint64_t)(i % 4) << 32 | (uint64_t)(i / 4) << 11;
}

static void many_keys_survive_growth_and_deletes(void)
{
	struct hashmap h;
	unsigned int found = 0, missed = 0;

	hashmap_init(&h);
	for (unsigned int i = 0; i < MANY; i++)
		if (hashmap_put(&h, pe_key(i), &vals[i]) != 0)
			missed++;
	CU_ASSERT_EQUAL(missed, 0);
	CU_ASSERT_EQUAL(h.count, MANY);
	CU_ASSERT_TRUE(h.mask + 1 >= 2 * MANY); /* grew past 2 MiB, load <= 1/2 */
	for (unsigned int i = 0; i < MANY; i++)
		found += hashmap_get(&h, pe_key(i)) == &vals[i];
	CU_ASSERT_EQUAL(found, MANY);
	CU_ASSERT_PTR_NULL(hashmap_get(&h, pe_key(MANY)));
	/* every other key goes; the rest stay where they can be found */
	found = 0;
	for (unsigned int i = 0; i < MANY; i += 2)
		found += hashmap_del(&h, pe_key(i)) == &vals[i];
	CU_ASSERT_EQUAL(found, MANY / 2);
	CU_ASSERT_EQUAL(h.count, MANY / 2);
	found = missed = 0;
	for (unsigned int i = 0; i < MANY; i++) {
		void *v = hashmap_get(&h, pe_key(i));

		if (i % 2)
			found += v == &vals[i];
		else
			missed += v == NULL;
	}
	CU_ASSERT_EQUAL(found, MANY / 2);
	CU_ASSERT_EQUAL(missed, MANY / 2);
	hashmap_free(&h);
}

static void free_leaves_an_empty_map_ready_for_use(void)
{
	struct hashmap h;

	hashmap_init(&h);
	for (unsigned int i = 0; i < 100; i++)
		CU_ASSERT_EQUAL(hashmap_put(&h, i, &vals[i]), 0);
	hashmap_free(&h);
	CU_ASSERT_EQUAL(h.count, 0);
	CU_ASSERT_PTR_NULL(hashmap_get(&h, 1));
	CU_ASSERT_EQUAL(hashmap_put(&h, 1, &vals[1]), 0);
	CU_ASSERT_PTR_EQUAL(hashmap_get(&h, 1), &vals[1]);
	hashmap_free(&h);
}

static const struct test tests[] = {
	TEST(empty_map_finds_nothing),
	TEST(put_then_get_finds_each_value_and_misses_others),
	TEST(put_of_a_present_key_is_eexist_and_keeps_the_old_value),
	TEST(update_by_del_and_put_gives_the_new_value),
	TEST(del_returns_the_value_and_forgets_only_that_key),
	TEST(key_0_and_uint64_max_are_ordinary_keys),
	TEST(delete_inside_a_probe_run_keeps_the_rest_findable),
	TEST(many_keys_survive_growth_and_deletes),
	TEST(free_leaves_an_empty_map_ready_for_use),
};

int main(void)
{
	return RUN_SUITE("hashmap", tests);
}
