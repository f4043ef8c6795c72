// SPDX-License-Identifier: GPL-2.0
// Tokens (include/lwkt/token.h, Documentation/design.rst, "Tokens"):
// get/release with recursion in any order, trytoken, a holder that blocks or
// switches away losing its tokens meanwhile and getting them all back before
// it runs, the switcher skipping a thread whose token is held, any acquisition
// order across CPUs without deadlock, the address-hashed pool, bogus releases,
// and threads that exit holding tokens.
#include <string.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <set>
#include <utility>
#include <vector>

#include <lwkt/ipiq.h>
#include <lwkt/token.h>
#include <lwkt/wait.h>

#include "log_capture.h"
#include "xcpu_helpers.h"

namespace {

using namespace xt;

struct lwkt_thread *owner_of(struct lwkt_token *tok)
{
	return __atomic_load_n(&tok->t_owner, __ATOMIC_ACQUIRE);
}

} // namespace

using Token = LwktLogTest<>;
using Token2 = LwktLogTest<2>;

// gettoken links the tokref and makes us the owner; reltoken undoes both.
TEST_F(Token, GetAndReleaseBasic)
{
	run([] {
		struct lwkt_token tok, unnamed;
		struct lwkt_tokref ref;
		thread_t td = curthread;

		lwkt_token_init(&tok, "basic");
		lwkt_token_init(&unnamed, nullptr);
		EXPECT_STREQ(tok.t_desc, "basic");
		EXPECT_STREQ(unnamed.t_desc, "token");
		EXPECT_EQ(tok.t_owner, nullptr);
		EXPECT_EQ(tok.t_collisions, 0u);
		EXPECT_EQ(lwkt_havetoken(&tok), 0);
		EXPECT_EQ(td->td_toks, nullptr);

		u64 contention = lt::cnt().token_contention_count;
		lwkt_gettoken(&ref, &tok);
		EXPECT_EQ(lwkt_havetoken(&tok), 1);
		EXPECT_EQ(lwkt_havetoken(&unnamed), 0);
		EXPECT_EQ(tok.t_owner, td);
		EXPECT_EQ(td->td_toks, &ref);
		EXPECT_EQ(ref.tr_tok, &tok);
		EXPECT_EQ(ref.tr_owner, td);
		EXPECT_EQ(ref.tr_next, nullptr);
		EXPECT_EQ(lt::cnt().token_contention_count, contention);
		EXPECT_EQ(tok.t_collisions, 0u);

		lwkt_reltoken(&ref);
		EXPECT_EQ(lwkt_havetoken(&tok), 0);
		EXPECT_EQ(tok.t_owner, nullptr);
		EXPECT_EQ(td->td_toks, nullptr);
		lwkt_token_uninit(&tok);
		lwkt_token_uninit(&unnamed);
	});
	EXPECT_EQ(lt::log_size(), 0u);	// uninit of free tokens: silent
}

