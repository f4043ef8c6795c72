// SPDX-License-Identifier: GPL-2.0
// IPI queues between simulated CPUs (include/lwkt/ipiq.h): FIFO order per
// sender, sequence numbers, sends to self / by number / by mask / passive,
// full-queue behaviour, deferral inside critical sections.
//
// Each simulated CPU is a real pthread, so TSan sees the real producer /
// consumer races on the FIFOs. Data written by message functions is plain
// (not atomic) on purpose: only the FIFO's own release/acquire orders it
// for the sender that waited with lwkt_wait_ipiq(), and TSan checks that.
#include <stdio.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include <lwkt/ipiq.h>

#include "log_capture.h"
#include "xcpu_helpers.h"

namespace {

using namespace xt;

// Per-target record of what arrived, touched only on the target CPU.
struct Sink {
	int next[LWKT_USER_MAXCPU] = {};	// next sequence expected per source
	int bad = 0;				// out of order
	int count = 0;
	int wrong_cpu = 0;
	int not_ipi_context = 0;
	int cpu = -1;
};

struct Msg {
	Sink *sink;
	int src;
	int seq;
};

void record(void *arg)
{
	auto *m = static_cast<Msg *>(arg);
	Sink *s = m->sink;

	if (s->next[m->src] != m->seq)
		++s->bad;
	s->next[m->src] = m->seq + 1;
	++s->count;
	if (mycpu->gd_cpuid != s->cpu)
		++s->wrong_cpu;
	if (!crit_test(curthread) || mycpu->gd_intr_nesting_level == 0)
		++s->not_ipi_context;
}

} // namespace

using Ipiq = LwktCpus<4>;
using Ipiq2 = LwktCpus<2>;

// Three CPUs send to a fourth at once: each sender's messages arrive in
// the order sent, all of them, on the target, in IPI context.
TEST_F(Ipiq, FifoOrderPerSenderWithSeveralSenders)
{
	const int n = 20000 / kScale;
	std::vector<std::vector<Msg>> msgs(4, std::vector<Msg>(n));
	Sink sink;
	std::vector<std::pair<int, std::function<void()>>> jobs;

	sink.cpu = 0;
	for (int src = 1; src < 4; ++src)
		jobs.emplace_back(src, [&, src] {
			struct lwkt_globaldata *t = lwkt_user_gd(0);
			lwkt_seq_t seq = 0;

			for (int i = 0; i < n; ++i) {
				msgs[src][i] = Msg{&sink, src, i};
				seq = lwkt_send_ipiq(t, record, &msgs[src][i]);
				EXPECT_NE(seq, 0u);
			}
			lwkt_wait_ipiq(t, seq);
		});
	run_parallel(std::move(jobs));
	EXPECT_EQ(sink.bad, 0);
	EXPECT_EQ(sink.count, 3 * n);
	EXPECT_EQ(sink.wrong_cpu, 0);
	EXPECT_EQ(sink.not_ipi_context, 0);
	for (int src = 1; src < 4; ++src)
		EXPECT_EQ(sink.next[src], n) << "from cpu " << src;
}

// Every CPU sends to every other at once (ipistorm): nothing lost, nothing
// reordered, no deadlock.
TEST_F(Ipiq, AllToAllStormKeepsOrderAndCount)
{
	const int n = 5000 / kScale;
	// msgs[src][dst][i]
	std::vector<std::vector<std::vector<Msg>>> msgs(
		4, std::vector<std::vector<Msg>>(4, std::vector<Msg>(n)));
	Sink sinks[4];
	std::vector<std::pair<int, std::function<void()>>> jobs;

	for (int c = 0; c < 4; ++c)
		sinks[c].cpu = c;
	for (int src = 0; src < 4; ++src)
		jobs.emplace_back(src, [&, src] {
			lwkt_seq_t last[4] = {};

			for (int i = 0; i < n; ++i)
				for (int dst = 0; dst < 4; ++dst) {
					if (dst == src)
						continue;
					msgs[src][dst][i] = Msg{&sinks[dst], src, i};
					last[dst] = lwkt_send_ipiq(lwkt_user_gd(dst),
								   record,
								   &msgs[src][dst][i]);
				}
			for (int dst = 0; dst < 4; ++dst)
				if (dst != src)
					lwkt_wait_ipiq(lwkt_user_gd(dst), last[dst]);
		});
	run_parallel(std::move(jobs));
	for (int dst = 0; dst < 4; ++dst) {
		EXPECT_EQ(sinks[dst].bad, 0) << "cpu " << dst;
		EXPECT_EQ(sinks[dst].count, 3 * n) << "cpu " << dst;
		EXPECT_EQ(sinks[dst].wrong_cpu, 0);
		for (int src = 0; src < 4; ++src) {
			if (src != dst) {
				EXPECT_EQ(sinks[dst].next[src], n);
			}
		}
	}
}

