/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lab's POP3 state machine over a fake maildrop, and the dot-stuffer
 * that turns a stored message into RETR/TOP output.  Texts as Dovecot 2.3
 * sends them in the reference captures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lab/lab.h"
#include "sasl.h"

struct fx {
	struct lab_users users;
	struct lab_faults faults;
	struct lab_persona_run run; /* persona, flag ("gmail:pop3-off"), locks */
	struct lab_pop3_config cfg;
	struct lab_pop3 p;
	struct buf out;
	enum lab_action act;
	enum lab_drop_status open_status;
	int opens, commits, closes;
	size_t committed_deletions;
};

static enum lab_drop_status fake_open(void *ctx, const char *user, struct lab_maildrop *drop)
{
	struct fx *f = ctx;
	f->opens++;
	if (f->open_status != LAB_DROP_OK)
		return f->open_status;
	snprintf(drop->user, sizeof(drop->user), "%s", user);
	drop->n = 2;
	drop->v = calloc(2, sizeof(*drop->v));
	snprintf(drop->v[0].uid, sizeof(drop->v[0].uid), "1700000000.M1P1Q1.lab");
	drop->v[0].octets = 675;
	snprintf(drop->v[1].uid, sizeof(drop->v[1].uid), "1700000001.M1P1Q2.lab");
	drop->v[1].octets = 744;
	return LAB_DROP_OK;
}

static bool fake_commit(void *ctx, struct lab_maildrop *drop)
{
	struct fx *f = ctx;
	f->commits++;
	for (size_t i = 0; i < drop->n; i++)
		f->committed_deletions += drop->v[i].deleted;
	return true;
}

static void fake_close(void *ctx, struct lab_maildrop *drop)
{
	struct fx *f = ctx;
	f->closes++;
	free(drop->v);
	drop->v = NULL;
	drop->n = 0;
}

static struct fx *fx_new(const char *persona, const char *faults, bool tls)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	assert_int_equal(lab_users_defaults(&f->users), SMTPSH_OK);
	struct smtpsh_msg why;
	assert_int_equal(lab_faults_parse(&f->faults, faults, &why), SMTPSH_OK);
	f->cfg.host = LAB_HOST;
	f->cfg.greeting = "smtpsh lab POP3 ready.";
	f->cfg.tls_available = true;
	f->cfg.users = &f->users;
	assert_int_equal(lab_persona_parse(&f->run, persona, &why), SMTPSH_OK);
	f->cfg.persona = f->run.row;
	f->cfg.persona_run = &f->run;
	if (f->cfg.persona) /* the server takes the greeting from the persona */
		f->cfg.greeting = f->cfg.persona->pop3_greeting.text;
	f->cfg.faults = faults ? &f->faults : NULL;
	buf_init(&f->out, 1 << 16);
	struct lab_pop3_hooks h = {f, fake_open, fake_commit, fake_close};
	lab_pop3_init(&f->p, &f->cfg, &h, 7, tls);
	f->act = lab_pop3_greet(&f->p, &f->out);
	return f;
}

static void fx_free(struct fx *f)
{
	lab_pop3_end(&f->p);
	buf_free(&f->out);
	lab_users_free(&f->users);
	test_free(f);
}

static const char *cmd(struct fx *f, const char *line)
{
	buf_clear(&f->out);
	f->act = lab_pop3_feed(&f->p, line, strlen(line), 0, &f->out);
	return f->out.data ? f->out.data : "";
}

static void login(struct fx *f)
{
	assert_string_equal(cmd(f, "USER bob"), "+OK\r\n");
	assert_string_equal(cmd(f, "PASS bob-pw"), "+OK Logged in.\r\n");
}

