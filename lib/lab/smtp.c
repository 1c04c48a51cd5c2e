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

#include "i18n.h"
#include "lab/domains.h"
#include "lab/engines.h"
#include "utf8.h"

#define set_why(s, ...) lab_note((s)->core.why, sizeof((s)->core.why), __VA_ARGS__)
#define say lab_say

const char *const lab_smtp_state_names[LAB_SMTP_STATES] = {
    [LAB_SMTP_INIT] = "init", [LAB_SMTP_READY] = "ready", [LAB_SMTP_MAIL] = "mail",
    [LAB_SMTP_RCPT] = "rcpt", [LAB_SMTP_DATA] = "data",   [LAB_SMTP_DELIVER] = "deliver",
};

static const struct lab_engine_proto smtp_engine;

static void set_state(struct lab_smtp *s, enum lab_smtp_state to, const char *why)
{
	lab_engine_set_state(&s->core, to, why);
}

static enum lab_smtp_state state(const struct lab_smtp *s)
{
	return (enum lab_smtp_state)s->core.state;
}

static bool greeted(const struct lab_smtp *s)
{
	return state(s) != LAB_SMTP_INIT;
}

/* A transaction is open from MAIL FROM until its end is answered. */
static bool in_mail(const struct lab_smtp *s)
{
	switch (state(s)) {
	case LAB_SMTP_INIT:
	case LAB_SMTP_READY:
	case LAB_SMTP_STATES: return false;
	case LAB_SMTP_MAIL:
	case LAB_SMTP_RCPT:
	case LAB_SMTP_DATA:
	case LAB_SMTP_DELIVER: return true;
	}
	return false;
}

/* Postfix counts protocol errors and hangs up at smtpd_hard_error_limit. */
static enum lab_action error_reply(struct lab_smtp *s, struct buf *out)
{
	return lab_engine_error(&s->core, out);
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
	const char *ok = "235 2.7.0 Authentication successful";
	if (s->cfg->persona)
		return lab_answer(
		    &s->core, out, ok,
		    _("%s: %s logged in with the authorization code, as the persona wants"), how,
		    who->name);
	return lab_answer(&s->core, out, ok, _("%s: %s logged in"), how, who->name);
}

/* The persona's refusal of a login: its SMTP texts. */
static const char *persona_refusal(const struct lab_persona *per, enum lab_auth r)
{
	return r == LAB_AUTH_NEEDS_CODE ? per->smtp_needs_code.text : per->smtp_bad.text;
}

/* AUTH as Postfix words it (RFC 4954). */
static const struct lab_sasl_proto smtp_sasl = {
    .proto = PROTO_SMTP,
    .go_on = "334 ",
    .bad_initial = "535 5.7.8 Error: authentication failed: Invalid base64 data in initial "
                   "response",
    .bad_continued = "535 5.7.8 Error: authentication failed: Invalid base64 data in continued "
                     "response",
    .bad_continued_why = N_("the answer to a 334 must be base64 (a plain word was typed?)"),
    .aborted = "501 5.7.0 Authentication aborted",
    .aborted_why = N_("'*' cancels an AUTH exchange (RFC 4954)"),
    .abort_is_error = true,
    .plain_asks_why = N_("AUTH PLAIN without an initial response: the empty 334 asks for "
                         "base64(NUL user NUL password)"),
    .plain_bad = "535 5.7.8 Error: authentication failed: Invalid authentication data",
    .plain_bad_why = N_("AUTH PLAIN: the decoded response must be authzid NUL user NUL password "
                        "(two NUL bytes); `printf 'alice\\0alice\\0...' | base64` builds it"),
    .authz_named = true,
    .refused = "535 5.7.8 Error: authentication failed: (reason unavailable)",
    .login_asks_why = N_("AUTH LOGIN: \"VXNlcm5hbWU6\" is base64 for \"Username:\"; answer "
                         "with the base64 of the user name"),
    .login_ir_why = N_("AUTH LOGIN with the user name (%s) given: \"UGFzc3dvcmQ6\" is base64 for "
                       "\"Password:\""),
    .login_user_why = N_("AUTH LOGIN: user name '%s' received; \"UGFzc3dvcmQ6\" is base64 for "
                         "\"Password:\""),
    .login_user_checked = true,
    .cram_ir = "501 5.5.4 Syntax: AUTH CRAM-MD5 takes no initial response",
    .cram_ir_why = N_("CRAM-MD5 starts with the server's challenge, so there is nothing to send "
                      "with the command"),
    .cram_why = N_("AUTH CRAM-MD5: the 334 carries a base64 challenge; answer base64(user SP "
                   "hex(HMAC-MD5(secret, challenge))): the secret never crosses the wire"),
    .cram_bounded = true,
    .unsupported = "504 5.5.4 Unrecognized authentication type",
    .unsupported_why = N_("AUTH %s: the lab offers PLAIN, LOGIN and CRAM-MD5 (RFC 4954: 504)"),
    .no_user_why = N_("%s: there is no user '%s' in the lab (the server does not say which part "
                      "was wrong)%s"),
    .wrong_why = N_("%s: wrong %s for %s (the server does not say which part was wrong)%s"),
    .error = sasl_error,
    .logged_in = sasl_logged_in,
    .persona_refusal = persona_refusal,
};

