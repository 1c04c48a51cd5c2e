/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one-step `login [USER]` helper (USER defaults to the URL's
 * smtp://USER@HOST): picks the best mechanism the server
 * offers, asks for the password without echo (or takes it from the
 * environment or a private file in script mode), and runs each step as
 * ordinary protocol lines, so every step is shown and annotated. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/crypto.h>

#include "b64.h"
#include "i18n.h"
#include "sasl.h"
#include "shell_proto.h"

static void wipe_free(char *s)
{
	if (s) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

/* The password from SMTPSH_PASSWORD, the --password-file, or the
 * terminal.  NULL when none can be had. */
char *login_password(struct shell *sh)
{
	const char *env = getenv("SMTPSH_PASSWORD");
	if (env && *env)
		return strdup(env);
	if (sh->password_file) {
		int fd = open(sh->password_file, O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) != 0) {
			render_warning(sh, "login: cannot read %s: %s", sh->password_file,
			               strerror(errno));
			if (fd >= 0)
				close(fd);
			return NULL;
		}
		if (st.st_mode & (S_IRWXG | S_IRWXO)) {
			render_warning(
			    sh, "login: %s can be read by others (mode %03o): chmod 600 it first",
			    sh->password_file, (unsigned)(st.st_mode & 0777));
			close(fd);
			return NULL;
		}
		char buf[1024];
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n < 0)
			n = 0;
		buf[n] = '\0';
		buf[strcspn(buf, "\r\n")] = '\0';
		char *p = strdup(buf);
		OPENSSL_cleanse(buf, sizeof(buf));
		return p;
	}
	if (!sh->interactive) {
		render_warning(sh, "login: no password: set SMTPSH_PASSWORD or use --password-file "
		                   "FILE (never on the command line)");
		return NULL;
	}
	return input_secret(sh, _("password (not echoed): "));
}

/* Sends one line and waits for its reply.  False when the connection is
 * gone or the server went silent. */
static bool step(struct shell *sh, const char *line, bool secret)
{
	struct smtpsh_msg why;
	if (session_send(&sh->session, line, strlen(line), secret ? SEND_SECRET : 0, &why) !=
	    SMTPSH_OK) {
		if (session_connected(&sh->session)) /* else the session said why */
			render_warning(sh, "login: %s", why.text);
		return false;
	}
	return wait_replies(sh) == SMTPSH_OK && session_connected(&sh->session);
}

static bool b64_step(struct shell *sh, const char *text, bool secret)
{
	struct buf enc;
	buf_init(&enc, 0);
	bool ok = b64_encode(&enc, text, strlen(text)) == SMTPSH_OK && step(sh, enc.data, secret);
	buf_free(&enc);
	return ok;
}

static int last_code(struct shell *sh)
{
	return sh->last_reply_code;
}

void login_smtp(struct shell *sh, const char *user, const char *mech, const char *pass,
                const char *token)
{
	struct session *s = &sh->session;
	struct buf msg, line;
	buf_init(&msg, 0);
	buf_init(&line, 0);
	render_note(sh, "login: using AUTH %s (offered: %s)", mech, session_cap(s, "AUTH") + 5);
	if (!strcmp(mech, "PLAIN")) {
		if (sasl_plain(&msg, NULL, user, pass) == SMTPSH_OK &&
		    buf_printf(&line, "AUTH PLAIN %s", msg.data))
			step(sh, line.data, true);
	} else if (!strcmp(mech, "LOGIN")) {
		if (step(sh, "AUTH LOGIN", false) && last_code(sh) == 334 &&
		    b64_step(sh, user, false) && last_code(sh) == 334)
			b64_step(sh, pass, true);
	} else if (!strcmp(mech, "CRAM-MD5")) {
		if (step(sh, "AUTH CRAM-MD5", false) && last_code(sh) == 334) {
			if (sasl_cram_md5(&msg, user, pass, sh->last_reply_text) == SMTPSH_OK)
				step(sh, msg.data, true);
			else
				step(sh, "*", false); /* cancel: the challenge was not base64 */
		}
	} else if (!strcmp(mech, "XOAUTH2")) {
		if (sasl_xoauth2(&msg, user, token) == SMTPSH_OK &&
		    buf_printf(&line, "AUTH XOAUTH2 %s", msg.data) && step(sh, line.data, true) &&
		    last_code(sh) == 334)
			step(sh, "", false); /* the error JSON wants an empty answer */
	}
	if (s->authenticated)
		render_note(sh, "login: logged in as %s", user);
	buf_free(&msg);
	buf_free(&line);
}

