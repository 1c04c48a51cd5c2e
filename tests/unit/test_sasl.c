/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SASL builders and APOP against the RFCs' own examples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sasl.h"

static void plain(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(sasl_plain(&b, NULL, "alice", "wrong-password"), SMTPSH_OK);
	assert_string_equal(b.data, "AGFsaWNlAHdyb25nLXBhc3N3b3Jk");
	buf_clear(&b);
	/* carol's UTF-8 password, as Postfix+Dovecot accepted it */
	assert_int_equal(sasl_plain(&b, "", "carol", "p@ss w\xc3\xb6rd:42"), SMTPSH_OK);
	assert_string_equal(b.data, "AGNhcm9sAHBAc3Mgd8O2cmQ6NDI=");
	buf_clear(&b);
	assert_int_equal(sasl_plain(&b, "admin", "u", "p"), SMTPSH_OK);
	assert_string_equal(b.data, "YWRtaW4AdQBw");
	buf_free(&b);
}

static void cram_md5_rfc2195_example(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(sasl_cram_md5(&b, "tim", "tanstaaftanstaaf",
	                               "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+"),
	                 SMTPSH_OK);
	assert_string_equal(b.data, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
	buf_clear(&b);
	assert_int_equal(sasl_cram_md5(&b, "tim", "x", "not base64!"), SMTPSH_EINVAL);
	buf_free(&b);
}

static void xoauth2(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(sasl_xoauth2(&b, "someuser@example.com",
	                              "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg"),
	                 SMTPSH_OK);
	/* Google's documented example */
	assert_string_equal(b.data, "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOW"
	                            "RmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==");
	buf_free(&b);
}

static void apop_rfc1939_example(void **state)
{
	(void)state;
	char d[33];
	assert_int_equal(apop_digest(d, "<1896.697170952@dbc.mtview.ca.us>", "tanstaaf"),
	                 SMTPSH_OK);
	assert_string_equal(d, "c4c9334bac560ecc979e58001b3e22fb");
}

static void pick(void **state)
{
	(void)state;
	assert_string_equal(sasl_pick("PLAIN LOGIN", false, true), "PLAIN");
	assert_string_equal(sasl_pick("LOGIN PLAIN CRAM-MD5", false, false), "CRAM-MD5");
	assert_string_equal(sasl_pick("login", false, true), "LOGIN");
	assert_string_equal(sasl_pick("PLAIN XOAUTH2", true, true), "XOAUTH2");
	assert_null(sasl_pick("PLAIN", true, true));
	assert_null(sasl_pick("GSSAPI NTLM", false, true));
	assert_null(sasl_pick("", false, true));
	assert_null(sasl_pick("PLAINX", false, true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(plain),   cmocka_unit_test(cram_md5_rfc2195_example),
	    cmocka_unit_test(xoauth2), cmocka_unit_test(apop_rfc1939_example),
	    cmocka_unit_test(pick),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
