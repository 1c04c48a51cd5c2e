/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the lab's protocol engines share (engine.c): the reply and
 * reason writers, the command line split once, the per-call outputs
 * (why, secret_from, delay), the error counter, injected faults, the
 * feed wrapper that marks secrets before any rule decides, and the one
 * state setter with its trace hook.  A protocol engine (smtp.c, pop3.c)
 * fills a const struct lab_engine_proto with its words and functions and
 * keeps only its protocol. */
#ifndef SMTPSH_LAB_ENGINE_H
#define SMTPSH_LAB_ENGINE_H

#include "lab/base.h"
#include "lab/faults.h"
#include "lab/sasl_server.h"

#define LAB_NOT_SECRET ((size_t)-1)

/* Appends a reply; '\n' in the text separates the lines of a multi-line
 * reply (each line carries its own code). */
void lab_say_text(struct buf *out, const char *text);
void lab_say(struct buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes the reason for the log into why (size bytes).  The reasons are
 * data for the lab's log, not errors. */
void lab_note(char *why, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* One command line, split once with proto_split(). */
struct lab_line {
	const char *raw; /* as received, without its line ending */
	size_t n;
	char verb[16]; /* upper case, cut at 15 bytes */
	char *arg;     /* into text: after the verb and one space */
	char text[LAB_CMD_LINE_MAX + 1];
};
/* line holds n <= LAB_CMD_LINE_MAX bytes and no NUL. */
void lab_line_split(struct lab_line *l, const char *line, size_t n);
/* Drops the spaces around the argument (every verb but POP3's PASS). */
void lab_line_trim(struct lab_line *l);
/* Wipes the copy (it may hold a secret). */
void lab_line_wipe(struct lab_line *l);

/* Told each change of an engine's state: from and to are state names,
 * why is short ("250 to MAIL"). */
struct lab_trace {
	void (*fn)(void *ctx, enum proto p, const char *from, const char *to, const char *why);
	void *ctx;
};

struct lab_engine;

/* One protocol's part of the engine: its words and the functions the
 * shared core calls back with the engine's owner (struct lab_smtp or
 * struct lab_pop3). */
struct lab_engine_proto {
	enum proto proto;
	const char *const *state_names; /* indexed by the engine's state enum */
	size_t nstates;
	unsigned error_limit;                /* errors before the engine hangs up */
	const char *too_many;                /* that reply; %s: the host */
	const char *too_many_why;            /* appended to why; %u: the count */
	const char *timeout, *timeout_why;   /* reply (%s: host) and reason */
	const char *shutdown, *shutdown_why; /* the same when the lab stops */
	const char *greet_drop_why;          /* drop@CONNECT */
	const char *greet_refused;           /* 421/451/454@CONNECT: reply */
	const char *greet_refused_why;       /* %s: the fault's name */
	const char *drop_why;                /* drop@VERB; %s: verb */
	const char *closing;                 /* 421@VERB: reply */
	const char *closing_why;             /* %s: verb */
	/* 451@VERB and 454@VERB: the protocol's own replies. */
	enum lab_action (*fault_451)(void *owner, const char *verb, const char *arg,
	                             struct buf *out);
	enum lab_action (*fault_454)(void *owner, const char *verb, struct buf *out);
	/* The commands that carry a secret, marked before any rule decides. */
	const struct lab_secret_verb *secret_verbs;
	size_t nsecret_verbs;
	/* Whether the line's first word is a command of the protocol. */
	bool (*is_command)(const char *line, size_t n);
	/* Whether a reply says no (4xx/5xx, -ERR). */
	bool (*is_refusal)(const char *reply, size_t n);
	/* Message text is being received: no command, no secret. */
	bool (*in_text)(const void *owner);
	/* The greeting when no fault stops it. */
	enum lab_action (*greeting)(void *owner, struct buf *out);
	/* The protocol's handling of one line. */
	enum lab_action (*feed_line)(void *owner, const char *line, size_t n, unsigned flags,
	                             struct buf *out);
};

/* The state every engine keeps; embedded as `core` in each. */
struct lab_engine {
	const struct lab_engine_proto *proto;
	void *owner;
	const char *host;
	const struct lab_faults *faults; /* NULL: none */
	struct lab_rng rng;
	struct lab_sasl sasl; /* the AUTH exchange */
	struct lab_trace trace;
	unsigned state; /* the protocol's state enum; written by lab_engine_set_state only */
	unsigned errors;
	bool auth_refused; /* the last command was an AUTH that started no
	                      exchange: lines that are no command may be the
	                      answers it would have had (secret) */
	/* Outputs of the last call, for the caller: */
	char why[400];      /* why the engine answered as it did */
	size_t secret_from; /* the input line is secret from here on;
	                       LAB_NOT_SECRET when it holds no secret */
	unsigned delay_ms;  /* hold the reply this long (slow fault) */
	bool data_line;     /* the input was message text */
};

void lab_engine_init(struct lab_engine *e, const struct lab_engine_proto *proto, void *owner,
                     const char *host, const struct lab_faults *faults, uint64_t serial,
                     unsigned state);
/* Clears the outputs of the last call. */
void lab_engine_begin_call(struct lab_engine *e);
/* The one writer of e->state: tells the trace hook (may be unset). */
void lab_engine_set_state(struct lab_engine *e, unsigned to, const char *why);
const char *lab_engine_state_name(const struct lab_engine *e, unsigned state);
/* Counts a protocol error; past the limit, says goodbye: LAB_CLOSE. */
enum lab_action lab_engine_error(struct lab_engine *e, struct buf *out);
/* The server speaks first: the greeting, or the fault drawn for it. */
enum lab_action lab_engine_greet(struct lab_engine *e, struct buf *out);
/* Draws the fault for verb and answers it: *done when it did. */
enum lab_action lab_engine_inject(struct lab_engine *e, const char *verb, const char *arg,
                                  struct buf *out, bool *done);
/* One answer in one call: reply is the text as sent ('\n' between the
 * lines of a multi-line reply), why the format of its reason for the log.
 * A refusal also counts as a protocol error (lab_engine_error).  Returns
 * LAB_GO_ON, or LAB_CLOSE when a refusal passes the error limit. */
enum lab_action lab_reply(struct lab_engine *e, struct buf *out, bool refusal, const char *reply,
                          const char *why, ...) __attribute__((format(printf, 5, 6)));
#define lab_answer(e, out, ...) lab_reply((e), (out), false, __VA_ARGS__)
#define lab_refuse(e, out, ...) lab_reply((e), (out), true, __VA_ARGS__)
/* The client idled too long / the lab stops. */
void lab_engine_timeout(struct lab_engine *e, struct buf *out);
void lab_engine_shutdown(struct lab_engine *e, struct buf *out);
/* One line: marks its secret part by the line's kind, before any rule
 * decides on it, then hands it to the protocol. */
enum lab_action lab_engine_feed(struct lab_engine *e, const char *line, size_t n, unsigned flags,
                                struct buf *out);

#endif
