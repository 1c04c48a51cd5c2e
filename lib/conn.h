/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One TCP connection, optionally wrapped in TLS.  Reads and writes branch
 * on ssl != NULL so that everything above does not care. */
#ifndef SMTPSH_CONN_H
#define SMTPSH_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include "err.h"

struct conn {
	int fd; /* -1 when not connected */
	SSL_CTX *ctx;
	SSL *ssl;       /* NULL in plaintext */
	char host[256]; /* as given by the user (SNI, verification) */
	char addr[64];  /* numeric address connected to */
	unsigned port;
};

/* Every function below that fails writes one sentence into msg (which
 * may be NULL). */

void conn_init(struct conn *c);
/* Resolves host (family AF_UNSPEC, AF_INET or AF_INET6) and connects to
 * the first address that answers, all within timeout_ms.  Errors:
 * SMTPSH_EINVAL (unknown host), SMTPSH_EIO (refused, unreachable, no time
 * left after resolving), SMTPSH_ETIMEOUT. */
enum smtpsh_err conn_connect(struct conn *c, const char *host, unsigned port, int family,
                             int timeout_ms, struct smtpsh_msg *msg);
/* Reads what is available without blocking.  *got = 0 means nothing yet.
 * Errors: SMTPSH_ECLOSED (orderly close, reset, or not open), SMTPSH_EIO,
 * SMTPSH_ETLS. */
enum smtpsh_err conn_read(struct conn *c, void *p, size_t n, size_t *got, struct smtpsh_msg *msg);
/* Waits until readable (or TLS has buffered data).  SMTPSH_OK when
 * something can be read.  Errors: SMTPSH_ETIMEOUT after timeout_ms
 * (negative: forever), SMTPSH_ECLOSED (not open), SMTPSH_EIO. */
enum smtpsh_err conn_wait_readable(struct conn *c, int timeout_ms, struct smtpsh_msg *msg);
/* Writes everything within timeout_ms (one deadline for the whole buffer).
 * Errors: SMTPSH_EIO, SMTPSH_ECLOSED (reset, or not open), SMTPSH_ETIMEOUT,
 * SMTPSH_ETLS.  After an error part of the buffer may have gone out: the
 * byte stream is broken and the connection must be closed, never written
 * to again. */
enum smtpsh_err conn_write(struct conn *c, const void *p, size_t n, int timeout_ms,
                           struct smtpsh_msg *msg);
/* True when TLS holds decrypted bytes not yet read (poll() cannot see them). */
bool conn_pending(const struct conn *c);
void conn_close(struct conn *c);
bool conn_is_open(const struct conn *c);

#endif
