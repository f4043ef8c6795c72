/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LWKT threads: the thread structure, priorities, flags and the thread API,
 * with DragonFly BSD's names and argument order (sys/thread.h, 2005).
 *
 * Included by kernel C code and by the C++ core, so: C-compatible, no Linux
 * or libc header. Including this header gives the whole single-CPU API:
 * it pulls in globaldata.h and crit.h (critical sections, curthread).
 */
#ifndef LWKT_THREAD_H
#define LWKT_THREAD_H

#include <lwkt/errno.h>
#include <lwkt/types.h>
#include <lwkt/list.h>
#include <lwkt/msgport.h>

LWKT_EXTERN_C_BEGIN

struct lwkt_globaldata;
struct lwkt_wait;	/* wait queues: include/lwkt/wait.h */
struct lwkt_tokref;	/* tokens: include/lwkt/token.h */

/*
 * Priorities, 0..31, higher runs first. td_pri holds the priority in its
 * low 5 bits and TDPRI_CRIT times the critical-section nesting above it.
 */
#define TDPRI_IDLE_THREAD	0	/* the idle thread (not on a queue) */
#define TDPRI_IDLE		0
#define TDPRI_USER_IDLE		4
#define TDPRI_USER_NORM		6
#define TDPRI_USER_REAL		8
#define TDPRI_KERN_LPSCHED	9
#define TDPRI_KERN_USER		10
#define TDPRI_KERN_DAEMON	12
#define TDPRI_SOFT_NORM		14
#define TDPRI_SOFT_TIMER	16
#define TDPRI_EXITING		19
#define TDPRI_INT_SUPPORT	20
#define TDPRI_INT_LOW		27
#define TDPRI_INT_MED		28
#define TDPRI_INT_HIGH		29
#define TDPRI_MAX		31
#define TDPRI_MASK		31
#define TDPRI_CRIT		32	/* one critical-section level */

/* td_flags */
#define TDF_RUNNING		0x0001	/* its stack is live on a CPU */
#define TDF_RUNQ		0x0002	/* on its CPU's run queue */
#define TDF_PREEMPT_LOCK	0x0004	/* preempted, or preempting, now */
#define TDF_PREEMPT_DONE	0x0008	/* the preemptor blocked: resumed */
#define TDF_IDLE_NOHLT		0x0010	/* idle thread: spin, do not sleep */
#define TDF_MIGRATING		0x0020	/* moving to another CPU: no enqueue */
#define TDF_ALLOCATED_THREAD	0x0040	/* struct is ours to cache or free */
#define TDF_ALLOCATED_STACK	0x0080	/* stack is ours to cache or free */
#define TDF_VERBOSE		0x0100	/* log its exit */
#define TDF_STOPREQ		0x0200	/* lwkt_create: do not schedule yet */
#define TDF_NORESCHED		0x0400	/* scheduling it never asks a resched */
#define TDF_INTTHREAD		0x0800	/* an interrupt-like thread */
#define TDF_EXITING		0x1000	/* called lwkt_exit(), not reaped yet */
#define TDF_DEADTHREAD		0x2000	/* reaped: never runs again */

/*
 * Default and smallest stack size, bytes. The kernel build sets both to
 * Linux's own THREAD_SIZE (16 KiB; 32 KiB under KASAN, whose instrumented
 * frames are bigger): an LWKT stack is what the unwinder and schedule()'s
 * stack-end check take for the host task's stack, so it must be at least
 * that big (src/linux/platform.c checks they agree).
 */
#ifndef LWKT_THREAD_STACK
#define LWKT_THREAD_STACK	16384
#endif
#ifndef LWKT_STACK_MIN
#define LWKT_STACK_MIN		8192
#endif
#define LWKT_MAXCOMLEN		31	/* td_comm length, without the NUL */

/* td_refs: a thread sleeps in lwkt_wait_free() (above any hold count). */
#define TD_REFS_WAITER		(1 << 30)

