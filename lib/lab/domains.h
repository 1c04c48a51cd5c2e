/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The extra domains a lab plays (domains.c): `--domains a.test,b.test`
 * makes mail to any of them local, as seed 003's QQ -> 163 picture. */
#ifndef SMTPSH_LAB_DOMAINS_H
#define SMTPSH_LAB_DOMAINS_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define LAB_DOMAINS_MAX 16      /* domains in one list */
#define LAB_DOMAIN_NAME_MAX 253 /* RFC 1035 */

/* Checks "a.test,b.test": 1 to LAB_DOMAINS_MAX host names (letters,
 * digits, '-', dots between labels), none twice.  SMTPSH_OK or
 * SMTPSH_EINVAL with the reason in msg. */
enum smtpsh_err lab_domains_check(const char *list, struct smtpsh_msg *msg);
/* Whether domain is one of the list's (any case); false for a NULL list. */
bool lab_domains_has(const char *list, const char *domain);
/* The list's domain number i (0-based) into out; false past the end. */
bool lab_domains_at(const char *list, size_t i, char *out, size_t n);

#endif
