/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Files that are ours alone (transcripts, the history): opened without
 * following a symbolic link planted at the path, refused when they are not
 * a regular file of ours, and made 0600 whatever mode they had. */
#ifndef SMTPSH_PRIVATE_FILE_H
#define SMTPSH_PRIVATE_FILE_H

#include "err.h"

/* Opens path with flags (O_WRONLY | O_APPEND, say; O_CREAT, O_NOFOLLOW
 * and O_CLOEXEC are added) into *fd, in blocking mode.  Returns SMTPSH_OK;
 * SMTPSH_EINVAL when the file is not ours to write (a symbolic link, not a
 * regular file, another user's) or SMTPSH_EIO (open, fstat or chmod
 * failed), with *fd -1 and msg saying so in a few words ("it is a
 * symbolic link, not followed"). */
enum smtpsh_err private_file_open(const char *path, int flags, int *fd, struct smtpsh_msg *msg);

#endif
