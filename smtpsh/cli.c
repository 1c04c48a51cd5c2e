/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command line from two tables: the options (getopt_long's array and
 * short-option string, the strict word-by-word parse of show/replay/serve
 * and the option lines of --help are all made from it) and the
 * subcommands (dispatch and the usage lines).  The exit statuses are a
 * third table, printed at the end of --help. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "lesson.h"
#include "i18n.h"
#include "text.h"
#include "lab/lab.h"

#define SMTPSH_VERSION "0.1.0"

/* Which commands take an option. */
enum {
	IN_SHELL = 1 << 0,    /* the shell, and replay --against */
	IN_PLAYBACK = 1 << 1, /* show, replay */
	IN_SERVE = 1 << 2,
	IN_LAB = 1 << 3,
	IN_MIME = 1 << 4,
	IN_DOCTOR = 1 << 5,
	IN_EXPLAIN = 1 << 6,
	IN_LESSON = 1 << 7,
};

enum cli_kind {
	SET_TRUE,     /* the bool at field becomes true */
	SET_TEXT,     /* the const char * at field becomes the argument */
	SET_NUMBER,   /* the long at field becomes the argument, within range */
	SET_CALL,     /* set() decides */
	SHOW_HELP,    /* print the command's help, stop */
	SHOW_VERSION, /* print the version, stop */
};

struct cli_option {
	const char *name;  /* --name; NULL for a letter alone (-4) */
	char letter;       /* -x, or 0 */
	const char *arg;   /* the argument's name; NULL: takes none */
	bool joined;       /* strict parse: written --name=ARG, not --name ARG */
	unsigned commands; /* IN_* */
	const char *label; /* the help's left column when not made from the above */
	/* the help text ("\n" between lines); NULL: not listed.  A printf
	 * format given the lab's lowest and highest port base. */
	const char *help;
	enum cli_kind kind;
	size_t field; /* offsetof(struct cli_options, ...) for SET_TRUE, SET_TEXT, SET_NUMBER */
	/* SET_CALL: SMTPSH_EINVAL with msg when arg will not do */
	enum smtpsh_err (*set)(struct cli_options *o, const struct cli_option *opt, const char *arg,
	                       struct smtpsh_msg *msg);
	const struct cli_range *range; /* SET_NUMBER */
};

/* A number an option takes, into the long at the option's field. */
struct cli_range {
	long lo, hi;
	bool digits_only; /* "+5", " 5" refused too (the lab's own options take them) */
	const char *bad;  /* what to say, a printf format given the argument */
};

static const struct cli_range timeout_range = {
    1, 3600, true, N_("--timeout wants seconds from 1 to 3600, not '%s'")};
static const struct cli_range port_range = {
    0, 65535, true, N_("bad port '%s': a number from 0 (any free port) to 65535")};
static const struct cli_range idle_range = {1, 1000000, false,
                                            N_("--idle-timeout takes a positive number")};
static const struct cli_range line_range = {1, 1000000, false,
                                            N_("--line-timeout takes a positive number")};
static const struct cli_range class_range = {1, 500, true,
                                             N_("--class takes 1 to 500 students, not '%s'")};
static const struct cli_range connections_range = {1, 1000000, false,
                                                   N_("--max-connections takes a positive number")};

static bool in_range(const char *s, const struct cli_range *r, long *v)
{
	char *end;
	errno = 0;
	*v = strtol(s, &end, 10);
	bool written = r->digits_only ? isdigit((unsigned char)s[0]) && !errno : *s;
	return written && !*end && *v >= r->lo && *v <= r->hi;
}

static enum smtpsh_err set_family(struct cli_options *o, const struct cli_option *opt,
                                  const char *arg, struct smtpsh_msg *msg)
{
	(void)arg;
	int family = opt->letter == '4' ? AF_INET : AF_INET6;
	if (o->sh.family != AF_UNSPEC && o->sh.family != family)
		return smtpsh_fail(msg, SMTPSH_EINVAL,
		                   "-4 and -6 exclude each other (give neither to use both)");
	o->sh.family = family;
	return SMTPSH_OK;
}

static enum smtpsh_err set_mask(struct cli_options *o, const struct cli_option *opt,
                                const char *arg, struct smtpsh_msg *msg)
{
	(void)opt;
	if (o->nmasks == MASK_MAX)
		return smtpsh_fail(msg, SMTPSH_EINVAL, "at most %d --mask", MASK_MAX);
	o->masks[o->nmasks++] = (char *)arg;
	return SMTPSH_OK;
}

/* --lang was applied by i18n_init() before parsing: only checked here. */
static enum smtpsh_err set_lang(struct cli_options *o, const struct cli_option *opt,
                                const char *arg, struct smtpsh_msg *msg)
{
	(void)o, (void)opt;
	if (!i18n_lang_valid(arg))
		return smtpsh_fail(msg, SMTPSH_EINVAL, "--lang takes zh or en, not '%s'", arg);
	return SMTPSH_OK;
}

static enum smtpsh_err set_all_exchanges(struct cli_options *o, const struct cli_option *opt,
                                         const char *arg, struct smtpsh_msg *msg)
{
	(void)opt, (void)arg, (void)msg;
	o->step = false;
	return SMTPSH_OK;
}

static enum smtpsh_err set_port_base(struct cli_options *o, const struct cli_option *opt,
                                     const char *arg, struct smtpsh_msg *msg)
{
	(void)opt;
	char *end;
	unsigned long v = strtoul(arg, &end, 10);
	if (!*arg || *end || v < lab_port_base_min() || v > lab_port_base_max())
		return smtpsh_fail(msg, SMTPSH_EINVAL, "--port-base takes a number from %u to %u",
		                   lab_port_base_min(), lab_port_base_max());
	o->lab_opts.port_base = (unsigned)v;
	return SMTPSH_OK;
}

#define FIELD(f) offsetof(struct cli_options, f)

