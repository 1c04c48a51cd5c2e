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

#include "lab/pop3.h"

#define NOT_SECRET ((size_t)-1)
/* Why a line after a refused AUTH is hidden (and not echoed). */
#define AFTER_REFUSED_AUTH                                                                         \
	"not a command, right after an AUTH that was refused: if this was a base64 user name or "  \
	"password, the server did not take it as one (the log hides the line)"
#define INTERNAL_ERROR                                                                             \
	"-ERR [SYS/TEMP] Internal error occurred. Refer to server log for more information."

#define set_why(p, ...) lab_note((p)->why, sizeof((p)->why), __VA_ARGS__)
#define say lab_say

static enum lab_action bad_command(struct lab_pop3 *p, struct buf *out);
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

/* AUTH as Dovecot words it (RFC 5034, 3206 response codes). */
static const struct lab_sasl_proto pop3_sasl = {
    .proto = PROTO_POP3,
    .go_on = "+ ",
    .bad_initial = "-ERR [AUTH] Invalid base64 data in initial response.",
    .bad_continued = "-ERR [AUTH] Invalid base64 data in continued response.",
    .bad_continued_why = "the answer to '+' must be base64",
    .nul_is_bad_base64 = true,
    .aborted = "-ERR Authentication aborted by client.",
    .aborted_why = "'*' cancels an AUTH exchange (RFC 5034)",
    .plain_asks_why = "AUTH PLAIN: the empty '+ ' asks for base64(NUL user NUL password) "
                      "(RFC 5034)",
    .plain_bad = "-ERR [AUTH] Authentication failed.",
    .plain_bad_why = "AUTH PLAIN: the decoded response must be authzid NUL user NUL password",
    .refused = "-ERR [AUTH] Authentication failed.",
    .login_user_hint = "",
    .login_ir_pre = "AUTH LOGIN: user ",
    .login_ir_post = "; \"UGFzc3dvcmQ6\" is base64 for \"Password:\"",
    .login_user_pre = "AUTH LOGIN: user '",
    .login_user_post = "'; \"UGFzc3dvcmQ6\" is base64 for \"Password:\"",
    .cram_why = "AUTH CRAM-MD5: answer base64(user SP hex(HMAC-MD5(secret, challenge)))",
    .unsupported = "-ERR Unsupported authentication mechanism.",
    .unsupported_why_tail = " (CRAM-MD5 without an initial response)",
    .no_user_tail = " (the server does not say which part was wrong)",
    .wrong_tail = "",
    .error = sasl_error,
    .logged_in = sasl_logged_in,
    .failed = sasl_failed,
};

void lab_pop3_init(struct lab_pop3 *p, const struct lab_pop3_config *cfg,
                   const struct lab_pop3_hooks *hooks, uint64_t serial, bool tls)
{
	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	if (hooks)
		p->hooks = *hooks;
	p->drop.lock_fd = -1;
	lab_rng_seed(&p->rng, cfg->faults ? cfg->faults->seed : 1, serial);
	p->tls = tls;
	p->state = LAB_POP3_AUTHORIZATION;
	p->secret_from = NOT_SECRET;
	lab_sasl_bind(&p->sasl, &pop3_sasl, p, p->why, sizeof(p->why), cfg->host, cfg->users,
	              cfg->persona);
	/* RFC 1939 7: process-ID.clock@hostname; the serial keeps it unique. */
	snprintf(p->timestamp, sizeof(p->timestamp), "<%ld.%lld.%llu@%s>", (long)getpid(),
	         (long long)time(NULL), (unsigned long long)serial, cfg->host);
}

static void begin_call(struct lab_pop3 *p)
{
	p->why[0] = '\0';
	p->secret_from = NOT_SECRET;
	p->delay_ms = 0;
}

