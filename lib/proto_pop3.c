/* SPDX-License-Identifier: GPL-3.0-or-later */
/* POP3 (RFC 1939, 2449, 2595, 5034) as a handler: commands, sequence
 * rules, states, and what each answer does to the session. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annot.h"
#include "i18n.h"
#include "lab/engines.h"
#include "proto.h"
#include "session_machine.h"

/* Commands of earlier POP3 RFCs that RFC 1939 no longer has. */
static const struct proto_cmd pop3_historical[] = {
    {"RPOP", 0, "RPOP <name>",
     N_("RFC 1081: log in trusting the client's privileged port (like rlogin); dropped by RFC "
        "1460")},
    {"LAST", 0, "LAST", N_("RFC 1460: the highest message number accessed; dropped by RFC 1725")},
};

static const struct proto_cmd pop3_cmds[] = {
    {"USER", CMD_NAMES_USER, "USER <name>", N_("give your user name (then PASS)")},
    {"PASS", CMD_SECRET_ARG, "PASS <password>", N_("give your password, in clear text")},
    {"APOP", 0, "APOP <name> <md5-digest>",
     N_("log in with an MD5 digest of the greeting's timestamp and your password")},
    {"AUTH", CMD_SASL | CMD_BODY_NOARG, "AUTH <mechanism> [initial-response]",
     N_("log in with SASL (RFC 5034): answer each '+' with b64")},
    {"STLS", CMD_STARTS_TLS, "STLS",
     N_("switch this connection to TLS (RFC 2595); CAPA again afterwards")},
    {"CAPA", CMD_BODY_ALWAYS, "CAPA", N_("list the server's capabilities (RFC 2449)")},
    {"STAT", 0, "STAT", N_("number of messages and their total size")},
    {"LIST", CMD_BODY_NOARG | CMD_MSGNO_ARG, "LIST [msg]", N_("size of each message (or of one)")},
    {"UIDL", CMD_BODY_NOARG | CMD_MSGNO_ARG, "UIDL [msg]",
     N_("unique id of each message (or of one)")},
    {"RETR", CMD_BODY_ALWAYS | CMD_MSGNO_ARG, "RETR <msg>", N_("download a message")},
    {"TOP", CMD_BODY_ALWAYS | CMD_MSGNO_ARG, "TOP <msg> <lines>",
     N_("headers and the first lines of a message")},
    {"DELE", CMD_MSGNO_ARG, "DELE <msg>", N_("mark a message deleted (done at QUIT)")},
    {"RSET", 0, "RSET", N_("unmark all messages marked deleted")},
    {"NOOP", 0, "NOOP", N_("do nothing; keeps the connection alive")},
    {"QUIT", CMD_QUIT, "QUIT", N_("end the session; deletions take effect now")},
};

#define AUTHZ PSTATE_BIT(ST_POP3_AUTH)
#define USER_SENT PSTATE_BIT(ST_POP3_USER)
#define TRANS PSTATE_BIT(ST_POP3_TRANS)
#define LOGGED_IN_FOR_LOGIN                                                                        \
	N_("already logged in: USER, APOP and AUTH are only for the AUTHORIZATION state")
/* The TRANSACTION-state commands (and the obsolete LAST, which is judged
 * though not in the table) before login is complete. */
#define TRANS_ONLY(verb)                                                                           \
	{verb, RULE_IN_STATES, USER_SENT,                                                          \
	 N_("not logged in yet: USER was accepted, now send PASS <password>")},                    \
	{                                                                                          \
		verb, RULE_IN_STATES, AUTHZ,                                                       \
		    N_("not logged in yet: log in first with USER <name> and PASS <password>")     \
	}