/* Every option of every command, in --help's order. */
static const struct cli_option options[] = {
    {NULL, '4', NULL, false, IN_SHELL | IN_DOCTOR, "-4, -6", N_("use IPv4 / IPv6 only"), SET_CALL,
     0, set_family, NULL},
    {NULL, '6', NULL, false, IN_SHELL | IN_DOCTOR, NULL, NULL, SET_CALL, 0, set_family, NULL},
    {"timeout", 't', "SECS", false, IN_SHELL | IN_DOCTOR, NULL,
     N_("connect and reply timeout (default 30)"), SET_NUMBER, FIELD(timeout_s), NULL,
     &timeout_range},
    {"file", 'f', "FILE", false, IN_SHELL, NULL,
     N_("run the lines of FILE as if typed (script mode)"), SET_TEXT, FIELD(script), NULL, NULL},
    {"stop-on-error", 'e', NULL, false, IN_SHELL, NULL,
     N_("script mode: stop at the first unexpected 4xx/5xx or -ERR (exit 4)"), SET_TRUE,
     FIELD(sh.stop_on_error), NULL, NULL},
    {"yes", 0, NULL, false, IN_SHELL, NULL,
     N_("replay --against: send DELE, and DATA to a server that is\n"
        "not the lab, without asking"),
     SET_TRUE, FIELD(sh.yes), NULL, NULL},
    {"tls", 0, NULL, false, IN_SHELL, NULL, N_("implicit TLS on any port"), SET_TRUE,
     FIELD(force_tls), NULL, NULL},
    {"starttls", 0, NULL, false, IN_SHELL, NULL,
     N_("EHLO/CAPA, STARTTLS/STLS and EHLO again right after the\n"
        "greeting; never goes on in plaintext"),
     SET_TRUE, FIELD(sh.starttls), NULL, NULL},
    {"cafile", 0, "FILE", false, IN_SHELL | IN_DOCTOR, NULL,
     N_("trust the CAs in FILE (PEM) instead of the system's"), SET_TEXT, FIELD(tls.cafile), NULL,
     NULL},
    {"capath", 0, "DIR", false, IN_SHELL | IN_DOCTOR, NULL,
     N_("trust the CAs in DIR (hashed, c_rehash)"), SET_TEXT, FIELD(tls.capath), NULL, NULL},
    {"insecure", 0, NULL, false, IN_SHELL | IN_DOCTOR, NULL,
     N_("go on when the certificate does not verify (warned)"), SET_TRUE, FIELD(tls.insecure), NULL,
     NULL},
    {"password-file", 0, "FILE", false, IN_SHELL | IN_DOCTOR, NULL,
     N_("password for the login helper (mode 600 or stricter);\n"
        "or set SMTPSH_PASSWORD (SMTPSH_OAUTH_TOKEN for XOAUTH2)"),
     SET_TEXT, FIELD(sh.password_file), NULL, NULL},
    {"record", 0, "FILE", false, IN_SHELL, NULL,
     N_("write the transcript to FILE (default: a new file under\n"
        "$XDG_STATE_HOME/smtpsh/transcripts/)"),
     SET_TEXT, FIELD(record), NULL, NULL},
    {"no-record", 0, NULL, false, IN_SHELL, NULL, N_("do not write a transcript"), SET_TRUE,
     FIELD(no_record), NULL, NULL},
    {"timestamps", 0, NULL, false, IN_SHELL, NULL, N_("add relative times to the transcript"),
     SET_TRUE, FIELD(timestamps), NULL, NULL},
    {"show-secrets", 0, NULL, false, IN_SHELL | IN_PLAYBACK, NULL,
     N_("show passwords and their base64 on screen and on record"), SET_TRUE,
     FIELD(sh.show_secrets), NULL, NULL},
    {"trace", 0, NULL, false, IN_SHELL, NULL,
     N_("print each state change on standard error\n"
        "(-- trace: smtp: mail -> rcpt (250 to RCPT)); never recorded"),
     SET_TRUE, FIELD(sh.trace), NULL, NULL},
    {"color", 0, "WHEN", true, IN_SHELL | IN_PLAYBACK, NULL,
     N_("auto (default), always, never; NO_COLOR is honoured"), SET_TEXT, FIELD(color), NULL, NULL},
    {"colour", 0, "WHEN", true, IN_SHELL, NULL, NULL, SET_TEXT, FIELD(color), NULL, NULL},
    {"no-history", 0, NULL, false, IN_SHELL, NULL, N_("do not read or write the history file"),
     SET_TRUE, FIELD(no_history), NULL, NULL},
    {"lab", 0, NULL, false, IN_SHELL, NULL,
     N_("start the built-in practice server and connect to it"), SET_TRUE, FIELD(lab), NULL, NULL},
    {"persona", 0, "NAME", false, IN_SHELL, NULL,
     N_("with --lab: behave like qq, 163, gmail, outlook, yahoo or icloud (NAME:smtp-off, "
        ":pop3-off, "
        ":tenant-auth-off)"),
     SET_TEXT, FIELD(lab_opts.persona), NULL, NULL},
    {"against", 0, "URL", false, IN_SHELL, NULL, NULL, SET_TEXT, FIELD(against_url), NULL, NULL},
    {"exact", 0, NULL, false, IN_SHELL | IN_SERVE, NULL, NULL, SET_TRUE, FIELD(exact), NULL, NULL},
    {"mask", 0, "REGEX", false, IN_SHELL, NULL, NULL, SET_CALL, 0, set_mask, NULL},
    {"lang", 0, "zh|en", false,
     IN_SHELL | IN_PLAYBACK | IN_SERVE | IN_LAB | IN_MIME | IN_DOCTOR | IN_EXPLAIN | IN_LESSON,
     NULL,
     N_("the language of what smtpsh says (default: LC_ALL, LC_MESSAGES, LANG);\n"
        "protocol text is never translated"),
     SET_CALL, 0, set_lang, NULL},
    {"help", 'h', NULL, false, IN_SHELL, NULL, N_("this text"), SHOW_HELP, 0, NULL, NULL},
    {"version", 'V', NULL, false, IN_SHELL, NULL, N_("version"), SHOW_VERSION, 0, NULL, NULL},
    /* show, replay */
    {"all", 0, NULL, false, IN_PLAYBACK, NULL, NULL, SET_CALL, 0, set_all_exchanges, NULL},
    {"html", 0, NULL, false, IN_PLAYBACK, NULL, NULL, SET_TRUE, FIELD(html), NULL, NULL},
    {"markdown", 0, NULL, false, IN_PLAYBACK, NULL, NULL, SET_TRUE, FIELD(markdown), NULL, NULL},
    /* mime */
    {"json", 0, NULL, false, IN_MIME, NULL, NULL, SET_TRUE, FIELD(mime_json), NULL, NULL},
    /* explain */
    {"provider", 0, "NAME", false, IN_EXPLAIN, NULL, NULL, SET_TEXT, FIELD(explain_provider), NULL,
     NULL},
    {"host", 0, "HOST", false, IN_EXPLAIN, NULL, NULL, SET_TEXT, FIELD(explain_host), NULL, NULL},
    /* serve */
    {"port", 0, "N", false, IN_SERVE, NULL, NULL, SET_NUMBER, FIELD(port), NULL, &port_range},
    {"cert", 0, "F", false, IN_SERVE, NULL, NULL, SET_TEXT, FIELD(cert), NULL, NULL},
    {"key", 0, "F", false, IN_SERVE, NULL, NULL, SET_TEXT, FIELD(key), NULL, NULL},
    {"timeout", 0, "S", false, IN_SERVE, NULL, NULL, SET_NUMBER, FIELD(timeout_s), NULL,
     &timeout_range},
    /* smtpsh lab */
    {"dir", 0, "DIR", false, IN_LAB, NULL,
     N_("mailboxes, certificates and lab.log (default\n"
        "$XDG_DATA_HOME/smtpsh/lab, or ~/.local/share/smtpsh/lab)"),
     SET_TEXT, FIELD(lab_opts.dir), NULL, NULL},
    {"users", 0, "FILE", false, IN_LAB, NULL,
     N_("one name:password[:authcode] per line (default alice, bob)"), SET_TEXT,
     FIELD(lab_opts.users_file), NULL, NULL},
    {"port-base", 0, "N", false, IN_LAB, NULL,
     N_("smtp N, submission N+62, smtps N-60, pop3 N-415, pop3s N+470\n"
        "(default 2525: 2525, 2587, 2465, 2110, 2995; N in %u..%u)"),
     SET_CALL, 0, set_port_base, NULL},
    {"persona", 0, "NAME", false, IN_LAB, NULL,
     N_("qq, 163, gmail or outlook: only the authcode logs in, the\n"
        "password gets that provider's refusal"),
     SET_TEXT, FIELD(lab_opts.persona), NULL, NULL},
    {"faults", 0, "SPEC", false, IN_LAB, NULL,
     N_("e.g. 'seed=7,451@RCPT:30%%,421:5%%,slow=2000@DATA,drop@MAIL:10%%,454@AUTH'"), SET_TEXT,
     FIELD(lab_opts.faults), NULL, NULL},
    {"idle-timeout", 0, "S", false, IN_LAB, NULL,
     N_("seconds of silence before 421 / -ERR (default 300)"), SET_NUMBER,
     FIELD(lab_opts.idle_timeout_s), NULL, &idle_range},
    {"line-timeout", 0, "S", false, IN_LAB, NULL,
     N_("seconds to finish a started line or TLS handshake (default 60)"), SET_NUMBER,
     FIELD(lab_opts.line_timeout_s), NULL, &line_range},
    {"max-connections", 0, "N", false, IN_LAB, NULL, N_("(default 4000)"), SET_NUMBER,
     FIELD(lab_opts.max_connections), NULL, &connections_range},
    {"quiet", 0, NULL, false, IN_LAB, NULL,
     N_("the annotated log only in DIR/lab.log, not on the terminal"), SET_TRUE,
     FIELD(lab_opts.quiet), NULL, NULL},
    {"trace", 0, NULL, false, IN_LAB, NULL,
     N_("print each session's state changes on standard error\n"
        "(-- trace: lab smtp #3: ready -> mail (250 to MAIL)); never logged"),
     SET_TRUE, FIELD(lab_opts.trace), NULL, NULL},
    {"listen", 0, "ADDR", false, IN_LAB, NULL,
     N_("listen on this IPv4 or IPv6 address instead of loopback; beyond\n"
        "loopback every login needs TLS first"),
     SET_TEXT, FIELD(lab_opts.listen), NULL, NULL},
    {"class", 0, "N", false, IN_LAB, NULL,
     N_("make N student accounts (1..500) with random passwords and\n"
        "authorization codes into DIR/class.txt (mode 0600) and use them"),
     SET_NUMBER, FIELD(lab_opts.class_size), NULL, &class_range},
    {"domains", 0, "LIST", false, IN_LAB, NULL,
     N_("more domains the lab plays, e.g. sohu.com,sina.com: mail to\n"
        "them stays here; users may be per domain (bob@sina.com)"),
     SET_TEXT, FIELD(lab_opts.domains), NULL, NULL},
    {"force", 0, NULL, false, IN_LAB, NULL, N_("--class may replace an existing DIR/class.txt"),
     SET_TRUE, FIELD(lab_opts.force), NULL, NULL},
    {"help", 'h', NULL, false, IN_LAB, NULL, NULL, SHOW_HELP, 0, NULL, NULL},
    /* smtpsh doctor */
    {"server", 0, "HOST", false, IN_DOCTOR, NULL,
     N_("check SMTP (465, 587, 25) and POP3 (995, 110) on HOST"), SET_TEXT, FIELD(doctor.server),
     NULL, NULL},
    {"smtp", 0, "URL", false, IN_DOCTOR, NULL,
     N_("the SMTP server: smtps://HOST:465, smtp://HOST:587 (STARTTLS)"), SET_TEXT,
     FIELD(doctor.smtp_url), NULL, NULL},
    {"pop3", 0, "URL", false, IN_DOCTOR, NULL,
     N_("the POP3 server: pop3s://HOST:995, pop3://HOST:110 (STLS)"), SET_TEXT,
     FIELD(doctor.pop3_url), NULL, NULL},
    {"user", 0, "NAME", false, IN_DOCTOR, NULL, N_("log in as NAME (default: the address)"),
     SET_TEXT, FIELD(doctor.user), NULL, NULL},
    {"send-to", 0, "RCPT", false, IN_DOCTOR, NULL,
     N_("send a short test message to RCPT (default: nothing is sent)"), SET_TEXT,
     FIELD(doctor.send_to), NULL, NULL},
    {"json", 0, NULL, false, IN_DOCTOR, NULL,
     N_("the steps as JSON (name, ok, detail, cause, fix, source)"), SET_TRUE, FIELD(doctor.json),
     NULL, NULL},
    {"verbose", 'v', NULL, false, IN_DOCTOR, NULL, N_("the dialogue on standard error"), SET_TRUE,
     FIELD(doctor.verbose), NULL, NULL},
    {"help", 'h', NULL, false, IN_DOCTOR, NULL, N_("this text"), SHOW_HELP, 0, NULL, NULL},
    /* smtpsh lesson */
    {"quiz", 0, NULL, false, IN_LESSON, NULL, NULL, SET_TRUE, FIELD(lesson.quiz), NULL, NULL},
    {"script", 0, NULL, false, IN_LESSON, NULL, NULL, SET_TRUE, FIELD(lesson.script), NULL, NULL},
    {"color", 0, "WHEN", true, IN_LESSON, NULL, NULL, SET_TEXT, FIELD(color), NULL, NULL},
    {"help", 'h', NULL, false, IN_LESSON, NULL, NULL, SHOW_HELP, 0, NULL, NULL},
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

/* ---- the exit statuses ---- */

static const struct {
	enum exit_status status;
	const char *meaning; /* "\n" between lines */
} exit_statuses[] = {
    {EXIT_OK, N_("the session ran and ended (QUIT or end of input)")},
    {EXIT_LAB_FAILED, N_("smtpsh lab: the lab could not start (ports in use, store unwritable)")},
    {EXIT_USAGE, N_("bad command line, a script line too long or with a NUL, an unreadable "
                    "transcript;\n"
                    "serve: a certificate that does not load, a port it cannot listen on;\n"
                    "smtpsh lab: a bad --users file, --persona or --faults")},
    {EXIT_CONNECT, N_("connection failure: unknown host, refused, connect timeout;\n"
                      "TLS handshake or certificate (also --starttls); --lab: the lab could "
                      "not start")},
    {EXIT_PROTOCOL, N_("protocol failure: malformed reply, no reply in time, hang-up, a failed "
                       "write;\n"
                       "show, replay: too many malformed lines; serve: no client, or it hung up")},
    {EXIT_DIVERGED, N_("replay --against / serve: the peer did not follow the transcript")},
};

int cli_exit_status(enum cli_stage stage, enum smtpsh_err code)
{
	if (code == SMTPSH_OK)
		return EXIT_OK;
	switch (stage) {
	case CLI_STAGE_COMMAND_LINE: return EXIT_USAGE;
	case CLI_STAGE_LAB: return code == SMTPSH_EINVAL ? EXIT_USAGE : EXIT_LAB_FAILED;
	case CLI_STAGE_CONNECT: return EXIT_CONNECT;
	}
	return EXIT_USAGE;
}

/* ---- the commands ---- */

static int run_shell(struct cli_options *o);
static int run_lab(struct cli_options *o);
static int run_playback(struct cli_options *o);
static int run_serve(struct cli_options *o);
static int run_mime(struct cli_options *o);
static int run_doctor(struct cli_options *o);
static int run_explain(struct cli_options *o);
static int run_lesson(struct cli_options *o);

enum {
	CMD_SHELL,
	CMD_SHELL_LAB,
	CMD_LAB,
	CMD_SHOW,
	CMD_REPLAY,
	CMD_SERVE,
	CMD_MIME,
	CMD_EXPLAIN,
	CMD_AGAINST,
	CMD_DOCTOR,
	CMD_LESSON
};

struct cli_command {
	const char *word;     /* argv[1] naming it; NULL: no word of its own */
	const char *synopsis; /* a usage line */
	const char *summary;  /* what it does ("\n" between lines), or NULL */
	unsigned options;     /* IN_*: the options it takes */
	const char *prefix;   /* how its messages start */
	int (*run)(struct cli_options *o);
	bool strict;       /* exact words, no getopt (show, replay, serve) */
	const char *usage; /* strict: the usage line after a bad word */
	const char *which; /* strict: what to say when FILE is missing */
	bool stdin_ok;     /* strict: "-" is a FILE (standard input) */
	bool text_words;   /* strict: every other word is text, "-ERR" too (explain) */
};

/* In the usage lines' order. */
static const struct cli_command commands[] = {
    [CMD_SHELL] = {NULL, "smtpsh [options] TARGET", NULL, IN_SHELL, "smtpsh", run_shell},
    [CMD_SHELL_LAB] = {NULL, "smtpsh --lab [options]",
                       N_("the built-in practice server, and a shell on it"), IN_SHELL, "smtpsh",
                       run_shell},
    [CMD_LAB] = {"lab",
                 "smtpsh lab [--dir DIR] [--users FILE] [--port-base N] [--persona NAME] "
                 "[--faults SPEC] [--listen ADDR] [--class N [--force]] [--domains LIST]",
                 N_("run the practice server in the foreground"), IN_LAB, "smtpsh lab", run_lab},
    [CMD_SHOW] =
        {"show", "smtpsh show [--html|--markdown] FILE",
         N_("a transcript, annotated (--html: a page, --markdown:\na table, for a report)"),
         IN_PLAYBACK, "smtpsh show", run_playback, true,
         "smtpsh show [--color=WHEN|--html|--markdown] FILE | smtpsh replay [--all] FILE",
         N_("which transcript? (a file, or - for standard input)"), true},
    [CMD_REPLAY] =
        {"replay", "smtpsh replay [--all] FILE", N_("one exchange at a time (Enter)"), IN_PLAYBACK,
         "smtpsh replay", run_playback, true,
         "smtpsh show [--color=WHEN|--html|--markdown] FILE | smtpsh replay [--all] FILE",
         N_("which transcript? (a file, or - for standard input)"), true},
    [CMD_SERVE] = {"serve",
                   "smtpsh serve FILE [--port N] [--cert F [--key F]] [--exact] "
                   "[--timeout S]",
                   N_("a mock server playing FILE's R: side to one\n"
                      "client on 127.0.0.1 (exit 5 if it strays;\n"
                      "--port 0: any free port, said on the first line)"),
                   IN_SERVE, "smtpsh serve", run_serve, true,
                   "smtpsh serve FILE [--port N] [--cert F [--key F]] [--exact] [--timeout S]",
                   N_("which transcript?"), false},
    [CMD_MIME] = {"mime", "smtpsh mime [--json] FILE",
                  N_("a message's MIME tree, encoded words\n"
                     "decoded, its problems (--json: for scripts)"),
                  IN_MIME, "smtpsh mime", run_mime, true, "smtpsh mime [--json] FILE",
                  N_("which message? (a file, or - for standard input)"), true},
    [CMD_EXPLAIN] = {"explain", "smtpsh explain [--provider NAME] [--host HOST] TEXT...",
                     N_("what a pasted reply means, why, what to do;\n"
                        "a code, X.Y.Z, extension or header too\n"
                        "(no TEXT or -: standard input)"),
                     IN_EXPLAIN, "smtpsh explain", run_explain, true,
                     "smtpsh explain [--provider NAME] [--host HOST] TEXT...|-", NULL, true, true},
    [CMD_AGAINST] = {NULL,
                     "smtpsh replay --against TARGET [--exact] [--mask REGEX]... [options] FILE",
                     N_("send FILE's S: lines to a live server and\n"
                        "compare its replies (exit 5 when they differ;\n"
                        "redacted lines: SMTPSH_SECRET_1, _2, ...)"),
                     IN_SHELL, "smtpsh", run_shell},
    [CMD_DOCTOR] = {"doctor", "smtpsh doctor [options] ADDRESS",
                    N_("check a mail account end to end: what\n"
                       "fails, why, what to do (exit 0, 1, 3)"),
                    IN_DOCTOR, "smtpsh doctor", run_doctor},
    [CMD_LESSON] = {"lesson", "smtpsh lesson [N [--quiz] [--script]]",
                    N_("the lessons; lesson N as an exercise\n"
                       "against the lab (--quiz: guess each reply\n"
                       "code first; --script: lines from stdin)"),
                    IN_LESSON, "smtpsh lesson", run_lesson},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* `replay --against URL FILE` takes the shell's own options, before or
 * after the word replay; where the word is (0: not there). */
static int against_form(int argc, char **argv)
{
	bool against = false;
	int replay_at = 0;
	for (int i = 1; i < argc; i++) {
		against |= !strncmp(argv[i], "--against", 9);
		if (!replay_at && !strcmp(argv[i], "replay"))
			replay_at = i;
	}
	return against ? replay_at : 0;
}

const struct cli_command *cli_command_for(int argc, char **argv)
{
	bool against = against_form(argc, argv) > 0;
	for (size_t i = 0; i < N_COMMANDS && argc > 1; i++) {
		const struct cli_command *c = &commands[i];
		if (c->word && !strcmp(argv[1], c->word) && !(i == CMD_REPLAY && against))
			return c;
	}
	return &commands[against ? CMD_AGAINST : CMD_SHELL];
}

int cli_command_run(const struct cli_command *cmd, struct cli_options *o)
{
	return cmd->run(o);
}

/* ---- help ---- */

/* Lines of text ("\n" between them), every line after the first indented
 * to column; each line a format given the lab's port-base range. */
static void print_lines(FILE *f, const char *text, int column)
{
	text = _(text);
	for (const char *line = text; line;) {
		const char *nl = strchr(line, '\n');
		char fmt[200];
		snprintf(fmt, sizeof(fmt), "%.*s", nl ? (int)(nl - line) : (int)strlen(line), line);
		if (line != text)
			fprintf(f, "%*s", column, "");
		fprintf(f, fmt, lab_port_base_min(), lab_port_base_max());
		fputc('\n', f);
		line = nl ? nl + 1 : NULL;
	}
}

/* The option lines of the commands in `commands`: the help at column
 * (two spaces after a longer left column). */
static void print_options(FILE *f, unsigned commands_mask, bool letters, int column)
{
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct cli_option *opt = &options[i];
		if (!(opt->commands & commands_mask) || !opt->help)
			continue;
		char letter[8] = "";
		if (letters)
			snprintf(letter, sizeof(letter), opt->letter ? "-%c, " : "    ",
			         opt->letter);
		char left[80];
		if (opt->label)
			snprintf(left, sizeof(left), "  %s", opt->label);
		else
			snprintf(left, sizeof(left), "  %s--%s%s%s", letter, opt->name,
			         opt->arg ? (opt->joined ? "=" : " ") : "",
			         opt->arg ? opt->arg : "");
		int len = (int)text_width(left);
		fprintf(f, "%s%*s", left, len < column ? column - len : 2, "");
		print_lines(f, opt->help, column);
	}
}

static void print_shell_help(FILE *f)
{
	for (size_t i = 0; i < N_COMMANDS; i++) {
		const struct cli_command *c = &commands[i];
		int len = (int)strlen(c->synopsis);
		/* TRANSLATORS: the label before the usage lines, as in "usage: smtpsh ..." */
		const char *usage = _("usage:");
		fprintf(f, "%*s %s", text_field(i ? "" : usage, (int)text_width(usage)),
		        i ? "" : usage, c->synopsis);
		if (!c->summary)
			fputc('\n', f);
		else if (len < 27)
			fprintf(f, "%*s", 27 - len, "");
		else
			fprintf(f, "\n%*s", 34, "");
		if (c->summary)
			print_lines(f, c->summary, 34);
	}
	fputs(_("\n"
	        "Connect to an SMTP or POP3 server and type the protocol by hand;\n"
	        "every reply is shown with what it means.\n"
	        "\n"
	        "TARGET:  smtp://HOST[:PORT]   SMTP (port 25 by default); smtp://USER@HOST\n"
	        "                              gives login its user name (never a password)\n"
	        "         pop3://HOST[:PORT]   POP3 (port 110 by default)\n"
	        "         smtps://HOST[:PORT]  SMTP over implicit TLS (port 465)\n"
	        "         pop3s://HOST[:PORT]  POP3 over implicit TLS (port 995)\n"
	        "         HOST[:PORT]          SMTP, or POP3 when PORT is 110 or 995;\n"
	        "                              implicit TLS when PORT is 465 or 995\n"
	        "         IPv6 addresses in brackets: smtp://[::1]:25\n"
	        "\n"
	        "options:\n"),
	      f);
	print_options(f, IN_SHELL, true, 23);
	fputs(_("\n"
	        "Script mode: when standard input is not a terminal, or with -f, each\n"
	        "line is sent in lock-step with the replies; S:/R: lines and # notes go\n"
	        "to standard output.\n"
	        "\n"
	        "In the session: /help lists the helpers (b64, unb64, explain, status...);\n"
	        "\\LINE sends LINE verbatim.\n"
	        "\n"
	        "exit status:\n"),
	      f);
	for (size_t i = 0; i < sizeof(exit_statuses) / sizeof(exit_statuses[0]); i++) {
		fprintf(f, "  %d  ", (int)exit_statuses[i].status);
		print_lines(f, exit_statuses[i].meaning, 5);
	}
}

static void print_lab_help(FILE *f)
{
	fputs(
	    _("usage: smtpsh lab [--dir DIR] [--users FILE] [--port-base N] [--persona NAME]\n"
	      "                  [--faults SPEC] [--idle-timeout S] [--line-timeout S] [--quiet]\n"
	      "                  [--trace]\n"
	      "\n"
	      "A practice mail server on 127.0.0.1 (and ::1): SMTP, submission, SMTPS, POP3\n"
	      "and POP3S over one Maildir store, with its own certificate authority.\n"
	      "\n"),
	    f);
	print_options(f, IN_LAB, false, 19);
	fputs(_("\n"
	        "Mail to user@localhost, user@smtpsh.test (and the persona's domain) is\n"
	        "stored; the lab never sends mail anywhere else.  Ctrl-C stops it.\n"),
	      f);
}

static void print_doctor_help(FILE *f)
{
	fputs(_("usage: smtpsh doctor [options] ADDRESS\n"
	        "\n"
	        "Checks a mail account step by step (DNS, TCP, TLS and the certificate,\n"
	        "EHLO, AUTH, MAIL FROM, POP3 login and STAT) and prints a verdict to paste\n"
	        "into a ticket.  The servers come from the address's domain, or from\n"
	        "--server, --smtp and --pop3.  The secret is read without echo, or from\n"
	        "SMTPSH_PASSWORD or --password-file; never from the command line.\n"
	        "\n"),
	      f);
	print_options(f, IN_DOCTOR, true, 23);
	fputs(_("\n"
	        "exit status: 0 all checks passed, 1 the account has a problem,\n"
	        "3 the server could not be reached, 2 a bad command line\n"),
	      f);
}

static void print_help(const struct cli_command *cmd, FILE *f)
{
	if (cmd == &commands[CMD_DOCTOR])
		print_doctor_help(f);
	else if (cmd == &commands[CMD_LAB])
		print_lab_help(f);
	else
		print_shell_help(f);
}

/* ---- parsing ---- */

/* Applies opt (with arg) to o; CLI_PARSED_RUN to go on. */
static enum cli_parsed apply(const struct cli_command *cmd, const struct cli_option *opt,
                             const char *arg, struct cli_options *o)
{
	struct smtpsh_msg msg;
	switch (opt->kind) {
	case SET_TRUE: *(bool *)((char *)o + opt->field) = true; return CLI_PARSED_RUN;
	case SET_TEXT: *(const char **)((char *)o + opt->field) = arg; return CLI_PARSED_RUN;
	case SET_NUMBER:
		if (in_range(arg, opt->range, (long *)((char *)o + opt->field)))
			return CLI_PARSED_RUN;
		fprintf(stderr, "%s: ", cmd->prefix);
		fprintf(stderr, _(opt->range->bad), arg);
		fputc('\n', stderr);
		return CLI_PARSED_BAD;
	case SET_CALL:
		if (opt->set(o, opt, arg, &msg) == SMTPSH_OK)
			return CLI_PARSED_RUN;
		fprintf(stderr, "%s: %s\n", cmd->prefix, msg.text);
		return CLI_PARSED_BAD;
	case SHOW_HELP: print_help(cmd, stdout); return CLI_PARSED_DONE;
	case SHOW_VERSION: printf("smtpsh %s\n", SMTPSH_VERSION); return CLI_PARSED_DONE;
	}
	return CLI_PARSED_BAD;
}

/* show, replay, serve: each word exactly an option (--name, --name=ARG
 * or --name ARG as the table says) or the one FILE. */
static enum cli_parsed parse_strict(const struct cli_command *cmd, int argc, char **argv,
                                    struct cli_options *o)
{
	static char *file[1];
	int n_words = 0;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *arg = NULL;
		const struct cli_option *opt = NULL;
		for (size_t k = 0; k < N_OPTIONS && !opt; k++) {
			const struct cli_option *c = &options[k];
			size_t n = c->name ? strlen(c->name) : 0;
			if (!(c->commands & cmd->options) || strncmp(a, "--", 2) ||
			    strncmp(a + 2, c->name, n))
				continue;
			if (!c->arg && !a[n + 2])
				opt = c;
			else if (c->arg && a[n + 2] == '=') /* --name=ARG suits every option */
				opt = c, arg = a + n + 3;
			else if (c->arg && !c->joined && !a[n + 2] && i + 1 < argc)
				opt = c, arg = argv[++i];
		}
		enum cli_parsed r = CLI_PARSED_RUN;
		if (opt)
			r = apply(cmd, opt, arg, o);
		else if (cmd->text_words)
			argv[2 + n_words++] = argv[i]; /* i >= 2 + n_words: read already */
		else if (!file[0] && (a[0] != '-' || (cmd->stdin_ok && !strcmp(a, "-"))))
			file[0] = argv[i];
		else {
			fprintf(stderr, _("%s: unexpected '%s'\nusage: %s\n"), cmd->prefix, a,
			        cmd->usage);
			r = CLI_PARSED_BAD;
		}
		if (r != CLI_PARSED_RUN)
			return r;
	}
	if (cmd->text_words) {
		o->operands = argv + 2;
		o->n_operands = n_words;
		return CLI_PARSED_RUN;
	}
	if (!file[0]) {
		fprintf(stderr, "%s: %s\n", cmd->prefix, _(cmd->which));
		return CLI_PARSED_BAD;
	}
	o->operands = file;
	o->n_operands = 1;
	return CLI_PARSED_RUN;
}

