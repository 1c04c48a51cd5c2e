/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Transcript writer and reader: byte-exact round trips, the seed's and
 * RFC 5321 styles, malformed input; and the masks replay uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "mask.h"
#include "transcript.h"

static char path[] = "/tmp/smtpsh-test-transcript-XXXXXX";

static int make_path(void **state)
{
	(void)state;
	strcpy(path, "/tmp/smtpsh-test-transcript-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	return 0;
}

static int drop_path(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

struct line {
	bool sent;
	char bytes[300];
	size_t len;
	const char *ending;
};

static void random_round_trip(void **state)
{
	(void)state;
	static struct line lines[2000];
	srand(20261123);
	static const char *const endings[] = {"\r\n", "\n", ""};
	struct transcript_writer w;
	assert_int_equal(transcript_open(&w, path, "smtp://127.0.0.1:25", "smtp", true, NULL),
	                 SMTPSH_OK);
	for (size_t i = 0; i < 2000; i++) {
		struct line *l = &lines[i];
		l->sent = rand() % 2;
		l->len = (size_t)(rand() % 300);
		for (size_t j = 0; j < l->len; j++)
			l->bytes[j] = (char)(rand() % 256);
		if (l->sent) {
			/* a sent line never holds CR or LF (the session refuses) */
			for (size_t j = 0; j < l->len; j++)
				if (l->bytes[j] == '\r' || l->bytes[j] == '\n')
					l->bytes[j] = 'x';
			l->ending = "\r\n";
			transcript_sent(&w, l->bytes, l->len, false);
		} else {
			/* a received line has no LF inside (LF ends it) */
			for (size_t j = 0; j < l->len; j++)
				if (l->bytes[j] == '\n')
					l->bytes[j] = 'y';
			l->ending = endings[rand() % 3];
			/* "...\r" + "\n" would be read back as a CRLF line */
			if (!strcmp(l->ending, "\n") && l->len && l->bytes[l->len - 1] == '\r')
				l->bytes[l->len - 1] = 'z';
			transcript_received(&w, l->bytes, l->len, l->ending);
		}
	}
	transcript_close(&w);

	FILE *f = fopen(path, "r");
	assert_non_null(f);
	struct transcript_reader r;
	struct transcript_item it;
	transcript_reader_init(&r, f);
	transcript_item_init(&it);
	size_t i = 0;
	enum smtpsh_err e;
	while ((e = transcript_next(&r, &it, NULL)) == SMTPSH_OK) {
		if (it.kind == TR_HEADER || it.kind == TR_EVENT)
			continue;
		assert_true(i < 2000);
		struct line *l = &lines[i];
		assert_int_equal(it.kind, l->sent ? TR_SENT : TR_RECEIVED);
		assert_int_equal(it.bytes.len, l->len);
		assert_memory_equal(it.bytes.data ? it.bytes.data : "", l->bytes, l->len);
		assert_string_equal(it.ending, l->ending);
		assert_true(it.at >= 0);
		i++;
	}
	assert_int_equal(e, SMTPSH_ECLOSED);
	assert_int_equal(i, 2000);
	transcript_item_free(&it);
	transcript_reader_free(&r);
	fclose(f);
}

static FILE *text_file(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(f);
	return f;
}

/* Each "connected" event starts a part; its protocol is read back. */
static void part_protocols(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		bool part;
		const char *proto;
		bool tls;
	} rows[] = {
	    {"-- connected to 127.0.0.1 port 2525 (smtp)", true, "smtp", false},
	    {"-- connected to 127.0.0.1 port 3110 (pop3)", true, "pop3", false},
	    {"-- connected to ::1 port 995 (pop3 over TLS, pop.qq.com)", true, "pop3", true},
	    {"-- connected to 10.0.0.1 port 465 (smtp, smtp.qq.com)", true, "smtp", false},
	    {"-- connected to 127.0.0.1 port 25", false, "", false},
	    {"-- connected to 127.0.0.1 port 25 ()", false, "", false},
	    {"-- connected to 127.0.0.1 port 25 (averyveryveryverylongname)", false, "", false},
	    {"-- connection closed by the server", false, "", false},
	    {"-- tls starttls TLSv1.3 X subject=(smtp)", false, "", false},
	    {"S: connected to a port 1 (smtp)", false, "", false},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		FILE *f = text_file(rows[i].line);
		struct transcript_reader r;
		struct transcript_item it;
		transcript_reader_init(&r, f);
		transcript_item_init(&it);
		assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_OK);
		char proto[16] = "";
		bool tls = true;
		assert_int_equal(transcript_part_proto(&it, proto, sizeof(proto), &tls),
		                 rows[i].part);
		if (rows[i].part) {
			assert_string_equal(proto, rows[i].proto);
			assert_int_equal(tls, rows[i].tls);
		}
		transcript_item_free(&it);
		transcript_reader_free(&r);
		fclose(f);
	}
}

