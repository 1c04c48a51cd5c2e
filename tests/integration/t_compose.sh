#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Writing a message with the DATA-mode helpers against the lab: seed
# 003's message (an encoded-word From of 张三, a base64 body) and a
# multipart/mixed holding multipart/alternative (text + HTML) and two
# attachments (random bytes, a file with a Chinese name) are sent, read
# back over POP3 and parsed by Python's email package and by s-nail: the
# decoded From and Subject, the tree and the attachments' bytes must be
# what went in; `smtpsh mime` of the retrieved file shows the same tree.
# enc/dec are local; a /header after the blank line is refused.
set -u
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
CLIENTS="$here/lab_clients.py"
CHECK="$here/compose_check.py"
shell_limit=30
[ "${SMTPSH_SAN:-}" = 1 ] && shell_limit=120
dir=$(mktemp -d)
fails=0
trap 'stop_lab; [ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1${2:+: $2}"; fails=$((fails + 1)); }
command -v s-nail >/dev/null || { echo "FAIL s-nail is not installed (tools/deps.sh test)"; exit 1; }

lab_options=(--idle-timeout 20 --line-timeout 5)
. "$here/lab_run.sh"
start_lab

shell() { # NAME: the script on stdin against the lab's port 25 into $dir/NAME.out
	timeout "$shell_limit" "$SMTPSH" --no-record --no-history "smtp://127.0.0.1:$SMTP" \
		>"$dir/$1.out" 2>&1
	echo $? >"$dir/$1.rc"
}
sha() { sha256sum "$1" | cut -d' ' -f1; }

subject='邮件主题：用 smtpsh 亲手写一封带附件的信，看看长标题怎样被拆成几个编码词而不切断任何一个汉字'
# ---- seed 003's message: From 张三 as an encoded word, a base64 body ----
printf '%s\n' 'EHLO me' 'MAIL FROM:<alice@localhost>' 'RCPT TO:<bob@localhost>' 'DATA' \
	'/header From 张三 <alice@localhost>' '/header To bob@localhost' '/header Subject 你好，世界' \
	'/date' '/msgid' '/text 这是第一封手写的邮件。' '.' 'QUIT' | shell seed003
out=$dir/seed003.out
[ "$(cat "$dir/seed003.rc")" = 0 ] && pass "seed 003: the shell ran and ended" ||
	fail "seed 003: exit $(cat "$dir/seed003.rc")" "$(tail -5 "$out")"
grep -q '^S: From: =?UTF-8?B?5byg5LiJ?= <alice@localhost>$' "$out" &&
	pass "seed 003: From went out as an S: line with an encoded word" ||
	fail "seed 003: the From line" "$(grep '^S: From' "$out")"
grep -q '^R: 250 ' "$out" && pass "seed 003: the lab accepted the message" || fail "seed 003: no 250" "$(tail -8 "$out")"

"$PY" "$CHECK" retr "$POP3" bob bob-pw 1 "$dir/seed003.eml" ||
	fail "seed 003: RETR over POP3"
[ "$("$PY" "$CHECK" header "$dir/seed003.eml" From)" = '张三 <alice@localhost>' ] &&
	pass "seed 003: Python reads From as 张三 <alice@localhost>" ||
	fail "seed 003: Python's From" "$("$PY" "$CHECK" header "$dir/seed003.eml" From)"
grep -q '^Content-Transfer-Encoding: base64' "$dir/seed003.eml" &&
	[ "$("$PY" -c 'import email,email.policy,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb"),policy=email.policy.default); print(m.get_content().strip())' "$dir/seed003.eml")" = '这是第一封手写的邮件。' ] &&
	pass "seed 003: the body is base64 and decodes to the Chinese text" ||
	fail "seed 003: the body" "$(sed -n '/^$/,$p' "$dir/seed003.eml" | head -5)"
