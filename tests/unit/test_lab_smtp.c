/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lab's SMTP state machine driven line by line, no sockets: codes and
 * texts as Postfix 3.7 sends them in the reference captures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lab/lab.h"
#include "sasl.h"

struct fx {
	struct lab_users users;
	struct lab_faults faults;
	struct lab_smtp_config cfg;
	struct lab_persona_run run;
	struct lab_smtp s;
	struct buf out;
	struct buf body;
	enum lab_action act;
	int begun, aborted;
	bool fail_begin;
};

static bool hook_begin(void *ctx, struct lab_smtp *s)
{
	(void)s;
	struct fx *f = ctx;
	f->begun++;
	buf_clear(&f->body);
	return !f->fail_begin;
}

static bool hook_line(void *ctx, const char *line, size_t n)
{
	struct fx *f = ctx;
	return buf_append(&f->body, line, n) && buf_append_char(&f->body, '\n');
}

static void hook_abort(void *ctx)
{
	struct fx *f = ctx;
	f->aborted++;
}

enum port { PORT_SMTP, PORT_SUBMISSION, PORT_SMTPS };

static struct fx *fx_new(enum port port, const char *persona, const char *faults)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	assert_int_equal(lab_users_defaults(&f->users), SMTPSH_OK);
	struct smtpsh_msg why;
	assert_int_equal(lab_faults_parse(&f->faults, faults, &why), SMTPSH_OK);
	f->cfg.host = LAB_HOST;
	f->cfg.greeting = LAB_HOST " ESMTP smtpsh lab";
	f->cfg.tls_available = true;
	f->cfg.tls_required = port == PORT_SUBMISSION;
	f->cfg.auth_required = port != PORT_SMTP;
	f->cfg.auth_in_cleartext = port == PORT_SMTP;
	f->cfg.max_size = 10240000;
	f->cfg.users = &f->users;
	assert_int_equal(lab_persona_parse(&f->run, persona, &why), SMTPSH_OK);
	f->cfg.persona = f->run.row;
	f->cfg.persona_run = &f->run;
	f->cfg.faults = faults ? &f->faults : NULL;
	buf_init(&f->out, 1 << 16);
	buf_init(&f->body, 1 << 24);
	struct lab_smtp_hooks h = {f, hook_begin, hook_line, hook_abort};
	lab_smtp_init(&f->s, &f->cfg, &h, "127.0.0.1", 1, port == PORT_SMTPS);
	f->act = lab_smtp_greet(&f->s, &f->out);
	return f;
}

static void fx_free(struct fx *f)
{
	buf_free(&f->out);
	buf_free(&f->body);
	lab_users_free(&f->users);
	lab_smtp_wipe(&f->s);
	test_free(f);
}

static const char *feed_flags(struct fx *f, const char *line, unsigned flags)
{
	buf_clear(&f->out);
	f->act = lab_smtp_feed(&f->s, line, strlen(line), flags, &f->out);
	return f->out.data ? f->out.data : "";
}

static const char *cmd(struct fx *f, const char *line)
{
	return feed_flags(f, line, 0);
}

static void login(struct fx *f, const char *user, const char *pass)
{
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(sasl_plain(&b, NULL, user, pass), SMTPSH_OK);
	char line[300];
	snprintf(line, sizeof(line), "AUTH PLAIN %s", b.data);
	buf_free(&b);
	assert_string_equal(cmd(f, line), "235 2.7.0 Authentication successful\r\n");
}

static void greeting_and_ehlo(void **state)
{
	(void)state;
	struct fx *f = fx_new(PORT_SMTP, NULL, NULL);
	assert_string_equal(f->out.data, "220 " LAB_HOST " ESMTP smtpsh lab\r\n");
	assert_int_equal(f->act, LAB_GO_ON);
	assert_string_equal(cmd(f, "EHLO client.smtpsh.test"),
	                    "250-" LAB_HOST
	                    "\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n"
	                    "250-STARTTLS\r\n250-AUTH PLAIN LOGIN CRAM-MD5\r\n"
	                    "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n");
	assert_string_equal(cmd(f, "helo client"), "250 " LAB_HOST "\r\n");
	assert_string_equal(cmd(f, "HELO"), "501 Syntax: HELO hostname\r\n");
	assert_string_equal(cmd(f, "EHLO"), "501 Syntax: EHLO hostname\r\n");
	assert_string_equal(cmd(f, "NOOP"), "250 2.0.0 Ok\r\n");
	assert_string_equal(cmd(f, "QUIT"), "221 2.0.0 Bye\r\n");
	assert_int_equal(f->act, LAB_CLOSE);
	fx_free(f);
}

static void submission_wants_starttls_then_auth(void **state)
{
	(void)state;
	struct fx *f = fx_new(PORT_SUBMISSION, NULL, NULL);
	const char *ehlo = cmd(f, "EHLO c");
	assert_non_null(strstr(ehlo, "250-STARTTLS\r\n"));
	assert_null(strstr(ehlo, "AUTH"));
	assert_string_equal(cmd(f, "AUTH LOGIN"),
	                    "530 5.7.0 Must issue a STARTTLS command first\r\n");
	assert_string_equal(cmd(f, "MAIL FROM:<alice@localhost>"),
	                    "530 5.7.0 Must issue a STARTTLS command first\r\n");
	assert_string_equal(cmd(f, "STARTTLS now"), "501 5.5.4 Syntax: STARTTLS\r\n");
	assert_string_equal(cmd(f, "STARTTLS"), "220 2.0.0 Ready to start TLS\r\n");
	assert_int_equal(f->act, LAB_STARTTLS);
	lab_smtp_tls_started(&f->s, "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384");
	/* RFC 3207: everything forgotten, EHLO again */
	assert_string_equal(cmd(f, "MAIL FROM:<alice@localhost>"),
	                    "503 5.5.1 Error: send HELO/EHLO first\r\n");
	ehlo = cmd(f, "EHLO c");
	assert_null(strstr(ehlo, "STARTTLS"));
	assert_non_null(strstr(ehlo, "250-AUTH PLAIN LOGIN CRAM-MD5\r\n"));
	assert_string_equal(cmd(f, "STARTTLS"), "554 5.5.1 Error: TLS already active\r\n");
	/* TLS but no AUTH: Postfix's submission refusal at RCPT */
	assert_string_equal(cmd(f, "MAIL FROM:<alice@localhost>"), "250 2.1.0 Ok\r\n");
	assert_string_equal(
	    cmd(f, "RCPT TO:<bob@localhost>"),
	    "554 5.7.1 <unknown[127.0.0.1]>: Client host rejected: Access denied\r\n");
	assert_string_equal(cmd(f, "RSET"), "250 2.0.0 Ok\r\n");
	login(f, "alice", "alice-pw");
	assert_string_equal(cmd(f, "MAIL FROM:<alice@localhost>"), "250 2.1.0 Ok\r\n");
	assert_string_equal(cmd(f, "RCPT TO:<bob@localhost>"), "250 2.1.5 Ok\r\n");
	fx_free(f);
}

