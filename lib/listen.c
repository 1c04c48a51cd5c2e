/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A TCP socket on loopback: one set-up for the lab and serve. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listen.h"

int listen_address_family(const char *text, bool *loopback)
{
	struct in_addr a4;
	struct in6_addr a6;
	*loopback = false;
	if (text && inet_pton(AF_INET, text, &a4) == 1) {
		*loopback = (ntohl(a4.s_addr) >> 24) == 127;
		return AF_INET;
	}
	if (text && inet_pton(AF_INET6, text, &a6) == 1) {
		*loopback = IN6_IS_ADDR_LOOPBACK(&a6);
		return AF_INET6;
	}
	return 0;
}

/* spec's address (loopback when it names none) at its port, into ss;
 * returns its length, 0 when the address is no literal of the family. */
static socklen_t bind_address(const struct listen_spec *spec, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	uint16_t port = htons((uint16_t)spec->port);
	if (spec->family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		a->sin6_port = port;
		if (spec->address && inet_pton(AF_INET6, spec->address, &a->sin6_addr) != 1)
			return 0;
		return sizeof(*a);
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a->sin_port = port;
	if (spec->address && inet_pton(AF_INET, spec->address, &a->sin_addr) != 1)
		return 0;
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
	socklen_t sl = bind_address(spec, &ss);
	if (sl == 0) {
		errno = EINVAL;
		return failed(out, "bind", msg);
	}
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
