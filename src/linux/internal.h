/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interfaces between the files of the kernel glue. Not installed: other
 * modules use include/lwkt/. The KUnit module reaches a few of these through
 * the LWKT_INTERNAL symbol namespace.
 */
#ifndef LWKT_LINUX_INTERNAL_H
#define LWKT_LINUX_INTERNAL_H

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>

#include <lwkt/thread.h>
#include <lwkt/counters.h>
#include "ctl/ctl.h"
#include "platform.h"

/* td_host[] slot holding the module a thread pins (lwkt_create_owned()). */
#define LWKT_TD_HOST_MODULE	0

DECLARE_PER_CPU(struct task_struct *, lwkt_host_pcpu);
struct lwkt_host;
struct dentry;

/* host.c: one kthread per hosted CPU, "lwkt/N", bound to N. */

/*
 * A function to run on a CPU in LWKT context (lwkt_host_call()): at its
 * next chance, or with @idle once it has nothing runnable.
 */
struct lwkt_host_call {
	void (*fn)(struct lwkt_host_call *call);
	bool idle;
};

int lwkt_hosts_start(void);
void lwkt_hosts_stop(void);
bool lwkt_cpu_hosted(unsigned int cpu);
unsigned int lwkt_nr_hosted(void);
const struct cpumask *lwkt_hosted_mask(void);
struct task_struct *lwkt_host_task(unsigned int cpu);
struct lwkt_globaldata *lwkt_cpu_gd(unsigned int cpu);
int lwkt_host_call(unsigned int cpu, struct lwkt_host_call *call);
/* lwkt_host_run_on() flag, not the core's: no signal cuts the wait short. */
#define LWKT_HOST_NOSIGNAL	0x100
int lwkt_host_run_on(unsigned int cpu, void (*fn)(void *), void *arg,
		     unsigned int flags, long timeout);
/* The platform seam's host half (platform.c calls them). */
void lwkt_host_idle(struct lwkt_host *h);
void lwkt_host_wake(struct lwkt_host *h);
void lwkt_host_kick(struct lwkt_globaldata *gd);

/* job.c: run a function in a new LWKT thread and wait for it. */
struct lwkt_job {
	void (*fn)(void *arg);
	void *arg;
	bool stop;		/* set on a signal: @fn should return soon */
	struct completion done;
};

int lwkt_job_start(struct lwkt_job *job, int cpu, int pri,
		   void (*fn)(void *), void *arg, const char *name);
int lwkt_job_wait(struct lwkt_job *job);
int lwkt_job_wait_timeout(struct lwkt_job *job, long timeout);
int lwkt_job_run(int cpu, int pri, void (*fn)(void *), void *arg,
		 const char *name);

/* stats.c: the per-CPU counters behind debugfs "stats". */
struct lwkt_counters *lwkt_cpu_counters(unsigned int cpu);
void lwkt_counters_sum(struct lwkt_counters *sum);
int lwkt_stats_show(struct seq_file *m, void *unused);

/*
 * ctl.c: run one ctl line, as the debugfs file does. Every refused write
 * (ctl, knobs/) warns through lwkt_write_warn(): one ratelimit for all of
 * them, LWKT_WRITE_WARN_BURST lines per 5 s, so a script looping on a bad
 * line cannot flood the log.
 */
#define LWKT_WRITE_WARN_BURST	10
#define lwkt_warn_limited(rs, fmt, ...)					\
	do {								\
		if (__ratelimit(rs))					\
			pr_warn(fmt, ##__VA_ARGS__);			\
	} while (0)
extern struct ratelimit_state lwkt_write_warn_rs;
#define lwkt_write_warn(fmt, ...)					\
	lwkt_warn_limited(&lwkt_write_warn_rs, fmt, ##__VA_ARGS__)
/*
 * A workload that ran but returned an error (a signal, a failure to run)
 * says so through its own ratelimit: a flood of refused writes must not
 * hide the outcome of the run that follows it.
 */
extern struct ratelimit_state lwkt_run_warn_rs;
#define lwkt_run_warn(fmt, ...)						\
	lwkt_warn_limited(&lwkt_run_warn_rs, fmt, ##__VA_ARGS__)
int lwkt_ctl_exec(const char *line, size_t len);
int lwkt_ctl_show(struct seq_file *m, void *unused);
void lwkt_ctl_release(void);

/* workloads/table.c: the table of workloads behind "ctl", checked at load. */
extern const struct lwkt_ctl_workload *const lwkt_workloads[];
extern const unsigned int lwkt_nr_workloads;
int lwkt_workloads_init(void);

/* platform.c: is current one of the hosts? */
bool lwkt_on_host(void);

/* oops.c: name the LWKT thread in an oops on a host. */
int lwkt_oops_init(void);
void lwkt_oops_exit(void);

/* knobs.c: debugfs knobs/ (untimely_switch, panic_on_cscount) */
void lwkt_knobs_init(struct dentry *parent);

/* threads_debugfs.c: debugfs "threads"; serve a pending snapshot on this CPU. */
void lwkt_threads_init(struct dentry *parent);
void lwkt_threads_serve(struct lwkt_globaldata *gd);

/* debugfs.c */
int lwkt_debugfs_init(void);
void lwkt_debugfs_exit(void);

#endif /* LWKT_LINUX_INTERNAL_H */
