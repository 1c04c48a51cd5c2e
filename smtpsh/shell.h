/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The program's shared state: options, the session, how output looks. */
#ifndef SMTPSH_SHELL_H
#define SMTPSH_SHELL_H

#include <stdbool.h>
#include <stdio.h>
#include "data_check.h"
#include "mime/compose.h"
#include "recorder.h"
#include "session.h"
#include "target.h"
#include "transcript.h"

/* Exit statuses (cli.c's table documents them in --help; the man page
 * says the same; cli_exit_status() maps error codes to them). */
enum exit_status {
	EXIT_OK = 0,         /* the session ran and ended (QUIT or end of input) */
	EXIT_LAB_FAILED = 1, /* smtpsh lab: the lab could not start or run */
	EXIT_USAGE = 2,      /* bad command line */
	EXIT_CONNECT = 3,    /* could not connect (unknown host, refused, timeout) */
	EXIT_PROTOCOL = 4,   /* the server broke the protocol, went silent or hung up */
	EXIT_DIVERGED = 5,   /* replay --against / serve: the peer did not follow the transcript */
};

struct render_writer;

struct shell {
	struct target target;
	int family; /* AF_UNSPEC, AF_INET, AF_INET6 */
	int timeout_s;
	bool interactive; /* a terminal: prompt, readline, confirmations */
	bool color;
	bool history; /* keep a history file */
	char history_path[1024];
	FILE *script; /* script input (stdin or -f FILE) */
	FILE *out;
	struct session session;
	bool quit;      /* leave the shell */
	bool rl_active; /* a readline prompt is on the screen */
	/* per-reply notes collected from its lines, printed with the
	 * annotation (bounded) */
	unsigned notes; /* enum reply_line_flag seen in this reply */
	unsigned gb18030_lines;
	unsigned stuffed_lines;
	/* the last complete reply, for helpers that drive a dialogue */
	int last_reply_code;
	char last_reply_text[REPLY_TEXT_MAX];
	const char *password_file;    /* --password-file, for login in scripts */
	bool starttls;                /* --starttls: upgrade right after the greeting */
	struct transcript_writer rec; /* rec.f NULL when not recording */
	struct recorder recorder;     /* writes rec, a session subscriber */
	bool show_secrets;            /* --show-secrets: secrets on screen and on record */
	bool trace;                   /* --trace: state changes on stderr */
	bool stop_on_error;           /* -e: a script stops at the first refusal */
	bool yes;                     /* --yes: replay --against may change a mailbox */
	/* DATA mode: the message being typed, checked line by line */
	bool mail_8bitmime; /* the last MAIL FROM said BODY=8BITMIME */
	bool data_checking; /* data_check holds the current message */
	struct data_check data_check;
	/* POP3: the message a RETR or TOP is retrieving, and the last one
	 * (message_notes.c); NULL until the first */
	struct message_notes *message;
	struct compose compose; /* what the typing helpers (/header, /text...) know */
	/* /attach: base64 lines sent but not echoed as S: lines (a 25 MB file
	 * is 450,000 of them); the transcript still gets every one */
	bool hide_sent;
	unsigned long sent_hidden;
	/* show --html/--markdown: what render.c would print goes here */
	const struct render_writer *writer;
};

