// SPDX-License-Identifier: GPL-2.0
/*
 * IPI queues (Documentation/design.rst, "Across CPUs: IPI queues";
 * include/lwkt/ipiq.h): one SPSC FIFO per ordered CPU pair, the kick, and
 * processing on the target.
 *
 * Memory ordering, the one place it matters:
 *   sender:  slot = (func, arg); windex = w + 1 (xchg: a full barrier);
 *            reqflags |= RQF_IPIQ; if npoll == 0 && xchg(npoll, 1) == 0: kick
 *   target:  npoll = 0 (seq_cst); reqflags &= ~RQF_IPIQ (seq_cst);
 *            while rindex != windex (acquire): read slot, rindex + 1
 *            (release: the slot may be reused), call, xindex (release)
 * Either the target's drain sees the new windex, or the sender's xchg sees
 * npoll == 0 and kicks: a message is never left without a drain coming.
 */
#include <lwkt/atomic.h>
#include <lwkt/ipiq.h>
#include <lwkt/thread.h>

#include "core/debug.h"
#include <lwkt/errno.h>
#include "core/internal.h"
#include "core/spin.h"
#include "core/trace.h"
#include "platform.h"

namespace lwkt {
namespace {

enum class SendMode { kick, passive, nowait };

/*
 * The FIFO's index reads; each caller says what it pairs with: windex with
 * send()'s lwkt_xchg(), rindex and xindex with drain_one()'s releases.
 */
inline lwkt_seq_t load_acquire(const lwkt_seq_t *p)
{
	return lwkt_load_acquire(p);
}

/*
 * Run what CPU src queued for gd, at most @budget messages; returns how
 * many ran.
 */
u32 drain_one(struct lwkt_globaldata *gd, u32 src, struct lwkt_ipiq *ip,
	      u32 budget)
{
	u32 n = 0;
	lwkt_seq_t ri;

	/*
	 * Re-read rindex every time: a function may drain nested (cpusync).
	 * The windex acquire pairs with the lwkt_xchg() of ip_windex in
	 * send(): the slot's func and arg are visible.
	 */
	while (n < budget &&
	       (ri = ip->ip_rindex) != load_acquire(&ip->ip_windex)) {
		struct lwkt_ipiq_slot *slot = &ip->ip_slot[ri & LWKT_IPIQ_MASK];
		ipifunc_t func = slot->func;
		void *arg = slot->arg;

		/*
		 * Pairs with the load_acquire() of ip_rindex in send() and
		 * wait_for_room(): our slot reads are done before its reuse.
		 */
		lwkt_store_release(&ip->ip_rindex, ri + 1);
		trace_ipiq_run(static_cast<int>(src), gd->gd_cpuid,
			       static_cast<u32>(ri + 1),
			       reinterpret_cast<void *>(func));
		func(arg);
		/*
		 * Never backwards: a nested drain may have run later ones.
		 * Pairs with the load_acquire() of ip_xindex in
		 * lwkt_wait_ipiq() and ipiq_drained(): func's effects first.
		 */
		if (lwkt_seq_before(ip->ip_xindex, ri + 1))
			lwkt_store_release(&ip->ip_xindex, ri + 1);
		++n;
	}
	ip->ip_received += n;
	return n;
}

inline void kick(struct lwkt_globaldata *gd, struct lwkt_globaldata *target)
{
	/*
	 * Test first: the exchange is a locked bus operation. The load of
	 * gd_npoll is the sender's half of the Dekker pair with the target's
	 * lwkt_store_mb(gd_npoll, 0) in process_ipiq(), may_sleep() and
	 * lwkt_host_loop(), ordered after our lwkt_xchg() of ip_windex (or
	 * lwkt_try_cmpxchg() of gd_fcalls); the exchange makes one sender
	 * of many the kicker, against the others' and idle_poll()'s stores.
	 */
	if (lwkt_load_mb(&target->gd_npoll) == 0 &&
	    lwkt_xchg(&target->gd_npoll, 1) == 0) {
		++gd->gd_cnt.ipiq_kicks;
		lwkt_plat_ipi_kick(target);
	} else {
		++gd->gd_cnt.ipiq_kicks_avoided;
	}
}

/*
 * Wait for room in ip, serving our own queues: two CPUs may flood each
 * other. A message we run meanwhile may itself send to the same target
 * (a forwarded lwkt_schedule()), so the write index is re-read each time.
 */
void wait_for_room(struct lwkt_globaldata *gd, struct lwkt_globaldata *target,
		   struct lwkt_ipiq *ip)
{
	LongWait lw("room in the IPI queue", target->gd_cpuid);

