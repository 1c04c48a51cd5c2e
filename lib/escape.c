/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "escape.h"

#include <string.h>
#include "utf8.h"
#include "hex.h"

static const char hexdigit[] = "0123456789abcdef";

/* The two-character escape for c, or NULL when c has none. */
static const char *named_escape(unsigned char c)
{
	switch (c) {
	case '\\': return "\\\\";
	case '\r': return "\\r";
	case '\n': return "\\n";
	case '\t': return "\\t";
	case '\0': return "\\0";
	default: return NULL;
	}
}

bool escape_append(struct buf *out, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i = 0;
	while (i < n) {
		/* printable ASCII, the common case, in one piece */
		size_t run = 0;
		while (i + run < n && s[i + run] >= 0x20 && s[i + run] < 0x7f && s[i + run] != '\\')
			run++;
		if (run) {
			if (!buf_append(out, s + i, run))
				return false;
			i += run;
			continue;
		}
		const char *named = named_escape(s[i]);
		if (named) {
			if (!buf_append(out, named, 2))
				return false;
			i++;
			continue;
		}
		unsigned cp = 0;
		size_t len = s[i] >= 0x80 ? utf8_seq(s + i, n - i, &cp) : 0;
		/* Valid UTF-8 stays readable, except the C1 and bidi
		 * controls, which a terminal obeys (a transcript gets cat). */
		if (len && !utf8_is_hidden_control(cp)) {
			if (!buf_append(out, s + i, len))
				return false;
			i += len;
			continue;
		}
		/* One byte at a time: a C1 becomes "\xc2\x9b", and the
		 * continuation byte, now alone, is escaped on the next turn. */
		char hex[4] = {'\\', 'x', hexdigit[s[i] >> 4], hexdigit[s[i] & 15]};
		if (!buf_append(out, hex, sizeof(hex)))
			return false;
		i++;
	}
	return true;
}

/* Decodes the escape at s[i] == '\\' into *v; returns its length, or 0
 * when it is malformed. */
static size_t unescape_one(const char *s, size_t n, size_t i, char *v)
{
	if (i + 1 >= n)
		return 0; /* lone backslash at the end */
	switch (s[i + 1]) {
	case '\\': *v = '\\'; return 2;
	case 'r': *v = '\r'; return 2;
	case 'n': *v = '\n'; return 2;
	case 't': *v = '\t'; return 2;
	case '0': *v = '\0'; return 2;
	case 'x':
		if (i + 3 < n) {
			int h = hex_value(s[i + 2]), l = hex_value(s[i + 3]);
			if (h >= 0 && l >= 0) {
				*v = (char)(h * 16 + l);
				return 4;
			}
		}
		return 0;
	default: return 0;
	}
}

static enum smtpsh_err no_room(size_t at, size_t *bad_at, struct smtpsh_msg *msg)
{
	*bad_at = at;
	return smtpsh_fail(msg, SMTPSH_ENOMEM, "no room for the bytes from offset %zu on", at);
}

enum smtpsh_err unescape_append(struct buf *out, const char *s, size_t n, size_t *bad_at,
                                struct smtpsh_msg *msg)
{
	size_t i = 0;
	while (i < n) {
		if (s[i] != '\\') {
			/* the run up to the next backslash, in one piece */
			const char *bs = memchr(s + i, '\\', n - i);
			size_t run = bs ? (size_t)(bs - (s + i)) : n - i;
			if (!buf_append(out, s + i, run))
				return no_room(i, bad_at, msg);
			i += run;
			continue;
		}
		char v = 0;
		size_t len = unescape_one(s, n, i, &v);
		if (!len) {
			*bad_at = i;
			return smtpsh_fail(msg, SMTPSH_EINVAL,
			                   "bad escape at offset %zu (\\\\, \\r, \\n, \\t, \\0 or "
			                   "\\xHH)",
			                   i);
		}
		if (!buf_append_char(out, v))
			return no_room(i, bad_at, msg);
		i += len;
	}
	return SMTPSH_OK;
}
