// SPDX-License-Identifier: GPL-2.0
/*
 * The platform seam (src/platform.h) for the kernel: what the core needs
 * from Linux. Stacks, thread memory, the stack switch, idling and waking
 * the host kthread, logging.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kasan.h>
#include <linux/ktime.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/ratelimit.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "arch/x86_64/switch_frame.h"
#include <lwkt/errno.h>
#include "linux/internal.h"
#include "platform.h"

/* The unwinder scans THREAD_SIZE bytes up from task->stack: all ours. */
static_assert(LWKT_STACK_MIN >= THREAD_SIZE && LWKT_THREAD_STACK >= THREAD_SIZE);

/*
 * All LWKT stacks together stay under a cap, so a request for a million
 * threads fails with -ENOMEM (and one warning) instead of taking the
 * machine's memory and its OOM killer with it. 0: a quarter of RAM.
 */
static unsigned int max_stack_mb;
module_param(max_stack_mb, uint, 0644);
MODULE_PARM_DESC(max_stack_mb,
		 "MiB all LWKT thread stacks may take together (0: a quarter of RAM)");
static atomic_long_t lwkt_stack_bytes = ATOMIC_LONG_INIT(0);

static unsigned long lwkt_stack_cap(void)
{
	unsigned int mb = READ_ONCE(max_stack_mb);

	if (mb)
		return (unsigned long)mb << 20;
	return (totalram_pages() << PAGE_SHIFT) / 4;
}

void *lwkt_plat_stack_alloc(int size)
{
	unsigned long *stack;

	if (atomic_long_add_return(size, &lwkt_stack_bytes) > lwkt_stack_cap()) {
		atomic_long_sub(size, &lwkt_stack_bytes);
		pr_warn_ratelimited("%s: no stack for a new thread: LWKT stacks would pass %lu MiB (max_stack_mb)\n",
				    current->comm, lwkt_stack_cap() >> 20);
		return NULL;
	}

	/*
	 * vmalloc, like Linux's own VMAP_STACK kernel stacks: every vmalloc
	 * area is followed by an unmapped guard page, so the page below this
	 * stack is never mapped and an overflow faults (the double-fault
	 * handler reports "stack guard page was hit", see lwkt_oops_notify).
	 */
	stack = vzalloc_node(size, numa_node_id());
	if (!stack) {
		atomic_long_sub(size, &lwkt_stack_bytes);
		return NULL;
	}
	/*
	 * Zeroed: the "threads" view finds the high-water mark as the lowest
	 * non-zero word (lwkt_plat_stack_used()).
	 * schedule() checks this word when an LWKT thread sleeps in Linux.
	 */
	*stack = STACK_END_MAGIC;
	return stack;
}

void lwkt_plat_stack_free(void *stack, int size)
{
	vfree(stack);
	atomic_long_sub(size, &lwkt_stack_bytes);
}

struct lwkt_thread *lwkt_plat_thread_alloc(void)
{
	return kmalloc(sizeof(struct lwkt_thread), GFP_KERNEL);
}

void lwkt_plat_thread_free(struct lwkt_thread *td)
{
	kfree(td);
}

void lwkt_plat_thread_setup(struct lwkt_thread *td)
{
}

void lwkt_plat_thread_start(struct lwkt_thread *td)
{
}

void lwkt_plat_thread_owner(struct lwkt_thread *td, void *owner)
{
	struct module *mod = owner;

	/* Our own threads are ended by our own unload: no self-pinning. */
	if (mod == THIS_MODULE)
		return;
	/* Pinned already (lwkt_set_entry_owned() called again): keep it. */
	if (td->td_host[LWKT_TD_HOST_MODULE])
		return;
	if (try_module_get(mod))
		td->td_host[LWKT_TD_HOST_MODULE] = mod;
	else
		pr_warn("thread %s: its module %s is going away\n",
			td->td_comm, module_name(mod));
}

void lwkt_plat_thread_release(struct lwkt_thread *td)
{
	struct module *mod = td->td_host[LWKT_TD_HOST_MODULE];

	td->td_host[LWKT_TD_HOST_MODULE] = NULL;
	module_put(mod);
	/*
	 * KASAN: frames that never returned leave their redzones poisoned
	 * on the stack, and the unpoison helper is not exported to modules.
	 * So a cached thread keeps its structure but not its stack; vfree()
	 * and vmalloc() keep the shadow right.
	 */
	if (IS_ENABLED(CONFIG_KASAN) && td->td_kstack &&
	    (td->td_flags & TDF_ALLOCATED_STACK)) {
		lwkt_plat_stack_free(td->td_kstack, td->td_kstack_size);
		td->td_kstack = NULL;
		td->td_kstack_size = 0;
		td->td_flags &= ~TDF_ALLOCATED_STACK;
	}
	/*
	 * The free cache may hand the stack to a new thread: zero what this
	 * one used, so the new one's high-water mark starts from nothing.
	 * Costs what the thread used, usually a few hundred bytes.
	 */
	if (td->td_kstack && (td->td_flags & TDF_ALLOCATED_STACK)) {
		u32 used = lwkt_plat_stack_used(td);

		memset(td->td_kstack + td->td_kstack_size - used, 0, used);
	}
}

