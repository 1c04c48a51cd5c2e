/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The dot-stuffer (stuffer.c): a stored message as RETR and TOP send it. */
#ifndef SMTPSH_LAB_STUFFER_H
#define SMTPSH_LAB_STUFFER_H

#include <stdbool.h>

#include "buf.h"

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

#endif
