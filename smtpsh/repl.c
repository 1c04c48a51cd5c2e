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
#include <termios.h>
#include <unistd.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <openssl/crypto.h>

#include "shell.h"

static volatile sig_atomic_t got_sigint;
static struct shell *the_shell; /* readline callbacks carry no context */
static char *typed_line;        /* set by the readline line handler */
static bool typed_eof;

static void on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
}

/* ---- secrets ----------------------------------------------------------- */

char *repl_read_secret(struct shell *sh, const char *prompt)
{
	char *line = NULL;
	size_t cap = 0;
	if (!sh->interactive) {
		/* Script mode: the next script line is the secret. */
		ssize_t n = getline(&line, &cap, sh->script);
		if (n < 0) {
			free(line);
			return NULL;
		}
		line[strcspn(line, "\r\n")] = '\0';
		return line;
	}
	struct termios old, quiet;
	FILE *tty = stdin;
	fputs(prompt, stdout);
	fflush(stdout);
	bool have_tc = tcgetattr(fileno(tty), &old) == 0;
	if (have_tc) {
		quiet = old;
		quiet.c_lflag &= (tcflag_t)~(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	}
	ssize_t n = getline(&line, &cap, tty);
	if (have_tc)
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', stdout);
	if (n < 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

char *readline_plain(struct shell *sh, const char *prompt)
{
	if (sh->interactive)
		return readline(prompt);
	char *line = NULL;
	size_t cap = 0;
	if (getline(&line, &cap, sh->script) < 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

/* ---- history ----------------------------------------------------------- */

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
	int fd = open(sh->history_path, O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		sh->history = false;
		return;
	}
	fchmod(fd, 0600); /* an older file may have been readable */
	close(fd);
	stifle_history(2000);
	read_history(sh->history_path);
}

static void history_remember(struct shell *sh, const char *line)
{
	if (!sh->history || !*line)
		return;
	HIST_ENTRY *last = history_length ? history_get(history_base + history_length - 1) : NULL;
	if (last && !strcmp(last->line, line))
		return;
	add_history(line);
	append_history(1, sh->history_path);
	history_truncate_file(sh->history_path, 2000);
}

/* ---- prompt and completion -------------------------------------------- */

static const char *prompt_text(struct shell *sh)
{
	static char p[96];
	const struct session *s = &sh->session;
	if (s->state == ST_SMTP_DATA)
		snprintf(p, sizeof(p), "data (end with '.')> ");
	else
		snprintf(p, sizeof(p), "%s%s:%s> ", proto_name(sh->target.proto),
			 s->tls ? (s->tls_info.verified ? "+tls" : "+tls(UNVERIFIED)") : "", session_connected(s) ?
			 proto_state_name(s->state) : "closed");
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
	while (i < proto_cmds_len) {
		const struct proto_cmd *c = &proto_cmds[i++];
		if (c->proto != sh->session.proto || strncasecmp(c->verb, text, len))
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
}

static void prompt_install(struct shell *sh)
{
	if (sh->rl_active)
		return;
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
	char *answer = readline_plain(sh, "send it anyway? [y/N] ");
	bool yes = answer && (answer[0] == 'y' || answer[0] == 'Y');
	free(answer);
	return yes;
}

static void run_line(struct shell *sh, const char *line)
{
	struct session *s = &sh->session;
	char *send = NULL;
	size_t send_len = 0;
	bool secret = false;

	if (s->state != ST_SMTP_DATA || !session_connected(s)) {
		if (helpers_run(sh, line, &send, &send_len, &secret) == HELPER_DONE) {
			if (!send)
				return;
		} else {
			send = strdup(line);
			send_len = strlen(line);
			if (!send)
				return;
			const char *warn = session_check(s, line);
			if (warn && session_connected(s) && !confirm(sh, warn)) {
				render_note(sh, "not sent");
				free(send);
				return;
			}
		}
	} else {
		send = strdup(line);
		send_len = strlen(line);
	}
	if (!send)
		return;
	if (!session_connected(s)) {
		render_warning(sh, "not connected: /connect to connect again, /exit to leave");
		s->protocol_errors += !sh->interactive;
	} else if (session_send(s, send, send_len, secret ? SEND_SECRET : 0) != ERR_OK) {
		render_warning(sh, "%s", s->err);
	}
	OPENSSL_cleanse(send, send_len);
	free(send);
}

/* Waits for every outstanding reply.  Ctrl-C stops waiting (the reply
 * still shows when it comes). */
enum err repl_wait(struct shell *sh)
{
	struct session *s = &sh->session;
	int waited = 0;
	got_sigint = 0;
	while (session_awaiting(s)) {
		enum err e = session_pump(s, 200);
		if (e == ERR_OK) {
			waited = 0;
			continue;
		}
		if (e != ERR_TIMEOUT)
			return e;
		if (got_sigint) {
			render_warning(sh, "stopped waiting; the reply will show when it arrives");
			got_sigint = 0;
			s->npending = 0;
			return ERR_OK;
		}
		waited += 200;
		if (waited >= sh->timeout_s * 1000) {
			s->protocol_errors++;
			render_warning(sh, "no reply to %s within %d s: the server is silent%s",
				       s->pending[0].verb[0] ? s->pending[0].verb : "the connection (greeting)",
				       sh->timeout_s,
				       sh->interactive ? "; still listening (Ctrl-C to stop waiting)" : "");
			if (!sh->interactive)
				return ERR_TIMEOUT;
			waited = -1000000; /* say it once */
		}
	}
	return ERR_OK;
}

/* --starttls: greeting, EHLO (or CAPA), STARTTLS (or STLS), EHLO again.
 * Refuses to go on in plaintext when the server does not offer TLS or
 * refuses it: no silent downgrade. */
static bool upgrade_first(struct shell *sh)
{
	struct session *s = &sh->session;
	bool smtp = s->proto == PROTO_SMTP;
	char hello[300] = "CAPA";
	if (smtp) {
		char host[256] = "localhost";
		gethostname(host, sizeof(host) - 1);
		snprintf(hello, sizeof(hello), "EHLO %s", host);
	}
	if (repl_wait(sh) != ERR_OK || !session_connected(s))
		return false;
	if (session_send(s, hello, strlen(hello), 0) != ERR_OK || repl_wait(sh) != ERR_OK)
		return false;
	if (!session_cap(s, smtp ? "STARTTLS" : "STLS")) {
		render_warning(sh, "the server does not offer %s: refusing to go on in plaintext (--starttls)",
			       smtp ? "STARTTLS" : "STLS");
		return false;
	}
	const char *cmd = smtp ? "STARTTLS" : "STLS";
	if (session_send(s, cmd, strlen(cmd), 0) != ERR_OK || repl_wait(sh) != ERR_OK)
		return false;
	if (!s->tls) {
		if (session_connected(s))
			render_warning(sh, "the server refused %s: refusing to go on in plaintext (--starttls)", cmd);
		return false;
	}
	if (session_send(s, hello, strlen(hello), 0) != ERR_OK || repl_wait(sh) != ERR_OK)
		return false;
	return true;
}

/* ---- the two loops ------------------------------------------------------- */

static int exit_status(struct shell *sh)
{
	return sh->session.protocol_errors ? EXIT_PROTOCOL : EXIT_OK;
}

static int run_script(struct shell *sh)
{
	struct session *s = &sh->session;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	if (repl_wait(sh) == ERR_TIMEOUT) {
		fprintf(stderr, "smtpsh: %s: no greeting within %d s\n", sh->target.host, sh->timeout_s);
		return EXIT_PROTOCOL;
	}
	if (sh->starttls && !upgrade_first(sh)) {
		fprintf(stderr, "smtpsh: could not start TLS (--starttls): stopped before sending anything else\n");
		session_close(s);
		return EXIT_CONNECT;
	}
	while (!sh->quit && (n = getline(&line, &cap, sh->script)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		/* Show whatever arrived meanwhile (a 421, a hang-up). */
		while (session_connected(s) && session_pump(s, 0) == ERR_OK)
			;
		if (!session_connected(s) && line[0] != '/') {
			render_warning(sh, "the connection is closed: the rest of the script is not run");
			s->protocol_errors++;
			break;
		}
		run_line(sh, line);
		if (repl_wait(sh) == ERR_TIMEOUT) {
			fprintf(stderr, "smtpsh: no reply within %d s: the server is silent\n", sh->timeout_s);
			break;
		}
	}
	free(line);
	/* After QUIT, let the server close first so its goodbye shows. */
	if (session_connected(s) && s->quit_sent)
		while (session_pump(s, 2000) == ERR_OK)
			;
	session_close(s);
	return exit_status(sh);
}

static int run_terminal(struct shell *sh)
{
	struct session *s = &sh->session;
	the_shell = sh;
	rl_readline_name = "smtpsh";
	rl_attempted_completion_function = complete;
	rl_catch_signals = 0;
	history_open(sh);
	struct sigaction sa = {0};
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);

	render_info(sh, "smtpsh: type the protocol; /help lists the helpers, Tab completes, Ctrl-D leaves.");
	repl_wait(sh);
	if (sh->starttls && !upgrade_first(sh)) {
		render_warning(sh, "could not start TLS (--starttls): the connection is closed");
		session_close(s);
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
			bool data = s->state == ST_SMTP_DATA;
			bool secret = session_is_secret(s, line) ||
				      (!strncasecmp(line, "b64 ", 4) && s->state == ST_SASL &&
				       session_is_secret(s, "x"));
			if (!data && !secret)
				history_remember(sh, line);
			run_line(sh, line);
			OPENSSL_cleanse(line, strlen(line));
			free(line);
			repl_wait(sh);
			continue;
		}
		prompt_install(sh);
		struct pollfd pfd[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
					{.fd = s->conn.fd, .events = POLLIN}};
		int nfds = session_connected(s) ? 2 : 1;
		int r = poll(pfd, (nfds_t)nfds, -1);
		if (r < 0 && errno == EINTR) {
			if (got_sigint) {
				got_sigint = 0;
				/* Ctrl-C drops the line being typed, as in a shell. */
				rl_replace_line("", 0);
				fputs("^C\n", rl_outstream);
				rl_on_new_line();
				rl_redisplay();
			}
			continue;
		}
		if (nfds == 2 && pfd[1].revents) {
			session_pump(s, 0);
			/* The state may have changed (a 421): new prompt. */
			if (sh->rl_active)
				rl_set_prompt(prompt_text(sh)), rl_redisplay();
		}
		if (pfd[0].revents)
			rl_callback_read_char();
	}
	if (sh->rl_active)
		rl_callback_handler_remove();
	session_close(s);
	return EXIT_OK;
}

int repl_run(struct shell *sh)
{
	return sh->interactive ? run_terminal(sh) : run_script(sh);
}