/**
 * struct lwkt_thread - one light weight kernel thread
 * @td_threadq:		link on a run queue, the free-thread cache or the
 *			reap list (one at a time)
 * @td_allq:		link on the owning CPU's all-threads list
 * @td_gd:		the owning CPU; other CPUs read it atomically (it
 *			changes when the thread migrates)
 * @td_pri:		base priority (low 5 bits) plus TDPRI_CRIT times the
 *			critical-section nesting
 * @td_flags:		TDF_*
 * @td_sp:		saved stack pointer while switched out
 * @td_kstack:		lowest address of the stack; NULL: none (idle thread)
 * @td_kstack_size:	stack size, bytes
 * @td_refs:		lwkt_hold() references (atomic), plus TD_REFS_WAITER
 *			while a thread sleeps in lwkt_wait_free()
 * @td_preempted:	the thread this one preempted, resumed when it blocks
 * @td_preemptable:	called when the thread is scheduled locally, usually
 *			lwkt_preempt(); NULL: never preempts
 * @td_func:		entry point, called by the trampoline
 * @td_arg:		@td_func's argument
 * @td_wait:		the wait structure it sleeps on (atomic), or NULL
 * @td_wmesg:		why it sleeps, or NULL
 * @td_toks:		its tokrefs (include/lwkt/token.h), newest first;
 *			their tokens are held whenever the thread runs
 * @td_mpcount:		MP lock holds it wants (include/lwkt/mplock.h); the
 *			CPU holds the lock whenever the thread runs with it >0
 * @td_nest_count:	nesting depth of deferred work (lwkt_crit_exit_slow())
 * @td_freewait:	the thread sleeping in lwkt_wait_free() for this one
 * @td_switches:	times switched to
 * @td_tid:		unique id for tracing and debugfs; 0: idle thread
 * @td_host:		host-private words (userland: sanitizer fibers)
 * @td_msgport:		its own message port (include/lwkt/msgport.h)
 * @td_comm:		name, NUL-terminated
 *
 * Fields are written only by the owning CPU inside a critical section
 * unless noted. The layout is C, shared by the kernel glue and the core.
 */
struct lwkt_thread {
	struct lwkt_list td_threadq;
	struct lwkt_list td_allq;
	struct lwkt_globaldata *td_gd;
	int td_pri;
	u32 td_flags;
	void *td_sp;
	char *td_kstack;
	int td_kstack_size;
	int td_refs;
	struct lwkt_thread *td_preempted;
	void (*td_preemptable)(struct lwkt_thread *td, int critpri);
	void (*td_func)(void *arg);
	void *td_arg;
	struct lwkt_wait *td_wait;
	const char *td_wmesg;
	struct lwkt_tokref *td_toks;
	int td_mpcount;
	int td_nest_count;
	struct lwkt_thread *td_freewait;
	u64 td_switches;
	u32 td_tid;
	void *td_host[2];
	struct lwkt_port td_msgport;
	char td_comm[LWKT_MAXCOMLEN + 1];
};

typedef struct lwkt_thread *thread_t;

#ifdef __cplusplus
static_assert(sizeof(struct lwkt_thread) <= 1024, "lwkt_thread > 1 KiB");
#else
_Static_assert(sizeof(struct lwkt_thread) <= 1024, "lwkt_thread > 1 KiB");
#endif

/* --- thread lifecycle (src/core/thread.cc) --- */

/**
 * lwkt_alloc_thread - get a thread structure and stack, initialised
 * @td:		caller-owned structure, or NULL to take one from this CPU's
 *		free cache (or allocate one)
 * @stksize:	stack size in bytes; a cached stack is reused only if its
 *		size matches, otherwise it is freed and a new one allocated
 * @cpu:	owning CPU; -1 (or this CPU's id) for this CPU. For another
 *		hosted CPU the memory comes from this CPU and the thread is
 *		linked on @cpu's all-threads list by IPI.
 *
 * The thread comes back initialised (see lwkt_init_thread()): not
 * scheduled, no entry point. Must be called from an LWKT thread (or a
 * host's idle loop) of this CPU.
 *
 * Return: the thread, or NULL when memory ran out or @cpu is invalid.
 */
thread_t lwkt_alloc_thread(thread_t td, int stksize, int cpu);

/**
 * lwkt_init_thread - initialise a thread structure
 * @td:		the structure; zeroed first
 * @stack:	lowest address of its stack
 * @stksize:	stack size in bytes
 * @flags:	initial TDF_* (ownership: ALLOCATED_THREAD/ALLOCATED_STACK)
 * @gd:		owning CPU; another CPU's list is updated by IPI
 *
 * Priority TDPRI_KERN_DAEMON inside one critical section (a thread is
 * always switched to inside one: its first switch-in leaves it). Links the
 * thread on @gd's all-threads list.
 */
void lwkt_init_thread(thread_t td, void *stack, int stksize, int flags,
		      struct lwkt_globaldata *gd);

