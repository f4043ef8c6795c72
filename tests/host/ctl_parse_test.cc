// SPDX-License-Identifier: GPL-2.0
// The ctl line parser: every error class of the debugfs contract.
#include <gtest/gtest.h>

#include <string>

#include "ctl/ctl.h"
#include <lwkt/errno.h>

namespace {

enum { K_CPU, K_ITERS, K_SIZE };

const lwkt_ctl_key keys[] = {
	[K_CPU] = {"cpu", LWKT_KEY_CPU, 0, 0, 0, true},
	[K_ITERS] = {"iters", LWKT_KEY_COUNT, 1, 0, 7, false},
	[K_SIZE] = {"size", LWKT_KEY_COUNT, 4, 64, 16, false},
};

int run_nothing(const lwkt_ctl_request *, lwkt_ctl_result *) { return 0; }

const lwkt_ctl_workload ping = {"ping", "test", keys, 3, run_nothing};
const lwkt_ctl_workload bare = {"bare", "no keys", nullptr, 0, run_nothing};
const lwkt_ctl_workload *const table[] = {&ping, &bare};

bool two_cpus(u64 cpu) { return cpu < 2; }

struct Parsed {
	int err;
	lwkt_ctl_request req;
	std::string why;
};

Parsed parse(const std::string &line)
{
	Parsed p{};
	char why[128];

	p.err = lwkt_ctl_parse(table, 2, line.data(), line.size(), two_cpus,
			       &p.req, why, sizeof(why));
	if (p.err)
		p.why = why;
	return p;
}

TEST(CtlParse, AcceptsKeysInAnyOrderWithDefaults)
{
	Parsed p = parse("ping iters=5 cpu=1\n");
	ASSERT_EQ(p.err, 0) << p.why;
	EXPECT_EQ(p.req.wl, &ping);
	EXPECT_EQ(p.req.args[K_CPU], 1u);
	EXPECT_EQ(p.req.args[K_ITERS], 5u);
	EXPECT_EQ(p.req.args[K_SIZE], 16u);
}

TEST(CtlParse, ToleratesExtraSpaces)
{
	Parsed p = parse("  ping \t cpu=0   ");
	ASSERT_EQ(p.err, 0) << p.why;
	EXPECT_EQ(p.req.args[K_CPU], 0u);
}

TEST(CtlParse, WorkloadWithoutKeys)
{
	EXPECT_EQ(parse("bare").err, 0);
	EXPECT_EQ(parse("bare x=1").err, -LWKT_EINVAL);
}

TEST(CtlParse, UnknownWorkloadIsEinval)
{
	Parsed p = parse("pong cpu=0");
	EXPECT_EQ(p.err, -LWKT_EINVAL);
	EXPECT_NE(p.why.find("unknown workload 'pong'"), std::string::npos);
	EXPECT_EQ(parse("pin cpu=0").err, -LWKT_EINVAL);
	EXPECT_EQ(parse("pingx cpu=0").err, -LWKT_EINVAL);
}

TEST(CtlParse, EmptyLineIsEinval)
{
	EXPECT_EQ(parse("").err, -LWKT_EINVAL);
	EXPECT_EQ(parse("\n").err, -LWKT_EINVAL);
	EXPECT_EQ(parse("   ").err, -LWKT_EINVAL);
}

TEST(CtlParse, UnknownKeyIsEinval)
{
	Parsed p = parse("ping cpu=0 speed=3");
	EXPECT_EQ(p.err, -LWKT_EINVAL);
	EXPECT_NE(p.why.find("unknown key 'speed'"), std::string::npos);
	EXPECT_EQ(parse("ping cpu=0 iter=3").err, -LWKT_EINVAL);
}

TEST(CtlParse, MalformedIsEinval)
{
	EXPECT_EQ(parse("ping cpu").err, -LWKT_EINVAL);
	EXPECT_EQ(parse("ping =3").err, -LWKT_EINVAL);
	EXPECT_EQ(parse("ping cpu=").err, -LWKT_EINVAL);
	EXPECT_EQ(parse("ping cpu=0 cpu=1").err, -LWKT_EINVAL);
	EXPECT_EQ(parse("ping cpu=0\nping cpu=1").err, -LWKT_EINVAL);
	EXPECT_EQ(parse(std::string("ping cpu=0\0", 11)).err, -LWKT_EINVAL);
}

TEST(CtlParse, NonNumericIsEinval)
{
	EXPECT_EQ(parse("ping cpu=x").err, -LWKT_EINVAL);
	EXPECT_EQ(parse("ping cpu=0 iters=1e3").err, -LWKT_EINVAL);
	EXPECT_EQ(parse("ping cpu=0 iters=-1").err, -LWKT_EINVAL);
	EXPECT_EQ(parse("ping cpu=0 iters=+1").err, -LWKT_EINVAL);
	EXPECT_EQ(parse("ping cpu=0 iters=0x10").err, -LWKT_EINVAL);
	EXPECT_EQ(parse("ping cpu=0 iters= 1").err, -LWKT_EINVAL);
}

TEST(CtlParse, MissingRequiredKeyIsEinval)
{
	Parsed p = parse("ping iters=3");
	EXPECT_EQ(p.err, -LWKT_EINVAL);
	EXPECT_NE(p.why.find("missing key 'cpu'"), std::string::npos);
}

TEST(CtlParse, CountRangeIsErange)
{
	EXPECT_EQ(parse("ping cpu=0 iters=0").err, -LWKT_ERANGE);
	EXPECT_EQ(parse("ping cpu=0 iters=1000000000").err, 0);
	EXPECT_EQ(parse("ping cpu=0 iters=1000000001").err, -LWKT_ERANGE);
	EXPECT_EQ(parse("ping cpu=0 iters=99999999999999999999999").err,
		  -LWKT_ERANGE);
	EXPECT_EQ(parse("ping cpu=0 size=3").err, -LWKT_ERANGE);
	EXPECT_EQ(parse("ping cpu=0 size=65").err, -LWKT_ERANGE);
	EXPECT_EQ(parse("ping cpu=0 size=64").err, 0);
}

TEST(CtlParse, UnhostedCpuIsErange)
{
	Parsed p = parse("ping cpu=2");
	EXPECT_EQ(p.err, -LWKT_ERANGE);
	EXPECT_NE(p.why.find("cpu 2 is not hosted"), std::string::npos);
	EXPECT_EQ(parse("ping cpu=4294967296").err, -LWKT_ERANGE);
	EXPECT_EQ(parse("ping cpu=99999999999999999999").err, -LWKT_ERANGE);
}

TEST(CtlParse, ReasonIsOneBoundedLine)
{
	char why[16];
	lwkt_ctl_request req;
	std::string line = "ping cpu=0 averyveryverylongkeyname=1";

	EXPECT_EQ(lwkt_ctl_parse(table, 2, line.data(), line.size(), two_cpus,
				 &req, why, sizeof(why)),
		  -LWKT_EINVAL);
	EXPECT_EQ(std::string(why).size(), sizeof(why) - 1);
	EXPECT_EQ(std::string(why).find('\n'), std::string::npos);
}

const char *const lock_types[] = {"token", "pool", "spinlock", nullptr};
const lwkt_ctl_key choice_keys[] = {
	{"type", LWKT_KEY_CHOICE, 0, 0, 1, false, lock_types},
	{"n", LWKT_KEY_COUNT, 1, 9, 1, false, nullptr},
};
const lwkt_ctl_workload pick = {"pick", "choice", choice_keys, 2,
				run_nothing};
const lwkt_ctl_workload *const choice_table[] = {&pick};

Parsed parse_choice(const std::string &line)
{
	Parsed p{};
	char why[128];

	p.err = lwkt_ctl_parse(choice_table, 1, line.data(), line.size(),
			       two_cpus, &p.req, why, sizeof(why));
	if (p.err)
		p.why = why;
	return p;
}

TEST(CtlParse, ChoiceKeyGivesTheWordsIndex)
{
	Parsed p = parse_choice("pick type=spinlock n=3");
	ASSERT_EQ(p.err, 0) << p.why;
	EXPECT_EQ(p.req.args[0], 2u);
	EXPECT_EQ(p.req.args[1], 3u);
	p = parse_choice("pick type=token");
	ASSERT_EQ(p.err, 0) << p.why;
	EXPECT_EQ(p.req.args[0], 0u);
	p = parse_choice("pick");
	ASSERT_EQ(p.err, 0) << p.why;
	EXPECT_EQ(p.req.args[0], 1u);	/* the default: "pool" */
}

TEST(CtlParse, ChoiceKeyRejectsOtherWords)
{
	Parsed p = parse_choice("pick type=tok");
	EXPECT_EQ(p.err, -LWKT_EINVAL);
	EXPECT_NE(p.why.find("type must be one of token|pool|spinlock, got 'tok'"),
		  std::string::npos) << p.why;
	EXPECT_EQ(parse_choice("pick type=tokens").err, -LWKT_EINVAL);
	EXPECT_EQ(parse_choice("pick type=").err, -LWKT_EINVAL);
	EXPECT_EQ(parse_choice("pick type=1").err, -LWKT_EINVAL);
	EXPECT_EQ(parse_choice("pick type=pool type=pool").err, -LWKT_EINVAL);
}

} // namespace
