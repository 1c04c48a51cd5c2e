/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "err.h"

const char *err_name(enum err e)
{
	switch (e) {
	case ERR_OK: return "ok";
	case ERR_NOMEM: return "out of memory";
	case ERR_IO: return "i/o error";
	case ERR_CLOSED: return "connection closed";
	case ERR_TIMEOUT: return "timeout";
	case ERR_PROTOCOL: return "protocol error";
	case ERR_TLS: return "tls error";
	case ERR_INVALID: return "invalid input";
	case ERR_BADSTATE: return "wrong state";
	}
	return "unknown error";
}
