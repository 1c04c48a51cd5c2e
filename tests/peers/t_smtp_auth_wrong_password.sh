#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A wrong password on the teaching port: 535 5.7.8, explained, and the
# session goes on to QUIT (a 5xx reply is data, not an error: exit 0).
set -eu
. "$(dirname "$0")/lib.sh"

smtpsh smtp://127.0.0.1:2525 <<'IN'
EHLO client.smtpsh.test
AUTH LOGIN
b64 alice
b64 wrong-password
QUIT
IN
want_rc 0
has '^R: 535 5\.7\.8 Error: authentication failed' "no 535 for the wrong password"
annotated '^R: 535 ' 'authenticat|credential|password'
has_line 'R: 221 2.0.0 Bye'
lacks 'wrong-password'
lacks 'd3JvbmctcGFzc3dvcmQ='
