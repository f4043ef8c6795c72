// SPDX-License-Identifier: GPL-2.0
/*
 * The thread API called from outside LWKT context: a Linux kthread, a
 * debugfs writer, a KUnit case, a userland test's main thread. Each call
 * becomes one call from outside (src/core/fcall.cc, lwkt_plat_run_on())
 * run on a CPU that has the thread, and the caller waits for it, so it sees
 * the same synchronous semantics; a busy CPU answers at its next switch,
 * crit_exit or IPI. The arguments travel by value: a caller that must stop
 * waiting (a fatal signal) leaves the request to be carried out without it.
 * Creation is in thread.cc (the thread is built by the caller, then linked
 * and started by one such call). The *_self functions, switch, yield and
 * critical sections need an LWKT thread.
 */
#include <lwkt/atomic.h>
#include <lwkt/thread.h>
#include <lwkt/wait.h>

#include <lwkt/errno.h>
#include "core/internal.h"
#include "platform.h"

namespace lwkt {
namespace {

struct TdCall {
	struct lwkt_thread *td;
	int pri;
	bool moved;
};

/*
 * lwkt_schedule() and lwkt_deschedule() in LWKT context reach a thread of
 * any CPU (an IPI to its owner, following a migration): any CPU will do.
 */
void schedule_here(void *p) { lwkt_schedule(static_cast<TdCall *>(p)->td); }
void deschedule_here(void *p) { lwkt_deschedule(static_cast<TdCall *>(p)->td); }

/* lwkt_setpri() must run on the thread's own CPU. */
void setpri_here(void *p)
{
	auto *c = static_cast<TdCall *>(p);

	/* Pairs with the lwkt_store_release() of td_gd in migrate.cc. */
	if (lwkt_load_acquire(&c->td->td_gd) != lwkt_mycpu()) {
		c->moved = true;	/* migrated meanwhile: ask again there */
		return;
	}
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

/*
 * The CPU a thread belongs to now (it may be changing: a hint). Pairs
 * with the lwkt_store_release() of td_gd in migrate.cc.
 */
inline int cpu_of(struct lwkt_thread *td)
{
	return lwkt_load_acquire(&td->td_gd)->gd_cpuid;
}

} // namespace

void foreign_schedule(struct lwkt_thread *td)
{
	TdCall c{td, 0, false};

	lwkt_plat_run_on(cpu_of(td), schedule_here, &c, sizeof(c));
}

void foreign_deschedule(struct lwkt_thread *td)
{
	TdCall c{td, 0, false};

	lwkt_plat_run_on(cpu_of(td), deschedule_here, &c, sizeof(c));
}

void foreign_setpri(struct lwkt_thread *td, int pri)
{
	TdCall c{td, pri, false};

	/* By reference: the caller learns that the thread moved. */
	do {
		c.moved = false;
		if (lwkt_plat_run_on(cpu_of(td), setpri_here, &c, 0))
			return;		/* interrupted before it ran */
	} while (c.moved);
}

void foreign_signal(struct lwkt_wait *w, int count)
{
	SignalCall c{w, count};

	/* Any CPU will do: the wait structure is not tied to one. */
	lwkt_plat_run_on(-1, signal_here, &c, sizeof(c));
}

} // namespace lwkt
