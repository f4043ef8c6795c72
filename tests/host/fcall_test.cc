// SPDX-License-Identifier: GPL-2.0
// Calls from outside LWKT context (src/core/fcall.cc) reach a CPU whose
// threads never let its idle loop run: at the next crit_exit or switch.
// Every outside caller here runs on a pthread of its own and is waited for
// with a bound, so a regression fails the test instead of hanging it.
#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "lwkt_fixture.h"
#include "platform.h"

namespace {

using namespace std::chrono_literals;

std::atomic<int> stop_busy{0};
std::atomic<int> busy_running{0};

// Never lets its CPU idle: yields to an empty run queue, forever.
void yield_forever(void *)
{
	busy_running.fetch_add(1);
	while (!stop_busy.load())
		lwkt_yield();
	busy_running.fetch_sub(1);
}

// Never switches at all: only enters and leaves critical sections.
void crit_forever(void *)
{
	busy_running.fetch_add(1);
	while (!stop_busy.load()) {
		crit_enter();
		crit_exit();
	}
	busy_running.fetch_sub(1);
}

std::atomic<int> ran_on{-1};
std::atomic<int> runs{0};

void record(void *)
{
	ran_on = mycpu->gd_cpuid;
	runs.fetch_add(1);
}

// Run f on its own pthread; true if it returned within the bound. If not,
// the busy threads are stopped (their CPU may then idle and f finish) so
// that a regression fails here rather than hanging.
template <typename F> bool finishes_within(F f, std::chrono::seconds bound)
{
	auto fut = std::async(std::launch::async, f);
	bool in_time = fut.wait_for(bound) == std::future_status::ready;

	if (!in_time)
		stop_busy = 1;
	fut.wait();
	return in_time;
}

} // namespace

class Fcall : public LwktCpus<2> {
protected:
	void SetUp() override
	{
		LwktTest::SetUp();
		stop_busy = 0;
		busy_running = 0;
		ran_on = -1;
		runs = 0;
	}

	// Start a thread running body on CPU 1 and wait until it runs.
	void make_busy(void (*body)(void *))
	{
		ASSERT_EQ(0, lwkt_create(body, nullptr, nullptr, nullptr, 0, 1,
					 "busy"));
		while (busy_running.load() == 0)
			std::this_thread::sleep_for(1ms);
	}

	// Let the busy threads go, so the CPUs can stop.
	void TearDown() override
	{
		stop_busy = 1;
		while (busy_running.load() != 0)
			std::this_thread::sleep_for(1ms);
		LwktTest::TearDown();
	}
};

TEST_F(Fcall, BusyCpuYieldingForeverAnswersACreate)
{
	make_busy(yield_forever);
	EXPECT_TRUE(finishes_within([] {
		thread_t td = nullptr;

		EXPECT_EQ(0, lwkt_create(record, nullptr, &td, nullptr, 0, 1,
					 "from-outside"));
		while (runs.load() == 0)
			std::this_thread::sleep_for(1ms);
	}, 20s));
	EXPECT_EQ(1, ran_on.load());
}

TEST_F(Fcall, BusyCpuInsideCritExitLoopAnswersACall)
{
	make_busy(crit_forever);
	int err = -1;
	EXPECT_TRUE(finishes_within([&] {
		err = lwkt_user_call(1, record, nullptr, 0, 0, 20000);
	}, 30s));
	EXPECT_EQ(0, err);
	EXPECT_EQ(1, ran_on.load());
	EXPECT_EQ(1, runs.load());
}

TEST_F(Fcall, ScheduleAndSetpriFromOutsideReachABusyCpu)
{
	thread_t td = nullptr;

	make_busy(yield_forever);
	ASSERT_TRUE(finishes_within([&] {
		ASSERT_EQ(0, lwkt_create(record, nullptr, &td, nullptr,
					 TDF_STOPREQ, 1, "stopped"));
		lwkt_setpri(td, TDPRI_KERN_DAEMON + 1);
		EXPECT_EQ(0, runs.load());	/* created stopped */
		lwkt_schedule(td);
		while (runs.load() == 0)
			std::this_thread::sleep_for(1ms);
	}, 20s));
	EXPECT_EQ(1, ran_on.load());
}

