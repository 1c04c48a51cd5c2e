/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lab's POP3 server side (RFC 1939, 2449 CAPA and response codes,
 * 2595 STLS, 5034 AUTH), sans I/O: fed one line at a time, it appends its
 * reply to a buffer and says what to do next.  Texts follow Dovecot 2.3
 * as captured on loopback.  The mailbox is reached through hooks. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <openssl/crypto.h>

#include "i18n.h"
#include "lab/engines.h"

/* Why a line after a refused AUTH is hidden (and not echoed). */
#define AFTER_REFUSED_AUTH                                                                         \
	N_("not a command, right after an AUTH that was refused: if this was a base64 user name "  \
	   "or "                                                                                   \
	   "password, the server did not take it as one (the log hides the line)")
#define INTERNAL_ERROR                                                                             \
	"-ERR [SYS/TEMP] Internal error occurred. Refer to server log for more information."

#define set_why(p, ...) lab_note((p)->core.why, sizeof((p)->core.why), __VA_ARGS__)
#define say lab_say

const char *const lab_pop3_state_names[LAB_POP3_STATES] = {
    [LAB_POP3_AUTHORIZATION] = "authorization",
    [LAB_POP3_TRANSACTION] = "transaction",
    [LAB_POP3_DONE] = "done",
};

static const struct lab_engine_proto pop3_engine;

static void set_state(struct lab_pop3 *p, enum lab_pop3_state to, const char *why)
{
	lab_engine_set_state(&p->core, to, why);
}

static enum lab_pop3_state state(const struct lab_pop3 *p)
{
	return (enum lab_pop3_state)p->core.state;
}

/* Dovecot disconnects after 10 bad commands. */
static enum lab_action bad_command(struct lab_pop3 *p, struct buf *out)
{
	return lab_engine_error(&p->core, out);
}

static enum lab_action logged_in(struct lab_pop3 *p, const struct lab_user *who, const char *how,
                                 struct buf *out);

static enum lab_action sasl_error(void *owner, struct buf *out)
{
	return bad_command(owner, out);
}

static enum lab_action sasl_logged_in(void *owner, const struct lab_user *who, const char *how,
                                      struct buf *out)
{
	return logged_in(owner, who, how, out);
}

/* A refused login counts; a checked one also forgets USER. */
static void sasl_failed(void *owner, bool checked)
{
	struct lab_pop3 *p = owner;
	if (checked)
		p->have_user = false;
	p->auth_failures++;
}

/* The persona's refusal of a login: its POP3 texts. */
static const char *persona_refusal(const struct lab_persona *per, enum lab_auth r)
{
	return r == LAB_AUTH_NEEDS_CODE ? per->pop3_needs_code.text : per->pop3_bad.text;
}

/* AUTH as Dovecot words it (RFC 5034, 3206 response codes). */
static const struct lab_sasl_proto pop3_sasl = {
    .proto = PROTO_POP3,
    .go_on = "+ ",
    .bad_initial = "-ERR [AUTH] Invalid base64 data in initial response.",
    .bad_continued = "-ERR [AUTH] Invalid base64 data in continued response.",
    .bad_continued_why = N_("the answer to '+' must be base64"),
    .nul_is_bad_base64 = true,
    .aborted = "-ERR Authentication aborted by client.",
    .aborted_why = N_("'*' cancels an AUTH exchange (RFC 5034)"),
    .plain_asks_why = N_("AUTH PLAIN: the empty '+ ' asks for base64(NUL user NUL password) "
                         "(RFC 5034)"),
    .plain_bad = "-ERR [AUTH] Authentication failed.",
    .plain_bad_why = N_("AUTH PLAIN: the decoded response must be authzid NUL user NUL password"),
    .refused = "-ERR [AUTH] Authentication failed.",
    .login_asks_why = N_("AUTH LOGIN: \"VXNlcm5hbWU6\" is base64 for \"Username:\""),
    .login_ir_why = N_("AUTH LOGIN: user %s; \"UGFzc3dvcmQ6\" is base64 for \"Password:\""),
    .login_user_why = N_("AUTH LOGIN: user '%s'; \"UGFzc3dvcmQ6\" is base64 for \"Password:\""),
    .cram_why = N_("AUTH CRAM-MD5: answer base64(user SP hex(HMAC-MD5(secret, challenge)))"),
    .unsupported = "-ERR Unsupported authentication mechanism.",
    .unsupported_why = N_("AUTH %s: the lab offers PLAIN, LOGIN and CRAM-MD5 (CRAM-MD5 without an "
                          "initial response)"),
    .no_user_why = N_("%s: there is no user '%s' (the server does not say which part was "
                      "wrong)%s"),
    .wrong_why = N_("%s: wrong %s for %s%s"),
    .error = sasl_error,
    .logged_in = sasl_logged_in,
    .failed = sasl_failed,
    .persona_refusal = persona_refusal,
};

