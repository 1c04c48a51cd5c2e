/* SPDX-License-Identifier: GPL-3.0-or-later */
/* base64 through OpenSSL, with the padding and alphabet rules checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "b64.h"

#define N(a) (sizeof(a) / sizeof(*(a)))

/* RFC 4648 section 10 */
static const struct {
	const char *plain, *enc, *unpadded;
} rfc4648[] = {
    {"", "", ""},
    {"f", "Zg==", "Zg"},
    {"fo", "Zm8=", "Zm8"},
    {"foo", "Zm9v", "Zm9v"},
    {"foob", "Zm9vYg==", "Zm9vYg"},
    {"fooba", "Zm9vYmE=", "Zm9vYmE"},
    {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
};

static const char *str(const struct buf *b)
{
	return b->data ? b->data : "";
}

/* Decodes s and checks the result is exactly want[0..wn). */
static void decodes_to(const char *s, const void *want, size_t wn)
{
	struct buf d;
	buf_init(&d, 0);
	if (b64_decode(&d, s, strlen(s)) != SMTPSH_OK)
		fail_msg("'%s' was refused", s);
	assert_int_equal(d.len, wn);
	assert_memory_equal(str(&d), want, wn);
	buf_free(&d);
}

static void rfc4648_encode(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(rfc4648); i++) {
		struct buf e;
		buf_init(&e, 0);
		assert_int_equal(b64_encode(&e, rfc4648[i].plain, strlen(rfc4648[i].plain)),
		                 SMTPSH_OK);
		assert_string_equal(str(&e), rfc4648[i].enc);
		assert_int_equal(e.len, strlen(rfc4648[i].enc));
		buf_free(&e);
	}
}

static void rfc4648_decode(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(rfc4648); i++)
		decodes_to(rfc4648[i].enc, rfc4648[i].plain, strlen(rfc4648[i].plain));
}

static void without_padding(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(rfc4648); i++)
		decodes_to(rfc4648[i].unpadded, rfc4648[i].plain, strlen(rfc4648[i].plain));
}

static void surrounding_spaces(void **state)
{
	(void)state;
	decodes_to(" VXNlcm5hbWU6 ", "Username:", 9);
	decodes_to("\tZm9vYg==\t ", "foob", 4);
	decodes_to("   ", "", 0);
}

static void empty(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(b64_encode(&b, "", 0), SMTPSH_OK);
	assert_int_equal(b.len, 0);
	assert_int_equal(b64_encode(&b, NULL, 0), SMTPSH_OK);
	assert_int_equal(b.len, 0);
	assert_int_equal(b64_decode(&b, "", 0), SMTPSH_OK);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

/* Both functions append: what out held stays in front. */
static void appends(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	assert_true(buf_append_str(&b, "AUTH PLAIN "));
	assert_int_equal(b64_encode(&b, "\0u\0p", 4), SMTPSH_OK);
	assert_string_equal(b.data, "AUTH PLAIN AHUAcA==");
	buf_clear(&b);
	assert_true(buf_append_str(&b, ">"));
	assert_int_equal(b64_decode(&b, "Zm8=", 4), SMTPSH_OK);
	assert_string_equal(b.data, ">fo");
	buf_free(&b);
}

/* The prompts of AUTH LOGIN (seed 001) and what a student types back. */
static void auth_login_prompts(void **state)
{
	(void)state;
	decodes_to("VXNlcm5hbWU6", "Username:", 9);
	decodes_to("UGFzc3dvcmQ6", "Password:", 9);
	struct buf e;
	buf_init(&e, 0);
	assert_int_equal(b64_encode(&e, "Username:", 9), SMTPSH_OK);
	assert_string_equal(e.data, "VXNlcm5hbWU6");
	buf_free(&e);
}

/* AUTH PLAIN is "\0user\0pass": the NULs must survive both ways. */
static void auth_plain_nul_bytes(void **state)
{
	(void)state;
	static const char plain[] = "\0alice\0wrong-password";
	decodes_to("AGFsaWNlAHdyb25nLXBhc3N3b3Jk", plain, 21);
	struct buf e;
	buf_init(&e, 0);
	assert_int_equal(b64_encode(&e, plain, 21), SMTPSH_OK);
	assert_string_equal(e.data, "AGFsaWNlAHdyb25nLXBhc3N3b3Jk");
	buf_free(&e);
}

static void invalid(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		size_t n;
	} bad[] = {
	    {"not*base64!", 11},
	    {"YQ=x", 4},  /* data after padding */
	    {"Y", 1},     /* 1 mod 4 */
	    {"Zm9vY", 5}, /* 1 mod 4 */
	    {"YQ===", 5}, /* too much padding */
	    {"Zg=", 3},   /* padding that does not complete the quantum */
	    {"Zm9v==", 6},
	    {"==", 2},
	    {"====", 4},
	    {"=Zm9", 4},
	    {"Zm=9", 4},      /* '=' in the middle */
	    {"Zm9v Yg==", 9}, /* embedded space */
	    {"Zm9v\nYg==", 9},
	    {"Zm9v\r\n", 6},
	    {"Zm9v-_8=", 8}, /* base64url is another alphabet */
	    {"Zm\0v", 4},    /* embedded NUL */
	    {"\xc3\xa9Zm8", 5},
	};
	for (size_t i = 0; i < N(bad); i++) {
		struct buf d;
		buf_init(&d, 0);
		assert_true(buf_append_str(&d, "keep"));
		if (b64_decode(&d, bad[i].s, bad[i].n) != SMTPSH_EINVAL)
			fail_msg("bad[%zu] '%s' was accepted", i, bad[i].s);
		assert_int_equal(d.len, 4);
		assert_string_equal(d.data, "keep");
		buf_free(&d);
	}
}