grep -q '^Date: [A-Z][a-z][a-z], [0-9][0-9] [A-Z][a-z][a-z] 20[0-9][0-9] [0-9:]\{8\} [-+][0-9]\{4\}' "$dir/seed003.eml" &&
	grep -q '^Message-ID: <[0-9a-f]\{32\}@' "$dir/seed003.eml" &&
	pass "seed 003: Date and Message-ID in RFC 5322 form" ||
	fail "seed 003: Date/Message-ID" "$(grep -i '^date\|^message-id' "$dir/seed003.eml")"

# ---- multipart/mixed { alternative { plain, html }, random bytes, 测试文件.txt } ----
head -c 50000 /dev/urandom >"$dir/random.bin"
printf '第一行\r\n第二行：附件的名字是中文\r\n' >"$dir/测试文件.txt"
printf '<p>Hello <b>HTML</b> — 你好</p>\n' >"$dir/body.html"
printf '%s\n' 'EHLO me' 'MAIL FROM:<alice@localhost>' 'RCPT TO:<bob@localhost>' 'DATA' \
	'/header From 张三 <alice@localhost>' '/header To bob@localhost' "/header Subject $subject" \
	'/date' '/multipart mixed' '/multipart alternative' '/text plain Hello, plain text — café' \
	"/text html @$dir/body.html" '/end' "/attach $dir/random.bin" "/attach $dir/测试文件.txt" \
	'/end' '/header X-Late too late' '.' 'QUIT' | shell multi
out=$dir/multi.out
[ "$(cat "$dir/multi.rc")" = 0 ] && pass "multipart: the shell ran and ended" ||
	fail "multipart: exit $(cat "$dir/multi.rc")" "$(tail -5 "$out")"
grep -q '^S: X-Late' "$out" && fail "a /header after the blank line was sent" ||
	pass "a /header after the blank line was not sent"
grep -q '^!! /header: .*blank line' "$out" && pass "and it was said why" ||
	fail "no word on the late /header" "$(grep -- '/header' "$out")"
long=$(awk '/^S: / && length($0) > 81' "$out" | grep -v '^S: [A-Za-z0-9+/=]*$')
[ -z "$long" ] && pass "every header line sent within 78 characters" || fail "long lines" "$long"

"$PY" "$CHECK" retr "$POP3" bob bob-pw 2 "$dir/multi.eml" || fail "multipart: RETR over POP3"
# 50,000 random bytes are 660 base64 lines: all sent, a few echoed
shown=$(grep -c '^S: [A-Za-z0-9+/]\{76\}$' "$out")
inmsg=$(grep -c '^[A-Za-z0-9+/]\{76\}.$' "$dir/multi.eml")
hidden=$(sed -n 's/^ *# \.\.\. \([0-9]*\) more lines of the body sent, not shown.*/\1/p' "$out" | head -1)
[ "$shown" -le 8 ] && [ "$inmsg" -ge 650 ] && [ -n "$hidden" ] && [ "$hidden" -ge 640 ] &&
	pass "an attachment's base64: $shown lines echoed, $hidden said, $inmsg in the message" ||
	fail "attachment echo: $shown shown, $hidden said, $inmsg in the message" "$(grep -n 'more lines' "$out")"
got=$("$PY" "$CHECK" header "$dir/multi.eml" Subject)
[ "$got" = "$subject" ] && pass "multipart: Python decodes the long Chinese Subject whole" ||
	fail "multipart: Subject" "$got"
[ "$(grep -c '^Subject:\|^ =?UTF-8?B?' "$dir/multi.eml")" -ge 3 ] &&
	pass "multipart: the Subject was split over several encoded words" ||
	fail "multipart: Subject words" "$(grep -A4 '^Subject' "$dir/multi.eml")"
