/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lab: a practice mail server on loopback, built into smtpsh.
 *
 * One process, one event loop (lab_server), five services over one
 * Maildir store (lab_store):
 *
 *   service     default port  --port-base N  what it is
 *   smtp        2525          N              port 25 style: STARTTLS offered,
 *                                            AUTH offered also in cleartext (a
 *                                            teaching port: the seeds type AUTH
 *                                            LOGIN over telnet); mail to the
 *                                            lab's users accepted without AUTH,
 *                                            relaying refused
 *   submission  2587          N+62           port 587: STARTTLS required before
 *                                            AUTH/MAIL (530), AUTH required
 *                                            before RCPT (554)
 *   smtps       2465          N-60           port 465: implicit TLS, AUTH required
 *   pop3        2110          N-415          port 110: STLS offered; USER/PASS/
 *                                            APOP/AUTH allowed in cleartext (on
 *                                            loopback, as Dovecot does)
 *   pop3s       2995          N+470          port 995: implicit TLS
 *
 * The protocol logic is sans-I/O: lab_smtp and lab_pop3 are state
 * machines fed one line at a time that append their replies to a buffer
 * and say what the caller must do next (enum lab_action).  Replies copy
 * Postfix 3.7 and Dovecot 2.3 (see the captures in the reference notes).
 *
 * Local domains (mail to them is stored): localhost, smtpsh.test,
 * lab.smtpsh.test, the address literal [127.0.0.1], and with a persona
 * its domain (qq.com, 163.com, gmail.com, outlook.com).
 *
 * Nothing here prints or exits; the server reports through a log
 * callback. */
#ifndef SMTPSH_LAB_H
#define SMTPSH_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "buf.h"
#include "err.h"
#include "proto.h"

#define LAB_HOST "lab.smtpsh.test"
#define LAB_DEFAULT_PORT_BASE 2525
#define LAB_MAX_MESSAGE 10240000 /* SIZE, as Postfix's message_size_limit */
#define LAB_CMD_LINE_MAX 2048    /* Postfix's line_length_limit */
#define LAB_TEXT_LINE_MAX 998    /* RFC 5321 4.5.3.1.6, CRLF excluded */
#define LAB_MAX_RCPTS 100        /* Postfix's smtpd_recipient_limit is 1000 */
#define LAB_HARD_ERRORS 20       /* Postfix's smtpd_hard_error_limit */
#define LAB_POP3_BAD_COMMANDS 10 /* Dovecot disconnects after 10 */
#define LAB_NAME_MAX 64
#define LAB_SECRET_MAX 128
#define LAB_ADDR_MAX 320
#define LAB_UID_MAX 72 /* RFC 1939: 1 to 70 characters */

/* ---- services and ports ---- */

enum lab_service {
	LAB_SVC_SMTP,
	LAB_SVC_SUBMISSION,
	LAB_SVC_SMTPS,
	LAB_SVC_POP3,
	LAB_SVC_POP3S,
	LAB_SVC_COUNT
};

struct lab_service_info {
	const char *name;   /* "submission" */
	const char *scheme; /* URL scheme: "smtp", "smtps", "pop3", "pop3s" */
	enum proto proto;
	int offset; /* port = base + offset */
	bool implicit_tls;
	bool tls_required;   /* STARTTLS before anything but EHLO/NOOP/RSET/QUIT */
	bool auth_required;  /* no recipient without AUTH */
	const char *summary; /* one line for the start-up screen */
};
extern const struct lab_service_info lab_services[LAB_SVC_COUNT];

/* The port of a service for --port-base base; 0 when it falls outside
 * 1..65535. */
unsigned lab_service_port(unsigned base, enum lab_service s);
/* The smallest and largest base that keeps every port in 1024..65535. */
unsigned lab_port_base_min(void);
unsigned lab_port_base_max(void);

/* ---- what a state machine asks its caller to do ---- */

enum lab_action {
	LAB_GO_ON,        /* send what is in out (maybe nothing), read on */
	LAB_STARTTLS,     /* send out, forget buffered input, TLS handshake */
	LAB_CLOSE,        /* send out, then close */
	LAB_DROP,         /* close at once, sending nothing (a fault) */
	LAB_DELIVER,      /* SMTP: commit the message, then lab_smtp_delivered() */
	LAB_SEND_MESSAGE, /* POP3: stream message send_index, then read on */
};

