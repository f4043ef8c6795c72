// SPDX-License-Identifier: GPL-2.0
/*
 * Workload "ipistorm iters=K [detach=1]": every hosted CPU sends K
 * sequenced messages (lwkt_send_ipiq) to every other CPU, all CPUs at once,
 * one sender thread per CPU. Each target checks, per sender, that the
 * messages arrive in order and that none is missing. Two CPUs flooding
 * each other fill their FIFOs: the senders then drain their own queues
 * while they wait (ipiq_fifofull).
 *
 * detach=1 starts the senders and returns at once: for the test of unload
 * while they are live (a ctl writer holds a module reference, so rmmod
 * cannot happen during a normal run). That is why the state is static: a
 * detached run's threads may be killed by unload and never free anything.
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/sched.h>
#include <linux/string.h>

#include <lwkt/ipiq.h>

#include "linux/internal.h"
#include "workloads/harness.h"

enum { IS_ITERS, IS_DETACH };

static const struct lwkt_ctl_key lwkt_ipistorm_keys[] = {
	[IS_ITERS]	= { .name = "iters", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 100000000, .def = 10000 },
	[IS_DETACH]	= { .name = "detach", .kind = LWKT_KEY_COUNT,
			    .min = 0, .max = 1, .def = 0 },
};

/* CPUs 0..63 take part (an LWKT cpumask's range). */
#define LWKT_STORM_MAXCPU	LWKT_MAXCPU_MASK
/* A message's argument: its sequence number and its sender, no memory. */
#define LWKT_STORM_SRC_BITS	8
#define LWKT_STORM_SRC_MASK	((1UL << LWKT_STORM_SRC_BITS) - 1)
/* Sender: yield (a preemption point for unload, a stop check) this often. */
#define LWKT_STORM_BATCH	256

/* What one target saw from one sender; written by the target only. */
struct lwkt_storm_pair {
	u32 next;		/* the sequence number expected next */
	u32 received;
};

struct lwkt_storm {
	bool live;		/* senders out; cleared by the last one */
	bool stop;		/* a signal: senders stop early */
	bool detached;
	u64 iters;
	lwkt_cpumask_t cpus;	/* taking part */
	atomic_t running;
	struct completion done;
	u64 seqs[LWKT_STORM_MAXCPU];	/* messages each sender sent per target */
	u64 reordered[LWKT_STORM_MAXCPU];	/* per target */
	/* [target][sender]: a target's row is its own cache lines. */
	struct lwkt_storm_pair pair[LWKT_STORM_MAXCPU][LWKT_STORM_MAXCPU]
		____cacheline_aligned;
};

static struct lwkt_storm lwkt_storm;

/* On the target, in IPI context: no blocking, no switch. */
static void lwkt_storm_recv(void *arg)
{
	unsigned long v = (unsigned long)arg;
	unsigned int src = v & LWKT_STORM_SRC_MASK;
	u32 seq = v >> LWKT_STORM_SRC_BITS;
	unsigned int dst = mycpu->gd_cpuid;
	struct lwkt_storm_pair *p = &lwkt_storm.pair[dst][src];

	if (seq != p->next)
		lwkt_storm.reordered[dst]++;
	p->next = seq + 1;
	p->received++;
}

static void lwkt_storm_sender(void *arg)
{
	struct lwkt_storm *st = &lwkt_storm;
	struct lwkt_globaldata *gd[LWKT_STORM_MAXCPU];
	unsigned int me = mycpu->gd_cpuid, cpu, n = 0, i;
	u64 seq;

	for (cpu = 0; cpu < LWKT_STORM_MAXCPU; cpu++)
		if ((st->cpus & LWKT_CPUMASK(cpu)) && cpu != me)
			gd[n++] = lwkt_cpu_gd(cpu);

	for (seq = 0; seq < st->iters; seq++) {
		void *msg = (void *)(unsigned long)(seq << LWKT_STORM_SRC_BITS | me);

		if (seq % LWKT_STORM_BATCH == 0) {
			if (READ_ONCE(st->stop))
				break;
			if (seq) {
				lwkt_yield();
				/*
				 * Alone on its CPU the yield switches nothing,
				 * and Linux (voluntary preemption) would get
				 * the CPU only when a FIFO fills.
				 */
				cond_resched();
			}
		}
		/* To another hosted CPU, from an LWKT thread: cannot fail. */
		for (i = 0; i < n; i++)
			lwkt_send_ipiq(gd[i], lwkt_storm_recv, msg);
	}
	st->seqs[me] = seq;
	/* Everything we sent has run: the counts are final. */
	for (i = 0; i < n; i++)
		lwkt_wait_ipiq(gd[i], lwkt_seq_ipiq(gd[i]));

	if (!atomic_dec_and_test(&st->running))
		return;
	if (st->detached)
		smp_store_release(&st->live, false);
	else
		complete(&st->done);
}

