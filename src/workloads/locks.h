/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the lock workloads (tokens.c, mplock.c) share: their run over the
 * harness (locks.c) and their blocking point.
 */
#ifndef LWKT_LINUX_LOCKS_H
#define LWKT_LINUX_LOCKS_H

#include <lwkt/crit.h>
#include <lwkt/ipiq.h>
#include <lwkt/thread.h>

#include "linux/internal.h"
#include "workloads/harness.h"

/* The argument of a lock workload's thread. */
struct lwkt_locks_arg {
	void *st;		/* the run's state */
	unsigned long nr;	/* the thread's number */
};

int lwkt_locks_run(struct lwkt_harness *h, unsigned long threads,
		   void (*fn)(void *arg), void *st, const char *name);

/*
 * Who wakes thread @nr of @h when it blocks: the hosted CPU after its own
 * (the harness places thread @nr on @h->cpu[@nr % @h->ncpus]); NULL with
 * one CPU.
 */
static inline struct lwkt_globaldata *
lwkt_locks_waker(const struct lwkt_harness *h, unsigned long nr)
{
	if (h->ncpus < 2)
		return NULL;
	return lwkt_cpu_gd(h->cpu[(nr + 1) % h->ncpus]);
}

/* In IPI context on the neighbour CPU: send the sleeper its wakeup. */
static inline void lwkt_locks_wake_ipi(void *arg)
{
	lwkt_schedule(arg);
}

/*
 * Block briefly: leave the run queue and have CPU @wgd (another hosted
 * CPU) schedule us again, one IPI there and one back. A real blocking
 * point: the switcher frees the caller's tokens and (if the next thread
 * does not want it) the MP lock, and takes them back before the caller
 * runs again. @wgd NULL (one CPU only): a yield instead.
 */
static inline void lwkt_locks_block(struct lwkt_globaldata *wgd)
{
	struct lwkt_thread *td = curthread;

	if (!wgd) {
		lwkt_yield();
		return;
	}
	/* One critical section: the wakeup cannot run before we are off. */
	crit_enter();
	lwkt_deschedule_self(td);
	lwkt_send_ipiq(wgd, lwkt_locks_wake_ipi, td);
	lwkt_switch();
	crit_exit();
}

/*
 * The blocking point of an update, chosen by @r: none (a quarter of the
 * time), a yield (half) or a real block (a quarter), so that the locks
 * are let go and taken back by the switcher in every way.
 */
static inline void lwkt_locks_pause(struct lwkt_globaldata *wgd, u32 r)
{
	switch (r % 4) {
	case 0:
		break;
	case 1:
	case 2:
		lwkt_yield();
		break;
	default:
		lwkt_locks_block(wgd);
		break;
	}
}

#endif /* LWKT_LINUX_LOCKS_H */
