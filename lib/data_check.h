/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lines a person types after 354, checked as they go: a sans-I/O
 * checker fed one message line at a time that gives warnings as data (the
 * shell words them).  It never blocks a line: a test message may be wrong
 * on purpose. */
#ifndef SMTPSH_DATA_CHECK_H
#define SMTPSH_DATA_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "headers.h"

/* RFC 5322 2.1.1: a line is at most 998 octets before its CRLF. */
#define DATA_LINE_MAX 998

enum data_warning_kind {
	DATA_WARN_NOT_A_HEADER, /* a header-block line without "Name:" (the body began?) */
	DATA_WARN_NAME_TYPO,    /* a header name close to a known one: name, known */
	DATA_WARN_NO_DATE,      /* the header block ended without Date */
	DATA_WARN_NO_FROM,      /* the header block ended without From */
	DATA_WARN_HEADER_8BIT,  /* bytes over 127 in a header: name */
	DATA_WARN_BODY_8BIT,    /* bytes over 127 in the body, no BODY=8BITMIME */
	DATA_WARN_LINE_TOO_LONG /* over DATA_LINE_MAX octets: octets */
};

struct data_warning {
	enum data_warning_kind kind;
	unsigned long line;              /* 1 for the first line after 354 */
	char name[HEADER_NAME_MAX + 1];  /* the header name as typed (cut), or "" */
	const struct header_info *known; /* NAME_TYPO: what it likely meant */
	size_t octets;                   /* LINE_TOO_LONG: the line's length */
};

/* The most warnings one line can give: a line that is no header (which
 * ends the block: both missing headers), its 8-bit text, its length. */
#define DATA_CHECK_MAX_WARNINGS 5

struct data_check {
	bool body_8bitmime; /* MAIL FROM had BODY=8BITMIME */
	bool in_body;       /* the header block is over */
	bool ended;         /* the lone "." came */
	bool has_date, has_from;
	bool date_typo, from_typo;           /* already told: a mistyped Date or From */
	bool body_8bit_told;                 /* said once per message */
	char last_name[HEADER_NAME_MAX + 1]; /* of the header a continuation continues */
	unsigned long lines;
};

/* A new message; body_8bitmime: its MAIL FROM said BODY=8BITMIME. */
void data_check_init(struct data_check *c, bool body_8bitmime);

/* One typed line (no CRLF, before dot-stuffing; "." alone ends the
 * message).  Writes up to DATA_CHECK_MAX_WARNINGS into out and returns
 * how many.  A line after the end gives none. */
size_t data_check_line(struct data_check *c, const char *line, size_t len,
                       struct data_warning out[DATA_CHECK_MAX_WARNINGS]);

#endif
