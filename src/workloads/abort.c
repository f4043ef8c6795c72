// SPDX-License-Identifier: GPL-2.0
/*
 * Workload "abort iters=K [share=P] [server=A] [client=B] [reuse=1]": a server
 * thread on CPU A, a client on CPU B. The client sends K ABORTABLE
 * asynchronous messages (lwkt_sendmsg), at most LWKT_AB_WINDOW in flight,
 * and aborts about P percent of them (lwkt_abortmsg), each at one of
 * three moments:
 *
 *   at once       right after the send: queued, in transit or in service,
 *                 whatever the abort finds
 *   in service    once the server flagged it received; the server then
 *                 polls lwkt_msg_aborted() (bounded) before replying, so
 *                 the reply must carry MSGF_ABORTED
 *   after reply   when the reply was collected: nothing may happen
 *
 * Replies are collected with lwkt_waitport() on the client's port and
 * counted per message: each must come exactly once. A watchdog thread
 * (lower priority, on the client's CPU) sends the client a sentinel
 * message if no reply comes for LWKT_AB_STALL_NS, so a lost reply ends
 * the run with "lost" instead of hanging it; after such a stall the state
 * is left allocated (a message the core lost may still be referenced).
 *
 * reuse=1 runs K trials of another check with the same three threads
 * instead: a message aborted in service must not stay aborted once it is
 * replied and sent again (abort_reuse.c).
 */
#include <linux/completion.h>
#include <linux/ktime.h>
#include <linux/prandom.h>
#include <linux/slab.h>

#include <lwkt/msgport.h>

#include "linux/internal.h"
#include "workloads/abort.h"
#include "workloads/harness.h"

enum { AB_ITERS, AB_SHARE, AB_SERVER, AB_CLIENT, AB_REUSE };

static const struct lwkt_ctl_key lwkt_abort_keys[] = {
	[AB_ITERS]	= { .name = "iters", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 1000000, .def = 1000 },
	[AB_SHARE]	= { .name = "share", .kind = LWKT_KEY_COUNT,
			    .min = 0, .max = 100, .def = 50 },
	[AB_SERVER]	= { .name = "server", .kind = LWKT_KEY_CPU, .def = 0 },
	[AB_CLIENT]	= { .name = "client", .kind = LWKT_KEY_CPU, .def = 1 },
	[AB_REUSE]	= { .name = "reuse", .kind = LWKT_KEY_COUNT,
			    .min = 0, .max = 1, .def = 0 },
};

#define LWKT_AB_WINDOW		16
/* No reply for this long: the watchdog ends the collection. */
#define LWKT_AB_STALL_NS	(10 * NSEC_PER_SEC)
/* After the last reply: yields spent looking for a late second reply. */
#define LWKT_AB_LATE_YIELDS	2000

enum { AB_NONE, AB_AT_ONCE, AB_IN_SERVICE, AB_AFTER_REPLY };
enum { AB_WD_RUN, AB_WD_DONE, AB_WD_FIRED };

struct lwkt_ab_req {
	struct lwkt_msg msg;
	u8 mode;			/* AB_NONE... */
	u8 in_service;			/* set by the server, release */
	u8 server_saw;			/* the server saw it aborted */
	u32 replies;			/* collected by the client */
	u32 flags;			/* ms_flags when first collected */
	int error;
};

