// SPDX-License-Identifier: GPL-2.0
// lwkt_preempt: one test per condition of Documentation/design.rst,
// "Preemption".
#include <lwkt/mplock.h>

#include "log_capture.h"
#include "lwkt_fixture.h"

using Preempt = LwktTest;

namespace {

// A thread that preempts whoever schedules it, if the rules allow.
thread_t preemptor(int pri, std::function<void()> f)
{
	thread_t td = lt::spawn(pri, std::move(f), true, "preemptor");

	td->td_preemptable = lwkt_preempt;
	return td;
}

struct Snap {
	u64 hit, miss, weird;
	static Snap now()
	{
		auto &c = lt::cnt();
		return {c.preempt_hit, c.preempt_miss, c.preempt_weird};
	}
};

bool resched_requested()
{
	return mycpu->gd_reqflags & RQF_AST_LWKT_RESCHED;
}

} // namespace

TEST_F(Preempt, HitRunsTheThreadAtOnceAndResumesUsWhenItBlocks)
{
	std::vector<std::string> order;

	run([&] {
		thread_t self = curthread;
		Snap s = Snap::now();
		thread_t p = preemptor(TDPRI_INT_LOW, [&] {
			order.push_back("preemptor");
			EXPECT_EQ(curthread->td_preempted, self);
			EXPECT_TRUE(self->td_flags & TDF_PREEMPT_LOCK);
			lt::block();	// resumes self, wherever it was
			order.push_back("preemptor again");
		});

		lwkt_schedule(p);
		order.push_back("back");
		EXPECT_EQ(Snap::now().hit, s.hit + 1);
		EXPECT_EQ(Snap::now().miss, s.miss);
		EXPECT_FALSE(self->td_flags & (TDF_PREEMPT_LOCK | TDF_PREEMPT_DONE));
		EXPECT_EQ(p->td_preempted, nullptr);
		lwkt_schedule(p);	// preempts again, then exits
		EXPECT_EQ(Snap::now().hit, s.hit + 2);
	});
	EXPECT_EQ(order, (std::vector<std::string>{"preemptor", "back",
						   "preemptor again"}));
}

TEST_F(Preempt, PreemptsEvenADescheduledThread)
{
	std::vector<std::string> order;

	run([&] {
		thread_t self = curthread;
		thread_t p = preemptor(TDPRI_INT_LOW, [&] {
			order.push_back("preemptor");
		});

		crit_enter();
		lwkt_deschedule_self(self);
		crit_exit();
		// Preemption resumes us although we are not on a run queue.
		lwkt_schedule(p);
		order.push_back("back");
		lwkt_schedule_self(self);
	});
	EXPECT_EQ(order, (std::vector<std::string>{"preemptor", "back"}));
}

TEST_F(Preempt, MissWhenNotHigherPriority)
{
	std::vector<std::string> order;

	run([&] {
		lt::Latch l(2);
		Snap s = Snap::now();
		thread_t lower = preemptor(TDPRI_KERN_USER, [&] {
			order.push_back("lower");
			l.done();
		});
		thread_t equal = preemptor(TDPRI_KERN_DAEMON, [&] {
			order.push_back("equal");
			l.done();
		});

		lwkt_schedule(lower);
		lwkt_schedule(equal);
		order.push_back("back");
		EXPECT_EQ(Snap::now().miss, s.miss + 2);
		EXPECT_EQ(Snap::now().hit, s.hit);
		// Not better than us: not even a reschedule request.
		EXPECT_FALSE(resched_requested());
		l.wait();
	});
	EXPECT_EQ(order, (std::vector<std::string>{"back", "equal", "lower"}));
}

TEST_F(Preempt, MissWhenCallerIsInsideACriticalSection)
{
	std::vector<std::string> order;

	run([&] {
		Snap s = Snap::now();
		thread_t p = preemptor(TDPRI_INT_LOW, [&] {
			order.push_back("preemptor");
		});

		crit_enter();	// one level more than lwkt_schedule's own
		lwkt_schedule(p);
		order.push_back("in crit");
		EXPECT_EQ(Snap::now().miss, s.miss + 1);
		EXPECT_TRUE(resched_requested());
		crit_exit();	// the reschedule happens here
		order.push_back("after");
		EXPECT_EQ(Snap::now().hit, s.hit);
	});
	EXPECT_EQ(order, (std::vector<std::string>{"in crit", "preemptor",
						   "after"}));
}

TEST_F(Preempt, CritpriIsTheCallersAllowance)
{
	run([] {
		lt::Latch l(1);
		Snap s = Snap::now();
		thread_t p = preemptor(TDPRI_INT_LOW, [&] { l.done(); });

		// Two levels held, and the caller says it owns two: allowed.
		crit_enter();
		crit_enter();
		lwkt_preempt(p, 2 * TDPRI_CRIT);
		crit_exit();
		crit_exit();
		EXPECT_EQ(Snap::now().hit, s.hit + 1);
		EXPECT_EQ(l.count, 0);
	});
}

