/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "provider.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"

const struct provider providers[] = {
    {N_("QQ Mail"),
     {"qq.com", "foxmail.com", "exmail.qq.com"},
     {"qq.com", "qq mail", "enter your authorization code"}},
    {N_("NetEase 163/126"),
     {"163.com", "126.com", "yeah.net", "188.com"},
     {"163.com", "126.com", "netease", "coremail"}},
    {N_("Gmail"),
     {"gmail.com", "googlemail.com", "google.com"},
     {"google.com", "gsmtp", "gmail", "gpop"}},
    {N_("Outlook / Office 365"),
     {"outlook.com", "office365.com", "hotmail.com", "live.com", "microsoft.com"},
     {"outlook.com", "microsoft", "office365", "smtpclientauthentication"}},
    {N_("Yahoo Mail"), {"yahoo.com", "yahoo.co.jp", "ymail.com", "aol.com"}, {"yahoo", "ymail"}},
    {N_("iCloud Mail"),
     {"icloud.com", "me.com", "mac.com"},
     {"icloud", "apple.com", "mail.me.com"}},
};
const size_t providers_len = sizeof(providers) / sizeof(providers[0]);

const struct provider_hint provider_hints[] = {
    {"QQ Mail",
     5,
     "AUTH",
     {"authorization code", "login fail", "1001256"},
     N_("QQ Mail refuses the QQ password here: the password was sent, and QQ wants the "
        "authorization "
        "code (授权码) instead (a wrong or old code, or POP3/SMTP switched off, gets the same "
        "words)"),
     N_("Turn on POP3/SMTP in QQ Mail's settings (Account), generate an authorization code "
        "(授权码) "
        "and log in with it as the password; on port 587 say STARTTLS first (or use smtps:// on "
        "465)."),
     PROVIDER_QQ_HELP,
     PROVIDER_ANY},
    {"QQ Mail",
     0,
     "AUTH PASS USER",
     {0},
     N_("QQ Mail logins need the authorization code (授权码) from QQ Mail's settings, not the QQ "
        "password, and POP3/SMTP must be turned on there"),
     N_("Turn on POP3/SMTP in QQ Mail's settings (Account) and log in with the authorization code "
        "it "
        "gives."),
     PROVIDER_QQ_HELP,
     PROVIDER_ANY},
    {"QQ Mail",
     5,
     "AUTH MAIL",
     {"starttls", "ssl", "tls"},
     N_("QQ Mail wants an encrypted connection before login"),
     N_("Say STARTTLS on 587 (then EHLO again), or connect with smtps:// on 465."),
     PROVIDER_QQ_HELP,
     PROVIDER_PLAINTEXT},
    {"QQ Mail",
     5,
     "MAIL",
     {"must be same as authorization user"},
     N_("QQ Mail sends only as the logged-in account: MAIL FROM named another address"),
     N_("Give MAIL FROM the address you logged in as (the full QQ Mail address)."),
     "https://github.com/swiftmailer/swiftmailer/issues/92",
     PROVIDER_ANY},
    {"NetEase 163/126",
     0,
     "AUTH PASS USER",
     {0},
     N_("NetEase (163/126/yeah) logins need the client authorization password (客户端授权密码), "
        "not "
        "the web password, and POP3/SMTP/IMAP must be switched on"),
     N_("Turn on POP3/SMTP/IMAP in the mailbox settings and log in with the client authorization "
        "password it gives."),
     PROVIDER_NETEASE_HELP,
     PROVIDER_ANY},
    {"NetEase 163/126",
     5,
     "MAIL RCPT DATA",
     {"554 dt:spm", "dt:spm", "spam"},
     N_("NetEase's anti-spam filter (DT:SPM) rejected the message content or headers"),
     N_("Send a plainer message with proper From, To, Subject and Date headers."),
     "https://help.mail.163.com/ (FAQ: 退信 DT:SPM)",
     PROVIDER_ANY},
    {"NetEase 163/126",
     5,
     "MAIL",
     {"mail from must equal authorized user"},
     N_("NetEase sends only as the logged-in account: MAIL FROM named another address"),
     N_("Give MAIL FROM the address you logged in as."),
     "https://github.com/xuxueli/xxl-job/issues/3858",
     PROVIDER_ANY},
    {"NetEase 163/126",
     5,
     "AUTH MAIL RCPT",
     {"user has no permission"},
     N_("the login worked but the account may not send: the SMTP service is switched off in the "
        "mailbox settings"),
     N_("Turn on the SMTP service (POP3/SMTP/IMAP) in the mailbox settings, then send again."),
     "https://github.com/open-falcon/mail-provider/issues/6; " PROVIDER_NETEASE_HELP,
     PROVIDER_ANY},
    {"Gmail",
     5,
     "AUTH",
     {"5.7.9", "invalidsecondfactor", "application-specific"},
     N_("Gmail has 2-Step Verification on for this account, so the account password is refused "
        "and only an app password logs in"),
     N_("Create an app password (Google Account > Security > App passwords) and log in with it."),
     PROVIDER_GMAIL_APP,
     PROVIDER_ANY},
    {"Gmail",
     5,
     "AUTH",
     {"badcredentials", "5.7.8", "not accepted"},
     N_("Gmail refused the login: wrong user or password"),
     N_("Log in with the full address as the user; with 2-Step Verification on, only an app "
        "password "
        "works."),
     PROVIDER_GMAIL_APP,
     PROVIDER_ANY},
    {"Gmail",
     5,
     "AUTH",
     {"5.7.14", "web browser", "webloginrequired"},
     N_("Gmail wants a sign-in in a web browser (a security check) before it accepts this client"),
     N_("Sign in once at mail.google.com from the same network, or use an app password."),
     "https://support.google.com/mail/answer/7126229",
     PROVIDER_ANY},
    {"Gmail",
     5,
     "MAIL RCPT",
     {"5.7.0 authentication required", "530"},
     N_("Gmail's submission port accepts mail only from a logged-in client"),
     N_("Say STARTTLS, EHLO again and AUTH before MAIL FROM."),
     "https://support.google.com/mail/answer/7126229",
     PROVIDER_ANY},
    {"Gmail",
     4,
     "AUTH",
     {"too many login attempts"},
     N_("Gmail locked the login for a while after too many failed attempts"),
     N_("Wait (some minutes), then log in with the right app password."),
     "https://github.com/geoffsmith82/GmailAuthSMTP/issues/12",
     PROVIDER_ANY},
    {"Gmail",
     -1,
     "USER PASS",
     {"not enabled for pop access"},
     N_("POP access is switched off in this Gmail account's settings"),
     N_("Enable POP in Gmail's settings (Forwarding and POP/IMAP), then log in again."),
     "https://support.google.com/mail/answer/7104828",
     PROVIDER_ANY},
    {"Outlook / Office 365",
     5,
     "AUTH",
     {"smtpclientauthentication is disabled", "smtp_auth_disabled"},
     N_("Office 365: SMTP AUTH is switched off for the whole tenant (organisation), so no mailbox "
        "may log in with a password"),
     N_("Ask the tenant's administrator to enable SMTP AUTH (Authenticated SMTP) for the mailbox, "
        "or "
        "log in with OAuth2 (XOAUTH2)."),
     PROVIDER_MS_SMTP_AUTH,
     PROVIDER_ANY},
    {"Outlook / Office 365",
     5,
     "AUTH",
     {"5.7.139", "basic authentication is disabled"},
     N_("Outlook / Office 365: basic authentication (a password over SMTP AUTH) is switched off "
        "for "
        "this mailbox"),
     N_("Have an administrator enable 'Authenticated SMTP' for the mailbox, or log in with OAuth2 "
        "(XOAUTH2)."),
     PROVIDER_MS_SMTP_AUTH,
     PROVIDER_ANY},
    {"Outlook / Office 365",
     5,
     "AUTH",
     {"5.7.3", "authentication unsuccessful"},
     N_("Outlook / Office 365 refused the credentials: a wrong password, multi-factor "
        "authentication "
        "on the account, or security defaults that block basic authentication"),
     N_("Check the password; with multi-factor authentication use an app password or OAuth2."),
     PROVIDER_MS_SMTP_AUTH,
     PROVIDER_ANY},
    {"Outlook / Office 365",
     5,
     "MAIL",
     {"5.7.60", "send as"},
     N_("Outlook / Office 365: the logged-in user may not send as this MAIL FROM address"),
     N_("Use your own address in MAIL FROM, or get Send As permission for the other one."),
     "https://learn.microsoft.com/exchange/mail-flow-best-practices/"
     "non-delivery-reports-in-exchange-online/fix-error-code-5-7-60-smtp-in-exchange-online",
     PROVIDER_ANY},
    {"Outlook / Office 365",
     -1,
     "USER PASS",
     {"logon failure", "bad password"},
     N_("Exchange refused the POP3 login: a wrong password, or basic authentication switched off "
        "for the mailbox"),
     N_("Log in with the full address and an app password, or with OAuth2 (XOAUTH2)."),
     PROVIDER_MS_SMTP_AUTH,
     PROVIDER_ANY},
    {"Yahoo Mail",
     5,
     "AUTH",
     {"#auth005", "too many bad auth"},
     N_("Yahoo Mail refused the account password (#AUTH005): only an app password logs in, and "
        "repeated failures lock the login for a while"),
     N_("Generate an app password (Account Security > Generate app password), wait a while, and "
        "log "
        "in with it."),
     "https://github.com/nodemailer/nodemailer/issues/1112; " PROVIDER_YAHOO_APP,
     PROVIDER_ANY},
    {"Yahoo Mail",
     0,
     "AUTH PASS USER",
     {0},
     N_("Yahoo Mail refuses account passwords in mail clients"),
     N_("Generate an app password (Account Security > Generate app password) and log in with it."),
     PROVIDER_YAHOO_APP,
     PROVIDER_ANY},
    {"Yahoo Mail",
     -1,
     "USER PASS",
     {"not enabled for pop access"},
     N_("POP access is switched off in this Yahoo Mail account's settings"),
     N_("Enable POP access in Yahoo Mail's account settings, then log in again."),
     PROVIDER_YAHOO_APP,
     PROVIDER_ANY},
    {"iCloud Mail",
     0,
     "AUTH PASS USER",
     {0},
     N_("iCloud Mail needs an app-specific password, and the user name is the full address"),
     N_("Create an app-specific password (appleid.apple.com > Sign-In and Security) and log in "
        "with "
        "it; SMTP is smtp.mail.me.com on 587 with STARTTLS."),
     PROVIDER_ICLOUD_APP,
     PROVIDER_ANY},
    {NULL,
     4,
     "AUTH",
     {"4.7.0", "temporary authentication failure"},
     N_("the server's login back end failed for a moment; this says nothing about your password"),
     N_("Try again later."),
     "RFC 4954 §6",
     PROVIDER_ANY},
    {NULL,
     5,
     "AUTH",
     {"5.7.8", "authentication failed", "invalid credentials"},
     N_("the user name or password is wrong"),
     N_("Check the user is the form the server wants (often the full address) and the password."),
     "RFC 4954 §6",
     PROVIDER_ANY},
    {NULL,
     5,
     "AUTH MAIL",
     {"5.7.11", "encryption required", "must issue a starttls"},
     N_("the server wants TLS before a login"),
     N_("Send STARTTLS, then EHLO again, then log in."),
     "RFC 3207 / RFC 4954 §6",
     PROVIDER_PLAINTEXT},
    {NULL,
     5,
     "AUTH MAIL",
     {"5.7.11", "encryption required", "must issue a starttls"},
     N_("TLS is already up on this connection, so STARTTLS cannot help: the server does not count "
        "it "
        "as encrypted (a TLS proxy in front of it?) or allows this mechanism only elsewhere"),
     N_("Try another mechanism from its AUTH list, or ask its administrator."),
     "RFC 4954 §6",
     PROVIDER_TLS},
    {NULL,
     -1,
     "USER PASS",
     {"plaintext authentication disallowed", "non-secure", "stls"},
     N_("the server refuses a clear-text login on an unencrypted connection"),
     N_("Send STLS first (or connect with pop3s:// on 995)."),
     "RFC 2595 §4 / RFC 3206",
     PROVIDER_PLAINTEXT},
    {NULL,
     -1,
     "USER PASS APOP",
     {"[in-use]"},
     N_("another session holds the mailbox lock"),
     N_("Close the other mail client (or wait) and log in again."),
     "RFC 2449 §8.1.1",
     PROVIDER_ANY},
    {NULL,
     -1,
     "USER PASS APOP",
     {"[login-delay]"},
     N_("the login came too soon after the last one"),
     N_("Wait the number of seconds the server's LOGIN-DELAY capability names."),
     "RFC 2449 §8.1.2",
     PROVIDER_ANY},
};
const size_t provider_hints_len = sizeof(provider_hints) / sizeof(provider_hints[0]);

