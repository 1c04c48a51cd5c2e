/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A note under a client's base64 answer in a SASL exchange (and under
 * AUTH's initial response) saying what it decodes to: the user name in
 * clear, the password only as its length unless --show-secrets.  A
 * transcript's redacted line has nothing to decode. */
#include <openssl/crypto.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "sasl_answer.h"
#include "shell.h"
#include "text.h"

/* Which answer of its exchange a line is and where its base64 starts:
 * false when it is none. */
static bool locate(const struct session *s, const char *line, size_t len, unsigned *index,
                   const char **b64, size_t *n)
{
	if (s->state == ST_SASL) {
		if (!s->sasl_step)
			return false;
		*index = s->sasl_step - 1;
		/* LOGIN's order is the server's: "Password:" asks for it */
		if (!strcasecmp(s->sasl_mech, "LOGIN") && strcasestr(s->sasl_challenge, "pass"))
			*index = 1;
		*b64 = line;
		*n = len;
		return true;
	}
	if (len < 5 || strncasecmp(line, "AUTH ", 5))
		return false;
	const char *sp = memchr(line + 5, ' ', len - 5);
	if (!sp)
		return false;
	*index = 0;
	*b64 = sp + 1;
	*n = len - (size_t)(sp + 1 - line);
	return true;
}

void sasl_notes_sent(struct shell *sh, const struct session_sent *sent)
{
	const struct session *s = &sh->session;
	unsigned index;
	const char *b64;
	size_t n;
	/* a redacted line is its own shown form: nothing real in it */
	if (sent->data || (sent->secret && sent->shown == sent->wire) ||
	    !locate(s, sent->wire, sent->wire_len, &index, &b64, &n))
		return;
	struct sasl_answer a;
	sasl_answer_read(&a, s->sasl_mech, index, b64, n, sh->show_secrets);
	char user[TEXT_SAFE_SIZE(SASL_ANSWER_FIELD)], authzid[TEXT_SAFE_SIZE(SASL_ANSWER_FIELD)],
	    secret[TEXT_SAFE_SIZE(SASL_ANSWER_FIELD)];
	text_safe_str(user, sizeof(user), a.user, a.user_len);
	text_safe_str(authzid, sizeof(authzid), a.authzid, a.authzid_len);
	text_safe_str(secret, sizeof(secret), a.secret, strlen(a.secret));
	bool newline = a.user_len && a.user[a.user_len - 1] == '\n';
	switch (a.kind) {
	case SASL_ANSWER_NONE: break;
	case SASL_ANSWER_LOGIN_USER:
		if (newline)
			render_note(
			    sh,
			    "the user name, base64 of \"%s\": it ends with a newline, which is "
			    "not part of the name (echo adds one: use b64 NAME or printf)",
			    user);
		else
			render_note(sh, "the user name, base64 of \"%s\"", user);
		break;
	case SASL_ANSWER_LOGIN_PASSWORD:
		if (sh->show_secrets)
			render_note(sh, "the password, base64 of \"%s\"", secret);
		else
			render_note(
			    sh,
			    "the password in base64 (%zu bytes; not shown without --show-secrets)",
			    a.secret_len);
		break;
	case SASL_ANSWER_PLAIN:
		if (sh->show_secrets && a.authzid_len)
			render_note(
			    sh,
			    "PLAIN's answer, base64 of \"%s\\0%s\\0%s\": the user \"%s\" logs in "
			    "with the password \"%s\" to act as \"%s\" (the authorization "
			    "identity)",
			    authzid, user, secret, user, secret, authzid);
		else if (sh->show_secrets)
			render_note(
			    sh,
			    "PLAIN's answer, base64 of \"\\0%s\\0%s\": no authorization identity "
			    "(the user acts as itself), user name \"%s\", password \"%s\"",
			    user, secret, user, secret);
		else if (a.authzid_len)
			render_note(sh,
			            "PLAIN's answer, base64 of \"%s\\0%s\\0[password, %zu "
			            "bytes]\": the user "
			            "\"%s\" logs in to act as \"%s\" (the authorization identity)",
			            authzid, user, a.secret_len, user, authzid);
		else
			render_note(
			    sh,
			    "PLAIN's answer, base64 of \"\\0%s\\0[password, %zu bytes]\": no "
			    "authorization identity (the user acts as itself), user name \"%s\", "
			    "then the password",
			    user, a.secret_len, user);
		break;
	case SASL_ANSWER_PLAIN_MALFORMED:
		render_note(sh,
		            "PLAIN's answer must decode to authorization identity, NUL, user name, "
		            "NUL, password: this one holds %zu NUL bytes, not 2",
		            a.nuls);
		break;
	case SASL_ANSWER_CRAM_MD5:
		render_note(
		    sh,
		    "CRAM-MD5's answer, base64 of the user name \"%s\", a space and the "
		    "HMAC-MD5 of the challenge keyed with the password (the password itself "
		    "never crosses the wire)",
		    user);
		break;
	}
	OPENSSL_cleanse(secret, sizeof(secret));
	sasl_answer_wipe(&a);
}
