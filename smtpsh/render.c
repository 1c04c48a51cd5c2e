/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the person sees: S:/R: lines in colour, annotations under each
 * reply, events and warnings.  Server text passes through text_sanitize
 * so that no escape sequence from a server reaches the terminal. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <readline/readline.h>

#include "annot.h"
#include "b64.h"
#include "provider.h"
#include "shell.h"
#include "text.h"

#define C_RESET "\033[0m"
#define C_SENT "\033[1;36m" /* bold cyan */
#define C_OK "\033[32m"     /* 2xx, +OK */
#define C_MORE "\033[33m"   /* 3xx, "+ " */
#define C_TEMP "\033[1;33m" /* 4xx */
#define C_FAIL "\033[1;31m" /* 5xx, -ERR */
#define C_BODY ""
#define C_NOTE "\033[2m"   /* annotations: dim */
#define C_EVENT "\033[35m" /* magenta */
#define C_WARN "\033[1;31m"

static void paint(struct shell *sh, const char *color)
{
	if (sh->color && color && *color)
		fputs(color, sh->out);
}

static void unpaint(struct shell *sh, const char *color)
{
	if (sh->color && color && *color)
		fputs(C_RESET, sh->out);
}

void render_begin(struct shell *sh)
{
	if (sh->rl_active) {
		rl_clear_visible_line();
		fflush(rl_outstream);
	}
}

void render_end(struct shell *sh)
{
	/* A live session shows each line as it comes; show/replay --all
	 * leave buffering to stdio. */
	if (!sh->session.offline)
		fflush(sh->out);
	if (sh->rl_active) {
		rl_on_new_line();
		rl_redisplay();
	}
}

void render_untrusted(struct shell *sh, const char *p, size_t n)
{
	struct buf b;
	bool ok = true;
	buf_init(&b, 4 * n + 64);
	unsigned r = text_sanitize(&b, p, n, &ok);
	if (b.len)
		fwrite(b.data, 1, b.len, sh->out);
	if (r & TEXT_FROM_GB18030)
		sh->gb18030_lines++;
	buf_free(&b);
}

const char *render_safe_n(const char *p, size_t n, struct buf *b)
{
	bool ok;
	buf_init(b, 4 * n + 16);
	text_sanitize(b, p, n, &ok);
	return b->data ? b->data : "";
}

const char *render_safe(const char *text, struct buf *b)
{
	return render_safe_n(text, strlen(text), b);
}

static void vline(struct shell *sh, const char *prefix, const char *color, const char *fmt,
                  va_list ap)
{
	paint(sh, color);
	fputs(prefix, sh->out);
	vfprintf(sh->out, fmt, ap);
	unpaint(sh, color);
	fputc('\n', sh->out);
}

void render_event(struct shell *sh, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vline(sh, "-- ", C_EVENT, fmt, ap);
	va_end(ap);
}

void render_warning(struct shell *sh, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vline(sh, "!! ", C_WARN, fmt, ap);
	va_end(ap);
}

void render_note(struct shell *sh, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vline(sh, "   # ", C_NOTE, fmt, ap);
	va_end(ap);
}

/* Local output (helpers): plain text, no prefix. */
void render_info(struct shell *sh, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vline(sh, "", NULL, fmt, ap);
	va_end(ap);
}

static const char *code_color(enum proto p, int code)
{
	if (p == PROTO_POP3)
		return code == REPLY_POP3_OK     ? C_OK
		       : code == REPLY_POP3_ERR  ? C_FAIL
		       : code == REPLY_POP3_CONT ? C_MORE
		                                 : C_BODY;
	switch (code / 100) {
	case 2: return C_OK;
	case 3: return C_MORE;
	case 4: return C_TEMP;
	case 5: return C_FAIL;
	}
	return C_BODY;
}

static const char *line_ending(unsigned flags)
{
	return (flags & LINE_UNTERMINATED) ? "" : (flags & LINE_BARE_LF) ? "\n" : "\r\n";
}

