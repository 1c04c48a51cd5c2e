/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the person sees: S:/R: lines in colour, annotations under each
 * reply, events and warnings.  Server text is stored raw and passes
 * through text_safe() here, where it is shown, so that no escape sequence
 * from a server reaches the terminal.  The only colour codes are here. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <readline/readline.h>

#include "annot.h"
#include "i18n.h"
#include "diagnose.h"
#include "b64.h"
#include "provider.h"
#include "shell_proto.h"
#include "text.h"

/* The only colour codes in smtpsh: one per tone. */
static const char *const tone_codes[] = {
    [TONE_PLAIN] = "",          [TONE_SENT] = "\033[1;36m", /* bold cyan */
    [TONE_MATCH] = "\033[36m",                              /* cyan: a client line as expected */
    [TONE_OK] = "\033[32m",                                 /* 2xx, +OK */
    [TONE_MORE] = "\033[33m",                               /* 3xx, "+ " */
    [TONE_TEMP] = "\033[1;33m",                             /* 4xx */
    [TONE_FAIL] = "\033[1;31m",                             /* 5xx, -ERR, a line that differs */
    [TONE_NOTE] = "\033[2m",                                /* annotations, prompts: dim */
    [TONE_EVENT] = "\033[35m",                              /* magenta */
    [TONE_WARN] = "\033[1;31m",                             /* bold red */
    [TONE_STRONG] = "\033[1m",                              /* a lesson's narration */
};

static void paint(struct shell *sh, enum render_tone tone)
{
	if (sh->color && *tone_codes[tone])
		fputs(tone_codes[tone], sh->out);
}

