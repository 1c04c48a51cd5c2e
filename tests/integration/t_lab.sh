#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The lab against real clients: swaks (STARTTLS + AUTH, CA verified), curl
# (SMTP send, POP3 retrieve over STLS and POP3S), openssl s_client, the
# shell itself; an SMTP -> POP3 round trip with dot-stuffed lines; POP3
# DELE and the UPDATE state; bare LF; pipelining; every persona; faults;
# a restart without loss; LAB_CONCURRENT (default 1000) sessions at once;
# a slowloris client timed out.  The lab is stopped by its pid only.
set -u
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
CLIENTS="$here/lab_clients.py"
N=${LAB_CONCURRENT:-1000}
# a shell run is given 20 s, or valgrind's pace (SMTPSH_SAN=1) on a loaded machine
shell_limit=20
line_timeout=3 # a TLS handshake under valgrind on a loaded machine can take longer
[ "${SMTPSH_SAN:-}" = 1 ] && shell_limit=90 && line_timeout=15
dir=$(mktemp -d)
fails=0
trap 'stop_lab; rm -rf "$dir"' EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1${2:+: $2}"; fails=$((fails + 1)); }
check() { # NAME COMMAND... : PASS when the command succeeds
	local name=$1
	shift
	local out
	if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$(echo "$out" | tail -5)"; fi
}

lab_options=(--idle-timeout 20 --line-timeout "$line_timeout")
. "$here/lab_run.sh"
CA="$dir/lab/ca.pem"

swaks_send() { # PORT USER SECRET [swaks options]
	local port=$1 user=$2 secret=$3
	shift 3
	swaks --server 127.0.0.1 --port "$port" --tls --tls-verify --tls-ca-path "$CA" \
		--auth LOGIN --auth-user "$user" --auth-password "$secret" \
		--from "${FROM:-$user@localhost}" --to bob@localhost "$@" 2>&1
}

pop3_count() { # USER PASSWORD: messages in the mailbox, over POP3S
	curl -sS --cacert "$CA" "pop3s://127.0.0.1:$POP3S/" -u "$1:$2" | wc -l
}

# ---- start, banner ----
start_lab
urls=$(head -5 "$dir/out.1" | awk '{print $1}' | tr '\n' ' ')
want="smtp://127.0.0.1:$SMTP smtp://127.0.0.1:$SUB smtps://127.0.0.1:$SMTPS pop3://127.0.0.1:$POP3 pop3s://127.0.0.1:$POP3S "
[ "$urls" = "$want" ] && pass "banner: one URL per service first" || fail "banner" "$urls"
grep -q 'alice  *alice-pw  *alicecode1234567' "$dir/out.1" && grep -q 'try this:' "$dir/out.1" &&
	grep -q 'CA SHA256 [0-9A-F:]\{95\}' "$dir/out.1" && pass "banner: users, guide, fingerprint" ||
	fail "banner: users, guide, fingerprint"
check "certificate: SANs 127.0.0.1, ::1, localhost, signed by the lab CA" \
	bash -c "openssl verify -CAfile '$CA' '$dir/lab/server.pem' &&
		openssl x509 -in '$dir/lab/server.pem' -noout -ext subjectAltName |
		grep -q 'DNS:localhost, DNS:lab.smtpsh.test, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1'"

# ---- swaks, curl, openssl against the lab ----
out=$(swaks_send "$SUB" alice alice-pw --header 'Subject: via swaks')
echo "$out" | grep -q '250 2.0.0 Ok: queued as' && pass "swaks: submission, STARTTLS verified against the lab CA, AUTH LOGIN" ||
	fail "swaks submission" "$(echo "$out" | tail -5)"
out=$(swaks_send "$SUB" alice wrong-password)
echo "$out" | grep -q '535 5.7.8 Error: authentication failed' && pass "swaks: wrong password gets 535 5.7.8" ||
	fail "swaks wrong password" "$(echo "$out" | tail -3)"
out=$(swaks --server 127.0.0.1 --port "$SUB" --from alice@localhost --to bob@localhost --auth LOGIN \
	--auth-user alice --auth-password alice-pw 2>&1)
echo "$out" | grep -q 'Host did not advertise authentication' && pass "swaks: no AUTH before STARTTLS on submission" ||
	fail "swaks plaintext submission" "$(echo "$out" | tail -3)"

