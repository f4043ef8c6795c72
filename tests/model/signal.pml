/*
 * lwkt_signal() waking several waiters across CPUs: it takes them off the
 * wait queue one at a time (lock, unlink the oldest, unlock, schedule it),
 * as many as were queued when it bumped the generation.
 *
 * Mirrors (change them together):
 *   src/core/wait.cc   lwkt_signal() (one waiter per lock round, the
 *                      schedule outside the lock), lwkt_block(),
 *                      unlink_locked(), wait_unlink()
 *   src/core/sched.cc  schedule_in_crit(), schedule_remote(), lwkt_schedule()
 *
 * Two waiters on one wait structure: W1 on CPU 0 waits for x >= 1, then
 * for x >= 2; W2 on CPU 3 waits for x >= 1. CPU 1 sets x = 1 and calls
 * lwkt_signal(&w, -1) (wake everyone); CPU 2 sets x = 2 once x is 1 and
 * calls lwkt_signal(&w, -1) too; CPU 4 calls lwkt_schedule(W1) once, at
 * any moment (a wakeup from elsewhere, which lwkt_block() allows). Wakeups
 * reach a waiter's CPU by IPI; a waiter's CPU runs them while the waiter
 * is outside a critical section, while it spins for the lock and while it
 * sleeps.
 *
 * Properties:
 *   - No lost wakeup: when the system stops, both waiters have seen their
 *     conditions and returned (Watch's assertion on `timeout`).
 *   - A woken waiter is off the wait queue (assert after its switch).
 *
 * This model found a lost wakeup in an earlier lwkt_signal(), which took
 * its whole batch off the queue under the lock, chained it through a
 * td_wakenext field and walked the chain after the unlock (kept here as
 * BREAK_WAKE_BATCH). Spin's shortest counterexample:
 *   1. CPU 4's lwkt_schedule(W1) reads td_wait clear (W1 is running) and
 *      sends schedule_remote(W1) to CPU 0; it is not run yet.
 *   2. W1 and W2 block: the queue is [W1, W2].
 *   3. CPU 1: x = 1, lwkt_signal(&w, -1) takes both off the queue under
 *      the lock (td_wait cleared, W1->td_wakenext = W2), unlocks, and is
 *      about to read W1->td_wakenext.
 *   4. CPU 0 runs the IPI of step 1: W1 is no longer on the wait queue, so
 *      it is enqueued, and runs: x >= 1, then x >= 2 does not hold, and it
 *      blocks on w again.
 *   5. CPU 2: x = 2, lwkt_signal(&w, -1) takes W1 off the queue,
 *      W1->td_wakenext = NULL, and schedules it.
 *   6. CPU 1 reads W1->td_wakenext: NULL. Its batch ends there: W2 is off
 *      the wait queue, td_wait clear, on no run queue, and never woken.
 * Step 3's delay is any stall of CPU 1 between spin_unlock() and the read
 * (an interrupt, its host preempted); with a batch [X, W1, W2] it is also
 * the schedule_in_crit(X) before it, which may wait for FIFO room
 * (tests/host/wait_test.cc reproduces it that way). Fixed: no link through
 * a taken thread outlives the lock.
 *
 * Breaks:
 *   BREAK_GEN_UNLOCKED  as in wait.pml: the generation compared before the
 *                       lock is taken, not under it.
 *   BREAK_WAKE_BATCH    the old lwkt_signal(): the whole batch chained
 *                       through td_wakenext under the lock, walked after.
 */

byte x;
byte wa_gen;
bit wa_lock;
/* the wait queue, in order: waiter ids (1, 2), 0 = empty slot */
byte wq[2];
bit td_wait[3];			/* [id]: td_wait == &w */
bit onrunq[3];
bit cur[3];			/* the waiter is its CPU's current thread */
#ifdef BREAK_WAKE_BATCH
byte wakenext[3];		/* td_wakenext: 0 = none */
#endif
bit done[3];

chan ipi0 = [3] of { byte };	/* to CPU 0 (W1): schedule_remote(id) */
chan ipi3 = [3] of { byte };	/* to CPU 3 (W2) */

/* Under the lock: take `id` off the queue (unlink_locked()). */
inline unlink_locked(id)
{
	if
	:: wq[0] == id -> wq[0] = wq[1]; wq[1] = 0
	:: else -> assert(wq[1] == id); wq[1] = 0
	fi;
	td_wait[id] = 0
}

inline wait_unlink(id)
{
	if
	:: td_wait[id] ->
		atomic { wa_lock == 0 -> wa_lock = 1 };
		if
		:: td_wait[id] -> unlink_locked(id)
		:: else -> skip
		fi;
		wa_lock = 0
	:: else -> skip
	fi
}

