/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A pasted reply diagnosed as the shell diagnoses it live: pasted forms
 * (continuation lines, CRLF, no code, POP3 response codes), the provider
 * from a name, a host or the text, and every refusal the lab's personas
 * send and every hint row, each given the same hint both ways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diagnose.h"
#include "lab/persona.h"
#include "provider.h"

/* What the shell does with a reply received after verb: the reply
 * reader on the wire bytes, then provider_diagnose() as render.c calls
 * it. */
static const struct provider_hint *shell_hint(const char *said, enum reply_mode mode,
                                              const char *host, const char *banner,
                                              const char *verb, bool tls, struct reply *r)
{
	struct buf wire;
	buf_init(&wire, 0);
	for (const char *p = said; *p; p++)
		assert_true(*p == '\n' ? buf_append(&wire, "\r\n", 2) : buf_append(&wire, p, 1));
	assert_true(buf_append(&wire, "\r\n", 2));
	struct reply_parser rp;
	reply_parser_init(&rp, mode);
	assert_int_equal(reply_parser_feed(&rp, wire.data, wire.len), SMTPSH_OK);
	struct reply_event ev;
	bool got = false;
	while (!got && reply_parser_next(&rp, &ev)) {
		assert_int_not_equal(ev.kind, REPLY_EV_ERROR);
		if (ev.kind == REPLY_EV_END)
			*r = *ev.reply, got = true;
	}
	assert_true(got);
	reply_parser_free(&rp);
	buf_free(&wire);
	char text[REPLY_TEXT_MAX + 96];
	diagnose_reply_text(r, text, sizeof(text));
	int code = mode == REPLY_POP3 ? (r->code == REPLY_POP3_ERR ? -1 : 0) : r->code;
	return provider_diagnose(host, banner, verb, code, text, tls);
}

struct pasted {
	const char *text;
	const char *provider; /* --provider */
	const char *host;     /* --host */
	enum smtpsh_err e;
	int code;
	const char *enhanced;
	const char *resp_code;
	const char *want_provider; /* recognised; NULL none */
	enum diagnose_from from;
	/* the hint the shell shows live after want_verb (NULL: no hint) */
	const char *want_verb;
	bool tls;
};

#define QQ535                                                                                      \
	"535 Login Fail. Please enter your authorization code to login. More information in "      \
	"http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256"
#define GMAIL534_1 "534-5.7.9 Application-specific password required. Learn more at"
#define GMAIL534_2 "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor x - gsmtp"

