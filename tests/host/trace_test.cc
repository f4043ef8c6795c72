// SPDX-License-Identifier: GPL-2.0
// Trace hooks: the core reports each state change to the host while the
// event's bit is set in lwkt_trace_mask, and nothing while it is clear.
#include <algorithm>
#include <mutex>

#include <lwkt/ipiq.h>

#include "lwkt_fixture.h"
#include "platform.h"

namespace {

std::mutex g_mu;
std::vector<lwkt_user_trace_event> g_events;

void record(const lwkt_user_trace_event *ev)
{
	std::lock_guard<std::mutex> l(g_mu);
	g_events.push_back(*ev);
}

class Trace : public LwktTest {
protected:
	void SetUp() override
	{
		LwktTest::SetUp();
		std::lock_guard<std::mutex> l(g_mu);
		g_events.clear();
	}
	void TearDown() override
	{
		lwkt_user_set_trace_hook(nullptr, 0);
		LwktTest::TearDown();
	}
	static std::vector<lwkt_user_trace_event> of(int kind)
	{
		std::lock_guard<std::mutex> l(g_mu);
		std::vector<lwkt_user_trace_event> v;

		for (auto &e : g_events)
			if (e.kind == kind)
				v.push_back(e);
		return v;
	}
};

constexpr unsigned long bit(int b)
{
	return 1UL << b;
}

} // namespace

TEST_F(Trace, EverySwitchIsReportedWithPrevAndNext)
{
	u64 switches = 0;
	u32 a_tid = 0, b_tid = 0;

	run([&] {
		thread_t self = curthread;
		thread_t peer = lt::spawn(TDPRI_KERN_DAEMON, [&] {
			b_tid = curthread->td_tid;
			lwkt_schedule(self);
		}, true, "peer");
		u64 before = lt::cnt().switch_count;

		a_tid = self->td_tid;
		lwkt_user_set_trace_hook(record, bit(LWKT_TRACE_SWITCH));
		crit_enter();
		lwkt_deschedule_self(self);
		lwkt_schedule(peer);
		lwkt_switch();		/* to peer, which wakes us and exits */
		crit_exit();
		lwkt_user_set_trace_hook(nullptr, 0);
		switches = lt::cnt().switch_count - before;
	});
	auto sw = of(LWKT_TRACE_SWITCH);
	ASSERT_EQ(sw.size(), switches);
	ASSERT_EQ(sw.size(), 2u);
	EXPECT_EQ(sw[0].tid, a_tid);
	EXPECT_EQ(sw[0].other_tid, b_tid);
	EXPECT_EQ(sw[1].tid, b_tid);
	EXPECT_EQ(sw[1].other_tid, a_tid);
	EXPECT_NE(a_tid, b_tid);
	EXPECT_TRUE(of(LWKT_TRACE_SCHEDULE).empty());	/* its bit was clear */
}

TEST_F(Trace, NothingIsReportedWhileTheMaskIsClear)
{
	lwkt_user_set_trace_hook(record, 0);
	run([&] {
		thread_t t = lt::spawn(TDPRI_KERN_DAEMON, [] { lwkt_yield(); });

		(void)t;
		lwkt_yield();
	});
	std::lock_guard<std::mutex> l(g_mu);
	EXPECT_TRUE(g_events.empty());
}

TEST_F(Trace, LifecycleAndScheduleEvents)
{
	u32 tid = 0;

	lwkt_user_set_trace_hook(record, bit(LWKT_TRACE_CREATE) |
					 bit(LWKT_TRACE_EXIT) |
					 bit(LWKT_TRACE_SCHEDULE) |
					 bit(LWKT_TRACE_DESCHEDULE));
	run([&] {
		thread_t t = lt::spawn(TDPRI_KERN_DAEMON, [] {}, true, "short");

		tid = t->td_tid;
		lwkt_schedule(t);
		lwkt_yield();		/* t runs and exits */
	});
	lwkt_user_set_trace_hook(nullptr, 0);
	auto created = of(LWKT_TRACE_CREATE);
	auto exited = of(LWKT_TRACE_EXIT);
	auto scheduled = of(LWKT_TRACE_SCHEDULE);

	ASSERT_FALSE(created.empty());
	bool seen_create = false, seen_exit = false, seen_sched = false;
	for (auto &e : created)
		seen_create |= e.tid == tid;
	for (auto &e : exited)
		seen_exit |= e.tid == tid;
	for (auto &e : scheduled)
		seen_sched |= e.tid == tid && e.cpu == 0;
	EXPECT_TRUE(seen_create);
	EXPECT_TRUE(seen_exit);
	EXPECT_TRUE(seen_sched);
}

