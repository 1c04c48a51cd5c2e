#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `show` and `serve` on odd input: a NUL inside a transcript line (kept,
# shown as \x00, the next line not glued on); a directory, a read error and
# /dev/zero (a clear one-line error and exit 2, the man page's status for a
# transcript that cannot be read; fast, bounded memory; serve refuses before
# listening); serve with a client that never reads, or never sends its TLS
# ClientHello, ends within --timeout.
set -eu
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
PY=${PYTHON:-/usr/bin/python3}
dir=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	rm -rf "$dir"
}
trap cleanup EXIT
cd "$dir"
fails=0
current=
fail() { echo "FAIL: $current: $1"; sed 's/^/    /' out | cat -v | head -20; fails=$((fails + 1)); }
has() { grep -qE -- "$1" out || fail "no line matching '$1'"; }
lacks() { ! grep -qE -- "$1" out || fail "unexpected '$1'"; }
limit_kb=20480
[ "${SMTPSH_SAN:-}" = 1 ] && limit_kb=400000

# run_timed SECS CMD...: rc, secs (elapsed, 1/10 s) and kb (peak RSS)
run_timed() {
	local max=$1
	shift
	local t0 t1
	t0=$(date +%s%N)
	rc=0
	timeout "$max" /usr/bin/time -f %M -o rss "$@" >out 2>&1 || rc=$?
	t1=$(date +%s%N)
	secs=$(((t1 - t0) / 100000000))
	kb=$(tail -1 rss 2>/dev/null | tr -dc 0-9)
	kb=${kb:-0}
}

# ---- a NUL in a line -------------------------------------------------------
current=nul
printf 'R: 220 mx\0after the NUL\nS: QUIT\nR: 221 bye\n' >nul.txt
run_timed 10 "$SMTPSH" show --color=never nul.txt
[ "$rc" = 0 ] || fail "exit $rc"
has '^R: 220 mx\\x00after the NUL$'
has '^S: QUIT$'
has '^R: 221 bye$'

# ---- files that cannot be read as transcripts -------------------------------
# odd NAME WANT-REGEX CMD...: exit 2, one clear line, quickly, bounded memory
odd() {
	current=$1
	local want=$2
	shift 2
	run_timed 20 "$@"
	[ "$rc" = 2 ] || fail "exit $rc, want 2 (a transcript that cannot be read)"
	has "$want"
	lacks 'nothing to show|serving'
	[ "$secs" -le 50 ] || fail "took $((secs / 10)).$((secs % 10)) s"
	[ "$kb" -le "$limit_kb" ] || fail "peak RSS $kb KB"
	[ "$(wc -l <out)" -le 2 ] || fail "more than one line of error"
}
mkdir adir
odd show-dir "cannot read transcript 'adir': it is a directory" "$SMTPSH" show adir
odd replay-dir "it is a directory" "$SMTPSH" replay adir
odd show-read-error "cannot read line 1: Input/output error" "$SMTPSH" show /proc/self/mem
odd show-dev-zero "no line end in the first 16 MiB: this is not a transcript" "$SMTPSH" show /dev/zero
odd serve-dir "it is a directory" "$SMTPSH" serve adir --port 0
odd serve-read-error "Input/output error" "$SMTPSH" serve /proc/self/mem --port 0
odd serve-dev-zero "not a transcript" "$SMTPSH" serve /dev/zero --port 0
if [ "$(id -u)" != 0 ]; then # root reads a mode-000 file anyway
	printf 'R: 220 x\n' >secret.txt && chmod 000 secret.txt
	odd show-unreadable "Permission denied" "$SMTPSH" show secret.txt
fi

# ---- serve: clients that stall ------------------------------------------------
# serve_stall NAME TRANSCRIPT WANT-REGEX ARGS...: serve --timeout 2; the
# client connects and then does nothing (reads nothing, sends nothing) for 20 s
serve_stall() {
	current=$1
	local t=$2 want=$3
	shift 3
	local t0 t1
	t0=$(date +%s%N)
	rc=0
	timeout 15 "$SMTPSH" serve "$t" --port 0 --timeout 2 "$@" >out 2>&1 &
	local spid=$!
	for _ in $(seq 100); do grep -q 'port [0-9]' out 2>/dev/null && break; sleep 0.05; done
	local port
	port=$(sed -n 's/.* port \([0-9]*\) .*/\1/p' out | head -1)
	"$PY" - "$port" <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
# a small receive window, never read: serve's sends back up
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
time.sleep(20)
PY
	local cpid=$!
	pids="$pids $cpid"
	wait "$spid" || rc=$?
	t1=$(date +%s%N)
	kill "$cpid" 2>/dev/null || true
	wait "$cpid" 2>/dev/null || true
	secs=$(((t1 - t0) / 100000000))
	[ "$rc" = 4 ] || fail "exit $rc, want 4 (timeout 124 means serve hung)"
	has "$want"
	[ "$secs" -le 60 ] || fail "took $((secs / 10)).$((secs % 10)) s with --timeout 2"
}
"$PY" - <<'PY'
with open("big.txt", "w") as f:
    f.write("#smtpsh-transcript 1\n# protocol: smtp\nR: 220 hi\n")
    f.write(("R: 250-" + "x" * 120 + "\n") * 250000)  # 32 MB: past any socket buffer
    f.write("R: 250 ok\nS: QUIT\nR: 221 bye\n")
PY
serve_stall serve-never-reads big.txt 'the client stopped reading: transcript line [0-9]+ could not be sent within --timeout'
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
	-keyout key.pem -out cert.pem 2>/dev/null
printf '%s\n' '#smtpsh-transcript 1' '# target: smtps://127.0.0.1:465' '# protocol: smtp' \
	'R: 220 hi' 'S: QUIT' 'R: 221 bye' >tls.txt
serve_stall serve-no-clienthello tls.txt 'did not complete a TLS handshake within 2 s' \
	--cert cert.pem --key key.pem

[ "$fails" = 0 ] && echo "show/serve: odd input handled"
[ "$fails" = 0 ]
