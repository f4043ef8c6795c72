/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The switcher's side of the MP lock and of tokens (Documentation/design.rst,
 * "The MP lock", "Tokens" and "Switching"): what lwkt_switch() and
 * lwkt_preempt() need to decide whether a thread can run, and to let go of
 * what a thread switching out holds. The APIs are src/core/mplock.cc and
 * src/core/token.cc.
 */
#ifndef LWKT_CORE_MPLOCK_H
#define LWKT_CORE_MPLOCK_H

#include <lwkt/atomic.h>
#include <lwkt/mplock.h>
#include <lwkt/token.h>

namespace lwkt {

/* Does CPU @gd hold the MP lock? */
inline bool mp_lock_held(struct lwkt_globaldata *gd)
{
	/* Only @gd itself stores its own id: the relaxed read is exact. */
	return lwkt_read_once(lwkt_mp_lock) == gd->gd_cpuid;
}

/* Take the MP lock for CPU @gd if it is free. */
inline bool cpu_try_mplock(struct lwkt_globaldata *gd)
{
	int free = LWKT_MP_FREE;

	/* Pairs with cpu_rel_mplock()'s lwkt_store_release(). */
	return lwkt_try_cmpxchg_acquire(&lwkt_mp_lock, &free, gd->gd_cpuid);
}

/* CPU @gd, which holds the MP lock, lets it go. */
inline void cpu_rel_mplock(struct lwkt_globaldata *)
{
	/* Pairs with cpu_try_mplock()'s lwkt_try_cmpxchg_acquire(). */
	lwkt_store_release(&lwkt_mp_lock, LWKT_MP_FREE);
}

/* Take @tok for @td if it is free or already @td's. */
inline bool token_take(struct lwkt_token *tok, struct lwkt_thread *td)
{
	struct lwkt_thread *owner = nullptr;

	/*
	 * Pairs with the lwkt_store_release() of t_owner in
	 * rel_all_tokens() and lwkt_reltoken() (token.cc).
	 */
	if (lwkt_try_cmpxchg_acquire(&tok->t_owner, &owner, td))
		return true;
	return owner == td;
}

/*
 * @td switches out (or was killed): every token it holds becomes free.
 * Its tokrefs stay linked; chktokens() takes them all back.
 */
inline void rel_all_tokens(struct lwkt_thread *td)
{
	/*
	 * Only td stores td in t_owner: the relaxed read is exact. The
	 * release pairs with token_take()'s lwkt_try_cmpxchg_acquire().
	 */
	for (struct lwkt_tokref *ref = td->td_toks; ref; ref = ref->tr_next) {
		if (lwkt_read_once(ref->tr_tok->t_owner) == td)
			lwkt_store_release(&ref->tr_tok->t_owner, nullptr);
	}
}

/*
 * Can @td run as far as its tokens go? Takes every token of its tokrefs;
 * if one is held by another thread, lets go of all of them again (holding
 * some while waiting for others is how lock-order deadlocks start).
 */
inline bool chktokens(struct lwkt_thread *td)
{
	for (struct lwkt_tokref *ref = td->td_toks; ref; ref = ref->tr_next) {
		if (!token_take(ref->tr_tok, td)) {
			rel_all_tokens(td);
			return false;
		}
	}
	return true;
}

} // namespace lwkt

#endif /* LWKT_CORE_MPLOCK_H */
