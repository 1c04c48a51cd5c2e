/* SPDX-License-Identifier: GPL-3.0-or-later */
/* base64 through OpenSSL, with the padding and alphabet rules checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "b64.h"

static const struct {
	const char *plain, *enc;
} rfc4648[] = {
	{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
	{"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
};

static void rfc4648_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rfc4648) / sizeof(*rfc4648); i++) {
		struct buf e, d;
		buf_init(&e, 0);
		buf_init(&d, 0);
		assert_int_equal(b64_encode(&e, rfc4648[i].plain, strlen(rfc4648[i].plain)), ERR_OK);
		assert_string_equal(e.data ? e.data : "", rfc4648[i].enc);
		assert_int_equal(b64_decode(&d, rfc4648[i].enc, strlen(rfc4648[i].enc)), ERR_OK);
		assert_int_equal(d.len, strlen(rfc4648[i].plain));
		assert_memory_equal(d.data ? d.data : "", rfc4648[i].plain, d.len);
		buf_free(&e);
		buf_free(&d);
	}
}

static void without_padding(void **state)
{
	(void)state;
	struct buf d;
	buf_init(&d, 0);
	assert_int_equal(b64_decode(&d, "Zg", 2), ERR_OK);
	assert_string_equal(d.data, "f");
	buf_clear(&d);
	assert_int_equal(b64_decode(&d, "Zm9vYmE", 7), ERR_OK);
	assert_string_equal(d.data, "fooba");
	buf_clear(&d);
	assert_int_equal(b64_decode(&d, " VXNlcm5hbWU6 ", 14), ERR_OK);
	assert_string_equal(d.data, "Username:");
	buf_free(&d);
}

static void auth_strings(void **state)
{
	(void)state;
	struct buf d;
	buf_init(&d, 0);
	assert_int_equal(b64_decode(&d, "UGFzc3dvcmQ6", 12), ERR_OK);
	assert_string_equal(d.data, "Password:");
	buf_clear(&d);
	assert_int_equal(b64_decode(&d, "AGFsaWNlAHdyb25nLXBhc3N3b3Jk", 28), ERR_OK);
	assert_int_equal(d.len, 21);
	assert_memory_equal(d.data, "\0alice\0wrong-password", 21);
	buf_free(&d);
}

static void invalid(void **state)
{
	(void)state;
	static const char *const bad[] = {"not*base64!", "YQ=x", "Y", "YQ===", "Zm9v Yg==", "=Zm9", "Zm9vY"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct buf d;
		buf_init(&d, 0);
		buf_append_str(&d, "keep");
		if (b64_decode(&d, bad[i], strlen(bad[i])) != ERR_INVALID)
			fail_msg("'%s' was accepted", bad[i]);
		assert_string_equal(d.data, "keep");
		buf_free(&d);
	}
}

static void bounded_output(void **state)
{
	(void)state;
	struct buf e;
	buf_init(&e, 5);
	assert_int_equal(b64_encode(&e, "foobar", 6), ERR_NOMEM);
	assert_int_equal(e.len, 0);
	buf_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc4648_vectors),
		cmocka_unit_test(without_padding),
		cmocka_unit_test(auth_strings),
		cmocka_unit_test(invalid),
		cmocka_unit_test(bounded_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