namespace {
struct Flagged {
	int ran = 0;	// plain: lwkt_wait_ipiq() must order it for us
	int cpu = -1;
};

void set_ran(void *arg)
{
	auto *f = static_cast<Flagged *>(arg);

	f->cpu = mycpu->gd_cpuid;
	f->ran = 1;
}
} // namespace

// Consecutive sends to one target get consecutive sequence numbers;
// lwkt_seq_ipiq() is the last one; after lwkt_wait_ipiq(seq) every message
// up to seq has run (its side effects are visible to the waiter).
TEST_F(Ipiq, SequenceNumbersAndWaitIpiq)
{
	run([] {
		constexpr int kN = 50;
		static Flagged f1[kN], f2[kN];
		lwkt_seq_t seq1[kN], seq2[kN];
		struct lwkt_globaldata *c1 = lwkt_user_gd(1);
		struct lwkt_globaldata *c2 = lwkt_user_gd(2);

		for (int i = 0; i < kN; ++i) {
			f1[i] = Flagged{};
			f2[i] = Flagged{};
		}
		lwkt_seq_t base1 = lwkt_seq_ipiq(c1);
		lwkt_seq_t base2 = lwkt_seq_ipiq(c2);
		for (int i = 0; i < kN; ++i) {
			seq1[i] = lwkt_send_ipiq(c1, set_ran, &f1[i]);
			seq2[i] = lwkt_send_ipiq(c2, set_ran, &f2[i]);
			EXPECT_EQ(seq1[i], base1 + static_cast<lwkt_seq_t>(i) + 1);
			EXPECT_EQ(seq2[i], base2 + static_cast<lwkt_seq_t>(i) + 1);
			EXPECT_EQ(lwkt_seq_ipiq(c1), seq1[i]);
			EXPECT_EQ(lwkt_seq_ipiq(c2), seq2[i]);
		}
		// Half way: everything up to message kN/2 has run.
		lwkt_wait_ipiq(c1, seq1[kN / 2]);
		for (int i = 0; i <= kN / 2; ++i) {
			EXPECT_EQ(f1[i].ran, 1) << i;
			EXPECT_EQ(f1[i].cpu, 1);
		}
		lwkt_wait_ipiq(c1, lwkt_seq_ipiq(c1));
		lwkt_wait_ipiq(c2, lwkt_seq_ipiq(c2));
		for (int i = 0; i < kN; ++i) {
			EXPECT_EQ(f1[i].ran, 1) << i;
			EXPECT_EQ(f2[i].ran, 1) << i;
			EXPECT_EQ(f2[i].cpu, 2);
		}
		// Nothing to wait for: returns.
		lwkt_wait_ipiq(c1, 0);
		EXPECT_EQ(lwkt_seq_ipiq(mycpu), 0u);
	});
}

// To yourself: a direct call inside a critical section; 0 comes back and
// nothing is queued or counted.
TEST_F(Ipiq, SendToSelfRunsDirectlyAndReturnsZero)
{
	run([] {
		struct Self {
			int ran = 0;
			int cpu = -1;
			bool crit = false;
			thread_t td = nullptr;
		} s;
		u64 sent = lt::cnt().ipiq_count;

		EXPECT_EQ(0u, lwkt_send_ipiq(mycpu, [](void *a) {
				  auto *s = static_cast<Self *>(a);
				  ++s->ran;
				  s->cpu = mycpu->gd_cpuid;
				  s->crit = crit_test(curthread);
				  s->td = curthread;
			  }, &s));
		EXPECT_EQ(s.ran, 1);
		EXPECT_EQ(s.cpu, 0);
		EXPECT_TRUE(s.crit);
		EXPECT_EQ(s.td, curthread);	// no other thread, no switch
		EXPECT_FALSE(crit_test(curthread));
		EXPECT_EQ(lt::cnt().ipiq_count, sent);

		s.ran = 0;
		EXPECT_EQ(0u, lwkt_send_ipiq_bycpu(0, [](void *a) {
				  ++static_cast<Self *>(a)->ran;
			  }, &s));
		EXPECT_EQ(s.ran, 1);
		EXPECT_EQ(0u, lwkt_send_ipiq_passive(mycpu, [](void *a) {
				  ++static_cast<Self *>(a)->ran;
			  }, &s));
		EXPECT_EQ(0, lwkt_send_ipiq_nowait(mycpu, [](void *a) {
				  ++static_cast<Self *>(a)->ran;
			  }, &s));
		EXPECT_EQ(s.ran, 3);
	});
}

