// SPDX-License-Identifier: GPL-2.0
/*
 * Hosts: one kthread per online CPU, named lwkt/N, bound to N, running the
 * calls it is given on N.
 */
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/sched.h>
#include <linux/smp.h>

#include "lwkt_kunit.h"

static void lwkt_host_every_online_cpu_is_hosted(struct kunit *test)
{
	unsigned int cpu;

	for_each_online_cpu(cpu)
		KUNIT_EXPECT_TRUE_MSG(test, lwkt_cpu_hosted(cpu), "cpu %u", cpu);
	KUNIT_EXPECT_EQ(test, lwkt_nr_hosted(), num_online_cpus());
	KUNIT_EXPECT_FALSE(test, lwkt_cpu_hosted(nr_cpu_ids));
	KUNIT_EXPECT_NULL(test, lwkt_host_task(nr_cpu_ids));
}

static void lwkt_host_named_and_bound(struct kunit *test)
{
	char want[TASK_COMM_LEN], comm[TASK_COMM_LEN];
	struct task_struct *task;
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		task = lwkt_host_task(cpu);
		KUNIT_ASSERT_NOT_NULL(test, task);
		snprintf(want, sizeof(want), "lwkt/%u", cpu);
		get_task_comm(comm, task);
		KUNIT_EXPECT_STREQ(test, comm, want);
		KUNIT_EXPECT_EQ(test, task->nr_cpus_allowed, 1);
		KUNIT_EXPECT_TRUE(test, cpumask_test_cpu(cpu, task->cpus_ptr));
		KUNIT_EXPECT_TRUE(test, task->flags & PF_KTHREAD);
	}
}

struct lwkt_test_call {
	struct lwkt_host_call call;
	int cpu;
	struct task_struct *task;
};

static void lwkt_test_call_fn(struct lwkt_host_call *call)
{
	struct lwkt_test_call *c = container_of(call, struct lwkt_test_call,
						 call);

	c->cpu = raw_smp_processor_id();
	c->task = current;
}

static void lwkt_host_call_runs_on_its_cpu(struct kunit *test)
{
	/* Idle: from the host's idle loop, so current is the host. */
	struct lwkt_test_call c = { .call.fn = lwkt_test_call_fn,
				    .call.idle = true };
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		c.cpu = -1;
		c.task = NULL;
		KUNIT_ASSERT_EQ(test, lk_host_call(test, cpu, &c.call,
						   "an idle host call"), 0);
		KUNIT_EXPECT_EQ(test, c.cpu, cpu);
		KUNIT_EXPECT_PTR_EQ(test, c.task, lwkt_host_task(cpu));
	}
}

static void lwkt_host_sleeps_when_idle(struct kunit *test)
{
	struct lwkt_test_call c = { .call.fn = lwkt_test_call_fn };
	struct task_struct *task = lwkt_host_task(0);
	int i;

	KUNIT_ASSERT_EQ(test, lk_host_call(test, 0, &c.call, "a host call"), 0);
	/* Give it time to go back to sleep: it must not spin. */
	for (i = 0; i < 100 && READ_ONCE(task->__state) == TASK_RUNNING; i++)
		msleep(10);
	KUNIT_EXPECT_EQ(test, READ_ONCE(task->__state), TASK_INTERRUPTIBLE);
}

static struct kunit_case lwkt_host_cases[] = {
	KUNIT_CASE(lwkt_host_every_online_cpu_is_hosted),
	KUNIT_CASE(lwkt_host_named_and_bound),
	KUNIT_CASE(lwkt_host_call_runs_on_its_cpu),
	KUNIT_CASE(lwkt_host_sleeps_when_idle),
	{}
};

static struct kunit_suite lwkt_host_suite = {
	.name = "lwkt_host",
	.test_cases = lwkt_host_cases,
};

kunit_test_suites(&lwkt_host_suite);
