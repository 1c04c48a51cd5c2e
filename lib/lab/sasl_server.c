/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lab's server side of SASL (RFC 4422), for SMTP AUTH (RFC 4954) and
 * POP3 AUTH (RFC 5034) alike: the mechanisms PLAIN (RFC 4616), LOGIN and
 * CRAM-MD5 (RFC 2195), the challenge, the decoding of the answers and the
 * verdict.  What differs between the protocols (the continuation "334 "
 * or "+ ", the reply texts, the error counter, what a login opens) comes
 * from a struct lab_sasl_proto, as curl_sasl.c is parameterised on the
 * client side. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "b64.h"
#include "i18n.h"
#include "lab/engine.h"
#include "lab/sasl_server.h"

#define set_why(x, ...) lab_note((x)->why, (x)->why_size, __VA_ARGS__)

void lab_sasl_bind(struct lab_sasl *x, const struct lab_sasl_proto *proto, void *owner, char *why,
                   size_t why_size, const char *host, const struct lab_users *users,
                   const struct lab_persona *persona, struct lab_persona_run *run)
{
	lab_sasl_reset(x);
	x->proto = proto;
	x->owner = owner;
	x->why = why;
	x->why_size = why_size;
	x->host = host;
	x->users = users;
	x->persona = persona;
	x->run = run;
}

void lab_sasl_reset(struct lab_sasl *x)
{
	x->step = LAB_SASL_NONE;
	OPENSSL_cleanse(x->user, sizeof(x->user));
	x->challenge[0] = '\0';
}

static enum lab_action count_error(struct lab_sasl *x, struct buf *out)
{
	return x->proto->error(x->owner, out);
}

static void failed(struct lab_sasl *x, bool checked)
{
	if (x->proto->failed)
		x->proto->failed(x->owner, checked);
}

static bool decode_b64(const char *s, size_t n, struct buf *dec)
{
	if (n == 1 && s[0] == '=')
		return true; /* RFC 4954, RFC 5034: "=" is an empty response */
	return b64_decode(dec, s, n) == SMTPSH_OK;
}

/* CRAM-MD5's challenge: a unique <random.clock@host>, in base64. */
static void make_challenge(struct lab_sasl *x)
{
	unsigned char rnd[8];
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		memset(rnd, 0, sizeof(rnd));
	char raw[128];
	snprintf(raw, sizeof(raw), "<%02x%02x%02x%02x%02x%02x%02x%02x.%lld@%s>", rnd[0], rnd[1],
	         rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7], (long long)time(NULL), x->host);
	struct buf b;
	buf_init(&b, sizeof(x->challenge) - 1);
	if (b64_encode(&b, raw, strlen(raw)) == SMTPSH_OK)
		snprintf(x->challenge, sizeof(x->challenge), "%s", b.data);
	buf_free(&b);
}

static const char *locked_text(const struct lab_persona *per, enum proto proto)
{
	const struct lab_said *s = proto == PROTO_SMTP ? &per->smtp_locked : &per->pop3_locked;
	return s->text;
}

/* The log's reason for a refused login, persona or not. */
static void refusal_why(struct lab_sasl *x, enum lab_auth r, const struct lab_user *acct,
                        const char *user, const char *how, const char *tail)
{
	const struct lab_persona *per = x->persona;
	const struct lab_user *bare = per && !acct ? lab_users_find(x->users, user) : NULL;
	if (r == LAB_AUTH_NEEDS_CODE)
		set_why(x,
		        _("%s: %s sent the account password; %s wants the %s (--persona %s: %s)%s"),
		        how, user, _(per->provider), _(per->secret_name), per->name, _(per->rule),
		        tail);
	else if (bare)
		set_why(x, _("%s: '%s' is not an address: %s wants the full address (%s@%s)%s"),
		        how, user, _(per->provider), bare->name, per->domain, tail);
	else if (!acct && !lab_users_find(x->users, user))
		set_why(x, _(x->proto->no_user_why), how, user, tail);
	else
		set_why(x, _(x->proto->wrong_why), how, per ? _(per->secret_name) : _("password"),
		        user, tail);
}

