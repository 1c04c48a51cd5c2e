/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where the lessons are and what their headers say: the index of
 * `smtpsh lesson`.  A lesson is a transcript named "NN-....txt"; its
 * header's lesson keys (title, seed, level, lab-...) describe it. */
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "lesson.h"

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool lesson_dir(char *out, size_t n)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len <= 0)
		return false;
	exe[len] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return false;
	*slash = '\0';
	/* build/smtpsh in the source tree, then PREFIX/bin/smtpsh installed */
	static const char *const beside[] = {"%s/../transcripts", "%s/../share/smtpsh/transcripts"};
	for (size_t i = 0; i < sizeof(beside) / sizeof(beside[0]); i++) {
		int w = snprintf(out, n, beside[i], exe);
		if (w > 0 && (size_t)w < n && is_dir(out))
			return true;
	}
	return false;
}

/* "NN-" at the start of name: NN, or -1. */
static int file_number(const char *name)
{
	size_t len = strlen(name);
	if (!isdigit((unsigned char)name[0]) || !isdigit((unsigned char)name[1]) ||
	    name[2] != '-' || len < 7 || strcmp(name + len - 4, ".txt"))
		return -1;
	return (name[0] - '0') * 10 + (name[1] - '0');
}

/* The header's value for it->key into the field that holds it. */
static void take_header(struct lesson_info *l, const struct transcript_item *it)
{
	static const struct {
		const char *key;
		size_t offset, size;
	} fields[] = {
#define FIELD(k, f) {k, offsetof(struct lesson_info, f), sizeof(((struct lesson_info *)0)->f)}
	    FIELD("title", title),
	    FIELD("title-zh", title_zh),
	    FIELD("seed", seed),
	    FIELD("level", level),
	    FIELD("target", target),
	    FIELD("protocol", proto),
	    FIELD("lab-persona", lab_persona),
	    FIELD("lab-user", lab_user),
	    FIELD("lab-mail", lab_mail),
	    FIELD("lab-domains", lab_domains),
	    FIELD("lab-users", lab_users),
	    FIELD("lab-idle-timeout", lab_idle_timeout),
	    FIELD("lab-helo-required", lab_helo_required),
#undef FIELD
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!strcmp(it->key, fields[i].key))
			snprintf((char *)l + fields[i].offset, fields[i].size, "%.*s",
			         (int)it->bytes.len, it->bytes.data ? it->bytes.data : "");
}

/* Reads path's header into l; false when it cannot be read. */
static bool read_info(struct lesson_info *l)
{
	FILE *f = fopen(l->path, "r");
	if (!f)
		return false;
	struct transcript_reader r;
	struct transcript_item it;
	transcript_reader_init(&r, f);
	transcript_item_init(&it);
	enum smtpsh_err e;
	while ((e = transcript_next(&r, &it, NULL)) != SMTPSH_ECLOSED && e != SMTPSH_EIO) {
		if (e != SMTPSH_OK || it.kind == TR_COMMENT)
			continue;
		if (it.kind != TR_HEADER)
			break; /* the body: no more header */
		take_header(l, &it);
	}
	transcript_item_free(&it);
	transcript_reader_free(&r);
	fclose(f);
	return true;
}

static int by_number(const void *a, const void *b)
{
	const struct lesson_info *x = a, *y = b;
	return (x->number > y->number) - (x->number < y->number);
}

size_t lesson_list(const char *dir, struct lesson_info *v, size_t max)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < max) {
		int number = file_number(de->d_name);
		if (number < 0)
			continue;
		struct lesson_info *l = &v[n];
		memset(l, 0, sizeof(*l));
		l->number = (unsigned)number;
		int w = snprintf(l->path, sizeof(l->path), "%s/%s", dir, de->d_name);
		if (w < 0 || (size_t)w >= sizeof(l->path) || !read_info(l))
			continue;
		if (!l->title[0])
			snprintf(l->title, sizeof(l->title), "%s", de->d_name);
		n++;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), by_number);
	return n;
}

const char *lesson_title(const struct lesson_info *l)
{
	return !strcmp(i18n_language(), "zh") && l->title_zh[0] ? l->title_zh : l->title;
}