static void greeting_capa_and_login(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL, false);
	char expect[200];
	snprintf(expect, sizeof(expect), "+OK smtpsh lab POP3 ready. %s\r\n", f->p.timestamp);
	assert_string_equal(f->out.data, expect);
	assert_int_equal(f->p.timestamp[0], '<');
	assert_non_null(strstr(f->p.timestamp, "@" LAB_HOST ">"));
	assert_string_equal(cmd(f, "CAPA"),
	                    "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\n"
	                    "AUTH-RESP-CODE\r\nSTLS\r\nUSER\r\nSASL PLAIN LOGIN CRAM-MD5\r\n.\r\n");
	assert_string_equal(cmd(f, "FOO"), "-ERR Unknown command.\r\n");
	assert_string_equal(cmd(f, "STAT"), "-ERR Unknown command.\r\n");
	assert_string_equal(cmd(f, "PASS bob-pw"), "-ERR No username given.\r\n");
	assert_string_equal(cmd(f, "USER bob"), "+OK\r\n");
	assert_string_equal(cmd(f, "PASS wrong-password"),
	                    "-ERR [AUTH] Authentication failed.\r\n");
	assert_int_equal(f->p.core.secret_from, 5);
	/* after a failure, USER again */
	assert_string_equal(cmd(f, "PASS bob-pw"), "-ERR No username given.\r\n");
	assert_string_equal(cmd(f, "USER nobody"), "+OK\r\n");
	assert_string_equal(cmd(f, "PASS whatever"), "-ERR [AUTH] Authentication failed.\r\n");
	login(f);
	assert_int_equal(f->opens, 1);
	assert_string_equal(cmd(f, "CAPA"),
	                    "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\n"
	                    "AUTH-RESP-CODE\r\n.\r\n");
	assert_string_equal(cmd(f, "USER alice"), "-ERR Unknown command: USER\r\n");
	assert_string_equal(cmd(f, "STLS"), "-ERR Unknown command: STLS\r\n");
	fx_free(f);

	/* a password may hold spaces */
	f = fx_new(NULL, NULL, false);
	struct smtpsh_msg why;
	lab_users_free(&f->users);
	assert_int_equal(lab_users_parse(&f->users, "carol:p@ss w\xc3\xb6rd 42\n", &why),
	                 SMTPSH_OK);
	cmd(f, "USER carol");
	assert_string_equal(cmd(f, "PASS p@ss w\xc3\xb6rd 42"), "+OK Logged in.\r\n");
	fx_free(f);
}

static void transaction_commands(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL, false);
	login(f);
	assert_string_equal(cmd(f, "STAT"), "+OK 2 1419\r\n");
	assert_string_equal(cmd(f, "LIST"), "+OK 2 messages:\r\n1 675\r\n2 744\r\n.\r\n");
	assert_string_equal(cmd(f, "LIST 1"), "+OK 1 675\r\n");
	assert_string_equal(cmd(f, "UIDL"),
	                    "+OK\r\n1 1700000000.M1P1Q1.lab\r\n2 1700000001.M1P1Q2.lab\r\n.\r\n");
	assert_string_equal(cmd(f, "UIDL 2"), "+OK 2 1700000001.M1P1Q2.lab\r\n");
	assert_string_equal(cmd(f, "RETR 1"), "+OK 675 octets\r\n");
	assert_int_equal(f->act, LAB_SEND_MESSAGE);
	assert_int_equal(f->p.send_index, 0);
	assert_int_equal(f->p.send_body_lines, -1);
	assert_string_equal(cmd(f, "TOP 2 0"), "+OK\r\n");
	assert_int_equal(f->act, LAB_SEND_MESSAGE);
	assert_int_equal(f->p.send_index, 1);
	assert_int_equal(f->p.send_body_lines, 0);
	/* Dovecot's words for bad arguments */
	assert_string_equal(cmd(f, "RETR 99"), "-ERR There's no message 99.\r\n");
	assert_string_equal(cmd(f, "RETR abc"), "-ERR Invalid message number: abc\r\n");
	assert_string_equal(cmd(f, "LIST 0"), "-ERR There's no message 0.\r\n");
	assert_string_equal(cmd(f, "DELE"), "-ERR Invalid message number: \r\n");
	assert_string_equal(cmd(f, "TOP 1"), "-ERR Noise after message number: \r\n");
	assert_string_equal(cmd(f, "TOP 1 x"), "-ERR Invalid size: x\r\n");
	assert_string_equal(cmd(f, "UIDL 7"), "-ERR There's no message 7.\r\n");
	fx_free(f);
}

