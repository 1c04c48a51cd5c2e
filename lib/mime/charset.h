/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Text in a named charset (a MIME charset parameter or the charset of an
 * RFC 2047 encoded word) converted to UTF-8 with glibc's iconv. */
#ifndef SMTPSH_MIME_CHARSET_H
#define SMTPSH_MIME_CHARSET_H

#include <stddef.h>
#include "buf.h"
#include "err.h"

/* Appends p[0..n), read as charset, to out as UTF-8.  GB2312 and GBK are
 * read as GB18030 (their superset: mailers label GBK text GB2312).  An
 * RFC 2231 language suffix ("utf-8*en") is ignored.  Returns
 * SMTPSH_EINVAL, out unchanged, for a charset iconv does not know or bytes
 * that are not valid in it (msg says which), SMTPSH_ENOMEM when the
 * result does not fit out's max. */
enum smtpsh_err mime_charset_to_utf8(struct buf *out, const char *charset, const char *p, size_t n,
                                     struct smtpsh_msg *msg);

#endif
