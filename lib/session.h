/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One connection's state: protocol, state machine, capabilities, TLS,
 * login and the current transaction.  Every line in or out passes
 * through here and is reported to the session's subscribers (the shell
 * renders them, lib/recorder.c records them).  Never prints. */
#ifndef SMTPSH_SESSION_H
#define SMTPSH_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "buf.h"
#include "cmdline.h"
#include "conn.h"
#include "err.h"
#include "proto.h"
#include "reply.h"
#include "tls.h"

#define SESSION_MAX_PENDING 16
#define SESSION_MAX_CAPS 64
#define SESSION_CAP_LEN 128

/* A line just sent, as the hooks see it. */
struct session_sent {
	const char *shown; /* what may be displayed/recorded: the line, or
	                      its redacted form when secret */
	size_t shown_len;
	const char *wire; /* the real bytes sent (without CRLF): never
	                     display or record them when secret */
	size_t wire_len;
	bool secret;  /* shown is redacted */
	bool stuffed; /* DATA line that got a leading '.' added */
	bool data;    /* a line of the message (after 354) */
};

/* What happened to the connection: structured, never prose (the
 * renderer words it, the recorder writes its transcript token). */
enum session_event_kind {
	SESSION_EV_CONNECTED,      /* addr, host, port, implicit_tls */
	SESSION_EV_TLS,            /* tls, starttls, injected */
	SESSION_EV_CLOSED_BY_PEER, /* the server hung up after QUIT or its closing reply */
	SESSION_EV_CLOSED_BY_US,   /* STARTTLS failed: nothing goes out in plaintext */
};

struct session_event {
	enum session_event_kind kind;
	enum proto proto;
	/* SESSION_EV_CONNECTED */
	const char *addr; /* the numeric address connected to */
	const char *host; /* the name asked for (may be addr itself) */
	unsigned port;
	bool implicit_tls;
	/* SESSION_EV_TLS: TLS is up, after connect or after STARTTLS/STLS */
	const struct tls_info *tls;
	bool starttls;
	size_t injected; /* bytes the server sent between its go-ahead and
	                    the handshake, which were discarded */
};

/* One subscriber: any hook may be NULL. */
struct session_hooks {
	void *ctx;
	void (*sent)(void *ctx, const struct session_sent *s);
	void (*line)(void *ctx, const struct reply_line *l);
	void (*reply)(void *ctx, const struct reply *r);
	/* l may be NULL; msg is one line without a newline, in the reader's
	 * language; msg_en is the same in English, for transcripts (which
	 * are language-neutral). */
	void (*error)(void *ctx, enum smtpsh_err e, const char *msg, const char *msg_en,
	              const struct reply_line *l);
	void (*event)(void *ctx, const struct session_event *ev);
	/* The state machine moved (from != to); why is short text: "250 to
	 * RCPT", "+OK to PASS", "connection closed"... */
	void (*state)(void *ctx, enum proto p, enum pstate from, enum pstate to, const char *why);
};

#define SESSION_MAX_SUBSCRIBERS 4

/* Who listens, told in the order they subscribed. */
struct session_subscribers {
	struct session_hooks list[SESSION_MAX_SUBSCRIBERS];
	size_t n;
};

/* One state change, as kept in the session's recent history. */
struct session_transition {
	enum pstate from, to;
	char why[48];
};

#define SESSION_MAX_TRANSITIONS 8

/* A command waiting for its reply. */
struct session_pending {
	char verb[16];  /* "" for the greeting, "DATA" for the final "." */
	char warn[200]; /* the sequence rule it broke when sent, or "" */
	bool has_arg;
	bool expect_body;    /* POP3 */
	bool unknown;        /* verb not in the protocol table */
	bool auth_unoffered; /* SMTP AUTH sent though EHLO listed no AUTH */
	bool has_msgno;      /* POP3: the argument is a message number */
	/* a line of this AUTH exchange, up to this one, was not base64
	 * (a user name typed as it is after 334 "Username:") */
	bool sasl_not_b64;
	/* this line carried a password, or base64 credentials, without TLS:
	 * the first such line of the connection only (say it once) */
	bool cleartext_secret;
	unsigned long msgno;
};