// The same token taken several times: free only after the last release,
// whatever the release order; other tokens are unaffected.
TEST_F(Token, RecursionFreedOnlyAfterTheLastRelease)
{
	run([] {
		struct lwkt_token a, b;
		struct lwkt_tokref r1, r2, r3, rb;
		thread_t td = curthread;

		lwkt_token_init(&a, "a");
		lwkt_token_init(&b, "b");

		// Oldest first.
		lwkt_gettoken(&r1, &a);
		lwkt_gettoken(&r2, &a);
		EXPECT_EQ(td->td_toks, &r2);
		EXPECT_EQ(r2.tr_next, &r1);
		lwkt_reltoken(&r1);
		EXPECT_EQ(lwkt_havetoken(&a), 1);
		EXPECT_EQ(td->td_toks, &r2);
		EXPECT_EQ(r2.tr_next, nullptr);
		lwkt_reltoken(&r2);
		EXPECT_EQ(lwkt_havetoken(&a), 0);
		EXPECT_EQ(a.t_owner, nullptr);
		EXPECT_EQ(td->td_toks, nullptr);

		// Newest first, three holds, another token in between.
		lwkt_gettoken(&r1, &a);
		lwkt_gettoken(&rb, &b);
		lwkt_gettoken(&r2, &a);
		lwkt_gettoken(&r3, &a);
		lwkt_reltoken(&r3);
		EXPECT_EQ(lwkt_havetoken(&a), 1);
		lwkt_reltoken(&rb);	// from the middle of the list
		EXPECT_EQ(lwkt_havetoken(&b), 0);
		EXPECT_EQ(b.t_owner, nullptr);
		EXPECT_EQ(lwkt_havetoken(&a), 1);
		lwkt_reltoken(&r2);
		EXPECT_EQ(lwkt_havetoken(&a), 1);
		EXPECT_EQ(td->td_toks, &r1);
		lwkt_reltoken(&r1);
		EXPECT_EQ(lwkt_havetoken(&a), 0);
		EXPECT_EQ(td->td_toks, nullptr);

		// The middle hold last.
		lwkt_gettoken(&r1, &a);
		lwkt_gettoken(&r2, &a);
		lwkt_gettoken(&r3, &a);
		lwkt_reltoken(&r1);
		lwkt_reltoken(&r3);
		EXPECT_EQ(lwkt_havetoken(&a), 1);
		EXPECT_EQ(td->td_toks, &r2);
		lwkt_reltoken(&r2);
		EXPECT_EQ(lwkt_havetoken(&a), 0);
		EXPECT_EQ(td->td_toks, nullptr);

		// A recursive hold survives a switch: both holds come back.
		lwkt_gettoken(&r1, &a);
		lwkt_gettoken(&r2, &a);
		lwkt_yield();
		EXPECT_EQ(lwkt_havetoken(&a), 1);
		lwkt_reltoken(&r2);
		EXPECT_EQ(lwkt_havetoken(&a), 1);
		lwkt_reltoken(&r1);
		EXPECT_EQ(lwkt_havetoken(&a), 0);
	});
	EXPECT_EQ(lt::log_size(), 0u);
}

// trytoken takes a free token and one we already hold; each success is
// its own hold.
TEST_F(Token, TrytokenTakesAFreeOrOwnToken)
{
	run([] {
		struct lwkt_token tok;
		struct lwkt_tokref r1, r2;
		thread_t td = curthread;

		lwkt_token_init(&tok, "try");
		EXPECT_EQ(lwkt_trytoken(&r1, &tok), 1);
		EXPECT_EQ(tok.t_owner, td);
		EXPECT_EQ(td->td_toks, &r1);
		EXPECT_EQ(lwkt_trytoken(&r2, &tok), 1);
		EXPECT_EQ(td->td_toks, &r2);
		lwkt_reltoken(&r1);
		EXPECT_EQ(lwkt_havetoken(&tok), 1);
		lwkt_reltoken(&r2);
		EXPECT_EQ(lwkt_havetoken(&tok), 0);
		EXPECT_EQ(td->td_toks, nullptr);
		EXPECT_EQ(tok.t_collisions, 0u);
	});
}

// A token held by a thread running on another CPU: trytoken returns 0,
// links nothing and changes nothing; once released it succeeds.
TEST_F(Token2, TrytokenFailsWhileAnotherThreadHoldsIt)
{
	struct S {
		struct lwkt_token tok;
		std::atomic<thread_t> holder{nullptr};
		std::atomic<int> release{0};
		std::atomic<int> done{0};
	} s;

	lwkt_token_init(&s.tok, "held");
	run([&] {
		thread_t td = curthread;
		struct lwkt_tokref ref;

		spawn_on(1, [&] {
			struct lwkt_tokref r;

			lwkt_gettoken(&r, &s.tok);
			s.holder = curthread;
			EXPECT_TRUE(spin_until([&] { return s.release.load() != 0; }));
			lwkt_reltoken(&r);
			s.done = 1;
		}, 0, "holder");
		ASSERT_TRUE(wait_for([&] { return s.holder.load() != nullptr; }));

		memset(&ref, 0x5a, sizeof(ref));
		struct lwkt_tokref pattern = ref;
		u64 contention = lt::cnt().token_contention_count;
		for (int i = 0; i < 100; ++i) {
			EXPECT_EQ(lwkt_trytoken(&ref, &s.tok), 0);
			EXPECT_EQ(td->td_toks, nullptr);
			EXPECT_EQ(owner_of(&s.tok), s.holder.load());
			EXPECT_EQ(lwkt_havetoken(&s.tok), 0);
		}
		EXPECT_EQ(memcmp(&ref, &pattern, sizeof(ref)), 0);
		EXPECT_EQ(lt::cnt().token_contention_count, contention);

		s.release = 1;
		EXPECT_TRUE(wait_for([&] { return s.done.load() != 0; }));
		EXPECT_EQ(lwkt_trytoken(&ref, &s.tok), 1);
		EXPECT_EQ(td->td_toks, &ref);
		EXPECT_EQ(owner_of(&s.tok), td);
		lwkt_reltoken(&ref);
	});
}

