/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SMTP (RFC 5321, 3207, 4954) as a handler: commands, sequence rules,
 * states, and what each reply does to the session. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "annot.h"
#include "i18n.h"
#include "lab/engines.h"
#include "proto.h"
#include "session_machine.h"

static const struct proto_cmd smtp_cmds[] = {
    {"EHLO", CMD_GREETS, "EHLO <your-domain>",
     N_("greet the server and ask for its extensions (RFC 5321)")},
    {"HELO", CMD_GREETS, "HELO <your-domain>",
     N_("greet the server the old way: no extensions, no AUTH")},
    {"STARTTLS", CMD_STARTS_TLS, "STARTTLS",
     N_("switch this connection to TLS (RFC 3207); EHLO again afterwards")},
    {"AUTH", CMD_SASL, "AUTH <mechanism> [initial-response]",
     N_("log in (RFC 4954): AUTH LOGIN, then answer each 334 with b64")},
    {"MAIL", 0, "MAIL FROM:<address>", N_("start a message: who sends it (the envelope sender)")},
    {"RCPT", 0, "RCPT TO:<address>", N_("add a recipient; repeat for each")},
    {"DATA", CMD_STARTS_DATA, "DATA",
     N_("send the message: headers, blank line, body, then a lone '.'")},
    {"BDAT", 0, "BDAT <size> [LAST]", N_("send a chunk of the message (CHUNKING, RFC 3030)")},
    {"RSET", 0, "RSET", N_("abort the current message; the connection stays")},
    {"NOOP", 0, "NOOP", N_("do nothing; keeps the connection alive")},
    {"QUIT", CMD_QUIT, "QUIT", N_("end the session politely")},
    {"VRFY", 0, "VRFY <user>", N_("ask whether a mailbox exists (often disabled)")},
    {"EXPN", 0, "EXPN <list>", N_("expand a mailing list (almost always disabled)")},
    {"HELP", 0, "HELP [command]", N_("ask the server for help")},
    {"ETRN", 0, "ETRN <domain>", N_("ask the server to flush its queue for a domain (RFC 1985)")},
};

/* RFC 821 §3.5, §4.1.1 (seed 000 lists them); RFC 2821 §F dropped them.
 * Help says what each did. */
static const struct proto_cmd smtp_historical[] = {
    {"SEND", 0, "SEND FROM:<address>",
     N_("RFC 821: deliver to the user's terminal instead of the mailbox; dropped by RFC 2821")},
    {"SOML", 0, "SOML FROM:<address>",
     N_("RFC 821: Send Or Mail (terminal if logged in, else mailbox); dropped by RFC 2821")},
    {"SAML", 0, "SAML FROM:<address>",
     N_("RFC 821: Send And Mail (terminal and mailbox); dropped by RFC 2821")},
    {"TURN", 0, "TURN",
     N_("RFC 821: swap the roles of client and server; unsafe without authentication, dropped by "
        "RFC 2821 (ATRN, RFC 2645, replaced it)")},
};

#define INIT PSTATE_BIT(ST_SMTP_INIT)
#define READY PSTATE_BIT(ST_SMTP_READY)
#define IN_TXN (PSTATE_BIT(ST_SMTP_MAIL) | PSTATE_BIT(ST_SMTP_RCPT))
/* DATA and BDAT share their rules. */
#define DATA_BEFORE_EHLO                                                                           \
	N_("DATA before EHLO, MAIL and RCPT: the server does not know who the message is from or " \
	   "for")
#define DATA_BEFORE_MAIL                                                                           \
	N_("DATA before MAIL and RCPT: give the sender (MAIL FROM:<address>) and a recipient "     \
	   "(RCPT "                                                                                \
	   "TO:<address>) first")
#define DATA_BEFORE_RCPT                                                                           \
	N_("DATA before any recipient was accepted: add one with RCPT TO:<address>")