static void auth_login_plain_cram(void **state)
{
	(void)state;
	struct fx *f = fx_new(PORT_SMTPS, NULL, NULL);
	cmd(f, "EHLO c");
	assert_string_equal(cmd(f, "AUTH"), "501 5.5.4 Syntax: AUTH mechanism\r\n");
	assert_string_equal(cmd(f, "AUTH DIGEST-MD5"),
	                    "504 5.5.4 Unrecognized authentication type\r\n");
	/* LOGIN, wrong password */
	assert_string_equal(cmd(f, "AUTH LOGIN"), "334 VXNlcm5hbWU6\r\n");
	assert_string_equal(cmd(f, "YWxpY2U="), "334 UGFzc3dvcmQ6\r\n");
	assert_int_equal(f->s.core.secret_from, 0);
	assert_string_equal(cmd(f, "d3JvbmctcGFzc3dvcmQ="),
	                    "535 5.7.8 Error: authentication failed: (reason unavailable)\r\n");
	assert_non_null(strstr(f->s.core.why, "wrong password for alice"));
	/* abort */
	assert_string_equal(cmd(f, "AUTH LOGIN"), "334 VXNlcm5hbWU6\r\n");
	assert_string_equal(cmd(f, "*"), "501 5.7.0 Authentication aborted\r\n");
	/* invalid base64 */
	assert_string_equal(
	    cmd(f, "AUTH PLAIN not*base64!"),
	    "535 5.7.8 Error: authentication failed: Invalid base64 data in initial response\r\n");
	assert_int_equal(f->s.core.secret_from, strlen("AUTH PLAIN "));
	/* PLAIN without an initial response: an empty 334 */
	assert_string_equal(cmd(f, "AUTH PLAIN"), "334 \r\n");
	assert_string_equal(cmd(f, "plain words"), "535 5.7.8 Error: authentication failed: "
	                                           "Invalid base64 data in continued response\r\n");
	/* CRAM-MD5 with the digest OpenSSL computes */
	const char *chal = cmd(f, "AUTH CRAM-MD5");
	assert_memory_equal(chal, "334 ", 4);
	char challenge[200];
	/* the base64 between "334 " and CRLF (no constant offsets: gcc's
	 * -Warray-bounds cannot tell chal is long enough) */
	const char *b64start = chal + strspn(chal, "334 ");
	snprintf(challenge, sizeof(challenge), "%.*s", (int)strcspn(b64start, "\r\n"), b64start);
	struct buf resp;
	buf_init(&resp, 0);
	assert_int_equal(sasl_cram_md5(&resp, "bob", "bob-pw", challenge), SMTPSH_OK);
	assert_string_equal(cmd(f, resp.data), "235 2.7.0 Authentication successful\r\n");
	buf_free(&resp);
	assert_string_equal(cmd(f, "AUTH PLAIN AGFsaWNlAGFsaWNlLXB3"),
	                    "503 5.5.1 Error: already authenticated\r\n");
	fx_free(f);

	/* LOGIN with the user name as initial response; "=" is empty */
	f = fx_new(PORT_SMTP, NULL, NULL);
	cmd(f, "EHLO c");
	assert_string_equal(cmd(f, "AUTH LOGIN YWxpY2U="), "334 UGFzc3dvcmQ6\r\n");
	assert_string_equal(cmd(f, "YWxpY2UtcHc="), "235 2.7.0 Authentication successful\r\n");
	fx_free(f);
	f = fx_new(PORT_SMTP, NULL, NULL);
	cmd(f, "EHLO c");
	assert_string_equal(
	    cmd(f, "AUTH PLAIN ="),
	    "535 5.7.8 Error: authentication failed: Invalid authentication data\r\n");
	/* an authorization identity other than the user */
	assert_string_equal(cmd(f, "AUTH PLAIN Ym9iAGFsaWNlAGFsaWNlLXB3"),
	                    "535 5.7.8 Error: authentication failed: (reason unavailable)\r\n");
	assert_string_equal(cmd(f, "AUTH PLAIN YWxpY2UAYWxpY2UAYWxpY2UtcHc="),
	                    "235 2.7.0 Authentication successful\r\n");
	fx_free(f);
}

