/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Message ports: how LWKT code does cross-CPU RPC without locks. Every
 * thread owns a port (td_msgport). A port's queue is
 * touched only by the CPU its owner runs on, inside critical sections: a
 * put to, or a reply to, a port of another CPU travels there through the
 * IPI queues (and follows a port owner that migrates meanwhile).
 *
 * Message life, with its flags:
 *   lwkt_sendmsg()/lwkt_domsg()   cleared DONE, REPLY, QUEUED, ABORTED;
 *                                  ASYNC set by sendmsg, cleared by domsg
 *   queued on the target port      QUEUED
 *   received (waitport/getport)    QUEUED cleared: "in service"
 *   lwkt_replymsg()                REPLY (at once, on the replying CPU)
 *   reply lands at the reply port  DONE; an ASYNC one is also QUEUED there
 *   lwkt_waitmsg() returns         DONE, not QUEUED
 *
 * Aborts: lwkt_abortmsg() on an ABORTABLE message that is not replied yet
 * goes to the CPU of the port the message is on. Still queued there: it
 * is taken off the queue, marked ABORTED and replied with
 * -LWKT_ECONNABORTED by the abort itself. In service: it is marked
 * ABORTED; the server sees it (lwkt_msg_aborted()) and replies it as
 * usual. Already replied: nothing happens. Either way it is replied once.
 */
#ifndef LWKT_MSGPORT_H
#define LWKT_MSGPORT_H

#include <lwkt/atomic.h>
#include <lwkt/errno.h>
#include <lwkt/types.h>
#include <lwkt/list.h>

LWKT_EXTERN_C_BEGIN

struct lwkt_thread;

/* ms_flags */
#define MSGF_DONE		0x0001	/* replied and back at the reply port */
#define MSGF_REPLY		0x0002	/* the server replied it */
#define MSGF_QUEUED		0x0004	/* on a port's queue */
#define MSGF_ASYNC		0x0008	/* sender does not wait (sendmsg) */
#define MSGF_ABORTED		0x0010	/* lwkt_abortmsg() reached it in time */
#define MSGF_ABORTABLE		0x0020	/* lwkt_abortmsg() may act on it */

/* mp_flags */
#define MSGPORTF_WAITING	0x0001	/* the owner sleeps for a message */

/**
 * struct lwkt_msg - a message; embed it in a request structure
 * @ms_node:		link on a port's queue
 * @ms_target_port:	the port it was last sent or forwarded to
 * @ms_reply_port:	where the reply goes
 * @ms_cmd:		command, for the receiver
 * @ms_flags:		MSGF_* (atomic: several CPUs change it)
 * @ms_error:		the reply's error, set by lwkt_replymsg()
 * @ms_aborts:		lwkt_abortmsg() requests still in flight (atomic)
 * @ms_arg:		payload, for the caller
 * @ms_result:		result, for the receiver to fill in
 */
struct lwkt_msg {
	struct lwkt_list ms_node;
	struct lwkt_port *ms_target_port;
	struct lwkt_port *ms_reply_port;
	u32 ms_cmd;
	u32 ms_flags;
	int ms_error;
	u32 ms_aborts;
	u64 ms_arg;
	u64 ms_result;
};

/**
 * struct lwkt_port - a message port, owned by a thread
 * @mp_msgq:	queued messages, FIFO
 * @mp_td:	the owner: the only thread that waits on the port
 * @mp_flags:	MSGPORTF_*
 */
struct lwkt_port {
	struct lwkt_list mp_msgq;
	struct lwkt_thread *mp_td;
	u32 mp_flags;
};

typedef struct lwkt_msg *lwkt_msg_t;
typedef struct lwkt_port *lwkt_port_t;

/**
 * lwkt_initport - initialise a port owned by @td
 * @port:	the port
 * @td:		its owner (lwkt_init_thread() does this for td_msgport)
 */
void lwkt_initport(lwkt_port_t port, struct lwkt_thread *td);

/**
 * lwkt_initmsg - initialise a message
 * @msg:	the message
 * @rport:	its reply port, usually &curthread->td_msgport
 * @flags:	MSGF_ABORTABLE or 0; the other flags start clear
 */
void lwkt_initmsg(lwkt_msg_t msg, lwkt_port_t rport, int flags);

