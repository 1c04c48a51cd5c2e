/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Local commands.  Syntax: "/name args" always means a helper; a bare
 * "name args" does too when name is not a protocol verb (b64, unb64,
 * explain, status); "\LINE" sends LINE verbatim.  So HELP goes to the
 * server and /help is ours. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <openssl/crypto.h>

#include "b64.h"
#include "diagnose.h"
#include "escape.h"
#include "i18n.h"
#include "provider.h"
#include "shell_proto.h"
#include "text.h"

struct helper {
	const char *name;
	const char *usage;
	const char *help;
	/* Returns a line to send (malloc'd) or NULL. */
	char *(*run)(struct shell *sh, const char *args, size_t *len, bool *secret);
	bool slash_only; /* a bare word of that name is a line for the server */
};

static char *h_help(struct shell *sh, const char *args, size_t *len, bool *secret);
static char *h_b64(struct shell *sh, const char *args, size_t *len, bool *secret);
static char *h_unb64(struct shell *sh, const char *args, size_t *len, bool *secret);
static char *h_explain(struct shell *sh, const char *args, size_t *len, bool *secret);
static char *h_status(struct shell *sh, const char *args, size_t *len, bool *secret);
static char *h_send(struct shell *sh, const char *args, size_t *len, bool *secret);
static char *h_connect(struct shell *sh, const char *args, size_t *len, bool *secret);
static char *h_exit(struct shell *sh, const char *args, size_t *len, bool *secret);
static char *h_login(struct shell *sh, const char *args, size_t *len, bool *secret);

static const struct helper helpers[] = {
    {"help", "/help  (or ?)", N_("this list; HELP without the slash goes to the server"), h_help,
     false},
    {"b64", "b64 TEXT | b64",
     N_("send base64(TEXT) as the answer to a challenge (334, \"+ \") (\\0 for NUL, \\\\ for \\); "
        "alone: ask without echo, send as a secret; with no challenge pending it asks first"),
     h_b64, false},
    {"unb64", "unb64 BASE64", N_("decode base64 and show it (nothing is sent)"), h_unb64, false},
    {"explain", "explain REPLY | CODE [X.Y.Z] | X.Y.Z | KEYWORD | HEADER[: VALUE]",
     N_("explain a pasted reply (what happened, why, what to do; the provider from its text or "
        "the server), a reply code, enhanced code, extension, POP3 response code, message header "
        "(Received, DKIM-Signature, ARC-*...) or MIME value (multipart/related, base64), offline"),
     h_explain, false},
    {"enc", "enc b64|qp|word TEXT",
     N_("encode TEXT as base64, quoted-printable or an RFC 2047 encoded word (nothing is sent)"),
     compose_h_enc, false},
    {"dec", "dec TEXT",
     N_("decode encoded words, base64 or quoted-printable and say which (nothing is sent)"),
     compose_h_dec, false},
    {"header", "/header NAME VALUE",
     N_("DATA mode: a header, encoded when not ASCII, folded at 78"), compose_h_header, true},
    {"date", "/date", N_("DATA mode: a Date header for now (RFC 5322 form)"), compose_h_date, true},
    {"msgid", "/msgid", N_("DATA mode: a Message-ID header <random@host>"), compose_h_msgid, true},
    {"multipart", "/multipart mixed|alternative|related",
     N_("DATA mode: start a multipart with a fresh boundary (/end closes it)"), compose_h_multipart,
     true},
    {"end", "/end", N_("DATA mode: close the innermost multipart"), compose_h_end, true},
    {"text", "/text [plain|html] TEXT|@FILE",
     N_("DATA mode: a UTF-8 text part, 7bit, quoted-printable or base64 as the text needs"),
     compose_h_text, true},
    {"attach", "/attach FILE [TYPE]",
     N_("DATA mode: FILE as a base64 attachment (type guessed from its bytes and name)"),
     compose_h_attach, true},
    {"inline", "/inline FILE CID",
     N_("DATA mode: an image part with Content-ID <CID> for multipart/related (cid:CID)"),
     compose_h_inline, true},
    {"login", "login [USER]",
     N_("log in with the best mechanism offered; asks for the password without echo (scripts: "
        "SMTPSH_PASSWORD or --password-file)"),
     h_login, false},
    {"status", "status", N_("connection, TLS, login, transaction and capabilities"), h_status,
     false},
    {"save", "save [N] [FILE]",
     N_("POP3: write the last retrieved message (RETR) to FILE, or its part #N decoded; the "
        "name defaults to message-N.eml or the part's file name (its base name only)"),
     message_notes_save, false},
    {"send", "/send LINE  (or \\LINE)",
     N_("send LINE exactly as typed, even if it looks like a helper"), h_send, true},
    {"connect", "/connect [TARGET]",
     N_("connect again (after a hang-up), or to another server: /connect pop3://127.0.0.1:110"),
     h_connect, true},
    {"exit", "/exit  (or Ctrl-D)", N_("leave smtpsh (QUIT is sent to the server, /exit is not)"),
     h_exit, true},
    {"quit", "/quit", N_("same as /exit"), h_exit, true},
};
#define NHELPERS (sizeof(helpers) / sizeof(helpers[0]))

