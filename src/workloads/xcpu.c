// SPDX-License-Identifier: GPL-2.0
/*
 * Workload "xcpu src=A dst=B iters=K": a thread on CPU A schedules a
 * thread on CPU B, which answers by scheduling A's thread back; K round
 * trips. Then, in the same run and from the same thread on A, the round
 * trip of a synchronous smp_call_function_single(B): Linux's own
 * cross-CPU call, which spins on A until B has run the function.
 */
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include <lwkt/ipiq.h>

#include "linux/internal.h"
#include "workloads/harness.h"

enum { XC_SRC, XC_DST, XC_ITERS };

static const struct lwkt_ctl_key lwkt_xcpu_keys[] = {
	[XC_SRC]	= { .name = "src", .kind = LWKT_KEY_CPU, .def = 0 },
	[XC_DST]	= { .name = "dst", .kind = LWKT_KEY_CPU, .def = 1 },
	[XC_ITERS]	= { .name = "iters", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 10000000, .def = 10000 },
};

/* Linux baseline: capped, it only calibrates the ratio. */
#define LWKT_XC_BASELINE_MAX	20000

/*
 * Whose turn it is. A and B alternate; the end is a handshake so that
 * neither thread exits while a schedule request for it is still queued
 * (a request for an exited thread would hit a freed structure).
 */
enum {
	XC_A,		/* A runs; B waits */
	XC_B,		/* B runs; A waits */
	XC_END,		/* A is done: B waits for XC_FREE */
	XC_FREE,	/* A's last request to B has run: B may leave */
	XC_GONE,	/* B's requests to A have all run; B touches nothing */
};

struct lwkt_xc {
	struct lwkt_job job;		/* side A */
	struct lwkt_thread *td[2];	/* A, B */
	int turn;			/* XC_*, release/acquire */
	unsigned int src, dst;
	u64 iters;
	u64 trips, ns;
	u64 base_trips, base_ns;
};

/*
 * Block until turn moves off @v. The check and the block share one
 * critical section: the remote schedule (an IPI, run at crit_exit at the
 * earliest) cannot slip between them and be lost.
 */
static void lwkt_xc_wait(struct lwkt_xc *xc, int v)
{
	struct lwkt_thread *self = curthread;

	crit_enter();
	while (smp_load_acquire(&xc->turn) == v) {
		lwkt_deschedule_self(self);
		lwkt_switch();
	}
	crit_exit();
}

/* Wait without blocking: for the end handshake, nobody schedules us. */
static void lwkt_xc_poll(struct lwkt_xc *xc, int v)
{
	while (smp_load_acquire(&xc->turn) != v)
		lwkt_yield();
}

static void lwkt_xc_b(void *arg)
{
	struct lwkt_xc *xc = arg;
	struct lwkt_thread *a = xc->td[0];
	struct lwkt_globaldata *agd = lwkt_cpu_gd(xc->src);

	for (;;) {
		lwkt_xc_wait(xc, XC_A);
		if (smp_load_acquire(&xc->turn) != XC_B)
			break;
		smp_store_release(&xc->turn, XC_A);
		lwkt_schedule(a);
	}
	/* XC_END: A's wakeup of us may still be queued here. */
	lwkt_xc_poll(xc, XC_FREE);
	/* Every schedule of A we sent has run on A's CPU. */
	lwkt_wait_ipiq(agd, lwkt_seq_ipiq(agd));
	smp_store_release(&xc->turn, XC_GONE);
}

static void lwkt_xc_nop(void *info)
{
}

static void lwkt_xc_baseline(struct lwkt_xc *xc)
{
	u64 n = min_t(u64, xc->iters, LWKT_XC_BASELINE_MAX), i, t0;

	t0 = ktime_get_ns();
	for (i = 0; i < n && !READ_ONCE(xc->job.stop); i++)
		if (smp_call_function_single(xc->dst, lwkt_xc_nop, NULL, 1))
			break;
	xc->base_ns = ktime_get_ns() - t0;
	xc->base_trips = i;
}

static void lwkt_xc_main(void *arg)
{
	struct lwkt_xc *xc = arg;
	struct lwkt_globaldata *bgd = lwkt_cpu_gd(xc->dst);
	u64 i, t0;

	xc->td[0] = curthread;
	xc->turn = XC_A;
	/* B starts at once and blocks: it is not its turn. */
	if (lwkt_create(lwkt_xc_b, xc, &xc->td[1], NULL, 0, xc->dst,
			"xcpu/b"))
		return;		/* trips stays 0 */

	t0 = ktime_get_ns();
	for (i = 0; i < xc->iters && !READ_ONCE(xc->job.stop); i++) {
		smp_store_release(&xc->turn, XC_B);
		lwkt_schedule(xc->td[1]);
		lwkt_xc_wait(xc, XC_B);
	}
	xc->ns = ktime_get_ns() - t0;
	xc->trips = i;

	smp_store_release(&xc->turn, XC_END);
	lwkt_schedule(xc->td[1]);
	lwkt_wait_ipiq(bgd, lwkt_seq_ipiq(bgd));
	smp_store_release(&xc->turn, XC_FREE);
	lwkt_xc_poll(xc, XC_GONE);

	lwkt_xc_baseline(xc);
}

static int lwkt_xcpu_run(const struct lwkt_ctl_request *req,
			 struct lwkt_ctl_result *res)
{
	unsigned int src = req->args[XC_SRC], dst = req->args[XC_DST];
	struct lwkt_xc *xc;
	int err;

	/* Defaults are not checked by the parser; src == dst is no trip. */
	if (src == dst || !lwkt_cpu_hosted(src) || !lwkt_cpu_hosted(dst))
		return -EINVAL;
	xc = kzalloc(sizeof(*xc), GFP_KERNEL);
	if (!xc)
		return -ENOMEM;
	xc->src = src;
	xc->dst = dst;
	xc->iters = req->args[XC_ITERS];
	err = lwkt_job_start(&xc->job, src, TDPRI_KERN_DAEMON, lwkt_xc_main,
			     xc, "xcpu/a");
	if (!err)
		err = lwkt_job_wait(&xc->job);
	lwkt_harness_barrier();
	if (err)
		goto out;
	if (!xc->td[1]) {
		err = -ENOMEM;	/* B could not be created */
		goto out;
	}

	lwkt_result_u64(res, "roundtrips", xc->trips);
	lwkt_result_u64(res, "ns_per_roundtrip",
			xc->trips ? div64_u64(xc->ns, xc->trips) : 0);
	lwkt_result_u64(res, "baseline_ns_per_roundtrip",
			xc->base_trips ? div64_u64(xc->base_ns, xc->base_trips) : 0);
	/* ratio = baseline / ours, per round trip, from the exact totals. */
	lwkt_result_ratio(res, "ratio", xc->base_ns * xc->trips,
			  xc->ns * xc->base_trips);
	res->failed = xc->trips != xc->iters || !xc->base_trips;
out:
	kfree(xc);
	return err;
}

const struct lwkt_ctl_workload lwkt_wl_xcpu = {
	.name	= "xcpu",
	.help	= "round trips between threads on two CPUs; smp_call_function_single baseline",
	.keys	= lwkt_xcpu_keys,
	.nkeys	= ARRAY_SIZE(lwkt_xcpu_keys),
	.run	= lwkt_xcpu_run,
};
