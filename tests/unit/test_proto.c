/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command table and the sequence rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "proto.h"

static void table_has_no_duplicates(void **state)
{
	(void)state;
	for (size_t i = 0; i < proto_cmds_len; i++) {
		assert_non_null(proto_cmds[i].syntax);
		assert_non_null(proto_cmds[i].help);
		for (size_t j = i + 1; j < proto_cmds_len; j++)
			assert_false(proto_cmds[i].proto == proto_cmds[j].proto &&
			             !strcmp(proto_cmds[i].verb, proto_cmds[j].verb));
	}
}

static void table_covers_rfc_commands(void **state)
{
	(void)state;
	static const char *smtp[] = {"EHLO", "HELO", "MAIL", "RCPT", "DATA",     "RSET", "NOOP",
	                             "QUIT", "VRFY", "EXPN", "HELP", "STARTTLS", "AUTH"};
	static const char *pop3[] = {"USER", "PASS", "APOP", "STAT", "LIST", "RETR", "DELE", "NOOP",
	                             "RSET", "QUIT", "TOP",  "UIDL", "CAPA", "STLS", "AUTH"};
	for (size_t i = 0; i < sizeof(smtp) / sizeof(*smtp); i++)
		assert_non_null(proto_find(PROTO_SMTP, smtp[i]));
	for (size_t i = 0; i < sizeof(pop3) / sizeof(*pop3); i++)
		assert_non_null(proto_find(PROTO_POP3, pop3[i]));
	assert_non_null(proto_find(PROTO_SMTP, "ehlo")); /* case-insensitive */
	assert_null(proto_find(PROTO_SMTP, "HELLO"));
	assert_null(proto_find(PROTO_SMTP, "RETR"));
}

static void multiline_flags(void **state)
{
	(void)state;
	assert_true(proto_find(PROTO_POP3, "RETR")->flags & CMD_BODY_ALWAYS);
	assert_true(proto_find(PROTO_POP3, "CAPA")->flags & CMD_BODY_ALWAYS);
	assert_true(proto_find(PROTO_POP3, "TOP")->flags & CMD_BODY_ALWAYS);
	assert_true(proto_find(PROTO_POP3, "LIST")->flags & CMD_BODY_NOARG);
	assert_true(proto_find(PROTO_POP3, "UIDL")->flags & CMD_BODY_NOARG);
	assert_false(proto_find(PROTO_POP3, "STAT")->flags & (CMD_BODY_ALWAYS | CMD_BODY_NOARG));
	assert_true(proto_find(PROTO_POP3, "PASS")->flags & CMD_SECRET_ARG);
	assert_true(proto_find(PROTO_SMTP, "STARTTLS")->flags & CMD_STARTS_TLS);
	assert_true(proto_find(PROTO_POP3, "STLS")->flags & CMD_STARTS_TLS);
}

static void split(void **state)
{
	(void)state;
	char v[16];
	assert_string_equal(proto_split("MAIL FROM:<a@b>", v, sizeof(v)), "FROM:<a@b>");
	assert_string_equal(v, "MAIL");
	assert_string_equal(proto_split("rcpt to:<x>", v, sizeof(v)), "to:<x>");
	assert_string_equal(v, "RCPT");
	assert_string_equal(proto_split("QUIT", v, sizeof(v)), "");
	assert_string_equal(v, "QUIT");
	assert_string_equal(proto_split("AUTH PLAIN AGE=", v, sizeof(v)), "PLAIN AGE=");
	assert_string_equal(proto_split("AVERYVERYVERYLONGVERB x", v, sizeof(v)), "x");
	assert_int_equal(strlen(v), 15);
	assert_string_equal(proto_split("", v, sizeof(v)), "");
	assert_string_equal(v, "");
}

struct rule_case {
	enum proto proto;
	enum pstate state;
	bool tls, authed;
	const char *verb;
	const char *expect; /* substring of the warning, or NULL for allowed */
};

