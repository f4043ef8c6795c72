/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPI queues: how LWKT CPUs talk to each other (DragonFly's
 * lwkt_ipiq.c). There is no run-queue lock anywhere: a CPU's run
 * queues are touched only by that CPU, inside a critical section, and
 * every cross-CPU request (schedule this thread, adopt that one, run this
 * function) is a message in a FIFO read by the target CPU.
 *
 * One single-producer/single-consumer FIFO per ordered (source, target)
 * pair. It lives with the target (gd_ipiq[source]), written only by the
 * source CPU inside a critical section and read only by the target. The
 * source publishes its write index with release ordering; the target
 * publishes its read index (slot free again) and done index (function has
 * run) the same way.
 *
 * Processing on the target: at the end of its current thread's outermost
 * critical section (crit_exit), at every switch through the idle loop, or
 * at once from the kick's hardirq callback when the CPU's current LWKT
 * thread is outside any critical section. Functions run with
 * gd_intr_nesting_level raised: they must not block or switch (lwkt_switch
 * panics), and a thread they make runnable runs at the next preemption
 * point, not from inside them.
 */
#ifndef LWKT_IPIQ_H
#define LWKT_IPIQ_H

#include <lwkt/errno.h>
#include <lwkt/types.h>

LWKT_EXTERN_C_BEGIN

struct lwkt_globaldata;

typedef void (*ipifunc_t)(void *arg);
/* CPUs 0..63; an LWKT cpumask is a plain bit mask. */
typedef u64 lwkt_cpumask_t;
#define LWKT_CPUMASK(cpu)	((lwkt_cpumask_t)1 << (cpu))
#define LWKT_MAXCPU_MASK	64

#define LWKT_IPIQ_SIZE		128	/* slots per FIFO, a power of two */
#define LWKT_IPIQ_MASK		(LWKT_IPIQ_SIZE - 1)
/* Senders wait (or _nowait fails) above this depth: "nearly full". */
#define LWKT_IPIQ_HIGH		(LWKT_IPIQ_SIZE - 2)

/*
 * A message's sequence number on its (source, target) pair: the FIFO's
 * write index just after it was written. Free running and unsigned: two
 * are compared by their difference (lwkt_seq_before()), never by sign or
 * magnitude, so the order stays right across the wrap. 64 bits: 0, which
 * means "nothing to wait for", names no message until 2^64 messages on one
 * pair (centuries at any rate a CPU can send).
 */
typedef u64 lwkt_seq_t;

/* Was sequence number @a issued before @b? Right across the wrap. */
static inline int lwkt_seq_before(lwkt_seq_t a, lwkt_seq_t b)
{
	return (s64)(a - b) < 0;
}

struct lwkt_ipiq_slot {
	ipifunc_t func;
	void *arg;
};

/**
 * struct lwkt_ipiq - one FIFO, source CPU to target CPU
 * @ip_windex:	next slot to write, which is also the sequence number of
 *		the latest message written; source only, published with a
 *		full barrier (the message is then visible)
 * @ip_hiwat:	the deepest the FIFO has been, as seen by the source after
 *		a write (source only)
 * @ip_sent:	messages written (source only)
 * @ip_rindex:	next slot to read; written by the target only, with release
 *		ordering once the slot has been copied (the slot is free again)
 * @ip_xindex:	the sequence number of the latest message whose function
 *		has returned (target only; what lwkt_wait_ipiq() waits for)
 * @ip_received: messages run (target only)
 * @ip_slot:	the ring: function and argument of each message
 *
 * The producer's and the consumer's indices sit on separate cache lines so
 * the two CPUs do not bounce one line on every message. Indices are free
 * running lwkt_seq_t counters (the slot is index & LWKT_IPIQ_MASK);
 * differences are taken modulo 2^64, order by lwkt_seq_before().
 */
struct lwkt_ipiq {
	/* Source CPU only. */
	lwkt_seq_t ip_windex;	/* next slot to write; release-published */
	u32 ip_hiwat;		/* deepest the FIFO has been */
	u64 ip_sent;
	/* Target CPU only. */
	lwkt_seq_t ip_rindex __attribute__((aligned(64)));	/* next to read */
	lwkt_seq_t ip_xindex;	/* functions run so far (lwkt_wait_ipiq) */
	u64 ip_received;
	struct lwkt_ipiq_slot ip_slot[LWKT_IPIQ_SIZE]
		__attribute__((aligned(64)));
};

