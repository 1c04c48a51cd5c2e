#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The lab's personas end to end: every persona x case on SMTP and POP3
# (right code, account password, wrong code, unknown user, sender
# mismatch, service switched off, the lock, outlook:tenant-auth-off),
# driven by the shell in script mode; the reply's code and the provider's
# words checked against the table below (which names each case), the lab's
# log saying which case it met, and the shell's hint naming the provider
# the lab says it plays.  swaks and curl log in to QQ and Gmail for real.
# The lab is stopped by its pid only.
set -u
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
CLIENTS="$here/lab_clients.py"
shell_limit=20
line_timeout=3
[ "${SMTPSH_SAN:-}" = 1 ] && shell_limit=90 && line_timeout=15
dir=$(mktemp -d)
fails=0
trap 'stop_lab; rm -rf "$dir"' EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1${2:+: $2}"; fails=$((fails + 1)); }

lab_options=(--idle-timeout 20 --line-timeout "$line_timeout")
. "$here/lab_run.sh"
CA="$dir/lab/ca.pem"

# The lab's users (its banner lists them): alice and bob, each with an
# account password and an authorization code / app password.
declare -A code=([alice]=alicecode1234567 [bob]=bobcode123456789)
declare -A password=([alice]=alice-pw [bob]=bob-pw)
domain= provider=

# Starts the lab as PERSONA[:FLAG] and reads from its banner the provider it
# plays and the domain its addresses are in.
start_persona() {
	start_lab --persona "$1"
	# the ports open before the banner is all written (slow under valgrind)
	for _ in $(seq 200); do
		grep -q '^persona ' "$dir/out.$runs" && grep -q '^  alice@' "$dir/out.$runs" && break
		sleep 0.1
	done
	provider=$(sed -n 's/^persona [^ ]* (\(.*\)): .*/\1/p' "$dir/out.$runs")
	domain=$(sed -n 's/^  alice@\([^ ]*\) .*/\1/p' "$dir/out.$runs")
	[ -n "$provider" ] && [ -n "$domain" ] || fail "persona $1: banner" "$(head -12 "$dir/out.$runs")"
}

# The shell in script mode over implicit TLS: AUTH PLAIN as USER with SECRET,
# then the extra lines.  Prints the transcript.
smtp_session() { # USER SECRET [LINES...]
	local user=$1 secret=$2
	shift 2
	local plain
	plain=$(printf '\0%s\0%s' "$user" "$secret" | base64 -w0)
	{
		printf 'EHLO me\nAUTH PLAIN %s\n' "$plain"
		for l in "$@"; do printf '%s\n' "$l"; done
		printf 'QUIT\n'
	} | timeout "$shell_limit" "$SMTPSH" --no-record --no-history --cafile "$CA" \
		"smtps://127.0.0.1:$SMTPS" 2>&1
}

pop3_session() { # USER SECRET
	printf 'USER %s\nPASS %s\nQUIT\n' "$1" "$2" |
		timeout "$shell_limit" "$SMTPSH" --no-record --no-history --cafile "$CA" \
			"pop3s://127.0.0.1:$POP3S" 2>&1
}

# The reply (R: lines) and the shell's notes that follow the sent line
# starting with PREFIX, up to the next line sent.
after() { # PREFIX < transcript
	awk -v p="S: $1" 'index($0, p) == 1 { on = 1; next } on && /^S: / { exit } on'
}

# The lab log's reasons ("## ...") since the last call: which case the lab met.
log_seen=0
lab_reasons() {
	local log="$dir/lab/lab.log" n
	n=$(wc -l <"$log")
	sed -n "$((log_seen + 1)),${n}p" "$log" | sed -n 's/.*\] ## //p'
	log_seen=$n
}

# One row: NAME, the reply block, the expected code, the provider's words,
# the lab's reason (an extended regex), whether a provider hint must follow.
check_row() { # NAME BLOCK CODE WORDS REASON HINT
	local name=$1 block=$2 want=$3 words=$4 reason=$5 hint=$6 why
	why=$(lab_reasons)
	local first
	first=$(echo "$block" | sed -n 's/^R: //p' | head -1)
	local got=${first%% *}
	[[ $got == [0-9]* ]] && got=${got:0:3}
	if [ "$got" != "$want" ]; then
		fail "$name: code" "wanted $want, got '$first'"
	elif [ -n "$words" ] && ! echo "$block" | grep '^R: ' | grep -qF -- "$words"; then
		fail "$name: the provider's words '$words'" "$(echo "$block" | grep '^R: ')"
	elif [ -n "$reason" ] && ! echo "$why" | grep -qE -- "$reason"; then
		fail "$name: the lab's reason /$reason/" "$(echo "$why" | tail -3)"
	elif [ "$hint" = hint ] && ! echo "$block" | grep -qF "# at $provider:"; then
		fail "$name: no hint of $provider" "$(echo "$block" | tail -4)"
	else
		pass "$name: $first"
	fi
}