static void unpaint(struct shell *sh, enum render_tone tone)
{
	if (sh->color && *tone_codes[tone])
		fputs("\033[0m", sh->out);
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

/* Untrusted bytes through the one sanitiser onto out; text_safe()'s
 * flags (TEXT_FROM_GB18030...). */
static unsigned put_safe(struct shell *sh, const char *p, size_t n)
{
	struct buf b;
	buf_init(&b, TEXT_SAFE_SIZE(n));
	unsigned flags = text_safe(&b, p, n);
	if (b.len)
		fwrite(b.data, 1, b.len, sh->out);
	buf_free(&b);
	return flags;
}

/* A page writer takes the line instead of the terminal. */
static enum render_kind prefix_kind(const char *prefix)
{
	if (!strcmp(prefix, "S: "))
		return RENDER_SENT;
	if (!strcmp(prefix, "R: "))
		return RENDER_RECEIVED;
	return RENDER_NARRATION;
}

static unsigned put_line(struct shell *sh, enum render_tone tone, const char *prefix, const char *p,
                         size_t n)
{
	if (sh->writer) {
		struct buf b;
		buf_init(&b, TEXT_SAFE_SIZE(n));
		unsigned flags = text_safe(&b, p, n);
		sh->writer->line(sh->writer->ctx, prefix_kind(prefix), tone, b.data ? b.data : "",
		                 b.len);
		buf_free(&b);
		return flags;
	}
	paint(sh, tone);
	fputs(prefix, sh->out);
	unsigned flags = put_safe(sh, p, n);
	unpaint(sh, tone);
	fputc('\n', sh->out);
	return flags;
}

void render_line(struct shell *sh, enum render_tone tone, const char *prefix, const char *p,
                 size_t n)
{
	put_line(sh, tone, prefix, p, n);
}

void render_prompt(struct shell *sh, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	paint(sh, TONE_NOTE);
	vfprintf(sh->out, _(fmt), ap);
	unpaint(sh, TONE_NOTE);
	va_end(ap);
	fputc(' ', sh->out);
	fflush(sh->out);
}

static void vline(struct shell *sh, const char *prefix, enum render_tone tone,
                  enum render_kind kind, const char *fmt, va_list ap)
{
	if (sh->writer) {
		char *text = NULL;
		int n = vasprintf(&text, _(fmt), ap);
		if (n >= 0)
			sh->writer->line(sh->writer->ctx, kind, tone, text, (size_t)n);
		free(text);
		return;
	}
	paint(sh, tone);
	fputs(prefix, sh->out);
	vfprintf(sh->out, _(fmt), ap); /* the format is the msgid (xgettext keyword) */
	unpaint(sh, tone);
	fputc('\n', sh->out);
}

/* The four kinds of line the shell writes: a prefix and a tone each. */
#define RENDER_KIND(name, prefix, tone, kind)                                                      \
	void name(struct shell *sh, const char *fmt, ...)                                          \
	{                                                                                          \
		va_list ap;                                                                        \
		va_start(ap, fmt);                                                                 \
		vline(sh, prefix, tone, kind, fmt, ap);                                            \
		va_end(ap);                                                                        \
	}
RENDER_KIND(render_event, "-- ", TONE_EVENT, RENDER_EVENT)
RENDER_KIND(render_warning, "!! ", TONE_WARN, RENDER_WARNING)
RENDER_KIND(render_note, "   # ", TONE_NOTE, RENDER_NOTE)
/* Local output (helpers): plain text, no prefix. */
RENDER_KIND(render_info, "", TONE_PLAIN, RENDER_INFO)

/* A reply's colour: its severity, which its protocol's handler knows. */
static enum render_tone code_tone(const struct session *s, int code)
{
	switch (s->handler->severity(code)) {
	case SEVERITY_NONE: return TONE_PLAIN;
	case SEVERITY_OK: return TONE_OK;
	case SEVERITY_MORE: return TONE_MORE;
	case SEVERITY_TEMP: return TONE_TEMP;
	case SEVERITY_FAIL: return TONE_FAIL;
	}
	return TONE_PLAIN;
}

static void on_sent(void *ctx, const struct session_sent *s)
{
	struct shell *sh = ctx;
	bool hide = s->secret && !sh->show_secrets;
	if (sh->hide_sent) { /* an attachment's middle: counted, said once after */
		sh->sent_hidden++;
		return;
	}
	const char *text = hide ? s->shown : s->wire;
	size_t len = hide ? s->shown_len : s->wire_len;
	render_line(sh, TONE_SENT, "S: ", text, len);
	if (s->stuffed) {
		/* the line's first 40 bytes after its dot, as safe text */
		char q[TEXT_SAFE_SIZE(40)];
		size_t n = s->shown_len - 1 > 40 ? 40 : s->shown_len - 1;
		render_note(sh,
		            "dot-stuffed: this line starts with '.', so it went out as '.%s' (the "
		            "server removes the extra dot)",
		            text_safe_str(q, sizeof(q), s->shown + 1, n));
	}
	sasl_notes_sent(sh, s);
	if (!sh->session.offline)
		fflush(sh->out);
}

static void on_line(void *ctx, const struct reply_line *l)
{
	struct shell *sh = ctx;
	enum render_tone tone = (l->flags & LINE_BODY)
	                            ? (l->flags & LINE_BODY_END ? TONE_OK : TONE_PLAIN)
	                            : code_tone(&sh->session, l->code);
	render_begin(sh);
	/* only the server's lines: the note is about its text, not the
	 * message the person typed */
	if (put_line(sh, tone, "R: ", l->raw, l->raw_len) & TEXT_FROM_GB18030)
		sh->gb18030_lines++;
	sh->notes |= l->flags;
	if (l->flags & LINE_UNSTUFFED)
		sh->stuffed_lines++;
	if (l->flags & LINE_TRUNCATED)
		render_warning(sh, "that line was %zu bytes long: only the first %zu are shown",
		               l->full_len, l->raw_len);
	message_notes_line(sh, l);
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
		char kw[TEXT_SAFE_SIZE(SESSION_CAP_LEN)];
		text_safe_str(kw, sizeof(kw), s->caps[i], strcspn(s->caps[i], " ="));
		const char *stray = m ? NULL : annot_ehlo_not_extension(s->caps[i], s->banner);
		char line[TEXT_SAFE_SIZE(SESSION_CAP_LEN)];
		if (m)
			render_note(sh, "%s: %s", kw, m);
		else if (stray)
			render_note(
			    sh, "\"%s\": %s",
			    text_safe_str(line, sizeof(line), s->caps[i], strlen(s->caps[i])),
			    stray);
		else
			render_note(sh, "%s: an extension smtpsh does not know", kw);
	}
}