static void reset_transaction(struct lab_smtp *s, const char *why)
{
	if (in_mail(s))
		set_state(s, LAB_SMTP_READY, why);
	s->mail_from[0] = '\0';
	s->rcpt_tried = false;
	s->nrcpt = 0;
	s->first_rcpt[0] = '\0';
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
	lab_engine_init(&s->core, &smtp_engine, s, cfg->host, cfg->faults, serial, LAB_SMTP_INIT);
	snprintf(s->client_ip, sizeof(s->client_ip), "%s", client_ip);
	snprintf(s->client, sizeof(s->client), "unknown[%s]", client_ip);
	s->tls = tls;
	if (tls)
		snprintf(s->tls_desc, sizeof(s->tls_desc), "TLS");
	lab_sasl_bind(&s->core.sasl, &smtp_sasl, s, s->core.why, sizeof(s->core.why), cfg->host,
	              cfg->users, cfg->persona, cfg->persona_run);
}

void lab_smtp_wipe(struct lab_smtp *s)
{
	OPENSSL_cleanse(s, sizeof(*s));
}

enum lab_action lab_smtp_greet(struct lab_smtp *s, struct buf *out)
{
	return lab_engine_greet(&s->core, out);
}

static enum lab_action greeting(void *owner, struct buf *out)
{
	struct lab_smtp *s = owner;
	say(out, "220 %s", s->cfg->greeting);
	if (s->core.delay_ms)
		set_why(s,
		        _("greeting: the server speaks first; next the client says EHLO (or HELO) "
		          "[fault: slow greeting]"));
	else
		set_why(
		    s, _("greeting: the server speaks first; next the client says EHLO (or HELO)"));
	return LAB_GO_ON;
}

void lab_smtp_tls_started(struct lab_smtp *s, const char *desc)
{
	/* RFC 3207 4.2: the server forgets everything it learnt before. */
	s->tls = true;
	snprintf(s->tls_desc, sizeof(s->tls_desc), "%s", desc ? desc : "TLS");
	s->esmtp = false;
	s->helo[0] = '\0';
	s->auth = NULL;
	lab_sasl_reset(&s->core.sasl);
	reset_transaction(s, "TLS started");
	set_state(s, LAB_SMTP_INIT, "TLS started");
}

/* The persona's refusal of AUTH before STARTTLS, or NULL. */
static const char *auth_needs_tls(const struct lab_smtp *s)
{
	const struct lab_persona *p = s->cfg->persona;
	return p && !s->tls ? p->auth_needs_tls.text : NULL;
}

static bool auth_offered(const struct lab_smtp *s)
{
	return s->tls || (s->cfg->auth_in_cleartext && !s->cfg->tls_required && !s->cfg->remote &&
	                  !auth_needs_tls(s));
}

/* The persona's EHLO lines: its own host line first (not the lab's host
 * name: 163 says just "mail"), then STARTTLS only before TLS, AUTH only
 * where it is offered. */
static void persona_ehlo(const char *lines, bool starttls, bool auth, struct buf *out)
{
	size_t host_n = strcspn(lines, "\n");
	say(out, "250-%.*s", (int)host_n, lines);
	const char *last = NULL;
	size_t last_n = 0;
	for (const char *p = lines + host_n + (lines[host_n] == '\n'); *p;) {
		size_t n = strcspn(p, "\n");
		bool is_tls = n == 8 && !strncmp(p, "STARTTLS", 8);
		bool is_auth = n >= 4 && !strncmp(p, "AUTH", 4);
		if ((!is_tls || starttls) && (!is_auth || auth)) {
			if (last)
				say(out, "250-%.*s", (int)last_n, last);
			last = p;
			last_n = n;
		}
		p += n + (p[n] == '\n');
	}
	if (last)
		say(out, "250 %.*s", (int)last_n, last);
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

static enum lab_action greet_back(struct lab_smtp *s, const char *arg, struct buf *out, bool esmtp)
{
	if (!*arg) {
		say(out, "501 Syntax: %s hostname", esmtp ? "EHLO" : "HELO");
		set_why(s, _("%s needs the client's own host name as its argument"),
		        esmtp ? "EHLO" : "HELO");
		return error_reply(s, out);
	}
	reset_transaction(s, esmtp ? "250 to EHLO" : "250 to HELO");
	set_state(s, LAB_SMTP_READY, esmtp ? "250 to EHLO" : "250 to HELO");
	s->esmtp = esmtp;
	copy_printable(s->helo, sizeof(s->helo), arg);
	if (!esmtp) {
		say(out, "250 %s", s->cfg->host);
		set_why(
		    s,
		    _("HELO is the old greeting: no extension list, so no AUTH, STARTTLS or SIZE "
		      "announced; EHLO would list them"));
		return LAB_GO_ON;
	}
	bool starttls = !s->tls && s->cfg->tls_available;
	bool auth = auth_offered(s);
	const struct lab_persona *per = s->cfg->persona;
	if (per && per->ehlo.text) {
		persona_ehlo(per->ehlo.text, starttls, auth, out);
		if (auth)
			set_why(s, _("EHLO answered with %s's extensions"), _(per->provider));
		else
			set_why(s,
			        _("EHLO answered with %s's extensions; AUTH is listed only after "
			          "STARTTLS"),
			        _(per->provider));
		return LAB_GO_ON;
	}
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
		    _("EHLO answered with the extensions; this is the submission port before TLS: "
		      "STARTTLS is offered and AUTH is not, so the password never crosses in "
		      "clear"));
	else if (auth && !s->tls)
		set_why(s,
		        _("EHLO answered with the extensions; this teaching port offers AUTH even "
		          "without TLS (a real server on the Internet would want STARTTLS first)"));
	else if (s->tls)
		set_why(s, auth ? _("EHLO after TLS: STARTTLS is no longer offered; AUTH is")
		                : _("EHLO after TLS: STARTTLS is no longer offered"));
	else
		set_why(s, _("EHLO answered with the extensions"));
	return LAB_GO_ON;
}

