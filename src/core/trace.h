/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace hooks of the core: each tests one bit of lwkt_trace_mask and calls
 * the host (src/platform.h) only when it is set. The kernel turns a bit on
 * when its tracepoint gets a probe, so with tracing off the switch path pays
 * one load and one predicted branch, and no call.
 */
#ifndef LWKT_CORE_TRACE_H
#define LWKT_CORE_TRACE_H

#include <lwkt/atomic.h>
#include "platform.h"

namespace lwkt {

inline bool trace_on(unsigned long bits)
{
#ifdef LWKT_TRACE_COMPILED_OUT
	/* Only make bench's baseline build: what the hooks cost when off. */
	(void)bits;
	return false;
#endif
	return __builtin_expect(
		(lwkt_read_once(lwkt_trace_mask) & bits) != 0,
		0);
}

inline void trace_switch(struct lwkt_globaldata *gd, struct lwkt_thread *prev,
			 struct lwkt_thread *next)
{
	if (trace_on((1UL << LWKT_TRACE_SWITCH) | (1UL << LWKT_TRACE_SNAPSHOT)))
		lwkt_plat_trace_switch(gd, prev, next);
}

inline void trace_schedule(struct lwkt_thread *td)
{
	if (trace_on(1UL << LWKT_TRACE_SCHEDULE))
		lwkt_plat_trace_schedule(td);
}

inline void trace_deschedule(struct lwkt_thread *td)
{
	if (trace_on(1UL << LWKT_TRACE_DESCHEDULE))
		lwkt_plat_trace_deschedule(td);
}

inline void trace_preempt(struct lwkt_thread *td, struct lwkt_thread *ntd,
			  enum lwkt_preempt_result result)
{
	if (trace_on(1UL << LWKT_TRACE_PREEMPT))
		lwkt_plat_trace_preempt(td, ntd, result);
}

inline void trace_thread_create(struct lwkt_thread *td)
{
	if (trace_on(1UL << LWKT_TRACE_CREATE))
		lwkt_plat_trace_thread_create(td);
}

inline void trace_thread_exit(struct lwkt_thread *td)
{
	if (trace_on(1UL << LWKT_TRACE_EXIT))
		lwkt_plat_trace_thread_exit(td);
}

inline void trace_ipiq_send(int src, int dst, u32 seq, void *func)
{
	if (trace_on(1UL << LWKT_TRACE_IPIQ_SEND))
		lwkt_plat_trace_ipiq_send(src, dst, seq, func);
}

inline void trace_ipiq_run(int src, int dst, u32 seq, void *func)
{
	if (trace_on(1UL << LWKT_TRACE_IPIQ_RUN))
		lwkt_plat_trace_ipiq_run(src, dst, seq, func);
}

inline void trace_migrate(struct lwkt_thread *td, int from, int to)
{
	if (trace_on(1UL << LWKT_TRACE_MIGRATE))
		lwkt_plat_trace_migrate(td, from, to);
}

inline void trace_block(struct lwkt_thread *td, const void *w,
			const char *wmesg)
{
	if (trace_on(1UL << LWKT_TRACE_BLOCK))
		lwkt_plat_trace_block(td, w, wmesg);
}

inline void trace_signal(const void *w, int count, int woken)
{
	if (trace_on(1UL << LWKT_TRACE_SIGNAL))
		lwkt_plat_trace_signal(w, count, woken);
}

inline void trace_token_contended(struct lwkt_thread *td,
				  const struct lwkt_token *tok,
				  struct lwkt_thread *owner)
{
	if (trace_on(1UL << LWKT_TRACE_TOKEN_CONTENDED))
		lwkt_plat_trace_token_contended(td, tok, owner);
}

inline void trace_msg_send(const struct lwkt_msg *msg, int dst)
{
	if (trace_on(1UL << LWKT_TRACE_MSG_SEND))
		lwkt_plat_trace_msg_send(msg, dst);
}

inline void trace_msg_reply(const struct lwkt_msg *msg, int dst, int error)
{
	if (trace_on(1UL << LWKT_TRACE_MSG_REPLY))
		lwkt_plat_trace_msg_reply(msg, dst, error);
}

} // namespace lwkt

#endif /* LWKT_CORE_TRACE_H */
