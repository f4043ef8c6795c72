// SPDX-License-Identifier: GPL-2.0
// Helpers shared by the cross-CPU suites (ipiq, migrate, wait, cpusync,
// tokens, MP lock, message ports): several simulated CPUs, threads created
// on any of them, bounded waits, and the pieces of the lock suites'
// contention and exclusion tests.
#ifndef LWKT_TESTS_XCPU_HELPERS_H
#define LWKT_TESTS_XCPU_HELPERS_H

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include <lwkt/ipiq.h>

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

// A thread at @pri on this CPU (cpu -1) or another one, scheduled at once.
inline thread_t spawn_pri(int cpu, int pri, std::function<void()> f,
			  const char *name)
{
	thread_t td = spawn_on(cpu, std::move(f), TDF_STOPREQ, name);

	lwkt_setpri(td, pri);
	lwkt_schedule(td);
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

// Run body(k) for k = 0..2*per-1 at once, thread k on CPU k % 2: one job
// per CPU (lwkt_user_run needs an idle CPU to start a job), which starts
// its CPU's other threads itself and waits for them.
inline void run_on_two_cpus(int per, std::function<void(int)> body)
{
	std::vector<std::pair<int, std::function<void()>>> jobs;

	for (int cpu = 0; cpu < 2; ++cpu)
		jobs.emplace_back(cpu, [&body, per, cpu] {
			lt::Latch l(per - 1);

			for (int j = 1; j < per; ++j)
				spawn_on(-1, [&body, &l, k = cpu + 2 * j] {
					body(k);
					l.done();
				}, 0, "peer");
			body(cpu);
			l.wait();
		});
	run_parallel(std::move(jobs));
}

// An int another CPU writes with a plain store (a wait queue's
// generation or count, say), read with acquire order.
inline int load(const int *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

// Poll cond() until it holds or the timeout passed, pause() between polls.
template <typename F, typename P>
bool poll_until(F cond, P pause)
{
	auto end = std::chrono::steady_clock::now() + kTimeout;

	while (!cond()) {
		if (std::chrono::steady_clock::now() > end)
			return false;
		pause();
	}
	return true;
}

// Spin (from an LWKT thread) until cond() or the timeout; each round is a
// preemption point, so this CPU keeps serving its own IPIs.
template <typename F>
bool wait_for(F cond)
{
	return poll_until(cond, [] {
		lwkt_yield();
		std::this_thread::yield();
	});
}

// The same without switching: a switch would let this thread's tokens and
// this CPU's hold of the MP lock go. Inside a critical section no IPI is
// served meanwhile either.
template <typename F>
bool spin_until(F cond)
{
	return poll_until(cond, [] { std::this_thread::yield(); });
}

// Block until cond() holds; checked inside the critical section the
// thread blocks in, so a wakeup (an IPI, run at crit_exit) is not lost.
// Spurious wakeups just loop.
template <typename F>
void block_until(F cond)
{
	thread_t td = curthread;

	while (!cond()) {
		crit_enter_quick(td);
		if (!cond()) {
			lwkt_deschedule_self(td);
			lwkt_switch();
		}
		crit_exit_quick(td);
	}
}

// Every message sent between CPUs so far has run (twice in a row: a
// message may send another while it runs). From an LWKT thread; serves
// this CPU's own queue meanwhile.
inline void quiesce_ipiqs()
{
	int n = lwkt_user_ncpus();
	auto end = std::chrono::steady_clock::now() + kTimeout;

	for (int clean = 0; clean < 2;) {
		bool all = true;

		lwkt_yield();
		for (int t = 0; t < n; ++t)
			for (int s = 0; s < n; ++s) {
				struct lwkt_ipiq *ip = &lwkt_user_gd(t)->gd_ipiq[s];

				all &= __atomic_load_n(&ip->ip_xindex, __ATOMIC_ACQUIRE) ==
				       __atomic_load_n(&ip->ip_windex, __ATOMIC_ACQUIRE);
			}
		clean = all ? clean + 1 : 0;
		if (std::chrono::steady_clock::now() > end) {
			ADD_FAILURE() << "IPI queues never drained";
			return;
		}
		std::this_thread::yield();
	}
}

// Updaters on several CPUs, each inside the lock under test, bump a plain
// counter slowly enough for two of them inside at once to be seen.
struct Exclusion {
	long counter = 0;		// plain: the lock under test orders it
	std::atomic<long> total{0};	// updates made
	std::atomic<int> started{0};
	std::atomic<int> inside{0}, overlaps{0};

	// Wait until all @n updaters are here.
	void start_together(int n)
	{
		started.fetch_add(1);
		EXPECT_TRUE(wait_for([&] { return started.load() == n; }));
	}
	// One update, inside the lock, @spins compiler barriers long.
	void update(int spins = 20)
	{
		if (inside.fetch_add(1) != 0)
			overlaps.fetch_add(1);
		long v = counter;
		for (int spin = 0; spin < spins; ++spin)
			__asm__ __volatile__("" ::: "memory");
		counter = v + 1;
		inside.fetch_sub(1);
	}
	// Once all are done: at least @min updates, none lost, none inside
	// at once.
	void expect_exclusive(long min)
	{
		EXPECT_GE(total.load(), min);
		EXPECT_EQ(counter, total.load());
		EXPECT_EQ(overlaps.load(), 0);
	}
};

// The other CPU's side of a contention test: a thread of CPU 1 that takes
// a lock with take(), keeps it without switching until release is set,
// then gives it back with give().
struct LockHolder {
	std::atomic<int> held{0}, release{0}, released{0}, done{0};

	// From an LWKT thread: false if the holder did not take the lock in
	// time.
	template <typename Take, typename Give>
	bool start(Take take, Give give)
	{
		spawn_on(1, [this, take, give] {
			take();
			held = 1;
			EXPECT_TRUE(spin_until([this] { return release.load() != 0; }));
			released = 1;
			give();
			done = 1;
		}, 0, "holder");
		return wait_for([this] { return held.load() != 0; });
	}
};

inline void sleep_ms(int ms)
{
	std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

} // namespace xt

#endif /* LWKT_TESTS_XCPU_HELPERS_H */