static void sequence_and_syntax_errors(void **state)
{
	(void)state;
	struct fx *f = fx_new(PORT_SMTP, NULL, NULL);
	assert_string_equal(cmd(f, "MAIL FROM:<alice@localhost>"),
	                    "503 5.5.1 Error: send HELO/EHLO first\r\n");
	assert_string_equal(cmd(f, "HELLO sohu.com"),
	                    "500 5.5.2 Error: command not recognized\r\n");
	assert_non_null(strstr(f->s.core.why, "HELO"));
	cmd(f, "EHLO client.smtpsh.test");
	assert_string_equal(cmd(f, "FOO"), "500 5.5.2 Error: command not recognized\r\n");
	assert_string_equal(cmd(f, "EXPN bob"), "500 5.5.2 Error: command not recognized\r\n");
	assert_string_equal(cmd(f, "BDAT 10 LAST"), "502 5.5.1 Error: command not implemented\r\n");
	assert_string_equal(cmd(f, "RCPT TO:<bob@localhost>"),
	                    "503 5.5.1 Error: need MAIL command\r\n");
	assert_string_equal(cmd(f, "DATA"), "503 5.5.1 Error: need RCPT command\r\n");
	assert_string_equal(cmd(f, "MAIL FROM bob"), "501 5.5.4 Syntax: MAIL FROM:<address>\r\n");
	assert_string_equal(cmd(f, "MAIL FROM:<alice@localhost> SIZE=99999999"),
	                    "552 5.3.4 Message size exceeds fixed limit\r\n");
	assert_string_equal(cmd(f, "MAIL FROM:<alice@localhost> RET=FULL"),
	                    "555 5.5.4 Unsupported option: RET=FULL\r\n");
	assert_string_equal(cmd(f, "MAIL FROM:<alice@localhost> BODY=BINARY"),
	                    "501 5.5.4 Bad BODY keyword: BINARY\r\n");
	assert_string_equal(cmd(f, "mail from:<alice@localhost> SIZE=100 BODY=8BITMIME SMTPUTF8"),
	                    "250 2.1.0 Ok\r\n");
	assert_string_equal(cmd(f, "MAIL FROM:<alice@localhost>"),
	                    "503 5.5.1 Error: nested MAIL command\r\n");
	assert_string_equal(cmd(f, "DATA"), "503 5.5.1 Error: need RCPT command\r\n");
	assert_string_equal(
	    cmd(f, "RCPT TO:<nobody@localhost>"),
	    "550 5.1.1 <nobody@localhost>: Recipient address rejected: User unknown in "
	    "virtual mailbox table\r\n");
	assert_string_equal(cmd(f, "RCPT TO:<someone@example.net>"),
	                    "554 5.7.1 <someone@example.net>: Relay access denied\r\n");
	assert_string_equal(cmd(f, "RCPT TO:<>"), "501 5.1.3 Bad recipient address syntax\r\n");
	assert_string_equal(cmd(f, "RCPT TO:"), "501 5.5.4 Syntax: RCPT TO:<address>\r\n");
	assert_string_equal(cmd(f, "DATA"), "554 5.5.1 Error: no valid recipients\r\n");
	fx_free(f);

	f = fx_new(PORT_SMTP, NULL, NULL);
	cmd(f, "EHLO client.smtpsh.test");
	assert_string_equal(cmd(f, "RSET x"), "501 5.5.4 Syntax: RSET\r\n");
	assert_string_equal(cmd(f, "RSET"), "250 2.0.0 Ok\r\n");
	assert_string_equal(cmd(f, "MAIL FROM:<>"), "250 2.1.0 Ok\r\n");
	assert_string_equal(cmd(f, "RCPT TO:<Bob@LOCALHOST>"), "250 2.1.5 Ok\r\n");
	assert_string_equal(cmd(f, "RCPT TO:<bob@localhost> NOTIFY=NEVER"),
	                    "555 5.5.4 Unsupported option: NOTIFY=NEVER\r\n");
	assert_string_equal(cmd(f, "DATA now"), "501 5.5.4 Syntax: DATA\r\n");
	assert_string_equal(cmd(f, "AUTH PLAIN AGFsaWNlAGFsaWNlLXB3"),
	                    "503 5.5.1 Error: MAIL transaction in progress\r\n");
	assert_string_equal(cmd(f, "VRFY bob"), "252 2.0.0 bob\r\n");
	assert_string_equal(
	    cmd(f, "VRFY <nobody@localhost>"),
	    "550 5.1.1 <nobody@localhost>: Recipient address rejected: User unknown in "
	    "virtual mailbox table\r\n");
	assert_string_equal(cmd(f, "VRFY"), "501 5.5.4 Syntax: VRFY address\r\n");
	assert_string_equal(cmd(f, ""), "500 5.5.2 Error: bad syntax\r\n");
	/* CR CR LF: a client that added its own CR to a CRLF line */
	assert_string_equal(cmd(f, "QUIT\r"), "500 5.5.2 Error: command not recognized\r\n");
	assert_non_null(strstr(f->s.core.why, "CR CR LF"));
	fx_free(f);
}

static void recipients_and_domains(void **state)
{
	(void)state;
	struct fx *f = fx_new(PORT_SMTP, "qq", NULL);
	cmd(f, "EHLO c");
	cmd(f, "MAIL FROM:<a@example.org>");
	/* no domain: Postfix appends its own */
	assert_string_equal(cmd(f, "RCPT TO:<bob>"), "250 2.1.5 Ok\r\n");
	assert_string_equal(cmd(f, "RCPT TO:<alice@qq.com>"), "250 2.1.5 Ok\r\n");
	assert_string_equal(cmd(f, "RCPT TO:<alice@[127.0.0.1]>"), "250 2.1.5 Ok\r\n");
	assert_int_equal(f->s.nrcpt, 2); /* alice once */
	assert_string_equal(cmd(f, "RCPT TO:<bob@163.com>"),
	                    "554 5.7.1 <bob@163.com>: Relay access denied\r\n");
	assert_string_equal(cmd(f, "RCPT TO: <@relay.example:alice@smtpsh.test>"),
	                    "250 2.1.5 Ok\r\n");
	fx_free(f);

	f = fx_new(PORT_SMTP, NULL, NULL);
	cmd(f, "EHLO c");
	login(f, "alice", "alice-pw");
	cmd(f, "MAIL FROM:<alice@localhost>");
	assert_string_equal(
	    cmd(f, "RCPT TO:<someone@example.net>"),
	    "550 5.1.1 <someone@example.net>: Recipient address rejected: outbound mail "
	    "disabled (smtpsh lab)\r\n");
	fx_free(f);

	char addr[LAB_ADDR_MAX];
	const char *params;
	assert_true(lab_smtp_parse_path("FROM:<a@b> SIZE=1", "FROM:", addr, sizeof(addr), &params));
	assert_string_equal(addr, "a@b");
	assert_string_equal(params, "SIZE=1");
	assert_true(lab_smtp_parse_path("from: a@b", "FROM:", addr, sizeof(addr), &params));
	assert_string_equal(addr, "a@b");
	assert_true(lab_smtp_parse_path("FROM:<>", "FROM:", addr, sizeof(addr), &params));
	assert_string_equal(addr, "");
	assert_false(lab_smtp_parse_path("FROM:<a@b", "FROM:", addr, sizeof(addr), &params));
	assert_false(lab_smtp_parse_path("FROM:<a b@c>", "FROM:", addr, sizeof(addr), &params));
	assert_false(lab_smtp_parse_path("FROM:<a@b>x", "FROM:", addr, sizeof(addr), &params));
	assert_false(lab_smtp_parse_path("TO:<a@b>", "FROM:", addr, sizeof(addr), &params));
	assert_false(lab_smtp_parse_path("FROM:", "FROM:", addr, sizeof(addr), &params));
	assert_true(lab_domain_is_local("LOCALHOST", NULL));
	assert_false(lab_domain_is_local("qq.com", NULL));
	assert_true(lab_domain_is_local("qq.com", lab_persona_find("qq")));
}

