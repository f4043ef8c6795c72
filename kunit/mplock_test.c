// SPDX-License-Identifier: GPL-2.0
/*
 * The MP lock (Documentation/design.rst, "The MP lock") with real CPUs and
 * real IPIs: recursion counts, the switcher letting it go for a thread that
 * does not want it and taking it back, a blocked holder's CPU losing it to
 * another CPU, a runnable thread that wants it skipped while another CPU holds
 * it (mplock_contention_count), and several CPUs contending for it.
 *
 * LWKT-side code records what it saw; the KUnit case checks it afterwards.
 * A holder that must keep the lock while it waits for another CPU spins
 * without switching (a switch to the idle thread would let it go).
 */
#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/smp.h>

#include <lwkt/mplock.h>

#include "lwkt_kunit.h"

#define MK_JOB_SECS	120
#define MK_MAXCPU	4

static int mk_word(void)
{
	return READ_ONCE(lwkt_mp_lock);
}

static u64 mk_contention(int cpu)
{
	return READ_ONCE(lwkt_cpu_gd(cpu)->gd_cnt.mplock_contention_count);
}

/* --- one CPU: recursion, and the switcher's release and re-take --- */

struct mk_rec {
	int cpu;
	int held0, word0;
	int count1, held1, word1;
	int count2, try3, count3;
	int count_rel1, held_rel1;
	int other_held, other_word, other_count;
	int other_ran;
	int held_back, word_back, count_back;
	int count_end, held_end, word_end;
	int create_err;
};

static void mk_rec_other(void *arg)
{
	struct mk_rec *r = arg;

	/* We want no MP lock: the switch to us let it go. */
	r->other_ran = 1;
	r->other_held = MP_LOCK_HELD();
	r->other_word = mk_word();
	r->other_count = curthread->td_mpcount;
}

static void mk_rec_body(void *arg)
{
	struct mk_rec *r = arg;
	thread_t td = curthread, other = NULL;

	r->cpu = smp_processor_id();
	r->held0 = MP_LOCK_HELD();
	r->word0 = mk_word();
	get_mplock();
	r->count1 = td->td_mpcount;
	r->held1 = MP_LOCK_HELD();
	r->word1 = mk_word();
	get_mplock();
	r->count2 = td->td_mpcount;
	r->try3 = try_mplock();
	r->count3 = td->td_mpcount;
	rel_mplock();
	r->count_rel1 = td->td_mpcount;
	r->held_rel1 = MP_LOCK_HELD();

	r->create_err = lwkt_create(mk_rec_other, r, &other, NULL, TDF_STOPREQ,
				    -1, "mk-other");
	if (!r->create_err) {
		lwkt_setpri(other, TDPRI_KERN_DAEMON);
		lwkt_schedule(other);
		lwkt_yield();	/* the other thread runs, then exits */
	}
	r->held_back = MP_LOCK_HELD();
	r->word_back = mk_word();
	r->count_back = td->td_mpcount;

	rel_mplock();
	rel_mplock();
	r->count_end = td->td_mpcount;
	r->held_end = MP_LOCK_HELD();
	r->word_end = mk_word();
}

static void lwkt_mplock_recursion_and_switch(struct kunit *test)
{
	struct mk_rec r = {};

	lk_run(test, TDPRI_KERN_DAEMON, mk_rec_body, &r);
	lk_settle(test, LK_CPU);
	KUNIT_ASSERT_EQ(test, r.create_err, 0);
	KUNIT_EXPECT_EQ(test, r.held0, 0);
	KUNIT_EXPECT_EQ(test, r.word0, LWKT_MP_FREE);
	KUNIT_EXPECT_EQ(test, r.count1, 1);
	KUNIT_EXPECT_EQ(test, r.held1, 1);
	KUNIT_EXPECT_EQ(test, r.word1, r.cpu);
	KUNIT_EXPECT_EQ(test, r.count2, 2);
	KUNIT_EXPECT_EQ(test, r.try3, 1);
	KUNIT_EXPECT_EQ(test, r.count3, 3);
	KUNIT_EXPECT_EQ(test, r.count_rel1, 2);
	KUNIT_EXPECT_EQ(test, r.held_rel1, 1);
	KUNIT_EXPECT_EQ(test, r.other_ran, 1);
	KUNIT_EXPECT_EQ(test, r.other_held, 0);
	KUNIT_EXPECT_EQ(test, r.other_word, LWKT_MP_FREE);
	KUNIT_EXPECT_EQ(test, r.other_count, 0);
	KUNIT_EXPECT_EQ(test, r.held_back, 1);
	KUNIT_EXPECT_EQ(test, r.word_back, r.cpu);
	KUNIT_EXPECT_EQ(test, r.count_back, 2);
	KUNIT_EXPECT_EQ(test, r.count_end, 0);
	KUNIT_EXPECT_EQ(test, r.held_end, 0);
	KUNIT_EXPECT_EQ(test, r.word_end, LWKT_MP_FREE);
	KUNIT_EXPECT_EQ(test, mk_word(), LWKT_MP_FREE);
}

