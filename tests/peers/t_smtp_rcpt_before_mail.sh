#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Commands out of order: RCPT before MAIL gets 503 and an explanation
# that names the missing step.
set -eu
. "$(dirname "$0")/lib.sh"

smtpsh 127.0.0.1:25 <<'IN'
EHLO client.smtpsh.test
RCPT TO:<bob@localhost>
QUIT
IN
want_rc 0
has_line 'R: 503 5.5.1 Error: need MAIL command'
annotated '^R: 503 ' 'MAIL|sequence|order'
has_line 'R: 221 2.0.0 Bye'
