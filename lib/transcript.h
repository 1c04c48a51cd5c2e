/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Transcripts: the S:/R: record of a session (format in
 * docs/transcript-format.md).  A writer hooked to the session, written
 * line by line so a crash loses nothing already shown, and a streaming
 * reader that also accepts hand-written transcripts in seed 002's style
 * ("R:220 ...") and RFC 5321-style captures (C: client, S: server). */
#ifndef SMTPSH_TRANSCRIPT_H
#define SMTPSH_TRANSCRIPT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include "buf.h"
#include "err.h"

#define TRANSCRIPT_MAGIC "#smtpsh-transcript"
#define TRANSCRIPT_VERSION 1
#define TRANSCRIPT_MAX_LINE (4 * 65536 + 64) /* an escaped 64 KiB line */

struct transcript_writer {
	FILE *f;
	bool timestamps;
	struct timespec t0;
	struct buf line; /* scratch */
};

/* Creates or replaces path and writes the header.  target is the URL,
 * proto "smtp"/"pop3".  The file is 0600 (transcripts may hold addresses
 * and mail) even when it existed; a symbolic link at path is not
 * followed, and a path that is not a regular file of ours is refused.
 * Errors: ERR_IO (errbuf says why). */
enum err transcript_open(struct transcript_writer *w, const char *path,
			 const char *target, const char *proto,
			 bool timestamps, char *errbuf, size_t errsz);
/* The same for a new file that must not exist yet (O_EXCL): the default
 * transcripts under the state directory.  Errors: ERR_IO. */
enum err transcript_create(struct transcript_writer *w, const char *path, const char *target,
                           const char *proto, bool timestamps, char *errbuf, size_t errsz);
/* A line the client sent (without CRLF).  When redacted, shown replaces
 * the bytes and the line is marked as redacted. */
void transcript_sent(struct transcript_writer *w, const char *bytes,
		     size_t len, bool redacted);
/* A line received; ending says how it ended on the wire: "\r\n", "\n",
 * or "" when the connection closed before its end. */
void transcript_received(struct transcript_writer *w, const char *bytes,
			 size_t len, const char *ending);
/* An event: "connected ...", "tls ...", "closed ...", "error ...". */
void transcript_event(struct transcript_writer *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void transcript_close(struct transcript_writer *w);

enum transcript_kind {
	TR_SENT,      /* bytes: what the client sent */
	TR_RECEIVED,  /* bytes: what the server sent */
	TR_EVENT,     /* text: the event line after "-- " */
	TR_HEADER,    /* key/value from the header block */
	TR_COMMENT,   /* "# text" elsewhere: a lesson's narration */
};

struct transcript_item {
	enum transcript_kind kind;
	struct buf bytes;     /* unescaped content, without the line end */
	const char *ending;   /* "\r\n", "\n" or "" (exact lines) */
	bool redacted;        /* a secret line: bytes holds its shown form */
	double at;            /* relative time in seconds, or -1 */
	char key[32];         /* TR_HEADER */
	unsigned long lineno; /* line in the file */
};

struct transcript_reader {
	FILE *f;
	unsigned long lineno;
	bool rfc5321;         /* S: is the server, C: the client */
	bool in_body;         /* an S:/R:/-- line was seen: no more header */
	struct buf raw;
	char err[256];
};

void transcript_reader_init(struct transcript_reader *r, FILE *f);
void transcript_item_init(struct transcript_item *it);
void transcript_item_free(struct transcript_item *it);
/* Next item; ERR_CLOSED at end of file, ERR_INVALID for a malformed line
 * (r->err: "line 12: ..."; reading may go on with the next line),
 * ERR_NOMEM for a line past TRANSCRIPT_MAX_LINE. */
enum err transcript_next(struct transcript_reader *r, struct transcript_item *it);
void transcript_reader_free(struct transcript_reader *r);

#endif