static void seed_style(void **state)
{
	(void)state;
	FILE *f = text_file("R:220 sina.com Simple Mail Transfer Service Ready\n"
	                    "S:HELLO sohu.com\n"
	                    "R:250 sina.com\n"
	                    "S:MAIL FROM:<langrui@sohu.com>\n");
	struct transcript_reader r;
	struct transcript_item it;
	transcript_reader_init(&r, f);
	transcript_item_init(&it);
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_OK);
	assert_int_equal(it.kind, TR_RECEIVED);
	assert_string_equal(it.bytes.data, "220 sina.com Simple Mail Transfer Service Ready");
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_OK);
	assert_int_equal(it.kind, TR_SENT);
	assert_string_equal(it.bytes.data, "HELLO sohu.com");
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_OK);
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_OK);
	assert_string_equal(it.bytes.data, "MAIL FROM:<langrui@sohu.com>");
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_ECLOSED);
	transcript_item_free(&it);
	transcript_reader_free(&r);
	fclose(f);
}

static void rfc5321_capture_style(void **state)
{
	(void)state;
	FILE *f = text_file("# S: server line verbatim (its CRLF stripped), C: client line (sent "
	                    "with CRLF), == event, ## note\n"
	                    "== connect 127.0.0.1 port 25 (smtp)\n"
	                    "S: 220 mail.smtpsh.test ESMTP Postfix (Debian/GNU)\n"
	                    "C: EHLO client.smtpsh.test\n"
	                    "## a note\n");
	struct transcript_reader r;
	struct transcript_item it;
	transcript_reader_init(&r, f);
	transcript_item_init(&it);
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_OK);
	assert_int_equal(it.kind, TR_COMMENT); /* the convention line */
	assert_true(r.rfc5321);
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_OK);
	assert_int_equal(it.kind, TR_EVENT);
	assert_string_equal(it.bytes.data, "connect 127.0.0.1 port 25 (smtp)");
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_OK);
	assert_int_equal(it.kind, TR_RECEIVED);
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_OK);
	assert_int_equal(it.kind, TR_SENT);
	assert_string_equal(it.bytes.data, "EHLO client.smtpsh.test");
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_ECLOSED);
	transcript_item_free(&it);
	transcript_reader_free(&r);
	fclose(f);
}

/* A lesson's keys are header items before the body; after it, the same
 * line is narration. */
static void lesson_keys(void **state)
{
	(void)state;
	static const struct {
		const char *line, *key, *value; /* key NULL: a comment */
	} rows[] = {
	    {"# title: AUTH LOGIN by hand", "title", "AUTH LOGIN by hand"},
	    {"# title-zh: 手动进行 AUTH LOGIN", "title-zh", "手动进行 AUTH LOGIN"},
	    {"# seed: 000, 001", "seed", "000, 001"},
	    {"# level: 2", "level", "2"},
	    {"# lab-persona: qq", "lab-persona", "qq"},
	    {"# lab-user: alice", "lab-user", "alice"},
	    {"# lab-mail: bob", "lab-mail", "bob"},
	    {"# lab-domains: sohu.com,sina.com", "lab-domains", "sohu.com,sina.com"},
	    {"# lab-idle-timeout: 3", "lab-idle-timeout", "3"},
	    {"# titles: not a key", NULL, "titles: not a key"},
	    {"R: 220 hi", NULL, NULL},
	    {"# title: in the body", NULL, "title: in the body"},
	};
	char text[1024] = "#smtpsh-transcript 1\n";
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s\n", rows[i].line);
	FILE *f = text_file(text);
	struct transcript_reader r;
	struct transcript_item it;
	transcript_reader_init(&r, f);
	transcript_item_init(&it);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_OK);
		if (!rows[i].value) {
			assert_int_equal(it.kind, TR_RECEIVED);
			continue;
		}
		assert_int_equal(it.kind, rows[i].key ? TR_HEADER : TR_COMMENT);
		if (rows[i].key)
			assert_string_equal(it.key, rows[i].key);
		assert_string_equal(it.bytes.data, rows[i].value);
	}
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_ECLOSED);
	transcript_item_free(&it);
	transcript_reader_free(&r);
	fclose(f);
}

