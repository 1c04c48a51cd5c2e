/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "data_check.h"

#include <string.h>
#include <strings.h>

void data_check_init(struct data_check *c, bool body_8bitmime)
{
	*c = (struct data_check){.body_8bitmime = body_8bitmime};
}

static bool has_8bit(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] > 127)
			return true;
	return false;
}

/* RFC 5322 3.6.8: a field name is printable ASCII but ':', then ':'.
 * Its length, or 0 when the line is no header. */
static size_t field_name_len(const char *line, size_t len)
{
	size_t i = 0;
	while (i < len && line[i] > ' ' && line[i] < 127 && line[i] != ':')
		i++;
	return i > 0 && i < len && line[i] == ':' ? i : 0;
}

static struct data_warning *add(struct data_check *c, struct data_warning *out, size_t *n,
                                enum data_warning_kind kind)
{
	struct data_warning *w = &out[(*n)++];
	*w = (struct data_warning){.kind = kind, .line = c->lines};
	return w;
}

static void copy_name(char dst[HEADER_NAME_MAX + 1], const char *name, size_t len)
{
	size_t n = len > HEADER_NAME_MAX ? HEADER_NAME_MAX : len;
	memcpy(dst, name, n);
	dst[n] = '\0';
}

/* The header block is over (blank line, a line that is no header, or
 * the final "."): what RFC 5322 3.6 requires and is missing.  A mistyped
 * Date or From was said already when it was typed. */
static void block_end(struct data_check *c, struct data_warning *out, size_t *n)
{
	c->in_body = true;
	if (!c->has_date && !c->date_typo)
		add(c, out, n, DATA_WARN_NO_DATE);
	if (!c->has_from && !c->from_typo)
		add(c, out, n, DATA_WARN_NO_FROM);
}

static void header_line(struct data_check *c, const char *line, size_t len,
                        struct data_warning *out, size_t *n)
{
	if (line[0] == ' ' || line[0] == '\t') { /* a folded continuation */
		if (has_8bit(line, len))
			copy_name(add(c, out, n, DATA_WARN_HEADER_8BIT)->name, c->last_name,
			          strlen(c->last_name));
		return;
	}
	size_t name_len = field_name_len(line, len);
	if (!name_len) {
		add(c, out, n, DATA_WARN_NOT_A_HEADER);
		block_end(c, out, n);
		if (has_8bit(line, len) && !c->body_8bitmime) {
			add(c, out, n, DATA_WARN_BODY_8BIT);
			c->body_8bit_told = true;
		}
		return;
	}
	copy_name(c->last_name, line, name_len);
	const struct header_info *h = header_find(line, name_len);
	const struct header_info *date = header_find("Date", 4), *from = header_find("From", 4);
	if (h == date)
		c->has_date = true;
	else if (h == from)
		c->has_from = true;
	/* X- names are anyone's own: never a typo of a known one */
	bool own = name_len > 2 && strncasecmp(line, "X-", 2) == 0;
	const struct header_info *near = h || own ? NULL : header_nearest(line, name_len);
	if (near) {
		struct data_warning *w = add(c, out, n, DATA_WARN_NAME_TYPO);
		copy_name(w->name, line, name_len);
		w->known = near;
		c->date_typo |= near == date;
		c->from_typo |= near == from;
	}
	if (has_8bit(line + name_len, len - name_len))
		copy_name(add(c, out, n, DATA_WARN_HEADER_8BIT)->name, line, name_len);
}

size_t data_check_line(struct data_check *c, const char *line, size_t len,
                       struct data_warning out[DATA_CHECK_MAX_WARNINGS])
{
	size_t n = 0;
	if (c->ended)
		return 0;
	c->lines++;
	if (len == 1 && line[0] == '.') {
		c->ended = true;
		if (!c->in_body)
			block_end(c, out, &n);
		return n;
	}
	if (!c->in_body) {
		if (len == 0)
			block_end(c, out, &n);
		else
			header_line(c, line, len, out, &n);
	} else if (!c->body_8bitmime && !c->body_8bit_told && has_8bit(line, len)) {
		add(c, out, &n, DATA_WARN_BODY_8BIT);
		c->body_8bit_told = true;
	}
	if (len > DATA_LINE_MAX)
		add(c, out, &n, DATA_WARN_LINE_TOO_LONG)->octets = len;
	return n;
}
