/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `smtpsh doctor ADDRESS`: an account checked end to end, one line per
 * step (DNS, TCP, TLS and the certificate, EHLO, AUTH, MAIL FROM, POP3
 * login and STAT), each failure with its cause and fix, and a verdict to
 * paste into a ticket.  The steps run through the shell's own session,
 * login and wait code with the dialogue rendered to /dev/null (or to
 * standard error with --verbose); lib/doctor.c holds the model. */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <openssl/crypto.h>

#include "doctor.h"
#include "i18n.h"
#include "provider.h"
#include "shell_proto.h"
#include "text.h"

/* Where one service is checked: a host and the ports to try in order. */
struct doctor_service {
	enum proto proto;
	char host[256];
	unsigned ports[2]; /* tried in order until one connects */
	bool implicit[2];  /* implicit TLS on that port, else STARTTLS/STLS */
	size_t nports;
	unsigned probe_only; /* a port only probed (SMTP 25), or 0 */
	bool off;            /* not checked (no POP3 at this provider) */
	const char *why_off;
};

struct doctor {
	struct shell *sh;
	const struct doctor_options *o;
	const struct tls_opts *tls;
	const char *address;
	const char *user;
	const struct doctor_target *row;
	char *pass;
	struct doctor_report rep;
	FILE *null;
	/* the last error the session told its hooks (a failed STARTTLS) */
	enum smtpsh_err last_err;
	char last_err_text[SMTPSH_MSG_SIZE];
};

static const char *outcome_word(enum doctor_outcome o)
{
	switch (o) {
	case DOCTOR_PASSED: return "ok";
	case DOCTOR_FAILED: return "FAIL";
	case DOCTOR_NOTED: return "note";
	case DOCTOR_SKIPPED: return "skip";
	}
	return "?";
}

/* The outcome as the reader's word; --json keeps outcome_word(). */
static const char *outcome_label(enum doctor_outcome o)
{
	switch (o) {
	case DOCTOR_PASSED: return _("ok");
	case DOCTOR_FAILED: return _("FAIL");
	case DOCTOR_NOTED: return _("note");
	case DOCTOR_SKIPPED: return _("skip");
	}
	return "?";
}

/* A provider's name for the reader ("QQ Mail" is QQ 邮箱 in Chinese). */
static const char *provider_label(const struct doctor *d, const char *none)
{
	return d->row && d->row->provider ? _(d->row->provider) : none;
}

/* Server words and certificate names are untrusted: shown safe. */
static const char *safe(char *out, size_t n, const char *s)
{
	return text_safe_str(out, n, s, strlen(s));
}

static void print_step(const struct doctor *d, const struct doctor_step *st)
{
	if (d->o->json)
		return;
	char detail[TEXT_SAFE_SIZE(DOCTOR_TEXT_MAX)];
	const char *outcome = outcome_label(st->outcome);
	printf("  %-*s %-14s %s\n", text_field(outcome, 5), outcome, st->name,
	       safe(detail, sizeof(detail), st->detail));
	if (st->outcome == DOCTOR_FAILED || st->outcome == DOCTOR_NOTED) {
		printf(_("        cause:  %s\n"), doctor_cause_words(st->cause));
		if (st->why[0])
			printf(_("        why:    %s\n"), st->why);
		if (st->fix[0])
			printf(_("        fix:    %s\n"), st->fix);
		if (st->source[0])
			printf(_("        source: %s\n"), st->source);
	}
	fflush(stdout);
}

/* Records a step and prints its line at once (progress as it runs). */
#define STEP(d, ...) kept_or_spare(doctor_add(&(d)->rep, __VA_ARGS__))

static struct doctor_step *kept_or_spare(struct doctor_step *st)
{
	static struct doctor_step spare; /* the report is full: shown, not kept */
	return st ? st : &spare;
}

static void show(struct doctor *d, struct doctor_step *st)
{
	print_step(d, st);
}

/* ---- the session's error hook: words of a failure met while waiting ---- */

