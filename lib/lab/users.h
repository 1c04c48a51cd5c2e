/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lab's users (users.c) and how their secrets are checked. */
#ifndef SMTPSH_LAB_USERS_H
#define SMTPSH_LAB_USERS_H

#include "lab/persona.h"

/* ---- users (lab_users.c) ---- */

struct lab_user {
	char name[LAB_NAME_MAX];
	char password[LAB_SECRET_MAX];
	char authcode[LAB_SECRET_MAX]; /* "" when none */
	char number[16];               /* the account number (QQ number); "" when none */
};

struct lab_users {
	struct lab_user *v;
	size_t n;
};

/* alice:alice-pw:alicecode1234567:10001 and bob:bob-pw:bobcode123456789:10002. */
enum smtpsh_err lab_users_defaults(struct lab_users *u);
/* One "name:password[:authcode[:number]]" per line; '#' comments and
 * blank lines are skipped.  Names: letters, digits, '.', '-', '_' and one
 * '@' inside (an address: alice@qq.com); they are mailbox directories.
 * number: digits (a QQ number).  Returns SMTPSH_OK, SMTPSH_EINVAL (the line and the
 * reason in msg) or SMTPSH_ENOMEM. */
enum smtpsh_err lab_users_parse(struct lab_users *u, const char *text, struct smtpsh_msg *msg);
/* The same from a file: also SMTPSH_EIO (unreadable) and SMTPSH_EINVAL
 * (over 1 MiB); msg names the file. */
enum smtpsh_err lab_users_load(struct lab_users *u, const char *path, struct smtpsh_msg *msg);
void lab_users_free(struct lab_users *u); /* wipes the secrets */
/* Case-insensitive, as Postfix's virtual mailbox lookups. */
const struct lab_user *lab_users_find(const struct lab_users *u, const char *name);
/* The account a login name or address means.  Without a persona: the
 * name as given (lab_users_find).  With one, as its provider does: the
 * full address (a user "alice" is alice@DOMAIN, a user
 * "alice@DOMAIN" too), and where the persona says so the account number
 * alone or @DOMAIN.  A bare "alice" is no account there. */
const struct lab_user *lab_users_lookup(const struct lab_users *u, const struct lab_persona *p,
                                        const char *name);
/* The account's address: its name when it holds '@', else name@domain
 * (domain NULL: the name). */
void lab_user_address(const struct lab_user *who, const char *domain, char *out, size_t n);

enum lab_auth {
	LAB_AUTH_OK,
	LAB_AUTH_BAD,        /* unknown user or wrong secret */
	LAB_AUTH_NEEDS_CODE, /* the password, where the persona wants the code */
};

/* A secret in clear (PLAIN, LOGIN, USER/PASS).  *who is the user when
 * the result is OK.  Without a persona only the password logs in. */
enum lab_auth lab_auth_check(const struct lab_users *u, const struct lab_persona *p,
                             const char *user, const char *secret, const struct lab_user **who);
/* A command that carries a secret, and the word it starts at. */
struct lab_secret_verb {
	const char *verb;
	unsigned word; /* 2: "AUTH mechanism response"; LAB_SECRET_REST: all
	                  after "VERB " (a password may begin with a space) */
};
#define LAB_SECRET_REST 0u

/* Where the secret part of a command line starts, judged by the command's
 * kind alone (one of the protocol's n secret verbs), before any state or
 * rule decides on it (so a refusal -- 530, 503, a fault, a bare LF, a line
 * too long -- never logs it).  SIZE_MAX when the line holds none. */
size_t lab_secret_offset(const struct lab_secret_verb *verbs, size_t nverbs, const char *line,
                         size_t n);
/* Whether the line's first word (up to a space, any case) is verb. */
bool lab_line_verb_is(const char *line, size_t n, const char *verb);

/* CRAM-MD5 (RFC 2195): challenge_b64 as sent in the 334/+ line, response
 * the client's decoded "user hex-digest". */
enum lab_auth lab_auth_cram(const struct lab_users *u, const struct lab_persona *p,
                            const char *challenge_b64, const char *response,
                            const struct lab_user **who);
/* APOP (RFC 1939 7): timestamp with its <>. */
enum lab_auth lab_auth_apop(const struct lab_users *u, const struct lab_persona *p,
                            const char *timestamp, const char *user, const char *digest,
                            const struct lab_user **who);

#endif
