// SPDX-License-Identifier: GPL-2.0
/*
 * Tokens (Documentation/design.rst, "Tokens") with real CPUs and real IPIs: a
 * holder that blocks or yields lets the token go and has it back when it runs
 * again; the switcher skips a runnable thread whose token another CPU holds
 * (token_contention_count); two CPUs taking two tokens in opposite orders
 * never deadlock and never both hold one; trytoken and recursion; the pool of
 * tokens hashed by address.
 *
 * LWKT-side code records what it saw; the KUnit case checks it afterwards
 * (never KUNIT_ASSERT in an LWKT thread). A thread that must keep a token
 * while it waits for another CPU spins without switching: any switch,
 * lwkt_yield() included, would let the token go.
 */
#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include <lwkt/token.h>

#include "lwkt_kunit.h"

#define TK_JOB_SECS	120

/* Another CPU's token_contention_count (it only grows). */
static u64 tk_contention(int cpu)
{
	return READ_ONCE(lwkt_cpu_gd(cpu)->gd_cnt.token_contention_count);
}

/* --- one CPU: a yield lets the token go, the thread has it back --- */

struct tk_yield {
	struct lwkt_token tok;
	int held_before, other_got, other_saw_owner, held_after;
	int owner_after;
	int refs_after;
};

static void tk_yield_other(void *arg)
{
	struct lwkt_tokref ref;
	struct tk_yield *y = arg;

	/* Runs while the holder is switched out: the token is free. */
	y->other_saw_owner = READ_ONCE(y->tok.t_owner) != NULL;
	y->other_got = lwkt_trytoken(&ref, &y->tok);
	if (y->other_got)
		lwkt_reltoken(&ref);
}

static void tk_yield_holder(void *arg)
{
	struct tk_yield *y = arg;
	struct lwkt_tokref ref;
	thread_t other;

	lwkt_gettoken(&ref, &y->tok);
	y->held_before = lwkt_havetoken(&y->tok);
	other = NULL;
	if (lwkt_create(tk_yield_other, y, &other, NULL, TDF_STOPREQ, -1,
			"tk-other"))
		return;
	lwkt_setpri(other, TDPRI_KERN_DAEMON);
	lwkt_schedule(other);
	lwkt_yield();		/* the other thread runs (equal priority) */
	y->held_after = lwkt_havetoken(&y->tok);
	y->owner_after = READ_ONCE(y->tok.t_owner) == curthread;
	y->refs_after = curthread->td_toks == &ref;
	lwkt_reltoken(&ref);
}

static void lwkt_token_yield_releases_and_reacquires(struct kunit *test)
{
	struct tk_yield y = {};

	lwkt_token_init(&y.tok, "tk-yield");
	lk_run(test, TDPRI_KERN_DAEMON, tk_yield_holder, &y);
	lk_settle(test, LK_CPU);
	KUNIT_EXPECT_EQ(test, y.held_before, 1);
	KUNIT_EXPECT_EQ(test, y.other_saw_owner, 0);
	KUNIT_EXPECT_EQ(test, y.other_got, 1);
	KUNIT_EXPECT_EQ(test, y.held_after, 1);
	KUNIT_EXPECT_EQ(test, y.owner_after, 1);
	KUNIT_EXPECT_EQ(test, y.refs_after, 1);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(y.tok.t_owner), NULL);
	lwkt_token_uninit(&y.tok);
}

/*
 * --- one CPU: a preempting thread wants the token of the thread it
 * preempted. The preempted thread keeps its tokens (it did not switch
 * away by itself), so the preemptor switches away at once, which resumes
 * the preempted thread; the preemptor gets the token only once the holder
 * released it or was switched out (then re-taken before it runs) ---
 */

struct tk_pre {
	struct lwkt_token tok;
	struct kunit *test;
	thread_t l, p;
	struct lk_log log;
	int held_after_schedule, held_at_end;
	int p_had_it, p_preempted_l, p_got_while_preempting;
	u64 hit0, hit1, coll0, coll1;
};

