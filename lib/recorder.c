/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "recorder.h"

#include <string.h>

static const char *line_ending(unsigned flags)
{
	return (flags & LINE_UNTERMINATED) ? "" : (flags & LINE_BARE_LF) ? "\n" : "\r\n";
}

static void on_sent(void *ctx, const struct session_sent *s)
{
	struct recorder *r = ctx;
	bool hide = s->secret && !r->show_secrets;
	transcript_sent(r->w, hide ? s->shown : s->wire, hide ? s->shown_len : s->wire_len, hide);
}

static void on_line(void *ctx, const struct reply_line *l)
{
	struct recorder *r = ctx;
	transcript_received(r->w, l->raw, l->raw_len, line_ending(l->flags));
	if (l->flags & LINE_TRUNCATED)
		transcript_event(r->w, TRANSCRIPT_EV_LINE_CUT, "%zu bytes received, %zu kept",
		                 l->full_len, l->raw_len);
}

static void on_error(void *ctx, enum smtpsh_err e, const char *msg, const char *msg_en,
                     const struct reply_line *l)
{
	struct recorder *r = ctx;
	(void)e, (void)msg; /* the transcript keeps the English */
	if (l)
		transcript_received(r->w, l->raw, l->raw_len, line_ending(l->flags));
	transcript_event(r->w, TRANSCRIPT_EV_ERROR, "%s", msg_en);
}

static void record_tls(struct recorder *r, const struct session_event *ev)
{
	const struct tls_info *in = ev->tls;
	if (ev->injected)
		transcript_event(r->w, TRANSCRIPT_EV_ERROR,
		                 "%zu injected bytes discarded before the TLS handshake",
		                 ev->injected);
	transcript_event(r->w,
	                 ev->starttls ? TRANSCRIPT_EV_TLS_STARTTLS : TRANSCRIPT_EV_TLS_IMPLICIT,
	                 "%s %s subject=%s", in->version, in->cipher, in->subject);
	if (!in->verified)
		transcript_event(r->w, TRANSCRIPT_EV_TLS_UNVERIFIED, "(--insecure): %s",
		                 in->verdict);
}

static void on_event(void *ctx, const struct session_event *ev)
{
	struct recorder *r = ctx;
	bool named = strcmp(ev->host ? ev->host : "", ev->addr ? ev->addr : "") != 0;
	switch (ev->kind) {
	case SESSION_EV_CONNECTED:
		transcript_event(r->w, TRANSCRIPT_EV_CONNECTED, "to %s port %u (%s%s%s%s)",
		                 ev->addr, ev->port, proto_name(ev->proto),
		                 ev->implicit_tls ? " over TLS" : "", named ? ", " : "",
		                 named ? ev->host : "");
		break;
	case SESSION_EV_TLS: record_tls(r, ev); break;
	case SESSION_EV_CLOSED_BY_PEER:
		transcript_event(r->w, TRANSCRIPT_EV_CLOSED_BY_PEER, NULL);
		break;
	case SESSION_EV_CLOSED_BY_US:
		transcript_event(r->w, TRANSCRIPT_EV_CLOSED_BY_US,
		                 "nothing was sent in plaintext after STARTTLS");
		break;
	}
}

struct session_hooks recorder_hooks(struct recorder *r)
{
	return (struct session_hooks){
	    .ctx = r, .sent = on_sent, .line = on_line, .error = on_error, .event = on_event};
}

enum smtpsh_err recorder_attach(struct recorder *r, struct session *s)
{
	struct session_hooks h = recorder_hooks(r);
	return session_subscribe(s, &h);
}
