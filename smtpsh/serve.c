/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `smtpsh serve FILE`: a mock server on loopback that plays the R: side
 * of a transcript to one client and checks the client's lines against
 * the S: side (a redacted line matches anything).  Exit 0 when the client
 * followed the transcript, 5 when it did not, 4 when it hung up early. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "mask.h"
#include "shell.h"
#include "text.h"

struct peer {
	int fd;
	SSL *ssl;
	char in[65536 + 2];
	size_t have;
	int timeout_ms;
};

static bool peer_write(struct peer *p, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w;
		if (p->ssl) {
			size_t done = 0;
			w = SSL_write_ex(p->ssl, s, n, &done) ? (ssize_t)done : -1;
		} else {
			w = send(p->fd, s, n, MSG_NOSIGNAL);
		}
		if (w <= 0)
			return false;
		s += w;
		n -= (size_t)w;
	}
	return true;
}

/* One line from the client into line (without CRLF).  0 on success, -1
 * when the client closed, -2 on timeout, -3 for a line past 64 KiB. */
static int peer_read_line(struct peer *p, struct buf *line)
{
	for (;;) {
		char *lf = memchr(p->in, '\n', p->have);
		if (lf) {
			size_t n = (size_t)(lf - p->in);
			buf_clear(line);
			buf_append(line, p->in, n && p->in[n - 1] == '\r' ? n - 1 : n);
			memmove(p->in, lf + 1, p->have - n - 1);
			p->have -= n + 1;
			return 0;
		}
		if (p->have >= sizeof(p->in) - 1)
			return -3;
		if (!(p->ssl && SSL_pending(p->ssl))) {
			struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
			if (poll(&pfd, 1, p->timeout_ms) == 0)
				return -2;
		}
		ssize_t r;
		if (p->ssl) {
			size_t got = 0;
			r = SSL_read_ex(p->ssl, p->in + p->have, sizeof(p->in) - 1 - p->have, &got) ?
				(ssize_t)got : -1;
		} else {
			r = read(p->fd, p->in + p->have, sizeof(p->in) - 1 - p->have);
		}
		if (r <= 0)
			return -1;
		p->have += (size_t)r;
	}
}

static bool peer_tls(struct peer *p, SSL_CTX *ctx, struct shell *sh)
{
	if (p->have) {
		render_warning(sh, "the client sent %zu bytes before the TLS handshake", p->have);
		p->have = 0;
	}
	p->ssl = SSL_new(ctx);
	SSL_set_fd(p->ssl, p->fd);
	if (SSL_accept(p->ssl) != 1) {
		char why[200];
		ERR_error_string_n(ERR_get_error(), why, sizeof(why));
		render_warning(sh, "TLS handshake with the client failed: %s", why);
		return false;
	}
	render_event(sh, "TLS established with the client: %s, %s", SSL_get_version(p->ssl),
		     SSL_get_cipher_name(p->ssl));
	return true;
}

/* Greetings carry the client's own host name: compare the verb only. */
static bool is_greeting(const char *s)
{
	return !strncasecmp(s, "EHLO", 4) || !strncasecmp(s, "HELO", 4) ||
	       !strncasecmp(s, "LHLO", 4);
}

static void show(struct shell *sh, const char *side, const char *p, size_t n, bool ok)
{
	fprintf(sh->out, "%s%s: ", sh->color ? (ok ? "\033[36m" : "\033[1;31m") : "", side);
	render_untrusted(sh, p, n);
	fprintf(sh->out, "%s\n", sh->color ? "\033[0m" : "");
}

