/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The DATA mode checker: each check fires on its example, in order and
 * on the right line, and none fires on a clean message; seed 002's
 * message (its "Data:" typo) gives exactly the one Date warning. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "data_check.h"

#define N(a) (sizeof(a) / sizeof(*(a)))

struct expect {
	enum data_warning_kind kind;
	unsigned long line;
	const char *name;  /* NULL: not checked */
	const char *known; /* NAME_TYPO: the guess */
};

#define MAX_EXPECT 6
struct check_case {
	const char *what;
	const char *message; /* lines joined by '\n', ending with "." */
	bool body_8bitmime;
	struct expect want[MAX_EXPECT];
	size_t nwant;
};

#define CLEAN_HEAD "From: a@example.org\nDate: Mon, 30 Nov 2026 23:46:59 +0800\n"

static const struct check_case cases[] = {
    {"a clean message", CLEAN_HEAD "To: b@example.org\nSubject: hi\n\nhello\n.", false, {{0}}, 0},
    {"a clean message with folding and an encoded word",
     "From: =?UTF-8?B?5byg5LiJ?= <z@example.org>\nDate: Mon, 30 Nov 2026 23:46:59 +0800\n"
     "References: <a@x>\n <b@x>\nX-Data: own header\n\nbody\n.",
     false,
     {{0}},
     0},
    {"seed 002: Data: for Date",
     "From: langrui@sohu.com\nTo: renping@sina.com\nData: Mon, 30 Nov 26 23:46:59 CST\n"
     "Subject: test\n\nbody text\n.",
     false,
     {{DATA_WARN_NAME_TYPO, 3, "Data", "Date"}},
     1},
    {"no blank line: the body starts in the header block",
     CLEAN_HEAD "Subject: hi\nhello there\nmore\n.",
     false,
     {{DATA_WARN_NOT_A_HEADER, 4, NULL, NULL}},
     1},
    {"no Date, no From: said at the blank line",
     "Subject: hi\n\nbody\n.",
     false,
     {{DATA_WARN_NO_DATE, 2, NULL, NULL}, {DATA_WARN_NO_FROM, 2, NULL, NULL}},
     2},
    {"no From: said at the final dot when no blank line came",
     "Date: Mon, 30 Nov 2026 23:46:59 +0800\n.",
     false,
     {{DATA_WARN_NO_FROM, 2, NULL, NULL}},
     1},
    {"a mistyped From is said once, not again at the block's end",
     "Form: a@example.org\nDate: Mon, 30 Nov 2026 23:46:59 +0800\n\nx\n.",
     false,
     {{DATA_WARN_NAME_TYPO, 1, "Form", "From"}},
     1},
    {"non-ASCII in a header, and in its continuation",
     CLEAN_HEAD "Subject: 测试\nTo: b@example.org,\n 张三 <z@example.org>\n\nx\n.",
     false,
     {{DATA_WARN_HEADER_8BIT, 3, "Subject", NULL}, {DATA_WARN_HEADER_8BIT, 5, "To", NULL}},
     2},
    {"8-bit body without BODY=8BITMIME: said once",
     CLEAN_HEAD "\n你好\n再见\n.",
     false,
     {{DATA_WARN_BODY_8BIT, 4, NULL, NULL}},
     1},
    {"8-bit body with BODY=8BITMIME: fine", CLEAN_HEAD "\n你好\n.", true, {{0}}, 0},
    {"a header line that is no header, with 8-bit text, ends the block",
     "Subject: x\n你好\n.",
     false,
     {{DATA_WARN_NOT_A_HEADER, 2, NULL, NULL},
      {DATA_WARN_NO_DATE, 2, NULL, NULL},
      {DATA_WARN_NO_FROM, 2, NULL, NULL},
      {DATA_WARN_BODY_8BIT, 2, NULL, NULL}},
     4},
    {"a space before the colon is no header name",
     CLEAN_HEAD "Subject : x\n\nb\n.",
     false,
     {{DATA_WARN_NOT_A_HEADER, 3, NULL, NULL}},
     1},
    {"lines after the final dot are not checked", CLEAN_HEAD "\nb\n.\nData: x", false, {{0}}, 0},
};

