/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The streaming base64 and quoted-printable decoders: RFC 2045's rules,
 * garbage reported, and the same output whatever the chunk size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "mime/transfer.h"

#define N(a) (sizeof(a) / sizeof(*(a)))

static const struct {
	enum mime_cte cte;
	const char *in, *want;
	size_t want_len;
	unsigned long long garbage, bad_escapes;
	bool truncated;
} cases[] = {
    {MIME_CTE_BASE64, "Zm9v\r\nYmFy\r\n", "foobar", 6, 0, 0, false},
    {MIME_CTE_BASE64, "Zm9vYg==\n", "foob", 4, 0, 0, false},
    {MIME_CTE_BASE64, "Zm 9v\tYm E=", "fooba", 5, 0, 0, false},
    {MIME_CTE_BASE64, "1cXI/Q==", "\xd5\xc5\xc8\xfd", 4, 0, 0, false},
    {MIME_CTE_BASE64, "AAEC", "\0\1\2", 3, 0, 0, false},
    {MIME_CTE_BASE64, "Zm9v!YmFy", "foobar", 6, 1, 0, false},
    {MIME_CTE_BASE64, "Zg==Zm9v", "f", 1, 4, 0, false}, /* data after the end */
    {MIME_CTE_BASE64, "Zm9vY", "foo", 3, 0, 0, true},
    {MIME_CTE_BASE64, "Zm9vYmE", "fooba", 5, 0, 0, false}, /* padding missing: tolerated */
    /* RFC 2045 6.7: rule 1 (=XX), rule 3 (trailing whitespace), rule 5 (soft breaks) */
    {MIME_CTE_QP, "J=F8rn=3D\n", "J\xf8rn=\n", 6, 0, 0, false},
    {MIME_CTE_QP, "a=3d=3Db", "a==b", 4, 0, 0, false},
    {MIME_CTE_QP, "trailing   \r\nnext", "trailing\nnext", 13, 0, 0, false},
    {MIME_CTE_QP, "soft=\r\nbreak=\nhere", "softbreakhere", 13, 0, 0, false},
    {MIME_CTE_QP, "soft=  \r\nbreak", "softbreak", 9, 0, 0, false},
    {MIME_CTE_QP, "in  between\tkept", "in  between\tkept", 16, 0, 0, false},
    {MIME_CTE_QP, "bad =ZZ end", "bad =ZZ end", 11, 0, 1, false},
    {MIME_CTE_QP, "bad =4", "bad =4", 6, 0, 1, false},
    {MIME_CTE_QP, "x=", "x=", 2, 0, 1, false},
    {MIME_CTE_IDENTITY, "as\r\nit is", "as\r\nit is", 9, 0, 0, false},
};

static void collect(void *ctx, const char *p, size_t n)
{
	assert_true(buf_append(ctx, p, n));
}

static void decodes_in_chunks_of(size_t chunk)
{
	for (size_t i = 0; i < N(cases); i++) {
		struct buf out;
		buf_init(&out, 0);
		struct mime_decoder d;
		mime_decoder_init(&d, cases[i].cte, collect, &out);
		const char *in = cases[i].in;
		size_t n = strlen(in);
		for (size_t at = 0; at < n; at += chunk)
			mime_decoder_feed(&d, in + at, n - at < chunk ? n - at : chunk);
		mime_decoder_finish(&d);
		if (out.len != cases[i].want_len ||
		    memcmp(out.data ? out.data : "", cases[i].want, out.len))
			fail_msg("case %zu in chunks of %zu: %zu bytes '%s'", i, chunk, out.len,
			         out.data ? out.data : "");
		assert_int_equal(d.garbage, cases[i].garbage);
		assert_int_equal(d.bad_escapes, cases[i].bad_escapes);
		assert_int_equal(d.truncated, cases[i].truncated);
		buf_free(&out);
	}
}

static void whole(void **state)
{
	(void)state;
	decodes_in_chunks_of(1 << 20);
}

static void byte_by_byte(void **state)
{
	(void)state;
	decodes_in_chunks_of(1);
}

static void in_threes(void **state)
{
	(void)state;
	decodes_in_chunks_of(3);
}

/* A long run of spaces in QP: the held whitespace stays bounded and
 * nothing is lost when it is text. */
static void long_whitespace_run(void **state)
{
	(void)state;
	struct buf out;
	buf_init(&out, 0);
	struct mime_decoder d;
	mime_decoder_init(&d, MIME_CTE_QP, collect, &out);
	for (int i = 0; i < 1000; i++)
		mime_decoder_feed(&d, " ", 1);
	mime_decoder_feed(&d, "x", 1);
	mime_decoder_finish(&d);
	assert_int_equal(out.len, 1001);
	buf_free(&out);
}

struct decoded {
	struct buf out;
	unsigned long long garbage;
	bool truncated;
};

static void decode_b64(struct decoded *r, const char *in, size_t n, size_t chunk)
{
	buf_init(&r->out, 0);
	struct mime_decoder d;
	mime_decoder_init(&d, MIME_CTE_BASE64, collect, &r->out);
	for (size_t at = 0; at < n; at += chunk)
		mime_decoder_feed(&d, in + at, n - at < chunk ? n - at : chunk);
	mime_decoder_finish(&d);
	r->garbage = d.garbage;
	r->truncated = d.truncated;
}

/* Every byte value inside a group: read whole (four at a time where it
 * can) and byte by byte (never four at a time) it decodes the same, and
 * a byte of RFC 2045's alphabet (Table 1) has its value there. */
static void every_byte_in_a_group(void **state)
{
	(void)state;
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (int c = 0; c < 256; c++) {
		char in[] = "QUJDQU?EQUJD"; /* "ABC", then "A" + c + "D"..., then "ABC" */
		in[6] = (char)c;
		struct decoded whole_feed, one_by_one;
		decode_b64(&whole_feed, in, sizeof(in) - 1, sizeof(in));
		decode_b64(&one_by_one, in, sizeof(in) - 1, 1);
		assert_int_equal(whole_feed.out.len, one_by_one.out.len);
		assert_memory_equal(whole_feed.out.data, one_by_one.out.data, whole_feed.out.len);
		assert_int_equal(whole_feed.garbage, one_by_one.garbage);
		assert_int_equal(whole_feed.truncated, one_by_one.truncated);
		const char *at = c ? strchr(alphabet, c) : NULL;
		if (at) { /* "QU" c "E": bytes 'A', then U's low bits and c, then c's low bits and E
			     (4) */
			unsigned v = (unsigned)(at - alphabet);
			assert_int_equal(whole_feed.out.len, 9);
			assert_int_equal((unsigned char)whole_feed.out.data[4], 0x40 | v >> 2);
			assert_int_equal((unsigned char)whole_feed.out.data[5], (v & 3) << 6 | 4);
			assert_int_equal(whole_feed.garbage, 0);
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			assert_int_equal(whole_feed.garbage, 0);
		else if (c != '=')
			assert_int_equal(whole_feed.garbage, 1);
		buf_free(&whole_feed.out);
		buf_free(&one_by_one.out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(whole),
	    cmocka_unit_test(byte_by_byte),
	    cmocka_unit_test(in_threes),
	    cmocka_unit_test(long_whitespace_run),
	    cmocka_unit_test(every_byte_in_a_group),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