static void lwkt_ab_server(void *arg)
{
	struct lwkt_ab *st = arg;
	struct lwkt_port *port = &curthread->td_msgport;
	struct lwkt_ab_req *r;
	struct lwkt_msg *m;
	u64 deadline;

	while (!st->abandon) {
		m = lwkt_waitport(port);
		if (!m)
			continue;
		if (m->ms_cmd == AB_CMD_FIN) {
			lwkt_replymsg(m, 0);
			break;
		}
		if (m->ms_cmd == AB_CMD_REUSE_A || m->ms_cmd == AB_CMD_REUSE_B) {
			lwkt_ab_reuse_serve(st, m);
			continue;
		}
		r = container_of(m, struct lwkt_ab_req, msg);
		smp_store_release(&r->in_service, 1);
		if (r->mode == AB_IN_SERVICE) {
			deadline = ktime_get_ns() + LWKT_AB_SERVICE_NS;
			while (!lwkt_msg_aborted(m) && ktime_get_ns() < deadline)
				lwkt_yield();
		}
		r->server_saw = lwkt_msg_aborted(m);
		/* Our last touch of r: the client owns it once replied. */
		lwkt_replymsg(m, r->server_saw ? -LWKT_ECONNABORTED : 0);
	}
	complete(&st->server_done);
}

/**
 * lwkt_ab_next - wait for the next message of the client's port
 * @st:		the run
 * @port:	the client's port
 *
 * The watchdog's message is replied here and marks the run stalled.
 *
 * Return: the message, or NULL once stalled.
 */
struct lwkt_msg *lwkt_ab_next(struct lwkt_ab *st, struct lwkt_port *port)
{
	struct lwkt_msg *m;

	do {
		m = lwkt_waitport(port);
	} while (!m);
	if (m == &st->wd_msg) {
		lwkt_replymsg(m, 0);
		WRITE_ONCE(st->stalled, true);
		return NULL;
	}
	WRITE_ONCE(st->progress, st->progress + 1);
	return m;
}

/* Take one message off the client's port; false once stalled. */
static bool lwkt_ab_collect(struct lwkt_ab *st, struct lwkt_port *port,
			    unsigned int *outstanding)
{
	struct lwkt_ab_req *r;
	struct lwkt_msg *m = lwkt_ab_next(st, port);

	if (!m)
		return false;
	if (m == &st->fin) {
		(*outstanding)--;
		return true;
	}
	r = container_of(m, struct lwkt_ab_req, msg);
	if (++r->replies > 1)
		return true;	/* counted as a double reply at the end */
	(*outstanding)--;
	r->flags = READ_ONCE(m->ms_flags);
	r->error = m->ms_error;
	if (r->mode == AB_AFTER_REPLY)
		lwkt_abortmsg(m);	/* replied and collected: a no-op */
	return true;
}

/* Wait (yielding, bounded) until the server has taken @r. */
static void lwkt_ab_wait_taken(struct lwkt_ab_req *r)
{
	u64 deadline = ktime_get_ns() + LWKT_AB_TAKE_NS;

	while (!smp_load_acquire(&r->in_service) && ktime_get_ns() < deadline)
		lwkt_yield();
}

