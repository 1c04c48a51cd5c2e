/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Lines from the person: script lines, questions and secrets, each
 * bounded as a reply line is, and the terminal's echo around them.  Used
 * by the REPL, the helpers and login alike. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <readline/readline.h>
#include <openssl/crypto.h>

#include "i18n.h"
#include "shell.h"

/* ---- bounded input ------------------------------------------------------- */

/* A typed or scripted line is bounded as a reply line is: /dev/zero or a
 * 200 MB line must not be read into memory whole. */
enum input_status { INPUT_LINE, INPUT_END, INPUT_TOO_LONG, INPUT_HAS_NUL, INPUT_NO_MEMORY };

static unsigned long script_lineno; /* lines read from the script so far */
static bool script_refused;         /* a script line was refused: stop, exit 2 */

void input_free(char *p, size_t n)
{
	if (p) {
		OPENSSL_cleanse(p, n);
		free(p);
	}
}

/* Reads one line of at most SHELL_MAX_LINE bytes from f, without its line
 * end (LF or CRLF), into *out (malloc'd, NUL-terminated; the caller wipes
 * and frees it).  Grown by copy, never by realloc, so that a secret
 * leaves no stray copy in freed memory. */
static enum input_status read_line_bounded(FILE *f, char **out, size_t *len)
{
	size_t cap = 128, n = 0;
	char *p = malloc(cap);
	int c;
	bool nul = false;
	*out = NULL;
	*len = 0;
	if (!p)
		return INPUT_NO_MEMORY;
	while ((c = getc(f)) != EOF && c != '\n') {
		if (n == SHELL_MAX_LINE) {
			input_free(p, n);
			return INPUT_TOO_LONG;
		}
		if (n + 1 == cap) {
			size_t bigger = cap * 2 > SHELL_MAX_LINE + 1 ? SHELL_MAX_LINE + 1 : cap * 2;
			char *q = malloc(bigger);
			if (!q) {
				input_free(p, n);
				return INPUT_NO_MEMORY;
			}
			memcpy(q, p, n);
			input_free(p, n);
			p = q;
			cap = bigger;
		}
		nul |= c == '\0';
		p[n++] = (char)c;
	}
	if (c == EOF && n == 0) {
		free(p);
		return INPUT_END;
	}
	while (n > 0 && p[n - 1] == '\r')
		n--;
	p[n] = '\0';
	if (nul) {
		input_free(p, n);
		return INPUT_HAS_NUL;
	}
	*out = p;
	*len = n;
	return INPUT_LINE;
}

/* Reads the next script line; NULL at the end of the script, or after a
 * line that cannot be run (too long, a NUL byte): then it said why on
 * standard error, in one line, and the run stops with EXIT_USAGE. */
unsigned long input_script_lineno(void)
{
	return script_lineno;
}

char *input_script_line(struct shell *sh, size_t *len)
{
	char *line;
	enum input_status st = read_line_bounded(sh->script, &line, len);
	script_lineno += st == INPUT_LINE || st == INPUT_HAS_NUL;
	switch (st) {
	case INPUT_LINE: return line;
	case INPUT_END:
		if (ferror(sh->script))
			fprintf(stderr, _("smtpsh: cannot read the script: %s\n"), strerror(errno));
		return NULL;
	case INPUT_TOO_LONG:
		fprintf(stderr,
		        _("smtpsh: script line %lu is longer than %d bytes: stopped, nothing of it "
		          "was sent\n"),
		        script_lineno + 1, SHELL_MAX_LINE);
		break;
	case INPUT_HAS_NUL:
		fprintf(
		    stderr,
		    _("smtpsh: script line %lu holds a NUL byte: stopped, nothing of it was sent "
		      "(b64 \\0 sends one)\n"),
		    script_lineno);
		break;
	case INPUT_NO_MEMORY: fputs(_("smtpsh: out of memory reading the script\n"), stderr); break;
	}
	script_refused = true;
	sh->quit = true;
	return NULL;
}

/* ---- secrets ----------------------------------------------------------- */

/* Outside readline the terminal is in its ordinary mode, which echoes: a
 * password typed ahead, while a reply is awaited, would show before its
 * no-echo prompt comes up.  So echo is off whenever readline is not
 * reading (readline echoes what it reads itself); the mode found at the
 * start comes back at the end. */
static struct termios tty_original;
static bool tty_saved;

void input_tty_save(void)
{
	tty_saved = tcgetattr(STDIN_FILENO, &tty_original) == 0;
}

void input_tty_echo(bool on)
{
	if (!tty_saved)
		return;
	struct termios t = tty_original;
	if (!on)
		t.c_lflag &= (tcflag_t) ~(ECHO | ECHONL);
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

char *input_secret(struct shell *sh, const char *prompt)
{
	char *line = NULL;
	size_t len;
	if (!sh->interactive)
		return input_script_line(sh, &len); /* script mode: the next line is the secret */
	struct termios old, quiet;
	fputs(prompt, stdout);
	fflush(stdout);
	bool have_tc = tcgetattr(STDIN_FILENO, &old) == 0;
	if (have_tc) {
		quiet = old;
		quiet.c_lflag &= (tcflag_t) ~(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		/* TCSANOW, not TCSAFLUSH: what was typed ahead (never echoed)
		 * is the answer, not thrown away. */
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	enum input_status st = read_line_bounded(stdin, &line, &len);
	if (st == INPUT_TOO_LONG) /* the rest is no command for readline */
		for (int c = getchar(); c != EOF && c != '\n'; c = getchar())
			;
	if (have_tc)
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
	fputc('\n', stdout);
	if (st == INPUT_TOO_LONG || st == INPUT_HAS_NUL) {
		if (st == INPUT_TOO_LONG)
			render_warning(sh, "that is longer than a line may be: not taken");
		else
			render_warning(sh, "that holds a NUL byte: not taken");
	}
	return st == INPUT_LINE ? line : NULL;
}

char *input_question(struct shell *sh, const char *prompt)
{
	size_t len;
	if (sh->interactive)
		return readline(prompt);
	return input_script_line(sh, &len);
}

bool input_script_refused(void)
{
	return script_refused;
}