static bool ends_with_domain(const char *host, const char *suffix)
{
	size_t h = strlen(host), s = strlen(suffix);
	if (s > h || strcasecmp(host + h - s, suffix))
		return false;
	return h == s || host[h - s - 1] == '.';
}

const struct provider *provider_identify(const char *host, const char *banner, const char *text)
{
	for (size_t i = 0; i < providers_len; i++) {
		const struct provider *p = &providers[i];
		for (size_t j = 0; j < 6 && p->hosts[j]; j++)
			if (host && ends_with_domain(host, p->hosts[j]))
				return p;
	}
	for (size_t i = 0; i < providers_len; i++) {
		const struct provider *p = &providers[i];
		for (size_t j = 0; j < 4 && p->words[j]; j++)
			if ((banner && strcasestr(banner, p->words[j])) ||
			    (text && strcasestr(text, p->words[j])))
				return p;
	}
	return NULL;
}

static bool verb_listed(const char *verbs, const char *verb)
{
	if (!verbs)
		return true;
	if (!verb || !*verb)
		return false;
	size_t n = strlen(verb);
	for (const char *p = verbs; *p;) {
		size_t w = strcspn(p, " ");
		if (w == n && !strncasecmp(p, verb, n))
			return true;
		p += w;
		while (*p == ' ')
			p++;
	}
	return false;
}