void lab_pop3_init(struct lab_pop3 *p, const struct lab_pop3_config *cfg,
                   const struct lab_pop3_hooks *hooks, uint64_t serial, bool tls)
{
	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	if (hooks)
		p->hooks = *hooks;
	p->drop.lock_fd = -1;
	lab_engine_init(&p->core, &pop3_engine, p, cfg->host, cfg->faults, serial,
	                LAB_POP3_AUTHORIZATION);
	p->tls = tls;
	lab_sasl_bind(&p->core.sasl, &pop3_sasl, p, p->core.why, sizeof(p->core.why), cfg->host,
	              cfg->users, cfg->persona, cfg->persona_run);
	/* RFC 1939 7: process-ID.clock@hostname; the serial keeps it unique. */
	snprintf(p->timestamp, sizeof(p->timestamp), "<%ld.%lld.%llu@%s>", (long)getpid(),
	         (long long)time(NULL), (unsigned long long)serial, cfg->host);
}

enum lab_action lab_pop3_greet(struct lab_pop3 *p, struct buf *out)
{
	return lab_engine_greet(&p->core, out);
}

static enum lab_action greeting(void *owner, struct buf *out)
{
	struct lab_pop3 *p = owner;
	say(out, "+OK %s %s", p->cfg->greeting, p->timestamp);
	set_why(p, _("greeting; the <...> at its end is the APOP timestamp (RFC 1939 7); log in "
	             "with USER/PASS, APOP or AUTH"));
	return LAB_GO_ON;
}

void lab_pop3_tls_started(struct lab_pop3 *p)
{
	p->tls = true;
	p->have_user = false;
	p->user[0] = '\0';
	lab_sasl_reset(&p->core.sasl);
}

void lab_pop3_end(struct lab_pop3 *p)
{
	if (p->drop_open && p->hooks.close)
		p->hooks.close(p->hooks.ctx, &p->drop);
	p->drop_open = false;
	lab_sasl_reset(&p->core.sasl);
}

static void capa(struct lab_pop3 *p, struct buf *out)
{
	const struct lab_persona *per = p->cfg->persona;
	if (per && per->capa.text) {
		say(out, "+OK Capability list follows");
		lab_say_text(out, per->capa.text);
		say(out, ".");
		set_why(p, _("%s's capabilities"), _(per->provider));
		return;
	}
	say(out, "+OK");
	say(out, "CAPA");
	say(out, "TOP");
	say(out, "UIDL");
	say(out, "RESP-CODES");
	say(out, "PIPELINING");
	say(out, "AUTH-RESP-CODE");
	if (state(p) == LAB_POP3_AUTHORIZATION) {
		if (!p->tls && p->cfg->tls_available)
			say(out, "STLS");
		if (p->tls || !p->cfg->remote) {
			say(out, "USER");
			say(out, "SASL PLAIN LOGIN CRAM-MD5");
		}
	}
	say(out, ".");
	set_why(p, state(p) == LAB_POP3_AUTHORIZATION
	               ? _("capabilities before login: how one may log in (USER, SASL) and STLS")
	               : _("capabilities after login: the login ones are gone"));
}

