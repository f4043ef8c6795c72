// SPDX-License-Identifier: GPL-2.0
// Message ports (include/lwkt/msgport.h, Documentation/design.rst,
// "Message ports"): domsg to a server of the same and of another CPU, sendmsg
// with waitmsg or waitport, getport, error propagation, forwarding, the flags
// of each stage, many clients against one server, and aborts (queued, in
// service, after the reply, not abortable, raced from another CPU).
#include <atomic>
#include <chrono>
#include <functional>
#include <set>
#include <utility>
#include <vector>

#include <lwkt/ipiq.h>
#include <lwkt/msgport.h>
#include <lwkt/wait.h>

#include "log_capture.h"
#include "xcpu_helpers.h"

namespace {

using namespace xt;

constexpr u32 kEcho = 1;
constexpr u32 kQuit = 99;

u32 flags(const struct lwkt_msg *m)
{
	return __atomic_load_n(&m->ms_flags, __ATOMIC_ACQUIRE);
}

u64 result_of(u64 arg)
{
	return arg * 3 + 1;
}

int error_of(u64 arg)
{
	return static_cast<int>(arg % 5);
}

// An echo server: replies result_of(arg) with error_of(arg) until kQuit.
// Records what it saw; its own fields are written by the server only and
// read by others after a reply (ordered by the message's flags).
struct Server {
	std::atomic<thread_t> td{nullptr};
	std::atomic<int> served{0};
	std::atomic<int> bad_flags{0};	// QUEUED/REPLY/DONE set on receipt
	std::atomic<int> wrong_cpu{0};
	std::atomic<int> done{0};
	std::atomic<u32> last_flags{0};
	int cpu = -1;
};

// The loop of a server thread on its own port: receipt(m) sees every
// message first, then a kQuit is replied 0 and ends the loop, any other
// goes to handle(m), which replies (or forwards) it. *done is set once
// the loop ended.
template <typename Handle, typename Receipt>
void serve_port(std::atomic<int> *done, Handle handle, Receipt receipt)
{
	struct lwkt_port *port = &curthread->td_msgport;

	for (;;) {
		struct lwkt_msg *m = lwkt_waitport(port);

		if (!m)
			continue;
		receipt(m);
		if (m->ms_cmd == kQuit) {
			lwkt_replymsg(m, 0);
			break;
		}
		handle(m);
	}
	*done = 1;
}

template <typename Handle>
void serve_port(std::atomic<int> *done, Handle handle)
{
	serve_port(done, handle, [](struct lwkt_msg *) {});
}

void serve(Server *sv)
{
	sv->cpu = mycpu->gd_cpuid;
	sv->td = curthread;
	serve_port(&sv->done, [sv](struct lwkt_msg *m) {
		m->ms_result = result_of(m->ms_arg);
		sv->served.fetch_add(1);
		lwkt_replymsg(m, error_of(m->ms_arg));
	}, [sv](struct lwkt_msg *m) {
		u32 f = flags(m);

		sv->last_flags = f;
		if (f & (MSGF_QUEUED | MSGF_REPLY | MSGF_DONE))
			sv->bad_flags.fetch_add(1);
		if (mycpu->gd_cpuid != sv->cpu)
			sv->wrong_cpu.fetch_add(1);
	});
}

thread_t start_server(int cpu, Server *sv, const char *name = "server")
{
	thread_t td = spawn_on(cpu, [sv] { serve(sv); }, 0, name);

	EXPECT_NE(td, nullptr);
	return td;
}

// From an LWKT thread: stop a server with a kQuit message, wait for it.
void stop_server(struct lwkt_port *port, std::atomic<int> *done)
{
	struct lwkt_msg q;

	lwkt_initmsg(&q, &curthread->td_msgport, 0);
	q.ms_cmd = kQuit;
	EXPECT_EQ(lwkt_domsg(port, &q), 0);
	EXPECT_TRUE(wait_for([done] { return done->load() != 0; }));
}

// A thread that never runs until the end: its port is a mailbox nobody
// receives from. Let it run (and exit) with lwkt_schedule().
thread_t make_mailbox(int cpu)
{
	return spawn_on(cpu, [] {}, TDF_STOPREQ, "mailbox");
}

} // namespace

// The core's log is captured; an echo server for the tests that want one.
template <int N>
class MsgportOn : public LwktLogTest<N> {
protected:
	// run() body(server thread, its port, this thread's port) against sv_
	// started on @cpu (-1: the body's own); stopped once the body returned.
	template <typename F>
	void run_with_server(int cpu, F body)
	{
		this->run([&] {
			thread_t std_ = start_server(cpu, &sv_);
			struct lwkt_port *sport = &std_->td_msgport;

			body(std_, sport, &curthread->td_msgport);
			stop_server(sport, &sv_.done);
		});
	}

	// run() body(mailbox port, this thread's port) with a mailbox of this
	// CPU, let go once the body returned.
	template <typename F>
	void run_with_mailbox(F body)
	{
		this->run([&] {
			thread_t mb = make_mailbox(-1);

			body(&mb->td_msgport, &curthread->td_msgport);
			lwkt_schedule(mb);	// let the mailbox thread exit
			lwkt_yield();
		});
	}

