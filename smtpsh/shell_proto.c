/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The shell's per-protocol tables (see shell_proto.h). */
#include "shell_proto.h"

static const struct shell_proto shell_smtp = {
    .explain = render_explain_smtp,
    .status_mail = status_mail_smtp,
    .login_ready = login_ready_smtp,
    .login = login_smtp,
};

static const struct shell_proto shell_pop3 = {
    .explain = render_explain_pop3,
    .status_mail = status_mail_pop3,
    .login_ready = login_ready_pop3,
    .login = login_pop3,
};

const struct shell_proto *shell_proto_get(enum proto p)
{
	switch (p) {
	case PROTO_SMTP: return &shell_smtp;
	case PROTO_POP3: return &shell_pop3;
	}
	return &shell_smtp; /* not an enum proto value */
}
