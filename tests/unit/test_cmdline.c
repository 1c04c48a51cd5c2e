/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A typed line, parsed once: verb, argument, helper or not, and (with a
 * session in a given state) secret or not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "cmdline.h"
#include "session.h"

/* The shell's bare helper names, as far as these rows need them. */
static bool local(const char *word, size_t n)
{
	return (n == 3 && !strncasecmp(word, "b64", n)) ||
	       (n == 6 && !strncasecmp(word, "status", n));
}

struct row {
	enum proto proto;
	enum pstate state;
	const char *line;
	const char *verb, *arg;
	bool helper, verbatim, secret;
};

static const struct row rows[] = {
    {PROTO_SMTP, ST_SMTP_READY, "MAIL FROM:<a@b>", "MAIL", "FROM:<a@b>", false, false, false},
    {PROTO_SMTP, ST_SMTP_READY, "rcpt to:<x>", "RCPT", "to:<x>", false, false, false},
    {PROTO_SMTP, ST_SMTP_READY, "QUIT", "QUIT", "", false, false, false},
    {PROTO_SMTP, ST_SMTP_READY, "AUTH PLAIN AGEAYg==", "AUTH", "PLAIN AGEAYg==", false, false,
     true},
    {PROTO_SMTP, ST_SMTP_READY, "AUTH LOGIN YWxpY2U=", "AUTH", "LOGIN YWxpY2U=", false, false,
     false},
    {PROTO_SMTP, ST_SMTP_READY, "HELP", "HELP", "", false, false, false}, /* the server's */
    {PROTO_SMTP, ST_SMTP_READY, "/help", "/HELP", "", true, false, false},
    {PROTO_SMTP, ST_SMTP_READY, "?", "?", "", true, false, false},
    {PROTO_SMTP, ST_SMTP_READY, "b64 alice", "B64", "alice", true, false, false},
    {PROTO_SMTP, ST_SMTP_READY, "status", "STATUS", "", true, false, false},
    {PROTO_SMTP, ST_SMTP_READY, "/nosuch x", "/NOSUCH", "x", true, false, false},
    {PROTO_SMTP, ST_SMTP_READY, "\\b64 alice", "B64", "alice", false, true, false},
    {PROTO_SMTP, ST_SMTP_READY, "\\/x", "/X", "", false, true, false},
    {PROTO_POP3, ST_POP3_USER, "PASS bob-secret", "PASS", "bob-secret", false, false, true},
    {PROTO_POP3, ST_POP3_USER, "\\PASS bob-secret", "PASS", "bob-secret", false, true, true},
    {PROTO_POP3, ST_POP3_USER, "PASS", "PASS", "", false, false, false},
    {PROTO_POP3, ST_POP3_AUTH, "USER bob", "USER", "bob", false, false, false},
    {PROTO_POP3, ST_POP3_TRANS, "RETR 1", "RETR", "1", false, false, false},
    {PROTO_SMTP, ST_SMTP_READY, "", "", "", false, false, false},
};

static void rows_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct session s;
		session_init(&s, r->proto, NULL, 1000);
		session_start_offline(&s);
		s.state = r->state;
		struct cmdline c;
		cmdline_parse_typed(&c, r->line, local);
		session_classify(&s, &c);
		if (strcmp(c.verb, r->verb) || strcmp(c.arg, r->arg) || c.is_helper != r->helper ||
		    c.verbatim != r->verbatim || c.is_secret != r->secret)
			fail_msg("row %zu '%s': verb '%s' arg '%s' helper %d verbatim %d secret %d",
			         i, r->line, c.verb, c.arg, c.is_helper, c.verbatim, c.is_secret);
		assert_string_equal(c.text, r->line);
		session_free(&s);
	}
}

/* A protocol line knows no helper syntax: "/x" and "\x" go as they are. */
static void protocol_lines_are_literal(void **state)
{
	(void)state;
	struct cmdline c;
	cmdline_parse(&c, "\\PASS x");
	assert_false(c.verbatim);
	assert_string_equal(c.wire, "\\PASS x");
	assert_string_equal(c.verb, "\\PASS");
	cmdline_parse(&c, "/help");
	assert_false(c.is_helper);
	assert_string_equal(c.wire, "/help");
}

/* The helper's word and its arguments, as typed (spaces skipped). */
static void helper_word(void **state)
{
	(void)state;
	struct cmdline c;
	cmdline_parse_typed(&c, "/connect   pop3://h", NULL);
	assert_true(c.is_helper && c.slash);
	assert_int_equal(c.word_len, 7);
	assert_memory_equal(c.word, "connect", 7);
	assert_string_equal(c.word_arg, "pop3://h");
	cmdline_parse_typed(&c, "b64 x", NULL); /* no local names: sent */
	assert_false(c.is_helper);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rows_parse),
	    cmocka_unit_test(protocol_lines_are_literal),
	    cmocka_unit_test(helper_word),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