// An unhosted CPU number: sequence 0 (nothing sent), one log line, nothing run.
// A hosted one: a sequence number and the function runs there.
TEST_F(Ipiq, BycpuRejectsInvalidCpuAndSendsToValidOne)
{
	lt::LogCapture log;

	run([] {
		Flagged f;

		for (int cpu : {-1, 4, 63, 64, 1000}) {
			size_t lines = lt::log_size();

			EXPECT_EQ(0u, lwkt_send_ipiq_bycpu(cpu, set_ran, &f))
				<< "cpu " << cpu;
			EXPECT_EQ(lt::log_size(), lines + 1) << "cpu " << cpu;
		}
		EXPECT_EQ(f.ran, 0);
		lwkt_seq_t seq = lwkt_send_ipiq_bycpu(3, set_ran, &f);
		EXPECT_NE(seq, 0u);
		lwkt_wait_ipiq(lwkt_user_gd(3), seq);
		EXPECT_EQ(f.ran, 1);
		EXPECT_EQ(f.cpu, 3);
	});
}

namespace {
std::atomic<int> g_mask_ran[LWKT_USER_MAXCPU];
void mask_fn(void *) { g_mask_ran[mycpu->gd_cpuid].fetch_add(1); }

void wait_all_sent()
{
	for (int c = 0; c < lwkt_user_ncpus(); ++c)
		lwkt_wait_ipiq(lwkt_user_gd(c), lwkt_seq_ipiq(lwkt_user_gd(c)));
}
} // namespace

// lwkt_send_ipiq_mask() counts the CPUs it sent to (or ran on), skips
// unhosted ones and runs the function once on each.
TEST_F(Ipiq, SendMaskCountsTargets)
{
	for (auto &r : g_mask_ran)
		r = 0;
	run([] {
		EXPECT_EQ(2, lwkt_send_ipiq_mask(LWKT_CPUMASK(1) | LWKT_CPUMASK(3),
						 mask_fn, nullptr));
		wait_all_sent();
		EXPECT_EQ(g_mask_ran[0], 0);
		EXPECT_EQ(g_mask_ran[1], 1);
		EXPECT_EQ(g_mask_ran[2], 0);
		EXPECT_EQ(g_mask_ran[3], 1);

		// Self included: run directly; unhosted CPUs skipped.
		EXPECT_EQ(4, lwkt_send_ipiq_mask(0xfULL | LWKT_CPUMASK(4) |
							 LWKT_CPUMASK(40) |
							 LWKT_CPUMASK(63),
						 mask_fn, nullptr));
		EXPECT_EQ(g_mask_ran[0], 1);	// already, directly
		wait_all_sent();
		EXPECT_EQ(g_mask_ran[1], 2);
		EXPECT_EQ(g_mask_ran[2], 1);
		EXPECT_EQ(g_mask_ran[3], 2);

		EXPECT_EQ(0, lwkt_send_ipiq_mask(0, mask_fn, nullptr));
		EXPECT_EQ(0, lwkt_send_ipiq_mask(LWKT_CPUMASK(10), mask_fn,
						 nullptr));
	});
	for (int c = 4; c < LWKT_USER_MAXCPU; ++c)
		EXPECT_EQ(g_mask_ran[c], 0) << c;
}

// A passive send does not kick, but a target asleep in its idle loop is
// woken and runs the message.
TEST_F(Ipiq2, PassiveSendWakesASleepingTargetWithoutAKick)
{
	static std::atomic<int> ran;

	ran = 0;
	sleep_ms(20);	// CPU 1 has nothing to do: it sleeps
	run([] {
		u64 kicks = lt::cnt().ipiq_kicks;
		lwkt_seq_t seq = lwkt_send_ipiq_passive(lwkt_user_gd(1), [](void *) {
				ran = 1;
			}, nullptr);

		EXPECT_NE(seq, 0u);
		EXPECT_EQ(lt::cnt().ipiq_kicks, kicks);
		EXPECT_TRUE(wait_for([] { return ran.load() == 1; }));
	});
	EXPECT_EQ(ran.load(), 1);
}

