// SPDX-License-Identifier: GPL-2.0
/*
 * The run of a lock workload (tokens.c, mplock.c): T threads over the
 * harness's CPUs, each told the run's state and its own number.
 */
#include <linux/slab.h>

#include "workloads/locks.h"

/**
 * lwkt_locks_run - run @threads threads of @fn to their end
 * @h:		the harness, initialised, inside the run's state @st
 * @threads:	how many (thread @nr on the harness's @nr % ncpus-th CPU)
 * @fn:		the thread function; its argument is a struct lwkt_locks_arg
 *		and it ends with lwkt_harness_exit(@h, 1)
 * @st:		the run's state, for the threads
 * @name:	the threads' name, <name>/<nr>
 *
 * Return: lwkt_harness_wait()'s: 0, -ENOMEM or -EINTR.
 */
int lwkt_locks_run(struct lwkt_harness *h, unsigned long threads,
		   void (*fn)(void *arg), void *st, const char *name)
{
	struct lwkt_locks_arg *args;
	unsigned long i;
	int err;

	args = kcalloc(threads, sizeof(*args), GFP_KERNEL);
	if (!args)
		return -ENOMEM;
	for (i = 0; i < threads; i++) {
		args[i].st = st;
		args[i].nr = i;
	}
	lwkt_harness_start(h, threads, fn, args, sizeof(*args), name, 0);
	/* The threads are gone: their arguments may go. */
	err = lwkt_harness_wait(h);
	kfree(args);
	return err;
}
