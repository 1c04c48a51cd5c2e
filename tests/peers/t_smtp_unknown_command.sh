#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A command the server does not know is still sent as typed; the server's
# 500/502 comes back explained.
set -eu
. "$(dirname "$0")/lib.sh"

smtpsh 127.0.0.1:25 <<'IN'
EHLO client.smtpsh.test
FOO bar
QUIT
IN
want_rc 0
has '^S: FOO bar$' "FOO bar was not sent as typed"
has '^R: 50[02] 5\.5\.[12] ' "no 500/502 for an unknown command"
annotated '^R: 50[02] ' 'command|recogni|implement|unknown'
has_line 'R: 221 2.0.0 Bye'
