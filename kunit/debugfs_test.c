// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: /sys/kernel/debug/lwkt/ holds "stats" and "ctl".
 */
#include <kunit/test.h>
#include <linux/debugfs.h>
#include <linux/dcache.h>

static void lwkt_debugfs_expect(struct kunit *test, struct dentry *dir,
				const char *name, umode_t mode)
{
	struct dentry *d = debugfs_lookup(name, dir);

	KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, d, "%s", name);
	KUNIT_EXPECT_EQ_MSG(test, d_inode(d)->i_mode & 0777, mode, "%s", name);
	dput(d);
}

static void lwkt_debugfs_files_exist(struct kunit *test)
{
	struct dentry *dir = debugfs_lookup("lwkt", NULL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dir);
	KUNIT_EXPECT_TRUE(test, d_is_dir(dir));
	lwkt_debugfs_expect(test, dir, "stats", 0444);
	lwkt_debugfs_expect(test, dir, "ctl", 0644);
	dput(dir);
}

static struct kunit_case lwkt_debugfs_cases[] = {
	KUNIT_CASE(lwkt_debugfs_files_exist),
	{}
};

static struct kunit_suite lwkt_debugfs_suite = {
	.name = "lwkt_debugfs",
	.test_cases = lwkt_debugfs_cases,
};

kunit_test_suites(&lwkt_debugfs_suite);
