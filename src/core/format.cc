// SPDX-License-Identifier: GPL-2.0
/*
 * The printf subset thread names need (the core has no vsnprintf):
 * %s %c %d %i %u %x %X %p %%, the l/ll/z/h length modifiers, a width and
 * the '0' and '-' flags. Anything else is copied literally.
 */
#include "core/internal.h"
#include "core/text.h"

namespace lwkt {
namespace {

struct Spec {
	bool left = false;
	bool zero = false;
	int width = 0;
	int longs = 0;	/* 0: int, 1: long, 2: long long; z counts as long */
};

void pad(Text &t, int n, char c)
{
	while (n-- > 0)
		t.chr(c);
}

/* Digits of v in base 10 or 16 into tmp (reversed); returns the count. */
int digits(u64 v, unsigned base, bool upper, char *tmp)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		tmp[n++] = set[base == 16 ? (v & 15) : (v % 10)];
		v = base == 16 ? v >> 4 : v / 10;
	} while (v);
	return n;
}

void number(Text &t, const Spec &sp, u64 v, bool neg, unsigned base,
	    bool upper, const char *prefix)
{
	char tmp[24];
	int n = digits(v, base, upper, tmp);
	int plen = 0;

	while (prefix[plen])
		plen++;
	int len = n + (neg ? 1 : 0) + plen;

	if (!sp.left && !sp.zero)
		pad(t, sp.width - len, ' ');
	if (neg)
		t.chr('-');
	t.str(prefix);
	if (!sp.left && sp.zero)
		pad(t, sp.width - len, '0');
	while (n)
		t.chr(tmp[--n]);
	if (sp.left)
		pad(t, sp.width - len, ' ');
}

} // namespace

int vformat(char *buf, unsigned long size, const char *fmt,
	    __builtin_va_list ap)
{
	Text t(buf, size);

	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			t.chr(*p);
			continue;
		}
		const char *start = p++;
		Spec sp;

		for (;; p++) {
			if (*p == '-')
				sp.left = true;
			else if (*p == '0')
				sp.zero = true;
			else
				break;
		}
		while (*p >= '0' && *p <= '9')
			sp.width = sp.width * 10 + (*p++ - '0');
		for (;; p++) {
			if (*p == 'l' || *p == 'z')
				sp.longs++;
			else if (*p != 'h')
				break;
		}
		switch (*p) {
		case '%':
			t.chr('%');
			break;
		case 'c': {
			char c = static_cast<char>(__builtin_va_arg(ap, int));
			t.chr(c);
			break;
		}
		case 's': {
			const char *s = __builtin_va_arg(ap, const char *);
			int len = 0;

			if (!s)
				s = "(null)";
			while (s[len])
				len++;
			if (!sp.left)
				pad(t, sp.width - len, ' ');
			t.str(s);
			if (sp.left)
				pad(t, sp.width - len, ' ');
			break;
		}
		case 'd':
		case 'i': {
			s64 v = sp.longs >= 2 ? __builtin_va_arg(ap, long long) :
				sp.longs == 1 ? __builtin_va_arg(ap, long) :
						__builtin_va_arg(ap, int);
			bool neg = v < 0;
			/* Negate in unsigned arithmetic: -INT64_MIN overflows. */
			u64 mag = neg ? 0 - static_cast<u64>(v) : static_cast<u64>(v);

			number(t, sp, mag, neg, 10, false, "");
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			u64 v = sp.longs >= 2 ? __builtin_va_arg(ap, unsigned long long) :
				sp.longs == 1 ? __builtin_va_arg(ap, unsigned long) :
						__builtin_va_arg(ap, unsigned int);

			number(t, sp, v, false, *p == 'u' ? 10 : 16, *p == 'X', "");
			break;
		}
		case 'p': {
			void *v = __builtin_va_arg(ap, void *);

			number(t, sp, reinterpret_cast<unsigned long>(v), false, 16,
			       false, "0x");
			break;
		}
		case '\0':
			p--;	/* a lone '%' at the end */
			t.chr('%');
			break;
		default:
			/* Unknown: copy the whole conversion as written. */
			t.str(start, static_cast<unsigned long>(p - start + 1));
			break;
		}
	}
	return static_cast<int>(t.len());
}

} // namespace lwkt
