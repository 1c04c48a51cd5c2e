/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The message composer: scripts of helper calls and typed lines, the
 * message they make read back by lib/mime/tree.c (shape, decoded sizes,
 * decoded headers), the places a helper refuses, the transfer encoding a
 * text gets, Date's form, and type guessing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "mime/compose.h"
#include "mime/tree.h"

#define N(a) (sizeof(a) / sizeof(*(a)))
#define ZHANG_SAN "\xe5\xbc\xa0\xe4\xb8\x89"
#define ZHONGWEN "\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87"

enum op { TYPED, HEADER, DATE, MSGID, MULTIPART, END, TEXT, ATTACH, INLINE };

struct step {
	enum op op;
	const char *a, *b; /* header name/value, text subtype/text, file name/type or cid */
	enum smtpsh_err want;
};

#define STEPS_MAX 12
static const struct {
	const char *name;
	struct step steps[STEPS_MAX];
	const char *shape; /* "depth type size" per part, ';' between; NULL: not read */
} scripts[] = {
    {"seed 003: encoded From, base64 body",
     {{HEADER, "From", ZHANG_SAN " <zs@example.com>", SMTPSH_OK},
      {HEADER, "Subject", "hello world", SMTPSH_OK},
      {DATE, NULL, NULL, SMTPSH_OK},
      {TEXT, "plain", ZHONGWEN, SMTPSH_OK}},
     "0 text/plain 14"},
    {"mixed holding alternative and an attachment",
     {{HEADER, "From", "a@example.com", SMTPSH_OK},
      {MULTIPART, "mixed", NULL, SMTPSH_OK},
      {MULTIPART, "alternative", NULL, SMTPSH_OK},
      {TEXT, "plain", "hello", SMTPSH_OK},
      {TEXT, "html", "<p>hello</p>", SMTPSH_OK},
      {END, NULL, NULL, SMTPSH_OK},
      {ATTACH, "data.bin", NULL, SMTPSH_OK},
      {END, NULL, NULL, SMTPSH_OK},
      {END, NULL, NULL, SMTPSH_ESTATE},
      {TEXT, "plain", "late", SMTPSH_ESTATE}},
     "0 multipart/mixed -;1 multipart/alternative -;2 text/plain 5;2 text/html 12;"
     "1 application/octet-stream 300"},
    {"related with an inline image",
     {{MULTIPART, "related", NULL, SMTPSH_OK},
      {TEXT, "html", "<img src=\"cid:logo@x\">", SMTPSH_OK},
      {INLINE, "logo.png", "logo@x", SMTPSH_OK},
      {END, NULL, NULL, SMTPSH_OK}},
     "0 multipart/related -;1 text/html 22;1 image/png 300"},
    {"a header after the blank line",
     {{TYPED, "Subject: x", NULL, SMTPSH_OK},
      {TYPED, "", NULL, SMTPSH_OK},
      {HEADER, "To", "b@example.com", SMTPSH_ESTATE},
      {DATE, NULL, NULL, SMTPSH_ESTATE},
      {MSGID, NULL, NULL, SMTPSH_ESTATE},
      {MULTIPART, "mixed", NULL, SMTPSH_ESTATE},
      {TEXT, "plain", "x", SMTPSH_ESTATE}},
     NULL},
    {"a Content-Type typed by hand",
     {{TYPED, "Content-Type: text/plain", NULL, SMTPSH_OK},
      {MULTIPART, "mixed", NULL, SMTPSH_ESTATE},
      {TEXT, "plain", "x", SMTPSH_ESTATE}},
     NULL},
    {"parts that need a multipart",
     {{END, NULL, NULL, SMTPSH_ESTATE},
      {ATTACH, "a.bin", NULL, SMTPSH_ESTATE},
      {TEXT, "plain", "one", SMTPSH_OK},
      {TEXT, "plain", "two", SMTPSH_ESTATE}},
     "0 text/plain 4"}, /* no boundary follows: its line break is body */
    {"bad input",
     {{HEADER, "Bad Name", "x", SMTPSH_EINVAL},
      {HEADER, "From", "x@" ZHANG_SAN ".example", SMTPSH_EINVAL},
      {TEXT, "rtf", "x", SMTPSH_EINVAL},
      {TEXT, "plain", "\xe5\xbc", SMTPSH_EINVAL},
      {MULTIPART, "mixed", NULL, SMTPSH_OK},
      {ATTACH, "../a.bin", NULL, SMTPSH_EINVAL},
      {INLINE, "a.png", "bad cid", SMTPSH_EINVAL},
      {END, NULL, NULL, SMTPSH_OK}},
     "0 multipart/mixed -"},
};

static enum compose_multipart kind_of(const char *s)
{
	return !strcmp(s, "mixed")     ? COMPOSE_MIXED
	       : !strcmp(s, "related") ? COMPOSE_RELATED
	                               : COMPOSE_ALTERNATIVE;
}

