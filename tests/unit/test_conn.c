/* SPDX-License-Identifier: GPL-3.0-or-later */
/* conn and tls_start failures: the code, and one sentence in msg (NULL
 * accepted), over a socketpair or a loopback port nobody listens on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "conn.h"
#include "tls.h"

struct pair {
	struct conn c;
	int peer; /* the test's end */
};

static void open_pair(struct pair *p)
{
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	conn_init(&p->c);
	p->c.fd = sv[0];
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	snprintf(p->c.host, sizeof(p->c.host), "localhost");
	p->peer = sv[1];
}

static void not_open(void **state)
{
	(void)state;
	struct conn c;
	struct smtpsh_msg why;
	char b[8];
	size_t got;
	conn_init(&c);
	assert_int_equal(conn_read(&c, b, sizeof(b), &got, &why), SMTPSH_ECLOSED);
	assert_string_equal(why.text, "not connected");
	why.text[0] = '\0';
	assert_int_equal(conn_write(&c, "x", 1, 100, &why), SMTPSH_ECLOSED);
	assert_string_equal(why.text, "not connected");
	why.text[0] = '\0';
	assert_int_equal(conn_wait_readable(&c, 0, &why), SMTPSH_ECLOSED);
	assert_string_equal(why.text, "not connected");
	assert_int_equal(conn_read(&c, b, sizeof(b), &got, NULL), SMTPSH_ECLOSED);
	assert_int_equal(conn_write(&c, "x", 1, 100, NULL), SMTPSH_ECLOSED);
	assert_int_equal(conn_wait_readable(&c, 0, NULL), SMTPSH_ECLOSED);
}

static void peer_gone(void **state)
{
	(void)state;
	struct pair p;
	struct smtpsh_msg why;
	char b[8];
	size_t got = 1;
	open_pair(&p);
	assert_int_equal(conn_wait_readable(&p.c, 10, &why), SMTPSH_ETIMEOUT);
	assert_true(why.text[0] != '\0');
	assert_int_equal(conn_wait_readable(&p.c, 0, NULL), SMTPSH_ETIMEOUT);
	assert_int_equal(conn_read(&p.c, b, sizeof(b), &got, &why), SMTPSH_OK);
	assert_int_equal(got, 0); /* nothing yet is no failure */
	close(p.peer);
	assert_int_equal(conn_read(&p.c, b, sizeof(b), &got, &why), SMTPSH_ECLOSED);
	assert_string_equal(why.text, "the server closed the connection");
	assert_int_equal(conn_read(&p.c, b, sizeof(b), &got, NULL), SMTPSH_ECLOSED);
	assert_int_equal(conn_write(&p.c, "NOOP\r\n", 6, 100, &why), SMTPSH_ECLOSED);
	assert_non_null(strstr(why.text, "write to "));
	assert_int_equal(conn_write(&p.c, "NOOP\r\n", 6, 100, NULL), SMTPSH_ECLOSED);
	conn_close(&p.c);
}

static void refused(void **state)
{
	(void)state;
	/* a bound port that does not listen refuses at once */
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &len), 0);
	unsigned port = ntohs(a.sin_port);
	struct conn c;
	struct smtpsh_msg why;
	char want[64];
	conn_init(&c);
	assert_int_equal(conn_connect(&c, "127.0.0.1", port, AF_INET, 2000, &why), SMTPSH_EIO);
	snprintf(want, sizeof(want), "cannot connect to 127.0.0.1 port %u: ", port);
	assert_memory_equal(why.text, want, strlen(want));
	assert_non_null(strstr(why.text, "(nothing listens there)"));
	assert_false(conn_is_open(&c));
	assert_int_equal(conn_connect(&c, "127.0.0.1", port, AF_INET, 2000, NULL), SMTPSH_EIO);
	close(s);
}

static void tls_to_plaintext(void **state)
{
	(void)state;
	struct pair p;
	struct tls_opts o = {0};
	struct tls_info info;
	struct smtpsh_msg why;
	static const char greeting[] = "220 plaintext here\r\n";
	open_pair(&p);
	assert_int_equal(write(p.peer, greeting, sizeof(greeting) - 1),
	                 (ssize_t)sizeof(greeting) - 1);
	assert_int_equal(tls_start(&p.c, &o, &info, 2000, &why), SMTPSH_ETLS);
	assert_non_null(strstr(why.text, "TLS handshake failed: "));
	assert_non_null(strstr(why.text, "is this a plaintext port?"));
	conn_close(&p.c);
	close(p.peer);

	open_pair(&p);
	assert_int_equal(write(p.peer, greeting, sizeof(greeting) - 1),
	                 (ssize_t)sizeof(greeting) - 1);
	assert_int_equal(tls_start(&p.c, &o, &info, 2000, NULL), SMTPSH_ETLS);
	conn_close(&p.c);
	close(p.peer);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(not_open),
	    cmocka_unit_test(peer_gone),
	    cmocka_unit_test(refused),
	    cmocka_unit_test(tls_to_plaintext),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
