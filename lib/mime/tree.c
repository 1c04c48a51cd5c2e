/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mime/tree.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime/words.h"
#include "i18n.h"

const char *mime_problem_words(enum mime_problem_kind kind)
{
	switch (kind) {
	case MIME_NO_BOUNDARY:
		return N_("a multipart without a boundary parameter (read as one part)");
	case MIME_BOUNDARY_MISSING:
		return N_("the boundary never appears: the parts are not there");
	case MIME_UNTERMINATED:
		return N_("no closing boundary (--boundary--): the message may be cut");
	case MIME_BAD_BASE64: return N_("claims base64 but holds other characters or a cut group");
	case MIME_BAD_QP: return N_("quoted-printable with '=' not followed by two hex digits");
	case MIME_UNKNOWN_CHARSET: return N_("a charset that is unknown here");
	case MIME_BAD_ENCODED_WORD: return N_("an encoded word left as it was");
	case MIME_HEADER_8BIT:
		return N_("8-bit text in a header (RFC 5322 wants ASCII or encoded words)");
	case MIME_BARE_CR: return N_("a bare CR (not followed by LF)");
	case MIME_LONG_LINE: return N_("a line over 998 octets (RFC 5322 2.1.1)");
	case MIME_TOO_DEEP: return N_("nesting deeper than 32: read as one part");
	case MIME_TOO_MANY_PARTS: return N_("more than 256 parts: the rest counted, not kept");
	case MIME_HEADER_CUT: return N_("a header too long to keep: cut");
	case MIME_NO_COLON: return N_("a header line without a colon: the body starts there");
	case MIME_BAD_PARAMS:
		return N_("a parameter that cannot be read, or too long: dropped or cut");
	}
	return "?";
}

static void note(struct mime_tree *t, enum mime_problem_kind kind, const char *detail)
{
	unsigned part = t->current < 0 ? (unsigned)t->n_parts : (unsigned)t->current;
	for (size_t i = 0; i < t->n_problems; i++)
		if (t->problems[i].kind == kind && t->problems[i].part == part)
			return; /* once per part is enough to know */
	t->problems_seen++;
	if (t->n_problems == MIME_PROBLEMS_MAX)
		return;
	struct mime_problem *p = &t->problems[t->n_problems++];
	p->kind = kind;
	p->part = part;
	p->line = t->line_no;
	snprintf(p->detail, sizeof(p->detail), "%s", detail ? detail : "");
}

bool mime_tree_has_problem(const struct mime_tree *t, enum mime_problem_kind kind)
{
	for (size_t i = 0; i < t->n_problems; i++)
		if (t->problems[i].kind == kind)
			return true;
	return false;
}

void mime_tree_init(struct mime_tree *t)
{
	memset(t, 0, sizeof(*t));
	buf_init(&t->header, MIME_HEADER_MAX);
	buf_init(&t->line, MIME_LINE_HELD);
	t->current = -1;
	t->in_headers = true;
}

void mime_tree_free(struct mime_tree *t)
{
	for (size_t i = 0; i < t->n_parts; i++)
		buf_free(&t->parts[i].headers);
	free(t->parts);
	buf_free(&t->header);
	buf_free(&t->line);
	memset(t, 0, sizeof(*t));
}

static struct mime_part *current(struct mime_tree *t)
{
	return t->current < 0 ? NULL : &t->parts[t->current];
}

static void start_part(struct mime_tree *t, int parent, unsigned depth)
{
	t->parts_seen++;
	t->in_headers = true;
	buf_clear(&t->header);
	if (t->n_parts == MIME_PARTS_MAX) {
		t->current = -1;
		note(t, MIME_TOO_MANY_PARTS, NULL);
		return;
	}
	if (!(t->n_parts & (t->n_parts - 1))) { /* 0, 1, 2, 4...: room doubles */
		size_t room = t->n_parts ? 2 * t->n_parts : 1;
		struct mime_part *p = realloc(t->parts, room * sizeof(*p));
		if (!p) {
			t->current = -1;
			note(t, MIME_TOO_MANY_PARTS, "no memory");
			return;
		}
		t->parts = p;
	}
	struct mime_part *p = &t->parts[t->n_parts];
	memset(p, 0, sizeof(*p));
	p->parent = parent;
	p->depth = depth;
	buf_init(&p->headers, MIME_HEADERS_KEPT);
	/* RFC 2046 5.1.5: in a digest a part is a message by default */
	bool digest = parent >= 0 && !strcmp(t->parts[parent].type.value, "multipart/digest");
	const char *def = digest ? "message/rfc822" : "text/plain";
	mime_params_parse(&p->type, def, strlen(def));
	t->current = (int)t->n_parts++;
}