static enum lab_action cmd_starttls(struct lab_smtp *s, struct lab_line *l, struct buf *out)
{
	const char *arg = l->arg;
	if (*arg)
		return lab_refuse(&s->core, out, "501 5.5.4 Syntax: STARTTLS",
		                  _("STARTTLS takes no argument"));
	if (s->tls)
		return lab_refuse(&s->core, out, "554 5.5.1 Error: TLS already active",
		                  _("this connection is already encrypted"));
	if (!s->cfg->tls_available)
		return lab_refuse(&s->core, out, "502 5.5.1 Error: command not implemented",
		                  _("the lab has no certificate loaded, so it cannot offer TLS"));
	if (in_mail(s))
		return lab_refuse(&s->core, out, "503 5.5.1 Error: MAIL transaction in progress",
		                  _("STARTTLS must come before MAIL FROM (RSET first)"));
	say(out, "220 2.0.0 Ready to start TLS");
	set_why(s, _("TLS handshake next; bytes the client pipelined after STARTTLS are thrown "
	             "away (they were sent in clear), and the client must EHLO again"));
	return LAB_STARTTLS;
}

static bool check_auth(struct lab_smtp *s, struct buf *out)
{
	if (!greeted(s)) {
		lab_answer(&s->core, out, "503 5.5.1 Error: send HELO/EHLO first",
		           _("AUTH before EHLO: the client has not learnt which mechanisms exist"));
		return false;
	}
	if (!auth_offered(s) && auth_needs_tls(s)) {
		lab_refuse(&s->core, out, auth_needs_tls(s),
		           _("%s refuses AUTH before STARTTLS: the password would cross in clear"),
		           _(s->cfg->persona->provider));
		return false;
	}
	if (!auth_offered(s) && s->cfg->remote) {
		lab_refuse(&s->core, out, "530 5.7.0 Must issue a STARTTLS command first",
		           _("this lab listens beyond loopback, so a login needs TLS first "
		             "(STARTTLS): a password must not cross the network in clear"));
		return false;
	}
	if (!auth_offered(s)) {
		lab_answer(&s->core, out, "503 5.5.1 Error: authentication not enabled",
		           _("AUTH is not offered on this connection (see the EHLO list)"));
		return false;
	}
	if (s->auth) {
		lab_answer(&s->core, out, "503 5.5.1 Error: already authenticated",
		           _("one AUTH per session: %s is already logged in"), s->auth->name);
		return false;
	}
	if (in_mail(s)) {
		lab_answer(&s->core, out, "503 5.5.1 Error: MAIL transaction in progress",
		           _("AUTH must come before MAIL FROM"));
		return false;
	}
	return true;
}

static enum lab_action cmd_auth(struct lab_smtp *s, struct lab_line *l, struct buf *out)
{
	char *arg = l->arg;
	char *ir;
	char *mech = lab_sasl_split(arg, &ir);
	if (!*mech || (ir && (!*ir || strchr(ir, ' '))))
		return lab_refuse(
		    &s->core, out, "501 5.5.4 Syntax: AUTH mechanism",
		    _("AUTH takes a mechanism name and at most one initial response"));
	return lab_sasl_start(&s->core.sasl, mech, ir, out);
}

static enum lab_action sasl_continue(struct lab_smtp *s, const char *line, size_t n, unsigned flags,
                                     struct buf *out)
{
	if (flags & LAB_LINE_TOO_LONG) {
		lab_sasl_reset(&s->core.sasl);
		return lab_refuse(&s->core, out, "500 5.5.2 Error: line too long",
		                  _("an AUTH response longer than the lab reads"));
	}
	return lab_sasl_continue(&s->core.sasl, line, n, out);
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
			if (!*val || *end || !isdigit((unsigned char)*val))
				return lab_refuse(&s->core, out,
				                  "501 5.5.4 Bad message size syntax",
				                  _("SIZE=n takes a number of octets"));
			if (v > s->cfg->max_size) {
				say(out, "552 5.3.4 Message size exceeds fixed limit");
				set_why(s,
				        _("the client announced %llu octets; the EHLO list said "
				          "SIZE %zu"),
				        v, s->cfg->max_size);
				return error_reply(s, out);
			}
		} else if (klen == 4 && !strncasecmp(t, "BODY", 4)) {
			if (strcasecmp(val, "7BIT") && strcasecmp(val, "8BITMIME")) {
				say(out, "501 5.5.4 Bad BODY keyword: %s", val);
				set_why(s, _("BODY=7BIT or BODY=8BITMIME (RFC 6152)"));
				return error_reply(s, out);
			}
		} else if (klen == 8 && !strncasecmp(t, "SMTPUTF8", 8) && !eq) {
			/* accepted: UTF-8 addresses and headers (RFC 6531) */
		} else if (klen == 4 && !strncasecmp(t, "AUTH", 4)) {
			/* RFC 4954 5: informational between relays */
		} else {
			say(out, "555 5.5.4 Unsupported option: %s", t);
			set_why(
			    s,
			    _("the lab knows SIZE, BODY, SMTPUTF8 and AUTH on MAIL FROM (no DSN)"));
			return error_reply(s, out);
		}
	}
	*refused = false;
	return LAB_GO_ON;
}

