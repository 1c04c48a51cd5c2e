/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A Content-Type or Content-Disposition value: the type (or disposition)
 * and its parameters, quoted strings and comments read (RFC 2045 section
 * 5.1), RFC 2231 extended values, continuations and charsets decoded. */
#ifndef SMTPSH_MIME_PARAMS_H
#define SMTPSH_MIME_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include "err.h"

#define MIME_PARAMS_MAX 8      /* parameters kept per header */
#define MIME_PARAM_NAME_MAX 64 /* a name, NUL included */
#define MIME_PARAM_VALUE_MAX 512

struct mime_param {
	char name[MIME_PARAM_NAME_MAX];   /* lower case, without "*0*" */
	char value[MIME_PARAM_VALUE_MAX]; /* UTF-8 when it was decoded */
};

struct mime_params {
	char value[128]; /* the type "text/plain" or disposition, lower case */
	struct mime_param p[MIME_PARAMS_MAX];
	size_t n;
	unsigned problems; /* enum mime_params_problem bits */
};

enum mime_params_problem {
	MIME_PARAMS_CUT = 1,         /* too many or too long: some dropped or cut */
	MIME_PARAMS_BAD_SYNTAX = 2,  /* a parameter that is not name=value */
	MIME_PARAMS_BAD_CHARSET = 4, /* a 2231 or encoded-word charset unknown or bad bytes */
};

/* Parses s[0..n) (an unfolded header value) into out. */
void mime_params_parse(struct mime_params *out, const char *s, size_t n);

/* The value of parameter name (lower case), or NULL. */
const char *mime_params_get(const struct mime_params *ps, const char *name);

#endif
