/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lab's server (server.c): the event loop and its connections. */
#ifndef SMTPSH_LAB_SERVER_H
#define SMTPSH_LAB_SERVER_H

#include "lab/certs.h"
#include "lab/faults.h"
#include "lab/persona.h"
#include "lab/users.h"

struct lab_server_config {
	const char *dir;
	unsigned port_base; /* 0: LAB_DEFAULT_PORT_BASE */
	const struct lab_users *users;
	const struct lab_persona *persona;
	struct lab_persona_run *persona_run; /* its flag and locks; NULL: none */
	const struct lab_faults *faults;     /* NULL or no rules: none */
	size_t max_message;                  /* 0: LAB_MAX_MESSAGE */
	unsigned max_connections;            /* 0: 4000 */
	int idle_timeout_s;                  /* 0: 300 (Postfix smtpd_timeout) */
	int line_timeout_s;                  /* a started line must end within; 0: 60 */
	bool ipv6;                           /* also listen on ::1 when it exists */
	/* An IPv4 or IPv6 literal to listen on instead of loopback (NULL:
	 * 127.0.0.1 and ::1).  Not loopback: every login needs TLS first. */
	const char *listen_addr;
	const char *domains; /* "a.test,b.test": more local domains; NULL: none */
	/* MAIL without HELO/EHLO (Postfix's default smtpd_helo_required=no);
	 * false: refused with 503 as by the reference Postfix. */
	bool helo_optional;
	/* Called for every log line (no newline); may be NULL. */
	void (*log)(void *ctx, const char *line);
	void *log_ctx;
	/* Called for every state change of a session's engine (serial: the
	 * connection's number, from/to: state names, why: "250 to MAIL");
	 * may be NULL. */
	void (*trace)(void *ctx, uint64_t serial, enum proto p, const char *from, const char *to,
	              const char *why);
	void *trace_ctx;
};

struct lab_server;

struct lab_stats {
	unsigned long connections; /* accepted since start */
	unsigned long open;        /* open now */
	unsigned long peak;        /* most open at once */
	unsigned long messages;    /* stored */
	unsigned long timeouts;
	unsigned long tls_handshakes;
	unsigned long refused; /* over max_connections */
};

/* Binds every port, makes or loads the certificate, opens the store.
 * Returns SMTPSH_OK with the server in *out, or with *out NULL and words
 * in msg: SMTPSH_ENOMEM, SMTPSH_EINVAL (port base out of range), SMTPSH_EIO
 * (a port cannot be bound, the store or a mailbox cannot be made, no epoll)
 * or SMTPSH_ETLS (the certificate cannot be made or loaded). */
enum smtpsh_err lab_server_new(const struct lab_server_config *cfg, struct lab_server **out,
                               struct smtpsh_msg *msg);
const struct lab_tls_files *lab_server_tls(const struct lab_server *s);
unsigned lab_server_port(const struct lab_server *s, enum lab_service svc);
/* Runs until lab_server_stop().  SMTPSH_EIO when the loop itself fails. */
enum smtpsh_err lab_server_run(struct lab_server *s);
/* Async-signal-safe: makes lab_server_run return soon. */
void lab_server_stop(struct lab_server *s);
void lab_server_stats(const struct lab_server *s, struct lab_stats *st);
void lab_server_free(struct lab_server *s);

#endif
