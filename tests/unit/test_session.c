/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The session state machine, driven over a socketpair: the test plays
 * the server on one end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <cmocka.h>

#include "session.h"

struct seen {
	char sent[8][128];
	int nsent;
	int replies;
	int last_code;
	char last_warn[200];
	char last_verb[16];
	bool answered;
	bool last_auth_unoffered;
	bool last_has_msgno;
	unsigned long last_msgno;
	int errors;
	enum smtpsh_err last_err;
	char last_error[SMTPSH_MSG_SIZE]; /* the error hook's sentence */
	enum session_event_kind events[4];
	int nevents;
	char transitions[16][96]; /* "smtp: from -> to (why)", as the hook saw them */
	int ntransitions;
};

static void h_sent(void *ctx, const struct session_sent *s)
{
	struct seen *w = ctx;
	snprintf(w->sent[w->nsent++ % 8], 128, "%.*s", (int)s->shown_len, s->shown);
}

static void h_reply(void *ctx, const struct reply *r)
{
	struct seen *w = ctx;
	extern struct session *current;
	w->replies++;
	w->last_code = r->code;
	w->answered = current->answering != NULL;
	snprintf(w->last_warn, sizeof(w->last_warn), "%s",
	         current->answering ? current->answering->warn : "");
	snprintf(w->last_verb, sizeof(w->last_verb), "%s",
	         current->answering ? current->answering->verb : "(none)");
	w->last_auth_unoffered = current->answering && current->answering->auth_unoffered;
	w->last_has_msgno = current->answering && current->answering->has_msgno;
	w->last_msgno = current->answering ? current->answering->msgno : 0;
}

static void h_error(void *ctx, enum smtpsh_err e, const char *msg, const char *msg_en,
                    const struct reply_line *l)
{
	(void)msg_en;
	struct seen *w = ctx;
	(void)l;
	w->errors++;
	w->last_err = e;
	snprintf(w->last_error, sizeof(w->last_error), "%s", msg);
}

static void h_event(void *ctx, const struct session_event *ev)
{
	struct seen *w = ctx;
	w->events[w->nevents++ % 4] = ev->kind;
}

static void h_state(void *ctx, enum proto p, enum pstate from, enum pstate to, const char *why)
{
	struct seen *w = ctx;
	snprintf(w->transitions[w->ntransitions++ % 16], 96, "%s: %s -> %s (%s)", proto_name(p),
	         proto_state_name(from), proto_state_name(to), why);
}

struct session *current;

struct fixture {
	struct session s;
	struct seen seen;
	int server; /* the test's end */
};

static int setup(void **state, enum proto p)
{
	static struct fixture f;
	memset(&f, 0, sizeof(f));
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	struct session_hooks h = {.ctx = &f.seen,
	                          .sent = h_sent,
	                          .reply = h_reply,
	                          .error = h_error,
	                          .event = h_event,
	                          .state = h_state};
	session_init(&f.s, p, &h, 2000);
	f.s.conn.fd = sv[0];
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	f.server = sv[1];
	f.s.state = ST_GREETING;
	f.s.npending = 1; /* the greeting, as session_connect queues it */
	current = &f.s;
	*state = &f;
	return 0;
}

static int setup_smtp(void **state)
{
	return setup(state, PROTO_SMTP);
}
static int setup_pop3(void **state)
{
	return setup(state, PROTO_POP3);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	session_free(&f->s);
	close(f->server);
	return 0;
}

/* The server says text; the session reads it all. */
static void server_says(struct fixture *f, const char *text)
{
	assert_int_equal(write(f->server, text, strlen(text)), (ssize_t)strlen(text));
	while (session_pump(&f->s, 50, NULL) == SMTPSH_OK)
		;
}

/* What the client wrote, read by the "server". */
static void server_hears(struct fixture *f, const char *expect)
{
	char buf[512];
	ssize_t n = read(f->server, buf, sizeof(buf) - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, expect);
}

static void send_line(struct fixture *f, const char *line)
{
	assert_int_equal(session_send(&f->s, line, strlen(line), 0, NULL), SMTPSH_OK);
}