static void tk_pre_p(void *arg)
{
	struct tk_pre *c = arg;
	struct lwkt_tokref ref;

	lk_log(&c->log, 'p');
	c->p_preempted_l = curthread->td_preempted == c->l;
	lwkt_gettoken(&ref, &c->tok);
	lk_log(&c->log, 'g');
	c->p_had_it = lwkt_havetoken(&c->tok);
	/*
	 * Not while still preempting the holder: a preempted thread keeps
	 * its tokens, so we got it only after it ran again (and released
	 * it or switched out).
	 */
	c->p_got_while_preempting = curthread->td_preempted == c->l;
	lwkt_reltoken(&ref);
}

static void tk_pre_l(void *arg)
{
	struct tk_pre *c = arg;
	struct lwkt_tokref ref;

	c->l = curthread;
	lwkt_gettoken(&ref, &c->tok);
	lk_log(&c->log, 'a');
	c->p = lk_spawn(c->test, TDPRI_INT_LOW, tk_pre_p, c, true);
	if (!c->p) {
		lwkt_reltoken(&ref);
		return;
	}
	c->p->td_preemptable = lwkt_preempt;
	c->hit0 = lk_cnt()->preempt_hit;
	c->coll0 = READ_ONCE(c->tok.t_collisions);
	lwkt_schedule(c->p);	/* preempts us at once */
	lk_log(&c->log, 'b');
	c->hit1 = lk_cnt()->preempt_hit;
	c->coll1 = READ_ONCE(c->tok.t_collisions);
	/* Kept it, or re-taken by the switcher before we ran again. */
	c->held_after_schedule = lwkt_havetoken(&c->tok);
	lwkt_yield();
	c->held_at_end = lwkt_havetoken(&c->tok);
	lwkt_reltoken(&ref);
	lk_log(&c->log, 'r');
	lwkt_yield();	/* the preemptor, if still waiting, gets it now */
	lk_log(&c->log, 'z');
}

static void lwkt_token_preemptor_wants_preempted_holders_token(struct kunit *test)
{
	struct tk_pre *c;

	c = lk_zalloc(test, sizeof(*c));
	c->test = test;
	lwkt_token_init(&c->tok, "tk-pre");
	lk_run(test, TDPRI_KERN_DAEMON, tk_pre_l, c);
	lk_settle(test, LK_CPU);
	c->log.s[c->log.n] = '\0';
	kunit_info(test, "order %s\n", c->log.s);
	KUNIT_ASSERT_NOT_NULL(test, c->p);
	KUNIT_EXPECT_EQ(test, c->hit1 - c->hit0, 1ull);
	KUNIT_EXPECT_EQ(test, c->p_preempted_l, 1);
	/* The preemptor found it held: one collision, then it switched. */
	KUNIT_EXPECT_EQ(test, c->coll1 - c->coll0, 1ull);
	KUNIT_EXPECT_EQ(test, c->held_after_schedule, 1);
	KUNIT_EXPECT_EQ(test, c->held_at_end, 1);
	KUNIT_EXPECT_EQ(test, c->p_had_it, 1);
	KUNIT_EXPECT_EQ(test, c->p_got_while_preempting, 0);
	/* It started first and finished, whatever the order in between. */
	KUNIT_EXPECT_EQ(test, c->log.s[0], 'a');
	KUNIT_EXPECT_EQ(test, c->log.s[1], 'p');
	KUNIT_EXPECT_NOT_NULL(test, strchr(c->log.s, 'g'));
	KUNIT_EXPECT_EQ(test, c->log.n, 6);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(c->tok.t_owner), NULL);
	lwkt_token_uninit(&c->tok);
}

/*
 * --- two CPUs: released while blocked, re-taken before it runs; the
 * switcher skips it meanwhile ---
 *
 * A (cpu a) takes the token; B (cpu b) fails trytoken. A blocks: B's
 * trytoken succeeds now. B, still holding it, schedules A and spins for a
 * while: A is runnable on its CPU, yet must not run (the switcher counts
 * token_contention_count). B lets go: A runs, holding the token again.
 */

