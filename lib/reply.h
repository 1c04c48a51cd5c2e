/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sans-I/O reply reader for SMTP and POP3 (in the spirit of hiredis'
 * redisReaderFeed/GetReply), but streaming: it hands out one event per
 * line as soon as the line is complete, then one END event with a
 * summary, so that a 100 MB RETR or an endless continuation never has to
 * be held in memory.
 *
 * Usage: feed() the bytes read from the network (at most REPLY_MAX_FEED
 * at a time), then call next() until it returns false, then feed()
 * again.  Pointers inside an event stay valid until the next call to
 * feed(), next(), eof() or reset().
 *
 * Memory: next() moves bytes from the input buffer into the current
 * line, which keeps at most REPLY_MAX_LINE bytes of it; so, with that
 * calling pattern, the parser holds at most REPLY_MAX_LINE + the size of
 * the last feed(), whatever the peer sends. */
#ifndef SMTPSH_REPLY_H
#define SMTPSH_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "err.h"

/* How reply lines are read (a protocol handler names its mode):
 * REPLY_SMTP three-digit codes and continuation lines, REPLY_POP3
 * +OK/-ERR/+ status lines and dot-terminated bodies. */
enum reply_mode { REPLY_SMTP, REPLY_POP3 };

/* Bounds.  A line longer than REPLY_MAX_LINE is cut (LINE_TRUNCATED);
 * an SMTP reply with more lines than REPLY_MAX_SMTP_LINES is abandoned
 * with an ERROR event, and its remaining lines are swallowed without
 * events up to its final line.  POP3 bodies have no line-count limit: they are
 * streamed line by line. */
#define REPLY_MAX_LINE 65536
#define REPLY_MAX_SMTP_LINES 1000
#define REPLY_TEXT_MAX 2048 /* joined text kept in struct reply */
/* Largest feed() the bounds above are promised for (added: the memory
 * contract needs a number).  Larger feeds, or feeding without draining
 * next(), work up to an internal hard limit (16 * REPLY_MAX_FEED) and
 * then fail with SMTPSH_ENOMEM. */
#define REPLY_MAX_FEED 65536

/* POP3 status values (struct reply_line.code, struct reply.code). */
#define REPLY_POP3_OK 1
#define REPLY_POP3_ERR (-1)
#define REPLY_POP3_CONT 2 /* "+ challenge" of RFC 5034 SASL */

enum reply_line_flag {
	LINE_BARE_LF = 1 << 0,       /* ended by LF without CR */
	LINE_TRUNCATED = 1 << 1,     /* longer than REPLY_MAX_LINE: cut */
	LINE_HAS_NUL = 1 << 2,       /* contains a NUL byte */
	LINE_BARE_CR = 1 << 3,       /* contains a CR not followed by LF */
	LINE_UNTERMINATED = 1 << 4,  /* connection closed before its end */
	LINE_BODY = 1 << 5,          /* a line of a POP3 multi-line body */
	LINE_UNSTUFFED = 1 << 6,     /* body line whose leading '.' was removed */
	LINE_BODY_END = 1 << 7,      /* the lone "." ending a POP3 body */
	LINE_CODE_MISMATCH = 1 << 8, /* SMTP line whose code differs from the first line's */
};

struct reply_line {
	const char *raw;  /* the line as received, without CRLF/LF */
	size_t raw_len;   /* bytes in raw (<= REPLY_MAX_LINE) */
	size_t full_len;  /* length before truncation */
	const char *text; /* SMTP: after "250-"/"250 "; POP3 status: after
	                     "+OK "/"-ERR "/"+ "; body: the unstuffed line */
	size_t text_len;
	int code;       /* SMTP: the line's code; POP3 status: REPLY_POP3_*;
	                   body lines and the final ".": 0 */
	bool last;      /* SMTP: final line of the reply */
	unsigned flags; /* enum reply_line_flag */
};

struct reply {
	enum reply_mode mode;
	int code;                  /* SMTP: 3-digit code; POP3: REPLY_POP3_* */
	char enhanced[16];         /* "5.7.8" from the first line, or "" */
	char resp_code[64];        /* POP3 "[IN-USE]" -> "IN-USE", or "" */
	char text[REPLY_TEXT_MAX]; /* text of the status lines after their
	                          codes (and enhanced codes), joined by single
	                          spaces, cut at REPLY_TEXT_MAX-1 bytes */
	size_t nlines;             /* status lines (SMTP: every line) */
	bool has_body;             /* POP3 multi-line answer */
	size_t body_lines;         /* body lines, not counting the final "." */
	size_t body_octets;        /* unstuffed body size, each line + CRLF */
	unsigned flags;            /* OR of the flags of every line */
};