static void smtp_full_transaction(void **state)
{
	struct fixture *f = *state;
	server_says(f, "220 mx.test ESMTP\r\n");
	assert_int_equal(f->s.state, ST_SMTP_INIT);
	assert_string_equal(f->s.banner, "mx.test ESMTP");
	assert_string_equal(f->seen.last_verb, "");

	send_line(f, "EHLO me");
	server_hears(f, "EHLO me\r\n");
	server_says(f,
	            "250-mx.test\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 1000\r\n");
	assert_int_equal(f->s.state, ST_SMTP_READY);
	assert_int_equal(f->s.ncaps, 3);
	assert_string_equal(f->s.server_name, "mx.test");
	assert_string_equal(session_cap(&f->s, "auth"), "AUTH PLAIN LOGIN");
	assert_null(session_cap(&f->s, "AUT"));

	send_line(f, "MAIL FROM:<a@b>");
	server_hears(f, "MAIL FROM:<a@b>\r\n");
	server_says(f, "250 2.1.0 Ok\r\n");
	assert_int_equal(f->s.state, ST_SMTP_MAIL);
	send_line(f, "RCPT TO:<c@d>");
	server_hears(f, "RCPT TO:<c@d>\r\n");
	server_says(f, "250 2.1.5 Ok\r\n");
	assert_int_equal(f->s.state, ST_SMTP_RCPT);
	assert_int_equal(f->s.rcpts, 1);
	send_line(f, "DATA");
	server_hears(f, "DATA\r\n");
	server_says(f, "354 End data with <CR><LF>.<CR><LF>\r\n");
	assert_int_equal(f->s.state, ST_SMTP_DATA);

	send_line(f, "Subject: hi");
	send_line(f, "");
	send_line(f, ".leading dot");
	send_line(f, "RCPT is just text here");
	send_line(f, ".");
	server_hears(f, "Subject: hi\r\n\r\n..leading dot\r\nRCPT is just text here\r\n.\r\n");
	assert_string_equal(f->seen.sent[(f->seen.nsent - 3) % 8], "..leading dot");
	server_says(f, "250 2.0.0 Ok: queued as X\r\n");
	assert_int_equal(f->s.state, ST_SMTP_READY);
	assert_int_equal(f->s.messages_sent, 1);
	assert_string_equal(f->seen.last_verb, "DATA");

	send_line(f, "QUIT");
	server_says(f, "221 2.0.0 Bye\r\n");
	assert_int_equal(f->s.state, ST_CLOSED);
	close(f->server);
	f->server = open("/dev/null", O_RDONLY);
	assert_int_equal(session_pump(&f->s, 100, NULL), SMTPSH_ECLOSED);
	assert_int_equal(f->s.protocol_errors, 0);
	assert_int_equal(f->seen.events[(f->seen.nevents - 1) % 4], SESSION_EV_CLOSED_BY_PEER);
}

/* The hook sees every change, in order, with what caused it; the ring
 * keeps the last SESSION_MAX_TRANSITIONS of them, oldest first. */
