#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Simplified Chinese for the command line, the helpers and the shell:
# --help, `smtpsh lab --help` and `smtpsh doctor --help` are Chinese under
# --lang zh with every description at the display column of the English
# one; a scripted session against the lab (login, unb64, /status, an
# unknown helper, a refused login) says its notes and warnings in Chinese
# while every S:/R: line, on screen and in the transcript, is byte-for-byte
# the English run's; --lang en under LANG=zh_CN.UTF-8 is the English run;
# usage and connection errors are Chinese with the English exit status.
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

lab_options=(--idle-timeout 20 --line-timeout 5)
. "$here/lab_run.sh"

# check.py MODE ARGS: the layout and language checks, exit 1 with a reason
cat >"$dir/check.py" <<'EOF'
import sys, unicodedata

def cjk(s):
    return any('\u4e00' <= c <= '\u9fff' for c in s)

def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in s)

def text_column(line):
    """Display column of the description: after the left column's two or
    more spaces (an option or usage line), or after leading spaces (a
    continuation line)."""
    body = line.lstrip(' ')
    if not body.startswith('-') and not body.startswith('smtpsh') and not body[:1].isdigit():
        return width(line) - width(body), body
    gap = body.find('  ')
    if gap < 0:
        return None, ''
    rest = body[gap:].lstrip(' ')
    return width(line) - width(rest), rest

def help_layout(en_path, zh_path):
    en = open(en_path, encoding='utf-8').read().split('\n')
    zh = open(zh_path, encoding='utf-8').read().split('\n')
    # the option and usage lines: the same left columns, in the same order
    pick = lambda lines: [l for l in lines if l.startswith('  -') or l.startswith('      --')
                          or l.startswith('       smtpsh')]
    e, z = pick(en), pick(zh)
    if len(e) != len(z) or not e:
        return 'option lines: %d in English, %d in Chinese' % (len(e), len(z))
    for a, b in zip(e, z):
        ca, ta = text_column(a)
        cb, tb = text_column(b)
        if ta and tb and ca != cb:
            return 'description at column %s, English at %s: %r' % (cb, ca, b)
        # the description with its continuation lines is Chinese
        i = zh.index(b) + 1
        while i < len(zh) and zh[i].startswith(' ' * 8) and not zh[i].lstrip().startswith('-'):
            tb += zh[i]
            i += 1
        if ta and not cjk(tb):
            return 'not Chinese: %r' % b
    # the exit status table: "  N  text", its continuation lines at column 5
    ex = [l for l in zh if len(l) > 4 and l[:2] == '  ' and l[2].isdigit() and l[3:5] == '  ']
    for l in ex:
        if not cjk(l):
            return 'exit status not Chinese: %r' % l
    for i, l in enumerate(zh):
        if l.startswith('     ') and i and zh[i - 1] in ex and width(l) - width(l.lstrip(' ')) != 5:
            return 'exit status continuation not at column 5: %r' % l
    return None

def session(en_path, zh_path):
    en = open(en_path, encoding='utf-8').read().split('\n')
    zh = open(zh_path, encoding='utf-8').read().split('\n')
    proto = lambda lines: [l for l in lines if l[:3] in ('S: ', 'R: ')]
    norm = lambda l: 'R: 334 (challenge)' if l.startswith('R: 334 ') else l
    if [norm(l) for l in proto(en)] != [norm(l) for l in proto(zh)]:
        return 'S:/R: lines differ from the English run'
    if not proto(zh):
        return 'no S:/R: lines'
    # this area's warnings and notes: login's, the helpers'
    mine = [l for l in zh if l.startswith('!! ') or l.startswith('   # login')]
    if len(mine) < 4:
        return 'expected the login and helper lines, got %r' % mine
    for l in mine:
        if not cjk(l):
            return 'not Chinese: %r' % l
    # /status: its label lines are Chinese, as many lines as in English
    labels = lambda lines: [l for l in lines if l.split(':')[0].split('\uff1a')[0].strip()
                            in ('connection', 'banner', 'state', 'tls', 'login', 'message',
                                'extensions', '连接', '欢迎信息', '状态', 'TLS', '登录', '邮件', '扩展')]
    le, lz = labels(en), labels(zh)
    if len(le) != len(lz) or len(lz) < 14:
        return '/status lines: %d in English, %d in Chinese' % (len(le), len(lz))
    for l in lz:
        if not cjk(l):
            return '/status line not Chinese: %r' % l
    return None

def transcript(en_path, zh_path):
    pick = lambda p: ['R: 334' if l.startswith('R: 334 ') else l
                      for l in open(p, encoding='utf-8').read().split('\n') if l[:3] in ('S: ', 'R: ')]
    if pick(en_path) != pick(zh_path) or not pick(zh_path):
        return 'the transcripts\' S:/R: lines differ'
    return None

def chinese(path):
    text = open(path, encoding='utf-8').read()
    return None if cjk(text) else 'no Chinese in %r' % text[:200]

why = {'help': help_layout, 'session': session, 'transcript': transcript,
       'chinese': chinese}[sys.argv[1]](*sys.argv[2:])
if why:
    print(why)
    sys.exit(1)
EOF
check() { # NAME MODE FILES...
	local name=$1 out
	shift
	if out=$("$PY" "$dir/check.py" "$@" 2>&1); then pass "$name"; else fail "$name" "$out"; fi
}