struct tk_block {
	struct lwkt_token tok;
	int cpu_a, cpu_b;
	thread_t a;
	atomic_t a_held;	/* 1: A holds it; 2: A is about to block */
	atomic_t b_tried;	/* B's first try is done */
	atomic_t wake;		/* A may go on */
	atomic_t a_ran;		/* A runs again */
	atomic_t b_done;
	int b_try_while_held;
	int b_try_while_blocked;
	int a_ran_while_b_held;
	u64 contention_before, contention_after;
	int a_has_after, a_owner_after, a_cpu_after;
	u64 collisions_before;
	const char *timed_out;
};

static void tk_block_a(void *arg)
{
	struct tk_block *k = arg;
	struct lwkt_tokref ref;

	k->a = curthread;
	lwkt_gettoken(&ref, &k->tok);
	atomic_set(&k->a_held, 1);
	/* Keep it, without switching, until B tried. */
	if (!lk_spin_atomic(&k->b_tried, 1))
		lk_timed_out(&k->timed_out, "B's first trytoken (A holds it)");
	atomic_set(&k->a_held, 2);
	lk_block_until(&k->wake, 1);
	/* Running again: the switcher took the token back for us. */
	atomic_set(&k->a_ran, 1);
	k->a_has_after = lwkt_havetoken(&k->tok);
	k->a_owner_after = READ_ONCE(k->tok.t_owner) == curthread;
	k->a_cpu_after = smp_processor_id();
	lwkt_reltoken(&ref);
}

static void tk_block_b(void *arg)
{
	struct tk_block *k = arg;
	struct lwkt_tokref ref;
	u64 end;

	if (!lk_wait_atomic(&k->a_held, 1)) {
		lk_timed_out(&k->timed_out, "A to take the token");
		atomic_set(&k->b_tried, 1);
		return;
	}
	k->b_try_while_held = lwkt_trytoken(&ref, &k->tok);
	if (k->b_try_while_held)
		lwkt_reltoken(&ref);
	atomic_set(&k->b_tried, 1);
	/* A blocks: wait until its CPU switched it out (the token is free). */
	if (!lk_wait_atomic(&k->a_held, 2))
		lk_timed_out(&k->timed_out, "A to be about to block");
	end = ktime_get_ns() + LK_WAIT_NS;
	while (!(k->b_try_while_blocked = lwkt_trytoken(&ref, &k->tok)) &&
	       ktime_get_ns() < end)
		cpu_relax();
	if (!k->b_try_while_blocked) {
		lk_timed_out(&k->timed_out,
			     "B's trytoken to succeed while A is blocked");
		atomic_set(&k->wake, 1);
		lwkt_schedule(k->a);
		return;
	}
	/*
	 * Holding it: make A runnable, and see that it does not run. Its CPU
	 * counts a skip each time it looks at A (a bounded wait for the
	 * first one: the vCPU may be slow to take the IPI), then 20 ms more.
	 */
	k->contention_before = tk_contention(k->cpu_a);
	atomic_set(&k->wake, 1);
	lwkt_schedule(k->a);
	lk_spin_changed(&lwkt_cpu_gd(k->cpu_a)->gd_cnt.token_contention_count,
			k->contention_before);
	lk_busy_ms(20);
	k->a_ran_while_b_held = atomic_read(&k->a_ran);
	k->contention_after = tk_contention(k->cpu_a);
	lwkt_reltoken(&ref);
	if (!lk_wait_atomic(&k->a_ran, 1))
		lk_timed_out(&k->timed_out, "A to run again once B let go");
}

