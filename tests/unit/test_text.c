/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Server text made safe for a terminal: strict UTF-8, ANSI/OSC escapes
 * and C1 controls neutralised, GBK replies decoded, bounds kept. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "text.h"

#define N(a) (sizeof(a) / sizeof(*(a)))
/* a string literal and its length, NULs included */
#define S(lit) lit, sizeof(lit) - 1

/* "登录失败" ("login failed") in GBK: 登 B5C7 录 C2BC 失 CAA7 败 B0DC */
#define GBK_LOGIN_FAILED "\xb5\xc7\xc2\xbc\xca\xa7\xb0\xdc"

static void utf8_strict(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		size_t n;
		bool valid;
	} cases[] = {
	    {S(""), true},
	    {S("plain ASCII"), true},
	    {S("nul\0inside"), true}, /* NUL is UTF-8; sanitising handles it */
	    {S("登录失败"), true},
	    {S("\xc2\x80"), true},          /* U+0080 */
	    {S("\xdf\xbf"), true},          /* U+07FF */
	    {S("\xe0\xa0\x80"), true},      /* U+0800 */
	    {S("\xed\x9f\xbf"), true},      /* U+D7FF */
	    {S("\xee\x80\x80"), true},      /* U+E000 */
	    {S("\xef\xbf\xbf"), true},      /* U+FFFF */
	    {S("\xf0\x90\x80\x80"), true},  /* U+10000 */
	    {S("\xf4\x8f\xbf\xbf"), true},  /* U+10FFFF */
	    {S("\xc0\xaf"), false},         /* overlong '/' */
	    {S("\xc1\xbf"), false},         /* overlong */
	    {S("\xe0\x80\xaf"), false},     /* overlong '/' in 3 */
	    {S("\xe0\x9f\xbf"), false},     /* overlong U+07FF */
	    {S("\xf0\x80\x80\xaf"), false}, /* overlong '/' in 4 */
	    {S("\xf0\x8f\xbf\xbf"), false}, /* overlong U+FFFF */
	    {S("\xed\xa0\x80"), false},     /* U+D800 */
	    {S("\xed\xbf\xbf"), false},     /* U+DFFF */
	    {S("\xf4\x90\x80\x80"), false}, /* U+110000 */
	    {S("\xf5\x80\x80\x80"), false},
	    {S("\xf8\x88\x80\x80\x80"), false}, /* 5-byte form */
	    {S("\xfe"), false},
	    {S("\xff"), false},
	    {S("\x80"), false}, /* lone continuation */
	    {S("a\xbf"), false},
	    {S("\xc3"), false}, /* truncated */
	    {S("\xe4\xbd"), false},
	    {S("\xf0\x9f\x98"), false},
	    {S("\xe4\xbd"
	       "a"),
	     false}, /* continuation missing */
	    {S("\xc3\xa9\xc3"), false},
	};
	for (size_t i = 0; i < N(cases); i++)
		if (text_is_utf8(cases[i].s, cases[i].n) != cases[i].valid)
			fail_msg("case %zu: want %s", i, cases[i].valid ? "valid" : "invalid");
	/* the length given is the end, whatever follows in memory */
	assert_true(text_is_utf8("a\xe4\xbd\xa0", 1));
	assert_false(text_is_utf8("\xe4\xbd\xa0", 2));
}