printf 'From: Alice <alice@localhost>\r\nTo: Bob <bob@localhost>\r\nSubject: dots\r\n\r\nfirst line\r\n.leading dot\r\n.\r\n..two dots\r\nlast line\r\n' >"$dir/msg.txt"
check "curl: SMTP send on submission (STARTTLS required)" \
	curl -sS --ssl-reqd --cacert "$CA" "smtp://127.0.0.1:$SUB" --mail-from alice@localhost \
	--mail-rcpt bob@localhost -u alice:alice-pw -T "$dir/msg.txt"
check "curl: SMTP send on smtps (implicit TLS)" \
	curl -sS --cacert "$CA" "smtps://127.0.0.1:$SMTPS" --mail-from alice@localhost \
	--mail-rcpt alice@localhost -u alice:alice-pw -T "$dir/msg.txt"
n=$(pop3_count bob bob-pw)
curl -sS --cacert "$CA" "pop3s://127.0.0.1:$POP3S/$n" -u bob:bob-pw >"$dir/got.txt"
if tr -d '\r' <"$dir/got.txt" | sed '1,/^$/d' | diff - <(tr -d '\r' <"$dir/msg.txt" | sed '1,/^$/d') >/dev/null &&
	grep -q '^Received: from ' "$dir/got.txt" && grep -q 'with ESMTPSA id' "$dir/got.txt"; then
	pass "round trip: SMTP -> POP3S, lines '.', '.x' and '..x' intact, trace header added"
else
	fail "round trip" "$(diff <(tr -d '\r' <"$dir/got.txt") <(tr -d '\r' <"$dir/msg.txt") | head -10)"
fi
check "curl: POP3 over STLS (--ssl-reqd)" \
	bash -c "curl -sS --ssl-reqd --cacert '$CA' 'pop3://127.0.0.1:$POP3/$n' -u bob:bob-pw | grep -q '^\.\.two dots'"
out=$( (printf 'EHLO c\nAUTH PLAIN AGFsaWNlAGFsaWNlLXB3\nMAIL FROM:<alice@localhost>\nRCPT TO:<bob@localhost>\nDATA\nSubject: s_client\n\nvia openssl\n.\nQUIT\n'; sleep 1) |
	timeout 10 openssl s_client -starttls smtp -CAfile "$CA" -verify_return_error -verify_ip 127.0.0.1 \
	-connect "127.0.0.1:$SUB" -crlf -quiet 2>&1)
echo "$out" | grep -q '250 2.0.0 Ok: queued as' && pass "openssl s_client -starttls smtp, verified" ||
	fail "openssl s_client smtp" "$(echo "$out" | tail -4)"
out=$( (printf 'USER bob\nPASS bob-pw\nSTAT\nQUIT\n'; sleep 1) |
	timeout 10 openssl s_client -starttls pop3 -CAfile "$CA" -verify_return_error -verify_ip 127.0.0.1 \
	-connect "127.0.0.1:$POP3" -crlf -quiet 2>&1)
echo "$out" | grep -q '^+OK Logged in\.' && pass "openssl s_client -starttls pop3, verified" ||
	fail "openssl s_client pop3" "$(echo "$out" | tail -4)"

# ---- the shell itself ----
out=$(printf 'EHLO me\nAUTH LOGIN\nYWxpY2U=\nYWxpY2UtcHc=\nQUIT\n' |
	timeout "$shell_limit" "$SMTPSH" --no-record --no-history "smtp://127.0.0.1:$SMTP" 2>&1)
echo "$out" | grep -q '^R: 235 2.7.0' && pass "smtpsh: AUTH LOGIN by hand on the teaching port" ||
	fail "smtpsh by hand" "$(echo "$out" | tail -4)"
out=$(printf 'EHLO me\nstarttls\nEHLO me\nQUIT\n' |
	timeout "$shell_limit" "$SMTPSH" --no-record --no-history --cafile "$CA" "smtp://127.0.0.1:$SUB" 2>&1)
echo "$out" | grep -q 'TLS established' && echo "$out" | grep -q '^R: 250-AUTH PLAIN LOGIN CRAM-MD5' &&
	pass "smtpsh: STARTTLS on submission trusting the lab CA" || fail "smtpsh starttls" "$(echo "$out" | tail -4)"