// A holder that switches away (yield, or deschedule + switch) frees its
// tokens: another thread of its CPU takes them without contention. The
// holder has them all back when it runs again.
TEST_F(Token, SwitchedOutHolderLetsThreadsOfItsCpuTakeItsTokens)
{
	run([] {
		struct lwkt_token a, b;
		struct lwkt_tokref ra, rb;
		thread_t me = curthread;
		struct Seen {
			int a_free = -1, b_free = -1, took = 0, had = -1;
			u64 contention = 0;
		} y, k;

		lwkt_token_init(&a, "a");
		lwkt_token_init(&b, "b");
		lwkt_gettoken(&ra, &a);
		lwkt_gettoken(&rb, &b);

		// Yield: the other thread runs while we stay runnable.
		lt::Latch l1(1);
		lt::spawn(TDPRI_KERN_DAEMON, [&] {
			struct lwkt_tokref r1, r2;
			u64 c = lt::cnt().token_contention_count;

			y.a_free = a.t_owner == nullptr;
			y.b_free = b.t_owner == nullptr;
			y.had = lwkt_havetoken(&a);
			if (lwkt_trytoken(&r1, &a)) {
				y.took = 1;
				lwkt_gettoken(&r2, &b);
				lwkt_reltoken(&r2);
				lwkt_reltoken(&r1);
			}
			y.contention = lt::cnt().token_contention_count - c;
			l1.done();
		});
		lwkt_yield();
		l1.wait();
		EXPECT_EQ(y.a_free, 1);
		EXPECT_EQ(y.b_free, 1);
		EXPECT_EQ(y.had, 0);
		EXPECT_EQ(y.took, 1);
		EXPECT_EQ(y.contention, 0u);
		EXPECT_EQ(lwkt_havetoken(&a), 1);
		EXPECT_EQ(lwkt_havetoken(&b), 1);
		EXPECT_EQ(me->td_toks, &rb);

		// Deschedule + switch: the other thread wakes us.
		lt::spawn(TDPRI_KERN_DAEMON, [&] {
			struct lwkt_tokref r;
			u64 c = lt::cnt().token_contention_count;

			k.a_free = a.t_owner == nullptr;
			k.b_free = b.t_owner == nullptr;
			lwkt_gettoken(&r, &b);
			k.took = b.t_owner == curthread;
			lwkt_reltoken(&r);
			k.contention = lt::cnt().token_contention_count - c;
			lwkt_schedule(me);
		});
		lt::block();
		EXPECT_EQ(k.a_free, 1);
		EXPECT_EQ(k.b_free, 1);
		EXPECT_EQ(k.took, 1);
		EXPECT_EQ(k.contention, 0u);
		EXPECT_EQ(a.t_owner, me);
		EXPECT_EQ(b.t_owner, me);
		lwkt_reltoken(&ra);
		lwkt_reltoken(&rb);
		EXPECT_EQ(me->td_toks, nullptr);
	});
}

