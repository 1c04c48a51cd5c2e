/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lab's SMTP engine (smtp.c). */
#ifndef SMTPSH_LAB_SMTP_H
#define SMTPSH_LAB_SMTP_H

#include "lab/engine.h"
#include "lab/faults.h"
#include "lab/sasl_server.h"

struct lab_smtp;

/* How the message text leaves the machine: the server spools it. */
struct lab_smtp_hooks {
	void *ctx;
	/* DATA accepted: open a spool for the message (false: 451). */
	bool (*data_begin)(void *ctx, struct lab_smtp *s);
	/* One unstuffed text line, without its CRLF (false: write error,
	 * answered 451 at the end). */
	bool (*data_line)(void *ctx, const char *line, size_t n);
	/* The message was refused at its end (too big, bad line...). */
	void (*data_abort)(void *ctx);
};

struct lab_smtp_config {
	const char *host;       /* in the greeting and several replies */
	const char *greeting;   /* the whole 220 line's text after "220 " */
	bool tls_available;     /* a certificate is loaded */
	bool tls_required;      /* submission before STARTTLS */
	bool auth_required;     /* submission, smtps */
	bool auth_in_cleartext; /* offer AUTH before TLS */
	bool remote;            /* listening beyond loopback: AUTH only after TLS */
	const char *domains;    /* "a.test,b.test": more local domains (lab_domains_has) */
	bool helo_optional;     /* MAIL without HELO/EHLO, as Postfix's default */
	size_t max_size;
	const struct lab_users *users;
	const struct lab_persona *persona;   /* NULL: none */
	struct lab_persona_run *persona_run; /* flag and locks; NULL: none */
	const struct lab_faults *faults;     /* NULL: none */
};

/* The states, in order; lab_smtp_state_names has their words. */
enum lab_smtp_state {
	LAB_SMTP_INIT,    /* greeted by the server; no EHLO/HELO yet (or since TLS) */
	LAB_SMTP_READY,   /* EHLO or HELO seen */
	LAB_SMTP_MAIL,    /* MAIL FROM accepted */
	LAB_SMTP_RCPT,    /* a recipient accepted */
	LAB_SMTP_DATA,    /* receiving the message text */
	LAB_SMTP_DELIVER, /* the message ended: waiting for lab_smtp_delivered() */
	LAB_SMTP_STATES
};
extern const char *const lab_smtp_state_names[LAB_SMTP_STATES];

struct lab_smtp {
	struct lab_engine core; /* state, why, secret_from, delay_ms, data_line, sasl */
	const struct lab_smtp_config *cfg;
	struct lab_smtp_hooks hooks;
	char client[96]; /* "unknown[127.0.0.1]", as Postfix names it */
	char client_ip[64];
	bool tls;
	char tls_desc[96]; /* "TLSv1.3 with cipher ..." for the trace */
	bool esmtp;
	char helo[256];
	const struct lab_user *auth; /* the logged-in user, or NULL */
	char mail_from[LAB_ADDR_MAX];
	bool rcpt_tried;
	size_t nrcpt;
	size_t rcpt[LAB_MAX_RCPTS]; /* indices into cfg->users->v */
	char first_rcpt[LAB_ADDR_MAX];
	size_t data_octets; /* as sent, CRLF counted */
	size_t data_lines;
	bool data_too_big, data_line_too_long, data_write_failed;
	unsigned messages; /* accepted on this connection */
};

/* client_ip: the peer's address as text; serial: the connection's number
 * (seeds the fault generator); tls: implicit TLS is up. */
void lab_smtp_init(struct lab_smtp *s, const struct lab_smtp_config *cfg,
                   const struct lab_smtp_hooks *hooks, const char *client_ip, uint64_t serial,
                   bool tls);
enum lab_action lab_smtp_greet(struct lab_smtp *s, struct buf *out);
/* One line without its line ending. */
enum lab_action lab_smtp_feed(struct lab_smtp *s, const char *line, size_t n, unsigned flags,
                              struct buf *out);
/* The TLS handshake after STARTTLS succeeded: everything is forgotten
 * (RFC 3207 4.2), the client must EHLO again.  desc: "TLSv1.3 with
 * cipher ...". */
void lab_smtp_tls_started(struct lab_smtp *s, const char *desc);
/* After LAB_DELIVER: ok false means the store failed (451). */
enum lab_action lab_smtp_delivered(struct lab_smtp *s, bool ok, const char *queue_id,
                                   struct buf *out);
/* "Return-Path:" and "Received:" for the message being received. */
bool lab_smtp_trace(const struct lab_smtp *s, const char *queue_id, time_t now, struct buf *out);
void lab_smtp_wipe(struct lab_smtp *s);

/* Parses "FROM:<a@b> PARAMS" (keyword "FROM:" or "TO:").  The address
 * (without <>, source route dropped) goes to addr; *params to what
 * follows.  False on a syntax error. */
bool lab_smtp_parse_path(const char *arg, const char *keyword, char *addr, size_t n,
                         const char **params);
/* Whether domain (no brackets for names, "[127.0.0.1]" for literals) is
 * delivered locally. */
bool lab_domain_is_local(const char *domain, const struct lab_persona *p);

#endif
