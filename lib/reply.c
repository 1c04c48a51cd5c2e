/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Streaming SMTP/POP3 reply reader.  Bytes go from p->in (the last feed,
 * read from p->in_off on) into p->line, which collects one line at a
 * time and keeps at most REPLY_MAX_LINE bytes of it: so memory stays at
 * REPLY_MAX_LINE + one feed whatever the peer sends. */
#include "reply.h"
#include "i18n.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Hard limit on p->in: callers feed at most REPLY_MAX_FEED bytes and
 * drain next() in between, so only a caller that breaks that contract
 * many times over reaches it (feed() then fails with SMTPSH_ENOMEM). */
#define IN_HARD_MAX (16 * (size_t)REPLY_MAX_FEED)

/* Bytes of a server line quoted in an error message. */
#define QUOTE_MAX 60

void reply_parser_init(struct reply_parser *p, enum reply_mode mode)
{
	memset(p, 0, sizeof(*p));
	p->mode = mode;
	buf_init(&p->in, IN_HARD_MAX);
	buf_init(&p->line, REPLY_MAX_LINE);
	p->cur.mode = mode;
}

void reply_parser_free(struct reply_parser *p)
{
	buf_free(&p->in);
	buf_free(&p->line);
}

void reply_parser_expect_body(struct reply_parser *p, bool body)
{
	switch (p->mode) {
	case REPLY_SMTP: break;
	case REPLY_POP3: p->expect_body = body; break;
	}
}

/* Forgets the line being assembled (or handed out last). */
static void line_reset(struct reply_parser *p)
{
	buf_clear(&p->line);
	p->line_total = 0;
	p->line_flags = 0;
	p->cr_pending = false;
	p->line_ready = false;
	p->discarding = false;
	p->discarded = 0;
}

static void reply_start(struct reply_parser *p)
{
	memset(&p->cur, 0, sizeof(p->cur));
	p->cur.mode = p->mode;
	p->text_len = 0;
}

/* The reply in progress is over (END or ERROR): back between replies. */
static void reply_done(struct reply_parser *p)
{
	p->in_reply = false;
	p->in_body = false;
	p->skipping = false;
	p->expect_body = false;
}

void reply_parser_reset(struct reply_parser *p)
{
	buf_clear(&p->in);
	p->in_off = 0;
	line_reset(p);
	reply_done(p);
	p->pending_end = false;
	reply_start(p);
}

enum smtpsh_err reply_parser_feed(struct reply_parser *p, const void *data, size_t n)
{
	if (p->closed)
		return SMTPSH_OK;
	/* Normally everything was read already and this is a cheap clear;
	 * the memmove only happens for a caller that did not drain. */
	buf_consume(&p->in, p->in_off);
	p->in_off = 0;
	if (!buf_append(&p->in, data, n))
		return SMTPSH_ENOMEM;
	return SMTPSH_OK;
}

void reply_parser_eof(struct reply_parser *p)
{
	p->closed = true;
}

bool reply_parser_in_reply(const struct reply_parser *p)
{
	return p->in_reply || p->skipping;
}

size_t reply_parser_buffered(const struct reply_parser *p)
{
	return p->in.len - p->in_off + (p->line_ready ? 0 : p->line_total);
}

/* Adds line content bytes (no LF among them): flags are worked out on the
 * whole line, but only the first REPLY_MAX_LINE bytes are kept.  A CR is
 * only known to be bare once the byte after it is seen. */
static void line_add(struct reply_parser *p, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p->cr_pending)
			p->line_flags |= LINE_BARE_CR;
		p->cr_pending = s[i] == '\r';
		if (s[i] == '\0')
			p->line_flags |= LINE_HAS_NUL;
	}
	size_t room = REPLY_MAX_LINE - p->line.len;
	size_t keep = n < room ? n : room;
	/* Cannot fail: line.max is REPLY_MAX_LINE and keep fits in it. */
	buf_append(&p->line, s, keep);
	p->line_total += n;
	p->discarded += n - keep;
	p->discarding = p->discarded > 0;
}