	/* Pairs with the lwkt_store_release() of ip_rindex in drain_one(). */
	while (ip->ip_windex - load_acquire(&ip->ip_rindex) >= LWKT_IPIQ_HIGH) {
		kick(gd, target);
		spin_serving_ipis(gd);
		lw.over(gd);
	}
}

/*
 * Queue one message. Return: its sequence number (0: ran here at once), or
 * 0 with *full set when a nowait send found no room.
 */
lwkt_seq_t send(struct lwkt_globaldata *target, ipifunc_t func, void *arg,
		SendMode mode, bool *full = nullptr)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();
	struct lwkt_thread *td = gd->gd_curthread;
	struct lwkt_ipiq *ip;
	lwkt_seq_t wi;
	u32 depth;

	if (target == gd) {
		/* DragonFly: to yourself is a direct call, in a critical section. */
		crit_enter_quick(td);
		func(arg);
		crit_exit_quick(td);
		return 0;
	}
	/* Single producer: we are the only writer of this FIFO, in crit. */
	crit_enter_quick(td);
	ip = &target->gd_ipiq[gd->gd_cpuid];
	wi = ip->ip_windex;
	/* Pairs with the lwkt_store_release() of ip_rindex in drain_one(). */
	if (__builtin_expect(wi - load_acquire(&ip->ip_rindex) >=
			     LWKT_IPIQ_HIGH, 0)) {
		++gd->gd_cnt.ipiq_fifofull;
		if (mode == SendMode::nowait) {
			kick(gd, target);
			crit_exit_quick(td);
			*full = true;
			return 0;
		}
		wait_for_room(gd, target, ip);
		wi = ip->ip_windex;	/* nested sends may have moved it */
	}
	ip->ip_slot[wi & LWKT_IPIQ_MASK].func = func;
	ip->ip_slot[wi & LWKT_IPIQ_MASK].arg = arg;
	/*
	 * Publish with a full barrier (a locked exchange): the looks at the
	 * target's flags below must not pass it. Pairs with the
	 * load_acquire() of ip_windex in drain_one() and process_ipiq();
	 * the barrier is this side of the Dekker pair in kick().
	 */
	lwkt_xchg(&ip->ip_windex, wi + 1);
	/* A statistic: a stale rindex only overstates the depth. */
	depth = static_cast<u32>(wi + 1 -
				 lwkt_read_once(ip->ip_rindex));
	if (depth > ip->ip_hiwat)
		ip->ip_hiwat = depth;
	++ip->ip_sent;
	++gd->gd_cnt.ipiq_count;
	trace_ipiq_send(gd->gd_cpuid, target->gd_cpuid, static_cast<u32>(wi + 1),
			reinterpret_cast<void *>(func));

	/*
	 * Locked operations only where the target's state must change (in a
	 * burst, RQF_IPIQ and gd_npoll are usually set already). The or
	 * pairs with the lwkt_fetch_and() of RQF_IPIQ in process_ipiq() and
	 * the lwkt_load_mb() of gd_reqflags in may_sleep(); the gd_npoll
	 * load below is the Dekker pair described in kick().
	 */
	if (!(lwkt_read_once(target->gd_reqflags) & RQF_IPIQ))
		lwkt_fetch_or(&target->gd_reqflags, RQF_IPIQ);
	if (mode != SendMode::passive) {
		kick(gd, target);
	} else if (lwkt_load_mb(&target->gd_npoll) == 0) {
		/* No clock tick to notice it: a sleeping host must wake. */
		++gd->gd_cnt.ipiq_kicks_avoided;
		lwkt_plat_wake(target);
	}
	crit_exit_quick(td);
	return wi + 1;
}

bool in_context(const char *what)
{
	if (__builtin_expect(lwkt_in_lwkt_context(), 1))
		return true;
	lwkt_plat_log("%s: not called from an LWKT thread", what);
	return false;
}

} // namespace

