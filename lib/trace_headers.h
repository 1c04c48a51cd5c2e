/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The headers a server adds to a message on its way and at delivery,
 * read from a retrieved message's top header block: Return-Path,
 * Delivered-To, each Received hop (numbered bottom-up: hop 1 is where
 * the message entered), and the Message-ID and Date a submission server
 * wrote because the client sent none (told by the Received lines: the
 * server's queue id or host name in the Message-ID, the Date equal to
 * the first hop's time).  No I/O. */
#ifndef SMTPSH_TRACE_HEADERS_H
#define SMTPSH_TRACE_HEADERS_H

#include <stddef.h>

#include "mime/tree.h"

#define TRACE_NOTES_MAX 16 /* notes kept; a message with more hops gets the first ones */
#define TRACE_FIELD 128    /* bytes kept of a value; longer ones are cut */

enum trace_kind {
	TRACE_RETURN_PATH,
	TRACE_DELIVERED_TO,
	TRACE_RECEIVED,
	TRACE_MESSAGE_ID_ADDED, /* holds the queue id or host of a Received hop */
	TRACE_DATE_ADDED,       /* the first hop's time to the second */
};

struct trace_note {
	enum trace_kind kind;
	const char *name;        /* the header's name as written */
	char value[TRACE_FIELD]; /* RETURN_PATH, DELIVERED_TO, MESSAGE_ID, DATE: the value */
	unsigned hop, hops;      /* RECEIVED: hop (1 = lowest) of hops; MESSAGE_ID: the hop */
	char from[TRACE_FIELD];  /* RECEIVED: the "from" host; "" when absent */
	char by[TRACE_FIELD];    /* RECEIVED: the "by" host */
	char id[TRACE_FIELD];    /* RECEIVED, MESSAGE_ID_ADDED: the queue id; "" when absent */
};

/* Fills out[0..max) with the notes for part 0's headers, in header
 * order; returns how many. */
size_t trace_headers_read(const struct mime_part *top, struct trace_note *out, size_t max);

#endif
