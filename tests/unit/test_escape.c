/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Escaping that round-trips any bytes: the transcript format uses it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "escape.h"
#include "text.h"

#define N(a) (sizeof(a) / sizeof(*(a)))

static const char *str(const struct buf *b)
{
	return b->data ? b->data : "";
}

/* xorshift32: the same strings on every libc, unlike rand(). */
static uint32_t rng_state;

static uint32_t rng(void)
{
	uint32_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return rng_state = x;
}

/* What escaping must get right besides random bytes: UTF-8 to keep, C1
 * controls and near-misses of UTF-8 to escape, and escape-like text. */
static const char *const pieces[] = {
    "\xc3\xa9",
    "\xe4\xbd\xa0",
    "\xf0\x9f\x98\x80",
    "\xf4\x8f\xbf\xbf",
    "\xc2\xa0",
    "\xc2\x9b",
    "\xc2\x80",
    "\xc0\xaf",
    "\xed\xa0\x80",
    "\xe4\xbd",
    "\xf4\x90\x80\x80",
    "\\",
    "\\x41",
    "\\n",
    "\r\n",
    "\x1b[0m",
};

static size_t random_bytes(unsigned char *p, size_t max)
{
	size_t n = rng() % (max + 1);
	bool mixed = rng() & 1;
	size_t i = 0;
	while (i < n) {
		const char *piece = pieces[rng() % N(pieces)];
		size_t len = strlen(piece);
		if (mixed && rng() % 3 == 0 && i + len <= n) {
			memcpy(p + i, piece, len);
			i += len;
		} else {
			p[i++] = (unsigned char)rng();
		}
	}
	return n;
}

/* The output must be one line of printable, valid UTF-8. */
static void assert_safe(const struct buf *e)
{
	for (size_t i = 0; i < e->len; i++) {
		unsigned char c = (unsigned char)e->data[i];
		if (c < 0x20 || c == 0x7f)
			fail_msg("raw byte 0x%02x at %zu", c, i);
	}
	assert_true(text_is_utf8(str(e), e->len));
	/* no C1 control (C2 80..C2 9F) left readable either */
	for (size_t i = 0; i + 1 < e->len; i++)
		if ((unsigned char)e->data[i] == 0xc2 && (unsigned char)e->data[i + 1] < 0xa0)
			fail_msg("raw C1 control at %zu", i);
}

static void round_trip_random(void **state)
{
	(void)state;
	rng_state = 2026;
	bool seen[256] = {false};
	for (int k = 0; k < 2000; k++) {
		unsigned char in[300];
		size_t n = random_bytes(in, sizeof(in));
		for (size_t i = 0; i < n; i++)
			seen[in[i]] = true;
		struct buf e, d;
		buf_init(&e, 0);
		buf_init(&d, 0);
		assert_true(escape_append(&e, in, n));
		assert_safe(&e);
		size_t bad = 0;
		assert_int_equal(unescape_append(&d, str(&e), e.len, &bad, NULL), SMTPSH_OK);
		assert_int_equal(d.len, n);
		assert_memory_equal(str(&d), in, n);
		buf_free(&e);
		buf_free(&d);
	}
	for (int c = 0; c < 256; c++)
		assert_true(seen[c]);
}

static void every_byte_alone(void **state)
{
	(void)state;
	for (int c = 0; c < 256; c++) {
		unsigned char in = (unsigned char)c;
		char want[8];
		if (c == '\\')
			snprintf(want, sizeof(want), "\\\\");
		else if (c == '\r' || c == '\n' || c == '\t' || c == 0)
			snprintf(want, sizeof(want), "\\%c",
			         c == '\r'   ? 'r'
			         : c == '\n' ? 'n'
			         : c == '\t' ? 't'
			                     : '0');
		else if (c >= 0x20 && c < 0x7f)
			snprintf(want, sizeof(want), "%c", c);
		else
			snprintf(want, sizeof(want), "\\x%02x", c);
		struct buf e, d;
		buf_init(&e, 0);
		buf_init(&d, 0);
		assert_true(escape_append(&e, &in, 1));
		assert_string_equal(e.data, want);
		size_t bad = 0;
		assert_int_equal(unescape_append(&d, e.data, e.len, &bad, NULL), SMTPSH_OK);
		assert_int_equal(d.len, 1);
		assert_int_equal((unsigned char)d.data[0], c);
		buf_free(&e);
		buf_free(&d);
	}
}

