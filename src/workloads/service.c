// SPDX-License-Identifier: GPL-2.0
/*
 * Workload "service [clients=C] [requests=R] [keys=K]": a tiny key-value
 * service built the LWKT way. Each hosted CPU (the first 64) runs one
 * server thread that owns a shard of a table of K keys (key k belongs to
 * shard k mod N): only that thread ever touches the shard, so it needs no
 * lock. C client threads on every hosted CPU each send R get/put requests
 * for pseudo-random keys to the owner's message port, alternately one
 * lwkt_domsg() and a burst of LWKT_SV_WINDOW lwkt_sendmsg() collected with
 * lwkt_waitport(). Whatever CPU the owner is on, the request travels to it
 * (locally, or by IPI) and the reply comes back the same way.
 *
 * One structure is shared by all servers: the statistics, under a token.
 * A server takes it for every request it serves; a server that finds it
 * held switches away until the switcher could take it back for it, and
 * the clients of its CPU run meanwhile (token_collisions counts those).
 *
 * A value stored is (key + 1) << 40 | client << 20 | sequence: a get or
 * a put (which answers the previous value) must answer 0 or a value of
 * the same key, or the request counts as mismatched.
 */
#include <linux/ktime.h>
#include <linux/prandom.h>
#include <linux/slab.h>

#include <lwkt/ipiq.h>
#include <lwkt/msgport.h>
#include <lwkt/token.h>

#include "linux/internal.h"
#include "workloads/harness.h"

enum { SV_CLIENTS, SV_REQUESTS, SV_KEYS };

static const struct lwkt_ctl_key lwkt_service_keys[] = {
	[SV_CLIENTS]	= { .name = "clients", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 16, .def = 2 },
	[SV_REQUESTS]	= { .name = "requests", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 1000000, .def = 1000 },
	[SV_KEYS]	= { .name = "keys", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 4096, .def = 64 },
};

#define LWKT_SV_MAXCPU	64	/* shards: the first 64 hosted CPUs */
#define LWKT_SV_WINDOW	4	/* requests per asynchronous burst */

enum { SV_GET = 1, SV_PUT, SV_DONE, SV_QUIT };

struct lwkt_sv_req {
	struct lwkt_msg msg;	/* ms_cmd SV_*, ms_arg the key, ms_result */
	u64 value;		/* SV_PUT: the value to store */
	u32 client;
	u32 cpu;		/* the client's CPU: local or remote */
	u32 served_by;		/* the server's CPU, set by the server */
	u64 key;		/* the client's copy of ms_arg */
};

/* The statistics every server updates, under one token. */
struct lwkt_sv_stats {
	struct lwkt_token tok;
	u64 requests, gets, puts, local, remote, sync, async;
	u64 per_cpu[LWKT_SV_MAXCPU];	/* by shard */
};

struct lwkt_sv;

struct lwkt_sv_shard {
	struct lwkt_sv *sv;
	struct lwkt_thread *td;
	unsigned int idx, cpu;
	u64 *vals;		/* its keys: idx, idx + N, idx + 2N... */
	u64 served, bad;	/* the server's own, lock-free */
};

struct lwkt_sv_client {
	struct lwkt_sv *sv;
	struct lwkt_thread *td;
	u32 id;
	unsigned int cpu;
	struct rnd_state rnd;
	struct lwkt_sv_req sync;
	struct lwkt_sv_req async[LWKT_SV_WINDOW];
	struct lwkt_sv_req done;
	u64 issued, mismatched, ns;
};

struct lwkt_sv {
	struct lwkt_job job;		/* the coordinator */
	struct lwkt_thread *coord;
	unsigned int nshards, nclients, made;
	bool servers_ok;
	u64 requests, keys;
	struct lwkt_sv_shard shard[LWKT_SV_MAXCPU];
	struct lwkt_sv_client *cl;
	u64 *table;
	struct lwkt_sv_stats stats;
};

