// SPDX-License-Identifier: GPL-2.0
// Run queues: FIFO per priority, highest first, round robin, lazy mask.
#include "lwkt_fixture.h"

using RunQueue = LwktTest;

TEST_F(RunQueue, EnqueueIsFifoPerPriorityAndSetsMask)
{
	run([] {
		thread_t a = lt::spawn(10, [] {}, true);
		thread_t bb = lt::spawn(10, [] {}, true);
		thread_t c = lt::spawn(10, [] {}, true);

		EXPECT_FALSE(mycpu->gd_runqmask & (1u << 10));
		lwkt_schedule(a);
		lwkt_schedule(bb);
		lwkt_schedule(c);
		EXPECT_TRUE(mycpu->gd_runqmask & (1u << 10));
		EXPECT_EQ(lt::queue(10), (std::vector<thread_t>{a, bb, c}));
		EXPECT_TRUE(c->td_flags & TDF_RUNQ);
		// Scheduling a queued thread again does not queue it twice.
		lwkt_schedule(a);
		EXPECT_EQ(lt::queue(10).size(), 3u);
		lwkt_deschedule(bb);
		EXPECT_FALSE(bb->td_flags & TDF_RUNQ);
		EXPECT_EQ(lt::queue(10), (std::vector<thread_t>{a, c}));
		lwkt_deschedule(a);
		lwkt_deschedule(c);
		lwkt_free_thread(a);
		lwkt_free_thread(bb);
		lwkt_free_thread(c);
	});
}

TEST_F(RunQueue, HighestPriorityRunsFirst)
{
	std::vector<int> order;

	run([&] {
		lt::Latch l(4);

		std::vector<thread_t> tds;

		for (int pri : {5, 20, 9, 15})
			tds.push_back(lt::spawn(pri, [&, pri] {
				order.push_back(pri);
				l.done();
			}, true));
		// Schedule them all from above their priorities, then block.
		lwkt_setpri_self(TDPRI_MAX);
		for (thread_t t : tds)
			lwkt_schedule(t);
		l.wait();
	});
	EXPECT_EQ(order, (std::vector<int>{20, 15, 9, 5}));
}

TEST_F(RunQueue, RoundRobinWithinAPriority)
{
	std::string order;

	run([&] {
		lt::Latch l(3);

		for (char id : {'A', 'B', 'C'})
			lt::spawn(TDPRI_KERN_DAEMON, [&, id] {
				for (int i = 0; i < 3; i++) {
					order += id;
					lwkt_yield();
				}
				l.done();
			});
		l.wait();
	});
	EXPECT_EQ(order, "ABCABCABC");
}

TEST_F(RunQueue, ChosenThreadMovesToTail)
{
	std::vector<thread_t> seen;
	std::vector<thread_t> tds;

	run([&] {
		lt::Latch l(3);
		thread_t a = lt::spawn(10, [&] {
			seen = lt::queue(10);
			l.done();
		}, true);
		thread_t bb = lt::spawn(10, [&] { l.done(); }, true);
		thread_t c = lt::spawn(10, [&] { l.done(); }, true);

		tds = {a, bb, c};
		lwkt_schedule(a);
		lwkt_schedule(bb);
		lwkt_schedule(c);
		l.wait();	// we block: a runs first, queued behind b and c
	});
	ASSERT_EQ(seen.size(), 3u);
	EXPECT_EQ(seen, (std::vector<thread_t>{tds[1], tds[2], tds[0]}));
}

TEST_F(RunQueue, StaleMaskBitsAreClearedLazily)
{
	run([] {
		thread_t hi = lt::spawn(20, [] {}, true);

		crit_enter();
		lwkt_schedule(hi);
		lwkt_deschedule(hi);
		// Dequeue leaves the bit: the switcher cleans it up.
		EXPECT_TRUE(mycpu->gd_runqmask & (1u << 20));
		EXPECT_EQ(lwkt_checkpri_self(), 0);
		crit_exit();
		lwkt_yield();	// finds queue 20 empty, clears it, picks us
		EXPECT_FALSE(mycpu->gd_runqmask & (1u << 20));
		lwkt_free_thread(hi);
	});
}