static void start_message(struct fx *f)
{
	cmd(f, "EHLO c");
	assert_string_equal(cmd(f, "MAIL FROM:<alice@localhost>"), "250 2.1.0 Ok\r\n");
	assert_string_equal(cmd(f, "RCPT TO:<bob@localhost>"), "250 2.1.5 Ok\r\n");
	assert_string_equal(cmd(f, "DATA"), "354 End data with <CR><LF>.<CR><LF>\r\n");
}

static void data_dot_unstuffing(void **state)
{
	(void)state;
	struct fx *f = fx_new(PORT_SMTP, NULL, NULL);
	start_message(f);
	assert_int_equal(f->begun, 1);
	const char *lines[] = {
	    "Subject: dots", "", "..leading dot", "...", "MAIL FROM:<not a command>",
	    ". not the end"};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_string_equal(cmd(f, lines[i]), "");
		assert_int_equal(f->act, LAB_GO_ON);
		assert_true(f->s.core.data_line);
	}
	assert_string_equal(cmd(f, "."), "");
	assert_int_equal(f->act, LAB_DELIVER);
	assert_string_equal(
	    f->body.data,
	    "Subject: dots\n\n.leading dot\n..\nMAIL FROM:<not a command>\n not the end\n");
	struct buf trace;
	buf_init(&trace, 0);
	assert_true(lab_smtp_trace(&f->s, "ABC123", 0, &trace));
	assert_string_equal(trace.data,
	                    "Return-Path: <alice@localhost>\n"
	                    "Received: from c (unknown [127.0.0.1])\n"
	                    "\tby " LAB_HOST " (smtpsh lab) with ESMTP id ABC123\n"
	                    "\tfor <bob@localhost>; Thu, 01 Jan 1970 00:00:00 +0000 (UTC)\n");
	buf_free(&trace);
	buf_clear(&f->out);
	assert_int_equal(lab_smtp_delivered(&f->s, true, "ABC123", &f->out), LAB_GO_ON);
	assert_string_equal(f->out.data, "250 2.0.0 Ok: queued as ABC123\r\n");
	/* the transaction is over: a new MAIL is not nested */
	assert_string_equal(cmd(f, "MAIL FROM:<alice@localhost>"), "250 2.1.0 Ok\r\n");
	fx_free(f);

	/* a store failure is a 451, never a 250 */
	f = fx_new(PORT_SMTP, NULL, NULL);
	start_message(f);
	cmd(f, "x");
	cmd(f, ".");
	assert_int_equal(f->act, LAB_DELIVER);
	buf_clear(&f->out);
	lab_smtp_delivered(&f->s, false, "X", &f->out);
	assert_string_equal(f->out.data, "451 4.3.0 Error: queue file write error\r\n");
	fx_free(f);

	f = fx_new(PORT_SMTP, NULL, NULL);
	f->fail_begin = true;
	cmd(f, "EHLO c");
	cmd(f, "MAIL FROM:<alice@localhost>");
	cmd(f, "RCPT TO:<bob@localhost>");
	assert_string_equal(cmd(f, "DATA"), "451 4.3.0 Error: queue file write error\r\n");
	fx_free(f);
}

static void bare_lf_and_long_lines(void **state)
{
	(void)state;
	struct fx *f = fx_new(PORT_SMTP, NULL, NULL);
	assert_string_equal(feed_flags(f, "NOOP", LAB_LINE_BARE_LF),
	                    "521 5.5.2 " LAB_HOST " Error: bare <LF> received\r\n");
	assert_int_equal(f->act, LAB_CLOSE);
	fx_free(f);

	f = fx_new(PORT_SMTP, NULL, NULL);
	start_message(f);
	feed_flags(f, "body", LAB_LINE_BARE_LF);
	assert_int_equal(f->act, LAB_CLOSE);
	assert_int_equal(f->aborted, 1);
	fx_free(f);

	f = fx_new(PORT_SMTP, NULL, NULL);
	char longline[LAB_CMD_LINE_MAX + 10];
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	memcpy(longline, "NOOP ", 5);
	assert_string_equal(cmd(f, longline), "500 5.5.2 Error: line too long\r\n");
	assert_string_equal(feed_flags(f, "NOOP", LAB_LINE_TOO_LONG),
	                    "500 5.5.2 Error: line too long\r\n");
	start_message(f);
	longline[LAB_TEXT_LINE_MAX + 1] = '\0';
	assert_string_equal(cmd(f, longline), "");
	longline[LAB_TEXT_LINE_MAX] = '\0';
	cmd(f, longline); /* 998 is fine */
	assert_string_equal(cmd(f, "."),
	                    "552 5.3.4 Error: message line longer than 998 octets\r\n");
	assert_int_equal(f->aborted, 1);
	assert_string_equal(cmd(f, "MAIL FROM:<alice@localhost>"), "250 2.1.0 Ok\r\n");
	fx_free(f);

	f = fx_new(PORT_SMTP, NULL, NULL);
	f->cfg.max_size = 100;
	start_message(f);
	for (int i = 0; i < 10; i++)
		cmd(f, "0123456789abcdef");
	assert_string_equal(cmd(f, "."), "552 5.3.4 Error: message file too big\r\n");
	assert_int_equal(f->aborted, 1);
	fx_free(f);
}

