/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The protocol handlers: their tables, lookup and sequence rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "proto.h"

static void table_has_no_duplicates(void **state)
{
	(void)state;
	for (size_t h = 0; h < proto_handlers_len; h++) {
		const struct proto_handler *p = proto_handlers[h];
		for (size_t i = 0; i < p->ncmds; i++) {
			assert_non_null(p->cmds[i].syntax);
			assert_non_null(p->cmds[i].help);
			for (size_t j = i + 1; j < p->ncmds; j++)
				assert_string_not_equal(p->cmds[i].verb, p->cmds[j].verb);
		}
	}
}

/* proto_handler_get is total and agrees with the handler list. */
static void handler_lookup_total(void **state)
{
	(void)state;
	static const enum proto all[] = {PROTO_SMTP, PROTO_POP3};
	assert_int_equal(proto_handlers_len, sizeof(all) / sizeof(all[0]));
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		const struct proto_handler *h = proto_handler_get(all[i]);
		assert_non_null(h);
		assert_int_equal(h->proto, all[i]);
		assert_ptr_equal(proto_handlers[i], h);
		assert_string_equal(proto_name(all[i]), h->name);
		/* every slot a session or the shell calls is filled */
		assert_non_null(h->on_line);
		assert_non_null(h->on_reply);
		assert_non_null(h->status_text);
		assert_non_null(h->annot_cap);
		assert_non_null(h->annot_status);
		assert_non_null(h->severity);
		assert_non_null(h->provider_code);
		assert_non_null(h->looks_like);
		assert_non_null(h->annot_after_tls);
		assert_true(strstr(h->annot_after_tls, h->caps_verb) != NULL);
		assert_non_null(h->tls_verb);
		assert_non_null(h->caps_verb);
		assert_true(h->ncmds > 0 && h->nstates > 0 && h->nschemes > 0);
	}
}

/* Every command of each handler has a sequence-rule entry (a row saying
 * it is always allowed counts), and every refusal says why. */
static void every_command_has_a_rule(void **state)
{
	(void)state;
	for (size_t h = 0; h < proto_handlers_len; h++) {
		const struct proto_handler *p = proto_handlers[h];
		for (size_t i = 0; i < p->ncmds; i++) {
			bool ruled = false;
			for (size_t j = 0; j < p->nrules; j++)
				ruled |= !strcmp(p->rules[j].verb, p->cmds[i].verb);
			if (!ruled)
				fail_msg("%s %s has no sequence rule", p->name, p->cmds[i].verb);
		}
		for (size_t j = 0; j < p->nrules; j++)
			assert_true((p->rules[j].when == RULE_NEVER) == (p->rules[j].why == NULL));
	}
}

/* A name for every state, each handler names its greeted state, and the
 * handlers agree on the names of the states they share. */
static void every_state_named(void **state)
{
	(void)state;
	for (int st = ST_GREETING; st <= ST_POP3_TRANS; st++) {
		const char *name = NULL;
		for (size_t h = 0; h < proto_handlers_len; h++)
			for (size_t j = 0; j < proto_handlers[h]->nstates; j++)
				if ((int)proto_handlers[h]->states[j].state == st) {
					if (name)
						assert_string_equal(
						    name, proto_handlers[h]->states[j].name);
					name = proto_handlers[h]->states[j].name;
				}
		if (!name)
			fail_msg("state %d has no name in any handler", st);
		assert_string_equal(proto_state_name((enum pstate)st), name);
	}
	for (size_t h = 0; h < proto_handlers_len; h++) {
		bool listed = false;
		for (size_t j = 0; j < proto_handlers[h]->nstates; j++)
			listed |= proto_handlers[h]->states[j].state == proto_handlers[h]->greeted;
		assert_true(listed);
	}
}

/* Schemes and ports are unique across handlers: a URL scheme or a bare
 * port names one protocol. */
