// SPDX-License-Identifier: GPL-2.0
/*
 * Thread lifecycle: lwkt_create() / lwkt_exit(), reaping, thousands of
 * threads, lwkt_hold() / lwkt_rele() / lwkt_wait_free(), and creation from
 * Linux context (tests/host/lifecycle_test.cc and hold_test.cc in the
 * kernel).
 */
#include <linux/completion.h>
#include <linux/smp.h>

#include "lwkt_kunit.h"

struct life_ctx {
	struct kunit *test;
	struct lk_latch l;
	struct lk_log log;
	int pri_inside;
	int ran;
	thread_t target;
	u64 threads0, threads1, threads2;
	int freecount0, freecount1;
	bool flag, flag2;
};

static void life_pri_thread(void *arg)
{
	struct life_ctx *c = arg;

	c->pri_inside = curthread->td_pri;
	lk_latch_done(&c->l);
}

static void life_pri_body(void *arg)
{
	struct life_ctx *c = arg;

	lk_latch_init(&c->l, 1);
	lk_spawn(c->test, TDPRI_KERN_DAEMON, life_pri_thread, c, false);
	lk_latch_wait(&c->l);
}

static void lwkt_lifecycle_new_thread_starts_outside_crit(struct kunit *test)
{
	struct life_ctx c = { .test = test, .pri_inside = -1 };

	lk_run(test, TDPRI_KERN_DAEMON, life_pri_body, &c);
	KUNIT_EXPECT_EQ(test, c.pri_inside, TDPRI_KERN_DAEMON);
}

static void life_done_thread(void *arg)
{
	struct life_ctx *c = arg;

	c->ran++;
	lk_latch_done(&c->l);
}

static void life_stopreq_body(void *arg)
{
	struct life_ctx *c = arg;
	thread_t td = NULL;
	int err;

	lk_latch_init(&c->l, 1);
	err = lwkt_create(life_done_thread, c, &td, NULL, TDF_STOPREQ, -1,
			  "stopped");
	KUNIT_EXPECT_EQ(c->test, err, 0);
	if (err)
		return;
	KUNIT_EXPECT_FALSE(c->test, td->td_flags & (TDF_RUNQ | TDF_STOPREQ));
	lwkt_yield();
	KUNIT_EXPECT_EQ(c->test, c->ran, 0);	/* it did not run */
	lwkt_schedule(td);
	lk_latch_wait(&c->l);
}

static void lwkt_lifecycle_stopreq_leaves_thread_unscheduled(struct kunit *test)
{
	struct life_ctx c = { .test = test };

	lk_run(test, TDPRI_KERN_DAEMON, life_stopreq_body, &c);
	KUNIT_EXPECT_EQ(test, c.ran, 1);
}

struct life_remote {
	int cpu;
	int err;
	int ran_on;		/* smp_processor_id() in the thread, or -1 */
	int gd_cpu;		/* its td_gd's CPU */
};

static void life_remote_child(void *arg)
{
	struct life_remote *r = arg;

	WRITE_ONCE(r->gd_cpu, curthread->td_gd->gd_cpuid);
	smp_store_release(&r->ran_on, smp_processor_id());
}

static void life_remote_body(void *arg)
{
	struct life_remote *r = arg;
	int i;

	r->err = lwkt_create(life_remote_child, r, NULL, NULL, 0, r->cpu,
			     "remote");
	/* Bounded wait: it runs on the other CPU, at its own pace. */
	for (i = 0; !r->err && i < 100000 && smp_load_acquire(&r->ran_on) < 0; i++)
		lwkt_yield();
}

static void lwkt_lifecycle_create_on_another_cpu_runs_there(struct kunit *test)
{
	struct life_remote r = { .cpu = lk_other_cpu(), .ran_on = -1,
				 .gd_cpu = -1 };

	if (r.cpu < 0)
		kunit_skip(test, "needs a second hosted CPU");
	lk_run(test, TDPRI_KERN_DAEMON, life_remote_body, &r);
	KUNIT_EXPECT_EQ(test, r.err, 0);
	KUNIT_EXPECT_EQ(test, r.ran_on, r.cpu);
	KUNIT_EXPECT_EQ(test, r.gd_cpu, r.cpu);
}