/* The shell and the lab: getopt_long with the array and the short-option
 * string made from the table; argv[0] names the program in getopt's own
 * messages. */
static enum cli_parsed parse_getopt(const struct cli_command *cmd, int argc, char **argv,
                                    struct cli_options *o)
{
	static struct option longopts[N_OPTIONS + 1];
	char shortopts[2 * N_OPTIONS + 1] = "";
	size_t nl = 0, ns = 0;
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct cli_option *opt = &options[i];
		if (!(opt->commands & cmd->options))
			continue;
		if (opt->name)
			longopts[nl++] =
			    (struct option){opt->name, opt->arg ? required_argument : no_argument,
			                    NULL, 256 + (int)i};
		if (opt->letter && opt->arg)
			ns += (size_t)sprintf(shortopts + ns, "%c:", opt->letter);
		else if (opt->letter)
			shortopts[ns++] = opt->letter;
	}
	longopts[nl] = (struct option){0};
	optind = 0; /* glibc: start afresh */
	int c;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct cli_option *opt = NULL;
		for (size_t i = 0; i < N_OPTIONS && !opt && c < 256; i++)
			if (options[i].letter == c && (options[i].commands & cmd->options))
				opt = &options[i];
		if (c >= 256)
			opt = &options[c - 256];
		if (!opt) {
			if (cmd == &commands[CMD_LAB])
				print_lab_help(stderr);
			else
				fputs(_("smtpsh: try 'smtpsh --help'\n"), stderr);
			return CLI_PARSED_BAD;
		}
		enum cli_parsed r = apply(cmd, opt, optarg, o);
		if (r != CLI_PARSED_RUN)
			return r;
	}
	o->operands = argv + optind;
	o->n_operands = argc - optind;
	return CLI_PARSED_RUN;
}