TEST_F(Fcall, IdleCallWaitsForAnIdleCpuAndIsTakenBackUnrun)
{
	make_busy(yield_forever);
	/* The CPU never idles: the caller gives up and the call never runs. */
	EXPECT_EQ(-4, lwkt_user_call(1, record, nullptr, 0, LWKT_FCALL_IDLE,
				     200));
	EXPECT_EQ(0, lwkt_user_call(1, [](void *) {}, nullptr, 0, 0, 20000));
	EXPECT_EQ(0, runs.load());
	stop_busy = 1;
	while (busy_running.load() != 0)
		std::this_thread::sleep_for(1ms);
	/* Idle now: an idle call runs. */
	EXPECT_EQ(0, lwkt_user_call(1, record, nullptr, 0, LWKT_FCALL_IDLE,
				    20000));
	EXPECT_EQ(1, runs.load());
}

TEST_F(Fcall, IdleCallRunsOnlyAfterTheRunnableThreadsRan)
{
	static std::atomic<int> order{0};
	static std::atomic<int> thread_at{0};
	static std::atomic<int> call_at{0};

	order = 0;
	thread_at = 0;
	call_at = 0;
	run([] {
		lwkt_create([](void *) {
			for (int i = 0; i < 100; ++i)
				lwkt_yield();
			thread_at = ++order;
		}, nullptr, nullptr, nullptr, 0, -1, "runnable");
	}, TDPRI_KERN_DAEMON, 1);
	EXPECT_EQ(0, lwkt_user_call(1, [](void *) { call_at = ++order; },
				    nullptr, 0, LWKT_FCALL_IDLE, 20000));
	EXPECT_EQ(1, thread_at.load());
	EXPECT_EQ(2, call_at.load());
}

TEST_F(Fcall, ArgumentsByValueOutliveTheCaller)
{
	struct Args {
		int a;
		int b;
	} args{3, 4};
	static std::atomic<int> sum{0};

	sum = 0;
	EXPECT_EQ(0, lwkt_user_call(0, [](void *p) {
		auto *x = static_cast<Args *>(p);
		sum = x->a + x->b;
	}, &args, sizeof(args), 0, 20000));
	EXPECT_EQ(7, sum.load());
	EXPECT_EQ(-22, lwkt_user_call(0, record, &args, LWKT_FCALL_ARGMAX + 1,
				      0, 1000));
	EXPECT_EQ(-22, lwkt_user_call(7, record, nullptr, 0, 0, 1000));
}

TEST_F(Fcall, ManyPostersRunEachCallOnceInTheirOrder)
{
	constexpr int kPosters = 4;
	constexpr int kCalls = 500;
	static std::atomic<int> last[kPosters];
	static std::atomic<int> bad{0};

	bad = 0;
	for (auto &l : last)
		l = -1;
	make_busy(yield_forever);
	std::vector<std::thread> posters;
	for (int p = 0; p < kPosters; ++p) {
		posters.emplace_back([p] {
			for (int i = 0; i < kCalls; ++i) {
				struct {
					int p;
					int i;
				} a{p, i};
				EXPECT_EQ(0, lwkt_user_call(1, [](void *x) {
					auto *v = static_cast<int *>(x);
					if (last[v[0]].load() != v[1] - 1)
						bad.fetch_add(1);
					last[v[0]] = v[1];
					runs.fetch_add(1);
				}, &a, sizeof(a), 0, 20000));
			}
		});
	}
	for (auto &t : posters)
		t.join();
	EXPECT_EQ(kPosters * kCalls, runs.load());
	EXPECT_EQ(0, bad.load());
}
