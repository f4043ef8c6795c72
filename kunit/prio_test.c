// SPDX-License-Identifier: GPL-2.0
/*
 * Priorities: strict priority with round robin, lwkt_setpri(),
 * lwkt_setpri_self(), lwkt_checkpri_self() (tests/host/prio_test.cc and
 * setpri_test.cc in the kernel).
 */
#include "lwkt_kunit.h"

struct prio_ctx {
	struct kunit *test;
	struct lk_latch l;
	struct lk_log log;
	struct lk_arg args[6];
	int checkpri;
	char other;		/* what prio_log_other() logs */
};

/*
 * Run @body (named @name) on @p, a fresh context for @test: the order its
 * threads logged must be @order.
 */
static void prio_run(struct kunit *test, struct prio_ctx *p,
		     void (*body)(void *), const char *name, const char *order)
{
	*p = (struct prio_ctx){ .test = test };
	lk_job_run(test, LK_CPU, TDPRI_KERN_DAEMON, body, p, name);
	KUNIT_EXPECT_STREQ(test, p->log.s, order);
}

/* The other thread of a case: logs p->other, counts p->l down. */
static void prio_log_other(void *arg)
{
	struct prio_ctx *p = arg;

	lk_log(&p->log, p->other);
	lk_latch_done(&p->l);
}

static void prio_rr_thread(void *arg)
{
	struct lk_arg *a = arg;
	struct prio_ctx *p = a->ctx;
	int i;

	for (i = 0; i < 3; i++) {
		lk_log(&p->log, a->id);
		lwkt_yield();
	}
	lk_latch_done(&p->l);
}

static void prio_rr_body(void *arg)
{
	static const struct { char id; int pri; } ws[] = {
		{ 'a', 5 }, { 'B', 15 }, { 'x', 10 },
		{ 'b', 5 }, { 'C', 15 }, { 'y', 10 },
	};
	struct prio_ctx *p = arg;
	thread_t tds[ARRAY_SIZE(ws)];
	int i;

	lk_latch_init(&p->l, ARRAY_SIZE(ws));
	for (i = 0; i < ARRAY_SIZE(ws); i++) {
		p->args[i] = (struct lk_arg){ .ctx = p, .id = ws[i].id };
		tds[i] = lk_spawn(p->test, ws[i].pri, prio_rr_thread,
				  &p->args[i], true);
	}
	lwkt_setpri_self(TDPRI_INT_HIGH);
	for (i = 0; i < ARRAY_SIZE(ws); i++)
		if (tds[i])
			lwkt_schedule(tds[i]);
	lk_latch_wait(&p->l);
}

static void lwkt_prio_strict_priority_with_round_robin(struct kunit *test)
{
	struct prio_ctx p;

	prio_run(test, &p, LK_FN(prio_rr_body), "BCBCBCxyxyxyababab");
}

static void prio_higher_body(void *arg)
{
	struct prio_ctx *p = arg;

	lk_latch_init(&p->l, 1);
	p->other = 'h';
	lk_spawn(p->test, TDPRI_SOFT_NORM, prio_log_other, p, false);
	lk_log(&p->log, 'c');
	lk_latch_wait(&p->l);
}

static void lwkt_prio_higher_scheduled_from_lower_runs_at_once(struct kunit *test)
{
	struct prio_ctx p;

	/* lwkt_schedule() asked for a reschedule; its own crit_exit did it. */
	prio_run(test, &p, LK_FN(prio_higher_body), "hc");
}

static void prio_noresched_body(void *arg)
{
	struct prio_ctx *p = arg;
	thread_t td;

	lk_latch_init(&p->l, 1);
	p->other = 'h';
	td = lk_spawn(p->test, TDPRI_SOFT_NORM, prio_log_other, p, true);
	if (!td)
		return;
	td->td_flags |= TDF_NORESCHED;
	lwkt_schedule(td);
	lk_log(&p->log, 'c');
	p->checkpri = lwkt_checkpri_self();
	lk_latch_wait(&p->l);
}

static void lwkt_prio_noresched_defers_the_switch(struct kunit *test)
{
	struct prio_ctx p;

	prio_run(test, &p, LK_FN(prio_noresched_body), "ch");
	KUNIT_EXPECT_EQ(test, p.checkpri, 1);
}

static struct kunit_case lwkt_prio_cases[] = {
	KUNIT_CASE(lwkt_prio_strict_priority_with_round_robin),
	KUNIT_CASE(lwkt_prio_higher_scheduled_from_lower_runs_at_once),
	KUNIT_CASE(lwkt_prio_noresched_defers_the_switch),
	{}
};

