// SPDX-License-Identifier: GPL-2.0
/*
 * "abort reuse=1": K trials of one message aborted in service and replied
 * while the abort is still on its way. The server holds a critical
 * section from taking the message until the client re-sent it, or for
 * LWKT_AB_HOLD_NS, so its CPU runs the abort only then. Collecting the
 * reply waits for the abort, so the second life, sent right after, must
 * not arrive aborted: reuse_hits counts those that did (an abort
 * outliving the message it was meant for, which, had the message been
 * freed instead, would write to freed memory).
 *
 * The server, client and watchdog threads are abort.c's; this file is
 * the trial itself, on both sides, and its result lines.
 */
#include <linux/ktime.h>

#include <lwkt/crit.h>
#include <lwkt/msgport.h>
#include <lwkt/thread.h>

#include <lwkt/errno.h>
#include "workloads/abort.h"

/* How long the server holds its critical section past the reply. */
#define LWKT_AB_HOLD_NS		(2 * NSEC_PER_MSEC)

/* Spin (no switch, no IPI processing inside a critical section). */
static void lwkt_ab_spin_for(u64 *v, u64 want, u64 ns)
{
	u64 deadline = ktime_get_ns() + ns;

	while (smp_load_acquire(v) < want && ktime_get_ns() < deadline)
		cpu_relax();
}

/**
 * lwkt_ab_reuse_serve - the server's side of a trial
 * @st:	the run
 * @m:	the reused message, life A or B of trial k (@m->ms_arg)
 *
 * Life A: flag it taken, then, inside one critical section (IPIs to this
 * CPU wait for its end), let the client abort it, reply it, and let the
 * client collect the reply and send the same message again (life B).
 * Life B: reply it, saying whether it arrived aborted.
 */
void lwkt_ab_reuse_serve(struct lwkt_ab *st, struct lwkt_msg *m)
{
	u64 k = m->ms_arg;

	if (m->ms_cmd == AB_CMD_REUSE_B) {
		lwkt_replymsg(m, lwkt_msg_aborted(m) ? -LWKT_ECONNABORTED : 0);
		return;
	}
	smp_store_release(&st->ru.taken, k + 1);
	crit_enter();
	lwkt_ab_spin_for(&st->ru.step, 2 * k + 1, LWKT_AB_SERVICE_NS);
	lwkt_replymsg(m, 0);
	/* A correct core makes the client wait for us: the hold times out. */
	lwkt_ab_spin_for(&st->ru.step, 2 * k + 2, LWKT_AB_HOLD_NS);
	crit_exit();
}

/**
 * lwkt_ab_reuse_client - the client's side: every trial
 * @st:		the run
 * @port:	the client's port
 * @sport:	the server's
 *
 * One message, sent (life A), aborted while in service, replied,
 * collected, then sent again (life B). The abort reaches the server's
 * CPU only after life B was sent (see lwkt_ab_reuse_serve()): it must not
 * mark life B aborted, which nobody aborted.
 *
 * Return: false once stalled (the watchdog fired), else true.
 */
bool lwkt_ab_reuse_client(struct lwkt_ab *st, struct lwkt_port *port,
			  struct lwkt_port *sport)
{
	struct lwkt_msg *q = &st->ru.msg, *m;
	u64 k, deadline;

	for (k = 0; k < st->iters && !lwkt_harness_stopping(&st->h); k++) {
		lwkt_initmsg(q, port, MSGF_ABORTABLE);
		q->ms_cmd = AB_CMD_REUSE_A;
		q->ms_arg = k;
		lwkt_sendmsg(sport, q);
		deadline = ktime_get_ns() + LWKT_AB_TAKE_NS;
		while (smp_load_acquire(&st->ru.taken) != k + 1 &&
		       ktime_get_ns() < deadline)
			lwkt_yield();
		lwkt_abortmsg(q);
		smp_store_release(&st->ru.step, 2 * k + 1);
		m = lwkt_ab_next(st, port);
		if (!m)
			return false;
		if (READ_ONCE(m->ms_flags) & MSGF_ABORTED)
			st->ru.first_aborted++;
		/* Replied and collected: ours again. */
		lwkt_initmsg(q, port, MSGF_ABORTABLE);
		q->ms_cmd = AB_CMD_REUSE_B;
		q->ms_arg = k;
		lwkt_sendmsg(sport, q);
		smp_store_release(&st->ru.step, 2 * k + 2);
		m = lwkt_ab_next(st, port);
		if (!m)
			return false;
		if (READ_ONCE(m->ms_flags) & MSGF_ABORTED)
			st->ru.hits++;
		st->ru.trials++;
	}
	return true;
}

/**
 * lwkt_ab_reuse_report - the result lines of a reuse=1 run
 * @st:		the run, over
 * @res:	the result
 */
void lwkt_ab_reuse_report(struct lwkt_ab *st, struct lwkt_ctl_result *res)
{
	lwkt_result_u64(res, "reuse_trials", st->ru.trials);
	lwkt_result_u64(res, "reuse_first_aborted", st->ru.first_aborted);
	lwkt_result_u64(res, "reuse_hits", st->ru.hits);
	lwkt_result_u64(res, "lost", st->stalled);
	res->failed = st->ru.trials != st->iters || st->ru.hits ||
		      st->stalled;
}
