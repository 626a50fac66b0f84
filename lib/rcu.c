/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* User-space RCU, membarrier flavour (rcu.h). */
#include <errno.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rcu.h"

__thread struct rcu_slot *rcu_self __attribute__((tls_model("initial-exec")));
bool rcu_fenced;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key;
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rcu_slot **slots;
static size_t nslots;
static _Atomic unsigned long unregistered; /* sections without a slot */
static __thread unsigned int unregistered_depth;

static int membarrier(int cmd)
{
	return (int)syscall(__NR_membarrier, cmd, 0, 0);
}

/* A thread leaves no section open behind it: its slot is free again. */
static void thread_exit(void *p)
{
	struct rcu_slot *s = p;

	pthread_mutex_lock(&registry_lock);
	s->depth = 0;
	s->in_use = false;
	pthread_mutex_unlock(&registry_lock);
}

static void init(void)
{
	pthread_key_create(&exit_key, thread_exit);
	/* Registration is process-wide and must precede the first use. */
	rcu_fenced = membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) != 0;
}

static struct rcu_slot *slot_take(void)
{
	struct rcu_slot *s = NULL, **grown;

	for (size_t i = 0; i < nslots; i++)
		if (!slots[i]->in_use)
			s = slots[i];
	if (!s) {
		grown = realloc(slots, (nslots + 1) * sizeof(*slots));
		if (!grown)
			return NULL;
		slots = grown;
		s = aligned_alloc(64, sizeof(*s));
		if (!s)
			return NULL;
		atomic_init(&s->seq, 0);
		slots[nslots++] = s;
	}
	s->depth = 0;
	s->in_use = true;
	return s;
}

/* Slow path of a thread's first section: a slot of its own, freed for
 * reuse when the thread exits. Not retried inside a section begun
 * without one, so lock and unlock take the same path. */
struct rcu_slot *rcu_register_thread(void)
{
	struct rcu_slot *s;

	if (unregistered_depth)
		return NULL;
	pthread_once(&once, init);
	pthread_mutex_lock(&registry_lock);
	s = slot_take();
	pthread_mutex_unlock(&registry_lock);
	if (s) {
		rcu_self = s;
		pthread_setspecific(exit_key, s);
	}
	return s;
}

void rcu_read_lock_unregistered(void)
{
	unregistered_depth++;
	atomic_fetch_add(&unregistered, 1);
}

void rcu_read_unlock_unregistered(void)
{
	if (!unregistered_depth)
		return;
	unregistered_depth--;
	atomic_fetch_sub(&unregistered, 1);
}

void rcu_grace_start(struct rcu_grace *g)
{
	pthread_once(&once, init);
	/* Every thread now sees the unpublishing store, and its section
	 * entry (seq odd) before it is visible here. */
	if (rcu_fenced || membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0)
		atomic_thread_fence(memory_order_seq_cst);
	pthread_mutex_lock(&registry_lock);
	g->valid = false;
	if (g->cap < nslots) {
		struct rcu_active *a = realloc(g->active, nslots * sizeof(*a));

		if (!a)
			goto out;
		g->active = a;
		g->cap = nslots;
	}
	g->n = 0;
	for (size_t i = 0; i < nslots; i++) {
		unsigned long seq = atomic_load_explicit(&slots[i]->seq, memory_order_acquire);

		if (seq & 1)
			g->active[g->n++] = (struct rcu_active){ slots[i], seq };
	}
	g->valid = true;
out:
	pthread_mutex_unlock(&registry_lock);
}

bool rcu_grace_done(const struct rcu_grace *g)
{
	if (!g->valid || atomic_load(&unregistered))
		return false;
	for (size_t i = 0; i < g->n; i++)
		if (atomic_load_explicit(&g->active[i].slot->seq, memory_order_acquire) ==
		    g->active[i].seq)
			return false;
	return true;
}

void rcu_grace_release(struct rcu_grace *g)
{
	free(g->active);
	*g = (struct rcu_grace){ 0 };
}