static void lwkt_token_block_releases_switcher_skips(struct kunit *test)
{
	struct tk_block *k = lk_zalloc(test, sizeof(*k));

	lk_need_two_cpus(test, &k->cpu_a, &k->cpu_b);
	lwkt_token_init(&k->tok, "tk-block");
	lk_run_pair(test, LK_JOB(k->cpu_a, tk_block_a, k, "tk-a"),
		    LK_JOB(k->cpu_b, tk_block_b, k, "tk-b"), TK_JOB_SECS);
	lk_expect_in_time(test, k->timed_out);
	KUNIT_EXPECT_EQ(test, k->b_try_while_held, 0);
	KUNIT_EXPECT_EQ(test, k->b_try_while_blocked, 1);
	KUNIT_EXPECT_EQ(test, k->a_ran_while_b_held, 0);
	KUNIT_EXPECT_GT(test, k->contention_after, k->contention_before);
	KUNIT_EXPECT_EQ(test, k->a_has_after, 1);
	KUNIT_EXPECT_EQ(test, k->a_owner_after, 1);
	KUNIT_EXPECT_EQ(test, k->a_cpu_after, k->cpu_a);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(k->tok.t_owner), NULL);
	lwkt_token_uninit(&k->tok);
}

/*
 * --- gettoken on a token another CPU holds: the thread switches away,
 * counted as a collision and a contention, and runs once it is free ---
 */

struct tk_cont {
	struct lwkt_token tok;
	int cpu_h, cpu_w;
	atomic_t held, waiting, got;
	int got_while_held;
	u64 coll_before, coll_after;
	u64 cont_before, cont_after;
	int has_after;
	const char *timed_out;
};

static void tk_cont_holder(void *arg)
{
	struct tk_cont *c = arg;
	struct lwkt_tokref ref;

	lwkt_gettoken(&ref, &c->tok);
	atomic_set(&c->held, 1);
	if (!lk_spin_atomic(&c->waiting, 1))
		lk_timed_out(&c->timed_out, "the waiter to be about to wait");
	/* The waiter is inside lwkt_gettoken() once it counted a collision. */
	lk_spin_changed(&c->tok.t_collisions, 0);
	lk_busy_ms(20);
	c->got_while_held = atomic_read(&c->got);
	lwkt_reltoken(&ref);
}

static void tk_cont_waiter(void *arg)
{
	struct tk_cont *c = arg;
	struct lwkt_tokref ref;

	if (!lk_wait_atomic(&c->held, 1)) {
		lk_timed_out(&c->timed_out, "the holder to take the token");
		return;
	}
	c->coll_before = READ_ONCE(c->tok.t_collisions);
	c->cont_before = lk_cnt()->token_contention_count;
	atomic_set(&c->waiting, 1);
	lwkt_gettoken(&ref, &c->tok);
	atomic_set(&c->got, 1);
	c->has_after = lwkt_havetoken(&c->tok);
	c->coll_after = READ_ONCE(c->tok.t_collisions);
	c->cont_after = lk_cnt()->token_contention_count;
	lwkt_reltoken(&ref);
}

static void lwkt_token_gettoken_waits_for_other_cpu(struct kunit *test)
{
	struct tk_cont *c = lk_zalloc(test, sizeof(*c));

	lk_need_two_cpus(test, &c->cpu_h, &c->cpu_w);
	lwkt_token_init(&c->tok, "tk-cont");
	lk_run_pair(test, LK_JOB(c->cpu_h, tk_cont_holder, c, "tk-holder"),
		    LK_JOB(c->cpu_w, tk_cont_waiter, c, "tk-waiter"),
		    TK_JOB_SECS);
	lk_expect_in_time(test, c->timed_out);
	KUNIT_EXPECT_EQ(test, c->got_while_held, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->got), 1);
	KUNIT_EXPECT_EQ(test, c->has_after, 1);
	KUNIT_EXPECT_GT(test, c->coll_after, c->coll_before);
	KUNIT_EXPECT_GT(test, c->cont_after, c->cont_before);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(c->tok.t_owner), NULL);
	lwkt_token_uninit(&c->tok);
}

/*
 * --- two tokens in opposite orders on two CPUs: no deadlock, and never
 * two holders of the data they protect ---
 */

#define TK_ORDER_ITERS	3000

struct tk_order {
	struct lwkt_token t1, t2;
	struct lk_excl x;	/* inside, under both tokens: the thread */
	int cpus[2];
	int iters;
	atomic_t started;
	int bad_owner[2], bad_pair[2], not_held[2], done[2];
	int yields;
	const char *timed_out;
};

