/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lab's users: the defaults, a "name:password[:authcode]" file, and
 * the login checks (clear secret, CRAM-MD5, APOP) with the persona's
 * rule on which secret counts. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>

#include "b64.h"
#include "i18n.h"
#include "lab/users.h"
#include "sasl.h"

static const struct lab_user default_users[] = {
    {"alice", "alice-pw", "alicecode1234567", "10001"},
    {"bob", "bob-pw", "bobcode123456789", "10002"},
};

void lab_users_free(struct lab_users *u)
{
	if (u->v) {
		OPENSSL_cleanse(u->v, u->n * sizeof(*u->v));
		free(u->v);
	}
	u->v = NULL;
	u->n = 0;
}

enum smtpsh_err lab_users_defaults(struct lab_users *u)
{
	size_t n = sizeof(default_users) / sizeof(default_users[0]);
	u->v = calloc(n, sizeof(*u->v));
	if (!u->v)
		return SMTPSH_ENOMEM;
	memcpy(u->v, default_users, sizeof(default_users));
	u->n = n;
	return SMTPSH_OK;
}

bool lab_line_verb_is(const char *line, size_t n, const char *verb)
{
	size_t k = strlen(verb);
	return n >= k && !strncasecmp(line, verb, k) && (n == k || line[k] == ' ');
}

/* The offset of word number `skip` (0: the verb) and what follows. */
static size_t word_offset(const char *line, size_t n, int skip)
{
	size_t i = 0;
	for (int w = 0; w < skip && i < n; w++) {
		while (i < n && line[i] != ' ')
			i++;
		while (i < n && line[i] == ' ')
			i++;
	}
	return i;
}

size_t lab_secret_offset(const struct lab_secret_verb *verbs, size_t nverbs, const char *line,
                         size_t n)
{
	for (size_t i = 0; i < nverbs; i++) {
		const struct lab_secret_verb *v = &verbs[i];
		if (!lab_line_verb_is(line, n, v->verb))
			continue;
		size_t off = v->word == LAB_SECRET_REST ? strlen(v->verb) + 1
		                                        : word_offset(line, n, (int)v->word);
		return off < n ? off : SIZE_MAX;
	}
	return SIZE_MAX;
}

/* User names become directory names: keep them tame.  One '@' inside
 * makes an address. */
static bool name_ok(const char *s, size_t n)
{
	if (n == 0 || n >= LAB_NAME_MAX || s[0] == '.' || s[0] == '@' || s[n - 1] == '@')
		return false;
	unsigned ats = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		ats += c == '@';
		if (!isalnum(c) && c != '.' && c != '-' && c != '_' && c != '@')
			return false;
	}
	return ats <= 1;
}