static void life_reap_body(void *arg)
{
	struct life_ctx *c = arg;
	struct lwkt_globaldata *gd = mycpu;
	thread_t td;

	c->threads0 = gd->gd_cnt.threads;
	td = lk_spawn(c->test, TDPRI_KERN_DAEMON, lk_nop, NULL, false);
	if (!td)
		return;
	/* It came from the cache if there was one: room for one more now. */
	c->freecount0 = gd->gd_tdfreecount;
	c->threads1 = gd->gd_cnt.threads;
	lwkt_yield();	/* it runs, exits; our switch tail reaps it */
	c->threads2 = gd->gd_cnt.threads;
	c->freecount1 = gd->gd_tdfreecount;
	c->flag = td->td_flags & TDF_DEADTHREAD;	/* cached memory */
	c->flag2 = gd->gd_tdreapq.next == &gd->gd_tdreapq;
}

static void lwkt_lifecycle_exited_thread_reaped_into_cache(struct kunit *test)
{
	struct life_ctx c = { .test = test };

	lk_run(test, TDPRI_KERN_DAEMON, life_reap_body, &c);
	KUNIT_ASSERT_LT(test, c.freecount0, LWKT_CACHE_NTHREADS);
	KUNIT_EXPECT_EQ(test, c.threads1, c.threads0 + 1);
	KUNIT_EXPECT_EQ(test, c.threads2, c.threads0);
	KUNIT_EXPECT_EQ(test, c.freecount1, c.freecount0 + 1);
	KUNIT_EXPECT_TRUE(test, c.flag);
	KUNIT_EXPECT_TRUE(test, c.flag2);
}

#define LIFE_MANY	1000

static void life_ran_thread(void *arg)
{
	((struct life_ctx *)arg)->ran++;
}

/* Each thread, scheduled by a lower-priority creator, runs and exits at once. */
static void life_one_by_one_body(void *arg)
{
	struct life_ctx *c = arg;
	int i;

	c->threads0 = lk_cnt()->threads;
	for (i = 0; i < LIFE_MANY; i++)
		if (!lk_spawn(c->test, TDPRI_KERN_DAEMON, life_ran_thread, c,
			      false))
			break;
	c->threads1 = lk_cnt()->threads;
	c->freecount0 = mycpu->gd_tdfreecount;
}

static void lwkt_lifecycle_1000_threads_one_by_one(struct kunit *test)
{
	struct life_ctx c = { .test = test };

	lk_run(test, TDPRI_KERN_USER, life_one_by_one_body, &c);
	KUNIT_EXPECT_EQ(test, c.ran, LIFE_MANY);
	KUNIT_EXPECT_EQ(test, c.threads1, c.threads0);
	KUNIT_EXPECT_LE(test, c.freecount0, LWKT_CACHE_NTHREADS);
}

static void life_batch_thread(void *arg)
{
	struct life_ctx *c = arg;

	c->ran++;
	lwkt_yield();
	lk_latch_done(&c->l);
}

/* A thousand threads at the creator's priority all exist at once. */
static void life_batch_body(void *arg)
{
	struct life_ctx *c = arg;
	int i;

	c->threads0 = lk_cnt()->threads;
	lk_latch_init(&c->l, LIFE_MANY);
	for (i = 0; i < LIFE_MANY; i++)
		if (!lk_spawn(c->test, TDPRI_KERN_DAEMON, life_batch_thread, c,
			      false))
			lk_latch_done(&c->l);
	c->threads1 = lk_cnt()->threads;
	lk_latch_wait(&c->l);
	lwkt_yield();	/* the last exits */
	c->threads2 = lk_cnt()->threads;
}

static void lwkt_lifecycle_1000_threads_at_once(struct kunit *test)
{
	struct life_ctx c = { .test = test };

	lk_run(test, TDPRI_KERN_DAEMON, life_batch_body, &c);
	KUNIT_EXPECT_EQ(test, c.ran, LIFE_MANY);
	KUNIT_EXPECT_EQ(test, c.threads1, c.threads0 + LIFE_MANY);
	KUNIT_EXPECT_EQ(test, c.threads2, c.threads0);
}

