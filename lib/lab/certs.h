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
 * localhost, lab.smtpsh.test) under dir unless valid ones are there. */
enum smtpsh_err lab_tls_ensure(const char *dir, struct lab_tls_files *f, char *why, size_t whyn);
/* A server SSL_CTX (returned as void * to keep OpenSSL out of this
 * header); NULL with why on failure. */
void *lab_tls_server_ctx(const struct lab_tls_files *f, char *why, size_t whyn);

#endif