out=$(printf 'QUIT\n' | timeout "$shell_limit" "$SMTPSH" --no-record --no-history "smtps://127.0.0.1:$SMTPS" 2>&1)
echo "$out" | grep -q 'not among the trusted CAs' && pass "smtpsh: the lab certificate is refused without --cafile" ||
	fail "smtpsh untrusted" "$(echo "$out" | tail -2)"

# --trace: each state change on stderr, in order, never on stdout nor in the transcript;
# status lists the same changes
printf 'EHLO me\nMAIL FROM:<alice@localhost>\nRCPT TO:<bob@localhost>\nDATA\nSubject: t\n\nhi\n.\n/status\nQUIT\n' |
	timeout 20 "$SMTPSH" --trace --record "$dir/trace.rec" --no-history "smtp://127.0.0.1:$SMTP" \
		>"$dir/trace.out" 2>"$dir/trace.err"
want='-- trace: smtp: closed -> greeting (connected)
-- trace: smtp: greeting -> init (220 greeting)
-- trace: smtp: init -> ready (250 to EHLO)
-- trace: smtp: ready -> mail (250 to MAIL)
-- trace: smtp: mail -> rcpt (250 to RCPT)
-- trace: smtp: rcpt -> data (354 to DATA)
-- trace: smtp: data -> ready ("." sent)
-- trace: smtp: ready -> closed (221 to QUIT)'
got=$(grep -- '-- trace:' "$dir/trace.err")
[ "$got" = "$want" ] && pass "--trace: SMTP transitions on stderr, in order" || fail "--trace smtp" "$got"
grep -q 'trace:' "$dir/trace.out" "$dir/trace.rec" && fail "--trace: a trace line on stdout or in the transcript" \
	"$(grep -n trace "$dir/trace.out" "$dir/trace.rec" | head -3)" ||
	{ grep -q '^R: 221' "$dir/trace.rec" && pass "--trace: no trace line on stdout nor in the transcript"; } ||
	fail "--trace: the transcript was not written"
grep -qx '  smtp: ready -> mail (250 to MAIL)' "$dir/trace.out" &&
	grep -qx '  smtp: data -> ready ("." sent)' "$dir/trace.out" &&
	pass "status: lists the last transitions" || fail "status transitions" "$(grep -A12 '^state:' "$dir/trace.out")"
got=$(printf 'EHLO me\nstarttls\nEHLO me\nQUIT\n' | timeout 20 "$SMTPSH" --trace --no-record --no-history \
	--cafile "$CA" "smtp://127.0.0.1:$SUB" 2>&1 >/dev/null | grep -- '-- trace:' | sed -n 4p)
[ "$got" = '-- trace: smtp: ready -> init (TLS up after STARTTLS)' ] &&
	pass "--trace: STARTTLS takes the session back to init" || fail "--trace starttls" "$got"
got=$(printf 'USER alice\nPASS wrong\nUSER alice\nPASS alice-pw\nQUIT\n' |
	timeout 20 "$SMTPSH" --trace --no-record --no-history "pop3://127.0.0.1:$POP3" 2>&1 >/dev/null |
	grep -- '-- trace:' | tr '\n' '|')
[ "$got" = '-- trace: pop3: closed -> greeting (connected)|-- trace: pop3: greeting -> login (+OK greeting)|-- trace: pop3: login -> pass (+OK to USER)|-- trace: pop3: pass -> login (-ERR to PASS)|-- trace: pop3: login -> pass (+OK to USER)|-- trace: pop3: pass -> trans (+OK to PASS)|-- trace: pop3: trans -> closed (+OK to QUIT)|' ] &&
	pass "--trace: POP3 login, a wrong password back to login" || fail "--trace pop3" "$got"

# ---- raw protocol checks ----
check "bare LF refused as Postfix 3.9 does (521, then close)" "$PY" "$CLIENTS" barelf "$SMTP"
check "pipelining: replies in order (250 250 250 550 354 250)" "$PY" "$CLIENTS" pipeline "$SMTP"
check "STARTTLS: commands pipelined in clear before the handshake are discarded" \
	"$PY" "$CLIENTS" injection "$SUB" "$CA"