static void hard_error_limit(void **state)
{
	(void)state;
	struct fx *f = fx_new(PORT_SMTP, NULL, NULL);
	for (int i = 1; i < LAB_HARD_ERRORS; i++) {
		assert_string_equal(cmd(f, "FOO"), "500 5.5.2 Error: command not recognized\r\n");
		assert_int_equal(f->act, LAB_GO_ON);
	}
	assert_string_equal(cmd(f, "FOO"), "500 5.5.2 Error: command not recognized\r\n"
	                                   "421 4.7.0 " LAB_HOST " Error: too many errors\r\n");
	assert_int_equal(f->act, LAB_CLOSE);
	fx_free(f);
}

static const char *auth_plain(struct fx *f, const char *user, const char *secret)
{
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(sasl_plain(&b, NULL, user, secret), SMTPSH_OK);
	char line[400];
	snprintf(line, sizeof(line), "AUTH PLAIN %s", b.data);
	buf_free(&b);
	return cmd(f, line);
}

/* The persona's text for a case, with the CRLFs the wire has. */
static void assert_said_reply(const char *got, const char *text)
{
	char want[1024];
	size_t o = 0;
	for (const char *p = text; *p && o + 3 < sizeof(want); p++) {
		if (*p == '\n')
			want[o++] = '\r';
		want[o++] = *p;
	}
	want[o++] = '\r';
	want[o++] = '\n';
	want[o] = '\0';
	assert_string_equal(got, want);
}

enum pcase { RIGHT_CODE, PASSWORD, WRONG_CODE, UNKNOWN, BARE_NAME, SERVICE_OFF, SENDER };

/* Every persona x case over implicit TLS: the reply is the row's text,
 * and the session is logged in only when it should be. */
static void personas_refuse_the_provider_way(void **state)
{
	(void)state;
	static const struct {
		const char *spec;
		enum pcase c;
	} rows[] = {
	    {"qq", RIGHT_CODE},
	    {"qq", PASSWORD},
	    {"qq", WRONG_CODE},
	    {"qq", UNKNOWN},
	    {"qq", BARE_NAME},
	    {"qq", SENDER},
	    {"qq:smtp-off", SERVICE_OFF},
	    {"163", RIGHT_CODE},
	    {"163", PASSWORD},
	    {"163", SENDER},
	    {"163:smtp-off", SERVICE_OFF},
	    {"gmail", RIGHT_CODE},
	    {"gmail", PASSWORD},
	    {"gmail", WRONG_CODE},
	    {"gmail", SENDER},
	    {"outlook", RIGHT_CODE},
	    {"outlook", PASSWORD},
	    {"outlook", WRONG_CODE},
	    {"outlook", SENDER},
	    {"outlook:tenant-auth-off", SERVICE_OFF},
	    {"yahoo", RIGHT_CODE},
	    {"yahoo", PASSWORD},
	    {"yahoo", WRONG_CODE},
	    {"icloud", RIGHT_CODE},
	    {"icloud", PASSWORD},
	    {"icloud", UNKNOWN},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct fx *f = fx_new(PORT_SMTPS, rows[i].spec, NULL);
		const struct lab_persona *p = f->run.row;
		char user[80], other[80];
		snprintf(user, sizeof(user), "alice@%s", p->domain);
		snprintf(other, sizeof(other), "bob@%s", p->domain);
		cmd(f, "EHLO c");
		const char *got;
		switch (rows[i].c) {
		case RIGHT_CODE:
		case SENDER:
			assert_string_equal(auth_plain(f, user, "alicecode1234567"),
			                    "235 2.7.0 Authentication successful\r\n");
			assert_ptr_equal(f->s.auth, &f->users.v[0]);
			char mail[120];
			snprintf(mail, sizeof(mail), "MAIL FROM:<%s>",
			         rows[i].c == SENDER ? other : user);
			got = cmd(f, mail);
			if (rows[i].c == SENDER && p->sender_mismatch.text)
				assert_said_reply(got, p->sender_mismatch.text);
			else
				assert_string_equal(got, "250 2.1.0 Ok\r\n");
			break;
		case PASSWORD:
			assert_said_reply(auth_plain(f, user, "alice-pw"), p->smtp_needs_code.text);
			assert_null(f->s.auth);
			break;
		case WRONG_CODE:
			assert_said_reply(auth_plain(f, user, "bobcode123456789"),
			                  p->smtp_bad.text);
			assert_null(f->s.auth);
			break;
		case UNKNOWN:
			snprintf(user, sizeof(user), "mallory@%s", p->domain);
			assert_said_reply(auth_plain(f, user, "alicecode1234567"),
			                  p->smtp_bad.text);
			assert_non_null(strstr(f->s.core.why, "there is no user"));
			break;
		case BARE_NAME:
			assert_said_reply(auth_plain(f, "alice", "alicecode1234567"),
			                  p->smtp_bad.text);
			assert_non_null(strstr(f->s.core.why, "wants the full address (alice@"));
			break;
		case SERVICE_OFF:
			assert_said_reply(
			    auth_plain(f, user, "alicecode1234567"),
			    lab_persona_flag_refusal(p, f->run.flag, PROTO_SMTP)->text);
			assert_null(f->s.auth);
			break;
		}
		fx_free(f);
	}
}

