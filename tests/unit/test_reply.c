/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lib/reply: every table case is fed whole, byte by byte and in odd
 * chunk sizes, and must give the same events each way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "reply.h"

/* ---- harness ---------------------------------------------------------- */

enum op { OP_END = 0, OP_FEED, OP_BODY, OP_EOF };

struct step {
	enum op op;
	const char *data;
	size_t len;
};

/* sizeof - 1 so that embedded NUL bytes count. */
#define FEED(s)                                                                                    \
	{                                                                                          \
		OP_FEED, (s), sizeof(s) - 1                                                        \
	}
#define BODY                                                                                       \
	{                                                                                          \
		OP_BODY, NULL, 0                                                                   \
	}
#define CLOSE                                                                                      \
	{                                                                                          \
		OP_EOF, NULL, 0                                                                    \
	}

struct events {
	char **v;
	size_t n, cap;
};

static void events_add(struct events *e, const char *s)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 16;
		e->v = realloc(e->v, e->cap * sizeof(*e->v));
		assert_non_null(e->v);
	}
	e->v[e->n] = strdup(s);
	assert_non_null(e->v[e->n]);
	e->n++;
}

static void events_free(struct events *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->v[i]);
	free(e->v);
	memset(e, 0, sizeof(*e));
}

/* Quotes bytes so that expectations can be written as C strings. */
static void esc(struct buf *b, const char *s, size_t n)
{
	buf_append_char(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c == '\r')
			buf_append_str(b, "\\r");
		else if (c == '\0')
			buf_append_str(b, "\\0");
		else if (c < 0x20 || c >= 0x7f)
			buf_printf(b, "\\x%02x", c);
		else
			buf_append_char(b, (char)c);
	}
	buf_append_char(b, '"');
}

static void flag_names(struct buf *b, unsigned f)
{
	static const struct {
		unsigned flag;
		const char *name;
	} names[] = {
	    {LINE_BARE_LF, "lf"},
	    {LINE_TRUNCATED, "trunc"},
	    {LINE_HAS_NUL, "nul"},
	    {LINE_BARE_CR, "cr"},
	    {LINE_UNTERMINATED, "unterm"},
	    {LINE_BODY, "body"},
	    {LINE_UNSTUFFED, "unstuffed"},
	    {LINE_BODY_END, "bodyend"},
	    {LINE_CODE_MISMATCH, "mismatch"},
	};
	if (!f)
		return;
	buf_append_str(b, " flags=");
	const char *sep = "";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (f & names[i].flag) {
			buf_printf(b, "%s%s", sep, names[i].name);
			sep = ",";
		}
	}
}

/* One event as a line of text:
 *   line CODE last|more raw="..." text="..." [flags=..] [full=N]
 *   end CODE n=NLINES enh=".." rc=".." text="..." [body=L/O] [flags=..]
 *   error protocol|closed MESSAGE [line="..."] */
static void render(const struct reply_event *ev, struct buf *b)
{
	buf_clear(b);
	const struct reply_line *l = &ev->line;
	const struct reply *r = ev->reply;
	switch (ev->kind) {
	case REPLY_EV_LINE:
		buf_printf(b, "line %d %s raw=", l->code, l->last ? "last" : "more");
		esc(b, l->raw, l->raw_len);
		buf_append_str(b, " text=");
		esc(b, l->text, l->text_len);
		flag_names(b, l->flags);
		if (l->full_len != l->raw_len)
			buf_printf(b, " full=%zu", l->full_len);
		break;
	case REPLY_EV_END:
		assert_non_null(r);
		buf_printf(b, "end %d n=%zu enh=\"%s\" rc=\"%s\" text=", r->code, r->nlines,
		           r->enhanced, r->resp_code);
		esc(b, r->text, strlen(r->text));
		if (r->has_body)
			buf_printf(b, " body=%zu/%zu", r->body_lines, r->body_octets);
		flag_names(b, r->flags);
		break;
	case REPLY_EV_ERROR:
		buf_printf(b, "error %s %s",
		           ev->err == SMTPSH_ECLOSED  ? "closed"
		           : ev->err == SMTPSH_EPROTO ? "protocol"
		                                      : "?",
		           ev->error);
		if (l->raw_len) {
			buf_append_str(b, " line=");
			esc(b, l->raw, l->raw_len);
		}
		break;
	}
}

static void drain(struct reply_parser *p, struct events *out)
{
	struct reply_event ev;
	struct buf b;
	buf_init(&b, 0);
	while (reply_parser_next(p, &ev)) {
		render(&ev, &b);
		events_add(out, b.data);
	}
	buf_free(&b);
}

/* Runs the steps, feeding chunk bytes at a time (0: each FEED whole). */
static void run(enum reply_mode proto, const struct step *steps, size_t chunk, struct events *out)
{
	struct reply_parser p;
	reply_parser_init(&p, proto);
	for (const struct step *s = steps; s->op != OP_END; s++) {
		switch (s->op) {
		case OP_FEED:
			for (size_t off = 0; off < s->len;) {
				size_t n = chunk && chunk < s->len - off ? chunk : s->len - off;
				assert_int_equal(reply_parser_feed(&p, s->data + off, n),
				                 SMTPSH_OK);
				drain(&p, out);
				off += n;
			}
			break;
		case OP_BODY: reply_parser_expect_body(&p, true); break;
		case OP_EOF:
			reply_parser_eof(&p);
			drain(&p, out);
			break;
		case OP_END: break;
		}
	}
	reply_parser_free(&p);
}

#define MAX_STEPS 8
#define MAX_EVENTS 40

struct tcase {
	const char *name;
	enum reply_mode proto;
	struct step steps[MAX_STEPS];
	const char *expect[MAX_EVENTS]; /* NULL-terminated */
};