/* The threads gauge of every hosted CPU, summed (cases run one at a time). */
static u64 life_threads_total(void)
{
	unsigned int cpu;
	u64 n = 0;

	for_each_online_cpu(cpu)
		if (lwkt_cpu_hosted(cpu))
			n += READ_ONCE(lwkt_cpu_gd(cpu)->gd_cnt.threads);
	return n;
}

static void lwkt_lifecycle_threads_gauge_back_to_baseline(struct kunit *test)
{
	struct life_ctx c = { .test = test };
	u64 base = life_threads_total();

	lk_run(test, TDPRI_KERN_USER, life_one_by_one_body, &c);
	lk_run(test, TDPRI_KERN_DAEMON, life_batch_body, &c);
	KUNIT_EXPECT_EQ(test, c.ran, 2 * LIFE_MANY);
	/* The job threads exit right after waking us. */
	lk_settle(test, LK_CPU);
	KUNIT_EXPECT_EQ(test, life_threads_total(), base);
}

struct life_hold {
	struct kunit *test;
	int freecount0, freecount1, freecount2, freecount3;
	u32 flags1, flags2;
};

static void life_hold_body(void *arg)
{
	struct life_hold *h = arg;
	struct lwkt_globaldata *gd = mycpu;
	thread_t td, other;

	td = lk_spawn(h->test, TDPRI_KERN_DAEMON, lk_nop, NULL, true);
	if (!td)
		return;
	h->freecount0 = gd->gd_tdfreecount;
	lwkt_hold(td);
	lwkt_schedule(td);
	lwkt_yield();	/* it exits, held */
	h->flags1 = td->td_flags;
	h->freecount1 = gd->gd_tdfreecount;
	lwkt_rele(td);
	other = lk_spawn(h->test, TDPRI_KERN_DAEMON, lk_nop, NULL, false);
	h->freecount2 = gd->gd_tdfreecount;
	if (!other)
		return;
	lwkt_yield();	/* another exit reaps both */
	h->flags2 = td->td_flags;
	h->freecount3 = gd->gd_tdfreecount;
}

static void lwkt_lifecycle_hold_keeps_exited_thread(struct kunit *test)
{
	struct life_hold h = { .test = test };

	lk_run(test, TDPRI_KERN_DAEMON, life_hold_body, &h);
	KUNIT_ASSERT_LT(test, h.freecount0, LWKT_CACHE_NTHREADS);
	KUNIT_EXPECT_TRUE(test, h.flags1 & TDF_EXITING);
	KUNIT_EXPECT_FALSE(test, h.flags1 & TDF_DEADTHREAD);
	KUNIT_EXPECT_EQ(test, h.freecount1, h.freecount0);
	KUNIT_EXPECT_TRUE(test, h.flags2 & TDF_DEADTHREAD);
	KUNIT_EXPECT_EQ(test, h.freecount3, h.freecount2 + 2);
}

static void life_wait_free_thread(void *arg)
{
	struct life_ctx *c = arg;

	lk_log(&c->log, 'w');
	lwkt_wait_free(c->target);
	lk_log(&c->log, 'f');
	lk_latch_done(&c->l);
}

static void life_wait_free_body(void *arg)
{
	struct life_ctx *c = arg;
	thread_t target = lk_spawn(c->test, TDPRI_KERN_DAEMON, lk_nop, NULL,
				   true);

	if (!target)
		return;
	c->target = target;
	lk_latch_init(&c->l, 1);
	lwkt_hold(target);
	lwkt_hold(target);
	lk_spawn(c->test, TDPRI_KERN_DAEMON, life_wait_free_thread, c, false);
	lwkt_yield();	/* the waiter blocks */
	lwkt_rele(target);
	lk_log(&c->log, '1');
	lwkt_yield();	/* still held: the waiter stays asleep */
	lwkt_rele(target);
	lk_log(&c->log, '2');
	lk_latch_wait(&c->l);
	lwkt_free_thread(target);
}

