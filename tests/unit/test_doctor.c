/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The doctor's model: the lab personas' refusal texts (lab/persona.c,
 * each from a provider or a capture) read into the right cause; the
 * connection failures; the verdict from the steps; the domain table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "doctor.h"
#include "lab/persona.h"
#include "provider.h"

/* What each persona's provider takes as the secret. */
static enum doctor_secret wanted_by(const struct lab_persona *p)
{
	const struct doctor_target *t = doctor_target_find(p->domain);
	assert_non_null(t);
	return t->secret;
}

static enum doctor_cause secret_cause(enum doctor_secret s)
{
	switch (s) {
	case DOCTOR_SECRET_PASSWORD: return DOCTOR_CAUSE_WRONG_SECRET;
	case DOCTOR_SECRET_AUTH_CODE: return DOCTOR_CAUSE_AUTH_CODE;
	case DOCTOR_SECRET_APP_PASSWORD: return DOCTOR_CAUSE_APP_PASSWORD;
	}
	return DOCTOR_CAUSES;
}

/* "535 text" or "-ERR text": the code and where the text starts */
static int split_reply(const char *said, const char **text)
{
	if (!strncmp(said, "-ERR ", 5)) {
		*text = said + 5;
		return -1;
	}
	*text = said + 4;
	return (said[0] - '0') * 100 + (said[1] - '0') * 10 + (said[2] - '0');
}

static void expect_cause(const struct lab_persona *p, const struct lab_said *said, const char *verb,
                         enum doctor_cause want, const char *what)
{
	if (!said->text)
		return; /* the provider has no such refusal */
	const char *text;
	int code = split_reply(said->text, &text);
	enum doctor_cause got = doctor_cause_of_reply(wanted_by(p), verb, code, text);
	if (got != want)
		fail_msg("persona %s, %s: '%s' read as %s, want %s", p->name, what, said->text,
		         doctor_cause_info(got)->token, doctor_cause_info(want)->token);
}

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static void persona_refusals_read_right(void **state)
{
	(void)state;
	for (size_t i = 0; i < lab_personas_len; i++) {
		const struct lab_persona *p = &lab_personas[i];
		enum doctor_cause secret = secret_cause(wanted_by(p));
		expect_cause(p, &p->smtp_needs_code, "AUTH", secret, "password at SMTP");
		expect_cause(p, &p->pop3_needs_code, "PASS", secret, "password at POP3");
		expect_cause(p, &p->sender_mismatch, "MAIL", DOCTOR_CAUSE_SENDER_MISMATCH,
		             "sender mismatch");
		expect_cause(p, &p->tenant_auth_off, "AUTH", DOCTOR_CAUSE_TENANT_AUTH_OFF,
		             "tenant");
		/* where a switched-off service answers like a refused secret (QQ,
		 * 163's POP3) nothing tells them apart */
		if (!same(p->smtp_off.text, p->smtp_needs_code.text))
			expect_cause(p, &p->smtp_off, "AUTH", DOCTOR_CAUSE_SERVICE_OFF, "smtp off");
		if (!same(p->pop3_off.text, p->pop3_needs_code.text))
			expect_cause(p, &p->pop3_off, "PASS", DOCTOR_CAUSE_SERVICE_OFF, "pop3 off");
	}
}

