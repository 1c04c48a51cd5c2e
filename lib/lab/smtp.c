/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lab's SMTP server side, sans I/O: fed one line at a time, it
 * appends its reply to a buffer and says what to do next.  Codes and
 * texts follow Postfix 3.7 (smtpd) as captured on loopback; every reply
 * also leaves in s->why the reason, for the lab's annotated log. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>

#include "lab/smtp.h"
#include "utf8.h"

#define NOT_SECRET ((size_t)-1)

#define set_why(s, ...) lab_note((s)->why, sizeof((s)->why), __VA_ARGS__)
#define say lab_say
#define say_text lab_say_text

/* Postfix counts protocol errors and hangs up at smtpd_hard_error_limit. */
static enum lab_action error_reply(struct lab_smtp *s, struct buf *out)
{
	if (++s->errors < LAB_HARD_ERRORS)
		return LAB_GO_ON;
	say(out, "421 4.7.0 %s Error: too many errors", s->cfg->host);
	size_t n = strlen(s->why);
	snprintf(s->why + n, sizeof(s->why) - n,
	         "; that was error %u: the lab hangs up, as Postfix "
	         "does at smtpd_hard_error_limit",
	         s->errors);
	return LAB_CLOSE;
}

static enum lab_action sasl_error(void *owner, struct buf *out)
{
	return error_reply(owner, out);
}

static enum lab_action sasl_logged_in(void *owner, const struct lab_user *who, const char *how,
                                      struct buf *out)
{
	struct lab_smtp *s = owner;
	s->auth = who;
	say(out, "235 2.7.0 Authentication successful");
	set_why(s, "%s: %s logged in%s", how, who->name,
	        s->cfg->persona ? " with the authorization code, as the persona wants" : "");
	return LAB_GO_ON;
}

/* AUTH as Postfix words it (RFC 4954). */
static const struct lab_sasl_proto smtp_sasl = {
    .proto = PROTO_SMTP,
    .go_on = "334 ",
    .bad_initial = "535 5.7.8 Error: authentication failed: Invalid base64 data in initial "
                   "response",
    .bad_continued = "535 5.7.8 Error: authentication failed: Invalid base64 data in continued "
                     "response",
    .bad_continued_why = "the answer to a 334 must be base64 (a plain word was typed?)",
    .aborted = "501 5.7.0 Authentication aborted",
    .aborted_why = "'*' cancels an AUTH exchange (RFC 4954)",
    .abort_is_error = true,
    .plain_asks_why = "AUTH PLAIN without an initial response: the empty 334 asks for "
                      "base64(NUL user NUL password)",
    .plain_bad = "535 5.7.8 Error: authentication failed: Invalid authentication data",
    .plain_bad_why = "AUTH PLAIN: the decoded response must be authzid NUL user NUL password "
                     "(two NUL bytes); `printf 'alice\\0alice\\0...' | base64` builds it",
    .authz_named = true,
    .refused = "535 5.7.8 Error: authentication failed: (reason unavailable)",
    .login_user_hint = "; answer with the base64 of the user name",
    .login_ir_pre = "AUTH LOGIN with the user name (",
    .login_ir_post = ") given: \"UGFzc3dvcmQ6\" is base64 for \"Password:\"",
    .login_user_pre = "AUTH LOGIN: user name '",
    .login_user_post = "' received; \"UGFzc3dvcmQ6\" is base64 for \"Password:\"",
    .login_user_checked = true,
    .cram_ir = "501 5.5.4 Syntax: AUTH CRAM-MD5 takes no initial response",
    .cram_ir_why = "CRAM-MD5 starts with the server's challenge, so there is nothing to send "
                   "with the command",
    .cram_why = "AUTH CRAM-MD5: the 334 carries a base64 challenge; answer base64(user SP "
                "hex(HMAC-MD5(secret, challenge))): the secret never crosses the wire",
    .cram_bounded = true,
    .unsupported = "504 5.5.4 Unrecognized authentication type",
    .unsupported_why_tail = " (RFC 4954: 504)",
    .no_user_tail = " in the lab (the server does not say which part was wrong)",
    .wrong_tail = " (the server does not say which part was wrong)",
    .error = sasl_error,
    .logged_in = sasl_logged_in,
};

static void reset_transaction(struct lab_smtp *s)
{
	s->in_mail = false;
	s->mail_from[0] = '\0';
	s->rcpt_tried = false;
	s->nrcpt = 0;
	s->first_rcpt[0] = '\0';
	s->in_data = false;
	s->data_octets = s->data_lines = 0;
	s->data_too_big = s->data_line_too_long = s->data_write_failed = false;
}

void lab_smtp_init(struct lab_smtp *s, const struct lab_smtp_config *cfg,
                   const struct lab_smtp_hooks *hooks, const char *client_ip, uint64_t serial,
                   bool tls)
{
	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	if (hooks)
		s->hooks = *hooks;
	lab_rng_seed(&s->rng, cfg->faults ? cfg->faults->seed : 1, serial);
	snprintf(s->client_ip, sizeof(s->client_ip), "%s", client_ip);
	snprintf(s->client, sizeof(s->client), "unknown[%s]", client_ip);
	s->tls = tls;
	if (tls)
		snprintf(s->tls_desc, sizeof(s->tls_desc), "TLS");
	s->secret_from = NOT_SECRET;
	lab_sasl_bind(&s->sasl, &smtp_sasl, s, s->why, sizeof(s->why), cfg->host, cfg->users,
	              cfg->persona);
}

