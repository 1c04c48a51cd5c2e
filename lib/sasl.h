/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SASL message builders (RFC 4616 PLAIN, LOGIN, RFC 2195 CRAM-MD5,
 * Google's XOAUTH2) and the POP3 APOP digest (RFC 1939 §7).  OpenSSL does
 * the base64, MD5 and HMAC.  Outputs hold secrets: callers wipe them
 * (buf_free does). */
#ifndef SMTPSH_SASL_H
#define SMTPSH_SASL_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "err.h"

/* base64(authzid NUL user NUL pass); authzid may be NULL or "". */
enum smtpsh_err sasl_plain(struct buf *out, const char *authzid, const char *user,
                           const char *pass);
/* base64(user SP hex(HMAC-MD5(pass, challenge))), challenge in base64
 * as the server sent it.  SMTPSH_EINVAL when it is not base64. */
enum smtpsh_err sasl_cram_md5(struct buf *out, const char *user, const char *pass,
                              const char *challenge_b64);
/* base64("user=" user ^A "auth=Bearer " token ^A ^A) */
enum smtpsh_err sasl_xoauth2(struct buf *out, const char *user, const char *token);
/* hex(MD5(timestamp pass)) into out[33]; timestamp includes the <>. */
enum smtpsh_err apop_digest(char out[33], const char *timestamp, const char *pass);

/* Picks the mechanism to use from a server's list ("PLAIN LOGIN
 * CRAM-MD5"): XOAUTH2 when a token is at hand; over TLS PLAIN, then LOGIN,
 * then CRAM-MD5; in plaintext CRAM-MD5 first (the password does not cross
 * the wire).  NULL when nothing usable is offered. */
const char *sasl_pick(const char *offered, bool have_token, bool tls);

#endif
