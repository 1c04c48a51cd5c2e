/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Waiting for the server: the replies owed, each with its own deadline,
 * Ctrl-C to stop waiting, and the TLS upgrade a go-ahead makes due. */
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "i18n.h"
#include "shell.h"

static volatile sig_atomic_t got_sigint;

static void on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
}

void wait_catch_sigint(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);
}

bool wait_take_sigint(void)
{
	bool got = got_sigint;
	got_sigint = 0;
	return got;
}

enum smtpsh_err wait_step(struct shell *sh, int timeout_ms)
{
	struct session *s = &sh->session;
	enum smtpsh_err e = session_pump(s, timeout_ms, NULL);
	if (session_tls_due(s))
		session_start_tls(s, NULL); /* a failure closes the session, which says why */
	return e;
}

long long wait_clock_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What a reply that did not come in time is, in English (translate false:
 * for the transcript) or in the reader's language. */
static void timeout_text(char *out, size_t n, bool heard, const char *verb, int secs,
                         bool translate)
{
	const char *fmt;
	if (*verb) {
		fmt = heard
		          ? N_("no complete reply to %s within %d s: the server keeps sending but "
		               "never ends it")
		          : N_("no reply to %s within %d s: the server is silent");
		snprintf(out, n, translate ? _(fmt) : fmt, verb, secs);
	} else {
		fmt =
		    heard
		        ? N_("no complete greeting within %d s: the server keeps sending but never "
		             "ends it")
		        : N_("no greeting within %d s: the server is silent");
		snprintf(out, n, translate ? _(fmt) : fmt, secs);
	}
}

/* Waits for every outstanding reply.  Each reply has sh->timeout_s as a
 * whole, from the end of the one before: a reply that trickles in, or
 * continuation lines without end, do not push the deadline back.  Ctrl-C
 * stops waiting (the reply still shows when it comes). */
enum smtpsh_err wait_replies(struct shell *sh)
{
	struct session *s = &sh->session;
	const long long limit = (long long)sh->timeout_s * 1000;
	long long deadline = wait_clock_ms() + limit;
	size_t owed = session_replies_owed(s);
	bool heard = false; /* bytes of the awaited reply came */
	bool told = false;
	got_sigint = 0;
	while (session_awaiting(s)) {
		if (session_replies_owed(s) < owed) { /* a reply is complete: the next one's turn */
			owed = session_replies_owed(s);
			deadline = wait_clock_ms() + limit;
			heard = told = false;
		}
		long long left = deadline - wait_clock_ms();
		enum smtpsh_err e = wait_step(sh, left < 0 ? 0 : left > 200 ? 200 : (int)left);
		if (e == SMTPSH_OK)
			heard = true;
		else if (e != SMTPSH_ETIMEOUT)
			return e;
		if (wait_take_sigint()) {
			render_warning(sh, "stopped waiting; the reply will show when it arrives");
			session_stop_waiting(s);
			return SMTPSH_OK;
		}
		if (told || wait_clock_ms() < deadline || !session_awaiting(s))
			continue;
		const char *verb = s->pending[0].verb;
		char why[300];
		session_count_error(s);
		/* the transcript keeps the English: transcripts are language-neutral */
		timeout_text(why, sizeof(why), heard, verb, sh->timeout_s, false);
		transcript_event(&sh->rec, TRANSCRIPT_EV_ERROR, "%s", why);
		timeout_text(why, sizeof(why), heard, verb, sh->timeout_s, true);
		if (sh->interactive)
			render_warning(sh, "%s; still listening (Ctrl-C to stop waiting)", why);
		else
			render_warning(sh, "%s", why);
		if (!sh->interactive)
			return SMTPSH_ETIMEOUT;
		told = true; /* say it once */
	}
	return SMTPSH_OK;
}