static void lwkt_ab_client(void *arg)
{
	struct lwkt_ab *st = arg;
	struct lwkt_port *port = &curthread->td_msgport;
	struct lwkt_port *sport = &st->server->td_msgport;
	unsigned int outstanding = 0, i;
	bool live = !st->abandon;
	struct rnd_state rnd;
	u64 k;
	u32 r;

	lwkt_harness_seed(&rnd, st->iters);
	if (live && st->reuse)
		live = lwkt_ab_reuse_client(st, port, sport);
	for (k = 0; k < st->iters && live && !st->reuse &&
		    !lwkt_harness_stopping(&st->h); k++) {
		struct lwkt_ab_req *q = &st->req[k];

		r = prandom_u32_state(&rnd);
		q->mode = r % 100 < st->share ? 1 + (r >> 8) % 3 : AB_NONE;
		lwkt_initmsg(&q->msg, port, MSGF_ABORTABLE);
		q->msg.ms_cmd = AB_CMD_WORK;
		q->msg.ms_arg = k;
		lwkt_sendmsg(sport, &q->msg);
		st->sent++;
		outstanding++;
		if (q->mode == AB_AT_ONCE) {
			lwkt_abortmsg(&q->msg);
		} else if (q->mode == AB_IN_SERVICE) {
			lwkt_ab_wait_taken(q);
			lwkt_abortmsg(&q->msg);
		}
		while (live && outstanding >= LWKT_AB_WINDOW)
			live = lwkt_ab_collect(st, port, &outstanding);
	}
	while (live && outstanding)
		live = lwkt_ab_collect(st, port, &outstanding);
	/* A second reply of anything would show up by now. */
	for (i = 0; live && i < LWKT_AB_LATE_YIELDS; i++) {
		struct lwkt_msg *m = lwkt_getport(port);

		if (!m) {
			lwkt_yield();
			continue;
		}
		if (m == &st->wd_msg) {
			lwkt_replymsg(m, 0);
			WRITE_ONCE(st->stalled, true);
			live = false;
		} else if (m != &st->fin) {
			container_of(m, struct lwkt_ab_req, msg)->replies++;
		}
	}
	/* The server leaves. */
	if (live) {
		lwkt_initmsg(&st->fin, port, 0);
		st->fin.ms_cmd = AB_CMD_FIN;
		lwkt_sendmsg(sport, &st->fin);
		outstanding = 1;
		while (live && outstanding)
			live = lwkt_ab_collect(st, port, &outstanding);
	}
	/* The watchdog fired (or is firing): its message must be replied. */
	if (cmpxchg(&st->wd_state, AB_WD_RUN, AB_WD_DONE) == AB_WD_FIRED &&
	    !st->abandon) {
		while (live) {
			struct lwkt_msg *m = lwkt_waitport(port);

			if (m == &st->wd_msg) {
				lwkt_replymsg(m, 0);
				WRITE_ONCE(st->stalled, true);
				live = false;
			} else if (m && m != &st->fin) {
				container_of(m, struct lwkt_ab_req, msg)->replies++;
			}
		}
	}
	lwkt_harness_exit(&st->h, 1);
}

/* Lower priority than the client, on its CPU: runs while it sleeps. */
static void lwkt_ab_watchdog(void *arg)
{
	struct lwkt_ab *st = arg;
	u64 seen = 0, now, since = ktime_get_ns();

	while (!st->abandon && READ_ONCE(st->wd_state) == AB_WD_RUN) {
		now = ktime_get_ns();
		if (READ_ONCE(st->progress) != seen) {
			seen = READ_ONCE(st->progress);
			since = now;
		} else if (now - since > LWKT_AB_STALL_NS &&
			   cmpxchg(&st->wd_state, AB_WD_RUN, AB_WD_FIRED) ==
			   AB_WD_RUN) {
			lwkt_initmsg(&st->wd_msg, &curthread->td_msgport, 0);
			st->wd_msg.ms_cmd = AB_CMD_STALL;
			lwkt_sendmsg(&st->client->td_msgport, &st->wd_msg);
			lwkt_waitmsg(&st->wd_msg);
			break;
		}
		lwkt_yield();
	}
	lwkt_harness_exit(&st->h, 1);
}

static void lwkt_ab_report(struct lwkt_ab *st, struct lwkt_ctl_result *res)
{
	u64 replies = 0, aborted = 0, queued = 0, in_service = 0;
	u64 missed = 0, spurious = 0, dbl = 0, lost = 0, k;

	if (st->reuse) {
		lwkt_ab_reuse_report(st, res);
		return;
	}

	for (k = 0; k < st->sent; k++) {
		struct lwkt_ab_req *r = &st->req[k];
		bool ab = r->flags & MSGF_ABORTED;

		replies += r->replies;
		if (r->replies == 0) {
			lost++;
			continue;
		}
		if (r->replies > 1)
			dbl++;
		if (ab)
			aborted++;
		if (ab && r->server_saw)
			in_service++;
		else if (ab && r->error == -LWKT_ECONNABORTED)
			queued++;
		/* Aborted in service: the server must have seen it. */
		if (r->mode == AB_IN_SERVICE && !(ab && r->server_saw))
			missed++;
		/* Never aborted, or only after the reply: no trace of it. */
		if ((r->mode == AB_NONE || r->mode == AB_AFTER_REPLY) &&
		    (ab || r->server_saw ||
		     (READ_ONCE(r->msg.ms_flags) & MSGF_ABORTED)))
			spurious++;
	}
	lwkt_result_u64(res, "sent", st->sent);
	lwkt_result_u64(res, "replies", replies);
	lwkt_result_u64(res, "aborted", aborted);
	lwkt_result_u64(res, "aborted_queued", queued);
	lwkt_result_u64(res, "aborted_in_service", in_service);
	lwkt_result_u64(res, "abort_missed", missed);
	lwkt_result_u64(res, "spurious_aborts", spurious);
	lwkt_result_u64(res, "double_replies", dbl);
	lwkt_result_u64(res, "lost", lost);
	res->failed = st->sent != st->iters || lost || dbl || missed ||
		      spurious || st->stalled;
}

