/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The bounded byte buffer: every limit holds, and a failed append
 * changes nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"

/* A failed append must leave the bytes, the length and the memory as
 * they were. */
static void assert_unchanged(const struct buf *b, const char *want)
{
	assert_int_equal(b->len, strlen(want));
	assert_non_null(b->data);
	assert_string_equal(b->data, want);
}

static void init_and_free(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 10);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.max, 10);
	buf_free(&b); /* never allocated */
	buf_init(&b, 0);
	assert_int_equal(b.max, SIZE_MAX / 2); /* 0 means "no practical limit" */
	assert_true(buf_append_str(&b, "x"));
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	buf_free(&b); /* twice is harmless */
	/* usable again after free, with the same max */
	assert_true(buf_append_str(&b, "again"));
	assert_string_equal(b.data, "again");
	buf_free(&b);
}

static void append_and_terminate(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	assert_true(buf_append(&b, "abc", 3));
	assert_true(buf_append_str(&b, "def"));
	assert_true(buf_append_char(&b, 'g'));
	assert_int_equal(b.len, 7);
	assert_string_equal(b.data, "abcdefg");
	assert_true(b.cap >= b.len + 1);
	/* binary: NULs inside count, and one more NUL ends it */
	assert_true(buf_append(&b, "\0h\0", 3));
	assert_int_equal(b.len, 10);
	assert_memory_equal(b.data, "abcdefg\0h\0", 11);
	/* nothing appended is fine */
	assert_true(buf_append(&b, NULL, 0));
	assert_true(buf_append_str(&b, ""));
	assert_int_equal(b.len, 10);
	buf_free(&b);
}

static void growth(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < 10000; i++)
		assert_true(buf_append_char(&b, (char)('a' + i % 26)));
	assert_int_equal(b.len, 10000);
	assert_true(b.cap >= 10001);
	for (size_t i = 0; i < 10000; i++)
		assert_int_equal(b.data[i], 'a' + i % 26);
	assert_int_equal(b.data[10000], '\0');
	buf_free(&b);
}

static void max_is_a_hard_limit(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 8);
	assert_true(buf_append_str(&b, "12345"));
	/* beyond max: refused, nothing changes */
	assert_false(buf_append_str(&b, "6789"));
	assert_unchanged(&b, "12345");
	assert_false(buf_append(&b, "6789abcdef", 10));
	assert_unchanged(&b, "12345");
	/* up to max exactly: fine */
	assert_true(buf_append_str(&b, "678"));
	assert_unchanged(&b, "12345678");
	assert_false(buf_append_char(&b, '9'));
	assert_unchanged(&b, "12345678");
	assert_true(buf_append(&b, "", 0)); /* nothing still fits */
	assert_unchanged(&b, "12345678");
	/* a huge n must not wrap around the check */
	assert_false(buf_append(&b, "x", SIZE_MAX));
	assert_false(buf_append(&b, "x", SIZE_MAX - 4));
	assert_unchanged(&b, "12345678");
	buf_free(&b);

	/* from empty, more than max at once */
	buf_init(&b, 3);
	assert_false(buf_append_str(&b, "abcd"));
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void printf_formats_and_bounds(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 16);
	assert_true(buf_printf(&b, "%d %s", 250, "OK"));
	assert_unchanged(&b, "250 OK");
	assert_true(buf_printf(&b, "|%03u|%c", 7u, 'x'));
	assert_unchanged(&b, "250 OK|007|x");
	/* 12 + 5 > 16: refused, unchanged */
	assert_false(buf_printf(&b, "%s", "abcde"));
	assert_unchanged(&b, "250 OK|007|x");
	/* 12 + 4 == 16: fits */
	assert_true(buf_printf(&b, "%s", "abcd"));
	assert_unchanged(&b, "250 OK|007|xabcd");
	assert_false(buf_printf(&b, "%s", "e"));
	assert_true(buf_printf(&b, "%s", ""));
	assert_unchanged(&b, "250 OK|007|xabcd");
	buf_free(&b);

	/* longer than any first allocation */
	buf_init(&b, 0);
	assert_true(buf_printf(&b, "%300s", "end"));
	assert_int_equal(b.len, 300);
	assert_string_equal(b.data + 297, "end");
	buf_free(&b);
}

static void consume(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	buf_consume(&b, 5); /* on a buffer never allocated */
	assert_int_equal(b.len, 0);
	assert_true(buf_append_str(&b, "250-PIPELINING\r\n250 OK\r\n"));
	buf_consume(&b, 0);
	assert_unchanged(&b, "250-PIPELINING\r\n250 OK\r\n");
	buf_consume(&b, 16);
	assert_unchanged(&b, "250 OK\r\n");
	buf_consume(&b, 8); /* exactly all */
	assert_unchanged(&b, "");
	assert_true(buf_append_str(&b, "abc"));
	buf_consume(&b, 100); /* more than there is */
	assert_unchanged(&b, "");
	/* room freed by consume can be used up to max again */
	buf_free(&b);
	buf_init(&b, 4);
	assert_true(buf_append_str(&b, "abcd"));
	assert_false(buf_append_char(&b, 'e'));
	buf_consume(&b, 2);
	assert_true(buf_append_str(&b, "ef"));
	assert_unchanged(&b, "cdef");
	buf_free(&b);
}

static void clear_keeps_memory(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	buf_clear(&b); /* on a buffer never allocated */
	assert_null(b.data);
	assert_true(buf_append_str(&b, "some bytes"));
	char *data = b.data;
	size_t cap = b.cap;
	buf_clear(&b);
	assert_int_equal(b.len, 0);
	assert_ptr_equal(b.data, data);
	assert_int_equal(b.cap, cap);
	assert_string_equal(b.data, "");
	assert_true(buf_append_str(&b, "new"));
	assert_ptr_equal(b.data, data);
	assert_unchanged(&b, "new");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(init_and_free),
	    cmocka_unit_test(append_and_terminate),
	    cmocka_unit_test(growth),
	    cmocka_unit_test(max_is_a_hard_limit),
	    cmocka_unit_test(printf_formats_and_bounds),
	    cmocka_unit_test(consume),
	    cmocka_unit_test(clear_keeps_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