/* Flags for a line handed to a machine. */
enum lab_line_flag {
	LAB_LINE_BARE_LF = 1 << 0,  /* ended in LF without CR */
	LAB_LINE_TOO_LONG = 1 << 1, /* cut: the reader dropped the rest */
};

/* ---- users (lab_users.c) ---- */

struct lab_user {
	char name[LAB_NAME_MAX];
	char password[LAB_SECRET_MAX];
	char authcode[LAB_SECRET_MAX]; /* "" when none */
};

struct lab_users {
	struct lab_user *v;
	size_t n;
};

/* alice:alice-pw:alicecode1234567 and bob:bob-pw:bobcode123456789. */
enum smtpsh_err lab_users_defaults(struct lab_users *u);
/* One "name:password[:authcode]" per line; '#' comments and blank lines
 * are skipped.  Names: letters, digits, '.', '-', '_' (they are mailbox
 * directories).  SMTPSH_EINVAL with the line and the reason in why. */
enum smtpsh_err lab_users_parse(struct lab_users *u, const char *text, char *why, size_t whyn);
enum smtpsh_err lab_users_load(struct lab_users *u, const char *path, char *why, size_t whyn);
void lab_users_free(struct lab_users *u); /* wipes the secrets */
/* Case-insensitive, as Postfix's virtual mailbox lookups. */
const struct lab_user *lab_users_find(const struct lab_users *u, const char *name);

/* ---- personas (lab_persona.c) ---- */

/* A provider's login rules and texts, imitated.  Reply texts hold whole
 * reply lines (with the code) separated by '\n'. */
struct lab_persona {
	const char *name;            /* --persona NAME */
	const char *provider;        /* "QQ Mail" */
	const char *domain;          /* its mail domain, local in the lab */
	const char *host;            /* name in the SMTP greeting and EHLO */
	const char *smtp_greeting;   /* the 220 line */
	const char *pop3_greeting;   /* the +OK line, before the APOP timestamp */
	bool code_only;              /* only the authorization code logs in */
	const char *smtp_needs_code; /* the password was sent, not the code */
	const char *smtp_bad;        /* wrong user or secret */
	const char *pop3_needs_code; /* whole -ERR line */
	const char *pop3_bad;
	const char *rule;   /* the rule in one sentence */
	const char *source; /* where the texts come from */
};
extern const struct lab_persona lab_personas[];
extern const size_t lab_personas_len;
/* NULL when unknown ("none" and "" give NULL too). */
const struct lab_persona *lab_persona_find(const char *name);

enum lab_auth {
	LAB_AUTH_OK,
	LAB_AUTH_BAD,        /* unknown user or wrong secret */
	LAB_AUTH_NEEDS_CODE, /* the password, where the persona wants the code */
};

/* A secret in clear (PLAIN, LOGIN, USER/PASS).  *who is the user when
 * the result is OK.  Without a persona only the password logs in. */
enum lab_auth lab_auth_check(const struct lab_users *u, const struct lab_persona *p,
                             const char *user, const char *secret, const struct lab_user **who);
/* Where the secret part of a command line starts, judged by the command's
 * kind alone, before any state or rule decides on it (so a refusal --
 * 530, 503, a fault, a bare LF, a line too long -- never logs it): the
 * response after "AUTH mechanism", and in POP3 the argument of PASS and
 * the digest of APOP.  SIZE_MAX when the line holds none. */
size_t lab_secret_offset(enum proto p, const char *line, size_t n);
/* Whether the line's first word (up to a space, any case) is verb. */
bool lab_line_verb_is(const char *line, size_t n, const char *verb);

/* CRAM-MD5 (RFC 2195): challenge_b64 as sent in the 334/+ line, response
 * the client's decoded "user hex-digest". */
enum lab_auth lab_auth_cram(const struct lab_users *u, const struct lab_persona *p,
                            const char *challenge_b64, const char *response,
                            const struct lab_user **who);
/* APOP (RFC 1939 7): timestamp with its <>. */
enum lab_auth lab_auth_apop(const struct lab_users *u, const struct lab_persona *p,
                            const char *timestamp, const char *user, const char *digest,
                            const struct lab_user **who);

