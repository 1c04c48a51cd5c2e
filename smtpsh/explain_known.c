/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `explain WORD`: what smtpsh knows of one word or code, offline: a
 * reply code and its meaning after each command, an enhanced status
 * code, an extension, SASL mechanism, POP3 response code, port,
 * provider, message header (and a pasted header value, its encoded
 * words decoded).  explain_cmd.c reads pasted replies and comes here
 * for the rest. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "annot.h"
#include "headers.h"
#include "i18n.h"
#include "mime/words.h"
#include "provider.h"
#include "shell.h"
#include "shell_proto.h"
#include "text.h"

static bool is_esc(const char *s)
{
	struct annot_esc e;
	return annot_esc_lookup(s, &e);
}

/* explain 550: the general meaning and each command-specific one. */
static void explain_smtp_code(struct shell *sh, int code)
{
	char buf[512];
	render_info(sh, "%d: %s", code, annot_smtp(code, NULL, buf, sizeof(buf)));
	for (size_t i = 0; i < annot_smtp_codes_len; i++)
		if (annot_smtp_codes[i].code == code && annot_smtp_codes[i].context)
			render_info(sh, "  after %s: %s",
			            *annot_smtp_codes[i].context ? annot_smtp_codes[i].context
			                                         : _("connecting (greeting)"),
			            _(annot_smtp_codes[i].meaning));
}

/* explain 5.7.1: class, subject and detail. */
static void explain_esc_code(struct shell *sh, const char *esc)
{
	struct annot_esc e;
	annot_esc_lookup(esc, &e);
	render_info(sh, "%s: %s", esc, e.klass_meaning);
	render_info(sh, "  X.%d: %s", e.subject,
	            e.subject_meaning ? _(e.subject_meaning) : _("unregistered subject"));
	const char *detail = e.detail_meaning ? _(e.detail_meaning)
	                                      : _("not in the IANA registry (a vendor's own code)");
	if (e.source)
		render_info(sh, "  X.%d.%d: %s (%s)", e.subject, e.detail, detail, e.source);
	else
		render_info(sh, "  X.%d.%d: %s", e.subject, e.detail, detail);
}

/* explain WORD [PARAM]: every table that knows the word (response code,
 * extension, capability, mechanism, command).  Whether one did. */
static bool explain_keyword(struct shell *sh, const char *a, const char *b)
{
	bool done = false;
	char key[64];
	snprintf(key, sizeof(key), "%s", a[0] == '[' ? a + 1 : a);
	key[strcspn(key, "]")] = '\0';
	const char *m;
	if ((m = annot_pop3_resp_code(key)))
		render_info(sh, "[%s] (POP3 response code): %s", key, m), done = true;
	char buf[512], out[512];
	snprintf(buf, sizeof(buf), "%s%s%s", a, b[0] ? " " : "", b);
	if ((m = annot_ehlo(buf, out, sizeof(out))))
		render_info(sh, "%s (SMTP extension): %s", a, m), done = true;
	if ((m = annot_capa(buf, out, sizeof(out))))
		render_info(sh, "%s (POP3 capability): %s", a, m), done = true;
	if ((m = annot_sasl_mech(a)))
		render_info(sh, "%s (SASL mechanism): %s", a, m), done = true;
	for (size_t i = 0; i < proto_handlers_len; i++) {
		const struct proto_cmd *c = proto_find(proto_handlers[i]->proto, a);
		if (c)
			render_info(sh, "%s (%s command): %s — %s", a, proto_handlers[i]->title,
			            c->syntax, _(c->help)),
			    done = true;
		if ((c = proto_find_historical(proto_handlers[i]->proto, a)))
			render_info(
			    sh, "%s (historical %s command, servers no longer offer it): %s — %s",
			    a, proto_handlers[i]->title, c->syntax, _(c->help)),
			    done = true;
	}
	return done;
}

/* "explain qq", "explain gmail": the provider table.  Whether one matched. */
static bool explain_provider_named(struct shell *sh, const char *a)
{
	bool done = false;
	for (size_t i = 0; i < providers_len; i++) {
		if (!strcasestr(providers[i].name, a))
			continue;
		if (providers[i].hosts[1])
			render_info(
			    sh, "%s (provider; recognised from host names ending in %s, %s...):",
			    _(providers[i].name), providers[i].hosts[0], providers[i].hosts[1]);
		else
			render_info(sh,
			            "%s (provider; recognised from host names ending in %s...):",
			            _(providers[i].name), providers[i].hosts[0]);
		for (size_t j = 0; j < provider_hints_len; j++)
			if (provider_hints[j].provider &&
			    !strcmp(provider_hints[j].provider, providers[i].name))
				render_info(sh,
				            "  after %s: %s\n    what to do: %s\n    (source: %s)",
				            provider_hints[j].verbs, _(provider_hints[j].hint),
				            _(provider_hints[j].fix), provider_hints[j].source);
		done = true;
	}
	return done;
}

static void explain_header_entry(struct shell *sh, const struct header_info *h)
{
	static const struct {
		enum header_writer bit;
		const char *who;
	} writers[] = {
	    {HEADER_BY_AUTHOR, N_("the author's mail client")},
	    {HEADER_BY_SUBMISSION, N_("the submission server")},
	    {HEADER_BY_RELAY, N_("each relay")},
	    {HEADER_BY_DELIVERY, N_("the delivering server")},
	    {HEADER_BY_LIST, N_("a mailing list")},
	};
	char who[160] = "";
	for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
		if (h->writers & writers[i].bit)
			snprintf(who + strlen(who), sizeof(who) - strlen(who), "%s%s",
			         *who ? _(", ") : "", _(writers[i].who));
	render_info(sh, "%s (message header, %s): %s", h->name, h->rfc, _(h->what));
	render_info(sh, "  written by: %s", who);
	render_info(sh, "  check: %s", _(h->check));
}