static void lwkt_lifecycle_wait_free_sleeps_until_last_rele(struct kunit *test)
{
	struct life_ctx c = { .test = test };

	lk_run(test, TDPRI_KERN_DAEMON, life_wait_free_body, &c);
	KUNIT_EXPECT_STREQ(test, c.log.s, "w12f");
}

static void life_wait_free_now_body(void *arg)
{
	struct life_ctx *c = arg;
	thread_t td = lk_spawn(c->test, TDPRI_KERN_DAEMON, lk_nop, NULL, true);

	if (!td)
		return;
	c->threads0 = lk_cnt()->switch_count;
	lwkt_wait_free(td);
	c->threads1 = lk_cnt()->switch_count;
	lwkt_free_thread(td);
}

static void lwkt_lifecycle_wait_free_without_refs_returns(struct kunit *test)
{
	struct life_ctx c = { .test = test };

	lk_run(test, TDPRI_KERN_DAEMON, life_wait_free_now_body, &c);
	KUNIT_EXPECT_EQ(test, c.threads1, c.threads0);	/* no switch */
}

struct life_linux {
	struct completion done;
	int cpu;
	int lwkt_cpu;
	bool in_lwkt_thread;
};

static void life_linux_thread(void *arg)
{
	struct life_linux *l = arg;

	l->cpu = raw_smp_processor_id();
	l->lwkt_cpu = mycpu->gd_cpuid;
	l->in_lwkt_thread = curthread != &mycpu->gd_idlethread;
	complete(&l->done);
}

static void lwkt_lifecycle_create_from_linux_context(struct kunit *test)
{
	struct life_linux l = { .cpu = -1, .lwkt_cpu = -1 };
	unsigned int cpu, want = LK_CPU;
	thread_t td = NULL;

	/* Another CPU than the suites' usual one, if there is one. */
	for_each_online_cpu(cpu)
		if (lwkt_cpu_hosted(cpu))
			want = cpu;
	init_completion(&l.done);
	KUNIT_ASSERT_EQ(test, lwkt_create(life_linux_thread, &l, &td, NULL,
					  TDF_STOPREQ, want, "from-linux"), 0);
	KUNIT_ASSERT_NOT_NULL(test, td);
	KUNIT_EXPECT_PTR_EQ(test, td->td_gd, lwkt_cpu_gd(want));
	KUNIT_EXPECT_FALSE(test, td->td_flags & (TDF_RUNQ | TDF_STOPREQ));
	lwkt_schedule(td);	/* from Linux context too */
	lk_wait_done(test, &l.done, "the thread created from Linux to run");
	KUNIT_EXPECT_EQ(test, l.cpu, want);
	KUNIT_EXPECT_EQ(test, l.lwkt_cpu, want);
	KUNIT_EXPECT_TRUE(test, l.in_lwkt_thread);
}

static struct kunit_case lwkt_lifecycle_cases[] = {
	KUNIT_CASE(lwkt_lifecycle_new_thread_starts_outside_crit),
	KUNIT_CASE(lwkt_lifecycle_stopreq_leaves_thread_unscheduled),
	KUNIT_CASE(lwkt_lifecycle_create_on_another_cpu_runs_there),
	KUNIT_CASE(lwkt_lifecycle_exited_thread_reaped_into_cache),
	KUNIT_CASE(lwkt_lifecycle_1000_threads_one_by_one),
	KUNIT_CASE(lwkt_lifecycle_1000_threads_at_once),
	KUNIT_CASE(lwkt_lifecycle_threads_gauge_back_to_baseline),
	KUNIT_CASE(lwkt_lifecycle_hold_keeps_exited_thread),
	KUNIT_CASE(lwkt_lifecycle_wait_free_sleeps_until_last_rele),
	KUNIT_CASE(lwkt_lifecycle_wait_free_without_refs_returns),
	KUNIT_CASE(lwkt_lifecycle_create_from_linux_context),
	{}
};

static struct kunit_suite lwkt_lifecycle_suite = {
	.name = "lwkt_lifecycle",
	.test_cases = lwkt_lifecycle_cases,
};

kunit_test_suites(&lwkt_lifecycle_suite);