/* ---- faults (lab_faults.c) ----
 *
 * SPEC = ITEM *("," ITEM)
 * ITEM = "seed=" NUMBER
 *      | KIND ["@" VERB] [":" CHANCE]
 * KIND = "421" | "451" | "454" | "drop" | "slow" ["=" MILLISECONDS]
 * VERB = a command verb (MAIL, RCPT, AUTH, RETR...), "CONNECT" for the
 *        greeting, "DOT" for the end of DATA, or "*" for any
 * CHANCE = a percentage ("30%") or a fraction ("0.3"); 100% when absent
 *
 * 421 answers "421 4.3.0 ..." (POP3: "-ERR [SYS/TEMP] ...") and closes;
 * 451 is a temporary local error (queue file, lookup; POP3 [SYS/TEMP]);
 * 454 a temporary authentication or TLS failure; drop closes without a
 * word; slow holds the reply (default 3000 ms).  Without a VERB: 421,
 * drop and slow hit any command; 451 hits MAIL RCPT DATA DOT (POP3: the
 * maildrop commands); 454 hits AUTH and STARTTLS (POP3: USER PASS APOP
 * AUTH STLS).  Each connection draws from its own generator seeded with
 * the seed and the connection's number, so the same seed gives a class
 * the same faults in the same places. */

enum lab_fault_kind {
	LAB_FAULT_NONE,
	LAB_FAULT_421,
	LAB_FAULT_451,
	LAB_FAULT_454,
	LAB_FAULT_DROP,
	LAB_FAULT_SLOW,
};

#define LAB_FAULT_RULES 16
struct lab_fault_rule {
	enum lab_fault_kind kind;
	char verb[16];     /* upper case; "*" any; "" the kind's default */
	unsigned permille; /* chance out of 1000 */
	unsigned delay_ms; /* slow */
};

struct lab_faults {
	uint64_t seed;
	struct lab_fault_rule rules[LAB_FAULT_RULES];
	size_t n;
};

/* A deterministic generator (splitmix64): simulation, not secrecy. */
struct lab_rng {
	uint64_t state;
};
void lab_rng_seed(struct lab_rng *r, uint64_t seed, uint64_t stream);
uint64_t lab_rng_next(struct lab_rng *r);

struct lab_fault {
	enum lab_fault_kind kind; /* the first hit among 421/451/454/drop */
	unsigned delay_ms;        /* the sum of the slow hits */
};

/* SMTPSH_EINVAL with a sentence in why.  An empty spec gives no rules. */
enum smtpsh_err lab_faults_parse(struct lab_faults *f, const char *spec, char *why, size_t whyn);
/* The spec back in canonical form ("seed=7,451@RCPT:30%"). */
void lab_faults_format(const struct lab_faults *f, char *out, size_t n);
/* What to inject before answering verb (upper case) in protocol p. */
struct lab_fault lab_faults_pick(const struct lab_faults *f, struct lab_rng *r, enum proto p,
                                 const char *verb);
const char *lab_fault_name(enum lab_fault_kind k);

/* ---- the SMTP state machine (lab_smtp.c) ---- */

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
	size_t max_size;
	const struct lab_users *users;
	const struct lab_persona *persona; /* NULL: none */
	const struct lab_faults *faults;   /* NULL: none */
};

enum lab_sasl_step {
	LAB_SASL_NONE,
	LAB_SASL_PLAIN,      /* waiting for the PLAIN response */
	LAB_SASL_LOGIN_USER, /* waiting for the base64 user name */
	LAB_SASL_LOGIN_PASS, /* waiting for the base64 password */
	LAB_SASL_CRAM,       /* waiting for "user digest" */
};

/* ---- the server-side SASL engine (lab_sasl.c), shared by SMTP and POP3 ---- */

/* Appends a reply; '\n' in the text separates the lines of a multi-line
 * reply (each line carries its own code). */
