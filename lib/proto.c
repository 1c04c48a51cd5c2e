/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "proto.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

const char *proto_name(enum proto p)
{
	return p == PROTO_POP3 ? "pop3" : "smtp";
}

const char *proto_state_name(enum pstate s)
{
	switch (s) {
	case ST_GREETING: return "greeting";
	case ST_CLOSED: return "closed";
	case ST_SMTP_INIT: return "init";
	case ST_SMTP_READY: return "ready";
	case ST_SMTP_MAIL: return "mail";
	case ST_SMTP_RCPT: return "rcpt";
	case ST_SMTP_DATA: return "data";
	case ST_SASL: return "auth";
	case ST_POP3_AUTH: return "login";
	case ST_POP3_USER: return "pass";
	case ST_POP3_TRANS: return "trans";
	}
	return "?";
}

#define S PROTO_SMTP
#define P PROTO_POP3
const struct proto_cmd proto_cmds[] = {
    {S, "EHLO", CMD_GREETS, "EHLO <your-domain>",
     "greet the server and ask for its extensions (RFC 5321)"},
    {S, "HELO", CMD_GREETS, "HELO <your-domain>",
     "greet the server the old way: no extensions, no AUTH"},
    {S, "STARTTLS", CMD_STARTS_TLS, "STARTTLS",
     "switch this connection to TLS (RFC 3207); EHLO again afterwards"},
    {S, "AUTH", CMD_SASL, "AUTH <mechanism> [initial-response]",
     "log in (RFC 4954): AUTH LOGIN, then answer each 334 with b64"},
    {S, "MAIL", 0, "MAIL FROM:<address>", "start a message: who sends it (the envelope sender)"},
    {S, "RCPT", 0, "RCPT TO:<address>", "add a recipient; repeat for each"},
    {S, "DATA", CMD_STARTS_DATA, "DATA",
     "send the message: headers, blank line, body, then a lone '.'"},
    {S, "BDAT", 0, "BDAT <size> [LAST]", "send a chunk of the message (CHUNKING, RFC 3030)"},
    {S, "RSET", 0, "RSET", "abort the current message; the connection stays"},
    {S, "NOOP", 0, "NOOP", "do nothing; keeps the connection alive"},
    {S, "QUIT", CMD_QUIT, "QUIT", "end the session politely"},
    {S, "VRFY", 0, "VRFY <user>", "ask whether a mailbox exists (often disabled)"},
    {S, "EXPN", 0, "EXPN <list>", "expand a mailing list (almost always disabled)"},
    {S, "HELP", 0, "HELP [command]", "ask the server for help"},
    {S, "ETRN", 0, "ETRN <domain>", "ask the server to flush its queue for a domain (RFC 1985)"},
    {P, "USER", 0, "USER <name>", "give your user name (then PASS)"},
    {P, "PASS", CMD_SECRET_ARG, "PASS <password>", "give your password, in clear text"},
    {P, "APOP", 0, "APOP <name> <md5-digest>",
     "log in with an MD5 digest of the greeting's timestamp and your password"},
    {P, "AUTH", CMD_SASL | CMD_BODY_NOARG, "AUTH <mechanism> [initial-response]",
     "log in with SASL (RFC 5034): answer each '+' with b64"},
    {P, "STLS", CMD_STARTS_TLS, "STLS",
     "switch this connection to TLS (RFC 2595); CAPA again afterwards"},
    {P, "CAPA", CMD_BODY_ALWAYS, "CAPA", "list the server's capabilities (RFC 2449)"},
    {P, "STAT", 0, "STAT", "number of messages and their total size"},
    {P, "LIST", CMD_BODY_NOARG, "LIST [msg]", "size of each message (or of one)"},
    {P, "UIDL", CMD_BODY_NOARG, "UIDL [msg]", "unique id of each message (or of one)"},
    {P, "RETR", CMD_BODY_ALWAYS, "RETR <msg>", "download a message"},
    {P, "TOP", CMD_BODY_ALWAYS, "TOP <msg> <lines>", "headers and the first lines of a message"},
    {P, "DELE", 0, "DELE <msg>", "mark a message deleted (done at QUIT)"},
    {P, "RSET", 0, "RSET", "unmark all messages marked deleted"},
    {P, "NOOP", 0, "NOOP", "do nothing; keeps the connection alive"},
    {P, "QUIT", CMD_QUIT, "QUIT", "end the session; deletions take effect now"},
};
#undef S
#undef P
const size_t proto_cmds_len = sizeof(proto_cmds) / sizeof(proto_cmds[0]);

const struct proto_cmd *proto_find(enum proto p, const char *verb)
{
	for (size_t i = 0; i < proto_cmds_len; i++)
		if (proto_cmds[i].proto == p && strcasecmp(proto_cmds[i].verb, verb) == 0)
			return &proto_cmds[i];
	return NULL;
}

const char *proto_split(const char *line, char *verb, size_t vsz)
{
	size_t i = 0;
	const char *s = line;
	while (*s && *s != ' ' && i + 1 < vsz)
		verb[i++] = (char)toupper((unsigned char)*s++);
	verb[i] = '\0';
	/* Skip the rest of an over-long verb. */
	while (*s && *s != ' ')
		s++;
	if (*s == ' ')
		s++;
	return s;
}

