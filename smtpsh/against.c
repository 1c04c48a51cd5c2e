/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `smtpsh replay --against URL FILE`: regression testing.  The S: lines
 * go to a live server in lock-step; each live reply is compared with the
 * recorded one (by code, or by text with --exact once masked); the first
 * divergence is reported with both sides explained.  URL is the first
 * part's server: a transcript of several connections (/connect) is
 * compared up to its second "connected" event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <openssl/crypto.h>

#include "annot.h"
#include "i18n.h"
#include "b64.h"
#include "mask.h"
#include "shell.h"
#include "text.h"

#define FIFO_MAX 64

struct summary {
	int code;
	char verb[16]; /* the command it answered, for its meaning */
	char enhanced[16];
	char text[512];
	unsigned long lineno; /* transcript line of its last R: line */
};

struct fifo {
	struct summary item[FIFO_MAX];
	size_t n;
	bool overflow;
};

struct against {
	struct shell *sh;
	struct playback_source src;
	struct session expected; /* offline: reads the recorded side */
	struct fifo want, got;
	unsigned long lineno; /* current transcript line */
	bool exact;
	struct mask mask;
	unsigned redacted_seen;
	unsigned matched;
	unsigned parts; /* "connected" events read so far */
	char mech[24];  /* the SASL mechanism of the last recorded AUTH */
	bool diverged;
};

static void push(struct fifo *f, const struct reply *r, unsigned long lineno,
                 const struct session_pending *answering)
{
	if (f->n >= FIFO_MAX) {
		f->overflow = true;
		return;
	}
	struct summary *s = &f->item[f->n++];
	s->code = r->code;
	snprintf(s->enhanced, sizeof(s->enhanced), "%s", r->enhanced);
	snprintf(s->text, sizeof(s->text), "%s", r->text);
	s->lineno = lineno;
	snprintf(s->verb, sizeof(s->verb), "%s", answering ? answering->verb : "");
}

static void on_expected_reply(void *ctx, const struct reply *r)
{
	struct against *a = ctx;
	push(&a->want, r, a->lineno, a->expected.answering);
}

static void on_live_reply(void *ctx, const struct reply *r)
{
	struct against *a = ctx;
	push(&a->got, r, 0, a->sh->session.answering);
}

static void explain_side(struct against *a, const char *side, const struct summary *s)
{
	/* side padded to the width of "recorded" */
	render_reply_side(a->sh, side, 8, s->code, s->verb, s->enhanced, s->text);
}

static bool same(struct against *a, const struct summary *w, const struct summary *g)
{
	if (w->code != g->code)
		return false;
	if (!a->exact)
		return true;
	char x[600], y[600];
	snprintf(x, sizeof(x), "%s %s", w->enhanced, w->text);
	snprintf(y, sizeof(y), "%s %s", g->enhanced, g->text);
	return mask_equal(&a->mask, x, strlen(x), y, strlen(y));
}

/* Waits for the live replies to everything sent, then compares. */
static bool settle(struct against *a)
{
	struct shell *sh = a->sh;
	if (session_connected(&sh->session) && wait_replies(sh) != SMTPSH_OK) {
		render_warning(sh, "diverged: the server did not answer (transcript line %lu)",
		               a->lineno);
		a->diverged = true;
		return false;
	}
	if (a->want.overflow || a->got.overflow) {
		render_warning(sh,
		               "more than %d replies in a row without a command: cannot compare",
		               FIFO_MAX);
		a->diverged = true;
		return false;
	}
	size_t n = a->want.n < a->got.n ? a->want.n : a->got.n;
	for (size_t i = 0; i < n; i++) {
		if (!same(a, &a->want.item[i], &a->got.item[i])) {
			render_warning(
			    sh, "diverged at transcript line %lu (%s):", a->want.item[i].lineno,
			    a->exact ? "text differs once masked" : "reply code differs");
			explain_side(a, _("recorded"), &a->want.item[i]);
			explain_side(a, _("live"), &a->got.item[i]);
			a->diverged = true;
			return false;
		}
		a->matched++;
	}
	if (a->want.n != a->got.n) {
		render_warning(
		    sh,
		    dngettext(SMTPSH_TEXT_DOMAIN,
		              "diverged before transcript line %lu: the transcript has %zu "
		              "reply here, the server sent %zu",
		              "diverged before transcript line %lu: the transcript has %zu "
		              "replies here, the server sent %zu",
		              a->want.n),
		    a->lineno, a->want.n, a->got.n);
		if (a->want.n > n)
			explain_side(a, _("recorded"), &a->want.item[n]);
		if (a->got.n > n)
			explain_side(a, _("live"), &a->got.item[n]);
		a->diverged = true;
		return false;
	}
	a->want.n = a->got.n = 0;
	return true;
}

