// SPDX-License-Identifier: GPL-2.0
// The ctl result buffer and the help listing.
#include <gtest/gtest.h>

#include <string>

#include "ctl/ctl.h"

namespace {

struct Result {
	lwkt_ctl_result r;
	Result() { lwkt_result_reset(&r); }
	std::string text() const { return std::string(r.buf, r.len); }
};

TEST(Result, KeyValueLines)
{
	Result res;

	lwkt_result_u64(&res.r, "switches", 18446744073709551615ULL);
	lwkt_result_s64(&res.r, "ran_on", -1);
	lwkt_result_s64(&res.r, "min", -9223372036854775807LL - 1);
	lwkt_result_str(&res.r, "name", "x");
	EXPECT_EQ(res.text(), "switches 18446744073709551615\nran_on -1\n"
			      "min -9223372036854775808\nname x\n");
	EXPECT_FALSE(res.r.failed);
	EXPECT_FALSE(res.r.truncated);
}

TEST(Result, RatioHasTwoRoundedDecimals)
{
	Result res;

	lwkt_result_ratio(&res.r, "a", 1, 3);
	lwkt_result_ratio(&res.r, "b", 2, 3);
	lwkt_result_ratio(&res.r, "c", 999, 1000);
	lwkt_result_ratio(&res.r, "d", 2000, 100);
	lwkt_result_ratio(&res.r, "e", 5, 0);
	lwkt_result_ratio(&res.r, "f", 1, 200);
	lwkt_result_ratio(&res.r, "g", ~0ULL, ~0ULL - 1);
	EXPECT_EQ(res.text(),
		  "a 0.33\nb 0.67\nc 1.00\nd 20.00\ne inf\nf 0.01\ng 1.00\n");
}

TEST(Result, FullBufferDropsWholeLinesAndSaysSo)
{
	Result res;
	std::string key(100, 'k');

	for (int i = 0; i < 100; i++)
		lwkt_result_u64(&res.r, key.c_str(), 12345);
	EXPECT_TRUE(res.r.truncated);
	EXPECT_LT(res.r.len, sizeof(res.r.buf));
	std::string t = res.text();
	ASSERT_FALSE(t.empty());
	EXPECT_EQ(t.back(), '\n');
	EXPECT_EQ(t.size() % (key.size() + 7), 0u);
}

int run_nothing(const lwkt_ctl_request *, lwkt_ctl_result *) { return 0; }

TEST(Result, HelpListsEveryWorkloadAndKey)
{
	const lwkt_ctl_key keys[] = {
		{"cpu", LWKT_KEY_CPU, 0, 0, 0, true},
		{"iters", LWKT_KEY_COUNT, 1, 0, 1, false},
	};
	const lwkt_ctl_workload a = {"ping", "wake a host", keys, 2,
				     run_nothing};
	const lwkt_ctl_workload b = {"help", "this list", nullptr, 0,
				     run_nothing};
	const lwkt_ctl_workload *const table[] = {&b, &a};
	Result res;

	lwkt_ctl_format_help(table, 2, 4, &res.r);
	EXPECT_EQ(res.text(),
		  "help : this list\n"
		  "ping cpu=<hosted cpu 0..3> iters=1..1000000000(default 1)"
		  " : wake a host\n");
}

TEST(Result, HelpListsTheWordsOfAChoiceKey)
{
	const char *const types[] = {"token", "pool", nullptr};
	const lwkt_ctl_key keys[] = {
		{"type", LWKT_KEY_CHOICE, 0, 0, 1, false, types},
		{"mode", LWKT_KEY_CHOICE, 0, 0, 0, true, types},
	};
	const lwkt_ctl_workload a = {"torture", "locks", keys, 2, run_nothing};
	const lwkt_ctl_workload *const table[] = {&a};
	Result res;

	lwkt_ctl_format_help(table, 1, 4, &res.r);
	EXPECT_EQ(res.text(),
		  "torture type=token|pool(default pool) mode=token|pool : locks\n");
}

} // namespace
