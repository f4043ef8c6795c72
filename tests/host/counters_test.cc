// SPDX-License-Identifier: GPL-2.0
// The counter list is a debugfs contract: names and order are fixed.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <lwkt/counters.h>

TEST(Counters, NamesAndOrderAreTheContract)
{
	std::vector<std::string> names = {
#define NAME(n) #n,
		LWKT_COUNTERS(NAME)
#undef NAME
	};
	const std::vector<std::string> contract = {
		"switch_count", "preempt_hit", "preempt_miss", "preempt_weird",
		"token_contention_count", "mplock_contention_count",
		"ipiq_count", "ipiq_fifofull", "threads"};

	ASSERT_GE(names.size(), contract.size());
	names.resize(contract.size());
	EXPECT_EQ(names, contract);
	EXPECT_EQ(LWKT_NR_COUNTERS * sizeof(u64), sizeof(lwkt_counters));
}
