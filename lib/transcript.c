/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "transcript.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "escape.h"
#include "mask.h"
#include "private_file.h"

/* The header, once the file is open. */
static enum smtpsh_err start(struct transcript_writer *w, int fd, const char *target,
                             const char *proto, bool timestamps, const char *path,
                             struct smtpsh_msg *msg)
{
	if (!(w->f = fdopen(fd, "w"))) {
		int why = errno;
		close(fd);
		return smtpsh_fail(msg, SMTPSH_EIO, "cannot write transcript %s: %s", path,
		                   strerror(why));
	}
	buf_init(&w->line, TRANSCRIPT_MAX_LINE);
	w->timestamps = timestamps;
	clock_gettime(CLOCK_MONOTONIC, &w->t0);
	char when[64];
	time_t now = time(NULL);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	/* the file's header is read back by the reader: the same in every
	 * language */
	fprintf(
	    w->f, /* i18n: protocol */
	    "%s %d\n"
	    "# convention: S: sent by the client (smtpsh), R: received from the server (RFC 821)\n"
	    "# target: %s\n# protocol: %s\n# started: %s\n",
	    TRANSCRIPT_MAGIC, TRANSCRIPT_VERSION, target, proto, when);
	fflush(w->f);
	return SMTPSH_OK;
}

enum smtpsh_err transcript_open(struct transcript_writer *w, const char *path, const char *target,
                                const char *proto, bool timestamps, struct smtpsh_msg *msg)
{
	memset(w, 0, sizeof(*w));
	/* Never through a link planted at the path, never into a device, a
	 * FIFO or another user's file; truncated only once all that is known. */
	struct smtpsh_msg why;
	int fd;
	enum smtpsh_err e = private_file_open(path, O_WRONLY, &fd, &why);
	if (e == SMTPSH_OK && ftruncate(fd, 0) != 0) {
		e = smtpsh_fail(&why, SMTPSH_EIO, "%s", strerror(errno));
		close(fd);
	}
	if (e != SMTPSH_OK)
		return smtpsh_fail(msg, SMTPSH_EIO, "cannot write transcript %s: %s", path,
		                   why.text);
	return start(w, fd, target, proto, timestamps, path, msg);
}

