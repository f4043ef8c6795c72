// SPDX-License-Identifier: GPL-2.0
/*
 * Workload "preempt cpu=N iters=K": a low-priority thread schedules a
 * preemptable high-priority thread K times; each time the high one must run
 * at once (inside the lwkt_schedule() call) and come back when it blocks.
 */
#include <linux/slab.h>

#include "linux/internal.h"

enum { PE_CPU, PE_ITERS };

static const struct lwkt_ctl_key lwkt_preempt_keys[] = {
	[PE_CPU]	= { .name = "cpu", .kind = LWKT_KEY_CPU,
			    .required = true },
	[PE_ITERS]	= { .name = "iters", .kind = LWKT_KEY_COUNT,
			    .min = 1, .def = 1000 },
};

struct lwkt_pre {
	struct lwkt_job job;
	u64 iters;
	u64 runs;		/* times the high thread ran */
	u64 at_once;		/* ...inside lwkt_schedule() */
	u64 hit, miss, weird;
	bool quit;
	struct lwkt_thread *high;
};

static void lwkt_pre_high(void *arg)
{
	struct lwkt_pre *pe = arg;
	struct lwkt_thread *self = curthread;

	crit_enter();
	while (!pe->quit) {
		pe->runs++;
		lwkt_deschedule_self(self);
		lwkt_switch();		/* back to the thread we preempted */
	}
	crit_exit();
}

static void lwkt_pre_low(void *arg)
{
	struct lwkt_pre *pe = arg;
	struct lwkt_counters *c = &mycpu->gd_cnt;
	u64 hit0 = c->preempt_hit, miss0 = c->preempt_miss;
	u64 weird0 = c->preempt_weird, i, before;

	if (lwkt_create(lwkt_pre_high, pe, &pe->high, NULL, TDF_STOPREQ, -1,
			"preempt/high"))
		return;
	lwkt_setpri(pe->high, TDPRI_INT_HIGH);
	pe->high->td_preemptable = lwkt_preempt;

	/*
	 * Outside any critical section of our own: lwkt_schedule() enters
	 * one level and lets the target preempt only a caller at that level
	 * (DragonFly's critpri rule, Documentation/design.rst, "Preemption").
	 */
	for (i = 0; i < pe->iters && !READ_ONCE(pe->job.stop); i++) {
		before = pe->runs;
		lwkt_schedule(pe->high);
		if (pe->runs == before + 1)
			pe->at_once++;
	}
	pe->hit = c->preempt_hit - hit0;
	pe->miss = c->preempt_miss - miss0;
	pe->weird = c->preempt_weird - weird0;

	/* Let the high thread leave its loop and exit. */
	pe->quit = true;
	pe->high->td_preemptable = NULL;
	lwkt_schedule(pe->high);
	lwkt_yield();
}

static int lwkt_preempt_run(const struct lwkt_ctl_request *req,
			    struct lwkt_ctl_result *res)
{
	struct lwkt_pre *pe;
	int err;

	pe = kzalloc(sizeof(*pe), GFP_KERNEL);
	if (!pe)
		return -ENOMEM;
	pe->iters = req->args[PE_ITERS];
	err = lwkt_job_start(&pe->job, req->args[PE_CPU], TDPRI_KERN_DAEMON,
			     lwkt_pre_low, pe, "preempt/low");
	if (!err)
		err = lwkt_job_wait(&pe->job);
	if (!err) {
		lwkt_result_u64(res, "iters", pe->iters);
		lwkt_result_u64(res, "preempt_hit", pe->hit);
		lwkt_result_u64(res, "preempt_miss", pe->miss);
		lwkt_result_u64(res, "preempt_weird", pe->weird);
		lwkt_result_u64(res, "ran_at_once", pe->at_once);
		res->failed = pe->hit != pe->iters || pe->at_once != pe->iters ||
			      pe->miss || pe->weird;
	}
	kfree(pe);
	return err;
}

const struct lwkt_ctl_workload lwkt_wl_preempt = {
	.name	= "preempt",
	.help	= "a preemptable high-priority thread runs at once when scheduled",
	.keys	= lwkt_preempt_keys,
	.nkeys	= ARRAY_SIZE(lwkt_preempt_keys),
	.run	= lwkt_preempt_run,
};
