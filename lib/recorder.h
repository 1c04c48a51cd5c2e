/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The transcript recorder: a subscriber of session events that writes
 * each line sent or received and each event to a transcript, beside the
 * renderer that shows them. */
#ifndef SMTPSH_RECORDER_H
#define SMTPSH_RECORDER_H

#include <stdbool.h>
#include "session.h"
#include "transcript.h"

struct recorder {
	struct transcript_writer *w; /* nothing is written while w->f is NULL */
	bool show_secrets;           /* record secrets as sent, not redacted */
};

/* The hooks that record into r (ctx is r). */
struct session_hooks recorder_hooks(struct recorder *r);
/* Subscribes r to s.  Errors: those of session_subscribe(). */
enum smtpsh_err recorder_attach(struct recorder *r, struct session *s);

#endif
