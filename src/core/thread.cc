// SPDX-License-Identifier: GPL-2.0
/*
 * Thread lifecycle: allocation with the per-CPU free cache, init, create,
 * exit and reaping, references, names (Documentation/design.rst,
 * "Threads").
 *
 * Reaping rule: an exiting thread is still on its stack when it switches
 * away for good, so it cannot free itself. It parks on its CPU's reap list
 * and the switch tail of whichever thread runs next calls lwkt_reap(), which
 * recycles every parked thread that is no longer RUNNING, holds no
 * lwkt_hold() reference and preempts no one. The idle loop reaps too, for
 * threads whose last reference went away later.
 */
#include <lwkt/atomic.h>
#include <lwkt/ipiq.h>
#include <lwkt/thread.h>

#include "core/debug.h"
#include <lwkt/errno.h>
#include "core/internal.h"
#include "core/mplock.h"
#include "core/list.h"
#include "core/runq.h"
#include "core/trace.h"

namespace lwkt {
namespace {

constexpr int kPageSize = 4096;

/* Thread ids for tracing and debugfs: never reused until 2^32 creations. */
u32 next_tid;

/* Round a requested stack size to pages, at least LWKT_STACK_MIN. */
inline int stack_round(int stksize)
{
	if (stksize < LWKT_STACK_MIN)
		stksize = LWKT_STACK_MIN;
	return (stksize + kPageSize - 1) & ~(kPageSize - 1);
}

inline bool reapable(const struct lwkt_thread *td)
{
	/*
	 * Pair with switch_tail()'s release of td_flags (!TDF_RUNNING:
	 * its stack is free) and the releases of td_refs in lwkt_rele() and
	 * free_wakeup(): the last holder is done with td.
	 */
	return !(lwkt_load_acquire(&td->td_flags) & TDF_RUNNING) &&
	       lwkt_load_acquire(&td->td_refs) == 0 &&
	       td->td_preempted == nullptr;
}

} // namespace

void thread_recycle(struct lwkt_globaldata *gd, struct lwkt_thread *td,
		    bool may_cache)
{
	lwkt_plat_thread_release(td);
	td->td_flags = (td->td_flags & ~(TDF_EXITING | TDF_RUNQ)) | TDF_DEADTHREAD;
	if (may_cache && (td->td_flags & TDF_ALLOCATED_THREAD) &&
	    gd->gd_tdfreecount < LWKT_CACHE_NTHREADS) {
		/* Its stack stays attached: the next alloc of that size reuses it. */
		RunList(&gd->gd_tdfreeq).push_head(td);
		++gd->gd_tdfreecount;
		return;
	}
	if (td->td_kstack && (td->td_flags & TDF_ALLOCATED_STACK))
		lwkt_plat_stack_free(td->td_kstack, td->td_kstack_size);
	td->td_kstack = nullptr;
	td->td_kstack_size = 0;
	td->td_flags &= ~TDF_ALLOCATED_STACK;
	if (td->td_flags & TDF_ALLOCATED_THREAD)
		lwkt_plat_thread_free(td);
	/* else: the caller's structure, left TDF_DEADTHREAD */
}

/* On the owning CPU, inside a critical section (or as an IPI function). */
static void link_thread(void *arg)
{
	auto *td = static_cast<struct lwkt_thread *>(arg);
	struct lwkt_globaldata *gd = td->td_gd;

	AllList(&gd->gd_tdallq).push_tail(td);
	++gd->gd_cnt.threads;
}

} // namespace lwkt

using namespace lwkt;

namespace lwkt {
namespace {

/* Everything lwkt_init_thread() sets, but the link to its CPU. */
void init_fields(struct lwkt_thread *td, void *stack, int stksize, int flags,
		 struct lwkt_globaldata *gd)
{
	__builtin_memset(td, 0, sizeof(*td));
	list_init(&td->td_threadq);
	list_init(&td->td_allq);
	td->td_kstack = static_cast<char *>(stack);
	td->td_kstack_size = stksize;
	td->td_flags = static_cast<u32>(flags);
	td->td_gd = gd;
	td->td_tid = lwkt_add_return_relaxed(&next_tid, 1);
	if (__builtin_expect(td->td_tid == 0, 0))	/* 0 names the idle threads */
		td->td_tid = lwkt_add_return_relaxed(&next_tid, 1);
	/* Switched to inside a critical section: the first switch-in leaves it. */
	td->td_pri = TDPRI_KERN_DAEMON + TDPRI_CRIT;
	lwkt_initport(&td->td_msgport, td);
}

/* Which CPU a new thread goes to; nullptr (logged) if none can take it. */
struct lwkt_globaldata *alloc_target(int cpu)
{
	struct lwkt_globaldata *gd;

