/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `explain` of a pasted reply, in the shell and as `smtpsh explain ...`
 * offline: lib/diagnose.c reads it and picks the hint; this file says
 * what happened, why, what to do and the source, the pasted words shown
 * through text_safe (render_line).  Anything else (a code alone, X.Y.Z,
 * a keyword, a header) goes to the tables of helpers.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annot.h"
#include "diagnose.h"
#include "i18n.h"
#include "proto.h"
#include "shell.h"
#include "text.h"

/* A code alone ("535", "535 5.7.8", "-ERR", "-ERR PASS") is for the
 * tables, which list every command's meaning of it. */
static bool bare_code(const struct diagnosis *d)
{
	const char *t = d->reply.text;
	if (d->reply.resp_code[0])
		return false;
	return !*t || (d->mode == REPLY_POP3 && !strchr(t, ' ') && proto_find_any(t));
}

/* The reply as read, its words made safe by render_line. */
static void show_reply(struct shell *sh, const struct diagnosis *d)
{
	const struct reply *r = &d->reply;
	char raw[REPLY_TEXT_MAX + 64];
	if (d->mode == REPLY_POP3)
		snprintf(raw, sizeof(raw), "%s %s", r->code == REPLY_POP3_ERR ? "-ERR" : "+OK",
		         r->text);
	else if (r->code)
		snprintf(raw, sizeof(raw), "%d %s%s%s", r->code, r->enhanced,
		         r->enhanced[0] ? " " : "", r->text);
	else
		snprintf(raw, sizeof(raw), "%s", r->text);
	render_line(sh, TONE_PLAIN, _("reply: "), raw, strlen(raw));
}

static void show_provider(struct shell *sh, const struct diagnosis *d)
{
	switch (d->from) {
	case DIAGNOSE_FROM_NONE:
		render_info(sh, "provider: none recognised in the text or the server's name; what "
		                "follows is the generic meaning.");
		break;
	case DIAGNOSE_FROM_NAME:
		render_info(sh, "provider: %s (as named).", _(d->provider->name));
		break;
	case DIAGNOSE_FROM_HOST:
		render_info(sh, "provider: %s (recognised from the server's name).",
		            _(d->provider->name));
		break;
	case DIAGNOSE_FROM_TEXT:
		render_info(sh, "provider: %s (recognised from the reply's text).",
		            _(d->provider->name));
		break;
	}
}

static void show_happened(struct shell *sh, const struct diagnosis *d)
{
	const struct reply *r = &d->reply;
	char buf[512];
	if (r->mode == REPLY_POP3) {
		const char *status = r->code == REPLY_POP3_ERR ? "-ERR" : "+OK";
		const char *m = annot_pop3(r->code, d->verb);
		if (d->verb)
			render_info(sh, "what happened: the server answered %s to %s: %s.", status,
			            d->verb, m);
		else
			render_info(sh, "what happened: the server answered %s: %s.", status, m);
	} else if (!r->code) {
		render_info(sh, "what happened: no reply code was given; the words are those of a "
		                "refusal smtpsh knows.");
	} else if (d->verb) {
		render_info(sh, "what happened: the server answered %d to %s: %s.", r->code,
		            d->verb, annot_smtp(r->code, d->verb, buf, sizeof(buf)));
	} else {
		render_info(sh, "what happened: the server answered %d: %s.", r->code,
		            annot_smtp(r->code, NULL, buf, sizeof(buf)));
	}
	struct annot_esc e;
	if (r->enhanced[0] && annot_esc_lookup(r->enhanced, &e)) {
		if (e.detail_meaning)
			render_info(sh, "  %s: %s; %s (%s).", r->enhanced, e.klass_meaning,
			            e.detail_meaning, e.source);
		else if (e.subject_meaning)
			render_info(sh,
			            "  %s: %s; %s (X.%d.%d is not in the IANA registry: a vendor "
			            "code).",
			            r->enhanced, e.klass_meaning, e.subject_meaning, e.subject,
			            e.detail);
		else
			render_info(sh, "  %s: %s (unregistered subject %d).", r->enhanced,
			            e.klass_meaning, e.subject);
	}
	const char *resp = r->resp_code[0] ? annot_pop3_resp_code(r->resp_code) : NULL;
	if (resp)
		render_info(sh, "  [%s] (POP3 response code): %s.", r->resp_code, resp);
}

static bool is_refusal(const struct diagnosis *d)
{
	return d->mode == REPLY_POP3 ? d->reply.code == REPLY_POP3_ERR
	                             : d->reply.code == 0 || d->reply.code >= 400;
}

