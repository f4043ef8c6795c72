// SPDX-License-Identifier: GPL-2.0
/*
 * Threads across CPUs with real IPIs (tests/host/migrate_test.cc,
 * wait_test.cc and cpusync_test.cc in the kernel): remote schedule,
 * migration hops checked against smp_processor_id(), wait-queue signals
 * across CPUs (the lost-wakeup race), cpusync.
 */
#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/smp.h>

#include <lwkt/ipiq.h>
#include <lwkt/wait.h>

#include "lwkt_kunit.h"

#define XK_MAXCPU	4

/* --- remote schedule ping-pong --- */

struct xk_pp {
	int cpu_a, cpu_b;
	int rounds;
	thread_t a, b;
	atomic_t turn_b;	/* rounds b may do */
	atomic_t done_b;	/* rounds b did */
	atomic_t b_exited;
	atomic_t a_quiet;	/* no schedule of b left in flight */
	int b_wrong_cpu, a_wrong_cpu;
	int create_err;
	struct lwkt_globaldata *b_gd;
	const char *timed_out;
};

static void xk_pp_b(void *arg)
{
	struct xk_pp *p = arg;
	int i;

	for (i = 1; i <= p->rounds; i++) {
		lk_block_until(&p->turn_b, i);
		if (smp_processor_id() != p->cpu_b)
			p->b_wrong_cpu++;
		atomic_set(&p->done_b, i);
		lwkt_schedule(p->a);
	}
	/* a's last schedule of us may still be queued: exit after it ran. */
	if (!lk_wait_atomic(&p->a_quiet, 1))
		lk_timed_out(&p->timed_out,
			     "a's schedules of b to have run (b's last wait)");
	atomic_set(&p->b_exited, 1);
}

static void xk_pp_a(void *arg)
{
	struct xk_pp *p = arg;
	int i;

	p->a = curthread;
	p->create_err = lwkt_create(xk_pp_b, p, &p->b, NULL, TDF_STOPREQ,
				    p->cpu_b, "pp-b");
	if (p->create_err)
		return;
	p->b_gd = p->b->td_gd;
	lwkt_schedule(p->b);
	for (i = 1; i <= p->rounds; i++) {
		atomic_set(&p->turn_b, i);
		lwkt_schedule(p->b);
		lk_block_until(&p->done_b, i);
		if (smp_processor_id() != p->cpu_a)
			p->a_wrong_cpu++;
	}
	/* b never moves: once our messages to its CPU ran, none is left. */
	lwkt_wait_ipiq(lwkt_cpu_gd(p->cpu_b), lwkt_seq_ipiq(lwkt_cpu_gd(p->cpu_b)));
	atomic_set(&p->a_quiet, 1);
	if (!lk_wait_atomic(&p->b_exited, 1))
		lk_timed_out(&p->timed_out, "b to exit (a's last wait)");
	lwkt_yield();	/* b's last schedule of us, if still queued */
}

static void lwkt_xcpu_remote_schedule_pingpong(struct kunit *test)
{
	struct xk_pp p = { .rounds = 500 };

	lk_need_two_cpus(test, &p.cpu_a, &p.cpu_b);
	lk_job_run(test, p.cpu_a, TDPRI_KERN_DAEMON, xk_pp_a, &p, "pp-a");
	KUNIT_ASSERT_EQ(test, p.create_err, 0);
	KUNIT_EXPECT_PTR_EQ(test, p.b_gd, lwkt_cpu_gd(p.cpu_b));
	KUNIT_EXPECT_EQ(test, atomic_read(&p.done_b), p.rounds);
	KUNIT_EXPECT_EQ(test, p.b_wrong_cpu, 0);
	KUNIT_EXPECT_EQ(test, p.a_wrong_cpu, 0);
	lk_expect_in_time(test, p.timed_out);
	lk_settle(test, p.cpu_b);
}

/* --- migration hops --- */

struct xk_hops {
	int cpus[XK_MAXCPU];
	int ncpus;
	int hops;
	int ok, bad_cpu, bad_gd, bad_mycpu;
};

