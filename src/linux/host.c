// SPDX-License-Identifier: GPL-2.0
/*
 * The hosts: one kthread per online CPU at load time, named "lwkt/N" and
 * bound to CPU N. A host sleeps in Linux until it has work, then runs it on
 * its CPU. Everything LWKT does on a CPU happens on that CPU's host.
 *
 * CPUs that come online after the module loaded are not hosted; the set is
 * fixed for the life of the module (see Documentation/design.rst).
 */
#include <linux/cpu.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "linux/internal.h"

struct lwkt_host {
	struct task_struct *task;
	unsigned int cpu;
	spinlock_t lock;		/* protects calls */
	struct list_head calls;
	wait_queue_head_t wait;
};

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

static bool lwkt_host_has_work(struct lwkt_host *h)
{
	return !list_empty_careful(&h->calls) || kthread_should_stop();
}

static int lwkt_host_main(void *arg)
{
	struct lwkt_host *h = arg;
	struct lwkt_host_call *call;

	while (!kthread_should_stop()) {
		wait_event_interruptible(h->wait, lwkt_host_has_work(h));
		while ((call = lwkt_host_next_call(h))) {
			call->fn(call);
			complete(&call->done);
		}
	}
	return 0;
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

	init_completion(&call->done);
	spin_lock(&h->lock);
	list_add_tail(&call->node, &h->calls);
	spin_unlock(&h->lock);
	wake_up(&h->wait);

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

static void lwkt_host_destroy(unsigned int cpu)
{
	struct lwkt_host *h = lwkt_hosts[cpu];

	if (!h)
		return;
	/* Nothing can be queued: every caller waits for its own call. */
	WARN_ON_ONCE(!list_empty(&h->calls));
	kthread_stop(h->task);
	put_task_struct(h->task);
	kfree(h);
	lwkt_hosts[cpu] = NULL;
}

static int lwkt_host_create(unsigned int cpu)
{
	struct lwkt_host *h;
	struct task_struct *task;

	h = kzalloc_node(sizeof(*h), GFP_KERNEL, cpu_to_node(cpu));
	if (!h)
		return -ENOMEM;
	h->cpu = cpu;
	spin_lock_init(&h->lock);
	INIT_LIST_HEAD(&h->calls);
	init_waitqueue_head(&h->wait);

	task = kthread_create_on_cpu(lwkt_host_main, h, cpu, "lwkt/%u");
	if (IS_ERR(task)) {
		kfree(h);
		return PTR_ERR(task);
	}
	/* Hold the task so kthread_stop() is safe however the thread ends. */
	get_task_struct(task);
	h->task = task;
	lwkt_hosts[cpu] = h;
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

	for_each_cpu(cpu, &lwkt_hosted)
		lwkt_host_destroy(cpu);
	cpumask_clear(&lwkt_hosted);
}