/* A login that succeeded: lock and list the maildrop. */
static enum lab_action logged_in(struct lab_pop3 *p, const struct lab_user *who, const char *how,
                                 struct buf *out)
{
	enum lab_drop_status st = LAB_DROP_FAILED;
	memset(&p->drop, 0, sizeof(p->drop));
	p->drop.lock_fd = -1;
	if (p->hooks.open)
		st = p->hooks.open(p->hooks.ctx, who->name, &p->drop);
	switch (st) {
	case LAB_DROP_IN_USE:
		say(out, "-ERR [IN-USE] Mailbox is locked by another POP3 session.");
		set_why(p,
		        _("%s: right secret, but another session holds %s's mailbox (RFC 2449 "
		          "IN-USE); QUIT the other one"),
		        how, who->name);
		p->have_user = false;
		return LAB_GO_ON;
	case LAB_DROP_FAILED:
		say(out, INTERNAL_ERROR);
		set_why(p, _("%s: right secret, but the lab could not read %s's Maildir"), how,
		        who->name);
		p->have_user = false;
		return LAB_GO_ON;
	case LAB_DROP_OK: break;
	}
	p->drop_open = true;
	p->auth = who;
	set_state(p, LAB_POP3_TRANSACTION, "+OK to login");
	size_t total = 0;
	for (size_t i = 0; i < p->drop.n; i++)
		total += p->drop.v[i].octets;
	return lab_answer(
	    &p->core, out, "+OK Logged in.",
	    dngettext(SMTPSH_TEXT_DOMAIN,
	              "%s: %s logged in; the mailbox is locked for this session: %zu message, %zu "
	              "octets",
	              "%s: %s logged in; the mailbox is locked for this session: %zu messages, %zu "
	              "octets",
	              p->drop.n),
	    how, who->name, p->drop.n, total);
}

/* Parses a message number the way Dovecot words its refusals.  Returns
 * true with *idx (0-based) for a live message. */
static bool msg_number(struct lab_pop3 *p, const char *tok, size_t toklen, size_t *idx,
                       struct buf *out)
{
	bool digits = toklen > 0 && toklen < 10;
	for (size_t i = 0; i < toklen && digits; i++)
		digits = isdigit((unsigned char)tok[i]);
	if (!digits) {
		say(out, "-ERR Invalid message number: %.*s", (int)toklen, tok);
		set_why(p, _("messages are numbered 1, 2, 3... as LIST shows"));
		return false;
	}
	unsigned long n = strtoul(tok, NULL, 10);
	if (n == 0 || n > p->drop.n) {
		say(out, "-ERR There's no message %lu.", n);
		set_why(p,
		        dngettext(SMTPSH_TEXT_DOMAIN,
		                  "the mailbox has %zu message, numbered from 1",
		                  "the mailbox has %zu messages, numbered from 1", p->drop.n),
		        p->drop.n);
		return false;
	}
	if (p->drop.v[n - 1].deleted) {
		lab_answer(&p->core, out, "-ERR Message is deleted.",
		           _("message %lu is marked deleted in this session (RSET would undo it)"),
		           n);
		return false;
	}
	*idx = n - 1;
	return true;
}

/* ---- commands: AUTHORIZATION ---- */

/* Dovecot's disable_plaintext_auth: on a lab beyond loopback, a login
 * before STLS is refused (true) with its words. */
static bool plaintext_refused(struct lab_pop3 *p, struct buf *out)
{
	if (p->tls || !p->cfg->remote)
		return false;
	lab_refuse(&p->core, out,
	           "-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) "
	           "connections.",
	           _("this lab listens beyond loopback, so a login needs TLS first (STLS): a "
	             "password must not cross the network in clear"));
	return true;
}

static enum lab_action cmd_capa(struct lab_pop3 *p, char *arg, struct buf *out)
{
	(void)arg;
	capa(p, out);
	return LAB_GO_ON;
}

static enum lab_action cmd_user(struct lab_pop3 *p, char *arg, struct buf *out)
{
	if (plaintext_refused(p, out))
		return LAB_GO_ON;
	if (!*arg)
		return lab_refuse(&p->core, out, "-ERR No username given.",
		                  _("USER takes the user name"));
	snprintf(p->user, sizeof(p->user), "%s", strlen(arg) < sizeof(p->user) ? arg : "");
	p->have_user = true;
	return lab_answer(
	    &p->core, out, "+OK",
	    _("user name noted; PASS comes next (the server does not say whether '%s' exists)"),
	    arg);
}

