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
	if (__atomic_load_n(&gd->gd_reqflags, __ATOMIC_RELAXED) & RQF_IPIQ)
		process_ipiq(gd);
	lwkt_plat_cpu_relax();
}

inline bool spin_trylock(u32 *lock)
{
	return __atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE) == 0;
}

inline void spin_lock(struct lwkt_globaldata *gd, u32 *lock)
{
	while (!spin_trylock(lock)) {
		do {
			spin_serving_ipis(gd);
		} while (__atomic_load_n(lock, __ATOMIC_RELAXED));
	}
}

inline void spin_unlock(u32 *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

} // namespace lwkt

#endif /* LWKT_CORE_SPIN_H */
