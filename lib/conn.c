/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "conn.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <time.h>
#include <unistd.h>

void conn_init(struct conn *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

bool conn_is_open(const struct conn *c)
{
	return c->fd >= 0;
}

static enum smtpsh_err not_open(struct smtpsh_msg *msg)
{
	return smtpsh_fail(msg, SMTPSH_ECLOSED, "not connected");
}

static enum smtpsh_err closed_by_peer(struct smtpsh_msg *msg)
{
	return smtpsh_fail(msg, SMTPSH_ECLOSED, "the server closed the connection");
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Non-blocking connect bounded by timeout_ms. */
static enum smtpsh_err connect_one(struct conn *c, const struct addrinfo *ai, int timeout_ms,
                                   struct smtpsh_msg *msg)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0)
		return smtpsh_fail(msg, SMTPSH_EIO, "cannot create a socket: %s", strerror(errno));
	int fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		goto connected;
	if (errno != EINPROGRESS) {
		enum smtpsh_err e = smtpsh_fail(msg, SMTPSH_EIO, "cannot connect to %s port %u: %s",
		                                c->addr, c->port, strerror(errno));
		close(fd);
		return e;
	}
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};
	int n;
	do
		n = poll(&pfd, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n == 0) {
		close(fd);
		return smtpsh_fail(msg, SMTPSH_ETIMEOUT,
		                   "no answer from %s port %u within %d s (connect timeout)",
		                   c->addr, c->port, timeout_ms / 1000);
	}
	int soerr = 0;
	socklen_t len = sizeof(soerr);
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
	if (n < 0 || soerr) {
		int e = n < 0 ? errno : soerr;
		close(fd);
		if (e == ECONNREFUSED)
			return smtpsh_fail(
			    msg, SMTPSH_EIO,
			    "cannot connect to %s port %u: %s (nothing listens there)", c->addr,
			    c->port, strerror(e));
		return smtpsh_fail(msg, SMTPSH_EIO, "cannot connect to %s port %u: %s", c->addr,
		                   c->port, strerror(e));
	}
connected:;
	int one = 1;
	/* Lines are typed one at a time: send each at once. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->fd = fd;
	return SMTPSH_OK;
}

enum smtpsh_err conn_connect(struct conn *c, const char *host, unsigned port, int family,
                             int timeout_ms, struct smtpsh_msg *msg)
{
	struct addrinfo hints = {0}, *res = NULL;
	char portstr[16];
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof(portstr), "%u", port);
	snprintf(c->host, sizeof(c->host), "%s", host);
	c->port = port;
	int rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc != 0)
		return smtpsh_fail(msg, SMTPSH_EINVAL, "cannot resolve '%s'%s: %s", host,
		                   family == AF_INET    ? " (IPv4)"
		                   : family == AF_INET6 ? " (IPv6)"
		                                        : "",
		                   rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
	enum smtpsh_err e = SMTPSH_EIO;
	bool tried = false;
	long long deadline = now_ms() + timeout_ms;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		void *a = ai->ai_family == AF_INET6
		              ? (void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr
		              : (void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr;
		inet_ntop(ai->ai_family, a, c->addr, sizeof(c->addr));
		long long left = deadline - now_ms();
		if (left <= 0)
			break;
		tried = true;
		e = connect_one(c, ai, (int)left, msg);
		if (e == SMTPSH_OK)
			break;
	}
	freeaddrinfo(res);
	if (!tried) /* resolving used up the time */
		return smtpsh_fail(
		    msg, SMTPSH_EIO,
		    "cannot connect to %s port %u: the connect timeout ran out while "
		    "resolving",
		    host, port);
	return e;
}

