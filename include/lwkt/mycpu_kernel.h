/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lwkt_mycpu() for the kernel: the current CPU's globaldata, one %gs-relative
 * load of a per-CPU pointer (what this_cpu_read() compiles to), written out
 * so that the freestanding C++ core, which sees no Linux header, can use it
 * too. The variable is defined with DEFINE_PER_CPU in src/linux/host.c.
 *
 * Valid in LWKT context only: an LWKT thread or the idle loop, i.e. on the
 * host kthread of the CPU, which is bound to it. The asm is volatile so it is
 * re-read after every switch (a migrated thread comes back elsewhere).
 */
#ifndef LWKT_MYCPU_KERNEL_H
#define LWKT_MYCPU_KERNEL_H

struct lwkt_globaldata;

#ifdef __cplusplus
extern "C" {
#endif
extern struct lwkt_globaldata *lwkt_gd_pcpu;	/* per-CPU */
#ifdef __cplusplus
}
#endif

/**
 * lwkt_mycpu - the current CPU's globaldata
 *
 * Description: one %gs-relative load. Valid in LWKT context (an LWKT
 * thread or a host's idle loop); elsewhere it may be NULL or another
 * CPU's.
 *
 * Return: the globaldata of the CPU the caller runs on.
 */
static inline struct lwkt_globaldata *lwkt_mycpu(void)
{
	struct lwkt_globaldata *gd;

	__asm__ __volatile__("movq %%gs:%1, %0" : "=r"(gd) : "m"(lwkt_gd_pcpu));
	return gd;
}

#endif /* LWKT_MYCPU_KERNEL_H */