namespace {

// A thread of the target CPU holding a critical section until released.
struct Holder {
	std::atomic<int> in_crit{0};
	std::atomic<int> release{0};
	std::atomic<int> timed_out{0};
};

void hold_crit(Holder *h, std::function<void()> before_exit = nullptr)
{
	thread_t td = curthread;

	crit_enter_quick(td);
	h->in_crit = 1;
	if (!spin_until([&] { return h->release.load() != 0; }))
		h->timed_out = 1;
	if (before_exit)
		before_exit();
	crit_exit_quick(td);
}

} // namespace

// The target's current thread spins inside a critical section: its FIFO
// from us fills up. lwkt_send_ipiq_nowait() then fails with -LWKT_ENOBUFS
// (-105), queues nothing and counts ipiq_fifofull; once the target leaves
// its critical section everything that was queued runs, in order.
TEST_F(Ipiq2, NowaitFailsWhenTheFifoIsNearlyFull)
{
	Holder h;
	Sink sink;
	static Msg msgs[LWKT_IPIQ_SIZE + 1];
	int queued = 0, count_in_crit = -1, count_after = -1;
	std::vector<std::pair<int, std::function<void()>>> jobs;

	sink.cpu = 1;
	jobs.emplace_back(1, [&] {
		hold_crit(&h, [&] { count_in_crit = sink.count; });
		count_after = sink.count;	// crit_exit ran them
	});
	jobs.emplace_back(0, [&] {
		struct lwkt_globaldata *t = lwkt_user_gd(1);
		int rc = 0;
		u64 full;

		EXPECT_TRUE(wait_for([&] { return h.in_crit.load() != 0; }));
		full = lt::cnt().ipiq_fifofull;
		for (queued = 0; queued <= LWKT_IPIQ_SIZE; ++queued) {
			msgs[queued] = Msg{&sink, 0, queued};
			rc = lwkt_send_ipiq_nowait(t, record, &msgs[queued]);
			if (rc < 0)
				break;
		}
		EXPECT_EQ(rc, -105);
		EXPECT_GE(queued, LWKT_IPIQ_HIGH);
		EXPECT_LE(queued, LWKT_IPIQ_SIZE);
		EXPECT_EQ(lt::cnt().ipiq_fifofull, full + 1);
		// Still full: fails again, counted again.
		EXPECT_EQ(-105, lwkt_send_ipiq_nowait(t, record, &msgs[queued]));
		EXPECT_EQ(lt::cnt().ipiq_fifofull, full + 2);
		EXPECT_GE(t->gd_ipiq[0].ip_hiwat, (u32)LWKT_IPIQ_HIGH);
		h.release = 1;
		lwkt_wait_ipiq(t, lwkt_seq_ipiq(t));
		// Room again.
		msgs[queued] = Msg{&sink, 0, queued};
		rc = lwkt_send_ipiq_nowait(t, record, &msgs[queued]);
		EXPECT_EQ(rc, 0);
		lwkt_wait_ipiq(t, lwkt_seq_ipiq(t));
	});
	run_parallel(std::move(jobs));
	EXPECT_EQ(h.timed_out.load(), 0);
	EXPECT_EQ(count_in_crit, 0);
	EXPECT_EQ(count_after, queued);
	EXPECT_EQ(sink.count, queued + 1);
	EXPECT_EQ(sink.bad, 0);
}