static const struct proto_rule pop3_rules[] = {
    {"USER", RULE_IN_STATES, TRANS, LOGGED_IN_FOR_LOGIN},
    {"PASS", RULE_IN_STATES, AUTHZ,
     N_("PASS before USER: give the user name first with USER <name>")},
    {"PASS", RULE_IN_STATES, TRANS,
     N_("already logged in: PASS is only for the AUTHORIZATION state")},
    {"APOP", RULE_IN_STATES, TRANS, LOGGED_IN_FOR_LOGIN},
    {"AUTH", RULE_IN_STATES, TRANS, LOGGED_IN_FOR_LOGIN},
    {"STLS", RULE_TLS_ON, 0, N_("TLS is already active on this connection")},
    {"STLS", RULE_IN_STATES, TRANS,
     N_("STLS after login: it is only allowed in the AUTHORIZATION state, before USER/PASS")},
    {"CAPA", RULE_NEVER, 0, NULL},
    TRANS_ONLY("STAT"),
    TRANS_ONLY("LIST"),
    TRANS_ONLY("UIDL"),
    TRANS_ONLY("RETR"),
    TRANS_ONLY("TOP"),
    TRANS_ONLY("DELE"),
    TRANS_ONLY("RSET"),
    TRANS_ONLY("NOOP"),
    TRANS_ONLY("LAST"),
    {"QUIT", RULE_NEVER, 0, NULL},
};
#undef AUTHZ
#undef USER_SENT
#undef TRANS
#undef LOGGED_IN_FOR_LOGIN
#undef TRANS_ONLY

static const struct proto_state_name pop3_states[] = {
    {ST_GREETING, "greeting"}, {ST_CLOSED, "closed"}, {ST_POP3_AUTH, "login"},
    {ST_POP3_USER, "pass"},    {ST_SASL, "auth"},     {ST_POP3_TRANS, "trans"},
};

static const struct proto_scheme pop3_schemes[] = {{"pop3", false}, {"pop3s", true}};

/* CAPA's body lines are the capabilities; LIST's and UIDL's are counted
 * (and LIST's sizes summed) for the summary under the listing. */
static void pop3_on_line(struct session *s, const char *verb, const struct reply_line *l,
                         bool first)
{
	(void)first;
	bool body = l->flags & LINE_BODY;
	if (body && !(l->flags & LINE_BODY_END) && verb) {
		if (!strcmp(verb, "CAPA")) {
			session_add_cap(s, l->text, l->text_len);
		} else if (!strcmp(verb, "LIST") || !strcmp(verb, "UIDL")) {
			s->body_items++;
			const char *sp = memchr(l->text, ' ', l->text_len);
			if (sp && !strcmp(verb, "LIST"))
				s->body_sum += strtoull(sp + 1, NULL, 10);
		}
	} else if (!body && verb && !strcmp(verb, "CAPA") && l->code == REPLY_POP3_OK) {
		session_forget_caps(s);
		s->caps_known = true;
	}
	if (!body && (l->code == REPLY_POP3_OK || l->code == REPLY_POP3_ERR)) {
		s->body_items = 0;
		s->body_sum = 0;
	}
}

static void pop3_greeted(struct session *s, const struct reply *r, const char *why)
{
	session_set_state(s, r->code == REPLY_POP3_OK ? ST_POP3_AUTH : ST_CLOSED, why);
	/* RFC 1939 §7: a <timestamp> in the greeting makes APOP possible */
	const char *lt = strchr(r->text, '<');
	const char *gt = lt ? strchr(lt, '>') : NULL;
	s->apop_stamp[0] = '\0';
	if (lt && gt && (size_t)(gt - lt + 1) < sizeof(s->apop_stamp))
		snprintf(s->apop_stamp, sizeof(s->apop_stamp), "%.*s", (int)(gt - lt + 1), lt);
}

