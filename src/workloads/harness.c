// SPDX-License-Identifier: GPL-2.0
/*
 * The threads of a workload run: started over the hosted CPUs, stopped by
 * a flag, counted out, and waited for past a barrier (harness.h). The
 * shape is kernel/torture.c's: the workload supplies the thread function
 * and its per-thread argument; the harness owns placement, stopping and
 * the end of the run.
 */
#include <linux/slab.h>
#include <linux/string.h>

#include <lwkt/thread.h>

#include "linux/internal.h"
#include "workloads/harness.h"

/**
 * lwkt_harness_init - prepare @h for one run
 * @h:		zeroed, or left over from an earlier run that is over
 * @flags:	LWKT_HARNESS_DETACHED: the run will not wait for its threads
 *		(see struct lwkt_harness); LWKT_HARNESS_ALL_CPUS: the CPU set
 *		is every hosted CPU, not the first LWKT_HARNESS_MAXCPU
 *
 * @h is live from here until its last thread is counted out.
 */
void lwkt_harness_init(struct lwkt_harness *h, unsigned int flags)
{
	unsigned int cpu, n = 0;

	memset(h, 0, sizeof(*h));
	for_each_cpu(cpu, lwkt_hosted_mask()) {
		if (n < LWKT_HARNESS_MAXCPU)
			h->cpu[n] = cpu;
		else if (!(flags & LWKT_HARNESS_ALL_CPUS))
			break;
		n++;
	}
	h->ncpus = n;
	h->detached = flags & LWKT_HARNESS_DETACHED;
	atomic_set(&h->running, 0);
	init_completion(&h->done);
	h->live = true;
}

/**
 * lwkt_harness_enter - count @n threads in
 * @h:	the harness
 * @n:	threads about to be started, each of which will call
 *	lwkt_harness_exit(@h, 1) as its last touch of the run's state
 *
 * For workloads that create their own threads (placed by role rather than
 * spread); lwkt_harness_start() counts its threads in itself. Call it
 * before any of them can run.
 */
void lwkt_harness_enter(struct lwkt_harness *h, unsigned int n)
{
	atomic_add(n, &h->running);
}

/**
 * lwkt_harness_exit - count @n threads out
 * @h:	the harness
 * @n:	threads done (or never started)
 *
 * The last one out ends the run: it completes @h->done, or for a detached
 * run clears @h->live. A thread's call is its last touch of @h: the run
 * may free @h right after.
 */
void lwkt_harness_exit(struct lwkt_harness *h, unsigned int n)
{
	if (!atomic_sub_and_test(n, &h->running))
		return;
	/* Release, for lwkt_harness_live(): the threads' results come first. */
	if (h->detached)
		smp_store_release(&h->live, false);
	else
		complete(&h->done);
}

static void *lwkt_harness_arg(void *args, size_t argsize, unsigned int nr)
{
	if (!args)
		return (void *)(unsigned long)nr;
	return (char *)args + nr * argsize;
}

/**
 * lwkt_harness_start - start @nthreads threads over the CPU set
 * @h:		initialised by lwkt_harness_init()
 * @nthreads:	how many; thread @nr runs on the (@nr % @h->ncpus)-th CPU
 *		of the set (@h->cpu[@nr % @h->ncpus]), so nthreads = k *
 *		ncpus gives k threads per CPU
 * @fn:		the thread function; it ends with lwkt_harness_exit(@h, 1)
 * @args:	the argument of thread @nr is @args + @nr * @argsize; NULL:
 *		(void *)@nr, for threads that need only their number
 * @argsize:	0: every thread gets @args itself
 * @name:	threads are named <name>/<nr>, or with
 *		LWKT_HARNESS_NAME_BY_CPU <name>/<cpu>.<i> (the i-th of its CPU)
 * @flags:	LWKT_HARNESS_*
 *
 * All threads are created stopped and then scheduled back to back, so
 * they start on every CPU at once. If one cannot be created, the stop
 * flag is set (the ones made leave at their first check) and those not
 * made are counted out.
 *
 * Return: 0, or -ENOMEM when not every thread could be created (kept in
 * @h->err for lwkt_harness_wait()).
 */
