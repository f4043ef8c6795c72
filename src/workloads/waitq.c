// SPDX-License-Identifier: GPL-2.0
/*
 * Workload "waitq waiters=W rounds=R": W waiters on every hosted CPU block
 * on one struct lwkt_wait. A signaller thread on the first CPU runs R
 * rounds: it waits until every waiter sleeps, publishes the round number
 * and wakes them, by count (lwkt_signal(w, 1) once per waiter) in odd
 * rounds and all at once (lwkt_signal(w, -1)) in even ones. Every waiter
 * must see every round: one that does not within LWKT_WQ_ROUND_NS was
 * not woken (a lost wakeup), and the run stops there.
 *
 * Waiters use the generation interlock: read wa_gen, then check the
 * round, then lwkt_block() with the generation read; a signal between the
 * check and the sleep makes lwkt_block() return at once.
 */
#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/slab.h>

#include <lwkt/wait.h>

#include "linux/internal.h"
#include "workloads/harness.h"

enum { WQ_WAITERS, WQ_ROUNDS };

static const struct lwkt_ctl_key lwkt_waitq_keys[] = {
	[WQ_WAITERS]	= { .name = "waiters", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 100, .def = 4 },
	[WQ_ROUNDS]	= { .name = "rounds", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 1000000, .def = 100 },
};

/* A round's wakeups must all be seen within this (qemu TCG is slow). */
#define LWKT_WQ_ROUND_NS	(5 * NSEC_PER_SEC)

struct lwkt_wq {
	struct lwkt_job job;		/* the signaller */
	struct lwkt_wait w;
	int round;			/* release/acquire */
	bool stop;			/* waiters leave */
	unsigned int per_cpu;
	unsigned int nwaiters;		/* on all CPUs */
	unsigned int made;		/* waiters created */
	u64 rounds, done_rounds;
	atomic_t seen;			/* waiters that saw this round */
	atomic_t running;		/* waiters not yet gone */
	u64 wakeups, lost;
};

static void lwkt_wq_waiter(void *arg)
{
	struct lwkt_wq *wq = arg;
	int mine = 0, gen, r;

	for (;;) {
		/*
		 * The generation first (acquire: the checks below read after
		 * it): a signal after this read makes lwkt_block() return.
		 */
		gen = smp_load_acquire(&wq->w.wa_gen);
		if (smp_load_acquire(&wq->stop))
			break;
		r = smp_load_acquire(&wq->round);
		if (r != mine) {
			mine = r;
			atomic_inc(&wq->seen);
			continue;
		}
		lwkt_block(&wq->w, "waitq", &gen);
	}
	/* Woken by the last signal (or never asleep): nothing is queued for us. */
	atomic_dec(&wq->running);
}

/* Yield (the waiters of this CPU must run) until @cond or the deadline. */
#define lwkt_wq_until(cond, deadline)					\
	({								\
		bool __ok;						\
		while (!(__ok = (cond)) && ktime_get_ns() < (deadline))	\
			lwkt_yield();					\
		__ok;							\
	})

/* The waiters, W per hosted CPU; on failure the ones made still run. */
static void lwkt_wq_create(struct lwkt_wq *wq, unsigned int per_cpu)
{
	unsigned int cpu, i, made = 0;

	for_each_cpu(cpu, lwkt_hosted_mask()) {
		for (i = 0; i < per_cpu; i++, made++) {
			if (lwkt_create(lwkt_wq_waiter, wq, NULL, NULL, 0, cpu,
					"waitq/%u.%u", cpu, i)) {
				atomic_sub(wq->nwaiters - made, &wq->running);
				wq->made = made;
				return;
			}
		}
	}
	wq->made = made;
}

static void lwkt_wq_signaller(void *arg)
{
	struct lwkt_wq *wq = arg;
	int n = wq->nwaiters, i;
	u64 r, deadline;

	lwkt_wq_create(wq, wq->per_cpu);
	for (r = 1; r <= wq->rounds && wq->made == n &&
		    !READ_ONCE(wq->job.stop); r++) {
		deadline = ktime_get_ns() + LWKT_WQ_ROUND_NS;
		/* Everybody asleep: each signal below finds someone queued. */
		if (!lwkt_wq_until(READ_ONCE(wq->w.wa_count) == n, deadline)) {
			wq->lost += n - READ_ONCE(wq->w.wa_count);
			break;
		}
		atomic_set(&wq->seen, 0);
		smp_store_release(&wq->round, (int)r);
		if (r & 1) {
			/* FIFO: a waiter that already re-blocked queues last. */
			for (i = 0; i < n; i++)
				lwkt_signal(&wq->w, 1);
		} else {
			lwkt_signal(&wq->w, -1);
		}
		deadline = ktime_get_ns() + LWKT_WQ_ROUND_NS;
		lwkt_wq_until(atomic_read(&wq->seen) == n, deadline);
		wq->wakeups += atomic_read(&wq->seen);
		wq->done_rounds = r;
		if (atomic_read(&wq->seen) != n) {
			wq->lost += n - atomic_read(&wq->seen);
			break;
		}
	}
	/*
	 * Wake everyone for good; a waiter not asleep sees stop before it
	 * blocks. Only queued waiters are woken (one schedule each), so no
	 * request is left behind for a waiter that is gone.
	 */
	smp_store_release(&wq->stop, true);
	while (atomic_read(&wq->running)) {
		lwkt_signal(&wq->w, -1);
		lwkt_yield();
	}
}

static int lwkt_waitq_run(const struct lwkt_ctl_request *req,
			  struct lwkt_ctl_result *res)
{
	struct lwkt_wq *wq;
	int err;

	wq = kzalloc(sizeof(*wq), GFP_KERNEL);
	if (!wq)
		return -ENOMEM;
	lwkt_wait_init(&wq->w);
	wq->rounds = req->args[WQ_ROUNDS];
	wq->per_cpu = req->args[WQ_WAITERS];
	wq->nwaiters = wq->per_cpu * lwkt_nr_hosted();
	atomic_set(&wq->running, wq->nwaiters);
	/* The signaller creates the waiters: no job, no waiter. */
	err = lwkt_job_start(&wq->job, cpumask_first(lwkt_hosted_mask()),
			     TDPRI_KERN_DAEMON, lwkt_wq_signaller, wq,
			     "waitq/signal");
	if (!err)
		err = lwkt_job_wait(&wq->job);
	lwkt_harness_barrier();
	if (!err && wq->made < wq->nwaiters)
		err = -ENOMEM;
	if (!err) {
		lwkt_result_u64(res, "waiters", wq->nwaiters);
		lwkt_result_u64(res, "rounds", wq->done_rounds);
		lwkt_result_u64(res, "wakeups", wq->wakeups);
		lwkt_result_u64(res, "lost_wakeups", wq->lost);
		res->failed = wq->lost || wq->done_rounds != wq->rounds ||
			      wq->wakeups != wq->rounds * wq->nwaiters;
	}
	kfree(wq);
	return err;
}

const struct lwkt_ctl_workload lwkt_wl_waitq = {
	.name	= "waitq",
	.help	= "waiters on every CPU block on one wait structure; woken by count and by all",
	.keys	= lwkt_waitq_keys,
	.nkeys	= ARRAY_SIZE(lwkt_waitq_keys),
	.run	= lwkt_waitq_run,
};
