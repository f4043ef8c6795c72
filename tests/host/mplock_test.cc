// SPDX-License-Identifier: GPL-2.0
// The MP lock (include/lwkt/mplock.h, Documentation/design.rst,
// "The MP lock"): per-thread recursion counts, the lock word, try_mplock,
// bogus releases, contention from another CPU (switch away, run later with the
// lock), a holder that blocks letting other CPUs take it, mutual exclusion
// across CPUs, and a thread that exits holding it.
#include <atomic>
#include <chrono>
#include <functional>
#include <utility>
#include <vector>

#include <lwkt/ipiq.h>
#include <lwkt/mplock.h>
#include <lwkt/wait.h>

#include "log_capture.h"
#include "xcpu_helpers.h"

namespace {

using namespace xt;

int mp_word()
{
	return __atomic_load_n(&lwkt_mp_lock, __ATOMIC_ACQUIRE);
}

void hold_for_ms(int ms)
{
	auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);

	spin_until([&] { return std::chrono::steady_clock::now() > end; });
}

} // namespace

// The lock is free before and after each test.
template <int N>
class MplockOn : public LwktLogTest<N> {
protected:
	void SetUp() override
	{
		LwktLogTest<N>::SetUp();
		EXPECT_EQ(mp_word(), LWKT_MP_FREE);
	}
	void TearDown() override
	{
		LwktLogTest<N>::TearDown();
		EXPECT_EQ(mp_word(), LWKT_MP_FREE);
	}
};

using Mplock = MplockOn<1>;
using Mplock2 = MplockOn<2>;

// get_mplock and try_mplock count per thread; the CPU holds the lock until
// the count is back at 0.
TEST_F(Mplock, RecursionCountsAndTheLockWord)
{
	run([] {
		thread_t td = curthread;

		EXPECT_EQ(td->td_mpcount, 0);
		EXPECT_EQ(MP_LOCK_HELD(), 0);
		EXPECT_EQ(lwkt_mp_lock_held(), 0);
		EXPECT_EQ(mp_word(), LWKT_MP_FREE);

		u64 contention = lt::cnt().mplock_contention_count;
		get_mplock();
		EXPECT_EQ(td->td_mpcount, 1);
		EXPECT_EQ(MP_LOCK_HELD(), 1);
		EXPECT_EQ(mp_word(), 0);
		get_mplock();
		EXPECT_EQ(td->td_mpcount, 2);
		EXPECT_EQ(try_mplock(), 1);	// ours: succeeds, counts
		EXPECT_EQ(td->td_mpcount, 3);
		EXPECT_EQ(lt::cnt().mplock_contention_count, contention);

		rel_mplock();
		EXPECT_EQ(td->td_mpcount, 2);
		EXPECT_EQ(MP_LOCK_HELD(), 1);
		rel_mplock();
		EXPECT_EQ(td->td_mpcount, 1);
		EXPECT_EQ(mp_word(), 0);
		rel_mplock();
		EXPECT_EQ(td->td_mpcount, 0);
		EXPECT_EQ(MP_LOCK_HELD(), 0);
		EXPECT_EQ(mp_word(), LWKT_MP_FREE);

		// try_mplock of a free lock.
		EXPECT_EQ(try_mplock(), 1);
		EXPECT_EQ(td->td_mpcount, 1);
		EXPECT_EQ(mp_word(), 0);
		rel_mplock();
		EXPECT_EQ(mp_word(), LWKT_MP_FREE);
		EXPECT_EQ(lt::cnt().mplock_contention_count, contention);
	});
}

// rel_mplock without a hold: one log line, nothing changes.
TEST_F(Mplock, ReleaseWithoutHoldIsLoggedAndIgnored)
{
	run([] {
		thread_t td = curthread;

		rel_mplock();
		EXPECT_EQ(td->td_mpcount, 0);
		EXPECT_EQ(mp_word(), LWKT_MP_FREE);
		EXPECT_EQ(lt::log_count("does not hold the MP lock"), 1u);

		get_mplock();
		rel_mplock();
		rel_mplock();	// one too many
		EXPECT_EQ(td->td_mpcount, 0);
		EXPECT_EQ(mp_word(), LWKT_MP_FREE);
		EXPECT_EQ(lt::log_count("does not hold the MP lock"), 2u);

		get_mplock();	// still works
		EXPECT_EQ(td->td_mpcount, 1);
		EXPECT_EQ(MP_LOCK_HELD(), 1);
		rel_mplock();
		EXPECT_EQ(mp_word(), LWKT_MP_FREE);
	});
}

