// SPDX-License-Identifier: GPL-2.0
/*
 * Workload "tokbench [cpu=N] [iters=K]": what an uncontended token costs.
 * One LWKT thread on CPU N takes and releases a token K times
 * (lwkt_gettoken + lwkt_reltoken), a Linux spinlock K times (spin_lock +
 * spin_unlock), and a pool token K times (lwkt_token_pool_get on every
 * round, as code without a token of its own does). Each hold increments a
 * counter the lock protects, through WRITE_ONCE, so no round can be
 * dropped; the three loops alternate in chunks so that interrupts and the
 * host's noise fall on all of them alike, and the fastest chunk of each
 * gives a second, steadier ratio. For the benchmark.
 */
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <lwkt/token.h>

#include "linux/internal.h"

enum { TB_CPU, TB_ITERS };

static const struct lwkt_ctl_key lwkt_tokbench_keys[] = {
	[TB_CPU]	= { .name = "cpu", .kind = LWKT_KEY_CPU, .def = 0 },
	[TB_ITERS]	= { .name = "iters", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 100000000, .def = 1000000 },
};

/*
 * Rounds per timed chunk: enough that the two clock reads around a chunk
 * (ktime_get_ns(), a device read under TCG when the TSC is unusable) are
 * noise. Not local_clock(): when a loaded host delays the VM's ticks, it
 * stops at the last tick + TICK_NSEC until the next, and short intervals
 * read 0.
 */
#define LWKT_TB_CHUNK	10000

struct lwkt_tb {
	struct lwkt_job job;
	struct lwkt_token tok;
	spinlock_t lock;
	u64 iters, done;
	u64 tok_ns, spin_ns, pool_ns;
	u64 tok_best, spin_best, pool_best;	/* fastest full chunk, ns */
	/* Each protected by its own lock; the totals must come out K. */
	u64 tok_data, spin_data;
	u64 pool_data ____cacheline_aligned;
};

static void lwkt_tb_main(void *arg)
{
	struct lwkt_tb *tb = arg;
	struct lwkt_tokref ref;
	lwkt_token_t ptok;
	u64 done, i, n, t0, t1, t2, t3;
	u64 full = min_t(u64, LWKT_TB_CHUNK, tb->iters);

	tb->tok_best = tb->spin_best = tb->pool_best = U64_MAX;

	for (done = 0; done < tb->iters && !READ_ONCE(tb->job.stop); done += n) {
		n = min_t(u64, LWKT_TB_CHUNK, tb->iters - done);

		t0 = ktime_get_ns();
		for (i = 0; i < n; i++) {
			lwkt_gettoken(&ref, &tb->tok);
			WRITE_ONCE(tb->tok_data, tb->tok_data + 1);
			lwkt_reltoken(&ref);
		}
		t1 = ktime_get_ns();
		for (i = 0; i < n; i++) {
			spin_lock(&tb->lock);
			WRITE_ONCE(tb->spin_data, tb->spin_data + 1);
			spin_unlock(&tb->lock);
		}
		t2 = ktime_get_ns();
		for (i = 0; i < n; i++) {
			ptok = lwkt_token_pool_get(&tb->pool_data);
			lwkt_gettoken(&ref, ptok);
			WRITE_ONCE(tb->pool_data, tb->pool_data + 1);
			lwkt_reltoken(&ref);
		}
		t3 = ktime_get_ns();

		tb->tok_ns += t1 - t0;
		tb->spin_ns += t2 - t1;
		tb->pool_ns += t3 - t2;
		if (n == full) {
			tb->tok_best = min(tb->tok_best, t1 - t0);
			tb->spin_best = min(tb->spin_best, t2 - t1);
			tb->pool_best = min(tb->pool_best, t3 - t2);
		}
	}
	tb->done = done;
}

static int lwkt_tokbench_run(const struct lwkt_ctl_request *req,
			     struct lwkt_ctl_result *res)
{
	unsigned int cpu = req->args[TB_CPU];
	struct lwkt_tb *tb;
	u64 n;
	int err;

	/* The default CPU is not checked by the parser. */
	if (!lwkt_cpu_hosted(cpu))
		return -EINVAL;
	tb = kzalloc(sizeof(*tb), GFP_KERNEL);
	if (!tb)
		return -ENOMEM;
	lwkt_token_init(&tb->tok, "tokbench");
	spin_lock_init(&tb->lock);
	tb->iters = req->args[TB_ITERS];
	err = lwkt_job_start(&tb->job, cpu, TDPRI_KERN_DAEMON, lwkt_tb_main,
			     tb, "tokbench");
	if (!err)
		err = lwkt_job_wait(&tb->job);
	if (err)
		goto out;
	n = tb->done;
	lwkt_result_u64(res, "iters", n);
	lwkt_result_u64(res, "ns_per_token", div64_u64(tb->tok_ns, n));
	lwkt_result_u64(res, "ns_per_pool_token", div64_u64(tb->pool_ns, n));
	lwkt_result_u64(res, "baseline_ns_per_spinlock",
			div64_u64(tb->spin_ns, n));
	/* ratio = ours / baseline: cost, lower is better (target <= 2). */
	lwkt_result_ratio(res, "ratio", tb->tok_ns, tb->spin_ns);
	lwkt_result_ratio(res, "pool_ratio", tb->pool_ns, tb->spin_ns);
	/*
	 * The same from the fastest chunk of each loop: a host that takes
	 * the CPU away (a VM's vCPU descheduled) inflates whichever loop it
	 * lands in; the minimum is the stable figure.
	 */
	lwkt_result_ratio(res, "best_ratio", tb->tok_best, tb->spin_best);
	lwkt_result_ratio(res, "best_pool_ratio", tb->pool_best, tb->spin_best);
	res->failed = n != tb->iters || tb->tok_data != n ||
		      tb->spin_data != n || tb->pool_data != n;
out:
	lwkt_token_uninit(&tb->tok);
	kfree(tb);
	return err;
}

const struct lwkt_ctl_workload lwkt_wl_tokbench = {
	.name	= "tokbench",
	.help	= "uncontended lwkt_gettoken/lwkt_reltoken (and a pool token) vs spin_lock/spin_unlock",
	.keys	= lwkt_tokbench_keys,
	.nkeys	= ARRAY_SIZE(lwkt_tokbench_keys),
	.run	= lwkt_tokbench_run,
};
