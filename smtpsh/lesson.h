/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `smtpsh lesson`: the lessons in transcripts/ (lesson_index.c: where
 * they are and what their headers say) and one run as an exercise
 * against the lab (lesson.c). */
#ifndef SMTPSH_LESSON_H
#define SMTPSH_LESSON_H

#include <stdbool.h>
#include <stddef.h>
#include "shell.h"

#define LESSON_MAX 100 /* lessons 00..99: the file names' two digits */

/* What a lesson's header says ("# title: ..." and the lesson keys of
 * docs/transcript-format.md), read before its first protocol line. */
struct lesson_info {
	unsigned number;           /* from the file name "NN-..." */
	char path[4096];           /* the transcript */
	char title[200];           /* in English */
	char title_zh[200];        /* "" when none */
	char seed[40];             /* "002", "000, 001"; "" when none */
	char level[8];             /* "1".."3"; "" when none */
	char target[200];          /* the recorded server's URL */
	char proto[16];            /* "smtp", "pop3" */
	char lab_persona[16];      /* "" for none */
	char lab_user[64];         /* the lab user the student logs in as; "" for none */
	char lab_mail[64];         /* a user who needs a message waiting; "" for none */
	char lab_domains[200];     /* more domains the lab plays ("sohu.com,sina.com"); "" none */
	char lab_users[200];       /* accounts besides alice and bob ("renping@sina.com") */
	char lab_idle_timeout[8];  /* the lab's seconds of silence before 421; "" default */
	char lab_helo_required[8]; /* "no": MAIL without HELO/EHLO is accepted */
};

/* The directory of the lessons: transcripts/ of the source tree the
 * binary was built in (build/smtpsh beside it), else the installed
 * PREFIX/share/smtpsh/transcripts (bin/smtpsh beside it).  False when
 * neither is there. */
bool lesson_dir(char *out, size_t n);
/* The lessons in dir, sorted by number, at most max; how many. */
size_t lesson_list(const char *dir, struct lesson_info *v, size_t max);
/* The title in the reader's language (title-zh for zh, when there). */
const char *lesson_title(const struct lesson_info *l);

/* `smtpsh lesson`: the index; `smtpsh lesson N [--quiz] [--script]`:
 * lesson N as an exercise against the lab.  The exit status: 0 the
 * lesson was run to its end; 2 no such lesson; 3 the lab did not start;
 * 5 the exercise stopped before the end (input ended, the connection
 * was lost). */
struct lesson_options {
	const char *number; /* NULL: the index */
	bool quiz;          /* ask for the expected reply code first */
	bool script;        /* the student's lines from standard input */
};
int lesson_run(struct shell *sh, const struct lesson_options *o);

#endif
