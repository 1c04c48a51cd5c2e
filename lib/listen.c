/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A TCP socket on loopback: one set-up for the lab and serve. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listen.h"

/* The loopback address of family at port, into ss; returns its length. */
static socklen_t loopback_address(int family, unsigned port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		a->sin6_port = htons((uint16_t)port);
		return sizeof(*a);
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a->sin_port = htons((uint16_t)port);
	return sizeof(*a);
}

/* The port ss holds. */
static unsigned address_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static enum smtpsh_err failed(struct listen_socket *out, const char *call, struct smtpsh_msg *msg)
{
	out->errnum = errno;
	if (out->fd >= 0)
		close(out->fd);
	out->fd = -1;
	return smtpsh_fail(msg, SMTPSH_EIO, "%s: %s", call, strerror(out->errnum));
}

enum smtpsh_err listen_loopback(const struct listen_spec *spec, struct listen_socket *out,
                                struct smtpsh_msg *msg)
{
	memset(out, 0, sizeof(*out));
	int type = SOCK_STREAM | SOCK_CLOEXEC | (spec->nonblocking ? SOCK_NONBLOCK : 0);
	out->fd = socket(spec->family, type, 0);
	if (out->fd < 0)
		return failed(out, "socket", msg);
	out->opened = true;
	int one = 1;
	setsockopt(out->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (spec->family == AF_INET6)
		setsockopt(out->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	struct sockaddr_storage ss;
	socklen_t sl = loopback_address(spec->family, spec->port, &ss);
	if (bind(out->fd, (struct sockaddr *)&ss, sl) != 0)
		return failed(out, "bind", msg);
	if (spec->backlog > 0 && listen(out->fd, spec->backlog) != 0)
		return failed(out, "listen", msg);
	sl = sizeof(ss);
	if (getsockname(out->fd, (struct sockaddr *)&ss, &sl) != 0)
		return failed(out, "getsockname", msg);
	out->port = address_port(&ss);
	return SMTPSH_OK;
}