static const struct pasted cases[] = {
    {QQ535, NULL, NULL, SMTPSH_OK, 535, "", "", "QQ Mail", DIAGNOSE_FROM_TEXT, "AUTH", false},
    /* CRLF, blanks around, as copied from a terminal */
    {"  " QQ535 " \r\n\r\n", NULL, NULL, SMTPSH_OK, 535, "", "", "QQ Mail", DIAGNOSE_FROM_TEXT,
     "AUTH", false},
    {GMAIL534_1 "\n" GMAIL534_2, NULL, NULL, SMTPSH_OK, 534, "5.7.9", "", "Gmail",
     DIAGNOSE_FROM_TEXT, "AUTH", false},
    /* as the arguments of `smtpsh explain`, joined with spaces */
    {GMAIL534_1 " \n " GMAIL534_2, NULL, NULL, SMTPSH_OK, 534, "5.7.9", "", "Gmail",
     DIAGNOSE_FROM_TEXT, "AUTH", false},
    /* a log that wrapped the continuation without its code */
    {GMAIL534_1 "\nhttps://support.google.com/mail/?p=InvalidSecondFactor", NULL, NULL, SMTPSH_OK,
     534, "5.7.9", "", "Gmail", DIAGNOSE_FROM_TEXT, "AUTH", false},
    /* only the first line, still "534-": no provider in it, then named */
    {GMAIL534_1, NULL, NULL, SMTPSH_OK, 534, "5.7.9", "", NULL, DIAGNOSE_FROM_NONE, NULL, false},
    {GMAIL534_1, "gmail", NULL, SMTPSH_OK, 534, "5.7.9", "", "Gmail", DIAGNOSE_FROM_NAME, "AUTH",
     false},
    {"-ERR [AUTH] Application-specific password required: "
     "https://support.google.com/accounts/answer/185833",
     NULL, NULL, SMTPSH_OK, REPLY_POP3_ERR, "", "AUTH", "Gmail", DIAGNOSE_FROM_TEXT, "PASS", false},
    {"535 Error: authentication failed", NULL, "smtp.163.com", SMTPSH_OK, 535, "", "",
     "NetEase 163/126", DIAGNOSE_FROM_HOST, "AUTH", false},
    {"535 Error: authentication failed", "126.com", NULL, SMTPSH_OK, 535, "", "", "NetEase 163/126",
     DIAGNOSE_FROM_NAME, "AUTH", false},
    {"535 Error: authentication failed", NULL, NULL, SMTPSH_OK, 535, "", "", NULL,
     DIAGNOSE_FROM_NONE, "AUTH", false},
    {"550 User has no permission", NULL, "smtp.163.com", SMTPSH_OK, 550, "", "", "NetEase 163/126",
     DIAGNOSE_FROM_HOST, "AUTH", false},
    {"554 DT:SPM 163 smtp10,DsCowADHQ4jL8kBfHZ7lAQ--.23795S2 1598128845,please see "
     "http://mail.163.com/help/help_spam_16.htm?ip=1.2.3.4",
     NULL, NULL, SMTPSH_OK, 554, "", "", "NetEase 163/126", DIAGNOSE_FROM_TEXT, "MAIL", false},
    {"535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the "
     "Tenant",
     NULL, NULL, SMTPSH_OK, 535, "5.7.139", "", "Outlook / Office 365", DIAGNOSE_FROM_TEXT, "AUTH",
     false},
    {"-ERR [IN-USE] Unable to lock maildrop", NULL, NULL, SMTPSH_OK, REPLY_POP3_ERR, "", "IN-USE",
     NULL, DIAGNOSE_FROM_NONE, "PASS", false},
    {"535 5.7.8 Error: authentication failed: Invalid authentication data", NULL, NULL, SMTPSH_OK,
     535, "5.7.8", "", NULL, DIAGNOSE_FROM_NONE, "AUTH", false},
    /* not a refusal: read, no hint */
    {"250 2.0.0 Ok: queued as 4Xyz", NULL, NULL, SMTPSH_OK, 250, "2.0.0", "", NULL,
     DIAGNOSE_FROM_NONE, NULL, false},
    /* a catch-all login advice never answers a reply to no login */
    {"550 5.1.1 User unknown", "qq", NULL, SMTPSH_OK, 550, "5.1.1", "", "QQ Mail",
     DIAGNOSE_FROM_NAME, NULL, false},
    /* no code: only a provider's known words */
    {"Login Fail. Please enter your authorization code to login", "qq", NULL, SMTPSH_OK, 0, "", "",
     "QQ Mail", DIAGNOSE_FROM_NAME, "AUTH", false},
    {"Login Fail. Please enter your authorization code to login", NULL, NULL, SMTPSH_OK, 0, "", "",
     "QQ Mail", DIAGNOSE_FROM_TEXT, "AUTH", false},
    {"Unable to log on", NULL, NULL, SMTPSH_EINVAL, 0, "", "", NULL, DIAGNOSE_FROM_NONE, NULL,
     false},
    {"hello there", "qq", NULL, SMTPSH_EINVAL, 0, "", "", NULL, DIAGNOSE_FROM_NONE, NULL, false},
    {QQ535, "aol-ish", NULL, SMTPSH_EINVAL, 0, "", "", NULL, DIAGNOSE_FROM_NONE, NULL, false},
    {" \r\n \n", NULL, NULL, SMTPSH_EINVAL, 0, "", "", NULL, DIAGNOSE_FROM_NONE, NULL, false},
};

