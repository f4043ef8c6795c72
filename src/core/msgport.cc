// SPDX-License-Identifier: GPL-2.0
/*
 * Message ports (Documentation/design.rst, "Message ports";
 * include/lwkt/msgport.h).
 *
 * No locks: a port's queue and its MSGPORTF_WAITING flag are touched only
 * on the CPU its owner runs on, inside a critical section (or from the IPI
 * queue, which never runs inside one). Anything aimed at a port of another
 * CPU (a put, a reply, an abort) is sent there as an IPI carrying the
 * message itself, so nothing is allocated; if the owner moved meanwhile,
 * the IPI function sends it on. ms_flags is the only field several CPUs
 * change at once, so every change of it is one atomic operation.
 */
#include <lwkt/atomic.h>
#include <lwkt/ipiq.h>
#include <lwkt/msgport.h>
#include <lwkt/thread.h>

#include "core/crit_guard.h"
#include "core/debug.h"
#include <lwkt/errno.h>
#include "core/internal.h"
#include "core/list.h"
#include "core/runq.h"
#include "core/spin.h"
#include "core/trace.h"

using namespace lwkt;

namespace {

/*
 * ms_flags: every change is a fully ordered RMW (flags_set(),
 * flags_clear(), abort_ipi()'s cmpxchg), each read an acquire that pairs
 * with them. What crosses CPUs: MSGF_REPLY and ms_error from the replier
 * to lwkt_abortmsg() and abort_ipi(), MSGF_ABORTED from abort_ipi() to
 * lwkt_msg_aborted(); the rest also travels inside an IPI (ipiq.cc).
 */
inline u32 flags_of(struct lwkt_msg *msg)
{
	return lwkt_load_acquire(&msg->ms_flags);
}

/* Pair with flags_of() and lwkt_msg_aborted() (above). */
inline void flags_set(struct lwkt_msg *msg, u32 set)
{
	lwkt_fetch_or(&msg->ms_flags, set);
}

inline void flags_clear(struct lwkt_msg *msg, u32 clear)
{
	lwkt_fetch_and(&msg->ms_flags, ~clear);
}

/*
 * The CPU a port's owner runs on now (it may be migrating there). Pairs
 * with the lwkt_store_release() of td_gd in migrate.cc.
 */
inline struct lwkt_globaldata *port_gd(struct lwkt_port *port)
{
	return lwkt_load_acquire(&port->mp_td->td_gd);
}

/*
 * ms_target_port: a forward rewrites it on one CPU while an abort may read
 * it on another (to chase the message), so both sides use atomics. Pairs
 * with put()'s lwkt_store_release().
 */
inline struct lwkt_port *target_of(struct lwkt_msg *msg)
{
	return lwkt_load_acquire(&msg->ms_target_port);
}

inline struct lwkt_msg *msg_of(struct lwkt_list *node)
{
	/* ms_node is the first member. */
	return reinterpret_cast<struct lwkt_msg *>(node);
}

/* On the port's CPU: the owner sleeps for a message or a reply? Wake it. */
void wake_owner(struct lwkt_globaldata *gd, struct lwkt_port *port)
{
	if (port->mp_flags & MSGPORTF_WAITING) {
		port->mp_flags &= ~MSGPORTF_WAITING;
		schedule_in_crit(gd, port->mp_td);
	}
}

void wait_aborts(struct lwkt_globaldata *gd, struct lwkt_msg *msg);

/* Take the first message off @port (its CPU, inside a critical section). */
struct lwkt_msg *dequeue(struct lwkt_port *port)
{
	struct lwkt_msg *msg;