static bool number_ok(const char *s, size_t n, size_t max)
{
	if (n >= max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static enum smtpsh_err parse_line(struct lab_user *out, const char *s, size_t n,
                                  const char **reason)
{
	const char *c1 = memchr(s, ':', n);
	if (!c1) {
		*reason = N_("expected name:password[:authcode[:number]]");
		return SMTPSH_EINVAL;
	}
	size_t name_len = (size_t)(c1 - s);
	const char *pw = c1 + 1;
	size_t rest = n - name_len - 1;
	const char *c2 = memchr(pw, ':', rest);
	size_t pw_len = c2 ? (size_t)(c2 - pw) : rest;
	const char *code = c2 ? c2 + 1 : "";
	size_t code_len = c2 ? rest - pw_len - 1 : 0;
	const char *c3 = memchr(code, ':', code_len);
	const char *number = c3 ? c3 + 1 : "";
	size_t number_len = c3 ? code_len - (size_t)(c3 - code) - 1 : 0;
	if (c3)
		code_len = (size_t)(c3 - code);
	if (!name_ok(s, name_len)) {
		*reason =
		    N_("a user name is 1-63 letters, digits, '.', '-' or '_', or such an address "
		       "(one '@')");
		return SMTPSH_EINVAL;
	}
	if (!number_ok(number, number_len, sizeof(out->number))) {
		*reason = N_("an account number is up to 15 digits");
		return SMTPSH_EINVAL;
	}
	if (pw_len == 0 || pw_len >= LAB_SECRET_MAX || code_len >= LAB_SECRET_MAX) {
		*reason = N_("a password (and an authcode) is 1-127 bytes");
		return SMTPSH_EINVAL;
	}
	if (memchr(number, ':', number_len)) {
		*reason = N_("too many ':' (a password cannot hold one here)");
		return SMTPSH_EINVAL;
	}
	memcpy(out->name, s, name_len);
	out->name[name_len] = '\0';
	memcpy(out->password, pw, pw_len);
	out->password[pw_len] = '\0';
	memcpy(out->authcode, code, code_len);
	out->authcode[code_len] = '\0';
	memcpy(out->number, number, number_len);
	out->number[number_len] = '\0';
	return SMTPSH_OK;
}

enum smtpsh_err lab_users_parse(struct lab_users *u, const char *text, struct smtpsh_msg *msg)
{
	u->v = NULL;
	u->n = 0;
	size_t cap = 0;
	unsigned lineno = 0;
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		const char *next = p[n] ? p + n + 1 : p + n;
		lineno++;
		size_t len = n;
		if (len && p[len - 1] == '\r')
			len--;
		size_t lead = 0;
		while (lead < len && (p[lead] == ' ' || p[lead] == '\t'))
			lead++;
		if (lead == len || p[lead] == '#') {
			p = next;
			continue;
		}
		if (u->n == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct lab_user *v = calloc(ncap, sizeof(*v));
			if (!v) {
				lab_users_free(u);
				return SMTPSH_ENOMEM;
			}
			if (u->v) {
				memcpy(v, u->v, u->n * sizeof(*v));
				OPENSSL_cleanse(u->v, u->n * sizeof(*v));
				free(u->v);
			}
			u->v = v;
			cap = ncap;
		}
		const char *reason = NULL;
		if (parse_line(&u->v[u->n], p + lead, len - lead, &reason) != SMTPSH_OK) {
			lab_users_free(u);
			return smtpsh_fail(msg, SMTPSH_EINVAL, "line %u: %s", lineno, _(reason));
		}
		if (lab_users_find(u, u->v[u->n].name)) {
			smtpsh_fail(msg, SMTPSH_EINVAL, "line %u: user '%s' appears twice", lineno,
			            u->v[u->n].name);
			lab_users_free(u);
			return SMTPSH_EINVAL;
		}
		u->n++;
		p = next;
	}
	if (u->n == 0) {
		return smtpsh_fail(msg, SMTPSH_EINVAL,
		                   "no users (one name:password[:authcode] per line)");
	}
	return SMTPSH_OK;
}

enum smtpsh_err lab_users_load(struct lab_users *u, const char *path, struct smtpsh_msg *msg)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		return smtpsh_fail(msg, SMTPSH_EIO, "%s: %s", path, strerror(errno));
	}
	struct buf text;
	buf_init(&text, 1 << 20);
	char chunk[4096];
	size_t got;
	bool ok = true;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (!buf_append(&text, chunk, got)) {
			ok = false;
			break;
		}
	OPENSSL_cleanse(chunk, sizeof(chunk));
	fclose(f);
	if (!ok) {
		buf_free(&text);
		return smtpsh_fail(msg, SMTPSH_EINVAL, "%s: larger than 1 MiB", path);
	}
	struct smtpsh_msg sub = {""};
	enum smtpsh_err e = lab_users_parse(u, text.data ? text.data : "", &sub);
	buf_free(&text);
	if (e != SMTPSH_OK)
		smtpsh_fail(msg, e, "%s: %s", path, sub.text);
	return e;
}

const struct lab_user *lab_users_find(const struct lab_users *u, const char *name)
{
	for (size_t i = 0; i < u->n; i++)
		if (!strcasecmp(u->v[i].name, name))
			return &u->v[i];
	return NULL;
}

static const struct lab_user *find_number(const struct lab_users *u, const char *number, size_t n)
{
	for (size_t i = 0; i < u->n; i++)
		if (u->v[i].number[0] && strlen(u->v[i].number) == n &&
		    !strncmp(u->v[i].number, number, n))
			return &u->v[i];
	return NULL;
}

const struct lab_user *lab_users_lookup(const struct lab_users *u, const struct lab_persona *p,
                                        const char *name)
{
	if (!p)
		return lab_users_find(u, name);
	const char *at = strrchr(name, '@');
	if (!at) /* the provider wants the address; QQ also its number */
		return p->number_login ? find_number(u, name, strlen(name)) : NULL;
	const struct lab_user *w = lab_users_find(u, name);
	if (w || strcasecmp(at + 1, p->domain))
		return w;
	size_t llen = (size_t)(at - name);
	if (p->number_login && (w = find_number(u, name, llen)))
		return w;
	char local[LAB_NAME_MAX];
	if (llen >= sizeof(local))
		return NULL;
	memcpy(local, name, llen);
	local[llen] = '\0';
	w = lab_users_find(u, local);
	return w && !strchr(w->name, '@') ? w : NULL;
}

