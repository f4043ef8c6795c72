/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every atomic access of LWKT, in the kernel's vocabulary
 * (Documentation/memory-barriers.txt, Documentation/atomic_t.txt), so that
 * the orderings are audited in one place and a port to a weakly ordered
 * CPU (arm64) changes nothing but this file, if anything.
 *
 * Built on the compiler's __atomic builtins rather than on <linux/atomic.h>
 * because the same code runs freestanding in the kernel and in the userland
 * build, where ThreadSanitizer understands the builtins (and not the
 * kernel's inline asm or stand-alone fences). Valid C and C++; the lwkt_
 * prefix keeps the names apart from the kernel's own macros in glue files.
 *
 * Each use names, in a comment at the call, the access it pairs with.
 *
 *   lwkt_read_once(x) / lwkt_write_once(x, v)
 *	READ_ONCE()/WRITE_ONCE(): one untorn access, no ordering. For data
 *	another CPU reads or writes concurrently where the order against
 *	other accesses does not matter (counters, hints, owner fields checked
 *	again under a stronger access).
 *   lwkt_load_acquire(p) / lwkt_store_release(p, v)
 *	smp_load_acquire()/smp_store_release(): the release publishes every
 *	earlier access to whoever acquires the value it stored.
 *   lwkt_store_mb(p, v) / lwkt_load_mb(p)
 *	The two sides of a store-buffering (Dekker) handshake: "I set my flag,
 *	then look at yours" on two CPUs, where at least one must see the
 *	other's store. lwkt_store_mb() is smp_store_mb() (store, then a full
 *	barrier); lwkt_load_mb() is the load that is ordered after every
 *	lwkt_store_mb() and fully ordered read-modify-write before it (on x86
 *	a plain load: the barrier is on the store side).
 *   lwkt_xchg(p, v), lwkt_xchg_acquire(p, v)
 *	xchg()/xchg_acquire(): return the old value.
 *   lwkt_try_cmpxchg[_acquire|_release](p, oldp, new)
 *	try_cmpxchg(): true and *p = new if *p == *oldp, else false and
 *	*oldp = *p. Unlike the kernel's, a failed one reads *oldp with
 *	acquire (all variants): callers act on the value they saw.
 *   lwkt_fetch_{or,and,add,sub}[_relaxed|_release](p, v), lwkt_sub_return,
 *   lwkt_add_return_relaxed
 *	atomic_fetch_or() and friends: the unsuffixed ones are fully ordered.
 *
 * Every fully ordered operation here is __ATOMIC_SEQ_CST, which is at least
 * the kernel's "full barrier on each side" for read-modify-writes.
 */
#ifndef LWKT_ATOMIC_H
#define LWKT_ATOMIC_H

#define lwkt_read_once(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define lwkt_write_once(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

#define lwkt_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define lwkt_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

#define lwkt_store_mb(p, v)	__atomic_store_n((p), (v), __ATOMIC_SEQ_CST)
#define lwkt_load_mb(p)		__atomic_load_n((p), __ATOMIC_SEQ_CST)

#define lwkt_xchg(p, v)		__atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
#define lwkt_xchg_acquire(p, v)	__atomic_exchange_n((p), (v), __ATOMIC_ACQUIRE)

#define lwkt_try_cmpxchg(p, oldp, new)					\
	__atomic_compare_exchange_n((p), (oldp), (new), 0,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE)
#define lwkt_try_cmpxchg_acquire(p, oldp, new)				\
	__atomic_compare_exchange_n((p), (oldp), (new), 0,		\
				    __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)
#define lwkt_try_cmpxchg_release(p, oldp, new)				\
	__atomic_compare_exchange_n((p), (oldp), (new), 0,		\
				    __ATOMIC_RELEASE, __ATOMIC_ACQUIRE)

#define lwkt_fetch_or(p, v)	__atomic_fetch_or((p), (v), __ATOMIC_SEQ_CST)
#define lwkt_fetch_and(p, v)	__atomic_fetch_and((p), (v), __ATOMIC_SEQ_CST)
#define lwkt_fetch_add(p, v)	__atomic_fetch_add((p), (v), __ATOMIC_SEQ_CST)
#define lwkt_fetch_sub(p, v)	__atomic_fetch_sub((p), (v), __ATOMIC_SEQ_CST)
#define lwkt_fetch_or_relaxed(p, v) __atomic_fetch_or((p), (v), __ATOMIC_RELAXED)
#define lwkt_fetch_and_relaxed(p, v) __atomic_fetch_and((p), (v), __ATOMIC_RELAXED)
#define lwkt_fetch_add_relaxed(p, v) __atomic_fetch_add((p), (v), __ATOMIC_RELAXED)
#define lwkt_fetch_and_release(p, v) __atomic_fetch_and((p), (v), __ATOMIC_RELEASE)
#define lwkt_fetch_sub_release(p, v) __atomic_fetch_sub((p), (v), __ATOMIC_RELEASE)
#define lwkt_sub_return(p, v)	__atomic_sub_fetch((p), (v), __ATOMIC_SEQ_CST)
#define lwkt_add_return_relaxed(p, v) __atomic_add_fetch((p), (v), __ATOMIC_RELAXED)

#endif /* LWKT_ATOMIC_H */
