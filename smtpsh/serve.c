/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `smtpsh serve FILE`: a mock server on loopback that plays the R: side
 * of a transcript to one client and checks the client's lines against
 * the S: side (a redacted line matches anything; how lines compare:
 * transcript_match_sent).  A transcript of several connections (/connect)
 * is served up to its second "connected" event: one client, one part.
 * Exit 0 when the client followed the
 * transcript, 5 when it did not, 4 when it hung up early or stalled for
 * --timeout, 2 when the transcript cannot be read (checked before
 * listening). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "i18n.h"
#include "listen.h"
#include "mask.h"
#include "shell.h"
#include "text.h"

/* The client: lib/conn does the non-blocking I/O with its deadlines (a
 * client that never reads cannot hold serve for ever); serve adds lines. */
struct peer {
	struct conn conn; /* conn.ctx stays NULL: the SSL_CTX is serve's */
	char in[65536 + 2];
	size_t have;
	int timeout_ms;
};

/* How a transfer with the client ended. */
enum io {
	IO_OK,
	IO_CLOSED,  /* the client hung up */
	IO_TIMEOUT, /* nothing moved for --timeout seconds */
	IO_LONG,    /* a line past 64 KiB */
};

/* What to wait for after an SSL call failed with e; 0 when it is not
 * a matter of waiting. */
static short ssl_wants(int e)
{
	return e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
}

static enum io peer_write(struct peer *p, const char *s, size_t n)
{
	enum smtpsh_err e = conn_write(&p->conn, s, n, p->timeout_ms, NULL);
	return e == SMTPSH_OK ? IO_OK : e == SMTPSH_ETIMEOUT ? IO_TIMEOUT : IO_CLOSED;
}

/* One line from the client into line (without CRLF). */
static enum io peer_read_line(struct peer *p, struct buf *line)
{
	for (;;) {
		char *lf = memchr(p->in, '\n', p->have);
		if (lf) {
			size_t n = (size_t)(lf - p->in);
			buf_clear(line);
			buf_append(line, p->in, n && p->in[n - 1] == '\r' ? n - 1 : n);
			memmove(p->in, lf + 1, p->have - n - 1);
			p->have -= n + 1;
			return IO_OK;
		}
		if (p->have >= sizeof(p->in) - 1)
			return IO_LONG;
		size_t got = 0;
		if (conn_read(&p->conn, p->in + p->have, sizeof(p->in) - 1 - p->have, &got, NULL) !=
		    SMTPSH_OK)
			return IO_CLOSED;
		if (!got) {
			enum smtpsh_err e = conn_wait_readable(&p->conn, p->timeout_ms, NULL);
			if (e != SMTPSH_OK)
				return e == SMTPSH_ETIMEOUT ? IO_TIMEOUT : IO_CLOSED;
		}
		p->have += got;
	}
}

static bool peer_tls(struct peer *p, SSL_CTX *ctx, struct shell *sh)
{
	if (p->have) {
		render_warning(sh, "the client sent %zu bytes before the TLS handshake", p->have);
		p->have = 0;
	}
	SSL *ssl = p->conn.ssl = SSL_new(ctx);
	SSL_set_fd(ssl, p->conn.fd);
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		ERR_clear_error();
		int r = SSL_accept(ssl);
		if (r == 1)
			break;
		short ev = ssl_wants(SSL_get_error(ssl, r));
		clock_gettime(CLOCK_MONOTONIC, &t);
		long spent = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		/* the whole handshake within --timeout, not each step */
		if (ev && spent < p->timeout_ms) {
			struct pollfd pfd = {.fd = p->conn.fd, .events = ev};
			poll(&pfd, 1, (int)(p->timeout_ms - spent));
			continue;
		}
		if (ev) {
			render_warning(sh,
			               "the client did not complete a TLS handshake within %d s",
			               p->timeout_ms / 1000);
		} else {
			char why[200] = "the client hung up";
			if (ERR_peek_error())
				ERR_error_string_n(ERR_get_error(), why, sizeof(why));
			render_warning(sh, "TLS handshake with the client failed: %s", why);
		}
		return false;
	}
	render_event(sh, "TLS established with the client: %s, %s", SSL_get_version(ssl),
	             SSL_get_cipher_name(ssl));
	return true;
}

static void show(struct shell *sh, const char *prefix, const char *p, size_t n, bool ok)
{
	render_line(sh, ok ? TONE_MATCH : TONE_FAIL, prefix, p, n);
}

struct serve {
	struct shell *sh;
	struct peer peer;
	struct playback_source src;
	bool pushed_back; /* it holds an item to handle again */
	struct mask mask;
	struct buf line; /* the client's last line */
	bool exact;
	bool in_data; /* between the recorded 354 and the message's "." */
	unsigned matched, mismatches;
};

