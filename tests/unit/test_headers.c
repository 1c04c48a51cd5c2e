/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The header table: every header issue 11 names resolves in any case,
 * no name or value is there twice, every entry names an RFC and a
 * writer, the Content-Type and Content-Transfer-Encoding values resolve,
 * and mistyped names find what they meant. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "headers.h"

#define N(a) (sizeof(a) / sizeof(*(a)))

/* issue 11 point 4, as the issue spells them */
static const char *const required[] = {
    "Date",
    "From",
    "Sender",
    "Reply-To",
    "To",
    "Cc",
    "Bcc",
    "Subject",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Received",
    "Return-Path",
    "Delivered-To",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Content-Disposition",
    "Content-ID",
    "Content-Location",
    "Content-Base",
    "Content-Description",
    "DKIM-Signature",
    "Authentication-Results",
    "Received-SPF",
    "ARC-Seal",
    "ARC-Message-Signature",
    "ARC-Authentication-Results",
    "List-Unsubscribe",
};

static void upper(char *dst, const char *src)
{
	for (; *src; src++, dst++)
		*dst = *src >= 'a' && *src <= 'z' ? (char)(*src - 32) : *src;
	*dst = '\0';
}

static void every_named_header_resolves(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(required); i++) {
		char up[80];
		upper(up, required[i]);
		const struct header_info *h = header_find(required[i], strlen(required[i]));
		if (!h)
			fail_msg("%s is not in the table", required[i]);
		assert_ptr_equal(header_find(up, strlen(up)), h);
		assert_string_equal(h->name, required[i]);
	}
}

static void entries_are_whole_and_unique(void **state)
{
	(void)state;
	for (size_t i = 0; i < header_infos_len; i++) {
		const struct header_info *h = &header_infos[i];
		if (!h->rfc || strncmp(h->rfc, "RFC ", 4) != 0)
			fail_msg("%s names no RFC", h->name);
		if (!h->what || !*h->what || !h->check || !*h->check)
			fail_msg("%s lacks what it is or what to check", h->name);
		if (!h->writers || (h->writers & ~HEADER_WRITERS_ALL))
			fail_msg("%s: writers %#x", h->name, h->writers);
		for (size_t j = i + 1; j < header_infos_len; j++)
			if (!strcasecmp(h->name, header_infos[j].name))
				fail_msg("%s is in the table twice", h->name);
	}
	for (size_t i = 0; i < header_values_len; i++) {
		const struct header_value_info *v = &header_values[i];
		if (!v->rfc || strncmp(v->rfc, "RFC ", 4) != 0)
			fail_msg("%s names no RFC", v->value);
		if (!header_find(v->header, strlen(v->header)))
			fail_msg("%s is a value of %s, which is not in the table", v->value,
			         v->header);
		for (size_t j = i + 1; j < header_values_len; j++)
			if (!strcasecmp(v->value, header_values[j].value))
				fail_msg("%s is in the values twice", v->value);
	}
}

static void values_resolve(void **state)
{
	(void)state;
	static const struct {
		const char *value, *header;
	} cases[] = {
	    {"multipart/mixed", "Content-Type"},
	    {"Multipart/Alternative", "Content-Type"},
	    {"multipart/related", "Content-Type"},
	    {"text/plain", "Content-Type"},
	    {"TEXT/HTML", "Content-Type"},
	    {"message/rfc822", "Content-Type"},
	    {"application/octet-stream", "Content-Type"},
	    {"7bit", "Content-Transfer-Encoding"},
	    {"8BIT", "Content-Transfer-Encoding"},
	    {"binary", "Content-Transfer-Encoding"},
	    {"base64", "Content-Transfer-Encoding"},
	    {"Quoted-Printable", "Content-Transfer-Encoding"},
	    {"attachment", "Content-Disposition"},
	    {"inline", "Content-Disposition"},
	};
	for (size_t i = 0; i < N(cases); i++) {
		const struct header_value_info *v =
		    header_value_find(cases[i].value, strlen(cases[i].value));
		if (!v)
			fail_msg("%s does not resolve", cases[i].value);
		assert_string_equal(v->header, cases[i].header);
	}
	assert_null(header_value_find("multipart/mix", 13));
	assert_null(header_value_find("", 0));
}

static void nearest_finds_the_meant_name(void **state)
{
	(void)state;
	static const struct {
		const char *typed;
		const char *meant; /* NULL: no guess */
	} cases[] = {
	    {"Data", "Date"}, /* seed 002 */
	    {"data", "Date"},
	    {"Form", "From"},         /* two letters swapped */
	    {"Subjet", "Subject"},    /* one dropped */
	    {"Recieved", "Received"}, /* swapped */
	    {"Content-Typ", "Content-Type"},
	    {"Mesage-Id", "Message-ID"},
	    {"Contnet-Tpye", "Content-Type"}, /* two swaps in a long name */
	    {"Date", NULL},                   /* known: no guess */
	    {"subject", NULL},
	    {"X-Mailer", NULL}, /* nothing close */
	    {"Organization", NULL},
	    {"Dx", NULL}, /* two edits from a 4-letter name */
	    {"", NULL},
	};
	for (size_t i = 0; i < N(cases); i++) {
		const struct header_info *h =
		    header_nearest(cases[i].typed, strlen(cases[i].typed));
		if (!cases[i].meant && h)
			fail_msg("%s: guessed %s", cases[i].typed, h->name);
		if (cases[i].meant && (!h || strcmp(h->name, cases[i].meant)))
			fail_msg("%s: guessed %s, not %s", cases[i].typed, h ? h->name : "nothing",
			         cases[i].meant);
	}
	/* longer than the bound: no guess, no overflow */
	char long_name[HEADER_NAME_MAX + 10];
	memset(long_name, 'a', sizeof(long_name));
	assert_null(header_nearest(long_name, sizeof(long_name)));
	assert_null(header_find(long_name, sizeof(long_name)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_named_header_resolves),
	    cmocka_unit_test(entries_are_whole_and_unique),
	    cmocka_unit_test(values_resolve),
	    cmocka_unit_test(nearest_finds_the_meant_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