	Server sv_;
};

using Msgport = MsgportOn<1>;
using Msgport2 = MsgportOn<2>;
using Msgport3 = MsgportOn<3>;

// domsg to a server of the same CPU: the server's result and error come
// back, the message ends DONE|REPLY, never ASYNC; nothing is left queued.
TEST_F(Msgport, DomsgToAServerOfTheSameCpu)
{
	run_with_server(-1, [&](thread_t std_, struct lwkt_port *sport,
			        struct lwkt_port *me) {
		struct lwkt_msg m;

		EXPECT_EQ(me->mp_td, curthread);
		EXPECT_EQ(sport->mp_td, std_);
		lwkt_initmsg(&m, me, 0);
		EXPECT_EQ(flags(&m), 0u);
		EXPECT_EQ(m.ms_reply_port, me);
		EXPECT_EQ(m.ms_error, 0);
		for (u64 arg = 0; arg < 12; ++arg) {
			m.ms_cmd = kEcho;
			m.ms_arg = arg;
			m.ms_result = 0;
			EXPECT_EQ(lwkt_domsg(sport, &m), error_of(arg));
			EXPECT_EQ(m.ms_error, error_of(arg));
			EXPECT_EQ(m.ms_result, result_of(arg));
			EXPECT_EQ(flags(&m), (u32)(MSGF_DONE | MSGF_REPLY));
			EXPECT_EQ(m.ms_target_port, sport);
			EXPECT_EQ(m.ms_reply_port, me);
		}
		EXPECT_EQ(lwkt_getport(me), nullptr);
	});
	EXPECT_EQ(sv_.served.load(), 12);
	EXPECT_EQ(sv_.bad_flags.load(), 0);
	EXPECT_EQ(sv_.wrong_cpu.load(), 0);
	EXPECT_EQ(sv_.cpu, 0);
}

// The same with the server on another CPU: put and reply go by IPI.
TEST_F(Msgport2, DomsgToAServerOfAnotherCpu)
{
	const int n = 2000 / kScale;

	run_with_server(1, [&](thread_t, struct lwkt_port *sport,
			       struct lwkt_port *) {
		struct lwkt_msg m;
		int bad = 0;

		lwkt_initmsg(&m, &curthread->td_msgport, 0);
		for (int i = 0; i < n; ++i) {
			m.ms_cmd = kEcho;
			m.ms_arg = 1000 + i;
			int e = lwkt_domsg(sport, &m);

			if (e != error_of(1000 + i) || m.ms_error != e ||
			    m.ms_result != result_of(1000 + i) ||
			    flags(&m) != (u32)(MSGF_DONE | MSGF_REPLY) ||
			    mycpu->gd_cpuid != 0)
				++bad;
		}
		EXPECT_EQ(bad, 0);
		EXPECT_EQ(lwkt_getport(&curthread->td_msgport), nullptr);
	});
	EXPECT_EQ(sv_.served.load(), n);
	EXPECT_EQ(sv_.bad_flags.load(), 0);
	EXPECT_EQ(sv_.wrong_cpu.load(), 0);
	EXPECT_EQ(sv_.cpu, 1);
}

// sendmsg is asynchronous (ASYNC); waitmsg collects the reply of the
// message asked for, even with other replies queued before it.
TEST_F(Msgport2, SendmsgThenWaitmsg)
{
	run_with_server(1, [&](thread_t, struct lwkt_port *sport,
			       struct lwkt_port *me) {
		struct lwkt_msg m[3];

		for (int i = 0; i < 3; ++i) {
			lwkt_initmsg(&m[i], me, 0);
			m[i].ms_cmd = kEcho;
			m[i].ms_arg = 21 + i;
			lwkt_sendmsg(sport, &m[i]);
			EXPECT_TRUE(flags(&m[i]) & MSGF_ASYNC);
			EXPECT_EQ(m[i].ms_target_port, sport);
		}
		// All replied and queued on our port before we ask.
		EXPECT_TRUE(wait_for([&] {
			return (flags(&m[0]) & flags(&m[1]) & flags(&m[2]) &
				MSGF_DONE) != 0;
		}));
		for (int i = 2; i >= 0; --i) {
			EXPECT_EQ(lwkt_waitmsg(&m[i]), error_of(21 + i));
			EXPECT_EQ(m[i].ms_result, result_of(21 + i));
			EXPECT_EQ(flags(&m[i]),
				  (u32)(MSGF_ASYNC | MSGF_DONE | MSGF_REPLY));
		}
		EXPECT_EQ(lwkt_getport(me), nullptr);

		// waitmsg sleeping for a reply still to come.
		lwkt_initmsg(&m[0], me, 0);
		m[0].ms_cmd = kEcho;
		m[0].ms_arg = 33;
		lwkt_sendmsg(sport, &m[0]);
		EXPECT_EQ(lwkt_waitmsg(&m[0]), error_of(33));
		EXPECT_EQ(m[0].ms_result, result_of(33));
		EXPECT_FALSE(flags(&m[0]) & MSGF_QUEUED);
		EXPECT_EQ(lwkt_getport(me), nullptr);

		// The same message sent again with domsg: ASYNC cleared.
		m[0].ms_arg = 34;
		EXPECT_EQ(lwkt_domsg(sport, &m[0]), error_of(34));
		EXPECT_EQ(flags(&m[0]), (u32)(MSGF_DONE | MSGF_REPLY));
	});
	EXPECT_EQ(sv_.served.load(), 5);
	EXPECT_EQ(sv_.bad_flags.load(), 0);
}

