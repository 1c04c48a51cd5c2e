/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lib/annot in Simplified Chinese (issue 13): with the catalogue built
 * into build/locale and LANGUAGE=zh_CN, every row of every table comes
 * out of its lookup in Chinese, and the sentences built around server
 * text keep that text and the numbers.  English is test_annot.c's. */
#include <limits.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "annot.h"
#include "i18n.h"
#include "reply.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Whether s holds a CJK ideograph (U+4E00..U+9FFF, three UTF-8 bytes
 * E4..E9). */
static bool has_cjk(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
		if (*p >= 0xe4 && *p <= 0xe9 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80)
			return true;
	return false;
}

static void check_zh(const char *what, const char *m)
{
	if (!m)
		fail_msg("%s: no meaning", what);
	if (!has_cjk(m))
		fail_msg("%s: not in Chinese: \"%s\"", what, m);
}

/* build/tests/test_annot_zh -> build/locale, as smtpsh finds its own. */
static int chinese(void **state)
{
	(void)state;
	char exe[PATH_MAX], dir[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(dir, sizeof(dir), "%s/../locale", exe);
	if (!setlocale(LC_MESSAGES, "C.UTF-8") || setenv("LANGUAGE", "zh_CN", 1))
		return -1;
	bindtextdomain(SMTPSH_TEXT_DOMAIN, dir);
	bind_textdomain_codeset(SMTPSH_TEXT_DOMAIN, "UTF-8");
	return 0;
}

static void smtp_codes(void **state)
{
	(void)state;
	char buf[256], what[64];
	for (size_t i = 0; i < annot_smtp_codes_len; i++) {
		const struct annot_smtp_code *c = &annot_smtp_codes[i];
		snprintf(what, sizeof(what), "%d after %s", c->code,
		         c->context ? c->context : "any");
		check_zh(what, annot_smtp(c->code, c->context, buf, sizeof(buf)));
	}
	/* an unregistered code, and a number that is none */
	const int unregistered[] = {299, 419, 599, 99, 600};
	for (size_t i = 0; i < LEN(unregistered); i++) {
		snprintf(what, sizeof(what), "%d", unregistered[i]);
		const char *m = annot_smtp(unregistered[i], NULL, buf, sizeof(buf));
		check_zh(what, m);
		if (!strstr(m, what))
			fail_msg("%s: the code is lost: \"%s\"", what, m);
	}
}

static void enhanced_codes(void **state)
{
	(void)state;
	char esc[32];
	for (size_t i = 0; i < annot_esc_table_len; i++) {
		const struct annot_esc_entry *e = &annot_esc_table[i];
		const int klasses[] = {2, 4, 5};
		for (size_t k = 0; k < LEN(klasses); k++) {
			snprintf(esc, sizeof(esc), "%d.%d.%d", klasses[k], e->subject,
			         e->detail < 0 ? 999 : e->detail);
			struct annot_esc out;
			if (!annot_esc_lookup(esc, &out))
				fail_msg("%s: not parsed", esc);
			check_zh(esc, out.klass_meaning);
			check_zh(esc, out.subject_meaning);
			if (e->detail >= 0)
				check_zh(esc, out.detail_meaning);
		}
	}
}

static void keyword_tables(void **state)
{
	(void)state;
	char buf[512];
	for (size_t i = 0; i < annot_ehlo_keywords_len; i++) {
		const char *kw = annot_ehlo_keywords[i].keyword;
		check_zh(kw, annot_ehlo(kw, NULL, 0));
		check_zh(kw, annot_ehlo(kw, buf, sizeof(buf)));
	}
	for (size_t i = 0; i < annot_capa_tags_len; i++) {
		const char *kw = annot_capa_tags[i].keyword;
		check_zh(kw, annot_capa(kw, NULL, 0));
		check_zh(kw, annot_capa(kw, buf, sizeof(buf)));
	}
	for (size_t i = 0; i < annot_pop3_resp_codes_len; i++)
		check_zh(annot_pop3_resp_codes[i].keyword,
		         annot_pop3_resp_code(annot_pop3_resp_codes[i].keyword));
	for (size_t i = 0; i < annot_sasl_mechs_len; i++)
		check_zh(annot_sasl_mechs[i].keyword, annot_sasl_mech(annot_sasl_mechs[i].keyword));
	for (size_t i = 0; i < annot_ports_len; i++) {
		char what[16];
		snprintf(what, sizeof(what), "port %u", annot_ports[i].port);
		check_zh(what, annot_port(annot_ports[i].port));
	}
}

static void pop3_statuses(void **state)
{
	(void)state;
	for (size_t i = 0; i < annot_pop3_statuses_len; i++) {
		const struct annot_pop3_status *s = &annot_pop3_statuses[i];
		check_zh(s->verb ? s->verb : "any", annot_pop3(s->status, s->verb));
	}
	check_zh("no status", annot_pop3(-1, NULL));
}

/* Lines with parameters: the sentence is Chinese and keeps what the
 * server said (sanitised) and the figures. */
static void built_sentences(void **state)
{
	(void)state;
	const struct {
		bool capa;
		const char *line;
		const char *kept[3];
	} rows[] = {
	    {false, "SIZE 10240000", {"10240000", "9.8 MB"}},
	    {false, "SIZE 2048", {"2048", "2.0 KB"}},
	    {false, "SIZE 900", {"900"}},
	    {false, "SIZE", {"SIZE"}},
	    {false, "SIZE lots", {"lots"}},
	    {false, "AUTH PLAIN XFOO", {"PLAIN", "XFOO", "smtpsh"}},
	    {false, "AUTH", {"AUTH"}},
	    {false, "AUTH=LOGIN", {"AUTH=", "LOGIN"}},
	    {false, "AUTH=", {"AUTH="}},
	    {false, "DSN extra\x1b[31m", {"extra"}},
	    {true, "SASL CRAM-MD5", {"CRAM-MD5"}},
	    {true, "SASL", {"STLS"}},
	    {true, "LOGIN-DELAY 900", {"900", "15"}},
	    {true, "LOGIN-DELAY 5400 USER", {"5400", "1.5"}},
	    {true, "LOGIN-DELAY 30", {"30"}},
	    {true, "EXPIRE NEVER", {"2449"}},
	    {true, "EXPIRE NEVER USER", {"2449"}},
	    {true, "EXPIRE 0", {"2449"}},
	    {true, "EXPIRE 0 USER", {"2449"}},
	    {true, "EXPIRE 1", {"1"}},
	    {true, "EXPIRE 30 USER", {"30"}},
	    {true, "IMPLEMENTATION Dovecot\x07", {"Dovecot"}},
	    {true, "TOP whatever", {"whatever"}},
	};
	char buf[512];
	for (size_t i = 0; i < LEN(rows); i++) {
		const char *m = rows[i].capa ? annot_capa(rows[i].line, buf, sizeof(buf))
		                             : annot_ehlo(rows[i].line, buf, sizeof(buf));
		check_zh(rows[i].line, m);
		for (size_t k = 0; k < LEN(rows[i].kept) && rows[i].kept[k]; k++)
			if (!strstr(m, rows[i].kept[k]))
				fail_msg("%s: \"%s\" lost in \"%s\"", rows[i].line, rows[i].kept[k],
				         m);
		if (strchr(m, '\x1b') || strchr(m, '\x07'))
			fail_msg("%s: a control byte reached the sentence", rows[i].line);
	}
	/* the last day's variants differ: "1" is not "30" */
	char one[512];
	snprintf(one, sizeof(one), "%s", annot_capa("EXPIRE 1", buf, sizeof(buf)));
	assert_string_not_equal(one, annot_capa("EXPIRE 1 USER", buf, sizeof(buf)));
}

static void reply_sentences(void **state)
{
	(void)state;
	char buf[256];
	const struct {
		const char *verb;
		unsigned long msgno;
		const char *text;
	} scans[] = {
	    {"LIST", 2, "120"},   {"UIDL", 2, "x"}, {"LIST", 2, "3 120"},
	    {"UIDL", 2, "3 abc"}, {"LIST", 2, "2"}, {"UIDL", 2, "2"},
	};
	for (size_t i = 0; i < LEN(scans); i++) {
		const char *m = annot_pop3_scan_check(scans[i].verb, scans[i].msgno, scans[i].text,
		                                      buf, sizeof(buf));
		check_zh(scans[i].text, m);
		if (!strstr(m, scans[i].verb) || !strstr(m, "2"))
			fail_msg("%s: the command and number are lost: \"%s\"", scans[i].verb, m);
	}
	const char *const firsts[] = {
	    "need EHLO first",
	    "Must issue a STARTTLS command first",
	    "Authentication required",
	    "send HELO and STARTTLS",
	    "need EHLO and AUTH first",
	    "use TLS then login",
	    "EHLO, STARTTLS and AUTH first",
	};
	for (size_t i = 0; i < LEN(firsts); i++)
		check_zh(firsts[i], annot_smtp_first(530, firsts[i]));
	check_zh("empty", annot_ehlo_not_extension("", NULL));
	check_zh("OK", annot_ehlo_not_extension("OK", NULL));
	check_zh("greeting",
	         annot_ehlo_not_extension("XMail Esmtp", "XMail Esmtp QQ Mail Server."));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(smtp_codes),      cmocka_unit_test(enhanced_codes),
	    cmocka_unit_test(keyword_tables),  cmocka_unit_test(pop3_statuses),
	    cmocka_unit_test(built_sentences), cmocka_unit_test(reply_sentences),
	};
	return cmocka_run_group_tests(tests, chinese, NULL);
}
