/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The platform seam: everything the core needs from its host, and nothing
 * else. Two hosts implement it: src/user/ (pthreads, the libcaps twin the
 * tests run) and src/linux/ (per-CPU kthreads). C linkage so the kernel
 * side can be plain C.
 *
 * Besides these functions a host provides:
 *  - lwkt_mycpu() (include/lwkt/mycpu.h): inline, one load;
 *  - lwkt_cpu_switch() and lwkt_thread_trampoline (src/arch/x86_64/
 *    switch_frame.h), in assembly.
 *
 * Contexts: "thread" = an LWKT thread or the idle loop of the current CPU,
 * in the host's own (sleepable, not atomic) task context.
 */
#ifndef LWKT_PLATFORM_H
#define LWKT_PLATFORM_H

#include <lwkt/types.h>
#include <lwkt/mycpu.h>

LWKT_EXTERN_C_BEGIN

struct lwkt_thread;
struct lwkt_globaldata;
struct lwkt_token;
struct lwkt_msg;

/* --- memory (thread context; never called on the switch fast path) --- */

/*
 * A stack of @size bytes (a multiple of 4096, at least 8192): returns its
 * lowest address, 16-byte aligned, or NULL. A guard page below it is
 * welcome (userland: mmap + PROT_NONE; kernel: vmalloc'd stacks have one).
 */
void *lwkt_plat_stack_alloc(int size);
/* Free what lwkt_plat_stack_alloc() returned; never the current stack. */
void lwkt_plat_stack_free(void *stack, int size);
/* Memory for one struct lwkt_thread (any content), or NULL. */
struct lwkt_thread *lwkt_plat_thread_alloc(void);
void lwkt_plat_thread_free(struct lwkt_thread *td);

/* --- thread life (thread context, inside a critical section) --- */

/*
 * @td's first frame is built and it will be switched to some day: attach
 * host state (userland: a TSan fiber; kernel: nothing, or unwinder data).
 */
void lwkt_plat_thread_setup(struct lwkt_thread *td);
/*
 * First code a new thread runs, on its own stack, before anything else
 * (userland: finish the ASan fiber switch). May be empty.
 */
void lwkt_plat_thread_start(struct lwkt_thread *td);
/*
 * @td will never run again (exited and reaped, or killed by teardown); it is
 * not the current thread. Drop host state; its stack may be reused by the
 * free cache (userland: destroy the TSan fiber, unpoison the stack for
 * ASan). Must cope with a thread that never got lwkt_plat_thread_setup().
 */
void lwkt_plat_thread_release(struct lwkt_thread *td);
/*
 * The host's own stack becomes @gd's idle thread (gd->gd_idlethread is
 * initialised, current and RUNNING). May record the stack bounds in
 * td_kstack/td_kstack_size (they are never freed) and attach host state.
 */
void lwkt_plat_idle_setup(struct lwkt_globaldata *gd);

/* --- switching (hot path: no allocation, no logging) --- */

/*
 * May the current thread @td of @gd switch now? The kernel says no while
 * the host task holds a spinlock, is in an RCU read-side section, has
 * preemption or interrupts disabled, or runs in hardirq: that state belongs
 * to the host task and would leak to the next LWKT thread. The core then
 * counts switch_refused and returns without switching; the host logs why.
 */
bool lwkt_plat_switch_allowed(struct lwkt_globaldata *gd,
			      struct lwkt_thread *td);
/*
 * Save @from's context (callee-saved registers, on its stack, stack pointer
 * in from->td_sp) and resume @to at to->td_sp; returns when something
 * switches back to @from. Essentially lwkt_cpu_switch(&from->td_sp,
 * &to->td_sp) plus host bookkeeping (sanitizer fiber annotations; in the
 * kernel perhaps the unwinder's view of the stack). @from has TDF_EXITING
 * set when it will never be switched back to.
 */
void lwkt_plat_switch(struct lwkt_thread *from, struct lwkt_thread *to);

/* --- idling and waking --- */

/*
 * Sleep until lwkt_plat_wake(@gd) was called after the previous return
 * from lwkt_plat_idle(@gd) (a sticky one-shot wakeup, so a wake between the
 * core's last check and the sleep is not lost); may return spuriously.
 * Called by @gd's idle thread inside its critical section.
 */
void lwkt_plat_idle(struct lwkt_globaldata *gd);
/* Wake @gd's host if it sleeps in lwkt_plat_idle(). Any context, any CPU. */
void lwkt_plat_wake(struct lwkt_globaldata *gd);
/*
 * Run the host's own queued requests, if any (userland: "run this function
 * in a new LWKT thread"; kernel: lwkt_host_call()s). Called by the idle
 * loop at every iteration, inside its critical section: must be cheap when
 * there is nothing to do. May create and schedule threads.
 */
void lwkt_plat_host_work(struct lwkt_globaldata *gd);
/* One iteration of a busy-wait (pause). */
void lwkt_plat_cpu_relax(void);

