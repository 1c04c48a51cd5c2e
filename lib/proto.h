/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SMTP and POP3 as data: commands, their flags and help, the session
 * states, and which command each state allows (the sequence rules). */
#ifndef SMTPSH_PROTO_H
#define SMTPSH_PROTO_H

#include <stdbool.h>
#include <stddef.h>

enum proto { PROTO_SMTP, PROTO_POP3 };

/* One state enum for both protocols; proto_state_name() gives the word
 * shown in the prompt ("smtp:rcpt>"). */
enum pstate {
	ST_GREETING, /* connected, waiting for the banner */
	ST_CLOSED,   /* not connected */
	/* SMTP */
	ST_SMTP_INIT,  /* greeted; no EHLO/HELO yet */
	ST_SMTP_READY, /* EHLO/HELO accepted; no transaction */
	ST_SMTP_MAIL,  /* MAIL FROM accepted */
	ST_SMTP_RCPT,  /* at least one RCPT TO accepted */
	ST_SMTP_DATA,  /* 354 received: typing the message */
	ST_SASL,       /* inside an AUTH exchange (both protocols) */
	/* POP3 (RFC 1939 §3) */
	ST_POP3_AUTH,  /* AUTHORIZATION state */
	ST_POP3_USER,  /* USER accepted, PASS expected */
	ST_POP3_TRANS, /* TRANSACTION state */
};

const char *proto_name(enum proto p);        /* "smtp" / "pop3" */
const char *proto_state_name(enum pstate s); /* "rcpt", "trans", ... */

enum cmd_flag {
	CMD_BODY_ALWAYS = 1 << 0, /* POP3: +OK is followed by a body */
	CMD_BODY_NOARG = 1 << 1,  /* POP3: ... when given no argument */
	CMD_SECRET_ARG = 1 << 2,  /* arguments are a secret (PASS) */
	CMD_STARTS_TLS = 1 << 3,  /* STARTTLS / STLS */
	CMD_STARTS_DATA = 1 << 4, /* DATA */
	CMD_SASL = 1 << 5,        /* AUTH */
	CMD_QUIT = 1 << 6,
	CMD_GREETS = 1 << 7, /* EHLO / HELO / LHLO */
};

struct proto_cmd {
	enum proto proto;
	const char *verb;   /* upper case */
	unsigned flags;     /* enum cmd_flag */
	const char *syntax; /* "MAIL FROM:<address>" */
	const char *help;   /* one line */
};
extern const struct proto_cmd proto_cmds[];
extern const size_t proto_cmds_len;

/* The command for verb (case-insensitive), or NULL when unknown. */
const struct proto_cmd *proto_find(enum proto p, const char *verb);

/* Splits a typed line into its verb (upper-cased into verb[], at most
 * vsz-1 bytes) and returns a pointer to the arguments (after one space;
 * "" when none).  "MAIL FROM:<a>" gives "MAIL" and "FROM:<a>". */
const char *proto_split(const char *line, char *verb, size_t vsz);

/* What the session knows that the sequence rules need. */
struct proto_ctx {
	enum proto proto;
	enum pstate state;
	bool tls;
	bool authenticated;
};

/* The sequence rules.  NULL when `verb` makes sense now; otherwise a
 * sentence saying what is missing ("RCPT before MAIL: say who the sender
 * is first with MAIL FROM:<address>").  Unknown verbs are not judged. */
const char *proto_check(const struct proto_ctx *ctx, const char *verb, bool has_arg);

/* The closest known verb to an unknown one ("HELLO" -> "HELO"), or NULL
 * when nothing is close. */
const char *proto_suggest(enum proto p, const char *verb);

#endif