/* The verbs that log in, in any protocol: a provider's login refusal
 * means the same at SMTP's AUTH and POP3's USER/PASS/AUTH. */
static bool is_login_verb(const char *verb)
{
	return verb && (!strcasecmp(verb, "AUTH") || !strcasecmp(verb, "USER") ||
	                !strcasecmp(verb, "PASS") || !strcasecmp(verb, "APOP"));
}

static bool class_matches(int want, int code, const char *verb)
{
	if (want == 0)
		return code == -1 || code >= 400;
	if (want == -1)
		return code == -1;
	/* a keyed SMTP login row ("application-specific") also reads a POP3
	 * login's -ERR: Gmail says the same words at both */
	if (code == -1 && want == 5 && is_login_verb(verb))
		return true;
	return code / 100 == want;
}

/* Whether a refusal is about encryption, not the secret: a keyless
 * provider row (the credential advice) must not answer it (163's "530
 * Must issue a STARTTLS command first" is no authorization-code matter). */
static bool refusal_about_tls(int code, const char *text)
{
	static const char *const words[] = {"starttls",  "stls",    "tls",       "ssl",
	                                    "plaintext", "encrypt", "non-secure"};
	if (code == 538)
		return true;
	for (size_t i = 0; text && i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasestr(text, words[i]))
			return true;
	return false;
}

