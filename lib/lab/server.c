/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lab's event loop: one process, one epoll set, non-blocking sockets
 * and non-blocking OpenSSL, a bounded input and output buffer per
 * connection, idle and slow-line timeouts.  Lines go to the sans-I/O
 * machines (lab_smtp, lab_pop3); finished messages are committed to the
 * store in groups at the end of each loop turn, before their 250.  Every
 * line in and out, and why it was answered so, goes to the log callback. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "escape.h"
#include "i18n.h"
#include "lab/certs.h"
#include "lab/engines.h"
#include "lab/server.h"
#include "lab/store.h"
#include "lab/stuffer.h"
#include "listen.h"

#define IN_MAX 16384      /* per connection: longest line read whole */
#define OUT_MAX (1 << 20) /* hard bound on queued output */
#define OUT_HIGH 65536    /* stop reading commands / refilling a RETR */
#define STREAM_CHUNK 16384
#define CLOSE_GRACE_MS 10000 /* to flush a last reply to a slow reader */
#define TICK_MS 250
#define TAG_LISTEN 0x1000u /* epoll data below this: not a connection */
#define TAG_WAKE 0x0FFFu

enum phase { PH_HANDSHAKE, PH_OPEN };

struct conn {
	struct lab_server *srv;
	int fd;
	SSL *ssl;
	enum lab_service svc;
	const struct lab_engine_ops *ops; /* the protocol's engine */
	struct lab_engine *core;          /* its shared part: why, delay, secret_from */
	uint64_t serial;
	char ip[64];
	char label[96]; /* "#12 submission 127.0.0.1:5555" */
	enum phase phase;
	bool closing;          /* flush out, then close */
	bool dead;             /* freed at the end of the loop turn */
	bool starttls_pending; /* handshake once out is flushed */
	bool peer_closed;
	bool waiting_delivery;
	bool discarding; /* dropping the rest of a too-long line */
	bool ssl_wants_write;
	bool spool_open;
	char in[IN_MAX];
	size_t in_start, in_end;
	struct buf out;
	size_t out_sent;
	int msg_fd; /* RETR/TOP in progress */
	struct lab_stuffer stuffer;
	size_t msg_octets_sent;
	struct lab_spool spool;
	int64_t hold_until; /* slow fault: no output before */
	int64_t opened, last_line, line_started, last_write, closing_since, handshake_started;
	uint32_t events; /* registered with epoll */
	size_t slot;     /* index in srv->conns */
	union {
		struct lab_smtp smtp;
		struct lab_pop3 pop3;
	} m;
};

