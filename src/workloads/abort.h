/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The abort workload's two checks share one run: a server, a client and
 * a watchdog (abort.c). The client runs either the abort mix (abort.c) or,
 * with reuse=1, the reuse trials (abort_reuse.c).
 */
#ifndef LWKT_WORKLOADS_ABORT_H
#define LWKT_WORKLOADS_ABORT_H

#include <lwkt/msgport.h>

#include "ctl/ctl.h"
#include "workloads/harness.h"

/* The server polls an in-service abort this long at most (TCG is slow). */
#define LWKT_AB_SERVICE_NS	(2 * NSEC_PER_SEC)
/* The client waits this long for the server to take a message. */
#define LWKT_AB_TAKE_NS		(2 * NSEC_PER_SEC)

enum { AB_CMD_WORK = 1, AB_CMD_FIN, AB_CMD_STALL, AB_CMD_REUSE_A, AB_CMD_REUSE_B };

struct lwkt_ab_req;

/* reuse=1: the one message, and where each side is (abort_reuse.c). */
struct lwkt_ab_reuse {
	struct lwkt_msg msg;		/* the one message, reused */
	u64 taken;			/* server: took life A of trial k + 1 */
	u64 step;			/* client: 2k + 1 aborted, 2k + 2 re-sent */
	u64 trials, hits, first_aborted;
};

/*
 * One run. @h counts the client and the watchdog; the server has its
 * own completion, since after a stall it is left behind.
 */
struct lwkt_ab {
	struct lwkt_harness h;
	bool stalled;			/* the watchdog fired */
	bool abandon;			/* a thread could not be made */
	bool reuse;			/* reuse=1 */
	u64 iters;
	unsigned int share;
	struct lwkt_thread *server, *client;
	struct lwkt_ab_req *req;
	struct lwkt_msg fin;		/* client -> server: leave */
	struct lwkt_msg wd_msg;		/* watchdog -> client: stalled */
	int wd_state;			/* AB_WD_* */
	u64 progress;			/* replies collected (watchdog reads) */
	struct completion server_done;
	u64 sent;
	struct lwkt_ab_reuse ru;
};

/* abort.c: the next message of the client's port; NULL once stalled. */
struct lwkt_msg *lwkt_ab_next(struct lwkt_ab *st, struct lwkt_port *port);

/* abort_reuse.c */
void lwkt_ab_reuse_serve(struct lwkt_ab *st, struct lwkt_msg *m);
bool lwkt_ab_reuse_client(struct lwkt_ab *st, struct lwkt_port *port,
			  struct lwkt_port *sport);
void lwkt_ab_reuse_report(struct lwkt_ab *st, struct lwkt_ctl_result *res);

#endif /* LWKT_WORKLOADS_ABORT_H */
