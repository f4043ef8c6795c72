// SPDX-License-Identifier: GPL-2.0
// IPI sequence numbers at the wrap: each test moves the FIFOs' indices just
// below 2^31 and 2^32 (lwkt_ipiq_set_base()) and checks that cpusync holds
// every CPU, lwkt_wait_ipiq() waits, lwkt_acquire() waits for the old CPU
// to let go, and a full _nowait FIFO is told from any sequence number.
// These once were ints: negative past 2^31, 0 ("nothing to wait for") at
// 2^32.
#include <atomic>
#include <chrono>
#include <functional>
#include <utility>
#include <vector>

#include <lwkt/ipiq.h>

#include "xcpu_helpers.h"

namespace {

using namespace xt;

constexpr u64 k2p31 = 1ULL << 31;
constexpr u64 k2p32 = 1ULL << 32;

// Every FIFO into every CPU starts at base (all empty: nothing sent yet).
void set_bases(int ncpus, u64 base)
{
	for (int t = 0; t < ncpus; ++t) {
		std::function<void()> f = [ncpus, base, t] {
			for (int src = 0; src < ncpus; ++src)
				if (src != t) {
					EXPECT_EQ(0, lwkt_ipiq_set_base(src, base));
				}
		};
		lwkt_user_run(t, TDPRI_KERN_DAEMON, lt::call_body, &f);
	}
}

// Keeps its CPU inside a critical section for a while: messages to it wait.
struct Holder {
	std::atomic<int> in_crit{0};
	int ms = 200;

	void hold()
	{
		thread_t td = curthread;

		crit_enter_quick(td);
		in_crit = 1;
		sleep_ms(ms);
		crit_exit_quick(td);
	}
};

std::atomic<int> g_held;

void count_held(void *)
{
	g_held.fetch_add(1);
}

struct Plain {
	int n = 0;	// plain: lwkt_wait_ipiq() must order it for us
};

void bump(void *a)
{
	++static_cast<Plain *>(a)->n;
}

} // namespace

class IpiqWrap : public LwktCpus<4> {
protected:
	// cpusync from CPU 0 holding 1..3, whose message is sequence number
	// at exactly on each pair.
	void cpusync_at(u64 at)
	{
		set_bases(4, at - 1);
		g_held = 0;
		run([at] {
			struct lwkt_cpusync cs = {};
			int seen;

			cs.cs_mask = LWKT_CPUMASK(1) | LWKT_CPUMASK(2) |
				     LWKT_CPUMASK(3);
			cs.cs_func = count_held;
			lwkt_cpusync_start(&cs);
			seen = g_held.load();
			lwkt_cpusync_finish(&cs);
			EXPECT_EQ(seen, 3);
			EXPECT_EQ(cs.cs_ncpus, 3);
			for (int c = 1; c < 4; ++c)
				EXPECT_EQ(lwkt_seq_ipiq(lwkt_user_gd(c)), at);
		});
		EXPECT_EQ(g_held.load(), 3);
	}

	// Eight messages from CPU 0 to a held CPU 1, the last one numbered
	// at; waiting for it waits for all of them.
	void wait_at(u64 at)
	{
		Holder h;
		Plain p;
		std::vector<std::pair<int, std::function<void()>>> jobs;

		set_bases(4, at - 8);
		jobs.emplace_back(1, [&] { h.hold(); });
		jobs.emplace_back(0, [&] {
			struct lwkt_globaldata *t = lwkt_user_gd(1);
			lwkt_seq_t seq[8];

			EXPECT_TRUE(wait_for([&] { return h.in_crit.load() != 0; }));
			for (int i = 0; i < 8; ++i) {
				seq[i] = lwkt_send_ipiq(t, bump, &p);
				EXPECT_EQ(seq[i], at - 7 + static_cast<u64>(i));
				if (i) {
					EXPECT_TRUE(lwkt_seq_before(seq[i - 1], seq[i]));
				}
			}
			lwkt_wait_ipiq(t, seq[7]);
			EXPECT_EQ(p.n, 8);
		});
		run_parallel(std::move(jobs));
		EXPECT_EQ(p.n, 8);
	}