struct lab_server {
	struct lab_server_config cfg;
	struct lab_faults no_faults;
	struct lab_store store;
	struct lab_tls_files tls;
	SSL_CTX *ssl_ctx;
	int epfd;
	int listen_fd[LAB_SVC_COUNT][2];
	unsigned ports[LAB_SVC_COUNT];
	int wake[2];
	int spare_fd; /* given up to accept-and-close at EMFILE */
	volatile sig_atomic_t stop;
	struct lab_smtp_config smtp_cfg[LAB_SVC_COUNT];
	struct lab_pop3_config pop3_cfg[LAB_SVC_COUNT];
	char smtp_greeting[256];
	char pop3_greeting[256];
	struct conn **conns;
	size_t nconns, cap;
	struct conn **pending; /* messages to commit this turn */
	size_t npending, pending_cap;
	struct conn **spare; /* the other half of the double buffer */
	size_t spare_cap;
	uint64_t serial;
	bool any_hold; /* some reply is held (slow fault) */
	int64_t now;
	struct lab_stats stats;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the log ---- */

static void log_line(struct lab_server *srv, const char *label, const char *tag, const char *text,
                     size_t n)
{
	if (!srv->cfg.log)
		return;
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	snprintf(stamp, sizeof(stamp), "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	struct buf b;
	buf_init(&b, 8192);
	buf_printf(&b, "%s [%s] %s", stamp, label, tag);
	/* Client bytes are untrusted: escaped, never raw on a terminal. */
	escape_append(&b, text, n);
	srv->cfg.log(srv->cfg.log_ctx, b.data ? b.data : "");
	buf_free(&b);
}

/* One formatted log line, cut at 1023 bytes. */
static void vlog_line(struct lab_server *srv, const char *label, const char *tag, const char *fmt,
                      va_list ap) __attribute__((format(printf, 4, 0)));
static void vlog_line(struct lab_server *srv, const char *label, const char *tag, const char *fmt,
                      va_list ap)
{
	char text[1024];
	vsnprintf(text, sizeof(text), fmt, ap);
	log_line(srv, label, tag, text, strlen(text));
}

static void logf_srv(struct lab_server *srv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void logf_srv(struct lab_server *srv, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog_line(srv, "lab", "", fmt, ap);
	va_end(ap);
}

static void logf_conn(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_conn(struct conn *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog_line(c->srv, c->label, "== ", fmt, ap);
	va_end(ap);
}

/* The reply lines appended since out[from], one log line each. */
static void log_replies(struct conn *c, size_t from)
{
	const char *p = c->out.data ? c->out.data + from : "";
	const char *end = c->out.data ? c->out.data + c->out.len : p;
	while (p < end) {
		const char *crlf = memchr(p, '\n', (size_t)(end - p));
		size_t n = crlf ? (size_t)(crlf - p) : (size_t)(end - p);
		size_t shown = n && p[n - 1] == '\r' ? n - 1 : n;
		log_line(c->srv, c->label, "S: ", p, shown);
		p += n + (crlf ? 1 : 0);
	}
}

static void log_why(struct conn *c)
{
	const char *why = c->core->why;
	if (*why)
		log_line(c->srv, c->label, "## ", why, strlen(why));
}

/* ---- epoll interest ---- */

static void kill_conn(struct conn *c, const char *why);

static void update_interest(struct conn *c)
{
	if (c->dead)
		return;
	uint32_t ev = 0;
	bool out_pending = c->out.len > c->out_sent && c->hold_until <= c->srv->now;
	if (c->phase == PH_HANDSHAKE) {
		ev = c->ssl_wants_write ? EPOLLOUT : EPOLLIN;
	} else {
		if (!c->closing && !c->peer_closed && !c->starttls_pending &&
		    !(c->in_start == 0 && c->in_end == IN_MAX))
			ev |= EPOLLIN;
		if (out_pending || c->ssl_wants_write)
			ev |= EPOLLOUT;
	}
	if (ev == c->events)
		return;
	struct epoll_event e = {.events = ev, .data.ptr = c};
	if (epoll_ctl(c->srv->epfd, EPOLL_CTL_MOD, c->fd, &e) != 0) {
		kill_conn(c, N_("epoll_ctl failed"));
		return;
	}
	c->events = ev;
}

/* ---- store hooks ---- */

static bool hook_data_begin(void *ctx, struct lab_smtp *s)
{
	struct conn *c = ctx;
	if (lab_spool_begin(&c->srv->store, &c->spool) != SMTPSH_OK)
		return false;
	c->spool_open = true;
	struct buf trace;
	buf_init(&trace, 4096);
	bool ok = lab_smtp_trace(s, c->spool.id, time(NULL), &trace) &&
	          lab_spool_write(&c->spool, trace.data, trace.len) == SMTPSH_OK;
	buf_free(&trace);
	if (!ok) {
		lab_spool_abort(&c->spool);
		c->spool_open = false;
	}
	return ok;
}

static bool hook_data_line(void *ctx, const char *line, size_t n)
{
	struct conn *c = ctx;
	return c->spool_open && lab_spool_write(&c->spool, line, n) == SMTPSH_OK &&
	       lab_spool_write(&c->spool, "\n", 1) == SMTPSH_OK;
}

static void hook_data_abort(void *ctx)
{
	struct conn *c = ctx;
	if (c->spool_open)
		lab_spool_abort(&c->spool);
	c->spool_open = false;
}

static enum lab_drop_status hook_drop_open(void *ctx, const char *user, struct lab_maildrop *drop)
{
	struct conn *c = ctx;
	return lab_store_maildrop_open(&c->srv->store, user, drop);
}

static bool hook_drop_commit(void *ctx, struct lab_maildrop *drop)
{
	struct conn *c = ctx;
	return lab_store_maildrop_commit(&c->srv->store, drop);
}

static void hook_drop_close(void *ctx, struct lab_maildrop *drop)
{
	(void)ctx;
	lab_store_maildrop_close(drop);
}

/* ---- connections ---- */

static void free_conn(struct conn *c)
{
	if (c->spool_open)
		lab_spool_abort(&c->spool);
	if (c->ops)
		c->ops->end(&c->m);
	if (c->msg_fd >= 0)
		close(c->msg_fd);
	if (c->ssl)
		SSL_free(c->ssl);
	if (c->fd >= 0)
		close(c->fd);
	buf_free(&c->out);
	OPENSSL_cleanse(c->in, sizeof(c->in));
	free(c);
}

static void kill_conn(struct conn *c, const char *why)
{
	if (c->dead)
		return;
	c->dead = true;
	epoll_ctl(c->srv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	logf_conn(c, _("closed (%s) after %.1f s"), _(why),
	          (double)(c->srv->now - c->opened) / 1000.0);
	c->srv->stats.open--;
}

static void reap(struct lab_server *srv)
{
	for (size_t i = 0; i < srv->nconns;) {
		struct conn *c = srv->conns[i];
		if (!c->dead || c->waiting_delivery) {
			i++;
			continue;
		}
		srv->conns[i] = srv->conns[--srv->nconns];
		srv->conns[i]->slot = i;
		free_conn(c);
	}
}

static void start_reply_hold(struct conn *c)
{
	unsigned delay = c->core->delay_ms;
	if (delay) {
		c->hold_until = c->srv->now + delay;
		c->srv->any_hold = true;
	}
}

static void greet(struct conn *c)
{
	size_t before = c->out.len;
	enum lab_action a = lab_engine_greet(c->core, &c->out);
	start_reply_hold(c);
	log_replies(c, before);
	log_why(c);
	if (a == LAB_DROP)
		kill_conn(c, N_("fault: dropped"));
	else if (a == LAB_CLOSE)
		c->closing = true;
}

static void tls_desc(SSL *ssl, char *out, size_t n)
{
	int alg = 0;
	int bits = SSL_get_cipher_bits(ssl, &alg);
	snprintf(out, n, "%s with cipher %s (%d/%d bits)", SSL_get_version(ssl),
	         SSL_get_cipher_name(ssl), bits, alg);
}

static void handshake(struct conn *c)
{
	ERR_clear_error();
	int r = SSL_do_handshake(c->ssl);
	c->ssl_wants_write = false;
	if (r == 1) {
		c->phase = PH_OPEN;
		c->srv->stats.tls_handshakes++;
		char desc[160];
		tls_desc(c->ssl, desc, sizeof(desc));
		logf_conn(c, _("TLS established: %s"), desc);
		c->last_line = c->srv->now;
		bool implicit = lab_services[c->svc].implicit_tls;
		c->ops->tls_up(&c->m, desc, implicit);
		if (implicit)
			greet(c);
		return;
	}
	int e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_READ)
		return;
	if (e == SSL_ERROR_WANT_WRITE) {
		c->ssl_wants_write = true;
		return;
	}
	char detail[200] = "the client went away";
	unsigned long oe = ERR_get_error();
	if (oe)
		ERR_error_string_n(oe, detail, sizeof(detail));
	ERR_clear_error();
	if (lab_services[c->svc].implicit_tls)
		logf_conn(
		    c,
		    _("TLS handshake failed: %s (on an implicit-TLS port the client must start "
		      "with TLS, not plain text)"),
		    detail);
	else
		logf_conn(c, _("TLS handshake failed: %s"), detail);
	kill_conn(c, N_("TLS handshake failed"));
}

static bool begin_tls(struct conn *c)
{
	c->ssl = SSL_new(c->srv->ssl_ctx);
	if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1) {
		kill_conn(c, N_("SSL_new failed"));
		return false;
	}
	SSL_set_accept_state(c->ssl);
	c->phase = PH_HANDSHAKE;
	c->handshake_started = c->srv->now;
	return true;
}

/* Writes what it can; false when the connection died. */
static bool flush_out(struct conn *c)
{
	while (c->out_sent < c->out.len && c->hold_until <= c->srv->now) {
		const char *p = c->out.data + c->out_sent;
		size_t n = c->out.len - c->out_sent;
		size_t done = 0;
		if (c->ssl) {
			ERR_clear_error();
			c->ssl_wants_write = false;
			int r = SSL_write_ex(c->ssl, p, n, &done);
			if (r <= 0) {
				int e = SSL_get_error(c->ssl, r);
				if (e == SSL_ERROR_WANT_WRITE) {
					c->ssl_wants_write = true;
					return true;
				}
				if (e == SSL_ERROR_WANT_READ)
					return true;
				ERR_clear_error();
				kill_conn(c, N_("write failed"));
				return false;
			}
		} else {
			ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
			if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
				return true;
			if (w <= 0) {
				kill_conn(c, N_("write failed: the client went away"));
				return false;
			}
			done = (size_t)w;
		}
		c->out_sent += done;
		c->last_write = c->srv->now;
	}
	if (c->out_sent == c->out.len && c->out_sent) {
		buf_clear(&c->out);
		c->out_sent = 0;
	}
	return true;
}

/* Reads what fits; returns true when bytes arrived. */
static bool read_in(struct conn *c)
{
	if (c->in_start) {
		memmove(c->in, c->in + c->in_start, c->in_end - c->in_start);
		c->in_end -= c->in_start;
		c->in_start = 0;
	}
	size_t room = IN_MAX - c->in_end;
	if (room == 0 || c->peer_closed)
		return false;
	size_t got = 0;
	if (c->ssl) {
		ERR_clear_error();
		int r = SSL_read_ex(c->ssl, c->in + c->in_end, room, &got);
		if (r <= 0) {
			int e = SSL_get_error(c->ssl, r);
			if (e == SSL_ERROR_WANT_READ)
				return false;
			if (e == SSL_ERROR_WANT_WRITE) {
				c->ssl_wants_write = true;
				return false;
			}
			ERR_clear_error();
			c->peer_closed = true;
			return false;
		}
	} else {
		ssize_t r = recv(c->fd, c->in + c->in_end, room, 0);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return false;
		if (r <= 0) {
			c->peer_closed = true;
			return false;
		}
		got = (size_t)r;
	}
	if (c->in_end == c->in_start && !c->line_started)
		c->line_started = c->srv->now;
	c->in_end += got;
	return true;
}

/* The "." of a message arrived: it joins the next group commit, and the
 * session reads nothing more until its 250 or 451 is written. */
static void queue_delivery(struct conn *c)
{
	struct lab_server *srv = c->srv;
	if (srv->npending == srv->pending_cap) {
		size_t ncap = srv->pending_cap ? srv->pending_cap * 2 : 64;
		struct conn **v = realloc(srv->pending, ncap * sizeof(*v));
		if (!v) {
			/* No room to queue it: the message is refused, never lost in silence. */
			hook_data_abort(c);
			size_t before = c->out.len;
			if (lab_smtp_delivered(&c->m.smtp, false, "", &c->out) == LAB_CLOSE) {
				c->closing = true;
				c->closing_since = srv->now;
			}
			log_replies(c, before);
			log_why(c);
			return;
		}
		srv->pending = v;
		srv->pending_cap = ncap;
	}
	c->waiting_delivery = true;
	srv->pending[srv->npending++] = c;
}

static void start_message(struct conn *c)
{
	struct lab_pop3 *p = &c->m.pop3;
	c->msg_fd = lab_store_message_open(&c->srv->store, &p->drop, p->send_index);
	if (c->msg_fd < 0) {
		logf_conn(c, _("message %zu cannot be opened: %s"), p->send_index + 1,
		          strerror(errno));
		kill_conn(c, N_("store error"));
		return;
	}
	lab_stuffer_init(&c->stuffer, p->send_body_lines);
	c->msg_octets_sent = 0;
}

/* Logs one client line, its reply and the reason. */
static void log_exchange(struct conn *c, const char *line, size_t n, size_t out_before,
                         enum lab_action a)
{
	size_t secret_from = c->core->secret_from;
	bool data_line = c->core->data_line;
	if (data_line && a == LAB_GO_ON && c->out.len == out_before)
		return; /* message text: summarised at its end */
	if (data_line)
		logf_conn(c, _("message text received: %zu lines, %zu octets"),
		          c->m.smtp.data_lines, c->m.smtp.data_octets);
	if (secret_from < n) {
		char shown[LAB_CMD_LINE_MAX + 64];
		int k = snprintf(shown, sizeof(shown), "%.*s[secret, %zu bytes]", (int)secret_from,
		                 line, n - secret_from);
		log_line(c->srv, c->label, "C: ", shown,
		         (size_t)k < sizeof(shown) ? (size_t)k : sizeof(shown) - 1);
		OPENSSL_cleanse(shown, sizeof(shown));
	} else {
		log_line(c->srv, c->label, "C: ", line, n);
	}
	log_replies(c, out_before);
	log_why(c);
}

static void feed_line(struct conn *c, const char *line, size_t n, unsigned flags)
{
	size_t before = c->out.len;
	enum lab_action a = lab_engine_feed(c->core, line, n, flags, &c->out);
	start_reply_hold(c);
	log_exchange(c, line, n, before, a);
	switch (a) {
	case LAB_GO_ON: break;
	case LAB_STARTTLS: c->starttls_pending = true; break;
	case LAB_CLOSE:
		c->closing = true;
		c->closing_since = c->srv->now;
		break;
	case LAB_DROP: kill_conn(c, N_("fault: dropped")); break;
	case LAB_DELIVER: queue_delivery(c); break;
	case LAB_SEND_MESSAGE: start_message(c); break;
	}
}

static bool blocked(const struct conn *c)
{
	return c->dead || c->closing || c->starttls_pending || c->waiting_delivery ||
	       c->msg_fd >= 0 || c->hold_until > c->srv->now || c->phase != PH_OPEN ||
	       c->out.len - c->out_sent >= OUT_HIGH;
}

/* Feeds the complete lines waiting in the input buffer. */
static bool process_input(struct conn *c)
{
	bool progress = false;
	while (!blocked(c) && c->in_start < c->in_end) {
		char *p = c->in + c->in_start;
		size_t avail = c->in_end - c->in_start;
		char *lf = memchr(p, '\n', avail);
		if (!lf) {
			if (c->in_start == 0 && c->in_end == IN_MAX) {
				/* no line ending in a full buffer: cut it */
				if (!c->discarding)
					feed_line(c, p, avail, LAB_LINE_TOO_LONG);
				c->discarding = true;
				c->in_start = c->in_end = 0;
				progress = true;
			}
			break;
		}
		size_t n = (size_t)(lf - p);
		c->in_start += n + 1;
		progress = true;
		if (c->discarding) {
			c->discarding = false;
			continue;
		}
		bool cr = n && p[n - 1] == '\r';
		c->last_line = c->srv->now;
		feed_line(c, p, cr ? n - 1 : n, cr ? 0 : LAB_LINE_BARE_LF);
	}
	if (c->in_start == c->in_end) {
		c->in_start = c->in_end = 0;
		c->line_started = 0;
	} else if (progress) {
		c->line_started = c->srv->now; /* a new partial line */
	}
	return progress;
}

/* The client hung up: what is left after the last line ending can never
 * become a line, so it is dropped now rather than at --line-timeout, and
 * the session (its slot, its spool file) goes as soon as its earlier
 * lines are answered. */
static void drop_unfinished_line(struct conn *c)
{
	size_t left = c->in_end - c->in_start;
	if (!left || memchr(c->in + c->in_start, '\n', left))
		return;
	if (!c->discarding)
		logf_conn(c,
		          dngettext(SMTPSH_TEXT_DOMAIN,
		                    "the client hung up in the middle of a line: %zu byte dropped",
		                    "the client hung up in the middle of a line: %zu bytes dropped",
		                    left),
		          left);
	OPENSSL_cleanse(c->in + c->in_start, left); /* half an AUTH line is still secret */
	c->in_start = c->in_end = 0;
	c->line_started = 0;
	c->discarding = false;
}

/* Tops up the output with the next part of a RETR/TOP message. */
static bool refill_message(struct conn *c)
{
	if (c->msg_fd < 0 || c->out.len - c->out_sent >= OUT_HIGH)
		return false;
	char chunk[STREAM_CHUNK];
	ssize_t r = c->stuffer.done ? 0 : read(c->msg_fd, chunk, sizeof(chunk));
	if (r < 0) {
		logf_conn(c, _("reading a message failed: %s"), strerror(errno));
		kill_conn(c, N_("store error"));
		return false;
	}
	size_t before = c->out.len;
	if (r > 0) {
		lab_stuffer_feed(&c->stuffer, chunk, (size_t)r, &c->out);
	} else {
		lab_stuffer_finish(&c->stuffer, &c->out);
		close(c->msg_fd);
		c->msg_fd = -1;
	}
	c->msg_octets_sent += c->out.len - before;
	if (c->msg_fd < 0)
		logf_conn(
		    c, _("message %zu sent: %zu octets on the wire (dot-stuffed, CRLF, final '.')"),
		    c->m.pop3.send_index + 1, c->msg_octets_sent);
	return true;
}

/* Makes all the progress possible without waiting. */
static void conn_run(struct conn *c)
{
	for (int round = 0; round < 64 && !c->dead; round++) {
		bool progress = false;
		if (c->phase == PH_HANDSHAKE) {
			handshake(c);
			if (c->dead || c->phase == PH_HANDSHAKE)
				break;
			progress = true;
		}
		if (!flush_out(c))
			return;
		if (refill_message(c))
			progress = true;
		if (c->dead)
			return;
		if (c->closing && c->out_sent == c->out.len && c->msg_fd < 0) {
			if (c->ssl)
				SSL_shutdown(c->ssl); /* one try at close_notify */
			kill_conn(c, N_("session ended"));
			return;
		}
		if (c->starttls_pending && c->out_sent == c->out.len) {
			c->starttls_pending = false;
			if (c->in_end > c->in_start)
				logf_conn(
				    c,
				    _("%zu bytes sent after STARTTLS before the handshake are "
				      "discarded (plaintext injection defence, CVE-2011-0411)"),
				    c->in_end - c->in_start);
			c->in_start = c->in_end = 0;
			if (!begin_tls(c))
				return;
			continue;
		}
		if (!c->closing && !c->starttls_pending && read_in(c))
			progress = true;
		if (process_input(c))
			progress = true;
		if (c->peer_closed)
			drop_unfinished_line(c);
		if (c->peer_closed && !c->waiting_delivery && c->in_start == c->in_end &&
		    c->out_sent == c->out.len && c->msg_fd < 0) {
			kill_conn(c, c->ops->hangup_why(&c->m));
			return;
		}
		if (!progress)
			break;
	}
	update_interest(c);
}

/* ---- accepting ---- */

/* The engine of the protocol a service speaks: its handler's lab slot. */
static const struct lab_engine_ops *engine_ops(enum proto p)
{
	return proto_handler_get(p)->lab;
}

/* An engine's state change, told to the lab's trace hook. */
static void on_state(void *ctx, enum proto p, const char *from, const char *to, const char *why)
{
	struct conn *c = ctx;
	const struct lab_server_config *cfg = &c->srv->cfg;
	if (cfg->trace)
		cfg->trace(cfg->trace_ctx, c->serial, p, from, to, why);
}

static void start_engine(struct conn *c, bool tls)
{
	struct lab_server *srv = c->srv;
	struct lab_smtp_hooks sh = {c, hook_data_begin, hook_data_line, hook_data_abort};
	struct lab_pop3_hooks ph = {c, hook_drop_open, hook_drop_commit, hook_drop_close};
	struct lab_engine_start st = {
	    .smtp = &srv->smtp_cfg[c->svc],
	    .smtp_hooks = &sh,
	    .pop3 = &srv->pop3_cfg[c->svc],
	    .pop3_hooks = &ph,
	    .client_ip = c->ip,
	    .serial = c->serial,
	    .tls = tls,
	    .trace = {srv->cfg.trace ? on_state : NULL, c},
	};
	c->ops = engine_ops(lab_services[c->svc].proto);
	c->core = c->ops->start(&c->m, &st);
}

static void refuse(struct lab_server *srv, int fd, enum lab_service svc)
{
	if (!lab_services[svc].implicit_tls) {
		char msg[200];
		int n = snprintf(msg, sizeof(msg), engine_ops(lab_services[svc].proto)->busy,
		                 srv->smtp_cfg[svc].host);
		if (send(fd, msg, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			(void)0; /* best effort */
	}
	close(fd);
	srv->stats.refused++;
}

/* Out of descriptors: the spare one is given back for a moment, to
 * accept a waiting client and say no to it. */
static void refuse_without_fds(struct lab_server *srv, enum lab_service svc, int lfd)
{
	if (srv->spare_fd < 0)
		return;
	close(srv->spare_fd);
	int fd = accept(lfd, NULL, NULL);
	if (fd >= 0)
		refuse(srv, fd, svc);
	srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	logf_srv(srv, _("out of file descriptors: a connection was refused"));
}

/* A zeroed connection with room for it in srv->conns; NULL when memory
 * is short. */
static struct conn *conn_alloc(struct lab_server *srv)
{
	if (srv->nconns == srv->cap) {
		size_t ncap = srv->cap ? srv->cap * 2 : 256;
		struct conn **v = realloc(srv->conns, ncap * sizeof(*v));
		if (!v)
			return NULL;
		srv->conns = v;
		srv->cap = ncap;
	}
	return calloc(1, sizeof(struct conn));
}

/* The client's address into c->ip, and the log's label for it:
 * "#3 smtp 127.0.0.1:40000". */
static void name_peer(struct conn *c, const struct sockaddr_storage *ss)
{
	bool v6 = ss->ss_family == AF_INET6;
	unsigned port = 0;
	if (v6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &a->sin6_addr, c->ip, sizeof(c->ip));
		port = ntohs(a->sin6_port);
	} else {
		const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &a->sin_addr, c->ip, sizeof(c->ip));
		port = ntohs(a->sin_port);
	}
	snprintf(c->label, sizeof(c->label), "#%llu %s %s%s%s:%u", (unsigned long long)c->serial,
	         lab_services[c->svc].name, v6 ? "[" : "", c->ip, v6 ? "]" : "", port);
}

/* Makes c the connection on fd: its engine starts, it joins the loop, and
 * the greeting (or the implicit TLS handshake) goes first. */
static void open_conn(struct lab_server *srv, struct conn *c, int fd, enum lab_service svc,
                      const struct sockaddr_storage *ss)
{
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->srv = srv;
	c->fd = fd;
	c->msg_fd = -1;
	c->svc = svc;
	c->serial = ++srv->serial;
	c->opened = c->last_line = c->last_write = srv->now;
	buf_init(&c->out, OUT_MAX);
	name_peer(c, ss);
	bool tls = lab_services[svc].implicit_tls;
	start_engine(c, tls);
	c->slot = srv->nconns;
	srv->conns[srv->nconns++] = c;
	srv->stats.connections++;
	if (++srv->stats.open > srv->stats.peak)
		srv->stats.peak = srv->stats.open;
	c->events = EPOLLIN;
	struct epoll_event e = {.events = EPOLLIN, .data.ptr = c};
	if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &e) != 0) {
		kill_conn(c, N_("epoll_ctl failed"));
		return;
	}
	if (tls)
		logf_conn(c, _("connected to %s (port %u): TLS handshake first"),
		          lab_services[svc].name, srv->ports[svc]);
	else
		logf_conn(c, _("connected to %s (port %u)"), lab_services[svc].name,
		          srv->ports[svc]);
	c->phase = PH_OPEN;
	if (tls) {
		if (!begin_tls(c))
			return;
	} else {
		greet(c);
	}
	conn_run(c);
}

/* The clients waiting on a listening socket, up to 256 a turn. */
static void accept_on(struct lab_server *srv, enum lab_service svc, int lfd)
{
	for (int i = 0; i < 256; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				refuse_without_fds(srv, svc, lfd);
			return;
		}
		struct conn *c = srv->nconns < srv->cfg.max_connections ? conn_alloc(srv) : NULL;
		if (!c)
			refuse(srv, fd, svc);
		else
			open_conn(srv, c, fd, svc, &ss);
	}
}