TEST_F(Trace, PreemptReportsHitAndMiss)
{
	lwkt_user_set_trace_hook(record, bit(LWKT_TRACE_PREEMPT));
	run([&] {
		thread_t hi = lt::spawn(TDPRI_INT_LOW, [] {}, true, "hi");
		thread_t lo = lt::spawn(TDPRI_USER_IDLE, [] {}, true, "lo");

		hi->td_preemptable = lwkt_preempt;
		lo->td_preemptable = lwkt_preempt;
		lwkt_schedule(hi);	/* outranks us: hit */
		lwkt_schedule(lo);	/* does not: miss */
		lwkt_setpri(lo, TDPRI_KERN_DAEMON);
		lwkt_yield();		/* lo runs and exits */
	});
	lwkt_user_set_trace_hook(nullptr, 0);
	auto p = of(LWKT_TRACE_PREEMPT);
	ASSERT_EQ(p.size(), 2u);
	EXPECT_EQ(p[0].result, LWKT_PREEMPT_HIT);
	EXPECT_EQ(p[0].other_pri, TDPRI_INT_LOW);
	EXPECT_EQ(p[1].result, LWKT_PREEMPT_MISS);
	EXPECT_EQ(p[1].other_pri, TDPRI_USER_IDLE);
}

TEST_F(Trace, ThreadIdsAreUniqueAndNonZero)
{
	std::vector<u32> tids;

	run([&] {
		for (int i = 0; i < 20; i++) {
			thread_t t = lt::spawn(TDPRI_KERN_DAEMON, [] {}, true);

			tids.push_back(t->td_tid);
			lwkt_schedule(t);
		}
		lwkt_yield();
	});
	std::sort(tids.begin(), tids.end());
	EXPECT_EQ(std::adjacent_find(tids.begin(), tids.end()), tids.end());
	EXPECT_NE(tids.front(), 0u);
}

namespace {

class TraceXcpu : public Trace {
protected:
	TraceXcpu() { ncpus_ = 2; }
};

void nop_msg(void *) {}

} // namespace

// Every queued message is reported once when sent (on the source) and once
// when run (on the target), with the same (src, dst, sequence).
TEST_F(TraceXcpu, IpiqSendAndRunPairUp)
{
	constexpr int kN = 50;

	lwkt_user_set_trace_hook(record, bit(LWKT_TRACE_IPIQ_SEND) |
						 bit(LWKT_TRACE_IPIQ_RUN));
	run([&] {
		struct lwkt_globaldata *dst = lwkt_user_gd(1);
		lwkt_seq_t seq = 0;

		for (int i = 0; i < kN; ++i)
			seq = lwkt_send_ipiq(dst, nop_msg, nullptr);
		lwkt_wait_ipiq(dst, seq);
	});
	lwkt_user_set_trace_hook(nullptr, 0);
	auto sent = of(LWKT_TRACE_IPIQ_SEND);
	auto ran = of(LWKT_TRACE_IPIQ_RUN);
	ASSERT_EQ(static_cast<size_t>(kN), sent.size());
	ASSERT_EQ(static_cast<size_t>(kN), ran.size());
	for (int i = 0; i < kN; ++i) {
		EXPECT_EQ(0, sent[i].cpu);
		EXPECT_EQ(1, ran[i].cpu);
		EXPECT_EQ(0u, ran[i].tid);		// src
		EXPECT_EQ(1u, ran[i].other_tid);	// dst
		EXPECT_EQ(sent[i].result, ran[i].result);	// sequence
	}
}

// A hop is reported by the moving thread, with both CPUs; nothing is
// reported once the bit is clear.
TEST_F(TraceXcpu, MigrationIsReportedOncePerHop)
{
	u32 tid = 0;

	lwkt_user_set_trace_hook(record, bit(LWKT_TRACE_MIGRATE));
	run([&] {
		tid = curthread->td_tid;
		lwkt_setcpu_self(lwkt_user_gd(1));
		lwkt_setcpu_self(lwkt_user_gd(0));
		lwkt_user_set_trace_hook(nullptr, 0);
		lwkt_setcpu_self(lwkt_user_gd(1));
	});
	auto mig = of(LWKT_TRACE_MIGRATE);
	ASSERT_EQ(2u, mig.size());
	EXPECT_EQ(tid, mig[0].tid);
	EXPECT_EQ(0, mig[0].result);		// from
	EXPECT_EQ(1u, mig[0].other_tid);	// to
	EXPECT_EQ(1, mig[1].result);
	EXPECT_EQ(0u, mig[1].other_tid);
}