static void explain_challenge(struct shell *sh, const struct reply *r)
{
	const struct session *s = &sh->session;
	if (!r->text[0]) {
		if (!strcasecmp(s->sasl_mech, "PLAIN"))
			render_note(
			    sh, "empty challenge: the server waits for your credentials (PLAIN: "
			        "b64 \\0user\\0password)");
		else
			render_note(sh, "empty challenge: the server waits for your credentials");
		return;
	}
	if (!s->sasl_challenge_b64ok) {
		render_note(sh, "the challenge is not valid base64");
		return;
	}
	char b64[TEXT_SAFE_SIZE(REPLY_TEXT_MAX)], dec[TEXT_SAFE_SIZE(sizeof(s->sasl_challenge))];
	render_note(sh, "\"%s\" is base64 for \"%s\"",
	            text_safe_str(b64, sizeof(b64), r->text, strlen(r->text)),
	            text_safe_str(dec, sizeof(dec), s->sasl_challenge, s->sasl_challenge_len));
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
	int code = sh->session.handler->provider_code(r->code);
	if (code == 0 || !verb)
		return;
	char text[REPLY_TEXT_MAX + 96];
	diagnose_reply_text(r, text, sizeof(text));
	const struct provider_hint *h = provider_diagnose(sh->target.host, sh->session.banner, verb,
	                                                  code, text, sh->session.tls);
	if (!h)
		return;
	if (h->provider) /* the name matches in English and is shown translated */
		render_note(sh, "at %s: %s", _(h->provider), _(h->hint));
	else
		render_note(sh, "hint: %s", _(h->hint));
	render_note(sh, "what to do: %s", _(h->fix));
	render_note(sh, "(source: %s)", h->source);
}

/* What the credentials sent in this exchange tell: an answer after a
 * challenge that was no base64, a secret sent without TLS (once). */
static void explain_credentials(struct shell *sh, const struct reply *r,
                                const struct session_pending *p)
{
	if (!p)
		return;
	if (p->cleartext_secret && !strcmp(p->verb, "PASS"))
		render_note(sh, "no TLS on this connection: PASS sends the password as plain text; "
		                "anyone on the path can read it (use STLS, or pop3s://)");
	else if (p->cleartext_secret)
		render_note(sh,
		            "no TLS on this connection: base64 is an encoding, not encryption; "
		            "anyone on the path can decode what you just sent (use STARTTLS/STLS, "
		            "or smtps:// / pop3s://)");
	if (p->sasl_not_b64 && sh->session.handler->severity(r->code) == SEVERITY_FAIL)
		render_note(sh,
		            "an answer to the server's challenge was not base64: each answer must "
		            "be encoded; type b64 NAME to send it encoded (b64 alone asks for the "
		            "password without echo)");
}

