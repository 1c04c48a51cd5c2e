#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `smtpsh lesson`: the index lists every lesson in transcripts/ with the
# title its header gives; every lesson runs end to end against the lab
# with --script, fed its own S: lines (secrets: the lab's users), and
# ends with exit 0 and "lesson complete" (every reply as the lesson
# expected but in 01, where only the seed's HELLO gets the lab's 500,
# explained: the lab plays sohu.com and sina.com);
# the lab really got the message of lesson 02 and lesson 04 really read
# and deleted bob's; a wrong password gets the difference explained;
# --quiz with right and wrong answers; --lang zh; and `replay` with b
# shows the previous exchange again.  Each lesson starts its own lab in
# the background (its state in a temporary XDG_STATE_HOME), which ends
# with it.
set -u
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
here=$(cd "$(dirname "$0")" && pwd)
lessons=$(cd "$here/../../transcripts" && pwd)
PY=/usr/bin/python3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export XDG_STATE_HOME="$dir/state" LANG=C LC_ALL= LANGUAGE=
limit=60
[ "${SMTPSH_SAN:-}" = 1 ] && limit=240
fails=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1${2:+: $2}"; fails=$((fails + 1)); }

b64() { printf %s "$1" | base64; }
# The secrets each lesson's redacted lines stand for, from the lab's
# users, one a line.
secrets_for() {
	case $1 in
	02 | 03) b64 alice-pw ;;
	05) b64 alice-pw && b64 alicecode1234567 ;;
	04 | 06) echo "PASS bob-pw" ;;
	09) b64 alice-pw && b64 alice-pw ;;
	esac
}
run_lesson() { # N NAME [smtpsh options] < input: output in $dir/NAME, status in rc
	local n=$1 name=$2
	shift 2
	rc=0
	timeout "$limit" "$SMTPSH" lesson "$n" --script --color=never "$@" >"$dir/$name" 2>&1 || rc=$?
}
# "lesson complete: M of N": M and N
counts() { sed -n 's/^-- lesson complete: \([0-9]*\) of \([0-9]*\) .*/\1 \2/p' "$1"; }

# ---- the index ----
"$SMTPSH" lesson >"$dir/index" 2>&1 || fail "index: exit $?"
for f in "$lessons"/[0-9][0-9]-*.txt; do
	n=$(basename "$f" | cut -c1-2)
	title=$(sed -n 's/^# title: //p' "$f")
	if [ -n "$title" ] && grep -qF "$n  $title" "$dir/index"; then
		pass "index: lesson $n with its title"
	else
		fail "index: lesson $n" "$(cat "$dir/index")"
	fi
done

# installed: PREFIX/bin/smtpsh finds PREFIX/share/smtpsh/transcripts
mkdir -p "$dir/prefix/bin" "$dir/prefix/share/smtpsh/transcripts"
# the binary itself: under valgrind $SMTPSH is tools/valgrind-smtpsh, a
# script that runs ../build/smtpsh relative to itself
binary=$SMTPSH
[ "$(head -c 4 "$SMTPSH" | od -An -c | tr -d ' ')" = '177ELF' ] ||
	binary="$(cd "$(dirname "$SMTPSH")/.." && pwd)/build/smtpsh"
cp "$binary" "$dir/prefix/bin/smtpsh"
cp "$lessons"/03-*.txt "$dir/prefix/share/smtpsh/transcripts/"
listed=$("$dir/prefix/bin/smtpsh" lesson 2>&1 | grep -c '^[0-9][0-9]  ')
if [ "$listed" = 1 ] && "$dir/prefix/bin/smtpsh" lesson | grep -q '^03  '; then
	pass "index: the installed lessons beside PREFIX/bin"
else
	fail "index: installed" "$listed lessons listed"
fi

# ---- every lesson end to end, fed its own lines ----
for f in "$lessons"/[0-9][0-9]-*.txt; do
	n=$(basename "$f" | cut -c1-2)
	mapfile -t secrets < <(secrets_for "$n")
	"$PY" "$here/lesson_feed.py" "$f" "${secrets[@]}" >"$dir/in"
	run_lesson "$n" "run$n" <"$dir/in"
	read -r matched compared < <(counts "$dir/run$n")
	if [ "$rc" != 0 ] || [ -z "${compared:-}" ]; then
		fail "lesson $n --script: exit $rc, complete" "$(tail -5 "$dir/run$n")"
	elif [ "$n" = 01 ]; then
		# the seed's server said 250 to HELLO; the lab says 500, and why
		if grep -qE '^!!   lesson +: 250 sina.com' "$dir/run$n" &&
			grep -qE '^!!   lab +: 500 ' "$dir/run$n" && [ "$matched" = $((compared - 1)) ]; then
			pass "lesson 01 --script: complete, HELLO's 500 explained"
		else
			fail "lesson 01 --script: HELLO" "$(grep -E '^!!' "$dir/run$n" | head -5)"
		fi
	elif [ "$matched" = "$compared" ] && [ "$compared" -gt 3 ]; then
		pass "lesson $n --script: complete, $matched of $compared replies as the lesson's"
	else
		fail "lesson $n --script: $matched of $compared" "$(grep -E '^!!' "$dir/run$n" | head -6)"
	fi
