// SPDX-License-Identifier: GPL-2.0
/*
 * Message ports (Documentation/design.rst, "Message ports") with real CPUs and
 * real IPIs: domsg and sendmsg to a server on the same CPU and on another one,
 * the flags a message carries at each step (received: not QUEUED, not REPLY;
 * replied: DONE and REPLY, ASYNC for sendmsg), replies collected by waitmsg
 * and by waitport on the reply port, and aborts: of a message still queued
 * (the abort replies it, -LWKT_ECONNABORTED) and of one in service (the server
 * sees it aborted and replies), each replied exactly once; an abort that does
 * not apply (not ABORTABLE, already replied) changes nothing.
 *
 * A server is an LWKT thread looping on lwkt_waitport() of its own port.
 * LWKT-side code records what it saw; the KUnit case checks it afterwards.
 */
#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/smp.h>

#include <lwkt/msgport.h>

#include "lwkt_kunit.h"

#define MP_JOB_SECS	120
#define MP_NASYNC	16

enum { MP_QUIT = 1, MP_ECHO, MP_WAIT_ABORT, MP_FORWARD };

#define MP_ECHO_ERR	5	/* the error an echo is replied with */
#define MP_ABORTED_ERR	7	/* in service, seen aborted */
#define MP_NOT_ABORTED_ERR 9	/* in service, not aborted in time */

static u32 mp_flags(struct lwkt_msg *msg)
{
	return __atomic_load_n(&msg->ms_flags, __ATOMIC_ACQUIRE);
}

/* --- the server --- */

struct mp_srv {
	int cpu;
	bool hold;		/* wait for @go before serving */
	u64 abort_wait_ns;	/* MP_WAIT_ABORT: how long to wait for it */
	lwkt_port_t fwd_port;	/* MP_FORWARD: where to (as MP_ECHO) */
	int forwarded;
	lwkt_port_t port;
	thread_t td;
	atomic_t ready, go, in_service;
	int served, quit;
	int wrong_cpu;
	int rx_bad_flags;	/* received with QUEUED, REPLY or DONE */
	int rx_async;		/* received with ASYNC */
	u32 rx_service_flags;	/* the MP_WAIT_ABORT message, at receipt */
	int null_waits;
};

/* Let a held server go (from LWKT or Linux context). */
static void mp_release(struct mp_srv *s)
{
	thread_t td;

	atomic_set(&s->go, 1);
	td = READ_ONCE(s->td);
	if (td)
		lwkt_schedule(td);
}

static void mp_server(void *arg)
{
	struct mp_srv *s = arg;
	struct lwkt_msg *msg;
	u64 end;
	u32 f;

	s->port = &curthread->td_msgport;
	WRITE_ONCE(s->td, curthread);
	smp_wmb();	/* port and td before ready */
	atomic_set(&s->ready, 1);
	/*
	 * Hold: block (not a yield loop) until the client lets us go. A
	 * thread created from Linux context (the client's job) is made by
	 * its CPU's idle loop, which a yielding thread never lets run.
	 */
	if (s->hold)
		lk_block_until(&s->go, 1);
	while (!s->quit) {
		msg = lwkt_waitport(s->port);
		if (!msg) {
			if (++s->null_waits > 1000)
				break;
			continue;
		}
		s->served++;
		if (smp_processor_id() != s->cpu)
			s->wrong_cpu++;
		f = mp_flags(msg);
		if (f & (MSGF_QUEUED | MSGF_REPLY | MSGF_DONE))
			s->rx_bad_flags++;
		if (f & MSGF_ASYNC)
			s->rx_async++;
		switch (msg->ms_cmd) {
		case MP_QUIT:
			s->quit = 1;
			lwkt_replymsg(msg, 0);
			break;
		case MP_ECHO:
			msg->ms_result = msg->ms_arg * 2;
			lwkt_replymsg(msg, MP_ECHO_ERR);
			break;
		case MP_WAIT_ABORT:
			s->rx_service_flags = f;
			atomic_set(&s->in_service, 1);
			end = ktime_get_ns() + s->abort_wait_ns;
			while (!lwkt_msg_aborted(msg) && ktime_get_ns() < end) {
				lwkt_yield();
				cpu_relax();
			}
			lwkt_replymsg(msg, lwkt_msg_aborted(msg) ?
				      MP_ABORTED_ERR : MP_NOT_ABORTED_ERR);
			break;
		case MP_FORWARD:
			/* Not ours to reply: the next server's reply goes
			 * straight to the sender. */
			msg->ms_cmd = MP_ECHO;
			s->forwarded++;
			if (lwkt_forwardmsg(s->fwd_port, msg))
				lwkt_replymsg(msg, -2);
			break;
		default:
			lwkt_replymsg(msg, -1);
			break;
		}
	}
}