// A holder of two tokens blocks on a wait structure. A thread of its CPU
// and one of the other CPU take them meanwhile; the second still holds
// one when it wakes the sleeper, which must not run until that token is
// free again, and then holds both.
TEST_F(Token2, BlockedHolderGetsAllItsTokensBackBeforeItRuns)
{
	struct S {
		struct lwkt_token t1, t2;
		struct lwkt_wait w;
		std::atomic<thread_t> a{nullptr};
		std::atomic<int> b_free1{-1}, b_free2{-1}, b_took{0};
		std::atomic<u64> b_contention{~0ull};
		std::atomic<int> b_done{0};
		std::atomic<int> c_took{0}, c_released{0}, c_done{0};
		std::atomic<int> a_saw_released{-1};
		int a_have1 = -1, a_have2 = -1;
		thread_t a_owner1 = nullptr, a_owner2 = nullptr;
		u64 a_contention = 0;
	} s;

	lwkt_token_init(&s.t1, "t1");
	lwkt_token_init(&s.t2, "t2");
	lwkt_wait_init(&s.w);
	run([&] {
		struct lwkt_tokref r1, r2;

		s.a = curthread;
		lwkt_gettoken(&r1, &s.t1);
		lwkt_gettoken(&r2, &s.t2);

		// B: same CPU, runs while we sleep.
		lt::spawn(TDPRI_KERN_DAEMON, [&] {
			struct lwkt_tokref r;
			u64 c = lt::cnt().token_contention_count;

			EXPECT_TRUE(wait_for([&] { return load(&s.w.wa_count) == 1; }));
			s.b_free1 = owner_of(&s.t1) == nullptr;
			s.b_free2 = owner_of(&s.t2) == nullptr;
			lwkt_gettoken(&r, &s.t1);
			s.b_took = owner_of(&s.t1) == curthread;
			lwkt_reltoken(&r);
			s.b_contention = lt::cnt().token_contention_count - c;
			s.b_done = 1;
		});
		// C: the other CPU; takes t2 and wakes us while holding it.
		spawn_on(1, [&] {
			struct lwkt_tokref r;

			EXPECT_TRUE(wait_for([&] { return s.b_done.load() != 0; }));
			lwkt_gettoken(&r, &s.t2);
			s.c_took = owner_of(&s.t2) == curthread;
			lwkt_signal(&s.w, 1);
			// The wakeup has reached CPU 0; hold on a little longer
			// (longer only makes the check sharper).
			lwkt_wait_ipiq(lwkt_user_gd(0), lwkt_seq_ipiq(lwkt_user_gd(0)));
			auto end = std::chrono::steady_clock::now() +
				   std::chrono::milliseconds(20);
			spin_until([&] { return std::chrono::steady_clock::now() > end; });
			s.c_released = 1;
			lwkt_reltoken(&r);
			s.c_done = 1;
		}, 0, "c");

		u64 c0 = lt::cnt().token_contention_count;
		int gen = load(&s.w.wa_gen);
		lwkt_block(&s.w, "tokwait", &gen);
		s.a_saw_released = s.c_released.load();
		s.a_have1 = lwkt_havetoken(&s.t1);
		s.a_have2 = lwkt_havetoken(&s.t2);
		s.a_owner1 = owner_of(&s.t1);
		s.a_owner2 = owner_of(&s.t2);
		s.a_contention = lt::cnt().token_contention_count - c0;
		lwkt_reltoken(&r2);
		lwkt_reltoken(&r1);
		EXPECT_TRUE(wait_for([&] { return s.c_done.load() != 0; }));
	});
	EXPECT_EQ(s.b_free1.load(), 1);
	EXPECT_EQ(s.b_free2.load(), 1);
	EXPECT_EQ(s.b_took.load(), 1);
	EXPECT_EQ(s.b_contention.load(), 0u);
	EXPECT_EQ(s.c_took.load(), 1);
	EXPECT_EQ(s.a_saw_released.load(), 1);	// did not run while C held t2
	EXPECT_EQ(s.a_have1, 1);
	EXPECT_EQ(s.a_have2, 1);
	EXPECT_EQ(s.a_owner1, s.a.load());
	EXPECT_EQ(s.a_owner2, s.a.load());
	EXPECT_EQ(owner_of(&s.t1), nullptr);
	EXPECT_EQ(owner_of(&s.t2), nullptr);
}

