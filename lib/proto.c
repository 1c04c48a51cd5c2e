/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What every protocol shares: finding a handler, its commands and state
 * names, and running its sequence rules.  The protocols themselves are in
 * proto_smtp.c and proto_pop3.c. */
#include "proto.h"

#include "i18n.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

const struct proto_handler *const proto_handlers[] = {&proto_smtp_handler, &proto_pop3_handler};
const size_t proto_handlers_len = sizeof(proto_handlers) / sizeof(proto_handlers[0]);

const struct proto_handler *proto_handler_get(enum proto p)
{
	switch (p) {
	case PROTO_SMTP: return &proto_smtp_handler;
	case PROTO_POP3: return &proto_pop3_handler;
	}
	return &proto_smtp_handler; /* not an enum proto value */
}

const struct proto_handler *proto_handler_by_name(const char *name)
{
	for (size_t i = 0; i < proto_handlers_len; i++)
		if (!strcasecmp(proto_handlers[i]->name, name))
			return proto_handlers[i];
	return NULL;
}

enum proto proto_guess(const char *line, size_t n)
{
	for (size_t i = 0; i < proto_handlers_len; i++)
		if (proto_handlers[i]->looks_like(line, n))
			return proto_handlers[i]->proto;
	return proto_handlers[0]->proto;
}

bool proto_url_implicit_tls(const char *url)
{
	if (!url)
		return false;
	for (size_t i = 0; i < proto_handlers_len; i++)
		for (size_t j = 0; j < proto_handlers[i]->nschemes; j++) {
			const struct proto_scheme *sc = &proto_handlers[i]->schemes[j];
			size_t n = strlen(sc->name);
			if (sc->tls && !strncmp(url, sc->name, n) && url[n] == ':')
				return true;
		}
	return false;
}

const char *proto_name(enum proto p)
{
	return proto_handler_get(p)->name;
}

const char *proto_state_name(enum pstate s)
{
	for (size_t i = 0; i < proto_handlers_len; i++)
		for (size_t j = 0; j < proto_handlers[i]->nstates; j++)
			if (proto_handlers[i]->states[j].state == s)
				return proto_handlers[i]->states[j].name;
	return "?";
}

const struct proto_cmd *proto_find(enum proto p, const char *verb)
{
	const struct proto_handler *h = proto_handler_get(p);
	for (size_t i = 0; i < h->ncmds; i++)
		if (strcasecmp(h->cmds[i].verb, verb) == 0)
			return &h->cmds[i];
	return NULL;
}

const struct proto_cmd *proto_find_any(const char *verb)
{
	const struct proto_cmd *c = NULL;
	for (size_t i = 0; i < proto_handlers_len && !c; i++)
		c = proto_find(proto_handlers[i]->proto, verb);
	return c;
}

const char *proto_split(const char *line, char *verb, size_t vsz)
{
	size_t i = 0;
	const char *s = line;
	while (*s && *s != ' ' && i + 1 < vsz)
		verb[i++] = (char)toupper((unsigned char)*s++);
	verb[i] = '\0';
	/* Skip the rest of an over-long verb. */
	while (*s && *s != ' ')
		s++;
	if (*s == ' ')
		s++;
	return s;
}

static bool rule_holds(const struct proto_rule *r, const struct proto_ctx *c)
{
	switch (r->when) {
	case RULE_NEVER: return false;
	case RULE_IN_STATES: return (r->states & PSTATE_BIT(c->state)) != 0;
	case RULE_TLS_ON: return c->tls;
	case RULE_LOGGED_IN: return c->authenticated;
	}
	return false;
}

/* Whether the session is in a state where commands are judged at all:
 * not while the greeting is awaited, nor typing a message or answering a
 * SASL challenge, nor closed. */
static bool takes_commands(enum pstate s)
{
	switch (s) {
	case ST_GREETING:
	case ST_CLOSED:
	case ST_SASL:
	case ST_SMTP_DATA: return false;
	case ST_SMTP_INIT:
	case ST_SMTP_READY:
	case ST_SMTP_MAIL:
	case ST_SMTP_RCPT:
	case ST_POP3_AUTH:
	case ST_POP3_USER:
	case ST_POP3_TRANS: return true;
	}
	return false;
}

const char *proto_check(const struct proto_ctx *ctx, const char *verb, bool has_arg)
{
	(void)has_arg;
	if (!takes_commands(ctx->state))
		return NULL;
	const struct proto_handler *h = proto_handler_get(ctx->proto);
	for (size_t i = 0; i < h->nrules; i++)
		if (h->rules[i].why && !strcmp(h->rules[i].verb, verb) &&
		    rule_holds(&h->rules[i], ctx))
			return _(h->rules[i].why);
	return NULL;
}

/* Optimal string alignment distance (Levenshtein plus the swap of two
 * neighbours, which is how fingers mistype: REST for RSET), verbs only. */
static size_t edit_distance(const char *a, const char *b)
{
	enum { MAX = 30 };
	size_t la = strlen(a), lb = strlen(b);
	if (la > MAX || lb > MAX)
		return 99;
	size_t d[MAX + 1][MAX + 1];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			int ca = toupper((unsigned char)a[i - 1]),
			    cb = toupper((unsigned char)b[j - 1]);
			size_t best = d[i - 1][j - 1] + (ca != cb);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && ca == toupper((unsigned char)b[j - 2]) &&
			    toupper((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

/* Same first and last letters: a mistyped word keeps its ends more often
 * than its middle. */
static bool same_ends(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	return la && lb && toupper((unsigned char)a[0]) == toupper((unsigned char)b[0]) &&
	       toupper((unsigned char)a[la - 1]) == toupper((unsigned char)b[lb - 1]);
}

const char *proto_suggest(enum proto p, const char *verb)
{
	const struct proto_handler *h = proto_handler_get(p);
	const char *best = NULL;
	size_t best_d = 3;
	bool best_ends = false;
	for (size_t i = 0; i < h->ncmds; i++) {
		size_t d = edit_distance(verb, h->cmds[i].verb);
		bool ends = same_ends(verb, h->cmds[i].verb);
		if (d < best_d || (d == best_d && best && ends && !best_ends)) {
			best_d = d;
			best = h->cmds[i].verb;
			best_ends = ends;
		}
	}
	return best;
}

const struct proto_cmd *proto_find_historical(enum proto p, const char *verb)
{
	const struct proto_handler *h = proto_handler_get(p);
	for (size_t i = 0; i < h->nhistorical; i++)
		if (strcasecmp(h->historical[i].verb, verb) == 0)
			return &h->historical[i];
	return NULL;
}
