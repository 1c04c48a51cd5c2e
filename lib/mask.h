/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Masks for comparing a recorded line with a live one: the parts that
 * change from run to run (queue ids, dates, Message-IDs, POP3 greeting
 * timestamps, UIDLs) are replaced by a placeholder on both sides. */
#ifndef SMTPSH_MASK_H
#define SMTPSH_MASK_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "err.h"

#define MASK_MAX 32

struct mask {
	regex_t re[MASK_MAX];
	size_t n;
};

/* Loads the defaults. */
void mask_init(struct mask *m);
/* Adds a POSIX extended regular expression.  Returns SMTPSH_OK,
 * SMTPSH_EINVAL (it does not compile) or SMTPSH_ENOMEM (MASK_MAX reached),
 * with msg (may be NULL) saying which. */
enum smtpsh_err mask_add(struct mask *m, const char *pattern, struct smtpsh_msg *msg);
/* Appends text with every match replaced by "*".  Returns SMTPSH_OK or
 * SMTPSH_ENOMEM (out is then incomplete). */
enum smtpsh_err mask_apply(const struct mask *m, const char *text, size_t len, struct buf *out);
/* Whether a and b are equal once masked (a predicate: unequal when
 * either cannot be masked). */
bool mask_equal(const struct mask *m, const char *a, size_t alen, const char *b, size_t blen);
void mask_free(struct mask *m);

#endif
