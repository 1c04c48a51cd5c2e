/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Text part excerpts: which parts are kept, the line and byte bounds and
 * the counts of what was cut, the conversion to UTF-8 (a character cut at
 * the end dropped), and the bound on parts, for a table of messages fed
 * whole and byte by byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mime/excerpt.h"

#define N(a) (sizeof(a) / sizeof(*(a)))

/* "line N\n" for N in 1..lines, into b */
static const char *numbered(char *b, size_t size, unsigned lines)
{
	size_t n = 0;
	for (unsigned i = 1; i <= lines; i++)
		n += (size_t)snprintf(b + n, size - n, "line %u\n", i);
	return b;
}

struct expect {
	size_t part;
	const char *utf8;         /* the excerpt as UTF-8 */
	unsigned long long lines; /* lines cut */
	unsigned long long bytes; /* bytes cut */
};

struct message {
	const char *head, *body; /* the message is head followed by body */
	size_t n;                /* excerpts */
	struct expect e[2];
};

static struct message cases[] = {
    {"Subject: x\n\n", "hello\nworld\n", 1, {{0, "hello\nworld\n", 0, 0}}},
    /* GBK text part (D5C5 C8FD is 张三), and base64 of UTF-8 */
    {"Content-Type: text/plain; charset=gbk\n\n", "\xd5\xc5\xc8\xfd\n", 1, {{0, "张三\n", 0, 0}}},
    {"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain; "
     "charset=utf-8\nContent-Transfer-Encoding: base64\n\n5byg5LiJ\n--b\nContent-Type: "
     "image/png\nContent-Transfer-Encoding: base64\n\niVBORw0K\n--b\nContent-Type: text/html\n\n"
     "<p>hi</p>\n--b--\n",
     "",
     2,
     {{1, "张三", 0, 0}, {3, "<p>hi</p>", 0, 0}}},
    /* 20 lines: 12 kept, 8 counted (each "line NN\n" is 8 bytes) */
    {"Subject: x\n\n", NULL, 1, {{0, NULL, 8, 8 * 8}}},
    /* a single long line: the byte bound, no line cut (the tree ends the
     * last line of a message with "\n": 1200 + 1 bytes) */
    {"Subject: x\n\n", NULL, 1, {{0, NULL, 0, 201}}},
    /* the byte bound falls inside a 3-byte character: it is dropped */
    {"Content-Type: text/plain; charset=utf-8\n\n", NULL, 1, {{0, NULL, 0, 3}}},
    /* bytes invalid in the charset: kept as they are */
    {"Content-Type: text/plain; charset=utf-8\n\n", "a\xff\n", 1, {{0, "a\xff\n", 0, 0}}},
    {"Content-Type: application/octet-stream\n\n", "data\n", 0, {{0}}},
};

static char twenty[256], twelve[256];
static char long_line[MIME_EXCERPT_BYTES + 201];
static char cut_char[MIME_EXCERPT_BYTES + 3];

static void fill_cases(void)
{
	cases[3].body = numbered(twenty, sizeof(twenty), 20);
	cases[3].e[0].utf8 = numbered(twelve, sizeof(twelve), 12);
	memset(long_line, 'a', sizeof(long_line) - 1);
	cases[4].body = long_line;
	cases[4].e[0].utf8 = long_line; /* compared on its first MIME_EXCERPT_BYTES */
	/* 999 'b', then U+4E09 (3 bytes), then nothing: 1002 bytes */
	memset(cut_char, 'b', MIME_EXCERPT_BYTES - 1);
	memcpy(cut_char + MIME_EXCERPT_BYTES - 1, "\xe4\xb8\x89", 3);
	cut_char[MIME_EXCERPT_BYTES + 2] = '\0';
	cases[5].body = cut_char;
	cases[5].e[0].utf8 = cut_char; /* its first 999 bytes */
}

static size_t utf8_want_len(size_t i)
{
	return i == 4 ? MIME_EXCERPT_BYTES : i == 5 ? MIME_EXCERPT_BYTES - 1 : (size_t)-1;
}

static void check(size_t i, size_t step)
{
	static struct mime_tree t;
	static struct mime_excerpts x;
	mime_tree_init(&t);
	mime_excerpts_init(&x, &t);
	mime_tree_observe(&t, mime_excerpts_sink, &x);
	char msg[8192];
	int n = snprintf(msg, sizeof(msg), "%s%s", cases[i].head, cases[i].body);
	for (int off = 0; off < n; off += (int)step)
		mime_tree_feed(&t, msg + off, (size_t)(n - off) < step ? (size_t)(n - off) : step);
	mime_tree_finish(&t);
	assert_int_equal(x.n, cases[i].n);
	for (size_t k = 0; k < x.n; k++) {
		const struct expect *e = &cases[i].e[k];
		assert_int_equal(x.e[k].part, e->part);
		assert_int_equal(mime_excerpt_lines_cut(&x.e[k]), e->lines);
		assert_int_equal(mime_excerpt_bytes_cut(&x.e[k]), e->bytes);
		struct buf out;
		buf_init(&out, 0);
		mime_excerpt_utf8(&x, &x.e[k], &out, NULL);
		size_t want = utf8_want_len(i);
		if (want == (size_t)-1)
			want = strlen(e->utf8);
		assert_int_equal(out.len, want);
		assert_memory_equal(out.data, e->utf8, want);
		buf_free(&out);
	}
	mime_tree_free(&t);
}

static void whole(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		check(i, 1 << 20);
}

static void byte_by_byte(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		check(i, 1);
}

/* More text parts than MIME_EXCERPT_PARTS: the rest are counted. */
static void parts_bound(void **state)
{
	(void)state;
	static struct mime_tree t;
	static struct mime_excerpts x;
	mime_tree_init(&t);
	mime_excerpts_init(&x, &t);
	mime_tree_observe(&t, mime_excerpts_sink, &x);
	const char *head = "Content-Type: multipart/mixed; boundary=b\n\n";
	mime_tree_feed(&t, head, strlen(head));
	for (int i = 0; i < MIME_EXCERPT_PARTS + 5; i++) {
		const char *part = "--b\n\ntext\n";
		mime_tree_feed(&t, part, strlen(part));
	}
	mime_tree_feed(&t, "--b--\n", 6);
	mime_tree_finish(&t);
	assert_int_equal(x.n, MIME_EXCERPT_PARTS);
	assert_int_equal(x.parts_skipped, 5);
	assert_int_equal(x.e[MIME_EXCERPT_PARTS - 1].part, MIME_EXCERPT_PARTS);
	mime_tree_free(&t);
}

int main(void)
{
	fill_cases();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(whole),
	    cmocka_unit_test(byte_by_byte),
	    cmocka_unit_test(parts_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
