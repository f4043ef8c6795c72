// SPDX-License-Identifier: GPL-2.0
/*
 * lwkt_preempt(): one test per condition of Documentation/design.rst,
 * "Preemption", and the preempt_hit / preempt_miss / preempt_weird counters
 * (tests/host/preempt_test.cc in the kernel).
 */
#include <linux/spinlock.h>

#include "lwkt_kunit.h"

struct preempt_snap {
	u64 hit, miss, weird;
};

static struct preempt_snap preempt_now(void)
{
	struct lwkt_counters *c = lk_cnt();

	return (struct preempt_snap){ c->preempt_hit, c->preempt_miss,
				      c->preempt_weird };
}

/* A thread that preempts whoever schedules it, if the rules allow. */
static thread_t preemptor(struct kunit *test, int pri, void (*fn)(void *),
			  void *arg)
{
	thread_t td = lk_spawn(test, pri, fn, arg, true);

	if (td)
		td->td_preemptable = lwkt_preempt;
	return td;
}

struct preempt_ctx {
	struct kunit *test;
	struct lk_latch l;
	struct lk_log log;
	thread_t self;
	thread_t p;
	struct preempt_snap s0, s1, s2;
	bool flag;
	bool lock_seen;
	bool preempted_seen;
};

/*
 * Run @body (named @name) on @c, a fresh context for @test; unless @order
 * is NULL, the order its threads logged must be @order.
 */
static void preempt_run(struct kunit *test, struct preempt_ctx *c,
			void (*body)(void *), const char *name,
			const char *order)
{
	*c = (struct preempt_ctx){ .test = test };
	lk_job_run(test, LK_CPU, TDPRI_KERN_DAEMON, body, c, name);
	if (order)
		KUNIT_EXPECT_STREQ(test, c->log.s, order);
}

static void preempt_hit_thread(void *arg)
{
	struct preempt_ctx *c = arg;

	lk_log(&c->log, 'p');
	c->preempted_seen = curthread->td_preempted == c->self;
	c->lock_seen = c->self->td_flags & TDF_PREEMPT_LOCK;
	lk_block();	/* resumes the preempted thread, wherever it was */
	lk_log(&c->log, 'P');
}

static void preempt_hit_body(void *arg)
{
	struct preempt_ctx *c = arg;
	struct kunit *test = c->test;
	thread_t p;

	c->self = curthread;
	c->s0 = preempt_now();
	p = preemptor(test, TDPRI_INT_LOW, preempt_hit_thread, c);
	if (!p)
		return;
	lwkt_schedule(p);
	lk_log(&c->log, 'b');
	c->s1 = preempt_now();
	KUNIT_EXPECT_FALSE(test, c->self->td_flags &
				 (TDF_PREEMPT_LOCK | TDF_PREEMPT_DONE));
	KUNIT_EXPECT_NULL(test, p->td_preempted);
	lwkt_schedule(p);	/* preempts again, then exits */
	c->s2 = preempt_now();
}

static void lwkt_preempt_hit_runs_at_once_and_resumes(struct kunit *test)
{
	struct preempt_ctx c;

	preempt_run(test, &c, LK_FN(preempt_hit_body), "pbP");
	KUNIT_EXPECT_TRUE(test, c.preempted_seen);
	KUNIT_EXPECT_TRUE(test, c.lock_seen);
	KUNIT_EXPECT_EQ(test, c.s1.hit, c.s0.hit + 1);
	KUNIT_EXPECT_EQ(test, c.s1.miss, c.s0.miss);
	KUNIT_EXPECT_EQ(test, c.s1.weird, c.s0.weird);
	KUNIT_EXPECT_EQ(test, c.s2.hit, c.s0.hit + 2);
}

static void preempt_log_p(void *arg)
{
	struct preempt_ctx *c = arg;

	lk_log(&c->log, 'p');
	lk_latch_done(&c->l);
}

/*
 * The counters into c->s0, and a preemptor at TDPRI_INT_LOW that logs 'p'
 * and counts c->l down when it runs; NULL if it could not be made.
 */
static thread_t preempt_p(struct preempt_ctx *c)
{
	lk_latch_init(&c->l, 1);
	c->s0 = preempt_now();
	return preemptor(c->test, TDPRI_INT_LOW, preempt_log_p, c);
}

static void preempt_desched_body(void *arg)
{
	struct preempt_ctx *c = arg;
	thread_t self = curthread;
	thread_t p = preempt_p(c);

	if (!p)
		return;
	crit_enter();
	lwkt_deschedule_self(self);
	crit_exit();
	/* Preemption resumes us although we are not on a run queue. */
	lwkt_schedule(p);
	lk_log(&c->log, 'b');
	lwkt_schedule_self(self);
}

