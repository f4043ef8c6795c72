/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wait queues, DragonFly's 2005 API: a thread blocks on a wait structure
 * unless its generation number moved, and a signal bumps the generation
 * and wakes waiters on their own CPUs.
 *
 * Port note: DragonFly 2005 serialised a wait structure with its token;
 * this port uses a spin lock (wa_lock) taken inside a critical
 * section (never held across a switch or an IPI send, so spinning on it
 * cannot deadlock with the IPI queues).
 */
#ifndef LWKT_WAIT_H
#define LWKT_WAIT_H

#include <lwkt/types.h>
#include <lwkt/list.h>
#include <lwkt/thread.h>

LWKT_EXTERN_C_BEGIN

/**
 * struct lwkt_wait - a wait structure
 * @wa_lock:	spin lock (0 free, 1 held) protecting the rest
 * @wa_waitq:	sleeping threads, linked through td_threadq, FIFO
 * @wa_gen:	generation: bumped by every lwkt_signal()
 * @wa_count:	threads on @wa_waitq
 */
struct lwkt_wait {
	u32 wa_lock;
	struct lwkt_list wa_waitq;
	int wa_gen;
	int wa_count;
};

/**
 * lwkt_wait_init - initialise a wait structure
 * @w:	the structure
 */
void lwkt_wait_init(struct lwkt_wait *w);

/**
 * lwkt_block - sleep on @w unless it was signalled since *@gen was read
 * @w:		the wait structure
 * @wmesg:	why (shown in the threads view while asleep)
 * @gen:	in: the generation the caller last saw (read *@gen = @w->wa_gen
 *		before checking its condition); out: @w's generation on return
 *
 * If @w->wa_gen still equals *@gen, the current thread leaves its run
 * queue, joins @w's wait queue and switches away until lwkt_signal() or an
 * lwkt_schedule() of it wakes it (DragonFly 2005 went back to sleep after
 * a plain lwkt_schedule()). Otherwise returns at once. The caller
 * re-checks its condition either way: a wakeup may be spurious (e.g. the
 * switch was refused). From an LWKT thread that may block.
 */
void lwkt_block(struct lwkt_wait *w, const char *wmesg, int *gen);

/**
 * lwkt_signal - wake waiters of @w
 * @w:		the wait structure
 * @count:	how many to wake, oldest first; negative: all
 *
 * Bumps @w->wa_gen even with nobody waiting (so a thread between reading
 * the generation and blocking does not sleep). Every thread waiting then
 * (the @count oldest) is woken, by this call or by whoever else took it
 * off the queue meanwhile; this call wakes at most that many, so a thread
 * that blocks in the meantime may get a spurious wakeup. Each woken thread
 * is scheduled on its own CPU as by lwkt_schedule(): locally (it may
 * preempt the caller, or ask for a reschedule; DragonFly 2005 only
 * enqueued it), or by IPI. From LWKT context (an IPI function included); a
 * Linux caller's request becomes a call from outside LWKT context.
 */
void lwkt_signal(struct lwkt_wait *w, int count);

LWKT_EXTERN_C_END

#endif /* LWKT_WAIT_H */
