// SPDX-License-Identifier: GPL-2.0
/*
 * lwkt_switch(): counting, the idle thread, custom stacks
 * (tests/host/switch_test.cc in the kernel).
 */
#include <linux/delay.h>

#include "lwkt_kunit.h"

struct switch_count {
	struct kunit *test;
	struct lk_latch l;
	u64 other_switches;
};

static void switch_count_other(void *arg)
{
	struct switch_count *s = arg;

	s->other_switches = curthread->td_switches;
	lk_latch_done(&s->l);
}

static void switch_count_body(void *arg)
{
	struct switch_count *s = arg;
	struct kunit *test = s->test;
	thread_t self = curthread;
	u64 before, mine;

	lk_latch_init(&s->l, 1);
	before = lk_cnt()->switch_count;
	mine = self->td_switches;
	lk_spawn(test, TDPRI_KERN_DAEMON, switch_count_other, s, false);
	lwkt_yield();	/* to the other thread, which exits: back to us */
	KUNIT_EXPECT_EQ(test, s->l.count, 0);
	KUNIT_EXPECT_EQ(test, lk_cnt()->switch_count, before + 2);
	KUNIT_EXPECT_EQ(test, self->td_switches, mine + 1);
}

static void lwkt_switch_count_and_td_switches_increment(struct kunit *test)
{
	struct switch_count s = { .test = test };

	lk_run(test, TDPRI_KERN_DAEMON, switch_count_body, &s);
	KUNIT_EXPECT_EQ(test, s.other_switches, 1);
}

static void switch_alone_body(void *arg)
{
	struct kunit *test = arg;
	u64 before = lk_cnt()->switch_count;
	u64 mine = curthread->td_switches;

	lwkt_switch();	/* still scheduled and the best: no switch */
	KUNIT_EXPECT_EQ(test, lk_cnt()->switch_count, before);
	KUNIT_EXPECT_EQ(test, curthread->td_switches, mine);
}

static void lwkt_switch_with_nothing_else_runnable_returns(struct kunit *test)
{
	lk_run(test, TDPRI_KERN_DAEMON, switch_alone_body, test);
}

struct switch_idle {
	thread_t sleeper;
	u64 idle_before, idle_after;
	bool same_thread;
};

static void switch_idle_body(void *arg)
{
	struct switch_idle *s = arg;
	thread_t self = curthread;

	s->idle_before = mycpu->gd_idlethread.td_switches;
	crit_enter();
	WRITE_ONCE(s->sleeper, self);
	lwkt_deschedule_self(self);
	lwkt_switch();	/* nothing runnable: the host idles */
	crit_exit();
	s->idle_after = mycpu->gd_idlethread.td_switches;
	s->same_thread = mycpu->gd_curthread == self;
}

static void lwkt_switch_idle_runs_when_nothing_is_runnable(struct kunit *test)
{
	struct switch_idle s = {};
	struct lk_job job = LK_JOB(LK_CPU, switch_idle_body, &s, "sleeper");
	int i;

	lk_jobs_start(test, &job, 1);
	for (i = 0; i < 5000 && !READ_ONCE(s.sleeper); i++)
		usleep_range(2000, 4000);
	KUNIT_ASSERT_NOT_NULL_MSG(test, READ_ONCE(s.sleeper),
				  "the sleeper did not start in time");
	/*
	 * From Linux context, so through the host's call queue, which runs
	 * in its idle loop: the sleeper has switched away by then.
	 */
	lwkt_schedule(s.sleeper);
	KUNIT_ASSERT_EQ(test, lk_jobs_wait(test, &job, 1, LK_JOB_SECS), 0);
	KUNIT_EXPECT_GT(test, s.idle_after, s.idle_before);
	KUNIT_EXPECT_TRUE(test, s.same_thread);
}

struct switch_stack {
	struct kunit *test;
	struct lk_latch l;
	unsigned long local_addr;
	unsigned long lo;
	int size;
};

static void switch_stack_thread(void *arg)
{
	struct switch_stack *s = arg;
	int local;

	s->local_addr = (unsigned long)&local;
	lk_latch_done(&s->l);
}

static void switch_stack_body(void *arg)
{
	struct switch_stack *s = arg;
	thread_t td = lwkt_alloc_thread(NULL, 64 * 1024, -1);

	KUNIT_EXPECT_NOT_NULL(s->test, td);
	if (!td)
		return;
	lk_latch_init(&s->l, 1);
	s->size = td->td_kstack_size;
	s->lo = (unsigned long)td->td_kstack;
	lwkt_set_entry(td, switch_stack_thread, s);
	lwkt_set_comm(td, "big");
	lwkt_schedule(td);
	lk_latch_wait(&s->l);
}

static void lwkt_switch_custom_stack_size(struct kunit *test)
{
	struct switch_stack s = { .test = test };

	lk_run(test, TDPRI_KERN_DAEMON, switch_stack_body, &s);
	KUNIT_EXPECT_EQ(test, s.size, 64 * 1024);
	KUNIT_EXPECT_GT(test, s.local_addr, s.lo);
	KUNIT_EXPECT_LT(test, s.local_addr, s.lo + 64 * 1024);
}

static struct kunit_case lwkt_switch_cases[] = {
	KUNIT_CASE(lwkt_switch_count_and_td_switches_increment),
	KUNIT_CASE(lwkt_switch_with_nothing_else_runnable_returns),
	KUNIT_CASE(lwkt_switch_idle_runs_when_nothing_is_runnable),
	KUNIT_CASE(lwkt_switch_custom_stack_size),
	{}
};

static struct kunit_suite lwkt_switch_suite = {
	.name = "lwkt_switch",
	.test_cases = lwkt_switch_cases,
};

kunit_test_suites(&lwkt_switch_suite);
