/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userland host ("libcaps" twin): simulated CPUs as pthreads, each
 * running lwkt_host_run(), and the hooks tests need. Not for the kernel.
 */
#ifndef LWKT_USER_H
#define LWKT_USER_H

#include <lwkt/thread.h>

LWKT_EXTERN_C_BEGIN

/**
 * lwkt_user_start - start @ncpus simulated CPUs, numbered 0..ncpus-1
 * @ncpus:	1..LWKT_USER_MAXCPU
 *
 * Return: 0, or -1 if CPUs are already running or @ncpus is out of range.
 */
int lwkt_user_start(int ncpus);
#define LWKT_USER_MAXCPU 64

/**
 * lwkt_user_stop - stop every CPU and wait for their hosts to return
 *
 * Each CPU stops at its next switch and tears down (runnable and blocked threads
 * are killed, see lwkt_host_teardown()).
 */
void lwkt_user_stop(void);

/** lwkt_user_ncpus - how many CPUs run (0 when stopped) */
int lwkt_user_ncpus(void);

/** lwkt_user_gd - CPU @cpu's globaldata (valid until lwkt_user_stop()) */
struct lwkt_globaldata *lwkt_user_gd(int cpu);

/**
 * lwkt_user_run - run @fn(@arg) in a new LWKT thread on @cpu and wait
 * @cpu:	a running CPU
 * @pri:	the thread's priority (TDPRI_*), e.g. TDPRI_KERN_DAEMON
 * @fn:		the function; it may block, create threads, etc.
 * @arg:	its argument
 *
 * The thread is created by @cpu's idle loop, so @cpu must reach its idle
 * loop (have nothing runnable) for the request to start. Callable from any
 * pthread that is not a simulated CPU.
 */
void lwkt_user_run(int cpu, int pri, void (*fn)(void *), void *arg);

/**
 * lwkt_user_call - run @fn in LWKT context on @cpu, as a call from outside
 * @cpu:	a running CPU, or -1 for any
 * @fn:		runs like an IPI function: in a critical section, no switch
 * @arg:	its argument
 * @argsize:	0: @arg is passed as is; else that many bytes of it (at most
 *		LWKT_FCALL_ARGMAX) are copied and @fn gets the copy
 * @flags:	LWKT_FCALL_IDLE: only once @cpu has nothing runnable
 * @timeout_ms:	give up after this long (-1: never), as a Linux caller does
 *		on a signal: a call not yet started is taken back
 *
 * The userland face of src/core/fcall.cc: @cpu runs @fn at its next
 * crit_exit, switch or idle pass, even while its threads never idle.
 * Return: 0 when @fn ran, -4 (EINTR) when taken back or abandoned unrun,
 * -22 (EINVAL) for a bad @cpu or @argsize.
 */
int lwkt_user_call(int cpu, void (*fn)(void *), void *arg,
		   unsigned int argsize, unsigned int flags, int timeout_ms);

/**
 * lwkt_user_set_panic_hook - make lwkt_plat_panic() call @hook and return
 * @hook:	called with the message; NULL restores abort()
 *
 * For tests of bug detection (e.g. crit underflow): the core then
 * recovers as documented at the call site.
 */
void lwkt_user_set_panic_hook(void (*hook)(const char *msg));

/**
 * lwkt_user_set_log_hook - send lwkt_plat_log() lines to @hook
 * @hook:	called with each line (no newline); NULL restores stderr
 */
void lwkt_user_set_log_hook(void (*hook)(const char *line));

/**
 * lwkt_user_set_switch_refused - simulate a host state that forbids
 * switching (the kernel's "spinlock held")
 * @refuse:	true: lwkt_plat_switch_allowed() says no on every CPU
 */
void lwkt_user_set_switch_refused(bool refuse);

/* One trace event as the userland host saw it (see lwkt_user_set_trace_hook). */
struct lwkt_user_trace_event {
	int kind;		/* LWKT_TRACE_* (src/platform.h) */
	int cpu;		/* the CPU that emitted it */
	u32 tid;		/* switch: prev; preempt: current; else the thread;
				 * ipiq_*: source CPU */
	int pri;
	u32 other_tid;		/* switch: next; preempt: the preemptor;
				 * ipiq_*: target CPU; migrate: to CPU;
				 * signal: threads woken */
	int other_pri;
	int result;		/* preempt: enum lwkt_preempt_result;
				 * ipiq_*: sequence; migrate: from CPU;
				 * signal: count asked */
};

/**
 * lwkt_user_set_trace_hook - deliver trace events to @hook
 * @hook:	called on the emitting CPU, inside its critical section
 * @bits:	lwkt_trace_mask bits to enable (1UL << LWKT_TRACE_*); 0 and a
 *		NULL @hook turn tracing off again
 */
void lwkt_user_set_trace_hook(void (*hook)(const struct lwkt_user_trace_event *ev),
			      unsigned long bits);

LWKT_EXTERN_C_END

#endif /* LWKT_USER_H */
