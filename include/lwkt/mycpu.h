/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lwkt_mycpu(): the current CPU's globaldata. It sits on every hot path
 * (crit_enter, curthread), so it must be an inline function that costs a
 * load or two, and each host provides its own:
 *
 *  - userland (the libcaps twin): a __thread pointer set by the host
 *    pthread before it enters lwkt_host_run(), see mycpu_user.h;
 *  - kernel: a per-CPU pointer read through %gs, see mycpu_kernel.h.
 *
 * Both are correct only because an LWKT thread runs on the host of the CPU
 * that owns it, and a host never changes CPU while it runs LWKT code.
 */
#ifndef LWKT_MYCPU_H
#define LWKT_MYCPU_H

#ifdef __KERNEL__
#include <lwkt/mycpu_kernel.h>
#else
#include <lwkt/mycpu_user.h>
#endif

#endif /* LWKT_MYCPU_H */
