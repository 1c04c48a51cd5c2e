/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The server's view of a protocol engine: one const table per protocol
 * (lab_smtp_ops in smtp.c, lab_pop3_ops in pop3.c), so that the event
 * loop (server.c) never asks which protocol a connection speaks. */
#ifndef SMTPSH_LAB_ENGINES_H
#define SMTPSH_LAB_ENGINES_H

#include "lab/pop3.h"
#include "lab/smtp.h"

/* Everything an engine may need to start; each takes its own parts. */
struct lab_engine_start {
	const struct lab_smtp_config *smtp;
	const struct lab_smtp_hooks *smtp_hooks;
	const struct lab_pop3_config *pop3;
	const struct lab_pop3_hooks *pop3_hooks;
	const char *client_ip;
	uint64_t serial; /* the connection's number: seeds the fault generator */
	bool tls;        /* implicit TLS is up */
	struct lab_trace trace;
};

/* Greeting, lines, timeouts and shutdown go through the shared core
 * (lab_engine_greet(), lab_engine_feed()...); the rest differs. */
struct lab_engine_ops {
	const char *busy; /* the whole reply (CRLF included) when the lab is full; %s: host */
	/* The verbs 451@ and 454@ hit when a fault rule names none, each
	 * between spaces: " MAIL RCPT ". */
	const char *fault_451_verbs, *fault_454_verbs;
	/* Starts the engine in m; returns its shared core. */
	struct lab_engine *(*start)(void *m, const struct lab_engine_start *st);
	/* TLS is up: implicit (before the greeting) or after STARTTLS/STLS. */
	void (*tls_up)(void *m, const char *desc, bool implicit);
	/* Why the session ended when the client hung up without a goodbye. */
	const char *(*hangup_why)(const void *m);
	/* The connection is gone: unlock what the session holds, wipe it. */
	void (*end)(void *m);
};

extern const struct lab_engine_ops lab_smtp_ops;
extern const struct lab_engine_ops lab_pop3_ops;

#endif