// gettoken of a token held on the other CPU switches away; the switcher
// skips the waiter (token_contention_count) and runs a lower-priority
// thread of the same CPU first; the waiter gets the token once it is
// released.
TEST_F(Token2, SwitcherSkipsAThreadWhoseTokenIsHeld)
{
	struct S : LockHolder {
		struct lwkt_token tok;
		struct lwkt_tokref hr;	// the holder's
		std::atomic<int> a_got{0};
		std::atomic<int> b_ran{0}, b_saw_a_got{-1};
		std::atomic<u64> b_contention{0};
		int a_saw_b_ran = -1, a_saw_released = -1, a_have = -1;
		u64 a_contention = 0, collisions = 0;
	} s;

	lwkt_token_init(&s.tok, "skip");
	run([&] {
		struct lwkt_tokref r;

		ASSERT_TRUE(s.start([&] { lwkt_gettoken(&s.hr, &s.tok); },
				    [&] { lwkt_reltoken(&s.hr); }));

		u64 c0 = lt::cnt().token_contention_count;
		// Lower priority: runs only if the switcher passes us over.
		spawn_pri(-1, TDPRI_KERN_USER, [&] {
			s.b_saw_a_got = s.a_got.load();
			s.b_contention = lt::cnt().token_contention_count - c0;
			s.b_ran = 1;
			s.release = 1;
		}, "low");
		lwkt_gettoken(&r, &s.tok);
		s.a_got = 1;
		s.a_saw_b_ran = s.b_ran.load();
		s.a_saw_released = s.released.load();
		s.a_have = lwkt_havetoken(&s.tok);
		s.a_contention = lt::cnt().token_contention_count - c0;
		s.collisions = s.tok.t_collisions;
		lwkt_reltoken(&r);
		EXPECT_TRUE(wait_for([&] { return s.done.load() != 0; }));
	});
	EXPECT_EQ(s.b_ran.load(), 1);
	EXPECT_EQ(s.b_saw_a_got.load(), 0);
	// One from gettoken itself, at least one from the switcher's skip.
	EXPECT_GE(s.b_contention.load(), 2u);
	EXPECT_EQ(s.a_saw_b_ran, 1);
	EXPECT_EQ(s.a_saw_released, 1);
	EXPECT_EQ(s.a_have, 1);
	EXPECT_GE(s.a_contention, 2u);
	EXPECT_GE(s.collisions, 1u);
}

// Threads on two CPUs take two tokens in opposite orders, yielding while
// holding; each then updates a plain counter. No deadlock, no overlap,
// no lost update. They start together and go on until both tokens were
// found held by another thread a few times.
TEST_F(Token2, AnyAcquisitionOrderAcrossCpusWithoutDeadlock)
{
	const int iters = 2000 / kScale;
	const int nthreads = 4;
	struct S : Exclusion {
		struct lwkt_token a, b;
		std::atomic<int> not_held{0};
	} s;

	lwkt_token_init(&s.a, "A");
	lwkt_token_init(&s.b, "B");
	run_on_two_cpus(nthreads / 2, [&](int k) {
		struct lwkt_token *first = (k / 2) ? &s.a : &s.b;
		struct lwkt_token *second = (k / 2) ? &s.b : &s.a;
		auto end = std::chrono::steady_clock::now() +
			   std::chrono::seconds(10);
		auto collided = [&] {
			return __atomic_load_n(&s.a.t_collisions, __ATOMIC_RELAXED) >= 20 &&
			       __atomic_load_n(&s.b.t_collisions, __ATOMIC_RELAXED) >= 20;
		};

		long mine = 0;

		s.start_together(nthreads);
		for (int i = 0; i < iters || (!collided() &&
				std::chrono::steady_clock::now() < end); ++i) {
			struct lwkt_tokref r1, r2;

			lwkt_gettoken(&r1, first);
			if (!lwkt_havetoken(first))
				s.not_held.fetch_add(1);
			if (i % 3 == 0)
				lwkt_yield();
			lwkt_gettoken(&r2, second);
			if (!lwkt_havetoken(&s.a) || !lwkt_havetoken(&s.b))
				s.not_held.fetch_add(1);
			if (i % 2 == 0)
				lwkt_yield();
			if (!lwkt_havetoken(&s.a) || !lwkt_havetoken(&s.b))
				s.not_held.fetch_add(1);
			s.update();
			++mine;
			if (i & 1) {
				lwkt_reltoken(&r1);
				lwkt_reltoken(&r2);
			} else {
				lwkt_reltoken(&r2);
				lwkt_reltoken(&r1);
			}
		}
		s.total.fetch_add(mine);
	});
	s.expect_exclusive((long)iters * nthreads);
	EXPECT_EQ(s.not_held.load(), 0);
	// Both tokens were found held by another thread: the test tested.
	EXPECT_GE(s.a.t_collisions, 20u);
	EXPECT_GE(s.b.t_collisions, 20u);
	EXPECT_EQ(owner_of(&s.a), nullptr);
	EXPECT_EQ(owner_of(&s.b), nullptr);
}

