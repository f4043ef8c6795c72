// SPDX-License-Identifier: GPL-2.0
// The debugfs "threads" view: snapshot of a CPU's threads and its lines.
#include <cstring>
#include <map>
#include <string>

#include <lwkt/token.h>

#include "ctl/threads_view.h"
#include "lwkt_fixture.h"

using Threads = LwktTest;

namespace {

std::string line(const lwkt_thread_snap *s)
{
	char buf[256];

	EXPECT_GT(lwkt_threads_format(s, buf, sizeof(buf)), 0);
	return buf;
}

} // namespace

TEST(ThreadsFormat, HeaderNamesEveryColumn)
{
	EXPECT_EQ(line(nullptr),
		  "tid cpu pri crit flags state refs tokens mpcount switches "
		  "stack_used stack_size wmesg comm\n");
}

TEST(ThreadsFormat, OneLineWithFlagNamesAndState)
{
	lwkt_thread_snap s = {};

	s.tid = 7;
	s.cpu = 2;
	s.pri = 12;
	s.crit = 1;
	s.flags = TDF_RUNQ | TDF_ALLOCATED_STACK;
	s.refs = 1;
	s.switches = 42;
	s.stack_used = 512;
	s.stack_size = 16384;
	strcpy(s.wmesg, "nap");
	strcpy(s.comm, "worker/2");
	EXPECT_EQ(line(&s), "7 2 12 1 RUNQ|ALLOCATED_STACK runq 1 0 0 42 512 "
			    "16384 nap worker/2\n");
	s.tokens = 3;
	s.mpcount = 2;
	EXPECT_EQ(line(&s), "7 2 12 1 RUNQ|ALLOCATED_STACK runq 1 3 2 42 512 "
			    "16384 nap worker/2\n");
}

TEST(ThreadsFormat, NoFlagsIsADashUnknownBitsAreHex)
{
	lwkt_thread_snap s = {};

	strcpy(s.comm, "x");
	EXPECT_NE(line(&s).find(" - blocked "), std::string::npos);
	s.flags = TDF_RUNNING | 0x40000;
	EXPECT_NE(line(&s).find(" RUNNING|0x40000 run "), std::string::npos);
}

TEST(ThreadsFormat, StatePrecedence)
{
	EXPECT_STREQ(lwkt_thread_state_name(0), "blocked");
	EXPECT_STREQ(lwkt_thread_state_name(TDF_RUNQ), "runq");
	EXPECT_STREQ(lwkt_thread_state_name(TDF_RUNQ | TDF_RUNNING), "run");
	EXPECT_STREQ(lwkt_thread_state_name(TDF_MIGRATING | TDF_RUNNING),
		     "migrating");
	EXPECT_STREQ(lwkt_thread_state_name(TDF_EXITING | TDF_RUNNING),
		     "exiting");
}

TEST(ThreadsFormat, TooSmallABufferGivesNothing)
{
	lwkt_thread_snap s = {};
	char buf[10];

	strcpy(s.comm, "a-long-enough-name");
	EXPECT_EQ(lwkt_threads_format(&s, buf, sizeof(buf)), -1);
	EXPECT_STREQ(buf, "");
}