void lab_user_address(const struct lab_user *who, const char *domain, char *out, size_t n)
{
	if (strchr(who->name, '@') || !domain)
		snprintf(out, n, "%s", who->name);
	else
		snprintf(out, n, "%s@%s", who->name, domain);
}

static bool secret_equal(const char *a, const char *b)
{
	size_t n = strlen(a);
	return n == strlen(b) && CRYPTO_memcmp(a, b, n) == 0;
}

/* The secret that logs in, and the one that gets the persona's refusal. */
static const char *accepted_secret(const struct lab_user *who, const struct lab_persona *p)
{
	if (p)
		return who->authcode[0] ? who->authcode : NULL;
	return who->password;
}

static const char *refused_secret(const struct lab_user *who, const struct lab_persona *p)
{
	return p ? who->password : NULL;
}

enum lab_auth lab_auth_check(const struct lab_users *u, const struct lab_persona *p,
                             const char *user, const char *secret, const struct lab_user **who)
{
	const struct lab_user *w = lab_users_lookup(u, p, user);
	*who = NULL;
	if (!w)
		return LAB_AUTH_BAD;
	const char *good = accepted_secret(w, p);
	const char *refused = refused_secret(w, p);
	if (good && secret_equal(secret, good)) {
		*who = w;
		return LAB_AUTH_OK;
	}
	if (refused && secret_equal(secret, refused))
		return LAB_AUTH_NEEDS_CODE;
	return LAB_AUTH_BAD;
}

/* Whether response (decoded "user digest") is what secret gives. */
static bool cram_matches(const char *challenge_b64, const char *user, const char *secret,
                         const char *response)
{
	struct buf expect_b64, expect;
	buf_init(&expect_b64, 1024);
	buf_init(&expect, 1024);
	bool ok = sasl_cram_md5(&expect_b64, user, secret, challenge_b64) == SMTPSH_OK &&
	          b64_decode(&expect, expect_b64.data, expect_b64.len) == SMTPSH_OK &&
	          expect.len == strlen(response) &&
	          CRYPTO_memcmp(expect.data, response, expect.len) == 0;
	buf_free(&expect_b64);
	buf_free(&expect);
	return ok;
}

enum lab_auth lab_auth_cram(const struct lab_users *u, const struct lab_persona *p,
                            const char *challenge_b64, const char *response,
                            const struct lab_user **who)
{
	*who = NULL;
	const char *sp = strrchr(response, ' ');
	if (!sp || (size_t)(sp - response) >= LAB_NAME_MAX)
		return LAB_AUTH_BAD;
	char user[LAB_NAME_MAX];
	memcpy(user, response, (size_t)(sp - response));
	user[sp - response] = '\0';
	const struct lab_user *w = lab_users_lookup(u, p, user);
	if (!w)
		return LAB_AUTH_BAD;
	/* The digest is over the name as the client typed it. */
	const char *good = accepted_secret(w, p);
	const char *refused = refused_secret(w, p);
	if (good && cram_matches(challenge_b64, user, good, response)) {
		*who = w;
		return LAB_AUTH_OK;
	}
	if (refused && cram_matches(challenge_b64, user, refused, response))
		return LAB_AUTH_NEEDS_CODE;
	return LAB_AUTH_BAD;
}

static bool apop_matches(const char *timestamp, const char *secret, const char *digest)
{
	char want[33];
	if (apop_digest(want, timestamp, secret) != SMTPSH_OK)
		return false;
	/* Hex digits in either case. */
	bool ok = strlen(digest) == 32 && strncasecmp(want, digest, 32) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	return ok;
}

enum lab_auth lab_auth_apop(const struct lab_users *u, const struct lab_persona *p,
                            const char *timestamp, const char *user, const char *digest,
                            const struct lab_user **who)
{
	*who = NULL;
	const struct lab_user *w = lab_users_lookup(u, p, user);
	if (!w)
		return LAB_AUTH_BAD;
	const char *good = accepted_secret(w, p);
	const char *refused = refused_secret(w, p);
	if (good && apop_matches(timestamp, good, digest)) {
		*who = w;
		return LAB_AUTH_OK;
	}
	if (refused && apop_matches(timestamp, refused, digest))
		return LAB_AUTH_NEEDS_CODE;
	return LAB_AUTH_BAD;
}