static void escape_forms(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t n;
		const char *out;
	} cases[] = {
	    {"", 0, ""},
	    {"250 OK", 6, "250 OK"},
	    {"a\\b\r\n\t\0", 7, "a\\\\b\\r\\n\\t\\0"},
	    {"\x1b[31m\x7f", 6, "\\x1b[31m\\x7f"},
	    {"\\x41", 4, "\\\\x41"}, /* text that looks like an escape */
	    {"你好 é", 9, "你好 é"},
	    {"\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80"},
	    {"\xc2\xa0", 2, "\xc2\xa0"},                     /* U+00A0: first after C1 */
	    {"\xc2\x80\xc2\x9f", 4, "\\xc2\\x80\\xc2\\x9f"}, /* C1 */
	    /* bidi controls: a transcript that is cat'ed must not reorder */
	    {"\xe2\x80\xae!", 4, "\\xe2\\x80\\xae!"},                          /* U+202E RLO */
	    {"\xe2\x81\xa6\xe2\x81\xa9", 6, "\\xe2\\x81\\xa6\\xe2\\x81\\xa9"}, /* LRI, PDI */
	    {"\xe2\x80\xaf", 3, "\xe2\x80\xaf"},                               /* U+202F: text */
	    {"\xc0\xaf", 2, "\\xc0\\xaf"},                                     /* overlong */
	    {"\xed\xa0\x80", 3, "\\xed\\xa0\\x80"},                            /* surrogate */
	    {"\xf4\x90\x80\x80", 4, "\\xf4\\x90\\x80\\x80"},                   /* > U+10FFFF */
	    {"\xe4\xbd", 2, "\\xe4\\xbd"},                                     /* truncated */
	    {"\xff\xfe", 2, "\\xff\\xfe"},
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct buf e;
		buf_init(&e, 0);
		assert_true(escape_append(&e, cases[i].in, cases[i].n));
		assert_string_equal(str(&e), cases[i].out);
		buf_free(&e);
	}
}

static void unescape_forms(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		const char *out;
		size_t n;
	} cases[] = {
	    {"", "", 0},
	    {"plain", "plain", 5},
	    {"\\\\\\r\\n\\t\\0", "\\\r\n\t\0", 5},
	    {"\\x1b\\x1B\\xff\\x00", "\x1b\x1b\xff\0", 4}, /* either case */
	    {"a\\x41b", "aAb", 3},
	    {"你好\\xc2\\x9b", "你好\xc2\x9b", 8},
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct buf d;
		size_t bad = 99;
		buf_init(&d, 0);
		assert_int_equal(unescape_append(&d, cases[i].in, strlen(cases[i].in), &bad, NULL),
		                 SMTPSH_OK);
		assert_int_equal(d.len, cases[i].n);
		assert_memory_equal(str(&d), cases[i].out, cases[i].n);
		buf_free(&d);
	}
}

static void malformed_escapes(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		size_t at;
	} bad[] = {
	    {"\\q", 0},   {"ab\\q", 2},   {"\\X41", 0},  {"\\x4", 0}, {"ab\\x4", 2},
	    {"\\xZZ", 0}, {"x\\xZZ", 1},  {"\\x4g", 0},  {"\\x", 0},  {"\\", 0},
	    {"end\\", 3}, {"ok\\n\\", 4}, {"\\\\\\", 2},
	};
	for (size_t i = 0; i < N(bad); i++) {
		struct buf d;
		size_t at = 99;
		buf_init(&d, 0);
		if (unescape_append(&d, bad[i].s, strlen(bad[i].s), &at, NULL) != SMTPSH_EINVAL)
			fail_msg("'%s' was accepted", bad[i].s);
		if (at != bad[i].at)
			fail_msg("'%s': bad_at %zu, want %zu", bad[i].s, at, bad[i].at);
		buf_free(&d);
	}
	/* the length given is the end, whatever follows in memory */
	struct buf d;
	size_t at = 99;
	buf_init(&d, 0);
	assert_int_equal(unescape_append(&d, "a\\x41", 4, &at, NULL), SMTPSH_EINVAL);
	assert_int_equal(at, 1);
	buf_free(&d);
	/* the words, when asked for, name the same offset */
	struct smtpsh_msg why;
	buf_init(&d, 0);
	assert_int_equal(unescape_append(&d, "ab\\q", 4, &at, &why), SMTPSH_EINVAL);
	assert_non_null(strstr(why.text, "bad escape at offset 2"));
	buf_free(&d);
}

/* A full out stops escaping between two escapes, never inside one. */
static void bounded(void **state)
{
	(void)state;
	static const char in[] = "\x1b\x1b\x1b";
	struct buf full;
	buf_init(&full, 0);
	assert_true(escape_append(&full, in, 3));
	assert_string_equal(full.data, "\\x1b\\x1b\\x1b");
	for (size_t max = 1; max < full.len; max++) {
		struct buf e;
		buf_init(&e, max);
		assert_false(escape_append(&e, in, 3));
		assert_true(e.len <= max);
		assert_int_equal(e.len % 4, 0);
		assert_memory_equal(str(&e), full.data, e.len);
		buf_free(&e);
	}
	struct buf e;
	buf_init(&e, full.len);
	assert_true(escape_append(&e, in, 3));
	buf_free(&e);
	buf_free(&full);

	struct buf d;
	size_t at = 99;
	buf_init(&d, 3);
	assert_int_equal(unescape_append(&d, "ab\\x41\\x42", 10, &at, NULL), SMTPSH_ENOMEM);
	assert_int_equal(d.len, 3);
	assert_int_equal(at, 6);
	buf_free(&d);
	struct smtpsh_msg why;
	buf_init(&d, 3);
	assert_int_equal(unescape_append(&d, "ab\\x41\\x42", 10, &at, &why), SMTPSH_ENOMEM);
	assert_non_null(strstr(why.text, "offset 6"));
	buf_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(round_trip_random), cmocka_unit_test(every_byte_alone),
	    cmocka_unit_test(escape_forms),      cmocka_unit_test(unescape_forms),
	    cmocka_unit_test(malformed_escapes), cmocka_unit_test(bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
