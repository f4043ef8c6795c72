/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cross-CPU workloads (xcpu.c, ipistorm.c, migrate.c,
 * waitq.c) and the debugfs "ipiq" file (ipiq_debugfs.c).
 */
#ifndef LWKT_LINUX_XCPU_H
#define LWKT_LINUX_XCPU_H

#include "ctl/ctl.h"

struct dentry;

extern const struct lwkt_ctl_workload lwkt_wl_xcpu;
extern const struct lwkt_ctl_workload lwkt_wl_ipistorm;
extern const struct lwkt_ctl_workload lwkt_wl_migrate;
extern const struct lwkt_ctl_workload lwkt_wl_waitq;

/* debugfs "ipiq": the per-pair IPI queue state, under @parent. */
void lwkt_ipiq_debugfs_init(struct dentry *parent);

/* One lwkt_host_run_on() per hosted CPU: threads that exited are gone. */
void lwkt_xcpu_barrier(void);

#endif /* LWKT_LINUX_XCPU_H */
