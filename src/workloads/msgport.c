// SPDX-License-Identifier: GPL-2.0
/*
 * Workload "msgport clients=C iters=K [server=S]": cross-CPU RPC through
 * message ports. A server thread on CPU S (default: the first hosted CPU)
 * serves C client threads spread over the other hosted CPUs (the ones after
 * S first, wrapping around; client i on the i-th of them). Each client
 * does K lwkt_domsg() round trips, then K asynchronous exchanges
 * (lwkt_sendmsg(), up to LWKT_MP_WINDOW in flight, replies collected with
 * lwkt_waitport()). A request carries a payload (ms_arg: client id and
 * sequence number) and the client id; the server answers a function of the
 * payload in ms_result and echoes the client id; the client checks both
 * against what it sent.
 *
 * Then, in the same run, the Linux way: a kthread bound to S serves a
 * kthread bound to the first client CPU through two completions (the
 * client does complete(&req); wait_for_completion(&done)), at most
 * LWKT_MP_BASELINE_MAX round trips. The ratio compares it with the mean
 * lwkt_domsg() round trip of the clients: like for like with clients=1;
 * with more clients, ours includes waiting behind the others at the
 * server.
 */
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include <lwkt/ipiq.h>
#include <lwkt/msgport.h>

#include "linux/internal.h"
#include "workloads/harness.h"

enum { MP_CLIENTS, MP_ITERS, MP_SERVER };

#define LWKT_MP_MAXCLIENTS	64

static const struct lwkt_ctl_key lwkt_msgport_keys[] = {
	[MP_CLIENTS]	= { .name = "clients", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = LWKT_MP_MAXCLIENTS, .def = 1 },
	[MP_ITERS]	= { .name = "iters", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 1000000, .def = 10000 },
	[MP_SERVER]	= { .name = "server", .kind = LWKT_KEY_CPU, .def = 0 },
};

#define LWKT_MP_WINDOW		8	/* async messages in flight per client */
#define LWKT_MP_BASELINE_MAX	20000	/* Linux round trips: calibration only */

enum { MP_RPC = 1, MP_DONE };

/* A request: the message first, then what the server reads and echoes. */
struct lwkt_mp_req {
	struct lwkt_msg msg;
	u32 client;		/* the sender, set by the client */
	u32 echo;		/* the server copies client here */
	u64 expect;		/* the client's copy of ms_arg; server-blind */
};

struct lwkt_mp;

struct lwkt_mp_client {
	struct lwkt_mp *mp;
	u32 id;
	unsigned int cpu;
	struct lwkt_mp_req sync;
	struct lwkt_mp_req async[LWKT_MP_WINDOW];
	struct lwkt_mp_req done;
	u64 rpcs, asyncs, mismatched;
	u64 ns, async_ns;
};

/* The Linux baseline: two kthreads, two completions. */
struct lwkt_mp_base {
	struct completion req, done, finished;
	u64 arg, result;
	bool quit;
	bool stop;		/* a signal: the client stops early */
	u64 iters, trips, mismatched, ns;
};

struct lwkt_mp {
	struct lwkt_job job;		/* the server */
	struct lwkt_thread *server;
	unsigned int server_cpu;
	unsigned int nclients, made;
	u64 iters;
	u64 served, server_bad;
	struct lwkt_mp_client *cl;
};

static inline u64 lwkt_mp_fn(u64 x)
{
	return (x ^ 0x5bd1e9955bd1e995ULL) * 0x9e3779b97f4a7c15ULL;
}

/* The client's verdict on a replied request: 0 good, 1 mismatched. */
static int lwkt_mp_bad(const struct lwkt_mp_req *r, u32 id, int err)
{
	const struct lwkt_msg *m = &r->msg;

	return err || m->ms_error || !(READ_ONCE(m->ms_flags) & MSGF_DONE) ||
	       r->client != id || r->echo != id || m->ms_arg != r->expect ||
	       m->ms_result != lwkt_mp_fn(r->expect);
}