void lab_smtp_wipe(struct lab_smtp *s)
{
	OPENSSL_cleanse(s, sizeof(*s));
}

static void begin_call(struct lab_smtp *s)
{
	s->why[0] = '\0';
	s->secret_from = NOT_SECRET;
	s->delay_ms = 0;
	s->data_line = false;
}

enum lab_action lab_smtp_greet(struct lab_smtp *s, struct buf *out)
{
	begin_call(s);
	struct lab_fault f = lab_faults_pick(s->cfg->faults, &s->rng, PROTO_SMTP, "CONNECT");
	s->delay_ms = f.delay_ms;
	switch (f.kind) {
	case LAB_FAULT_DROP:
		set_why(
		    s,
		    "fault injected (drop@CONNECT): the connection is closed before the greeting");
		return LAB_DROP;
	case LAB_FAULT_421:
	case LAB_FAULT_451:
	case LAB_FAULT_454:
		say(out, "421 4.3.2 Service not available, closing transmission channel");
		set_why(
		    s,
		    "fault injected (%s@CONNECT): a server that cannot serve now greets with 421 "
		    "and hangs up; the client should retry later",
		    lab_fault_name(f.kind));
		return LAB_CLOSE;
	default: break;
	}
	say(out, "220 %s", s->cfg->greeting);
	set_why(s, "greeting: the server speaks first; next the client says EHLO (or HELO)%s",
	        f.delay_ms ? " [fault: slow greeting]" : "");
	return LAB_GO_ON;
}

void lab_smtp_tls_started(struct lab_smtp *s, const char *desc)
{
	/* RFC 3207 4.2: the server forgets everything it learnt before. */
	s->tls = true;
	snprintf(s->tls_desc, sizeof(s->tls_desc), "%s", desc ? desc : "TLS");
	s->greeted = s->esmtp = false;
	s->helo[0] = '\0';
	s->auth = NULL;
	lab_sasl_reset(&s->sasl);
	reset_transaction(s);
}

void lab_smtp_timeout(struct lab_smtp *s, struct buf *out)
{
	begin_call(s);
	say(out, "421 4.4.2 %s Error: timeout exceeded", s->cfg->host);
	set_why(s, "the client was silent too long (or too slow to finish a line): a server does "
	           "not wait for ever");
}

void lab_smtp_shutdown(struct lab_smtp *s, struct buf *out)
{
	begin_call(s);
	say(out, "421 4.3.2 %s Service shutting down, closing transmission channel", s->cfg->host);
	set_why(s, "the lab is stopping");
}

static bool auth_offered(const struct lab_smtp *s)
{
	return s->tls || (s->cfg->auth_in_cleartext && !s->cfg->tls_required);
}

/* ---- addresses ---- */

bool lab_smtp_parse_path(const char *arg, const char *keyword, char *addr, size_t n,
                         const char **params)
{
	size_t klen = strlen(keyword);
	while (*arg == ' ')
		arg++;
	if (strncasecmp(arg, keyword, klen))
		return false;
	const char *p = arg + klen;
	while (*p == ' ') /* Postfix tolerates "MAIL FROM: <a>" */
		p++;
	const char *start, *end, *rest;
	if (*p == '<') {
		start = p + 1;
		end = strchr(start, '>');
		if (!end)
			return false;
		rest = end + 1;
		if (*rest && *rest != ' ')
			return false;
		/* A source route (<@a,@b:user@c>) is ignored (RFC 5321 C). */
		if (*start == '@') {
			const char *colon = memchr(start, ':', (size_t)(end - start));
			if (!colon)
				return false;
			start = colon + 1;
		}
	} else {
		start = p;
		end = p + strcspn(p, " ");
		rest = end;
		if (end == start)
			return false;
	}
	size_t len = (size_t)(end - start);
	if (len >= n)
		return false;
	for (const char *c = start; c < end; c++)
		if ((unsigned char)*c <= ' ' || *c == '<' || *c == '>' || *c == 0x7f)
			return false;
	memcpy(addr, start, len);
	addr[len] = '\0';
	while (*rest == ' ')
		rest++;
	if (params)
		*params = rest;
	return true;
}

static bool addr_syntax_ok(const char *a)
{
	const char *at = strrchr(a, '@');
	if (!at)
		return *a != '\0';
	return at != a && at[1] != '\0' && at[1] != '.';
}

bool lab_domain_is_local(const char *domain, const struct lab_persona *p)
{
	static const char *const local[] = {
	    "localhost", "smtpsh.test", LAB_HOST, "[127.0.0.1]", "[IPv6:::1]",
	};
	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if (!strcasecmp(domain, local[i]))
			return true;
	return p && !strcasecmp(domain, p->domain);
}

/* ---- commands ---- */

/* Copies a client's word that goes into a header, as Postfix's printable()
 * does: printable ASCII and valid UTF-8 stay, every other byte (CR, LF,
 * ESC, other C0 and C1 controls, DEL, bytes that are not UTF-8) becomes
 * '?', so "EHLO evil\rX-Injected: yes" cannot add a header line. */
static void copy_printable(char *dst, size_t size, const char *src)
{
	size_t o = 0, n = strlen(src);
	for (size_t i = 0; i < n && o + 1 < size;) {
		unsigned cp;
		size_t len = utf8_seq((const unsigned char *)src + i, n - i, &cp);
		bool ok = len && cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0);
		if (ok && o + len < size) {
			memcpy(dst + o, src + i, len);
			o += len;
			i += len;
		} else if (ok) {
			break; /* no room for the whole character */
		} else {
			dst[o++] = '?';
			i += len ? len : 1;
		}
	}
	dst[o] = '\0';
}