static void pasted_replies(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pasted *c = &cases[i];
		struct diagnose_context ctx = {c->provider, c->host, NULL, NULL, -1};
		struct diagnosis d;
		struct smtpsh_msg msg = {""};
		enum smtpsh_err e = diagnose_reply(c->text, strlen(c->text), &ctx, &d, &msg);
		if (e != c->e)
			fail_msg("case %zu: got %d (%s), wanted %d", i, e, msg.text, c->e);
		if (e != SMTPSH_OK) {
			assert_true(strlen(msg.text) > 10);
			continue;
		}
		assert_int_equal(d.reply.code, c->code);
		assert_string_equal(d.reply.enhanced, c->enhanced);
		assert_string_equal(d.reply.resp_code, c->resp_code);
		if (c->want_provider)
			assert_string_equal(d.provider ? d.provider->name : "(none)",
			                    c->want_provider);
		else
			assert_null(d.provider);
		assert_int_equal(d.from, c->from);
		if (!c->want_verb) {
			if (d.hint)
				fail_msg("case %zu: a hint from %s", i, d.hint->source);
			continue;
		}
		/* the hint the shell would show after want_verb, to the host */
		const char *host = c->host                     ? c->host
		                   : d.provider && c->provider ? d.provider->hosts[0]
		                                               : NULL;
		char text[REPLY_TEXT_MAX + 96];
		diagnose_reply_text(&d.reply, text, sizeof(text));
		int code = d.mode == REPLY_POP3 ? -1 : c->code ? c->code : 535;
		const struct provider_hint *live =
		    provider_diagnose(host, NULL, c->want_verb, code, text, c->tls);
		assert_non_null(live);
		if (d.hint != live)
			fail_msg("case %zu: explain gave %s, the shell %s", i,
			         d.hint ? d.hint->source : "none", live->source);
		assert_string_equal(d.verb, c->want_verb);
	}
}

/* A persona's refusal and the command it answers. */
struct refusal {
	size_t offset; /* of the struct lab_said in struct lab_persona */
	enum reply_mode mode;
	const char *verb;
	bool tls;
};

#define SAID(f) offsetof(struct lab_persona, f)
static const struct refusal refusals[] = {
    {SAID(auth_needs_tls), REPLY_SMTP, "AUTH", false},
    {SAID(smtp_needs_code), REPLY_SMTP, "AUTH", true},
    {SAID(smtp_bad), REPLY_SMTP, "AUTH", true},
    {SAID(sender_mismatch), REPLY_SMTP, "MAIL", true},
    {SAID(smtp_off), REPLY_SMTP, "AUTH", true},
    {SAID(tenant_auth_off), REPLY_SMTP, "AUTH", true},
    {SAID(smtp_locked), REPLY_SMTP, "AUTH", true},
    {SAID(pop3_needs_code), REPLY_POP3, "PASS", true},
    {SAID(pop3_bad), REPLY_POP3, "PASS", true},
    {SAID(pop3_off), REPLY_POP3, "PASS", true},
    {SAID(pop3_locked), REPLY_POP3, "PASS", true},
};

/* Every refusal text of every persona (issue 12's proof): the shell's
 * hint for it live, and explain's for the same text pasted, are one row;
 * with the host, and without it when the text names the provider. */
