// SPDX-License-Identifier: GPL-2.0
/*
 * The hosts: one kthread per online CPU at load time, named "lwkt/N" and
 * bound to CPU N. A host runs its CPU's LWKT scheduler (lwkt_host_run()):
 * its own stack is the CPU's idle thread, LWKT threads run on their own
 * stacks, and when nothing is runnable it sleeps in Linux until woken.
 * Everything LWKT does on a CPU happens on that CPU's host.
 *
 * CPUs that come online after the module loaded are not hosted; the set is
 * fixed for the life of the module (see Documentation/design.rst, "Hosts").
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched/task.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/refcount.h>
#include <linux/wait.h>

#include <lwkt/ipiq.h>

#include "linux/internal.h"

struct lwkt_host {
	struct task_struct *task;
	unsigned int cpu;
	wait_queue_head_t wait;
	atomic_t woken;			/* sticky wakeup for lwkt_host_idle() */
	call_single_data_t kick;	/* the IPI queues' interrupt */
	atomic_t kicking;		/* @kick queued, its function not run */
	struct lwkt_globaldata *gd;
};

/*
 * How long an idle host polls its IPI queues before sleeping in Linux
 * (src/core/cpu_loop.cc idle_poll()): a cross-CPU reply that comes within it
 * costs no wakeup. Longer than a round trip, short enough to be noise.
 */
static unsigned int idle_poll_us = 50;
module_param(idle_poll_us, uint, 0444);
MODULE_PARM_DESC(idle_poll_us,
		 "microseconds an idle host polls for IPIs before sleeping (default 50)");

/* This CPU's scheduler, for lwkt_mycpu() (include/lwkt/mycpu_kernel.h). */
DEFINE_PER_CPU(struct lwkt_globaldata *, lwkt_gd_pcpu);
EXPORT_PER_CPU_SYMBOL_GPL(lwkt_gd_pcpu);
/* This CPU's host task: "am I in LWKT context?" is current == this. */
DEFINE_PER_CPU(struct task_struct *, lwkt_host_pcpu);

static struct lwkt_host *lwkt_hosts[NR_CPUS];
static struct cpumask lwkt_hosted;

bool lwkt_cpu_hosted(unsigned int cpu)
{
	return cpu < nr_cpu_ids && cpumask_test_cpu(cpu, &lwkt_hosted);
}
EXPORT_SYMBOL_NS_GPL(lwkt_cpu_hosted, LWKT_INTERNAL);

unsigned int lwkt_nr_hosted(void)
{
	return cpumask_weight(&lwkt_hosted);
}
EXPORT_SYMBOL_NS_GPL(lwkt_nr_hosted, LWKT_INTERNAL);

const struct cpumask *lwkt_hosted_mask(void)
{
	return &lwkt_hosted;
}

struct lwkt_globaldata *lwkt_cpu_gd(unsigned int cpu)
{
	return lwkt_cpu_hosted(cpu) ? lwkt_hosts[cpu]->gd : NULL;
}
EXPORT_SYMBOL_NS_GPL(lwkt_cpu_gd, LWKT_INTERNAL);

struct task_struct *lwkt_host_task(unsigned int cpu)
{
	return lwkt_cpu_hosted(cpu) ? lwkt_hosts[cpu]->task : NULL;
}
EXPORT_SYMBOL_NS_GPL(lwkt_host_task, LWKT_INTERNAL);

/* Nothing runnable: sleep in Linux until lwkt_host_wake(). */
void lwkt_host_idle(struct lwkt_host *h)
{
	wait_event_interruptible(h->wait, atomic_xchg(&h->woken, 0));
}

/* Any context, any CPU. */
void lwkt_host_wake(struct lwkt_host *h)
{
	atomic_set(&h->woken, 1);
	wake_up(&h->wait);
}

static int lwkt_host_main(void *arg)
{
	struct lwkt_host *h = arg;

	/* Returns after lwkt_host_stop(), every thread of the CPU freed. */
	lwkt_host_run(h->gd);
	return 0;
}

/* The kick's callback: hardirq on the target CPU (csd.info = its gd). */
static void lwkt_host_kick_fn(void *info)
{
	struct lwkt_globaldata *gd = info;
	struct lwkt_host *h = gd->gd_host;

	/*
	 * The csd was unlocked before we were called: from here a sender
	 * may queue it again. Cleared before we look at the queues, so a
	 * sender that still saw it set published before our look. A full
	 * barrier: atomic_set() is a plain store, which
	 * smp_mb__after_atomic() (meant for read-modify-write atomics, a
	 * compiler barrier only on x86) would not order before our loads.
	 */
	atomic_set(&h->kicking, 0);
	smp_mb();
	lwkt_ipiq_intr(gd);
}

