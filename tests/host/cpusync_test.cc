// SPDX-License-Identifier: GPL-2.0
// cpusync (include/lwkt/ipiq.h): the held CPUs ran cs_func before
// lwkt_cpusync_start() returns, run nothing else until
// lwkt_cpusync_finish(), and are released after; two initiators at once.
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <lwkt/ipiq.h>

#include "log_capture.h"
#include "xcpu_helpers.h"

namespace {

using namespace xt;

std::atomic<int> g_ran[LWKT_USER_MAXCPU];
std::atomic<int> g_in_ipi[LWKT_USER_MAXCPU];

void count_cpu(void *)
{
	int cpu = mycpu->gd_cpuid;

	g_ran[cpu].fetch_add(1);
	if (mycpu->gd_intr_nesting_level > 0)
		g_in_ipi[cpu].fetch_add(1);
}

void reset()
{
	for (auto &r : g_ran)
		r = 0;
	for (auto &r : g_in_ipi)
		r = 0;
}

} // namespace

using Cpusync = LwktCpus<4>;

// CPUs 1..3 held by CPU 0: each ran cs_func (in IPI context) before
// lwkt_cpusync_start() returned; while held, a thread scheduled on them
// does not run; after lwkt_cpusync_finish() it does.
TEST_F(Cpusync, HeldCpusRanTheFunctionAndRunNothingUntilFinish)
{
	static std::atomic<int> flag[4];

	reset();
	for (auto &f : flag)
		f = 0;
	run([] {
		thread_t td[4] = {};
		struct lwkt_cpusync cs = {};

		for (int c = 1; c < 4; ++c) {
			td[c] = spawn_on(c, [c] { flag[c] = 1; }, TDF_STOPREQ,
					 "flagger");
			ASSERT_NE(td[c], nullptr);
		}
		cs.cs_mask = LWKT_CPUMASK(1) | LWKT_CPUMASK(2) | LWKT_CPUMASK(3);
		cs.cs_func = count_cpu;
		lwkt_cpusync_start(&cs);
		EXPECT_TRUE(crit_test(curthread));	// until finish
		for (int c = 1; c < 4; ++c) {
			EXPECT_EQ(g_ran[c].load(), 1) << "cpu " << c;
			EXPECT_EQ(g_in_ipi[c].load(), 1) << "cpu " << c;
		}
		EXPECT_EQ(g_ran[0].load(), 0);	// not in the mask
		// Held CPUs still serve IPIs: the schedules are queued there,
		// but the threads cannot run.
		for (int c = 1; c < 4; ++c)
			lwkt_schedule(td[c]);
		for (int c = 1; c < 4; ++c)
			lwkt_wait_ipiq(lwkt_user_gd(c), lwkt_seq_ipiq(lwkt_user_gd(c)));
		sleep_ms(20);
		for (int c = 1; c < 4; ++c)
			EXPECT_EQ(flag[c].load(), 0) << "cpu " << c << " not held";
		lwkt_cpusync_finish(&cs);
		EXPECT_FALSE(crit_test(curthread));
		EXPECT_TRUE(wait_for([] {
			return flag[1].load() && flag[2].load() && flag[3].load();
		}));
		for (int c = 1; c < 4; ++c)
			EXPECT_EQ(g_ran[c].load(), 1);	// once
	});
}

// The initiator's own CPU in the mask runs cs_func too (directly), once.
TEST_F(Cpusync, InitiatorInTheMaskRunsTheFunctionToo)
{
	reset();
	run([] {
		struct lwkt_cpusync cs = {};

		cs.cs_mask = 0xf;
		cs.cs_func = count_cpu;
		lwkt_cpusync_start(&cs);
		for (int c = 0; c < 4; ++c)
			EXPECT_EQ(g_ran[c].load(), 1) << "cpu " << c;
		lwkt_cpusync_finish(&cs);

		// No function: still a rendezvous; unhosted CPUs are skipped.
		cs = {};
		cs.cs_mask = 0xfULL | LWKT_CPUMASK(20);
		lwkt_cpusync_start(&cs);
		lwkt_cpusync_finish(&cs);

		lwkt_cpusync_simple(LWKT_CPUMASK(2) | LWKT_CPUMASK(3), count_cpu,
				    nullptr);
		EXPECT_EQ(g_ran[2].load(), 2);
		EXPECT_EQ(g_ran[3].load(), 2);
		EXPECT_EQ(g_ran[1].load(), 1);
		EXPECT_EQ(g_ran[0].load(), 1);
	});
	EXPECT_EQ(g_ran[20].load(), 0);
}

// A held CPU keeps serving its incoming queue: a third CPU flooding it
// (more than a FIFO's worth) completes while it is held.
TEST_F(Cpusync, HeldCpuKeepsServingMessages)
{
	static std::atomic<int> got;
	std::atomic<int> held{0}, flooded{0};
	std::vector<std::pair<int, std::function<void()>>> jobs;

	got = 0;
	jobs.emplace_back(0, [&] {
		struct lwkt_cpusync cs = {};

		cs.cs_mask = LWKT_CPUMASK(1);
		lwkt_cpusync_start(&cs);
		held = 1;
		// Spin, not yield: we must not switch while CPUs are held.
		auto end = std::chrono::steady_clock::now() + kTimeout;
		while (!flooded.load() && std::chrono::steady_clock::now() < end)
			std::this_thread::yield();
		EXPECT_EQ(flooded.load(), 1);
		lwkt_cpusync_finish(&cs);
	});
	jobs.emplace_back(2, [&] {
		const int n = 4 * LWKT_IPIQ_SIZE;
		lwkt_seq_t seq = 0;

		EXPECT_TRUE(wait_for([&] { return held.load() != 0; }));
		for (int i = 0; i < n; ++i)
			seq = lwkt_send_ipiq(lwkt_user_gd(1), [](void *) {
				got.fetch_add(1);
			}, nullptr);
		lwkt_wait_ipiq(lwkt_user_gd(1), seq);
		EXPECT_EQ(got.load(), n);
		flooded = 1;
	});
	run_parallel(std::move(jobs));
	EXPECT_EQ(got.load(), 4 * LWKT_IPIQ_SIZE);
}

