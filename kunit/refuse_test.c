// SPDX-License-Identifier: GPL-2.0
/*
 * Switch refusal: Linux state that lives in the host task or its CPU (held
 * spinlocks, the RCU read side, preempt-disable, irq-off) would leak into
 * the next LWKT thread, so lwkt_switch() and lwkt_yield() refuse to switch
 * while it is held: no switch, switch_refused counted
 * (Documentation/design.rst, "Stacks and the switch in the kernel";
 * tests/host/refuse_test.cc in the kernel).
 *
 * Nothing that may sleep or allocate (a failing KUNIT_EXPECT does) runs
 * while the state is held: the results are recorded and checked after.
 */
#include <linux/irqflags.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>

#include "lwkt_kunit.h"

enum refuse_how {
	REFUSE_SPINLOCK,
	REFUSE_RCU,
	REFUSE_PREEMPT,
	REFUSE_IRQ,
};

struct refuse_ctx {
	struct kunit *test;
	enum refuse_how how;
	struct lk_latch l;
	int ran;
	int ran_while_held;
	u64 refused0, refused_switch, refused_yield;
	u64 switches0, switches1, switches_after;
	thread_t cur_while_held;
};

static DEFINE_SPINLOCK(refuse_lock);

static void refuse_other(void *arg)
{
	struct refuse_ctx *r = arg;

	r->ran++;
	lk_latch_done(&r->l);
}

static void refuse_body(void *arg)
{
	struct refuse_ctx *r = arg;
	struct lwkt_counters *cnt = lk_cnt();
	thread_t self = curthread;

	lk_latch_init(&r->l, 1);
	/* Runnable, at our priority: any switch would run it. */
	if (!lk_spawn(r->test, TDPRI_KERN_DAEMON, refuse_other, r, false))
		return;

	switch (r->how) {
	case REFUSE_SPINLOCK:
		spin_lock(&refuse_lock);
		break;
	case REFUSE_RCU:
		rcu_read_lock();
		break;
	case REFUSE_PREEMPT:
		preempt_disable();
		break;
	case REFUSE_IRQ:
		local_irq_disable();
		break;
	}
	r->refused0 = cnt->switch_refused;
	r->switches0 = cnt->switch_count;
	lwkt_switch();
	r->refused_switch = cnt->switch_refused;
	lwkt_yield();
	r->refused_yield = cnt->switch_refused;
	r->switches1 = cnt->switch_count;
	r->ran_while_held = r->ran;
	r->cur_while_held = curthread;
	switch (r->how) {
	case REFUSE_SPINLOCK:
		spin_unlock(&refuse_lock);
		break;
	case REFUSE_RCU:
		rcu_read_unlock();
		break;
	case REFUSE_PREEMPT:
		preempt_enable();
		break;
	case REFUSE_IRQ:
		local_irq_enable();
		break;
	}

	KUNIT_EXPECT_PTR_EQ(r->test, r->cur_while_held, self);
	/* Afterwards switching works: the other thread runs. */
	lwkt_yield();
	r->switches_after = cnt->switch_count;
	lk_latch_wait(&r->l);
}

static void refuse_run(struct kunit *test, enum refuse_how how)
{
	struct refuse_ctx r = { .test = test, .how = how };

	lk_run(test, TDPRI_KERN_DAEMON, refuse_body, &r);
	KUNIT_EXPECT_EQ(test, r.refused_switch, r.refused0 + 1);
	KUNIT_EXPECT_EQ(test, r.refused_yield, r.refused_switch + 1);
	KUNIT_EXPECT_EQ(test, r.switches1, r.switches0);
	KUNIT_EXPECT_EQ(test, r.ran_while_held, 0);
	KUNIT_EXPECT_EQ(test, r.ran, 1);
	KUNIT_EXPECT_GT(test, r.switches_after, r.switches1);
}

static void lwkt_switch_refused_with_spinlock_held(struct kunit *test)
{
	refuse_run(test, REFUSE_SPINLOCK);
}

static void lwkt_switch_refused_in_rcu_read_side(struct kunit *test)
{
	refuse_run(test, REFUSE_RCU);
}

static void lwkt_switch_refused_with_preemption_disabled(struct kunit *test)
{
	refuse_run(test, REFUSE_PREEMPT);
}

static void lwkt_switch_refused_with_irqs_disabled(struct kunit *test)
{
	refuse_run(test, REFUSE_IRQ);
}

static struct kunit_case lwkt_switch_refused_cases[] = {
	KUNIT_CASE(lwkt_switch_refused_with_spinlock_held),
	KUNIT_CASE(lwkt_switch_refused_in_rcu_read_side),
	KUNIT_CASE(lwkt_switch_refused_with_preemption_disabled),
	KUNIT_CASE(lwkt_switch_refused_with_irqs_disabled),
	{}
};

static struct kunit_suite lwkt_switch_refused_suite = {
	.name = "lwkt_switch_refused",
	.test_cases = lwkt_switch_refused_cases,
};

kunit_test_suites(&lwkt_switch_refused_suite);