# POP3 UPDATE state: DELE counts only at QUIT
before=$(pop3_count alice alice-pw)
printf 'USER alice\r\nPASS alice-pw\r\nDELE 1\r\n' | timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$POP3; cat >&3; sleep 0.5; exec 3>&-" 2>/dev/null
after_drop=$(pop3_count alice alice-pw)
curl -sS --cacert "$CA" "pop3s://127.0.0.1:$POP3S/1" -u alice:alice-pw -X DELE -I >/dev/null 2>&1
after_quit=$(pop3_count alice alice-pw)
[ "$after_drop" = "$before" ] && [ "$after_quit" = $((before - 1)) ] &&
	pass "POP3: DELE applied only at QUIT ($before -> $after_drop without QUIT -> $after_quit with)" ||
	fail "POP3 UPDATE state" "$before $after_drop $after_quit"

check "POP3: a locked mailbox answers -ERR [IN-USE]" "$PY" "$CLIENTS" inuse "$POP3"

# ---- many at once, slowloris ----
out=$("$PY" "$CLIENTS" concurrent "$SMTP" "$N")
[ $? = 0 ] && pass "concurrency: $out" || fail "concurrency" "$out"
out=$("$PY" "$CLIENTS" tls "$SMTPS" "$((N / 2))" "$CA")
[ $? = 0 ] && pass "TLS concurrency: $out" || fail "TLS concurrency" "$out"
out=$("$PY" "$CLIENTS" slowloris "$SMTP")
[ $? = 0 ] && pass "slowloris: $out" || fail "slowloris" "$out"

# ---- restart without loss ----
count=$(pop3_count bob bob-pw)
stop_lab && pass "SIGTERM stops the lab cleanly (exit 0)" || fail "SIGTERM exit status"
peak=$(sed -n 's/^lab stopped: .*(at most \([0-9]*\) at once).*/\1/p' "$dir/out.$runs")
[ "${peak:-0}" -ge "$N" ] && pass "the lab held $peak sessions at once" ||
	fail "peak sessions" "$(tail -1 "$dir/out.$runs")"
start_lab
again=$(pop3_count bob bob-pw)
[ "$count" = "$again" ] && [ "$count" -gt "$N" ] && pass "restart: bob's $count messages all there" ||
	fail "restart without loss" "$count before, $again after"
grep -q '(made now)' "$dir/out.$runs" && fail "restart made a new CA" || pass "restart: the CA is kept"
stop_lab

# ---- personas ----
declare -A refusal=(
	[qq]='535 Login Fail. Please enter your authorization code to login.'
	[163]='535 Error: authentication failed'
	[gmail]='534-5.7.9 Application-specific password required.'
	[outlook]='535 5.7.139 Authentication unsuccessful, basic authentication is disabled.'
)
for p in qq 163 gmail outlook; do
	start_lab --persona "$p"
	dom=$p.com
	user=alice@$dom
	out=$(FROM=$user swaks_send "$SUB" "$user" alice-pw)
	out2=$(FROM=$user swaks_send "$SUB" "$user" alicecode1234567)
	if echo "$out" | grep -qF "${refusal[$p]}" && echo "$out2" | grep -q '250 2.0.0 Ok: queued as'; then
		pass "persona $p: the password is refused with its text, the authcode logs in"
	else
		fail "persona $p" "$(echo "$out" | grep '<~\*' | head -2)"
	fi
	if [ "$p" = qq ]; then
		n=$(curl -sS --cacert "$CA" "pop3s://127.0.0.1:$POP3S/" -u 10002:bobcode123456789 | wc -l)
		out=$(curl -sS --cacert "$CA" "pop3s://127.0.0.1:$POP3S/" -u bob@qq.com:bob-pw 2>&1)
		[ "$n" -gt 0 ] && echo "$out" | grep -q 'Login denied\|denied\|(67)' &&
			pass "persona qq: POP3 takes the authcode, refuses the password" ||
			fail "persona qq POP3" "$n / $out"
	fi
	stop_lab
done

# ---- faults ----
start_lab --faults '451@RCPT'
out=$(swaks_send "$SUB" alice alice-pw)
echo "$out" | grep -q '451 4.3.0 <bob@localhost>: Temporary lookup failure' && pass "fault 451@RCPT" ||
	fail "fault 451@RCPT" "$(echo "$out" | tail -3)"