static void assert_transitions(const struct fixture *f, const char *const *want, int n)
{
	assert_int_equal(f->seen.ntransitions, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(f->seen.transitions[i], want[i]);
	int first = n > SESSION_MAX_TRANSITIONS ? n - SESSION_MAX_TRANSITIONS : 0;
	for (int i = first; i < n; i++) {
		const struct session_transition *t = session_transition(&f->s, (size_t)(i - first));
		assert_non_null(t);
		char text[96];
		snprintf(text, sizeof(text), "%s: %s -> %s (%s)", proto_name(f->s.proto),
		         proto_state_name(t->from), proto_state_name(t->to), t->why);
		assert_string_equal(text, want[i]);
	}
	assert_null(session_transition(&f->s, (size_t)(n - first)));
}

static void smtp_message(struct fixture *f)
{
	send_line(f, "MAIL FROM:<a@b>");
	server_says(f, "250 2.1.0 Ok\r\n");
	send_line(f, "RCPT TO:<c@d>");
	server_says(f, "250 2.1.5 Ok\r\n");
	send_line(f, "RCPT TO:<nobody@d>");
	server_says(f, "550 5.1.1 no such user\r\n"); /* no change: still rcpt */
	send_line(f, "DATA");
	server_says(f, "354 go ahead\r\n");
	send_line(f, "Subject: hi");
	send_line(f, ".");
	server_says(f, "250 2.0.0 queued\r\n");
}

static void smtp_transitions_traced(void **state)
{
	struct fixture *f = *state;
	server_says(f, "220 mx.test ESMTP\r\n");
	send_line(f, "EHLO me");
	server_says(f, "250-mx.test\r\n250 PIPELINING\r\n");
	send_line(f, "RSET");
	server_says(f, "250 Ok\r\n"); /* ready -> ready is no change */
	smtp_message(f);
	static const char *const one[] = {
	    "smtp: greeting -> init (220 greeting)", "smtp: init -> ready (250 to EHLO)",
	    "smtp: ready -> mail (250 to MAIL)",     "smtp: mail -> rcpt (250 to RCPT)",
	    "smtp: rcpt -> data (354 to DATA)",      "smtp: data -> ready (\".\" sent)",
	};
	assert_transitions(f, one, 6);

	/* A second message and QUIT: 11 changes, the ring keeps the last 8. */
	smtp_message(f);
	send_line(f, "QUIT");
	server_says(f, "221 2.0.0 Bye\r\n");
	close(f->server);
	f->server = open("/dev/null", O_RDONLY);
	assert_int_equal(session_pump(&f->s, 100, NULL),
	                 SMTPSH_ECLOSED); /* already closed: no change */
	static const char *const all[] = {
	    "smtp: greeting -> init (220 greeting)", "smtp: init -> ready (250 to EHLO)",
	    "smtp: ready -> mail (250 to MAIL)",     "smtp: mail -> rcpt (250 to RCPT)",
	    "smtp: rcpt -> data (354 to DATA)",      "smtp: data -> ready (\".\" sent)",
	    "smtp: ready -> mail (250 to MAIL)",     "smtp: mail -> rcpt (250 to RCPT)",
	    "smtp: rcpt -> data (354 to DATA)",      "smtp: data -> ready (\".\" sent)",
	    "smtp: ready -> closed (221 to QUIT)",
	};
	assert_transitions(f, all, 11);
	assert_int_equal(f->s.ntransitions, 11);
}

static void smtp_lost_connection_traced(void **state)
{
	struct fixture *f = *state;
	server_says(f, "220 mx\r\n");
	send_line(f, "EHLO me");
	close(f->server);
	f->server = open("/dev/null", O_RDONLY);
	assert_int_equal(session_pump(&f->s, 100, NULL), SMTPSH_ECLOSED);
	static const char *const want[] = {
	    "smtp: greeting -> init (220 greeting)",
	    "smtp: init -> closed (connection closed)",
	};
	assert_transitions(f, want, 2);
}

static void pop3_login_traced(void **state)
{
	struct fixture *f = *state;
	server_says(f, "+OK POP3 ready\r\n");
	send_line(f, "USER bob");
	server_says(f, "+OK\r\n");
	send_line(f, "PASS wrong");
	server_says(f, "-ERR [AUTH] Authentication failed.\r\n");
	send_line(f, "USER bob");
	server_says(f, "+OK\r\n");
	send_line(f, "PASS bob-secret");
	server_says(f, "+OK Logged in.\r\n");
	send_line(f, "STAT");
	server_says(f, "+OK 2 1419\r\n"); /* no change */
	send_line(f, "QUIT");
	server_says(f, "+OK Bye\r\n");
	static const char *const want[] = {
	    "pop3: greeting -> login (+OK greeting)", "pop3: login -> pass (+OK to USER)",
	    "pop3: pass -> login (-ERR to PASS)",     "pop3: login -> pass (+OK to USER)",
	    "pop3: pass -> trans (+OK to PASS)",      "pop3: trans -> closed (+OK to QUIT)",
	};
	assert_transitions(f, want, 6);
	/* session_close on a closed session changes nothing */
	session_close(&f->s);
	assert_int_equal(f->seen.ntransitions, 6);
}

static void smtp_auth_login_secrets(void **state)
{
	struct fixture *f = *state;
	server_says(f, "220 mx\r\n");
	send_line(f, "EHLO me");
	server_says(f, "250-mx\r\n250 AUTH LOGIN PLAIN\r\n");
	send_line(f, "AUTH LOGIN");
	server_says(f, "334 VXNlcm5hbWU6\r\n");
	assert_int_equal(f->s.state, ST_SASL);
	assert_string_equal(f->s.sasl_challenge, "Username:");
	assert_false(session_is_secret(&f->s, "YWxpY2U="));
	send_line(f, "YWxpY2U=");
	assert_string_equal(f->seen.sent[(f->seen.nsent - 1) % 8], "YWxpY2U=");
	server_says(f, "334 UGFzc3dvcmQ6\r\n");
	assert_true(session_is_secret(&f->s, "c2VjcmV0"));
	assert_false(session_is_secret(&f->s, "*"));
	send_line(f, "c2VjcmV0");
	assert_string_equal(f->seen.sent[(f->seen.nsent - 1) % 8], "[secret, 8 bytes]");
	server_says(f, "235 2.7.0 Authentication successful\r\n");
	assert_true(f->s.authenticated);
	assert_int_equal(f->s.state, ST_SMTP_READY);
	assert_string_equal(f->seen.last_verb, "AUTH");
}

/* The pending record of the line just sent. */
static const struct session_pending *just_sent(const struct fixture *f)
{
	return &f->s.pending[f->s.npending - 1];
}

/* Issue 12.4: a name typed as it is after 334 (not base64) is remembered
 * through the exchange; credentials without TLS are flagged once. */
static void smtp_auth_answers_judged(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *answer;
		bool not_b64;
	} rows[] = {
	    {"alice@example.com", true}, /* '@' is no base64 */
	    {"alice", true},             /* 5 characters: impossible length */
	    {"bob", true},               /* base64, but decodes to control bytes */
	    {"YWxpY2U=", false},
	    {"YWxpY2U", false}, /* padding left off */
	    {"YWxpY2UK",
	     false}, /* "alice\n" (echo alice | base64): base64; show names the newline */
	};
	server_says(f, "220 mx\r\n");
	send_line(f, "EHLO me");
	server_says(f, "250-mx\r\n250 AUTH LOGIN PLAIN\r\n");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		send_line(f, "AUTH LOGIN");
		assert_int_equal(just_sent(f)->cleartext_secret, false);
		server_says(f, "334 VXNlcm5hbWU6\r\n");
		send_line(f, rows[i].answer);
		if (just_sent(f)->sasl_not_b64 != rows[i].not_b64)
			fail_msg("row %zu: '%s' judged %s", i, rows[i].answer,
			         rows[i].not_b64 ? "base64" : "not base64");
		/* the first credential line of the connection is flagged */
		assert_int_equal(just_sent(f)->cleartext_secret, i == 0);
		server_says(f, "334 UGFzc3dvcmQ6\r\n");
		send_line(f, "c2VjcmV0");
		/* the exchange remembers a bad answer until it ends */
		assert_int_equal(just_sent(f)->sasl_not_b64, rows[i].not_b64);
		assert_false(just_sent(f)->cleartext_secret);
		server_says(f, "535 5.7.8 Error: authentication failed\r\n");
	}
	/* a new AUTH starts with a clean slate */
	send_line(f, "AUTH PLAIN AGFsaWNlAHNlY3JldA==");
	assert_false(just_sent(f)->sasl_not_b64);
	server_says(f, "535 5.7.8 Error: authentication failed\r\n");
}