void process_ipiq(struct lwkt_globaldata *gd, bool polling, u32 budget)
{
	struct lwkt_thread *td = gd->gd_curthread;
	struct lwkt_ipiq *q = gd->gd_ipiq;
	u32 n = 0;

	/*
	 * Clear before looking: a message published after this gets a kick.
	 * The target's half of the Dekker pair with send()'s lwkt_xchg() of
	 * ip_windex, then lwkt_load_mb() of gd_npoll in kick(); the and
	 * pairs with the senders' lwkt_fetch_or() of RQF_IPIQ.
	 */
	if (!polling)
		lwkt_store_mb(&gd->gd_npoll, 0);
	lwkt_fetch_and(&gd->gd_reqflags, ~(u32)RQF_IPIQ);
	crit_enter_quick(td);
	++gd->gd_intr_nesting_level;
	for (u32 src = 0; q && src < gd->gd_ncpus; ++src) {
		struct lwkt_ipiq *ip = &q[src];

		/* Pairs with the lwkt_xchg() of ip_windex in send(). */
		if (ip->ip_rindex != load_acquire(&ip->ip_windex)) {
			if (n >= budget) {
				/*
				 * The rest at the next crit_exit or switch.
				 * Our own flag: atomic against the senders'
				 * ors, no ordering needed (also below).
				 */
				lwkt_fetch_or(&gd->gd_reqflags, RQF_IPIQ);
				break;
			}
			n += drain_one(gd, src, ip, budget - n);
			if (ip->ip_rindex != load_acquire(&ip->ip_windex))
				lwkt_fetch_or(&gd->gd_reqflags, RQF_IPIQ);
		}
	}
	/*
	 * Calls from Linux after the messages: a Linux task that saw the
	 * effect of a message already sent here (a reply, a wakeup) and then
	 * posts a call expects the call to come after that message.
	 */
	fcall_drain(gd, polling);
	--gd->gd_intr_nesting_level;
	gd->gd_cnt.ipiq_received += n;
	crit_exit_noyield(td);
}

bool ipiq_drained(struct lwkt_globaldata *gd)
{
	if (!gd->gd_ipiq)
		return true;
	for (u32 src = 0; src < gd->gd_ncpus; ++src) {
		struct lwkt_ipiq *ip = &gd->gd_ipiq[src];
		/*
		 * Pair with the lwkt_xchg() of ip_windex in send() and the
		 * lwkt_store_release() of ip_xindex in drain_one().
		 */
		lwkt_seq_t wi = load_acquire(&ip->ip_windex);

		if (load_acquire(&ip->ip_xindex) != wi)
			return false;
	}
	return true;
}

} // namespace lwkt

using namespace lwkt;

extern "C" lwkt_seq_t lwkt_send_ipiq(struct lwkt_globaldata *target,
				     ipifunc_t func, void *arg)
{
	if (!in_context("lwkt_send_ipiq"))
		return 0;
	return send(target, func, arg, SendMode::kick);
}

extern "C" lwkt_seq_t lwkt_send_ipiq_passive(struct lwkt_globaldata *target,
					     ipifunc_t func, void *arg)
{
	if (!in_context("lwkt_send_ipiq_passive"))
		return 0;
	return send(target, func, arg, SendMode::passive);
}

extern "C" int lwkt_send_ipiq_nowait(struct lwkt_globaldata *target,
				     ipifunc_t func, void *arg)
{
	bool full = false;

	if (!in_context("lwkt_send_ipiq_nowait"))
		return -LWKT_EINVAL;
	send(target, func, arg, SendMode::nowait, &full);
	return full ? -LWKT_ENOBUFS : 0;
}

extern "C" lwkt_seq_t lwkt_send_ipiq_bycpu(int cpu, ipifunc_t func, void *arg)
{
	struct lwkt_globaldata *target = lwkt_plat_cpu_gd(cpu);

	if (!target) {
		lwkt_plat_log("lwkt_send_ipiq_bycpu: cpu %d is not hosted", cpu);
		return 0;
	}
	return lwkt_send_ipiq(target, func, arg);
}

