// SPDX-License-Identifier: GPL-2.0
/*
 * The first switch frame of a new thread (x86-64). Laid out exactly as
 * lwkt_cpu_switch() leaves a switched-out thread (see switch_frame.h), so
 * the first switch to the thread "returns" into lwkt_thread_trampoline.
 */
#include <lwkt/thread.h>

#include "arch/x86_64/switch_frame.h"
#include "core/internal.h"

void lwkt::arch_init_frame(struct lwkt_thread *td)
{
	unsigned long top = reinterpret_cast<unsigned long>(td->td_kstack) +
			    static_cast<unsigned long>(td->td_kstack_size);
	struct lwkt_switch_frame *f;

	/*
	 * After the ret, %rsp == top, 16-byte aligned: the trampoline's call
	 * then gives lwkt_thread_entry the ABI's entry alignment.
	 */
	top &= ~15UL;
	f = reinterpret_cast<struct lwkt_switch_frame *>(top - sizeof(*f));
	__builtin_memset(f, 0, sizeof(*f));
	f->mxcsr = LWKT_FRAME_MXCSR_DEFAULT;
	f->fpucw = LWKT_FRAME_FPUCW_DEFAULT;
	f->r12 = reinterpret_cast<u64>(td);
	f->rip = reinterpret_cast<u64>(&lwkt_thread_trampoline);
	td->td_sp = f;
}