static bool check_mail(struct lab_smtp *s, struct buf *out)
{
	if (!greeted(s) && !s->cfg->helo_optional) {
		lab_answer(&s->core, out, "503 5.5.1 Error: send HELO/EHLO first",
		           _("MAIL before HELO/EHLO: greet the server first"));
		return false;
	}
	if (in_mail(s)) {
		say(out, "503 5.5.1 Error: nested MAIL command");
		set_why(
		    s,
		    _("a message is already started (MAIL FROM was accepted); RSET to start over"));
		return false;
	}
	return true;
}

/* The path of MAIL FROM: or RCPT TO:, in Postfix's words for each. */
struct path_words {
	const char *keyword; /* "FROM:" */
	const char *syntax;  /* the reply when the path does not parse */
	const char *syntax_why;
	const char *bad_address; /* the reply when it holds no address */
	bool null_ok;            /* <> is the null sender */
	bool parsed_is_tried;    /* a parsed path counts as a recipient tried */
};

static const struct path_words mail_path = {
    .keyword = "FROM:",
    .syntax = "501 5.5.4 Syntax: MAIL FROM:<address>",
    .syntax_why = N_("the sender goes in angle brackets right after FROM:"),
    .bad_address = "501 5.1.7 Bad sender address syntax",
    .null_ok = true,
};

static const struct path_words rcpt_path = {
    .keyword = "TO:",
    .syntax = "501 5.5.4 Syntax: RCPT TO:<address>",
    .syntax_why = N_("the recipient goes in angle brackets right after TO:"),
    .bad_address = "501 5.1.3 Bad recipient address syntax",
    .parsed_is_tried = true,
};

/* Reads the path in arg into addr (LAB_ADDR_MAX bytes) and *params;
 * *refused when it is refused, with the reply written and counted. */
static enum lab_action take_path(struct lab_smtp *s, const struct path_words *w, const char *arg,
                                 char *addr, const char **params, struct buf *out, bool *refused)
{
	*refused = true;
	if (!lab_smtp_parse_path(arg, w->keyword, addr, LAB_ADDR_MAX, params))
		return lab_refuse(&s->core, out, w->syntax, "%s", _(w->syntax_why));
	if (w->parsed_is_tried)
		s->rcpt_tried = true;
	if ((*addr || !w->null_ok) && !addr_syntax_ok(addr))
		return lab_refuse(&s->core, out, w->bad_address,
		                  _("'%s' is not an address (local-part@domain)"), addr);
	*refused = false;
	return LAB_GO_ON;
}

static enum lab_action cmd_mail(struct lab_smtp *s, struct lab_line *l, struct buf *out)
{
	char addr[LAB_ADDR_MAX];
	const char *params = "";
	bool refused;
	enum lab_action a = take_path(s, &mail_path, l->arg, addr, &params, out, &refused);
	if (refused)
		return a;
	a = mail_params(s, params, out, &refused);
	if (refused)
		return a;
	const struct lab_persona *per = s->cfg->persona;
	if (per && s->auth && per->sender_mismatch.text &&
	    lab_users_lookup(s->cfg->users, per, addr) != s->auth) {
		char own[LAB_ADDR_MAX];
		lab_user_address(s->auth, per->domain, own, sizeof(own));
		return lab_refuse(&s->core, out, per->sender_mismatch.text,
		                  _("%s lets %s send only as %s, not as <%s>"), _(per->provider),
		                  own, own, addr);
	}
	reset_transaction(s, "250 to MAIL");
	set_state(s, LAB_SMTP_MAIL, "250 to MAIL");
	snprintf(s->mail_from, sizeof(s->mail_from), "%s", addr);
	if (!*addr)
		return lab_answer(&s->core, out, "250 2.1.0 Ok",
		                  _("sender <> accepted (the null sender, used by bounces); next "
		                    "RCPT TO:<address> for each recipient"));
	return lab_answer(&s->core, out, "250 2.1.0 Ok",
	                  _("sender <%s> accepted; next RCPT TO:<address> for each recipient"),
	                  addr);
}

/* Whether addr is a lab user; *idx gets its index.  *local tells whether
 * the domain is the lab's. */
