// SPDX-License-Identifier: GPL-2.0
/*
 * lwkt: DragonFly BSD's light weight kernel threads, hosted by one Linux
 * kthread per CPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "linux/internal.h"

static int __init lwkt_module_init(void)
{
	int err;

	err = lwkt_workloads_init();
	if (err)
		return err;
	err = lwkt_oops_init();
	if (err)
		return err;
	err = lwkt_hosts_start();
	if (err)
		goto out_oops;
	err = lwkt_debugfs_init();
	if (err)
		goto out_hosts;
	pr_info("hosting %u cpus\n", lwkt_nr_hosted());
	return 0;

out_hosts:
	lwkt_hosts_stop();
out_oops:
	lwkt_oops_exit();
	return err;
}

static void __exit lwkt_module_exit(void)
{
	/* debugfs first: no workload can start or still run after this. */
	lwkt_debugfs_exit();
	lwkt_hosts_stop();
	lwkt_oops_exit();
	lwkt_ctl_release();
	pr_info("unloaded\n");
}

module_init(lwkt_module_init);
module_exit(lwkt_module_exit);

MODULE_DESCRIPTION("DragonFly BSD light weight kernel threads (LWKT)");
MODULE_LICENSE("GPL");
