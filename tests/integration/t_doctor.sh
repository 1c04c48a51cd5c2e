#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# smtpsh doctor against the lab's personas over loopback, the lab's CA
# trusted: every persona with the right code (exit 0), the account
# password and a wrong code (exit 1, the provider's cause), SMTP switched
# off, POP3 switched off, sender mismatch, a locked account, the tenant
# with SMTP AUTH off, --send-to delivering a message that POP3 then
# finds, and ports with nothing listening (exit 3).  The secret is never
# in the output.  The lab is stopped by its pid only.
set -u
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
CLIENTS="$here/lab_clients.py"
dir=$(mktemp -d)
fails=0
trap 'stop_lab; rm -rf "$dir"' EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1${2:+: $2}"; fails=$((fails + 1)); }

line_timeout=10 # generous: a busy machine (CI) is slow, and no check here times out
[ "${SMTPSH_SAN:-}" = 1 ] && line_timeout=15
lab_options=(--idle-timeout 20 --line-timeout "$line_timeout")
. "$here/lab_run.sh"
CA="$dir/lab/ca.pem"

# doctor SECRET ADDRESS [options]: the JSON report in $dir/json, the exit
# status in $rc; the secret goes through the environment only.
doctor() {
	local secret=$1
	shift
	rc=0
	SMTPSH_PASSWORD=$secret "$SMTPSH" doctor --json --cafile "$CA" -t 10 \
		--smtp "smtps://127.0.0.1:$SMTPS" --pop3 "pop3s://127.0.0.1:$POP3S" "$@" \
		>"$dir/json" 2>"$dir/err" </dev/null || rc=$?
	if grep -qF -- "$secret" "$dir/json" "$dir/err"; then
		fail "the secret was printed ($*)"
	fi
}

# cause STEP: the cause the JSON report gives for STEP ("-" when none)
cause() {
	"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
for s in d["steps"]:
    if s["name"] == sys.argv[2]:
        print(s["cause"] or "-"); break
else:
    print("missing")' "$dir/json" "$1"
}

# expect NAME RC STEP CAUSE: the last doctor run ended so
expect() {
	local name=$1 want_rc=$2 step=$3 want=$4 got
	got=$(cause "$step")
	if [ "$rc" = "$want_rc" ] && [ "$got" = "$want" ]; then
		pass "$name"
	else
		fail "$name" "exit $rc (want $want_rc), $step cause '$got' (want '$want'): $(head -c 600 "$dir/json") $(head -3 "$dir/err")"
	fi
}

declare -A wants=([qq]=authorization_code [163]=authorization_code [gmail]=app_password
	[outlook]=app_password [yahoo]=app_password [icloud]=app_password)
for p in qq 163 gmail outlook yahoo icloud; do
	start_lab --persona "$p"
	addr=alice@$p.com
	doctor alicecode1234567 "$addr"
	expect "doctor $p: the right code passes every step" 0 "pop3 stat" -
	doctor alice-pw "$addr"
	expect "doctor $p: the account password is refused: ${wants[$p]}" 1 "smtp auth" "${wants[$p]}"
	doctor wrongcode0000000 "$addr"
	expect "doctor $p: a wrong code is refused: ${wants[$p]}" 1 "smtp auth" "${wants[$p]}"
	if [ "$p" = qq ]; then
		doctor bobcode123456789 "$addr" --user bob@qq.com
		expect "doctor qq: logged in as bob, MAIL FROM alice: sender mismatch" 1 \
			"smtp mail from" sender_mismatch
		doctor alicecode1234567 "$addr" --send-to bob@qq.com
		n=$(curl -sS --cacert "$CA" "pop3s://127.0.0.1:$POP3S/" -u bob@qq.com:bobcode123456789 | wc -l)
		[ "$rc" = 0 ] && [ "$n" = 1 ] && pass "doctor --send-to: one test message reached bob" ||
			fail "doctor --send-to" "exit $rc, bob has $n messages"
	fi
	if [ "$p" = gmail ]; then
		locked=
		for _ in 1 2 3 4 5 6 7; do
			doctor wrongcode0000000 "$addr"
			[ "$(cause "smtp auth")" = locked ] && locked=1 && break
		done
		doctor alicecode1234567 "$addr"
		[ -n "$locked" ] && expect "doctor gmail: failures lock the account, the right code too" \
			1 "smtp auth" locked || fail "doctor gmail: never locked" "$(head -c 400 "$dir/json")"
	fi
	stop_lab
done

start_lab --persona 163:smtp-off
doctor alicecode1234567 alice@163.com
expect "doctor 163:smtp-off: service switched off" 1 "smtp auth" service_off
stop_lab
start_lab --persona gmail:pop3-off
doctor alicecode1234567 alice@gmail.com
expect "doctor gmail:pop3-off: SMTP passes, POP3 service switched off" 1 "pop3 login" service_off
stop_lab
start_lab --persona outlook:tenant-auth-off
doctor alicecode1234567 alice@outlook.com
expect "doctor outlook:tenant-auth-off: SMTP AUTH disabled for the tenant" 1 "smtp auth" \
	tenant_auth_off
stop_lab
# submission with STARTTLS and POP3 with STLS
start_lab --persona qq
rc=0
SMTPSH_PASSWORD=alicecode1234567 "$SMTPSH" doctor --cafile "$CA" -t 10 --smtp "smtp://127.0.0.1:$SUB" \
	--pop3 "pop3://127.0.0.1:$POP3" alice@qq.com >"$dir/out" 2>&1 </dev/null || rc=$?
[ "$rc" = 0 ] && pass "doctor: STARTTLS on submission and STLS on POP3 pass" ||
	fail "doctor STARTTLS/STLS" "exit $rc: $(tail -8 "$dir/out")"
stop_lab

# nothing listening: the ports of the lab just stopped
doctor alicecode1234567 alice@qq.com
expect "doctor: nothing listening is exit 3, refused" 3 "tcp $SMTPS" refused
# a missing secret is a failure of its own, never a prompt in a script
rc=0
"$SMTPSH" doctor --json --smtp "smtps://127.0.0.1:$SMTPS" --pop3 "pop3s://127.0.0.1:$POP3S" \
	alice@qq.com >"$dir/json" 2>/dev/null </dev/null || rc=$?
expect "doctor: no secret at hand" 1 password no_secret
rc=0
"$SMTPSH" doctor nobody@example.invalid >/dev/null 2>&1 </dev/null || rc=$?
[ "$rc" = 2 ] && pass "doctor: an unknown domain without --server is a usage error" ||
	fail "doctor unknown domain" "exit $rc"

[ "$fails" = 0 ]
