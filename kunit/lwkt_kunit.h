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
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/timer.h>

#include <lwkt/thread.h>
#include "linux/internal.h"

/* The CPU every scheduler suite runs on. */
#define LK_CPU	0

/*
 * --- bounded waits of a KUnit case ---
 *
 * No wait of a case is without a bound: what does not come in time fails
 * the case, in words, and is logged at once. Where something still uses
 * the case's data after that (a job that did not finish), the case waits
 * on without a bound: the VM's timeout ends the run, the log says why.
 */

/* How long a case gives the LWKT threads it started, and a host call. */
#define LK_JOB_SECS	120
#define LK_CALL_SECS	60

/**
 * struct lk_job - a function a case runs in an LWKT thread of its own
 * @cpu:	the hosted CPU it runs on
 * @pri:	its priority
 * @fn:		the function
 * @arg:	its argument
 * @name:	the thread's name, and the job's in a failure
 * @running:	started and not waited for yet (lk_jobs_start() sets it)
 * @job:	the lwkt_job_start() job
 */
struct lk_job {
	int cpu;
	int pri;
	void (*fn)(void *arg);
	void *arg;
	const char *name;
	bool running;
	struct lwkt_job job;
};

/* A job of the cross-CPU suites: @fn(@arg) on @cpu at TDPRI_KERN_DAEMON. */
#define LK_JOB(_cpu, _fn, _arg, _name)					\
	((struct lk_job){ .cpu = (_cpu), .pri = TDPRI_KERN_DAEMON,	\
			  .fn = (_fn), .arg = (_arg), .name = (_name) })

/**
 * lk_jobs_wait - wait for jobs, all of them within @secs seconds
 * @test:	the case
 * @jobs:	jobs started by lk_jobs_start() (others are passed over)
 * @n:		how many
 * @secs:	the bound, for all of them together
 *
 * A job that has not finished by then, or that a signal stopped, fails the
 * case. An unfinished one is then waited for without a bound, once every
 * job was looked at: its data may be in use.
 *
 * Return: how many jobs failed.
 */
static inline int lk_jobs_wait(struct kunit *test, struct lk_job *jobs,
			       int n, int secs)
{
	unsigned long end = jiffies + secs * HZ;
	int i, err, failed = 0;
	long left;
	bool stuck = false;

	for (i = 0; i < n; i++) {
		if (!jobs[i].running)
			continue;
		left = max_t(long, (long)(end - jiffies), 0);
		err = lwkt_job_wait_timeout(&jobs[i].job, left);
		if (err == -ETIMEDOUT) {
			KUNIT_FAIL(test, "%s (CPU %d) not done within %d s",
				   jobs[i].name, jobs[i].cpu, secs);
			pr_err("lwkt_kunit: %s: %s not done in %d s, waiting on\n",
			       test->name, jobs[i].name, secs);
			stuck = true;
			failed++;
			continue;
		}
		jobs[i].running = false;
		if (err) {
			KUNIT_FAIL(test, "%s (CPU %d) was stopped by a signal",
				   jobs[i].name, jobs[i].cpu);
			failed++;
		}
	}
	for (i = 0; stuck && i < n; i++) {
		if (jobs[i].running)
			wait_for_completion(&jobs[i].job.done);
		jobs[i].running = false;
	}
	return failed;
}

/**
 * lk_jobs_start - start jobs, in their order
 * @test:	the case
 * @jobs:	the jobs
 * @n:		how many
 *
 * A job that cannot start ends the case, once those started before it
 * have finished (lk_jobs_wait(), LK_JOB_SECS).
 */
static inline void lk_jobs_start(struct kunit *test, struct lk_job *jobs,
				 int n)
{
	struct lk_job *j;
	int i, err = 0;

	for (i = 0; i < n; i++) {
		j = &jobs[i];
		err = lwkt_job_start(&j->job, j->cpu, j->pri, j->fn, j->arg,
				     j->name);
		j->running = !err;
		if (err)
			break;
	}
	if (!err)
		return;
	lk_jobs_wait(test, jobs, i, LK_JOB_SECS);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "cannot start %s on CPU %d",
			    j->name, j->cpu);
}