/* The line is complete: terminated by LF (lf) or by the end of input. */
static void line_finish(struct reply_parser *p, bool lf)
{
	if (lf && p->cr_pending) {
		p->line_total--; /* the CR of CRLF is not content */
		if (p->line.len > p->line_total) {
			p->line.len = p->line_total;
			p->line.data[p->line.len] = '\0';
		}
	} else if (lf) {
		p->line_flags |= LINE_BARE_LF;
	} else {
		if (p->cr_pending)
			p->line_flags |= LINE_BARE_CR;
		p->line_flags |= LINE_UNTERMINATED;
	}
	p->cr_pending = false;
	if (p->line_total > REPLY_MAX_LINE)
		p->line_flags |= LINE_TRUNCATED;
	p->line_ready = true;
}

/* Moves bytes from p->in to p->line; true when a line is complete. */
static bool take_line(struct reply_parser *p)
{
	size_t avail = p->in.len - p->in_off;
	if (avail == 0)
		return false;
	const char *s = p->in.data + p->in_off;
	const char *lf = memchr(s, '\n', avail);
	size_t n = lf ? (size_t)(lf - s) : avail;
	line_add(p, s, n);
	p->in_off += lf ? n + 1 : n;
	if (p->in_off == p->in.len) {
		buf_clear(&p->in);
		p->in_off = 0;
	}
	if (lf)
		line_finish(p, true);
	return lf != NULL;
}

/* Server text, quoted for a one-line message: printable ASCII as is,
 * the rest escaped, cut after QUOTE_MAX input bytes. */
static void quote(char *out, size_t size, const char *s, size_t n)
{
	size_t o = 0;
	size_t show = n < QUOTE_MAX ? n : QUOTE_MAX;
	/* Worst case per byte is 4 chars; keep room for "...\"" and NUL. */
	if (size < 8)
		return;
	out[o++] = '"';
	for (size_t i = 0; i < show && o + 4 + 5 <= size; i++) {
		unsigned char c = (unsigned char)s[i];
		static const char hex[] = "0123456789abcdef";
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c >= 0x20 && c < 0x7f) {
			out[o++] = (char)c;
		} else if (c == '\r' || c == '\n' || c == '\t' || c == '\0') {
			out[o++] = '\\';
			out[o++] = c == '\r' ? 'r' : c == '\n' ? 'n' : c == '\t' ? 't' : '0';
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (show < n) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o++] = '"';
	out[o] = '\0';
}

/* Appends one line's text to reply.text: parts joined by one space,
 * NUL bytes shown as '?' so that the text is a usable C string. */
static void text_add(struct reply_parser *p, const char *s, size_t n)
{
	size_t max = sizeof(p->cur.text) - 1;
	if (n == 0 || p->text_len >= max)
		return;
	if (p->text_len > 0) {
		p->cur.text[p->text_len++] = ' ';
		if (p->text_len >= max) {
			p->cur.text[p->text_len] = '\0';
			return;
		}
	}
	size_t take = n < max - p->text_len ? n : max - p->text_len;
	for (size_t i = 0; i < take; i++)
		p->cur.text[p->text_len++] = s[i] ? s[i] : '?';
	p->cur.text[p->text_len] = '\0';
}

/* Length of an RFC 3463 enhanced code "C.S.D" at the start of s (C the
 * reply's class digit, S and D 1-3 digits), followed by a space or the
 * end; 0 when there is none. */
static size_t enhanced_len(const char *s, size_t n, char class_digit)
{
	size_t i = 0;
	if (n < 5 || s[0] != class_digit || s[1] != '.')
		return 0;
	i = 2;
	for (int part = 0; part < 2; part++) {
		size_t start = i;
		while (i < n && i - start < 4 && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start || i - start > 3)
			return 0;
		if (part == 0) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
	}
	return i == n || s[i] == ' ' ? i : 0;
}

static void event_init(struct reply_event *ev)
{
	ev->kind = REPLY_EV_LINE;
	memset(&ev->line, 0, sizeof(ev->line));
	ev->line.raw = ev->line.text = "";
	ev->reply = NULL;
	ev->err = SMTPSH_OK;
	ev->error[0] = '\0';
}