static void persona_ehlo_and_tls_rules(void **state)
{
	(void)state;
	/* QQ: its EHLO list; AUTH refused before STARTTLS, not listed */
	struct fx *f = fx_new(PORT_SMTP, "qq", NULL);
	assert_string_equal(cmd(f, "EHLO c"),
	                    "250-newxmesmtplogicsvrsza9.qq.com\r\n250-PIPELINING\r\n"
	                    "250-SIZE 73400320\r\n250-STARTTLS\r\n"
	                    "250-MAILCOMPRESS\r\n250 8BITMIME\r\n");
	assert_string_equal(auth_plain(f, "alice@qq.com", "alicecode1234567"),
	                    "530 Must issue a STARTTLS command first.\r\n");
	fx_free(f);
	/* after TLS: AUTH listed, STARTTLS not */
	f = fx_new(PORT_SMTPS, "gmail", NULL);
	assert_string_equal(cmd(f, "EHLO c"),
	                    "250-smtp.gmail.com at your service, [127.0.0.1]\r\n"
	                    "250-SIZE 35882577\r\n250-8BITMIME\r\n"
	                    "250-AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH\r\n"
	                    "250-ENHANCEDSTATUSCODES\r\n250-PIPELINING\r\n250-CHUNKING\r\n"
	                    "250 SMTPUTF8\r\n");
	/* the lock: lock_after failures, then the locked text even for the code */
	for (unsigned k = 0; k < f->run.row->lock_after; k++)
		assert_said_reply(auth_plain(f, "alice@gmail.com", "wrong"),
		                  f->run.row->smtp_bad.text);
	assert_non_null(strstr(f->s.core.why, "now locked"));
	/* locked: the right app password gets the lock-out text */
	assert_said_reply(auth_plain(f, "alice@gmail.com", "alicecode1234567"),
	                  f->run.row->smtp_locked.text);
	assert_null(f->s.auth);
	assert_true(lab_persona_locked(&f->run, "alice@gmail.com", time(NULL)));
	/* the QQ number logs in as alice */
	fx_free(f);
	f = fx_new(PORT_SMTPS, "qq", NULL);
	cmd(f, "EHLO c");
	login(f, "10001", "alicecode1234567");
	assert_string_equal(cmd(f, "MAIL FROM:<alice@qq.com>"), "250 2.1.0 Ok\r\n");
	fx_free(f);
}

static void injected_faults(void **state)
{
	(void)state;
	struct fx *f = fx_new(PORT_SMTP, NULL, "451@RCPT,454@AUTH,slow=250@NOOP");
	cmd(f, "EHLO c");
	assert_string_equal(cmd(f, "AUTH LOGIN"), "454 4.7.0 Temporary authentication failure\r\n");
	cmd(f, "MAIL FROM:<alice@localhost>");
	assert_string_equal(cmd(f, "RCPT TO:<bob@localhost>"),
	                    "451 4.3.0 <bob@localhost>: Temporary lookup failure\r\n");
	assert_string_equal(cmd(f, "NOOP"), "250 2.0.0 Ok\r\n");
	assert_int_equal(f->s.core.delay_ms, 250);
	assert_string_equal(cmd(f, "RSET"), "250 2.0.0 Ok\r\n");
	assert_int_equal(f->s.core.delay_ms, 0);
	fx_free(f);

	f = fx_new(PORT_SMTP, NULL, "421@MAIL");
	cmd(f, "EHLO c");
	assert_string_equal(cmd(f, "MAIL FROM:<a@b>"),
	                    "421 4.3.2 Service not available, closing transmission channel\r\n");
	assert_int_equal(f->act, LAB_CLOSE);
	fx_free(f);

	f = fx_new(PORT_SMTP, NULL, "drop@DATA");
	cmd(f, "EHLO c");
	cmd(f, "MAIL FROM:<a@b>");
	cmd(f, "RCPT TO:<bob@localhost>");
	assert_string_equal(cmd(f, "DATA"), "");
	assert_int_equal(f->act, LAB_DROP);
	fx_free(f);

	f = fx_new(PORT_SMTP, NULL, "451@DOT");
	start_message(f);
	cmd(f, "hello");
	assert_string_equal(cmd(f, "."), "451 4.3.0 Error: queue file write error\r\n");
	assert_int_equal(f->act, LAB_GO_ON);
	assert_int_equal(f->aborted, 1);
	fx_free(f);

	f = fx_new(PORT_SMTP, NULL, "421@CONNECT");
	assert_string_equal(f->out.data,
	                    "421 4.3.2 Service not available, closing transmission channel\r\n");
	assert_int_equal(f->act, LAB_CLOSE);
	fx_free(f);

	/* the same seed and commands give the same faults */
	char first[64] = "";
	for (int run = 0; run < 2; run++) {
		f = fx_new(PORT_SMTP, NULL, "seed=42,451@NOOP:50%");
		char seen[64] = "";
		for (int i = 0; i < 40; i++)
			strcat(seen, cmd(f, "NOOP")[0] == '4' ? "x" : ".");
		if (run == 0)
			strcpy(first, seen);
		else
			assert_string_equal(first, seen);
		assert_non_null(strchr(seen, 'x'));
		assert_non_null(strchr(seen, '.'));
		fx_free(f);
	}
}

static void secrets_are_marked(void **state)
{
	(void)state;
	struct fx *f = fx_new(PORT_SMTP, NULL, NULL);
	cmd(f, "EHLO c");
	cmd(f, "NOOP");
	assert_int_equal(f->s.core.secret_from, (size_t)-1);
	cmd(f, "auth   plain   AGFsaWNlAGFsaWNlLXB3");
	assert_int_equal(f->s.core.secret_from, strlen("auth   plain   "));
	fx_free(f);
}