static void bounded_output(void **state)
{
	(void)state;
	struct buf b;
	/* "ab" + "Zm9vYmFy" is 10 bytes: 9 does not fit, 10 does */
	buf_init(&b, 9);
	assert_true(buf_append_str(&b, "ab"));
	assert_int_equal(b64_encode(&b, "foobar", 6), SMTPSH_ENOMEM);
	assert_int_equal(b.len, 2);
	assert_string_equal(b.data, "ab");
	buf_free(&b);
	buf_init(&b, 10);
	assert_true(buf_append_str(&b, "ab"));
	assert_int_equal(b64_encode(&b, "foobar", 6), SMTPSH_OK);
	assert_string_equal(b.data, "abZm9vYmFy");
	buf_free(&b);

	/* decoding "foobar" (6 bytes) after "ab": 7 does not fit, 8 does */
	buf_init(&b, 7);
	assert_true(buf_append_str(&b, "ab"));
	assert_int_equal(b64_decode(&b, "Zm9vYmFy", 8), SMTPSH_ENOMEM);
	assert_int_equal(b.len, 2);
	assert_string_equal(b.data, "ab");
	buf_free(&b);
	buf_init(&b, 8);
	assert_true(buf_append_str(&b, "ab"));
	assert_int_equal(b64_decode(&b, "Zm9vYmFy", 8), SMTPSH_OK);
	assert_string_equal(b.data, "abfoobar");
	buf_free(&b);
}

/* Every byte value and every length mod 3 survives encode then decode. */
static void round_trip(void **state)
{
	(void)state;
	unsigned char all[256 + 2];
	for (size_t i = 0; i < sizeof(all); i++)
		all[i] = (unsigned char)(255 - i % 256);
	for (size_t n = 0; n <= sizeof(all); n++) {
		struct buf e, d;
		buf_init(&e, 0);
		buf_init(&d, 0);
		assert_int_equal(b64_encode(&e, all, n), SMTPSH_OK);
		assert_int_equal(e.len, 4 * ((n + 2) / 3));
		assert_int_equal(b64_decode(&d, str(&e), e.len), SMTPSH_OK);
		assert_int_equal(d.len, n);
		assert_memory_equal(str(&d), all, n);
		/* and once more without the padding */
		size_t stripped = e.len;
		while (stripped && e.data[stripped - 1] == '=')
			stripped--;
		buf_clear(&d);
		assert_int_equal(b64_decode(&d, str(&e), stripped), SMTPSH_OK);
		assert_int_equal(d.len, n);
		assert_memory_equal(str(&d), all, n);
		buf_free(&e);
		buf_free(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rfc4648_encode),
	    cmocka_unit_test(rfc4648_decode),
	    cmocka_unit_test(without_padding),
	    cmocka_unit_test(surrounding_spaces),
	    cmocka_unit_test(empty),
	    cmocka_unit_test(appends),
	    cmocka_unit_test(auth_login_prompts),
	    cmocka_unit_test(auth_plain_nul_bytes),
	    cmocka_unit_test(invalid),
	    cmocka_unit_test(bounded_output),
	    cmocka_unit_test(round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