/* The client's context: the server, and what the client saw. */
struct mp_case {
	struct mp_srv srv;
	int cpu_c;
	struct lwkt_msg msgs[MP_NASYNC];
	struct lwkt_msg quit;
	int rounds;
	/* domsg / sendmsg */
	int bad_ret, bad_result, bad_flags, done;
	int collected, dup, leftover;
	/* aborts */
	u32 send_flags;		/* mp_abort_service_client()'s message */
	int abort_ret, abort_queued_seen;
	u32 abort_flags, flags_after_late_abort;
	int quit_ret;
	const char *timed_out;
};

static void mp_init(struct mp_case *c, struct lwkt_msg *msg, u32 cmd,
		    u64 arg, int flags)
{
	lwkt_initmsg(msg, &curthread->td_msgport, flags);
	msg->ms_cmd = cmd;
	msg->ms_arg = arg;
}

/* Stop the server (domsg MP_QUIT), then nothing may be left for us. */
static void mp_finish(struct mp_case *c)
{
	mp_init(c, &c->quit, MP_QUIT, 0, 0);
	c->quit_ret = lwkt_domsg(c->srv.port, &c->quit);
	/*
	 * Every reply the server's CPU sent us came before the quit's (one
	 * FIFO per CPU pair): a second reply of anything would be queued on
	 * our port by now.
	 */
	while (lwkt_getport(&curthread->td_msgport))
		c->leftover++;
}

static bool mp_start(struct mp_case *c)
{
	if (!lk_wait_atomic(&c->srv.ready, 1)) {
		lk_timed_out(&c->timed_out, "the server to be ready");
		return false;
	}
	return true;
}

/* --- domsg, local and remote --- */

static void mp_domsg_client(void *arg)
{
	struct mp_case *c = arg;
	struct lwkt_msg *msg = &c->msgs[0];
	int i, ret;
	u32 f;

	if (!mp_start(c))
		return;
	for (i = 0; i < c->rounds; i++) {
		mp_init(c, msg, MP_ECHO, i + 1, 0);
		ret = lwkt_domsg(c->srv.port, msg);
		f = mp_flags(msg);
		if (ret != MP_ECHO_ERR || msg->ms_error != MP_ECHO_ERR)
			c->bad_ret++;
		if (msg->ms_result != (u64)(i + 1) * 2)
			c->bad_result++;
		if ((f & (MSGF_DONE | MSGF_REPLY)) != (MSGF_DONE | MSGF_REPLY) ||
		    (f & (MSGF_QUEUED | MSGF_ASYNC | MSGF_ABORTED)))
			c->bad_flags++;
		c->done++;
	}
	mp_finish(c);
}

static void mp_run(struct kunit *test, struct mp_case *c, int cpu_s,
		   void (*client)(void *))
{
	struct lk_job j[2] = {
		LK_JOB(cpu_s, mp_server, &c->srv, "mp-server"),
		LK_JOB(c->cpu_c, client, c, "mp-client"),
	};

	c->srv.cpu = cpu_s;
	lk_jobs_start(test, j, 2);
	lk_jobs_wait(test, &j[1], 1, MP_JOB_SECS);
	if (c->srv.hold && !atomic_read(&c->srv.go)) {
		/* The client gave up early: let the server go too. */
		mp_release(&c->srv);
	}
	lk_jobs_wait(test, &j[0], 1, MP_JOB_SECS);
	lk_expect_in_time(test, c->timed_out);
	KUNIT_EXPECT_EQ(test, c->srv.quit, 1);
	KUNIT_EXPECT_EQ(test, c->quit_ret, 0);
	KUNIT_EXPECT_EQ(test, c->srv.wrong_cpu, 0);
	KUNIT_EXPECT_EQ(test, c->srv.rx_bad_flags, 0);
	KUNIT_EXPECT_EQ(test, c->srv.null_waits, 0);
	KUNIT_EXPECT_EQ(test, c->leftover, 0);
}

