/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lab's mailbox store: one Maildir per user under DIR/mail/, a spool
 * for messages being received under DIR/spool/.  A message answered 250
 * is on disk: its file fsync'd, linked into each recipient's tmp/,
 * renamed into new/, and new/ fsync'd.  POP3 sessions lock a mailbox with
 * flock() on DIR/mail/USER/.pop3.lock (per open file, so two sessions in
 * this process exclude each other as two processes would). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "lab/store.h"

#define SPOOL_BLOCK 8192
#define PATH_BUF 8400

static bool make_dir(const char *path)
{
	return mkdir(path, 0700) == 0 || errno == EEXIST;
}

/* mkdir -p with mode 0700 for the parts it creates. */
static bool make_dirs(const char *path)
{
	char tmp[PATH_BUF];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			make_dir(tmp);
			*p = '/';
		}
	return make_dir(tmp);
}

static bool fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = fsync(fd) == 0;
	close(fd);
	return ok;
}

enum smtpsh_err lab_store_open(struct lab_store *st, const char *dir, struct smtpsh_msg *msg)
{
	memset(st, 0, sizeof(*st));
	if (strlen(dir) > sizeof(st->dir) - 64) {
		return smtpsh_fail(msg, SMTPSH_EINVAL, "%s: the path is too long", dir);
	}
	snprintf(st->dir, sizeof(st->dir), "%s", dir);
	char path[PATH_BUF];
	snprintf(path, sizeof(path), "%s/mail", dir);
	bool ok = make_dirs(path);
	snprintf(path, sizeof(path), "%s/spool", dir);
	ok = ok && make_dirs(path);
	struct stat sb;
	if (!ok || stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode) || access(path, W_OK) != 0) {
		return smtpsh_fail(msg, SMTPSH_EIO, "cannot create the mail store under %s: %s",
		                   dir, strerror(errno));
	}
	/* Spool files left by a crash were never answered 250: the
	 * client still holds them, so they go. */
	DIR *d = opendir(path);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)))
			if (e->d_name[0] != '.')
				unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
	}
	return SMTPSH_OK;
}

enum smtpsh_err lab_store_add_user(struct lab_store *st, const char *user)
{
	static const char *const subs[] = {"", "/tmp", "/new", "/cur"};
	char path[PATH_BUF];
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/mail/%s%s", st->dir, user, subs[i]);
		if (!make_dirs(path))
			return SMTPSH_EIO;
	}
	return SMTPSH_OK;
}

/* ---- receiving ---- */