/* Feeds a message line by line; the warnings of all its lines in order. */
static size_t feed(struct data_check *c, const char *message, struct data_warning *got, size_t max)
{
	size_t total = 0;
	char *copy = strdup(message);
	assert_non_null(copy);
	/* strtok would skip the empty line: split by hand */
	for (char *p = copy;;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		struct data_warning w[DATA_CHECK_MAX_WARNINGS];
		size_t n = data_check_line(c, p, strlen(p), w);
		assert_true(n <= DATA_CHECK_MAX_WARNINGS);
		for (size_t i = 0; i < n && total < max; i++)
			got[total++] = w[i];
		if (!nl)
			break;
		p = nl + 1;
	}
	free(copy);
	return total;
}

static const char *kind_name(enum data_warning_kind k)
{
	switch (k) {
	case DATA_WARN_NOT_A_HEADER: return "NOT_A_HEADER";
	case DATA_WARN_NAME_TYPO: return "NAME_TYPO";
	case DATA_WARN_NO_DATE: return "NO_DATE";
	case DATA_WARN_NO_FROM: return "NO_FROM";
	case DATA_WARN_HEADER_8BIT: return "HEADER_8BIT";
	case DATA_WARN_BODY_8BIT: return "BODY_8BIT";
	case DATA_WARN_LINE_TOO_LONG: return "LINE_TOO_LONG";
	}
	return "?";
}

static void each_check_fires_on_its_example(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		const struct check_case *t = &cases[i];
		struct data_check c;
		data_check_init(&c, t->body_8bitmime);
		struct data_warning got[16];
		size_t n = feed(&c, t->message, got, N(got));
		if (n != t->nwant)
			fail_msg("%s: %zu warnings (first %s), not %zu", t->what, n,
			         n ? kind_name(got[0].kind) : "-", t->nwant);
		for (size_t j = 0; j < n; j++) {
			const struct expect *e = &t->want[j];
			if (got[j].kind != e->kind || got[j].line != e->line)
				fail_msg("%s: warning %zu is %s on line %lu, not %s on %lu",
				         t->what, j, kind_name(got[j].kind), got[j].line,
				         kind_name(e->kind), e->line);
			if (e->name)
				assert_string_equal(got[j].name, e->name);
			if (e->known) {
				assert_non_null(got[j].known);
				assert_string_equal(got[j].known->name, e->known);
			}
		}
	}
}

static void long_lines(void **state)
{
	(void)state;
	static const struct {
		size_t len;
		bool in_header;
		bool fires;
	} cases_long[] = {
	    {DATA_LINE_MAX, false, false},
	    {DATA_LINE_MAX + 1, false, true},
	    {DATA_LINE_MAX + 1, true, true},
	    {70000, false, true},
	};
	for (size_t i = 0; i < N(cases_long); i++) {
		struct data_check c;
		data_check_init(&c, false);
		struct data_warning w[DATA_CHECK_MAX_WARNINGS];
		if (!cases_long[i].in_header) {
			const char *head[] = {"From: a@b", "Date: Mon, 30 Nov 2026 23:46:59 +0800",
			                      ""};
			for (size_t j = 0; j < N(head); j++)
				assert_int_equal(data_check_line(&c, head[j], strlen(head[j]), w),
				                 0);
		}
		char *line = malloc(cases_long[i].len);
		assert_non_null(line);
		memset(line, 'a', cases_long[i].len);
		if (cases_long[i].in_header)
			memcpy(line, "X-Long: ", 8);
		size_t n = data_check_line(&c, line, cases_long[i].len, w);
		free(line);
		if (!cases_long[i].fires) {
			assert_int_equal(n, 0);
			continue;
		}
		assert_int_equal(n, 1);
		assert_int_equal(w[0].kind, DATA_WARN_LINE_TOO_LONG);
		assert_int_equal(w[0].octets, cases_long[i].len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(each_check_fires_on_its_example),
	    cmocka_unit_test(long_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
