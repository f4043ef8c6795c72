// SPDX-License-Identifier: GPL-2.0
/*
 * Workload "ping cpu=N iters=K": wake the host of CPU N K times; each time
 * it reports the CPU it ran on. Proves the hosts exist, are bound, and sleep
 * and wake correctly. A signal stops it between two pings.
 */
#include <linux/ktime.h>
#include <linux/sched/signal.h>

#include "linux/internal.h"

enum { PING_CPU, PING_ITERS };

static const struct lwkt_ctl_key lwkt_ping_keys[] = {
	[PING_CPU]	= { .name = "cpu", .kind = LWKT_KEY_CPU,
			    .required = true },
	[PING_ITERS]	= { .name = "iters", .kind = LWKT_KEY_COUNT,
			    .min = 1, .def = 1 },
};

struct lwkt_ping {
	struct lwkt_host_call call;
	int ran_on;
};

static void lwkt_ping_fn(struct lwkt_host_call *call)
{
	struct lwkt_ping *p = container_of(call, struct lwkt_ping, call);

	p->ran_on = raw_smp_processor_id();
}

static int lwkt_ping_run(const struct lwkt_ctl_request *req,
			 struct lwkt_ctl_result *res)
{
	unsigned int cpu = req->args[PING_CPU];
	u64 iters = req->args[PING_ITERS], i, wrong = 0;
	struct lwkt_ping p = { .call.fn = lwkt_ping_fn, .ran_on = -1 };
	ktime_t start = ktime_get();
	int err;

	for (i = 0; i < iters; i++) {
		if (signal_pending(current))
			return -EINTR;
		p.ran_on = -1;
		err = lwkt_host_call(cpu, &p.call);
		if (err)
			return err;
		if (p.ran_on != cpu)
			wrong++;
		cond_resched();
	}

	lwkt_result_s64(res, "ran_on", p.ran_on);
	lwkt_result_u64(res, "pings", iters);
	lwkt_result_u64(res, "wrong_cpu", wrong);
	lwkt_result_u64(res, "ns_per_ping",
			div64_u64(ktime_to_ns(ktime_sub(ktime_get(), start)),
				  iters));
	res->failed = wrong != 0;
	return 0;
}

const struct lwkt_ctl_workload lwkt_wl_ping = {
	.name	= "ping",
	.help	= "wake the host of a CPU, which reports where it ran",
	.keys	= lwkt_ping_keys,
	.nkeys	= ARRAY_SIZE(lwkt_ping_keys),
	.run	= lwkt_ping_run,
};
