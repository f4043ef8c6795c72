/*
 * Tokens: released when their thread switches out, taken back (all of
 * them, or none) before it runs again.
 *
 * Mirrors (change them together):
 *   src/core/token.cc    lwkt_gettoken(), gettoken_contended(),
 *                        lwkt_reltoken(), link_ref()
 *   src/core/mplock.h    token_take(), rel_all_tokens(), chktokens()
 *   src/core/switch.cc   lwkt_switch() (rel_all_tokens() at switch-out),
 *                        pick()/pick_slow()/can_run() (chktokens() before
 *                        a thread is chosen), idle_choice() (IDLE_NOHLT:
 *                        the idle thread retries while threads wait)
 *
 * Two CPUs, two tokens, three threads: A on CPU 0 gets token 1 then
 * token 2, C on CPU 0 gets token 1, B on CPU 1 gets token 2 then token 1
 * (the opposite order: the lock-order inversion tokens must survive).
 * Each uses its tokens, yields once while holding them (lwkt_switch()
 * frees them; it resumes only after the switcher took them back), uses
 * them again, releases them and exits. A thread runs only while it is its
 * CPU's current thread (`provided`). The switcher tries the runnable
 * threads of its CPU in any order (an over-approximation of the round
 * robin); the idle thread retries once some thread's tokens look free (a
 * blocking stand-in for its spin, so that a deadlock stops the system).
 *
 * Properties:
 *   - Mutual exclusion: two running threads never use one token at once,
 *     and a running thread owns every token it holds a tokref for
 *     (asserts in use()).
 *   - No deadlock: when the system stops, every thread has finished
 *     (Watch's assertion on `timeout`).
 *   A livelock (two CPUs' switchers taking and dropping each other's
 *   tokens in lock step forever) is not excluded by the design and is not
 *   claimed here. The progress_ labels mark where a thread gets work
 *   done; a non-progress search shows that cycle:
 *     spin -a token.pml && gcc -O2 -DNP -DNFAIR=4 -DNOREDUCE -o pan pan.c
 *     ./pan -l -m1000000 && spin -t -p token.pml
 *
 * Breaks:
 *   BREAK_HOLD_AND_WAIT   rel_all_tokens() frees nothing: a thread keeps
 *                         its tokens when it switches out and when
 *                         chktokens() fails, like an ordinary lock. A holds
 *                         1 and waits for 2, B holds 2 and waits for 1,
 *                         for ever.
 *   BREAK_REL_ANY         rel_all_tokens() frees a token without checking
 *                         that the thread owns it: a failed chktokens()
 *                         frees a token another CPU's thread is using.
 */

#define NTHR	4		/* thread ids 1..3; 0 is a CPU's idle thread */

byte owner[3];			/* t_owner of tokens 1 and 2 (0: free) */
byte inuse[3];			/* the running thread using the token */
byte cur[2] = 0;		/* each CPU's current thread */
bit onrunq[NTHR];		/* TDF_RUNQ */
byte tcpu[NTHR];		/* td_gd */
byte lt[NTHR * 2];		/* td_toks: [me * 2 + i], i-th tokref made */
byte nt[NTHR];			/* tokrefs linked */
bit done[NTHR];

/* rel_all_tokens(td) */
inline rel_all(td)
{
#ifndef BREAK_HOLD_AND_WAIT
	i = 0;
	do
	:: i < nt[td] ->
#ifdef BREAK_REL_ANY
		owner[lt[td * 2 + i]] = 0;
#else
		atomic {
			if
			:: owner[lt[td * 2 + i]] == td -> owner[lt[td * 2 + i]] = 0
			:: else -> skip
			fi
		}
#endif
		i++
	:: else -> break
	od
#else
	skip
#endif
}

/* chktokens(td): take them all (newest first) or none. */
inline chktokens(td, ok)
{
	ok = 1;
	i = nt[td];
	do
	:: i > 0 ->
		i--;
		atomic {	/* token_take(): compare-and-exchange */
			if
			:: owner[lt[td * 2 + i]] == 0 -> owner[lt[td * 2 + i]] = td
			:: owner[lt[td * 2 + i]] == td -> skip
			:: else -> ok = 0
			fi
		};
		if
		:: !ok -> rel_all(td); break
		:: else -> skip
		fi
	:: else -> break
	od
}

/* Could td run as far as its tokens go (the idle thread's hint)? */
#define looks_free(td) \
	((nt[td] < 1 || owner[lt[td * 2]] == 0 || owner[lt[td * 2]] == td) && \
	 (nt[td] < 2 || owner[lt[td * 2 + 1]] == 0 || owner[lt[td * 2 + 1]] == td))

