/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Session events reach every subscriber, and what the recorder writes
 * reads back as the same events (a round trip over every token). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "recorder.h"
#include "session.h"
#include "transcript.h"

struct listener {
	enum session_event_kind kinds[8];
	int nevents, nsent, nlines, nreplies;
};

static void l_event(void *ctx, const struct session_event *ev)
{
	struct listener *l = ctx;
	l->kinds[l->nevents++ % 8] = ev->kind;
}
static void l_sent(void *ctx, const struct session_sent *s)
{
	(void)s;
	((struct listener *)ctx)->nsent++;
}
static void l_line(void *ctx, const struct reply_line *line)
{
	(void)line;
	((struct listener *)ctx)->nlines++;
}
static void l_reply(void *ctx, const struct reply *r)
{
	(void)r;
	((struct listener *)ctx)->nreplies++;
}

/* Two subscribers of an offline session see the same lines, replies and
 * events; an unsubscribed one sees no more. */
static void two_subscribers(void **state)
{
	(void)state;
	struct listener a = {0}, b = {0};
	struct session_hooks ha = {
	    .ctx = &a, .event = l_event, .sent = l_sent, .line = l_line, .reply = l_reply};
	struct session_hooks hb = ha;
	hb.ctx = &b;
	struct session s;
	session_init(&s, PROTO_SMTP, &ha, 1000);
	assert_int_equal(session_subscribe(&s, &hb), SMTPSH_OK);
	session_start_offline(&s);
	session_feed(&s, "220 hi\r\n", 8, NULL);
	assert_int_equal(session_send(&s, "QUIT", 4, 0, NULL), SMTPSH_OK);
	session_feed(&s, "221 bye\r\n", 9, NULL);
	session_feed_eof(&s);
	assert_int_equal(a.nlines, 2);
	assert_int_equal(a.nreplies, 2);
	assert_int_equal(a.nsent, 1);
	assert_int_equal(a.nevents, 1);
	assert_int_equal(a.kinds[0], SESSION_EV_CLOSED_BY_PEER);
	assert_memory_equal(&a, &b, sizeof(a));

	session_free(&s);

	session_init(&s, PROTO_SMTP, &ha, 1000);
	session_subscribe(&s, &hb);
	session_unsubscribe(&s, &a);
	session_start_offline(&s);
	session_feed(&s, "220 again\r\n", 11, NULL);
	assert_int_equal(a.nlines, 2);
	assert_int_equal(b.nlines, 3);
	session_free(&s);
}

/* No more than SESSION_MAX_SUBSCRIBERS. */
static void subscribers_bounded(void **state)
{
	(void)state;
	struct session s;
	struct session_hooks h = {0};
	session_init(&s, PROTO_POP3, NULL, 1000);
	for (int i = 0; i < SESSION_MAX_SUBSCRIBERS; i++)
		assert_int_equal(session_subscribe(&s, &h), SMTPSH_OK);
	assert_int_equal(session_subscribe(&s, &h), SMTPSH_ENOMEM);
	session_free(&s);
}

/* Every event the recorder can be handed, and the token it must read
 * back as. */