static enum lab_action cmd_ehlo(struct lab_smtp *s, const char *arg, struct buf *out, bool esmtp)
{
	if (!*arg) {
		say(out, "501 Syntax: %s hostname", esmtp ? "EHLO" : "HELO");
		set_why(s, "%s needs the client's own host name as its argument",
		        esmtp ? "EHLO" : "HELO");
		return error_reply(s, out);
	}
	reset_transaction(s);
	s->greeted = true;
	s->esmtp = esmtp;
	copy_printable(s->helo, sizeof(s->helo), arg);
	if (!esmtp) {
		say(out, "250 %s", s->cfg->host);
		set_why(s,
		        "HELO is the old greeting: no extension list, so no AUTH, STARTTLS or SIZE "
		        "announced; EHLO would list them");
		return LAB_GO_ON;
	}
	bool starttls = !s->tls && s->cfg->tls_available;
	bool auth = auth_offered(s);
	say(out, "250-%s", s->cfg->host);
	say(out, "250-PIPELINING");
	say(out, "250-SIZE %zu", s->cfg->max_size);
	say(out, "250-VRFY");
	if (starttls)
		say(out, "250-STARTTLS");
	if (auth)
		say(out, "250-AUTH PLAIN LOGIN CRAM-MD5");
	say(out, "250-ENHANCEDSTATUSCODES");
	say(out, "250-8BITMIME");
	say(out, "250 SMTPUTF8");
	if (s->cfg->tls_required && !s->tls)
		set_why(
		    s,
		    "EHLO answered with the extensions; this is the submission port before TLS: "
		    "STARTTLS is offered and AUTH is not, so the password never crosses in clear");
	else if (auth && !s->tls)
		set_why(s, "EHLO answered with the extensions; this teaching port offers AUTH even "
		           "without TLS (a real server on the Internet would want STARTTLS first)");
	else if (s->tls)
		set_why(s, "EHLO after TLS: STARTTLS is no longer offered%s",
		        auth ? "; AUTH is" : "");
	else
		set_why(s, "EHLO answered with the extensions");
	return LAB_GO_ON;
}

static enum lab_action cmd_starttls(struct lab_smtp *s, const char *arg, struct buf *out)
{
	if (*arg) {
		say(out, "501 5.5.4 Syntax: STARTTLS");
		set_why(s, "STARTTLS takes no argument");
		return error_reply(s, out);
	}
	if (s->tls) {
		say(out, "554 5.5.1 Error: TLS already active");
		set_why(s, "this connection is already encrypted");
		return error_reply(s, out);
	}
	if (!s->cfg->tls_available) {
		say(out, "502 5.5.1 Error: command not implemented");
		set_why(s, "the lab has no certificate loaded, so it cannot offer TLS");
		return error_reply(s, out);
	}
	if (s->in_mail) {
		say(out, "503 5.5.1 Error: MAIL transaction in progress");
		set_why(s, "STARTTLS must come before MAIL FROM (RSET first)");
		return error_reply(s, out);
	}
	say(out, "220 2.0.0 Ready to start TLS");
	set_why(s, "TLS handshake next; bytes the client pipelined after STARTTLS are thrown "
	           "away (they were sent in clear), and the client must EHLO again");
	return LAB_STARTTLS;
}

static enum lab_action cmd_auth(struct lab_smtp *s, char *arg, struct buf *out)
{
	if (!s->greeted) {
		say(out, "503 5.5.1 Error: send HELO/EHLO first");
		set_why(s, "AUTH before EHLO: the client has not learnt which mechanisms exist");
		return error_reply(s, out);
	}
	if (!auth_offered(s)) {
		say(out, "503 5.5.1 Error: authentication not enabled");
		set_why(s, "AUTH is not offered on this connection (see the EHLO list)");
		return error_reply(s, out);
	}
	if (s->auth) {
		say(out, "503 5.5.1 Error: already authenticated");
		set_why(s, "one AUTH per session: %s is already logged in", s->auth->name);
		return error_reply(s, out);
	}
	if (s->in_mail) {
		say(out, "503 5.5.1 Error: MAIL transaction in progress");
		set_why(s, "AUTH must come before MAIL FROM");
		return error_reply(s, out);
	}
	char *mech = arg;
	size_t mlen = strcspn(mech, " ");
	char *ir = mech[mlen] ? mech + mlen + 1 : NULL;
	mech[mlen] = '\0';
	while (ir && *ir == ' ')
		ir++;
	if (!*mech || (ir && (!*ir || strchr(ir, ' ')))) {
		say(out, "501 5.5.4 Syntax: AUTH mechanism");
		set_why(s, "AUTH takes a mechanism name and at most one initial response");
		return error_reply(s, out);
	}
	return lab_sasl_start(&s->sasl, mech, ir, out);
}

static enum lab_action sasl_continue(struct lab_smtp *s, const char *line, size_t n, unsigned flags,
                                     struct buf *out)
{
	s->secret_from = 0;
	if (flags & LAB_LINE_TOO_LONG) {
		lab_sasl_reset(&s->sasl);
		say(out, "500 5.5.2 Error: line too long");
		set_why(s, "an AUTH response longer than the lab reads");
		return error_reply(s, out);
	}
	return lab_sasl_continue(&s->sasl, line, n, out);
}