static void lwkt_mp_prep(struct lwkt_mp_req *r, u32 id, u64 seq)
{
	r->expect = (u64)id << 32 | (u32)seq;
	r->msg.ms_arg = r->expect;
	r->msg.ms_result = 0;
	r->echo = ~0u;
}

static void lwkt_mp_client(void *arg)
{
	struct lwkt_mp_client *c = arg;
	struct lwkt_mp *mp = c->mp;
	lwkt_port_t srv = &mp->server->td_msgport;
	lwkt_port_t me = &curthread->td_msgport;
	struct lwkt_mp_req *r = &c->sync;
	u64 i, sent = 0, got = 0, t0;
	lwkt_msg_t m;
	int err, k;

	/* Round trips: lwkt_domsg() sleeps until the reply is back. */
	lwkt_initmsg(&r->msg, me, 0);
	r->msg.ms_cmd = MP_RPC;
	r->client = c->id;
	t0 = ktime_get_ns();
	for (i = 0; i < mp->iters && !READ_ONCE(mp->job.stop); i++) {
		lwkt_mp_prep(r, c->id, i);
		err = lwkt_domsg(srv, &r->msg);
		c->mismatched += lwkt_mp_bad(r, c->id, err);
	}
	c->ns = ktime_get_ns() - t0;
	c->rpcs = i;

	/* Asynchronous: keep the window full; replies queue on our port. */
	for (k = 0; k < LWKT_MP_WINDOW; k++) {
		lwkt_initmsg(&c->async[k].msg, me, 0);
		c->async[k].msg.ms_cmd = MP_RPC;
		c->async[k].client = c->id;
	}
	t0 = ktime_get_ns();
	for (k = 0; k < LWKT_MP_WINDOW && sent < mp->iters &&
		    !READ_ONCE(mp->job.stop); k++) {
		lwkt_mp_prep(&c->async[k], c->id, sent++);
		lwkt_sendmsg(srv, &c->async[k].msg);
	}
	while (got < sent) {
		m = lwkt_waitport(me);
		if (!m)
			continue;
		r = container_of(m, struct lwkt_mp_req, msg);
		if (r < c->async || r >= c->async + LWKT_MP_WINDOW) {
			c->mismatched++;	/* not one of ours: cannot be */
			continue;
		}
		got++;
		c->mismatched += lwkt_mp_bad(r, c->id, 0) ||
				 (READ_ONCE(m->ms_flags) & MSGF_QUEUED);
		if (sent < mp->iters && !READ_ONCE(mp->job.stop)) {
			lwkt_mp_prep(r, c->id, sent++);
			lwkt_sendmsg(srv, &r->msg);
		}
	}
	c->async_ns = ktime_get_ns() - t0;
	c->asyncs = got;

	/*
	 * Tell the server we are done; once this returns, the server may
	 * free everything: touch nothing after it.
	 */
	lwkt_initmsg(&c->done.msg, me, 0);
	c->done.msg.ms_cmd = MP_DONE;
	c->done.client = c->id;
	lwkt_domsg(srv, &c->done.msg);
}