	if (!lwkt_in_lwkt_context())
		gd = lwkt_plat_cpu_gd(lwkt_plat_foreign_cpu(cpu));
	else if (cpu < 0)
		gd = lwkt_mycpu();
	else
		gd = lwkt_plat_cpu_gd(cpu);
	if (!gd)
		lwkt_plat_log("new thread: cpu %d is not hosted", cpu);
	return gd;
}

/* A call from outside LWKT context carries the thread by value. */
void link_copied(void *p)
{
	link_thread(*static_cast<struct lwkt_thread **>(p));
}

/* Link a thread whose fields are set to its CPU @gd, from anywhere. */
void link_new(struct lwkt_thread *td, struct lwkt_globaldata *gd)
{
	if (!lwkt_in_lwkt_context()) {
		/* Not this CPU's host: its CPU links it, we wait for that. */
		if (lwkt_plat_run_on(gd->gd_cpuid, link_copied, &td, sizeof(td)))
			lwkt_plat_log("cannot reach cpu %d to link thread %u",
				      gd->gd_cpuid, td->td_tid);
	} else if (gd == lwkt_mycpu()) {
		crit_enter_gd(gd);
		link_thread(td);
		crit_exit_gd(gd);
	} else {
		/* Its CPU links it; our later IPIs to it (a schedule) follow. */
		lwkt_send_ipiq(gd, link_thread, td);
	}
}

} // namespace
} // namespace lwkt

extern "C" void lwkt_init_thread(struct lwkt_thread *td, void *stack,
				 int stksize, int flags,
				 struct lwkt_globaldata *gd)
{
	init_fields(td, stack, stksize, flags, gd);
	link_new(td, gd);
}

extern "C" struct lwkt_thread *lwkt_alloc_thread(struct lwkt_thread *td,
						 int stksize, int cpu)
{
	struct lwkt_globaldata *owner = alloc_target(cpu);

	if (!owner)
		return nullptr;
	td = alloc_unlinked(td, stksize, owner);
	if (td)
		link_new(td, owner);
	return td;
}

/*
 * A thread and its stack for CPU @owner, fields set, linked nowhere. The
 * free-thread cache is the current CPU's, touched only by its own LWKT
 * context: from outside it, always a fresh allocation.
 */
struct lwkt_thread *lwkt::alloc_unlinked(struct lwkt_thread *td, int stksize,
					 struct lwkt_globaldata *owner)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();
	void *stack;
	int oldsize;
	int flags = 0;

	stksize = stack_round(stksize);
	if (td == nullptr && lwkt_in_lwkt_context()) {
		crit_enter_gd(gd);
		if (gd->gd_tdfreecount > 0) {
			td = RunList(&gd->gd_tdfreeq).first();
			RunList::remove(td);
			--gd->gd_tdfreecount;
		}
		crit_exit_gd(gd);
		if (td) {
			LWKT_ASSERT(!(td->td_flags & TDF_RUNNING));
			flags = td->td_flags &
				(TDF_ALLOCATED_STACK | TDF_ALLOCATED_THREAD);
		}
	}
	if (td == nullptr) {
		td = lwkt_plat_thread_alloc();
		if (!td)
			return nullptr;
		td->td_kstack = nullptr;
		td->td_kstack_size = 0;
		flags = TDF_ALLOCATED_THREAD;
	}
	/* A template's stack, if any, is the caller's: used only if it fits. */
	stack = td->td_kstack;
	oldsize = td->td_kstack_size;
	if (stack && oldsize != stksize) {
		if (flags & TDF_ALLOCATED_STACK)
			lwkt_plat_stack_free(stack, oldsize);
		flags &= ~TDF_ALLOCATED_STACK;
		stack = nullptr;
	}
	if (!stack) {
		stack = lwkt_plat_stack_alloc(stksize);
		if (!stack) {
			if (flags & TDF_ALLOCATED_THREAD)
				lwkt_plat_thread_free(td);
			else
				td->td_kstack = nullptr;
			return nullptr;
		}
		flags |= TDF_ALLOCATED_STACK;
	}
	init_fields(td, stack, stksize, flags, owner);
	return td;
}