static enum smtpsh_err run_step(struct compose *c, const struct step *s, struct buf *out,
                                struct smtpsh_msg *msg)
{
	struct compose_done done;
	static unsigned char data[300];
	memcpy(data, "\x89PNG\r\n\x1a\n", 8);
	switch (s->op) {
	case TYPED: buf_printf(out, "%s\n", s->a); return SMTPSH_OK;
	case HEADER: return compose_header(c, s->a, s->b, out, &done, msg);
	case DATE: return compose_date(c, 0, out, &done, msg);
	case MSGID: return compose_msgid(c, "example.com", out, &done, msg);
	case MULTIPART: return compose_multipart(c, kind_of(s->a), out, &done, msg);
	case END: return compose_end(c, out, &done, msg);
	case TEXT: return compose_text(c, s->a, s->b, strlen(s->b), out, &done, msg);
	case ATTACH:
		return compose_attach(c, s->a, s->b, NULL, data + 8, sizeof(data), out, &done, msg);
	case INLINE:
		return compose_attach(c, s->a, NULL, s->b, data, sizeof(data), out, &done, msg);
	}
	return SMTPSH_EINVAL;
}

/* The shape lib/mime/tree.c reads in the message. */
static void shape_of(const struct buf *msg, char *out, size_t size)
{
	struct mime_tree t;
	mime_tree_init(&t);
	mime_tree_feed(&t, msg->data ? msg->data : "", msg->len);
	mime_tree_finish(&t);
	assert_int_equal(t.n_problems, 0);
	out[0] = '\0';
	for (size_t i = 0; i < t.n_parts; i++) {
		const struct mime_part *p = &t.parts[i];
		char size_s[32] = "-";
		if (!p->container)
			snprintf(size_s, sizeof(size_s), "%llu", p->size);
		snprintf(out + strlen(out), size - strlen(out), "%s%u %s %s", i ? ";" : "",
		         p->depth, p->type.value, size_s);
	}
	mime_tree_free(&t);
}

static void test_scripts(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(scripts); i++) {
		struct compose c;
		compose_init(&c);
		struct buf msg;
		buf_init(&msg, 0);
		for (size_t k = 0; k < STEPS_MAX; k++) {
			const struct step *s = &scripts[i].steps[k];
			if (s->op == TYPED && !s->a)
				break; /* the script's end: a zeroed step */
			struct buf out;
			buf_init(&out, 0);
			struct smtpsh_msg why = {{0}};
			enum smtpsh_err e = run_step(&c, s, &out, &why);
			if (e != s->want)
				fail_msg("%s, step %zu: %d, want %d (%s)", scripts[i].name, k, e,
				         s->want, why.text);
			if (e != SMTPSH_OK) {
				assert_int_equal(out.len, 0); /* nothing to send */
				assert_true(why.text[0] != '\0');
			}
			/* the shell tells the composer every line it sends */
			for (size_t at = 0; at < out.len;) {
				size_t n = strcspn(out.data + at, "\n");
				compose_observe(&c, out.data + at, n);
				at += n + 1;
			}
			buf_append(&msg, out.data ? out.data : "", out.len);
			buf_free(&out);
		}
		if (scripts[i].shape) {
			char shape[512];
			shape_of(&msg, shape, sizeof(shape));
			if (strcmp(shape, scripts[i].shape))
				fail_msg("%s: shape\n  %s\nwant\n  %s\nmessage:\n%s",
				         scripts[i].name, shape, scripts[i].shape, msg.data);
		}
		buf_free(&msg);
	}
}