static bool local_user(const struct lab_smtp *s, const char *addr, bool *local, size_t *idx)
{
	const char *at = strrchr(addr, '@');
	const char *domain = at ? at + 1 : "localhost"; /* Postfix appends $myorigin */
	size_t llen = at ? (size_t)(at - addr) : strlen(addr);
	*local = lab_domain_is_local(domain, s->cfg->persona) ||
	         lab_domains_has(s->cfg->domains, domain);
	if (!*local || llen >= LAB_NAME_MAX)
		return false;
	char name[LAB_NAME_MAX];
	memcpy(name, addr, llen);
	name[llen] = '\0';
	const struct lab_user *u =
	    s->cfg->persona ? lab_users_lookup(s->cfg->users, s->cfg->persona, addr) : NULL;
	if (!u && at) /* a user of one domain only (bob@b.test) */
		u = lab_users_find(s->cfg->users, addr);
	if (!u)
		u = lab_users_find(s->cfg->users, name);
	if (!u)
		return false;
	*idx = (size_t)(u - s->cfg->users->v);
	return true;
}

static bool check_rcpt(struct lab_smtp *s, struct buf *out)
{
	if (in_mail(s))
		return true;
	lab_answer(&s->core, out, "503 5.5.1 Error: need MAIL command",
	           _("RCPT before MAIL: say who sends (MAIL FROM:<address>) first"));
	return false;
}

static enum lab_action cmd_rcpt(struct lab_smtp *s, struct lab_line *l, struct buf *out)
{
	char addr[LAB_ADDR_MAX];
	const char *params = "";
	bool refused;
	enum lab_action a = take_path(s, &rcpt_path, l->arg, addr, &params, out, &refused);
	if (refused)
		return a;
	if (*params) {
		say(out, "555 5.5.4 Unsupported option: %.*s", (int)strcspn(params, " "), params);
		set_why(s, _("the lab takes no RCPT TO parameters (no DSN)"));
		return error_reply(s, out);
	}
	if (s->cfg->auth_required && !s->auth) {
		say(out, "554 5.7.1 <%s>: Client host rejected: Access denied", s->client);
		set_why(s,
		        _("this port is for submission: log in with AUTH before naming recipients "
		          "(Postfix words it as a client refusal)"));
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
			set_why(s, _("the domain is the lab's, but it has no such user"));
		} else if (!s->auth) {
			say(out, "554 5.7.1 <%s>: Relay access denied", addr);
			set_why(s,
			        _("that domain is not the lab's and the client has not logged in: "
			          "an open relay would forward anyone's spam"));
		} else {
			say(out,
			    "550 5.1.1 <%s>: Recipient address rejected: outbound mail disabled "
			    "(smtpsh lab)",
			    addr);
			if (s->cfg->persona)
				set_why(
				    s,
				    _("the lab never sends mail off this machine; its domains are "
				      "localhost, smtpsh.test, %s"),
				    s->cfg->persona->domain);
			else
				set_why(
				    s,
				    _("the lab never sends mail off this machine; its domains are "
				      "localhost, smtpsh.test"));
		}
		return error_reply(s, out);
	}
	for (size_t i = 0; i < s->nrcpt; i++)
		if (s->rcpt[i] == idx)
			return lab_answer(&s->core, out, "250 2.1.5 Ok",
			                  _("%s is already a recipient: one copy will be stored"),
			                  s->cfg->users->v[idx].name);
	if (s->nrcpt == LAB_MAX_RCPTS)
		return lab_refuse(&s->core, out, "452 4.5.3 Error: too many recipients",
		                  _("the lab takes %d recipients per message"), LAB_MAX_RCPTS);
	if (s->nrcpt == 0)
		snprintf(s->first_rcpt, sizeof(s->first_rcpt), "%s", addr);
	s->rcpt[s->nrcpt++] = idx;
	set_state(s, LAB_SMTP_RCPT, "250 to RCPT");
	return lab_answer(&s->core, out, "250 2.1.5 Ok",
	                  _("<%s> is the lab user %s; more RCPT TO, or DATA"), addr,
	                  s->cfg->users->v[idx].name);
}

static bool check_data(struct lab_smtp *s, struct buf *out)
{
	if (!in_mail(s) || (s->nrcpt == 0 && !s->rcpt_tried)) {
		lab_answer(
		    &s->core, out, "503 5.5.1 Error: need RCPT command",
		    _("DATA needs a sender (MAIL FROM) and at least one recipient (RCPT TO)"));
		return false;
	}
	if (s->nrcpt == 0) {
		lab_answer(&s->core, out, "554 5.5.1 Error: no valid recipients",
		           _("every RCPT TO was refused, so there is no one to deliver to"));
		return false;
	}
	return true;
}

static enum lab_action cmd_data(struct lab_smtp *s, struct lab_line *l, struct buf *out)
{
	const char *arg = l->arg;
	if (*arg)
		return lab_refuse(&s->core, out, "501 5.5.4 Syntax: DATA",
		                  _("DATA takes no argument; the message comes after the 354"));
	if (s->hooks.data_begin && !s->hooks.data_begin(s->hooks.ctx, s))
		return lab_refuse(
		    &s->core, out, "451 4.3.0 Error: queue file write error",
		    _("the lab could not open a spool file (disk full? permissions?)"));
	set_state(s, LAB_SMTP_DATA, "354 to DATA");
	s->data_octets = s->data_lines = 0;
	return lab_answer(
	    &s->core, out, "354 End data with <CR><LF>.<CR><LF>",
	    _("send the headers, an empty line, the body, then a line with only '.'; a body "
	      "line starting with '.' is sent with one more '.' in front"));
}

