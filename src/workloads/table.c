// SPDX-License-Identifier: GPL-2.0
/*
 * The workloads behind debugfs "ctl", in the order "help" lists them.
 *
 * Adding a workload takes two things:
 *  1. a file src/workloads/<name>.c that defines
 *	const struct lwkt_ctl_workload lwkt_wl_<name> = { ... };
 *     with its name, help text, keys (each default within its range) and
 *     run hook (Kbuild builds every .c file of this directory);
 *  2. one X(<name>) line in LWKT_WORKLOADS below.
 * lwkt_workloads_init() checks the table at module load: a bad entry
 * (a name used twice, no run hook, more than LWKT_CTL_MAX_KEYS keys, a
 * default outside its range) refuses the load and names the entry.
 */
#define pr_fmt(fmt) "lwkt: " fmt

#include <linux/module.h>

#include "linux/internal.h"

#define LWKT_WORKLOADS(X)	\
	X(help)			\
	X(ping)			\
	X(pingpong)		\
	X(spawn)		\
	X(prio)			\
	X(preempt)		\
	X(park)			\
	X(warn)			\
	X(sleep)		\
	X(overflow)		\
	X(xcpu)			\
	X(ipistorm)		\
	X(migrate)		\
	X(waitq)		\
	X(ipirate)		\
	X(tokens)		\
	X(mplock)		\
	X(abort)		\
	X(torture)		\
	X(msgport)		\
	X(tokbench)		\
	X(service)

#define LWKT_WL_DECLARE(name)	extern const struct lwkt_ctl_workload lwkt_wl_##name;
#define LWKT_WL_ENTRY(name)	&lwkt_wl_##name,

LWKT_WORKLOADS(LWKT_WL_DECLARE)

const struct lwkt_ctl_workload *const lwkt_workloads[] = {
	LWKT_WORKLOADS(LWKT_WL_ENTRY)
};

const unsigned int lwkt_nr_workloads = ARRAY_SIZE(lwkt_workloads);

/**
 * lwkt_workloads_init - check the workload table at module load
 *
 * Return: 0, or -EINVAL after one pr_err() naming the bad entry.
 */
int lwkt_workloads_init(void)
{
	char why[128];

	if (!lwkt_ctl_check_table(lwkt_workloads, lwkt_nr_workloads, why,
				  sizeof(why)))
		return 0;
	pr_err("bad workload table: %s\n", why);
	return -EINVAL;
}

static int lwkt_wl_help_run(const struct lwkt_ctl_request *req,
			    struct lwkt_ctl_result *res)
{
	lwkt_ctl_format_help(lwkt_workloads, lwkt_nr_workloads,
			     nr_cpu_ids, res);
	return 0;
}

const struct lwkt_ctl_workload lwkt_wl_help = {
	.name	= "help",
	.help	= "list the workloads and their keys",
	.run	= lwkt_wl_help_run,
};