// Switching to a thread whose count is 0 lets the lock go; switching back
// to the holder takes it again, count intact.
TEST_F(Mplock, SwitchToAThreadWithoutCountReleasesIt)
{
	run([] {
		thread_t td = curthread;
		int b_word = -2, b_held = -2, b_count = -2, b_got = -2;
		lt::Latch l(1);

		get_mplock();
		get_mplock();
		lt::spawn(TDPRI_KERN_DAEMON, [&] {
			b_word = mp_word();
			b_held = MP_LOCK_HELD();
			b_count = curthread->td_mpcount;
			b_got = try_mplock();
			if (b_got)
				rel_mplock();
			l.done();
		});
		lwkt_yield();
		l.wait();
		EXPECT_EQ(b_word, LWKT_MP_FREE);
		EXPECT_EQ(b_held, 0);
		EXPECT_EQ(b_count, 0);
		EXPECT_EQ(b_got, 1);
		EXPECT_EQ(td->td_mpcount, 2);
		EXPECT_EQ(MP_LOCK_HELD(), 1);
		rel_mplock();
		rel_mplock();
		EXPECT_EQ(mp_word(), LWKT_MP_FREE);
	});
}

// Another CPU's thread holds it: try_mplock fails without counting;
// released, it succeeds.
TEST_F(Mplock2, TryFailsWhileAnotherCpuHoldsIt)
{
	LockHolder s;

	run([&] {
		thread_t td = curthread;

		ASSERT_TRUE(s.start([] { get_mplock(); }, [] { rel_mplock(); }));
		u64 contention = lt::cnt().mplock_contention_count;
		for (int i = 0; i < 100; ++i) {
			EXPECT_EQ(try_mplock(), 0);
			EXPECT_EQ(td->td_mpcount, 0);
			EXPECT_EQ(MP_LOCK_HELD(), 0);
			EXPECT_EQ(mp_word(), 1);
		}
		EXPECT_EQ(lt::cnt().mplock_contention_count, contention);
		s.release = 1;
		EXPECT_TRUE(wait_for([&] { return s.done.load() != 0; }));
		EXPECT_EQ(try_mplock(), 1);
		EXPECT_EQ(td->td_mpcount, 1);
		EXPECT_EQ(mp_word(), 0);
		rel_mplock();
		EXPECT_EQ(mp_word(), LWKT_MP_FREE);
	});
}

// get_mplock while CPU 1 holds it: the thread switches away (a lower
// priority thread of its CPU runs meanwhile), mplock_contention_count
// rises, and it runs again only with the lock.
TEST_F(Mplock2, ContentionSwitchesAwayAndGetsItLater)
{
	struct S : LockHolder {
		std::atomic<int> a_got{0};
		std::atomic<int> b_ran{0}, b_saw_a_got{-1}, b_saw_word{-2};
		std::atomic<u64> b_contention{0};
		int a_saw_b_ran = -1, a_saw_released = -1, a_held = -1;
		int a_count = -1, a_word = -2;
		u64 a_contention = 0;
	} s;

	run([&] {
		ASSERT_TRUE(s.start([] { get_mplock(); }, [] { rel_mplock(); }));

		u64 c0 = lt::cnt().mplock_contention_count;
		spawn_pri(-1, TDPRI_KERN_USER, [&] {
			s.b_saw_a_got = s.a_got.load();
			s.b_saw_word = mp_word();
			s.b_contention = lt::cnt().mplock_contention_count - c0;
			s.b_ran = 1;
			s.release = 1;
		}, "low");
		get_mplock();
		s.a_got = 1;
		s.a_saw_b_ran = s.b_ran.load();
		s.a_saw_released = s.released.load();
		s.a_held = MP_LOCK_HELD();
		s.a_count = curthread->td_mpcount;
		s.a_word = mp_word();
		s.a_contention = lt::cnt().mplock_contention_count - c0;
		rel_mplock();
		EXPECT_TRUE(wait_for([&] { return s.done.load() != 0; }));
	});
	EXPECT_EQ(s.b_ran.load(), 1);
	EXPECT_EQ(s.b_saw_a_got.load(), 0);
	EXPECT_EQ(s.b_saw_word.load(), 1);
	// get_mplock's own count, and the switcher skipping the thread.
	EXPECT_GE(s.b_contention.load(), 2u);
	EXPECT_EQ(s.a_saw_b_ran, 1);
	EXPECT_EQ(s.a_saw_released, 1);
	EXPECT_EQ(s.a_held, 1);
	EXPECT_EQ(s.a_count, 1);
	EXPECT_EQ(s.a_word, 0);
	EXPECT_GE(s.a_contention, 2u);
}