/* ---- delivery, timers ---- */

/* Commits the messages queued so far in one group and answers each.  An
 * answer lets the session run on through its pipelined input, which may
 * end another message: that one is queued afresh (the batch was taken
 * off the queue first) and committed at the next call, never dropped.
 * The loop calls this every turn and does not sleep while the queue holds
 * anything, so a session waits for its delivery less than one turn. */
static void commit_pending(struct lab_server *srv)
{
	if (!srv->npending)
		return;
	struct conn **batch = srv->pending;
	size_t n = srv->npending, batch_cap = srv->pending_cap;
	srv->pending = srv->spare;
	srv->pending_cap = srv->spare_cap;
	srv->npending = 0;
	struct lab_delivery *d = calloc(n, sizeof(*d));
	const char **names = calloc(n * LAB_MAX_RCPTS, sizeof(*names));
	for (size_t i = 0; d && names && i < n; i++) {
		struct conn *c = batch[i];
		struct lab_smtp *s = &c->m.smtp;
		const char **u = names + i * LAB_MAX_RCPTS;
		for (size_t k = 0; k < s->nrcpt; k++)
			u[k] = srv->cfg.users->v[s->rcpt[k]].name;
		d[i].spool = &c->spool;
		d[i].users = u;
		d[i].nusers = s->nrcpt;
	}
	if (d && names)
		lab_store_commit(&srv->store, d, n);
	for (size_t i = 0; i < n; i++) {
		struct conn *c = batch[i];
		bool ok = d && names && d[i].ok;
		if (!d || !names)
			lab_spool_abort(&c->spool);
		c->spool_open = false;
		c->waiting_delivery = false;
		if (ok)
			srv->stats.messages++;
		size_t before = c->out.len;
		enum lab_action a = lab_smtp_delivered(&c->m.smtp, ok, c->spool.id, &c->out);
		if (!c->dead) {
			log_replies(c, before);
			log_why(c);
			if (a == LAB_CLOSE) {
				c->closing = true;
				c->closing_since = srv->now;
			}
			conn_run(c);
		} else {
			logf_conn(
			    c,
			    ok ? _("message %s stored, but the client left before its 250: it "
			           "may send it again")
			       : _("message %s not stored (451), and the client has left"),
			    c->spool.id);
		}
	}
	if (n > 1)
		logf_srv(srv, _("group commit: %zu messages synced together"), n);
	free(d);
	free(names);
	srv->spare = batch;
	srv->spare_cap = batch_cap;
}