enum cli_parsed cli_parse(const struct cli_command *cmd, int argc, char **argv,
                          struct cli_options *o)
{
	o->sh.family = AF_UNSPEC;
	o->timeout_s = 30;
	o->sh.out = stdout;
	o->color = "auto";
	o->port = 2525;
	o->step = cmd == &commands[CMD_REPLAY];
	if (cmd->strict)
		return parse_strict(cmd, argc, argv, o);
	if (cmd == &commands[CMD_LAB] || cmd == &commands[CMD_DOCTOR] ||
	    cmd == &commands[CMD_LESSON])
		return parse_getopt(cmd, argc - 1, argv + 1, o);
	int replay_at = against_form(argc, argv);
	if (cmd == &commands[CMD_AGAINST]) {
		o->against = true;
		memmove(&argv[replay_at], &argv[replay_at + 1],
		        (size_t)(argc - replay_at) * sizeof(*argv));
		argc--;
	}
	return parse_getopt(cmd, argc, argv, o);
}

/* ---- running them ---- */

/* --color=WHEN with NO_COLOR and TERM=dumb honoured for auto. */
static bool pick_color(const char *when, bool tty)
{
	const char *nc = getenv("NO_COLOR");
	const char *term = getenv("TERM");
	if (!strcmp(when, "always"))
		return true;
	if (!strcmp(when, "never"))
		return false;
	return tty && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
}