/*
 * pick() on CPU c: try the runnable threads of c in any order; the first
 * whose tokens chktokens() takes becomes current, else the idle thread.
 */
inline pick(c)
{
	tried = 0;
	nxt = 0;
	do
	:: nxt == 0 ->
		if
		:: onrunq[1] && tcpu[1] == c && !(tried & 2) -> cand = 1
		:: onrunq[2] && tcpu[2] == c && !(tried & 4) -> cand = 2
		:: onrunq[3] && tcpu[3] == c && !(tried & 8) -> cand = 3
		:: else -> break
		fi;
		tried = tried | (1 << cand);
		chktokens(cand, ok);
		if
		:: ok -> nxt = cand
		:: else -> skip
		fi
	:: else -> break
	od;
	/* (locals back to 0: fewer states) */
	atomic { tried = 0; cand = 0; i = 0; ok = 0; cur[c] = nxt };
	nxt = 0
}

/* lwkt_switch() by thread me on CPU c */
inline lwkt_switch(me, c)
{
	rel_all(me);
	pick(c)
	/* me runs on only once it is current again (provided clause) */
}

/* lwkt_gettoken(): link the tokref, take it or switch until it is ours */
inline gettoken(me, c, t)
{
	lt[me * 2 + nt[me]] = t;
	nt[me]++;
	atomic {
		if
		:: owner[t] == 0 -> owner[t] = me; ok = 1
		:: owner[t] == me -> ok = 1
		:: else -> ok = 0
		fi
	};
	if
	:: !ok ->
		/* gettoken_contended(): back only once the switcher took them */
		lwkt_switch(me, c);
		chktokens(me, ok);
		assert(ok)
	:: else -> skip
	fi;
	atomic { ok = 0; i = 0 }
}

/* The thread works with every token it holds a tokref for. */
inline use(me)
{
	atomic {
		i = 0;
		do
		:: i < nt[me] ->
			assert(owner[lt[me * 2 + i]] == me);
			assert(inuse[lt[me * 2 + i]] == 0 ||
			       inuse[lt[me * 2 + i]] == me);
			inuse[lt[me * 2 + i]] = me;
			i++
		:: else -> break
		od;
		i = 0
	};
	atomic {
		i = 0;
		do
		:: i < nt[me] ->
			assert(owner[lt[me * 2 + i]] == me);
			inuse[lt[me * 2 + i]] = 0;
			i++
		:: else -> break
		od;
		i = 0
	}
}

/* Thread ids are the process ids (init runs them first: 1, 2, 3). */
proctype Thread(byte me; byte c; byte t1; byte t2) provided (cur[tcpu[_pid]] == _pid)
{
	byte i, tried, nxt, cand;
	bit ok;

	assert(me == _pid);
	gettoken(me, c, t1);
	if
	:: t2 != 0 -> gettoken(me, c, t2)
	:: else -> skip
	fi;
progress_use1:
	use(me);
	/* lwkt_yield(): still runnable, its tokens freed meanwhile */
	lwkt_switch(me, c);
progress_use2:
	use(me);
	/* lwkt_reltoken() of each, newest first, then exit */
	do
	:: nt[me] > 0 ->
		nt[me]--;
		if	/* other_ref(): A and B name each token once */
		:: owner[lt[me * 2 + nt[me]]] == me -> owner[lt[me * 2 + nt[me]]] = 0
		:: else -> assert(false)
		fi
	:: else -> break
	od;
	/* lwkt_exit(): off the run queue; the idle thread picks the next */
	atomic { done[me] = 1; onrunq[me] = 0; cur[c] = 0 }
}

/* CPU c's idle thread: while threads wait, retry the pick. */
/* Idle threads are processes 4 and 5, for CPUs 0 and 1. */
proctype Idle(byte c) provided (cur[_pid - 4] == 0)
{
	byte i, tried, nxt, cand;
	bit ok;

	assert(c == _pid - 4);
end_idle:
	do
	:: (onrunq[1] && tcpu[1] == c && looks_free(1)) ||
	   (onrunq[2] && tcpu[2] == c && looks_free(2)) ||
	   (onrunq[3] && tcpu[3] == c && looks_free(3)) ->
		pick(c)
	od
}

proctype Watch()
{
	timeout -> assert(done[1] && done[2] && done[3])
}

init
{
	atomic {
		tcpu[1] = 0; onrunq[1] = 1;	/* A */
		tcpu[2] = 0; onrunq[2] = 1;	/* C */
		tcpu[3] = 1; onrunq[3] = 1;	/* B */
		run Thread(1, 0, 1, 2);
		run Thread(2, 0, 1, 0);
		run Thread(3, 1, 2, 1);
		run Idle(0);
		run Idle(1);
		run Watch()
	}
}