extern "C" void lwkt_set_entry_owned(void *owner, struct lwkt_thread *td,
				     void (*func)(void *), void *arg)
{
	LWKT_ASSERT(td->td_kstack && !(td->td_flags & (TDF_RUNNING | TDF_RUNQ)));
	td->td_func = func;
	td->td_arg = arg;
	arch_init_frame(td);
	lwkt_plat_thread_setup(td);
	/* Before it can run, and so exit: the owner stays pinned until then. */
	if (owner)
		lwkt_plat_thread_owner(td, owner);
}

/* Kernel C callers reach lwkt_set_entry_owned() through a macro instead. */
extern "C" void lwkt_set_entry(struct lwkt_thread *td, void (*func)(void *),
			       void *arg)
{
	lwkt_set_entry_owned(nullptr, td, func, arg);
}

namespace lwkt {
namespace {

/* On the new thread's CPU, inside a critical section: let it go. */
void start_new(struct lwkt_thread *td)
{
	trace_thread_create(td);
	if (!(td->td_flags & TDF_STOPREQ))
		lwkt_schedule(td);
	else
		td->td_flags &= ~TDF_STOPREQ;
}

void start_copied(void *p)
{
	struct lwkt_thread *td = *static_cast<struct lwkt_thread **>(p);

	link_thread(td);
	start_new(td);
}

} // namespace
} // namespace lwkt

int lwkt::create_thread(void (*func)(void *), void *arg,
			struct lwkt_thread **tdp,
			struct lwkt_thread *template_td, int tdflags, int cpu,
			const char *comm, void *owner)
{
	struct lwkt_thread *td;
	bool outside = !lwkt_in_lwkt_context();
	struct lwkt_globaldata *gd = alloc_target(cpu);

	if (!gd)
		return -LWKT_EINVAL;
	/* From outside: built here, linked and started by one call there. */
	td = outside ? alloc_unlinked(template_td, LWKT_THREAD_STACK, gd)
		     : lwkt_alloc_thread(template_td, LWKT_THREAD_STACK, cpu);
	if (!td)
		return -LWKT_ENOMEM;
	if (tdp)
		*tdp = td;
	/* Named first: a failed pin is reported with the name. */
	lwkt_set_comm(td, "%s", comm);
	lwkt_set_entry_owned(owner, td, func, arg);
	/*
	 * DragonFly added TDF_VERBOSE to every kthread; here it is the
	 * caller's choice (thousands of test threads would flood the log).
	 */
	td->td_flags |= static_cast<u32>(tdflags);
	if (outside) {
		int err = lwkt_plat_run_on(gd->gd_cpuid, start_copied, &td,
					   sizeof(td));

		if (err) {
			/* Never linked, never ran: ours to free. */
			if (tdp)
				*tdp = nullptr;
			thread_recycle(gd, td, false);
		}
		return err;
	}
	start_new(td);
	return 0;
}

namespace {

int create_v(void *owner, void (*func)(void *), void *arg,
	     struct lwkt_thread **tdp, struct lwkt_thread *template_td,
	     int tdflags, int cpu, const char *fmt, __builtin_va_list ap)
{
	char comm[LWKT_MAXCOMLEN + 1];

	vformat(comm, sizeof(comm), fmt, ap);
	return create_thread(func, arg, tdp, template_td, tdflags, cpu, comm,
			     owner);
}

} // namespace

extern "C" int lwkt_create(void (*func)(void *), void *arg,
			   struct lwkt_thread **tdp,
			   struct lwkt_thread *template_td, int tdflags, int cpu,
			   const char *fmt, ...)
{
	__builtin_va_list ap;
	int err;

	__builtin_va_start(ap, fmt);
	err = create_v(nullptr, func, arg, tdp, template_td, tdflags, cpu, fmt,
		       ap);
	__builtin_va_end(ap);
	return err;
}

extern "C" int lwkt_create_owned(void *owner, void (*func)(void *), void *arg,
				 struct lwkt_thread **tdp,
				 struct lwkt_thread *template_td, int tdflags,
				 int cpu, const char *fmt, ...)
{
	__builtin_va_list ap;
	int err;

	__builtin_va_start(ap, fmt);
	err = create_v(owner, func, arg, tdp, template_td, tdflags, cpu, fmt,
		       ap);
	__builtin_va_end(ap);
	return err;
}