static enum lab_action cmd_vrfy(struct lab_smtp *s, struct lab_line *l, struct buf *out)
{
	const char *arg = l->arg;
	if (!*arg)
		return lab_refuse(&s->core, out, "501 5.5.4 Syntax: VRFY address",
		                  _("VRFY takes a user name or address"));
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
		        _("252: the address is deliverable here (VRFY answers 252, not 250, to say "
		          "'I will accept it', RFC 5321 3.5.3)"));
		return LAB_GO_ON;
	}
	if (local)
		say(out,
		    "550 5.1.1 <%s>: Recipient address rejected: User unknown in virtual mailbox "
		    "table",
		    addr);
	else
		say(out, "554 5.7.1 <%s>: Relay access denied", addr);
	set_why(s, local ? _("VRFY: no such lab user") : _("VRFY: not a lab domain"));
	return error_reply(s, out);
}

/* 451 and 454 faults in Postfix's words (RFC 5321 codes). */
static enum lab_action fault_451(void *owner, const char *verb, const char *arg, struct buf *out)
{
	struct lab_smtp *s = owner;
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
	        _("fault injected (451@%s): a temporary local error; the same command may work "
	          "later"),
	        verb);
	return error_reply(s, out);
}

static enum lab_action fault_454(void *owner, const char *verb, struct buf *out)
{
	struct lab_smtp *s = owner;
	bool tls = !strcmp(verb, "STARTTLS");
	return lab_refuse(
	    &s->core, out,
	    tls ? "454 4.7.0 TLS not available due to local problem"
	        : "454 4.7.0 Temporary authentication failure",
	    tls ? _("fault injected (454@%s): the server's TLS failed for now; not the client's "
	            "fault, retry later")
	        : _("fault injected (454@%s): the server's authentication service failed for "
	            "now; not the client's fault, retry later"),
	    verb);
}

static enum lab_action end_of_data(struct lab_smtp *s, struct buf *out)
{
	bool refuse = s->data_too_big || s->data_line_too_long || s->data_write_failed;
	bool faulted;
	enum lab_action a = lab_engine_inject(&s->core, "DOT", "", out, &faulted);
	if ((refuse || faulted) && s->hooks.data_abort)
		s->hooks.data_abort(s->hooks.ctx);
	if (faulted) {
		reset_transaction(s, "fault at the end of DATA");
		return a;
	}
	if (refuse) {
		if (s->data_too_big) {
			say(out, "552 5.3.4 Error: message file too big");
			set_why(
			    s,
			    _("the message passed the SIZE limit (%zu octets) and was discarded"),
			    s->cfg->max_size);
		} else if (s->data_line_too_long) {
			say(out, "552 5.3.4 Error: message line longer than %d octets",
			    LAB_TEXT_LINE_MAX);
			set_why(
			    s,
			    _("RFC 5321 4.5.3.1.6 limits a text line to 998 octets plus CRLF; wrap "
			      "long lines or encode the body (quoted-printable, base64)"));
		} else {
			say(out, "451 4.3.0 Error: queue file write error");
			set_why(
			    s,
			    _("the lab could not write the message to disk; nothing was stored"));
		}
		reset_transaction(s, "message refused at its end");
		return error_reply(s, out);
	}
	set_state(s, LAB_SMTP_DELIVER, "end of DATA");
	set_why(s,
	        _("end of message: %zu lines, %zu octets; stored and synced to disk before the "
	          "250"),
	        s->data_lines, s->data_octets);
	return LAB_DELIVER;
}

static enum lab_action data_line(struct lab_smtp *s, const char *line, size_t n, unsigned flags,
                                 struct buf *out)
{
	s->core.data_line = true;
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
	reset_transaction(s, ok ? "250 queued" : "451 not stored");
	if (!ok)
		return lab_refuse(
		    &s->core, out, "451 4.3.0 Error: queue file write error",
		    _("the lab could not store the message safely, so it does not say 250: the "
		      "client keeps it and retries"));
	s->messages++;
	say(out, "250 2.0.0 Ok: queued as %s", queue_id);
	set_why(s,
	        dngettext(SMTPSH_TEXT_DOMAIN,
	                  "message %s stored for %zu recipient (%zu lines, %zu octets), on disk "
	                  "before this 250",
	                  "message %s stored for %zu recipients (%zu lines, %zu octets), on disk "
	                  "before this 250",
	                  nrcpt),
	        queue_id, nrcpt, lines, octets);
	return LAB_GO_ON;
}

static const char *const not_implemented[] = {
    "BDAT", "ETRN", "TURN", "ATRN", "SEND", "SOML", "SAML",
};

static enum lab_action cmd_ehlo(struct lab_smtp *s, struct lab_line *l, struct buf *out)
{
	return greet_back(s, l->arg, out, true);
}

