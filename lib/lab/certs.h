/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lab's TLS material (certs.c). */
#ifndef SMTPSH_LAB_CERTS_H
#define SMTPSH_LAB_CERTS_H

#include "lab/base.h"

struct lab_tls_files {
	char ca_cert[4200];  /* DIR/ca.pem: what clients trust */
	char cert[4200];     /* DIR/server.pem: server certificate + CA */
	char key[4200];      /* DIR/server.key (0600) */
	char ca_sha256[100]; /* "AB:CD:..." */
	char sha256[100];
	bool created; /* made on this start */
};
/* Makes a lab CA and a server certificate (SANs 127.0.0.1, ::1,
 * localhost, lab.smtpsh.test, and address when not NULL: the --listen
 * address a classroom connects to) under dir unless valid ones are
 * there; a kept certificate that does not name address is made again.
 * Returns SMTPSH_OK, SMTPSH_ETLS (OpenSSL could not make them) or
 * SMTPSH_EIO (a file could not be written), with words in msg. */
enum smtpsh_err lab_tls_ensure(const char *dir, const char *address, struct lab_tls_files *f,
                               struct smtpsh_msg *msg);
/* A server SSL_CTX into *ctx (void * keeps OpenSSL out of this header).
 * Returns SMTPSH_OK or SMTPSH_ETLS (the certificate does not load), with
 * words in msg. */
enum smtpsh_err lab_tls_server_ctx(const struct lab_tls_files *f, void **ctx,
                                   struct smtpsh_msg *msg);

#endif
