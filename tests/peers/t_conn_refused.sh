#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Nothing listens on port 1: exit 3 and exactly one line on stderr saying so.
set -eu
. "$(dirname "$0")/lib.sh"

smtpsh smtp://127.0.0.1:1 <<'IN'
QUIT
IN
want_rc 3
[ "$(wc -l <"$err")" = 1 ] || fail "want one line on stderr, got $(wc -l <"$err")"
grep -qi 'refused' "$err" || fail "stderr does not say the connection was refused"