/* The error's words, translated and in English (fmt: an xgettext keyword). */
static void event_error(struct reply_event *ev, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void event_error(struct reply_event *ev, const char *fmt, ...)
{
	va_list ap, ap_en;
	va_start(ap, fmt);
	va_copy(ap_en, ap);
	vsnprintf(ev->error, sizeof(ev->error), _(fmt), ap);
	vsnprintf(ev->error_en, sizeof(ev->error_en), fmt, ap_en);
	va_end(ap_en);
	va_end(ap);
}

/* An ERROR event about the current line; the reply is abandoned. */
static void error_line(struct reply_parser *p, struct reply_event *ev, const char *expected)
{
	char q[QUOTE_MAX * 4 + 8];
	quote(q, sizeof(q), ev->line.raw, ev->line.raw_len);
	ev->kind = REPLY_EV_ERROR;
	ev->err = SMTPSH_EPROTO;
	ev->reply = p->in_reply ? &p->cur : NULL;
	ev->line.text = ev->line.raw;
	ev->line.text_len = ev->line.raw_len;
	bool smtp = !strcmp(expected, "a 3-digit code");
	if (ev->line.raw_len == 0 && smtp)
		event_error(ev, "malformed reply line (expected a 3-digit code): %s (empty line)",
		            q);
	else if (ev->line.raw_len == 0)
		event_error(ev, "malformed reply line (expected +OK or -ERR): %s (empty line)", q);
	else if (smtp)
		event_error(ev, "malformed reply line (expected a 3-digit code): %s", q);
	else
		event_error(ev, "malformed reply line (expected +OK or -ERR): %s", q);
	reply_done(p);
}

/* SMTP status line.  Returns whether an event is handed out. */
static bool smtp_line(struct reply_parser *p, struct reply_event *ev)
{
	struct reply_line *l = &ev->line;
	const char *r = l->raw;
	size_t n = l->raw_len;
	if (n < 3 || r[0] < '2' || r[0] > '5' || r[1] < '0' || r[1] > '5' || r[2] < '0' ||
	    r[2] > '9' || (n > 3 && r[3] != ' ' && r[3] != '-')) {
		error_line(p, ev, "a 3-digit code");
		return true;
	}
	l->code = (r[0] - '0') * 100 + (r[1] - '0') * 10 + (r[2] - '0');
	l->last = n == 3 || r[3] == ' ';
	l->text = n > 3 ? r + 4 : r + 3;
	l->text_len = n > 3 ? n - 4 : 0;

	if (p->skipping) {
		/* The rest of an over-long reply: swallowed silently. */
		if (l->last)
			p->skipping = false;
		return false;
	}
	if (!p->in_reply) {
		reply_start(p);
		p->in_reply = true;
		p->cur.code = l->code;
	} else if (l->code != p->cur.code) {
		l->flags |= LINE_CODE_MISMATCH;
	}
	if (p->cur.nlines >= REPLY_MAX_SMTP_LINES) {
		ev->kind = REPLY_EV_ERROR;
		ev->err = SMTPSH_EPROTO;
		ev->reply = &p->cur;
		event_error(ev, "reply has more than %d lines: giving up on it",
		            REPLY_MAX_SMTP_LINES);
		bool more = !l->last;
		reply_done(p);
		p->skipping = more;
		return true;
	}

	const char *t = l->text;
	size_t tn = l->text_len;
	char cls = r[0];
	if (p->cur.nlines == 0) {
		size_t e = enhanced_len(t, tn, cls);
		if (e) {
			memcpy(p->cur.enhanced, t, e);
			p->cur.enhanced[e] = '\0';
		}
	}
	if (p->cur.enhanced[0]) {
		/* Servers repeat the code on each line (Gmail's 534-5.7.9 ...):
		 * strip it where it is the first line's. */
		size_t e = enhanced_len(t, tn, cls);
		if (e && e == strlen(p->cur.enhanced) && memcmp(t, p->cur.enhanced, e) == 0) {
			t += e;
			tn -= e;
			if (tn > 0) {
				t++;
				tn--;
			}
		}
	}
	text_add(p, t, tn);
	p->cur.nlines++;
	p->cur.flags |= l->flags;
	if (l->last)
		p->pending_end = true;
	return true;
}

/* "+OK", "-ERR" (any case) or "+" followed by the end or a space;
 * returns the status' length, 0 if none. */
static size_t pop3_status(const char *r, size_t n, int *code)
{
	if (n >= 3 && strncasecmp(r, "+OK", 3) == 0 && (n == 3 || r[3] == ' ')) {
		*code = REPLY_POP3_OK;
		return 3;
	}
	if (n >= 4 && strncasecmp(r, "-ERR", 4) == 0 && (n == 4 || r[4] == ' ')) {
		*code = REPLY_POP3_ERR;
		return 4;
	}
	if (n >= 1 && r[0] == '+' && (n == 1 || r[1] == ' ')) {
		*code = REPLY_POP3_CONT;
		return 1;
	}
	return 0;
}

static bool pop3_line(struct reply_parser *p, struct reply_event *ev)
{
	struct reply_line *l = &ev->line;
	const char *r = l->raw;
	size_t n = l->raw_len;

	if (p->in_body) {
		l->flags |= LINE_BODY;
		if (n == 1 && l->full_len == 1 && r[0] == '.') {
			l->flags |= LINE_BODY_END;
			l->text = r + 1;
			l->last = true;
			p->pending_end = true;
		} else {
			size_t full = l->full_len;
			if (n > 0 && r[0] == '.') {
				l->flags |= LINE_UNSTUFFED;
				l->text = r + 1;
				l->text_len = n - 1;
				full--;
			} else {
				l->text = r;
				l->text_len = n;
			}
			p->cur.body_lines++;
			p->cur.body_octets += full + 2;
		}
		p->cur.flags |= l->flags;
		return true;
	}

	int code = 0;
	size_t sl = pop3_status(r, n, &code);
	if (sl == 0) {
		error_line(p, ev, "+OK or -ERR");
		return true;
	}
	reply_start(p);
	p->in_reply = true;
	l->code = p->cur.code = code;
	l->text = sl < n ? r + sl + 1 : r + n;
	l->text_len = sl < n ? n - sl - 1 : 0;
	if (code != REPLY_POP3_CONT && l->text_len > 2 && l->text[0] == '[') {
		/* RFC 2449 response code; an unclosed or over-long one is
		 * left as plain text. */
		const char *end = memchr(l->text, ']', l->text_len);
		size_t rn = end ? (size_t)(end - l->text) - 1 : 0;
		if (rn > 0 && rn < sizeof(p->cur.resp_code)) {
			for (size_t i = 0; i < rn; i++)
				p->cur.resp_code[i] = l->text[i + 1] ? l->text[i + 1] : '?';
			p->cur.resp_code[rn] = '\0';
		}
	}
	text_add(p, l->text, l->text_len);
	p->cur.nlines = 1;
	p->cur.flags |= l->flags;
	if (code == REPLY_POP3_OK && p->expect_body) {
		p->in_body = true;
		p->cur.has_body = true;
	} else {
		l->last = true;
		p->pending_end = true;
	}
	p->expect_body = false;
	return true;
}

/* Turns the complete line in p->line into an event (or none). */
static bool line_event(struct reply_parser *p, struct reply_event *ev)
{
	struct reply_line *l = &ev->line;
	l->raw = p->line.data ? p->line.data : "";
	l->raw_len = p->line.len;
	l->full_len = p->line_total;
	l->flags = p->line_flags;
	l->text = l->raw;
	ev->kind = REPLY_EV_LINE;
	ev->reply = &p->cur;
	switch (p->mode) {
	case REPLY_SMTP: return smtp_line(p, ev);
	case REPLY_POP3: return pop3_line(p, ev);
	}
	return false;
}

bool reply_parser_next(struct reply_parser *p, struct reply_event *ev)
{
	event_init(ev);
	if (p->line_ready)
		line_reset(p);
	if (p->pending_end) {
		p->pending_end = false;
		reply_done(p);
		ev->kind = REPLY_EV_END;
		ev->reply = &p->cur;
		return true;
	}
	while (take_line(p)) {
		if (line_event(p, ev))
			return true;
		line_reset(p);
		event_init(ev);
	}
	if (!p->closed)
		return false;
	if (p->line_total > 0) {
		line_finish(p, false);
		if (line_event(p, ev))
			return true;
		line_reset(p);
		event_init(ev);
	}
	if (p->in_reply) {
		size_t got = p->cur.nlines + p->cur.body_lines;
		ev->kind = REPLY_EV_ERROR;
		ev->err = SMTPSH_ECLOSED;
		ev->reply = &p->cur;
		if (got == 1)
			event_error(ev,
			            "connection closed in the middle of a reply (1 line received)");
		else
			event_error(
			    ev, "connection closed in the middle of a reply (%zu lines received)",
			    got);
		reply_done(p);
		return true;
	}
	return false;
}
