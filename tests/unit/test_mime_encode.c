/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The encoders, each checked by lib/mime's own decoders: quoted-printable
 * by RFC 2045's rules, base64 lines, RFC 2047 section 8's texts (and
 * Chinese) as encoded words, header folding, RFC 2231 parameters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mime/encode.h"
#include "mime/params.h"
#include "mime/transfer.h"
#include "mime/words.h"
#include "text.h"

#define N(a) (sizeof(a) / sizeof(*(a)))

static void sink(void *ctx, const char *p, size_t n)
{
	assert_true(buf_append(ctx, p, n));
}

static void decode(enum mime_cte cte, const char *p, size_t n, struct buf *out,
                   struct mime_decoder *d)
{
	mime_decoder_init(d, cte, sink, out);
	mime_decoder_feed(d, p, n);
	mime_decoder_finish(d);
}

/* Every line at most max characters; no space or tab before a line's
 * end. */
static void assert_lines(const struct buf *b, size_t max, bool no_trailing_space)
{
	size_t col = 0;
	for (size_t i = 0; i < b->len; i++) {
		if (b->data[i] != '\n') {
			col++;
			continue;
		}
		assert_in_range(col, 0, max);
		if (no_trailing_space && i > 0)
			assert_false(b->data[i - 1] == ' ' || b->data[i - 1] == '\t');
		col = 0;
	}
	assert_int_equal(col, 0); /* ends with a line break */
}

/* ---- quoted-printable: RFC 2045 6.7 ---------------------------------- */

static const struct {
	const char *in;
	const char *want; /* NULL: only the round trip and the rules */
} qp_cases[] = {
    {"plain text", "plain text\n"},
    {"a=b", "a=3Db\n"},                         /* rule 1: '=' itself */
    {"trailing space ", "trailing space=20\n"}, /* rule 3 */
    {"tab\t\nnext", "tab=09\nnext\n"},          /* rule 3 before a hard break */
    {"in between\tok", "in between\tok\n"},     /* rule 3: kept inside a line */
    {"line1\r\nline2\r\n", "line1\nline2\n"},   /* rule 4: CRLF is a hard break */
    {"bare\rcr", "bare=0Dcr\n"},                /* a lone CR is data */
    {"caf\xc3\xa9", "caf=C3=A9\n"},             /* rule 2: 8-bit */
    {"\x7f\x01", "=7F=01\n"},
    {"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxx",
     NULL}, /* rule 5: soft breaks */
    {"=================================================", NULL},
    {"\xe5\xbc\xa0\xe4\xb8\x89\xe5\xbc\xa0\xe4\xb8\x89\xe5\xbc\xa0\xe4\xb8\x89\xe5\xbc\xa0\xe4"
     "\xb8\x89\xe5\xbc\xa0\xe4\xb8\x89\xe5\xbc\xa0\xe4\xb8\x89\xe5\xbc\xa0\xe4\xb8\x89",
     NULL},
    {"a line that ends right at the limit of seventy-six characters...... end ", NULL},
    {"", ""},
};

static void test_qp(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(qp_cases); i++) {
		struct buf enc, dec, want;
		buf_init(&enc, 0);
		buf_init(&dec, 0);
		buf_init(&want, 0);
		const char *in = qp_cases[i].in;
		assert_int_equal(mime_encode_qp(&enc, in, strlen(in)), SMTPSH_OK);
		if (qp_cases[i].want)
			assert_string_equal(enc.data ? enc.data : "", qp_cases[i].want);
		assert_lines(&enc, MIME_ENCODED_LINE_MAX, true);
		for (size_t k = 0; k < enc.len; k++) /* rule 1, 2: only printable ASCII */
			assert_true(enc.data[k] == '\n' || enc.data[k] == '\t' ||
			            (enc.data[k] >= 32 && enc.data[k] < 127));
		struct mime_decoder d;
		decode(MIME_CTE_QP, enc.data ? enc.data : "", enc.len, &dec, &d);
		assert_int_equal(d.bad_escapes, 0);
		/* the decoder gives "\n" for each hard break; one ends the text */
		for (const char *p = in; *p; p++)
			if (!(p[0] == '\r' && p[1] == '\n'))
				buf_append_char(&want, *p);
		if (want.len && want.data[want.len - 1] != '\n')
			buf_append_char(&want, '\n');
		assert_int_equal(dec.len, want.len);
		assert_memory_equal(dec.data ? dec.data : "", want.data ? want.data : "", want.len);
		buf_free(&enc);
		buf_free(&dec);
		buf_free(&want);
	}
}