static const struct proto_rule smtp_rules[] = {
    {"EHLO", RULE_NEVER, 0, NULL},
    {"HELO", RULE_NEVER, 0, NULL},
    {"STARTTLS", RULE_TLS_ON, 0, N_("TLS is already active on this connection")},
    {"STARTTLS", RULE_IN_STATES, INIT,
     N_("STARTTLS before EHLO: greet with EHLO first and check that STARTTLS is offered")},
    {"STARTTLS", RULE_IN_STATES, IN_TXN, N_("STARTTLS inside a message: RSET first")},
    {"AUTH", RULE_IN_STATES, INIT,
     N_("AUTH before EHLO: greet with EHLO first; its reply lists the AUTH mechanisms")},
    {"AUTH", RULE_LOGGED_IN, 0, N_("already logged in: a second AUTH is refused (503)")},
    {"AUTH", RULE_IN_STATES, IN_TXN,
     N_("AUTH inside a message: AUTH is allowed only before MAIL (RSET first)")},
    {"MAIL", RULE_IN_STATES, INIT,
     N_("MAIL before EHLO: greet the server first with EHLO <your-domain>")},
    {"MAIL", RULE_IN_STATES, IN_TXN,
     N_("a message is already started (MAIL was accepted): add RCPT TO, send DATA, or RSET to "
        "start over")},
    {"RCPT", RULE_IN_STATES, INIT,
     N_("RCPT before EHLO and MAIL: greet with EHLO, then give the sender with MAIL "
        "FROM:<address>")},
    {"RCPT", RULE_IN_STATES, READY,
     N_("RCPT before MAIL: say who the sender is first with MAIL FROM:<address>")},
    {"DATA", RULE_IN_STATES, INIT, DATA_BEFORE_EHLO},
    {"DATA", RULE_IN_STATES, READY, DATA_BEFORE_MAIL},
    {"DATA", RULE_IN_STATES, PSTATE_BIT(ST_SMTP_MAIL), DATA_BEFORE_RCPT},
    {"BDAT", RULE_IN_STATES, INIT, DATA_BEFORE_EHLO},
    {"BDAT", RULE_IN_STATES, READY, DATA_BEFORE_MAIL},
    {"BDAT", RULE_IN_STATES, PSTATE_BIT(ST_SMTP_MAIL), DATA_BEFORE_RCPT},
    {"RSET", RULE_NEVER, 0, NULL},
    {"NOOP", RULE_NEVER, 0, NULL},
    {"QUIT", RULE_NEVER, 0, NULL},
    {"VRFY", RULE_NEVER, 0, NULL},
    {"EXPN", RULE_NEVER, 0, NULL},
    {"HELP", RULE_NEVER, 0, NULL},
    {"ETRN", RULE_NEVER, 0, NULL},
};
#undef INIT
#undef READY
#undef IN_TXN
#undef DATA_BEFORE_EHLO
#undef DATA_BEFORE_MAIL
#undef DATA_BEFORE_RCPT

static const struct proto_state_name smtp_states[] = {
    {ST_GREETING, "greeting"}, {ST_CLOSED, "closed"},  {ST_SMTP_INIT, "init"},
    {ST_SMTP_READY, "ready"},  {ST_SMTP_MAIL, "mail"}, {ST_SMTP_RCPT, "rcpt"},
    {ST_SMTP_DATA, "data"},    {ST_SASL, "auth"},
};

static const struct proto_scheme smtp_schemes[] = {{"smtp", false}, {"smtps", true}};

/* EHLO's first 250 line names the server; the others are extensions. */
static void smtp_on_line(struct session *s, const char *verb, const struct reply_line *l,
                         bool first)
{
	if (!verb || (strcmp(verb, "EHLO") && strcmp(verb, "HELO")) || l->code != 250)
		return;
	if (first) {
		size_t n = l->text_len < sizeof(s->server_name) - 1 ? l->text_len
		                                                    : sizeof(s->server_name) - 1;
		memcpy(s->server_name, l->text, n);
		s->server_name[n] = '\0';
		s->ncaps = 0;
		s->caps_known = true;
	} else if (!strcmp(verb, "EHLO")) {
		session_add_cap(s, l->text, l->text_len);
	}
}

