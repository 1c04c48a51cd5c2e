#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Annotations a student following the seeds found wrong (issue 12 point 4),
# end to end: transcripts of what the servers send (Postfix's header-line
# hang-up, QQ's EHLO and 503, 163's 530, Gmail's POP3 refusal, a user name
# typed without base64, GBK message text) read by `show`, and `explain`
# typed in a live shell.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/scripted_server.sh"
fails=0
current=
fail() { echo "FAIL: $current: $1"; sed 's/^/    /' out | head -60; fails=$((fails + 1)); }
has() { grep -qE -- "$1" out || fail "no line matching '$1'"; }
lacks() { ! grep -qE -- "$1" out || fail "unexpected '$1'"; }
show() { "$SMTPSH" show --color=never "$1" >out 2>&1 || true; }
transcript() { # FILE PROTO TARGET LINES...
	local f=$1 proto=$2 target=$3
	shift 3
	printf '%s\n' '#smtpsh-transcript 1' "# protocol: $proto" "# target: $target" "$@" >"$f"
}

current=rest-and-turn
transcript t1.txt smtp smtp://127.0.0.1:25 'R: 220 mx ESMTP Postfix' 'S: EHLO me' 'R: 250 mx' \
	'S: REST' 'R: 502 5.5.2 Error: command not recognized' \
	'S: TURN' 'R: 502 5.5.2 Error: command not recognized'
show t1.txt
has '^   # REST .*RSET\?'
lacks 'did you mean RCPT'
has '^   # TURN is a historical command'
lacks 'TURN is not an SMTP command'

current=username-not-base64
transcript t2.txt smtp smtp://127.0.0.1:25 'R: 220 mx' 'S: EHLO me' 'R: 250-mx' \
	'R: 250 AUTH LOGIN' 'S: AUTH LOGIN' 'R: 334 VXNlcm5hbWU6' 'S: alice@example.com' \
	'R: 334 UGFzc3dvcmQ6' 'S* [secret, 6 bytes]' 'R: 535 5.7.8 Error: authentication failed'
show t2.txt
has 'was not base64.*b64'
lacks 'user name or password is wrong'
# the base64 name is fine: no such note, and the cleartext warning comes once
current=username-base64
transcript t3.txt smtp smtp://127.0.0.1:25 'R: 220 mx' 'S: EHLO me' 'R: 250-mx' \
	'R: 250 AUTH LOGIN' 'S: AUTH LOGIN' 'R: 334 VXNlcm5hbWU6' 'S: YWxpY2U=' \
	'R: 334 UGFzc3dvcmQ6' 'S* [secret, 6 bytes]' 'R: 535 5.7.8 Error: authentication failed' \
	'S: AUTH PLAIN AGFsaWNlAHg=' 'R: 535 5.7.8 Error: authentication failed'
show t3.txt
lacks 'was not base64'
[ "$(grep -c 'not encryption' out)" = 1 ] || fail "the cleartext note is not said exactly once"

current=cleartext-pass-pop3
transcript t4.txt pop3 pop3://127.0.0.1:110 'R: +OK ready' 'S: USER alice' 'R: +OK' \
	'S* PASS [secret, 6 bytes]' 'R: -ERR [AUTH] Authentication failed.'
show t4.txt
has 'PASS sends the password as plain text'
lacks 'base64'
lacks 'send STLS first'
current=pass-over-tls
sed 's|^# target: pop3://127.0.0.1:110|# target: pop3s://127.0.0.1:995|' t4.txt >t4s.txt
show t4s.txt
lacks 'not encryption|plain text'

current=header-as-command
transcript t5.txt smtp smtp://127.0.0.1:25 'R: 220 mx ESMTP Postfix' 'S: EHLO me' 'R: 250 mx' \
	'S: MAIL FROM:<a@example.com>' 'R: 250 2.1.0 Ok' 'S: RCPT TO:<b@example.net>' \
	'R: 554 5.7.1 <b@example.net>: Relay access denied' 'S: From: a' \
	'R: 221 2.7.0 Error: I can break rules, too. Goodbye.'
show t5.txt
has 'hung up.*header.*never in DATA mode'
lacks 'accepted it anyway|not an SMTP command'

current=gmail-pop3-app-password
transcript t6.txt pop3 pop3://pop.gmail.com:110 'R: +OK Gpop ready' 'S: USER alice@gmail.com' \
	'R: +OK send PASS' 'S* PASS [secret, 6 bytes]' \
	'R: -ERR [AUTH] Application-specific password required: https://support.google.com/accounts/answer/185833'
show t6.txt
has 'at Gmail: .*app password'
lacks 'send STLS first'

current=qq-503-needs-auth
transcript t7.txt smtp smtp://smtp.qq.com:25 'R: 220 newxmesmtplogicsvrszb1-0.qq.com XMail Esmtp QQ Mail Server.' \
	'S: MAIL FROM:<a@qq.com>' 'R: 503 Error: need EHLO and AUTH first !'
show t7.txt
has 'EHLO, then log in with AUTH'

current=163-530-starttls
transcript t8.txt smtp smtp://smtp.163.com:25 'R: 220 163.com Anti-spam GT for Coremail System' \
	'S: EHLO me' 'R: 250-mail' 'R: 250 STARTTLS' 'S: AUTH LOGIN' \
	'R: 530 Must issue a STARTTLS command first'
show t8.txt
has 'STARTTLS'
lacks 'authorization|授权'

current=lesson-03
"$SMTPSH" show --color=never "$here/../../transcripts/03-qq-starttls-authcode.txt" >out 2>&1 || true
lacks 'XMail: an extension smtpsh does not know|OK: an extension smtpsh does not know'
has 'XMail Esmtp QQ Mail Server\.": not an extension'

current=gbk-message-text
printf '%s\n' '#smtpsh-transcript 1' '# protocol: smtp' 'R: 220 mx' 'S: EHLO me' 'R: 250 mx' \
	'S: MAIL FROM:<a@b>' 'R: 250 ok' 'S: RCPT TO:<c@d>' 'R: 250 ok' 'S: DATA' 'R: 354 go' >t9.txt
printf 'S: Subject: \xc4\xe3\xba\xc3\nS: .\nR: 250 2.0.0 Ok: queued\n' >>t9.txt
show t9.txt
lacks 'not UTF-8'
# the server's own GBK text still gets the note
printf 'S: QUIT\nR: 221 \xd4\xd9\xbc\xfb\n' >>t9.txt
show t9.txt
has 'not UTF-8'

current=explain-in-shell
start_server hostile_server.py normal 0 --idle 10
printf 'explain 587\nexplain -ERR\nexplain TURN\nexplain 25\nQUIT\n' |
	"$SMTPSH" --color=never --no-history --timeout 5 "smtp://127.0.0.1:$(head -1 port)" >out 2>&1 || true
stop_server
has '^587 is a port, not a reply code'
has '^25 is a port, not a reply code'
lacks '^587: 5xx'
has '^-ERR: .*stays open'
has '^TURN \(historical SMTP command'

[ "$fails" = 0 ] && echo "PASS seed annotations: typos, historical commands, base64, cleartext, header hang-up, provider refusals, ports"
[ "$fails" = 0 ]
