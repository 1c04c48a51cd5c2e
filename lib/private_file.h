/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Files that are ours alone (transcripts, the history): opened without
 * following a symbolic link planted at the path, refused when they are not
 * a regular file of ours, and made 0600 whatever mode they had. */
#ifndef SMTPSH_PRIVATE_FILE_H
#define SMTPSH_PRIVATE_FILE_H

/* Opens path with flags (O_WRONLY | O_APPEND, say; O_CREAT, O_NOFOLLOW
 * and O_CLOEXEC are added) and returns the descriptor, in blocking mode.
 * -1 when the file is not ours to write, with *why saying so in a few
 * words ("it is a symbolic link, not followed"). */
int private_file_open(const char *path, int flags, const char **why);

#endif
