#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# explain of a pasted reply (issue 12.2) against the lab's personas: each
# persona refuses a login (SMTP after STARTTLS, POP3 after STLS), a sender
# or a switched-off service; the shell annotates the refusal live; the
# refusal's R: lines, pasted into `smtpsh explain` (stdin, with --host, and
# as arguments), give the same why and what to do.  Then the offline forms
# (a code, X.Y.Z, a capability, a response code, a header) and the exit
# statuses.  The lab is stopped by its pid only.
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

lab_options=(--idle-timeout 20 --line-timeout 10)
. "$here/lab_run.sh"
CA="$dir/lab/ca.pem"

declare -A host=([qq]=smtp.qq.com [163]=smtp.163.com [gmail]=smtp.gmail.com
	[outlook]=smtp.office365.com [yahoo]=smtp.mail.yahoo.com [icloud]=smtp.mail.me.com)
declare -A pname=([qq]="QQ Mail" [163]="NetEase 163/126" [gmail]=Gmail
	[outlook]="Outlook / Office 365" [yahoo]="Yahoo Mail" [icloud]="iCloud Mail")

shell_run() { # [OPTION] URL: the script on stdin, the shell's words on stdout
	timeout 30 "$SMTPSH" --cafile "$CA" --no-record --no-history --color=never "$@" 2>&1
}
plain() { printf '\0%s\0%s' "$1" "$2" | base64 -w0; }

# The first refusal's R: lines (its continuation lines too), without "R: ".
refusal_of() {
	awk '/^R: ([45][0-9][0-9][ -]|-ERR)/ { sub(/^R: /, ""); print; got = 1; next }
	     got { exit }'
}
# The shell's live hint, without "   # at PROVIDER: " or "   # hint: ".
live_why() { grep -m1 -E '^   # (at [^:]+|hint): ' | sed -E 's/^   # (at [^:]+|hint): //'; }
live_fix() { grep -m1 '^   # what to do: ' | sed 's/^   # what to do: //'; }
said_why() { grep -m1 '^why: ' | sed 's/^why: //; s/\.$//'; }
said_fix() { grep -m1 '^what to do: ' | sed 's/^what to do: //'; }

# NAME PERSONA OUTPUT: the live annotation and explain of the pasted reply
# agree, explain knowing what the shell knew: the provider's host name
# when the shell named the provider ("at QQ Mail:"), else the text alone.
compare() {
	local name=$1 p=$2 out=$3
	local said why fix ex
	local known=()
	printf '%s\n' "$out" | grep -q '^   # at ' && known=(--host "${host[$p]}")
	said=$(printf '%s\n' "$out" | refusal_of)
	why=$(printf '%s\n' "$out" | live_why)
	fix=$(printf '%s\n' "$out" | live_fix)
	if [ -z "$said" ] || [ -z "$why" ]; then
		fail "$name: no refusal or no live hint" "$(printf '%s\n' "$out" | tail -8)"
		return
	fi
	ex=$(printf '%s\n' "$said" | "$SMTPSH" explain "${known[@]}")
	local rc=$?
	if [ "$rc" = 0 ] && [ "$(printf '%s\n' "$ex" | said_why)" = "$why" ] &&
		[ "$(printf '%s\n' "$ex" | said_fix)" = "$fix" ]; then
		pass "$name: explain of the pasted reply says what the shell said"
	else
		fail "$name" "rc $rc; live '$why'; explain: $(printf '%s\n' "$ex" | grep -E '^(why|reply)')"
	fi
}

for p in qq 163 gmail outlook yahoo icloud; do
	start_lab --persona "$p"
	user=alice@$p.com
	out=$(printf 'AUTH PLAIN %s\nQUIT\n' "$(plain "$user" alice-pw)" | shell_run --starttls "smtp://127.0.0.1:$SUB")
	compare "$p SMTP password" "$p" "$out"
	out=$(printf 'USER %s\nPASS alice-pw\nQUIT\n' "$user" | shell_run "pop3s://127.0.0.1:$POP3S")
	compare "$p POP3 password" "$p" "$out"
	case $p in qq | 163 | outlook)
		out=$(printf 'AUTH PLAIN %s\nMAIL FROM:<bob@%s.com>\nQUIT\n' \
			"$(plain "$user" alicecode1234567)" "$p" | shell_run --starttls "smtp://127.0.0.1:$SUB")
		compare "$p sender mismatch" "$p" "$out"
		;;
	esac
	# in the shell: the provider from the server it is connected to
	out=$(printf 'explain 535 authentication failed\nQUIT\n' | shell_run --starttls "smtp://127.0.0.1:$SUB")
	if printf '%s\n' "$out" | grep -qxF "provider: ${pname[$p]} (recognised from the server's name)."; then
		pass "$p: explain in the shell names the connected server's provider"
	else
		fail "$p: explain in the shell" "$(printf '%s\n' "$out" | grep -E '^(provider|why)')"
	fi
	stop_lab