static void check_case(const struct tcase *c)
{
	static const size_t chunks[] = {0, 1, 2, 3, 7, 64};
	for (size_t k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
		struct events got = {0};
		run(c->proto, c->steps, chunks[k], &got);
		size_t i = 0;
		for (; c->expect[i]; i++) {
			if (i >= got.n || strcmp(got.v[i], c->expect[i])) {
				print_error("case \"%s\", chunk %zu, event %zu:\n"
				            "  want %s\n  got  %s\n",
				            c->name, chunks[k], i, c->expect[i],
				            i < got.n ? got.v[i] : "(nothing)");
				fail();
			}
		}
		if (got.n != i) {
			print_error("case \"%s\", chunk %zu: unexpected event %s\n", c->name,
			            chunks[k], got.v[i]);
			fail();
		}
		events_free(&got);
	}
}

/* ---- table ------------------------------------------------------------ */

#define MALFORMED "error protocol malformed reply line (expected a 3-digit code): "
#define MALFORMED_POP "error protocol malformed reply line (expected +OK or -ERR): "

static const struct tcase cases[] = {
    {"postfix greeting + EHLO in one buffer (captures/smtp-25-ehlo-starttls)",
     REPLY_SMTP,
     {FEED("220 mail.smtpsh.test ESMTP Postfix (Debian/GNU)\r\n"
           "250-mail.smtpsh.test\r\n"
           "250-PIPELINING\r\n"
           "250-SIZE 10240000\r\n"
           "250-VRFY\r\n"
           "250-ETRN\r\n"
           "250-STARTTLS\r\n"
           "250-ENHANCEDSTATUSCODES\r\n"
           "250-8BITMIME\r\n"
           "250-DSN\r\n"
           "250-SMTPUTF8\r\n"
           "250 CHUNKING\r\n")},
     {"line 220 last raw=\"220 mail.smtpsh.test ESMTP Postfix (Debian/GNU)\" "
      "text=\"mail.smtpsh.test ESMTP Postfix (Debian/GNU)\"",
      "end 220 n=1 enh=\"\" rc=\"\" text=\"mail.smtpsh.test ESMTP Postfix (Debian/GNU)\"",
      "line 250 more raw=\"250-mail.smtpsh.test\" text=\"mail.smtpsh.test\"",
      "line 250 more raw=\"250-PIPELINING\" text=\"PIPELINING\"",
      "line 250 more raw=\"250-SIZE 10240000\" text=\"SIZE 10240000\"",
      "line 250 more raw=\"250-VRFY\" text=\"VRFY\"",
      "line 250 more raw=\"250-ETRN\" text=\"ETRN\"",
      "line 250 more raw=\"250-STARTTLS\" text=\"STARTTLS\"",
      "line 250 more raw=\"250-ENHANCEDSTATUSCODES\" text=\"ENHANCEDSTATUSCODES\"",
      "line 250 more raw=\"250-8BITMIME\" text=\"8BITMIME\"",
      "line 250 more raw=\"250-DSN\" text=\"DSN\"",
      "line 250 more raw=\"250-SMTPUTF8\" text=\"SMTPUTF8\"",
      "line 250 last raw=\"250 CHUNKING\" text=\"CHUNKING\"",
      "end 250 n=11 enh=\"\" rc=\"\" text=\"mail.smtpsh.test PIPELINING SIZE 10240000 VRFY ETRN "
      "STARTTLS ENHANCEDSTATUSCODES 8BITMIME DSN SMTPUTF8 CHUNKING\"",
      NULL}},
    {"smtp-sink's empty last EHLO line \"250 \"",
     REPLY_SMTP,
     {FEED("250-sink.smtpsh.test\r\n250-DSN\r\n250 \r\n")},
     {"line 250 more raw=\"250-sink.smtpsh.test\" text=\"sink.smtpsh.test\"",
      "line 250 more raw=\"250-DSN\" text=\"DSN\"", "line 250 last raw=\"250 \" text=\"\"",
      "end 250 n=3 enh=\"\" rc=\"\" text=\"sink.smtpsh.test DSN\"", NULL}},
    {"bare final code",
     REPLY_SMTP,
     {FEED("250-a\r\n250\r\n")},
     {"line 250 more raw=\"250-a\" text=\"a\"", "line 250 last raw=\"250\" text=\"\"",
      "end 250 n=2 enh=\"\" rc=\"\" text=\"a\"", NULL}},
    {"\"250-\" then eof",
     REPLY_SMTP,
     {FEED("250-\r\n"), CLOSE},
     {"line 250 more raw=\"250-\" text=\"\"",
      "error closed connection closed in the middle of a reply (1 line received)", NULL}},
    {"\"220 ok\" then eof",
     REPLY_SMTP,
     {FEED("220 ok\r\n"), CLOSE},
     {"line 220 last raw=\"220 ok\" text=\"ok\"", "end 220 n=1 enh=\"\" rc=\"\" text=\"ok\"",
      NULL}},
    {"unterminated final line at eof completes the reply",
     REPLY_SMTP,
     {FEED("250-a\r\n250 b"), CLOSE},
     {"line 250 more raw=\"250-a\" text=\"a\"",
      "line 250 last raw=\"250 b\" text=\"b\" flags=unterm",
      "end 250 n=2 enh=\"\" rc=\"\" text=\"a b\" flags=unterm", NULL}},
    {"unterminated continuation at eof",
     REPLY_SMTP,
     {FEED("250-a\r\n250-b"), CLOSE},
     {"line 250 more raw=\"250-a\" text=\"a\"",
      "line 250 more raw=\"250-b\" text=\"b\" flags=unterm",
      "error closed connection closed in the middle of a reply (2 lines received)", NULL}},
    {"unterminated garbage at eof",
     REPLY_SMTP,
     {FEED("HTTP/1.0"), CLOSE},
     {MALFORMED "\"HTTP/1.0\" line=\"HTTP/1.0\"", NULL}},
    {"eof with nothing pending, feed after eof ignored",
     REPLY_SMTP,
     {CLOSE, FEED("250 late\r\n"), CLOSE},
     {NULL}},
    {"NUL inside a line",
     REPLY_SMTP,
     {FEED("250 a\0b\r\n")},
     {"line 250 last raw=\"250 a\\0b\" text=\"a\\0b\" flags=nul",
      "end 250 n=1 enh=\"\" rc=\"\" text=\"a?b\" flags=nul", NULL}},
    {"CR alone inside a line; CR CR LF",
     REPLY_SMTP,
     {FEED("250-a\rb\r\n250 c\r\r\n")},
     {"line 250 more raw=\"250-a\\rb\" text=\"a\\rb\" flags=cr",
      "line 250 last raw=\"250 c\\r\" text=\"c\\r\" flags=cr",
      "end 250 n=2 enh=\"\" rc=\"\" text=\"a\\rb c\\r\" flags=cr", NULL}},
    {"CR at the end of an unterminated line is bare",
     REPLY_SMTP,
     {FEED("250 a\r"), CLOSE},
     {"line 250 last raw=\"250 a\\r\" text=\"a\\r\" flags=cr,unterm",
      "end 250 n=1 enh=\"\" rc=\"\" text=\"a\\r\" flags=cr,unterm", NULL}},
    {"bare LF",
     REPLY_SMTP,
     {FEED("250-a\n250 b\r\n")},
     {"line 250 more raw=\"250-a\" text=\"a\" flags=lf", "line 250 last raw=\"250 b\" text=\"b\"",
      "end 250 n=2 enh=\"\" rc=\"\" text=\"a b\" flags=lf", NULL}},
    {"non-numeric code, then a good reply",
     REPLY_SMTP,
     {FEED("abc hello\r\n220 ok\r\n")},
     {MALFORMED "\"abc hello\" line=\"abc hello\"", "line 220 last raw=\"220 ok\" text=\"ok\"",
      "end 220 n=1 enh=\"\" rc=\"\" text=\"ok\"", NULL}},
    {"connected to a web server",
     REPLY_SMTP,
     {FEED("HTTP/1.1 400 Bad Request\r\n"
           "Content-Type: text/html; charset=us-ascii; and a long tail to be cut off\r\n"
           "\r\n"),
      CLOSE},
     {MALFORMED "\"HTTP/1.1 400 Bad Request\" line=\"HTTP/1.1 400 Bad Request\"",
      MALFORMED "\"Content-Type: text/html; charset=us-ascii; and a long tail t...\" "
                "line=\"Content-Type: text/html; charset=us-ascii; and a long tail to be cut off\"",
      MALFORMED "\"\" (empty line)", NULL}},
    {"bad codes: 4 digits, 6xx, 1xx, x6x, short, bad separator",
     REPLY_SMTP,
     {FEED("2500 x\r\n600 x\r\n199 x\r\n260 x\r\n25\r\n250x\r\n\x01\"\\\r\n")},
     {MALFORMED "\"2500 x\" line=\"2500 x\"", MALFORMED "\"600 x\" line=\"600 x\"",
      MALFORMED "\"199 x\" line=\"199 x\"", MALFORMED "\"260 x\" line=\"260 x\"",
      MALFORMED "\"25\" line=\"25\"", MALFORMED "\"250x\" line=\"250x\"",
      MALFORMED "\"\\x01\\\"\\\\\" line=\"\\x01\\\"\\\\\"", NULL}},
    {"malformed line abandons the reply in progress",
     REPLY_SMTP,
     {FEED("250-a\r\n<html>\r\n250 b\r\n")},
     {"line 250 more raw=\"250-a\" text=\"a\"", MALFORMED "\"<html>\" line=\"<html>\"",
      "line 250 last raw=\"250 b\" text=\"b\"", "end 250 n=1 enh=\"\" rc=\"\" text=\"b\"", NULL}},
    {"code mismatch",
     REPLY_SMTP,
     {FEED("250-a\r\n251-b\r\n250 c\r\n")},
     {"line 250 more raw=\"250-a\" text=\"a\"",
      "line 251 more raw=\"251-b\" text=\"b\" flags=mismatch",
      "line 250 last raw=\"250 c\" text=\"c\"",
      "end 250 n=3 enh=\"\" rc=\"\" text=\"a b c\" flags=mismatch", NULL}},
    {"Gmail 534-5.7.9: enhanced code repeated on every line",
     REPLY_SMTP,
     {FEED("534-5.7.9 Application-specific password required. Learn more at\r\n"
           "534 5.7.9 https://support.google.com/mail/?p=InvalidSecondFactor\r\n")},
     {"line 534 more raw=\"534-5.7.9 Application-specific password required. Learn more at\" "
      "text=\"5.7.9 Application-specific password required. Learn more at\"",
      "line 534 last raw=\"534 5.7.9 https://support.google.com/mail/?p=InvalidSecondFactor\" "
      "text=\"5.7.9 https://support.google.com/mail/?p=InvalidSecondFactor\"",
      "end 534 n=2 enh=\"5.7.9\" rc=\"\" text=\"Application-specific password required. Learn more "
      "at https://support.google.com/mail/?p=InvalidSecondFactor\"",
      NULL}},
    {"enhanced code alone; a different one on a later line stays",
     REPLY_SMTP,
     {FEED("250 2.0.0\r\n550-5.1.1 a\r\n550-5.1.1\r\n550 5.1.2 b\r\n")},
     {"line 250 last raw=\"250 2.0.0\" text=\"2.0.0\"",
      "end 250 n=1 enh=\"2.0.0\" rc=\"\" text=\"\"",
      "line 550 more raw=\"550-5.1.1 a\" text=\"5.1.1 a\"",
      "line 550 more raw=\"550-5.1.1\" text=\"5.1.1\"",
      "line 550 last raw=\"550 5.1.2 b\" text=\"5.1.2 b\"",
      "end 550 n=3 enh=\"5.1.1\" rc=\"\" text=\"a 5.1.2 b\"", NULL}},
    {"not enhanced codes: wrong class, 4 digits, 4 parts, no space",
     REPLY_SMTP,
     {FEED("550 2.0.0 x\r\n250 2.1234.0 x\r\n250 2.0.0.1 x\r\n250 2.0.0x\r\n"
           "535 5.7.139 Authentication unsuccessful\r\n")},
     {"line 550 last raw=\"550 2.0.0 x\" text=\"2.0.0 x\"",
      "end 550 n=1 enh=\"\" rc=\"\" text=\"2.0.0 x\"",
      "line 250 last raw=\"250 2.1234.0 x\" text=\"2.1234.0 x\"",
      "end 250 n=1 enh=\"\" rc=\"\" text=\"2.1234.0 x\"",
      "line 250 last raw=\"250 2.0.0.1 x\" text=\"2.0.0.1 x\"",
      "end 250 n=1 enh=\"\" rc=\"\" text=\"2.0.0.1 x\"",
      "line 250 last raw=\"250 2.0.0x\" text=\"2.0.0x\"",
      "end 250 n=1 enh=\"\" rc=\"\" text=\"2.0.0x\"",
      "line 535 last raw=\"535 5.7.139 Authentication unsuccessful\" text=\"5.7.139 Authentication "
      "unsuccessful\"",
      "end 535 n=1 enh=\"5.7.139\" rc=\"\" text=\"Authentication unsuccessful\"", NULL}},
    {"empty 334 challenge",
     REPLY_SMTP,
     {FEED("334 \r\n")},
     {"line 334 last raw=\"334 \" text=\"\"", "end 334 n=1 enh=\"\" rc=\"\" text=\"\"", NULL}},
    {"expect_body has no effect on SMTP",
     REPLY_SMTP,
     {BODY, FEED("250 ok\r\n")},
     {"line 250 last raw=\"250 ok\" text=\"ok\"", "end 250 n=1 enh=\"\" rc=\"\" text=\"ok\"",
      NULL}},

    /* POP3 */
    {"POP3 +OK greeting, -ERR, lower case",
     REPLY_POP3,
     {FEED("+OK Dovecot (Debian) ready.\r\n-ERR Unknown command.\r\n"
           "+ok\r\n-err x\r\n")},
     {"line 1 last raw=\"+OK Dovecot (Debian) ready.\" text=\"Dovecot (Debian) ready.\"",
      "end 1 n=1 enh=\"\" rc=\"\" text=\"Dovecot (Debian) ready.\"",
      "line -1 last raw=\"-ERR Unknown command.\" text=\"Unknown command.\"",
      "end -1 n=1 enh=\"\" rc=\"\" text=\"Unknown command.\"", "line 1 last raw=\"+ok\" text=\"\"",
      "end 1 n=1 enh=\"\" rc=\"\" text=\"\"", "line -1 last raw=\"-err x\" text=\"x\"",
      "end -1 n=1 enh=\"\" rc=\"\" text=\"x\"", NULL}},
    {"POP3 response codes",
     REPLY_POP3,
     {FEED("-ERR [IN-USE] mailbox locked\r\n-ERR [SYS/TEMP] try later\r\n"
           "-ERR [AUTH] Authentication failed.\r\n-ERR [unclosed\r\n"
           "-ERR []\r\n")},
     {"line -1 last raw=\"-ERR [IN-USE] mailbox locked\" text=\"[IN-USE] mailbox locked\"",
      "end -1 n=1 enh=\"\" rc=\"IN-USE\" text=\"[IN-USE] mailbox locked\"",
      "line -1 last raw=\"-ERR [SYS/TEMP] try later\" text=\"[SYS/TEMP] try later\"",
      "end -1 n=1 enh=\"\" rc=\"SYS/TEMP\" text=\"[SYS/TEMP] try later\"",
      "line -1 last raw=\"-ERR [AUTH] Authentication failed.\" text=\"[AUTH] Authentication "
      "failed.\"",
      "end -1 n=1 enh=\"\" rc=\"AUTH\" text=\"[AUTH] Authentication failed.\"",
      "line -1 last raw=\"-ERR [unclosed\" text=\"[unclosed\"",
      "end -1 n=1 enh=\"\" rc=\"\" text=\"[unclosed\"", "line -1 last raw=\"-ERR []\" text=\"[]\"",
      "end -1 n=1 enh=\"\" rc=\"\" text=\"[]\"", NULL}},
    {"POP3 SASL continuations (captures/pop3-110-sasl-auth)",
     REPLY_POP3,
     {BODY, FEED("+ \r\n+ VXNlcm5hbWU6\r\n+\r\n")},
     {"line 2 last raw=\"+ \" text=\"\"", "end 2 n=1 enh=\"\" rc=\"\" text=\"\"",
      "line 2 last raw=\"+ VXNlcm5hbWU6\" text=\"VXNlcm5hbWU6\"",
      "end 2 n=1 enh=\"\" rc=\"\" text=\"VXNlcm5hbWU6\"", "line 2 last raw=\"+\" text=\"\"",
      "end 2 n=1 enh=\"\" rc=\"\" text=\"\"", NULL}},
    {"POP3 malformed status lines",
     REPLY_POP3,
     {FEED("+OKAY\r\n-ERRx\r\n* OK IMAP4rev1\r\n\r\n+OK fine\r\n")},
     {MALFORMED_POP "\"+OKAY\" line=\"+OKAY\"", MALFORMED_POP "\"-ERRx\" line=\"-ERRx\"",
      MALFORMED_POP "\"* OK IMAP4rev1\" line=\"* OK IMAP4rev1\"", MALFORMED_POP "\"\" (empty line)",
      "line 1 last raw=\"+OK fine\" text=\"fine\"", "end 1 n=1 enh=\"\" rc=\"\" text=\"fine\"",
      NULL}},
    {"CAPA body",
     REPLY_POP3,
     {BODY, FEED("+OK\r\nCAPA\r\nTOP\r\nSASL PLAIN LOGIN\r\n.\r\n")},
     {"line 1 more raw=\"+OK\" text=\"\"", "line 0 more raw=\"CAPA\" text=\"CAPA\" flags=body",
      "line 0 more raw=\"TOP\" text=\"TOP\" flags=body",
      "line 0 more raw=\"SASL PLAIN LOGIN\" text=\"SASL PLAIN LOGIN\" flags=body",
      "line 0 last raw=\".\" text=\"\" flags=body,bodyend",
      "end 1 n=1 enh=\"\" rc=\"\" text=\"\" body=3/29 flags=body,bodyend", NULL}},
    {"LIST body, then a single-line reply (expect_body was reset)",
     REPLY_POP3,
     {BODY, FEED("+OK 2 messages:\r\n1 675\r\n2 744\r\n.\r\n+OK 1 675\r\n")},
     {"line 1 more raw=\"+OK 2 messages:\" text=\"2 messages:\"",
      "line 0 more raw=\"1 675\" text=\"1 675\" flags=body",
      "line 0 more raw=\"2 744\" text=\"2 744\" flags=body",
      "line 0 last raw=\".\" text=\"\" flags=body,bodyend",
      "end 1 n=1 enh=\"\" rc=\"\" text=\"2 messages:\" body=2/14 flags=body,bodyend",
      "line 1 last raw=\"+OK 1 675\" text=\"1 675\"", "end 1 n=1 enh=\"\" rc=\"\" text=\"1 675\"",
      NULL}},
    {"RETR with dot-stuffed lines",
     REPLY_POP3,
     {BODY, FEED("+OK 100 octets\r\nSubject: x\r\n\r\n..leading dot\r\n.x\r\n"
                 "..\r\n.\r\n")},
     {"line 1 more raw=\"+OK 100 octets\" text=\"100 octets\"",
      "line 0 more raw=\"Subject: x\" text=\"Subject: x\" flags=body",
      "line 0 more raw=\"\" text=\"\" flags=body",
      "line 0 more raw=\"..leading dot\" text=\".leading dot\" flags=body,unstuffed",
      "line 0 more raw=\".x\" text=\"x\" flags=body,unstuffed",
      "line 0 more raw=\"..\" text=\".\" flags=body,unstuffed",
      "line 0 last raw=\".\" text=\"\" flags=body,bodyend",
      /* 12 + 2 + 14 + 3 + 3 */
      "end 1 n=1 enh=\"\" rc=\"\" text=\"100 octets\" body=5/34 flags=body,unstuffed,bodyend",
      NULL}},
    {"body lines may look like status lines",
     REPLY_POP3,
     {BODY, FEED("+OK\r\n-ERR inside\r\n+OK inside\n.\n")},
     {"line 1 more raw=\"+OK\" text=\"\"",
      "line 0 more raw=\"-ERR inside\" text=\"-ERR inside\" flags=body",
      "line 0 more raw=\"+OK inside\" text=\"+OK inside\" flags=lf,body",
      "line 0 last raw=\".\" text=\"\" flags=lf,body,bodyend",
      "end 1 n=1 enh=\"\" rc=\"\" text=\"\" body=2/25 flags=lf,body,bodyend", NULL}},
    {"+OK without expect_body is a single line",
     REPLY_POP3,
     {FEED("+OK\r\nCAPA\r\n.\r\n")},
     {"line 1 last raw=\"+OK\" text=\"\"", "end 1 n=1 enh=\"\" rc=\"\" text=\"\"",
      MALFORMED_POP "\"CAPA\" line=\"CAPA\"", MALFORMED_POP "\".\" line=\".\"", NULL}},
    {"expect_body then -ERR: no body, and the flag is gone",
     REPLY_POP3,
     {BODY, FEED("-ERR There's no message 99.\r\n+OK\r\n")},
     {"line -1 last raw=\"-ERR There's no message 99.\" text=\"There's no message 99.\"",
      "end -1 n=1 enh=\"\" rc=\"\" text=\"There's no message 99.\"",
      "line 1 last raw=\"+OK\" text=\"\"", "end 1 n=1 enh=\"\" rc=\"\" text=\"\"", NULL}},
    {"expect_body then a malformed line: the flag is gone",
     REPLY_POP3,
     {BODY, FEED("junk\r\n+OK\r\n")},
     {MALFORMED_POP "\"junk\" line=\"junk\"", "line 1 last raw=\"+OK\" text=\"\"",
      "end 1 n=1 enh=\"\" rc=\"\" text=\"\"", NULL}},
    {"eof in the middle of a body",
     REPLY_POP3,
     {BODY, FEED("+OK 675 octets\r\nReturn-Path: <a@b>\r\npartial"), CLOSE},
     {"line 1 more raw=\"+OK 675 octets\" text=\"675 octets\"",
      "line 0 more raw=\"Return-Path: <a@b>\" text=\"Return-Path: <a@b>\" flags=body",
      "line 0 more raw=\"partial\" text=\"partial\" flags=unterm,body",
      "error closed connection closed in the middle of a reply (3 lines received)", NULL}},
    {"pipelined replies with expect_body set again after END",
     REPLY_POP3,
     {BODY, FEED("+OK\r\nA\r\n.\r\n"), BODY, FEED("+OK\r\n.\r\n")},
     {"line 1 more raw=\"+OK\" text=\"\"", "line 0 more raw=\"A\" text=\"A\" flags=body",
      "line 0 last raw=\".\" text=\"\" flags=body,bodyend",
      "end 1 n=1 enh=\"\" rc=\"\" text=\"\" body=1/3 flags=body,bodyend",
      "line 1 more raw=\"+OK\" text=\"\"", "line 0 last raw=\".\" text=\"\" flags=body,bodyend",
      "end 1 n=1 enh=\"\" rc=\"\" text=\"\" body=0/0 flags=body,bodyend", NULL}},
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* One cmocka test per table row, so that failures name the row. */
static void test_case(void **state)
{
	check_case(*state);
}

/* ---- generated and boundary cases ------------------------------------- */

/* Feeds all of s chunk bytes at a time, counting events by kind. */
struct counts {
	size_t lines, ends, errors, last_nlines;
	int last_code;
	char last_error[256];
	size_t max_in_cap, max_line_cap;
	size_t max_raw_len, max_full_len;
	unsigned flags;
};

static void count_events(struct reply_parser *p, struct counts *c)
{
	struct reply_event ev;
	while (reply_parser_next(p, &ev)) {
		switch (ev.kind) {
		case REPLY_EV_LINE:
			c->lines++;
			c->flags |= ev.line.flags;
			if (ev.line.raw_len > c->max_raw_len)
				c->max_raw_len = ev.line.raw_len;
			if (ev.line.full_len > c->max_full_len)
				c->max_full_len = ev.line.full_len;
			break;
		case REPLY_EV_END:
			c->ends++;
			c->last_nlines = ev.reply->nlines;
			c->last_code = ev.reply->code;
			break;
		case REPLY_EV_ERROR:
			c->errors++;
			snprintf(c->last_error, sizeof(c->last_error), "%s", ev.error);
			break;
		}
	}
}

static void feed_counting(struct reply_parser *p, const char *s, size_t n, size_t chunk,
                          struct counts *c)
{
	for (size_t off = 0; off < n; off += chunk) {
		size_t k = chunk < n - off ? chunk : n - off;
		assert_int_equal(reply_parser_feed(p, s + off, k), SMTPSH_OK);
		if (p->in.cap > c->max_in_cap)
			c->max_in_cap = p->in.cap;
		count_events(p, c);
		if (p->line.cap > c->max_line_cap)
			c->max_line_cap = p->line.cap;
	}
}

static char *many_lines(size_t nlines, const char *tail, size_t *len)
{
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 1; i < nlines; i++)
		assert_true(buf_printf(&b, "250-EXTENSION-%zu\r\n", i));
	assert_true(buf_printf(&b, "250 LAST\r\n%s", tail));
	*len = b.len;
	return b.data;
}