static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

static void copy_lower(char *out, size_t size, const char *s, size_t n)
{
	size_t k = 0;
	for (; k < n && k + 1 < size; k++)
		out[k] = (char)tolower((unsigned char)s[k]);
	out[k] = '\0';
}

static void keep_header(struct mime_tree *t, struct mime_part *p, const char *name, size_t nl,
                        const char *value, size_t vl)
{
	struct buf decoded;
	buf_init(&decoded, MIME_HEADER_MAX);
	struct mime_words_seen seen = {0};
	if (mime_words_decode(&decoded, value, vl, &seen) != SMTPSH_OK)
		note(t, MIME_HEADER_CUT, NULL);
	if (seen.kept)
		note(t,
		     strstr(seen.why.text, "charset") ? MIME_UNKNOWN_CHARSET
		                                      : MIME_BAD_ENCODED_WORD,
		     seen.why.text);
	size_t mark = p->headers.len;
	bool fits = buf_append_char(&p->headers, seen.decoded ? '1' : '0') &&
	            buf_append(&p->headers, name, nl) && buf_append_char(&p->headers, '\0') &&
	            buf_append(&p->headers, decoded.data ? decoded.data : "", decoded.len) &&
	            buf_append_char(&p->headers, '\0');
	if (!fits) {
		p->headers.len = mark;
		if (p->headers.data)
			p->headers.data[mark] = '\0';
		note(t, MIME_HEADER_CUT, NULL);
	}
	buf_free(&decoded);
}

static void read_params(struct mime_tree *t, struct mime_params *out, const char *v, size_t n)
{
	mime_params_parse(out, v, n);
	if (out->problems & (MIME_PARAMS_CUT | MIME_PARAMS_BAD_SYNTAX))
		note(t, MIME_BAD_PARAMS, out->value);
	if (out->problems & MIME_PARAMS_BAD_CHARSET)
		note(t, MIME_UNKNOWN_CHARSET, "in a parameter");
}

static void read_header(struct mime_tree *t, struct mime_part *p, const char *h, size_t n)
{
	const char *colon = memchr(h, ':', n);
	size_t nl = (size_t)(colon - h);
	const char *v = colon + 1;
	size_t vl = n - nl - 1;
	trim(&h, &nl);
	trim(&v, &vl);
	keep_header(t, p, h, nl, v, vl);
	if (nl == 12 && !strncasecmp(h, "content-type", nl) && !p->type_given) {
		p->type_given = true;
		read_params(t, &p->type, v, vl);
	} else if (nl == 19 && !strncasecmp(h, "content-disposition", nl) &&
	           !p->disposition.value[0])
		read_params(t, &p->disposition, v, vl);
	else if (nl == 25 && !strncasecmp(h, "content-transfer-encoding", nl) && !p->cte[0])
		copy_lower(p->cte, sizeof(p->cte), v, vl);
	else if (nl == 10 && !strncasecmp(h, "content-id", nl) && !p->content_id[0])
		snprintf(p->content_id, sizeof(p->content_id), "%.*s", (int)vl, v);
}

/* The header unfolded so far, into the part. */
static void end_header(struct mime_tree *t)
{
	struct mime_part *p = current(t);
	const char *h = t->header.data;
	size_t n = t->header.len;
	if (p && n)
		read_header(t, p, h, n);
	buf_clear(&t->header);
}

void mime_tree_observe(struct mime_tree *t, mime_part_sink sink, void *ctx)
{
	t->observer = sink;
	t->observer_ctx = ctx;
}

static void count_size(void *ctx, const char *p, size_t n)
{
	struct mime_tree *t = ctx;
	if (t->current < 0)
		return;
	struct mime_part *part = &t->parts[t->current];
	part->size += n;
	if (t->observer && !part->container)
		t->observer(t->observer_ctx, (size_t)t->current, p, n);
}

static enum mime_cte cte_of(const struct mime_part *p)
{
	if (!strcmp(p->cte, "base64"))
		return MIME_CTE_BASE64;
	if (!strcmp(p->cte, "quoted-printable"))
		return MIME_CTE_QP;
	return MIME_CTE_IDENTITY;
}

