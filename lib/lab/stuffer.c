/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The dot-stuffer: turns a stored message (LF or CRLF line ends) into its
 * POP3 multi-line form (RFC 1939 3): CRLF, a leading "." doubled, TOP's
 * body limit, then ".".  Fed in chunks as the file is read. */
#include <string.h>

#include "lab/stuffer.h"

void lab_stuffer_init(struct lab_stuffer *st, long body_lines)
{
	memset(st, 0, sizeof(*st));
	st->body_lines = body_lines;
	st->at_line_start = true;
	st->line_empty = true;
}

static bool end_line(struct lab_stuffer *st, struct buf *out)
{
	if (!buf_append(out, "\r\n", 2))
		return false;
	if (!st->in_body) {
		if (st->line_empty)
			st->in_body = true; /* the blank line after the headers */
	} else if (st->body_lines > 0) {
		st->body_lines--;
	}
	if (st->in_body && st->body_lines == 0)
		st->done = true;
	st->at_line_start = st->line_empty = true;
	return true;
}

static bool content(struct lab_stuffer *st, const char *p, size_t n, struct buf *out)
{
	if (n == 0)
		return true;
	if (st->at_line_start && p[0] == '.' && !buf_append_char(out, '.'))
		return false; /* dot-stuffing (RFC 1939 3) */
	st->at_line_start = st->line_empty = false;
	return buf_append(out, p, n);
}

bool lab_stuffer_feed(struct lab_stuffer *st, const char *p, size_t n, struct buf *out)
{
	size_t i = 0;
	while (i < n && !st->done) {
		if (st->pending_cr) {
			st->pending_cr = false;
			if (p[i] == '\n') {
				i++;
				if (!end_line(st, out))
					return false;
				continue;
			}
			if (!content(st, "\r", 1, out)) /* a CR inside a line stays */
				return false;
		}
		size_t run = i;
		while (run < n && p[run] != '\n' && p[run] != '\r')
			run++;
		if (!content(st, p + i, run - i, out))
			return false;
		i = run;
		if (i == n)
			break;
		if (p[i] == '\r') {
			st->pending_cr = true;
			i++;
		} else {
			i++;
			if (!end_line(st, out))
				return false;
		}
	}
	return true;
}

bool lab_stuffer_finish(struct lab_stuffer *st, struct buf *out)
{
	if (st->pending_cr && !st->done) {
		st->pending_cr = false;
		if (!content(st, "\r", 1, out))
			return false;
	}
	if (!st->at_line_start && !buf_append(out, "\r\n", 2))
		return false;
	return buf_append(out, ".\r\n", 3);
}
