/* SPDX-License-Identifier: GPL-3.0-or-later */
/* smtpsh: type SMTP and POP3 by hand, with every reply explained.
 * main() only wires: which command, its options, run it (smtpsh/cli.c). */
#include "cli.h"
#include "shell.h"

int main(int argc, char **argv)
{
	static struct cli_options o;
	i18n_init(argc, argv);
	const struct cli_command *cmd = cli_command_for(argc, argv);
	switch (cli_parse(cmd, argc, argv, &o)) {
	case CLI_PARSED_RUN: return cli_command_run(cmd, &o);
	case CLI_PARSED_DONE: return cli_exit_status(CLI_STAGE_COMMAND_LINE, SMTPSH_OK);
	case CLI_PARSED_BAD: return cli_exit_status(CLI_STAGE_COMMAND_LINE, SMTPSH_EINVAL);
	}
	return cli_exit_status(CLI_STAGE_COMMAND_LINE, SMTPSH_EINVAL);
}