enum lab_action lab_pop3_greet(struct lab_pop3 *p, struct buf *out)
{
	begin_call(p);
	struct lab_fault f = lab_faults_pick(p->cfg->faults, &p->rng, PROTO_POP3, "CONNECT");
	p->delay_ms = f.delay_ms;
	if (f.kind == LAB_FAULT_DROP) {
		set_why(p, "fault injected (drop@CONNECT): closed before the greeting");
		return LAB_DROP;
	}
	if (f.kind != LAB_FAULT_NONE) {
		say(out, "-ERR [SYS/TEMP] Service not available, closing connection.");
		set_why(p, "fault injected (%s@CONNECT): the server cannot serve now; try later",
		        lab_fault_name(f.kind));
		return LAB_CLOSE;
	}
	say(out, "+OK %s %s", p->cfg->greeting, p->timestamp);
	set_why(p, "greeting; the <...> at its end is the APOP timestamp (RFC 1939 7); log in "
	           "with USER/PASS, APOP or AUTH");
	return LAB_GO_ON;
}

void lab_pop3_tls_started(struct lab_pop3 *p)
{
	p->tls = true;
	p->have_user = false;
	p->user[0] = '\0';
	lab_sasl_reset(&p->sasl);
}

void lab_pop3_timeout(struct lab_pop3 *p, struct buf *out)
{
	begin_call(p);
	say(out, "-ERR Disconnected for inactivity.");
	set_why(p, "the client was silent too long; messages marked with DELE stay (no QUIT, no "
	           "UPDATE state)");
}

void lab_pop3_shutdown(struct lab_pop3 *p, struct buf *out)
{
	begin_call(p);
	say(out, "-ERR Server shutting down.");
	set_why(p, "the lab is stopping; no deletion is applied");
}

void lab_pop3_end(struct lab_pop3 *p)
{
	if (p->drop_open && p->hooks.close)
		p->hooks.close(p->hooks.ctx, &p->drop);
	p->drop_open = false;
	lab_sasl_reset(&p->sasl);
}

static enum lab_action bad_command(struct lab_pop3 *p, struct buf *out)
{
	if (++p->bad_commands < LAB_POP3_BAD_COMMANDS)
		return LAB_GO_ON;
	say(out, "-ERR Too many bad commands.");
	size_t n = strlen(p->why);
	snprintf(p->why + n, sizeof(p->why) - n,
	         "; %u bad commands: the lab hangs up, as Dovecot "
	         "does",
	         p->bad_commands);
	return LAB_CLOSE;
}

static void capa(struct lab_pop3 *p, struct buf *out)
{
	say(out, "+OK");
	say(out, "CAPA");
	say(out, "TOP");
	say(out, "UIDL");
	say(out, "RESP-CODES");
	say(out, "PIPELINING");
	say(out, "AUTH-RESP-CODE");
	if (p->state == LAB_POP3_AUTHORIZATION) {
		if (!p->tls && p->cfg->tls_available)
			say(out, "STLS");
		say(out, "USER");
		say(out, "SASL PLAIN LOGIN CRAM-MD5");
	}
	say(out, ".");
	set_why(p, p->state == LAB_POP3_AUTHORIZATION
	               ? "capabilities before login: how one may log in (USER, SASL) and STLS"
	               : "capabilities after login: the login ones are gone");
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
		        "%s: right secret, but another session holds %s's mailbox (RFC 2449 "
		        "IN-USE); QUIT the other one",
		        how, who->name);
		p->have_user = false;
		return LAB_GO_ON;
	case LAB_DROP_FAILED:
		say(out, INTERNAL_ERROR);
		set_why(p, "%s: right secret, but the lab could not read %s's Maildir", how,
		        who->name);
		p->have_user = false;
		return LAB_GO_ON;
	case LAB_DROP_OK: break;
	}
	p->drop_open = true;
	p->auth = who;
	p->state = LAB_POP3_TRANSACTION;
	size_t total = 0;
	for (size_t i = 0; i < p->drop.n; i++)
		total += p->drop.v[i].octets;
	say(out, "+OK Logged in.");
	set_why(p,
	        "%s: %s logged in; the mailbox is locked for this session: %zu message%s, %zu "
	        "octets",
	        how, who->name, p->drop.n, p->drop.n == 1 ? "" : "s", total);
	return LAB_GO_ON;
}

