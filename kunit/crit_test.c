// SPDX-License-Identifier: GPL-2.0
/*
 * Critical sections: nesting in td_pri, deferred work at the last exit,
 * crit_test() (tests/host/crit_test.cc in the kernel). Underflow panics the
 * kernel (crit_panic()), so it is tested in userland only.
 */
#include "lwkt_kunit.h"

static void crit_nesting_body(void *arg)
{
	struct kunit *test = arg;
	thread_t td = curthread;

	KUNIT_EXPECT_EQ(test, td->td_pri, TDPRI_KERN_DAEMON);	/* outside */
	crit_enter();
	crit_enter_gd(mycpu);
	crit_enter_quick(td);
	KUNIT_EXPECT_EQ(test, td->td_pri, TDPRI_KERN_DAEMON + 3 * TDPRI_CRIT);
	crit_exit_quick(td);
	crit_exit_gd(mycpu);
	KUNIT_EXPECT_EQ(test, td->td_pri, TDPRI_KERN_DAEMON + TDPRI_CRIT);
	crit_exit();
	KUNIT_EXPECT_EQ(test, td->td_pri, TDPRI_KERN_DAEMON);
}

static void lwkt_crit_nesting_counts_in_td_pri(struct kunit *test)
{
	lk_run(test, TDPRI_KERN_DAEMON, crit_nesting_body, test);
}

static void crit_test_body(void *arg)
{
	struct kunit *test = arg;
	thread_t td = curthread;
	thread_t stopped = lk_spawn(test, TDPRI_KERN_USER, lk_nop, NULL, true);

	KUNIT_EXPECT_FALSE(test, crit_test(td));
	crit_enter();
	KUNIT_EXPECT_TRUE(test, crit_test(td));
	crit_enter();
	KUNIT_EXPECT_TRUE(test, crit_test(td));
	crit_exit();
	KUNIT_EXPECT_TRUE(test, crit_test(td));
	crit_exit();
	KUNIT_EXPECT_FALSE(test, crit_test(td));
	/* A thread that never ran sits in the level it is switched in with. */
	if (stopped) {
		KUNIT_EXPECT_TRUE(test, crit_test(stopped));
		lwkt_free_thread(stopped);
	}
}

static void lwkt_crit_test(struct kunit *test)
{
	lk_run(test, TDPRI_KERN_DAEMON, crit_test_body, test);
}

struct crit_deferred {
	struct kunit *test;
	struct lk_log log;
	bool flag_inside;
	bool flag_after;
};

static void crit_deferred_high(void *arg)
{
	lk_log(&((struct crit_deferred *)arg)->log, 'h');
}

static void crit_deferred_body(void *arg)
{
	struct crit_deferred *d = arg;

	crit_enter();
	lk_spawn(d->test, TDPRI_SOFT_TIMER, crit_deferred_high, d, false);
	d->flag_inside = lk_resched_requested();
	crit_enter();
	crit_exit();
	lk_log(&d->log, 'i');	/* the inner exit did not switch */
	crit_exit();		/* the last level: the higher thread runs now */
	lk_log(&d->log, 'a');
	d->flag_after = lk_resched_requested();
}

static void lwkt_crit_reschedule_deferred_to_last_exit(struct kunit *test)
{
	struct crit_deferred d = { .test = test };

	lk_run(test, TDPRI_KERN_DAEMON, crit_deferred_body, &d);
	KUNIT_EXPECT_TRUE(test, d.flag_inside);
	KUNIT_EXPECT_STREQ(test, d.log.s, "iha");
	KUNIT_EXPECT_FALSE(test, d.flag_after);
}

static void crit_ipiq_body(void *arg)
{
	struct kunit *test = arg;

	crit_enter();
	__atomic_fetch_or(&mycpu->gd_reqflags, RQF_IPIQ, __ATOMIC_RELAXED);
	crit_enter();
	crit_exit();
	KUNIT_EXPECT_TRUE(test, mycpu->gd_reqflags & RQF_IPIQ);
	crit_exit();
	KUNIT_EXPECT_FALSE(test, mycpu->gd_reqflags & RQF_IPIQ);
}

static void lwkt_crit_pending_ipi_work_runs_at_last_exit(struct kunit *test)
{
	lk_run(test, TDPRI_KERN_DAEMON, crit_ipiq_body, test);
}

static void crit_stale_body(void *arg)
{
	struct kunit *test = arg;
	u64 before;

	crit_enter();
	need_lwkt_resched(mycpu);	/* nothing better is runnable */
	before = lk_cnt()->switch_count;
	crit_exit();
	KUNIT_EXPECT_EQ(test, lk_cnt()->switch_count, before);
	KUNIT_EXPECT_FALSE(test, lk_resched_requested());
}

static void lwkt_crit_stale_reschedule_is_dropped(struct kunit *test)
{
	lk_run(test, TDPRI_KERN_DAEMON, crit_stale_body, test);
}

static struct kunit_case lwkt_crit_cases[] = {
	KUNIT_CASE(lwkt_crit_nesting_counts_in_td_pri),
	KUNIT_CASE(lwkt_crit_test),
	KUNIT_CASE(lwkt_crit_reschedule_deferred_to_last_exit),
	KUNIT_CASE(lwkt_crit_pending_ipi_work_runs_at_last_exit),
	KUNIT_CASE(lwkt_crit_stale_reschedule_is_dropped),
	{}
};

static struct kunit_suite lwkt_crit_suite = {
	.name = "lwkt_crit",
	.test_cases = lwkt_crit_cases,
};

kunit_test_suites(&lwkt_crit_suite);