/* Secret by the kind of line, before any rule refuses it. */
static void secrets_marked_on_every_refusal(void **state)
{
	(void)state;
	const size_t plain = strlen("AUTH PLAIN ");
	/* submission before STARTTLS: 530 */
	struct fx *f = fx_new(PORT_SUBMISSION, NULL, NULL);
	cmd(f, "EHLO c");
	assert_string_equal(cmd(f, "AUTH PLAIN AGFsaWNlAGFsaWNlLXB3"),
	                    "530 5.7.0 Must issue a STARTTLS command first\r\n");
	assert_int_equal(f->s.core.secret_from, plain);
	/* the AUTH LOGIN answers a student types after the 530 */
	assert_string_equal(cmd(f, "AUTH LOGIN"),
	                    "530 5.7.0 Must issue a STARTTLS command first\r\n");
	assert_string_equal(cmd(f, "YWxpY2U="), "500 5.5.2 Error: command not recognized\r\n");
	assert_int_equal(f->s.core.secret_from, 0);
	assert_null(strstr(f->s.core.why, "YWxpY2U="));
	assert_string_equal(cmd(f, "YWxpY2UtcHc="), "500 5.5.2 Error: command not recognized\r\n");
	assert_int_equal(f->s.core.secret_from, 0);
	assert_null(strstr(f->s.core.why, "YWxpY2UtcHc="));
	/* a command ends that: a mistyped one is shown again */
	cmd(f, "NOOP");
	assert_int_equal(f->s.core.secret_from, (size_t)-1);
	cmd(f, "HELLO x");
	assert_int_equal(f->s.core.secret_from, (size_t)-1);
	assert_non_null(strstr(f->s.core.why, "HELO"));
	fx_free(f);

	/* 503 before EHLO, 503 inside a transaction, bare LF, a line too long */
	f = fx_new(PORT_SMTP, NULL, NULL);
	assert_string_equal(cmd(f, "AUTH PLAIN AGFsaWNlAGFsaWNlLXB3"),
	                    "503 5.5.1 Error: send HELO/EHLO first\r\n");
	assert_int_equal(f->s.core.secret_from, plain);
	cmd(f, "EHLO c");
	cmd(f, "MAIL FROM:<alice@localhost>");
	assert_string_equal(cmd(f, "AUTH LOGIN YWxpY2U="),
	                    "503 5.5.1 Error: MAIL transaction in progress\r\n");
	assert_int_equal(f->s.core.secret_from, strlen("AUTH LOGIN "));
	cmd(f, "YWxpY2UtcHc=");
	assert_int_equal(f->s.core.secret_from, 0);
	cmd(f, "RSET");
	assert_memory_equal(feed_flags(f, "AUTH PLAIN AGFsaWNlAGFsaWNlLXB3", LAB_LINE_BARE_LF),
	                    "521 ", 4);
	assert_int_equal(f->s.core.secret_from, plain);
	fx_free(f);
	f = fx_new(PORT_SMTP, NULL, NULL);
	cmd(f, "EHLO c");
	char line[LAB_CMD_LINE_MAX + 100];
	snprintf(line, sizeof(line), "AUTH PLAIN %0*d", LAB_CMD_LINE_MAX, 0);
	assert_string_equal(cmd(f, line), "500 5.5.2 Error: line too long\r\n");
	assert_int_equal(f->s.core.secret_from, plain);
	/* in a SASL exchange, a bare LF line is secret too */
	cmd(f, "AUTH LOGIN");
	assert_memory_equal(feed_flags(f, "YWxpY2U=", LAB_LINE_BARE_LF), "521 ", 4);
	assert_int_equal(f->s.core.secret_from, 0);
	fx_free(f);

	/* a fault on AUTH */
	f = fx_new(PORT_SMTP, NULL, "454@AUTH");
	cmd(f, "EHLO c");
	assert_string_equal(cmd(f, "AUTH PLAIN AGFsaWNlAGFsaWNlLXB3"),
	                    "454 4.7.0 Temporary authentication failure\r\n");
	assert_int_equal(f->s.core.secret_from, plain);
	fx_free(f);

	/* message text is not a secret, whatever it says */
	f = fx_new(PORT_SMTP, NULL, NULL);
	cmd(f, "EHLO c");
	cmd(f, "AUTH LOGIN");
	cmd(f, "*");
	cmd(f, "MAIL FROM:<alice@localhost>");
	cmd(f, "RCPT TO:<bob@localhost>");
	cmd(f, "DATA");
	cmd(f, "AUTH PLAIN AGFsaWNlAGFsaWNlLXB3");
	assert_int_equal(f->s.core.secret_from, (size_t)-1);
	fx_free(f);
}

static void helo_name_is_printable_in_the_trace(void **state)
{
	(void)state;
	struct fx *f = fx_new(PORT_SMTP, NULL, NULL);
	struct buf t;
	buf_init(&t, 4096);
	cmd(f, "EHLO evil\rX-Injected: yes");
	cmd(f, "MAIL FROM:<alice@localhost>");
	cmd(f, "RCPT TO:<bob@localhost>");
	assert_true(lab_smtp_trace(&f->s, "ID", 0, &t));
	assert_non_null(
	    strstr(t.data, "Received: from evil?X-Injected: yes (unknown [127.0.0.1])\n"));
	assert_null(strchr(t.data, '\r'));
	buf_clear(&t);
	/* ESC, C0, DEL, a byte that is not UTF-8, a C1 control (U+0085), TAB;
	 * UTF-8 letters stay */
	cmd(f, "HELO a\x1b[31mb\x01"
	       "c\x7f"
	       "d\xff\xc2\x85"
	       "e\tf\xe9\x82\xae\xe4\xbb\xb6");
	assert_true(lab_smtp_trace(&f->s, "ID", 0, &t));
	assert_non_null(
	    strstr(t.data, "Received: from a?[31mb?c?d??e?f\xe9\x82\xae\xe4\xbb\xb6 ("));
	buf_free(&t);
	fx_free(f);
}

/* What the trace hook was told, one transition per entry. */
struct seen {
	char lines[16][120];
	size_t n;
};

static void record_state(void *ctx, enum proto p, const char *from, const char *to, const char *why)
{
	struct seen *seen = ctx;
	assert_int_equal(p, PROTO_SMTP);
	if (seen->n < 16)
		snprintf(seen->lines[seen->n++], sizeof(seen->lines[0]), "%s -> %s (%s)", from, to,
		         why);
}

