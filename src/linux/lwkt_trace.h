/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of TRACE_SYSTEM lwkt, one per scheduler state change
 * (Documentation/tracing.rst). Each event's reg/unreg callback sets or
 * clears its bit in lwkt_trace_mask, which the core tests before calling
 * src/linux/trace.c: a disabled event costs the core one load and one
 * branch, and nothing in the glue.
 *
 * Included once with CREATE_TRACE_POINTS by src/linux/trace.c; Kbuild
 * gives that file -I for this directory (TRACE_INCLUDE_PATH is relative).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM lwkt

#if !defined(_LWKT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _LWKT_TRACE_H

#include <linux/tracepoint.h>

#include <lwkt/thread.h>
#include <lwkt/token.h>
#include "platform.h"

#ifndef LWKT_TRACE_REG_DECLARED
#define LWKT_TRACE_REG_DECLARED
/* Not static: with CONFIG_TRACEPOINTS off they would be unused. */
#define LWKT_TRACE_REG_DECLARE(ev)		\
	int lwkt_trace_##ev##_reg(void);	\
	void lwkt_trace_##ev##_unreg(void)
LWKT_TRACE_REG_DECLARE(switch);
LWKT_TRACE_REG_DECLARE(schedule);
LWKT_TRACE_REG_DECLARE(deschedule);
LWKT_TRACE_REG_DECLARE(preempt);
LWKT_TRACE_REG_DECLARE(create);
LWKT_TRACE_REG_DECLARE(exit);
LWKT_TRACE_REG_DECLARE(ipiq_send);
LWKT_TRACE_REG_DECLARE(ipiq_run);
LWKT_TRACE_REG_DECLARE(migrate);
LWKT_TRACE_REG_DECLARE(block);
LWKT_TRACE_REG_DECLARE(signal);
LWKT_TRACE_REG_DECLARE(token_contended);
LWKT_TRACE_REG_DECLARE(msg_send);
LWKT_TRACE_REG_DECLARE(msg_reply);
#endif

TRACE_EVENT_FN(lwkt_switch,
	TP_PROTO(int cpu, const struct lwkt_thread *prev,
		 const struct lwkt_thread *next),
	TP_ARGS(cpu, prev, next),
	TP_STRUCT__entry(
		__field(int, cpu)
		__field(u32, prev_tid)
		__field(int, prev_pri)
		__field(int, prev_runnable)
		__array(char, prev_comm, LWKT_MAXCOMLEN + 1)
		__field(u32, next_tid)
		__field(int, next_pri)
		__array(char, next_comm, LWKT_MAXCOMLEN + 1)
	),
	TP_fast_assign(
		__entry->cpu = cpu;
		__entry->prev_tid = prev->td_tid;
		__entry->prev_pri = prev->td_pri & TDPRI_MASK;
		__entry->prev_runnable = !!(prev->td_flags & TDF_RUNQ);
		memcpy(__entry->prev_comm, prev->td_comm, LWKT_MAXCOMLEN + 1);
		__entry->next_tid = next->td_tid;
		__entry->next_pri = next->td_pri & TDPRI_MASK;
		memcpy(__entry->next_comm, next->td_comm, LWKT_MAXCOMLEN + 1);
	),
	TP_printk("cpu=%d prev=%s tid=%u pri=%d%s ==> next=%s tid=%u pri=%d",
		  __entry->cpu, __entry->prev_comm, __entry->prev_tid,
		  __entry->prev_pri, __entry->prev_runnable ? " runnable" : "",
		  __entry->next_comm, __entry->next_tid, __entry->next_pri),
	lwkt_trace_switch_reg, lwkt_trace_switch_unreg
);

TRACE_EVENT_FN(lwkt_schedule,
	TP_PROTO(const struct lwkt_thread *td, int from_cpu),
	TP_ARGS(td, from_cpu),
	TP_STRUCT__entry(
		__field(u32, tid)
		__field(int, pri)
		__field(int, from_cpu)
		__field(int, to_cpu)
		__field(int, remote)
	),
	TP_fast_assign(
		__entry->tid = td->td_tid;
		__entry->pri = td->td_pri & TDPRI_MASK;
		__entry->from_cpu = from_cpu;
		__entry->to_cpu = td->td_gd->gd_cpuid;
		__entry->remote = from_cpu != td->td_gd->gd_cpuid;
	),
	TP_printk("tid=%u pri=%d cpu=%d->%d %s", __entry->tid, __entry->pri,
		  __entry->from_cpu, __entry->to_cpu,
		  __entry->remote ? "remote" : "local"),
	lwkt_trace_schedule_reg, lwkt_trace_schedule_unreg
);

TRACE_EVENT_FN(lwkt_deschedule,
	TP_PROTO(const struct lwkt_thread *td, int cpu),
	TP_ARGS(td, cpu),
	TP_STRUCT__entry(
		__field(u32, tid)
		__field(int, pri)
		__field(int, cpu)
	),
	TP_fast_assign(
		__entry->tid = td->td_tid;
		__entry->pri = td->td_pri & TDPRI_MASK;
		__entry->cpu = cpu;
	),
	TP_printk("tid=%u pri=%d cpu=%d", __entry->tid, __entry->pri,
		  __entry->cpu),
	lwkt_trace_deschedule_reg, lwkt_trace_deschedule_unreg
);