// A blocking send to a full FIFO waits (counted once in ipiq_fifofull)
// until the target drains; every message arrives, in order.
TEST_F(Ipiq2, FullFifoMakesTheSenderWaitThenEverythingArrives)
{
	const int n = 3 * LWKT_IPIQ_SIZE + 7;
	Holder h;
	Sink sink;
	std::vector<Msg> msgs(n);
	std::atomic<int> sent{0};
	std::atomic<int> sender_waited{0};
	int count_in_crit = -1, count_after = -1;
	u64 fifofull = 0;
	std::vector<std::pair<int, std::function<void()>>> jobs;

	sink.cpu = 1;
	jobs.emplace_back(1, [&] {
		hold_crit(&h, [&] { count_in_crit = sink.count; });
		count_after = sink.count;
	});
	jobs.emplace_back(0, [&] {
		struct lwkt_globaldata *t = lwkt_user_gd(1);
		u64 full;
		lwkt_seq_t seq = 0;

		EXPECT_TRUE(wait_for([&] { return h.in_crit.load() != 0; }));
		full = lt::cnt().ipiq_fifofull;
		for (int i = 0; i < n; ++i) {
			msgs[i] = Msg{&sink, 0, i};
			seq = lwkt_send_ipiq(t, record, &msgs[i]);
			EXPECT_NE(seq, 0u);
			sent.store(i + 1);
		}
		lwkt_wait_ipiq(t, seq);
		fifofull = lt::cnt().ipiq_fifofull - full;
	});
	// The releaser: once the sender has filled the FIFO, it must be
	// waiting for room, kicking the target over and over: the target's
	// gd_npoll, cleared, comes back set. Only then is the target let go.
	std::thread releaser([&] {
		struct lwkt_globaldata *t = lwkt_user_gd(1);
		auto end = std::chrono::steady_clock::now() + kTimeout;

		while (sent.load() < LWKT_IPIQ_HIGH &&
		       std::chrono::steady_clock::now() < end)
			std::this_thread::yield();
		__atomic_store_n(&t->gd_npoll, 0, __ATOMIC_SEQ_CST);
		while (!__atomic_load_n(&t->gd_npoll, __ATOMIC_SEQ_CST) &&
		       std::chrono::steady_clock::now() < end)
			std::this_thread::yield();
		sender_waited = sent.load() < n;
		sleep_ms(5);
		h.release = 1;
	});
	run_parallel(std::move(jobs));
	releaser.join();
	EXPECT_EQ(h.timed_out.load(), 0);
	EXPECT_EQ(sender_waited.load(), 1);
	EXPECT_EQ(count_in_crit, 0);
	EXPECT_GE(count_after, LWKT_IPIQ_HIGH);
	EXPECT_GE(fifofull, 1u);
	EXPECT_EQ(sink.count, n);
	EXPECT_EQ(sink.bad, 0);
	EXPECT_EQ(sink.next[0], n);
}

namespace {

// Sender @src's job in a flood: once all @senders are here, every message
// of @msgs to @sink on CPU @dst from inside one critical section (so the
// only draining it does is while waiting for room); then it waits for
// them.
void flood_from_crit(std::atomic<int> *ready, int senders, int src,
		     std::vector<Msg> *msgs, Sink *sink, int dst)
{
	struct lwkt_globaldata *t = lwkt_user_gd(dst);
	thread_t td = curthread;
	lwkt_seq_t seq = 0;

	ready->fetch_add(1);
	EXPECT_TRUE(spin_until([&] { return ready->load() == senders; }));
	crit_enter_quick(td);
	for (int i = 0; i < static_cast<int>(msgs->size()); ++i) {
		(*msgs)[i] = Msg{sink, src, i};
		seq = lwkt_send_ipiq(t, record, &(*msgs)[i]);
	}
	lwkt_wait_ipiq(t, seq);
	crit_exit_quick(td);
}

} // namespace

// Two CPUs flood each other, each from inside one critical section (so
// the only draining they do is while waiting for room): no deadlock,
// nothing lost or reordered, and the FIFOs did fill up.
TEST_F(Ipiq2, TwoCpusFloodingEachOtherComplete)
{
	const int n = 20000 / kScale;
	std::vector<std::vector<Msg>> msgs(2, std::vector<Msg>(n));
	Sink sinks[2];
	u64 fifofull[2] = {};
	std::atomic<int> ready{0};
	std::vector<std::pair<int, std::function<void()>>> jobs;

	sinks[0].cpu = 0;
	sinks[1].cpu = 1;
	for (int src = 0; src < 2; ++src)
		jobs.emplace_back(src, [&, src] {
			int dst = 1 - src;
			u64 full = lt::cnt().ipiq_fifofull;

			flood_from_crit(&ready, 2, src, &msgs[src], &sinks[dst], dst);
			fifofull[src] = lt::cnt().ipiq_fifofull - full;
		});
	run_parallel(std::move(jobs));
	for (int c = 0; c < 2; ++c) {
		EXPECT_EQ(sinks[c].count, n) << "cpu " << c;
		EXPECT_EQ(sinks[c].bad, 0) << "cpu " << c;
		EXPECT_EQ(sinks[c].wrong_cpu, 0);
	}
	// Nobody drained outside the senders' waits: both queues filled.
	EXPECT_GE(fifofull[0] + fifofull[1], 1u);
}