// Replies to asynchronous messages queue on the reply port: waitport
// returns each of them once, DONE and no longer QUEUED.
TEST_F(Msgport2, SendmsgThenWaitportOnTheReplyPort)
{
	run_with_server(1, [&](thread_t, struct lwkt_port *sport,
			       struct lwkt_port *me) {
		constexpr int kN = 16;
		struct lwkt_msg m[kN];
		std::set<struct lwkt_msg *> got;

		for (int i = 0; i < kN; ++i) {
			lwkt_initmsg(&m[i], me, 0);
			m[i].ms_cmd = kEcho;
			m[i].ms_arg = 100 + i;
			lwkt_sendmsg(sport, &m[i]);
		}
		for (int i = 0; i < kN; ++i) {
			struct lwkt_msg *r = lwkt_waitport(me);

			ASSERT_NE(r, nullptr);
			EXPECT_TRUE(r >= &m[0] && r < &m[kN]);
			EXPECT_TRUE(got.insert(r).second) << "replied twice";
			EXPECT_EQ(flags(r), (u32)(MSGF_ASYNC | MSGF_DONE | MSGF_REPLY));
			EXPECT_EQ(r->ms_error, error_of(r->ms_arg));
			EXPECT_EQ(r->ms_result, result_of(r->ms_arg));
		}
		EXPECT_EQ(got.size(), (size_t)kN);
		quiesce_ipiqs();
		EXPECT_EQ(lwkt_getport(me), nullptr);
	});
	EXPECT_EQ(sv_.served.load(), 16);
}

// getport on an empty and a non-empty port, and the flags at each stage
// of a message's life, all on one CPU (every step is synchronous).
TEST_F(Msgport, GetportAndTheFlagsOfEachStage)
{
	run_with_mailbox([](struct lwkt_port *box, struct lwkt_port *me) {
		struct lwkt_msg m, m2;

		EXPECT_EQ(lwkt_getport(box), nullptr);
		EXPECT_EQ(lwkt_getport(me), nullptr);

		lwkt_initmsg(&m, me, MSGF_ABORTABLE | MSGF_DONE | MSGF_QUEUED);
		EXPECT_EQ(flags(&m), (u32)MSGF_ABORTABLE);	// only ABORTABLE kept
		m.ms_cmd = kEcho;
		m.ms_arg = 5;
		lwkt_sendmsg(box, &m);
		EXPECT_EQ(flags(&m), (u32)(MSGF_ABORTABLE | MSGF_ASYNC | MSGF_QUEUED));
		EXPECT_EQ(m.ms_target_port, box);
		lwkt_initmsg(&m2, me, 0);
		lwkt_sendmsg(box, &m2);

		// FIFO; received: QUEUED cleared ("in service").
		EXPECT_EQ(lwkt_getport(box), &m);
		EXPECT_EQ(flags(&m), (u32)(MSGF_ABORTABLE | MSGF_ASYNC));
		EXPECT_EQ(lwkt_getport(box), &m2);
		EXPECT_EQ(lwkt_getport(box), nullptr);

		// Replied on the reply port's CPU: REPLY and DONE at once, and
		// queued there (ASYNC).
		lwkt_replymsg(&m, 9);
		EXPECT_EQ(m.ms_error, 9);
		EXPECT_EQ(flags(&m), (u32)(MSGF_ABORTABLE | MSGF_ASYNC | MSGF_QUEUED |
					   MSGF_REPLY | MSGF_DONE));
		lwkt_replymsg(&m2, -4);
		// waitmsg takes its own message off the port; getport the other.
		EXPECT_EQ(lwkt_waitmsg(&m), 9);
		EXPECT_EQ(flags(&m), (u32)(MSGF_ABORTABLE | MSGF_ASYNC | MSGF_REPLY |
					   MSGF_DONE));
		EXPECT_EQ(lwkt_getport(me), &m2);
		EXPECT_EQ(m2.ms_error, -4);
		EXPECT_EQ(flags(&m2), (u32)(MSGF_ASYNC | MSGF_REPLY | MSGF_DONE));
		EXPECT_EQ(lwkt_getport(me), nullptr);

		// Sent again: DONE and REPLY cleared.
		lwkt_sendmsg(box, &m);
		EXPECT_EQ(flags(&m), (u32)(MSGF_ABORTABLE | MSGF_ASYNC | MSGF_QUEUED));
		EXPECT_EQ(lwkt_getport(box), &m);
		lwkt_replymsg(&m, 0);
		EXPECT_EQ(lwkt_waitmsg(&m), 0);
	});
}

