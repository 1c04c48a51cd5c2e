/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A protocol is one handler: a constant table (struct proto_handler) that
 * holds everything that differs between SMTP and POP3: its name, ports and
 * URL schemes, how its replies are read, its states, commands, sequence
 * rules, what a reply does to the session, its annotations.  The handlers
 * live in proto_smtp.c and proto_pop3.c; proto_handler_get() finds one.
 * Outside the handlers nothing asks which protocol a session speaks. */
#ifndef SMTPSH_PROTO_H
#define SMTPSH_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include "reply.h"

/* Adding a value here makes -Wswitch name every switch to extend. */
enum proto { PROTO_SMTP, PROTO_POP3 };

/* One state enum for both protocols; each handler lists (and names) the
 * states its sessions go through: proto_state_name() gives the word shown
 * in the prompt ("smtp:rcpt>"). */
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

enum cmd_flag {
	CMD_BODY_ALWAYS = 1 << 0, /* +OK is followed by a body */
	CMD_BODY_NOARG = 1 << 1,  /* ... when given no argument */
	CMD_SECRET_ARG = 1 << 2,  /* arguments are a secret (PASS) */
	CMD_STARTS_TLS = 1 << 3,  /* STARTTLS / STLS */
	CMD_STARTS_DATA = 1 << 4, /* DATA */
	CMD_SASL = 1 << 5,        /* AUTH */
	CMD_QUIT = 1 << 6,
	CMD_GREETS = 1 << 7,     /* EHLO / HELO / LHLO */
	CMD_MSGNO_ARG = 1 << 8,  /* the argument is a message number (RETR 1) */
	CMD_NAMES_USER = 1 << 9, /* the argument is the user logging in (USER) */
};

struct proto_cmd {
	const char *verb;   /* upper case */
	unsigned flags;     /* enum cmd_flag */
	const char *syntax; /* "MAIL FROM:<address>" */
	const char *help;   /* one line */
};

/* What the session knows that the sequence rules need. */
struct proto_ctx {
	enum proto proto;
	enum pstate state;
	bool tls;
	bool authenticated;
};

/* One sequence rule: `verb` is refused, with `why`, when `when` holds.  A
 * handler's rules for one verb are tried in table order; the first that
 * holds speaks.  A row with why NULL says the verb is allowed whenever the
 * protocol is in a state that takes commands (every command has a row). */
enum proto_rule_when {
	RULE_NEVER,     /* always allowed */
	RULE_IN_STATES, /* the state is one of `states` (PSTATE_BIT) */
	RULE_TLS_ON,    /* TLS is already active */
	RULE_LOGGED_IN, /* already authenticated */
};
#define PSTATE_BIT(s) (1u << (s))
struct proto_rule {
	const char *verb;
	enum proto_rule_when when;
	unsigned states; /* for RULE_IN_STATES */
	const char *why;
};

struct proto_state_name {
	enum pstate state;
	const char *name;
};

struct proto_scheme {
	const char *name; /* "smtps" */
	bool tls;         /* implicit TLS: the handler's tls_port */
};

/* How a reply reads to the person: the shell colours it by this. */
enum reply_severity {
	SEVERITY_NONE, /* not a status it knows */
	SEVERITY_OK,   /* 2xx, +OK */
	SEVERITY_MORE, /* 3xx, "+ ": go on */
	SEVERITY_TEMP, /* 4xx: try again later */
	SEVERITY_FAIL, /* 5xx, -ERR */
};

struct session;
struct lab_engine_ops;

struct proto_handler {
	enum proto proto;
	const char *name;  /* "smtp": prompts, URLs, transcripts */
	const char *title; /* "SMTP": in sentences */
	unsigned port;     /* IANA default, plaintext */
	unsigned tls_port; /* IANA default, implicit TLS */
	const struct proto_scheme *schemes;
	size_t nschemes;
	enum reply_mode reply_mode; /* how lib/reply reads its replies */

	const struct proto_state_name *states; /* every state it goes through */
	size_t nstates;
	enum pstate greeted; /* after the greeting, and after a TLS upgrade */

	const struct proto_cmd *cmds;
	size_t ncmds;
	const struct proto_rule *rules; /* the sequence rules */
	size_t nrules;
	/* Commands of older RFCs that servers no longer offer (RFC 821's
	 * TURN): not in cmds, so neither completed nor sent as known, but
	 * named for what they are when typed or explained. */
	const struct proto_cmd *historical;
	size_t nhistorical;