void render_explain_smtp(struct shell *sh, const struct reply *r, const struct session_pending *p)
{
	char buf[512];
	const char *verb = p ? p->verb : NULL;
	/* AUTH to a server that offered none: its reply means "unknown
	 * command", not what RFC 4954 says a 500 to AUTH means */
	const char *m = annot_smtp(r->code, p && p->auth_unoffered ? NULL : verb, buf, sizeof(buf));
	render_note(sh, "%d: %s", r->code, m);
	if (r->enhanced[0])
		explain_esc(sh, r->enhanced);
	if (!p && r->code == 421)
		render_note(sh,
		            "unsolicited: the server sent this without a command (it is hanging "
		            "up: /connect starts a new session)");
	else if (!p)
		render_note(sh, "unsolicited: the server sent this without a command");
	if (p && p->warn[0] && r->code >= 400 && p->auth_unoffered)
		render_note(sh, "%s", p->warn);
	else if (p && p->warn[0] && r->code >= 400)
		render_note(sh, "out of order: %s", p->warn);
	const struct proto_cmd *old_cmd =
	    p && p->unknown ? proto_find_historical(sh->session.proto, p->verb) : NULL;
	if (old_cmd) {
		render_note(sh, "%s is a historical command servers no longer offer: %s",
		            old_cmd->verb, _(old_cmd->help));
	} else if (p && p->unknown && annot_smtp_header_hangup(p->verb, r->code)) {
		char q[TEXT_SAFE_SIZE(sizeof(p->verb))];
		render_note(
		    sh,
		    "the server hung up because \"%s\" is a message header sent as a command: the "
		    "message was never in DATA mode (DATA needs an accepted RCPT and a 354 first; "
		    "Postfix: smtpd_forbidden_commands)",
		    text_safe_str(q, sizeof(q), p->verb, strlen(p->verb)));
	} else if (p && p->unknown && p->verb[0] &&
	           (r->code == 500 || r->code == 502 || (r->code < 400 && r->code != 221))) {
		const char *sug = proto_suggest(sh->session.proto, p->verb);
		char q[TEXT_SAFE_SIZE(sizeof(p->verb))];
		text_safe_str(q, sizeof(q), p->verb, strlen(p->verb));
		if (sug && r->code < 400)
			render_note(
			    sh,
			    "%s is not an SMTP command; did you mean %s? (this server accepted it "
			    "anyway; smtpsh does not count it as a greeting)",
			    q, sug);
		else if (sug)
			render_note(sh, "%s is not an SMTP command; did you mean %s?", q, sug);
		else if (r->code < 400)
			render_note(
			    sh,
			    "%s is not an SMTP command (this server accepted it anyway; smtpsh "
			    "does not count it as a greeting)",
			    q);
		else
			render_note(sh, "%s is not an SMTP command", q);
	}
	if (verb && !strcmp(verb, "EHLO") && r->code == 250) {
		const char *name = sh->session.server_name;
		char q[TEXT_SAFE_SIZE(sizeof(sh->session.server_name))];
		render_note(sh, "server name: %s", text_safe_str(q, sizeof(q), name, strlen(name)));
		explain_caps(sh);
	}
	const char *first = annot_smtp_first(r->code, r->text);
	if (first)
		render_note(sh, "%s", first);
	if (r->code == 334)
		explain_challenge(sh, r);
	explain_credentials(sh, r, p);
	if (!(p && p->sasl_not_b64 && r->code >= 500))
		explain_provider(sh, r, verb);
}

