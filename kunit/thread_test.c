// SPDX-License-Identifier: GPL-2.0
/*
 * Thread allocation: the per-CPU free cache, stack reuse, ownership flags,
 * names (tests/host/thread_test.cc in the kernel).
 *
 * The cache is not empty when a case starts (earlier threads of this CPU
 * were recycled into it), so the cases first drain it or count from what
 * they find. Under KASAN the kernel drops a cached thread's stack (see
 * lwkt_plat_thread_release()): stack reuse is expected only without it.
 */
#include <lwkt/ipiq.h>

#include "lwkt_kunit.h"

static void thread_init_body(void *arg)
{
	struct kunit *test = arg;
	u64 before = lk_cnt()->threads;
	thread_t td = lwkt_alloc_thread(NULL, LWKT_THREAD_STACK, -1);

	KUNIT_EXPECT_NOT_NULL(test, td);
	if (!td)
		return;
	KUNIT_EXPECT_PTR_EQ(test, td->td_gd, mycpu);
	KUNIT_EXPECT_EQ(test, td->td_pri, TDPRI_KERN_DAEMON + TDPRI_CRIT);
	KUNIT_EXPECT_EQ(test, td->td_flags,
			TDF_ALLOCATED_THREAD | TDF_ALLOCATED_STACK);
	KUNIT_EXPECT_NOT_NULL(test, td->td_kstack);
	KUNIT_EXPECT_EQ(test, td->td_kstack_size, LWKT_THREAD_STACK);
	KUNIT_EXPECT_EQ(test, (unsigned long)td->td_kstack % 16, 0);
	KUNIT_EXPECT_EQ(test, lk_cnt()->threads, before + 1);
	lwkt_free_thread(td);
	KUNIT_EXPECT_EQ(test, lk_cnt()->threads, before);
}

static void lwkt_thread_new_thread_is_initialised(struct kunit *test)
{
	lk_run(test, TDPRI_KERN_DAEMON, thread_init_body, test);
}

static void thread_cache_body(void *arg)
{
	struct kunit *test = arg;
	thread_t tds[10], again[LWKT_CACHE_NTHREADS];
	int i, j, n = 0, m = 0;
	bool found;

	/* Ten allocations drain whatever the cache held. */
	for (i = 0; i < ARRAY_SIZE(tds); i++) {
		tds[i] = lwkt_alloc_thread(NULL, LWKT_THREAD_STACK, -1);
		KUNIT_EXPECT_NOT_NULL(test, tds[i]);
		if (!tds[i])
			goto out;
		n++;
	}
	KUNIT_EXPECT_EQ(test, mycpu->gd_tdfreecount, 0);
	for (i = 0; i < n; i++)
		lwkt_free_thread(tds[i]);
	n = 0;
	KUNIT_EXPECT_EQ(test, mycpu->gd_tdfreecount, LWKT_CACHE_NTHREADS);
	/* The first six freed filled it; the rest were freed for real. */
	for (i = 0; i < LWKT_CACHE_NTHREADS; i++) {
		thread_t td = lwkt_alloc_thread(NULL, LWKT_THREAD_STACK, -1);

		KUNIT_EXPECT_NOT_NULL(test, td);
		if (!td)
			goto out;
		again[m++] = td;
		found = false;
		for (j = 0; j < LWKT_CACHE_NTHREADS; j++)
			found |= td == tds[j];
		KUNIT_EXPECT_TRUE_MSG(test, found, "allocation %d", i);
	}
	KUNIT_EXPECT_EQ(test, mycpu->gd_tdfreecount, 0);
out:
	for (i = 0; i < n; i++)
		lwkt_free_thread(tds[i]);
	for (i = 0; i < m; i++)
		lwkt_free_thread(again[i]);
}

static void lwkt_thread_free_cache_keeps_six(struct kunit *test)
{
	lk_run(test, TDPRI_KERN_DAEMON, thread_cache_body, test);
}