static void on_error(void *ctx, enum smtpsh_err e, const char *msg, const char *msg_en,
                     const struct reply_line *l)
{
	(void)msg_en;
	(void)l;
	struct doctor *d = ctx;
	d->last_err = e;
	snprintf(d->last_err_text, sizeof(d->last_err_text), "%s", msg);
}

/* Sends a line and waits for its reply; false when the connection is
 * gone or the server went silent. */
static bool say(struct doctor *d, const char *line)
{
	struct session *s = &d->sh->session;
	struct smtpsh_msg why;
	if (session_send(s, line, strlen(line), 0, &why) != SMTPSH_OK) {
		d->last_err = SMTPSH_ECLOSED;
		snprintf(d->last_err_text, sizeof(d->last_err_text), "%s", why.text);
		return false;
	}
	enum smtpsh_err e = wait_replies(d->sh);
	if (e != SMTPSH_OK && !d->last_err_text[0]) {
		d->last_err = e;
		snprintf(d->last_err_text, sizeof(d->last_err_text), "%s", smtpsh_err_name(e));
	}
	return e == SMTPSH_OK && session_connected(s) && !session_awaiting(s);
}

static int code(const struct doctor *d)
{
	return d->sh->last_reply_code;
}

/* The server refused: the verdict from its reply, in one place. */
static void refused(struct doctor *d, const char *name, const char *verb)
{
	struct session *s = &d->sh->session;
	struct doctor_step *st = code(d) > 0 ? STEP(d, name, DOCTOR_FAILED, DOCTOR_CAUSE_REFUSED,
	                                            "%d %s", code(d), d->sh->last_reply_text)
	                                     : STEP(d, name, DOCTOR_FAILED, DOCTOR_CAUSE_REFUSED,
	                                            "-ERR %s", d->sh->last_reply_text);
	doctor_explain_reply(st, d->row ? d->row->secret : DOCTOR_SECRET_PASSWORD,
	                     doctor_address_domain(d->address), s->banner, verb, code(d),
	                     d->sh->last_reply_text, s->tls);
	if (!st->source[0] && d->row)
		snprintf(st->source, sizeof(st->source), "%s", d->row->source);
	show(d, st);
}

/* The connection broke during a step. */
static void broke(struct doctor *d, const char *name)
{
	enum doctor_cause c =
	    doctor_cause_of_error(d->last_err, d->sh->session.tls_info.clock_bound);
	show(d, STEP(d, name, DOCTOR_FAILED, c, "%s",
	             d->last_err_text[0] ? d->last_err_text : _("the connection was lost")));
}

/* ---- DNS and TCP ---- */

