/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "sasl.h"

#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "b64.h"

/* base64 of a raw buffer that is wiped afterwards. */
static enum smtpsh_err encode_wiped(struct buf *out, struct buf *raw)
{
	enum smtpsh_err e = b64_encode(out, raw->data, raw->len);
	buf_free(raw);
	return e;
}

enum smtpsh_err sasl_plain(struct buf *out, const char *authzid, const char *user, const char *pass)
{
	struct buf raw;
	buf_init(&raw, 0);
	bool ok = buf_append_str(&raw, authzid ? authzid : "") && buf_append_char(&raw, '\0') &&
	          buf_append_str(&raw, user) && buf_append_char(&raw, '\0') &&
	          buf_append_str(&raw, pass);
	if (!ok) {
		buf_free(&raw);
		return SMTPSH_ENOMEM;
	}
	return encode_wiped(out, &raw);
}

static void hex(char *out, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

enum smtpsh_err sasl_cram_md5(struct buf *out, const char *user, const char *pass,
                              const char *challenge_b64)
{
	struct buf chal, raw;
	buf_init(&chal, 4096);
	if (b64_decode(&chal, challenge_b64, strlen(challenge_b64)) != SMTPSH_OK) {
		buf_free(&chal);
		return SMTPSH_EINVAL;
	}
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned maclen = 0;
	if (!HMAC(EVP_md5(), pass, (int)strlen(pass),
	          (const unsigned char *)(chal.data ? chal.data : ""), chal.len, mac, &maclen)) {
		buf_free(&chal);
		return SMTPSH_EINVAL; /* MD5 unavailable (FIPS mode) */
	}
	buf_free(&chal);
	char digest[2 * EVP_MAX_MD_SIZE + 1];
	hex(digest, mac, maclen);
	OPENSSL_cleanse(mac, sizeof(mac));
	buf_init(&raw, 0);
	bool ok = buf_append_str(&raw, user) && buf_append_char(&raw, ' ') &&
	          buf_append_str(&raw, digest);
	OPENSSL_cleanse(digest, sizeof(digest));
	if (!ok) {
		buf_free(&raw);
		return SMTPSH_ENOMEM;
	}
	return encode_wiped(out, &raw);
}

enum smtpsh_err sasl_xoauth2(struct buf *out, const char *user, const char *token)
{
	struct buf raw;
	buf_init(&raw, 0);
	bool ok = buf_append_str(&raw, "user=") && buf_append_str(&raw, user) &&
	          buf_append_str(&raw, "\001auth=Bearer ") && buf_append_str(&raw, token) &&
	          buf_append_str(&raw, "\001\001");
	if (!ok) {
		buf_free(&raw);
		return SMTPSH_ENOMEM;
	}
	return encode_wiped(out, &raw);
}

enum smtpsh_err apop_digest(char out[33], const char *timestamp, const char *pass)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_md5(), NULL) &&
	          EVP_DigestUpdate(ctx, timestamp, strlen(timestamp)) &&
	          EVP_DigestUpdate(ctx, pass, strlen(pass)) &&
	          EVP_DigestFinal_ex(ctx, md, &mdlen) && mdlen == 16;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return SMTPSH_EINVAL;
	hex(out, md, 16);
	OPENSSL_cleanse(md, sizeof(md));
	return SMTPSH_OK;
}

/* Whether the space-separated list holds mech (case-insensitive). */
static bool offers(const char *list, const char *mech)
{
	size_t n = strlen(mech);
	for (const char *p = list; *p;) {
		while (*p == ' ')
			p++;
		size_t w = strcspn(p, " ");
		if (w == n && !strncasecmp(p, mech, n))
			return true;
		p += w;
	}
	return false;
}

const char *sasl_pick(const char *offered, bool have_token, bool tls)
{
	static const char *const over_tls[] = {"PLAIN", "LOGIN", "CRAM-MD5"};
	static const char *const plaintext[] = {"CRAM-MD5", "PLAIN", "LOGIN"};
	if (have_token) /* OAUTHBEARER (RFC 7628) is not built here */
		return offers(offered, "XOAUTH2") ? "XOAUTH2" : NULL;
	const char *const *order = tls ? over_tls : plaintext;
	for (size_t i = 0; i < 3; i++)
		if (offers(offered, order[i]))
			return order[i];
	return NULL;
}
