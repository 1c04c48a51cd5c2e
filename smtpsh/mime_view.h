/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one printer of a MIME tree (lib/mime/tree.h) for people: decoded
 * headers, one indented line per part with each multipart kind
 * explained, the text of text parts, the problems in words.  It writes
 * whole lines through a callback, so that `smtpsh mime` prints them
 * plainly and the shell shows them as notes after a RETR or TOP.  Every
 * piece of message text in a line has passed through text_safe(). */
#ifndef SMTPSH_MIME_VIEW_H
#define SMTPSH_MIME_VIEW_H

#include <stddef.h>
#include "mime/excerpt.h"
#include "mime/tree.h"

struct mime_view {
	void (*put)(void *ctx, const char *line); /* one line, no newline */
	void *ctx;
};

/* The headers of parts [from, to) that had encoded words, decoded; a
 * title line first when there is any.  Whether there was any. */
bool mime_view_headers(const struct mime_view *v, const struct mime_tree *t, size_t from,
                       size_t to);
/* The file name a part gives (Content-Disposition filename, else
 * Content-Type name), or NULL. */
const char *mime_view_file_name(const struct mime_part *p);
/* "tree:" and one line per part. */
void mime_view_tree(const struct mime_view *v, const struct mime_tree *t);
/* The excerpts of the text parts, decoded to UTF-8, with what was cut. */
void mime_view_texts(const struct mime_view *v, const struct mime_excerpts *x);
/* The problems, when there are any. */
void mime_view_problems(const struct mime_view *v, const struct mime_tree *t);

#endif