static void schemes_and_ports_unique(void **state)
{
	(void)state;
	for (size_t a = 0; a < proto_handlers_len; a++) {
		const struct proto_handler *x = proto_handlers[a];
		assert_int_not_equal(x->port, x->tls_port);
		for (size_t b = a + 1; b < proto_handlers_len; b++) {
			const struct proto_handler *y = proto_handlers[b];
			assert_int_not_equal(x->port, y->port);
			assert_int_not_equal(x->port, y->tls_port);
			assert_int_not_equal(x->tls_port, y->port);
			assert_int_not_equal(x->tls_port, y->tls_port);
		}
		for (size_t i = 0; i < x->nschemes; i++)
			for (size_t b = 0; b < proto_handlers_len; b++)
				for (size_t j = 0; j < proto_handlers[b]->nschemes; j++)
					if (a != b || i != j)
						assert_string_not_equal(
						    x->schemes[i].name,
						    proto_handlers[b]->schemes[j].name);
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
	static const struct {
		enum proto p;
		const char *typed, *want; /* want NULL: nothing close */
	} rows[] = {
	    {PROTO_SMTP, "HELLO", "HELO"},
	    {PROTO_SMTP, "RCTP", "RCPT"},
	    {PROTO_POP3, "RETRR", "RETR"},
	    {PROTO_SMTP, "XYZZYPLUGH", NULL},
	    /* seed 002's typo: a swap of two letters is one edit, so RSET
	     * (one swap) beats RCPT (two substitutions) */
	    {PROTO_SMTP, "REST", "RSET"},
	    {PROTO_SMTP, "rest", "RSET"},
	    {PROTO_SMTP, "QIUT", "QUIT"},
	    {PROTO_SMTP, "EHOL", "EHLO"},
	    {PROTO_SMTP, "DTAA", "DATA"},
	    {PROTO_POP3, "STTA", "STAT"},
	    {PROTO_POP3, "RTER", "RETR"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *got = proto_suggest(rows[i].p, rows[i].typed);
		if (!rows[i].want ? got != NULL : !got || strcmp(got, rows[i].want))
			fail_msg("row %zu: %s suggests '%s', wanted '%s'", i, rows[i].typed,
			         got ? got : "(none)", rows[i].want ? rows[i].want : "(none)");
	}
}

/* RFC 821's SEND, SOML, SAML, TURN (seed 000) and POP3's RPOP, LAST are
 * historical: named by the table, never offered as commands. */
static void historical_commands(void **state)
{
	(void)state;
	static const struct {
		enum proto p;
		const char *verb;
	} rows[] = {{PROTO_SMTP, "SEND"}, {PROTO_SMTP, "SOML"}, {PROTO_SMTP, "SAML"},
	            {PROTO_SMTP, "TURN"}, {PROTO_SMTP, "turn"}, {PROTO_POP3, "RPOP"},
	            {PROTO_POP3, "LAST"}};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct proto_cmd *c = proto_find_historical(rows[i].p, rows[i].verb);
		assert_non_null(c);
		assert_true(strcasecmp(c->verb, rows[i].verb) == 0);
		assert_non_null(strstr(c->help, "RFC "));
		assert_null(proto_find(rows[i].p, rows[i].verb));
	}
	assert_null(proto_find_historical(PROTO_SMTP, "RSET"));
	assert_null(proto_find_historical(PROTO_POP3, "TURN"));
	/* no verb is both current and historical */
	for (size_t h = 0; h < proto_handlers_len; h++)
		for (size_t i = 0; i < proto_handlers[h]->nhistorical; i++)
			assert_null(proto_find(proto_handlers[h]->proto,
			                       proto_handlers[h]->historical[i].verb));
}

static void state_names_unique(void **state)
{
	(void)state;
	for (int a = ST_GREETING; a <= ST_POP3_TRANS; a++)
		for (int b = a + 1; b <= ST_POP3_TRANS; b++)
			assert_string_not_equal(proto_state_name((enum pstate)a),
			                        proto_state_name((enum pstate)b));
}

/* proto_handler_by_name finds every handler by its name, in any case,
 * and nothing else. */
static void lookup_by_name_total(void **state)
{
	(void)state;
	for (size_t i = 0; i < proto_handlers_len; i++) {
		const struct proto_handler *h = proto_handlers[i];
		assert_ptr_equal(proto_handler_by_name(h->name), h);
		assert_ptr_equal(proto_handler_by_name(h->title), h);
	}
	assert_null(proto_handler_by_name(""));
	assert_null(proto_handler_by_name("imap"));
	assert_null(proto_handler_by_name("smtps"));
}

/* Each status reads with the severity the shell colours it by, and the
 * code provider hints are keyed by. */
static void reply_severity_and_provider_code(void **state)
{
	(void)state;
	const struct proto_handler *smtp = &proto_smtp_handler, *pop3 = &proto_pop3_handler;
	static const struct {
		int code;
		enum reply_severity severity;
	} smtp_rows[] = {{220, SEVERITY_OK},   {250, SEVERITY_OK},   {334, SEVERITY_MORE},
	                 {354, SEVERITY_MORE}, {421, SEVERITY_TEMP}, {451, SEVERITY_TEMP},
	                 {535, SEVERITY_FAIL}, {554, SEVERITY_FAIL}};
	for (size_t i = 0; i < sizeof(smtp_rows) / sizeof(smtp_rows[0]); i++) {
		assert_int_equal(smtp->severity(smtp_rows[i].code), smtp_rows[i].severity);
		assert_int_equal(smtp->provider_code(smtp_rows[i].code), smtp_rows[i].code);
	}
	assert_int_equal(pop3->severity(REPLY_POP3_OK), SEVERITY_OK);
	assert_int_equal(pop3->severity(REPLY_POP3_ERR), SEVERITY_FAIL);
	assert_int_equal(pop3->severity(REPLY_POP3_CONT), SEVERITY_MORE);
	assert_int_equal(pop3->provider_code(REPLY_POP3_ERR), -1);
	assert_int_equal(pop3->provider_code(REPLY_POP3_OK), 0);
	assert_int_equal(pop3->provider_code(REPLY_POP3_CONT), 0);
}

/* show's guess from a transcript's first received line: a '+' is POP3,
 * anything else SMTP (the first handler). */
static void guess_from_greeting(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		enum proto proto;
	} rows[] = {
	    {"220 mx.example ESMTP", PROTO_SMTP},
	    {"+OK POP3 ready", PROTO_POP3},
	    {"+", PROTO_POP3},
	    {"-ERR busy", PROTO_SMTP},
	    {"", PROTO_SMTP},
	    {"hello", PROTO_SMTP},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(proto_guess(rows[i].line, strlen(rows[i].line)), rows[i].proto);
	/* each handler claims its own greeting */
	assert_true(proto_smtp_handler.looks_like("220 x", 5));
	assert_false(proto_smtp_handler.looks_like("+OK", 3));
	assert_true(proto_pop3_handler.looks_like("+OK", 3));
	assert_false(proto_pop3_handler.looks_like("220 x", 5));
}

/* A transcript's target header: implicit TLS by its scheme, as written. */
static void url_implicit_tls(void **state)
{
	(void)state;
	for (size_t i = 0; i < proto_handlers_len; i++)
		for (size_t j = 0; j < proto_handlers[i]->nschemes; j++) {
			const struct proto_scheme *sc = &proto_handlers[i]->schemes[j];
			char url[64];
			snprintf(url, sizeof(url), "%s://mx.example:1", sc->name);
			assert_int_equal(proto_url_implicit_tls(url), sc->tls);
			snprintf(url, sizeof(url), "%sx://mx.example", sc->name);
			assert_false(proto_url_implicit_tls(url));
		}
	assert_false(proto_url_implicit_tls(NULL));
	assert_false(proto_url_implicit_tls(""));
	assert_false(proto_url_implicit_tls("mx.example:465"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(table_has_no_duplicates),
	    cmocka_unit_test(table_covers_rfc_commands),
	    cmocka_unit_test(multiline_flags),
	    cmocka_unit_test(split),
	    cmocka_unit_test(sequence_rules),
	    cmocka_unit_test(suggestions),
	    cmocka_unit_test(historical_commands),
	    cmocka_unit_test(state_names_unique),
	    cmocka_unit_test(handler_lookup_total),
	    cmocka_unit_test(every_command_has_a_rule),
	    cmocka_unit_test(every_state_named),
	    cmocka_unit_test(schemes_and_ports_unique),
	    cmocka_unit_test(lookup_by_name_total),
	    cmocka_unit_test(reply_severity_and_provider_code),
	    cmocka_unit_test(guess_from_greeting),
	    cmocka_unit_test(url_implicit_tls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
