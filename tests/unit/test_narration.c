/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A lesson's narration in the reader's language: "#zh" lines replace a
 * block's English for a Chinese reader, English is the fallback, plain
 * "#" comments of older transcripts read as before; bounded blocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "narration.h"

/* What a reader in lang is shown of text: each block's lines joined by
 * '/', blocks ended by '|' (as playback shows a block before the next
 * protocol line). */
static void shown(const char *text, const char *lang, struct buf *out)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(f);
	struct transcript_reader r;
	struct transcript_item it;
	struct narration n;
	transcript_reader_init(&r, f);
	transcript_item_init(&it);
	narration_init(&n, lang);
	for (bool more = true; more;) {
		more = transcript_next(&r, &it, NULL) == SMTPSH_OK;
		if (more && it.kind == TR_COMMENT) {
			assert_true(narration_add(&n, &it));
			continue;
		}
		const char *block;
		size_t len;
		narration_block(&n, &block, &len);
		for (size_t i = 0; i < len; i++)
			buf_append_char(out, block[i] == '\n' ? '/' : block[i]);
		if (len)
			buf_append_char(out, '|');
		narration_clear(&n);
	}
	narration_free(&n);
	transcript_item_free(&it);
	transcript_reader_free(&r);
	fclose(f);
}

static void reader_language(void **state)
{
	(void)state;
	static const struct {
		const char *text, *lang, *want;
	} rows[] = {
	    /* an older lesson: plain comments, every reader sees them */
	    {"# one\n# two\nR: 220 hi\n# three\n", "zh", "one/two/|three/|"},
	    {"# one\n# two\nR: 220 hi\n# three\n", "en", "one/two/|three/|"},
	    /* both languages: each reader its own */
	    {"# hello\n#zh 你好\nR: 220 hi\n", "zh", "你好/|"},
	    {"# hello\n#zh 你好\nR: 220 hi\n", "en", "hello/|"},
	    /* Chinese first works the same; explicit #en is English */
	    {"#zh 你好\n#en hello\nS: QUIT\n", "zh", "你好/|"},
	    {"#zh 你好\n#en hello\nS: QUIT\n", "en", "hello/|"},
	    /* a block with no Chinese falls back to English */
	    {"# a\n#zh 甲\nR: 220 hi\n# b\nS: QUIT\n", "zh", "甲/|b/|"},
	    /* a blank line does not end a block; a protocol line does */
	    {"# a\n\n#zh 甲\n", "zh", "甲/|"},
	    /* an unknown language reads English; "#zhx" is no tag */
	    {"# a\n#zh 甲\n", "fr", "a/|"},
	    {"#zhx y\n", "zh", "zhx y/|"},
	    /* a tag alone is an empty line of that language */
	    {"# a\n#zh\n#zh 甲\n", "zh", "/甲/|"},
	    /* header lines are no narration */
	    {"#smtpsh-transcript 1\n# protocol: smtp\n#zh 课\nR: 220 hi\n", "zh", "课/|"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct buf out;
		buf_init(&out, 4096);
		shown(rows[i].text, rows[i].lang, &out);
		if (strcmp(out.data ? out.data : "", rows[i].want))
			fail_msg("row %zu (%s): got '%s', want '%s'", i, rows[i].lang,
			         out.data ? out.data : "", rows[i].want);
		buf_free(&out);
	}
}

/* A block larger than NARRATION_MAX is refused line by line and given
 * back in pieces: memory stays bounded and no line is lost. */
static void bounded_block(void **state)
{
	(void)state;
	struct narration n;
	narration_init(&n, "zh");
	struct transcript_item it;
	transcript_item_init(&it);
	it.kind = TR_COMMENT;
	it.lang = "";
	char line[60000];
	memset(line, 'x', sizeof(line));
	buf_append(&it.bytes, line, sizeof(line));
	size_t lines_given = 0, added = 0, pieces = 0;
	for (int i = 0; i < 40; i++) {
		if (!narration_add(&n, &it)) {
			const char *block;
			size_t len;
			narration_block(&n, &block, &len);
			assert_true(len > 0 && len <= NARRATION_MAX);
			lines_given += len / (sizeof(line) + 1);
			pieces++;
			narration_clear(&n);
			assert_true(narration_add(&n, &it));
		}
		added++;
	}
	const char *block;
	size_t len;
	narration_block(&n, &block, &len);
	lines_given += len / (sizeof(line) + 1);
	assert_int_equal(lines_given, added);
	assert_true(pieces >= 40 * sizeof(line) / NARRATION_MAX);
	transcript_item_free(&it);
	narration_free(&n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reader_language),
	    cmocka_unit_test(bounded_block),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
