/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lwkt_mycpu() for the userland host: one simulated CPU per pthread, so a
 * thread-local pointer is the per-CPU variable. A migrating LWKT thread
 * resumes on another pthread in the middle of a function, so the read must
 * go through %fs every time. It does: the core and the host are a static
 * library linked into (PIE) executables, where gcc uses the initial-exec
 * or local-exec TLS model, one "%fs:offset" load per read (only the
 * constant offset can be reused). Built into a shared object
 * (global-dynamic model, whose __tls_get_addr() result gcc may reuse
 * across a call), this read would have to become opaque to the compiler.
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
