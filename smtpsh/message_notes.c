/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A message retrieved with RETR or TOP, read while it streams by: the
 * body lines (un-dot-stuffed, as the server meant them) go through a MIME
 * tree and into an unlinked spool file; after the final "." the shell
 * shows the tree, the decoded text of text parts and the problems as
 * notes under the R: lines (which stay as they are: the wire), and
 * `save` writes the message, or one part of it decoded, from the spool.
 * Memory is the tree's bound and the excerpts', whatever the message. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "mime/excerpt.h"
#include "mime/tree.h"
#include "mime_view.h"
#include "shell.h"
#include "text.h"

#define SAVE_NAME_MAX 255 /* a file name's bytes in most file systems */

/* One retrieved message: its tree, excerpts and spool. */
struct retrieved {
	struct mime_tree tree;
	struct mime_excerpts excerpts;
	FILE *spool;              /* tmpfile(): unlinked, gone when closed */
	bool spool_failed;        /* a write to the spool failed */
	bool line_cut;            /* a line longer than the reader keeps was cut */
	unsigned long long bytes; /* spooled */
	bool top;                 /* TOP: the headers and the first lines only */
	bool has_msgno;
	unsigned long msgno;
};

struct message_notes {
	struct retrieved current; /* streaming now (active) */
	bool active;
	bool headers_noted;    /* the message's decoded headers were shown */
	struct retrieved last; /* the last one retrieved whole (last_ok) */
	bool last_ok;
};

static void retrieved_free(struct retrieved *r)
{
	mime_tree_free(&r->tree);
	if (r->spool)
		fclose(r->spool);
	r->spool = NULL;
}

void message_notes_free(struct shell *sh)
{
	struct message_notes *m = sh->message;
	if (!m)
		return;
	if (m->active)
		retrieved_free(&m->current);
	if (m->last_ok)
		retrieved_free(&m->last);
	free(m);
	sh->message = NULL;
}

static void put_note(void *ctx, const char *line)
{
	render_note(ctx, "%s", line);
}

/* A RETR or TOP answer's first body line: a new message begins. */
static bool start(struct shell *sh, const struct session_pending *p)
{
	if (!sh->message && !(sh->message = calloc(1, sizeof(*sh->message))))
		return false;
	struct message_notes *m = sh->message;
	struct retrieved *r = &m->current;
	memset(r, 0, sizeof(*r));
	mime_tree_init(&r->tree);
	mime_excerpts_init(&r->excerpts, &r->tree);
	mime_tree_observe(&r->tree, mime_excerpts_sink, &r->excerpts);
	/* show and replay have nothing to save: no spool for them */
	r->spool = sh->session.offline ? NULL : tmpfile();
	r->spool_failed = !sh->session.offline && !r->spool;
	r->top = !strcmp(p->verb, "TOP");
	r->has_msgno = p->has_msgno;
	r->msgno = p->msgno;
	m->active = true;
	m->headers_noted = false;
	return true;
}

static void spool_line(struct retrieved *r, const struct reply_line *l)
{
	if (!r->spool || r->spool_failed)
		return;
	/* the line end as received: CRLF, a bare LF, or none at a cut */
	const char *end = l->flags & LINE_UNTERMINATED ? ""
	                  : l->flags & LINE_BARE_LF    ? "\n"
	                                               : "\r\n";
	size_t n = strlen(end);
	if (fwrite(l->text, 1, l->text_len, r->spool) != l->text_len ||
	    fwrite(end, 1, n, r->spool) != n)
		r->spool_failed = true;
	r->bytes += l->text_len + n;
}

/* The message's own headers that had encoded words, decoded, as soon as
 * its header block ends: next to the raw lines they decode, where the
 * eye is, yet only once each header is whole (a folded header is known
 * complete only when the next line starts) and before a long body
 * scrolls them away.  Parts' headers come in the block after ".". */
static void note_headers_when_read(struct shell *sh, struct message_notes *m)
{
	const struct mime_tree *t = &m->current.tree;
	if (m->headers_noted || !t->n_parts || (t->current == 0 && t->in_headers))
		return;
	m->headers_noted = true;
	const struct mime_view v = {.put = put_note, .ctx = sh};
	mime_view_headers(&v, t, 0, 1);
	trace_notes_show(sh, &t->parts[0]);
}

/* The final ".": the message becomes the last one retrieved. */
static void finish(struct message_notes *m)
{
	mime_tree_finish(&m->current.tree);
	if (m->last_ok)
		retrieved_free(&m->last);
	m->last = m->current;
	/* the copy's tree moved: the excerpts read types from it */
	m->last.excerpts.tree = &m->last.tree;
	m->last_ok = true;
	m->active = false;
}

