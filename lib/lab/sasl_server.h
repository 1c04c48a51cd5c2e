/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The server-side SASL engine (sasl_server.c), shared by SMTP and POP3. */
#ifndef SMTPSH_LAB_SASL_SERVER_H
#define SMTPSH_LAB_SASL_SERVER_H

#include "lab/users.h"

enum lab_sasl_step {
	LAB_SASL_NONE,
	LAB_SASL_PLAIN,      /* waiting for the PLAIN response */
	LAB_SASL_LOGIN_USER, /* waiting for the base64 user name */
	LAB_SASL_LOGIN_PASS, /* waiting for the base64 password */
	LAB_SASL_CRAM,       /* waiting for "user digest" */
};

/* How one protocol words the exchange: the server-side counterpart of
 * the client's curl_sasl.c parameters.  Replies are whole lines; "why"
 * parts are notes for the log. */
struct lab_sasl_proto {
	enum proto proto;          /* whose words these are */
	const char *go_on;         /* "334 " / "+ ": the continuation */
	const char *bad_initial;   /* the initial response is not base64 */
	const char *bad_continued; /* an answer is not base64 */
	const char *bad_continued_why;
	bool nul_is_bad_base64; /* a NUL in any answer but PLAIN's */
	const char *aborted;    /* the answer "*" */
	const char *aborted_why;
	bool abort_is_error;        /* "*" counts as an error */
	const char *plain_asks_why; /* PLAIN without an initial response */
	const char *plain_bad;      /* PLAIN: not authzid NUL user NUL pass */
	const char *plain_bad_why;
	bool authz_named;    /* a refused authzid has its own words */
	const char *refused; /* the generic refusal (no persona) */
	/* The notes below are whole sentences marked N_(), translated here. */
	const char *login_asks_why; /* the "Username:" challenge sent */
	const char *login_ir_why;   /* %s: the user, given in the AUTH line */
	const char *login_user_why; /* %s: the user, given as an answer */
	bool login_user_checked;    /* refuse an empty or overlong name */
	const char *cram_ir;        /* CRAM-MD5 with an initial response;
	                               NULL: an unsupported mechanism */
	const char *cram_ir_why;
	const char *cram_why;
	bool cram_bounded; /* a long CRAM answer is no answer */
	const char *unsupported;
	const char *unsupported_why; /* %s: the mechanism */
	/* Whole sentences for the log, marked N_() (the engine translates):
	 * no_user_why takes how, user, tail; wrong_why how, secret, user, tail. */
	const char *no_user_why;
	const char *wrong_why;
	/* The protocol's own parts: the error counter, what a login does
	 * (SMTP: 235; POP3: open the maildrop), and what a refusal forgets
	 * (checked: the credentials were checked, not malformed). */
	enum lab_action (*error)(void *owner, struct buf *out);
	enum lab_action (*logged_in)(void *owner, const struct lab_user *who, const char *how,
	                             struct buf *out);
	void (*failed)(void *owner, bool checked);
	/* The persona's refusal in this protocol: r is LAB_AUTH_BAD or
	 * LAB_AUTH_NEEDS_CODE.  Called only with a persona. */
	const char *(*persona_refusal)(const struct lab_persona *per, enum lab_auth r);
};

/* The state of one exchange, and what it answers to. */
struct lab_sasl {
	enum lab_sasl_step step;
	char user[LAB_NAME_MAX]; /* LOGIN's user name */
	char challenge[192];     /* CRAM-MD5 challenge as sent, base64 */
	const struct lab_sasl_proto *proto;
	void *owner;
	char *why;
	size_t why_size;
	const char *host;
	const struct lab_users *users;
	const struct lab_persona *persona;
	struct lab_persona_run *run; /* its flag and locks; NULL: neither */
};

void lab_sasl_bind(struct lab_sasl *x, const struct lab_sasl_proto *proto, void *owner, char *why,
                   size_t why_size, const char *host, const struct lab_users *users,
                   const struct lab_persona *persona, struct lab_persona_run *run);
/* Ends an exchange and wipes its secrets. */
void lab_sasl_reset(struct lab_sasl *x);
/* Splits AUTH's argument in place: returns the mechanism; *ir gets what
 * follows its spaces (maybe ""), or NULL when nothing follows it. */
char *lab_sasl_split(char *arg, char **ir);
/* AUTH mech [initial-response]: mech is upper-cased in place. */
enum lab_action lab_sasl_start(struct lab_sasl *x, char *mech, const char *ir, struct buf *out);
/* One answer line during an exchange (x->step != LAB_SASL_NONE). */
enum lab_action lab_sasl_continue(struct lab_sasl *x, const char *line, size_t n, struct buf *out);
/* The verdict on checked credentials; how: "AUTH PLAIN", "USER/PASS"...
 * With a persona run, a locked account, an account whose service is
 * switched off and the lock after too many failures are decided here. */
enum lab_action lab_sasl_verdict(struct lab_sasl *x, enum lab_auth r, const struct lab_user *who,
                                 const char *user, const char *how, struct buf *out);

#endif