static enum lab_action cmd_pass(struct lab_pop3 *p, char *arg, struct buf *out)
{
	if (!p->have_user)
		return lab_refuse(
		    &p->core, out, "-ERR No username given.",
		    _("PASS must follow USER (after a failed PASS, send USER again)"));
	const struct lab_user *who = NULL;
	char user[LAB_NAME_MAX];
	snprintf(user, sizeof(user), "%s", p->user);
	enum lab_auth r = lab_auth_check(p->cfg->users, p->cfg->persona, user, arg, &who);
	return lab_sasl_verdict(&p->core.sasl, r, who, user, "USER/PASS", out);
}

static enum lab_action cmd_apop(struct lab_pop3 *p, char *arg, struct buf *out)
{
	if (plaintext_refused(p, out))
		return LAB_GO_ON;
	size_t ulen = strcspn(arg, " ");
	const char *digest = arg[ulen] ? arg + ulen + 1 : "";
	if (!ulen || !*digest || ulen >= LAB_NAME_MAX)
		return lab_refuse(
		    &p->core, out, "-ERR Invalid APOP arguments.",
		    _("APOP name digest: digest = hex(MD5(timestamp password)), timestamp from "
		      "the greeting, <> included"));
	char user[LAB_NAME_MAX];
	memcpy(user, arg, ulen);
	user[ulen] = '\0';
	const struct lab_user *who = NULL;
	enum lab_auth r =
	    lab_auth_apop(p->cfg->users, p->cfg->persona, p->timestamp, user, digest, &who);
	return lab_sasl_verdict(&p->core.sasl, r, who, user, "APOP", out);
}

static enum lab_action cmd_auth(struct lab_pop3 *p, char *arg, struct buf *out)
{
	if (plaintext_refused(p, out))
		return LAB_GO_ON;
	if (!*arg) {
		return lab_answer(&p->core, out, "+OK\nPLAIN\nLOGIN\nCRAM-MD5\n.",
		                  _("AUTH without a mechanism lists the SASL mechanisms"));
	}
	char *ir;
	char *mech = lab_sasl_split(arg, &ir);
	if (ir && !*ir)
		ir = NULL;
	return lab_sasl_start(&p->core.sasl, mech, ir, out);
}

static enum lab_action cmd_stls(struct lab_pop3 *p, char *arg, struct buf *out)
{
	(void)arg;
	if (p->tls)
		return lab_refuse(&p->core, out, "-ERR TLS is already active.",
		                  _("this connection is already encrypted"));
	if (!p->cfg->tls_available)
		return lab_refuse(&p->core, out, "-ERR TLS support isn't enabled.",
		                  _("the lab has no certificate loaded"));
	say(out, "+OK Begin TLS negotiation now.");
	set_why(p, _("TLS handshake next; anything pipelined after STLS is thrown away"));
	return LAB_STARTTLS;
}

static enum lab_action cmd_quit(struct lab_pop3 *p, char *arg, struct buf *out)
{
	(void)arg;
	say(out, "+OK Logging out");
	set_why(p, _("QUIT before login: nothing to update"));
	set_state(p, LAB_POP3_DONE, "QUIT before login");
	return LAB_CLOSE;
}

/* ---- commands: TRANSACTION ---- */

static enum lab_action cmd_stat(struct lab_pop3 *p, char *arg, struct buf *out)
{
	(void)arg;
	size_t n = 0, total = 0;
	for (size_t i = 0; i < p->drop.n; i++)
		if (!p->drop.v[i].deleted)
			n++, total += p->drop.v[i].octets;
	say(out, "+OK %zu %zu", n, total);
	set_why(p,
	        dngettext(SMTPSH_TEXT_DOMAIN,
	                  "%zu message, %zu octets in all (deleted ones not counted)",
	                  "%zu messages, %zu octets in all (deleted ones not counted)", n),
	        n, total);
	return LAB_GO_ON;
}