static struct kunit_suite lwkt_prio_suite = {
	.name = "lwkt_prio",
	.test_cases = lwkt_prio_cases,
};

/* lwkt_setpri() / lwkt_setpri_self() */

static void setpri_crit_body(void *arg)
{
	struct kunit *test = arg;
	thread_t td = curthread;

	crit_enter();
	crit_enter();
	lwkt_setpri_self(TDPRI_SOFT_TIMER);
	KUNIT_EXPECT_EQ(test, td->td_pri, TDPRI_SOFT_TIMER + 2 * TDPRI_CRIT);
	crit_exit();
	crit_exit();
	KUNIT_EXPECT_EQ(test, td->td_pri, TDPRI_SOFT_TIMER);
	/* lwkt_setpri() on ourselves keeps it too. */
	crit_enter();
	lwkt_setpri(td, TDPRI_KERN_DAEMON);
	KUNIT_EXPECT_EQ(test, td->td_pri, TDPRI_KERN_DAEMON + TDPRI_CRIT);
	crit_exit();
	KUNIT_EXPECT_EQ(test, td->td_pri, TDPRI_KERN_DAEMON);
}

static void lwkt_setpri_keeps_the_critical_count(struct kunit *test)
{
	lk_run(test, TDPRI_KERN_DAEMON, setpri_crit_body, test);
}

static void setpri_requeue_body(void *arg)
{
	struct kunit *test = arg;
	thread_t a, b, c, q[4];
	int i, n;

	a = lk_spawn(test, 10, lk_nop, NULL, true);
	b = lk_spawn(test, 10, lk_nop, NULL, true);
	c = lk_spawn(test, 10, lk_nop, NULL, true);
	if (!a || !b || !c)
		return;
	lwkt_schedule(a);
	lwkt_schedule(b);
	lwkt_schedule(c);
	lwkt_setpri(a, 10);
	n = lk_queue(10, q, ARRAY_SIZE(q));
	KUNIT_EXPECT_EQ(test, n, 3);
	KUNIT_EXPECT_PTR_EQ(test, q[0], b);
	KUNIT_EXPECT_PTR_EQ(test, q[1], c);
	KUNIT_EXPECT_PTR_EQ(test, q[2], a);
	lwkt_setpri(b, 11);
	n = lk_queue(10, q, ARRAY_SIZE(q));
	KUNIT_EXPECT_EQ(test, n, 2);
	KUNIT_EXPECT_PTR_EQ(test, q[0], c);
	KUNIT_EXPECT_PTR_EQ(test, q[1], a);
	n = lk_queue(11, q, ARRAY_SIZE(q));
	KUNIT_EXPECT_EQ(test, n, 1);
	KUNIT_EXPECT_PTR_EQ(test, q[0], b);
	KUNIT_EXPECT_TRUE(test, mycpu->gd_runqmask & (1u << 11));
	/* Not queued: only the priority changes. */
	lwkt_deschedule(c);
	lwkt_setpri(c, 3);
	KUNIT_EXPECT_EQ(test, c->td_pri & TDPRI_MASK, 3);
	KUNIT_EXPECT_FALSE(test, c->td_flags & TDF_RUNQ);
	/* Created threads sit in one critical level until they first run. */
	KUNIT_EXPECT_EQ(test, c->td_pri, 3 + TDPRI_CRIT);
	for (i = 0; i < 3; i++) {
		thread_t t = i == 0 ? a : i == 1 ? b : c;

		lwkt_deschedule(t);
		lwkt_free_thread(t);
	}
}

static void lwkt_setpri_requeues_at_the_tail(struct kunit *test)
{
	lk_run(test, TDPRI_KERN_DAEMON, setpri_requeue_body, test);
}

static void setpri_noswitch_body(void *arg)
{
	struct prio_ctx *p = arg;
	thread_t x;

	lk_latch_init(&p->l, 1);
	p->other = 'x';
	x = lk_spawn(p->test, TDPRI_KERN_USER, prio_log_other, p, false);
	if (!x)
		return;
	lwkt_setpri(x, TDPRI_SOFT_NORM);	/* now above us */
	lk_log(&p->log, '1');
	p->checkpri = lwkt_checkpri_self();
	lwkt_setpri_self(TDPRI_KERN_DAEMON);	/* no switch either */
	lk_log(&p->log, '2');
	lwkt_yield();
	lk_log(&p->log, '3');
	KUNIT_EXPECT_EQ(p->test, p->l.count, 0);
}

