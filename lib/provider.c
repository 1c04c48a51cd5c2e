/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "provider.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

const struct provider providers[] = {
    {"QQ Mail",
     {"qq.com", "foxmail.com", "exmail.qq.com"},
     {"qq.com", "qq mail", "service.mail.qq.com"}},
    {"NetEase 163/126",
     {"163.com", "126.com", "yeah.net", "188.com"},
     {"163.com", "126.com", "netease", "coremail"}},
    {"Gmail",
     {"gmail.com", "googlemail.com", "google.com"},
     {"google.com", "gsmtp", "gmail", "gpop"}},
    {"Outlook / Office 365",
     {"outlook.com", "office365.com", "hotmail.com", "live.com", "microsoft.com"},
     {"outlook.com", "microsoft", "office365", "prod.outlook"}},
    {"Yahoo Mail", {"yahoo.com", "yahoo.co.jp", "ymail.com", "aol.com"}, {"yahoo", "ymail"}},
    {"iCloud Mail", {"icloud.com", "me.com", "mac.com"}, {"icloud", "apple.com", "mail.me.com"}},
};
const size_t providers_len = sizeof(providers) / sizeof(providers[0]);

const struct provider_hint provider_hints[] = {
    {"QQ Mail",
     5,
     "AUTH",
     {"authorization code", "login fail", "1001256"},
     "QQ Mail refuses the QQ password here: turn on POP3/SMTP in QQ Mail's settings (Account), "
     "generate an authorization code (授权码) and log in with it as the password; on port 587 say "
     "STARTTLS first (or use smtps:// on 465)",
     PROVIDER_QQ_HELP,
     PROVIDER_ANY},
    {"QQ Mail",
     0,
     "AUTH PASS USER",
     {0},
     "QQ Mail logins need the authorization code (授权码) from QQ Mail's settings, not the QQ "
     "password, and POP3/SMTP must be turned on there",
     PROVIDER_QQ_HELP,
     PROVIDER_ANY},
    {"QQ Mail",
     5,
     "AUTH MAIL",
     {"starttls", "ssl", "tls"},
     "QQ Mail wants an encrypted connection before login: STARTTLS on 587, or smtps:// on 465",
     PROVIDER_QQ_HELP,
     PROVIDER_PLAINTEXT},
    {"NetEase 163/126",
     0,
     "AUTH PASS USER",
     {0},
     "NetEase (163/126/yeah) logins need the client authorization password (客户端授权密码): turn "
     "on POP3/SMTP/IMAP in the mailbox settings and use the code it gives, not the web password",
     PROVIDER_NETEASE_HELP,
     PROVIDER_ANY},
    {"QQ Mail",
     5,
     "MAIL",
     {"same as authorization user"},
     "QQ Mail sends only as the account you logged in with: MAIL FROM must be that address (or "
     "the QQ number's own address)",
     "https://github.com/gogs/gogs/issues/6561",
     PROVIDER_ANY},
    {"NetEase 163/126",
     5,
     "MAIL",
     {"must equal authorized user"},
     "NetEase (163/126/yeah) sends only as the account you logged in with: MAIL FROM must be that "
     "address",
     "https://github.com/xuxueli/xxl-job/issues/3858",
     PROVIDER_ANY},
    {"NetEase 163/126",
     5,
     "MAIL RCPT DATA",
     {"554 dt:spm", "dt:spm", "spam"},
     "NetEase's anti-spam filter (DT:SPM) rejected the message content or headers: send a plainer "
     "message with proper From/To/Subject/Date headers",
     "https://help.mail.163.com/ (FAQ: 退信 DT:SPM)",
     PROVIDER_ANY},
    {"Gmail",
     5,
     "AUTH",
     {"5.7.9", "invalidsecondfactor", "application-specific"},
     "Gmail: 2-Step Verification is on, so the account password is refused: create an app password "
     "(Google Account > Security > App passwords) and log in with it",
     PROVIDER_GMAIL_APP,
     PROVIDER_ANY},
    {"Gmail",
     5,
     "AUTH",
     {"badcredentials", "5.7.8", "not accepted"},
     "Gmail: wrong user or password; the user is the full address, and with 2-Step Verification "
     "only an app password works",
     PROVIDER_GMAIL_APP,
     PROVIDER_ANY},
    {"Gmail",
     5,
     "AUTH",
     {"5.7.14", "web browser", "webloginrequired"},
     "Gmail wants you to sign in once in a web browser (a security check) before it accepts this "
     "client; or use an app password",
     "https://support.google.com/mail/answer/7126229",
     PROVIDER_ANY},
    {"Gmail",
     5,
     "MAIL RCPT",
     {"5.7.0 authentication required", "530"},
     "Gmail's submission port needs STARTTLS and AUTH before MAIL FROM",
     "https://support.google.com/mail/answer/7126229",
     PROVIDER_ANY},
    {"Gmail",
     4,
     "AUTH",
     {"too many login attempts"},
     "Gmail locked the login for a while after too many failures: wait (minutes to an hour) before "
     "trying again, and only with the right app password; the account itself is fine",
     "https://github.com/geoffsmith82/GmailAuthSMTP/issues/12",
     PROVIDER_ANY},
    {"Gmail",
     -1,
     "USER PASS",
     {"not enabled for pop access"},
     "Gmail: POP is switched off for this account: turn on 'Enable POP' in Gmail's settings "
     "(Forwarding and POP/IMAP), then log in again with the app password",
     "https://support.google.com/mail/answer/7104828",
     PROVIDER_ANY},
    {"Outlook / Office 365",
     -1,
     "USER PASS",
     {"logon failure"},
     "Outlook / Office 365 refused the POP3 login: wrong password, basic authentication switched "
     "off for the mailbox (use OAuth2 or an app password), or POP3 disabled for it by the "
     "administrator",
     PROVIDER_MS_SMTP_AUTH,
     PROVIDER_ANY},
    {"Outlook / Office 365",
     5,
     "AUTH",
     {"5.7.139", "basic authentication is disabled", "smtpclientauthentication is disabled"},
     "Outlook / Office 365: SMTP AUTH with a password is switched off for this tenant or mailbox: "
     "an administrator must enable 'Authenticated SMTP' for the mailbox, or the client must log in "
     "with OAuth2 (XOAUTH2)",
     PROVIDER_MS_SMTP_AUTH,
     PROVIDER_ANY},
    {"Outlook / Office 365",
     5,
     "AUTH",
     {"5.7.3", "authentication unsuccessful"},
     "Outlook / Office 365: the credentials were refused: wrong password, multi-factor "
     "authentication on the account (use an app password or OAuth2), or security defaults blocking "
     "basic authentication",
     PROVIDER_MS_SMTP_AUTH,
     PROVIDER_ANY},
    {"Outlook / Office 365",
     5,
     "MAIL",
     {"5.7.60", "send as"},
     "Outlook / Office 365: the logged-in user may not send as this MAIL FROM address: use your "
     "own address or get Send As permission",
     "https://learn.microsoft.com/exchange/mail-flow-best-practices/"
     "non-delivery-reports-in-exchange-online/fix-error-code-5-7-60-smtp-in-exchange-online",
     PROVIDER_ANY},
    {"Yahoo Mail",
     0,
     "AUTH PASS USER",
     {0},
     "Yahoo Mail refuses account passwords in mail clients: generate an app password (Account "
     "Security > Generate app password) and log in with it",
     PROVIDER_YAHOO_APP,
     PROVIDER_ANY},
    {"iCloud Mail",
     0,
     "AUTH PASS USER",
     {0},
     "iCloud Mail needs an app-specific password (appleid.apple.com > Sign-In and Security) and "
     "the user name is the full address; SMTP is smtp.mail.me.com on 587 with STARTTLS",
     PROVIDER_ICLOUD_APP,
     PROVIDER_ANY},
    {NULL,
     4,
     "AUTH",
     {"4.7.0", "temporary authentication failure"},
     "the server's login back end failed for a moment: try again later; this says nothing about "
     "your password",
     "RFC 4954 §6",
     PROVIDER_ANY},
    {NULL,
     5,
     "AUTH",
     {"5.7.8", "authentication failed", "invalid credentials"},
     "the user name or password is wrong (check the user is the form the server wants: often the "
     "full address)",
     "RFC 4954 §6",
     PROVIDER_ANY},
    {NULL,
     5,
     "AUTH MAIL",
     {"5.7.11", "encryption required", "must issue a starttls"},
     "the server wants TLS first: send STARTTLS, then EHLO again, then log in",
     "RFC 3207 / RFC 4954 §6",
     PROVIDER_PLAINTEXT},
    {NULL,
     5,
     "AUTH MAIL",
     {"5.7.11", "encryption required", "must issue a starttls"},
     "TLS is already up on this connection, so STARTTLS cannot help: the server does not count it "
     "as encrypted (a TLS proxy in front of it?) or allows this mechanism only elsewhere; try "
     "another mechanism from its AUTH list, or ask its administrator",
     "RFC 4954 §6",
     PROVIDER_TLS},
    {NULL,
     -1,
     "USER PASS",
     {"plaintext authentication disallowed", "non-secure", "stls"},
     "the server refuses a clear-text login on an unencrypted connection: send STLS first (or "
     "connect with pop3s:// on 995)",
     "RFC 2595 §4 / RFC 3206",
     PROVIDER_PLAINTEXT},
    {NULL,
     -1,
     "USER PASS APOP",
     {"[in-use]"},
     "another session holds the mailbox lock: close the other mail client (or wait) and log in "
     "again",
     "RFC 2449 §8.1.1",
     PROVIDER_ANY},
    {NULL,
     -1,
     "USER PASS APOP",
     {"[login-delay]"},
     "logged in too soon after the last login: wait the number of seconds the server's LOGIN-DELAY "
     "capability names",
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