/*
 * The client on the first hosted CPU; the server there too (@remote
 * false) or on the second. Returns NULL after kunit_skip().
 */
static struct mp_case *mp_case_new(struct kunit *test, bool remote,
				   int *cpu_s)
{
	struct mp_case *c;
	int cpus[2], n;

	n = lk_hosted_cpus(cpus, 2);
	if (remote && n < 2)
		kunit_skip(test, "needs 2 hosted CPUs");
	c = lk_zalloc(test, sizeof(*c));
	c->cpu_c = cpus[0];
	*cpu_s = remote ? cpus[1] : cpus[0];
	c->srv.abort_wait_ns = LK_WAIT_NS;
	return c;
}

static void mp_domsg(struct kunit *test, bool remote)
{
	struct mp_case *c;
	int cpu_s;

	c = mp_case_new(test, remote, &cpu_s);
	c->rounds = 300;
	mp_run(test, c, cpu_s, mp_domsg_client);
	KUNIT_EXPECT_EQ(test, c->done, c->rounds);
	KUNIT_EXPECT_EQ(test, c->bad_ret, 0);
	KUNIT_EXPECT_EQ(test, c->bad_result, 0);
	KUNIT_EXPECT_EQ(test, c->bad_flags, 0);
	KUNIT_EXPECT_EQ(test, c->srv.served, c->rounds + 1);
	KUNIT_EXPECT_EQ(test, c->srv.rx_async, 0);
}

static void lwkt_msgport_domsg_local(struct kunit *test)
{
	mp_domsg(test, false);
}

static void lwkt_msgport_domsg_remote(struct kunit *test)
{
	mp_domsg(test, true);
}

/*
 * --- sendmsg, local and remote: MP_NASYNC in flight at once, collected
 * by waitmsg (in send order), then again by waitport on the reply port ---
 */

static void mp_check_async(struct mp_case *c, struct lwkt_msg *msg)
{
	u32 f = mp_flags(msg);

	if (msg->ms_error != MP_ECHO_ERR)
		c->bad_ret++;
	if (msg->ms_result != msg->ms_arg * 2)
		c->bad_result++;
	if ((f & (MSGF_DONE | MSGF_REPLY | MSGF_ASYNC)) !=
	    (MSGF_DONE | MSGF_REPLY | MSGF_ASYNC) ||
	    (f & (MSGF_QUEUED | MSGF_ABORTED)))
		c->bad_flags++;
}

static void mp_sendmsg_client(void *arg)
{
	struct mp_case *c = arg;
	u32 seen = 0;
	int r, i, ret;

	if (!mp_start(c))
		return;
	for (r = 0; r < c->rounds; r++) {
		for (i = 0; i < MP_NASYNC; i++) {
			mp_init(c, &c->msgs[i], MP_ECHO, r * 100 + i + 1, 0);
			lwkt_sendmsg(c->srv.port, &c->msgs[i]);
		}
		for (i = 0; i < MP_NASYNC; i++) {
			ret = lwkt_waitmsg(&c->msgs[i]);
			if (ret != MP_ECHO_ERR)
				c->bad_ret++;
			mp_check_async(c, &c->msgs[i]);
			c->done++;
		}
	}
	/* The replies queue on our port: collect them with waitport. */
	for (i = 0; i < MP_NASYNC; i++) {
		mp_init(c, &c->msgs[i], MP_ECHO, 1000 + i, 0);
		lwkt_sendmsg(c->srv.port, &c->msgs[i]);
	}
	for (i = 0; i < MP_NASYNC; i++) {
		struct lwkt_msg *m = lwkt_waitport(&curthread->td_msgport);
		int k;

		if (!m) {
			lk_timed_out(&c->timed_out,
				     "a reply on our port (waitport gave none)");
			break;
		}
		k = m - c->msgs;
		if (k < 0 || k >= MP_NASYNC) {
			c->bad_result++;
			continue;
		}
		if (seen & (1u << k))
			c->dup++;
		seen |= 1u << k;
		mp_check_async(c, m);
		c->collected++;
	}
	mp_finish(c);
}

