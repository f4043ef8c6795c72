// SPDX-License-Identifier: GPL-2.0
/*
 * Workload "pingpong cpu=N iters=K": two LWKT threads on CPU N hand the CPU
 * to each other K times each (deschedule self, schedule the peer, switch),
 * next to the same exchange between two Linux kthreads bound to CPU N
 * (wake_up_process + schedule), measured in the same run.
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "linux/internal.h"

enum { PP_CPU, PP_ITERS };

static const struct lwkt_ctl_key lwkt_pingpong_keys[] = {
	[PP_CPU]	= { .name = "cpu", .kind = LWKT_KEY_CPU,
			    .required = true },
	[PP_ITERS]	= { .name = "iters", .kind = LWKT_KEY_COUNT,
			    .min = 1, .def = 100000 },
};

/* Linux baseline: capped, it only calibrates the ratio. */
#define LWKT_PP_BASELINE_MAX	20000

struct lwkt_pp {
	struct lwkt_job job;		/* the controller: runs side 0 */
	struct lwkt_thread *td[2];
	bool done[2];
	u64 iters;
	u64 switches;
	u64 ns;
};

/* One side: hand over to the peer iters times, then let it finish. */
static void lwkt_pp_side(struct lwkt_pp *pp, int me)
{
	struct lwkt_thread *self = curthread, *peer = pp->td[!me];
	u64 i;

	crit_enter();
	for (i = 0; i < pp->iters && !READ_ONCE(pp->job.stop); i++) {
		lwkt_deschedule_self(self);
		lwkt_schedule(peer);
		lwkt_switch();
	}
	pp->done[me] = true;
	if (!pp->done[!me])
		lwkt_schedule(peer);	/* it still waits for its turn */
	crit_exit();
}

static void lwkt_pp_peer(void *arg)
{
	lwkt_pp_side(arg, 1);
}

static void lwkt_pp_main(void *arg)
{
	struct lwkt_pp *pp = arg;
	struct lwkt_globaldata *gd = mycpu;
	u64 t0, sw0;

	pp->td[0] = curthread;
	if (lwkt_create(lwkt_pp_peer, pp, &pp->td[1], NULL, TDF_STOPREQ, -1,
			"pingpong/1")) {
		pp->done[0] = pp->done[1] = true;
		return;
	}
	sw0 = gd->gd_cnt.switch_count;
	t0 = ktime_get_ns();
	lwkt_pp_side(pp, 0);
	/* Side 1 may still be finishing its last turn: let it exit. */
	while (!pp->done[1])
		lwkt_yield();
	pp->ns = ktime_get_ns() - t0;
	pp->switches = gd->gd_cnt.switch_count - sw0;
}

struct lwkt_kpp {
	struct task_struct *task[2];
	atomic_t turn;
	u64 iters;
	struct completion started, finished;
	atomic_t ready;
};

static int lwkt_kpp_fn(int me, struct lwkt_kpp *k)
{
	u64 i;

	if (atomic_inc_return(&k->ready) == 2)
		complete(&k->started);
	for (i = 0; i < k->iters; i++) {
		for (;;) {
			set_current_state(TASK_UNINTERRUPTIBLE);
			if (atomic_read(&k->turn) == me)
				break;
			schedule();
		}
		__set_current_state(TASK_RUNNING);
		atomic_set(&k->turn, !me);
		wake_up_process(k->task[!me]);
	}
	if (me == 1)
		complete(&k->finished);
	return 0;
}

static int lwkt_kpp0(void *arg) { return lwkt_kpp_fn(0, arg); }
static int lwkt_kpp1(void *arg) { return lwkt_kpp_fn(1, arg); }

/* The baseline round: returns ns per switch, or 0 if it could not run. */
static u64 lwkt_pp_baseline(unsigned int cpu, u64 iters)
{
	struct lwkt_kpp k = { .iters = min_t(u64, iters, LWKT_PP_BASELINE_MAX) };
	u64 t0, ns;
	int i;

	atomic_set(&k.turn, 2);		/* nobody's turn until both exist */
	atomic_set(&k.ready, 0);
	init_completion(&k.started);
	init_completion(&k.finished);
	k.task[0] = kthread_create_on_cpu(lwkt_kpp0, &k, cpu, "lwkt-kpp/%u");
	if (IS_ERR(k.task[0]))
		return 0;
	k.task[1] = kthread_create_on_cpu(lwkt_kpp1, &k, cpu, "lwkt-kpp/%u");
	if (IS_ERR(k.task[1])) {
		kthread_stop(k.task[0]);
		return 0;
	}
	for (i = 0; i < 2; i++) {
		get_task_struct(k.task[i]);
		wake_up_process(k.task[i]);
	}
	wait_for_completion(&k.started);
	t0 = ktime_get_ns();
	atomic_set(&k.turn, 0);
	wake_up_process(k.task[0]);
	wait_for_completion(&k.finished);
	ns = ktime_get_ns() - t0;
	for (i = 0; i < 2; i++) {
		kthread_stop(k.task[i]);
		put_task_struct(k.task[i]);
	}
	/* Two context switches per iteration, as in the LWKT exchange. */
	return div64_u64(ns, 2 * k.iters);
}

static int lwkt_pingpong_run(const struct lwkt_ctl_request *req,
			     struct lwkt_ctl_result *res)
{
	unsigned int cpu = req->args[PP_CPU];
	struct lwkt_pp *pp;
	u64 ours, base;
	int err;

	pp = kzalloc(sizeof(*pp), GFP_KERNEL);
	if (!pp)
		return -ENOMEM;
	pp->iters = req->args[PP_ITERS];
	err = lwkt_job_start(&pp->job, cpu, TDPRI_KERN_DAEMON, lwkt_pp_main,
			     pp, "pingpong/0");
	if (!err)
		err = lwkt_job_wait(&pp->job);
	if (err)
		goto out;
	if (!pp->switches) {
		err = -ENOMEM;	/* the peer thread could not be created */
		goto out;
	}

	base = lwkt_pp_baseline(cpu, pp->iters);
	ours = div64_u64(pp->ns, pp->switches);
	lwkt_result_u64(res, "switches", pp->switches);
	lwkt_result_u64(res, "ns_per_switch", ours);
	lwkt_result_u64(res, "baseline_ns_per_switch", base);
	/* ratio = baseline / ours, from the exact totals, not the rounded ns. */
	lwkt_result_ratio(res, "ratio", base * pp->switches, pp->ns);
	res->failed = pp->switches < 2 * pp->iters || !base;
out:
	kfree(pp);
	return err;
}

const struct lwkt_ctl_workload lwkt_wl_pingpong = {
	.name	= "pingpong",
	.help	= "two LWKT threads alternate; Linux kthread baseline",
	.keys	= lwkt_pingpong_keys,
	.nkeys	= ARRAY_SIZE(lwkt_pingpong_keys),
	.run	= lwkt_pingpong_run,
};
