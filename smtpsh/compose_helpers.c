/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The shell side of writing a message: `enc` and `dec` (local, never
 * sent) and the DATA-mode typing helpers (/header, /date, /msgid,
 * /multipart, /end, /text, /attach, /inline).  lib/mime/compose.c knows
 * where the message is and makes the lines; here files are read (bounded)
 * and each line goes out through the same path as a typed DATA line, so
 * it is checked, shown as an S: line and recorded; then one note says
 * what was done and why. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "b64.h"
#include "i18n.h"
#include "hex.h"
#include "mime/compose.h"
#include "mime/encode.h"
#include "mime/transfer.h"
#include "mime/words.h"
#include "shell.h"
#include "text.h"

/* A file a helper puts into a message; larger ones are refused (most
 * servers refuse a message past 25 to 50 MB anyway). */
#define COMPOSE_FILE_MAX (25u * 1024 * 1024)

/* ---- enc and dec ----------------------------------------------------------- */

static void show_lines(struct shell *sh, const struct buf *b)
{
	const char *p = b->data ? b->data : "";
	for (size_t i = 0; i < b->len;) {
		size_t k = strcspn(p + i, "\n");
		render_info(sh, "%.*s", (int)k, p + i);
		i += k + 1;
	}
}

char *compose_h_enc(struct shell *sh, const char *args, size_t *len, bool *secret)
{
	(void)len, (void)secret;
	size_t k = strcspn(args, " \t");
	const char *text = args + k + strspn(args + k, " \t");
	size_t n = strlen(text);
	struct buf out;
	buf_init(&out, 4 * 1024 * 1024);
	enum smtpsh_err e = SMTPSH_EINVAL;
	if (k == 3 && !strncasecmp(args, "b64", 3) && n) {
		e = mime_encode_base64(&out, text, n);
		if (e == SMTPSH_OK) {
			show_lines(sh, &out);
			render_note(sh,
			            "base64 of %zu bytes, in lines of at most 76 characters; "
			            "nothing was sent",
			            n);
		}
	} else if (k == 2 && !strncasecmp(args, "qp", 2) && n) {
		e = mime_encode_qp(&out, text, n);
		if (e == SMTPSH_OK) {
			show_lines(sh, &out);
			render_note(sh, "quoted-printable: '=' and bytes that are not printable "
			                "ASCII became =XX; nothing was sent");
		}
	} else if (k == 4 && !strncasecmp(args, "word", 4) && n) {
		enum mime_word_encoding we;
		e = mime_encode_words(&out, text, n, 0, &we);
		if (e == SMTPSH_OK) {
			show_lines(sh, &out);
			render_note(
			    sh, we == MIME_WORD_B
			            ? "RFC 2047 encoded word: UTF-8, B (base64), shorter than Q "
			              "here; nothing was sent"
			            : "RFC 2047 encoded word: UTF-8, Q (like quoted-printable, '_' "
			              "for a space), shorter than B here; nothing was sent");
		} else if (e == SMTPSH_EINVAL) {
			render_warning(sh, "enc word: the text is not UTF-8");
			e = SMTPSH_OK;
		}
	}
	if (e == SMTPSH_EINVAL)
		render_warning(sh, "usage: enc b64|qp|word TEXT");
	else if (e != SMTPSH_OK)
		render_warning(sh, "enc: the result does not fit in memory");
	buf_free(&out);
	return NULL;
}

static void qp_sink(void *ctx, const char *p, size_t n)
{
	buf_append(ctx, p, n);
}

/* Quoted-printable is recognised by an "=XX" escape in it. */
static bool has_qp_escape(const char *s)
{
	for (const char *p = strchr(s, '='); p; p = strchr(p + 1, '='))
		if (hex_value(p[1]) >= 0 && hex_value(p[2]) >= 0)
			return true;
	return false;
}

static void show_decoded(struct shell *sh, const struct buf *dec, const char *what)
{
	struct buf shown;
	buf_init(&shown, 0);
	text_safe(&shown, dec->data ? dec->data : "", dec->len);
	render_info(sh, "%s", shown.data ? shown.data : "");
	render_note(sh, "decoded %s: %zu bytes; nothing was sent", what, dec->len);
	buf_free(&shown);
}