	// lwkt_acquire() from CPU 0 of a thread of a held CPU 1: its disown
	// message is numbered at; the thread must be off CPU 1's list when
	// lwkt_acquire() returns.
	void acquire_at(u64 at)
	{
		Holder h;
		thread_t td = nullptr;
		std::vector<std::pair<int, std::function<void()>>> jobs;

		std::function<void()> mk = [&] {
			td = spawn_on(1, [] {}, TDF_STOPREQ, "acquired");
			lwkt_wait_ipiq(lwkt_user_gd(1),
				       lwkt_seq_ipiq(lwkt_user_gd(1)));
		};
		lwkt_user_run(0, TDPRI_KERN_DAEMON, lt::call_body, &mk);
		ASSERT_NE(td, nullptr);
		std::function<void()> base = [&] {
			EXPECT_EQ(0, lwkt_ipiq_set_base(0, at - 1));
		};
		lwkt_user_run(1, TDPRI_KERN_DAEMON, lt::call_body, &base);
		jobs.emplace_back(1, [&] { h.hold(); });
		jobs.emplace_back(0, [&] {
			struct lwkt_globaldata *g1 = lwkt_user_gd(1);

			EXPECT_TRUE(wait_for([&] { return h.in_crit.load() != 0; }));
			lwkt_acquire(td);
			EXPECT_EQ(lwkt_seq_ipiq(g1), at);
			// The disown message ran: ordered by the wait for it.
			EXPECT_FALSE(lwkt_seq_before(
				__atomic_load_n(&g1->gd_ipiq[0].ip_xindex,
						__ATOMIC_ACQUIRE), at));
			EXPECT_EQ(td->td_gd, mycpu);
			lwkt_free_thread(td);
		});
		run_parallel(std::move(jobs));
	}

	// A held CPU 1's FIFO from CPU 0 fills up with _nowait sends whose
	// sequence numbers pass 2^k - 105 (once the same int as -ENOBUFS):
	// only a really full FIFO fails.
	void nowait_near(u64 wrap)
	{
		Holder h;
		int queued = 0, rc = 0;
		std::vector<std::pair<int, std::function<void()>>> jobs;
		static Plain p;

		p.n = 0;
		set_bases(4, wrap - 110);
		jobs.emplace_back(1, [&] { h.hold(); });
		jobs.emplace_back(0, [&] {
			struct lwkt_globaldata *t = lwkt_user_gd(1);

			EXPECT_TRUE(wait_for([&] { return h.in_crit.load() != 0; }));
			for (queued = 0; queued <= LWKT_IPIQ_SIZE; ++queued) {
				rc = lwkt_send_ipiq_nowait(t, bump, &p);
				if (rc < 0)
					break;
			}
			EXPECT_EQ(rc, -105);	/* -LWKT_ENOBUFS */
			EXPECT_GE(queued, LWKT_IPIQ_HIGH);
			lwkt_wait_ipiq(t, lwkt_seq_ipiq(t));
			EXPECT_EQ(p.n, queued);
		});
		run_parallel(std::move(jobs));
	}
};

TEST_F(IpiqWrap, Bug2CpusyncHoldsEveryCpuAt2p31)
{
	cpusync_at(k2p31);
}

TEST_F(IpiqWrap, Bug2CpusyncHoldsEveryCpuAt2p32)
{
	cpusync_at(k2p32);
}

TEST_F(IpiqWrap, Bug2WaitIpiqWaitsAt2p31)
{
	wait_at(k2p31);
}

TEST_F(IpiqWrap, Bug2WaitIpiqWaitsAt2p32)
{
	wait_at(k2p32);
}

TEST_F(IpiqWrap, Bug2AcquireWaitsForTheOldCpuAt2p31)
{
	acquire_at(k2p31);
}

TEST_F(IpiqWrap, Bug2AcquireWaitsForTheOldCpuAt2p32)
{
	acquire_at(k2p32);
}

TEST_F(IpiqWrap, Bug2NowaitFullIsNoSequenceNumberNear2p31)
{
	nowait_near(k2p31);
}

TEST_F(IpiqWrap, Bug2NowaitFullIsNoSequenceNumberNear2p32)
{
	nowait_near(k2p32);
}

// The full 64-bit wrap too (0 excepted: it means "nothing to wait for").
TEST_F(IpiqWrap, Bug2WaitIpiqWaitsAcrossThe64BitWrap)
{
	wait_at(~0ULL);
}