TEST_F(Preempt, MissWhenTargetBelongsToAnotherCpu)
{
	run([] {
		Snap s = Snap::now();
		thread_t p = preemptor(TDPRI_INT_LOW, [] {});
		static struct lwkt_globaldata other;	// stands for another CPU

		crit_enter();
		p->td_gd = &other;
		lwkt_preempt(p, TDPRI_CRIT);
		p->td_gd = mycpu;
		EXPECT_EQ(Snap::now().miss, s.miss + 1);
		EXPECT_TRUE(resched_requested());
		crit_exit();
		lwkt_free_thread(p);
	});
}

TEST_F(Preempt, MissWhenTargetHoldsTokens)
{
	run([] {
		Snap s = Snap::now();
		thread_t p = preemptor(TDPRI_INT_LOW, [] {});
		alignas(8) static char fake_tokref[64];

		crit_enter();
		p->td_toks = reinterpret_cast<struct lwkt_tokref *>(fake_tokref);
		lwkt_preempt(p, TDPRI_CRIT);
		p->td_toks = nullptr;
		EXPECT_EQ(Snap::now().miss, s.miss + 1);
		EXPECT_TRUE(resched_requested());
		crit_exit();
		lwkt_free_thread(p);
	});
}

TEST_F(Preempt, SelfNeverPreempts)
{
	run([] {
		Snap s = Snap::now();
		u64 switches = lt::cnt().switch_count;

		crit_enter();
		lwkt_preempt(curthread, TDPRI_CRIT);
		crit_exit();
		// Not higher than itself: the priority rule catches it first.
		EXPECT_EQ(Snap::now().miss, s.miss + 1);
		EXPECT_EQ(Snap::now().hit, s.hit);
		EXPECT_EQ(lt::cnt().switch_count, switches);
	});
}

TEST_F(Preempt, WeirdWhenTargetIsInAPreemption)
{
	run([] {
		thread_t self = curthread;
		lt::Latch l(1);
		Snap s = Snap::now();
		thread_t p = preemptor(TDPRI_INT_LOW, [&] {
			// We preempted self (PREEMPT_LOCK). Drop below it and try
			// to let it preempt us back: refused as weird.
			lwkt_setpri_self(TDPRI_KERN_USER);
			crit_enter();
			lwkt_preempt(self, TDPRI_CRIT);
			EXPECT_TRUE(resched_requested());
			crit_exit();
			l.done();
		});

		lwkt_schedule(p);
		EXPECT_EQ(Snap::now().weird, s.weird + 1);
		EXPECT_EQ(Snap::now().hit, s.hit + 1);
		l.wait();
	});
}

TEST_F(Preempt, WeirdWhenTargetIsItselfPreempting)
{
	run([] {
		Snap s = Snap::now();
		thread_t p = preemptor(TDPRI_INT_LOW, [] {});
		thread_t victim = lt::spawn(TDPRI_IDLE, [] {}, true);

		crit_enter();
		p->td_preempted = victim;	// as if p were mid-preemption
		lwkt_preempt(p, TDPRI_CRIT);
		p->td_preempted = nullptr;
		EXPECT_EQ(Snap::now().weird, s.weird + 1);
		EXPECT_TRUE(resched_requested());
		crit_exit();
		lwkt_free_thread(p);
		lwkt_free_thread(victim);
	});
}

TEST_F(Preempt, PreemptorInheritsTheMpCount)
{
	run([] {
		thread_t self = curthread;
		int inside = -1;
		thread_t p = preemptor(TDPRI_INT_LOW, [&] {
			inside = curthread->td_mpcount;
			lt::block();
		});

		p->td_mpcount = 1;
		self->td_mpcount = 2;
		lwkt_schedule(p);
		EXPECT_EQ(inside, 3);
		EXPECT_EQ(self->td_mpcount, 2);
		EXPECT_EQ(p->td_mpcount, 1);
		self->td_mpcount = 0;
		p->td_mpcount = 0;
		lwkt_schedule(p);	// let it finish
	});
}

TEST_F(Preempt, NestedPreemptionUnwindsInOrder)
{
	std::vector<std::string> order;

	run([&] {
		thread_t q = preemptor(TDPRI_INT_HIGH, [&] {
			order.push_back("q");
		});
		thread_t p = preemptor(TDPRI_INT_LOW, [&] {
			order.push_back("p start");
			lwkt_schedule(q);	// q preempts p
			order.push_back("p end");
		});

		lwkt_schedule(p);
		order.push_back("t");
		EXPECT_EQ(lt::cnt().preempt_hit, 2u);
	});
	EXPECT_EQ(order, (std::vector<std::string>{"p start", "q", "p end",
						   "t"}));
}

