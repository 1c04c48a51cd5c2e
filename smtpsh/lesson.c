/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `smtpsh lesson N`: a lesson run as an exercise against the lab.  The
 * lab starts in the background (with the persona the lesson names);
 * before each of the lesson's S: lines the student is told what to do,
 * types the line (helpers such as b64 work as in the shell), and it goes
 * to the lab.  The lesson's recorded replies are read by an offline
 * session, the lab's by the live one; before the next step their codes
 * are compared and every difference is explained with both annotations.
 * `smtpsh lesson` alone lists the lessons. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "i18n.h"
#include "lab/lab.h"
#include "lab_cmd.h"
#include "lesson.h"
#include "narration.h"
#include "text.h"

#define STEP_REPLIES 16 /* replies compared per step; more are not compared */

struct heard {
	int code;
	char verb[16]; /* the command it answered, for its meaning */
	char enhanced[16];
	char text[256];
};

struct replies {
	struct heard v[STEP_REPLIES];
	size_t n;
};

struct exercise {
	struct shell *sh;
	const struct lesson_options *o;
	const struct lesson_info *info;
	struct session expected; /* offline: the lesson's side */
	struct replies want, got;
	unsigned step;     /* S: lines so far */
	unsigned compared; /* replies compared */
	unsigned matched;
	bool quiz_due; /* an answer waits for the step's first reply */
	int quiz_code;
	unsigned skipped; /* message lines not sent: the lab refused DATA */
};

static void push(struct replies *q, const struct reply *r, const struct session_pending *p)
{
	if (q->n >= STEP_REPLIES)
		return;
	struct heard *h = &q->v[q->n++];
	h->code = r->code;
	snprintf(h->verb, sizeof(h->verb), "%s", p ? p->verb : "");
	snprintf(h->enhanced, sizeof(h->enhanced), "%s", r->enhanced);
	snprintf(h->text, sizeof(h->text), "%s", r->text);
}

static void on_lesson_reply(void *ctx, const struct reply *r)
{
	struct exercise *x = ctx;
	push(&x->want, r, x->expected.answering);
}

static void on_lab_reply(void *ctx, const struct reply *r)
{
	struct exercise *x = ctx;
	push(&x->got, r, x->sh->session.answering);
}

/* One side of a difference: the reply as said (a warning line) and what
 * it means (a note). */
static void say_reply(struct exercise *x, const char *side, const struct heard *h)
{
	render_reply_side(x->sh, side, 10, h->code, h->verb, h->enhanced, h->text);
}

/* The quiz's verdict on the step's first live reply. */
static void judge_quiz(struct exercise *x)
{
	struct shell *sh = x->sh;
	if (!x->quiz_due || !x->got.n)
		return;
	x->quiz_due = false;
	const struct heard *h = &x->got.v[0];
	char status[16], meaning[512];
	sh->session.handler->status_text(h->code, status, sizeof(status));
	const char *m =
	    sh->session.handler->annot_status(h->code, h->verb, meaning, sizeof(meaning));
	if (h->code == x->quiz_code)
		render_note(sh, "right: the server said %s (%s)", status, m);
	else
		render_warning(sh, "not quite: the server said %s (%s)", status, m);
}

/* Waits for the lab's replies to the step, then compares them with the
 * lesson's. */
