/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The harness of the workloads that run many LWKT threads over the hosted
 * CPUs (tokens, mplock, torture, migrate, abort), in the shape of
 * kernel/torture.c: threads started over a CPU set, a stop flag they poll
 * (set on a signal, or when the start failed), a count of the threads
 * still out with a completion for the last one, and a barrier after which
 * none of them runs any more, so the run may free what they used.
 */
#ifndef LWKT_WORKLOADS_HARNESS_H
#define LWKT_WORKLOADS_HARNESS_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/prandom.h>

/*
 * The CPUs a harness spreads threads over: the first 64 hosted ones (the
 * workloads document that bound), or with LWKT_HARNESS_ALL_CPUS every
 * hosted CPU (torture runs writers on each); @cpu[] lists the first 64.
 */
#define LWKT_HARNESS_MAXCPU	64

/* lwkt_harness_init() flags */
#define LWKT_HARNESS_DETACHED	0x1	/* see @detached below */
#define LWKT_HARNESS_ALL_CPUS	0x2

/* lwkt_harness_start() flag: name threads <name>/<cpu>.<i>, not <name>/<nr>. */
#define LWKT_HARNESS_NAME_BY_CPU	0x1

/**
 * struct lwkt_harness - the threads of one workload run
 * @stop:	the threads should leave early (lwkt_harness_stopping())
 * @detached:	the run returns without waiting; the last thread out clears
 *		@live instead of completing @done
 * @live:	threads may still be out (detached runs: -EBUSY while set)
 * @err:	-ENOMEM once a thread could not be started
 * @ncpus:	CPUs in the set: the first @ncpus hosted ones
 * @cpu:	the set's first LWKT_HARNESS_MAXCPU CPUs, ascending
 * @running:	threads not yet counted out
 * @done:	completed by the last thread out (attached runs)
 */
struct lwkt_harness {
	bool stop;
	bool detached;
	bool live;
	int err;
	unsigned int ncpus;
	unsigned int cpu[LWKT_HARNESS_MAXCPU];
	atomic_t running;
	struct completion done;
};

void lwkt_harness_init(struct lwkt_harness *h, unsigned int flags);
int lwkt_harness_start(struct lwkt_harness *h, unsigned int nthreads,
		       void (*fn)(void *arg), void *args, size_t argsize,
		       const char *name, unsigned int flags);
void lwkt_harness_enter(struct lwkt_harness *h, unsigned int n);
void lwkt_harness_exit(struct lwkt_harness *h, unsigned int n);
int lwkt_harness_join(struct lwkt_harness *h);
int lwkt_harness_wait(struct lwkt_harness *h);
void lwkt_harness_barrier(void);
void lwkt_harness_seed(struct rnd_state *rnd, u64 nr);

/* Set the stop flag: every thread leaves at its next check. */
static inline void lwkt_harness_stop(struct lwkt_harness *h)
{
	WRITE_ONCE(h->stop, true);
}

/* Polled by the threads between rounds. */
static inline bool lwkt_harness_stopping(const struct lwkt_harness *h)
{
	return READ_ONCE(h->stop);
}

/* A detached run of @h may still have threads out. */
static inline bool lwkt_harness_live(const struct lwkt_harness *h)
{
	/* Pairs with the last lwkt_harness_exit(): its writes are seen. */
	return smp_load_acquire(&h->live);
}

#endif /* LWKT_WORKLOADS_HARNESS_H */
