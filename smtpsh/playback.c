/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `smtpsh show FILE` and `smtpsh replay FILE`: a recorded session shown
 * exactly as the live shell showed it.  The transcript's lines go
 * through an offline session and the same render hooks, so the
 * annotations are the live ones, and the reader streams: constant
 * memory whatever the file's size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "i18n.h"
#include "narration.h"
#include "shell.h"
#include "text.h"

struct playback {
	struct shell *sh;
	bool step; /* replay: pause after each exchange */
	FILE *tty; /* where Enter is read from */
	unsigned replies_seen;
	unsigned errors_before;
	unsigned parts; /* connections (/connect) started so far */
	/* `b` steps back: the file is read again from its start, silently
	 * (out to quiet) until `hidden` exchanges have passed */
	unsigned exchanges; /* finished so far in this reading */
	unsigned hidden;
	FILE *shown; /* sh->out while it is quiet */
	FILE *quiet; /* /dev/null */
};

enum pause_answer { PAUSE_NEXT, PAUSE_QUIT, PAUSE_BACK };

/* Waits for Enter, b or q. */
static enum pause_answer pause_here(struct playback *pb)
{
	struct shell *sh = pb->sh;
	render_prompt(sh, "[%s:%s]  Enter: next exchange, b: back, q: quit",
	              proto_name(sh->session.proto), proto_state_name(sh->session.state));
	char line[64];
	if (!fgets(line, sizeof(line), pb->tty))
		return PAUSE_QUIT;
	switch (line[0]) {
	case 'q':
	case 'Q': return PAUSE_QUIT;
	case 'b':
	case 'B': return PAUSE_BACK;
	default: return PAUSE_NEXT;
	}
}

static void play_event(struct playback *pb, const struct transcript_item *it)
{
	struct shell *sh = pb->sh;
	/* A transcript may come from anywhere: its event text is untrusted. */
	struct buf safe;
	const char *raw = it->bytes.data ? it->bytes.data : "";
	buf_init(&safe, TEXT_SAFE_SIZE(it->bytes.len));
	switch (it->event) {
	case TRANSCRIPT_EV_ERROR:
		/* Errors the re-read reproduces itself are not shown twice. */
		text_safe(&safe, raw + it->detail, it->bytes.len - it->detail);
		if (sh->session.protocol_errors == pb->errors_before)
			render_warning(sh, "%s", safe.data ? safe.data : "");
		break;
	case TRANSCRIPT_EV_OTHER:
	case TRANSCRIPT_EV_CONNECTED:
	case TRANSCRIPT_EV_TLS_STARTTLS:
	case TRANSCRIPT_EV_TLS_IMPLICIT:
	case TRANSCRIPT_EV_TLS_UNVERIFIED:
	case TRANSCRIPT_EV_CLOSED_BY_PEER:
	case TRANSCRIPT_EV_CLOSED_BY_US:
	case TRANSCRIPT_EV_LINE_CUT:
		text_safe(&safe, raw, it->bytes.len);
		if (sh->writer) /* a page draws TLS and closes as bands */
			sh->writer->band(sh->writer->ctx, it->event, safe.data ? safe.data : "",
			                 safe.len);
		else
			render_event(sh, "%s", safe.data ? safe.data : "");
		break;
	}
	pb->errors_before = sh->session.protocol_errors;
	buf_free(&safe);
}

/* A lesson's narration: the block of "# ..." comment lines gathered so
 * far, in the reader's language (lib/narration.h); the block ends at the
 * next line of another kind. */
void playback_narrate(struct shell *sh, struct narration *n)
{
	const char *text;
	size_t len;
	narration_block(n, &text, &len);
	while (len > 0) {
		const char *end = memchr(text, '\n', len);
		size_t k = (size_t)(end - text);
		render_line(sh, TONE_STRONG, "» ", text, k);
		text += k + 1;
		len -= k + 1;
	}
	narration_clear(n);
}

static void gather_narration(struct shell *sh, struct narration *n,
                             const struct transcript_item *it)
{
	if (narration_add(n, it))
		return;
	playback_narrate(sh, n);
	(void)narration_add(n, it); /* an empty block holds any line */
}

FILE *playback_open(const char *path, const char *who)
{
	struct smtpsh_msg why;
	FILE *f;
	if (transcript_fopen(path, &f, &why) != SMTPSH_OK)
		fprintf(stderr, "%s: %s\n", who, why.text);
	return f;
}

bool playback_source_open(struct playback_source *src, const char *path, const char *who)
{
	src->f = playback_open(path, who);
	if (!src->f)
		return false;
	transcript_reader_init(&src->r, src->f);
	transcript_item_init(&src->it);
	return true;
}