	if (list_empty(&port->mp_msgq))
		return nullptr;
	msg = msg_of(port->mp_msgq.next);
	list_remove(&msg->ms_node);
	flags_clear(msg, MSGF_QUEUED);
	/* A reply goes back to its sender: no abort of it may still run. */
	if (flags_of(msg) & MSGF_DONE)
		wait_aborts(lwkt_mycpu(), msg);
	return msg;
}

void put_ipi(void *arg);
void reply_ipi(void *arg);
void abort_ipi(void *arg);

/*
 * Run @fn(@msg) on the CPU of @port: here, at once, or there by IPI.
 * Inside a critical section of the current CPU @gd.
 */
inline void on_port_cpu(struct lwkt_globaldata *gd, struct lwkt_port *port,
			void (*fn)(void *), struct lwkt_msg *msg)
{
	struct lwkt_globaldata *tgd = port_gd(port);

	if (tgd == gd)
		fn(msg);
	else
		lwkt_send_ipiq(tgd, fn, msg);
}

/* Its target port's CPU: queue it and wake the owner. */
void put_ipi(void *arg)
{
	struct lwkt_msg *msg = static_cast<struct lwkt_msg *>(arg);
	struct lwkt_port *port = target_of(msg);
	struct lwkt_globaldata *gd = lwkt_mycpu();

	if (port_gd(port) != gd) {	/* the owner moved: follow it */
		lwkt_send_ipiq(port_gd(port), put_ipi, msg);
		return;
	}
	list_insert_before(&port->mp_msgq, &msg->ms_node);
	flags_set(msg, MSGF_QUEUED);
	wake_owner(gd, port);
}

/* Its reply port's CPU: mark it done (queued there if async), wake. */
void reply_ipi(void *arg)
{
	struct lwkt_msg *msg = static_cast<struct lwkt_msg *>(arg);
	struct lwkt_port *port = msg->ms_reply_port;
	struct lwkt_globaldata *gd = lwkt_mycpu();

	if (port_gd(port) != gd) {
		lwkt_send_ipiq(port_gd(port), reply_ipi, msg);
		return;
	}
	if (flags_of(msg) & MSGF_ASYNC) {
		list_insert_before(&port->mp_msgq, &msg->ms_node);
		flags_set(msg, MSGF_QUEUED | MSGF_DONE);
	} else {
		/* The waiter is of this CPU and cannot run before we are done. */
		flags_set(msg, MSGF_DONE);
	}
	wake_owner(gd, port);
}

/*
 * The CPU of the port the message was last sent to. Still queued there:
 * dequeue it and reply it aborted. In service: mark it. Replied: too late.
 */
void abort_ipi(void *arg)
{
	struct lwkt_msg *msg = static_cast<struct lwkt_msg *>(arg);
	struct lwkt_port *port = target_of(msg);
	struct lwkt_globaldata *gd = lwkt_mycpu();
	u32 f;

	if (port_gd(port) != gd) {
		lwkt_send_ipiq(port_gd(port), abort_ipi, msg);
		return;
	}
	/*
	 * Against the replier's lwkt_fetch_or() of MSGF_REPLY: one of the
	 * two comes first. Pairs with lwkt_msg_aborted()'s acquire.
	 */
	f = flags_of(msg);
	do {
		if (f & (MSGF_REPLY | MSGF_DONE))
			goto done;
	} while (!lwkt_try_cmpxchg(&msg->ms_flags, &f, f | MSGF_ABORTED));
	if (f & MSGF_QUEUED) {
		/* Not received yet, and nobody can receive it while we run. */
		list_remove(&msg->ms_node);
		flags_clear(msg, MSGF_QUEUED);
		lwkt_replymsg(msg, -LWKT_ECONNABORTED);
	}
done:
	/*
	 * The last touch: from here on the sender may reuse or free it.
	 * Pairs with wait_aborts()'s load_acquire() of ms_aborts.
	 */
	lwkt_fetch_sub_release(&msg->ms_aborts, 1);
}

/*
 * An abort request of @msg's previous use may still be in flight: let it
 * run before the message is reused or handed back (it is bound to run: it
 * sits in some CPU's IPI queue, ours included).
 */
void wait_aborts(struct lwkt_globaldata *gd, struct lwkt_msg *msg)
{
	/* Pairs with abort_ipi()'s lwkt_fetch_sub_release(). */
	while (__builtin_expect(lwkt_load_acquire(&msg->ms_aborts), 0))
		spin_serving_ipis(gd);
}

void put(struct lwkt_port *port, struct lwkt_msg *msg)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();
	CritSection crit(gd->gd_curthread);

	/* Pairs with target_of()'s load_acquire() in abort_ipi(), put_ipi(). */
	lwkt_store_release(&msg->ms_target_port, port);
	trace_msg_send(msg, port_gd(port)->gd_cpuid);
	on_port_cpu(gd, port, put_ipi, msg);
}

/*
 * Sleep until @ready(@port, @msg) holds; @port is the caller's own. Inside
 * the caller's critical section: the wakeup (wake_owner() on this CPU)
 * cannot slip in between the check and the switch.
 */
template <typename Ready>
void sleep_on_port(struct lwkt_globaldata *gd, struct lwkt_thread *td,
		   struct lwkt_port *port, const char *wmesg, Ready ready)
{
	while (!ready()) {
		port->mp_flags |= MSGPORTF_WAITING;
		td->td_wmesg = wmesg;
		runq_dequeue(td);
		lwkt_switch();
		td->td_wmesg = nullptr;
		if (!(td->td_flags & TDF_RUNQ)) {
			/* Nobody woke us: the switch was refused. Spin. */
			port->mp_flags &= ~MSGPORTF_WAITING;
			runq_enqueue(td);
			spin_serving_ipis(gd);
		}
	}
	/* Woken by someone else first: a later put must not wake us again. */
	port->mp_flags &= ~MSGPORTF_WAITING;
}

bool refuse_foreign(const char *fn)
{
	if (__builtin_expect(lwkt_in_lwkt_context(), 1))
		return false;
	lwkt_plat_log("%s: not from LWKT context", fn);
	return true;
}

} // namespace

extern "C" void lwkt_initport(lwkt_port_t port, struct lwkt_thread *td)
{
	list_init(&port->mp_msgq);
	port->mp_td = td;
	port->mp_flags = 0;
}