static enum lab_action cmd_auth(struct lab_pop3 *p, char *arg, struct buf *out)
{
	if (!*arg) {
		say(out, "+OK");
		say(out, "PLAIN");
		say(out, "LOGIN");
		say(out, "CRAM-MD5");
		say(out, ".");
		set_why(p, "AUTH without a mechanism lists the SASL mechanisms");
		return LAB_GO_ON;
	}
	char *mech = arg;
	size_t mlen = strcspn(mech, " ");
	char *ir = mech[mlen] ? mech + mlen + 1 : NULL;
	mech[mlen] = '\0';
	while (ir && *ir == ' ')
		ir++;
	if (ir && !*ir)
		ir = NULL;
	return lab_sasl_start(&p->sasl, mech, ir, out);
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
		set_why(p, "messages are numbered 1, 2, 3... as LIST shows");
		return false;
	}
	unsigned long n = strtoul(tok, NULL, 10);
	if (n == 0 || n > p->drop.n) {
		say(out, "-ERR There's no message %lu.", n);
		set_why(p, "the mailbox has %zu message%s, numbered from 1", p->drop.n,
		        p->drop.n == 1 ? "" : "s");
		return false;
	}
	if (p->drop.v[n - 1].deleted) {
		say(out, "-ERR Message is deleted.");
		set_why(p, "message %lu is marked deleted in this session (RSET would undo it)", n);
		return false;
	}
	*idx = n - 1;
	return true;
}

static enum lab_action cmd_list_uidl(struct lab_pop3 *p, const char *arg, bool uidl,
                                     struct buf *out)
{
	if (*arg) {
		size_t i;
		if (!msg_number(p, arg, strlen(arg), &i, out))
			return bad_command(p, out);
		if (uidl)
			say(out, "+OK %zu %s", i + 1, p->drop.v[i].uid);
		else
			say(out, "+OK %zu %zu", i + 1, p->drop.v[i].octets);
		set_why(p, uidl ? "the unique id stays the same across sessions: clients use it to "
		                  "remember what they already downloaded"
		                : "the size in octets, as RETR will send it");
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
	say(out, ".");
	set_why(p, uidl ? "number and unique id of each message, then '.'"
	                : "number and size of each message, then '.'");
	return LAB_GO_ON;
}

static enum lab_action cmd_retr_top(struct lab_pop3 *p, const char *arg, bool top, struct buf *out)
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
		if (!*n) {
			say(out, "-ERR Noise after message number: ");
			set_why(p, "TOP takes a message number and a line count: TOP 1 0 gives the "
			           "headers only");
			return bad_command(p, out);
		}
		char *end;
		unsigned long v = strtoul(n, &end, 10);
		if (!isdigit((unsigned char)*n) || *end || v > 100000000UL) {
			say(out, "-ERR Invalid size: %s", n);
			set_why(p, "the line count after the message number must be a number");
			return bad_command(p, out);
		}
		lines = (long)v;
		say(out, "+OK");
		set_why(
		    p,
		    "the headers of message %zu, the empty line, then %ld body line%s; '.' ends "
		    "it",
		    i + 1, lines, lines == 1 ? "" : "s");
	} else if (*(arg + toklen)) {
		say(out, "-ERR Noise after message number: %s", arg + toklen + 1);
		set_why(p, "RETR takes one message number");
		return bad_command(p, out);
	} else {
		say(out, "+OK %zu octets", p->drop.v[i].octets);
		set_why(p,
		        "message %zu follows; body lines starting with '.' get one more '.' "
		        "(dot-stuffing), a line with '.' alone ends it",
		        i + 1);
	}
	p->send_index = i;
	p->send_body_lines = lines;
	return LAB_SEND_MESSAGE;
}

