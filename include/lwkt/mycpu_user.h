/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lwkt_mycpu() for the userland host: one simulated CPU per pthread, so a
 * thread-local pointer is the per-CPU variable. LWKT threads switch stacks
 * but never pthreads (no migration yet), so the TLS slot stays right across
 * a switch. When migration arrives the read must become opaque to the
 * compiler (gcc may reuse a TLS address across a call).
 */
#ifndef LWKT_MYCPU_USER_H
#define LWKT_MYCPU_USER_H

struct lwkt_globaldata;

#ifdef __cplusplus
extern "C" {
#endif
extern __thread struct lwkt_globaldata *lwkt_user_curgd;
#ifdef __cplusplus
}
#endif

/**
 * lwkt_mycpu - the current CPU's globaldata
 *
 * Description: a __thread load. Valid in LWKT context (an LWKT thread or
 * a host's idle loop); elsewhere it may be NULL or another CPU's.
 *
 * Return: the globaldata of the CPU the caller runs on.
 */
static inline struct lwkt_globaldata *lwkt_mycpu(void)
{
	return lwkt_user_curgd;
}

#endif /* LWKT_MYCPU_USER_H */
