// SPDX-License-Identifier: GPL-2.0
// Threads across CPUs: remote lwkt_schedule()/lwkt_deschedule(), remote
// lwkt_create(), migration (lwkt_setcpu_self) raced by remote schedules,
// lwkt_acquire() of another CPU's blocked thread.
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include <lwkt/ipiq.h>

#include "xcpu_helpers.h"

using namespace xt;

using Xcpu = LwktCpus<2>;
using Xcpu3 = LwktCpus<3>;
using Xcpu4 = LwktCpus<4>;

// A thread of CPU 0 and one of CPU 1 wake each other in turn, each by a
// remote lwkt_schedule(): every round is seen, and each runs on its CPU.
TEST_F(Xcpu, RemoteSchedulePingPong)
{
	const int rounds = 4000 / kScale;
	struct PP {
		thread_t a = nullptr;
		std::atomic<thread_t> b{nullptr};
		std::atomic<int> turn{0};	// 1: b's turn
		std::atomic<int> stop{0};
		int b_seen = 0;		// cpu 1 only until b exits
		int b_wrong_cpu = 0;
		std::atomic<int> b_done{0};
		std::atomic<int> a_quiet{0};
	} pp;

	run([&] {
		pp.a = curthread;
		thread_t b = spawn_on(1, [&] {
			for (;;) {
				block_until([&] {
					return pp.turn.load() == 1 || pp.stop.load();
				});
				if (pp.stop.load()) {
					// A schedule of us may still be in flight:
					// exit only once a's have all run.
					EXPECT_TRUE(wait_for([&] {
						return pp.a_quiet.load() != 0;
					}));
					break;
				}
				++pp.b_seen;
				if (mycpu->gd_cpuid != 1)
					++pp.b_wrong_cpu;
				pp.turn = 0;
				lwkt_schedule(pp.a);
			}
			pp.b_done = 1;
		}, TDF_STOPREQ, "pong");
		ASSERT_NE(b, nullptr);
		EXPECT_EQ(b->td_gd, lwkt_user_gd(1));
		for (int i = 0; i < rounds; ++i) {
			pp.turn = 1;
			lwkt_schedule(b);
			block_until([&] { return pp.turn.load() == 0; });
			EXPECT_EQ(mycpu->gd_cpuid, 0);
		}
		pp.stop = 1;
		lwkt_schedule(b);
		// b never moves: once our messages to CPU 1 ran, none is left.
		lwkt_wait_ipiq(lwkt_user_gd(1), lwkt_seq_ipiq(lwkt_user_gd(1)));
		pp.a_quiet = 1;
		EXPECT_TRUE(wait_for([&] { return pp.b_done.load() != 0; }));
		lwkt_yield();	// b's last schedule of us, if still queued
	});
	EXPECT_EQ(pp.b_seen, rounds);
	EXPECT_EQ(pp.b_wrong_cpu, 0);
}

// lwkt_deschedule() of a thread running on another CPU: it keeps running
// until it switches, then stays off the CPU until lwkt_schedule()d.
TEST_F(Xcpu, RemoteDescheduleTakesTheThreadOffItsRunQueue)
{
	struct S {
		std::atomic<thread_t> td{nullptr};
		std::atomic<int> desched_sent{0};
		std::atomic<int> about_to_switch{0};
		std::atomic<int> resumed{0};
		std::atomic<int> was_on_runq{-1};
		std::atomic<int> on_runq_after{-1};
	} s;
	std::vector<std::pair<int, std::function<void()>>> jobs;

	jobs.emplace_back(1, [&] {
		thread_t td = curthread;

		s.td = td;
		crit_enter_quick(td);
		while (!s.desched_sent.load())
			std::this_thread::yield();
		s.was_on_runq = !!(td->td_flags & TDF_RUNQ);
		crit_exit_quick(td);	// the deschedule request runs here
		s.on_runq_after = !!(td->td_flags & TDF_RUNQ);
		s.about_to_switch = 1;
		lwkt_switch();		// off the run queue: we sleep here
		s.resumed = 1;
	});
	jobs.emplace_back(0, [&] {
		EXPECT_TRUE(wait_for([&] { return s.td.load() != nullptr; }));
		lwkt_deschedule(s.td.load());
		s.desched_sent = 1;
		EXPECT_TRUE(wait_for([&] { return s.about_to_switch.load() != 0; }));
		sleep_ms(20);
		EXPECT_EQ(s.resumed.load(), 0);	// it did not come back
		lwkt_schedule(s.td.load());
		EXPECT_TRUE(wait_for([&] { return s.resumed.load() != 0; }));
	});
	run_parallel(std::move(jobs));
	EXPECT_EQ(s.was_on_runq.load(), 1);
	EXPECT_EQ(s.on_runq_after.load(), 0);
	EXPECT_EQ(s.resumed.load(), 1);
}