static void dele_rset_and_update(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL, false);
	login(f);
	assert_string_equal(cmd(f, "DELE 1"), "+OK Marked to be deleted.\r\n");
	assert_string_equal(cmd(f, "DELE 1"), "-ERR Message is deleted.\r\n");
	assert_string_equal(cmd(f, "LIST 1"), "-ERR Message is deleted.\r\n");
	assert_string_equal(cmd(f, "STAT"), "+OK 1 744\r\n");
	assert_string_equal(cmd(f, "LIST"), "+OK 1 messages:\r\n2 744\r\n.\r\n");
	assert_string_equal(cmd(f, "RSET"), "+OK\r\n");
	assert_string_equal(cmd(f, "STAT"), "+OK 2 1419\r\n");
	assert_string_equal(cmd(f, "DELE 2"), "+OK Marked to be deleted.\r\n");
	assert_string_equal(cmd(f, "NOOP"), "+OK\r\n");
	assert_string_equal(cmd(f, "QUIT"), "+OK Logging out, messages deleted.\r\n");
	assert_int_equal(f->act, LAB_CLOSE);
	assert_int_equal(f->commits, 1);
	assert_int_equal(f->committed_deletions, 1);
	assert_int_equal(f->closes, 1);
	fx_free(f);

	/* no QUIT, no UPDATE: the connection ends, nothing is removed */
	f = fx_new(NULL, NULL, false);
	login(f);
	cmd(f, "DELE 1");
	lab_pop3_end(&f->p);
	assert_int_equal(f->commits, 0);
	assert_int_equal(f->closes, 1);
	fx_free(f);

	f = fx_new(NULL, NULL, false);
	login(f);
	assert_string_equal(cmd(f, "QUIT"), "+OK Logging out.\r\n");
	assert_int_equal(f->commits, 0);
	fx_free(f);

	f = fx_new(NULL, NULL, false);
	assert_string_equal(cmd(f, "QUIT"), "+OK Logging out\r\n");
	assert_int_equal(f->act, LAB_CLOSE);
	fx_free(f);
}

static void lock_and_store_failures(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL, false);
	f->open_status = LAB_DROP_IN_USE;
	cmd(f, "USER bob");
	assert_string_equal(cmd(f, "PASS bob-pw"),
	                    "-ERR [IN-USE] Mailbox is locked by another POP3 session.\r\n");
	f->open_status = LAB_DROP_FAILED;
	cmd(f, "USER bob");
	assert_string_equal(cmd(f, "PASS bob-pw"), "-ERR [SYS/TEMP] Internal error occurred. Refer "
	                                           "to server log for more information.\r\n");
	assert_int_equal(f->p.core.state, LAB_POP3_AUTHORIZATION);
	fx_free(f);
}

