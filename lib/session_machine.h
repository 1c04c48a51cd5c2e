/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a protocol handler (proto_smtp.c, proto_pop3.c) may do to the
 * session it serves.  Inside lib/ only: the shell uses session.h. */
#ifndef SMTPSH_SESSION_MACHINE_H
#define SMTPSH_SESSION_MACHINE_H

#include "session.h"

/* The one place the state changes: kept in the ring, told to the state
 * hook.  why is short text, "250 to RCPT". */
void session_set_state(struct session *s, enum pstate to, const char *why);
void session_forget_caps(struct session *s);
/* One capability line (EHLO's, CAPA's), made printable. */
void session_add_cap(struct session *s, const char *text, size_t len);
/* A SASL challenge arrived (334, "+ "): into ST_SASL, remembering the
 * state to return to, and the challenge decoded. */
void session_enter_sasl(struct session *s, const struct reply *r, const char *why);

#endif