/* ---- base64 ------------------------------------------------------------ */

static void test_base64(void **state)
{
	(void)state;
	static const size_t sizes[] = {0, 1, 2, 3, 56, 57, 58, 114, 1000, 4099};
	for (size_t i = 0; i < N(sizes); i++) {
		unsigned char *data = malloc(sizes[i] + 1);
		for (size_t k = 0; k < sizes[i]; k++)
			data[k] = (unsigned char)(rand() & 0xff);
		struct buf enc, dec;
		buf_init(&enc, 0);
		buf_init(&dec, 0);
		assert_int_equal(mime_encode_base64(&enc, data, sizes[i]), SMTPSH_OK);
		assert_lines(&enc, MIME_ENCODED_LINE_MAX, true);
		struct mime_decoder d;
		decode(MIME_CTE_BASE64, enc.data ? enc.data : "", enc.len, &dec, &d);
		assert_int_equal(d.garbage, 0);
		assert_false(d.truncated);
		assert_int_equal(dec.len, sizes[i]);
		if (sizes[i])
			assert_memory_equal(dec.data, data, sizes[i]);
		buf_free(&enc);
		buf_free(&dec);
		free(data);
	}
}

/* ---- RFC 2047 encoded words --------------------------------------------- */

#define ZHANG_SAN "\xe5\xbc\xa0\xe4\xb8\x89"
/* 邮件主题测试 repeated: a long Chinese subject */
#define ZH "\xe9\x82\xae\xe4\xbb\xb6\xe4\xb8\xbb\xe9\xa2\x98\xe6\xb5\x8b\xe8\xaf\x95"

static const struct {
	const char *text;
	char want_enc; /* 'B', 'Q' */
	unsigned words;
} word_cases[] = {
    /* the texts RFC 2047 section 8 encodes */
    {"Keith Moore", 'Q', 1},
    {"Keld J\xc3\xb8rn Simonsen", 'Q', 1},
    {"Andr\xc3\xa9", 'B', 1}, /* "QW5kcsOp" is shorter than "Andr=C3=A9" */
    {"Olle J\xc3\xa4rnefors", 'Q', 1},
    {"If you can read this you understand the example.", 'Q', 1},
    {"\xd7\x9d\xd7\x95\xd7\x9c\xd7\xa9 \xd7\x9f\xd7\x91 \xd7\x99\xd7\x9c\xd7\x98\xd7\xa4\xd7\xa0",
     'B', 1},
    {"a", 'Q', 1},
    {"a b", 'Q', 1},
    /* Chinese: base64 is shorter */
    {ZHANG_SAN, 'B', 1},
    {ZH ZH ZH ZH ZH ZH ZH ZH, 'B', 4},
    {"\xf0\x9f\x93\xa7 mail " ZH, 'B', 1},
};

static void test_words(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(word_cases); i++) {
		const char *text = word_cases[i].text;
		struct buf enc, dec;
		buf_init(&enc, 0);
		buf_init(&dec, 0);
		enum mime_word_encoding e;
		assert_int_equal(mime_encode_words(&enc, text, strlen(text), 0, &e), SMTPSH_OK);
		assert_int_equal(e, word_cases[i].want_enc);
		/* each word: at most 75 characters, and valid UTF-8 alone */
		unsigned words = 0;
		for (const char *w = enc.data, *end; *w; w = *end ? end + 1 : end) {
			end = w + strcspn(w, " ");
			size_t len = (size_t)(end - w);
			words++;
			assert_in_range(len, 12, MIME_WORD_MAX);
			struct buf one;
			buf_init(&one, 0);
			struct mime_words_seen seen = {0};
			assert_int_equal(mime_words_decode(&one, w, len, &seen), SMTPSH_OK);
			assert_int_equal(seen.decoded, 1);
			assert_int_equal(seen.kept, 0);
			assert_true(text_is_utf8(one.data, one.len));
			buf_free(&one);
		}
		assert_int_equal(words, word_cases[i].words);
		struct mime_words_seen seen = {0};
		assert_int_equal(mime_words_decode(&dec, enc.data, enc.len, &seen), SMTPSH_OK);
		assert_int_equal(seen.kept, 0);
		assert_string_equal(dec.data, text);
		buf_free(&enc);
		buf_free(&dec);
	}
}

