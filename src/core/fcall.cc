// SPDX-License-Identifier: GPL-2.0
/*
 * Calls from outside LWKT context (Documentation/design.rst, "Calls from
 * outside LWKT context"; struct lwkt_fcall in src/platform.h): the one way a Linux task, a KUnit case or a userland test's
 * main thread gets something done on a CPU's LWKT side.
 *
 * Each CPU has one multi-producer list, gd_fcalls, pushed with a
 * compare-and-swap by any number of posters and taken whole by its CPU with
 * an exchange. Posting then raises RQF_IPIQ and kicks exactly as an IPI
 * sender does (src/core/ipiq.cc), so the CPU drains the list wherever it
 * drains its IPI queues: the kick's interrupt when the running thread is
 * outside a critical section, else its next crit_exit, switch or idle pass.
 * A CPU whose threads never let its idle loop run still answers.
 *
 * A call flagged LWKT_FCALL_IDLE means "once this CPU has nothing left to
 * run" (a test settling, a workload counting what is left): taken from the
 * list like any other, it waits on the CPU's private gd_fcalls_idle until
 * the idle loop finds the run queues empty. On a CPU that never gets there
 * it never runs: its poster's wait is the one to bound.
 *
 * Ordering, as for the IPI FIFOs:
 *   poster:  push (CAS, seq_cst); reqflags |= RQF_IPIQ (seq_cst);
 *            if npoll == 0 && xchg(npoll, 1) == 0: kick
 *   CPU:     npoll = 0; reqflags &= ~RQF_IPIQ (both seq_cst, in
 *            process_ipiq()), then take the list
 * Either the CPU's take sees the push, or the poster sees npoll == 0 and
 * kicks.
 *
 * A poster may give up (lwkt_fcall_cancel()) only before the CPU claimed the
 * call; the CPU still hands every call to lwkt_plat_fcall_done() exactly
 * once, so the host can free it then (it holds a reference for each side).
 */
#include <lwkt/atomic.h>
#include <lwkt/thread.h>

#include "core/debug.h"
#include "core/internal.h"
#include "platform.h"

using namespace lwkt;

extern "C" void lwkt_fcall_post(struct lwkt_globaldata *gd,
				struct lwkt_fcall *fc)
{
	/* A first guess only: the compare-and-swap checks it. */
	struct lwkt_fcall *head = lwkt_read_once(gd->gd_fcalls);

	/* Published by the compare-and-swap below, as fc_next is. */
	lwkt_write_once(fc->fc_state, LWKT_FCALL_QUEUED);
	/*
	 * Pairs with the lwkt_xchg_acquire() of gd_fcalls in fcall_drain()
	 * and fcall_abandon_all(); its full barrier is this side of the
	 * Dekker pair with process_ipiq()'s lwkt_store_mb() of gd_npoll.
	 */
	do {
		fc->fc_next = head;
	} while (!lwkt_try_cmpxchg(&gd->gd_fcalls, &head, fc));
	/* As in send() (src/core/ipiq.cc): the or and the kick. */
	if (!(lwkt_read_once(gd->gd_reqflags) & RQF_IPIQ))
		lwkt_fetch_or(&gd->gd_reqflags, RQF_IPIQ);
	if (lwkt_load_mb(&gd->gd_npoll) == 0 &&
	    lwkt_xchg(&gd->gd_npoll, 1) == 0)
		lwkt_plat_ipi_kick(gd);
	/* else: it polls (and sees RQF_IPIQ), or a kick is on its way. */
}

extern "C" bool lwkt_fcall_cancel(struct lwkt_fcall *fc)
{
	u32 queued = LWKT_FCALL_QUEUED;

	/* Pairs with run_one()'s lwkt_try_cmpxchg(): only one of them wins. */
	return lwkt_try_cmpxchg(&fc->fc_state, &queued, LWKT_FCALL_CANCELLED);
}

namespace lwkt {
namespace {

/* Run @fc unless its poster took it back; either way it is done with. */
inline bool run_one(struct lwkt_fcall *fc)
{
	u32 queued = LWKT_FCALL_QUEUED;
	/* Pairs with lwkt_fcall_cancel()'s lwkt_try_cmpxchg() of fc_state. */
	bool ran = lwkt_try_cmpxchg(&fc->fc_state, &queued, LWKT_FCALL_RUNNING);

	if (ran)
		fc->fc_func(fc->fc_arg);
	lwkt_plat_fcall_done(fc);
	return ran;
}

/* Append a chain to the tail of the CPU-private idle list. */
inline void defer_idle(struct lwkt_globaldata *gd, struct lwkt_fcall *fc)
{
	struct lwkt_fcall **pp = &gd->gd_fcalls_idle;

	while (*pp)
		pp = &(*pp)->fc_next;
	fc->fc_next = nullptr;
	*pp = fc;
}

inline bool nothing_runnable(struct lwkt_globaldata *gd)
{
	return gd->gd_curthread == &gd->gd_idlethread && gd->gd_runqmask == 0;
}

} // namespace

u32 fcall_drain(struct lwkt_globaldata *gd, bool from_idle)
{
	struct lwkt_fcall *list;
	struct lwkt_fcall *fifo = nullptr;
	u32 n = 0;

	/*
	 * The read is the CPU's half of the Dekker pair with
	 * lwkt_fcall_post(): after process_ipiq()'s lwkt_store_mb() of
	 * gd_npoll and lwkt_fetch_and() of gd_reqflags. The exchange pairs
	 * with the poster's lwkt_try_cmpxchg(): fc_next, fc_state, fc_func
	 * and fc_arg are visible.
	 */
	if (!lwkt_read_once(gd->gd_fcalls))
		return 0;
	list = lwkt_xchg_acquire(&gd->gd_fcalls, nullptr);
	/* Pushed newest first: reverse, so calls run in the order posted. */
	while (list) {
		struct lwkt_fcall *next = list->fc_next;

		list->fc_next = fifo;
		fifo = list;
		list = next;
	}
	while (fifo) {
		struct lwkt_fcall *fc = fifo;

		/* Read before done(): the host may free fc there. */
		fifo = fc->fc_next;
		if ((fc->fc_flags & LWKT_FCALL_IDLE) &&
		    !(from_idle && nothing_runnable(gd) &&
		      !gd->gd_fcalls_idle))
			defer_idle(gd, fc);
		else
			n += run_one(fc);
	}
	gd->gd_cnt.host_calls += n;
	return n;
}

u32 fcall_drain_idle(struct lwkt_globaldata *gd)
{
	u32 n = 0;

	while (gd->gd_fcalls_idle && nothing_runnable(gd)) {
		struct lwkt_fcall *fc = gd->gd_fcalls_idle;

		gd->gd_fcalls_idle = fc->fc_next;
		n += run_one(fc);
	}
	gd->gd_cnt.host_calls += n;
	return n;
}

void fcall_abandon_all(struct lwkt_globaldata *gd)
{
	struct lwkt_fcall *lists[2] = {
		/* Pairs with lwkt_fcall_post()'s lwkt_try_cmpxchg(). */
		lwkt_xchg_acquire(&gd->gd_fcalls, nullptr),
		gd->gd_fcalls_idle,
	};

	gd->gd_fcalls_idle = nullptr;
	for (struct lwkt_fcall *fc : lists) {
		while (fc) {
			struct lwkt_fcall *next = fc->fc_next;

			if (lwkt_fcall_cancel(fc))
				lwkt_plat_log("cpu %d teardown: a call from outside LWKT was never run",
					      gd->gd_cpuid);
			lwkt_plat_fcall_done(fc);
			fc = next;
		}
	}
}

} // namespace lwkt
