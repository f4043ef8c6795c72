// SPDX-License-Identifier: GPL-2.0
// Wait queues across simulated CPUs (include/lwkt/wait.h): the generation
// interlock of lwkt_block(), lwkt_signal() by count (oldest first) and for
// all, the lost-wakeup races, lwkt_schedule() of a sleeper.
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include <lwkt/ipiq.h>
#include <lwkt/wait.h>

#include "xcpu_helpers.h"

using namespace xt;

using WaitQ = LwktCpus<4>;
using WaitQ2 = LwktCpus<2>;
using WaitQ5 = LwktCpus<5>;

// The generation moved since the caller read it: lwkt_block() returns at
// once, without switching, and hands back the new generation.
TEST_F(WaitQ2, BlockReturnsAtOnceWhenTheGenerationMoved)
{
	run([] {
		struct lwkt_wait w;
		int gen;

		lwkt_wait_init(&w);
		EXPECT_EQ(w.wa_gen, 0);
		EXPECT_EQ(w.wa_count, 0);
		gen = load(&w.wa_gen);
		lwkt_signal(&w, 1);	// nobody waits: only the generation moves
		EXPECT_EQ(w.wa_gen, gen + 1);

		u64 switches = lt::cnt().switch_count;
		u64 mine = curthread->td_switches;

		lwkt_block(&w, "moved", &gen);
		EXPECT_EQ(gen, w.wa_gen);
		EXPECT_EQ(lt::cnt().switch_count, switches);
		EXPECT_EQ(curthread->td_switches, mine);
		EXPECT_EQ(w.wa_count, 0);
		EXPECT_EQ(curthread->td_wait, nullptr);
		EXPECT_TRUE(curthread->td_flags & TDF_RUNQ);

		// Signalled from another CPU: the same.
		gen = load(&w.wa_gen);
		std::atomic<int> done{0};
		spawn_on(1, [&] {
			lwkt_signal(&w, -1);
			done = 1;
		});
		EXPECT_TRUE(wait_for([&] { return done.load() != 0; }));
		lwkt_block(&w, "moved", &gen);
		EXPECT_EQ(gen, w.wa_gen);
		EXPECT_EQ(curthread->td_switches, mine);
	});
}

namespace {

// Waiters on CPUs 1..3, queued in a known order; they record the order
// they are woken in.
struct Wakeups {
	struct lwkt_wait w;
	std::atomic<int> order[8];
	std::atomic<int> n{0};
	std::atomic<int> wrong_cpu{0};
	std::atomic<int> exited{0};
};

void start_waiters(Wakeups *wk, int count)
{
	for (int i = 0; i < count; ++i) {
		int cpu = 1 + i % 3;

		spawn_on(cpu, [wk, i, cpu] {
			int gen = load(&wk->w.wa_gen);

			// No condition: the test counts actual wakeups.
			lwkt_block(&wk->w, "wq", &gen);
			wk->order[wk->n.fetch_add(1)] = i;
			if (mycpu->gd_cpuid != cpu)
				wk->wrong_cpu.fetch_add(1);
			wk->exited.fetch_add(1);
		}, 0, "waiter");
		// Queued before the next one starts: a known FIFO order.
		EXPECT_TRUE(wait_for([&] { return load(&wk->w.wa_count) == i + 1; }));
	}
}

} // namespace

// lwkt_signal(w, 1) wakes exactly one waiter, the oldest; the others stay
// asleep until signalled; lwkt_signal(w, -1) wakes all the rest. Waiters
// wake on their own CPUs.
TEST_F(WaitQ, SignalByCountWakesTheOldestFirstAndAllWakesTheRest)
{
	static Wakeups wk;

	for (auto &o : wk.order)
		o = -1;
	wk.n = 0;
	wk.wrong_cpu = 0;
	wk.exited = 0;
	lwkt_wait_init(&wk.w);
	run([] {
		start_waiters(&wk, 6);
		lwkt_signal(&wk.w, 1);
		EXPECT_TRUE(wait_for([] { return wk.n.load() == 1; }));
		sleep_ms(20);
		EXPECT_EQ(wk.n.load(), 1);	// exactly one
		EXPECT_EQ(wk.order[0].load(), 0);	// the oldest
		EXPECT_EQ(load(&wk.w.wa_count), 5);

		lwkt_signal(&wk.w, 2);
		EXPECT_TRUE(wait_for([] { return wk.n.load() == 3; }));
		sleep_ms(20);
		EXPECT_EQ(wk.n.load(), 3);
		EXPECT_EQ(load(&wk.w.wa_count), 3);

		lwkt_signal(&wk.w, -1);
		EXPECT_TRUE(wait_for([] { return wk.exited.load() == 6; }));
		EXPECT_EQ(load(&wk.w.wa_count), 0);
	});
	// Woken in queue order, 1 and 2 in some order, then the rest.
	int pos[6];
	for (int i = 0; i < 6; ++i)
		pos[wk.order[i].load()] = i;
	EXPECT_EQ(pos[0], 0);
	EXPECT_LT(pos[1], 3);
	EXPECT_LT(pos[2], 3);
	EXPECT_GE(pos[3], 3);
	EXPECT_EQ(wk.wrong_cpu.load(), 0);
}