enum smtpsh_err lab_spool_begin(struct lab_store *st, struct lab_spool *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->fd = -1;
	buf_init(&sp->pending, SPOOL_BLOCK * 2);
	struct timeval tv;
	gettimeofday(&tv, NULL);
	unsigned seq = ++st->seq;
	/* Maildir names: time.M<usec>P<pid>Q<seq>.host (unique in this
	 * process, sorted by time: ten-digit seconds until 2286). */
	snprintf(sp->name, sizeof(sp->name), "%010lld.M%06ldP%ldQ%u.lab", (long long)tv.tv_sec,
	         (long)tv.tv_usec, (long)getpid(), seq);
	snprintf(sp->id, sizeof(sp->id), "%05lX%05X", (unsigned long)(tv.tv_usec & 0xFFFFF),
	         seq & 0xFFFFF);
	snprintf(sp->path, sizeof(sp->path), "%s/spool/%s", st->dir, sp->name);
	sp->fd = open(sp->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (sp->fd < 0) {
		buf_free(&sp->pending);
		return SMTPSH_EIO;
	}
	return SMTPSH_OK;
}

static bool spool_flush(struct lab_spool *sp)
{
	size_t off = 0;
	while (off < sp->pending.len) {
		ssize_t w = write(sp->fd, sp->pending.data + off, sp->pending.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		off += (size_t)w;
	}
	buf_clear(&sp->pending);
	return true;
}

enum smtpsh_err lab_spool_write(struct lab_spool *sp, const char *p, size_t n)
{
	if (sp->failed || sp->fd < 0)
		return SMTPSH_EIO;
	for (size_t i = 0; i < n; i++)
		if (p[i] == '\n')
			sp->octets++; /* POP3 sends CRLF */
	sp->octets += n;
	sp->bytes += n;
	while (n) {
		size_t room = SPOOL_BLOCK - sp->pending.len;
		size_t take = n < room ? n : room;
		buf_append(&sp->pending, p, take);
		p += take;
		n -= take;
		if (sp->pending.len >= SPOOL_BLOCK && !spool_flush(sp)) {
			sp->failed = true;
			return SMTPSH_EIO;
		}
	}
	return SMTPSH_OK;
}

void lab_spool_abort(struct lab_spool *sp)
{
	if (sp->fd >= 0) {
		close(sp->fd);
		unlink(sp->path);
	}
	sp->fd = -1;
	buf_free(&sp->pending);
}

void lab_store_commit(struct lab_store *st, struct lab_delivery *d, size_t n)
{
	char tmp[PATH_BUF], dst[PATH_BUF];
	/* 1. every spool file on disk */
	for (size_t i = 0; i < n; i++) {
		struct lab_spool *sp = d[i].spool;
		d[i].ok = !sp->failed && sp->fd >= 0 && spool_flush(sp) && fsync(sp->fd) == 0;
		if (sp->fd >= 0)
			close(sp->fd);
		sp->fd = -1;
		buf_free(&sp->pending);
	}
	/* 2. tmp/ then new/ for each recipient (link: one inode, n names) */
	for (size_t i = 0; i < n; i++) {
		struct lab_spool *sp = d[i].spool;
		size_t done = 0;
		for (; d[i].ok && done < d[i].nusers; done++) {
			const char *u = d[i].users[done];
			if (lab_store_add_user(st, u) != SMTPSH_OK) {
				d[i].ok = false;
				break;
			}
			snprintf(tmp, sizeof(tmp), "%s/mail/%s/tmp/%s", st->dir, u, sp->name);
			snprintf(dst, sizeof(dst), "%s/mail/%s/new/%s,S=%zu,W=%zu", st->dir, u,
			         sp->name, sp->bytes, sp->octets);
			if (link(sp->path, tmp) != 0) {
				d[i].ok = false;
				break;
			}
			if (rename(tmp, dst) != 0) {
				unlink(tmp);
				d[i].ok = false;
				break;
			}
		}
		if (!d[i].ok) /* all recipients or none: the client retries */
			for (size_t k = 0; k < done; k++) {
				snprintf(dst, sizeof(dst), "%s/mail/%s/new/%s,S=%zu,W=%zu", st->dir,
				         d[i].users[k], sp->name, sp->bytes, sp->octets);
				unlink(dst);
			}
	}
	/* 3. each new/ directory once for the whole batch */
	const char *synced[LAB_MAX_RCPTS * 4];
	bool sync_ok[LAB_MAX_RCPTS * 4];
	size_t nsynced = 0;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; d[i].ok && k < d[i].nusers; k++) {
			const char *u = d[i].users[k];
			size_t j;
			for (j = 0; j < nsynced; j++)
				if (!strcmp(synced[j], u))
					break;
			if (j == nsynced) {
				snprintf(dst, sizeof(dst), "%s/mail/%s/new", st->dir, u);
				bool ok = fsync_dir(dst);
				if (nsynced < sizeof(synced) / sizeof(synced[0])) {
					synced[nsynced] = u;
					sync_ok[nsynced++] = ok;
				}
				if (!ok)
					d[i].ok = false;
			} else if (!sync_ok[j]) {
				d[i].ok = false;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		unlink(d[i].spool->path);
		if (d[i].ok)
			st->delivered++;
	}
}

/* ---- reading ---- */

/* POP3 octets of a file with LF (or CRLF) line ends. */
static bool count_octets(const char *path, size_t *octets)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	char chunk[16384];
	size_t total = 0;
	char prev = '\0';
	ssize_t r;
	while ((r = read(fd, chunk, sizeof(chunk))) > 0) {
		for (ssize_t i = 0; i < r; i++) {
			if (chunk[i] == '\n' && prev != '\r')
				total++;
			prev = chunk[i];
		}
		total += (size_t)r;
	}
	close(fd);
	if (r < 0)
		return false;
	if (total && prev != '\n')
		total += 2; /* the stuffer ends the last line */
	*octets = total;
	return true;
}

static int by_name(const void *a, const void *b)
{
	const struct lab_msg *x = a, *y = b;
	const char *nx = strchr(x->file, '/'), *ny = strchr(y->file, '/');
	return strcmp(nx ? nx + 1 : x->file, ny ? ny + 1 : y->file);
}

static bool scan(struct lab_store *st, const char *user, const char *sub, struct lab_maildrop *drop,
                 size_t *cap)
{
	char path[PATH_BUF];
	snprintf(path, sizeof(path), "%s/mail/%s/%s", st->dir, user, sub);
	DIR *d = opendir(path);
	if (!d)
		return errno == ENOENT;
	struct dirent *e;
	bool ok = true;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' ||
		    strlen(e->d_name) + strlen(sub) + 2 > sizeof(drop->v[0].file))
			continue;
		if (drop->n == *cap) {
			size_t ncap = *cap ? *cap * 2 : 16;
			struct lab_msg *v = realloc(drop->v, ncap * sizeof(*v));
			if (!v) {
				ok = false;
				break;
			}
			drop->v = v;
			*cap = ncap;
		}
		struct lab_msg *m = &drop->v[drop->n];
		memset(m, 0, sizeof(*m));
		snprintf(m->file, sizeof(m->file), "%s/%s", sub, e->d_name);
		/* The unique id: the base name, before ",S=..." and ":2,flags". */
		size_t ulen = strcspn(e->d_name, ",:");
		if (ulen >= LAB_UID_MAX - 1)
			ulen = LAB_UID_MAX - 2;
		memcpy(m->uid, e->d_name, ulen);
		m->uid[ulen] = '\0';
		for (char *c = m->uid; *c; c++)
			if ((unsigned char)*c < 0x21 || (unsigned char)*c > 0x7e)
				*c = '_';
		const char *w = strstr(e->d_name, ",W=");
		char *end = NULL;
		unsigned long long v = w ? strtoull(w + 3, &end, 10) : 0;
		if (w && end != w + 3 && (*end == '\0' || *end == ',' || *end == ':')) {
			m->octets = (size_t)v;
		} else {
			snprintf(path, sizeof(path), "%s/mail/%s/%s", st->dir, user, m->file);
			if (!count_octets(path, &m->octets))
				continue;
		}
		drop->n++;
	}
	closedir(d);
	return ok;
}

