/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Functions shared between the core's files, not part of the API.
 */
#ifndef LWKT_CORE_INTERNAL_H
#define LWKT_CORE_INTERNAL_H

#include <lwkt/thread.h>

namespace lwkt {

/*
 * switch.cc: make @ntd current and switch stacks to it; returns when @td
 * runs again. Inside a critical section, td == gd->gd_curthread != ntd.
 */
void switch_to(struct lwkt_globaldata *gd, struct lwkt_thread *td,
	       struct lwkt_thread *ntd);
/* First thing after a switch lands: clear RUNNING on the thread we left. */
void switch_tail(struct lwkt_globaldata *gd);
/* The host refused a switch of @td (and logged why): count it. */
void switch_refused(struct lwkt_globaldata *gd, struct lwkt_thread *td);

/* thread.cc: a thread that will never run again: free cache or freed. */
void thread_recycle(struct lwkt_globaldata *gd, struct lwkt_thread *td,
		    bool may_cache);

/*
 * ipiq.cc: run every message queued for @gd (the current CPU). @polling:
 * the caller is the idle loop, which looks at RQF_IPIQ again before it
 * sleeps or runs a thread: gd_npoll stays set, senders need not kick.
 */
void process_ipiq(struct lwkt_globaldata *gd, bool polling = false,
		  u32 budget = ~0u);
/* Messages the kick's hardirq runs at most; the rest wait for crit_exit. */
constexpr u32 LWKT_IPIQ_HARDIRQ_BUDGET = 256;
/*
 * fcall.cc: run the calls posted to @gd (the current CPU) from outside
 * LWKT context; process_ipiq() does, inside its critical section, with
 * @from_idle when the idle loop polls. Calls that wait for an idle CPU
 * are kept for fcall_drain_idle(), which the idle loop calls with nothing
 * runnable. fcall_abandon_all(): teardown, every call left is done with
 * unrun.
 */
u32 fcall_drain(struct lwkt_globaldata *gd, bool from_idle);
u32 fcall_drain_idle(struct lwkt_globaldata *gd);
void fcall_abandon_all(struct lwkt_globaldata *gd);
/* ipiq.cc: has every message sent to @gd run? (stop protocol) */
bool ipiq_drained(struct lwkt_globaldata *gd);

/*
 * sched.cc: lwkt_schedule()/lwkt_deschedule() of @td, inside a critical
 * section of the current CPU @gd, from a thread or an IPI function.
 */
void schedule_in_crit(struct lwkt_globaldata *gd, struct lwkt_thread *td);
void deschedule_in_crit(struct lwkt_globaldata *gd, struct lwkt_thread *td);

/* wait.cc: take @td off the wait queue it sleeps on, if it still does. */
void wait_unlink(struct lwkt_thread *td);

/* migrate.cc: @td left this CPU and is switched out: send it to td_gd. */
void migrate_send(struct lwkt_thread *td);

/* frame_x86_64.cc: build @td's first switch frame (enters lwkt_thread_entry). */
void arch_init_frame(struct lwkt_thread *td);

/* format.cc: vsnprintf subset (%s %c %d %i %u %x %X %p %%, l/ll/z, width). */
int vformat(char *buf, unsigned long size, const char *fmt,
	    __builtin_va_list ap);

/*
 * thread.cc: a thread (from the cache, @td's template, or new) with a stack
 * of @stksize for CPU @owner, its fields set, on no list yet.
 */
struct lwkt_thread *alloc_unlinked(struct lwkt_thread *td, int stksize,
				   struct lwkt_globaldata *owner);

/* thread.cc: lwkt_create() with the name formatted and an owner to pin. */
int create_thread(void (*func)(void *), void *arg, struct lwkt_thread **tdp,
		  struct lwkt_thread *template_td, int tdflags, int cpu,
		  const char *comm, void *owner);

/*
 * foreign.cc: the API called from outside LWKT context, carried into it
 * with lwkt_plat_run_on().
 */
void foreign_schedule(struct lwkt_thread *td);
void foreign_deschedule(struct lwkt_thread *td);
void foreign_setpri(struct lwkt_thread *td, int pri);
void foreign_signal(struct lwkt_wait *w, int count);

} // namespace lwkt

#endif /* LWKT_CORE_INTERNAL_H */
