/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userland LWKT switcher (SysV x86-64). Frame layout: struct
 * lwkt_switch_frame in src/arch/x86_64/switch_frame.h; keep them in step.
 *
 * void lwkt_cpu_switch(void **save_sp, void **load_sp)
 *   %rdi = where to store the old stack pointer, %rsi = where the new one
 *   is stored (loaded from memory as the kernel switcher must, for objtool:
 *   one contract for both, declared in switch_frame.h).
 * Only the callee-saved state needs saving: the caller already assumes
 * every other register is clobbered by the call. MXCSR and the x87
 * control word are callee-saved ("control bits") in the SysV ABI too.
 */
	.text

	.globl	lwkt_cpu_switch
	.type	lwkt_cpu_switch, @function
	.p2align 4
lwkt_cpu_switch:
	.cfi_startproc
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	stmxcsr	0(%rsp)
	fnstcw	4(%rsp)
	movq	%rsp, (%rdi)

	movq	(%rsi), %rsp
	ldmxcsr	0(%rsp)
	fldcw	4(%rsp)
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.cfi_endproc
	.size	lwkt_cpu_switch, . - lwkt_cpu_switch

/*
 * A new thread's first frame returns here with %r12 = the thread.
 * Clearing %rbp and marking %rip undefined end backtraces here.
 */
	.globl	lwkt_thread_trampoline
	.type	lwkt_thread_trampoline, @function
	.p2align 4
lwkt_thread_trampoline:
	.cfi_startproc
	.cfi_undefined rip
	xorl	%ebp, %ebp
	movq	%r12, %rdi
	andq	$-16, %rsp
	call	lwkt_thread_entry
	ud2
	.cfi_endproc
	.size	lwkt_thread_trampoline, . - lwkt_thread_trampoline

	.section .note.GNU-stack, "", @progbits
