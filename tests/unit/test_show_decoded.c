/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What show reads out of a session: a client's SASL answers decoded
 * (the password only counted unless revealed) and the headers a server
 * added to a retrieved message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "b64.h"
#include "mime/tree.h"
#include "sasl_answer.h"
#include "trace_headers.h"

#define N(a) (sizeof(a) / sizeof(*(a)))

/* Answers given as their decoded bytes (len, NULs allowed); encoded here. */
static const struct {
	const char *mech;
	unsigned index;
	const char *plain;
	size_t plain_len;
	bool reveal;
	enum sasl_answer_kind kind;
	const char *authzid, *user, *secret;
	size_t secret_len, nuls;
} answers[] = {
    {"LOGIN", 0, "alice", 5, false, SASL_ANSWER_LOGIN_USER, "", "alice", "", 0, 0},
    {"login", 0, "alice\n", 6, false, SASL_ANSWER_LOGIN_USER, "", "alice\n", "", 0, 0},
    {"LOGIN", 1, "alice-secret", 12, false, SASL_ANSWER_LOGIN_PASSWORD, "", "", "", 12, 0},
    {"LOGIN", 1, "alice-secret", 12, true, SASL_ANSWER_LOGIN_PASSWORD, "", "", "alice-secret", 12,
     0},
    {"PLAIN", 0, "\0alice\0secret", 13, false, SASL_ANSWER_PLAIN, "", "alice", "", 6, 0},
    {"PLAIN", 0, "boss\0alice\0secret", 17, false, SASL_ANSWER_PLAIN, "boss", "alice", "", 6, 0},
    {"PLAIN", 0, "\0alice\0secret", 13, true, SASL_ANSWER_PLAIN, "", "alice", "secret", 6, 0},
    {"PLAIN", 0, "\0alice\0", 7, false, SASL_ANSWER_PLAIN, "", "alice", "", 0, 0},
    {"PLAIN", 0, "alice\0secret", 12, false, SASL_ANSWER_PLAIN_MALFORMED, "", "", "", 0, 1},
    {"PLAIN", 0, "\0a\0b\0c", 6, false, SASL_ANSWER_PLAIN_MALFORMED, "", "", "", 0, 3},
    {"PLAIN", 1, "\0alice\0secret", 13, false, SASL_ANSWER_NONE, "", "", "", 0, 0},
    {"CRAM-MD5", 0, "tim b913a602c7eda7a495b4e6e7334d3890", 36, false, SASL_ANSWER_CRAM_MD5, "",
     "tim", "", 0, 0},
    {"CRAM-MD5", 0, "tim not-a-digest", 16, false, SASL_ANSWER_NONE, "", "", "", 0, 0},
    {"XOAUTH2", 0, "user=a\1auth=Bearer t\1\1", 22, false, SASL_ANSWER_NONE, "", "", "", 0, 0},
};

static void answers_decoded(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(answers); i++) {
		struct buf enc;
		buf_init(&enc, 0);
		assert_int_equal(b64_encode(&enc, answers[i].plain, answers[i].plain_len),
		                 SMTPSH_OK);
		struct sasl_answer a;
		sasl_answer_read(&a, answers[i].mech, answers[i].index, enc.data, enc.len,
		                 answers[i].reveal);
		if (a.kind != answers[i].kind)
			fail_msg("row %zu: kind %d, want %d", i, a.kind, answers[i].kind);
		if (a.user_len != strlen(answers[i].user))
			fail_msg("row %zu: user length %zu", i, a.user_len);
		assert_memory_equal(a.user, answers[i].user, a.user_len);
		assert_string_equal(a.authzid, answers[i].authzid);
		assert_string_equal(a.secret, answers[i].secret);
		assert_int_equal(a.secret_len, answers[i].secret_len);
		assert_int_equal(a.nuls, answers[i].nuls);
		sasl_answer_wipe(&a);
		buf_free(&enc);
	}
}

/* Lines that are no base64 answer at all: a transcript's redacted form,
 * the cancel, PLAIN's empty initial response. */
