/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The loopback socket set-up: the kernel's port, a busy port refused
 * with the failing call named, the v6 loopback, and bound-only sockets. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "listen.h"

static void kernel_port_then_busy(void **state)
{
	(void)state;
	struct listen_socket a, b;
	struct smtpsh_msg msg;
	const struct listen_spec any = {AF_INET, 0, 4, true, NULL};
	assert_int_equal(listen_loopback(&any, &a, &msg), SMTPSH_OK);
	assert_true(a.fd >= 0);
	assert_true(a.opened);
	assert_int_not_equal(a.port, 0);
	const struct listen_spec same = {AF_INET, a.port, 4, false, NULL};
	assert_int_equal(listen_loopback(&same, &b, &msg), SMTPSH_EIO);
	assert_int_equal(b.fd, -1);
	assert_true(b.opened);
	assert_int_equal(b.errnum, EADDRINUSE);
	assert_memory_equal(msg.text, "bind: ", 6);
	/* bound only: the busy port is refused the same way */
	const struct listen_spec probe = {AF_INET, a.port, 0, false, NULL};
	assert_int_equal(listen_loopback(&probe, &b, NULL), SMTPSH_EIO);
	close(a.fd);
	assert_int_equal(listen_loopback(&probe, &b, NULL), SMTPSH_OK);
	assert_int_equal(b.port, a.port);
	close(b.fd);
}

static void ipv6_when_there(void **state)
{
	(void)state;
	struct listen_socket s;
	const struct listen_spec v6 = {AF_INET6, 0, 4, true, NULL};
	if (listen_loopback(&v6, &s, NULL) != SMTPSH_OK) {
		/* a host without IPv6 fails at socket() or bind(), never silently */
		assert_int_equal(s.fd, -1);
		assert_int_not_equal(s.errnum, 0);
		return;
	}
	assert_int_not_equal(s.port, 0);
	close(s.fd);
}

/* --listen: which literals are addresses, which are loopback. */
static void address_families(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int family;
		bool loopback;
	} rows[] = {
	    {"127.0.0.1", AF_INET, true},
	    {"127.0.0.2", AF_INET, true},
	    {"127.255.1.9", AF_INET, true},
	    {"10.0.0.5", AF_INET, false},
	    {"0.0.0.0", AF_INET, false},
	    {"::1", AF_INET6, true},
	    {"::", AF_INET6, false},
	    {"fe80::1", AF_INET6, false},
	    {"300.1.1.1", 0, false},
	    {"example.com", 0, false},
	    {"", 0, false},
	    {"127.0.0.1:25", 0, false},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		bool loopback = !rows[i].loopback;
		assert_int_equal(listen_address_family(rows[i].text, &loopback), rows[i].family);
		assert_int_equal(loopback, rows[i].loopback);
	}
}

/* Another loopback address (Linux routes 127/8 to lo): bound there, and
 * not on 127.0.0.1. */
static void other_loopback_address(void **state)
{
	(void)state;
	struct listen_socket s, t;
	const struct listen_spec spec = {AF_INET, 0, 4, false, "127.0.0.2"};
	assert_int_equal(listen_loopback(&spec, &s, NULL), SMTPSH_OK);
	struct sockaddr_in a;
	socklen_t n = sizeof(a);
	assert_int_equal(getsockname(s.fd, (struct sockaddr *)&a, &n), 0);
	assert_int_equal(ntohl(a.sin_addr.s_addr), 0x7f000002);
	/* the same port on 127.0.0.1 is still free */
	const struct listen_spec other = {AF_INET, s.port, 4, false, NULL};
	assert_int_equal(listen_loopback(&other, &t, NULL), SMTPSH_OK);
	close(t.fd);
	close(s.fd);
	const struct listen_spec wrong = {AF_INET, 0, 4, false, "::1"};
	assert_int_equal(listen_loopback(&wrong, &s, NULL), SMTPSH_EIO);
	assert_int_equal(s.errnum, EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(kernel_port_then_busy),
	    cmocka_unit_test(ipv6_when_there),
	    cmocka_unit_test(address_families),
	    cmocka_unit_test(other_loopback_address),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
