/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "err.h"
#include "i18n.h"

#include <stdarg.h>
#include <stdio.h>

const char *smtpsh_err_name(enum smtpsh_err e)
{
	switch (e) {
	case SMTPSH_OK: return "ok";
	case SMTPSH_ENOMEM: return _("out of memory");
	case SMTPSH_EIO: return _("i/o error");
	case SMTPSH_ECLOSED: return _("connection closed");
	case SMTPSH_ETIMEOUT: return _("timeout");
	case SMTPSH_EPROTO: return _("protocol error");
	case SMTPSH_ETLS: return _("tls error");
	case SMTPSH_EINVAL: return _("invalid input");
	case SMTPSH_ESTATE: return _("wrong state");
	}
	return _("unknown error");
}

enum smtpsh_err smtpsh_fail(struct smtpsh_msg *msg, enum smtpsh_err code, const char *fmt, ...)
{
	if (msg) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg->text, sizeof msg->text, _(fmt), ap); /* fmt: an xgettext keyword */
		va_end(ap);
	}
	return code;
}

void smtpsh_msg_clear(struct smtpsh_msg *msg)
{
	if (msg)
		msg->text[0] = '\0';
}
