/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mime/params.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "mime/charset.h"
#include "mime/words.h"
#include "hex.h"

/* Raw name=value pieces before RFC 2231 sections are put together. */
#define RAW_MAX 64

struct raw_param {
	char name[MIME_PARAM_NAME_MAX];
	int section;   /* -1: no "*N" */
	bool extended; /* a trailing '*': charset'lang'%XX */
	bool quoted;
	char value[MIME_PARAM_VALUE_MAX];
};

struct cursor {
	const char *s;
	size_t n, i;
};

static void skip_cfws(struct cursor *c)
{
	int depth = 0;
	while (c->i < c->n) {
		char ch = c->s[c->i];
		if (depth && ch == '\\' && c->i + 1 < c->n)
			c->i++;
		else if (ch == '(')
			depth++;
		else if (ch == ')' && depth)
			depth--;
		else if (!depth && ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n')
			return;
		c->i++;
	}
}

/* RFC 2045 tspecials end a token. */
static bool is_token_char(char ch)
{
	return (unsigned char)ch > ' ' && ch != 127 && !strchr("()<>@,;:\\\"/[]?=", ch);
}

/* A token, or a quoted string with its backslashes undone, into out;
 * cut at size (and *cut set). */
static bool read_value(struct cursor *c, char *out, size_t size, bool *quoted, bool *cut)
{
	size_t k = 0;
	*quoted = c->i < c->n && c->s[c->i] == '"';
	if (*quoted) {
		c->i++;
		while (c->i < c->n && c->s[c->i] != '"') {
			if (c->s[c->i] == '\\' && c->i + 1 < c->n)
				c->i++;
			if (k + 1 < size)
				out[k++] = c->s[c->i];
			else
				*cut = true;
			c->i++;
		}
		if (c->i < c->n)
			c->i++; /* the closing quote; a missing one is forgiven */
	} else {
		/* values are tokens, but '/' '?' '=' '@' in them are common */
		while (c->i < c->n && c->s[c->i] != ';' && c->s[c->i] != ' ' &&
		       c->s[c->i] != '\t' && c->s[c->i] != '(' && c->s[c->i] != '"') {
			if (k + 1 < size)
				out[k++] = c->s[c->i];
			else
				*cut = true;
			c->i++;
		}
	}
	out[k] = '\0';
	return *quoted || k > 0;
}

/* "name", "name*", "name*3", "name*3*" */
static void split_name(struct raw_param *r, const char *name, size_t n)
{
	r->extended = n && name[n - 1] == '*';
	if (r->extended)
		n--;
	r->section = -1;
	const char *star = memchr(name, '*', n);
	if (star && star + 1 < name + n && isdigit((unsigned char)star[1])) {
		char *end;
		long v = strtol(star + 1, &end, 10);
		if (end == name + n && v < 1000) {
			r->section = (int)v;
			n = (size_t)(star - name);
		}
	}
	if (n >= sizeof(r->name))
		n = sizeof(r->name) - 1;
	for (size_t i = 0; i < n; i++)
		r->name[i] = (char)tolower((unsigned char)name[i]);
	r->name[n] = '\0';
}

static size_t read_raw(struct cursor *c, struct raw_param *raw, unsigned *problems)
{
	size_t n = 0;
	while (c->i < c->n) {
		skip_cfws(c);
		if (c->i < c->n && c->s[c->i] == ';') {
			c->i++;
			continue;
		}
		size_t start = c->i;
		while (c->i < c->n && is_token_char(c->s[c->i]))
			c->i++;
		size_t name_len = c->i - start;
		skip_cfws(c);
		if (!name_len || c->i >= c->n || c->s[c->i] != '=') {
			if (c->i < c->n || name_len)
				*problems |= MIME_PARAMS_BAD_SYNTAX;
			while (c->i < c->n && c->s[c->i] != ';')
				c->i++;
			continue;
		}
		c->i++;
		skip_cfws(c);
		struct raw_param r;
		bool cut = false;
		split_name(&r, c->s + start, name_len);
		read_value(c, r.value, sizeof(r.value), &r.quoted, &cut);
		if (cut)
			*problems |= MIME_PARAMS_CUT;
		if (n < RAW_MAX)
			raw[n++] = r;
		else
			*problems |= MIME_PARAMS_CUT;
	}
	return n;
}

/* %XX undone (RFC 2231 section 4) */
static void percent_decode(struct buf *out, const char *s)
{
	for (size_t i = 0; s[i]; i++) {
		int hi, lo;
		if (s[i] == '%' && (hi = hex_value(s[i + 1])) >= 0 &&
		    (lo = hex_value(s[i + 2])) >= 0) {
			buf_append_char(out, (char)(hi * 16 + lo));
			i += 2;
		} else
			buf_append_char(out, s[i]);
	}
}

static void set_value(struct mime_param *p, const char *s, size_t n, unsigned *problems)
{
	if (n >= sizeof(p->value)) {
		n = sizeof(p->value) - 1;
		*problems |= MIME_PARAMS_CUT;
	}
	memcpy(p->value, s, n);
	p->value[n] = '\0';
}

/* Sections 0, 1, 2... of name (each at most once), the first one's
 * charset'lang' prefix read, put together and converted. */
static void join_sections(struct mime_param *p, const struct raw_param *raw, size_t n_raw,
                          unsigned *problems)
{
	struct buf bytes;
	buf_init(&bytes, 4 * MIME_PARAM_VALUE_MAX);
	char charset[64] = "";
	bool any_extended = false;
	for (int section = 0;; section++) {
		const struct raw_param *r = NULL;
		for (size_t k = 0; k < n_raw && !r; k++)
			if (raw[k].section == section && !strcmp(raw[k].name, p->name))
				r = &raw[k];
		if (!r)
			break;
		const char *v = r->value;
		if (r->extended && section == 0) {
			const char *q1 = strchr(v, '\''), *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
			if (q2) {
				size_t cl = (size_t)(q1 - v);
				if (cl < sizeof(charset)) {
					memcpy(charset, v, cl);
					charset[cl] = '\0';
				}
				v = q2 + 1;
			}
		}
		if (r->extended) {
			any_extended = true;
			percent_decode(&bytes, v);
		} else
			buf_append_str(&bytes, v);
	}
	struct buf utf8;
	buf_init(&utf8, MIME_PARAM_VALUE_MAX - 1);
	const char *d = bytes.data ? bytes.data : "";
	if (any_extended && charset[0] &&
	    mime_charset_to_utf8(&utf8, charset, d, bytes.len, NULL) == SMTPSH_OK)
		set_value(p, utf8.data ? utf8.data : "", utf8.len, problems);
	else {
		if (any_extended && charset[0])
			*problems |= MIME_PARAMS_BAD_CHARSET;
		set_value(p, d, bytes.len, problems);
	}
	buf_free(&utf8);
	buf_free(&bytes);
}

/* A plain value: encoded words inside it are decoded, as mailers write
 * file names that way and readers (Python's among them) accept it. */
static void plain_value(struct mime_param *p, const struct raw_param *r, unsigned *problems)
{
	struct buf out;
	buf_init(&out, MIME_PARAM_VALUE_MAX - 1);
	struct mime_words_seen seen = {0};
	size_t n = strlen(r->value);
	if (mime_words_decode(&out, r->value, n, &seen) == SMTPSH_OK && out.data)
		set_value(p, out.data, out.len, problems);
	else
		set_value(p, r->value, n, problems);
	if (seen.kept)
		*problems |= MIME_PARAMS_BAD_CHARSET;
	buf_free(&out);
}

static bool have_param(const struct mime_params *ps, const char *name)
{
	return mime_params_get(ps, name) != NULL;
}

void mime_params_parse(struct mime_params *out, const char *s, size_t n)
{
	memset(out, 0, sizeof(*out));
	struct cursor c = {s, n, 0};
	skip_cfws(&c);
	size_t k = 0;
	while (c.i < c.n && c.s[c.i] != ';' && c.s[c.i] != ' ' && c.s[c.i] != '\t' &&
	       c.s[c.i] != '(') {
		if (k + 1 < sizeof(out->value))
			out->value[k++] = (char)tolower((unsigned char)c.s[c.i]);
		c.i++;
	}
	out->value[k] = '\0';
	struct raw_param *raw = calloc(RAW_MAX, sizeof(*raw)); /* 70 KB: off the stack */
	if (!raw) {
		out->problems |= MIME_PARAMS_CUT;
		return;
	}
	size_t n_raw = read_raw(&c, raw, &out->problems);
	for (size_t i = 0; i < n_raw; i++) {
		if (have_param(out, raw[i].name))
			continue;
		if (out->n == MIME_PARAMS_MAX) {
			out->problems |= MIME_PARAMS_CUT;
			break;
		}
		struct mime_param *p = &out->p[out->n++];
		strcpy(p->name, raw[i].name);
		/* a section 0 wins over a plain value of the same name */
		bool sections = false;
		for (size_t j = 0; j < n_raw; j++)
			sections |= raw[j].section == 0 && !strcmp(raw[j].name, p->name);
		if (sections)
			join_sections(p, raw, n_raw, &out->problems);
		else if (raw[i].extended) {
			struct raw_param one = raw[i];
			one.section = 0;
			join_sections(p, &one, 1, &out->problems);
		} else
			plain_value(p, &raw[i], &out->problems);
	}
	free(raw);
}

const char *mime_params_get(const struct mime_params *ps, const char *name)
{
	for (size_t i = 0; i < ps->n; i++)
		if (!strcmp(ps->p[i].name, name))
			return ps->p[i].value;
	return NULL;
}
