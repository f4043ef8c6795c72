// SPDX-License-Identifier: GPL-2.0
/*
 * Workload "park cpu=N threads=T": leave T LWKT threads alive on CPU N and
 * return: a third blocked forever, a third runnable but never scheduled
 * before (created stopped, then scheduled behind a busy thread), a third
 * yielding forever. What unload must clean up (Documentation/design.rst,
 * "Unload with live threads").
 */
#include <linux/sched/signal.h>

#include "linux/internal.h"

enum { PK_CPU, PK_THREADS };

static const struct lwkt_ctl_key lwkt_park_keys[] = {
	[PK_CPU]	= { .name = "cpu", .kind = LWKT_KEY_CPU,
			    .required = true },
	[PK_THREADS]	= { .name = "threads", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 10000, .def = 30 },
};

static void lwkt_park_block(void *arg)
{
	struct lwkt_thread *self = curthread;

	crit_enter();
	lwkt_deschedule_self(self);
	lwkt_switch();			/* never scheduled again */
	crit_exit();
}

static void lwkt_park_yield(void *arg)
{
	for (;;)
		lwkt_yield();
}

static int lwkt_park_run(const struct lwkt_ctl_request *req,
			 struct lwkt_ctl_result *res)
{
	static void (*const kinds[])(void *) = {
		lwkt_park_block, lwkt_park_yield, lwkt_park_block,
	};
	u64 threads = req->args[PK_THREADS], created;
	int err = 0;

	/*
	 * From Linux context, one by one: the yielders of the first ones
	 * keep the CPU busy for good, and the later creations must still
	 * reach it (at its next switch).
	 */
	for (created = 0; created < threads; created++) {
		if (signal_pending(current)) {
			err = -EINTR;
			break;
		}
		if (lwkt_create(kinds[created % 3], NULL, NULL, NULL, 0,
				req->args[PK_CPU], "park/%llu", created))
			break;
		cond_resched();
	}
	lwkt_result_u64(res, "parked", created);
	res->failed = created != threads;
	return err;
}

const struct lwkt_ctl_workload lwkt_wl_park = {
	.name	= "park",
	.help	= "leave blocked and forever-yielding threads behind (for unload tests)",
	.keys	= lwkt_park_keys,
	.nkeys	= ARRAY_SIZE(lwkt_park_keys),
	.run	= lwkt_park_run,
};
