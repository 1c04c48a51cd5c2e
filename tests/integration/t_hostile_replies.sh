#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The shell against broken and hostile servers (issue: point 9 of the
# shell): each case gets a clear one-line "!!" message, bounded memory,
# no crash, a sensible exit status, and nothing raw reaching the terminal.
set -eu
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
PY=${PYTHON:-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
server_pid=
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$dir"' EXIT
cd "$dir"
fails=0
limit_kb=20480
[ "${SMTPSH_SAN:-}" = 1 ] && limit_kb=200000

# run SCENARIO WANT_RC 'SCRIPT' [PROTO]
run() {
	local scenario=$1 want=$2 script=$3 proto=${4:-smtp}
	"$PY" "$here/hostile.py" "$scenario" >port 2>/dev/null &
	server_pid=$!
	for _ in $(seq 50); do [ -s port ] && break; sleep 0.1; done
	local rc=0
	printf '%b' "$script" | /usr/bin/time -f %M -o rss "$SMTPSH" --color=never --no-history \
		--no-record --timeout 2 "$proto://127.0.0.1:$(head -1 port)" >out 2>err || rc=$?
	kill "$server_pid" 2>/dev/null || true
	wait "$server_pid" 2>/dev/null || true
	server_pid=
	: >port
	current=$scenario
	local kb msg
	kb=$(tail -1 rss | tr -dc 0-9)
	msg=$(grep -m1 '^!! ' out || true)
	printf '%-18s exit %s  peak %6s KB  %s\n' "$scenario" "$rc" "$kb" "${msg:0:90}"
	if [ "$rc" != "$want" ]; then
		echo "FAIL: $scenario: exit $rc, want $want"; sed 's/^/    /' out err | head -20; fails=$((fails + 1))
	fi
	if [ "$rc" -gt 128 ]; then echo "FAIL: $scenario: crashed"; fails=$((fails + 1)); fi
	if [ "${kb:-0}" -gt "$limit_kb" ]; then echo "FAIL: $scenario: peak RSS $kb KB"; fails=$((fails + 1)); fi
	if LC_ALL=C grep -q $'\x1b\|\xc2\x9b' out; then echo "FAIL: $scenario: a raw escape reached the output"; fails=$((fails + 1)); fi
}
has() {
	grep -qE -- "$1" out || { echo "FAIL: $current: no line matching '$1'"; sed 's/^/    /' out | head -30; fails=$((fails + 1)); }
}

run bare_lf 0 'EHLO me\nQUIT\n'
has '^!! the server ended a line with a bare LF'
has '^R: 221 Bye'

run no_final_crlf 4 'EHLO me\n'
has '^R: 220 hi$'
has '^!! the last line had no line end'

run huge_line 0 'EHLO me\nQUIT\n'
has '^!! that line was 1048580 bytes long: only the first 65536 are shown'
has '^R: 220 ok after the long line'
has '^R: 221 2.0.0 Bye'

run nul 0 'QUIT\n'
has '^R: 220 hostile\\x00with\\x00nuls'
has '^!! a line holds NUL bytes'

run non_numeric 4 'EHLO me\n'
has '^!! malformed reply line \(expected a 3-digit code\)'

run bad_code 4 'EHLO me\nQUIT\n'
has '^!! malformed reply line'
has '^R: 220 but this is'
has '^R: 221 2.0.0 Bye'

run endless 4 'EHLO me\nQUIT\n'
has 'more than 1000 lines'

run ten_thousand 4 'EHLO me\nQUIT\n'
has 'more than 1000 lines'
has '^R: 221 2.0.0 Bye'

run silence 4 'EHLO me\n'
has '^!! no reply to the connection \(greeting\) within 2 s'

run close_mid_reply 4 'EHLO me\nQUIT\n'
has '^R: 250-first'
has 'closed'

run hangup 4 'EHLO me\nQUIT\n'
has '^!! the server closed the connection while a reply to EHLO was awaited'

run ansi 0 'QUIT\n'
has '^R: 220 \\x1b\[31mRED\\x1b\[0m \\x1b\]0;pwned\\x07'

run gbk 0 'EHLO me\nAUTH LOGIN\nb64 alice\nb64 secret\nQUIT\n'
has '^R: 535 登录失败'
has 'GB18030'

run split 0 'EHLO me\nQUIT\n'
has '^R: 220 split into single bytes'
[ "$(grep -c '^R: 220' out)" = 2 ] || { echo "FAIL: split: the byte-by-byte reply was not read as two lines"; fails=$((fails + 1)); }

run pop3_unterminated 4 'USER a\nPASS b\nRETR 1\n' pop3
has '^R: the body never ends'
has 'closed in the middle of a reply'

run normal 0 'EHLO me\nQUIT\n'
has '^R: 221 2.0.0 Bye'

[ "$fails" = 0 ] && echo "hostile: all cases passed"
[ "$fails" = 0 ]
