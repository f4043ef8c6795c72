/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86-64 LWKT switch frame, shared by both switchers:
 * src/user/arch/x86_64/switch.S (userland) and src/arch/x86_64/switch.S
 * (kernel), and by the core, which builds the first frame of a new thread.
 *
 *   void lwkt_cpu_switch(void **save_sp, void **load_sp);
 *
 * pushes, on the old stack, in this order: %rbp %rbx %r12 %r13 %r14 %r15,
 * then 8 bytes holding MXCSR (stmxcsr) and the x87 control word (fnstcw);
 * stores %rsp into *save_sp; loads %rsp = *load_sp; reverses the pushes and
 * returns. So a saved stack pointer points at a struct lwkt_switch_frame,
 * whose last word is the return address (lwkt_cpu_switch's caller, or the
 * trampoline for a new thread).
 *
 * Kernel: kernel code uses no FP/SSE state outside kernel_fpu_begin/end
 * sections, which cannot span an LWKT switch, so the kernel switcher may
 * leave mxcsr/fpucw untouched, but it keeps the 8 bytes so the layout (and
 * the core's first frame) is the same.
 *
 * A new thread's frame returns into lwkt_thread_trampoline with %r12 = the
 * thread; the trampoline clears %rbp (ends frame-pointer unwinding), aligns
 * %rsp to 16 and calls lwkt_thread_entry(td), which never returns. The
 * kernel trampoline needs an UNWIND_HINT_EMPTY (objtool).
 */
#ifndef LWKT_ARCH_X86_64_SWITCH_FRAME_H
#define LWKT_ARCH_X86_64_SWITCH_FRAME_H

#include <lwkt/types.h>

LWKT_EXTERN_C_BEGIN

struct lwkt_thread;

struct lwkt_switch_frame {
	u32 mxcsr;	/*  0: SSE control/status (user switcher) */
	u16 fpucw;	/*  4: x87 control word (user switcher) */
	u16 pad;	/*  6 */
	u64 r15;	/*  8 */
	u64 r14;	/* 16 */
	u64 r13;	/* 24 */
	u64 r12;	/* 32: the thread, for the trampoline */
	u64 rbx;	/* 40 */
	u64 rbp;	/* 48 */
	u64 rip;	/* 56: popped by ret */
};

#define LWKT_FRAME_MXCSR_DEFAULT	0x1f80	/* all exceptions masked */
#define LWKT_FRAME_FPUCW_DEFAULT	0x037f	/* x87 power-on default */

/*
 * Save the current context in *save_sp, resume the one *load_sp points at.
 * The new stack pointer is read from memory, not passed in a register: the
 * kernel's objtool then knows the new stack holds the same frame as the old
 * one (as in __switch_to_asm).
 */
void lwkt_cpu_switch(void **save_sp, void **load_sp);
/* Where a new thread's first frame returns to (assembly, not callable). */
void lwkt_thread_trampoline(void);
/* Called by the trampoline on the new stack; never returns (core). */
void lwkt_thread_entry(struct lwkt_thread *td) __attribute__((noreturn));

LWKT_EXTERN_C_END

#ifdef __cplusplus
static_assert(sizeof(struct lwkt_switch_frame) == 64, "frame layout");
static_assert(__builtin_offsetof(struct lwkt_switch_frame, r12) == 32, "r12");
static_assert(__builtin_offsetof(struct lwkt_switch_frame, rip) == 56, "rip");
#endif

#endif /* LWKT_ARCH_X86_64_SWITCH_FRAME_H */