static void mp_sendmsg(struct kunit *test, bool remote)
{
	struct mp_case *c;
	int cpu_s;

	c = mp_case_new(test, remote, &cpu_s);
	c->rounds = 20;
	mp_run(test, c, cpu_s, mp_sendmsg_client);
	KUNIT_EXPECT_EQ(test, c->done, c->rounds * MP_NASYNC);
	KUNIT_EXPECT_EQ(test, c->collected, MP_NASYNC);
	KUNIT_EXPECT_EQ(test, c->dup, 0);
	KUNIT_EXPECT_EQ(test, c->bad_ret, 0);
	KUNIT_EXPECT_EQ(test, c->bad_result, 0);
	KUNIT_EXPECT_EQ(test, c->bad_flags, 0);
	KUNIT_EXPECT_EQ(test, c->srv.served, (c->rounds + 1) * MP_NASYNC + 1);
	KUNIT_EXPECT_EQ(test, c->srv.rx_async, (c->rounds + 1) * MP_NASYNC);
}

static void lwkt_msgport_sendmsg_local(struct kunit *test)
{
	mp_sendmsg(test, false);
}

static void lwkt_msgport_sendmsg_remote(struct kunit *test)
{
	mp_sendmsg(test, true);
}

/*
 * --- abort of a queued message: the server is busy elsewhere (it has
 * not called waitport yet), the message sits on its queue; the abort
 * takes it off and replies it itself ---
 */

static void mp_abort_queued_client(void *arg)
{
	struct mp_case *c = arg;
	struct lwkt_msg *msg = &c->msgs[0];
	u64 end;

	if (!mp_start(c))
		return;
	mp_init(c, msg, MP_ECHO, 1, MSGF_ABORTABLE);
	lwkt_sendmsg(c->srv.port, msg);
	/* Remote: the put travels by IPI. */
	end = ktime_get_ns() + LK_WAIT_NS;
	while (!(mp_flags(msg) & MSGF_QUEUED) && ktime_get_ns() < end) {
		lwkt_yield();
		cpu_relax();
	}
	c->abort_queued_seen = !!(mp_flags(msg) & MSGF_QUEUED);
	lwkt_abortmsg(msg);
	c->abort_ret = lwkt_waitmsg(msg);
	c->abort_flags = mp_flags(msg);
	/* Replied: a second abort is too late and changes nothing. */
	lwkt_abortmsg(msg);
	c->flags_after_late_abort = mp_flags(msg);
	mp_release(&c->srv);
	mp_finish(c);
}

static void mp_abort_queued(struct kunit *test, bool remote)
{
	struct mp_case *c;
	int cpu_s;

	c = mp_case_new(test, remote, &cpu_s);
	c->srv.hold = true;
	mp_run(test, c, cpu_s, mp_abort_queued_client);
	KUNIT_EXPECT_EQ(test, c->abort_queued_seen, 1);
	KUNIT_EXPECT_EQ(test, c->abort_ret, -LWKT_ECONNABORTED);
	KUNIT_EXPECT_EQ(test, c->abort_flags & (MSGF_ABORTED | MSGF_DONE |
						MSGF_REPLY | MSGF_ASYNC |
						MSGF_QUEUED),
			(u32)(MSGF_ABORTED | MSGF_DONE | MSGF_REPLY |
			      MSGF_ASYNC));
	KUNIT_EXPECT_EQ(test, c->flags_after_late_abort, c->abort_flags);
	/* The server never saw it: it served the quit only. */
	KUNIT_EXPECT_EQ(test, c->srv.served, 1);
}