const struct provider_hint *provider_diagnose(const char *host, const char *banner,
                                              const char *verb, int code, const char *text,
                                              bool tls)
{
	if (code != -1 && code < 400)
		return NULL;
	const struct provider *p = provider_identify(host, banner, text);
	const struct provider_hint *best = NULL;
	int best_score = 0;
	for (size_t i = 0; i < provider_hints_len; i++) {
		const struct provider_hint *h = &provider_hints[i];
		if (h->provider && (!p || strcmp(h->provider, p->name)))
			continue;
		bool keyed = h->words[0] != NULL, hit = !keyed;
		if (!class_matches(h->code_class, code, verb))
			continue;
		/* a row keyed to AUTH reads a POP3 login's refusal too */
		if (!verb_listed(h->verbs, verb) &&
		    !(code == -1 && keyed && is_login_verb(verb) && verb_listed(h->verbs, "AUTH")))
			continue;
		if (!keyed && refusal_about_tls(code, text))
			continue;
		if ((h->when == PROVIDER_PLAINTEXT && tls) || (h->when == PROVIDER_TLS && !tls))
			continue;
		for (size_t j = 0; j < 4 && h->words[j] && text; j++)
			if (strcasestr(text, h->words[j]))
				hit = true;
		if (!hit)
			continue;
		int score = (h->provider ? 2 : 0) + (keyed ? 1 : 0);
		if (score > best_score) {
			best = h;
			best_score = score;
		}
	}
	return best;
}
