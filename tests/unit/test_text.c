/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Escaping that round-trips, and server text made safe for a terminal
 * (ANSI/OSC escapes, C1 controls, GBK replies). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "escape.h"
#include "text.h"

static void round_trip_random(void **state)
{
	(void)state;
	srand(42);
	for (int k = 0; k < 2000; k++) {
		char in[300];
		size_t n = (size_t)(rand() % 300);
		for (size_t i = 0; i < n; i++)
			in[i] = (char)(rand() % 256);
		struct buf e, d;
		buf_init(&e, 0);
		buf_init(&d, 0);
		assert_true(escape_append(&e, in, n));
		/* nothing raw that could break a line or a terminal */
		for (size_t i = 0; i < e.len; i++) {
			unsigned char c = (unsigned char)e.data[i];
			assert_true(c >= 0x20 && c != 0x7f);
		}
		assert_true(text_is_utf8(e.data ? e.data : "", e.len));
		size_t bad = 0;
		assert_true(unescape_append(&d, e.data ? e.data : "", e.len, &bad));
		assert_int_equal(d.len, n);
		assert_memory_equal(d.data ? d.data : "", in, n);
		buf_free(&e);
		buf_free(&d);
	}
}

static void escape_forms(void **state)
{
	(void)state;
	struct buf e;
	buf_init(&e, 0);
	assert_true(escape_append(&e, "a\\b\r\n\t\0\x1b\x7f\xff", 10));
	assert_string_equal(e.data, "a\\\\b\\r\\n\\t\\0\\x1b\\x7f\\xff");
	buf_clear(&e);
	assert_true(escape_append(&e, "你好 \xc2\x9b", 9));
	assert_string_equal(e.data, "你好 \\xc2\\x9b");
	buf_free(&e);
}

static void malformed_escapes(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		size_t at;
	} bad[] = {{"ab\\q", 2}, {"\\x4", 0}, {"x\\xZZ", 1}, {"end\\", 3}};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct buf d;
		size_t at = 99;
		buf_init(&d, 0);
		assert_false(unescape_append(&d, bad[i].s, strlen(bad[i].s), &at));
		assert_int_equal(at, bad[i].at);
		buf_free(&d);
	}
}

static void utf8_validation(void **state)
{
	(void)state;
	assert_true(text_is_utf8("plain", 5));
	assert_true(text_is_utf8("登录失败", strlen("登录失败")));
	assert_false(text_is_utf8("\xc0\xaf", 2));         /* overlong '/' */
	assert_false(text_is_utf8("\xed\xa0\x80", 3));     /* surrogate */
	assert_false(text_is_utf8("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
	assert_false(text_is_utf8("\xe4\xbd", 2));         /* truncated */
}

static unsigned sanitize(const char *in, size_t n, char *out, size_t outsz)
{
	struct buf b;
	bool ok;
	buf_init(&b, 0);
	unsigned r = text_sanitize(&b, in, n, &ok);
	assert_true(ok);
	snprintf(out, outsz, "%s", b.data ? b.data : "");
	buf_free(&b);
	return r;
}

static void terminal_safety(void **state)
{
	(void)state;
	char out[256];
	assert_int_equal(sanitize("535 Error: authentication failed", 32, out, sizeof(out)), TEXT_CLEAN);
	assert_string_equal(out, "535 Error: authentication failed");
	assert_int_equal(sanitize("\x1b[31mred\x1b[0m", 12, out, sizeof(out)), TEXT_ESCAPED);
	assert_string_equal(out, "\\x1b[31mred\\x1b[0m");
	sanitize("\x1b]0;pwned\x07", 10, out, sizeof(out));
	assert_string_equal(out, "\\x1b]0;pwned\\x07");
	sanitize("a\xc2\x9b" "2J", 5, out, sizeof(out));
	assert_string_equal(out, "a\\xc2\\x9b2J");
	sanitize("nul\0here", 8, out, sizeof(out));
	assert_string_equal(out, "nul\\x00here");
	sanitize("tab\tkept", 8, out, sizeof(out));
	assert_string_equal(out, "tab\tkept");
	assert_int_equal(sanitize("你好", strlen("你好"), out, sizeof(out)), TEXT_CLEAN);
}

static void gbk_reply(void **state)
{
	(void)state;
	char out[256];
	/* "535 登录失败" as an old QQ server sends it: GBK bytes */
	const char gbk[] = "535 \xb5\xc7\xc2\xbc\xca\xa7\xb0\xdc";
	unsigned r = sanitize(gbk, sizeof(gbk) - 1, out, sizeof(out));
	assert_true(r & TEXT_FROM_GB18030);
	assert_string_equal(out, "535 登录失败");
	/* not UTF-8 and not GB18030 either: escaped */
	r = sanitize("\xff\xfe", 2, out, sizeof(out));
	assert_true(r & TEXT_ESCAPED);
	assert_string_equal(out, "\\xff\\xfe");
	r = sanitize("ok \x81", 4, out, sizeof(out));
	assert_string_equal(out, "ok \\x81");
}

static void bounded(void **state)
{
	(void)state;
	struct buf b;
	bool ok = true;
	buf_init(&b, 8);
	text_sanitize(&b, "\x1b\x1b\x1b\x1b\x1b", 5, &ok);
	assert_false(ok);
	assert_true(b.len <= 8);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_random),
		cmocka_unit_test(escape_forms),
		cmocka_unit_test(malformed_escapes),
		cmocka_unit_test(utf8_validation),
		cmocka_unit_test(terminal_safety),
		cmocka_unit_test(gbk_reply),
		cmocka_unit_test(bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
