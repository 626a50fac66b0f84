/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The deferred-free rule of lib/rcu.c: what a writer unpublished may be
 * freed only after every reader that was inside a read section at that
 * moment has left it; readers that come later never hold it.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "rcu.h"
#include "test-util.h"

struct reader {
	pthread_barrier_t entered, release;
	_Atomic(int *) const *published;
	int seen;
};

/* Enter a section, read the published value, hold it until told. */
static void *hold_a_section(void *p)
{
	struct reader *r = p;

	rcu_read_lock();
	r->seen = *atomic_load(r->published);
	pthread_barrier_wait(&r->entered);
	pthread_barrier_wait(&r->release);
	rcu_read_unlock();
	return NULL;
}

static void grace_waits_for_a_reader_inside_its_section(void)
{
	static int old_value = 1, new_value = 2;
	_Atomic(int *) published = &old_value;
	struct rcu_grace g = { 0 };
	struct reader r = { .published = &published };
	pthread_t t;

	CU_ASSERT_FALSE(rcu_grace_done(&g)); /* nothing started */
	pthread_barrier_init(&r.entered, NULL, 2);
	pthread_barrier_init(&r.release, NULL, 2);
	CU_ASSERT_FATAL(pthread_create(&t, NULL, hold_a_section, &r) == 0);
	pthread_barrier_wait(&r.entered);
	atomic_store(&published, &new_value); /* unpublish the old value */
	rcu_grace_start(&g);
	CU_ASSERT_FALSE(rcu_grace_done(&g)); /* the reader may still hold it */
	CU_ASSERT_EQUAL(r.seen, 1);
	pthread_barrier_wait(&r.release);
	pthread_join(t, NULL);
	CU_ASSERT_TRUE(rcu_grace_done(&g));
	rcu_grace_release(&g);
	pthread_barrier_destroy(&r.entered);
	pthread_barrier_destroy(&r.release);
}

static void grace_is_over_at_once_without_readers(void)
{
	struct rcu_grace g = { 0 };

	rcu_read_lock(); /* a finished section leaves nothing behind */
	rcu_read_unlock();
	rcu_grace_start(&g);
	CU_ASSERT_TRUE(rcu_grace_done(&g));
	rcu_grace_release(&g);
}

static void nested_sections_end_with_the_outermost(void)
{
	struct rcu_grace g = { 0 };

	rcu_read_lock();
	rcu_read_lock();
	rcu_read_unlock();
	rcu_grace_start(&g); /* still inside the outer section */
	CU_ASSERT_FALSE(rcu_grace_done(&g));
	rcu_read_unlock();
	CU_ASSERT_TRUE(rcu_grace_done(&g));
	rcu_grace_release(&g);
}

/* A later start covers an earlier one: the reader inside stays recorded. */
static void restarted_grace_still_covers_the_earlier_reader(void)
{
	struct rcu_grace g = { 0 };

	rcu_read_lock();
	rcu_grace_start(&g);
	rcu_grace_start(&g);
	CU_ASSERT_FALSE(rcu_grace_done(&g));
	rcu_read_unlock();
	CU_ASSERT_TRUE(rcu_grace_done(&g));
	rcu_grace_release(&g);
}

static const struct test tests[] = {
	TEST(grace_waits_for_a_reader_inside_its_section),
	TEST(grace_is_over_at_once_without_readers),
	TEST(nested_sections_end_with_the_outermost),
	TEST(restarted_grace_still_covers_the_earlier_reader),
};

int main(void)
{
	return RUN_SUITE("rcu", tests);
}