/*
 * --- two CPUs: A holds it; B's try fails. A blocks: its CPU lets it go,
 * B takes it, schedules A and sees A skipped (mplock_contention_count on
 * A's CPU) until B lets go; A then runs with its CPU holding the lock ---
 */

struct mk_x {
	int cpu_a, cpu_b;
	thread_t a;
	atomic_t a_held, b_tried, wake, a_ran;
	int b_try_while_held, b_try_while_blocked;
	int b_word;
	int a_ran_while_b_held;
	u64 cont_before, cont_after;
	int a_held_after, a_word_after, a_count_after;
	const char *timed_out;
};

static void mk_x_a(void *arg)
{
	struct mk_x *x = arg;

	x->a = curthread;
	get_mplock();
	atomic_set(&x->a_held, 1);
	if (!lk_spin_atomic(&x->b_tried, 1))
		lk_timed_out(&x->timed_out,
			     "B's first try_mplock() (A holds it)");
	atomic_set(&x->a_held, 2);
	lk_block_until(&x->wake, 1);
	atomic_set(&x->a_ran, 1);
	x->a_held_after = MP_LOCK_HELD();
	x->a_word_after = mk_word();
	x->a_count_after = curthread->td_mpcount;
	rel_mplock();
}

static void mk_x_b(void *arg)
{
	struct mk_x *x = arg;
	u64 end;

	if (!lk_wait_atomic(&x->a_held, 1)) {
		lk_timed_out(&x->timed_out, "A to take the MP lock");
		atomic_set(&x->b_tried, 1);
		return;
	}
	x->b_try_while_held = try_mplock();
	if (x->b_try_while_held)
		rel_mplock();
	atomic_set(&x->b_tried, 1);
	if (!lk_wait_atomic(&x->a_held, 2))
		lk_timed_out(&x->timed_out, "A to be about to block");
	/* A's CPU lets the lock go when it switches A out. */
	end = ktime_get_ns() + LK_WAIT_NS;
	while (!(x->b_try_while_blocked = try_mplock()) &&
	       ktime_get_ns() < end)
		cpu_relax();
	if (!x->b_try_while_blocked) {
		lk_timed_out(&x->timed_out,
			     "B's try_mplock() to succeed while A is blocked");
		atomic_set(&x->wake, 1);
		lwkt_schedule(x->a);
		return;
	}
	x->b_word = mk_word();
	x->cont_before = mk_contention(x->cpu_a);
	atomic_set(&x->wake, 1);
	lwkt_schedule(x->a);
	lk_spin_changed(&lwkt_cpu_gd(x->cpu_a)->gd_cnt.mplock_contention_count,
			x->cont_before);
	lk_busy_ms(20);
	x->a_ran_while_b_held = atomic_read(&x->a_ran);
	x->cont_after = mk_contention(x->cpu_a);
	rel_mplock();
	if (!lk_wait_atomic(&x->a_ran, 1))
		lk_timed_out(&x->timed_out, "A to run again once B let go");
}

static void lwkt_mplock_blocked_holder_and_skip(struct kunit *test)
{
	struct mk_x *x = lk_zalloc(test, sizeof(*x));

	lk_need_two_cpus(test, &x->cpu_a, &x->cpu_b);
	lk_run_pair(test, LK_JOB(x->cpu_a, mk_x_a, x, "mk-a"),
		    LK_JOB(x->cpu_b, mk_x_b, x, "mk-b"), MK_JOB_SECS);
	lk_expect_in_time(test, x->timed_out);
	KUNIT_EXPECT_EQ(test, x->b_try_while_held, 0);
	KUNIT_EXPECT_EQ(test, x->b_try_while_blocked, 1);
	KUNIT_EXPECT_EQ(test, x->b_word, x->cpu_b);
	KUNIT_EXPECT_EQ(test, x->a_ran_while_b_held, 0);
	KUNIT_EXPECT_GT(test, x->cont_after, x->cont_before);
	KUNIT_EXPECT_EQ(test, x->a_held_after, 1);
	KUNIT_EXPECT_EQ(test, x->a_word_after, x->cpu_a);
	KUNIT_EXPECT_EQ(test, x->a_count_after, 1);
	KUNIT_EXPECT_EQ(test, mk_word(), LWKT_MP_FREE);
}