static void thread_stack_body(void *arg)
{
	struct kunit *test = arg;
	thread_t td, again, big;
	char *stack;

	td = lwkt_alloc_thread(NULL, LWKT_THREAD_STACK, -1);
	KUNIT_EXPECT_NOT_NULL(test, td);
	if (!td)
		return;
	stack = td->td_kstack;
	stack[LWKT_THREAD_STACK / 2] = 0x5a;	/* marks this stack memory */
	lwkt_free_thread(td);

	again = lwkt_alloc_thread(NULL, LWKT_THREAD_STACK, -1);
	KUNIT_EXPECT_PTR_EQ(test, again, td);	/* the cache is LIFO */
	if (!again)
		return;
	KUNIT_EXPECT_EQ(test, again->td_kstack_size, LWKT_THREAD_STACK);
	KUNIT_EXPECT_TRUE(test, again->td_flags & TDF_ALLOCATED_STACK);
	if (!IS_ENABLED(CONFIG_KASAN)) {
		KUNIT_EXPECT_PTR_EQ(test, again->td_kstack, stack);
		KUNIT_EXPECT_EQ(test, again->td_kstack[LWKT_THREAD_STACK / 2],
				0x5a);
	}
	lwkt_free_thread(again);

	big = lwkt_alloc_thread(NULL, 2 * LWKT_THREAD_STACK, -1);
	KUNIT_EXPECT_PTR_EQ(test, big, td);	/* the structure is reused... */
	if (!big)
		return;
	/* ...with a new stack of the new size: all of it is ours. */
	KUNIT_EXPECT_EQ(test, big->td_kstack_size, 2 * LWKT_THREAD_STACK);
	KUNIT_EXPECT_TRUE(test, big->td_flags & TDF_ALLOCATED_STACK);
	big->td_kstack[2 * LWKT_THREAD_STACK - 1] = 1;
	lwkt_free_thread(big);
}

static void lwkt_thread_stack_reused_only_on_matching_size(struct kunit *test)
{
	lk_run(test, TDPRI_KERN_DAEMON, thread_stack_body, test);
}

struct thread_mine {
	struct kunit *test;
	struct lk_latch l;
	u32 flags_before;
	u32 flags_after;
	char *kstack_after;
	int freecount_before, freecount_after;
	thread_t td;
};

static struct lwkt_thread thread_mine_td;

static void thread_mine_thread(void *arg)
{
	lk_latch_done(&((struct thread_mine *)arg)->l);
}

static void thread_mine_body(void *arg)
{
	struct thread_mine *m = arg;
	int err;

	memset(&thread_mine_td, 0, sizeof(thread_mine_td));
	lk_latch_init(&m->l, 1);
	m->freecount_before = mycpu->gd_tdfreecount;
	err = lwkt_create(thread_mine_thread, m, &m->td, &thread_mine_td, 0,
			  -1, "mine");
	KUNIT_EXPECT_EQ(m->test, err, 0);
	if (err)
		return;
	m->flags_before = thread_mine_td.td_flags;
	lk_latch_wait(&m->l);
	lwkt_yield();	/* it exits; the next switch reaps it */
	m->flags_after = thread_mine_td.td_flags;
	m->kstack_after = thread_mine_td.td_kstack;
	m->freecount_after = mycpu->gd_tdfreecount;
}

static void lwkt_thread_caller_owned_not_cached_or_freed(struct kunit *test)
{
	struct thread_mine m = { .test = test };

	lk_run(test, TDPRI_KERN_DAEMON, thread_mine_body, &m);
	KUNIT_EXPECT_PTR_EQ(test, m.td, &thread_mine_td);
	KUNIT_EXPECT_FALSE(test, m.flags_before & TDF_ALLOCATED_THREAD);
	KUNIT_EXPECT_TRUE(test, m.flags_before & TDF_ALLOCATED_STACK);
	KUNIT_EXPECT_TRUE(test, m.flags_after & TDF_DEADTHREAD);
	KUNIT_EXPECT_NULL(test, m.kstack_after);	/* our stack was freed */
	KUNIT_EXPECT_EQ(test, m.freecount_after, m.freecount_before);
}

struct thread_remote {
	int cpu;
	thread_t remote;
	thread_t local;
	bool remote_gd_ok;
	bool local_gd_ok;
};