static void test_words_first_room_and_bad_utf8(void **state)
{
	(void)state;
	struct buf enc;
	buf_init(&enc, 0);
	assert_int_equal(mime_encode_words(&enc, ZH ZH ZH, strlen(ZH ZH ZH), 30, NULL), SMTPSH_OK);
	assert_in_range(strcspn(enc.data, " "), 12, 30);
	buf_clear(&enc);
	assert_int_equal(mime_encode_words(&enc, "\xe5\xbc", 2, 0, NULL), SMTPSH_EINVAL);
	assert_int_equal(enc.len, 0);
	buf_free(&enc);
}

/* ---- header folding ------------------------------------------------------ */

static void unfold_equal(const struct buf *folded, const char *want)
{
	struct buf u;
	buf_init(&u, 0);
	for (size_t i = 0; i < folded->len; i++)
		if (folded->data[i] != '\n')
			buf_append_char(&u, folded->data[i]);
	assert_string_equal(u.data, want);
	buf_free(&u);
}

static void test_fold(void **state)
{
	(void)state;
	static const struct {
		const char *name, *value;
		unsigned lines;
	} cases[] = {
	    {"Subject", "short", 1},
	    {"Subject",
	     "a subject long enough that it has to be folded at least once to keep each line "
	     "within seventy-eight characters as RFC 5322 asks",
	     2},
	    {"X-Long",
	     "averyveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryvery"
	     "longword",
	     1}, /* no whitespace: no fold possible */
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct buf out;
		buf_init(&out, 0);
		assert_int_equal(
		    mime_fold_header(&out, cases[i].name, cases[i].value, strlen(cases[i].value)),
		    SMTPSH_OK);
		unsigned lines = 0;
		for (size_t k = 0; k < out.len; k++)
			lines += out.data[k] == '\n';
		assert_int_equal(lines, cases[i].lines);
		if (cases[i].lines > 1)
			assert_lines(&out, MIME_HEADER_LINE_MAX, true);
		char whole[512];
		snprintf(whole, sizeof(whole), "%s: %s", cases[i].name, cases[i].value);
		unfold_equal(&out, whole);
		buf_free(&out);
	}
}

/* ---- RFC 2231 parameters -------------------------------------------------- */

static void test_params(void **state)
{
	(void)state;
	static const struct {
		const char *value;
		bool extended;
		unsigned sections; /* 0: one plain */
	} cases[] = {
	    {"report.pdf", false, 0},
	    {"a \"quoted\" \\ name.txt", false, 0},
	    {"\xe6\xb5\x8b\xe8\xaf\x95.txt", true, 1}, /* 测试.txt */
	    {ZH ZH ZH ZH ".docx", true, 7},            /* 4 characters (36) a section */
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct buf out;
		buf_init(&out, 0);
		buf_append_str(&out, "attachment; ");
		bool ext;
		assert_int_equal(mime_encode_param(&out, "filename", cases[i].value, &ext),
		                 SMTPSH_OK);
		assert_int_equal(ext, cases[i].extended);
		unsigned sections = 0;
		for (const char *p = out.data; (p = strstr(p, "filename*")); p++)
			sections++;
		assert_int_equal(sections, cases[i].sections);
		buf_append_char(&out, '\n');
		assert_lines(&out, MIME_ENCODED_LINE_MAX, true);
		/* unfolded, lib/mime/params.c reads it back */
		struct buf u;
		buf_init(&u, 0);
		for (size_t k = 0; k + 1 < out.len; k++)
			if (out.data[k] != '\n')
				buf_append_char(&u, out.data[k]);
		struct mime_params ps;
		mime_params_parse(&ps, u.data, u.len);
		assert_int_equal(ps.problems, 0);
		assert_string_equal(ps.value, "attachment");
		assert_non_null(mime_params_get(&ps, "filename"));
		assert_string_equal(mime_params_get(&ps, "filename"), cases[i].value);
		buf_free(&u);
		buf_free(&out);
	}
	struct buf out;
	buf_init(&out, 0);
	assert_int_equal(mime_encode_param(&out, "filename", "a\nb", NULL), SMTPSH_EINVAL);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_qp),    cmocka_unit_test(test_base64),
	    cmocka_unit_test(test_words), cmocka_unit_test(test_words_first_room_and_bad_utf8),
	    cmocka_unit_test(test_fold),  cmocka_unit_test(test_params),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
