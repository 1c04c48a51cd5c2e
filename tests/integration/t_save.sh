#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `save [N] [FILE]` after a RETR from the lab, in script mode: the whole
# message byte for byte (un-dot-stuffed, CRLF as received), parts decoded
# (compared with the bytes that were base64- and QP-encoded), a file name
# from the message reduced to its base name in the current directory,
# no overwriting of an existing file (left unchanged), and save with no
# message retrieved, in POP3 and in SMTP.  The lab is stopped by its pid.
set -u
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
CLIENTS="$here/lab_clients.py"
limit=20
[ "${SMTPSH_SAN:-}" = 1 ] && limit=90
dir=$(mktemp -d)
fails=0
trap 'stop_lab; rm -rf "$dir"' EXIT
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1${2:+: $2}"; fails=$((fails + 1)); }
lab_options=(--idle-timeout 20)
. "$here/lab_run.sh"

"$PY" "$here/retr_message.py" "$dir"
start_lab
{ printf 'EHLO me\nMAIL FROM:<alice@localhost>\nRCPT TO:<bob@localhost>\nDATA\n'
	cat "$dir/msg.lf"
	printf '.\nsave\nQUIT\n'; } |
	timeout "$limit" "$SMTPSH" --no-record --no-history "smtp://127.0.0.1:$SMTP" >"$dir/send.out" 2>&1
grep -q '^R: 250 ' "$dir/send.out" || fail "the message was not accepted" "$(tail -5 "$dir/send.out")"
[ "$(grep -c '^!! save: ' "$dir/send.out")" = 1 ] && pass "save in an SMTP session: one line saying why" ||
	fail "save in SMTP" "$(grep save "$dir/send.out")"

pop3() { # DIR LINES...: a POP3 session of bob's, run in DIR
	local wd=$1
	shift
	(cd "$wd" && printf '%s\n' 'USER bob' 'PASS bob-pw' "$@" QUIT |
		timeout "$limit" "$SMTPSH" --no-record --no-history "pop3://127.0.0.1:$POP3" 2>&1)
}

mkdir -p "$dir/w0"
out=$(pop3 "$dir/w0" save 'save 1 x.txt')
[ "$(echo "$out" | grep -c '^!! save: ')" = 2 ] && [ -z "$(ls -A "$dir/w0")" ] &&
	pass "save before RETR: an error line each, no file written" ||
	fail "save before RETR" "$(echo "$out" | grep save; ls "$dir/w0")"

mkdir -p "$dir/w1/a/b"
printf 'keep me\n' >"$dir/w1/a/b/exists.eml"
out=$(pop3 "$dir/w1/a/b" 'RETR 1' 'save whole.eml' save 'save 1 body.txt' 'save 2' 'save 3' 'save 4' \
	'save exists.eml')
echo "$out" >"$dir/save.out"
w=$dir/w1/a/b
"$PY" - "$w/whole.eml" "$dir/msg.crlf" <<'PYEOF' && pass "save FILE: the whole message, CRLF and un-dot-stuffed, ends with the bytes sent" || fail "whole message"
import sys
got, sent = (open(p, "rb").read() for p in sys.argv[1:])
# the lab puts its Return-Path and Received lines first
sys.exit(0 if got.endswith(sent) and got.startswith(b"Return-Path:") else 1)
PYEOF
cmp -s "$w/whole.eml" "$w/message-1.eml" && pass "save alone: message-1.eml, the same bytes" ||
	fail "save default name" "$(ls "$w")"
cmp -s "$w/body.txt" "$dir/body.txt" && pass "save 1 FILE: the base64 UTF-8 part decoded" ||
	fail "save 1" "$(od -c "$w/body.txt" | head -3)"
head -c -1 "$dir/long.txt" | cmp -s - "$w/part-2.bin" &&
	pass "save 2: a quoted-printable part with no name decoded into part-2.bin" ||
	fail "save 2" "$(ls "$w")"
cmp -s "$w/x.sh" "$dir/att.bin" && [ ! -e "$dir/w1/x.sh" ] && [ ! -e "$dir/x.sh" ] &&
	pass "save 3: filename \"../../x.sh\" written as ./x.sh only, the 3000 random bytes" ||
	fail "save 3" "$(ls "$w" "$dir/w1")"
grep -q '"\.\./\.\./x\.sh"' <<<"$(grep '^   # ' "$dir/save.out")" &&
	pass "the reduction of the name is said" || fail "reduction note" "$(cat "$dir/save.out" | tail -8)"
cmp -s "$w/part-4.bin" "$dir/part4.bin" && pass "save 4: filename \"/etc/..\" has no base name: part-4.bin" ||
	fail "save 4" "$(ls "$w")"
[ "$(cat "$w/exists.eml")" = "keep me" ] && grep -q '^!! save: .*exists\.eml' "$dir/save.out" &&
	pass "an existing file is refused in script mode, left unchanged" ||
	fail "no overwrite" "$(grep exists "$dir/save.out")"
[ "$(stat -c %a "$w/x.sh")" = 600 ] && pass "saved files are private (0600)" || fail "mode $(stat -c %a "$w/x.sh")"

# save 0 (a container) and a part out of range write nothing
mkdir -p "$dir/w2"
out=$(pop3 "$dir/w2" 'RETR 1' 'save 0' 'save 9')
[ "$(echo "$out" | grep -c '^!! save: ')" = 2 ] && [ -z "$(ls -A "$dir/w2")" ] &&
	pass "save 0 (multipart) and save 9 (no such part): refused, nothing written" ||
	fail "save 0/9" "$(echo "$out" | grep save)"

# TOP: what was retrieved, and said to be only the top
mkdir -p "$dir/w3"
out=$(pop3 "$dir/w3" 'TOP 1 0' 'save top.eml')
"$PY" - "$dir/w3/top.eml" "$dir/msg.crlf" <<'PYEOF' && pass "save after TOP 1 0: the headers and the blank line only" || fail "save after TOP"
import sys
got, sent = (open(p, "rb").read() for p in sys.argv[1:])
head = sent[: sent.index(b"\r\n\r\n") + 4]
sys.exit(0 if got.endswith(head) and len(got) < len(sent) else 1)
PYEOF

stop_lab || true
[ "$fails" = 0 ]