static void redaction_and_errors(void **state)
{
	(void)state;
	FILE *f = text_file("#smtpsh-transcript 1\n"
	                    "# protocol: pop3\n"
	                    "S* PASS [secret, 10 bytes]\n"
	                    "X: what is this\n"
	                    "R: bad escape \\q here\n"
	                    "@x R: no time\n"
	                    "R= no line end\n"
	                    "R= bare lf\\n\n");
	struct transcript_reader r;
	struct transcript_item it;
	transcript_reader_init(&r, f);
	transcript_item_init(&it);
	struct smtpsh_msg why;
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_OK);
	assert_int_equal(it.kind, TR_HEADER);
	assert_string_equal(it.key, "protocol");
	assert_string_equal(it.bytes.data, "pop3");
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_OK);
	assert_true(it.redacted);
	assert_string_equal(it.bytes.data, "PASS [secret, 10 bytes]");
	assert_int_equal(transcript_next(&r, &it, &why), SMTPSH_EINVAL);
	assert_string_equal(why.text, "line 4: expected S:, R:, -- or #, not 'X: what is'");
	assert_int_equal(transcript_next(&r, &it, &why), SMTPSH_EINVAL);
	assert_string_equal(why.text, "line 5: bad escape at column 15");
	assert_int_equal(transcript_next(&r, &it, &why), SMTPSH_EINVAL);
	assert_string_equal(why.text,
	                    "line 6: a timestamp is written @SECONDS followed by a space");
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_OK);
	assert_string_equal(it.ending, "");
	assert_string_equal(it.bytes.data, "no line end");
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_OK);
	assert_string_equal(it.ending, "\n");
	assert_string_equal(it.bytes.data, "bare lf");
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_ECLOSED);
	transcript_item_free(&it);
	transcript_reader_free(&r);
	fclose(f);
}

static void overlong_line_is_bounded(void **state)
{
	(void)state;
	size_t n = TRANSCRIPT_MAX_LINE + 1000;
	char *text = malloc(n + 20);
	memcpy(text, "R: ", 3);
	memset(text + 3, 'a', n);
	strcpy(text + 3 + n, "\nR: ok\n");
	FILE *f = text_file(text);
	struct transcript_reader r;
	struct transcript_item it;
	transcript_reader_init(&r, f);
	transcript_item_init(&it);
	struct smtpsh_msg why;
	assert_int_equal(transcript_next(&r, &it, &why), SMTPSH_ENOMEM);
	char want[64];
	snprintf(want, sizeof(want), "line 1: longer than %d bytes: skipped", TRANSCRIPT_MAX_LINE);
	assert_string_equal(why.text, want);
	assert_true(r.raw.cap <= 2 * TRANSCRIPT_MAX_LINE + 64);
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_OK);
	assert_string_equal(it.bytes.data, "ok");
	transcript_item_free(&it);
	transcript_reader_free(&r);
	fclose(f);
	free(text);
}

/* Found by fuzz_transcript: an exact line with no content at all wrote
 * its terminating NUL through a NULL pointer. */
static void empty_exact_line(void **state)
{
	(void)state;
	FILE *f = text_file("R=\nR= \nS=\n");
	struct transcript_reader r;
	struct transcript_item it;
	transcript_reader_init(&r, f);
	transcript_item_init(&it);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_OK);
		assert_int_equal(it.bytes.len, 0);
		assert_string_equal(it.ending, "");
	}
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_ECLOSED);
	transcript_item_free(&it);
	transcript_reader_free(&r);
	fclose(f);
}