static enum lab_action cmd_quit_update(struct lab_pop3 *p, struct buf *out)
{
	size_t deleted = 0;
	for (size_t i = 0; i < p->drop.n; i++)
		deleted += p->drop.v[i].deleted;
	p->state = LAB_POP3_DONE;
	bool ok = deleted == 0 || (p->hooks.commit && p->hooks.commit(p->hooks.ctx, &p->drop));
	if (!ok) {
		say(out, "-ERR [SYS/TEMP] Some deleted messages were not removed.");
		set_why(p, "UPDATE state: the lab could not remove the messages marked deleted");
	} else if (deleted) {
		say(out, "+OK Logging out, messages deleted.");
		set_why(
		    p,
		    "UPDATE state: QUIT is what applies the %zu DELE%s; without QUIT nothing is "
		    "removed",
		    deleted, deleted == 1 ? "" : "s");
	} else {
		say(out, "+OK Logging out.");
		set_why(p, "UPDATE state: nothing marked deleted, the mailbox is unchanged");
	}
	lab_pop3_end(p);
	return LAB_CLOSE;
}

static enum lab_action inject(struct lab_pop3 *p, struct lab_fault f, const char *verb,
                              struct buf *out, bool *done)
{
	*done = true;
	switch (f.kind) {
	case LAB_FAULT_DROP:
		set_why(p, "fault injected (drop@%s): the connection is cut without a reply", verb);
		return LAB_DROP;
	case LAB_FAULT_421:
		say(out, "-ERR [SYS/TEMP] Service not available, closing connection.");
		set_why(p,
		        "fault injected (421@%s): the server gives up on the session; no deletion "
		        "is applied",
		        verb);
		return LAB_CLOSE;
	case LAB_FAULT_451:
		say(out, INTERNAL_ERROR);
		set_why(p,
		        "fault injected (451@%s): a temporary server error ([SYS/TEMP], RFC 3206)",
		        verb);
		return bad_command(p, out);
	case LAB_FAULT_454:
		if (!strcmp(verb, "STLS"))
			say(out, "-ERR [SYS/TEMP] TLS not available right now.");
		else
			say(out, "-ERR [SYS/TEMP] Temporary authentication failure.");
		set_why(p, "fault injected (454@%s): the server's %s failed for now; retry later",
		        verb, !strcmp(verb, "STLS") ? "TLS" : "authentication service");
		if (strcmp(verb, "USER"))
			p->have_user = false;
		return LAB_GO_ON;
	default: *done = false; return LAB_GO_ON;
	}
}

