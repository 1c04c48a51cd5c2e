/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The classroom lab's pieces: the --domains list, the accounts --class
 * makes (names, domains in turn, random distinct secrets) and the file
 * they go to (0600, never replaced without force, read back as --users). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "lab/lab.h"

static void domain_lists(void **state)
{
	(void)state;
	static const struct {
		const char *list;
		enum smtpsh_err want;
	} rows[] = {
	    {"a.test", SMTPSH_OK},
	    {"sohu.com,sina.com", SMTPSH_OK},
	    {"mail-1.example.org,b.test", SMTPSH_OK},
	    {"", SMTPSH_EINVAL},
	    {"a.test,", SMTPSH_EINVAL},
	    {",a.test", SMTPSH_EINVAL},
	    {"a..test", SMTPSH_EINVAL},
	    {".a.test", SMTPSH_EINVAL},
	    {"a.test.", SMTPSH_EINVAL},
	    {"a test", SMTPSH_EINVAL},
	    {"a/../b", SMTPSH_EINVAL},
	    {"a.test,A.Test", SMTPSH_EINVAL},
	    {"a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p", SMTPSH_OK},
	    {"a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q", SMTPSH_EINVAL},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct smtpsh_msg msg = {""};
		assert_int_equal(lab_domains_check(rows[i].list, &msg), rows[i].want);
		assert_int_equal(msg.text[0] != '\0', rows[i].want != SMTPSH_OK);
	}
	const char *list = "sohu.com,sina.com";
	assert_true(lab_domains_has(list, "SINA.com"));
	assert_true(lab_domains_has(list, "sohu.com"));
	assert_false(lab_domains_has(list, "sina.co"));
	assert_false(lab_domains_has(list, "com"));
	assert_false(lab_domains_has(NULL, "sohu.com"));
	char d[64];
	assert_true(lab_domains_at(list, 1, d, sizeof(d)));
	assert_string_equal(d, "sina.com");
	assert_false(lab_domains_at(list, 2, d, sizeof(d)));
}

static bool only_letters_of(const char *s, const char *alphabet)
{
	return s[strspn(s, alphabet)] == '\0';
}

static void class_accounts(void **state)
{
	(void)state;
	static const struct {
		unsigned n;
		const char *domains, *first, *last;
	} rows[] = {
	    {1, NULL, "student01@smtpsh.test", "student01@smtpsh.test"},
	    {7, "a.test,b.test", "student01@a.test", "student07@a.test"},
	    {200, "a.test,b.test", "student001@a.test", "student200@b.test"},
	    {500, "x.test,y.test,z.test", "student001@x.test", "student500@y.test"},
	};
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		struct lab_users u;
		struct smtpsh_msg msg;
		assert_int_equal(lab_class_generate(&u, rows[r].n, rows[r].domains, &msg),
		                 SMTPSH_OK);
		assert_int_equal(u.n, rows[r].n);
		assert_string_equal(u.v[0].name, rows[r].first);
		assert_string_equal(u.v[u.n - 1].name, rows[r].last);
		for (size_t i = 0; i < u.n; i++) {
			assert_int_equal(strlen(u.v[i].password), 10);
			assert_int_equal(strlen(u.v[i].authcode), 16);
			assert_true(
			    only_letters_of(u.v[i].password, "abcdefghjkmnpqrstuvwxyz23456789"));
			assert_true(only_letters_of(u.v[i].authcode, "abcdefghijklmnopqrstuvwxyz"));
			assert_ptr_equal(lab_users_find(&u, u.v[i].name), &u.v[i]);
			for (size_t j = 0; j < i; j++) /* 31^10: a repeat means no randomness */
				assert_string_not_equal(u.v[i].password, u.v[j].password);
		}
		lab_users_free(&u);
	}
	struct lab_users u;
	struct smtpsh_msg msg;
	assert_int_equal(lab_class_generate(&u, 0, NULL, &msg), SMTPSH_EINVAL);
	assert_int_equal(lab_class_generate(&u, LAB_CLASS_MAX + 1, NULL, &msg), SMTPSH_EINVAL);
}

static void class_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_lab_class.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof(path), "%s/class.txt", dir);
	struct lab_users u, back, again;
	struct smtpsh_msg msg;
	assert_int_equal(lab_class_generate(&u, 12, "sohu.com,sina.com", &msg), SMTPSH_OK);
	assert_int_equal(lab_class_write(&u, path, false, &msg), SMTPSH_OK);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* read back as a users file: the same accounts and secrets */
	assert_int_equal(lab_users_load(&back, path, &msg), SMTPSH_OK);
	assert_int_equal(back.n, u.n);
	assert_memory_equal(back.v, u.v, u.n * sizeof(*u.v));
	/* never replaced without force */
	assert_int_equal(lab_class_generate(&again, 3, NULL, &msg), SMTPSH_OK);
	assert_int_equal(lab_class_write(&again, path, false, &msg), SMTPSH_EINVAL);
	assert_non_null(strstr(msg.text, path));
	lab_users_free(&back);
	assert_int_equal(lab_users_load(&back, path, &msg), SMTPSH_OK);
	assert_int_equal(back.n, 12);
	lab_users_free(&back);
	assert_int_equal(lab_class_write(&again, path, true, &msg), SMTPSH_OK);
	assert_int_equal(lab_users_load(&back, path, &msg), SMTPSH_OK);
	assert_int_equal(back.n, 3);
	assert_string_equal(back.v[2].password, again.v[2].password);
	lab_users_free(&back);
	lab_users_free(&again);
	lab_users_free(&u);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(domain_lists),
	    cmocka_unit_test(class_accounts),
	    cmocka_unit_test(class_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
