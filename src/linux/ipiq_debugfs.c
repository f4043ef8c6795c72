// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs "ipiq": the state of every IPI queue, one line per ordered pair
 * (src, dst) of hosted CPUs, src != dst. The queue lives with its target
 * (dst's gd_ipiq[src]); its fields are written by the two CPUs without
 * a lock, so a line is a snapshot and its fields may be a few messages
 * apart (depth is windex - rindex as read).
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include <lwkt/ipiq.h>

#include "linux/internal.h"
#include "workloads/xcpu.h"

static int lwkt_ipiq_show(struct seq_file *m, void *unused)
{
	unsigned int src, dst;

	seq_puts(m, "src dst windex rindex xindex depth hiwat sent received\n");
	for_each_cpu(src, lwkt_hosted_mask()) {
		for_each_cpu(dst, lwkt_hosted_mask()) {
			struct lwkt_ipiq *ip;
			lwkt_seq_t w, r;

			if (src == dst)
				continue;
			ip = &lwkt_cpu_gd(dst)->gd_ipiq[src];
			w = READ_ONCE(ip->ip_windex);
			r = READ_ONCE(ip->ip_rindex);
			seq_printf(m, "%u %u %llu %llu %llu %llu %u %llu %llu\n",
				   src, dst, w, r, READ_ONCE(ip->ip_xindex),
				   w - r, READ_ONCE(ip->ip_hiwat),
				   READ_ONCE(ip->ip_sent),
				   READ_ONCE(ip->ip_received));
		}
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lwkt_ipiq);

void lwkt_ipiq_debugfs_init(struct dentry *parent)
{
	debugfs_create_file("ipiq", 0444, parent, NULL, &lwkt_ipiq_fops);
}
