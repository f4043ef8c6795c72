// SPDX-License-Identifier: GPL-2.0
// The thread API called from outside LWKT context (here: the test's own
// pthread, in the kernel a Linux kthread) is forwarded to the thread's CPU.
#include <atomic>

#include "lwkt_fixture.h"

namespace {

std::atomic<int> ran_on{-1};

void record_cpu(void *)
{
	ran_on = mycpu->gd_cpuid;
}

struct Sleeper {
	std::atomic<int> blocked{0};
	std::atomic<int> woken{0};
};

void block_self(void *arg)
{
	auto *s = static_cast<Sleeper *>(arg);
	thread_t td = curthread;

	/*
	 * "blocked" is set inside the critical section the thread blocks in:
	 * a forwarded lwkt_schedule() runs on this CPU's idle loop, so it
	 * cannot get in before the thread is off the run queue.
	 */
	crit_enter_quick(td);
	s->blocked = 1;
	lwkt_deschedule_self(td);
	lwkt_switch();
	crit_exit_quick(td);
	s->woken = 1;
}

} // namespace

using Foreign = LwktCpus<2>;

TEST_F(Foreign, ContextTestTellsThreadsFromOutsiders)
{
	EXPECT_FALSE(lwkt_in_lwkt_context());
	bool inside = false;
	run([&] { inside = lwkt_in_lwkt_context(); });
	EXPECT_TRUE(inside);
}

TEST_F(Foreign, CreateFromOutsideRunsOnTheRequestedCpu)
{
	thread_t td = nullptr;

	ran_on = -1;
	ASSERT_EQ(0, lwkt_create(record_cpu, nullptr, &td, nullptr, TDF_STOPREQ,
				 1, "outsider-%d", 1));
	ASSERT_NE(td, nullptr);
	/* Not running yet (stopped), so its fields are stable. */
	EXPECT_STREQ(td->td_comm, "outsider-1");
	EXPECT_EQ(td->td_gd, lwkt_user_gd(1));
	lwkt_schedule(td);
	while (ran_on.load() < 0)
		;
	EXPECT_EQ(ran_on.load(), 1);
}

TEST_F(Foreign, ScheduleFromOutsideWakesABlockedThread)
{
	Sleeper s;
	thread_t td = nullptr;

	ASSERT_EQ(0, lwkt_create(block_self, &s, &td, nullptr, 0, 0,
				 "sleeper"));
	while (!s.blocked.load())
		;
	EXPECT_EQ(s.woken.load(), 0);
	lwkt_schedule(td);
	while (!s.woken.load())
		;
}

TEST_F(Foreign, StoppedCreateThenScheduleFromOutside)
{
	thread_t td = nullptr;

	ran_on = -1;
	ASSERT_EQ(0, lwkt_create(record_cpu, nullptr, &td, nullptr,
				 TDF_STOPREQ, 0, "stopped"));
	EXPECT_FALSE(td->td_flags & TDF_STOPREQ);
	EXPECT_EQ(ran_on.load(), -1);
	lwkt_setpri(td, TDPRI_SOFT_NORM);
	EXPECT_EQ(td->td_pri & TDPRI_MASK, TDPRI_SOFT_NORM);
	lwkt_schedule(td);
	while (ran_on.load() < 0)
		;
	EXPECT_EQ(ran_on.load(), 0);
}
