/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU counters, DragonFly's "sysctl lwkt.*" plus our own. The list is
 * kept in one X-macro so the structure, the debugfs "stats" file and the
 * tests cannot disagree about names or order. Append only: the names are
 * part of the debugfs contract.
 *
 * threads: a gauge, not a count: threads on this CPU's all-threads list
 * (the idle thread excluded). switch_refused: lwkt_switch(),
 * lwkt_preempt() and lwkt_setcpu_self() calls the host refused (see
 * lwkt_plat_switch_allowed()). threads_killed:
 * blocked threads freed by lwkt_host_teardown(). ipiq_count: messages
 * sent to other CPUs; ipiq_received: messages run here (from others);
 * ipiq_kicks / ipiq_kicks_avoided: sends that did / did not need a real
 * IPI; migrations: threads adopted by this CPU; host_calls: calls from
 * outside LWKT context run here (src/core/fcall.cc); cscount: switches by a
 * thread that was mastering a cpusync (DragonFly's "cscount" check).
 */
#ifndef LWKT_COUNTERS_H
#define LWKT_COUNTERS_H

#include <lwkt/types.h>

#define LWKT_COUNTERS(X)		\
	X(switch_count)			\
	X(preempt_hit)			\
	X(preempt_miss)			\
	X(preempt_weird)		\
	X(token_contention_count)	\
	X(mplock_contention_count)	\
	X(ipiq_count)			\
	X(ipiq_fifofull)		\
	X(threads)			\
	X(switch_refused)		\
	X(threads_killed)		\
	X(ipiq_kicks)			\
	X(ipiq_kicks_avoided)		\
	X(ipiq_received)		\
	X(migrations)			\
	X(host_calls)			\
	X(cscount)

struct lwkt_counters {
#define LWKT_COUNTER_FIELD(name) u64 name;
	LWKT_COUNTERS(LWKT_COUNTER_FIELD)
#undef LWKT_COUNTER_FIELD
};

#define LWKT_NR_COUNTERS (sizeof(struct lwkt_counters) / sizeof(u64))

#endif /* LWKT_COUNTERS_H */