/* src/platform.h: a sender's kick. */
void lwkt_host_kick(struct lwkt_globaldata *gd)
{
	struct lwkt_host *h = gd->gd_host;

	/*
	 * smp_call_function_single_async() tests and sets the csd's lock
	 * flag without an atomic operation: two CPUs kicking at once could
	 * both queue it (a corrupt call list, a CPU looping in hardirq). Our
	 * senders are serialised by gd_npoll only while the target does not
	 * drain in between, so the csd gets its own owner: whoever flips
	 * @kicking. A kick still in flight handles this message too (it was
	 * published before).
	 */
	if (atomic_xchg(&h->kicking, 1) == 0)
		smp_call_function_single_async(h->cpu, &h->kick);
}

struct lwkt_globaldata *lwkt_plat_cpu_gd(int cpu)
{
	if (cpu < 0 || cpu >= nr_cpu_ids)
		return NULL;
	return READ_ONCE(per_cpu(lwkt_gd_pcpu, cpu));
}

/*
 * A call from outside LWKT context (src/core/fcall.cc) and its waiter. It
 * lives on the heap with two references, the poster's and the CPU's: a
 * poster that stops waiting (a signal) may leave it queued behind it.
 */
struct lwkt_host_fcall {
	struct lwkt_fcall fc;
	struct completion done;
	refcount_t refs;
	struct lwkt_host_call *call;	/* lwkt_host_call(): what to run */
	u64 buf[LWKT_FCALL_ARGMAX / sizeof(u64)];	/* arguments by value */
};

static void lwkt_host_fcall_put(struct lwkt_host_fcall *c)
{
	if (refcount_dec_and_test(&c->refs))
		kfree(c);
}

/* src/platform.h: the CPU ran @fc or skipped it (any context, hardirq too). */
void lwkt_plat_fcall_done(struct lwkt_fcall *fc)
{
	struct lwkt_host_fcall *c = container_of(fc, struct lwkt_host_fcall, fc);

	complete(&c->done);
	lwkt_host_fcall_put(c);
}

static struct lwkt_host_fcall *lwkt_host_fcall_new(void (*fn)(void *),
						   void *arg, u32 argsize,
						   unsigned int flags)
{
	struct lwkt_host_fcall *c;

	if (argsize > sizeof(c->buf))
		return NULL;
	c = kmalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return NULL;
	c->fc.fc_func = fn;
	c->fc.fc_arg = arg;
	c->fc.fc_flags = flags;
	if (argsize) {
		memcpy(c->buf, arg, argsize);
		c->fc.fc_arg = c->buf;
	}
	init_completion(&c->done);
	refcount_set(&c->refs, 2);
	return c;
}

/*
 * Post @c to @cpu and wait for it, at most @timeout jiffies: -EINTR when
 * the wait was broken (@state: TASK_INTERRUPTIBLE or TASK_KILLABLE), or
 * -ETIMEDOUT, and the call taken back before it started; a call already
 * started is waited for (it runs like an IPI function: never blocks). With
 * @detach, a broken wait leaves the call queued, to run without us (its
 * arguments are its own), and returns 0.
 */
static int lwkt_host_fcall_wait(unsigned int cpu, struct lwkt_host_fcall *c,
				unsigned int state, long timeout, bool detach)
{
	long left;
	int err = 0;

	lwkt_fcall_post(lwkt_hosts[cpu]->gd, &c->fc);
	if (state == TASK_KILLABLE)
		left = wait_for_completion_killable_timeout(&c->done, timeout);
	else if (state == TASK_UNINTERRUPTIBLE)
		left = wait_for_completion_timeout(&c->done, timeout) ?: 0;
	else
		left = wait_for_completion_interruptible_timeout(&c->done,
								  timeout);
	if (left <= 0) {
		if (detach)
			goto out;
		if (lwkt_fcall_cancel(&c->fc)) {
			err = left ? -EINTR : -ETIMEDOUT;
			goto out;
		}
		wait_for_completion(&c->done);
	}
	if (READ_ONCE(c->fc.fc_state) != LWKT_FCALL_RUNNING)
		err = -ENODEV;		/* the CPU went away first */
out:
	lwkt_host_fcall_put(c);
	return err;
}

