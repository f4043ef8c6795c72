// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs knobs/: DragonFly's "sysctl lwkt.*" switches. Each file reads
 * "0" or "1" and accepts exactly that (one trailing newline allowed);
 * anything else is -EINVAL with one (ratelimited) warning. A write takes
 * effect at once: the core reads the variable each time it needs it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/uaccess.h>

#include "linux/internal.h"

static ssize_t lwkt_knob_read(struct file *file, char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	u32 *knob = file->private_data;
	char buf[3];

	snprintf(buf, sizeof(buf), "%u\n", READ_ONCE(*knob) ? 1 : 0);
	return simple_read_from_buffer(ubuf, len, ppos, buf, 2);
}

static ssize_t lwkt_knob_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	u32 *knob = file->private_data;
	char buf[3] = {};

	if (len == 0 || len > 2 || copy_from_user(buf, ubuf, len) ||
	    (buf[0] != '0' && buf[0] != '1') ||
	    (len == 2 && buf[1] != '\n')) {
		lwkt_write_warn("knobs/%pD: write 0 or 1\n", file);
		return -EINVAL;
	}
	WRITE_ONCE(*knob, buf[0] - '0');
	return len;
}

static const struct file_operations lwkt_knob_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= lwkt_knob_read,
	.write	= lwkt_knob_write,
	.llseek	= default_llseek,
};

void lwkt_knobs_init(struct dentry *parent)
{
	struct dentry *dir = debugfs_create_dir("knobs", parent);

	debugfs_create_file("untimely_switch", 0644, dir,
			    &lwkt_untimely_switch, &lwkt_knob_fops);
	debugfs_create_file("panic_on_cscount", 0644, dir,
			    &lwkt_panic_on_cscount, &lwkt_knob_fops);
}
