/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What replies mean: const tables and lookups.  No I/O.
 *
 * The meanings are written for a student typing the protocol by hand:
 * one line each, lower case, no final full stop, ASCII only (the tests
 * check all three).  Sources are named so that a reader can check them.
 * Table texts are marked N_() and every lookup returns them through _():
 * callers print what they get, translated once (po/parts/zh_CN-annot.po).
 * Sentences built around server text are whole formats, one per case.
 * The tables are small, so every lookup is a linear scan. */
#include "annot.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "headers.h"
#include "i18n.h"
#include "reply.h"
#include "text.h"

/* ---- SMTP basic reply codes ------------------------------------------ */

/* RFC 5321 §4.2.2/4.2.3 unless marked; RFC 4954 (AUTH), RFC 3207
 * (STARTTLS), RFC 7504 (521, 556).  Context entries first say what the
 * code means after that command, then what to do next. */
const struct annot_smtp_code annot_smtp_codes[] = {
    {211, NULL, N_("system status, or a reply to a request for system help")},
    {214, NULL, N_("help text meant for a human reader")},
    {214, "HELP", N_("help text: the commands the server knows, or where to read more")},

    {220, NULL, N_("service ready")},
    {220, "", N_("the server is ready: say EHLO (or HELO) with your host name to begin")},
    {220, "STARTTLS",
     N_("ready to start TLS: begin the handshake now, then send EHLO again (RFC 3207)")},

    {221, NULL, N_("the server is closing the connection")},
    {221, "QUIT", N_("goodbye: the server closes the connection (QUIT done)")},

    {235, NULL, N_("authentication succeeded (RFC 4954)")},
    {235, "AUTH", N_("authentication succeeded: you are logged in and may send mail (RFC 4954)")},

    {250, NULL, N_("requested action done: OK")},
    {250, "EHLO",
     N_("hello accepted: the lines that follow list the extensions the server supports")},
    {250, "HELO",
     N_("hello accepted (plain SMTP: no extension list; use EHLO to see the extensions)")},
    {250, "MAIL", N_("sender accepted: now give one or more RCPT TO:<address>")},
    {250, "RCPT", N_("recipient accepted: add more RCPT TO, or send DATA")},
    {250, "DATA", N_("after the final \".\": message accepted and queued for delivery")},
    {250, "BDAT",
     N_("chunk received; after BDAT ... LAST: message accepted and queued (RFC 3030)")},
    {250, "RSET", N_("transaction reset: sender, recipients and message text are forgotten")},
    {250, "NOOP", N_("OK: the connection is alive (nothing was done)")},
    {250, "VRFY", N_("the address exists: the reply names the mailbox")},
    {250, "EXPN", N_("the mailing list's members follow, one per line")},
    {250, "ETRN", N_("the server starts delivering the mail queued for that domain (RFC 1985)")},

    {251, NULL, N_("user not local: the server will forward the message to the address it gives")},
    {252, NULL,
     N_("the server will not say whether the user exists, but accepts mail for it and will try to "
        "deliver")},
    {252, "VRFY",
     N_("cannot verify this user (VRFY is restricted), but mail to it is accepted and delivery "
        "will "
        "be tried")},

    {334, NULL,
     N_("authentication in progress: the text is a base64 challenge; answer with one base64 line "
        "(RFC "
        "4954)")},
    {334, "AUTH",
     N_("a base64 challenge: answer with a base64 line (or \"*\" to cancel) (RFC 4954)")},

    {354, NULL, N_("start the message input; end it with a line holding only \".\"")},
    {354, "DATA",
     N_("type the message: headers, a blank line, the body, then a line holding only \".\"")},

    {421, NULL,
     N_("service not available: the server is closing the connection (can come at any time: idle "
        "timeout, overload, shutdown)")},
    {421, "",
     N_("the server will not serve you now (overloaded, or your address is refused) and closes the "
        "connection")},

    {432, NULL,
     N_("a password transition is needed: log in once with PLAIN (over TLS), then this mechanism "
        "works (RFC 4954)")},

    {450, NULL,
     N_("mailbox unavailable for now (busy, or temporarily refused, e.g. greylisting): try again "
        "later")},
    {451, NULL,
     N_("action aborted: a local error on the server while processing; try again later")},
    {451, "DATA",
     N_("the message was not accepted because of a temporary server problem: send it again later")},
    {452, NULL,
     N_("not enough storage on the server, or too many recipients: try again later (or with fewer "
        "recipients)")},
    {452, "RCPT",
     N_("too many recipients in this transaction (or the server is short of storage): send the "
        "rest "
        "in a new one")},

    {454, NULL,
     N_("temporary failure: TLS not available right now (RFC 3207) or the authentication service "
        "failed (RFC 4954)")},
    {454, "STARTTLS",
     N_("TLS is not available right now (a temporary problem on the server): try again later (RFC "
        "3207)")},
    {454, "AUTH",
     N_("temporary authentication failure: the server's login backend failed, not your password; "
        "try "
        "again later (RFC 4954)")},

    {455, NULL, N_("the server cannot accept the MAIL/RCPT parameters now: try again later")},

    {500, NULL, N_("syntax error: command not recognised (or the line is too long)")},
    {500, "HELLO", N_("HELLO is not an SMTP command (a typo in many tutorials): use HELO or EHLO")},
    {500, "AUTH", N_("authentication line too long or not understood (RFC 4954)")},

    {501, NULL, N_("syntax error in the parameters or arguments")},
    {501, "HELO", N_("HELO needs an argument: your host name (HELO client.example.org)")},
    {501, "EHLO", N_("EHLO needs an argument: your host name (EHLO client.example.org)")},
    {501, "MAIL",
     N_("bad sender syntax: write MAIL FROM:<address> (angle brackets, no space after the colon)")},
    {501, "RCPT",
     N_("bad recipient syntax: write RCPT TO:<address> (angle brackets, no space after the "
        "colon)")},
    {501, "AUTH",
     N_("authentication cancelled (you sent \"*\"), the base64 was malformed, or the mechanism is "
        "missing")},

    {502, NULL, N_("command not implemented")},
    {502, "VRFY", N_("VRFY is disabled here (servers hide which addresses exist from spammers)")},
    {502, "EXPN", N_("EXPN is disabled here (servers hide mailing-list members)")},
    {502, "AUTH", N_("AUTH is not available here (no login on this port, or only after STARTTLS)")},

    {503, NULL, N_("bad sequence of commands: something else must come first")},
    {503, "MAIL",
     N_("MAIL out of order: say HELO/EHLO first, or a transaction is already open (RSET ends it)")},
    {503, "RCPT", N_("RCPT out of order: give MAIL FROM first")},
    {503, "DATA", N_("DATA out of order: at least one RCPT TO must have been accepted")},
    {503, "AUTH",
     N_("AUTH refused here: EHLO first, login not offered (maybe only after STARTTLS), or you are "
        "already logged in")},

    {504, NULL, N_("command parameter not implemented")},
    {504, "AUTH",
     N_("authentication mechanism not supported: pick one from the AUTH line of the EHLO reply")},

    {521, NULL, N_("this host does not accept mail at all (RFC 7504)")},

    {530, NULL,
     N_("authentication required, or STARTTLS must come first: the text says which (RFC 4954)")},
    {530, "AUTH",
     N_("start TLS first: this server only allows login over an encrypted connection")},
    {530, "MAIL", N_("log in (AUTH) or start TLS before sending: the text says which")},

    {534, NULL,
     N_("authentication mechanism too weak for this account: choose a stronger one (RFC 4954)")},
    {535, NULL, N_("authentication credentials invalid: wrong user name or password (RFC 4954)")},
    {535, "AUTH",
     N_("login failed: wrong user name or password (or its base64), or the provider wants an app "
        "password / authorization code")},
    /* what to do depends on whether TLS is up: the provider hint says */
    {538, NULL, N_("this authentication mechanism needs an encrypted connection (RFC 4954)")},

    {550, NULL,
     N_("action not taken: mailbox unavailable (not found, no access) or refused by policy")},
    {550, "MAIL", N_("sender refused (its address or domain is not accepted by policy)")},
    {550, "RCPT",
     N_("recipient refused: no such user here, or relaying to that domain is not allowed")},
    {550, "VRFY", N_("no such user here")},

    {551, NULL, N_("user not local: try the address the server gives (it will not forward)")},

    {552, NULL,
     N_("action aborted: storage allocation exceeded (message too big, or mailbox full)")},
    {552, "MAIL", N_("the declared message size (SIZE=) is over the server's limit")},
    {552, "DATA", N_("message refused: too big for the server or the mailbox is full")},

    {553, NULL, N_("action not taken: mailbox name not allowed (bad syntax, or not permitted)")},
    {553, "MAIL",
     N_("sender address not allowed: bad syntax, or not yours (not the account you logged in "
        "with)")},
    {553, "RCPT", N_("recipient address not allowed (bad syntax, or refused)")},

    {554, NULL, N_("transaction failed (as a greeting: no SMTP service here)")},
    {554, "", N_("the server refuses to talk to you at all: no SMTP service here")},
    {554, "RCPT",
     N_("recipient refused by policy (often \"relay access denied\": log in first to send to other "
        "domains)")},
    {554, "DATA",
     N_("message refused: no valid recipients, or the content was rejected (spam, virus, policy)")},

    {555, NULL, N_("MAIL FROM/RCPT TO parameters not recognised or not implemented")},
    {556, NULL,
     N_("the recipient's domain does not accept mail (RFC 7504; e.g. a null MX, RFC 7505)")},
};
const size_t annot_smtp_codes_len = sizeof(annot_smtp_codes) / sizeof(annot_smtp_codes[0]);