extern "C" int lwkt_send_ipiq_mask(lwkt_cpumask_t mask, ipifunc_t func,
				   void *arg)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();
	int self = gd ? gd->gd_cpuid : -1;
	int sent = 0;

	if (!in_context("lwkt_send_ipiq_mask"))
		return 0;
	for (int cpu = 0; cpu < LWKT_MAXCPU_MASK; ++cpu) {
		struct lwkt_globaldata *target;

		if (!(mask & LWKT_CPUMASK(cpu)) || cpu == self)
			continue;
		target = lwkt_plat_cpu_gd(cpu);
		if (target) {
			send(target, func, arg, SendMode::kick);
			++sent;
		}
	}
	if (self >= 0 && self < LWKT_MAXCPU_MASK && (mask & LWKT_CPUMASK(self))) {
		send(gd, func, arg, SendMode::kick);
		++sent;
	}
	return sent;
}

extern "C" lwkt_seq_t lwkt_seq_ipiq(struct lwkt_globaldata *target)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();

	if (target == gd)
		return 0;
	/* Our own FIFO's write index: we are its only writer. */
	return lwkt_read_once(target->gd_ipiq[gd->gd_cpuid].ip_windex);
}

extern "C" int lwkt_ipiq_set_base(int src, lwkt_seq_t base)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();
	struct lwkt_ipiq *ip;
	int rc = 0;

	if (!gd || !gd->gd_ipiq || src < 0 ||
	    static_cast<u32>(src) >= gd->gd_ncpus || src == gd->gd_cpuid)
		return -LWKT_EINVAL;
	ip = &gd->gd_ipiq[src];
	crit_enter_gd(gd);	/* no drain of ours comes in between */
	/*
	 * @src sends nothing meanwhile (the contract): the windex acquire
	 * pairs with its last lwkt_xchg() of ip_windex in send(); the
	 * stores below pair with its load_acquire() of ip_rindex in send()
	 * and of ip_xindex in lwkt_wait_ipiq() once it sends again.
	 */
	if (load_acquire(&ip->ip_windex) != ip->ip_rindex ||
	    ip->ip_xindex != ip->ip_rindex) {
		rc = -LWKT_EBUSY;
	} else {
		lwkt_store_release(&ip->ip_rindex, base);
		lwkt_store_release(&ip->ip_xindex, base);
		lwkt_store_mb(&ip->ip_windex, base);
	}
	crit_exit_gd(gd);
	return rc;
}

extern "C" void lwkt_wait_ipiq(struct lwkt_globaldata *target, lwkt_seq_t seq)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();
	struct lwkt_thread *td = gd->gd_curthread;
	struct lwkt_ipiq *ip;

	if (target == gd || seq == 0)
		return;
	ip = &target->gd_ipiq[gd->gd_cpuid];
	crit_enter_quick(td);
	LongWait lw("its IPI to run", target->gd_cpuid);
	/* Pairs with the lwkt_store_release() of ip_xindex in drain_one(). */
	while (lwkt_seq_before(load_acquire(&ip->ip_xindex), seq)) {
		spin_serving_ipis(gd);
		lw.over(gd);
	}
	crit_exit_quick(td);
}

extern "C" void lwkt_process_ipiq(void)
{
	process_ipiq(lwkt_mycpu());
}

extern "C" void lwkt_ipiq_intr(struct lwkt_globaldata *gd)
{
	struct lwkt_thread *td = gd->gd_curthread;

	/*
	 * The CPU's LWKT thread is inside a critical section (it may be in
	 * the middle of a run-queue change), or the host sleeps in its idle
	 * loop (also one): leave the work to crit_exit / the idle loop.
	 */
	if (!td || td->td_pri >= TDPRI_CRIT || gd->gd_intr_nesting_level) {
		/* Our own flag, seen by this CPU's next crit_exit or poll. */
		lwkt_fetch_or(&gd->gd_reqflags, RQF_IPIQ);
		lwkt_plat_wake(gd);
		return;
	}
	/*
	 * Outside one: run it now, on the interrupt stack, without switching,
	 * but only a budget's worth: senders that keep a queue full must not
	 * keep this CPU in hardirq. What is left waits for the thread's next
	 * crit_exit or switch (RQF_IPIQ stays set), or the next kick.
	 */
	gd->gd_ipi_hardirq = 1;
	process_ipiq(gd, false, LWKT_IPIQ_HARDIRQ_BUDGET);
	gd->gd_ipi_hardirq = 0;
}