/* `smtpsh show FILE`, `smtpsh replay [--all] FILE` */
static int run_playback(struct cli_options *o)
{
	if (o->html)
		return show_html_run(&o->sh, o->operands[0]);
	if (o->markdown)
		return show_markdown_run(&o->sh, o->operands[0]);
	o->sh.color = pick_color(o->color, isatty(STDOUT_FILENO));
	return playback_run(&o->sh, o->operands[0], o->step);
}

/* `smtpsh serve FILE [--port N] [--cert F --key F] [--exact] [--timeout S]` */
static int run_serve(struct cli_options *o)
{
	o->sh.color = pick_color("auto", isatty(STDOUT_FILENO));
	o->sh.timeout_s = (int)o->timeout_s;
	return serve_run(&o->sh, o->operands[0], (unsigned)o->port, o->cert, o->key, o->exact);
}

/* `smtpsh mime [--json] FILE` */
static int run_mime(struct cli_options *o)
{
	return mime_cmd_run(o->operands[0], o->mime_json);
}

/* `smtpsh doctor [options] ADDRESS` */
static int run_doctor(struct cli_options *o)
{
	if (o->n_operands != 1) {
		fputs(o->n_operands ? _("smtpsh doctor: one address only\nusage: smtpsh doctor "
		                        "[options] ADDRESS\n")
		                    : _("smtpsh doctor: which address?\nusage: smtpsh doctor "
		                        "[options] ADDRESS\n"),
		      stderr);
		return EXIT_USAGE;
	}
	if (o->tls.cafile && access(o->tls.cafile, R_OK) != 0) {
		fprintf(stderr, _("smtpsh doctor: --cafile %s: %s\n"), o->tls.cafile,
		        strerror(errno));
		return EXIT_USAGE;
	}
	o->sh.timeout_s = (int)o->timeout_s;
	return doctor_run(&o->sh, &o->tls, &o->doctor, o->operands[0]);
}

