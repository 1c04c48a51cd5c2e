/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One input path for a terminal and for scripts.  On a terminal,
 * readline's callback interface runs inside a poll() on the terminal and
 * the socket, so that a server's 421 or hang-up shows the moment it
 * happens, above the prompt, and the line being typed is kept. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <openssl/crypto.h>

#include "private_file.h"
#include "i18n.h"
#include "shell.h"
#include "text.h"

static struct shell *the_shell; /* readline callbacks carry no context */
static char *typed_line;        /* set by the readline line handler */
static bool typed_eof;

/* ---- history ----------------------------------------------------------- */

#define HISTORY_KEEP 2000

/* The history file, opened for appending without following a symbolic
 * link planted at its path: it must be a regular file of ours, and is made
 * 0600 whatever it was.  -1 (said once; history off) when it is not. */
static int history_file(struct shell *sh)
{
	struct smtpsh_msg why;
	int fd;
	if (private_file_open(sh->history_path, O_WRONLY | O_APPEND, &fd, &why) == SMTPSH_OK)
		return fd;
	render_warning(sh, "history file %s: %s; no history is kept", sh->history_path, why.text);
	sh->history = false;
	return -1;
}

/* Rewrites the file with the entries kept in memory (the last
 * HISTORY_KEEP): a new private file renamed over the old one. */
static void history_compact(struct shell *sh)
{
	char tmp[sizeof(sh->history_path) + 8];
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", sh->history_path);
	int fd = mkstemp(tmp); /* 0600, O_EXCL */
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return;
	}
	HIST_ENTRY **list = history_list();
	for (int i = 0; list && list[i]; i++)
		fprintf(f, "%s\n", list[i]->line);
	bool ok = fflush(f) == 0 && fsync(fd) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, sh->history_path) != 0)
		unlink(tmp);
}

static void history_open(struct shell *sh)
{
	if (!sh->history)
		return;
	char dir[900];
	if (!state_dir(dir, sizeof(dir), "")) {
		sh->history = false;
		return;
	}
	snprintf(sh->history_path, sizeof(sh->history_path), "%s/history", dir);
	int fd = history_file(sh);
	if (fd < 0)
		return;
	close(fd);
	stifle_history(HISTORY_KEEP);
	read_history(sh->history_path);
	if (history_length >= HISTORY_KEEP)
		history_compact(sh); /* the file may hold more: keep it short */
}

static void history_remember(struct shell *sh, const char *line)
{
	if (!sh->history || !sh->history_path[0] || !*line)
		return;
	HIST_ENTRY *last = history_length ? history_get(history_base + history_length - 1) : NULL;
	if (last && !strcmp(last->line, line))
		return;
	add_history(line);
	/* Appended by us, not by readline's append_history(), which would
	 * follow a link planted at the path since the file was opened. */
	int fd = history_file(sh);
	if (fd < 0)
		return;
	size_t n = strlen(line);
	struct iovec v[2] = {{(void *)line, n}, {"\n", 1}};
	if (writev(fd, v, 2) != (ssize_t)(n + 1))
		render_warning(sh, "history file %s: %s", sh->history_path, strerror(errno));
	close(fd);
}

/* ---- prompt and completion -------------------------------------------- */

static const char *prompt_text(struct shell *sh)
{
	static char p[96];
	const struct session *s = &sh->session;
	if (s->state == ST_SMTP_DATA)
		snprintf(p, sizeof(p), "%s", _("data (end with '.')> "));
	else
		snprintf(p, sizeof(p), "%s%s:%s> ", proto_name(sh->target.proto),
		         s->tls ? (s->tls_info.verified ? "+tls" : "+tls(UNVERIFIED)") : "",
		         session_connected(s) ? proto_state_name(s->state) : "closed");
	return p;
}

