// SPDX-License-Identifier: GPL-2.0
/*
 * Simulated CPUs: one pthread each, running lwkt_host_run(). Idle hosts
 * sleep on a condition variable with a sticky "woken" flag; requests from
 * other pthreads (lwkt_user_run) are queued per CPU and turned into LWKT
 * threads by the CPU's idle loop (lwkt_plat_host_work).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <lwkt/atomic.h>
#include <lwkt/ipiq.h>

#include "platform.h"
#include "user/lwkt_user.h"
#include "user/user_cpu.h"

using lwkt_user::Cpu;
using lwkt_user::Request;
using lwkt_user::cpu_of;

namespace {

Cpu *g_cpus[LWKT_USER_MAXCPU];
int g_ncpus;	/* written only by start/stop, from the controlling thread */

/* Completion of lwkt_user_run() requests, for every CPU. */
pthread_mutex_t g_done_mu = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t g_done_cv = PTHREAD_COND_INITIALIZER;

void *host_main(void *arg)
{
	Cpu *c = static_cast<Cpu *>(arg);

	lwkt_user_curgd = &c->gd;
	lwkt_host_run(&c->gd);
	lwkt_user_curgd = nullptr;
	return nullptr;
}

/* Body of the LWKT thread lwkt_user_run() asked for. */
void run_request(void *arg)
{
	Request *r = static_cast<Request *>(arg);

	r->fn(r->arg);
	pthread_mutex_lock(&g_done_mu);
	r->done = true;
	pthread_cond_broadcast(&g_done_cv);
	pthread_mutex_unlock(&g_done_mu);
}

} // namespace

extern "C" void lwkt_plat_idle(struct lwkt_globaldata *gd)
{
	Cpu *c = cpu_of(gd);

	pthread_mutex_lock(&c->mu);
	while (!c->woken)
		pthread_cond_wait(&c->cv, &c->mu);
	c->woken = false;
	pthread_mutex_unlock(&c->mu);
}