static const char *smtp_first_digit(int digit)
{
	switch (digit) {
	case 1: return _("positive preliminary (never used by SMTP)");
	case 2: return _("success");
	case 3: return _("intermediate: the server waits for more from you");
	case 4: return _("temporary failure: the same command may work later");
	case 5: return _("permanent failure: do not repeat it unchanged");
	default: return NULL;
	}
}

static const char *smtp_second_digit(int digit)
{
	switch (digit) {
	case 0: return _("about syntax");
	case 1: return _("information");
	case 2: return _("about the connection");
	case 3:
	case 4: return _("unspecified category");
	case 5: return _("about the mail system");
	default: return _("undefined category");
	}
}

/* An explanation of an unregistered code built from its digits. */
static const char *smtp_by_digits(int code, char *buf, size_t bufsz)
{
	if (!buf || bufsz == 0)
		return _("a reply code smtpsh does not know");
	const char *first = code >= 100 && code <= 599 ? smtp_first_digit(code / 100) : NULL;
	if (!first)
		snprintf(buf, bufsz,
		         _("%d is not an SMTP reply code (three digits, the first 2 to 5)"), code);
	else
		snprintf(buf, bufsz, _("%dxx: %s; x%dx: %s (unregistered code %d)"), code / 100,
		         first, code / 10 % 10, smtp_second_digit(code / 10 % 10), code);
	return buf;
}

const char *annot_smtp(int code, const char *verb, char *buf, size_t bufsz)
{
	const char *general = NULL;
	for (size_t i = 0; i < annot_smtp_codes_len; i++) {
		const struct annot_smtp_code *c = &annot_smtp_codes[i];
		if (c->code != code)
			continue;
		if (!c->context) {
			if (!general)
				general = c->meaning;
		} else if (verb && !strcasecmp(c->context, verb)) {
			return _(c->meaning);
		}
	}
	return general ? _(general) : smtp_by_digits(code, buf, bufsz);
}

bool annot_smtp_registered(int code)
{
	for (size_t i = 0; i < annot_smtp_codes_len; i++)
		if (annot_smtp_codes[i].code == code)
			return true;
	return false;
}

/* ---- Enhanced status codes -------------------------------------------- */

/* The IANA "SMTP Enhanced Status Codes" registry (RFC 5248): subjects
 * (detail -1) and every enumerated X.Y.Z, each with the document that
 * registered it. */