static void show_advice(struct shell *sh, const struct diagnosis *d)
{
	const struct provider_hint *h = d->hint;
	if (!is_refusal(d))
		return;
	if (h) {
		render_info(sh, "why: %s.", _(h->hint));
		render_info(sh, "what to do: %s", _(h->fix));
		render_info(sh, "source: %s", h->source);
		return;
	}
	render_info(sh, "why: smtpsh knows no provider advice for these words; the meaning above "
	                "is what the codes say.");
	render_info(sh, "what to do: read the server's own words in the reply: they often name the "
	                "cause (--provider NAME or --host HOST adds a provider's advice).");
	render_info(sh, "source: %s",
	            d->mode == REPLY_POP3 ? "RFC 1939, RFC 2449, RFC 3206"
	                                  : "RFC 5321 §4.2, RFC 3463");
}

static bool explain_pasted(struct shell *sh, const char *text, size_t len,
                           const struct diagnose_context *ctx, bool codeless)
{
	if (!codeless && !diagnose_is_reply(text, len))
		return false;
	struct diagnosis *d = malloc(sizeof(*d));
	if (!d)
		return false;
	bool shown = false;
	if (diagnose_reply(text, len, ctx, d, NULL) == SMTPSH_OK && !bare_code(d)) {
		show_reply(sh, d);
		show_provider(sh, d);
		show_happened(sh, d);
		show_advice(sh, d);
		shown = true;
	}
	free(d);
	return shown;
}

/* Standard input, at most DIAGNOSE_PASTE_MAX bytes kept (the rest read
 * and dropped). */
static size_t read_stdin(char *buf, size_t size)
{
	size_t n = fread(buf, 1, size - 1, stdin);
	char drop[4096];
	while (n == size - 1 && fread(drop, 1, sizeof(drop), stdin) > 0)
		;
	buf[n] = '\0';
	return n;
}

/* The first non-empty line of text, blanks cut, for the tables. */
static void first_line(const char *text, char *out, size_t size)
{
	text += strspn(text, " \t\r\n");
	size_t n = strcspn(text, "\r\n");
	while (n && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	snprintf(out, size, "%.*s", (int)n, text);
}

static size_t count_words(const char *s)
{
	size_t n = 0;
	for (s += strspn(s, " \t"); *s; s += strspn(s, " \t"), n++)
		s += strcspn(s, " \t");
	return n;
}

bool explain_any(struct shell *sh, const char *text, size_t len, const struct diagnose_context *ctx)
{
	char line[1024];
	first_line(text, line, sizeof(line));
	/* a sentence without a code ("Login Fail. Please enter...") is a
	 * refusal's words before it is a keyword ("Login") */
	bool sentence = count_words(line) >= 3 || strchr(text, '\n');
	if (explain_pasted(sh, text, len, ctx, false) ||
	    (sentence && explain_pasted(sh, text, len, ctx, true)))
		return true;
	return (line[0] && explain_known(sh, line)) || explain_pasted(sh, text, len, ctx, true);
}

int explain_cmd_run(char **words, int n, const char *provider, const char *host)
{
	if (provider && !diagnose_provider_named(provider)) {
		fprintf(
		    stderr,
		    _("smtpsh explain: unknown provider '%s': qq, 163, gmail, outlook, yahoo or "
		      "icloud (or a mail domain such as 126.com)\n"),
		    provider);
		return EXIT_USAGE;
	}
	static char text[DIAGNOSE_PASTE_MAX + 1];
	size_t len = 0;
	if (n == 0 || (n == 1 && !strcmp(words[0], "-"))) {
		len = read_stdin(text, sizeof(text));
	} else {
		for (int i = 0; i < n; i++)
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s",
			                        i ? " " : "", words[i]);
		len = strlen(text);
	}
	static struct shell sh;
	sh.out = stdout;
	const struct diagnose_context ctx = {provider, host, NULL, NULL, -1};
	bool done = explain_any(&sh, text, len, &ctx);
	fflush(stdout);
	if (done)
		return EXIT_OK;
	char line[256], safe[TEXT_SAFE_SIZE(256)];
	first_line(text, line, sizeof(line));
	if (!line[0])
		fprintf(stderr, _("smtpsh explain: nothing to explain (give a reply, a code, a "
		                  "keyword or a header, or paste it on standard input)\n"));
	else
		fprintf(stderr, _("smtpsh explain: nothing known about '%s'\n"),
		        text_safe_str(safe, sizeof(safe), line, strlen(line)));
	return EXIT_USAGE;
}