static void on_sent(void *ctx, const struct session_sent *s)
{
	struct shell *sh = ctx;
	bool hide = s->secret && !sh->show_secrets;
	const char *text = hide ? s->shown : s->wire;
	size_t len = hide ? s->shown_len : s->wire_len;
	transcript_sent(&sh->rec, text, len, hide);
	paint(sh, C_SENT);
	fputs("S: ", sh->out);
	render_untrusted(sh, text, len);
	unpaint(sh, C_SENT);
	fputc('\n', sh->out);
	if (s->stuffed) {
		/* the line's first 40 bytes after its dot, as safe text */
		struct buf b;
		size_t n = s->shown_len - 1 > 40 ? 40 : s->shown_len - 1;
		render_note(sh,
		            "dot-stuffed: this line starts with '.', so it went out as '.%s' (the "
		            "server removes the extra dot)",
		            render_safe_n(s->shown + 1, n, &b));
		buf_free(&b);
	}
	if (!sh->session.offline)
		fflush(sh->out);
}

static void on_line(void *ctx, const struct reply_line *l)
{
	struct shell *sh = ctx;
	const char *color = (l->flags & LINE_BODY) ? (l->flags & LINE_BODY_END ? C_OK : C_BODY)
	                                           : code_color(sh->session.proto, l->code);
	transcript_received(&sh->rec, l->raw, l->raw_len, line_ending(l->flags));
	if (l->flags & LINE_TRUNCATED)
		transcript_event(&sh->rec, "line cut: %zu bytes received, %zu kept", l->full_len,
		                 l->raw_len);
	render_begin(sh);
	paint(sh, color);
	fputs("R: ", sh->out);
	render_untrusted(sh, l->raw, l->raw_len);
	unpaint(sh, color);
	fputc('\n', sh->out);
	sh->notes |= l->flags;
	if (l->flags & LINE_UNSTUFFED)
		sh->stuffed_lines++;
	if (l->flags & LINE_TRUNCATED)
		render_warning(sh, "that line was %zu bytes long: only the first %zu are shown",
		               l->full_len, l->raw_len);
	render_end(sh);
}

static void explain_esc(struct shell *sh, const char *esc)
{
	struct annot_esc e;
	if (!annot_esc_lookup(esc, &e))
		return;
	/* X.Y.0 details read as problems ("something about an address is
	 * wrong"); on a success the subject says it better. */
	if (e.klass == 2 && e.detail == 0 && e.subject_meaning)
		render_note(sh, "%s: %s; %s", esc, e.klass_meaning, e.subject_meaning);
	else if (e.detail_meaning)
		render_note(sh, "%s: %s; %s", esc, e.klass_meaning, e.detail_meaning);
	else if (e.subject_meaning)
		render_note(sh, "%s: %s; %s (X.%d.%d is not in the IANA registry: a vendor code)",
		            esc, e.klass_meaning, e.subject_meaning, e.subject, e.detail);
	else
		render_note(sh, "%s: %s (unregistered subject %d)", esc, e.klass_meaning,
		            e.subject);
}

static void explain_caps(struct shell *sh)
{
	char buf[512];
	const struct session *s = &sh->session;
	for (size_t i = 0; i < s->ncaps; i++) {
		const char *m = s->handler->annot_cap(s->caps[i], buf, sizeof(buf));
		char kw[SESSION_CAP_LEN];
		size_t k = strcspn(s->caps[i], " =");
		snprintf(kw, sizeof(kw), "%.*s", (int)k, s->caps[i]);
		if (m)
			render_note(sh, "%s: %s", kw, m);
		else
			render_note(sh, "%s: an extension smtpsh does not know", kw);
	}
}

