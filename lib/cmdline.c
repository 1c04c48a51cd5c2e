/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cmdline.h"

#include <string.h>

#include "proto.h"

void cmdline_parse(struct cmdline *c, const char *line)
{
	*c = (struct cmdline){.text = line, .wire = line, .word = line, .word_arg = ""};
	c->arg = proto_split(line, c->verb, sizeof(c->verb));
	c->word_len = strcspn(line, " ");
}

void cmdline_parse_typed(struct cmdline *c, const char *line, cmdline_local_fn local)
{
	if (line[0] == '\\') {
		cmdline_parse(c, line + 1);
		c->text = line;
		c->verbatim = true;
		return;
	}
	cmdline_parse(c, line);
	c->slash = line[0] == '/';
	c->word = line + c->slash;
	c->word_len = strcspn(c->word, " ");
	c->word_arg = c->word + c->word_len;
	while (*c->word_arg == ' ')
		c->word_arg++;
	c->is_helper = c->slash || !strcmp(line, "?") || (local && local(c->word, c->word_len));
}