static void sanitize_cases(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t n;
		const char *out;
		unsigned result;
	} cases[] = {
	    {S(""), "", TEXT_CLEAN},
	    {S("535 Error: authentication failed"), "535 Error: authentication failed", TEXT_CLEAN},
	    {S("你好"), "你好", TEXT_CLEAN},
	    /* 张三 in GBK (D5C5 C8FD): decoded and shown as text */
	    {S("\xd5\xc5\xc8\xfd"), "张三", TEXT_FROM_GB18030},
	    {S("250 ok \xf0\x9f\x98\x80"), "250 ok \xf0\x9f\x98\x80", TEXT_CLEAN},
	    {S("tab\tkept"), "tab\tkept", TEXT_CLEAN},
	    /* ANSI colour (CSI) */
	    {S("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m", TEXT_ESCAPED},
	    /* OSC: sets the window title, BEL-terminated */
	    {S("\x1b]0;pwned\x07"), "\\x1b]0;pwned\\x07", TEXT_ESCAPED},
	    /* OSC 8 hyperlink, ST-terminated */
	    {S("\x1b]8;;http://x\x1b\\"), "\\x1b]8;;http://x\\x1b\\", TEXT_ESCAPED},
	    /* C1 CSI (U+009B) as UTF-8: some terminals obey it like ESC [ */
	    {S("a\xc2\x9b"
	       "2J"),
	     "a\\xc2\\x9b2J", TEXT_ESCAPED},
	    {S("\xc2\x80\xc2\x9f\xc2\xa0"), "\\xc2\\x80\\xc2\\x9f\xc2\xa0", TEXT_ESCAPED},
	    /* BEL alone, and ESC alone */
	    {S("ring\x07"), "ring\\x07", TEXT_ESCAPED},
	    {S("\x1b"), "\\x1b", TEXT_ESCAPED},
	    /* bidi controls reorder what follows on screen (Trojan Source):
	     * RLO U+202E, LRE..PDF U+202A..U+202C, LRO U+202D, the
	     * isolates U+2066..U+2069, LRM/RLM U+200E/F, ALM U+061C */
	    {S("550 \xe2\x80\xaegpj.exe"), "550 \\xe2\\x80\\xaegpj.exe", TEXT_ESCAPED},
	    {S("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad"),
	     "\\xe2\\x80\\xaa\\xe2\\x80\\xab\\xe2\\x80\\xac\\xe2\\x80\\xad", TEXT_ESCAPED},
	    {S("a\xe2\x81\xa6"
	       "b\xe2\x81\xa7"
	       "c\xe2\x81\xa8"
	       "d\xe2\x81\xa9"),
	     "a\\xe2\\x81\\xa6b\\xe2\\x81\\xa7c\\xe2\\x81\\xa8d\\xe2\\x81\\xa9", TEXT_ESCAPED},
	    {S("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c"), "\\xe2\\x80\\x8e\\xe2\\x80\\x8f\\xd8\\x9c",
	     TEXT_ESCAPED},
	    /* their neighbours are ordinary text: U+2029, U+202F, U+2065, U+206A */
	    {S("\xe2\x80\xa9\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa"),
	     "\xe2\x80\xa9\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa", TEXT_CLEAN},
	    /* U+202E in GB18030 (81 36 A7 31): decoded, then escaped */
	    {S("\x81\x36\xa7\x31" GBK_LOGIN_FAILED), "\\xe2\\x80\\xae登录失败",
	     TEXT_FROM_GB18030 | TEXT_ESCAPED},
	    {S("nul\0here"), "nul\\x00here", TEXT_ESCAPED},
	    {S("del\x7f"), "del\\x7f", TEXT_ESCAPED},
	    {S("cr\rlf\n"), "cr\\x0dlf\\x0a", TEXT_ESCAPED},
	    {S("bs\b\b\bok"), "bs\\x08\\x08\\x08ok", TEXT_ESCAPED},
	    /* GBK from an old Chinese server */
	    {S(GBK_LOGIN_FAILED), "登录失败", TEXT_FROM_GB18030},
	    {S("535 " GBK_LOGIN_FAILED), "535 登录失败", TEXT_FROM_GB18030},
	    {S("\x1b[1m" GBK_LOGIN_FAILED), "\\x1b[1m登录失败", TEXT_FROM_GB18030 | TEXT_ESCAPED},
	    /* GB18030 four-byte form of U+009B: converted, then still escaped */
	    {S("\x81\x30\x83\x37"
	       "2J" GBK_LOGIN_FAILED),
	     "\\xc2\\x9b2J登录失败", TEXT_FROM_GB18030 | TEXT_ESCAPED},
	    /* neither UTF-8 nor GB18030 */
	    {S("\xff\xfe"), "\\xff\\xfe", TEXT_ESCAPED},
	    {S("ok \x81"), "ok \\x81", TEXT_ESCAPED}, /* truncated GB18030 */
	    {S("\x81"), "\\x81", TEXT_ESCAPED},
	    {S("你好\xff"), "你好\\xff", TEXT_ESCAPED}, /* valid parts kept */
	    {S("\xe4\xbd\x1b[m\xff"), "\\xe4\\xbd\\x1b[m\\xff", TEXT_ESCAPED},
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct buf b;
		buf_init(&b, 0);
		unsigned r = text_safe(&b, cases[i].in, cases[i].n);
		if (strcmp(b.data ? b.data : "", cases[i].out) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, b.data ? b.data : "",
			         cases[i].out);
		if (r != cases[i].result)
			fail_msg("case %zu: result %u, want %u", i, r, cases[i].result);
		buf_free(&b);
	}
}

/* text_safe appends to what out already holds. */
static void appends(void **state)
{
	(void)state;
	struct buf b;
	bool ok = false;
	buf_init(&b, 0);
	assert_true(buf_append_str(&b, "R: "));
	ok = !(text_safe(&b, "\x1b[m", 3) & TEXT_CUT);
	assert_true(ok);
	assert_string_equal(b.data, "R: \\x1b[m");
	buf_free(&b);
}

/* out never passes its max, and nothing is appended after the first
 * piece that did not fit (no output with a hole in it). */