static void settle(struct exercise *x)
{
	struct shell *sh = x->sh;
	if (session_connected(&sh->session))
		wait_replies(sh);
	/* the lesson's server spoke unasked (421 after a silence): wait as long
	 * as the shell waits for a reply */
	long long deadline = wait_clock_ms() + (long long)sh->timeout_s * 1000;
	while (x->got.n < x->want.n && x->want.v[x->got.n].code == 421 &&
	       session_connected(&sh->session) && wait_clock_ms() < deadline) {
		enum smtpsh_err e = wait_step(sh, 200);
		if (e != SMTPSH_OK && e != SMTPSH_ETIMEOUT)
			break;
	}
	judge_quiz(x);
	size_t n = x->want.n > x->got.n ? x->want.n : x->got.n;
	bool told = false;
	for (size_t i = 0; i < n; i++) {
		const struct heard *w = i < x->want.n ? &x->want.v[i] : NULL;
		const struct heard *g = i < x->got.n ? &x->got.v[i] : NULL;
		x->compared += w != NULL;
		if (w && g && w->code == g->code) {
			x->matched++;
			continue;
		}
		if (!told)
			render_warning(sh, "the lab's answer differs from the lesson's:");
		told = true;
		if (w)
			say_reply(x, _("lesson"), w);
		else
			render_warning(sh, "  the lesson has no reply here");
		if (g)
			say_reply(x, _("lab"), g);
		else
			render_warning(sh, "  the lab sent no reply here");
	}
	x->want.n = x->got.n = 0;
}

/* What a command asks the server to do, for the step's instruction. */
static const struct {
	const char *verb;
	const char *what;
} instructions[] = {
    {"EHLO", N_("greet the server with EHLO and a name for your machine")},
    {"HELO", N_("greet the server with HELO and a name for your machine")},
    {"MAIL", N_("name the envelope sender with MAIL FROM:<address>")},
    {"RCPT", N_("name a recipient with RCPT TO:<address>")},
    {"DATA", N_("ask to send the message with DATA")},
    {"QUIT", N_("say goodbye with QUIT")},
    {"RSET", N_("start over with RSET")},
    {"NOOP", N_("check that the server is still there with NOOP")},
    {"STARTTLS", N_("ask to upgrade the connection to TLS with STARTTLS")},
    {"AUTH", N_("start logging in with AUTH and a mechanism")},
    {"CAPA", N_("ask for the server's capabilities with CAPA")},
    {"STLS", N_("ask to upgrade the connection to TLS with STLS")},
    {"USER", N_("say who you are with USER and the user name")},
    {"PASS", N_("give the password with PASS and the lab's password (see above)")},
    {"STAT", N_("ask how many messages wait, and their total size, with STAT")},
    {"LIST", N_("list the messages and their sizes with LIST")},
    {"UIDL", N_("ask for the messages' unique ids with UIDL")},
    {"RETR", N_("retrieve a message with RETR and its number")},
    {"TOP", N_("read a message's headers with TOP, its number and 0")},
    {"DELE", N_("mark a message for deletion with DELE and its number")},
};

/* The instruction for the lesson's line (as recorded, typed form). */
static const char *instruction(const struct exercise *x, const char *line, bool redacted)
{
	enum pstate st = x->expected.state;
	if (st == ST_SMTP_DATA)
		return strcmp(line, ".") ? _("type the next line of the message")
		                         : _("end the message with a lone \".\"");
	if (st == ST_SASL)
		return redacted
		           ? _("answer the challenge with the secret in base64: b64 alone asks "
		               "for it without echo")
		           : _("answer the challenge in base64 (b64 TEXT encodes TEXT)");
	char verb[16] = "";
	sscanf(line, "%15s", verb);
	for (size_t i = 0; i < sizeof(instructions) / sizeof(instructions[0]); i++)
		if (!strcasecmp(verb, instructions[i].verb))
			return _(instructions[i].what);
	return _("type the line the lesson shows");
}

/* "250", "+OK", "-ERR" as a reply code; 0 for anything else. */
static int parse_code(const char *s)
{
	while (*s == ' ')
		s++;
	if (!strncasecmp(s, "+OK", 3))
		return REPLY_POP3_OK;
	if (!strncasecmp(s, "-ERR", 4))
		return REPLY_POP3_ERR;
	int code = atoi(s);
	return code >= 200 && code <= 599 ? code : 0;
}

/* The student's next line: from standard input (--script, or no
 * terminal) or typed at a prompt.  NULL when the input ends. */