TRACE_EVENT_FN(lwkt_preempt,
	TP_PROTO(int cpu, const struct lwkt_thread *td,
		 const struct lwkt_thread *ntd, int result),
	TP_ARGS(cpu, td, ntd, result),
	TP_STRUCT__entry(
		__field(int, cpu)
		__field(u32, tid)
		__field(int, pri)
		__field(u32, ntid)
		__field(int, npri)
		__field(int, result)
	),
	TP_fast_assign(
		__entry->cpu = cpu;
		__entry->tid = td->td_tid;
		__entry->pri = td->td_pri & TDPRI_MASK;
		__entry->ntid = ntd->td_tid;
		__entry->npri = ntd->td_pri & TDPRI_MASK;
		__entry->result = result;
	),
	TP_printk("cpu=%d tid=%u pri=%d by tid=%u pri=%d: %s", __entry->cpu,
		  __entry->tid, __entry->pri, __entry->ntid, __entry->npri,
		  __print_symbolic(__entry->result,
				   { LWKT_PREEMPT_HIT, "hit" },
				   { LWKT_PREEMPT_MISS, "miss" },
				   { LWKT_PREEMPT_WEIRD, "weird" })),
	lwkt_trace_preempt_reg, lwkt_trace_preempt_unreg
);

TRACE_EVENT_FN(lwkt_thread_create,
	TP_PROTO(const struct lwkt_thread *td),
	TP_ARGS(td),
	TP_STRUCT__entry(
		__field(u32, tid)
		__field(int, cpu)
		__field(int, pri)
		__array(char, comm, LWKT_MAXCOMLEN + 1)
	),
	TP_fast_assign(
		__entry->tid = td->td_tid;
		__entry->cpu = td->td_gd->gd_cpuid;
		__entry->pri = td->td_pri & TDPRI_MASK;
		memcpy(__entry->comm, td->td_comm, LWKT_MAXCOMLEN + 1);
	),
	TP_printk("tid=%u cpu=%d pri=%d comm=%s", __entry->tid, __entry->cpu,
		  __entry->pri, __entry->comm),
	lwkt_trace_create_reg, lwkt_trace_create_unreg
);

TRACE_EVENT_FN(lwkt_thread_exit,
	TP_PROTO(const struct lwkt_thread *td),
	TP_ARGS(td),
	TP_STRUCT__entry(
		__field(u32, tid)
		__field(int, cpu)
		__field(u64, switches)
		__array(char, comm, LWKT_MAXCOMLEN + 1)
	),
	TP_fast_assign(
		__entry->tid = td->td_tid;
		__entry->cpu = td->td_gd->gd_cpuid;
		__entry->switches = td->td_switches;
		memcpy(__entry->comm, td->td_comm, LWKT_MAXCOMLEN + 1);
	),
	TP_printk("tid=%u cpu=%d switches=%llu comm=%s", __entry->tid,
		  __entry->cpu, __entry->switches, __entry->comm),
	lwkt_trace_exit_reg, lwkt_trace_exit_unreg
);

DECLARE_EVENT_CLASS(lwkt_ipiq_class,
	TP_PROTO(int src, int dst, u32 seq, void *func),
	TP_ARGS(src, dst, seq, func),
	TP_STRUCT__entry(
		__field(int, src)
		__field(int, dst)
		__field(u32, seq)
		__field(void *, func)
	),
	TP_fast_assign(
		__entry->src = src;
		__entry->dst = dst;
		__entry->seq = seq;
		__entry->func = func;
	),
	TP_printk("src=%d dst=%d seq=%u func=%ps", __entry->src, __entry->dst,
		  __entry->seq, __entry->func)
);

/* A message queued on src for dst (the FIFO src -> dst, sequence seq). */
DEFINE_EVENT_FN(lwkt_ipiq_class, lwkt_ipiq_send,
	TP_PROTO(int src, int dst, u32 seq, void *func),
	TP_ARGS(src, dst, seq, func),
	lwkt_trace_ipiq_send_reg, lwkt_trace_ipiq_send_unreg
);

/* dst is about to run that message (IPI context, maybe hardirq). */
DEFINE_EVENT_FN(lwkt_ipiq_class, lwkt_ipiq_run,
	TP_PROTO(int src, int dst, u32 seq, void *func),
	TP_ARGS(src, dst, seq, func),
	lwkt_trace_ipiq_run_reg, lwkt_trace_ipiq_run_unreg
);