/* MAIL FROM parameters (RFC 1870 SIZE, RFC 6152 BODY, RFC 6531 SMTPUTF8,
 * RFC 4954 AUTH). */
static enum lab_action mail_params(struct lab_smtp *s, const char *params, struct buf *out,
                                   bool *refused)
{
	*refused = true;
	char copy[LAB_CMD_LINE_MAX + 1];
	snprintf(copy, sizeof(copy), "%s", params);
	char *save = NULL;
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(t, '=');
		size_t klen = eq ? (size_t)(eq - t) : strlen(t);
		const char *val = eq ? eq + 1 : "";
		if (klen == 4 && !strncasecmp(t, "SIZE", 4)) {
			char *end;
			unsigned long long v = strtoull(val, &end, 10);
			if (!*val || *end || !isdigit((unsigned char)*val)) {
				say(out, "501 5.5.4 Bad message size syntax");
				set_why(s, "SIZE=n takes a number of octets");
				return error_reply(s, out);
			}
			if (v > s->cfg->max_size) {
				say(out, "552 5.3.4 Message size exceeds fixed limit");
				set_why(
				    s,
				    "the client announced %llu octets; the EHLO list said SIZE %zu",
				    v, s->cfg->max_size);
				return error_reply(s, out);
			}
		} else if (klen == 4 && !strncasecmp(t, "BODY", 4)) {
			if (strcasecmp(val, "7BIT") && strcasecmp(val, "8BITMIME")) {
				say(out, "501 5.5.4 Bad BODY keyword: %s", val);
				set_why(s, "BODY=7BIT or BODY=8BITMIME (RFC 6152)");
				return error_reply(s, out);
			}
		} else if (klen == 8 && !strncasecmp(t, "SMTPUTF8", 8) && !eq) {
			/* accepted: UTF-8 addresses and headers (RFC 6531) */
		} else if (klen == 4 && !strncasecmp(t, "AUTH", 4)) {
			/* RFC 4954 5: informational between relays */
		} else {
			say(out, "555 5.5.4 Unsupported option: %s", t);
			set_why(
			    s, "the lab knows SIZE, BODY, SMTPUTF8 and AUTH on MAIL FROM (no DSN)");
			return error_reply(s, out);
		}
	}
	*refused = false;
	return LAB_GO_ON;
}

static enum lab_action cmd_mail(struct lab_smtp *s, const char *arg, struct buf *out)
{
	if (!s->greeted) {
		say(out, "503 5.5.1 Error: send HELO/EHLO first");
		set_why(s, "MAIL before HELO/EHLO: greet the server first");
		return error_reply(s, out);
	}
	if (s->in_mail) {
		say(out, "503 5.5.1 Error: nested MAIL command");
		set_why(
		    s, "a message is already started (MAIL FROM was accepted); RSET to start over");
		return error_reply(s, out);
	}
	char addr[LAB_ADDR_MAX];
	const char *params = "";
	if (!lab_smtp_parse_path(arg, "FROM:", addr, sizeof(addr), &params)) {
		say(out, "501 5.5.4 Syntax: MAIL FROM:<address>");
		set_why(s, "the sender goes in angle brackets right after FROM:");
		return error_reply(s, out);
	}
	if (*addr && !addr_syntax_ok(addr)) {
		say(out, "501 5.1.7 Bad sender address syntax");
		set_why(s, "'%s' is not an address (local-part@domain)", addr);
		return error_reply(s, out);
	}
	bool refused;
	enum lab_action a = mail_params(s, params, out, &refused);
	if (refused)
		return a;
	reset_transaction(s);
	s->in_mail = true;
	snprintf(s->mail_from, sizeof(s->mail_from), "%s", addr);
	say(out, "250 2.1.0 Ok");
	set_why(s, "sender <%s> accepted%s; next RCPT TO:<address> for each recipient", addr,
	        *addr ? "" : " (the null sender, used by bounces)");
	return LAB_GO_ON;
}

/* Whether addr is a lab user; *idx gets its index.  *local tells whether
 * the domain is the lab's. */
static bool local_user(const struct lab_smtp *s, const char *addr, bool *local, size_t *idx)
{
	const char *at = strrchr(addr, '@');
	const char *domain = at ? at + 1 : "localhost"; /* Postfix appends $myorigin */
	size_t llen = at ? (size_t)(at - addr) : strlen(addr);
	*local = lab_domain_is_local(domain, s->cfg->persona);
	if (!*local || llen >= LAB_NAME_MAX)
		return false;
	char name[LAB_NAME_MAX];
	memcpy(name, addr, llen);
	name[llen] = '\0';
	const struct lab_user *u = lab_users_find(s->cfg->users, name);
	if (!u)
		return false;
	*idx = (size_t)(u - s->cfg->users->v);
	return true;
}