static char *complete_gen(const char *text, int state)
{
	static size_t i;
	static size_t h;
	struct shell *sh = the_shell;
	size_t len = strlen(text);
	bool lower = len && text[0] >= 'a' && text[0] <= 'z';
	if (!state)
		i = h = 0;
	struct proto_ctx ctx = session_proto_ctx(&sh->session);
	const struct proto_handler *handler = sh->session.handler;
	while (i < handler->ncmds) {
		const struct proto_cmd *c = &handler->cmds[i++];
		if (strncasecmp(c->verb, text, len))
			continue;
		if (proto_check(&ctx, c->verb, true))
			continue;
		char *r = strdup(c->verb);
		if (r && lower)
			for (char *q = r; *q; q++)
				*q = (char)tolower((unsigned char)*q);
		return r;
	}
	const char *name;
	bool slash;
	while ((name = helpers_name(h++, &slash))) {
		char cand[32];
		snprintf(cand, sizeof(cand), "%s%s", slash || text[0] == '/' ? "/" : "", name);
		if (!strncmp(cand, text, len))
			return strdup(cand);
	}
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	(void)end;
	rl_attempted_completion_over = 1;
	if (start != 0 || the_shell->session.state == ST_SMTP_DATA)
		return NULL;
	return rl_completion_matches(text, complete_gen);
}

static void line_handler(char *line)
{
	if (!line)
		typed_eof = true;
	typed_line = line;
	/* Take the prompt down: processing may ask questions or wait. */
	rl_callback_handler_remove();
	the_shell->rl_active = false;
	input_tty_echo(false); /* what is typed meanwhile waits, unseen, for readline */
}

static void prompt_install(struct shell *sh)
{
	if (sh->rl_active)
		return;
	input_tty_echo(true); /* readline saves this mode and restores it after */
	rl_callback_handler_install(prompt_text(sh), line_handler);
	sh->rl_active = true;
}

/* ---- running one line ---------------------------------------------------- */

static bool confirm(struct shell *sh, const char *warn)
{
	render_warning(sh, "%s", warn);
	if (!sh->interactive) {
		render_warning(sh, "sent anyway (script mode)");
		return true;
	}
	fflush(sh->out);
	char *answer = input_question(sh, _("send it anyway? [y/N] "));
	bool yes = answer && (answer[0] == 'y' || answer[0] == 'Y');
	free(answer);
	return yes;
}

/* Sends one parsed line.  False when sending it lost the connection. */
static bool send_line(struct shell *sh, struct cmdline *c, unsigned flags)
{
	struct session *s = &sh->session;
	if (!session_connected(s)) {
		render_warning(sh, "not connected: /connect to connect again, /exit to leave");
		if (!sh->interactive)
			session_count_error(s);
		return true;
	}
	struct smtpsh_msg why;
	if (session_send_cmdline(s, c, flags, &why) == SMTPSH_OK)
		return true;
	if (!session_connected(s)) /* a lost connection was reported by the session */
		return false;
	render_warning(sh, "%s", why.text);
	return true;
}

/* Whether word names a helper, with or without its slash. */
static bool names_helper(const char *word, size_t n)
{
	const char *name;
	bool slash;
	for (size_t i = 0; (name = helpers_name(i, &slash)); i++)
		if (strlen(name) == n && !strncasecmp(name, word, n))
			return true;
	return false;
}

void repl_data_begin(struct shell *sh)
{
	if (sh->data_checking)
		return;
	data_check_init(&sh->data_check, sh->mail_8bitmime);
	compose_init(&sh->compose);
	sh->data_checking = true;
}

bool repl_send_data_line(struct shell *sh, const char *text, size_t len, bool secret)
{
	repl_data_begin(sh);
	char *line = strndup(text, len); /* a helper's line is a piece of its buffer */
	if (!line) {
		render_warning(sh, "out of memory: the line was not sent");
		return true;
	}
	struct cmdline produced;
	struct data_warning w[DATA_CHECK_MAX_WARNINGS];
	size_t nw = data_check_line(&sh->data_check, line, len, w);
	compose_observe(&sh->compose, line, len);
	cmdline_parse(&produced, line);
	bool kept = send_line(sh, &produced, secret ? SEND_SECRET : 0);
	render_data_warnings(sh, w, nw);
	if (secret)
		OPENSSL_cleanse(line, len);
	free(line);
	if (sh->data_check.ended)
		sh->data_checking = false;
	return kept;
}

