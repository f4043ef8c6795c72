/*
 * The per-pair IPI FIFO, its kick and the kick avoidance.
 *
 * Mirrors (change them together):
 *   src/core/ipiq.cc      send(), kick(), process_ipiq(), drain_one(),
 *                         wait_for_room(), lwkt_ipiq_intr()
 *   include/lwkt/ipiq.h   struct lwkt_ipiq (ip_windex, ip_rindex), LWKT_IPIQ_HIGH
 *   src/linux/host.c      lwkt_host_kick() (the @kicking owner of the csd),
 *                         lwkt_host_kick_fn(), lwkt_host_idle()/_wake()
 *   src/core/cpu_loop.cc      lwkt_host_run() (the idle loop), idle_poll(),
 *                         may_sleep()
 *   src/core/crit.cc      lwkt_crit_exit_slow() (the drain at crit_exit)
 *
 * Two source CPUs send to one target CPU, each through its own FIFO
 * (ring of RING slots, "nearly full" at HIGH like LWKT_IPIQ_HIGH). Source 0
 * sends N0 messages with lwkt_send_ipiq() (kick), source 1 sends one with
 * lwkt_send_ipiq() and one with lwkt_send_ipiq_passive(). The target runs
 * its idle loop: drain when RQF_IPIQ is set, run a thread, or poll
 * (gd_npoll = 1) and then sleep in the host (may_sleep(), the sticky
 * wakeup). The kick's hardirq fires at any point of the target (also while
 * it sleeps); inside a critical section it only sets RQF_IPIQ and wakes.
 * The threads the target runs are of two kinds: one that reaches a
 * preemption point (crit_exit drains), and one that busy-waits for the
 * kicked messages with interrupts as its only way to see them (the
 * `while (!x) cpu_relax()` idiom): only a kick can end its wait.
 *
 * Memory is sequentially consistent here. That is what the locked
 * exchanges and seq_cst operations of the code give; BREAK_SEND_ORDER shows
 * what the one full barrier of send() (the exchange on ip_windex) prevents.
 *
 * Properties:
 *   - FIFO order, no message run twice: each message run is the next one
 *     of its source (assert in drain).
 *   - No lost message, no lost kick: whenever the whole system stops (the
 *     target asleep or busy-waiting, senders done), every message has run
 *     (the Watch process's assertion on `timeout`). A sleeping target with
 *     a queued message, or a busy thread never kicked, ends there.
 *   - One kick at a time: smp_call_function_single_async() is never
 *     entered by two senders at once, nor while the csd is still queued
 *     (asserts in host_kick).
 *
 * Breaks (each must make spin find a counterexample):
 *   BREAK_SEND_ORDER    the sender's look at gd_npoll passes its publish of
 *                       ip_windex / RQF_IPIQ (no full barrier): the target
 *                       goes to sleep between them, the kick is skipped.
 *   BREAK_NPOLL_LATE    process_ipiq() clears gd_npoll after draining
 *                       instead of before: a message published meanwhile
 *                       is neither drained nor kicked.
 *   BREAK_NO_KICK_OWNER lwkt_host_kick() calls the async IPI without the
 *                       @kicking exchange: two senders queue the csd.
 */

#define RING	4		/* slots per FIFO (LWKT_IPIQ_SIZE) */
#define HIGH	2		/* LWKT_IPIQ_HIGH: senders wait at this depth */
#define N0	3		/* messages from source 0 (all kicked) */
#define N1	2		/* messages from source 1 (kick, then passive) */

/* The FIFOs, one per source: gd_ipiq[src] of the target. */
byte windex[2];
byte rindex[2];
byte slot[8];			/* [src * RING + index % RING]: message number */
byte ran[2];			/* messages of each source run so far */

/* The target's globaldata and host. */
bit rqf;			/* gd_reqflags & RQF_IPIQ */
bit npoll;			/* gd_npoll */
bit kicking;			/* lwkt_host.kicking */
bit csd_queued;			/* the csd's CSD_FLAG_LOCK: queued, not run */
byte csd_callers;		/* inside smp_call_function_single_async() */
bit woken;			/* lwkt_host.woken (sticky wakeup) */

/* drain_one(): run what source s queued, in order. */
inline drain(s)
{
	do
	:: rindex[s] != windex[s] ->
		/*
		 * Slot copied, then ip_rindex released (the slot is free
		 * again), then the function runs: it must be the next
		 * message of s.
		 */
		atomic {
			assert(slot[s * RING + rindex[s] % RING] == ran[s]);
			rindex[s] = rindex[s] + 1;
			ran[s] = ran[s] + 1
		}
	:: else -> break
	od
}

/* process_ipiq(gd, polling) on the target. */
inline process(polling)
{
#ifndef BREAK_NPOLL_LATE
	if
	:: !polling -> npoll = 0
	:: else -> skip
	fi;
#endif
	rqf = 0;
	drain(0);
	drain(1);
#ifdef BREAK_NPOLL_LATE
	if
	:: !polling -> npoll = 0
	:: else -> skip
	fi;
#endif
}

