/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the scheduler suites: get into LWKT context, and the
 * LWKT-side helpers of tests/host/lwkt_fixture.h (spawn, block, latch,
 * run-queue snapshots) in C.
 *
 * The rule: everything that touches LWKT state runs in an LWKT thread
 * (lk_run() starts one and waits). KUNIT_EXPECT_*() may be used there;
 * KUNIT_ASSERT_*() may not (it ends the calling kthread, i.e. the host), so
 * LWKT-side code records what it saw and the KUnit case asserts afterwards.
 */
#ifndef LWKT_KUNIT_H
#define LWKT_KUNIT_H

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/ktime.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include <lwkt/thread.h>
#include "linux/internal.h"

/* The CPU every scheduler suite runs on. */
#define LK_CPU	0

/* Run @fn(@arg) in a new LWKT thread on LK_CPU at @pri and wait for it. */
#define lk_run(test, pri, fn, arg)					\
	KUNIT_ASSERT_EQ(test, lwkt_job_run(LK_CPU, pri, fn, arg, #fn), 0)

static inline void lk_settle_fn(struct lwkt_host_call *call)
{
}

/*
 * Wait until @cpu's host is back in its idle loop (where host calls run):
 * by then every thread that was runnable there has run, and the threads
 * that exited have been reaped. From Linux context.
 */
static inline void lk_settle(struct kunit *test, int cpu)
{
	struct lwkt_host_call call = { .fn = lk_settle_fn, .idle = true };

	KUNIT_ASSERT_EQ(test, lwkt_host_call(cpu, &call), 0);
}

/*
 * Wait for a job started by lwkt_job_start(), at most @secs seconds before
 * the case fails. The job's data may still be in use, so a job that does
 * not finish is then waited for without a bound (the VM's timeout ends
 * the run), after the failure was recorded.
 */
static inline void lk_job_wait_bounded(struct kunit *test,
				       struct lwkt_job *job, int secs,
				       const char *what)
{
	if (wait_for_completion_timeout(&job->done, secs * HZ))
		return;
	KUNIT_FAIL(test, "%s did not finish within %d s (deadlock?)", what,
		   secs);
	pr_err("lwkt_kunit: %s stuck after %d s\n", what, secs);
	wait_for_completion(&job->done);
}

/* Everything below runs in LWKT threads of one CPU. */

/* The first @n hosted CPUs into @cpus; returns how many were found. */
static inline int lk_hosted_cpus(int *cpus, int n)
{
	unsigned int cpu;
	int i = 0;

	for_each_online_cpu(cpu) {
		if (i == n)
			break;
		if (lwkt_cpu_hosted(cpu))
			cpus[i++] = cpu;
	}
	return i;
}

static inline void lk_nop(void *arg)
{
}

/*
 * Create a thread at @pri running @fn(@arg), scheduled unless @stopped.
 * A creation failure is a test failure; NULL comes back.
 */
static inline thread_t lk_spawn(struct kunit *test, int pri,
				void (*fn)(void *), void *arg, bool stopped)
{
	thread_t td = NULL;
	int err;

	err = lwkt_create(fn, arg, &td, NULL, TDF_STOPREQ, -1, "kunit/%d", pri);
	KUNIT_EXPECT_EQ(test, err, 0);
	if (err)
		return NULL;
	lwkt_setpri(td, pri);
	if (!stopped)
		lwkt_schedule(td);
	return td;
}

/* Block the current thread until someone lwkt_schedule()s it. */
static inline void lk_block(void)
{
	thread_t td = curthread;

	crit_enter_quick(td);
	lwkt_deschedule_self(td);
	lwkt_switch();
	crit_exit_quick(td);
}

/*
 * Wait for @count events signalled by other threads of this CPU. The
 * signalling thread must not touch the latch (or anything the waiter owns)
 * after lk_latch_done(): the waiter may have returned by then.
 */
struct lk_latch {
	int count;
	thread_t waiter;
};

static inline void lk_latch_init(struct lk_latch *l, int count)
{
	l->count = count;
	l->waiter = NULL;
}

static inline void lk_latch_done(struct lk_latch *l)
{
	thread_t w;

	if (--l->count == 0 && l->waiter) {
		w = l->waiter;
		l->waiter = NULL;
		lwkt_schedule(w);
	}
}

static inline void lk_latch_wait(struct lk_latch *l)
{
	thread_t td = curthread;

	crit_enter_quick(td);
	while (l->count > 0) {
		l->waiter = td;
		lwkt_deschedule_self(td);
		lwkt_switch();
	}
	crit_exit_quick(td);
}

/* An order of events, one character each, compared with a string. */
struct lk_log {
	char s[64];
	int n;
};

static inline void lk_log(struct lk_log *lg, char c)
{
	if (lg->n < (int)sizeof(lg->s) - 1)
		lg->s[lg->n++] = c;
}

/* A thread's argument: the test's context and which thread it is. */
struct lk_arg {
	void *ctx;
	int id;
};

/* The threads on this CPU's run queue @pri, head first; returns how many. */
static inline int lk_queue(int pri, thread_t *v, int max)
{
	struct lwkt_list *head = &mycpu->gd_tdrunq[pri];
	struct lwkt_list *n;
	int i = 0;

	for (n = head->next; n != head && i < max; n = n->next)
		v[i++] = container_of(n, struct lwkt_thread, td_threadq);
	return i;
}

static inline struct lwkt_counters *lk_cnt(void)
{
	return &mycpu->gd_cnt;
}

static inline bool lk_resched_requested(void)
{
	return mycpu->gd_reqflags & RQF_AST_LWKT_RESCHED;
}

/* --- bounded waits for the cross-CPU lock and message suites --- */

#define LK_WAIT_NS	(10 * NSEC_PER_SEC)

/* From an LWKT thread that holds nothing: wait for *@v >= @n, serving IPIs. */
static inline bool lk_wait_atomic(atomic_t *v, int n)
{
	u64 end = ktime_get_ns() + LK_WAIT_NS;

	while (atomic_read(v) < n) {
		if (ktime_get_ns() > end)
			return false;
		lwkt_yield();
		cpu_relax();
		cond_resched();
	}
	return true;
}

/* Holding a token or the MP lock: wait for *@v >= @n without a switch. */
static inline bool lk_spin_atomic(atomic_t *v, int n)
{
	u64 end = ktime_get_ns() + LK_WAIT_NS;

	while (atomic_read(v) < n) {
		if (ktime_get_ns() > end)
			return false;
		cpu_relax();
	}
	return true;
}

static inline void lk_busy_ms(int ms)
{
	u64 end = ktime_get_ns() + (u64)ms * NSEC_PER_MSEC;

	while (ktime_get_ns() < end)
		cpu_relax();
}

/* Block until someone schedules us and *@v >= @n. */
static inline void lk_block_until(atomic_t *v, int n)
{
	thread_t td = curthread;

	while (atomic_read(v) < n) {
		crit_enter_quick(td);
		if (atomic_read(v) < n) {
			lwkt_deschedule_self(td);
			lwkt_switch();
		}
		crit_exit_quick(td);
	}
}

#endif /* LWKT_KUNIT_H */