char *compose_h_dec(struct shell *sh, const char *args, size_t *len, bool *secret)
{
	(void)len, (void)secret;
	size_t n = strlen(args);
	struct buf dec;
	buf_init(&dec, 4 * 1024 * 1024);
	struct mime_words_seen seen = {0};
	if (!n) {
		render_warning(sh, "usage: dec TEXT (encoded words, base64 or quoted-printable)");
	} else if (strstr(args, "=?") && mime_words_decode(&dec, args, n, &seen) == SMTPSH_OK &&
	           seen.decoded) {
		show_decoded(sh, &dec, "RFC 2047 encoded words");
		if (seen.kept)
			render_warning(sh, "%u encoded word(s) left as they were: %s", seen.kept,
			               seen.why.text);
	} else if (buf_clear(&dec), has_qp_escape(args)) {
		struct mime_decoder d;
		mime_decoder_init(&d, MIME_CTE_QP, qp_sink, &dec);
		mime_decoder_feed(&d, args, n);
		mime_decoder_finish(&d);
		show_decoded(sh, &dec, "quoted-printable");
	} else if (b64_decode(&dec, args, n) == SMTPSH_OK) {
		show_decoded(sh, &dec, "base64");
	} else {
		render_warning(
		    sh, "dec: '%s' is neither encoded words, base64 nor quoted-printable", args);
	}
	buf_free(&dec);
	return NULL;
}

/* ---- DATA mode --------------------------------------------------------------- */

/* Whether the session is after 354; says so when not.  Then the message's
 * composer is open. */
static bool in_data(struct shell *sh, const char *helper)
{
	if (sh->session.state != ST_SMTP_DATA || !session_connected(&sh->session)) {
		render_warning(sh, "/%s types message text: it works after DATA's 354 reply",
		               helper);
		return false;
	}
	repl_data_begin(sh);
	return true;
}

/* Sends the composer's lines one by one as typed DATA lines.  A body (the
 * lines after the first blank line) longer than BODY_ECHOED_WHOLE lines
 * has only its first and last BODY_SHOWN_EACH_END lines echoed on screen:
 * every line is still sent, checked and recorded. */
#define BODY_ECHOED_WHOLE 24
#define BODY_SHOWN_EACH_END 3
static void send_lines(struct shell *sh, const struct buf *lines)
{
	const char *p = lines->data ? lines->data : "";
	size_t body_start = 0, body_lines = 0;
	for (size_t i = 0; i < lines->len; i += strcspn(p + i, "\n") + 1) {
		if (body_start)
			body_lines++;
		else if (p[i] == '\n')
			body_start = i + 1;
	}
	size_t nth = 0;
	sh->sent_hidden = 0;
	for (size_t i = 0; i < lines->len;) {
		size_t k = strcspn(p + i, "\n");
		if (body_start && i >= body_start) {
			nth++;
			sh->hide_sent = body_lines > BODY_ECHOED_WHOLE &&
			                nth > BODY_SHOWN_EACH_END &&
			                nth + BODY_SHOWN_EACH_END <= body_lines;
			if (!sh->hide_sent && sh->sent_hidden) {
				if (sh->rec.f)
					render_note(
					    sh,
					    "... %lu more lines of the body sent, not shown (the "
					    "transcript has every one)",
					    sh->sent_hidden);
				else
					render_note(
					    sh, "... %lu more lines of the body sent, not shown",
					    sh->sent_hidden);
				sh->sent_hidden = 0;
			}
		}
		bool kept = repl_send_data_line(sh, p + i, k, false);
		sh->hide_sent = false;
		if (!kept)
			return;
		i += k + 1;
	}
}

/* The whole file at path (a regular file, at most COMPOSE_FILE_MAX
 * bytes) into out; false after saying why. */