static void test_1000_lines(void **state)
{
	(void)state;
	static const size_t chunks[] = {1, 5, 65536};
	for (size_t k = 0; k < 3; k++) {
		size_t n;
		char *s = many_lines(REPLY_MAX_SMTP_LINES, "221 bye\r\n", &n);
		struct reply_parser p;
		struct counts c = {0};
		reply_parser_init(&p, REPLY_SMTP);
		feed_counting(&p, s, n, chunks[k], &c);
		assert_int_equal(c.lines, REPLY_MAX_SMTP_LINES + 1);
		assert_int_equal(c.ends, 2);
		assert_int_equal(c.errors, 0);
		assert_int_equal(c.last_code, 221);
		reply_parser_free(&p);
		free(s);
	}
}

static void test_1001_lines(void **state)
{
	(void)state;
	static const size_t chunks[] = {1, 5, 65536};
	for (size_t k = 0; k < 3; k++) {
		/* 1005 lines: the 1001st is refused, the rest swallowed. */
		size_t n;
		char *s = many_lines(REPLY_MAX_SMTP_LINES + 5, "221 bye\r\n", &n);
		struct reply_parser p;
		struct counts c = {0};
		reply_parser_init(&p, REPLY_SMTP);
		feed_counting(&p, s, n, chunks[k], &c);
		assert_int_equal(c.lines, REPLY_MAX_SMTP_LINES + 1);
		assert_int_equal(c.errors, 1);
		assert_string_equal(c.last_error,
		                    "reply has more than 1000 lines: giving up on it");
		assert_int_equal(c.ends, 1);
		assert_int_equal(c.last_code, 221);
		assert_int_equal(c.last_nlines, 1);
		assert_false(reply_parser_in_reply(&p));
		reply_parser_free(&p);
		free(s);
	}
}

