/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "transcript.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "escape.h"

/* The header, once the file is open. */
static enum err start(struct transcript_writer *w, int fd, const char *target, const char *proto,
                      bool timestamps, const char *path, char *errbuf, size_t errsz)
{
	if (!(w->f = fdopen(fd, "w"))) {
		snprintf(errbuf, errsz, "cannot write transcript %s: %s", path, strerror(errno));
		close(fd);
		return ERR_IO;
	}
	buf_init(&w->line, TRANSCRIPT_MAX_LINE);
	w->timestamps = timestamps;
	clock_gettime(CLOCK_MONOTONIC, &w->t0);
	char when[64];
	time_t now = time(NULL);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	fprintf(w->f, "%s %d\n"
		      "# convention: S: sent by the client (smtpsh), R: received from the server (RFC 821)\n"
		      "# target: %s\n# protocol: %s\n# started: %s\n",
		TRANSCRIPT_MAGIC, TRANSCRIPT_VERSION, target, proto, when);
	fflush(w->f);
	return ERR_OK;
}

enum err transcript_open(struct transcript_writer *w, const char *path, const char *target,
                         const char *proto, bool timestamps, char *errbuf, size_t errsz)
{
	memset(w, 0, sizeof(*w));
	/* Never through a symbolic link planted at the path, never into a
	 * device or FIFO (O_NONBLOCK: a FIFO must not hang the open), never
	 * into another user's file; truncated only once all that is known. */
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	struct stat st;
	const char *why = NULL;
	if (fd < 0)
		why = errno == ELOOP ? "it is a symbolic link, not followed" : strerror(errno);
	else if (fstat(fd, &st) != 0)
		why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (st.st_uid != geteuid())
		why = "it belongs to another user";
	else if (fchmod(fd, 0600) != 0 || ftruncate(fd, 0) != 0 ||
	         fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
		why = strerror(errno);
	if (why) {
		snprintf(errbuf, errsz, "cannot write transcript %s: %s", path, why);
		if (fd >= 0)
			close(fd);
		return ERR_IO;
	}
	return start(w, fd, target, proto, timestamps, path, errbuf, errsz);
}

enum err transcript_create(struct transcript_writer *w, const char *path, const char *target,
                           const char *proto, bool timestamps, char *errbuf, size_t errsz)
{
	memset(w, 0, sizeof(*w));
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(errbuf, errsz, "cannot create transcript %s: %s", path, strerror(errno));
		return ERR_IO;
	}
	return start(w, fd, target, proto, timestamps, path, errbuf, errsz);
}

static void stamp(struct transcript_writer *w)
{
	if (!w->timestamps)
		return;
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	double s = (double)(t.tv_sec - w->t0.tv_sec) + (t.tv_nsec - w->t0.tv_nsec) / 1e9;
	fprintf(w->f, "@%.3f ", s);
}

/* Writes "P: escaped" (or "P= escaped-with-ending" for exact lines) and
 * flushes, so that a kill -9 loses nothing already written. */
static void put(struct transcript_writer *w, char side, char mark,
		const char *p, size_t n, const char *ending)
{
	if (!w->f)
		return;
	buf_clear(&w->line);
	escape_append(&w->line, p, n);
	if (mark == '=')
		escape_append(&w->line, ending, strlen(ending));
	stamp(w);
	fprintf(w->f, "%c%c %s\n", side, mark, w->line.data ? w->line.data : "");
	fflush(w->f);
}

void transcript_sent(struct transcript_writer *w, const char *bytes,
		     size_t len, bool redacted)
{
	put(w, 'S', redacted ? '*' : ':', bytes, len, "");
}

void transcript_received(struct transcript_writer *w, const char *bytes,
			 size_t len, const char *ending)
{
	put(w, 'R', strcmp(ending, "\r\n") ? '=' : ':', bytes, len, ending);
}

void transcript_event(struct transcript_writer *w, const char *fmt, ...)
{
	if (!w->f)
		return;
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* Events are one line: escape anything that would break it. */
	buf_clear(&w->line);
	escape_append(&w->line, text, strlen(text));
	stamp(w);
	fprintf(w->f, "-- %s\n", w->line.data ? w->line.data : "");
	fflush(w->f);
}

void transcript_close(struct transcript_writer *w)
{
	if (w->f)
		fclose(w->f);
	w->f = NULL;
	buf_free(&w->line);
}

void transcript_reader_init(struct transcript_reader *r, FILE *f)
{
	memset(r, 0, sizeof(*r));
	r->f = f;
	buf_init(&r->raw, TRANSCRIPT_MAX_LINE);
}

void transcript_reader_free(struct transcript_reader *r)
{
	buf_free(&r->raw);
}

void transcript_item_init(struct transcript_item *it)
{
	memset(it, 0, sizeof(*it));
	buf_init(&it->bytes, TRANSCRIPT_MAX_LINE);
}

void transcript_item_free(struct transcript_item *it)
{
	buf_free(&it->bytes);
}

/* Reads one line of the file into r->raw, in bounded memory.  An
 * over-long line is skipped whole.  False at end of file. */
