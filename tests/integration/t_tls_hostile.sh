#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# TLS against hostile servers: STARTTLS response injection, a stripped or
# refused STARTTLS with --starttls, expired / wrong-host / self-signed /
# unknown-CA certificates explained in words, --insecure, implicit TLS, a
# hang-up during the handshake.  Certificates are made here with openssl.
set -eu
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
PY=${PYTHON:-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
server_pid=
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$dir"' EXIT
fails=0
cd "$dir"

# ---- certificates -------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=smtpsh test CA" \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=keyCertSign,cRLSign \
	-keyout ca.key -out ca.pem 2>/dev/null
mkdir -p ca/new && : >ca/index.txt && echo 1000 >ca/serial
cat >ca.cnf <<'CNF'
[ca]
default_ca = test
[test]
dir = ./ca
database = ./ca/index.txt
new_certs_dir = ./ca/new
serial = ./ca/serial
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[any]
commonName = supplied
CNF
issue() { # NAME SAN START END
	openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -addext "subjectAltName=$2" \
		-keyout "$1.key" -out "$1.csr" 2>/dev/null
	openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in "$1.csr" \
		-out "$1.pem" -startdate "$3" -enddate "$4" -notext 2>/dev/null
}
now=$(date -u +%Y%m%d%H%M%SZ)
later=$(date -u -d '+20 days' +%Y%m%d%H%M%SZ)
issue good "DNS:localhost,IP:127.0.0.1" "$now" "$later"
issue expired "DNS:localhost,IP:127.0.0.1" 20200101000000Z 20210101000000Z
issue other "DNS:other.example" "$now" "$later"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
	-addext "subjectAltName=IP:127.0.0.1" -keyout self.key -out self.pem 2>/dev/null

# ---- running one case ---------------------------------------------------
# case NAME SCENARIO CERT WANT_RC 'SCRIPT' SMTPSH-ARGS... ; then checks
# grep its output ($dir/out).
run() {
	local name=$1 scenario=$2 cert=$3 want=$4 script=$5
	shift 5
	"$PY" "$here/tls_server.py" "$scenario" "$cert.pem" "$cert.key" >port 2>/dev/null &
	server_pid=$!
	for _ in $(seq 50); do [ -s port ] && break; sleep 0.1; done
	local port url rc=0
	port=$(head -1 port)
	url=${URL_SCHEME:-smtp}://127.0.0.1:$port
	printf '%b' "$script" | "$SMTPSH" --color=never --no-history --timeout 5 \
		--record "$dir/rec.txt" "$@" "$url" >out 2>&1 || rc=$?
	kill "$server_pid" 2>/dev/null || true
	wait "$server_pid" 2>/dev/null || true
	server_pid=
	: >port
	current=$name
	if [ "$rc" != "$want" ]; then
		echo "FAIL: $name: exit $rc, want $want"; sed 's/^/    /' out; fails=$((fails + 1))
	fi
}
has() {
	grep -qE -- "$1" out || { echo "FAIL: $current: no line matching '$1'"; sed 's/^/    /' out; fails=$((fails + 1)); }
}
lacks() {
	! grep -qE -- "$1" out || { echo "FAIL: $current: unexpected '$1'"; sed 's/^/    /' out; fails=$((fails + 1)); }
}

run injection inject good 0 'EHLO me\nSTARTTLS\nEHLO me\nQUIT\n' --cafile ca.pem
has '^!! DANGER: .* sent [0-9]+ bytes after its go-ahead'
lacks '^R: 250 injected'
has '^-- TLS established'
has '^R: 250 AUTH PLAIN LOGIN'
grep -q 'injected bytes discarded' "$dir/rec.txt" || { echo "FAIL: injection not in the transcript"; fails=$((fails + 1)); }

URL_SCHEME=pop3 run pop3-injection pop3inject good 0 'STLS\nQUIT\n' --cafile ca.pem
has '^!! DANGER'
lacks '^R: \+OK injected'
has '^-- TLS established'

run stripped strip good 3 'QUIT\n' --starttls --cafile ca.pem
has 'does not offer STARTTLS: refusing to go on in plaintext'
lacks '^S: QUIT'

run refused refuse good 3 'QUIT\n' --starttls --cafile ca.pem
has '^R: 454 '
has 'refused STARTTLS: refusing to go on in plaintext'

run with-starttls-option cert good 0 'QUIT\n' --starttls --cafile ca.pem
has '^-- TLS established'
has 'check: +verified'
has '^R: 221 '

run expired cert expired 4 'EHLO me\nSTARTTLS\nEHLO me\n' --cafile ca.pem
has 'the certificate expired on 2021-01-01'
has -- '--insecure'
[ "$(grep -c '^S: EHLO me$' out)" = 1 ] || { echo "FAIL: expired: a line was sent after the failed handshake"; fails=$((fails + 1)); }
has 'nothing was sent in plaintext after STARTTLS'

run wrong-host cert other 4 'EHLO me\nSTARTTLS\nEHLO me\n' --cafile ca.pem
has 'issued for other.example, not for 127.0.0.1'

run self-signed cert self 4 'EHLO me\nSTARTTLS\nEHLO me\n' --cafile ca.pem
has 'self-signed'

run unknown-ca cert good 4 'EHLO me\nSTARTTLS\nEHLO me\n'
has 'issued by CN=smtpsh test CA, which is not among the trusted CAs'
has -- '--cafile FILE'

# doctor reads an expired certificate as a clock or CA problem from the
# verification result, in any language (its words are translated)
for lang in en zh; do
	TLS_SERVER_PROBES=1 "$PY" "$here/tls_server.py" implicit expired.pem expired.key >port 2>/dev/null &
	server_pid=$!
	for _ in $(seq 50); do [ -s port ] && break; sleep 0.1; done
	SMTPSH_PASSWORD=x "$SMTPSH" doctor --lang "$lang" --json --timeout 5 --cafile ca.pem \
		--smtp "smtps://127.0.0.1:$(head -1 port)" --pop3 pop3s://127.0.0.1:1 \
		alice@example.com >doctor.json 2>&1 || true
	kill "$server_pid" 2>/dev/null || true
	wait "$server_pid" 2>/dev/null || true
	server_pid=
	: >port
	"$PY" -c 'import json, sys
steps = json.load(open("doctor.json"))["steps"]
sys.exit(0 if any(s["cause"] == "clock_or_ca" for s in steps) else 1)' ||
		{ echo "FAIL: doctor --lang $lang: the expired certificate is not a clock or CA problem"; sed 's/^/    /' doctor.json; fails=$((fails + 1)); }
done

run insecure cert expired 0 'EHLO me\nSTARTTLS\nEHLO me\nQUIT\n' --insecure --cafile ca.pem
has '^!! INSECURE: the certificate expired'
has '^R: 221 '
grep -q 'tls unverified' "$dir/rec.txt" || { echo "FAIL: insecure: transcript does not say unverified"; fails=$((fails + 1)); }

URL_SCHEME=smtps run implicit implicit good 0 'EHLO me\nQUIT\n' --cafile ca.pem
has 'over TLS'
has '^R: 220 hostile.test'

URL_SCHEME=smtps run implicit-bad-cert implicit other 3 'QUIT\n' --cafile ca.pem
grep -q 'TLS with 127.0.0.1 port [0-9]* failed: the certificate was issued for other.example' out ||
	{ echo "FAIL: implicit-bad-cert: no one-line reason"; cat out; fails=$((fails + 1)); }

run handshake-hangup hangup good 4 'EHLO me\nSTARTTLS\nEHLO me\n' --cafile ca.pem
has 'hung up during the TLS handshake'

[ "$fails" = 0 ] && echo "tls-hostile: all cases passed"
[ "$fails" = 0 ]