struct session {
	enum proto proto;
	const struct proto_handler *handler; /* of proto */
	enum pstate state;                   /* changed only by the setter in session.c */
	struct conn conn;
	struct reply_parser parser;
	struct session_subscribers subs;

	struct session_pending pending[SESSION_MAX_PENDING];
	size_t npending;

	/* The reply being delivered to the hooks: what it answers. */
	const struct session_pending *answering; /* NULL: unsolicited */

	/* Capabilities from the last EHLO / CAPA (forgotten after TLS). */
	char caps[SESSION_MAX_CAPS][SESSION_CAP_LEN]; /* raw: made safe where shown */
	size_t ncaps;
	bool caps_known;
	/* Server text, raw: made safe where shown (text_safe()). */
	char server_name[256]; /* EHLO's first line, or "" */
	char banner[512];      /* greeting text */
	char apop_stamp[256];  /* POP3 greeting's <timestamp>, or "" */

	bool tls;
	bool tls_due; /* the server said go ahead: session_start_tls() next */
	struct tls_opts tls_opts;
	struct tls_info tls_info;
	bool authenticated;
	char auth_user[128]; /* from AUTH LOGIN/PLAIN or USER, if known */

	/* SASL exchange in progress */
	enum pstate sasl_prev; /* state to return to */
	char sasl_mech[32];
	unsigned sasl_step;       /* responses sent so far */
	char sasl_challenge[256]; /* last challenge decoded, raw (may hold NULs) */
	size_t sasl_challenge_len;
	bool sasl_challenge_b64ok;
	bool sasl_saw_not_b64; /* an answer of this exchange was not base64 */
	bool cleartext_told;   /* a cleartext_secret line went out on this connection */

	/* Transaction / mailbox counters */
	unsigned rcpts;               /* accepted in the current message */
	unsigned messages_sent;       /* 250 after the final "." */
	unsigned long data_lines;     /* lines typed in the current DATA */
	long pop3_count, pop3_octets; /* from STAT, -1 unknown */
	/* POP3 multi-line summaries for the reply being read */
	unsigned long body_items;
	unsigned long long body_sum;

	size_t reply_lines;       /* lines of the reply being read */
	unsigned protocol_errors; /* malformed replies, timeouts, drops */
	bool quit_sent;
	time_t connected_at, last_rx, last_tx;
	int timeout_ms; /* reply and write timeout */
	bool offline;   /* replaying a transcript: nothing is
	                   written, bytes come from session_feed() */

	/* The last SESSION_MAX_TRANSITIONS state changes (a ring). */
	struct session_transition transitions[SESSION_MAX_TRANSITIONS];
	unsigned long ntransitions; /* changes since session_init */
};

enum send_flag {
	SEND_SECRET = 1 << 0,   /* redact whatever the line is */
	SEND_REDACTED = 1 << 1, /* offline: the line is a redacted form from
	                           a transcript; show it as it is */
};

/* hooks, when not NULL, is the first subscriber. */
void session_init(struct session *s, enum proto p, const struct session_hooks *hooks,
                  int timeout_ms);
/* Adds a subscriber, told after those before it.  Errors: SMTPSH_ENOMEM
 * when SESSION_MAX_SUBSCRIBERS already listen. */
enum smtpsh_err session_subscribe(struct session *s, const struct session_hooks *hooks);
/* Removes the subscribers whose ctx is ctx. */
void session_unsubscribe(struct session *s, const void *ctx);
void session_free(struct session *s);

/* Errors: every function below that can fail writes one sentence into
 * its msg (may be NULL) on failure.  A failure that ends the connection
 * (a write cut short, the server hanging up, a TLS handshake after
 * STARTTLS) is also told to the subscribers' error hooks, in the same
 * words; so are errors met while replies are delivered (a malformed
 * reply), which are no failure of the call that read them.  The session
 * keeps no "last error": nothing shows one later. */

/* Connects (with TLS first when implicit_tls) and queues the greeting as
 * the first awaited reply.  Errors: those of conn_connect() and
 * tls_start() (then msg carries the TLS advice too, and the connection is
 * closed). */