static void tk_order_body(void *arg)
{
	struct lk_arg *oa = arg;
	struct tk_order *o = oa->ctx;
	thread_t td = curthread;
	int i;

	/* Start together, so the two orders really meet. */
	atomic_inc(&o->started);
	if (!lk_wait_atomic(&o->started, 2))
		lk_timed_out(&o->timed_out, "the other CPU's thread to start");
	for (i = 0; i < o->iters; i++) {
		struct lwkt_tokref r1, r2;

		if (oa->id == 0) {
			lwkt_gettoken(&r1, &o->t1);
			lwkt_gettoken(&r2, &o->t2);
		} else {
			lwkt_gettoken(&r2, &o->t2);
			lwkt_gettoken(&r1, &o->t1);
		}
		if (!lwkt_havetoken(&o->t1) || !lwkt_havetoken(&o->t2))
			o->not_held[oa->id]++;
		lk_excl_check(&o->x, (unsigned long)td, &o->bad_owner[oa->id],
			      &o->bad_pair[oa->id]);
		if (i & 1) {
			lwkt_reltoken(&r1);
			lwkt_reltoken(&r2);
		} else {
			lwkt_reltoken(&r2);
			lwkt_reltoken(&r1);
		}
		o->done[oa->id]++;
		if ((i & 63) == 0)
			cond_resched();
	}
}

static void lwkt_token_opposite_orders_no_deadlock(struct kunit *test)
{
	struct lk_arg args[2];
	struct tk_order *o;
	int i;

	o = lk_zalloc(test, sizeof(*o));
	lk_need_two_cpus(test, &o->cpus[0], &o->cpus[1]);
	lwkt_token_init(&o->t1, "tk-order1");
	lwkt_token_init(&o->t2, "tk-order2");
	o->iters = TK_ORDER_ITERS;
	for (i = 0; i < 2; i++)
		args[i] = (struct lk_arg){ .ctx = o, .id = i };
	lk_run_pair(test,
		    LK_JOB(o->cpus[0], tk_order_body, &args[0], "tk-order"),
		    LK_JOB(o->cpus[1], tk_order_body, &args[1], "tk-order"),
		    TK_JOB_SECS);
	lk_expect_in_time(test, o->timed_out);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, o->done[i], o->iters);
		KUNIT_EXPECT_EQ(test, o->bad_owner[i], 0);
		KUNIT_EXPECT_EQ(test, o->bad_pair[i], 0);
		KUNIT_EXPECT_EQ(test, o->not_held[i], 0);
	}
	KUNIT_EXPECT_EQ(test, o->x.a, (u64)2 * o->iters);
	KUNIT_EXPECT_EQ(test, o->x.b, (u64)2 * o->iters);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(o->t1.t_owner), NULL);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(o->t2.t_owner), NULL);
	lwkt_token_uninit(&o->t1);
	lwkt_token_uninit(&o->t2);
}

/* --- trytoken, recursion, release order --- */

struct tk_try {
	struct lwkt_token tok;
	int cpu_o;
	atomic_t held, tried;
	int try_free, try_again, has1, has_after_one, has_after_all;
	int owner_after_one, free_after_all;
	int other_try, other_refs_linked;
	int try_after_release;
	const char *timed_out;
};

static void tk_try_owner(void *arg)
{
	struct tk_try *t = arg;
	struct lwkt_tokref r1, r2, r3;

	t->try_free = lwkt_trytoken(&r1, &t->tok);
	t->has1 = lwkt_havetoken(&t->tok);
	t->try_again = lwkt_trytoken(&r2, &t->tok);	/* ours: recursion */
	lwkt_gettoken(&r3, &t->tok);			/* no wait either */
	atomic_set(&t->held, 1);
	if (!lk_spin_atomic(&t->tried, 1))
		lk_timed_out(&t->timed_out, "the other CPU's trytoken");
	/* Release out of order: still held until the last ref goes. */
	lwkt_reltoken(&r1);
	lwkt_reltoken(&r3);
	t->has_after_one = lwkt_havetoken(&t->tok);
	t->owner_after_one = READ_ONCE(t->tok.t_owner) == curthread;
	lwkt_reltoken(&r2);
	t->has_after_all = lwkt_havetoken(&t->tok);
	t->free_after_all = READ_ONCE(t->tok.t_owner) == NULL;
	atomic_set(&t->held, 2);
}