static void not_answers(void **state)
{
	(void)state;
	static const char *lines[] = {"[secret, 16 bytes]", "*", "=", "", "YWxpY2U"};
	static const enum sasl_answer_kind kinds[] = {SASL_ANSWER_NONE, SASL_ANSWER_NONE,
	                                              SASL_ANSWER_NONE, SASL_ANSWER_NONE,
	                                              SASL_ANSWER_LOGIN_USER};
	for (size_t i = 0; i < N(lines); i++) {
		struct sasl_answer a;
		sasl_answer_read(&a, "LOGIN", 0, lines[i], strlen(lines[i]), true);
		if (a.kind != kinds[i])
			fail_msg("'%s': kind %d", lines[i], a.kind);
	}
}

#define POSTFIX_HOP(id, date)                                                                      \
	"Received: from client.example (unknown [127.0.0.1])\r\n\tby mail.smtpsh.test (Postfix) "  \
	"with ESMTPA id " id "\r\n\tfor <bob@localhost>; " date "\r\n"

static const struct {
	const char *message;
	size_t n;
	struct {
		enum trace_kind kind;
		unsigned hop, hops;
		const char *from, *by, *id, *value;
	} want[4];
} messages[] = {
    /* lesson 04: Postfix wrote Message-Id and Date for a client that sent none */
    {"Return-Path: <alice@localhost>\r\nDelivered-To: bob@localhost\r\n" POSTFIX_HOP(
         "A6791104086", "Mon, 23 Nov 2026 06:19:49 +0000 (UTC)") "From: alice@localhost\r\n"
                                                                 "Message-Id: "
                                                                 "<20261123061949.A6791104086@"
                                                                 "mail.smtpsh.test>\r\nDate: "
                                                                 "Mon, 23 Nov 2026 06:19:49 "
                                                                 "+0000 (UTC)\r\n\r\nHi\r\n",
     5,
     {{TRACE_RETURN_PATH, 0, 0, "", "", "", "<alice@localhost>"},
      {TRACE_DELIVERED_TO, 0, 0, "", "", "", "bob@localhost"},
      {TRACE_RECEIVED, 1, 1, "client.example", "mail.smtpsh.test", "A6791104086", ""},
      {TRACE_MESSAGE_ID_ADDED, 1, 0, "", "mail.smtpsh.test", "A6791104086", ""}}},
    /* two hops, bottom-up; the client's own Message-ID and Date */
    {"Received: by mx.b.test with ESMTP id Q2; Tue, 1 Dec 2026 10:00:05 +0000\r\n" POSTFIX_HOP(
         "Q1", "Tue, 1 Dec 2026 10:00:00 +0000") "Message-ID: <x@laptop.a.test>\r\n"
                                                 "Date: Tue, 1 Dec 2026 09:59:58 +0000\r\n\r\n",
     2,
     {{TRACE_RECEIVED, 2, 2, "", "mx.b.test", "Q2", ""},
      {TRACE_RECEIVED, 1, 2, "client.example", "mail.smtpsh.test", "Q1", ""}}},
    /* no trace at all: nothing to say */
    {"From: a@b\r\nMessage-ID: <1@b>\r\nDate: now\r\n\r\nx\r\n", 0, {{0}}},
};

static void trace_read(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(messages); i++) {
		struct mime_tree t;
		mime_tree_init(&t);
		mime_tree_feed(&t, messages[i].message, strlen(messages[i].message));
		mime_tree_finish(&t);
		struct trace_note notes[TRACE_NOTES_MAX];
		size_t n = trace_headers_read(&t.parts[0], notes, TRACE_NOTES_MAX);
		if (n != messages[i].n)
			fail_msg("message %zu: %zu notes, want %zu", i, n, messages[i].n);
		for (size_t j = 0; j < n && j < N(messages[i].want); j++) {
			assert_int_equal(notes[j].kind, messages[i].want[j].kind);
			assert_int_equal(notes[j].hop, messages[i].want[j].hop);
			assert_int_equal(notes[j].hops, messages[i].want[j].hops);
			assert_string_equal(notes[j].from, messages[i].want[j].from);
			assert_string_equal(notes[j].by, messages[i].want[j].by);
			assert_string_equal(notes[j].id, messages[i].want[j].id);
			if (*messages[i].want[j].value)
				assert_string_equal(notes[j].value, messages[i].want[j].value);
		}
		if (i == 0)
			assert_int_equal(notes[4].kind, TRACE_DATE_ADDED);
		mime_tree_free(&t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(answers_decoded),
	    cmocka_unit_test(not_answers),
	    cmocka_unit_test(trace_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
