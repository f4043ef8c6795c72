// SPDX-License-Identifier: GPL-2.0
// Stopping a CPU with live threads (the kernel's module unload): runnable,
// blocked and forever-yielding threads are all freed, none leaks.
#include <atomic>

#include "lwkt_fixture.h"

namespace {

struct Killed {
	static inline std::vector<std::string> logs;
	static void hook(const char *l) { logs.push_back(l); }
};

} // namespace

TEST(Teardown, StopKillsRunnableBlockedAndYieldingThreads)
{
	ASSERT_EQ(0, lwkt_user_start(1));
	static std::atomic<int> yields;

	Killed::logs.clear();
	lwkt_user_set_log_hook(Killed::hook);
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
	lwkt_user_set_log_hook(nullptr);
	lt::bodies.clear();

	int killed = 0;
	for (auto &l : Killed::logs)
		killed += l.find("teardown: killing") != std::string::npos;
	EXPECT_EQ(killed, 3);
	bool yielder_runnable = false;
	for (auto &l : Killed::logs)
		yielder_runnable |= l.find("killing runnable thread yielder") !=
				    std::string::npos;
	EXPECT_TRUE(yielder_runnable);
}