// The lost-wakeup race, many rounds: a waiter on CPU 1 reads the
// generation, checks its condition, blocks; a signaller on CPU 0 sets the
// condition and signals. Every round completes.
TEST_F(WaitQ2, NoLostWakeupBetweenConditionCheckAndBlock)
{
	const int rounds = 20000 / kScale;
	struct R {
		struct lwkt_wait w;
		std::atomic<int> cond{0};
		std::atomic<int> ack{0};
		std::atomic<int> abort{0};
		long blocks = 0;
	} r;
	std::vector<std::pair<int, std::function<void()>>> jobs;

	lwkt_wait_init(&r.w);
	jobs.emplace_back(1, [&] {
		for (int i = 1; i <= rounds; ++i) {
			int gen = load(&r.w.wa_gen);

			while (r.cond.load() < i && !r.abort.load()) {
				++r.blocks;
				lwkt_block(&r.w, "race", &gen);
			}
			r.ack = i;
		}
	});
	jobs.emplace_back(0, [&] {
		for (int i = 1; i <= rounds; ++i) {
			r.cond = i;
			lwkt_signal(&r.w, 1);
			if (!wait_for([&] { return r.ack.load() >= i; })) {
				ADD_FAILURE() << "round " << i << " lost its wakeup";
				r.abort = 1;
				r.cond = rounds;
				lwkt_signal(&r.w, -1);
				return;
			}
		}
	});
	run_parallel(std::move(jobs));
	EXPECT_EQ(r.ack.load(), rounds);
	EXPECT_EQ(r.w.wa_count, 0);
	EXPECT_GT(r.blocks, 0);
}

// Several waiters on three CPUs sharing one wait structure and one counter
// of tokens; two signallers on CPU 0 hand out tokens one at a time with
// lwkt_signal(w, 1). Every token is consumed; nobody sleeps forever.
TEST_F(WaitQ, ManyWaitersManySignallersNoLostWakeup)
{
	const int per_waiter = 2000 / kScale;
	const int waiters = 6;
	struct S {
		struct lwkt_wait w;
		std::atomic<int> tokens{0};
		std::atomic<int> consumed{0};
		std::atomic<int> abort{0};
	} s;
	std::vector<std::pair<int, std::function<void()>>> jobs;

	lwkt_wait_init(&s.w);
	for (int k = 0; k < waiters; ++k)
		jobs.emplace_back(1 + k % 3, [&] {
			for (int i = 0; i < per_waiter && !s.abort.load(); ++i) {
				int gen = load(&s.w.wa_gen);

				for (;;) {
					int t = s.tokens.load();

					if (t > 0 && s.tokens.compare_exchange_weak(t, t - 1))
						break;
					if (s.abort.load())
						return;
					if (t <= 0)
						lwkt_block(&s.w, "token", &gen);
				}
				s.consumed.fetch_add(1);
			}
		});
	jobs.emplace_back(0, [&] {
		const int total = per_waiter * waiters;

		for (int i = 0; i < total; ++i) {
			s.tokens.fetch_add(1);
			lwkt_signal(&s.w, 1);
			if ((i & 15) == 15)
				lwkt_yield();
		}
		if (!wait_for([&] { return s.consumed.load() == total; })) {
			ADD_FAILURE() << "consumed " << s.consumed.load() << " of "
				      << total;
			s.abort = 1;
			lwkt_signal(&s.w, -1);
		}
	});
	run_parallel(std::move(jobs));
	EXPECT_EQ(s.consumed.load(), per_waiter * waiters);
	EXPECT_EQ(s.tokens.load(), 0);
}

