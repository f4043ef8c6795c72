/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Functions shared between the core's files, not part of the API.
 */
#ifndef LWKT_CORE_INTERNAL_H
#define LWKT_CORE_INTERNAL_H

#include <lwkt/thread.h>

#ifndef LWKT_ENOMEM
#define LWKT_ENOMEM	12	/* Linux's value; belongs in core/errors.h */
#endif

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
void process_ipiq(struct lwkt_globaldata *gd, bool polling = false);
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

/* thread.cc: lwkt_create() with the name formatted and an owner to pin. */
int create_thread(void (*func)(void *), void *arg, struct lwkt_thread **tdp,
		  struct lwkt_thread *template_td, int tdflags, int cpu,
		  const char *comm, void *owner);

/*
 * foreign.cc: the API called from outside LWKT context, forwarded into it
 * with lwkt_plat_run_on().
 */
int foreign_create(void (*func)(void *), void *arg, struct lwkt_thread **tdp,
		   struct lwkt_thread *template_td, int tdflags, int cpu,
		   const char *comm, void *owner);
void foreign_schedule(struct lwkt_thread *td);
void foreign_deschedule(struct lwkt_thread *td);
void foreign_setpri(struct lwkt_thread *td, int pri);
void foreign_signal(struct lwkt_wait *w, int count);

} // namespace lwkt

#endif /* LWKT_CORE_INTERNAL_H */