/* The seed 003 From: decoded by the reader as it was given. */
static void test_header_round_trip(void **state)
{
	(void)state;
	static const struct {
		const char *name, *value, *first_line;
	} cases[] = {
	    {"From", ZHANG_SAN " <zs@example.com>", "From: =?UTF-8?B?5byg5LiJ?= <zs@example.com>"},
	    {"From", "\"" ZHANG_SAN "\" <zs@example.com>",
	     "From: =?UTF-8?B?5byg5LiJ?= <zs@example.com>"},
	    {"To", "a@example.com, " ZHANG_SAN " <zs@example.com>", NULL},
	    {"Subject", "Re: caf\xc3\xa9 time", "Subject: Re: =?UTF-8?B?Y2Fmw6k=?= time"},
	    /* only the words that are not ASCII are encoded */
	    {"From", "Keld J\xc3\xb8rn Simonsen <keld@dkuug.dk>",
	     "From: Keld =?UTF-8?B?SsO4cm4=?= Simonsen <keld@dkuug.dk>"},
	    {"From", "Olle J\xc3\xa4rnefors <ojarnef@admin.kth.se>",
	     "From: Olle =?UTF-8?Q?J=C3=A4rnefors?= <ojarnef@admin.kth.se>"},
	    {"Subject", ZHONGWEN ZHONGWEN ZHONGWEN ZHONGWEN ZHONGWEN ZHONGWEN ZHONGWEN, NULL},
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct compose c;
		compose_init(&c);
		struct buf out;
		buf_init(&out, 0);
		struct compose_done done;
		assert_int_equal(
		    compose_header(&c, cases[i].name, cases[i].value, &out, &done, NULL),
		    SMTPSH_OK);
		assert_true(done.word_encoded);
		if (cases[i].first_line)
			assert_int_equal(
			    strncmp(out.data, cases[i].first_line, strlen(cases[i].first_line)), 0);
		for (char *p = out.data, *nl; (nl = strchr(p, '\n')); p = nl + 1)
			assert_in_range(nl - p, 1, MIME_HEADER_LINE_MAX);
		buf_append_str(&out, "\n");
		struct mime_tree t;
		mime_tree_init(&t);
		mime_tree_feed(&t, out.data, out.len);
		mime_tree_finish(&t);
		size_t pos = 0;
		const char *name, *value;
		bool words;
		assert_true(mime_header_next(&t.parts[0], &pos, &name, &value, &words));
		assert_string_equal(name, cases[i].name);
		assert_string_equal(value, cases[i].value[0] == '"' ? ZHANG_SAN " <zs@example.com>"
		                                                    : cases[i].value);
		mime_tree_free(&t);
		buf_free(&out);
	}
}

static void test_text_encoding(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		enum compose_cte want;
	} cases[] = {
	    {"plain ASCII\nin two lines", COMPOSE_7BIT},
	    {"x123456789x123456789x123456789x123456789x123456789x123456789x123456789x123456789",
	     COMPOSE_QP}, /* a line over 76 */
	    {"Caf\xc3\xa9 au lait, cr\xc3\xa8me br\xc3\xbbl\xc3\xa9"
	     "e and other mostly ASCII text",
	     COMPOSE_QP},
	    {ZHONGWEN ZHONGWEN "ok", COMPOSE_BASE64},
	    {"tab\tand NUL-free control \x01", COMPOSE_QP},
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct compose c;
		compose_init(&c);
		struct buf out;
		buf_init(&out, 0);
		struct compose_done done;
		assert_int_equal(compose_text(&c, "plain", cases[i].text, strlen(cases[i].text),
		                              &out, &done, NULL),
		                 SMTPSH_OK);
		assert_int_equal(done.cte, cases[i].want);
		assert_true(done.wrote_headers);
		assert_non_null(strstr(out.data, compose_cte_name(cases[i].want)));
		buf_free(&out);
	}
}

static void test_date(void **state)
{
	(void)state;
	static const struct {
		const char *tz;
		time_t when;
		const char *want;
	} cases[] = {
	    {"UTC", 0, "Date: Thu, 01 Jan 1970 00:00:00 +0000\n"},
	    {"Asia/Shanghai", 1795999619, "Date: Mon, 30 Nov 2026 08:46:59 +0800\n"},
	    {"America/St_Johns", 1795999619, "Date: Sun, 29 Nov 2026 21:16:59 -0330\n"},
	};
	for (size_t i = 0; i < N(cases); i++) {
		setenv("TZ", cases[i].tz, 1);
		tzset();
		struct compose c;
		compose_init(&c);
		struct buf out;
		buf_init(&out, 0);
		struct compose_done done;
		assert_int_equal(compose_date(&c, cases[i].when, &out, &done, NULL), SMTPSH_OK);
		assert_string_equal(out.data, cases[i].want);
		buf_free(&out);
	}
}

static void test_guess_type(void **state)
{
	(void)state;
	static const struct {
		const char *name, *head, *want;
	} cases[] = {
	    {"picture.txt", "\x89PNG\r\n\x1a\n....", "image/png"},
	    {"photo", "\xff\xd8\xff\xe0", "image/jpeg"},
	    {"anim.bin", "GIF89a..", "image/gif"},
	    {"paper", "%PDF-1.7", "application/pdf"},
	    {"archive.dat", "PK\x03\x04..", "application/zip"},
	    {"report.docx", "PK\x03\x04..",
	     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	    {"table.CSV", "a,b,c", "text/csv"},
	    {"page.html", "<html>", "text/html"},
	    {"notes", "just text", "application/octet-stream"},
	};
	for (size_t i = 0; i < N(cases); i++)
		assert_string_equal(
		    compose_guess_type(cases[i].name, cases[i].head, strlen(cases[i].head)),
		    cases[i].want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scripts),       cmocka_unit_test(test_header_round_trip),
	    cmocka_unit_test(test_text_encoding), cmocka_unit_test(test_date),
	    cmocka_unit_test(test_guess_type),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
