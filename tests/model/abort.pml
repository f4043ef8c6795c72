/*
 * The message abort protocol: every message replied exactly once, and no
 * abort request acting on a later use of its message.
 *
 * Mirrors (change them together):
 *   src/core/msgport.cc  lwkt_sendmsg(), put(), put_ipi(), lwkt_waitport(),
 *                        dequeue(), lwkt_forwardmsg(), lwkt_replymsg(),
 *                        reply_ipi(), lwkt_waitmsg(), lwkt_abortmsg(),
 *                        abort_ipi() (the compare-and-exchange of
 *                        MSGF_ABORTED, the chase of ms_target_port, the
 *                        ms_aborts decrement as its last touch),
 *                        wait_aborts()
 *
 * The sender S on CPU 0 uses one message twice: lwkt_sendmsg() to port P
 * (owned by R on CPU 1), maybe lwkt_abortmsg(), lwkt_waitmsg(). R receives
 * it and either replies, or forwards it to port P2 (owned by R2 on CPU 2,
 * which replies), or hands it to a thread of CPU 2 that replies from there
 * (racing an abort on CPU 1: the compare-and-exchange decides). Every cross-CPU step is an IPI, FIFO per CPU pair; a
 * CPU's port queue changes only there, in a critical section or an IPI
 * function. Each request carries, as a ghost field the code does not have,
 * the use it was made for.
 *
 * Properties:
 *   - Replied exactly once: no use is replied twice (assert in reply),
 *     and each use S waited for was replied (assert after lwkt_waitmsg()).
 *   - No abort hitting a reused message: while an abort request can still
 *     look at the message, the message is in the use the abort was made
 *     for (asserts in abort_ipi).
 *   - Nothing is lost: when the system stops, S finished both uses
 *     (Watch's assertion on `timeout`).
 *
 * Break:
 *   BREAK_ABORTS_EARLY  abort_ipi() gives back its ms_aborts count first
 *                       instead of last: the sender reuses the message
 *                       while the abort still acts on it.
 *   BREAK_ABORT_REREAD  abort_ipi() looks at MSGF_QUEUED again after its
 *                       compare-and-exchange instead of using what the
 *                       exchange saw: a reply from CPU 2 queued the
 *                       message on the reply port meanwhile, and the abort
 *                       dequeues it from its port (it is not there) and
 *                       replies it a second time.
 */

#define NUSE	2

mtype = { PUT, ABORT, REPLY, WORK };

/* The message */
bit f_queued, f_done, f_reply, f_aborted;	/* ms_flags */
byte target;			/* ms_target_port: 1 = P (CPU 1), 2 = P2 (CPU 2) */
byte aborts;			/* ms_aborts */
byte use;			/* ghost: which use the message is in */
byte replies[NUSE + 1];		/* ghost: replies per use */
bit done_all;

/* Port queues (the message can be on at most one) */
bit inP, inP2, inRP;

/* IPI FIFOs: [from][to] */
chan q01 = [2] of { mtype, byte };
chan q02 = [1] of { mtype, byte };
chan q10 = [1] of { mtype, byte };
chan q12 = [2] of { mtype, byte };
chan q20 = [1] of { mtype, byte };

/* lwkt_replymsg() on CPU `me`: mark, send reply_ipi() to CPU 0 */
inline replymsg(fwd0)
{
	f_reply = 1;
	replies[use]++;
	assert(replies[use] == 1);
	fwd0 ! REPLY, use
}

/* reply_ipi() on CPU 0: async, so queued on the reply port, done */
inline reply_ipi()
{
	inRP = 1;
	atomic { f_queued = 1; f_done = 1 }
}

/* put_ipi() on CPU me for port me */
inline put_ipi(me)
{
	assert(target == me);
	if
	:: me == 1 -> inP = 1
	:: else -> inP2 = 1
	fi;
	f_queued = 1
}