static void push(struct mime_tree *t, struct mime_part *p, const char *boundary)
{
	t->stack[t->depth].part = t->current;
	snprintf(t->stack[t->depth].boundary, sizeof(t->stack[0].boundary), "%s", boundary);
	t->stack[t->depth].closed = false;
	t->stack[t->depth].boundary_seen = false;
	t->depth++;
	p->container = true;
}

/* The blank line after a part's headers: what its body is. */
static void end_headers(struct mime_tree *t)
{
	end_header(t);
	t->in_headers = false;
	t->decoding = false;
	t->newline_owed = false;
	struct mime_part *p = current(t);
	if (!p)
		return;
	if (!strchr(p->type.value, '/')) { /* RFC 2045 5.2: an invalid type is the default */
		static const char def[] = "text/plain; charset=us-ascii";
		mime_params_parse(&p->type, def, sizeof(def) - 1);
	}
	bool multipart = !strncmp(p->type.value, "multipart/", 10);
	/* a message inside, headers first (external-body: the phantom's, RFC 2046 5.2.3) */
	bool message =
	    (!strcmp(p->type.value, "message/rfc822") || !strcmp(p->type.value, "message/global") ||
	     !strcmp(p->type.value, "message/external-body")) &&
	    cte_of(p) == MIME_CTE_IDENTITY;
	const char *boundary = mime_params_get(&p->type, "boundary");
	if (multipart && !boundary)
		note(t, MIME_NO_BOUNDARY, p->type.value);
	if ((multipart && boundary) || message) {
		if (t->depth == MIME_DEPTH_MAX)
			note(t, MIME_TOO_DEEP, NULL);
		else if (message) {
			push(t, p, "");
			start_part(t, t->current, p->depth + 1);
			return;
		} else /* the preamble counts as the part's text until a boundary comes */
			push(t, p, boundary);
	}
	mime_decoder_init(&t->decoder, cte_of(p), count_size, t);
	t->decoding = true;
}

static void finish_body(struct mime_tree *t)
{
	if (!t->decoding)
		return;
	mime_decoder_finish(&t->decoder);
	if (t->decoder.garbage || t->decoder.truncated)
		note(t, MIME_BAD_BASE64, NULL);
	if (t->decoder.bad_escapes)
		note(t, MIME_BAD_QP, NULL);
	t->decoding = false;
	t->newline_owed = false;
}

/* The frame whose boundary line is s (close: its closing one), or -1. */
static int boundary_frame(const struct mime_tree *t, const char *s, size_t n, bool *close)
{
	if (n < 2 || s[0] != '-' || s[1] != '-')
		return -1;
	for (size_t k = t->depth; k-- > 0;) {
		const char *b = t->stack[k].boundary;
		size_t bl = strlen(b);
		if (!bl || n - 2 < bl || memcmp(s + 2, b, bl))
			continue;
		size_t i = 2 + bl;
		*close = n - i >= 2 && s[i] == '-' && s[i + 1] == '-';
		if (*close)
			i += 2;
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n)
			return (int)k;
	}
	return -1;
}

static void pop_to(struct mime_tree *t, size_t depth)
{
	while (t->depth > depth) {
		t->depth--;
		if (t->stack[t->depth].boundary[0] && !t->stack[t->depth].closed) {
			t->current = t->stack[t->depth].part;
			/* never divided: one part, its text as it was (Python reads it so) */
			t->parts[t->current].container = t->stack[t->depth].boundary_seen;
			note(t,
			     t->stack[t->depth].boundary_seen ? MIME_UNTERMINATED
			                                      : MIME_BOUNDARY_MISSING,
			     t->stack[t->depth].boundary);
		}
	}
}

static void boundary_line(struct mime_tree *t, size_t k, bool close)
{
	if (t->in_headers)
		end_headers(t);
	finish_body(t);
	pop_to(t, k + 1);
	t->current = t->stack[k].part;
	if (!t->stack[k].boundary_seen)
		t->parts[t->current].size = 0; /* that was a preamble, not its text */
	t->stack[k].boundary_seen = true;
	if (close)
		t->stack[k].closed = true;
	else if (!t->stack[k].closed)
		start_part(t, t->stack[k].part, t->parts[t->stack[k].part].depth + 1);
}

static void body_line(struct mime_tree *t, const char *s, size_t n)
{
	if (!t->decoding)
		return;                                           /* a preamble or an epilogue */
	if (t->newline_owed && t->decoder.cte != MIME_CTE_BASE64) /* base64 skips it anyway */
		mime_decoder_feed(&t->decoder, "\n", 1);
	mime_decoder_feed(&t->decoder, s, n);
	t->newline_owed = true;
}