static enum lab_action list_uidl(struct lab_pop3 *p, const char *arg, bool uidl, struct buf *out)
{
	if (*arg) {
		size_t i;
		if (!msg_number(p, arg, strlen(arg), &i, out))
			return bad_command(p, out);
		if (uidl)
			say(out, "+OK %zu %s", i + 1, p->drop.v[i].uid);
		else
			say(out, "+OK %zu %zu", i + 1, p->drop.v[i].octets);
		set_why(p,
		        uidl ? _("the unique id stays the same across sessions: clients use it to "
		                 "remember what they already downloaded")
		             : _("the size in octets, as RETR will send it"));
		return LAB_GO_ON;
	}
	size_t live = 0;
	for (size_t i = 0; i < p->drop.n; i++)
		live += !p->drop.v[i].deleted;
	if (uidl)
		say(out, "+OK");
	else
		say(out, "+OK %zu messages:", live);
	for (size_t i = 0; i < p->drop.n; i++) {
		if (p->drop.v[i].deleted)
			continue;
		if (uidl)
			say(out, "%zu %s", i + 1, p->drop.v[i].uid);
		else
			say(out, "%zu %zu", i + 1, p->drop.v[i].octets);
	}
	return lab_answer(&p->core, out, ".",
	                  uidl ? _("number and unique id of each message, then '.'")
	                       : _("number and size of each message, then '.'"));
}

static enum lab_action cmd_list(struct lab_pop3 *p, char *arg, struct buf *out)
{
	return list_uidl(p, arg, false, out);
}

static enum lab_action cmd_uidl(struct lab_pop3 *p, char *arg, struct buf *out)
{
	return list_uidl(p, arg, true, out);
}

static enum lab_action retr_top(struct lab_pop3 *p, const char *arg, bool top, struct buf *out)
{
	size_t toklen = strcspn(arg, " ");
	size_t i;
	if (!msg_number(p, arg, toklen, &i, out))
		return bad_command(p, out);
	long lines = -1;
	if (top) {
		const char *n = arg + toklen;
		while (*n == ' ')
			n++;
		if (!*n)
			return lab_refuse(
			    &p->core, out, "-ERR Noise after message number: ",
			    _("TOP takes a message number and a line count: TOP 1 0 gives the "
			      "headers only"));
		char *end;
		unsigned long v = strtoul(n, &end, 10);
		if (!isdigit((unsigned char)*n) || *end || v > 100000000UL) {
			say(out, "-ERR Invalid size: %s", n);
			set_why(p, _("the line count after the message number must be a number"));
			return bad_command(p, out);
		}
		lines = (long)v;
		say(out, "+OK");
		set_why(p,
		        dngettext(
		            SMTPSH_TEXT_DOMAIN,
		            "the headers of message %zu, the empty line, then %ld body line; '.' "
		            "ends it",
		            "the headers of message %zu, the empty line, then %ld body lines; '.' "
		            "ends it",
		            (unsigned long)lines),
		        i + 1, lines);
	} else if (*(arg + toklen)) {
		say(out, "-ERR Noise after message number: %s", arg + toklen + 1);
		set_why(p, _("RETR takes one message number"));
		return bad_command(p, out);
	} else {
		say(out, "+OK %zu octets", p->drop.v[i].octets);
		set_why(p,
		        _("message %zu follows; body lines starting with '.' get one more '.' "
		          "(dot-stuffing), a line with '.' alone ends it"),
		        i + 1);
	}
	p->send_index = i;
	p->send_body_lines = lines;
	return LAB_SEND_MESSAGE;
}

static enum lab_action cmd_retr(struct lab_pop3 *p, char *arg, struct buf *out)
{
	return retr_top(p, arg, false, out);
}

static enum lab_action cmd_top(struct lab_pop3 *p, char *arg, struct buf *out)
{
	return retr_top(p, arg, true, out);
}

static enum lab_action cmd_dele(struct lab_pop3 *p, char *arg, struct buf *out)
{
	size_t i;
	if (!msg_number(p, arg, strlen(arg), &i, out))
		return bad_command(p, out);
	p->drop.v[i].deleted = true;
	return lab_answer(
	    &p->core, out, "+OK Marked to be deleted.",
	    _("message %zu is only marked: it is removed at QUIT (UPDATE state), and RSET "
	      "unmarks it"),
	    i + 1);
}