static void lwkt_host_call_fn(void *arg)
{
	struct lwkt_host_call *call = arg;

	call->fn(call);
}

/**
 * lwkt_host_call - run a function on a CPU in LWKT context and wait for it
 * @cpu:	a hosted CPU
 * @call:	the call; @call->fn must be set. With @call->idle, it runs
 *		only once @cpu has nothing runnable, from its idle loop (on
 *		the host's own stack): "wait until this CPU settled"
 *
 * Otherwise @call->fn runs at @cpu's next chance, busy or not: the kick's
 * interrupt when its LWKT thread is outside a critical section, else its
 * next crit_exit, switch or idle pass. Either way it runs like an IPI
 * function (inside a critical section, no switch, no sleep). Waits
 * interruptibly. On a signal, a call that has not started is taken back
 * and never runs; one that has started is waited for (it cannot block), so
 * @call may live on the caller's stack either way.
 *
 * Return: 0 when @call->fn ran, -EINTR when a signal came first, -ENOMEM.
 */
int lwkt_host_call(unsigned int cpu, struct lwkt_host_call *call)
{
	struct lwkt_host_fcall *c;

	if (WARN_ON_ONCE(!lwkt_cpu_hosted(cpu)))
		return -EINVAL;
	c = lwkt_host_fcall_new(lwkt_host_call_fn, call, 0,
				call->idle ? LWKT_FCALL_IDLE : 0);
	if (!c)
		return -ENOMEM;
	return lwkt_host_fcall_wait(cpu, c, TASK_INTERRUPTIBLE,
				    MAX_SCHEDULE_TIMEOUT, false);
}
EXPORT_SYMBOL_NS_GPL(lwkt_host_call, LWKT_INTERNAL);

/**
 * lwkt_host_run_on - run @fn(@arg) in LWKT context on @cpu and wait
 * @cpu:	a hosted CPU
 * @fn:		the function, run as lwkt_host_call() runs its call
 * @arg:	its argument
 * @flags:	0, or LWKT_FCALL_IDLE to wait until @cpu has nothing runnable;
 *		with LWKT_HOST_NOSIGNAL no signal ends the wait
 * @timeout:	jiffies to wait at most (MAX_SCHEDULE_TIMEOUT: no bound)
 *
 * Interruptible, as lwkt_host_call(), unless LWKT_HOST_NOSIGNAL. Not from
 * the host itself.
 * Return: 0 when @fn ran; -EINTR or -ETIMEDOUT when a signal or the
 * timeout came first (@fn never runs then); -ENOMEM.
 */
int lwkt_host_run_on(unsigned int cpu, void (*fn)(void *), void *arg,
		     unsigned int flags, long timeout)
{
	struct lwkt_host_fcall *c;

	if (WARN_ON_ONCE(!lwkt_cpu_hosted(cpu)))
		return -EINVAL;
	c = lwkt_host_fcall_new(fn, arg, 0, flags & ~LWKT_HOST_NOSIGNAL);
	if (!c)
		return -ENOMEM;
	return lwkt_host_fcall_wait(cpu, c,
				    (flags & LWKT_HOST_NOSIGNAL) ?
				    TASK_UNINTERRUPTIBLE : TASK_INTERRUPTIBLE,
				    timeout, false);
}

/* src/platform.h: the thread API used from Linux context. */
int lwkt_plat_run_on(int cpu, void (*fn)(void *), void *arg, u32 argsize)
{
	struct lwkt_host_fcall *c;

	cpu = lwkt_plat_foreign_cpu(cpu);
	if (cpu < 0)
		return -EINVAL;
	c = lwkt_host_fcall_new(fn, arg, argsize, 0);
	if (!c)
		return argsize > LWKT_FCALL_ARGMAX ? -EINVAL : -ENOMEM;
	/* Only a dying caller stops waiting: a thread API call is synchronous. */
	return lwkt_host_fcall_wait(cpu, c, TASK_KILLABLE, MAX_SCHEDULE_TIMEOUT,
				    argsize != 0);
}

int lwkt_plat_foreign_cpu(int cpu)
{
	if (cpu < 0) {
		cpu = raw_smp_processor_id();
		if (!lwkt_cpu_hosted(cpu))
			cpu = cpumask_first(lwkt_hosted_mask());
	}
	return lwkt_cpu_hosted(cpu) ? cpu : -1;
}