done

# what the lab really got: lesson 02's message in bob's mailbox, stored
# unstuffed; lesson 04 read bob's message and deleted it at QUIT
mail="$XDG_STATE_HOME/smtpsh/lesson-lab/mail"
stored=$(grep -lx 'Subject: typed by hand' "$mail"/bob/new/* "$mail"/bob/cur/* 2>/dev/null | head -1)
if [ -n "$stored" ] && grep -qx '.this line starts with a dot' "$stored"; then
	fail "lesson 02: bob's message should be gone after lesson 04's DELE and QUIT"
else
	pass "lesson 04: bob's message deleted by DELE and QUIT"
fi
"$PY" "$here/lesson_feed.py" "$lessons"/02-*.txt "$(b64 alice-pw)" >"$dir/in"
	run_lesson 02 again02 <"$dir/in"
stored=$(grep -lx 'Subject: typed by hand' "$mail"/bob/new/* 2>/dev/null | head -1)
if [ "$rc" = 0 ] && [ -n "$stored" ] && grep -qx '.this line starts with a dot' "$stored"; then
	pass "lesson 02: the lab stored the message, dot-stuffing undone"
else
	fail "lesson 02: message stored" "$(ls -R "$mail" 2>&1 | head)"
fi

# ---- a wrong password: the difference explained, the lesson goes on ----
"$PY" "$here/lesson_feed.py" "$lessons"/02-*.txt "$(b64 not-the-password)" >"$dir/in"
	run_lesson 02 wrong <"$dir/in"
read -r matched compared < <(counts "$dir/wrong")
if [ "$rc" = 0 ] && grep -qE '^!!   lesson +: 235 ' "$dir/wrong" &&
	grep -A1 -E '^!!   lab +: 535 ' "$dir/wrong" | grep -qE '^   # lab +: .{20}' &&
	[ "${matched:-0}" -lt "${compared:-0}" ]; then
	pass "wrong password: lesson 235 vs lab 535, both explained"
else
	fail "wrong password" "$(grep -E '^!!|^--' "$dir/wrong" | head -8)"
fi

# ---- --quiz: 9 commands in lesson 04, the 4th (STAT) answered wrong ----
"$PY" "$here/lesson_feed.py" "$lessons"/04-*.txt --quiz '+OK,+OK,+OK,-ERR,+OK' "PASS bob-pw" >"$dir/in"
run_lesson 04 quiz --quiz <"$dir/in"
right=$(grep -c '^   # right: the server said +OK' "$dir/quiz")
wrong=$(grep -c '^!! not quite: the server said +OK' "$dir/quiz")
if [ "$rc" = 0 ] && [ "$right" = 8 ] && [ "$wrong" = 1 ]; then
	pass "--quiz: 8 right, 1 wrong"
else
	fail "--quiz: exit $rc, right $right, wrong $wrong" "$(tail -5 "$dir/quiz")"
fi

# ---- --lang zh: the same exercise; notes in Chinese, protocol unchanged ----
"$PY" "$here/lesson_feed.py" "$lessons"/03-*.txt "$(b64 alice-pw)" >"$dir/in"
	run_lesson 03 zh --lang zh <"$dir/in"
if [ "$rc" = 0 ] && "$PY" - "$dir/run03" "$dir/zh" <<'PYEOF'; then
import re, sys
en, zh = (open(p, encoding='utf-8').read().splitlines() for p in sys.argv[1:3])
proto = lambda lines: [l for l in lines if l.startswith(('S: ', 'R: '))]
# Chinese words, or a label with the full-width colon (the certificate's sha256)
cjk = lambda s: any('\u4e00' <= c <= '\u9fff' or c == '\uff1a' for c in s)
notes = [l for l in zh if l.startswith(('   # ', '!! ', '» '))]
ok = proto(en) == proto(zh) and notes and all(cjk(l) for l in notes)
ok = ok and any(l.startswith('-- ') and cjk(l) for l in zh)
sys.exit(0 if ok else 1)
PYEOF
	pass "--lang zh: every note in Chinese, S:/R: lines as in English"
else
	fail "--lang zh" "$(grep -E '^   # |^!! |^-- ' "$dir/zh" | head -5)"
fi

# ---- replay: b steps back one exchange ----
"$PY" "$here/replay_tty.py" "$SMTPSH" "$lessons"/02-auth-login-by-hand.txt nnb >"$dir/replay" 2>&1
sent=$(grep '^S: ' "$dir/replay" | tr '\n' '|')
if [ "$sent" = "S: EHLO client.example|S: AUTH LOGIN|S: EHLO client.example|" ] &&
	[ "$(grep -c '^R: 250-PIPELINING' "$dir/replay")" = 2 ]; then
	pass "replay: b shows the previous exchange again"
else
	fail "replay b" "$sent"
fi

[ "$fails" = 0 ]