int lwkt_harness_start(struct lwkt_harness *h, unsigned int nthreads,
		       void (*fn)(void *arg), void *args, size_t argsize,
		       const char *name, unsigned int flags)
{
	struct lwkt_thread **td;
	unsigned int made, i = 0;
	int cpu = -1, err;

	lwkt_harness_enter(h, nthreads);
	td = kcalloc(nthreads, sizeof(*td), GFP_KERNEL);
	if (!td || !h->ncpus) {
		kfree(td);
		lwkt_harness_stop(h);
		h->err = -ENOMEM;
		lwkt_harness_exit(h, nthreads);
		return h->err;
	}
	for (made = 0; made < nthreads; made++) {
		void *arg = lwkt_harness_arg(args, argsize, made);

		/* The next CPU of the set, round robin. */
		if (i++ == h->ncpus) {
			i = 1;
			cpu = -1;
		}
		cpu = cpumask_next(cpu, lwkt_hosted_mask());
		if (flags & LWKT_HARNESS_NAME_BY_CPU)
			err = lwkt_create(fn, arg, &td[made], NULL, TDF_STOPREQ,
					  cpu, "%s/%u.%u", name, cpu,
					  made / h->ncpus);
		else
			err = lwkt_create(fn, arg, &td[made], NULL, TDF_STOPREQ,
					  cpu, "%s/%u", name, made);
		if (err)
			break;
	}
	if (made < nthreads) {
		lwkt_harness_stop(h);
		h->err = -ENOMEM;
	}
	for (i = 0; i < made; i++)
		lwkt_schedule(td[i]);
	kfree(td);
	/* After the schedules: the count may drop to 0 only once all run. */
	if (made < nthreads)
		lwkt_harness_exit(h, nthreads - made);
	return h->err;
}

/**
 * lwkt_harness_join - wait until every thread is counted out
 * @h:	the harness of an attached run
 *
 * A signal sets the stop flag; the wait then goes on until the threads,
 * which poll it, have all left. Unlike lwkt_harness_wait(), no barrier:
 * for a run that may have to leave a thread behind.
 *
 * Return: 0, or -EINTR if a signal stopped the run.
 */
int lwkt_harness_join(struct lwkt_harness *h)
{
	if (!wait_for_completion_interruptible(&h->done))
		return 0;
	lwkt_harness_stop(h);
	wait_for_completion(&h->done);
	return -EINTR;
}

/**
 * lwkt_harness_wait - the end of an attached run
 * @h:	the harness
 *
 * lwkt_harness_join(), then lwkt_harness_barrier(): no thread of the run
 * runs any more, and @h is no longer live.
 *
 * Return: 0; -ENOMEM if not every thread could be started (the ones
 * started stopped early); else -EINTR if a signal stopped the run.
 */
int lwkt_harness_wait(struct lwkt_harness *h)
{
	int err = lwkt_harness_join(h);

	lwkt_harness_barrier();
	WRITE_ONCE(h->live, false);
	return h->err ?: err;
}

static void lwkt_harness_barrier_one(void *arg)
{
}

/**
 * lwkt_harness_barrier - wait until threads that finished are gone
 *
 * One call per hosted CPU, run once that CPU has nothing runnable: a
 * thread that counted itself out has exited by then, so the caller may
 * free what it used. No signal cuts it short, for that reason. A CPU kept
 * busy by others (a parked yielder) never settles: after 5 s a thread at
 * the workloads' priority takes its place, which runs only after every
 * thread runnable there before it had its turn.
 */
void lwkt_harness_barrier(void)
{
	unsigned int cpu;

	for_each_cpu(cpu, lwkt_hosted_mask()) {
		if (lwkt_host_run_on(cpu, lwkt_harness_barrier_one, NULL,
				     LWKT_FCALL_IDLE | LWKT_HOST_NOSIGNAL,
				     5 * HZ) == -ETIMEDOUT)
			lwkt_job_run(cpu, TDPRI_KERN_DAEMON,
				     lwkt_harness_barrier_one, NULL, "barrier");
	}
}

/**
 * lwkt_harness_seed - seed a thread's own pseudo-random numbers
 * @rnd:	the thread's state (prandom_u32_state())
 * @nr:		the thread's number in its run
 *
 * prandom_seed_state() spreads a small seed poorly: the first outputs of
 * neighbouring seeds look alike, so a few are thrown away.
 */
void lwkt_harness_seed(struct rnd_state *rnd, u64 nr)
{
	int i;

	prandom_seed_state(rnd, nr * 0x9e3779b97f4a7c15ULL + 1);
	for (i = 0; i < 10; i++)
		prandom_u32_state(rnd);
}
