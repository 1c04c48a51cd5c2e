/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The encoders a message writer needs: base64 in 76-character lines and
 * quoted-printable (RFC 2045 6.8, 6.7), RFC 2047 encoded words, header
 * folding (RFC 5322 2.2.3) and RFC 2231 parameter values.  What they write
 * is lines, each ended by "\n" (the sender adds CRLF). */
#ifndef SMTPSH_MIME_ENCODE_H
#define SMTPSH_MIME_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "err.h"

/* RFC 2045: an encoded line is at most 76 characters. */
#define MIME_ENCODED_LINE_MAX 76
/* RFC 2047 section 2: an encoded word is at most 75 characters. */
#define MIME_WORD_MAX 75
/* RFC 5322 2.1.1: header lines should be at most 78 characters. */
#define MIME_HEADER_LINE_MAX 78

/* Every function appends to out and returns SMTPSH_OK, or SMTPSH_ENOMEM
 * when out's max is reached (out then holds a first part). */

/* Base64 of p[0..n) in lines of MIME_ENCODED_LINE_MAX characters. */
enum smtpsh_err mime_encode_base64(struct buf *out, const void *p, size_t n);

/* Quoted-printable of text p[0..n): "\n" and "\r\n" are hard line breaks
 * (one final break is implied, as a line's end); '=', bytes outside
 * 33..126, a lone CR and a space or tab before a line's end are =XX; soft
 * breaks ("=" at the end) keep lines within MIME_ENCODED_LINE_MAX. */
enum smtpsh_err mime_encode_qp(struct buf *out, const char *p, size_t n);

/* Which encoding mime_encode_words() chose. */
enum mime_word_encoding { MIME_WORD_B = 'B', MIME_WORD_Q = 'Q' };

/* UTF-8 text p[0..n) as RFC 2047 encoded words in UTF-8 ("=?UTF-8?B?...?="
 * or Q, whichever gives the shorter whole), split on character boundaries
 * into words of at most MIME_WORD_MAX characters (the first at most
 * first_max when that is 20 or more), separated by one space; no line
 * break (mime_fold_header() folds at the spaces).  *chosen (may be NULL)
 * gets the encoding.  Returns SMTPSH_EINVAL, nothing appended, when the
 * text is not UTF-8. */
enum smtpsh_err mime_encode_words(struct buf *out, const char *p, size_t n, size_t first_max,
                                  enum mime_word_encoding *chosen);

/* The header "name: value" (value unfolded, one line) as lines of at most
 * MIME_HEADER_LINE_MAX characters where whitespace allows, each
 * continuation beginning with the whitespace it was folded at. */
enum smtpsh_err mime_fold_header(struct buf *out, const char *name, const char *value, size_t n);

/* A parameter for Content-Type or Content-Disposition: name="value"
 * (quoted, with \" and \\) when value is ASCII; otherwise RFC 2231
 * name*=UTF-8''%XX..., cut into name*0*=, name*1*=... sections joined by
 * ";\n " when long (never inside a UTF-8 character).  *extended (may be
 * NULL) says which.  Returns SMTPSH_EINVAL for a value with a control
 * character or one that is not UTF-8. */
enum smtpsh_err mime_encode_param(struct buf *out, const char *name, const char *value,
                                  bool *extended);

/* Whether p[0..n) is all 7-bit ASCII. */
bool mime_is_ascii(const char *p, size_t n);

#endif
