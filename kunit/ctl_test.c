// SPDX-License-Identifier: GPL-2.0
/*
 * The ctl workload table: bad input is rejected with the documented error,
 * one workload at a time, signals stop a workload with -EINTR.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sched/signal.h>

#include "lwkt_kunit.h"

static int lwkt_ctl(const char *line)
{
	return lwkt_ctl_exec(line, strlen(line));
}

static void lwkt_ctl_rejects_bad_input(struct kunit *test)
{
	char line[64];

	KUNIT_EXPECT_EQ(test, lwkt_ctl("pong cpu=0"), -EINVAL);
	KUNIT_EXPECT_EQ(test, lwkt_ctl(""), -EINVAL);
	KUNIT_EXPECT_EQ(test, lwkt_ctl("ping cpu=0 colour=1"), -EINVAL);
	KUNIT_EXPECT_EQ(test, lwkt_ctl("ping cpu=zero"), -EINVAL);
	KUNIT_EXPECT_EQ(test, lwkt_ctl("ping cpu=0 iters"), -EINVAL);
	KUNIT_EXPECT_EQ(test, lwkt_ctl("ping"), -EINVAL);
	KUNIT_EXPECT_EQ(test, lwkt_ctl("ping cpu=0 iters=0"), -ERANGE);
	KUNIT_EXPECT_EQ(test, lwkt_ctl("ping cpu=0 iters=1000000001"), -ERANGE);
	snprintf(line, sizeof(line), "ping cpu=%u", nr_cpu_ids);
	KUNIT_EXPECT_EQ(test, lwkt_ctl(line), -ERANGE);
}

static void lwkt_ctl_runs_ping(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, lwkt_ctl("ping cpu=0 iters=3\n"), 0);
	KUNIT_EXPECT_EQ(test, lwkt_ctl("help"), 0);
}

struct lwkt_ctl_bg {
	struct completion started;
	int ret;
};

static int lwkt_ctl_bg_fn(void *arg)
{
	struct lwkt_ctl_bg *bg = arg;
	int ret;

	allow_signal(SIGKILL);
	complete(&bg->started);
	/* The case's first short ping may take the lock before us: retry. */
	do {
		ret = lwkt_ctl("ping cpu=0 iters=1000000000");
	} while (ret == -EBUSY && !signal_pending(current));
	WRITE_ONCE(bg->ret, ret);
	flush_signals(current);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static void lwkt_ctl_busy_then_interrupted(struct kunit *test)
{
	struct lwkt_ctl_bg bg = { .ret = 1 };
	struct task_struct *t;
	int busy = 0, i;

	init_completion(&bg.started);
	t = kthread_run(lwkt_ctl_bg_fn, &bg, "lwkt-ctl-test");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	get_task_struct(t);
	lk_wait_done(test, &bg.started, "the background ping's thread to start");

	/* The long ping holds the workload lock; a second one must bounce. */
	for (i = 0; i < 200 && busy != -EBUSY; i++) {
		busy = lwkt_ctl("ping cpu=0");
		msleep(5);
	}
	KUNIT_EXPECT_EQ(test, busy, -EBUSY);

	send_sig(SIGKILL, t, 1);
	for (i = 0; i < 100 && READ_ONCE(bg.ret) == 1; i++)
		msleep(10);
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(bg.ret), -EINTR,
			    "the long ping did not end within 1 s of SIGKILL");
	/*
	 * Waits for the ping: unbounded only if it ignored SIGKILL, which the
	 * expectation above has already failed the case for.
	 */
	kthread_stop(t);
	put_task_struct(t);

	/* Free again once the interrupted run has cleaned up. */
	KUNIT_EXPECT_EQ(test, lwkt_ctl("ping cpu=0"), 0);
}

static struct kunit_case lwkt_ctl_cases[] = {
	KUNIT_CASE(lwkt_ctl_rejects_bad_input),
	KUNIT_CASE(lwkt_ctl_runs_ping),
	KUNIT_CASE(lwkt_ctl_busy_then_interrupted),
	{}
};

static struct kunit_suite lwkt_ctl_suite = {
	.name = "lwkt_ctl",
	.test_cases = lwkt_ctl_cases,
};

kunit_test_suites(&lwkt_ctl_suite);