/* `smtpsh explain [--provider NAME] [--host HOST] TEXT...|-` */
static int run_explain(struct cli_options *o)
{
	return explain_cmd_run(o->operands, o->n_operands, o->explain_provider, o->explain_host);
}

/* `smtpsh lesson [N [--quiz] [--script]]` */
static int run_lesson(struct cli_options *o)
{
	if (o->n_operands > 1) {
		fprintf(stderr, _("smtpsh lesson: unexpected argument '%s'\n"), o->operands[1]);
		return EXIT_USAGE;
	}
	o->lesson.number = o->n_operands ? o->operands[0] : NULL;
	o->sh.color = pick_color(o->color, isatty(STDOUT_FILENO));
	o->sh.timeout_s = (int)o->timeout_s;
	return lesson_run(&o->sh, &o->lesson);
}

/* `smtpsh lab [options]`: the lab in the foreground */
static int run_lab(struct cli_options *o)
{
	if (o->n_operands) {
		fprintf(stderr, _("smtpsh lab: unexpected argument '%s'\n"), o->operands[0]);
		print_lab_help(stderr);
		return EXIT_USAGE;
	}
	return cli_exit_status(CLI_STAGE_LAB, lab_run(&o->lab_opts));
}

/* A usage error of the shell's, said on standard error: SMTPSH_EINVAL. */
static enum smtpsh_err shell_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static enum smtpsh_err shell_usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	return SMTPSH_EINVAL;
}