/* The job: create the clients, serve them until each said DONE. */
static void lwkt_mp_main(void *arg)
{
	struct lwkt_mp *mp = arg;
	lwkt_port_t port = &curthread->td_msgport;
	struct lwkt_thread *td[LWKT_MP_MAXCLIENTS];
	struct lwkt_mp_req *r;
	unsigned int i, cpu, done = 0;
	lwkt_msg_t m;

	mp->server = curthread;
	for (i = 0; i < mp->nclients; i++) {
		if (lwkt_create(lwkt_mp_client, &mp->cl[i], &td[i], NULL,
				TDF_STOPREQ, mp->cl[i].cpu, "msgport/c%u", i))
			break;
	}
	mp->made = i;
	for (i = 0; i < mp->made; i++)
		lwkt_schedule(td[i]);

	while (done < mp->made) {
		m = lwkt_waitport(port);
		if (!m)
			continue;
		r = container_of(m, struct lwkt_mp_req, msg);
		switch (m->ms_cmd) {
		case MP_RPC:
			if (m->ms_arg >> 32 != r->client)
				mp->server_bad++;
			m->ms_result = lwkt_mp_fn(m->ms_arg);
			r->echo = r->client;
			mp->served++;
			lwkt_replymsg(m, 0);
			break;
		case MP_DONE:
			done++;
			lwkt_replymsg(m, 0);
			break;
		default:
			mp->server_bad++;
			lwkt_replymsg(m, -EINVAL);
			break;
		}
	}
	/* The DONE replies travel by IPI: let every client CPU run them. */
	for_each_cpu(cpu, lwkt_hosted_mask()) {
		struct lwkt_globaldata *gd = lwkt_cpu_gd(cpu);

		if (cpu != mp->server_cpu)
			lwkt_wait_ipiq(gd, lwkt_seq_ipiq(gd));
	}
}

static int lwkt_mp_bserver(void *arg)
{
	struct lwkt_mp_base *b = arg;

	for (;;) {
		wait_for_completion(&b->req);
		if (READ_ONCE(b->quit))
			break;
		b->result = lwkt_mp_fn(b->arg);
		complete(&b->done);
	}
	return 0;
}

static int lwkt_mp_bclient(void *arg)
{
	struct lwkt_mp_base *b = arg;
	u64 i, t0;

	t0 = ktime_get_ns();
	for (i = 0; i < b->iters && !READ_ONCE(b->stop); i++) {
		b->arg = i * 0x100000001ULL;
		complete(&b->req);
		wait_for_completion(&b->done);
		if (b->result != lwkt_mp_fn(i * 0x100000001ULL))
			b->mismatched++;
	}
	b->ns = ktime_get_ns() - t0;
	b->trips = i;
	WRITE_ONCE(b->quit, true);
	complete(&b->req);
	complete(&b->finished);
	return 0;
}

/* The Linux RPC: a kthread on @scpu serves one on @ccpu. */
static void lwkt_mp_baseline(struct lwkt_mp_base *b, unsigned int scpu,
			     unsigned int ccpu)
{
	struct task_struct *srv, *cli;

	init_completion(&b->req);
	init_completion(&b->done);
	init_completion(&b->finished);
	srv = kthread_create_on_cpu(lwkt_mp_bserver, b, scpu, "lwkt-rpcs/%u");
	if (IS_ERR(srv))
		return;
	cli = kthread_create_on_cpu(lwkt_mp_bclient, b, ccpu, "lwkt-rpcc/%u");
	if (IS_ERR(cli)) {
		kthread_stop(srv);	/* never woken: its function never runs */
		return;
	}
	get_task_struct(srv);
	get_task_struct(cli);
	wake_up_process(srv);
	wake_up_process(cli);
	if (wait_for_completion_interruptible(&b->finished)) {
		WRITE_ONCE(b->stop, true);
		wait_for_completion(&b->finished);
	}
	kthread_stop(cli);
	kthread_stop(srv);
	put_task_struct(cli);
	put_task_struct(srv);
}

static int lwkt_msgport_run(const struct lwkt_ctl_request *req,
			    struct lwkt_ctl_result *res)
{
	unsigned int scpu = req->args[MP_SERVER], ccpu, cpu, i, n;
	unsigned int cpus[LWKT_MP_MAXCLIENTS];	/* client CPUs, in order */
	struct lwkt_mp_base base = { 0 };
	struct lwkt_mp *mp;
	u64 rpcs = 0, asyncs = 0, bad = 0, ns = 0, ans = 0;
	int err;

