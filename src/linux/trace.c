// SPDX-License-Identifier: GPL-2.0
/*
 * The tracepoints (src/linux/lwkt_trace.h) and the core's trace seam
 * (src/platform.h): the core calls lwkt_plat_trace_*() only while the
 * event's bit in lwkt_trace_mask is set, i.e. while its tracepoint has a
 * probe (a bpftrace script, perf, the trace file).
 */
#include <linux/bitops.h>

#include "linux/internal.h"

#define CREATE_TRACE_POINTS
#include "lwkt_trace.h"

/*
 * Called by the tracepoint core when the first probe attaches and after
 * the last one left: flip the bit the core tests.
 */
#define LWKT_TRACE_REG(ev, bit)					\
int lwkt_trace_##ev##_reg(void)					\
{								\
	set_bit(bit, &lwkt_trace_mask);				\
	return 0;						\
}								\
void lwkt_trace_##ev##_unreg(void)				\
{								\
	clear_bit(bit, &lwkt_trace_mask);			\
}

LWKT_TRACE_REG(switch, LWKT_TRACE_SWITCH)
LWKT_TRACE_REG(schedule, LWKT_TRACE_SCHEDULE)
LWKT_TRACE_REG(deschedule, LWKT_TRACE_DESCHEDULE)
LWKT_TRACE_REG(preempt, LWKT_TRACE_PREEMPT)
LWKT_TRACE_REG(create, LWKT_TRACE_CREATE)
LWKT_TRACE_REG(exit, LWKT_TRACE_EXIT)
LWKT_TRACE_REG(ipiq_send, LWKT_TRACE_IPIQ_SEND)
LWKT_TRACE_REG(ipiq_run, LWKT_TRACE_IPIQ_RUN)
LWKT_TRACE_REG(migrate, LWKT_TRACE_MIGRATE)
LWKT_TRACE_REG(block, LWKT_TRACE_BLOCK)
LWKT_TRACE_REG(signal, LWKT_TRACE_SIGNAL)
LWKT_TRACE_REG(token_contended, LWKT_TRACE_TOKEN_CONTENDED)
LWKT_TRACE_REG(msg_send, LWKT_TRACE_MSG_SEND)
LWKT_TRACE_REG(msg_reply, LWKT_TRACE_MSG_REPLY)

void lwkt_plat_trace_switch(struct lwkt_globaldata *gd,
			    struct lwkt_thread *prev, struct lwkt_thread *next)
{
	/* A "threads" reader may be waiting for this CPU (threads_debugfs.c). */
	if (test_bit(LWKT_TRACE_SNAPSHOT, &lwkt_trace_mask))
		lwkt_threads_serve(gd);
	trace_lwkt_switch(gd->gd_cpuid, prev, next);
}

void lwkt_plat_trace_schedule(struct lwkt_thread *td)
{
	trace_lwkt_schedule(td, lwkt_mycpu()->gd_cpuid);
}

void lwkt_plat_trace_deschedule(struct lwkt_thread *td)
{
	trace_lwkt_deschedule(td, lwkt_mycpu()->gd_cpuid);
}

void lwkt_plat_trace_preempt(struct lwkt_thread *td, struct lwkt_thread *ntd,
			     enum lwkt_preempt_result result)
{
	trace_lwkt_preempt(lwkt_mycpu()->gd_cpuid, td, ntd, result);
}

void lwkt_plat_trace_thread_create(struct lwkt_thread *td)
{
	trace_lwkt_thread_create(td);
}

void lwkt_plat_trace_thread_exit(struct lwkt_thread *td)
{
	trace_lwkt_thread_exit(td);
}

void lwkt_plat_trace_ipiq_send(int src, int dst, u32 seq, void *func)
{
	trace_lwkt_ipiq_send(src, dst, seq, func);
}

void lwkt_plat_trace_ipiq_run(int src, int dst, u32 seq, void *func)
{
	trace_lwkt_ipiq_run(src, dst, seq, func);
}

void lwkt_plat_trace_migrate(struct lwkt_thread *td, int from, int to)
{
	trace_lwkt_migrate(td, from, to);
}

void lwkt_plat_trace_block(struct lwkt_thread *td, const void *w,
			   const char *wmesg)
{
	trace_lwkt_block(td, w, wmesg);
}

void lwkt_plat_trace_signal(const void *w, int count, int woken)
{
	trace_lwkt_signal(w, count, woken);
}

void lwkt_plat_trace_token_contended(struct lwkt_thread *td,
				     const struct lwkt_token *tok,
				     struct lwkt_thread *owner)
{
	trace_lwkt_token_contended(td, tok, owner);
}

void lwkt_plat_trace_msg_send(const struct lwkt_msg *msg, int dst)
{
	trace_lwkt_msg_send(msg, lwkt_mycpu()->gd_cpuid, dst, 0);
}

void lwkt_plat_trace_msg_reply(const struct lwkt_msg *msg, int dst, int error)
{
	trace_lwkt_msg_reply(msg, lwkt_mycpu()->gd_cpuid, dst, error);
}