// A port of another CPU cannot be polled; domsg with someone else's reply
// port and waitport/waitmsg on a port we do not own are refused.
TEST_F(Msgport2, ForeignPortsAreRefused)
{
	run([] {
		thread_t here = make_mailbox(-1);
		thread_t there = make_mailbox(1);
		struct lwkt_msg m;

		EXPECT_EQ(lwkt_getport(&there->td_msgport), nullptr);
		EXPECT_EQ(lt::log_count("lwkt_getport"), 1u);

		lwkt_initmsg(&m, &here->td_msgport, 0);
		EXPECT_EQ(lwkt_domsg(&there->td_msgport, &m), -22);
		EXPECT_EQ(flags(&m), 0u);	// not sent
		EXPECT_EQ(lt::log_count("does not own the reply port"), 1u);
		EXPECT_EQ(lwkt_waitmsg(&m), -22);
		EXPECT_EQ(lt::log_count("does not own the reply port"), 2u);
		EXPECT_EQ(lwkt_waitport(&here->td_msgport), nullptr);
		EXPECT_EQ(lt::log_count("does not own the port"), 1u);
		EXPECT_EQ(lwkt_getport(&here->td_msgport), nullptr);

		lwkt_schedule(here);
		lwkt_schedule(there);
		lwkt_yield();
	});
}

// A server forwards a request to a second server on a third CPU; the
// reply goes straight back to the original sender, not to the forwarder.
TEST_F(Msgport3, ForwardmsgReplyGoesToTheOriginalSender)
{
	struct F {
		std::atomic<struct lwkt_port *> b_port{nullptr};
		std::atomic<struct lwkt_port *> client_port{nullptr};
		std::atomic<int> a_received{0}, a_done{0};
		std::atomic<int> b_bad{0}, b_served{0}, b_done{0};
		std::atomic<int> a_forwarded{0};
	} f;
	constexpr u64 kFwd = 2;

	run([&] {
		struct lwkt_port *me = &curthread->td_msgport;

		f.client_port = me;
		thread_t b = spawn_on(2, [&] {
			serve_port(&f.b_done, [&](struct lwkt_msg *m) {
				if (m->ms_reply_port != f.client_port.load() ||
				    m->ms_target_port != &curthread->td_msgport ||
				    mycpu->gd_cpuid != 2 ||
				    (flags(m) & (MSGF_QUEUED | MSGF_REPLY | MSGF_DONE)))
					f.b_bad.fetch_add(1);
				m->ms_result |= 2;
				f.b_served.fetch_add(1);
				lwkt_replymsg(m, 5);
			});
		}, 0, "b");
		f.b_port = &b->td_msgport;
		thread_t a = spawn_on(1, [&] {
			serve_port(&f.a_done, [&](struct lwkt_msg *m) {
				m->ms_result |= 1;
				EXPECT_EQ(lwkt_forwardmsg(f.b_port.load(), m), 0);
				f.a_forwarded.fetch_add(1);
			}, [&](struct lwkt_msg *) { f.a_received.fetch_add(1); });
		}, 0, "a");

		for (u64 i = 0; i < 20; ++i) {
			struct lwkt_msg m;

			lwkt_initmsg(&m, me, 0);
			m.ms_cmd = kFwd;
			m.ms_result = 0;
			if (i & 1) {
				EXPECT_EQ(lwkt_domsg(&a->td_msgport, &m), 5);
			} else {
				lwkt_sendmsg(&a->td_msgport, &m);
				EXPECT_EQ(lwkt_waitmsg(&m), 5);
			}
			EXPECT_EQ(m.ms_result, 3u);
			EXPECT_EQ(m.ms_target_port, f.b_port.load());
			EXPECT_EQ(m.ms_reply_port, me);
			EXPECT_TRUE(flags(&m) & MSGF_DONE);
		}
		quiesce_ipiqs();
		EXPECT_EQ(lwkt_getport(me), nullptr);
		// The forwarder received only the requests: no reply came to it.
		EXPECT_EQ(f.a_received.load(), 20);
		stop_server(&a->td_msgport, &f.a_done);
		stop_server(f.b_port.load(), &f.b_done);
	});
	EXPECT_EQ(f.a_received.load(), 21);
	EXPECT_EQ(f.a_forwarded.load(), 20);
	EXPECT_EQ(f.b_served.load(), 20);
	EXPECT_EQ(f.b_bad.load(), 0);
}