static void tk_try_other(void *arg)
{
	struct tk_try *t = arg;
	struct lwkt_tokref ref;

	if (!lk_wait_atomic(&t->held, 1)) {
		lk_timed_out(&t->timed_out, "the owner to take the token");
		atomic_set(&t->tried, 1);
		return;
	}
	t->other_try = lwkt_trytoken(&ref, &t->tok);
	t->other_refs_linked = curthread->td_toks != NULL;
	if (t->other_try)
		lwkt_reltoken(&ref);
	atomic_set(&t->tried, 1);
	if (!lk_wait_atomic(&t->held, 2))
		lk_timed_out(&t->timed_out, "the owner to release the token");
	t->try_after_release = lwkt_trytoken(&ref, &t->tok);
	if (t->try_after_release)
		lwkt_reltoken(&ref);
}

static void lwkt_token_trytoken_and_recursion(struct kunit *test)
{
	struct tk_try *t = lk_zalloc(test, sizeof(*t));
	int cpu_o, cpu_t;

	lk_need_two_cpus(test, &cpu_o, &cpu_t);
	lwkt_token_init(&t->tok, NULL);
	KUNIT_EXPECT_STREQ(test, t->tok.t_desc, "token");
	lk_run_pair(test, LK_JOB(cpu_o, tk_try_owner, t, "tk-try-o"),
		    LK_JOB(cpu_t, tk_try_other, t, "tk-try-t"), TK_JOB_SECS);
	lk_expect_in_time(test, t->timed_out);
	KUNIT_EXPECT_EQ(test, t->try_free, 1);
	KUNIT_EXPECT_EQ(test, t->has1, 1);
	KUNIT_EXPECT_EQ(test, t->try_again, 1);
	KUNIT_EXPECT_EQ(test, t->other_try, 0);
	KUNIT_EXPECT_EQ(test, t->other_refs_linked, 0);
	KUNIT_EXPECT_EQ(test, t->has_after_one, 1);
	KUNIT_EXPECT_EQ(test, t->owner_after_one, 1);
	KUNIT_EXPECT_EQ(test, t->has_after_all, 0);
	KUNIT_EXPECT_EQ(test, t->free_after_all, 1);
	KUNIT_EXPECT_EQ(test, t->try_after_release, 1);
	lwkt_token_uninit(&t->tok);
}

/* --- the pool: hashed by address, shared by equal addresses --- */

#define TK_POOL_OBJS	256

struct tk_pool {
	char objs[TK_POOL_OBJS][64];
	lwkt_token_t tok[TK_POOL_OBJS];
	int distinct;
	int same_again, same_inside, in_pool, named, free_at_start;
	int cpu_h;
	atomic_t held, tried;
	int other_same, other_neighbour_free;
	const char *timed_out;
	int neighbour;		/* an object whose token differs from obj 0's */
};

static void tk_pool_holder(void *arg)
{
	struct tk_pool *p = arg;
	struct lwkt_tokref ref;

	lwkt_gettoken(&ref, lwkt_token_pool_get(p->objs[0]));
	atomic_set(&p->held, 1);
	if (!lk_spin_atomic(&p->tried, 1))
		lk_timed_out(&p->timed_out, "the other CPU's trytokens");
	lwkt_reltoken(&ref);
}

