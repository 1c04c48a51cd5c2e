/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command line: the subcommands and their options, each in one table,
 * the --help text made from those tables, and the exit statuses. */
#ifndef SMTPSH_CLI_H
#define SMTPSH_CLI_H

#include <stdbool.h>
#include "err.h"
#include "lab_cmd.h"
#include "lesson.h"
#include "mask.h"
#include "shell.h"
#include "tls.h"

/* Everything the command line can say, for every subcommand. */
struct cli_options {
	struct shell sh;     /* -4/-6, -t, --trace... go straight in */
	const char *color;   /* --color=WHEN */
	const char *script;  /* -f FILE */
	bool force_tls;      /* --tls */
	struct tls_opts tls; /* --cafile, --capath, --insecure */
	const char *record;  /* --record FILE */
	bool no_record;
	bool timestamps;
	bool no_history;             /* --no-history */
	bool lab;                    /* --lab */
	struct lab_options lab_opts; /* --persona, and `smtpsh lab`'s options */
	bool against;                /* the form `smtpsh replay --against URL FILE` */
	const char *against_url;
	bool exact;
	bool mime_json;               /* smtpsh mime --json */
	struct doctor_options doctor; /* smtpsh doctor */
	struct lesson_options lesson; /* smtpsh lesson */
	const char *explain_provider; /* smtpsh explain --provider NAME */
	const char *explain_host;     /* smtpsh explain --host HOST */
	char *masks[MASK_MAX];
	int nmasks;
	bool step;        /* replay: one exchange at a time (--all: false) */
	bool html;        /* show --html */
	bool markdown;    /* show --markdown */
	long timeout_s;   /* -t, serve --timeout */
	long port;        /* serve --port */
	const char *cert; /* serve --cert, --key */
	const char *key;
	char **operands; /* what is left once the options are read */
	int n_operands;
};

/* A subcommand: its word, its usage, how it runs (cli.c's table). */
struct cli_command;

/* The subcommand argv names; the shell when it names none. */
const struct cli_command *cli_command_for(int argc, char **argv);

enum cli_parsed {
	CLI_PARSED_RUN,  /* o is filled: run the command */
	CLI_PARSED_DONE, /* --help or --version answered */
	CLI_PARSED_BAD,  /* a usage error, said on standard error */
};
/* Reads argv's options for cmd into o (argv may be reordered). */
enum cli_parsed cli_parse(const struct cli_command *cmd, int argc, char **argv,
                          struct cli_options *o);

/* Runs cmd with o; returns the exit status. */
int cli_command_run(const struct cli_command *cmd, struct cli_options *o);

/* Where a failure of smtpsh's own happened; with the error code it
 * picks the exit status. */
enum cli_stage {
	CLI_STAGE_COMMAND_LINE, /* options, operands and the files they name */
	CLI_STAGE_LAB,          /* `smtpsh lab` in the foreground */
	CLI_STAGE_CONNECT,      /* --lab's background lab, or the connection */
};

/* The exit status (enum exit_status) for code at stage: the one place
 * that turns error codes into exit statuses. */
int cli_exit_status(enum cli_stage stage, enum smtpsh_err code);

#endif
