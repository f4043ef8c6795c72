// SPDX-License-Identifier: GPL-2.0
// Strict priority with round robin inside a priority: the order in which
// threads of several priorities that yield in a loop actually run (the
// kernel's "prio" workload in miniature).
#include "lwkt_fixture.h"

using Priority = LwktTest;

TEST_F(Priority, StrictPriorityWithRoundRobin)
{
	std::string order;

	run([&] {
		struct W {
			char id;
			int pri;
		};
		const W ws[] = {{'a', 5}, {'B', 15}, {'x', 10}, {'b', 5},
				{'C', 15}, {'y', 10}};
		lt::Latch l(6);
		std::vector<thread_t> tds;

		for (const W &w : ws)
			tds.push_back(lt::spawn(w.pri, [&, w] {
				for (int i = 0; i < 3; i++) {
					order += w.id;
					lwkt_yield();
				}
				l.done();
			}, true));
		lwkt_setpri_self(TDPRI_INT_HIGH);
		for (thread_t td : tds)
			lwkt_schedule(td);
		l.wait();
	});
	EXPECT_EQ(order, "BCBCBCxyxyxyababab");
}

TEST_F(Priority, HigherThreadScheduledFromLowerRunsAtOnce)
{
	std::vector<std::string> order;

	run([&] {
		lt::spawn(TDPRI_SOFT_NORM, [&] { order.push_back("high"); });
		order.push_back("creator");
	});
	// lwkt_schedule() asked for a reschedule; its own crit_exit did it.
	EXPECT_EQ(order, (std::vector<std::string>{"high", "creator"}));
}

TEST_F(Priority, NoReschedFlagDefersTheSwitch)
{
	std::vector<std::string> order;

	run([&] {
		lt::Latch l(1);
		thread_t td = lt::spawn(TDPRI_SOFT_NORM, [&] {
			order.push_back("high");
			l.done();
		}, true);

		td->td_flags |= TDF_NORESCHED;
		lwkt_schedule(td);
		order.push_back("creator");
		EXPECT_EQ(lwkt_checkpri_self(), 1);
		l.wait();
	});
	EXPECT_EQ(order, (std::vector<std::string>{"creator", "high"}));
}