/**
 * lwkt_send_ipiq - run @func(@arg) on CPU @target
 * @target:	the CPU; the current CPU runs @func at once, directly
 * @func:	runs on @target in IPI context (must not block or switch)
 * @arg:	its argument
 *
 * From LWKT context. Queues the message and kicks @target with a real IPI
 * unless it is already known to be draining its queues (counted in
 * ipiq_kicks / ipiq_kicks_avoided). When the FIFO is nearly full, waits
 * for room, draining this CPU's own incoming queues meanwhile so two CPUs
 * flooding each other make progress (counted once in ipiq_fifofull).
 *
 * Return: the message's sequence number for lwkt_wait_ipiq(); 0 (nothing
 * to wait for) for the current CPU (already run), and when called outside
 * LWKT context (nothing sent; one log line).
 */
lwkt_seq_t lwkt_send_ipiq(struct lwkt_globaldata *target, ipifunc_t func,
			  void *arg);

/**
 * lwkt_send_ipiq_bycpu - lwkt_send_ipiq() to CPU number @cpu
 * @cpu:	a hosted CPU
 * @func:	as for lwkt_send_ipiq()
 * @arg:	its argument
 *
 * Return: the sequence number as lwkt_send_ipiq(); 0 (nothing sent, one
 * log line) when @cpu is not a hosted CPU.
 */
lwkt_seq_t lwkt_send_ipiq_bycpu(int cpu, ipifunc_t func, void *arg);

/**
 * lwkt_send_ipiq_mask - lwkt_send_ipiq() to every CPU in @mask
 * @mask:	CPUs (bit N = CPU N); unhosted CPUs are skipped; the current
 *		CPU, if set, runs @func directly, last
 * @func:	as for lwkt_send_ipiq()
 * @arg:	its argument
 *
 * Return: the number of CPUs @func was sent to (or run on).
 */
int lwkt_send_ipiq_mask(lwkt_cpumask_t mask, ipifunc_t func, void *arg);

/**
 * lwkt_send_ipiq_passive - queue without kicking
 * @target:	the CPU
 * @func:	as for lwkt_send_ipiq()
 * @arg:	its argument
 *
 * For messages that may wait: no IPI is sent to a busy target, which
 * drains at its next preemption point (crit_exit, switch, idle loop). A
 * target whose host sleeps in Linux is woken (it has no clock tick to
 * notice the message otherwise). Waits for room like lwkt_send_ipiq().
 *
 * Return: the sequence number as lwkt_send_ipiq() (0 for the current CPU).
 */
lwkt_seq_t lwkt_send_ipiq_passive(struct lwkt_globaldata *target,
				  ipifunc_t func, void *arg);

/**
 * lwkt_send_ipiq_nowait - lwkt_send_ipiq() that never waits for room
 * @target:	the CPU
 * @func:	as for lwkt_send_ipiq()
 * @arg:	its argument
 *
 * Like DragonFly's, it returns a status, not a sequence number, so that a
 * failure can never be mistaken for one: to wait for the message, wait for
 * lwkt_seq_ipiq(@target) read after a successful send (it names this
 * message or a later one of this CPU to @target).
 *
 * Return: 0 when queued (or run, for the current CPU); -LWKT_ENOBUFS when
 * the FIFO is nearly full (nothing queued; counted in ipiq_fifofull);
 * -LWKT_EINVAL outside LWKT context (one log line).
 */
int lwkt_send_ipiq_nowait(struct lwkt_globaldata *target, ipifunc_t func,
			  void *arg);

/**
 * lwkt_seq_ipiq - the sequence number of the last message sent to @target
 * @target:	the CPU
 *
 * Waiting for it (lwkt_wait_ipiq()) waits for everything this CPU sent
 * to @target so far.
 *
 * Return: that sequence number (the FIFO's write index); 0 when @target is
 * the current CPU.
 */
lwkt_seq_t lwkt_seq_ipiq(struct lwkt_globaldata *target);

