/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Provider diagnosis: what a failed login or send means at QQ Mail,
 * NetEase 163/126, Gmail, Outlook/Office 365, Yahoo, iCloud, and what to
 * do.  Data, not code: add a row to extend it.  Providers word things in
 * many ways, so matching is by case-insensitive keywords, any of which
 * may appear anywhere, never by one exact string. */
#ifndef SMTPSH_PROVIDER_H
#define SMTPSH_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>

/* The providers' help pages, one source for the hints here and for the
 * lab's personas (lab/persona.c). */
#define PROVIDER_QQ_HELP "https://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256"
#define PROVIDER_NETEASE_HELP "https://help.mail.163.com/ (FAQ: 客户端授权密码)"
#define PROVIDER_GMAIL_APP "https://support.google.com/accounts/answer/185833"
#define PROVIDER_MS_SMTP_AUTH                                                                      \
	"https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/"              \
	"authenticated-client-smtp-submission"
#define PROVIDER_YAHOO_APP "https://help.yahoo.com/kb/SLN15241.html"
#define PROVIDER_ICLOUD_APP "https://support.apple.com/en-us/102654"

struct provider {
	const char *name;
	/* host name suffixes ("qq.com" matches smtp.qq.com) */
	const char *hosts[6];
	/* words that betray the provider in a banner or reply text */
	const char *words[4];
};
extern const struct provider providers[];
extern const size_t providers_len;

/* A hint that says "STARTTLS first" misleads once TLS is up. */
enum provider_when {
	PROVIDER_ANY = 0,
	PROVIDER_PLAINTEXT, /* only when the connection is not encrypted */
	PROVIDER_TLS,       /* only when TLS is up */
};

struct provider_hint {
	const char *provider; /* a providers[].name, or NULL for any */
	int code_class;       /* 4 or 5 for SMTP classes; -1 for POP3 -ERR;
	                         0 for any failure */
	const char *verbs;    /* space-separated verbs it follows ("AUTH PASS"),
	                         or NULL for any */
	/* the reply text must hold one of these (case-insensitive); an
	 * empty list matches any failure of those verbs */
	const char *words[4];
	const char *hint;        /* why: what the refusal means there (a sentence) */
	const char *fix;         /* what to do (a sentence ending in '.') */
	const char *source;      /* documentation the hint is taken from */
	enum provider_when when; /* whether TLS must be off or on for it */
};
extern const struct provider_hint provider_hints[];
extern const size_t provider_hints_len;

/* The provider behind a host name, banner or reply text, or NULL. */
const struct provider *provider_identify(const char *host, const char *banner, const char *text);

/* The best hint for a failed reply: code (SMTP code, or -1 for a POP3
 * -ERR), the verb it answered ("AUTH", "PASS"...), the reply text, and
 * what identifies the provider; tls: whether the connection is encrypted
 * (implicit TLS or after STARTTLS).  Rows with keywords beat rows
 * without; provider rows beat generic ones.  NULL when nothing applies. */
const struct provider_hint *provider_diagnose(const char *host, const char *banner,
                                              const char *verb, int code, const char *text,
                                              bool tls);

#endif
