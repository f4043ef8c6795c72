/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run queues: 32 FIFOs per CPU plus a mask with bit N set when queue N may
 * be non-empty. Dequeue leaves the bit set: the switcher clears stale bits
 * lazily when it finds a queue empty, so the common dequeue/enqueue pair
 * costs no mask bookkeeping. Only the owning CPU touches them, inside a
 * critical section.
 */
#ifndef LWKT_CORE_RUNQ_H
#define LWKT_CORE_RUNQ_H

#include <lwkt/thread.h>
#include "core/list.h"

namespace lwkt {

inline int td_prio(const struct lwkt_thread *td)
{
	return td->td_pri & TDPRI_MASK;
}

/* Append to its priority's queue unless queued already or migrating. */
inline void runq_enqueue(struct lwkt_thread *td)
{
	if ((td->td_flags & (TDF_RUNQ | TDF_MIGRATING)) == 0) {
		struct lwkt_globaldata *gd = td->td_gd;
		int nq = td_prio(td);

		td->td_flags |= TDF_RUNQ;
		RunList(&gd->gd_tdrunq[nq]).push_tail(td);
		gd->gd_runqmask |= 1u << nq;
	}
}

inline void runq_dequeue(struct lwkt_thread *td)
{
	if (td->td_flags & TDF_RUNQ) {
		td->td_flags &= ~TDF_RUNQ;
		RunList::remove(td);
		/* gd_runqmask is cleaned up by the switcher */
	}
}

/* Highest set bit of a non-zero mask: the best queue that may hold work. */
inline int runq_top(u32 mask)
{
	return 31 - __builtin_clz(mask);
}

/*
 * Is a thread of priority above @pri runnable? Exact (looks at the queues,
 * not only at the possibly stale mask), does not modify anything.
 */
inline bool runq_has_above(struct lwkt_globaldata *gd, int pri)
{
	/* 2u << 31 wraps to 0, so at pri 31 the bound is ~0: nothing above. */
	while (gd->gd_runqmask > (2u << pri) - 1) {
		if (!list_empty(&gd->gd_tdrunq[pri + 1]))
			return true;
		++pri;
	}
	return false;
}

} // namespace lwkt

#endif /* LWKT_CORE_RUNQ_H */
