/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MP lock: one global lock owned by a CPU, plus a count per thread.
 * The count is raised first, then the lock is tried; a thread that finds
 * it busy switches away and the switcher takes the lock on its behalf
 * before running it again. The switcher releases it when it switches to a
 * thread whose count is 0, so a CPU holds the lock while it runs a thread
 * that wants it, never while its host sleeps in its idle loop. The host
 * may still sleep or be preempted by Linux with the lock held: a holder
 * that calls a sleeping Linux function, a cond_resched() at a switch, a
 * preemptible kernel.
 *
 * Port decision: lwkt_create() does NOT start threads holding the MP lock
 * (DragonFly's did, in 2005, when most of its kernel still needed it).
 * Code on this port is MP-safe and takes it explicitly.
 */
#ifndef LWKT_MPLOCK_H
#define LWKT_MPLOCK_H

#include <lwkt/types.h>
#include <lwkt/thread.h>

LWKT_EXTERN_C_BEGIN

/* mp_lock's value when no CPU holds it. */
#define LWKT_MP_FREE		(-1)

/*
 * The lock word: the holding CPU's id, or LWKT_MP_FREE. Read it through
 * MP_LOCK_HELD(); changed only by the core.
 */
extern int lwkt_mp_lock;

/**
 * get_mplock - take the MP lock for the current thread (recursive)
 *
 * Raises td_mpcount, then takes the lock if this CPU does not hold it. If
 * another CPU does, counts mplock_contention_count and switches away; the
 * switcher takes the lock before it runs the thread again. From an LWKT
 * thread; when switching is refused (a Linux lock held), spins instead.
 */
void get_mplock(void);

/**
 * try_mplock - take the MP lock only if that needs no wait
 *
 * Return: 1 if held now (td_mpcount raised; release with rel_mplock()),
 * 0 if another CPU holds it.
 */
int try_mplock(void);

/**
 * rel_mplock - drop one hold of the MP lock
 *
 * Lowers td_mpcount; at 0 the CPU lets the lock go at once. Releasing a
 * lock the thread does not hold is reported (one log line) and ignored.
 */
void rel_mplock(void);

/**
 * lwkt_mp_lock_held - does this CPU hold the MP lock?
 *
 * Return: 1 if it does, else 0. MP_LOCK_HELD() is DragonFly's spelling.
 */
int lwkt_mp_lock_held(void);

#define MP_LOCK_HELD()		lwkt_mp_lock_held()

LWKT_EXTERN_C_END

#endif /* LWKT_MPLOCK_H */