const struct annot_esc_entry annot_esc_table[] = {
    {0, -1, N_("other or undefined status"), "RFC 3463"},
    {0, 0, N_("other or undefined status: no more detail given"), "RFC 3463"},

    {1, -1, N_("addressing status (the sender's or a recipient's address)"), "RFC 3463"},
    {1, 0, N_("something about an address is wrong (no more detail)"), "RFC 3463"},
    {1, 1, N_("bad destination mailbox: no such user at that domain"), "RFC 3463"},
    {1, 2, N_("bad destination system: the domain does not exist or takes no mail"), "RFC 3463"},
    {1, 3, N_("bad destination mailbox address syntax"), "RFC 3463"},
    {1, 4, N_("destination address is ambiguous: it matches more than one mailbox"), "RFC 3463"},
    {1, 5, N_("destination address valid (a success detail)"), "RFC 3463"},
    {1, 6, N_("the mailbox has moved away and left no forwarding address"), "RFC 3463"},
    {1, 7, N_("bad sender mailbox address syntax"), "RFC 3463"},
    {1, 8, N_("bad sender system address: the sender's domain does not exist or takes no mail"),
     "RFC 3463"},
    {1, 9, N_("relayed to a system that cannot report further delivery status"), "RFC 3886"},
    {1, 10, N_("the recipient's domain has a null MX: it accepts no mail"), "RFC 7505"},

    {2, -1, N_("mailbox status (the recipient's mailbox)"), "RFC 3463"},
    {2, 0, N_("something about the mailbox (no more detail)"), "RFC 3463"},
    {2, 1, N_("mailbox disabled: it exists but accepts no messages"), "RFC 3463"},
    {2, 2, N_("mailbox full (over quota)"), "RFC 3463"},
    {2, 3, N_("message longer than this mailbox's size limit"), "RFC 3463"},
    {2, 4, N_("problem expanding a mailing list"), "RFC 3463"},

    {3, -1, N_("mail system status (the receiving system)"), "RFC 3463"},
    {3, 0, N_("something about the receiving system (no more detail)"), "RFC 3463"},
    {3, 1, N_("the mail system is full (out of storage)"), "RFC 3463"},
    {3, 2, N_("the system is not accepting messages now (load, maintenance)"), "RFC 3463"},
    {3, 3, N_("the system cannot do a feature the message asks for"), "RFC 3463"},
    {3, 4, N_("message too big for the system"), "RFC 3463"},
    {3, 5, N_("the system is configured wrongly"), "RFC 3463"},
    {3, 6, N_("the requested priority was changed"), "RFC 6710"},

    {4, -1, N_("network and routing status"), "RFC 3463"},
    {4, 0, N_("a network or routing problem (no more detail)"), "RFC 3463"},
    {4, 1, N_("no answer from the next host"), "RFC 3463"},
    {4, 2, N_("bad connection: it broke during the transfer"), "RFC 3463"},
    {4, 3, N_("directory server failure (e.g. DNS lookup failed)"), "RFC 3463"},
    {4, 4, N_("unable to route: no way to reach the destination"), "RFC 3463"},
    {4, 5, N_("mail system congestion"), "RFC 3463"},
    {4, 6, N_("routing loop detected (the message went round in circles)"), "RFC 3463"},
    {4, 7, N_("delivery time expired: the message was queued too long"), "RFC 3463"},

    {5, -1, N_("mail delivery protocol status (the SMTP commands themselves)"), "RFC 3463"},
    {5, 0, N_("a protocol problem (no more detail)"), "RFC 3463"},
    {5, 1, N_("invalid command (unknown, or out of sequence)"), "RFC 3463"},
    {5, 2, N_("syntax error"), "RFC 3463"},
    {5, 3, N_("too many recipients"), "RFC 3463"},
    {5, 4, N_("invalid command arguments"), "RFC 3463"},
    {5, 5, N_("wrong protocol version"), "RFC 3463"},
    {5, 6, N_("authentication exchange line too long"), "RFC 4954"},

    {6, -1, N_("message content or media status"), "RFC 3463"},
    {6, 0, N_("something about the message content (no more detail)"), "RFC 3463"},
    {6, 1, N_("media type not supported"), "RFC 3463"},
    {6, 2, N_("conversion needed but not allowed"), "RFC 3463"},
    {6, 3, N_("conversion needed but not possible"), "RFC 3463"},
    {6, 4, N_("converted, but some content was lost"), "RFC 3463"},
    {6, 5, N_("conversion failed"), "RFC 3463"},
    {6, 6, N_("message content not available (BURL could not fetch it)"), "RFC 4468"},
    {6, 7, N_("non-ASCII addresses are not allowed for this sender or recipient"), "RFC 6531"},
    {6, 8, N_("a UTF-8 reply is needed, but the client has not allowed one"), "RFC 6531"},
    {6, 9, N_("a message with UTF-8 headers cannot be passed on to a recipient"), "RFC 6531"},
    {6, 10, N_("deprecated duplicate of X.6.8 (UTF-8 reply needed but not allowed)"), "RFC 6531"},

    {7, -1, N_("security or policy status"), "RFC 3463"},
    {7, 0, N_("a security or policy problem (no more detail; also \"authentication required\")"),
     "RFC 3463"},
    {7, 1, N_("delivery not authorized: refused by policy (relaying, blocklist, filter)"),
     "RFC 3463"},
    {7, 2, N_("not allowed to send to this mailing list"), "RFC 3463"},
    {7, 3,
     N_("security conversion needed but not possible (Microsoft also uses 5.7.3 for failed "
        "logins)"),
     "RFC 3463"},
    {7, 4, N_("security features not supported"), "RFC 3463"},
    {7, 5, N_("cryptographic failure (a key is missing or invalid)"), "RFC 3463"},
    {7, 6, N_("cryptographic algorithm not supported"), "RFC 3463"},
    {7, 7, N_("message integrity failure: corrupted or altered"), "RFC 3463"},
    {7, 8, N_("authentication credentials invalid: wrong user name or password"), "RFC 4954"},
    {7, 9, N_("authentication mechanism too weak for this account"), "RFC 4954"},
    {7, 10, N_("encryption needed to use this authentication mechanism (start TLS)"), "RFC 5248"},
    {7, 11, N_("this authentication mechanism is only allowed over an encrypted connection"),
     "RFC 4954"},
    {7, 12, N_("a password transition is needed (log in once with PLAIN)"), "RFC 4954"},
    {7, 13, N_("user account disabled (ask the administrator)"), "RFC 5248"},
    {7, 14, N_("a trust relationship with another server is required"), "RFC 5248"},
    {7, 15, N_("the requested priority is too low"), "RFC 6710"},
    {7, 16, N_("the message is too big for the requested priority"), "RFC 6710"},
    {7, 17, N_("the mailbox has changed owner since the date given (RRVS)"), "RFC 7293"},
    {7, 18, N_("the domain has changed owner since the date given (RRVS)"), "RFC 7293"},
    {7, 19, N_("the RRVS check cannot be completed"), "RFC 7293"},
    {7, 20, N_("no passing DKIM signature found"), "RFC 7372"},
    {7, 21, N_("no acceptable DKIM signature found"), "RFC 7372"},
    {7, 22, N_("no valid DKIM signature matching the author (From) found"), "RFC 7372"},
    {7, 23, N_("SPF check failed: the sending host is not allowed for that domain"), "RFC 7372"},
    {7, 24, N_("SPF check ended in an error"), "RFC 7372"},
    {7, 25, N_("reverse DNS check of the client's address failed"), "RFC 7372"},
    {7, 26, N_("several authentication checks (SPF, DKIM, ...) failed"), "RFC 7372"},
    {7, 27, N_("the sender's domain has a null MX: it accepts no mail, so no bounce could return"),
     "RFC 7505"},
    {7, 28, N_("mail flood detected: looks like part of a mass of similar abusive messages"),
     "IANA (draft-levine-mailbomb-header)"},
    {7, 29, N_("ARC validation failed"), "RFC 8617"},
    {7, 30, N_("REQUIRETLS support is required but the next hop lacks it"), "RFC 8689"},
};
const size_t annot_esc_table_len = sizeof(annot_esc_table) / sizeof(annot_esc_table[0]);

static const char *esc_klass_meaning(int klass)
{
	switch (klass) {
	case 2: return N_("Success");
	case 4: return N_("Persistent transient failure");
	case 5: return N_("Permanent failure");
	default: return NULL;
	}
}

static const struct annot_esc_entry *esc_find(int subject, int detail)
{
	for (size_t i = 0; i < annot_esc_table_len; i++)
		if (annot_esc_table[i].subject == subject && annot_esc_table[i].detail == detail)
			return &annot_esc_table[i];
	return NULL;
}

/* 1 to max_digits decimal digits; advances *p. */
static bool parse_digits(const char **p, int max_digits, int *out)
{
	const char *s = *p;
	int value = 0, n = 0;
	while (isdigit((unsigned char)*s)) {
		if (++n > max_digits)
			return false;
		value = value * 10 + (*s++ - '0');
	}
	if (n == 0)
		return false;
	*out = value;
	*p = s;
	return true;
}