void render_explain_pop3(struct shell *sh, const struct reply *r, const struct session_pending *p)
{
	const struct session *s = &sh->session;
	const char *verb = p ? p->verb : NULL;
	char status[8];
	s->handler->status_text(r->code, status, sizeof(status));
	render_note(sh, "%s: %s", status, annot_pop3(r->code, verb ? verb : ""));
	if (r->resp_code[0]) {
		const char *m = annot_pop3_resp_code(r->resp_code);
		char q[TEXT_SAFE_SIZE(sizeof(r->resp_code))];
		text_safe_str(q, sizeof(q), r->resp_code, strlen(r->resp_code));
		if (m)
			render_note(sh, "[%s]: %s", q, m);
		else
			render_note(sh, "[%s]: a response code smtpsh does not know", q);
	}
	if (!p)
		render_note(sh, "unsolicited: the server sent this without a command");
	if (p && p->warn[0] && r->code == REPLY_POP3_ERR)
		render_note(sh, "out of order: %s", p->warn);
	const struct proto_cmd *old_cmd =
	    p && p->unknown ? proto_find_historical(s->proto, p->verb) : NULL;
	if (old_cmd)
		render_note(sh, "%s is a historical command servers no longer offer: %s",
		            old_cmd->verb, _(old_cmd->help));
	else if (p && p->unknown && r->code == REPLY_POP3_ERR) {
		const char *sug = proto_suggest(s->proto, p->verb);
		char q[TEXT_SAFE_SIZE(sizeof(p->verb))];
		text_safe_str(q, sizeof(q), p->verb, strlen(p->verb));
		if (sug)
			render_note(sh, "%s is not a POP3 command; did you mean %s?", q, sug);
		else
			render_note(sh, "%s is not a POP3 command", q);
	}
	if (verb && !*verb && s->apop_stamp[0]) {
		char q[TEXT_SAFE_SIZE(sizeof(s->apop_stamp))];
		render_note(sh, "the greeting carries a timestamp %s: APOP login is possible",
		            text_safe_str(q, sizeof(q), s->apop_stamp, strlen(s->apop_stamp)));
	}
	if (r->code == REPLY_POP3_CONT)
		explain_challenge(sh, r);
	explain_credentials(sh, r, p);
	if (!(p && p->sasl_not_b64 && r->code == REPLY_POP3_ERR))
		explain_provider(sh, r, verb);
	char why[200];
	if (p && p->has_msgno && r->code == REPLY_POP3_OK && !r->has_body &&
	    annot_pop3_scan_check(p->verb, p->msgno, r->text, why, sizeof(why)))
		render_warning(sh, "%s", why);
	if (!verb || !r->has_body)
		return;
	if (!strcmp(verb, "LIST"))
		render_note(sh,
		            dngettext(SMTPSH_TEXT_DOMAIN, "%lu message, %llu octets",
		                      "%lu messages, %llu octets", s->body_items),
		            s->body_items, s->body_sum);
	else if (!strcmp(verb, "UIDL"))
		render_note(
		    sh,
		    dngettext(SMTPSH_TEXT_DOMAIN, "%lu unique id", "%lu unique ids", s->body_items),
		    s->body_items);
	else if (!strcmp(verb, "CAPA"))
		explain_caps(sh);
	else if (!strcmp(verb, "RETR") || !strcmp(verb, "TOP")) {
		bool top = !strcmp(verb, "TOP");
		if (top && sh->stuffed_lines)
			render_note(
			    sh,
			    "headers and top lines: %zu lines, %zu octets (dot-stuffed lines "
			    "shown as sent; the message holds them with one dot less)",
			    r->body_lines, r->body_octets);
		else if (top)
			render_note(sh, "headers and top lines: %zu lines, %zu octets",
			            r->body_lines, r->body_octets);
		else if (sh->stuffed_lines)
			render_note(
			    sh,
			    "message: %zu lines, %zu octets (dot-stuffed lines shown as sent; "
			    "the message holds them with one dot less)",
			    r->body_lines, r->body_octets);
		else
			render_note(sh, "message: %zu lines, %zu octets", r->body_lines,
			            r->body_octets);
		message_notes_show(sh);
	} else
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
	snprintf(sh->last_reply_text, sizeof(sh->last_reply_text), "%s", r->text);
	render_begin(sh);
	shell_proto_get(sh->session.proto)->explain(sh, r, p);
	explain_line_flags(sh);
	render_end(sh);
}

static void on_error(void *ctx, enum smtpsh_err e, const char *msg, const char *msg_en,
                     const struct reply_line *l)
{
	(void)msg_en;
	struct shell *sh = ctx;
	render_begin(sh);
	if (l)
		render_line(sh, TONE_FAIL, "R: ", l->raw, l->raw_len);
	(void)e;
	/* msg may quote a verb from a transcript or the server's bytes */
	char q[TEXT_SAFE_SIZE(SMTPSH_MSG_SIZE)];
	render_warning(sh, "%s", text_safe_str(q, sizeof(q), msg, strlen(msg)));
	sh->notes = 0;
	message_notes_abandon(sh);
	render_end(sh);
}

