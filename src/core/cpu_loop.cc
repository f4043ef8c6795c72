// SPDX-License-Identifier: GPL-2.0
/*
 * How a CPU runs: its host (a pthread in userland, the per-CPU kthread in
 * the kernel) calls lwkt_host_run(), its stack becomes the CPU's idle
 * thread, and it schedules LWKT threads until it is asked to stop.
 */
#include <lwkt/atomic.h>
#include <lwkt/thread.h>

#include "core/debug.h"
#include "core/internal.h"
#include "core/mplock.h"
#include "core/list.h"
#include "core/runq.h"

using namespace lwkt;

namespace {

/* Free everything on a list linked through td_threadq (reap list, cache). */
void free_all(struct lwkt_globaldata *gd, struct lwkt_list *head,
	      const char *what)
{
	RunList q(head);
	struct lwkt_thread *td;

	while ((td = q.first()) != nullptr) {
		RunList::remove(td);
		/* Pairs with lwkt_rele()'s release of td_refs (thread.cc). */
		if (lwkt_load_acquire(&td->td_refs))
			lwkt_plat_log("cpu %d teardown: freeing %s thread %s with %d references",
				      gd->gd_cpuid, what, td->td_comm, td->td_refs);
		thread_recycle(gd, td, false);
	}
}

/*
 * About to sleep in the host: senders must kick us from now on. gd_npoll
 * may still be set by a kick whose messages we already drained; cleared
 * here, then RQF_IPIQ is looked at once more (both seq_cst, pairing with
 * the sender's "set RQF_IPIQ, then exchange gd_npoll"). False: work came.
 */
bool may_sleep(struct lwkt_globaldata *gd)
{
	lwkt_store_mb(&gd->gd_npoll, 0);
	return !(lwkt_load_mb(&gd->gd_reqflags) &
		 RQF_IDLECHECK_MASK);
}

/*
 * Nothing to run: poll for IPIs for gd_idle_poll_ns before sleeping in the
 * host. A thread that blocks for a cross-CPU reply usually gets it within
 * microseconds; sleeping would add a Linux wakeup to every round trip.
 * gd_npoll stays set meanwhile, so senders skip the kick. Returns true
 * when the host may sleep now.
 */
bool idle_poll(struct lwkt_globaldata *gd)
{
	u64 budget = gd->gd_idle_poll_ns;
	u64 deadline;

	if (budget && gd->gd_ipiq) {
		/*
		 * Until may_sleep(): the loop looks at RQF_IPIQ on its own.
		 * Pairs with kick()'s lwkt_load_mb() of gd_npoll (ipiq.cc):
		 * a sender that sees 1 skips the kick, its RQF_IPIQ already
		 * set for the reads below or for may_sleep()'s.
		 */
		lwkt_store_mb(&gd->gd_npoll, 1);
		deadline = lwkt_plat_now_ns() + budget;
		/*
		 * The flags every pass, the clock every 32nd. Relaxed: a
		 * miss is caught by may_sleep(), a stop request by the
		 * loop's acquire in lwkt_host_run().
		 */
		for (u32 i = 1;; ++i) {
			if ((lwkt_read_once(gd->gd_reqflags) &
			     RQF_IDLECHECK_MASK) ||
			    lwkt_read_once(gd->gd_stopreq))
				break;
			if (!(i & 31) && lwkt_plat_now_ns() >= deadline)
				break;
			lwkt_plat_cpu_relax();
		}
	}
	return may_sleep(gd);
}

} // namespace

extern "C" void lwkt_gdinit(struct lwkt_globaldata *gd, int cpuid)
{
	__builtin_memset(gd, 0, sizeof(*gd));
	gd->gd_cpuid = cpuid;
	for (auto &q : gd->gd_tdrunq)
		list_init(&q);
	list_init(&gd->gd_tdallq);
	list_init(&gd->gd_tdfreeq);
	list_init(&gd->gd_tdreapq);
	list_init(&gd->gd_idlethread.td_threadq);
	list_init(&gd->gd_idlethread.td_allq);
	lwkt_initport(&gd->gd_idlethread.td_msgport, &gd->gd_idlethread);
}