/* abort_ipi() on CPU me; u is the use it was made for (ghost) */
inline abort_ipi(me, u, fwd, reply0)
{
#ifdef BREAK_ABORTS_EARLY
	aborts--;
#endif
	assert(use == u);
	if
	:: target != me ->
		/* the message moved on: chase it */
		fwd ! ABORT, u
	:: else ->
		assert(use == u);
		atomic {	/* the compare-and-exchange loop; f: what it saw */
			if
			:: f_reply || f_done -> ok = 0
			:: else -> f_aborted = 1; ok = 1; wasq = f_queued
			fi
		};
#ifdef BREAK_ABORT_REREAD
		wasq = f_queued;
#endif
		if
		:: ok && wasq ->
			/* not received: dequeue it and reply it aborted */
			assert(use == u);
			if
			:: me == 1 -> assert(inP); inP = 0
			:: else -> assert(inP2); inP2 = 0
			fi;
			f_queued = 0;
			replymsg(reply0)
		:: else -> skip
		fi;
		atomic { ok = 0; wasq = 0 };
#ifndef BREAK_ABORTS_EARLY
		assert(use == u);
		aborts--
#endif
	fi
}

/* CPU 0's IPIs: replies */
inline ipis0()
{
	do
	:: q10 ? REPLY, _ -> reply_ipi()
	:: q20 ? REPLY, _ -> reply_ipi()
	:: empty(q10) && empty(q20) -> break
	od
}

inline ipi_point0()
{
	if
	:: ipis0()
	:: skip
	fi
}

/* wait_aborts(): spin serving IPIs until no abort is in flight */
inline wait_aborts()
{
	do
	:: aborts == 0 -> break
	:: nempty(q10) || nempty(q20) -> ipis0()
	od
}

proctype Sender()
{
	byte u = 0;

	do
	:: u < NUSE ->
		u++;
		/* lwkt_sendmsg(P, msg) */
		wait_aborts();
		atomic { f_done = 0; f_reply = 0; f_queued = 0; f_aborted = 0 };
		use = u;
		target = 1;
		q01 ! PUT, u;
		ipi_point0();
		if
		:: /* lwkt_abortmsg(msg) */
			if
			:: !(f_reply || f_done) ->
				aborts++;
				if
				:: target == 1 -> q01 ! ABORT, u
				:: else -> q02 ! ABORT, u
				fi
			:: else -> skip
			fi;
			ipi_point0()
		:: skip
		fi;
		/* lwkt_waitmsg(msg): sleep until MSGF_DONE */
		do
		:: f_done -> break
		:: nempty(q10) || nempty(q20) -> ipis0()
		od;
		if
		:: f_queued -> assert(inRP); inRP = 0; f_queued = 0
		:: else -> skip
		fi;
		wait_aborts();
		assert(replies[u] == 1);
		ipi_point0()
	:: else -> break
	od;
	done_all = 1;
end_idle:
	do
	:: nempty(q10) || nempty(q20) -> ipis0()
	od
}

/*
 * CPU 1: R serves port P. Its IPIs run outside its critical sections,
 * also while it has a message in service (received, not yet replied).
 */
proctype Cpu1()
{
	byte u;
	bit ok, wasq, inservice;

end_idle:
	do
	:: q01 ? PUT, u -> put_ipi(1)
	:: q01 ? ABORT, u -> abort_ipi(1, u, q12, q10)
	:: inP && !inservice ->
		/* lwkt_waitport(P): dequeue, in R's critical section */
		atomic { inP = 0; f_queued = 0; inservice = 1 }
	:: inservice ->
		inservice = 0;
		if
		:: replymsg(q10)
		:: /* lwkt_forwardmsg(P2, msg) */
			target = 2;
			q12 ! PUT, use
		:: /* handed to a thread of CPU 2, which replies from there */
			q12 ! WORK, use
		fi
	od
}

/* CPU 2: R2 serves port P2 and replies; a thread of CPU 2 replies for R. */
proctype Cpu2()
{
	byte u;
	bit ok, wasq, inservice;

end_idle:
	do
	:: q12 ? PUT, u -> put_ipi(2)
	:: q12 ? ABORT, u -> abort_ipi(2, u, q12, q20)
	:: q02 ? ABORT, u -> abort_ipi(2, u, q12, q20)
	:: q12 ? WORK, u -> assert(u == use); replymsg(q20)
	:: inP2 && !inservice ->
		atomic { inP2 = 0; f_queued = 0; inservice = 1 }
	:: inservice ->
		inservice = 0;
		replymsg(q20)
	od
}

proctype Watch()
{
	timeout -> assert(done_all)
}

init
{
	atomic {
		run Sender();
		run Cpu1();
		run Cpu2();
		run Watch()
	}
}