bool annot_esc_lookup(const char *esc, struct annot_esc *out)
{
	if (!esc)
		return false;
	/* RFC 3463: class "." subject "." detail; class one of 2, 4, 5;
	 * subject and detail 1 to 3 digits.  Nothing before or after. */
	const char *p = esc;
	int klass, subject, detail;
	if (!parse_digits(&p, 1, &klass) || !esc_klass_meaning(klass) || *p++ != '.')
		return false;
	if (!parse_digits(&p, 3, &subject) || *p++ != '.')
		return false;
	if (!parse_digits(&p, 3, &detail) || *p != '\0')
		return false;
	if (out) {
		const struct annot_esc_entry *s = esc_find(subject, -1);
		const struct annot_esc_entry *d = esc_find(subject, detail);
		out->klass = klass;
		out->subject = subject;
		out->detail = detail;
		out->klass_meaning = _(esc_klass_meaning(klass));
		out->subject_meaning = s ? _(s->meaning) : NULL;
		out->detail_meaning = d ? _(d->meaning) : NULL;
		out->source = d ? d->source : NULL;
	}
	return true;
}

/* ---- bounded output ---------------------------------------------------- */

/* Appends to a caller's buffer; a cut text ends in "...". */
struct out {
	char *buf;
	size_t size, len;
	bool cut;
};

static void out_init(struct out *o, char *buf, size_t size)
{
	o->buf = buf;
	o->size = size;
	o->len = 0;
	o->cut = false;
	buf[0] = '\0';
}

__attribute__((format(printf, 2, 3))) static void out_printf(struct out *o, const char *fmt, ...)
{
	if (o->cut)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= o->size - o->len) {
		o->len = o->size - 1;
		o->cut = true;
	} else {
		o->len += (size_t)n;
	}
}

/* Server text quoted in an annotation, through the one sanitiser: the
 * safe text, to go as an argument into a whole sentence.  The caller
 * frees b. */
static const char *untrusted(struct buf *b, const char *s, size_t n)
{
	buf_init(b, TEXT_SAFE_SIZE(n));
	text_safe(b, s, n);
	return b->data ? b->data : "";
}

static const char *out_finish(struct out *o)
{
	if (o->cut && o->size >= 4)
		memcpy(o->buf + o->size - 4, "...", 4);
	return o->buf;
}

/* ---- keyword lines (EHLO, CAPA) ---------------------------------------- */

static const struct annot_keyword *keyword_find(const struct annot_keyword *table, size_t len,
                                                const char *key, size_t key_len)
{
	for (size_t i = 0; i < len; i++)
		if (strlen(table[i].keyword) == key_len &&
		    !strncasecmp(table[i].keyword, key, key_len))
			return &table[i];
	return NULL;
}

/* "KEYWORD params": the keyword's length, and where params start. */
static size_t split_keyword(const char *text, const char **params)
{
	size_t n = strcspn(text, " \t");
	const char *p = text + n;
	while (*p == ' ' || *p == '\t')
		p++;
	*params = p;
	return n;
}

/* The keyword a capability line starts with, looked up in table, or NULL
 * (also for no text); *params is what follows it.  With eq_ends,
 * "AUTH=LOGIN PLAIN" has the keyword "AUTH=" and the rest as params. */
static const struct annot_keyword *keyword_line(const struct annot_keyword *table, size_t len,
                                                bool eq_ends, const char *text, const char **params)
{
	if (!text)
		return NULL;
	while (*text == ' ' || *text == '\t')
		text++;
	size_t n = split_keyword(text, params);
	const char *eq = eq_ends ? memchr(text, '=', n) : NULL;
	if (eq) {
		n = (size_t)(eq - text) + 1;
		*params = text + n;
	}
	return keyword_find(table, len, text, n);
}

/* One word of a space-separated list: its length; *s moves past it. */
static size_t next_word(const char **s, const char **word)
{
	const char *p = *s;
	while (*p == ' ' || *p == '\t')
		p++;
	*word = p;
	size_t n = strcspn(p, " \t");
	*s = p + n;
	return n;
}

static bool parse_count(const char *s, size_t n, unsigned long long *value)
{
	if (n == 0 || n > 19)
		return false;
	unsigned long long v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (unsigned long long)(s[i] - '0');
	}
	*value = v;
	return true;
}

/* The number of words in a space-separated list. */
static size_t count_words(const char *list)
{
	size_t count = 0;
	const char *word;
	while (next_word(&list, &word) > 0)
		count++;
	return count;
}

/* "; PLAIN: ...; LOGIN: ...": each mechanism listed and what it is. */
static void out_mechanisms(struct out *o, const char *list)
{
	const char *word;
	size_t n;
	while ((n = next_word(&list, &word)) > 0) {
		char mech[48];
		snprintf(mech, sizeof(mech), "%.*s", (int)(n < sizeof(mech) ? n : sizeof(mech) - 1),
		         word);
		const char *m = annot_sasl_mech(mech);
		struct buf b;
		/* TRANSLATORS: one item of a list of SASL mechanisms after a
		 * sentence: "; NAME: what it is" */
		out_printf(o, _("; %s: %s"), untrusted(&b, word, n),
		           m ? m : _("a mechanism smtpsh does not know"));
		buf_free(&b);
	}
}

/* The keyword's meaning, and its parameters (server text) if any. */
static const char *out_meaning(struct out *o, const struct annot_keyword *k, const char *params)
{
	if (!*params)
		return _(k->meaning);
	struct buf b;
	out_printf(o, _("%s; parameters: %s"), _(k->meaning),
	           untrusted(&b, params, strlen(params)));
	buf_free(&b);
	return out_finish(o);
}

/* "90 seconds (about 1 minutes)": a duration as one phrase. */
static void duration_text(char *d, size_t dsz, unsigned long long seconds)
{
	if (seconds >= 3600 && seconds % 3600)
		snprintf(d, dsz, _("%llu seconds (about %.1f hours)"), seconds,
		         (double)seconds / 3600.0);
	else if (seconds >= 3600)
		snprintf(d, dsz, _("%llu seconds (%.1f hours)"), seconds, (double)seconds / 3600.0);
	else if (seconds >= 60 && seconds % 60)
		snprintf(d, dsz, _("%llu seconds (about %llu minutes)"), seconds, seconds / 60);
	else if (seconds >= 60)
		snprintf(d, dsz, _("%llu seconds (%llu minutes)"), seconds, seconds / 60);
	else
		snprintf(d, dsz, _("%llu seconds"), seconds);
}

/* ---- EHLO keywords ------------------------------------------------------- */