// lwkt_schedule() of a thread asleep on a wait structure, from another
// CPU, takes it off the wait queue (wa_count drops, td_wait clears) and
// it returns from lwkt_block() as from a spurious wakeup.
TEST_F(WaitQ2, ScheduleOfASleeperTakesItOffTheWaitQueue)
{
	struct S {
		struct lwkt_wait w;
		std::atomic<thread_t> td{nullptr};
		std::atomic<int> returned{0};
		int count_after = -1;
		struct lwkt_wait *td_wait_after = nullptr;
		int gen_before = -1, gen_after = -1;
	} s;
	std::vector<std::pair<int, std::function<void()>>> jobs;

	lwkt_wait_init(&s.w);
	jobs.emplace_back(1, [&] {
		int gen = load(&s.w.wa_gen);

		s.gen_before = gen;
		s.td = curthread;
		lwkt_block(&s.w, "sched", &gen);
		s.gen_after = gen;
		s.count_after = load(&s.w.wa_count);
		s.td_wait_after = curthread->td_wait;
		s.returned = 1;
	});
	jobs.emplace_back(0, [&] {
		EXPECT_TRUE(wait_for([&] { return load(&s.w.wa_count) == 1; }));
		EXPECT_EQ(__atomic_load_n(&s.td.load()->td_wait, __ATOMIC_ACQUIRE),
			  &s.w);
		sleep_ms(10);
		EXPECT_EQ(s.returned.load(), 0);	// asleep
		lwkt_schedule(s.td.load());
		EXPECT_TRUE(wait_for([&] { return s.returned.load() != 0; }));
		EXPECT_EQ(load(&s.w.wa_count), 0);
		// A signal now finds nobody: only the generation moves.
		int gen = load(&s.w.wa_gen);
		lwkt_signal(&s.w, -1);
		EXPECT_EQ(load(&s.w.wa_gen), gen + 1);
	});
	run_parallel(std::move(jobs));
	EXPECT_EQ(s.count_after, 0);
	EXPECT_EQ(s.td_wait_after, nullptr);
	EXPECT_EQ(s.gen_after, s.gen_before);	// not signalled
}

// lwkt_signal() from outside LWKT context (the test's own pthread) is
// forwarded and wakes a waiter.
TEST_F(WaitQ2, SignalFromOutsideLwktContextWakes)
{
	static struct lwkt_wait w;
	static std::atomic<int> woke;
	std::atomic<int> *wokep = &woke;

	lwkt_wait_init(&w);
	woke = 0;
	std::thread waiter([wokep] {
		lwkt_user_run(1, TDPRI_KERN_DAEMON, [](void *a) {
			int gen = load(&w.wa_gen);

			lwkt_block(&w, "foreign", &gen);
			static_cast<std::atomic<int> *>(a)->store(1);
		}, wokep);
	});
	auto end = std::chrono::steady_clock::now() + kTimeout;
	while (load(&w.wa_count) == 0 && std::chrono::steady_clock::now() < end)
		sleep_ms(1);
	EXPECT_EQ(load(&w.wa_count), 1);
	lwkt_signal(&w, 1);
	waiter.join();
	EXPECT_EQ(woke.load(), 1);
}

namespace {

void nop_ipi(void *) {}

// Spin inside a critical section until *release: this CPU runs none of
// its IPIs meanwhile, so a FIFO to it stays full.
void hold_crit(std::atomic<int> *in_crit, std::atomic<int> *release,
	       std::atomic<int> *timed_out)
{
	thread_t td = curthread;
	auto end = std::chrono::steady_clock::now() + kTimeout;

	crit_enter_quick(td);
	in_crit->store(1);
	while (!release->load()) {
		if (std::chrono::steady_clock::now() > end) {
			timed_out->store(1);
			break;
		}
		std::this_thread::yield();
	}
	crit_exit_quick(td);
}

} // namespace

