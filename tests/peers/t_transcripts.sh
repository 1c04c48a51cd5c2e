#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Transcripts against real Postfix: a recorded session shows annotated,
# replays against the same server (match, exit 0) and against one that
# answers differently (divergence, exit 5); a swaks session turned into
# a transcript is served by `smtpsh serve` and swaks follows it.
set -eu
. "$(dirname "$0")/lib.sh"

rec=$work/recorded.txt
smtpsh 127.0.0.1:2525 <<'IN'
EHLO client.example
AUTH LOGIN
b64 alice
b64 alice-secret
MAIL FROM:<alice@localhost>
RCPT TO:<bob@localhost>
DATA
Subject: replay me
Date: Mon, 01 Jan 2024 00:00:00 +0000

.a line with a leading dot
.
QUIT
IN
want_rc 0
cp "$transcript" "$rec"
grep -q '^#smtpsh-transcript 1$' "$rec" || fail "no format header"
grep -qx 'S\* \[secret, 16 bytes\]' "$rec" || fail "password line not redacted with its length"
! grep -q 'YWxpY2Utc2VjcmV0' "$rec" || fail "the password's base64 is in the transcript"
grep -q '^S: \.\.a line with a leading dot$' "$rec" || fail "stuffed data line not recorded as sent"
[ "$(stat -c %a "$rec")" = 600 ] || fail "transcript mode is not 600"

# show: annotated like the live shell, no ANSI when not a terminal
"$SMTPSH" show "$rec" >"$out" 2>"$err" || fail "show failed: $(cat "$err")"
has '^R: 235 2\.7\.0' "show lost the 235"
has '^   # "UGFzc3dvcmQ6" is base64 for "Password:"' "show lost the challenge decoding"
has '^   # 250: after the final "\.": message accepted' "show lost the DATA annotation"
! grep -q "$(printf '\033')" "$out" || fail "show wrote escape codes to a pipe"

# replay --against the same server: the codes match
rc=0
SMTPSH_SECRET_1=YWxpY2Utc2VjcmV0 "$SMTPSH" --color=never --no-history replay --yes --against smtp://127.0.0.1:2525 "$rec" >"$out" 2>"$err" || rc=$?
cat "$out" >>"$work/log"
want_rc 0
has '^-- replay matched: [0-9]+ replies as recorded' "no match summary"
lacks 'YWxpY2Utc2VjcmV0'

# --exact: the text matches too once queue ids and dates are masked
rc=0
SMTPSH_SECRET_1=YWxpY2Utc2VjcmV0 "$SMTPSH" --color=never --no-history replay --yes --against smtp://127.0.0.1:2525 --exact "$rec" >"$out" 2>"$err" || rc=$?
cat "$out" >>"$work/log"
want_rc 0

# against port 25, where AUTH is offered only after STARTTLS: diverges
rc=0
SMTPSH_SECRET_1=YWxpY2Utc2VjcmV0 "$SMTPSH" --color=never --no-history replay --yes --against smtp://127.0.0.1:25 "$rec" >"$out" 2>"$err" || rc=$?
cat "$out" >>"$work/log"
want_rc 5
has '^!! diverged at transcript line [0-9]+' "divergence not reported"
has '^!!   recorded: 334 ' "recorded side not shown"
has '^!!   live    : 5[0-9][0-9] ' "live side not shown"

# a wrong secret diverges too (535 where 235 was recorded)
rc=0
SMTPSH_SECRET_1=d3Jvbmc= "$SMTPSH" --color=never --no-history replay --yes --against smtp://127.0.0.1:2525 "$rec" >"$out" 2>"$err" || rc=$?
want_rc 5
has '^!!   live    : 535 ' "535 not reported as the divergence"

# serve: swaks talks to Postfix, its own log becomes a transcript, then
# the same swaks command talks to `smtpsh serve` playing that transcript.
command -v swaks >/dev/null || fail "swaks is not installed"
swaks_args="--from alice@localhost --to bob@localhost --helo client.example --header Subject:served --body hello"
swaks --server 127.0.0.1:25 $swaks_args >"$work/swaks.log" 2>&1 || fail "swaks against Postfix failed: $(tail -3 "$work/swaks.log")"
served=$work/served.txt
{
	echo '#smtpsh-transcript 1'
	echo '# protocol: smtp'
	echo '# made from swaks output: "<-" lines are the server, " ->" lines swaks'
	sed -n -e 's/^<-  \(.*\)$/R: \1/p' -e 's/^ -> \(.*\)$/S: \1/p' "$work/swaks.log"
} >"$served"
grep -q '^S: QUIT' "$served" || fail "swaks log did not convert: $(head -5 "$work/swaks.log")"
"$SMTPSH" serve "$served" --port 0 --timeout 10 >"$work/serve.out" 2>&1 &
serve_pid=$!
port=
for i in $(seq 50); do
	port=$(sed -n 's/^-- serving .* port \([0-9]*\) .*/\1/p' "$work/serve.out")
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || { kill "$serve_pid" 2>/dev/null; fail "serve did not say its port"; }
swaks --server 127.0.0.1:"$port" $swaks_args >"$work/swaks2.log" 2>&1 || true
src=0
wait "$serve_pid" || src=$?
cat "$work/serve.out" >>"$work/log"
[ "$src" = 0 ] || fail "serve exit $src: the client did not follow ($(tail -3 "$work/serve.out"))"
grep -q 'client followed the transcript' "$work/serve.out" || fail "no verdict from serve"