static void test_1001_lines_swallowing(void **state)
{
	(void)state;
	size_t n;
	char *s = many_lines(REPLY_MAX_SMTP_LINES + 2, "", &n);
	/* 1001 continuations, cut before "250 LAST": still swallowing,
	 * then eof is quiet (the reply was reported already). */
	n -= strlen("250 LAST\r\n");
	struct reply_parser p;
	struct counts c = {0};
	reply_parser_init(&p, REPLY_SMTP);
	feed_counting(&p, s, n, 4096, &c);
	assert_int_equal(c.lines, REPLY_MAX_SMTP_LINES);
	assert_int_equal(c.errors, 1);
	assert_true(reply_parser_in_reply(&p));
	feed_counting(&p, "250-more\r\n", 10, 10, &c);
	assert_int_equal(c.lines, REPLY_MAX_SMTP_LINES);
	assert_int_equal(c.errors, 1);
	reply_parser_eof(&p);
	count_events(&p, &c);
	assert_int_equal(c.errors, 1);
	assert_int_equal(c.ends, 0);
	reply_parser_free(&p);
	free(s);
}

/* A 1 MB line: cut, full length reported, memory bounded, and the next
 * line is read normally. */
static void test_long_line(void **state)
{
	(void)state;
	static const size_t chunks[] = {1, 4096, 65536};
	size_t body = 1024 * 1024;
	size_t n = 4 + body + 2 + 8;
	char *s = malloc(n);
	assert_non_null(s);
	memcpy(s, "250-", 4);
	memset(s + 4, 'x', body);
	memcpy(s + 4 + body, "\r\n250 ok\r\n", 10);
	for (size_t k = 0; k < 3; k++) {
		struct reply_parser p;
		struct counts c = {0};
		reply_parser_init(&p, REPLY_SMTP);
		feed_counting(&p, s, n, chunks[k], &c);
		assert_int_equal(c.lines, 2);
		assert_int_equal(c.ends, 1);
		assert_int_equal(c.errors, 0);
		assert_int_equal(c.max_raw_len, REPLY_MAX_LINE);
		assert_int_equal(c.max_full_len, 4 + body);
		assert_true(c.flags & LINE_TRUNCATED);
		assert_false(c.flags & LINE_BARE_CR);
		assert_true(c.max_in_cap <= 2 * REPLY_MAX_LINE);
		assert_true(c.max_line_cap <= 2 * REPLY_MAX_LINE);
		reply_parser_free(&p);
	}
	free(s);
}

