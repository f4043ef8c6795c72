// SPDX-License-Identifier: GPL-2.0
// Critical sections: nesting in td_pri, deferred work at the last exit,
// underflow detection.
#include "lwkt_fixture.h"

using CritSection = LwktTest;

namespace {
std::vector<std::string> g_panics;
void record_panic(const char *msg) { g_panics.push_back(msg); }
} // namespace

TEST_F(CritSection, NestingCountsInTdPri)
{
	run([] {
		thread_t td = curthread;

		EXPECT_EQ(td->td_pri, TDPRI_KERN_DAEMON);	// started outside
		crit_enter();
		crit_enter_gd(mycpu);
		crit_enter_quick(td);
		EXPECT_EQ(td->td_pri, TDPRI_KERN_DAEMON + 3 * TDPRI_CRIT);
		EXPECT_TRUE(crit_test(td));
		crit_exit_quick(td);
		crit_exit_gd(mycpu);
		EXPECT_EQ(td->td_pri, TDPRI_KERN_DAEMON + TDPRI_CRIT);
		crit_exit();
		EXPECT_EQ(td->td_pri, TDPRI_KERN_DAEMON);
		EXPECT_FALSE(crit_test(td));
	});
}

TEST_F(CritSection, RescheduleIsDeferredToTheLastExit)
{
	std::vector<std::string> order;

	run([&] {
		crit_enter();
		lt::spawn(TDPRI_SOFT_TIMER, [&] { order.push_back("high"); });
		EXPECT_TRUE(mycpu->gd_reqflags & RQF_AST_LWKT_RESCHED);
		crit_enter();
		crit_exit();
		order.push_back("inner exit");
		crit_exit();	// the last level: the higher thread runs now
		order.push_back("after");
		EXPECT_FALSE(mycpu->gd_reqflags & RQF_AST_LWKT_RESCHED);
	});
	EXPECT_EQ(order,
		  (std::vector<std::string>{"inner exit", "high", "after"}));
}

TEST_F(CritSection, PendingIpiWorkRunsAtTheLastExit)
{
	run([] {
		crit_enter();
		__atomic_fetch_or(&mycpu->gd_reqflags, RQF_IPIQ, __ATOMIC_RELAXED);
		crit_enter();
		crit_exit();
		EXPECT_TRUE(mycpu->gd_reqflags & RQF_IPIQ);
		crit_exit();
		EXPECT_FALSE(mycpu->gd_reqflags & RQF_IPIQ);
	});
}

TEST_F(CritSection, StaleRescheduleRequestIsDropped)
{
	run([] {
		crit_enter();
		need_lwkt_resched(mycpu);	// nothing better is runnable
		uint64_t before = mycpu->gd_cnt.switch_count;
		crit_exit();
		EXPECT_EQ(mycpu->gd_cnt.switch_count, before);
		EXPECT_FALSE(mycpu->gd_reqflags & RQF_AST_LWKT_RESCHED);
	});
}

TEST_F(CritSection, UnderflowCallsCritPanic)
{
	g_panics.clear();
	lwkt_user_set_panic_hook(record_panic);
	run([] {
		crit_exit();	// never entered
		// crit_panic left the thread sane: base priority, no level.
		EXPECT_EQ(curthread->td_pri, TDPRI_KERN_DAEMON);
	});
	lwkt_user_set_panic_hook(nullptr);
	ASSERT_EQ(g_panics.size(), 1u);
	EXPECT_NE(g_panics[0].find("crit_panic"), std::string::npos);
}