/* --- other CPUs (src/core/ipiq.cc) --- */

/*
 * CPU @cpu's globaldata while it is hosted (from before its host runs until
 * after it stopped), else NULL. Any context; one load.
 */
struct lwkt_globaldata *lwkt_plat_cpu_gd(int cpu);
/*
 * Interrupt CPU @gd: soon, on that CPU, call lwkt_ipiq_intr(@gd)
 * (kernel: smp_call_function_single_async(), hardirq). The userland host has
 * no interrupts: it only wakes @gd, which finds RQF_IPIQ at its next
 * preemption point. Called by senders inside a critical section, at most
 * once per gd_npoll 0 -> 1 transition.
 */
void lwkt_plat_ipi_kick(struct lwkt_globaldata *gd);

/* --- callers that are not LWKT threads --- */

/*
 * (Whether the caller is in LWKT context at all is lwkt_in_lwkt_context(),
 * include/lwkt/crit.h: inline, host independent.)
 *
 * Calls from outside LWKT context (src/core/fcall.cc). The host owns a
 * struct lwkt_fcall (on the heap: a caller that gives up leaves it behind)
 * and posts it to a CPU with lwkt_fcall_post(); the CPU runs fc_func(fc_arg)
 * wherever it drains its IPI queues (the kick's interrupt, crit_exit, a
 * switch, its idle loop), so a CPU busy with LWKT threads answers as
 * promptly as an idle one. fc_func runs like an IPI function: in LWKT
 * context, inside a critical section, never switching, never sleeping.
 */
enum {
	LWKT_FCALL_QUEUED,
	LWKT_FCALL_RUNNING,	/* claimed by the CPU: it will run to the end */
	LWKT_FCALL_CANCELLED,	/* taken back by its poster: never runs */
};

/* fc_flags */
#define LWKT_FCALL_IDLE	0x1	/* run only when the CPU has nothing runnable,
				   from its idle loop ("wait until idle") */

struct lwkt_fcall {
	struct lwkt_fcall *fc_next;
	void (*fc_func)(void *arg);
	void *fc_arg;
	u32 fc_state;		/* LWKT_FCALL_*, atomic */
	u32 fc_flags;		/* LWKT_FCALL_IDLE */
};

/*
 * Queue @fc on @gd and make sure @gd drains it soon (kicks it like an IPI
 * sender). Any context, any CPU, any number of posters at once.
 */
void lwkt_fcall_post(struct lwkt_globaldata *gd, struct lwkt_fcall *fc);
/*
 * Take @fc back: true if it had not started (it never will; the CPU still
 * hands it to lwkt_plat_fcall_done() once), false if it runs or ran.
 */
bool lwkt_fcall_cancel(struct lwkt_fcall *fc);
/*
 * Host hook: the CPU is done with @fc (ran it, or skipped it cancelled).
 * The core never touches @fc afterwards. Any context the drain runs in
 * (kernel: hardirq possible).
 */
void lwkt_plat_fcall_done(struct lwkt_fcall *fc);

/*
 * From any other (sleepable) context: run @fn(@arg) in LWKT context on CPU
 * @cpu (-1: see lwkt_plat_foreign_cpu()) as a call above, and wait for it.
 * With @argsize 0, @arg is the caller's and the wait is for the call to
 * finish or be cancelled; otherwise @argsize bytes of @arg (at most
 * LWKT_FCALL_ARGMAX) are copied, and a caller that must stop waiting (the
 * kernel: a fatal signal) leaves the call to run without it.
 * Return: 0 (it ran, or runs without us), -LWKT_EINTR (cancelled before it
 * started), -LWKT_ENOMEM, or -LWKT_EINVAL when @cpu is not a running CPU.
 */
#define LWKT_FCALL_ARGMAX 64
int lwkt_plat_run_on(int cpu, void (*fn)(void *), void *arg, u32 argsize);
/*
 * The CPU a call from outside LWKT context goes to: @cpu if hosted, for -1
 * the caller's CPU if hosted, else the first hosted one; -1 if none.
 */
int lwkt_plat_foreign_cpu(int cpu);
/*
 * @td was created on behalf of @owner (lwkt_create_owned(); the kernel
 * passes the creating module): pin it until @td is released
 * (lwkt_plat_thread_release()). Called before @td can run.
 */
void lwkt_plat_thread_owner(struct lwkt_thread *td, void *owner);

/* --- diagnostics and time --- */

/* Nanoseconds, monotonic on the calling CPU (cheap: polled in loops). */
u64 lwkt_plat_now_ns(void);
/* One line, printf-like (kernel: printk with KERN_INFO and "lwkt: "). */
void lwkt_plat_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * A bug: never returns in the kernel (panic/BUG). The userland host lets a
 * test install a hook that returns; the core then recovers as documented
 * at each call site (e.g. crit_panic()).
 */
