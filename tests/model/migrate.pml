/*
 * Migration's hand-over: TDF_RUNNING cleared by the old CPU, then the
 * thread adopted by the new one.
 *
 * Mirrors (change them together):
 *   src/core/migrate.cc  lwkt_setcpu_self(), migrate_send(), adopt(),
 *                        lwkt_acquire(), disown()
 *   src/core/switch.cc   switch_to(), switch_tail() (TDF_RUNNING cleared
 *                        with release, then migrate_send())
 *   src/core/sched.cc    schedule_in_crit() (forwarding to td_gd, the
 *                        "arriving here" case), schedule_remote()
 *
 * Thread T runs on CPU 0 and calls lwkt_setcpu_self(CPU 1). CPU 2 calls
 * lwkt_schedule(T) once, at any moment: its IPI goes to whatever td_gd it
 * read, and CPU 0 forwards it to CPU 1 if T left meanwhile. IPIs are FIFO
 * per CPU pair. CPU 0 runs its IPIs while T is outside a critical section
 * and in its idle loop; CPU 1 in its idle loop and while T, arrived, runs.
 *
 * The pull: thread U of CPU 3 deschedules itself and switches out, and
 * meanwhile a thread of CPU 1 calls lwkt_acquire(U) (its contract: U is
 * off every queue and nobody schedules it meanwhile): it spins until
 * TDF_RUNNING is clear, has CPU 3 disown U (an IPI, waited for), links U
 * and schedules it, and U runs on CPU 1.
 *
 * Properties:
 *   - T's stack is never used by two CPUs at once (assert on_stack <= 1
 *     whenever a CPU switches onto it).
 *   - adopt() finds T migrating, of its CPU and not running (its asserts).
 *   - T is on at most one run queue, and only on its own CPU's.
 *   - U's stack is never used by two CPUs; disown() finds U of CPU 3 and
 *     off its run queue (its assert).
 *   - Neither is lost: when the system stops, T has resumed on CPU 1 and
 *     returned from lwkt_setcpu_self(), and U has run on CPU 1 (Watch's
 *     assertion on `timeout`).
 *
 * Break:
 *   BREAK_ADOPT_EARLY  lwkt_setcpu_self() sends the adopting IPI itself,
 *                      before lwkt_switch(), instead of the switch tail
 *                      after TDF_RUNNING is cleared: CPU 1 resumes T on
 *                      its stack while CPU 0 is still on it.
 *   BREAK_ACQUIRE_NO_WAIT  lwkt_acquire() does not wait for TDF_RUNNING
 *                      to clear: U runs on CPU 1 while CPU 3 is still
 *                      switching away from it.
 */

byte td_gd = 0;
bit running = 1;		/* TDF_RUNNING */
bit migrating;			/* TDF_MIGRATING */
bit runq[2];			/* TDF_RUNQ, on CPU 0's or CPU 1's queues */
bit cur0 = 1;			/* T is CPU 0's current thread */
bit cur1;			/* T is CPU 1's current thread */
byte on_stack = 1;		/* CPUs executing on T's stack */
bit arrived;			/* T returned from lwkt_setcpu_self() on CPU 1 */

/* IPI FIFOs, one per ordered pair: 0 = schedule_remote(T), 1 = adopt(T) */
chan q01 = [2] of { bit };
chan q21 = [1] of { bit };
chan q20 = [1] of { bit };

/* U, pulled from CPU 3 by lwkt_acquire() on CPU 1 */
byte u_gd = 3;
bit u_running = 1;		/* U's TDF_RUNNING */
bit u_runq3 = 1;		/* U on CPU 3's run queue */
bit u_linked3 = 1;		/* U on CPU 3's all-threads list */
byte u_stack = 1;		/* CPUs executing on U's stack */
bit u_disowned;			/* disown()'s message has run (ip_xindex) */
bit u_acquired, u_ran;
chan q13 = [1] of { bit };	/* CPU 1 -> CPU 3: disown(U) */