/* render.c: everything that reaches the screen about the session */
void render_init_hooks(struct shell *sh, struct session_hooks *h);
void render_event(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void render_warning(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void render_note(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void render_info(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Makes room above a readline prompt, and restores it. */
void render_begin(struct shell *sh);
void render_end(struct shell *sh);
/* How a line looks; render.c maps tones to colours. */
enum render_tone {
	TONE_PLAIN,
	TONE_SENT,   /* a line the client sent */
	TONE_MATCH,  /* serve: a client line as the transcript has it */
	TONE_OK,     /* 2xx, +OK */
	TONE_MORE,   /* 3xx, "+ " */
	TONE_TEMP,   /* 4xx */
	TONE_FAIL,   /* 5xx, -ERR, a line that differs */
	TONE_NOTE,   /* annotations, prompts */
	TONE_EVENT,  /* connection events */
	TONE_WARN,   /* warnings */
	TONE_STRONG, /* a lesson's narration */
};
/* A page writer (show --html, --markdown) in place of the terminal:
 * each line render.c would print, made safe (text_safe()), no colour,
 * no prefix; and from playback.c the parts and connection events. */
enum render_kind {
	RENDER_SENT,      /* an S: line */
	RENDER_RECEIVED,  /* an R: line */
	RENDER_NOTE,      /* an annotation */
	RENDER_WARNING,   /* a warning */
	RENDER_EVENT,     /* a connection event in words */
	RENDER_INFO,      /* local output */
	RENDER_NARRATION, /* a lesson's comment, or another prefixed line */
};
struct render_writer {
	void *ctx;
	void (*line)(void *ctx, enum render_kind kind, enum render_tone tone, const char *text,
	             size_t len);
	/* a recorded event ("tls starttls ...") as safe text */
	void (*band)(void *ctx, enum transcript_event ev, const char *text, size_t len);
	/* a part of the session starts (1, 2... with /connect) */
	void (*part)(void *ctx, unsigned n, enum proto p);
};
/* One side of a compared reply: the reply (a warning line), then its
 * meaning (a note), side padded to columns (replay --against, lesson). */
void render_reply_side(struct shell *sh, const char *side, int columns, int code, const char *verb,
                       const char *enhanced, const char *text);
/* The DATA mode checker's warnings, in words, as warning lines. */
void render_data_warnings(struct shell *sh, const struct data_warning *w, size_t n);
/* prefix, then untrusted bytes made safe (text_safe()), in tone, and a
 * newline. */
void render_line(struct shell *sh, enum render_tone tone, const char *prefix, const char *p,
                 size_t n);
/* A prompt in TONE_NOTE, a space after it, no newline; flushed. */
void render_prompt(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* helpers.c: local commands */
/* Whether a bare word (no '/') names a helper: not one whose name is a
 * protocol verb, or that only makes sense with a slash.  For
 * cmdline_parse_typed(). */
bool helpers_bare(const char *word, size_t n);
/* Runs a line whose record says is_helper.  Returns the line to send
 * (malloc'd, *send_len bytes; *secret when it is one: b64's prompt), or
 * NULL when the helper sends nothing. */
char *helpers_run(struct shell *sh, const struct cmdline *c, size_t *send_len, bool *secret);
/* For completion: the i-th helper name (with its '/' when slash is set),
 * NULL past the end. */
const char *helpers_name(size_t i, bool *needs_slash);

/* message_notes.c: a RETR or TOP message read as it streams */
/* Every received line (render.c's line hook): body lines of a RETR or
 * TOP answer go through the MIME tree and the spool. */
void message_notes_line(struct shell *sh, const struct reply_line *l);
/* The reply was abandoned (an error): the message being read is dropped. */
void message_notes_abandon(struct shell *sh);
/* After the final ".": the tree, text excerpts and problems as notes. */
void message_notes_show(struct shell *sh);
/* The save helper: `save [N] [FILE]`. */
char *message_notes_save(struct shell *sh, const char *args, size_t *len, bool *secret);
void message_notes_free(struct shell *sh);
/* sasl_notes.c: what a sent SASL answer decodes to */
void sasl_notes_sent(struct shell *sh, const struct session_sent *sent);
/* trace_notes.c: the headers a server added to a retrieved message */
struct mime_part;
void trace_notes_show(struct shell *sh, const struct mime_part *top);

/* language.c: the language (--lang, LC_ALL/LC_MESSAGES/LANG) and the
 * catalogue, before anything is said; --lang is read from argv here. */
void i18n_init(int argc, char **argv);
/* Whether a --lang value is one smtpsh speaks (zh, en, zh_CN...). */
bool i18n_lang_valid(const char *value);
/* "zh" or "en": the language gettext gives messages in now (LANGUAGE's
 * first zh or en entry, else the LC_MESSAGES locale); lessons narrate in it. */
const char *i18n_language(void);

/* paths.c: $XDG_STATE_HOME/smtpsh/SUB (or ~/.local/state/...), created
 * with mode 0700; false when there is no home to put it in. */
bool state_dir(char *out, size_t n, const char *sub);

/* mime_cmd.c: `smtpsh mime FILE|- [--json]`; 0, or 2 for an unreadable file */
int mime_cmd_run(const char *path, bool json);
/* mime_cmd.c: s as a JSON string (UTF-8 kept, the rest escaped) */
void put_json_string(FILE *out, const char *s);

/* doctor.c: `smtpsh doctor ADDRESS`; 0 all passed, 1 the account has a
 * problem, 3 the server could not be reached, 2 a usage error */
struct doctor_options {
	const char *server;   /* --server HOST: SMTP and POP3 on it */
	const char *smtp_url; /* --smtp URL, --pop3 URL */
	const char *pop3_url;
	const char *send_to; /* --send-to RCPT: a test message */
	const char *user;    /* --user NAME: log in as NAME, not the address */
	bool json;
	bool verbose; /* the dialogue on standard error */
};
int doctor_run(struct shell *sh, const struct tls_opts *tls, const struct doctor_options *o,
               const char *address);

/* explain_cmd.c: `explain` of a pasted reply, in the shell and offline */
struct diagnose_context;
/* What explain says of text: a pasted reply (with words after its code,
 * or a provider's known words without one) diagnosed: what happened,
 * why, what to do, the source; else what explain_known() knows.  False
 * when nothing was said. */
bool explain_any(struct shell *sh, const char *text, size_t len,
                 const struct diagnose_context *ctx);
/* `smtpsh explain [--provider NAME] [--host HOST] TEXT...|-`: 0 when
 * something was explained, 2 with a one-line error when nothing is known. */
int explain_cmd_run(char **words, int n, const char *provider, const char *host);
/* helpers.c: explain's tables (code, X.Y.Z, keyword, header); whether
 * one knew args.  Says nothing when none did. */
bool explain_known(struct shell *sh, const char *args);

/* playback.c: opens a transcript to read ("-": standard input); NULL after
 * saying why on stderr, after "who: ". */
FILE *playback_open(const char *path, const char *who);
/* playback.c: a transcript being read, item by item. */
struct playback_source {
	FILE *f;
	struct transcript_reader r;
	struct transcript_item it; /* the current item */
};
/* Opens path as playback_open() does and starts reading; false after
 * saying why.  playback_source_close() ends it. */
bool playback_source_open(struct playback_source *src, const char *path, const char *who);
/* Frees the reader and the item; closes the file unless it is stdin. */
void playback_source_close(struct playback_source *src);
/* playback.c: prints a lesson's narration block (the reader's language)
 * and empties it. */
struct narration;
void playback_narrate(struct shell *sh, struct narration *n);
/* playback.c: `show` (step false) and `replay` (step true) */
int playback_run(struct shell *sh, const char *path, bool step);
/* The same on an open transcript (path names it in messages); f is left
 * open.  tests/fuzz/fuzz_show.c drives it with sh->out in memory. */
int playback_file(struct shell *sh, FILE *f, const char *path, bool step);

/* show_html.c: `show --html FILE`, a self-contained page on sh->out;
 * show_markdown.c: `show --markdown FILE`, a Markdown table.  The exit
 * status of show. */
int show_html_run(struct shell *sh, const char *path);
int show_markdown_run(struct shell *sh, const char *path);

/* against.c: replay --against */
int against_run(struct shell *sh, const char *path, bool exact, char **masks, int nmasks);

/* serve.c: a mock server playing a transcript to one client */
int serve_run(struct shell *sh, const char *path, unsigned port, const char *cert, const char *key,
              bool exact);

/* login.c: the one-step login helper */
void login_run(struct shell *sh, const char *args);
/* The password from SMTPSH_PASSWORD, --password-file or the terminal
 * (without echo); NULL after saying why.  The caller wipes and frees it. */
char *login_password(struct shell *sh);

/* repl.c */
int repl_run(struct shell *sh);
/* One typed line (a command, a helper, or message text after 354) run
 * as the shell runs it; false when sending lost the connection. */
bool repl_run_line(struct shell *sh, const char *line);
/* DATA mode: a new message's checker and composer, unless one is open. */
void repl_data_begin(struct shell *sh);
/* One line of the message (no CRLF) checked, observed by the composer,
 * sent as an S: line, then its warnings; false when sending lost the
 * connection. */
bool repl_send_data_line(struct shell *sh, const char *text, size_t len, bool secret);

/* compose_helpers.c: enc, dec and the DATA-mode typing helpers */
char *compose_h_enc(struct shell *sh, const char *args, size_t *len, bool *secret);
char *compose_h_dec(struct shell *sh, const char *args, size_t *len, bool *secret);
char *compose_h_header(struct shell *sh, const char *args, size_t *len, bool *secret);
char *compose_h_date(struct shell *sh, const char *args, size_t *len, bool *secret);
char *compose_h_msgid(struct shell *sh, const char *args, size_t *len, bool *secret);
char *compose_h_multipart(struct shell *sh, const char *args, size_t *len, bool *secret);
char *compose_h_end(struct shell *sh, const char *args, size_t *len, bool *secret);
char *compose_h_text(struct shell *sh, const char *args, size_t *len, bool *secret);
char *compose_h_attach(struct shell *sh, const char *args, size_t *len, bool *secret);
char *compose_h_inline(struct shell *sh, const char *args, size_t *len, bool *secret);

/* input.c: lines from the person, bounded as reply lines are */
#define SHELL_MAX_LINE REPLY_MAX_LINE
/* Asks a question with echo; NULL on EOF.  The caller frees. */
char *input_question(struct shell *sh, const char *prompt);
/* Reads a secret from the terminal without echo (a script: its next
 * line); NULL on EOF.  The caller wipes and frees it (input_free). */
char *input_secret(struct shell *sh, const char *prompt);
/* The next script line (the caller input_free()s it); NULL at the end, or
 * after a line that cannot be run: then it said why and the run stops. */
char *input_script_line(struct shell *sh, size_t *len);
unsigned long input_script_lineno(void); /* the script line read last */
/* A script line was refused: the run exits with EXIT_USAGE. */
bool input_script_refused(void);
void input_free(char *line, size_t len); /* wipes, then frees */
/* The terminal's mode at the start, and echo on or off from it. */
void input_tty_save(void);
void input_tty_echo(bool on);

/* wait.c: waiting for the server */
/* Waits for every outstanding reply (Ctrl-C stops waiting). */
enum smtpsh_err wait_replies(struct shell *sh);
/* One session_pump(), then the TLS upgrade if its reply made one due. */
enum smtpsh_err wait_step(struct shell *sh, int timeout_ms);
void wait_catch_sigint(void);
long long wait_clock_ms(void); /* monotonic */
/* Whether Ctrl-C was pressed since the last call. */
bool wait_take_sigint(void);

#endif
