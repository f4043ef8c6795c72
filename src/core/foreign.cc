// SPDX-License-Identifier: GPL-2.0
/*
 * The thread API called from outside LWKT context: a Linux kthread, a
 * debugfs writer, a KUnit case, a userland test's main thread. The call is
 * forwarded into LWKT context on the thread's CPU with lwkt_plat_run_on(),
 * which waits for it, so the caller sees the same synchronous semantics.
 * Only the entry points that make sense from outside are forwarded
 * (create, schedule, deschedule, setpri, signal); the *_self ones, switch, yield
 * and critical sections need an LWKT thread.
 */
#include <lwkt/thread.h>
#include <lwkt/wait.h>

#include "core/errors.h"
#include "core/internal.h"
#include "platform.h"

namespace lwkt {
namespace {

struct CreateCall {
	void (*func)(void *);
	void *arg;
	struct lwkt_thread **tdp;
	struct lwkt_thread *template_td;
	int tdflags;
	const char *comm;
	void *owner;
	int err;
};

void create_here(void *p)
{
	auto *c = static_cast<CreateCall *>(p);
	c->err = create_thread(c->func, c->arg, c->tdp, c->template_td,
			       c->tdflags, -1, c->comm, c->owner);
}

struct TdCall {
	struct lwkt_thread *td;
	int pri;
};

void schedule_here(void *p) { lwkt_schedule(static_cast<TdCall *>(p)->td); }
void deschedule_here(void *p) { lwkt_deschedule(static_cast<TdCall *>(p)->td); }

void setpri_here(void *p)
{
	auto *c = static_cast<TdCall *>(p);

	lwkt_setpri(c->td, c->pri);
}

struct SignalCall {
	struct lwkt_wait *w;
	int count;
};

void signal_here(void *p)
{
	auto *c = static_cast<SignalCall *>(p);

	lwkt_signal(c->w, c->count);
}

} // namespace

int foreign_create(void (*func)(void *), void *arg, struct lwkt_thread **tdp,
		   struct lwkt_thread *template_td, int tdflags, int cpu,
		   const char *comm, void *owner)
{
	CreateCall c{func, arg, tdp, template_td, tdflags, comm, owner,
		     -LWKT_EINVAL};
	int err = lwkt_plat_run_on(cpu, create_here, &c);

	return err ? err : c.err;
}

void foreign_schedule(struct lwkt_thread *td)
{
	TdCall c{td, 0};

	lwkt_plat_run_on(td->td_gd->gd_cpuid, schedule_here, &c);
}

void foreign_deschedule(struct lwkt_thread *td)
{
	TdCall c{td, 0};

	lwkt_plat_run_on(td->td_gd->gd_cpuid, deschedule_here, &c);
}

void foreign_setpri(struct lwkt_thread *td, int pri)
{
	TdCall c{td, pri};

	lwkt_plat_run_on(td->td_gd->gd_cpuid, setpri_here, &c);
}

void foreign_signal(struct lwkt_wait *w, int count)
{
	SignalCall c{w, count};

	/* Any CPU will do: the wait structure is not tied to one. */
	lwkt_plat_run_on(-1, signal_here, &c);
}

} // namespace lwkt