// Three CPUs in a ring, each flooding the next from inside a critical
// section: the cycle A->B->C->A of full FIFOs must still make progress.
TEST_F(Ipiq, RingOfFullFifosMakesProgress)
{
	const int n = 10000 / kScale;
	std::vector<std::vector<Msg>> msgs(3, std::vector<Msg>(n));
	Sink sinks[3];
	std::atomic<int> ready{0};
	std::vector<std::pair<int, std::function<void()>>> jobs;

	for (int c = 0; c < 3; ++c)
		sinks[c].cpu = c;
	for (int src = 0; src < 3; ++src)
		jobs.emplace_back(src, [&, src] {
			int dst = (src + 1) % 3;

			flood_from_crit(&ready, 3, src, &msgs[src], &sinks[dst], dst);
		});
	run_parallel(std::move(jobs));
	for (int c = 0; c < 3; ++c) {
		EXPECT_EQ(sinks[c].count, n) << "cpu " << c;
		EXPECT_EQ(sinks[c].bad, 0) << "cpu " << c;
	}
}

// A message for a CPU whose current thread is inside a critical section
// waits (RQF_IPIQ pending) until the outermost crit_exit, and runs there,
// before crit_exit returns.
TEST_F(Ipiq2, MessageIsDeferredUntilTheOutermostCritExit)
{
	struct State {
		std::atomic<int> in_crit{0};
		std::atomic<int> sent{0};
		int ran = 0;	// cpu 1 only
		int ran_while_in_crit = -1;
		int ran_after_inner_exit = -1;
		int ran_after_outer_exit = -1;
		int pending = 0;
		int timed_out = 0;
	} s;
	std::vector<std::pair<int, std::function<void()>>> jobs;

	jobs.emplace_back(1, [&] {
		thread_t td = curthread;

		crit_enter_quick(td);
		crit_enter_quick(td);
		s.in_crit = 1;
		if (!spin_until([&] { return s.sent.load() != 0; }))
			s.timed_out = 1;
		sleep_ms(10);	// give it every chance to run early
		s.ran_while_in_crit = s.ran;
		s.pending = !!(__atomic_load_n(&mycpu->gd_reqflags,
					       __ATOMIC_RELAXED) & RQF_IPIQ);
		crit_exit_quick(td);
		s.ran_after_inner_exit = s.ran;
		crit_exit_quick(td);
		s.ran_after_outer_exit = s.ran;
	});
	jobs.emplace_back(0, [&] {
		EXPECT_TRUE(wait_for([&] { return s.in_crit.load() != 0; }));
		EXPECT_NE(lwkt_send_ipiq(lwkt_user_gd(1), [](void *a) {
				  static_cast<State *>(a)->ran = 1;
			  }, &s), 0u);
		s.sent = 1;
	});
	run_parallel(std::move(jobs));
	EXPECT_EQ(s.timed_out, 0);
	EXPECT_EQ(s.ran_while_in_crit, 0);
	EXPECT_EQ(s.pending, 1);
	EXPECT_EQ(s.ran_after_inner_exit, 0);
	EXPECT_EQ(s.ran_after_outer_exit, 1);
}

// The kick counters: every send is either a kick or an avoided kick.
TEST_F(Ipiq2, EverySendIsAKickOrAnAvoidedKick)
{
	const int n = 1000;
	static Flagged f[n];

	run([&] {
		struct lwkt_globaldata *t = lwkt_user_gd(1);
		u64 k0 = lt::cnt().ipiq_kicks;
		u64 a0 = lt::cnt().ipiq_kicks_avoided;
		u64 c0 = lt::cnt().ipiq_count;
		lwkt_seq_t seq = 0;

		for (int i = 0; i < n; ++i) {
			f[i] = Flagged{};
			seq = lwkt_send_ipiq(t, set_ran, &f[i]);
		}
		lwkt_wait_ipiq(t, seq);
		u64 kicks = lt::cnt().ipiq_kicks - k0;
		u64 avoided = lt::cnt().ipiq_kicks_avoided - a0;

		EXPECT_EQ(lt::cnt().ipiq_count - c0, (u64)n);
		// A sender waiting for room kicks again: at least one each.
		EXPECT_GE(kicks + avoided, (u64)n);
		EXPECT_GE(kicks, 1u);
		for (int i = 0; i < n; ++i)
			EXPECT_EQ(f[i].ran, 1);
	});
}