/* Where a new thread's first switch lands (via lwkt_thread_trampoline). */
extern "C" void lwkt_thread_entry(struct lwkt_thread *td)
{
	lwkt_plat_thread_start(td);
	switch_tail(td->td_gd);
	/* Leave the critical section every thread is switched to in. */
	crit_exit_quick(td);
	td->td_func(td->td_arg);
	lwkt_exit();
}

extern "C" void lwkt_exit(void)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();
	struct lwkt_thread *td = gd->gd_curthread;
	int lent;

	LWKT_ASSERT(td != &gd->gd_idlethread);
	if (td->td_flags & TDF_VERBOSE)
		lwkt_plat_log("thread %p %s has exited", static_cast<void *>(td),
			      td->td_comm);
	crit_enter_quick(td);
	trace_thread_exit(td);
	/*
	 * A preemptor's count includes what the thread it preempted lent it
	 * (lwkt_preempt()); lwkt_switch() gives that back when we switch
	 * away. Only the rest is ours. Tokens are never lent.
	 */
	lent = td->td_preempted ? td->td_preempted->td_mpcount : 0;
	if (__builtin_expect(td->td_toks || td->td_mpcount != lent, 0)) {
		/*
		 * DragonFly 2005 checked nothing here. A token names its
		 * holder, so an abandoned one would stay held forever.
		 */
		lwkt_plat_log("thread %s exits holding %s", td->td_comm,
			      td->td_toks ? "tokens" : "the MP lock");
		rel_all_tokens(td);
		td->td_toks = nullptr;
		td->td_mpcount = lent;
	}
	runq_dequeue(td);
	AllList::remove(td);
	--gd->gd_cnt.threads;
	td->td_flags |= TDF_EXITING;
	RunList(&gd->gd_tdreapq).push_tail(td);
	for (;;) {
		lwkt_switch();
		/* Only a refused switch comes back: a bug in the caller. */
		lwkt_plat_panic("lwkt_exit: %s cannot switch away", td->td_comm);
	}
}

extern "C" void lwkt_reap(struct lwkt_globaldata *gd)
{
	RunList q(&gd->gd_tdreapq);
	struct lwkt_thread *td;
	struct lwkt_thread *next;

	if (q.empty())
		return;
	crit_enter_gd(gd);
	for (td = q.first(); td; td = next) {
		next = q.next(td);
		if (reapable(td)) {
			RunList::remove(td);
			thread_recycle(gd, td, true);
		}
	}
	crit_exit_noyield(gd->gd_curthread);
}

extern "C" void lwkt_free_thread(struct lwkt_thread *td)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();

	LWKT_ASSERT(td->td_gd == gd);
	LWKT_ASSERT(!(td->td_flags & (TDF_RUNNING | TDF_RUNQ | TDF_EXITING)));
	crit_enter_gd(gd);
	if (list_linked(&td->td_allq)) {
		AllList::remove(td);
		--gd->gd_cnt.threads;
	}
	thread_recycle(gd, td, true);
	crit_exit_gd(gd);
}

extern "C" void lwkt_set_comm(struct lwkt_thread *td, const char *ctl, ...)
{
	__builtin_va_list ap;

	__builtin_va_start(ap, ctl);
	vformat(td->td_comm, sizeof(td->td_comm), ctl, ap);
	__builtin_va_end(ap);
}

/*
 * References and lwkt_wait_free(), from any CPU or from outside LWKT
 * context. td_refs is one word: the holds, plus TD_REFS_WAITER while a
 * thread sleeps in lwkt_wait_free() (td_freewait names it). Any nonzero
 * value keeps td from being reaped.
 *
 * The waiter sets td_freewait, then the bit, with one compare-and-swap
 * that also checks the holds are still there: a release either comes
 * before it (the waiter sees 0 and does not sleep) or sees the bit.
 * The release that drops the last hold with the bit set leaves the bit
 * alone (td stays unreapable) and has free_wakeup() run on the waiter's
 * CPU; there, the bit is cleared last, and the waiter, which cannot run
 * meanwhile, is scheduled. So the releaser never touches td once it may
 * be recycled, and the waiter never returns before its wakeup was issued.
 */