/* A raw NUL inside a line is a byte of it: the rest of the line is kept
 * and the next line is a line of its own (fgets used to end the line at
 * the NUL and glue the next one on). */
static void nul_in_a_line(void **state)
{
	(void)state;
	static const char text[] = "R: 220 a\0b rest\nS: QUIT\n# x\0y\n-- ev\0nt\n";
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");
	assert_non_null(f);
	struct transcript_reader r;
	struct transcript_item it;
	transcript_reader_init(&r, f);
	transcript_item_init(&it);
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_OK);
	assert_int_equal(it.kind, TR_RECEIVED);
	assert_int_equal(it.bytes.len, 12);
	assert_memory_equal(it.bytes.data, "220 a\0b rest", 12);
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_OK);
	assert_int_equal(it.kind, TR_SENT);
	assert_string_equal(it.bytes.data, "QUIT");
	assert_int_equal(it.lineno, 2);
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_OK);
	assert_int_equal(it.kind, TR_COMMENT);
	assert_int_equal(it.bytes.len, 3);
	assert_memory_equal(it.bytes.data, "x\0y", 3);
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_OK);
	assert_int_equal(it.kind, TR_EVENT);
	assert_int_equal(it.bytes.len, 5);
	assert_memory_equal(it.bytes.data, "ev\0nt", 5);
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_ECLOSED);
	transcript_item_free(&it);
	transcript_reader_free(&r);
	fclose(f);
}

/* A directory, a read error, a file with no line end: SMTPSH_EIO with a
 * sentence, at once and for good, in bounded memory and time. */
static void unreadable_files(void **state)
{
	(void)state;
	struct smtpsh_msg why;
	FILE *opened = stdout;
	assert_int_equal(transcript_fopen("/", &opened, &why), SMTPSH_EIO);
	assert_null(opened);
	assert_string_equal(why.text, "cannot read transcript '/': it is a directory");
	assert_int_equal(transcript_fopen("/nonexistent/x", &opened, &why), SMTPSH_EIO);
	assert_null(opened);
	assert_string_equal(why.text,
	                    "cannot open transcript '/nonexistent/x': No such file or directory");
	assert_int_equal(transcript_fopen("/", &opened, NULL), SMTPSH_EIO);
	assert_int_equal(transcript_fopen("-", &opened, NULL), SMTPSH_OK);
	assert_ptr_equal(opened, stdin);

	/* fopen itself takes a directory: the reader says so too */
	FILE *f = fopen("/", "r");
	assert_non_null(f);
	struct transcript_reader r;
	struct transcript_item it;
	transcript_reader_init(&r, f);
	transcript_item_init(&it);
	assert_int_equal(transcript_next(&r, &it, &why), SMTPSH_EIO);
	assert_string_equal(why.text, "cannot read line 1: Is a directory");
	/* sticky: the same code and words again, with or without a msg */
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_EIO);
	memset(&why, 0, sizeof(why));
	assert_int_equal(transcript_next(&r, &it, &why), SMTPSH_EIO);
	assert_string_equal(why.text, "cannot read line 1: Is a directory");
	assert_int_equal(r.sticky_err, SMTPSH_EIO);
	transcript_item_free(&it);
	transcript_reader_free(&r);
	fclose(f);

	f = fopen("/dev/zero", "r");
	assert_non_null(f);
	transcript_reader_init(&r, f);
	transcript_item_init(&it);
	assert_int_equal(transcript_next(&r, &it, &why), SMTPSH_EIO);
	assert_string_equal(why.text, "line 1: no line end in the first 16 MiB: this is not a "
	                              "transcript");
	assert_true(r.raw.cap <= 2 * TRANSCRIPT_MAX_LINE + 64);
	assert_true(ftell(f) <= TRANSCRIPT_MAX_SKIP + 2 * TRANSCRIPT_MAX_LINE);
	assert_int_equal(transcript_next(&r, &it, NULL), SMTPSH_EIO);
	transcript_item_free(&it);
	transcript_reader_free(&r);
	fclose(f);
}