/*
 * The kick's hardirq on the target: the csd is unlocked, then
 * lwkt_host_kick_fn() clears @kicking and calls lwkt_ipiq_intr().
 */
inline irq(incrit)
{
	csd_queued = 0;
	kicking = 0;
	if
	:: incrit -> rqf = 1; woken = 1	/* deferred; lwkt_plat_wake() */
	:: else -> process(0)
	fi
}

/* An interrupt may come here (if one is queued). */
inline irq_point(incrit)
{
	if
	:: csd_queued -> irq(incrit)
	:: true -> skip
	fi
}

/* lwkt_host_kick(): whoever flips @kicking queues the csd. */
inline host_kick()
{
#ifndef BREAK_NO_KICK_OWNER
	if
	:: atomic { kicking == 0 -> kicking = 1 } ->	/* exchange won */
#endif
		/*
		 * smp_call_function_single_async(): the csd's lock flag is
		 * tested, then set, not atomically; once set the csd is ours
		 * (it may even run and be free again before we return).
		 */
		csd_callers++;
		assert(csd_callers == 1);
		assert(!csd_queued);	/* would be -EBUSY: a kick lost */
		atomic { csd_queued = 1; csd_callers-- }
#ifndef BREAK_NO_KICK_OWNER
	:: kicking != 0 -> skip
	fi
#endif
}

/* kick(): test gd_npoll, then exchange it; the winner kicks. */
inline kick()
{
	if
	:: atomic { npoll == 0 -> npoll = 1 } ->	/* exchange won */
		host_kick()
	:: npoll != 0 -> skip	/* avoided */
	fi
}

/* send(target, msg, mode) from source `me`. */
inline send(me, passive)
{
	wi = windex[me];
	/* wait_for_room(): kick and spin while nearly full */
	do
	:: wi - rindex[me] >= HIGH -> kick()
	:: else -> break
	od;
#ifdef BREAK_SEND_ORDER
	np = npoll;		/* the load passed the store below */
#endif
	/* the slot, then ip_windex published (exchange: a full barrier) */
	atomic { slot[me * RING + wi % RING] = nsent; windex[me] = wi + 1; wi = 0 };
	rqf = 1;
	if
	:: !passive ->
#ifdef BREAK_SEND_ORDER
		if
		:: np == 0 -> np = 0; kick()
		:: else -> np = 0	/* avoided on a stale look */
		fi
#else
		kick()
#endif
	:: else ->
		/* passive: a sleeping host must wake (no clock tick) */
		if
		:: npoll == 0 -> woken = 1
		:: else -> skip
		fi
	fi;
	nsent++
}

/*
 * A thread switched to resumes inside the switcher's critical section
 * and leaves it with crit_exit_quick() (lwkt_switch(), or
 * lwkt_thread_entry() for a new thread): what was queued before gd_npoll
 * was cleared is drained there.
 */
inline arrive()
{
	irq_point(1);
	if
	:: rqf -> process(0)
	:: else -> skip
	fi
}

proctype Source0()
{
	byte wi, np, nsent = 0;

	do
	:: nsent < N0 -> send(0, 0)
	:: else -> break
	od
}

proctype Source1()
{
	byte wi, np, nsent = 0;

	send(1, 0);
	send(1, 1)
}

proctype Target()
{
	bit ran_thread = 0, ran_spinner = 0;

	do
	:: /* lwkt_host_run(): one pass, inside the idle thread's crit */
		irq_point(1);
		if
		:: rqf -> process(1)
		:: else -> skip
		fi;
		irq_point(1);
		if
		:: !ran_thread ->
			/* runqmask: npoll = 0, then switch to a thread */
			ran_thread = 1;
			npoll = 0;
			arrive();
			irq_point(0);
			/* crit_enter ... crit_exit: the interrupt defers */
			irq_point(1);
			if	/* lwkt_crit_exit_slow() */
			:: rqf -> process(0)
			:: else -> skip
			fi;
			irq_point(0)
			/* back to the idle thread (a switch, in crit) */
		:: !ran_spinner ->
			/* a thread that spins until source 0's messages ran */
			ran_spinner = 1;
			npoll = 0;
			arrive();
busy:			do
			:: csd_queued -> irq(0)
			:: ran[0] == N0 -> break
			od
		:: true ->
			/* idle_poll(): senders skip the kick meanwhile */
			npoll = 1;
			if
			:: rqf -> skip		/* work came */
			:: true -> skip		/* the deadline passed */
			fi;
			irq_point(1);
			/* may_sleep() */
			npoll = 0;
			if
			:: !rqf ->
				/* lwkt_plat_idle(): interrupts still come */
end_sleep:			do
				:: csd_queued -> irq(1)
				:: woken -> woken = 0; break
				od
			:: else -> skip
			fi
		fi
	od
}

/* The system stopped: everything sent has run. */
proctype Watch()
{
	timeout -> assert(ran[0] == N0 && ran[1] == N1)
}

init
{
	atomic {
		run Target();
		run Source0();
		run Source1();
		run Watch()
	}
}