// A holder that blocks: its CPU lets the lock go (a thread of that CPU
// sees it free of CPU 0), the other CPU takes it and wakes the sleeper
// while holding it; the sleeper runs only once it has the lock back, with
// its count intact.
TEST_F(Mplock2, BlockedHolderLetsOtherCpusTakeIt)
{
	struct S {
		struct lwkt_wait w;
		std::atomic<int> b_word{-2}, b_held{-2}, b_done{0};
		std::atomic<int> c_word{-2}, c_released{0}, c_done{0};
		int a_saw_released = -1, a_held = -1, a_count = -1, a_word = -2;
	} s;

	lwkt_wait_init(&s.w);
	run([&] {
		get_mplock();
		get_mplock();
		lt::spawn(TDPRI_KERN_DAEMON, [&] {
			EXPECT_TRUE(wait_for([&] { return load(&s.w.wa_count) == 1; }));
			s.b_word = mp_word();
			s.b_held = MP_LOCK_HELD();
			s.b_done = 1;
		});
		spawn_on(1, [&] {
			EXPECT_TRUE(wait_for([&] { return s.b_done.load() != 0; }));
			EXPECT_TRUE(wait_for([] { return try_mplock() == 1; }));
			s.c_word = mp_word();
			lwkt_signal(&s.w, 1);
			lwkt_wait_ipiq(lwkt_user_gd(0), lwkt_seq_ipiq(lwkt_user_gd(0)));
			hold_for_ms(20);
			s.c_released = 1;
			rel_mplock();
			s.c_done = 1;
		}, 0, "taker");
		int gen = load(&s.w.wa_gen);
		lwkt_block(&s.w, "mpwait", &gen);
		s.a_saw_released = s.c_released.load();
		s.a_held = MP_LOCK_HELD();
		s.a_count = curthread->td_mpcount;
		s.a_word = mp_word();
		rel_mplock();
		rel_mplock();
		EXPECT_TRUE(wait_for([&] { return s.c_done.load() != 0; }));
	});
	EXPECT_NE(s.b_word.load(), 0);	// not CPU 0's while its holder sleeps
	EXPECT_EQ(s.b_held.load(), 0);
	EXPECT_EQ(s.c_word.load(), 1);
	EXPECT_EQ(s.a_saw_released, 1);
	EXPECT_EQ(s.a_held, 1);
	EXPECT_EQ(s.a_count, 2);
	EXPECT_EQ(s.a_word, 0);
}

// Threads on both CPUs update a plain counter under the MP lock, yielding
// while holding it (and nesting it) between updates: no overlap, no lost
// update. They start together and go on until get_mplock found the lock
// held by the other CPU a few times.
TEST_F(Mplock2, MutualExclusionAcrossCpus)
{
	const int iters = 3000 / kScale;
	const int nthreads = 4;
	struct S : Exclusion {
		std::atomic<int> not_held{0}, bad_count{0}, contended{0};
	} s;

	run_on_two_cpus(nthreads / 2, [&](int) {
		thread_t td = curthread;
		auto end = std::chrono::steady_clock::now() +
			   std::chrono::seconds(10);

		long mine = 0;

		s.start_together(nthreads);
		for (int i = 0; i < iters || (s.contended.load() < 20 &&
				std::chrono::steady_clock::now() < end); ++i) {
			u64 c = lt::cnt().mplock_contention_count;

			get_mplock();
			if (lt::cnt().mplock_contention_count != c)
				s.contended.fetch_add(1);
			if (!MP_LOCK_HELD())
				s.not_held.fetch_add(1);
			if (i % 3 == 0)
				lwkt_yield();	// lock let go and taken back
			if (i % 5 == 0) {
				get_mplock();
				if (td->td_mpcount != 2)
					s.bad_count.fetch_add(1);
				lwkt_yield();
				rel_mplock();
			}
			if (!MP_LOCK_HELD() || mp_word() != mycpu->gd_cpuid)
				s.not_held.fetch_add(1);
			s.update();
			++mine;
			if (td->td_mpcount != 1)
				s.bad_count.fetch_add(1);
			rel_mplock();
			if (i & 1)
				lwkt_yield();
		}
		s.total.fetch_add(mine);
	});
	s.expect_exclusive((long)iters * nthreads);
	EXPECT_EQ(s.not_held.load(), 0);
	EXPECT_EQ(s.bad_count.load(), 0);
	EXPECT_GE(s.contended.load(), 20);	// the test did test something
}

// A thread that exits holding the MP lock: one log line, and the lock is
// free for the other CPU afterwards.
TEST_F(Mplock2, ThreadExitingHoldingItFreesIt)
{
	std::atomic<int> held{0};

	run([&] {
		spawn_on(1, [&] {
			get_mplock();
			get_mplock();
			held = 1;
		}, 0, "exits");
		ASSERT_TRUE(wait_for([&] { return held.load() != 0; }));
		EXPECT_TRUE(wait_for([] { return try_mplock() == 1; }));
		EXPECT_EQ(mp_word(), 0);
		EXPECT_EQ(curthread->td_mpcount, 1);
		rel_mplock();
		EXPECT_EQ(mp_word(), LWKT_MP_FREE);
	});
	EXPECT_EQ(lt::log_count("exits holding the MP lock"), 1u);
}