static enum lab_action authorization(struct lab_pop3 *p, const char *verb, char *arg,
                                     struct buf *out)
{
	if (!strcmp(verb, "CAPA")) {
		capa(p, out);
		return LAB_GO_ON;
	}
	if (!strcmp(verb, "USER")) {
		if (!*arg) {
			say(out, "-ERR No username given.");
			set_why(p, "USER takes the user name");
			return bad_command(p, out);
		}
		snprintf(p->user, sizeof(p->user), "%s", strlen(arg) < sizeof(p->user) ? arg : "");
		p->have_user = true;
		say(out, "+OK");
		set_why(p,
		        "user name noted; PASS comes next (the server does not say whether '%s' "
		        "exists)",
		        arg);
		return LAB_GO_ON;
	}
	if (!strcmp(verb, "PASS")) {
		if (!p->have_user) {
			say(out, "-ERR No username given.");
			set_why(p, "PASS must follow USER (after a failed PASS, send USER again)");
			return bad_command(p, out);
		}
		const struct lab_user *who = NULL;
		char user[LAB_NAME_MAX];
		snprintf(user, sizeof(user), "%s", p->user);
		enum lab_auth r = lab_auth_check(p->cfg->users, p->cfg->persona, user, arg, &who);
		return lab_sasl_verdict(&p->sasl, r, who, user, "USER/PASS", out);
	}
	if (!strcmp(verb, "APOP")) {
		size_t ulen = strcspn(arg, " ");
		const char *digest = arg[ulen] ? arg + ulen + 1 : "";
		if (!ulen || !*digest || ulen >= LAB_NAME_MAX) {
			say(out, "-ERR Invalid APOP arguments.");
			set_why(
			    p, "APOP name digest: digest = hex(MD5(timestamp password)), timestamp "
			       "from the greeting, <> included");
			return bad_command(p, out);
		}
		char user[LAB_NAME_MAX];
		memcpy(user, arg, ulen);
		user[ulen] = '\0';
		const struct lab_user *who = NULL;
		enum lab_auth r =
		    lab_auth_apop(p->cfg->users, p->cfg->persona, p->timestamp, user, digest, &who);
		return lab_sasl_verdict(&p->sasl, r, who, user, "APOP", out);
	}
	if (!strcmp(verb, "AUTH"))
		return cmd_auth(p, arg, out);
	if (!strcmp(verb, "STLS")) {
		if (p->tls) {
			say(out, "-ERR TLS is already active.");
			set_why(p, "this connection is already encrypted");
			return bad_command(p, out);
		}
		if (!p->cfg->tls_available) {
			say(out, "-ERR TLS support isn't enabled.");
			set_why(p, "the lab has no certificate loaded");
			return bad_command(p, out);
		}
		say(out, "+OK Begin TLS negotiation now.");
		set_why(p, "TLS handshake next; anything pipelined after STLS is thrown away");
		return LAB_STARTTLS;
	}
	if (!strcmp(verb, "QUIT")) {
		say(out, "+OK Logging out");
		set_why(p, "QUIT before login: nothing to update");
		p->state = LAB_POP3_DONE;
		return LAB_CLOSE;
	}
	say(out, "-ERR Unknown command.");
	if (p->secret_from == 0)
		set_why(p, "%s", AFTER_REFUSED_AUTH);
	else if (!strcmp(verb, "STAT") || !strcmp(verb, "LIST") || !strcmp(verb, "RETR") ||
	         !strcmp(verb, "UIDL") || !strcmp(verb, "TOP") || !strcmp(verb, "DELE"))
		set_why(p, "%s works only after logging in (USER then PASS)", verb);
	else
		set_why(p, "'%s' is not a command before login", verb);
	return bad_command(p, out);
}

static enum lab_action transaction(struct lab_pop3 *p, const char *verb, char *arg, struct buf *out)
{
	if (!strcmp(verb, "CAPA")) {
		capa(p, out);
		return LAB_GO_ON;
	}
	if (!strcmp(verb, "STAT")) {
		size_t n = 0, total = 0;
		for (size_t i = 0; i < p->drop.n; i++)
			if (!p->drop.v[i].deleted)
				n++, total += p->drop.v[i].octets;
		say(out, "+OK %zu %zu", n, total);
		set_why(p, "%zu message%s, %zu octets in all (deleted ones not counted)", n,
		        n == 1 ? "" : "s", total);
		return LAB_GO_ON;
	}
	if (!strcmp(verb, "LIST"))
		return cmd_list_uidl(p, arg, false, out);
	if (!strcmp(verb, "UIDL"))
		return cmd_list_uidl(p, arg, true, out);
	if (!strcmp(verb, "RETR"))
		return cmd_retr_top(p, arg, false, out);
	if (!strcmp(verb, "TOP"))
		return cmd_retr_top(p, arg, true, out);
	if (!strcmp(verb, "DELE")) {
		size_t i;
		if (!msg_number(p, arg, strlen(arg), &i, out))
			return bad_command(p, out);
		p->drop.v[i].deleted = true;
		say(out, "+OK Marked to be deleted.");
		set_why(
		    p,
		    "message %zu is only marked: it is removed at QUIT (UPDATE state), and RSET "
		    "unmarks it",
		    i + 1);
		return LAB_GO_ON;
	}
	if (!strcmp(verb, "RSET")) {
		for (size_t i = 0; i < p->drop.n; i++)
			p->drop.v[i].deleted = false;
		say(out, "+OK");
		set_why(p, "every DELE of this session is undone");
		return LAB_GO_ON;
	}
	if (!strcmp(verb, "NOOP")) {
		say(out, "+OK");
		set_why(p, "NOOP does nothing; the connection is alive");
		return LAB_GO_ON;
	}
	if (!strcmp(verb, "QUIT"))
		return cmd_quit_update(p, out);
	if (p->secret_from == 0) { /* no echo of what may be a password */
		say(out, "-ERR Unknown command.");
		set_why(p, "%s", AFTER_REFUSED_AUTH);
		return bad_command(p, out);
	}
	say(out, "-ERR Unknown command: %s", verb);
	if (!strcmp(verb, "USER") || !strcmp(verb, "PASS") || !strcmp(verb, "STLS") ||
	    !strcmp(verb, "AUTH") || !strcmp(verb, "APOP"))
		set_why(p, "already logged in: %s belongs to the AUTHORIZATION state", verb);
	else
		set_why(p, "'%s' is not a POP3 command", verb);
	return bad_command(p, out);
}