static void tk_pool_other(void *arg)
{
	struct tk_pool *p = arg;
	struct lwkt_tokref ref;

	if (!lk_wait_atomic(&p->held, 1)) {
		lk_timed_out(&p->timed_out, "the holder to take obj 0's token");
		atomic_set(&p->tried, 1);
		return;
	}
	/* The same address (and any in its cache line): the same token. */
	p->other_same = lwkt_trytoken(&ref, lwkt_token_pool_get(p->objs[0] + 8));
	if (p->other_same)
		lwkt_reltoken(&ref);
	p->other_neighbour_free =
		lwkt_trytoken(&ref, lwkt_token_pool_get(p->objs[p->neighbour]));
	if (p->other_neighbour_free)
		lwkt_reltoken(&ref);
	atomic_set(&p->tried, 1);
}

static void lwkt_token_pool_hashing(struct kunit *test)
{
	struct tk_pool *p;
	int cpus[2];
	int i, j;

	p = lk_zalloc(test, sizeof(*p));
	p->same_again = p->in_pool = p->named = p->free_at_start = 1;
	p->neighbour = -1;
	for (i = 0; i < TK_POOL_OBJS; i++) {
		p->tok[i] = lwkt_token_pool_get(p->objs[i]);
		if (lwkt_token_pool_get(p->objs[i]) != p->tok[i])
			p->same_again = 0;
		if (lwkt_token_pool_get(p->objs[i] + 63) != p->tok[i])
			p->same_inside = -1;
		if (!p->tok[i]->t_desc || strcmp(p->tok[i]->t_desc, "pool"))
			p->named = 0;
		if (READ_ONCE(p->tok[i]->t_owner))
			p->free_at_start = 0;
		/* Every pool token is within LWKT_POOLTOKENS of obj 0's. */
		if (abs(p->tok[i] - p->tok[0]) >= LWKT_POOLTOKENS)
			p->in_pool = 0;
		for (j = 0; j < i; j++)
			if (p->tok[j] == p->tok[i])
				break;
		if (j == i)
			p->distinct++;
		if (p->neighbour < 0 && p->tok[i] != p->tok[0])
			p->neighbour = i;
	}
	KUNIT_EXPECT_EQ(test, p->same_again, 1);
	KUNIT_EXPECT_EQ(test, p->same_inside, 0);	/* one token per line */
	KUNIT_EXPECT_EQ(test, p->named, 1);
	KUNIT_EXPECT_EQ(test, p->free_at_start, 1);
	KUNIT_EXPECT_EQ(test, p->in_pool, 1);
	/* 256 consecutive cache lines spread out (the hash keeps bits 6..). */
	KUNIT_EXPECT_GE(test, p->distinct, TK_POOL_OBJS / 2);
	KUNIT_ASSERT_GE(test, p->neighbour, 1);

	if (lk_hosted_cpus(cpus, 2) < 2)
		kunit_skip(test, "needs 2 hosted CPUs for the sharing half");
	lk_run_pair(test, LK_JOB(cpus[0], tk_pool_holder, p, "tk-pool-h"),
		    LK_JOB(cpus[1], tk_pool_other, p, "tk-pool-o"), TK_JOB_SECS);
	lk_expect_in_time(test, p->timed_out);
	KUNIT_EXPECT_EQ(test, p->other_same, 0);
	KUNIT_EXPECT_EQ(test, p->other_neighbour_free, 1);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(p->tok[0]->t_owner), NULL);
}

static struct kunit_case lwkt_token_cases[] = {
	KUNIT_CASE(lwkt_token_yield_releases_and_reacquires),
	KUNIT_CASE(lwkt_token_preemptor_wants_preempted_holders_token),
	KUNIT_CASE(lwkt_token_block_releases_switcher_skips),
	KUNIT_CASE(lwkt_token_gettoken_waits_for_other_cpu),
	KUNIT_CASE(lwkt_token_opposite_orders_no_deadlock),
	KUNIT_CASE(lwkt_token_trytoken_and_recursion),
	KUNIT_CASE(lwkt_token_pool_hashing),
	{}
};

static struct kunit_suite lwkt_token_suite = {
	.name = "lwkt_token",
	.test_cases = lwkt_token_cases,
};

kunit_test_suites(&lwkt_token_suite);
