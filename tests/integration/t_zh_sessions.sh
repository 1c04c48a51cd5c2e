#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The seed sessions once under LANG=C and once under LANG=zh_CN.UTF-8
# (issue 13's proof): seed 003's QQ flow against the lab's qq persona
# (submission port like 587: STARTTLS, the QQ password refused, the
# authorization code accepted, a message sent), a POP3 retrieval of it,
# and the lessons in transcripts/ shown.  What crossed the wire (S:/R:)
# and the transcript files must be the same in both languages (FAIL);
# the lessons' narration must be Chinese in the Chinese run and English
# with --lang=en under a Chinese LANG (FAIL); notes still in English are
# counted and reported while the catalogue grows.  Under tmux the Chinese
# shell's /help is read back from the screen: its second column starts at
# the same display column on every row.  The lab is stopped by its pid.
set -u
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
PY=/usr/bin/python3
CLIENTS="$here/lab_clients.py"
CMP="$here/zh_session_compare.py"
shell_limit=20
line_timeout=3
[ "${SMTPSH_SAN:-}" = 1 ] && shell_limit=90 && line_timeout=15
command -v tmux >/dev/null || { echo "FAIL tmux is not installed (Debian package 'tmux')"; exit 1; }
dir=$(mktemp -d)
fails=0
sess=zh$$
tmx() { tmux -S "$dir/tmux.sock" -f /dev/null "$@"; }
trap 'tmx kill-session -t "$sess" 2>/dev/null; stop_lab; rm -rf "$dir"' EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1${2:+: $2}"; fails=$((fails + 1)); }

. "$here/zh_locale.sh"
echo "zh_CN.UTF-8 locale: $ZH_LOCALE"
lab_options=(--idle-timeout 20 --line-timeout "$line_timeout" --persona qq)
. "$here/lab_run.sh"
start_lab
CA="$dir/lab/ca.pem"

b64() { printf '%s' "$1" | base64 -w0; }
user=$(b64 alice@qq.com)

# Seed 003: STARTTLS on 587, the QQ password refused (535), then the
# authorization code (授权码) accepted, and a message to bob.
printf '%s\n' 'EHLO me' STARTTLS 'EHLO me' 'AUTH LOGIN' "$user" "$(b64 alice-pw)" \
	'AUTH LOGIN' "$user" "$(b64 alicecode1234567)" 'MAIL FROM:<alice@qq.com>' \
	'RCPT TO:<bob@qq.com>' DATA 'From: alice@qq.com' 'Subject: seed 003' '' 'hello bob' '.x' . \
	QUIT >"$dir/qq.in"
# The retrieval: bob logs in with his code and reads message 1.
printf '%s\n' 'USER bob@qq.com' 'PASS bobcode123456789' STAT LIST 'RETR 1' QUIT >"$dir/pop3.in"

# run NAME LANGVALUE ARGS...: smtpsh under LANG=LANGVALUE, output in NAME.out
run() {
	local name=$1 lang=$2
	shift 2
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG="$lang" \
		HOME="$dir/home" XDG_STATE_HOME="$dir/state" \
		timeout "$shell_limit" "$SMTPSH" "$@" >"$dir/$name.out" 2>&1
}

# same_protocol WHAT A B: the S:/R: lines of two runs are identical
same_protocol() {
	"$PY" "$CMP" protocol "$dir/$2.out" >"$dir/$2.wire"
	"$PY" "$CMP" protocol "$dir/$3.out" >"$dir/$3.wire"
	if [ ! -s "$dir/$2.wire" ]; then
		fail "$1: no S:/R: lines" "$(tail -5 "$dir/$2.out")"
	elif cmp -s "$dir/$2.wire" "$dir/$3.wire"; then
		pass "$1: S:/R: lines identical in English and Chinese ($(wc -l <"$dir/$2.wire") lines)"
	else
		fail "$1: S:/R: lines differ" "$(diff "$dir/$2.wire" "$dir/$3.wire" | head -10)"
	fi
}

# report_notes WHAT NAME: how many notes and warnings of the Chinese run
# are Chinese; the English ones are reported, not failed
report_notes() {
	local total zh prefix
	for prefix in '   # ' '!! '; do
		read -r total zh < <("$PY" "$CMP" count "$prefix" "$dir/$2.out")
		echo "note: $1: $zh of $total '${prefix# }' lines in Chinese"
		if [ "$zh" != "$total" ]; then
			"$PY" "$CMP" english "$prefix" "$dir/$2.out" | sed -n '1,3s/^/    still English: /p'
		fi
	done
}

for lang in C zh_CN.UTF-8; do
	tag=${lang%%.*}
	run "qq.$tag" "$lang" --no-history --record "$dir/qq.$tag.tr" --cafile "$CA" \
		"smtp://127.0.0.1:$SUB" <"$dir/qq.in"
done
grep -q '^R: 535 ' "$dir/qq.C.out" && grep -q '^R: 235 ' "$dir/qq.C.out" &&
	grep -q '^R: 250 2.0.0 Ok: queued as' "$dir/qq.C.out" &&
	pass "seed 003 flow: STARTTLS, the password refused (535), the code accepted (235), sent" ||
	fail "seed 003 flow" "$(grep '^R: [0-9]' "$dir/qq.C.out" | tail -5)"
same_protocol "seed 003 (qq, 587)" qq.C qq.zh_CN
report_notes "seed 003 (qq, 587)" qq.zh_CN

