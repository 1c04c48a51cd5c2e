/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "private_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The open descriptor fd is ours alone, made 0600 and blocking; or why not. */
static enum smtpsh_err make_private(int fd, struct smtpsh_msg *msg)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return smtpsh_fail(msg, SMTPSH_EIO, "%s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return smtpsh_fail(msg, SMTPSH_EINVAL, "not a regular file");
	if (st.st_uid != geteuid())
		return smtpsh_fail(msg, SMTPSH_EINVAL, "it belongs to another user");
	if (fchmod(fd, 0600) != 0 || /* an older file may have been readable */
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
		return smtpsh_fail(msg, SMTPSH_EIO, "%s", strerror(errno));
	return SMTPSH_OK;
}

enum smtpsh_err private_file_open(const char *path, int flags, int *fd, struct smtpsh_msg *msg)
{
	/* O_NONBLOCK: a FIFO planted at the path must not hang the open */
	*fd = open(path, flags | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	if (*fd < 0 && errno == ELOOP)
		return smtpsh_fail(msg, SMTPSH_EINVAL, "it is a symbolic link, not followed");
	if (*fd < 0)
		return smtpsh_fail(msg, SMTPSH_EIO, "%s", strerror(errno));
	enum smtpsh_err e = make_private(*fd, msg);
	if (e != SMTPSH_OK) {
		close(*fd);
		*fd = -1;
	}
	return e;
}
