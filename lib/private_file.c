/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "private_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int private_file_open(const char *path, int flags, const char **why)
{
	/* O_NONBLOCK: a FIFO planted at the path must not hang the open */
	int fd = open(path, flags | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	struct stat st;
	*why = NULL;
	if (fd < 0)
		*why = errno == ELOOP ? "it is a symbolic link, not followed" : strerror(errno);
	else if (fstat(fd, &st) != 0)
		*why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		*why = "not a regular file";
	else if (st.st_uid != geteuid())
		*why = "it belongs to another user";
	else if (fchmod(fd, 0600) != 0 || /* an older file may have been readable */
	         fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
		*why = strerror(errno);
	if (!*why)
		return fd;
	if (fd >= 0)
		close(fd);
	return -1;
}
