/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lwkt_mycpu() for the kernel: NOT WRITTEN YET (the kernel port provides
 * it). Contract:
 *
 *   static inline struct lwkt_globaldata *lwkt_mycpu(void);
 *
 * - returns the globaldata of the CPU whose host kthread is running the
 *   caller; NULL is never returned to LWKT code;
 * - must be usable from C (glue) and from the freestanding C++ core, which
 *   sees no Linux header: so not this_cpu_read() itself, but an equivalent
 *   "movq %%gs:lwkt_gd_percpu, %0" on a DEFINE_PER_CPU pointer (with
 *   __seg_gs or inline asm), one instruction;
 * - must be re-read after every lwkt_switch() (a volatile asm does that),
 *   because a migrating thread comes back on another CPU.
 */
#ifndef LWKT_MYCPU_KERNEL_H
#define LWKT_MYCPU_KERNEL_H

#error "lwkt_mycpu() for the kernel is not written yet: see the contract above"

#endif /* LWKT_MYCPU_KERNEL_H */