static int lwkt_abort_run(const struct lwkt_ctl_request *req,
			  struct lwkt_ctl_result *res)
{
	unsigned int scpu = req->args[AB_SERVER], ccpu = req->args[AB_CLIENT];
	struct lwkt_thread *wd;
	struct lwkt_ab *st;
	int err = 0;

	/* Defaults are not checked by the parser; one CPU is no cross-CPU. */
	if (scpu == ccpu || !lwkt_cpu_hosted(scpu) || !lwkt_cpu_hosted(ccpu))
		return -EINVAL;
	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->iters = req->args[AB_ITERS];
	st->share = req->args[AB_SHARE];
	st->reuse = req->args[AB_REUSE];
	st->req = kvcalloc(st->reuse ? 1 : st->iters, sizeof(*st->req),
			   GFP_KERNEL);
	if (!st->req) {
		kfree(st);
		return -ENOMEM;
	}
	st->wd_state = AB_WD_RUN;
	lwkt_harness_init(&st->h, 0);
	/* The client and the watchdog; created stopped, started below. */
	lwkt_harness_enter(&st->h, 2);
	init_completion(&st->server_done);

	/*
	 * All three made stopped, then started. If one cannot be made, the
	 * others are started with abandon set and leave at once.
	 */
	if (lwkt_create(lwkt_ab_server, st, &st->server, NULL, TDF_STOPREQ,
			scpu, "abort/server")) {
		err = -ENOMEM;
		goto out;
	}
	if (lwkt_create(lwkt_ab_client, st, &st->client, NULL, TDF_STOPREQ,
			ccpu, "abort/client")) {
		st->client = NULL;
		st->abandon = true;
		lwkt_harness_exit(&st->h, 1);
	}
	if (lwkt_create(lwkt_ab_watchdog, st, &wd, NULL, TDF_STOPREQ, ccpu,
			"abort/watchdog")) {
		wd = NULL;
		st->abandon = true;
		lwkt_harness_exit(&st->h, 1);
	}
	if (wd)
		lwkt_setpri(wd, TDPRI_KERN_USER);
	lwkt_schedule(st->server);
	if (st->client)
		lwkt_schedule(st->client);
	if (wd)
		lwkt_schedule(wd);

	err = lwkt_harness_join(&st->h);
	if (READ_ONCE(st->stalled)) {
		/* The server may wait forever; the core may hold messages. */
		lwkt_ab_report(st, res);
		return 0;
	}
	wait_for_completion(&st->server_done);
	lwkt_harness_barrier();
	if (st->abandon)
		err = -ENOMEM;
	else if (!err)
		lwkt_ab_report(st, res);
out:
	kvfree(st->req);
	kfree(st);
	return err;
}

const struct lwkt_ctl_workload lwkt_wl_abort = {
	.name	= "abort",
	.help	= "a client aborts ABORTABLE messages to a server on another CPU, queued, in service and replied; each replied once",
	.keys	= lwkt_abort_keys,
	.nkeys	= ARRAY_SIZE(lwkt_abort_keys),
	.run	= lwkt_abort_run,
};