void playback_source_close(struct playback_source *src)
{
	transcript_item_free(&src->it);
	transcript_reader_free(&src->r);
	if (src->f != stdin)
		fclose(src->f);
}

int playback_run(struct shell *sh, const char *path, bool step)
{
	FILE *f = playback_open(path, "smtpsh");
	if (!f)
		return EXIT_USAGE;
	int rc = playback_file(sh, f, path, step);
	if (f != stdin)
		fclose(f);
	return rc;
}

/* A header line: the protocol into proto[], the target's scheme into
 * *implicit_tls and its host into sh->target.host; target and start
 * time shown. */
static void read_header(struct shell *sh, const struct transcript_item *it, char *proto,
                        size_t proto_size, bool *implicit_tls)
{
	if (!strcmp(it->key, "protocol"))
		snprintf(proto, proto_size, "%s", it->bytes.data);
	else if (!strcmp(it->key, "target") || !strcmp(it->key, "started")) {
		struct buf safe;
		buf_init(&safe, TEXT_SAFE_SIZE(it->bytes.len));
		text_safe(&safe, it->bytes.data ? it->bytes.data : "", it->bytes.len);
		if (!strcmp(it->key, "target"))
			render_note(sh, "target: %s", safe.data ? safe.data : "");
		else
			render_note(sh, "started: %s", safe.data ? safe.data : "");
		buf_free(&safe);
	}
	if (!strcmp(it->key, "target")) {
		*implicit_tls = proto_url_implicit_tls(it->bytes.data);
		/* the host name drives provider diagnosis */
		const char *h = strstr(it->bytes.data, "://");
		h = h ? h + 3 : it->bytes.data;
		size_t n = strcspn(h, h[0] == '[' ? "]" : ":/");
		snprintf(sh->target.host, sizeof(sh->target.host), "%.*s",
		         (int)n - (h[0] == '[' ? 1 : 0), h + (h[0] == '['));
	}
}

/* The offline session, at the first S:/R:/event line: the protocol the
 * header names, or the one the first line reads as. */
static void start_session(struct shell *sh, const struct session_hooks *hooks, const char *proto,
                          const struct transcript_item *it, bool implicit_tls)
{
	const struct proto_handler *named = proto_handler_by_name(proto);
	enum proto p =
	    named ? named->proto : proto_guess(it->bytes.data ? it->bytes.data : "", it->bytes.len);
	sh->target.proto = p;
	session_init(&sh->session, p, hooks, 30000);
	session_start_offline(&sh->session);
	/* notes depend on it ("send STARTTLS" is no advice then) */
	sh->session.tls = implicit_tls;
}

/* A recorded S: line through the session, judged as if typed. */
static void play_sent(struct shell *sh, const struct transcript_item *it)
{
	struct session *s = &sh->session;
	const char *warn = s->state == ST_SMTP_DATA
	                       ? NULL
	                       : session_check(s, it->bytes.data ? it->bytes.data : "");
	/* A page puts the warning beside its line, so after it. */
	char later[256] = "";
	if (warn && sh->writer)
		snprintf(later, sizeof(later), "%s", warn);
	else if (warn)
		render_warning(sh, "%s", warn);
	const char *line = it->bytes.data ? it->bytes.data : "";
	size_t len = it->bytes.len;
	/* A data line was recorded as sent on the wire, stuffed: give the
	 * session the typed form back. */
	if (s->state == ST_SMTP_DATA && len > 1 && line[0] == '.')
		line++, len--;
	struct smtpsh_msg why;
	if (session_send(s, line, len, it->redacted ? SEND_REDACTED : 0, &why) != SMTPSH_OK)
		render_warning(sh, "line %lu: %s", it->lineno, why.text);
	if (later[0])
		render_warning(sh, "%s", later);
}

/* A recorded R: line into the session; at the end of an exchange, the
 * pause (replay): what the person wants next. */
static enum pause_answer play_received(struct playback *pb, const struct transcript_item *it)
{
	struct session *s = &pb->sh->session;
	unsigned before = s->npending;
	session_feed(s, it->bytes.data ? it->bytes.data : "", it->bytes.len, NULL);
	session_feed(s, it->ending, strlen(it->ending), NULL);
	if (session_tls_due(s))
		session_start_tls(s, NULL);
	if (!pb->step || !(before > s->npending && !s->npending))
		return PAUSE_NEXT;
	if (++pb->exchanges <= pb->hidden) {
		if (pb->exchanges == pb->hidden)
			pb->sh->out = pb->shown; /* the exchange to show again is next */
		return PAUSE_NEXT;
	}
	return pause_here(pb);
}

/* `b` at the pause after exchange k: the file read again from its
 * start with exchange k-1 (k itself when it is the first) the first
 * shown.  False when the file cannot be read again (standard input). */
