/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lab's personas table (data with tests: every row complete, reply
 * texts well formed, names unique) and its users and login checks. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lab/lab.h"
#include "b64.h"
#include "sasl.h"

/* Each line "DDD-..." but the last "DDD ...", all with the same code. */
static void assert_smtp_reply(const char *text)
{
	assert_non_null(text);
	char code[4];
	memcpy(code, text, 3);
	code[3] = '\0';
	assert_true(code[0] == '5' || code[0] == '4');
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		assert_true(n > 4);
		assert_memory_equal(p, code, 3);
		bool last = p[n] == '\0';
		assert_int_equal(p[3], last ? ' ' : '-');
		assert_null(memchr(p, '\r', n));
		p += n + !last;
	}
}

static void table_is_complete(void **state)
{
	(void)state;
	assert_int_equal(lab_personas_len, 4);
	for (size_t i = 0; i < lab_personas_len; i++) {
		const struct lab_persona *p = &lab_personas[i];
		assert_non_null(p->name);
		assert_non_null(p->provider);
		assert_non_null(p->domain);
		assert_non_null(strchr(p->domain, '.'));
		assert_non_null(p->host);
		assert_non_null(p->smtp_greeting);
		assert_non_null(p->pop3_greeting);
		assert_null(strchr(p->smtp_greeting, '\n'));
		assert_smtp_reply(p->smtp_needs_code);
		assert_smtp_reply(p->smtp_bad);
		assert_memory_equal(p->pop3_needs_code, "-ERR ", 5);
		assert_memory_equal(p->pop3_bad, "-ERR ", 5);
		assert_null(strchr(p->pop3_needs_code, '\n'));
		assert_non_null(p->rule);
		assert_non_null(p->source);
		assert_true(p->code_only);
		for (size_t j = i + 1; j < lab_personas_len; j++) {
			assert_string_not_equal(p->name, lab_personas[j].name);
			assert_string_not_equal(p->domain, lab_personas[j].domain);
		}
		assert_ptr_equal(lab_persona_find(p->name), p);
	}
	assert_null(lab_persona_find("none"));
	assert_null(lab_persona_find(""));
	assert_null(lab_persona_find(NULL));
	assert_ptr_equal(lab_persona_find("QQ"), &lab_personas[0]);
}

static void provider_texts(void **state)
{
	(void)state;
	/* the texts users meet, as the reference notes record them */
	assert_string_equal(
	    lab_persona_find("qq")->smtp_needs_code,
	    "535 Login Fail. Please enter your authorization code to login. More information "
	    "in http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256");
	assert_string_equal(lab_persona_find("163")->smtp_needs_code,
	                    "535 Error: authentication failed");
	assert_memory_equal(lab_persona_find("gmail")->smtp_needs_code,
	                    "534-5.7.9 Application-specific password required.", 49);
	assert_memory_equal(
	    lab_persona_find("outlook")->smtp_needs_code,
	    "535 5.7.139 Authentication unsuccessful, basic authentication is disabled.", 74);
}

