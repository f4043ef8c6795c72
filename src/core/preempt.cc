// SPDX-License-Identifier: GPL-2.0
/*
 * lwkt_preempt(): switch to a just-scheduled thread at once, keeping the
 * current thread's state, and come back when it blocks
 * (Documentation/design.rst, "Preemption").
 *
 * Linux port rule: preemption only ever starts from thread context, i.e. a
 * local lwkt_schedule() of a thread whose td_preemptable is lwkt_preempt.
 * The IPI callback runs in hardirq on the host's stack and cannot switch;
 * work it makes runnable is picked up at the next preemption point
 * (crit_exit, lwkt_switch, lwkt_yield*).
 */
#include <lwkt/thread.h>

#include "core/debug.h"
#include "core/internal.h"
#include "core/mplock.h"
#include "core/runq.h"
#include "core/trace.h"

using namespace lwkt;

namespace {

inline void miss(struct lwkt_globaldata *gd, struct lwkt_thread *td,
		 struct lwkt_thread *ntd)
{
	trace_preempt(td, ntd, LWKT_PREEMPT_MISS);
	++gd->gd_cnt.preempt_miss;
	need_lwkt_resched(gd);
}

inline void weird(struct lwkt_globaldata *gd, struct lwkt_thread *td,
		  struct lwkt_thread *ntd)
{
	trace_preempt(td, ntd, LWKT_PREEMPT_WEIRD);
	++gd->gd_cnt.preempt_weird;
	need_lwkt_resched(gd);
}

} // namespace

extern "C" void lwkt_preempt(struct lwkt_thread *ntd, int critpri)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();
	struct lwkt_thread *td = gd->gd_curthread;
	int savecnt;
	bool mpheld;

	/* A thread not running is switched out inside a critical section. */
	LWKT_ASSERT(ntd->td_pri >= TDPRI_CRIT);

	/* Not better than us: not even a reschedule is needed. */
	if (td_prio(ntd) <= td_prio(td)) {
		trace_preempt(td, ntd, LWKT_PREEMPT_MISS);
		++gd->gd_cnt.preempt_miss;
		return;
	}
	/* Our caller's caller is inside a critical section of its own. */
	if ((td->td_pri & ~TDPRI_MASK) > critpri) {
		miss(gd, td, ntd);
		return;
	}
	if (ntd->td_gd != gd) {
		miss(gd, td, ntd);
		return;
	}
	/* Its tokens might be held by the threads we would preempt. */
	if (ntd->td_toks != nullptr) {
		miss(gd, td, ntd);
		return;
	}
	if (td == ntd || ((td->td_flags | ntd->td_flags) & TDF_PREEMPT_LOCK)) {
		weird(gd, td, ntd);
		return;
	}
	/*
	 * ntd is itself preempting someone. DragonFly 2005 counted this one
	 * as a hit without switching; it is a failed attempt, so "weird".
	 */
	if (ntd->td_preempted) {
		weird(gd, td, ntd);
		return;
	}
	/* Linux port: no stack switch from the IPI callback or a held lock. */
	if (gd->gd_intr_nesting_level) {
		miss(gd, td, ntd);
		return;
	}
	if (!lwkt_plat_switch_allowed(gd, td)) {
		switch_refused(gd, td);
		miss(gd, td, ntd);
		return;
	}

	/* ntd inherits our MP count while it runs in our place. */
	savecnt = td->td_mpcount;
	mpheld = mp_lock_held(gd);
	ntd->td_mpcount += td->td_mpcount;
	if (!mpheld && ntd->td_mpcount && !cpu_try_mplock(gd)) {
		ntd->td_mpcount -= td->td_mpcount;
		miss(gd, td, ntd);
		return;
	}

	trace_preempt(td, ntd, LWKT_PREEMPT_HIT);
	++gd->gd_cnt.preempt_hit;
	ntd->td_preempted = td;
	td->td_flags |= TDF_PREEMPT_LOCK;
	switch_to(gd, td, ntd);

	/* ntd blocked; lwkt_switch() gave its MP count back and resumed us. */
	LWKT_ASSERT(ntd->td_preempted == td && (td->td_flags & TDF_PREEMPT_DONE));
	LWKT_ASSERT(savecnt == td->td_mpcount);
	mpheld = mp_lock_held(gd);
	if (mpheld && td->td_mpcount == 0)
		cpu_rel_mplock(gd);
	else if (!mpheld && td->td_mpcount)
		lwkt_plat_panic("lwkt_preempt: MP lock not held through preemption");
	ntd->td_preempted = nullptr;
	td->td_flags &= ~(TDF_PREEMPT_LOCK | TDF_PREEMPT_DONE);
	/*
	 * ntd exited: the reaper passed it over while it still named us in
	 * td_preempted. Recycle it now rather than at the next idle pass
	 * (its owner module stays pinned until then).
	 */
	if (ntd->td_flags & TDF_EXITING)
		lwkt_reap(gd);
}
