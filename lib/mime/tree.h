/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The MIME tree of a message, read line by line (a file, or the lines of
 * a RETR): per part its type and parameters, transfer encoding,
 * disposition and file name, Content-ID, its headers with encoded words
 * decoded, the size of its decoded body (counted while it streams by,
 * never kept), and what was wrong, in words.  Memory is bounded whatever
 * the input: parts are kept up to MIME_PARTS_MAX (the rest counted), a
 * header up to MIME_HEADER_MAX, a part's headers up to MIME_HEADERS_KEPT. */
#ifndef SMTPSH_MIME_TREE_H
#define SMTPSH_MIME_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "mime/params.h"
#include "mime/transfer.h"

#define MIME_PARTS_MAX 256
#define MIME_DEPTH_MAX 32
#define MIME_HEADER_MAX (64 * 1024)   /* one unfolded header */
#define MIME_HEADERS_KEPT (16 * 1024) /* a part's decoded headers */
#define MIME_PROBLEMS_MAX 64
#define MIME_LINE_MAX 998          /* RFC 5322 2.1.1, CRLF not counted */
#define MIME_LINE_HELD (64 * 1024) /* mime_tree_feed: a longer line passes in pieces */

enum mime_problem_kind {
	MIME_NO_BOUNDARY,      /* multipart without a boundary parameter */
	MIME_BOUNDARY_MISSING, /* the boundary never appears */
	MIME_UNTERMINATED,     /* no closing "--boundary--" */
	MIME_BAD_BASE64,       /* characters outside base64, or a cut group */
	MIME_BAD_QP,           /* '=' not followed by two hex digits */
	MIME_UNKNOWN_CHARSET,  /* a charset iconv does not know */
	MIME_BAD_ENCODED_WORD, /* an encoded word left as it was */
	MIME_HEADER_8BIT,      /* raw 8-bit bytes in a header */
	MIME_BARE_CR,          /* a CR not followed by LF */
	MIME_LONG_LINE,        /* a line over 998 octets */
	MIME_TOO_DEEP,         /* nesting deeper than MIME_DEPTH_MAX */
	MIME_TOO_MANY_PARTS,   /* parts past MIME_PARTS_MAX counted, not kept */
	MIME_HEADER_CUT,       /* a header or a part's header block too long to keep */
	MIME_NO_COLON,         /* a header line without a colon: the body starts there */
	MIME_BAD_PARAMS,       /* a Content-Type/Disposition parameter unreadable or cut */
};
#define MIME_PROBLEM_KINDS (MIME_BAD_PARAMS + 1)

struct mime_problem {
	enum mime_problem_kind kind;
	unsigned part;      /* index in the tree */
	unsigned long line; /* 1-based line of the message */
	char detail[96];    /* a name or charset, or "" */
};

/* The words for a kind ("a line over 998 octets"), English (marked N_:
 * whoever shows them to a person translates them; --json keeps English). */
const char *mime_problem_words(enum mime_problem_kind kind);

struct mime_part {
	int parent; /* index, -1 for the message */
	unsigned depth;
	struct mime_params type;        /* content type and its parameters */
	struct mime_params disposition; /* value "" when there is none */
	bool type_given;                /* a Content-Type header was there */
	char cte[32];                   /* as written, lower case; "" for none */
	char content_id[128];
	/* decoded headers: entries "F" "name" NUL "value" NUL, F '1' when
	 * the value had an encoded word decoded (read with mime_header_next) */
	struct buf headers;
	unsigned long long size; /* decoded body bytes; 0 for a container */
	bool container;          /* multipart/ or message/rfc822 with children */
};

/* Sees the decoded body bytes of every part that is not a container, as
 * they stream by (part is its index in the tree): for showing a text
 * part or saving one.  Never called for parts past MIME_PARTS_MAX. */
typedef void (*mime_part_sink)(void *ctx, size_t part, const char *p, size_t n);

struct mime_tree {
	struct mime_part *parts;
	size_t n_parts;
	unsigned long long parts_seen; /* kept or not */
	struct mime_problem problems[MIME_PROBLEMS_MAX];
	size_t n_problems;
	unsigned long long problems_seen;
	/* reading state */
	unsigned long line_no;
	int current; /* the part being read; -1 past MIME_PARTS_MAX */
	bool in_headers;
	struct buf header; /* the header being unfolded */
	struct {
		int part;           /* the multipart (or message) */
		char boundary[128]; /* "" for a message/rfc822 frame */
		bool closed;        /* its closing delimiter was seen */
		bool boundary_seen;
	} stack[MIME_DEPTH_MAX + 1];
	size_t depth;
	struct mime_decoder decoder;
	bool decoding;     /* the current part's body goes through decoder */
	bool newline_owed; /* the last body line's break, unless a boundary follows */
	bool finished;
	mime_part_sink observer; /* NULL, or set with mime_tree_observe() */
	void *observer_ctx;
	struct buf line;   /* mime_tree_feed: the line not yet ended */
	bool line_is_long; /* its first MIME_LINE_HELD bytes were read already */
};

void mime_tree_init(struct mime_tree *t);
void mime_tree_free(struct mime_tree *t);
/* After init, before the first line: sink sees each part's decoded body. */
void mime_tree_observe(struct mime_tree *t, mime_part_sink sink, void *ctx);

/* One line of the message, without or with its "\n" or "\r\n". */
void mime_tree_line(struct mime_tree *t, const char *line, size_t n);
/* Any chunk of the message: split into lines here.  A line longer than
 * MIME_LINE_HELD is read in pieces, the rest of it going on into the
 * header or body it belongs to. */
void mime_tree_feed(struct mime_tree *t, const char *p, size_t n);
/* The end of the message: open parts closed, problems noted. */
void mime_tree_finish(struct mime_tree *t);

/* The next decoded header of part after *pos (start with *pos = 0). */
bool mime_header_next(const struct mime_part *part, size_t *pos, const char **name,
                      const char **value, bool *had_words);

/* The problem kind's first detail, for tests and summaries: true when a
 * problem of kind was noted (on any part). */
bool mime_tree_has_problem(const struct mime_tree *t, enum mime_problem_kind kind);

#endif
