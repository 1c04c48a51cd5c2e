/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "target.h"
#include "i18n.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "text.h"

/* The schemes and their default ports come from the protocol handlers
 * (lib/proto_*.c).  The table also reads backwards: a bare HOST:PORT whose
 * port is a handler's default gets that protocol and TLS, so
 * mail.example:995 is POP3 over TLS.  587 (submission with STARTTLS) is
 * deliberately no default: it is SMTP in plaintext until --starttls or a
 * typed STARTTLS upgrades it. */
struct scheme {
	const struct proto_handler *handler;
	const struct proto_scheme *scheme;
};

static unsigned scheme_port(struct scheme sc)
{
	return sc.scheme->tls ? sc.handler->tls_port : sc.handler->port;
}

/* The first scheme (in handler order) that match() accepts, or one whose
 * handler is NULL. */
static struct scheme scheme_find(bool (*match)(struct scheme sc, const void *arg), const void *arg)
{
	for (size_t i = 0; i < proto_handlers_len; i++)
		for (size_t j = 0; j < proto_handlers[i]->nschemes; j++) {
			struct scheme sc = {proto_handlers[i], &proto_handlers[i]->schemes[j]};
			if (match(sc, arg))
				return sc;
		}
	return (struct scheme){NULL, NULL};
}

struct name_arg {
	const char *s;
	size_t n;
};

static bool has_name(struct scheme sc, const void *arg)
{
	const struct name_arg *a = arg;
	return strlen(sc.scheme->name) == a->n && !strncasecmp(a->s, sc.scheme->name, a->n);
}

static bool has_port(struct scheme sc, const void *arg)
{
	return scheme_port(sc) == *(const unsigned *)arg;
}

static bool is_default_of(struct scheme sc, const void *arg)
{
	const struct target *t = arg;
	return sc.handler->proto == t->proto && sc.scheme->tls == t->tls;
}

/* The scheme named by s[0..n) in any case, or NULL. */
static bool scheme_named(const char *s, size_t n, struct scheme *out)
{
	struct name_arg a = {s, n};
	*out = scheme_find(has_name, &a);
	return out->handler != NULL;
}

/* msg = sentence (an N_() format whose one %s is the quoted input), the
 * input run through the sanitiser first so a control character typed in
 * a TARGET cannot break the one-line sentence or reach the terminal. */
static enum smtpsh_err invalid_quoting(struct smtpsh_msg *msg, const char *sentence, const char *p,
                                       size_t n)
{
	struct buf safe;
	buf_init(&safe, 4 * n + 16);
	text_safe(&safe, p, n);
	smtpsh_fail(msg, SMTPSH_EINVAL, sentence, safe.data ? safe.data : "");
	buf_free(&safe);
	return SMTPSH_EINVAL;
}

/* sentence: an N_() string. */
static enum smtpsh_err invalid(struct smtpsh_msg *msg, const char *sentence)
{
	return smtpsh_fail(msg, SMTPSH_EINVAL, "%s", _(sentence));
}

/* USER@ at the start of *rest (up to the last '@' before any '/'): the
 * user name, %XX-decoded, into t->user; *rest moves past it.  NULL or an
 * error sentence. */
