// SPDX-License-Identifier: GPL-2.0
/*
 * lwkt_switch(): choose the next thread of this CPU and switch to it
 * (Documentation/design.rst, "Switching"). The hot path: no allocation,
 * no logging, no division.
 */
#include <lwkt/atomic.h>
#include <lwkt/thread.h>

#include "core/debug.h"
#include "core/internal.h"
#include "core/mplock.h"
#include "core/runq.h"
#include "core/trace.h"

namespace lwkt {

void switch_refused(struct lwkt_globaldata *gd, struct lwkt_thread *td)
{
	/* The host logged why, naming the state it found. */
	(void)td;
	++gd->gd_cnt.switch_refused;
}

/*
 * td switches while this CPU masters a cpusync: the held CPUs spin until
 * it comes back. DragonFly counted it and panicked if asked to.
 */
static __attribute__((noinline, cold)) void
cscount_switch(struct lwkt_globaldata *gd, struct lwkt_thread *td)
{
	++gd->gd_cnt.cscount;
	if (lwkt_read_once(lwkt_panic_on_cscount))
		lwkt_plat_panic("lwkt_switch: thread %s switches while mastering a cpusync",
				td->td_comm);
}

void switch_tail(struct lwkt_globaldata *gd)
{
	struct lwkt_thread *prev = gd->gd_prevthread;

	gd->gd_prevthread = nullptr;
	/*
	 * Release: another CPU waiting for !RUNNING may then take the stack.
	 * Pairs with the load_acquire() of td_flags in lwkt_acquire()
	 * (migrate.cc) and reapable() (thread.cc).
	 */
	lwkt_store_release(&prev->td_flags, prev->td_flags & ~TDF_RUNNING);
	if (__builtin_expect(prev->td_flags & (TDF_EXITING | TDF_MIGRATING), 0)) {
		if (prev->td_flags & TDF_EXITING)
			lwkt_reap(gd);
		else
			migrate_send(prev);	/* switched out: it may go */
	}
}

void switch_to(struct lwkt_globaldata *gd, struct lwkt_thread *td,
	       struct lwkt_thread *ntd)
{
	/*
	 * curthread changes before the stacks do: in between, an interrupt
	 * (the kernel's IPI callback) sees ntd, which is inside a critical
	 * section like every thread switched to, so it defers its work.
	 */
	trace_switch(gd, td, ntd);
	gd->gd_curthread = ntd;
	ntd->td_flags |= TDF_RUNNING;
	++ntd->td_switches;
	gd->gd_prevthread = td;
	lwkt_plat_switch(td, ntd);
	/* Back on td, possibly much later. */
	switch_tail(lwkt_mycpu());
}

namespace {

/* Can ntd run now as far as the MP lock and its tokens are concerned? */
inline bool can_run(struct lwkt_globaldata *gd, struct lwkt_thread *ntd)
{
	if (ntd->td_mpcount && !mp_lock_held(gd) && !cpu_try_mplock(gd))
		return false;
	return ntd->td_toks == nullptr || chktokens(ntd);
}

struct lwkt_thread *idle_choice(struct lwkt_globaldata *gd, bool spin)
{
	struct lwkt_thread *idle = &gd->gd_idlethread;