want="0 multipart/mixed - -
1 multipart/alternative - -
2 text/plain - $(printf 'Hello, plain text — café' | sha256sum | cut -d' ' -f1)
2 text/html - $(printf '<p>Hello <b>HTML</b> — 你好</p>' | sha256sum | cut -d' ' -f1)
1 application/octet-stream random.bin $(sha "$dir/random.bin")
1 text/plain 测试文件.txt $(sha "$dir/测试文件.txt")"
tree=$("$PY" "$CHECK" tree "$dir/multi.eml")
[ "$tree" = "$want" ] && pass "multipart: Python's tree, file names and bytes (sha256) are what went in" ||
	fail "multipart: Python's tree" "$(diff <(echo "$want") <(echo "$tree"))"

# s-nail in batch mode: the decoded From and Subject, the attachment names
cp "$dir/multi.eml" "$dir/mbox.eml"
{ printf 'From alice@localhost Tue Dec  1 00:00:00 2026\n'; tr -d '\r' <"$dir/multi.eml"; } >"$dir/mbox"
snail=$(LC_ALL=C.UTF-8 HOME="$dir" MAILRC=/dev/null s-nail -n -R -S ttycharset=utf-8 -S v15-compat \
	-Y 'headers' -Y 'type 1' -Y 'quit' -f "$dir/mbox" 2>&1 </dev/null)
echo "$snail" | grep -q '^From: 张三 <alice@localhost>' && pass "s-nail shows From: 张三" ||
	fail "s-nail From" "$(echo "$snail" | head -20)"
echo "$snail" | grep -qF "Subject: ${subject:0:20}" && pass "s-nail shows the decoded Subject" ||
	fail "s-nail Subject" "$(echo "$snail" | grep -i subject)"
[ "$(echo "$snail" | grep -o '^\[-- #[0-9.]*' | tr '\n' ' ')" = '[-- #1.1 [-- #1.1.1 [-- #1.1.2 [-- #1.2 [-- #1.3 ' ] &&
	pass "s-nail sees the same five parts" || fail "s-nail parts" "$(echo "$snail" | grep '^\[--')"

# smtpsh mime of the retrieved file: the same tree
mime=$("$SMTPSH" mime --json "$dir/multi.eml" 2>&1)
echo "$mime" | "$PY" -c '
import json, sys
t = json.load(sys.stdin)["message"]
def walk(p, d, out):
    out.append((d, p["type"]))
    for c in p.get("children", []):
        walk(c, d + 1, out)
    return out
print("\n".join("%d %s" % x for x in walk(t, 0, [])))' >"$dir/mime.tree" 2>&1
[ "$(cat "$dir/mime.tree")" = "$(echo "$want" | cut -d' ' -f1,2)" ] &&
	pass "smtpsh mime shows the same tree" || fail "smtpsh mime tree" "$(cat "$dir/mime.tree"; echo "$mime" | head -20)"

# ---- enc and dec are local ----
printf '%s\n' 'EHLO me' 'enc word 张三' 'enc b64 张三' 'enc qp café=' 'dec =?UTF-8?B?5byg5LiJ?=' \
	'dec 5byg5LiJ' 'dec caf=C3=A9' 'explain Subject: =?UTF-8?B?5byg5LiJ?=' 'QUIT' | shell enc
out=$dir/enc.out
grep -q '^=?UTF-8?B?5byg5LiJ?=' "$out" && grep -q '^5byg5LiJ$' "$out" && grep -q '^caf=C3=A9=3D$' "$out" &&
	pass "enc: word, b64 and qp of 张三 / café=" || fail "enc output" "$(cat "$out")"
[ "$(grep -c '^张三$' "$out")" = 2 ] && grep -q '^café$' "$out" &&
	pass "dec: an encoded word, base64 and QP decoded" || fail "dec output" "$(cat "$out")"
grep -q 'decoded: 张三' "$out" && pass "explain shows a pasted encoded word decoded" ||
	fail "explain decoded" "$(grep -A3 'explain\|Subject' "$out")"
grep -q '5byg5LiJ\|café' "$dir/lab/lab.log" && fail "enc/dec reached the lab" ||
	pass "nothing of enc/dec reached the lab"

stop_lab || true
[ "$fails" = 0 ] || exit 1