void lab_say_text(struct buf *out, const char *text);
void lab_say(struct buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes the reason for the log into why (size bytes). */
void lab_note(char *why, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* How one protocol words the exchange: the server-side counterpart of
 * the client's curl_sasl.c parameters.  Replies are whole lines; "why"
 * parts are notes for the log. */
struct lab_sasl_proto {
	enum proto proto;          /* which persona texts */
	const char *go_on;         /* "334 " / "+ ": the continuation */
	const char *bad_initial;   /* the initial response is not base64 */
	const char *bad_continued; /* an answer is not base64 */
	const char *bad_continued_why;
	bool nul_is_bad_base64; /* a NUL in any answer but PLAIN's */
	const char *aborted;    /* the answer "*" */
	const char *aborted_why;
	bool abort_is_error;        /* "*" counts as an error */
	const char *plain_asks_why; /* PLAIN without an initial response */
	const char *plain_bad;      /* PLAIN: not authzid NUL user NUL pass */
	const char *plain_bad_why;
	bool authz_named;                             /* a refused authzid has its own words */
	const char *refused;                          /* the generic refusal (no persona) */
	const char *login_user_hint;                  /* after "Username:" */
	const char *login_ir_pre, *login_ir_post;     /* user in the AUTH line */
	const char *login_user_pre, *login_user_post; /* user as an answer */
	bool login_user_checked;                      /* refuse an empty or overlong name */
	const char *cram_ir;                          /* CRAM-MD5 with an initial response;
	                                                 NULL: an unsupported mechanism */
	const char *cram_ir_why;
	const char *cram_why;
	bool cram_bounded; /* a long CRAM answer is no answer */
	const char *unsupported;
	const char *unsupported_why_tail;
	const char *no_user_tail; /* after "there is no user 'x'" */
	const char *wrong_tail;   /* after "wrong password for x" */
	/* The protocol's own parts: the error counter, what a login does
	 * (SMTP: 235; POP3: open the maildrop), and what a refusal forgets
	 * (checked: the credentials were checked, not malformed). */
	enum lab_action (*error)(void *owner, struct buf *out);
	enum lab_action (*logged_in)(void *owner, const struct lab_user *who, const char *how,
	                             struct buf *out);
	void (*failed)(void *owner, bool checked);
};

/* The state of one exchange, and what it answers to. */
struct lab_sasl {
	enum lab_sasl_step step;
	char user[LAB_NAME_MAX]; /* LOGIN's user name */
	char challenge[192];     /* CRAM-MD5 challenge as sent, base64 */
	const struct lab_sasl_proto *proto;
	void *owner;
	char *why;
	size_t why_size;
	const char *host;
	const struct lab_users *users;
	const struct lab_persona *persona;
};

void lab_sasl_bind(struct lab_sasl *x, const struct lab_sasl_proto *proto, void *owner, char *why,
                   size_t why_size, const char *host, const struct lab_users *users,
                   const struct lab_persona *persona);
/* Ends an exchange and wipes its secrets. */
void lab_sasl_reset(struct lab_sasl *x);
/* AUTH mech [initial-response]: mech is upper-cased in place. */
enum lab_action lab_sasl_start(struct lab_sasl *x, char *mech, const char *ir, struct buf *out);
/* One answer line during an exchange (x->step != LAB_SASL_NONE). */
enum lab_action lab_sasl_continue(struct lab_sasl *x, const char *line, size_t n, struct buf *out);
/* The verdict on checked credentials; how: "AUTH PLAIN", "USER/PASS"... */
enum lab_action lab_sasl_verdict(struct lab_sasl *x, enum lab_auth r, const struct lab_user *who,
                                 const char *user, const char *how, struct buf *out);

struct lab_smtp {
	const struct lab_smtp_config *cfg;
	struct lab_smtp_hooks hooks;
	struct lab_rng rng;
	char client[96]; /* "unknown[127.0.0.1]", as Postfix names it */
	char client_ip[64];
	bool tls;
	char tls_desc[96]; /* "TLSv1.3 with cipher ..." for the trace */
	bool greeted;      /* EHLO or HELO seen (since TLS) */
	bool esmtp;
	char helo[256];
	const struct lab_user *auth; /* the logged-in user, or NULL */
	struct lab_sasl sasl;        /* the AUTH exchange */
	bool auth_refused;           /* the last command was an AUTH that started no
	                                exchange: lines that are no command may be
	                                the answers it would have had (secret) */
	bool in_mail;
	char mail_from[LAB_ADDR_MAX];
	bool rcpt_tried;
	size_t nrcpt;
	size_t rcpt[LAB_MAX_RCPTS]; /* indices into cfg->users->v */
	char first_rcpt[LAB_ADDR_MAX];
	bool in_data;
	bool data_in_header;
	size_t data_octets; /* as sent, CRLF counted */
	size_t data_lines;
	bool data_too_big, data_line_too_long, data_write_failed;
	unsigned errors;
	unsigned messages; /* accepted on this connection */
	/* Outputs of the last call, for the caller: */
	char why[400];      /* why the machine answered as it did */
	size_t secret_from; /* the input line is secret from here on;
	                       SIZE_MAX when it holds no secret */
	unsigned delay_ms;  /* hold the reply this long (slow fault) */
	bool data_line;     /* the input was message text */
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
/* The client was idle too long / the lab stops. */
void lab_smtp_timeout(struct lab_smtp *s, struct buf *out);
void lab_smtp_shutdown(struct lab_smtp *s, struct buf *out);
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

/* ---- the POP3 state machine (lab_pop3.c) ---- */

struct lab_msg {
	char uid[LAB_UID_MAX];
	char file[256]; /* name under new/ or cur/ ("new/...") */
	size_t octets;  /* size as sent: CRLF line endings */
	bool deleted;
};

struct lab_maildrop {
	struct lab_msg *v;
	size_t n;
	int lock_fd;
	char user[LAB_NAME_MAX];
};

enum lab_drop_status { LAB_DROP_OK, LAB_DROP_IN_USE, LAB_DROP_FAILED };

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
	const struct lab_users *users;
	const struct lab_persona *persona;
	const struct lab_faults *faults;
};

enum lab_pop3_state { LAB_POP3_AUTHORIZATION, LAB_POP3_TRANSACTION, LAB_POP3_DONE };

struct lab_pop3 {
	const struct lab_pop3_config *cfg;
	struct lab_pop3_hooks hooks;
	struct lab_rng rng;
	bool tls;
	enum lab_pop3_state state;
	char user[LAB_NAME_MAX]; /* after USER */
	bool have_user;
	struct lab_sasl sasl; /* the AUTH exchange */
	char timestamp[128];  /* APOP: "<pid.clock.serial@host>" */
	const struct lab_user *auth;
	struct lab_maildrop drop;
	bool drop_open;
	bool auth_refused; /* as in struct lab_smtp */
	unsigned bad_commands;
	unsigned auth_failures;
	/* Outputs of the last call: */
	char why[400];
	size_t secret_from;
	unsigned delay_ms;
	size_t send_index;    /* LAB_SEND_MESSAGE: index into drop.v */
	long send_body_lines; /* TOP's line count; -1 for RETR */
};

void lab_pop3_init(struct lab_pop3 *p, const struct lab_pop3_config *cfg,
                   const struct lab_pop3_hooks *hooks, uint64_t serial, bool tls);
enum lab_action lab_pop3_greet(struct lab_pop3 *p, struct buf *out);
enum lab_action lab_pop3_feed(struct lab_pop3 *p, const char *line, size_t n, unsigned flags,
                              struct buf *out);
void lab_pop3_tls_started(struct lab_pop3 *p);
void lab_pop3_timeout(struct lab_pop3 *p, struct buf *out);
void lab_pop3_shutdown(struct lab_pop3 *p, struct buf *out);
/* The connection is gone: unlock without the UPDATE state. */
void lab_pop3_end(struct lab_pop3 *p);

/* Turns a stored message (LF or CRLF line ends) into its POP3 form: CRLF,
 * dot-stuffed, then ".".  For TOP, body_lines limits the body (-1: all). */
struct lab_stuffer {
	long body_lines; /* left to send; -1: unlimited */
	bool in_body;
	bool at_line_start;
	bool pending_cr;
	bool line_empty; /* the current line has no byte yet */
	bool done;       /* TOP's limit reached: stop feeding */
};
void lab_stuffer_init(struct lab_stuffer *st, long body_lines);
/* Appends the POP3 form of p[0..n) to out; false when out is full. */
bool lab_stuffer_feed(struct lab_stuffer *st, const char *p, size_t n, struct buf *out);
/* Ends the last line and appends ".\r\n". */
bool lab_stuffer_finish(struct lab_stuffer *st, struct buf *out);

/* ---- the Maildir store (lab_store.c) ----
 *
 * DIR/mail/USER/{tmp,new,cur}/ per user; DIR/spool/ for messages being
 * received.  A message is written to the spool, fsync'd, linked into each
 * recipient's tmp/, renamed into new/, and each new/ directory fsync'd,
 * all before the 250.  Files hold LF line ends; names carry ",S=" (bytes
 * on disk) and ",W=" (octets as POP3 sends them). */

struct lab_store {
	char dir[4096];
	unsigned seq;
	unsigned long delivered; /* messages committed since start */
};

enum smtpsh_err lab_store_open(struct lab_store *st, const char *dir, char *why, size_t whyn);
/* Creates DIR/mail/USER/{tmp,new,cur}. */
enum smtpsh_err lab_store_add_user(struct lab_store *st, const char *user);

struct lab_spool {
	int fd;
	char path[4200];
	char id[64];        /* the queue id shown in "250 ... queued as" */
	char name[128];     /* the Maildir base name it gets */
	size_t bytes;       /* on disk */
	size_t octets;      /* as POP3 will send it */
	struct buf pending; /* written in blocks */
	bool failed;
};
enum smtpsh_err lab_spool_begin(struct lab_store *st, struct lab_spool *sp);
/* Appends text (LF line ends). */
enum smtpsh_err lab_spool_write(struct lab_spool *sp, const char *p, size_t n);
void lab_spool_abort(struct lab_spool *sp);

/* One message of a commit batch. */
struct lab_delivery {
	struct lab_spool *spool;
	const char *const *users; /* recipients' user names */
	size_t nusers;
	bool ok; /* result */
};
/* Group commit: fsyncs every spool, links each into its recipients'
 * mailboxes, then fsyncs each new/ directory once.  ok says per message
 * whether it is safely stored; the spools are closed and removed. */
void lab_store_commit(struct lab_store *st, struct lab_delivery *d, size_t n);

enum lab_drop_status lab_store_maildrop_open(struct lab_store *st, const char *user,
                                             struct lab_maildrop *drop);
bool lab_store_maildrop_commit(struct lab_store *st, struct lab_maildrop *drop);
void lab_store_maildrop_close(struct lab_maildrop *drop);
/* An open read-only descriptor for message i, or -1. */
int lab_store_message_open(struct lab_store *st, const struct lab_maildrop *drop, size_t i);
/* Messages waiting in user's mailbox (new/ + cur/). */
size_t lab_store_count(struct lab_store *st, const char *user);

/* ---- TLS material (lab_tls.c) ---- */

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

/* ---- the server (lab_server.c) ---- */

struct lab_server_config {
	const char *dir;
	unsigned port_base; /* 0: LAB_DEFAULT_PORT_BASE */
	const struct lab_users *users;
	const struct lab_persona *persona;
	const struct lab_faults *faults; /* NULL or no rules: none */
	size_t max_message;              /* 0: LAB_MAX_MESSAGE */
	unsigned max_connections;        /* 0: 4000 */
	int idle_timeout_s;              /* 0: 300 (Postfix smtpd_timeout) */
	int line_timeout_s;              /* a started line must end within; 0: 60 */
	bool ipv6;                       /* also listen on ::1 when it exists */
	/* Called for every log line (no newline); may be NULL. */
	void (*log)(void *ctx, const char *line);
	void *log_ctx;
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
 * NULL with a sentence in why. */
struct lab_server *lab_server_new(const struct lab_server_config *cfg, char *why, size_t whyn);
const struct lab_tls_files *lab_server_tls(const struct lab_server *s);
unsigned lab_server_port(const struct lab_server *s, enum lab_service svc);
/* Runs until lab_server_stop().  SMTPSH_EIO when the loop itself fails. */
enum smtpsh_err lab_server_run(struct lab_server *s);
/* Async-signal-safe: makes lab_server_run return soon. */
void lab_server_stop(struct lab_server *s);
void lab_server_stats(const struct lab_server *s, struct lab_stats *st);
void lab_server_free(struct lab_server *s);

#endif