static void timers(struct lab_server *srv)
{
	int64_t idle = (int64_t)srv->cfg.idle_timeout_s * 1000;
	int64_t line = (int64_t)srv->cfg.line_timeout_s * 1000;
	for (size_t i = 0; i < srv->nconns; i++) {
		struct conn *c = srv->conns[i];
		/* A delivery is answered within this turn (commit_pending). */
		if (c->dead || c->waiting_delivery)
			continue;
		if (c->hold_until && c->hold_until <= srv->now) {
			c->hold_until = 0;
			conn_run(c);
			continue;
		}
		if (c->phase == PH_HANDSHAKE) {
			if (srv->now - c->handshake_started > line) {
				srv->stats.timeouts++;
				kill_conn(c, N_("TLS handshake timed out"));
			}
			continue;
		}
		if (c->closing || c->out.len > c->out_sent) {
			/* a client that does not read what it asked for */
			int64_t since = c->closing ? c->closing_since : c->last_write;
			if (srv->now - since > (c->closing ? CLOSE_GRACE_MS : idle)) {
				srv->stats.timeouts++;
				kill_conn(c, N_("the client stopped reading"));
			}
			continue;
		}
		bool slow_line = c->line_started && srv->now - c->line_started > line;
		if (srv->now - c->last_line > idle || slow_line) {
			srv->stats.timeouts++;
			size_t before = c->out.len;
			lab_engine_timeout(c->core, &c->out);
			logf_conn(c,
			          slow_line ? _("a line took more than %d s to arrive: timed out")
			                    : _("idle for more than %d s: timed out"),
			          slow_line ? srv->cfg.line_timeout_s : srv->cfg.idle_timeout_s);
			log_replies(c, before);
			log_why(c);
			c->closing = true;
			c->closing_since = srv->now;
			c->in_start = c->in_end = 0;
			conn_run(c);
		}
	}
}