/**
 * lwkt_wait_ipiq - wait until @target has run message @seq of ours
 * @target:	the CPU the message went to
 * @seq:	returned by a send to @target or by lwkt_seq_ipiq() (0:
 *		nothing to wait for)
 *
 * Spins (no switch: callable inside critical sections and from IPI
 * functions), draining this CPU's own incoming queues meanwhile. Compares
 * with lwkt_seq_before(): right across the wrap.
 */
void lwkt_wait_ipiq(struct lwkt_globaldata *target, lwkt_seq_t seq);

/**
 * lwkt_ipiq_set_base - for tests: move an empty FIFO's indices to @base
 * @src:	the source CPU of the FIFO into the current CPU
 * @base:	the new write, read and done index
 *
 * Lets a test reach the wrap of the sequence numbers (2^31, 2^32, 2^64)
 * without sending billions of messages first. From LWKT context on the
 * FIFO's target CPU, while @src sends nothing to it.
 *
 * Return: 0; -LWKT_EBUSY when the FIFO is not empty (a message queued or
 * still running); -LWKT_EINVAL for a bad @src or outside LWKT context.
 */
int lwkt_ipiq_set_base(int src, lwkt_seq_t base);

/**
 * lwkt_process_ipiq - run every message queued for the current CPU
 *
 * Called by the core at its preemption points; callable from LWKT context
 * to poll. Runs with gd_intr_nesting_level raised.
 */
void lwkt_process_ipiq(void);

/**
 * lwkt_ipiq_intr - the kick: another CPU queued messages for @gd
 * @gd:	the CPU this runs on
 *
 * Called by the host on @gd's CPU in interrupt context (the kernel's
 * smp_call_function_single_async() callback). Processes the queues at
 * once when @gd's current thread is outside any critical section;
 * otherwise leaves them pending (RQF_IPIQ) for crit_exit and wakes the
 * host if it sleeps. Never switches stacks.
 */
void lwkt_ipiq_intr(struct lwkt_globaldata *gd);

/* --- cpusync: a rendezvous of several CPUs --- */

/**
 * struct lwkt_cpusync - one rendezvous
 * @cs_mask:	the CPUs held (the initiator's own CPU is never held)
 * @cs_func:	run on each CPU of @cs_mask as it enters the rendezvous,
 *		and on the initiator's CPU if it is in the mask; may be NULL
 * @cs_arg:	its argument
 *
 * The rest is private to the implementation.
 */
struct lwkt_cpusync {
	lwkt_cpumask_t cs_mask;
	ipifunc_t cs_func;
	void *cs_arg;
	/* private: */
	int cs_count;		/* CPUs that ran cs_func and are held */
	int cs_left;		/* CPUs that left after the release */
	int cs_release;		/* the initiator let them go */
	int cs_ncpus;		/* CPUs sent to */
	int cs_initiator;	/* its CPU, for reports */
};

/**
 * lwkt_cpusync_start - hold the CPUs of @cs->cs_mask
 * @cs:		the rendezvous (caller-owned until lwkt_cpusync_finish())
 *
 * Each target runs cs_func and then spins in IPI context, still serving
 * its other incoming messages, until lwkt_cpusync_finish(), or at most
 * 5 s: a held CPU spins perhaps in hardirq, and an initiator that never
 * finishes must not lock it up for good, so it then leaves with a warning
 * naming both CPUs. A wait of more than 2 s is reported once. Returns when
 * every target is held. One rendezvous at a time system-wide: a second
 * initiator waits (serving its own IPIs) until the first finishes.
 * From LWKT context; the caller should be inside a critical section (no
 * switch may happen while CPUs are held).
 */
void lwkt_cpusync_start(struct lwkt_cpusync *cs);

/**
 * lwkt_cpusync_finish - release the CPUs held by lwkt_cpusync_start()
 * @cs:		the rendezvous
 *
 * Returns when every held CPU has left it.
 */
void lwkt_cpusync_finish(struct lwkt_cpusync *cs);

/**
 * lwkt_cpusync_simple - run @func on every CPU of @mask at one instant
 * @mask:	CPUs; the caller's own runs @func too if set
 * @func:	the function (IPI context rules)
 * @arg:	its argument
 *
 * lwkt_cpusync_start() then lwkt_cpusync_finish().
 */
void lwkt_cpusync_simple(lwkt_cpumask_t mask, ipifunc_t func, void *arg);

LWKT_EXTERN_C_END

#endif /* LWKT_IPIQ_H */
