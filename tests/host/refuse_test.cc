// SPDX-License-Identifier: GPL-2.0
// The host may refuse a switch (the kernel will, while a spinlock, RCU
// read side, preempt-disable or irq-off state is held): counted, logged
// once per CPU, no switch.
#include "log_capture.h"
#include "lwkt_fixture.h"

using SwitchRefused = LwktTest;

TEST_F(SwitchRefused, CountedLoggedOnceAndNoSwitch)
{
	std::vector<std::string> order;
	lt::LogCapture log;

	run([&] {
		lt::Latch l(1);
		u64 refused = lt::cnt().switch_refused;
		u64 switches = lt::cnt().switch_count;

		lt::spawn(TDPRI_KERN_DAEMON, [&] {
			order.push_back("other");
			l.done();
		});
		lwkt_user_set_switch_refused(true);
		lwkt_yield();
		lwkt_switch();
		lwkt_user_set_switch_refused(false);
		order.push_back("still here");
		EXPECT_EQ(lt::cnt().switch_refused, refused + 2);
		EXPECT_EQ(lt::cnt().switch_count, switches);
		lwkt_yield();
		EXPECT_EQ(l.count, 0);
	});
	log.stop();
	EXPECT_EQ(order, (std::vector<std::string>{"still here", "other"}));
	ASSERT_EQ(lt::log_size(), 1u);
	EXPECT_EQ(lt::log_count("switch refused"), 1u);
}
