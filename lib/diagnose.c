/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "diagnose.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"

/* Lines of a paste looked at; a longer paste is cut (bounded memory). */
#define DIAGNOSE_LINES_MAX 32

struct paste_line {
	const char *p;
	size_t n;
	bool coded; /* starts with "DDD" then ' ', '-' or its end */
};

static bool smtp_coded(const char *p, size_t n)
{
	return n >= 3 && isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
	       isdigit((unsigned char)p[2]) && (n == 3 || p[3] == ' ' || p[3] == '-');
}

static bool pop3_status(const char *p, size_t n)
{
	return (n >= 3 && !strncasecmp(p, "+OK", 3) && (n == 3 || p[3] == ' ')) ||
	       (n >= 4 && !strncasecmp(p, "-ERR", 4) && (n == 4 || p[4] == ' '));
}

/* The non-empty lines of text, leading blanks and trailing CR/blanks cut. */
static size_t split_lines(const char *text, size_t len, struct paste_line *lines)
{
	size_t n = 0;
	if (len > DIAGNOSE_PASTE_MAX)
		len = DIAGNOSE_PASTE_MAX;
	for (size_t i = 0; i < len && n < DIAGNOSE_LINES_MAX;) {
		size_t end = i;
		while (end < len && text[end] != '\n')
			end++;
		size_t a = i, b = end;
		while (a < b && (text[a] == ' ' || text[a] == '\t'))
			a++;
		while (b > a && (text[b - 1] == '\r' || text[b - 1] == ' ' || text[b - 1] == '\t'))
			b--;
		if (b > a)
			lines[n++] =
			    (struct paste_line){text + a, b - a, smtp_coded(text + a, b - a)};
		i = end + 1;
	}
	return n;
}

bool diagnose_is_reply(const char *text, size_t len)
{
	struct paste_line lines[DIAGNOSE_LINES_MAX];
	size_t n = split_lines(text, len, lines);
	return n && (lines[0].coded || pop3_status(lines[0].p, lines[0].n));
}

/* SMTP: every line "DDD-" but the last "DDD ", lines without a code
 * given the first line's (a log wraps them); POP3: one status line, what
 * follows joined to it. */
static bool wire_form(struct buf *wire, const struct paste_line *lines, size_t n,
                      enum reply_mode mode)
{
	bool ok = true;
	for (size_t i = 0; i < n && ok; i++) {
		const struct paste_line *l = &lines[i];
		if (mode == REPLY_POP3) {
			ok = buf_append(wire, i ? " " : "", i ? 1 : 0) &&
			     buf_append(wire, l->p, l->n);
			continue;
		}
		const char *rest = l->coded ? l->p + (l->n > 3 ? 4 : 3) : l->p;
		size_t rest_n = l->n - (size_t)(rest - l->p);
		ok = buf_append(wire, l->coded ? l->p : lines[0].p, 3) &&
		     buf_append(wire, i + 1 < n ? "-" : " ", 1) && buf_append(wire, rest, rest_n) &&
		     buf_append(wire, "\r\n", 2);
	}
	if (ok && mode == REPLY_POP3)
		ok = buf_append(wire, "\r\n", 2);
	return ok;
}

static enum smtpsh_err read_reply(const struct buf *wire, enum reply_mode mode, struct reply *out,
                                  struct smtpsh_msg *msg)
{
	struct reply_parser rp;
	reply_parser_init(&rp, mode);
	enum smtpsh_err e = reply_parser_feed(&rp, wire->data, wire->len);
	bool got = false;
	struct reply_event ev;
	while (e == SMTPSH_OK && !got && reply_parser_next(&rp, &ev)) {
		if (ev.kind == REPLY_EV_END) {
			*out = *ev.reply;
			got = true;
		} else if (ev.kind == REPLY_EV_ERROR) {
			e = smtpsh_fail(msg, SMTPSH_EINVAL, "%s", ev.error);
		}
	}
	reply_parser_free(&rp);
	if (e == SMTPSH_ENOMEM)
		return smtpsh_fail(msg, e, "out of memory reading the pasted reply");
	if (e == SMTPSH_OK && !got)
		return smtpsh_fail(msg, SMTPSH_EINVAL, "the pasted text is no complete reply");
	return e;
}

void diagnose_reply_text(const struct reply *r, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s %s%s%s%s", r->enhanced, r->text, r->resp_code[0] ? " [" : "",
	         r->resp_code, r->resp_code[0] ? "]" : "");
}

const struct provider *diagnose_provider_named(const char *name)
{
	if (!name || !*name)
		return NULL;
	for (size_t i = 0; i < providers_len; i++) {
		const struct provider *p = &providers[i];
		if (strcasestr(p->name, name))
			return p;
		for (size_t j = 0; j < 6 && p->hosts[j]; j++)
			if (!strcasecmp(p->hosts[j], name))
				return p;
	}
	return NULL;
}

/* A refusal of a login: where a provider's catch-all advice (no
 * keywords: "log in with the authorization code") may answer a reply
 * whose command nobody named. */
static bool login_refusal(const struct reply *r, const char *text)
{
	if (r->mode == REPLY_SMTP)
		return r->code == 534 || r->code == 535 || r->code == 538;
	return !strncasecmp(r->resp_code, "AUTH", 4) || strcasestr(text, "log") ||
	       strcasestr(text, "auth") || strcasestr(text, "password");
}

