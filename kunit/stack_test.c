// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel stack checks: while an LWKT thread runs, the host task's stack is
 * the thread's (the unwinder and schedule()'s stack-end check look there),
 * and the host's own stack while its idle loop runs. A thread may sleep in
 * Linux (the whole host sleeps).
 */
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/magic.h>
#include <linux/sched/task_stack.h>
#include <linux/smp.h>

#include "lwkt_kunit.h"

struct stack_ctx {
	struct kunit *test;
	struct lk_latch l;
	void *stack_page;
	char *kstack;
	int kstack_size;
	unsigned long local;
	unsigned long magic;
	void *other_stack_page;
	char *other_kstack;
	unsigned long other_magic;
};

static void stack_other(void *arg)
{
	struct stack_ctx *s = arg;

	s->other_stack_page = task_stack_page(current);
	s->other_kstack = curthread->td_kstack;
	s->other_magic = *end_of_stack(current);
	lk_latch_done(&s->l);
}

static void stack_body(void *arg)
{
	struct stack_ctx *s = arg;
	int local;

	s->stack_page = task_stack_page(current);
	s->kstack = curthread->td_kstack;
	s->kstack_size = curthread->td_kstack_size;
	s->local = (unsigned long)&local;
	s->magic = *end_of_stack(current);
	/* And after switches, in another thread and back in this one. */
	lk_latch_init(&s->l, 1);
	lk_spawn(s->test, TDPRI_KERN_DAEMON, stack_other, s, false);
	lk_latch_wait(&s->l);
	KUNIT_EXPECT_PTR_EQ(s->test, task_stack_page(current),
			    (void *)curthread->td_kstack);
}

static void lwkt_stack_is_the_current_threads(struct kunit *test)
{
	struct stack_ctx s = { .test = test };

	lk_run(test, TDPRI_KERN_DAEMON, stack_body, &s);
	KUNIT_EXPECT_PTR_EQ(test, s.stack_page, (void *)s.kstack);
	KUNIT_EXPECT_GE(test, s.local, (unsigned long)s.kstack);
	KUNIT_EXPECT_LT(test, s.local, (unsigned long)s.kstack + s.kstack_size);
	KUNIT_EXPECT_PTR_EQ(test, s.other_stack_page, (void *)s.other_kstack);
	KUNIT_EXPECT_PTR_NE(test, s.other_kstack, s.kstack);
}

static void lwkt_stack_end_magic_in_lwkt_thread(struct kunit *test)
{
	struct stack_ctx s = { .test = test };

	lk_run(test, TDPRI_KERN_DAEMON, stack_body, &s);
	KUNIT_EXPECT_EQ(test, s.magic, STACK_END_MAGIC);
	KUNIT_EXPECT_EQ(test, s.other_magic, STACK_END_MAGIC);
}

struct stack_idle {
	struct lwkt_host_call call;
	void *stack_page;
	char *idle_kstack;
	unsigned long local;
	bool is_idle;
};

static void stack_idle_fn(struct lwkt_host_call *call)
{
	struct stack_idle *s = container_of(call, struct stack_idle, call);
	int local;

	s->stack_page = task_stack_page(current);
	s->idle_kstack = mycpu->gd_idlethread.td_kstack;
	s->local = (unsigned long)&local;
	s->is_idle = curthread == &mycpu->gd_idlethread;
}

static void lwkt_stack_is_the_hosts_in_the_idle_loop(struct kunit *test)
{
	struct stack_idle s = { .call.fn = stack_idle_fn, .call.idle = true };
	struct stack_ctx t = { .test = test };

	/* An LWKT thread ran last, so the host switched stacks back. */
	lk_run(test, TDPRI_KERN_DAEMON, stack_body, &t);
	KUNIT_ASSERT_EQ(test, lk_host_call(test, LK_CPU, &s.call,
					   "an idle host call"), 0);
	KUNIT_EXPECT_TRUE(test, s.is_idle);
	KUNIT_EXPECT_PTR_EQ(test, s.stack_page, (void *)s.idle_kstack);
	KUNIT_EXPECT_PTR_NE(test, s.idle_kstack, t.kstack);
	KUNIT_EXPECT_GE(test, s.local, (unsigned long)s.stack_page);
	KUNIT_EXPECT_LT(test, s.local, (unsigned long)s.stack_page + THREAD_SIZE);
}

struct stack_sleep {
	thread_t before, after;
	int cpu_before, cpu_after;
	void *page_after;
	char *kstack;
	u64 ns;
};

static void stack_sleep_body(void *arg)
{
	struct stack_sleep *s = arg;
	u64 t0;

	s->before = curthread;
	s->cpu_before = raw_smp_processor_id();
	s->kstack = curthread->td_kstack;
	t0 = ktime_get_ns();
	msleep(20);
	s->ns = ktime_get_ns() - t0;
	s->after = curthread;
	s->cpu_after = raw_smp_processor_id();
	s->page_after = task_stack_page(current);
}

static void lwkt_stack_msleep_in_lwkt_thread(struct kunit *test)
{
	struct stack_sleep s = {};

	lk_run(test, TDPRI_KERN_DAEMON, stack_sleep_body, &s);
	KUNIT_EXPECT_GE(test, s.ns, 20 * NSEC_PER_MSEC);
	KUNIT_EXPECT_PTR_EQ(test, s.after, s.before);
	KUNIT_EXPECT_EQ(test, s.cpu_before, LK_CPU);
	KUNIT_EXPECT_EQ(test, s.cpu_after, LK_CPU);
	KUNIT_EXPECT_PTR_EQ(test, s.page_after, (void *)s.kstack);
}

static struct kunit_case lwkt_stack_cases[] = {
	KUNIT_CASE(lwkt_stack_is_the_current_threads),
	KUNIT_CASE(lwkt_stack_end_magic_in_lwkt_thread),
	KUNIT_CASE(lwkt_stack_is_the_hosts_in_the_idle_loop),
	KUNIT_CASE(lwkt_stack_msleep_in_lwkt_thread),
	{}
};

static struct kunit_suite lwkt_stack_suite = {
	.name = "lwkt_stack",
	.test_cases = lwkt_stack_cases,
};

kunit_test_suites(&lwkt_stack_suite);