/* One line of the message after 354: checked, sent, then its warnings.
 * A leading '/' word that names a helper runs the helper (what it gives
 * is the line; the typing helpers send their lines themselves); "\/TEXT"
 * sends "/TEXT"; everything else is text as typed.  False when sending
 * lost the connection. */
static bool run_data_line(struct shell *sh, const char *line)
{
	struct cmdline typed;
	char *out = NULL;
	size_t out_len = 0;
	bool secret = false;
	const char *text = line;
	if (line[0] == '\\' && line[1] == '/') {
		text = line + 1;
	} else if (line[0] == '/') {
		cmdline_parse_typed(&typed, line, NULL);
		if (names_helper(typed.word, typed.word_len)) {
			repl_data_begin(sh);
			out = helpers_run(sh, &typed, &out_len, &secret);
			if (!out)
				return session_connected(&sh->session);
			text = out;
		}
	}
	bool kept = repl_send_data_line(sh, text, strlen(text), secret);
	if (out) {
		OPENSSL_cleanse(out, out_len);
		free(out);
	}
	return kept;
}

/* Runs one typed or scripted line, parsed once here: every later step
 * (helpers, history, the sequence rules, secrecy, the send) reads the
 * record.  False when sending it lost the connection (the session has
 * said why). */
static bool run_line(struct shell *sh, const char *line)
{
	struct session *s = &sh->session;
	struct cmdline typed;
	if (s->state == ST_SMTP_DATA && session_connected(s))
		return run_data_line(sh, line); /* message text: no rules */
	sh->data_checking = false;
	cmdline_parse_typed(&typed, line, helpers_bare);
	struct cmdline produced, *send = &typed;
	char *out = NULL;
	size_t out_len = 0;
	bool secret = false;
	if (typed.is_helper) {
		out = helpers_run(sh, &typed, &out_len, &secret);
		if (out)
			cmdline_parse(&produced, out);
		send = out ? &produced : NULL;
	}
	if (send) {
		session_classify(s, send);
		if (!strcmp(send->verb, "MAIL")) /* what the DATA checker expects of the body */
			sh->mail_8bitmime = strcasestr(send->arg, "BODY=8BITMIME") != NULL;
	}
	/* The history keeps what was typed unless the line it sends is a
	 * secret: judged on that line, so that \PASS x, /send PASS x and
	 * b64 TEXT answering "Password:" stay out as PASS x does. */
	if (!secret && !(send && send->is_secret))
		history_remember(sh, line);
	bool kept = true;
	const char *warn =
	    typed.is_helper || typed.verbatim ? NULL : session_check_cmdline(s, &typed);
	if (!send) {
		/* a helper that sends nothing */
	} else if (warn && session_connected(s) && !confirm(sh, warn)) {
		render_note(sh, "not sent");
	} else {
		kept = send_line(sh, send, secret ? SEND_SECRET : 0);
	}
	if (out) {
		OPENSSL_cleanse(out, out_len);
		free(out);
	}
	return kept;
}

bool repl_run_line(struct shell *sh, const char *line)
{
	return run_line(sh, line);
}

/* --starttls: greeting, EHLO (or CAPA), STARTTLS (or STLS), EHLO again.
 * Refuses to go on in plaintext when the server does not offer TLS or
 * refuses it: no silent downgrade. */
