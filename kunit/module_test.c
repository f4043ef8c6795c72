// SPDX-License-Identifier: GPL-2.0
/*
 * Module pinning: a thread created by a module (lwkt_create() passes
 * THIS_MODULE) holds a reference on it until the thread is recycled, so
 * the module's code cannot be unloaded under the thread. lwkt_kunit.ko is
 * such a module.
 */
#include <linux/completion.h>
#include <linux/module.h>

#include "lwkt_kunit.h"

struct mod_ctx {
	struct kunit *test;
	int in_job;
	int created;
	int blocked;
	int after;
};

static void mod_block_thread(void *arg)
{
	lk_block();
}

/*
 * @td, a thread of ours made by the job, not scheduled yet: note the
 * module's refcount now, once it ran and blocked, and once it exited.
 */
static void mod_block_then_exit(struct mod_ctx *c, thread_t td)
{
	c->created = module_refcount(THIS_MODULE);
	lwkt_schedule(td);
	lwkt_yield();	/* it runs and blocks */
	c->blocked = module_refcount(THIS_MODULE);
	lwkt_schedule(td);
	lwkt_yield();	/* it exits; our switch tail reaps it */
	c->after = module_refcount(THIS_MODULE);
}

/*
 * Run @body (named @name), which makes a thread of ours and hands it to
 * mod_block_then_exit(): the thread pins the module from its creation
 * until it is reaped, and the job's own thread pins nothing.
 */
static void mod_expect_pinned_while_alive(struct kunit *test,
					  void (*body)(void *),
					  const char *name)
{
	struct mod_ctx c = { .test = test };
	int base = module_refcount(THIS_MODULE);

	lk_job_run(test, LK_CPU, TDPRI_KERN_DAEMON, body, &c, name);
	KUNIT_EXPECT_EQ(test, c.in_job, base);
	KUNIT_EXPECT_EQ(test, c.created, base + 1);
	KUNIT_EXPECT_EQ(test, c.blocked, base + 1);
	KUNIT_EXPECT_EQ(test, c.after, base);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), base);
}

static void mod_lwkt_body(void *arg)
{
	struct mod_ctx *c = arg;
	thread_t td;

	/* The job's own thread comes from lwkt.ko: it pins nothing of ours. */
	c->in_job = module_refcount(THIS_MODULE);
	td = lk_spawn(c->test, TDPRI_KERN_DAEMON, mod_block_thread, NULL, true);
	if (!td)
		return;
	mod_block_then_exit(c, td);
}

static void lwkt_module_thread_pins_its_creator(struct kunit *test)
{
	mod_expect_pinned_while_alive(test, LK_FN(mod_lwkt_body));
}

static void mod_free_body(void *arg)
{
	struct mod_ctx *c = arg;
	thread_t td = lk_spawn(c->test, TDPRI_KERN_DAEMON, lk_nop, NULL, true);

	if (!td)
		return;
	c->created = module_refcount(THIS_MODULE);
	lwkt_free_thread(td);
	c->after = module_refcount(THIS_MODULE);
}

static void lwkt_module_freed_thread_unpins(struct kunit *test)
{
	struct mod_ctx c = { .test = test };
	int base = module_refcount(THIS_MODULE);

	lk_run(test, TDPRI_KERN_DAEMON, mod_free_body, &c);
	KUNIT_EXPECT_EQ(test, c.created, base + 1);
	KUNIT_EXPECT_EQ(test, c.after, base);
}

/*
 * Bug 8: the raw path (lwkt_alloc_thread() + lwkt_set_entry(), for a
 * stack size of one's own) pins the module as lwkt_create() does, from
 * lwkt_set_entry() on, until the thread is reaped.
 */
static void mod_raw_body(void *arg)
{
	struct mod_ctx *c = arg;
	thread_t td = lwkt_alloc_thread(NULL, 2 * LWKT_THREAD_STACK, -1);

	KUNIT_EXPECT_NOT_NULL(c->test, td);
	if (!td)
		return;
	c->in_job = module_refcount(THIS_MODULE);
	lwkt_set_entry(td, mod_block_thread, NULL);
	lwkt_set_comm(td, "raw");
	mod_block_then_exit(c, td);
}

static void lwkt_module_bug8_raw_alloc_path_pins_its_creator(struct kunit *test)
{
	mod_expect_pinned_while_alive(test, LK_FN(mod_raw_body));
}

struct mod_linux {
	struct completion started;
	struct completion done;
};

static void mod_linux_thread(void *arg)
{
	struct mod_linux *m = arg;

	complete(&m->started);
	lk_block();
	complete(&m->done);
}

static void lwkt_module_pinned_by_thread_created_from_linux(struct kunit *test)
{
	int base = module_refcount(THIS_MODULE);
	struct mod_linux m;
	thread_t td = NULL;

	init_completion(&m.started);
	init_completion(&m.done);
	KUNIT_ASSERT_EQ(test, lwkt_create(mod_linux_thread, &m, &td, NULL,
					  TDF_STOPREQ, LK_CPU, "pin"), 0);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), base + 1);
	lwkt_schedule(td);
	lk_wait_done(test, &m.started, "the pinning thread to start");
	/* Runs in the host's idle loop: the thread has blocked by then. */
	lk_settle(test, LK_CPU);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), base + 1);
	lwkt_schedule(td);
	lk_wait_done(test, &m.done, "the pinning thread to end");
	lk_settle(test, LK_CPU);	/* it exited and was reaped */
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), base);
}

static struct kunit_case lwkt_module_cases[] = {
	KUNIT_CASE(lwkt_module_thread_pins_its_creator),
	KUNIT_CASE(lwkt_module_freed_thread_unpins),
	KUNIT_CASE(lwkt_module_bug8_raw_alloc_path_pins_its_creator),
	KUNIT_CASE(lwkt_module_pinned_by_thread_created_from_linux),
	{}
};

static struct kunit_suite lwkt_module_suite = {
	.name = "lwkt_module",
	.test_cases = lwkt_module_cases,
};

kunit_test_suites(&lwkt_module_suite);
