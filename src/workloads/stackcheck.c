// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own checks, provoked from inside an LWKT thread:
 *
 *  "warn cpu=N":     WARN() in an LWKT thread; the backtrace must show the
 *                    thread's frames (lwkt_stackcheck_warn_here).
 *  "sleep cpu=N ms=M": msleep() in an LWKT thread: the host sleeps in
 *                    schedule(), whose stack-end check must pass.
 *  "overflow cpu=N": unbounded recursion in an LWKT thread: hits the guard
 *                    page below its stack and oopses (the kernel panics
 *                    there: only for a throwaway VM).
 */
#define pr_fmt(fmt) "lwkt: " fmt

#include <linux/delay.h>
#include <linux/ktime.h>

#include "linux/internal.h"

enum { SC_CPU, SC_MS };

static const struct lwkt_ctl_key lwkt_stackcheck_keys[] = {
	[SC_CPU]	= { .name = "cpu", .kind = LWKT_KEY_CPU,
			    .required = true },
	[SC_MS]		= { .name = "ms", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 10000, .def = 10 },
};

static noinline void lwkt_stackcheck_warn_here(void *arg)
{
	/* WARN() does not go through pr_fmt(): the prefix is written here. */
	WARN(1, "lwkt: warning provoked in LWKT thread %s\n", curthread->td_comm);
}

/* A run of the workload: the job, and how long "sleep" sleeps. */
struct lwkt_stackcheck {
	struct lwkt_job job;
	u64 ms;
};

/* In slices of at most 10 ms, so a signal to the writer stops it promptly. */
static void lwkt_stackcheck_sleep(void *arg)
{
	struct lwkt_stackcheck *sc = arg;
	u64 end = ktime_get_ns() + sc->ms * NSEC_PER_MSEC, now;

	while (!READ_ONCE(sc->job.stop) && (now = ktime_get_ns()) < end)
		msleep(min_t(u64, DIV_ROUND_UP(end - now, NSEC_PER_MSEC), 10));
}

/* Each level keeps a page-sized frame alive, so the stack runs out fast. */
static noinline int lwkt_stackcheck_recurse(int depth)
{
	volatile char pad[1024];

	pad[0] = depth;
	if (depth > 1000000)
		return pad[0];
	return lwkt_stackcheck_recurse(depth + 1) + pad[0];
}

static void lwkt_stackcheck_overflow(void *arg)
{
	pr_info("overflowing the stack of LWKT thread %s\n",
		curthread->td_comm);
	lwkt_stackcheck_recurse(0);
}

static int lwkt_stackcheck_run(const struct lwkt_ctl_request *req,
			       struct lwkt_ctl_result *res,
			       void (*fn)(void *), const char *name)
{
	struct lwkt_stackcheck sc = { .ms = req->args[SC_MS] };
	int err;

	err = lwkt_job_start(&sc.job, req->args[SC_CPU], TDPRI_KERN_DAEMON, fn,
			     &sc, name);
	if (!err)
		err = lwkt_job_wait(&sc.job);
	if (!err)
		lwkt_result_str(res, "survived", name);
	return err;
}

static int lwkt_warn_run(const struct lwkt_ctl_request *req,
			 struct lwkt_ctl_result *res)
{
	return lwkt_stackcheck_run(req, res, lwkt_stackcheck_warn_here,
				   "stackcheck/warn");
}

static int lwkt_sleep_run(const struct lwkt_ctl_request *req,
			  struct lwkt_ctl_result *res)
{
	return lwkt_stackcheck_run(req, res, lwkt_stackcheck_sleep,
				   "stackcheck/sleep");
}

static int lwkt_overflow_run(const struct lwkt_ctl_request *req,
			     struct lwkt_ctl_result *res)
{
	return lwkt_stackcheck_run(req, res, lwkt_stackcheck_overflow,
				   "stackcheck/overflow");
}

const struct lwkt_ctl_workload lwkt_wl_warn = {
	.name	= "warn",
	.help	= "WARN() inside an LWKT thread (its backtrace shows the thread)",
	.keys	= lwkt_stackcheck_keys,
	.nkeys	= 1,
	.run	= lwkt_warn_run,
};

const struct lwkt_ctl_workload lwkt_wl_sleep = {
	.name	= "sleep",
	.help	= "msleep() inside an LWKT thread (the host sleeps; its CPU stalls)",
	.keys	= lwkt_stackcheck_keys,
	.nkeys	= ARRAY_SIZE(lwkt_stackcheck_keys),
	.run	= lwkt_sleep_run,
};

const struct lwkt_ctl_workload lwkt_wl_overflow = {
	.name	= "overflow",
	.help	= "overflow an LWKT thread's stack into its guard page (oopses)",
	.keys	= lwkt_stackcheck_keys,
	.nkeys	= 1,
	.run	= lwkt_overflow_run,
};