enum smtpsh_err transcript_create(struct transcript_writer *w, const char *path, const char *target,
                                  const char *proto, bool timestamps, struct smtpsh_msg *msg)
{
	memset(w, 0, sizeof(*w));
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return smtpsh_fail(msg, SMTPSH_EIO, "cannot create transcript %s: %s", path,
		                   strerror(errno));
	return start(w, fd, target, proto, timestamps, path, msg);
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
static void put(struct transcript_writer *w, char side, char mark, const char *p, size_t n,
                const char *ending)
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

void transcript_sent(struct transcript_writer *w, const char *bytes, size_t len, bool redacted)
{
	put(w, 'S', redacted ? '*' : ':', bytes, len, "");
}

void transcript_received(struct transcript_writer *w, const char *bytes, size_t len,
                         const char *ending)
{
	put(w, 'R', strcmp(ending, "\r\n") ? '=' : ':', bytes, len, ending);
}

/* The one table of event tokens: written and read through it. */
static const struct {
	enum transcript_event ev;
	const char *token;
} event_tokens[] = {
    {TRANSCRIPT_EV_CONNECTED, "connected"},
    {TRANSCRIPT_EV_TLS_STARTTLS, "tls starttls"},
    {TRANSCRIPT_EV_TLS_IMPLICIT, "tls implicit"},
    {TRANSCRIPT_EV_TLS_UNVERIFIED, "tls unverified"},
    {TRANSCRIPT_EV_CLOSED_BY_PEER, "connection closed by the server"},
    {TRANSCRIPT_EV_CLOSED_BY_US, "connection closed:"},
    {TRANSCRIPT_EV_ERROR, "error:"},
    {TRANSCRIPT_EV_LINE_CUT, "line cut:"},
};

const char *transcript_event_token(enum transcript_event ev)
{
	for (size_t i = 0; i < sizeof(event_tokens) / sizeof(event_tokens[0]); i++)
		if (event_tokens[i].ev == ev)
			return event_tokens[i].token;
	return "";
}

enum transcript_event transcript_event_parse(const char *text, size_t n, size_t *detail)
{
	*detail = 0;
	for (size_t i = 0; i < sizeof(event_tokens) / sizeof(event_tokens[0]); i++) {
		size_t k = strlen(event_tokens[i].token);
		if (n < k || memcmp(text, event_tokens[i].token, k) || (n > k && text[k] != ' '))
			continue;
		*detail = k + (n > k);
		return event_tokens[i].ev;
	}
	return TRANSCRIPT_EV_OTHER;
}

bool transcript_part_proto(const struct transcript_item *it, char *proto, size_t size,
                           bool *implicit_tls)
{
	*implicit_tls = false;
	if (it->kind != TR_EVENT || it->event != TRANSCRIPT_EV_CONNECTED || !it->bytes.data ||
	    !size)
		return false;
	const char *d = it->bytes.data + it->detail, *end = it->bytes.data + it->bytes.len;
	/* the address comes first and holds no " port ": the "(" after it */
	const char *port = memmem(d, (size_t)(end - d), " port ", 6);
	const char *open = port ? memchr(port, '(', (size_t)(end - port)) : NULL;
	if (!open)
		return false;
	const char *name = open + 1;
	size_t n = strcspn(name, " ,)");
	if (name + n > end || n == 0 || n >= size)
		return false;
	memcpy(proto, name, n);
	proto[n] = '\0';
	*implicit_tls = !strncmp(name + n, " over TLS", 9);
	return true;
}

void transcript_event(struct transcript_writer *w, enum transcript_event ev, const char *fmt, ...)
{
	if (!w->f)
		return;
	const char *token = transcript_event_token(ev);
	char text[1024];
	int k = snprintf(text, sizeof(text), "%s%s", token, *token && fmt && *fmt ? " " : "");
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(text + k, sizeof(text) - (size_t)k, fmt, ap);
		va_end(ap);
	}
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

enum smtpsh_err transcript_fopen(const char *path, FILE **f, struct smtpsh_msg *msg)
{
	*f = NULL;
	if (!strcmp(path, "-")) {
		*f = stdin;
		return SMTPSH_OK;
	}
	FILE *opened = fopen(path, "r");
	if (!opened)
		return smtpsh_fail(msg, SMTPSH_EIO, "cannot open transcript '%s': %s", path,
		                   strerror(errno));
	/* fopen takes a directory; reading it would fail at the first
	 * line, and `serve` would only learn that once a client came. */
	struct stat st;
	if (fstat(fileno(opened), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(opened);
		return smtpsh_fail(msg, SMTPSH_EIO,
		                   "cannot read transcript '%s': it is a directory", path);
	}
	*f = opened;
	return SMTPSH_OK;
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
	it->lang = "";
	buf_init(&it->bytes, TRANSCRIPT_MAX_LINE);
}

void transcript_item_free(struct transcript_item *it)
{
	buf_free(&it->bytes);
}

/* What read_line found. */
enum line_read {
	LINE_READ,     /* a line is in r->raw */
	LINE_TOO_LONG, /* a line past TRANSCRIPT_MAX_LINE was skipped whole */
	LINE_EOF,
	LINE_FAILED, /* a read error, or no line end for far too long: msg */
};

/* Appends what fits of p[0..n) to r->raw; counts what does not. */
static void keep(struct transcript_reader *r, const char *p, size_t n, size_t *dropped)
{
	if (!*dropped && buf_append(&r->raw, p, n))
		return;
	*dropped += n;
}

/* Reads one line of the file into r->raw, in bounded memory, byte for
 * byte: a NUL is content like any other byte (fgets would end the line
 * there and glue the next one on).  An over-long line is skipped to its
 * end, but not for ever: a file with no line end in TRANSCRIPT_MAX_SKIP
 * bytes (/dev/zero, a disk image) is not a transcript. */
static enum line_read read_line(struct transcript_reader *r, struct smtpsh_msg *msg)
{
	buf_clear(&r->raw);
	char stage[8192];
	size_t k = 0, dropped = 0;
	bool any = false, end = false;
	int c;
	while ((c = getc_unlocked(r->f)) != EOF) {
		any = true;
		if (c == '\n') {
			end = true;
			break;
		}
		stage[k++] = (char)c;
		if (k == sizeof(stage)) {
			keep(r, stage, k, &dropped);
			k = 0;
			if (dropped > TRANSCRIPT_MAX_SKIP) {
				smtpsh_fail(
				    msg, SMTPSH_EIO,
				    "line %lu: no line end in the first %d MiB: this is not a "
				    "transcript",
				    r->lineno + 1, TRANSCRIPT_MAX_SKIP >> 20);
				return LINE_FAILED;
			}
		}
	}
	if (!end && ferror(r->f)) {
		smtpsh_fail(msg, SMTPSH_EIO, "cannot read line %lu: %s", r->lineno + 1,
		            strerror(errno));
		return LINE_FAILED;
	}
	keep(r, stage, k, &dropped);
	if (!any)
		return LINE_EOF;
	r->lineno++;
	if (dropped)
		return LINE_TOO_LONG;
	/* A transcript edited on Windows: drop the CR of CRLF. */
	if (r->raw.len && r->raw.data[r->raw.len - 1] == '\r')
		r->raw.data[--r->raw.len] = '\0';
	return LINE_READ;
}

/* The next line of the file into r->raw: SMTPSH_OK, or the code and words
 * transcript_next() gives for it.  A read failure is kept in
 * r->sticky_err and r->sticky_msg. */
static enum smtpsh_err next_line(struct transcript_reader *r, struct smtpsh_msg *msg)
{
	switch (read_line(r, &r->sticky_msg)) {
	case LINE_READ: return SMTPSH_OK;
	case LINE_EOF: return SMTPSH_ECLOSED;
	case LINE_TOO_LONG:
		return smtpsh_fail(msg, SMTPSH_ENOMEM, "line %lu: longer than %d bytes: skipped",
		                   r->lineno, TRANSCRIPT_MAX_LINE);
	case LINE_FAILED:
		r->sticky_err = SMTPSH_EIO;
		return smtpsh_fail(msg, r->sticky_err, "%s", r->sticky_msg.text);
	}
	return SMTPSH_EIO;
}

/* A malformed line: SMTPSH_EINVAL with "line N: " and the words in msg. */
static enum smtpsh_err bad(const struct transcript_reader *r, struct smtpsh_msg *msg,
                           const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static enum smtpsh_err bad(const struct transcript_reader *r, struct smtpsh_msg *msg,
                           const char *fmt, ...)
{
	if (!msg)
		return SMTPSH_EINVAL;
	va_list ap;
	int n = snprintf(msg->text, sizeof(msg->text), "line %lu: ", r->lineno);
	va_start(ap, fmt);
	vsnprintf(msg->text + n, sizeof(msg->text) - (size_t)n, fmt, ap);
	va_end(ap);
	return SMTPSH_EINVAL;
}

/* A line that starts with nothing we know; its first bytes are quoted
 * escaped, since a transcript may come from anywhere. */
static enum smtpsh_err bad_start(const struct transcript_reader *r, const char *s, size_t n,
                                 struct smtpsh_msg *msg)
{
	struct buf q;
	buf_init(&q, 64);
	escape_append(&q, s, n < 10 ? n : 10);
	enum smtpsh_err e = bad(r, msg, "expected S:, R:, -- or #, not '%s'", q.data ? q.data : "");
	buf_free(&q);
	return e;
}

/* it as a fresh item of the current line. */
static void reset_item(const struct transcript_reader *r, struct transcript_item *it)
{
	buf_clear(&it->bytes);
	it->ending = "\r\n";
	it->redacted = false;
	it->event = TRANSCRIPT_EV_OTHER;
	it->detail = 0;
	it->at = -1;
	it->lineno = r->lineno;
	it->lang = "";
}

/* The language of a narration line "#zh text" or "#en text" (the tag
 * followed by a space or the end): "zh", "en", or "" for a plain "#"
 * comment, which older transcripts wrote in English for every reader. */
static const char *narration_lang(const char *s, size_t n)
{
	static const char *const langs[] = {"en", "zh"};
	for (size_t i = 0; i < sizeof(langs) / sizeof(langs[0]); i++)
		if (n >= 3 && !memcmp(s + 1, langs[i], 2) && (n == 3 || s[3] == ' '))
			return langs[i];
	return "";
}

/* A "#" line s[0..n): a header item ("# key: value" before the body), a
 * comment item, or nothing (false: the magic line, "##"); the convention
 * line tells who S: is. */
static bool hash_line(struct transcript_reader *r, struct transcript_item *it, const char *s,
                      size_t n)
{
	if (memmem(s, n, "S: server", 9) || memmem(s, n, "S: the server", 13) ||
	    memmem(s, n, "C: client", 9))
		r->rfc5321 = true;
	/* the lesson keys (title... lab-mail) say what `smtpsh lesson` needs */
	static const char *const keys[] = {
	    "convention", "target",      "protocol",  "started",          "title",
	    "title-zh",   "seed",        "level",     "lab-persona",      "lab-user",
	    "lab-mail",   "lab-domains", "lab-users", "lab-idle-timeout", "lab-helo-required"};
	const char *colon = memchr(s, ':', n);
	size_t klen = colon && colon - s >= 2 ? (size_t)(colon - s - 2) : 0;
	for (size_t k = 0;
	     !r->in_body && colon && s[1] == ' ' && k < sizeof(keys) / sizeof(keys[0]); k++) {
		if (klen != strlen(keys[k]) || strncmp(s + 2, keys[k], klen))
			continue;
		snprintf(it->key, sizeof(it->key), "%s", keys[k]);
		const char *v = colon + 1 + (colon[1] == ' ');
		buf_append(&it->bytes, v, (size_t)(s + n - v));
		it->kind = TR_HEADER;
		return true;
	}
	if (s[1] == '#' || (n >= strlen(TRANSCRIPT_MAGIC) &&
	                    !strncmp(s, TRANSCRIPT_MAGIC, strlen(TRANSCRIPT_MAGIC))))
		return false;
	const char *text = s + 1;
	it->lang = narration_lang(s, n);
	if (it->lang[0])
		text += strlen(it->lang);
	text += text < s + n && *text == ' ';
	buf_append(&it->bytes, text, (size_t)(s + n - text));
	it->kind = TR_COMMENT;
	return true;
}

/* "@SECONDS " in front of *s: into it->at, and *s, *n past it. */
static enum smtpsh_err take_timestamp(const struct transcript_reader *r, struct transcript_item *it,
                                      char **s, size_t *n, struct smtpsh_msg *msg)
{
	char *end;
	it->at = strtod(*s + 1, &end);
	if (end == *s + 1 || *end != ' ')
		return bad(r, msg, "a timestamp is written @SECONDS followed by a space");
	*n -= (size_t)(end + 1 - *s);
	*s = end + 1;
	return SMTPSH_OK;
}

/* Unescapes text[0..s+n) (text within the line s) into it->bytes. */
static enum smtpsh_err unescape_rest(const struct transcript_reader *r, struct transcript_item *it,
                                     const char *s, size_t n, const char *text,
                                     struct smtpsh_msg *msg)
{
	size_t bad_at;
	if (unescape_append(&it->bytes, text, (size_t)(s + n - text), &bad_at, NULL) != SMTPSH_OK)
		return bad(r, msg, "bad escape at column %zu", (size_t)(text - s) + bad_at + 1);
	return SMTPSH_OK;
}

/* A "-- " (or "== ") event line. */
static enum smtpsh_err event_line(const struct transcript_reader *r, struct transcript_item *it,
                                  const char *s, size_t n, struct smtpsh_msg *msg)
{
	it->kind = TR_EVENT;
	enum smtpsh_err e = unescape_rest(r, it, s, n, s + 2 + (s[2] == ' '), msg);
	if (e != SMTPSH_OK)
		return e;
	it->event = transcript_event_parse(it->bytes.data ? it->bytes.data : "", it->bytes.len,
	                                   &it->detail);
	return SMTPSH_OK;
}

/* Whether side is the client's letter in this transcript's convention;
 * a "C" line in a transcript of ours switches it to RFC 5321 style. */
static enum smtpsh_err which_side(struct transcript_reader *r, const char *s, size_t n,
                                  bool *client, struct smtpsh_msg *msg)
{
	char side = s[0];
	*client = r->rfc5321 ? side == 'C' : side == 'S';
	if (r->rfc5321 ? (side == 'C' || side == 'S') : (side == 'S' || side == 'R'))
		return SMTPSH_OK;
	if (side != 'C' || r->rfc5321)
		return bad_start(r, s, n, msg);
	/* A capture in RFC 5321 style: from here on S: is the server. */
	r->rfc5321 = true;
	*client = true;
	return SMTPSH_OK;
}

/* An exact line ("R="): its line end is part of the escaped content. */
static void take_exact_ending(struct transcript_item *it)
{
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

/* A line of the conversation: "S: ", "R: ", "S* " (redacted), "R= "
 * (exact), or their RFC 5321 forms. */
static enum smtpsh_err side_line(struct transcript_reader *r, struct transcript_item *it,
                                 const char *s, size_t n, struct smtpsh_msg *msg)
{
	char mark = n > 1 ? s[1] : '\0';
	if (mark != ':' && mark != '=' && mark != '*')
		return bad_start(r, s, n, msg);
	bool client;
	enum smtpsh_err e = which_side(r, s, n, &client, msg);
	if (e != SMTPSH_OK)
		return e;
	const char *t = s + 2;
	/* seed 002 writes "R:220 ..." with no space */
	if (n > 2 && *t == ' ')
		t++;
	if ((e = unescape_rest(r, it, s, n, t, msg)) != SMTPSH_OK)
		return e;
	it->kind = client ? TR_SENT : TR_RECEIVED;
	it->redacted = mark == '*';
	if (mark == '=')
		take_exact_ending(it);
	return SMTPSH_OK;
}

enum smtpsh_err transcript_next(struct transcript_reader *r, struct transcript_item *it,
                                struct smtpsh_msg *msg)
{
	for (;;) {
		if (r->sticky_err != SMTPSH_OK)
			return smtpsh_fail(msg, r->sticky_err, "%s", r->sticky_msg.text);
		enum smtpsh_err e = next_line(r, msg);
		if (e != SMTPSH_OK)
			return e;
		/* Lengths, not C strings: a raw NUL is part of the line. */
		char *s = r->raw.data ? r->raw.data : (char *)"";
		size_t n = r->raw.len;
		reset_item(r, it);
		if (n == 0)
			continue;
		if (s[0] == '#') {
			if (hash_line(r, it, s, n))
				return SMTPSH_OK;
			continue;
		}
		if (s[0] == '@' && (e = take_timestamp(r, it, &s, &n, msg)) != SMTPSH_OK)
			return e;
		r->in_body = true;
		if (n >= 2 && (!strncmp(s, "--", 2) || !strncmp(s, "==", 2)))
			return event_line(r, it, s, n, msg);
		return side_line(r, it, s, n, msg);
	}
}

/* ---- serve's comparison of a client's line with a recorded S: line ---- */

static bool has_word(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);
	return n >= k && !strncasecmp(s, w, k) && (n == k || s[k] == ' ');
}

static bool is_greeting(const char *s, size_t n)
{
	return has_word(s, n, "EHLO") || has_word(s, n, "HELO") || has_word(s, n, "LHLO");
}

/* One ESMTP parameter "KEY[=VALUE]" of a MAIL or RCPT line. */
struct param {
	const char *p;
	size_t n, klen;
};

/* Splits s[0..n) at spaces into at most max parameters. */
static size_t split_params(const char *s, size_t n, struct param *out, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k < max;) {
		while (i < n && s[i] == ' ')
			i++;
		size_t j = i;
		while (j < n && s[j] != ' ')
			j++;
		if (j > i) {
			const char *eq = memchr(s + i, '=', j - i);
			out[k++] =
			    (struct param){s + i, j - i, eq ? (size_t)(eq - (s + i)) : j - i};
		}
		i = j;
	}
	return k;
}

static const struct param *find_param(const struct param *ps, size_t n, const struct param *p)
{
	for (size_t i = 0; i < n; i++)
		if (ps[i].klen == p->klen && !strncasecmp(ps[i].p, p->p, p->klen))
			return &ps[i];
	return NULL;
}

/* "FROM:<path> PARAMS": the path and where the parameters start. */
static bool split_path(const char *s, size_t n, const char *kw, const char **path, size_t *plen,
                       const char **params, size_t *prlen)
{
	size_t k = strlen(kw);
	if (n < k || strncasecmp(s, kw, k))
		return false;
	size_t i = k;
	while (i < n && s[i] == ' ')
		i++; /* "FROM: <a>" is common enough */
	size_t j = i;
	if (j < n && s[j] == '<') {
		const char *gt = memchr(s + j, '>', n - j);
		j = gt ? (size_t)(gt - s) + 1 : n;
	} else {
		while (j < n && s[j] != ' ')
			j++;
	}
	*path = s + i;
	*plen = j - i;
	*params = s + j;
	*prlen = n - j;
	return true;
}

/* ESMTP parameters are the client's business (curl adds SIZE=, smtplib
 * size=): their differences are told, never held against it. */
static void describe_params(const char *want, size_t wn, const char *got, size_t gn,
                            struct buf *note)
{
	struct param w[16], g[16];
	size_t nw = split_params(want, wn, w, 16), ng = split_params(got, gn, g, 16);
	for (size_t i = 0; i < ng; i++) {
		const struct param *o = find_param(w, nw, &g[i]);
		if (!o)
			buf_printf(note, "%sthe client added %.*s", note->len ? "; " : "",
			           (int)g[i].n, g[i].p);
		else if (o->n != g[i].n || memcmp(o->p, g[i].p, o->n))
			buf_printf(note, "%sthe client sent %.*s where the transcript has %.*s",
			           note->len ? "; " : "", (int)g[i].n, g[i].p, (int)o->n, o->p);
	}
	for (size_t i = 0; i < nw; i++)
		if (!find_param(g, ng, &w[i]))
			buf_printf(note, "%sthe client left out %.*s", note->len ? "; " : "",
			           (int)w[i].n, w[i].p);
}

bool transcript_match_sent(const struct mask *m, const char *want, size_t wn, const char *got,
                           size_t gn, unsigned flags, struct buf *note)
{
	if (flags & TRANSCRIPT_MATCH_EXACT)
		return wn == gn && !memcmp(want, got, wn);
	if (flags & TRANSCRIPT_MATCH_DATA)
		return mask_equal(m, want, wn, got, gn);
	/* Greetings carry the client's own host name: compare the verb. */
	if (is_greeting(want, wn) && is_greeting(got, gn))
		return !strncasecmp(want, got, 4);
	/* Verbs are case-insensitive (RFC 5321 §2.4, RFC 1939 §3). */
	const char *ws = memchr(want, ' ', wn), *gs = memchr(got, ' ', gn);
	size_t wv = ws ? (size_t)(ws - want) : wn, gv = gs ? (size_t)(gs - got) : gn;
	if (wv != gv || strncasecmp(want, got, wv))
		return false;
	const char *wr = want + wv + (wv < wn), *gr = got + gv + (gv < gn);
	size_t wrn = wn - (size_t)(wr - want), grn = gn - (size_t)(gr - got);
	const char *kw = has_word(want, wv, "MAIL")   ? "FROM:"
	                 : has_word(want, wv, "RCPT") ? "TO:"
	                                              : NULL;
	const char *wp, *gp, *wpar, *gpar;
	size_t wpn, gpn, wparn, gparn;
	if (kw && split_path(wr, wrn, kw, &wp, &wpn, &wpar, &wparn) &&
	    split_path(gr, grn, kw, &gp, &gpn, &gpar, &gparn)) {
		/* not masked: the Message-ID mask would take any <a@b> */
		if (wpn != gpn || memcmp(wp, gp, wpn))
			return false;
		describe_params(wpar, wparn, gpar, gparn, note);
		return true;
	}
	return mask_equal(m, wr, wrn, gr, grn);
}
