// SPDX-License-Identifier: GPL-2.0
/*
 * The ctl result buffer: "key value" lines, and the help listing.
 */
#include "ctl/ctl.h"
#include "core/text.h"

namespace {

/* Append one whole line or nothing, so a full buffer never holds half a line. */
template <typename Fill>
void add_line(struct lwkt_ctl_result *res, Fill fill)
{
	unsigned long room = sizeof(res->buf) - res->len;
	lwkt::Text t(res->buf + res->len, room);

	fill(t);
	t.chr('\n');
	if (t.overflowed()) {
		res->buf[res->len] = '\0';
		res->truncated = true;
		return;
	}
	res->len += t.len();
}

} // namespace

extern "C" void lwkt_result_reset(struct lwkt_ctl_result *res)
{
	res->len = 0;
	res->failed = false;
	res->truncated = false;
	res->buf[0] = '\0';
}

extern "C" void lwkt_result_u64(struct lwkt_ctl_result *res, const char *key,
				u64 v)
{
	add_line(res, [&](lwkt::Text &t) { t.str(key).chr(' ').u64v(v); });
}

extern "C" void lwkt_result_s64(struct lwkt_ctl_result *res, const char *key,
				s64 v)
{
	add_line(res, [&](lwkt::Text &t) { t.str(key).chr(' ').s64v(v); });
}

extern "C" void lwkt_result_str(struct lwkt_ctl_result *res, const char *key,
				const char *v)
{
	add_line(res, [&](lwkt::Text &t) { t.str(key).chr(' ').str(v); });
}

extern "C" void lwkt_result_ratio(struct lwkt_ctl_result *res,
				  const char *key, u64 num, u64 den)
{
	add_line(res, [&](lwkt::Text &t) {
		t.str(key).chr(' ');
		if (den == 0) {
			t.str("inf");
			return;
		}
		/* num * 100 / den rounded, without overflowing for big num. */
		u64 whole = num / den;
		u64 rest = num % den;
		u64 cents = (rest * 200 / den + 1) / 2;

		if (rest > ~0ULL / 200) /* huge den: lose precision, not sign */
			cents = (rest / (den / 200 + 1) + 1) / 2;
		if (cents >= 100) {
			whole++;
			cents -= 100;
		}
		t.u64v(whole).chr('.');
		if (cents < 10)
			t.chr('0');
		t.u64v(cents);
	});
}

extern "C" void lwkt_ctl_format_help(const struct lwkt_ctl_workload *const *table,
				     unsigned int n, u64 ncpus,
				     struct lwkt_ctl_result *res)
{
	for (unsigned int i = 0; i < n; i++) {
		const struct lwkt_ctl_workload *wl = table[i];

		add_line(res, [&](lwkt::Text &t) {
			t.str(wl->name);
			for (unsigned int k = 0; k < wl->nkeys; k++) {
				const struct lwkt_ctl_key &key = wl->keys[k];

				t.chr(' ').str(key.name).chr('=');
				if (key.kind == LWKT_KEY_CPU) {
					t.str("<hosted cpu 0..").u64v(ncpus - 1)
						.chr('>');
				} else if (key.kind == LWKT_KEY_CHOICE) {
					for (u64 c = 0; key.choices[c]; c++)
						t.str(c ? "|" : "").str(key.choices[c]);
				} else {
					t.u64v(key.min).str("..").u64v(
						key.max ? key.max :
							  LWKT_CTL_COUNT_MAX);
				}
				if (key.required)
					continue;
				if (key.kind == LWKT_KEY_CHOICE)
					t.str("(default ").str(key.choices[key.def])
						.chr(')');
				else
					t.str("(default ").u64v(key.def).chr(')');
			}
			t.str(" : ").str(wl->help);
		});
	}
}