/**
 * lwkt_set_entry - give an initialised thread its entry point
 * @td:		thread from lwkt_alloc_thread(), not yet scheduled
 * @func:	function to run; returning from it calls lwkt_exit()
 * @arg:	its argument
 *
 * Builds the first switch frame on @td's stack (DragonFly's
 * cpu_set_thread_handler()). lwkt_create() calls it; call it yourself to
 * create a thread with a non-default stack size. In kernel C this is a
 * macro for lwkt_set_entry_owned(THIS_MODULE, ...): the module whose
 * @func the thread will run stays pinned, as with lwkt_create().
 */
void lwkt_set_entry(thread_t td, void (*func)(void *), void *arg);

/**
 * lwkt_set_entry_owned - lwkt_set_entry() on behalf of @owner
 * @owner:	in the kernel, the module @func belongs to: pinned (a module
 *		reference) until the thread is recycled (reaped after it
 *		exits, or lwkt_free_thread()). NULL: nothing to pin. One
 *		owner per thread: a second call keeps the first owner.
 * @td:		as for lwkt_set_entry()
 * @func:	as for lwkt_set_entry()
 * @arg:	its argument
 */
void lwkt_set_entry_owned(void *owner, thread_t td, void (*func)(void *),
			  void *arg);

#if defined(__KERNEL__) && !defined(__cplusplus)
#define lwkt_set_entry(...)	lwkt_set_entry_owned(THIS_MODULE, __VA_ARGS__)
#endif

/**
 * lwkt_create - create a thread and (usually) schedule it
 * @func:	entry; returning from it calls lwkt_exit()
 * @arg:	its argument
 * @tdp:	where to store the thread, or NULL
 * @template_td: caller-owned structure to use, or NULL to allocate
 * @tdflags:	TDF_* to add; TDF_STOPREQ: do not schedule (the flag is
 *		cleared; the caller schedules the thread later)
 * @cpu:	owning CPU, -1 for this one
 * @fmt:	printf-like name (%s %d %u %x %c %p %%, l/ll/z, width, 0)
 *
 * Stack: LWKT_THREAD_STACK. Port decision: a new thread does NOT start
 * holding the MP lock (td_mpcount 0): code on this port is expected to be
 * MP-safe and take the MP lock explicitly.
 *
 * Return: 0, or -LWKT_ENOMEM / -LWKT_EINVAL (nothing created).
 */
__printf(7, 8)
int lwkt_create(void (*func)(void *), void *arg, thread_t *tdp,
		thread_t template_td, int tdflags, int cpu, const char *fmt, ...);

/**
 * lwkt_create_owned - lwkt_create() on behalf of @owner
 * @owner:	in the kernel, the creating module: pinned (a module
 *		reference) until the thread exits, so its code cannot be
 *		unloaded under the thread. NULL: nothing to pin.
 * @func:	entry; returning from it calls lwkt_exit()
 * @arg:	its argument
 * @tdp:	where to store the thread, or NULL
 * @template_td: caller-owned structure to use, or NULL to allocate
 * @tdflags:	TDF_* to add; TDF_STOPREQ: do not schedule
 * @cpu:	owning CPU, -1 for this one
 * @fmt:	printf-like name
 *
 * Kernel C callers get this automatically: lwkt_create() is a macro that
 * passes THIS_MODULE. The other arguments are lwkt_create()'s.
 *
 * Return: 0, or -LWKT_ENOMEM / -LWKT_EINVAL (nothing created).
 */
__printf(8, 9)
int lwkt_create_owned(void *owner, void (*func)(void *), void *arg,
		      thread_t *tdp, thread_t template_td, int tdflags,
		      int cpu, const char *fmt, ...);

#if defined(__KERNEL__) && !defined(__cplusplus)
#define lwkt_create(...)	lwkt_create_owned(THIS_MODULE, __VA_ARGS__)
#endif

/**
 * lwkt_exit - end the current thread; never returns
 *
 * Deschedules the thread, takes it off its CPU's all-threads list, marks it
 * TDF_EXITING and switches away for good. It cannot free its own stack
 * while running on it: the next thread that runs on this CPU reaps it in
 * the switch tail (lwkt_reap()): into the free cache or freed, once it is
 * no longer RUNNING, has no lwkt_hold() reference and preempts nothing.
 */
void lwkt_exit(void) __attribute__((noreturn));