static void refusals_read_right(void **state)
{
	(void)state;
	static const struct {
		enum doctor_secret wanted;
		const char *verb;
		int code;
		const char *text;
		enum doctor_cause want;
	} rows[] = {
	    {DOCTOR_SECRET_APP_PASSWORD, "AUTH", 454,
	     "4.7.0 Too many login attempts, please try again later. x - gsmtp",
	     DOCTOR_CAUSE_LOCKED},
	    {DOCTOR_SECRET_PASSWORD, "AUTH", 535, "5.7.8 Error: authentication failed",
	     DOCTOR_CAUSE_WRONG_SECRET},
	    {DOCTOR_SECRET_PASSWORD, "MAIL", 550, "5.1.0 something else", DOCTOR_CAUSE_REFUSED},
	    {DOCTOR_SECRET_AUTH_CODE, "AUTH", 235, "2.7.0 Authentication successful",
	     DOCTOR_CAUSE_NONE},
	    {DOCTOR_SECRET_PASSWORD, "PASS", -1, "[AUTH] Application-specific password required",
	     DOCTOR_CAUSE_APP_PASSWORD},
	    {DOCTOR_SECRET_PASSWORD, "PASS", -1,
	     "[SYS/PERM] Your account is not enabled for POP access.", DOCTOR_CAUSE_SERVICE_OFF},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		enum doctor_cause got =
		    doctor_cause_of_reply(rows[i].wanted, rows[i].verb, rows[i].code, rows[i].text);
		if (got != rows[i].want)
			fail_msg("row %zu: %s, want %s", i, doctor_cause_info(got)->token,
			         doctor_cause_info(rows[i].want)->token);
	}
}

/* The why and the fix come from the provider's hint when it has one. */
static void explain_takes_the_provider_hint(void **state)
{
	(void)state;
	const struct lab_persona *g = lab_persona_find("gmail");
	const char *text;
	int code = split_reply(g->smtp_needs_code.text, &text);
	struct doctor_step st = {0};
	doctor_explain_reply(&st, DOCTOR_SECRET_APP_PASSWORD, "gmail.com", "", "AUTH", code, text,
	                     true);
	const struct provider_hint *h =
	    provider_diagnose("gmail.com", "", "AUTH", code, text, true);
	assert_non_null(h);
	assert_string_equal(st.why, h->hint);
	assert_string_equal(st.fix, h->fix);
	assert_string_equal(st.source, h->source);
	assert_int_equal(st.cause, DOCTOR_CAUSE_APP_PASSWORD);
}