/**
 * lk_jobs_run - run jobs at once and wait for them, within @secs seconds
 * @test:	the case
 * @jobs:	the jobs, started in their order
 * @n:		how many
 * @secs:	the bound, for all of them together
 *
 * Return: how many jobs failed (lk_jobs_wait()).
 */
static inline int lk_jobs_run(struct kunit *test, struct lk_job *jobs, int n,
			      int secs)
{
	lk_jobs_start(test, jobs, n);
	return lk_jobs_wait(test, jobs, n, secs);
}

/**
 * lk_run_pair - run two jobs at once and wait for both, within @secs seconds
 * @test:	the case
 * @a:		the job started first (LK_JOB())
 * @b:		the other
 * @secs:	the bound, for both together
 *
 * Return: how many jobs failed (lk_jobs_wait()).
 */
static inline int lk_run_pair(struct kunit *test, struct lk_job a,
			      struct lk_job b, int secs)
{
	struct lk_job jobs[2] = { a, b };

	return lk_jobs_run(test, jobs, 2, secs);
}

/**
 * lk_job_run - run @fn(@arg) in a new LWKT thread on @cpu and wait for it
 * @test:	the case
 * @cpu:	a hosted CPU
 * @pri:	the thread's priority
 * @fn:		the function
 * @arg:	its argument
 * @name:	the thread's name
 *
 * Within LK_JOB_SECS; a job that fails ends the case.
 */
static inline void lk_job_run(struct kunit *test, int cpu, int pri,
			      void (*fn)(void *), void *arg, const char *name)
{
	struct lk_job j = { .cpu = cpu, .pri = pri, .fn = fn, .arg = arg,
			    .name = name };

	KUNIT_ASSERT_EQ_MSG(test, lk_jobs_run(test, &j, 1, LK_JOB_SECS), 0,
			    "%s did not run to its end", name);
}

/* A job's function and its name, for helpers that take both. */
#define LK_FN(fn)	fn, #fn

