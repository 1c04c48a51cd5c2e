#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The replay gaps of issue 14, against the lab: a recorded SMTP-then-POP3
# session (/connect) shown and replayed with each part read as its own
# protocol, and served part 1 only; replay --against lesson 04 with its
# redacted PASS given plain, refused without --yes (the message stays in
# bob's mailbox) and run with it; lesson 02's AUTH LOGIN secret as plain
# and as wire form; script mode's -e (exit 4, where) and a refused DATA
# whose message text never reaches the lab as commands.
set -u
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
PY=/usr/bin/python3
CLIENTS="$here/lab_clients.py"
limit=30
[ "${SMTPSH_SAN:-}" = 1 ] && limit=120
dir=$(mktemp -d)
fails=0
trap 'stop_lab; [ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1${2:+: $2}"; fails=$((fails + 1)); }

lab_options=(--idle-timeout 20 --line-timeout 5)
. "$here/lab_run.sh"
start_lab
cd "$dir" || exit 1

sh_run() { # NAME ARGS...: smtpsh ARGS, stdin from /dev/null, into NAME.out, exit status in NAME.rc
	local name=$1
	shift
	timeout "$limit" "$SMTPSH" --color=never --no-history "$@" </dev/null >"$name.out" 2>&1
	echo $? >"$name.rc"
}
pb_run() { # NAME COMMAND ARGS...: show, replay or serve (their options after the word)
	local name=$1
	shift
	timeout "$limit" "$SMTPSH" "$@" </dev/null >"$name.out" 2>&1
	echo $? >"$name.rc"
}
rc_is() { [ "$(cat "$1.rc")" = "$2" ]; }
stat_count() { # bob's messages, by a POP3 STAT typed in the shell
	printf '%s\n' 'USER bob' 'PASS bob-pw' 'STAT' 'QUIT' |
		timeout "$limit" "$SMTPSH" --no-history --no-record "pop3://127.0.0.1:$POP3" 2>&1 |
		sed -n 's/^R: +OK \([0-9][0-9]*\) [0-9][0-9]*$/\1/p'
}

# ---- 1. a session that switched protocols with /connect ----
printf '%s\n' 'EHLO me' 'MAIL FROM:<alice@localhost>' 'RCPT TO:<bob@localhost>' 'DATA' \
	'Subject: parts' '' 'one' '.' "/connect pop3://127.0.0.1:$POP3" 'USER bob' 'PASS bob-pw' \
	'STAT' 'QUIT' >walk.txt
sh_run record --record rec.txt -f walk.txt "smtp://127.0.0.1:$SMTP"
rc_is record 0 && grep -q '^S: STAT' rec.txt && grep -c '^-- connected' rec.txt | grep -qx 2 &&
	pass "the walk-through recorded two parts" || fail "recording" "$(tail -5 record.out)"

pb_run show show --color=never rec.txt
# the POP3 part gets POP3's notes (shell_proto.c's words), not SMTP's complaint
if rc_is show 0 && ! grep -q '3-digit\|not connected' show.out &&
	grep -A1 '^R: +OK [0-9]' show.out | grep -q 'n messages in the mailbox' &&
	grep -A1 '^R: 250 2.0.0 Ok: queued' show.out | grep -q 'queued for delivery'; then
	pass "show: each part annotated in its own protocol"
else
	fail "show of a two-part transcript" "$(grep -v '^   #' show.out | tail -8)"
fi
pb_run replay replay --color=never --all rec.txt
rc_is replay 0 && cmp -s show.out replay.out && pass "replay --all: the same as show" ||
	fail "replay --all" "$(diff show.out replay.out | head -5)"

# serve plays part 1; an SMTP client following it gets to the end of it
"$SMTPSH" serve --port 0 rec.txt >serve.out 2>&1 &
servepid=$!
port=
for _ in $(seq 1 50); do
	port=$(sed -n 's/.* port \([0-9]*\) (one client)$/\1/p' serve.out)
	[ -n "$port" ] && break
	sleep 0.1
done
printf '%s\n' 'EHLO me' 'MAIL FROM:<alice@localhost>' 'RCPT TO:<bob@localhost>' 'DATA' \
	'Subject: parts' '' 'one' '.' >part1.txt
timeout "$limit" "$SMTPSH" --no-history --no-record -f part1.txt "smtp://127.0.0.1:$port" \
	>serve_client.out 2>&1
wait "$servepid"
serve_rc=$?
[ "$serve_rc" = 0 ] && grep -q '^R: 250 2.0.0 Ok: queued' serve_client.out &&
	! grep -q '+OK' serve_client.out && pass "serve: part 1 served, part 2 not sent" ||
	fail "serve of a two-part transcript (exit $serve_rc)" "$(tail -4 serve.out)"