// Several clients on every CPU against one server, each request with its
// own payload: every reply matches its request.
TEST_F(Msgport3, ManyClientsOnSeveralCpusOneServer)
{
	static Server sv;
	const int per_client = 1500 / kScale;
	const int nclients = 6;
	std::atomic<struct lwkt_port *> sport{nullptr};
	std::atomic<int> bad{0}, wrong_cpu{0};
	std::vector<std::pair<int, std::function<void()>>> jobs;

	sv.served = 0;
	sv.done = 0;
	sv.bad_flags = 0;
	sv.wrong_cpu = 0;
	lwkt_user_run(2, TDPRI_KERN_DAEMON, [](void *a) {
		thread_t td = start_server(-1, &sv);

		static_cast<std::atomic<struct lwkt_port *> *>(a)->store(&td->td_msgport);
	}, &sport);
	ASSERT_NE(sport.load(), nullptr);
	for (int k = 0; k < nclients; ++k)
		jobs.emplace_back(k % 3, [&, k] {
			struct lwkt_port *port = sport.load();
			int cpu = mycpu->gd_cpuid;

			for (int i = 0; i < per_client; ++i) {
				struct lwkt_msg m;
				u64 arg = (static_cast<u64>(k) << 32) | (u64)i;
				int e;

				lwkt_initmsg(&m, &curthread->td_msgport,
					     (i & 2) ? MSGF_ABORTABLE : 0);
				m.ms_cmd = kEcho;
				m.ms_arg = arg;
				if (i & 1) {
					e = lwkt_domsg(port, &m);
				} else {
					lwkt_sendmsg(port, &m);
					if (i % 4 == 0) {
						e = lwkt_waitmsg(&m);
					} else {
						struct lwkt_msg *r =
							lwkt_waitport(&curthread->td_msgport);
						e = r == &m ? r->ms_error : -1000;
					}
				}
				if (e != error_of(arg) || m.ms_result != result_of(arg) ||
				    m.ms_arg != arg || !(flags(&m) & MSGF_DONE) ||
				    (flags(&m) & (MSGF_QUEUED | MSGF_ABORTED)))
					bad.fetch_add(1);
				if (mycpu->gd_cpuid != cpu)
					wrong_cpu.fetch_add(1);
			}
		});
	run_parallel(std::move(jobs));
	run([&] { stop_server(sport.load(), &sv.done); }, TDPRI_KERN_DAEMON, 2);
	EXPECT_EQ(bad.load(), 0);
	EXPECT_EQ(wrong_cpu.load(), 0);
	EXPECT_EQ(sv.served.load(), per_client * nclients);
	EXPECT_EQ(sv.bad_flags.load(), 0);
	EXPECT_EQ(sv.wrong_cpu.load(), 0);
}

// Abort of a message still queued on a local port nobody receives from:
// taken off the queue and replied -LWKT_ECONNABORTED by the abort itself.
TEST_F(Msgport, AbortOfAQueuedMessageOnThisCpu)
{
	run_with_mailbox([](struct lwkt_port *box, struct lwkt_port *me) {
		struct lwkt_msg m, other;

		lwkt_initmsg(&other, me, MSGF_ABORTABLE);
		lwkt_sendmsg(box, &other);
		lwkt_initmsg(&m, me, MSGF_ABORTABLE);
		m.ms_cmd = kEcho;
		lwkt_sendmsg(box, &m);
		EXPECT_TRUE(flags(&m) & MSGF_QUEUED);
		lwkt_abortmsg(&m);
		EXPECT_EQ(m.ms_error, -LWKT_ECONNABORTED);
		EXPECT_EQ(flags(&m), (u32)(MSGF_ABORTABLE | MSGF_ABORTED | MSGF_ASYNC |
					   MSGF_REPLY | MSGF_DONE | MSGF_QUEUED));
		EXPECT_EQ(lwkt_waitmsg(&m), -LWKT_ECONNABORTED);
		EXPECT_FALSE(flags(&m) & MSGF_QUEUED);
		// Gone from the mailbox; the other message still there.
		EXPECT_EQ(lwkt_getport(box), &other);
		EXPECT_EQ(lwkt_getport(box), nullptr);
		EXPECT_FALSE(flags(&other) & MSGF_ABORTED);
		EXPECT_EQ(lwkt_getport(me), nullptr);	// one reply
		lwkt_abortmsg(&m);	// replied: nothing happens
		EXPECT_EQ(lwkt_getport(me), nullptr);
		lwkt_replymsg(&other, 0);
		EXPECT_EQ(lwkt_waitmsg(&other), 0);
	});
}

// Abort of a message queued on the port of a server of another CPU that
// is blocked elsewhere: replied aborted, exactly once; the server never
// sees it.
TEST_F(Msgport2, AbortOfAQueuedMessageWhileTheServerIsBlockedElsewhere)
{
	struct S {
		struct lwkt_wait w;
		std::atomic<int> go{0};
		std::atomic<int> s_checked{0};
		std::atomic<int> s_found{-1};
		Server sv;
	} s;

	lwkt_wait_init(&s.w);
	run([&] {
		struct lwkt_port *me = &curthread->td_msgport;
		thread_t std_ = spawn_on(1, [&] {
			while (!s.go.load()) {
				int gen = load(&s.w.wa_gen);

				if (!s.go.load())
					lwkt_block(&s.w, "elsewhere", &gen);
			}
			s.s_found = lwkt_getport(&curthread->td_msgport) != nullptr;
			s.s_checked = 1;
			serve(&s.sv);
		}, 0, "busy");
		struct lwkt_port *sport = &std_->td_msgport;
		struct lwkt_msg m;

		ASSERT_TRUE(wait_for([&] { return load(&s.w.wa_count) == 1; }));
		lwkt_initmsg(&m, me, MSGF_ABORTABLE);
		m.ms_cmd = kEcho;
		m.ms_arg = 1;
		lwkt_sendmsg(sport, &m);
		ASSERT_TRUE(wait_for([&] { return (flags(&m) & MSGF_QUEUED) != 0; }));
		EXPECT_FALSE(flags(&m) & (MSGF_ABORTED | MSGF_REPLY | MSGF_DONE));
		lwkt_abortmsg(&m);
		EXPECT_EQ(lwkt_waitmsg(&m), -LWKT_ECONNABORTED);
		EXPECT_EQ(flags(&m), (u32)(MSGF_ABORTABLE | MSGF_ABORTED | MSGF_ASYNC |
					   MSGF_REPLY | MSGF_DONE));
		quiesce_ipiqs();
		EXPECT_EQ(lwkt_getport(me), nullptr);

		s.go = 1;
		lwkt_signal(&s.w, -1);
		EXPECT_TRUE(wait_for([&] { return s.s_checked.load() != 0; }));
		EXPECT_EQ(s.s_found.load(), 0);
		stop_server(sport, &s.sv.done);
		EXPECT_EQ(lwkt_getport(me), nullptr);
	});
	EXPECT_EQ(s.sv.served.load(), 0);
}