/* --lab and --persona, before the lab starts. */
static enum smtpsh_err check_lab_use(const struct cli_options *o)
{
	if (o->lab_opts.persona && !o->lab)
		return shell_usage(
		    _("smtpsh: --persona goes with --lab (or: smtpsh lab --persona NAME)\n"));
	if (o->lab && (o->n_operands || o->against))
		return shell_usage(
		    _("smtpsh: --lab connects to the built-in lab: give no server\n"));
	return SMTPSH_OK;
}

/* The lab in the background, its URL into url and its CA trusted unless
 * --cafile/--capath say otherwise. */
static enum smtpsh_err start_lab(struct cli_options *o, char *url, size_t n, char *ca, size_t m)
{
	struct smtpsh_msg msg;
	enum smtpsh_err e = lab_start_background(&o->lab_opts, url, n, ca, m, &msg);
	if (e != SMTPSH_OK) {
		fprintf(stderr, _("smtpsh: cannot start the lab: %s\n"), msg.text);
		return e;
	}
	atexit(lab_stop_background);
	if (!o->tls.cafile && !o->tls.capath)
		o->tls.cafile = ca; /* trust the lab's own CA: real verification */
	return SMTPSH_OK;
}

/* The server (or the transcript of replay --against), and the options
 * that belong to replay --against only. */
static enum smtpsh_err check_operands(const struct cli_options *o)
{
	if (o->against_url && !o->against)
		return shell_usage(
		    _("smtpsh: --against belongs to 'smtpsh replay --against URL FILE'\n"));
	if (o->against && !o->n_operands)
		return shell_usage(_("smtpsh replay --against: which transcript? (smtpsh replay "
		                     "--against URL FILE)\n"));
	if (!o->lab && o->n_operands != 1)
		return shell_usage(o->n_operands
		                       ? _("smtpsh: one server only\nusage: smtpsh [options] "
		                           "smtp://HOST[:PORT] | pop3://HOST[:PORT] | HOST[:PORT]  "
		                           "(--help for more)\n")
		                       : _("smtpsh: no server given\nusage: smtpsh [options] "
		                           "smtp://HOST[:PORT] | pop3://HOST[:PORT] | HOST[:PORT]  "
		                           "(--help for more)\n"));
	if ((o->exact || o->nmasks) && !o->against)
		return shell_usage(
		    _("smtpsh: --exact and --mask belong to 'smtpsh replay --against URL FILE'\n"));
	return SMTPSH_OK;
}

/* replay --against: everything that can be checked offline is, before
 * connecting. */
static enum smtpsh_err check_replay_input(struct cli_options *o)
{
	const char *file = o->operands[0];
	o->no_record = o->no_record || !o->record;
	if (access(file, R_OK) != 0)
		return shell_usage(_("smtpsh replay: cannot read transcript '%s': %s\n"), file,
		                   strerror(errno));
	struct mask m;
	struct smtpsh_msg why;
	enum smtpsh_err e = SMTPSH_OK;
	mask_init(&m);
	for (int i = 0; i < o->nmasks && e == SMTPSH_OK; i++)
		if (mask_add(&m, o->masks[i], &why) != SMTPSH_OK)
			e = shell_usage(_("smtpsh: --mask: %s\n"), why.text);
	mask_free(&m);
	return e;
}

