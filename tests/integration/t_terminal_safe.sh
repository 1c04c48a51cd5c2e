#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every path by which bytes from a server or a file reach the terminal,
# fed with hostile input (ESC, BEL, OSC, a UTF-8 C1 CSI U+009B, the bidi
# override U+202E): `status` after a hostile greeting; certificate CN,
# issuer and subjectAltName names (shown with --insecure, on stderr in the
# connect errors without it: name mismatch, self-signed, unknown CA, CN
# only); show/replay's "X is not an SMTP command" and dot-stuffing notes;
# serve's expected S: line; replay --against's divergence explanation and
# its redacted-line warning (SMTPSH_SECRET_1).  Each output is checked
# byte by byte by termsafe.py, and must show the hostile part escaped (so
# that the check cannot pass on output that left it out).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/scripted_server.sh"
fails=0
current=

fail() { echo "FAIL: $current: $1"; sed 's/^/    /' out | cat -v | head -40; fails=$((fails + 1)); }
# safe: every byte of ./out is terminal-safe, and WHAT (an escaped form)
# is in it
safe() {
	local why
	why=$("$PY" "$here/termsafe.py" out) || { fail "$why"; return; }
	grep -qF -- "$1" out || fail "'$1' is not in the output"
}

shell() { # URL 'SCRIPT' ARGS...: script mode, stdout and stderr in ./out
	local url=$1 script=$2
	shift 2
	rc=0
	printf '%b' "$script" | "$SMTPSH" --color=never --no-history --timeout 5 "$@" "$url" >out 2>&1 || rc=$?
}

# ---- status after a hostile greeting -------------------------------------
current=status-greeting
start_server hostile_server.py ansi 0 --idle 10
shell "smtp://127.0.0.1:$(head -1 port)" 'status\nQUIT\n'
stop_server
safe 'banner:     \x1b[31mRED\x1b[0m \x1b]0;pwned\x07'

# ---- certificates ----------------------------------------------------------
# ESC (OSC title), BEL, U+009B (CSI) and U+202E (RLO) in CNs; ESC and BEL in
# subjectAltName DNS names (IA5String: 7-bit)
EVIL_CN=$'evil\x1b]0;pwned\x07\xc2\x9b2J\xe2\x80\xaetxt.exe'
EVIL_CA=$'CA \x1b[2J\xc2\x9b6n\xe2\x80\xae'
EVIL_SAN=$'DNS:a\x1b[2Jb.example,DNS:c\x07d.example'
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -utf8 -subj "/CN=$EVIL_CA" \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=keyCertSign,cRLSign \
	-keyout ca.key -out ca.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -utf8 -subj "/CN=$EVIL_CN" -addext "subjectAltName=$EVIL_SAN" \
	-keyout leaf.key -out leaf.csr 2>/dev/null
openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
	-copy_extensions copy -out leaf.pem 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -utf8 -subj "/CN=$EVIL_CN" \
	-keyout self.key -out self.pem 2>/dev/null # no SAN: the CN stands in

CN_SHOWN='CN=evil\x1b]0\;pwned\x07\xc2\x9b2J\xe2\x80\xaetxt.exe'
tls_case() { # NAME SCENARIO CERT WANT 'SCRIPT' ARGS...
	current=$1
	local scenario=$2 cert=$3 want=$4 script=$5 scheme=smtps
	shift 5
	[ "$scenario" = cert ] && scheme=smtp
	start_server tls_server.py "$scenario" "$cert.pem" "$cert.key"
	shell "$scheme://127.0.0.1:$(head -1 port)" "$script" "$@"
	stop_server
	safe "$want"
}
tls_case insecure-notes implicit leaf "$CN_SHOWN" 'EHLO me\nQUIT\n' --insecure
safe 'valid for:   a\x1b[2Jb.example, c\x07d.example'
safe 'issued by:   CN=CA \x1b[2J\xc2\x9b6n\xe2\x80\xae'
tls_case insecure-status implicit leaf "certificate $CN_SHOWN" 'status\nQUIT\n' --insecure
tls_case mismatch-stderr implicit leaf 'issued for a\x1b[2Jb.example, c\x07d.example, not for 127.0.0.1' \
	'QUIT\n' --cafile ca.pem
tls_case mismatch-starttls cert leaf 'issued for a\x1b[2Jb.example' 'EHLO me\nSTARTTLS\nEHLO me\n' --cafile ca.pem
tls_case unknown-ca implicit leaf 'issued by CN=CA \x1b[2J\xc2\x9b6n\xe2\x80\xae, which is not among' 'QUIT\n'
tls_case self-signed implicit self "self-signed ($CN_SHOWN signed it for itself)" 'QUIT\n'
tls_case cn-only implicit self 'issued for CN=evil\x1b]0;pwned\x07\xc2\x9b2J\xe2\x80\xaetxt.exe only (no subjectAltName)' \
	'QUIT\n' --cafile self.pem