static int next_timeout(struct lab_server *srv)
{
	if (srv->npending)
		return 0; /* a message waits for its commit: no sleeping */
	int64_t wait = TICK_MS;
	if (!srv->any_hold)
		return (int)wait;
	bool held = false;
	for (size_t i = 0; i < srv->nconns; i++) {
		struct conn *c = srv->conns[i];
		if (c->dead || !c->hold_until)
			continue;
		held = true;
		if (c->hold_until - srv->now < wait)
			wait = c->hold_until - srv->now;
	}
	srv->any_hold = held;
	return wait < 0 ? 0 : (int)wait;
}

/* ---- setup ---- */

/* A listening socket on loopback into *out.  Returns SMTPSH_OK or
 * SMTPSH_EIO with words in msg. */
static enum smtpsh_err listen_one(int family, const char *address, unsigned port, const char *name,
                                  int *out, struct smtpsh_msg *msg)
{
	const struct listen_spec spec = {family, port, 4096, true, address};
	struct listen_socket ls;
	enum smtpsh_err e = listen_loopback(&spec, &ls, msg);
	*out = ls.fd;
	if (e == SMTPSH_OK || !ls.opened)
		return e; /* "socket: ..." */
	char host[80];
	if (address)
		snprintf(host, sizeof(host), family == AF_INET6 ? "[%s]" : "%s", address);
	else
		snprintf(host, sizeof(host), "%s", family == AF_INET6 ? "[::1]" : "127.0.0.1");
	if (ls.errnum == EADDRINUSE)
		return smtpsh_fail(msg, e,
		                   "cannot listen on %s port %u (%s): %s; is another lab running? "
		                   "--port-base moves every port",
		                   host, port, name, strerror(ls.errnum));
	if (ls.errnum == EACCES)
		return smtpsh_fail(
		    msg, e, "cannot listen on %s port %u (%s): %s; ports below 1024 need root",
		    host, port, name, strerror(ls.errnum));
	return smtpsh_fail(msg, e, "cannot listen on %s port %u (%s): %s", host, port, name,
	                   strerror(ls.errnum));
}