static void show_tls(struct shell *sh, const struct session_event *ev)
{
	const struct tls_info *in = ev->tls;
	/* the certificate's names are the server's text, kept raw */
	char subject[TEXT_SAFE_SIZE(sizeof(in->subject))],
	    issuer[TEXT_SAFE_SIZE(sizeof(in->issuer))];
	char names[TEXT_SAFE_SIZE(sizeof(in->names))], verdict[TEXT_SAFE_SIZE(sizeof(in->verdict))];
	text_safe_str(subject, sizeof(subject), in->subject, strlen(in->subject));
	text_safe_str(issuer, sizeof(issuer), in->issuer, strlen(in->issuer));
	text_safe_str(names, sizeof(names), in->names, strlen(in->names));
	text_safe_str(verdict, sizeof(verdict), in->verdict, strlen(in->verdict));
	if (ev->injected)
		render_warning(sh,
		               "DANGER: the server (or something in between) sent %zu bytes after "
		               "its go-ahead and before TLS started; they were thrown away, never "
		               "read as replies (STARTTLS command injection, CVE-2011-0411)",
		               ev->injected);
	render_event(sh, "TLS established: %s, %s", in->version, in->cipher);
	render_note(sh, "certificate: %s", subject);
	render_note(sh, "issued by:   %s", issuer);
	render_note(sh, "valid:       %s to %s", in->not_before, in->not_after);
	if (names[0])
		render_note(sh, "valid for:   %s", names);
	else
		render_note(sh, "valid for:   (no names)");
	render_note(sh, "sha256:      %s", in->sha256);
	if (in->verified)
		render_note(sh, "check:       %s", verdict);
	else
		render_warning(sh, "INSECURE: %s; going on only because of --insecure", verdict);
	if (!ev->starttls)
		return;
	render_note(sh, "%s", _(proto_handler_get(ev->proto)->annot_after_tls));
}

static void on_event(void *ctx, const struct session_event *ev)
{
	struct shell *sh = ctx;
	render_begin(sh);
	switch (ev->kind) {
	case SESSION_EV_CONNECTED: {
		bool named = strcmp(ev->host, ev->addr) != 0;
		char host[TEXT_SAFE_SIZE(256)];
		const char *pname = proto_name(ev->proto);
		if (named)
			text_safe_str(host, sizeof(host), ev->host, strlen(ev->host));
		if (named && ev->implicit_tls)
			render_event(sh, "connected to %s port %u (%s over TLS, %s)", ev->addr,
			             ev->port, pname, host);
		else if (named)
			render_event(sh, "connected to %s port %u (%s, %s)", ev->addr, ev->port,
			             pname, host);
		else if (ev->implicit_tls)
			render_event(sh, "connected to %s port %u (%s over TLS)", ev->addr,
			             ev->port, pname);
		else
			render_event(sh, "connected to %s port %u (%s)", ev->addr, ev->port, pname);
		break;
	}
	case SESSION_EV_TLS: show_tls(sh, ev); break;
	case SESSION_EV_CLOSED_BY_PEER: render_event(sh, "connection closed by the server"); break;
	case SESSION_EV_CLOSED_BY_US:
		render_event(sh, "connection closed: nothing was sent in plaintext after STARTTLS");
		break;
	}
	render_end(sh);
}

/* --trace: each state change on stderr as it happens, never recorded. */
static void on_state(void *ctx, enum proto p, enum pstate from, enum pstate to, const char *why)
{
	struct shell *sh = ctx;
	char q[TEXT_SAFE_SIZE(sizeof(((struct session_transition *)0)->why))];
	render_begin(sh);
	fflush(sh->out); /* keep the order of stdout and stderr lines */
	fprintf(stderr, "-- trace: %s: %s -> %s (%s)\n", proto_name(p), proto_state_name(from),
	        proto_state_name(to), text_safe_str(q, sizeof(q), why, strlen(why)));
	render_end(sh);
}