static const char *parse_user(const char **rest, struct target *t)
{
	size_t authority = strcspn(*rest, "/");
	const char *at = NULL;
	for (size_t i = 0; i < authority; i++)
		if ((*rest)[i] == '@')
			at = *rest + i;
	if (!at)
		return NULL;
	size_t n = (size_t)(at - *rest);
	if (n == 0)
		return N_("no user name before '@' (smtp://USER@HOST, or no '@' at all)");
	if (memchr(*rest, ':', n))
		return N_("no password in the URL (it would show in ps and the shell's history): "
		          "give smtp://USER@HOST, and the password at login's prompt, in "
		          "SMTPSH_PASSWORD or with --password-file");
	size_t k = 0;
	for (const char *p = *rest; p < at; p++) {
		unsigned v;
		if (*p == '%' && at - p > 2 && isxdigit((unsigned char)p[1]) &&
		    isxdigit((unsigned char)p[2]) && sscanf(p + 1, "%2x", &v) == 1 && v) {
			t->user[k++] = (char)v; /* alice%40example.org */
			p += 2;
		} else {
			t->user[k++] = *p;
		}
		if (k + 1 >= sizeof(t->user))
			return N_("user name too long");
	}
	t->user[k] = '\0';
	/* login sends the name as a protocol line: a decoded CR, LF or other
	 * control byte would smuggle a second command (a%0d%0aRSET) */
	for (const char *c = t->user; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			/* xgettext:no-c-format */
			return N_("the user name holds a control character (%0d, %0a...): "
			          "login would send it as part of a command");
	*rest = at + 1;
	return NULL;
}

enum smtpsh_err target_parse(const char *text, struct target *out, struct smtpsh_msg *msg)
{
	struct target parsed = {0}, *t = &parsed;
	struct scheme scheme = {NULL, NULL};
	const char *rest = text;
	const char *sep = strstr(text, "://");
	size_t word = strcspn(text, ":/");
	/* smtp:/host, smtp:host: a scheme without its two slashes (smtp:25
	 * stays a host named smtp, port 25) */
	const char *after = text + word + (text[word] != '\0');
	size_t digits = strspn(after, "0123456789");
	bool port_follows = digits > 0 && (after[digits] == '\0' || !strcmp(after + digits, "/"));
	if (!sep && text[word] == ':' && scheme_named(text, word, &scheme) && !port_follows) {
		struct buf safe;
		size_t n = strnlen(text, 60);
		buf_init(&safe, 4 * n + 16);
		text_safe(&safe, text, n);
		smtpsh_fail(msg, SMTPSH_EINVAL,
		            "'%s' is not a URL smtpsh reads: write %.*s://HOST[:PORT]",
		            safe.data ? safe.data : "", (int)word, text);
		buf_free(&safe);
		return SMTPSH_EINVAL;
	}
	if (sep) {
		size_t n = (size_t)(sep - text);
		if (!scheme_named(text, n, &scheme))
			return invalid_quoting(msg,
			                       N_("unknown scheme '%s': use smtp:// or pop3://"),
			                       text, n > 20 ? 20 : n);
		t->proto = scheme.handler->proto;
		t->tls = scheme.scheme->tls;
		rest = sep + 3;
	}
	const char *uerr = parse_user(&rest, t);
	if (uerr)
		return invalid(msg, uerr);
	const char *port = NULL;
	size_t hostlen;
	if (rest[0] == '[') {
		const char *close = strchr(rest, ']');
		if (!close)
			return invalid(msg,
			               N_("unclosed '[' in the address: write IPv6 as [::1]:25"));
		rest++;
		hostlen = (size_t)(close - rest);
		if (close[1] == ':')
			port = close + 2;
		else if (close[1] && strcmp(close + 1, "/"))
			return invalid(msg,
			               N_("unexpected text after ']': write IPv6 as [::1]:25"));
	} else {
		const char *colon = strchr(rest, ':');
		if (colon && strchr(colon + 1, ':')) {
			hostlen = strcspn(rest, "/"); /* bare IPv6, no port */
		} else {
			hostlen = colon ? (size_t)(colon - rest) : strcspn(rest, "/");
			port = colon ? colon + 1 : NULL;
		}
	}
	if (hostlen == 0)
		return invalid(msg, N_("no host given"));
	if (hostlen >= sizeof(t->host))
		return invalid(msg, N_("host name too long"));
	memcpy(t->host, rest, hostlen);
	t->host[hostlen] = '\0';
	if (port) {
		char *end;
		long p = strtol(port, &end, 10);
		if (!*port || (*end && strcmp(end, "/")) || p < 1 || p > 65535)
			return invalid_quoting(msg, N_("bad port '%s': a number from 1 to 65535"),
			                       port, strnlen(port, 20));
		t->port = (unsigned)p;
	}
	if (!sep) { /* no scheme: a well-known port names it, else the first handler's */
		scheme = scheme_find(has_port, &t->port);
		t->proto = scheme.handler ? scheme.handler->proto : proto_handlers[0]->proto;
		t->tls = scheme.handler && scheme.scheme->tls;
	}
	if (!t->port) {
		struct scheme d = scheme_find(is_default_of, t);
		if (d.handler)
			t->port = scheme_port(d);
	}
	*out = parsed;
	return SMTPSH_OK;
}