TEST_F(Preempt, MissWhenTheHostRefusesTheSwitch)
{
	std::vector<std::string> order;

	run([&] {
		Snap s = Snap::now();
		thread_t p = preemptor(TDPRI_INT_LOW, [&] {
			order.push_back("preemptor");
		});
		u64 refused = lt::cnt().switch_refused;

		lwkt_user_set_switch_refused(true);
		// The preemption is refused, and so is the reschedule at
		// lwkt_schedule()'s own crit_exit: the request stays pending.
		lwkt_schedule(p);
		lwkt_user_set_switch_refused(false);
		EXPECT_EQ(Snap::now().miss, s.miss + 1);
		EXPECT_EQ(lt::cnt().switch_refused, refused + 2);
		EXPECT_TRUE(resched_requested());
		order.push_back("refused");
		crit_enter();
		crit_exit();	// the next preemption point runs p
		order.push_back("after");
	});
	EXPECT_EQ(order, (std::vector<std::string>{"refused", "preemptor",
						   "after"}));
}

namespace {

bool reapq_empty()
{
	return mycpu->gd_tdreapq.next == &mycpu->gd_tdreapq;
}

} // namespace

// Bug 1: a preemptor that exits while the thread it preempted holds the MP
// lock. The count it inherited is the preempted thread's, not its own: the
// exit must leave it for lwkt_switch() to give back (it used to zero it, and
// the preempted thread's count went to -1: an assertion).
TEST_F(Preempt, Bug1PreemptorExitsWhileItsVictimHoldsTheMpLock)
{
	lt::LogCapture log;

	run([] {
		thread_t self = curthread;
		int inside = -1;
		thread_t p = preemptor(TDPRI_INT_LOW, [&] {
			inside = curthread->td_mpcount;	/* lent: 1 */
		});

		get_mplock();
		lwkt_schedule(p);	/* runs p at once; p returns and exits */
		EXPECT_EQ(inside, 1);
		EXPECT_EQ(self->td_mpcount, 1);
		EXPECT_EQ(lwkt_mp_lock_held(), 1);
		rel_mplock();
		EXPECT_EQ(self->td_mpcount, 0);
		EXPECT_EQ(lwkt_mp_lock_held(), 0);
	});
	log.stop();
	/* It held nothing of its own: nothing to report. */
	EXPECT_EQ(lt::log_count("exits holding"), 0u);
}

// Bug 1, its own holds: a preemptor that takes the MP lock itself and exits
// holding it loses only its own holds (one log line); the preempted
// thread's stay.
TEST_F(Preempt, Bug1PreemptorExitsHoldingItsOwnMpLockOnTopOfItsVictims)
{
	lt::LogCapture log;

	run([] {
		thread_t self = curthread;
		thread_t p = preemptor(TDPRI_INT_LOW, [] {
			get_mplock();
			get_mplock();	/* 2 own + 2 lent */
		});

		get_mplock();
		get_mplock();
		lwkt_schedule(p);
		EXPECT_EQ(self->td_mpcount, 2);
		EXPECT_EQ(lwkt_mp_lock_held(), 1);
		rel_mplock();
		rel_mplock();
		EXPECT_EQ(lwkt_mp_lock_held(), 0);
	});
	log.stop();
	EXPECT_EQ(lt::log_count("exits holding"), 1u);
}

// Bug 1 without a preemption: the MP lock held at exit goes with the thread.
TEST_F(Preempt, Bug1ExitHoldingTheMpLockReleasesIt)
{
	lt::LogCapture log;

	run([] {
		lt::Latch l(1);

		lt::spawn(TDPRI_KERN_DAEMON + 1, [&] {
			get_mplock();
			l.done();
		});
		l.wait();
		lwkt_yield();
		EXPECT_EQ(lwkt_mp_lock_held(), 0);
	});
	log.stop();
	EXPECT_EQ(lt::log_count("exits holding"), 1u);
}

// Bug 8: a preemptor that exits is reaped as soon as the thread it
// preempted resumes, not at the CPU's next idle pass (which pinned its
// module meanwhile).
TEST_F(Preempt, Bug8ExitedPreemptorIsReapedAtOnce)
{
	run([] {
		int before = static_cast<int>(lt::cnt().threads);
		thread_t p = preemptor(TDPRI_INT_LOW, [] {});

		lwkt_schedule(p);	/* p runs and exits right here */
		EXPECT_EQ(static_cast<int>(lt::cnt().threads), before);
		EXPECT_TRUE(reapq_empty());
	});
}