void render_init_hooks(struct shell *sh, struct session_hooks *h)
{
	*h = (struct session_hooks){.ctx = sh,
	                            .sent = on_sent,
	                            .line = on_line,
	                            .reply = on_reply,
	                            .error = on_error,
	                            .event = on_event,
	                            .state = sh->trace ? on_state : NULL};
}

static bool is_named(const struct header_info *h, const char *name)
{
	return h && !strcmp(h->name, name);
}

/* One side of a reply compared with another (replay --against, lesson):
 * the reply as a warning line, its meaning as a note, side padded to
 * columns by display width.  The text came from a server: shown safe. */
void render_reply_side(struct shell *sh, const char *side, int columns, int code, const char *verb,
                       const char *enhanced, const char *text)
{
	const struct proto_handler *ph = sh->session.handler;
	char status[16], meaning[512];
	ph->status_text(code, status, sizeof(status));
	const char *m = ph->annot_status(code, verb, meaning, sizeof(meaning));
	char safe[TEXT_SAFE_SIZE(512)];
	size_t n = strlen(text);
	int w = text_field(side, columns);
	render_warning(sh, "  %-*s: %s%s%s %s", w, side, status, enhanced[0] ? " " : "", enhanced,
	               text_safe_str(safe, sizeof(safe), text, n > 512 ? 512 : n));
	render_note(sh, "%-*s: %s", w, side, m);
}

void render_data_warnings(struct shell *sh, const struct data_warning *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct data_warning *d = &w[i];
		switch (d->kind) {
		case DATA_WARN_NOT_A_HEADER:
			render_warning(
			    sh,
			    "line %lu is no header (no \"Name:\" at its start): from here "
			    "on it is the body; did the body start without the blank line "
			    "after the headers?",
			    d->line);
			break;
		case DATA_WARN_NAME_TYPO:
			if (is_named(d->known, "Date") || is_named(d->known, "From"))
				render_warning(
				    sh,
				    "line %lu: \"%s:\" is no header smtpsh knows; did you "
				    "mean \"%s:\"? (RFC 5322 wants a Date and a From in "
				    "every message)",
				    d->line, d->name, d->known->name);
			else
				render_warning(
				    sh,
				    "line %lu: \"%s:\" is no header smtpsh knows; did you "
				    "mean \"%s:\"?",
				    d->line, d->name, d->known->name);
			break;
		case DATA_WARN_NO_DATE:
			render_warning(sh,
			               "the headers ended without Date: RFC 5322 wants one, e.g. "
			               "\"Date: Mon, 30 Nov 2026 23:46:59 +0800\"");
			break;
		case DATA_WARN_NO_FROM:
			render_warning(sh,
			               "the headers ended without From: RFC 5322 wants one, e.g. "
			               "\"From: Name <you@example.org>\"");
			break;
		case DATA_WARN_HEADER_8BIT:
			render_warning(
			    sh,
			    "line %lu: %s holds text that is not ASCII: write it as an RFC "
			    "2047 encoded word (=?UTF-8?B?...?=, b64 makes the base64), or "
			    "servers and readers may mangle it",
			    d->line, d->name);
			break;
		case DATA_WARN_BODY_8BIT:
			render_warning(
			    sh,
			    "line %lu: 8-bit text (not ASCII) in the body, but MAIL FROM did "
			    "not say BODY=8BITMIME (RFC 6152): add it, or encode the text "
			    "(Content-Transfer-Encoding: base64 or quoted-printable)",
			    d->line);
			break;
		case DATA_WARN_LINE_TOO_LONG:
			render_warning(
			    sh,
			    "line %lu is %zu octets long: RFC 5322 allows %d before CRLF; "
			    "servers may cut or refuse it",
			    d->line, d->octets, DATA_LINE_MAX);
			break;
		}
	}
}