// Abort of a message in service: the server sees lwkt_msg_aborted() and
// replies it once, with its own error.
TEST_F(Msgport2, AbortOfAMessageInService)
{
	struct S {
		std::atomic<int> in_service{0};
		std::atomic<int> at_receipt{-1}, saw{-1};
		std::atomic<int> replies{0}, done{0};
	} s;

	run([&] {
		struct lwkt_port *me = &curthread->td_msgport;
		thread_t std_ = spawn_on(1, [&] {
			serve_port(&s.done, [&](struct lwkt_msg *m) {
				s.at_receipt = lwkt_msg_aborted(m);
				s.in_service = 1;
				s.saw = wait_for([m] { return lwkt_msg_aborted(m) != 0; });
				m->ms_result = 77;
				s.replies.fetch_add(1);
				lwkt_replymsg(m, 42);
			});
		}, 0, "server");
		struct lwkt_msg m;

		lwkt_initmsg(&m, me, MSGF_ABORTABLE);
		m.ms_cmd = kEcho;
		lwkt_sendmsg(&std_->td_msgport, &m);
		ASSERT_TRUE(wait_for([&] { return s.in_service.load() != 0; }));
		EXPECT_FALSE(flags(&m) & (MSGF_QUEUED | MSGF_REPLY | MSGF_DONE));
		lwkt_abortmsg(&m);
		EXPECT_EQ(lwkt_waitmsg(&m), 42);
		EXPECT_EQ(m.ms_result, 77u);
		EXPECT_EQ(flags(&m), (u32)(MSGF_ABORTABLE | MSGF_ABORTED | MSGF_ASYNC |
					   MSGF_REPLY | MSGF_DONE));
		quiesce_ipiqs();
		EXPECT_EQ(lwkt_getport(me), nullptr);
		stop_server(&std_->td_msgport, &s.done);
	});
	EXPECT_EQ(s.at_receipt.load(), 0);
	EXPECT_EQ(s.saw.load(), 1);
	EXPECT_EQ(s.replies.load(), 1);
}

// Abort after the reply (collected, or back but not collected yet): no
// effect on the flags, the error or the number of replies.
TEST_F(Msgport2, AbortAfterTheReplyHasNoEffect)
{
	run_with_server(1, [&](thread_t, struct lwkt_port *sport,
			       struct lwkt_port *me) {
		struct lwkt_msg m;

		lwkt_initmsg(&m, me, MSGF_ABORTABLE);
		m.ms_cmd = kEcho;
		m.ms_arg = 3;
		EXPECT_EQ(lwkt_domsg(sport, &m), 3);
		u32 before = flags(&m);
		lwkt_abortmsg(&m);
		quiesce_ipiqs();
		EXPECT_EQ(flags(&m), before);
		EXPECT_FALSE(flags(&m) & MSGF_ABORTED);
		EXPECT_EQ(m.ms_error, 3);
		EXPECT_EQ(lwkt_getport(me), nullptr);

		// Replied and queued on our port, not collected yet.
		m.ms_arg = 4;
		lwkt_sendmsg(sport, &m);
		ASSERT_TRUE(wait_for([&] { return (flags(&m) & MSGF_DONE) != 0; }));
		before = flags(&m);
		EXPECT_TRUE(before & MSGF_QUEUED);
		lwkt_abortmsg(&m);
		quiesce_ipiqs();
		EXPECT_EQ(flags(&m), before);
		EXPECT_EQ(lwkt_waitmsg(&m), 4);
		EXPECT_EQ(m.ms_result, result_of(4));
		EXPECT_EQ(lwkt_getport(me), nullptr);
	});
	EXPECT_EQ(sv_.served.load(), 2);
}