# ---- SMTP: persona | case | user | secret | extra line | code | words | lab's reason | hint ----
# An empty code: the provider has no such refusal (the row is left out).
smtp_rows=(
	"qq|authorization code|alice|code||235|||"
	"qq|QQ number and code|10001|code||235|||"
	"qq|account password|alice|password||535|authorization code|sent the account password|hint"
	"qq|wrong code|alice|wrong||535|authorization code|wrong authorization code|hint"
	"qq|unknown user|nobody|code||535|authorization code|there is no user|hint"
	"qq|sender mismatch|alice|code|MAIL FROM:<bob@DOMAIN>|501|same as authorization user|send only as|hint"
	"163|authorization code|alice|code||235|||"
	"163|account password|alice|password||535|authentication failed|sent the account password|hint"
	"163|wrong code|alice|wrong||535|authentication failed|wrong client authorization password|hint"
	"163|unknown user|nobody|code||535|authentication failed|there is no user|hint"
	"163|sender mismatch|alice|code|MAIL FROM:<bob@DOMAIN>|553|Mail from must equal authorized user|send only as|hint"
	"gmail|app password|alice|code||235|||"
	"gmail|account password|alice|password||534|5.7.9 Application-specific password required|sent the account password|hint"
	"gmail|wrong app password|alice|wrong||535|5.7.8 Username and Password not accepted|wrong app password|hint"
	"gmail|unknown user|nobody|code||535|5.7.8|there is no user|hint"
	"gmail|another sender accepted|alice|code|MAIL FROM:<bob@DOMAIN>|250|||"
	"outlook|app password|alice|code||235|||"
	"outlook|account password|alice|password||535|5.7.139 Authentication unsuccessful, basic authentication is disabled|sent the account password|hint"
	"outlook|wrong app password|alice|wrong||535|5.7.3 Authentication unsuccessful|wrong app password|hint"
	"outlook|unknown user|nobody|code||535|5.7.3|there is no user|hint"
	"outlook|sender mismatch|alice|code|MAIL FROM:<bob@DOMAIN>|550|5.7.60|send only as|hint"
	"yahoo|app password|alice|code||235|||"
	"yahoo|account password|alice|password||535|(#AUTH005)|sent the account password|hint"
	"yahoo|wrong app password|alice|wrong||535|(#MBR1212) Incorrect username or password|wrong app password|hint"
	"yahoo|unknown user|nobody|code||535|(#MBR1212)|there is no user|hint"
	"icloud|app-specific password|alice|code||235|||"
	"icloud|account password|alice|password||535|5.7.8|sent the account password|hint"
	"icloud|wrong app-specific password|alice|wrong||535|5.7.8|wrong app-specific password|hint"
	"icloud|unknown user|nobody|code||535|5.7.8|there is no user|hint"
)
# ---- POP3: persona | case | user | secret | +OK/-ERR | words | lab's reason | hint ----
pop3_rows=(
	"qq|authorization code|bob|code|+OK|||"
	"qq|QQ number and code|10002|code|+OK|||"
	"qq|account password|bob|password|-ERR|authorization code|sent the account password|hint"
	"qq|wrong code|bob|wrong|-ERR|authorization code|wrong authorization code|hint"
	"qq|unknown user|nobody|code|-ERR|authorization code|there is no user|hint"
	"163|authorization code|bob|code|+OK|||"
	"163|account password|bob|password|-ERR|Unable to log on|sent the account password|hint"
	"163|wrong code|bob|wrong|-ERR|Unable to log on|wrong client authorization password|hint"
	"163|unknown user|nobody|code|-ERR|Unable to log on|there is no user|hint"
	"gmail|app password|bob|code|+OK|||"
	"gmail|account password|bob|password|-ERR|[AUTH] Application-specific password required|sent the account password|hint"
	"gmail|wrong app password|bob|wrong|-ERR|[AUTH] Username and password not accepted|wrong app password|hint"
	"gmail|unknown user|nobody|code|-ERR|[AUTH]|there is no user|hint"
	"outlook|app password|bob|code|+OK|||"
	"outlook|account password|bob|password|-ERR|Logon failure|sent the account password|hint"
	"outlook|wrong app password|bob|wrong|-ERR|Logon failure|wrong app password|hint"
	"outlook|unknown user|nobody|code|-ERR|Logon failure|there is no user|hint"
	"yahoo|app password|bob|code|+OK|||"
	# no capture of Yahoo's POP3 greeting or refusal: the lab's own name nothing the shell
	# could tell Yahoo by (a real session has the host pop.mail.yahoo.com), so no hint row
	"yahoo|account password|bob|password|-ERR|[AUTH]|sent the account password|"
	"yahoo|wrong app password|bob|wrong|-ERR|[AUTH]|wrong app password|"
)

