/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TARGET parsing: one named test per form (one row each), then the
 * limits and the exact error sentences.  Rows marked "pinned" keep what
 * smtpsh has always done there, odd or not, so a change is a decision. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "target.h"

#define SMTP PROTO_SMTP
#define POP3 PROTO_POP3
#define OK(in, pr, h, po, t, u)                                                                    \
	{                                                                                          \
		in, NULL, true, pr, h, po, t, u, NULL                                              \
	}
#define BAD(in, w)                                                                                 \
	{                                                                                          \
		in, NULL, false, SMTP, NULL, 0, false, NULL, w                                     \
	}

struct row {
	const char *in;
	const char *name; /* when in does not name the test well */
	bool ok;
	enum proto proto;
	const char *host;
	unsigned port;
	bool tls;
	const char *user;
	const char *why_word; /* failure: a word the sentence must hold */
};

static const struct row rows[] = {
    /* every scheme, default port and given port */
    OK("smtp://mail.example", SMTP, "mail.example", 25, false, ""),
    OK("smtp://mail.example:2525", SMTP, "mail.example", 2525, false, ""),
    OK("smtps://mail.example", SMTP, "mail.example", 465, true, ""),
    OK("smtps://mail.example:10465", SMTP, "mail.example", 10465, true, ""),
    OK("pop3://mail.example", POP3, "mail.example", 110, false, ""),
    OK("pop3://mail.example:1110", POP3, "mail.example", 1110, false, ""),
    OK("pop3s://mail.example", POP3, "mail.example", 995, true, ""),
    OK("pop3s://mail.example:1995", POP3, "mail.example", 1995, true, ""),
    /* a scheme wins over a well-known port */
    OK("smtp://mail.example:995", SMTP, "mail.example", 995, false, ""),
    OK("pop3://mail.example:465", POP3, "mail.example", 465, false, ""),
    /* scheme in any case; the host keeps its case */
    OK("SMTP://Mail.Example", SMTP, "Mail.Example", 25, false, ""),
    OK("PoP3S://h", POP3, "h", 995, true, ""),
    /* no scheme: the port picks the protocol and TLS */
    OK("mail.example", SMTP, "mail.example", 25, false, ""),
    OK("mail.example:25", SMTP, "mail.example", 25, false, ""),
    OK("mail.example:110", POP3, "mail.example", 110, false, ""),
    OK("mail.example:995", POP3, "mail.example", 995, true, ""),
    OK("mail.example:465", SMTP, "mail.example", 465, true, ""),
    OK("mail.example:587", SMTP, "mail.example", 587, false, ""),
    OK("127.0.0.1:2525", SMTP, "127.0.0.1", 2525, false, ""),
    /* IPv6 */
    OK("[::1]", SMTP, "::1", 25, false, ""),
    OK("[::1]:2525", SMTP, "::1", 2525, false, ""),
    OK("[::1]:995", POP3, "::1", 995, true, ""),
    OK("[::1]/", SMTP, "::1", 25, false, ""),
    OK("smtp://[::1]", SMTP, "::1", 25, false, ""),
    OK("smtp://[::1]:587", SMTP, "::1", 587, false, ""),
    OK("pop3s://[2001:db8::1]:9995", POP3, "2001:db8::1", 9995, true, ""),
    OK("::1", SMTP, "::1", 25, false, ""), /* bare: no port */
    OK("smtp://fe80::1", SMTP, "fe80::1", 25, false, ""),
    OK("::1:2525", SMTP, "::1:2525", 25, false, ""), /* pinned: all host */
    BAD("[::1", "unclosed"),
    BAD("[::1]x", "unexpected"),
    BAD("smtp://[::1]/path", "unexpected"), /* pinned: unlike host/path */
    BAD("[]", "no host"),
    BAD("[::1]:", "bad port"),
    BAD("[::1]:99999", "bad port"),
    /* ports */
    OK("h:1", SMTP, "h", 1, false, ""),
    OK("h:65535", SMTP, "h", 65535, false, ""),
    OK("h:25/", SMTP, "h", 25, false, ""),
    OK("h:025", SMTP, "h", 25, false, ""),
    OK("h:+25", SMTP, "h", 25, false, ""), /* pinned: strtol takes a sign */
    OK("h: 25", SMTP, "h", 25, false, ""), /* pinned: ... and spaces */
    {"h:\r\n25", "h:CRLF25 (pinned: strtol skips any white space)", true, SMTP, "h", 25, false, "",
     NULL},
    BAD("h:0", "bad port"),
    BAD("h:65536", "bad port"),
    BAD("h:99999999999", "bad port"),
    BAD("h:99999999999999999999999999", "bad port"), /* past LONG_MAX */
    BAD("h:-1", "bad port"),
    BAD("h:abc", "bad port"),
    BAD("h:", "bad port"),
    BAD("h:25abc", "bad port"),
    BAD("h:0x19", "bad port"),
    BAD("h:25/x", "bad port"), /* pinned: a path after a port is refused */
    BAD("smtp://h:", "bad port"),
    BAD("foo:/bar", "bad port"),
    /* paths */
    OK("smtp://h/", SMTP, "h", 25, false, ""),
    OK("smtp://h/anything", SMTP, "h", 25, false, ""), /* pinned: path ignored */
    OK("h/", SMTP, "h", 25, false, ""),
    /* USER@HOST */
    OK("alice@h", SMTP, "h", 25, false, "alice"),
    OK("alice@h:110", POP3, "h", 110, false, "alice"),
    OK("smtp://alice@mail.example", SMTP, "mail.example", 25, false, "alice"),
    OK("pop3s://alice@mail.example:1995", POP3, "mail.example", 1995, true, "alice"),
    OK("smtp://alice@[::1]:25", SMTP, "::1", 25, false, "alice"),
    OK("smtp://alice%40example.org@mail.example", SMTP, "mail.example", 25, false,
       "alice@example.org"),
    OK("smtp://alice@example.org@mail.example", SMTP, "mail.example", 25, false,
       "alice@example.org"), /* the last '@' ends the user */
    OK("smtp://%41%4a@h", SMTP, "h", 25, false, "AJ"),
    OK("smtp://a%4@h", SMTP, "h", 25, false, "a%4"),   /* cut short: kept */
    OK("smtp://a%zz@h", SMTP, "h", 25, false, "a%zz"), /* not hex: kept */
    OK("smtp://a%00@h", SMTP, "h", 25, false, "a%00"), /* NUL: kept */
    OK("smtp://a%3Ab@h", SMTP, "h", 25, false, "a:b"), /* pinned: decoded ':' */
    /* a decoded CR LF would smuggle a command into login's USER line */
    BAD("smtp://a%0d%0aRSET@h", "control character"),
    BAD("pop3://a%09b@h", "control character"),
    BAD("smtp://a%7f@h", "control character"),
    OK("smtp://h/x@y", SMTP, "h", 25, false, ""), /* '@' after '/': no user */
    BAD("smtp://alice:secret@h", "password"),
    BAD("alice:secret@h", "password"),
    BAD("smtp://alice:@h", "password"),
    BAD("smtp://@h", "no user name"),
    BAD("@h", "no user name"),
    BAD("smtp://alice@", "no host"),
    /* a scheme without its two slashes, and hosts named like one */
    BAD("smtp:/h", "not a URL"),
    BAD("smtp:h", "not a URL"),
    BAD("smtp:", "not a URL"),
    BAD("smtp:/", "not a URL"),
    BAD("pop3s:/h", "not a URL"),
    BAD("smtp:25x", "not a URL"),
    OK("smtp:25", SMTP, "smtp", 25, false, ""), /* host smtp, port 25 */
    OK("smtp:25/", SMTP, "smtp", 25, false, ""),
    OK("pop3:995", POP3, "pop3", 995, true, ""),
    OK("smtp", SMTP, "smtp", 25, false, ""),
    BAD("smtp:0", "bad port"),
    /* unknown schemes and nothing at all */
    BAD("http://h", "unknown scheme"),
    BAD("imap://h:143", "unknown scheme"),
    BAD("smtp+tls://h", "unknown scheme"),
    BAD("://h", "unknown scheme"),
    BAD("h:25://x", "unknown scheme"),
    BAD("", "no host"),
    BAD("smtp://", "no host"),
    BAD("smtp://:25", "no host"),
    BAD("smtp:///", "no host"),
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

static void test_row(void **state)
{
	const struct row *r = *state;
	struct target t;
	struct smtpsh_msg msg = {""};
	const char *why = msg.text;
	memset(&t, 0x5a, sizeof(t));
	enum smtpsh_err e = target_parse(r->in, &t, &msg);
	if (r->ok) {
		if (e != SMTPSH_OK)
			print_message("'%s': %s\n", r->in, why);
		assert_int_equal(e, SMTPSH_OK);
		assert_int_equal(t.proto, r->proto);
		assert_string_equal(t.host, r->host);
		assert_int_equal(t.port, r->port);
		assert_int_equal(t.tls, r->tls);
		assert_string_equal(t.user, r->user);
	} else {
		assert_int_equal(e, SMTPSH_EINVAL);
		assert_non_null(strstr(why, r->why_word));
		assert_null(strchr(why, '\n'));
		/* t is left as it was */
		struct target untouched;
		memset(&untouched, 0x5a, sizeof(untouched));
		assert_memory_equal(&t, &untouched, sizeof(t));
	}
}

/* The whole sentence for each kind of mistake, as a person reads it. */
static void test_sentences(void **state)
{
	(void)state;
	static const struct {
		const char *in, *why;
	} cases[] = {
	    {"smtp:/h", "'smtp:/h' is not a URL smtpsh reads: write smtp://HOST[:PORT]"},
	    {"SMTPS:h", "'SMTPS:h' is not a URL smtpsh reads: write SMTPS://HOST[:PORT]"},
	    {"http://h", "unknown scheme 'http': use smtp:// or pop3://"},
	    {"://h", "unknown scheme '': use smtp:// or pop3://"},
	    {"abcdefghijklmnopqrstuvwxyz://h",
	     "unknown scheme 'abcdefghijklmnopqrst': use smtp:// or pop3://"},
	    {"h:65536", "bad port '65536': a number from 1 to 65535"},
	    {"h:", "bad port '': a number from 1 to 65535"},
	    {"h:123456789012345678901234",
	     "bad port '12345678901234567890': a number from 1 to 65535"},
	    {"[::1", "unclosed '[' in the address: write IPv6 as [::1]:25"},
	    {"[::1]x", "unexpected text after ']': write IPv6 as [::1]:25"},
	    {"", "no host given"},
	    {"@h", "no user name before '@' (smtp://USER@HOST, or no '@' at all)"},
	    {"a:b@h", "no password in the URL (it would show in ps and the shell's history): "
	              "give smtp://USER@HOST, and the password at login's prompt, in "
	              "SMTPSH_PASSWORD or with --password-file"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct target t = {0};
		struct smtpsh_msg why;
		assert_int_equal(target_parse(cases[i].in, &t, &why), SMTPSH_EINVAL);
		assert_string_equal(why.text, cases[i].why);
	}
	/* the quoted input is cut at 60 bytes */
	char in[100], want[200];
	memset(in, 'x', sizeof(in));
	memcpy(in, "smtp:/", 6);
	in[sizeof(in) - 1] = '\0';
	snprintf(want, sizeof(want), "'%.60s' is not a URL smtpsh reads: write smtp://HOST[:PORT]",
	         in);
	struct target t = {0};
	struct smtpsh_msg why;
	assert_int_equal(target_parse(in, &t, &why), SMTPSH_EINVAL);
	assert_string_equal(why.text, want);
}

/* Quoted input cannot break the one line nor reach the terminal raw. */
static void test_quoted_controls(void **state)
{
	(void)state;
	static const char *const in[] = {"sm\ntp://h", "smtp:/h\n\x1b[2J", "h:2\r",
	                                 "h:2\x1b]0;x\a"};
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		struct target t = {0};
		struct smtpsh_msg msg;
		const char *why = msg.text;
		assert_int_equal(target_parse(in[i], &t, &msg), SMTPSH_EINVAL);
		for (const char *p = why; *p; p++)
			assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
		assert_non_null(strstr(why, "\\x"));
	}
}

/* user[128] and host[256] hold their longest names and refuse one more. */
static void test_lengths(void **state)
{
	(void)state;
	char in[600], name[300];
	struct target t;
	struct smtpsh_msg msg;
	const char *why = msg.text;

	memset(name, 'u', 126);
	name[126] = '\0';
	snprintf(in, sizeof(in), "smtp://%s@h", name);
	assert_int_equal(target_parse(in, &t, &msg), SMTPSH_OK);
	assert_string_equal(t.user, name);
	snprintf(in, sizeof(in), "smtp://u%s@h", name);
	assert_int_equal(target_parse(in, &t, &msg), SMTPSH_EINVAL);
	assert_string_equal(why, "user name too long");
	/* %XX counts once decoded */
	memset(name, 'u', 123);
	memcpy(name + 123, "%40", 4);
	snprintf(in, sizeof(in), "smtp://%s@h", name);
	assert_int_equal(target_parse(in, &t, &msg), SMTPSH_OK);
	assert_int_equal(strlen(t.user), 124);

	memset(name, 'h', 255);
	name[255] = '\0';
	snprintf(in, sizeof(in), "smtp://%s:25", name);
	assert_int_equal(target_parse(in, &t, &msg), SMTPSH_OK);
	assert_string_equal(t.host, name);
	snprintf(in, sizeof(in), "[%s]", name);
	assert_int_equal(target_parse(in, &t, &msg), SMTPSH_OK);
	snprintf(in, sizeof(in), "smtp://h%s:25", name);
	assert_int_equal(target_parse(in, &t, &msg), SMTPSH_EINVAL);
	assert_string_equal(why, "host name too long");
}

/* A NULL msg is allowed; a parse reuses no earlier field. */
static void test_null_msg_and_reuse(void **state)
{
	(void)state;
	struct target t = {0};
	struct smtpsh_msg msg;
	assert_int_equal(target_parse("http://h", &t, NULL), SMTPSH_EINVAL);
	assert_int_equal(target_parse("http://h", &t, &msg), SMTPSH_EINVAL);
	assert_true(strlen(msg.text) < sizeof(msg.text));

	assert_int_equal(target_parse("pop3s://alice@a:1", &t, &msg), SMTPSH_OK);
	assert_int_equal(target_parse("b", &t, &msg), SMTPSH_OK);
	assert_int_equal(t.proto, PROTO_SMTP);
	assert_string_equal(t.host, "b");
	assert_int_equal(t.port, 25);
	assert_false(t.tls);
	assert_string_equal(t.user, "");
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
	    cmocka_unit_test(test_sentences),
	    cmocka_unit_test(test_quoted_controls),
	    cmocka_unit_test(test_lengths),
	    cmocka_unit_test(test_null_msg_and_reuse),
	};
	size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
	static struct CMUnitTest tests[NROWS + sizeof(fixed) / sizeof(fixed[0])];
	for (size_t i = 0; i < NROWS; i++) {
		tests[i] = (struct CMUnitTest){
		    .name = rows[i].name  ? rows[i].name
		            : *rows[i].in ? rows[i].in
		                          : "(empty)",
		    .test_func = test_row,
		    /* cmocka's state is not const; the test only reads it. */
		    .initial_state = (void *)(uintptr_t)&rows[i],
		};
	}
	memcpy(tests + NROWS, fixed, sizeof(fixed));
	return _cmocka_run_group_tests("target", tests, NROWS + nfixed, NULL, NULL);
}
