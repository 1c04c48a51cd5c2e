#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A message written with the DATA-mode helpers goes through Postfix (the
# cleartext teaching port 2525, AUTH LOGIN) and Dovecot (POP3 RETR):
# multipart/mixed holding multipart/alternative (text + HTML), random
# binary bytes and a file with a Chinese name, From 张三 and a long
# Chinese Subject as encoded words.  Python's email parser
# (policy.default) and s-nail read the retrieved message: decoded From and
# Subject, the tree, and the attachments' bytes (sha256) must be what
# went in; `smtpsh mime --json` must show the same tree.
set -eu
. "$(dirname "$0")/lib.sh"
CHECK=$peers_here/../integration/compose_check.py
command -v s-nail >/dev/null || fail "s-nail is not installed (tools/deps.sh test)"

reset_mailboxes bob

subject='邮件主题：用 smtpsh 亲手写一封带附件的信，经过 Postfix 和 Dovecot 再读回来'
head -c 70000 /dev/urandom >"$work/random.bin"
printf '第一行\r\n第二行：附件的名字是中文\r\n' >"$work/测试文件.txt"
printf '<p>Hello <b>HTML</b> — 你好</p>\n' >"$work/body.html"

smtpsh 127.0.0.1:2525 <<IN
EHLO client.smtpsh.test
AUTH LOGIN
b64 alice
b64 alice-secret
MAIL FROM:<alice@localhost>
RCPT TO:<bob@localhost>
DATA
/header From 张三 <alice@localhost>
/header To bob@localhost
/header Subject $subject
/date
/msgid
/multipart mixed
/multipart alternative
/text plain Hello, plain text — café
/text html @$work/body.html
/end
/attach $work/random.bin
/attach $work/测试文件.txt
/end
.
QUIT
IN
want_rc 0
has_line 'S: From: =?UTF-8?B?5byg5LiJ?= <alice@localhost>'
has '^S: Content-Type: multipart/mixed;$' "no multipart/mixed header sent"
has '^R: 250 2.0.0 Ok: queued as [0-9A-F]+$' "message not queued"
lacks 'alice-secret'

wait_delivered bob 1
/usr/bin/python3 "$CHECK" retr 110 bob bob-secret 1 "$work/got.eml" || fail "POP3 RETR from Dovecot"

[ "$(/usr/bin/python3 "$CHECK" header "$work/got.eml" From)" = '张三 <alice@localhost>' ] ||
	fail "Python's From: $(/usr/bin/python3 "$CHECK" header "$work/got.eml" From)"
[ "$(/usr/bin/python3 "$CHECK" header "$work/got.eml" Subject)" = "$subject" ] ||
	fail "Python's Subject: $(/usr/bin/python3 "$CHECK" header "$work/got.eml" Subject)"
sha() { sha256sum "$1" | cut -d' ' -f1; }
want="0 multipart/mixed - -
1 multipart/alternative - -
2 text/plain - $(printf 'Hello, plain text — café' | sha256sum | cut -d' ' -f1)
2 text/html - $(printf '<p>Hello <b>HTML</b> — 你好</p>' | sha256sum | cut -d' ' -f1)
1 application/octet-stream random.bin $(sha "$work/random.bin")
1 text/plain 测试文件.txt $(sha "$work/测试文件.txt")"
tree=$(/usr/bin/python3 "$CHECK" tree "$work/got.eml")
[ "$tree" = "$want" ] || fail "Python's tree: $(diff <(echo "$want") <(echo "$tree"))"

{ printf 'From alice@localhost Tue Dec  1 00:00:00 2026\n'; tr -d '\r' <"$work/got.eml"; } >"$work/mbox"
snail=$(LC_ALL=C.UTF-8 HOME="$work" MAILRC=/dev/null s-nail -n -R -S ttycharset=utf-8 \
	-S v15-compat -Y 'type 1' -Y 'quit' -f "$work/mbox" 2>&1 </dev/null)
echo "$snail" | grep -q '^From: 张三 <alice@localhost>' || fail "s-nail From: $(echo "$snail" | grep '^From')"
echo "$snail" | grep -qF "Subject: $subject" || fail "s-nail Subject: $(echo "$snail" | grep '^Subject')"

"$SMTPSH" mime --json "$work/got.eml" | /usr/bin/python3 -c '
import json, sys
def walk(p, d, out):
    out.append("%d %s" % (d, p["type"]))
    for c in p.get("children", []):
        walk(c, d + 1, out)
    return out
print("\n".join(walk(json.load(sys.stdin)["message"], 0, [])))' >"$work/mime.tree"
[ "$(cat "$work/mime.tree")" = "$(echo "$want" | cut -d' ' -f1,2)" ] ||
	fail "smtpsh mime tree: $(cat "$work/mime.tree")"
echo "PASS t_mime_roundtrip"
