/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where smtpsh keeps its files: under XDG_STATE_HOME (history,
 * transcripts), created private (0700). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shell.h"

bool state_dir(char *out, size_t n, const char *sub)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	if (state && *state == '/')
		snprintf(out, n, "%s/smtpsh%s%s", state, *sub ? "/" : "", sub);
	else if (home && *home)
		snprintf(out, n, "%s/.local/state/smtpsh%s%s", home, *sub ? "/" : "", sub);
	else
		return false;
	for (char *p = out + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(out, 0700);
			*p = '/';
		}
	mkdir(out, 0700);
	struct stat st;
	if (stat(out, &st) != 0 || !S_ISDIR(st.st_mode))
		return false;
	/* made by an older smtpsh or by hand with a looser mode: ours, so
	 * private again (history and transcripts are listed in it) */
	if (st.st_uid == geteuid() && (st.st_mode & 077))
		chmod(out, 0700);
	return true;
}
