/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Diagnosis of a reply pasted by a person (a customer's error message, a
 * line from a log): read it as the shell's reply reader would, find the
 * provider (named, from a host name, or from the text), and pick the same
 * provider hint the shell would have shown live, trying the commands the
 * reply could have answered when nobody says which.  The answer is data
 * (what happened, why, what to do, the source); smtpsh/ words it. */
#ifndef SMTPSH_DIAGNOSE_H
#define SMTPSH_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "provider.h"
#include "reply.h"

/* A pasted text is cut to this many bytes before it is read. */
#define DIAGNOSE_PASTE_MAX 8192

/* What is known besides the text; every field may be NULL / -1. */
struct diagnose_context {
	const char *provider; /* a name: "qq", "163", "gmail", "Outlook", "yahoo.com"... */
	const char *host;     /* the server's host name (smtp.163.com) */
	const char *banner;   /* its greeting, when known */
	const char *verb;     /* the command the reply answered; NULL: unknown */
	int tls;              /* 1 encrypted, 0 not, -1 unknown */
};

/* Where the provider was recognised. */
enum diagnose_from {
	DIAGNOSE_FROM_NONE, /* no provider: the generic meaning */
	DIAGNOSE_FROM_NAME, /* the context's provider name */
	DIAGNOSE_FROM_HOST, /* the context's host name or banner */
	DIAGNOSE_FROM_TEXT, /* words in the reply's own text */
};

struct diagnosis {
	enum reply_mode mode; /* SMTP code lines or a POP3 status */
	struct reply reply;   /* as the reply reader reads it (untrusted text) */
	const struct provider *provider;
	enum diagnose_from from;
	const char *verb;                 /* the command it answered (given or found); NULL */
	const struct provider_hint *hint; /* why, what to do, source; NULL: none known */
};

/* Whether text reads as a reply: its first line starts with a code
 * ("535 ...", "534-5.7.9 ...") or +OK / -ERR. */
bool diagnose_is_reply(const char *text, size_t len);

/* The one string the provider hints' keywords are matched in: the
 * enhanced code, the text and "[RESP-CODE]" of r.  The shell builds it
 * with this function too, so live and pasted replies read alike. */
void diagnose_reply_text(const struct reply *r, char *out, size_t outsz);

/* Reads a pasted reply (one or many lines, CRLF or LF, continuation
 * lines with or without their codes, a last line still "DDD-") and
 * diagnoses it in ctx (NULL: nothing known).  SMTPSH_EINVAL with msg
 * when text is no reply; SMTPSH_ENOMEM. */
enum smtpsh_err diagnose_reply(const char *text, size_t len, const struct diagnose_context *ctx,
                               struct diagnosis *out, struct smtpsh_msg *msg);

/* The provider a name means: a providers[] name or part of one ("qq",
 * "outlook", "163"), or one of its mail domains ("126.com").  NULL. */
const struct provider *diagnose_provider_named(const char *name);

#endif