static enum lab_action cmd_rcpt(struct lab_smtp *s, const char *arg, struct buf *out)
{
	if (!s->in_mail) {
		say(out, "503 5.5.1 Error: need MAIL command");
		set_why(s, "RCPT before MAIL: say who sends (MAIL FROM:<address>) first");
		return error_reply(s, out);
	}
	char addr[LAB_ADDR_MAX];
	const char *params = "";
	if (!lab_smtp_parse_path(arg, "TO:", addr, sizeof(addr), &params)) {
		say(out, "501 5.5.4 Syntax: RCPT TO:<address>");
		set_why(s, "the recipient goes in angle brackets right after TO:");
		return error_reply(s, out);
	}
	s->rcpt_tried = true;
	if (!*addr || !addr_syntax_ok(addr)) {
		say(out, "501 5.1.3 Bad recipient address syntax");
		set_why(s, "'%s' is not an address (local-part@domain)", addr);
		return error_reply(s, out);
	}
	if (*params) {
		say(out, "555 5.5.4 Unsupported option: %.*s", (int)strcspn(params, " "), params);
		set_why(s, "the lab takes no RCPT TO parameters (no DSN)");
		return error_reply(s, out);
	}
	if (s->cfg->auth_required && !s->auth) {
		say(out, "554 5.7.1 <%s>: Client host rejected: Access denied", s->client);
		set_why(s, "this port is for submission: log in with AUTH before naming recipients "
		           "(Postfix words it as a client refusal)");
		return error_reply(s, out);
	}
	bool local;
	size_t idx = 0;
	if (!local_user(s, addr, &local, &idx)) {
		if (local) {
			say(out,
			    "550 5.1.1 <%s>: Recipient address rejected: User unknown in virtual "
			    "mailbox table",
			    addr);
			set_why(s, "the domain is the lab's, but it has no such user");
		} else if (!s->auth) {
			say(out, "554 5.7.1 <%s>: Relay access denied", addr);
			set_why(s, "that domain is not the lab's and the client has not logged in: "
			           "an open relay would forward anyone's spam");
		} else {
			say(out,
			    "550 5.1.1 <%s>: Recipient address rejected: outbound mail disabled "
			    "(smtpsh lab)",
			    addr);
			set_why(
			    s,
			    "the lab never sends mail off this machine; its domains are localhost, "
			    "smtpsh.test%s%s",
			    s->cfg->persona ? ", " : "",
			    s->cfg->persona ? s->cfg->persona->domain : "");
		}
		return error_reply(s, out);
	}
	for (size_t i = 0; i < s->nrcpt; i++)
		if (s->rcpt[i] == idx) {
			say(out, "250 2.1.5 Ok");
			set_why(s, "%s is already a recipient: one copy will be stored",
			        s->cfg->users->v[idx].name);
			return LAB_GO_ON;
		}
	if (s->nrcpt == LAB_MAX_RCPTS) {
		say(out, "452 4.5.3 Error: too many recipients");
		set_why(s, "the lab takes %d recipients per message", LAB_MAX_RCPTS);
		return error_reply(s, out);
	}
	if (s->nrcpt == 0)
		snprintf(s->first_rcpt, sizeof(s->first_rcpt), "%s", addr);
	s->rcpt[s->nrcpt++] = idx;
	say(out, "250 2.1.5 Ok");
	set_why(s, "<%s> is the lab user %s; more RCPT TO, or DATA", addr,
	        s->cfg->users->v[idx].name);
	return LAB_GO_ON;
}

static enum lab_action cmd_data(struct lab_smtp *s, const char *arg, struct buf *out)
{
	if (!s->in_mail || (s->nrcpt == 0 && !s->rcpt_tried)) {
		say(out, "503 5.5.1 Error: need RCPT command");
		set_why(s, "DATA needs a sender (MAIL FROM) and at least one recipient (RCPT TO)");
		return error_reply(s, out);
	}
	if (s->nrcpt == 0) {
		say(out, "554 5.5.1 Error: no valid recipients");
		set_why(s, "every RCPT TO was refused, so there is no one to deliver to");
		return error_reply(s, out);
	}
	if (*arg) {
		say(out, "501 5.5.4 Syntax: DATA");
		set_why(s, "DATA takes no argument; the message comes after the 354");
		return error_reply(s, out);
	}
	if (s->hooks.data_begin && !s->hooks.data_begin(s->hooks.ctx, s)) {
		say(out, "451 4.3.0 Error: queue file write error");
		set_why(s, "the lab could not open a spool file (disk full? permissions?)");
		return error_reply(s, out);
	}
	s->in_data = true;
	s->data_octets = s->data_lines = 0;
	say(out, "354 End data with <CR><LF>.<CR><LF>");
	set_why(s, "send the headers, an empty line, the body, then a line with only '.'; a body "
	           "line starting with '.' is sent with one more '.' in front");
	return LAB_GO_ON;
}

static enum lab_action cmd_vrfy(struct lab_smtp *s, const char *arg, struct buf *out)
{
	if (!*arg) {
		say(out, "501 5.5.4 Syntax: VRFY address");
		set_why(s, "VRFY takes a user name or address");
		return error_reply(s, out);
	}
	char addr[LAB_ADDR_MAX];
	const char *a = arg;
	size_t n = strlen(a);
	if (n >= 2 && a[0] == '<' && a[n - 1] == '>')
		a++, n -= 2;
	snprintf(addr, sizeof(addr), "%.*s", (int)n, a);
	bool local;
	size_t idx;
	if (local_user(s, addr, &local, &idx)) {
		say(out, "252 2.0.0 %s", addr);
		set_why(s,
		        "252: the address is deliverable here (VRFY answers 252, not 250, to say "
		        "'I will accept it', RFC 5321 3.5.3)");
		return LAB_GO_ON;
	}
	if (local)
		say(out,
		    "550 5.1.1 <%s>: Recipient address rejected: User unknown in virtual mailbox "
		    "table",
		    addr);
	else
		say(out, "554 5.7.1 <%s>: Relay access denied", addr);
	set_why(s, "VRFY: %s", local ? "no such lab user" : "not a lab domain");
	return error_reply(s, out);
}

