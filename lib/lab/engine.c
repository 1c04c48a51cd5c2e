/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The core the lab's SMTP and POP3 engines share: see engine.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>

#include "i18n.h"
#include "lab/engine.h"
#include "lab/users.h"

void lab_say_text(struct buf *out, const char *text)
{
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		buf_append(out, p, n);
		buf_append(out, "\r\n", 2);
		p += n;
		if (*p == '\n')
			p++;
	}
}

void lab_say(struct buf *out, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	lab_say_text(out, line);
}

void lab_note(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
}

/* Appends to the reason already written. */
static void note_more(struct lab_engine *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void note_more(struct lab_engine *e, const char *fmt, ...)
{
	size_t n = strlen(e->why);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->why + n, sizeof(e->why) - n, fmt, ap);
	va_end(ap);
}

#define set_why(e, ...) lab_note((e)->why, sizeof((e)->why), __VA_ARGS__)

/* ---- the command line ---- */

void lab_line_split(struct lab_line *l, const char *line, size_t n)
{
	l->raw = line;
	l->n = n;
	memcpy(l->text, line, n);
	l->text[n] = '\0';
	l->arg = l->text + (proto_split(l->text, l->verb, sizeof(l->verb)) - l->text);
}

void lab_line_trim(struct lab_line *l)
{
	while (*l->arg == ' ')
		l->arg++;
	size_t alen = strlen(l->arg);
	while (alen && l->arg[alen - 1] == ' ')
		l->arg[--alen] = '\0';
}

void lab_line_wipe(struct lab_line *l)
{
	OPENSSL_cleanse(l->text, sizeof(l->text));
}

/* ---- state ---- */

void lab_engine_init(struct lab_engine *e, const struct lab_engine_proto *proto, void *owner,
                     const char *host, const struct lab_faults *faults, uint64_t serial,
                     unsigned state)
{
	e->proto = proto;
	e->owner = owner;
	e->host = host;
	e->faults = faults;
	lab_rng_seed(&e->rng, faults ? faults->seed : 1, serial);
	e->state = state; /* the starting state is no transition */
	e->secret_from = LAB_NOT_SECRET;
}

void lab_engine_begin_call(struct lab_engine *e)
{
	e->why[0] = '\0';
	e->secret_from = LAB_NOT_SECRET;
	e->delay_ms = 0;
	e->data_line = false;
}

const char *lab_engine_state_name(const struct lab_engine *e, unsigned state)
{
	return state < e->proto->nstates ? e->proto->state_names[state] : "?";
}

void lab_engine_set_state(struct lab_engine *e, unsigned to, const char *why)
{
	unsigned from = e->state;
	if (from == to)
		return;
	e->state = to;
	if (e->trace.fn)
		e->trace.fn(e->trace.ctx, e->proto->proto, lab_engine_state_name(e, from),
		            lab_engine_state_name(e, to), why);
}

/* ---- errors and faults ---- */

enum lab_action lab_engine_error(struct lab_engine *e, struct buf *out)
{
	if (++e->errors < e->proto->error_limit)
		return LAB_GO_ON;
	lab_say(out, e->proto->too_many, e->host);
	note_more(e, _(e->proto->too_many_why), e->errors);
	return LAB_CLOSE;
}

enum lab_action lab_engine_greet(struct lab_engine *e, struct buf *out)
{
	lab_engine_begin_call(e);
	struct lab_fault f = lab_faults_pick(e->faults, &e->rng, e->proto->proto, "CONNECT");
	e->delay_ms = f.delay_ms;
	switch (f.kind) {
	case LAB_FAULT_DROP: set_why(e, "%s", _(e->proto->greet_drop_why)); return LAB_DROP;
	case LAB_FAULT_421:
	case LAB_FAULT_451:
	case LAB_FAULT_454:
		lab_say_text(out, e->proto->greet_refused);
		set_why(e, _(e->proto->greet_refused_why), lab_fault_name(f.kind));
		return LAB_CLOSE;
	case LAB_FAULT_NONE:
	case LAB_FAULT_SLOW: break;
	}
	return e->proto->greeting(e->owner, out);
}

enum lab_action lab_engine_inject(struct lab_engine *e, const char *verb, const char *arg,
                                  struct buf *out, bool *done)
{
	struct lab_fault f = lab_faults_pick(e->faults, &e->rng, e->proto->proto, verb);
	e->delay_ms = f.delay_ms;
	*done = true;
	switch (f.kind) {
	case LAB_FAULT_DROP: set_why(e, _(e->proto->drop_why), verb); return LAB_DROP;
	case LAB_FAULT_421:
		lab_say_text(out, e->proto->closing);
		set_why(e, _(e->proto->closing_why), verb);
		return LAB_CLOSE;
	case LAB_FAULT_451: return e->proto->fault_451(e->owner, verb, arg, out);
	case LAB_FAULT_454: return e->proto->fault_454(e->owner, verb, out);
	case LAB_FAULT_NONE:
	case LAB_FAULT_SLOW: break;
	}
	*done = false;
	return LAB_GO_ON;
}

enum lab_action lab_reply(struct lab_engine *e, struct buf *out, bool refusal, const char *reply,
                          const char *why, ...)
{
	lab_say_text(out, reply);
	va_list ap;
	va_start(ap, why);
	vsnprintf(e->why, sizeof(e->why), why, ap);
	va_end(ap);
	return refusal ? lab_engine_error(e, out) : LAB_GO_ON;
}

void lab_engine_timeout(struct lab_engine *e, struct buf *out)
{
	lab_engine_begin_call(e);
	lab_say(out, e->proto->timeout, e->host);
	set_why(e, "%s", _(e->proto->timeout_why));
}

void lab_engine_shutdown(struct lab_engine *e, struct buf *out)
{
	lab_engine_begin_call(e);
	lab_say(out, e->proto->shutdown, e->host);
	set_why(e, "%s", _(e->proto->shutdown_why));
}

/* ---- one line ---- */

enum lab_action lab_engine_feed(struct lab_engine *e, const char *line, size_t n, unsigned flags,
                                struct buf *out)
{
	const struct lab_engine_proto *p = e->proto;
	size_t before = out->len;
	lab_engine_begin_call(e);
	/* The secret part by the line's kind, before any rule decides on it;
	 * after a refused AUTH, a line that is no command may be its answer. */
	bool is_auth = false, is_command = false;
	if (p->in_text(e->owner)) {
		/* message text: no command, no secret */
	} else if (e->sasl.step != LAB_SASL_NONE) {
		e->secret_from = 0;
	} else {
		is_auth = lab_line_verb_is(line, n, "AUTH");
		is_command = p->is_command(line, n);
		e->secret_from =
		    e->auth_refused && !is_command
		        ? 0
		        : lab_secret_offset(p->secret_verbs, p->nsecret_verbs, line, n);
	}
	size_t secret_from = e->secret_from;
	enum lab_action a = p->feed_line(e->owner, line, n, flags, out);
	e->secret_from = secret_from;
	const char *reply = out->data ? out->data + before : "";
	size_t rn = out->len - before;
	if (is_auth) /* neither an exchange started nor a login (nor a list) */
		e->auth_refused =
		    e->sasl.step == LAB_SASL_NONE && (!rn || p->is_refusal(reply, rn));
	else if (is_command)
		e->auth_refused = false;
	if (n && line[n - 1] == '\r' && !e->data_line && rn && p->is_refusal(reply, rn))
		note_more(e, "%s",
		          _("; the line ended in CR CR LF: the client added a CR to a line that "
		            "already had one (openssl s_client -crlf or nc -C fed CRLF text?)"));
	return a;
}
