/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "doctor.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "provider.h"

static const struct doctor_cause_info causes[DOCTOR_CAUSES] = {
    [DOCTOR_CAUSE_NONE] = {"none", "", "", false},
    [DOCTOR_CAUSE_DNS] = {"dns", N_("DNS failure: the server's name does not resolve"),
                          N_("check the host name and this machine's DNS (resolv.conf, VPN)"),
                          true},
    [DOCTOR_CAUSE_PORT_BLOCKED] =
        {"port_blocked", N_("port blocked: the connection attempt got no answer"),
         N_("a firewall or the network drops this port: try the provider's other port (465 or "
            "587), or another network"),
         true},
    [DOCTOR_CAUSE_CONN_REFUSED] = {"refused",
                                   N_("nothing answers on this port (refused or unreachable)"),
                                   N_("check the server name and port; the service may be down"),
                                   true},
    [DOCTOR_CAUSE_CLOCK_OR_CA] =
        {"clock_or_ca", N_("clock or CA problem: the certificate is expired or not yet valid"),
         N_("check this machine's date and time; if it is right, the server's certificate has "
            "expired and its operator must renew it"),
         true},
    [DOCTOR_CAUSE_CERTIFICATE] =
        {"certificate", N_("the TLS handshake or the certificate check failed"),
         N_("trust the server's CA (--cafile), check the host name, or look for a proxy that "
            "intercepts TLS"),
         true},
    [DOCTOR_CAUSE_SERVER_BROKE] =
        {"server_broke", N_("the server hung up, went silent or broke the protocol"),
         N_("try again later; if it persists, the server or something in between is at fault"),
         true},
    [DOCTOR_CAUSE_NO_AUTH] = {"no_auth", N_("the server offers no login mechanism smtpsh can use"),
                              N_("use the provider's submission port (465 or 587) with TLS"),
                              false},
    [DOCTOR_CAUSE_SERVICE_OFF] =
        {"service_off", N_("service switched off: this account's SMTP or POP3 access is off"),
         N_("switch on POP3/SMTP in the mailbox's settings (web mail, Settings > Accounts)"),
         false},
    [DOCTOR_CAUSE_AUTH_CODE] =
        {"authorization_code",
         N_("authorization code needed: the account password is refused here"),
         N_("generate an authorization code in the mailbox's settings and log in with it"), false},
    [DOCTOR_CAUSE_APP_PASSWORD] =
        {"app_password", N_("app password needed: the account password is refused here"),
         N_("create an app password in the account's security settings and log in with it"), false},
    [DOCTOR_CAUSE_TENANT_AUTH_OFF] =
        {"tenant_auth_off", N_("SMTP AUTH disabled for the tenant"),
         N_("an administrator must enable Authenticated SMTP for the mailbox, or the client must "
            "use OAuth2"),
         false},
    [DOCTOR_CAUSE_SENDER_MISMATCH] =
        {"sender_mismatch", N_("sender mismatch: MAIL FROM is not the address logged in"),
         N_("send from the address you log in with, or get permission to send as the other one"),
         false},
    [DOCTOR_CAUSE_LOCKED] = {"locked", N_("account locked after too many failed logins"),
                             N_("wait (often 10 to 60 minutes), then log in once with the right "
                                "secret; stop any client that keeps retrying a wrong one"),
                             false},
    [DOCTOR_CAUSE_WRONG_SECRET] =
        {"wrong_secret", N_("the user name or password is wrong"),
         N_("check the user name (often the full address) and the secret"), false},
    [DOCTOR_CAUSE_REFUSED] = {"refused_reply", N_("the server refused this step"),
                              N_("read the server's words above; explain CODE tells more"), false},
    [DOCTOR_CAUSE_NO_SECRET] = {"no_secret", N_("no password to log in with"),
                                N_("type it when asked, or set SMTPSH_PASSWORD, or use "
                                   "--password-file FILE (never on the command line)"),
                                false},
};

const struct doctor_cause_info *doctor_cause_info(enum doctor_cause c)
{
	return &causes[c < DOCTOR_CAUSES ? c : DOCTOR_CAUSE_NONE];
}

const char *doctor_cause_words(enum doctor_cause c)
{
	const char *w = doctor_cause_info(c)->words;
	return *w ? _(w) : w;
}

const char *doctor_cause_fix(enum doctor_cause c)
{
	const char *f = doctor_cause_info(c)->fix;
	return *f ? _(f) : f;
}

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

struct doctor_step *doctor_add(struct doctor_report *r, const char *name,
                               enum doctor_outcome outcome, enum doctor_cause cause,
                               const char *fmt, ...)
{
	if (r->n >= DOCTOR_MAX_STEPS)
		return NULL;
	struct doctor_step *st = &r->steps[r->n++];
	memset(st, 0, sizeof(*st));
	copy(st->name, sizeof(st->name), name);
	st->outcome = outcome;
	st->cause = cause;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(st->detail, sizeof(st->detail), fmt, ap);
	va_end(ap);
	if (outcome == DOCTOR_FAILED || outcome == DOCTOR_NOTED)
		copy(st->fix, sizeof(st->fix), doctor_cause_fix(cause));
	return st;
}