namespace {

void free_wakeup(void *arg)
{
	auto *td = static_cast<struct lwkt_thread *>(arg);
	/* Written by the waiter, which is of this CPU: no ordering needed. */
	struct lwkt_thread *w = lwkt_read_once(td->td_freewait);

	lwkt_write_once(td->td_freewait, nullptr);
	/*
	 * From here td may be recycled by its CPU: not touched again.
	 * Pairs with the load_acquire() of td_refs in reapable() and
	 * lwkt_wait_free().
	 */
	lwkt_fetch_and_release(&td->td_refs, ~TD_REFS_WAITER);
	lwkt_schedule(w);	/* w is this CPU's: a local schedule */
}

/* From outside LWKT context the thread travels by value (src/platform.h). */
void free_wakeup_copied(void *p)
{
	free_wakeup(*static_cast<struct lwkt_thread **>(p));
}

} // namespace

extern "C" void lwkt_hold(struct lwkt_thread *td)
{
	/* Taken under a hold or by td's owner: no ordering (refcount_inc). */
	lwkt_fetch_add_relaxed(&td->td_refs, 1);
}

extern "C" void lwkt_rele(struct lwkt_thread *td)
{
	/*
	 * Pairs with lwkt_wait_free()'s release cmpxchg of td_refs: if we
	 * see TD_REFS_WAITER, td_freewait is visible.
	 */
	int old = lwkt_load_acquire(&td->td_refs);
	struct lwkt_thread *w;
	struct lwkt_globaldata *wgd;

	for (;;) {
		if (__builtin_expect(!(old & ~TD_REFS_WAITER), 0)) {
			lwkt_plat_panic("lwkt_rele: thread %s has no reference",
					td->td_comm);
			return;
		}
		if (old != (TD_REFS_WAITER | 1)) {
			/*
			 * Not the last hold, or nobody waits: nothing else.
			 * Pairs with the load_acquire() of td_refs in
			 * reapable() and lwkt_wait_free().
			 */
			if (lwkt_try_cmpxchg_release(&td->td_refs, &old,
						     old - 1))
				return;
			continue;
		}
		/*
		 * Set before the bit, which our acquire saw: ordered. The
		 * cmpxchg races the other holders' and is seen by
		 * lwkt_wait_free()'s acquire (the bit stays: it sleeps on).
		 */
		w = lwkt_read_once(td->td_freewait);
		if (lwkt_try_cmpxchg(&td->td_refs, &old, TD_REFS_WAITER))
			break;
	}
	/*
	 * w sleeps in lwkt_wait_free() until free_wakeup() ran: it stays.
	 * Pairs with the lwkt_store_release() of td_gd in migrate.cc.
	 */
	wgd = lwkt_load_acquire(&w->td_gd);
	if (lwkt_in_lwkt_context())
		lwkt_send_ipiq(wgd, free_wakeup, td);	/* ours: a direct call */
	else if (lwkt_plat_run_on(wgd->gd_cpuid, free_wakeup_copied, &td,
				  sizeof(td)))
		lwkt_plat_log("lwkt_rele: cannot reach cpu %d to wake %s",
			      wgd->gd_cpuid, w->td_comm);
}

extern "C" void lwkt_wait_free(struct lwkt_thread *td)
{
	struct lwkt_thread *self = curthread;

	LWKT_ASSERT(self != td);
	/*
	 * Inside a critical section: free_wakeup() runs on this CPU, so not
	 * between our look at td_refs and our deschedule.
	 */
	crit_enter_quick(self);
	for (;;) {
		/*
		 * Pairs with the releases of td_refs in lwkt_rele() and
		 * free_wakeup(): the holders are done with td.
		 */
		int old = lwkt_load_acquire(&td->td_refs);

		if (old == 0)
			break;
		if (!(old & TD_REFS_WAITER)) {
			LWKT_ASSERT(lwkt_read_once(td->td_freewait) == nullptr);
			lwkt_write_once(td->td_freewait, self);
			/* Pairs with lwkt_rele()'s acquire of td_refs. */
			if (!lwkt_try_cmpxchg_release(&td->td_refs, &old,
						      old | TD_REFS_WAITER)) {
				lwkt_write_once(td->td_freewait, nullptr);
				continue;
			}
		} else {
			/* One waiter at a time; woken early: sleep again. */
			LWKT_ASSERT(lwkt_read_once(td->td_freewait) == self);
		}
		lwkt_deschedule_self(self);
		lwkt_switch();
	}
	crit_exit_quick(self);
}
