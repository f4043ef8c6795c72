// SPDX-License-Identifier: GPL-2.0
/*
 * The public API (include/lwkt/), exported for other modules. The functions
 * are defined in the C++ core, which cannot include <linux/export.h>; their
 * kerneldoc is on the prototypes in include/lwkt/.
 */
#include <linux/export.h>

#include <lwkt/ipiq.h>
#include <lwkt/thread.h>
#include <lwkt/mplock.h>
#include <lwkt/msgport.h>
#include <lwkt/token.h>
#include <lwkt/wait.h>

/* Threads */
EXPORT_SYMBOL_GPL(lwkt_alloc_thread);
EXPORT_SYMBOL_GPL(lwkt_init_thread);
#undef lwkt_set_entry
EXPORT_SYMBOL_GPL(lwkt_set_entry);
EXPORT_SYMBOL_GPL(lwkt_set_entry_owned);
#undef lwkt_create
EXPORT_SYMBOL_GPL(lwkt_create);
EXPORT_SYMBOL_GPL(lwkt_create_owned);
EXPORT_SYMBOL_GPL(lwkt_exit);
EXPORT_SYMBOL_GPL(lwkt_free_thread);
EXPORT_SYMBOL_GPL(lwkt_set_comm);
EXPORT_SYMBOL_GPL(lwkt_hold);
EXPORT_SYMBOL_GPL(lwkt_rele);
EXPORT_SYMBOL_GPL(lwkt_wait_free);

/* Scheduling */
EXPORT_SYMBOL_GPL(lwkt_schedule);
EXPORT_SYMBOL_GPL(lwkt_schedule_self);
EXPORT_SYMBOL_GPL(lwkt_deschedule);
EXPORT_SYMBOL_GPL(lwkt_deschedule_self);
EXPORT_SYMBOL_GPL(lwkt_switch);
EXPORT_SYMBOL_GPL(lwkt_yield);
EXPORT_SYMBOL_GPL(lwkt_yield_quick);
EXPORT_SYMBOL_GPL(lwkt_setpri);
EXPORT_SYMBOL_GPL(lwkt_setpri_self);
EXPORT_SYMBOL_GPL(lwkt_checkpri_self);
EXPORT_SYMBOL_GPL(lwkt_preempt);

/* Critical sections: the inline crit_exit() calls these */
EXPORT_SYMBOL_GPL(lwkt_crit_exit_slow);
EXPORT_SYMBOL_GPL(crit_panic);

/* Knobs */
EXPORT_SYMBOL_GPL(lwkt_untimely_switch);
EXPORT_SYMBOL_GPL(lwkt_panic_on_cscount);

/* include/lwkt/thread.h: migration */
EXPORT_SYMBOL_GPL(lwkt_setcpu_self);
EXPORT_SYMBOL_GPL(lwkt_acquire);

/* include/lwkt/ipiq.h */
EXPORT_SYMBOL_GPL(lwkt_send_ipiq);
EXPORT_SYMBOL_GPL(lwkt_send_ipiq_bycpu);
EXPORT_SYMBOL_GPL(lwkt_send_ipiq_mask);
EXPORT_SYMBOL_GPL(lwkt_send_ipiq_passive);
EXPORT_SYMBOL_GPL(lwkt_send_ipiq_nowait);
EXPORT_SYMBOL_GPL(lwkt_seq_ipiq);
EXPORT_SYMBOL_GPL(lwkt_wait_ipiq);
EXPORT_SYMBOL_GPL(lwkt_ipiq_set_base);
EXPORT_SYMBOL_GPL(lwkt_process_ipiq);
EXPORT_SYMBOL_GPL(lwkt_cpusync_start);
EXPORT_SYMBOL_GPL(lwkt_cpusync_finish);
EXPORT_SYMBOL_GPL(lwkt_cpusync_simple);

/* include/lwkt/wait.h */
EXPORT_SYMBOL_GPL(lwkt_wait_init);
EXPORT_SYMBOL_GPL(lwkt_block);
EXPORT_SYMBOL_GPL(lwkt_signal);

/* include/lwkt/mplock.h */
EXPORT_SYMBOL_GPL(lwkt_mp_lock);
EXPORT_SYMBOL_GPL(get_mplock);
EXPORT_SYMBOL_GPL(try_mplock);
EXPORT_SYMBOL_GPL(rel_mplock);
EXPORT_SYMBOL_GPL(lwkt_mp_lock_held);

/* include/lwkt/token.h */
EXPORT_SYMBOL_GPL(lwkt_token_init);
EXPORT_SYMBOL_GPL(lwkt_token_uninit);
EXPORT_SYMBOL_GPL(lwkt_gettoken);
EXPORT_SYMBOL_GPL(lwkt_trytoken);
EXPORT_SYMBOL_GPL(lwkt_reltoken);
EXPORT_SYMBOL_GPL(lwkt_havetoken);
EXPORT_SYMBOL_GPL(lwkt_token_pool_get);

/* include/lwkt/msgport.h */
EXPORT_SYMBOL_GPL(lwkt_initport);
EXPORT_SYMBOL_GPL(lwkt_initmsg);
EXPORT_SYMBOL_GPL(lwkt_sendmsg);
EXPORT_SYMBOL_GPL(lwkt_domsg);
EXPORT_SYMBOL_GPL(lwkt_replymsg);
EXPORT_SYMBOL_GPL(lwkt_waitmsg);
EXPORT_SYMBOL_GPL(lwkt_waitport);
EXPORT_SYMBOL_GPL(lwkt_getport);
EXPORT_SYMBOL_GPL(lwkt_forwardmsg);
EXPORT_SYMBOL_GPL(lwkt_abortmsg);
