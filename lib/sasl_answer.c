/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sasl_answer.h"

#include <openssl/crypto.h>
#include <string.h>
#include <strings.h>

#include "b64.h"
#include "buf.h"

/* Copies p[0..n) into a field, cut to its size. */
static size_t keep(char *field, const char *p, size_t n)
{
	if (n > SASL_ANSWER_FIELD - 1)
		n = SASL_ANSWER_FIELD - 1;
	memcpy(field, p, n);
	field[n] = '\0';
	return n;
}

static void read_plain(struct sasl_answer *a, const char *d, size_t n, bool reveal)
{
	const char *nul1 = memchr(d, '\0', n);
	const char *nul2 = nul1 ? memchr(nul1 + 1, '\0', n - (size_t)(nul1 + 1 - d)) : NULL;
	if (!nul2 || memchr(nul2 + 1, '\0', n - (size_t)(nul2 + 1 - d))) {
		a->kind = SASL_ANSWER_PLAIN_MALFORMED;
		for (size_t i = 0; i < n; i++)
			a->nuls += d[i] == '\0';
		return;
	}
	a->kind = SASL_ANSWER_PLAIN;
	a->authzid_len = keep(a->authzid, d, (size_t)(nul1 - d));
	a->user_len = keep(a->user, nul1 + 1, (size_t)(nul2 - nul1 - 1));
	a->secret_len = n - (size_t)(nul2 + 1 - d);
	if (reveal)
		keep(a->secret, nul2 + 1, a->secret_len);
}

/* "user 0123...ef": the digest is 32 lower-case hex digits. */
static void read_cram(struct sasl_answer *a, const char *d, size_t n)
{
	const char *sp = n > 33 ? d + n - 33 : NULL;
	if (!sp || *sp != ' ')
		return;
	for (const char *h = sp + 1; h < d + n; h++)
		if (!strchr("0123456789abcdef", *h) || !*h)
			return;
	a->kind = SASL_ANSWER_CRAM_MD5;
	a->user_len = keep(a->user, d, (size_t)(sp - d));
}

void sasl_answer_read(struct sasl_answer *a, const char *mech, unsigned index, const char *b64,
                      size_t n, bool reveal)
{
	memset(a, 0, sizeof(*a));
	if (n == 0 || (n == 1 && (*b64 == '*' || *b64 == '=')))
		return;
	struct buf dec;
	buf_init(&dec, n);
	if (b64_decode(&dec, b64, n) == SMTPSH_OK && dec.len) {
		if (!strcasecmp(mech, "LOGIN") && index == 0) {
			a->kind = SASL_ANSWER_LOGIN_USER;
			a->user_len = keep(a->user, dec.data, dec.len);
		} else if (!strcasecmp(mech, "LOGIN")) {
			a->kind = SASL_ANSWER_LOGIN_PASSWORD;
			a->secret_len = dec.len;
			if (reveal)
				keep(a->secret, dec.data, dec.len);
		} else if (!strcasecmp(mech, "PLAIN") && index == 0) {
			read_plain(a, dec.data, dec.len, reveal);
		} else if (!strcasecmp(mech, "CRAM-MD5") && index == 0) {
			read_cram(a, dec.data, dec.len);
		}
	}
	buf_free(&dec); /* wipes */
}

void sasl_answer_wipe(struct sasl_answer *a)
{
	OPENSSL_cleanse(a, sizeof(*a));
}