const struct annot_keyword annot_ehlo_keywords[] = {
    {"PIPELINING", N_("you may send several commands without waiting for each reply (RFC 2920)")},
    {"SIZE", N_("the server announces its message size limit; MAIL FROM may carry SIZE=<bytes> "
                "(RFC 1870)")},
    {"STARTTLS", N_("send STARTTLS to switch this connection to TLS, then EHLO again (RFC 3207)")},
    {"AUTH", N_("you may log in with AUTH <mechanism> (RFC 4954)")},
    {"AUTH=", N_("the same as AUTH, in an old non-standard form kept for broken clients")},
    {"8BITMIME", N_("the body may contain 8-bit bytes (MAIL FROM:<...> BODY=8BITMIME) (RFC 6152)")},
    {"ENHANCEDSTATUSCODES",
     N_("replies carry an X.Y.Z enhanced status code after the reply code (RFC 2034)")},
    {"DSN", N_("you may ask for delivery status notifications: NOTIFY= on RCPT, RET= and ENVID= on "
               "MAIL (RFC 3461)")},
    {"SMTPUTF8", N_("addresses and headers may be UTF-8 (internationalised mail) (RFC 6531)")},
    {"CHUNKING", N_("the message may be sent in BDAT chunks instead of DATA (RFC 3030)")},
    {"BINARYMIME", N_("binary MIME bodies are accepted, sent with BDAT (RFC 3030)")},
    {"VRFY", N_("VRFY <address> asks whether a mailbox exists (RFC 5321)")},
    {"EXPN", N_("EXPN <list> asks for the members of a mailing list (RFC 5321)")},
    {"HELP", N_("HELP shows help text from the server (RFC 5321)")},
    {"ETRN",
     N_("ETRN <domain> asks the server to deliver the mail it holds for that domain (RFC 1985)")},
    {"ATRN",
     N_("ATRN turns the connection round so the server delivers held mail to you, after AUTH "
        "(RFC 2645)")},
    {"DELIVERBY", N_("MAIL FROM may carry BY= to set a delivery deadline (RFC 2852)")},
    {"BURL", N_("BURL takes the message from an IMAP URL instead of DATA (RFC 4468)")},
    {"MT-PRIORITY",
     N_("MAIL FROM may carry MT-PRIORITY= to ask for a delivery priority (RFC 6710)")},
    {"FUTURERELEASE",
     N_("MAIL FROM may carry HOLDFOR= or HOLDUNTIL= to hold the message until later (RFC 4865)")},
    {"REQUIRETLS",
     N_("MAIL FROM may carry REQUIRETLS: every hop must then use verified TLS (RFC 8689)")},
    {"RRVS",
     N_("RCPT TO may carry RRVS=<date>: deliver only if the mailbox kept its owner since then "
        "(RFC 7293)")},
    {"SUBMITTER",
     N_("MAIL FROM may carry SUBMITTER= naming who really submits the message (RFC 4405)")},
    {"CHECKPOINT", N_("an interrupted transfer can resume where it stopped (TRANSID=) (RFC 1845)")},
    {"NO-SOLICITING",
     N_("the server says it wants no unsolicited mail of the kinds listed (RFC 3865)")},
    {"LIMITS",
     N_("the server announces its limits, e.g. RCPTMAX (recipients) and MAILMAX (messages) "
        "(RFC 9422)")},
    {"XCLIENT",
     N_("Postfix: a trusted proxy may pass on the real client's name and address (not for you)")},
    {"XFORWARD", N_("Postfix: a trusted content filter may pass on the original client's details "
                    "(not for you)")},
    {"X-EXPS",
     N_("Microsoft Exchange: authentication between Exchange servers (e.g. X-EXPS GSSAPI NTLM)")},
    {"XEXCH50",
     N_("Microsoft Exchange: passes Exchange-only message properties between Exchange servers")},
    {"X-LINK2STATE", N_("Microsoft Exchange: routing information between Exchange servers")},
    {"TURN", N_("TURN swaps the roles of client and server (RFC 821; obsolete and unsafe)")},
    {"VERB", N_("Sendmail: VERB turns on verbose delivery reports")},
    {"ONEX", N_("Sendmail: ONEX promises only one message on this connection")},
};
const size_t annot_ehlo_keywords_len = sizeof(annot_ehlo_keywords) / sizeof(annot_ehlo_keywords[0]);

const char *annot_ehlo(const char *text, char *buf, size_t bufsz)
{
	const char *params;
	const struct annot_keyword *k =
	    keyword_line(annot_ehlo_keywords, annot_ehlo_keywords_len, true, text, &params);
	if (!k || !buf || bufsz == 0)
		return k ? _(k->meaning) : NULL;
	struct out o;
	out_init(&o, buf, bufsz);
	if (!strcasecmp(k->keyword, "SIZE")) {
		const char *word;
		size_t wn = next_word(&params, &word);
		unsigned long long limit = 0;
		bool number = parse_count(word, wn, &limit);
		if (wn == 0 || (number && limit == 0)) {
			out_printf(&o,
			           _("SIZE without a limit: the server declares no fixed maximum "
			             "message size (RFC 1870)"));
		} else if (!number) {
			struct buf b;
			out_printf(&o,
			           _("a size limit is announced, but \"%s\" is not a number (RFC "
			             "1870 wants bytes)"),
			           untrusted(&b, word, wn));
			buf_free(&b);
		} else if (limit >= 1024ULL * 1024) {
			out_printf(
			    &o,
			    _("maximum message size %llu bytes (%.1f MB); MAIL FROM may carry "
			      "SIZE=<bytes> to check first (RFC 1870)"),
			    limit, (double)limit / (1024.0 * 1024.0));
		} else if (limit >= 1024) {
			out_printf(
			    &o,
			    _("maximum message size %llu bytes (%.1f KB); MAIL FROM may carry "
			      "SIZE=<bytes> to check first (RFC 1870)"),
			    limit, (double)limit / 1024.0);
		} else {
			out_printf(&o,
			           _("maximum message size %llu bytes; MAIL FROM may carry "
			             "SIZE=<bytes> to check first (RFC 1870)"),
			           limit);
		}
		return out_finish(&o);
	}
	if (!strcasecmp(k->keyword, "AUTH") || !strcasecmp(k->keyword, "AUTH=")) {
		bool listed = count_words(params) > 0, old = strcasecmp(k->keyword, "AUTH") != 0;
		if (listed && !old)
			out_printf(&o, _("log in with AUTH <mechanism> (RFC 4954)"));
		else if (!old)
			out_printf(&o,
			           _("log in with AUTH <mechanism> (RFC 4954), but no mechanism "
			             "is listed"));
		else if (listed)
			out_printf(&o, _("old non-standard AUTH= line for broken clients, same "
			                 "mechanisms as AUTH"));
		else
			out_printf(&o, _("old non-standard AUTH= line for broken clients, same "
			                 "mechanisms as AUTH, but no mechanism is listed"));
		out_mechanisms(&o, params);
		return out_finish(&o);
	}
	return out_meaning(&o, k, params);
}

/* ---- POP3 CAPA tags ------------------------------------------------------ */

