/*
 * lwkt_block() / lwkt_signal(): the generation interlock across CPUs.
 *
 * Mirrors (change them together):
 *   src/core/wait.cc   lwkt_block(), lwkt_signal(), wait_unlink(),
 *                      unlink_locked()
 *   src/core/sched.cc  schedule_in_crit(), schedule_remote(), lwkt_schedule()
 *   src/core/spin.h    spin_lock() (serves the CPU's IPIs while it spins)
 *
 * A waiter W on CPU 0 waits for x == NSIG the documented way: read wa_gen,
 * check the condition, lwkt_block(&w, &gen) while it does not hold. CPU 1
 * sets x = 1, 2, ... and calls lwkt_signal(&w, 1) after each. CPU 2 calls
 * lwkt_schedule(W) once (a wakeup from elsewhere: wait_unlink()). Both
 * reach CPU 0 by an IPI (schedule_remote), FIFO per CPU pair. CPU 0 runs
 * its IPIs while W is outside a critical section (the kick's hardirq),
 * while W spins for the wait lock, and in its idle loop while W sleeps.
 *
 * Properties:
 *   - No lost wakeup: when the system stops, W has seen x == NSIG and
 *     returned (Watch's assertion on `timeout`).
 *   - A woken W is off the wait queue (td_wait cleared) before it runs
 *     (assert after the switch).
 *
 * One waiter, so lwkt_signal(&w, 1) is one lock round: bump the
 * generation, take the waiter off the queue if it is on it, unlock,
 * schedule it. Several waiters, one round each, are signal.pml.
 *
 * Break:
 *   BREAK_GEN_UNLOCKED  lwkt_block() compares the generation before it
 *                       takes the wait lock: a signal between the compare
 *                       and the enqueue finds nobody to wake.
 */

#define NSIG	2

byte x;				/* the waiter's condition */
byte wa_gen;
bit wa_lock;
bit queued;			/* W is linked on wa_waitq */
bit td_wait;			/* W's td_wait == &w */
bit onrunq;			/* W's TDF_RUNQ on CPU 0 */
bit wcur = 1;			/* W is CPU 0's current thread */
bit done;

chan ipi1 = [NSIG] of { bit };	/* CPU 1 -> CPU 0: schedule_remote(W) */
chan ipi2 = [1] of { bit };	/* CPU 2 -> CPU 0 */

/* wait_unlink() on any CPU: off the queue if still on it. */
inline wait_unlink()
{
	if
	:: td_wait ->
		atomic { wa_lock == 0 -> wa_lock = 1 };
		if
		:: td_wait -> queued = 0; td_wait = 0
		:: else -> skip	/* signalled meanwhile */
		fi;
		wa_lock = 0
	:: else -> skip
	fi
}

/* schedule_remote(W) on CPU 0: schedule_in_crit(gd0, W). */
inline sched_local()
{
	if
	:: wcur -> onrunq = 1
	:: else ->
		wait_unlink();
		onrunq = 1
	fi
}

/* process_ipiq() on CPU 0 */
inline ipis()
{
	do
	:: ipi1 ? _ -> sched_local()
	:: ipi2 ? _ -> sched_local()
	:: empty(ipi1) && empty(ipi2) -> break
	od
}

/* W outside a critical section: the hardirq may drain here. */
inline ipi_point()
{
	if
	:: true -> ipis()
	:: true -> skip
	fi
}

proctype Waiter()
{
	byte gen;

	gen = wa_gen;
	ipi_point();
	do
	:: x == NSIG -> break
	:: else ->
		ipi_point();
		/* lwkt_block(&w, "w", &gen): crit_enter */
#ifdef BREAK_GEN_UNLOCKED
		if
		:: wa_gen != gen -> gen = wa_gen; goto unblocked
		:: else -> skip
		fi;
#endif
		/* spin_lock(): serving our IPIs while it spins */
		do
		:: atomic { wa_lock == 0 -> wa_lock = 1 }; break
		:: nempty(ipi1) || nempty(ipi2) -> ipis()
		od;
#ifndef BREAK_GEN_UNLOCKED
		if
		:: wa_gen != gen ->
			gen = wa_gen;
			wa_lock = 0;
			goto unblocked
		:: else -> skip
		fi;
#endif
		onrunq = 0;		/* runq_dequeue */
		queued = 1;
		td_wait = 1;
		wa_lock = 0;
		/* lwkt_switch(): the idle loop serves IPIs until W is runnable */
		wcur = 0;
end_sleep:	do
		:: onrunq -> break
		:: nempty(ipi1) || nempty(ipi2) -> ipis()
		od;
		wcur = 1;
		assert(!td_wait && !queued);
		gen = wa_gen;
unblocked:	/* crit_exit: drains */
		ipi_point()
	od;
	done = 1;
	/* W blocks for good; its CPU still serves IPIs. */
	wcur = 0;
end_idle:
	do
	:: nempty(ipi1) || nempty(ipi2) -> ipis()
	od
}

/* lwkt_signal(&w, 1) from CPU 1, after each change of x. */
proctype Signaller()
{
	bit woke;

	do
	:: x < NSIG ->
		x++;
		atomic { wa_lock == 0 -> wa_lock = 1 };
		wa_gen++;
		if
		:: queued -> queued = 0; td_wait = 0; woke = 1
		:: else -> woke = 0
		fi;
		wa_lock = 0;
		/* schedule_in_crit(): W is CPU 0's */
		if
		:: woke -> ipi1 ! 1
		:: else -> skip
		fi
	:: else -> break
	od
}

/* lwkt_schedule(W) from CPU 2: wait_unlink(), then CPU 0 enqueues. */
proctype Scheduler()
{
	wait_unlink();
	ipi2 ! 1
}

proctype Watch()
{
	timeout -> assert(done)
}

init
{
	atomic {
		run Waiter();
		run Signaller();
		run Scheduler();
		run Watch()
	}
}