/**
 * lwkt_free_thread - release a thread that will never run (again)
 * @td:	a thread of this CPU that is not RUNNING, not on a run queue and
 *	not exiting through lwkt_exit() (those are reaped automatically)
 *
 * Takes it off the all-threads list; into the free cache if the structure
 * is ours and the cache has room, otherwise stack and structure are freed
 * according to TDF_ALLOCATED_*. A caller-owned structure is left marked
 * TDF_DEADTHREAD.
 */
void lwkt_free_thread(thread_t td);

/**
 * lwkt_set_comm - name a thread
 * @td:		the thread
 * @ctl:	printf-like format (same subset as lwkt_create())
 *
 * Truncated to LWKT_MAXCOMLEN characters.
 */
__printf(2, 3)
void lwkt_set_comm(thread_t td, const char *ctl, ...);

/**
 * lwkt_hold - take a reference that keeps @td's memory from being recycled
 * @td:	the thread
 *
 * An exited thread with references stays on its CPU's reap list until the
 * last lwkt_rele().
 */
void lwkt_hold(thread_t td);

/**
 * lwkt_rele - drop a lwkt_hold() reference
 * @td:	the thread
 *
 * From any CPU, an IPI function, or outside LWKT context. Dropping the
 * last one wakes a thread sleeping in lwkt_wait_free(@td): on the
 * sleeper's CPU (an IPI message, or from outside LWKT context a call that
 * waits for that CPU, so the caller must be able to sleep then). @td is
 * not touched once it may be recycled. Dropping a reference @td does not
 * have panics.
 */
void lwkt_rele(thread_t td);

/**
 * lwkt_wait_free - sleep until @td has no lwkt_hold() reference
 * @td:	the thread, of any CPU
 *
 * One waiter per thread. Must be called from an LWKT thread that may block.
 * Returns only once the last lwkt_rele() has finished with @td: an exited
 * @td may be recycled by its CPU from then on.
 */
void lwkt_wait_free(thread_t td);

/* --- migration (src/core/migrate.cc) --- */

/**
 * lwkt_setcpu_self - move the current thread to CPU @rgd
 * @rgd:	the target CPU (the current one: nothing happens)
 *
 * Marks the thread TDF_MIGRATING, takes it off this CPU's run queue and
 * all-threads list, points td_gd at @rgd and switches away. Once it is
 * fully switched out (TDF_RUNNING clear), this CPU sends @rgd an IPI that
 * adopts it (all-threads list, run queue, TDF_MIGRATING cleared). Returns
 * running on @rgd. While the thread is in flight, lwkt_schedule() of it
 * does nothing (it is scheduled on arrival anyway). Not from inside a
 * preemption, and not while holding tokens or the MP lock.
 */
void lwkt_setcpu_self(struct lwkt_globaldata *rgd);

/**
 * lwkt_acquire - make a descheduled thread of another CPU ours
 * @td:	a thread that is neither on a run queue nor on a wait queue and
 *	that nobody will schedule until this returns
 *
 * Waits until @td is switched out on its CPU (TDF_RUNNING and
 * TDF_PREEMPT_LOCK clear), has that CPU take it off its all-threads list
 * (an IPI, waited for), then links it here. Schedule it afterwards.
 */
void lwkt_acquire(thread_t td);

/* --- scheduling (src/core/sched.cc, switch.cc, preempt.cc) --- */

/**
 * lwkt_schedule - make a thread runnable
 * @td:	the thread (not the idle thread)
 *
 * Enqueued at the tail of its priority's run queue, then its preemptable
 * hook runs (usually lwkt_preempt()), or a reschedule is requested if it
 * outranks the current thread (unless TDF_NORESCHED). The reschedule
 * happens at the end of the caller's outermost critical section. A thread
 * of another CPU is scheduled there by IPI (the request chases a thread
 * that moves meanwhile); a thread asleep on a wait structure is first
 * taken off its wait queue; a thread that is migrating is left alone (it
 * is enqueued where it arrives).
 */
void lwkt_schedule(thread_t td);

/**
 * lwkt_schedule_self - put the current thread on its run queue
 * @td:	curthread
 */
void lwkt_schedule_self(thread_t td);

/**
 * lwkt_deschedule - take a thread off its run queue
 * @td:	the thread; it keeps running until it switches if it is current.
 *	A thread of another CPU is descheduled there, by IPI (asynchronous)
 */
void lwkt_deschedule(thread_t td);