// A message sent without MSGF_ABORTABLE: abortmsg does nothing, queued or
// in service; it is served and replied as usual.
TEST_F(Msgport2, AbortOfANonAbortableMessageHasNoEffect)
{
	struct S {
		std::atomic<int> in_service{0}, abort_sent{0};
		std::atomic<int> saw{-1}, done{0};
	} s;

	run([&] {
		struct lwkt_port *me = &curthread->td_msgport;

		// Queued, on a local mailbox.
		thread_t mb = make_mailbox(-1);
		struct lwkt_msg q;

		lwkt_initmsg(&q, me, 0);
		lwkt_sendmsg(&mb->td_msgport, &q);
		lwkt_abortmsg(&q);
		EXPECT_EQ(flags(&q), (u32)(MSGF_ASYNC | MSGF_QUEUED));
		EXPECT_EQ(lwkt_getport(&mb->td_msgport), &q);
		lwkt_replymsg(&q, 6);
		EXPECT_EQ(lwkt_waitmsg(&q), 6);
		EXPECT_FALSE(flags(&q) & MSGF_ABORTED);
		lwkt_schedule(mb);

		// In service on another CPU.
		thread_t std_ = spawn_on(1, [&] {
			serve_port(&s.done, [&](struct lwkt_msg *m) {
				s.in_service = 1;
				EXPECT_TRUE(wait_for([&] { return s.abort_sent.load() != 0; }));
				for (int i = 0; i < 10; ++i)
					lwkt_yield();
				s.saw = lwkt_msg_aborted(m);
				lwkt_replymsg(m, 1);
			});
		}, 0, "server");
		struct lwkt_msg m;

		lwkt_initmsg(&m, me, 0);
		m.ms_cmd = kEcho;
		lwkt_sendmsg(&std_->td_msgport, &m);
		ASSERT_TRUE(wait_for([&] { return s.in_service.load() != 0; }));
		lwkt_abortmsg(&m);
		quiesce_ipiqs();
		s.abort_sent = 1;
		EXPECT_EQ(lwkt_waitmsg(&m), 1);
		EXPECT_EQ(flags(&m), (u32)(MSGF_ASYNC | MSGF_REPLY | MSGF_DONE));
		quiesce_ipiqs();
		EXPECT_EQ(lwkt_getport(me), nullptr);
		stop_server(&std_->td_msgport, &s.done);
	});
	EXPECT_EQ(s.saw.load(), 0);
}

