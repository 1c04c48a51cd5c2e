#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# show --html and --markdown (issue 14 point 5), read back in a real
# browser: Debian's Chromium headless loads the page of lesson 01, of a
# lab session with STARTTLS, AUTH LOGIN's password and a POP3 part
# (/connect), and of a hand-written transcript of hostile bytes.  The DOM
# holds every S:/R: line in order (python reads the transcript) and
# each event (TLS, connections, closes) between the lines it came between, no
# secret and no element that fetches; Chromium's NetLog shows no request
# made for the page (a page that does fetch is the control); no console
# message; a screenshot of lesson 01 is a 1200x2000 PNG.  The Markdown
# table parses back to the same lines.
set -u
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
PY=/usr/bin/python3
CLIENTS="$here/lab_clients.py"
CHECK="$here/show_page_check.py"
limit=30
[ "${SMTPSH_SAN:-}" = 1 ] && limit=120
dir=$(mktemp -d)
fails=0
trap 'stop_lab; [ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1${2:+: $2}"; fails=$((fails + 1)); }

CHROMIUM=$(command -v chromium || true)
[ -n "$CHROMIUM" ] || { echo "FAIL chromium is not installed (tools/deps.sh test set)"; exit 1; }

lab_options=(--idle-timeout 20 --line-timeout 5)
. "$here/lab_run.sh"
start_lab
cd "$dir" || exit 1

# ---- a lab session: STARTTLS, a password, markup in the message, POP3 ----
printf '%s\n' 'EHLO me' 'STARTTLS' 'EHLO me' 'AUTH LOGIN' 'YWxpY2U=' 'YWxpY2UtcHc=' \
	'MAIL FROM:<alice@localhost>' 'RCPT TO:<bob@localhost>' 'DATA' \
	'Subject: <b>bold</b> | a `tick` & "quotes"' '' '</code></div><script>alert(1)</script>' '.' \
	"/connect pop3://127.0.0.1:$POP3" 'USER bob' 'PASS bob-pw' 'STAT' 'QUIT' >walk.txt
timeout "$limit" "$SMTPSH" --color=never --no-history --cafile "$dir/lab/ca.pem" \
	--record tls.txt -f walk.txt "smtp://127.0.0.1:$SUB" </dev/null >record.out 2>&1
grep -q '^-- tls starttls' tls.txt && grep -q '^S\* ' tls.txt && grep -q '^S: STAT' tls.txt &&
	pass "recorded a session with TLS, secrets and two parts" ||
	fail "recording" "$(tail -5 record.out)"
stop_lab

# ---- a hand-written transcript of hostile bytes ----
{
	printf '#smtpsh-transcript 1\n# target: smtp://mx.example:25\n# protocol: smtp\n'
	printf 'R: 220 <img src=http://192.0.2.1/x.png onerror=alert(1)> mx \\x1b[31mred\n'
	printf 'S: EHLO `a|b` ``c``\n'
	printf "R: 250 '\"&amp;</style><link href=//192.0.2.1/a.css rel=stylesheet>\n"
	printf 'S:  two spaces both ends  \n'
	printf 'S: QUIT\nR: 221 | bye |\n'
} >hostile.txt

cp "$top/transcripts/"01*.txt lesson01.txt
for t in lesson01 tls hostile; do
	timeout "$limit" "$SMTPSH" show --html "$t.txt" >"$t.html" 2>"$t.html.err"
	echo $? >"$t.html.rc"
	timeout "$limit" "$SMTPSH" show --markdown "$t.txt" >"$t.md" 2>"$t.md.err"
	echo $? >"$t.md.rc"
done

# Chromium, its network resolving nothing, its requests in a NetLog
chrome() { # NAME PAGE ARGS...: NAME.out (stdout), NAME.err (log), NAME.netlog
	local name=$1 page=$2
	shift 2
	timeout 60 "$CHROMIUM" --headless --disable-gpu --no-sandbox --user-data-dir="$dir/profile" \
		--no-first-run --disable-background-networking --disable-component-update \
		--host-resolver-rules="MAP * ~NOTFOUND" --enable-logging=stderr --v=0 \
		--log-net-log="$dir/$name.netlog" "$@" "file://$dir/$page" >"$name.out" 2>"$name.err"
}

