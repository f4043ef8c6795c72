// SPDX-License-Identifier: GPL-2.0
/*
 * The table behind debugfs "ctl". Adding a workload = one wl_*.c file that
 * defines its struct lwkt_ctl_workload, plus one line here.
 */
#include "linux/internal.h"
#include "workloads/locks.h"
#include "workloads/torture.h"
#include "workloads/msgwl.h"
#include "workloads/xcpu.h"

const struct lwkt_ctl_workload *const lwkt_workloads[] = {
	&lwkt_wl_help,
	&lwkt_wl_ping,
	&lwkt_wl_pingpong,
	&lwkt_wl_spawn,
	&lwkt_wl_prio,
	&lwkt_wl_preempt,
	&lwkt_wl_park,
	&lwkt_wl_warn,
	&lwkt_wl_sleep,
	&lwkt_wl_overflow,
	&lwkt_wl_xcpu,
	&lwkt_wl_ipistorm,
	&lwkt_wl_migrate,
	&lwkt_wl_waitq,
	&lwkt_wl_ipirate,
	&lwkt_wl_tokens,
	&lwkt_wl_mplock,
	&lwkt_wl_abort,
	&lwkt_wl_torture,
	&lwkt_wl_msgport,
	&lwkt_wl_tokbench,
	&lwkt_wl_service,
};

const unsigned int lwkt_nr_workloads = ARRAY_SIZE(lwkt_workloads);

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