/* Lines of exactly REPLY_MAX_LINE bytes and one more, with the CR of
 * CRLF falling just past the kept part. */
static void test_line_limit_boundary(void **state)
{
	(void)state;
	for (size_t extra = 0; extra < 2; extra++) {
		size_t len = REPLY_MAX_LINE + extra;
		size_t n = len + 2;
		char *s = malloc(n);
		assert_non_null(s);
		memcpy(s, "250 ", 4);
		memset(s + 4, 'y', len - 4);
		memcpy(s + len, "\r\n", 2);
		for (size_t chunk = 1; chunk <= n; chunk = chunk * 7 + 1) {
			struct reply_parser p;
			struct reply_event ev;
			reply_parser_init(&p, REPLY_SMTP);
			size_t lines = 0;
			for (size_t off = 0; off < n; off += chunk) {
				size_t k = chunk < n - off ? chunk : n - off;
				reply_parser_feed(&p, s + off, k);
				while (reply_parser_next(&p, &ev)) {
					if (ev.kind != REPLY_EV_LINE)
						continue;
					lines++;
					assert_int_equal(ev.line.raw_len, REPLY_MAX_LINE);
					assert_int_equal(ev.line.full_len, len);
					assert_int_equal(!!(ev.line.flags & LINE_TRUNCATED), extra);
					assert_false(ev.line.flags & LINE_BARE_CR);
					assert_false(ev.line.flags & LINE_BARE_LF);
					assert_int_equal(ev.line.raw[ev.line.raw_len - 1], 'y');
				}
			}
			assert_int_equal(lines, 1);
			reply_parser_free(&p);
		}
		free(s);
	}
}

