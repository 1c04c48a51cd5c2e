/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Escaping that round-trips any bytes (the transcript format uses it).
 * Printable ASCII and valid UTF-8 sequences stay as they are; '\\'
 * becomes "\\\\"; CR, LF, TAB, NUL become "\\r" "\\n" "\\t" "\\0"; every
 * other byte (C0 controls, DEL, every byte of a C1 control U+0080 to
 * U+009F or of a bidi control U+202A..U+202E, U+2066..U+2069, LRM, RLM,
 * ALM; bytes that are not valid UTF-8) becomes "\\xHH" (two lower-case
 * hex digits). */
#ifndef SMTPSH_ESCAPE_H
#define SMTPSH_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "err.h"

/* Returns false when out reached its max; out then holds a prefix of the
 * escaped text, cut between two escapes, never inside one. */
bool escape_append(struct buf *out, const void *p, size_t n);
/* The inverse.  On a failure *bad_at is the offset in s where it stopped
 * (callers word it as a column or a position of their own), msg (may be
 * NULL) says what went wrong, and out may hold a partial result.  Errors:
 * SMTPSH_EINVAL (a malformed escape: unknown letter, truncated or non-hex
 * \\x, trailing lone backslash), SMTPSH_ENOMEM (out reached its max). */
enum smtpsh_err unescape_append(struct buf *out, const char *s, size_t n, size_t *bad_at,
                                struct smtpsh_msg *msg);

#endif
