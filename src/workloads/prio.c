// SPDX-License-Identifier: GPL-2.0
/*
 * Workload "prio cpu=N": threads at several priorities, made runnable all
 * at once, log the order in which they run (three turns each, yielding in
 * between). Expected: strict priority between levels, round robin inside
 * one ("order_ok 1").
 */
#include <linux/slab.h>

#include "linux/internal.h"

enum { PR_CPU };

static const struct lwkt_ctl_key lwkt_prio_keys[] = {
	[PR_CPU] = { .name = "cpu", .kind = LWKT_KEY_CPU, .required = true },
};

#define LWKT_PRIO_THREADS	7
#define LWKT_PRIO_TURNS		3

/* Two at SOFT_TIMER, three at KERN_DAEMON, one at USER_NORM, one at INT_LOW. */
static const int lwkt_prio_pri[LWKT_PRIO_THREADS] = {
	TDPRI_KERN_DAEMON, TDPRI_SOFT_TIMER, TDPRI_USER_NORM, TDPRI_KERN_DAEMON,
	TDPRI_SOFT_TIMER, TDPRI_INT_LOW, TDPRI_KERN_DAEMON,
};

struct lwkt_prio {
	struct lwkt_job job;
	int log[LWKT_PRIO_THREADS * LWKT_PRIO_TURNS];
	int nlog;
	int id[LWKT_PRIO_THREADS];
	int exited;
	struct lwkt_thread *waiter;
};

struct lwkt_prio_arg {
	struct lwkt_prio *pr;
	int id;
};

static void lwkt_prio_child(void *arg)
{
	struct lwkt_prio_arg *a = arg;
	struct lwkt_prio *pr = a->pr;
	int turn;

	for (turn = 0; turn < LWKT_PRIO_TURNS; turn++) {
		pr->log[pr->nlog++] = a->id;
		lwkt_yield();
	}
	crit_enter();
	if (++pr->exited == LWKT_PRIO_THREADS && pr->waiter)
		lwkt_schedule(pr->waiter);
	crit_exit();
}

static void lwkt_prio_main(void *arg)
{
	struct lwkt_prio_arg args[LWKT_PRIO_THREADS];
	struct lwkt_thread *td[LWKT_PRIO_THREADS];
	struct lwkt_prio *pr = arg;
	struct lwkt_thread *self = curthread;
	int i, n;

	/* We run at TDPRI_MAX: nobody starts before we block. */
	for (n = 0; n < LWKT_PRIO_THREADS; n++) {
		args[n] = (struct lwkt_prio_arg){ .pr = pr, .id = n };
		if (lwkt_create(lwkt_prio_child, &args[n], &td[n], NULL,
				TDF_STOPREQ, -1, "prio/%d", n))
			break;
		lwkt_setpri(td[n], lwkt_prio_pri[n]);
	}
	crit_enter();
	for (i = 0; i < n; i++)
		lwkt_schedule(td[i]);
	pr->exited += LWKT_PRIO_THREADS - n;
	while (pr->exited < LWKT_PRIO_THREADS) {
		pr->waiter = self;
		lwkt_deschedule_self(self);
		lwkt_switch();
	}
	crit_exit();
}

/* The expected log: by priority, highest first; round robin per level. */
static int lwkt_prio_expected(int *want)
{
	int pri, turn, i, n = 0;

	for (pri = TDPRI_MAX; pri >= 0; pri--)
		for (turn = 0; turn < LWKT_PRIO_TURNS; turn++)
			for (i = 0; i < LWKT_PRIO_THREADS; i++)
				if (lwkt_prio_pri[i] == pri)
					want[n++] = i;
	return n;
}

static int lwkt_prio_run(const struct lwkt_ctl_request *req,
			 struct lwkt_ctl_result *res)
{
	int want[LWKT_PRIO_THREADS * LWKT_PRIO_TURNS];
	char order[LWKT_PRIO_THREADS * LWKT_PRIO_TURNS + 1];
	struct lwkt_prio *pr;
	int err, i, n, ok;

	pr = kzalloc(sizeof(*pr), GFP_KERNEL);
	if (!pr)
		return -ENOMEM;
	err = lwkt_job_run(req->args[PR_CPU], TDPRI_MAX, lwkt_prio_main, pr,
			   "prio/main");
	if (!err) {
		n = lwkt_prio_expected(want);
		ok = pr->nlog == n && !memcmp(pr->log, want, sizeof(want));
		for (i = 0; i < pr->nlog; i++)
			order[i] = '0' + pr->log[i];
		order[pr->nlog] = '\0';
		lwkt_result_u64(res, "threads", LWKT_PRIO_THREADS);
		lwkt_result_str(res, "order", order);
		lwkt_result_u64(res, "order_ok", ok);
		res->failed = !ok;
	}
	kfree(pr);
	return err;
}

const struct lwkt_ctl_workload lwkt_wl_prio = {
	.name	= "prio",
	.help	= "strict priority order, round robin within a priority",
	.keys	= lwkt_prio_keys,
	.nkeys	= ARRAY_SIZE(lwkt_prio_keys),
	.run	= lwkt_prio_run,
};