static void errors_read_right(void **state)
{
	(void)state;
	static const struct {
		enum smtpsh_err e;
		bool clock_bound; /* tls_info: failed on the certificate's dates */
		enum doctor_cause want;
	} rows[] = {
	    {SMTPSH_EINVAL, false, DOCTOR_CAUSE_DNS},
	    {SMTPSH_ETIMEOUT, false, DOCTOR_CAUSE_PORT_BLOCKED},
	    {SMTPSH_EIO, false, DOCTOR_CAUSE_CONN_REFUSED},
	    {SMTPSH_ETLS, true, DOCTOR_CAUSE_CLOCK_OR_CA},
	    {SMTPSH_ETLS, false, DOCTOR_CAUSE_CERTIFICATE},
	    {SMTPSH_ECLOSED, false, DOCTOR_CAUSE_SERVER_BROKE},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(doctor_cause_of_error(rows[i].e, rows[i].clock_bound),
		                 rows[i].want);
}

static void verdict_from_steps(void **state)
{
	(void)state;
	static const struct {
		enum doctor_outcome o1;
		enum doctor_cause c1;
		enum doctor_outcome o2;
		enum doctor_cause c2;
		enum doctor_verdict want;
	} rows[] = {
	    {DOCTOR_PASSED, DOCTOR_CAUSE_NONE, DOCTOR_PASSED, DOCTOR_CAUSE_NONE, DOCTOR_ALL_PASSED},
	    /* port 25 blocked is only a note */
	    {DOCTOR_PASSED, DOCTOR_CAUSE_NONE, DOCTOR_NOTED, DOCTOR_CAUSE_PORT_BLOCKED,
	     DOCTOR_ALL_PASSED},
	    {DOCTOR_FAILED, DOCTOR_CAUSE_CONN_REFUSED, DOCTOR_SKIPPED, DOCTOR_CAUSE_NONE,
	     DOCTOR_UNREACHABLE},
	    {DOCTOR_FAILED, DOCTOR_CAUSE_DNS, DOCTOR_FAILED, DOCTOR_CAUSE_APP_PASSWORD,
	     DOCTOR_ACCOUNT_PROBLEM},
	    {DOCTOR_PASSED, DOCTOR_CAUSE_NONE, DOCTOR_FAILED, DOCTOR_CAUSE_LOCKED,
	     DOCTOR_ACCOUNT_PROBLEM},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct doctor_report r = {0};
		assert_non_null(doctor_add(&r, "one", rows[i].o1, rows[i].c1, "%zu", i));
		assert_non_null(doctor_add(&r, "two", rows[i].o2, rows[i].c2, "x"));
		assert_int_equal(doctor_verdict(&r), rows[i].want);
		const struct doctor_step *f = doctor_first_failure(&r);
		if (rows[i].want == DOCTOR_ALL_PASSED)
			assert_null(f);
		else
			assert_true(f->outcome == DOCTOR_FAILED && f->fix[0]);
	}
}

static void report_is_bounded(void **state)
{
	(void)state;
	struct doctor_report r = {0};
	for (int i = 0; i < DOCTOR_MAX_STEPS; i++)
		assert_non_null(doctor_add(&r, "s", DOCTOR_PASSED, DOCTOR_CAUSE_NONE, "%d", i));
	assert_null(doctor_add(&r, "s", DOCTOR_FAILED, DOCTOR_CAUSE_DNS, "full"));
	assert_int_equal(r.n, DOCTOR_MAX_STEPS);
	assert_int_equal(doctor_verdict(&r), DOCTOR_ALL_PASSED);
}

static void every_cause_is_worded(void **state)
{
	(void)state;
	for (int c = DOCTOR_CAUSE_DNS; c < DOCTOR_CAUSES; c++) {
		const struct doctor_cause_info *i = doctor_cause_info((enum doctor_cause)c);
		assert_true(i->token && i->words && i->fix);
		assert_true(strlen(i->words) > 10 && strlen(i->fix) > 10);
	}
}

static void targets(void **state)
{
	(void)state;
	static const struct {
		const char *address;
		const char *smtp_host; /* NULL: no row */
	} rows[] = {
	    {"alice@qq.com", "smtp.qq.com"},      {"Alice@QQ.COM", "smtp.qq.com"},
	    {"a@foxmail.com", "smtp.qq.com"},     {"a@exmail.qq.com", "smtp.exmail.qq.com"},
	    {"a@126.com", "smtp.126.com"},        {"a@hotmail.com", "smtp-mail.outlook.com"},
	    {"a@icloud.com", "smtp.mail.me.com"}, {"a@example.com", NULL},
	    {"a@b@gmail.com", "smtp.gmail.com"},  {"a@mail.qq.com.evil", NULL},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct doctor_target *t = doctor_target_find(rows[i].address);
		if (!rows[i].smtp_host)
			assert_null(t);
		else
			assert_string_equal(t->smtp_host, rows[i].smtp_host);
	}
	for (size_t i = 0; i < doctor_targets_len; i++) {
		const struct doctor_target *t = &doctor_targets[i];
		assert_true(t->smtp_tls_port || t->smtp_submit_port);
		assert_true(!t->pop3_host || t->pop3_tls_port || t->pop3_plain_port);
		assert_true(t->source && strlen(t->source) > 10);
		if (t->provider) { /* the hints know it */
			bool known = false;
			for (size_t j = 0; j < providers_len; j++)
				known |= !strcmp(providers[j].name, t->provider);
			if (!known)
				fail_msg("row %s names unknown provider %s", t->domain,
				         t->provider);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(persona_refusals_read_right),
	    cmocka_unit_test(refusals_read_right),
	    cmocka_unit_test(explain_takes_the_provider_hint),
	    cmocka_unit_test(errors_read_right),
	    cmocka_unit_test(verdict_from_steps),
	    cmocka_unit_test(report_is_bounded),
	    cmocka_unit_test(every_cause_is_worded),
	    cmocka_unit_test(targets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
