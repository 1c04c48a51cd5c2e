/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where to connect: the TARGET argument of smtpsh and of /connect.
 *   smtp://HOST[:PORT]  pop3://  smtps://  pop3s://  (scheme in any case)
 *   USER@ before HOST   login's user name, %XX-decoded; never a password
 *   HOST[:PORT]         no scheme: the port picks it (110 POP3, 995 POP3
 *                       over TLS, 465 SMTP over TLS, else SMTP)
 *   [IPv6]:PORT         or a bare IPv6 address without a port */
#ifndef SMTPSH_TARGET_H
#define SMTPSH_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include "err.h"
#include "proto.h"

struct target {
	enum proto proto;
	char user[128]; /* smtp://USER@HOST: for login, or "" */
	char host[256];
	unsigned port;
	bool tls; /* implicit TLS (smtps://, pop3s://, --tls) */
};

/* Parses text into t.  Returns SMTPSH_OK, or SMTPSH_EINVAL with msg (may
 * be NULL) saying what is wrong and how to write it; t is then left as it
 * was.  Text from the input quoted in msg is made safe for a terminal. */
enum smtpsh_err target_parse(const char *text, struct target *t, struct smtpsh_msg *msg);

#endif