done
for spec in 163:smtp-off outlook:tenant-auth-off; do
	p=${spec%%:*}
	start_lab --persona "$spec"
	out=$(printf 'AUTH PLAIN %s\nQUIT\n' "$(plain "alice@$p.com" alicecode1234567)" |
		shell_run --starttls "smtp://127.0.0.1:$SUB")
	compare "$spec" "$p" "$out"
	stop_lab
done

# ---- offline, without a lab ----
expect() { # NAME STATUS PATTERN COMMAND...: exit status and a line of the output
	local name=$1 want=$2 pattern=$3
	shift 3
	local out rc=0
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" = "$want" ] && printf '%s\n' "$out" | grep -qE -- "$pattern"; then
		pass "$name"
	else
		fail "$name" "rc $rc: $(printf '%s\n' "$out" | head -3)"
	fi
}
gmail1='534-5.7.9 Application-specific password required. Learn more at'
gmail2='534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor x - gsmtp'
# the provider from the text, from --host, from --provider, or none
expect "QQ from the text" 0 '^provider: QQ Mail \(recognised from the reply' \
	"$SMTPSH" explain 535 Login Fail. Please enter your authorization code to login.
expect "Gmail continuation lines as arguments" 0 '^  5\.7\.9: ' \
	"$SMTPSH" explain "$gmail1"$'\n' "$gmail2"
expect "163 from --host" 0 '^provider: NetEase 163/126 \(recognised from the server' \
	"$SMTPSH" explain --host smtp.163.com 535 Error: authentication failed
expect "163 from --provider" 0 '^provider: NetEase 163/126 \(as named' \
	"$SMTPSH" explain --provider 163 535 Error: authentication failed
expect "no provider: the generic meaning" 0 '^provider: none recognised' \
	"$SMTPSH" explain 535 5.7.8 Error: authentication failed
expect "POP3 -ERR [AUTH] as arguments" 0 '^  \[AUTH\] \(POP3 response code\)' \
	"$SMTPSH" explain -ERR [AUTH] Authentication failed.
expect "Office 365 tenant" 0 '^provider: Outlook / Office 365' \
	"$SMTPSH" explain 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant
# the tables, offline
expect "a code alone" 0 '^535: ' "$SMTPSH" explain 535
expect "an enhanced code alone" 0 '^5\.7\.8: ' "$SMTPSH" explain 5.7.8
expect "a capability" 0 '^STARTTLS \(SMTP extension\)' "$SMTPSH" explain STARTTLS
expect "a POP3 response code" 0 '^\[IN-USE\] \(POP3 response code\)' "$SMTPSH" explain '[IN-USE]'
expect "a header" 0 '^Received \(message header' "$SMTPSH" explain Received
# nothing known, an unknown provider, nothing given: exit 2, one line
expect "nothing known" 2 "^smtpsh explain: nothing known about 'xyzzy'$" "$SMTPSH" explain xyzzy
expect "unknown provider" 2 "^smtpsh explain: unknown provider 'aol-ish'" \
	"$SMTPSH" explain --provider aol-ish 535 x
expect "empty standard input" 2 '^smtpsh explain: nothing to explain' \
	"$SMTPSH" explain - </dev/null
# a pasted escape sequence is shown safe, never sent to the terminal
out=$(printf '535 bad \033]0;title\007 words\n' | "$SMTPSH" explain)
if printf '%s' "$out" | grep -q $'\033'; then
	fail "pasted control bytes" "an ESC reached the output"
else
	pass "pasted control bytes are shown safe"
fi

[ "$fails" = 0 ] && exit 0 || exit 1
