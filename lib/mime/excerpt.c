/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Text part excerpts, kept while the message streams by (excerpt.h). */
#include <string.h>

#include "mime/charset.h"
#include "mime/excerpt.h"

void mime_excerpts_init(struct mime_excerpts *x, const struct mime_tree *tree)
{
	memset(x, 0, sizeof(*x));
	x->tree = tree;
}

static bool is_text(const struct mime_part *p)
{
	return !strcmp(p->type.value, "text/plain") || !strcmp(p->type.value, "text/html");
}

/* The excerpt of part, a new one for a text part seen first, or NULL. */
static struct mime_excerpt *excerpt_for(struct mime_excerpts *x, size_t part)
{
	/* the tree gives a part's bytes in order, one part after another */
	if (x->n && x->e[x->n - 1].part == part)
		return &x->e[x->n - 1];
	if (part >= x->tree->n_parts || !is_text(&x->tree->parts[part]))
		return NULL;
	if (x->n == MIME_EXCERPT_PARTS) {
		x->parts_skipped++;
		return NULL;
	}
	struct mime_excerpt *e = &x->e[x->n++];
	memset(e, 0, sizeof(*e));
	e->part = part;
	e->at_line_start = true;
	return e;
}

void mime_excerpts_sink(void *ctx, size_t part, const char *p, size_t n)
{
	struct mime_excerpts *x = ctx;
	struct mime_excerpt *e = excerpt_for(x, part);
	if (!e)
		return;
	e->size += n;
	for (size_t i = 0; i < n; i++) {
		if (e->at_line_start) {
			e->lines++;
			if (!e->full && e->lines > MIME_EXCERPT_LINES)
				e->full = true;
			if (!e->full)
				e->lines_kept++;
		}
		e->at_line_start = p[i] == '\n';
		if (e->full)
			continue;
		if (e->len == sizeof(e->bytes)) {
			e->full = true;
			continue;
		}
		e->bytes[e->len++] = p[i];
	}
}

enum smtpsh_err mime_excerpt_utf8(const struct mime_excerpts *x, const struct mime_excerpt *e,
                                  struct buf *out, struct smtpsh_msg *msg)
{
	const struct mime_part *p = &x->tree->parts[e->part];
	const char *charset = mime_params_get(&p->type, "charset");
	if (!charset)
		charset = "us-ascii";
	/* a cut excerpt may end inside a character: up to 3 bytes of it */
	size_t drop_max = e->size > e->len && e->len > 3 ? 3 : 0;
	enum smtpsh_err err = SMTPSH_EINVAL;
	for (size_t drop = 0; drop <= drop_max && err == SMTPSH_EINVAL; drop++)
		err = mime_charset_to_utf8(out, charset, e->bytes, e->len - drop,
		                           drop == 0 ? msg : NULL);
	if (err == SMTPSH_EINVAL && !buf_append(out, e->bytes, e->len))
		return smtpsh_fail(msg, SMTPSH_ENOMEM, "excerpt too long");
	return err;
}

unsigned long long mime_excerpt_lines_cut(const struct mime_excerpt *e)
{
	return e->lines - e->lines_kept;
}

unsigned long long mime_excerpt_bytes_cut(const struct mime_excerpt *e)
{
	return e->size - e->len;
}