static char *next_line(struct exercise *x, const char *prompt)
{
	fflush(x->sh->out);
	return input_question(x->sh, prompt);
}

/* Before sending: "which reply code do you expect?" */
static bool ask_quiz(struct exercise *x)
{
	render_prompt(x->sh, "which reply code do you expect?");
	if (!x->sh->interactive)
		fputc('\n', x->sh->out);
	char *answer = next_line(x, "? ");
	if (!answer)
		return false;
	x->quiz_code = parse_code(answer);
	x->quiz_due = true;
	free(answer);
	return true;
}

/* The message lines not sent since DATA was refused, in one note. */
static void say_skipped(struct exercise *x)
{
	if (x->skipped)
		render_note(x->sh,
		            dngettext(SMTPSH_TEXT_DOMAIN,
		                      "skipped %u line of the message: the lab refused DATA",
		                      "skipped %u lines of the message: the lab refused DATA",
		                      x->skipped),
		            x->skipped);
	x->skipped = 0;
}

/* One of the lesson's S: lines: its instruction, the student's line to
 * the lab, the recorded one to the lesson's side.  False when the
 * exercise stops (the input ended, the connection is gone). */
static bool step(struct exercise *x, struct narration *story, const struct transcript_item *it)
{
	struct shell *sh = x->sh;
	settle(x);
	const char *line = it->bytes.data ? it->bytes.data : "";
	size_t len = it->bytes.len;
	bool data = x->expected.state == ST_SMTP_DATA;
	if (data && len > 1 && line[0] == '.')
		line++, len--; /* recorded stuffed: the typed form */
	x->step++;
	if (data && sh->session.state != ST_SMTP_DATA) {
		/* the lab refused DATA: the message's lines are no commands */
		x->skipped++;
		if (!sh->interactive)
			free(next_line(x, "")); /* the script's line for this step */
		session_send(&x->expected, line, len, 0, NULL);
		return true;
	}
	say_skipped(x);
	if (!session_connected(&sh->session)) {
		render_warning(sh, "the connection is closed: the lesson stops at step %u",
		               x->step);
		return false;
	}
	playback_narrate(sh, story);
	render_note(sh, "step %u: %s", x->step, instruction(x, line, it->redacted));
	char shown[TEXT_SAFE_SIZE(80)];
	render_note(sh, "the lesson typed: %s",
	            text_safe_str(shown, sizeof(shown), line, len > 80 ? 80 : len));
	if (x->o->quiz && !data && !ask_quiz(x))
		return false;
	char prompt[64];
	snprintf(prompt, sizeof(prompt), _("lesson %u, step %u> "), x->info->number, x->step);
	char *typed = next_line(x, prompt);
	if (!typed) {
		render_warning(sh, "the input ended at step %u of the lesson", x->step);
		return false;
	}
	session_send(&x->expected, line, len, it->redacted ? SEND_REDACTED : 0, NULL);
	bool kept = repl_run_line(sh, typed);
	input_free(typed, strlen(typed));
	if (kept && session_connected(&sh->session))
		wait_replies(sh);
	return kept;
}

/* A recorded R: line to the lesson's side. */
static void lesson_reply(struct exercise *x, const struct transcript_item *it)
{
	session_feed(&x->expected, it->bytes.data ? it->bytes.data : "", it->bytes.len, NULL);
	session_feed(&x->expected, it->ending, strlen(it->ending), NULL);
	if (session_tls_due(&x->expected))
		session_start_tls(&x->expected, NULL);
}