const struct annot_keyword annot_capa_tags[] = {
    {"TOP", N_("TOP <msg> <n> shows a message's headers and its first n body lines (RFC 2449)")},
    {"USER", N_("USER/PASS login with a plain password is allowed (RFC 2449)")},
    {"SASL",
     N_("AUTH <mechanism> login is possible with the mechanisms listed (RFC 2449, RFC 5034)")},
    {"RESP-CODES", N_("-ERR replies may carry a [CODE] in brackets saying why (RFC 2449)")},
    {"LOGIN-DELAY", N_("the shortest time the server allows between two logins (RFC 2449)")},
    {"PIPELINING", N_("you may send several commands without waiting for each reply (RFC 2449)")},
    {"EXPIRE", N_("how long the server keeps messages after you have retrieved them (RFC 2449)")},
    {"UIDL", N_("UIDL gives message ids that stay the same across sessions (RFC 2449)")},
    {"IMPLEMENTATION", N_("the name of the server software, for information only (RFC 2449)")},
    {"STLS", N_("STLS switches this connection to TLS (RFC 2595)")},
    {"AUTH-RESP-CODE", N_("a failed login says [AUTH] when your credentials are at fault, so other "
                          "errors are not your password (RFC 3206)")},
    {"UTF8",
     N_("UTF8 turns on UTF-8 mode: user names, passwords and messages may be UTF-8 (RFC 6856)")},
    {"LANG", N_("LANG lists or changes the language of the server's replies (RFC 6856)")},
    {"APOP", N_("not a standard CAPA tag: the server says APOP login works (RFC 1939)")},
    {"CAPA",
     N_("not a standard CAPA tag: the server lists the CAPA command itself (Dovecot does)")},
};
const size_t annot_capa_tags_len = sizeof(annot_capa_tags) / sizeof(annot_capa_tags[0]);

const char *annot_capa(const char *text, char *buf, size_t bufsz)
{
	const char *params;
	const struct annot_keyword *k =
	    keyword_line(annot_capa_tags, annot_capa_tags_len, false, text, &params);
	if (!k || !buf || bufsz == 0)
		return k ? _(k->meaning) : NULL;
	struct out o;
	out_init(&o, buf, bufsz);
	const char *word;
	size_t wn;
	unsigned long long value;
	if (!strcasecmp(k->keyword, "SASL")) {
		if (count_words(params) > 0)
			out_printf(&o, _("log in with AUTH <mechanism> (RFC 5034)"));
		else
			out_printf(&o,
			           _("log in with AUTH <mechanism> (RFC 5034), but no mechanism is "
			             "listed: not possible now (often: only after STLS)"));
		out_mechanisms(&o, params);
		return out_finish(&o);
	}
	if (!strcasecmp(k->keyword, "LOGIN-DELAY")) {
		wn = next_word(&params, &word);
		if (!parse_count(word, wn, &value))
			return _(k->meaning);
		char d[96];
		duration_text(d, sizeof(d), value);
		if (next_word(&params, &word))
			out_printf(
			    &o,
			    _("log in at most once every %s: an earlier login is refused; may "
			      "differ per user (RFC 2449)"),
			    d);
		else
			out_printf(
			    &o,
			    _("log in at most once every %s: an earlier login is refused (RFC "
			      "2449)"),
			    d);
		return out_finish(&o);
	}
	if (!strcasecmp(k->keyword, "EXPIRE")) {
		wn = next_word(&params, &word);
		bool never = wn == 5 && !strncasecmp(word, "NEVER", 5);
		if (!never && !parse_count(word, wn, &value))
			return _(k->meaning);
		bool per_user = next_word(&params, &word) > 0;
		if (never && per_user)
			out_printf(&o,
			           _("the server never deletes messages by itself (RFC 2449); may "
			             "differ per user"));
		else if (never)
			out_printf(&o, _("the server never deletes messages by itself (RFC 2449)"));
		else if (value == 0 && per_user)
			out_printf(&o,
			           _("mail may not be left on the server: retrieved messages are "
			             "deleted at once (RFC 2449); may differ per user"));
		else if (value == 0)
			out_printf(&o,
			           _("mail may not be left on the server: retrieved messages are "
			             "deleted at once (RFC 2449)"));
		else if (per_user)
			out_printf(
			    &o,
			    dngettext(SMTPSH_TEXT_DOMAIN,
			              "retrieved messages are deleted by the server after %llu "
			              "day (RFC 2449); may differ per user",
			              "retrieved messages are deleted by the server after %llu "
			              "days (RFC 2449); may differ per user",
			              (unsigned long)value),
			    value);
		else
			out_printf(
			    &o,
			    dngettext(SMTPSH_TEXT_DOMAIN,
			              "retrieved messages are deleted by the server after %llu "
			              "day (RFC 2449)",
			              "retrieved messages are deleted by the server after %llu "
			              "days (RFC 2449)",
			              (unsigned long)value),
			    value);
		return out_finish(&o);
	}
	if (!strcasecmp(k->keyword, "IMPLEMENTATION") && *params) {
		struct buf b;
		out_printf(&o, _("server software: %s"), untrusted(&b, params, strlen(params)));
		buf_free(&b);
		return out_finish(&o);
	}
	return out_meaning(&o, k, params);
}

/* ---- POP3 response codes ---------------------------------------------- */

/* "SYS" is there for the hierarchy: an unknown SYS/... falls back to it. */
const struct annot_keyword annot_pop3_resp_codes[] = {
    {"IN-USE",
     N_("the mailbox is locked by another session (another client is logged in): try again "
        "after it quits (RFC 2449)")},
    {"LOGIN-DELAY",
     N_("you logged in again too soon: wait the time CAPA LOGIN-DELAY gives (RFC 2449)")},
    {"SYS", N_("a problem on the server's side, not with your login (RFC 3206)")},
    {"SYS/TEMP",
     N_("a temporary problem on the server (not your password): try again later (RFC 3206)")},
    {"SYS/PERM", N_("a lasting problem on the server: retrying will not help, tell its "
                    "administrator (RFC 3206)")},
    {"AUTH", N_("the login itself failed: wrong user name or password, or plaintext login refused "
                "without TLS (RFC 3206)")},
    {"UTF8", N_("this needs UTF-8 (a non-ASCII name or message) and UTF-8 mode is off: send UTF8 "
                "first (RFC 6856)")},
};
const size_t annot_pop3_resp_codes_len =
    sizeof(annot_pop3_resp_codes) / sizeof(annot_pop3_resp_codes[0]);

const char *annot_pop3_resp_code(const char *code)
{
	if (!code || !*code)
		return NULL;
	const struct annot_keyword *k =
	    keyword_find(annot_pop3_resp_codes, annot_pop3_resp_codes_len, code, strlen(code));
	if (!k && strchr(code, '/'))
		k = keyword_find(annot_pop3_resp_codes, annot_pop3_resp_codes_len, code,
		                 strcspn(code, "/"));
	return k ? _(k->meaning) : NULL;
}

/* ---- POP3 status in context ---------------------------------------------- */