/* The fault texts for a command (RFC 5321 codes, Postfix's words). */
static enum lab_action inject(struct lab_smtp *s, struct lab_fault f, const char *verb,
                              const char *arg, struct buf *out, bool *done)
{
	*done = true;
	switch (f.kind) {
	case LAB_FAULT_DROP:
		set_why(s,
		        "fault injected (drop@%s): the connection is cut without a reply, as when "
		        "a server crashes or a network path dies",
		        verb);
		return LAB_DROP;
	case LAB_FAULT_421:
		say(out, "421 4.3.2 Service not available, closing transmission channel");
		set_why(s,
		        "fault injected (421@%s): the server gives up on the session; the client "
		        "must reconnect later",
		        verb);
		return LAB_CLOSE;
	case LAB_FAULT_451: {
		char addr[LAB_ADDR_MAX] = "";
		if (!strcmp(verb, "MAIL") || !strcmp(verb, "RCPT"))
			lab_smtp_parse_path(arg, !strcmp(verb, "MAIL") ? "FROM:" : "TO:", addr,
			                    sizeof(addr), NULL);
		if (!strcmp(verb, "DATA") || !strcmp(verb, "DOT"))
			say(out, "451 4.3.0 Error: queue file write error");
		else if (*addr)
			say(out, "451 4.3.0 <%s>: Temporary lookup failure", addr);
		else
			say(out, "451 4.3.0 Error: temporary failure, try again later");
		set_why(s,
		        "fault injected (451@%s): a temporary local error; the same command may "
		        "work later",
		        verb);
		break;
	}
	case LAB_FAULT_454:
		if (!strcmp(verb, "STARTTLS"))
			say(out, "454 4.7.0 TLS not available due to local problem");
		else
			say(out, "454 4.7.0 Temporary authentication failure");
		set_why(s,
		        "fault injected (454@%s): the server's %s failed for now; not the "
		        "client's fault, retry later",
		        verb, !strcmp(verb, "STARTTLS") ? "TLS" : "authentication service");
		break;
	default: *done = false; return LAB_GO_ON;
	}
	return error_reply(s, out);
}

static enum lab_action end_of_data(struct lab_smtp *s, struct buf *out)
{
	s->in_data = false;
	struct lab_fault f = lab_faults_pick(s->cfg->faults, &s->rng, PROTO_SMTP, "DOT");
	s->delay_ms = f.delay_ms;
	bool refuse = s->data_too_big || s->data_line_too_long || s->data_write_failed ||
	              f.kind != LAB_FAULT_NONE;
	if (refuse && s->hooks.data_abort)
		s->hooks.data_abort(s->hooks.ctx);
	if (f.kind != LAB_FAULT_NONE) {
		bool done;
		enum lab_action a = inject(s, f, "DOT", "", out, &done);
		reset_transaction(s);
		return a;
	}
	if (refuse) {
		if (s->data_too_big) {
			say(out, "552 5.3.4 Error: message file too big");
			set_why(s,
			        "the message passed the SIZE limit (%zu octets) and was discarded",
			        s->cfg->max_size);
		} else if (s->data_line_too_long) {
			say(out, "552 5.3.4 Error: message line longer than %d octets",
			    LAB_TEXT_LINE_MAX);
			set_why(
			    s,
			    "RFC 5321 4.5.3.1.6 limits a text line to 998 octets plus CRLF; wrap "
			    "long lines or encode the body (quoted-printable, base64)");
		} else {
			say(out, "451 4.3.0 Error: queue file write error");
			set_why(s,
			        "the lab could not write the message to disk; nothing was stored");
		}
		reset_transaction(s);
		return error_reply(s, out);
	}
	set_why(s,
	        "end of message: %zu lines, %zu octets; stored and synced to disk before the "
	        "250",
	        s->data_lines, s->data_octets);
	return LAB_DELIVER;
}

static enum lab_action data_line(struct lab_smtp *s, const char *line, size_t n, unsigned flags,
                                 struct buf *out)
{
	s->data_line = true;
	if (!(flags & LAB_LINE_TOO_LONG) && n == 1 && line[0] == '.')
		return end_of_data(s, out);
	if ((flags & LAB_LINE_TOO_LONG) || n > LAB_TEXT_LINE_MAX)
		s->data_line_too_long = true;
	if (n && line[0] == '.') /* dot-unstuffing (RFC 5321 4.5.2) */
		line++, n--;
	s->data_lines++;
	s->data_octets += n + 2;
	if (s->data_octets > s->cfg->max_size)
		s->data_too_big = true;
	if (!s->data_too_big && !s->data_line_too_long && !s->data_write_failed &&
	    s->hooks.data_line && !s->hooks.data_line(s->hooks.ctx, line, n))
		s->data_write_failed = true;
	return LAB_GO_ON;
}

enum lab_action lab_smtp_delivered(struct lab_smtp *s, bool ok, const char *queue_id,
                                   struct buf *out)
{
	size_t lines = s->data_lines, octets = s->data_octets, nrcpt = s->nrcpt;
	reset_transaction(s);
	if (!ok) {
		say(out, "451 4.3.0 Error: queue file write error");
		set_why(s,
		        "the lab could not store the message safely, so it does not say 250: the "
		        "client keeps it and retries");
		return error_reply(s, out);
	}
	s->messages++;
	say(out, "250 2.0.0 Ok: queued as %s", queue_id);
	set_why(s,
	        "message %s stored for %zu recipient%s (%zu lines, %zu octets), on disk before "
	        "this 250",
	        queue_id, nrcpt, nrcpt == 1 ? "" : "s", lines, octets);
	return LAB_GO_ON;
}

