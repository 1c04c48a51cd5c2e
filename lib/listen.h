/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A TCP socket on loopback (listen.c): the lab's ports, serve's one
 * client, and the check that a port is free all set it up the same way. */
#ifndef SMTPSH_LISTEN_H
#define SMTPSH_LISTEN_H

#include <stdbool.h>

#include "err.h"

struct listen_spec {
	int family;          /* AF_INET: 127.0.0.1; AF_INET6: [::1], IPv6 only */
	unsigned port;       /* 0: the kernel picks one */
	int backlog;         /* 0: bound only, not listening (is the port free?) */
	bool nonblocking;    /* for an event loop */
	const char *address; /* NULL: loopback; else a literal of family (lab --listen) */
};

struct listen_socket {
	int fd;        /* -1 when it failed */
	unsigned port; /* the port bound: the kernel's pick when spec->port is 0 */
	int errnum;    /* the failed call's errno */
	bool opened;   /* socket() worked: the failure came at bind, listen or getsockname */
};

/* Opens a close-on-exec, SO_REUSEADDR socket on loopback (or spec->address), binds it to
 * spec->port and listens when spec->backlog > 0.  Returns SMTPSH_OK, or
 * SMTPSH_EIO with out->fd -1, out->errnum and out->opened telling the
 * caller what failed (for its own words) and msg the call and the reason
 * ("bind: Address already in use"). */
enum smtpsh_err listen_loopback(const struct listen_spec *spec, struct listen_socket *out,
                                struct smtpsh_msg *msg);
/* The family of an IPv4 or IPv6 literal (AF_INET, AF_INET6), or 0 when
 * text is neither; *loopback tells whether it is 127/8 or ::1. */
int listen_address_family(const char *text, bool *loopback);

#endif