static void apop_and_sasl(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL, false);
	char digest[33], line[200];
	assert_int_equal(apop_digest(digest, f->p.timestamp, "alice-pw"), SMTPSH_OK);
	snprintf(line, sizeof(line), "APOP alice %s", digest);
	assert_string_equal(cmd(f, "APOP alice 00000000000000000000000000000000"),
	                    "-ERR [AUTH] Authentication failed.\r\n");
	assert_string_equal(cmd(f, "APOP alice"), "-ERR Invalid APOP arguments.\r\n");
	assert_string_equal(cmd(f, line), "+OK Logged in.\r\n");
	fx_free(f);

	f = fx_new(NULL, NULL, false);
	assert_string_equal(cmd(f, "AUTH"), "+OK\r\nPLAIN\r\nLOGIN\r\nCRAM-MD5\r\n.\r\n");
	assert_string_equal(cmd(f, "AUTH PLAIN AGFsaWNlAHdyb25nLXBhc3N3b3Jk"),
	                    "-ERR [AUTH] Authentication failed.\r\n");
	assert_int_equal(f->p.core.secret_from, strlen("AUTH PLAIN "));
	assert_string_equal(cmd(f, "AUTH PLAIN"), "+ \r\n");
	assert_string_equal(cmd(f, "*"), "-ERR Authentication aborted by client.\r\n");
	assert_string_equal(cmd(f, "AUTH X-UNKNOWN"),
	                    "-ERR Unsupported authentication mechanism.\r\n");
	assert_string_equal(cmd(f, "AUTH LOGIN"), "+ VXNlcm5hbWU6\r\n");
	assert_string_equal(cmd(f, "Ym9i"), "+ UGFzc3dvcmQ6\r\n");
	assert_int_equal(f->p.core.secret_from, 0);
	assert_string_equal(cmd(f, "Ym9iLXB3"), "+OK Logged in.\r\n");
	fx_free(f);

	f = fx_new(NULL, NULL, false);
	assert_string_equal(cmd(f, "AUTH PLAIN"), "+ \r\n");
	assert_string_equal(cmd(f, "AGJvYgBib2ItcHc="), "+OK Logged in.\r\n");
	fx_free(f);

	f = fx_new(NULL, NULL, false);
	const char *chal = cmd(f, "AUTH CRAM-MD5");
	assert_memory_equal(chal, "+ ", 2);
	char challenge[200];
	/* the base64 between "+ " and CRLF (no constant offsets: gcc's
	 * -Warray-bounds cannot tell chal is long enough) */
	const char *b64start = chal + strspn(chal, "+ ");
	snprintf(challenge, sizeof(challenge), "%.*s", (int)strcspn(b64start, "\r\n"), b64start);
	struct buf resp;
	buf_init(&resp, 0);
	assert_int_equal(sasl_cram_md5(&resp, "alice", "alice-pw", challenge), SMTPSH_OK);
	assert_string_equal(cmd(f, resp.data), "+OK Logged in.\r\n");
	buf_free(&resp);
	fx_free(f);
}

static void stls(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL, false);
	cmd(f, "USER bob");
	assert_string_equal(cmd(f, "STLS"), "+OK Begin TLS negotiation now.\r\n");
	assert_int_equal(f->act, LAB_STARTTLS);
	lab_pop3_tls_started(&f->p);
	assert_null(strstr(cmd(f, "CAPA"), "STLS"));
	assert_string_equal(cmd(f, "STLS"), "-ERR TLS is already active.\r\n");
	/* USER before STLS is forgotten */
	assert_string_equal(cmd(f, "PASS bob-pw"), "-ERR No username given.\r\n");
	fx_free(f);
}

static void personas(void **state)
{
	(void)state;
	struct fx *f = fx_new("qq", NULL, false);
	assert_memory_equal(f->out.data, "+OK XMail POP3 Server", 21);
	cmd(f, "USER alice@qq.com");
	assert_memory_equal(cmd(f, "PASS alice-pw"),
	                    "-ERR Login fail. Please enter your authorization code", 53);
	cmd(f, "USER 10001");
	assert_string_equal(cmd(f, "PASS alicecode1234567"), "+OK Logged in.\r\n");
	fx_free(f);

	f = fx_new("gmail", NULL, false);
	cmd(f, "USER bob@gmail.com");
	assert_memory_equal(cmd(f, "PASS bob-pw"),
	                    "-ERR [AUTH] Application-specific password required", 50);
	fx_free(f);
}

/* Every persona whose provider switches POP3 off refuses the right code
 * with its own text, and only on POP3. */
static void persona_pop3_off(void **state)
{
	(void)state;
	static const char *const specs[] = {"qq:pop3-off", "163:pop3-off", "gmail:pop3-off",
	                                    "yahoo:pop3-off"};
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		struct fx *f = fx_new(specs[i], NULL, true);
		const struct lab_persona *per = f->run.row;
		char user[80], expect[400];
		snprintf(user, sizeof(user), "USER bob@%s", per->domain);
		snprintf(expect, sizeof(expect), "%s\r\n", per->pop3_off.text);
		assert_string_equal(cmd(f, user), "+OK\r\n");
		assert_string_equal(cmd(f, "PASS bobcode123456789"), expect);
		assert_int_equal(f->opens, 0);
		assert_non_null(strstr(f->p.core.why, "pop3-off"));
		fx_free(f);
	}
	/* smtp-off leaves POP3 alone */
	struct fx *f = fx_new("163:smtp-off", NULL, true);
	cmd(f, "USER bob@163.com");
	assert_string_equal(cmd(f, "PASS bobcode123456789"), "+OK Logged in.\r\n");
	fx_free(f);
}