static bool upgrade_first(struct shell *sh)
{
	struct session *s = &sh->session;
	const struct proto_handler *h = s->handler;
	char hello[300];
	snprintf(hello, sizeof(hello), "%s", h->caps_verb);
	if (h->caps_verb_names_host) {
		char host[256] = "localhost";
		gethostname(host, sizeof(host) - 1);
		snprintf(hello, sizeof(hello), "%s %s", h->caps_verb, host);
	}
	if (wait_replies(sh) != SMTPSH_OK || !session_connected(s))
		return false;
	if (session_send(s, hello, strlen(hello), 0, NULL) != SMTPSH_OK ||
	    wait_replies(sh) != SMTPSH_OK)
		return false;
	const char *cmd = h->tls_verb;
	if (!session_cap(s, cmd)) {
		render_warning(
		    sh, "the server does not offer %s: refusing to go on in plaintext (--starttls)",
		    cmd);
		return false;
	}
	if (session_send(s, cmd, strlen(cmd), 0, NULL) != SMTPSH_OK ||
	    wait_replies(sh) != SMTPSH_OK)
		return false;
	if (!s->tls) {
		if (session_connected(s))
			render_warning(
			    sh,
			    "the server refused %s: refusing to go on in plaintext (--starttls)",
			    cmd);
		return false;
	}
	if (session_send(s, hello, strlen(hello), 0, NULL) != SMTPSH_OK ||
	    wait_replies(sh) != SMTPSH_OK)
		return false;
	return true;
}

/* ---- the two loops ------------------------------------------------------- */

static int exit_status(struct shell *sh)
{
	return sh->session.protocol_errors ? EXIT_PROTOCOL : EXIT_OK;
}

/* What the server said to the script's last line: its first refusal
 * (4xx/5xx, -ERR), and the command it answered, as shown. */
struct script_watch {
	const struct session *s;
	char sent[TEXT_SAFE_SIZE(60)]; /* the last command line, redacted when secret */
	bool refused;
	char reply[REPLY_TEXT_MAX + 32];
};

static void watch_sent(void *ctx, const struct session_sent *sent)
{
	struct script_watch *w = ctx;
	if (!sent->data)
		text_safe_str(w->sent, sizeof(w->sent), sent->shown,
		              sent->shown_len > 60 ? 60 : sent->shown_len);
}

static void watch_reply(void *ctx, const struct reply *r)
{
	struct script_watch *w = ctx;
	bool refusal = r->code == REPLY_POP3_ERR || r->code >= 400;
	if (w->refused || !refusal)
		return;
	w->refused = true;
	char status[16], text[TEXT_SAFE_SIZE(200)];
	w->s->handler->status_text(r->code, status, sizeof(status));
	size_t n = strlen(r->text);
	snprintf(w->reply, sizeof(w->reply), "%s%s%s%s%s", status, r->enhanced[0] ? " " : "",
	         r->enhanced, n ? " " : "",
	         text_safe_str(text, sizeof(text), r->text, n > 200 ? 200 : n));
}

/* DATA was refused: the script's message text up to its lone "." is
 * no command, so it is read and dropped, with one note. */
static void skip_message(struct shell *sh)
{
	unsigned skipped = 0;
	char *line;
	size_t len;
	while ((line = input_script_line(sh, &len))) {
		bool end = len == 1 && line[0] == '.';
		input_free(line, len);
		if (end)
			break;
		skipped++;
	}
	render_note(sh, "skipped %u lines of message text: DATA was refused", skipped);
}

static bool is_data_command(const char *line)
{
	size_t n = strlen(line);
	while (n && line[n - 1] == ' ')
		n--;
	return n == 4 && !strncasecmp(line, "DATA", 4);
}