static void users_file(void **state)
{
	(void)state;
	struct lab_users u;
	struct smtpsh_msg why;
	assert_int_equal(
	    lab_users_parse(&u, "# lab users\n\ncarol:c-pw:c-code\r\n  dave:d:pw \n", &why),
	    SMTPSH_OK);
	assert_int_equal(u.n, 2);
	assert_string_equal(u.v[0].name, "carol");
	assert_string_equal(u.v[0].password, "c-pw");
	assert_string_equal(u.v[0].authcode, "c-code");
	assert_string_equal(u.v[1].authcode, "pw ");
	assert_ptr_equal(lab_users_find(&u, "CAROL"), &u.v[0]);
	assert_null(lab_users_find(&u, "eve"));
	lab_users_free(&u);

	static const struct {
		const char *text, *why;
	} bad[] = {
	    {"carol\n", "line 1: expected name:password[:authcode]"},
	    {"ok:pw\n../x:pw\n", "line 2: a user name is 1-63 letters, digits, '.', '-' or '_'"},
	    {"carol:\n", "line 1: a password (and an authcode) is 1-127 bytes"},
	    {"a:b:c:d\n", "line 1: too many ':' (a password cannot hold one here)"},
	    {"a:b\nA:c\n", "line 2: user 'A' appears twice"},
	    {"# nothing\n", "no users (one name:password[:authcode] per line)"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why.text[0] = '\0';
		assert_int_equal(lab_users_parse(&u, bad[i].text, &why), SMTPSH_EINVAL);
		assert_string_equal(why.text, bad[i].why);
		assert_null(u.v);
	}
	assert_int_equal(lab_users_load(&u, "/nonexistent/users", &why), SMTPSH_EIO);
}

static void login_checks(void **state)
{
	(void)state;
	struct lab_users u;
	assert_int_equal(lab_users_defaults(&u), SMTPSH_OK);
	assert_int_equal(u.n, 2);
	assert_string_equal(u.v[0].name, "alice");
	assert_string_equal(u.v[1].authcode, "bobcode123456789");
	const struct lab_user *who;
	const struct lab_persona *qq = lab_persona_find("qq");
	assert_int_equal(lab_auth_check(&u, NULL, "alice", "alice-pw", &who), LAB_AUTH_OK);
	assert_ptr_equal(who, &u.v[0]);
	assert_int_equal(lab_auth_check(&u, NULL, "alice", "alicecode1234567", &who), LAB_AUTH_BAD);
	assert_int_equal(lab_auth_check(&u, NULL, "alice", "alice-p", &who), LAB_AUTH_BAD);
	assert_int_equal(lab_auth_check(&u, NULL, "mallory", "alice-pw", &who), LAB_AUTH_BAD);
	assert_null(who);
	assert_int_equal(lab_auth_check(&u, qq, "alice", "alice-pw", &who), LAB_AUTH_NEEDS_CODE);
	assert_null(who);
	assert_int_equal(lab_auth_check(&u, qq, "alice", "alicecode1234567", &who), LAB_AUTH_OK);
	assert_int_equal(lab_auth_check(&u, qq, "alice", "nope", &who), LAB_AUTH_BAD);

	/* CRAM-MD5 with RFC 2195's own challenge */
	const char *chal = "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+";
	struct buf b64, raw;
	buf_init(&b64, 0);
	assert_int_equal(sasl_cram_md5(&b64, "bob", "bobcode123456789", chal), SMTPSH_OK);
	buf_init(&raw, 0);
	assert_int_equal(b64_decode(&raw, b64.data, b64.len), SMTPSH_OK);
	assert_int_equal(lab_auth_cram(&u, qq, chal, raw.data, &who), LAB_AUTH_OK);
	assert_int_equal(lab_auth_cram(&u, NULL, chal, raw.data, &who), LAB_AUTH_BAD);
	assert_int_equal(lab_auth_cram(&u, NULL, chal, "bob", &who), LAB_AUTH_BAD);
	buf_free(&b64);
	buf_free(&raw);
	buf_init(&b64, 0);
	assert_int_equal(sasl_cram_md5(&b64, "bob", "bob-pw", chal), SMTPSH_OK);
	buf_init(&raw, 0);
	assert_int_equal(b64_decode(&raw, b64.data, b64.len), SMTPSH_OK);
	assert_int_equal(lab_auth_cram(&u, qq, chal, raw.data, &who), LAB_AUTH_NEEDS_CODE);
	assert_int_equal(lab_auth_cram(&u, NULL, chal, raw.data, &who), LAB_AUTH_OK);
	buf_free(&b64);
	buf_free(&raw);

	/* APOP, digest in either case */
	char d[33];
	assert_int_equal(apop_digest(d, "<1.2@lab>", "alice-pw"), SMTPSH_OK);
	assert_int_equal(lab_auth_apop(&u, NULL, "<1.2@lab>", "alice", d, &who), LAB_AUTH_OK);
	for (char *c = d; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	assert_int_equal(lab_auth_apop(&u, NULL, "<1.2@lab>", "alice", d, &who), LAB_AUTH_OK);
	assert_int_equal(lab_auth_apop(&u, qq, "<1.2@lab>", "alice", d, &who), LAB_AUTH_NEEDS_CODE);
	assert_int_equal(lab_auth_apop(&u, NULL, "<1.3@lab>", "alice", d, &who), LAB_AUTH_BAD);
	lab_users_free(&u);
}

static void ports(void **state)
{
	(void)state;
	assert_int_equal(lab_service_port(2525, LAB_SVC_SMTP), 2525);
	assert_int_equal(lab_service_port(2525, LAB_SVC_SUBMISSION), 2587);
	assert_int_equal(lab_service_port(2525, LAB_SVC_SMTPS), 2465);
	assert_int_equal(lab_service_port(2525, LAB_SVC_POP3), 2110);
	assert_int_equal(lab_service_port(2525, LAB_SVC_POP3S), 2995);
	assert_int_equal(lab_service_port(3525, LAB_SVC_POP3S), 3995);
	assert_int_equal(lab_service_port(100, LAB_SVC_POP3), 0);
	assert_int_equal(lab_service_port(65500, LAB_SVC_POP3S), 0);
	for (unsigned b = lab_port_base_min(); b <= lab_port_base_max(); b += 997)
		for (int s = 0; s < LAB_SVC_COUNT; s++) {
			unsigned p = lab_service_port(b, (enum lab_service)s);
			assert_true(p >= 1024 && p <= 65535);
		}
	assert_int_equal(lab_service_port(lab_port_base_min() - 1, LAB_SVC_POP3) >= 1024, 0);
	for (int s = 0; s < LAB_SVC_COUNT; s++)
		for (int t = s + 1; t < LAB_SVC_COUNT; t++)
			assert_int_not_equal(lab_services[s].offset, lab_services[t].offset);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(table_is_complete),
	    cmocka_unit_test(provider_texts),
	    cmocka_unit_test(users_file),
	    cmocka_unit_test(login_checks),
	    cmocka_unit_test(ports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
