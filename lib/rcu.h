/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Lock-free read sections with deferred frees (user-space RCU, membarrier
 * flavour). A reader brackets its use of published pointers with
 * rcu_read_lock()/rcu_read_unlock(): two stores into its own thread's
 * slot, no atomic read-modify-write, so a hot lookup path stays as cheap
 * as a plain load. A writer that unpublished an object (stored a new
 * pointer in its place) calls rcu_grace_start(): membarrier() orders every
 * running thread of the process, so each reader either was already inside
 * a section (and is recorded) or will load the new pointer. The object may
 * be freed once rcu_grace_done(): every recorded reader has left the
 * section it was in. Nothing ever waits. Where the kernel lacks private
 * expedited membarrier, readers pay a full fence instead.
 *
 * The reader registry is per process (threads are), shared by every
 * context; a thread's slot is reused after it exits.
 */
#ifndef EEH_RCU_H
#define EEH_RCU_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

struct rcu_slot {
	/* Odd while the thread is inside a read section; only it writes. */
	_Atomic unsigned long seq;
	unsigned int depth; /* nesting, the thread's own */
	bool in_use;
} __attribute__((aligned(64)));

/* A snapshot of the readers inside a section when a grace period began. */
struct rcu_grace {
	size_t n, cap;
	struct rcu_active {
		struct rcu_slot *slot;
		unsigned long seq;
	} *active;
	bool valid; /* false: no snapshot (never started, or out of memory) */
};

extern __thread struct rcu_slot *rcu_self __attribute__((tls_model("initial-exec")));
extern bool rcu_fenced; /* no membarrier: readers fence themselves */

/* A thread's first section: a slot of its own, or NULL when out of memory. */
struct rcu_slot *rcu_register_thread(void);
/* Sections of a thread that could not get a slot, counted in one shared
 * counter that every grace period waits for. */
void rcu_read_lock_unregistered(void);
void rcu_read_unlock_unregistered(void);

static inline void rcu_read_lock(void)
{
	struct rcu_slot *s = rcu_self;

	if (__builtin_expect(!s, 0)) {
		s = rcu_register_thread();
		if (!s) {
			rcu_read_lock_unregistered();
			return;
		}
	}
	if (s->depth++)
		return;
	atomic_store_explicit(&s->seq, atomic_load_explicit(&s->seq, memory_order_relaxed) + 1,
			      memory_order_relaxed);
	if (__builtin_expect(rcu_fenced, 0))
		atomic_thread_fence(memory_order_seq_cst);
	else
		atomic_signal_fence(memory_order_seq_cst);
}

static inline void rcu_read_unlock(void)
{
	struct rcu_slot *s = rcu_self;

	if (__builtin_expect(!s, 0)) {
		rcu_read_unlock_unregistered();
		return;
	}
	if (--s->depth)
		return;
	atomic_store_explicit(&s->seq, atomic_load_explicit(&s->seq, memory_order_relaxed) + 1,
			      memory_order_release);
}

/* After unpublishing: record the readers inside a section now. A new
 * start replaces an older snapshot and covers what that one covered (a
 * reader still in the old section is still recorded). */
void rcu_grace_start(struct rcu_grace *g);
/* Every reader recorded by the last start has left that section. */
bool rcu_grace_done(const struct rcu_grace *g);
void rcu_grace_release(struct rcu_grace *g);

#endif
