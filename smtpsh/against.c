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
#include <openssl/crypto.h>

#include "annot.h"
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
	struct shell *sh = a->sh;
	const struct proto_handler *h = sh->session.handler;
	char status[16], mb[512];
	h->status_text(s->code, status, sizeof(status));
	const char *meaning = h->annot_status(s->code, s->verb, mb, sizeof(mb));
	/* both texts came from servers (one recorded, one live) */
	char text[TEXT_SAFE_SIZE(sizeof(s->text))];
	render_warning(sh, "  %s: %s%s%s %s", side, status, s->enhanced[0] ? " " : "", s->enhanced,
	               text_safe_str(text, sizeof(text), s->text, strlen(s->text)));
	render_note(sh, "%s: %s", side, meaning);
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
			explain_side(a, "recorded", &a->want.item[i]);
			explain_side(a, "live    ", &a->got.item[i]);
			a->diverged = true;
			return false;
		}
		a->matched++;
	}
	if (a->want.n != a->got.n) {
		render_warning(sh,
		               "diverged before transcript line %lu: the transcript has %zu repl%s "
		               "here, the server sent %zu",
		               a->lineno, a->want.n, a->want.n == 1 ? "y" : "ies", a->got.n);
		if (a->want.n > n)
			explain_side(a, "recorded", &a->want.item[n]);
		if (a->got.n > n)
			explain_side(a, "live    ", &a->got.item[n]);
		a->diverged = true;
		return false;
	}
	a->want.n = a->got.n = 0;
	return true;
}

/* The line to send for a redacted one: its visible prefix ("PASS ") and
 * the secret from SMTPSH_SECRET_<k> or the terminal. */
static char *unredact(struct against *a, const char *shown)
{
	const char *mark = strstr(shown, "[secret");
	size_t keep = mark ? (size_t)(mark - shown) : 0;
	char var[32];
	a->redacted_seen++;
	snprintf(var, sizeof(var), "SMTPSH_SECRET_%u", a->redacted_seen);
	const char *env = getenv(var);
	char *secret = NULL;
	/* the shown form comes from the transcript file: untrusted, and
	 * its first 60 bytes say enough */
	char seen[TEXT_SAFE_SIZE(60)];
	size_t n = strlen(shown);
	text_safe_str(seen, sizeof(seen), shown, n > 60 ? 60 : n);
	if (env) {
		secret = strdup(env);
	} else if (a->sh->interactive) {
		char prompt[512];
		snprintf(prompt, sizeof(prompt),
		         "transcript line %lu was redacted (%s): the secret part (not echoed): ",
		         a->lineno, seen);
		secret = input_secret(a->sh, prompt);
	}
	if (!secret) {
		render_warning(a->sh,
		               "transcript line %lu is redacted (%s): set %s or run on a terminal",
		               a->lineno, seen, var);
		return NULL;
	}
	size_t sl = strlen(secret);
	char *line = malloc(keep + sl + 1);
	if (line) {
		memcpy(line, shown, keep);
		memcpy(line + keep, secret, sl + 1);
	}
	OPENSSL_cleanse(secret, sl);
	free(secret);
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
			fprintf(stderr, "smtpsh: %s\n", err.text);
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
		render_event(sh, "replay matched: %u repl%s as recorded%s", a->matched,
		             a->matched == 1 ? "y" : "ies",
		             a->exact ? " (text compared, masked)" : " (codes compared)");
	else if (rc == EXIT_DIVERGED)
		render_event(sh, "replay diverged after %u matching repl%s", a->matched,
		             a->matched == 1 ? "y" : "ies");
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
