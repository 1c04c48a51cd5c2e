/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mime/charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "text.h"

/* A charset name as iconv wants it: the RFC 2231 language cut off, only
 * the characters charset names use (RFC 2978), bounded. */
static bool charset_name(char *name, size_t size, const char *charset)
{
	size_t n = strcspn(charset, "*");
	if (!n || n >= size)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = charset[i];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		          (c >= '0' && c <= '9') || strchr("-_.:+()", c);
		if (!ok)
			return false;
		name[i] = c;
	}
	name[n] = '\0';
	if (!strcasecmp(name, "gb2312") || !strcasecmp(name, "gbk") || !strcasecmp(name, "x-gbk"))
		strcpy(name, "GB18030");
	return true;
}

static bool is_utf8_name(const char *name)
{
	return !strcasecmp(name, "utf-8") || !strcasecmp(name, "utf8");
}

enum smtpsh_err mime_charset_to_utf8(struct buf *out, const char *charset, const char *p, size_t n,
                                     struct smtpsh_msg *msg)
{
	char name[48];
	if (!charset_name(name, sizeof(name), charset))
		return smtpsh_fail(msg, SMTPSH_EINVAL, "unknown charset");
	if (is_utf8_name(name)) {
		if (!text_is_utf8(p, n))
			return smtpsh_fail(msg, SMTPSH_EINVAL, "bytes that are not valid %s", name);
		return buf_append(out, p, n)
		           ? SMTPSH_OK
		           : smtpsh_fail(msg, SMTPSH_ENOMEM, "decoded text too long");
	}
	iconv_t cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1)
		return smtpsh_fail(msg, SMTPSH_EINVAL, "unknown charset %s", name);
	size_t start = out->len;
	char *in = (char *)p;
	size_t left = n;
	enum smtpsh_err err = SMTPSH_OK;
	while (left && err == SMTPSH_OK) {
		char chunk[512], *o = chunk;
		size_t room = sizeof(chunk);
		size_t r = iconv(cd, &in, &left, &o, &room);
		if (!buf_append(out, chunk, sizeof(chunk) - room))
			err = smtpsh_fail(msg, SMTPSH_ENOMEM, "decoded text too long");
		else if (r == (size_t)-1 && errno != E2BIG)
			err = smtpsh_fail(msg, SMTPSH_EINVAL, "bytes that are not valid %s", name);
	}
	if (err == SMTPSH_OK) { /* ISO-2022-JP: back to ASCII at the end */
		char chunk[16], *o = chunk;
		size_t room = sizeof(chunk);
		iconv(cd, NULL, NULL, &o, &room);
		if (!buf_append(out, chunk, sizeof(chunk) - room))
			err = smtpsh_fail(msg, SMTPSH_ENOMEM, "decoded text too long");
	}
	iconv_close(cd);
	if (err != SMTPSH_OK && out->data) {
		out->len = start;
		out->data[start] = '\0';
	}
	return err;
}
