#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Notes beside a retrieved message: a multipart message with a GBK
# encoded-word From, a base64 UTF-8 text part, a 20-line quoted-printable
# part with a dot-stuffed line and attachments is sent to the lab over SMTP
# and read back with RETR in script mode.  The decoded From, the tree (sizes
# from the bytes sent), the decoded text with the count of what was cut,
# and every raw R: line must be there; `smtpsh show` of the recording must
# give the same notes.  The lab is stopped by its pid only.
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
	printf '.\nQUIT\n'; } |
	timeout "$limit" "$SMTPSH" --no-record --no-history "smtp://127.0.0.1:$SMTP" >"$dir/send.out" 2>&1
grep -q '^R: 250 ' "$dir/send.out" || fail "the message was not accepted" "$(tail -5 "$dir/send.out")"

printf 'USER bob\nPASS bob-pw\nRETR 1\nQUIT\n' |
	timeout "$limit" "$SMTPSH" --no-history --record "$dir/rec.txt" "pop3://127.0.0.1:$POP3" \
		>"$dir/live.out" 2>&1
rc=$?
[ "$rc" = 0 ] && pass "RETR in script mode exits 0" || fail "RETR exit status $rc"
notes() { grep '^   # ' "$1" | sed 's/^   # //'; }

notes "$dir/live.out" | grep -qx '  #0 From: 张三 <zhang@example.com>' &&
	pass "the GBK encoded-word From is shown decoded" ||
	fail "decoded From" "$(notes "$dir/live.out" | head -5)"
# it comes right after the header block: before the first body line
from_at=$(grep -n '#0 From: 张三' "$dir/live.out" | head -1 | cut -d: -f1)
body_at=$(grep -n '^R: --=-b1$' "$dir/live.out" | head -1 | cut -d: -f1)
[ -n "$from_at" ] && [ -n "$body_at" ] && [ "$from_at" -lt "$body_at" ] &&
	pass "the decoded header is noted after the header block, before the body" ||
	fail "decoded header placement" "from at $from_at, body at $body_at"

size() { wc -c <"$1" | tr -d ' '; }
long_size=$(($(size "$dir/long.txt") - 1)) # its last line end belongs to the boundary
want="#0 multipart/mixed
  #1 text/plain; charset=utf-8, base64, $(size "$dir/body.txt") bytes decoded
  #2 text/plain; charset=us-ascii, quoted-printable, $long_size bytes decoded
  #3 application/octet-stream, base64, attachment \"../../x.sh\", $(size "$dir/att.bin") bytes decoded
  #4 application/octet-stream, attachment \"/etc/..\", $(size "$dir/part4.bin") bytes decoded"
got=$(notes "$dir/live.out" | grep -E '^ *#[0-9] [a-z]+/' | sed 's/  (.*//')
[ "$got" = "$want" ] && pass "the tree: one line per part, sizes of the bytes sent" ||
	fail "tree" "$(printf 'got:\n%s\nwant:\n%s' "$got" "$want")"
notes "$dir/live.out" | grep -E '^#0 multipart/mixed  \(.{10,}\)$' >/dev/null &&
	pass "the multipart kind is explained" || fail "multipart kind"

got=$(notes "$dir/live.out" | sed -n 's/^  | //p')
want=$( (cat "$dir/body.txt"; head -12 "$dir/long.txt") | sed 's/\r$//')
[ "$got" = "$want" ] && pass "the text parts decoded (base64 + UTF-8, quoted-printable, un-dot-stuffed), 12 lines kept" ||
	fail "decoded text" "$(printf 'got:\n%s\nwant:\n%s' "$got" "$want")"
cut_bytes=$((long_size - $(head -12 "$dir/long.txt" | wc -c)))
notes "$dir/live.out" | grep -qx "  \.\.\. 8 more lines ($cut_bytes bytes) not shown" &&
	pass "the cut is counted: 8 more lines, $cut_bytes bytes" ||
	fail "cut count" "$(notes "$dir/live.out" | grep more)"

# every raw line is still there, dot-stuffed as on the wire, in order
awk '/^S: RETR 1$/ {on = 1; next} on && /^R: \.$/ {exit} on && /^R: / {print substr($0, 4)}' \
	"$dir/live.out" | tail -n +2 >"$dir/raw.got"
sed 's/^\./../' "$dir/msg.lf" >"$dir/raw.want"
n=$(wc -l <"$dir/raw.want")
if tail -n "$n" "$dir/raw.got" | cmp -s - "$dir/raw.want"; then
	pass "every raw R: line is shown ($n lines of the message, dot-stuffing kept)"
else
	fail "raw lines" "$(tail -n "$n" "$dir/raw.got" | diff - "$dir/raw.want" | head -5)"
fi

# show: the recorded lines through the same hooks give the same notes
timeout "$limit" "$SMTPSH" show "$dir/rec.txt" >"$dir/show.out" 2>&1
pick() { notes "$1" | grep -E '^ *(#[0-9]|\||\.\.\. )'; }
if [ -n "$(pick "$dir/live.out")" ] && cmp -s <(pick "$dir/live.out") <(pick "$dir/show.out"); then
	pass "smtpsh show of the recording prints the same notes"
else
	fail "show notes" "$(diff <(pick "$dir/live.out") <(pick "$dir/show.out") | head -5)"
fi
# and `smtpsh mime` of the message prints the same tree and text
"$SMTPSH" mime "$dir/msg.crlf" >"$dir/mime.out" 2>&1
if cmp -s <(pick "$dir/live.out") <(grep -E '^ *(#[0-9]|\||\.\.\. )' "$dir/mime.out"); then
	pass "smtpsh mime FILE prints the same tree and text excerpts"
else
	fail "mime same" "$(diff <(pick "$dir/live.out") <(grep -E '^ *(#[0-9]|\||\.\.\. )' "$dir/mime.out") | head -5)"
fi

stop_lab || true
[ "$fails" = 0 ]
