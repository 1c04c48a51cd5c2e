#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `serve` with real clients.  The shell records a session against the lab;
# serve plays it back to Python's smtplib (lower-case verbs, size=, several
# commands), curl (SIZE= on MAIL FROM) and swaks, which must all be found
# to follow it (exit 0).  A message one line shorter (smtplib) or longer
# (swaks adds a line end) is reported (exit 5) without either side
# waiting for a timeout.  The lab is stopped by its pid only.
set -eu
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
PY=${PYTHON:-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
labpid=
cleanup() {
	if [ -n "$labpid" ]; then kill "$labpid" 2>/dev/null || true; wait "$labpid" 2>/dev/null || true; fi
	rm -rf "$dir"
}
trap cleanup EXIT
cd "$dir"
fails=0
current=
fail() { echo "FAIL: $current: $1"; sed 's/^/    /' serve.out | head -40; fails=$((fails + 1)); }
has() { grep -qE -- "$1" serve.out || fail "no line matching '$1'"; }
lacks() { ! grep -qE -- "$1" serve.out || fail "unexpected '$1'"; }

# ---- the lab, and a session recorded against it -----------------------------
base=
for _ in $(seq 1 50); do
	b=$((20000 + (RANDOM % 400) * 100 + 25))
	if "$PY" "$here/lab_clients.py" free "$b"; then base=$b; break; fi
done
[ -n "$base" ] || { echo "FAIL no free ports"; exit 1; }
"$SMTPSH" lab --dir "$dir/lab" --port-base "$base" --idle-timeout 20 >lab.out 2>&1 &
labpid=$!
"$PY" "$here/lab_clients.py" wait "$base" $((base + 62)) $((base - 60)) $((base - 415)) $((base + 470)) >/dev/null ||
	{ echo "FAIL the lab did not start"; cat lab.out; exit 1; }
printf '%s\n' 'EHLO me' 'NOOP' 'RSET' 'MAIL FROM:<alice@localhost>' 'RCPT TO:<bob@localhost>' \
	'RCPT TO:<alice@localhost>' 'DATA' 'Subject: hi' '' 'line one' '.dot line' 'line three' '.' 'QUIT' |
	"$SMTPSH" --no-history --color=never --record rec.txt "smtp://127.0.0.1:$base" >record.out 2>&1 ||
	{ echo "FAIL recording against the lab"; cat record.out; exit 1; }
kill "$labpid" && wait "$labpid" 2>/dev/null || true
labpid=
grep -q '^R: 250 2.0.0 Ok: queued' rec.txt || { echo "FAIL the recorded session did not send"; cat record.out; exit 1; }
# the message as it went out (dot-stuffed on the wire, unstuffed here)
printf 'Subject: hi\r\n\r\nline one\r\n.dot line\r\nline three\r\n' >msg.eml

# serve_with NAME WANT-RC CLIENT...: serve rec.txt to one client (a
# function reading SERVE_PORT); the time serve took lands in secs (1/10 s)
serve_with() {
	current=$1
	local want=$2
	shift 2
	local t0 t1 rc=0
	t0=$(date +%s%N)
	timeout 30 "$SMTPSH" serve rec.txt --port 0 --timeout 10 >serve.out 2>&1 &
	local spid=$!
	for _ in $(seq 100); do
		grep -q 'port [0-9]' serve.out 2>/dev/null && break
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.05
	done
	SERVE_PORT=$(sed -n 's/.* port \([0-9]*\) .*/\1/p' serve.out | head -1)
	"$@" >client.out 2>&1 || { echo "FAIL: $current: the client failed:"; sed 's/^/    /' client.out; fails=$((fails + 1)); }
	wait "$spid" || rc=$?
	t1=$(date +%s%N)
	secs=$(((t1 - t0) / 100000000))
	[ "$rc" = "$want" ] || fail "serve exit $rc, want $want"
	[ "$secs" -lt 50 ] || fail "took $((secs / 10)).$((secs % 10)) s: someone waited for a timeout"
}

smtplib_client() { # MESSAGE-FILE
	"$PY" - "$SERVE_PORT" "$1" <<'PY'
import smtplib, sys
body = open(sys.argv[2], "rb").read()
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=20)
s.ehlo("me")
assert s.noop()[0] == 250
assert s.rset()[0] == 250
refused = s.sendmail("alice@localhost", ["bob@localhost", "alice@localhost"], body)
assert not refused, refused
s.quit()
PY
}

serve_with smtplib 0 smtplib_client msg.eml
has '^S: ehlo me'
has '^S: mail FROM:<alice@localhost> size=[0-9]+'
has '^   # ESMTP parameters are the client.s choice: the client added size=[0-9]+'
has '^S: rcpt TO:<alice@localhost>'
has '^S: \.\.dot line'
has '^-- client followed the transcript: 14 lines matched, 0 differed'

# curl sends no NOOP or RSET: a session of its own shape, recorded too
printf '%s\n' 'EHLO me' 'MAIL FROM:<alice@localhost>' 'RCPT TO:<bob@localhost>' 'DATA' \
	'Subject: hi' '' 'line one' '.dot line' 'line three' '.' 'QUIT' >plain.script
"$SMTPSH" lab --dir "$dir/lab" --port-base "$base" --idle-timeout 20 >lab.out 2>&1 &
labpid=$!
"$PY" "$here/lab_clients.py" wait "$base" >/dev/null || { echo "FAIL the lab did not start again"; exit 1; }
"$SMTPSH" --no-history --color=never --record rec.txt "smtp://127.0.0.1:$base" <plain.script >record.out 2>&1
kill "$labpid" && wait "$labpid" 2>/dev/null || true
labpid=
curl_client() {
	curl -sS --max-time 20 "smtp://127.0.0.1:$SERVE_PORT/me" \
		--mail-from alice@localhost --mail-rcpt bob@localhost -T msg.eml
}
swaks_client() { # MESSAGE-FILE
	swaks --server 127.0.0.1 --port "$SERVE_PORT" --helo me --from alice@localhost \
		--to bob@localhost --data "@$1" --timeout 20
}
serve_with curl 0 curl_client
has '^S: MAIL FROM:<alice@localhost> SIZE=[0-9]+'
has 'the client added SIZE=[0-9]+'
has '^-- client followed the transcript'

# swaks adds the final line end itself: the message without its last CRLF
printf 'Subject: hi\r\n\r\nline one\r\n.dot line\r\nline three' >swaks.eml
serve_with swaks 0 swaks_client swaks.eml
has '^-- client followed the transcript'

# one line more: swaks with the last CRLF sends an empty line before "."
serve_with swaks-one-line-more 5 swaks_client msg.eml
has "the client's message has 1 line more than the transcript's"
has '^R: 250 2.0.0 Ok: queued'
has '^R: 221 '

# one line fewer: smtplib's message stops before "line three"
printf 'Subject: hi\r\n\r\nline one\r\n.dot line\r\n' >short.eml
smtplib_plain() {
	"$PY" - "$SERVE_PORT" short.eml <<'PY'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=20)
s.ehlo("me")
s.sendmail("alice@localhost", ["bob@localhost"], open(sys.argv[2], "rb").read())
s.quit()
PY
}
serve_with smtplib-one-line-fewer 5 smtplib_plain
has "the client's message has 1 line fewer than the transcript's"
has '^R: 250 2.0.0 Ok: queued'
has '^S: quit'

[ "$fails" = 0 ] && echo "serve: smtplib, curl and swaks followed; longer and shorter messages reported at once"
[ "$fails" = 0 ]
