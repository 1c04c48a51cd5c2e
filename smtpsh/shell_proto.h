/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the shell says and does differently per protocol: how a reply is
 * explained, the status line about the mail, the login dialogue.  One
 * constant table per protocol, found by shell_proto_get(): the only place
 * in smtpsh/ that asks which protocol a session speaks.  What is about the
 * protocol itself (reply severity, annotations) is in its lib handler. */
#ifndef SMTPSH_SHELL_PROTO_H
#define SMTPSH_SHELL_PROTO_H

#include "shell.h"

struct shell_proto {
	/* The notes under a reply; p is the command it answers (NULL:
	 * unsolicited).  render.c */
	void (*explain)(struct shell *sh, const struct reply *r, const struct session_pending *p);
	/* status: the message being sent, or the maildrop.  helpers.c */
	void (*status_mail)(struct shell *sh, const struct session *s);
	/* login: whether it can start now (else says why), and the
	 * mechanism it will use into *mech (NULL: the protocol's own
	 * commands).  login.c */
	bool (*login_ready)(struct shell *sh, const char *token, const char **mech);
	/* login: the dialogue itself.  login.c */
	void (*login)(struct shell *sh, const char *user, const char *mech, const char *pass,
	              const char *token);
};

/* The table of p.  Never NULL. */
const struct shell_proto *shell_proto_get(enum proto p);

/* The entries, each in the file that says the rest of its kind. */
void render_explain_smtp(struct shell *sh, const struct reply *r, const struct session_pending *p);
void render_explain_pop3(struct shell *sh, const struct reply *r, const struct session_pending *p);
void status_mail_smtp(struct shell *sh, const struct session *s);
void status_mail_pop3(struct shell *sh, const struct session *s);
bool login_ready_smtp(struct shell *sh, const char *token, const char **mech);
bool login_ready_pop3(struct shell *sh, const char *token, const char **mech);
void login_smtp(struct shell *sh, const char *user, const char *mech, const char *pass,
                const char *token);
void login_pop3(struct shell *sh, const char *user, const char *mech, const char *pass,
                const char *token);

#endif