/* The target, TLS on it or not, and the CAs to trust. */
static enum smtpsh_err set_target(struct cli_options *o, const char *text)
{
	struct shell *sh = &o->sh;
	struct smtpsh_msg why;
	if (target_parse(text, &sh->target, &why) != SMTPSH_OK)
		return shell_usage(_("smtpsh: %s\n"), why.text);
	sh->target.tls = sh->target.tls || o->force_tls;
	if (sh->starttls && sh->target.tls)
		return shell_usage(
		    _("smtpsh: --starttls and implicit TLS (--tls, smtps://, pop3s://, "
		      "465, 995) exclude each other\n"));
	if (o->tls.cafile && access(o->tls.cafile, R_OK) != 0)
		return shell_usage(_("smtpsh: --cafile %s: %s\n"), o->tls.cafile, strerror(errno));
	struct stat st;
	errno = 0;
	if (o->tls.capath && (stat(o->tls.capath, &st) != 0 || !S_ISDIR(st.st_mode) ||
	                      access(o->tls.capath, R_OK | X_OK) != 0))
		return shell_usage(_("smtpsh: --capath %s: %s\n"), o->tls.capath,
		                   errno ? strerror(errno) : _("not a directory"));
	return SMTPSH_OK;
}

/* Where the lines come from (-f FILE or standard input) and how the
 * output looks. */
static enum smtpsh_err set_input_output(struct cli_options *o)
{
	struct shell *sh = &o->sh;
	sh->timeout_s = (int)o->timeout_s;
	sh->script = o->script ? fopen(o->script, "r") : stdin;
	if (!sh->script)
		return shell_usage(_("smtpsh: cannot open script '%s': %s\n"), o->script,
		                   strerror(errno));
	sh->interactive = !o->script && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	sh->history = !o->no_history && !o->against;
	if (o->against)
		sh->interactive = false;
	if (strcmp(o->color, "auto") && strcmp(o->color, "always") && strcmp(o->color, "never"))
		return shell_usage(_("smtpsh: --color wants auto, always or never, not '%s'\n"),
		                   o->color);
	sh->color = pick_color(o->color, isatty(STDOUT_FILENO));
	return SMTPSH_OK;
}

/* The transcript: --record FILE (that it cannot be written is a usage
 * error), or a new file under the state directory (a warning). */
static enum smtpsh_err start_recording(struct cli_options *o)
{
	struct shell *sh = &o->sh;
	char path[1200], dir[1024], target[400];
	if (o->no_record)
		return SMTPSH_OK;
	if (o->record) {
		snprintf(path, sizeof(path), "%s", o->record);
	} else if (state_dir(dir, sizeof(dir), "transcripts")) {
		char when[32];
		time_t now = time(NULL);
		strftime(when, sizeof(when), "%Y%m%d-%H%M%S", localtime(&now));
		/* the pid keeps two sessions started in the same second apart */
		snprintf(path, sizeof(path), "%s/%s-%s-%u-%ld.txt", dir, when, sh->target.host,
		         sh->target.port, (long)getpid());
	} else {
		return SMTPSH_OK;
	}
	bool v6 = strchr(sh->target.host, ':');
	snprintf(target, sizeof(target), "%s%s://%s%s%s:%u", proto_name(sh->target.proto),
	         sh->target.tls ? "s" : "", v6 ? "[" : "", sh->target.host, v6 ? "]" : "",
	         sh->target.port);
	struct smtpsh_msg why;
	if ((o->record ? transcript_open : transcript_create)(&sh->rec, path, target,
	                                                      proto_name(sh->target.proto),
	                                                      o->timestamps, &why) != SMTPSH_OK) {
		fprintf(stderr, "smtpsh: %s\n", why.text);
		return o->record ? SMTPSH_EINVAL : SMTPSH_OK;
	}
	if (o->record || sh->interactive)
		render_event(sh, "recording to %s", path);
	return SMTPSH_OK;
}

/* Connects, runs the shell or the replay, and cleans up. */
static int connect_and_run(struct cli_options *o)
{
	struct shell *sh = &o->sh;
	if (o->lab && sh->interactive)
		fputs(lab_background_guide(), stdout);
	struct session_hooks hooks = {0};
	render_init_hooks(sh, &hooks);
	session_init(&sh->session, sh->target.proto, NULL, sh->timeout_s * 1000);
	/* the recorder first: a line is on record before it is shown */
	sh->recorder = (struct recorder){.w = &sh->rec, .show_secrets = sh->show_secrets};
	recorder_attach(&sh->recorder, &sh->session);
	session_subscribe(&sh->session, &hooks);
	sh->session.tls_opts = o->tls;
	struct smtpsh_msg why;
	enum smtpsh_err e = session_connect(&sh->session, sh->target.host, sh->target.port,
	                                    sh->family, sh->target.tls, &why);
	if (e != SMTPSH_OK) {
		if (e == SMTPSH_ETLS || e == SMTPSH_ECLOSED)
			fprintf(stderr, _("smtpsh: TLS with %s port %u failed: %s\n"),
			        sh->target.host, sh->target.port, why.text);
		else
			fprintf(stderr, "smtpsh: %s\n", why.text);
		transcript_event(&sh->rec, TRANSCRIPT_EV_ERROR, "cannot connect: %s", why.text);
		transcript_close(&sh->rec);
		session_free(&sh->session);
		return cli_exit_status(CLI_STAGE_CONNECT, e);
	}
	int rc = o->against ? against_run(sh, o->operands[0], o->exact, o->masks, o->nmasks)
	                    : repl_run(sh);
	message_notes_free(sh);
	session_free(&sh->session);
	transcript_close(&sh->rec);
	if (sh->script && sh->script != stdin)
		fclose(sh->script);
	return rc;
}

/* The shell on TARGET, on --lab, or replay --against URL FILE: the checks
 * in the order they have always been made (the first failure is said). */
static int run_shell(struct cli_options *o)
{
	static char lab_url[128], lab_ca[4200];
	enum smtpsh_err e = check_lab_use(o);
	if (e == SMTPSH_OK && o->lab) {
		e = start_lab(o, lab_url, sizeof(lab_url), lab_ca, sizeof(lab_ca));
		if (e != SMTPSH_OK)
			return cli_exit_status(CLI_STAGE_CONNECT, e);
	}
	if (e == SMTPSH_OK)
		e = check_operands(o);
	if (e == SMTPSH_OK && o->against)
		e = check_replay_input(o);
	if (e == SMTPSH_OK)
		e = set_target(o, o->lab ? lab_url : o->against ? o->against_url : o->operands[0]);
	if (e == SMTPSH_OK)
		e = set_input_output(o);
	if (e == SMTPSH_OK)
		e = start_recording(o);
	if (e != SMTPSH_OK)
		return cli_exit_status(CLI_STAGE_COMMAND_LINE, e);
	return connect_and_run(o);
}