static bool read_file_bounded(struct shell *sh, const char *helper, const char *path,
                              struct buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		render_warning(sh, "/%s: %s: %s", helper, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		render_warning(sh, "/%s: %s is not a regular file", helper, path);
		close(fd);
		return false;
	}
	if ((unsigned long long)st.st_size > COMPOSE_FILE_MAX) {
		render_warning(sh, "/%s: %s is %lld bytes; files over %u MB are refused", helper,
		               path, (long long)st.st_size, COMPOSE_FILE_MAX / (1024 * 1024));
		close(fd);
		return false;
	}
	char chunk[65536];
	ssize_t r;
	while ((r = read(fd, chunk, sizeof(chunk))) > 0)
		if (!buf_append(out, chunk, (size_t)r)) {
			render_warning(sh, "/%s: %s grew past %u MB while read", helper, path,
			               COMPOSE_FILE_MAX / (1024 * 1024));
			close(fd);
			return false;
		}
	int err = errno;
	close(fd);
	if (r < 0) {
		render_warning(sh, "/%s: %s: %s", helper, path, strerror(err));
		return false;
	}
	return true;
}

char *compose_h_header(struct shell *sh, const char *args, size_t *len, bool *secret)
{
	(void)len, (void)secret;
	if (!in_data(sh, "header"))
		return NULL;
	char name[80];
	size_t k = strcspn(args, " \t");
	const char *value = args + k + strspn(args + k, " \t");
	if (k && args[k - 1] == ':')
		k--; /* "/header Subject: hi" */
	if (!k || k >= sizeof(name)) {
		render_warning(sh, "usage: /header NAME VALUE");
		return NULL;
	}
	memcpy(name, args, k);
	name[k] = '\0';
	struct buf lines;
	buf_init(&lines, 1024 * 1024);
	struct compose_done done;
	struct smtpsh_msg why;
	if (compose_header(&sh->compose, name, value, &lines, &done, &why) != SMTPSH_OK) {
		render_warning(sh, "/header: %s; nothing sent", why.text);
	} else {
		send_lines(sh, &lines);
		if (done.word_encoded && done.word == MIME_WORD_B)
			render_note(sh,
			            "%s had non-ASCII text: sent as RFC 2047 encoded words (UTF-8, "
			            "base64), in %zu line(s) of at most 78 characters",
			            name, done.lines);
		else if (done.word_encoded)
			render_note(sh,
			            "%s had non-ASCII text: sent as RFC 2047 encoded words (UTF-8, "
			            "Q, like quoted-printable), in %zu line(s) of at most 78 "
			            "characters",
			            name, done.lines);
		else if (done.lines > 1)
			render_note(
			    sh,
			    "%s is ASCII: sent as typed, folded over %zu lines to keep each "
			    "within 78 characters (RFC 5322 2.1.1)",
			    name, done.lines);
		else
			render_note(sh, "%s is ASCII: sent as typed", name);
	}
	buf_free(&lines);
	return NULL;
}

char *compose_h_date(struct shell *sh, const char *args, size_t *len, bool *secret)
{
	(void)args, (void)len, (void)secret;
	if (!in_data(sh, "date"))
		return NULL;
	struct buf lines;
	buf_init(&lines, 4096);
	struct compose_done done;
	struct smtpsh_msg why;
	if (compose_date(&sh->compose, time(NULL), &lines, &done, &why) != SMTPSH_OK) {
		render_warning(sh, "/date: %s; nothing sent", why.text);
	} else {
		send_lines(sh, &lines);
		render_note(sh, "Date: now, in RFC 5322 form with this machine's offset from UTC; "
		                "every message needs one (and a From)");
	}
	buf_free(&lines);
	return NULL;
}

char *compose_h_msgid(struct shell *sh, const char *args, size_t *len, bool *secret)
{
	(void)args, (void)len, (void)secret;
	if (!in_data(sh, "msgid"))
		return NULL;
	char host[256] = "";
	if (gethostname(host, sizeof(host) - 1) != 0 || !*host ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") !=
	        strlen(host))
		snprintf(host, sizeof(host), "localhost");
	struct buf lines;
	buf_init(&lines, 4096);
	struct compose_done done;
	struct smtpsh_msg why;
	if (compose_msgid(&sh->compose, host, &lines, &done, &why) != SMTPSH_OK) {
		render_warning(sh, "/msgid: %s; nothing sent", why.text);
	} else {
		send_lines(sh, &lines);
		render_note(sh,
		            "Message-ID: random left part @ this host, unique worldwide so that "
		            "replies can point at the message (In-Reply-To, References)");
	}
	buf_free(&lines);
	return NULL;
}

