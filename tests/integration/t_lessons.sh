#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every lesson in transcripts/ steps through with `smtpsh replay` and shows
# what a student should see.  Replay pauses need a terminal; --all prints
# the same exchanges at once.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
fails=0

check() { # FILE REGEX WHAT
	grep -qE -- "$2" "$out" || { echo "FAIL: $1: $3"; fails=$((fails + 1)); }
}

for f in "$here"/transcripts/*.txt; do
	name=$(basename "$f")
	rc=0
	"$SMTPSH" replay --all --color=never "$f" >"$out" 2>&1 || rc=$?
	[ "$rc" = 0 ] || { echo "FAIL: $name: replay exit $rc"; fails=$((fails + 1)); continue; }
	check "$name" '^» Lesson' "no lesson narration"
	grep -q 'line [0-9]*:' "$out" && { echo "FAIL: $name: malformed transcript lines"; fails=$((fails + 1)); }
	case $name in
	01-*)
		check "$name" 'HELLO is not an SMTP command; did you mean HELO' "HELLO not explained"
		check "$name" '^   # 354: ' "354 not explained"
		check "$name" 'after the final "\."' "final 250 not explained" ;;
	02-*)
		check "$name" '"VXNlcm5hbWU6" is base64 for "Username:"' "challenge not decoded"
		check "$name" '^S: \[secret, 16 bytes\]' "password not redacted"
		check "$name" '^   # 235: ' "235 not explained" ;;
	03-*)
		check "$name" '^   # 220: ready to start TLS' "STARTTLS go-ahead not explained"
		check "$name" 'at QQ Mail: .*authorization code' "no QQ diagnosis"
		check "$name" 'source: https://service.mail.qq.com' "QQ hint has no source" ;;
	04-*)
		check "$name" '^   # 1 message, [0-9]+ octets' "LIST not summarised"
		check "$name" '^S: PASS \[secret, 10 bytes\]' "PASS not redacted"
		check "$name" '^   # \+OK: .*\(UPDATE state\)' "QUIT's update state not explained" ;;
	05-*)
		check "$name" '^   # 535: ' "the password's 535 not explained"
		check "$name" '^   # 235: ' "the authorization code's 235 not explained" ;;
	06-*)
		check "$name" '^   #   #0 From: 李明 <alice@localhost>' "encoded-word From not decoded"
		check "$name" '^   #   \| 这是第一封' "base64 body not decoded" ;;
	08-*)
		check "$name" 'BREAD is not an SMTP command' "the list's lines as commands not explained" ;;
	09-*)
		check "$name" 'base64 of "alice\\x0a": it ends with a newline' "trailing newline not found" ;;
	10-*)
		check "$name" '^   # 421: ' "421 not explained"
		check "$name" 'unsolicited' "the unasked 421 not explained" ;;
	esac
	[ "$fails" = 0 ] && echo "ok: $name"
done
[ "$fails" = 0 ]