/* The server of shard @arg: serve until SV_QUIT. */
static void lwkt_sv_server(void *arg)
{
	struct lwkt_sv_shard *sh = arg;
	struct lwkt_sv *sv = sh->sv;
	struct lwkt_sv_stats *st = &sv->stats;
	lwkt_port_t port = &curthread->td_msgport;
	struct lwkt_tokref ref;
	struct lwkt_sv_req *r;
	lwkt_msg_t m;
	u64 key, *slot;

	for (;;) {
		m = lwkt_waitport(port);
		if (!m)
			continue;
		if (m->ms_cmd == SV_QUIT) {
			lwkt_replymsg(m, 0);
			return;		/* sv may be freed from here on */
		}
		r = container_of(m, struct lwkt_sv_req, msg);
		key = m->ms_arg;
		if (key >= sv->keys || key % sv->nshards != sh->idx ||
		    (m->ms_cmd != SV_GET && m->ms_cmd != SV_PUT)) {
			sh->bad++;
			lwkt_replymsg(m, -EINVAL);
			continue;
		}
		slot = &sh->vals[key / sv->nshards];
		m->ms_result = *slot;
		if (m->ms_cmd == SV_PUT)
			*slot = r->value;
		r->served_by = sh->cpu;
		sh->served++;

		lwkt_gettoken(&ref, &st->tok);
		st->requests++;
		st->per_cpu[sh->idx]++;
		if (r->cpu == sh->cpu)
			st->local++;
		else
			st->remote++;
		if (READ_ONCE(m->ms_flags) & MSGF_ASYNC)
			st->async++;
		else
			st->sync++;
		if (m->ms_cmd == SV_PUT)
			st->puts++;
		else
			st->gets++;
		lwkt_reltoken(&ref);

		lwkt_replymsg(m, 0);
	}
}

/* Fill in request @r for a random key; return the owner's port. */
static lwkt_port_t lwkt_sv_prep(struct lwkt_sv_client *c,
				struct lwkt_sv_req *r)
{
	struct lwkt_sv *sv = c->sv;
	u32 x = prandom_u32_state(&c->rnd);

	r->key = (x >> 8) % sv->keys;
	r->msg.ms_cmd = (x & 1) ? SV_PUT : SV_GET;
	r->msg.ms_arg = r->key;
	r->msg.ms_result = ~0ULL;
	r->value = (r->key + 1) << 40 | (u64)c->id << 20 |
		   (c->issued & 0xfffff);
	r->served_by = ~0u;
	c->issued++;
	return &sv->shard[r->key % sv->nshards].td->td_msgport;
}

/* The client's verdict on a reply: 0 good, 1 mismatched. */
static int lwkt_sv_bad(struct lwkt_sv_client *c, struct lwkt_sv_req *r,
		       int err)
{
	struct lwkt_sv *sv = c->sv;
	u64 v = r->msg.ms_result;

	return err || r->msg.ms_error || r->msg.ms_arg != r->key ||
	       !(READ_ONCE(r->msg.ms_flags) & MSGF_DONE) ||
	       r->served_by != sv->shard[r->key % sv->nshards].cpu ||
	       (v && (v >> 40) != r->key + 1);
}

static void lwkt_sv_init_req(struct lwkt_sv_client *c, struct lwkt_sv_req *r)
{
	lwkt_initmsg(&r->msg, &curthread->td_msgport, 0);
	r->client = c->id;
	r->cpu = c->cpu;
}