/* serve's judgement of a client's line against the recorded one. */
static void match_sent(void **state)
{
	(void)state;
	struct mask m;
	mask_init(&m);
	static const struct {
		const char *want, *got;
		unsigned flags;
		bool same;
		const char *note; /* NULL: none */
	} cases[] = {
	    {"MAIL FROM:<a@b>", "MAIL FROM:<a@b>", 0, true, NULL},
	    /* Python's smtplib (RFC 5321 §2.4: verbs are case-insensitive) */
	    {"MAIL FROM:<a@b>", "mail FROM:<a@b>", 0, true, NULL},
	    {"MAIL FROM:<a@b>", "mail from:<a@b> size=35", 0, true, "the client added size=35"},
	    {"RCPT TO:<bob@x>", "rcpt TO:<bob@x>", 0, true, NULL},
	    {"QUIT", "quit", 0, true, NULL},
	    {"DATA", "data", 0, true, NULL},
	    {"USER bob", "user bob", 0, true, NULL},
	    /* curl adds SIZE= */
	    {"MAIL FROM:<a@b>", "MAIL FROM:<a@b> SIZE=248", 0, true, "the client added SIZE=248"},
	    {"MAIL FROM:<a@b> SIZE=300 BODY=8BITMIME", "MAIL FROM:<a@b> size=248", 0, true,
	     "the client sent size=248 where the transcript has SIZE=300; the client left out "
	     "BODY=8BITMIME"},
	    {"MAIL FROM:<a@b>", "MAIL FROM: <a@b>", 0, true, NULL},
	    /* the path decides */
	    {"MAIL FROM:<a@b>", "MAIL FROM:<c@b>", 0, false, NULL},
	    {"RCPT TO:<bob@x>", "RCPT TO:<eve@x> NOTIFY=NEVER", 0, false, NULL},
	    /* other verbs and arguments */
	    {"QUIT", "RSET", 0, false, NULL},
	    {"RETR 1", "retr 2", 0, false, NULL},
	    {"MAILX", "MAIL", 0, false, NULL},
	    {"EHLO me", "ehlo client.example", 0, true, NULL},
	    {"HELO me", "EHLO me", 0, false, NULL},
	    /* message lines are text: compared whole */
	    {"Subject: hi", "subject: hi", TRANSCRIPT_MATCH_DATA, false, NULL},
	    {"mail FROM:<a@b>", "mail FROM:<a@b>", TRANSCRIPT_MATCH_DATA, true, NULL},
	    /* --exact: byte for byte */
	    {"MAIL FROM:<a@b>", "mail FROM:<a@b>", TRANSCRIPT_MATCH_EXACT, false, NULL},
	    {"MAIL FROM:<a@b>", "MAIL FROM:<a@b>", TRANSCRIPT_MATCH_EXACT, true, NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf note;
		buf_init(&note, 1024);
		bool same =
		    transcript_match_sent(&m, cases[i].want, strlen(cases[i].want), cases[i].got,
		                          strlen(cases[i].got), cases[i].flags, &note);
		if (same != cases[i].same)
			fail_msg("case %zu (%s / %s): %s", i, cases[i].want, cases[i].got,
			         same ? "same" : "different");
		if (cases[i].same &&
		    strcmp(note.data ? note.data : "", cases[i].note ? cases[i].note : ""))
			fail_msg("case %zu: note \"%s\", want \"%s\"", i,
			         note.data ? note.data : "", cases[i].note ? cases[i].note : "");
		buf_free(&note);
	}
	mask_free(&m);
}

static void masks(void **state)
{
	(void)state;
	struct mask m;
	mask_init(&m);
	const char *a = "2.0.0 Ok: queued as 7A52CE8003";
	const char *b = "2.0.0 Ok: queued as 4D18AE80C4";
	assert_true(mask_equal(&m, a, strlen(a), b, strlen(b)));
	a = "Dovecot ready. <1896.697170952@host>";
	b = "Dovecot ready. <2001.1234@host>";
	assert_true(mask_equal(&m, a, strlen(a), b, strlen(b)));
	a = "Date: Mon, 01 Jan 2024 00:00:00 +0000";
	b = "Date: Tue, 24 Nov 2026 10:47:27 +0100";
	assert_true(mask_equal(&m, a, strlen(a), b, strlen(b)));
	a = "5.1.1 <nobody@localhost>: Recipient address rejected";
	b = "2.1.5 Ok";
	assert_false(mask_equal(&m, a, strlen(a), b, strlen(b)));
	assert_int_equal(mask_add(&m, "([unclosed", NULL), SMTPSH_EINVAL);
	assert_int_equal(mask_add(&m, "session [0-9]+", NULL), SMTPSH_OK);
	a = "session 12";
	b = "session 99";
	assert_true(mask_equal(&m, a, strlen(a), b, strlen(b)));
	mask_free(&m);
}

/* --record FILE: a symbolic link planted at the path is not followed (its
 * target is left as it was), an existing file becomes 0600, and the
 * default transcripts are created new (O_EXCL). */
static void files_are_ours_and_private(void **state)
{
	(void)state;
	char dir[] = "/tmp/smtpsh-test-files-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char victim[64], link[64], old[64], fresh[64];
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	snprintf(old, sizeof(old), "%s/old", dir);
	snprintf(fresh, sizeof(fresh), "%s/fresh", dir);
	FILE *f = fopen(victim, "w");
	assert_non_null(f);
	fputs("precious\n", f);
	fclose(f);
	assert_int_equal(chmod(victim, 0644), 0);
	assert_int_equal(symlink(victim, link), 0);

	struct transcript_writer w;
	struct smtpsh_msg why;
	assert_int_equal(transcript_open(&w, link, "smtp://h:25", "smtp", false, &why), SMTPSH_EIO);
	assert_non_null(strstr(why.text, "symbolic link"));
	assert_non_null(strstr(why.text, "cannot write transcript "));
	struct stat st;
	assert_int_equal(stat(victim, &st), 0);
	assert_int_equal(st.st_size, 9);
	assert_int_equal(st.st_mode & 0777, 0644);

	f = fopen(old, "w");
	assert_non_null(f);
	fputs("an older transcript, readable by all\n", f);
	fclose(f);
	assert_int_equal(chmod(old, 0644), 0);
	assert_int_equal(transcript_open(&w, old, "smtp://h:25", "smtp", false, &why), SMTPSH_OK);
	transcript_close(&w);
	assert_int_equal(stat(old, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	assert_int_equal(transcript_create(&w, fresh, "smtp://h:25", "smtp", false, &why),
	                 SMTPSH_OK);
	transcript_close(&w);
	assert_int_equal(stat(fresh, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(transcript_create(&w, fresh, "smtp://h:25", "smtp", false, &why),
	                 SMTPSH_EIO);
	char want[128];
	snprintf(want, sizeof(want), "cannot create transcript %s: File exists", fresh);
	assert_string_equal(why.text, want);
	assert_int_equal(transcript_create(&w, fresh, "smtp://h:25", "smtp", false, NULL),
	                 SMTPSH_EIO);
	assert_int_equal(transcript_open(&w, link, "smtp://h:25", "smtp", false, NULL), SMTPSH_EIO);
	assert_int_equal(transcript_create(&w, link, "smtp://h:25", "smtp", false, &why),
	                 SMTPSH_EIO);

	unlink(victim), unlink(link), unlink(old), unlink(fresh);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(random_round_trip, make_path, drop_path),
	    cmocka_unit_test(seed_style),
	    cmocka_unit_test(lesson_keys),
	    cmocka_unit_test(part_protocols),
	    cmocka_unit_test(rfc5321_capture_style),
	    cmocka_unit_test(redaction_and_errors),
	    cmocka_unit_test(overlong_line_is_bounded),
	    cmocka_unit_test(empty_exact_line),
	    cmocka_unit_test(masks),
	    cmocka_unit_test(files_are_ours_and_private),
	    cmocka_unit_test(nul_in_a_line),
	    cmocka_unit_test(unreadable_files),
	    cmocka_unit_test(match_sent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
