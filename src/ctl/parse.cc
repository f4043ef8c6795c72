// SPDX-License-Identifier: GPL-2.0
/*
 * Parser for the debugfs "ctl" line: "<workload> key=value ...".
 * Strict on purpose: anything it does not understand is an error, so a typo
 * in a test script fails loudly instead of running with a default.
 */
#include "ctl/ctl.h"
#include <lwkt/errno.h>
#include "core/text.h"

namespace {

struct Cursor {
	const char *p;
	const char *end;

	bool at_end() const { return p == end; }
	static bool is_space(char c) { return c == ' ' || c == '\t'; }

	void skip_spaces()
	{
		while (p != end && is_space(*p))
			p++;
	}

	/* Next whitespace-delimited word; empty when at the end. */
	void word(const char **w, unsigned long *n)
	{
		skip_spaces();
		*w = p;
		while (p != end && !is_space(*p))
			p++;
		*n = static_cast<unsigned long>(p - *w);
	}
};

bool same(const char *s, const char *w, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		if (s[i] != w[i] || s[i] == '\0')
			return false;
	return s[n] == '\0';
}

/* Decimal only; a value above COUNT_MAX saturates (it is out of range). */
bool parse_decimal(const char *s, unsigned long n, u64 *out)
{
	u64 v = 0;

	if (n == 0)
		return false;
	for (unsigned long i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v <= LWKT_CTL_COUNT_MAX)
			v = v * 10 + static_cast<u64>(s[i] - '0');
	}
	*out = v;
	return true;
}

} // namespace

extern "C" int lwkt_ctl_parse(const struct lwkt_ctl_workload *const *table,
			      unsigned int n, const char *line,
			      unsigned long len, bool (*cpu_hosted)(u64 cpu),
			      struct lwkt_ctl_request *req, char *why,
			      unsigned long whylen)
{
	lwkt::Text msg(why, whylen);
	Cursor c{line, line + len};
	const char *w;
	unsigned long wn;
	bool seen[LWKT_CTL_MAX_KEYS] = {};

	/* One trailing newline, as echo writes it; nothing else after it. */
	if (len && line[len - 1] == '\n')
		c.end--;
	for (const char *q = c.p; q != c.end; q++) {
		if (*q == '\n' || *q == '\0' || *q == '\r') {
			msg.str("ctl takes one line of printable text");
			return -LWKT_EINVAL;
		}
	}

	c.word(&w, &wn);
	if (wn == 0) {
		msg.str("empty ctl line (write 'help' for the workloads)");
		return -LWKT_EINVAL;
	}
	req->wl = nullptr;
	for (unsigned int i = 0; i < n; i++) {
		if (same(table[i]->name, w, wn)) {
			req->wl = table[i];
			break;
		}
	}
	if (!req->wl) {
		msg.str("unknown workload '").str(w, wn).str("'");
		return -LWKT_EINVAL;
	}

	const struct lwkt_ctl_workload *wl = req->wl;

	/*
	 * lwkt_ctl_check_table() refuses such a table at load; this keeps a
	 * table that skipped the check from writing past req->args[].
	 */
	if (wl->nkeys > LWKT_CTL_MAX_KEYS) {
		msg.str(wl->name).str(": more keys than ctl can hold");
		return -LWKT_EINVAL;
	}
	for (unsigned int k = 0; k < wl->nkeys; k++)
		req->args[k] = wl->keys[k].def;

	for (;;) {
		c.word(&w, &wn);
		if (wn == 0)
			break;

		unsigned long klen = 0;

		while (klen < wn && w[klen] != '=')
			klen++;
		if (klen == wn || klen == 0) {
			msg.str(wl->name).str(": expected key=value, got '")
				.str(w, wn).str("'");
			return -LWKT_EINVAL;
		}

		unsigned int k;

		for (k = 0; k < wl->nkeys; k++)
			if (same(wl->keys[k].name, w, klen))
				break;
		if (k == wl->nkeys) {
			msg.str(wl->name).str(": unknown key '").str(w, klen)
				.str("'");
			return -LWKT_EINVAL;
		}
		if (seen[k]) {
			msg.str(wl->name).str(": key '").str(w, klen)
				.str("' given twice");
			return -LWKT_EINVAL;
		}
		seen[k] = true;

		const struct lwkt_ctl_key &key = wl->keys[k];
		const char *val = w + klen + 1;
		unsigned long vlen = wn - klen - 1;
		u64 v;

		if (key.kind == LWKT_KEY_CHOICE) {
			for (v = 0; key.choices[v]; v++)
				if (same(key.choices[v], val, vlen))
					break;
			if (!key.choices[v]) {
				msg.str(wl->name).str(": ").str(key.name)
					.str(" must be one of ");
				for (u64 i = 0; key.choices[i]; i++)
					msg.str(i ? "|" : "").str(key.choices[i]);
				msg.str(", got '").str(val, vlen).str("'");
				return -LWKT_EINVAL;
			}
			req->args[k] = v;
			continue;
		}
		if (!parse_decimal(val, vlen, &v)) {
			msg.str(wl->name).str(": ").str(key.name)
				.str(" needs a decimal number, got '")
				.str(val, vlen).str("'");
			return -LWKT_EINVAL;
		}
		if (key.kind == LWKT_KEY_CPU) {
			if (v > LWKT_CTL_COUNT_MAX || !cpu_hosted(v)) {
				msg.str(wl->name).str(": cpu ").str(val, vlen)
					.str(" is not hosted by lwkt");
				return -LWKT_ERANGE;
			}
		} else {
			u64 max = key.max ? key.max : LWKT_CTL_COUNT_MAX;

			if (v < key.min || v > max) {
				msg.str(wl->name).str(": ").str(key.name)
					.str("=").str(val, vlen)
					.str(" is out of range ").u64v(key.min)
					.str("..").u64v(max);
				return -LWKT_ERANGE;
			}
		}
		req->args[k] = v;
	}

	for (unsigned int k = 0; k < wl->nkeys; k++) {
		if (wl->keys[k].required && !seen[k]) {
			msg.str(wl->name).str(": missing key '")
				.str(wl->keys[k].name).str("'");
			return -LWKT_EINVAL;
		}
	}
	return 0;
}