// lwkt_signal(w, -1) wakes every waiter queued when it bumped the
// generation, even when one of them is woken by someone else meanwhile,
// blocks again and is signalled again while the first signaller is still
// waking the others. The first signaller is held up at its first wakeup
// (its FIFO to that waiter's CPU is full): the stall any CPU can have
// there. The bug this catches: the batch was chained through td_wakenext
// and walked after the unlock; the second signal rewrote W1's td_wakenext
// to NULL and the walk ended there, W2 off the queue and never scheduled
// (tests/model/signal.pml found it).
//   CPU 4: X, then a thread holding CPU 4 in a critical section
//   CPU 0: W1 waits for x >= 1, then for x >= 2
//   CPU 3: W2 waits for x >= 1
//   CPU 1: fills its FIFO to CPU 4; x = 1; lwkt_signal(w, -1)
//   CPU 2: lwkt_schedule(W1) (a wakeup from elsewhere, which lwkt_block()
//          allows); once W1 sleeps again, x = 2; lwkt_signal(w, -1)
TEST_F(WaitQ5, SignalOfAllLosesNoWaiterWokenAndSignalledAgainMeanwhile)
{
	struct S {
		struct lwkt_wait w;
		std::atomic<int> x{0};
		std::atomic<int> w1_stage{0};
		std::atomic<int> done[3] = {};	// X, W1, W2 saw their conditions
		std::atomic<int> finish{0};	// threads may exit
		std::atomic<int> exited{0};
		std::atomic<int> in_crit{0}, release{0}, timed_out{0};
		std::atomic<int> s1_returned{0};
		std::atomic<int> fill_rc{0};
	} s;

	lwkt_wait_init(&s.w);
	run([&s] {
		// Threads stay alive to the end: a late lwkt_schedule() of
		// them must not find them gone.
		auto linger = [&s] {
			auto end = std::chrono::steady_clock::now() + 4 * kTimeout;

			while (!s.finish.load() &&
			       std::chrono::steady_clock::now() < end) {
				lwkt_yield();
				std::this_thread::yield();
			}
			s.exited.fetch_add(1);
		};
		// Whatever happens below, they may go in the end.
		struct Finish {
			S *s;
			~Finish()
			{
				s->release = 1;
				s->finish = 1;
				lwkt_signal(&s->w, -1);
			}
		} finish{&s};
		auto waiter = [&s, linger](int id, int upto) {
			for (int p = 1; p <= upto; ++p) {
				int gen = load(&s.w.wa_gen);

				if (id == 1)
					s.w1_stage = p;
				while (s.x.load() < p && !s.finish.load())
					lwkt_block(&s.w, "sig", &gen);
			}
			s.done[id] = 1;
			linger();
		};

		// The queue: [X, W1, W2].
		spawn_on(4, [waiter] { waiter(0, 1); }, 0, "X");
		ASSERT_TRUE(wait_for([&s] { return load(&s.w.wa_count) == 1; }));
		thread_t w1 = spawn_on(0, [waiter] { waiter(1, 2); }, 0, "W1");
		ASSERT_TRUE(wait_for([&s] { return load(&s.w.wa_count) == 2; }));
		thread_t w2 = spawn_on(3, [waiter] { waiter(2, 1); }, 0, "W2");
		ASSERT_TRUE(wait_for([&s] { return load(&s.w.wa_count) == 3; }));

		spawn_on(4, [&s, linger] {
			hold_crit(&s.in_crit, &s.release, &s.timed_out);
			linger();
		}, 0, "holder");
		ASSERT_TRUE(wait_for([&s] { return s.in_crit.load() != 0; }));

		int gen0 = load(&s.w.wa_gen);

		spawn_on(1, [&s, linger] {
			struct lwkt_globaldata *t = lwkt_user_gd(4);

			for (int i = 0; i <= LWKT_IPIQ_SIZE; ++i)
				if ((s.fill_rc = lwkt_send_ipiq_nowait(t, nop_ipi,
								       nullptr)) < 0)
					break;
			s.x = 1;
			lwkt_signal(&s.w, -1);
			s.s1_returned = 1;
			linger();
		}, 0, "S1");
		// S1 bumped the generation and took at least X: it is held
		// up in its wakeup of X until CPU 4 runs its IPIs.
		ASSERT_TRUE(wait_for([&s, gen0] {
			return load(&s.w.wa_gen) != gen0 &&
			       load(&s.w.wa_count) < 3;
		}));
		EXPECT_EQ(s.fill_rc.load(), -105);	// -LWKT_ENOBUFS: full

		lwkt_schedule(w1);
		EXPECT_TRUE(wait_for([&s, w1] {
			return s.w1_stage.load() == 2 &&
			       __atomic_load_n(&w1->td_wait, __ATOMIC_ACQUIRE) ==
				       &s.w;
		}));
		s.x = 2;
		lwkt_signal(&s.w, -1);
		EXPECT_TRUE(wait_for([&s] { return s.done[1].load() != 0; }));
		EXPECT_EQ(s.s1_returned.load(), 0);	// still held up

		s.release = 1;
		EXPECT_TRUE(wait_for([&s] { return s.s1_returned.load() != 0; }));
		EXPECT_TRUE(wait_for([&s] { return s.done[0].load() != 0; }));
		if (!wait_for([&s] { return s.done[2].load() != 0; })) {
			ADD_FAILURE() << "W2 lost its wakeup: off the wait queue ("
				      << load(&s.w.wa_count) << " queued), never "
				      << "scheduled";
			lwkt_schedule(w2);	// let it finish
		}
		s.finish = 1;
		EXPECT_TRUE(wait_for([&s] { return s.exited.load() == 5; }));
	}, TDPRI_KERN_DAEMON, 2);
	EXPECT_EQ(s.timed_out.load(), 0);
	EXPECT_EQ(s.done[2].load(), 1);
	EXPECT_EQ(load(&s.w.wa_count), 0);
}