static void pop3_pass_cleartext_once(void **state)
{
	struct fixture *f = *state;
	server_says(f, "+OK ready\r\n");
	send_line(f, "USER alice");
	assert_false(just_sent(f)->cleartext_secret);
	server_says(f, "+OK\r\n");
	send_line(f, "PASS secret");
	assert_true(just_sent(f)->cleartext_secret);
	server_says(f, "-ERR [AUTH] Authentication failed.\r\n");
	send_line(f, "USER alice");
	server_says(f, "+OK\r\n");
	send_line(f, "PASS secret");
	assert_false(just_sent(f)->cleartext_secret);
	server_says(f, "-ERR [AUTH] Authentication failed.\r\n");
}

static void smtp_auth_plain_initial_response_redacted(void **state)
{
	struct fixture *f = *state;
	server_says(f, "220 mx\r\n");
	send_line(f, "EHLO me");
	server_says(f, "250 mx\r\n");
	assert_true(session_is_secret(&f->s, "AUTH PLAIN AGFsaWNlAHNlY3JldA=="));
	assert_false(session_is_secret(&f->s, "AUTH LOGIN YWxpY2U="));
	assert_false(session_is_secret(&f->s, "AUTH PLAIN"));
	send_line(f, "AUTH PLAIN AGFsaWNlAHNlY3JldA==");
	assert_string_equal(f->seen.sent[(f->seen.nsent - 1) % 8], "AUTH PLAIN [secret, 20 bytes]");
	server_hears(f, "EHLO me\r\nAUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n");
	server_says(f, "535 5.7.8 Error: authentication failed\r\n");
	assert_false(f->s.authenticated);
	assert_int_equal(f->s.state, ST_SMTP_READY);
}

static void smtp_out_of_order_is_remembered(void **state)
{
	struct fixture *f = *state;
	server_says(f, "220 mx\r\n");
	send_line(f, "EHLO me");
	server_says(f, "250 mx\r\n");
	assert_non_null(session_check(&f->s, "RCPT TO:<x@y>"));
	send_line(f, "RCPT TO:<x@y>");
	server_says(f, "503 5.5.1 Error: need MAIL command\r\n");
	assert_int_equal(f->seen.last_code, 503);
	assert_non_null(strstr(f->seen.last_warn, "RCPT before MAIL"));
	assert_int_equal(f->s.state, ST_SMTP_READY);
}