const char *helpers_name(size_t i, bool *needs_slash)
{
	if (i >= NHELPERS)
		return NULL;
	/* A helper whose name is a protocol verb in either protocol, or
	 * one that only makes sense with a slash, needs the slash. */
	*needs_slash = proto_find_any(helpers[i].name) || helpers[i].slash_only;
	return helpers[i].name;
}

static char *h_help(struct shell *sh, const char *args, size_t *len, bool *secret)
{
	(void)args, (void)len, (void)secret;
	render_info(sh, "Type protocol lines as they go on the wire; smtpsh adds CRLF and explains "
	                "each reply.");
	render_info(sh, "Local helpers (never sent; a /name form always works):");
	for (size_t i = 0; i < NHELPERS; i++)
		render_info(sh, "  %-*s %s", text_field(helpers[i].usage, 40), helpers[i].usage,
		            _(helpers[i].help));
	const struct proto_handler *h = sh->session.handler;
	render_info(sh, "%s commands:", h->title);
	for (size_t i = 0; i < h->ncmds; i++)
		render_info(sh, "  %-*s %s", text_field(h->cmds[i].syntax, 40), h->cmds[i].syntax,
		            _(h->cmds[i].help));
	render_info(sh, "Tab completes the commands that make sense now. After 354 every line is "
	                "message text until a lone '.'; there /NAME still runs a helper (/help, "
	                "/status) and \\/TEXT sends a line that starts with '/'.");
	return NULL;
}

/* b64's output answers a server challenge (334, POP3's "+ ") or becomes a
 * line of the message after 354.  Anywhere else it would go as a
 * command, which a person who typed `b64 张三` most likely meant to see
 * locally: a terminal asks, a script is told how to send it and sends
 * nothing.  A secret's base64 is never shown. */
static bool b64_meant_to_send(struct shell *sh, const char *enc, bool secret)
{
	const struct session *s = &sh->session;
	if (s->state == ST_SASL || s->state == ST_SMTP_DATA || !session_connected(s))
		return true;
	if (!secret)
		render_info(sh, "%s  (base64, not sent)", enc);
	if (!sh->interactive) {
		if (secret)
			render_warning(
			    sh, "b64: no server challenge (334, or \"+ \" in POP3) is "
			        "pending, so the base64 would go to the server as a command: "
			        "not sent");
		else
			render_warning(
			    sh,
			    "b64: no server challenge (334, or \"+ \" in POP3) is pending, "
			    "so the base64 would go to the server as a command: not sent; "
			    "to send it anyway, type \\%s",
			    enc);
		return false;
	}
	render_warning(sh, "b64: no server challenge (334, or \"+ \" in POP3) is pending, so the "
	                   "base64 would go to the server as a command");
	char *answer = input_question(sh, _("send it as a command anyway? [y/N] "));
	bool yes = answer && (answer[0] == 'y' || answer[0] == 'Y');
	free(answer);
	if (!yes)
		render_note(sh, "not sent");
	return yes;
}

static char *h_b64(struct shell *sh, const char *args, size_t *len, bool *secret)
{
	struct buf raw, enc;
	char *typed = NULL;
	buf_init(&raw, 0);
	buf_init(&enc, 0);
	if (!*args) {
		typed = input_secret(sh, _("text to encode (not echoed): "));
		if (!typed) {
			render_warning(sh, "b64: nothing read; nothing sent");
			return NULL;
		}
		args = typed;
		*secret = true;
	}
	size_t bad = 0;
	char *out = NULL;
	if (unescape_append(&raw, args, strlen(args), &bad, NULL) != SMTPSH_OK) {
		render_warning(sh,
		               "b64: bad escape at position %zu (use \\0 for NUL, \\\\ for a "
		               "backslash); nothing sent",
		               bad + 1);
	} else if (b64_encode(&enc, raw.data ? raw.data : "", raw.len) != SMTPSH_OK) {
		render_warning(sh, "b64: out of memory");
	} else if (!b64_meant_to_send(sh, enc.data ? enc.data : "", *secret)) {
		/* said why; nothing goes out */
	} else {
		out = malloc(enc.len + 1);
		if (out) {
			memcpy(out, enc.data, enc.len + 1);
			*len = enc.len;
		}
	}
	if (typed) {
		OPENSSL_cleanse(typed, strlen(typed));
		free(typed);
	}
	buf_free(&raw);
	buf_free(&enc);
	return out;
}

