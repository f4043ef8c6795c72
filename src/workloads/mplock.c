// SPDX-License-Identifier: GPL-2.0
/*
 * Workload "mplock threads=T iters=K": T threads, spread over the hosted
 * CPUs, each make K updates of one shared counter under the MP lock:
 * get_mplock() (sometimes try_mplock() first), sometimes a second,
 * recursive hold (get_mplock() or try_mplock(), which cannot fail then),
 * then
 *
 *   window A    a read-modify-write of the counter between an owner-marker
 *               claim and check
 *   blocking    none, a yield or a real block (off the run queue, woken by
 *               an IPI from another CPU): the CPU lets the lock go if the
 *               next thread does not want it, and the switcher takes it
 *               back before this thread runs again
 *   held        MP_LOCK_HELD() must be true again
 *   window B    the same read-modify-write once more
 *   release     every hold; after the last, this CPU must not hold it
 *
 * The MP lock, like a token, serialises only between blocking points (two
 * threads of one CPU may both hold counts across their switches): the
 * invariants are checked inside windows A and B, which never block.
 */
#include <linux/atomic.h>
#include <linux/prandom.h>
#include <linux/slab.h>

#include <lwkt/mplock.h>

#include "linux/internal.h"
#include "workloads/harness.h"
#include "workloads/locks.h"

enum { MPL_THREADS, MPL_ITERS };

static const struct lwkt_ctl_key lwkt_mplock_keys[] = {
	[MPL_THREADS]	= { .name = "threads", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 256, .def = 8 },
	[MPL_ITERS]	= { .name = "iters", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 10000000, .def = 1000 },
};

struct lwkt_mpl {
	struct lwkt_harness h;
	u64 iters;
	/* Under the MP lock, on their own cache line. */
	u64 count ____cacheline_aligned;
	struct lwkt_thread *owner;
	atomic64_t incs ____cacheline_aligned;
	atomic64_t updates, violations, held_failures, try_failures;
};

/* No blocking point inside: we hold the MP lock throughout. */
static unsigned int lwkt_mpl_window(struct lwkt_mpl *st,
				    struct rnd_state *rnd, u64 *incs)
{
	struct lwkt_thread *me = curthread;
	unsigned int bad = 0, spin;
	u64 v;

	if (READ_ONCE(st->owner))
		bad++;
	WRITE_ONCE(st->owner, me);
	v = READ_ONCE(st->count);
	for (spin = prandom_u32_state(rnd) % 16; spin; spin--)
		cpu_relax();
	WRITE_ONCE(st->count, v + 1);
	(*incs)++;
	if (READ_ONCE(st->owner) != me)
		bad++;
	WRITE_ONCE(st->owner, NULL);
	return bad;
}

static void lwkt_mpl_thread(void *arg)
{
	struct lwkt_locks_arg *a = arg;
	struct lwkt_mpl *st = a->st;
	struct lwkt_globaldata *wgd = lwkt_locks_waker(&st->h, a->nr);
	unsigned int bad = 0, hf = 0, tf = 0, depth, i;
	struct rnd_state rnd;
	u64 incs = 0, k;
	u32 r;

	lwkt_harness_seed(&rnd, a->nr);
	for (k = 0; k < st->iters && !lwkt_harness_stopping(&st->h); k++) {
		r = prandom_u32_state(&rnd);
		if (!(r & 3) && try_mplock())
			;
		else
			get_mplock();
		depth = 1;
		if (!(r & 0x30)) {
			/* Recursive: a try cannot fail while we hold it. */
			if (r & 0x40) {
				get_mplock();
			} else if (!try_mplock()) {
				tf++;
				get_mplock();
			}
			depth = 2;
		}
		if (!MP_LOCK_HELD())
			hf++;

		bad += lwkt_mpl_window(st, &rnd, &incs);

		/* A blocking point holding the lock; no invariant spans it. */
		lwkt_locks_pause(wgd, r >> 8);
		if (!MP_LOCK_HELD() || curthread->td_mpcount != (int)depth)
			hf++;

		bad += lwkt_mpl_window(st, &rnd, &incs);

		for (i = 0; i < depth; i++)
			rel_mplock();
		/* Let go at once, and nobody else of this CPU runs now. */
		if (MP_LOCK_HELD() || curthread->td_mpcount)
			hf++;
		atomic64_inc(&st->updates);
	}
	atomic64_add(incs, &st->incs);
	atomic64_add(bad, &st->violations);
	atomic64_add(hf, &st->held_failures);
	atomic64_add(tf, &st->try_failures);
	lwkt_harness_exit(&st->h, 1);
}

static int lwkt_mplock_run(const struct lwkt_ctl_request *req,
			   struct lwkt_ctl_result *res)
{
	unsigned long threads = req->args[MPL_THREADS];
	struct lwkt_counters c0, c1;
	struct lwkt_mpl *st;
	u64 lost, incs;
	int err;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	lwkt_harness_init(&st->h, 0);
	st->iters = req->args[MPL_ITERS];

	lwkt_counters_sum(&c0);
	err = lwkt_locks_run(&st->h, threads, lwkt_mpl_thread, st, "mplock");
	lwkt_counters_sum(&c1);
	if (err)
		goto out;

	incs = atomic64_read(&st->incs);
	lost = st->count > incs ? st->count - incs : incs - st->count;
	lost += atomic64_read(&st->violations);
	lwkt_result_u64(res, "threads", threads);
	lwkt_result_u64(res, "updates", atomic64_read(&st->updates));
	lwkt_result_u64(res, "lost_updates", lost);
	lwkt_result_u64(res, "owner_violations",
			atomic64_read(&st->violations));
	lwkt_result_u64(res, "held_failures",
			atomic64_read(&st->held_failures));
	lwkt_result_u64(res, "try_failures", atomic64_read(&st->try_failures));
	lwkt_result_u64(res, "contention",
			c1.mplock_contention_count - c0.mplock_contention_count);
	/* Every CPU let it go: nothing of ours runs any more. */
	lwkt_result_s64(res, "mp_lock_end", READ_ONCE(lwkt_mp_lock));
	res->failed = atomic64_read(&st->updates) != threads * st->iters ||
		      lost || atomic64_read(&st->held_failures) ||
		      atomic64_read(&st->try_failures) ||
		      READ_ONCE(lwkt_mp_lock) != LWKT_MP_FREE;
out:
	kfree(st);
	return err;
}

const struct lwkt_ctl_workload lwkt_wl_mplock = {
	.name	= "mplock",
	.help	= "threads on every CPU update a counter under the MP lock (recursive, try), blocking while holding it",
	.keys	= lwkt_mplock_keys,
	.nkeys	= ARRAY_SIZE(lwkt_mplock_keys),
	.run	= lwkt_mplock_run,
};
