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
#include <linux/prandom.h>
#include <linux/smp.h>

#include <lwkt/ipiq.h>

#include "linux/internal.h"
#include "workloads/harness.h"

enum { MG_THREADS, MG_HOPS, MG_DETACH };

static const struct lwkt_ctl_key lwkt_migrate_keys[] = {
	[MG_THREADS]	= { .name = "threads", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 1000, .def = 8 },
	[MG_HOPS]	= { .name = "hops", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 10000000, .def = 1000 },
	[MG_DETACH]	= { .name = "detach", .kind = LWKT_KEY_COUNT,
			    .min = 0, .max = 1, .def = 0 },
};

/* The CPUs hopped between: the harness's, the first 64 hosted ones. */
struct lwkt_mig {
	struct lwkt_harness h;
	u64 hops;
	atomic64_t ok, bad;
};

static struct lwkt_mig lwkt_mig;

/*
 * No stack protector: this frame lives across lwkt_setcpu_self(). The
 * canary is the host task's, and each CPU's host is another task, so the
 * one saved on entry (the first CPU's) is not the one checked on return
 * (the last CPU's). Its random state has its address taken, which would
 * give it a canary.
 */
static __no_stack_protector void lwkt_mig_thread(void *arg)
{
	struct lwkt_mig *m = &lwkt_mig;
	unsigned long nr = (unsigned long)arg;
	/* The harness started thread @nr on cpu[nr % ncpus]. */
	unsigned int ncpus = m->h.ncpus, idx = nr % ncpus, cpu;
	struct rnd_state rnd;
	u64 k, ok = 0, bad = 0;

	lwkt_harness_seed(&rnd, nr);
	for (k = 0; k < m->hops && !lwkt_harness_stopping(&m->h); k++) {
		/* Any CPU but the current one. */
		idx = (idx + 1 + prandom_u32_state(&rnd) % (ncpus - 1)) % ncpus;
		cpu = m->h.cpu[idx];
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
	lwkt_harness_exit(&m->h, 1);
}

static int lwkt_migrate_run(const struct lwkt_ctl_request *req,
			    struct lwkt_ctl_result *res)
{
	struct lwkt_mig *m = &lwkt_mig;
	unsigned long threads = req->args[MG_THREADS];
	int err;

	/* A detached run still going owns the state. */
	if (lwkt_harness_live(&m->h))
		return -EBUSY;
	memset(m, 0, sizeof(*m));
	lwkt_harness_init(&m->h, req->args[MG_DETACH] ?
			  LWKT_HARNESS_DETACHED : 0);
	if (m->h.ncpus < 2) {
		m->h.live = false;
		return -EINVAL;
	}
	m->hops = req->args[MG_HOPS];

	err = lwkt_harness_start(&m->h, threads, lwkt_mig_thread, NULL, 0,
				 "migrate", 0);
	if (m->h.detached) {
		if (err)
			return err;	/* the ones made leave at once */
		lwkt_result_u64(res, "detached", threads);
		return 0;
	}
	err = lwkt_harness_wait(&m->h);
	if (err)
		return err;

	lwkt_result_u64(res, "threads", threads);
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