/* AUTH to a server whose EHLO listed no AUTH: warned before it is sent,
 * and its reply is not read as RFC 4954's "500 to AUTH: line too long". */
static void smtp_auth_not_offered(void **state)
{
	struct fixture *f = *state;
	server_says(f, "220 mx\r\n");
	send_line(f, "EHLO me");
	server_says(f, "250-mx\r\n250-PIPELINING\r\n250 STARTTLS\r\n");
	const char *w = session_check(&f->s, "AUTH PLAIN AGEAYg==");
	assert_non_null(w);
	assert_non_null(strstr(w, "offers no AUTH"));
	assert_non_null(strstr(w, "STARTTLS")); /* it may come after STARTTLS */
	send_line(f, "AUTH PLAIN AGEAYg==");
	server_says(f, "500 5.5.1 Unrecognized command\r\n");
	assert_int_equal(f->seen.last_code, 500);
	assert_true(f->seen.last_auth_unoffered);
	assert_non_null(strstr(f->seen.last_warn, "offers no AUTH"));

	/* offered: no warning, and a 500 keeps its RFC 4954 meaning */
	send_line(f, "EHLO me");
	server_says(f, "250-mx\r\n250 AUTH=PLAIN\r\n");
	assert_null(session_check(&f->s, "AUTH PLAIN AGEAYg=="));
	send_line(f, "AUTH PLAIN AGEAYg==");
	server_says(f, "500 5.5.6 Authentication Exchange line is too long\r\n");
	assert_false(f->seen.last_auth_unoffered);
}

static void smtp_unsolicited_421(void **state)
{
	struct fixture *f = *state;
	server_says(f, "220 mx\r\n");
	server_says(f, "421 4.4.2 mx Error: timeout exceeded\r\n");
	assert_false(f->seen.answered);
	assert_int_equal(f->s.state, ST_CLOSED);
}

static void smtp_close_mid_reply(void **state)
{
	struct fixture *f = *state;
	server_says(f, "220 mx\r\n");
	send_line(f, "EHLO me");
	server_says(f, "250-mx\r\n");
	close(f->server);
	f->server = open("/dev/null", O_RDONLY);
	assert_int_equal(session_pump(&f->s, 100, NULL), SMTPSH_ECLOSED);
	assert_true(f->seen.errors >= 1);
	assert_int_equal(f->seen.last_err, SMTPSH_ECLOSED);
	assert_true(f->s.protocol_errors > 0);
	assert_false(session_connected(&f->s));
	assert_int_equal(session_send(&f->s, "NOOP", 4, 0, NULL), SMTPSH_ESTATE);
}

static void smtp_malformed_reply_keeps_state(void **state)
{
	struct fixture *f = *state;
	server_says(f, "220 mx\r\n");
	send_line(f, "EHLO me");
	server_says(f, "250 mx\r\n");
	send_line(f, "NOOP");
	server_says(f, "HTTP/1.1 400 Bad Request\r\n");
	assert_int_equal(f->seen.errors, 1);
	assert_int_equal(f->s.npending, 0);
	assert_int_equal(f->s.state, ST_SMTP_READY);
	assert_int_equal(session_send(&f->s, "A\r\nB", 4, 0, NULL), SMTPSH_EINVAL);
}

static void pop3_login_list_retr(void **state)
{
	struct fixture *f = *state;
	server_says(f, "+OK POP3 ready <1896.697170952@dbc.mtview.ca.us>\r\n");
	assert_int_equal(f->s.state, ST_POP3_AUTH);
	assert_string_equal(f->s.apop_stamp, "<1896.697170952@dbc.mtview.ca.us>");
	assert_non_null(session_check(&f->s, "RETR 1"));
	send_line(f, "USER bob");
	server_says(f, "+OK\r\n");
	assert_int_equal(f->s.state, ST_POP3_USER);
	assert_true(session_is_secret(&f->s, "PASS bob-secret"));
	send_line(f, "PASS bob-secret");
	assert_string_equal(f->seen.sent[(f->seen.nsent - 1) % 8], "PASS [secret, 10 bytes]");
	server_says(f, "+OK Logged in.\r\n");
	assert_int_equal(f->s.state, ST_POP3_TRANS);
	assert_true(f->s.authenticated);
	send_line(f, "STAT");
	server_says(f, "+OK 2 1419\r\n");
	assert_int_equal(f->s.pop3_count, 2);
	assert_int_equal(f->s.pop3_octets, 1419);
	send_line(f, "LIST");
	server_says(f, "+OK 2 messages:\r\n1 675\r\n2 744\r\n.\r\n");
	assert_int_equal(f->s.body_items, 2);
	assert_int_equal(f->s.body_sum, 1419);
	send_line(f, "LIST 1");
	server_says(f, "+OK 1 675\r\n");
	assert_int_equal(f->seen.last_code, REPLY_POP3_OK);
	assert_int_equal(f->s.npending, 0);
	send_line(f, "RETR 1");
	server_says(f, "+OK 20 octets\r\nSubject: x\r\n\r\n..dot\r\n.\r\n");
	assert_int_equal(f->s.npending, 0);
	assert_string_equal(f->seen.last_verb, "RETR");
	send_line(f, "QUIT");
	server_says(f, "+OK Logging out.\r\n");
	assert_int_equal(f->s.state, ST_CLOSED);
}