/* The lesson's lines, one step per S: line.  True when it ran to its end. */
static bool run_steps(struct exercise *x, struct playback_source *src)
{
	struct narration story;
	narration_init(&story, i18n_language());
	bool done = true;
	unsigned parts = 0;
	for (;;) {
		struct smtpsh_msg why;
		enum smtpsh_err e = transcript_next(&src->r, &src->it, &why);
		if (e == SMTPSH_ECLOSED)
			break;
		if (e != SMTPSH_OK) {
			render_warning(x->sh, "%s: %s", x->info->path, why.text);
			done = e != SMTPSH_EIO;
			if (!done)
				break;
			continue;
		}
		const struct transcript_item *it = &src->it;
		switch (it->kind) {
		case TR_COMMENT:
			if (!narration_add(&story, it))
				narration_clear(&story); /* a block too long for a step */
			break;
		case TR_HEADER: break;
		case TR_RECEIVED: lesson_reply(x, it); break;
		case TR_EVENT: parts += it->event == TRANSCRIPT_EV_CONNECTED; break;
		case TR_SENT: done = step(x, &story, it); break;
		}
		if (!done || parts > 1)
			break; /* the exercise is the first connection */
	}
	if (done) {
		say_skipped(x);
		settle(x);
		playback_narrate(x->sh, &story);
	}
	narration_free(&story);
	return done;
}

/* A message waiting in user's lab mailbox (the lesson reads one), when
 * none is there.  False after saying why. */
static bool leave_message(const char *dir, const char *user)
{
	static const char text[] = "From: alice@localhost\n"
	                           "To: bob@localhost\n"
	                           "Subject: typed by hand\n"
	                           "\n"
	                           "Hello Bob,\n"
	                           "..this line starts with a dot\n"
	                           "Bye.\n";
	static struct lab_store st;
	struct smtpsh_msg why;
	if (lab_store_open(&st, dir, &why) != SMTPSH_OK) {
		fprintf(stderr, _("smtpsh lesson: %s\n"), why.text);
		return false;
	}
	if (lab_store_add_user(&st, user) != SMTPSH_OK) {
		fprintf(stderr, _("smtpsh lesson: cannot make the lab's mailbox for %s\n"), user);
		return false;
	}
	if (lab_store_count(&st, user) > 0)
		return true;
	static struct lab_spool sp;
	const char *users[] = {user};
	struct lab_delivery d = {.spool = &sp, .users = users, .nusers = 1};
	bool ok = lab_spool_begin(&st, &sp) == SMTPSH_OK &&
	          lab_spool_write(&sp, text, sizeof(text) - 1) == SMTPSH_OK;
	if (ok)
		lab_store_commit(&st, &d, 1);
	else
		lab_spool_abort(&sp);
	if (!ok || !d.ok)
		fprintf(stderr, _("smtpsh lesson: cannot leave a message for %s in the lab\n"),
		        user);
	return ok && d.ok;
}

/* The lab's port for the lesson's server: the same service (submission
 * for 587, implicit TLS for 465 and 995) at the lab's port base. */
static unsigned lab_port(const struct target *t, unsigned base)
{
	switch (t->proto) {
	case PROTO_SMTP: return t->tls ? base - 60 : t->port == 587 ? base + 62 : base;
	case PROTO_POP3: return t->tls ? base + 470 : base - 415;
	}
	return base;
}

/* Who the student is in the lab, and the secret to type. */
static void say_user(struct shell *sh, const struct lesson_info *l)
{
	struct lab_users users;
	if (!l->lab_user[0] || lab_users_defaults(&users) != SMTPSH_OK)
		return;
	const struct lab_user *u = lab_users_find(&users, l->lab_user);
	const struct lab_persona *p = l->lab_persona[0] ? lab_persona_find(l->lab_persona) : NULL;
	if (u && p) {
		char address[LAB_NAME_MAX + 64];
		lab_user_address(u, p->domain, address, sizeof(address));
		render_info(sh, "In the lab you are %s; the password is %s and the %s is %s.",
		            address, u->password, _(p->secret_name), u->authcode);
		render_info(sh, "The lab plays %s: it refuses the password as %s does.", p->name,
		            p->name);
	} else if (u) {
		render_info(sh, "In the lab you are %s; the password is %s.", u->name, u->password);
	}
	lab_users_free(&users);
}