/* RFC 1939 unless marked.  Entries with verb NULL are the fallback. */
const struct annot_pop3_status annot_pop3_statuses[] = {
    {NULL, REPLY_POP3_OK, N_("success")},
    {NULL, REPLY_POP3_ERR,
     N_("the command failed: the text says why; the connection stays open (some servers hang up "
        "after a failed USER/PASS)")},
    {NULL, REPLY_POP3_CONT,
     N_("the server waits for a base64 line (SASL), or \"*\" to cancel (RFC 5034)")},

    {"", REPLY_POP3_OK,
     N_("the server is ready: log in with USER and PASS (or APOP, AUTH); AUTHORIZATION state")},
    {"", REPLY_POP3_ERR, N_("the server will not serve you now and closes the connection")},
    {"USER", REPLY_POP3_OK,
     N_("user name noted: now send PASS with the password (or authorization code)")},
    {"USER", REPLY_POP3_ERR,
     N_("USER refused: unknown name, or plaintext login not allowed here (try STLS first)")},
    {"PASS", REPLY_POP3_OK,
     N_("logged in: the mailbox is yours and you are in the TRANSACTION state (STAT, LIST, RETR, "
        "DELE)")},
    {"PASS", REPLY_POP3_ERR,
     N_("login failed: wrong user name or password, plaintext login refused without TLS, or "
        "mailbox "
        "in use")},
    {"APOP", REPLY_POP3_OK, N_("logged in with the APOP digest: TRANSACTION state")},
    {"APOP", REPLY_POP3_ERR,
     N_("APOP login failed: wrong name or secret, a digest of the wrong timestamp, or APOP not "
        "supported")},
    {"AUTH", REPLY_POP3_OK,
     N_("logged in: TRANSACTION state (AUTH with no argument: the mechanism list follows) (RFC "
        "5034)")},
    {"AUTH", REPLY_POP3_ERR,
     N_("authentication failed or cancelled: wrong credentials, bad base64, or mechanism not "
        "supported (RFC 5034)")},
    {"AUTH", REPLY_POP3_CONT,
     N_("a base64 challenge: answer with a base64 line (or \"*\" to cancel) (RFC 5034)")},
    {"STAT", REPLY_POP3_OK, N_("\"+OK n size\": n messages in the mailbox, size bytes in all")},
    {"STAT", REPLY_POP3_ERR, N_("STAT refused: it works only once logged in (TRANSACTION state)")},
    {"LIST", REPLY_POP3_OK,
     N_("\"number size\" for each message (with no argument, a list ending with a lone \".\")")},
    {"LIST", REPLY_POP3_ERR, N_("no such message (or not logged in)")},
    {"UIDL", REPLY_POP3_OK,
     N_("\"number unique-id\" for each message; the ids stay the same across sessions")},
    {"UIDL", REPLY_POP3_ERR, N_("no such message, UIDL not supported, or not logged in")},
    {"RETR", REPLY_POP3_OK,
     N_("the whole message follows (headers, blank line, body), ending with a lone \".\"")},
    {"RETR", REPLY_POP3_ERR,
     N_("no such message (wrong number, or marked deleted), or not logged in")},
    {"TOP", REPLY_POP3_OK,
     N_("the headers and the first n body lines follow, ending with a lone \".\"")},
    {"TOP", REPLY_POP3_ERR,
     N_("no such message, bad arguments (TOP <msg> <n>), or TOP not supported")},
    {"DELE", REPLY_POP3_OK, N_("message marked deleted: it goes at QUIT (RSET undoes the mark)")},
    {"DELE", REPLY_POP3_ERR, N_("no such message, or it is already marked deleted")},
    {"RSET", REPLY_POP3_OK, N_("all deletion marks removed: nothing will be deleted at QUIT")},
    {"RSET", REPLY_POP3_ERR, N_("RSET refused (not logged in?)")},
    {"NOOP", REPLY_POP3_OK, N_("the connection is alive (nothing was done)")},
    {"NOOP", REPLY_POP3_ERR, N_("NOOP refused (not logged in?)")},
    {"QUIT", REPLY_POP3_OK,
     N_("goodbye: messages marked deleted are removed now (UPDATE state) and the connection "
        "closes")},
    {"QUIT", REPLY_POP3_ERR, N_("some messages marked deleted could not be removed")},
    {"CAPA", REPLY_POP3_OK,
     N_("the capability list follows, one per line, ending with a lone \".\" (RFC 2449)")},
    {"CAPA", REPLY_POP3_ERR, N_("CAPA not supported: an old server; try the commands directly")},
    {"STLS", REPLY_POP3_OK, N_("begin the TLS handshake now (RFC 2595)")},
    {"STLS", REPLY_POP3_ERR, N_("TLS not available here, or already active (RFC 2595)")},
    {"UTF8", REPLY_POP3_OK, N_("UTF-8 mode is on (RFC 6856)")},
    {"UTF8", REPLY_POP3_ERR, N_("UTF-8 mode refused (RFC 6856)")},
    {"LANG", REPLY_POP3_OK, N_("language changed, or the list of languages follows (RFC 6856)")},
    {"LANG", REPLY_POP3_ERR, N_("that language is not available (RFC 6856)")},
};
const size_t annot_pop3_statuses_len = sizeof(annot_pop3_statuses) / sizeof(annot_pop3_statuses[0]);

const char *annot_pop3(int status, const char *verb)
{
	const char *general = NULL;
	for (size_t i = 0; i < annot_pop3_statuses_len; i++) {
		const struct annot_pop3_status *s = &annot_pop3_statuses[i];
		if (s->status != status)
			continue;
		if (!s->verb) {
			if (!general)
				general = s->meaning;
		} else if (verb && !strcasecmp(s->verb, verb)) {
			return _(s->meaning);
		}
	}
	return general ? _(general) : _("not a POP3 status");
}

/* ---- SASL mechanisms ------------------------------------------------------ */

/* Short on purpose: an AUTH line lists several of these. */
const struct annot_keyword annot_sasl_mechs[] = {
    {"PLAIN", N_("user name and password in one base64 line (RFC 4616)")},
    {"LOGIN", N_("user name, then password, each as a base64 line (obsolete but common)")},
    {"CRAM-MD5", N_("answer a challenge with an HMAC-MD5 of the password (RFC 2195; obsolete)")},
    {"DIGEST-MD5", N_("digest challenge and response (RFC 2831; historic)")},
    {"XOAUTH2", N_("an OAuth 2.0 access token instead of a password (Google, Microsoft)")},
    {"OAUTHBEARER", N_("an OAuth 2.0 bearer token, the standard form (RFC 7628)")},
    {"SCRAM-SHA-1",
     N_("salted challenge-response; the password never crosses the wire (RFC 5802)")},
    {"SCRAM-SHA-1-PLUS", N_("SCRAM-SHA-1 bound to the TLS channel (RFC 5802)")},
    {"SCRAM-SHA-256", N_("SCRAM with SHA-256 (RFC 7677)")},
    {"SCRAM-SHA-256-PLUS", N_("SCRAM-SHA-256 bound to the TLS channel (RFC 7677)")},
    {"GSSAPI", N_("Kerberos single sign-on (RFC 4752)")},
    {"NTLM", N_("Microsoft Windows challenge-response (proprietary)")},
    {"EXTERNAL", N_("identity from outside SASL, e.g. your TLS client certificate (RFC 4422)")},
    {"ANONYMOUS", N_("no credentials: a guest login (RFC 4505)")},
};
const size_t annot_sasl_mechs_len = sizeof(annot_sasl_mechs) / sizeof(annot_sasl_mechs[0]);

