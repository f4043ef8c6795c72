// SPDX-License-Identifier: GPL-2.0
// Stopping a CPU with live threads (the kernel's module unload): runnable,
// blocked and forever-yielding threads are all freed, none leaks.
#include <atomic>

#include "log_capture.h"
#include "lwkt_fixture.h"

TEST(Teardown, StopKillsRunnableBlockedAndYieldingThreads)
{
	ASSERT_EQ(0, lwkt_user_start(1));
	static std::atomic<int> yields;

	lt::LogCapture log;
	std::function<void()> setup = [] {
		lt::spawn(TDPRI_KERN_DAEMON, [] { lt::block(); }, false, "blocker");
		lt::spawn(TDPRI_KERN_DAEMON, [] {}, true, "never-scheduled");
		lt::spawn(TDPRI_KERN_DAEMON, [] {
			for (;;) {
				++yields;
				lwkt_yield();
			}
		}, false, "yielder");
	};
	lwkt_user_run(0, TDPRI_KERN_DAEMON, lt::call_body, &setup);
	/* The yielder keeps the CPU busy; the stop must still get through. */
	yields = 0;
	while (yields.load() < 100)
		;
	lwkt_user_stop();
	log.stop();
	lt::bodies.clear();

	EXPECT_EQ(lt::log_count("teardown: killing"), 3u);
	EXPECT_GE(lt::log_count("killing runnable thread yielder"), 1u);
}
