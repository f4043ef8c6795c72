// SPDX-License-Identifier: GPL-2.0
/*
 * Wait queues, the 2005 API (Documentation/design.rst, "Wait queues";
 * include/lwkt/wait.h).
 *
 * The generation number is the interlock: a waiter reads wa_gen before it
 * checks its condition, and lwkt_block() sleeps only if wa_gen has not
 * moved, checked under the lock that lwkt_signal() bumps it under. A
 * signal that comes between the check and the sleep is therefore seen.
 *
 * A sleeping thread is linked on wa_waitq through td_threadq (it is off
 * its run queue) and has td_wait set. Whoever takes it off the queue
 * (lwkt_signal(), or lwkt_schedule() through wait_unlink()) clears
 * td_wait under the lock and then schedules it on its own CPU.
 */
#include <lwkt/atomic.h>
#include <lwkt/wait.h>

#include "core/crit_guard.h"
#include "core/debug.h"
#include "core/internal.h"
#include "core/list.h"
#include "core/runq.h"
#include "core/spin.h"
#include "core/trace.h"

namespace lwkt {

/*
 * wa_gen and wa_count change only under the lock, but callers read them
 * without it (a waiter samples wa_gen before checking its condition):
 * the stores are atomic so those reads are well defined.
 */
static inline void set_relaxed(int *p, int v)
{
	lwkt_write_once(*p, v);
}

/* Under w's lock: take td off w's queue. */
static void unlink_locked(struct lwkt_wait *w, struct lwkt_thread *td)
{
	RunList::remove(td);
	set_relaxed(&w->wa_count, w->wa_count - 1);
	/*
	 * Pairs with the load_acquire() of td_wait in lwkt_block(), after
	 * its switch: td is off the queue.
	 */
	lwkt_store_release(&td->td_wait, nullptr);
}

void wait_unlink(struct lwkt_thread *td)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();
	/*
	 * Pairs with lwkt_block()'s lwkt_store_release() of td_wait; the
	 * read under the lock then checks it (only changed under the lock).
	 */
	struct lwkt_wait *w = lwkt_load_acquire(&td->td_wait);

	if (!w)
		return;
	spin_lock(gd, &w->wa_lock);
	/* Signalled meanwhile: whoever did it schedules td. */
	if (lwkt_read_once(td->td_wait) == w)
		unlink_locked(w, td);
	spin_unlock(&w->wa_lock);
}

} // namespace lwkt

using namespace lwkt;

extern "C" void lwkt_wait_init(struct lwkt_wait *w)
{
	w->wa_lock = 0;
	list_init(&w->wa_waitq);
	w->wa_gen = 0;
	w->wa_count = 0;
}

extern "C" void lwkt_block(struct lwkt_wait *w, const char *wmesg, int *gen)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();
	struct lwkt_thread *td = gd->gd_curthread;

	LWKT_ASSERT(td != &gd->gd_idlethread);
	crit_enter_quick(td);
	spin_lock(gd, &w->wa_lock);
	if (w->wa_gen != *gen) {
		*gen = w->wa_gen;
		spin_unlock(&w->wa_lock);
		crit_exit_quick(td);
		return;
	}
	runq_dequeue(td);
	td->td_wmesg = wmesg;
	RunList(&w->wa_waitq).push_tail(td);
	set_relaxed(&w->wa_count, w->wa_count + 1);
	/*
	 * Pairs with the load_acquire() of td_wait in schedule_in_crit()
	 * (sched.cc) and wait_unlink(): w is initialised and td queued.
	 */
	lwkt_store_release(&td->td_wait, w);
	spin_unlock(&w->wa_lock);
	trace_block(td, w, wmesg);

	lwkt_switch();

	/* Pairs with unlink_locked()'s lwkt_store_release() of td_wait. */
	if (lwkt_load_acquire(&td->td_wait)) {
		/*
		 * Back without a wakeup: the switch was refused (a Linux
		 * lock held, counted and logged). Leave the queue ourselves
		 * and return as from a spurious wakeup.
		 */
		wait_unlink(td);
		runq_enqueue(td);
	}
	td->td_wmesg = nullptr;
	/* A newer generation only makes the caller's next block return. */
	*gen = lwkt_read_once(w->wa_gen);
	crit_exit_quick(td);
}

/*
 * One waiter at a time: lock, take the oldest off the queue, unlock,
 * schedule it (never under the lock: a send may wait for FIFO room and
 * run our own IPIs), as many times as there were waiters when the
 * generation moved. No list of the taken threads outlives the lock: one
 * of them woken meanwhile by someone else may run, block again and be
 * taken by another signaller, which would rewrite any link through it.
 *
 * A waiter queued after the bump sits behind every waiter queued before
 * it, so each of those is either taken here or was taken (and is
 * scheduled) by someone else; a later waiter this takes instead sees a
 * spurious wakeup, which lwkt_block() allows.
 */
extern "C" void lwkt_signal(struct lwkt_wait *w, int count)
{
	if (__builtin_expect(!lwkt_in_lwkt_context(), 0))
		return foreign_signal(w, count);

	struct lwkt_globaldata *gd = lwkt_mycpu();
	struct lwkt_thread *td;
	int left, woken = 0;
	CritSection crit(gd->gd_curthread);

	spin_lock(gd, &w->wa_lock);
	set_relaxed(&w->wa_gen, w->wa_gen + 1);
	left = w->wa_count;
	if (count >= 0 && count < left)
		left = count;
	for (;;) {
		td = left > 0 ? RunList(&w->wa_waitq).first() : nullptr;
		if (td) {
			unlink_locked(w, td);
			--left;
			++woken;
		}
		spin_unlock(&w->wa_lock);
		if (!td)
			break;
		schedule_in_crit(gd, td);
		if (left == 0)
			break;
		spin_lock(gd, &w->wa_lock);
	}
	trace_signal(w, count, woken);
}
