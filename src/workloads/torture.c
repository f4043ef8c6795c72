// SPDX-License-Identifier: GPL-2.0
/*
 * Workload "torture type=token|pool|mplock|spinlock threads=T iters=K
 * [stats=N]": lock torture in the manner of Linux's locktorture. T writer
 * threads on every hosted CPU each do K rounds of: take the lock, check
 * and modify a protected structure, release it. The structure detects a
 * second holder two ways: an owner field (must be empty on entry and ours
 * on exit) and a pair of counters (equal outside the lock, bumped one
 * after the other inside it, with a short delay between). Every violation
 * is an error; a correct lock gives 0.
 *
 * The types, one ops table each (struct lwkt_torture_ops, torture.h):
 *   token     one lwkt_token
 *   pool      the pool token of the structure's address
 *   mplock    the MP lock (get_mplock/rel_mplock, recursive every 4th op)
 *   spinlock  a Linux spinlock: the control. Its holder must not switch
 *             (the port refuses an LWKT switch while one is held), so
 *             nothing in its hold yields.
 * Tokens and the MP lock may be held across a switch: every 16th op a
 * writer of those types yields in the middle of its hold (the invariants
 * restored first), letting the lock go; when it runs again the switcher
 * has taken it back, and it checks it still holds it and goes on with a
 * second check-and-modify.
 *
 * Every N ops in all (stats=N; 0: none), the writer that completes the
 * N-th prints a locktorture-style line with pr_info():
 *   lwkt-torture token: Writes: Total: 40000 Max/Min: 10200/9800 Fail: 0
 * and the run ends with one more and "End of test: SUCCESS" (or FAILURE).
 * Results: type, threads, ops, errors, the op counts of the busiest and
 * idlest writer, and the contention counters' growth.
 */
#define pr_fmt(fmt) "lwkt-torture " fmt

#include <linux/atomic.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>

#include <lwkt/mplock.h>
#include <lwkt/token.h>

#include "linux/internal.h"
#include "workloads/harness.h"
#include "workloads/torture.h"

enum { TT_TYPE, TT_THREADS, TT_ITERS, TT_STATS };

enum { TT_TOKEN, TT_POOL, TT_MPLOCK, TT_SPINLOCK };

static const char *const lwkt_torture_types[] = {
	[TT_TOKEN]	= "token",
	[TT_POOL]	= "pool",
	[TT_MPLOCK]	= "mplock",
	[TT_SPINLOCK]	= "spinlock",
	NULL
};

static const struct lwkt_ctl_key lwkt_torture_keys[] = {
	[TT_TYPE]	= { .name = "type", .kind = LWKT_KEY_CHOICE,
			    .def = TT_TOKEN, .choices = lwkt_torture_types },
	[TT_THREADS]	= { .name = "threads", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 16, .def = 2 },
	[TT_ITERS]	= { .name = "iters", .kind = LWKT_KEY_COUNT,
			    .min = 1, .max = 100000000, .def = 10000 },
	[TT_STATS]	= { .name = "stats", .kind = LWKT_KEY_COUNT,
			    .min = 0, .max = 0, .def = 10000 },
};

/* A writer of a switching type yields inside its hold this often. */
#define LWKT_TT_SWITCH_EVERY	16
/* And outside it (other writers of its CPU, and Linux, get a turn). */
#define LWKT_TT_YIELD_EVERY	64

/* What the lock protects: a second holder shows up here. */
struct lwkt_torture_data {
	struct lwkt_torture_writer *owner;
	u64 a, b;
};

struct lwkt_torture {
	struct lwkt_harness h;
	const struct lwkt_torture_ops *ops;
	struct lwkt_token tok;
	spinlock_t spin;
	struct lwkt_torture_data data ____cacheline_aligned;
	u64 iters;
	u64 stats_every;
	unsigned int nwriters;
	struct lwkt_torture_writer *w;
	atomic64_t total;
	atomic64_t errors;
};

struct lwkt_torture_writer {
	struct lwkt_torture *t;
	struct lwkt_tokref ref;
	unsigned int id;
	u64 ops;	/* read racily by the stats line */
	u64 errors;
} ____cacheline_aligned;

/* --- the lock types --- */

static void lwkt_tt_token_init(struct lwkt_torture *t)
{
	lwkt_token_init(&t->tok, "torture");
}

static void lwkt_tt_token_lock(struct lwkt_torture *t,
			       struct lwkt_torture_writer *w)
{
	lwkt_gettoken(&w->ref, &t->tok);
}

static void lwkt_tt_token_unlock(struct lwkt_torture *t,
				 struct lwkt_torture_writer *w)
{
	lwkt_reltoken(&w->ref);
}