static bool step_back(struct playback *pb, FILE *f)
{
	if (!pb->quiet)
		pb->quiet = fopen("/dev/null", "w");
	if (!pb->quiet || fseek(f, 0, SEEK_SET) != 0) {
		render_warning(pb->sh,
		               "cannot step back here: the transcript cannot be read again");
		return false;
	}
	pb->hidden = pb->exchanges >= 2 ? pb->exchanges - 2 : 0;
	pb->exchanges = 0;
	pb->shown = pb->sh->out;
	if (pb->hidden)
		pb->sh->out = pb->quiet;
	return true;
}

int playback_file(struct shell *sh, FILE *f, const char *path, bool step)
{
	struct playback pb = {.sh = sh, .step = step};
	if (step) {
		pb.tty = fopen("/dev/tty", "r");
		if (!pb.tty)
			pb.step = false; /* no terminal to press Enter on */
	}
	struct transcript_reader r;
	struct transcript_item it;
	struct narration story;
	transcript_reader_init(&r, f);
	transcript_item_init(&it);
	narration_init(&story, i18n_language());
	struct session_hooks hooks = {0};
	render_init_hooks(sh, &hooks);
	bool started = false;
	bool implicit_tls = false; /* smtps:// or pop3s://: TLS from the start */
	char proto[16] = "";
	unsigned bad = 0;
	int rc = EXIT_OK;
restart:
	for (;;) {
		struct smtpsh_msg why;
		enum smtpsh_err e = transcript_next(&r, &it, &why);
		if (e == SMTPSH_ECLOSED)
			break;
		if (e == SMTPSH_EIO) {
			/* not a transcript after all: same as one that cannot
			 * be opened (a directory, a read error, /dev/zero) */
			fflush(sh->out);
			fprintf(stderr, _("smtpsh: transcript '%s': %s\n"), path, why.text);
			rc = EXIT_USAGE;
			break;
		}
		if (e != SMTPSH_OK) {
			render_warning(sh, "%s: %s", path, why.text);
			if (++bad >= 20) {
				render_warning(
				    sh, "%s: too many malformed lines: is this a transcript?",
				    path);
				rc = EXIT_PROTOCOL;
				break;
			}
			continue;
		}
		if (it.kind == TR_COMMENT) {
			gather_narration(sh, &story, &it);
			continue;
		}
		playback_narrate(sh, &story);
		if (it.kind == TR_HEADER) {
			read_header(sh, &it, proto, sizeof(proto), &implicit_tls);
			continue;
		}
		/* Each connection (/connect) is a part in its own protocol:
		 * a fresh offline session reads it.  The first part is the
		 * header's (a hand-edited target wins over its event). */
		char part[16];
		bool part_tls;
		if (transcript_part_proto(&it, part, sizeof(part), &part_tls)) {
			if (started) {
				message_notes_free(sh);
				session_free(&sh->session);
				pb.errors_before = 0;
				started = false;
				snprintf(proto, sizeof(proto), "%s", part);
				implicit_tls = part_tls;
			} else if (!proto[0]) {
				snprintf(proto, sizeof(proto), "%s", part);
			}
		}
		if (!started) {
			start_session(sh, &hooks, proto, &it, implicit_tls);
			started = true;
			if (sh->writer)
				sh->writer->part(sh->writer->ctx, ++pb.parts, sh->session.proto);
		}
		switch (it.kind) {
		case TR_SENT: play_sent(sh, &it); break;
		case TR_RECEIVED:
			switch (play_received(&pb, &it)) {
			case PAUSE_NEXT: break;
			case PAUSE_QUIT: goto out;
			case PAUSE_BACK:
				if (!step_back(&pb, f))
					break;
				/* everything read so far is read again */
				message_notes_free(sh);
				session_free(&sh->session);
				transcript_reader_free(&r);
				transcript_reader_init(&r, f);
				narration_clear(&story);
				started = implicit_tls = false;
				proto[0] = '\0';
				bad = 0;
				pb.parts = pb.errors_before = 0;
				goto restart;
			}
			break;
		case TR_EVENT: play_event(&pb, &it); break;
		case TR_COMMENT: break; /* gathered above */
		case TR_HEADER: break;
		}
	}
	playback_narrate(sh, &story);
	if (!started && rc == EXIT_OK)
		render_warning(sh, "%s: no S: or R: lines: nothing to show", path);
out:
	if (pb.shown)
		sh->out = pb.shown;
	narration_free(&story);
	message_notes_free(sh);
	if (started)
		session_free(&sh->session);
	transcript_item_free(&it);
	transcript_reader_free(&r);
	if (pb.tty)
		fclose(pb.tty);
	if (pb.quiet)
		fclose(pb.quiet);
	fflush(sh->out);
	return rc;
}
