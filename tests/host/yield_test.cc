// SPDX-License-Identifier: GPL-2.0
// lwkt_yield, lwkt_yield_quick and the untimely_switch knob.
#include "lwkt_fixture.h"

using Yield = LwktTest;

TEST_F(Yield, YieldsToEqualPriority)
{
	std::vector<std::string> order;

	run([&] {
		lt::spawn(TDPRI_KERN_DAEMON, [&] { order.push_back("other"); });
		lwkt_yield();
		order.push_back("back");
	});
	EXPECT_EQ(order, (std::vector<std::string>{"other", "back"}));
}

TEST_F(Yield, DoesNotYieldToLowerPriority)
{
	std::vector<std::string> order;

	run([&] {
		lt::Latch l(1);

		lt::spawn(TDPRI_KERN_USER, [&] {
			order.push_back("low");
			l.done();
		});
		lwkt_yield();
		order.push_back("back");
		l.wait();
	});
	EXPECT_EQ(order, (std::vector<std::string>{"back", "low"}));
}

TEST_F(Yield, YieldWhenDescheduledReschedulesUs)
{
	run([] {
		thread_t td = curthread;

		lwkt_deschedule_self(td);
		EXPECT_FALSE(td->td_flags & TDF_RUNQ);
		lwkt_yield();	// schedules us again, so we come back
		EXPECT_TRUE(td->td_flags & TDF_RUNQ);
	});
}

TEST_F(Yield, YieldQuickDoesNotSwitchByDefault)
{
	std::vector<std::string> order;

	run([&] {
		lt::Latch l(1);

		lt::spawn(TDPRI_KERN_DAEMON, [&] {
			order.push_back("other");
			l.done();
		});
		lwkt_yield_quick();
		order.push_back("after quick");
		l.wait();
	});
	EXPECT_EQ(order, (std::vector<std::string>{"after quick", "other"}));
}

TEST_F(Yield, UntimelySwitchForcesASwitch)
{
	std::vector<std::string> order;

	run([&] {
		thread_t td = curthread;
		lt::Latch l(2);

		__atomic_store_n(&lwkt_untimely_switch, 1, __ATOMIC_RELAXED);
		lt::spawn(TDPRI_KERN_DAEMON, [&] {
			order.push_back("other1");
			l.done();
		});
		lwkt_yield_quick();
		order.push_back("scheduled");
		EXPECT_TRUE(td->td_flags & TDF_RUNQ);

		// Descheduled (about to block): switched, and still descheduled.
		lt::spawn(TDPRI_KERN_DAEMON, [&] {
			order.push_back("other2");
			l.done();
		});
		crit_enter();
		lwkt_deschedule_self(td);
		lwkt_yield_quick();
		EXPECT_FALSE(td->td_flags & TDF_RUNQ);
		lwkt_schedule_self(td);
		crit_exit();
		order.push_back("descheduled");
		__atomic_store_n(&lwkt_untimely_switch, 0, __ATOMIC_RELAXED);
		l.wait();
	});
	EXPECT_EQ(order, (std::vector<std::string>{"other1", "scheduled",
						   "other2", "descheduled"}));
}