static char *h_unb64(struct shell *sh, const char *args, size_t *len, bool *secret)
{
	(void)len, (void)secret;
	struct buf dec;
	buf_init(&dec, 1 << 20);
	if (!*args) {
		render_warning(sh, "usage: unb64 BASE64");
	} else if (b64_decode(&dec, args, strlen(args)) != SMTPSH_OK) {
		render_warning(sh, "unb64: '%s' is not valid base64", args);
	} else {
		struct buf shown;
		buf_init(&shown, 0);
		escape_append(&shown, dec.data ? dec.data : "", dec.len);
		render_info(sh, "%s  (%zu bytes)", shown.data ? shown.data : "", dec.len);
		buf_free(&shown);
	}
	buf_free(&dec);
	return NULL;
}

static char *h_explain(struct shell *sh, const char *args, size_t *len, bool *secret)
{
	(void)len, (void)secret;
	char a[64] = "";
	if (sscanf(args, "%63s", a) < 1) {
		render_warning(sh,
		               "usage: explain CODE [X.Y.Z] | X.Y.Z | +OK | -ERR | [RESP-CODE] | "
		               "KEYWORD | HEADER[: VALUE] | TYPE/SUBTYPE | a pasted reply");
		return NULL;
	}
	/* a pasted reply: the provider from the server this shell talks to */
	const struct diagnose_context ctx = {
	    .host = session_connected(&sh->session) ? sh->target.host : NULL,
	    .banner = session_connected(&sh->session) ? sh->session.banner : NULL,
	    .tls = -1,
	};
	if (!explain_any(sh, args, strlen(args), &ctx))
		render_warning(sh, "explain: nothing known about '%s'", a);
	return NULL;
}

/* status: the message being sent (SMTP) or the maildrop (POP3). */
void status_mail_smtp(struct shell *sh, const struct session *s)
{
	const char *open = s->state == ST_SMTP_MAIL || s->state == ST_SMTP_RCPT ? _("open")
	                   : s->state == ST_SMTP_DATA ? _("typing the text")
	                                              : _("none open");
	/* two counts, each with its plural: four whole sentences */
	const char *fmt =
	    s->rcpts == 1
	        ? (s->messages_sent == 1
	               ? N_("message:    %s, %u recipient accepted; %u message sent in this "
	                    "session")
	               : N_("message:    %s, %u recipient accepted; %u messages sent in this "
	                    "session"))
	        : (s->messages_sent == 1
	               ? N_("message:    %s, %u recipients accepted; %u message sent in this "
	                    "session")
	               : N_("message:    %s, %u recipients accepted; %u messages sent in this "
	                    "session"));
	render_info(sh, fmt, open, s->rcpts, s->messages_sent);
}

void status_mail_pop3(struct shell *sh, const struct session *s)
{
	if (s->pop3_count >= 0)
		render_info(sh, "maildrop:   %ld messages, %ld octets (at the last STAT)",
		            s->pop3_count, s->pop3_octets);
}