static void xk_hops_body(void *arg)
{
	struct xk_hops *h = arg;
	int i;

	for (i = 0; i < h->hops; i++) {
		int to = h->cpus[(i + 1) % h->ncpus];

		lwkt_setcpu_self(lwkt_cpu_gd(to));
		if (smp_processor_id() != to)
			h->bad_cpu++;
		else if (mycpu->gd_cpuid != to)
			h->bad_mycpu++;
		else if (curthread->td_gd != lwkt_cpu_gd(to))
			h->bad_gd++;
		else
			h->ok++;
	}
}

static void lwkt_xcpu_migration_hops_land(struct kunit *test)
{
	struct xk_hops h = { .hops = 400 };

	h.ncpus = lk_hosted_cpus(h.cpus, XK_MAXCPU);
	if (h.ncpus < 2)
		kunit_skip(test, "needs 2 hosted CPUs");
	lk_job_run(test, h.cpus[0], TDPRI_KERN_DAEMON, xk_hops_body, &h,
		   "hopper");
	KUNIT_EXPECT_EQ(test, h.ok, h.hops);
	KUNIT_EXPECT_EQ(test, h.bad_cpu, 0);
	KUNIT_EXPECT_EQ(test, h.bad_mycpu, 0);
	KUNIT_EXPECT_EQ(test, h.bad_gd, 0);
}

/* --- wait queues across CPUs --- */

struct xk_wq {
	struct lwkt_wait w;
	int cpu_w, cpu_s;
	int rounds;
	atomic_t cond, ack, abort;
	long blocks;
	int wrong_cpu;
	int timed_out;
};

static void xk_wq_waiter(void *arg)
{
	struct xk_wq *q = arg;
	int i;

	for (i = 1; i <= q->rounds; i++) {
		int gen = READ_ONCE(q->w.wa_gen);

		while (atomic_read(&q->cond) < i && !atomic_read(&q->abort)) {
			q->blocks++;
			lwkt_block(&q->w, "xk-wq", &gen);
		}
		if (smp_processor_id() != q->cpu_w)
			q->wrong_cpu++;
		atomic_set(&q->ack, i);
	}
}

static void xk_wq_signaller(void *arg)
{
	struct xk_wq *q = arg;
	int i;

	for (i = 1; i <= q->rounds; i++) {
		atomic_set(&q->cond, i);
		lwkt_signal(&q->w, 1);
		if (!lk_wait_atomic(&q->ack, i)) {
			q->timed_out = i;
			atomic_set(&q->abort, 1);
			atomic_set(&q->cond, q->rounds);
			lwkt_signal(&q->w, -1);
			return;
		}
	}
}

static void lwkt_xcpu_wait_signal_no_lost_wakeup(struct kunit *test)
{
	struct xk_wq *q = lk_zalloc(test, sizeof(*q));

	lk_need_two_cpus(test, &q->cpu_s, &q->cpu_w);
	lwkt_wait_init(&q->w);
	q->rounds = 2000;
	lk_run_pair(test, LK_JOB(q->cpu_w, xk_wq_waiter, q, "wq-w"),
		    LK_JOB(q->cpu_s, xk_wq_signaller, q, "wq-s"), LK_JOB_SECS);
	KUNIT_EXPECT_EQ_MSG(test, q->timed_out, 0,
			    "the waiter's ack of round %d did not come in time",
			    q->timed_out);
	KUNIT_EXPECT_EQ(test, atomic_read(&q->ack), q->rounds);
	KUNIT_EXPECT_EQ(test, q->wrong_cpu, 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(q->w.wa_count), 0);
	KUNIT_EXPECT_GT(test, q->blocks, 0);
}

/* --- cpusync --- */

struct xk_cs {
	int cpus[XK_MAXCPU];
	int ncpus;
	atomic_t ran[XK_MAXCPU];
	int ran_in_ipi[XK_MAXCPU];
	atomic_t flag[XK_MAXCPU];
	int ran_at_start[XK_MAXCPU];
	int flag_while_held[XK_MAXCPU];
	int crit_while_held;
	int create_err;
	const char *timed_out;
};

static struct xk_cs *xk_cs_cur;

static int xk_cs_index(struct xk_cs *c, int cpu)
{
	int i;

	for (i = 0; i < c->ncpus; i++)
		if (c->cpus[i] == cpu)
			return i;
	return 0;
}