/* Over-long line whose cut-off part holds a bare CR and a NUL. */
static void test_long_line_flags_in_cut_part(void **state)
{
	(void)state;
	size_t n = REPLY_MAX_LINE + 100;
	char *s = malloc(n);
	assert_non_null(s);
	memset(s, 'z', n);
	memcpy(s, "250 ", 4);
	s[REPLY_MAX_LINE + 10] = '\r';
	s[REPLY_MAX_LINE + 20] = '\0';
	s[n - 1] = '\n';
	struct reply_parser p;
	struct counts c = {0};
	reply_parser_init(&p, REPLY_SMTP);
	feed_counting(&p, s, n, 1000, &c);
	assert_int_equal(c.lines, 1);
	assert_int_equal(c.ends, 1);
	assert_int_equal(c.flags, LINE_TRUNCATED | LINE_BARE_CR | LINE_HAS_NUL | LINE_BARE_LF);
	assert_int_equal(c.max_full_len, n - 1);
	reply_parser_free(&p);
	free(s);
}

/* A streamed POP3 body counts octets without holding the body. */
static void test_big_body(void **state)
{
	(void)state;
	struct reply_parser p;
	struct reply_event ev;
	reply_parser_init(&p, REPLY_POP3);
	reply_parser_expect_body(&p, true);
	char chunk[65536];
	assert_int_equal(reply_parser_feed(&p, "+OK\r\n", 5), SMTPSH_OK);
	size_t lines = 0;
	while (reply_parser_next(&p, &ev))
		lines++;
	memset(chunk, 'b', sizeof(chunk));
	for (size_t i = 99; i < sizeof(chunk); i += 100) {
		chunk[i - 1] = '\r';
		chunk[i] = '\n';
	}
	for (int i = 0; i < 100; i++) {
		assert_int_equal(reply_parser_feed(&p, chunk, sizeof(chunk)), SMTPSH_OK);
		while (reply_parser_next(&p, &ev))
			lines++;
		assert_true(p.in.cap <= 2 * REPLY_MAX_FEED);
	}
	assert_int_equal(reply_parser_feed(&p, "\r\n.\r\n", 5), SMTPSH_OK);
	const struct reply *r = NULL;
	while (reply_parser_next(&p, &ev))
		if (ev.kind == REPLY_EV_END)
			r = ev.reply;
	assert_non_null(r);
	/* 655 complete lines per chunk, the 36-byte tail joins the next. */
	assert_int_equal(r->body_lines, 100 * 655 + 1);
	assert_int_equal(r->body_octets, 100 * sizeof(chunk) + 2);
	reply_parser_free(&p);
}