static bool read_line(struct transcript_reader *r, bool *too_long)
{
	buf_clear(&r->raw);
	*too_long = false;
	char chunk[8192];
	bool any = false;
	/* fgets in chunks: a long line costs no more than its bytes, and
	 * one past the limit is skipped without being kept. */
	while (fgets(chunk, sizeof(chunk), r->f)) {
		any = true;
		size_t n = strlen(chunk);
		bool end = n && chunk[n - 1] == '\n';
		if (end)
			n--;
		if (!*too_long && !buf_append(&r->raw, chunk, n))
			*too_long = true;
		if (end)
			break;
	}
	if (!any)
		return false;
	r->lineno++;
	/* A transcript edited on Windows: drop the CR of CRLF. */
	if (r->raw.len && r->raw.data[r->raw.len - 1] == '\r')
		r->raw.data[--r->raw.len] = '\0';
	return true;
}

static enum err bad(struct transcript_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static enum err bad(struct transcript_reader *r, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(r->err, sizeof(r->err), "line %lu: ", r->lineno);
	va_start(ap, fmt);
	vsnprintf(r->err + n, sizeof(r->err) - (size_t)n, fmt, ap);
	va_end(ap);
	return ERR_INVALID;
}

/* A line that starts with nothing we know; its first bytes are quoted
 * escaped, since a transcript may come from anywhere. */
static enum err bad_start(struct transcript_reader *r, const char *s)
{
	struct buf q;
	buf_init(&q, 64);
	escape_append(&q, s, strnlen(s, 10));
	enum err e = bad(r, "expected S:, R:, -- or #, not '%s'", q.data ? q.data : "");
	buf_free(&q);
	return e;
}

enum err transcript_next(struct transcript_reader *r, struct transcript_item *it)
{
	bool too_long;
	for (;;) {
		if (!read_line(r, &too_long))
			return ERR_CLOSED;
		if (too_long) {
			snprintf(r->err, sizeof(r->err), "line %lu: longer than %d bytes: skipped",
				 r->lineno, TRANSCRIPT_MAX_LINE);
			return ERR_NOMEM;
		}
		char *s = r->raw.data ? r->raw.data : (char *)"";
		size_t n = r->raw.len;
		buf_clear(&it->bytes);
		it->ending = "\r\n";
		it->redacted = false;
		it->at = -1;
		it->lineno = r->lineno;
		if (n == 0)
			continue;
		if (s[0] == '#') {
			/* "# key: value" header lines become items; the
			 * convention line tells who S: is. */
			if (strstr(s, "S: server") || strstr(s, "S: the server") ||
			    strstr(s, "C: client"))
				r->rfc5321 = true;
			static const char *const keys[] = {"convention", "target", "protocol", "started"};
			const char *colon = strchr(s, ':');
			size_t klen = colon ? (size_t)(colon - s - 2) : 0;
			for (size_t k = 0; !r->in_body && colon && s[1] == ' ' && k < 4; k++) {
				if (klen != strlen(keys[k]) || strncmp(s + 2, keys[k], klen))
					continue;
				snprintf(it->key, sizeof(it->key), "%s", keys[k]);
				buf_append_str(&it->bytes, colon + 1 + (colon[1] == ' '));
				it->kind = TR_HEADER;
				return ERR_OK;
			}
			if (s[1] == '#' || !strncmp(s, TRANSCRIPT_MAGIC, strlen(TRANSCRIPT_MAGIC)))
				continue;
			buf_append_str(&it->bytes, s + 1 + (s[1] == ' '));
			it->kind = TR_COMMENT;
			return ERR_OK;
		}
		if (s[0] == '@') {
			char *end;
			it->at = strtod(s + 1, &end);
			if (end == s + 1 || *end != ' ')
				return bad(r, "a timestamp is written @SECONDS followed by a space");
			s = end + 1;
			n = strlen(s);
		}
		r->in_body = true;
		if (n >= 2 && (!strncmp(s, "--", 2) || !strncmp(s, "==", 2))) {
			const char *t = s + 2 + (s[2] == ' ');
			size_t bad_at;
			it->kind = TR_EVENT;
			if (!unescape_append(&it->bytes, t, strlen(t), &bad_at))
				return bad(r, "bad escape at column %zu", (size_t)(t - s) + bad_at + 1);
			return ERR_OK;
		}
		char side = s[0], mark = n > 1 ? s[1] : '\0';
		if (mark != ':' && mark != '=' && mark != '*')
			return bad_start(r, s);
		bool client;
		if (r->rfc5321)
			client = side == 'C';
		else
			client = side == 'S';
		if (r->rfc5321 ? (side != 'C' && side != 'S') : (side != 'S' && side != 'R')) {
			if (side == 'C' && !r->rfc5321) {
				/* A capture in RFC 5321 style: from here on S: is
				 * the server. */
				r->rfc5321 = true;
				client = true;
			} else {
				return bad_start(r, s);
			}
		}
		const char *t = s + 2;
		/* seed 002 writes "R:220 ..." with no space */
		if (*t == ' ')
			t++;
		size_t bad_at;
		if (!unescape_append(&it->bytes, t, strlen(t), &bad_at))
			return bad(r, "bad escape at column %zu", (size_t)(t - s) + bad_at + 1);
		it->kind = client ? TR_SENT : TR_RECEIVED;
		it->redacted = mark == '*';
		if (mark == '=') {
			/* exact bytes: the line end is part of the content */
			struct buf *b = &it->bytes;
			if (b->len >= 2 && b->data[b->len - 2] == '\r' && b->data[b->len - 1] == '\n') {
				it->ending = "\r\n";
				b->len -= 2;
			} else if (b->len >= 1 && b->data[b->len - 1] == '\n') {
				it->ending = "\n";
				b->len -= 1;
			} else {
				it->ending = "";
			}
			if (b->data) /* "R=" alone: nothing was allocated */
				b->data[b->len] = '\0';
		}
		return ERR_OK;
	}
}