/* A command's message number is remembered with it, so that the answer
 * can be checked against it ("UIDL 1" -> "+OK 1 <id>"). */
static void pop3_message_number(void **state)
{
	struct fixture *f = *state;
	server_says(f, "+OK ready\r\n");
	send_line(f, "USER bob");
	server_says(f, "+OK\r\n");
	assert_false(f->seen.last_has_msgno);
	send_line(f, "PASS 123");
	server_says(f, "+OK\r\n");
	assert_false(f->seen.last_has_msgno); /* PASS's argument is no number */
	send_line(f, "UIDL 17");
	server_says(f, "+OK whqtswO00WBw418f9t5JxYwZ\r\n");
	assert_true(f->seen.last_has_msgno);
	assert_int_equal(f->seen.last_msgno, 17);
	send_line(f, "LIST 2x");
	server_says(f, "-ERR no such message\r\n");
	assert_false(f->seen.last_has_msgno);
}

static void pop3_capa_and_wrong_password(void **state)
{
	struct fixture *f = *state;
	server_says(f, "+OK ready\r\n");
	send_line(f, "CAPA");
	server_says(f, "+OK\r\nCAPA\r\nTOP\r\nSASL PLAIN LOGIN\r\nSTLS\r\n.\r\n");
	assert_int_equal(f->s.ncaps, 4);
	assert_non_null(session_cap(&f->s, "STLS"));
	send_line(f, "USER bob");
	server_says(f, "+OK\r\n");
	send_line(f, "PASS nope");
	server_says(f, "-ERR [AUTH] Authentication failed.\r\n");
	assert_int_equal(f->s.state, ST_POP3_AUTH);
	assert_false(f->s.authenticated);
}

static void pop3_sasl_plus_continuation(void **state)
{
	struct fixture *f = *state;
	server_says(f, "+OK ready\r\n");
	send_line(f, "AUTH LOGIN");
	server_says(f, "+ VXNlcm5hbWU6\r\n");
	assert_int_equal(f->s.state, ST_SASL);
	send_line(f, "Ym9i");
	server_says(f, "+ UGFzc3dvcmQ6\r\n");
	assert_true(session_is_secret(&f->s, "c2VjcmV0"));
	send_line(f, "c2VjcmV0");
	server_says(f, "+OK Logged in.\r\n");
	assert_int_equal(f->s.state, ST_POP3_TRANS);
	assert_true(f->s.authenticated);
}