static void lwkt_preempt_even_a_descheduled_thread(struct kunit *test)
{
	struct preempt_ctx c;

	preempt_run(test, &c, LK_FN(preempt_desched_body), "pb");
}

static void preempt_log_id(void *arg)
{
	struct lk_arg *a = arg;
	struct preempt_ctx *c = a->ctx;

	lk_log(&c->log, a->id);
	lk_latch_done(&c->l);
}

static void preempt_not_higher_body(void *arg)
{
	struct preempt_ctx *c = arg;
	struct lk_arg lower = { .ctx = c, .id = 'l' };
	struct lk_arg equal = { .ctx = c, .id = 'e' };
	thread_t tl, te;

	lk_latch_init(&c->l, 2);
	c->s0 = preempt_now();
	tl = preemptor(c->test, TDPRI_KERN_USER, preempt_log_id, &lower);
	te = preemptor(c->test, TDPRI_KERN_DAEMON, preempt_log_id, &equal);
	if (!tl || !te)
		return;
	lwkt_schedule(tl);
	lwkt_schedule(te);
	lk_log(&c->log, 'b');
	c->s1 = preempt_now();
	/* Not better than us: not even a reschedule request. */
	c->flag = lk_resched_requested();
	lk_latch_wait(&c->l);
}

static void lwkt_preempt_miss_when_not_higher(struct kunit *test)
{
	struct preempt_ctx c;

	preempt_run(test, &c, LK_FN(preempt_not_higher_body), "bel");
	KUNIT_EXPECT_EQ(test, c.s1.miss, c.s0.miss + 2);
	KUNIT_EXPECT_EQ(test, c.s1.hit, c.s0.hit);
	KUNIT_EXPECT_FALSE(test, c.flag);
}

static void preempt_crit_body(void *arg)
{
	struct preempt_ctx *c = arg;
	thread_t p = preempt_p(c);

	if (!p)
		return;
	crit_enter();	/* one level more than lwkt_schedule()'s own */
	lwkt_schedule(p);
	lk_log(&c->log, 'c');
	c->s1 = preempt_now();
	c->flag = lk_resched_requested();
	crit_exit();	/* the reschedule happens here */
	lk_log(&c->log, 'a');
	c->s2 = preempt_now();
}

static void lwkt_preempt_miss_when_caller_holds_more_crit(struct kunit *test)
{
	struct preempt_ctx c;

	preempt_run(test, &c, LK_FN(preempt_crit_body), "cpa");
	KUNIT_EXPECT_EQ(test, c.s1.miss, c.s0.miss + 1);
	KUNIT_EXPECT_TRUE(test, c.flag);
	KUNIT_EXPECT_EQ(test, c.s2.hit, c.s0.hit);
}

static void preempt_critpri_body(void *arg)
{
	struct preempt_ctx *c = arg;
	thread_t p = preempt_p(c);

	if (!p)
		return;
	/* Two levels held, and the caller says it owns two: allowed. */
	crit_enter();
	crit_enter();
	lwkt_preempt(p, 2 * TDPRI_CRIT);
	lk_log(&c->log, 'b');
	crit_exit();
	crit_exit();
	c->s1 = preempt_now();
}

static void lwkt_preempt_critpri_is_the_callers_allowance(struct kunit *test)
{
	struct preempt_ctx c;

	preempt_run(test, &c, LK_FN(preempt_critpri_body), "pb");
	KUNIT_EXPECT_EQ(test, c.s1.hit, c.s0.hit + 1);
}

/*
 * The conditions below are checked on a preemptor that is made to look
 * wrong for one call of lwkt_preempt(), then put right and freed: it
 * never runs.
 */
enum preempt_fake {
	FAKE_OTHER_CPU,
	FAKE_TOKENS,
	FAKE_NTD_PREEMPT_LOCK,
	FAKE_NTD_PREEMPTING,
};

struct preempt_fake_ctx {
	struct kunit *test;
	enum preempt_fake what;
	struct preempt_snap s0, s1;
	u64 switches0, switches1;
	bool flag;
};

/* Stands for another CPU's globaldata: only compared, never used. */
static struct lwkt_globaldata preempt_other_gd;
static unsigned long preempt_fake_tokref[8];

