// SPDX-License-Identifier: GPL-2.0
/*
 * IPI queues with real IPIs (tests/host/ipiq_test.cc in the kernel): FIFO
 * order from several CPUs, deferral inside a critical section until
 * crit_exit, processing from the kick's hardirq when the target is outside
 * any critical section, sends to self / by number, a full FIFO.
 *
 * LWKT-side code records what it saw; the KUnit case checks it afterwards
 * (never KUNIT_ASSERT in an LWKT thread).
 */
#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include <lwkt/ipiq.h>

#include "lwkt_kunit.h"

#define IK_MAXSRC	4

/* --- FIFO order from several CPUs --- */

struct ik_sink {
	int next[NR_CPUS > 64 ? 64 : NR_CPUS];
	int bad, count, wrong_cpu;
	int cpu;
};

struct ik_msg {
	struct ik_sink *sink;
	int src, seq;
};

static void ik_record(void *arg)
{
	struct ik_msg *m = arg;
	struct ik_sink *s = m->sink;

	if (s->next[m->src] != m->seq)
		s->bad++;
	s->next[m->src] = m->seq + 1;
	s->count++;
	if (smp_processor_id() != s->cpu)
		s->wrong_cpu++;
}

struct ik_fifo {
	struct ik_sink sink;
	struct ik_msg *msgs;	/* [src index][n] */
	int n;
	int target;
	int src[IK_MAXSRC];
	int failed_sends[IK_MAXSRC];
};

static void ik_fifo_sender(void *arg)
{
	struct lk_arg *a = arg;
	struct ik_fifo *f = a->ctx;
	struct lwkt_globaldata *t = lwkt_cpu_gd(f->target);
	struct ik_msg *m = f->msgs + a->id * f->n;
	lwkt_seq_t seq = 0;
	int i;

	for (i = 0; i < f->n; i++) {
		m[i].sink = &f->sink;
		m[i].src = f->src[a->id];
		m[i].seq = i;
		seq = lwkt_send_ipiq(t, ik_record, &m[i]);
		if (seq == 0)
			f->failed_sends[a->id]++;
	}
	lwkt_wait_ipiq(t, seq);
}