/* provider_diagnose()'s own order: provider rows beat generic ones,
 * keyed rows beat catch-alls. */
static int hint_rank(const struct provider_hint *h)
{
	return (h->provider ? 2 : 0) + (h->words[0] ? 1 : 0);
}

/* The commands a reply may have answered, the likeliest first. */
static const char *const smtp_verbs[] = {"AUTH", "MAIL", "RCPT", "DATA", "STARTTLS", "EHLO", NULL};
static const char *const pop3_verbs[] = {"PASS", "USER", "APOP", "AUTH", "STLS", NULL};

/* The best hint over the verbs and TLS states not known. */
static void pick_hint(struct diagnosis *d, const char *host, const char *banner,
                      const struct diagnose_context *ctx, const char *text, bool coded)
{
	const char *given[] = {ctx->verb, NULL};
	const char *const *verbs = ctx->verb               ? given
	                           : d->mode == REPLY_SMTP ? smtp_verbs
	                                                   : pop3_verbs;
	/* no code pasted: read it as each kind of failure */
	const int codes_smtp[] = {535, 550, 454}, codes_pop3[] = {-1};
	const int *codes = d->mode == REPLY_POP3 ? codes_pop3 : codes_smtp;
	size_t ncodes = d->mode == REPLY_POP3 ? 1 : 3;
	int code =
	    d->mode == REPLY_POP3 ? (d->reply.code == REPLY_POP3_ERR ? -1 : 0) : d->reply.code;
	if (coded)
		codes = &code, ncodes = 1;
	int best = -1;
	for (int tls = 0; tls < 2; tls++) {
		if (ctx->tls >= 0 && tls != ctx->tls)
			continue;
		for (size_t v = 0; verbs[v]; v++)
			for (size_t c = 0; c < ncodes; c++) {
				const struct provider_hint *h =
				    provider_diagnose(host, banner, verbs[v], codes[c], text, tls);
				if (!h || (!h->words[0] && !ctx->verb &&
				           (!coded || !login_refusal(&d->reply, text))))
					continue;
				if (hint_rank(h) > best) {
					best = hint_rank(h);
					d->hint = h;
					d->verb = verbs[v];
				}
			}
	}
}

enum smtpsh_err diagnose_reply(const char *text, size_t len, const struct diagnose_context *ctx,
                               struct diagnosis *out, struct smtpsh_msg *msg)
{
	static const struct diagnose_context none = {.tls = -1};
	if (!ctx)
		ctx = &none;
	memset(out, 0, sizeof(*out));
	out->verb = ctx->verb;
	const char *host = ctx->host, *banner = ctx->banner;
	if (ctx->provider) {
		const struct provider *p = diagnose_provider_named(ctx->provider);
		if (!p)
			return smtpsh_fail(
			    msg, SMTPSH_EINVAL,
			    "unknown provider '%s': qq, 163, gmail, outlook, yahoo or "
			    "icloud (or a mail domain such as 126.com)",
			    ctx->provider);
		host = p->hosts[0], banner = NULL;
	}
	struct paste_line lines[DIAGNOSE_LINES_MAX];
	size_t n = split_lines(text, len, lines);
	if (!n)
		return smtpsh_fail(msg, SMTPSH_EINVAL, "nothing was pasted");
	bool coded = lines[0].coded || pop3_status(lines[0].p, lines[0].n);
	out->mode = lines[0].coded || !coded ? REPLY_SMTP : REPLY_POP3;
	struct buf wire;
	buf_init(&wire, 2 * DIAGNOSE_PASTE_MAX);
	enum smtpsh_err e = SMTPSH_OK;
	if (coded) {
		if (!wire_form(&wire, lines, n, out->mode))
			e = smtpsh_fail(msg, SMTPSH_ENOMEM,
			                "out of memory reading the pasted reply");
		else
			e = read_reply(&wire, out->mode, &out->reply, msg);
	} else {
		/* words without a code: only keyed hints may answer them */
		out->reply.mode = REPLY_SMTP;
		for (size_t i = 0; i < n; i++)
			snprintf(out->reply.text + strlen(out->reply.text),
			         sizeof(out->reply.text) - strlen(out->reply.text), "%s%.*s",
			         i ? " " : "", (int)lines[i].n, lines[i].p);
	}
	buf_free(&wire);
	if (e != SMTPSH_OK)
		return e;
	char joined[REPLY_TEXT_MAX + 96];
	diagnose_reply_text(&out->reply, joined, sizeof(joined));
	out->provider = provider_identify(host, banner, joined);
	out->from = ctx->provider                                   ? DIAGNOSE_FROM_NAME
	            : !out->provider                                ? DIAGNOSE_FROM_NONE
	            : provider_identify(host, banner, NULL) != NULL ? DIAGNOSE_FROM_HOST
	                                                            : DIAGNOSE_FROM_TEXT;
	pick_hint(out, host, banner, ctx, joined, coded);
	if (!coded && !out->hint)
		return smtpsh_fail(msg, SMTPSH_EINVAL,
		                   "no reply code, and no words a provider's refusal is known by");
	return SMTPSH_OK;
}
