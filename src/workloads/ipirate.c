// SPDX-License-Identifier: GPL-2.0
/*
 * Workload "ipirate src=A dst=B msgs=N batch=K": how fast one CPU pair
 * moves messages. An LWKT thread on A sends N lwkt_send_ipiq() messages
 * to B, K at a time, waiting (lwkt_wait_ipiq) for the last of each batch;
 * then the same thread does the same with one
 * smp_call_function_single_async() per message (K call_single_data in
 * flight, a counter to wait on): Linux's cheapest cross-CPU call, measured
 * in the same run. Also reported: the cost of the enqueue alone (timed
 * batches of 64 sends, the wait outside the timing) for both.
 */
#define pr_fmt(fmt) "lwkt: " fmt

#include <linux/ktime.h>
#include <linux/sched/clock.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include <lwkt/ipiq.h>

#include "linux/internal.h"

enum { IR_SRC, IR_DST, IR_MSGS, IR_BATCH };

#define LWKT_IR_MAXBATCH	64	/* < LWKT_IPIQ_HIGH: never waits for room */

static const struct lwkt_ctl_key lwkt_ipirate_keys[] = {
	[IR_SRC]	= { .name = "src", .kind = LWKT_KEY_CPU, .def = 0 },
	[IR_DST]	= { .name = "dst", .kind = LWKT_KEY_CPU, .def = 1 },
	[IR_MSGS]	= { .name = "msgs", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 10000000, .def = 100000 },
	[IR_BATCH]	= { .name = "batch", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = LWKT_IR_MAXBATCH, .def = 16 },
};

struct lwkt_ir {
	struct lwkt_job job;
	unsigned int dst;
	u64 batches, batch;
	u64 enq_batches;		/* timed batches of LWKT_IR_MAXBATCH */
	u64 ns, enq_ns;			/* LWKT: total, sends only */
	u64 base_ns, base_enq_ns;	/* smp_call_function_single_async */
	atomic64_t ran;			/* messages run on dst */
	call_single_data_t csd[LWKT_IR_MAXBATCH];
};

static void lwkt_ir_count(void *arg)
{
	struct lwkt_ir *ir = arg;

	/* Only dst writes it during the LWKT phase; atomic for the baseline. */
	atomic64_inc(&ir->ran);
}

static void lwkt_ir_wait_ran(struct lwkt_ir *ir, s64 n)
{
	while (atomic64_read(&ir->ran) < n)
		cpu_relax();
}

/*
 * Times come from local_clock(): the job never leaves its CPU, and in a VM
 * whose clocksource is an HPET, ktime_get_ns() is a device access that
 * would dominate what it measures.
 */
static void lwkt_ir_lwkt(struct lwkt_ir *ir, struct lwkt_globaldata *dst)
{
	u64 b, i, t0, t1;
	lwkt_seq_t seq = 0;

	/* Throughput: K sends, then wait for the K-th to have run. */
	t0 = local_clock();
	for (b = 0; b < ir->batches && !READ_ONCE(ir->job.stop); b++) {
		for (i = 0; i < ir->batch; i++)
			seq = lwkt_send_ipiq(dst, lwkt_ir_count, ir);
		lwkt_wait_ipiq(dst, seq);
	}
	ir->ns = local_clock() - t0;

	/* Enqueue alone: timed batches of LWKT_IR_MAXBATCH sends. */
	for (b = 0; b < ir->enq_batches && !READ_ONCE(ir->job.stop); b++) {
		t0 = local_clock();
		for (i = 0; i < LWKT_IR_MAXBATCH; i++)
			seq = lwkt_send_ipiq(dst, lwkt_ir_count, ir);
		t1 = local_clock();
		ir->enq_ns += t1 - t0;
		lwkt_wait_ipiq(dst, seq);
	}
}