static void preempt_fake_body(void *arg)
{
	struct preempt_fake_ctx *f = arg;
	thread_t p = preemptor(f->test, TDPRI_INT_LOW, lk_nop, NULL);
	thread_t victim = NULL;

	if (!p)
		return;
	if (f->what == FAKE_NTD_PREEMPTING) {
		victim = lk_spawn(f->test, TDPRI_IDLE, lk_nop, NULL, true);
		if (!victim) {
			lwkt_free_thread(p);
			return;
		}
	}
	f->s0 = preempt_now();
	f->switches0 = lk_cnt()->switch_count;
	crit_enter();
	switch (f->what) {
	case FAKE_OTHER_CPU:
		p->td_gd = &preempt_other_gd;
		break;
	case FAKE_TOKENS:
		p->td_toks = (struct lwkt_tokref *)preempt_fake_tokref;
		break;
	case FAKE_NTD_PREEMPT_LOCK:
		p->td_flags |= TDF_PREEMPT_LOCK;
		break;
	case FAKE_NTD_PREEMPTING:
		p->td_preempted = victim;	/* as if p were mid-preemption */
		break;
	}
	lwkt_preempt(p, TDPRI_CRIT);
	p->td_gd = mycpu;
	p->td_toks = NULL;
	p->td_flags &= ~TDF_PREEMPT_LOCK;
	p->td_preempted = NULL;
	f->s1 = preempt_now();
	f->switches1 = lk_cnt()->switch_count;
	f->flag = lk_resched_requested();
	crit_exit();
	lwkt_free_thread(p);
	if (victim)
		lwkt_free_thread(victim);
}

static void preempt_fake_run(struct kunit *test, enum preempt_fake what,
			     bool weird)
{
	struct preempt_fake_ctx f = { .test = test, .what = what };

	lk_run(test, TDPRI_KERN_DAEMON, preempt_fake_body, &f);
	KUNIT_EXPECT_EQ(test, f.s1.hit, f.s0.hit);
	KUNIT_EXPECT_EQ(test, f.s1.miss, f.s0.miss + !weird);
	KUNIT_EXPECT_EQ(test, f.s1.weird, f.s0.weird + weird);
	KUNIT_EXPECT_EQ(test, f.switches1, f.switches0);
	/* A failed attempt at a better thread asks for a reschedule. */
	KUNIT_EXPECT_TRUE(test, f.flag);
}

static void lwkt_preempt_miss_when_target_on_another_cpu(struct kunit *test)
{
	preempt_fake_run(test, FAKE_OTHER_CPU, false);
}

static void lwkt_preempt_miss_when_target_holds_tokens(struct kunit *test)
{
	preempt_fake_run(test, FAKE_TOKENS, false);
}

static void lwkt_preempt_weird_when_target_has_preempt_lock(struct kunit *test)
{
	preempt_fake_run(test, FAKE_NTD_PREEMPT_LOCK, true);
}

static void lwkt_preempt_weird_when_target_is_preempting(struct kunit *test)
{
	preempt_fake_run(test, FAKE_NTD_PREEMPTING, true);
}

static void preempt_self_body(void *arg)
{
	struct preempt_fake_ctx *f = arg;

	f->s0 = preempt_now();
	f->switches0 = lk_cnt()->switch_count;
	crit_enter();
	lwkt_preempt(curthread, TDPRI_CRIT);
	crit_exit();
	f->s1 = preempt_now();
	f->switches1 = lk_cnt()->switch_count;
}

static void lwkt_preempt_self_never_preempts(struct kunit *test)
{
	struct preempt_fake_ctx f = { .test = test };

	lk_run(test, TDPRI_KERN_DAEMON, preempt_self_body, &f);
	/* Not higher than itself: the priority rule catches it first. */
	KUNIT_EXPECT_EQ(test, f.s1.miss, f.s0.miss + 1);
	KUNIT_EXPECT_EQ(test, f.s1.hit, f.s0.hit);
	KUNIT_EXPECT_EQ(test, f.switches1, f.switches0);
}

static void preempt_back_thread(void *arg)
{
	struct preempt_ctx *c = arg;

	/*
	 * We preempted c->self, which holds PREEMPT_LOCK now. Drop below it
	 * and let it try to preempt us back: refused as weird.
	 */
	lwkt_setpri_self(TDPRI_KERN_USER);
	crit_enter();
	lwkt_preempt(c->self, TDPRI_CRIT);
	c->flag = lk_resched_requested();
	crit_exit();
	lk_latch_done(&c->l);
}

static void preempt_back_body(void *arg)
{
	struct preempt_ctx *c = arg;
	thread_t p;

	c->self = curthread;
	lk_latch_init(&c->l, 1);
	c->s0 = preempt_now();
	p = preemptor(c->test, TDPRI_INT_LOW, preempt_back_thread, c);
	if (!p)
		return;
	lwkt_schedule(p);
	c->s1 = preempt_now();
	lk_latch_wait(&c->l);
}