enum reply_event_kind {
	REPLY_EV_LINE,  /* ev->line: one complete line */
	REPLY_EV_END,   /* ev->reply: the reply is complete */
	REPLY_EV_ERROR, /* ev->error: malformed input; the reply being read
	                   (if any) is abandoned.  ev->line holds the
	                   offending line when there is one (raw_len may
	                   be 0 otherwise). */
};

struct reply_event {
	enum reply_event_kind kind;
	struct reply_line line;
	/* END: the reply.  Also set (added, for callers that want context)
	 * for LINE: the reply so far; for ERROR: the reply abandoned, or
	 * NULL when the error came between replies. */
	const struct reply *reply;
	enum smtpsh_err err; /* SMTPSH_EPROTO or SMTPSH_ECLOSED for ERROR */
	char error[256];     /* one line, no trailing newline, in the reader's language */
	char error_en[256];  /* the same in English (for transcripts) */
};

/* Internal state: use the functions below, not the fields. */
struct reply_parser {
	enum reply_mode mode;
	struct buf in;    /* bytes not yet split into lines */
	bool discarding;  /* cutting an over-long line */
	size_t discarded; /* bytes dropped from that line */
	bool in_reply;    /* some lines of a reply were handed out */
	bool in_body;     /* reading a POP3 multi-line body */
	bool expect_body; /* POP3: next +OK is followed by a body */
	bool pending_end; /* END due before the next line */
	bool closed;      /* eof() was called */
	struct reply cur;
	struct buf line; /* the line being assembled (its first
	                    REPLY_MAX_LINE bytes), or handed out last */
	/* Added for the streaming line assembly and the line limit: */
	size_t in_off;       /* bytes of in already moved into line */
	size_t line_total;   /* bytes of the line so far, kept or not */
	unsigned line_flags; /* LINE_* flags of the line so far */
	bool cr_pending;     /* last byte was CR: bare or part of CRLF */
	bool line_ready;     /* line was handed out: clear it next time */
	bool skipping;       /* swallowing the rest of an over-long reply */
	size_t text_len;     /* strlen(cur.text) */
};

void reply_parser_init(struct reply_parser *p, enum reply_mode mode);
void reply_parser_free(struct reply_parser *p);
/* POP3: whether a +OK answer to the command just sent has a body
 * (CAPA, LIST and UIDL without argument, RETR, TOP).  Applies to the next
 * reply only: it is cleared at that reply's END or ERROR (so with
 * pipelining, set it again after each END).  No effect for SMTP. */
void reply_parser_expect_body(struct reply_parser *p, bool body);
/* Returns SMTPSH_ENOMEM only if memory allocation fails or the caller fed
 * far more than REPLY_MAX_FEED without draining next().  Ignored (SMTPSH_OK)
 * after eof(). */
enum smtpsh_err reply_parser_feed(struct reply_parser *p, const void *data, size_t n);
/* The peer closed the connection: a pending partial line is handed out
 * (LINE_UNTERMINATED) and a reply in progress ends with an ERROR event
 * (err SMTPSH_ECLOSED, "connection closed in the middle of a reply (N lines
 * received)"); not for a reply already abandoned with an ERROR. */
void reply_parser_eof(struct reply_parser *p);
/* Next event; false when more input is needed. */
bool reply_parser_next(struct reply_parser *p, struct reply_event *ev);
/* True between the first line of a reply and its END (or ERROR), and
 * while the rest of a reply abandoned for having too many lines is
 * being swallowed. */
bool reply_parser_in_reply(const struct reply_parser *p);
/* Bytes received but not yet handed out as lines (including a partial
 * line).  After "220 Ready to start TLS" anything here was sent before
 * the handshake: a STARTTLS injection attempt. */
size_t reply_parser_buffered(const struct reply_parser *p);
/* Forget buffered bytes, any reply in progress (and a pending END) and
 * expect_body (used after STARTTLS, where bytes sent before the
 * handshake must not count).  Does not undo eof(). */
void reply_parser_reset(struct reply_parser *p);

#endif
