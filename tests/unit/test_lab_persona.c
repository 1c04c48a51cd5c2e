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
#include "provider.h"
#include <stdlib.h>

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

static void assert_said(const struct lab_said *s, bool pop3)
{
	assert_non_null(s->source);
	assert_true(strlen(s->source) > 10);
	if (!s->text)
		return;
	if (pop3) {
		assert_memory_equal(s->text, "-ERR ", 5);
		assert_null(strchr(s->text, '\n'));
	} else {
		assert_smtp_reply(s->text);
	}
}

static void table_is_complete(void **state)
{
	(void)state;
	assert_int_equal(lab_personas_len, 6);
	for (size_t i = 0; i < lab_personas_len; i++) {
		const struct lab_persona *p = &lab_personas[i];
		assert_non_null(p->name);
		assert_non_null(p->domain);
		assert_non_null(strchr(p->domain, '.'));
		assert_non_null(p->host);
		assert_non_null(p->smtp_greeting.text);
		assert_non_null(p->pop3_greeting.text);
		assert_non_null(p->ehlo.text);
		assert_null(strchr(p->smtp_greeting.text, '\n'));
		assert_non_null(p->smtp_needs_code.text);
		assert_non_null(p->smtp_bad.text);
		assert_non_null(p->pop3_needs_code.text);
		assert_non_null(p->pop3_bad.text);
		const struct lab_said *smtp[] = {
		    &p->auth_needs_tls,  &p->smtp_needs_code, &p->smtp_bad,
		    &p->sender_mismatch, &p->smtp_off,        &p->tenant_auth_off,
		    &p->smtp_locked,     &p->smtp_greeting,   &p->ehlo};
		for (size_t k = 0; k < 7; k++)
			assert_said(smtp[k], false);
		const struct lab_said *pop3[] = {&p->pop3_needs_code, &p->pop3_bad, &p->pop3_off,
		                                 &p->pop3_locked};
		for (size_t k = 0; k < 4; k++)
			assert_said(pop3[k], true);
		assert_non_null(p->rule);
		assert_non_null(p->secret_name);
		assert_true(!p->lock_after || (p->lock_minutes && p->smtp_locked.text));
		/* the persona is the provider the shell's hints know, by its host */
		const struct provider *pv = provider_identify(p->host, NULL, NULL);
		assert_non_null(pv);
		assert_string_equal(pv->name, p->provider);
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

/* What the lab's persona sends, the shell's hint table recognises as that
 * provider's refusal (one diagnosis for both sides). */
static void hints_know_the_refusals(void **state)
{
	(void)state;
	for (size_t i = 0; i < lab_personas_len; i++) {
		const struct lab_persona *p = &lab_personas[i];
		int code = atoi(p->smtp_needs_code.text);
		const struct provider_hint *h = provider_diagnose(
		    p->host, p->smtp_greeting.text, "AUTH", code, p->smtp_needs_code.text, true);
		assert_non_null(h);
		assert_non_null(h->provider);
		assert_string_equal(h->provider, p->provider);
	}
}

static void persona_options(void **state)
{
	(void)state;
	static const struct {
		const char *spec;
		enum smtpsh_err e;
		const char *name;
		enum lab_persona_flag flag;
	} rows[] = {
	    {"qq", SMTPSH_OK, "qq", LAB_PERSONA_AS_IS},
	    {"163:smtp-off", SMTPSH_OK, "163", LAB_PERSONA_SMTP_OFF},
	    {"qq:pop3-off", SMTPSH_OK, "qq", LAB_PERSONA_POP3_OFF},
	    {"outlook:tenant-auth-off", SMTPSH_OK, "outlook", LAB_PERSONA_TENANT_AUTH_OFF},
	    {"gmail:pop3-off", SMTPSH_OK, "gmail", LAB_PERSONA_POP3_OFF},
	    {"none", SMTPSH_OK, NULL, LAB_PERSONA_AS_IS},
	    {"gmail:smtp-off", SMTPSH_EINVAL, NULL, LAB_PERSONA_AS_IS},
	    {"qq:tenant-auth-off", SMTPSH_EINVAL, NULL, LAB_PERSONA_AS_IS},
	    {"qq:bogus", SMTPSH_EINVAL, NULL, LAB_PERSONA_AS_IS},
	    {"aol", SMTPSH_EINVAL, NULL, LAB_PERSONA_AS_IS},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct lab_persona_run run;
		struct smtpsh_msg why = {""};
		assert_int_equal(lab_persona_parse(&run, rows[i].spec, &why), rows[i].e);
		if (rows[i].e != SMTPSH_OK) {
			assert_true(strlen(why.text) > 10);
			continue;
		}
		if (rows[i].name)
			assert_string_equal(run.row->name, rows[i].name);
		else
			assert_null(run.row);
		assert_int_equal(run.flag, rows[i].flag);
	}
}

static void lock_after_failures(void **state)
{
	(void)state;
	struct lab_persona_run run;
	struct smtpsh_msg why;
	assert_int_equal(lab_persona_parse(&run, "gmail", &why), SMTPSH_OK);
	time_t t = 1000;
	for (unsigned k = 1; k < run.row->lock_after; k++)
		assert_false(lab_persona_failed(&run, "alice@gmail.com", t));
	assert_false(lab_persona_locked(&run, "alice@gmail.com", t));
	assert_true(lab_persona_failed(&run, "alice@gmail.com", t));
	assert_true(lab_persona_locked(&run, "ALICE@gmail.com", t + 60));
	assert_false(lab_persona_locked(&run, "bob@gmail.com", t + 60));
	assert_false(
	    lab_persona_locked(&run, "alice@gmail.com", t + (time_t)run.row->lock_minutes * 60));
	/* a success clears the count */
	lab_persona_failed(&run, "bob@gmail.com", t);
	lab_persona_succeeded(&run, "bob@gmail.com");
	for (unsigned k = 1; k < run.row->lock_after; k++)
		assert_false(lab_persona_failed(&run, "bob@gmail.com", t));
	/* qq does not lock */
	assert_int_equal(lab_persona_parse(&run, "qq", &why), SMTPSH_OK);
	for (unsigned k = 0; k < 20; k++)
		assert_false(lab_persona_failed(&run, "alice@qq.com", t));
	/* bounded: more accounts than slots */
	assert_int_equal(lab_persona_parse(&run, "yahoo", &why), SMTPSH_OK);
	for (unsigned k = 0; k < 3 * LAB_LOCK_SLOTS; k++) {
		char u[32];
		snprintf(u, sizeof(u), "u%u@yahoo.com", k);
		lab_persona_failed(&run, u, t);
	}
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

	/* addresses as user names, an account number */
	assert_int_equal(
	    lab_users_parse(&u, "carol@qq.com:c-pw:c-code:20001\nDan@163.com:d:e\n", &why),
	    SMTPSH_OK);
	const struct lab_persona *qq = lab_persona_find("qq"), *ne = lab_persona_find("163");
	static const struct {
		const char *persona, *login;
		int idx; /* -1: no account */
	} rows[] = {
	    {"qq", "carol@qq.com", 0}, {"qq", "CAROL@QQ.COM", 0}, {"qq", "20001", 0},
	    {"qq", "20001@qq.com", 0}, {"qq", "carol", -1},       {"qq", "20001@163.com", -1},
	    {"163", "dan@163.com", 1}, {"163", "dan", -1},        {"163", "20001", -1},
	    {NULL, "carol@qq.com", 0}, {NULL, "carol", -1},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct lab_persona *p =
		    rows[i].persona ? lab_persona_find(rows[i].persona) : NULL;
		const struct lab_user *w = lab_users_lookup(&u, p, rows[i].login);
		if (rows[i].idx < 0)
			assert_null(w);
		else
			assert_ptr_equal(w, &u.v[rows[i].idx]);
	}
	char addr[LAB_ADDR_MAX];
	lab_user_address(&u.v[0], qq->domain, addr, sizeof(addr));
	assert_string_equal(addr, "carol@qq.com");
	lab_users_free(&u);
	assert_int_equal(lab_users_defaults(&u), SMTPSH_OK);
	lab_user_address(&u.v[1], ne->domain, addr, sizeof(addr));
	assert_string_equal(addr, "bob@163.com");
	assert_ptr_equal(lab_users_lookup(&u, qq, "10002"), &u.v[1]);
	assert_ptr_equal(lab_users_lookup(&u, qq, "bob@qq.com"), &u.v[1]);
	assert_null(lab_users_lookup(&u, ne, "10002@163.com"));
	lab_users_free(&u);

	static const struct {
		const char *text, *why;
	} bad[] = {
	    {"carol\n", "line 1: expected name:password[:authcode[:number]]"},
	    {"ok:pw\n../x:pw\n", "line 2: a user name is 1-63 letters, digits, '.', '-' or '_', "
	                         "or such an address (one '@')"},
	    {"a@b@c:pw\n", "line 1: a user name is 1-63 letters, digits, '.', '-' or '_', "
	                   "or such an address (one '@')"},
	    {"a:b:c:12x\n", "line 1: an account number is up to 15 digits"},
	    {"carol:\n", "line 1: a password (and an authcode) is 1-127 bytes"},
	    {"a:b:c:1:2\n", "line 1: an account number is up to 15 digits"},
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
	assert_int_equal(lab_auth_check(&u, qq, "alice@qq.com", "alice-pw", &who),
	                 LAB_AUTH_NEEDS_CODE);
	assert_null(who);
	assert_int_equal(lab_auth_check(&u, qq, "alice@qq.com", "alicecode1234567", &who),
	                 LAB_AUTH_OK);
	assert_int_equal(lab_auth_check(&u, qq, "10001", "alicecode1234567", &who), LAB_AUTH_OK);
	assert_int_equal(lab_auth_check(&u, qq, "alice", "alicecode1234567", &who), LAB_AUTH_BAD);
	assert_int_equal(lab_auth_check(&u, qq, "alice@qq.com", "nope", &who), LAB_AUTH_BAD);

	/* CRAM-MD5 with RFC 2195's own challenge */
	const char *chal = "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+";
	struct buf b64, raw;
	buf_init(&b64, 0);
	assert_int_equal(sasl_cram_md5(&b64, "bob@qq.com", "bobcode123456789", chal), SMTPSH_OK);
	buf_init(&raw, 0);
	assert_int_equal(b64_decode(&raw, b64.data, b64.len), SMTPSH_OK);
	assert_int_equal(lab_auth_cram(&u, qq, chal, raw.data, &who), LAB_AUTH_OK);
	assert_int_equal(lab_auth_cram(&u, NULL, chal, raw.data, &who), LAB_AUTH_BAD);
	buf_free(&b64);
	buf_free(&raw);
	buf_init(&b64, 0);
	assert_int_equal(sasl_cram_md5(&b64, "bob", "bobcode123456789", chal), SMTPSH_OK);
	buf_init(&raw, 0);
	assert_int_equal(b64_decode(&raw, b64.data, b64.len), SMTPSH_OK);
	assert_int_equal(lab_auth_cram(&u, NULL, chal, "bob", &who), LAB_AUTH_BAD);
	buf_free(&b64);
	buf_free(&raw);
	buf_init(&b64, 0);
	assert_int_equal(sasl_cram_md5(&b64, "bob@qq.com", "bob-pw", chal), SMTPSH_OK);
	buf_init(&raw, 0);
	assert_int_equal(b64_decode(&raw, b64.data, b64.len), SMTPSH_OK);
	assert_int_equal(lab_auth_cram(&u, qq, chal, raw.data, &who), LAB_AUTH_NEEDS_CODE);
	assert_int_equal(lab_auth_cram(&u, NULL, chal, raw.data, &who), LAB_AUTH_BAD);
	buf_free(&b64);
	buf_free(&raw);

	/* APOP, digest in either case */
	char d[33];
	assert_int_equal(apop_digest(d, "<1.2@lab>", "alice-pw"), SMTPSH_OK);
	assert_int_equal(lab_auth_apop(&u, NULL, "<1.2@lab>", "alice", d, &who), LAB_AUTH_OK);
	for (char *c = d; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	assert_int_equal(lab_auth_apop(&u, NULL, "<1.2@lab>", "alice", d, &who), LAB_AUTH_OK);
	assert_int_equal(lab_auth_apop(&u, qq, "<1.2@lab>", "alice@qq.com", d, &who),
	                 LAB_AUTH_NEEDS_CODE);
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
	    cmocka_unit_test(hints_know_the_refusals),
	    cmocka_unit_test(persona_options),
	    cmocka_unit_test(lock_after_failures),
	    cmocka_unit_test(users_file),
	    cmocka_unit_test(login_checks),
	    cmocka_unit_test(ports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
