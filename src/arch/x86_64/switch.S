/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel LWKT switcher (x86-64). Frame layout: struct lwkt_switch_frame
 * in switch_frame.h, shared with the userland switcher and with the core,
 * which builds a new thread's first frame.
 *
 * void lwkt_cpu_switch(void **save_sp, void **load_sp)
 *   %rdi = where to store this thread's stack pointer,
 *   %rsi = where the next thread's stack pointer is stored
 * (declared in switch_frame.h, the same contract as the userland switcher).
 *
 * Only the callee-saved registers need saving: the C caller assumes the
 * rest are clobbered by the call. Kernel code uses no FP/SSE state outside
 * kernel_fpu_begin()/end(), which cannot span an LWKT switch, so the
 * MXCSR/x87 slot is kept for the shared layout but not touched.
 *
 * The new stack pointer is loaded from memory, as in __switch_to_asm:
 * objtool then knows the new stack holds the same frame as the old one.
 */
#include <linux/linkage.h>
#include <asm/unwind_hints.h>

	.text

SYM_FUNC_START(lwkt_cpu_switch)
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp		/* mxcsr + fpucw slot (unused here) */

	movq	%rsp, (%rdi)
	movq	(%rsi), %rsp

	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	RET
SYM_FUNC_END(lwkt_cpu_switch)

/*
 * A new thread's first frame "returns" here with %r12 = the thread. The
 * hint ends unwinding here (the bottom of an LWKT stack), like the first
 * frame of a Linux kthread; %rbp = 0 ends frame-pointer unwinding too.
 */
SYM_CODE_START(lwkt_thread_trampoline)
	UNWIND_HINT_EMPTY
	xorl	%ebp, %ebp
	movq	%r12, %rdi
	call	lwkt_thread_entry
	ud2
SYM_CODE_END(lwkt_thread_trampoline)