/* On the thread's own CPU, as an IPI function: only its owner frees it. */
static void thread_free_here(void *arg)
{
	lwkt_free_thread(arg);
}

static void thread_remote_body(void *arg)
{
	struct thread_remote *r = arg;
	struct lwkt_globaldata *rgd = lwkt_cpu_gd(r->cpu);

	r->remote = lwkt_alloc_thread(NULL, LWKT_THREAD_STACK, r->cpu);
	r->local = lwkt_alloc_thread(NULL, LWKT_THREAD_STACK, LK_CPU);
	if (r->remote) {
		r->remote_gd_ok = r->remote->td_gd == rgd;
		/* After the IPI that links it there (same FIFO, in order). */
		lwkt_wait_ipiq(rgd, lwkt_send_ipiq(rgd, thread_free_here,
						   r->remote));
	}
	if (r->local) {
		r->local_gd_ok = r->local->td_gd == mycpu;
		lwkt_free_thread(r->local);
	}
}

static void lwkt_thread_alloc_on_another_cpu(struct kunit *test)
{
	struct thread_remote r = { .cpu = lk_other_cpu() };

	if (r.cpu < 0)
		kunit_skip(test, "needs a second hosted CPU");
	lk_run(test, TDPRI_KERN_DAEMON, thread_remote_body, &r);
	KUNIT_EXPECT_NOT_NULL(test, r.remote);
	KUNIT_EXPECT_TRUE(test, r.remote_gd_ok);
	KUNIT_EXPECT_NOT_NULL(test, r.local);
	KUNIT_EXPECT_TRUE(test, r.local_gd_ok);
}

struct thread_comm {
	char c1[LWKT_MAXCOMLEN + 1];
	char c2[LWKT_MAXCOMLEN + 1];
	char c3[LWKT_MAXCOMLEN + 1];
	bool ok;
};

static void thread_comm_body(void *arg)
{
	struct thread_comm *c = arg;
	thread_t td = lwkt_alloc_thread(NULL, LWKT_THREAD_STACK, -1);

	if (!td)
		return;
	c->ok = true;
	lwkt_set_comm(td, "w/%d-%s-%x-%05u-%c%%", -12, "ab", 0xbeefu, 42u, 'z');
	strscpy(c->c1, td->td_comm, sizeof(c->c1));
	lwkt_set_comm(td, "%-4s|%3d|%lld|%zu", "a", 7, -9000000000LL,
		      (size_t)5);
	strscpy(c->c2, td->td_comm, sizeof(c->c2));
	lwkt_set_comm(td, "%s", "a-name-that-is-much-longer-than-31-chars");
	strscpy(c->c3, td->td_comm, sizeof(c->c3));
	lwkt_free_thread(td);
}

static void lwkt_thread_set_comm_formats(struct kunit *test)
{
	struct thread_comm c = {};

	lk_run(test, TDPRI_KERN_DAEMON, thread_comm_body, &c);
	KUNIT_ASSERT_TRUE(test, c.ok);
	KUNIT_EXPECT_STREQ(test, c.c1, "w/-12-ab-beef-00042-z%");
	KUNIT_EXPECT_STREQ(test, c.c2, "a   |  7|-9000000000|5");
	KUNIT_EXPECT_EQ(test, strlen(c.c3), LWKT_MAXCOMLEN);
}

static struct kunit_case lwkt_thread_cases[] = {
	KUNIT_CASE(lwkt_thread_new_thread_is_initialised),
	KUNIT_CASE(lwkt_thread_free_cache_keeps_six),
	KUNIT_CASE(lwkt_thread_stack_reused_only_on_matching_size),
	KUNIT_CASE(lwkt_thread_caller_owned_not_cached_or_freed),
	KUNIT_CASE(lwkt_thread_alloc_on_another_cpu),
	KUNIT_CASE(lwkt_thread_set_comm_formats),
	{}
};

static struct kunit_suite lwkt_thread_suite = {
	.name = "lwkt_thread",
	.test_cases = lwkt_thread_cases,
};

kunit_test_suites(&lwkt_thread_suite);