/* The next transcript item into sv->src.it (or the one pushed back). */
static enum smtpsh_err next_item(struct serve *sv, struct smtpsh_msg *msg)
{
	if (sv->pushed_back) {
		sv->pushed_back = false;
		return SMTPSH_OK;
	}
	return transcript_next(&sv->src.r, &sv->src.it, msg);
}

static void stray(struct serve *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void stray(struct serve *sv, const char *fmt, ...)
{
	char text[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	sv->mismatches++;
	render_warning(sv->sh, "%s", text);
}

/* The client sent "." while the transcript's message goes on: skip the
 * recorded lines up to its "." so that the 250 goes out now, not after
 * the client's timeout. */
static void client_ended_early(struct serve *sv)
{
	unsigned long from = sv->src.it.lineno;
	unsigned skipped = 1;
	for (;;) {
		/* the end or a bad line: the main loop reads on and sees it */
		if (transcript_next(&sv->src.r, &sv->src.it, NULL) != SMTPSH_OK)
			break;
		if (sv->src.it.kind == TR_SENT && sv->src.it.bytes.len == 1 &&
		    sv->src.it.bytes.data[0] == '.')
			break;
		if (sv->src.it.kind == TR_RECEIVED) {
			sv->pushed_back = true; /* a transcript with no "." */
			break;
		}
		if (sv->src.it.kind == TR_SENT)
			skipped++;
	}
	sv->in_data = false;
	stray(sv,
	      dngettext(SMTPSH_TEXT_DOMAIN,
	                "the client's message has %u line fewer than the transcript's (it ended "
	                "at transcript line %lu)",
	                "the client's message has %u lines fewer than the transcript's (it ended "
	                "at transcript line %lu)",
	                skipped),
	      skipped, from);
}

/* Says why the client's next line did not come, S: line in sv->src.it. */
static void lost(struct serve *sv, enum io got)
{
	struct buf want;
	buf_init(&want, TEXT_SAFE_SIZE(sv->src.it.bytes.len));
	text_safe(&want, sv->src.it.bytes.data ? sv->src.it.bytes.data : "", sv->src.it.bytes.len);
	const char *w = want.data ? want.data : "";
	if (got == IO_TIMEOUT)
		render_warning(sv->sh,
		               "the client went silent at transcript line %lu (expected S: %s)",
		               sv->src.it.lineno, w);
	else if (got == IO_LONG)
		render_warning(
		    sv->sh,
		    "the client sent a line over 64 KiB at transcript line %lu (expected "
		    "S: %s)",
		    sv->src.it.lineno, w);
	else
		render_warning(sv->sh, "the client hung up at transcript line %lu (expected S: %s)",
		               sv->src.it.lineno, w);
	buf_free(&want);
}

/* The transcript's message ended but the client's goes on: read its
 * lines up to its "." so that both sides stay in step. */
static enum io client_goes_on(struct serve *sv)
{
	unsigned extra = 0;
	enum io got = IO_OK;
	while (!(sv->line.len == 1 && sv->line.data[0] == '.')) {
		show(sv->sh, "S: ", sv->line.data, sv->line.len, false);
		extra++;
		got = peer_read_line(&sv->peer, &sv->line);
		if (got != IO_OK) {
			lost(sv, got);
			return got;
		}
	}
	show(sv->sh, "S: ", ".", 1, true);
	sv->in_data = false;
	stray(sv,
	      dngettext(SMTPSH_TEXT_DOMAIN,
	                "the client's message has %u line more than the transcript's (which ends "
	                "at line %lu)",
	                "the client's message has %u lines more than the transcript's (which "
	                "ends at line %lu)",
	                extra),
	      extra, sv->src.it.lineno);
	return IO_OK;
}

/* The client's next line against the recorded S: line in sv->src.it. */
static enum io expect_line(struct serve *sv)
{
	struct shell *sh = sv->sh;
	const char *b = sv->src.it.bytes.data ? sv->src.it.bytes.data : "";
	size_t bn = sv->src.it.bytes.len;
	enum io got = peer_read_line(&sv->peer, &sv->line);
	if (got != IO_OK) {
		lost(sv, got);
		return got;
	}
	const char *l = sv->line.data ? sv->line.data : "";
	bool dot = sv->line.len == 1 && l[0] == '.', want_dot = bn == 1 && b[0] == '.';
	if (sv->in_data && !sv->exact && dot && !want_dot) {
		show(sh, "S: ", l, sv->line.len, false);
		client_ended_early(sv);
		return IO_OK;
	}
	if (sv->in_data && !sv->exact && want_dot && !dot)
		return client_goes_on(sv);
	struct buf note;
	buf_init(&note, 1024);
	unsigned flags =
	    (sv->exact ? TRANSCRIPT_MATCH_EXACT : 0) | (sv->in_data ? TRANSCRIPT_MATCH_DATA : 0);
	bool ok = sv->src.it.redacted ||
	          transcript_match_sent(&sv->mask, b, bn, l, sv->line.len, flags, &note);
	show(sh, "S: ", l, sv->line.len, ok);
	if (ok) {
		sv->matched++;
		if (note.len) {
			struct buf safe;
			buf_init(&safe, TEXT_SAFE_SIZE(note.len));
			text_safe(&safe, note.data, note.len);
			render_note(sh, "ESMTP parameters are the client's choice: %s",
			            safe.data ? safe.data : "");
			buf_free(&safe);
		}
	} else {
		struct buf want;
		buf_init(&want, TEXT_SAFE_SIZE(bn));
		text_safe(&want, b, bn);
		stray(sv, _("transcript line %lu expected: %s"), sv->src.it.lineno,
		      want.data ? want.data : "");
		buf_free(&want);
	}
	buf_free(&note);
	if (sv->in_data && dot)
		sv->in_data = false;
	return IO_OK;
}

/* Opens the transcript and reads its first item now: a file that cannot
 * be read is refused before a client is kept waiting for it.  EXIT_OK, or
 * EXIT_USAGE after saying why (then nothing is left open). */
static int serve_open(struct serve *sv, const char *path)
{
	if (!playback_source_open(&sv->src, path, "smtpsh serve"))
		return EXIT_USAGE;
	struct smtpsh_msg why;
	enum smtpsh_err first = transcript_next(&sv->src.r, &sv->src.it, &why);
	if (first == SMTPSH_EIO || first == SMTPSH_ECLOSED) {
		if (first == SMTPSH_EIO)
			fprintf(stderr, _("smtpsh serve: transcript '%s': %s\n"), path, why.text);
		else
			fprintf(stderr, _("smtpsh serve: transcript '%s': it is empty\n"), path);
		playback_source_close(&sv->src);
		return EXIT_USAGE;
	}
	sv->pushed_back = true;
	return EXIT_OK;
}

/* The TLS context for --cert/--key into *ctx (NULL without --cert).
 * EXIT_OK, or EXIT_USAGE after saying why. */
static int load_cert(const char *cert, const char *key, SSL_CTX **ctx)
{
	*ctx = NULL;
	if (!cert)
		return EXIT_OK;
	*ctx = SSL_CTX_new(TLS_server_method());
	if (!*ctx || SSL_CTX_use_certificate_chain_file(*ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(*ctx, key ? key : cert, SSL_FILETYPE_PEM) != 1) {
		fprintf(stderr, _("smtpsh serve: cannot load the certificate %s / key %s\n"), cert,
		        key ? key : cert);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* The transcript starts TLS (implicit, or STARTTLS): the handshake with
 * the client.  no_cert: the warning when serve has no certificate.
 * EXIT_OK, EXIT_USAGE or EXIT_PROTOCOL. */
static int client_tls(struct serve *sv, SSL_CTX *ctx, const char *no_cert)
{
	if (!ctx) {
		render_warning(sv->sh, "%s", no_cert);
		return EXIT_USAGE;
	}
	return peer_tls(&sv->peer, ctx, sv->sh) ? EXIT_OK : EXIT_PROTOCOL;
}

/* A recorded R: line to the client.  EXIT_OK or EXIT_PROTOCOL. */
static int send_received(struct serve *sv)
{
	const struct transcript_item *it = &sv->src.it;
	const char *b = it->bytes.data ? it->bytes.data : "";
	show(sv->sh, "R: ", b, it->bytes.len, true);
	enum io w = peer_write(&sv->peer, b, it->bytes.len);
	if (w == IO_OK)
		w = peer_write(&sv->peer, it->ending, strlen(it->ending));
	if (w != IO_OK) {
		render_warning(sv->sh,
		               w == IO_TIMEOUT ? "the client stopped reading: transcript line %lu "
		                                 "could not be sent within --timeout"
		                               : "the client hung up before transcript line %lu",
		               it->lineno);
		return EXIT_PROTOCOL;
	}
	/* a 354 opens the message: its lines end with "." */
	if (it->bytes.len >= 3 && !memcmp(b, "354", 3))
		sv->in_data = true;
	return EXIT_OK;
}

/* The transcript, item by item, with the client connected. */
static int serve_items(struct serve *sv, SSL_CTX *ctx, const char *path)
{
	bool implicit_done = false;
	unsigned parts = 0;
	for (;;) {
		struct smtpsh_msg why;
		enum smtpsh_err e = next_item(sv, &why);
		if (e == SMTPSH_ECLOSED)
			return EXIT_OK;
		if (e != SMTPSH_OK) {
			render_warning(sv->sh, "%s: %s", path, why.text);
			return EXIT_USAGE;
		}
		const struct transcript_item *it = &sv->src.it;
		const char *b = it->bytes.data ? it->bytes.data : "";
		int rc = EXIT_OK;
		if (it->kind == TR_HEADER) {
			if (!strcmp(it->key, "target") && proto_url_implicit_tls(b) &&
			    !implicit_done) {
				implicit_done = true;
				rc = client_tls(
				    sv, ctx,
				    _("this transcript starts with implicit TLS: give --cert "
				      "FILE (and --key FILE)"));
			}
		} else if (it->kind == TR_RECEIVED) {
			rc = send_received(sv);
		} else if (it->kind == TR_EVENT && it->event == TRANSCRIPT_EV_CONNECTED &&
		           ++parts > 1) {
			/* One client, one connection: the first part is what
			 * it plays; a later part (/connect) needs its own serve. */
			render_event(sv->sh,
			             "transcript line %lu starts part %u (a new connection): serve "
			             "plays the first part only, which ends here",
			             it->lineno, parts);
			return EXIT_OK;
		} else if (it->kind == TR_EVENT && it->event == TRANSCRIPT_EV_TLS_STARTTLS) {
			char no_cert[120];
			snprintf(
			    no_cert, sizeof(no_cert),
			    _("transcript line %lu starts TLS: give --cert FILE (and --key FILE)"),
			    it->lineno);
			rc = client_tls(sv, ctx, no_cert);
		} else if (it->kind == TR_SENT) {
			rc = expect_line(sv) == IO_OK ? EXIT_OK : EXIT_PROTOCOL;
		}
		if (rc != EXIT_OK)
			return rc;
	}
}

int serve_run(struct shell *sh, const char *path, unsigned port, const char *cert, const char *key,
              bool exact)
{
	static struct serve sv;
	memset(&sv, 0, sizeof(sv));
	sv.sh = sh;
	sv.exact = exact;
	int rc = serve_open(&sv, path);
	if (rc != EXIT_OK)
		return rc;
	SSL_CTX *ctx = NULL;
	int ls = -1;
	rc = load_cert(cert, key, &ctx);
	if (rc != EXIT_OK)
		goto done;
	const struct listen_spec spec = {AF_INET, port, 4, false, NULL};
	struct listen_socket lsock;
	if (listen_loopback(&spec, &lsock, NULL) != SMTPSH_OK) {
		fprintf(stderr, _("smtpsh serve: cannot listen on 127.0.0.1 port %u: %s\n"), port,
		        strerror(lsock.errnum));
		rc = EXIT_USAGE;
		goto done;
	}
	ls = lsock.fd;
	/* The first line says where: scripts read the port from it. */
	fprintf(sh->out, "-- serving %s on 127.0.0.1 port %u (one client)\n", path,
	        lsock.port); /* i18n: protocol */
	fflush(sh->out);
	sv.peer.timeout_ms = sh->timeout_s * 1000;
	sv.peer.conn.fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	close(ls);
	ls = -1;
	if (sv.peer.conn.fd < 0) {
		rc = EXIT_PROTOCOL;
		goto done;
	}
	fcntl(sv.peer.conn.fd, F_SETFL, fcntl(sv.peer.conn.fd, F_GETFL) | O_NONBLOCK);
	/* SSL_write on a connection the client closed raises SIGPIPE */
	signal(SIGPIPE, SIG_IGN);
	render_event(sh, "client connected");
	mask_init(&sv.mask);
	buf_init(&sv.line, 0);
	rc = serve_items(&sv, ctx, path);
	if (rc == EXIT_OK && sv.mismatches)
		rc = EXIT_DIVERGED;
	if (rc == EXIT_OK)
		render_event(
		    sh,
		    dngettext(SMTPSH_TEXT_DOMAIN,
		              "client followed the transcript: %u line matched, %u differed",
		              "client followed the transcript: %u lines matched, %u differed",
		              sv.matched),
		    sv.matched, sv.mismatches);
	else
		render_event(sh,
		             dngettext(SMTPSH_TEXT_DOMAIN,
		                       "client did not follow the transcript: %u line matched, %u "
		                       "differed",
		                       "client did not follow the transcript: %u lines matched, %u "
		                       "differed",
		                       sv.matched),
		             sv.matched, sv.mismatches);
	conn_close(&sv.peer.conn);
	mask_free(&sv.mask);
	buf_free(&sv.line);
done:
	if (ls >= 0)
		close(ls);
	if (ctx)
		SSL_CTX_free(ctx);
	playback_source_close(&sv.src);
	return rc;
}
