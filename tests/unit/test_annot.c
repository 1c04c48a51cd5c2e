/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lib/annot: the tables (no duplicate keys, nothing the RFCs define
 * missing, every meaning one printable ASCII line) and the lookups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "annot.h"
#include "reply.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* One line, printable ASCII, no full stop at the end, not too long. */
static void check_meaning(const char *what, const char *m)
{
	if (!m || !*m)
		fail_msg("%s: empty meaning", what);
	for (const char *p = m; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			fail_msg("%s: byte 0x%02x in \"%s\"", what, (unsigned char)*p, m);
	if (m[strlen(m) - 1] == '.' || m[strlen(m) - 1] == ' ')
		fail_msg("%s: trailing '%c' in \"%s\"", what, m[strlen(m) - 1], m);
	if (strlen(m) > 160)
		fail_msg("%s: %zu characters, too long for one line", what, strlen(m));
}

static bool contains(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

#define assert_contains(hay, needle)                                                               \
	do {                                                                                       \
		const char *h_ = (hay);                                                            \
		if (!contains(h_, (needle)))                                                       \
			fail_msg("\"%s\" does not contain \"%s\"", h_ ? h_ : "(null)", (needle));  \
	} while (0)

static bool same_context(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

/* ---- SMTP codes ---------------------------------------------------------- */

static void smtp_table_is_clean(void **state)
{
	(void)state;
	char what[64];
	for (size_t i = 0; i < annot_smtp_codes_len; i++) {
		const struct annot_smtp_code *c = &annot_smtp_codes[i];
		snprintf(what, sizeof(what), "%d after %s", c->code,
		         c->context ? c->context : "(any)");
		check_meaning(what, c->meaning);
		assert_in_range(c->code, 200, 599);
		if (c->context)
			for (const char *p = c->context; *p; p++)
				if (*p >= 'a' && *p <= 'z')
					fail_msg("%s: context not upper case", what);
		for (size_t j = i + 1; j < annot_smtp_codes_len; j++)
			if (annot_smtp_codes[j].code == c->code &&
			    same_context(annot_smtp_codes[j].context, c->context))
				fail_msg("duplicate entry: %s (rows %zu and %zu)", what, i, j);
		/* a context entry refines a general one, which must exist
		 * (for unsolicited replies and "explain CODE") */
		if (c->context) {
			bool general = false;
			for (size_t j = 0; j < annot_smtp_codes_len; j++)
				general |= annot_smtp_codes[j].code == c->code &&
				           !annot_smtp_codes[j].context;
			if (!general)
				fail_msg("%s has no general meaning", what);
		}
	}
}

static void smtp_rfc_codes_present(void **state)
{
	(void)state;
	static const int codes[] = {
	    /* RFC 5321 §4.2.2/4.2.3 */
	    211,
	    214,
	    220,
	    221,
	    250,
	    251,
	    252,
	    354,
	    421,
	    450,
	    451,
	    452,
	    455,
	    500,
	    501,
	    502,
	    503,
	    504,
	    550,
	    551,
	    552,
	    553,
	    554,
	    555,
	    /* RFC 4954 */
	    235,
	    334,
	    432,
	    454,
	    530,
	    534,
	    535,
	    538,
	    /* RFC 7504 */
	    521,
	    556,
	};
	for (size_t i = 0; i < LEN(codes); i++) {
		bool found = false;
		for (size_t j = 0; j < annot_smtp_codes_len; j++)
			found |=
			    annot_smtp_codes[j].code == codes[i] && !annot_smtp_codes[j].context;
		if (!found)
			fail_msg("code %d has no general meaning", codes[i]);
		char buf[128];
		const char *m = annot_smtp(codes[i], NULL, buf, sizeof(buf));
		if (m == buf)
			fail_msg("code %d fell back to its digits", codes[i]);
	}
}

static void smtp_context_beats_general(void **state)
{
	(void)state;
	char buf[128];
	struct {
		int code;
		const char *verb, *want;
	} cases[] = {
	    {354, "DATA", "blank line"},
	    {354, "DATA", "only \".\""},
	    {554, "", "refuses to talk to you at all"},
	    {221, "QUIT", "goodbye"},
	    {334, "AUTH", "base64 line"},
	    {220, "STARTTLS", "begin the handshake now"},
	    {250, "DATA", "accepted and queued"},
	    {250, "EHLO", "extensions"},
	    {250, "MAIL", "RCPT TO"},
	    {250, "RCPT", "DATA"},
	    {235, "AUTH", "logged in"},
	    {535, "AUTH", "password"},
	    {503, "RCPT", "MAIL FROM"},
	    {503, "DATA", "RCPT TO"},
	    {503, "MAIL", "HELO/EHLO"},
	    {500, "HELLO", "use HELO or EHLO"},
	    {502, "VRFY", "disabled"},
	    {504, "AUTH", "mechanism not supported"},
	    {530, "AUTH", "TLS"},
	    /* verbs are matched whatever their case */
	    {354, "data", "blank line"},
	};
	for (size_t i = 0; i < LEN(cases); i++) {
		const char *general = annot_smtp(cases[i].code, NULL, buf, sizeof(buf));
		const char *m = annot_smtp(cases[i].code, cases[i].verb, buf, sizeof(buf));
		assert_contains(m, cases[i].want);
		assert_ptr_not_equal(m, general);
	}
	/* the greeting is not an unsolicited reply, nor the other way round */
	assert_ptr_not_equal(annot_smtp(554, "", buf, sizeof(buf)),
	                     annot_smtp(554, NULL, buf, sizeof(buf)));
	/* a verb without its own entry gets the general meaning */
	assert_ptr_equal(annot_smtp(354, "RCPT", buf, sizeof(buf)),
	                 annot_smtp(354, NULL, buf, sizeof(buf)));
	assert_ptr_equal(annot_smtp(221, "NOOP", buf, sizeof(buf)),
	                 annot_smtp(221, NULL, buf, sizeof(buf)));
}

static void smtp_unknown_code_by_digits(void **state)
{
	(void)state;
	char buf[160];
	const char *m = annot_smtp(259, "MAIL", buf, sizeof(buf));
	assert_ptr_equal(m, buf);
	assert_contains(m, "2xx: success");
	assert_contains(m, "x5x: about the mail system");
	assert_contains(m, "259");

	m = annot_smtp(479, NULL, buf, sizeof(buf));
	assert_contains(m, "4xx: temporary failure");
	assert_contains(m, "x7x");
	assert_contains(m, "479");

	m = annot_smtp(322, NULL, buf, sizeof(buf));
	assert_contains(m, "3xx: intermediate");
	assert_contains(m, "x2x: about the connection");

	m = annot_smtp(510, NULL, buf, sizeof(buf));
	assert_contains(m, "5xx: permanent failure");
	assert_contains(m, "x1x: information");

	m = annot_smtp(200, NULL, buf, sizeof(buf));
	assert_contains(m, "x0x: about syntax");

	m = annot_smtp(999, NULL, buf, sizeof(buf));
	assert_contains(m, "not an SMTP reply code");
	m = annot_smtp(-5, NULL, buf, sizeof(buf));
	assert_contains(m, "not an SMTP reply code");

	/* small and missing buffers: cut, never NULL, never overflowing */
	char tiny[8];
	m = annot_smtp(259, NULL, tiny, sizeof(tiny));
	assert_non_null(m);
	assert_true(strlen(m) < sizeof(tiny));
	assert_non_null(annot_smtp(259, NULL, NULL, 0));
	/* known codes need no buffer */
	assert_contains(annot_smtp(250, NULL, NULL, 0), "OK");
}

/* ---- enhanced status codes --------------------------------------------- */

struct esc_key {
	int subject, detail;
};

/* The IANA Enumerated Status Codes registry (smtp-enhanced-status-codes,
 * RFC 5248), subject by subject. */
static const struct esc_key registry[] = {
    {0, 0},  {1, 0},  {1, 1},  {1, 2},  {1, 3},  {1, 4},  {1, 5},  {1, 6},  {1, 7},
    {1, 8},  {1, 9},  {1, 10}, {2, 0},  {2, 1},  {2, 2},  {2, 3},  {2, 4},  {3, 0},
    {3, 1},  {3, 2},  {3, 3},  {3, 4},  {3, 5},  {3, 6},  {4, 0},  {4, 1},  {4, 2},
    {4, 3},  {4, 4},  {4, 5},  {4, 6},  {4, 7},  {5, 0},  {5, 1},  {5, 2},  {5, 3},
    {5, 4},  {5, 5},  {5, 6},  {6, 0},  {6, 1},  {6, 2},  {6, 3},  {6, 4},  {6, 5},
    {6, 6},  {6, 7},  {6, 8},  {6, 9},  {6, 10}, {7, 0},  {7, 1},  {7, 2},  {7, 3},
    {7, 4},  {7, 5},  {7, 6},  {7, 7},  {7, 8},  {7, 9},  {7, 10}, {7, 11}, {7, 12},
    {7, 13}, {7, 14}, {7, 15}, {7, 16}, {7, 17}, {7, 18}, {7, 19}, {7, 20}, {7, 21},
    {7, 22}, {7, 23}, {7, 24}, {7, 25}, {7, 26}, {7, 27}, {7, 28}, {7, 29}, {7, 30},
};

static void esc_table_is_clean(void **state)
{
	(void)state;
	char what[64];
	for (size_t i = 0; i < annot_esc_table_len; i++) {
		const struct annot_esc_entry *e = &annot_esc_table[i];
		snprintf(what, sizeof(what), "X.%d.%d", e->subject, e->detail);
		check_meaning(what, e->meaning);
		assert_non_null(e->source);
		assert_true(strlen(e->source) >= 8);
		assert_in_range(e->subject, 0, 999);
		assert_true(e->detail >= -1 && e->detail <= 999);
		for (size_t j = i + 1; j < annot_esc_table_len; j++)
			if (annot_esc_table[j].subject == e->subject &&
			    annot_esc_table[j].detail == e->detail)
				fail_msg("duplicate entry %s (rows %zu and %zu)", what, i, j);
	}
	/* nothing beyond the registry: every row is a subject or listed above */
	for (size_t i = 0; i < annot_esc_table_len; i++) {
		const struct annot_esc_entry *e = &annot_esc_table[i];
		bool listed = e->detail == -1;
		for (size_t j = 0; j < LEN(registry); j++)
			listed |=
			    registry[j].subject == e->subject && registry[j].detail == e->detail;
		if (!listed)
			fail_msg("X.%d.%d is not in the IANA registry", e->subject, e->detail);
	}
	assert_int_equal(annot_esc_table_len, LEN(registry) + 8);
}

static void esc_registry_present(void **state)
{
	(void)state;
	struct annot_esc e;
	for (int subject = 0; subject <= 7; subject++) {
		char code[16];
		snprintf(code, sizeof(code), "5.%d.999", subject);
		assert_true(annot_esc_lookup(code, &e));
		if (!e.subject_meaning)
			fail_msg("subject X.%d has no meaning", subject);
		assert_null(e.detail_meaning);
		assert_null(e.source);
	}
	for (size_t i = 0; i < LEN(registry); i++) {
		char code[16];
		snprintf(code, sizeof(code), "4.%d.%d", registry[i].subject, registry[i].detail);
		assert_true(annot_esc_lookup(code, &e));
		if (!e.detail_meaning)
			fail_msg("%s is missing", code);
		assert_non_null(e.source);
		assert_non_null(e.subject_meaning);
	}
	assert_true(annot_esc_lookup("5.8.0", &e));
	assert_null(e.subject_meaning);
	assert_null(e.detail_meaning);
}

static void esc_parse(void **state)
{
	(void)state;
	struct annot_esc e;

	assert_true(annot_esc_lookup("5.7.8", &e));
	assert_int_equal(e.klass, 5);
	assert_int_equal(e.subject, 7);
	assert_int_equal(e.detail, 8);
	assert_string_equal(e.klass_meaning, "Permanent failure");
	assert_contains(e.detail_meaning, "credentials invalid");
	assert_string_equal(e.source, "RFC 4954");
	assert_contains(e.subject_meaning, "security or policy");

	assert_true(annot_esc_lookup("4.4.2", &e));
	assert_string_equal(e.klass_meaning, "Persistent transient failure");
	assert_contains(e.detail_meaning, "bad connection");

	assert_true(annot_esc_lookup("2.0.0", &e));
	assert_string_equal(e.klass_meaning, "Success");
	assert_non_null(e.detail_meaning);
	assert_string_equal(e.source, "RFC 3463");

	/* a vendor code: the subject is known, the detail is not */
	assert_true(annot_esc_lookup("5.7.139", &e));
	assert_int_equal(e.detail, 139);
	assert_non_null(e.subject_meaning);
	assert_null(e.detail_meaning);
	assert_null(e.source);

	/* newer registrations */
	assert_true(annot_esc_lookup("5.7.30", &e));
	assert_contains(e.detail_meaning, "REQUIRETLS");
	assert_true(annot_esc_lookup("5.1.10", &e));
	assert_contains(e.detail_meaning, "null MX");
	assert_true(annot_esc_lookup("5.5.6", &e));
	assert_contains(e.detail_meaning, "line too long");
	assert_true(annot_esc_lookup("4.7.12", &e));
	assert_contains(e.detail_meaning, "password transition");
	/* up to three digits each, leading zeros allowed by RFC 3463 */
	assert_true(annot_esc_lookup("5.007.008", &e));
	assert_int_equal(e.detail, 8);
	assert_non_null(e.detail_meaning);
	assert_true(annot_esc_lookup("5.999.999", &e));

	static const char *bad[] = {
	    "6.1.1",  "5.7",      "5.7.8.1", "5..8",   "x.1.1",  "5.1234.1", "",
	    "3.1.1",  "5.1.1234", " 5.1.1",  "5.1.1 ", "5.1.1x", "55.1.1",   "5.-1.1",
	    "5.1.+1", ".5.1.1",   "5.1.",    "0.0.0",  "1.1.1",  "5",        "5.",
	};
	for (size_t i = 0; i < LEN(bad); i++)
		if (annot_esc_lookup(bad[i], &e))
			fail_msg("\"%s\" accepted", bad[i]);
	assert_false(annot_esc_lookup(NULL, &e));
	/* out may be NULL: validation only */
	assert_true(annot_esc_lookup("2.1.5", NULL));
}

/* ---- EHLO keywords ------------------------------------------------------- */

static void keyword_table_is_clean(const char *name, const struct annot_keyword *t, size_t n)
{
	char what[64];
	for (size_t i = 0; i < n; i++) {
		snprintf(what, sizeof(what), "%s %s", name, t[i].keyword);
		assert_non_null(t[i].keyword);
		assert_true(t[i].keyword[0] != '\0');
		for (const char *p = t[i].keyword; *p; p++)
			if ((*p >= 'a' && *p <= 'z') || *p == ' ')
				fail_msg("%s: keyword not upper case", what);
		check_meaning(what, t[i].meaning);
		for (size_t j = i + 1; j < n; j++)
			if (!strcasecmp(t[i].keyword, t[j].keyword))
				fail_msg("%s: duplicate (rows %zu and %zu)", what, i, j);
	}
}

static void keyword_tables_are_clean(void **state)
{
	(void)state;
	keyword_table_is_clean("EHLO", annot_ehlo_keywords, annot_ehlo_keywords_len);
	keyword_table_is_clean("CAPA", annot_capa_tags, annot_capa_tags_len);
	keyword_table_is_clean("resp-code", annot_pop3_resp_codes, annot_pop3_resp_codes_len);
	keyword_table_is_clean("SASL", annot_sasl_mechs, annot_sasl_mechs_len);
}

static void ehlo_keywords_present(void **state)
{
	(void)state;
	static const char *keywords[] = {
	    "PIPELINING",    "SIZE",       "STARTTLS",
	    "AUTH",          "8BITMIME",   "ENHANCEDSTATUSCODES",
	    "DSN",           "SMTPUTF8",   "CHUNKING",
	    "BINARYMIME",    "VRFY",       "ETRN",
	    "EXPN",          "HELP",       "DELIVERBY",
	    "ATRN",          "BURL",       "MT-PRIORITY",
	    "FUTURERELEASE", "REQUIRETLS", "RRVS",
	    "SUBMITTER",     "CHECKPOINT", "NO-SOLICITING",
	    "LIMITS",        "XCLIENT",    "XFORWARD",
	    "X-EXPS",
	};
	char buf[512];
	for (size_t i = 0; i < LEN(keywords); i++)
		if (!annot_ehlo(keywords[i], buf, sizeof(buf)))
			fail_msg("EHLO keyword %s unknown", keywords[i]);
	assert_null(annot_ehlo("FROBNICATE", buf, sizeof(buf)));
	assert_null(annot_ehlo("", buf, sizeof(buf)));
	assert_null(annot_ehlo(NULL, buf, sizeof(buf)));
	/* a prefix or an extension of a keyword is another keyword */
	assert_null(annot_ehlo("SIZ", buf, sizeof(buf)));
	assert_null(annot_ehlo("SIZEX 10", buf, sizeof(buf)));
}

static void ehlo_size(void **state)
{
	(void)state;
	char buf[512];
	const char *m = annot_ehlo("SIZE 10240000", buf, sizeof(buf));
	assert_contains(m, "maximum message size 10240000 bytes");
	assert_contains(m, "9.8 MB");
	assert_contains(annot_ehlo("SIZE 35882577", buf, sizeof(buf)), "34.2 MB");
	assert_contains(annot_ehlo("SIZE", buf, sizeof(buf)), "no fixed maximum");
	assert_contains(annot_ehlo("SIZE 0", buf, sizeof(buf)), "no fixed maximum");
	assert_contains(annot_ehlo("SIZE lots", buf, sizeof(buf)), "not a number");
	assert_contains(annot_ehlo("SIZE 99999999999999999999999", buf, sizeof(buf)),
	                "not a number");
}

static void ehlo_auth(void **state)
{
	(void)state;
	char buf[512];
	const char *m = annot_ehlo("AUTH PLAIN LOGIN", buf, sizeof(buf));
	assert_contains(m, "PLAIN: ");
	assert_contains(m, "one base64 line");
	assert_contains(m, "LOGIN: ");
	assert_contains(m, "each as a base64 line");

	m = annot_ehlo("AUTH=LOGIN PLAIN", buf, sizeof(buf));
	assert_non_null(m);
	assert_contains(m, "old");
	assert_contains(m, "LOGIN: ");
	assert_contains(m, "PLAIN: ");

	assert_contains(annot_ehlo("AUTH", buf, sizeof(buf)), "no mechanism");
	assert_contains(annot_ehlo("AUTH FOO-BAR", buf, sizeof(buf)),
	                "FOO-BAR: a mechanism smtpsh does not know");

	/* a long list is cut cleanly, within the buffer */
	char small[64];
	m = annot_ehlo("AUTH PLAIN LOGIN CRAM-MD5 DIGEST-MD5 XOAUTH2 SCRAM-SHA-256", small,
	               sizeof(small));
	assert_non_null(m);
	assert_int_equal(strlen(m), sizeof(small) - 1);
	assert_string_equal(m + strlen(m) - 3, "...");
	/* server text never reaches the output raw */
	m = annot_ehlo("AUTH PL\x1b[31mAIN", buf, sizeof(buf));
	assert_null(strchr(m, '\x1b'));
}

static void ehlo_case_and_params(void **state)
{
	(void)state;
	char buf[512];
	const char *upper = annot_ehlo("PIPELINING", buf, sizeof(buf));
	assert_non_null(upper);
	assert_string_equal(annot_ehlo("pipelining", buf, sizeof(buf)), upper);
	assert_string_equal(annot_ehlo("PipeLining", buf, sizeof(buf)), upper);
	assert_contains(annot_ehlo("size 1048576", buf, sizeof(buf)), "1.0 MB");
	assert_contains(annot_ehlo("auth plain", buf, sizeof(buf)), "plain: ");
	assert_contains(annot_ehlo("starttls", buf, sizeof(buf)), "TLS");
	/* parameters of other keywords are shown */
	const char *m = annot_ehlo("XCLIENT NAME HELO", buf, sizeof(buf));
	assert_contains(m, "Postfix");
	assert_contains(m, "NAME HELO");
	/* without a buffer: the bare meaning */
	assert_contains(annot_ehlo("SIZE 100", NULL, 0), "size limit");
}

/* ---- POP3 ------------------------------------------------------------------ */

static void capa_tags(void **state)
{
	(void)state;
	char buf[512];
	static const char *tags[] = {
	    "TOP",
	    "USER",
	    "SASL",
	    "RESP-CODES",
	    "LOGIN-DELAY 900",
	    "PIPELINING",
	    "EXPIRE 30",
	    "UIDL",
	    "IMPLEMENTATION Dovecot",
	    "STLS",
	    "AUTH-RESP-CODE",
	    "UTF8",
	    "LANG",
	    "APOP",
	    "CAPA",
	};
	for (size_t i = 0; i < LEN(tags); i++)
		if (!annot_capa(tags[i], buf, sizeof(buf)))
			fail_msg("CAPA tag %s unknown", tags[i]);
	assert_null(annot_capa("XYZZY", buf, sizeof(buf)));

	const char *m = annot_capa("SASL PLAIN LOGIN", buf, sizeof(buf));
	assert_contains(m, "PLAIN: ");
	assert_contains(m, "LOGIN: ");
	assert_contains(annot_capa("SASL", buf, sizeof(buf)), "STLS");

	m = annot_capa("LOGIN-DELAY 900", buf, sizeof(buf));
	assert_contains(m, "900 seconds");
	assert_contains(m, "15 minutes");
	assert_contains(annot_capa("LOGIN-DELAY 900 USER", buf, sizeof(buf)), "per user");
	assert_contains(annot_capa("LOGIN-DELAY 7200", buf, sizeof(buf)), "2.0 hours");

	assert_contains(annot_capa("EXPIRE NEVER", buf, sizeof(buf)), "never deletes");
	assert_contains(annot_capa("EXPIRE 0", buf, sizeof(buf)), "may not be left");
	assert_contains(annot_capa("EXPIRE 30", buf, sizeof(buf)), "30 days");
	assert_contains(annot_capa("EXPIRE 1", buf, sizeof(buf)), "1 day ");
	assert_contains(annot_capa("implementation Dovecot 2.3", buf, sizeof(buf)), "Dovecot 2.3");
	assert_contains(annot_capa("stls", buf, sizeof(buf)), "TLS");
}

static void pop3_resp_codes(void **state)
{
	(void)state;
	static const char *codes[] = {"IN-USE",   "LOGIN-DELAY", "SYS/TEMP",
	                              "SYS/PERM", "AUTH",        "UTF8"};
	for (size_t i = 0; i < LEN(codes); i++)
		if (!annot_pop3_resp_code(codes[i]))
			fail_msg("response code %s unknown", codes[i]);
	assert_contains(annot_pop3_resp_code("SYS/TEMP"), "temporary");
	assert_contains(annot_pop3_resp_code("SYS/PERM"), "retrying will not help");
	/* an unknown child falls back to its parent */
	const char *sys = annot_pop3_resp_code("SYS");
	assert_non_null(sys);
	assert_ptr_equal(annot_pop3_resp_code("SYS/FOO"), sys);
	assert_ptr_not_equal(annot_pop3_resp_code("SYS/TEMP"), sys);
	assert_null(annot_pop3_resp_code("FOO/BAR"));
	assert_null(annot_pop3_resp_code("FOO"));
	assert_null(annot_pop3_resp_code(""));
	assert_null(annot_pop3_resp_code(NULL));
	assert_null(annot_pop3_resp_code("IN"));
	assert_contains(annot_pop3_resp_code("in-use"), "locked");
}

static void pop3_status_table_is_clean(void **state)
{
	(void)state;
	char what[64];
	for (size_t i = 0; i < annot_pop3_statuses_len; i++) {
		const struct annot_pop3_status *s = &annot_pop3_statuses[i];
		snprintf(what, sizeof(what), "%d after %s", s->status, s->verb ? s->verb : "(any)");
		check_meaning(what, s->meaning);
		assert_true(s->status == REPLY_POP3_OK || s->status == REPLY_POP3_ERR ||
		            s->status == REPLY_POP3_CONT);
		for (size_t j = i + 1; j < annot_pop3_statuses_len; j++)
			if (annot_pop3_statuses[j].status == s->status &&
			    same_context(annot_pop3_statuses[j].verb, s->verb))
				fail_msg("duplicate entry: %s", what);
	}
	/* every RFC 1939/2449/2595/5034 command has both answers explained */
	static const char *verbs[] = {
	    "",     "USER", "PASS", "APOP", "AUTH", "STAT", "LIST", "UIDL",
	    "RETR", "TOP",  "DELE", "RSET", "NOOP", "QUIT", "CAPA", "STLS",
	};
	for (size_t v = 0; v < LEN(verbs); v++)
		for (int ok = 0; ok < 2; ok++) {
			int status = ok ? REPLY_POP3_OK : REPLY_POP3_ERR;
			bool found = false;
			for (size_t i = 0; i < annot_pop3_statuses_len; i++)
				found |= annot_pop3_statuses[i].status == status &&
				         annot_pop3_statuses[i].verb &&
				         !strcmp(annot_pop3_statuses[i].verb, verbs[v]);
			if (!found)
				fail_msg("no meaning for %s after \"%s\"", ok ? "+OK" : "-ERR",
				         verbs[v]);
		}
}

static void pop3_in_context(void **state)
{
	(void)state;
	const char *m = annot_pop3(REPLY_POP3_ERR, "PASS");
	assert_contains(m, "wrong user name or password");
	assert_contains(m, "plaintext login refused");
	assert_contains(annot_pop3(REPLY_POP3_OK, "PASS"), "TRANSACTION");
	assert_contains(annot_pop3(REPLY_POP3_OK, "QUIT"), "UPDATE");
	assert_contains(annot_pop3(REPLY_POP3_OK, "STAT"), "+OK n size");
	assert_contains(annot_pop3(REPLY_POP3_OK, ""), "USER and PASS");
	assert_contains(annot_pop3(REPLY_POP3_CONT, "AUTH"), "base64");
	assert_contains(annot_pop3(REPLY_POP3_OK, "STLS"), "TLS handshake");
	assert_contains(annot_pop3(REPLY_POP3_OK, "retr"), "lone \".\"");
	/* fallbacks */
	assert_ptr_equal(annot_pop3(REPLY_POP3_OK, "XTND"), annot_pop3(REPLY_POP3_OK, NULL));
	assert_ptr_equal(annot_pop3(REPLY_POP3_CONT, "USER"), annot_pop3(REPLY_POP3_CONT, NULL));
	assert_non_null(annot_pop3(0, "PASS"));
	assert_non_null(annot_pop3(42, NULL));
}

static void sasl_mechs(void **state)
{
	(void)state;
	static const char *mechs[] = {
	    "PLAIN",       "LOGIN",       "CRAM-MD5",         "DIGEST-MD5",    "XOAUTH2",
	    "OAUTHBEARER", "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS",
	    "GSSAPI",      "NTLM",        "EXTERNAL",         "ANONYMOUS",
	};
	for (size_t i = 0; i < LEN(mechs); i++)
		if (!annot_sasl_mech(mechs[i]))
			fail_msg("mechanism %s unknown", mechs[i]);
	assert_string_equal(annot_sasl_mech("plain"), annot_sasl_mech("PLAIN"));
	assert_null(annot_sasl_mech("SCRAM"));
	assert_null(annot_sasl_mech(""));
	assert_null(annot_sasl_mech(NULL));
	/* short enough that a six-mechanism AUTH line fits render's buffer */
	for (size_t i = 0; i < annot_sasl_mechs_len; i++)
		assert_true(strlen(annot_sasl_mechs[i].meaning) <= 80);
}

/* "UIDL 1" / "LIST 1" answers carry the message number first (RFC 1939). */
static void pop3_scan_answers(void **state)
{
	(void)state;
	char buf[200];
	assert_null(
	    annot_pop3_scan_check("UIDL", 1, "1 whqtswO00WBw418f9t5JxYwZ", buf, sizeof(buf)));
	assert_null(annot_pop3_scan_check("LIST", 2, "2 200", buf, sizeof(buf)));
	assert_null(annot_pop3_scan_check("RETR", 1, "120 octets", buf, sizeof(buf)));
	const char *m =
	    annot_pop3_scan_check("UIDL", 1, "whqtswO00WBw418f9t5JxYwZ", buf, sizeof(buf));
	assert_non_null(m);
	assert_non_null(strstr(m, "does not start with the message number"));
	assert_non_null(strstr(m, "+OK 1 <unique-id>"));
	assert_non_null(annot_pop3_scan_check("UIDL", 1, "1abc", buf, sizeof(buf)));
	m = annot_pop3_scan_check("LIST", 2, "3 120", buf, sizeof(buf));
	assert_non_null(m);
	assert_non_null(strstr(m, "message 3"));
	m = annot_pop3_scan_check("uidl", 4, "4", buf, sizeof(buf));
	assert_non_null(m);
	assert_non_null(strstr(m, "no unique-id"));
	assert_non_null(annot_pop3_scan_check("LIST", 4, "4 ", buf, sizeof(buf)));
	assert_non_null(annot_pop3_scan_check("LIST", 4, "", buf, sizeof(buf)));
	/* one number that is not the message's: a size without its number */
	m = annot_pop3_scan_check("LIST", 1, "120", buf, sizeof(buf));
	assert_non_null(m);
	assert_non_null(strstr(m, "+OK 1 <size>"));
}

/* 538 is answered on connections that are already encrypted too (smtps://
 * behind a TLS proxy): its meaning must not send anyone to STARTTLS. */
static void smtp_538_meaning(void **state)
{
	(void)state;
	char buf[200];
	assert_null(strstr(annot_smtp(538, "AUTH", buf, sizeof(buf)), "STARTTLS"));
	assert_non_null(strstr(annot_smtp(538, "AUTH", buf, sizeof(buf)), "encrypted"));
}

/* Issue 12.4, one row per wrong note a student met: what the reply is
 * beyond its code. */
static void seed_replies(void **state)
{
	(void)state;
	/* what a 503/530 asks to come first: want NULL means no sentence;
	 * has/hasnt: words the sentence must and must not hold */
	static const struct {
		int code;
		const char *text, *has, *hasnt;
	} firsts[] = {
	    {503, "Error: need EHLO and AUTH first !", "AUTH", "STARTTLS"},
	    {530, "Must issue a STARTTLS command first", "STARTTLS", "AUTH"},
	    {530, "5.7.0 Authentication required", "AUTH", "STARTTLS"},
	    {503, "5.5.1 Error: send HELO/EHLO first", "EHLO", "AUTH"},
	    {530, "5.7.0 Must issue a STARTTLS command first, then authenticate", "STARTTLS", NULL},
	    {503, "5.5.1 Error: nested MAIL command", NULL, NULL},
	    {550, "need EHLO and AUTH first", NULL, NULL},
	};
	for (size_t i = 0; i < LEN(firsts); i++) {
		const char *m = annot_smtp_first(firsts[i].code, firsts[i].text);
		if (!firsts[i].has) {
			if (m)
				fail_msg("first %zu: wanted nothing, got '%s'", i, m);
			continue;
		}
		if (!m || !strstr(m, firsts[i].has) ||
		    (firsts[i].hasnt && strstr(m, firsts[i].hasnt)))
			fail_msg("first %zu: '%s' gave '%s'", i, firsts[i].text, m ? m : "(null)");
		check_meaning("first", m);
	}
	/* QQ's EHLO: greeting words and "OK" are no extensions; real
	 * keywords and unknown ones are left to the keyword table */
	static const char greeting[] =
	    "newxmesmtplogicsvrszb1-0.qq.com XMail Esmtp QQ Mail Server.";
	static const struct {
		const char *line, *greeting;
		bool stray;
	} lines[] = {
	    {"XMail Esmtp QQ Mail Server.", greeting, true},
	    {"OK", greeting, true},
	    {"ok", NULL, true},
	    {"MAILCOMPRESS", greeting, false},
	    {"XMail", greeting, false}, /* one word: could be an extension */
	    {"SIZE 73400320", greeting, false},
	    {"Esmtp QQ", NULL, false},
	};
	for (size_t i = 0; i < LEN(lines); i++) {
		const char *m = annot_ehlo_not_extension(lines[i].line, lines[i].greeting);
		if ((m != NULL) != lines[i].stray)
			fail_msg("ehlo line %zu '%s': %s", i, lines[i].line, m ? m : "(null)");
		if (m)
			check_meaning("ehlo line", m);
	}
	/* ports: every mail port named as a port; a reply code is none */
	static const unsigned ports[] = {25, 465, 587, 110, 995, 143, 993};
	for (size_t i = 0; i < LEN(ports); i++) {
		const char *m = annot_port(ports[i]);
		char num[16];
		snprintf(num, sizeof(num), "port %u", ports[i]);
		assert_non_null(m);
		assert_non_null(strstr(m, num));
		assert_false(annot_smtp_registered((int)ports[i]));
		check_meaning("port", m);
	}
	assert_null(annot_port(250));
	assert_true(annot_smtp_registered(250));
	/* Postfix hangs up on header lines sent as commands */
	static const struct {
		const char *verb;
		int code;
		bool hangup;
	} verbs[] = {
	    {"FROM:", 221, true},   {"SUBJECT:", 221, true}, {"X-MAILER:", 421, true},
	    {"SUBJECT", 221, true}, {"FROM:", 502, false},   {"HELLO", 221, false},
	    {"FROM:", 250, false},  {":", 221, false},       {"", 221, false},
	};
	for (size_t i = 0; i < LEN(verbs); i++)
		if (annot_smtp_header_hangup(verbs[i].verb, verbs[i].code) != verbs[i].hangup)
			fail_msg("hangup %zu: %s %d", i, verbs[i].verb, verbs[i].code);
	/* -ERR with no command named: not "closes the connection"; the
	 * greeting's -ERR still does */
	assert_null(strstr(annot_pop3(REPLY_POP3_ERR, NULL), "closes"));
	assert_non_null(strstr(annot_pop3(REPLY_POP3_ERR, NULL), "stays open"));
	assert_non_null(strstr(annot_pop3(REPLY_POP3_ERR, ""), "closes"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(smtp_table_is_clean),
	    cmocka_unit_test(smtp_rfc_codes_present),
	    cmocka_unit_test(smtp_context_beats_general),
	    cmocka_unit_test(smtp_unknown_code_by_digits),
	    cmocka_unit_test(esc_table_is_clean),
	    cmocka_unit_test(esc_registry_present),
	    cmocka_unit_test(esc_parse),
	    cmocka_unit_test(keyword_tables_are_clean),
	    cmocka_unit_test(ehlo_keywords_present),
	    cmocka_unit_test(ehlo_size),
	    cmocka_unit_test(ehlo_auth),
	    cmocka_unit_test(ehlo_case_and_params),
	    cmocka_unit_test(capa_tags),
	    cmocka_unit_test(pop3_resp_codes),
	    cmocka_unit_test(pop3_status_table_is_clean),
	    cmocka_unit_test(pop3_in_context),
	    cmocka_unit_test(sasl_mechs),
	    cmocka_unit_test(pop3_scan_answers),
	    cmocka_unit_test(smtp_538_meaning),
	    cmocka_unit_test(seed_replies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
