/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "session.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <openssl/crypto.h>
#include "b64.h"
#include "cmdline.h"
#include "i18n.h"
#include "session_machine.h"
#include "text.h"

void session_init(struct session *s, enum proto p, const struct session_hooks *hooks,
                  int timeout_ms)
{
	/* The starting state is no transition: set here, not by set_state(). */
	*s = (struct session){.proto = p, .handler = proto_handler_get(p), .state = ST_CLOSED};
	conn_init(&s->conn);
	reply_parser_init(&s->parser, s->handler->reply_mode);
	if (hooks)
		session_subscribe(s, hooks);
	s->timeout_ms = timeout_ms;
	s->pop3_count = s->pop3_octets = -1;
}

enum smtpsh_err session_subscribe(struct session *s, const struct session_hooks *hooks)
{
	if (s->subs.n >= SESSION_MAX_SUBSCRIBERS)
		return SMTPSH_ENOMEM;
	s->subs.list[s->subs.n++] = *hooks;
	return SMTPSH_OK;
}

void session_unsubscribe(struct session *s, const void *ctx)
{
	size_t kept = 0;
	for (size_t i = 0; i < s->subs.n; i++)
		if (s->subs.list[i].ctx != ctx)
			s->subs.list[kept++] = s->subs.list[i];
	s->subs.n = kept;
}

/* Calls hook h of every subscriber that has one, in subscription order. */
#define NOTIFY(s, h, ...)                                                                          \
	for (size_t sub_ = 0; sub_ < (s)->subs.n; sub_++)                                          \
		if ((s)->subs.list[sub_].h)                                                        \
	(s)->subs.list[sub_].h((s)->subs.list[sub_].ctx, __VA_ARGS__)

void session_set_state(struct session *s, enum pstate to, const char *why)
{
	enum pstate from = s->state;
	if (from == to)
		return;
	s->state = to;
	struct session_transition *t = &s->transitions[s->ntransitions++ % SESSION_MAX_TRANSITIONS];
	t->from = from;
	t->to = to;
	snprintf(t->why, sizeof(t->why), "%s", why);
	NOTIFY(s, state, s->proto, from, to, t->why);
}

const struct session_transition *session_transition(const struct session *s, size_t i)
{
	unsigned long kept =
	    s->ntransitions < SESSION_MAX_TRANSITIONS ? s->ntransitions : SESSION_MAX_TRANSITIONS;
	if (i >= kept)
		return NULL;
	return &s->transitions[(s->ntransitions - kept + i) % SESSION_MAX_TRANSITIONS];
}

void session_free(struct session *s)
{
	session_close(s);
	reply_parser_free(&s->parser);
	OPENSSL_cleanse(s->sasl_challenge, sizeof(s->sasl_challenge));
}

bool session_connected(const struct session *s)
{
	return conn_is_open(&s->conn) || (s->offline && s->state != ST_CLOSED);
}

/* Connected (or a transcript opened): the greeting is the first reply
 * awaited. */
static void await_greeting(struct session *s, const char *why)
{
	session_set_state(s, ST_GREETING, why);
	s->connected_at = s->last_rx = s->last_tx = time(NULL);
	s->npending = 1;
	memset(&s->pending[0], 0, sizeof(s->pending[0]));
	reply_parser_reset(&s->parser);
	s->cleartext_told = false;
}

void session_start_offline(struct session *s)
{
	s->offline = true;
	await_greeting(s, "transcript opened");
}

bool session_awaiting(const struct session *s)
{
	return s->npending > 0;
}

static void emit_event(struct session *s, struct session_event ev)
{
	ev.proto = s->proto;
	NOTIFY(s, event, &ev);
}

/* Tells the subscribers' error hooks, and the caller through msg (may
 * be NULL), the same sentence; returns e.  The hooks get it translated
 * and in English (the recorder writes the English: transcripts are
 * language-neutral).  fmt is an xgettext keyword. */