enum smtpsh_err conn_wait_readable(struct conn *c, int timeout_ms, struct smtpsh_msg *msg)
{
	if (c->fd < 0)
		return not_open(msg);
	if (conn_pending(c))
		return SMTPSH_OK;
	struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
	int n;
	do
		n = poll(&pfd, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return smtpsh_fail(msg, SMTPSH_EIO, "poll: %s", strerror(errno));
	if (n == 0)
		return smtpsh_fail(msg, SMTPSH_ETIMEOUT, "nothing arrived within %d ms",
		                   timeout_ms);
	return SMTPSH_OK;
}

/* Acknowledge at once what arrives: a server whose Nagle holds its reply
 * until our ACK (after TLS session tickets, say) would otherwise wait for
 * Linux's 40 ms delayed ACK on every exchange. */
static void quickack(const struct conn *c)
{
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

bool conn_pending(const struct conn *c)
{
	return c->ssl && SSL_pending(c->ssl) > 0;
}

enum smtpsh_err conn_read(struct conn *c, void *p, size_t n, size_t *got, struct smtpsh_msg *msg)
{
	*got = 0;
	if (c->fd < 0)
		return not_open(msg);
	if (c->ssl) {
		size_t r = 0;
		ERR_clear_error();
		quickack(c);
		if (SSL_read_ex(c->ssl, p, n, &r)) {
			*got = r;
			return SMTPSH_OK;
		}
		int se = SSL_get_error(c->ssl, 0);
		if (se == SSL_ERROR_WANT_READ || se == SSL_ERROR_WANT_WRITE)
			return SMTPSH_OK;
		if (se == SSL_ERROR_ZERO_RETURN)
			return closed_by_peer(msg);
		if (se == SSL_ERROR_SYSCALL && errno == 0)
			return smtpsh_fail(
			    msg, SMTPSH_ECLOSED,
			    "the server closed the connection without a TLS close_notify");
		return smtpsh_fail(msg, SMTPSH_ETLS, "TLS read failed: %s",
		                   ERR_reason_error_string(ERR_peek_last_error())
		                       ? ERR_reason_error_string(ERR_peek_last_error())
		                       : strerror(errno));
	}
	ssize_t r;
	quickack(c);
	do
		r = read(c->fd, p, n);
	while (r < 0 && errno == EINTR);
	if (r > 0) {
		*got = (size_t)r;
		return SMTPSH_OK;
	}
	if (r == 0)
		return closed_by_peer(msg);
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return SMTPSH_OK;
	return smtpsh_fail(msg, errno == ECONNRESET ? SMTPSH_ECLOSED : SMTPSH_EIO,
	                   "read from %s port %u: %s", c->addr, c->port, strerror(errno));
}

enum smtpsh_err conn_write(struct conn *c, const void *p, size_t n, int timeout_ms,
                           struct smtpsh_msg *msg)
{
	const char *s = p;
	if (c->fd < 0)
		return not_open(msg);
	/* One deadline for the whole buffer: a server that takes a byte now
	 * and then must not stretch a line's write without end. */
	long long deadline = now_ms() + timeout_ms;
	while (n > 0) {
		ssize_t w;
		short wait_for = POLLOUT;
		if (c->ssl) {
			size_t done = 0;
			ERR_clear_error();
			if (SSL_write_ex(c->ssl, s, n, &done)) {
				w = (ssize_t)done;
			} else {
				int se = SSL_get_error(c->ssl, 0);
				if (se != SSL_ERROR_WANT_WRITE && se != SSL_ERROR_WANT_READ)
					return smtpsh_fail(msg, SMTPSH_ETLS, "TLS write failed");
				if (se == SSL_ERROR_WANT_READ)
					wait_for = POLLIN;
				w = -1;
				errno = EAGAIN;
			}
		} else {
			w = send(c->fd, s, n, MSG_NOSIGNAL);
		}
		if (w > 0) {
			s += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			long long left = deadline - now_ms();
			struct pollfd pfd = {.fd = c->fd, .events = wait_for};
			int r = left > 0 ? poll(&pfd, 1, (int)left) : 0;
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return smtpsh_fail(msg, SMTPSH_EIO, "poll: %s", strerror(errno));
			if (r == 0)
				return smtpsh_fail(msg, SMTPSH_ETIMEOUT,
				                   "the server stopped reading: %zu bytes still "
				                   "unsent after %d s (write timeout)",
				                   n, timeout_ms / 1000);
			continue;
		}
		return smtpsh_fail(
		    msg, (errno == EPIPE || errno == ECONNRESET) ? SMTPSH_ECLOSED : SMTPSH_EIO,
		    "write to %s port %u: %s", c->addr, c->port, strerror(errno));
	}
	return SMTPSH_OK;
}

void conn_close(struct conn *c)
{
	if (c->ssl) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->ctx) {
		SSL_CTX_free(c->ctx);
		c->ctx = NULL;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
