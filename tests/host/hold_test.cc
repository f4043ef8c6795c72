// SPDX-License-Identifier: GPL-2.0
// lwkt_hold / lwkt_rele / lwkt_wait_free.
#include "lwkt_fixture.h"

using Hold = LwktTest;

TEST_F(Hold, HeldExitedThreadIsNotRecycled)
{
	run([] {
		thread_t td = lt::spawn(TDPRI_KERN_DAEMON, [] {}, true);

		lwkt_hold(td);
		lwkt_schedule(td);
		lwkt_yield();	// it exits
		EXPECT_TRUE(td->td_flags & TDF_EXITING);
		EXPECT_FALSE(td->td_flags & TDF_DEADTHREAD);
		EXPECT_EQ(mycpu->gd_tdfreecount, 0);
		lwkt_rele(td);
		lt::spawn(TDPRI_KERN_DAEMON, [] {});
		lwkt_yield();	// another exit reaps both
		EXPECT_TRUE(td->td_flags & TDF_DEADTHREAD);
		EXPECT_EQ(mycpu->gd_tdfreecount, 2);
	});
}

TEST_F(Hold, WaitFreeSleepsUntilTheLastRele)
{
	std::vector<std::string> order;

	run([&] {
		lt::Latch l(1);
		thread_t target = lt::spawn(TDPRI_KERN_DAEMON, [] {}, true);

		lwkt_hold(target);
		lwkt_hold(target);
		lt::spawn(TDPRI_KERN_DAEMON, [&] {
			order.push_back("waiting");
			lwkt_wait_free(target);
			order.push_back("free");
			l.done();
		});
		lwkt_yield();	// the waiter blocks
		lwkt_rele(target);
		order.push_back("rele 1");
		lwkt_yield();	// still held: the waiter stays asleep
		lwkt_rele(target);
		order.push_back("rele 2");
		l.wait();
		lwkt_free_thread(target);
	});
	EXPECT_EQ(order, (std::vector<std::string>{"waiting", "rele 1", "rele 2",
						   "free"}));
}

TEST_F(Hold, WaitFreeWithoutReferencesReturnsAtOnce)
{
	run([] {
		thread_t td = lt::spawn(TDPRI_KERN_DAEMON, [] {}, true);
		u64 switches = lt::cnt().switch_count;

		lwkt_wait_free(td);
		EXPECT_EQ(lt::cnt().switch_count, switches);
		lwkt_free_thread(td);
	});
}
