/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "text.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include "utf8.h"

bool text_is_utf8(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	for (size_t i = 0; i < n;) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		unsigned cp;
		size_t len = utf8_seq(s + i, n - i, &cp);
		if (!len)
			return false;
		i += len;
	}
	return true;
}

/* Appends valid-or-not UTF-8 with every control and bad byte escaped. */
static unsigned append_safe(struct buf *out, const unsigned char *s, size_t n,
			    bool *ok)
{
	unsigned r = TEXT_CLEAN;
	for (size_t i = 0; i < n && *ok;) {
		/* printable ASCII, the common case, in one piece */
		size_t run = 0;
		while (i + run < n && s[i + run] >= 0x20 && s[i + run] < 0x7f)
			run++;
		if (run) {
			*ok = buf_append(out, s + i, run);
			i += run;
			continue;
		}
		unsigned cp = 0;
		size_t len = utf8_seq(s + i, n - i, &cp);
		bool control = len == 0 || (cp < 0x20 && cp != '\t') || cp == 0x7f ||
			       (cp >= 0x80 && cp < 0xa0);
		if (!control) {
			*ok = buf_append(out, s + i, len);
			i += len;
			continue;
		}
		/* Escape each byte of the offending sequence (ESC, C1...). */
		size_t k = len ? len : 1;
		for (size_t j = 0; j < k && *ok; j++) {
			char hex[5];
			snprintf(hex, sizeof(hex), "\\x%02x", s[i + j]);
			*ok = buf_append(out, hex, 4);
		}
		r |= TEXT_ESCAPED;
		i += k;
	}
	return r;
}

/* GB18030 -> UTF-8 of the whole input, or false when it does not
 * convert cleanly. */
static bool from_gb18030(const char *p, size_t n, struct buf *utf8)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		return false;
	size_t cap = 4 * n + 4;
	char *dst = malloc(cap);
	bool ok = dst != NULL;
	if (ok) {
		char *in = (char *)p, *outp = dst;
		size_t inleft = n, outleft = cap;
		ok = iconv(cd, &in, &inleft, &outp, &outleft) != (size_t)-1 && inleft == 0 &&
		     iconv(cd, NULL, NULL, &outp, &outleft) != (size_t)-1;
		ok = ok && buf_append(utf8, dst, cap - outleft);
		free(dst);
	}
	iconv_close(cd);
	return ok;
}

unsigned text_sanitize(struct buf *out, const char *p, size_t n, bool *ok)
{
	*ok = true;
	const unsigned char *s = (const unsigned char *)p;
	if (text_is_utf8(p, n))
		return append_safe(out, s, n, ok);
	struct buf conv;
	buf_init(&conv, 4 * n + 4);
	unsigned r;
	if (from_gb18030(p, n, &conv) && text_is_utf8(conv.data ? conv.data : "", conv.len))
		r = TEXT_FROM_GB18030 |
		    append_safe(out, (const unsigned char *)(conv.data ? conv.data : ""), conv.len, ok);
	else
		r = append_safe(out, s, n, ok) | TEXT_ESCAPED;
	buf_free(&conv);
	return r;
}