/* Create (stopped) and start one sender per CPU; returns how many run. */
static unsigned int lwkt_storm_start(struct lwkt_storm *st, unsigned int n)
{
	struct lwkt_thread *td[LWKT_STORM_MAXCPU];
	unsigned int cpu, made = 0, i;

	for (cpu = 0; cpu < LWKT_STORM_MAXCPU; cpu++) {
		if (!(st->cpus & LWKT_CPUMASK(cpu)))
			continue;
		if (lwkt_create(lwkt_storm_sender, NULL, &td[made], NULL,
				TDF_STOPREQ, cpu, "ipistorm/%u", cpu)) {
			/* The ones made see stop at once and leave. */
			WRITE_ONCE(st->stop, true);
			break;
		}
		made++;
	}
	/* Uncreated senders count as finished. */
	if (made && made < n)
		atomic_sub(n - made, &st->running);
	/* Scheduled back to back: the storm starts on all CPUs at once. */
	for (i = 0; i < made; i++)
		lwkt_schedule(td[i]);
	return made;
}

static void lwkt_storm_report(struct lwkt_storm *st,
			      const struct lwkt_counters *c0,
			      const struct lwkt_counters *c1,
			      struct lwkt_ctl_result *res)
{
	u64 sent = 0, received = 0, reordered = 0, expect;
	unsigned int src, dst, n = hweight64(st->cpus);

	for (dst = 0; dst < LWKT_STORM_MAXCPU; dst++) {
		if (!(st->cpus & LWKT_CPUMASK(dst)))
			continue;
		reordered += st->reordered[dst];
		for (src = 0; src < LWKT_STORM_MAXCPU; src++) {
			if (src == dst || !(st->cpus & LWKT_CPUMASK(src)))
				continue;
			sent += st->seqs[src];
			received += st->pair[dst][src].received;
		}
	}
	expect = st->iters * n * (n - 1);
	lwkt_result_u64(res, "cpus", n);
	lwkt_result_u64(res, "sent", sent);
	lwkt_result_u64(res, "received", received);
	/* Signed: a message run twice would show as a negative loss. */
	lwkt_result_s64(res, "lost", (s64)(sent - received));
	lwkt_result_u64(res, "reordered", reordered);
	lwkt_result_u64(res, "fifofull", c1->ipiq_fifofull - c0->ipiq_fifofull);
	lwkt_result_u64(res, "kicks", c1->ipiq_kicks - c0->ipiq_kicks);
	lwkt_result_u64(res, "kicks_avoided",
			c1->ipiq_kicks_avoided - c0->ipiq_kicks_avoided);
	res->failed = sent != expect || received != sent || reordered;
}

static int lwkt_ipistorm_run(const struct lwkt_ctl_request *req,
			     struct lwkt_ctl_result *res)
{
	struct lwkt_storm *st = &lwkt_storm;
	struct lwkt_counters c0, c1;
	unsigned int cpu, n, made;

	/* A detached storm still running owns the state. */
	if (smp_load_acquire(&st->live))
		return -EBUSY;
	memset(st, 0, sizeof(*st));
	for_each_cpu(cpu, lwkt_hosted_mask())
		if (cpu < LWKT_STORM_MAXCPU)
			st->cpus |= LWKT_CPUMASK(cpu);
	n = hweight64(st->cpus);
	if (n < 2)
		return -EINVAL;
	st->iters = req->args[IS_ITERS];
	st->detached = req->args[IS_DETACH];
	atomic_set(&st->running, n);
	init_completion(&st->done);
	st->live = true;

	lwkt_counters_sum(&c0);
	made = lwkt_storm_start(st, n);
	if (!made) {
		st->live = false;
		return -ENOMEM;
	}
	if (st->detached) {
		if (made < n)
			return -ENOMEM;	/* the ones made leave at once */
		lwkt_result_u64(res, "detached", n);
		return 0;
	}
	if (wait_for_completion_interruptible(&st->done)) {
		WRITE_ONCE(st->stop, true);
		wait_for_completion(&st->done);
	}
	lwkt_harness_barrier();
	lwkt_counters_sum(&c1);
	st->live = false;
	if (made < n)
		return -ENOMEM;
	if (READ_ONCE(st->stop))
		return -EINTR;
	lwkt_storm_report(st, &c0, &c1, res);
	return 0;
}

const struct lwkt_ctl_workload lwkt_wl_ipistorm = {
	.name	= "ipistorm",
	.help	= "every CPU floods every other with sequenced IPI messages",
	.keys	= lwkt_ipistorm_keys,
	.nkeys	= ARRAY_SIZE(lwkt_ipistorm_keys),
	.run	= lwkt_ipistorm_run,
};
