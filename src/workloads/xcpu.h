/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The debugfs "ipiq" file (src/linux/ipiq_debugfs.c), the view of the
 * queues the cross-CPU workloads exercise.
 */
#ifndef LWKT_LINUX_XCPU_H
#define LWKT_LINUX_XCPU_H

struct dentry;

/* debugfs "ipiq": the per-pair IPI queue state, under @parent. */
void lwkt_ipiq_debugfs_init(struct dentry *parent);

#endif /* LWKT_LINUX_XCPU_H */
