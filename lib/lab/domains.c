/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The extra domains of a lab, kept as the comma-separated text the
 * teacher typed: a handful, read a few times per recipient. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lab/domains.h"

/* The length of the entry at p (up to ',' or the end). */
static size_t entry_len(const char *p)
{
	return strcspn(p, ",");
}

static bool host_name_ok(const char *p, size_t n)
{
	if (n == 0 || n > LAB_DOMAIN_NAME_MAX || p[0] == '.' || p[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '.' && p[i + 1] == '.')
			return false;
		if (!isalnum(c) && c != '-' && c != '.')
			return false;
	}
	return true;
}

enum smtpsh_err lab_domains_check(const char *list, struct smtpsh_msg *msg)
{
	size_t count = 0;
	for (const char *p = list;; p++) {
		size_t n = entry_len(p);
		if (!host_name_ok(p, n))
			return smtpsh_fail(msg, SMTPSH_EINVAL,
			                   "--domains wants host names separated by commas "
			                   "(a.test,b.test), not '%s'",
			                   list);
		if (++count > LAB_DOMAINS_MAX)
			return smtpsh_fail(msg, SMTPSH_EINVAL, "--domains takes at most %d domains",
			                   LAB_DOMAINS_MAX);
		for (const char *q = list; q < p; q += entry_len(q) + 1)
			if (entry_len(q) == n && !strncasecmp(q, p, n))
				return smtpsh_fail(msg, SMTPSH_EINVAL, "--domains names %.*s twice",
				                   (int)n, p);
		p += n;
		if (!*p)
			return SMTPSH_OK;
	}
}

bool lab_domains_has(const char *list, const char *domain)
{
	size_t want = strlen(domain);
	for (const char *p = list; p && *p;) {
		size_t n = entry_len(p);
		if (n == want && !strncasecmp(p, domain, n))
			return true;
		p += n;
		if (*p)
			p++;
	}
	return false;
}

bool lab_domains_at(const char *list, size_t i, char *out, size_t n)
{
	const char *p = list;
	for (; p && *p && i > 0; i--) {
		p += entry_len(p);
		if (*p)
			p++;
	}
	if (!p || !*p)
		return false;
	snprintf(out, n, "%.*s", (int)entry_len(p), p);
	return true;
}
