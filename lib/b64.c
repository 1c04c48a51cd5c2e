/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "b64.h"

#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

enum err b64_encode(struct buf *out, const void *p, size_t n)
{
	if (n > (size_t)1 << 28)
		return ERR_NOMEM;
	size_t need = 4 * ((n + 2) / 3);
	unsigned char *tmp = OPENSSL_malloc(need + 1);
	if (!tmp)
		return ERR_NOMEM;
	int len = EVP_EncodeBlock(tmp, p ? p : (const void *)"", (int)n);
	enum err e = buf_append(out, tmp, (size_t)len) ? ERR_OK : ERR_NOMEM;
	OPENSSL_clear_free(tmp, need + 1);
	return e;
}

static bool in_alphabet(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/';
}

enum err b64_decode(struct buf *out, const char *s, size_t n)
{
	/* Surrounding spaces are forgiven; nothing else is. */
	while (n && (s[0] == ' ' || s[0] == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	size_t data = 0, pad = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '=') {
			pad++;
		} else if (pad || !in_alphabet(s[i])) {
			return ERR_INVALID; /* a letter after '=' or outside A-Za-z0-9+/ */
		} else {
			data++;
		}
	}
	if (pad > 2 || data % 4 == 1 || (pad && (data + pad) % 4))
		return ERR_INVALID;
	if (n == 0)
		return ERR_OK;
	/* EVP_DecodeBlock wants whole quanta: pad what the sender left off. */
	size_t padded = data + (4 - data % 4) % 4;
	unsigned char *in = OPENSSL_malloc(padded + 1);
	unsigned char *dec = OPENSSL_malloc(padded);
	if (!in || !dec) {
		OPENSSL_free(in);
		OPENSSL_free(dec);
		return ERR_NOMEM;
	}
	memcpy(in, s, data);
	memset(in + data, '=', padded - data);
	int len = EVP_DecodeBlock(dec, in, (int)padded);
	enum err e = ERR_INVALID;
	if (len >= 0) {
		/* DecodeBlock counts the zero bytes that padding produced. */
		size_t real = (size_t)len - (padded - data);
		e = buf_append(out, dec, real) ? ERR_OK : ERR_NOMEM;
	}
	OPENSSL_clear_free(in, padded + 1);
	OPENSSL_clear_free(dec, padded);
	return e;
}