void message_notes_line(struct shell *sh, const struct reply_line *l)
{
	struct message_notes *m = sh->message;
	const struct session *s = &sh->session;
	const struct session_pending *p = s->npending ? &s->pending[0] : NULL;
	if (!(l->flags & LINE_BODY)) {
		if (m && m->active) /* a status line: that body ended unfinished */
			retrieved_free(&m->current), m->active = false;
		return;
	}
	if (!(m && m->active)) {
		if (!p || (strcmp(p->verb, "RETR") && strcmp(p->verb, "TOP")) ||
		    (l->flags & LINE_BODY_END) || !start(sh, p))
			return;
		m = sh->message;
	}
	if (l->flags & LINE_BODY_END) {
		finish(m);
		return;
	}
	struct retrieved *r = &m->current;
	if (l->flags & LINE_TRUNCATED)
		r->line_cut = true;
	spool_line(r, l);
	mime_tree_line(&r->tree, l->text, l->text_len);
	note_headers_when_read(sh, m);
}

void message_notes_abandon(struct shell *sh)
{
	struct message_notes *m = sh->message;
	if (m && m->active)
		retrieved_free(&m->current), m->active = false;
}

void message_notes_show(struct shell *sh)
{
	struct message_notes *m = sh->message;
	if (!m || !m->last_ok)
		return;
	const struct retrieved *r = &m->last;
	const struct mime_tree *t = &r->tree;
	const struct mime_view v = {.put = put_note, .ctx = sh};
	if (r->top)
		render_note(sh, "TOP gives the headers and the first lines only: the tree below is "
		                "of that much, and its end may look cut");
	/* the message's own decoded headers were noted after its header
	 * block, unless it never ended */
	mime_view_headers(&v, t, m->headers_noted ? 1 : 0, t->n_parts);
	mime_view_tree(&v, t);
	mime_view_texts(&v, &r->excerpts);
	mime_view_problems(&v, t);
	if (r->spool)
		render_note(sh, "save writes this message to a file; save N FILE writes part #N "
		                "decoded");
}

/* ---- save ---------------------------------------------------------------- */

/* A file name from the message reduced to its base name, bytes that are
 * no printable text made '_'.  Whether it changed. */
static bool reduce_name(char *out, size_t size, const char *name, size_t part)
{
	const char *base = name;
	for (const char *c = name; *c; c++)
		if (*c == '/' || *c == '\\')
			base = c + 1;
	size_t n = 0;
	bool changed = base != name;
	for (const char *c = base; *c && n + 1 < size && n < SAVE_NAME_MAX; c++, n++) {
		unsigned char b = (unsigned char)*c;
		out[n] = b < 0x20 || b == 0x7f ? '_' : *c;
		changed |= out[n] != *c;
	}
	changed |= base[n] != '\0';
	out[n] = '\0';
	if (!strcmp(out, "") || !strcmp(out, ".") || !strcmp(out, "..")) {
		snprintf(out, size, "part-%zu.bin", part);
		changed = true;
	}
	return changed;
}

/* Opens path for writing, never over an existing file without asking:
 * a terminal asks, a script is refused.  -1 after saying why. */