static void bounded(void **state)
{
	(void)state;
	struct buf b;
	bool ok = true;
	buf_init(&b, 8);
	ok = !(text_safe(&b, "\x1b\x1b\x1b\x1b\x1b", 5) & TEXT_CUT);
	assert_false(ok);
	assert_true(b.len <= 8);
	buf_free(&b);

	/* "\x1b" fits in 5, the second does not, "a" would */
	buf_init(&b, 5);
	ok = true;
	ok = !(text_safe(&b,
	                 "\x1b\x1b"
	                 "a",
	                 3) &
	       TEXT_CUT);
	assert_false(ok);
	assert_string_equal(b.data, "\\x1b");
	buf_free(&b);

	/* the GB18030 path and the escaping fallback are bounded too */
	static const char *const inputs[] = {
	    ("535 " GBK_LOGIN_FAILED),
	    "\xff\xfe\xff\xfe",
	    "abc\x1b[31mdef",
	};
	for (size_t i = 0; i < N(inputs); i++) {
		for (size_t max = 1; max < 16; max++) {
			buf_init(&b, max);
			ok = true;
			ok = !(text_safe(&b, inputs[i], strlen(inputs[i])) & TEXT_CUT);
			assert_true(b.len <= max);
			/* ok means all of it is there, as without a bound */
			if (ok) {
				struct buf full;
				bool fok = false;
				buf_init(&full, 0);
				fok = !(text_safe(&full, inputs[i], strlen(inputs[i])) & TEXT_CUT);
				assert_true(fok);
				assert_int_equal(b.len, full.len);
				buf_free(&full);
			}
			buf_free(&b);
		}
	}
}

/* xorshift32: the same strings on every libc. */
static uint32_t rng_state;

static uint32_t rng(void)
{
	uint32_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return rng_state = x;
}

/* Whatever arrives, what comes out is valid UTF-8 with no control but
 * TAB and no C1 control: nothing a terminal would obey. */
static void random_is_terminal_safe(void **state)
{
	(void)state;
	rng_state = 5321;
	unsigned seen = 0;
	for (int k = 0; k < 2000; k++) {
		char in[300];
		size_t n = rng() % 301;
		/* half of them GBK-like: high bytes in pairs */
		bool gbk = k & 1;
		for (size_t i = 0; i < n; i++) {
			uint32_t x = rng();
			in[i] = (char)(gbk ? (i & 1 ? 0x40 + x % 0xbf : 0x81 + x % 0x7e) : x);
		}
		struct buf b;
		buf_init(&b, 0);
		unsigned r = text_safe(&b, in, n);
		assert_false(r & TEXT_CUT);
		seen |= r;
		assert_true(text_is_utf8(b.data ? b.data : "", b.len));
		for (size_t i = 0; i < b.len; i++) {
			unsigned char c = (unsigned char)b.data[i];
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				fail_msg("raw byte 0x%02x at %zu", c, i);
			if (c == 0xc2 && i + 1 < b.len && (unsigned char)b.data[i + 1] < 0xa0)
				fail_msg("raw C1 control at %zu", i);
			if (c == 0xe2 && i + 2 < b.len && (unsigned char)b.data[i + 1] == 0x80 &&
			    (unsigned char)b.data[i + 2] >= 0xaa &&
			    (unsigned char)b.data[i + 2] <= 0xae)
				fail_msg("raw bidi embedding/override at %zu", i);
			if (c == 0xe2 && i + 2 < b.len && (unsigned char)b.data[i + 1] == 0x81 &&
			    (unsigned char)b.data[i + 2] >= 0xa6 &&
			    (unsigned char)b.data[i + 2] <= 0xa9)
				fail_msg("raw bidi isolate at %zu", i);
		}
		buf_free(&b);
	}
	/* both paths were taken */
	assert_true(seen & TEXT_FROM_GB18030);
	assert_true(seen & TEXT_ESCAPED);
}

/* The fixed-size form: NUL-terminated, cut at a whole piece, never a
 * half "\\xHH". */
static void into_array(void **state)
{
	(void)state;
	char out[TEXT_SAFE_SIZE(3)];
	assert_string_equal(text_safe_str(out, sizeof(out), "\x1b[m", 3), "\\x1b[m");
	char small[6];
	assert_string_equal(text_safe_str(small, sizeof(small), "\x1b\x1b", 2), "\\x1b");
	char one[1];
	assert_string_equal(text_safe_str(one, sizeof(one), "abc", 3), "");
}

/* Columns, not bytes: Chinese is two columns a character. */
static void widths(void **state)
{
	(void)state;
	assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
	static const struct {
		const char *s;
		size_t cols;
	} cases[] = {
	    {"", 0},
	    {"alice", 5},
	    {"\xe5\xbc\xa0\xe4\xb8\x89", 4},                   /* 张三 */
	    {"\xe6\x8e\x88\xe6\x9d\x83\xe7\xa0\x81 code", 11}, /* 授权码 code */
	    {"e\xcc\x81", 1},                                  /* e + combining acute */
	    {"\xff", 1},                                       /* not UTF-8 */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(text_width(cases[i].s), cases[i].cols);
	char line[64];
	snprintf(line, sizeof(line), "%-*s|", text_field("\xe5\xbc\xa0\xe4\xb8\x89", 8),
	         "\xe5\xbc\xa0\xe4\xb8\x89");
	assert_int_equal(text_width(line), 9); /* 8 columns, then the bar */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(utf8_strict),    cmocka_unit_test(widths),
	    cmocka_unit_test(sanitize_cases), cmocka_unit_test(appends),
	    cmocka_unit_test(bounded),        cmocka_unit_test(random_is_terminal_safe),
	    cmocka_unit_test(into_array),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
