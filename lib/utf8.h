/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one UTF-8 decoder: escape.c and text.c both use it. */
#ifndef SMTPSH_UTF8_H
#define SMTPSH_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when the bytes
 * there are not valid UTF-8 (overlong, surrogate, past U+10FFFF,
 * truncated).  *cp receives the code point. */
static inline size_t utf8_seq(const unsigned char *p, size_t n, unsigned *cp)
{
	unsigned c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t len;
	unsigned min;
	if ((c & 0xe0) == 0xc0)
		len = 2, min = 0x80, c &= 0x1f;
	else if ((c & 0xf0) == 0xe0)
		len = 3, min = 0x800, c &= 0x0f;
	else if ((c & 0xf8) == 0xf0)
		len = 4, min = 0x10000, c &= 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Code points a terminal obeys instead of showing, beyond C0 and DEL:
 * the C1 controls (U+009B is CSI, like ESC [), and the bidirectional
 * controls that reorder what is shown after them ("Trojan Source",
 * CVE-2021-42574): ALM, LRM, RLM, LRE..RLO, LRI..PDI. */
static inline bool utf8_is_hidden_control(unsigned cp)
{
	return (cp >= 0x80 && cp < 0xa0) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

#endif