enum lab_action lab_sasl_verdict(struct lab_sasl *x, enum lab_auth r, const struct lab_user *who,
                                 const char *user, const char *how, struct buf *out)
{
	const struct lab_sasl_proto *pr = x->proto;
	const struct lab_persona *per = x->persona;
	struct lab_persona_run *run = x->run;
	lab_sasl_reset(x);
	time_t now = time(NULL);
	const struct lab_user *acct = per ? lab_users_lookup(x->users, per, user) : NULL;
	char addr[LAB_ADDR_MAX] = "";
	if (acct)
		lab_user_address(acct, per->domain, addr, sizeof(addr));
	if (acct && lab_persona_locked(run, addr, now)) {
		failed(x, true);
		const char *t = locked_text(per, pr->proto);
		lab_say_text(out, t ? t : pr->persona_refusal(per, LAB_AUTH_BAD));
		set_why(x,
		        _("%s: %s is locked after %u failed logins: %s refuses it for %u minutes "
		          "whatever the secret"),
		        how, addr, per->lock_after, _(per->provider), per->lock_minutes);
		return count_error(x, out);
	}
	if (r == LAB_AUTH_OK) {
		const struct lab_said *off =
		    run ? lab_persona_flag_refusal(per, run->flag, pr->proto) : NULL;
		if (off) {
			failed(x, true);
			lab_say_text(out, off->text);
			set_why(x,
			        _("%s: %s sent the right %s, but this account has '%s' (--persona "
			          "%s:%s): the provider refuses every login to this service"),
			        how, addr, _(per->secret_name), lab_persona_flag_names[run->flag],
			        per->name, lab_persona_flag_names[run->flag]);
			return count_error(x, out);
		}
		if (acct)
			lab_persona_succeeded(run, addr);
		return pr->logged_in(x->owner, who, how, out);
	}
	failed(x, true);
	char tail[160] = "";
	if (acct && lab_persona_failed(run, addr, now))
		snprintf(tail, sizeof(tail),
		         _("; that was failure %u: the account is now locked for %u minutes"),
		         per->lock_after, per->lock_minutes);
	lab_say_text(out, per ? pr->persona_refusal(per, r) : pr->refused);
	refusal_why(x, r, acct, user, how, tail);
	return count_error(x, out);
}

/* RFC 4616: [authzid] NUL authcid NUL passwd */
static enum lab_action plain(struct lab_sasl *x, const struct buf *dec, struct buf *out)
{
	const char *d = dec->data ? dec->data : "";
	const char *nul1 = memchr(d, '\0', dec->len);
	const char *nul2 = nul1 ? memchr(nul1 + 1, '\0', dec->len - (size_t)(nul1 + 1 - d)) : NULL;
	bool malformed = !nul2 || memchr(nul2 + 1, '\0', dec->len - (size_t)(nul2 + 1 - d));
	bool authz_refused = !malformed && nul1 != d && strcmp(d, nul1 + 1);
	if (malformed || (authz_refused && !x->proto->authz_named)) {
		lab_sasl_reset(x);
		lab_say_text(out, x->proto->plain_bad);
		set_why(x, "%s", _(x->proto->plain_bad_why));
		failed(x, false);
		return count_error(x, out);
	}
	const char *user = nul1 + 1;
	if (authz_refused) {
		lab_sasl_reset(x);
		lab_say_text(out, x->proto->refused);
		set_why(x, _("AUTH PLAIN: %s may not act for %s (authorization identity refused)"),
		        user, d);
		return count_error(x, out);
	}
	const struct lab_user *who = NULL;
	enum lab_auth r = lab_auth_check(x->users, x->persona, user, nul2 + 1, &who);
	return lab_sasl_verdict(x, r, who, user, "AUTH PLAIN", out);
}

char *lab_sasl_split(char *arg, char **ir)
{
	size_t mlen = strcspn(arg, " ");
	*ir = arg[mlen] ? arg + mlen + 1 : NULL;
	arg[mlen] = '\0';
	while (*ir && **ir == ' ')
		(*ir)++;
	return arg;
}

