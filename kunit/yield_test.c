// SPDX-License-Identifier: GPL-2.0
/*
 * lwkt_yield(), lwkt_yield_quick() and the untimely_switch knob
 * (tests/host/yield_test.cc in the kernel).
 */
#include "lwkt_kunit.h"

struct yield_ctx {
	struct kunit *test;
	struct lk_latch l;
	struct lk_log log;
};

static void yield_other(void *arg)
{
	struct yield_ctx *y = arg;

	lk_log(&y->log, 'o');
	lk_latch_done(&y->l);
}

static void yield_equal_body(void *arg)
{
	struct yield_ctx *y = arg;

	lk_latch_init(&y->l, 1);
	lk_spawn(y->test, TDPRI_KERN_DAEMON, yield_other, y, false);
	lwkt_yield();
	lk_log(&y->log, 'b');
	lk_latch_wait(&y->l);
}

static void lwkt_yield_to_equal_priority(struct kunit *test)
{
	struct yield_ctx y = { .test = test };

	lk_run(test, TDPRI_KERN_DAEMON, yield_equal_body, &y);
	KUNIT_EXPECT_STREQ(test, y.log.s, "ob");
}

static void yield_lower_body(void *arg)
{
	struct yield_ctx *y = arg;

	lk_latch_init(&y->l, 1);
	lk_spawn(y->test, TDPRI_KERN_USER, yield_other, y, false);
	lwkt_yield();
	lk_log(&y->log, 'b');
	lk_latch_wait(&y->l);
}

static void lwkt_yield_not_to_lower_priority(struct kunit *test)
{
	struct yield_ctx y = { .test = test };

	lk_run(test, TDPRI_KERN_DAEMON, yield_lower_body, &y);
	KUNIT_EXPECT_STREQ(test, y.log.s, "bo");
}

static void yield_desched_body(void *arg)
{
	struct kunit *test = arg;
	thread_t td = curthread;

	lwkt_deschedule_self(td);
	KUNIT_EXPECT_FALSE(test, td->td_flags & TDF_RUNQ);
	lwkt_yield();	/* schedules us again, so we come back */
	KUNIT_EXPECT_TRUE(test, td->td_flags & TDF_RUNQ);
}

static void lwkt_yield_when_descheduled_reschedules(struct kunit *test)
{
	lk_run(test, TDPRI_KERN_DAEMON, yield_desched_body, test);
}

static void yield_quick_body(void *arg)
{
	struct yield_ctx *y = arg;

	lk_latch_init(&y->l, 1);
	lk_spawn(y->test, TDPRI_KERN_DAEMON, yield_other, y, false);
	lwkt_yield_quick();
	lk_log(&y->log, 'q');
	lk_latch_wait(&y->l);
}

static void lwkt_yield_quick_does_not_switch_by_default(struct kunit *test)
{
	struct yield_ctx y = { .test = test };

	KUNIT_ASSERT_EQ(test, READ_ONCE(lwkt_untimely_switch), 0);
	lk_run(test, TDPRI_KERN_DAEMON, yield_quick_body, &y);
	KUNIT_EXPECT_STREQ(test, y.log.s, "qo");
}

static void yield_untimely_body(void *arg)
{
	struct yield_ctx *y = arg;
	thread_t td = curthread;

	lk_latch_init(&y->l, 2);
	__atomic_store_n(&lwkt_untimely_switch, 1, __ATOMIC_RELAXED);
	lk_spawn(y->test, TDPRI_KERN_DAEMON, yield_other, y, false);
	lwkt_yield_quick();
	lk_log(&y->log, 's');
	KUNIT_EXPECT_TRUE(y->test, td->td_flags & TDF_RUNQ);

	/* Descheduled (about to block): switched, and still descheduled. */
	lk_spawn(y->test, TDPRI_KERN_DAEMON, yield_other, y, false);
	crit_enter();
	lwkt_deschedule_self(td);
	lwkt_yield_quick();
	KUNIT_EXPECT_FALSE(y->test, td->td_flags & TDF_RUNQ);
	lwkt_schedule_self(td);
	crit_exit();
	lk_log(&y->log, 'd');
	__atomic_store_n(&lwkt_untimely_switch, 0, __ATOMIC_RELAXED);
	lk_latch_wait(&y->l);
}

static void lwkt_yield_untimely_switch_forces_a_switch(struct kunit *test)
{
	struct yield_ctx y = { .test = test };

	lk_run(test, TDPRI_KERN_DAEMON, yield_untimely_body, &y);
	KUNIT_EXPECT_STREQ(test, y.log.s, "osod");
}

static struct kunit_case lwkt_yield_cases[] = {
	KUNIT_CASE(lwkt_yield_to_equal_priority),
	KUNIT_CASE(lwkt_yield_not_to_lower_priority),
	KUNIT_CASE(lwkt_yield_when_descheduled_reschedules),
	KUNIT_CASE(lwkt_yield_quick_does_not_switch_by_default),
	KUNIT_CASE(lwkt_yield_untimely_switch_forces_a_switch),
	{}
};

static struct kunit_suite lwkt_yield_suite = {
	.name = "lwkt_yield",
	.test_cases = lwkt_yield_cases,
};

kunit_test_suites(&lwkt_yield_suite);
