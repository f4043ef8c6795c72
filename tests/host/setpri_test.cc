// SPDX-License-Identifier: GPL-2.0
// lwkt_setpri / lwkt_setpri_self / lwkt_checkpri_self.
#include "log_capture.h"
#include "lwkt_fixture.h"

using SetPri = LwktTest;

TEST_F(SetPri, KeepsTheCriticalCount)
{
	run([] {
		thread_t td = curthread;

		crit_enter();
		crit_enter();
		lwkt_setpri_self(TDPRI_SOFT_TIMER);
		EXPECT_EQ(td->td_pri, TDPRI_SOFT_TIMER + 2 * TDPRI_CRIT);
		crit_exit();
		crit_exit();
		EXPECT_EQ(td->td_pri, TDPRI_SOFT_TIMER);
	});
}

TEST_F(SetPri, RequeuesAtTheTailEvenAtTheSamePriority)
{
	run([] {
		thread_t a = lt::spawn(10, [] {}, true);
		thread_t b = lt::spawn(10, [] {}, true);
		thread_t c = lt::spawn(10, [] {}, true);

		lwkt_schedule(a);
		lwkt_schedule(b);
		lwkt_schedule(c);
		lwkt_setpri(a, 10);
		EXPECT_EQ(lt::queue(10), (std::vector<thread_t>{b, c, a}));
		lwkt_setpri(b, 11);
		EXPECT_EQ(lt::queue(10), (std::vector<thread_t>{c, a}));
		EXPECT_EQ(lt::queue(11), (std::vector<thread_t>{b}));
		EXPECT_TRUE(mycpu->gd_runqmask & (1u << 11));
		// Not queued: only the priority changes.
		lwkt_deschedule(c);
		lwkt_setpri(c, 3);
		EXPECT_EQ(c->td_pri & TDPRI_MASK, 3);
		EXPECT_FALSE(c->td_flags & TDF_RUNQ);
		// Created threads sit in one critical level until first run.
		EXPECT_EQ(c->td_pri, 3 + TDPRI_CRIT);
		for (thread_t t : {a, b, c}) {
			lwkt_deschedule(t);
			lwkt_free_thread(t);
		}
	});
}

TEST_F(SetPri, NeverSwitchesByItself)
{
	std::vector<std::string> order;

	run([&] {
		lt::Latch l(1);
		thread_t x = lt::spawn(TDPRI_KERN_USER, [&] {
			order.push_back("x");
			l.done();
		});

		lwkt_setpri(x, TDPRI_SOFT_NORM);	// now above us
		order.push_back("after setpri");
		EXPECT_EQ(lwkt_checkpri_self(), 1);
		lwkt_setpri_self(TDPRI_KERN_DAEMON);	// no switch either
		order.push_back("after setpri_self");
		lwkt_yield();
		order.push_back("after yield");
		EXPECT_EQ(l.count, 0);
	});
	EXPECT_EQ(order, (std::vector<std::string>{"after setpri",
						   "after setpri_self", "x",
						   "after yield"}));
}

TEST_F(SetPri, LoweringOurselvesDoesNotSwitch)
{
	std::vector<std::string> order;

	run([&] {
		lt::Latch l(1);

		lt::spawn(TDPRI_KERN_USER, [&] {
			order.push_back("x");
			l.done();
		});
		lwkt_setpri_self(TDPRI_USER_NORM);
		order.push_back("lowered");
		EXPECT_EQ(lwkt_checkpri_self(), 1);
		l.wait();
	});
	EXPECT_EQ(order, (std::vector<std::string>{"lowered", "x"}));
}

TEST_F(SetPri, CheckpriSelf)
{
	run([] {
		thread_t eq = lt::spawn(TDPRI_KERN_DAEMON, [] {}, true);
		thread_t hi = lt::spawn(TDPRI_SOFT_NORM, [] {}, true);

		EXPECT_EQ(lwkt_checkpri_self(), 0);
		crit_enter();
		lwkt_schedule(eq);
		EXPECT_EQ(lwkt_checkpri_self(), 0);	// equal is not higher
		lwkt_schedule(hi);
		EXPECT_EQ(lwkt_checkpri_self(), 1);
		lwkt_deschedule(hi);
		EXPECT_EQ(lwkt_checkpri_self(), 0);	// stale mask bit ignored
		lwkt_deschedule(eq);
		crit_exit();
		lwkt_setpri_self(TDPRI_MAX);
		EXPECT_EQ(lwkt_checkpri_self(), 0);	// nothing above 31
		lwkt_free_thread(eq);
		lwkt_free_thread(hi);
	});
}

// Bug 8: a priority above TDPRI_MAX would spill into the critical-section
// count kept above the low 5 bits; lwkt_setpri() and lwkt_setpri_self()
// refuse it (and a negative one) with a log line, leaving the thread as is.
TEST_F(SetPri, Bug8OutOfRangePriorityIsRefused)
{
	lt::LogCapture log;

	run([] {
		thread_t td = curthread;
		thread_t x = lt::spawn(10, [] {}, true);
		int before = td->td_pri;

		lwkt_setpri(x, TDPRI_MAX + 1);
		EXPECT_EQ(x->td_pri, 10 + TDPRI_CRIT);	/* not started: in crit */
		lwkt_setpri(x, -1);
		EXPECT_EQ(x->td_pri, 10 + TDPRI_CRIT);
		lwkt_setpri_self(TDPRI_MAX + 1);
		lwkt_setpri_self(64);
		EXPECT_EQ(td->td_pri, before);
		lwkt_setpri(x, TDPRI_MAX);	/* the top is fine */
		EXPECT_EQ(x->td_pri, TDPRI_MAX + TDPRI_CRIT);
		lwkt_schedule(x);
	});
	log.stop();
	EXPECT_EQ(lt::log_count("out of range"), 4u);
}
