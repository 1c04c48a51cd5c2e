/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Each protocol handler's lab slot: an engine table with every field
 * filled, and the per-protocol data the lab core reads from the engines
 * (default fault verbs, where a command's secret starts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lab/engines.h"
#include "lab/lab.h"
#include "proto.h"

/* " A B ": words between single spaces, as default_verbs() searches them. */
static void assert_verb_list(const char *s)
{
	size_t n = strlen(s);
	assert_true(n >= 3);
	assert_int_equal(s[0], ' ');
	assert_int_equal(s[n - 1], ' ');
	assert_null(strstr(s, "  "));
}

static void every_handler_has_a_full_engine(void **state)
{
	(void)state;
	for (size_t i = 0; i < proto_handlers_len; i++) {
		const struct lab_engine_ops *lab = proto_handlers[i]->lab;
		assert_non_null(lab);
		assert_non_null(lab->busy);
		assert_non_null(strstr(lab->busy, "\r\n"));
		assert_verb_list(lab->fault_451_verbs);
		assert_verb_list(lab->fault_454_verbs);
		assert_non_null(lab->start);
		assert_non_null(lab->tls_up);
		assert_non_null(lab->hangup_why);
		assert_non_null(lab->end);
		for (size_t j = 0; j < i; j++)
			assert_ptr_not_equal(proto_handlers[j]->lab, lab);
	}
}

static void secret_offsets(void **state)
{
	(void)state;
	static const struct lab_secret_verb verbs[] = {
	    {"AUTH", 2},
	    {"PASS", LAB_SECRET_REST},
	    {"APOP", 2},
	};
	const size_t nv = sizeof(verbs) / sizeof(verbs[0]);
#define AT(line) lab_secret_offset(verbs, nv, line, strlen(line))
	assert_int_equal(AT("AUTH PLAIN AGFsaWNl"), 11);
	assert_int_equal(AT("auth login  dXNlcg=="), 12);
	assert_int_equal(AT("AUTH PLAIN"), SIZE_MAX);
	assert_int_equal(AT("PASS  spaced"), 5);
	assert_int_equal(AT("PASS "), SIZE_MAX);
	assert_int_equal(AT("APOP alice 0123abcd"), 11);
	assert_int_equal(AT("USER alice"), SIZE_MAX);
	assert_int_equal(AT("PASSWORD x"), SIZE_MAX);
#undef AT
	assert_int_equal(lab_secret_offset(verbs, 1, "PASS x", 6), SIZE_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_handler_has_a_full_engine),
	    cmocka_unit_test(secret_offsets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