static enum lab_action feed_line(struct lab_pop3 *p, const char *line, size_t n, unsigned flags,
                                 struct buf *out)
{
	if (p->state == LAB_POP3_DONE)
		return LAB_CLOSE;
	if ((flags & LAB_LINE_TOO_LONG) || n > LAB_CMD_LINE_MAX) {
		lab_sasl_reset(&p->sasl);
		say(out, "-ERR Input line too long.");
		set_why(p, "a POP3 command line is short (RFC 2449: 255 octets)");
		return bad_command(p, out);
	}
	if (p->sasl.step != LAB_SASL_NONE) {
		p->secret_from = 0;
		return lab_sasl_continue(&p->sasl, line, n, out);
	}
	/* Dovecot takes a bare LF: POP3 has no smuggling problem. */
	char cmd[LAB_CMD_LINE_MAX + 1];
	memcpy(cmd, line, n);
	cmd[n] = '\0';
	if (memchr(line, '\0', n) || n == 0) {
		say(out, "-ERR Unknown command.");
		set_why(p,
		        n ? "a command line holds a NUL byte" : "an empty line is not a command");
		return bad_command(p, out);
	}
	size_t vlen = strcspn(cmd, " ");
	char verb[16];
	if (vlen >= sizeof(verb))
		vlen = sizeof(verb) - 1;
	for (size_t i = 0; i < vlen; i++)
		verb[i] = (char)toupper((unsigned char)cmd[i]);
	verb[vlen] = '\0';
	char *arg = cmd + strcspn(cmd, " ");
	if (*arg == ' ')
		arg++;
	/* PASS keeps its spaces: a password may hold them. */
	if (strcmp(verb, "PASS")) {
		while (*arg == ' ')
			arg++;
		size_t alen = strlen(arg);
		while (alen && arg[alen - 1] == ' ')
			arg[--alen] = '\0';
	}
	struct lab_fault f = lab_faults_pick(p->cfg->faults, &p->rng, PROTO_POP3, verb);
	p->delay_ms = f.delay_ms;
	bool injected;
	enum lab_action a = inject(p, f, verb, out, &injected);
	if (!injected)
		a = p->state == LAB_POP3_AUTHORIZATION ? authorization(p, verb, arg, out)
		                                       : transaction(p, verb, arg, out);
	if (!strcmp(verb, "PASS") || !strcmp(verb, "AUTH") || p->secret_from != NOT_SECRET)
		OPENSSL_cleanse(cmd, sizeof(cmd));
	return a;
}

/* ---- the dot-stuffer ---- */

void lab_stuffer_init(struct lab_stuffer *st, long body_lines)
{
	memset(st, 0, sizeof(*st));
	st->body_lines = body_lines;
	st->at_line_start = true;
	st->line_empty = true;
}

