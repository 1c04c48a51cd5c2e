/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Untrusted text made safe to show on a terminal, in one place and one
 * style, when it is shown (it is stored raw).  Server text may hold
 * ANSI/OSC escapes, other control characters, or bytes that are not
 * UTF-8 (old Chinese servers answer in GBK). */
#ifndef SMTPSH_TEXT_H
#define SMTPSH_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"

enum text_result {
	TEXT_CLEAN = 0,        /* valid UTF-8, nothing escaped */
	TEXT_ESCAPED = 1,      /* control characters or bad bytes escaped */
	TEXT_FROM_GB18030 = 2, /* not UTF-8 but valid GB18030: converted */
	TEXT_CUT = 4,          /* out ran out of room: only a first part is there */
};

/* Room that text_safe_str() needs for n untrusted bytes, NUL included. */
#define TEXT_SAFE_SIZE(n) (4 * (n) + 1)

/* True when p[0..n) is valid UTF-8 (no overlongs, no surrogates). */
bool text_is_utf8(const char *p, size_t n);

/* Appends a version of p[0..n) that is safe on a terminal: printable
 * UTF-8 kept; TAB kept; every other C0 control, DEL, C1 control (U+0080
 * to U+009F), bidi control (U+202A..U+202E, U+2066..U+2069, LRM, RLM,
 * ALM) and ESC shown as "\\xHH", one per byte (so "\x1b[31m" cannot
 * colour anything, nor U+202E turn the rest of a line around); when the
 * input is not valid UTF-8 but converts cleanly from GB18030 (iconv),
 * the converted text is appended instead; otherwise
 * bytes that are not UTF-8 are shown as "\\xHH".  Nothing is appended
 * after the first piece that does not fit.  Returns a combination of
 * enum text_result. */
unsigned text_safe(struct buf *out, const char *p, size_t n);
/* The same into out[0..size), NUL-terminated (cut when size is below
 * TEXT_SAFE_SIZE(n)); returns out. */
const char *text_safe_str(char *out, size_t size, const char *p, size_t n);

/* Terminal columns of UTF-8 text s: wcwidth() of each character (2 for
 * Chinese, 0 for a combining mark; needs a UTF-8 LC_CTYPE, which
 * i18n_init() sets); a byte that is not UTF-8, or a character wcwidth
 * does not know, counts 1. */
size_t text_width(const char *s);
/* The printf field width that pads s to columns: printf("%-*s",
 * text_field(s, 20), s) lines up Chinese as "%-20s" lines up ASCII. */
int text_field(const char *s, int columns);

#endif
