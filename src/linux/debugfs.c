// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/lwkt/: "stats", "ctl", "threads" and knobs/. The file
 * formats are a contract (Documentation/debugfs.rst): later features add
 * lines and workloads, never change existing ones.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "linux/internal.h"
#include "workloads/xcpu.h"

static struct dentry *lwkt_debugfs_dir;

/* lwkt_stats_show() is in stats.c. */
DEFINE_SHOW_ATTRIBUTE(lwkt_stats);

static int lwkt_ctl_open(struct inode *inode, struct file *file)
{
	return single_open(file, lwkt_ctl_show, NULL);
}

static ssize_t lwkt_ctl_write(struct file *file, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	char buf[LWKT_CTL_LINE_MAX];
	int err;

	if (len >= sizeof(buf)) {
		lwkt_write_warn("ctl: line longer than %zu bytes\n",
				sizeof(buf) - 1);
		return -EINVAL;
	}
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	err = lwkt_ctl_exec(buf, len);
	return err ? err : len;
}

static const struct file_operations lwkt_ctl_fops = {
	.owner		= THIS_MODULE,
	.open		= lwkt_ctl_open,
	.read		= seq_read,
	.write		= lwkt_ctl_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

int lwkt_debugfs_init(void)
{
	lwkt_debugfs_dir = debugfs_create_dir("lwkt", NULL);
	if (IS_ERR(lwkt_debugfs_dir)) {
		pr_warn("cannot create debugfs directory: %ld\n",
			PTR_ERR(lwkt_debugfs_dir));
		return PTR_ERR(lwkt_debugfs_dir);
	}
	debugfs_create_file("stats", 0444, lwkt_debugfs_dir, NULL,
			    &lwkt_stats_fops);
	debugfs_create_file("ctl", 0644, lwkt_debugfs_dir, NULL,
			    &lwkt_ctl_fops);
	lwkt_ipiq_debugfs_init(lwkt_debugfs_dir);
	lwkt_knobs_init(lwkt_debugfs_dir);
	lwkt_threads_init(lwkt_debugfs_dir);
	return 0;
}

/* Waits for readers and writers still inside the files (debugfs proxy). */
void lwkt_debugfs_exit(void)
{
	debugfs_remove_recursive(lwkt_debugfs_dir);
	lwkt_debugfs_dir = NULL;
}