static bool end_line(struct lab_stuffer *st, struct buf *out)
{
	if (!buf_append(out, "\r\n", 2))
		return false;
	if (!st->in_body) {
		if (st->line_empty)
			st->in_body = true; /* the blank line after the headers */
	} else if (st->body_lines > 0) {
		st->body_lines--;
	}
	if (st->in_body && st->body_lines == 0)
		st->done = true;
	st->at_line_start = st->line_empty = true;
	return true;
}

static bool content(struct lab_stuffer *st, const char *p, size_t n, struct buf *out)
{
	if (n == 0)
		return true;
	if (st->at_line_start && p[0] == '.' && !buf_append_char(out, '.'))
		return false; /* dot-stuffing (RFC 1939 3) */
	st->at_line_start = st->line_empty = false;
	return buf_append(out, p, n);
}

bool lab_stuffer_feed(struct lab_stuffer *st, const char *p, size_t n, struct buf *out)
{
	size_t i = 0;
	while (i < n && !st->done) {
		if (st->pending_cr) {
			st->pending_cr = false;
			if (p[i] == '\n') {
				i++;
				if (!end_line(st, out))
					return false;
				continue;
			}
			if (!content(st, "\r", 1, out)) /* a CR inside a line stays */
				return false;
		}
		size_t run = i;
		while (run < n && p[run] != '\n' && p[run] != '\r')
			run++;
		if (!content(st, p + i, run - i, out))
			return false;
		i = run;
		if (i == n)
			break;
		if (p[i] == '\r') {
			st->pending_cr = true;
			i++;
		} else {
			i++;
			if (!end_line(st, out))
				return false;
		}
	}
	return true;
}

bool lab_stuffer_finish(struct lab_stuffer *st, struct buf *out)
{
	if (st->pending_cr && !st->done) {
		st->pending_cr = false;
		if (!content(st, "\r", 1, out))
			return false;
	}
	if (!st->at_line_start && !buf_append(out, "\r\n", 2))
		return false;
	return buf_append(out, ".\r\n", 3);
}

static bool known_verb(const char *line, size_t n)
{
	static const char *const known[] = {
	    "USER", "PASS", "APOP", "AUTH", "STLS", "CAPA", "QUIT", "STAT",
	    "LIST", "RETR", "UIDL", "TOP",  "DELE", "RSET", "NOOP",
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (lab_line_verb_is(line, n, known[i]))
			return true;
	return false;
}

enum lab_action lab_pop3_feed(struct lab_pop3 *p, const char *line, size_t n, unsigned flags,
                              struct buf *out)
{
	size_t before = out->len;
	begin_call(p);
	/* The secret part by the line's kind, before any rule decides on it;
	 * after a refused AUTH, a line that is no command may be its answer. */
	bool is_auth = false, is_command = false;
	if (p->sasl.step != LAB_SASL_NONE) {
		p->secret_from = 0;
	} else {
		is_auth = lab_line_verb_is(line, n, "AUTH");
		is_command = known_verb(line, n);
		p->secret_from =
		    p->auth_refused && !is_command ? 0 : lab_secret_offset(PROTO_POP3, line, n);
	}
	size_t secret_from = p->secret_from;
	enum lab_action a = feed_line(p, line, n, flags, out);
	p->secret_from = secret_from;
	if (is_auth) /* "+ " started an exchange, "+OK" logged in or listed */
		p->auth_refused =
		    p->sasl.step == LAB_SASL_NONE && out->len > before && out->data[before] == '-';
	else if (is_command)
		p->auth_refused = false;
	if (n && line[n - 1] == '\r' && out->len > before && (out->data[before] == '-')) {
		size_t w = strlen(p->why);
		snprintf(p->why + w, sizeof(p->why) - w, "%s",
		         "; the line ended in CR CR LF: the client added a CR to a line that "
		         "already had one (openssl s_client -crlf or nc -C fed CRLF text?)");
	}
	return a;
}
