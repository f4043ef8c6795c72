// SPDX-License-Identifier: GPL-2.0
/*
 * Scheduling: schedule/deschedule (local, or by IPI on the thread's own CPU),
 * priorities, yields (Documentation/design.rst, "Scheduling"). No run-queue
 * lock: a CPU's queues change only on that CPU, inside a critical section.
 */
#include <lwkt/atomic.h>
#include <lwkt/thread.h>

#include "core/crit_guard.h"
#include "core/debug.h"
#include "core/internal.h"
#include "core/runq.h"
#include "core/trace.h"
#include <lwkt/ipiq.h>

namespace lwkt {
namespace {

/*
 * After a local enqueue: let the thread preempt us if it wants to, else
 * ask for a reschedule when it outranks the current thread. cpri is the
 * critical level our caller's own critical section accounts for.
 */
inline void schedule_post(struct lwkt_globaldata *gd, struct lwkt_thread *ntd,
			  int cpri)
{
	if (ntd->td_preemptable) {
		ntd->td_preemptable(ntd, cpri);
	} else if (!(ntd->td_flags & TDF_NORESCHED) &&
		   td_prio(ntd) > td_prio(gd->gd_curthread)) {
		need_lwkt_resched(gd);
	}
}

inline void setpri_locked(struct lwkt_thread *td, int pri)
{
	/* Requeue even at the same priority: a caller may rely on the move. */
	if (td->td_flags & TDF_RUNQ) {
		runq_dequeue(td);
		td->td_pri = (td->td_pri & ~TDPRI_MASK) + pri;
		runq_enqueue(td);
	} else {
		td->td_pri = (td->td_pri & ~TDPRI_MASK) + pri;
	}
}

/*
 * The base priority is the low 5 bits of td_pri: anything above TDPRI_MAX
 * would add critical-section levels the thread never entered.
 */
bool pri_out_of_range(const char *fn, int pri)
{
	if (pri >= 0 && pri <= TDPRI_MAX)
		return false;
	lwkt_plat_log("%s: priority %d out of range 0..%d, ignored", fn, pri,
		      TDPRI_MAX);
	return true;
}

void schedule_remote(void *arg)
{
	schedule_in_crit(lwkt_mycpu(), static_cast<struct lwkt_thread *>(arg));
}

void deschedule_remote(void *arg)
{
	deschedule_in_crit(lwkt_mycpu(), static_cast<struct lwkt_thread *>(arg));
}

/* Only the thread's own CPU looks at its flags; others read td_gd. */
inline bool migrating(struct lwkt_thread *td)
{
	/*
	 * Pairs with adopt()'s release of td_flags; TDF_MIGRATING was set
	 * before lwkt_setcpu_self()'s release of td_gd, read before this.
	 */
	return lwkt_load_acquire(&td->td_flags) & TDF_MIGRATING;
}

} // namespace

void schedule_in_crit(struct lwkt_globaldata *gd, struct lwkt_thread *td)
{
	struct lwkt_globaldata *tgd;

	if (td == gd->gd_curthread) {
		runq_enqueue(td);
		return;
	}
	/*
	 * Asleep on a wait structure: off its queue first (wait.cc). Pairs
	 * with the lwkt_store_release() of td_wait in lwkt_block().
	 */
	if (lwkt_load_acquire(&td->td_wait))
		wait_unlink(td);
	/* Pairs with the lwkt_store_release() of td_gd in migrate.cc. */
	tgd = lwkt_load_acquire(&td->td_gd);
	if (tgd != gd) {
		/* Its CPU does it; if it moved meanwhile, that CPU forwards. */
		lwkt_send_ipiq(tgd, schedule_remote, td);
	} else if (!migrating(td)) {
		/* Only here are td's flags ours to read. */
		LWKT_ASSERT(td != &gd->gd_idlethread);
		LWKT_ASSERT(!(td->td_flags & (TDF_EXITING | TDF_DEADTHREAD)));
		runq_enqueue(td);
		schedule_post(gd, td, TDPRI_CRIT);
	}
	/* else: arriving here; the adopting IPI enqueues it anyway. */
}

void deschedule_in_crit(struct lwkt_globaldata *gd, struct lwkt_thread *td)
{
	struct lwkt_globaldata *tgd;

	if (td == gd->gd_curthread) {
		runq_dequeue(td);
		return;
	}
	/* Pairs with the lwkt_store_release() of td_gd in migrate.cc. */
	tgd = lwkt_load_acquire(&td->td_gd);
	if (tgd != gd)
		lwkt_send_ipiq(tgd, deschedule_remote, td);
	else if (!migrating(td))
		runq_dequeue(td);
}

} // namespace lwkt