static void lwkt_ipiq_fifo_order_from_several_cpus(struct kunit *test)
{
	struct lk_arg args[IK_MAXSRC];
	struct lk_job jobs[IK_MAXSRC];
	int cpus[IK_MAXSRC + 1];
	int ncpus = lk_hosted_cpus(cpus, IK_MAXSRC + 1);
	struct ik_fifo *f;
	int i, nsrc;

	if (ncpus < 2)
		kunit_skip(test, "needs 2 hosted CPUs");
	f = lk_zalloc(test, sizeof(*f));
	f->n = 3000;
	f->target = cpus[0];
	f->sink.cpu = cpus[0];
	nsrc = ncpus - 1;
	f->msgs = kunit_kcalloc(test, nsrc * f->n, sizeof(*f->msgs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->msgs);
	for (i = 0; i < nsrc; i++) {
		f->src[i] = cpus[i + 1];
		args[i] = (struct lk_arg){ .ctx = f, .id = i };
		jobs[i] = LK_JOB(f->src[i], ik_fifo_sender, &args[i],
				 "ipiq-fifo");
	}
	lk_jobs_run(test, jobs, nsrc, LK_JOB_SECS);
	KUNIT_EXPECT_EQ(test, f->sink.bad, 0);
	KUNIT_EXPECT_EQ(test, f->sink.count, nsrc * f->n);
	KUNIT_EXPECT_EQ(test, f->sink.wrong_cpu, 0);
	for (i = 0; i < nsrc; i++) {
		KUNIT_EXPECT_EQ(test, f->sink.next[f->src[i]], f->n);
		KUNIT_EXPECT_EQ(test, f->failed_sends[i], 0);
	}
}

/* --- deferral inside a critical section --- */

struct ik_defer {
	int target, sender;
	atomic_t in_crit, sent;
	int ran;		/* written by the message, on target */
	int ran_cpu;
	int ran_during, ran_after_inner, ran_after;
	int pending;
	const char *timed_out;
	lwkt_seq_t seq;
};

static void ik_defer_msg(void *arg)
{
	struct ik_defer *d = arg;

	d->ran_cpu = smp_processor_id();
	WRITE_ONCE(d->ran, 1);
}

static void ik_defer_target(void *arg)
{
	struct ik_defer *d = arg;
	thread_t td = curthread;

	crit_enter_quick(td);
	crit_enter_quick(td);
	atomic_set(&d->in_crit, 1);
	if (!lk_spin_atomic(&d->sent, 1))
		lk_timed_out(&d->timed_out, "the sender (target in crit)");
	/* The kick has long arrived: it must have left the work pending. */
	lk_busy_ms(20);
	d->ran_during = READ_ONCE(d->ran);
	d->pending = !!(READ_ONCE(mycpu->gd_reqflags) & RQF_IPIQ);
	crit_exit_quick(td);
	d->ran_after_inner = READ_ONCE(d->ran);
	crit_exit_quick(td);
	d->ran_after = READ_ONCE(d->ran);
}

static void ik_defer_sender(void *arg)
{
	struct ik_defer *d = arg;

	if (!lk_wait_atomic(&d->in_crit, 1)) {
		lk_timed_out(&d->timed_out, "the target to enter its crit");
		atomic_set(&d->sent, 1);
		return;
	}
	d->seq = lwkt_send_ipiq(lwkt_cpu_gd(d->target), ik_defer_msg, d);
	atomic_set(&d->sent, 1);
}

static void lwkt_ipiq_deferred_inside_crit_until_crit_exit(struct kunit *test)
{
	struct ik_defer d = {};

	lk_need_two_cpus(test, &d.sender, &d.target);
	lk_run_pair(test, LK_JOB(d.target, ik_defer_target, &d, "defer-t"),
		    LK_JOB(d.sender, ik_defer_sender, &d, "defer-s"),
		    LK_JOB_SECS);
	lk_expect_in_time(test, d.timed_out);
	KUNIT_EXPECT_NE(test, d.seq, 0);
	KUNIT_EXPECT_EQ(test, d.ran_during, 0);
	KUNIT_EXPECT_EQ(test, d.pending, 1);
	KUNIT_EXPECT_EQ(test, d.ran_after_inner, 0);
	KUNIT_EXPECT_EQ(test, d.ran_after, 1);
	KUNIT_EXPECT_EQ(test, d.ran_cpu, d.target);
}

/* --- processing from the hardirq kick, outside any critical section --- */

struct ik_hard {
	int target, sender;
	atomic_t looping;
	int sent;
	int ran;
	int ran_cpu, ran_in_hardirq;
	thread_t ran_curthread, target_td;
	int seen_in_loop;
	int loop_crit;
	const char *timed_out;
};

static void ik_hard_msg(void *arg)
{
	struct ik_hard *h = arg;

	h->ran_cpu = smp_processor_id();
	h->ran_in_hardirq = !!in_hardirq();
	h->ran_curthread = curthread;
	WRITE_ONCE(h->ran, 1);
}

static void ik_hard_target(void *arg)
{
	struct ik_hard *h = arg;
	u64 end = ktime_get_ns() + LK_WAIT_NS;

	h->target_td = curthread;
	h->loop_crit = crit_test(curthread);
	atomic_set(&h->looping, 1);
	/* No LWKT call in here: no crit_exit, no switch, no preemption point. */
	while (!READ_ONCE(h->ran) && ktime_get_ns() < end)
		cpu_relax();
	h->seen_in_loop = READ_ONCE(h->ran);
}

static void ik_hard_sender(void *arg)
{
	struct ik_hard *h = arg;

	if (!lk_wait_atomic(&h->looping, 1)) {
		lk_timed_out(&h->timed_out, "the target to spin");
		return;
	}
	lwkt_send_ipiq(lwkt_cpu_gd(h->target), ik_hard_msg, h);
	WRITE_ONCE(h->sent, 1);
}

static void lwkt_ipiq_runs_from_hardirq_outside_crit(struct kunit *test)
{
	struct ik_hard h = {};

	lk_need_two_cpus(test, &h.sender, &h.target);
	lk_run_pair(test, LK_JOB(h.target, ik_hard_target, &h, "hard-t"),
		    LK_JOB(h.sender, ik_hard_sender, &h, "hard-s"), LK_JOB_SECS);
	lk_expect_in_time(test, h.timed_out);
	KUNIT_EXPECT_EQ(test, h.loop_crit, 0);
	KUNIT_EXPECT_EQ(test, h.seen_in_loop, 1);
	KUNIT_EXPECT_EQ(test, h.ran_cpu, h.target);
	KUNIT_EXPECT_EQ(test, h.ran_in_hardirq, 1);
	KUNIT_EXPECT_PTR_EQ(test, h.ran_curthread, h.target_td);
}

/* --- to self, by number --- */

struct ik_self {
	int ran, ran_cpu, crit;
	lwkt_seq_t rc_self, rc_neg, rc_big, rc_other;
	int other_cpu, other_ran_cpu;
	int self_cpu;
};

static void ik_self_fn(void *arg)
{
	struct ik_self *s = arg;

	s->ran++;
	s->ran_cpu = smp_processor_id();
	s->crit = crit_test(curthread);
}

static void ik_other_fn(void *arg)
{
	struct ik_self *s = arg;

	s->other_ran_cpu = smp_processor_id();
}

static void ik_self_body(void *arg)
{
	struct ik_self *s = arg;

	s->self_cpu = smp_processor_id();
	s->rc_self = lwkt_send_ipiq(mycpu, ik_self_fn, s);
	s->rc_neg = lwkt_send_ipiq_bycpu(-1, ik_self_fn, s);
	s->rc_big = lwkt_send_ipiq_bycpu(nr_cpu_ids, ik_self_fn, s);
	s->rc_other = lwkt_send_ipiq_bycpu(s->other_cpu, ik_other_fn, s);
	if (s->rc_other)
		lwkt_wait_ipiq(lwkt_cpu_gd(s->other_cpu), s->rc_other);
}

static void lwkt_ipiq_send_to_self_and_bycpu(struct kunit *test)
{
	struct ik_self s = { .other_ran_cpu = -1 };
	int cpu;

	lk_need_two_cpus(test, &cpu, &s.other_cpu);
	lk_job_run(test, cpu, TDPRI_KERN_DAEMON, ik_self_body, &s, "ipiq-self");
	KUNIT_EXPECT_EQ(test, s.rc_self, 0);
	KUNIT_EXPECT_EQ(test, s.ran, 1);
	KUNIT_EXPECT_EQ(test, s.ran_cpu, s.self_cpu);
	KUNIT_EXPECT_EQ(test, s.crit, 1);
	KUNIT_EXPECT_EQ(test, s.rc_neg, 0);	/* nothing sent (logged) */
	KUNIT_EXPECT_EQ(test, s.rc_big, 0);
	KUNIT_EXPECT_NE(test, s.rc_other, 0);
	KUNIT_EXPECT_EQ(test, s.other_ran_cpu, s.other_cpu);
}

/* --- a full FIFO: _nowait fails, everything queued arrives in order --- */

struct ik_full {
	struct ik_sink sink;
	struct ik_msg msgs[LWKT_IPIQ_SIZE + 1];
	int target, sender;
	atomic_t in_crit, release;
	int queued, rc, rc_after;
	u64 fifofull;
	int count_in_crit, count_after;
	atomic_t counted;	/* count_after is taken: send again */
	const char *timed_out;
};

static void ik_full_target(void *arg)
{
	struct ik_full *f = arg;
	thread_t td = curthread;

	crit_enter_quick(td);
	atomic_set(&f->in_crit, 1);
	if (!lk_spin_atomic(&f->release, 1))
		lk_timed_out(&f->timed_out, "the sender to fill the FIFO");
	f->count_in_crit = f->sink.count;
	crit_exit_quick(td);
	f->count_after = f->sink.count;
	atomic_set(&f->counted, 1);
}

static void ik_full_sender(void *arg)
{
	struct ik_full *f = arg;
	struct lwkt_globaldata *t = lwkt_cpu_gd(f->target);
	u64 full;
	int i, rc = 0;

	if (!lk_wait_atomic(&f->in_crit, 1)) {
		lk_timed_out(&f->timed_out, "the target to enter its crit");
		atomic_set(&f->release, 1);
		return;
	}
	full = mycpu->gd_cnt.ipiq_fifofull;
	for (i = 0; i <= LWKT_IPIQ_SIZE; i++) {
		f->msgs[i].sink = &f->sink;
		f->msgs[i].src = f->sender;
		f->msgs[i].seq = i;
		rc = lwkt_send_ipiq_nowait(t, ik_record, &f->msgs[i]);
		if (rc < 0)
			break;
	}
	f->queued = i;
	f->rc = rc;
	f->fifofull = mycpu->gd_cnt.ipiq_fifofull - full;
	atomic_set(&f->release, 1);
	lwkt_wait_ipiq(t, lwkt_seq_ipiq(t));
	/* The next message could run (hardirq) before the target counts. */
	if (!lk_wait_atomic(&f->counted, 1))
		lk_timed_out(&f->timed_out,
			     "the target to count after its crit_exit");
	f->rc_after = lwkt_send_ipiq_nowait(t, ik_record, &f->msgs[i]);
	if (f->rc_after == 0)
		lwkt_wait_ipiq(t, lwkt_seq_ipiq(t));
}

static void lwkt_ipiq_nowait_fails_on_a_full_fifo(struct kunit *test)
{
	struct ik_full *f;

	f = lk_zalloc(test, sizeof(*f));
	lk_need_two_cpus(test, &f->sender, &f->target);
	f->sink.cpu = f->target;
	lk_run_pair(test, LK_JOB(f->target, ik_full_target, f, "full-t"),
		    LK_JOB(f->sender, ik_full_sender, f, "full-s"), LK_JOB_SECS);
	lk_expect_in_time(test, f->timed_out);
	KUNIT_EXPECT_EQ(test, f->rc, -105);
	KUNIT_EXPECT_GE(test, f->queued, LWKT_IPIQ_HIGH);
	KUNIT_EXPECT_LE(test, f->queued, LWKT_IPIQ_SIZE);
	KUNIT_EXPECT_EQ(test, f->fifofull, 1);
	KUNIT_EXPECT_EQ(test, f->count_in_crit, 0);
	KUNIT_EXPECT_EQ(test, f->count_after, f->queued);
	KUNIT_EXPECT_EQ(test, f->rc_after, 0);
	KUNIT_EXPECT_EQ(test, f->sink.count, f->queued + 1);
	KUNIT_EXPECT_EQ(test, f->sink.bad, 0);
}

static struct kunit_case lwkt_ipiq_cases[] = {
	KUNIT_CASE(lwkt_ipiq_fifo_order_from_several_cpus),
	KUNIT_CASE(lwkt_ipiq_deferred_inside_crit_until_crit_exit),
	KUNIT_CASE(lwkt_ipiq_runs_from_hardirq_outside_crit),
	KUNIT_CASE(lwkt_ipiq_send_to_self_and_bycpu),
	KUNIT_CASE(lwkt_ipiq_nowait_fails_on_a_full_fifo),
	{}
};

static struct kunit_suite lwkt_ipiq_suite = {
	.name = "lwkt_ipiq",
	.test_cases = lwkt_ipiq_cases,
};

kunit_test_suites(&lwkt_ipiq_suite);