extern "C" void lwkt_host_run(struct lwkt_globaldata *gd)
{
	struct lwkt_thread *idle = &gd->gd_idlethread;

	LWKT_ASSERT(lwkt_mycpu() == gd);
	/* Not on the all-threads list: it is the CPU, not a thread it owns. */
	idle->td_gd = gd;
	idle->td_pri = TDPRI_IDLE_THREAD;
	idle->td_flags = TDF_RUNNING;
	lwkt_set_comm(idle, "idle/%d", gd->gd_cpuid);
	gd->gd_curthread = idle;
	lwkt_plat_idle_setup(gd);

	/*
	 * The idle loop runs inside its own critical section: whatever it
	 * defers (IPI work) it checks itself before sleeping, and the host's
	 * wakeup is sticky, so a wake between the checks and the sleep is
	 * not lost.
	 */
	for (;;) {
		u32 stop;

		crit_enter_quick(idle);
		/* Relaxed: may_sleep() looks again, fully ordered. */
		if (lwkt_read_once(gd->gd_reqflags) & RQF_IPIQ)
			process_ipiq(gd, true);
		lwkt_plat_host_work(gd);
		lwkt_reap(gd);
		/*
		 * Pairs with lwkt_host_quiesce()'s cmpxchg and
		 * lwkt_host_stop()'s store, both release.
		 */
		stop = lwkt_load_acquire(&gd->gd_stopreq);
		if (stop >= LWKT_STOP_TEARDOWN) {
			crit_exit_noyield(idle);
			break;
		} else if (stop == LWKT_STOP_QUIESCE) {
			/*
			 * Runs no thread; still serves IPIs until teardown.
			 * Pairs with lwkt_host_quiesced()'s load_acquire().
			 */
			lwkt_store_release(&gd->gd_quiesced, 1);
			if (may_sleep(gd))
				lwkt_plat_idle(gd);
		} else if (gd->gd_runqmask) {
			/*
			 * A thread may run long without a preemption point:
			 * from here on, senders kick (anything queued before
			 * has RQF_IPIQ set: its first crit_exit drains it).
			 * The Dekker pair with kick()'s lwkt_load_mb() of
			 * gd_npoll after the sender's RQF_IPIQ or (ipiq.cc).
			 */
			lwkt_store_mb(&gd->gd_npoll, 0);
			lwkt_switch();	/* back here when nothing is runnable */
			/* Runnable threads wait for a token or the MP lock. */
			if (idle->td_flags & TDF_IDLE_NOHLT) {
				idle->td_flags &= ~TDF_IDLE_NOHLT;
				lwkt_plat_cpu_relax();
			}
		} else if (idle->td_flags & TDF_IDLE_NOHLT) {
			idle->td_flags &= ~TDF_IDLE_NOHLT;
			lwkt_plat_cpu_relax();
		} else if (gd->gd_fcalls_idle) {
			/* Calls that waited for this: look again after them. */
			fcall_drain_idle(gd);
		} else if (idle_poll(gd)) {
			lwkt_plat_idle(gd);
		}
		crit_exit_noyield(idle);
	}
	lwkt_host_teardown(gd);
}

extern "C" void lwkt_host_quiesce(struct lwkt_globaldata *gd)
{
	u32 idle = 0;

	/* Pairs with lwkt_host_run()'s load_acquire() of gd_stopreq. */
	lwkt_try_cmpxchg_release(&gd->gd_stopreq, &idle, LWKT_STOP_QUIESCE);
	lwkt_plat_wake(gd);
}

extern "C" bool lwkt_host_quiesced(struct lwkt_globaldata *gd)
{
	/*
	 * Pairs with lwkt_host_run()'s lwkt_store_release() of
	 * gd_quiesced: the CPU is done running threads.
	 */
	return lwkt_load_acquire(&gd->gd_quiesced) &&
	       ipiq_drained(gd);
}

extern "C" void lwkt_host_stop(struct lwkt_globaldata *gd)
{
	/* Pairs with lwkt_host_run()'s load_acquire() of gd_stopreq. */
	lwkt_store_release(&gd->gd_stopreq, LWKT_STOP_TEARDOWN);
	lwkt_plat_wake(gd);
}

extern "C" void lwkt_host_teardown(struct lwkt_globaldata *gd)
{
	struct lwkt_thread *idle = &gd->gd_idlethread;
	AllList all(&gd->gd_tdallq);
	struct lwkt_thread *td;

	LWKT_ASSERT(gd->gd_curthread == idle);
	crit_enter_quick(idle);
	/* Runnable and blocked threads never resume: free them where they stand. */
	while ((td = all.first()) != nullptr) {
		LWKT_ASSERT(!(td->td_flags & TDF_RUNNING));
		lwkt_plat_log("cpu %d teardown: killing %s thread %s",
			      gd->gd_cpuid,
			      (td->td_flags & TDF_RUNQ) ? "runnable" : "blocked",
			      td->td_comm);
		runq_dequeue(td);
		AllList::remove(td);
		if (list_linked(&td->td_threadq))	/* e.g. a wait queue */
			list_remove(&td->td_threadq);
		--gd->gd_cnt.threads;
		++gd->gd_cnt.threads_killed;
		/* A preempted thread still holds its tokens (tokrefs on its stack). */
		rel_all_tokens(td);
		td->td_toks = nullptr;
		thread_recycle(gd, td, false);
	}
	/* A killed thread may have wanted it; nothing of ours runs again. */
	if (mp_lock_held(gd))
		cpu_rel_mplock(gd);
	fcall_abandon_all(gd);
	free_all(gd, &gd->gd_tdreapq, "exited");
	free_all(gd, &gd->gd_tdfreeq, "cached");
	gd->gd_tdfreecount = 0;
	gd->gd_runqmask = 0;
	idle->td_flags &= ~TDF_RUNNING;
	crit_exit_noyield(idle);
}