static void lwkt_tt_token_cleanup(struct lwkt_torture *t)
{
	lwkt_token_uninit(&t->tok);
}

static bool lwkt_tt_token_held(struct lwkt_torture *t,
			       struct lwkt_torture_writer *w)
{
	return lwkt_havetoken(&t->tok);
}

static void lwkt_tt_pool_lock(struct lwkt_torture *t,
			      struct lwkt_torture_writer *w)
{
	lwkt_gettoken(&w->ref, lwkt_token_pool_get(&t->data));
}

static bool lwkt_tt_pool_held(struct lwkt_torture *t,
			      struct lwkt_torture_writer *w)
{
	return lwkt_havetoken(lwkt_token_pool_get(&t->data));
}

static void lwkt_tt_mplock_lock(struct lwkt_torture *t,
				struct lwkt_torture_writer *w)
{
	get_mplock();
	/* Every 4th op a recursive hold: the count must come back to 0. */
	if ((w->ops & 3) == 0)
		get_mplock();
}

static void lwkt_tt_mplock_unlock(struct lwkt_torture *t,
				  struct lwkt_torture_writer *w)
{
	if ((w->ops & 3) == 0)
		rel_mplock();
	rel_mplock();
}

static bool lwkt_tt_mplock_held(struct lwkt_torture *t,
				struct lwkt_torture_writer *w)
{
	return MP_LOCK_HELD() && curthread->td_mpcount > 0;
}

static void lwkt_tt_spin_init(struct lwkt_torture *t)
{
	spin_lock_init(&t->spin);
}

static void lwkt_tt_spin_lock(struct lwkt_torture *t,
			      struct lwkt_torture_writer *w)
{
	spin_lock(&t->spin);
}

static void lwkt_tt_spin_unlock(struct lwkt_torture *t,
				struct lwkt_torture_writer *w)
{
	spin_unlock(&t->spin);
}

static bool lwkt_tt_spin_held(struct lwkt_torture *t,
			      struct lwkt_torture_writer *w)
{
	return spin_is_locked(&t->spin);
}

static const struct lwkt_torture_ops lwkt_torture_ops[] = {
	[TT_TOKEN] = {
		.name = "token", .init = lwkt_tt_token_init,
		.lock = lwkt_tt_token_lock, .unlock = lwkt_tt_token_unlock,
		.cleanup = lwkt_tt_token_cleanup, .held = lwkt_tt_token_held,
		.may_switch = true,
	},
	[TT_POOL] = {
		.name = "pool",
		.lock = lwkt_tt_pool_lock, .unlock = lwkt_tt_token_unlock,
		.held = lwkt_tt_pool_held,
		.may_switch = true,
	},
	[TT_MPLOCK] = {
		.name = "mplock",
		.lock = lwkt_tt_mplock_lock, .unlock = lwkt_tt_mplock_unlock,
		.held = lwkt_tt_mplock_held,
		.may_switch = true,
	},
	[TT_SPINLOCK] = {
		.name = "spinlock", .init = lwkt_tt_spin_init,
		.lock = lwkt_tt_spin_lock, .unlock = lwkt_tt_spin_unlock,
		.held = lwkt_tt_spin_held,
		.may_switch = false,
	},
};

/* --- the writers --- */

/* One check-and-modify of the protected data; returns the errors seen. */
static unsigned int lwkt_tt_modify(struct lwkt_torture_data *d,
				   struct lwkt_torture_writer *w, u64 i)
{
	unsigned int err = 0, k;

	if (READ_ONCE(d->owner) != NULL)
		err++;
	WRITE_ONCE(d->owner, w);
	if (READ_ONCE(d->a) != READ_ONCE(d->b))
		err++;
	WRITE_ONCE(d->a, d->a + 1);
	/* A window for a second holder to walk in. */
	for (k = 0; k < ((i + w->id) & 7) * 4; k++)
		cpu_relax();
	WRITE_ONCE(d->b, d->b + 1);
	if (READ_ONCE(d->owner) != w)
		err++;
	WRITE_ONCE(d->owner, NULL);
	return err;
}

static void lwkt_tt_stats(struct lwkt_torture *t, const char *tail)
{
	u64 hi = 0, lo = U64_MAX, ops;
	unsigned int i;

	for (i = 0; i < t->nwriters; i++) {
		ops = READ_ONCE(t->w[i].ops);
		hi = max(hi, ops);
		lo = min(lo, ops);
	}
	pr_info("%s: Writes: Total: %lld Max/Min: %llu/%llu Fail: %lld%s\n",
		t->ops->name, (long long)atomic64_read(&t->total), hi, lo,
		(long long)atomic64_read(&t->errors), tail);
}