static bool check_dns(struct doctor *d, const char *name, const char *host)
{
	struct addrinfo hints = {0}, *res = NULL;
	hints.ai_family = d->sh->family;
	hints.ai_socktype = SOCK_STREAM;
	int rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0) {
		show(d, STEP(d, name, DOCTOR_FAILED, DOCTOR_CAUSE_DNS, "%s: %s", host,
		             gai_strerror(rc)));
		return false;
	}
	char list[300] = "";
	size_t n = 0;
	for (struct addrinfo *ai = res; ai && n < 3; ai = ai->ai_next, n++) {
		char a[64];
		void *p = ai->ai_family == AF_INET6
		              ? (void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr
		              : (void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr;
		inet_ntop(ai->ai_family, p, a, sizeof(a));
		size_t used = strlen(list);
		snprintf(list + used, sizeof(list) - used, "%s%s", n ? ", " : "", a);
	}
	freeaddrinfo(res);
	show(d, STEP(d, name, DOCTOR_PASSED, DOCTOR_CAUSE_NONE, "%s -> %s", host, list));
	return true;
}

/* A bare TCP connection: SMTPSH_OK, or the failure with its words. */
static enum smtpsh_err probe_tcp(struct doctor *d, const char *host, unsigned port, char *addr,
                                 size_t n, struct smtpsh_msg *why)
{
	struct conn c;
	conn_init(&c);
	int limit = d->sh->timeout_s < 10 ? d->sh->timeout_s * 1000 : 10000;
	enum smtpsh_err e = conn_connect(&c, host, port, d->sh->family, limit, why);
	snprintf(addr, n, "%s", c.addr);
	conn_close(&c);
	return e;
}

/* One line for a probed port.  A port that does not answer is a failure
 * only when no other port of the service did; port 25 is only noted. */
static void show_tcp(struct doctor *d, unsigned port, enum smtpsh_err e, const char *addr,
                     const char *why, bool note_only)
{
	char name[DOCTOR_NAME_MAX];
	snprintf(name, sizeof(name), "tcp %u", port);
	enum doctor_cause cause = doctor_cause_of_error(e, false); /* TCP only: no certificate */
	if (e == SMTPSH_OK)
		show(d, STEP(d, name, DOCTOR_PASSED, DOCTOR_CAUSE_NONE,
		             _("connected to %s port %u"), addr, port));
	else if (port == 25)
		show(d, STEP(d, name, DOCTOR_NOTED, cause,
		             _("%s (many networks block port 25 for mail clients: 465 and 587 are "
		               "the ports to submit on)"),
		             why));
	else
		show(d, STEP(d, name, note_only ? DOCTOR_NOTED : DOCTOR_FAILED, cause, "%s", why));
}

/* ---- a session: connect, TLS, the certificate ---- */

static void tls_detail(struct doctor *d, const char *name)
{
	const struct tls_info *t = &d->sh->session.tls_info;
	show(d, STEP(d, name, DOCTOR_PASSED, DOCTOR_CAUSE_NONE,
	             t->verified ? _("%s, certificate for %s, verified, valid until %s")
	                         : _("%s, certificate for %s, NOT verified (--insecure), valid "
	                             "until %s"),
	             t->version, t->names[0] ? t->names : t->subject, t->not_after));
}

/* Connects to the service's first port that answers, with TLS (implicit,
 * or STARTTLS/STLS after the greeting).  False after saying why. */
static bool open_session(struct doctor *d, const struct doctor_service *svc, size_t at,
                         const char *tls_name)
{
	struct shell *sh = d->sh;
	struct session *s = &sh->session;
	struct session_hooks render = {0}, mine = {.ctx = d, .error = on_error};
	render_init_hooks(sh, &render);
	session_init(s, svc->proto, &render, sh->timeout_s * 1000);
	session_subscribe(s, &mine);
	s->tls_opts = *d->tls;
	d->last_err = SMTPSH_OK;
	d->last_err_text[0] = '\0';
	sh->target.proto = svc->proto;
	struct smtpsh_msg why;
	bool implicit = svc->implicit[at];
	enum smtpsh_err e =
	    session_connect(s, svc->host, svc->ports[at], sh->family, implicit, &why);
	if (e != SMTPSH_OK) {
		show(d, STEP(d, tls_name, DOCTOR_FAILED,
		             doctor_cause_of_error(e, s->tls_info.clock_bound), "%s", why.text));
		return false;
	}
	if (wait_replies(sh) != SMTPSH_OK || !session_connected(s)) {
		broke(d, tls_name);
		return false;
	}
	bool smtp = svc->proto == PROTO_SMTP;
	if (smtp ? code(d) != 220 : code(d) != REPLY_POP3_OK) {
		refused(d, tls_name, "");
		return false;
	}
	if (!implicit) {
		if (smtp && !say(d, "EHLO smtpsh.doctor")) {
			broke(d, tls_name);
			return false;
		}
		if (!say(d, smtp ? "STARTTLS" : "STLS")) {
			broke(d, tls_name);
			return false;
		}
		if (!s->tls) {
			refused(d, tls_name, smtp ? "STARTTLS" : "STLS");
			return false;
		}
	}
	tls_detail(d, tls_name);
	return true;
}

static void close_session(struct doctor *d)
{
	struct session *s = &d->sh->session;
	if (session_connected(s))
		say(d, "QUIT");
	session_free(s);
}

/* ---- SMTP ---- */

static bool smtp_ehlo(struct doctor *d)
{
	struct session *s = &d->sh->session;
	if (!say(d, "EHLO smtpsh.doctor")) {
		broke(d, "smtp ehlo");
		return false;
	}
	if (code(d) != 250) {
		refused(d, "smtp ehlo", "EHLO");
		return false;
	}
	const char *auth = session_cap(s, "AUTH");
	const char *size = session_cap(s, "SIZE");
	char a[TEXT_SAFE_SIZE(SESSION_CAP_LEN)], z[TEXT_SAFE_SIZE(SESSION_CAP_LEN)];
	if (!auth) {
		show(d, STEP(d, "smtp ehlo", DOCTOR_FAILED, DOCTOR_CAUSE_NO_AUTH,
		             _("%zu extensions, no AUTH"), s->ncaps));
		return false;
	}
	if (size)
		show(d, STEP(d, "smtp ehlo", DOCTOR_PASSED, DOCTOR_CAUSE_NONE, "%s; %s",
		             safe(a, sizeof(a), auth), safe(z, sizeof(z), size)));
	else
		show(d, STEP(d, "smtp ehlo", DOCTOR_PASSED, DOCTOR_CAUSE_NONE, _("%s; no SIZE"),
		             safe(a, sizeof(a), auth)));
	return true;
}

static bool smtp_auth(struct doctor *d)
{
	struct shell *sh = d->sh;
	const char *mech = NULL;
	if (!login_ready_smtp(sh, NULL, &mech)) {
		show(d, STEP(d, "smtp auth", DOCTOR_FAILED, DOCTOR_CAUSE_NO_AUTH,
		             _("none of the offered mechanisms is PLAIN, LOGIN or CRAM-MD5")));
		return false;
	}
	login_smtp(sh, d->user, mech, d->pass, NULL);
	if (sh->session.authenticated) {
		show(d, STEP(d, "smtp auth", DOCTOR_PASSED, DOCTOR_CAUSE_NONE,
		             _("AUTH %s as %s accepted"), mech, d->user));
		return true;
	}
	if (!session_connected(&sh->session))
		broke(d, "smtp auth");
	else
		refused(d, "smtp auth", "AUTH");
	return false;
}

/* MAIL FROM, then RSET; with --send-to a short test message instead. */
static void smtp_mail(struct doctor *d)
{
	char line[600];
	snprintf(line, sizeof(line), "MAIL FROM:<%s>", d->address);
	if (!say(d, line)) {
		broke(d, "smtp mail from");
		return;
	}
	if (code(d) != 250) {
		refused(d, "smtp mail from", "MAIL");
		return;
	}
	show(d, STEP(d, "smtp mail from", DOCTOR_PASSED, DOCTOR_CAUSE_NONE, _("<%s> accepted"),
	             d->address));
	if (!d->o->send_to) {
		say(d, "RSET");
		return;
	}
	snprintf(line, sizeof(line), "RCPT TO:<%s>", d->o->send_to);
	if (!say(d, line) || code(d) / 100 != 2) {
		refused(d, "smtp send", "RCPT");
		return;
	}
	if (!say(d, "DATA") || code(d) != 354) {
		refused(d, "smtp send", "DATA");
		return;
	}
	char date[64];
	time_t now = time(NULL);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", gmtime(&now));
	const char *body[] = {"Subject: smtpsh doctor test message",
	                      "MIME-Version: 1.0",
	                      "Content-Type: text/plain; charset=us-ascii",
	                      "",
	                      "This message was sent by smtpsh doctor to check that this",
	                      "account can send mail.  Nothing needs to be done with it."};
	char head[700];
	bool ok = true;
	snprintf(head, sizeof(head), "From: <%s>", d->address);
	ok = ok && session_send(&d->sh->session, head, strlen(head), 0, NULL) == SMTPSH_OK;
	snprintf(head, sizeof(head), "To: <%s>", d->o->send_to);
	ok = ok && session_send(&d->sh->session, head, strlen(head), 0, NULL) == SMTPSH_OK;
	snprintf(head, sizeof(head), "Date: %s", date);
	ok = ok && session_send(&d->sh->session, head, strlen(head), 0, NULL) == SMTPSH_OK;
	for (size_t i = 0; ok && i < sizeof(body) / sizeof(body[0]); i++)
		ok = session_send(&d->sh->session, body[i], strlen(body[i]), 0, NULL) == SMTPSH_OK;
	if (!ok || !say(d, ".")) {
		broke(d, "smtp send");
		return;
	}
	if (code(d) != 250) {
		refused(d, "smtp send", "DATA");
		return;
	}
	show(d, STEP(d, "smtp send", DOCTOR_PASSED, DOCTOR_CAUSE_NONE,
	             _("test message to <%s>: %s"), d->o->send_to, d->sh->last_reply_text));
}

static void skip_rest(struct doctor *d, const char *const *names, size_t n, const char *why)
{
	for (size_t i = 0; i < n; i++)
		show(d, STEP(d, names[i], DOCTOR_SKIPPED, DOCTOR_CAUSE_NONE, "%s", why));
}

/* Probes the ports, then runs a session on the first that answered. */
static void check_service(struct doctor *d, const struct doctor_service *svc)
{
	bool smtp = svc->proto == PROTO_SMTP;
	static const char *const smtp_steps[] = {"smtp tls", "smtp ehlo", "smtp auth",
	                                         "smtp mail from"};
	static const char *const pop3_steps[] = {"pop3 tls", "pop3 login", "pop3 stat"};
	const char *const *names = smtp ? smtp_steps : pop3_steps;
	size_t nnames = smtp ? 4 : 3;
	if (svc->off) {
		show(d, STEP(d, smtp ? "smtp" : "pop3", DOCTOR_SKIPPED, DOCTOR_CAUSE_NONE, "%s",
		             svc->why_off));
		return;
	}
	if (!check_dns(d, smtp ? "dns smtp" : "dns pop3", svc->host)) {
		skip_rest(d, names, nnames, _("the name does not resolve"));
		return;
	}
	size_t at = svc->nports;
	enum smtpsh_err errs[2];
	char addrs[2][64];
	struct smtpsh_msg whys[2];
	for (size_t i = 0; i < svc->nports; i++) {
		errs[i] =
		    probe_tcp(d, svc->host, svc->ports[i], addrs[i], sizeof(addrs[i]), &whys[i]);
		if (errs[i] == SMTPSH_OK && at == svc->nports)
			at = i;
	}
	for (size_t i = 0; i < svc->nports; i++)
		show_tcp(d, svc->ports[i], errs[i], addrs[i], whys[i].text, at < svc->nports);
	if (svc->probe_only) {
		char addr[64];
		struct smtpsh_msg why;
		enum smtpsh_err e =
		    probe_tcp(d, svc->host, svc->probe_only, addr, sizeof(addr), &why);
		show_tcp(d, svc->probe_only, e, addr, why.text, true);
	}
	if (at == svc->nports) {
		skip_rest(d, names, nnames, _("no port answered"));
		return;
	}
	if (!open_session(d, svc, at, names[0])) {
		skip_rest(d, names + 1, nnames - 1, _("no TLS connection"));
		session_free(&d->sh->session);
		return;
	}
	if (smtp) {
		if (!smtp_ehlo(d))
			skip_rest(d, names + 2, 2, _("EHLO failed"));
		else if (!smtp_auth(d))
			skip_rest(d, names + 3, 1, _("not logged in"));
		else
			smtp_mail(d);
	} else {
		login_pop3(d->sh, d->user, NULL, d->pass, NULL);
		if (!d->sh->session.authenticated) {
			if (session_connected(&d->sh->session))
				refused(d, "pop3 login", "PASS");
			else
				broke(d, "pop3 login");
			skip_rest(d, names + 2, 1, _("not logged in"));
		} else {
			show(d, STEP(d, "pop3 login", DOCTOR_PASSED, DOCTOR_CAUSE_NONE,
			             _("USER %s and PASS accepted"), d->user));
			if (!say(d, "STAT"))
				broke(d, "pop3 stat");
			else if (code(d) != REPLY_POP3_OK)
				refused(d, "pop3 stat", "STAT");
			else
				show(d,
				     STEP(d, "pop3 stat", DOCTOR_PASSED, DOCTOR_CAUSE_NONE,
				          _("%ld messages, %ld octets"), d->sh->session.pop3_count,
				          d->sh->session.pop3_octets));
		}
	}
	close_session(d);
}

/* ---- where to look ---- */

/* A --smtp / --pop3 URL: one port, TLS implicit or by STARTTLS/STLS. */
static bool service_from_url(struct doctor_service *svc, enum proto want, const char *url)
{
	struct target t;
	struct smtpsh_msg why;
	if (target_parse(url, &t, &why) != SMTPSH_OK || t.proto != want) {
		if (t.proto != want)
			fprintf(stderr, _("smtpsh doctor: %s: not a URL of that protocol\n"), url);
		else
			fprintf(stderr, _("smtpsh doctor: %s: %s\n"), url, why.text);
		return false;
	}
	snprintf(svc->host, sizeof(svc->host), "%s", t.host);
	svc->ports[0] = t.port;
	svc->implicit[0] = t.tls;
	svc->nports = 1;
	return true;
}

static void service_add_port(struct doctor_service *svc, unsigned port, bool implicit)
{
	if (port && svc->nports < 2) {
		svc->ports[svc->nports] = port;
		svc->implicit[svc->nports++] = implicit;
	}
}

static bool plan(struct doctor *d, struct doctor_service *smtp, struct doctor_service *pop3)
{
	const struct doctor_options *o = d->o;
	const struct doctor_target *row = d->row;
	*smtp = (struct doctor_service){.proto = PROTO_SMTP};
	*pop3 = (struct doctor_service){.proto = PROTO_POP3};
	if (!row && !o->server && !o->smtp_url) {
		fprintf(stderr,
		        _("smtpsh doctor: no known provider for '%s': give --server HOST, or "
		          "--smtp URL "
		          "and --pop3 URL\n"),
		        doctor_address_domain(d->address));
		return false;
	}
	if (o->smtp_url) {
		if (!service_from_url(smtp, PROTO_SMTP, o->smtp_url))
			return false;
	} else {
		snprintf(smtp->host, sizeof(smtp->host), "%s",
		         o->server ? o->server : row->smtp_host);
		service_add_port(smtp, o->server ? 465 : row->smtp_tls_port, true);
		service_add_port(smtp, o->server ? 587 : row->smtp_submit_port, false);
		smtp->probe_only = 25;
	}
	if (o->pop3_url)
		return service_from_url(pop3, PROTO_POP3, o->pop3_url);
	if (o->server || (row && row->pop3_host)) {
		snprintf(pop3->host, sizeof(pop3->host), "%s",
		         o->server ? o->server : row->pop3_host);
		service_add_port(pop3, o->server ? 995 : row->pop3_tls_port, true);
		service_add_port(pop3, o->server ? 110 : row->pop3_plain_port, false);
	} else {
		pop3->off = true;
		pop3->why_off = row && !o->smtp_url ? _("this provider offers no POP3")
		                                    : _("no --pop3 URL given");
	}
	return true;
}

/* ---- the report ---- */

static void print_verdict(const struct doctor *d, const struct doctor_service *smtp,
                          const struct doctor_service *pop3, enum doctor_verdict v)
{
	const struct doctor_step *f = doctor_first_failure(&d->rep);
	char when[40], detail[TEXT_SAFE_SIZE(DOCTOR_TEXT_MAX)];
	time_t now = time(NULL);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", gmtime(&now));
	printf(_("\n---- smtpsh doctor verdict (paste into a ticket) ----\n"));
	printf(_("account:  %s (login as %s)\n"), d->address, d->user);
	printf(_("provider: %s\n"), provider_label(d, _("unknown")));
	printf(_("smtp:     %s ports"), smtp->host);
	for (size_t i = 0; i < smtp->nports; i++)
		printf(" %u%s", smtp->ports[i], smtp->implicit[i] ? " (TLS)" : " (STARTTLS)");
	putchar('\n');
	if (pop3->off)
		printf(_("pop3:     not checked: %s\n"), pop3->why_off);
	else {
		printf(_("pop3:     %s ports"), pop3->host);
		for (size_t i = 0; i < pop3->nports; i++)
			printf(" %u%s", pop3->ports[i], pop3->implicit[i] ? " (TLS)" : " (STLS)");
		putchar('\n');
	}
	switch (v) {
	case DOCTOR_ALL_PASSED: printf(_("result:   all checks passed\n")); break;
	case DOCTOR_ACCOUNT_PROBLEM: printf(_("result:   the account has a problem\n")); break;
	case DOCTOR_UNREACHABLE: printf(_("result:   the server could not be reached\n")); break;
	}
	if (f) {
		printf(_("failed:   %s: %s\n"), f->name, safe(detail, sizeof(detail), f->detail));
		printf(_("cause:    %s\n"), doctor_cause_words(f->cause));
		if (f->why[0])
			printf(_("why:      %s\n"), f->why);
		printf(_("fix:      %s\n"), f->fix);
		if (f->source[0])
			printf(_("source:   %s\n"), f->source);
	}
	printf(_("checked:  %s by smtpsh doctor\n"), when);
}

static void print_json(const struct doctor *d, enum doctor_verdict v)
{
	printf("{\"address\":");
	put_json_string(stdout, d->address);
	printf(",\"provider\":");
	put_json_string(stdout, d->row && d->row->provider ? d->row->provider : "");
	printf(",\"exit\":%d,\"steps\":[", (int)v);
	for (size_t i = 0; i < d->rep.n; i++) {
		const struct doctor_step *st = &d->rep.steps[i];
		printf("%s{\"name\":", i ? "," : "");
		put_json_string(stdout, st->name);
		bool ok = st->outcome == DOCTOR_PASSED || st->outcome == DOCTOR_NOTED;
		printf(",\"ok\":%s,\"outcome\":\"%s\",\"detail\":", ok ? "true" : "false",
		       outcome_word(st->outcome));
		put_json_string(stdout, st->detail);
		printf(",\"cause\":");
		if (st->cause == DOCTOR_CAUSE_NONE)
			printf("null");
		else
			put_json_string(stdout, doctor_cause_info(st->cause)->token);
		printf(",\"why\":");
		put_json_string(stdout, st->why);
		printf(",\"fix\":");
		put_json_string(stdout, st->fix);
		printf(",\"source\":");
		put_json_string(stdout, st->source);
		putchar('}');
	}
	printf("]}\n");
}

int doctor_run(struct shell *sh, const struct tls_opts *tls, const struct doctor_options *o,
               const char *address)
{
	struct doctor *d = calloc(1, sizeof(*d));
	if (!d)
		return EXIT_CONNECT;
	d->sh = sh;
	d->o = o;
	d->tls = tls;
	d->address = address;
	d->user = o->user ? o->user : address;
	d->row = doctor_target_find(address);
	struct doctor_service smtp, pop3;
	if (!strchr(address, '@') || !plan(d, &smtp, &pop3)) {
		if (!strchr(address, '@'))
			fprintf(stderr,
			        _("smtpsh doctor: '%s' is not a mail address (user@domain)\n"),
			        address);
		free(d);
		return EXIT_USAGE;
	}
	sh->out = stderr; /* the password's questions and warnings */
	sh->script = stdin;
	sh->interactive = isatty(STDIN_FILENO);
	d->pass = login_password(sh);
	d->null = fopen("/dev/null", "w");
	sh->out = o->verbose || !d->null ? stderr : d->null;
	sh->interactive = false;
	if (!o->json)
		printf(_("smtpsh doctor %s: %s\n"), address,
		       provider_label(d, _("provider unknown")));
	if (!d->pass) {
		show(d, STEP(d, "password", DOCTOR_FAILED, DOCTOR_CAUSE_NO_SECRET,
		             _("nothing to log in with")));
	} else {
		check_service(d, &smtp);
		check_service(d, &pop3);
	}
	enum doctor_verdict v = doctor_verdict(&d->rep);
	if (o->json)
		print_json(d, v);
	else
		print_verdict(d, &smtp, &pop3, v);
	if (d->pass) {
		OPENSSL_cleanse(d->pass, strlen(d->pass));
		free(d->pass);
	}
	if (d->null)
		fclose(d->null);
	free(d);
	return (int)v;
}
