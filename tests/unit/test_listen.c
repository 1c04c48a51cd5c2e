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
#include <cmocka.h>

#include "listen.h"

static void kernel_port_then_busy(void **state)
{
	(void)state;
	struct listen_socket a, b;
	struct smtpsh_msg msg;
	const struct listen_spec any = {AF_INET, 0, 4, true};
	assert_int_equal(listen_loopback(&any, &a, &msg), SMTPSH_OK);
	assert_true(a.fd >= 0);
	assert_true(a.opened);
	assert_int_not_equal(a.port, 0);
	const struct listen_spec same = {AF_INET, a.port, 4, false};
	assert_int_equal(listen_loopback(&same, &b, &msg), SMTPSH_EIO);
	assert_int_equal(b.fd, -1);
	assert_true(b.opened);
	assert_int_equal(b.errnum, EADDRINUSE);
	assert_memory_equal(msg.text, "bind: ", 6);
	/* bound only: the busy port is refused the same way */
	const struct listen_spec probe = {AF_INET, a.port, 0, false};
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
	const struct listen_spec v6 = {AF_INET6, 0, 4, true};
	if (listen_loopback(&v6, &s, NULL) != SMTPSH_OK) {
		/* a host without IPv6 fails at socket() or bind(), never silently */
		assert_int_equal(s.fd, -1);
		assert_int_not_equal(s.errnum, 0);
		return;
	}
	assert_int_not_equal(s.port, 0);
	close(s.fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(kernel_port_then_busy),
	    cmocka_unit_test(ipv6_when_there),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