static void smtp_on_reply(struct session *s, const char *verb, const struct reply *r,
                          const char *why)
{
	int c = r->code;
	if (c == 421) {
		session_set_state(s, ST_CLOSED, why); /* the server is closing */
		return;
	}
	if (!verb)
		return;
	if (!*verb) { /* greeting */
		session_set_state(s, ST_SMTP_INIT, why);
		return;
	}
	if (!strcmp(verb, "EHLO") || !strcmp(verb, "HELO")) {
		if (c == 250) {
			session_set_state(s, ST_SMTP_READY, why);
			s->rcpts = 0;
			if (!strcmp(verb, "HELO"))
				session_forget_caps(s), s->caps_known = true;
		}
	} else if (!strcmp(verb, "MAIL")) {
		if (c == 250) {
			session_set_state(s, ST_SMTP_MAIL, why);
			s->rcpts = 0;
		}
	} else if (!strcmp(verb, "RCPT")) {
		if ((c == 250 || c == 251) &&
		    (s->state == ST_SMTP_MAIL || s->state == ST_SMTP_RCPT)) {
			session_set_state(s, ST_SMTP_RCPT, why);
			s->rcpts++;
		}
	} else if (!strcmp(verb, "DATA")) {
		if (c == 354) {
			session_set_state(s, ST_SMTP_DATA, why);
			s->data_lines = 0;
		} else if (s->state == ST_SMTP_READY && s->rcpts) {
			/* the reply to the final "." */
			if (c == 250)
				s->messages_sent++;
			s->rcpts = 0;
		}
	} else if (!strcmp(verb, "RSET")) {
		if (c == 250 && s->state != ST_SMTP_INIT) {
			session_set_state(s, ST_SMTP_READY, why);
			s->rcpts = 0;
		}
	} else if (!strcmp(verb, "AUTH")) {
		if (c == 334) {
			session_enter_sasl(s, r, why);
		} else {
			if (s->state == ST_SASL)
				session_set_state(s, s->sasl_prev, why);
			if (c == 235)
				s->authenticated = true;
		}
	} else if (!strcmp(verb, "QUIT") && c == 221) {
		session_set_state(s, ST_CLOSED, why);
	}
}

static void smtp_status_text(int code, char *out, size_t n)
{
	snprintf(out, n, "%03d", code);
}

static enum reply_severity smtp_severity(int code)
{
	switch (code / 100) {
	case 2: return SEVERITY_OK;
	case 3: return SEVERITY_MORE;
	case 4: return SEVERITY_TEMP;
	case 5: return SEVERITY_FAIL;
	}
	return SEVERITY_NONE;
}

static int smtp_provider_code(int code)
{
	return code;
}

/* A greeting starts with its three-digit code. */
static bool smtp_looks_like(const char *line, size_t n)
{
	return n >= 3 && isdigit((unsigned char)line[0]) && isdigit((unsigned char)line[1]) &&
	       isdigit((unsigned char)line[2]);
}

static const char *smtp_annot_status(int code, const char *verb, char *buf, size_t bufsz)
{
	return annot_smtp(code, verb, buf, bufsz);
}

const struct proto_handler proto_smtp_handler = {
    .proto = PROTO_SMTP,
    .name = "smtp",
    .title = "SMTP",
    .port = 25,      /* RFC 5321 relay */
    .tls_port = 465, /* submission over implicit TLS, RFC 8314 §3.3 */
    .schemes = smtp_schemes,
    .nschemes = sizeof(smtp_schemes) / sizeof(smtp_schemes[0]),
    .reply_mode = REPLY_SMTP,
    .states = smtp_states,
    .nstates = sizeof(smtp_states) / sizeof(smtp_states[0]),
    .greeted = ST_SMTP_INIT,
    .cmds = smtp_cmds,
    .ncmds = sizeof(smtp_cmds) / sizeof(smtp_cmds[0]),
    .rules = smtp_rules,
    .nrules = sizeof(smtp_rules) / sizeof(smtp_rules[0]),
    .historical = smtp_historical,
    .nhistorical = sizeof(smtp_historical) / sizeof(smtp_historical[0]),
    .on_line = smtp_on_line,
    .on_reply = smtp_on_reply,
    .status_text = smtp_status_text,
    .severity = smtp_severity,
    .provider_code = smtp_provider_code,
    .looks_like = smtp_looks_like,
    .tls_go_ahead = 220,
    .tls_verb = "STARTTLS",
    .caps_verb = "EHLO",
    .caps_verb_names_host = true,
    .auth_cap = "AUTH",
    .annot_cap = annot_ehlo,
    .annot_status = smtp_annot_status,
    .annot_after_tls = N_("next: send EHLO again (RFC 3207): what the server said before TLS is "
                          "forgotten, its AUTH list may change now"),
    .lab = &lab_smtp_ops,
};