/* The lock: lock_after wrong secrets lock the account; then even the
 * right one is refused with the persona's POP3 lock text (its wrong-secret
 * text where the provider has none); other accounts are not locked;
 * personas without a lock never lock. */
static void persona_pop3_lock(void **state)
{
	(void)state;
	static const struct {
		const char *persona;
		bool locks;
	} rows[] = {{"gmail", true}, {"yahoo", true}, {"qq", false}, {"outlook", false}};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct fx *f = fx_new(rows[i].persona, NULL, true);
		const struct lab_persona *per = f->run.row;
		assert_int_equal(per->lock_after != 0, rows[i].locks);
		char user[80], other[80], bad[400], locked[400];
		snprintf(user, sizeof(user), "USER bob@%s", per->domain);
		snprintf(other, sizeof(other), "USER alice@%s", per->domain);
		snprintf(bad, sizeof(bad), "%s\r\n", per->pop3_bad.text);
		snprintf(locked, sizeof(locked), "%s\r\n",
		         per->pop3_locked.text ? per->pop3_locked.text : per->pop3_bad.text);
		unsigned tries = rows[i].locks ? per->lock_after : 8;
		for (unsigned k = 0; k < tries; k++) {
			cmd(f, user);
			assert_string_equal(cmd(f, "PASS not-the-code"), bad);
			if (f->act == LAB_CLOSE) { /* too many errors: a new session, same locks */
				lab_pop3_end(&f->p);
				lab_pop3_init(
				    &f->p, &f->cfg,
				    &(struct lab_pop3_hooks){f, fake_open, fake_commit, fake_close},
				    7, true);
				lab_pop3_greet(&f->p, &f->out);
			}
		}
		cmd(f, user);
		if (rows[i].locks) {
			assert_string_equal(cmd(f, "PASS bobcode123456789"), locked);
			assert_non_null(strstr(f->p.core.why, "locked"));
			assert_int_equal(f->opens, 0);
			cmd(f, other);
			assert_string_equal(cmd(f, "PASS alicecode1234567"), "+OK Logged in.\r\n");
		} else {
			assert_string_equal(cmd(f, "PASS bobcode123456789"), "+OK Logged in.\r\n");
		}
		fx_free(f);
	}
}

static void faults_and_limits(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, "454@PASS,451@RETR,drop@DELE", false);
	cmd(f, "USER bob");
	assert_string_equal(cmd(f, "PASS bob-pw"),
	                    "-ERR [SYS/TEMP] Temporary authentication failure.\r\n");
	fx_free(f);
	f = fx_new(NULL, "451@RETR,drop@DELE", false);
	login(f);
	assert_string_equal(cmd(f, "RETR 1"), "-ERR [SYS/TEMP] Internal error occurred. Refer to "
	                                      "server log for more information.\r\n");
	assert_int_equal(f->act, LAB_GO_ON);
	cmd(f, "DELE 1");
	assert_int_equal(f->act, LAB_DROP);
	fx_free(f);

	f = fx_new(NULL, NULL, false);
	for (int i = 1; i < LAB_POP3_BAD_COMMANDS; i++) {
		cmd(f, "XYZZY");
		assert_int_equal(f->act, LAB_GO_ON);
	}
	assert_string_equal(cmd(f, "XYZZY"),
	                    "-ERR Unknown command.\r\n-ERR Too many bad commands.\r\n");
	assert_int_equal(f->act, LAB_CLOSE);
	fx_free(f);
}

/* ---- the stuffer ---- */

static char *stuff(const char *in, long lines, size_t chunk)
{
	struct lab_stuffer st;
	struct buf out;
	lab_stuffer_init(&st, lines);
	buf_init(&out, 0);
	size_t n = strlen(in);
	for (size_t i = 0; i < n && !st.done; i += chunk)
		assert_true(lab_stuffer_feed(&st, in + i, n - i < chunk ? n - i : chunk, &out));
	assert_true(lab_stuffer_finish(&st, &out));
	char *s = strdup(out.data);
	buf_free(&out);
	return s;
}

