/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The provider table: well-formed rows, and real failure texts (from
 * ../shared/reference/providers.md) reaching the right hint. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "provider.h"

static void rows_are_well_formed(void **state)
{
	(void)state;
	for (size_t i = 0; i < provider_hints_len; i++) {
		const struct provider_hint *h = &provider_hints[i];
		assert_non_null(h->hint);
		assert_non_null(h->fix);
		assert_true(h->fix[strlen(h->fix) - 1] == '.');
		assert_non_null(h->source);
		assert_true(strlen(h->source) > 5);
		if (h->provider) {
			bool known = false;
			for (size_t j = 0; j < providers_len; j++)
				known |= !strcmp(providers[j].name, h->provider);
			if (!known)
				fail_msg("hint %zu names unknown provider %s", i, h->provider);
		}
	}
	for (size_t i = 0; i < providers_len; i++)
		for (size_t j = i + 1; j < providers_len; j++)
			assert_string_not_equal(providers[i].name, providers[j].name);
	/* every provider has at least one hint */
	for (size_t j = 0; j < providers_len; j++) {
		bool has = false;
		for (size_t i = 0; i < provider_hints_len; i++)
			has |= provider_hints[i].provider &&
			       !strcmp(provider_hints[i].provider, providers[j].name);
		if (!has)
			fail_msg("provider %s has no hint", providers[j].name);
	}
}

static void identify(void **state)
{
	(void)state;
	assert_string_equal(provider_identify("smtp.qq.com", NULL, NULL)->name, "QQ Mail");
	assert_string_equal(provider_identify("SMTP.163.COM", NULL, NULL)->name, "NetEase 163/126");
	assert_null(provider_identify("notqq.com", NULL, NULL));
	assert_string_equal(
	    provider_identify("10.0.0.1", "smtp.gmail.com ESMTP x- gsmtp", NULL)->name, "Gmail");
	assert_string_equal(
	    provider_identify("127.0.0.1", NULL,
	                      "Login Fail. More information in http://service.mail.qq.com/x")
	        ->name,
	    "QQ Mail");
	assert_null(provider_identify("127.0.0.1", "mail.smtpsh.test ESMTP Postfix",
	                              "Error: authentication failed"));
}

struct dcase {
	const char *host, *banner, *verb;
	int code;
	const char *text;
	const char *want; /* substring of the hint */
	bool tls;         /* the connection is encrypted */
};

