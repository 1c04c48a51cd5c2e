/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `smtpsh lab` (the practice server in the foreground) and the lab run in
 * the background of the shell for `smtpsh --lab`. */
#ifndef SMTPSH_LAB_CMD_H
#define SMTPSH_LAB_CMD_H

#include <stddef.h>

struct lab_options {
	const char *dir;        /* NULL: $XDG_DATA_HOME/smtpsh/lab */
	const char *users_file; /* NULL: alice and bob */
	unsigned port_base;     /* 0: 2525, or the next free of 3525, 4525... */
	const char *persona;    /* NULL: none */
	const char *faults;     /* NULL: none */
};

/* argv[0] is "lab".  Returns the exit status. */
int lab_main(int argc, char **argv);

/* Forks a child that runs the lab on loopback (logging only to
 * DIR/lab.log, out of the terminal's process group so that Ctrl-C in the
 * shell leaves it alone, and ending with its parent).  Returns 0 once its
 * ports accept connections, with the SMTP URL ("smtp://127.0.0.1:2525")
 * and the lab CA's path (for --cafile); -1 with lab_background_error()
 * saying why. */
int lab_start_background(const struct lab_options *o, char *smtp_url, size_t n, char *cafile,
                         size_t m);
/* A sentence about the last lab_start_background() failure. */
const char *lab_background_error(void);
/* A few lines telling the user what the lab offers (users, ports, what
 * to type first) for the shell to print; "" before a successful start. */
const char *lab_background_guide(void);
/* Stops the background lab (SIGTERM, then waits for it). */
void lab_stop_background(void);

#endif