/* The secret for redacted line k: SMTPSH_SECRET_<k>, or asked on the
 * terminal without echo; NULL (after saying what to set) otherwise. */
static char *ask_secret(struct against *a, const char *shown)
{
	char var[32];
	snprintf(var, sizeof(var), "SMTPSH_SECRET_%u", a->redacted_seen);
	/* the shown form comes from the transcript file: untrusted, and
	 * its first 60 bytes say enough */
	char seen[TEXT_SAFE_SIZE(60)];
	size_t n = strlen(shown);
	text_safe_str(seen, sizeof(seen), shown, n > 60 ? 60 : n);
	const char *env = getenv(var);
	if (env)
		return strdup(env);
	if (isatty(STDIN_FILENO)) {
		char prompt[512];
		snprintf(prompt, sizeof(prompt),
		         _("transcript line %lu was redacted (%s): the secret (not echoed): "),
		         a->lineno, seen);
		/* replay --against reads no commands: the terminal is free */
		bool was = a->sh->interactive;
		a->sh->interactive = true;
		char *secret = input_secret(a->sh, prompt);
		a->sh->interactive = was;
		if (secret)
			return secret;
	}
	render_warning(a->sh, "transcript line %lu is redacted (%s): set %s or run on a terminal",
	               a->lineno, seen, var);
	return NULL;
}

/* Whether secret is already the wire form for mech: base64 of text
 * (LOGIN: no control bytes) or of "[authzid]\0user\0password" (PLAIN).
 * An authorization code such as "bobcode123456789" is base64 too, but of
 * binary bytes: it is a plain secret. */
static bool is_wire_form(const char *mech, const char *secret)
{
	size_t n = strlen(secret);
	struct buf out;
	buf_init(&out, n);
	bool ok = n && b64_decode(&out, secret, n) == SMTPSH_OK && out.len;
	size_t nuls = 0;
	for (size_t i = 0; ok && i < out.len; i++) {
		unsigned char c = (unsigned char)out.data[i];
		nuls += c == 0;
		ok = c == 0 || (c >= 0x20 && c != 0x7f);
	}
	ok = ok && nuls == (strcasecmp(mech, "PLAIN") ? 0u : 2u);
	OPENSSL_cleanse(out.data, out.len);
	buf_free(&out);
	return ok;
}

/* The wire form of a plain secret for mech (LOGIN: its base64; PLAIN:
 * the base64 of "\0user\0secret", the user from SMTPSH_USER) into out.
 * False after saying why. */
static bool build_wire_form(struct against *a, const char *mech, const char *secret,
                            struct buf *out)
{
	if (!strcasecmp(mech, "LOGIN"))
		return b64_encode(out, secret, strlen(secret)) == SMTPSH_OK;
	const char *user = getenv("SMTPSH_USER");
	if (!user || !*user) {
		render_warning(a->sh,
		               "transcript line %lu is AUTH PLAIN: with a plain password, set "
		               "SMTPSH_USER to the user name (or give the base64 wire form)",
		               a->lineno);
		return false;
	}
	size_t un = strlen(user), sn = strlen(secret);
	struct buf plain;
	buf_init(&plain, un + sn + 2);
	bool ok = buf_append(&plain, "", 1) && buf_append(&plain, user, un) &&
	          buf_append(&plain, "", 1) && buf_append(&plain, secret, sn) &&
	          b64_encode(out, plain.data, plain.len) == SMTPSH_OK;
	OPENSSL_cleanse(plain.data, plain.len);
	buf_free(&plain);
	return ok;
}

