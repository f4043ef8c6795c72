// SPDX-License-Identifier: GPL-2.0
/*
 * Jobs: run a function in a new LWKT thread, from Linux context (a debugfs
 * writer, a KUnit case), and wait for it. What the workloads and the KUnit
 * suites use to get into LWKT context.
 */
#include <linux/module.h>

#include "linux/internal.h"

static void lwkt_job_main(void *arg)
{
	struct lwkt_job *job = arg;

	job->fn(job->arg);
	/* The last touch of @job: the waiter may free it right after. */
	complete(&job->done);
}

/**
 * lwkt_job_start - run @fn(@arg) in a new LWKT thread
 * @job:	caller-owned, valid until the job finished (a wait returned 0
 *		or -EINTR)
 * @cpu:	a hosted CPU
 * @pri:	the thread's priority (TDPRI_*)
 * @fn:		the function
 * @arg:	its argument
 * @name:	the thread's name
 *
 * Return: 0, or the lwkt_create() error.
 */
int lwkt_job_start(struct lwkt_job *job, int cpu, int pri,
		   void (*fn)(void *), void *arg, const char *name)
{
	struct lwkt_thread *td;
	int err;

	job->fn = fn;
	job->arg = arg;
	job->stop = false;
	init_completion(&job->done);
	err = lwkt_create(lwkt_job_main, job, &td, NULL, TDF_STOPREQ, cpu,
			  "%s", name);
	if (err)
		return err;
	lwkt_setpri(td, pri);
	lwkt_schedule(td);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lwkt_job_start, LWKT_INTERNAL);

/**
 * lwkt_job_wait - wait for a job, stopping it on a signal
 * @job:	started by lwkt_job_start()
 *
 * On a signal, sets @job->stop, which the job's function polls, and waits
 * for it to finish (it must do so promptly).
 *
 * Return: 0, or -EINTR if a signal stopped the job.
 */
int lwkt_job_wait(struct lwkt_job *job)
{
	if (!wait_for_completion_interruptible(&job->done))
		return 0;
	WRITE_ONCE(job->stop, true);
	wait_for_completion(&job->done);
	return -EINTR;
}
EXPORT_SYMBOL_NS_GPL(lwkt_job_wait, LWKT_INTERNAL);

/**
 * lwkt_job_wait_timeout - lwkt_job_wait(), for at most @timeout jiffies
 * @job:	started by lwkt_job_start()
 * @timeout:	how long to wait, in jiffies (less than MAX_SCHEDULE_TIMEOUT)
 *
 * As lwkt_job_wait(), but @timeout bounds the whole wait, that for a job
 * stopped by a signal included.
 *
 * Return: 0; -EINTR if a signal stopped the job; -ETIMEDOUT if it had not
 * finished by then: it still uses @job, which must stay valid until the
 * job completes @job->done.
 */
int lwkt_job_wait_timeout(struct lwkt_job *job, long timeout)
{
	unsigned long end = jiffies + timeout;
	long left;

	left = wait_for_completion_interruptible_timeout(&job->done, timeout);
	if (left > 0)
		return 0;
	if (!left)
		return -ETIMEDOUT;
	WRITE_ONCE(job->stop, true);
	left = max_t(long, (long)(end - jiffies), 0);
	if (!wait_for_completion_timeout(&job->done, left))
		return -ETIMEDOUT;
	return -EINTR;
}
EXPORT_SYMBOL_NS_GPL(lwkt_job_wait_timeout, LWKT_INTERNAL);

/**
 * lwkt_job_run - lwkt_job_start() + lwkt_job_wait()
 */
int lwkt_job_run(int cpu, int pri, void (*fn)(void *), void *arg,
		 const char *name)
{
	struct lwkt_job job;
	int err;

	err = lwkt_job_start(&job, cpu, pri, fn, arg, name);
	return err ? err : lwkt_job_wait(&job);
}
EXPORT_SYMBOL_NS_GPL(lwkt_job_run, LWKT_INTERNAL);
