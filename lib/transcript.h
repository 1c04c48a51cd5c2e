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
/* How far an over-long line is skipped looking for its end before the
 * file is declared not a transcript. */
#define TRANSCRIPT_MAX_SKIP (16 << 20)

/* What a "-- " line records: its first word(s) are a token from one
 * table in transcript.c, which both writes and reads them; the rest of
 * the line is the event's detail. */
enum transcript_event {
	TRANSCRIPT_EV_OTHER,          /* no token: a hand-written line, shown as it is */
	TRANSCRIPT_EV_CONNECTED,      /* "connected to ADDR port N (PROTO...)" */
	TRANSCRIPT_EV_TLS_STARTTLS,   /* "tls starttls VERSION CIPHER subject=..." */
	TRANSCRIPT_EV_TLS_IMPLICIT,   /* "tls implicit VERSION CIPHER subject=..." */
	TRANSCRIPT_EV_TLS_UNVERIFIED, /* "tls unverified (--insecure): VERDICT" */
	TRANSCRIPT_EV_CLOSED_BY_PEER, /* "connection closed by the server" */
	TRANSCRIPT_EV_CLOSED_BY_US,   /* "connection closed: WHY" */
	TRANSCRIPT_EV_ERROR,          /* "error: WHAT" */
	TRANSCRIPT_EV_LINE_CUT,       /* "line cut: N bytes received, M kept" */
};

/* The token of ev ("tls starttls"); "" for TRANSCRIPT_EV_OTHER. */
const char *transcript_event_token(enum transcript_event ev);
/* The event whose token starts text[0..n) (followed by a space or the
 * end); *detail is where the rest starts.  TRANSCRIPT_EV_OTHER (detail 0)
 * when no token does. */
enum transcript_event transcript_event_parse(const char *text, size_t n, size_t *detail);

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
 * Errors: SMTPSH_EIO ("cannot write transcript PATH: why" in msg). */
enum smtpsh_err transcript_open(struct transcript_writer *w, const char *path, const char *target,
                                const char *proto, bool timestamps, struct smtpsh_msg *msg);
/* The same for a new file that must not exist yet (O_EXCL): the default
 * transcripts under the state directory.  Errors: SMTPSH_EIO. */
enum smtpsh_err transcript_create(struct transcript_writer *w, const char *path, const char *target,
                                  const char *proto, bool timestamps, struct smtpsh_msg *msg);
/* A line the client sent (without CRLF).  When redacted, shown replaces
 * the bytes and the line is marked as redacted. */
void transcript_sent(struct transcript_writer *w, const char *bytes, size_t len, bool redacted);
/* A line received; ending says how it ended on the wire: "\r\n", "\n",
 * or "" when the connection closed before its end. */
void transcript_received(struct transcript_writer *w, const char *bytes, size_t len,
                         const char *ending);
/* An event line: ev's token, a space and the detail (fmt; may be NULL
 * for none). */
void transcript_event(struct transcript_writer *w, enum transcript_event ev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void transcript_close(struct transcript_writer *w);

enum transcript_kind {
	TR_SENT,     /* bytes: what the client sent */
	TR_RECEIVED, /* bytes: what the server sent */
	TR_EVENT,    /* text: the event line after "-- "; event and detail */
	TR_HEADER,   /* key/value from the header block */
	TR_COMMENT,  /* "# text" elsewhere: a lesson's narration (lang) */
};

struct transcript_item {
	enum transcript_kind kind;
	struct buf bytes;            /* unescaped content, without the line end */
	const char *ending;          /* "\r\n", "\n" or "" (exact lines) */
	bool redacted;               /* a secret line: bytes holds its shown form */
	enum transcript_event event; /* TR_EVENT: its token */
	size_t detail;               /* TR_EVENT: where the detail starts in bytes */
	double at;                   /* relative time in seconds, or -1 */
	char key[32];                /* TR_HEADER */
	/* TR_COMMENT: "" for "# text" (English, or a note for every reader),
	 * "en" or "zh" for a narration line in that language ("#zh text"). */
	const char *lang;
	unsigned long lineno; /* line in the file */
};

/* A "connected" event (it->event TRANSCRIPT_EV_CONNECTED) starts a part
 * of the transcript: the shell's /connect writes one per connection.
 * The protocol it names ("to ADDR port N (pop3 over TLS, HOST)") into
 * proto[size], and whether the part starts in TLS.  False when it is no
 * connected event or names no protocol (a hand-written line). */
bool transcript_part_proto(const struct transcript_item *it, char *proto, size_t size,
                           bool *implicit_tls);

struct transcript_reader {
	FILE *f;
	unsigned long lineno;
	bool rfc5321; /* S: is the server, C: the client */
	bool in_body; /* an S:/R:/-- line was seen: no more header */
	struct buf raw;
	/* Sticky: once the file cannot be read, SMTPSH_EIO here and its words
	 * in sticky_msg; every later transcript_next() gives both again (serve
	 * meets the failure in one step and words it in another).
	 * SMTPSH_OK while the file reads. */
	enum smtpsh_err sticky_err;
	struct smtpsh_msg sticky_msg;
};

/* Opens path ("-": standard input) for reading a transcript into *f.
 * Errors: SMTPSH_EIO when it cannot be opened or is a directory (msg:
 * "cannot open transcript 'PATH': why"). */
enum smtpsh_err transcript_fopen(const char *path, FILE **f, struct smtpsh_msg *msg);
void transcript_reader_init(struct transcript_reader *r, FILE *f);
void transcript_item_init(struct transcript_item *it);
void transcript_item_free(struct transcript_item *it);
/* Next item into it.  A NUL byte in a line is kept.  Codes:
 * SMTPSH_ECLOSED at end of file (msg untouched);
 * SMTPSH_EINVAL for a malformed line (msg: "line 12: ..."; reading may go
 * on with the next line);
 * SMTPSH_ENOMEM for a line past TRANSCRIPT_MAX_LINE (skipped; reading may
 * go on);
 * SMTPSH_EIO when the file cannot be read (a read error, a directory, no
 * line end within TRANSCRIPT_MAX_SKIP bytes): msg says which, and every
 * later call fails the same way (r->sticky_err, r->sticky_msg). */
enum smtpsh_err transcript_next(struct transcript_reader *r, struct transcript_item *it,
                                struct smtpsh_msg *msg);
void transcript_reader_free(struct transcript_reader *r);

struct mask;
enum transcript_match_flag {
	TRANSCRIPT_MATCH_EXACT = 1 << 0, /* byte for byte (serve --exact) */
	TRANSCRIPT_MATCH_DATA = 1 << 1,  /* a line of a message after 354 */
};
/* Whether a client's line got[0..gn) follows the recorded S: line
 * want[0..wn), as `serve` judges it: a message line is compared whole
 * once masked; a command by its verb case-insensitively (RFC 5321 §2.4,
 * RFC 1939 §3), greetings by the verb alone (they carry the client's
 * name), MAIL and RCPT by FROM:/TO: case-insensitively and the path
 * exactly, other arguments once masked.  ESMTP parameters of MAIL/RCPT
 * (SIZE=248 added by curl) never decide: their differences are appended
 * to note as a sentence (client text in it is raw: sanitise to show). */
bool transcript_match_sent(const struct mask *m, const char *want, size_t wn, const char *got,
                           size_t gn, unsigned flags, struct buf *note);

#endif