/* schedule_in_crit() on the waiter's own CPU */
inline sched_local(id)
{
	if
	:: cur[id] -> onrunq[id] = 1
	:: else -> wait_unlink(id); onrunq[id] = 1
	fi
}

/* schedule_in_crit() from another CPU: td_wait first, then the IPI */
inline sched_remote(id)
{
	wait_unlink(id);
	if
	:: id == 1 -> ipi0 ! 1
	:: else -> ipi3 ! 2
	fi
}

inline ipis(q, id)
{
	do
	:: q ? _ -> sched_local(id)
	:: empty(q) -> break
	od
}

inline ipi_point(q, id)
{
	if
	:: ipis(q, id)
	:: skip
	fi
}

/* lwkt_block(&w, &gen) by waiter `id` whose IPIs arrive on q */
inline block(q, id)
{
#ifdef BREAK_GEN_UNLOCKED
	if
	:: wa_gen != gen -> gen = wa_gen; goto unblocked
	:: else -> skip
	fi;
#endif
	do
	:: atomic { wa_lock == 0 -> wa_lock = 1 }; break
	:: nempty(q) -> ipis(q, id)
	od;
#ifndef BREAK_GEN_UNLOCKED
	if
	:: wa_gen != gen -> gen = wa_gen; wa_lock = 0; goto unblocked
	:: else -> skip
	fi;
#endif
	onrunq[id] = 0;
	if
	:: wq[0] == 0 -> wq[0] = id
	:: else -> wq[1] = id
	fi;
	td_wait[id] = 1;
	wa_lock = 0;
	cur[id] = 0;
	do
	:: onrunq[id] -> break
	:: nempty(q) -> ipis(q, id)
	od;
	cur[id] = 1;
	assert(!td_wait[id] && wq[0] != id && wq[1] != id);
	gen = wa_gen;
unblocked:
	ipi_point(q, id)
}

/* lwkt_signal(&w, -1) */
#ifndef BREAK_WAKE_BATCH
inline signal_all()
{
	atomic { wa_lock == 0 -> wa_lock = 1 };
	wa_gen++;
	/* left = wa_count: the waiters queued now */
	left = (wq[0] != 0) + (wq[1] != 0);
	do
	:: left > 0 && wq[0] != 0 ->
		td = wq[0];
		unlink_locked(td);
		left--;
		wa_lock = 0;
		sched_remote(td);
		if
		:: left == 0 -> break
		:: else -> skip
		fi;
		atomic { wa_lock == 0 -> wa_lock = 1 }
	:: else -> wa_lock = 0; break
	od;
	atomic { td = 0; left = 0 }
}
#else
inline signal_all()
{
	atomic { wa_lock == 0 -> wa_lock = 1 };
	wa_gen++;
	head = 0;
	tail = 0;
	do
	:: wq[0] != 0 ->
		td = wq[0];
		unlink_locked(td);
		wakenext[td] = 0;
		if
		:: head == 0 -> head = td
		:: else -> wakenext[tail] = td
		fi;
		tail = td
	:: else -> break
	od;
	wa_lock = 0;
	/* outside the lock: walk the batch */
	do
	:: head != 0 ->
		td = head;
		head = wakenext[td];
		sched_remote(td)
	:: else -> break
	od;
	atomic { td = 0; tail = 0 }
}
#endif

proctype W1()
{
	byte gen, p = 1;

	do
	:: p <= 2 ->
		gen = wa_gen;
		ipi_point(ipi0, 1);
		do
		:: x >= p -> break
		:: else -> block(ipi0, 1)
		od;
		p++
	:: else -> break
	od;
	done[1] = 1;
	cur[1] = 0;
end_idle:
	do
	:: nempty(ipi0) -> ipis(ipi0, 1)
	od
}

proctype W2()
{
	byte gen;

	gen = wa_gen;
	ipi_point(ipi3, 2);
	do
	:: x >= 1 -> break
	:: else -> block(ipi3, 2)
	od;
	done[2] = 1;
	cur[2] = 0;
end_idle:
	do
	:: nempty(ipi3) -> ipis(ipi3, 2)
	od
}

proctype S1()
{
	byte left, td;
#ifdef BREAK_WAKE_BATCH
	byte head, tail;
#endif

	x = 1;
	signal_all()
}

proctype S2()
{
	byte left, td;
#ifdef BREAK_WAKE_BATCH
	byte head, tail;
#endif

	x == 1 -> x = 2;
	signal_all()
}

/* lwkt_schedule(W1) from CPU 4 */
proctype Other()
{
	sched_remote(1)
}

proctype Watch()
{
	timeout -> assert(done[1] && done[2])
}

init
{
	atomic {
		cur[1] = 1;
		cur[2] = 1;
		onrunq[1] = 1;
		onrunq[2] = 1;
		run W1();
		run W2();
		run S1();
		run S2();
		run Other();
		run Watch()
	}
}