static const char *multipart_meaning(enum compose_multipart kind)
{
	switch (kind) {
	case COMPOSE_MIXED: return _("parts one after another: a text and its attachments");
	case COMPOSE_ALTERNATIVE:
		return _("the same content in several forms, the last preferred: /text plain, then "
		         "/text html");
	case COMPOSE_RELATED:
		return _("an HTML body and the images it shows by cid: (/text html, then /inline)");
	}
	return "";
}

char *compose_h_multipart(struct shell *sh, const char *args, size_t *len, bool *secret)
{
	(void)len, (void)secret;
	if (!in_data(sh, "multipart"))
		return NULL;
	enum compose_multipart kind;
	if (!strcasecmp(args, "mixed"))
		kind = COMPOSE_MIXED;
	else if (!strcasecmp(args, "alternative"))
		kind = COMPOSE_ALTERNATIVE;
	else if (!strcasecmp(args, "related"))
		kind = COMPOSE_RELATED;
	else {
		render_warning(sh, "usage: /multipart mixed|alternative|related");
		return NULL;
	}
	struct buf lines;
	buf_init(&lines, 4096);
	struct compose_done done;
	struct smtpsh_msg why;
	if (compose_multipart(&sh->compose, kind, &lines, &done, &why) != SMTPSH_OK) {
		render_warning(sh, "/multipart: %s; nothing sent", why.text);
	} else {
		send_lines(sh, &lines);
		if (done.wrote_headers)
			render_note(sh,
			            "%s (%s): MIME-Version, its Content-Type with a fresh random "
			            "boundary and the blank line that ends the headers went out; "
			            "each part begins with --%s",
			            done.type, multipart_meaning(kind), done.boundary);
		else
			render_note(sh,
			            "%s (%s) nested as a part: a boundary line of the enclosing "
			            "multipart, then its Content-Type with a fresh boundary",
			            done.type, multipart_meaning(kind));
	}
	buf_free(&lines);
	return NULL;
}

char *compose_h_end(struct shell *sh, const char *args, size_t *len, bool *secret)
{
	(void)args, (void)len, (void)secret;
	if (!in_data(sh, "end"))
		return NULL;
	struct buf lines;
	buf_init(&lines, 4096);
	struct compose_done done;
	struct smtpsh_msg why;
	if (compose_end(&sh->compose, &lines, &done, &why) != SMTPSH_OK) {
		render_warning(sh, "/end: %s; nothing sent", why.text);
	} else {
		send_lines(sh, &lines);
		if (done.depth == 0)
			render_note(
			    sh,
			    "%s closed: its boundary with \"--\" after it ends it; the body "
			    "is complete, a lone '.' sends the message",
			    done.type);
		else
			render_note(sh,
			            "%s closed: its boundary with \"--\" after it ends it; the "
			            "next part goes into the enclosing multipart",
			            done.type);
	}
	buf_free(&lines);
	return NULL;
}

char *compose_h_text(struct shell *sh, const char *args, size_t *len, bool *secret)
{
	(void)len, (void)secret;
	if (!in_data(sh, "text"))
		return NULL;
	const char *subtype = "plain";
	size_t k = strcspn(args, " \t");
	if ((k == 5 && !strncasecmp(args, "plain", 5)) ||
	    (k == 4 && !strncasecmp(args, "html", 4))) {
		subtype = k == 4 ? "html" : "plain";
		args += k + strspn(args + k, " \t");
	}
	if (!*args) {
		render_warning(sh, "usage: /text [plain|html] TEXT|@FILE");
		return NULL;
	}
	struct buf text, lines;
	buf_init(&text, COMPOSE_FILE_MAX);
	buf_init(&lines, 0);
	bool have = true;
	if (args[0] == '@')
		have = read_file_bounded(sh, "text", args + 1, &text);
	else
		buf_append_str(&text, args);
	struct compose_done done;
	struct smtpsh_msg why;
	if (!have) {
		/* said why */
	} else if (compose_text(&sh->compose, subtype, text.data ? text.data : "", text.len, &lines,
	                        &done, &why) != SMTPSH_OK) {
		render_warning(sh, "/text: %s; nothing sent", why.text);
	} else {
		send_lines(sh, &lines);
		switch (done.cte) {
		case COMPOSE_7BIT:
			render_note(sh,
			            "%s part: ASCII with short lines, so 7bit (the text as it is)",
			            done.type);
			break;
		case COMPOSE_QP:
			render_note(sh,
			            "%s part in UTF-8: mostly ASCII, so quoted-printable (=XX for "
			            "the other bytes) keeps it readable and shorter than base64",
			            done.type);
			break;
		case COMPOSE_BASE64:
			render_note(sh,
			            "%s part in UTF-8: mostly non-ASCII, so base64 (shorter than "
			            "quoted-printable for this text)",
			            done.type);
			break;
		}
		if (done.wrote_headers)
			render_note(sh,
			            "the message is not multipart: this part's Content-Type went "
			            "into the message's headers, then the blank line");
	}
	buf_free(&text);
	buf_free(&lines);
	return NULL;
}

