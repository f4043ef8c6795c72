// SPDX-License-Identifier: GPL-2.0
/*
 * Workload "tokens threads=T iters=K ntokens=M": T threads, spread over
 * the hosted CPUs, each make K updates. An update takes a random subset
 * (at least one) of the M tokens in a random order (sometimes trying
 * first, sometimes taking one of them a second time), then:
 *
 *   window A    for each of its tokens, a read-modify-write of the
 *               token's counter, between an owner-marker claim and check
 *   blocking    none, a yield or a real block (off the run queue, woken
 *               by an IPI from another CPU): the tokens are lost here and
 *               taken back before the thread runs again
 *   havetoken   every token of the subset must be ours again
 *   window B    the same read-modify-write once more
 *   release     in a random order; a token still named by another of our
 *               tokrefs must stay ours
 *
 * Tokens serialise only between blocking points, so the invariants are
 * checked only inside windows A and B, which never block: an owner marker
 * found set by someone else, or changed under us, is a violation, and a
 * counter must end equal to the number of increments made under its
 * token (a difference is a lost update).
 */
#include <linux/atomic.h>
#include <linux/prandom.h>
#include <linux/slab.h>

#include <lwkt/token.h>

#include "linux/internal.h"
#include "workloads/harness.h"
#include "workloads/locks.h"

enum { TK_THREADS, TK_ITERS, TK_NTOKENS };

#define LWKT_TK_MAXTOK		32

static const struct lwkt_ctl_key lwkt_tokens_keys[] = {
	[TK_THREADS]	= { .name = "threads", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 256, .def = 8 },
	[TK_ITERS]	= { .name = "iters", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 10000000, .def = 1000 },
	[TK_NTOKENS]	= { .name = "ntokens", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = LWKT_TK_MAXTOK, .def = 4 },
};

/* One token and the data it protects, on its own cache line. */
struct lwkt_tk_slot {
	struct lwkt_token tok;
	u64 count;			/* under tok */
	struct lwkt_thread *owner;	/* under tok: set inside a window */
	atomic64_t incs;		/* increments made under tok */
} ____cacheline_aligned;

struct lwkt_tk {
	struct lwkt_harness h;
	unsigned int ntokens;
	u64 iters;
	atomic64_t updates, violations, havetoken_failures;
	struct lwkt_tk_slot slot[LWKT_TK_MAXTOK];
};

/*
 * A window: no blocking point inside, so we hold every token of @set
 * throughout. Returns the violations seen.
 */
static unsigned int lwkt_tk_window(struct lwkt_tk *st, const u8 *set,
				   unsigned int n, struct rnd_state *rnd,
				   u64 *incs)
{
	struct lwkt_thread *me = curthread;
	unsigned int i, bad = 0, spin;
	u64 v;

	for (i = 0; i < n; i++) {
		struct lwkt_tk_slot *s = &st->slot[set[i]];

		if (READ_ONCE(s->owner))
			bad++;
		WRITE_ONCE(s->owner, me);
	}
	for (i = 0; i < n; i++) {
		struct lwkt_tk_slot *s = &st->slot[set[i]];

		v = READ_ONCE(s->count);
		/* Local work between the read and the write. */
		for (spin = prandom_u32_state(rnd) % 16; spin; spin--)
			cpu_relax();
		WRITE_ONCE(s->count, v + 1);
		incs[set[i]]++;
	}
	for (i = 0; i < n; i++) {
		struct lwkt_tk_slot *s = &st->slot[set[i]];

		if (READ_ONCE(s->owner) != me)
			bad++;
		WRITE_ONCE(s->owner, NULL);
	}
	return bad;
}

