/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The streaming MIME tree reader: shapes, decoded sizes and problems for
 * a table of messages fed in chunks of several sizes; the bounds on
 * depth, parts and line length. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mime/tree.h"

#define N(a) (sizeof(a) / sizeof(*(a)))
#define BIT(k) (1u << (k))

static const struct {
	const char *msg;
	const char *shape; /* per part: depth, type, size ("-" for a container), ';' between */
	unsigned problems; /* BIT(enum mime_problem_kind) */
} cases[] = {
    {"Subject: x\n\nhello\n", "0 text/plain 6", 0},
    {"Subject: x\r\n\r\nhello\r\n", "0 text/plain 6", 0},
    {"Subject: x\n", "0 text/plain 0", 0},
    {"From joe Mon Jan 1\nSubject: x\n\nhi\n", "0 text/plain 3", 0},
    {"Content-Type: multipart/mixed; boundary=b\n\npre\n--b\n\none\n--b\nContent-Type: "
     "text/html\n\n<p>\n--b--\nepilogue\n",
     "0 multipart/mixed -;1 text/plain 3;1 text/html 3", 0},
    {"Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n",
     "0 multipart/mixed -;1 text/plain 3", BIT(MIME_UNTERMINATED)},
    {"Content-Type: multipart/mixed; boundary=b\n\nno parts at all\n", "0 multipart/mixed 16",
     BIT(MIME_BOUNDARY_MISSING)},
    {"Content-Type: multipart/mixed\n\ntext\n", "0 multipart/mixed 5", BIT(MIME_NO_BOUNDARY)},
    {"Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: multipart/related; "
     "boundary=b\n\n--b\n\nx\n--a--\n",
     "0 multipart/mixed -;1 multipart/related -;2 text/plain 1", BIT(MIME_UNTERMINATED)},
    {"Content-Transfer-Encoding: base64\n\nZm9v\nYm!Fy\n", "0 text/plain 6", BIT(MIME_BAD_BASE64)},
    {"Content-Transfer-Encoding: Quoted-Printable\n\na=ZZb\n", "0 text/plain 6", BIT(MIME_BAD_QP)},
    {"Subject: =?x-none?Q?a?=\n\n", "0 text/plain 0", BIT(MIME_UNKNOWN_CHARSET)},
    {"Subject: =?utf-8?B?@@@@?=\n\n", "0 text/plain 0", BIT(MIME_BAD_ENCODED_WORD)},
    {"Subject: caf\xc3\xa9\n\n", "0 text/plain 0", BIT(MIME_HEADER_8BIT)},
    {"Subject: x\n\na\rb\n", "0 text/plain 4", BIT(MIME_BARE_CR)},
    {"Subject: x\nthis is no header\nbody\n", "0 text/plain 23", BIT(MIME_NO_COLON)},
    {"Content-Type: text/plain; charset\n\n", "0 text/plain 0", BIT(MIME_BAD_PARAMS)},
    {"Content-Type: text\n\nx\n", "0 text/plain 2", 0},
    {"Content-Type: message/rfc822\n\nSubject: in\n\nbody\n", "0 message/rfc822 -;1 text/plain 5",
     0},
    {"Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: m\n\nx\n--d--\n",
     "0 multipart/digest -;1 message/rfc822 -;2 text/plain 1", 0},
    {"Content-Type: multipart/mixed; boundary=\"a b\"\n\n--a b  \n\nx\n--a b--\n",
     "0 multipart/mixed -;1 text/plain 1", 0},
    /* a line that only starts like the boundary is body text */
    {"Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--bx\n--b--\n",
     "0 multipart/mixed -;1 text/plain 4", 0},
};

/* "depth type size;..." of the tree, as the table writes it */
static void shape_of(const struct mime_tree *t, char *out, size_t size)
{
	size_t k = 0;
	out[0] = '\0';
	for (size_t i = 0; i < t->n_parts && k < size; i++) {
		const struct mime_part *p = &t->parts[i];
		char sz[32];
		if (p->container)
			strcpy(sz, "-");
		else
			snprintf(sz, sizeof(sz), "%llu", p->size);
		k += (size_t)snprintf(out + k, size - k, "%s%u %s %s", i ? ";" : "", p->depth,
		                      p->type.value, sz);
	}
}

static unsigned problem_bits(const struct mime_tree *t)
{
	unsigned bits = 0;
	for (size_t i = 0; i < t->n_problems; i++)
		bits |= BIT(t->problems[i].kind);
	return bits;
}

static void read_in_chunks_of(size_t chunk)
{
	for (size_t i = 0; i < N(cases); i++) {
		struct mime_tree *t = malloc(sizeof(*t));
		assert_non_null(t);
		mime_tree_init(t);
		const char *m = cases[i].msg;
		size_t n = strlen(m);
		for (size_t at = 0; at < n; at += chunk)
			mime_tree_feed(t, m + at, n - at < chunk ? n - at : chunk);
		mime_tree_finish(t);
		char shape[512];
		shape_of(t, shape, sizeof(shape));
		if (strcmp(shape, cases[i].shape))
			fail_msg("case %zu, chunks of %zu: '%s', want '%s'", i, chunk, shape,
			         cases[i].shape);
		if (problem_bits(t) != cases[i].problems)
			fail_msg("case %zu: problems %#x, want %#x", i, problem_bits(t),
			         cases[i].problems);
		mime_tree_free(t);
		free(t);
	}
}

static void whole(void **state)
{
	(void)state;
	read_in_chunks_of(1 << 20);
}

static void byte_by_byte(void **state)
{
	(void)state;
	read_in_chunks_of(1);
}