# The transcripts are language-neutral: the same file whatever the language.
"$PY" "$CMP" transcript "$dir/qq.C.tr" >"$dir/qq.C.neutral"
"$PY" "$CMP" transcript "$dir/qq.zh_CN.tr" >"$dir/qq.zh_CN.neutral"
if [ -s "$dir/qq.C.neutral" ] && cmp -s "$dir/qq.C.neutral" "$dir/qq.zh_CN.neutral"; then
	pass "a transcript recorded in Chinese is the one recorded in English (start time and queue id aside)"
else
	fail "transcripts differ by language" "$(diff "$dir/qq.C.neutral" "$dir/qq.zh_CN.neutral" | head -10)"
fi
# ... and shows the same to an English reader either way.
run show.trC C show --color=never "$dir/qq.C.tr"
run show.trZ zh_CN.UTF-8 show --color=never --lang=en "$dir/qq.zh_CN.tr"
# the two recordings may straddle a second: their start times are masked
mask='s/queued as [0-9A-Za-z]+/queued as QUEUEID/; s/^(   # started: ).*/\1TIME/'
sed -E "$mask" "$dir/show.trC.out" >"$dir/show.trC.m"
sed -E "$mask" "$dir/show.trZ.out" >"$dir/show.trZ.m"
cmp -s "$dir/show.trC.m" "$dir/show.trZ.m" && grep -q '^R: 235 ' "$dir/show.trC.m" &&
	pass "show --lang=en of the Chinese-recorded transcript = show of the English one" ||
	fail "show across languages" "$(diff "$dir/show.trC.m" "$dir/show.trZ.m" | head -8)"

for lang in C zh_CN.UTF-8; do
	run "pop3.${lang%%.*}" "$lang" --no-history --no-record --cafile "$CA" \
		"pop3s://127.0.0.1:$POP3S" <"$dir/pop3.in"
done
grep -q '^R: Subject: seed 003' "$dir/pop3.C.out" && grep -q '^R: \.\.x' "$dir/pop3.C.out" &&
	pass "POP3 retrieval: the message seed 003 sent, its '.x' line stuffed" ||
	fail "POP3 retrieval" "$(grep '^R: ' "$dir/pop3.C.out" | tail -5)"
same_protocol "POP3 retrieval (pop3s)" pop3.C pop3.zh_CN
report_notes "POP3 retrieval (pop3s)" pop3.zh_CN

# The lessons: narration in the reader's language, the wire the same.
for lesson in "$top"/transcripts/*.txt; do
	name=$(basename "$lesson" .txt)
	run "$name.C" C show --color=never "$lesson"
	run "$name.zh_CN" zh_CN.UTF-8 show --color=never "$lesson"
	run "$name.en" zh_CN.UTF-8 show --color=never --lang=en "$lesson"
	same_protocol "lesson $name" "$name.C" "$name.zh_CN"
	read -r total zh < <("$PY" "$CMP" count '» ' "$dir/$name.zh_CN.out")
	read -r total_en _ < <("$PY" "$CMP" count '» ' "$dir/$name.C.out")
	if [ "$total" -gt 0 ] && [ "$zh" = "$total" ]; then
		pass "lesson $name: narration in Chinese ($total lines; $total_en in English)"
	else
		fail "lesson $name: narration" "$zh of $total lines Chinese: $("$PY" "$CMP" english '» ' "$dir/$name.zh_CN.out" | sed -n 1,2p)"
	fi
	cmp -s "$dir/$name.C.out" "$dir/$name.en.out" &&
		pass "lesson $name: --lang=en under LANG=zh_CN.UTF-8 is the English run" ||
		fail "lesson $name: --lang=en" "$(diff "$dir/$name.C.out" "$dir/$name.en.out" | head -6)"
	report_notes "lesson $name" "$name.zh_CN"
done

# The Chinese shell on a terminal: /help's columns by display width.
export TERM=${TERM:-xterm}
tmx new-session -d -s "$sess" -x 200 -y 60 \
	"env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=zh_CN.UTF-8 HOME=$dir/home XDG_STATE_HOME=$dir/state TERM=xterm-256color $SMTPSH --no-history --no-record --color=never smtp://127.0.0.1:$SMTP; sleep 30"
screen_has() { # TEXT: waits until the screen shows TEXT
	for _ in $(seq 100); do
		tmx capture-pane -p -J -t "$sess" -S -200 >"$dir/screen" 2>/dev/null
		grep -qF -- "$1" "$dir/screen" && return 0
		sleep 0.1
	done
	return 1
}
if screen_has 'R: 220 '; then
	tmx send-keys -t "$sess" '/help' Enter
	if screen_has 'QUIT' && screen_has 'ETRN'; then
		if out=$("$PY" "$CMP" columns "$dir/screen"); then
			pass "tmux: the Chinese /help's second column at one display column ($out: rows, column)"
		else
			fail "tmux: /help columns" "$out"
		fi
		read -r total zh < <("$PY" "$CMP" count '' "$dir/screen")
		echo "note: tmux screen: $zh of $total lines hold Chinese"
	else
		fail "tmux: /help did not show" "$(tail -5 "$dir/screen")"
	fi
	tmx send-keys -t "$sess" 'QUIT' Enter
else
	fail "tmux: the shell did not connect" "$(tail -5 "$dir/screen")"
fi
tmx kill-session -t "$sess" 2>/dev/null

stop_lab || true
[ "$fails" = 0 ] && exit 0
exit 1