static void persona_refusals_diagnosed_alike(void **state)
{
	(void)state;
	size_t checked = 0;
	for (size_t i = 0; i < lab_personas_len; i++) {
		const struct lab_persona *p = &lab_personas[i];
		for (size_t k = 0; k < sizeof(refusals) / sizeof(refusals[0]); k++) {
			const struct refusal *f = &refusals[k];
			const struct lab_said *s =
			    (const struct lab_said *)((const char *)p + f->offset);
			if (!s->text)
				continue;
			const char *greeting =
			    f->mode == REPLY_SMTP ? p->smtp_greeting.text : p->pop3_greeting.text;
			struct reply r;
			const struct provider_hint *live =
			    shell_hint(s->text, f->mode, p->host, greeting, f->verb, f->tls, &r);
			if (!live)
				fail_msg("%s: no hint for '%s'", p->name, s->text);
			struct diagnose_context ctx = {NULL, p->host, NULL, NULL, -1};
			struct diagnosis d;
			assert_int_equal(diagnose_reply(s->text, strlen(s->text), &ctx, &d, NULL),
			                 SMTPSH_OK);
			if (d.hint != live)
				fail_msg("%s: '%s': explain gave %s, the shell %s", p->name,
				         s->text, d.hint ? d.hint->hint : "none", live->hint);
			assert_string_equal(d.provider->name, p->provider);
			assert_int_equal(d.reply.code, r.code);
			const struct provider *named = provider_identify(NULL, NULL, s->text);
			if (named && !strcmp(named->name, p->provider)) {
				assert_int_equal(
				    diagnose_reply(s->text, strlen(s->text), NULL, &d, NULL),
				    SMTPSH_OK);
				assert_ptr_equal(d.hint, live);
				assert_int_equal(d.from, DIAGNOSE_FROM_TEXT);
			}
			checked++;
		}
	}
	if (checked < 38)
		fail_msg("only %zu refusals", checked);
}

/* Every hint row: a reply made of each of its keywords (a catch-all row:
 * a plain login refusal), to its provider's host, is diagnosed pasted as
 * the shell diagnoses it live after the row's first verb. */
static void hint_rows_diagnosed_alike(void **state)
{
	(void)state;
	for (size_t i = 0; i < provider_hints_len; i++) {
		const struct provider_hint *h = &provider_hints[i];
		const struct provider *p =
		    h->provider ? diagnose_provider_named(h->provider) : NULL;
		char verb[16];
		snprintf(verb, sizeof(verb), "%.*s", (int)strcspn(h->verbs, " "), h->verbs);
		bool tls = h->when == PROVIDER_TLS;
		const char *catch_all[] = {"authentication failed", NULL};
		const char *const *words = h->words[0] ? h->words : catch_all;
		for (size_t w = 0; w < 4 && words[w]; w++) {
			char said[256];
			bool pop3 =
			    h->code_class == -1 || (h->code_class == 0 && strcmp(verb, "AUTH"));
			int code = h->code_class == 4 ? 454 : !strcmp(verb, "AUTH") ? 535 : 550;
			if (pop3)
				snprintf(said, sizeof(said), "-ERR %s", words[w]);
			else
				snprintf(said, sizeof(said), "%d %s", code, words[w]);
			const char *host = p ? p->hosts[0] : "127.0.0.1";
			struct reply r;
			const struct provider_hint *live = shell_hint(
			    said, pop3 ? REPLY_POP3 : REPLY_SMTP, host, NULL, verb, tls, &r);
			if (!live)
				fail_msg("row %zu: no live hint for '%s'", i, said);
			struct diagnose_context ctx = {NULL, host, NULL, NULL, tls};
			struct diagnosis d;
			assert_int_equal(diagnose_reply(said, strlen(said), &ctx, &d, NULL),
			                 SMTPSH_OK);
			if (d.hint != live)
				fail_msg("row %zu: '%s': explain gave %s, the shell %s", i, said,
				         d.hint ? d.hint->hint : "none", live->hint);
		}
	}
}

/* A paste of any size is read within its bound. */
static void long_paste_is_bounded(void **state)
{
	(void)state;
	size_t n = 200000;
	char *big = malloc(n + 1);
	assert_non_null(big);
	memcpy(big, "535-", 4);
	for (size_t i = 4; i < n; i++)
		big[i] = i % 70 == 69 ? '\n' : 'x';
	big[n] = '\0';
	struct diagnosis d;
	assert_int_equal(diagnose_reply(big, n, NULL, &d, NULL), SMTPSH_OK);
	assert_int_equal(d.reply.code, 535);
	assert_true(strlen(d.reply.text) < REPLY_TEXT_MAX);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(pasted_replies),
	    cmocka_unit_test(persona_refusals_diagnosed_alike),
	    cmocka_unit_test(hint_rows_diagnosed_alike),
	    cmocka_unit_test(long_paste_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
