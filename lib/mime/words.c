/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mime/words.h"

#include <stdbool.h>
#include <string.h>

#include "b64.h"
#include "mime/charset.h"
#include "hex.h"

/* An encoded word is at most 75 octets (RFC 2047 section 2); longer ones
 * are read too, as mailers write them, up to this. */
#define WORD_MAX 1024

struct word {
	const char *charset, *text;
	size_t charset_len, text_len, len; /* len: the whole word */
	char encoding;                     /* 'B' or 'Q' */
};

/* Finds "=?cs?e?text?=" at p; no whitespace or '?' inside. */
static bool word_at(const char *p, size_t n, struct word *w)
{
	if (n < 8 || p[0] != '=' || p[1] != '?')
		return false;
	size_t i = 2;
	while (i < n && p[i] != '?' && p[i] > ' ' && p[i] < 127)
		i++;
	if (i == 2 || i + 3 >= n || p[i] != '?' || p[i + 2] != '?')
		return false;
	w->charset = p + 2;
	w->charset_len = i - 2;
	w->encoding = (char)(p[i + 1] & ~0x20);
	if (w->encoding != 'B' && w->encoding != 'Q')
		return false;
	size_t t = i + 3, e = t;
	while (e + 1 < n && !(p[e] == '?' && p[e + 1] == '=') && p[e] > ' ' && p[e] < 127)
		e++;
	if (e + 1 >= n || p[e] != '?' || p[e + 1] != '=' || e + 2 > WORD_MAX)
		return false;
	w->text = p + t;
	w->text_len = e - t;
	w->len = e + 2;
	return true;
}

/* RFC 2047 4.2: "_" is a space, "=XX" an octet. */
static bool q_decode(struct buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '_')
			c = ' ';
		else if (c == '=') {
			if (i + 2 >= n)
				return false;
			int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
			if (hi < 0 || lo < 0)
				return false;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (!buf_append_char(out, c))
			return false;
	}
	return true;
}

/* The word's text into out as UTF-8; out is unchanged on failure. */
static enum smtpsh_err word_decode(struct buf *out, const struct word *w, struct smtpsh_msg *why)
{
	struct buf raw;
	buf_init(&raw, WORD_MAX);
	char charset[64];
	enum smtpsh_err err = SMTPSH_OK;
	if (w->charset_len >= sizeof(charset))
		err = smtpsh_fail(why, SMTPSH_EINVAL, "unknown charset");
	else if (w->encoding == 'B')
		err = b64_decode(&raw, w->text, w->text_len);
	else if (!q_decode(&raw, w->text, w->text_len))
		err = SMTPSH_EINVAL;
	if (err == SMTPSH_EINVAL && !why->text[0])
		smtpsh_fail(why, err, "an encoded word that is not valid %c encoding", w->encoding);
	if (err == SMTPSH_OK) {
		memcpy(charset, w->charset, w->charset_len);
		charset[w->charset_len] = '\0';
		err = mime_charset_to_utf8(out, charset, raw.data ? raw.data : "", raw.len,
		                           why->text[0] ? NULL : why);
	}
	buf_free(&raw);
	return err;
}

static bool is_delimiter(char c)
{
	return c == '(' || c == ')' || c == '"';
}

enum smtpsh_err mime_words_decode(struct buf *out, const char *value, size_t n,
                                  struct mime_words_seen *seen)
{
	bool after_word = false; /* the last token was a decoded word */
	size_t i = 0;
	while (i < n) {
		size_t ws = i;
		while (ws < n && (value[ws] == ' ' || value[ws] == '\t'))
			ws++;
		struct word w;
		if (ws < n && word_at(value + ws, n - ws, &w)) {
			bool drop_space = after_word && ws > i;
			if (!drop_space && !buf_append(out, value + i, ws - i))
				return SMTPSH_ENOMEM;
			struct smtpsh_msg why = {{0}};
			enum smtpsh_err err = word_decode(out, &w, seen->kept ? &why : &seen->why);
			if (err == SMTPSH_ENOMEM)
				return err;
			if (err == SMTPSH_OK)
				seen->decoded++;
			else {
				if (drop_space && !buf_append(out, value + i, ws - i))
					return SMTPSH_ENOMEM;
				seen->kept++;
				if (!buf_append(out, value + ws, w.len))
					return SMTPSH_ENOMEM;
			}
			after_word = err == SMTPSH_OK;
			i = ws + w.len;
			continue;
		}
		/* ordinary text up to the next whitespace or delimiter; a word
		 * in a comment is one (RFC 2047 5(2)), and one in a quoted
		 * string is read too, as Python and most mail readers do */
		size_t e = ws;
		if (e < n && is_delimiter(value[e]))
			e++;
		else
			while (e < n && value[e] != ' ' && value[e] != '\t' &&
			       !is_delimiter(value[e]))
				e++;
		if (e == ws) /* trailing whitespace */
			e = n;
		if (!buf_append(out, value + i, e - i))
			return SMTPSH_ENOMEM;
		after_word = false;
		i = e;
	}
	return SMTPSH_OK;
}