# the control: a page that fetches and logs is seen to
printf '%s' '<!DOCTYPE html><html><head><link rel="stylesheet" href="http://192.0.2.1/a.css">' \
	'</head><body><img src="http://example.com/x.png"><script>console.error("control")' \
	'</script></body></html>' >control.html
chrome control control.html --dump-dom
n=$("$PY" "$CHECK" netlog control.netlog 2>&1)
if [ "${n:-0}" -ge 2 ] 2>/dev/null && grep -q ':CONSOLE' control.err; then
	pass "chromium: the control page's requests and console message are seen"
else
	fail "chromium cannot see a page's requests or console" "requests $n; $(grep -v dbus control.err | tail -3)"
fi

for t in lesson01 tls hostile; do
	secrets=()
	[ "$t" = tls ] && secrets=(YWxpY2UtcHc= alice-pw bob-pw)
	if ! grep -qx 0 "$t.html.rc"; then
		fail "$t: show --html exit $(cat "$t.html.rc")" "$(head -3 "$t.html.err")"
		continue
	fi
	chrome "$t" "$t.html" --dump-dom
	out=$("$PY" "$CHECK" dom "$t.txt" "$t.out" "${secrets[@]}" 2>&1) &&
		pass "$t: the DOM holds every transcript line in order, nothing that fetches${secrets[*]:+, no secret}" ||
		fail "$t: DOM" "$out"
	n=$("$PY" "$CHECK" netlog "$t.netlog" 2>&1)
	[ "$n" = 0 ] && pass "$t: no network request for the page" || fail "$t: requests" "$n"
	grep -q ':CONSOLE' "$t.err" && fail "$t: console" "$(grep ':CONSOLE' "$t.err" | head -2)" ||
		pass "$t: no console message"
	out=$("$PY" "$CHECK" markdown "$t.txt" "$t.md" 2>&1) && grep -qx 0 "$t.md.rc" &&
		pass "$t: the Markdown table parses back to the transcript's lines" ||
		fail "$t: markdown" "$out"
done

chrome shot lesson01.html --screenshot="$dir/lesson01.png" --window-size=1200,2000
out=$("$PY" "$CHECK" png lesson01.png 1200 2000 2>&1) &&
	pass "lesson 01: a 1200x2000 screenshot" || fail "screenshot" "$out $(tail -2 shot.err)"
[ -n "${SHOT_DIR:-}" ] && cp lesson01.png "$SHOT_DIR/"

# the reader's language: --lang zh, LANG=zh_CN.UTF-8, and --lang en over it
"$SMTPSH" show --html --lang=zh lesson01.txt >zh.html 2>&1 &&
	LANG=zh_CN.UTF-8 "$SMTPSH" show --html lesson01.txt >zh-env.html 2>&1 &&
	LANG=zh_CN.UTF-8 "$SMTPSH" show --html --lang=en lesson01.txt >en.html 2>&1
out=$("$PY" "$CHECK" lang zh.html zh-CN; "$PY" "$CHECK" lang zh-env.html zh-CN; "$PY" "$CHECK" lang en.html en)
[ -z "$out" ] && pass "the page's language: zh-CN with Chinese headings, or en" || fail "language" "$out"
out=$("$PY" "$CHECK" dom lesson01.txt zh.html 2>&1) &&
	pass "zh: the transcript lines are not translated" || fail "zh lines" "$out"

# a file that is no transcript: exit 2 and no page
"$SMTPSH" show --html "$dir/none.txt" >none.html 2>none.err
rc=$?
[ "$rc" = 2 ] && [ ! -s none.html ] && pass "an unreadable file: exit 2, no page" ||
	fail "unreadable file" "exit $rc, $(wc -c <none.html) bytes"

[ "$fails" = 0 ]