/* Words in a refusal that tell its cause, checked in this order: the
 * tenant's refusal also says "authentication unsuccessful", and Yahoo
 * words its app-password refusal as "too many bad auth attempts". */
static const struct {
	enum doctor_cause cause;
	const char *words[5];
} telling_words[] = {
    {DOCTOR_CAUSE_TENANT_AUTH_OFF,
     {"smtpclientauthentication is disabled", "smtp_auth_disabled", "disabled for the tenant"}},
    {DOCTOR_CAUSE_SERVICE_OFF,
     {"not enabled for pop", "has no permission", "service is not open", "service disabled"}},
    {DOCTOR_CAUSE_SENDER_MISMATCH,
     {"must be same as authorization user", "must equal authorized user", "5.7.60",
      "send as this sender"}},
    {DOCTOR_CAUSE_APP_PASSWORD,
     {"application-specific password", "5.7.9 ", "basic authentication is disabled", "#auth005"}},
    {DOCTOR_CAUSE_AUTH_CODE, {"authorization code", "授权码"}},
    {DOCTOR_CAUSE_LOCKED,
     {"too many login attempts", "account is locked", "temporarily locked", "too many failed"}},
};

static bool is_login_verb(const char *verb)
{
	return verb && (!strcasecmp(verb, "AUTH") || !strcasecmp(verb, "USER") ||
	                !strcasecmp(verb, "PASS") || !strcasecmp(verb, "APOP"));
}

enum doctor_cause doctor_cause_of_reply(enum doctor_secret wanted, const char *verb, int code,
                                        const char *text)
{
	if (code != -1 && code < 400)
		return DOCTOR_CAUSE_NONE;
	for (size_t i = 0; i < sizeof(telling_words) / sizeof(telling_words[0]); i++)
		for (size_t j = 0; j < 5 && telling_words[i].words[j]; j++)
			if (text && strcasestr(text, telling_words[i].words[j]))
				return telling_words[i].cause;
	if (!is_login_verb(verb))
		return DOCTOR_CAUSE_REFUSED;
	switch (wanted) {
	case DOCTOR_SECRET_PASSWORD: return DOCTOR_CAUSE_WRONG_SECRET;
	case DOCTOR_SECRET_AUTH_CODE: return DOCTOR_CAUSE_AUTH_CODE;
	case DOCTOR_SECRET_APP_PASSWORD: return DOCTOR_CAUSE_APP_PASSWORD;
	}
	return DOCTOR_CAUSE_WRONG_SECRET;
}

void doctor_explain_reply(struct doctor_step *st, enum doctor_secret wanted, const char *domain,
                          const char *banner, const char *verb, int code, const char *text,
                          bool tls)
{
	st->cause = doctor_cause_of_reply(wanted, verb, code, text);
	const struct provider_hint *h = provider_diagnose(domain, banner, verb, code, text, tls);
	copy(st->why, sizeof(st->why), h ? _(h->hint) : "");
	copy(st->fix, sizeof(st->fix), h ? _(h->fix) : doctor_cause_fix(st->cause));
	copy(st->source, sizeof(st->source), h ? h->source : "");
}

enum doctor_cause doctor_cause_of_error(enum smtpsh_err e, bool clock_bound)
{
	switch (e) {
	case SMTPSH_OK: return DOCTOR_CAUSE_NONE;
	case SMTPSH_EINVAL: return DOCTOR_CAUSE_DNS; /* conn_connect: unknown host */
	case SMTPSH_ETIMEOUT: return DOCTOR_CAUSE_PORT_BLOCKED;
	case SMTPSH_EIO: return DOCTOR_CAUSE_CONN_REFUSED;
	case SMTPSH_ETLS:
		/* from the verification result, not its words (they are translated) */
		return clock_bound ? DOCTOR_CAUSE_CLOCK_OR_CA : DOCTOR_CAUSE_CERTIFICATE;
	case SMTPSH_ECLOSED:
	case SMTPSH_EPROTO:
	case SMTPSH_ESTATE:
	case SMTPSH_ENOMEM: return DOCTOR_CAUSE_SERVER_BROKE;
	}
	return DOCTOR_CAUSE_SERVER_BROKE;
}

enum doctor_verdict doctor_verdict(const struct doctor_report *r)
{
	bool unreachable = false, account = false;
	for (size_t i = 0; i < r->n; i++) {
		if (r->steps[i].outcome != DOCTOR_FAILED)
			continue;
		if (doctor_cause_info(r->steps[i].cause)->reach)
			unreachable = true;
		else
			account = true;
	}
	return account       ? DOCTOR_ACCOUNT_PROBLEM
	       : unreachable ? DOCTOR_UNREACHABLE
	                     : DOCTOR_ALL_PASSED;
}

const struct doctor_step *doctor_first_failure(const struct doctor_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->steps[i].outcome == DOCTOR_FAILED)
			return &r->steps[i];
	return NULL;
}