static const char *const not_implemented[] = {
    "BDAT", "ETRN", "TURN", "ATRN", "SEND", "SOML", "SAML",
};

/* Commands allowed before STARTTLS on the submission port. */
static bool allowed_before_tls(const char *verb)
{
	return !strcmp(verb, "EHLO") || !strcmp(verb, "HELO") || !strcmp(verb, "STARTTLS") ||
	       !strcmp(verb, "NOOP") || !strcmp(verb, "RSET") || !strcmp(verb, "QUIT");
}

static bool known_verb(const char *verb)
{
	static const char *const known[] = {
	    "EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT",
	    "DATA", "RSET", "NOOP",     "QUIT", "VRFY",
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(verb, known[i]))
			return true;
	return false;
}

static enum lab_action feed_line(struct lab_smtp *s, const char *line, size_t n, unsigned flags,
                                 struct buf *out)
{
	if (flags & LAB_LINE_BARE_LF) {
		/* Postfix 3.9 smtpd_forbid_bare_newline = reject, minus its
		 * exemption for $mynetworks: on loopback too. */
		if (s->in_data && s->hooks.data_abort)
			s->hooks.data_abort(s->hooks.ctx);
		s->in_data = false;
		say(out, "521 5.5.2 %s Error: bare <LF> received", s->cfg->host);
		set_why(
		    s,
		    "a line ended in LF alone, not CRLF: SMTP lines end in CRLF, and servers "
		    "refuse bare LF since SMTP smuggling (CVE-2023-51764); `nc -C` or smtpsh send "
		    "CRLF");
		return LAB_CLOSE;
	}
	if (s->in_data)
		return data_line(s, line, n, flags, out);
	if (s->sasl.step != LAB_SASL_NONE)
		return sasl_continue(s, line, n, flags, out);
	if ((flags & LAB_LINE_TOO_LONG) || n > LAB_CMD_LINE_MAX) {
		say(out, "500 5.5.2 Error: line too long");
		set_why(s, "a command line may hold %d octets here (RFC 5321 says 512)",
		        LAB_CMD_LINE_MAX);
		return error_reply(s, out);
	}
	char cmd[LAB_CMD_LINE_MAX + 1];
	memcpy(cmd, line, n);
	cmd[n] = '\0';
	if (memchr(line, '\0', n) || n == 0) {
		say(out, "500 5.5.2 Error: bad syntax");
		set_why(s,
		        n ? "a command line holds a NUL byte" : "an empty line is not a command");
		return error_reply(s, out);
	}
	/* The verb is case-insensitive; the argument follows one space. */
	size_t vlen = strcspn(cmd, " ");
	char verb[16];
	if (vlen >= sizeof(verb))
		vlen = sizeof(verb) - 1;
	for (size_t i = 0; i < vlen; i++)
		verb[i] = (char)toupper((unsigned char)cmd[i]);
	verb[vlen] = '\0';
	size_t arg_off = strcspn(cmd, " ");
	while (cmd[arg_off] == ' ')
		arg_off++;
	char *arg = cmd + arg_off;
	size_t alen = strlen(arg);
	while (alen && arg[alen - 1] == ' ')
		arg[--alen] = '\0';

	if (!known_verb(verb)) {
		for (size_t i = 0; i < sizeof(not_implemented) / sizeof(not_implemented[0]); i++)
			if (!strcmp(verb, not_implemented[i])) {
				say(out, "502 5.5.1 Error: command not implemented");
				set_why(s, "%s is an SMTP command the lab does not offer", verb);
				return error_reply(s, out);
			}
		say(out, "500 5.5.2 Error: command not recognized");
		if (s->secret_from == 0)
			set_why(
			    s,
			    "not a command, right after an AUTH that was refused: if this was a "
			    "base64 user name or password, the server did not take it as one (the "
			    "log hides the line)");
		else if (!strcmp(verb, "HELLO"))
			set_why(s, "HELLO is not SMTP: the greeting is HELO (one L) or EHLO");
		else
			set_why(s, "'%s' is not a command this server knows", verb);
		return error_reply(s, out);
	}
	if (s->cfg->tls_required && !s->tls && !allowed_before_tls(verb)) {
		say(out, "530 5.7.0 Must issue a STARTTLS command first");
		set_why(s, "this is the submission port: encryption first (STARTTLS), then %s",
		        verb);
		return error_reply(s, out);
	}
	struct lab_fault f = lab_faults_pick(s->cfg->faults, &s->rng, PROTO_SMTP, verb);
	s->delay_ms = f.delay_ms;
	bool injected;
	enum lab_action fa = inject(s, f, verb, arg, out, &injected);
	if (injected)
		return fa;