static void test_text_cut(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	for (int i = 0; i < 30; i++)
		buf_printf(&b, "250-%0100d\r\n", i);
	buf_append_str(&b, "250 end\r\n");
	struct reply_parser p;
	struct reply_event ev;
	reply_parser_init(&p, REPLY_SMTP);
	reply_parser_feed(&p, b.data, b.len);
	const struct reply *r = NULL;
	while (reply_parser_next(&p, &ev))
		if (ev.kind == REPLY_EV_END)
			r = ev.reply;
	assert_non_null(r);
	assert_int_equal(strlen(r->text), REPLY_TEXT_MAX - 1);
	assert_int_equal(r->nlines, 31);
	reply_parser_free(&p);
	buf_free(&b);
}

static void test_resp_code_too_long(void **state)
{
	(void)state;
	char line[200];
	snprintf(line, sizeof(line), "-ERR [%070d] x\r\n", 0);
	struct reply_parser p;
	struct reply_event ev;
	reply_parser_init(&p, REPLY_POP3);
	reply_parser_feed(&p, line, strlen(line));
	assert_true(reply_parser_next(&p, &ev));
	assert_true(reply_parser_next(&p, &ev));
	assert_int_equal(ev.kind, REPLY_EV_END);
	assert_string_equal(ev.reply->resp_code, "");
	reply_parser_free(&p);
}