static void lwkt_sv_client(void *arg)
{
	struct lwkt_sv_client *c = arg;
	struct lwkt_sv *sv = c->sv;
	lwkt_port_t me = &curthread->td_msgport, port;
	struct lwkt_sv_req *r;
	unsigned int k, n, got;
	bool burst = false;
	lwkt_msg_t m;
	u64 t0;
	int err;

	lwkt_sv_init_req(c, &c->sync);
	for (k = 0; k < LWKT_SV_WINDOW; k++)
		lwkt_sv_init_req(c, &c->async[k]);
	t0 = ktime_get_ns();
	while (c->issued < sv->requests && !READ_ONCE(sv->job.stop)) {
		if (!burst) {
			port = lwkt_sv_prep(c, &c->sync);
			err = lwkt_domsg(port, &c->sync.msg);
			c->mismatched += lwkt_sv_bad(c, &c->sync, err);
		} else {
			n = min_t(u64, LWKT_SV_WINDOW, sv->requests - c->issued);
			for (k = 0; k < n; k++) {
				port = lwkt_sv_prep(c, &c->async[k]);
				lwkt_sendmsg(port, &c->async[k].msg);
			}
			for (got = 0; got < n; ) {
				m = lwkt_waitport(me);
				if (!m)
					continue;
				r = container_of(m, struct lwkt_sv_req, msg);
				if (r < c->async || r >= c->async + n) {
					c->mismatched++;
					continue;
				}
				got++;
				c->mismatched += lwkt_sv_bad(c, r, 0);
			}
		}
		burst = !burst;
	}
	c->ns = ktime_get_ns() - t0;

	/* Done: once the coordinator replied, touch nothing. */
	lwkt_sv_init_req(c, &c->done);
	c->done.msg.ms_cmd = SV_DONE;
	lwkt_domsg(&sv->coord->td_msgport, &c->done.msg);
}

/* Create the servers, then the clients; start them all. */
static void lwkt_sv_start(struct lwkt_sv *sv)
{
	unsigned int i;

	for (i = 0; i < sv->nshards; i++) {
		if (lwkt_create(lwkt_sv_server, &sv->shard[i], &sv->shard[i].td,
				NULL, TDF_STOPREQ, sv->shard[i].cpu,
				"service/s%u", sv->shard[i].cpu))
			break;
	}
	sv->servers_ok = i == sv->nshards;
	while (i--)
		lwkt_schedule(sv->shard[i].td);
	if (!sv->servers_ok)
		return;

	/* Scheduled only once they all exist: they start together. */
	for (i = 0; i < sv->nclients; i++) {
		if (lwkt_create(lwkt_sv_client, &sv->cl[i], &sv->cl[i].td, NULL,
				TDF_STOPREQ, sv->cl[i].cpu, "service/c%u",
				sv->cl[i].id))
			break;
	}
	sv->made = i;
	for (i = 0; i < sv->made; i++)
		lwkt_schedule(sv->cl[i].td);
}

static void lwkt_sv_main(void *arg)
{
	struct lwkt_sv *sv = arg;
	lwkt_port_t me = &curthread->td_msgport;
	struct lwkt_sv_req quit;
	unsigned int i, cpu, done = 0;
	lwkt_msg_t m;

	sv->coord = curthread;
	lwkt_sv_start(sv);

	while (done < sv->made) {
		m = lwkt_waitport(me);
		if (!m)
			continue;
		done += m->ms_cmd == SV_DONE;
		lwkt_replymsg(m, 0);
	}
	/* The DONE replies travel by IPI: let every CPU run them. */
	for_each_cpu(cpu, lwkt_hosted_mask()) {
		struct lwkt_globaldata *gd = lwkt_cpu_gd(cpu);

		if (gd != curthread->td_gd)
			lwkt_wait_ipiq(gd, lwkt_seq_ipiq(gd));
	}
	/* Every client is gone: stop the servers, one synchronous quit each. */
	lwkt_initmsg(&quit.msg, me, 0);
	quit.msg.ms_cmd = SV_QUIT;
	for (i = 0; i < sv->nshards && sv->shard[i].td; i++)
		lwkt_domsg(&sv->shard[i].td->td_msgport, &quit.msg);
}

static int lwkt_service_run(const struct lwkt_ctl_request *req,
			    struct lwkt_ctl_result *res)
{
	unsigned int cpu, i, n = 0, per_cpu = req->args[SV_CLIENTS];
	u64 slots, issued = 0, bad = 0, ns = 0, served = 0, sum = 0;
	struct lwkt_sv *sv;
	char key[32];
	int err;

