/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a client's base64 answer in a SASL exchange holds (RFC 4954 §4,
 * RFC 5034): LOGIN's user name or password, PLAIN's authzid, user name
 * and password (RFC 4616), CRAM-MD5's user name and digest (RFC 2195).
 * For showing a recorded or live exchange: the password is only counted
 * unless the caller asks to reveal it.  No I/O. */
#ifndef SMTPSH_SASL_ANSWER_H
#define SMTPSH_SASL_ANSWER_H

#include <stdbool.h>
#include <stddef.h>

#define SASL_ANSWER_FIELD 256 /* bytes kept of a name; longer ones are cut */

enum sasl_answer_kind {
	SASL_ANSWER_NONE,            /* not base64, "*" (cancel), empty, or a mechanism not read */
	SASL_ANSWER_LOGIN_USER,      /* LOGIN's first answer */
	SASL_ANSWER_LOGIN_PASSWORD,  /* LOGIN's second answer */
	SASL_ANSWER_PLAIN,           /* authzid NUL user NUL password */
	SASL_ANSWER_PLAIN_MALFORMED, /* PLAIN without its two NUL bytes */
	SASL_ANSWER_CRAM_MD5,        /* user SP 32 hex digits */
};

struct sasl_answer {
	enum sasl_answer_kind kind;
	char authzid[SASL_ANSWER_FIELD]; /* PLAIN; raw bytes, show with text_safe */
	size_t authzid_len;
	char user[SASL_ANSWER_FIELD]; /* raw bytes (may end in a newline) */
	size_t user_len;
	size_t secret_len;              /* the password's bytes (LOGIN, PLAIN) */
	char secret[SASL_ANSWER_FIELD]; /* the password, only when revealed */
	size_t nuls;                    /* PLAIN_MALFORMED: NUL bytes found */
};

/* Reads answer b64[0..n) of mechanism mech (case-insensitive), the
 * index-th answer of its exchange (0: the first, the initial response on
 * the AUTH line included).  The password is copied only when reveal.
 * The caller wipes *out (sasl_answer_wipe) when done. */
void sasl_answer_read(struct sasl_answer *out, const char *mech, unsigned index, const char *b64,
                      size_t n, bool reveal);
void sasl_answer_wipe(struct sasl_answer *a);

#endif