extern "C" void lwkt_plat_wake(struct lwkt_globaldata *gd)
{
	Cpu *c = cpu_of(gd);

	pthread_mutex_lock(&c->mu);
	c->woken = true;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

extern "C" void lwkt_plat_ipi_kick(struct lwkt_globaldata *gd)
{
	/* No interrupts here: RQF_IPIQ is set; the target drains when it
	 * next leaves a critical section, switches or idles. */
	lwkt_plat_wake(gd);
}

extern "C" struct lwkt_globaldata *lwkt_plat_cpu_gd(int cpu)
{
	Cpu *c;

	if (cpu < 0 || cpu >= LWKT_USER_MAXCPU)
		return nullptr;
	/* Pairs with lwkt_user_start()'s lwkt_store_release() of g_cpus. */
	c = lwkt_load_acquire(&g_cpus[cpu]);
	return c ? &c->gd : nullptr;
}

extern "C" void lwkt_plat_host_work(struct lwkt_globaldata *gd)
{
	Cpu *c = cpu_of(gd);
	Request *r;

	/*
	 * A look before the lock: pairs with lwkt_user_run()'s
	 * lwkt_store_release(); the mutex orders the rest.
	 */
	if (!lwkt_load_acquire(&c->has_work))
		return;
	pthread_mutex_lock(&c->mu);
	r = c->head;
	c->head = nullptr;
	c->tailp = &c->head;
	lwkt_write_once(c->has_work, 0);
	pthread_mutex_unlock(&c->mu);

	while (r) {
		Request *next = r->next;
		struct lwkt_thread *td;

		if (lwkt_create(run_request, r, &td, nullptr, TDF_STOPREQ, -1,
				"user/%d", gd->gd_cpuid) != 0) {
			fprintf(stderr, "lwkt_user_run: cannot create a thread\n");
			abort();
		}
		lwkt_setpri(td, r->pri);
		lwkt_schedule(td);
		r = next;
	}
}

extern "C" int lwkt_user_start(int ncpus)
{
	if (g_ncpus || ncpus < 1 || ncpus > LWKT_USER_MAXCPU)
		return -1;
	for (int i = 0; i < ncpus; i++) {
		Cpu *c = new Cpu();

		pthread_mutex_init(&c->mu, nullptr);
		pthread_cond_init(&c->cv, nullptr);
		c->tailp = &c->head;
		lwkt_gdinit(&c->gd, i);
		c->gd.gd_host = c;
		c->gd.gd_ipiq = new struct lwkt_ipiq[ncpus]();
		c->gd.gd_ncpus = static_cast<u32>(ncpus);
		/* Pairs with lwkt_plat_cpu_gd()'s load_acquire(). */
		lwkt_store_release(&g_cpus[i], c);
	}
	for (int i = 0; i < ncpus; i++) {
		if (pthread_create(&g_cpus[i]->thread, nullptr, host_main,
				   g_cpus[i]) != 0) {
			fprintf(stderr, "lwkt_user_start: pthread_create failed\n");
			abort();
		}
	}
	g_ncpus = ncpus;
	return 0;
}

extern "C" void lwkt_user_stop(void)
{
	/* Phase 1 everywhere, until no message is in flight between CPUs. */
	for (int i = 0; i < g_ncpus; i++)
		lwkt_host_quiesce(&g_cpus[i]->gd);
	for (int clean = 0; clean < 2;) {
		bool all = true;

		for (int i = 0; i < g_ncpus; i++)
			all &= lwkt_host_quiesced(&g_cpus[i]->gd);
		clean = all ? clean + 1 : 0;
		usleep(200);
	}
	for (int i = 0; i < g_ncpus; i++)
		lwkt_host_stop(&g_cpus[i]->gd);
	for (int i = 0; i < g_ncpus; i++) {
		Cpu *c = g_cpus[i];

		pthread_join(c->thread, nullptr);
	}
	for (int i = 0; i < g_ncpus; i++) {
		Cpu *c = g_cpus[i];

		/* Pairs with lwkt_plat_cpu_gd()'s load_acquire(). */
		lwkt_store_release(&g_cpus[i], nullptr);
		pthread_cond_destroy(&c->cv);
		pthread_mutex_destroy(&c->mu);
		delete[] c->gd.gd_ipiq;
		delete c;
	}
	g_ncpus = 0;
}

extern "C" int lwkt_user_ncpus(void)
{
	return g_ncpus;
}

extern "C" struct lwkt_globaldata *lwkt_user_gd(int cpu)
{
	return cpu >= 0 && cpu < g_ncpus ? &g_cpus[cpu]->gd : nullptr;
}

extern "C" void lwkt_user_run(int cpu, int pri, void (*fn)(void *), void *arg)
{
	Cpu *c = g_cpus[cpu];
	Request r = {nullptr, pri, fn, arg, false};

	pthread_mutex_lock(&c->mu);
	*c->tailp = &r;
	c->tailp = &r.next;
	/* Pairs with lwkt_plat_host_work()'s load_acquire(). */
	lwkt_store_release(&c->has_work, 1);
	pthread_mutex_unlock(&c->mu);
	lwkt_plat_wake(&c->gd);

	pthread_mutex_lock(&g_done_mu);
	while (!r.done)
		pthread_cond_wait(&g_done_cv, &g_done_mu);
	pthread_mutex_unlock(&g_done_mu);
}

namespace {

/*
 * A call from outside LWKT context (src/core/fcall.cc) and its waiter. Two
 * references: the poster's and the CPU's (dropped in lwkt_plat_fcall_done).
 */
struct UserCall {
	struct lwkt_fcall fc;
	int refs;			/* atomic */
	bool done;			/* under g_done_mu */
	alignas(16) unsigned char buf[LWKT_FCALL_ARGMAX];
};

void user_call_put(UserCall *uc)
{
	/*
	 * Fully ordered, as refcount_dec_and_test(): pairs with the other
	 * holder's decrement; whoever drops the last one deletes.
	 */
	if (lwkt_sub_return(&uc->refs, 1) == 0)
		delete uc;
}

} // namespace

extern "C" void lwkt_plat_fcall_done(struct lwkt_fcall *fc)
{
	UserCall *uc = reinterpret_cast<UserCall *>(fc);

	pthread_mutex_lock(&g_done_mu);
	uc->done = true;
	pthread_cond_broadcast(&g_done_cv);
	pthread_mutex_unlock(&g_done_mu);
	user_call_put(uc);
}

extern "C" int lwkt_plat_foreign_cpu(int cpu)
{
	if (cpu < 0)
		return lwkt_plat_cpu_gd(0) ? 0 : -1;
	return lwkt_plat_cpu_gd(cpu) ? cpu : -1;
}

extern "C" int lwkt_user_call(int cpu, void (*fn)(void *), void *arg,
			      unsigned int argsize, unsigned int flags,
			      int timeout_ms)
{
	struct lwkt_globaldata *gd = lwkt_plat_cpu_gd(lwkt_plat_foreign_cpu(cpu));
	UserCall *uc;
	struct timespec deadline;
	bool ran;
	int err = 0;

	if (!gd || argsize > LWKT_FCALL_ARGMAX)
		return -22;	/* -LWKT_EINVAL */
	uc = new UserCall();
	uc->refs = 2;
	uc->fc.fc_func = fn;
	uc->fc.fc_arg = arg;
	uc->fc.fc_flags = flags;
	if (argsize) {
		__builtin_memcpy(uc->buf, arg, argsize);
		uc->fc.fc_arg = uc->buf;
	}
	lwkt_fcall_post(gd, &uc->fc);

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&g_done_mu);
	while (!uc->done && err == 0) {
		if (timeout_ms < 0)
			pthread_cond_wait(&g_done_cv, &g_done_mu);
		else if (pthread_cond_timedwait(&g_done_cv, &g_done_mu,
						&deadline))
			err = -110;	/* ETIMEDOUT: give up, as a signal would */
	}
	pthread_mutex_unlock(&g_done_mu);
	if (err) {
		if (!lwkt_fcall_cancel(&uc->fc)) {
			/* Claimed: it runs to the end without blocking. */
			pthread_mutex_lock(&g_done_mu);
			while (!uc->done)
				pthread_cond_wait(&g_done_cv, &g_done_mu);
			pthread_mutex_unlock(&g_done_mu);
			err = 0;
		} else {
			err = -4;	/* -LWKT_EINTR: never runs */
		}
	}
	/*
	 * Pairs with run_one()'s and lwkt_fcall_cancel()'s cmpxchg of
	 * fc_state (fcall.cc); g_done_mu already ordered it after done.
	 */
	ran = lwkt_load_acquire(&uc->fc.fc_state) ==
	      LWKT_FCALL_RUNNING;
	user_call_put(uc);
	return err ? err : (ran ? 0 : -4);
}

extern "C" int lwkt_plat_run_on(int cpu, void (*fn)(void *), void *arg,
				u32 argsize)
{
	return lwkt_user_call(cpu, fn, arg, argsize, 0, -1);
}

extern "C" void lwkt_plat_thread_owner(struct lwkt_thread *, void *)
{
	/* No modules in userland. */
}