/* DIR/lesson-users: the lab's own users and the accounts the lesson
 * names (lab-users: "renping@sina.com, ..."), each with the password
 * LOCALPART-pw as the lab's users have.  NULL after saying why. */
static const char *write_users(const char *dir, const char *extra)
{
	static char path[1200];
	snprintf(path, sizeof(path), "%s/lesson-users", dir);
	struct lab_users users;
	if (lab_users_defaults(&users) != SMTPSH_OK)
		return NULL;
	FILE *f = fopen(path, "w");
	if (f) {
		for (size_t i = 0; i < users.n; i++)
			fprintf(f, "%s:%s:%s:%s\n", users.v[i].name, users.v[i].password,
			        users.v[i].authcode, users.v[i].number);
		char names[sizeof(((struct lesson_info *)0)->lab_users)];
		snprintf(names, sizeof(names), "%s", extra);
		char *save = NULL;
		for (char *w = strtok_r(names, ", ", &save); w; w = strtok_r(NULL, ", ", &save))
			fprintf(f, "%s:%.*s-pw\n", w, (int)strcspn(w, "@"), w);
	}
	lab_users_free(&users);
	if (!f || fclose(f) != 0) {
		fprintf(stderr, _("smtpsh lesson: cannot write %s\n"), path);
		return NULL;
	}
	return path;
}

/* The lab for lesson l in the background, and the shell's target on it.
 * EXIT_OK, or the exit status after saying why. */
static int start_lab(struct shell *sh, const struct lesson_info *l, struct tls_opts *tls)
{
	static char dir[1024], url[128], ca[4200];
	if (!state_dir(dir, sizeof(dir), "lesson-lab")) {
		fputs(_("smtpsh lesson: no HOME or XDG_STATE_HOME to keep the lesson's lab in\n"),
		      stderr);
		return EXIT_CONNECT;
	}
	if (l->lab_mail[0] && !leave_message(dir, l->lab_mail))
		return EXIT_CONNECT;
	struct lab_options lo = {.dir = dir,
	                         .persona = l->lab_persona[0] ? l->lab_persona : NULL,
	                         .domains = l->lab_domains[0] ? l->lab_domains : NULL,
	                         .idle_timeout_s = atol(l->lab_idle_timeout),
	                         .helo_optional = !strcmp(l->lab_helo_required, "no")};
	if (l->lab_users[0] && !(lo.users_file = write_users(dir, l->lab_users)))
		return EXIT_CONNECT;
	struct smtpsh_msg why;
	if (lab_start_background(&lo, url, sizeof(url), ca, sizeof(ca), &why) != SMTPSH_OK) {
		fprintf(stderr, _("smtpsh lesson: cannot start the lab: %s\n"), why.text);
		return EXIT_CONNECT;
	}
	atexit(lab_stop_background);
	*tls = (struct tls_opts){.cafile = ca}; /* the lab's own CA: real verification */
	struct target recorded, lab;
	if (target_parse(l->target[0] ? l->target : "smtp://127.0.0.1", &recorded, NULL) !=
	        SMTPSH_OK ||
	    target_parse(url, &lab, NULL) != SMTPSH_OK) {
		fprintf(stderr, _("smtpsh lesson: lesson %u names no server it was recorded on\n"),
		        l->number);
		return EXIT_USAGE;
	}
	sh->target = lab;
	sh->target.proto = recorded.proto;
	sh->target.tls = recorded.tls;
	sh->target.port = lab_port(&recorded, lab.port);
	return EXIT_OK;
}