static enum lab_action cmd_rset(struct lab_pop3 *p, char *arg, struct buf *out)
{
	(void)arg;
	for (size_t i = 0; i < p->drop.n; i++)
		p->drop.v[i].deleted = false;
	return lab_answer(&p->core, out, "+OK", _("every DELE of this session is undone"));
}

static enum lab_action cmd_noop(struct lab_pop3 *p, char *arg, struct buf *out)
{
	(void)arg;
	return lab_answer(&p->core, out, "+OK", _("NOOP does nothing; the connection is alive"));
}

static enum lab_action cmd_quit_update(struct lab_pop3 *p, char *arg, struct buf *out)
{
	(void)arg;
	size_t deleted = 0;
	for (size_t i = 0; i < p->drop.n; i++)
		deleted += p->drop.v[i].deleted;
	set_state(p, LAB_POP3_DONE, "QUIT: UPDATE");
	bool ok = deleted == 0 || (p->hooks.commit && p->hooks.commit(p->hooks.ctx, &p->drop));
	if (!ok) {
		say(out, "-ERR [SYS/TEMP] Some deleted messages were not removed.");
		set_why(p, _("UPDATE state: the lab could not remove the messages marked deleted"));
	} else if (deleted) {
		say(out, "+OK Logging out, messages deleted.");
		set_why(
		    p,
		    dngettext(
		        SMTPSH_TEXT_DOMAIN,
		        "UPDATE state: QUIT is what applies the %zu DELE; without QUIT nothing is "
		        "removed",
		        "UPDATE state: QUIT is what applies the %zu DELEs; without QUIT nothing "
		        "is removed",
		        deleted),
		    deleted);
	} else {
		say(out, "+OK Logging out.");
		set_why(p, _("UPDATE state: nothing marked deleted, the mailbox is unchanged"));
	}
	lab_pop3_end(p);
	return LAB_CLOSE;
}

/* ---- the command table ---- */

/* The states a command is valid in. */
enum { IN_AUTHORIZATION = 1 << LAB_POP3_AUTHORIZATION, IN_TRANSACTION = 1 << LAB_POP3_TRANSACTION };

struct pop3_command {
	const char *verb;
	unsigned states;  /* IN_AUTHORIZATION | IN_TRANSACTION */
	bool needs_login; /* named as such when sent before login */
	enum lab_action (*proceed)(struct lab_pop3 *p, char *arg, struct buf *out);
};

static const struct pop3_command commands[] = {
    {"CAPA", IN_AUTHORIZATION, false, cmd_capa},      {"CAPA", IN_TRANSACTION, false, cmd_capa},
    {"USER", IN_AUTHORIZATION, false, cmd_user},      {"PASS", IN_AUTHORIZATION, false, cmd_pass},
    {"APOP", IN_AUTHORIZATION, false, cmd_apop},      {"AUTH", IN_AUTHORIZATION, false, cmd_auth},
    {"STLS", IN_AUTHORIZATION, false, cmd_stls},      {"QUIT", IN_AUTHORIZATION, false, cmd_quit},
    {"STAT", IN_TRANSACTION, true, cmd_stat},         {"LIST", IN_TRANSACTION, true, cmd_list},
    {"UIDL", IN_TRANSACTION, true, cmd_uidl},         {"RETR", IN_TRANSACTION, true, cmd_retr},
    {"TOP", IN_TRANSACTION, true, cmd_top},           {"DELE", IN_TRANSACTION, true, cmd_dele},
    {"RSET", IN_TRANSACTION, false, cmd_rset},        {"NOOP", IN_TRANSACTION, false, cmd_noop},
    {"QUIT", IN_TRANSACTION, false, cmd_quit_update},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* The entry for verb in one of states, or NULL. */
static const struct pop3_command *find_command(const char *verb, unsigned states)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if ((commands[i].states & states) && !strcmp(verb, commands[i].verb))
			return &commands[i];
	return NULL;
}

static bool is_command(const char *line, size_t n)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (lab_line_verb_is(line, n, commands[i].verb))
			return true;
	return false;
}