static int run_script(struct shell *sh)
{
	struct session *s = &sh->session;
	char *line;
	size_t len;
	static struct script_watch watch;
	memset(&watch, 0, sizeof(watch));
	watch.s = s;
	struct session_hooks watch_hooks = {
	    .ctx = &watch, .sent = watch_sent, .reply = watch_reply};
	session_subscribe(s, &watch_hooks);
	/* A timeout has been said (one "!!" line): it ends the run, exit 4. */
	if (wait_replies(sh) == SMTPSH_ETIMEOUT)
		return EXIT_PROTOCOL;
	if (sh->starttls && !upgrade_first(sh)) {
		fputs(_("smtpsh: could not start TLS (--starttls): stopped before sending anything "
		        "else\n"),
		      stderr);
		session_close(s);
		return EXIT_CONNECT;
	}
	while (!sh->quit && (line = input_script_line(sh, &len))) {
		/* Show whatever arrived meanwhile (a 421, a hang-up). */
		while (session_connected(s) && wait_step(sh, 0) == SMTPSH_OK)
			;
		if (!session_connected(s) && line[0] != '/') {
			render_warning(
			    sh, "the connection is closed: the rest of the script is not run");
			session_count_error(s);
			input_free(line, len);
			break;
		}
		unsigned long lineno = input_script_lineno();
		bool data = is_data_command(line);
		watch.refused = false;
		bool sent = run_line(sh, line);
		input_free(line, len);
		if (!sent || wait_replies(sh) == SMTPSH_ETIMEOUT)
			break;
		if (watch.refused && sh->stop_on_error) {
			render_warning(sh, "stopped at script line %lu (-e): %s got %s", lineno,
			               watch.sent, watch.reply);
			session_count_error(s);
			break;
		}
		if (watch.refused && data && s->state != ST_SMTP_DATA)
			skip_message(sh);
	}
	/* After QUIT, let the server close first so its goodbye shows; but
	 * not for longer than 2 s (or -t), however much it still says. */
	if (session_connected(s) && s->quit_sent) {
		long long deadline =
		    wait_clock_ms() + (sh->timeout_s < 2 ? sh->timeout_s * 1000 : 2000);
		long long left;
		while ((left = deadline - wait_clock_ms()) > 0 &&
		       wait_step(sh, (int)left) == SMTPSH_OK)
			;
	}
	session_close(s);
	session_unsubscribe(s, &watch);
	if (input_script_refused())
		return EXIT_USAGE;
	return exit_status(sh);
}

static int run_terminal(struct shell *sh)
{
	struct session *s = &sh->session;
	the_shell = sh;
	rl_readline_name = "smtpsh";
	rl_attempted_completion_function = complete;
	rl_catch_signals = 0;
	input_tty_save();
	input_tty_echo(false); /* until the first prompt: nothing typed ahead shows */
	history_open(sh);
	wait_catch_sigint();

	render_info(
	    sh,
	    "smtpsh: type the protocol; /help lists the helpers, Tab completes, Ctrl-D leaves.");
	wait_replies(sh);
	if (sh->starttls && !upgrade_first(sh)) {
		render_warning(sh, "could not start TLS (--starttls): the connection is closed");
		session_close(s);
		input_tty_echo(true);
		return EXIT_CONNECT;
	}
	while (!sh->quit) {
		if (typed_line || typed_eof) {
			char *line = typed_line;
			typed_line = NULL;
			if (typed_eof) {
				fputc('\n', sh->out);
				break;
			}
			size_t len = strlen(line);
			if (len > SHELL_MAX_LINE)
				render_warning(sh,
				               "that line is %zu bytes long, more than the %d a "
				               "line may have: not sent",
				               len, SHELL_MAX_LINE);
			else if (run_line(sh, line))
				wait_replies(sh);
			input_free(line, len);
			continue;
		}
		prompt_install(sh);
		struct pollfd pfd[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
		                        {.fd = s->conn.fd, .events = POLLIN}};
		int nfds = session_connected(s) ? 2 : 1;
		int r = poll(pfd, (nfds_t)nfds, -1);
		if (r < 0 && errno == EINTR) {
			if (wait_take_sigint()) {
				/* Ctrl-C drops the line being typed, as in a shell. */
				rl_replace_line("", 0);
				fputs("^C\n", rl_outstream);
				rl_on_new_line();
				rl_redisplay();
			}
			continue;
		}
		if (nfds == 2 && pfd[1].revents) {
			wait_step(sh, 0);
			/* The state may have changed (a 421): new prompt. */
			if (sh->rl_active)
				rl_set_prompt(prompt_text(sh)), rl_redisplay();
		}
		if (pfd[0].revents)
			rl_callback_read_char();
	}
	if (sh->rl_active)
		rl_callback_handler_remove();
	input_tty_echo(true);
	session_close(s);
	return EXIT_OK;
}

int repl_run(struct shell *sh)
{
	return sh->interactive ? run_terminal(sh) : run_script(sh);
}
