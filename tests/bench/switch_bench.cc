// SPDX-License-Identifier: GPL-2.0
/*
 * Userland switch benchmark (make bench): ns per context switch of
 *   lwkt       a full lwkt_switch() between two LWKT threads of one CPU
 *              (deschedule self, schedule the peer, run-queue pick, switch)
 *   fcontext   Boost.Context's bare jump_fcontext() between two contexts
 *   swapcontext  glibc's swapcontext() (saves the signal mask: a syscall)
 *   pthread    two pthreads pinned to one CPU handing a token over with a
 *              mutex and condition variables
 * all measured in this run; each figure is the best of several rounds.
 * Prints "name ns_per_switch" lines; scripts/bench makes the table.
 */
#include <boost/context/detail/fcontext.hpp>
#include <pthread.h>
#include <sched.h>
#include <ucontext.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <lwkt/thread.h>
#include "user/lwkt_user.h"

namespace {

using Clock = std::chrono::steady_clock;
const long kIters = getenv("LWKT_BENCH_ITERS") ? atol(getenv("LWKT_BENCH_ITERS")) : 1000000;
constexpr int kRounds = 5;

double ns_since(Clock::time_point t0, long ops)
{
	return std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / ops;
}

/* --- lwkt --- */

struct Lwkt {
	thread_t td[2];
	bool done[2];
	double ns;
};

void lwkt_side(Lwkt *b, int me)
{
	thread_t self = curthread, peer = b->td[!me];

	crit_enter();
	for (long i = 0; i < kIters; i++) {
		lwkt_deschedule_self(self);
		lwkt_schedule(peer);
		lwkt_switch();
	}
	b->done[me] = true;
	if (!b->done[!me])
		lwkt_schedule(peer);
	crit_exit();
}

void lwkt_peer(void *arg) { lwkt_side(static_cast<Lwkt *>(arg), 1); }

void lwkt_main(void *arg)
{
	auto *b = static_cast<Lwkt *>(arg);
	u64 sw0;

	b->td[0] = curthread;
	b->done[0] = b->done[1] = false;
	lwkt_create(lwkt_peer, b, &b->td[1], nullptr, TDF_STOPREQ, -1, "peer");
	sw0 = mycpu->gd_cnt.switch_count;
	auto t0 = Clock::now();
	lwkt_side(b, 0);
	while (!b->done[1])
		lwkt_yield();
	b->ns = ns_since(t0, static_cast<long>(mycpu->gd_cnt.switch_count - sw0));
}

double bench_lwkt()
{
	Lwkt b{};

	lwkt_user_run(0, TDPRI_KERN_DAEMON, lwkt_main, &b);
	return b.ns;
}

/* --- Boost.Context --- */

namespace ctx = boost::context::detail;

void fctx_peer(ctx::transfer_t t)
{
	for (;;)
		t = ctx::jump_fcontext(t.fctx, nullptr);
}

double bench_fcontext()
{
	std::vector<char> stack(64 * 1024);
	ctx::fcontext_t peer = ctx::make_fcontext(stack.data() + stack.size(),
						  stack.size(), fctx_peer);
	auto t0 = Clock::now();

	for (long i = 0; i < kIters; i++)
		peer = ctx::jump_fcontext(peer, nullptr).fctx;
	return ns_since(t0, 2 * kIters);	/* there and back */
}

/* --- swapcontext --- */

ucontext_t uc_main, uc_peer;

void uc_peer_fn()
{
	for (;;)
		swapcontext(&uc_peer, &uc_main);
}

double bench_swapcontext()
{
	std::vector<char> stack(64 * 1024);

	getcontext(&uc_peer);
	uc_peer.uc_stack.ss_sp = stack.data();
	uc_peer.uc_stack.ss_size = stack.size();
	uc_peer.uc_link = nullptr;
	makecontext(&uc_peer, uc_peer_fn, 0);
	auto t0 = Clock::now();
	for (long i = 0; i < kIters / 10; i++)
		swapcontext(&uc_main, &uc_peer);
	return ns_since(t0, 2 * (kIters / 10));
}

/* --- pthread ping-pong on one CPU --- */

struct PingPong {
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t cv[2] = {PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER};
	int turn = 0;
	long iters;
};

void pin_cpu0()
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

void pp_side(PingPong *p, int me)
{
	pthread_mutex_lock(&p->mu);
	for (long i = 0; i < p->iters; i++) {
		while (p->turn != me)
			pthread_cond_wait(&p->cv[me], &p->mu);
		p->turn = !me;
		pthread_cond_signal(&p->cv[!me]);
	}
	pthread_mutex_unlock(&p->mu);
}

void *pp_peer(void *arg)
{
	pin_cpu0();
	pp_side(static_cast<PingPong *>(arg), 1);
	return nullptr;
}

double bench_pthread()
{
	PingPong p;
	pthread_t t;

	p.iters = kIters / 20;
	pin_cpu0();
	pthread_create(&t, nullptr, pp_peer, &p);
	auto t0 = Clock::now();
	pp_side(&p, 0);
	pthread_join(t, nullptr);
	return ns_since(t0, 2 * p.iters);
}

template <typename F>
double best(F f)
{
	double b = 1e30;

	for (int i = 0; i < kRounds; i++)
		b = std::min(b, f());
	return b;
}

} // namespace

int main(int argc, char **argv)
{
	if (lwkt_user_start(1))
		return 1;
	double lwkt = best(bench_lwkt);
	lwkt_user_stop();

	printf("lwkt %.2f\n", lwkt);
	/* "lwkt": only the LWKT figure (make bench's tracing-cost rounds). */
	if (argc > 1 && strcmp(argv[1], "lwkt") == 0)
		return 0;
	printf("fcontext %.2f\n", best(bench_fcontext));
	printf("swapcontext %.2f\n", best(bench_swapcontext));
	printf("pthread %.2f\n", best(bench_pthread));
	return 0;
}
