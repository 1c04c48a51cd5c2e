/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The message being written after 354, as the typing helpers see it:
 * whether the header block is over, the stack of open multiparts and
 * their boundaries, and the lines each helper produces.  Sans-I/O: the
 * shell sends the lines (each ended by "\n") and tells the composer about
 * every line that went out, typed or produced. */
#ifndef SMTPSH_MIME_COMPOSE_H
#define SMTPSH_MIME_COMPOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "buf.h"
#include "err.h"
#include "mime/encode.h"

#define COMPOSE_DEPTH_MAX 8
#define COMPOSE_BOUNDARY_SIZE 40

enum compose_multipart { COMPOSE_MIXED, COMPOSE_ALTERNATIVE, COMPOSE_RELATED };

struct compose {
	bool in_body;           /* the blank line after the headers went out */
	bool mime_version_sent; /* MIME-Version: 1.0 is in the header block */
	bool top_typed;         /* the top level has its Content-Type (multipart or a part) */
	bool closed;            /* the top multipart was closed: the message is whole */
	size_t depth;           /* open multiparts */
	enum compose_multipart kind[COMPOSE_DEPTH_MAX];
	char boundary[COMPOSE_DEPTH_MAX][COMPOSE_BOUNDARY_SIZE];
};

/* The transfer encoding a part was given. */
enum compose_cte { COMPOSE_7BIT, COMPOSE_QP, COMPOSE_BASE64 };

/* What a helper did, for the shell's note. */
struct compose_done {
	bool word_encoded; /* /header: the value holds encoded words */
	enum mime_word_encoding word;
	enum compose_cte cte;  /* /text, /attach, /inline */
	bool wrote_headers;    /* the part went in at the top: headers and blank line */
	bool filename_rfc2231; /* /attach: a non-ASCII file name */
	char type[128];        /* the part's or multipart's content type */
	char boundary[COMPOSE_BOUNDARY_SIZE];
	size_t depth; /* multiparts open afterwards */
	size_t lines; /* lines produced */
};

void compose_init(struct compose *c);

/* Every line sent in the message (no CRLF), typed or produced: a blank
 * line ends the header block. */
void compose_observe(struct compose *c, const char *line, size_t n);

/* Every function below appends lines to out and fills done; on an error
 * it appends nothing, says why in msg and returns SMTPSH_ESTATE (not
 * possible where the message is), SMTPSH_EINVAL (bad input) or
 * SMTPSH_ENOMEM (out's max).  After SMTPSH_OK the caller sends the lines
 * and passes each to compose_observe(). */

/* NAME: VALUE, folded at 78; a value that is not ASCII becomes RFC 2047
 * words (for an address header, its display name only). */
enum smtpsh_err compose_header(struct compose *c, const char *name, const char *value,
                               struct buf *out, struct compose_done *done, struct smtpsh_msg *msg);
/* Date: in RFC 5322 form with the local offset at now. */
enum smtpsh_err compose_date(struct compose *c, time_t now, struct buf *out,
                             struct compose_done *done, struct smtpsh_msg *msg);
/* Message-ID: <random@host>. */
enum smtpsh_err compose_msgid(struct compose *c, const char *host, struct buf *out,
                              struct compose_done *done, struct smtpsh_msg *msg);
/* A multipart of kind with a fresh boundary: at the top, MIME-Version and
 * Content-Type and the blank line; nested, a boundary line and a part
 * header. */
enum smtpsh_err compose_multipart(struct compose *c, enum compose_multipart kind, struct buf *out,
                                  struct compose_done *done, struct smtpsh_msg *msg);
/* Closes the innermost multipart ("--boundary--"). */
enum smtpsh_err compose_end(struct compose *c, struct buf *out, struct compose_done *done,
                            struct smtpsh_msg *msg);
/* A text part (subtype "plain" or "html") of UTF-8 text[0..n): 7bit when
 * ASCII with short lines, quoted-printable when mostly ASCII, base64
 * otherwise. */
enum smtpsh_err compose_text(struct compose *c, const char *subtype, const char *text, size_t n,
                             struct buf *out, struct compose_done *done, struct smtpsh_msg *msg);
/* A base64 part of data[0..n) named filename (a base name): type NULL
 * guesses it; cid NULL makes an attachment, otherwise an inline part with
 * Content-ID <cid>. */
enum smtpsh_err compose_attach(struct compose *c, const char *filename, const char *type,
                               const char *cid, const void *data, size_t n, struct buf *out,
                               struct compose_done *done, struct smtpsh_msg *msg);

/* The content type of a file: from its first bytes (PNG, JPEG, GIF, PDF,
 * ZIP), else its name's extension, else application/octet-stream. */
const char *compose_guess_type(const char *filename, const void *data, size_t n);

const char *compose_multipart_name(enum compose_multipart kind);
const char *compose_cte_name(enum compose_cte cte);

#endif