/* --- every hosted CPU contends; never two CPUs inside --- */

#define MK_ITERS	2000

struct mk_st {
	int cpus[MK_MAXCPU];
	int ncpus;
	int iters;
	atomic_t started;
	struct lk_excl x;	/* inside: CPU + 1 */
	int bad_owner[MK_MAXCPU], bad_pair[MK_MAXCPU];
	int bad_word[MK_MAXCPU], bad_count[MK_MAXCPU];
	int done[MK_MAXCPU];
	int leftover[MK_MAXCPU];
	const char *timed_out;
};

static void mk_st_body(void *arg)
{
	struct lk_arg *sa = arg;
	struct mk_st *s = sa->ctx;
	int me = smp_processor_id(), id = sa->id, i;

	atomic_inc(&s->started);
	if (!lk_wait_atomic(&s->started, s->ncpus))
		lk_timed_out(&s->timed_out, "the other CPUs' threads to start");
	for (i = 0; i < s->iters; i++) {
		get_mplock();
		if (i & 1)
			get_mplock();	/* recursive */
		if (mk_word() != me)
			s->bad_word[id]++;
		if (curthread->td_mpcount != 1 + (i & 1))
			s->bad_count[id]++;
		lk_excl_check(&s->x, me + 1, &s->bad_owner[id],
			      &s->bad_pair[id]);
		if (i & 1)
			rel_mplock();
		rel_mplock();
		s->done[id]++;
		if ((i & 63) == 0)
			cond_resched();
	}
	s->leftover[id] = curthread->td_mpcount;
}

static void lwkt_mplock_contention_across_cpus(struct kunit *test)
{
	struct lk_arg args[MK_MAXCPU];
	struct lk_job jobs[MK_MAXCPU];
	u64 c0 = 0, c1 = 0;
	struct mk_st *s;
	int i;

	s = lk_zalloc(test, sizeof(*s));
	s->ncpus = lk_hosted_cpus(s->cpus, MK_MAXCPU);
	if (s->ncpus < 2)
		kunit_skip(test, "needs 2 hosted CPUs");
	s->iters = MK_ITERS;
	for (i = 0; i < s->ncpus; i++)
		c0 += mk_contention(s->cpus[i]);
	for (i = 0; i < s->ncpus; i++) {
		args[i] = (struct lk_arg){ .ctx = s, .id = i };
		jobs[i] = LK_JOB(s->cpus[i], mk_st_body, &args[i], "mk-stress");
	}
	lk_jobs_run(test, jobs, s->ncpus, MK_JOB_SECS);
	lk_expect_in_time(test, s->timed_out);
	for (i = 0; i < s->ncpus; i++)
		c1 += mk_contention(s->cpus[i]);
	for (i = 0; i < s->ncpus; i++) {
		KUNIT_EXPECT_EQ(test, s->done[i], s->iters);
		KUNIT_EXPECT_EQ(test, s->bad_owner[i], 0);
		KUNIT_EXPECT_EQ(test, s->bad_pair[i], 0);
		KUNIT_EXPECT_EQ(test, s->bad_word[i], 0);
		KUNIT_EXPECT_EQ(test, s->bad_count[i], 0);
		KUNIT_EXPECT_EQ(test, s->leftover[i], 0);
	}
	KUNIT_EXPECT_EQ(test, s->x.a, (u64)s->ncpus * s->iters);
	KUNIT_EXPECT_EQ(test, s->x.b, (u64)s->ncpus * s->iters);
	KUNIT_EXPECT_EQ(test, mk_word(), LWKT_MP_FREE);
	kunit_info(test, "%d CPUs x %d: mplock_contention_count +%llu\n",
		   s->ncpus, s->iters, c1 - c0);
}

static struct kunit_case lwkt_mplock_cases[] = {
	KUNIT_CASE(lwkt_mplock_recursion_and_switch),
	KUNIT_CASE(lwkt_mplock_blocked_holder_and_skip),
	KUNIT_CASE(lwkt_mplock_contention_across_cpus),
	{}
};

static struct kunit_suite lwkt_mplock_suite = {
	.name = "lwkt_mplock",
	.test_cases = lwkt_mplock_cases,
};

kunit_test_suites(&lwkt_mplock_suite);
