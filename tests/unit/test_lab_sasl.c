/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lab's one server-side SASL engine, driven through a made-up
 * protocol: every word and every protocol action comes from the
 * struct lab_sasl_proto, none is SMTP's or POP3's own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lab/lab.h"
#include "sasl.h"

struct owner {
	int errors, logins, failed_checked, failed_malformed;
	char how[32];
	char why[300];
};

static enum lab_action on_error(void *o, struct buf *out)
{
	(void)out;
	((struct owner *)o)->errors++;
	return LAB_CLOSE;
}

static enum lab_action on_login(void *o, const struct lab_user *who, const char *how,
                                struct buf *out)
{
	struct owner *w = o;
	w->logins++;
	snprintf(w->how, sizeof(w->how), "%s", how);
	lab_say(out, "OK %s", who->name);
	return LAB_GO_ON;
}

static void on_failed(void *o, bool checked)
{
	struct owner *w = o;
	if (checked)
		w->failed_checked++;
	else
		w->failed_malformed++;
}

static const struct lab_sasl_proto toy = {
    .proto = PROTO_POP3,
    .go_on = "? ",
    .bad_initial = "NO bad-initial",
    .bad_continued = "NO bad-continued",
    .bad_continued_why = "continued",
    .aborted = "NO aborted",
    .aborted_why = "aborted",
    .abort_is_error = true,
    .plain_asks_why = "asks",
    .plain_bad = "NO plain-bad",
    .plain_bad_why = "plain-bad",
    .refused = "NO refused",
    .login_asks_why = "asks-user",
    .login_ir_why = "[%s]",
    .login_user_why = "<%s>",
    .cram_why = "cram",
    .unsupported = "NO unsupported",
    .unsupported_why = "AUTH %s: the lab offers PLAIN, LOGIN and CRAM-MD5",
    .no_user_why = "%s: there is no user '%s' T1%s",
    .wrong_why = "%s: wrong %s for %s T2%s",
    .error = on_error,
    .logged_in = on_login,
    .failed = on_failed,
};

struct fx {
	struct lab_users users;
	struct lab_sasl x;
	struct owner o;
	struct buf out;
};

static int setup(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	assert_int_equal(lab_users_defaults(&f->users), SMTPSH_OK);
	lab_sasl_bind(&f->x, &toy, &f->o, f->o.why, sizeof(f->o.why), "lab.test", &f->users, NULL,
	              NULL);
	buf_init(&f->out, 1 << 12);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	buf_free(&f->out);
	lab_users_free(&f->users);
	test_free(f);
	return 0;
}

static const char *start(struct fx *f, const char *mech, const char *ir)
{
	char m[32];
	snprintf(m, sizeof(m), "%s", mech);
	buf_clear(&f->out);
	lab_sasl_start(&f->x, m, ir, &f->out);
	return f->out.data ? f->out.data : "";
}

static const char *answer(struct fx *f, const char *line)
{
	buf_clear(&f->out);
	lab_sasl_continue(&f->x, line, strlen(line), &f->out);
	return f->out.data ? f->out.data : "";
}

static void plain_and_login(void **state)
{
	struct fx *f = *state;
	assert_string_equal(start(f, "plain", NULL), "? \r\n");
	assert_int_equal(f->x.step, LAB_SASL_PLAIN);
	assert_string_equal(f->o.why, "asks");
	/* "AGFsaWNlAGFsaWNlLXB3" = base64("\0alice\0alice-pw") */
	assert_string_equal(answer(f, "AGFsaWNlAGFsaWNlLXB3"), "OK alice\r\n");
	assert_int_equal(f->o.logins, 1);
	assert_string_equal(f->o.how, "AUTH PLAIN");
	assert_int_equal(f->x.step, LAB_SASL_NONE);

	assert_string_equal(start(f, "LOGIN", "Ym9i"), "? UGFzc3dvcmQ6\r\n"); /* "bob" */
	assert_string_equal(f->o.why, "[bob]");
	assert_string_equal(answer(f, "d3Jvbmc="), "NO refused\r\n"); /* "wrong" */
	assert_string_equal(f->o.why, "AUTH LOGIN: wrong password for bob T2");
	assert_int_equal(f->o.failed_checked, 1);
	assert_int_equal(f->o.errors, 1);
	assert_true(f->x.user[0] == '\0'); /* the user name is wiped */

	assert_string_equal(start(f, "LOGIN", NULL), "? VXNlcm5hbWU6\r\n");
	assert_string_equal(answer(f, "bm9ib2R5"), "? UGFzc3dvcmQ6\r\n"); /* "nobody" */
	assert_string_equal(f->o.why, "<nobody>");
	answer(f, "eA==");
	assert_string_equal(f->o.why, "AUTH LOGIN: there is no user 'nobody' T1");

	assert_string_equal(start(f, "PLAIN", "YWxpY2U="), "NO plain-bad\r\n"); /* no NULs */
	assert_int_equal(f->o.failed_malformed, 1);
	assert_string_equal(start(f, "PLAIN", "!!"), "NO bad-initial\r\n");
}

static void cram_abort_and_unknown(void **state)
{
	struct fx *f = *state;
	char line[300], chal[200];
	snprintf(line, sizeof(line), "%s", start(f, "CRAM-MD5", NULL));
	assert_memory_equal(line, "? ", 2);
	snprintf(chal, sizeof(chal), "%.*s", (int)strcspn(line + 2, "\r"), line + 2);
	assert_string_equal(chal, f->x.challenge);
	struct buf r;
	buf_init(&r, 0);
	assert_int_equal(sasl_cram_md5(&r, "alice", "alice-pw", chal), SMTPSH_OK);
	assert_string_equal(answer(f, r.data), "OK alice\r\n");
	buf_free(&r);
	assert_string_equal(f->o.how, "AUTH CRAM-MD5");
	assert_string_equal(f->x.challenge, "");

	start(f, "PLAIN", NULL);
	assert_string_equal(answer(f, "*"), "NO aborted\r\n");
	assert_int_equal(f->o.errors, 1); /* abort_is_error */
	start(f, "PLAIN", NULL);
	assert_string_equal(answer(f, "not base64"), "NO bad-continued\r\n");
	assert_string_equal(start(f, "CRAM-MD5", "x"), "NO unsupported\r\n"); /* cram_ir NULL */
	assert_string_equal(start(f, "xoauth2", NULL), "NO unsupported\r\n");
	assert_string_equal(f->o.why, "AUTH XOAUTH2: the lab offers PLAIN, LOGIN and CRAM-MD5");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(plain_and_login, setup, teardown),
	    cmocka_unit_test_setup_teardown(cram_abort_and_unknown, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
