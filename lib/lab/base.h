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
#ifndef SMTPSH_LAB_BASE_H
#define SMTPSH_LAB_BASE_H

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

#endif