void login_pop3(struct shell *sh, const char *user, const char *mech, const char *pass,
                const char *token)
{
	(void)mech, (void)token; /* POP3 logs in with its own commands */
	struct session *s = &sh->session;
	struct buf line;
	buf_init(&line, 0);
	if (s->apop_stamp[0] && !s->tls) {
		char digest[33];
		render_note(sh, "login: using APOP: the greeting has a timestamp, so the password "
		                "need not cross the wire");
		if (apop_digest(digest, s->apop_stamp, pass) == SMTPSH_OK &&
		    buf_printf(&line, "APOP %s %s", user, digest))
			step(sh, line.data, false);
		OPENSSL_cleanse(digest, sizeof(digest));
	} else {
		render_note(sh, "login: using USER and PASS");
		if (buf_printf(&line, "USER %s", user) && step(sh, line.data, false) &&
		    last_code(sh) == REPLY_POP3_OK) {
			buf_clear(&line);
			if (buf_printf(&line, "PASS %s", pass))
				step(sh, line.data, true);
		}
	}
	if (s->authenticated)
		render_note(sh, "login: logged in as %s", user);
	buf_free(&line);
}

/* SMTP: the best mechanism the EHLO reply offers, into *mech; false (and
 * said why) when login cannot start now. */
bool login_ready_smtp(struct shell *sh, const char *token, const char **mech)
{
	const struct session *s = &sh->session;
	if (s->state != ST_SMTP_READY) {
		if (s->state == ST_SMTP_INIT)
			render_warning(sh, "login: send EHLO first: its reply says which AUTH "
			                   "mechanisms the server offers");
		else
			render_warning(sh, "login: only possible between messages (RSET first)");
		return false;
	}
	const char *auth = session_cap(s, "AUTH");
	if (!auth) {
		if (s->tls)
			render_warning(sh, "login: the server offers no AUTH");
		else
			render_warning(sh,
			               "login: the server offers no AUTH (many servers offer it "
			               "only after STARTTLS: type STARTTLS, then EHLO)");
		return false;
	}
	*mech = sasl_pick(auth + 5, token && *token, s->tls);
	if (!*mech) {
		render_warning(sh,
		               "login: none of the offered mechanisms (%s) is one smtpsh "
		               "can run (PLAIN, LOGIN, CRAM-MD5, XOAUTH2)",
		               auth + 5);
		return false;
	}
	return true;
}

/* POP3: USER/PASS or APOP, in the AUTHORIZATION state only. */
bool login_ready_pop3(struct shell *sh, const char *token, const char **mech)
{
	(void)token;
	*mech = NULL;
	if (sh->session.state != ST_POP3_AUTH) {
		render_warning(sh, "login: only possible in the AUTHORIZATION state");
		return false;
	}
	return true;
}

void login_run(struct shell *sh, const char *args)
{
	struct session *s = &sh->session;
	if (!session_connected(s)) {
		render_warning(sh, "login: not connected");
		return;
	}
	if (s->authenticated) {
		render_warning(sh, "login: already logged in");
		return;
	}
	const char *token = getenv("SMTPSH_OAUTH_TOKEN");
	const struct shell_proto *sp = shell_proto_get(s->proto);
	const char *mech = NULL;
	if (!sp->login_ready(sh, token, &mech))
		return;
	/* CRAM-MD5 and APOP (a POP3 greeting's timestamp) keep it off the wire */
	if (!s->tls && !(mech && !strcmp(mech, "CRAM-MD5")) && !s->apop_stamp[0])
		render_warning(sh, "login: this connection is not encrypted: the password crosses "
		                   "the network readable (STARTTLS/STLS first to avoid it)");
	char *user = NULL;
	if (*args)
		user = strdup(args);
	else if (sh->target.user[0]) /* smtp://USER@HOST */
		user = strdup(sh->target.user);
	else if (sh->interactive)
		user = input_question(sh, _("user: "));
	if (!user || !*user) {
		render_warning(sh, "login: no user name (login USER)");
		free(user);
		return;
	}
	char *pass = NULL;
	if (!(mech && !strcmp(mech, "XOAUTH2"))) {
		pass = login_password(sh);
		if (!pass) {
			free(user);
			return;
		}
	}
	sp->login(sh, user, mech, pass, token);
	wipe_free(pass);
	free(user);
}
