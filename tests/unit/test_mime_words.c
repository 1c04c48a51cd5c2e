/* SPDX-License-Identifier: GPL-3.0-or-later */
/* RFC 2047 encoded words: every example of RFC 2047 section 8, the
 * charsets Chinese and Japanese mail uses, and words left as they were. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mime/words.h"

#define N(a) (sizeof(a) / sizeof(*(a)))

static const struct {
	const char *in, *want;
	unsigned decoded, kept;
} cases[] = {
    /* RFC 2047 section 8, the header examples */
    {"=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>", "Keith Moore <moore@cs.utk.edu>", 1, 0},
    {"=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>",
     "Keld J\xc3\xb8rn Simonsen <keld@dkuug.dk>", 1, 0},
    {"=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>",
     "Andr\xc3\xa9 Pirard <PIRARD@vm1.ulg.ac.be>", 1, 0},
    {"=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?= "
     "=?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=",
     "If you can read this you understand the example.", 2, 0},
    {"=?ISO-8859-1?Q?Olle_J=E4rnefors?= <ojarnef@admin.kth.se>",
     "Olle J\xc3\xa4rnefors <ojarnef@admin.kth.se>", 1, 0},
    {"Nathaniel Borenstein <nsb@thumper.bellcore.com> (=?iso-8859-8?b?7eXs+SDv4SDp7Oj08A==?=)",
     "Nathaniel Borenstein <nsb@thumper.bellcore.com> "
     "(\xd7\x9d\xd7\x95\xd7\x9c\xd7\xa9 \xd7\x9f\xd7\x91 \xd7\x99\xd7\x9c\xd7\x98\xd7\xa4\xd7\xa0)",
     1, 0},
    {"Nathaniel Borenstein <nsb@thumper.bellcore.com> =?iso-8859-8?b?7eXs+SDv4SDp7Oj08A==?=",
     "Nathaniel Borenstein <nsb@thumper.bellcore.com> "
     "\xd7\x9d\xd7\x95\xd7\x9c\xd7\xa9 \xd7\x9f\xd7\x91 \xd7\x99\xd7\x9c\xd7\x98\xd7\xa4\xd7\xa0",
     1, 0},
    /* RFC 2047 section 8, the table of adjacent words (unfolded) */
    {"(=?ISO-8859-1?Q?a?=)", "(a)", 1, 0},
    {"(=?ISO-8859-1?Q?a?= b)", "(a b)", 1, 0},
    {"(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)", 2, 0},
    {"(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)", 2, 0},
    {"(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)", 2, 0},
    {"=?ISO-8859-1?Q?a?=", "a", 1, 0},
    {"=?ISO-8859-1?Q?a?= b", "a b", 1, 0},
    {"=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=", "ab", 2, 0},
    {"=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=", "ab", 2, 0},
    {"=?ISO-8859-1?Q?a?=    =?ISO-8859-1?Q?b?=", "ab", 2, 0},
    {"=?ISO-8859-1?Q?a_b?=", "a b", 1, 0},
    {"=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=", "a b", 2, 0},
    /* seed 003's From and To */
    {"\"=?ISO-8859-1?B?MTEzMjgwMzk1MQ==?=\" <1132803951@qq.com>",
     "\"1132803951\" <1132803951@qq.com>", 1, 0},
    {"=?ISO-8859-1?B?MTgyNzEyNjU3MzI=?= <18271265732@163.com>", "18271265732 <18271265732@163.com>",
     1, 0},
    /* Chinese and Japanese charsets */
    {"=?GBK?B?1cXI/Q==?=", "\xe5\xbc\xa0\xe4\xb8\x89", 1, 0},
    {"=?gb2312?B?1cXI/Q==?=", "\xe5\xbc\xa0\xe4\xb8\x89", 1, 0},
    {"=?GB18030?B?lTKCNg==?=", "\xf0\xa0\x80\x80", 1, 0},
    {"=?Big5?B?pKSk5Q==?=", "\xe4\xb8\xad\xe6\x96\x87", 1, 0},
    {"=?ISO-2022-JP?B?GyRCRnxLXBsoQg==?=", "\xe6\x97\xa5\xe6\x9c\xac", 1, 0},
    {"=?windows-1252?B?gA==?=", "\xe2\x82\xac", 1, 0},
    {"=?UTF-8?Q?=E5=BC=A0=E4=B8=89?=", "\xe5\xbc\xa0\xe4\xb8\x89", 1, 0},
    {"=?utf-8*zh?Q?=E5=BC=A0?=", "\xe5\xbc\xa0", 1, 0}, /* RFC 2231 section 5 language */
    /* left as they were */
    {"=?x-klingon?Q?a?= b", "=?x-klingon?Q?a?= b", 0, 1},
    {"=?UTF-8?B?!!!!?=", "=?UTF-8?B?!!!!?=", 0, 1},
    {"=?UTF-8?Q?=ZZ?=", "=?UTF-8?Q?=ZZ?=", 0, 1},
    {"=?UTF-8?Q?=FF?=", "=?UTF-8?Q?=FF?=", 0, 1},             /* not UTF-8 */
    {"=?UTF-8?X?abc?=", "=?UTF-8?X?abc?=", 0, 0},             /* no such encoding: not a word */
    {"=?UTF-8?Q?a?= =?bogus?Q?b?=", "a =?bogus?Q?b?=", 1, 1}, /* the space stays */
    {"plain text, no words", "plain text, no words", 0, 0},
};

static void decodes_as_the_rfcs_say(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct buf out;
		buf_init(&out, 4096);
		struct mime_words_seen seen = {0};
		assert_int_equal(mime_words_decode(&out, cases[i].in, strlen(cases[i].in), &seen),
		                 SMTPSH_OK);
		if (strcmp(out.data ? out.data : "", cases[i].want))
			fail_msg("case %zu: '%s' gave '%s'", i, cases[i].in, out.data);
		assert_int_equal(seen.decoded, cases[i].decoded);
		assert_int_equal(seen.kept, cases[i].kept);
		if (seen.kept)
			assert_true(seen.why.text[0] != '\0');
		buf_free(&out);
	}
}

/* A bound reached is said, never passed. */
static void bounded_output(void **state)
{
	(void)state;
	struct buf out;
	buf_init(&out, 4);
	struct mime_words_seen seen = {0};
	const char *in = "=?UTF-8?Q?abcdefgh?=";
	assert_int_equal(mime_words_decode(&out, in, strlen(in), &seen), SMTPSH_ENOMEM);
	assert_true(out.len <= 4);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(decodes_as_the_rfcs_say),
	    cmocka_unit_test(bounded_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