enum lab_action lab_sasl_start(struct lab_sasl *x, char *mech, const char *ir, struct buf *out)
{
	const struct lab_sasl_proto *pr = x->proto;
	for (char *c = mech; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	if (!strcmp(mech, "PLAIN")) {
		if (!ir) {
			x->step = LAB_SASL_PLAIN;
			lab_say(out, "%s", pr->go_on);
			set_why(x, "%s", _(pr->plain_asks_why));
			return LAB_GO_ON;
		}
		struct buf dec;
		buf_init(&dec, 1024);
		enum lab_action a;
		if (!decode_b64(ir, strlen(ir), &dec)) {
			lab_say_text(out, pr->bad_initial);
			set_why(x, _("AUTH PLAIN: the initial response is not base64"));
			a = count_error(x, out);
		} else {
			a = plain(x, &dec, out);
		}
		buf_free(&dec);
		return a;
	}
	if (!strcmp(mech, "LOGIN")) {
		if (!ir) {
			x->step = LAB_SASL_LOGIN_USER;
			lab_say(out, "%sVXNlcm5hbWU6", pr->go_on);
			set_why(x, "%s", _(pr->login_asks_why));
			return LAB_GO_ON;
		}
		struct buf dec;
		buf_init(&dec, LAB_NAME_MAX);
		if (!decode_b64(ir, strlen(ir), &dec) || dec.len == 0 ||
		    memchr(dec.data, '\0', dec.len)) {
			buf_free(&dec);
			lab_say_text(out, pr->bad_initial);
			set_why(
			    x, _("AUTH LOGIN: the initial response (the user name) is not base64"));
			return count_error(x, out);
		}
		snprintf(x->user, sizeof(x->user), "%s", dec.data);
		buf_free(&dec);
		x->step = LAB_SASL_LOGIN_PASS;
		lab_say(out, "%sUGFzc3dvcmQ6", pr->go_on);
		set_why(x, _(pr->login_ir_why), x->user);
		return LAB_GO_ON;
	}
	if (!strcmp(mech, "CRAM-MD5") && (!ir || pr->cram_ir)) {
		if (ir) {
			lab_say_text(out, pr->cram_ir);
			set_why(x, "%s", _(pr->cram_ir_why));
			return count_error(x, out);
		}
		make_challenge(x);
		x->step = LAB_SASL_CRAM;
		lab_say(out, "%s%s", pr->go_on, x->challenge);
		set_why(x, "%s", _(pr->cram_why));
		return LAB_GO_ON;
	}
	lab_say_text(out, pr->unsupported);
	set_why(x, _(pr->unsupported_why), mech);
	return count_error(x, out);
}

static enum lab_action login_user(struct lab_sasl *x, const struct buf *dec, struct buf *out)
{
	const struct lab_sasl_proto *pr = x->proto;
	if (pr->login_user_checked &&
	    (dec->len == 0 || dec->len >= sizeof(x->user) || memchr(dec->data, '\0', dec->len))) {
		lab_sasl_reset(x);
		lab_say_text(out, pr->refused);
		set_why(x, _("AUTH LOGIN: that user name cannot exist"));
		return count_error(x, out);
	}
	snprintf(x->user, sizeof(x->user), "%s", dec->data ? dec->data : "");
	x->step = LAB_SASL_LOGIN_PASS;
	lab_say(out, "%sUGFzc3dvcmQ6", pr->go_on);
	set_why(x, _(pr->login_user_why), x->user);
	return LAB_GO_ON;
}

static enum lab_action login_pass(struct lab_sasl *x, const struct buf *dec, struct buf *out)
{
	const char *d = dec->data ? dec->data : "";
	const struct lab_user *who = NULL;
	char user[LAB_NAME_MAX];
	snprintf(user, sizeof(user), "%s", x->user);
	enum lab_auth r = memchr(d, '\0', dec->len)
	                      ? LAB_AUTH_BAD
	                      : lab_auth_check(x->users, x->persona, user, d, &who);
	enum lab_action a = lab_sasl_verdict(x, r, who, user, "AUTH LOGIN", out);
	OPENSSL_cleanse(user, sizeof(user));
	return a;
}

/* "user SP hex-digest" (RFC 2195). */
static enum lab_action cram(struct lab_sasl *x, const struct buf *dec, struct buf *out)
{
	const char *d = dec->data ? dec->data : "";
	char bounded[LAB_NAME_MAX + 80] = "";
	if (x->proto->cram_bounded) {
		if (dec->len < sizeof(bounded) && !memchr(d, '\0', dec->len))
			memcpy(bounded, d, dec->len + 1);
		d = bounded;
	}
	char user[LAB_NAME_MAX] = "?";
	const char *sp = strrchr(d, ' ');
	if (sp && (size_t)(sp - d) < sizeof(user)) {
		memcpy(user, d, (size_t)(sp - d));
		user[sp - d] = '\0';
	}
	char challenge[sizeof(x->challenge)]; /* the verdict resets x */
	memcpy(challenge, x->challenge, sizeof(challenge));
	const struct lab_user *who = NULL;
	enum lab_auth r = lab_auth_cram(x->users, x->persona, challenge, d, &who);
	return lab_sasl_verdict(x, r, who, user, "AUTH CRAM-MD5", out);
}

enum lab_action lab_sasl_continue(struct lab_sasl *x, const char *line, size_t n, struct buf *out)
{
	const struct lab_sasl_proto *pr = x->proto;
	if (n == 1 && line[0] == '*') {
		lab_sasl_reset(x);
		lab_say_text(out, pr->aborted);
		set_why(x, "%s", _(pr->aborted_why));
		return pr->abort_is_error ? count_error(x, out) : LAB_GO_ON;
	}
	struct buf dec;
	buf_init(&dec, 2048);
	bool decoded = decode_b64(line, n, &dec);
	bool has_nul = decoded && dec.len && memchr(dec.data, '\0', dec.len);
	if (!decoded || (pr->nul_is_bad_base64 && has_nul && x->step != LAB_SASL_PLAIN)) {
		buf_free(&dec);
		lab_sasl_reset(x);
		lab_say_text(out, pr->bad_continued);
		set_why(x, "%s", _(pr->bad_continued_why));
		return count_error(x, out);
	}
	enum lab_action a = LAB_GO_ON;
	switch (x->step) {
	case LAB_SASL_PLAIN: a = plain(x, &dec, out); break;
	case LAB_SASL_LOGIN_USER: a = login_user(x, &dec, out); break;
	case LAB_SASL_LOGIN_PASS: a = login_pass(x, &dec, out); break;
	case LAB_SASL_CRAM: a = cram(x, &dec, out); break;
	case LAB_SASL_NONE: break;
	}
	buf_free(&dec);
	return a;
}