// Many abortable messages from CPU 0 to a server on CPU 1, aborts fired
// from CPU 2 at random moments (the first of each burst at a message
// known to be queued). Every message is replied exactly once; an aborted
// queued one was never served; a served one carries the server's error,
// and an abort that came after the reply left no mark on it.
TEST_F(Msgport3, AbortRaceStress)
{
	constexpr int B = 16;
	const int bursts = 80 / kScale;
	const int n = B * bursts;
	struct R {
		std::vector<struct lwkt_msg> msgs;
		std::vector<std::atomic<int>> served, replies;
		std::atomic<struct lwkt_port *> sport{nullptr};
		std::atomic<int> burst_ready{0}, first_abort_done{0}, serving{-1};
		std::atomic<int> aborter_done{0}, server_done{0}, stop{0};
		std::atomic<long> aborts{0};
		explicit R(int n) : msgs(n), served(n), replies(n) {}
	} r(n);
	struct Tally {
		int econnaborted = 0, served_aborted = 0, served_plain = 0;
		int bad = 0, extra = 0;
	} t;
	std::vector<std::pair<int, std::function<void()>>> jobs;

	for (int i = 0; i < n; ++i) {
		r.served[i] = 0;
		r.replies[i] = 0;
	}
	// Server.
	jobs.emplace_back(1, [&] {
		r.sport = &curthread->td_msgport;
		serve_port(&r.server_done, [&](struct lwkt_msg *m) {
			int idx = static_cast<int>(m->ms_arg);

			r.served[idx].fetch_add(1);
			r.serving = idx;
			if (idx % B == 0 &&
			    !wait_for([&] {
				    return r.first_abort_done.load() >= idx / B + 1 ||
					   r.stop.load();
			    }))
				ADD_FAILURE() << "aborter never fired in burst " << idx / B;
			for (int y = (idx * 7) % 4; y > 0; --y)
				lwkt_yield();
			if (idx % 4 == 1) {
				// A longer service, for aborts to land in.
				auto end = std::chrono::steady_clock::now() +
					   std::chrono::microseconds(100);
				while (!lwkt_msg_aborted(m) &&
				       std::chrono::steady_clock::now() < end)
					lwkt_yield();
			}
			// Checked and replied with no IPI in between: an abort
			// landing after this must change nothing.
			crit_enter();
			lwkt_replymsg(m, lwkt_msg_aborted(m) ? 2 : 1);
			crit_exit();
		});
	});
	// Aborter.
	jobs.emplace_back(2, [&] {
		unsigned seed = 12345;
		auto rnd = [&seed] {
			seed = seed * 1103515245u + 12345u;
			return (seed >> 8) & 0xffffff;
		};
		struct lwkt_globaldata *gd1 = lwkt_user_gd(1);

		for (int k = 0; k < bursts && !r.stop.load(); ++k) {
			if (!wait_for([&] { return r.burst_ready.load() >= k + 1 ||
						   r.stop.load(); }))
				break;
			// Queued for sure: the server waits for us in this burst.
			int j = k * B + 1 + (int)(rnd() % (B - 1));
			lwkt_abortmsg(&r.msgs[j]);
			r.aborts.fetch_add(1);
			lwkt_wait_ipiq(gd1, lwkt_seq_ipiq(gd1));
			r.first_abort_done = k + 1;
			for (int a = 0; a < 6; ++a) {
				for (unsigned spin = rnd() % 3000; spin > 0; --spin)
					__asm__ __volatile__("pause" ::: "memory");
				if (rnd() & 1)
					lwkt_yield();
				int idx = k * B + (int)(rnd() % B);
				int cur = r.serving.load();

				// Every other one at the message in service now.
				if ((a & 1) && cur >= k * B && cur < (k + 1) * B)
					idx = cur;
				lwkt_abortmsg(&r.msgs[idx]);
				r.aborts.fetch_add(1);
			}
		}
		lwkt_wait_ipiq(gd1, lwkt_seq_ipiq(gd1));
		r.aborter_done = 1;
	});
	// Client.
	jobs.emplace_back(0, [&] {
		struct lwkt_port *me = &curthread->td_msgport;
		struct lwkt_globaldata *gd1 = lwkt_user_gd(1);

		if (!wait_for([&] { return r.sport.load() != nullptr; })) {
			ADD_FAILURE() << "no server";
			r.stop = 1;
			return;
		}
		for (int k = 0; k < bursts; ++k) {
			for (int i = k * B; i < (k + 1) * B; ++i) {
				lwkt_initmsg(&r.msgs[i], me, MSGF_ABORTABLE);
				r.msgs[i].ms_cmd = kEcho;
				r.msgs[i].ms_arg = (u64)i;
				lwkt_sendmsg(r.sport.load(), &r.msgs[i]);
			}
			// Every put landed on the server's queue.
			lwkt_wait_ipiq(gd1, lwkt_seq_ipiq(gd1));
			r.burst_ready = k + 1;
			for (int got = 0; got < B; ++got) {
				struct lwkt_msg *m = lwkt_waitport(me);

				if (!m) {
					--got;
					continue;
				}
				int idx = static_cast<int>(m - &r.msgs[0]);

				if (idx < k * B || idx >= (k + 1) * B) {
					++t.bad;
					continue;
				}
				r.replies[idx].fetch_add(1);
			}
		}
		if (!wait_for([&] { return r.aborter_done.load() != 0; }))
			ADD_FAILURE() << "aborter stuck";
		quiesce_ipiqs();
		// A second reply of any message would be here now.
		for (struct lwkt_msg *m; (m = lwkt_getport(me)) != nullptr;)
			++t.extra;
		struct lwkt_msg q;

		lwkt_initmsg(&q, me, 0);
		q.ms_cmd = kQuit;
		EXPECT_EQ(lwkt_domsg(r.sport.load(), &q), 0);
	});
	run_parallel(std::move(jobs));

	for (int i = 0; i < n; ++i) {
		const struct lwkt_msg *m = &r.msgs[i];
		u32 f = flags(m);
		int served = r.served[i].load();

		if (r.replies[i].load() != 1 || served > 1 || !(f & MSGF_DONE) ||
		    !(f & MSGF_REPLY) || (f & MSGF_QUEUED)) {
			++t.bad;
			ADD_FAILURE() << "msg " << i << ": replies " << r.replies[i].load()
				      << " served " << served << " flags " << f;
			continue;
		}
		if (m->ms_error == -LWKT_ECONNABORTED) {
			++t.econnaborted;
			if (served || !(f & MSGF_ABORTED)) {
				++t.bad;
				ADD_FAILURE() << "msg " << i << " aborted while queued "
					      << "but served " << served << " flags " << f;
			}
		} else if (m->ms_error == 2) {
			++t.served_aborted;
			if (!served || !(f & MSGF_ABORTED))
				++t.bad;
		} else if (m->ms_error == 1) {
			++t.served_plain;
			if (!served || (f & MSGF_ABORTED)) {
				++t.bad;
				ADD_FAILURE() << "msg " << i << " replied, then aborted";
			}
		} else {
			++t.bad;
			ADD_FAILURE() << "msg " << i << " error " << m->ms_error;
		}
	}
	EXPECT_EQ(t.bad, 0);
	EXPECT_EQ(t.extra, 0);
	EXPECT_EQ(t.econnaborted + t.served_aborted + t.served_plain, n);
	EXPECT_GE(t.econnaborted, bursts);	// each burst's first abort
	EXPECT_GT(t.served_plain, 0);
	EXPECT_EQ(r.server_done.load(), 1);
	RecordProperty("econnaborted", t.econnaborted);
	RecordProperty("served_aborted", t.served_aborted);
	RecordProperty("served_plain", t.served_plain);
}

// Bug 8: lwkt_waitmsg() and lwkt_waitport() from a thread that is no LWKT
// thread (no CPU: lwkt_mycpu() is NULL) are refused with the documented
// error and one log line; they used to read the NULL CPU's current thread.
TEST_F(Msgport, Bug8WaitmsgAndWaitportOutsideLwktAreRefused)
{
	struct lwkt_port port;
	struct lwkt_msg msg;

	ASSERT_EQ(lwkt_mycpu(), nullptr);
	lwkt_initport(&port, nullptr);
	lwkt_initmsg(&msg, &port, 0);
	EXPECT_EQ(-22, lwkt_waitmsg(&msg));	/* -LWKT_EINVAL */
	EXPECT_EQ(nullptr, lwkt_waitport(&port));
	EXPECT_EQ(1u, lt::log_count("lwkt_waitmsg: not from LWKT context"));
	EXPECT_EQ(1u, lt::log_count("lwkt_waitport: not from LWKT context"));
}
