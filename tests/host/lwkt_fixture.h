// SPDX-License-Identifier: GPL-2.0
// Shared helpers for the scheduler tests: a fixture that starts simulated
// CPUs around each test, and small LWKT-side helpers (spawn, block, wake).
#ifndef LWKT_TESTS_FIXTURE_H
#define LWKT_TESTS_FIXTURE_H

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include <lwkt/thread.h>
#include "user/lwkt_user.h"

namespace lt {
// Function objects of spawned threads: they must outlive the threads, so
// the fixture clears them only after the CPUs stopped.
inline std::deque<std::function<void()>> bodies;
} // namespace lt

class LwktTest : public ::testing::Test {
protected:
	void SetUp() override { ASSERT_EQ(0, lwkt_user_start(ncpus_)); }
	void TearDown() override
	{
		lwkt_user_stop();
		lt::bodies.clear();
	}

	// Run f in a new LWKT thread on cpu at priority pri; wait for it.
	void run(std::function<void()> f, int pri = TDPRI_KERN_DAEMON,
		 int cpu = 0)
	{
		lwkt_user_run(
			cpu, pri,
			[](void *a) { (*static_cast<std::function<void()> *>(a))(); },
			&f);
	}

	int ncpus_ = 1;
};

// The same on N simulated CPUs.
template <int N>
class LwktCpus : public LwktTest {
protected:
	LwktCpus() { ncpus_ = N; }
};

namespace lt {


// Everything below runs inside LWKT threads of one CPU.

inline void call_body(void *a)
{
	(*static_cast<std::function<void()> *>(a))();
}

// Create a thread at pri running f; not scheduled if stopped is true.
inline thread_t spawn(int pri, std::function<void()> f, bool stopped = false,
		      const char *name = "t")
{
	thread_t td = nullptr;

	bodies.push_back(std::move(f));
	EXPECT_EQ(0, lwkt_create(call_body, &bodies.back(), &td, nullptr,
				 TDF_STOPREQ, -1, "%s", name));
	lwkt_setpri(td, pri);
	if (!stopped)
		lwkt_schedule(td);
	return td;
}

// Block the current thread until someone lwkt_schedule()s it.
inline void block()
{
	thread_t td = curthread;

	crit_enter_quick(td);
	lwkt_deschedule_self(td);
	lwkt_switch();
	crit_exit_quick(td);
}

// Wait for n events signalled by other threads of this CPU.
struct Latch {
	int count;
	thread_t waiter = nullptr;

	explicit Latch(int n) : count(n) {}
	void done()
	{
		if (--count == 0 && waiter) {
			thread_t w = waiter;

			waiter = nullptr;
			lwkt_schedule(w);
		}
	}
	void wait()
	{
		thread_t td = curthread;

		crit_enter_quick(td);
		while (count > 0) {
			waiter = td;
			lwkt_deschedule_self(td);
			lwkt_switch();
		}
		crit_exit_quick(td);
	}
};

inline lwkt_counters &cnt()
{
	return mycpu->gd_cnt;
}

// Thread pointers on the run queue of priority pri, head first.
inline std::vector<thread_t> queue(int pri)
{
	std::vector<thread_t> v;
	struct lwkt_list *head = &mycpu->gd_tdrunq[pri];

	for (struct lwkt_list *n = head->next; n != head; n = n->next)
		v.push_back(reinterpret_cast<thread_t>(
			reinterpret_cast<char *>(n) -
			offsetof(struct lwkt_thread, td_threadq)));
	return v;
}

} // namespace lt

#endif // LWKT_TESTS_FIXTURE_H