static void round_trip(void **state)
{
	(void)state;
	char path[] = "/tmp/test_recorder_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct transcript_writer w;
	assert_int_equal(transcript_open(&w, path, "smtp://h", "smtp", false, NULL), SMTPSH_OK);
	struct recorder rec = {.w = &w};
	struct session_hooks h = recorder_hooks(&rec);

	struct tls_info unverified = {.version = "TLSv1.3", .cipher = "C", .subject = "CN=x"};
	struct tls_info verified = unverified;
	verified.verified = true;
	const struct session_event events[] = {
	    {.kind = SESSION_EV_CONNECTED, .addr = "127.0.0.1", .host = "localhost", .port = 25},
	    {.kind = SESSION_EV_TLS, .tls = &verified},
	    {.kind = SESSION_EV_TLS, .tls = &unverified, .starttls = true, .injected = 5},
	    {.kind = SESSION_EV_CLOSED_BY_US},
	    {.kind = SESSION_EV_CLOSED_BY_PEER},
	};
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		h.event(h.ctx, &events[i]);
	/* the screen's words may be translated; the transcript keeps English */
	h.error(h.ctx, SMTPSH_EPROTO, "\xe5\xba\x94\xe7\xad\x94", "a malformed reply", NULL);
	struct reply_line cut = {
	    .raw = "250 x", .raw_len = 5, .full_len = 9000, .flags = LINE_TRUNCATED};
	h.line(h.ctx, &cut);
	transcript_close(&w);

	static const enum transcript_event want[] = {
	    TRANSCRIPT_EV_CONNECTED,      TRANSCRIPT_EV_TLS_IMPLICIT,   TRANSCRIPT_EV_ERROR,
	    TRANSCRIPT_EV_TLS_STARTTLS,   TRANSCRIPT_EV_TLS_UNVERIFIED, TRANSCRIPT_EV_CLOSED_BY_US,
	    TRANSCRIPT_EV_CLOSED_BY_PEER, TRANSCRIPT_EV_ERROR,          TRANSCRIPT_EV_LINE_CUT,
	};
	unsigned seen = 0; /* a bit per token */
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	struct transcript_reader r;
	struct transcript_item it;
	transcript_reader_init(&r, f);
	transcript_item_init(&it);
	size_t k = 0;
	enum smtpsh_err e;
	while ((e = transcript_next(&r, &it, NULL)) == SMTPSH_OK) {
		if (it.kind != TR_EVENT)
			continue;
		assert_true(k < sizeof(want) / sizeof(want[0]));
		if (it.event != want[k])
			fail_msg("event %zu: token %d, want %d (%s)", k, it.event, want[k],
			         it.bytes.data);
		/* the token is what the table says, the detail follows it */
		const char *token = transcript_event_token(it.event);
		assert_memory_equal(it.bytes.data, token, strlen(token));
		assert_true(it.detail >= strlen(token));
		if (it.event == TRANSCRIPT_EV_ERROR && k == 7)
			assert_non_null(strstr(it.bytes.data, "a malformed reply"));
		seen |= 1u << it.event;
		k++;
	}
	assert_int_equal(e, SMTPSH_ECLOSED);
	assert_int_equal(k, sizeof(want) / sizeof(want[0]));
	/* every token of the table was written and read */
	for (int ev = TRANSCRIPT_EV_CONNECTED; ev <= TRANSCRIPT_EV_LINE_CUT; ev++)
		if (!(seen & (1u << ev)))
			fail_msg("token %d never read back", ev);
	transcript_item_free(&it);
	transcript_reader_free(&r);
	fclose(f);
	unlink(path);
}

/* What earlier versions wrote reads as the same tokens; a line with no
 * token is TRANSCRIPT_EV_OTHER. */
static void parse_table(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		enum transcript_event ev;
		const char *detail;
	} cases[] = {
	    {"connected to 127.0.0.1 port 110 (pop3)", TRANSCRIPT_EV_CONNECTED,
	     "to 127.0.0.1 port 110 (pop3)"},
	    {"tls starttls TLSv1.3 TLS_AES_256_GCM_SHA384 subject=CN=smtp.qq.com",
	     TRANSCRIPT_EV_TLS_STARTTLS, "TLSv1.3 TLS_AES_256_GCM_SHA384 subject=CN=smtp.qq.com"},
	    {"tls implicit TLSv1.2 C subject=", TRANSCRIPT_EV_TLS_IMPLICIT, "TLSv1.2 C subject="},
	    {"tls unverified (--insecure): self-signed", TRANSCRIPT_EV_TLS_UNVERIFIED,
	     "(--insecure): self-signed"},
	    {"connection closed by the server", TRANSCRIPT_EV_CLOSED_BY_PEER, ""},
	    {"connection closed: nothing was sent", TRANSCRIPT_EV_CLOSED_BY_US, "nothing was sent"},
	    {"error: no reply", TRANSCRIPT_EV_ERROR, "no reply"},
	    {"line cut: 9000 bytes received, 5 kept", TRANSCRIPT_EV_LINE_CUT,
	     "9000 bytes received, 5 kept"},
	    {"connectedness", TRANSCRIPT_EV_OTHER, "connectedness"},
	    {"tlsv1 up", TRANSCRIPT_EV_OTHER, "tlsv1 up"},
	    {"client greets", TRANSCRIPT_EV_OTHER, "client greets"},
	    {"", TRANSCRIPT_EV_OTHER, ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t detail;
		enum transcript_event ev =
		    transcript_event_parse(cases[i].text, strlen(cases[i].text), &detail);
		if (ev != cases[i].ev || strcmp(cases[i].text + detail, cases[i].detail))
			fail_msg("case %zu: %d \"%s\"", i, ev, cases[i].text + detail);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(two_subscribers),
	    cmocka_unit_test(subscribers_bounded),
	    cmocka_unit_test(round_trip),
	    cmocka_unit_test(parse_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
