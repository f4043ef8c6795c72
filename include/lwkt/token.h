/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tokens, DragonFly's API on spinlock-like atomics.
 *
 * A token protects data like a lock, with two differences: a thread may
 * hold any number of them, taken in any order, and a holder that blocks
 * or switches away releases them all, getting them all back before it
 * runs again (the switcher runs a thread only once it could re-take every
 * token it holds). Tokens therefore serialise code only between blocking
 * points, and two threads can never deadlock on them.
 *
 * Ownership: t_owner is the holding thread, taken by compare-and-swap.
 * DragonFly 2005 passed a CPU-owned token between CPUs by IPI; modern
 * DragonFly and this port use an atomic owner word. A thread may take a
 * token it already holds (each lwkt_gettoken() needs its own tokref); the
 * token is free again when the last of its tokrefs is released.
 */
#ifndef LWKT_TOKEN_H
#define LWKT_TOKEN_H

#include <lwkt/types.h>
#include <lwkt/thread.h>

LWKT_EXTERN_C_BEGIN

/**
 * struct lwkt_token - a token
 * @t_owner:		the holding thread, NULL when free (atomic)
 * @t_collisions:	acquisitions that found it held by another thread
 * @t_desc:		name for tracing and debugging
 */
struct lwkt_token {
	struct lwkt_thread *t_owner;
	u64 t_collisions;
	const char *t_desc;
};

/**
 * struct lwkt_tokref - one hold of a token by a thread, usually on its stack
 * @tr_tok:	the token
 * @tr_owner:	the thread that holds (or waits for) it
 * @tr_next:	the thread's next tokref (td_toks list, newest first)
 */
struct lwkt_tokref {
	struct lwkt_token *tr_tok;
	struct lwkt_thread *tr_owner;
	struct lwkt_tokref *tr_next;
};

typedef struct lwkt_token *lwkt_token_t;
typedef struct lwkt_tokref *lwkt_tokref_t;

/* Pool tokens: lwkt_token_pool_get() hashes an address to one of these. */
#define LWKT_POOLTOKENS		1024	/* power of two */

/**
 * lwkt_token_init - initialise a token, free
 * @tok:	the token
 * @desc:	its name (kept as a pointer); NULL for "token"
 */
void lwkt_token_init(lwkt_token_t tok, const char *desc);

/**
 * lwkt_token_uninit - retire a token
 * @tok:	the token; must be free. A held token is reported (one log
 *		line) and left as it is.
 */
void lwkt_token_uninit(lwkt_token_t tok);

/**
 * lwkt_gettoken - take @tok for the current thread, waiting if needed
 * @ref:	the caller's tokref (usually on its stack); linked on the
 *		thread's td_toks until lwkt_reltoken(@ref)
 * @tok:	the token
 *
 * If another thread holds @tok, counts token_contention_count (and the
 * token's t_collisions), fires the lwkt_token_contended event and
 * switches away: the switcher runs the thread again only once every token
 * it holds, @tok included, is taken. Meanwhile its other tokens are free
 * for others, as after any switch. From an LWKT thread, not from an IPI
 * function (which runs on whatever thread it interrupted); when switching
 * is refused (a Linux lock held), spins instead.
 */
void lwkt_gettoken(lwkt_tokref_t ref, lwkt_token_t tok);

/**
 * lwkt_trytoken - take @tok only if it is free (or already ours)
 * @ref:	the caller's tokref; linked only on success
 * @tok:	the token
 *
 * Never switches.
 *
 * Return: 1 if held now (release with lwkt_reltoken()), 0 if another
 * thread holds it.
 */
int lwkt_trytoken(lwkt_tokref_t ref, lwkt_token_t tok);

/**
 * lwkt_reltoken - release one hold of a token
 * @ref:	a tokref of the current thread from lwkt_gettoken() or a
 *		successful lwkt_trytoken(); any order. The token is freed
 *		when no other tokref of this thread names it. A tokref the
 *		thread does not hold is reported (one log line) and ignored.
 */
void lwkt_reltoken(lwkt_tokref_t ref);

/**
 * lwkt_havetoken - does the current thread hold @tok?
 * @tok:	the token
 *
 * Return: 1 if it does, else 0.
 */
int lwkt_havetoken(lwkt_token_t tok);

/**
 * lwkt_token_pool_get - the pool token for an address
 * @ptr:	any address; equal addresses give the same token
 *
 * For data without a token of its own: distinct addresses may share a
 * token (the pool has LWKT_POOLTOKENS), which is safe, since tokens never
 * deadlock. The pool tokens are always initialised.
 *
 * Return: the token.
 */
lwkt_token_t lwkt_token_pool_get(void *ptr);

LWKT_EXTERN_C_END

#endif /* LWKT_TOKEN_H */
