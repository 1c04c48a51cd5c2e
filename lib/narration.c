/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "narration.h"

#include <stdio.h>
#include <string.h>

void narration_init(struct narration *n, const char *lang)
{
	snprintf(n->lang, sizeof(n->lang), "%s", !strcmp(lang, "zh") ? "zh" : "en");
	buf_init(&n->mine, NARRATION_MAX);
	buf_init(&n->english, NARRATION_MAX);
}

void narration_free(struct narration *n)
{
	buf_free(&n->mine);
	buf_free(&n->english);
}

/* Which of the block's buffers a line in lang goes to; NULL: not shown. */
static struct buf *destination(struct narration *n, const char *lang)
{
	bool english = !lang[0] || !strcmp(lang, "en");
	if (!strcmp(n->lang, "en"))
		return english ? &n->mine : NULL;
	if (!strcmp(lang, n->lang))
		return &n->mine;
	return english ? &n->english : NULL;
}

bool narration_add(struct narration *n, const struct transcript_item *it)
{
	struct buf *to = destination(n, it->lang ? it->lang : "");
	if (!to)
		return true;
	size_t was = to->len;
	if (buf_append(to, it->bytes.data ? it->bytes.data : "", it->bytes.len) &&
	    buf_append_char(to, '\n'))
		return true;
	to->len = was; /* the line goes whole into the next block */
	if (to->data)
		to->data[was] = '\0';
	return false;
}

void narration_block(const struct narration *n, const char **text, size_t *len)
{
	const struct buf *chosen = n->mine.len ? &n->mine : &n->english;
	*text = chosen->data ? chosen->data : "";
	*len = chosen->len;
}

void narration_clear(struct narration *n)
{
	buf_clear(&n->mine);
	buf_clear(&n->english);
}