using namespace lwkt;

extern "C" void lwkt_schedule_self(struct lwkt_thread *td)
{
	crit_enter_quick(td);
	LWKT_ASSERT(td->td_wait == nullptr);
	LWKT_ASSERT(td != &td->td_gd->gd_idlethread);
	trace_schedule(td);
	runq_enqueue(td);
	crit_exit_quick(td);
}

extern "C" void lwkt_deschedule_self(struct lwkt_thread *td)
{
	crit_enter_quick(td);
	LWKT_ASSERT(td->td_wait == nullptr);
	trace_deschedule(td);
	runq_dequeue(td);
	crit_exit_quick(td);
}

extern "C" void lwkt_schedule(struct lwkt_thread *td)
{
	if (__builtin_expect(!lwkt_in_lwkt_context(), 0))
		return foreign_schedule(td);

	struct lwkt_globaldata *gd = lwkt_mycpu();
	CritSection crit(gd->gd_curthread);

	trace_schedule(td);
	schedule_in_crit(gd, td);
}

extern "C" void lwkt_deschedule(struct lwkt_thread *td)
{
	if (__builtin_expect(!lwkt_in_lwkt_context(), 0))
		return foreign_deschedule(td);

	struct lwkt_globaldata *gd = lwkt_mycpu();
	CritSection crit(gd->gd_curthread);

	trace_deschedule(td);
	deschedule_in_crit(gd, td);
}

extern "C" void lwkt_setpri(struct lwkt_thread *td, int pri)
{
	if (__builtin_expect(pri_out_of_range("lwkt_setpri", pri), 0))
		return;
	if (__builtin_expect(!lwkt_in_lwkt_context(), 0))
		return foreign_setpri(td, pri);

	struct lwkt_thread *cur = curthread;

	LWKT_ASSERT(td->td_gd == lwkt_mycpu());
	crit_enter_quick(cur);
	setpri_locked(td, pri);
	/* Never switch by itself: pending work waits for the next crit_exit. */
	crit_exit_noyield(cur);
}

extern "C" void lwkt_setpri_self(int pri)
{
	struct lwkt_thread *td = curthread;

	if (__builtin_expect(pri_out_of_range("lwkt_setpri_self", pri), 0))
		return;
	crit_enter_quick(td);
	setpri_locked(td, pri);
	crit_exit_noyield(td);
}

extern "C" int lwkt_checkpri_self(void)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();

	return runq_has_above(gd, td_prio(gd->gd_curthread)) ? 1 : 0;
}

extern "C" void lwkt_yield(void)
{
	struct lwkt_thread *td = curthread;

	LWKT_ASSERT(td != &td->td_gd->gd_idlethread);
	crit_enter_quick(td);
	u64 switches = td->td_switches;

	/* To the tail of our queue, so equal-priority threads go first. */
	runq_dequeue(td);
	runq_enqueue(td);
	lwkt_switch();
	/*
	 * Nothing else was runnable: a thread that yields in a loop is
	 * busy-waiting; give the host's own OS its chance (the kernel's
	 * cond_resched() is otherwise only reached through a real switch).
	 */
	if (td->td_switches == switches)
		lwkt_plat_cpu_relax();
	crit_exit_quick(td);
}

extern "C" void lwkt_yield_quick(void)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();
	struct lwkt_thread *td = gd->gd_curthread;

	/* Pending work runs only outside critical sections: that is their point. */
	if (td->td_pri < TDPRI_CRIT &&
	    lwkt_read_once(gd->gd_reqflags))
		lwkt_crit_exit_slow(gd);

	/*
	 * The debugging knob: switch even at equal priority, as if a wakeup
	 * or an interrupt had preempted us, keeping our scheduled state.
	 */
	if (lwkt_read_once(lwkt_untimely_switch) &&
	    td->td_nest_count == 0 &&
	    gd->gd_intr_nesting_level == 0 && td != &gd->gd_idlethread) {
		crit_enter_quick(td);
		if (td->td_flags & TDF_RUNQ) {
			runq_dequeue(td);
			runq_enqueue(td);
			lwkt_switch();
		} else {
			runq_enqueue(td);
			lwkt_switch();
			runq_dequeue(td);
		}
		crit_exit_noyield(td);
	}
}
