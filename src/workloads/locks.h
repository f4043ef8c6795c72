/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lock and message-port workloads (tokens.c, mplock.c,
 * abort.c), and the helpers they share.
 */
#ifndef LWKT_LINUX_LOCKS_H
#define LWKT_LINUX_LOCKS_H

#include <lwkt/crit.h>
#include <lwkt/ipiq.h>
#include <lwkt/thread.h>

#include "ctl/ctl.h"

extern const struct lwkt_ctl_workload lwkt_wl_tokens;
extern const struct lwkt_ctl_workload lwkt_wl_mplock;
extern const struct lwkt_ctl_workload lwkt_wl_abort;

/* The CPUs the lock workloads spread threads over: the first 64 hosted. */
#define LWKT_LOCKS_MAXCPU	64

/* xorshift32: a thread's own cheap pseudo-random numbers; *s never 0. */
static inline u32 lwkt_locks_rnd(u32 *s)
{
	u32 x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

/* A seed for thread @nr of a run: never 0. */
static inline u32 lwkt_locks_seed(unsigned long nr)
{
	return (u32)nr * 2654435761u + 0x9e3779b9u ? : 1;
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

#endif /* LWKT_LINUX_LOCKS_H */
