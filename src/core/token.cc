// SPDX-License-Identifier: GPL-2.0
/*
 * Tokens (Documentation/design.rst, "Tokens"; include/lwkt/token.h).
 *
 * A thread's tokrefs are linked on td_toks, newest first. While the thread
 * runs, it holds the token of every one of them (t_owner == td). When it
 * switches out, lwkt_switch() frees them all (rel_all_tokens()); the
 * switcher runs it again only after chktokens() took them all back. A
 * thread that cannot get a token simply switches: it stays runnable, and
 * the switcher skips it (token_contention_count) until its tokens are free.
 * Nothing ever waits holding one token for another, hence no deadlock.
 */
#include <lwkt/atomic.h>
#include <lwkt/token.h>

#include "core/debug.h"
#include "core/mplock.h"
#include "core/spin.h"
#include "core/trace.h"

using namespace lwkt;

namespace {

/* Zero-initialised storage; lwkt_token_pool_get() names them on first use. */
struct lwkt_token pool_tokens[LWKT_POOLTOKENS];
const char *const pool_desc = "pool";

/* Link @ref on @td's list for @tok (inside a critical section). */
inline void link_ref(struct lwkt_thread *td, struct lwkt_tokref *ref,
		     struct lwkt_token *tok)
{
	ref->tr_tok = tok;
	ref->tr_owner = td;
	ref->tr_next = td->td_toks;
	td->td_toks = ref;
}

/* Does another tokref of @td name @tok? */
inline bool other_ref(struct lwkt_thread *td, struct lwkt_token *tok)
{
	for (struct lwkt_tokref *r = td->td_toks; r; r = r->tr_next) {
		if (r->tr_tok == tok)
			return true;
	}
	return false;
}

__attribute__((noinline)) void
gettoken_contended(struct lwkt_globaldata *gd, struct lwkt_thread *td,
		   struct lwkt_token *tok)
{
	++gd->gd_cnt.token_contention_count;
	lwkt_fetch_add_relaxed(&tok->t_collisions, 1);
	trace_token_contended(td, tok,
			      lwkt_read_once(tok->t_owner));
	for (;;) {
		/* Frees our tokens; back only once it took them all for us. */
		lwkt_switch();
		if (chktokens(td))
			return;
		/* The switch was refused (a Linux lock is held): spin. */
		spin_serving_ipis(gd);
	}
}

} // namespace

extern "C" void lwkt_token_init(lwkt_token_t tok, const char *desc)
{
	lwkt_write_once(tok->t_owner, nullptr);
	tok->t_collisions = 0;
	tok->t_desc = desc ? desc : "token";
}

extern "C" void lwkt_token_uninit(lwkt_token_t tok)
{
	/* Pairs with the lwkt_store_release()s of t_owner (a diagnostic). */
	struct lwkt_thread *owner =
		lwkt_load_acquire(&tok->t_owner);

	if (owner)
		lwkt_plat_log("lwkt_token_uninit: token %s still held by %s",
			      tok->t_desc, owner->td_comm);
}

/*
 * No critical section on the fast paths: td_toks is only ever read or
 * written by td's own CPU in td's context (the switcher, on td's behalf,
 * runs only when td calls it), and IPI functions do not use tokens, so
 * nothing can come in between. Only a contended get switches.
 */
extern "C" void lwkt_gettoken(lwkt_tokref_t ref, lwkt_token_t tok)
{
	struct lwkt_globaldata *gd = lwkt_mycpu();
	struct lwkt_thread *td = gd->gd_curthread;

	LWKT_ASSERT(lwkt_in_lwkt_context() && td != &gd->gd_idlethread);
	link_ref(td, ref, tok);
	if (__builtin_expect(!token_take(tok, td), 0)) {
		crit_enter_quick(td);
		gettoken_contended(gd, td, tok);
		crit_exit_quick(td);
	}
}

extern "C" int lwkt_trytoken(lwkt_tokref_t ref, lwkt_token_t tok)
{
	struct lwkt_thread *td = curthread;

	if (!token_take(tok, td))
		return 0;
	link_ref(td, ref, tok);
	return 1;
}

extern "C" void lwkt_reltoken(lwkt_tokref_t ref)
{
	struct lwkt_thread *td = curthread;
	struct lwkt_tokref **pp;

	/* Usually the newest: the walk ends at once. */
	for (pp = &td->td_toks; *pp && *pp != ref; pp = &(*pp)->tr_next)
		;
	if (__builtin_expect(*pp == nullptr, 0)) {
		lwkt_plat_log("lwkt_reltoken: thread %s does not hold this tokref",
			      td->td_comm);
		return;
	}
	*pp = ref->tr_next;
	ref->tr_next = nullptr;
	/* Pairs with token_take()'s lwkt_try_cmpxchg_acquire() (mplock.h). */
	if (!other_ref(td, ref->tr_tok))
		lwkt_store_release(&ref->tr_tok->t_owner, nullptr);
}

extern "C" int lwkt_havetoken(lwkt_token_t tok)
{
	/* Only curthread stores curthread there: the relaxed read is exact. */
	return lwkt_read_once(tok->t_owner) == curthread;
}

extern "C" lwkt_token_t lwkt_token_pool_get(void *ptr)
{
	unsigned long a = (unsigned long)ptr;
	/* Fold in the bits above a cache line, so neighbours spread out. */
	unsigned long h = (a >> 6) ^ (a >> 16) ^ (a >> 26);
	struct lwkt_token *tok = &pool_tokens[h & (LWKT_POOLTOKENS - 1)];

	/* Every CPU stores the same constant: racing here is harmless. */
	if (!lwkt_read_once(tok->t_desc))
		lwkt_write_once(tok->t_desc, pool_desc);
	return tok;
}