static const struct dcase cases[] = {
    {"smtp.qq.com", "", "AUTH", 535,
     "Login Fail. Please enter your authorization code to login. More information in "
     "http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256",
     "authorization code", false},
    {"smtp.qq.com", "", "AUTH", 535, "Error: authentication failed, system busy",
     "authorization code", false},
    {"pop.qq.com", "", "PASS", -1, "[AUTH] Authentication failed.", "authorization code", false},
    {"smtp.163.com", "", "AUTH", 535, "Error: authentication failed", "authorization password",
     false},
    {"smtp.126.com", "", "MAIL", 554, "DT:SPM 126 smtp1,C8mowAD", "anti-spam", false},
    {"smtp.gmail.com", "", "AUTH", 534,
     "Application-specific password required. Learn more at "
     "https://support.google.com/mail/?p=InvalidSecondFactor",
     "app password", false},
    {"smtp.gmail.com", "", "AUTH", 535,
     "Username and Password not accepted. Learn more at "
     "https://support.google.com/mail/?p=BadCredentials",
     "wrong user or password", false},
    {"smtp.gmail.com", "", "AUTH", 534,
     "<https://accounts.google.com/signin/continue?sarp=1> Please log in via your web browser and "
     "then try again.",
     "web browser", false},
    {"smtp.office365.com", "", "AUTH", 535,
     "Authentication unsuccessful, basic authentication is disabled. "
     "[AM0PR04CA0022.eurprd04.prod.outlook.com]",
     "OAuth2", false},
    {"smtp-mail.outlook.com", "", "AUTH", 535,
     "Authentication unsuccessful [BN9PR03CA0100.namprd03.prod.outlook.com]", "multi-factor",
     false},
    {"smtp.mail.yahoo.com", "", "AUTH", 535, "(#AUTH005) Too many bad auth attempts.",
     "app password", false},
    {"smtp.mail.me.com", "", "AUTH", 535, "Authentication failed", "app-specific password", false},
    {"127.0.0.1", "mail.smtpsh.test ESMTP Postfix (Debian/GNU)", "AUTH", 535,
     "Error: authentication failed: (reason unavailable)", "user name or password is wrong", false},
    {"127.0.0.1", "", "AUTH", 454, "Temporary authentication failure", "try again later", false},
    {"127.0.0.2", "", "PASS", -1,
     "[AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.", "STLS",
     false},
    {"127.0.0.1", "", "PASS", -1, "[IN-USE] Mailbox locked", "lock", false},
    /* 538 5.7.11 before TLS: STARTTLS; once TLS is up (smtps://), STARTTLS
     * cannot help and the hint must not say it */
    {"127.0.0.1", "", "AUTH", 538,
     "5.7.11 Encryption required for requested authentication mechanism", "send STARTTLS", false},
    {"127.0.0.1", "", "AUTH", 538,
     "5.7.11 Encryption required for requested authentication mechanism", "TLS is already up",
     true},
    {"127.0.0.1", "", "AUTH", 530, "5.7.0 Must issue a STARTTLS command first", "TLS is already up",
     true},
    {"127.0.0.2", "", "PASS", -1,
     "[AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.", "", true},
    /* issue 12.4: Gmail's POP3 refusal is about an app password, not STLS */
    {"pop.gmail.com", "", "PASS", -1,
     "Application-specific password required: https://support.google.com/accounts/answer/185833 "
     "[AUTH]",
     "app password", false},
    /* [AUTH] says the credentials are at fault (RFC 3206), not TLS */
    {"127.0.0.1", "", "PASS", -1, "Authentication failed. [AUTH]", "user name or password is wrong",
     false},
    /* 163's STARTTLS refusal: TLS advice, not the authorization password */
    {"smtp.163.com", "", "AUTH", 530, "Must issue a STARTTLS command first", "send STARTTLS",
     false},
    {"smtp.163.com", "", "AUTH", 530, "5.7.0 Must issue a STARTTLS command first", "send STARTTLS",
     false},
    {"pop.163.com", "", "PASS", -1,
     "Plaintext authentication disallowed on non-secure (SSL/TLS) connections. [AUTH]", "STLS",
     false},
    /* and its password refusal still gets the authorization password */
    {"pop.163.com", "", "PASS", -1, "authentication failed [AUTH]", "authorization password",
     false},
};

static void diagnose(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const struct dcase *c = &cases[i];
		const struct provider_hint *h =
		    provider_diagnose(c->host, c->banner, c->verb, c->code, c->text, c->tls);
		/* want "": no hint is right (a hint about STARTTLS on TLS is not) */
		if (!c->want[0] && h)
			fail_msg("case %zu: wanted no hint, got '%s'", i, h->hint);
		if (!c->want[0])
			continue;
		if (!h || (!strcasestr(h->hint, c->want) && !strcasestr(h->fix, c->want)))
			fail_msg("case %zu (%s %d): wanted '%s', got '%s'", i, c->host, c->code,
			         c->want, h ? h->hint : "(none)");
	}
}

static void no_hint_for_success_or_unrelated(void **state)
{
	(void)state;
	assert_null(
	    provider_diagnose("smtp.qq.com", "", "AUTH", 235, "Authentication successful", false));
	assert_null(provider_diagnose("127.0.0.1", "", "RCPT", 550, "User unknown", false));
	assert_null(provider_diagnose("127.0.0.1", "", "AUTH", 535, "nothing we know", false));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rows_are_well_formed),
	    cmocka_unit_test(identify),
	    cmocka_unit_test(diagnose),
	    cmocka_unit_test(no_hint_for_success_or_unrelated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