enum lab_drop_status lab_store_maildrop_open(struct lab_store *st, const char *user,
                                             struct lab_maildrop *drop)
{
	memset(drop, 0, sizeof(*drop));
	drop->lock_fd = -1;
	snprintf(drop->user, sizeof(drop->user), "%s", user);
	if (lab_store_add_user(st, user) != SMTPSH_OK)
		return LAB_DROP_FAILED;
	char path[PATH_BUF];
	snprintf(path, sizeof(path), "%s/mail/%s/.pop3.lock", st->dir, user);
	drop->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (drop->lock_fd < 0)
		return LAB_DROP_FAILED;
	if (flock(drop->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		bool busy = errno == EWOULDBLOCK;
		close(drop->lock_fd);
		drop->lock_fd = -1;
		return busy ? LAB_DROP_IN_USE : LAB_DROP_FAILED;
	}
	size_t cap = 0;
	if (!scan(st, user, "cur", drop, &cap) || !scan(st, user, "new", drop, &cap)) {
		lab_store_maildrop_close(drop);
		return LAB_DROP_FAILED;
	}
	if (drop->n)
		qsort(drop->v, drop->n, sizeof(*drop->v), by_name);
	return LAB_DROP_OK;
}

bool lab_store_maildrop_commit(struct lab_store *st, struct lab_maildrop *drop)
{
	char path[PATH_BUF];
	bool ok = true, any = false;
	for (size_t i = 0; i < drop->n; i++) {
		if (!drop->v[i].deleted)
			continue;
		snprintf(path, sizeof(path), "%s/mail/%s/%s", st->dir, drop->user, drop->v[i].file);
		if (unlink(path) != 0 && errno != ENOENT)
			ok = false;
		any = true;
	}
	if (any) {
		snprintf(path, sizeof(path), "%s/mail/%s/new", st->dir, drop->user);
		ok = fsync_dir(path) && ok;
		snprintf(path, sizeof(path), "%s/mail/%s/cur", st->dir, drop->user);
		ok = fsync_dir(path) && ok;
	}
	return ok;
}

void lab_store_maildrop_close(struct lab_maildrop *drop)
{
	if (drop->lock_fd >= 0)
		close(drop->lock_fd); /* releases the flock */
	drop->lock_fd = -1;
	free(drop->v);
	drop->v = NULL;
	drop->n = 0;
}

int lab_store_message_open(struct lab_store *st, const struct lab_maildrop *drop, size_t i)
{
	if (i >= drop->n)
		return -1;
	char path[PATH_BUF];
	snprintf(path, sizeof(path), "%s/mail/%s/%s", st->dir, drop->user, drop->v[i].file);
	return open(path, O_RDONLY | O_CLOEXEC);
}

size_t lab_store_count(struct lab_store *st, const char *user)
{
	static const char *const subs[] = {"new", "cur"};
	size_t n = 0;
	char path[PATH_BUF];
	for (size_t k = 0; k < 2; k++) {
		snprintf(path, sizeof(path), "%s/mail/%s/%s", st->dir, user, subs[k]);
		DIR *d = opendir(path);
		if (!d)
			continue;
		struct dirent *e;
		while ((e = readdir(d)))
			n += e->d_name[0] != '.';
		closedir(d);
	}
	return n;
}
