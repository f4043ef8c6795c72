// SPDX-License-Identifier: GPL-2.0
// lwkt_switch: counting, the idle thread, what a switch preserves.
#include <atomic>
#include <thread>
#include <xmmintrin.h>

#include "lwkt_fixture.h"

using Switch = LwktTest;

TEST_F(Switch, SwitchCountAndTdSwitchesIncrement)
{
	run([] {
		thread_t self = curthread;
		lt::Latch l(1);
		u64 before = lt::cnt().switch_count;
		u64 mine = self->td_switches;
		thread_t other = lt::spawn(TDPRI_KERN_DAEMON, [&] {
			EXPECT_EQ(curthread->td_switches, 1u);
			l.done();
		});

		lwkt_yield();	// to other, which exits: back to us
		EXPECT_EQ(l.count, 0);
		EXPECT_EQ(lt::cnt().switch_count, before + 2);
		EXPECT_EQ(self->td_switches, mine + 1);
		(void)other;
	});
}

TEST_F(Switch, SwitchWithNothingElseRunnableReturnsAtOnce)
{
	run([] {
		u64 before = lt::cnt().switch_count;

		lwkt_switch();	// we are still scheduled and the best
		EXPECT_EQ(lt::cnt().switch_count, before);
	});
}

TEST_F(Switch, IdleThreadRunsWhenNothingIsRunnable)
{
	std::atomic<thread_t> sleeper{nullptr};
	u64 idle_switches = 0, idle_after = 0;

	std::thread t([&] {
		run([&] {
			thread_t idle = &mycpu->gd_idlethread;

			idle_switches = idle->td_switches;
			crit_enter();
			sleeper.store(curthread);
			lwkt_deschedule_self(curthread);
			lwkt_switch();	// nothing runnable: the host idles
			crit_exit();
			idle_after = idle->td_switches;
			EXPECT_EQ(mycpu->gd_curthread, curthread);
		});
	});
	while (!sleeper.load())
		std::this_thread::yield();
	// The CPU is (or soon will be) idle; wake the sleeper from a new thread.
	run([&] { lwkt_schedule(sleeper.load()); });
	t.join();
	EXPECT_GT(idle_after, idle_switches);
}

TEST_F(Switch, ControlRegistersArePerThread)
{
	unsigned seen = 0;

	run([&] {
		lt::Latch l(1);
		unsigned def = _mm_getcsr();

		lt::spawn(TDPRI_KERN_DAEMON, [&] {
			seen = _mm_getcsr();
			_mm_setcsr(def | 0x6000);	// round toward zero
			l.done();
		});
		_mm_setcsr(def | 0x2000);	// round down
		lwkt_yield();
		EXPECT_EQ(_mm_getcsr(), def | 0x2000);
		_mm_setcsr(def);
	});
	// A new thread starts with the ABI default, not its creator's.
	EXPECT_EQ(seen, 0x1f80u);
}

TEST_F(Switch, CustomStackSize)
{
	run([] {
		lt::Latch l(1);
		thread_t td = lwkt_alloc_thread(nullptr, 64 * 1024, -1);
		static uintptr_t local_addr;

		ASSERT_NE(td, nullptr);
		EXPECT_EQ(td->td_kstack_size, 64 * 1024);
		lt::bodies.push_back([&] {
			int local;

			local_addr = reinterpret_cast<uintptr_t>(&local);
			l.done();
		});
		lwkt_set_entry(td, lt::call_body, &lt::bodies.back());
		lwkt_set_comm(td, "big");
		uintptr_t lo = reinterpret_cast<uintptr_t>(td->td_kstack);

		lwkt_schedule(td);
		l.wait();
		EXPECT_GT(local_addr, lo);
		EXPECT_LT(local_addr, lo + 64 * 1024);
	});
}
