/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "escape.h"

#include <stdio.h>
#include <string.h>
#include "utf8.h"

bool escape_append(struct buf *out, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		const char *named = c == '\\' ? "\\\\" : c == '\r' ? "\\r" :
				    c == '\n' ? "\\n" : c == '\t' ? "\\t" :
				    c == '\0' ? "\\0" : NULL;
		if (named) {
			if (!buf_append(out, named, 2))
				return false;
			i++;
			continue;
		}
		unsigned cp;
		size_t len = c >= 0x80 ? utf8_seq(s + i, n - i, &cp) : 1;
		/* C1 controls (U+0080..U+009F) are escaped like C0 ones. */
		if (c < 0x20 || c == 0x7f || len == 0 || (len == 2 && cp < 0xa0)) {
			char hex[5];
			snprintf(hex, sizeof(hex), "\\x%02x", c);
			if (!buf_append(out, hex, 4))
				return false;
			i++;
			continue;
		}
		if (!buf_append(out, s + i, len))
			return false;
		i += len;
	}
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool unescape_append(struct buf *out, const char *s, size_t n, size_t *bad_at)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c != '\\') {
			/* the run up to the next backslash, in one piece */
			const char *bs = memchr(s + i, '\\', n - i);
			size_t run = bs ? (size_t)(bs - (s + i)) : n - i;
			if (!buf_append(out, s + i, run))
				return *bad_at = i, false;
			i += run - 1;
			continue;
		}
		if (i + 1 >= n)
			return *bad_at = i, false;
		char e = s[++i], v;
		switch (e) {
		case '\\': v = '\\'; break;
		case 'r': v = '\r'; break;
		case 'n': v = '\n'; break;
		case 't': v = '\t'; break;
		case '0': v = '\0'; break;
		case 'x': {
			int h = i + 2 < n ? hexval(s[i + 1]) : -1;
			int l = i + 2 < n ? hexval(s[i + 2]) : -1;
			if (h < 0 || l < 0)
				return *bad_at = i - 1, false;
			v = (char)(h * 16 + l);
			i += 2;
			break;
		}
		default:
			return *bad_at = i - 1, false;
		}
		if (!buf_append_char(out, v))
			return *bad_at = i, false;
	}
	return true;
}