# The user name for ROW's USER column: a lab user's full address, the QQ
# number as it is, "nobody" at the persona's domain.
login_name() { case $1 in [0-9]*) echo "$1" ;; *) echo "$1@$domain" ;; esac; }
secret_for() { # USER KIND
	local u=${1%%@*}
	[[ $u == 1000[12] ]] && u=$([ "$u" = 10001 ] && echo alice || echo bob)
	case $2 in
	code) echo "${code[$u]:-nobody-code}" ;;
	password) echo "${password[$u]:-nobody-pw}" ;;
	wrong) echo "not-the-code" ;;
	esac
}

# The first line of each provider's EHLO reply, as its captures show it
# (docs/providers.md names them); a glob, so [ and ] are escaped.
declare -A ehlo_host=([qq]='250-newxmesmtplogicsvrsza9.qq.com' [163]='250-mail'
	[gmail]='250-smtp.gmail.com at your service, \[127.0.0.1\]'
	[outlook]='250-*.outlook.office365.com Hello \[127.0.0.1\]'
	[yahoo]='250-smtp.mail.yahoo.com' [icloud]='250-smtp.mail.me.com')

for p in qq 163 gmail outlook yahoo icloud; do
	start_persona "$p"
	first=$(smtp_session "alice@$domain" "${code[alice]}" | after EHLO | sed -n 's/^R: //p' | head -1)
	# shellcheck disable=SC2053
	[[ $first == ${ehlo_host[$p]} ]] && pass "smtp $p: EHLO's host line '$first'" ||
		fail "smtp $p: EHLO's host line" "wanted '${ehlo_host[$p]}', got '$first'"
	lab_reasons >/dev/null
	for row in "${smtp_rows[@]}"; do
		IFS='|' read -r rp case user kind extra want words reason hint <<<"$row"
		[ "$rp" = "$p" ] || continue
		name=$(login_name "$user")
		secret=$(secret_for "$user" "$kind")
		extra=${extra//DOMAIN/$domain}
		if [ -n "$extra" ]; then
			out=$(smtp_session "$name" "$secret" "$extra")
			check_row "smtp $p: $case" "$(echo "$out" | after "${extra%%:*}")" "$want" "$words" "$reason" "$hint"
		else
			out=$(smtp_session "$name" "$secret")
			check_row "smtp $p: $case" "$(echo "$out" | after "AUTH PLAIN")" "$want" "$words" "$reason" "$hint"
		fi
	done
	for row in "${pop3_rows[@]}"; do
		IFS='|' read -r rp case user kind want words reason hint <<<"$row"
		[ "$rp" = "$p" ] || continue
		name=$(login_name "$user")
		out=$(pop3_session "$name" "$(secret_for "$user" "$kind")")
		check_row "pop3 $p: $case" "$(echo "$out" | after "PASS")" "$want" "$words" "$reason" "$hint"
	done
	stop_lab
done

# ---- service switched off, tenant SMTP AUTH off: the right code refused ----
# persona:flag | protocol | code | words
flag_rows=(
	"qq:smtp-off|smtp|535|authorization code"
	"qq:pop3-off|pop3|-ERR|authorization code"
	"163:smtp-off|smtp|550|User has no permission"
	"163:pop3-off|pop3|-ERR|Unable to log on"
	"gmail:pop3-off|pop3|-ERR|[SYS/PERM] Your account is not enabled for POP access"
	"outlook:tenant-auth-off|smtp|535|SmtpClientAuthentication is disabled for the Tenant"
	"yahoo:pop3-off|pop3|-ERR|not enabled for POP access"
)
for row in "${flag_rows[@]}"; do
	IFS='|' read -r spec proto want words <<<"$row"
	start_persona "$spec"
	lab_reasons >/dev/null
	flag=${spec#*:}
	if [ "$proto" = smtp ]; then
		out=$(smtp_session "alice@$domain" "${code[alice]}")
		block=$(echo "$out" | after "AUTH PLAIN")
		other=$(pop3_session "bob@$domain" "${code[bob]}" | after PASS)
	else
		out=$(pop3_session "bob@$domain" "${code[bob]}")
		block=$(echo "$out" | after PASS)
		other=$(smtp_session "alice@$domain" "${code[alice]}" | after "AUTH PLAIN")
	fi
	check_row "$spec: the right code on $proto" "$block" "$want" "$words" "but this account has '$flag'" hint
	# the other service is not switched off
	echo "$other" | grep -qE '^R: (235|\+OK)' && pass "$spec: the other service still logs in" ||
		fail "$spec: the other service" "$(echo "$other" | grep '^R:')"
	lab_reasons >/dev/null
	stop_lab
done

# ---- the lock: after the provider's number of failures even the code is refused ----
# persona | failures that lock | code when locked | words
lock_rows=(
	"gmail|5|454|4.7.0 Too many login attempts"
	"yahoo|5|535|(#AUTH005) Too many bad auth attempts"
)
for row in "${lock_rows[@]}"; do
	IFS='|' read -r p n want words <<<"$row"
	start_persona "$p"
	lab_reasons >/dev/null
	before=$(smtp_session "alice@$domain" "${code[alice]}" | after "AUTH PLAIN" | sed -n 's/^R: //p' | head -1)
	for _ in $(seq 1 "$n"); do smtp_session "alice@$domain" not-the-code >/dev/null; done
	why=$(lab_reasons)
	echo "$why" | grep -q "that was failure $n: the account is now locked" &&
		pass "lock $p: failure $n locks the account (the lab says so)" || fail "lock $p: not locked" "$(echo "$why" | tail -2)"
	out=$(smtp_session "alice@$domain" "${code[alice]}")
	check_row "lock $p: the right code refused while locked" "$(echo "$out" | after "AUTH PLAIN")" "$want" "$words" "is locked after $n failed logins" hint
	# the code worked before the lock; another account is not locked
	[ "${before%% *}" = 235 ] && smtp_session "bob@$domain" "${code[bob]}" | grep -q '^R: 235' &&
		pass "lock $p: only the failing account is locked" || fail "lock $p: bob or the first login" "$before"
	stop_lab
done

# ---- real clients: swaks and curl log in to QQ and Gmail ----
printf 'From: a\r\nTo: b\r\nSubject: persona\r\n\r\nhello\r\n' >"$dir/msg.txt"
for p in qq gmail; do
	start_persona "$p"
	out=$(swaks --server 127.0.0.1 --port "$SUB" --tls --tls-verify --tls-ca-path "$CA" --auth LOGIN \
		--auth-user "alice@$domain" --auth-password "${code[alice]}" --from "alice@$domain" \
		--to "bob@$domain" 2>&1)
	echo "$out" | grep -q '250 2.0.0 Ok: queued as' && pass "swaks $p: STARTTLS, AUTH LOGIN with the code, sent" ||
		fail "swaks $p" "$(echo "$out" | tail -4)"
	out=$(swaks --server 127.0.0.1 --port "$SUB" --tls --tls-verify --tls-ca-path "$CA" --auth LOGIN \
		--auth-user "alice@$domain" --auth-password "${password[alice]}" --from "alice@$domain" \
		--to "bob@$domain" 2>&1)
	refusal=$(echo "$out" | sed -n 's/^ *<~\* *//p' | head -1)
	[[ $refusal == 53[45]* ]] && grep -qF -- "S: $refusal" "$dir/lab/lab.log" &&
		pass "swaks $p: the password refused with the lab's own text ($refusal)" || fail "swaks $p password" "$refusal"
	if curl -sS --ssl-reqd --cacert "$CA" "smtp://127.0.0.1:$SUB" --user "alice@$domain:${code[alice]}" \
		--mail-from "alice@$domain" --mail-rcpt "bob@$domain" -T "$dir/msg.txt" 2>"$dir/curl.err"; then
		pass "curl $p: smtp --ssl-reqd with the code, sent"
	else
		fail "curl $p smtp" "$(cat "$dir/curl.err")"
	fi
	curl -sS --ssl-reqd --cacert "$CA" "smtp://127.0.0.1:$SUB" --user "alice@$domain:${password[alice]}" \
		--mail-from "alice@$domain" --mail-rcpt "bob@$domain" -T "$dir/msg.txt" >/dev/null 2>&1 &&
		fail "curl $p: the account password was accepted" || pass "curl $p: the account password is refused"
	n=$(curl -sS --cacert "$CA" "pop3s://127.0.0.1:$POP3S/" --user "bob@$domain:${code[bob]}" 2>"$dir/curl.err" | wc -l)
	got=$(curl -sS --cacert "$CA" "pop3s://127.0.0.1:$POP3S/$n" --user "bob@$domain:${code[bob]}" 2>>"$dir/curl.err" | tr -d '\r')
	[ "$n" -ge 2 ] && echo "$got" | grep -qx 'Subject: persona' && echo "$got" | grep -qx hello &&
		pass "curl $p: pop3s with the code reads what swaks and curl sent" || fail "curl $p pop3s" "$n; $(cat "$dir/curl.err")"
	curl -sS --cacert "$CA" "pop3s://127.0.0.1:$POP3S/" --user "bob@$domain:${password[bob]}" >/dev/null 2>&1 &&
		fail "curl $p: pop3s took the account password" || pass "curl $p: pop3s refuses the account password"
	stop_lab
done

echo "t_personas: $fails failed"
[ "$fails" = 0 ]