u32 lwkt_plat_stack_used(const struct lwkt_thread *td)
{
	const unsigned long *w = (const unsigned long *)td->td_kstack;
	unsigned int n = td->td_kstack_size / sizeof(*w), i;

	if (!w)
		return 0;
	/*
	 * Word 0 is STACK_END_MAGIC. Unchecked reads: under KASAN, frames
	 * of a switched-out thread keep their redzones poisoned.
	 */
	for (i = 1; i < n && !READ_ONCE_NOCHECK(w[i]); i++)
		;
	return (n - i) * sizeof(*w);
}

void lwkt_plat_idle_setup(struct lwkt_globaldata *gd)
{
	struct lwkt_thread *idle = &gd->gd_idlethread;

	/* The host's own kernel stack; restored into current->stack on switch. */
	idle->td_kstack = task_stack_page(current);
	idle->td_kstack_size = THREAD_SIZE;
}

/* Why the host may not switch now, or NULL: state an LWKT switch would leak. */
static const char *lwkt_switch_forbidden(void)
{
	if (in_hardirq())
		return "hardirq context";
	if (irqs_disabled())
		return "interrupts disabled";
	if (rcu_preempt_depth())
		return "rcu_read_lock() held";
	if (preempt_count())
		return "a spinlock held or preemption disabled";
	return NULL;
}

bool lwkt_plat_switch_allowed(struct lwkt_globaldata *gd,
			      struct lwkt_thread *td)
{
	const char *why;

	if (unlikely(!lwkt_in_lwkt_context()))
		why = "not an LWKT thread";
	else if (likely(!(preempt_count() | rcu_preempt_depth()) &&
			!irqs_disabled()))
		return true;
	else
		why = lwkt_switch_forbidden();
	if (!why)
		return true;
	pr_err_ratelimited("cpu%d: refusing to switch away from thread %s: %s\n",
			   gd->gd_cpuid, td->td_comm, why);
	return false;
}

void lwkt_plat_switch(struct lwkt_thread *from, struct lwkt_thread *to)
{
	/*
	 * A CPU busy with LWKT threads never returns to its idle loop, so
	 * this is where the host lets Linux run something else when it
	 * asks (a voluntary-preemption kernel would otherwise report a soft
	 * lockup). One flag test when nothing is pending.
	 */
	if (unlikely(need_resched()))
		cond_resched();
	/*
	 * The host task's stack is now @to's: the unwinder then walks an
	 * LWKT thread's frames (a WARN in it shows them), and schedule()'s
	 * stack-end check finds STACK_END_MAGIC if the thread sleeps.
	 */
	current->stack = to->td_kstack;
	lwkt_cpu_switch(&from->td_sp, &to->td_sp);
}

void lwkt_plat_idle(struct lwkt_globaldata *gd)
{
	lwkt_host_idle(gd->gd_host);
}

void lwkt_plat_wake(struct lwkt_globaldata *gd)
{
	lwkt_host_wake(gd->gd_host);
}

void lwkt_plat_host_work(struct lwkt_globaldata *gd)
{
	lwkt_threads_serve(gd);
}

void lwkt_plat_ipi_kick(struct lwkt_globaldata *gd)
{
	lwkt_host_kick(gd);
}

void lwkt_plat_cpu_relax(void)
{
	cpu_relax();
	/*
	 * Spins also run inside IPI functions, in the kick's hardirq, and
	 * under a caller's Linux lock: let Linux in only where it may sleep.
	 */
	if (in_task() && !preempt_count() && !irqs_disabled() &&
	    !rcu_preempt_depth())
		cond_resched();
}

u64 lwkt_plat_now_ns(void)
{
	/*
	 * The CPU's own clock (TSC based, a few ns): the idle loop's poll
	 * deadline is all it serves. ktime_get_ns() may read an HPET, a
	 * device access per call (e.g. in a VM whose TSC is unstable).
	 */
	return local_clock();
}

void lwkt_plat_log(const char *fmt, ...)
{
	struct va_format vaf;
	va_list ap;

	va_start(ap, fmt);
	vaf.fmt = fmt;
	vaf.va = &ap;
	pr_info("%pV\n", &vaf);
	va_end(ap);
}

void lwkt_plat_panic(const char *fmt, ...)
{
	struct va_format vaf;
	va_list ap;

	va_start(ap, fmt);
	vaf.fmt = fmt;
	vaf.va = &ap;
	panic("lwkt: %pV\n", &vaf);
	va_end(ap);
}

/* Is current a host (whatever stack it is on: also true in an oops)? */
bool lwkt_on_host(void)
{
	return this_cpu_read(lwkt_host_pcpu) == current;
}