/* A field name is printable ASCII but ':' (RFC 5322 3.6.8), then ':'. */
static bool is_header_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ':')
			return true;
		if (s[i] < '!' || s[i] > '~')
			return false;
	}
	return false;
}

static void header_line(struct mime_tree *t, const char *s, size_t n)
{
	if (!n) {
		end_headers(t);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80) {
			note(t, MIME_HEADER_8BIT, NULL);
			break;
		}
	bool fold = (s[0] == ' ' || s[0] == '\t') && t->header.len;
	if (!fold && !is_header_line(s, n)) {
		note(t, MIME_NO_COLON, NULL);
		end_headers(t);
		body_line(t, s, n);
		return;
	}
	if (!fold)
		end_header(t); /* unfolding: a folded line's break is dropped, its spaces kept */
	if (!buf_append(&t->header, s, n))
		note(t, MIME_HEADER_CUT, NULL);
}

void mime_tree_line(struct mime_tree *t, const char *line, size_t n)
{
	if (t->finished)
		return;
	t->line_no++;
	if (n && line[n - 1] == '\n')
		n--;
	if (n && line[n - 1] == '\r')
		n--;
	if (t->line_no == 1) {
		start_part(t, -1, 0);
		if (n >= 5 && !memcmp(line, "From ", 5))
			return; /* an mbox separator, not a header */
	}
	if (n > MIME_LINE_MAX)
		note(t, MIME_LONG_LINE, NULL);
	if (memchr(line, '\r', n))
		note(t, MIME_BARE_CR, NULL);
	bool close = false;
	int k = boundary_frame(t, line, n, &close);
	if (k >= 0)
		boundary_line(t, (size_t)k, close);
	else if (t->in_headers)
		header_line(t, line, n);
	else
		body_line(t, line, n);
}

/* More of a line whose start was read already: it goes on where that
 * start went (a header, or the body through its decoder). */
static void long_line_rest(struct mime_tree *t, const char *s, size_t n)
{
	if (n && s[n - 1] == '\n')
		n--;
	if (n && s[n - 1] == '\r')
		n--;
	if (t->in_headers) {
		if (t->header.len && !buf_append(&t->header, s, n))
			note(t, MIME_HEADER_CUT, NULL);
	} else if (t->decoding)
		mime_decoder_feed(&t->decoder, s, n);
}

static void held_line(struct mime_tree *t)
{
	const char *s = t->line.data ? t->line.data : "";
	if (t->line_is_long)
		long_line_rest(t, s, t->line.len);
	else
		mime_tree_line(t, s, t->line.len);
	buf_clear(&t->line);
}

void mime_tree_feed(struct mime_tree *t, const char *p, size_t n)
{
	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) + 1 : n;
		if (nl && !t->line.len && take <= MIME_LINE_HELD) {
			mime_tree_line(t, p, take); /* a whole line in the chunk: read in place */
			p += take, n -= take;
			continue;
		}
		size_t room = MIME_LINE_HELD - t->line.len;
		if (take > room)
			take = room;
		if (!buf_append(&t->line, p, take)) {
			note(t, MIME_TOO_MANY_PARTS, "no memory");
			return;
		}
		p += take, n -= take;
		if (t->line.data[t->line.len - 1] == '\n') {
			held_line(t);
			t->line_is_long = false;
		} else if (t->line.len == MIME_LINE_HELD) {
			held_line(t);
			t->line_is_long = true;
		}
	}
}

void mime_tree_finish(struct mime_tree *t)
{
	if (t->finished)
		return;
	if (t->line.len)
		held_line(t);
	if (!t->line_no)
		start_part(t, -1, 0);
	if (t->in_headers)
		end_headers(t);
	bool in_a_part = false; /* between boundaries, the last line break is the boundary's */
	for (size_t k = 0; k < t->depth; k++)
		in_a_part |= t->stack[k].boundary_seen;
	if (t->decoding && t->newline_owed && !in_a_part)
		mime_decoder_feed(&t->decoder, "\n", 1);
	finish_body(t);
	pop_to(t, 0);
	t->finished = true;
}

bool mime_header_next(const struct mime_part *part, size_t *pos, const char **name,
                      const char **value, bool *had_words)
{
	const struct buf *h = &part->headers;
	if (!h->data || *pos >= h->len)
		return false;
	const char *e = h->data + *pos;
	*had_words = e[0] == '1';
	*name = e + 1;
	*value = *name + strlen(*name) + 1;
	*pos = (size_t)(*value + strlen(*value) + 1 - h->data);
	return true;
}