enum smtpsh_err session_connect(struct session *s, const char *host, unsigned port, int family,
                                bool implicit_tls, struct smtpsh_msg *msg);

/* Sends one line (CRLF added).  In DATA state the line is message data
 * (dot-stuffed; a lone "." ends the message).  Errors: SMTPSH_ESTATE (not
 * connected, too many replies outstanding, a TLS upgrade due), SMTPSH_EINVAL (line holds CR or
 * LF), SMTPSH_ENOMEM, and the write errors of conn_write(): after those the
 * connection is closed (a line cut short cannot be taken back) and the
 * error hook has been told. */
enum smtpsh_err session_send(struct session *s, const char *line, size_t len, unsigned flags,
                             struct smtpsh_msg *msg);
/* The same for a line parsed once (cmdline_parse and session_classify):
 * c->wire is sent, c->is_secret redacts it. */
enum smtpsh_err session_send_cmdline(struct session *s, const struct cmdline *c, unsigned flags,
                                     struct smtpsh_msg *msg);

/* Reads what arrives within timeout_ms and delivers it to the hooks.
 * Errors: SMTPSH_ETIMEOUT when nothing came, SMTPSH_ECLOSED when the
 * connection is gone (or went now: the hooks were told unless the server
 * closed after QUIT), SMTPSH_ESTATE (nothing read) while a TLS upgrade is
 * due, SMTPSH_EIO (poll failed), SMTPSH_ENOMEM. */
enum smtpsh_err session_pump(struct session *s, int timeout_ms, struct smtpsh_msg *msg);

/* The reply to STARTTLS / STLS said go ahead: the reader stops there and
 * the loop that pumps (or feeds) must call session_start_tls() before it
 * reads, or sends, anything more. */
bool session_tls_due(const struct session *s);
/* The TLS handshake (offline: the parser is reset and TLS counts as up).
 * Bytes the server sent after its go-ahead are discarded and reported to
 * the tls hook as injected.  Errors: SMTPSH_ESTATE (no upgrade due), and
 * those of tls_start(): then the connection is closed and the error hook
 * has been told (msg gets the same sentence, with the TLS advice). */
enum smtpsh_err session_start_tls(struct session *s, struct smtpsh_msg *msg);

/* Replies still owed for the commands sent (and the greeting). */
size_t session_replies_owed(const struct session *s);
/* Stop waiting for the replies owed: they show as unsolicited if they
 * come (Ctrl-C while waiting). */
void session_stop_waiting(struct session *s);
/* A failure noticed outside the session (a silent server, a line the
 * shell refused) counts among protocol_errors. */
void session_count_error(struct session *s);

/* Offline sessions (show, replay): starts as if connected, awaiting the
 * greeting; bytes received are handed in with session_feed(). */
void session_start_offline(struct session *s);
/* Errors: SMTPSH_ENOMEM (the reply reader could not take the bytes).  A
 * malformed reply is told to the error hooks, not returned. */
enum smtpsh_err session_feed(struct session *s, const void *p, size_t n, struct smtpsh_msg *msg);
/* The recorded connection ended. */
void session_feed_eof(struct session *s);

bool session_connected(const struct session *s);
bool session_awaiting(const struct session *s);
/* The sequence rule a typed line would break, or what the server said
 * against it (AUTH when its EHLO reply listed no AUTH), or NULL. */
const char *session_check(const struct session *s, const char *line);
/* Whether the line would be sent as a secret (PASS's argument, AUTH
 * PLAIN's initial response, the answer to a "Password:" challenge...). */
bool session_is_secret(const struct session *s, const char *line);
/* The same on a parsed line: sets c->is_secret. */
void session_classify(const struct session *s, struct cmdline *c);
const char *session_check_cmdline(const struct session *s, const struct cmdline *c);
/* The capability whose keyword is kw (case-insensitive), or NULL. */
const char *session_cap(const struct session *s, const char *kw);
struct proto_ctx session_proto_ctx(const struct session *s);
/* The i-th of the state changes still kept, oldest first (i from 0), or
 * NULL past the last one. */
const struct session_transition *session_transition(const struct session *s, size_t i);
void session_close(struct session *s);

#endif
