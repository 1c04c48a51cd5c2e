#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Notes that used to mislead: 538 5.7.11 on an smtps:// connection (TLS is
# already up: "send STARTTLS" is no advice), live and in `show`; AUTH to a
# server whose EHLO listed no AUTH (warned before sending; its reply is
# "unknown command", not RFC 4954's "line too long or not understood");
# POP3 "UIDL 1" / "LIST 1" answered without the message number.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/scripted_server.sh"
fails=0
current=
fail() { echo "FAIL: $current: $1"; sed 's/^/    /' out | head -40; fails=$((fails + 1)); }
has() { grep -qE -- "$1" out || fail "no line matching '$1'"; }
lacks() { ! grep -qE -- "$1" out || fail "unexpected '$1'"; }
# before A B: the first line matching A comes before the first matching B
before() {
	local a b
	a=$(grep -nE -- "$1" out | head -1 | cut -d: -f1)
	b=$(grep -nE -- "$2" out | head -1 | cut -d: -f1)
	[ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ] || fail "'$1' does not come before '$2'"
}

shell() { # URL 'SCRIPT' ARGS...
	local url=$1 script=$2
	shift 2
	printf '%b' "$script" | "$SMTPSH" --color=never --no-history --timeout 5 "$@" "$url" >out 2>&1 || true
}

# ---- 538 when TLS is already up ---------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
	-addext "subjectAltName=IP:127.0.0.1" -keyout self.key -out self.pem 2>/dev/null
current=538-over-smtps
start_server tls_server.py implicit538 self.pem self.key
shell "smtps://127.0.0.1:$(head -1 port)" 'EHLO me\nAUTH PLAIN AGJvYgBzZWNyZXQ=\nQUIT\n' \
	--cafile self.pem --record 538.txt
stop_server
has '^R: 538 5.7.11'
has 'hint: TLS is already up on this connection, so STARTTLS cannot help'
lacks 'STARTTLS first|send STARTTLS'
current=538-over-smtps-show
"$SMTPSH" show --color=never 538.txt >out 2>&1 || true
has 'hint: TLS is already up'
lacks 'STARTTLS first|send STARTTLS'
# and on a plaintext connection STARTTLS stays the advice
current=538-plaintext-show
sed 's|^# target: smtps://|# target: smtp://|; /^-- tls /d' 538.txt >538plain.txt
"$SMTPSH" show --color=never 538plain.txt >out 2>&1 || true
has 'hint: the server wants TLS before a login'
has 'what to do: Send STARTTLS'

# ---- AUTH that the server did not offer ---------------------------------------
current=auth-not-offered-live
start_server hostile_server.py normal 0 --idle 10
shell "smtp://127.0.0.1:$(head -1 port)" 'EHLO me\nAUTH PLAIN AGJvYgBzZWNyZXQ=\nQUIT\n'
stop_server
before '^!! the server offers no AUTH: its EHLO reply has no AUTH line' '^S: AUTH PLAIN'
has '^R: 502 '
lacks 'AUTH is not available here|out of order'

current=auth-not-offered-500
printf '%s\n' '#smtpsh-transcript 1' '# protocol: smtp' 'R: 220 mx' 'S: EHLO me' \
	'R: 250-mx' 'R: 250-PIPELINING' 'R: 250 8BITMIME' 'S: AUTH LOGIN' \
	'R: 500 5.5.1 Command unrecognized: "AUTH LOGIN"' 'S: QUIT' 'R: 221 bye' >auth500.txt
"$SMTPSH" show --color=never auth500.txt >out 2>&1 || true
before '^!! the server offers no AUTH' '^S: AUTH LOGIN'
has '^   # 500: syntax error: command not recognised'
has '^   # the server offers no AUTH: its EHLO reply has no AUTH line'
lacks 'line too long or not understood'

# ---- POP3: UIDL n / LIST n without the message number -------------------------
current=pop3-uidl-live
start_server hostile_server.py pop3_uidl 0 --idle 10
shell "pop3://127.0.0.1:$(head -1 port)" 'USER bob\nPASS x\nUIDL 1\nLIST 1\nQUIT\n'
stop_server
has '^!! this answer to UIDL 1 does not start with the message number: RFC 1939 wants "\+OK 1 <unique-id>"'
has '^!! this answer to LIST 1 does not start with the message number: RFC 1939 wants "\+OK 1 <size>"'
current=pop3-uidl-good
printf '%s\n' '#smtpsh-transcript 1' '# protocol: pop3' 'R: +OK hi' 'S: USER bob' 'R: +OK' \
	'S: PASS x' 'R: +OK' 'S: UIDL 1' 'R: +OK 1 whqtswO00WBw418f9t5JxYwZ' 'S: QUIT' 'R: +OK bye' >uidl.txt
"$SMTPSH" show --color=never uidl.txt >out 2>&1 || true
lacks '^!! '

[ "$fails" = 0 ] && echo "notes: 538 over TLS, AUTH not offered and UIDL answers explained right"
[ "$fails" = 0 ]
