/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mime/encode.h"

#include <string.h>

#include "b64.h"
#include "utf8.h"

static const char hex_digits[] = "0123456789ABCDEF";

#define TRY(x)                                                                                     \
	do {                                                                                       \
		if (!(x))                                                                          \
			return SMTPSH_ENOMEM;                                                      \
	} while (0)

bool mime_is_ascii(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] > 127)
			return false;
	return true;
}

/* The length of the UTF-8 character at p, 0 when p holds none. */
static size_t utf8_char_len(const char *p, size_t n)
{
	unsigned cp;
	return utf8_seq((const unsigned char *)p, n, &cp);
}

static bool is_utf8(const char *p, size_t n)
{
	for (size_t i = 0, k; i < n; i += k)
		if ((k = utf8_char_len(p + i, n - i)) == 0)
			return false;
	return true;
}

static bool append_hex(struct buf *out, char lead, unsigned char c)
{
	char e[3] = {lead, hex_digits[c >> 4], hex_digits[c & 15]};
	return buf_append(out, e, 3);
}

enum smtpsh_err mime_encode_base64(struct buf *out, const void *p, size_t n)
{
	/* 57 bytes make 76 characters */
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i += 57) {
		size_t k = n - i < 57 ? n - i : 57;
		if (b64_encode(out, b + i, k) != SMTPSH_OK)
			return SMTPSH_ENOMEM;
		TRY(buf_append_char(out, '\n'));
	}
	return SMTPSH_OK;
}

/* One input line of quoted-printable (its break not included). */
static enum smtpsh_err qp_line(struct buf *out, const unsigned char *s, size_t n)
{
	size_t col = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		bool last = i + 1 == n;
		bool literal = (c == ' ' || c == '\t') ? !last : (c >= 33 && c <= 126 && c != '=');
		size_t w = literal ? 1 : 3;
		/* room for the soft break's '=' unless this ends the line */
		if (col + w > (last ? MIME_ENCODED_LINE_MAX : MIME_ENCODED_LINE_MAX - 1)) {
			TRY(buf_append(out, "=\n", 2));
			col = 0;
		}
		TRY(literal ? buf_append_char(out, (char)c) : append_hex(out, '=', c));
		col += w;
	}
	TRY(buf_append_char(out, '\n'));
	return SMTPSH_OK;
}

enum smtpsh_err mime_encode_qp(struct buf *out, const char *p, size_t n)
{
	size_t start = 0;
	while (start < n) {
		const char *nl = memchr(p + start, '\n', n - start);
		size_t end = nl ? (size_t)(nl - p) : n;
		size_t len = end - start;
		if (nl && len && p[end - 1] == '\r')
			len--; /* CRLF is one hard break */
		enum smtpsh_err e = qp_line(out, (const unsigned char *)p + start, len);
		if (e != SMTPSH_OK)
			return e;
		start = nl ? end + 1 : n;
	}
	return SMTPSH_OK;
}

/* RFC 2047 5(3): the characters a Q word may carry as they are anywhere
 * a word may stand (in a phrase too). */
static bool q_literal(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '!' || c == '*' || c == '+' || c == '-' || c == '/' || c == ' ';
}

static size_t q_width(const char *p, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		w += q_literal((unsigned char)p[i]) ? 1 : 3;
	return w;
}

static size_t b_width(size_t n)
{
	return (n + 2) / 3 * 4;
}

#define WORD_WRAP_LEN 12 /* "=?UTF-8?B?" and "?=" */

static enum smtpsh_err append_word(struct buf *out, const char *p, size_t n,
                                   enum mime_word_encoding e)
{
	TRY(buf_append_str(out, e == MIME_WORD_B ? "=?UTF-8?B?" : "=?UTF-8?Q?"));
	switch (e) {
	case MIME_WORD_B:
		if (b64_encode(out, p, n) != SMTPSH_OK)
			return SMTPSH_ENOMEM;
		break;
	case MIME_WORD_Q:
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)p[i];
			if (c == ' ')
				TRY(buf_append_char(out, '_'));
			else
				TRY(q_literal(c) ? buf_append_char(out, (char)c)
				                 : append_hex(out, '=', c));
		}
		break;
	}
	TRY(buf_append(out, "?=", 2));
	return SMTPSH_OK;
}