	/* Work is pending or a thread waits for a lock: do not sleep. */
	if (spin || (lwkt_read_once(gd->gd_reqflags) &
		     RQF_IDLECHECK_MASK))
		idle->td_flags |= TDF_IDLE_NOHLT;
	return idle;
}

/*
 * The first thread of queue nq cannot run: look for any eligible thread at
 * nq and below, counting why threads were skipped. None: the idle thread,
 * spinning (IDLE_NOHLT) until a lock or token comes free.
 */
__attribute__((noinline)) struct lwkt_thread *
pick_slow(struct lwkt_globaldata *gd, int nq)
{
	u32 mask = gd->gd_runqmask & ((2u << nq) - 1);

	while (mask) {
		RunList q(&gd->gd_tdrunq[nq]);

		for (struct lwkt_thread *ntd = q.first(); ntd; ntd = q.next(ntd)) {
			if (ntd->td_mpcount && !mp_lock_held(gd) &&
			    !cpu_try_mplock(gd)) {
				++gd->gd_cnt.mplock_contention_count;
				continue;
			}
			if (ntd->td_toks && !chktokens(ntd)) {
				++gd->gd_cnt.token_contention_count;
				continue;
			}
			RunList::remove(ntd);
			q.push_tail(ntd);
			return ntd;
		}
		mask &= ~(1u << nq);
		if (mask)
			nq = runq_top(mask);
	}
	return idle_choice(gd, true);
}

/* Step 2: highest non-empty queue, first thread, round robin. */
inline struct lwkt_thread *pick(struct lwkt_globaldata *gd)
{
	u32 mask;

	while ((mask = gd->gd_runqmask) != 0) {
		int nq = runq_top(mask);
		RunList q(&gd->gd_tdrunq[nq]);
		struct lwkt_thread *ntd = q.first();

		if (!ntd) {
			gd->gd_runqmask = mask & ~(1u << nq);	/* stale */
			continue;
		}
		if (__builtin_expect(!can_run(gd, ntd), 0))
			return pick_slow(gd, nq);
		RunList::remove(ntd);
		q.push_tail(ntd);
		return ntd;
	}
	return idle_choice(gd, false);
}

} // namespace
} // namespace lwkt

using namespace lwkt;

extern "C" void lwkt_switch(void)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();
	struct lwkt_thread *td = gd->gd_curthread;
	struct lwkt_thread *ntd;

	/* One test for both: they share a cache line and are almost never set. */
	if (__builtin_expect((gd->gd_intr_nesting_level | gd->gd_cscount) != 0,
			     0)) {
		if (gd->gd_intr_nesting_level) {
			lwkt_plat_panic("lwkt_switch: called from interrupt context (thread %s)",
					td->td_comm);
			return;
		}
		cscount_switch(gd, td);
	}
	if (__builtin_expect(!lwkt_plat_switch_allowed(gd, td), 0)) {
		switch_refused(gd, td);
		return;
	}
	crit_enter_quick(td);
	/* Switching out frees td's tokens; chktokens() takes them back. */
	if (__builtin_expect(td->td_toks != nullptr, 0))
		rel_all_tokens(td);

	ntd = td->td_preempted;
	if (ntd) {
		/*
		 * Step 1: td preempted ntd; resume it whether or not it is
		 * scheduled, and give back the MP count it lent us.
		 */
		LWKT_ASSERT(ntd->td_flags & TDF_PREEMPT_LOCK);
		if (ntd->td_mpcount) {
			td->td_mpcount -= ntd->td_mpcount;
			LWKT_ASSERT(td->td_mpcount >= 0);
		}
		ntd->td_flags |= TDF_PREEMPT_DONE;
		/* Something better than ntd became runnable meanwhile? */
		if (gd->gd_runqmask > (2u << td_prio(ntd)) - 1)
			need_lwkt_resched(gd);
	} else if (__builtin_expect(lwkt_read_once(gd->gd_stopreq), 0)) {
		/*
		 * The host is stopping: every thread stays where it is
		 * (runnable or blocked) and the idle loop tears the CPU down.
		 * Relaxed: the idle loop reads it again with acquire.
		 */
		ntd = &gd->gd_idlethread;
	} else {
		/* A reschedule is what we are doing now. */
		clear_lwkt_resched(gd);
		ntd = pick(gd);
	}
	LWKT_ASSERT(ntd->td_pri >= TDPRI_CRIT);

	/* Step 3: the MP lock goes if the next thread does not need it. */
	if (ntd->td_mpcount == 0 && mp_lock_held(gd))
		cpu_rel_mplock(gd);

	/* Step 4 */
	if (td != ntd) {
		++gd->gd_cnt.switch_count;
		switch_to(gd, td, ntd);
	}
	crit_exit_quick(td);
}
