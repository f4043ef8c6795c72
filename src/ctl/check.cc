// SPDX-License-Identifier: GPL-2.0
/*
 * The workload table's own check, run once at module load (and by the
 * userland tests): what the parser and "help" take for granted about
 * each entry, so that a bad entry stops the load with its name instead of
 * misbehaving on the first write that reaches it.
 */
#include "ctl/ctl.h"
#include <lwkt/errno.h>
#include "core/text.h"

namespace {

bool empty(const char *s)
{
	return !s || !*s;
}

bool same(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* The parser looks keys up by name and stops at the first match. */
bool key_ok(const struct lwkt_ctl_workload *wl, unsigned int k,
	    lwkt::Text &msg)
{
	const struct lwkt_ctl_key &key = wl->keys[k];
	auto fail = [&]() -> lwkt::Text & {
		return msg.str("workload '").str(wl->name).str("': ");
	};

	if (empty(key.name)) {
		fail().str("key ").u64v(k).str(" has no name");
		return false;
	}
	for (unsigned int j = 0; j < k; j++) {
		if (!empty(wl->keys[j].name) && same(wl->keys[j].name, key.name)) {
			fail().str("key '").str(key.name).str("' listed twice");
			return false;
		}
	}
	switch (key.kind) {
	case LWKT_KEY_COUNT: {
		u64 max = key.max ? key.max : LWKT_CTL_COUNT_MAX;

		if (key.def < key.min || key.def > max) {
			fail().str("key '").str(key.name).str("' default ")
				.u64v(key.def).str(" outside ").u64v(key.min)
				.str("..").u64v(max);
			return false;
		}
		return true;
	}
	case LWKT_KEY_CHOICE: {
		u64 n = 0;

		while (key.choices && key.choices[n])
			n++;
		if (key.def >= n) {
			fail().str("key '").str(key.name).str("' default ")
				.u64v(key.def).str(" is not one of its ")
				.u64v(n).str(" words");
			return false;
		}
		return true;
	}
	case LWKT_KEY_CPU:
		/* Whether a default CPU is hosted is known only at run time. */
		return true;
	}
	fail().str("key '").str(key.name).str("' has an unknown kind");
	return false;
}

bool workload_ok(const struct lwkt_ctl_workload *const *table,
		 unsigned int i, lwkt::Text &msg)
{
	const struct lwkt_ctl_workload *wl = table[i];

	if (!wl) {
		msg.str("workload ").u64v(i).str(" is NULL");
		return false;
	}
	if (empty(wl->name)) {
		msg.str("workload ").u64v(i).str(" has no name");
		return false;
	}
	for (unsigned int j = 0; j < i; j++) {
		if (table[j] && !empty(table[j]->name) &&
		    same(table[j]->name, wl->name)) {
			msg.str("workload '").str(wl->name).str("' listed twice");
			return false;
		}
	}
	if (!wl->run) {
		msg.str("workload '").str(wl->name).str("' has no run hook");
		return false;
	}
	/* lwkt_ctl_parse() fills req->args[], LWKT_CTL_MAX_KEYS of them. */
	if (wl->nkeys > LWKT_CTL_MAX_KEYS) {
		msg.str("workload '").str(wl->name).str("' has ")
			.u64v(wl->nkeys).str(" keys, more than the ")
			.u64v(LWKT_CTL_MAX_KEYS).str(" the parser holds");
		return false;
	}
	if (wl->nkeys && !wl->keys) {
		msg.str("workload '").str(wl->name).str("' has ")
			.u64v(wl->nkeys).str(" keys but no key table");
		return false;
	}
	for (unsigned int k = 0; k < wl->nkeys; k++)
		if (!key_ok(wl, k, msg))
			return false;
	return true;
}

} // namespace

extern "C" int lwkt_ctl_check_table(const struct lwkt_ctl_workload *const *table,
				    unsigned int n, char *why,
				    unsigned long whylen)
{
	lwkt::Text msg(why, whylen);

	for (unsigned int i = 0; i < n; i++)
		if (!workload_ok(table, i, msg))
			return -LWKT_EINVAL;
	return 0;
}