enum smtpsh_err mime_encode_words(struct buf *out, const char *p, size_t n, size_t first_max,
                                  enum mime_word_encoding *chosen)
{
	if (!is_utf8(p, n))
		return SMTPSH_EINVAL;
	enum mime_word_encoding e = q_width(p, n) <= b_width(n) ? MIME_WORD_Q : MIME_WORD_B;
	if (chosen)
		*chosen = e;
	size_t limit = first_max >= 20 && first_max < MIME_WORD_MAX ? first_max : MIME_WORD_MAX;
	size_t start = 0, i = 0, qw = 0;
	while (i < n) {
		size_t k = utf8_char_len(p + i, n - i);
		size_t cq = q_width(p + i, k);
		size_t payload = e == MIME_WORD_B ? b_width(i + k - start) : qw + cq;
		if (i > start && payload + WORD_WRAP_LEN > limit) {
			enum smtpsh_err r = append_word(out, p + start, i - start, e);
			if (r != SMTPSH_OK)
				return r;
			TRY(buf_append_char(out, ' '));
			start = i;
			qw = 0;
			limit = MIME_WORD_MAX;
		}
		qw += cq;
		i += k;
	}
	return n ? append_word(out, p + start, n - start, e) : SMTPSH_OK;
}

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

enum smtpsh_err mime_fold_header(struct buf *out, const char *name, const char *value, size_t n)
{
	TRY(buf_printf(out, "%s: ", name));
	size_t col = strlen(name) + 2;
	size_t i = 0;
	while (i < n) {
		/* a segment: whitespace, then the word after it */
		size_t j = i;
		while (j < n && is_wsp(value[j]))
			j++;
		bool has_word = j < n;
		while (j < n && !is_wsp(value[j]))
			j++;
		if (i > 0 && has_word && col + (j - i) > MIME_HEADER_LINE_MAX) {
			TRY(buf_append_char(out, '\n'));
			col = 0;
		}
		TRY(buf_append(out, value + i, j - i));
		col += j - i;
		i = j;
	}
	TRY(buf_append_char(out, '\n'));
	return SMTPSH_OK;
}

/* RFC 2231 attribute-char: what an extended value carries as it is. */
static bool attribute_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$&+-.^_`|~", c));
}

#define PARAM_SECTION_MAX 40 /* characters of one section's value: its line within 76 */

enum smtpsh_err mime_encode_param(struct buf *out, const char *name, const char *value,
                                  bool *extended)
{
	size_t n = strlen(value);
	if (!is_utf8(value, n))
		return SMTPSH_EINVAL;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)value[i] < 32 || value[i] == 127)
			return SMTPSH_EINVAL;
	bool ascii = mime_is_ascii(value, n);
	if (extended)
		*extended = !ascii;
	if (ascii) {
		TRY(buf_printf(out, "%s=\"", name));
		for (size_t i = 0; i < n; i++) {
			if (value[i] == '"' || value[i] == '\\')
				TRY(buf_append_char(out, '\\'));
			TRY(buf_append_char(out, value[i]));
		}
		TRY(buf_append_char(out, '"'));
		return SMTPSH_OK;
	}
	size_t encoded = 0;
	for (size_t i = 0; i < n; i++)
		encoded += attribute_char((unsigned char)value[i]) ? 1 : 3;
	bool sections = encoded > PARAM_SECTION_MAX;
	size_t i = 0;
	for (unsigned section = 0; i < n; section++) {
		if (section > 0)
			TRY(buf_append(out, ";\n ", 3));
		if (sections)
			TRY(buf_printf(out, "%s*%u*=", name, section));
		else
			TRY(buf_printf(out, "%s*=", name));
		if (section == 0)
			TRY(buf_append_str(out, "UTF-8''"));
		size_t width = 0;
		while (i < n) {
			size_t k = utf8_char_len(value + i, n - i);
			size_t w = 0;
			for (size_t b = 0; b < k; b++)
				w += attribute_char((unsigned char)value[i + b]) ? 1 : 3;
			if (width > 0 && width + w > PARAM_SECTION_MAX)
				break;
			for (size_t b = 0; b < k; b++) {
				unsigned char c = (unsigned char)value[i + b];
				TRY(attribute_char(c) ? buf_append_char(out, (char)c)
				                      : append_hex(out, '%', c));
			}
			width += w;
			i += k;
		}
	}
	return SMTPSH_OK;
}
