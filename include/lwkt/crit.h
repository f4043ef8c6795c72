/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Critical sections, curthread and mycpu: the inline fast paths
 * (DragonFly's sys/thread2.h).
 *
 * A critical section is a count in the current thread's td_pri (TDPRI_CRIT
 * per level), not a CPU state: it travels with the thread across switches.
 * Inside one, nothing else runs on this CPU and deferred work (IPI queue
 * processing, reschedules) waits for the outermost crit_exit().
 */
#ifndef LWKT_CRIT_H
#define LWKT_CRIT_H

#include <lwkt/atomic.h>
#include <lwkt/mycpu.h>
#include <lwkt/globaldata.h>

LWKT_EXTERN_C_BEGIN

#define mycpu		(lwkt_mycpu())
#define curthread	(lwkt_mycpu()->gd_curthread)

/**
 * lwkt_in_lwkt_context - is the caller an LWKT thread (or a host's idle loop)?
 *
 * Description: true when this CPU is hosted and the stack pointer lies on
 * the stack of the thread its host runs, or inside the IPI functions the
 * kick's hardirq callback runs (lwkt_ipiq_intr()). A Linux task that is
 * not a host, or any other interrupt, gets false. A few instructions, no
 * call: the thread API asks it on every lwkt_schedule().
 *
 * Return: true in LWKT context.
 */
static inline bool lwkt_in_lwkt_context(void)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();
	struct lwkt_thread *td;
	unsigned long sp;

	if (!gd || !(td = gd->gd_curthread))
		return false;
	__asm__("movq %%rsp, %0" : "=r"(sp));
	if (sp - (unsigned long)td->td_kstack <
	    (unsigned long)td->td_kstack_size)
		return true;
	/* The kick's hardirq callback, running this CPU's IPI functions. */
	return gd->gd_ipi_hardirq != 0;
}

/* Keep the compiler from moving memory accesses across a level change. */
#define lwkt_cpu_ccfence()	__asm__ __volatile__("" ::: "memory")

/**
 * crit_enter_quick - enter a critical section of a known current thread
 * @td:	curthread
 */
static inline void crit_enter_quick(struct lwkt_thread *td)
{
	td->td_pri += TDPRI_CRIT;
	lwkt_cpu_ccfence();
}

/**
 * crit_enter - enter a critical section
 */
static inline void crit_enter(void)
{
	crit_enter_quick(curthread);
}

/**
 * crit_enter_gd - enter a critical section on a known current CPU
 * @gd:	mycpu
 */
static inline void crit_enter_gd(struct lwkt_globaldata *gd)
{
	crit_enter_quick(gd->gd_curthread);
}

/**
 * crit_exit_noyield - leave a level without running deferred work
 * @td:	curthread
 *
 * For the scheduler itself, which is about to switch or must not.
 */
static inline void crit_exit_noyield(struct lwkt_thread *td)
{
	lwkt_cpu_ccfence();
	td->td_pri -= TDPRI_CRIT;
	if (__builtin_expect(td->td_pri < 0, 0))
		crit_panic();
}

/**
 * crit_exit_quick - leave a critical section of a known current thread
 * @td:	curthread
 *
 * Leaving the outermost level with work pending runs it.
 */
static inline void crit_exit_quick(struct lwkt_thread *td)
{
	struct lwkt_globaldata *gd = td->td_gd;

	crit_exit_noyield(td);
	/*
	 * Relaxed: a flag another CPU sets just after comes with a kick, or
	 * is seen at the next preemption point or idle pass.
	 */
	if (__builtin_expect(td->td_pri < TDPRI_CRIT &&
			     lwkt_read_once(gd->gd_reqflags) != 0, 0))
		lwkt_crit_exit_slow(gd);
}

/**
 * crit_exit - leave a critical section
 */
static inline void crit_exit(void)
{
	crit_exit_quick(curthread);
}

/**
 * crit_exit_gd - leave a critical section on a known current CPU
 * @gd:	mycpu
 */
static inline void crit_exit_gd(struct lwkt_globaldata *gd)
{
	crit_exit_quick(gd->gd_curthread);
}

/**
 * crit_test - is the thread inside a critical section?
 * @td:	the thread
 *
 * Return: non-zero when @td holds at least one critical level.
 */
static inline int crit_test(struct lwkt_thread *td)
{
	return td->td_pri >= TDPRI_CRIT;
}

LWKT_EXTERN_C_END

#endif /* LWKT_CRIT_H */
