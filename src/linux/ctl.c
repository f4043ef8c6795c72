// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs "ctl": run one workload per write, keep the last result for
 * reads. One workload at a time; a second writer gets -EBUSY at once rather
 * than queueing behind a run that may last minutes.
 *
 * Every error logs one warning (lwkt_write_warn(): ratelimited) and leaves
 * the last result as it was.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <lwkt/errno.h>
#include "linux/internal.h"

/* The core's error numbers are Linux's (include/lwkt/errno.h). */
static_assert(LWKT_EINVAL == EINVAL && LWKT_ERANGE == ERANGE &&
	      LWKT_ENOBUFS == ENOBUFS && LWKT_ENOMEM == ENOMEM &&
	      LWKT_EBUSY == EBUSY && LWKT_EINTR == EINTR &&
	      LWKT_ECONNABORTED == ECONNABORTED);

DEFINE_RATELIMIT_STATE(lwkt_write_warn_rs, 5 * HZ, LWKT_WRITE_WARN_BURST);
DEFINE_RATELIMIT_STATE(lwkt_run_warn_rs, 5 * HZ, LWKT_WRITE_WARN_BURST);

/* Held for the whole run of a workload. */
static DEFINE_MUTEX(lwkt_ctl_run_lock);

/* Protects lwkt_ctl_last, which readers print while a workload runs. */
static DEFINE_MUTEX(lwkt_ctl_result_lock);
static struct lwkt_ctl_result *lwkt_ctl_last;
static const char *lwkt_ctl_last_name;

static bool lwkt_ctl_cpu_hosted(u64 cpu)
{
	return cpu < nr_cpu_ids && lwkt_cpu_hosted(cpu);
}

/**
 * lwkt_ctl_exec - parse and run one ctl line
 * @line:	"<workload> key=value ...", one optional trailing newline
 * @len:	length of @line
 *
 * Return: 0 when the workload ran (its result is then the one "ctl" shows,
 * "status ok" or "status fail"), or -EINVAL, -ERANGE, -EBUSY, -EINTR or
 * -ENOMEM, after one (ratelimited) warning.
 */
int lwkt_ctl_exec(const char *line, size_t len)
{
	struct lwkt_ctl_request req;
	struct lwkt_ctl_result *res;
	char why[128];
	int err;

	if (len >= LWKT_CTL_LINE_MAX) {
		lwkt_write_warn("ctl: line longer than %d bytes\n",
				LWKT_CTL_LINE_MAX - 1);
		return -EINVAL;
	}
	err = lwkt_ctl_parse(lwkt_workloads, lwkt_nr_workloads, line, len,
			     lwkt_ctl_cpu_hosted, &req, why, sizeof(why));
	if (err) {
		lwkt_write_warn("ctl: %s\n", why);
		return err;
	}

	res = kvzalloc(sizeof(*res), GFP_KERNEL);
	if (!res) {
		lwkt_write_warn("ctl: %s: out of memory\n", req.wl->name);
		return -ENOMEM;
	}
	if (!mutex_trylock(&lwkt_ctl_run_lock)) {
		lwkt_write_warn("ctl: %s: another workload is running\n",
				req.wl->name);
		kvfree(res);
		return -EBUSY;
	}

	lwkt_result_reset(res);
	err = req.wl->run(&req, res);
	mutex_unlock(&lwkt_ctl_run_lock);

	if (err) {
		if (err == -EINTR)
			lwkt_run_warn("ctl: %s: interrupted by a signal\n",
				      req.wl->name);
		else
			lwkt_run_warn("ctl: %s: failed to run: %d\n",
				      req.wl->name, err);
		kvfree(res);
		return err;
	}

	mutex_lock(&lwkt_ctl_result_lock);
	swap(res, lwkt_ctl_last);
	lwkt_ctl_last_name = req.wl->name;
	mutex_unlock(&lwkt_ctl_result_lock);
	kvfree(res);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lwkt_ctl_exec, LWKT_INTERNAL);

int lwkt_ctl_show(struct seq_file *m, void *unused)
{
	mutex_lock(&lwkt_ctl_result_lock);
	if (lwkt_ctl_last) {
		seq_printf(m, "workload %s\nstatus %s\n", lwkt_ctl_last_name,
			   lwkt_ctl_last->failed ? "fail" : "ok");
		seq_write(m, lwkt_ctl_last->buf, lwkt_ctl_last->len);
		if (lwkt_ctl_last->truncated)
			seq_puts(m, "truncated 1\n");
	}
	mutex_unlock(&lwkt_ctl_result_lock);
	return 0;
}

/* At unload, after debugfs is gone: nobody can read or run any more. */
void lwkt_ctl_release(void)
{
	kvfree(lwkt_ctl_last);
	lwkt_ctl_last = NULL;
}
