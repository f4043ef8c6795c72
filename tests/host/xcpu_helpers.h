// SPDX-License-Identifier: GPL-2.0
// Helpers shared by the cross-CPU suites (ipiq, migrate, wait, cpusync):
// several simulated CPUs, threads created on any of them, bounded waits.
#ifndef LWKT_TESTS_XCPU_HELPERS_H
#define LWKT_TESTS_XCPU_HELPERS_H

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "lwkt_fixture.h"

namespace xt {

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr int kScale = 4;	// sanitizers: fewer rounds, same shape
#else
constexpr int kScale = 1;
#endif

constexpr auto kTimeout = std::chrono::seconds(30);

// Threads of several CPUs create threads at once: lt::bodies is guarded.
inline std::mutex bodies_mu;

// lwkt_create() on @cpu (-1: here) from an LWKT thread. The body lives in
// lt::bodies, cleared by the fixture once the CPUs stopped.
inline thread_t spawn_on(int cpu, std::function<void()> f, int flags = 0,
			 const char *name = "x")
{
	std::function<void()> *body;
	thread_t td = nullptr;

	{
		std::lock_guard<std::mutex> l(bodies_mu);
		lt::bodies.push_back(std::move(f));
		body = &lt::bodies.back();
	}
	EXPECT_EQ(0, lwkt_create(lt::call_body, body, &td, nullptr, flags, cpu,
				 "%s", name));
	return td;
}

// Run each function in a new LWKT thread on its CPU, all at once; wait.
inline void run_parallel(std::vector<std::pair<int, std::function<void()>>> jobs,
			 int pri = TDPRI_KERN_DAEMON)
{
	std::vector<std::thread> ts;

	for (auto &j : jobs)
		ts.emplace_back([&j, pri] {
			lwkt_user_run(j.first, pri, lt::call_body, &j.second);
		});
	for (auto &t : ts)
		t.join();
}

// Spin (from an LWKT thread) until cond() or the timeout; each round is a
// preemption point, so this CPU keeps serving its own IPIs.
template <typename F>
bool wait_for(F cond)
{
	auto end = std::chrono::steady_clock::now() + kTimeout;

	while (!cond()) {
		if (std::chrono::steady_clock::now() > end)
			return false;
		lwkt_yield();
		std::this_thread::yield();
	}
	return true;
}

inline void sleep_ms(int ms)
{
	std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

} // namespace xt

#endif /* LWKT_TESTS_XCPU_HELPERS_H */
