/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "text.h"

#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
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

/* Appends s with every control (C0, DEL, C1, bidi) and every byte that is
 * not UTF-8 shown as "\xHH"; stops at the first append that does not fit (*ok = false), so
 * that out never ends with a later, shorter piece after a gap. */
static unsigned append_safe(struct buf *out, const unsigned char *s, size_t n, bool *ok)
{
	static const char hexdigit[] = "0123456789abcdef";
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
		               utf8_is_hidden_control(cp);
		if (!control) {
			*ok = buf_append(out, s + i, len);
			i += len;
			continue;
		}
		/* Every byte of the offending sequence: ESC, both of a C1... */
		size_t k = len ? len : 1;
		for (size_t j = 0; j < k && *ok; j++) {
			char hex[4] = {'\\', 'x', hexdigit[s[i + j] >> 4], hexdigit[s[i + j] & 15]};
			*ok = buf_append(out, hex, sizeof(hex));
		}
		r |= TEXT_ESCAPED;
		i += k;
	}
	return r;
}

/* GB18030 -> UTF-8 of the whole input into a malloc'd block, or NULL when
 * it does not convert cleanly (EILSEQ: a byte GB18030 has no use for;
 * EINVAL: a truncated sequence at the end). */
static char *from_gb18030(const char *p, size_t n, size_t *len)
{
	/* A GB18030 character of k bytes becomes at most k+1 UTF-8 bytes. */
	if (n > SIZE_MAX / 2 - 4)
		return NULL;
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		return NULL;
	size_t cap = 2 * n + 4;
	char *dst = malloc(cap);
	if (dst) {
		char *in = (char *)p, *o = dst;
		size_t inleft = n, outleft = cap;
		if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1 || inleft ||
		    iconv(cd, NULL, NULL, &o, &outleft) == (size_t)-1) {
			free(dst);
			dst = NULL;
		} else {
			*len = cap - outleft;
		}
	}
	iconv_close(cd);
	return dst;
}

unsigned text_safe(struct buf *out, const char *p, size_t n)
{
	bool ok = true;
	const unsigned char *s = (const unsigned char *)p;
	unsigned r;
	size_t len = 0;
	char *conv = NULL;
	/* UTF-8 first: GB18030 decodes most byte pairs, UTF-8 ones too. */
	if (text_is_utf8(p, n))
		r = append_safe(out, s, n, &ok);
	/* Converted text is made safe again: GB18030 can encode C1
	 * controls (81 30 83 37 is U+009B, CSI). */
	else if ((conv = from_gb18030(p, n, &len)) && text_is_utf8(conv, len))
		r = TEXT_FROM_GB18030 | append_safe(out, (unsigned char *)conv, len, &ok);
	else
		r = TEXT_ESCAPED | append_safe(out, s, n, &ok);
	free(conv);
	return ok ? r : r | TEXT_CUT;
}

const char *text_safe_str(char *out, size_t size, const char *p, size_t n)
{
	if (size <= 1) { /* buf_init(&b, 0) would mean no bound */
		if (size)
			out[0] = '\0';
		return out;
	}
	struct buf b;
	buf_init(&b, size - 1);
	text_safe(&b, p, n);
	memcpy(out, b.data ? b.data : "", b.len);
	out[b.len] = '\0';
	buf_free(&b);
	return out;
}

size_t text_width(const char *s)
{
	size_t cols = 0, n = strlen(s);
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = utf8_seq((const unsigned char *)s + i, n - i, &cp);
		if (!len) {
			cols++;
			i++;
			continue;
		}
		int w = wcwidth((wchar_t)cp);
		cols += w < 0 ? 1 : (size_t)w;
		i += len;
	}
	return cols;
}

int text_field(const char *s, int columns)
{
	size_t bytes = strlen(s), cols = text_width(s);
	return columns + (int)(bytes - cols);
}