/* The line to send for a redacted one: its visible prefix ("PASS ",
 * "AUTH PLAIN ") and the secret.  The secret may be the plain one or the
 * wire form (is_wire_form): a plain one is encoded for the transcript's
 * mechanism (LOGIN, PLAIN); PASS and other lines take it as it is. */
static char *unredact(struct against *a, const char *shown)
{
	const char *mark = strstr(shown, "[secret");
	size_t keep = mark ? (size_t)(mark - shown) : 0;
	a->redacted_seen++;
	char *secret = ask_secret(a, shown);
	if (!secret)
		return NULL;
	/* "AUTH PLAIN [secret]" carries its initial response on the line */
	char verb[16] = "", mech[24] = "";
	sscanf(shown, "%15s %23s", verb, mech);
	const char *m = !keep ? a->mech : !strcasecmp(verb, "AUTH") ? mech : "";
	bool encode =
	    (!strcasecmp(m, "LOGIN") || !strcasecmp(m, "PLAIN")) && !is_wire_form(m, secret);
	struct buf wire;
	buf_init(&wire, 4096);
	bool ok = !encode || build_wire_form(a, m, secret, &wire);
	const char *part = encode ? (wire.data ? wire.data : "") : secret;
	size_t pl = strlen(part);
	char *line = ok ? malloc(keep + pl + 1) : NULL;
	if (line) {
		memcpy(line, shown, keep);
		memcpy(line + keep, part, pl + 1);
	}
	OPENSSL_cleanse(secret, strlen(secret));
	free(secret);
	OPENSSL_cleanse(wire.data, wire.len);
	buf_free(&wire);
	return line;
}

/* Opens the transcript, reads the masks and starts the offline session
 * that reads the recorded side.  EXIT_OK, or EXIT_USAGE after saying why. */
static int against_start(struct against *a, const char *path, char **masks, int nmasks)
{
	if (!playback_source_open(&a->src, path, "smtpsh"))
		return EXIT_USAGE;
	mask_init(&a->mask);
	for (int i = 0; i < nmasks; i++) {
		struct smtpsh_msg err;
		if (mask_add(&a->mask, masks[i], &err) != SMTPSH_OK) {
			fprintf(stderr, _("smtpsh: %s\n"), err.text);
			mask_free(&a->mask);
			playback_source_close(&a->src);
			return EXIT_USAGE;
		}
	}
	struct session_hooks eh = {.ctx = a, .reply = on_expected_reply};
	session_init(&a->expected, a->sh->session.proto, &eh, 1000);
	session_start_offline(&a->expected);
	struct session_hooks live = {.ctx = a, .reply = on_live_reply};
	session_subscribe(&a->sh->session, &live);
	return EXIT_OK;
}

/* A recorded S: line: once the live replies so far match, it goes to
 * both sessions (a redacted one with its secret to the live server).
 * False when the run stops here; *rc says why when it is not a
 * divergence. */
static bool send_recorded(struct against *a, int *rc)
{
	struct shell *sh = a->sh;
	const struct transcript_item *it = &a->src.it;
	if (!settle(a))
		return false;
	if (!session_connected(&sh->session)) {
		render_warning(
		    sh, "diverged: the server closed the connection before transcript line %lu",
		    a->lineno);
		a->diverged = true;
		return false;
	}
	const char *line = it->bytes.data ? it->bytes.data : "";
	size_t len = it->bytes.len;
	bool data = a->expected.state == ST_SMTP_DATA;
	if (data && len > 1 && line[0] == '.')
		line++, len--; /* recorded stuffed; the session stuffs again */
	char verb[16] = "", mech[24] = "";
	if (!data && sscanf(line, "%15s %23s", verb, mech) == 2 && !strcasecmp(verb, "AUTH"))
		snprintf(a->mech, sizeof(a->mech), "%s", mech);
	session_send(&a->expected, line, len, it->redacted ? SEND_REDACTED : 0, NULL);
	char *real = it->redacted ? unredact(a, line) : NULL;
	if (it->redacted && !real) {
		*rc = EXIT_USAGE;
		return false;
	}
	struct smtpsh_msg why;
	if (session_send(&sh->session, real ? real : line, real ? strlen(real) : len,
	                 real ? SEND_SECRET : 0, &why) != SMTPSH_OK)
		render_warning(sh, "%s", why.text);
	if (real) {
		OPENSSL_cleanse(real, strlen(real));
		free(real);
	}
	return true;
}