static void lwkt_ir_linux(struct lwkt_ir *ir)
{
	s64 expect = 0;
	u64 b, i, t0, t1;

	atomic64_set(&ir->ran, 0);
	for (i = 0; i < LWKT_IR_MAXBATCH; i++)
		INIT_CSD(&ir->csd[i], lwkt_ir_count, ir);
	/* One async call per message, K in flight; a csd is free once run. */
	t0 = local_clock();
	for (b = 0; b < ir->batches && !READ_ONCE(ir->job.stop); b++) {
		for (i = 0; i < ir->batch; i++)
			smp_call_function_single_async(ir->dst, &ir->csd[i]);
		expect += ir->batch;
		lwkt_ir_wait_ran(ir, expect);
	}
	ir->base_ns = local_clock() - t0;

	for (b = 0; b < ir->enq_batches && !READ_ONCE(ir->job.stop); b++) {
		t0 = local_clock();
		for (i = 0; i < LWKT_IR_MAXBATCH; i++)
			smp_call_function_single_async(ir->dst, &ir->csd[i]);
		t1 = local_clock();
		ir->base_enq_ns += t1 - t0;
		expect += LWKT_IR_MAXBATCH;
		lwkt_ir_wait_ran(ir, expect);
	}
}

static void lwkt_ir_main(void *arg)
{
	struct lwkt_ir *ir = arg;
	struct lwkt_globaldata *dst = lwkt_cpu_gd(ir->dst);

	if (!dst)
		return;
	lwkt_ir_lwkt(ir, dst);
	lwkt_ir_linux(ir);
}

static int lwkt_ipirate_run(const struct lwkt_ctl_request *req,
			    struct lwkt_ctl_result *res)
{
	unsigned int src = req->args[IR_SRC];
	struct lwkt_ir *ir;
	u64 n;
	int err;

	if (src == req->args[IR_DST]) {
		pr_warn("ipirate: src and dst must differ\n");
		return -EINVAL;
	}
	ir = kzalloc(sizeof(*ir), GFP_KERNEL);
	if (!ir)
		return -ENOMEM;
	ir->dst = req->args[IR_DST];
	ir->batch = req->args[IR_BATCH];
	ir->batches = max_t(u64, 1, req->args[IR_MSGS] / ir->batch);
	ir->enq_batches = max_t(u64, 1, req->args[IR_MSGS] / LWKT_IR_MAXBATCH);
	err = lwkt_job_start(&ir->job, src, TDPRI_KERN_DAEMON, lwkt_ir_main,
			     ir, "ipirate");
	if (!err)
		err = lwkt_job_wait(&ir->job);
	if (err)
		goto out;
	n = ir->batches * ir->batch;
	if (!ir->ns || !ir->base_ns) {
		err = -EINVAL;
		goto out;
	}
	lwkt_result_u64(res, "msgs", n);
	lwkt_result_u64(res, "batch", ir->batch);
	lwkt_result_u64(res, "ns_per_msg", div64_u64(ir->ns, n));
	lwkt_result_u64(res, "msgs_per_sec", div64_u64(n * NSEC_PER_SEC, ir->ns));
	lwkt_result_u64(res, "baseline_ns_per_msg", div64_u64(ir->base_ns, n));
	lwkt_result_u64(res, "baseline_msgs_per_sec",
			div64_u64(n * NSEC_PER_SEC, ir->base_ns));
	/* messages per second, ours over Linux's */
	lwkt_result_ratio(res, "ratio", ir->base_ns, ir->ns);
	n = ir->enq_batches * LWKT_IR_MAXBATCH;
	lwkt_result_u64(res, "enqueue_ns", div64_u64(ir->enq_ns, n));
	lwkt_result_u64(res, "baseline_enqueue_ns", div64_u64(ir->base_enq_ns, n));
	lwkt_result_ratio(res, "enqueue_ratio", ir->base_enq_ns, ir->enq_ns);
out:
	kfree(ir);
	return err;
}

const struct lwkt_ctl_workload lwkt_wl_ipirate = {
	.name	= "ipirate",
	.help	= "IPI-queue messages per second between two CPUs; smp_call_function_single_async baseline",
	.keys	= lwkt_ipirate_keys,
	.nkeys	= ARRAY_SIZE(lwkt_ipirate_keys),
	.run	= lwkt_ipirate_run,
};
