/* SPDX-License-Identifier: GPL-3.0-or-later */
/* RFC 2047 encoded words ("=?charset?B|Q?text?=") in an unfolded header
 * value, decoded to UTF-8. */
#ifndef SMTPSH_MIME_WORDS_H
#define SMTPSH_MIME_WORDS_H

#include <stddef.h>
#include "buf.h"
#include "err.h"

/* What mime_words_decode() met. */
struct mime_words_seen {
	unsigned decoded;      /* encoded words decoded */
	unsigned kept;         /* encoded words left as they were (bad or unknown) */
	struct smtpsh_msg why; /* why the first kept word was kept */
};

/* Appends value[0..n) to out with every encoded word decoded; the
 * whitespace between two adjacent decoded words is dropped (RFC 2047
 * section 6.2).  A word with an unknown charset, a bad B or Q text or
 * bytes invalid in its charset is appended as it was and counted in
 * seen->kept.  Returns SMTPSH_ENOMEM when out's max is reached (out then
 * holds a first part). */
enum smtpsh_err mime_words_decode(struct buf *out, const char *value, size_t n,
                                  struct mime_words_seen *seen);

#endif
