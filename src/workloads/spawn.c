// SPDX-License-Identifier: GPL-2.0
/*
 * Workload "spawn cpu=N threads=T yields=Y": a parent LWKT thread on CPU N
 * creates T threads (all alive at once), each yields Y times and exits;
 * the parent waits for the last one. Checks that every thread ran and was
 * freed.
 */
#include <linux/ktime.h>
#include <linux/slab.h>

#include "linux/internal.h"

enum { SP_CPU, SP_THREADS, SP_YIELDS };

static const struct lwkt_ctl_key lwkt_spawn_keys[] = {
	[SP_CPU]	= { .name = "cpu", .kind = LWKT_KEY_CPU,
			    .required = true },
	[SP_THREADS]	= { .name = "threads", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 100000, .def = 1000 },
	[SP_YIELDS]	= { .name = "yields", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 1000000, .def = 1 },
};

struct lwkt_spawn {
	struct lwkt_job job;
	u64 threads, yields;
	u64 created, exited;
	u64 create_ns;
	struct lwkt_thread *parent;	/* blocked until the last exit */
};

static void lwkt_spawn_child(void *arg)
{
	struct lwkt_spawn *sp = arg;
	u64 i;

	for (i = 0; i < sp->yields && !READ_ONCE(sp->job.stop); i++)
		lwkt_yield();
	crit_enter();
	if (++sp->exited == sp->created && sp->parent)
		lwkt_schedule(sp->parent);
	crit_exit();
}

static void lwkt_spawn_main(void *arg)
{
	struct lwkt_spawn *sp = arg;
	struct lwkt_thread *self = curthread;
	u64 t0 = ktime_get_ns();

	for (; sp->created < sp->threads && !READ_ONCE(sp->job.stop);
	     sp->created++) {
		if (lwkt_create(lwkt_spawn_child, sp, NULL, NULL, 0, -1,
				"spawn/%llu", sp->created))
			break;
	}
	sp->create_ns = ktime_get_ns() - t0;

	/* Block until the last child is gone (children run below us). */
	crit_enter();
	while (sp->exited < sp->created) {
		sp->parent = self;
		lwkt_deschedule_self(self);
		lwkt_switch();
	}
	sp->parent = NULL;
	crit_exit();
}

/* In LWKT context on the CPU: its live-thread gauge. */
static void lwkt_spawn_count(void *arg)
{
	u64 *threads = arg;

	*threads = mycpu->gd_cnt.threads;
}

static int lwkt_spawn_run(const struct lwkt_ctl_request *req,
			  struct lwkt_ctl_result *res)
{
	unsigned int cpu = req->args[SP_CPU];
	struct lwkt_spawn *sp;
	u64 before, after;
	int err;

	sp = kzalloc(sizeof(*sp), GFP_KERNEL);
	if (!sp)
		return -ENOMEM;
	sp->threads = req->args[SP_THREADS];
	sp->yields = req->args[SP_YIELDS];
	/* Counted once the CPU settled: nothing of ours runnable there. */
	err = lwkt_host_run_on(cpu, lwkt_spawn_count, &before, LWKT_FCALL_IDLE,
			       MAX_SCHEDULE_TIMEOUT);
	if (err) {
		kfree(sp);
		return err;
	}
	err = lwkt_job_start(&sp->job, cpu, TDPRI_KERN_DAEMON + 1,
			     lwkt_spawn_main, sp, "spawn/parent");
	if (!err)
		err = lwkt_job_wait(&sp->job);
	/* Reaped by the switch that left the last of them, or by idle. */
	if (!err)
		err = lwkt_host_run_on(cpu, lwkt_spawn_count, &after,
				       LWKT_FCALL_IDLE, MAX_SCHEDULE_TIMEOUT);
	if (!err) {
		lwkt_result_u64(res, "created", sp->created);
		lwkt_result_u64(res, "exited", sp->exited);
		lwkt_result_u64(res, "live_after", after - before);
		lwkt_result_u64(res, "ns_per_create",
				sp->created ? div64_u64(sp->create_ns, sp->created) : 0);
		res->failed = sp->created != sp->threads ||
			      sp->exited != sp->created || after != before;
	}
	kfree(sp);
	return err;
}

const struct lwkt_ctl_workload lwkt_wl_spawn = {
	.name	= "spawn",
	.help	= "T threads created at once, each yields Y times and exits",
	.keys	= lwkt_spawn_keys,
	.nkeys	= ARRAY_SIZE(lwkt_spawn_keys),
	.run	= lwkt_spawn_run,
};