static void state_changes_are_traced(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		enum lab_smtp_state from, to;
		const char *why; /* NULL: no transition */
	} steps[] = {
	    {"NOOP", LAB_SMTP_INIT, LAB_SMTP_INIT, NULL},
	    {"MAIL FROM:<a@b.c>", LAB_SMTP_INIT, LAB_SMTP_INIT, NULL}, /* refused: 503 */
	    {"EHLO client.example", LAB_SMTP_INIT, LAB_SMTP_READY, "250 to EHLO"},
	    {"MAIL FROM:<a@b.c>", LAB_SMTP_READY, LAB_SMTP_MAIL, "250 to MAIL"},
	    {"RCPT TO:<nobody@localhost>", LAB_SMTP_MAIL, LAB_SMTP_MAIL, NULL}, /* 550 */
	    {"RCPT TO:<bob@localhost>", LAB_SMTP_MAIL, LAB_SMTP_RCPT, "250 to RCPT"},
	    {"RCPT TO:<alice@localhost>", LAB_SMTP_RCPT, LAB_SMTP_RCPT, NULL},
	    {"DATA", LAB_SMTP_RCPT, LAB_SMTP_DATA, "354 to DATA"},
	    {"Subject: x", LAB_SMTP_DATA, LAB_SMTP_DATA, NULL},
	    {".", LAB_SMTP_DATA, LAB_SMTP_DELIVER, "end of DATA"},
	};
	struct fx *f = fx_new(PORT_SMTP, NULL, NULL);
	struct seen seen = {0};
	f->s.core.trace = (struct lab_trace){record_state, &seen};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		size_t before = seen.n;
		assert_int_equal(f->s.core.state, steps[i].from);
		cmd(f, steps[i].line);
		assert_int_equal(f->s.core.state, steps[i].to);
		if (!steps[i].why) {
			assert_int_equal(seen.n, before);
			continue;
		}
		assert_int_equal(seen.n, before + 1);
		char want[120];
		snprintf(want, sizeof(want), "%s -> %s (%s)", lab_smtp_state_names[steps[i].from],
		         lab_smtp_state_names[steps[i].to], steps[i].why);
		assert_string_equal(seen.lines[before], want);
	}
	/* The store's answer ends the transaction; RSET and TLS change state too. */
	buf_clear(&f->out);
	lab_smtp_delivered(&f->s, true, "ID1", &f->out);
	assert_string_equal(seen.lines[seen.n - 1], "deliver -> ready (250 queued)");
	cmd(f, "MAIL FROM:<>");
	cmd(f, "RSET");
	assert_string_equal(seen.lines[seen.n - 1], "mail -> ready (250 to RSET)");
	lab_smtp_tls_started(&f->s, "TLSv1.3");
	assert_string_equal(seen.lines[seen.n - 1], "ready -> init (TLS started)");
	/* Every state has a name. */
	for (int st = 0; st < LAB_SMTP_STATES; st++)
		assert_true(lab_smtp_state_names[st] && *lab_smtp_state_names[st]);
	fx_free(f);
}

/* --listen beyond loopback: AUTH is neither offered nor taken before TLS. */
static void remote_lab_wants_tls_for_auth(void **state)
{
	(void)state;
	struct fx *f = fx_new(PORT_SMTP, NULL, NULL);
	f->cfg.remote = true;
	assert_null(strstr(cmd(f, "EHLO c"), "AUTH"));
	assert_string_equal(cmd(f, "AUTH PLAIN AGFsaWNlAGFsaWNlLXB3"),
	                    "530 5.7.0 Must issue a STARTTLS command first\r\n");
	assert_null(f->s.auth);
	assert_string_equal(cmd(f, "STARTTLS"), "220 2.0.0 Ready to start TLS\r\n");
	lab_smtp_tls_started(&f->s, "TLSv1.3");
	assert_non_null(strstr(cmd(f, "EHLO c"), "250-AUTH PLAIN LOGIN CRAM-MD5"));
	login(f, "alice", "alice-pw");
	fx_free(f);
}

/* --domains: each listed domain is local; a user named with its domain
 * gets mail there only. */
static void listed_domains_are_local(void **state)
{
	(void)state;
	static const struct {
		const char *rcpt, *reply;
	} rows[] = {
	    {"bob@b.test", "250 2.1.5 Ok\r\n"},
	    {"BOB@B.TEST", "250 2.1.5 Ok\r\n"},
	    {"alice@a.test", "250 2.1.5 Ok\r\n"},
	    {"carol@b.test", "250 2.1.5 Ok\r\n"}, /* a bare name: every local domain */
	    {"bob@a.test", "550 5.1.1 <bob@a.test>: Recipient address rejected: User unknown in "
	                   "virtual mailbox table\r\n"},
	    {"bob@c.test", "554 5.7.1 <bob@c.test>: Relay access denied\r\n"},
	};
	struct fx *f = fx_new(PORT_SMTP, NULL, NULL);
	struct smtpsh_msg msg;
	lab_users_free(&f->users);
	assert_int_equal(
	    lab_users_parse(&f->users, "alice@a.test:a\nbob@b.test:b\ncarol:c\n", &msg), SMTPSH_OK);
	f->cfg.domains = "a.test,b.test";
	cmd(f, "EHLO c");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_string_equal(cmd(f, "RSET"), "250 2.0.0 Ok\r\n");
		cmd(f, "MAIL FROM:<x@example.org>");
		char line[200];
		snprintf(line, sizeof(line), "RCPT TO:<%s>", rows[i].rcpt);
		assert_string_equal(cmd(f, line), rows[i].reply);
	}
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(greeting_and_ehlo),
	    cmocka_unit_test(submission_wants_starttls_then_auth),
	    cmocka_unit_test(auth_login_plain_cram),
	    cmocka_unit_test(sequence_and_syntax_errors),
	    cmocka_unit_test(recipients_and_domains),
	    cmocka_unit_test(data_dot_unstuffing),
	    cmocka_unit_test(bare_lf_and_long_lines),
	    cmocka_unit_test(hard_error_limit),
	    cmocka_unit_test(personas_refuse_the_provider_way),
	    cmocka_unit_test(persona_ehlo_and_tls_rules),
	    cmocka_unit_test(injected_faults),
	    cmocka_unit_test(secrets_are_marked),
	    cmocka_unit_test(secrets_marked_on_every_refusal),
	    cmocka_unit_test(helo_name_is_printable_in_the_trace),
	    cmocka_unit_test(state_changes_are_traced),
	    cmocka_unit_test(remote_lab_wants_tls_for_auth),
	    cmocka_unit_test(listed_domains_are_local),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
