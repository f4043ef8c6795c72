// SPDX-License-Identifier: GPL-2.0
/*
 * The debugfs "threads" view (src/ctl/threads_view.h): snapshot and line format.
 */
#include "ctl/threads_view.h"

#include <lwkt/atomic.h>
#include <lwkt/token.h>

#include "core/list.h"
#include "core/runq.h"
#include "core/text.h"
#include "platform.h"

namespace {

struct FlagName {
	u32 bit;
	const char *name;
};

/* TDF_* without the prefix, in bit order. */
constexpr FlagName kFlags[] = {
	{ TDF_RUNNING, "RUNNING" },
	{ TDF_RUNQ, "RUNQ" },
	{ TDF_PREEMPT_LOCK, "PREEMPT_LOCK" },
	{ TDF_PREEMPT_DONE, "PREEMPT_DONE" },
	{ TDF_IDLE_NOHLT, "IDLE_NOHLT" },
	{ TDF_MIGRATING, "MIGRATING" },
	{ TDF_ALLOCATED_THREAD, "ALLOCATED_THREAD" },
	{ TDF_ALLOCATED_STACK, "ALLOCATED_STACK" },
	{ TDF_VERBOSE, "VERBOSE" },
	{ TDF_STOPREQ, "STOPREQ" },
	{ TDF_NORESCHED, "NORESCHED" },
	{ TDF_INTTHREAD, "INTTHREAD" },
	{ TDF_EXITING, "EXITING" },
	{ TDF_DEADTHREAD, "DEADTHREAD" },
};

void copy_str(char *dst, const char *src, unsigned long size)
{
	unsigned long i = 0;

	for (; src && src[i] && i + 1 < size; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

/*
 * Tokrefs on td_toks: one per lwkt_gettoken()/lwkt_trytoken() hold not yet
 * released, so a token taken twice counts twice. A thread switched out
 * keeps its tokrefs (the tokens themselves are free until it runs again),
 * so this is what the thread holds whenever it runs.
 */
s32 tokref_count(const struct lwkt_thread *td)
{
	s32 n = 0;

	for (const struct lwkt_tokref *r = td->td_toks; r; r = r->tr_next)
		n++;
	return n;
}

void fill(const struct lwkt_thread *td, struct lwkt_thread_snap *s)
{
	s->switches = td->td_switches;
	s->tid = td->td_tid;
	s->cpu = td->td_gd->gd_cpuid;
	s->pri = lwkt::td_prio(td);
	s->crit = td->td_pri / TDPRI_CRIT;
	s->flags = td->td_flags;
	/* A snapshot for display: no ordering needed. */
	s->refs = lwkt_read_once(td->td_refs) &
		  ~TD_REFS_WAITER;
	s->tokens = tokref_count(td);
	s->mpcount = td->td_mpcount;
	s->stack_used = lwkt_plat_stack_used(td);
	s->stack_size = static_cast<u32>(td->td_kstack_size);
	copy_str(s->wmesg, td->td_wmesg, sizeof(s->wmesg));
	copy_str(s->comm, td->td_comm, sizeof(s->comm));
}

/* Unknown bits, should a flag appear before its name does, print in hex. */
void flags_text(lwkt::Text &t, u32 flags)
{
	bool any = false;

	for (const FlagName &f : kFlags) {
		if (!(flags & f.bit))
			continue;
		if (any)
			t.chr('|');
		t.str(f.name);
		flags &= ~f.bit;
		any = true;
	}
	if (flags) {
		static const char hex[] = "0123456789abcdef";
		int shift = 28;

		if (any)
			t.chr('|');
		t.str("0x");
		while (shift > 0 && !((flags >> shift) & 0xf))
			shift -= 4;
		for (; shift >= 0; shift -= 4)
			t.chr(hex[(flags >> shift) & 0xf]);
		any = true;
	}
	if (!any)
		t.chr('-');
}

} // namespace

extern "C" unsigned int lwkt_threads_snapshot(struct lwkt_globaldata *gd,
					      struct lwkt_thread_snap *out,
					      unsigned int cap)
{
	lwkt::AllList all(&gd->gd_tdallq);
	lwkt::RunList reap(&gd->gd_tdreapq);
	unsigned int n = 0;

	for (struct lwkt_thread *td = all.first(); td; td = all.next(td), n++)
		if (n < cap)
			fill(td, &out[n]);
	for (struct lwkt_thread *td = reap.first(); td; td = reap.next(td), n++)
		if (n < cap)
			fill(td, &out[n]);
	return n;
}

extern "C" const char *lwkt_thread_state_name(u32 flags)
{
	if (flags & (TDF_EXITING | TDF_DEADTHREAD))
		return "exiting";
	if (flags & TDF_MIGRATING)
		return "migrating";
	if (flags & TDF_RUNNING)
		return "run";
	if (flags & TDF_RUNQ)
		return "runq";
	return "blocked";
}

extern "C" int lwkt_threads_format(const struct lwkt_thread_snap *s, char *buf,
				   unsigned long size)
{
	lwkt::Text t(buf, size);

	if (!s) {
		t.str("tid cpu pri crit flags state refs tokens mpcount switches stack_used stack_size wmesg comm");
	} else {
		t.u64v(s->tid).chr(' ').s64v(s->cpu).chr(' ').s64v(s->pri)
			.chr(' ').s64v(s->crit).chr(' ');
		flags_text(t, s->flags);
		t.chr(' ').str(lwkt_thread_state_name(s->flags)).chr(' ')
			.s64v(s->refs).chr(' ').s64v(s->tokens).chr(' ')
			.s64v(s->mpcount).chr(' ').u64v(s->switches).chr(' ')
			.u64v(s->stack_used).chr(' ').u64v(s->stack_size).chr(' ')
			.str(s->wmesg[0] ? s->wmesg : "-").chr(' ')
			.str(s->comm[0] ? s->comm : "-");
	}
	t.chr('\n');
	if (t.overflowed()) {
		if (size)
			buf[0] = '\0';
		return -1;
	}
	return static_cast<int>(t.len());
}
