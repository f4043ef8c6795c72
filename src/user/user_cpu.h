/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One simulated CPU of the userland host (private to src/user/).
 */
#ifndef LWKT_USER_CPU_H
#define LWKT_USER_CPU_H

#include <pthread.h>

#include <lwkt/thread.h>

namespace lwkt_user {

/* A lwkt_user_run() call waiting for its CPU's idle loop. */
struct Request {
	Request *next;
	int pri;
	void (*fn)(void *);
	void *arg;
	bool done;	/* under g_done_mu */
};

struct Cpu {
	pthread_t thread;
	pthread_mutex_t mu;	/* protects everything below */
	pthread_cond_t cv;
	bool woken;		/* sticky wakeup, consumed by idle */
	Request *head;
	Request **tailp;
	int has_work;		/* atomic hint: head != nullptr */
	struct lwkt_globaldata gd;
};

inline Cpu *cpu_of(struct lwkt_globaldata *gd)
{
	return static_cast<Cpu *>(gd->gd_host);
}

} // namespace lwkt_user

#endif /* LWKT_USER_CPU_H */