static const char *check_smtp(const struct proto_ctx *c, const char *verb)
{
	enum pstate st = c->state;
	bool greeted = st != ST_SMTP_INIT;
	bool in_txn = st == ST_SMTP_MAIL || st == ST_SMTP_RCPT;

	if (!strcmp(verb, "MAIL")) {
		if (!greeted)
			return "MAIL before EHLO: greet the server first with EHLO <your-domain>";
		if (in_txn)
			return "a message is already started (MAIL was accepted): add RCPT TO, "
			       "send DATA, or RSET to start over";
	} else if (!strcmp(verb, "RCPT")) {
		if (!greeted)
			return "RCPT before EHLO and MAIL: greet with EHLO, then give the sender "
			       "with MAIL FROM:<address>";
		if (!in_txn)
			return "RCPT before MAIL: say who the sender is first with MAIL "
			       "FROM:<address>";
	} else if (!strcmp(verb, "DATA") || !strcmp(verb, "BDAT")) {
		if (!greeted)
			return "DATA before EHLO, MAIL and RCPT: the server does not know who the "
			       "message is from or for";
		if (st == ST_SMTP_READY)
			return "DATA before MAIL and RCPT: give the sender (MAIL FROM:<address>) "
			       "and a recipient (RCPT TO:<address>) first";
		if (st == ST_SMTP_MAIL)
			return "DATA before any recipient was accepted: add one with RCPT "
			       "TO:<address>";
	} else if (!strcmp(verb, "AUTH")) {
		if (!greeted)
			return "AUTH before EHLO: greet with EHLO first; its reply lists the AUTH "
			       "mechanisms";
		if (c->authenticated)
			return "already logged in: a second AUTH is refused (503)";
		if (in_txn)
			return "AUTH inside a message: AUTH is allowed only before MAIL (RSET "
			       "first)";
	} else if (!strcmp(verb, "STARTTLS")) {
		if (c->tls)
			return "TLS is already active on this connection";
		if (!greeted)
			return "STARTTLS before EHLO: greet with EHLO first and check that "
			       "STARTTLS is offered";
		if (in_txn)
			return "STARTTLS inside a message: RSET first";
	}
	return NULL;
}

static const char *check_pop3(const struct proto_ctx *c, const char *verb, bool has_arg)
{
	enum pstate st = c->state;
	bool authz = st == ST_POP3_AUTH || st == ST_POP3_USER;
	static const char *const trans_only[] = {"STAT", "LIST", "UIDL", "RETR", "TOP",
	                                         "DELE", "RSET", "NOOP", "LAST"};

	if (!strcmp(verb, "PASS")) {
		if (st == ST_POP3_AUTH)
			return "PASS before USER: give the user name first with USER <name>";
		if (st == ST_POP3_TRANS)
			return "already logged in: PASS is only for the AUTHORIZATION state";
	} else if (!strcmp(verb, "USER") || !strcmp(verb, "APOP") || !strcmp(verb, "AUTH")) {
		if (st == ST_POP3_TRANS)
			return "already logged in: USER, APOP and AUTH are only for the "
			       "AUTHORIZATION state";
	} else if (!strcmp(verb, "STLS")) {
		if (c->tls)
			return "TLS is already active on this connection";
		if (st == ST_POP3_TRANS)
			return "STLS after login: it is only allowed in the AUTHORIZATION state, "
			       "before USER/PASS";
	} else {
		for (size_t i = 0; i < sizeof(trans_only) / sizeof(trans_only[0]); i++)
			if (!strcmp(verb, trans_only[i]) && authz)
				return st == ST_POP3_USER ? "not logged in yet: USER was accepted, "
				                            "now send PASS <password>"
				                          : "not logged in yet: log in first with "
				                            "USER <name> and PASS <password>";
	}
	(void)has_arg;
	return NULL;
}

const char *proto_check(const struct proto_ctx *ctx, const char *verb, bool has_arg)
{
	if (ctx->state == ST_GREETING || ctx->state == ST_CLOSED || ctx->state == ST_SASL ||
	    ctx->state == ST_SMTP_DATA)
		return NULL;
	return ctx->proto == PROTO_SMTP ? check_smtp(ctx, verb) : check_pop3(ctx, verb, has_arg);
}

/* Levenshtein distance, small strings only (verbs). */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[32];
	if (la > 30 || lb > 30)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t sub = prev + (toupper((unsigned char)a[i - 1]) !=
			                     toupper((unsigned char)b[j - 1]));
			size_t best = row[j] + 1 < row[j - 1] + 1 ? row[j] + 1 : row[j - 1] + 1;
			row[j] = sub < best ? sub : best;
			prev = cur;
		}
	}
	return row[lb];
}

const char *proto_suggest(enum proto p, const char *verb)
{
	const char *best = NULL;
	size_t best_d = 3;
	for (size_t i = 0; i < proto_cmds_len; i++) {
		if (proto_cmds[i].proto != p)
			continue;
		size_t d = edit_distance(verb, proto_cmds[i].verb);
		if (d < best_d) {
			best_d = d;
			best = proto_cmds[i].verb;
		}
	}
	return best;
}