static long long elapsed_ms(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000LL + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* A server that stops reading during DATA: the write times out once and
 * the connection is closed, so that no later line can be spliced onto the
 * cut one and no "." can complete a message with a hole in it. */
static void smtp_write_timeout_closes_the_connection(void **state)
{
	struct fixture *f = *state;
	server_says(f, "220 mx\r\n");
	send_line(f, "DATA");
	server_hears(f, "DATA\r\n");
	server_says(f, "354 go ahead\r\n");
	assert_int_equal(f->s.state, ST_SMTP_DATA);
	f->s.timeout_ms = 200;
	char line[1000];
	memset(line, 'x', sizeof(line));
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	enum smtpsh_err e = SMTPSH_OK;
	for (int i = 0; i < 100000 && e == SMTPSH_OK; i++) /* the server reads none */
		e = session_send(&f->s, line, sizeof(line), 0, NULL);
	assert_int_equal(e, SMTPSH_ETIMEOUT);
	assert_true(elapsed_ms(&t0) < 1500);
	assert_false(session_connected(&f->s));
	assert_int_equal(f->s.state, ST_CLOSED);
	assert_int_equal(f->s.npending, 0);
	assert_int_equal(f->seen.errors, 1);
	assert_int_equal(f->seen.last_err, SMTPSH_ETIMEOUT);
	assert_true(f->s.protocol_errors > 0);
	assert_int_equal(session_send(&f->s, ".", 1, 0, NULL), SMTPSH_ESTATE);
}

/* The TLS upgrade is a step the caller's loop takes: the go-ahead only
 * makes it due; the reader stops there (what follows is no reply), nothing
 * is read or sent until the step, and the step brings the handler's first
 * state.  Offline, so the step needs no handshake. */
struct tls_case {
	enum proto proto;
	const char *greeting, *hello, *hello_reply, *starttls, *go_ahead;
	enum pstate after;
	const char *why;
};
static const struct tls_case tls_cases[] = {
    {PROTO_SMTP, "220 mx\r\n", "EHLO me", "250-mx\r\n250 STARTTLS\r\n", "STARTTLS",
     "220 go ahead\r\n", ST_SMTP_INIT, "smtp: ready -> init (TLS up after STARTTLS)"},
    {PROTO_POP3, "+OK hi\r\n", "CAPA", "+OK\r\nSTLS\r\n.\r\n", "STLS", "+OK go ahead\r\n",
     ST_POP3_AUTH, NULL /* login -> login: no transition */},
};

static void feed(struct session *s, const char *text)
{
	session_feed(s, text, strlen(text), NULL);
}

static void tls_upgrade_is_a_step(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(tls_cases) / sizeof(tls_cases[0]); i++) {
		const struct tls_case *c = &tls_cases[i];
		static struct seen seen;
		memset(&seen, 0, sizeof(seen));
		struct session_hooks h = {.ctx = &seen, .reply = h_reply, .state = h_state};
		struct session s;
		session_init(&s, c->proto, &h, 2000);
		current = &s;
		session_start_offline(&s);
		feed(&s, c->greeting);
		assert_int_equal(session_send(&s, c->hello, strlen(c->hello), 0, NULL), SMTPSH_OK);
		feed(&s, c->hello_reply);
		assert_int_equal(session_send(&s, c->starttls, strlen(c->starttls), 0, NULL),
		                 SMTPSH_OK);
		int replies = seen.replies;
		enum pstate before = s.state;
		/* the go-ahead, and a line injected after it in the same bytes */
		feed(&s, c->go_ahead);
		feed(&s, "250 injected\r\n");
		assert_true(session_tls_due(&s));
		assert_false(s.tls);
		assert_int_equal(s.state, before);
		assert_int_equal(seen.replies, replies + 1); /* the go-ahead, not the injection */
		assert_int_equal(session_pump(&s, 0, NULL), SMTPSH_ESTATE);
		assert_int_equal(session_send(&s, c->hello, strlen(c->hello), 0, NULL),
		                 SMTPSH_ESTATE);

		assert_int_equal(session_start_tls(&s, NULL), SMTPSH_OK);
		assert_false(session_tls_due(&s));
		assert_true(s.tls);
		assert_int_equal(s.state, c->after);
		assert_false(s.caps_known); /* forgotten with TLS */
		if (c->why)
			assert_string_equal(seen.transitions[(seen.ntransitions - 1) % 16], c->why);
		assert_int_equal(session_start_tls(&s, NULL), SMTPSH_ESTATE); /* once */
		assert_int_equal(seen.replies, replies + 1);
		session_free(&s);
	}
}

/* Live: the go-ahead arrives with injected bytes behind it; the pump
 * stops at the go-ahead and the handshake waits for the loop. */
static void smtp_tls_go_ahead_live(void **state)
{
	struct fixture *f = *state;
	server_says(f, "220 mx\r\n");
	send_line(f, "EHLO me");
	server_says(f, "250-mx\r\n250 STARTTLS\r\n");
	send_line(f, "STARTTLS");
	int replies = f->seen.replies;
	server_says(f, "220 go ahead\r\n250 injected\r\n");
	assert_true(session_tls_due(&f->s));
	assert_int_equal(f->seen.replies, replies + 1);
	assert_int_equal(f->seen.last_code, 220);
	assert_false(f->s.tls);
	assert_int_equal(session_pump(&f->s, 0, NULL), SMTPSH_ESTATE);
}

