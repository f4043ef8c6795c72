// SPDX-License-Identifier: GPL-2.0
/*
 * cpusync: hold a set of CPUs in a rendezvous (Documentation/design.rst,
 * "cpusync").
 *
 * A held CPU runs cs_func, checks in, and spins inside the IPI until the
 * initiator releases it, still draining its own incoming queues so that
 * cross-CPU traffic (another CPU's FIFO-full sender, say) keeps moving.
 *
 * One rendezvous at a time, system wide: two initiators holding each other's
 * CPUs would each wait forever for the other's release. The second one
 * waits for the initiator lock, serving its IPIs, which lets the first
 * hold it meanwhile.
 */
#include <lwkt/atomic.h>
#include <lwkt/ipiq.h>
#include <lwkt/thread.h>

#include "core/debug.h"
#include "core/internal.h"
#include "core/spin.h"
#include "platform.h"

namespace lwkt {
namespace {

u32 g_initiator_lock;	/* zero-initialised: no constructor */

/*
 * The counters' reads: cs_count and cs_left pair with held()'s
 * lwkt_fetch_add()s, cs_release with lwkt_cpusync_finish()'s release.
 */
inline int load(const int *p)
{
	return lwkt_load_acquire(p);
}

/*
 * A held CPU spins inside an IPI function, perhaps in the kick's hardirq:
 * an initiator that never releases it must not hold it for ever (a hard
 * lockup). After this long it lets itself go, with a warning.
 */
constexpr u64 kHoldMaxNs = 5000000000ull;

/*
 * Spin until *p reaches n, serving this CPU's own IPIs meanwhile; false
 * when @limit_ns passed first (0: no limit, only a report).
 */
bool wait_count(struct lwkt_globaldata *gd, const int *p, int n,
		const char *what, int on_cpu, u64 limit_ns = 0)
{
	LongWait lw(what, on_cpu);

	while (load(p) < n) {
		spin_serving_ipis(gd);
		if (lw.over(gd, limit_ns ? limit_ns : kLongWaitNs) && limit_ns)
			return false;
	}
	return true;
}

/* On each held CPU, as an IPI function. */
void held(void *arg)
{
	auto *cs = static_cast<struct lwkt_cpusync *>(arg);
	struct lwkt_globaldata *gd = lwkt_mycpu();
	int initiator = cs->cs_initiator;

	if (cs->cs_func)
		cs->cs_func(cs->cs_arg);
	/*
	 * Pairs with the initiator's load() of cs_count in
	 * lwkt_cpusync_start(): cs_func's effects come first.
	 */
	lwkt_fetch_add(&cs->cs_count, 1);
	if (!wait_count(gd, &cs->cs_release, 1, "a cpusync release",
			initiator, kHoldMaxNs))
		lwkt_plat_log("cpu %d leaves the cpusync of cpu %d unreleased after %llu ms",
			      gd->gd_cpuid, initiator,
			      (unsigned long long)(kHoldMaxNs / 1000000));
	/*
	 * The last touch of cs (it may live on the initiator's stack):
	 * pairs with lwkt_cpusync_finish()'s load() of cs_left.
	 */
	lwkt_fetch_add(&cs->cs_left, 1);
}

} // namespace
} // namespace lwkt

using namespace lwkt;

extern "C" void lwkt_cpusync_start(struct lwkt_cpusync *cs)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();
	lwkt_cpumask_t self = gd->gd_cpuid < LWKT_MAXCPU_MASK ?
				      LWKT_CPUMASK(gd->gd_cpuid) : 0;
	int n = 0;

	crit_enter_gd(gd);	/* until lwkt_cpusync_finish() */
	spin_lock(gd, &g_initiator_lock);
	++gd->gd_cscount;	/* lwkt_switch() checks it */
	cs->cs_count = 0;
	cs->cs_left = 0;
	cs->cs_release = 0;
	cs->cs_initiator = gd->gd_cpuid;
	for (int cpu = 0; cpu < LWKT_MAXCPU_MASK; ++cpu) {
		struct lwkt_globaldata *target;

		if (!(cs->cs_mask & LWKT_CPUMASK(cpu)) || cpu == gd->gd_cpuid)
			continue;
		target = lwkt_plat_cpu_gd(cpu);
		/* Not this CPU, from LWKT context: always queued. */
		if (target) {
			lwkt_send_ipiq(target, held, cs);
			++n;
		}
	}
	cs->cs_ncpus = n;
	wait_count(gd, &cs->cs_count, n, "cpusync check-ins", -1);
	if ((cs->cs_mask & self) && cs->cs_func)
		cs->cs_func(cs->cs_arg);
}

extern "C" void lwkt_cpusync_finish(struct lwkt_cpusync *cs)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();

	/*
	 * Pairs with held()'s load() of cs_release: what the initiator did
	 * in the rendezvous is visible to the held CPUs.
	 */
	lwkt_store_release(&cs->cs_release, 1);
	wait_count(gd, &cs->cs_left, cs->cs_ncpus, "held cpus to leave a cpusync",
		   -1);
	--gd->gd_cscount;
	spin_unlock(&g_initiator_lock);
	crit_exit_gd(gd);
}

extern "C" void lwkt_cpusync_simple(lwkt_cpumask_t mask, ipifunc_t func,
				    void *arg)
{
	struct lwkt_cpusync cs = {};

	cs.cs_mask = mask;
	cs.cs_func = func;
	cs.cs_arg = arg;
	lwkt_cpusync_start(&cs);
	lwkt_cpusync_finish(&cs);
}
