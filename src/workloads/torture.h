/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lock torture workload (torture.c): writers on every hosted CPU
 * hammer one protected structure under a token, a pool token, the MP
 * lock, or a Linux spinlock (the control), in the manner of Linux's
 * locktorture.
 */
#ifndef LWKT_LINUX_TORTURE_H
#define LWKT_LINUX_TORTURE_H

struct lwkt_torture;
struct lwkt_torture_writer;

/**
 * struct lwkt_torture_ops - one lock type under torture
 * @name:	the type= word
 * @init:	prepare the lock (once, before the writers start); NULL:
 *		nothing to prepare
 * @lock:	take it, for writer @w
 * @unlock:	release it
 * @cleanup:	retire it (after every writer is gone); NULL: nothing
 * @held:	does writer @w hold it now, as far as the API can tell?
 * @may_switch:	a holder may switch away (lwkt_yield()) in the middle of
 *		its hold: tokens and the MP lock are let go and re-taken by
 *		the switcher; a Linux spinlock forbids it
 */
struct lwkt_torture_ops {
	const char *name;
	void (*init)(struct lwkt_torture *t);
	void (*lock)(struct lwkt_torture *t, struct lwkt_torture_writer *w);
	void (*unlock)(struct lwkt_torture *t, struct lwkt_torture_writer *w);
	void (*cleanup)(struct lwkt_torture *t);
	bool (*held)(struct lwkt_torture *t, struct lwkt_torture_writer *w);
	bool may_switch;
};

#endif /* LWKT_LINUX_TORTURE_H */