static char *h_status(struct shell *sh, const char *args, size_t *len, bool *secret)
{
	(void)args, (void)len, (void)secret;
	const struct session *s = &sh->session;
	time_t now = time(NULL);
	if (!session_connected(s)) {
		render_info(sh, "connection: closed (target %s://%s:%u; /connect to reconnect)",
		            proto_name(sh->target.proto), sh->target.host, sh->target.port);
	} else {
		render_info(sh, "connection: %s://%s:%u (%s), up %lds, idle %lds",
		            proto_name(s->proto), sh->target.host, s->conn.port, s->conn.addr,
		            (long)(now - s->connected_at),
		            (long)(now - (s->last_tx > s->last_rx ? s->last_tx : s->last_rx)));
		render_info(sh, "            servers drop idle sessions: RFC 5321 asks SMTP "
		                "servers to wait at least 5 minutes, RFC 1939 POP3 servers 10");
	}
	/* the greeting is the server's text: sanitised like an R: line */
	char greeting[TEXT_SAFE_SIZE(sizeof(s->banner))], q[TEXT_SAFE_SIZE(sizeof(s->auth_user))];
	text_safe_str(greeting, sizeof(greeting), s->banner, strlen(s->banner));
	render_info(sh, "banner:     %s", *greeting ? greeting : _("(none yet)"));
	render_info(sh, "state:      %s", proto_state_name(s->state));
	const struct session_transition *t;
	for (size_t i = 0; (t = session_transition(s, i)) != NULL; i++) {
		render_info(sh, "  %s: %s -> %s (%s)", proto_name(s->proto),
		            proto_state_name(t->from), proto_state_name(t->to),
		            text_safe_str(q, sizeof(q), t->why, strlen(t->why)));
	}
	if (s->tls) {
		render_info(sh, "tls:        %s, %s", s->tls_info.version, s->tls_info.cipher);
		char cert[TEXT_SAFE_SIZE(sizeof(s->tls_info.subject))];
		render_info(sh, "            certificate %s; %s",
		            text_safe_str(cert, sizeof(cert), s->tls_info.subject,
		                          strlen(s->tls_info.subject)),
		            text_safe_str(greeting, sizeof(greeting), s->tls_info.verdict,
		                          strlen(s->tls_info.verdict)));
	} else {
		render_info(sh, "tls:        no (plaintext: everything, passwords included, "
		                "crosses the network readable)");
	}
	const char *logged_in = s->authenticated ? _("yes") : _("no");
	if (s->auth_user[0])
		render_info(sh, "login:      %s, user %s", logged_in,
		            text_safe_str(q, sizeof(q), s->auth_user, strlen(s->auth_user)));
	else
		render_info(sh, "login:      %s", logged_in);
	shell_proto_get(s->proto)->status_mail(sh, s);
	if (!s->caps_known) {
		render_info(sh, "extensions: unknown (send %s)", s->handler->caps_verb);
	} else {
		render_info(sh, "extensions: %zu", s->ncaps);
		char cap[TEXT_SAFE_SIZE(SESSION_CAP_LEN)];
		for (size_t i = 0; i < s->ncaps; i++)
			render_info(
			    sh, "  %s",
			    text_safe_str(cap, sizeof(cap), s->caps[i], strlen(s->caps[i])));
	}
	return NULL;
}

static char *h_send(struct shell *sh, const char *args, size_t *len, bool *secret)
{
	(void)sh, (void)secret;
	*len = strlen(args);
	return strdup(args);
}

static char *h_connect(struct shell *sh, const char *args, size_t *len, bool *secret)
{
	(void)len, (void)secret;
	if (*args) {
		struct smtpsh_msg why;
		if (target_parse(args, &sh->target, &why) != SMTPSH_OK) {
			render_warning(sh, "/connect: %s", why.text);
			return NULL;
		}
	}
	if (session_connected(&sh->session))
		session_close(&sh->session);
	struct session_subscribers subs = sh->session.subs;
	session_free(&sh->session);
	struct tls_opts o = sh->session.tls_opts;
	session_init(&sh->session, sh->target.proto, NULL, sh->timeout_s * 1000);
	sh->session.subs = subs;
	sh->session.tls_opts = o;
	struct smtpsh_msg why;
	if (session_connect(&sh->session, sh->target.host, sh->target.port, sh->family,
	                    sh->target.tls, &why) != SMTPSH_OK)
		render_warning(sh, "cannot connect: %s", why.text);
	return NULL;
}

static char *h_login(struct shell *sh, const char *args, size_t *len, bool *secret)
{
	(void)len, (void)secret;
	login_run(sh, args);
	return NULL;
}

static char *h_exit(struct shell *sh, const char *args, size_t *len, bool *secret)
{
	(void)args, (void)len, (void)secret;
	sh->quit = true;
	return NULL;
}

bool helpers_bare(const char *word, size_t n)
{
	for (size_t i = 0; i < NHELPERS; i++) {
		bool needs_slash;
		helpers_name(i, &needs_slash);
		if (strlen(helpers[i].name) == n && strncasecmp(helpers[i].name, word, n) == 0)
			return !needs_slash;
	}
	return false;
}

char *helpers_run(struct shell *sh, const struct cmdline *c, size_t *send_len, bool *secret)
{
	*secret = false;
	if (!strcmp(c->text, "?")) {
		h_help(sh, "", send_len, secret);
		return NULL;
	}
	for (size_t i = 0; i < NHELPERS; i++)
		if (strlen(helpers[i].name) == c->word_len &&
		    strncasecmp(helpers[i].name, c->word, c->word_len) == 0)
			return helpers[i].run(sh, c->word_arg, send_len, secret);
	render_warning(sh,
	               "unknown helper '/%.*s': /help lists them (to send a line starting "
	               "with '/', type \\/...)",
	               (int)(c->word_len > 40 ? 40 : c->word_len), c->word);
	return NULL;
}