static void explain_challenge(struct shell *sh, const struct reply *r)
{
	const struct session *s = &sh->session;
	if (!r->text[0]) {
		render_note(sh, "empty challenge: the server waits for your credentials%s",
		            !strcasecmp(s->sasl_mech, "PLAIN") ? " (PLAIN: b64 \\0user\\0password)"
		                                               : "");
		return;
	}
	if (!s->sasl_challenge_b64ok) {
		render_note(sh, "the challenge is not valid base64");
		return;
	}
	struct buf b, d;
	render_note(sh, "\"%s\" is base64 for \"%s\"", render_safe(r->text, &b),
	            render_safe(s->sasl_challenge, &d));
	buf_free(&b);
	buf_free(&d);
	if (strcasestr(s->sasl_challenge, "user"))
		render_note(sh, "answer with: b64 <your user name>   (or * to cancel)");
	else if (strcasestr(s->sasl_challenge, "pass"))
		render_note(
		    sh, "answer with: b64   (asks for the password without echo; or * to cancel)");
}

/* Provider advice for a failed login or send (issue: "QQ wants the
 * authorization code, not the password"). */
static void explain_provider(struct shell *sh, const struct reply *r, const char *verb)
{
	int code = sh->session.proto == PROTO_POP3 ? (r->code == REPLY_POP3_ERR ? -1 : 0) : r->code;
	if (code == 0 || !verb)
		return;
	char text[REPLY_TEXT_MAX + 80];
	snprintf(text, sizeof(text), "%s %s%s%s%s", r->enhanced, r->text,
	         r->resp_code[0] ? " [" : "", r->resp_code, r->resp_code[0] ? "]" : "");
	const struct provider_hint *h = provider_diagnose(sh->target.host, sh->session.banner, verb,
	                                                  code, text, sh->session.tls);
	if (!h)
		return;
	render_note(sh, "%s%s: %s", h->provider ? "at " : "", h->provider ? h->provider : "hint",
	            h->hint);
	render_note(sh, "(source: %s)", h->source);
}

static void explain_smtp(struct shell *sh, const struct reply *r, const struct session_pending *p)
{
	char buf[512];
	const char *verb = p ? p->verb : NULL;
	/* AUTH to a server that offered none: its reply means "unknown
	 * command", not what RFC 4954 says a 500 to AUTH means */
	const char *m = annot_smtp(r->code, p && p->auth_unoffered ? NULL : verb, buf, sizeof(buf));
	render_note(sh, "%d: %s", r->code, m);
	if (r->enhanced[0])
		explain_esc(sh, r->enhanced);
	if (!p)
		render_note(sh, "unsolicited: the server sent this without a command%s",
		            r->code == 421 ? " (it is hanging up: /connect starts a new session)"
		                           : "");
	if (p && p->warn[0] && r->code >= 400)
		render_note(sh, "%s%s", p->auth_unoffered ? "" : "out of order: ", p->warn);
	if (p && p->unknown && p->verb[0] && (r->code == 500 || r->code == 502 || r->code < 400)) {
		const char *sug = proto_suggest(PROTO_SMTP, p->verb);
		struct buf b;
		render_note(sh, "%s is not an SMTP command%s%s%s%s", render_safe(p->verb, &b),
		            sug ? "; did you mean " : "", sug ? sug : "", sug ? "?" : "",
		            r->code < 400 ? " (this server accepted it anyway; smtpsh does not "
		                            "count it as a greeting)"
		                          : "");
		buf_free(&b);
	}
	if (verb && !strcmp(verb, "EHLO") && r->code == 250) {
		struct buf b;
		render_note(sh, "server name: %s", render_safe(sh->session.server_name, &b));
		buf_free(&b);
		explain_caps(sh);
	}
	if (r->code == 334)
		explain_challenge(sh, r);
	explain_provider(sh, r, verb);
}

