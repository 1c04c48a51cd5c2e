/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TLS on an open connection (implicit TLS right after connect, or after
 * STARTTLS/STLS), with certificate checks explained in words. */
#ifndef SMTPSH_TLS_H
#define SMTPSH_TLS_H

#include <stdbool.h>
#include "conn.h"
#include "err.h"

struct tls_opts {
	const char *cafile; /* trust only these CAs (PEM), or NULL */
	const char *capath; /* a hashed CA directory, or NULL */
	bool insecure;      /* go on when verification fails */
};

struct tls_info {
	char version[32]; /* "TLSv1.3" */
	char cipher[80];
	char subject[256]; /* one line, RFC 2253 */
	char issuer[256];
	char not_before[64];
	char not_after[64];
	char names[512];  /* subjectAltName DNS/IP entries, ", "-joined */
	char sha256[100]; /* certificate fingerprint */
	bool verified;    /* chain and host name check passed */
	bool clock_bound; /* it failed on dates: expired or not yet valid (a clock or CA problem) */
	char verdict[512]; /* the verification result in words */
	char advice[256];  /* what would let the user proceed, or "" */
};

/* Runs the handshake on c (which must have no unread bytes buffered
 * anywhere).  On a verification failure without insecure, the
 * connection is left open but SMTPSH_ETLS is returned and info->verdict says
 * why (msg too); the caller closes it.  A failure writes one sentence
 * into msg (may be NULL); info->advice may say what would let the user
 * proceed.  Errors: SMTPSH_ETLS, SMTPSH_ETIMEOUT, SMTPSH_ECLOSED (the
 * server hung up during the handshake). */
enum smtpsh_err tls_start(struct conn *c, const struct tls_opts *o, struct tls_info *info,
                          int timeout_ms, struct smtpsh_msg *msg);

#endif
