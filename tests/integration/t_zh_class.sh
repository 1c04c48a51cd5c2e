#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The classroom lab in Chinese (--lang zh): the start-up lines about the
# class file and the extra domains, and the refusals of bad --listen,
# --domains and --class values, hold Chinese; the accounts file is the
# same users file (address:password:code:number) whatever the language;
# --lang en under LANG=zh_CN.UTF-8 gives English.
set -u
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
CLASS="$here/lab_class.py"
HOST=127.0.0.2
dir=$(mktemp -d)
fails=0
labpid=
trap '[ -n "$labpid" ] && kill -TERM "$labpid" 2>/dev/null; rm -rf "$dir"' EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1${2:+: $2}"; fails=$((fails + 1)); }
has_cjk() { "$PY" -c 'import sys; t = sys.stdin.read(); sys.exit(0 if t.strip() and any("\u4e00" <= c <= "\u9fff" for c in t) else 1)'; }

base=
for _ in $(seq 1 50); do
	b=$((20000 + (RANDOM % 400) * 100 + 25))
	if "$PY" "$CLASS" free "$HOST" "$b"; then base=$b; break; fi
done
[ -n "$base" ] || { echo "FAIL no free ports on $HOST"; exit 1; }

# One run per language: its start-up text, then stopped by its pid.
run_lab() { # name lab-options...
	local name=$1
	shift
	"$SMTPSH" lab --dir "$dir/$name" --port-base "$base" --listen "$HOST" --quiet "$@" >"$dir/$name.out" 2>&1 &
	labpid=$!
	"$PY" "$CLASS" wait "$HOST" "$base" $((base - 415)) || fail "$name: the lab did not start" "$(cat "$dir/$name.out")"
	kill -TERM "$labpid"
	wait "$labpid" || fail "$name: the lab exited with $?"
	labpid=
}

run_lab zh --lang zh --class 4 --domains a.test,b.test
for what in class.txt a.test,b.test; do
	line=$(grep -F "$what" "$dir/zh.out" | head -1)
	echo "$line" | has_cjk && pass "the line naming $what is Chinese: $line" || fail "$what in Chinese" "$line"
done
accounts=$(grep -Ec '^student0[1-4]@[ab]\.test:[a-z2-9]{10}:[a-z]{16}:2000[1-4]$' "$dir/zh/class.txt")
[ "$accounts" = 4 ] && pass "the accounts file holds the same 4 account lines in Chinese" ||
	fail "accounts in Chinese" "$accounts lines"

LANG=zh_CN.UTF-8 run_lab en --lang en --class 4 --domains a.test,b.test
line=$(grep -F class.txt "$dir/en.out")
[ -n "$line" ] && ! echo "$line" | has_cjk && pass "--lang en under LANG=zh_CN.UTF-8: $line" ||
	fail "--lang en under LANG=zh_CN.UTF-8" "$(cat "$dir/en.out")"

for bad in "--listen example.com" "--domains a..b" "--class 0"; do
	# shellcheck disable=SC2086
	err=$("$SMTPSH" lab --lang zh --dir "$dir/bad" --port-base "$base" $bad 2>&1 >/dev/null)
	rc=$?
	[ "$rc" = 2 ] && echo "$err" | has_cjk && pass "$bad: exit 2, said in Chinese: $err" ||
		fail "$bad in Chinese" "exit $rc: $err"
done

[ "$fails" = 0 ]
