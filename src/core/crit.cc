// SPDX-License-Identifier: GPL-2.0
/*
 * Critical sections, out of line: the underflow report and the deferred
 * work run when the outermost level is left (Documentation/design.rst,
 * "Critical sections"). The inline fast paths are in include/lwkt/crit.h.
 */
#include <lwkt/atomic.h>
#include <lwkt/thread.h>

#include "core/debug.h"
#include "core/internal.h"
#include "core/runq.h"

/* Plain zero-initialised globals: no constructor runs (kernel rule). */
u32 lwkt_untimely_switch;
u32 lwkt_panic_on_cscount;


using namespace lwkt;

extern "C" void crit_panic(void)
{
	struct lwkt_thread *td = curthread;
	int lpri = td->td_pri;

	/*
	 * Leave the thread sane, at its base priority outside any critical
	 * section, in case the host's panic returns (tests). The low bits
	 * survive the underflow: TDPRI_CRIT multiples do not touch them.
	 */
	td->td_pri = lpri & TDPRI_MASK;
	lwkt_plat_panic("crit_panic: td_pri of %s is/would go negative (%d)",
			td->td_comm, lpri);
}

extern "C" void lwkt_crit_exit_slow(struct lwkt_globaldata *gd)
{
	struct lwkt_thread *td = gd->gd_curthread;

	/* Deferred work that itself exits critical sections must not recurse. */
	if (td->td_nest_count >= 2 || gd->gd_intr_nesting_level)
		return;
	++td->td_nest_count;
	if (lwkt_read_once(gd->gd_reqflags) & RQF_IPIQ)
		process_ipiq(gd);
	if (lwkt_read_once(gd->gd_reqflags) &
	    RQF_AST_LWKT_RESCHED) {
		/*
		 * The idle loop switches on its own. A thread off its run queue
		 * is about to block: its lwkt_switch() will do. A preemptor
		 * must not switch here, that would end the preemption early.
		 */
		if (td == &gd->gd_idlethread || !(td->td_flags & TDF_RUNQ) ||
		    td->td_preempted) {
			/* leave the request for the next switch */
		} else if (runq_has_above(gd, td_prio(td))) {
			lwkt_switch();
		} else {
			clear_lwkt_resched(gd);
		}
	}
	--td->td_nest_count;
}