TEST_F(Threads, SnapshotListsExactlyTheLiveThreads)
{
	run([&] {
		thread_t self = curthread;
		thread_t blocked = lt::spawn(TDPRI_KERN_DAEMON, [] {}, true,
					     "blocked");
		thread_t ready = lt::spawn(TDPRI_SOFT_NORM, [] {}, true, "ready");
		lwkt_thread_snap snap[8];
		unsigned int n;

		blocked->td_wmesg = "waiting";
		/* Scheduled from inside a critical section: it cannot run yet. */
		crit_enter();
		lwkt_schedule(ready);
		n = lwkt_threads_snapshot(mycpu, snap, 8);
		/* A capacity too small: the count says how many there are. */
		EXPECT_EQ(lwkt_threads_snapshot(mycpu, snap + 4, 1), 3u);
		crit_exit();
		ASSERT_EQ(n, 3u);
		std::map<std::string, lwkt_thread_snap> by;
		for (unsigned int i = 0; i < n; i++)
			by[snap[i].comm] = snap[i];
		ASSERT_EQ(by.size(), 3u);
		EXPECT_STREQ(lwkt_thread_state_name(by["blocked"].flags), "blocked");
		EXPECT_STREQ(by["blocked"].wmesg, "waiting");
		EXPECT_STREQ(lwkt_thread_state_name(by["ready"].flags), "runq");
		EXPECT_EQ(by["ready"].pri, TDPRI_SOFT_NORM);
		auto &me = by[self->td_comm];
		EXPECT_STREQ(lwkt_thread_state_name(me.flags), "run");
		EXPECT_EQ(me.tid, self->td_tid);
		EXPECT_EQ(me.crit, 1);
		EXPECT_GT(me.stack_used, 0u);
		EXPECT_LT(me.stack_used, me.stack_size);
		lwkt_schedule(blocked);
		lwkt_yield();		/* both run and exit */
		lwkt_yield();
		EXPECT_EQ(lwkt_threads_snapshot(mycpu, snap, 8), 1u);
	});
}

// The tokens column counts the thread's tokrefs (td_toks), a token taken
// twice twice; a holder that blocked keeps its tokrefs (its tokens are
// free meanwhile, and taken back before it runs).
TEST_F(Threads, TokensColumnCountsTokrefs)
{
	run([&] {
		struct lwkt_token a, b;
		struct lwkt_tokref ra1, ra2, rb, rh;
		thread_t self = curthread;
		thread_t holder;
		lwkt_thread_snap snap[8];
		unsigned int n;

		lwkt_token_init(&a, "a");
		lwkt_token_init(&b, "b");
		holder = lt::spawn(TDPRI_KERN_DAEMON, [&] {
			lwkt_gettoken(&rh, &b);
			lt::block();
			lwkt_reltoken(&rh);
		}, false, "holder");
		lwkt_yield();		/* holder takes b and blocks */
		lwkt_gettoken(&ra1, &a);
		lwkt_gettoken(&ra2, &a);	/* recursive: its own tokref */
		ASSERT_EQ(1, lwkt_trytoken(&rb, &b));	/* free: holder is out */

		auto by_comm = [&](const char *comm) {
			for (unsigned int i = 0; i < n; i++)
				if (!strcmp(snap[i].comm, comm))
					return snap[i];
			ADD_FAILURE() << "no thread " << comm;
			return lwkt_thread_snap{};
		};
		crit_enter();
		n = lwkt_threads_snapshot(mycpu, snap, 8);
		crit_exit();
		ASSERT_EQ(n, 2u);
		lwkt_thread_snap me = by_comm(self->td_comm);
		EXPECT_EQ(me.tokens, 3);
		EXPECT_EQ(by_comm("holder").tokens, 1);
		EXPECT_EQ(by_comm("holder").mpcount, 0);
		/* "... state refs tokens mpcount ..." */
		EXPECT_NE(line(&me).find(" run " + std::to_string(me.refs) +
					 " 3 0 "),
			  std::string::npos);

		lwkt_reltoken(&ra2);
		lwkt_reltoken(&rb);
		crit_enter();
		n = lwkt_threads_snapshot(mycpu, snap, 8);
		crit_exit();
		EXPECT_EQ(by_comm(self->td_comm).tokens, 1);
		lwkt_reltoken(&ra1);
		lwkt_schedule(holder);
		lwkt_yield();		/* holder takes b back, releases, exits */
		crit_enter();
		n = lwkt_threads_snapshot(mycpu, snap, 8);
		crit_exit();
		ASSERT_EQ(n, 1u);
		EXPECT_EQ(snap[0].tokens, 0);
		lwkt_token_uninit(&a);
		lwkt_token_uninit(&b);
	});
}