	/* The session after one line of a reply (capabilities, listings),
	 * and after a whole reply (the state machine).  verb: what the
	 * reply answers ("" the greeting, NULL unsolicited). */
	void (*on_line)(struct session *s, const char *verb, const struct reply_line *l,
	                bool first);
	void (*on_reply)(struct session *s, const char *verb, const struct reply *r,
	                 const char *why);
	/* A reply's status as the person reads it: "250", "+OK". */
	void (*status_text)(int code, char *out, size_t n);
	enum reply_severity (*severity)(int code);
	/* The code provider hints are keyed by (lib/provider.h): the SMTP
	 * code; -1 for a POP3 -ERR, 0 for any other POP3 status. */
	int (*provider_code)(int code);
	/* Whether a transcript's first received line (the greeting) reads
	 * as this protocol's: how show guesses when no header says. */
	bool (*looks_like)(const char *line, size_t n);
	int tls_go_ahead;          /* the code that answers CMD_STARTS_TLS with "go ahead" */
	const char *tls_verb;      /* "STARTTLS": the command and its capability keyword */
	const char *caps_verb;     /* "EHLO": the command that lists capabilities */
	bool caps_verb_names_host; /* it takes the client's host name (EHLO host) */
	/* The capability without which AUTH is refused as unknown; NULL when
	 * the protocol does not say so in its capabilities. */
	const char *auth_cap;

	/* Annotations (lib/annot.c keeps the tables): one capability line,
	 * one reply status answering verb. */
	const char *(*annot_cap)(const char *text, char *buf, size_t bufsz);
	const char *(*annot_status)(int code, const char *verb, char *buf, size_t bufsz);
	/* The advice once STARTTLS/STLS has upgraded the connection. */
	const char *annot_after_tls;

	const struct lab_engine_ops *lab; /* its practice server's engine (lib/lab/engines.h) */
};

extern const struct proto_handler proto_smtp_handler;
extern const struct proto_handler proto_pop3_handler;

/* Every handler, in the order URL schemes and bare ports are matched. */
extern const struct proto_handler *const proto_handlers[];
extern const size_t proto_handlers_len;

/* The handler of p.  Never NULL. */
const struct proto_handler *proto_handler_get(enum proto p);

/* The handler named name ("smtp", "POP3": case-insensitive), or NULL. */
const struct proto_handler *proto_handler_by_name(const char *name);
/* The protocol a transcript's first received line reads as: the first
 * handler whose looks_like() holds, else the first handler's. */
enum proto proto_guess(const char *line, size_t n);
/* Whether url starts with an implicit-TLS scheme and its colon
 * ("smtps:", "pop3s:"), as a transcript's target header writes it
 * (lower case).  url may be NULL. */
bool proto_url_implicit_tls(const char *url);

const char *proto_name(enum proto p);        /* "smtp" / "pop3" */
const char *proto_state_name(enum pstate s); /* "rcpt", "trans", ... */

/* The command for verb (case-insensitive), or NULL when unknown. */
const struct proto_cmd *proto_find(enum proto p, const char *verb);
/* The same in any protocol: the first handler's that knows verb. */
const struct proto_cmd *proto_find_any(const char *verb);

/* Splits a typed line into its verb (upper-cased into verb[], at most
 * vsz-1 bytes) and returns a pointer to the arguments (after one space;
 * "" when none).  "MAIL FROM:<a>" gives "MAIL" and "FROM:<a>". */
const char *proto_split(const char *line, char *verb, size_t vsz);

/* The sequence rules.  NULL when `verb` makes sense now; otherwise a
 * sentence saying what is missing ("RCPT before MAIL: say who the sender
 * is first with MAIL FROM:<address>").  Unknown verbs are not judged. */
const char *proto_check(const struct proto_ctx *ctx, const char *verb, bool has_arg);

/* The closest known verb to an unknown one ("HELLO" -> "HELO", "REST"
 * -> "RSET"), or NULL when nothing is close.  Typos are weighed by edit
 * distance counting a swap of two neighbours as one edit; on a tie, the
 * verb with the same first and last letters wins. */
const char *proto_suggest(enum proto p, const char *verb);

/* The historical command verb names in p ("TURN": help says what it did
 * and where it went), or NULL. */
const struct proto_cmd *proto_find_historical(enum proto p, const char *verb);

#endif
