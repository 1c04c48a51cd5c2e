#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# DATA mode against the lab: a message typed with seed 002's "Data:" typo,
# no blank line after the headers and /help in the middle gets its
# warnings, and the lab stores the message without the /help line; "\/"
# sends a line starting with '/'; seed 002's message as written fires
# exactly one warning; `b64 张三` at the ready prompt never reaches the
# lab, while b64 answering AUTH LOGIN's 334 still does.
set -u
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
CLIENTS="$here/lab_clients.py"
shell_limit=20
[ "${SMTPSH_SAN:-}" = 1 ] && shell_limit=90
dir=$(mktemp -d)
fails=0
trap 'stop_lab; rm -rf "$dir"' EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1${2:+: $2}"; fails=$((fails + 1)); }

lab_options=(--idle-timeout 20 --line-timeout 5)
. "$here/lab_run.sh"
start_lab

shell() { # NAME: runs the script on stdin against the lab's port 25 into $dir/NAME.out
	timeout "$shell_limit" "$SMTPSH" --no-record --no-history "smtp://127.0.0.1:$SMTP" \
		>"$dir/$1.out" 2>&1
	echo $? >"$dir/$1.rc"
}

# ---- a message with mistakes, and helpers typed in DATA mode ----
printf '%s\n' 'EHLO me' 'b64 张三' 'MAIL FROM:<alice@localhost>' 'RCPT TO:<bob@localhost>' 'DATA' \
	'From: alice@localhost' 'To: bob@localhost' 'Data: Mon, 30 Nov 26 23:46:59 CST' \
	'Subject: mistakes' 'this line should have followed a blank line' '/help' \
	'\/etc/hosts is a path, sent with its slash' '/usr/bin is text too' 'last line' '.' \
	'AUTH LOGIN' 'b64 alice' 'b64 alice-pw' 'QUIT' | shell typo
out=$dir/typo.out
[ "$(cat "$dir/typo.rc")" = 0 ] && pass "the shell ran and ended (exit 0)" ||
	fail "exit status $(cat "$dir/typo.rc")" "$(tail -5 "$out")"
grep -q '^!! line 3: "Data:".*"Date:"' "$out" && pass "Data: -> Date on line 3" ||
	fail "no Data/Date warning" "$(grep '^!!' "$out")"
grep -q '^!! line 5 ' "$out" && pass "the missing blank line is said on line 5" ||
	fail "no warning for the missing blank line" "$(grep '^!!' "$out")"
grep -q '^SMTP commands:' "$out" && pass "/help in DATA mode ran the helper" ||
	fail "/help did not run in DATA mode" "$(sed -n '/^S: DATA/,/^S: \.$/p' "$out")"
grep -q '^S: /help' "$out" && fail "/help went out as message text" || pass "/help was not sent"

msg=$(ls "$dir"/lab/mail/bob/new/* 2>/dev/null | head -1)
if [ -z "$msg" ]; then
	fail "the lab stored no message for bob" "$(tail -5 "$out")"
else
	grep -q '^Data: Mon' "$msg" && grep -qx 'last line' "$msg" &&
		pass "the lab stored the message as typed" || fail "the stored message" "$(cat "$msg")"
	grep -q '/help' "$msg" && fail "the stored message holds /help" "$(cat "$msg")" ||
		pass "the stored message has no /help line"
	grep -qx '/etc/hosts is a path, sent with its slash' "$msg" && grep -qx '/usr/bin is text too' "$msg" &&
		pass "\\/ and a '/' word that is no helper are message text" ||
		fail "lines starting with '/'" "$(cat "$msg")"
fi

# b64 at the ready prompt: said, not sent; in AUTH it answers the 334
b64=$(printf '张三' | base64)
grep -q "C: EHLO me" "$dir/lab/lab.log" || fail "lab.log does not log commands" "$(head -5 "$dir/lab/lab.log")"
grep -q "$b64" "$dir/lab/lab.log" && fail "b64 张三 reached the lab" "$(grep "$b64" "$dir/lab/lab.log")" ||
	pass "b64 张三 at the ready prompt did not reach the lab"
grep -q "^S: $b64" "$out" && fail "b64 张三 was sent" || pass "b64 张三 not sent"
grep -q "^!! .*\\\\$b64\$" "$out" && pass "the script is told how to send it (\\$b64)" ||
	fail "no word on how to send it" "$(grep -A1 "$b64" "$out")"
grep -q '^R: 235 ' "$out" && pass "b64 inside AUTH LOGIN still answers the 334" ||
	fail "AUTH LOGIN with b64" "$(grep -A2 'AUTH LOGIN' "$out")"

# ---- seed 002's message as its code writes it: exactly one warning ----
printf '%s\n' 'EHLO me' 'MAIL FROM:<langrui@localhost>' 'RCPT TO:<bob@localhost>' 'DATA' \
	'From: langrui@sohu.com' 'To: renping@sina.com' 'Data: Mon, 30 Nov 26 23:46:59 CST' \
	'Subject: hello' '' 'body' '.' 'QUIT' | shell seed002
warnings=$(grep '^!! ' "$dir/seed002.out")
[ "$(echo "$warnings" | grep -c .)" = 1 ] && echo "$warnings" | grep -q '"Date:"' &&
	pass "seed 002: exactly the Date warning" || fail "seed 002 warnings" "$warnings"

# BODY=8BITMIME silences the 8-bit body warning that plain MAIL FROM gets
for mail in 'MAIL FROM:<alice@localhost>' 'MAIL FROM:<alice@localhost> BODY=8BITMIME'; do
	printf '%s\n' 'EHLO me' "$mail" 'RCPT TO:<bob@localhost>' 'DATA' 'From: alice@localhost' \
		'Date: Mon, 30 Nov 2026 23:46:59 +0800' '' '你好' '.' 'QUIT' | shell body8
	n=$(grep -c '^!! line 4: ' "$dir/body8.out")
	case "$mail" in
	*8BITMIME) [ "$n" = 0 ] && pass "8-bit body with BODY=8BITMIME: no warning" ||
		fail "8BITMIME still warned" "$(grep '^!!' "$dir/body8.out")" ;;
	*) [ "$n" = 1 ] && pass "8-bit body without BODY=8BITMIME: warned" ||
		fail "8-bit body not warned" "$(grep '^!!' "$dir/body8.out")" ;;
	esac
done

stop_lab
exit $((fails > 0))
