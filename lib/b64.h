/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Base64 (RFC 4648) through OpenSSL's EVP_EncodeBlock/DecodeBlock. */
#ifndef SMTPSH_B64_H
#define SMTPSH_B64_H

#include <stddef.h>
#include "buf.h"
#include "err.h"

/* Appends the padded base64 of p[0..n) (no line breaks) to out.
 * Returns SMTPSH_ENOMEM, out unchanged, when it does not fit out's max. */
enum smtpsh_err b64_encode(struct buf *out, const void *p, size_t n);
/* Appends the decoded bytes to out.  Accepts input with or without '='
 * padding; surrounding spaces are ignored.  Returns SMTPSH_EINVAL for a
 * character outside the alphabet, misplaced padding or an impossible
 * length (1 mod 4), SMTPSH_ENOMEM when the result does not fit out's max;
 * out is unchanged then.  The result may contain NUL bytes. */
enum smtpsh_err b64_decode(struct buf *out, const char *s, size_t n);

#endif