/* A pasted value's encoded words, decoded (lib/mime/words.c) and shown
 * safely: they may carry any bytes. */
static void explain_header_words(struct shell *sh, const char *value)
{
	struct buf dec, shown;
	buf_init(&dec, 64 * 1024);
	buf_init(&shown, 0);
	struct mime_words_seen seen = {0};
	mime_words_decode(&dec, value, strlen(value), &seen);
	if (seen.decoded) {
		text_safe(&shown, dec.data ? dec.data : "", dec.len);
		render_info(sh, "  decoded: %s", shown.data ? shown.data : "");
	}
	if (seen.kept)
		render_info(sh,
		            dngettext(SMTPSH_TEXT_DOMAIN, "  %u encoded word left as it was: %s",
		                      "  %u encoded words left as they were: %s", seen.kept),
		            seen.kept, seen.why.text);
	buf_free(&dec);
	buf_free(&shown);
}

/* The value of a header as pasted: its first word without a trailing ';'
 * (Content-Type: multipart/mixed; boundary=...), and a word about
 * encoded words.  value is a copy the function may cut. */
static void explain_header_value(struct shell *sh, const char *value)
{
	size_t n = strcspn(value, "; \t");
	const struct header_value_info *v = header_value_find(value, n);
	if (v)
		render_info(sh, "%.*s (%s value, %s): %s", (int)n, value, v->header, v->rfc,
		            _(v->what));
	if (strstr(value, "=?") && strstr(value, "?="))
		render_info(sh,
		            "  =?charset?B?...?= or =?charset?Q?...?= is an RFC 2047 encoded "
		            "word: text that is not ASCII in a header; B is base64 (unb64 shows "
		            "its bytes), Q is like quoted-printable with '_' for a space");
	explain_header_words(sh, value);
}

/* explain Subject, explain Subject:, a pasted "Subject: =?UTF-8?B?...?=",
 * explain ARC-*, explain multipart/related.  Whether one matched. */
static bool explain_header(struct shell *sh, const char *args)
{
	size_t n = strcspn(args, ": \t");
	bool colon = args[n] == ':';
	if (n > 1 && args[n - 1] == '*') { /* ARC-*: every header of that prefix */
		bool any = false;
		for (size_t i = 0; i < header_infos_len; i++)
			if (!strncasecmp(header_infos[i].name, args, n - 1))
				explain_header_entry(sh, &header_infos[i]), any = true;
		return any;
	}
	const struct header_info *h = header_find(args, n);
	if (h) {
		explain_header_entry(sh, h);
		if (colon) {
			const char *value = args + n + 1;
			value += strspn(value, " \t");
			explain_header_value(sh, value);
		}
		return true;
	}
	const struct header_value_info *v = header_value_find(args, strcspn(args, "; \t"));
	if (v) {
		explain_header_value(sh, args);
		return true;
	}
	const struct header_info *near = colon ? header_nearest(args, n) : NULL;
	if (near) {
		render_info(sh, "%.*s: not a header smtpsh knows; did you mean %s?", (int)n, args,
		            near->name);
		explain_header_entry(sh, near);
		return true;
	}
	return false;
}

bool explain_known(struct shell *sh, const char *args)
{
	char a[64] = "", b[64] = "";
	if (sscanf(args, "%63s %63s", a, b) < 1)
		return false;
	bool done = false;
	/* explain 587: a port, unless it is also a registered reply code */
	const char *port =
	    a[strspn(a, "0123456789")] == '\0' ? annot_port((unsigned)atoi(a)) : NULL;
	if (port && !annot_smtp_registered(atoi(a))) {
		render_info(sh, "%s is a port, not a reply code: %s", a, port);
		return true;
	}
	if (strlen(a) == 3 && isdigit((unsigned char)a[0]) && isdigit((unsigned char)a[1]) &&
	    isdigit((unsigned char)a[2])) {
		explain_smtp_code(sh, atoi(a));
		done = true;
		memmove(a, b, sizeof(a)); /* explain 550 5.7.1: then the X.Y.Z */
		b[0] = '\0';
	}
	if (a[0] && is_esc(a)) {
		explain_esc_code(sh, a);
		return true;
	}
	if (done || !a[0])
		return done;
	if (!strcasecmp(a, "+OK") || !strcasecmp(a, "-ERR")) {
		int st = a[0] == '+' ? REPLY_POP3_OK : REPLY_POP3_ERR;
		/* with no command named: the general meaning, then each one's */
		render_info(sh, "%s: %s", a, annot_pop3(st, b[0] ? b : NULL));
		for (size_t i = 0; !b[0] && i < annot_pop3_statuses_len; i++)
			if (annot_pop3_statuses[i].status == st && annot_pop3_statuses[i].verb)
				render_info(sh, "  after %s: %s",
				            *annot_pop3_statuses[i].verb
				                ? annot_pop3_statuses[i].verb
				                : _("connecting (greeting)"),
				            _(annot_pop3_statuses[i].meaning));
		return true;
	}
	done = explain_keyword(sh, a, b);
	done |= explain_provider_named(sh, a);
	done |= explain_header(sh, args);
	return done;
}
