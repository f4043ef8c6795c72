// SPDX-License-Identifier: GPL-2.0
/*
 * The trace half of the platform seam for the userland host: events go to
 * a test's hook (the kernel has tracepoints instead), and the stack
 * high-water mark for the "threads" view.
 */
#include <lwkt/atomic.h>
#include "platform.h"
#include "user/lwkt_user.h"

namespace {

void (*g_trace_hook)(const struct lwkt_user_trace_event *);

void emit(int kind, const struct lwkt_thread *a, const struct lwkt_thread *b,
	  int result)
{
	/* Pairs with lwkt_user_set_trace_hook()'s lwkt_store_release(). */
	void (*hook)(const struct lwkt_user_trace_event *) =
		lwkt_load_acquire(&g_trace_hook);
	struct lwkt_user_trace_event ev = {};

	if (!hook)
		return;
	ev.kind = kind;
	ev.cpu = lwkt_mycpu()->gd_cpuid;
	ev.tid = a->td_tid;
	ev.pri = a->td_pri & TDPRI_MASK;
	if (b) {
		ev.other_tid = b->td_tid;
		ev.other_pri = b->td_pri & TDPRI_MASK;
	}
	ev.result = result;
	hook(&ev);
}

} // namespace

extern "C" void lwkt_user_set_trace_hook(
	void (*hook)(const struct lwkt_user_trace_event *), unsigned long bits)
{
	/*
	 * The hook pairs with the load_acquire() in emit() and
	 * emit_plain(). The mask's release has no acquiring partner:
	 * trace_on() (src/core/trace.h) reads it relaxed, and a mask seen
	 * before its hook only finds no hook in emit().
	 */
	lwkt_store_release(&g_trace_hook, hook);
	lwkt_store_release(&lwkt_trace_mask, bits);
}

extern "C" void lwkt_plat_trace_switch(struct lwkt_globaldata *gd,
				       struct lwkt_thread *prev,
				       struct lwkt_thread *next)
{
	(void)gd;
	emit(LWKT_TRACE_SWITCH, prev, next, 0);
}

extern "C" void lwkt_plat_trace_schedule(struct lwkt_thread *td)
{
	emit(LWKT_TRACE_SCHEDULE, td, nullptr, 0);
}

extern "C" void lwkt_plat_trace_deschedule(struct lwkt_thread *td)
{
	emit(LWKT_TRACE_DESCHEDULE, td, nullptr, 0);
}

extern "C" void lwkt_plat_trace_preempt(struct lwkt_thread *td,
					struct lwkt_thread *ntd,
					enum lwkt_preempt_result result)
{
	emit(LWKT_TRACE_PREEMPT, td, ntd, result);
}

extern "C" void lwkt_plat_trace_thread_create(struct lwkt_thread *td)
{
	emit(LWKT_TRACE_CREATE, td, nullptr, 0);
}

extern "C" void lwkt_plat_trace_thread_exit(struct lwkt_thread *td)
{
	emit(LWKT_TRACE_EXIT, td, nullptr, 0);
}

/* Cross-CPU events: no thread pair; tid/other_tid carry the CPUs. */
namespace {

void emit_plain(int kind, u32 a, u32 b, int result)
{
	/* Pairs with lwkt_user_set_trace_hook()'s lwkt_store_release(). */
	void (*hook)(const struct lwkt_user_trace_event *) =
		lwkt_load_acquire(&g_trace_hook);
	struct lwkt_user_trace_event ev = {};

	if (!hook)
		return;
	ev.kind = kind;
	ev.cpu = lwkt_mycpu()->gd_cpuid;
	ev.tid = a;
	ev.other_tid = b;
	ev.result = result;
	hook(&ev);
}

} // namespace

extern "C" void lwkt_plat_trace_ipiq_send(int src, int dst, u32 seq, void *)
{
	emit_plain(LWKT_TRACE_IPIQ_SEND, static_cast<u32>(src),
		   static_cast<u32>(dst), static_cast<int>(seq));
}

extern "C" void lwkt_plat_trace_ipiq_run(int src, int dst, u32 seq, void *)
{
	emit_plain(LWKT_TRACE_IPIQ_RUN, static_cast<u32>(src),
		   static_cast<u32>(dst), static_cast<int>(seq));
}

extern "C" void lwkt_plat_trace_migrate(struct lwkt_thread *td, int from,
					int to)
{
	emit_plain(LWKT_TRACE_MIGRATE, td->td_tid, static_cast<u32>(to), from);
}

extern "C" void lwkt_plat_trace_block(struct lwkt_thread *td, const void *,
				      const char *)
{
	emit_plain(LWKT_TRACE_BLOCK, td->td_tid, 0, 0);
}

extern "C" void lwkt_plat_trace_signal(const void *, int count, int woken)
{
	emit_plain(LWKT_TRACE_SIGNAL, 0, static_cast<u32>(woken), count);
}

extern "C" void lwkt_plat_trace_token_contended(struct lwkt_thread *td,
						const struct lwkt_token *,
						struct lwkt_thread *owner)
{
	emit_plain(LWKT_TRACE_TOKEN_CONTENDED, td->td_tid,
		   owner ? owner->td_tid : 0, 0);
}

extern "C" void lwkt_plat_trace_msg_send(const struct lwkt_msg *msg, int dst)
{
	emit_plain(LWKT_TRACE_MSG_SEND, msg->ms_cmd, static_cast<u32>(dst), 0);
}

extern "C" void lwkt_plat_trace_msg_reply(const struct lwkt_msg *msg, int dst,
					  int error)
{
	emit_plain(LWKT_TRACE_MSG_REPLY, msg->ms_cmd, static_cast<u32>(dst),
		   error);
}

/*
 * mmap'd stacks start zeroed. Not instrumented: the words scanned may lie
 * in frames a sanitizer still considers poisoned.
 */
extern "C" __attribute__((no_sanitize("address", "thread"))) u32
lwkt_plat_stack_used(const struct lwkt_thread *td)
{
	const unsigned long *w =
		reinterpret_cast<const unsigned long *>(td->td_kstack);
	unsigned long n, i;

	if (!w)
		return 0;
	n = static_cast<unsigned long>(td->td_kstack_size) / sizeof(*w);
	for (i = 0; i < n && w[i] == 0; i++)
		;
	return static_cast<u32>((n - i) * sizeof(*w));
}