// lwkt_create() with cpu 1 from a thread of CPU 0: the thread belongs to
// CPU 1 (td_gd, its all-threads list and threads gauge) and runs there.
TEST_F(Xcpu, RemoteCreateRunsOnTheOtherCpu)
{
	struct R {
		std::atomic<int> ran{0};
		int cpu = -1;
		struct lwkt_globaldata *td_gd = nullptr;
		u64 threads = 0;
		bool on_allq = false;
	} r;
	u64 threads1_before = 0, threads1_after = 0;

	lwkt_user_run(1, TDPRI_KERN_DAEMON, [](void *a) {
		*static_cast<u64 *>(a) = mycpu->gd_cnt.threads;
	}, &threads1_before);
	run([&] {
		u64 threads0 = lt::cnt().threads;
		thread_t td = spawn_on(1, [&] {
			struct lwkt_list *head = &mycpu->gd_tdallq;

			r.cpu = mycpu->gd_cpuid;
			r.td_gd = curthread->td_gd;
			r.threads = mycpu->gd_cnt.threads;
			for (struct lwkt_list *n = head->next; n != head; n = n->next)
				if (n == &curthread->td_allq)
					r.on_allq = true;
			r.ran = 1;
		}, TDF_STOPREQ, "remote");

		ASSERT_NE(td, nullptr);
		EXPECT_EQ(td->td_gd, lwkt_user_gd(1));
		EXPECT_EQ(lt::cnt().threads, threads0);	// not ours
		sleep_ms(10);
		EXPECT_EQ(r.ran.load(), 0);	// TDF_STOPREQ: not scheduled
		lwkt_schedule(td);
		EXPECT_TRUE(wait_for([&] { return r.ran.load() != 0; }));

		// Scheduled at once (no TDF_STOPREQ): runs too.
		std::atomic<int> ran2{0};
		spawn_on(1, [&] {
			if (mycpu->gd_cpuid == 1)
				ran2 = 1;
			else
				ran2 = 2;
		}, 0, "remote2");
		EXPECT_TRUE(wait_for([&] { return ran2.load() != 0; }));
		EXPECT_EQ(ran2.load(), 1);
		EXPECT_EQ(lt::cnt().threads, threads0);
	});
	EXPECT_EQ(r.cpu, 1);
	EXPECT_EQ(r.td_gd, lwkt_user_gd(1));
	EXPECT_TRUE(r.on_allq);
	// Both counts include the thread that read them, and nothing else.
	EXPECT_EQ(r.threads, threads1_before);
	lwkt_user_run(1, TDPRI_KERN_DAEMON, [](void *a) {
		*static_cast<u64 *>(a) = mycpu->gd_cnt.threads;
	}, &threads1_after);
	EXPECT_EQ(threads1_after, threads1_before);	// both exited
}

// An invalid CPU: -LWKT_EINVAL, nothing created.
TEST_F(Xcpu, CreateOnAnUnhostedCpuFails)
{
	run([] {
		thread_t td = nullptr;

		EXPECT_EQ(-22, lwkt_create([](void *) {}, nullptr, &td, nullptr, 0,
					   2, "nowhere"));
		EXPECT_EQ(td, nullptr);
	});
}

