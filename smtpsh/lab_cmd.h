/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `smtpsh lab` (the practice server in the foreground) and the lab run in
 * the background of the shell for `smtpsh --lab`. */
#ifndef SMTPSH_LAB_CMD_H
#define SMTPSH_LAB_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include "err.h"

/* Filled from the command line by cli.c (`smtpsh lab` and `--lab`). */
struct lab_options {
	const char *dir;        /* NULL: $XDG_DATA_HOME/smtpsh/lab */
	const char *users_file; /* NULL: alice and bob */
	unsigned port_base;     /* 0: 2525, or the next free of 3525, 4525... */
	const char *persona;    /* NULL: none */
	const char *faults;     /* NULL: none */
	long idle_timeout_s;    /* 0: the server's default */
	long line_timeout_s;    /* 0: the server's default */
	long max_connections;   /* 0: the server's default (foreground only) */
	bool quiet;             /* the log only in DIR/lab.log (foreground only) */
	bool trace;             /* state changes on stderr (foreground only) */
	const char *listen;     /* an IPv4/IPv6 literal; NULL: loopback (foreground only) */
	long class_size;        /* 0: none; else that many student accounts (foreground only) */
	const char *domains;    /* "a.test,b.test": more local domains; NULL: none */
	bool helo_optional;     /* MAIL without HELO/EHLO (a lesson's seed skips it) */
	bool force;             /* --class may replace DIR/class.txt */
};

/* `smtpsh lab`: runs the lab in the foreground until a signal stops it,
 * saying on standard error why it could not start.  Returns SMTPSH_OK,
 * SMTPSH_EINVAL (a bad option value, users file, persona or fault spec;
 * no home to keep the lab in) or SMTPSH_EIO (it could not start or run:
 * ports in use, the directory or log unwritable). */
enum smtpsh_err lab_run(const struct lab_options *o);

/* Forks a child that runs the lab on loopback (logging only to
 * DIR/lab.log, out of the terminal's process group so that Ctrl-C in the
 * shell leaves it alone, and ending with its parent).  Returns SMTPSH_OK
 * once its ports accept connections, with the SMTP URL
 * ("smtp://127.0.0.1:2525") and the lab CA's path (for --cafile).
 * Errors, with msg saying why: SMTPSH_EINVAL (a bad persona, users file
 * or fault spec; no home for the lab), SMTPSH_ESTATE (one runs already),
 * SMTPSH_EIO (no free ports, pipe or fork failed, the lab did not start). */
enum smtpsh_err lab_start_background(const struct lab_options *o, char *smtp_url, size_t n,
                                     char *cafile, size_t m, struct smtpsh_msg *msg);
/* A few lines telling the user what the lab offers (users, ports, what
 * to type first) for the shell to print; "" before a successful start. */
const char *lab_background_guide(void);
/* Stops the background lab (SIGTERM, then waits for it). */
void lab_stop_background(void);

#endif