# replay --against the lab: part 1 compared (the DATA goes to the lab: no --yes needed)
before=$(stat_count)
sh_run against_parts replay --against "smtp://127.0.0.1:$SMTP" rec.txt
after=$(stat_count)
rc_is against_parts 0 && [ "$after" = $((before + 1)) ] &&
	pass "replay --against: part 1 matched, its message delivered to the lab" ||
	fail "replay --against of a two-part transcript (exit $(cat against_parts.rc), $before -> $after)" \
		"$(tail -3 against_parts.out)"

# ---- 2. replay --against lesson 04: the redacted PASS, DELE needs --yes ----
lesson4=$top/transcripts/04-pop3-retrieval.txt
before=$(stat_count)
deles=$(grep -c 'C: DELE' "$dir/lab/lab.log")
SMTPSH_SECRET_1=bob-pw sh_run refused replay --against "pop3://127.0.0.1:$POP3" "$lesson4"
after=$(stat_count)
rc_is refused 2 && [ "$(grep -c . refused.out)" -le 2 ] && grep -q 'DELE 1' refused.out &&
	[ "$after" = "$before" ] && [ "$(grep -c 'C: DELE' "$dir/lab/lab.log")" = "$deles" ] &&
	pass "lesson 04 without --yes: DELE named, exit 2, nothing sent, the mailbox as it was" ||
	fail "lesson 04 refused (exit $(cat refused.rc), $before -> $after)" "$(cat refused.out)"
SMTPSH_SECRET_1=bob-pw sh_run accepted --yes replay --against "pop3://127.0.0.1:$POP3" "$lesson4"
after=$(stat_count)
rc_is accepted 0 && [ "$after" = $((before - 1)) ] &&
	pass "lesson 04 with --yes and the plain PASS: matched, message 1 deleted" ||
	fail "lesson 04 with --yes (exit $(cat accepted.rc), $before -> $after)" "$(tail -4 accepted.out)"

# lesson 02's AUTH LOGIN password: plain, or its base64 (the wire form)
lesson2=$top/transcripts/02-auth-login-by-hand.txt
for form in plain:alice-pw wire:$(printf alice-pw | base64); do
	SMTPSH_SECRET_1=${form#*:} sh_run "login_${form%%:*}" replay --against "smtp://127.0.0.1:$SMTP" "$lesson2"
	rc_is "login_${form%%:*}" 0 && pass "lesson 02: the LOGIN secret as ${form%%:*} form" ||
		fail "lesson 02, ${form%%:*} form (exit $(cat "login_${form%%:*}.rc"))" \
			"$(grep -A1 'live' "login_${form%%:*}.out" | head -3)"
done
SMTPSH_SECRET_1=not-the-password sh_run login_wrong replay --against "smtp://127.0.0.1:$SMTP" "$lesson2"
rc_is login_wrong 5 && pass "lesson 02: a wrong secret diverges (exit 5)" ||
	fail "lesson 02 wrong secret (exit $(cat login_wrong.rc))"

# ---- 3. script mode: -e, and a refused DATA's message ----
printf '%s\n' 'EHLO me' 'MAIL FROM:<alice@localhost>' 'RCPT TO:<nobody@nowhere.example>' 'DATA' \
	'Subject: never' 'X-Header-Line: sent as a command?' '' 'text' '.' 'NOOP' 'QUIT' >refused.txt
sh_run stop --no-record -e -f refused.txt "smtp://127.0.0.1:$SMTP"
rc_is stop 4 && grep -q '3.*RCPT TO:<nobody@nowhere.example>.*554 5.7.1' stop.out &&
	! grep -q '^S: DATA' stop.out && pass "-e: exit 4 at script line 3, its command and reply" ||
	fail "-e (exit $(cat stop.rc))" "$(tail -3 stop.out)"
sh_run goes_on --no-record -f refused.txt "smtp://127.0.0.1:$SMTP"
if rc_is goes_on 0 && grep -q '4 lines' goes_on.out && grep -q '^R: 250.*Ok' <(sed -n '/^S: NOOP/,$p' goes_on.out) &&
	! grep -q 'C: Subject: never\|C: X-Header-Line' "$dir/lab/lab.log"; then
	pass "without -e: the refused message's 4 lines skipped, none reached the lab, NOOP answered"
else
	fail "refused DATA (exit $(cat goes_on.rc))" "$(grep -v '^   #' goes_on.out | tail -8)"
fi

stop_lab || true
[ "$fails" = 0 ] || exit 1