extern "C" void lwkt_initmsg(lwkt_msg_t msg, lwkt_port_t rport, int flags)
{
	list_init(&msg->ms_node);
	msg->ms_target_port = nullptr;
	msg->ms_reply_port = rport;
	msg->ms_cmd = 0;
	msg->ms_error = 0;
	msg->ms_aborts = 0;
	/* Not in flight yet: the send's IPI publishes it. */
	lwkt_write_once(msg->ms_flags, static_cast<u32>(flags) & MSGF_ABORTABLE);
}

extern "C" void lwkt_sendmsg(lwkt_port_t port, lwkt_msg_t msg)
{
	if (refuse_foreign("lwkt_sendmsg"))
		return;
	wait_aborts(lwkt_mycpu(), msg);
	flags_clear(msg, MSGF_DONE | MSGF_REPLY | MSGF_QUEUED | MSGF_ABORTED);
	flags_set(msg, MSGF_ASYNC);
	put(port, msg);
}

extern "C" int lwkt_domsg(lwkt_port_t port, lwkt_msg_t msg)
{
	if (refuse_foreign("lwkt_domsg"))
		return -LWKT_EINVAL;
	if (msg->ms_reply_port->mp_td != curthread) {
		lwkt_plat_log("lwkt_domsg: %s does not own the reply port",
			      curthread->td_comm);
		return -LWKT_EINVAL;
	}
	wait_aborts(lwkt_mycpu(), msg);
	flags_clear(msg, MSGF_DONE | MSGF_REPLY | MSGF_QUEUED | MSGF_ABORTED |
				 MSGF_ASYNC);
	put(port, msg);
	return lwkt_waitmsg(msg);
}

extern "C" void lwkt_replymsg(lwkt_msg_t msg, int error)
{
	struct lwkt_globaldata *gd;

	if (refuse_foreign("lwkt_replymsg"))
		return;
	gd = lwkt_mycpu();
	CritSection crit(gd->gd_curthread);
	msg->ms_error = error;
	flags_set(msg, MSGF_REPLY);
	trace_msg_reply(msg, port_gd(msg->ms_reply_port)->gd_cpuid, error);
	on_port_cpu(gd, msg->ms_reply_port, reply_ipi, msg);
}

extern "C" int lwkt_waitmsg(lwkt_msg_t msg)
{
	if (refuse_foreign("lwkt_waitmsg"))
		return -LWKT_EINVAL;

	struct lwkt_globaldata *gd = lwkt_mycpu();
	struct lwkt_thread *td = gd->gd_curthread;
	struct lwkt_port *port = msg->ms_reply_port;

	if (port->mp_td != td) {
		lwkt_plat_log("lwkt_waitmsg: %s does not own the reply port",
			      td->td_comm);
		return -LWKT_EINVAL;
	}
	CritSection crit(td);
	sleep_on_port(gd, td, port, "waitmsg",
		      [msg] { return (flags_of(msg) & MSGF_DONE) != 0; });
	if (flags_of(msg) & MSGF_QUEUED) {
		list_remove(&msg->ms_node);
		flags_clear(msg, MSGF_QUEUED);
	}
	wait_aborts(gd, msg);
	return msg->ms_error;
}

extern "C" lwkt_msg_t lwkt_waitport(lwkt_port_t port)
{
	if (refuse_foreign("lwkt_waitport"))
		return nullptr;

	struct lwkt_globaldata *gd = lwkt_mycpu();
	struct lwkt_thread *td = gd->gd_curthread;

	if (port->mp_td != td) {
		lwkt_plat_log("lwkt_waitport: %s does not own the port",
			      td->td_comm);
		return nullptr;
	}
	CritSection crit(td);
	sleep_on_port(gd, td, port, "waitport",
		      [port] { return !list_empty(&port->mp_msgq); });
	return dequeue(port);
}

extern "C" lwkt_msg_t lwkt_getport(lwkt_port_t port)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();

	if (!lwkt_in_lwkt_context() || port_gd(port) != gd) {
		lwkt_plat_log("lwkt_getport: the port is not this CPU's");
		return nullptr;
	}
	CritSection crit(gd->gd_curthread);
	return dequeue(port);
}

extern "C" int lwkt_forwardmsg(lwkt_port_t port, lwkt_msg_t msg)
{
	if (refuse_foreign("lwkt_forwardmsg"))
		return -LWKT_EINVAL;
	put(port, msg);
	return 0;
}

extern "C" void lwkt_abortmsg(lwkt_msg_t msg)
{
	struct lwkt_globaldata *gd;
	u32 f = flags_of(msg);

	if (!(f & MSGF_ABORTABLE) || (f & (MSGF_REPLY | MSGF_DONE)))
		return;
	if (refuse_foreign("lwkt_abortmsg"))
		return;
	gd = lwkt_mycpu();
	CritSection crit(gd->gd_curthread);
	/*
	 * Counted before it leaves: the sender waits for it (wait_aborts()).
	 * Relaxed: the collector is this thread (lwkt_abortmsg()'s contract),
	 * and the IPI's lwkt_xchg() orders it before abort_ipi()'s decrement.
	 */
	lwkt_fetch_add_relaxed(&msg->ms_aborts, 1);
	on_port_cpu(gd, target_of(msg), abort_ipi, msg);
}
