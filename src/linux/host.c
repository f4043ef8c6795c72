// SPDX-License-Identifier: GPL-2.0
/*
 * The hosts: one kthread per online CPU at load time, named "lwkt/N" and
 * bound to CPU N. A host runs its CPU's LWKT scheduler (lwkt_host_run()):
 * its own stack is the CPU's idle thread, LWKT threads run on their own
 * stacks, and when nothing is runnable it sleeps in Linux until woken.
 * Everything LWKT does on a CPU happens on that CPU's host.
 *
 * CPUs that come online after the module loaded are not hosted; the set is
 * fixed for the life of the module (see Documentation/design.rst).
 */
#include <linux/cpu.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched/task.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include <lwkt/ipiq.h>

#include "linux/internal.h"

struct lwkt_host {
	struct task_struct *task;
	unsigned int cpu;
	spinlock_t lock;		/* protects calls */
	struct list_head calls;
	wait_queue_head_t wait;
	atomic_t woken;			/* sticky wakeup for lwkt_host_idle() */
	call_single_data_t kick;	/* the IPI queues' interrupt */
	atomic_t kicking;		/* @kick queued, its function not run */
	struct lwkt_globaldata *gd;
};

/*
 * How long an idle host polls its IPI queues before sleeping in Linux
 * (src/core/host.cc idle_poll()): a cross-CPU reply that comes within it
 * costs no wakeup. Longer than a round trip, short enough to be noise.
 */
static unsigned long lwkt_idle_poll_ns = 50 * NSEC_PER_USEC;

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

static struct lwkt_host_call *lwkt_host_next_call(struct lwkt_host *h)
{
	struct lwkt_host_call *call;

	spin_lock(&h->lock);
	call = list_first_entry_or_null(&h->calls, struct lwkt_host_call, node);
	if (call)
		list_del_init(&call->node);
	spin_unlock(&h->lock);
	return call;
}

/* The idle loop's "host work": queued calls, in LWKT context (idle thread). */
void lwkt_host_run_calls(struct lwkt_host *h)
{
	struct lwkt_host_call *call;

	if (list_empty_careful(&h->calls))
		return;
	while ((call = lwkt_host_next_call(h))) {
		call->fn(call);
		complete(&call->done);
	}
}

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

static void lwkt_host_queue(struct lwkt_host *h, struct lwkt_host_call *call)
{
	init_completion(&call->done);
	spin_lock(&h->lock);
	list_add_tail(&call->node, &h->calls);
	spin_unlock(&h->lock);
	lwkt_host_wake(h);
}

/**
 * lwkt_host_call - run a function on a CPU's host and wait for it
 * @cpu:	a hosted CPU
 * @call:	the call; @call->fn must be set
 *
 * Waits interruptibly. On a signal, a call that has not started is taken
 * back and never runs; one that has started is waited for (host calls are
 * short), so @call may live on the caller's stack either way.
 *
 * Return: 0 when @call->fn ran, -EINTR when a signal came first.
 */
int lwkt_host_call(unsigned int cpu, struct lwkt_host_call *call)
{
	struct lwkt_host *h = lwkt_hosts[cpu];
	bool queued;

	if (WARN_ON_ONCE(!lwkt_cpu_hosted(cpu)))
		return -EINVAL;

	lwkt_host_queue(h, call);
	if (!wait_for_completion_interruptible(&call->done))
		return 0;

	spin_lock(&h->lock);
	queued = !list_empty(&call->node);
	if (queued)
		list_del_init(&call->node);
	spin_unlock(&h->lock);
	if (!queued)
		wait_for_completion(&call->done);
	return -EINTR;
}
EXPORT_SYMBOL_NS_GPL(lwkt_host_call, LWKT_INTERNAL);

struct lwkt_run_on {
	struct lwkt_host_call call;
	void (*fn)(void *arg);
	void *arg;
};

static void lwkt_run_on_fn(struct lwkt_host_call *call)
{
	struct lwkt_run_on *r = container_of(call, struct lwkt_run_on, call);

	r->fn(r->arg);
}

/**
 * lwkt_host_run_on - run @fn(@arg) in LWKT context on @cpu and wait
 * @cpu:	a hosted CPU
 * @fn:		the function; runs in the idle thread, inside its critical
 *		section: it may create and schedule threads, not block
 * @arg:	its argument
 *
 * Uninterruptible: for callers (the thread API used from Linux context)
 * that must not return before @fn ran. Not from the host itself.
 */
void lwkt_host_run_on(unsigned int cpu, void (*fn)(void *), void *arg)
{
	struct lwkt_run_on r = { .call.fn = lwkt_run_on_fn, .fn = fn,
				 .arg = arg };

	lwkt_host_queue(lwkt_hosts[cpu], &r.call);
	wait_for_completion(&r.call.done);
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
	struct lwkt_host *h;
	struct task_struct *task;

	h = kzalloc_node(sizeof(*h), GFP_KERNEL, cpu_to_node(cpu));
	if (!h)
		return -ENOMEM;
	h->gd = kmalloc_node(sizeof(*h->gd), GFP_KERNEL, cpu_to_node(cpu));
	if (!h->gd) {
		kfree(h);
		return -ENOMEM;
	}
	h->gd->gd_ipiq = kvzalloc_node(nr_cpu_ids * sizeof(struct lwkt_ipiq),
				       GFP_KERNEL, cpu_to_node(cpu));
	if (!h->gd->gd_ipiq) {
		kfree(h->gd);
		kfree(h);
		return -ENOMEM;
	}
	h->cpu = cpu;
	spin_lock_init(&h->lock);
	INIT_LIST_HEAD(&h->calls);
	init_waitqueue_head(&h->wait);
	{
		struct lwkt_ipiq *q = h->gd->gd_ipiq;

		lwkt_gdinit(h->gd, cpu);	/* zeroes the gd */
		h->gd->gd_ipiq = q;
	}
	h->gd->gd_ncpus = nr_cpu_ids;
	h->gd->gd_idle_poll_ns = lwkt_idle_poll_ns;
	h->gd->gd_host = h;
	INIT_CSD(&h->kick, lwkt_host_kick_fn, h->gd);
	lwkt_hosts[cpu] = h;

	task = kthread_create_on_cpu(lwkt_host_main, h, cpu, "lwkt/%u");
	if (IS_ERR(task)) {
		lwkt_host_free(cpu);
		return PTR_ERR(task);
	}
	/* Hold the task: it returns on its own once told to stop. */
	get_task_struct(task);
	h->task = task;
	/* Before the host runs: lwkt_mycpu() and "in LWKT context" use them. */
	per_cpu(lwkt_gd_pcpu, cpu) = h->gd;
	per_cpu(lwkt_host_pcpu, cpu) = task;
	wake_up_process(task);
	return 0;
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
		pr_warn("lwkt: cannot start the host of cpu %u: %d\n", cpu, err);
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
		/* Nothing can be queued: every caller waits for its own call. */
		WARN_ON_ONCE(!list_empty(&lwkt_hosts[cpu]->calls));
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
