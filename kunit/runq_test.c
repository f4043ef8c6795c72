// SPDX-License-Identifier: GPL-2.0
/*
 * Run queues: FIFO per priority, highest first, round robin, the lazily
 * cleared mask (tests/host/runq_test.cc in the kernel).
 */
#include "lwkt_kunit.h"

static void runq_fifo_body(void *arg)
{
	struct kunit *test = arg;
	thread_t a, b, c, q[4];
	int n;

	a = lk_spawn(test, 10, lk_nop, NULL, true);
	b = lk_spawn(test, 10, lk_nop, NULL, true);
	c = lk_spawn(test, 10, lk_nop, NULL, true);
	if (!a || !b || !c)
		return;
	/* Nothing of ours runs at 10: only a stale bit could be set. */
	crit_enter();
	lwkt_schedule(a);
	lwkt_schedule(b);
	lwkt_schedule(c);
	KUNIT_EXPECT_TRUE(test, mycpu->gd_runqmask & (1u << 10));
	n = lk_queue(10, q, ARRAY_SIZE(q));
	KUNIT_EXPECT_EQ(test, n, 3);
	KUNIT_EXPECT_PTR_EQ(test, q[0], a);
	KUNIT_EXPECT_PTR_EQ(test, q[1], b);
	KUNIT_EXPECT_PTR_EQ(test, q[2], c);
	KUNIT_EXPECT_TRUE(test, c->td_flags & TDF_RUNQ);
	/* Scheduling a queued thread again does not queue it twice. */
	lwkt_schedule(a);
	KUNIT_EXPECT_EQ(test, lk_queue(10, q, ARRAY_SIZE(q)), 3);
	lwkt_deschedule(b);
	KUNIT_EXPECT_FALSE(test, b->td_flags & TDF_RUNQ);
	n = lk_queue(10, q, ARRAY_SIZE(q));
	KUNIT_EXPECT_EQ(test, n, 2);
	KUNIT_EXPECT_PTR_EQ(test, q[0], a);
	KUNIT_EXPECT_PTR_EQ(test, q[1], c);
	lwkt_deschedule(a);
	lwkt_deschedule(c);
	crit_exit();
	lwkt_free_thread(a);
	lwkt_free_thread(b);
	lwkt_free_thread(c);
}

static void lwkt_runq_fifo_per_priority_and_mask(struct kunit *test)
{
	lk_run(test, TDPRI_KERN_DAEMON, runq_fifo_body, test);
}

struct runq_order {
	struct kunit *test;
	struct lk_latch l;
	int order[4];
	int n;
};

static void runq_order_thread(void *arg)
{
	struct runq_order *o = arg;

	o->order[o->n++] = curthread->td_pri & TDPRI_MASK;
	lk_latch_done(&o->l);
}

static void runq_order_body(void *arg)
{
	static const int pris[] = { 5, 20, 9, 15 };
	struct runq_order *o = arg;
	thread_t tds[ARRAY_SIZE(pris)];
	int i;

	lk_latch_init(&o->l, ARRAY_SIZE(pris));
	for (i = 0; i < ARRAY_SIZE(pris); i++)
		tds[i] = lk_spawn(o->test, pris[i], runq_order_thread, o, true);
	/* Schedule them all from above their priorities, then block. */
	lwkt_setpri_self(TDPRI_MAX);
	for (i = 0; i < ARRAY_SIZE(pris); i++)
		if (tds[i])
			lwkt_schedule(tds[i]);
	lk_latch_wait(&o->l);
}

static void lwkt_runq_highest_priority_first(struct kunit *test)
{
	struct runq_order o = { .test = test };

	lk_run(test, TDPRI_KERN_DAEMON, runq_order_body, &o);
	KUNIT_ASSERT_EQ(test, o.n, 4);
	KUNIT_EXPECT_EQ(test, o.order[0], 20);
	KUNIT_EXPECT_EQ(test, o.order[1], 15);
	KUNIT_EXPECT_EQ(test, o.order[2], 9);
	KUNIT_EXPECT_EQ(test, o.order[3], 5);
}

struct runq_rr {
	struct kunit *test;
	struct lk_latch l;
	struct lk_log log;
	struct lk_arg args[3];
};