/* Lesson l as an exercise on the connected shell. */
static int exercise(struct shell *sh, const struct lesson_options *o, const struct lesson_info *l)
{
	static struct exercise x;
	memset(&x, 0, sizeof(x));
	x.sh = sh;
	x.o = o;
	x.info = l;
	struct playback_source src;
	if (!playback_source_open(&src, l->path, "smtpsh lesson"))
		return EXIT_USAGE;
	struct session_hooks lesson_side = {.ctx = &x, .reply = on_lesson_reply};
	session_init(&x.expected, sh->session.proto, &lesson_side, 1000);
	session_start_offline(&x.expected);
	x.expected.tls = sh->target.tls;
	struct session_hooks lab_side = {.ctx = &x, .reply = on_lab_reply};
	session_subscribe(&sh->session, &lab_side);
	bool done = run_steps(&x, &src);
	if (done)
		render_event(sh,
		             dngettext(SMTPSH_TEXT_DOMAIN,
		                       "lesson complete: %u of %u reply as the lesson expected",
		                       "lesson complete: %u of %u replies as the lesson expected",
		                       x.compared),
		             x.matched, x.compared);
	else
		render_event(sh, "lesson stopped at step %u", x.step);
	session_close(&sh->session);
	session_unsubscribe(&sh->session, &x);
	session_free(&x.expected);
	playback_source_close(&src);
	return done ? EXIT_OK : EXIT_DIVERGED;
}

static int show_index(struct shell *sh, const struct lesson_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		/* the title, the seed and the level come from the lesson's file */
		char title[TEXT_SAFE_SIZE(200)], seed[TEXT_SAFE_SIZE(40)], level[TEXT_SAFE_SIZE(8)];
		const char *t = lesson_title(&v[i]);
		text_safe_str(title, sizeof(title), t, strlen(t));
		text_safe_str(seed, sizeof(seed), v[i].seed, strlen(v[i].seed));
		text_safe_str(level, sizeof(level), v[i].level, strlen(v[i].level));
		fprintf(sh->out, _("%02u  %s  (seed %s, level %s)\n"), v[i].number, title,
		        seed[0] ? seed : "-", level[0] ? level : "-");
	}
	fputs(_("Run one as an exercise against the lab: smtpsh lesson N [--quiz]\n"), sh->out);
	return EXIT_OK;
}

int lesson_run(struct shell *sh, const struct lesson_options *o)
{
	static char dir[4096];
	static struct lesson_info lessons[LESSON_MAX];
	if (!lesson_dir(dir, sizeof(dir))) {
		fputs(_("smtpsh lesson: the lessons are not installed (no transcripts/ beside "
		        "smtpsh)\n"),
		      stderr);
		return EXIT_USAGE;
	}
	size_t n = lesson_list(dir, lessons, LESSON_MAX);
	if (!o->number)
		return show_index(sh, lessons, n);
	char *end;
	unsigned long want = strtoul(o->number, &end, 10);
	const struct lesson_info *l = NULL;
	for (size_t i = 0; i < n && !*end && end != o->number; i++)
		if (lessons[i].number == want)
			l = &lessons[i];
	if (!l) {
		fprintf(stderr, _("smtpsh lesson: no lesson '%s' (smtpsh lesson lists them)\n"),
		        o->number);
		return EXIT_USAGE;
	}
	struct tls_opts tls;
	int rc = start_lab(sh, l, &tls);
	if (rc != EXIT_OK)
		return rc;
	sh->script = stdin;
	sh->interactive = !o->script && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	render_info(sh, "Lesson %u: %s", l->number, lesson_title(l));
	say_user(sh, l);
	struct session_hooks hooks = {0};
	render_init_hooks(sh, &hooks);
	session_init(&sh->session, sh->target.proto, &hooks, sh->timeout_s * 1000);
	sh->session.tls_opts = tls;
	struct smtpsh_msg why;
	if (session_connect(&sh->session, sh->target.host, sh->target.port, sh->family,
	                    sh->target.tls, &why) != SMTPSH_OK) {
		fprintf(stderr, _("smtpsh lesson: %s\n"), why.text);
		session_free(&sh->session);
		return EXIT_CONNECT;
	}
	rc = exercise(sh, o, l);
	message_notes_free(sh);
	session_free(&sh->session);
	return rc;
}