static void lwkt_tt_writer(void *arg)
{
	struct lwkt_torture_writer *w = arg;
	struct lwkt_torture *t = w->t;
	const struct lwkt_torture_ops *ops = t->ops;
	struct lwkt_torture_data *d = &t->data;
	unsigned int err;
	u64 i, total;

	for (i = 0; i < t->iters; i++) {
		if (lwkt_harness_stopping(&t->h))
			break;
		ops->lock(t, w);
		err = ops->held(t, w) ? 0 : 1;
		err += lwkt_tt_modify(d, w, i);
		if (ops->may_switch && i % LWKT_TT_SWITCH_EVERY == 0) {
			/* Let it go (by switching) and have it back. */
			lwkt_yield();
			if (!ops->held(t, w))
				err++;
			err += lwkt_tt_modify(d, w, i);
		}
		ops->unlock(t, w);
		WRITE_ONCE(w->ops, w->ops + 1);
		if (err) {
			w->errors += err;
			atomic64_add(err, &t->errors);
		}
		total = atomic64_inc_return(&t->total);
		if (t->stats_every && total % t->stats_every == 0)
			lwkt_tt_stats(t, "");
		if (i % LWKT_TT_YIELD_EVERY == LWKT_TT_YIELD_EVERY - 1) {
			lwkt_yield();
			cond_resched();
		}
	}
	/* The last touch of @t by a writer: the run may end right after. */
	lwkt_harness_exit(&t->h, 1);
}

static int lwkt_torture_run(const struct lwkt_ctl_request *req,
			    struct lwkt_ctl_result *res)
{
	struct lwkt_counters c0, c1;
	struct lwkt_torture *t;
	u64 expect, hi = 0, lo = U64_MAX;
	unsigned int per_cpu, i;
	int err;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	per_cpu = req->args[TT_THREADS];
	t->ops = &lwkt_torture_ops[req->args[TT_TYPE]];
	t->iters = req->args[TT_ITERS];
	t->stats_every = req->args[TT_STATS];
	lwkt_harness_init(&t->h, LWKT_HARNESS_ALL_CPUS);
	t->nwriters = per_cpu * t->h.ncpus;
	t->w = kcalloc(t->nwriters, sizeof(*t->w), GFP_KERNEL);
	if (!t->w) {
		kfree(t);
		return -ENOMEM;
	}
	for (i = 0; i < t->nwriters; i++) {
		t->w[i].t = t;
		t->w[i].id = i;
	}
	if (t->ops->init)
		t->ops->init(t);

	lwkt_counters_sum(&c0);
	lwkt_harness_start(&t->h, t->nwriters, lwkt_tt_writer, t->w,
			   sizeof(*t->w), "torture", LWKT_HARNESS_NAME_BY_CPU);
	/* Every writer is gone before its structure is. */
	err = lwkt_harness_wait(&t->h);
	lwkt_counters_sum(&c1);
	if (t->ops->cleanup)
		t->ops->cleanup(t);

	expect = t->iters * t->nwriters;
	lwkt_tt_stats(t, atomic64_read(&t->errors) ||
			 (u64)atomic64_read(&t->total) != expect ?
			 " End of test: FAILURE" : " End of test: SUCCESS");
	if (!err) {
		for (i = 0; i < t->nwriters; i++) {
			hi = max(hi, t->w[i].ops);
			lo = min(lo, t->w[i].ops);
		}
		lwkt_result_str(res, "type", t->ops->name);
		lwkt_result_u64(res, "threads", t->nwriters);
		lwkt_result_u64(res, "ops", atomic64_read(&t->total));
		lwkt_result_u64(res, "errors", atomic64_read(&t->errors));
		lwkt_result_u64(res, "max_ops", hi);
		lwkt_result_u64(res, "min_ops", lo);
		lwkt_result_u64(res, "token_contention",
				c1.token_contention_count -
				c0.token_contention_count);
		lwkt_result_u64(res, "mplock_contention",
				c1.mplock_contention_count -
				c0.mplock_contention_count);
		res->failed = atomic64_read(&t->errors) != 0 ||
			      (u64)atomic64_read(&t->total) != expect ||
			      t->data.a != t->data.b;
	}
	kfree(t->w);
	kfree(t);
	return err;
}

const struct lwkt_ctl_workload lwkt_wl_torture = {
	.name	= "torture",
	.help	= "writers on every CPU check-and-modify one structure under the lock type (locktorture)",
	.keys	= lwkt_torture_keys,
	.nkeys	= ARRAY_SIZE(lwkt_torture_keys),
	.run	= lwkt_torture_run,
};
