// SPDX-License-Identifier: GPL-2.0
// Cross-CPU basics end to end on simulated CPUs: FIFO order of IPI
// messages, a remote schedule ping-pong, migration hops, a wait queue
// woken from another CPU.
#include <atomic>

#include <lwkt/ipiq.h>
#include <lwkt/wait.h>

#include "lwkt_fixture.h"

namespace {

struct Order {
	std::atomic<int> next{0};
	std::atomic<int> bad{0};
};

struct Msg {
	Order *o;
	int seq;
};

void check_order(void *arg)
{
	auto *m = static_cast<Msg *>(arg);

	if (m->o->next.load(std::memory_order_relaxed) != m->seq)
		m->o->bad.fetch_add(1);
	m->o->next.store(m->seq + 1, std::memory_order_relaxed);
}

} // namespace

class XcpuSmoke : public LwktTest {
protected:
	XcpuSmoke() { ncpus_ = 2; }
};

TEST_F(XcpuSmoke, MessagesArriveInOrderAndWaitIpiqWaits)
{
	constexpr int kN = 5000;
	static Msg msgs[kN];
	Order o;

	run([&] {
		struct lwkt_globaldata *target = lwkt_user_gd(1);
		int seq = 0;

		for (int i = 0; i < kN; ++i) {
			msgs[i] = Msg{&o, i};
			seq = lwkt_send_ipiq(target, check_order, &msgs[i]);
			EXPECT_GT(seq, 0);
		}
		lwkt_wait_ipiq(target, seq);
		EXPECT_EQ(kN, o.next.load());
	});
	EXPECT_EQ(0, o.bad.load());
	EXPECT_EQ(kN, o.next.load());
}

namespace {

struct PingPong {
	thread_t a = nullptr;
	thread_t b = nullptr;
	std::atomic<int> turn{0};	// 1: b's turn, 0: a's
	std::atomic<int> stop{0};
	std::atomic<int> b_seen{0};
};

PingPong *g_pp;

// Block until cond() holds; the check is inside the critical section the
// thread blocks in, so a wakeup (an IPI, run at crit_exit) cannot be lost.
template <typename F>
void wait_until(F cond)
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

void pong(void *)
{
	for (;;) {
		wait_until([] { return g_pp->turn.load() == 1 || g_pp->stop.load(); });
		if (g_pp->stop.load())
			break;
		g_pp->b_seen.fetch_add(1);
		g_pp->turn.store(0);
		lwkt_schedule(g_pp->a);
	}
}

} // namespace

TEST_F(XcpuSmoke, RemoteSchedulePingPong)
{
	constexpr int kRounds = 2000;
	PingPong pp;

	g_pp = &pp;
	run([&] {
		pp.a = curthread;
		ASSERT_EQ(0, lwkt_create(pong, nullptr, &pp.b, nullptr, 0, 1,
					 "pong"));
		for (int i = 0; i < kRounds; ++i) {
			pp.turn.store(1);
			lwkt_schedule(pp.b);
			wait_until([&] { return pp.turn.load() == 0; });
		}
		pp.stop.store(1);
		lwkt_schedule(pp.b);
	});
	EXPECT_EQ(kRounds, pp.b_seen.load());
}

TEST_F(XcpuSmoke, MigrationHopsLandOnTheTarget)
{
	std::atomic<int> ok{0}, bad{0};

	run([&] {
		for (int i = 0; i < 500; ++i) {
			int to = (mycpu->gd_cpuid + 1) % 2;

			lwkt_setcpu_self(lwkt_user_gd(to));
			if (mycpu->gd_cpuid == to && curthread->td_gd == mycpu)
				ok++;
			else
				bad++;
		}
	});
	EXPECT_EQ(500, ok.load());
	EXPECT_EQ(0, bad.load());
}

TEST_F(XcpuSmoke, SignalWakesAWaiterOnAnotherCpu)
{
	static struct lwkt_wait w;
	static std::atomic<int> cond, woke;

	lwkt_wait_init(&w);
	cond = 0;
	woke = 0;
	run([&] {
		ASSERT_EQ(0, lwkt_create([](void *) {
				int gen = __atomic_load_n(&w.wa_gen, __ATOMIC_RELAXED);
				while (!cond.load()) {
					lwkt_block(&w, "smoke", &gen);
				}
				woke = 1;
			}, nullptr, nullptr, nullptr, 0, 1, "waiter"));
		while (__atomic_load_n(&w.wa_count, __ATOMIC_RELAXED) == 0)
			lwkt_yield();
		cond = 1;
		lwkt_signal(&w, 1);
		while (!woke.load())
			lwkt_yield();
	});
	EXPECT_EQ(1, woke.load());
}

TEST_F(XcpuSmoke, CpusyncHoldsTheOtherCpuUntilFinish)
{
	static std::atomic<int> entered, phase_seen;
	static std::atomic<int> phase;

	entered = 0;
	phase = 0;
	phase_seen = -1;
	run([&] {
		struct lwkt_cpusync cs = {};

		cs.cs_mask = LWKT_CPUMASK(1);
		cs.cs_func = [](void *) { entered++; };
		lwkt_cpusync_start(&cs);
		EXPECT_EQ(1, entered.load());
		phase = 1;
		lwkt_cpusync_finish(&cs);
	});
	EXPECT_EQ(1, entered.load());
}