static void lwkt_preempt_weird_when_current_is_preempted(struct kunit *test)
{
	struct preempt_ctx c;

	preempt_run(test, &c, LK_FN(preempt_back_body), NULL);
	KUNIT_EXPECT_EQ(test, c.s1.weird, c.s0.weird + 1);
	KUNIT_EXPECT_EQ(test, c.s1.hit, c.s0.hit + 1);
	KUNIT_EXPECT_TRUE(test, c.flag);
}

static void preempt_nested_q(void *arg)
{
	lk_log(&((struct preempt_ctx *)arg)->log, 'q');
}

static void preempt_nested_p(void *arg)
{
	struct preempt_ctx *c = arg;

	lk_log(&c->log, 'p');
	lwkt_schedule(c->p);	/* q preempts p */
	lk_log(&c->log, 'e');
}

static void preempt_nested_body(void *arg)
{
	struct preempt_ctx *c = arg;
	thread_t p;

	c->s0 = preempt_now();
	c->p = preemptor(c->test, TDPRI_INT_HIGH, preempt_nested_q, c);
	p = preemptor(c->test, TDPRI_INT_LOW, preempt_nested_p, c);
	if (!c->p || !p)
		return;
	lwkt_schedule(p);
	lk_log(&c->log, 't');
	c->s1 = preempt_now();
}

static void lwkt_preempt_nested_unwinds_in_order(struct kunit *test)
{
	struct preempt_ctx c;

	preempt_run(test, &c, LK_FN(preempt_nested_body), "pqet");
	KUNIT_EXPECT_EQ(test, c.s1.hit, c.s0.hit + 2);
}

static DEFINE_SPINLOCK(preempt_lock);

static void preempt_refused_body(void *arg)
{
	struct preempt_ctx *c = arg;
	thread_t p = preempt_p(c);
	u64 refused0, refused1;

	if (!p)
		return;
	refused0 = lk_cnt()->switch_refused;
	/*
	 * The preemption is refused, and so is the reschedule at
	 * lwkt_schedule()'s own crit_exit: the request stays pending.
	 */
	spin_lock(&preempt_lock);
	lwkt_schedule(p);
	spin_unlock(&preempt_lock);
	refused1 = lk_cnt()->switch_refused;
	c->s1 = preempt_now();
	c->flag = lk_resched_requested();
	lk_log(&c->log, 'r');
	crit_enter();
	crit_exit();	/* the next preemption point runs p */
	lk_log(&c->log, 'a');
	KUNIT_EXPECT_EQ(c->test, refused1, refused0 + 2);
}

static void lwkt_preempt_miss_when_the_host_refuses(struct kunit *test)
{
	struct preempt_ctx c;

	preempt_run(test, &c, LK_FN(preempt_refused_body), "rpa");
	KUNIT_EXPECT_EQ(test, c.s1.miss, c.s0.miss + 1);
	KUNIT_EXPECT_EQ(test, c.s1.hit, c.s0.hit);
	KUNIT_EXPECT_TRUE(test, c.flag);
}

static struct kunit_case lwkt_preempt_cases[] = {
	KUNIT_CASE(lwkt_preempt_hit_runs_at_once_and_resumes),
	KUNIT_CASE(lwkt_preempt_even_a_descheduled_thread),
	KUNIT_CASE(lwkt_preempt_miss_when_not_higher),
	KUNIT_CASE(lwkt_preempt_miss_when_caller_holds_more_crit),
	KUNIT_CASE(lwkt_preempt_critpri_is_the_callers_allowance),
	KUNIT_CASE(lwkt_preempt_miss_when_target_on_another_cpu),
	KUNIT_CASE(lwkt_preempt_miss_when_target_holds_tokens),
	KUNIT_CASE(lwkt_preempt_weird_when_target_has_preempt_lock),
	KUNIT_CASE(lwkt_preempt_weird_when_target_is_preempting),
	KUNIT_CASE(lwkt_preempt_weird_when_current_is_preempted),
	KUNIT_CASE(lwkt_preempt_self_never_preempts),
	KUNIT_CASE(lwkt_preempt_nested_unwinds_in_order),
	KUNIT_CASE(lwkt_preempt_miss_when_the_host_refuses),
	{}
};

static struct kunit_suite lwkt_preempt_suite = {
	.name = "lwkt_preempt",
	.test_cases = lwkt_preempt_cases,
};

kunit_test_suites(&lwkt_preempt_suite);