static void xk_cs_func(void *arg)
{
	struct xk_cs *c = arg;
	int i = xk_cs_index(c, smp_processor_id());

	atomic_inc(&c->ran[i]);
	if (mycpu->gd_intr_nesting_level > 0)
		c->ran_in_ipi[i] = 1;
}

static void xk_cs_flagger(void *arg)
{
	struct xk_cs *c = xk_cs_cur;

	atomic_set(&c->flag[(long)arg], 1);
}

static void xk_cs_body(void *arg)
{
	struct xk_cs *c = arg;
	struct lwkt_cpusync cs = {};
	thread_t td[XK_MAXCPU] = {};
	int i;

	for (i = 1; i < c->ncpus; i++) {
		int err = lwkt_create(xk_cs_flagger, (void *)(long)i, &td[i],
				      NULL, TDF_STOPREQ, c->cpus[i], "cs-flag");

		if (err) {
			c->create_err = err;
			return;
		}
		cs.cs_mask |= LWKT_CPUMASK(c->cpus[i]);
	}
	cs.cs_func = xk_cs_func;
	cs.cs_arg = c;
	lwkt_cpusync_start(&cs);
	for (i = 0; i < c->ncpus; i++)
		c->ran_at_start[i] = atomic_read(&c->ran[i]);
	c->crit_while_held = crit_test(curthread);
	/* Scheduled there, but the held CPUs cannot run them. */
	for (i = 1; i < c->ncpus; i++)
		lwkt_schedule(td[i]);
	for (i = 1; i < c->ncpus; i++) {
		struct lwkt_globaldata *gd = lwkt_cpu_gd(c->cpus[i]);

		lwkt_wait_ipiq(gd, lwkt_seq_ipiq(gd));
	}
	lk_busy_ms(20);
	for (i = 1; i < c->ncpus; i++)
		c->flag_while_held[i] = atomic_read(&c->flag[i]);
	lwkt_cpusync_finish(&cs);
	for (i = 1; i < c->ncpus; i++)
		if (!lk_wait_atomic(&c->flag[i], 1))
			lk_timed_out(&c->timed_out,
				     "a held CPU's thread to run after finish");
}

static void lwkt_xcpu_cpusync_holds_until_finish(struct kunit *test)
{
	struct xk_cs *c;
	int i;

	c = lk_zalloc(test, sizeof(*c));
	c->ncpus = lk_hosted_cpus(c->cpus, XK_MAXCPU);
	if (c->ncpus < 2)
		kunit_skip(test, "needs 2 hosted CPUs");
	xk_cs_cur = c;
	lk_job_run(test, c->cpus[0], TDPRI_KERN_DAEMON, xk_cs_body, c,
		   "cpusync");
	KUNIT_ASSERT_EQ(test, c->create_err, 0);
	KUNIT_EXPECT_EQ(test, c->crit_while_held, 1);
	KUNIT_EXPECT_EQ(test, c->ran_at_start[0], 0);	/* not in the mask */
	for (i = 1; i < c->ncpus; i++) {
		KUNIT_EXPECT_EQ_MSG(test, c->ran_at_start[i], 1, "cpu %d",
				    c->cpus[i]);
		KUNIT_EXPECT_EQ(test, c->ran_in_ipi[i], 1);
		KUNIT_EXPECT_EQ_MSG(test, c->flag_while_held[i], 0,
				    "cpu %d ran a thread while held", c->cpus[i]);
		KUNIT_EXPECT_EQ(test, atomic_read(&c->flag[i]), 1);
		KUNIT_EXPECT_EQ(test, atomic_read(&c->ran[i]), 1);
	}
	lk_expect_in_time(test, c->timed_out);
	for (i = 1; i < c->ncpus; i++)
		lk_settle(test, c->cpus[i]);
}

static struct kunit_case lwkt_xcpu_cases[] = {
	KUNIT_CASE(lwkt_xcpu_remote_schedule_pingpong),
	KUNIT_CASE(lwkt_xcpu_migration_hops_land),
	KUNIT_CASE(lwkt_xcpu_wait_signal_no_lost_wakeup),
	KUNIT_CASE(lwkt_xcpu_cpusync_holds_until_finish),
	{}
};

static struct kunit_suite lwkt_xcpu_suite = {
	.name = "lwkt_xcpu",
	.test_cases = lwkt_xcpu_cases,
};

kunit_test_suites(&lwkt_xcpu_suite);