static void lwkt_msgport_abort_queued_local(struct kunit *test)
{
	mp_abort_queued(test, false);
}

static void lwkt_msgport_abort_queued_remote(struct kunit *test)
{
	mp_abort_queued(test, true);
}

/*
 * --- abort of a message in service: the server received it and polls
 * lwkt_msg_aborted(); it replies once, with the error that says it saw
 * the abort. A message sent without MSGF_ABORTABLE is left alone ---
 */

/* Abort an MP_WAIT_ABORT message in service, sent with c->send_flags. */
static void mp_abort_service_client(void *arg)
{
	struct mp_case *c = arg;
	struct lwkt_msg *msg = &c->msgs[0];

	if (!mp_start(c))
		return;
	mp_init(c, msg, MP_WAIT_ABORT, 1, c->send_flags);
	lwkt_sendmsg(c->srv.port, msg);
	if (!lk_wait_atomic(&c->srv.in_service, 1))
		lk_timed_out(&c->timed_out, "the server to take the message");
	lwkt_abortmsg(msg);	/* seen by the server; unless not ABORTABLE */
	c->abort_ret = lwkt_waitmsg(msg);
	c->abort_flags = mp_flags(msg);
	if (c->send_flags & MSGF_ABORTABLE) {
		/* Replied: a second abort is too late and changes nothing. */
		lwkt_abortmsg(msg);
		c->flags_after_late_abort = mp_flags(msg);
	}
	mp_finish(c);
}

static void mp_abort_service(struct kunit *test, bool remote)
{
	struct mp_case *c;
	int cpu_s;

	c = mp_case_new(test, remote, &cpu_s);
	c->send_flags = MSGF_ABORTABLE;
	mp_run(test, c, cpu_s, mp_abort_service_client);
	KUNIT_EXPECT_EQ(test, c->abort_ret, MP_ABORTED_ERR);
	KUNIT_EXPECT_EQ(test, c->abort_flags & (MSGF_ABORTED | MSGF_DONE |
						MSGF_REPLY | MSGF_QUEUED),
			(u32)(MSGF_ABORTED | MSGF_DONE | MSGF_REPLY));
	KUNIT_EXPECT_EQ(test, c->flags_after_late_abort, c->abort_flags);
	/* In service: received, not aborted yet, not replied. */
	KUNIT_EXPECT_EQ(test, c->srv.rx_service_flags &
				      (MSGF_ABORTED | MSGF_QUEUED | MSGF_REPLY |
				       MSGF_DONE | MSGF_ABORTABLE),
			(u32)MSGF_ABORTABLE);
	KUNIT_EXPECT_EQ(test, c->srv.served, 2);
}

static void lwkt_msgport_abort_in_service_local(struct kunit *test)
{
	mp_abort_service(test, false);
}

static void lwkt_msgport_abort_in_service_remote(struct kunit *test)
{
	mp_abort_service(test, true);
}

static void lwkt_msgport_abort_not_abortable(struct kunit *test)
{
	struct mp_case *c;
	int cpu_s;

	c = mp_case_new(test, true, &cpu_s);
	/* The server gives the abort this long to arrive (it must not). */
	c->srv.abort_wait_ns = 100 * NSEC_PER_MSEC;
	mp_run(test, c, cpu_s, mp_abort_service_client);
	KUNIT_EXPECT_EQ(test, c->abort_ret, MP_NOT_ABORTED_ERR);
	KUNIT_EXPECT_EQ(test, c->abort_flags & MSGF_ABORTED, 0u);
	KUNIT_EXPECT_EQ(test, c->srv.served, 2);
}

/*
 * --- forwardmsg: the client's domsg goes to server A (second CPU), which
 * forwards it to server B (the client's CPU); B's reply reaches the
 * client directly ---
 */

struct mp_fwd {
	struct mp_case c;	/* c.srv: A */
	struct mp_srv b;
	struct lwkt_msg quit_b;
	int quit_b_ret;
};