// A thread hops 0 -> 1 -> 0 ... with lwkt_setcpu_self(): after every hop
// it runs on the target (mycpu and td_gd agree), the threads gauges follow
// it, and the migrations counters count the hops.
TEST_F(Xcpu, SetcpuSelfHopsLand)
{
	const int hops = 2000 / kScale;
	int ok = 0, bad = 0;

	run([&] {
		for (int i = 0; i < hops; ++i) {
			int to = (mycpu->gd_cpuid + 1) % 2;

			lwkt_setcpu_self(lwkt_user_gd(to));
			if (mycpu->gd_cpuid == to && curthread->td_gd == mycpu &&
			    !(curthread->td_flags & TDF_MIGRATING))
				++ok;
			else
				++bad;
		}
		// An even number of hops: back on CPU 0, where run() expects it.
		EXPECT_EQ(mycpu->gd_cpuid, 0);
		lwkt_setcpu_self(mycpu);	// to itself: nothing happens
		EXPECT_EQ(mycpu->gd_cpuid, 0);
	});
	EXPECT_EQ(ok, hops);
	EXPECT_EQ(bad, 0);
}

namespace {

// The race of issue 4: a thread hopping 1 -> 2 -> 3 -> 0 -> 1 ... with
// lwkt_setcpu_self() while CPUs 0 and 2 lwkt_schedule() it over and over
// (the request chases it; arriving while it is in flight, it is dropped).
// throttled: each scheduler waits until its previous requests have run
// before the next, so no FIFO fills up.
void migrating_schedule_race(int hops, bool throttled)
{
	struct M {
		std::atomic<thread_t> td{nullptr};
		std::atomic<int> hops_done{0};
		std::atomic<int> started{0};
		std::atomic<int> stopped{0};
		std::atomic<int> done{0};
		int ok = 0, bad = 0, final_cpu = -1;
		std::atomic<long> schedules{0};
	} m;
	std::vector<std::pair<int, std::function<void()>>> jobs;

	jobs.emplace_back(1, [&] {
		m.td = curthread;
		// Both schedulers at work before the first hop.
		EXPECT_TRUE(wait_for([&] { return m.started.load() == 2; }));
		for (int i = 0; i < hops; ++i) {
			int to = (mycpu->gd_cpuid + 1) % 4;

			lwkt_setcpu_self(lwkt_user_gd(to));
			if (mycpu->gd_cpuid == to && curthread->td_gd == mycpu)
				++m.ok;
			else
				++m.bad;
		}
		m.final_cpu = mycpu->gd_cpuid;
		m.hops_done = 1;
		// Stray schedules of us may still be in flight: wait for the
		// schedulers to stop and every message to land, then exit.
		EXPECT_TRUE(wait_for([&] { return m.stopped.load() == 2; }));
		quiesce_ipiqs();
		m.done = 1;
	});
	for (int cpu : {0, 2})
		jobs.emplace_back(cpu, [&, throttled] {
			auto end = std::chrono::steady_clock::now() + kTimeout;
			thread_t td;

			EXPECT_TRUE(wait_for([&] { return m.td.load() != nullptr; }));
			td = m.td.load();
			lwkt_schedule(td);
			m.schedules.fetch_add(1);
			m.started.fetch_add(1);
			while (!m.hops_done.load()) {
				if (std::chrono::steady_clock::now() > end) {
					ADD_FAILURE() << "the hopping thread is stuck";
					break;
				}
				lwkt_schedule(td);
				m.schedules.fetch_add(1);
				if (throttled) {
					for (int c = 0; c < 4; ++c)
						lwkt_wait_ipiq(lwkt_user_gd(c),
							       lwkt_seq_ipiq(lwkt_user_gd(c)));
				}
				lwkt_yield();	// serve our own queue
			}
			m.stopped.fetch_add(1);
		});
	run_parallel(std::move(jobs));
	EXPECT_EQ(m.ok, hops);
	EXPECT_EQ(m.bad, 0);
	EXPECT_EQ(m.final_cpu, (1 + hops) % 4);
	EXPECT_EQ(m.done.load(), 1);
	EXPECT_GT(m.schedules.load(), 0);
}

} // namespace

// No crash, no assertion, every hop lands, and the thread ends on the CPU
// its hop sequence says.
TEST_F(Xcpu4, RemoteScheduleOfAMigratingThread)
{
	migrating_schedule_race(3000 / kScale, true);
}