/* A refused call says why in msg; NULL is accepted everywhere. */
static void refusals_say_why(void **state)
{
	struct fixture *f = *state;
	struct smtpsh_msg why;
	server_says(f, "220 mx\r\n");
	assert_int_equal(session_send(&f->s, "A\rB", 3, 0, &why), SMTPSH_EINVAL);
	assert_string_equal(why.text,
	                    "a line cannot contain CR or LF (the shell adds CRLF itself)");
	assert_int_equal(session_start_tls(&f->s, &why), SMTPSH_ESTATE);
	assert_string_equal(why.text, "no TLS upgrade is due");
	assert_int_equal(session_start_tls(&f->s, NULL), SMTPSH_ESTATE);
	assert_int_equal(session_pump(&f->s, 0, &why), SMTPSH_ETIMEOUT);
	assert_true(why.text[0] != '\0');
	session_close(&f->s);
	assert_int_equal(session_send(&f->s, "NOOP", 4, 0, &why), SMTPSH_ESTATE);
	assert_string_equal(why.text, "not connected");
	assert_int_equal(session_pump(&f->s, 0, &why), SMTPSH_ECLOSED);
	assert_string_equal(why.text, "not connected");
	assert_int_equal(f->seen.errors, 0); /* refusals are no connection errors */
}

/* A failure that ends the connection tells the error hooks and the
 * caller the same sentence. */
static void lost_connection_said_twice(void **state)
{
	struct fixture *f = *state;
	struct smtpsh_msg why;
	close(f->server);
	f->server = open("/dev/null", O_RDONLY);
	assert_int_equal(session_pump(&f->s, 100, &why), SMTPSH_ECLOSED);
	assert_string_equal(why.text,
	                    "the server closed the connection while a reply (the greeting) was "
	                    "awaited");
	assert_string_equal(f->seen.last_error, why.text);
}

static void write_failure_said_twice(void **state)
{
	struct fixture *f = *state;
	struct smtpsh_msg why;
	server_says(f, "220 mx\r\n");
	close(f->server);
	f->server = open("/dev/null", O_RDONLY);
	assert_int_equal(session_send(&f->s, "NOOP", 4, 0, &why), SMTPSH_ECLOSED);
	assert_non_null(strstr(why.text, "write to "));
	assert_non_null(
	    strstr(why.text, ": connection closed (the line may have gone out cut short)"));
	assert_string_equal(f->seen.last_error, why.text);
	assert_int_equal(f->seen.errors, 1);
	assert_false(session_connected(&f->s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(smtp_full_transaction, setup_smtp, teardown),
	    cmocka_unit_test_setup_teardown(smtp_transitions_traced, setup_smtp, teardown),
	    cmocka_unit_test_setup_teardown(smtp_lost_connection_traced, setup_smtp, teardown),
	    cmocka_unit_test_setup_teardown(pop3_login_traced, setup_pop3, teardown),
	    cmocka_unit_test_setup_teardown(smtp_auth_answers_judged, setup_smtp, teardown),
	    cmocka_unit_test_setup_teardown(pop3_pass_cleartext_once, setup_pop3, teardown),
	    cmocka_unit_test_setup_teardown(smtp_auth_login_secrets, setup_smtp, teardown),
	    cmocka_unit_test_setup_teardown(smtp_auth_plain_initial_response_redacted, setup_smtp,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(smtp_out_of_order_is_remembered, setup_smtp, teardown),
	    cmocka_unit_test_setup_teardown(smtp_unsolicited_421, setup_smtp, teardown),
	    cmocka_unit_test_setup_teardown(smtp_close_mid_reply, setup_smtp, teardown),
	    cmocka_unit_test_setup_teardown(smtp_malformed_reply_keeps_state, setup_smtp, teardown),
	    cmocka_unit_test_setup_teardown(pop3_login_list_retr, setup_pop3, teardown),
	    cmocka_unit_test_setup_teardown(pop3_capa_and_wrong_password, setup_pop3, teardown),
	    cmocka_unit_test_setup_teardown(pop3_sasl_plus_continuation, setup_pop3, teardown),
	    cmocka_unit_test_setup_teardown(smtp_write_timeout_closes_the_connection, setup_smtp,
	                                    teardown),
	    cmocka_unit_test(tls_upgrade_is_a_step),
	    cmocka_unit_test_setup_teardown(smtp_tls_go_ahead_live, setup_smtp, teardown),
	    cmocka_unit_test_setup_teardown(smtp_auth_not_offered, setup_smtp, teardown),
	    cmocka_unit_test_setup_teardown(pop3_message_number, setup_pop3, teardown),
	    cmocka_unit_test_setup_teardown(refusals_say_why, setup_smtp, teardown),
	    cmocka_unit_test_setup_teardown(lost_connection_said_twice, setup_smtp, teardown),
	    cmocka_unit_test_setup_teardown(write_failure_said_twice, setup_smtp, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
