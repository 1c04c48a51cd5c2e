/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A class of student accounts (class.c): `smtpsh lab --class N` makes
 * them with random secrets and writes the file the teacher hands out. */
#ifndef SMTPSH_LAB_CLASS_H
#define SMTPSH_LAB_CLASS_H

#include <stdbool.h>

#include "lab/users.h"

#define LAB_CLASS_MAX 500

/* n (1..LAB_CLASS_MAX) accounts student01@D ... with D taken in turn from
 * domains ("a.test,b.test"; NULL: smtpsh.test), each with a random
 * password, authorization code (OpenSSL RAND_bytes) and account number.
 * SMTPSH_OK, SMTPSH_EINVAL (n out of range), SMTPSH_ENOMEM or SMTPSH_EIO
 * (no randomness), msg saying which. */
enum smtpsh_err lab_class_generate(struct lab_users *u, unsigned n, const char *domains,
                                   struct smtpsh_msg *msg);
/* Writes u as a users file (name:password:authcode:number, readable back
 * by lab_users_load) to path, mode 0600; an existing file only when
 * force.  SMTPSH_OK, SMTPSH_EINVAL (it exists and !force) or SMTPSH_EIO;
 * msg names the file. */
enum smtpsh_err lab_class_write(const struct lab_users *u, const char *path, bool force,
                                struct smtpsh_msg *msg);

#endif
