/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one error convention of lib/ (docs/architecture.md, "Errors"):
 * a function that can fail returns an enum smtpsh_err, and when it has
 * words for the person it writes them into a struct smtpsh_msg the caller
 * passes (NULL when the caller does not want them).  Each function's
 * comment lists the codes it returns.
 *
 * A 4xx/5xx reply or a POP3 -ERR is data, never an error: errors are about
 * the transport, malformed input or misuse.  The prefix keeps clear of
 * OpenSSL's ERR_ namespace. */
#ifndef SMTPSH_ERR_H
#define SMTPSH_ERR_H

enum smtpsh_err {
	SMTPSH_OK = 0,
	SMTPSH_ENOMEM,   /* allocation failed or a bound was reached */
	SMTPSH_EIO,      /* read/write/connect failed (errno in the message) */
	SMTPSH_ECLOSED,  /* the peer closed the connection */
	SMTPSH_ETIMEOUT, /* nothing arrived in time */
	SMTPSH_EPROTO,   /* the peer broke the protocol (malformed reply...) */
	SMTPSH_ETLS,     /* TLS handshake or certificate failure */
	SMTPSH_EINVAL,   /* bad argument or bad input from the user */
	SMTPSH_ESTATE,   /* operation not possible in the current state */
};

/* Room for a sentence that quotes a host name or a certificate name. */
#define SMTPSH_MSG_SIZE 512

/* Words for the person about the last failure: one line, no newline. */
struct smtpsh_msg {
	char text[SMTPSH_MSG_SIZE];
};

/* A short lower-case name for the category ("timeout"). */
const char *smtpsh_err_name(enum smtpsh_err e);

/* Write the words into msg (if not NULL) and return code, so a failing
 * path reads `return smtpsh_fail(msg, SMTPSH_EINVAL, "bad port %s", p);`.
 * fmt is translated here (lib/i18n.h): pass the English literal. */
enum smtpsh_err smtpsh_fail(struct smtpsh_msg *msg, enum smtpsh_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Clear msg (if not NULL) before a call that may or may not fill it. */
void smtpsh_msg_clear(struct smtpsh_msg *msg);

#endif