static void pop3_on_reply(struct session *s, const char *verb, const struct reply *r,
                          const char *why)
{
	bool ok = r->code == REPLY_POP3_OK;
	if (!verb)
		return;
	if (!*verb) {
		pop3_greeted(s, r, why);
	} else if (!strcmp(verb, "USER")) {
		if (s->state == ST_POP3_AUTH || s->state == ST_POP3_USER)
			session_set_state(s, ok ? ST_POP3_USER : ST_POP3_AUTH, why);
	} else if (!strcmp(verb, "PASS") || !strcmp(verb, "APOP")) {
		if (ok && s->state != ST_POP3_TRANS) {
			session_set_state(s, ST_POP3_TRANS, why);
			s->authenticated = true;
		} else if (!ok && s->state == ST_POP3_USER) {
			session_set_state(s, ST_POP3_AUTH, why);
		}
	} else if (!strcmp(verb, "AUTH")) {
		if (r->code == REPLY_POP3_CONT) {
			session_enter_sasl(s, r, why);
		} else if (s->state == ST_SASL || s->sasl_mech[0]) {
			session_set_state(s,
			                  ok && !r->has_body    ? ST_POP3_TRANS
			                  : s->state == ST_SASL ? s->sasl_prev
			                                        : s->state,
			                  why);
			if (ok && !r->has_body)
				s->authenticated = true;
		}
	} else if (!strcmp(verb, "STAT") && ok) {
		long n = -1, o = -1;
		if (sscanf(r->text, "%ld %ld", &n, &o) == 2) {
			s->pop3_count = n;
			s->pop3_octets = o;
		}
	} else if (!strcmp(verb, "QUIT") && ok) {
		session_set_state(s, ST_CLOSED, why);
	}
}

static void pop3_status_text(int code, char *out, size_t n)
{
	snprintf(out, n, "%s",
	         code == REPLY_POP3_OK     ? "+OK"
	         : code == REPLY_POP3_CONT ? "+"
	                                   : "-ERR");
}

static enum reply_severity pop3_severity(int code)
{
	return code == REPLY_POP3_OK     ? SEVERITY_OK
	       : code == REPLY_POP3_ERR  ? SEVERITY_FAIL
	       : code == REPLY_POP3_CONT ? SEVERITY_MORE
	                                 : SEVERITY_NONE;
}

static int pop3_provider_code(int code)
{
	return code == REPLY_POP3_ERR ? -1 : 0;
}

/* A greeting is "+OK ..."; "+" is all show ever looked at. */
static bool pop3_looks_like(const char *line, size_t n)
{
	return n && line[0] == '+';
}

static const char *pop3_annot_status(int code, const char *verb, char *buf, size_t bufsz)
{
	(void)buf, (void)bufsz;
	return annot_pop3(code, verb ? verb : "");
}

const struct proto_handler proto_pop3_handler = {
    .proto = PROTO_POP3,
    .name = "pop3",
    .title = "POP3",
    .port = 110,     /* RFC 1939 */
    .tls_port = 995, /* implicit TLS, RFC 8314 */
    .schemes = pop3_schemes,
    .nschemes = sizeof(pop3_schemes) / sizeof(pop3_schemes[0]),
    .reply_mode = REPLY_POP3,
    .states = pop3_states,
    .nstates = sizeof(pop3_states) / sizeof(pop3_states[0]),
    .greeted = ST_POP3_AUTH,
    .cmds = pop3_cmds,
    .ncmds = sizeof(pop3_cmds) / sizeof(pop3_cmds[0]),
    .rules = pop3_rules,
    .nrules = sizeof(pop3_rules) / sizeof(pop3_rules[0]),
    .historical = pop3_historical,
    .nhistorical = sizeof(pop3_historical) / sizeof(pop3_historical[0]),
    .on_line = pop3_on_line,
    .on_reply = pop3_on_reply,
    .status_text = pop3_status_text,
    .severity = pop3_severity,
    .provider_code = pop3_provider_code,
    .looks_like = pop3_looks_like,
    .tls_go_ahead = REPLY_POP3_OK,
    .tls_verb = "STLS",
    .caps_verb = "CAPA",
    .caps_verb_names_host = false,
    .auth_cap = NULL,
    .annot_cap = annot_capa,
    .annot_status = pop3_annot_status,
    .annot_after_tls = N_("next: send CAPA again (RFC 2595): the capabilities learned before "
                          "TLS are forgotten"),
    .lab = &lab_pop3_ops,
};