// The pool: an address always gives the same token; a range of addresses
// spreads over many tokens; pool tokens work like any other.
TEST_F(Token, PoolHashesAddressesToUsableTokens)
{
	static char buf[64 * 4096] __attribute__((aligned(64)));

	run([] {
		std::set<lwkt_token_t> seen;

		for (int i = 0; i < 1024; ++i) {
			lwkt_token_t t = lwkt_token_pool_get(&buf[64 * i]);

			ASSERT_NE(t, nullptr);
			EXPECT_EQ(t, lwkt_token_pool_get(&buf[64 * i]));
			EXPECT_STREQ(t->t_desc, "pool");
			seen.insert(t);
		}
		EXPECT_GE(seen.size(), 512u);
		EXPECT_LE(seen.size(), (size_t)LWKT_POOLTOKENS);
		EXPECT_EQ(lwkt_token_pool_get(nullptr),
			  lwkt_token_pool_get(nullptr));

		// Two distinct pool tokens, and two addresses sharing one.
		lwkt_token_t t0 = lwkt_token_pool_get(&buf[0]);
		lwkt_token_t t1 = lwkt_token_pool_get(&buf[64]);
		ASSERT_NE(t0, t1);
		int j = -1;
		for (int i = 1; i < 4096 && j < 0; ++i)
			if (lwkt_token_pool_get(&buf[64 * i]) == t0)
				j = i;
		struct lwkt_tokref r0, r1, rj;

		lwkt_gettoken(&r0, t0);
		lwkt_gettoken(&r1, t1);
		EXPECT_EQ(lwkt_havetoken(t0), 1);
		EXPECT_EQ(lwkt_havetoken(t1), 1);
		EXPECT_EQ(t0->t_owner, curthread);
		if (j > 0) {
			// A collision is just recursion on the same token.
			lwkt_gettoken(&rj, lwkt_token_pool_get(&buf[64 * j]));
			lwkt_reltoken(&r0);
			EXPECT_EQ(lwkt_havetoken(t0), 1);
			lwkt_reltoken(&rj);
		} else {
			lwkt_reltoken(&r0);
		}
		EXPECT_EQ(lwkt_havetoken(t0), 0);
		EXPECT_EQ(lwkt_havetoken(t1), 1);
		lwkt_reltoken(&r1);
		EXPECT_EQ(lwkt_havetoken(t1), 0);
		EXPECT_EQ(curthread->td_toks, nullptr);
	});
}

// Pool tokens exclude across CPUs like any token.
TEST_F(Token2, PoolTokenExcludesAcrossCpus)
{
	static long words[2];
	const int iters = 2000 / kScale;
	Exclusion s;

	run_on_two_cpus(2, [&](int) {
		s.start_together(4);
		for (int i = 0; i < iters; ++i) {
			struct lwkt_tokref r;

			lwkt_gettoken(&r, lwkt_token_pool_get(&words[0]));
			if (i % 4 == 0)
				lwkt_yield();
			s.update(1);
			lwkt_reltoken(&r);
		}
	});
	EXPECT_EQ(s.counter, 4L * iters);
	EXPECT_EQ(s.overlaps.load(), 0);
}