	if (!strcmp(verb, "EHLO"))
		return cmd_ehlo(s, arg, out, true);
	if (!strcmp(verb, "HELO"))
		return cmd_ehlo(s, arg, out, false);
	if (!strcmp(verb, "STARTTLS"))
		return cmd_starttls(s, arg, out);
	if (!strcmp(verb, "AUTH")) {
		enum lab_action a = cmd_auth(s, arg, out);
		OPENSSL_cleanse(cmd, sizeof(cmd));
		return a;
	}
	if (!strcmp(verb, "MAIL"))
		return cmd_mail(s, arg, out);
	if (!strcmp(verb, "RCPT"))
		return cmd_rcpt(s, arg, out);
	if (!strcmp(verb, "DATA"))
		return cmd_data(s, arg, out);
	if (!strcmp(verb, "RSET")) {
		if (*arg) {
			say(out, "501 5.5.4 Syntax: RSET");
			set_why(s, "RSET takes no argument");
			return error_reply(s, out);
		}
		reset_transaction(s);
		say(out, "250 2.0.0 Ok");
		set_why(
		    s, "the message in progress (if any) is forgotten; the session and login stay");
		return LAB_GO_ON;
	}
	if (!strcmp(verb, "NOOP")) {
		say(out, "250 2.0.0 Ok");
		set_why(s, "NOOP does nothing; it shows the connection is alive");
		return LAB_GO_ON;
	}
	if (!strcmp(verb, "VRFY"))
		return cmd_vrfy(s, arg, out);
	/* QUIT */
	say(out, "221 2.0.0 Bye");
	set_why(s, "the session ends; %u message%s accepted on it", s->messages,
	        s->messages == 1 ? "" : "s");
	return LAB_CLOSE;
}

/* RFC 5322 date in UTC, without the locale's day and month names. */
static void rfc5322_date(time_t now, char *out, size_t n)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	gmtime_r(&now, &tm);
	snprintf(out, n, "%s, %02d %s %04d %02d:%02d:%02d +0000 (UTC)", days[tm.tm_wday % 7],
	         tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	         tm.tm_sec);
}

bool lab_smtp_trace(const struct lab_smtp *s, const char *queue_id, time_t now, struct buf *out)
{
	char date[64];
	rfc5322_date(now, date, sizeof(date));
	/* RFC 3848 protocol names: ESMTP + S (TLS) + A (AUTH). */
	const char *with = !s->esmtp           ? "SMTP"
	                   : s->tls && s->auth ? "ESMTPSA"
	                   : s->tls            ? "ESMTPS"
	                   : s->auth           ? "ESMTPA"
	                                       : "ESMTP";
	/* Addresses hold no control bytes (lab_smtp_parse_path), but what
	 * reaches a header goes through the same filter as the HELO name. */
	char from[LAB_ADDR_MAX], rcpt[LAB_ADDR_MAX];
	copy_printable(from, sizeof(from), s->mail_from);
	copy_printable(rcpt, sizeof(rcpt), s->first_rcpt);
	bool ok = buf_printf(out, "Return-Path: <%s>\n", from) &&
	          buf_printf(out, "Received: from %s (unknown [%s%s])\n", s->helo,
	                     strchr(s->client_ip, ':') ? "IPv6:" : "", s->client_ip);
	if (s->tls)
		ok = ok && buf_printf(out, "\t(using %s)\n", s->tls_desc);
	if (s->auth)
		ok = ok && buf_printf(out, "\t(Authenticated sender: %s)\n", s->auth->name);
	ok = ok &&
	     buf_printf(out, "\tby %s (smtpsh lab) with %s id %s", s->cfg->host, with, queue_id);
	if (s->nrcpt == 1)
		ok = ok && buf_printf(out, "\n\tfor <%s>", rcpt);
	return ok && buf_printf(out, "; %s\n", date);
}

/* Marks the secret part of a line by its kind, before any rule decides
 * on it; remembers a refused AUTH, whose answers the client may still
 * send as lines of their own. */
static void mark_secret(struct lab_smtp *s, const char *line, size_t n, bool *is_auth,
                        bool *is_command)
{
	*is_auth = *is_command = false;
	if (s->in_data)
		return;
	if (s->sasl.step != LAB_SASL_NONE) {
		s->secret_from = 0;
		return;
	}
	char verb[16];
	size_t vlen = 0;
	for (; vlen < n && vlen < sizeof(verb) - 1 && line[vlen] != ' '; vlen++)
		verb[vlen] = (char)toupper((unsigned char)line[vlen]);
	verb[vlen] = '\0';
	*is_auth = lab_line_verb_is(line, n, "AUTH");
	*is_command = (vlen == n || line[vlen] == ' ') && known_verb(verb);
	if (s->auth_refused && !*is_command)
		s->secret_from = 0;
	else
		s->secret_from = lab_secret_offset(PROTO_SMTP, line, n);
}

enum lab_action lab_smtp_feed(struct lab_smtp *s, const char *line, size_t n, unsigned flags,
                              struct buf *out)
{
	size_t before = out->len;
	bool is_auth, is_command;
	begin_call(s);
	mark_secret(s, line, n, &is_auth, &is_command);
	size_t secret_from = s->secret_from;
	enum lab_action a = feed_line(s, line, n, flags, out);
	s->secret_from = secret_from;
	if (is_auth) /* neither an exchange started (334) nor a login (235) */
		s->auth_refused = s->sasl.step == LAB_SASL_NONE &&
		                  !(out->len > before && out->data[before] == '2');
	else if (is_command)
		s->auth_refused = false;
	if (n && line[n - 1] == '\r' && !s->data_line && out->len > before &&
	    (out->data[before] == '4' || out->data[before] == '5')) {
		size_t w = strlen(s->why);
		snprintf(s->why + w, sizeof(s->why) - w, "%s",
		         "; the line ended in CR CR LF: the client added a CR to a line that "
		         "already had one (openssl s_client -crlf or nc -C fed CRLF text?)");
	}
	return a;
}
