/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lab's POP3 engine (pop3.c). */
#ifndef SMTPSH_LAB_POP3_H
#define SMTPSH_LAB_POP3_H

#include "lab/engine.h"
#include "lab/faults.h"
#include "lab/sasl_server.h"
#include "lab/store.h"

struct lab_pop3_hooks {
	void *ctx;
	/* Locks and lists user's mailbox into drop. */
	enum lab_drop_status (*open)(void *ctx, const char *user, struct lab_maildrop *drop);
	/* The UPDATE state: removes the messages marked deleted. */
	bool (*commit)(void *ctx, struct lab_maildrop *drop);
	/* Unlocks and frees drop. */
	void (*close)(void *ctx, struct lab_maildrop *drop);
};

struct lab_pop3_config {
	const char *host;
	const char *greeting; /* text after "+OK ", before the timestamp */
	bool tls_available;
	bool remote; /* listening beyond loopback: no login before STLS */
	const struct lab_users *users;
	const struct lab_persona *persona;
	struct lab_persona_run *persona_run; /* flag and locks; NULL: none */
	const struct lab_faults *faults;
};

enum lab_pop3_state {
	LAB_POP3_AUTHORIZATION,
	LAB_POP3_TRANSACTION,
	LAB_POP3_DONE, /* after QUIT */
	LAB_POP3_STATES
};
extern const char *const lab_pop3_state_names[LAB_POP3_STATES];

struct lab_pop3 {
	struct lab_engine core; /* state, why, secret_from, delay_ms, sasl, bad commands */
	const struct lab_pop3_config *cfg;
	struct lab_pop3_hooks hooks;
	bool tls;
	char user[LAB_NAME_MAX]; /* after USER */
	bool have_user;
	char timestamp[128]; /* APOP: "<pid.clock.serial@host>" */
	const struct lab_user *auth;
	struct lab_maildrop drop;
	bool drop_open;
	unsigned auth_failures;
	/* Outputs of the last call, besides the core's: */
	size_t send_index;    /* LAB_SEND_MESSAGE: index into drop.v */
	long send_body_lines; /* TOP's line count; -1 for RETR */
};

void lab_pop3_init(struct lab_pop3 *p, const struct lab_pop3_config *cfg,
                   const struct lab_pop3_hooks *hooks, uint64_t serial, bool tls);
enum lab_action lab_pop3_greet(struct lab_pop3 *p, struct buf *out);
enum lab_action lab_pop3_feed(struct lab_pop3 *p, const char *line, size_t n, unsigned flags,
                              struct buf *out);
void lab_pop3_tls_started(struct lab_pop3 *p);
/* The connection is gone: unlock without the UPDATE state. */
void lab_pop3_end(struct lab_pop3 *p);

#endif