/* What the first part of the transcript sends that changes a mailbox
 * (DELE) or sends mail (DATA): named in list, at most size bytes. */
struct changes {
	bool dele, data;
	char list[300];
};

static void note_change(struct changes *c, const struct transcript_item *it)
{
	size_t n = strlen(c->list);
	/* the command as recorded (untrusted), its first bytes */
	char cmd[TEXT_SAFE_SIZE(16)];
	text_safe_str(cmd, sizeof(cmd), it->bytes.data, it->bytes.len > 16 ? 16 : it->bytes.len);
	if (n + 40 + strlen(cmd) < sizeof(c->list))
		snprintf(c->list + n, sizeof(c->list) - n, "%s%s (line %lu)", n ? ", " : "", cmd,
		         it->lineno);
	else if (n + 5 < sizeof(c->list) && strcmp(c->list + n - 3, "..."))
		snprintf(c->list + n, sizeof(c->list) - n, ", ...");
}

/* Reads the transcript once through before anything is sent. */
static void scan_changes(const char *path, struct changes *c)
{
	memset(c, 0, sizeof(*c));
	struct playback_source src;
	if (!playback_source_open(&src, path, "smtpsh"))
		return;
	bool message = false;
	unsigned parts = 0;
	struct smtpsh_msg why;
	enum smtpsh_err e;
	while ((e = transcript_next(&src.r, &src.it, &why)) != SMTPSH_ECLOSED) {
		if (e == SMTPSH_EIO)
			break;
		const struct transcript_item *it = &src.it;
		if (e != SMTPSH_OK || it->kind != TR_SENT) {
			if (e == SMTPSH_OK && it->kind == TR_EVENT &&
			    it->event == TRANSCRIPT_EV_CONNECTED && ++parts > 1)
				break;
			continue;
		}
		const char *b = it->bytes.data ? it->bytes.data : "";
		char verb[8] = "";
		sscanf(b, "%7s", verb);
		if (message) {
			message = strcmp(b, ".") != 0;
		} else if (!strcasecmp(verb, "DELE")) {
			c->dele = true;
			note_change(c, it);
		} else if (!strcasecmp(verb, "DATA") && strlen(b) == 4) {
			c->data = message = true;
			note_change(c, it);
		}
	}
	playback_source_close(&src);
}

/* The lab on loopback says who it is in its greeting ("... ESMTP smtpsh
 * lab", "+OK smtpsh lab ready."): mail sent there stays there. */
static bool live_is_lab(struct against *a)
{
	struct shell *sh = a->sh;
	const char *addr = sh->session.conn.addr;
	bool loopback = !strncmp(addr, "127.", 4) || !strcmp(addr, "::1");
	if (!loopback || !session_connected(&sh->session) || wait_replies(sh) != SMTPSH_OK ||
	    !a->got.n)
		return false;
	return strstr(a->got.item[0].text, "smtpsh lab") != NULL;
}

/* DELE anywhere, DATA to a server that is not the lab: named before
 * anything is sent, and sent only with --yes or a "y" on the terminal.
 * EXIT_OK, or EXIT_USAGE after a one-line refusal. */
