/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The first lines of each text part (text/plain, text/html) of a message
 * as it streams through the MIME tree, as a mime_tree observer: kept up
 * to MIME_EXCERPT_LINES lines or MIME_EXCERPT_BYTES bytes per part and
 * for at most MIME_EXCERPT_PARTS parts, the rest only counted, so that a
 * note can show what a text part says without holding the message. */
#ifndef SMTPSH_MIME_EXCERPT_H
#define SMTPSH_MIME_EXCERPT_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "mime/tree.h"

#define MIME_EXCERPT_BYTES 1000
#define MIME_EXCERPT_LINES 12
#define MIME_EXCERPT_PARTS 16

struct mime_excerpt {
	size_t part;                    /* index in the tree */
	char bytes[MIME_EXCERPT_BYTES]; /* decoded body, still in the part's charset */
	size_t len;
	bool full;                     /* the excerpt is complete: later bytes are counted only */
	unsigned long long size;       /* decoded bytes seen */
	unsigned long long lines;      /* lines seen (a last line without "\n" counts) */
	unsigned long long lines_kept; /* lines begun in bytes */
	bool at_line_start;
};

struct mime_excerpts {
	const struct mime_tree *tree;
	struct mime_excerpt e[MIME_EXCERPT_PARTS];
	size_t n;
	unsigned long long parts_skipped; /* text parts past MIME_EXCERPT_PARTS */
};

/* Starts empty, reading part types from tree (which must outlive x). */
void mime_excerpts_init(struct mime_excerpts *x, const struct mime_tree *tree);
/* A mime_part_sink: give it to mime_tree_observe(tree, mime_excerpts_sink, x). */
void mime_excerpts_sink(void *ctx, size_t part, const char *p, size_t n);

/* The excerpt's text as UTF-8 in out (its charset from the part's
 * Content-Type, us-ascii when none): a multi-byte character cut at the
 * end of the excerpt is dropped.  Returns SMTPSH_EINVAL, with out holding
 * the bytes as they were, when the charset is unknown or the bytes are
 * not valid in it (msg says which); SMTPSH_ENOMEM when out's max is
 * reached. */
enum smtpsh_err mime_excerpt_utf8(const struct mime_excerpts *x, const struct mime_excerpt *e,
                                  struct buf *out, struct smtpsh_msg *msg);

/* Lines and bytes of the part not in the excerpt. */
unsigned long long mime_excerpt_lines_cut(const struct mime_excerpt *e);
unsigned long long mime_excerpt_bytes_cut(const struct mime_excerpt *e);

#endif