static void stuffer(void **state)
{
	(void)state;
	const char *msg = "Subject: x\nFrom: a\n\n.leading dot\n..\nbody\r\nlast";
	const char *want =
	    "Subject: x\r\nFrom: a\r\n\r\n..leading dot\r\n...\r\nbody\r\nlast\r\n.\r\n";
	for (size_t chunk = 1; chunk <= strlen(msg); chunk++) {
		char *got = stuff(msg, -1, chunk);
		assert_string_equal(got, want);
		free(got);
	}
	char *got = stuff(msg, 0, 3);
	assert_string_equal(got, "Subject: x\r\nFrom: a\r\n\r\n.\r\n");
	free(got);
	got = stuff(msg, 1, 1);
	assert_string_equal(got, "Subject: x\r\nFrom: a\r\n\r\n..leading dot\r\n.\r\n");
	free(got);
	got = stuff("", -1, 1);
	assert_string_equal(got, ".\r\n");
	free(got);
	got = stuff("a\rb\n.\n", -1, 1);
	assert_string_equal(got, "a\rb\r\n..\r\n.\r\n");
	free(got);
}

static const char *feed_flags(struct fx *f, const char *line, unsigned flags)
{
	buf_clear(&f->out);
	f->act = lab_pop3_feed(&f->p, line, strlen(line), flags, &f->out);
	return f->out.data ? f->out.data : "";
}

/* Secret by the kind of line, before any state or rule refuses it. */
static void secrets_marked_on_every_refusal(void **state)
{
	(void)state;
	const size_t plain = strlen("AUTH PLAIN ");
	struct fx *f = fx_new(NULL, NULL, false);
	login(f);
	/* AUTH after login: refused as unknown in the TRANSACTION state */
	assert_string_equal(cmd(f, "AUTH PLAIN AGJvYgBib2ItcHc="),
	                    "-ERR Unknown command: AUTH\r\n");
	assert_int_equal(f->p.core.secret_from, plain);
	assert_string_equal(cmd(f, "AUTH LOGIN"), "-ERR Unknown command: AUTH\r\n");
	/* the answers that follow are not echoed and are secret */
	assert_string_equal(cmd(f, "Ym9i"), "-ERR Unknown command.\r\n");
	assert_int_equal(f->p.core.secret_from, 0);
	assert_null(strstr(f->p.core.why, "Ym9i"));
	assert_string_equal(cmd(f, "Ym9iLXB3"), "-ERR Unknown command.\r\n");
	assert_int_equal(f->p.core.secret_from, 0);
	/* a command ends that */
	assert_string_equal(cmd(f, "NOOP"), "+OK\r\n");
	assert_string_equal(cmd(f, "FOO"), "-ERR Unknown command: FOO\r\n");
	assert_int_equal(f->p.core.secret_from, (size_t)-1);
	/* PASS after login */
	assert_string_equal(cmd(f, "PASS bob-pw"), "-ERR Unknown command: PASS\r\n");
	assert_int_equal(f->p.core.secret_from, 5);
	fx_free(f);

	/* lines too long: PASS, AUTH, and inside a SASL exchange */
	f = fx_new(NULL, NULL, false);
	char line[LAB_CMD_LINE_MAX + 100];
	snprintf(line, sizeof(line), "PASS %0*d", LAB_CMD_LINE_MAX, 0);
	assert_string_equal(cmd(f, line), "-ERR Input line too long.\r\n");
	assert_int_equal(f->p.core.secret_from, 5);
	snprintf(line, sizeof(line), "AUTH PLAIN %0*d", LAB_CMD_LINE_MAX, 0);
	assert_string_equal(cmd(f, line), "-ERR Input line too long.\r\n");
	assert_int_equal(f->p.core.secret_from, plain);
	assert_string_equal(cmd(f, "AUTH LOGIN"), "+ VXNlcm5hbWU6\r\n");
	assert_string_equal(feed_flags(f, "Ym9i", LAB_LINE_TOO_LONG),
	                    "-ERR Input line too long.\r\n");
	assert_int_equal(f->p.core.secret_from, 0);
	/* APOP's digest */
	cmd(f, "APOP bob 0123456789abcdef0123456789abcdef");
	assert_int_equal(f->p.core.secret_from, strlen("APOP bob "));
	fx_free(f);

	/* faults on AUTH and PASS */
	f = fx_new(NULL, "454@AUTH,454@PASS", false);
	assert_string_equal(cmd(f, "AUTH PLAIN AGJvYgBib2ItcHc="),
	                    "-ERR [SYS/TEMP] Temporary authentication failure.\r\n");
	assert_int_equal(f->p.core.secret_from, plain);
	cmd(f, "USER bob");
	assert_string_equal(cmd(f, "PASS bob-pw"),
	                    "-ERR [SYS/TEMP] Temporary authentication failure.\r\n");
	assert_int_equal(f->p.core.secret_from, 5);
	fx_free(f);
}

