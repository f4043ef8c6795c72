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

/* crit.cc: IPI queue processing (STUB until the IPI layer exists). */
void process_ipiq(struct lwkt_globaldata *gd);

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

/* A request that needs the IPI layer, which does not exist yet. */
void remote_unsupported(const char *what, struct lwkt_thread *td);

} // namespace lwkt

#endif /* LWKT_CORE_INTERNAL_H */
