/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A lesson's narration in the reader's language.  A block of consecutive
 * comment lines may say the same in several languages ("# ..." English,
 * "#zh ..." Chinese; docs/transcript-format.md): the block is gathered,
 * then given back in the reader's language, or in English when it has
 * none in that language.  Bounded: a block larger than NARRATION_MAX is
 * given back in pieces (each chosen on its own). */
#ifndef SMTPSH_NARRATION_H
#define SMTPSH_NARRATION_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "transcript.h"

/* Room for two of the longest lines the reader gives. */
#define NARRATION_MAX (2 * (TRANSCRIPT_MAX_LINE + 1))

struct narration {
	char lang[3];       /* the reader's: "en", "zh" */
	struct buf mine;    /* the block's lines in the reader's language */
	struct buf english; /* its English lines, when the reader's is not English */
};

/* lang: the reader's language ("en", "zh"; anything else reads English). */
void narration_init(struct narration *n, const char *lang);
void narration_free(struct narration *n);
/* Adds a TR_COMMENT item to the block.  False when the block is full:
 * show it, narration_clear(), and add the item again. */
bool narration_add(struct narration *n, const struct transcript_item *it);
/* The block's lines to show, each ended by '\n' (a comment line holds no
 * LF), into *text and *len (0: none).  Valid until the next call. */
void narration_block(const struct narration *n, const char **text, size_t *len);
/* Starts the next block. */
void narration_clear(struct narration *n);

#endif