/* FILE [WORD]: the whole of args when it names a file, else the last word
 * apart (a type or a Content-ID). */
static void split_file_word(const char *args, char *path, size_t size, const char **word)
{
	struct stat st;
	snprintf(path, size, "%s", args);
	*word = NULL;
	const char *sp = strrchr(args, ' ');
	if (stat(path, &st) == 0 || !sp)
		return;
	size_t k = (size_t)(sp - args);
	snprintf(path, size, "%.*s", (int)k, args);
	*word = sp + 1;
}

static char *attach(struct shell *sh, const char *helper, const char *args, bool inline_part)
{
	if (!in_data(sh, helper))
		return NULL;
	char path[4096];
	const char *word;
	split_file_word(args, path, sizeof(path), &word);
	if (!*path || (inline_part && !word)) {
		render_warning(sh, inline_part ? "usage: /inline FILE CID"
		                               : "usage: /attach FILE [TYPE]");
		return NULL;
	}
	struct buf data, lines;
	buf_init(&data, COMPOSE_FILE_MAX);
	buf_init(&lines, 0);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct compose_done done;
	struct smtpsh_msg why;
	enum compose_multipart inside =
	    sh->compose.depth ? sh->compose.kind[sh->compose.depth - 1] : COMPOSE_MIXED;
	if (!read_file_bounded(sh, helper, path, &data)) {
		/* said why */
	} else if (compose_attach(&sh->compose, base, inline_part ? NULL : word,
	                          inline_part ? word : NULL, data.data ? data.data : "", data.len,
	                          &lines, &done, &why) != SMTPSH_OK) {
		render_warning(sh, "/%s: %s; nothing sent", helper, why.text);
	} else {
		send_lines(sh, &lines);
		if (inline_part)
			render_note(sh,
			            "%s (%s, %zu bytes) as base64, inline with Content-ID <%s>: "
			            "the HTML shows it with <img src=\"cid:%s\">",
			            base, done.type, data.len, word, word);
		else if (done.filename_rfc2231)
			render_note(
			    sh,
			    "%s (%s, %zu bytes) as base64 in 76-character lines; the name "
			    "is not ASCII, so Content-Disposition gives it in RFC 2231 form "
			    "(filename*=UTF-8''%%XX)",
			    base, done.type, data.len);
		else
			render_note(sh,
			            "%s (%s, %zu bytes) as base64 in 76-character lines, with "
			            "Content-Disposition: attachment and its file name",
			            base, done.type, data.len);
		if (inline_part && inside != COMPOSE_RELATED)
			render_warning(sh,
			               "an inline image belongs in multipart/related (beside the "
			               "HTML that shows it); this one is in multipart/%s",
			               compose_multipart_name(inside));
	}
	buf_free(&data);
	buf_free(&lines);
	return NULL;
}

char *compose_h_attach(struct shell *sh, const char *args, size_t *len, bool *secret)
{
	(void)len, (void)secret;
	return attach(sh, "attach", args, false);
}

char *compose_h_inline(struct shell *sh, const char *args, size_t *len, bool *secret)
{
	(void)len, (void)secret;
	return attach(sh, "inline", args, true);
}