static void in_sevens(void **state)
{
	(void)state;
	read_in_chunks_of(7);
}

static struct mime_tree *read_text(const char *m, size_t n)
{
	struct mime_tree *t = malloc(sizeof(*t));
	assert_non_null(t);
	mime_tree_init(t);
	mime_tree_feed(t, m, n);
	mime_tree_finish(t);
	return t;
}

static void done(struct mime_tree *t)
{
	mime_tree_free(t);
	free(t);
}

/* 40 multiparts, one inside the other: 32 kept as such, the rest one part. */
static void nesting_bound(void **state)
{
	(void)state;
	char m[16384] = "";
	for (int d = 0; d < 40; d++)
		snprintf(m + strlen(m), sizeof(m) - strlen(m),
		         "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", d, d);
	struct mime_tree *t = read_text(m, strlen(m));
	assert_true(mime_tree_has_problem(t, MIME_TOO_DEEP));
	assert_int_equal(t->n_parts, MIME_DEPTH_MAX + 1);
	done(t);
}

/* 300 parts: 256 kept, all counted. */
static void parts_bound(void **state)
{
	(void)state;
	struct buf m;
	buf_init(&m, 0);
	buf_append_str(&m, "Content-Type: multipart/mixed; boundary=b\n\n");
	for (int i = 0; i < 299; i++)
		buf_append_str(&m, "--b\n\nx\n");
	buf_append_str(&m, "--b--\n");
	struct mime_tree *t = read_text(m.data, m.len);
	assert_int_equal(t->n_parts, MIME_PARTS_MAX);
	assert_int_equal(t->parts_seen, 300);
	assert_true(mime_tree_has_problem(t, MIME_TOO_MANY_PARTS));
	done(t);
	buf_free(&m);
}

/* A base64 body written as one 300 KB line: every byte decoded, held in
 * pieces, and the line reported as too long. */
static void one_huge_line(void **state)
{
	(void)state;
	struct buf m;
	buf_init(&m, 0);
	buf_append_str(&m, "Content-Transfer-Encoding: base64\n\n");
	for (int i = 0; i < 100000; i++)
		buf_append_str(&m, "QUJD");
	buf_append_str(&m, "\n");
	struct mime_tree *t = read_text(m.data, m.len);
	assert_int_equal(t->parts[0].size, 300000);
	assert_true(mime_tree_has_problem(t, MIME_LONG_LINE));
	assert_false(mime_tree_has_problem(t, MIME_BAD_BASE64));
	done(t);
	buf_free(&m);
}

/* A header with an encoded word keeps its decoded value and says so. */
static void decoded_headers(void **state)
{
	(void)state;
	const char *m = "From: =?GBK?B?1cXI/Q==?= <a@b>\nSubject: plain\n folded\n\n";
	struct mime_tree *t = read_text(m, strlen(m));
	size_t pos = 0;
	const char *name, *value;
	bool had;
	assert_true(mime_header_next(&t->parts[0], &pos, &name, &value, &had));
	assert_string_equal(name, "From");
	assert_string_equal(value, "\xe5\xbc\xa0\xe4\xb8\x89 <a@b>");
	assert_true(had);
	assert_true(mime_header_next(&t->parts[0], &pos, &name, &value, &had));
	assert_string_equal(value, "plain folded");
	assert_false(had);
	assert_false(mime_header_next(&t->parts[0], &pos, &name, &value, &had));
	done(t);
}

/* What an observer is given: each leaf part's decoded bytes, by index. */
struct seen_bodies {
	char body[4][64];
	size_t len[4];
};

static void keep_body(void *ctx, size_t part, const char *p, size_t n)
{
	struct seen_bodies *s = ctx;
	assert_true(part < 4);
	assert_true(s->len[part] + n < sizeof(s->body[part]));
	memcpy(s->body[part] + s->len[part], p, n);
	s->len[part] += n;
}

static void observed_bodies(void **state)
{
	(void)state;
	static const char m[] = "Content-Type: multipart/mixed; boundary=b\n\npreamble\n--b\n"
	                        "Content-Transfer-Encoding: base64\n\n5byg5LiJ\n--b\n"
	                        "Content-Transfer-Encoding: quoted-printable\n\na=3Db=\nc\n--b--\n";
	for (size_t chunk = 1; chunk <= sizeof(m); chunk += sizeof(m) - 2) {
		struct seen_bodies seen = {0};
		struct mime_tree t;
		mime_tree_init(&t);
		mime_tree_observe(&t, keep_body, &seen);
		for (size_t i = 0; i < sizeof(m) - 1; i += chunk)
			mime_tree_feed(&t, m + i,
			               i + chunk > sizeof(m) - 1 ? sizeof(m) - 1 - i : chunk);
		mime_tree_finish(&t);
		assert_int_equal(seen.len[0], 0); /* the multipart's preamble is not a body */
		assert_int_equal(seen.len[1], 6);
		assert_memory_equal(seen.body[1], "\xe5\xbc\xa0\xe4\xb8\x89", 6);
		assert_int_equal(seen.len[2], 4); /* the last break is the boundary's */
		assert_memory_equal(seen.body[2], "a=bc", 4);
		mime_tree_free(&t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(whole),           cmocka_unit_test(byte_by_byte),
	    cmocka_unit_test(in_sevens),       cmocka_unit_test(nesting_bound),
	    cmocka_unit_test(parts_bound),     cmocka_unit_test(one_huge_line),
	    cmocka_unit_test(decoded_headers), cmocka_unit_test(observed_bodies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
