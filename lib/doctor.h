/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The model of `smtpsh doctor`: the steps of an account check as data
 * (name, outcome, what was seen, the cause of a failure and its fix),
 * the causes a failure can have, a refusal read into one of them, and
 * the verdict.  smtpsh/doctor.c runs the steps and words the report;
 * nothing here prints. */
#ifndef SMTPSH_DOCTOR_H
#define SMTPSH_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include "doctor_targets.h"
#include "err.h"

enum doctor_outcome {
	DOCTOR_PASSED,
	DOCTOR_FAILED,
	DOCTOR_NOTED,   /* worth knowing, no failure (port 25 blocked) */
	DOCTOR_SKIPPED, /* an earlier step failed, or nothing to check */
};

/* Why a step failed.  Each is either the way to the server (the
 * verdict: could not be reached) or the account (the account has a
 * problem). */
enum doctor_cause {
	DOCTOR_CAUSE_NONE,
	DOCTOR_CAUSE_DNS,             /* the host name does not resolve */
	DOCTOR_CAUSE_PORT_BLOCKED,    /* connecting timed out: a firewall drops it */
	DOCTOR_CAUSE_CONN_REFUSED,    /* nothing listens there, or refused */
	DOCTOR_CAUSE_CLOCK_OR_CA,     /* certificate expired or not yet valid */
	DOCTOR_CAUSE_CERTIFICATE,     /* untrusted issuer, wrong name, handshake */
	DOCTOR_CAUSE_SERVER_BROKE,    /* hang-up, silence, malformed reply */
	DOCTOR_CAUSE_NO_AUTH,         /* EHLO offers no AUTH we can use */
	DOCTOR_CAUSE_SERVICE_OFF,     /* SMTP/POP3 switched off in the account's settings */
	DOCTOR_CAUSE_AUTH_CODE,       /* the authorization code is wanted, not the password */
	DOCTOR_CAUSE_APP_PASSWORD,    /* an app password is wanted */
	DOCTOR_CAUSE_TENANT_AUTH_OFF, /* SMTP AUTH disabled for the tenant */
	DOCTOR_CAUSE_SENDER_MISMATCH, /* MAIL FROM is not the logged-in user */
	DOCTOR_CAUSE_LOCKED,          /* too many failures: locked for a while */
	DOCTOR_CAUSE_WRONG_SECRET,    /* user or password wrong */
	DOCTOR_CAUSE_REFUSED,         /* another refusal */
	DOCTOR_CAUSE_NO_SECRET,       /* no password could be read */
	DOCTOR_CAUSES
};

struct doctor_cause_info {
	const char *token; /* for --json: "app_password" */
	const char *words; /* the cause, one sentence without a period */
	const char *fix;   /* what to do when the provider has no hint */
	bool reach;        /* about the way to the server, not the account */
};
const struct doctor_cause_info *doctor_cause_info(enum doctor_cause c);
/* The cause's words and fix in the reader's language ("" for none). */
const char *doctor_cause_words(enum doctor_cause c);
const char *doctor_cause_fix(enum doctor_cause c);

#define DOCTOR_NAME_MAX 24
#define DOCTOR_TEXT_MAX 600
#define DOCTOR_MAX_STEPS 24

struct doctor_step {
	char name[DOCTOR_NAME_MAX]; /* "dns", "tcp 465", "smtp auth"... */
	enum doctor_outcome outcome;
	char detail[DOCTOR_TEXT_MAX]; /* what was seen, raw (made safe where shown) */
	enum doctor_cause cause;      /* DOCTOR_CAUSE_NONE unless failed or noted */
	char why[DOCTOR_TEXT_MAX];    /* the provider's reason for a refusal, or "" */
	char fix[DOCTOR_TEXT_MAX];    /* "" unless failed */
	char source[DOCTOR_TEXT_MAX]; /* where the fix is documented, or "" */
};

struct doctor_report {
	struct doctor_step steps[DOCTOR_MAX_STEPS];
	size_t n;
};

/* Adds a step (detail a printf format); its fix is the cause's own.
 * NULL when the report is full (the step is not recorded). */
struct doctor_step *doctor_add(struct doctor_report *r, const char *name,
                               enum doctor_outcome outcome, enum doctor_cause cause,
                               const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A refusal read into a cause: the reply's code (SMTP, or -1 for a POP3
 * -ERR), the verb it answered and its text; wanted is what the provider
 * takes as the secret (a login refusal with no telling words means that
 * is what is missing). */
enum doctor_cause doctor_cause_of_reply(enum doctor_secret wanted, const char *verb, int code,
                                        const char *text);

/* The one place a refusal becomes a verdict: the cause, and the fix and
 * source from the provider's hint for the reply (provider_diagnose) when
 * there is one.  domain identifies the provider (the address's), banner
 * the server's greeting. */
void doctor_explain_reply(struct doctor_step *st, enum doctor_secret wanted, const char *domain,
                          const char *banner, const char *verb, int code, const char *text,
                          bool tls);

/* A connection failure (conn_connect, tls_start) read into a cause;
 * clock_bound: the certificate failed on its dates (tls_info). */
enum doctor_cause doctor_cause_of_error(enum smtpsh_err e, bool clock_bound);

/* The verdict, an exit status: all passed, the account has a problem,
 * the server could not be reached. */
enum doctor_verdict {
	DOCTOR_ALL_PASSED = 0,
	DOCTOR_ACCOUNT_PROBLEM = 1,
	DOCTOR_UNREACHABLE = 3,
};
/* An account failure outweighs a reach failure (the account was
 * reached somewhere and said what is wrong). */
enum doctor_verdict doctor_verdict(const struct doctor_report *r);
/* The first failed step, or NULL. */
const struct doctor_step *doctor_first_failure(const struct doctor_report *r);

#endif
