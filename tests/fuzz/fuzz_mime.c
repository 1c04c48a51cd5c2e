/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer: any bytes as a message through the MIME tree reader, fed
 * whole and in chunks (the first byte picks the size): the same tree
 * either way, within its bounds; and as a header value through the
 * encoded-word decoder and the parameter parser. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "mime/params.h"
#include "mime/tree.h"
#include "mime/words.h"

static struct mime_tree whole, chunked; /* big: off the stack */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	size_t chunk = size ? (size_t)data[0] % 61 + 1 : 1;

	mime_tree_init(&whole);
	mime_tree_feed(&whole, p, size);
	mime_tree_finish(&whole);
	mime_tree_init(&chunked);
	for (size_t at = 0; at < size; at += chunk)
		mime_tree_feed(&chunked, p + at, size - at < chunk ? size - at : chunk);
	mime_tree_finish(&chunked);

	assert(whole.n_parts <= MIME_PARTS_MAX && whole.n_problems <= MIME_PROBLEMS_MAX);
	assert(whole.n_parts == chunked.n_parts && whole.parts_seen == chunked.parts_seen);
	for (size_t i = 0; i < whole.n_parts; i++) {
		const struct mime_part *a = &whole.parts[i], *b = &chunked.parts[i];
		assert(a->depth <= MIME_DEPTH_MAX + 1);
		assert(a->size == b->size && a->container == b->container);
		assert(!strcmp(a->type.value, b->type.value));
		assert(a->headers.len <= MIME_HEADERS_KEPT);
	}
	mime_tree_free(&whole);
	mime_tree_free(&chunked);

	struct buf out;
	buf_init(&out, 4096);
	struct mime_words_seen seen = {0};
	mime_words_decode(&out, p, size, &seen);
	assert(out.len <= 4096);
	buf_free(&out);
	struct mime_params *ps = malloc(sizeof(*ps));
	if (ps) {
		mime_params_parse(ps, p, size);
		assert(ps->n <= MIME_PARAMS_MAX);
		for (size_t i = 0; i < ps->n; i++)
			assert(strlen(ps->p[i].value) < MIME_PARAM_VALUE_MAX);
		free(ps);
	}
	return 0;
}
