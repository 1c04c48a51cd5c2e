#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A name that cannot resolve (.invalid is reserved, RFC 6761): exit 3 with a
# one-line message naming the host.
set -eu
. "$(dirname "$0")/lib.sh"

smtpsh smtp://nosuchhost.invalid:25 <<'IN'
QUIT
IN
want_rc 3
[ "$(wc -l <"$err")" = 1 ] || fail "want one line on stderr, got $(wc -l <"$err")"
grep -q 'nosuchhost\.invalid' "$err" || fail "stderr does not name the host"
