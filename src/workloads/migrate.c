// SPDX-License-Identifier: GPL-2.0
/*
 * Workload "migrate threads=T hops=K [detach=1]": T threads, spread over
 * the hosted CPUs, each move to another CPU K times
 * (lwkt_setcpu_self()), to a pseudo-random one each time. After each hop
 * a thread checks that Linux runs it on the target CPU
 * (smp_processor_id()) and that it belongs to the target (td_gd).
 *
 * detach=1 starts the threads and returns at once, for the test of unload
 * while threads are in flight between CPUs; the state is static for the
 * same reason as ipistorm's (ipistorm.c).
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/smp.h>
#include <linux/string.h>

#include <lwkt/ipiq.h>

#include "linux/internal.h"
#include "workloads/xcpu.h"

enum { MG_THREADS, MG_HOPS, MG_DETACH };

static const struct lwkt_ctl_key lwkt_migrate_keys[] = {
	[MG_THREADS]	= { .name = "threads", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 1000, .def = 8 },
	[MG_HOPS]	= { .name = "hops", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 10000000, .def = 1000 },
	[MG_DETACH]	= { .name = "detach", .kind = LWKT_KEY_COUNT,
			    .min = 0, .max = 1, .def = 0 },
};

/* The CPUs hopped between: the first 64 hosted ones. */
#define LWKT_MIG_MAXCPU		64

struct lwkt_mig {
	bool live;		/* threads out; cleared by the last one */
	bool stop;		/* a signal: threads stop early */
	bool detached;
	u64 hops;
	unsigned int ncpus;
	unsigned int cpu[LWKT_MIG_MAXCPU];
	atomic_t running;
	atomic64_t ok, bad;
	struct completion done;
};

static struct lwkt_mig lwkt_mig;

/* @n threads are done; the last one out ends the run. */
static void lwkt_mig_put(struct lwkt_mig *m, unsigned long n)
{
	if (!atomic_sub_and_test(n, &m->running))
		return;
	if (m->detached)
		smp_store_release(&m->live, false);
	else
		complete(&m->done);
}

static void lwkt_mig_thread(void *arg)
{
	struct lwkt_mig *m = &lwkt_mig;
	unsigned long nr = (unsigned long)arg;
	unsigned int idx = nr % m->ncpus, cpu;
	u32 rnd = nr * 2654435761u + 1;	/* xorshift32; never 0 */
	u64 k, ok = 0, bad = 0;

	for (k = 0; k < m->hops && !READ_ONCE(m->stop); k++) {
		rnd ^= rnd << 13;
		rnd ^= rnd >> 17;
		rnd ^= rnd << 5;
		/* Any CPU but the current one. */
		idx = (idx + 1 + rnd % (m->ncpus - 1)) % m->ncpus;
		cpu = m->cpu[idx];
		lwkt_setcpu_self(lwkt_cpu_gd(cpu));
		/* The host is bound to its CPU: smp_processor_id() is stable. */
		if (smp_processor_id() == cpu &&
		    READ_ONCE(curthread->td_gd) == mycpu &&
		    curthread->td_gd->gd_cpuid == cpu)
			ok++;
		else
			bad++;
	}
	atomic64_add(ok, &m->ok);
	atomic64_add(bad, &m->bad);
	lwkt_mig_put(m, 1);
}

static int lwkt_migrate_run(const struct lwkt_ctl_request *req,
			    struct lwkt_ctl_result *res)
{
	struct lwkt_mig *m = &lwkt_mig;
	unsigned long threads = req->args[MG_THREADS], made;
	unsigned int cpu;

	/* A detached run still going owns the state. */
	if (smp_load_acquire(&m->live))
		return -EBUSY;
	memset(m, 0, sizeof(*m));
	for_each_cpu(cpu, lwkt_hosted_mask())
		if (m->ncpus < LWKT_MIG_MAXCPU)
			m->cpu[m->ncpus++] = cpu;
	if (m->ncpus < 2)
		return -EINVAL;
	m->hops = req->args[MG_HOPS];
	m->detached = req->args[MG_DETACH];
	atomic_set(&m->running, threads);
	init_completion(&m->done);
	m->live = true;

	for (made = 0; made < threads; made++) {
		if (lwkt_create(lwkt_mig_thread, (void *)made, NULL, NULL, 0,
				m->cpu[made % m->ncpus], "migrate/%lu", made)) {
			WRITE_ONCE(m->stop, true);
			break;
		}
	}
	/* Uncreated threads count as finished; the made ones see stop. */
	if (made < threads)
		lwkt_mig_put(m, threads - made);
	if (m->detached) {
		if (made < threads)
			return -ENOMEM;	/* the ones made leave at once */
		lwkt_result_u64(res, "detached", made);
		return 0;
	}
	if (wait_for_completion_interruptible(&m->done)) {
		WRITE_ONCE(m->stop, true);
		wait_for_completion(&m->done);
	}
	lwkt_xcpu_barrier();
	m->live = false;
	if (made < threads)
		return -ENOMEM;
	if (READ_ONCE(m->stop))
		return -EINTR;

	lwkt_result_u64(res, "threads", made);
	lwkt_result_u64(res, "hops_ok", atomic64_read(&m->ok));
	lwkt_result_u64(res, "hops_bad", atomic64_read(&m->bad));
	res->failed = atomic64_read(&m->ok) != threads * m->hops ||
		      atomic64_read(&m->bad);
	return 0;
}

const struct lwkt_ctl_workload lwkt_wl_migrate = {
	.name	= "migrate",
	.help	= "threads hop between CPUs (lwkt_setcpu_self), checked after each hop",
	.keys	= lwkt_migrate_keys,
	.nkeys	= ARRAY_SIZE(lwkt_migrate_keys),
	.run	= lwkt_migrate_run,
};
