// SPDX-License-Identifier: GPL-2.0
/*
 * The platform seam for the userland host: memory, sanitizer fiber
 * annotations around stack switches, logging, panics, time.
 * (Idling, waking and host work are in sim_cpus.cc.)
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <lwkt/atomic.h>

#include "arch/x86_64/switch_frame.h"
#include "platform.h"
#include "user/lwkt_user.h"

#if defined(__SANITIZE_ADDRESS__)
#define LWKT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LWKT_ASAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define LWKT_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LWKT_TSAN 1
#endif
#endif

#ifdef LWKT_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef LWKT_TSAN
#include <sanitizer/tsan_interface.h>
#endif

__thread struct lwkt_globaldata *lwkt_user_curgd;

namespace {

/* Hooks are set by tests between runs, read by hosts: keep them atomic. */
void (*g_panic_hook)(const char *);
void (*g_log_hook)(const char *);
int g_refuse_switch;

constexpr long kGuard = 4096;

/* td_host[0]: the thread's TSan fiber. */
constexpr int kFiber = 0;

} // namespace

extern "C" void lwkt_user_set_panic_hook(void (*hook)(const char *))
{
	/* Pairs with lwkt_plat_panic()'s load_acquire(). */
	lwkt_store_release(&g_panic_hook, hook);
}

extern "C" void lwkt_user_set_log_hook(void (*hook)(const char *))
{
	/* Pairs with lwkt_plat_log()'s load_acquire(). */
	lwkt_store_release(&g_log_hook, hook);
}

extern "C" void lwkt_user_set_switch_refused(bool refuse)
{
	/*
	 * No acquiring partner: lwkt_plat_switch_allowed() reads the knob
	 * relaxed, and it publishes nothing else.
	 */
	lwkt_store_release(&g_refuse_switch, refuse ? 1 : 0);
}

/* --- memory --- */

extern "C" void *lwkt_plat_stack_alloc(int size)
{
	/* A PROT_NONE page below the stack turns an overflow into SIGSEGV. */
	size_t len = static_cast<size_t>(size) + kGuard;
	void *p = mmap(nullptr, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return nullptr;
	if (mprotect(p, kGuard, PROT_NONE) != 0) {
		munmap(p, len);
		return nullptr;
	}
	return static_cast<char *>(p) + kGuard;
}

extern "C" void lwkt_plat_stack_free(void *stack, int size)
{
#ifdef LWKT_ASAN
	/* Frames that never returned leave poisoned shadow behind. */
	ASAN_UNPOISON_MEMORY_REGION(stack, static_cast<size_t>(size));
#endif
	munmap(static_cast<char *>(stack) - kGuard,
	       static_cast<size_t>(size) + kGuard);
}

extern "C" struct lwkt_thread *lwkt_plat_thread_alloc(void)
{
	return static_cast<struct lwkt_thread *>(
		malloc(sizeof(struct lwkt_thread)));
}

extern "C" void lwkt_plat_thread_free(struct lwkt_thread *td)
{
	free(td);
}

/* --- thread life --- */

extern "C" void lwkt_plat_thread_setup(struct lwkt_thread *td)
{
#ifdef LWKT_TSAN
	if (!td->td_host[kFiber])
		td->td_host[kFiber] = __tsan_create_fiber(0);
#else
	(void)td;
#endif
}

extern "C" void lwkt_plat_thread_start(struct lwkt_thread *td)
{
	(void)td;
#ifdef LWKT_ASAN
	/* A fresh fiber: no fake stack to restore. */
	__sanitizer_finish_switch_fiber(nullptr, nullptr, nullptr);
#endif
}

extern "C" void lwkt_plat_thread_release(struct lwkt_thread *td)
{
#ifdef LWKT_TSAN
	if (td->td_host[kFiber]) {
		__tsan_destroy_fiber(td->td_host[kFiber]);
		td->td_host[kFiber] = nullptr;
	}
#endif
#ifdef LWKT_ASAN
	/* The stack may be reused by the free cache: forget its old frames. */
	if (td->td_kstack)
		ASAN_UNPOISON_MEMORY_REGION(td->td_kstack,
					    static_cast<size_t>(td->td_kstack_size));
#endif
	(void)td;
}

extern "C" void lwkt_plat_idle_setup(struct lwkt_globaldata *gd)
{
	struct lwkt_thread *idle = &gd->gd_idlethread;
	pthread_attr_t attr;
	void *addr;
	size_t size;

	/* ASan needs the host stack's bounds to switch back to it. */
	if (pthread_getattr_np(pthread_self(), &attr) == 0) {
		if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
			idle->td_kstack = static_cast<char *>(addr);
			idle->td_kstack_size = static_cast<int>(size);
		}
		pthread_attr_destroy(&attr);
	}
#ifdef LWKT_TSAN
	idle->td_host[kFiber] = __tsan_get_current_fiber();
#endif
}

/* --- switching --- */

extern "C" bool lwkt_plat_switch_allowed(struct lwkt_globaldata *gd,
					 struct lwkt_thread *td)
{
	if (lwkt_read_once(g_refuse_switch) == 0)
		return true;
	/* Like the kernel's log line, but once per CPU: tests loop on it. */
	if (!gd->gd_refused_logged) {
		gd->gd_refused_logged = 1;
		lwkt_plat_log("cpu %d: switch refused for thread %s: the host simulates a state that cannot be switched away from (logged once)",
			      gd->gd_cpuid, td->td_comm);
	}
	return false;
}

extern "C" void lwkt_plat_switch(struct lwkt_thread *from,
				 struct lwkt_thread *to)
{
#ifdef LWKT_ASAN
	void *fake = nullptr;
	/* Leaving for good: NULL lets ASan drop the fiber's fake stack. */
	bool dying = from->td_flags & TDF_EXITING;

	__sanitizer_start_switch_fiber(dying ? nullptr : &fake, to->td_kstack,
				       static_cast<size_t>(to->td_kstack_size));
#endif
#ifdef LWKT_TSAN
	__tsan_switch_to_fiber(to->td_host[kFiber], 0);
#endif
	lwkt_cpu_switch(&from->td_sp, &to->td_sp);
#ifdef LWKT_ASAN
	__sanitizer_finish_switch_fiber(fake, nullptr, nullptr);
#endif
}

/* --- diagnostics and time --- */

extern "C" u64 lwkt_plat_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return static_cast<u64>(ts.tv_sec) * 1000000000ULL +
	       static_cast<u64>(ts.tv_nsec);
}

extern "C" void lwkt_plat_cpu_relax(void)
{
	__builtin_ia32_pause();
}

extern "C" void lwkt_plat_log(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	/* Pairs with lwkt_user_set_log_hook()'s lwkt_store_release(). */
	void (*hook)(const char *) = lwkt_load_acquire(&g_log_hook);

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (hook)
		hook(line);
	else
		fprintf(stderr, "lwkt: %s\n", line);
}

extern "C" void lwkt_plat_panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	/* Pairs with lwkt_user_set_panic_hook()'s lwkt_store_release(). */
	void (*hook)(const char *) = lwkt_load_acquire(&g_panic_hook);

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (hook) {
		hook(msg);
		return;
	}
	fprintf(stderr, "lwkt: panic: %s\n", msg);
	abort();
}