/**
 * lwkt_sendmsg - send @msg to @port; the reply comes to its reply port
 * @port:	the target port, of any CPU
 * @msg:	an initialised message not in flight
 *
 * Asynchronous (MSGF_ASYNC). Fires lwkt_msg_send. Collect the reply with
 * lwkt_waitmsg(@msg) or lwkt_waitport() on the reply port. From LWKT
 * context; a Linux caller is refused (one log line).
 */
void lwkt_sendmsg(lwkt_port_t port, lwkt_msg_t msg);

/**
 * lwkt_domsg - send @msg to @port and sleep until it is replied
 * @port:	the target port, of any CPU
 * @msg:	an initialised message whose reply port is the caller's own
 *
 * Return: the reply's error (@msg->ms_error). -LWKT_EINVAL when not
 * called from an LWKT thread that owns the reply port.
 */
int lwkt_domsg(lwkt_port_t port, lwkt_msg_t msg);

/**
 * lwkt_replymsg - reply a received message
 * @msg:	a message the caller received (waitport/getport) and has
 *		not replied
 * @error:	stored in @msg->ms_error
 *
 * Sets MSGF_REPLY, then sends the message back to its reply port (by IPI
 * if that port is another CPU's), where it is marked MSGF_DONE, queued if
 * MSGF_ASYNC, and the port's owner is woken. Fires lwkt_msg_reply. From
 * LWKT context (an IPI function too).
 */
void lwkt_replymsg(lwkt_msg_t msg, int error);

/**
 * lwkt_waitmsg - sleep until @msg is replied
 * @msg:	a message sent by the caller, whose reply port the caller owns
 *
 * Takes an asynchronous reply off the reply port's queue.
 * Return: @msg->ms_error; -LWKT_EINVAL (one log line) when the caller does
 * not own the reply port or is not an LWKT thread.
 */
int lwkt_waitmsg(lwkt_msg_t msg);

/**
 * lwkt_waitport - sleep until @port has a message, and take it
 * @port:	a port the current thread owns
 *
 * When switching is refused (a Linux lock held), spins instead of sleeping.
 *
 * Return: the message (QUEUED cleared); NULL when the caller does not own
 * the port or is not an LWKT thread (reported, one log line).
 */
lwkt_msg_t lwkt_waitport(lwkt_port_t port);

/**
 * lwkt_getport - take @port's next message without sleeping
 * @port:	a port of the current CPU
 *
 * Return: the message, or NULL if none is queued.
 */
lwkt_msg_t lwkt_getport(lwkt_port_t port);

/**
 * lwkt_forwardmsg - pass a received message on to another port
 * @port:	the new target port, of any CPU
 * @msg:	a message the caller received and has not replied; its reply
 *		port is unchanged, so the new receiver's reply goes to the
 *		original sender
 *
 * Return: 0.
 */
int lwkt_forwardmsg(lwkt_port_t port, lwkt_msg_t msg);

/**
 * lwkt_abortmsg - ask for @msg to be aborted
 * @msg:	a message in flight, sent with MSGF_ABORTABLE
 *
 * Asynchronous: chases the message to the CPU of the port it is on (see
 * the top of this header for the outcomes). A message not ABORTABLE, or
 * already replied, is left alone. The reply still comes as usual.
 *
 * The request may still be in flight when the reply lands: every way the
 * reply is collected (lwkt_waitmsg(), lwkt_waitport(), lwkt_getport())
 * waits until it has run, so it can never act on the message's next use
 * nor touch freed memory. Abort only from the thread that collects the
 * reply (or before it does).
 */
void lwkt_abortmsg(lwkt_msg_t msg);

/**
 * lwkt_msg_aborted - has an abort reached @msg?
 * @msg:	a message in service
 *
 * Return: 1 if MSGF_ABORTED is set, else 0.
 */
static inline int lwkt_msg_aborted(lwkt_msg_t msg)
{
	/* Pairs with abort_ipi()'s lwkt_try_cmpxchg() of ms_flags. */
	return (lwkt_load_acquire(&msg->ms_flags) &
		MSGF_ABORTED) != 0;
}

LWKT_EXTERN_C_END

#endif /* LWKT_MSGPORT_H */
