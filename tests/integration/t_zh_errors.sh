#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A failure met in a Chinese session: the warning on screen is in Chinese,
# the transcript's error event is the English run's, byte for byte
# (transcripts are language-neutral), and `show` of that transcript
# speaks the reader's language around it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/scripted_server.sh"
fails=0
fail() { echo "FAIL zh_errors: $1"; fails=$((fails + 1)); }
cjk() { "$PY" -c 'import sys; sys.exit(0 if any("\u4e00" <= c <= "\u9fff" for c in sys.stdin.read()) else 1)'; }

run() { # NAME LANG: the server greets, reads EHLO, hangs up mid-reply
	start_server hostile_server.py close_mid_reply
	printf 'EHLO me\nNOOP\n' | LANG=$2 LC_ALL= "$SMTPSH" --no-history --color=never \
		--record "$dir/$1.txt" "127.0.0.1:$(head -1 port)" >"$dir/$1.out" 2>&1 || true
	stop_server
}
run en C
run zh zh_CN.UTF-8

en_warn=$(grep '^!! ' "$dir/en.out" | head -1)
zh_warn=$(grep '^!! ' "$dir/zh.out" | head -1)
[ -n "$en_warn" ] || fail "no warning in the English run: $(cat "$dir/en.out")"
echo "$zh_warn" | cjk || fail "the warning is not Chinese: $zh_warn"
echo "$en_warn" | cjk && fail "the English warning holds Chinese: $en_warn"

events() { grep '^-- ' "$1" | sed 's/ port [0-9]*/ port N/'; }
[ -n "$(events "$dir/en.txt")" ] || fail "no event recorded"
[ "$(events "$dir/en.txt")" = "$(events "$dir/zh.txt")" ] ||
	fail "the transcripts' events differ: $(diff <(events "$dir/en.txt") <(events "$dir/zh.txt"))"
events "$dir/zh.txt" | cjk && fail "Chinese in the transcript: $(events "$dir/zh.txt")"

LANG=zh_CN.UTF-8 "$SMTPSH" show --color=never "$dir/zh.txt" >"$dir/show.zh" 2>&1 || true
LANG=C "$SMTPSH" show --color=never "$dir/zh.txt" >"$dir/show.en" 2>&1 || true
grep '^R: \|^S: ' "$dir/show.en" >"$dir/lines.en"
grep '^R: \|^S: ' "$dir/show.zh" >"$dir/lines.zh"
cmp -s "$dir/lines.en" "$dir/lines.zh" || fail "show's protocol lines differ by language"
grep '^   # ' "$dir/show.zh" | cjk || fail "show in Chinese has no Chinese note"

[ "$fails" = 0 ] && echo "PASS zh_errors: screen in Chinese, transcript events identical and English"
exit $((fails > 0))