int serve_run(struct shell *sh, const char *path, unsigned port, const char *cert,
	      const char *key, bool exact)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "smtpsh serve: cannot open transcript '%s': %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	SSL_CTX *ctx = NULL;
	if (cert) {
		ctx = SSL_CTX_new(TLS_server_method());
		if (!ctx || SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
		    SSL_CTX_use_PrivateKey_file(ctx, key ? key : cert, SSL_FILETYPE_PEM) != 1) {
			fprintf(stderr, "smtpsh serve: cannot load the certificate %s / key %s\n", cert, key ? key : cert);
			fclose(f);
			return EXIT_USAGE;
		}
	}
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t sl = sizeof(sa);
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(ls, 4) != 0 ||
	    getsockname(ls, (struct sockaddr *)&sa, &sl) != 0) {
		fprintf(stderr, "smtpsh serve: cannot listen on 127.0.0.1 port %u: %s\n", port, strerror(errno));
		fclose(f);
		return EXIT_USAGE;
	}
	/* The first line says where: scripts read the port from it. */
	fprintf(sh->out, "-- serving %s on 127.0.0.1 port %u (one client)\n", path, ntohs(sa.sin_port));
	fflush(sh->out);
	struct peer p = {.timeout_ms = sh->timeout_s * 1000};
	p.fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	close(ls);
	if (p.fd < 0) {
		fclose(f);
		return EXIT_PROTOCOL;
	}
	render_event(sh, "client connected");
	struct mask mask;
	mask_init(&mask);
	struct transcript_reader r;
	struct transcript_item it;
	struct buf line;
	transcript_reader_init(&r, f);
	transcript_item_init(&it);
	buf_init(&line, 0);
	unsigned mismatches = 0, matched = 0;
	int rc = EXIT_OK;
	bool implicit_done = false;
	for (;;) {
		enum err e = transcript_next(&r, &it);
		if (e == ERR_CLOSED)
			break;
		if (e != ERR_OK) {
			render_warning(sh, "%s: %s", path, r.err);
			rc = EXIT_USAGE;
			break;
		}
		const char *b = it.bytes.data ? it.bytes.data : "";
		if (it.kind == TR_HEADER) {
			if (!strcmp(it.key, "target") && (!strncmp(b, "smtps:", 6) || !strncmp(b, "pop3s:", 6)) &&
			    !implicit_done) {
				implicit_done = true;
				if (!ctx) {
					render_warning(sh, "this transcript starts with implicit TLS: give --cert FILE (and --key FILE)");
					rc = EXIT_USAGE;
					break;
				}
				if (!peer_tls(&p, ctx, sh)) {
					rc = EXIT_PROTOCOL;
					break;
				}
			}
		} else if (it.kind == TR_RECEIVED) {
			show(sh, "R", b, it.bytes.len, true);
			if (!peer_write(&p, b, it.bytes.len) || !peer_write(&p, it.ending, strlen(it.ending))) {
				render_warning(sh, "the client hung up before transcript line %lu", it.lineno);
				rc = EXIT_PROTOCOL;
				break;
			}
		} else if (it.kind == TR_EVENT && !strncmp(b, "tls starttls", 12)) {
			if (!ctx) {
				render_warning(sh, "transcript line %lu starts TLS: give --cert FILE (and --key FILE)", it.lineno);
				rc = EXIT_USAGE;
				break;
			}
			if (!peer_tls(&p, ctx, sh)) {
				rc = EXIT_PROTOCOL;
				break;
			}
		} else if (it.kind == TR_SENT) {
			int got = peer_read_line(&p, &line);
			if (got != 0) {
				render_warning(sh, "%s at transcript line %lu (expected S: %s)",
					       got == -2 ? "the client went silent" :
					       got == -3 ? "the client sent a line over 64 KiB" :
					       "the client hung up", it.lineno, b);
				rc = EXIT_PROTOCOL;
				break;
			}
			const char *l = line.data ? line.data : "";
			bool ok = it.redacted ||
				  (is_greeting(b) && is_greeting(l) && !strncasecmp(b, l, 4)) ||
				  (exact ? (line.len == it.bytes.len && !memcmp(l, b, line.len)) :
					   mask_equal(&mask, l, line.len, b, it.bytes.len));
			show(sh, "S", l, line.len, ok);
			if (ok) {
				matched++;
			} else {
				mismatches++;
				render_warning(sh, "transcript line %lu expected: %s", it.lineno, b);
			}
		}
	}
	if (rc == EXIT_OK && mismatches)
		rc = EXIT_DIVERGED;
	render_event(sh, "client %s the transcript: %u line%s matched, %u differed",
		     rc == EXIT_OK ? "followed" : "did not follow", matched, matched == 1 ? "" : "s", mismatches);
	if (p.ssl) {
		SSL_shutdown(p.ssl);
		SSL_free(p.ssl);
	}
	close(p.fd);
	if (ctx)
		SSL_CTX_free(ctx);
	mask_free(&mask);
	buf_free(&line);
	transcript_item_free(&it);
	transcript_reader_free(&r);
	fclose(f);
	return rc;
}
