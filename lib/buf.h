/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A bounded, growable byte buffer.  Every buffer has a hard maximum so
 * that nothing a peer sends can make memory grow without limit. */
#ifndef SMTPSH_BUF_H
#define SMTPSH_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *data; /* always NUL-terminated when data != NULL */
	size_t len;
	size_t cap;
	size_t max; /* hard limit on len; 0 means SIZE_MAX/2 */
};

void buf_init(struct buf *b, size_t max);
/* Wipes the bytes (they may be secret) and frees them. */
void buf_free(struct buf *b);
void buf_clear(struct buf *b); /* len = 0, keeps memory */
/* Returns false (and appends nothing) on allocation failure or when
 * len would pass max.  A predicate ("it fitted"), not an enum smtpsh_err:
 * there is one way to fail and no words to give (docs/architecture.md,
 * "Errors"). */
bool buf_append(struct buf *b, const void *p, size_t n);
bool buf_append_str(struct buf *b, const char *s);
bool buf_append_char(struct buf *b, char c);
bool buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Drops the first n bytes. */
void buf_consume(struct buf *b, size_t n);

#endif