static void explain_pop3(struct shell *sh, const struct reply *r, const struct session_pending *p)
{
	const struct session *s = &sh->session;
	const char *verb = p ? p->verb : NULL;
	const char *status = r->code == REPLY_POP3_OK    ? "+OK"
	                     : r->code == REPLY_POP3_ERR ? "-ERR"
	                                                 : "+";
	render_note(sh, "%s: %s", status, annot_pop3(r->code, verb ? verb : ""));
	if (r->resp_code[0]) {
		const char *m = annot_pop3_resp_code(r->resp_code);
		struct buf b;
		render_note(sh, "[%s]: %s", render_safe(r->resp_code, &b),
		            m ? m : "a response code smtpsh does not know");
		buf_free(&b);
	}
	if (!p)
		render_note(sh, "unsolicited: the server sent this without a command");
	if (p && p->warn[0] && r->code == REPLY_POP3_ERR)
		render_note(sh, "out of order: %s", p->warn);
	if (p && p->unknown && r->code == REPLY_POP3_ERR) {
		const char *sug = proto_suggest(PROTO_POP3, p->verb);
		struct buf b;
		render_note(sh, "%s is not a POP3 command%s%s%s", render_safe(p->verb, &b),
		            sug ? "; did you mean " : "", sug ? sug : "", sug ? "?" : "");
		buf_free(&b);
	}
	if (verb && !*verb && s->apop_stamp[0]) {
		struct buf b;
		render_note(sh, "the greeting carries a timestamp %s: APOP login is possible",
		            render_safe(s->apop_stamp, &b));
		buf_free(&b);
	}
	if (r->code == REPLY_POP3_CONT)
		explain_challenge(sh, r);
	explain_provider(sh, r, verb);
	char why[200];
	if (p && p->has_msgno && r->code == REPLY_POP3_OK && !r->has_body &&
	    annot_pop3_scan_check(p->verb, p->msgno, r->text, why, sizeof(why)))
		render_warning(sh, "%s", why);
	if (!verb || !r->has_body)
		return;
	if (!strcmp(verb, "LIST"))
		render_note(sh, "%lu message%s, %llu octets", s->body_items,
		            s->body_items == 1 ? "" : "s", s->body_sum);
	else if (!strcmp(verb, "UIDL"))
		render_note(sh, "%lu unique id%s", s->body_items, s->body_items == 1 ? "" : "s");
	else if (!strcmp(verb, "CAPA"))
		explain_caps(sh);
	else if (!strcmp(verb, "RETR") || !strcmp(verb, "TOP"))
		render_note(sh, "%s: %zu lines, %zu octets%s",
		            !strcmp(verb, "TOP") ? "headers and top lines" : "message",
		            r->body_lines, r->body_octets,
		            sh->stuffed_lines ? " (dot-stuffed lines shown as sent; the message "
		                                "holds them with one dot less)"
		                              : "");
	else
		render_note(sh, "%zu lines, %zu octets", r->body_lines, r->body_octets);
}

static void explain_line_flags(struct shell *sh)
{
	unsigned f = sh->notes;
	if (f & LINE_BARE_LF)
		render_warning(sh, "the server ended a line with a bare LF instead of CRLF (RFC "
		                   "5321 §2.3.8 forbids it)");
	if (f & LINE_BARE_CR)
		render_warning(sh, "a line holds a bare CR (shown as \\r)");
	if (f & LINE_HAS_NUL)
		render_warning(sh, "a line holds NUL bytes (shown as \\x00)");
	if (f & LINE_CODE_MISMATCH)
		render_warning(sh, "the lines of this reply do not all carry the same code");
	if (f & LINE_UNTERMINATED)
		render_warning(sh, "the last line had no line end: the connection closed first");
	if (sh->gb18030_lines)
		render_note(sh, "the server's text is not UTF-8; it decodes as GB18030/GBK and is "
		                "shown decoded");
	sh->notes = 0;
	sh->gb18030_lines = 0;
	sh->stuffed_lines = 0;
}

static void on_reply(void *ctx, const struct reply *r)
{
	struct shell *sh = ctx;
	const struct session_pending *p = sh->session.answering;
	sh->last_reply_code = r->code;
	if (sh->observe_reply)
		sh->observe_reply(sh->observer_ctx, r);
	snprintf(sh->last_reply_text, sizeof(sh->last_reply_text), "%s", r->text);
	render_begin(sh);
	if (sh->session.proto == PROTO_SMTP)
		explain_smtp(sh, r, p);
	else
		explain_pop3(sh, r, p);
	explain_line_flags(sh);
	render_end(sh);
}

