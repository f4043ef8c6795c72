/* SPDX-License-Identifier: GPL-2.0 */
/*
 * STUB: the MP lock (LWKT.md section 11) does not exist yet.
 *
 * The scheduler already has every call site the real lock needs (the
 * switcher's "can this thread's mpcount be met", the release when the next
 * thread needs none, lwkt_preempt()'s inherited count), so only these
 * functions change when the lock arrives. Until then the lock is always
 * "available and held by us", so no thread is ever skipped for it and
 * mplock_contention_count stays 0; td_mpcount is still carried, inherited
 * and restored exactly as DragonFly does.
 */
#ifndef LWKT_CORE_MPLOCK_H
#define LWKT_CORE_MPLOCK_H

#include <lwkt/thread.h>

namespace lwkt {

/* Does this CPU hold the MP lock? (stub: yes) */
inline bool mp_lock_held(struct lwkt_globaldata *) { return true; }
/* Try to take it for the thread about to run. (stub: always succeeds) */
inline bool cpu_try_mplock(struct lwkt_globaldata *) { return true; }
/* Release it: the next thread does not need it. (stub: nothing to do) */
inline void cpu_rel_mplock(struct lwkt_globaldata *) {}

/* STUB: tokens (section 12) do not exist; td_toks is always NULL. */
inline bool chktokens(struct lwkt_thread *td) { return td->td_toks == nullptr; }

} // namespace lwkt

#endif /* LWKT_CORE_MPLOCK_H */