static void lwkt_setpri_never_switches_by_itself(struct kunit *test)
{
	struct prio_ctx p;

	prio_run(test, &p, LK_FN(setpri_noswitch_body), "12x3");
	KUNIT_EXPECT_EQ(test, p.checkpri, 1);
}

static void setpri_lower_self_body(void *arg)
{
	struct prio_ctx *p = arg;

	lk_latch_init(&p->l, 1);
	p->other = 'x';
	lk_spawn(p->test, TDPRI_KERN_USER, prio_log_other, p, false);
	lwkt_setpri_self(TDPRI_USER_NORM);
	lk_log(&p->log, 'l');
	p->checkpri = lwkt_checkpri_self();
	lk_latch_wait(&p->l);
}

static void lwkt_setpri_self_lowering_does_not_switch(struct kunit *test)
{
	struct prio_ctx p;

	prio_run(test, &p, LK_FN(setpri_lower_self_body), "lx");
	KUNIT_EXPECT_EQ(test, p.checkpri, 1);
}

static struct kunit_case lwkt_setpri_cases[] = {
	KUNIT_CASE(lwkt_setpri_keeps_the_critical_count),
	KUNIT_CASE(lwkt_setpri_requeues_at_the_tail),
	KUNIT_CASE(lwkt_setpri_never_switches_by_itself),
	KUNIT_CASE(lwkt_setpri_self_lowering_does_not_switch),
	{}
};

static struct kunit_suite lwkt_setpri_suite = {
	.name = "lwkt_setpri",
	.test_cases = lwkt_setpri_cases,
};

/* lwkt_checkpri_self() */

static void checkpri_higher_body(void *arg)
{
	struct kunit *test = arg;
	thread_t eq = lk_spawn(test, TDPRI_KERN_DAEMON, lk_nop, NULL, true);
	thread_t hi = lk_spawn(test, TDPRI_SOFT_NORM, lk_nop, NULL, true);

	if (!eq || !hi)
		return;
	KUNIT_EXPECT_EQ(test, lwkt_checkpri_self(), 0);
	crit_enter();
	lwkt_schedule(eq);
	KUNIT_EXPECT_EQ(test, lwkt_checkpri_self(), 0);	/* equal: not higher */
	lwkt_schedule(hi);
	KUNIT_EXPECT_EQ(test, lwkt_checkpri_self(), 1);
	lwkt_deschedule(hi);
	lwkt_deschedule(eq);
	crit_exit();
	lwkt_free_thread(eq);
	lwkt_free_thread(hi);
}

static void lwkt_checkpri_self_sees_only_higher_runnable(struct kunit *test)
{
	lk_run(test, TDPRI_KERN_DAEMON, checkpri_higher_body, test);
}

static void checkpri_stale_body(void *arg)
{
	struct kunit *test = arg;
	thread_t hi = lk_spawn(test, TDPRI_SOFT_NORM, lk_nop, NULL, true);

	if (!hi)
		return;
	crit_enter();
	lwkt_schedule(hi);
	lwkt_deschedule(hi);
	/* The mask bit stays until the switcher clears it: not counted. */
	KUNIT_EXPECT_TRUE(test, mycpu->gd_runqmask & (1u << TDPRI_SOFT_NORM));
	KUNIT_EXPECT_EQ(test, lwkt_checkpri_self(), 0);
	crit_exit();
	lwkt_setpri_self(TDPRI_MAX);
	KUNIT_EXPECT_EQ(test, lwkt_checkpri_self(), 0);	/* nothing above 31 */
	lwkt_free_thread(hi);
}

static void lwkt_checkpri_self_ignores_stale_bits(struct kunit *test)
{
	lk_run(test, TDPRI_KERN_DAEMON, checkpri_stale_body, test);
}

static struct kunit_case lwkt_checkpri_cases[] = {
	KUNIT_CASE(lwkt_checkpri_self_sees_only_higher_runnable),
	KUNIT_CASE(lwkt_checkpri_self_ignores_stale_bits),
	{}
};

static struct kunit_suite lwkt_checkpri_suite = {
	.name = "lwkt_checkpri",
	.test_cases = lwkt_checkpri_cases,
};

kunit_test_suites(&lwkt_prio_suite, &lwkt_setpri_suite, &lwkt_checkpri_suite);