const char *annot_sasl_mech(const char *mech)
{
	if (!mech)
		return NULL;
	const struct annot_keyword *k =
	    keyword_find(annot_sasl_mechs, annot_sasl_mechs_len, mech, strlen(mech));
	return k ? _(k->meaning) : NULL;
}

const char *annot_pop3_scan_check(const char *verb, unsigned long msgno, const char *text,
                                  char *buf, size_t bufsz)
{
	bool list = !strcasecmp(verb, "LIST");
	if (!list && strcasecmp(verb, "UIDL"))
		return NULL;
	const char *cmd = list ? "LIST" : "UIDL";
	while (*text == ' ')
		text++;
	size_t first = strcspn(text, " ");
	const char *rest = text + first;
	while (*rest == ' ')
		rest++;
	char *end;
	unsigned long n = strtoul(text, &end, 10);
	bool numeric = first && end == text + first && *text >= '0' && *text <= '9';
	/* "+OK 120" to LIST 1 is a size without its number, "+OK 1" one
	 * without its size */
	if (!numeric || (!*rest && n != msgno)) {
		if (list)
			snprintf(
			    buf, bufsz,
			    _("this answer to LIST %lu does not start with the message number: "
			      "RFC 1939 wants \"+OK %lu <size>\""),
			    msgno, msgno);
		else
			snprintf(
			    buf, bufsz,
			    _("this answer to UIDL %lu does not start with the message number: "
			      "RFC 1939 wants \"+OK %lu <unique-id>\""),
			    msgno, msgno);
		return buf;
	}
	if (n != msgno) {
		snprintf(buf, bufsz,
		         _("this answer is about message %lu, but %s asked for message %lu"), n,
		         cmd, msgno);
		return buf;
	}
	if (!*rest) {
		if (list)
			snprintf(
			    buf, bufsz,
			    _("this answer to LIST %lu has no size after the message number (RFC "
			      "1939)"),
			    msgno);
		else
			snprintf(
			    buf, bufsz,
			    _("this answer to UIDL %lu has no unique-id after the message number "
			      "(RFC 1939)"),
			    msgno);
		return buf;
	}
	return NULL;
}

/* ---- Mail ports ----------------------------------------------------------- */

const struct annot_port annot_ports[] = {
    {25, N_("port 25: SMTP between mail servers (relay, RFC 5321); many networks block it for "
            "clients, who submit on 587 or 465")},
    {465, N_("port 465: mail submission over implicit TLS (submissions, RFC 8314): TLS from the "
             "first byte, then AUTH; smtps:// in smtpsh")},
    {587, N_("port 587: mail submission (RFC 6409): plain text at first, STARTTLS, then AUTH")},
    {110, N_("port 110: POP3 (RFC 1939): plain text at first, STLS before logging in (RFC 2595)")},
    {995, N_("port 995: POP3 over implicit TLS (pop3s, RFC 8314); pop3s:// in smtpsh")},
    {143, N_("port 143: IMAP (RFC 9051), which smtpsh does not speak; STARTTLS before LOGIN")},
    {993, N_("port 993: IMAP over implicit TLS (imaps, RFC 8314), which smtpsh does not speak")},
};
const size_t annot_ports_len = sizeof(annot_ports) / sizeof(annot_ports[0]);

const char *annot_port(unsigned port)
{
	for (size_t i = 0; i < annot_ports_len; i++)
		if (annot_ports[i].port == port)
			return _(annot_ports[i].meaning);
	return NULL;
}

/* ---- What a reply is, beyond its code -------------------------------------- */

const char *annot_ehlo_not_extension(const char *line, const char *greeting)
{
	size_t n = strlen(line);
	while (n && line[n - 1] == ' ')
		n--;
	if (n == 0)
		return _("an empty line: no extension");
	if (n == 2 && !strncasecmp(line, "OK", 2))
		return _("not an extension: a plain \"OK\" some servers (QQ Mail) put on the last "
		         "line");
	/* a line of several words found whole in the greeting repeats it */
	if (greeting && memchr(line, ' ', n) && n <= strlen(greeting)) {
		for (const char *g = greeting; (g = strchr(g, line[0])); g++)
			if (!strncmp(g, line, n))
				return _("not an extension: the server repeats its greeting's "
				         "words here");
	}
	return NULL;
}

/* Whether text holds word as a word of its own (case-insensitive). */
static bool has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = text; (p = strcasestr(p, word)); p++) {
		bool start = p == text || !isalnum((unsigned char)p[-1]);
		if (start && !isalnum((unsigned char)p[n]))
			return true;
	}
	return false;
}

enum { FIRST_EHLO = 1, FIRST_TLS = 2, FIRST_AUTH = 4 };

/* One whole sentence per combination (gettext takes them whole). */
static const char *const first_sentences[8] = {
    [FIRST_EHLO] = N_("the server says what must come first: EHLO"),
    [FIRST_TLS] = N_("the server says what must come first: STARTTLS (then EHLO again)"),
    [FIRST_AUTH] = N_("the server says what must come first: log in with AUTH (after EHLO)"),
    [FIRST_EHLO | FIRST_TLS] = N_("the server says what must come first: EHLO, then STARTTLS"),
    [FIRST_EHLO | FIRST_AUTH] = N_("the server says what must come first: EHLO, then log in with "
                                   "AUTH; only then MAIL FROM"),
    [FIRST_TLS | FIRST_AUTH] = N_("the server says what must come first: STARTTLS, EHLO again, "
                                  "then log in with AUTH"),
    [FIRST_EHLO | FIRST_TLS | FIRST_AUTH] = N_("the server says what must come first: EHLO, "
                                               "STARTTLS, EHLO again, then log in with AUTH"),
};

const char *annot_smtp_first(int code, const char *text)
{
	if ((code != 503 && code != 530) || !text)
		return NULL;
	unsigned need = 0;
	if (has_word(text, "EHLO") || has_word(text, "HELO"))
		need |= FIRST_EHLO;
	if (has_word(text, "STARTTLS") || has_word(text, "TLS") || has_word(text, "SSL") ||
	    strcasestr(text, "encrypt"))
		need |= FIRST_TLS;
	if (has_word(text, "AUTH") || strcasestr(text, "authenticat") || has_word(text, "login"))
		need |= FIRST_AUTH;
	return first_sentences[need] ? _(first_sentences[need]) : NULL;
}

bool annot_smtp_header_hangup(const char *verb, int code)
{
	if ((code != 221 && code != 421) || !verb || !*verb)
		return false;
	size_t n = strlen(verb);
	if (verb[n - 1] == ':')
		n--;
	else if (!header_find(verb, n))
		return false;
	/* a header name: printable ASCII but no space or colon (RFC 5322
	 * §2.2) */
	for (size_t i = 0; i < n; i++)
		if (verb[i] <= ' ' || verb[i] > '~' || verb[i] == ':')
			return false;
	return n > 0;
}