static void runq_rr_thread(void *arg)
{
	struct lk_arg *a = arg;
	struct runq_rr *r = a->ctx;
	int i;

	for (i = 0; i < 3; i++) {
		lk_log(&r->log, a->id);
		lwkt_yield();
	}
	lk_latch_done(&r->l);
}

static void runq_rr_body(void *arg)
{
	struct runq_rr *r = arg;
	int i;

	lk_latch_init(&r->l, 3);
	for (i = 0; i < 3; i++) {
		r->args[i] = (struct lk_arg){ .ctx = r, .id = 'A' + i };
		lk_spawn(r->test, TDPRI_KERN_DAEMON, runq_rr_thread,
			 &r->args[i], false);
	}
	lk_latch_wait(&r->l);
}

static void lwkt_runq_round_robin_within_a_priority(struct kunit *test)
{
	struct runq_rr r = { .test = test };

	lk_run(test, TDPRI_KERN_DAEMON, runq_rr_body, &r);
	KUNIT_EXPECT_STREQ(test, r.log.s, "ABCABCABC");
}

struct runq_tail {
	struct kunit *test;
	struct lk_latch l;
	thread_t tds[3];
	thread_t seen[4];
	int nseen;
};

static void runq_tail_first(void *arg)
{
	struct runq_tail *t = arg;

	t->nseen = lk_queue(10, t->seen, ARRAY_SIZE(t->seen));
	lk_latch_done(&t->l);
}

static void runq_tail_other(void *arg)
{
	lk_latch_done(&((struct runq_tail *)arg)->l);
}

static void runq_tail_body(void *arg)
{
	struct runq_tail *t = arg;
	int i;

	lk_latch_init(&t->l, 3);
	t->tds[0] = lk_spawn(t->test, 10, runq_tail_first, t, true);
	t->tds[1] = lk_spawn(t->test, 10, runq_tail_other, t, true);
	t->tds[2] = lk_spawn(t->test, 10, runq_tail_other, t, true);
	for (i = 0; i < 3; i++)
		if (t->tds[i])
			lwkt_schedule(t->tds[i]);
	/* We block: the first runs, queued behind the other two. */
	lk_latch_wait(&t->l);
}

static void lwkt_runq_chosen_thread_moves_to_tail(struct kunit *test)
{
	struct runq_tail t = { .test = test };

	lk_run(test, TDPRI_KERN_DAEMON, runq_tail_body, &t);
	KUNIT_ASSERT_EQ(test, t.nseen, 3);
	KUNIT_EXPECT_PTR_EQ(test, t.seen[0], t.tds[1]);
	KUNIT_EXPECT_PTR_EQ(test, t.seen[1], t.tds[2]);
	KUNIT_EXPECT_PTR_EQ(test, t.seen[2], t.tds[0]);
}

static void runq_stale_body(void *arg)
{
	struct kunit *test = arg;
	thread_t hi = lk_spawn(test, 20, lk_nop, NULL, true);

	if (!hi)
		return;
	crit_enter();
	lwkt_schedule(hi);
	lwkt_deschedule(hi);
	/* Dequeue leaves the bit: the switcher cleans it up. */
	KUNIT_EXPECT_TRUE(test, mycpu->gd_runqmask & (1u << 20));
	KUNIT_EXPECT_EQ(test, lwkt_checkpri_self(), 0);
	crit_exit();
	lwkt_yield();	/* finds queue 20 empty, clears it, picks us */
	KUNIT_EXPECT_FALSE(test, mycpu->gd_runqmask & (1u << 20));
	lwkt_free_thread(hi);
}

static void lwkt_runq_stale_mask_bits_cleared_lazily(struct kunit *test)
{
	lk_run(test, TDPRI_KERN_DAEMON, runq_stale_body, test);
}

static struct kunit_case lwkt_runq_cases[] = {
	KUNIT_CASE(lwkt_runq_fifo_per_priority_and_mask),
	KUNIT_CASE(lwkt_runq_highest_priority_first),
	KUNIT_CASE(lwkt_runq_round_robin_within_a_priority),
	KUNIT_CASE(lwkt_runq_chosen_thread_moves_to_tail),
	KUNIT_CASE(lwkt_runq_stale_mask_bits_cleared_lazily),
	{}
};

static struct kunit_suite lwkt_runq_suite = {
	.name = "lwkt_runq",
	.test_cases = lwkt_runq_cases,
};

kunit_test_suites(&lwkt_runq_suite);
