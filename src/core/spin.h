/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Busy-waiting in the core: a spin lock for short sections inside a
 * critical section (wait structures until tokens replace it, the cpusync
 * initiator lock), and the round every other wait loop runs.
 *
 * While it spins, the waiter serves its own CPU's IPI queues: the holder
 * may be waiting for this CPU to run one of its messages (a FIFO-full
 * sender, a cpusync), and a CPU that only spun would never let it finish.
 */
#ifndef LWKT_CORE_SPIN_H
#define LWKT_CORE_SPIN_H

#include <lwkt/atomic.h>
#include <lwkt/thread.h>

#include "core/internal.h"
#include "platform.h"

namespace lwkt {

/*
 * One round of any busy-wait in the core: serve this CPU's own incoming
 * IPIs (the CPU we wait for may be waiting for one of them), then relax.
 */
inline void spin_serving_ipis(struct lwkt_globaldata *gd)
{
	/* Relaxed: a flag missed now is seen at the next round. */
	if (lwkt_read_once(gd->gd_reqflags) & RQF_IPIQ)
		process_ipiq(gd);
	lwkt_plat_cpu_relax();
}

/*
 * The core's busy-waits have no timeout of their own: what they wait for is
 * another CPU's progress, and giving up would break the protocol. But a
 * wait that goes on for seconds is a bug somewhere (a thread sitting in a
 * critical section, a lost message), and it must not be silent: LongWait
 * reports it once, naming this CPU, what it waits for and the CPU it waits
 * on. Cheap: the clock is read every 1024th round.
 */
constexpr u64 kLongWaitNs = 2000000000ull;

struct LongWait {
	const char *what;
	int on_cpu;
	u64 start = 0;
	u32 rounds = 0;
	bool reported = false;

	LongWait(const char *w, int cpu) : what(w), on_cpu(cpu) {}

	/* One round; true once the wait has lasted more than @limit_ns. */
	bool over(struct lwkt_globaldata *gd, u64 limit_ns = kLongWaitNs)
	{
		u64 now;

		if (++rounds & 1023)
			return false;
		now = lwkt_plat_now_ns();
		if (!start) {
			start = now;
			return false;
		}
		if (now - start <= limit_ns)
			return false;
		if (!reported) {
			reported = true;
			unsigned long long ms = (now - start) / 1000000;

			if (on_cpu >= 0)
				lwkt_plat_log("cpu %d (thread %s) has waited over %llu ms for %s of cpu %d",
					      gd->gd_cpuid, gd->gd_curthread->td_comm,
					      ms, what, on_cpu);
			else
				lwkt_plat_log("cpu %d (thread %s) has waited over %llu ms for %s",
					      gd->gd_cpuid, gd->gd_curthread->td_comm,
					      ms, what);
		}
		return true;
	}
};

inline bool spin_trylock(u32 *lock)
{
	/* Pairs with spin_unlock()'s lwkt_store_release(). */
	return lwkt_xchg_acquire(lock, 1) == 0;
}

inline void spin_lock(struct lwkt_globaldata *gd, u32 *lock)
{
	if (__builtin_expect(spin_trylock(lock), 1))
		return;
	LongWait lw("a spin lock", -1);
	do {
		do {
			spin_serving_ipis(gd);
			lw.over(gd);
		} while (lwkt_read_once(*lock));
	} while (!spin_trylock(lock));
}

inline void spin_unlock(u32 *lock)
{
	/* Pairs with spin_trylock()'s lwkt_xchg_acquire(). */
	lwkt_store_release(lock, 0);
}

} // namespace lwkt

#endif /* LWKT_CORE_SPIN_H */