	sv = kzalloc(sizeof(*sv), GFP_KERNEL);
	if (!sv)
		return -ENOMEM;
	for_each_cpu(cpu, lwkt_hosted_mask()) {
		if (n == LWKT_SV_MAXCPU)
			break;
		sv->shard[n].sv = sv;
		sv->shard[n].idx = n;
		sv->shard[n].cpu = cpu;
		n++;
	}
	sv->nshards = n;
	sv->keys = req->args[SV_KEYS];
	/* Every shard owns at least one key. */
	if (sv->keys < n) {
		kfree(sv);
		return -EINVAL;
	}
	sv->requests = req->args[SV_REQUESTS];
	sv->nclients = per_cpu * n;
	slots = DIV_ROUND_UP(sv->keys, n);
	sv->table = kcalloc(slots * n, sizeof(u64), GFP_KERNEL);
	sv->cl = kcalloc(sv->nclients, sizeof(*sv->cl), GFP_KERNEL);
	if (!sv->table || !sv->cl) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++)
		sv->shard[i].vals = sv->table + i * slots;
	for (i = 0; i < sv->nclients; i++) {
		sv->cl[i].sv = sv;
		sv->cl[i].id = i;
		sv->cl[i].cpu = sv->shard[i % n].cpu;
		lwkt_harness_seed(&sv->cl[i].rnd, i);
	}
	lwkt_token_init(&sv->stats.tok, "service/stats");

	err = lwkt_job_start(&sv->job, sv->shard[0].cpu, TDPRI_KERN_DAEMON,
			     lwkt_sv_main, sv, "service/coord");
	if (!err)
		err = lwkt_job_wait(&sv->job);
	lwkt_harness_barrier();
	if (!err && (!sv->servers_ok || sv->made < sv->nclients))
		err = -ENOMEM;
	if (err)
		goto out_tok;

	for (i = 0; i < sv->nclients; i++) {
		issued += sv->cl[i].issued;
		bad += sv->cl[i].mismatched;
		ns += sv->cl[i].ns;
	}
	for (i = 0; i < n; i++) {
		served += sv->shard[i].served;
		bad += sv->shard[i].bad;
		sum += sv->stats.per_cpu[i];
	}
	lwkt_result_u64(res, "servers", n);
	lwkt_result_u64(res, "clients", sv->nclients);
	lwkt_result_u64(res, "requests", issued);
	lwkt_result_u64(res, "served", sv->stats.requests);
	lwkt_result_u64(res, "gets", sv->stats.gets);
	lwkt_result_u64(res, "puts", sv->stats.puts);
	lwkt_result_u64(res, "sync", sv->stats.sync);
	lwkt_result_u64(res, "async", sv->stats.async);
	lwkt_result_u64(res, "local", sv->stats.local);
	lwkt_result_u64(res, "remote", sv->stats.remote);
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "cpu%u_requests", sv->shard[i].cpu);
		lwkt_result_u64(res, key, sv->stats.per_cpu[i]);
	}
	lwkt_result_u64(res, "token_collisions", sv->stats.tok.t_collisions);
	lwkt_result_u64(res, "mismatched", bad);
	lwkt_result_u64(res, "ns_per_request", issued ? div64_u64(ns, issued) : 0);
	res->failed = issued != sv->nclients * sv->requests ||
		      sv->stats.requests != issued || served != issued ||
		      sum != issued ||
		      sv->stats.local + sv->stats.remote != issued ||
		      sv->stats.sync + sv->stats.async != issued ||
		      sv->stats.gets + sv->stats.puts != issued || bad;
out_tok:
	lwkt_token_uninit(&sv->stats.tok);
out:
	kfree(sv->cl);
	kfree(sv->table);
	kfree(sv);
	return err;
}

const struct lwkt_ctl_workload lwkt_wl_service = {
	.name	= "service",
	.help	= "a sharded key-value service: a server per CPU, clients send get/put by msgport; stats under a token",
	.keys	= lwkt_service_keys,
	.nkeys	= ARRAY_SIZE(lwkt_service_keys),
	.run	= lwkt_service_run,
};
