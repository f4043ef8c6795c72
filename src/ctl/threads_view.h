/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The debugfs "threads" view: a snapshot of one CPU's threads, taken in
 * LWKT context on that CPU (nothing of it moves meanwhile), formatted later
 * by the reader. Snapshot and format live in the core so the userland build
 * tests them; the kernel glue (src/linux/threads_debugfs.c) moves the snapshot
 * between CPUs and into a seq_file.
 */
#ifndef LWKT_CTL_THREADS_VIEW_H
#define LWKT_CTL_THREADS_VIEW_H

#include <lwkt/thread.h>

LWKT_EXTERN_C_BEGIN

#define LWKT_WMESG_MAX	15	/* wmesg shown, without the NUL */

/* One thread, copied: the reader never touches a live thread. */
struct lwkt_thread_snap {
	u64 switches;
	u32 tid;
	s32 cpu;
	s32 pri;		/* base priority, 0..31 */
	s32 crit;		/* critical-section nesting */
	u32 flags;		/* TDF_* */
	s32 refs;
	s32 tokens;		/* tokrefs on td_toks */
	s32 mpcount;
	u32 stack_used;		/* high-water mark, bytes */
	u32 stack_size;
	char wmesg[LWKT_WMESG_MAX + 1];	/* "" when not sleeping */
	char comm[LWKT_MAXCOMLEN + 1];
};

/**
 * lwkt_threads_snapshot - copy every thread of @gd
 * @gd:		the current CPU, inside a critical section
 * @out:	room for @cap entries
 * @cap:	capacity of @out
 *
 * Threads on the all-threads list, then exited ones not yet reaped. The
 * idle thread is not listed (it is the CPU, as in the "threads" counter).
 *
 * Return: how many threads there are; only the first @cap are copied, so
 * a return above @cap means "try again with more room".
 */
unsigned int lwkt_threads_snapshot(struct lwkt_globaldata *gd,
				   struct lwkt_thread_snap *out,
				   unsigned int cap);

/* State column: run, runq, blocked, migrating or exiting. */
const char *lwkt_thread_state_name(u32 flags);

/**
 * lwkt_threads_format - one line of the view, newline included
 * @s:		the thread, or NULL for the header line
 * @buf:	output, NUL-terminated
 * @size:	size of @buf; 256 always suffices
 *
 * Return: the line's length, or -1 if it did not fit (@buf then holds "").
 */
int lwkt_threads_format(const struct lwkt_thread_snap *s, char *buf,
			unsigned long size);

LWKT_EXTERN_C_END

#endif /* LWKT_CTL_THREADS_VIEW_H */
