// SPDX-License-Identifier: GPL-2.0
/*
 * Moving threads between CPUs (Documentation/design.rst, "Migration").
 *
 * A thread's stack may be resumed on another CPU only once its old CPU has
 * switched away from it (TDF_RUNNING clear). DragonFly's target spun on
 * that flag inside the IPI; here the old CPU sends the adopting IPI from
 * its switch tail, right after clearing TDF_RUNNING, so the target never
 * waits (a spin in the kick's hardirq could last as long as the old host
 * is kept off its CPU by Linux). Ownership of the thread's fields passes
 * with the message: the FIFO's release/acquire orders every write the old
 * CPU made before the target's first read.
 */
#include <lwkt/atomic.h>
#include <lwkt/ipiq.h>
#include <lwkt/thread.h>

#include "core/debug.h"
#include "core/internal.h"
#include "core/spin.h"
#include "core/list.h"
#include "core/runq.h"
#include "core/trace.h"
#include "platform.h"

namespace lwkt {
namespace {

/* On the new CPU: link it, enqueue it, let it run. */
void adopt(void *arg)
{
	auto *td = static_cast<struct lwkt_thread *>(arg);
	struct lwkt_globaldata *gd = lwkt_mycpu();

	LWKT_ASSERT(td->td_gd == gd && (td->td_flags & TDF_MIGRATING));
	LWKT_ASSERT(!(td->td_flags & TDF_RUNNING));
	AllList(&gd->gd_tdallq).push_tail(td);
	++gd->gd_cnt.threads;
	++gd->gd_cnt.migrations;
	/* Pairs with migrating()'s load_acquire() of td_flags (sched.cc). */
	lwkt_store_release(&td->td_flags, td->td_flags & ~TDF_MIGRATING);
	runq_enqueue(td);
	if (td_prio(td) > td_prio(gd->gd_curthread))
		need_lwkt_resched(gd);
}

/* On the old CPU, for lwkt_acquire(): forget the thread. */
void disown(void *arg)
{
	auto *td = static_cast<struct lwkt_thread *>(arg);
	struct lwkt_globaldata *gd = lwkt_mycpu();

	LWKT_ASSERT(td->td_gd == gd && !(td->td_flags & TDF_RUNQ));
	AllList::remove(td);
	--gd->gd_cnt.threads;
}

} // namespace

void migrate_send(struct lwkt_thread *td)
{
	lwkt_send_ipiq(td->td_gd, adopt, td);
}

} // namespace lwkt

using namespace lwkt;

extern "C" void lwkt_setcpu_self(struct lwkt_globaldata *rgd)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();
	struct lwkt_thread *td = gd->gd_curthread;

	if (rgd == gd || rgd == nullptr)
		return;
	LWKT_ASSERT(td != &gd->gd_idlethread);
	LWKT_ASSERT(!td->td_preempted && !(td->td_flags & TDF_PREEMPT_LOCK));
	LWKT_ASSERT(td->td_mpcount == 0 && td->td_toks == nullptr);
	crit_enter_quick(td);
	/* A refused switch would leave us half moved: ask before starting. */
	if (!lwkt_plat_switch_allowed(gd, td)) {
		switch_refused(gd, td);
		crit_exit_quick(td);
		return;
	}
	trace_migrate(td, gd->gd_cpuid, rgd->gd_cpuid);
	td->td_flags |= TDF_MIGRATING;
	runq_dequeue(td);
	AllList::remove(td);
	--gd->gd_cnt.threads;
	/*
	 * From now on requests for us go to rgd, which holds them off.
	 * Pairs with the load_acquire() of td_gd in schedule_in_crit(),
	 * deschedule_in_crit(), lwkt_acquire(), lwkt_rele(), port_gd()
	 * (msgport.cc) and foreign.cc: TDF_MIGRATING is visible with rgd.
	 */
	lwkt_store_release(&td->td_gd, rgd);
	lwkt_switch();	/* the switch tail sends us to rgd (migrate_send) */
	LWKT_ASSERT(lwkt_mycpu() == rgd);
	crit_exit_quick(td);
}

extern "C" void lwkt_acquire(struct lwkt_thread *td)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();
	/* Pairs with the lwkt_store_release()s of td_gd below and above. */
	struct lwkt_globaldata *ogd = lwkt_load_acquire(&td->td_gd);
	struct lwkt_thread *cur = gd->gd_curthread;

	if (ogd == gd)
		return;
	crit_enter_quick(cur);
	/*
	 * Its old CPU may still be switching away from it. Pairs with
	 * switch_tail()'s release of td_flags (switch.cc).
	 */
	while (lwkt_load_acquire(&td->td_flags) &
	       (TDF_RUNNING | TDF_PREEMPT_LOCK)) {
		spin_serving_ipis(gd);
	}
	lwkt_wait_ipiq(ogd, lwkt_send_ipiq(ogd, disown, td));
	/* Pairs with the readers of td_gd named in lwkt_setcpu_self(). */
	lwkt_store_release(&td->td_gd, gd);
	AllList(&gd->gd_tdallq).push_tail(td);
	++gd->gd_cnt.threads;
	++gd->gd_cnt.migrations;
	crit_exit_quick(cur);
}