/* Run @fn(@arg) in a new LWKT thread on LK_CPU at @pri and wait for it. */
#define lk_run(test, pri, fn, arg)					\
	lk_job_run(test, LK_CPU, pri, fn, arg, #fn)

/**
 * lk_wait_done - wait for a completion that an LWKT thread signals
 * @test:	the case
 * @done:	the completion
 * @what:	what it says, in words (for the failure)
 *
 * Within LK_JOB_SECS, or the case fails; the thread may still use the
 * case's data then, so the wait goes on without a bound.
 */
static inline void lk_wait_done(struct kunit *test, struct completion *done,
				const char *what)
{
	if (wait_for_completion_timeout(done, LK_JOB_SECS * HZ))
		return;
	KUNIT_FAIL(test, "not within %d s: %s", LK_JOB_SECS, what);
	pr_err("lwkt_kunit: %s: still waiting after %d s: %s\n", test->name,
	       LK_JOB_SECS, what);
	wait_for_completion(done);
}

/* A timer that sends the case's thread a signal, to end its wait. */
struct lk_alarm {
	struct timer_list timer;
	struct task_struct *task;
};

static inline void lk_alarm_fn(struct timer_list *t)
{
	struct lk_alarm *a = from_timer(a, t, timer);

	send_sig(SIGALRM, a->task, 1);
}

/**
 * lk_host_call - lwkt_host_call() from a case, within LK_CALL_SECS
 * @test:	the case
 * @cpu:	a hosted CPU
 * @call:	the call
 * @what:	what the call waits for, in words (for the failure)
 *
 * lwkt_host_call() has no bound, but takes a call that has not started
 * back on a signal, and waits for one that has (it cannot block): a timer
 * sends the case's thread that signal after LK_CALL_SECS.
 *
 * Return: lwkt_host_call()'s; anything but 0 has failed the case.
 */
static inline int lk_host_call(struct kunit *test, unsigned int cpu,
			       struct lwkt_host_call *call, const char *what)
{
	struct lk_alarm a = { .task = current };
	bool rang;
	int err;

	allow_signal(SIGALRM);
	timer_setup_on_stack(&a.timer, lk_alarm_fn, 0);
	mod_timer(&a.timer, jiffies + LK_CALL_SECS * HZ);
	err = lwkt_host_call(cpu, call);
	rang = !del_timer_sync(&a.timer);
	destroy_timer_on_stack(&a.timer);
	disallow_signal(SIGALRM);	/* drops the signal if it came late */
	if (err == -EINTR && rang)
		KUNIT_FAIL(test, "CPU %u: not within %d s: %s", cpu,
			   LK_CALL_SECS, what);
	else if (err)
		KUNIT_FAIL(test, "CPU %u: host call failed (%d): %s", cpu, err,
			   what);
	return err;
}

static inline void lk_settle_fn(struct lwkt_host_call *call)
{
}

/*
 * Wait until @cpu's host is back in its idle loop (where host calls run):
 * by then every thread that was runnable there has run, and the threads
 * that exited have been reaped. From Linux context; a CPU that does not
 * settle within LK_CALL_SECS ends the case.
 */
static inline void lk_settle(struct kunit *test, int cpu)
{
	struct lwkt_host_call call = { .fn = lk_settle_fn, .idle = true };

	KUNIT_ASSERT_EQ(test, lk_host_call(test, cpu, &call,
					   "the CPU to settle"),
			0);
}

/*
 * What an LWKT-side wait that gave up waited for, in words, in a case's
 * const char *timed_out (NULL: nothing did). The first note is kept (the
 * others followed from it); threads of any CPU may note.
 */
static inline void lk_timed_out(const char **timed_out, const char *what)
{
	cmpxchg(timed_out, NULL, what);
}

/* In the case, after its jobs: fail if an LWKT-side wait gave up. */
static inline void lk_expect_in_time(struct kunit *test, const char *timed_out)
{
	if (timed_out)
		KUNIT_FAIL(test, "timed out waiting for %s", timed_out);
}

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

/* @size zeroed bytes for the case (freed after it), or the case ends. */
static inline void *lk_zalloc(struct kunit *test, size_t size)
{
	void *p = kunit_kzalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	return p;
}

/* The first two hosted CPUs into *@first, *@second, or the case is skipped. */
static inline void lk_need_two_cpus(struct kunit *test, int *first,
				    int *second)
{
	int cpus[2];

	if (lk_hosted_cpus(cpus, 2) < 2)
		kunit_skip(test, "needs 2 hosted CPUs");
	*first = cpus[0];
	*second = cpus[1];
}

/* The last hosted CPU other than LK_CPU, or -1. */
static inline int lk_other_cpu(void)
{
	unsigned int cpu;
	int other = -1;

	for_each_online_cpu(cpu)
		if (cpu != LK_CPU && lwkt_cpu_hosted(cpu))
			other = cpu;
	return other;
}

/* Everything below runs in LWKT threads of one CPU. */

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

/* Holding a token or the MP lock: wait for *@v != @old without a switch. */
static inline bool lk_spin_changed(const u64 *v, u64 old)
{
	u64 end = ktime_get_ns() + LK_WAIT_NS;

	while (READ_ONCE(*v) == old) {
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

/*
 * What the lock stress cases check inside their lock: nobody else is
 * inside, and the pair @a, @b, which each holder steps one after the
 * other, is equal when it enters.
 */
struct lk_excl {
	unsigned long owner;	/* who is inside, 0 outside */
	u64 a, b;
};

/* Inside the lock, as @me (not 0): count what went wrong. */
static inline void lk_excl_check(struct lk_excl *x, unsigned long me,
				 int *bad_owner, int *bad_pair)
{
	if (READ_ONCE(x->owner))
		(*bad_owner)++;
	WRITE_ONCE(x->owner, me);
	if (READ_ONCE(x->a) != READ_ONCE(x->b))
		(*bad_pair)++;
	WRITE_ONCE(x->a, x->a + 1);
	cpu_relax();
	WRITE_ONCE(x->b, x->b + 1);
	if (READ_ONCE(x->owner) != me)
		(*bad_owner)++;
	WRITE_ONCE(x->owner, 0);
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