static void lwkt_host_free(unsigned int cpu)
{
	struct lwkt_host *h = lwkt_hosts[cpu];

	per_cpu(lwkt_host_pcpu, cpu) = NULL;
	per_cpu(lwkt_gd_pcpu, cpu) = NULL;
	if (h->task)
		put_task_struct(h->task);
	kvfree(h->gd->gd_ipiq);
	kfree(h->gd);
	kfree(h);
	lwkt_hosts[cpu] = NULL;
}

/* Stop phase 1 on every CPU, until no message is in flight between them. */
static void lwkt_hosts_quiesce(void)
{
	unsigned int cpu;
	int clean = 0;

	for_each_cpu(cpu, &lwkt_hosted)
		lwkt_host_quiesce(lwkt_hosts[cpu]->gd);
	while (clean < 2) {
		bool all = true;

		for_each_cpu(cpu, &lwkt_hosted)
			all &= lwkt_host_quiesced(lwkt_hosts[cpu]->gd);
		clean = all ? clean + 1 : 0;
		usleep_range(200, 400);
	}
}

static void lwkt_nop(void *info)
{
}

static int lwkt_host_create(unsigned int cpu)
{
	int node = cpu_to_node(cpu);
	struct task_struct *task;
	struct lwkt_host *h;
	int err = -ENOMEM;

	h = kzalloc_node(sizeof(*h), GFP_KERNEL, node);
	if (!h)
		return -ENOMEM;
	h->gd = kmalloc_node(sizeof(*h->gd), GFP_KERNEL, node);
	if (!h->gd)
		goto free_host;
	lwkt_gdinit(h->gd, cpu);	/* zeroes the gd: before anything is set */
	h->gd->gd_ipiq = kvzalloc_node(nr_cpu_ids * sizeof(struct lwkt_ipiq),
				       GFP_KERNEL, node);
	if (!h->gd->gd_ipiq)
		goto free_gd;
	h->gd->gd_ncpus = nr_cpu_ids;
	h->gd->gd_idle_poll_ns = (u64)idle_poll_us * NSEC_PER_USEC;
	h->gd->gd_host = h;
	h->cpu = cpu;
	init_waitqueue_head(&h->wait);
	INIT_CSD(&h->kick, lwkt_host_kick_fn, h->gd);

	/* Created stopped: it runs lwkt_host_main() once woken below. */
	task = kthread_create_on_cpu(lwkt_host_main, h, cpu, "lwkt/%u");
	if (IS_ERR(task)) {
		err = PTR_ERR(task);
		goto free_ipiq;
	}
	/* Hold the task: it returns on its own once told to stop. */
	get_task_struct(task);
	h->task = task;
	lwkt_hosts[cpu] = h;
	/* Before the host runs: lwkt_mycpu() and "in LWKT context" use them. */
	per_cpu(lwkt_gd_pcpu, cpu) = h->gd;
	per_cpu(lwkt_host_pcpu, cpu) = task;
	wake_up_process(task);
	return 0;

free_ipiq:
	kvfree(h->gd->gd_ipiq);
free_gd:
	kfree(h->gd);
free_host:
	kfree(h);
	return err;
}

int lwkt_hosts_start(void)
{
	unsigned int cpu;
	int err = 0;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		err = lwkt_host_create(cpu);
		if (err)
			break;
		cpumask_set_cpu(cpu, &lwkt_hosted);
	}
	cpus_read_unlock();
	if (err) {
		pr_warn("cannot start the host of cpu %u: %d\n", cpu, err);
		lwkt_hosts_stop();
	}
	return err;
}

void lwkt_hosts_stop(void)
{
	unsigned int cpu;

	lwkt_hosts_quiesce();
	/* Each host tears its CPU down (every thread freed), then returns. */
	for_each_cpu(cpu, &lwkt_hosted) {
		lwkt_host_stop(lwkt_hosts[cpu]->gd);
	}
	for_each_cpu(cpu, &lwkt_hosted)
		kthread_stop(lwkt_hosts[cpu]->task);
	/*
	 * A kick may still sit in a CPU's call queue, pointing at its gd: a
	 * synchronous call queued behind it returns only after it ran.
	 */
	for_each_cpu(cpu, &lwkt_hosted)
		smp_call_function_single(cpu, lwkt_nop, NULL, 1);
	for_each_cpu(cpu, &lwkt_hosted)
		lwkt_host_free(cpu);
	cpumask_clear(&lwkt_hosted);
}