static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	rlim_t want = rl.rlim_max == RLIM_INFINITY ? 65536 : rl.rlim_max;
	if (want > 65536)
		want = 65536;
	if (rl.rlim_cur < want) {
		rl.rlim_cur = want;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Each service's engine configuration: names, greetings, what it requires. */
static void configure_engines(struct lab_server *srv)
{
	const struct lab_persona *p = srv->cfg.persona;
	const char *host = p ? p->host : LAB_HOST;
	if (p)
		snprintf(srv->smtp_greeting, sizeof(srv->smtp_greeting), "%s",
		         p->smtp_greeting.text);
	else
		snprintf(srv->smtp_greeting, sizeof(srv->smtp_greeting), "%s ESMTP smtpsh lab",
		         host);
	snprintf(srv->pop3_greeting, sizeof(srv->pop3_greeting), "%s",
	         p ? p->pop3_greeting.text : "smtpsh lab ready.");
	bool loopback = true;
	if (srv->cfg.listen_addr)
		listen_address_family(srv->cfg.listen_addr, &loopback);
	for (int s = 0; s < LAB_SVC_COUNT; s++) {
		const struct lab_service_info *info = &lab_services[s];
		srv->smtp_cfg[s] = (struct lab_smtp_config){
		    .host = host,
		    .greeting = srv->smtp_greeting,
		    .tls_available = true,
		    .tls_required = info->tls_required,
		    .auth_required = info->auth_required,
		    .auth_in_cleartext = !info->tls_required && !info->auth_required,
		    .remote = !loopback,
		    .domains = srv->cfg.domains,
		    .helo_optional = srv->cfg.helo_optional,
		    .max_size = srv->cfg.max_message,
		    .users = srv->cfg.users,
		    .persona = p,
		    .persona_run = srv->cfg.persona_run,
		    .faults = srv->cfg.faults,
		};
		srv->pop3_cfg[s] = (struct lab_pop3_config){
		    .host = LAB_HOST,
		    .greeting = srv->pop3_greeting,
		    .tls_available = true,
		    .remote = !loopback,
		    .users = srv->cfg.users,
		    .persona = p,
		    .persona_run = srv->cfg.persona_run,
		    .faults = srv->cfg.faults,
		};
	}
}

/* The configuration's zeros become the lab's defaults. */
static void apply_defaults(struct lab_server_config *cfg)
{
	if (!cfg->port_base)
		cfg->port_base = LAB_DEFAULT_PORT_BASE;
	if (!cfg->max_message)
		cfg->max_message = LAB_MAX_MESSAGE;
	if (!cfg->max_connections)
		cfg->max_connections = 4000;
	if (cfg->idle_timeout_s <= 0)
		cfg->idle_timeout_s = 300;
	if (cfg->line_timeout_s <= 0)
		cfg->line_timeout_s = 60;
	if (!cfg->faults || cfg->faults->n == 0)
		cfg->faults = NULL;
}

/* The store and a mailbox for every user.  Returns SMTPSH_OK, or
 * lab_store_open()'s codes, or SMTPSH_EIO. */
static enum smtpsh_err open_store(struct lab_server *srv, struct smtpsh_msg *msg)
{
	const struct lab_server_config *cfg = &srv->cfg;
	enum smtpsh_err e = lab_store_open(&srv->store, cfg->dir, msg);
	if (e != SMTPSH_OK)
		return e;
	for (size_t i = 0; i < cfg->users->n; i++)
		if (lab_store_add_user(&srv->store, cfg->users->v[i].name) != SMTPSH_OK)
			return smtpsh_fail(msg, SMTPSH_EIO,
			                   "cannot create the mailbox of %s under %s/mail",
			                   cfg->users->v[i].name, cfg->dir);
	return SMTPSH_OK;
}

/* The certificates (made when missing or stale) and the TLS context.
 * Returns SMTPSH_OK or the codes of lab_tls_ensure()/lab_tls_server_ctx(). */
static enum smtpsh_err open_tls(struct lab_server *srv, struct smtpsh_msg *msg)
{
	enum smtpsh_err e = lab_tls_ensure(srv->cfg.dir, srv->cfg.listen_addr, &srv->tls, msg);
	if (e != SMTPSH_OK)
		return e;
	void *ssl_ctx;
	e = lab_tls_server_ctx(&srv->tls, &ssl_ctx, msg);
	if (e == SMTPSH_OK)
		srv->ssl_ctx = ssl_ctx;
	return e;
}

/* The event loop's epoll set and wake pipe, and every service's port
 * (127.0.0.1, and [::1] when asked and there).  Returns SMTPSH_OK or
 * SMTPSH_EIO. */
static enum smtpsh_err open_ports(struct lab_server *srv, struct smtpsh_msg *msg)
{
	srv->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (srv->epfd < 0 || pipe2(srv->wake, O_NONBLOCK | O_CLOEXEC) != 0)
		return smtpsh_fail(msg, SMTPSH_EIO, "epoll/pipe: %s", strerror(errno));
	struct epoll_event we = {.events = EPOLLIN, .data.u64 = TAG_WAKE};
	epoll_ctl(srv->epfd, EPOLL_CTL_ADD, srv->wake[0], &we);
	for (int s = 0; s < LAB_SVC_COUNT; s++) {
		srv->ports[s] = lab_service_port(srv->cfg.port_base, (enum lab_service)s);
		const char *addr = srv->cfg.listen_addr;
		bool loopback;
		int family = addr ? listen_address_family(addr, &loopback) : AF_INET;
		if (!family)
			return smtpsh_fail(msg, SMTPSH_EINVAL,
			                   "--listen wants an IPv4 or IPv6 address, not '%s'",
			                   addr);
		enum smtpsh_err e = listen_one(family, addr, srv->ports[s], lab_services[s].name,
		                               &srv->listen_fd[s][0], msg);
		if (e != SMTPSH_OK)
			return e;
		if (srv->cfg.ipv6 && !addr) /* best effort: ::1 may not exist */
			listen_one(AF_INET6, NULL, srv->ports[s], lab_services[s].name,
			           &srv->listen_fd[s][1], NULL);
		for (int f = 0; f < 2; f++) {
			if (srv->listen_fd[s][f] < 0)
				continue;
			struct epoll_event ev = {.events = EPOLLIN,
			                         .data.u64 = TAG_LISTEN + (unsigned)(s * 2 + f)};
			epoll_ctl(srv->epfd, EPOLL_CTL_ADD, srv->listen_fd[s][f], &ev);
		}
	}
	return SMTPSH_OK;
}

enum smtpsh_err lab_server_new(const struct lab_server_config *cfg, struct lab_server **out,
                               struct smtpsh_msg *msg)
{
	*out = NULL;
	struct lab_server *srv = calloc(1, sizeof(*srv));
	if (!srv)
		return smtpsh_fail(msg, SMTPSH_ENOMEM, "out of memory");
	srv->cfg = *cfg;
	apply_defaults(&srv->cfg);
	srv->epfd = -1;
	srv->wake[0] = srv->wake[1] = -1;
	srv->spare_fd = -1;
	for (int s = 0; s < LAB_SVC_COUNT; s++)
		srv->listen_fd[s][0] = srv->listen_fd[s][1] = -1;

	enum smtpsh_err e = SMTPSH_OK;
	if (srv->cfg.port_base < lab_port_base_min() || srv->cfg.port_base > lab_port_base_max())
		e = smtpsh_fail(msg, SMTPSH_EINVAL,
		                "--port-base must be between %u and %u (the POP3 port is base-415, "
		                "POP3S base+470)",
		                lab_port_base_min(), lab_port_base_max());
	if (e == SMTPSH_OK)
		e = open_store(srv, msg);
	if (e == SMTPSH_OK)
		e = open_tls(srv, msg);
	if (e != SMTPSH_OK) {
		lab_server_free(srv);
		return e;
	}
	configure_engines(srv);
	raise_fd_limit();
	e = open_ports(srv, msg);
	if (e != SMTPSH_OK) {
		lab_server_free(srv);
		return e;
	}
	srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	*out = srv;
	return SMTPSH_OK;
}

const struct lab_tls_files *lab_server_tls(const struct lab_server *s)
{
	return &s->tls;
}

unsigned lab_server_port(const struct lab_server *s, enum lab_service svc)
{
	return s->ports[svc];
}

void lab_server_stop(struct lab_server *s)
{
	s->stop = 1;
	if (s->wake[1] >= 0) {
		char b = 1;
		ssize_t r = write(s->wake[1], &b, 1); /* async-signal-safe */
		(void)r;
	}
}

void lab_server_stats(const struct lab_server *s, struct lab_stats *st)
{
	*st = s->stats;
	st->messages = s->store.delivered;
}

/* Says goodbye to every session (best effort) and closes it. */
static void shutdown_all(struct lab_server *srv)
{
	for (size_t i = 0; i < srv->nconns; i++) {
		struct conn *c = srv->conns[i];
		if (c->dead)
			continue;
		if (c->phase == PH_OPEN && !c->closing) {
			size_t before = c->out.len;
			lab_engine_shutdown(c->core, &c->out);
			log_replies(c, before);
			c->hold_until = 0;
			flush_out(c);
		}
		kill_conn(c, N_("the lab stops"));
	}
	reap(srv);
}

enum smtpsh_err lab_server_run(struct lab_server *srv)
{
	struct sigaction ign = {.sa_handler = SIG_IGN}, old;
	sigemptyset(&ign.sa_mask);
	/* OpenSSL writes with write(2): a vanished client must not kill us. */
	sigaction(SIGPIPE, &ign, &old);
	logf_srv(srv, _("listening: smtp %u, submission %u, smtps %u, pop3 %u, pop3s %u"),
	         srv->ports[LAB_SVC_SMTP], srv->ports[LAB_SVC_SUBMISSION],
	         srv->ports[LAB_SVC_SMTPS], srv->ports[LAB_SVC_POP3], srv->ports[LAB_SVC_POP3S]);
	enum smtpsh_err result = SMTPSH_OK;
	struct epoll_event evs[256];
	int64_t last_tick = 0;
	srv->now = now_ms();
	while (!srv->stop) {
		int n = epoll_wait(srv->epfd, evs, 256, next_timeout(srv));
		srv->now = now_ms();
		if (n < 0 && errno != EINTR) {
			logf_srv(srv, "epoll_wait: %s", strerror(errno));
			result = SMTPSH_EIO;
			break;
		}
		for (int i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64;
			if (tag == TAG_WAKE) {
				char b[64];
				while (read(srv->wake[0], b, sizeof(b)) > 0)
					;
			} else if (tag >= TAG_LISTEN && tag < TAG_LISTEN + 2 * LAB_SVC_COUNT) {
				unsigned k = (unsigned)(tag - TAG_LISTEN);
				accept_on(srv, (enum lab_service)(k / 2),
				          srv->listen_fd[k / 2][k % 2]);
			} else {
				struct conn *c = evs[i].data.ptr;
				if (c->dead)
					continue;
				conn_run(c);
				/* Gone for good, and nothing left we could do for it.  epoll
				 * reports a hang-up until the descriptor leaves the set, so
				 * it leaves now, even with a delivery pending: the message is
				 * still committed, there is just no one left to answer. */
				if ((evs[i].events & (EPOLLHUP | EPOLLERR)) && !c->dead &&
				    !(c->events & EPOLLIN))
					kill_conn(c, N_("the client went away"));
			}
		}
		commit_pending(srv);
		if (srv->now - last_tick >= TICK_MS || next_timeout(srv) == 0) {
			timers(srv);
			last_tick = srv->now;
		}
		commit_pending(srv);
		reap(srv);
	}
	/* Answer what was received; bounded, as sessions may pipeline more. */
	for (int i = 0; i < 64 && srv->npending; i++)
		commit_pending(srv);
	shutdown_all(srv);
	logf_srv(srv, _("stopped: %lu connections served, %lu messages stored"),
	         srv->stats.connections, srv->store.delivered);
	sigaction(SIGPIPE, &old, NULL);
	return result;
}

void lab_server_free(struct lab_server *srv)
{
	if (!srv)
		return;
	for (size_t i = 0; i < srv->nconns; i++) {
		if (!srv->conns[i]->dead)
			srv->stats.open--;
		free_conn(srv->conns[i]);
	}
	free(srv->conns);
	free(srv->pending);
	free(srv->spare);
	for (int s = 0; s < LAB_SVC_COUNT; s++)
		for (int f = 0; f < 2; f++)
			if (srv->listen_fd[s][f] >= 0)
				close(srv->listen_fd[s][f]);
	if (srv->wake[0] >= 0)
		close(srv->wake[0]);
	if (srv->wake[1] >= 0)
		close(srv->wake[1]);
	if (srv->epfd >= 0)
		close(srv->epfd);
	if (srv->spare_fd >= 0)
		close(srv->spare_fd);
	SSL_CTX_free(srv->ssl_ctx);
	free(srv);
}
