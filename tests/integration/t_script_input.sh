#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Script input is bounded as replies are: a line longer than 65536 bytes
# (-f /dev/zero, a 200 MB line) or holding a NUL byte stops the run at once
# with one line on stderr, exit 2, nothing of it sent, and a small peak RSS.
# The server is hostile_server.py's well-behaved `normal` scenario; its log
# shows what really went over the wire.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/scripted_server.sh"
[ -x /usr/bin/time ] || { echo "t_script_input: /usr/bin/time is missing (Debian package 'time')"; exit 1; }
limit_kb=20480
[ "${SMTPSH_SAN:-}" = 1 ] && limit_kb=300000 # sanitizers' shadow memory
fails=0
fail() { echo "FAIL: $case: $*"; fails=$((fails + 1)); }


# run CASE ARGS...: smtpsh ARGS against a fresh server, stdin from ./input;
# sets rc, kb, ms.  A binary without the bound would eat memory without end:
# the address space is capped at 2 GB (not under sanitizers: they reserve
# terabytes), and 30 s at most.
run() {
	case=$1
	shift
	start_server hostile_server.py normal 0 --log wire --idle 15
	local t0
	t0=$(date +%s%N)
	rc=0
	(
		[ "${SMTPSH_SAN:-}" = 1 ] || ulimit -v 2097152
		exec timeout 30 /usr/bin/time -f %M -o rss "$SMTPSH" --color=never --no-history \
			--no-record --timeout 5 "$@" "smtp://127.0.0.1:$(head -1 port)" <input >out 2>err
	) || rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	stop_server
	kb=$(tail -1 rss | tr -dc 0-9)
	[ "$rc" = 2 ] || fail "exit $rc, want 2"
	[ "${kb:-0}" -le "$limit_kb" ] || fail "peak RSS $kb KB > $limit_kb KB"
	[ "$ms" -lt 5000 ] || fail "took $ms ms"
	[ "$(grep -c . err)" = 1 ] || fail "want one line on stderr, got: $(head -c 300 err)"
	grep -q '^!! ' out && fail "a warning on stdout too: $(grep -m1 '^!! ' out)"
	printf '%-22s exit %s, %6s KB, %5s ms: %s\n' "$case" "$rc" "${kb:-?}" "$ms" "$(head -1 err | cut -c1-110)"
}

# -f /dev/zero: no line end ever
: >input
run dev_zero -f /dev/zero
grep -qE '^smtpsh: script line 1 is longer than 65536 bytes' err || fail "no clear line about the length"
[ -s wire ] && fail "something was sent: $(head -c 100 wire)"

# a 200 MB line after a good one: the first is run, the long one never sent
run long_line -f <(printf 'EHLO me\n'; head -c 200000000 /dev/zero | tr '\0' x; printf '\nQUIT\n')
grep -qE '^smtpsh: script line 2 is longer than 65536 bytes' err || fail "no clear line about the length"
[ "$(cat wire)" = "EHLO me" ] || fail "the server got: $(head -c 100 wire)"

# a NUL byte on standard input: refused, not cut at the NUL and sent
printf 'EHLO me\nNOOP\0RSET\nQUIT\n' >input
run nul_byte
grep -qE '^smtpsh: script line 2 holds a NUL byte' err || fail "no clear line about the NUL"
[ "$(cat wire)" = "EHLO me" ] || fail "the server got: $(tr '\n' '|' <wire | head -c 100)"

# the control: the longest line allowed is sent whole
{ printf 'EHLO me\nNOOP '; head -c 65531 /dev/zero | tr '\0' y; printf '\nQUIT\n'; } >input
case=longest_allowed
start_server hostile_server.py normal 0 --log wire --idle 15
rc=0
"$SMTPSH" --color=never --no-history --no-record --timeout 5 "smtp://127.0.0.1:$(head -1 port)" <input >out 2>err || rc=$?
stop_server
[ "$rc" = 0 ] || fail "exit $rc, want 0: $(head -2 err)"
[ "$(sed -n 2p wire | wc -c)" = 65537 ] || fail "the 65536-byte line did not reach the server whole"

echo
[ "$fails" = 0 ] && echo "script input: all checks passed" || echo "script input: $fails check(s) failed"
[ "$fails" = 0 ]
