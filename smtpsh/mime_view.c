/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The MIME tree in words, line by line through a callback (mime_view.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "mime_view.h"
#include "text.h"

/* Untrusted text shown at most this long in one line. */
#define VIEW_FIELD_MAX 1024

/* What each multipart kind means, for someone reading the tree. */
static const struct {
	const char *type, *words;
} kinds[] = {
    {"multipart/mixed", N_("mixed: the body and its attachments, one after the other")},
    {"multipart/alternative",
     N_("alternative: the same content in several forms, the last preferred")},
    {"multipart/related", N_("related: an HTML body and the images it references by cid:")},
    {"multipart/signed", N_("signed: the content, then its signature")},
    {"multipart/encrypted", N_("encrypted: control information, then the encrypted content")},
    {"multipart/digest", N_("digest: a collection of messages")},
    {"multipart/report", N_("report: a delivery or read report for a message")},
    {"message/rfc822", N_("a whole message inside this one")},
};

static const char *kind_words(const char *type)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].type, type))
			return _(kinds[i].words);
	return NULL;
}

/* A line being built: its pieces appended, then given to the callback. */
struct line {
	struct buf b;
};

static void line_start(struct line *l)
{
	buf_init(&l->b, 0);
}

static void line_add(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line_add(struct line *l, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	buf_append_str(&l->b, tmp);
}

/* Untrusted bytes, made safe, up to VIEW_FIELD_MAX of them. */
static void line_safe(struct line *l, const char *s, size_t n)
{
	text_safe(&l->b, s, n > VIEW_FIELD_MAX ? VIEW_FIELD_MAX : n);
	if (n > VIEW_FIELD_MAX)
		line_add(l, _("... (%zu more bytes)"), n - VIEW_FIELD_MAX);
}

static void line_safe_str(struct line *l, const char *s)
{
	line_safe(l, s, strlen(s));
}

static void line_put(const struct mime_view *v, struct line *l)
{
	v->put(v->ctx, l->b.data ? l->b.data : "");
	buf_free(&l->b);
}

static void put_plain(const struct mime_view *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void put_plain(const struct mime_view *v, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	v->put(v->ctx, tmp);
}

bool mime_view_headers(const struct mime_view *v, const struct mime_tree *t, size_t from, size_t to)
{
	bool any = false;
	for (size_t i = from; i < to && i < t->n_parts; i++) {
		size_t pos = 0;
		const char *name, *value;
		bool had;
		while (mime_header_next(&t->parts[i], &pos, &name, &value, &had)) {
			if (!had)
				continue;
			if (!any)
				put_plain(v, _("decoded headers (RFC 2047 encoded words):"));
			any = true;
			struct line l;
			line_start(&l);
			line_add(&l, "  #%zu ", i);
			line_safe_str(&l, name);
			line_add(&l, ": ");
			line_safe_str(&l, value);
			line_put(v, &l);
		}
	}
	return any;
}

const char *mime_view_file_name(const struct mime_part *p)
{
	const char *file = mime_params_get(&p->disposition, "filename");
	return file ? file : mime_params_get(&p->type, "name");
}

static void put_part_line(const struct mime_view *v, const struct mime_tree *t, size_t i)
{
	const struct mime_part *p = &t->parts[i];
	struct line l;
	line_start(&l);
	line_add(&l, "%*s#%zu ", (int)(2 * p->depth), "", i);
	line_safe_str(&l, p->type.value);
	const char *charset = mime_params_get(&p->type, "charset");
	if (charset) {
		line_add(&l, "; charset=");
		line_safe_str(&l, charset);
	}
	if (p->cte[0]) {
		line_add(&l, ", ");
		line_safe_str(&l, p->cte);
	}
	if (p->disposition.value[0]) {
		line_add(&l, ", ");
		line_safe_str(&l, p->disposition.value);
	}
	const char *file = mime_view_file_name(p);
	if (file) {
		line_add(&l, " \"");
		line_safe_str(&l, file);
		line_add(&l, "\"");
	}
	if (p->content_id[0]) {
		line_add(&l, ", Content-ID ");
		line_safe_str(&l, p->content_id);
	}
	const char *words = kind_words(p->type.value);
	if (p->container)
		line_add(&l, _("  (%s)"), words ? words : _("parts inside"));
	else
		line_add(&l, _(", %llu bytes decoded"), p->size);
	line_put(v, &l);
}

void mime_view_tree(const struct mime_view *v, const struct mime_tree *t)
{
	put_plain(v, _("tree:"));
	for (size_t i = 0; i < t->n_parts; i++)
		put_part_line(v, t, i);
	if (t->parts_seen > t->n_parts)
		put_plain(v, _("  ... %llu more parts not kept"), t->parts_seen - t->n_parts);
}

/* The excerpt, line by line, each after "  | ". */
static void put_excerpt_lines(const struct mime_view *v, const char *p, size_t n)
{
	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t len = nl ? (size_t)(nl - p) : n;
		size_t shown = len && p[len - 1] == '\r' ? len - 1 : len;
		struct line l;
		line_start(&l);
		line_add(&l, "  | ");
		line_safe(&l, p, shown);
		line_put(v, &l);
		p += nl ? len + 1 : len;
		n -= nl ? len + 1 : len;
	}
}

void mime_view_texts(const struct mime_view *v, const struct mime_excerpts *x)
{
	for (size_t i = 0; i < x->n; i++) {
		const struct mime_excerpt *e = &x->e[i];
		const struct mime_part *p = &x->tree->parts[e->part];
		struct buf text;
		buf_init(&text, 0);
		struct smtpsh_msg why;
		enum smtpsh_err err = mime_excerpt_utf8(x, e, &text, &why);
		char type[TEXT_SAFE_SIZE(sizeof(p->type.value))];
		text_safe_str(type, sizeof(type), p->type.value, strlen(p->type.value));
		if (err == SMTPSH_OK)
			put_plain(v, _("text of #%zu (%s, decoded to UTF-8):"), e->part, type);
		else
			put_plain(v, _("text of #%zu (%s, shown as it is: %s):"), e->part, type,
			          why.text);
		put_excerpt_lines(v, text.data ? text.data : "", text.len);
		unsigned long long lines = mime_excerpt_lines_cut(e),
		                   bytes = mime_excerpt_bytes_cut(e);
		if (lines)
			put_plain(v, _("  ... %llu more lines (%llu bytes) not shown"), lines,
			          bytes);
		else if (bytes)
			put_plain(v, _("  ... %llu more bytes not shown"), bytes);
		buf_free(&text);
	}
	if (x->parts_skipped)
		put_plain(v, _("  ... %llu more text parts not shown"), x->parts_skipped);
}

void mime_view_problems(const struct mime_view *v, const struct mime_tree *t)
{
	if (!t->problems_seen)
		return;
	put_plain(v, _("problems (%llu):"), t->problems_seen);
	for (size_t i = 0; i < t->n_problems; i++) {
		const struct mime_problem *pr = &t->problems[i];
		struct line l;
		line_start(&l);
		line_add(&l, _("  #%u, line %lu: %s"), pr->part, pr->line,
		         _(mime_problem_words(pr->kind)));
		if (pr->detail[0]) {
			line_add(&l, " (");
			line_safe_str(&l, pr->detail);
			line_add(&l, ")");
		}
		line_put(v, &l);
	}
	if (t->problems_seen > t->n_problems)
		put_plain(v, _("  ... %llu more"), t->problems_seen - t->n_problems);
}
