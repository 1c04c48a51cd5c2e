#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Port 465 spoken to in cleartext says nothing (it waits for a TLS
# ClientHello): no greeting within --timeout is a protocol failure, exit 4.
set -eu
. "$(dirname "$0")/lib.sh"

rc=0
"$SMTPSH" --color=never --no-record --no-history --timeout 2 smtp://127.0.0.1:465 <<IN >"$out" 2>"$err" || rc=$?
QUIT
IN
cat "$out" "$err" >>"$work/log"
want_rc 4
# one line says so (stdout, with the session it ends)
grep -q '^!! no greeting within 2 s' "$out" || fail "no line about the timeout"