/* schedule_in_crit(gd, T) on CPU `me`, from an IPI or a thread. */
inline sched_on(me, curT, fwd)
{
	if
	:: curT -> runq[me] = 1
	:: else ->
		if
		:: td_gd != me -> fwd ! 0	/* its CPU does it */
		:: else ->
			if
			:: !migrating -> runq[me] = 1
			:: else -> skip	/* arriving: adopt() enqueues */
			fi
		fi
	fi;
	assert(runq[0] + runq[1] <= 1)
}

/* adopt(T) on CPU 1 */
inline adopt()
{
	assert(td_gd == 1 && migrating && !running);
	migrating = 0;
	runq[1] = 1;
	assert(runq[0] + runq[1] <= 1)
}

inline ipis0()
{
	do
	:: q20 ? _ -> sched_on(0, cur0, q01)
	:: empty(q20) -> break
	od
}

inline ipis1()
{
	do
	:: q01 ? m -> if :: m == 0 -> sched_on(1, cur1, q01) :: else -> adopt() fi
	:: q21 ? _ -> sched_on(1, cur1, q01)
	:: empty(q01) && empty(q21) -> break
	od
}

proctype Cpu0()
{
	/* T runs, outside a critical section: the hardirq may drain */
	if
	:: ipis0()
	:: skip
	fi;
	/* lwkt_setcpu_self(CPU 1): crit_enter */
	migrating = 1;
	runq[0] = 0;
	td_gd = 1;
#ifdef BREAK_ADOPT_EARLY
	q01 ! 1;
#endif
	/* lwkt_switch() -> switch_to(): curthread = idle, then the stacks */
	cur0 = 0;
	on_stack--;
	/* switch_tail() on the idle thread's stack */
	running = 0;
#ifndef BREAK_ADOPT_EARLY
	if
	:: migrating -> q01 ! 1		/* migrate_send() */
	:: else -> skip
	fi;
#endif
	/* the idle loop */
end_idle:
	do
	:: nempty(q20) -> ipis0()
	od
}

proctype Cpu1()
{
	byte m;

end_idle:
	do
	:: nempty(q01) || nempty(q21) -> ipis1()
	:: !u_acquired ->
		/* a thread of CPU 1: lwkt_acquire(U), inside its crit */
#ifndef BREAK_ACQUIRE_NO_WAIT
		do	/* its old CPU may still be switching away from it */
		:: !u_running -> break
		:: nempty(q01) || nempty(q21) -> ipis1()
		od;
#endif
		q13 ! 1;
		do	/* lwkt_wait_ipiq(): serving our IPIs meanwhile */
		:: u_disowned -> break
		:: nempty(q01) || nempty(q21) -> ipis1()
		od;
		u_gd = 1;
		u_acquired = 1;
		/* then lwkt_schedule(U), and U runs here */
		u_stack++;
		assert(u_stack == 1);
		u_running = 1;
		u_ran = 1
	:: runq[1] && !cur1 && !arrived ->
		/* switch_to(T): curthread = T, TDF_RUNNING, then its stack */
		cur1 = 1;
		running = 1;
		on_stack++;
		assert(on_stack == 1);
		/* back in lwkt_setcpu_self() */
		assert(td_gd == 1);
		arrived = 1
		/* T stays current, outside crit: IPIs go on here */
	od
}

/* disown(U) on CPU 3 */
inline disown()
{
	assert(u_gd == 3 && !u_runq3);
	u_linked3 = 0;
	u_disowned = 1
}

/* CPU 3: U deschedules itself and switches out; then the idle loop */
proctype Cpu3()
{
	/* lwkt_deschedule_self(U): its crit_exit may drain IPIs */
	u_runq3 = 0;
	if
	:: q13 ? _ -> disown()
	:: skip
	fi;
	/* lwkt_switch() -> switch_to(idle) */
	u_stack--;
	/* switch_tail(): TDF_RUNNING cleared, with release */
	u_running = 0;
end_idle:
	do
	:: q13 ? _ -> disown()
	od
}

/* lwkt_schedule(T) from CPU 2 */
proctype Cpu2()
{
	if
	:: td_gd == 0 -> q20 ! 0
	:: else -> q21 ! 0
	fi
}

proctype Watch()
{
	timeout -> assert(arrived && u_ran)
}

init
{
	atomic {
		run Cpu0();
		run Cpu1();
		run Cpu2();
		run Cpu3();
		run Watch()
	}
}
