// SPDX-License-Identifier: GPL-2.0
// Thread allocation: the per-CPU free cache, stack reuse, ownership
// flags, names.
#include <set>

#include "log_capture.h"
#include "lwkt_fixture.h"

using ThreadAlloc = LwktTest;

TEST_F(ThreadAlloc, NewThreadIsInitialised)
{
	run([] {
		u64 before = lt::cnt().threads;
		thread_t td = lwkt_alloc_thread(nullptr, LWKT_THREAD_STACK, -1);

		ASSERT_NE(td, nullptr);
		EXPECT_EQ(td->td_gd, mycpu);
		EXPECT_EQ(td->td_pri, TDPRI_KERN_DAEMON + TDPRI_CRIT);
		EXPECT_EQ(td->td_flags, TDF_ALLOCATED_THREAD | TDF_ALLOCATED_STACK);
		EXPECT_EQ(td->td_kstack_size, LWKT_THREAD_STACK);
		EXPECT_EQ(reinterpret_cast<uintptr_t>(td->td_kstack) % 16, 0u);
		EXPECT_EQ(lt::cnt().threads, before + 1);
		lwkt_free_thread(td);
		EXPECT_EQ(lt::cnt().threads, before);
	});
}

TEST_F(ThreadAlloc, FreeCacheKeepsSix)
{
	run([] {
		std::vector<thread_t> tds;
		std::set<thread_t> freed;

		ASSERT_EQ(mycpu->gd_tdfreecount, 0);
		for (int i = 0; i < 10; i++)
			tds.push_back(lwkt_alloc_thread(nullptr, LWKT_THREAD_STACK, -1));
		for (thread_t td : tds)
			lwkt_free_thread(td);
		EXPECT_EQ(mycpu->gd_tdfreecount, LWKT_CACHE_NTHREADS);
		// The first six freed filled it; the rest were freed for real.
		for (int i = 0; i < LWKT_CACHE_NTHREADS; i++)
			freed.insert(tds[i]);
		for (int i = 0; i < LWKT_CACHE_NTHREADS; i++) {
			thread_t td = lwkt_alloc_thread(nullptr, LWKT_THREAD_STACK, -1);

			EXPECT_TRUE(freed.count(td)) << i;
			tds[i] = td;
		}
		EXPECT_EQ(mycpu->gd_tdfreecount, 0);
		for (int i = 0; i < LWKT_CACHE_NTHREADS; i++)
			lwkt_free_thread(tds[i]);
	});
}

TEST_F(ThreadAlloc, StackIsReusedOnlyWhenTheSizeMatches)
{
	run([] {
		thread_t td = lwkt_alloc_thread(nullptr, LWKT_THREAD_STACK, -1);
		char *stack = td->td_kstack;

		stack[0] = 0x5a;	// marks this very stack memory
		lwkt_free_thread(td);
		thread_t again = lwkt_alloc_thread(nullptr, LWKT_THREAD_STACK, -1);

		EXPECT_EQ(again, td);
		EXPECT_EQ(again->td_kstack, stack);
		EXPECT_EQ(again->td_kstack[0], 0x5a);
		lwkt_free_thread(again);

		thread_t big = lwkt_alloc_thread(nullptr, 2 * LWKT_THREAD_STACK, -1);

		EXPECT_EQ(big, td);	// same structure from the cache...
		EXPECT_EQ(big->td_kstack_size, 2 * LWKT_THREAD_STACK);
		EXPECT_EQ(big->td_kstack[0], 0);	// ...a fresh stack
		EXPECT_TRUE(big->td_flags & TDF_ALLOCATED_STACK);
		lwkt_free_thread(big);
	});
}

TEST_F(ThreadAlloc, CallerOwnedStructureIsNotCachedOrFreed)
{
	run([] {
		static struct lwkt_thread mine;
		lt::Latch l(1);
		thread_t td = nullptr;

		memset(&mine, 0, sizeof(mine));
		lt::bodies.push_back([&] { l.done(); });
		ASSERT_EQ(0, lwkt_create(lt::call_body, &lt::bodies.back(), &td,
					 &mine, 0, -1, "mine"));
		EXPECT_EQ(td, &mine);
		EXPECT_FALSE(mine.td_flags & TDF_ALLOCATED_THREAD);
		EXPECT_TRUE(mine.td_flags & TDF_ALLOCATED_STACK);
		l.wait();
		lwkt_yield();	// it exits; the next switch reaps it
		EXPECT_TRUE(mine.td_flags & TDF_DEADTHREAD);
		EXPECT_EQ(mine.td_kstack, nullptr);	// our stack was freed
		EXPECT_EQ(mycpu->gd_tdfreecount, 0);	// never cached
	});
}

TEST_F(ThreadAlloc, OtherCpuIsRefusedUntilTheIpiLayerExists)
{
	lt::LogCapture log;

	run([] {
		EXPECT_EQ(lwkt_alloc_thread(nullptr, LWKT_THREAD_STACK, 1), nullptr);
		EXPECT_NE(lwkt_alloc_thread(nullptr, LWKT_THREAD_STACK, 0), nullptr);
	});
	log.stop();
	EXPECT_EQ(lt::log_size(), 1u);
}

TEST_F(ThreadAlloc, SetCommFormats)
{
	run([] {
		thread_t td = lwkt_alloc_thread(nullptr, LWKT_THREAD_STACK, -1);

		lwkt_set_comm(td, "w/%d-%s-%x-%05u-%c%%", -12, "ab", 0xbeefu, 42u, 'z');
		EXPECT_STREQ(td->td_comm, "w/-12-ab-beef-00042-z%");
		lwkt_set_comm(td, "%-4s|%3d|%lld|%zu", "a", 7, -9000000000LL,
			      static_cast<size_t>(5));
		EXPECT_STREQ(td->td_comm, "a   |  7|-9000000000|5");
		lwkt_set_comm(td, "%s", "a-name-that-is-much-longer-than-31-chars");
		EXPECT_EQ(strlen(td->td_comm), static_cast<size_t>(LWKT_MAXCOMLEN));
		lwkt_free_thread(td);
	});
}