# ---- --help, lab --help, doctor --help ----
"$SMTPSH" --help >"$dir/help.en"
"$SMTPSH" --lang zh --help >"$dir/help.zh"
check "zh_cli --help Chinese, columns by display width" help "$dir/help.en" "$dir/help.zh"
"$SMTPSH" lab --help >"$dir/lab.en"
"$SMTPSH" lab --lang zh --help >"$dir/lab.zh"
check "zh_cli lab --help Chinese, columns by display width" help "$dir/lab.en" "$dir/lab.zh"
"$SMTPSH" doctor --help >"$dir/doctor.en"
"$SMTPSH" doctor --lang zh --help >"$dir/doctor.zh"
check "zh_cli doctor --help Chinese, columns by display width" help "$dir/doctor.en" "$dir/doctor.zh"
LANG=zh_CN.UTF-8 "$SMTPSH" --help >"$dir/help.lang"
if cmp -s "$dir/help.lang" "$dir/help.zh"; then pass "zh_cli LANG=zh_CN.UTF-8 is --lang zh"; else
	fail "zh_cli LANG=zh_CN.UTF-8 is --lang zh" "$(diff "$dir/help.zh" "$dir/help.lang" | head -5)"; fi
LANG=zh_CN.UTF-8 LC_ALL= "$SMTPSH" --lang en --help >"$dir/help.en2"
if cmp -s "$dir/help.en2" "$dir/help.en"; then pass "zh_cli --lang en under LANG=zh_CN.UTF-8"; else
	fail "zh_cli --lang en under LANG=zh_CN.UTF-8" "$(diff "$dir/help.en" "$dir/help.en2" | head -5)"; fi

# ---- a session against the lab ----
start_lab
printf '%s\n' 'login alice' 'unb64 aGVsbG8=' 'EHLO me' '/status' '/nosuch' 'login alice' \
	'MAIL FROM:<alice@localhost>' 'RCPT TO:<bob@localhost>' '/status' 'QUIT' >"$dir/in"
session() { # NAME [env and options...]
	local name=$1
	shift
	SMTPSH_PASSWORD=alice-pw env "$@" --color=never --no-history --record "$dir/rec.$name" \
		--timeout 10 "smtp://127.0.0.1:$SMTP" <"$dir/in" >"$dir/out.$name" 2>"$dir/err.$name"
	echo $? >"$dir/rc.$name"
}
session en LANG=C "$SMTPSH"
session zh LANG=C "$SMTPSH" --lang zh
session en2 LANG=zh_CN.UTF-8 "$SMTPSH" --lang en
if [ "$(cat "$dir/rc.en")" = 0 ] && [ "$(cat "$dir/rc.zh")" = 0 ]; then pass "zh_cli session exit 0 in both"; else
	fail "zh_cli session exit 0 in both" "en $(cat "$dir/rc.en"), zh $(cat "$dir/rc.zh"): $(head -3 "$dir/err.zh")"; fi
check "zh_cli session: Chinese notes, same S:/R: lines" session "$dir/out.en" "$dir/out.zh"
check "zh_cli transcript recorded in Chinese has the same S:/R: lines" transcript "$dir/rec.en" "$dir/rec.zh"
# the same words in English: the timings and the server's random challenge aside
norm() { sed -E 's/up [0-9]+s, idle [0-9]+s/up Ns, idle Ns/; s/rec\.en2?$/rec/; s/<[0-9a-f]+\.[0-9]+@/<X@/g; s/^R: 334 .*/R: 334/; s/[A-Za-z0-9+\/]{40,}=*/B64/g' "$1"; }
if diff <(norm "$dir/out.en") <(norm "$dir/out.en2") >/dev/null; then
	pass "zh_cli session --lang en under LANG=zh_CN.UTF-8 is English"; else
	fail "zh_cli session --lang en under LANG=zh_CN.UTF-8 is English" \
		"$(diff <(norm "$dir/out.en") <(norm "$dir/out.en2") | head -5)"; fi
stop_lab

# ---- usage and connection errors: Chinese, the English exit status ----
err_case() { # NAME WANT_RC ARGS...
	local name=$1 want=$2 rc_en=0 rc_zh=0
	shift 2
	LANG=C "$SMTPSH" --no-history --no-record --timeout 5 "$@" </dev/null >/dev/null 2>"$dir/e.en" || rc_en=$?
	LANG=zh_CN.UTF-8 "$SMTPSH" --no-history --no-record --timeout 5 "$@" </dev/null >/dev/null 2>"$dir/e.zh" || rc_zh=$?
	if [ "$rc_en" != "$want" ] || [ "$rc_zh" != "$want" ]; then
		fail "$name" "exit en $rc_en zh $rc_zh, want $want"
	elif cmp -s "$dir/e.en" "$dir/e.zh"; then
		fail "$name" "the same text in both: $(head -2 "$dir/e.zh")"
	else
		check "$name" chinese "$dir/e.zh"
	fi
}
err_case "zh_cli no server: usage, exit 2" 2
err_case "zh_cli unknown scheme: exit 2" 2 "gopher://127.0.0.1"
err_case "zh_cli bad port: exit 2" 2 "smtp://127.0.0.1:99999"
err_case "zh_cli refused connection: exit 3" 3 "smtp://127.0.0.1:$SMTP"
err_case "zh_cli bad --timeout: exit 2" 2 --timeout 0 "smtp://127.0.0.1:$SMTP"

[ "$fails" = 0 ]