TRACE_EVENT_FN(lwkt_migrate,
	TP_PROTO(const struct lwkt_thread *td, int from, int to),
	TP_ARGS(td, from, to),
	TP_STRUCT__entry(
		__field(u32, tid)
		__field(int, from)
		__field(int, to)
		__array(char, comm, LWKT_MAXCOMLEN + 1)
	),
	TP_fast_assign(
		__entry->tid = td->td_tid;
		__entry->from = from;
		__entry->to = to;
		memcpy(__entry->comm, td->td_comm, LWKT_MAXCOMLEN + 1);
	),
	TP_printk("tid=%u comm=%s cpu %d -> %d", __entry->tid, __entry->comm,
		  __entry->from, __entry->to),
	lwkt_trace_migrate_reg, lwkt_trace_migrate_unreg
);

TRACE_EVENT_FN(lwkt_block,
	TP_PROTO(const struct lwkt_thread *td, const void *w, const char *wmesg),
	TP_ARGS(td, w, wmesg),
	TP_STRUCT__entry(
		__field(u32, tid)
		__field(int, cpu)
		__field(const void *, wait)
		__array(char, wmesg, 16)
	),
	TP_fast_assign(
		__entry->tid = td->td_tid;
		__entry->cpu = td->td_gd->gd_cpuid;
		__entry->wait = w;
		strscpy_pad(__entry->wmesg, wmesg ? wmesg : "", sizeof(__entry->wmesg));
	),
	TP_printk("tid=%u cpu=%d wait=%p wmesg=%s", __entry->tid, __entry->cpu,
		  __entry->wait, __entry->wmesg),
	lwkt_trace_block_reg, lwkt_trace_block_unreg
);

TRACE_EVENT_FN(lwkt_signal,
	TP_PROTO(const void *w, int count, int woken),
	TP_ARGS(w, count, woken),
	TP_STRUCT__entry(
		__field(const void *, wait)
		__field(int, count)
		__field(int, woken)
	),
	TP_fast_assign(
		__entry->wait = w;
		__entry->count = count;
		__entry->woken = woken;
	),
	TP_printk("wait=%p count=%d woken=%d", __entry->wait, __entry->count,
		  __entry->woken),
	lwkt_trace_signal_reg, lwkt_trace_signal_unreg
);

/* A thread wants a token another thread holds (lwkt_gettoken). */
TRACE_EVENT_FN(lwkt_token_contended,
	TP_PROTO(const struct lwkt_thread *td, const struct lwkt_token *tok,
		 const struct lwkt_thread *owner),
	TP_ARGS(td, tok, owner),
	TP_STRUCT__entry(
		__field(const void *, token)
		__field(u32, tid)
		__field(u32, owner_tid)
		__field(int, cpu)
		__array(char, comm, LWKT_MAXCOMLEN + 1)
		__array(char, desc, 16)
	),
	TP_fast_assign(
		__entry->token = tok;
		__entry->tid = td->td_tid;
		__entry->owner_tid = owner ? owner->td_tid : 0;
		__entry->cpu = td->td_gd->gd_cpuid;
		memcpy(__entry->comm, td->td_comm, LWKT_MAXCOMLEN + 1);
		strscpy_pad(__entry->desc, tok->t_desc ? tok->t_desc : "",
			sizeof(__entry->desc));
	),
	TP_printk("token=%p desc=%s tid=%u comm=%s cpu=%d owner_tid=%u",
		  __entry->token, __entry->desc, __entry->tid, __entry->comm,
		  __entry->cpu, __entry->owner_tid),
	lwkt_trace_token_contended_reg, lwkt_trace_token_contended_unreg
);

DECLARE_EVENT_CLASS(lwkt_msg_class,
	TP_PROTO(const struct lwkt_msg *msg, int src, int dst, int error),
	TP_ARGS(msg, src, dst, error),
	TP_STRUCT__entry(
		__field(const void *, msg)
		__field(u32, cmd)
		__field(u32, flags)
		__field(int, src)
		__field(int, dst)
		__field(int, error)
	),
	TP_fast_assign(
		__entry->msg = msg;
		__entry->cmd = msg->ms_cmd;
		__entry->flags = READ_ONCE(msg->ms_flags);
		__entry->src = src;
		__entry->dst = dst;
		__entry->error = error;
	),
	TP_printk("msg=%p cmd=%u flags=0x%x cpu %d -> %d error=%d",
		  __entry->msg, __entry->cmd, __entry->flags, __entry->src,
		  __entry->dst, __entry->error)
);

/* A message is put to a port of CPU dst (sendmsg, domsg, forwardmsg). */
DEFINE_EVENT_FN(lwkt_msg_class, lwkt_msg_send,
	TP_PROTO(const struct lwkt_msg *msg, int src, int dst, int error),
	TP_ARGS(msg, src, dst, error),
	lwkt_trace_msg_send_reg, lwkt_trace_msg_send_unreg
);

/* A message is replied towards its reply port on CPU dst. */
DEFINE_EVENT_FN(lwkt_msg_class, lwkt_msg_reply,
	TP_PROTO(const struct lwkt_msg *msg, int src, int dst, int error),
	TP_ARGS(msg, src, dst, error),
	lwkt_trace_msg_reply_reg, lwkt_trace_msg_reply_unreg
);

#endif /* _LWKT_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE lwkt_trace
#include <trace/define_trace.h>