// Releasing a tokref the thread does not hold (never taken, or already
// released) logs one line and changes nothing; uninit of a held token
// logs and leaves it held.
TEST_F(Token, BogusReleaseIsLoggedAndIgnored)
{
	run([] {
		struct lwkt_token tok, other;
		struct lwkt_tokref r, r2, never;
		thread_t td = curthread;

		lwkt_token_init(&tok, "bogus");
		lwkt_token_init(&other, "other");
		memset(&never, 0, sizeof(never));
		lwkt_gettoken(&r, &tok);
		lwkt_gettoken(&r2, &tok);

		size_t n = lt::log_size();
		lwkt_reltoken(&never);
		EXPECT_EQ(lt::log_size(), n + 1);
		EXPECT_EQ(lt::log_count("does not hold this tokref"), 1u);
		EXPECT_EQ(td->td_toks, &r2);
		EXPECT_EQ(r2.tr_next, &r);
		EXPECT_EQ(r.tr_next, nullptr);
		EXPECT_EQ(tok.t_owner, td);

		// A tokref naming another token, not linked: the same.
		never.tr_tok = &other;
		never.tr_owner = td;
		lwkt_reltoken(&never);
		EXPECT_EQ(lt::log_size(), n + 2);
		EXPECT_EQ(tok.t_owner, td);
		EXPECT_EQ(td->td_toks, &r2);

		lwkt_reltoken(&r2);
		EXPECT_EQ(tok.t_owner, td);
		lwkt_reltoken(&r2);	// twice
		EXPECT_EQ(lt::log_size(), n + 3);
		EXPECT_EQ(tok.t_owner, td);	// r still holds it
		EXPECT_EQ(td->td_toks, &r);

		lwkt_token_uninit(&tok);	// held: one line, left alone
		EXPECT_EQ(lt::log_size(), n + 4);
		EXPECT_EQ(lt::log_count("still held"), 1u);
		EXPECT_EQ(tok.t_owner, td);

		lwkt_reltoken(&r);
		EXPECT_EQ(tok.t_owner, nullptr);
		EXPECT_EQ(td->td_toks, nullptr);
		lwkt_reltoken(&r);	// after the last
		EXPECT_EQ(lt::log_size(), n + 5);
		EXPECT_EQ(td->td_toks, nullptr);
		EXPECT_EQ(tok.t_owner, nullptr);

		// Still usable.
		EXPECT_EQ(lwkt_trytoken(&r, &tok), 1);
		lwkt_reltoken(&r);
		EXPECT_EQ(tok.t_owner, nullptr);
	});
}

// A thread that exits holding tokens (on this CPU, and on another while a
// thread here waits in gettoken) leaves them free, with one log line each.
TEST_F(Token2, ThreadExitingHoldingTokensFreesThem)
{
	struct S {
		struct lwkt_token t1, t2, t3;
		std::atomic<int> local_held{0}, remote_held{0};
		std::atomic<int> go_exit{0};
	} s;

	lwkt_token_init(&s.t1, "x1");
	lwkt_token_init(&s.t2, "x2");
	lwkt_token_init(&s.t3, "x3");
	run([&] {
		struct lwkt_tokref r;

		// Higher priority: runs to its exit before we go on.
		spawn_pri(-1, TDPRI_KERN_DAEMON + 1, [&] {
			static struct lwkt_tokref a, b;	// outlive the thread

			lwkt_gettoken(&a, &s.t1);
			lwkt_gettoken(&b, &s.t2);
			s.local_held = 1;
		}, "exits");
		EXPECT_TRUE(wait_for([&] { return s.local_held.load() != 0; }));
		EXPECT_TRUE(wait_for([] { return lt::log_count("exits holding tokens") >= 1; }));
		EXPECT_EQ(owner_of(&s.t1), nullptr);
		EXPECT_EQ(owner_of(&s.t2), nullptr);
		u64 c = lt::cnt().token_contention_count;
		lwkt_gettoken(&r, &s.t1);
		EXPECT_EQ(lt::cnt().token_contention_count, c);
		lwkt_reltoken(&r);

		// Remote holder exits while we wait for its token.
		spawn_on(1, [&] {
			static struct lwkt_tokref a;

			lwkt_gettoken(&a, &s.t3);
			s.remote_held = 1;
			EXPECT_TRUE(spin_until([&] { return s.go_exit.load() != 0; }));
			auto end = std::chrono::steady_clock::now() +
				   std::chrono::milliseconds(10);
			spin_until([&] { return std::chrono::steady_clock::now() > end; });
		}, 0, "rexits");
		ASSERT_TRUE(wait_for([&] { return s.remote_held.load() != 0; }));
		s.go_exit = 1;
		lwkt_gettoken(&r, &s.t3);
		EXPECT_EQ(lwkt_havetoken(&s.t3), 1);
		lwkt_reltoken(&r);
		EXPECT_TRUE(wait_for([] { return lt::log_count("exits holding tokens") >= 2; }));
		// The dead thread's tokref is never taken back.
		for (int i = 0; i < 20; ++i)
			lwkt_yield();
		EXPECT_EQ(owner_of(&s.t3), nullptr);
		EXPECT_EQ(lwkt_trytoken(&r, &s.t3), 1);
		lwkt_reltoken(&r);
	});
	EXPECT_EQ(lt::log_count("exits holding tokens"), 2u);
	EXPECT_EQ(owner_of(&s.t1), nullptr);
	EXPECT_EQ(owner_of(&s.t2), nullptr);
	EXPECT_EQ(owner_of(&s.t3), nullptr);
}