/* A verb the current state has no entry for. */
static enum lab_action wrong_state(struct lab_pop3 *p, const char *verb, struct buf *out)
{
	const struct pop3_command *other = find_command(verb, IN_AUTHORIZATION | IN_TRANSACTION);
	if (state(p) == LAB_POP3_AUTHORIZATION) {
		say(out, "-ERR Unknown command.");
		if (p->core.secret_from == 0)
			set_why(p, "%s", _(AFTER_REFUSED_AUTH));
		else if (other && other->needs_login)
			set_why(p, _("%s works only after logging in (USER then PASS)"), verb);
		else
			set_why(p, _("'%s' is not a command before login"), verb);
		return bad_command(p, out);
	}
	if (p->core.secret_from == 0) { /* no echo of what may be a password */
		return lab_refuse(&p->core, out, "-ERR Unknown command.", "%s",
		                  _(AFTER_REFUSED_AUTH));
	}
	say(out, "-ERR Unknown command: %s", verb);
	if (other)
		set_why(p, _("already logged in: %s belongs to the AUTHORIZATION state"), verb);
	else
		set_why(p, _("'%s' is not a POP3 command"), verb);
	return bad_command(p, out);
}

static enum lab_action dispatch(struct lab_pop3 *p, struct lab_line *l, struct buf *out)
{
	bool faulted;
	enum lab_action a = lab_engine_inject(&p->core, l->verb, l->arg, out, &faulted);
	if (faulted)
		return a;
	const struct pop3_command *c = NULL;
	switch (state(p)) {
	case LAB_POP3_AUTHORIZATION: c = find_command(l->verb, IN_AUTHORIZATION); break;
	case LAB_POP3_TRANSACTION: c = find_command(l->verb, IN_TRANSACTION); break;
	case LAB_POP3_DONE:
	case LAB_POP3_STATES: return LAB_CLOSE;
	}
	return c ? c->proceed(p, l->arg, out) : wrong_state(p, l->verb, out);
}

/* 451 and 454 faults in Dovecot's words ([SYS/TEMP], RFC 3206). */
static enum lab_action fault_451(void *owner, const char *verb, const char *arg, struct buf *out)
{
	struct lab_pop3 *p = owner;
	(void)arg;
	return lab_refuse(
	    &p->core, out, INTERNAL_ERROR,
	    _("fault injected (451@%s): a temporary server error ([SYS/TEMP], RFC 3206)"), verb);
}

static enum lab_action fault_454(void *owner, const char *verb, struct buf *out)
{
	struct lab_pop3 *p = owner;
	bool tls = !strcmp(verb, "STLS");
	if (tls)
		say(out, "-ERR [SYS/TEMP] TLS not available right now.");
	else
		say(out, "-ERR [SYS/TEMP] Temporary authentication failure.");
	set_why(p,
	        tls ? _("fault injected (454@%s): the server's TLS failed for now; retry later")
	            : _("fault injected (454@%s): the server's authentication service failed for "
	                "now; retry later"),
	        verb);
	if (strcmp(verb, "USER"))
		p->have_user = false;
	return LAB_GO_ON;
}

static enum lab_action feed_line(void *owner, const char *line, size_t n, unsigned flags,
                                 struct buf *out)
{
	struct lab_pop3 *p = owner;
	if (state(p) == LAB_POP3_DONE)
		return LAB_CLOSE;
	if ((flags & LAB_LINE_TOO_LONG) || n > LAB_CMD_LINE_MAX) {
		lab_sasl_reset(&p->core.sasl);
		return lab_refuse(&p->core, out, "-ERR Input line too long.",
		                  _("a POP3 command line is short (RFC 2449: 255 octets)"));
	}
	if (p->core.sasl.step != LAB_SASL_NONE)
		return lab_sasl_continue(&p->core.sasl, line, n, out);
	/* Dovecot takes a bare LF: POP3 has no smuggling problem. */
	if (memchr(line, '\0', n) || n == 0)
		return lab_refuse(&p->core, out, "-ERR Unknown command.",
		                  n ? _("a command line holds a NUL byte")
		                    : _("an empty line is not a command"));
	struct lab_line l;
	lab_line_split(&l, line, n);
	if (strcmp(l.verb, "PASS")) /* PASS keeps its spaces: a password may hold them */
		lab_line_trim(&l);
	enum lab_action a = dispatch(p, &l, out);
	lab_line_wipe(&l);
	return a;
}