/**
 * lwkt_deschedule_self - take the current thread off its run queue
 * @td:	curthread. Blocking is lwkt_deschedule_self() then lwkt_switch()
 *	(inside one critical section, so a wakeup cannot be lost).
 */
void lwkt_deschedule_self(thread_t td);

/**
 * lwkt_switch - run the next thread
 *
 * Resumes the thread the current one preempted if there is one, else runs
 * the first thread of the highest non-empty run queue (which moves to the
 * tail of its queue), else the idle thread. Returns when the current thread
 * is switched back to. Refused (no switch; counted in switch_refused, one
 * rate-limited log line naming the thread and the state) when the host says
 * switching is not allowed now, e.g. a Linux spinlock is held.
 */
void lwkt_switch(void);

/**
 * lwkt_yield - let every other runnable thread of this priority run
 *
 * Moves the current thread to the tail of its run queue (scheduling it if
 * it was not) and switches: unlike DragonFly 2005, which re-picked the
 * current thread when it was first in its queue, one call always yields to
 * an equal-priority thread.
 */
void lwkt_yield(void);

/**
 * lwkt_yield_quick - run deferred work; switch if untimely_switch is on
 *
 * Pending work (IPI messages, a reschedule) runs only outside a critical
 * section. With the lwkt_untimely_switch knob set, forces a switch even at
 * equal priority (simulates preemption to shake out races), keeping the
 * current thread's scheduled/descheduled state; not from the idle thread,
 * an IPI function or deferred work. Unlike DragonFly's, crit_exit() does
 * not call this: the knob acts only on explicit calls.
 */
void lwkt_yield_quick(void);

/**
 * lwkt_setpri - change a thread's priority
 * @td:		a thread of this CPU
 * @pri:	new base priority, 0..TDPRI_MAX
 *
 * Keeps the critical-section count; requeues at the tail even at the same
 * priority; never switches by itself (lwkt_checkpri_self() / yield for that)
 * and runs no deferred work: what is pending waits for the caller's next
 * crit_exit() or switch. A @pri outside 0..TDPRI_MAX (it would spill into
 * the critical-section count above the low 5 bits) is refused: one log
 * line, @td unchanged.
 */
void lwkt_setpri(thread_t td, int pri);

/**
 * lwkt_setpri_self - change the current thread's priority
 * @pri:	0..TDPRI_MAX; out of range: refused as by lwkt_setpri()
 */
void lwkt_setpri_self(int pri);

/**
 * lwkt_checkpri_self - is a higher-priority thread runnable?
 *
 * Return: 1 if a thread of higher priority than the current one is on a run
 * queue of this CPU, else 0.
 */
int lwkt_checkpri_self(void);

/**
 * lwkt_preempt - switch to @ntd now, keeping the current thread's state
 * @ntd:	a thread just scheduled on this CPU
 * @critpri:	the critical level the caller itself holds (usually
 *		TDPRI_CRIT); the current thread may not hold more
 *
 * Call inside a critical section. Succeeds (preempt_hit) only if @ntd
 * outranks the current thread, the current thread's critical level is not
 * above @critpri, @ntd is on this CPU, holds no tokens, neither thread is
 * in a preemption, @ntd is not the current thread nor preempting anyone,
 * and the MP lock needs can be met (@ntd inherits the current td_mpcount
 * while it runs). Otherwise counts preempt_miss or preempt_weird and
 * requests a reschedule (not when @ntd does not outrank the current
 * thread: a plain miss). Returns when @ntd blocks (or the attempt failed).
 * A target that is itself preempting counts preempt_weird (DragonFly 2005
 * counted it a hit).
 *
 * Linux port: preemption happens from thread context only (a local
 * lwkt_schedule() of a thread whose td_preemptable is lwkt_preempt), never
 * from the IPI callback or an IPI function, which cannot switch stacks.
 */
void lwkt_preempt(thread_t ntd, int critpri);

/**
 * crit_panic - report a critical-section underflow
 *
 * The userland host may return from its panic (tests): the thread then
 * leaves with no critical level at its base priority.
 */
void crit_panic(void);

/* Knobs (debugfs in the kernel, plain globals in userland). */
extern u32 lwkt_untimely_switch;	/* yield_quick forces a switch */
extern u32 lwkt_panic_on_cscount;	/* a switch while mastering a cpusync panics */

LWKT_EXTERN_C_END

/* The rest of the API: per-CPU state, then the inline crit_*(). */
#include <lwkt/globaldata.h>

#endif /* LWKT_THREAD_H */