static void record_state(void *ctx, enum proto p, const char *from, const char *to, const char *why)
{
	char *last = ctx;
	assert_int_equal(p, PROTO_POP3);
	snprintf(last, 120, "%s -> %s (%s)", from, to, why);
}

static void state_changes_are_traced(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL, false);
	char last[120] = "";
	f->p.core.trace = (struct lab_trace){record_state, last};
	login(f);
	char want[120];
	snprintf(want, sizeof(want), "%s -> %s (+OK to login)",
	         lab_pop3_state_names[LAB_POP3_AUTHORIZATION],
	         lab_pop3_state_names[LAB_POP3_TRANSACTION]);
	assert_string_equal(last, want);
	assert_int_equal(f->p.core.state, LAB_POP3_TRANSACTION);
	cmd(f, "QUIT");
	snprintf(want, sizeof(want), "%s -> %s (QUIT: UPDATE)",
	         lab_pop3_state_names[LAB_POP3_TRANSACTION], lab_pop3_state_names[LAB_POP3_DONE]);
	assert_string_equal(last, want);
	fx_free(f);
}

/* --listen beyond loopback: no login before STLS, in Dovecot's words. */
static void remote_lab_wants_tls_for_login(void **state)
{
	(void)state;
	static const char *const logins[] = {"USER bob", "APOP bob 0123456789abcdef", "AUTH PLAIN"};
	struct fx *f = fx_new(NULL, NULL, false);
	f->cfg.remote = true;
	const char *capa = cmd(f, "CAPA");
	assert_null(strstr(capa, "USER"));
	assert_null(strstr(capa, "SASL"));
	assert_non_null(strstr(capa, "STLS"));
	for (size_t i = 0; i < sizeof(logins) / sizeof(logins[0]); i++)
		assert_string_equal(cmd(f, logins[i]),
		                    "-ERR [AUTH] Plaintext authentication disallowed on non-secure "
		                    "(SSL/TLS) connections.\r\n");
	assert_string_equal(cmd(f, "PASS bob-pw"), "-ERR No username given.\r\n");
	assert_string_equal(cmd(f, "STLS"), "+OK Begin TLS negotiation now.\r\n");
	lab_pop3_tls_started(&f->p);
	assert_non_null(strstr(cmd(f, "CAPA"), "USER"));
	login(f);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(greeting_capa_and_login),
	    cmocka_unit_test(transaction_commands),
	    cmocka_unit_test(dele_rset_and_update),
	    cmocka_unit_test(lock_and_store_failures),
	    cmocka_unit_test(apop_and_sasl),
	    cmocka_unit_test(stls),
	    cmocka_unit_test(personas),
	    cmocka_unit_test(persona_pop3_off),
	    cmocka_unit_test(persona_pop3_lock),
	    cmocka_unit_test(faults_and_limits),
	    cmocka_unit_test(stuffer),
	    cmocka_unit_test(secrets_marked_on_every_refusal),
	    cmocka_unit_test(state_changes_are_traced),
	    cmocka_unit_test(remote_lab_wants_tls_for_login),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