/* Fisher-Yates on @a[0..n). */
static void lwkt_tk_shuffle(u8 *a, unsigned int n, struct rnd_state *rnd)
{
	unsigned int i, j;
	u8 t;

	for (i = n; i > 1; i--) {
		j = prandom_u32_state(rnd) % i;
		t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

static void lwkt_tk_thread(void *arg)
{
	struct lwkt_locks_arg *a = arg;
	struct lwkt_tk *st = a->st;
	unsigned int nt = st->ntokens, n, nref, i, j, bad = 0, hf = 0;
	/* The next hosted CPU: who wakes us when we block. */
	struct lwkt_globaldata *wgd = lwkt_locks_waker(&st->h, a->nr);
	struct lwkt_tokref ref[LWKT_TK_MAXTOK + 1];
	u8 set[LWKT_TK_MAXTOK], reftok[LWKT_TK_MAXTOK + 1];
	u8 order[LWKT_TK_MAXTOK + 1];
	u64 incs[LWKT_TK_MAXTOK] = { 0 }, k;
	struct rnd_state rnd;
	u32 r;

	lwkt_harness_seed(&rnd, a->nr);
	for (k = 0; k < st->iters && !lwkt_harness_stopping(&st->h); k++) {
		/* A random non-empty subset, in a random order. */
		r = prandom_u32_state(&rnd);
		for (n = 0, i = 0; i < nt; i++)
			if (r & (1u << i))
				set[n++] = i;
		if (!n)
			set[n++] = prandom_u32_state(&rnd) % nt;
		lwkt_tk_shuffle(set, n, &rnd);

		for (nref = 0; nref < n; nref++) {
			struct lwkt_token *tok = &st->slot[set[nref]].tok;

			reftok[nref] = set[nref];
			if (!(prandom_u32_state(&rnd) & 3) &&
			    lwkt_trytoken(&ref[nref], tok))
				continue;
			lwkt_gettoken(&ref[nref], tok);
		}
		/* Sometimes a second hold of one of them (never contended). */
		if (!(prandom_u32_state(&rnd) & 3)) {
			i = set[prandom_u32_state(&rnd) % n];
			reftok[nref] = i;
			if (!lwkt_trytoken(&ref[nref], &st->slot[i].tok)) {
				hf++;	/* ours: a try cannot fail */
				lwkt_gettoken(&ref[nref], &st->slot[i].tok);
			}
			nref++;
		}

		bad += lwkt_tk_window(st, set, n, &rnd, incs);

		/* A blocking point holding the tokens; no invariant spans it. */
		lwkt_locks_pause(wgd, prandom_u32_state(&rnd));
		for (i = 0; i < n; i++)
			if (!lwkt_havetoken(&st->slot[set[i]].tok))
				hf++;

		bad += lwkt_tk_window(st, set, n, &rnd, incs);

		/* Release in a random order. */
		for (i = 0; i < nref; i++)
			order[i] = i;
		lwkt_tk_shuffle(order, nref, &rnd);
		for (i = 0; i < nref; i++) {
			struct lwkt_tokref *ref_i = &ref[order[i]];
			u8 t = reftok[order[i]];

			lwkt_reltoken(ref_i);
			/* Another of our tokrefs still names it: still ours. */
			for (j = i + 1; j < nref; j++) {
				if (reftok[order[j]] == t) {
					if (!lwkt_havetoken(&st->slot[t].tok))
						hf++;
					break;
				}
			}
		}
		atomic64_inc(&st->updates);
	}
	for (i = 0; i < nt; i++)
		atomic64_add(incs[i], &st->slot[i].incs);
	atomic64_add(bad, &st->violations);
	atomic64_add(hf, &st->havetoken_failures);
	lwkt_harness_exit(&st->h, 1);
}

static int lwkt_tokens_run(const struct lwkt_ctl_request *req,
			   struct lwkt_ctl_result *res)
{
	unsigned long threads = req->args[TK_THREADS], i;
	struct lwkt_counters c0, c1;
	struct lwkt_tk *st;
	u64 lost = 0, collisions = 0, c;
	int err;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	lwkt_harness_init(&st->h, 0);
	st->ntokens = req->args[TK_NTOKENS];
	st->iters = req->args[TK_ITERS];
	for (i = 0; i < st->ntokens; i++)
		lwkt_token_init(&st->slot[i].tok, "tokens");

	lwkt_counters_sum(&c0);
	err = lwkt_locks_run(&st->h, threads, lwkt_tk_thread, st, "tokens");
	lwkt_counters_sum(&c1);
	for (i = 0; i < st->ntokens; i++)
		lwkt_token_uninit(&st->slot[i].tok);
	if (err)
		goto out;

	for (i = 0; i < st->ntokens; i++) {
		c = atomic64_read(&st->slot[i].incs);
		lost += st->slot[i].count > c ? st->slot[i].count - c :
						c - st->slot[i].count;
		collisions += st->slot[i].tok.t_collisions;
	}
	lwkt_result_u64(res, "threads", threads);
	lwkt_result_u64(res, "ntokens", st->ntokens);
	lwkt_result_u64(res, "updates", atomic64_read(&st->updates));
	lwkt_result_u64(res, "lost_updates",
			lost + atomic64_read(&st->violations));
	lwkt_result_u64(res, "owner_violations",
			atomic64_read(&st->violations));
	lwkt_result_u64(res, "havetoken_failures",
			atomic64_read(&st->havetoken_failures));
	lwkt_result_u64(res, "contention",
			c1.token_contention_count - c0.token_contention_count);
	lwkt_result_u64(res, "collisions", collisions);
	res->failed = atomic64_read(&st->updates) != threads * st->iters ||
		      lost || atomic64_read(&st->violations) ||
		      atomic64_read(&st->havetoken_failures);
out:
	kfree(st);
	return err;
}

const struct lwkt_ctl_workload lwkt_wl_tokens = {
	.name	= "tokens",
	.help	= "threads on every CPU update counters under random subsets of tokens, blocking while holding them",
	.keys	= lwkt_tokens_keys,
	.nkeys	= ARRAY_SIZE(lwkt_tokens_keys),
	.run	= lwkt_tokens_run,
};
