/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A typed line, parsed once into the record every later step reads: the
 * shell (helper or protocol line?), the sequence rules, secret detection
 * and the session's send path. */
#ifndef SMTPSH_CMDLINE_H
#define SMTPSH_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/* Local command names a bare word may be (b64, status...): the shell's
 * helpers.  Given the word as typed, without a leading '/'. */
typedef bool (*cmdline_local_fn)(const char *word, size_t n);

struct cmdline {
	const char *text; /* the line as typed (not copied: it must outlive the record) */
	const char *wire; /* what goes to the server: text, or what follows a leading '\' */
	char verb[16];    /* wire's first word, upper case, cut at 15 bytes */
	const char *arg;  /* wire after the verb and one space; "" when none */
	const char *word; /* typed: the helper name (after '/'), as typed */
	size_t word_len;
	const char *word_arg; /* typed: after the word and its spaces */
	bool verbatim;        /* typed "\LINE": sent as it is, never a helper */
	bool slash;           /* typed "/name": always a helper */
	bool is_helper;       /* runs locally, is not sent as typed */
	bool is_secret;       /* sent as a secret: set by session_classify() */
};

/* A protocol line (what session_send() is given): no helper syntax. */
void cmdline_parse(struct cmdline *c, const char *line);
/* A line the person typed: "\LINE" is verbatim, "/name" and "?" are
 * helpers, and so is a bare word that local() accepts (local may be NULL;
 * the shell's refuses protocol verbs, so HELP goes to the server and
 * /help is the shell's). */
void cmdline_parse_typed(struct cmdline *c, const char *line, cmdline_local_fn local);

#endif