static void mp_fwd_client(void *arg)
{
	struct mp_fwd *f = arg;
	struct mp_case *c = &f->c;
	struct lwkt_msg *msg = &c->msgs[0];
	int i, ret;
	u32 fl;

	if (!mp_start(c))
		return;
	if (!lk_wait_atomic(&f->b.ready, 1)) {
		lk_timed_out(&c->timed_out, "server B to be ready");
		return;
	}
	c->srv.fwd_port = f->b.port;
	for (i = 0; i < c->rounds; i++) {
		mp_init(c, msg, MP_FORWARD, i + 1, 0);
		ret = lwkt_domsg(c->srv.port, msg);
		fl = mp_flags(msg);
		if (ret != MP_ECHO_ERR)
			c->bad_ret++;
		if (msg->ms_result != (u64)(i + 1) * 2)
			c->bad_result++;
		if ((fl & (MSGF_DONE | MSGF_REPLY)) != (MSGF_DONE | MSGF_REPLY) ||
		    (fl & (MSGF_QUEUED | MSGF_ASYNC | MSGF_ABORTED)))
			c->bad_flags++;
		if (msg->ms_target_port != f->b.port)
			c->bad_flags++;
		c->done++;
	}
	mp_init(c, &f->quit_b, MP_QUIT, 0, 0);
	f->quit_b_ret = lwkt_domsg(f->b.port, &f->quit_b);
	mp_finish(c);
}

static void lwkt_msgport_forward_reply_goes_to_sender(struct kunit *test)
{
	struct lk_job jb;
	struct mp_fwd *f = lk_zalloc(test, sizeof(*f));
	int cpu_a;

	lk_need_two_cpus(test, &f->c.cpu_c, &cpu_a);
	f->c.rounds = 100;
	f->b.cpu = f->c.cpu_c;
	jb = LK_JOB(f->b.cpu, mp_server, &f->b, "mp-server-b");
	lk_jobs_start(test, &jb, 1);
	mp_run(test, &f->c, cpu_a, mp_fwd_client);
	lk_jobs_wait(test, &jb, 1, MP_JOB_SECS);
	KUNIT_EXPECT_EQ(test, f->c.done, f->c.rounds);
	KUNIT_EXPECT_EQ(test, f->c.bad_ret, 0);
	KUNIT_EXPECT_EQ(test, f->c.bad_result, 0);
	KUNIT_EXPECT_EQ(test, f->c.bad_flags, 0);
	KUNIT_EXPECT_EQ(test, f->c.srv.forwarded, f->c.rounds);
	KUNIT_EXPECT_EQ(test, f->c.srv.served, f->c.rounds + 1);
	KUNIT_EXPECT_EQ(test, f->b.served, f->c.rounds + 1);
	KUNIT_EXPECT_EQ(test, f->b.quit, 1);
	KUNIT_EXPECT_EQ(test, f->quit_b_ret, 0);
	KUNIT_EXPECT_EQ(test, f->b.wrong_cpu, 0);
	KUNIT_EXPECT_EQ(test, f->b.rx_bad_flags, 0);
}

static struct kunit_case lwkt_msgport_cases[] = {
	KUNIT_CASE(lwkt_msgport_domsg_local),
	KUNIT_CASE(lwkt_msgport_domsg_remote),
	KUNIT_CASE(lwkt_msgport_sendmsg_local),
	KUNIT_CASE(lwkt_msgport_sendmsg_remote),
	KUNIT_CASE(lwkt_msgport_abort_queued_local),
	KUNIT_CASE(lwkt_msgport_abort_queued_remote),
	KUNIT_CASE(lwkt_msgport_abort_in_service_local),
	KUNIT_CASE(lwkt_msgport_abort_in_service_remote),
	KUNIT_CASE(lwkt_msgport_abort_not_abortable),
	KUNIT_CASE(lwkt_msgport_forward_reply_goes_to_sender),
	{}
};

static struct kunit_suite lwkt_msgport_suite = {
	.name = "lwkt_msgport",
	.test_cases = lwkt_msgport_cases,
};

kunit_test_suites(&lwkt_msgport_suite);