static int open_new(struct shell *sh, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0 || errno != EEXIST) {
		if (fd < 0)
			render_warning(sh, "save: cannot create %s: %s", path, strerror(errno));
		return fd;
	}
	if (!sh->interactive) {
		render_warning(sh, "save: %s exists: not overwritten (name another FILE)", path);
		return -1;
	}
	char prompt[1200];
	snprintf(prompt, sizeof(prompt), _("%s exists: overwrite it? [y/N] "), path);
	char *answer = input_question(sh, prompt);
	bool yes = answer && (answer[0] == 'y' || answer[0] == 'Y');
	free(answer);
	if (!yes) {
		render_note(sh, "not saved");
		return -1;
	}
	fd = open(path, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		render_warning(sh, "save: cannot write %s: %s", path, strerror(errno));
	return fd;
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Writes only part `want` of a tree's decoded bodies to fd. */
struct part_writer {
	size_t want;
	int fd;
	bool failed;
	unsigned long long written;
};

static void write_part(void *ctx, size_t part, const char *p, size_t n)
{
	struct part_writer *w = ctx;
	if (part != w->want || w->failed)
		return;
	if (!write_all(w->fd, p, n))
		w->failed = true;
	else
		w->written += n;
}

/* The spool from its start, chunk by chunk, to fd or through a tree. */
static bool spool_replay(struct retrieved *r, int fd, struct mime_tree *t)
{
	char chunk[64 * 1024];
	size_t n;
	rewind(r->spool);
	while ((n = fread(chunk, 1, sizeof(chunk), r->spool)) > 0) {
		if (t)
			mime_tree_feed(t, chunk, n);
		else if (!write_all(fd, chunk, n))
			return false;
	}
	bool ok = !ferror(r->spool);
	fseek(r->spool, 0, SEEK_END);
	return ok;
}

static void save_whole(struct shell *sh, struct retrieved *r, const char *file)
{
	char name[64];
	if (!*file)
		snprintf(name, sizeof(name), "message-%lu.eml", r->has_msgno ? r->msgno : 0UL);
	const char *path = *file ? file : name;
	int fd = open_new(sh, path);
	if (fd < 0)
		return;
	bool ok = spool_replay(r, fd, NULL);
	if (close(fd) != 0)
		ok = false;
	if (!ok) {
		render_warning(sh, "save: writing %s failed: %s", path, strerror(errno));
		return;
	}
	const char *type = r->tree.n_parts ? r->tree.parts[0].type.value : "text/plain";
	char safe[TEXT_SAFE_SIZE(128)];
	text_safe_str(safe, sizeof(safe), type, strlen(type));
	if (r->top)
		render_info(sh,
		            "saved %s: %llu bytes, the top of a %s message as TOP gave it (not "
		            "the whole message: RETR gives that)",
		            path, r->bytes, safe);
	else
		render_info(sh, "saved %s: %llu bytes, the whole message (%s) as retrieved", path,
		            r->bytes, safe);
}

static void save_part(struct shell *sh, struct retrieved *r, size_t part, const char *file)
{
	const struct mime_tree *t = &r->tree;
	if (part >= t->n_parts) {
		render_warning(sh, "save: the message has parts #0 to #%zu: no part #%zu",
		               t->n_parts ? t->n_parts - 1 : 0, part);
		return;
	}
	const struct mime_part *p = &t->parts[part];
	if (p->container) {
		render_warning(sh,
		               "save: part #%zu is a container (%s): save one of the parts in "
		               "it, or the whole message (save FILE)",
		               part, p->type.value);
		return;
	}
	char name[SAVE_NAME_MAX + 1];
	const char *given = mime_view_file_name(p);
	bool reduced = false;
	if (!*file) {
		if (given)
			reduced = reduce_name(name, sizeof(name), given, part);
		else
			snprintf(name, sizeof(name), "part-%zu.bin", part);
	}
	const char *path = *file ? file : name;
	int fd = open_new(sh, path);
	if (fd < 0)
		return;
	struct mime_tree *again = malloc(sizeof(*again));
	struct part_writer w = {.want = part, .fd = fd, .failed = !again};
	if (again) {
		mime_tree_init(again);
		mime_tree_observe(again, write_part, &w);
		if (!spool_replay(r, -1, again))
			w.failed = true;
		mime_tree_finish(again);
		mime_tree_free(again);
		free(again);
	}
	if (close(fd) != 0)
		w.failed = true;
	if (w.failed) {
		render_warning(sh, "save: writing %s failed: %s", path, strerror(errno));
		return;
	}
	char safe_type[TEXT_SAFE_SIZE(128)], safe_given[TEXT_SAFE_SIZE(512)];
	text_safe_str(safe_type, sizeof(safe_type), p->type.value, strlen(p->type.value));
	if (reduced)
		render_note(sh,
		            "the message names this part \"%s\": only its base name is used, "
		            "never a path from a message",
		            text_safe_str(safe_given, sizeof(safe_given), given, strlen(given)));
	char safe_path[TEXT_SAFE_SIZE(SAVE_NAME_MAX)];
	render_info(sh, "saved %s: %llu bytes, part #%zu (%s), decoded",
	            *file ? file : text_safe_str(safe_path, sizeof(safe_path), name, strlen(name)),
	            w.written, part, safe_type);
	if (r->top)
		render_note(sh, "TOP gave the top of the message only: the part may be cut");
}

char *message_notes_save(struct shell *sh, const char *args, size_t *len, bool *secret)
{
	(void)len, (void)secret;
	struct message_notes *m = sh->message;
	if (!m || !m->last_ok || !m->last.spool) {
		render_warning(sh, "save: no message retrieved in this session yet: in a POP3 "
		                   "session, RETR N first, then save [N] [FILE]");
		return NULL;
	}
	struct retrieved *r = &m->last;
	if (r->spool_failed) {
		render_warning(sh, "save: the message could not be kept while it came (no room for "
		                   "the temporary file): RETR it again");
		return NULL;
	}
	if (r->line_cut)
		render_warning(sh,
		               "save: a line of this message was longer than %d bytes and was "
		               "cut when received: the file lacks its end",
		               REPLY_MAX_LINE);
	/* "save 2 x.txt", "save 2", "save x.txt", "save" */
	char *end = NULL;
	size_t skip = strspn(args, " \t");
	errno = 0;
	unsigned long part = strtoul(args + skip, &end, 10);
	bool has_part = end != args + skip && (*end == '\0' || *end == ' ' || *end == '\t') &&
	                args[skip] >= '0' && args[skip] <= '9' && errno == 0;
	const char *file = has_part ? end : args + skip;
	file += strspn(file, " \t");
	if (has_part)
		save_part(sh, r, part, file);
	else
		save_whole(sh, r, file);
	return NULL;
}