static bool in_text(const void *owner)
{
	(void)owner;
	return false; /* POP3 receives no message text */
}

static bool is_refusal(const char *reply, size_t n)
{
	return n && reply[0] == '-';
}

enum lab_action lab_pop3_feed(struct lab_pop3 *p, const char *line, size_t n, unsigned flags,
                              struct buf *out)
{
	return lab_engine_feed(&p->core, line, n, flags, out);
}

/* AUTH mechanism [initial-response], PASS password, APOP name digest */
static const struct lab_secret_verb pop3_secret_verbs[] = {
    {"AUTH", 2},
    {"PASS", LAB_SECRET_REST},
    {"APOP", 2},
};

/* Dovecot's words for the shared engine core. */
static const struct lab_engine_proto pop3_engine = {
    .proto = PROTO_POP3,
    .state_names = lab_pop3_state_names,
    .nstates = LAB_POP3_STATES,
    .error_limit = LAB_POP3_BAD_COMMANDS,
    .too_many = "-ERR Too many bad commands.",
    .too_many_why = N_("; %u bad commands: the lab hangs up, as Dovecot does"),
    .timeout = "-ERR Disconnected for inactivity.",
    .timeout_why = N_("the client was silent too long; messages marked with DELE stay (no QUIT, "
                      "no UPDATE state)"),
    .shutdown = "-ERR Server shutting down.",
    .shutdown_why = N_("the lab is stopping; no deletion is applied"),
    .greet_drop_why = N_("fault injected (drop@CONNECT): closed before the greeting"),
    .greet_refused = "-ERR [SYS/TEMP] Service not available, closing connection.",
    .greet_refused_why = N_("fault injected (%s@CONNECT): the server cannot serve now; try later"),
    .drop_why = N_("fault injected (drop@%s): the connection is cut without a reply"),
    .closing = "-ERR [SYS/TEMP] Service not available, closing connection.",
    .closing_why = N_("fault injected (421@%s): the server gives up on the session; no deletion "
                      "is applied"),
    .fault_451 = fault_451,
    .fault_454 = fault_454,
    .secret_verbs = pop3_secret_verbs,
    .nsecret_verbs = sizeof(pop3_secret_verbs) / sizeof(pop3_secret_verbs[0]),
    .is_command = is_command,
    .is_refusal = is_refusal,
    .in_text = in_text,
    .greeting = greeting,
    .feed_line = feed_line,
};

/* ---- the server's view (engines.h) ---- */

static struct lab_engine *ops_start(void *m, const struct lab_engine_start *st)
{
	struct lab_pop3 *p = m;
	lab_pop3_init(p, st->pop3, st->pop3_hooks, st->serial, st->tls);
	p->core.trace = st->trace;
	return &p->core;
}

static void ops_tls_up(void *m, const char *desc, bool implicit)
{
	(void)desc;
	if (!implicit)
		lab_pop3_tls_started(m);
}

static const char *ops_hangup_why(const void *m)
{
	const struct lab_pop3 *p = m;
	return state(p) == LAB_POP3_TRANSACTION
	           ? N_("the client hung up without QUIT: no deletion applied")
	           : N_("the client hung up");
}

static void ops_end(void *m)
{
	struct lab_pop3 *p = m;
	lab_pop3_end(p);
	OPENSSL_cleanse(p, sizeof(*p));
}

const struct lab_engine_ops lab_pop3_ops = {
    .busy = "-ERR [SYS/TEMP] Too many connections.\r\n",
    .fault_451_verbs = " STAT LIST UIDL RETR TOP DELE ",
    .fault_454_verbs = " USER PASS APOP AUTH STLS ",
    .start = ops_start,
    .tls_up = ops_tls_up,
    .hangup_why = ops_hangup_why,
    .end = ops_end,
};