static int confirm_changes(struct against *a, const char *path)
{
	struct shell *sh = a->sh;
	struct changes c;
	scan_changes(path, &c);
	if (!c.dele && !(c.data && !live_is_lab(a)))
		return EXIT_OK;
	if (sh->yes)
		return EXIT_OK;
	if (isatty(STDIN_FILENO)) {
		render_warning(sh, "this replay changes a mailbox or sends mail: %s", c.list);
		render_prompt(sh, "send them to %s? [y/N] ", sh->target.host);
		char answer[16];
		if (fgets(answer, sizeof(answer), stdin) && (answer[0] == 'y' || answer[0] == 'Y'))
			return EXIT_OK;
	}
	fflush(sh->out);
	fprintf(stderr,
	        _("smtpsh: replay --against: not sent: the transcript changes a mailbox or sends "
	          "mail (%s); give --yes to send it\n"),
	        c.list);
	return EXIT_USAGE;
}

/* The verdict line, and everything against_start() opened closed. */
static int against_finish(struct against *a, int rc)
{
	struct shell *sh = a->sh;
	if (rc == EXIT_OK && !a->diverged) {
		session_feed_eof(&a->expected);
		settle(a);
	}
	if (a->diverged)
		rc = EXIT_DIVERGED;
	if (rc == EXIT_OK)
		render_event(sh,
		             a->exact ? dngettext(SMTPSH_TEXT_DOMAIN,
		                                  "replay matched: %u reply as recorded (text "
		                                  "compared, masked)",
		                                  "replay matched: %u replies as recorded (text "
		                                  "compared, masked)",
		                                  a->matched)
		                      : dngettext(SMTPSH_TEXT_DOMAIN,
		                                  "replay matched: %u reply as recorded (codes "
		                                  "compared)",
		                                  "replay matched: %u replies as recorded (codes "
		                                  "compared)",
		                                  a->matched),
		             a->matched);
	else if (rc == EXIT_DIVERGED)
		render_event(sh,
		             dngettext(SMTPSH_TEXT_DOMAIN,
		                       "replay diverged after %u matching reply",
		                       "replay diverged after %u matching replies", a->matched),
		             a->matched);
	session_close(&sh->session);
	session_free(&a->expected);
	mask_free(&a->mask);
	playback_source_close(&a->src);
	session_unsubscribe(&sh->session, a);
	return rc;
}

int against_run(struct shell *sh, const char *path, bool exact, char **masks, int nmasks)
{
	/* static: two sessions and two reply queues are too big for a stack */
	static struct against a;
	memset(&a, 0, sizeof(a));
	a.sh = sh;
	a.exact = exact;
	int rc = against_start(&a, path, masks, nmasks);
	if (rc != EXIT_OK)
		return rc;
	rc = confirm_changes(&a, path);
	if (rc != EXIT_OK) {
		a.diverged = false;
		return against_finish(&a, rc);
	}
	for (;;) {
		struct smtpsh_msg why;
		enum smtpsh_err e = transcript_next(&a.src.r, &a.src.it, &why);
		a.lineno = a.src.r.lineno;
		if (e == SMTPSH_ECLOSED)
			break;
		if (e != SMTPSH_OK) {
			render_warning(sh, "%s: %s", path, why.text);
			rc = EXIT_USAGE;
			break;
		}
		const struct transcript_item *it = &a.src.it;
		if (it->kind == TR_EVENT && it->event == TRANSCRIPT_EV_CONNECTED && ++a.parts > 1) {
			/* URL stands for the first part's server only */
			render_event(sh,
			             "transcript line %lu starts part %u (a new connection): "
			             "replay --against compares the first part only, which ends "
			             "here",
			             a.lineno, a.parts);
			break;
		}
		if (it->kind == TR_RECEIVED) {
			session_feed(&a.expected, it->bytes.data ? it->bytes.data : "",
			             it->bytes.len, NULL);
			session_feed(&a.expected, it->ending, strlen(it->ending), NULL);
			if (session_tls_due(&a.expected))
				session_start_tls(&a.expected, NULL);
		} else if (it->kind == TR_SENT && !send_recorded(&a, &rc)) {
			break;
		}
	}
	return against_finish(&a, rc);
}
