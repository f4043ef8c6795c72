// SPDX-License-Identifier: GPL-2.0
// lwkt_create / lwkt_exit, reaping, and tearing a CPU down.
#include "log_capture.h"
#include "lwkt_fixture.h"

using Lifecycle = LwktTest;

TEST_F(Lifecycle, NewThreadStartsOutsideACriticalSection)
{
	run([] {
		lt::Latch l(1);
		int pri = -1;

		lt::spawn(TDPRI_KERN_DAEMON, [&] {
			pri = curthread->td_pri;
			l.done();
		});
		l.wait();
		EXPECT_EQ(pri, TDPRI_KERN_DAEMON);
	});
}

TEST_F(Lifecycle, StopreqLeavesTheThreadUnscheduled)
{
	run([] {
		lt::Latch l(1);
		thread_t td = nullptr;

		lt::bodies.push_back([&] { l.done(); });
		ASSERT_EQ(0, lwkt_create(lt::call_body, &lt::bodies.back(), &td,
					 nullptr, TDF_STOPREQ, -1, "stopped"));
		EXPECT_FALSE(td->td_flags & (TDF_RUNQ | TDF_STOPREQ));
		lwkt_yield();
		EXPECT_EQ(l.count, 1);	// it did not run
		lwkt_schedule(td);
		l.wait();
	});
}

TEST_F(Lifecycle, CreateOnAnotherCpuIsEinvalForNow)
{
	run([] {
		thread_t td = nullptr;

		EXPECT_EQ(lwkt_create([](void *) {}, nullptr, &td, nullptr, 0, 1,
				      "remote"), -22);
		EXPECT_EQ(td, nullptr);
	});
}

TEST_F(Lifecycle, ExitedThreadIsReapedIntoTheCache)
{
	run([] {
		u64 threads = lt::cnt().threads;
		thread_t td = lt::spawn(TDPRI_KERN_DAEMON, [] {});

		EXPECT_EQ(lt::cnt().threads, threads + 1);
		lwkt_yield();	// it runs, exits; our switch tail reaps it
		EXPECT_EQ(lt::cnt().threads, threads);
		EXPECT_EQ(mycpu->gd_tdfreecount, 1);
		EXPECT_TRUE(td->td_flags & TDF_DEADTHREAD);	// cached memory
		EXPECT_EQ(mycpu->gd_tdreapq.next, &mycpu->gd_tdreapq);
	});
}

// 10,000 threads, each scheduled by a lower-priority creator, so each runs
// and exits at once: the free cache turns them over.
TEST_F(Lifecycle, TenThousandThreadsRunAndExitOneByOne)
{
	int ran = 0;

	run([&] {
		u64 threads = lt::cnt().threads;
		auto body = [&] { ran++; };

		for (int i = 0; i < 10000; i++)
			lt::spawn(TDPRI_KERN_DAEMON, body);
		EXPECT_EQ(ran, 10000);
		EXPECT_EQ(lt::cnt().threads, threads);
		EXPECT_LE(mycpu->gd_tdfreecount, LWKT_CACHE_NTHREADS);
		lt::bodies.clear();	// 10,000 copies: free them now
	}, TDPRI_KERN_USER);
	EXPECT_EQ(ran, 10000);
}

// 10,000 threads in batches of 1,000 at the creator's priority: they all
// exist at once, then run round robin and exit.
TEST_F(Lifecycle, TenThousandThreadsInBatches)
{
	int ran = 0;

	run([&] {
		u64 threads = lt::cnt().threads;

		for (int batch = 0; batch < 10; batch++) {
			lt::Latch l(1000);

			for (int i = 0; i < 1000; i++)
				lt::spawn(TDPRI_KERN_DAEMON, [&] {
					ran++;
					lwkt_yield();
					l.done();
				});
			EXPECT_EQ(lt::cnt().threads, threads + 1000);
			l.wait();
			lwkt_yield();	// the last exits
			EXPECT_EQ(lt::cnt().threads, threads);
		}
		lt::bodies.clear();
	});
	EXPECT_EQ(ran, 10000);
}

TEST_F(Lifecycle, StopKillsBlockedThreads)
{
	run([] {
		for (int i = 0; i < 3; i++)
			lt::spawn(TDPRI_KERN_DAEMON, [] { lt::block(); });
		lwkt_yield();	// they run and block for good
		EXPECT_EQ(lt::cnt().threads, 4u);	// 3 blocked + us
	});
	lt::LogCapture log;

	lwkt_user_stop();
	log.stop();
	ASSERT_EQ(lwkt_user_start(1), 0);	// for TearDown
	EXPECT_EQ(lt::log_size(), 3u);
	EXPECT_EQ(lt::log_count("killing blocked thread"), lt::log_size());
}