static enum lab_action cmd_helo(struct lab_smtp *s, struct lab_line *l, struct buf *out)
{
	return greet_back(s, l->arg, out, false);
}

static enum lab_action cmd_rset(struct lab_smtp *s, struct lab_line *l, struct buf *out)
{
	if (*l->arg)
		return lab_refuse(&s->core, out, "501 5.5.4 Syntax: RSET",
		                  _("RSET takes no argument"));
	reset_transaction(s, "250 to RSET");
	return lab_answer(
	    &s->core, out, "250 2.0.0 Ok",
	    _("the message in progress (if any) is forgotten; the session and login stay"));
}

static enum lab_action cmd_noop(struct lab_smtp *s, struct lab_line *l, struct buf *out)
{
	(void)l;
	return lab_answer(&s->core, out, "250 2.0.0 Ok",
	                  _("NOOP does nothing; it shows the connection is alive"));
}

static enum lab_action cmd_quit(struct lab_smtp *s, struct lab_line *l, struct buf *out)
{
	(void)l;
	say(out, "221 2.0.0 Bye");
	set_why(s,
	        dngettext(SMTPSH_TEXT_DOMAIN, "the session ends; %u message accepted on it",
	                  "the session ends; %u messages accepted on it", s->messages),
	        s->messages);
	return LAB_CLOSE;
}

/* The commands, as OpenSMTPD's smtp_session.c has them: check refuses
 * what the state does not allow (the reply and why written, the error
 * counted by the caller); proceed does the command. */
struct smtp_command {
	const char *verb;
	bool before_tls; /* allowed before STARTTLS on the submission port */
	bool (*check)(struct lab_smtp *s, struct buf *out);
	enum lab_action (*proceed)(struct lab_smtp *s, struct lab_line *l, struct buf *out);
};

static const struct smtp_command commands[] = {
    {"EHLO", true, NULL, cmd_ehlo},         {"HELO", true, NULL, cmd_helo},
    {"STARTTLS", true, NULL, cmd_starttls}, {"AUTH", false, check_auth, cmd_auth},
    {"MAIL", false, check_mail, cmd_mail},  {"RCPT", false, check_rcpt, cmd_rcpt},
    {"DATA", false, check_data, cmd_data},  {"RSET", true, NULL, cmd_rset},
    {"NOOP", true, NULL, cmd_noop},         {"QUIT", true, NULL, cmd_quit},
    {"VRFY", false, NULL, cmd_vrfy},
};

static const struct smtp_command *find_command(const char *verb)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(verb, commands[i].verb))
			return &commands[i];
	return NULL;
}

static bool is_command(const char *line, size_t n)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (lab_line_verb_is(line, n, commands[i].verb))
			return true;
	return false;
}

static enum lab_action unknown_command(struct lab_smtp *s, const char *verb, struct buf *out)
{
	for (size_t i = 0; i < sizeof(not_implemented) / sizeof(not_implemented[0]); i++)
		if (!strcmp(verb, not_implemented[i]))
			return lab_refuse(&s->core, out, "502 5.5.1 Error: command not implemented",
			                  _("%s is an SMTP command the lab does not offer"), verb);
	say(out, "500 5.5.2 Error: command not recognized");
	if (s->core.secret_from == 0)
		set_why(s, _("not a command, right after an AUTH that was refused: if this was a "
		             "base64 user name or password, the server did not take it as one (the "
		             "log hides the line)"));
	else if (!strcmp(verb, "HELLO"))
		set_why(s, _("HELLO is not SMTP: the greeting is HELO (one L) or EHLO"));
	else
		set_why(s, _("'%s' is not a command this server knows"), verb);
	return error_reply(s, out);
}

/* One command line, split once: the table says whether and how. */
static enum lab_action dispatch(struct lab_smtp *s, struct lab_line *l, struct buf *out)
{
	const struct smtp_command *c = find_command(l->verb);
	if (!c)
		return unknown_command(s, l->verb, out);
	if (s->cfg->tls_required && !s->tls && !c->before_tls)
		return lab_refuse(
		    &s->core, out, "530 5.7.0 Must issue a STARTTLS command first",
		    _("this is the submission port: encryption first (STARTTLS), then %s"),
		    l->verb);
	bool faulted;
	enum lab_action a = lab_engine_inject(&s->core, l->verb, l->arg, out, &faulted);
	if (faulted)
		return a;
	if (c->check && !c->check(s, out))
		return error_reply(s, out);
	return c->proceed(s, l, out);
}