# ---- show / replay: a verb, a dot-stuffed line ------------------------------
current=show-verb
printf '%s\n' '#smtpsh-transcript 1' '# protocol: smtp' 'R: 220 mx' \
	'S: \x1b]0;pwned\x07\xc2\x9b2J\xe2\x80\xae x' 'R: 500 5.5.2 unknown' 'S: QUIT' 'R: 221 bye' >verb.txt
rc=0
"$SMTPSH" show --color=never verb.txt >out 2>&1 || rc=$?
# the verb is upper-cased and cut at 15 bytes (inside U+202E): still safe
safe '\x1b]0;PWNED\x07\xc2\x9b2J\xe2 is not an SMTP command'
current=replay-verb
"$SMTPSH" replay --all --color=never verb.txt >out 2>&1 || rc=$?
safe '\x1b]0;PWNED\x07\xc2\x9b2J\xe2 is not an SMTP command'
current=show-stuffed
printf '%s\n' '#smtpsh-transcript 1' '# protocol: smtp' 'R: 220 mx' \
	'S: EHLO me' 'R: 250 mx' 'S: MAIL FROM:<a@b>' 'R: 250 ok' 'S: RCPT TO:<c@d>' 'R: 250 ok' \
	'S: DATA' 'R: 354 go' 'S: ..\x1b[2J\xe2\x80\xae stuffed' 'S: .' 'R: 250 queued' \
	'S: QUIT' 'R: 221 bye' >stuffed.txt
"$SMTPSH" show --color=never stuffed.txt >out 2>&1 || rc=$?
safe "went out as '..\\x1b[2J\\xe2\\x80\\xae stuffed'"
[ "$rc" = 0 ] || { current=show; fail "exit $rc"; }

# ---- serve: the expected S: line ----------------------------------------------
current=serve-expected
printf '%s\n' '#smtpsh-transcript 1' '# protocol: smtp' 'R: 220 mx' \
	'S: EHLO \x1b]0;pwned\x07\xc2\x9b2J\xe2\x80\xae' 'R: 250 mx' \
	'S: NOOP \x1b[2J\xe2\x80\xae' 'R: 250 ok' 'S: QUIT' 'R: 221 bye' >serve.txt
"$SMTPSH" serve serve.txt --port 0 --timeout 5 >out 2>&1 &
serve_pid=$!
for _ in $(seq 100); do grep -q 'port [0-9]' out 2>/dev/null && break; sleep 0.05; done
sport=$(sed -n 's/.* port \([0-9]*\) .*/\1/p' out | head -1)
"$PY" - "$sport" <<'PY' || true
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10)
s.ehlo("me")
s.docmd("RSET")   # the transcript wants NOOP <hostile>
s.quit()
PY
wait "$serve_pid" || true
safe 'expected: NOOP \x1b[2J\xe2\x80\xae'

# ---- replay --against: both sides of a divergence; a redacted line ---------
current=against-divergence
printf '%s\n' '#smtpsh-transcript 1' '# protocol: smtp' \
	'R: 220 recorded \x1b]0;rec\x07 \xc2\x9b2J \xe2\x80\xae' 'S: QUIT' 'R: 221 bye' >against.txt
start_server hostile_server.py ansi 0 --idle 10
rc=0
"$SMTPSH" --color=never --no-history --timeout 5 replay --against "smtp://127.0.0.1:$(head -1 port)" \
	--exact against.txt >out 2>&1 </dev/null || rc=$?
stop_server
safe 'recorded: 220 recorded \x1b]0;rec\x07 \xc2\x9b2J \xe2\x80\xae'
safe 'live    : 220 \x1b[31mRED\x1b[0m'
[ "$rc" = 5 ] || fail "exit $rc, want 5 (diverged)"

current=against-redacted-warning
printf '%s\n' '#smtpsh-transcript 1' '# protocol: smtp' 'R: 220 mx' 'S: EHLO me' 'R: 250 mx' \
	'S* AUTH PLAIN \x1b]0;pwned\x07\xc2\x9b\xe2\x80\xae[secret, 12 bytes]' 'R: 235 ok' \
	'S: QUIT' 'R: 221 bye' >redacted.txt
start_server hostile_server.py normal 0 --idle 10
"$SMTPSH" --color=never --no-history --timeout 5 replay --against "smtp://127.0.0.1:$(head -1 port)" \
	redacted.txt >out 2>&1 </dev/null || true
stop_server
safe 'redacted (AUTH PLAIN \x1b]0;pwned\x07\xc2\x9b\xe2\x80\xae[secret, 12 bytes]): set SMTPSH_SECRET_1'

[ "$fails" = 0 ] && echo "terminal-safe: every path escaped the hostile bytes"
[ "$fails" = 0 ]
