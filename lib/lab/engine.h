/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the lab's protocol engines share (engine.c). */
#ifndef SMTPSH_LAB_ENGINE_H
#define SMTPSH_LAB_ENGINE_H

#include "lab/base.h"

/* Appends a reply; '\n' in the text separates the lines of a multi-line
 * reply (each line carries its own code). */
void lab_say_text(struct buf *out, const char *text);
void lab_say(struct buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes the reason for the log into why (size bytes). */
void lab_note(char *why, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
