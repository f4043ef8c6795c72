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
	int other_pri;
	bool quick;
};

static void yield_other(void *arg)
{
	struct yield_ctx *y = arg;

	lk_log(&y->log, 'o');
	lk_latch_done(&y->l);
}

/*
 * Make a runnable thread at y->other_pri that logs 'o', then yield
 * (lwkt_yield_quick() if y->quick) and log 'b' ('q' after a quick one):
 * the order says whether the yield let the other thread run first.
 */
static void yield_to_other_body(void *arg)
{
	struct yield_ctx *y = arg;

	lk_latch_init(&y->l, 1);
	lk_spawn(y->test, y->other_pri, yield_other, y, false);
	if (y->quick)
		lwkt_yield_quick();
	else
		lwkt_yield();
	lk_log(&y->log, y->quick ? 'q' : 'b');
	lk_latch_wait(&y->l);
}

static void yield_expect_order(struct kunit *test, int other_pri, bool quick,
			       const char *order)
{
	struct yield_ctx y = { .test = test, .other_pri = other_pri,
			       .quick = quick };

	lk_run(test, TDPRI_KERN_DAEMON, yield_to_other_body, &y);
	KUNIT_EXPECT_STREQ(test, y.log.s, order);
}

static void lwkt_yield_to_equal_priority(struct kunit *test)
{
	yield_expect_order(test, TDPRI_KERN_DAEMON, false, "ob");
}

static void lwkt_yield_not_to_lower_priority(struct kunit *test)
{
	yield_expect_order(test, TDPRI_KERN_USER, false, "bo");
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

static void lwkt_yield_quick_does_not_switch_by_default(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, READ_ONCE(lwkt_untimely_switch), 0);
	yield_expect_order(test, TDPRI_KERN_DAEMON, true, "qo");
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
