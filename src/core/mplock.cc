// SPDX-License-Identifier: GPL-2.0
/*
 * The MP lock (Documentation/design.rst, "The MP lock";
 * include/lwkt/mplock.h). The lock word names the CPU that holds it;
 * td_mpcount says how many holds the thread wants. Raise the count first, then
 * try: a thread that loses switches away with its count raised, and the
 * switcher (can_run() in switch.cc) takes the lock on its behalf before it
 * runs it again.
 */
#include <lwkt/mplock.h>

#include "core/crit_guard.h"
#include "core/debug.h"
#include "core/mplock.h"
#include "core/spin.h"

using namespace lwkt;

/* Plain zero-initialised storage would mean "CPU 0 holds it". */
int lwkt_mp_lock = LWKT_MP_FREE;

extern "C" void get_mplock(void)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();
	struct lwkt_thread *td = gd->gd_curthread;

	LWKT_ASSERT(lwkt_in_lwkt_context());
	CritSection crit(td);
	++td->td_mpcount;
	if (mp_lock_held(gd) || cpu_try_mplock(gd))
		return;
	++gd->gd_cnt.mplock_contention_count;
	/* The switcher runs us again only once it took the lock for us. */
	for (;;) {
		lwkt_switch();
		if (mp_lock_held(gd) || cpu_try_mplock(gd))
			return;
		/* The switch was refused (a Linux lock is held): spin. */
		spin_serving_ipis(gd);
	}
}

extern "C" int try_mplock(void)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();
	struct lwkt_thread *td = gd->gd_curthread;
	CritSection crit(td);

	if (!mp_lock_held(gd) && !cpu_try_mplock(gd))
		return 0;
	++td->td_mpcount;
	return 1;
}

extern "C" void rel_mplock(void)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();
	struct lwkt_thread *td = gd->gd_curthread;
	CritSection crit(td);

	if (__builtin_expect(td->td_mpcount <= 0 || !mp_lock_held(gd), 0)) {
		lwkt_plat_log("rel_mplock: thread %s does not hold the MP lock",
			      td->td_comm);
		return;
	}
	if (--td->td_mpcount == 0)
		cpu_rel_mplock(gd);
}

extern "C" int lwkt_mp_lock_held(void)
{
	return mp_lock_held(lwkt_mycpu());
}