static enum smtpsh_err emit_error(struct session *s, struct smtpsh_msg *msg, enum smtpsh_err e,
                                  const struct reply_line *l, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The hooks and msg told text (translated) and text_en (English). */
static enum smtpsh_err tell_error(struct session *s, struct smtpsh_msg *msg, enum smtpsh_err e,
                                  const struct reply_line *l, const char *text, const char *text_en)
{
	NOTIFY(s, error, e, text, text_en, l);
	return smtpsh_fail(msg, e, "%s", text);
}

static enum smtpsh_err emit_error(struct session *s, struct smtpsh_msg *msg, enum smtpsh_err e,
                                  const struct reply_line *l, const char *fmt, ...)
{
	struct smtpsh_msg said, said_en;
	va_list ap, ap_en;
	va_start(ap, fmt);
	va_copy(ap_en, ap);
	vsnprintf(said.text, sizeof(said.text), _(fmt), ap);
	vsnprintf(said_en.text, sizeof(said_en.text), fmt, ap_en);
	va_end(ap_en);
	va_end(ap);
	return tell_error(s, msg, e, l, said.text, said_en.text);
}

void session_forget_caps(struct session *s)
{
	s->ncaps = 0;
	s->caps_known = false;
	s->server_name[0] = '\0';
}

void session_add_cap(struct session *s, const char *text, size_t len)
{
	if (s->ncaps >= SESSION_MAX_CAPS)
		return;
	if (len >= SESSION_CAP_LEN)
		len = SESSION_CAP_LEN - 1;
	/* raw: made safe where shown */
	char *d = s->caps[s->ncaps++];
	memcpy(d, text, len);
	d[len] = '\0';
}

const char *session_cap(const struct session *s, const char *kw)
{
	size_t n = strlen(kw);
	for (size_t i = 0; i < s->ncaps; i++)
		if (strncasecmp(s->caps[i], kw, n) == 0 &&
		    (s->caps[i][n] == '\0' || s->caps[i][n] == ' ' || s->caps[i][n] == '='))
			return s->caps[i];
	return NULL;
}

struct proto_ctx session_proto_ctx(const struct session *s)
{
	struct proto_ctx c = {s->proto, s->state, s->tls, s->authenticated};
	return c;
}

/* AUTH to a server whose EHLO reply offered none: a 500 to it means
 * "unknown command", not "line too long" (RFC 4954's meaning). */
static bool auth_unoffered(const struct session *s, const char *verb)
{
	const char *cap = s->handler->auth_cap;
	return cap && !strcmp(verb, "AUTH") && s->state != ST_SASL && s->caps_known &&
	       !session_cap(s, cap);
}

const char *session_check(const struct session *s, const char *line)
{
	struct cmdline c;
	cmdline_parse(&c, line);
	return session_check_cmdline(s, &c);
}

const char *session_check_cmdline(const struct session *s, const struct cmdline *c)
{
	struct proto_ctx ctx = session_proto_ctx(s);
	const char *rule = proto_check(&ctx, c->verb, *c->arg != '\0');
	if (rule || !auth_unoffered(s, c->verb))
		return rule;
	return !s->tls && session_cap(s, "STARTTLS")
	           ? _("the server offers no AUTH: its EHLO reply has no AUTH line (it may offer "
	               "AUTH after STARTTLS and a new EHLO)")
	           : _("the server offers no AUTH: its EHLO reply has no AUTH line, so it takes no "
	               "login here");
}

static bool mech_is(const struct session *s, const char *m)
{
	return strcasecmp(s->sasl_mech, m) == 0;
}

bool session_is_secret(const struct session *s, const char *line)
{
	struct cmdline c;
	cmdline_parse(&c, line);
	session_classify(s, &c);
	return c.is_secret;
}

static bool is_secret(const struct session *s, const struct cmdline *c)
{
	if (s->state == ST_SMTP_DATA)
		return false;
	if (s->state == ST_SASL) {
		if (!strcmp(c->wire, "*"))
			return false; /* the cancel */
		if (mech_is(s, "LOGIN"))
			/* The first answer is the user name; the one after
			 * "Password:" (or any later one) is the secret. */
			return s->sasl_step > 0 || strcasestr(s->sasl_challenge, "pass") != NULL;
		return true;
	}
	const char *args = c->arg;
	const struct proto_cmd *cmd = proto_find(s->proto, c->verb);
	if (!cmd || !*args)
		return false;
	if (cmd->flags & CMD_SECRET_ARG)
		return true;
	if (cmd->flags & CMD_SASL) {
		/* AUTH <mech> <initial-response>: secret except LOGIN's,
		 * which is only the user name. */
		const char *sp = strchr(args, ' ');
		return sp && sp[1] && strncasecmp(args, "LOGIN ", 6) != 0;
	}
	return false;
}

void session_classify(const struct session *s, struct cmdline *c)
{
	c->is_secret = is_secret(s, c);
}

enum smtpsh_err session_connect(struct session *s, const char *host, unsigned port, int family,
                                bool implicit_tls, struct smtpsh_msg *msg)
{
	enum smtpsh_err e = conn_connect(&s->conn, host, port, family, s->timeout_ms, msg);
	if (e != SMTPSH_OK)
		return e;
	if (implicit_tls) {
		struct smtpsh_msg why;
		e = tls_start(&s->conn, &s->tls_opts, &s->tls_info, s->timeout_ms, &why);
		if (e != SMTPSH_OK) {
			conn_close(&s->conn);
			return smtpsh_fail(msg, e, "%s%s%s", why.text,
			                   s->tls_info.advice[0] ? "; " : "", s->tls_info.advice);
		}
		s->tls = true;
	}
	await_greeting(s, "connected");
	emit_event(s, (struct session_event){.kind = SESSION_EV_CONNECTED,
	                                     .addr = s->conn.addr,
	                                     .host = host,
	                                     .port = port,
	                                     .implicit_tls = implicit_tls});
	if (implicit_tls)
		emit_event(s, (struct session_event){.kind = SESSION_EV_TLS, .tls = &s->tls_info});
	return SMTPSH_OK;
}

/* Builds the form of a line that may be shown: secrets become
 * "VERB [secret, N bytes]" or "[secret, N bytes]". */
static void redact(const struct session *s, const char *line, size_t len, struct buf *out)
{
	char verb[16];
	const char *args = proto_split(line, verb, sizeof(verb));
	const struct proto_cmd *cmd = s->state == ST_SASL ? NULL : proto_find(s->proto, verb);
	if (cmd && (cmd->flags & CMD_SASL)) {
		const char *sp = strchr(args, ' ');
		size_t keep = sp ? (size_t)(sp - line) + 1 : len;
		buf_append(out, line, keep);
		buf_printf(out, "[secret, %zu bytes]", len - keep);
	} else if (cmd) {
		size_t keep = (size_t)(args - line);
		buf_append(out, line, keep);
		buf_printf(out, "[secret, %zu bytes]", len - keep);
	} else {
		buf_printf(out, "[secret, %zu bytes]", len);
	}
}

static struct session_pending *push_pending(struct session *s)
{
	struct session_pending *p = &s->pending[s->npending++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* The parser's body expectation follows the oldest awaited reply. */
static void set_expectation(struct session *s)
{
	reply_parser_expect_body(&s->parser, s->npending && s->pending[0].expect_body);
}

/* A write failed or timed out: part of the line may be on the wire, so
 * anything sent after it would be spliced onto that part (in DATA, into
 * a message the server could then accept).  The connection is closed and
 * the hooks told, once. */
static enum smtpsh_err write_failed(struct session *s, enum smtpsh_err e, const char *why,
                                    struct smtpsh_msg *msg)
{
	bool data = s->state == ST_SMTP_DATA;
	s->protocol_errors++;
	s->npending = 0;
	conn_close(&s->conn);
	session_set_state(s, ST_CLOSED, "write failed");
	s->tls = false;
	if (data)
		return emit_error(s, msg, e, NULL,
		                  "%s: connection closed, the message abandoned unfinished (no "
		                  "\".\" was sent)",
		                  why);
	return emit_error(s, msg, e, NULL,
	                  "%s: connection closed (the line may have gone out cut short)", why);
}

static enum smtpsh_err write_line(struct session *s, const char *wire, size_t len,
                                  struct smtpsh_msg *msg)
{
	if (s->offline)
		return SMTPSH_OK;
	struct buf b;
	buf_init(&b, len + 3);
	if (!buf_append(&b, wire, len) || !buf_append(&b, "\r\n", 2)) {
		buf_free(&b);
		return smtpsh_fail(msg, SMTPSH_ENOMEM, "out of memory");
	}
	struct smtpsh_msg why;
	enum smtpsh_err e = conn_write(&s->conn, b.data, b.len, s->timeout_ms, &why);
	OPENSSL_cleanse(b.data, b.len); /* the line may be a secret */
	buf_free(&b);
	if (e != SMTPSH_OK)
		return write_failed(s, e, why.text, msg);
	s->last_tx = time(NULL);
	return SMTPSH_OK;
}

static enum smtpsh_err send_data_line(struct session *s, const char *line, size_t len,
                                      unsigned flags, struct smtpsh_msg *msg)
{
	struct session_sent sent = {0};
	struct buf wire;
	buf_init(&wire, len + 2);
	bool end = len == 1 && line[0] == '.';
	sent.data = !end;
	if (!end && len > 0 && line[0] == '.') {
		buf_append_char(&wire, '.');
		sent.stuffed = true;
	}
	buf_append(&wire, line, len);
	enum smtpsh_err e = write_line(s, wire.data ? wire.data : "", wire.len, msg);
	if (e == SMTPSH_OK) {
		if (end) {
			struct session_pending *p = push_pending(s);
			strcpy(p->verb, "DATA");
			set_expectation(s);
		} else {
			s->data_lines++;
		}
		sent.wire = wire.data ? wire.data : "";
		sent.wire_len = wire.len;
		sent.shown = sent.wire;
		sent.shown_len = sent.wire_len;
		if (flags & SEND_SECRET) {
			sent.secret = true;
			sent.shown = "[secret]";
			sent.shown_len = 8;
		} else if (flags & SEND_REDACTED) {
			sent.secret = true;
		}
		NOTIFY(s, sent, &sent);
	}
	buf_free(&wire);
	if (end && e == SMTPSH_OK)
		session_set_state(s, ST_SMTP_READY,
		                  "\".\" sent"); /* the reply to "." ends the message */
	return e;
}

/* Whether a line may be sent now; msg says why not. */
static enum smtpsh_err may_send(const struct session *s, const char *line, size_t len,
                                struct smtpsh_msg *msg)
{
	if (!session_connected(s))
		return smtpsh_fail(msg, SMTPSH_ESTATE, "not connected");
	if (memchr(line, '\r', len) || memchr(line, '\n', len))
		return smtpsh_fail(msg, SMTPSH_EINVAL,
		                   "a line cannot contain CR or LF (the shell adds CRLF itself)");
	if (s->tls_due)
		return smtpsh_fail(msg, SMTPSH_ESTATE, "the TLS handshake comes first");
	if (s->npending >= SESSION_MAX_PENDING)
		return smtpsh_fail(msg, SMTPSH_ESTATE,
		                   "%d commands are still waiting for replies; wait for the server",
		                   SESSION_MAX_PENDING);
	return SMTPSH_OK;
}

/* Whether an answer to a SASL challenge is base64, as RFC 4954 §4 wants.
 * LOGIN's answers are a name and a password: base64 that decodes to
 * control bytes ("bob" is valid base64) was a name typed as it is. */
static bool sasl_answer_is_b64(const struct session *s, const char *a, size_t n)
{
	struct buf dec;
	buf_init(&dec, n);
	bool ok = b64_decode(&dec, a, n) == SMTPSH_OK;
	if (ok && mech_is(s, "LOGIN") && dec.len) {
		/* base64 of a name with echo's newline is base64 all the same:
		 * show's decoding note names that mistake */
		while (dec.len && (dec.data[dec.len - 1] == '\n' || dec.data[dec.len - 1] == '\r'))
			dec.len--;
		ok = text_is_utf8(dec.data, dec.len);
		for (size_t i = 0; ok && i < dec.len; i++)
			ok = (unsigned char)dec.data[i] >= ' ' && dec.data[i] != 0x7f;
	}
	buf_free(&dec);
	return ok;
}

/* What a sent line of credentials tells the notes: whether the exchange
 * has had an answer that is no base64, and whether credentials went out
 * without TLS (flagged on the connection's first such line only). */
static void judge_credentials(struct session *s, struct session_pending *p, const char *answer,
                              bool credentials)
{
	if (answer && strcmp(answer, "*") && !sasl_answer_is_b64(s, answer, strlen(answer)))
		s->sasl_saw_not_b64 = true;
	p->sasl_not_b64 = s->sasl_saw_not_b64;
	if (credentials && !s->tls && !s->cleartext_told)
		p->cleartext_secret = s->cleartext_told = true;
}

/* A command line (not message text), parsed, with its secrecy judged. */
static enum smtpsh_err send_command(struct session *s, const struct cmdline *c, unsigned flags,
                                    struct smtpsh_msg *msg)
{
	const char *line = c->wire;
	size_t len = strlen(line);
	bool secret = (flags & (SEND_SECRET | SEND_REDACTED)) || c->is_secret;
	struct session_pending *p;
	if (s->state == ST_SASL) {
		p = push_pending(s);
		strcpy(p->verb, "AUTH");
		p->has_arg = true;
		/* a transcript's redacted secret is no answer to judge */
		judge_credentials(s, p, flags & SEND_REDACTED ? NULL : line,
		                  strcmp(line, "*") != 0);
		s->sasl_step++;
	} else {
		const char *verb = c->verb, *args = c->arg;
		const struct proto_cmd *cmd = proto_find(s->proto, verb);
		const char *warn = session_check_cmdline(s, c);
		p = push_pending(s);
		snprintf(p->verb, sizeof(p->verb), "%s", verb);
		p->has_arg = *args != '\0';
		p->unknown = cmd == NULL;
		p->auth_unoffered = auth_unoffered(s, verb);
		if (warn)
			snprintf(p->warn, sizeof(p->warn), "%s", warn);
		/* the commands whose argument is a message number (never
		 * PASS: its digits are a secret) */
		if (cmd && (cmd->flags & CMD_MSGNO_ARG) && *args >= '0' && *args <= '9') {
			char *end;
			p->msgno = strtoul(args, &end, 10);
			p->has_msgno = *end == '\0' || *end == ' ';
		}
		if (cmd)
			p->expect_body = (cmd->flags & CMD_BODY_ALWAYS) ||
			                 ((cmd->flags & CMD_BODY_NOARG) && !*args);
		if (cmd && (cmd->flags & CMD_SASL) && *args) {
			size_t i = 0;
			while (args[i] && args[i] != ' ' && i + 1 < sizeof(s->sasl_mech)) {
				s->sasl_mech[i] = (char)toupper((unsigned char)args[i]);
				i++;
			}
			s->sasl_mech[i] = '\0';
			s->sasl_step = strchr(args, ' ') ? 1 : 0;
			s->sasl_challenge[0] = '\0';
			s->sasl_challenge_len = 0;
			s->sasl_saw_not_b64 = false;
			const char *initial = strchr(args, ' ');
			judge_credentials(s, p,
			                  initial && !(flags & SEND_REDACTED) ? initial + 1 : NULL,
			                  initial && (mech_is(s, "PLAIN") || mech_is(s, "LOGIN")));
			if (mech_is(s, "PLAIN") || mech_is(s, "LOGIN")) {
				/* Remember the user for `status`. */
				s->auth_user[0] = '\0';
			}
		}
		if (cmd && (cmd->flags & CMD_SECRET_ARG) && *args)
			judge_credentials(s, p, NULL, true);
		if (cmd && (cmd->flags & CMD_QUIT))
			s->quit_sent = true;
		if (cmd && (cmd->flags & CMD_NAMES_USER))
			snprintf(s->auth_user, sizeof(s->auth_user), "%s", args);
	}
	if (s->npending == 1)
		set_expectation(s);

	enum smtpsh_err e = write_line(s, line, len, msg);
	if (e != SMTPSH_OK) {
		if (conn_is_open(&s->conn))
			s->npending--; /* nothing went out (no memory) */
	} else if (s->subs.n) {
		struct session_sent sent = {0};
		struct buf shown;
		buf_init(&shown, 0);
		sent.wire = line;
		sent.wire_len = len;
		sent.secret = secret;
		if (secret && !(flags & SEND_REDACTED)) {
			redact(s, line, len, &shown);
			sent.shown = shown.data ? shown.data : "";
			sent.shown_len = shown.len;
		} else {
			sent.shown = line;
			sent.shown_len = len;
		}
		NOTIFY(s, sent, &sent);
		buf_free(&shown);
	}
	return e;
}

enum smtpsh_err session_send_cmdline(struct session *s, const struct cmdline *c, unsigned flags,
                                     struct smtpsh_msg *msg)
{
	size_t len = strlen(c->wire);
	enum smtpsh_err e = may_send(s, c->wire, len, msg);
	if (e != SMTPSH_OK)
		return e;
	if (s->state == ST_SMTP_DATA)
		return send_data_line(s, c->wire, len, flags, msg);
	return send_command(s, c, flags, msg);
}

enum smtpsh_err session_send(struct session *s, const char *line, size_t len, unsigned flags,
                             struct smtpsh_msg *msg)
{
	enum smtpsh_err e = may_send(s, line, len, msg);
	if (e != SMTPSH_OK)
		return e;
	if (s->state == ST_SMTP_DATA)
		return send_data_line(s, line, len, flags, msg);
	/* A C string copy: verbs and rules work on strings. */
	char *copy = malloc(len + 1);
	if (!copy)
		return smtpsh_fail(msg, SMTPSH_ENOMEM, "out of memory");
	memcpy(copy, line, len);
	copy[len] = '\0';
	struct cmdline c;
	cmdline_parse(&c, copy);
	session_classify(s, &c);
	e = send_command(s, &c, flags, msg);
	OPENSSL_cleanse(copy, len);
	free(copy);
	return e;
}

/* Records a SASL challenge decoded, raw (made safe where shown), for
 * annotation and for deciding whether the next answer is a secret. */
static void note_challenge(struct session *s, const char *text, size_t len)
{
	struct buf dec;
	buf_init(&dec, sizeof(s->sasl_challenge) * 4);
	s->sasl_challenge_b64ok = b64_decode(&dec, text, len) == SMTPSH_OK;
	size_t n = 0;
	if (s->sasl_challenge_b64ok && dec.len) { /* dec.data is NULL when empty */
		n = dec.len < sizeof(s->sasl_challenge) - 1 ? dec.len
		                                            : sizeof(s->sasl_challenge) - 1;
		memcpy(s->sasl_challenge, dec.data, n);
	}
	s->sasl_challenge[n] = '\0';
	s->sasl_challenge_len = n;
	buf_free(&dec);
}

void session_enter_sasl(struct session *s, const struct reply *r, const char *why)
{
	if (s->state != ST_SASL)
		s->sasl_prev = s->state;
	session_set_state(s, ST_SASL, why);
	note_challenge(s, r->text, strlen(r->text));
}

static void on_line(struct session *s, const struct reply_line *l)
{
	const struct session_pending *p = s->npending ? &s->pending[0] : NULL;
	bool first = s->reply_lines++ == 0;
	s->last_rx = time(NULL);
	s->handler->on_line(s, p ? p->verb : NULL, l, first);
	NOTIFY(s, line, l);
}

/* TLS is up after the go-ahead: RFC 3207 §4.2 / RFC 2595 §4, forget what
 * was learned before it. */
static void tls_is_up(struct session *s, size_t injected)
{
	char why[48];
	s->tls = true;
	session_forget_caps(s);
	s->authenticated = false;
	snprintf(why, sizeof(why), "TLS up after %s", s->handler->tls_verb);
	session_set_state(s, s->handler->greeted, why);
	if (!s->offline)
		emit_event(s, (struct session_event){.kind = SESSION_EV_TLS,
		                                     .tls = &s->tls_info,
		                                     .starttls = true,
		                                     .injected = injected});
}

bool session_tls_due(const struct session *s)
{
	return s->tls_due;
}

/* Whatever the server sent after its go-ahead and before our ClientHello
 * cannot be part of TLS: it is an injection attempt (CVE-2011-0411 class)
 * and is thrown away, never read as a reply inside the TLS session. */
enum smtpsh_err session_start_tls(struct session *s, struct smtpsh_msg *msg)
{
	if (!s->tls_due)
		return smtpsh_fail(msg, SMTPSH_ESTATE, "no TLS upgrade is due");
	s->tls_due = false;
	if (s->offline) {
		/* A recorded session: the handshake happened back then; the
		 * transcript's "tls" event line says how it went. */
		reply_parser_reset(&s->parser);
		tls_is_up(s, 0);
		return SMTPSH_OK;
	}
	size_t injected = reply_parser_buffered(&s->parser);
	char junk[4096];
	ssize_t n;
	while ((n = recv(s->conn.fd, junk, sizeof(junk), MSG_DONTWAIT)) > 0)
		injected += (size_t)n;
	reply_parser_reset(&s->parser);
	s->npending = 0;
	struct smtpsh_msg why;
	enum smtpsh_err e = tls_start(&s->conn, &s->tls_opts, &s->tls_info, s->timeout_ms, &why);
	if (e != SMTPSH_OK) {
		s->protocol_errors++;
		if (s->tls_info.advice[0])
			emit_error(s, msg, e, NULL, "%s; %s", why.text, s->tls_info.advice);
		else
			emit_error(s, msg, e, NULL, "%s", why.text);
		conn_close(&s->conn);
		session_set_state(s, ST_CLOSED, "TLS handshake failed");
		emit_event(s, (struct session_event){.kind = SESSION_EV_CLOSED_BY_US});
		return e;
	}
	tls_is_up(s, injected);
	return SMTPSH_OK;
}

/* What moved the state: the reply code and the command it answers,
 * "250 to RCPT", "+OK to PASS", "220 greeting". */
static void reply_why(const struct session *s, const char *verb, const struct reply *r, char *out,
                      size_t n)
{
	char code[8];
	s->handler->status_text(r->code, code, sizeof(code));
	if (!verb)
		snprintf(out, n, "unsolicited %s", code);
	else if (!*verb)
		snprintf(out, n, "%s greeting", code);
	else
		snprintf(out, n, "%s to %s", code, verb);
}

/* The go-ahead to STARTTLS / STLS: the handshake is due, and taken by the
 * caller's loop (session_start_tls), never from inside the drain. */
static bool tls_go_ahead(const struct session *s, const char *verb, const struct reply *r)
{
	const struct proto_cmd *cmd = verb ? proto_find(s->proto, verb) : NULL;
	return cmd && (cmd->flags & CMD_STARTS_TLS) && r->code == s->handler->tls_go_ahead &&
	       session_connected(s) && !s->tls;
}

static void on_reply(struct session *s, const struct reply *r)
{
	struct session_pending cur = {0};
	bool solicited = s->npending > 0;
	if (solicited) {
		cur = s->pending[0];
		memmove(&s->pending[0], &s->pending[1], (s->npending - 1) * sizeof(s->pending[0]));
		s->npending--;
	}
	const char *verb = solicited ? cur.verb : NULL;
	if (verb && !*verb)
		snprintf(s->banner, sizeof(s->banner), "%s", r->text);
	char why[48];
	reply_why(s, verb, r, why, sizeof(why));
	s->handler->on_reply(s, verb, r, why);
	s->answering = solicited ? &cur : NULL;
	NOTIFY(s, reply, r);
	s->answering = NULL;
	set_expectation(s);
	if (tls_go_ahead(s, verb, r))
		s->tls_due = true;
}

/* Delivers every complete event the parser holds. */
static void drain(struct session *s)
{
	struct reply_event ev;
	/* After a TLS go-ahead the rest stays unread: it is no reply. */
	while (!s->tls_due && reply_parser_next(&s->parser, &ev)) {
		switch (ev.kind) {
		case REPLY_EV_LINE: on_line(s, &ev.line); break;
		case REPLY_EV_END:
			s->reply_lines = 0;
			on_reply(s, ev.reply);
			break;
		case REPLY_EV_ERROR:
			s->reply_lines = 0;
			s->protocol_errors++;
			/* The reply is abandoned: the command it answered gets
			 * no reply of its own. */
			if (ev.err != SMTPSH_ECLOSED && s->npending) {
				memmove(&s->pending[0], &s->pending[1],
				        (s->npending - 1) * sizeof(s->pending[0]));
				s->npending--;
				set_expectation(s);
			}
			tell_error(s, NULL, ev.err, ev.line.raw_len ? &ev.line : NULL, ev.error,
			           ev.error_en);
			break;
		}
	}
}

enum smtpsh_err session_feed(struct session *s, const void *p, size_t n, struct smtpsh_msg *msg)
{
	const char *c = p;
	while (n > 0) {
		size_t k = n < REPLY_MAX_FEED ? n : REPLY_MAX_FEED;
		if (reply_parser_feed(&s->parser, c, k) != SMTPSH_OK)
			return smtpsh_fail(msg, SMTPSH_ENOMEM, "out of memory");
		drain(s);
		c += k;
		n -= k;
	}
	return SMTPSH_OK;
}

static void lost_connection(struct session *s, enum smtpsh_err e, const char *why,
                            struct smtpsh_msg *msg);

void session_feed_eof(struct session *s)
{
	lost_connection(s, SMTPSH_ECLOSED, NULL, NULL);
}

/* The connection ended: e is SMTPSH_ECLOSED for a close by the server,
 * else the read error that why words.  msg (may be NULL) gets the
 * sentence the error hooks got, or that the server closed it. */
static void lost_connection(struct session *s, enum smtpsh_err e, const char *why,
                            struct smtpsh_msg *msg)
{
	reply_parser_eof(&s->parser);
	drain(s);
	bool expected = s->quit_sent || s->state == ST_CLOSED;
	if (e == SMTPSH_ECLOSED && expected) {
		smtpsh_fail(msg, e, "the server closed the connection");
		emit_event(s, (struct session_event){.kind = SESSION_EV_CLOSED_BY_PEER});
	} else if (e == SMTPSH_ECLOSED) {
		s->protocol_errors++;
		if (s->npending && s->pending[0].verb[0])
			emit_error(
			    s, msg, SMTPSH_ECLOSED, NULL,
			    "the server closed the connection while a reply to %s was awaited",
			    s->pending[0].verb);
		else if (s->npending)
			emit_error(
			    s, msg, SMTPSH_ECLOSED, NULL,
			    "the server closed the connection while a reply (the greeting) was "
			    "awaited");
		else
			emit_error(s, msg, SMTPSH_ECLOSED, NULL,
			           "the server closed the connection");
	} else {
		s->protocol_errors++;
		emit_error(s, msg, e, NULL, "%s", why);
	}
	s->npending = 0;
	s->tls_due = false;
	conn_close(&s->conn);
	session_set_state(s, ST_CLOSED,
	                  e == SMTPSH_ECLOSED ? "connection closed" : "connection lost");
	s->tls = false;
}

enum smtpsh_err session_pump(struct session *s, int timeout_ms, struct smtpsh_msg *msg)
{
	if (!session_connected(s))
		return smtpsh_fail(msg, SMTPSH_ECLOSED, "not connected");
	if (s->tls_due) /* what follows the go-ahead is read after the handshake */
		return smtpsh_fail(msg, SMTPSH_ESTATE, "the TLS upgrade is due first");
	enum smtpsh_err e = conn_wait_readable(&s->conn, timeout_ms, msg);
	if (e != SMTPSH_OK)
		return e;
	char chunk[16384];
	/* Read once, plus whatever TLS already decrypted. */
	do {
		size_t got = 0;
		struct smtpsh_msg why;
		e = conn_read(&s->conn, chunk, sizeof(chunk), &got, &why);
		if (e != SMTPSH_OK) {
			lost_connection(s, e, why.text, msg);
			return SMTPSH_ECLOSED;
		}
		if (got == 0)
			break;
		if (reply_parser_feed(&s->parser, chunk, got) != SMTPSH_OK)
			return smtpsh_fail(msg, SMTPSH_ENOMEM, "out of memory");
		drain(s);
	} while (!s->tls_due && conn_pending(&s->conn));
	return SMTPSH_OK;
}

void session_stop_waiting(struct session *s)
{
	s->npending = 0;
}

size_t session_replies_owed(const struct session *s)
{
	return s->npending;
}

void session_count_error(struct session *s)
{
	s->protocol_errors++;
}

void session_close(struct session *s)
{
	conn_close(&s->conn);
	s->npending = 0;
	s->tls_due = false;
	session_set_state(s, ST_CLOSED, "closed locally");
	s->tls = false;
}