/* STARTTLS injection check: bytes after "220 Ready to start TLS". */
static void test_buffered_and_reset(void **state)
{
	(void)state;
	static const char in[] = "220 2.0.0 Ready to start TLS\r\n250 injected\r\n25";
	struct reply_parser p;
	struct reply_event ev;
	reply_parser_init(&p, REPLY_SMTP);
	assert_int_equal(reply_parser_buffered(&p), 0);
	reply_parser_feed(&p, in, sizeof(in) - 1);
	assert_int_equal(reply_parser_buffered(&p), sizeof(in) - 1);
	assert_true(reply_parser_next(&p, &ev));
	assert_int_equal(ev.kind, REPLY_EV_LINE);
	assert_int_equal(ev.line.code, 220);
	assert_true(reply_parser_in_reply(&p));
	assert_int_equal(reply_parser_buffered(&p), 16);
	assert_true(reply_parser_next(&p, &ev));
	assert_int_equal(ev.kind, REPLY_EV_END);
	assert_false(reply_parser_in_reply(&p));
	assert_int_equal(reply_parser_buffered(&p), 16);
	reply_parser_reset(&p);
	assert_int_equal(reply_parser_buffered(&p), 0);
	assert_false(reply_parser_next(&p, &ev));

	/* A partial line counts too; reset drops a reply in progress. */
	reply_parser_feed(&p, "250-a\r\n25", 9);
	assert_true(reply_parser_next(&p, &ev));
	assert_false(reply_parser_next(&p, &ev));
	assert_int_equal(reply_parser_buffered(&p), 2);
	assert_true(reply_parser_in_reply(&p));
	reply_parser_reset(&p);
	assert_int_equal(reply_parser_buffered(&p), 0);
	assert_false(reply_parser_in_reply(&p));
	reply_parser_feed(&p, "220 x\r\n", 7);
	assert_true(reply_parser_next(&p, &ev));
	assert_int_equal(ev.line.code, 220);
	assert_true(reply_parser_next(&p, &ev));
	assert_int_equal(ev.kind, REPLY_EV_END);
	assert_int_equal(ev.reply->nlines, 1);
	assert_string_equal(ev.reply->text, "x");
	reply_parser_free(&p);
}

static void test_reset_forgets_expect_body(void **state)
{
	(void)state;
	struct reply_parser p;
	struct reply_event ev;
	reply_parser_init(&p, REPLY_POP3);
	reply_parser_expect_body(&p, true);
	reply_parser_feed(&p, "+OK\r\nbody", 9);
	assert_true(reply_parser_next(&p, &ev));
	assert_false(reply_parser_next(&p, &ev));
	reply_parser_reset(&p);
	reply_parser_feed(&p, "+OK\r\n", 5);
	assert_true(reply_parser_next(&p, &ev));
	assert_true(ev.line.last);
	assert_true(reply_parser_next(&p, &ev));
	assert_int_equal(ev.kind, REPLY_EV_END);
	assert_false(ev.reply->has_body);
	reply_parser_free(&p);
}

/* A caller that never drains gets SMTPSH_ENOMEM instead of unbounded growth. */
static void test_feed_without_draining(void **state)
{
	(void)state;
	static char chunk[REPLY_MAX_FEED];
	memset(chunk, 'a', sizeof(chunk));
	struct reply_parser p;
	reply_parser_init(&p, REPLY_SMTP);
	enum smtpsh_err e = SMTPSH_OK;
	int i;
	for (i = 0; i < 100 && e == SMTPSH_OK; i++)
		e = reply_parser_feed(&p, chunk, sizeof(chunk));
	assert_int_equal(e, SMTPSH_ENOMEM);
	assert_true(i < 100);
	reply_parser_free(&p);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
	    cmocka_unit_test(test_1000_lines),
	    cmocka_unit_test(test_1001_lines),
	    cmocka_unit_test(test_1001_lines_swallowing),
	    cmocka_unit_test(test_long_line),
	    cmocka_unit_test(test_line_limit_boundary),
	    cmocka_unit_test(test_long_line_flags_in_cut_part),
	    cmocka_unit_test(test_big_body),
	    cmocka_unit_test(test_text_cut),
	    cmocka_unit_test(test_resp_code_too_long),
	    cmocka_unit_test(test_buffered_and_reset),
	    cmocka_unit_test(test_reset_forgets_expect_body),
	    cmocka_unit_test(test_feed_without_draining),
	};
	size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
	static struct CMUnitTest tests[NCASES + sizeof(fixed) / sizeof(fixed[0])];
	for (size_t i = 0; i < NCASES; i++) {
		tests[i] = (struct CMUnitTest){
		    .name = cases[i].name,
		    .test_func = test_case,
		    /* cmocka's state is not const; the test only reads it. */
		    .initial_state = (void *)(uintptr_t)&cases[i],
		};
	}
	memcpy(tests + NCASES, fixed, sizeof(fixed));
	return _cmocka_run_group_tests("reply", tests, NCASES + nfixed, NULL, NULL);
}