// The same without throttling: the schedulers' FIFOs fill up and a
// forwarded schedule is sent from inside a FIFO-full wait to the same
// target (see Ipiq.NestedSendToTheSameTargetWhileWaitingForRoom).
TEST_F(Xcpu4, RemoteScheduleOfAMigratingThreadUnthrottled)
{
	migrating_schedule_race(3000 / kScale, false);
}

// A thread that blocks after each hop and is woken by a remote
// lwkt_schedule() from a CPU that read its td_gd just before it moved: the
// wakeup chases it and is never lost.
TEST_F(Xcpu3, WakeupChasesAThreadThatHopsAndBlocks)
{
	const int hops = 1000 / kScale;
	struct M {
		std::atomic<thread_t> td{nullptr};
		std::atomic<int> parked{-1};	// hop number it blocks after
		std::atomic<int> go{-1};	// hop number it may go past
		std::atomic<int> s_done{0};
		int ok = 0, bad = 0;
	} m;
	std::vector<std::pair<int, std::function<void()>>> jobs;

	jobs.emplace_back(1, [&] {
		m.td = curthread;
		for (int i = 0; i < hops; ++i) {
			int to = mycpu->gd_cpuid == 1 ? 2 : 1;

			lwkt_setcpu_self(lwkt_user_gd(to));
			if (mycpu->gd_cpuid == to && curthread->td_gd == mycpu)
				++m.ok;
			else
				++m.bad;
			m.parked = i;
			block_until([&] { return m.go.load() >= i; });
		}
		// It may have gone on before the last wakeup arrived: exit
		// only once no schedule of it is left in flight.
		EXPECT_TRUE(wait_for([&] { return m.s_done.load() != 0; }));
		quiesce_ipiqs();
	});
	jobs.emplace_back(0, [&] {
		EXPECT_TRUE(wait_for([&] { return m.td.load() != nullptr; }));
		for (int i = 0; i < hops; ++i) {
			if (!wait_for([&] { return m.parked.load() >= i; })) {
				ADD_FAILURE() << "hop " << i << " never parked";
				m.go = hops;
				lwkt_schedule(m.td.load());
				break;
			}
			m.go = i;
			lwkt_schedule(m.td.load());
		}
		m.s_done = 1;
	});
	run_parallel(std::move(jobs));
	EXPECT_EQ(m.ok, hops);
	EXPECT_EQ(m.bad, 0);
}

// lwkt_acquire() of a thread blocked on another CPU: it becomes ours
// (td_gd, all-threads list, gauges) and, scheduled, runs here.
TEST_F(Xcpu, AcquireABlockedThreadOfAnotherCpu)
{
	struct A {
		std::atomic<int> blocked{0};
		std::atomic<int> go{0};
		std::atomic<int> ran_on{-1};
		std::atomic<int> done{0};
	} a;
	u64 threads1_out = 0;

	run([&] {
		thread_t td = spawn_on(1, [&] {
			thread_t self = curthread;

			crit_enter_quick(self);
			lwkt_deschedule_self(self);
			a.blocked = 1;
			lwkt_switch();
			crit_exit_quick(self);
			block_until([&] { return a.go.load() != 0; });
			a.ran_on = mycpu->gd_cpuid;
			a.done = 1;
		}, 0, "acquired");
		u64 threads0 = lt::cnt().threads;

		ASSERT_NE(td, nullptr);
		EXPECT_TRUE(wait_for([&] { return a.blocked.load() != 0; }));
		lwkt_acquire(td);
		EXPECT_EQ(td->td_gd, mycpu);
		EXPECT_EQ(lt::cnt().threads, threads0 + 1);
		EXPECT_FALSE(td->td_flags & (TDF_RUNNING | TDF_RUNQ));
		a.go = 1;
		lwkt_schedule(td);
		EXPECT_TRUE(wait_for([&] { return a.done.load() != 0; }));
	});
	EXPECT_EQ(a.ran_on.load(), 0);
	// CPU 1 forgot it: its gauge counts only the checking thread.
	lwkt_user_run(1, TDPRI_KERN_DAEMON, [](void *p) {
		*static_cast<u64 *>(p) = mycpu->gd_cnt.threads;
	}, &threads1_out);
	EXPECT_EQ(threads1_out, 1u);
}