static enum lab_action feed_line(void *owner, const char *line, size_t n, unsigned flags,
                                 struct buf *out)
{
	struct lab_smtp *s = owner;
	if (flags & LAB_LINE_BARE_LF) {
		/* Postfix 3.9 smtpd_forbid_bare_newline = reject, minus its
		 * exemption for $mynetworks: on loopback too. */
		if (state(s) == LAB_SMTP_DATA) {
			if (s->hooks.data_abort)
				s->hooks.data_abort(s->hooks.ctx);
			set_state(s, LAB_SMTP_RCPT, "bare LF in DATA");
		}
		say(out, "521 5.5.2 %s Error: bare <LF> received", s->cfg->host);
		set_why(s,
		        _("a line ended in LF alone, not CRLF: SMTP lines end in CRLF, and servers "
		          "refuse bare LF since SMTP smuggling (CVE-2023-51764); `nc -C` or smtpsh "
		          "send "
		          "CRLF"));
		return LAB_CLOSE;
	}
	if (state(s) == LAB_SMTP_DATA)
		return data_line(s, line, n, flags, out);
	if (s->core.sasl.step != LAB_SASL_NONE)
		return sasl_continue(s, line, n, flags, out);
	if ((flags & LAB_LINE_TOO_LONG) || n > LAB_CMD_LINE_MAX)
		return lab_refuse(&s->core, out, "500 5.5.2 Error: line too long",
		                  _("a command line may hold %d octets here (RFC 5321 says 512)"),
		                  LAB_CMD_LINE_MAX);
	if (memchr(line, '\0', n) || n == 0)
		return lab_refuse(&s->core, out, "500 5.5.2 Error: bad syntax",
		                  n ? _("a command line holds a NUL byte")
		                    : _("an empty line is not a command"));
	/* The verb is case-insensitive; the argument follows the spaces. */
	struct lab_line l;
	lab_line_split(&l, line, n);
	lab_line_trim(&l);
	enum lab_action a = dispatch(s, &l, out);
	lab_line_wipe(&l);
	return a;
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

static bool in_text(const void *owner)
{
	const struct lab_smtp *s = owner;
	return s->core.state == LAB_SMTP_DATA;
}

static bool is_refusal(const char *reply, size_t n)
{
	return n && (reply[0] == '4' || reply[0] == '5');
}

enum lab_action lab_smtp_feed(struct lab_smtp *s, const char *line, size_t n, unsigned flags,
                              struct buf *out)
{
	return lab_engine_feed(&s->core, line, n, flags, out);
}

/* AUTH mechanism [initial-response] */
static const struct lab_secret_verb smtp_secret_verbs[] = {{"AUTH", 2}};

/* Postfix's words for the shared engine core. */
static const struct lab_engine_proto smtp_engine = {
    .proto = PROTO_SMTP,
    .state_names = lab_smtp_state_names,
    .nstates = LAB_SMTP_STATES,
    .error_limit = LAB_HARD_ERRORS,
    .too_many = "421 4.7.0 %s Error: too many errors",
    .too_many_why = N_("; that was error %u: the lab hangs up, as Postfix does at "
                       "smtpd_hard_error_limit"),
    .timeout = "421 4.4.2 %s Error: timeout exceeded",
    .timeout_why = N_("the client was silent too long (or too slow to finish a line): a server "
                      "does not wait for ever"),
    .shutdown = "421 4.3.2 %s Service shutting down, closing transmission channel",
    .shutdown_why = N_("the lab is stopping"),
    .greet_drop_why = N_("fault injected (drop@CONNECT): the connection is closed before the "
                         "greeting"),
    .greet_refused = "421 4.3.2 Service not available, closing transmission channel",
    .greet_refused_why = N_("fault injected (%s@CONNECT): a server that cannot serve now greets "
                            "with 421 and hangs up; the client should retry later"),
    .drop_why = N_("fault injected (drop@%s): the connection is cut without a reply, as when a "
                   "server crashes or a network path dies"),
    .closing = "421 4.3.2 Service not available, closing transmission channel",
    .closing_why = N_("fault injected (421@%s): the server gives up on the session; the client "
                      "must reconnect later"),
    .fault_451 = fault_451,
    .fault_454 = fault_454,
    .secret_verbs = smtp_secret_verbs,
    .nsecret_verbs = sizeof(smtp_secret_verbs) / sizeof(smtp_secret_verbs[0]),
    .is_command = is_command,
    .is_refusal = is_refusal,
    .in_text = in_text,
    .greeting = greeting,
    .feed_line = feed_line,
};

/* ---- the server's view (engines.h) ---- */

static struct lab_engine *ops_start(void *m, const struct lab_engine_start *st)
{
	struct lab_smtp *s = m;
	lab_smtp_init(s, st->smtp, st->smtp_hooks, st->client_ip, st->serial, st->tls);
	s->core.trace = st->trace;
	return &s->core;
}

static void ops_tls_up(void *m, const char *desc, bool implicit)
{
	struct lab_smtp *s = m;
	if (implicit) /* the greeting comes next: nothing to forget */
		snprintf(s->tls_desc, sizeof(s->tls_desc), "%s", desc);
	else
		lab_smtp_tls_started(s, desc);
}

static const char *ops_hangup_why(const void *m)
{
	(void)m;
	return N_("the client hung up");
}

static void ops_end(void *m)
{
	lab_smtp_wipe(m);
}

const struct lab_engine_ops lab_smtp_ops = {
    .busy = "421 4.7.0 %s Error: too many connections\r\n",
    .fault_451_verbs = " MAIL RCPT DATA DOT ",
    .fault_454_verbs = " AUTH STARTTLS ",
    .start = ops_start,
    .tls_up = ops_tls_up,
    .hangup_why = ops_hangup_why,
    .end = ops_end,
};
