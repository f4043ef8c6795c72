/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU LWKT state (DragonFly's struct globaldata, LWKT part).
 *
 * Everything here is owned by its CPU: read and written by that CPU's host
 * inside a critical section. Exceptions, written by other CPUs: gd_reqflags
 * (atomic or), gd_stopreq, gd_npoll (atomic exchange), and the producer
 * side of the incoming IPI FIFOs (gd_ipiq[src], written by CPU src only).
 * Counters are written by the owner only; readers on other CPUs get a
 * relaxed snapshot.
 */
#ifndef LWKT_GLOBALDATA_H
#define LWKT_GLOBALDATA_H

#include <lwkt/atomic.h>
#include <lwkt/types.h>
#include <lwkt/list.h>
#include <lwkt/thread.h>
#include <lwkt/counters.h>

LWKT_EXTERN_C_BEGIN

#define LWKT_NQS		32	/* run queues, one per priority */
#define LWKT_CACHE_NTHREADS	6	/* free-thread cache per CPU */

/* gd_reqflags: work deferred to the end of the outermost critical section. */
#define RQF_IPIQ		0x0001	/* incoming IPI queue work */
#define RQF_RUNNING		0x0002	/* deferred work being processed */
#define RQF_AST_LWKT_RESCHED	0x0004	/* a higher-priority thread waits */
#define RQF_IDLECHECK_MASK	(RQF_IPIQ)	/* idle must not sleep */

struct lwkt_ipiq;	/* include/lwkt/ipiq.h */

/**
 * struct lwkt_globaldata - one CPU's scheduler
 * @gd_curthread:	the running thread (first member: cheapest to reach)
 * @gd_cpuid:		the CPU number
 * @gd_reqflags:	RQF_*, work deferred to the end of the outermost
 *			critical section; atomic, other CPUs set bits
 * @gd_runqmask:	bit N set: run queue N may be non-empty
 * @gd_intr_nesting_level: above 0 inside IPI callbacks: no switch
 * @gd_cscount:		cpusyncs this CPU masters (lwkt_cpusync_start() to
 *			lwkt_cpusync_finish()); a switch meanwhile is a bug
 * @gd_tdrunq:		the run queues, a FIFO per priority
 * @gd_tdallq:		every thread this CPU owns, but the idle thread
 * @gd_tdfreeq:		free-thread cache
 * @gd_tdfreecount:	threads in @gd_tdfreeq
 * @gd_tdreapq:		exited threads waiting to be recycled
 * @gd_prevthread:	the thread just switched away from, for the switch
 *			tail
 * @gd_stopreq:		LWKT_STOP_*: the host was asked to stop (atomic)
 * @gd_refused_logged:	a refused switch was logged (rate limit)
 * @gd_ipiq:		the incoming IPI FIFOs, @gd_ncpus of them indexed by
 *			the sending CPU, allocated by the host before it runs
 *			(src/core/ipiq.cc)
 * @gd_npoll:		set (atomic) by the first sender that kicks this CPU,
 *			or by its idle loop while it polls; while set,
 *			senders skip the kick. Cleared by this CPU before it
 *			drains, so a message published after that gets a kick
 * @gd_ncpus:		size of @gd_ipiq
 * @gd_fcalls:		calls from outside LWKT context queued for this CPU
 *			(src/core/fcall.cc): pushed by any task, taken by
 *			this CPU wherever it drains its IPI queues
 * @gd_fcalls_idle:	such calls that asked to run only when this CPU has
 *			nothing runnable, held by this CPU until then
 * @gd_ipi_hardirq:	processing IPIs from the kick's hardirq
 * @gd_quiesced:	stop phase 1 reached: this CPU runs no thread
 * @gd_idle_poll_ns:	the idle loop polls this long, then sleeps
 * @gd_host:		host-private (userland or Linux)
 * @gd_cnt:		the counters of debugfs "stats" (include/lwkt/counters.h)
 * @gd_idlethread:	the idle thread, running on the host's own stack
 */
struct lwkt_fcall;

struct lwkt_globaldata {
	struct lwkt_thread *gd_curthread;
	int gd_cpuid;
	u32 gd_reqflags;
	u32 gd_runqmask;
	u32 gd_intr_nesting_level;
	u32 gd_cscount;
	struct lwkt_list gd_tdrunq[LWKT_NQS];
	struct lwkt_list gd_tdallq;
	struct lwkt_list gd_tdfreeq;
	int gd_tdfreecount;
	struct lwkt_list gd_tdreapq;
	struct lwkt_thread *gd_prevthread;
	u32 gd_stopreq;
	u32 gd_refused_logged;

	/* Cross-CPU state (src/core/ipiq.cc). */
	struct lwkt_ipiq *gd_ipiq;
	u32 gd_npoll;
	u32 gd_ncpus;
	struct lwkt_fcall *gd_fcalls;
	struct lwkt_fcall *gd_fcalls_idle;
	u32 gd_ipi_hardirq;
	u32 gd_quiesced;
	u64 gd_idle_poll_ns;

	void *gd_host;
	struct lwkt_counters gd_cnt;
	struct lwkt_thread gd_idlethread;
};

typedef struct lwkt_globaldata *globaldata_t;

/**
 * lwkt_gdinit - initialise a CPU's globaldata before its host runs
 * @gd:		the structure (zeroed here)
 * @cpuid:	the CPU number
 */
void lwkt_gdinit(struct lwkt_globaldata *gd, int cpuid);

/**
 * lwkt_host_run - become CPU @gd's scheduler until lwkt_host_stop()
 * @gd:	initialised by lwkt_gdinit(); lwkt_mycpu() must already return it
 *
 * The caller's own stack becomes @gd's idle thread. Loops: reaps exited
 * threads, runs the host's queued requests (lwkt_plat_host_work()), switches to
 * runnable threads while there are any, and otherwise sleeps in
 * lwkt_plat_idle() until lwkt_plat_wake(). After a stop request, at the
 * first switch back to the idle loop, tears the CPU down (see
 * lwkt_host_teardown()) and returns.
 */
void lwkt_host_run(struct lwkt_globaldata *gd);

/* gd_stopreq values */
#define LWKT_STOP_QUIESCE	1	/* run no thread, keep serving IPIs */
#define LWKT_STOP_TEARDOWN	2	/* leave lwkt_host_run() */

/**
 * lwkt_host_quiesce - stop phase 1: CPU @gd runs no more threads
 * @gd:	the CPU; any context that may call lwkt_plat_wake()
 *
 * Each thread runs to its next switch, which goes to the idle loop; the
 * idle loop then only serves IPIs (messages between CPUs still in flight,
 * e.g. a migrating thread's adoption, must land before any CPU frees its
 * threads). Stopping several CPUs: quiesce all, wait until
 * lwkt_host_quiesced() holds for all of them, then lwkt_host_stop() each.
 */
void lwkt_host_quiesce(struct lwkt_globaldata *gd);

/**
 * lwkt_host_quiesced - has @gd reached phase 1 with no message pending?
 * @gd:	the CPU
 *
 * Poll it for every CPU, twice in a row.
 *
 * Return: true once @gd's idle loop saw the quiesce request and every
 * message sent to @gd so far has run.
 */
bool lwkt_host_quiesced(struct lwkt_globaldata *gd);

/**
 * lwkt_host_stop - ask CPU @gd's host to leave lwkt_host_run()
 * @gd:	the CPU; callable from any context that may call lwkt_plat_wake()
 *
 * Asynchronous. Threads run until their next switch, which then goes to
 * the idle loop: runnable and blocked threads alike are left where they
 * are and freed by lwkt_host_teardown(). A thread that never switches keeps
 * its host busy. Wait for the host itself (join its pthread / kthread) to
 * know it is done.
 */
void lwkt_host_stop(struct lwkt_globaldata *gd);

/**
 * lwkt_host_teardown - free every thread @gd still owns (host exit path)
 * @gd:	the current CPU, running its idle thread, nothing runnable
 *
 * The rule: a thread cannot be killed on its own stack, so teardown runs
 * in the idle loop, when no thread of this CPU is RUNNING. Threads still
 * runnable or blocked then are killed: their stacks and structures are freed (they
 * never resume; counted in threads_killed and logged). Exited threads, even
 * those still held, and the free cache are freed. Called by lwkt_host_run().
 */
void lwkt_host_teardown(struct lwkt_globaldata *gd);

/**
 * lwkt_reap - recycle this CPU's exited threads that are safe to recycle
 * @gd:	the current CPU
 *
 * A thread on the reap list is recycled (free cache or freed) once it is
 * not RUNNING, has no references and preempts no one. Called by the switch
 * tail after an exit and by the idle loop.
 */
void lwkt_reap(struct lwkt_globaldata *gd);

/**
 * lwkt_crit_exit_slow - run deferred work at the end of a critical section
 * @gd:	the current CPU
 *
 * Called by crit_exit() when the last level is left with gd_reqflags set:
 * processes the IPI queues and, when a reschedule was requested and a
 * higher-priority thread is runnable, switches to it (DragonFly's
 * splz()/lwkt_yield_quick()). It does not switch in the idle loop, in a
 * preemptor or in a thread off its run queue, and never consults the
 * untimely_switch knob.
 */
void lwkt_crit_exit_slow(struct lwkt_globaldata *gd);

/**
 * need_lwkt_resched - ask for a reschedule at the next preemption point
 * @gd:	the current CPU
 */
static inline void need_lwkt_resched(struct lwkt_globaldata *gd)
{
	/* Our own CPU's: atomic only against other CPUs' RQF_IPIQ ors. */
	lwkt_fetch_or_relaxed(&gd->gd_reqflags, RQF_AST_LWKT_RESCHED);
}

/**
 * clear_lwkt_resched - the reschedule is happening now
 * @gd:	the current CPU
 */
static inline void clear_lwkt_resched(struct lwkt_globaldata *gd)
{
	/* Test first: the locked RMW costs more than the rest of a switch. */
	if (lwkt_read_once(gd->gd_reqflags) &
	    RQF_AST_LWKT_RESCHED)
		lwkt_fetch_and_relaxed(&gd->gd_reqflags,
				       ~(u32)RQF_AST_LWKT_RESCHED);
}

LWKT_EXTERN_C_END

#include <lwkt/crit.h>

#endif /* LWKT_GLOBALDATA_H */
