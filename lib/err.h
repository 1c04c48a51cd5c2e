/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Error categories shared by every lib/ module.  A 4xx/5xx reply or a
 * POP3 -ERR is data, never an error: errors are about the transport,
 * malformed input or misuse. */
#ifndef SMTPSH_ERR_H
#define SMTPSH_ERR_H

enum err {
	ERR_OK = 0,
	ERR_NOMEM,    /* allocation failed or a bound was reached */
	ERR_IO,       /* read/write/connect failed (errno in the message) */
	ERR_CLOSED,   /* the peer closed the connection */
	ERR_TIMEOUT,  /* nothing arrived in time */
	ERR_PROTOCOL, /* the peer broke the protocol (malformed reply...) */
	ERR_TLS,      /* TLS handshake or certificate failure */
	ERR_INVALID,  /* bad argument or bad input from the user */
	ERR_BADSTATE, /* operation not possible in the current state */
};

/* A short lower-case name for the category ("timeout"). */
const char *err_name(enum err e);

#endif
