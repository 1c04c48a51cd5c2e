/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "b64.h"

#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

/* EVP_*Block take an int length; stay far below INT_MAX. */
#define B64_MAX_INPUT ((size_t)1 << 28)

enum smtpsh_err b64_encode(struct buf *out, const void *p, size_t n)
{
	if (n > B64_MAX_INPUT)
		return SMTPSH_ENOMEM;
	size_t need = 4 * ((n + 2) / 3) + 1; /* EncodeBlock writes a NUL */
	unsigned char *tmp = OPENSSL_malloc(need);
	if (!tmp)
		return SMTPSH_ENOMEM;
	int len = EVP_EncodeBlock(tmp, p ? p : (const void *)"", (int)n);
	enum smtpsh_err e = buf_append(out, tmp, (size_t)len) ? SMTPSH_OK : SMTPSH_ENOMEM;
	/* The input may be a password: its encoding is as secret. */
	OPENSSL_clear_free(tmp, need);
	return e;
}

static bool in_alphabet(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

enum smtpsh_err b64_decode(struct buf *out, const char *s, size_t n)
{
	/* Surrounding spaces are forgiven; nothing else is.  The alphabet is
	 * checked here because EVP_DecodeBlock itself skips some whitespace
	 * and would accept what we want to refuse. */
	while (n && (s[0] == ' ' || s[0] == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0)
		return SMTPSH_OK;
	if (n > B64_MAX_INPUT)
		return SMTPSH_ENOMEM;
	size_t data = 0, pad = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '=')
			pad++;
		else if (pad || !in_alphabet(s[i]))
			return SMTPSH_EINVAL; /* data after '=', or not A-Za-z0-9+/ */
		else
			data++;
	}
	/* Padding, when present, must complete the last quantum exactly. */
	if (pad > 2 || data % 4 == 1 || (pad && (data + pad) % 4))
		return SMTPSH_EINVAL;
	/* EVP_DecodeBlock wants whole quanta: pad what the sender left off. */
	size_t padded = data + (4 - data % 4) % 4;
	unsigned char *in = OPENSSL_malloc(padded);
	unsigned char *dec = OPENSSL_malloc(padded);
	enum smtpsh_err e = SMTPSH_ENOMEM;
	if (in && dec) {
		memcpy(in, s, data);
		memset(in + data, '=', padded - data);
		int len = EVP_DecodeBlock(dec, in, (int)padded);
		/* It counts the zero bytes each '=' produced: one per '='. */
		if (len < 0 || (size_t)len < padded - data)
			e = SMTPSH_EINVAL;
		else if (buf_append(out, dec, (size_t)len - (padded - data)))
			e = SMTPSH_OK;
	}
	/* Wipe: the decoded bytes are often "\0user\0password".  Both
	 * calls accept NULL. */
	OPENSSL_clear_free(in, padded);
	OPENSSL_clear_free(dec, padded);
	return e;
}
