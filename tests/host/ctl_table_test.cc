// SPDX-License-Identifier: GPL-2.0
// The workload table's check at load (lwkt_ctl_check_table()): one test
// per rule, each with a table that breaks only that rule, and the parser's
// own refusal of a workload with more keys than it holds.
#include <gtest/gtest.h>

#include <string>

#include "ctl/ctl.h"
#include <lwkt/errno.h>

namespace {

int run_nothing(const lwkt_ctl_request *, lwkt_ctl_result *) { return 0; }

const char *const words[] = {"one", "two", nullptr};

const lwkt_ctl_key good_keys[] = {
	{"cpu", LWKT_KEY_CPU, 0, 0, 0, false},
	{"iters", LWKT_KEY_COUNT, 1, 0, 7, false},
	{"size", LWKT_KEY_COUNT, 4, 64, 64, false},
	{"kind", LWKT_KEY_CHOICE, 0, 0, 1, false, words},
};

const lwkt_ctl_workload good = {"good", "fine", good_keys, 4, run_nothing};
const lwkt_ctl_workload bare = {"bare", "no keys", nullptr, 0, run_nothing};

struct Checked {
	int err;
	std::string why;
};

Checked check(std::initializer_list<const lwkt_ctl_workload *> wls)
{
	const lwkt_ctl_workload *table[16];
	unsigned int n = 0;
	char why[128];

	for (const lwkt_ctl_workload *wl : wls)
		table[n++] = wl;
	Checked c{lwkt_ctl_check_table(table, n, why, sizeof(why)), ""};
	if (c.err)
		c.why = why;
	return c;
}

bool names(const Checked &c, const char *what)
{
	return c.why.find(what) != std::string::npos;
}

TEST(CtlTable, AcceptsAGoodTable)
{
	Checked c = check({&good, &bare});
	EXPECT_EQ(c.err, 0) << c.why;
}

TEST(CtlTable, RefusesANullEntry)
{
	Checked c = check({&good, nullptr});
	EXPECT_EQ(c.err, -LWKT_EINVAL);
	EXPECT_TRUE(names(c, "workload 1 is NULL")) << c.why;
}

TEST(CtlTable, RefusesAnEntryWithoutAName)
{
	const lwkt_ctl_workload nameless = {"", "x", nullptr, 0, run_nothing};
	const lwkt_ctl_workload null_name = {nullptr, "x", nullptr, 0,
					     run_nothing};

	Checked c = check({&good, &nameless});
	EXPECT_EQ(c.err, -LWKT_EINVAL);
	EXPECT_TRUE(names(c, "workload 1 has no name")) << c.why;
	EXPECT_EQ(check({&null_name}).err, -LWKT_EINVAL);
}

TEST(CtlTable, RefusesTwoEntriesOfOneName)
{
	const lwkt_ctl_workload again = {"bare", "again", nullptr, 0,
					 run_nothing};

	Checked c = check({&bare, &good, &again});
	EXPECT_EQ(c.err, -LWKT_EINVAL);
	EXPECT_TRUE(names(c, "'bare' listed twice")) << c.why;
	EXPECT_EQ(check({&bare, &bare}).err, -LWKT_EINVAL);
}

TEST(CtlTable, RefusesAnEntryWithoutARunHook)
{
	const lwkt_ctl_workload lazy = {"lazy", "x", nullptr, 0, nullptr};

	Checked c = check({&good, &lazy});
	EXPECT_EQ(c.err, -LWKT_EINVAL);
	EXPECT_TRUE(names(c, "'lazy' has no run hook")) << c.why;
}

const lwkt_ctl_key nine_keys[] = {
	{"a", LWKT_KEY_COUNT, 1, 0, 1, false},
	{"b", LWKT_KEY_COUNT, 1, 0, 1, false},
	{"c", LWKT_KEY_COUNT, 1, 0, 1, false},
	{"d", LWKT_KEY_COUNT, 1, 0, 1, false},
	{"e", LWKT_KEY_COUNT, 1, 0, 1, false},
	{"f", LWKT_KEY_COUNT, 1, 0, 1, false},
	{"g", LWKT_KEY_COUNT, 1, 0, 1, false},
	{"h", LWKT_KEY_COUNT, 1, 0, 1, false},
	{"i", LWKT_KEY_COUNT, 1, 0, 1, false},
};
static_assert(sizeof(nine_keys) / sizeof(nine_keys[0]) ==
	      LWKT_CTL_MAX_KEYS + 1, "one key more than the parser holds");

const lwkt_ctl_workload too_many = {"many", "x", nine_keys,
				    LWKT_CTL_MAX_KEYS + 1, run_nothing};
const lwkt_ctl_workload just_enough = {"enough", "x", nine_keys,
				       LWKT_CTL_MAX_KEYS, run_nothing};

TEST(CtlTable, RefusesMoreKeysThanTheParserHolds)
{
	Checked c = check({&good, &too_many});
	EXPECT_EQ(c.err, -LWKT_EINVAL);
	EXPECT_TRUE(names(c, "'many' has 9 keys")) << c.why;
	EXPECT_EQ(check({&just_enough}).err, 0);
}

TEST(CtlTable, RefusesKeysWithoutAKeyTable)
{
	const lwkt_ctl_workload lost = {"lost", "x", nullptr, 2, run_nothing};

	Checked c = check({&lost});
	EXPECT_EQ(c.err, -LWKT_EINVAL);
	EXPECT_TRUE(names(c, "'lost' has 2 keys but no key table")) << c.why;
}

TEST(CtlTable, RefusesAKeyWithoutAName)
{
	const lwkt_ctl_key keys[] = {
		{"iters", LWKT_KEY_COUNT, 1, 0, 1, false},
		{"", LWKT_KEY_COUNT, 1, 0, 1, false},
	};
	const lwkt_ctl_workload wl = {"wl", "x", keys, 2, run_nothing};

	Checked c = check({&wl});
	EXPECT_EQ(c.err, -LWKT_EINVAL);
	EXPECT_TRUE(names(c, "'wl': key 1 has no name")) << c.why;
}

TEST(CtlTable, RefusesTwoKeysOfOneName)
{
	const lwkt_ctl_key keys[] = {
		{"iters", LWKT_KEY_COUNT, 1, 0, 1, false},
		{"iters", LWKT_KEY_COUNT, 1, 10, 2, false},
	};
	const lwkt_ctl_workload wl = {"wl", "x", keys, 2, run_nothing};

	Checked c = check({&wl});
	EXPECT_EQ(c.err, -LWKT_EINVAL);
	EXPECT_TRUE(names(c, "'wl': key 'iters' listed twice")) << c.why;
}

TEST(CtlTable, RefusesACountDefaultOutsideItsRange)
{
	const lwkt_ctl_key below[] = {{"n", LWKT_KEY_COUNT, 4, 64, 3, false}};
	const lwkt_ctl_key above[] = {{"n", LWKT_KEY_COUNT, 4, 64, 65, false}};
	const lwkt_ctl_key zero[] = {{"n", LWKT_KEY_COUNT, 1, 0, 0, false}};
	const lwkt_ctl_key huge[] = {
		{"n", LWKT_KEY_COUNT, 1, 0, LWKT_CTL_COUNT_MAX + 1, false}};
	const lwkt_ctl_workload wb = {"below", "x", below, 1, run_nothing};
	const lwkt_ctl_workload wa = {"above", "x", above, 1, run_nothing};
	const lwkt_ctl_workload wz = {"zero", "x", zero, 1, run_nothing};
	const lwkt_ctl_workload wh = {"huge", "x", huge, 1, run_nothing};

	Checked c = check({&good, &wb});
	EXPECT_EQ(c.err, -LWKT_EINVAL);
	EXPECT_TRUE(names(c, "'below': key 'n' default 3 outside 4..64"))
		<< c.why;
	c = check({&wa});
	EXPECT_EQ(c.err, -LWKT_EINVAL);
	EXPECT_TRUE(names(c, "default 65 outside 4..64")) << c.why;
	/* max 0 stands for LWKT_CTL_COUNT_MAX, as in the parser. */
	EXPECT_EQ(check({&wz}).err, -LWKT_EINVAL);
	EXPECT_EQ(check({&wh}).err, -LWKT_EINVAL);
}

TEST(CtlTable, RefusesAChoiceDefaultThatIsNotOneOfItsWords)
{
	const lwkt_ctl_key keys[] = {
		{"kind", LWKT_KEY_CHOICE, 0, 0, 2, false, words}};
	const lwkt_ctl_key none[] = {
		{"kind", LWKT_KEY_CHOICE, 0, 0, 0, false, nullptr}};
	const lwkt_ctl_workload wl = {"wl", "x", keys, 1, run_nothing};
	const lwkt_ctl_workload wn = {"wn", "x", none, 1, run_nothing};

	Checked c = check({&wl});
	EXPECT_EQ(c.err, -LWKT_EINVAL);
	EXPECT_TRUE(names(c, "'wl': key 'kind' default 2 is not one of its 2 words"))
		<< c.why;
	EXPECT_EQ(check({&wn}).err, -LWKT_EINVAL);
}

TEST(CtlTable, ReasonIsBoundedAndTerminated)
{
	const lwkt_ctl_workload lazy = {"a-rather-long-workload-name", "x",
					nullptr, 0, nullptr};
	const lwkt_ctl_workload *table[] = {&lazy};
	char why[8];

	EXPECT_EQ(lwkt_ctl_check_table(table, 1, why, sizeof(why)),
		  -LWKT_EINVAL);
	EXPECT_EQ(std::string(why), "workloa");
}

/* A table that skipped the check must not make the parser overflow. */
TEST(CtlTable, ParserRefusesAWorkloadWithMoreKeysThanItHolds)
{
	const lwkt_ctl_workload *table[] = {&too_many, &just_enough};
	lwkt_ctl_request req;
	char why[128];

	memset(&req, 0xa5, sizeof(req));
	EXPECT_EQ(lwkt_ctl_parse(table, 2, "many", 4, nullptr, &req, why,
				 sizeof(why)),
		  -LWKT_EINVAL);
	EXPECT_NE(std::string(why).find("many: more keys than ctl can hold"),
		  std::string::npos) << why;
	/* Nothing past the workload was written. */
	EXPECT_EQ(req.args[0], 0xa5a5a5a5a5a5a5a5ull);
	EXPECT_EQ(lwkt_ctl_parse(table, 2, "enough a=1", 10, nullptr, &req,
				 why, sizeof(why)),
		  0) << why;
	EXPECT_EQ(req.args[0], 1u);
}

} // namespace