static const struct rule_case rules[] = {
    {PROTO_SMTP, ST_SMTP_INIT, 0, 0, "MAIL", "before EHLO"},
    {PROTO_SMTP, ST_SMTP_READY, 0, 0, "MAIL", NULL},
    {PROTO_SMTP, ST_SMTP_MAIL, 0, 0, "MAIL", "already started"},
    {PROTO_SMTP, ST_SMTP_READY, 0, 0, "RCPT", "RCPT before MAIL"},
    {PROTO_SMTP, ST_SMTP_MAIL, 0, 0, "RCPT", NULL},
    {PROTO_SMTP, ST_SMTP_RCPT, 0, 0, "RCPT", NULL},
    {PROTO_SMTP, ST_SMTP_READY, 0, 0, "DATA", "DATA before MAIL"},
    {PROTO_SMTP, ST_SMTP_MAIL, 0, 0, "DATA", "recipient"},
    {PROTO_SMTP, ST_SMTP_RCPT, 0, 0, "DATA", NULL},
    {PROTO_SMTP, ST_SMTP_INIT, 0, 0, "AUTH", "before EHLO"},
    {PROTO_SMTP, ST_SMTP_READY, 0, 1, "AUTH", "already logged in"},
    {PROTO_SMTP, ST_SMTP_MAIL, 0, 0, "AUTH", "inside a message"},
    {PROTO_SMTP, ST_SMTP_READY, 0, 0, "AUTH", NULL},
    {PROTO_SMTP, ST_SMTP_READY, 1, 0, "STARTTLS", "already active"},
    {PROTO_SMTP, ST_SMTP_READY, 0, 0, "STARTTLS", NULL},
    {PROTO_SMTP, ST_SMTP_INIT, 0, 0, "EHLO", NULL},
    {PROTO_SMTP, ST_SMTP_INIT, 0, 0, "QUIT", NULL},
    {PROTO_SMTP, ST_SMTP_INIT, 0, 0, "HELLO", NULL}, /* unknown verbs are not judged */
    {PROTO_SMTP, ST_SMTP_DATA, 0, 0, "RCPT", NULL},  /* body text */
    {PROTO_POP3, ST_POP3_AUTH, 0, 0, "PASS", "PASS before USER"},
    {PROTO_POP3, ST_POP3_USER, 0, 0, "PASS", NULL},
    {PROTO_POP3, ST_POP3_AUTH, 0, 0, "RETR", "log in first"},
    {PROTO_POP3, ST_POP3_USER, 0, 0, "STAT", "now send PASS"},
    {PROTO_POP3, ST_POP3_TRANS, 0, 1, "RETR", NULL},
    {PROTO_POP3, ST_POP3_TRANS, 0, 1, "USER", "already logged in"},
    {PROTO_POP3, ST_POP3_TRANS, 0, 1, "STLS", "only allowed"},
    {PROTO_POP3, ST_POP3_AUTH, 1, 0, "STLS", "already active"},
    {PROTO_POP3, ST_POP3_AUTH, 0, 0, "CAPA", NULL},
    {PROTO_POP3, ST_POP3_AUTH, 0, 0, "QUIT", NULL},
};

static void sequence_rules(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rules) / sizeof(*rules); i++) {
		const struct rule_case *c = &rules[i];
		struct proto_ctx ctx = {c->proto, c->state, c->tls, c->authed};
		const char *w = proto_check(&ctx, c->verb, true);
		if (!c->expect) {
			if (w)
				fail_msg("case %zu (%s): unexpected warning '%s'", i, c->verb, w);
		} else {
			if (!w || !strstr(w, c->expect))
				fail_msg("case %zu (%s): wanted '%s', got '%s'", i, c->verb,
				         c->expect, w ? w : "(null)");
		}
	}
}

static void suggestions(void **state)
{
	(void)state;
	assert_string_equal(proto_suggest(PROTO_SMTP, "HELLO"), "HELO");
	assert_string_equal(proto_suggest(PROTO_SMTP, "RCTP"), "RCPT");
	assert_string_equal(proto_suggest(PROTO_POP3, "RETRR"), "RETR");
	assert_null(proto_suggest(PROTO_SMTP, "XYZZYPLUGH"));
}

static void state_names_unique(void **state)
{
	(void)state;
	for (int a = ST_GREETING; a <= ST_POP3_TRANS; a++)
		for (int b = a + 1; b <= ST_POP3_TRANS; b++)
			assert_string_not_equal(proto_state_name((enum pstate)a),
			                        proto_state_name((enum pstate)b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(table_has_no_duplicates), cmocka_unit_test(table_covers_rfc_commands),
	    cmocka_unit_test(multiline_flags),         cmocka_unit_test(split),
	    cmocka_unit_test(sequence_rules),          cmocka_unit_test(suggestions),
	    cmocka_unit_test(state_names_unique),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
