// SPDX-License-Identifier: GPL-2.0
/*
 * Workload "ping cpu=N iters=K": send CPU N K calls from outside LWKT
 * context, one at a time; each reports the CPU it ran on. Proves the hosts
 * exist, are bound, and answer idle or busy. Reports the round trip's
 * distribution (the first 4096 pings). A signal stops it between two pings.
 */
#include <linux/ktime.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>

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

#define LWKT_PING_SAMPLES 4096

static int lwkt_ping_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static int lwkt_ping_run(const struct lwkt_ctl_request *req,
			 struct lwkt_ctl_result *res)
{
	unsigned int cpu = req->args[PING_CPU];
	u64 iters = req->args[PING_ITERS], i, wrong = 0, n;
	struct lwkt_ping p = { .call.fn = lwkt_ping_fn, .ran_on = -1 };
	ktime_t start = ktime_get();
	u64 *ns;
	int err = 0;

	n = min_t(u64, iters, LWKT_PING_SAMPLES);
	ns = kmalloc_array(n, sizeof(*ns), GFP_KERNEL);
	if (!ns)
		return -ENOMEM;
	for (i = 0; i < iters; i++) {
		u64 t0 = ktime_get_ns();

		if (signal_pending(current)) {
			err = -EINTR;
			goto out;
		}
		p.ran_on = -1;
		err = lwkt_host_call(cpu, &p.call);
		if (err)
			goto out;
		if (i < n)
			ns[i] = ktime_get_ns() - t0;
		if (p.ran_on != cpu)
			wrong++;
		cond_resched();
	}

	sort(ns, n, sizeof(*ns), lwkt_ping_cmp, NULL);
	lwkt_result_s64(res, "ran_on", p.ran_on);
	lwkt_result_u64(res, "pings", iters);
	lwkt_result_u64(res, "wrong_cpu", wrong);
	lwkt_result_u64(res, "ns_per_ping",
			div64_u64(ktime_to_ns(ktime_sub(ktime_get(), start)),
				  iters));
	lwkt_result_u64(res, "p50_ns", ns[n / 2]);
	lwkt_result_u64(res, "p90_ns", ns[n * 9 / 10]);
	lwkt_result_u64(res, "p99_ns", ns[n * 99 / 100]);
	lwkt_result_u64(res, "max_ns", ns[n - 1]);
	res->failed = wrong != 0;
out:
	kfree(ns);
	return err;
}

const struct lwkt_ctl_workload lwkt_wl_ping = {
	.name	= "ping",
	.help	= "wake the host of a CPU, which reports where it ran",
	.keys	= lwkt_ping_keys,
	.nkeys	= ARRAY_SIZE(lwkt_ping_keys),
	.run	= lwkt_ping_run,
};
