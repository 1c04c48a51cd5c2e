#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The classroom lab (issue 14 point 7): `smtpsh lab --listen 127.0.0.2
# --class 200 --domains a.test,b.test` writes 200 accounts with random
# secrets (mode 0600, never replaced without --force) and 200 students at
# once each log in, send to the next one and read their mailbox back over
# POP3: every message arrives exactly once, the lab's peak RSS stays
# bounded.  --domains: users per domain, other domains are not local.
# Other loopback addresses only; the lab is stopped by its pid.
set -u
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
CLASS="$here/lab_class.py"
HOST=127.0.0.2
dir=$(mktemp -d)
fails=0
labpid=
trap 'stop_lab; rm -rf "$dir"' EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1${2:+: $2}"; fails=$((fails + 1)); }

base=
for _ in $(seq 1 50); do
	b=$((20000 + (RANDOM % 400) * 100 + 25))
	if "$PY" "$CLASS" free "$HOST" "$b"; then base=$b; break; fi
done
[ -n "$base" ] || { echo "FAIL no free ports on $HOST"; exit 1; }
SMTP=$base POP3=$((base - 415))
runs=0

start_lab() { # options
	runs=$((runs + 1))
	"$SMTPSH" lab --dir "$dir/lab" --port-base "$base" --listen "$HOST" "$@" \
		>"$dir/out.$runs" 2>&1 &
	labpid=$!
	if ! "$PY" "$CLASS" wait "$HOST" "$SMTP" $((base + 62)) $((base - 60)) "$POP3" $((base + 470)); then
		echo "FAIL the lab did not start:"
		sed 's/^/    /' "$dir/out.$runs"
		exit 1
	fi
}

stop_lab() {
	[ -n "$labpid" ] || return 0
	kill -TERM "$labpid" 2>/dev/null
	local rc=0
	wait "$labpid" || rc=$?
	labpid=
	[ "$rc" = 0 ] || fail "lab run $runs exited with $rc" "$(tail -5 "$dir/out.$runs")"
}

# ---- 1. 200 students at once ----
start_lab --class 200 --domains a.test,b.test
file="$dir/lab/class.txt"
mode=$(stat -c %a "$file" 2>/dev/null)
accounts=$(grep -vc '^#' "$file")
distinct=$(grep -v '^#' "$file" | cut -d: -f2 | sort -u | wc -l)
grep -qF "$file" "$dir/out.$runs" && [ "$mode" = 600 ] && [ "$accounts" = 200 ] && [ "$distinct" = 200 ] &&
	pass "--class 200: $accounts accounts, $distinct distinct passwords, mode $mode, path printed" ||
	fail "--class 200" "mode $mode, $accounts accounts, $distinct distinct passwords"
a=$(grep -c '^student[0-9]*@a\.test:' "$file") b=$(grep -c '^student[0-9]*@b\.test:' "$file")
[ "$a" = 100 ] && [ "$b" = 100 ] && pass "students shared between a.test ($a) and b.test ($b)" ||
	fail "domains of the class" "a.test $a, b.test $b"
out=$(timeout 90 "$PY" "$CLASS" class "$HOST" "$SMTP" "$POP3" "$file")
rc=$?
[ "$rc" = 0 ] && pass "$out" || fail "200 concurrent students" "$out"
hwm_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$labpid/status")
[ -n "$hwm_kb" ] && [ "$hwm_kb" -lt 204800 ] && pass "the lab's peak RSS under 200 students: $((hwm_kb / 1024)) MB (VmHWM)" ||
	fail "peak RSS" "${hwm_kb:-?} kB"
# A secret of the class never reaches the lab's terminal or its log.
leaks=0
while IFS=: read -r _ pw _; do
	grep -qF "$pw" "$dir/out.$runs" "$dir/lab/lab.log" && leaks=$((leaks + 1))
done < <(grep -v '^#' "$file")
[ "$leaks" = 0 ] && pass "no student's password on the lab's terminal or in lab.log" ||
	fail "secrets shown" "$leaks passwords on the terminal or in lab.log"
stop_lab
peak=$(sed -n 's/^lab stopped: .*(at most \([0-9]*\) at once).*/\1/p' "$dir/out.$runs")
[ "${peak:-0}" -ge 200 ] && pass "the lab counted $peak connections open at once" ||
	fail "concurrency" "at most ${peak:-?} at once"

# ---- 2. the file is never replaced without --force ----
before=$(sha256sum "$file")
"$SMTPSH" lab --dir "$dir/lab" --port-base "$base" --listen "$HOST" --class 3 >"$dir/again" 2>&1
rc=$?
[ "$rc" = 2 ] && [ "$(sha256sum "$file")" = "$before" ] && grep -qF -- "$file" "$dir/again" &&
	pass "--class again without --force: exit 2, the file untouched" ||
	fail "--class without --force" "exit $rc; $(cat "$dir/again")"
start_lab --class 3 --force
n=$(grep -vc '^#' "$file")
[ "$n" = 3 ] && [ "$(stat -c %a "$file")" = 600 ] && pass "--class 3 --force replaces it (3 accounts, 0600)" ||
	fail "--force" "$n accounts"
stop_lab

# ---- 3. --domains: one user per domain, like seed 003's QQ -> 163 ----
printf 'alice@sohu.com:alice-pw\nbob@sina.com:bob-pw\ncarol:carol-pw\n' >"$dir/users"
start_lab --users "$dir/users" --domains sohu.com,sina.com
out=$("$PY" "$CLASS" chat "$HOST" "$SMTP" 'EHLO me' 'MAIL FROM:<alice@sohu.com>' \
	'RCPT TO:<bob@sina.com>' 'RCPT TO:<bob@sohu.com>' 'RCPT TO:<carol@sina.com>' \
	'RCPT TO:<x@163.com>' 'QUIT')
codes=$(echo "$out" | cut -c1-3 | tr '\n' ' ')
[ "$codes" = "220 250 250 250 550 250 554 221 " ] &&
	pass "--domains sohu.com,sina.com: bob@sina.com 250, bob@sohu.com 550, carol@sina.com 250, x@163.com 554 (relay)" ||
	fail "--domains" "$codes"
# a student verifies the certificate against the address they connect to
rc=0
printf 'QUIT\n' | "$SMTPSH" --no-history --no-record --color=never --cafile "$dir/lab/ca.pem" \
	"smtps://$HOST:$((base - 60))" >"$dir/tls.out" 2>&1 || rc=$?
[ "$rc" = 0 ] && grep -q '^R: 221' "$dir/tls.out" && ! grep -q 'insecure\|does not match' "$dir/tls.out" &&
	pass "the certificate names $HOST: smtps://$HOST verifies with the lab's CA" ||
	fail "TLS to $HOST (exit $rc)" "$(head -8 "$dir/tls.out")"
stop_lab

# ---- 4. bad values ----
for bad in "--listen 300.1.1.1" "--listen example.com" "--domains a..b" "--domains a.test,A.TEST" "--class 0" "--class 501"; do
	# shellcheck disable=SC2086
	"$SMTPSH" lab --dir "$dir/lab" --port-base "$base" $bad >/dev/null 2>&1
	rc=$?
	[ "$rc" = 2 ] && pass "$bad refused (exit 2)" || fail "$bad" "exit $rc"
done

[ "$fails" = 0 ]
