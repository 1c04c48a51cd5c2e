#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# POP3 -ERR replies: RETR before logging in, then a wrong password.  Neither
# password may show in the output (PASS carries a secret).
set -eu
. "$(dirname "$0")/lib.sh"

smtpsh 127.0.0.1:110 <<'IN'
RETR 1
USER bob
PASS wrong-password
QUIT
IN
want_rc 0
has_line 'R: -ERR Unknown command.'
has_line 'R: -ERR [AUTH] Authentication failed.'
annotated '^R: -ERR \[AUTH\]' 'authenticat|password|credential|login'
has '^R: \+OK Logging out' "no reply to QUIT"
lacks 'wrong-password'
