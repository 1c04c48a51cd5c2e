/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Content-Type / Content-Disposition parameters: RFC 2045 syntax (quoted
 * strings, comments), RFC 2231's examples, continuations and charsets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mime/params.h"

#define N(a) (sizeof(a) / sizeof(*(a)))

static const struct {
	const char *in, *value, *name, *want; /* want NULL: name absent */
	unsigned problems;
} cases[] = {
    {"text/plain; charset=us-ascii (Plain text)", "text/plain", "charset", "us-ascii", 0},
    {"TEXT/Plain; CHARSET=\"us-ascii\"", "text/plain", "charset", "us-ascii", 0},
    {"multipart/mixed; boundary=\"----=_Part_0 x\"", "multipart/mixed", "boundary",
     "----=_Part_0 x", 0},
    {"text/plain (a comment (nested)) ; charset = (c) \"a\\\"b\"", "text/plain", "charset", "a\"b",
     0},
    /* RFC 2231 section 3, continuations */
    {"message/external-body; access-type=URL;\r\n URL*0=\"ftp://\";\r\n "
     "URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"",
     "message/external-body", "url", "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar", 0},
    /* RFC 2231 section 4, charset and language */
    {"application/x-stuff; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A",
     "application/x-stuff", "title", "This is ***fun***", 0},
    /* RFC 2231 section 4.1, both together */
    {"application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20more%20;"
     " title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"",
     "application/x-stuff", "title", "This is even more ***fun*** isn't it!", 0},
    /* the file names Chinese mailers write */
    {"attachment; filename*=UTF-8''%E6%B5%8B.txt", "attachment", "filename", "\xe6\xb5\x8b.txt", 0},
    {"attachment; filename*=GBK''%D5%C5%C8%FD.doc", "attachment", "filename",
     "\xe5\xbc\xa0\xe4\xb8\x89.doc", 0},
    {"attachment; filename*0*=UTF-8''%E6%B5; filename*1*=%8B; filename*2=.txt", "attachment",
     "filename", "\xe6\xb5\x8b.txt", 0},
    {"attachment; filename=\"=?GBK?B?1cXI/Q==?=.doc\"", "attachment", "filename",
     "\xe5\xbc\xa0\xe4\xb8\x89.doc", 0},
    {"attachment; filename*=x-nothing''%41", "attachment", "filename", "A",
     MIME_PARAMS_BAD_CHARSET},
    {"text/plain; charset", "text/plain", "charset", NULL, MIME_PARAMS_BAD_SYNTAX},
    {"inline", "inline", "filename", NULL, 0},
    {"", "", "charset", NULL, 0},
};

static void reads_as_the_rfcs_say(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct mime_params ps;
		mime_params_parse(&ps, cases[i].in, strlen(cases[i].in));
		assert_string_equal(ps.value, cases[i].value);
		const char *got = mime_params_get(&ps, cases[i].name);
		if (!cases[i].want)
			assert_null(got);
		else if (!got || strcmp(got, cases[i].want))
			fail_msg("case %zu: %s is '%s'", i, cases[i].name, got ? got : "(none)");
		assert_int_equal(ps.problems, cases[i].problems);
	}
}

/* More parameters than kept, and values longer than kept: cut and said. */
static void bounded(void **state)
{
	(void)state;
	char in[8192] = "text/plain";
	for (int i = 0; i < 40; i++)
		snprintf(in + strlen(in), sizeof(in) - strlen(in), "; p%d=v", i);
	struct mime_params ps;
	mime_params_parse(&ps, in, strlen(in));
	assert_int_equal(ps.n, MIME_PARAMS_MAX);
	assert_true(ps.problems & MIME_PARAMS_CUT);

	char longv[4096] = "text/plain; name=";
	memset(longv + strlen(longv), 'x', 3000);
	mime_params_parse(&ps, longv, strlen(longv));
	assert_int_equal(strlen(mime_params_get(&ps, "name")), MIME_PARAM_VALUE_MAX - 1);
	assert_true(ps.problems & MIME_PARAMS_CUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reads_as_the_rfcs_say),
	    cmocka_unit_test(bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
