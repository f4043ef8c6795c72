// SPDX-License-Identifier: GPL-2.0
// lwkt_hold / lwkt_rele / lwkt_wait_free.
#include <atomic>
#include <chrono>
#include <functional>
#include <thread>
#include <utility>
#include <vector>

#include "xcpu_helpers.h"

using Hold = LwktTest;

TEST_F(Hold, HeldExitedThreadIsNotRecycled)
{
	run([] {
		thread_t td = lt::spawn(TDPRI_KERN_DAEMON, [] {}, true);

		lwkt_hold(td);
		lwkt_schedule(td);
		lwkt_yield();	// it exits
		EXPECT_TRUE(td->td_flags & TDF_EXITING);
		EXPECT_FALSE(td->td_flags & TDF_DEADTHREAD);
		EXPECT_EQ(mycpu->gd_tdfreecount, 0);
		lwkt_rele(td);
		lt::spawn(TDPRI_KERN_DAEMON, [] {});
		lwkt_yield();	// another exit reaps both
		EXPECT_TRUE(td->td_flags & TDF_DEADTHREAD);
		EXPECT_EQ(mycpu->gd_tdfreecount, 2);
	});
}

TEST_F(Hold, WaitFreeSleepsUntilTheLastRele)
{
	std::vector<std::string> order;

	run([&] {
		lt::Latch l(1);
		thread_t target = lt::spawn(TDPRI_KERN_DAEMON, [] {}, true);

		lwkt_hold(target);
		lwkt_hold(target);
		lt::spawn(TDPRI_KERN_DAEMON, [&] {
			order.push_back("waiting");
			lwkt_wait_free(target);
			order.push_back("free");
			l.done();
		});
		lwkt_yield();	// the waiter blocks
		lwkt_rele(target);
		order.push_back("rele 1");
		lwkt_yield();	// still held: the waiter stays asleep
		lwkt_rele(target);
		order.push_back("rele 2");
		l.wait();
		lwkt_free_thread(target);
	});
	EXPECT_EQ(order, (std::vector<std::string>{"waiting", "rele 1", "rele 2",
						   "free"}));
}

TEST_F(Hold, WaitFreeWithoutReferencesReturnsAtOnce)
{
	run([] {
		thread_t td = lt::spawn(TDPRI_KERN_DAEMON, [] {}, true);
		u64 switches = lt::cnt().switch_count;

		lwkt_wait_free(td);
		EXPECT_EQ(lt::cnt().switch_count, switches);
		lwkt_free_thread(td);
	});
}

namespace {

// One target per round: held, run to its exit on CPU 0, waited for there
// with lwkt_wait_free() while another CPU (or a plain pthread) drops the
// hold. A lost wakeup is rescued (the waiter is scheduled by hand after a
// while) and counted, so the test fails instead of hanging.
struct Rounds {
	int n;
	std::atomic<thread_t> target{nullptr};
	std::atomic<int> released{0};	// rounds whose hold was dropped
	std::atomic<int> done{0};	// rounds the waiter came back from
	std::atomic<thread_t> waiter{nullptr};
	std::atomic<int> lost{0};
	std::atomic<int> timed_out{0};

	explicit Rounds(int rounds) : n(rounds) {}

	// On CPU 0.
	void wait_side()
	{
		waiter = curthread;
		for (int r = 0; r < n; ++r) {
			thread_t td = xt::spawn_on(-1, [] {}, TDF_STOPREQ, "held");

			lwkt_hold(td);
			lwkt_schedule(td);
			lwkt_yield();		// it runs and exits, still held
			target.store(td);
			lwkt_wait_free(td);	// the other side drops the hold
			done.store(r + 1);
			if (!xt::wait_for([&] { return released.load() > r; }))
				timed_out = 1;
		}
	}

	// Drops round r's hold, then makes sure the waiter came back.
	template <typename Yield>
	void release_side(Yield yield)
	{
		for (int r = 0; r < n; ++r) {
			thread_t td;
			auto end = std::chrono::steady_clock::now() +
				   std::chrono::seconds(10);

			while ((td = target.exchange(nullptr)) == nullptr) {
				if (std::chrono::steady_clock::now() > end) {
					timed_out = 1;
					return;
				}
				yield();
			}
			if (r & 1)
				for (int i = 0; i < (r & 63); ++i)
					yield();
			lwkt_rele(td);
			end = std::chrono::steady_clock::now() +
			      std::chrono::seconds(2);
			while (done.load() <= r) {
				if (std::chrono::steady_clock::now() > end) {
					++lost;		// a lost wakeup: rescue it
					lwkt_schedule(waiter.load());
					end = std::chrono::steady_clock::now() +
					      std::chrono::seconds(2);
				}
				yield();
			}
			released.store(r + 1);
		}
	}
};

} // namespace

using Hold2 = LwktCpus<2>;

// Bug 3: lwkt_rele() from another CPU against lwkt_wait_free() and the
// reaper of the thread's own CPU: the waiter wakes every time, and the
// releaser never touches the thread once its CPU may recycle it (ASan).
TEST_F(Hold2, Bug3ReleFromAnotherCpuWakesTheWaiterEveryRound)
{
	Rounds r(2000 / xt::kScale);
	std::vector<std::pair<int, std::function<void()>>> jobs;

	jobs.emplace_back(0, [&] { r.wait_side(); });
	jobs.emplace_back(1, [&] { r.release_side([] { lwkt_yield(); }); });
	xt::run_parallel(std::move(jobs));
	EXPECT_EQ(r.lost.load(), 0);
	EXPECT_EQ(r.timed_out.load(), 0);
	EXPECT_EQ(r.done.load(), r.n);
}

// Bug 3, from outside LWKT context: a plain pthread drops the holds.
TEST_F(Hold2, Bug3ReleFromLinuxContextWakesTheWaiterEveryRound)
{
	Rounds r(500 / xt::kScale);
	std::function<void()> w = [&] { r.wait_side(); };
	std::thread waiter([&] {
		lwkt_user_run(0, TDPRI_KERN_DAEMON, lt::call_body, &w);
	});

	r.release_side([] { std::this_thread::yield(); });
	waiter.join();
	EXPECT_EQ(r.lost.load(), 0);
	EXPECT_EQ(r.timed_out.load(), 0);
	EXPECT_EQ(r.done.load(), r.n);
}