static void on_error(void *ctx, enum smtpsh_err e, const char *msg, const struct reply_line *l)
{
	struct shell *sh = ctx;
	if (l)
		transcript_received(&sh->rec, l->raw, l->raw_len, line_ending(l->flags));
	transcript_event(&sh->rec, "error: %s", msg);
	render_begin(sh);
	if (l) {
		paint(sh, C_FAIL);
		fputs("R: ", sh->out);
		render_untrusted(sh, l->raw, l->raw_len);
		unpaint(sh, C_FAIL);
		fputc('\n', sh->out);
	}
	(void)e;
	/* msg may quote a verb from a transcript or the server's bytes */
	struct buf b;
	render_warning(sh, "%s", render_safe(msg, &b));
	buf_free(&b);
	sh->notes = 0;
	render_end(sh);
}

static void on_event(void *ctx, const char *text)
{
	struct shell *sh = ctx;
	transcript_event(&sh->rec, "%s", text);
	struct buf b;
	render_begin(sh);
	render_event(sh, "%s", render_safe(text, &b));
	render_end(sh);
	buf_free(&b);
}

static void on_tls(void *ctx, const struct tls_info *in, bool starttls, size_t injected)
{
	struct shell *sh = ctx;
	if (injected)
		transcript_event(&sh->rec,
		                 "error: %zu injected bytes discarded before the TLS handshake",
		                 injected);
	transcript_event(&sh->rec, "tls %s %s %s subject=%s", starttls ? "starttls" : "implicit",
	                 in->version, in->cipher, in->subject);
	if (!in->verified)
		transcript_event(&sh->rec, "tls unverified (--insecure): %s", in->verdict);
	render_begin(sh);
	if (injected)
		render_warning(sh,
		               "DANGER: the server (or something in between) sent %zu bytes after "
		               "its go-ahead and before TLS started; they were thrown away, never "
		               "read as replies (STARTTLS command injection, CVE-2011-0411)",
		               injected);
	render_event(sh, "TLS established: %s, %s", in->version, in->cipher);
	render_note(sh, "certificate: %s", in->subject);
	render_note(sh, "issued by:   %s", in->issuer);
	render_note(sh, "valid:       %s to %s", in->not_before, in->not_after);
	render_note(sh, "valid for:   %s", in->names[0] ? in->names : "(no names)");
	render_note(sh, "sha256:      %s", in->sha256);
	if (in->verified)
		render_note(sh, "check:       %s", in->verdict);
	else
		render_warning(sh, "INSECURE: %s; going on only because of --insecure",
		               in->verdict);
	if (starttls) {
		if (sh->session.proto == PROTO_SMTP)
			render_note(sh, "next: send EHLO again (RFC 3207): what the server said "
			                "before TLS is forgotten, its AUTH list may change now");
		else
			render_note(sh, "next: send CAPA again (RFC 2595): the capabilities "
			                "learned before TLS are forgotten");
	}
	render_end(sh);
}

/* --trace: each state change on stderr as it happens, never recorded. */
static void on_state(void *ctx, enum proto p, enum pstate from, enum pstate to, const char *why)
{
	struct shell *sh = ctx;
	struct buf b;
	render_begin(sh);
	fflush(sh->out); /* keep the order of stdout and stderr lines */
	fprintf(stderr, "-- trace: %s: %s -> %s (%s)\n", proto_name(p), proto_state_name(from),
	        proto_state_name(to), render_safe(why, &b));
	render_end(sh);
	buf_free(&b);
}

void render_init_hooks(struct shell *sh, struct session_hooks *h)
{
	h->state = sh->trace ? on_state : NULL;
	h->tls = on_tls;
	h->ctx = sh;
	h->sent = on_sent;
	h->line = on_line;
	h->reply = on_reply;
	h->error = on_error;
	h->event = on_event;
}