namespace {

// Run the jobs; if they have not all returned after kTimeout, the core is
// stuck in one of its own spins (no test timeout can reach in there):
// fail loudly and abort rather than hang the suite.
void run_parallel_or_die(std::vector<std::pair<int, std::function<void()>>> jobs,
			 const char *what)
{
	std::atomic<int> done{0};
	std::thread t([&] {
		run_parallel(std::move(jobs));
		done = 1;
	});
	auto end = std::chrono::steady_clock::now() + kTimeout;

	while (!done.load() && std::chrono::steady_clock::now() < end)
		sleep_ms(10);
	if (!done.load()) {
		fprintf(stderr, "FATAL: %s: the CPUs are stuck (see the test's comment)\n",
			what);
		fflush(stderr);
		abort();
	}
	t.join();
}

struct Relay {
	Msg msg;
	int ran_on = -1;
};

} // namespace

// A sender waiting for room in a full FIFO drains its own incoming queues;
// if one of those messages sends to the same target (a forwarded
// lwkt_schedule() does exactly that), the nested send moves the write
// index under the outer one, which must re-read it (a stale index once
// made the sender spin forever, or overwrite a published slot).
// Deterministic: CPU 1 is held in a critical section, CPU 0 fills its FIFO
// to CPU 1, CPU 2 queues on CPU 0 a message that sends to CPU 1, then CPU 0
// sends once more and must wait. Expected: every message arrives, CPU 0's
// in order (it aborts after kTimeout instead of hanging).
TEST_F(Ipiq, NestedSendToTheSameTargetWhileWaitingForRoom)
{
	Holder h;
	Sink sink;
	static Msg msgs[LWKT_IPIQ_HIGH + 1];
	static Relay relay;
	std::atomic<int> filled{0}, relay_sent{0};
	std::vector<std::pair<int, std::function<void()>>> jobs;

	sink.cpu = 1;
	relay = Relay{};
	relay.msg = Msg{&sink, 2, 0};
	jobs.emplace_back(1, [&] { hold_crit(&h); });
	jobs.emplace_back(0, [&] {
		struct lwkt_globaldata *t = lwkt_user_gd(1);
		thread_t td = curthread;
		lwkt_seq_t seq = 0;

		EXPECT_TRUE(wait_for([&] { return h.in_crit.load() != 0; }));
		crit_enter_quick(td);	// the relay waits in our queue
		for (int i = 0; i < LWKT_IPIQ_HIGH; ++i) {
			msgs[i] = Msg{&sink, 0, i};
			EXPECT_NE(lwkt_send_ipiq(t, record, &msgs[i]), 0u);
		}
		filled = 1;
		EXPECT_TRUE(spin_until([&] { return relay_sent.load() != 0; }));
		msgs[LWKT_IPIQ_HIGH] = Msg{&sink, 0, LWKT_IPIQ_HIGH};
		seq = lwkt_send_ipiq(t, record, &msgs[LWKT_IPIQ_HIGH]);
		EXPECT_NE(seq, 0u);
		lwkt_wait_ipiq(t, lwkt_seq_ipiq(t));
		crit_exit_quick(td);
	});
	jobs.emplace_back(2, [&] {
		EXPECT_TRUE(wait_for([&] { return filled.load() != 0; }));
		EXPECT_NE(lwkt_send_ipiq(lwkt_user_gd(0), [](void *a) {
				  auto *r = static_cast<Relay *>(a);

				  r->ran_on = mycpu->gd_cpuid;
				  lwkt_send_ipiq(lwkt_user_gd(1), record, &r->msg);
			  }, &relay), 0u);
		relay_sent = 1;
		sleep_ms(50);	// CPU 0 is waiting for room by now
		h.release = 1;
	});
	run_parallel_or_die(std::move(jobs), "NestedSendToTheSameTarget");
	EXPECT_EQ(relay.ran_on, 0);
	EXPECT_EQ(sink.next[0], LWKT_IPIQ_HIGH + 1);
	EXPECT_EQ(sink.next[2], 1);
	EXPECT_EQ(sink.count, LWKT_IPIQ_HIGH + 2);
	EXPECT_EQ(sink.bad, 0);
}