stop_lab
start_lab --faults '421@CONNECT'
out=$(swaks --server 127.0.0.1 --port "$SMTP" --to bob@localhost 2>&1)
echo "$out" | grep -q '421 4.3.2' && pass "fault 421@CONNECT" || fail "fault 421@CONNECT" "$(echo "$out" | tail -3)"
stop_lab
start_lab --faults 'seed=7,slow=1500@MAIL,drop@DATA'
t0=$(date +%s%N)
out=$(swaks --server 127.0.0.1 --port "$SMTP" --from a@example.org --to bob@localhost 2>&1)
ms=$((($(date +%s%N) - t0) / 1000000))
echo "$out" | grep -qi 'closed connection unexpectedly\|connection closed\|lost\|EOF' && [ "$ms" -ge 1400 ] &&
	pass "faults slow=1500@MAIL (${ms} ms) and drop@DATA" || fail "slow/drop" "$ms ms; $(echo "$out" | tail -3)"
stop_lab
start_lab --faults 'seed=3,454@AUTH:50%'
seq1=$(for i in 1 2 3 4 5 6 7 8; do swaks_send "$SUB" alice alice-pw | grep -c '454 4.7.0'; done | tr -d '\n')
stop_lab
start_lab --faults 'seed=3,454@AUTH:50%'
seq2=$(for i in 1 2 3 4 5 6 7 8; do swaks_send "$SUB" alice alice-pw | grep -c '454 4.7.0'; done | tr -d '\n')
stop_lab
[ "$seq1" = "$seq2" ] && [[ $seq1 == *0* && $seq1 == *1* ]] && pass "faults: the same seed gives the same faults ($seq1)" || fail "seeded faults" "$seq1 vs $seq2"

# ---- --trace: each session's state changes on stderr, never in lab.log ----
start_lab --trace
swaks --server 127.0.0.1 --port "$SMTP" --from a@example.org --to bob@localhost >/dev/null 2>&1
curl -sS --cacert "$CA" "pop3s://127.0.0.1:$POP3S/" -u bob:bob-pw >/dev/null 2>&1
stop_lab
trace_ok=1
for want in 'lab smtp #[0-9]*: init -> ready (250 to EHLO)' 'lab smtp #[0-9]*: ready -> mail (250 to MAIL)' \
	'lab smtp #[0-9]*: mail -> rcpt (250 to RCPT)' 'lab smtp #[0-9]*: rcpt -> data (354 to DATA)' \
	'lab smtp #[0-9]*: data -> deliver (end of DATA)' 'lab smtp #[0-9]*: deliver -> ready (250 queued)' \
	'lab pop3 #[0-9]*: authorization -> transaction (+OK to login)'; do
	grep -q "^-- trace: $want\$" "$dir/out.$runs" || { trace_ok=0; fail "--trace: no line '$want'" "$(grep -- '-- trace' "$dir/out.$runs" | head -8)"; }
done
[ "$trace_ok" = 1 ] && pass "--trace: each state change of a session, '-- trace: lab smtp #N: ready -> mail (250 to MAIL)'"
grep -q -- '-- trace' "$dir/lab/lab.log" && fail "--trace lines reached lab.log" || pass "--trace: nothing of it in lab.log"

# ---- smtpsh --lab: the lab in the background of the shell ----
out=$(printf 'EHLO me\nQUIT\n' | XDG_DATA_HOME="$dir/xdg" timeout 60 "$SMTPSH" --lab --no-record --no-history 2>&1)
sleep 0.5
if echo "$out" | grep -q '^R: 221' && grep -q 'stopped:' "$dir/xdg/smtpsh/lab/lab.log"; then
	pass "smtpsh --lab: connected to a background lab, which stopped with the shell"
else
	fail "smtpsh --lab" "$(echo "$out" | tail -5)"
fi

grep -q '## .*' "$dir/lab/lab.log" && ! grep -q 'alice-pw' "$dir/lab/lab.log" &&
	pass "lab.log explains each reply and holds no password" || fail "lab.log"

echo "t_lab: $fails failed"
[ "$fails" = 0 ]