// Two initiators at once, each holding all the other CPUs (each other's
// included), many times: both complete, every cs_func ran.
TEST_F(Cpusync, TwoInitiatorsAtOnceBothComplete)
{
	// Held CPUs spin: with more simulated CPUs than real ones every
	// rendezvous costs time slices. Few rounds, still both at once.
	const int iters = 40 / kScale;
	static std::atomic<int> by[2][4];
	std::vector<std::pair<int, std::function<void()>>> jobs;

	for (auto &row : by)
		for (auto &c : row)
			c = 0;
	for (int who = 0; who < 2; ++who)
		jobs.emplace_back(who, [who, iters] {
			for (int i = 0; i < iters; ++i) {
				struct lwkt_cpusync cs = {};

				cs.cs_mask = 0xfULL & ~LWKT_CPUMASK(who);
				cs.cs_func = who ? [](void *) {
					by[1][mycpu->gd_cpuid].fetch_add(1);
				} : [](void *) {
					by[0][mycpu->gd_cpuid].fetch_add(1);
				};
				lwkt_cpusync_start(&cs);
				lwkt_cpusync_finish(&cs);
				if ((i & 7) == 7)
					lwkt_yield();
			}
		});
	run_parallel(std::move(jobs));
	for (int who = 0; who < 2; ++who)
		for (int c = 0; c < 4; ++c)
			EXPECT_EQ(by[who][c].load(), c == who ? 0 : iters)
				<< "initiator " << who << " cpu " << c;
}

// An initiator that never finishes does not hold a CPU for ever (a held
// CPU spins in IPI context, in the kernel perhaps in hardirq): after its
// bound the CPU leaves, says so, and runs its threads again; the late
// finish still returns.
TEST_F(Cpusync, HeldCpuLeavesAnInitiatorThatNeverFinishes)
{
	static std::atomic<int> ran_while_held{0};
	static std::atomic<int> ran_before_finish{0};

	ran_while_held = 0;
	ran_before_finish = 0;
	lt::LogCapture log;

	run([] {
		thread_t td;
		struct lwkt_cpusync cs = {};

		td = spawn_on(1, [] { ran_while_held = 1; }, TDF_STOPREQ,
			      "late");
		ASSERT_NE(td, nullptr);
		cs.cs_mask = LWKT_CPUMASK(1);
		lwkt_cpusync_start(&cs);
		lwkt_schedule(td);
		/* Stalled far past the bound, CPU 1 still held meanwhile. */
		auto end = std::chrono::steady_clock::now() +
			   std::chrono::seconds(15);
		while (!ran_while_held.load() &&
		       std::chrono::steady_clock::now() < end)
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
		ran_before_finish = ran_while_held.load();
		lwkt_cpusync_finish(&cs);
	});
	log.stop();
	EXPECT_EQ(1, ran_before_finish.load());
	EXPECT_GE(lt::log_count("cpu 1 leaves the cpusync of cpu 0 unreleased"),
		  1u);
}

namespace {

std::atomic<int> g_cs_panics;

void cs_panic_hook(const char *msg)
{
	if (std::string(msg).find("mastering a cpusync") != std::string::npos)
		g_cs_panics.fetch_add(1);
}

} // namespace

// Bug 8: knobs/panic_on_cscount was stored and never read. A thread that
// switches while its CPU masters a cpusync is counted in cscount, and
// panics when the knob is set (DragonFly's check); switches outside a
// rendezvous are not counted.
TEST_F(Cpusync, Bug8SwitchWhileMasteringACpusyncIsCountedAndPanicsOnRequest)
{
	g_cs_panics = 0;
	lwkt_user_set_panic_hook(cs_panic_hook);
	run([] {
		struct lwkt_cpusync cs = {};
		u64 before = mycpu->gd_cnt.cscount;

		lwkt_yield();
		EXPECT_EQ(mycpu->gd_cnt.cscount, before);
		cs.cs_mask = LWKT_CPUMASK(1);
		lwkt_cpusync_start(&cs);
		lwkt_switch();		/* the bug being caught */
		EXPECT_EQ(mycpu->gd_cnt.cscount, before + 1);
		EXPECT_EQ(g_cs_panics.load(), 0);
		lwkt_panic_on_cscount = 1;
		lwkt_switch();
		lwkt_panic_on_cscount = 0;
		EXPECT_EQ(mycpu->gd_cnt.cscount, before + 2);
		EXPECT_EQ(g_cs_panics.load(), 1);
		lwkt_cpusync_finish(&cs);
		lwkt_yield();
		EXPECT_EQ(mycpu->gd_cnt.cscount, before + 2);
	});
	lwkt_user_set_panic_hook(nullptr);
}