void lwkt_plat_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --- tracing (thread context, inside a critical section) --- */

/*
 * Bit numbers in lwkt_trace_mask: the core calls the matching
 * lwkt_plat_trace_*() only while its bit is set, so a disabled event costs
 * one load and one branch. The kernel sets a bit when its tracepoint gets
 * its first probe and clears it with the last; the userland host lets
 * tests set them.
 */
#define LWKT_TRACE_SWITCH	0
#define LWKT_TRACE_SCHEDULE	1
#define LWKT_TRACE_DESCHEDULE	2
#define LWKT_TRACE_PREEMPT	3
#define LWKT_TRACE_CREATE	4
#define LWKT_TRACE_EXIT		5
#define LWKT_TRACE_IPIQ_SEND	6
#define LWKT_TRACE_IPIQ_RUN	7
#define LWKT_TRACE_MIGRATE	8
#define LWKT_TRACE_BLOCK	9
#define LWKT_TRACE_SIGNAL	10
#define LWKT_TRACE_TOKEN_CONTENDED	11
#define LWKT_TRACE_MSG_SEND	12
#define LWKT_TRACE_MSG_REPLY	13
/*
 * Not an event: a reader waits for a snapshot of this CPU's threads
 * (debugfs "threads"). The switch hook is the one place a busy CPU
 * reaches often in LWKT context, so lwkt_plat_trace_switch() serves it.
 */
#define LWKT_TRACE_SNAPSHOT	16

/* Plain zero-initialised global (no constructor); set/cleared atomically. */
extern unsigned long lwkt_trace_mask;

/* lwkt_preempt() outcomes, as counted in preempt_hit/_miss/_weird. */
enum lwkt_preempt_result {
	LWKT_PREEMPT_HIT,
	LWKT_PREEMPT_MISS,
	LWKT_PREEMPT_WEIRD,
};

/*
 * The current CPU @gd switches stacks from @prev to @next (every switch:
 * lwkt_switch() and preemption). Called before gd_curthread changes.
 * Called when LWKT_TRACE_SWITCH or LWKT_TRACE_SNAPSHOT is set.
 */
void lwkt_plat_trace_switch(struct lwkt_globaldata *gd,
			    struct lwkt_thread *prev, struct lwkt_thread *next);
/* @td is made runnable (or stays so) by the current CPU. */
void lwkt_plat_trace_schedule(struct lwkt_thread *td);
/* @td is taken off its run queue by the current CPU. */
void lwkt_plat_trace_deschedule(struct lwkt_thread *td);
/* The current thread @td tried to let @ntd preempt it. */
void lwkt_plat_trace_preempt(struct lwkt_thread *td, struct lwkt_thread *ntd,
			     enum lwkt_preempt_result result);
/* lwkt_create() made @td (named, not yet scheduled). */
void lwkt_plat_trace_thread_create(struct lwkt_thread *td);
/* @td, the current thread, calls lwkt_exit(). */
void lwkt_plat_trace_thread_exit(struct lwkt_thread *td);
/*
 * IPI queues: @src queued message @seq for @dst (on @src), or @dst is about
 * to run it (on @dst, in IPI context). @func is the message's function.
 */
void lwkt_plat_trace_ipiq_send(int src, int dst, u32 seq, void *func);
void lwkt_plat_trace_ipiq_run(int src, int dst, u32 seq, void *func);
/* The current thread @td leaves CPU @from for CPU @to (lwkt_setcpu_self). */
void lwkt_plat_trace_migrate(struct lwkt_thread *td, int from, int to);
/* The current thread @td sleeps on wait structure @w (lwkt_block). */
void lwkt_plat_trace_block(struct lwkt_thread *td, const void *w,
			   const char *wmesg);
/* lwkt_signal(@w, @count) woke @woken threads. */
void lwkt_plat_trace_signal(const void *w, int count, int woken);
/* The current thread @td found @tok held by @owner (lwkt_gettoken). */
void lwkt_plat_trace_token_contended(struct lwkt_thread *td,
				     const struct lwkt_token *tok,
				     struct lwkt_thread *owner);
/*
 * Message @msg is put to a port owned by CPU @dst (sendmsg, domsg,
 * forwardmsg; on the sending CPU), or replied with @error towards the
 * reply port's CPU @dst (on the replying CPU).
 */
void lwkt_plat_trace_msg_send(const struct lwkt_msg *msg, int dst);
void lwkt_plat_trace_msg_reply(const struct lwkt_msg *msg, int dst,
			       int error);
/*
 * Bytes of @td's stack ever used (high-water mark), scanning up from the
 * lowest word for the first non-zero one; 0 if @td has no stack. @td is
 * not running, or is the caller. Stacks are zeroed when allocated.
 */
u32 lwkt_plat_stack_used(const struct lwkt_thread *td);

LWKT_EXTERN_C_END

#endif /* LWKT_PLATFORM_H */
