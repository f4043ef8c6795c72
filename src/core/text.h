/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bounded text builder for the freestanding core (no snprintf here).
 * Appends never overflow: once the buffer is full, further text is dropped
 * and overflowed() reports it. The buffer is always NUL-terminated.
 */
#ifndef LWKT_CORE_TEXT_H
#define LWKT_CORE_TEXT_H

#include <lwkt/types.h>

namespace lwkt {

class Text {
public:
	Text(char *buf, unsigned long size) : buf_(buf), size_(size)
	{
		if (size_)
			buf_[0] = '\0';
	}

	Text &str(const char *s)
	{
		while (*s)
			chr(*s++);
		return *this;
	}

	Text &str(const char *s, unsigned long n)
	{
		for (unsigned long i = 0; i < n; i++)
			chr(s[i]);
		return *this;
	}

	Text &chr(char c)
	{
		if (len_ + 1 < size_) {
			buf_[len_++] = c;
			buf_[len_] = '\0';
		} else {
			overflow_ = true;
		}
		return *this;
	}

	Text &u64v(u64 v)
	{
		char tmp[20];
		int n = 0;

		do {
			tmp[n++] = static_cast<char>('0' + v % 10);
			v /= 10;
		} while (v);
		while (n)
			chr(tmp[--n]);
		return *this;
	}

	Text &s64v(s64 v)
	{
		if (v < 0) {
			chr('-');
			/* Negate in unsigned arithmetic: -INT64_MIN overflows. */
			return u64v(0 - static_cast<u64>(v));
		}
		return u64v(static_cast<u64>(v));
	}

	unsigned long len() const { return len_; }
	bool overflowed() const { return overflow_; }

private:
	char *buf_;
	unsigned long size_;
	unsigned long len_ = 0;
	bool overflow_ = false;
};

} // namespace lwkt

#endif /* LWKT_CORE_TEXT_H */