	/* Defaults are not checked by the parser. */
	if (!lwkt_cpu_hosted(scpu) || lwkt_nr_hosted() < 2)
		return -EINVAL;
	/* Client CPUs: the hosted ones after the server's, then wrapping. */
	n = 0;
	for_each_cpu(cpu, lwkt_hosted_mask()) {
		if (cpu > scpu && n < ARRAY_SIZE(cpus))
			cpus[n++] = cpu;
	}
	for_each_cpu(cpu, lwkt_hosted_mask()) {
		if (cpu < scpu && n < ARRAY_SIZE(cpus))
			cpus[n++] = cpu;
	}
	mp = kzalloc(sizeof(*mp), GFP_KERNEL);
	if (!mp)
		return -ENOMEM;
	mp->nclients = req->args[MP_CLIENTS];
	mp->cl = kcalloc(mp->nclients, sizeof(*mp->cl), GFP_KERNEL);
	if (!mp->cl) {
		kfree(mp);
		return -ENOMEM;
	}
	mp->iters = req->args[MP_ITERS];
	mp->server_cpu = scpu;
	for (i = 0; i < mp->nclients; i++) {
		mp->cl[i].mp = mp;
		mp->cl[i].id = i;
		mp->cl[i].cpu = cpus[i % n];
	}
	ccpu = cpus[0];

	err = lwkt_job_start(&mp->job, scpu, TDPRI_KERN_DAEMON, lwkt_mp_main,
			     mp, "msgport/srv");
	if (!err)
		err = lwkt_job_wait(&mp->job);
	lwkt_harness_barrier();
	if (!err && mp->made < mp->nclients)
		err = -ENOMEM;
	if (err)
		goto out;

	base.iters = min_t(u64, mp->iters, LWKT_MP_BASELINE_MAX);
	lwkt_mp_baseline(&base, scpu, ccpu);
	if (base.stop) {
		err = -EINTR;
		goto out;
	}

	for (i = 0; i < mp->nclients; i++) {
		rpcs += mp->cl[i].rpcs;
		asyncs += mp->cl[i].asyncs;
		bad += mp->cl[i].mismatched;
		ns += mp->cl[i].ns;
		ans += mp->cl[i].async_ns;
	}
	bad += mp->server_bad;
	lwkt_result_u64(res, "clients", mp->nclients);
	lwkt_result_u64(res, "server_cpu", scpu);
	lwkt_result_u64(res, "client_cpu", ccpu);
	lwkt_result_u64(res, "rpcs", rpcs);
	lwkt_result_u64(res, "async", asyncs);
	lwkt_result_u64(res, "served", mp->served);
	lwkt_result_u64(res, "mismatched", bad);
	lwkt_result_u64(res, "ns_per_rpc", rpcs ? div64_u64(ns, rpcs) : 0);
	lwkt_result_u64(res, "ns_per_async", asyncs ? div64_u64(ans, asyncs) : 0);
	lwkt_result_u64(res, "baseline_rpcs", base.trips);
	lwkt_result_u64(res, "baseline_ns_per_rpc",
			base.trips ? div64_u64(base.ns, base.trips) : 0);
	/* ratio = baseline / ours, per round trip, from the exact totals. */
	lwkt_result_ratio(res, "ratio", base.ns * rpcs, ns * base.trips);
	res->failed = rpcs != mp->nclients * mp->iters ||
		      asyncs != mp->nclients * mp->iters ||
		      mp->served != rpcs + asyncs || bad ||
		      !base.trips || base.mismatched;
out:
	kfree(mp->cl);
	kfree(mp);
	return err;
}

const struct lwkt_ctl_workload lwkt_wl_msgport = {
	.name	= "msgport",
	.help	= "clients on other CPUs call a server through msgports (domsg, sendmsg); completion RPC baseline",
	.keys	= lwkt_msgport_keys,
	.nkeys	= ARRAY_SIZE(lwkt_msgport_keys),
	.run	= lwkt_msgport_run,
};
