#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `show` decodes the client's own base64 and explains the headers a
# server added (issue 14 point 4).  Sessions recorded against the lab:
# AUTH LOGIN and AUTH PLAIN, once recorded as usual (secrets redacted:
# nothing to decode) and once with --show-secrets (the password is in the
# file, yet never on screen unless show is given --show-secrets).  Lesson
# 02's user name; lesson 04's Received, Delivered-To, Message-Id and
# Date.  The same notes in Chinese with --lang zh.  The lab is stopped by
# its pid only.
set -u
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PY=/usr/bin/python3
CLIENTS="$here/lab_clients.py"
dir=$(mktemp -d)
fails=0
trap 'stop_lab; rm -rf "$dir"' EXIT
pass() { echo "PASS show_decoded: $1"; }
fail() { echo "FAIL show_decoded: $1${2:+: $2}"; fails=$((fails + 1)); }
lab_options=(--idle-timeout 20)
. "$here/lab_run.sh"

user=alice secret=alice-pw
u64=$(printf %s "$user" | base64)
p64=$(printf %s "$secret" | base64)
plain64=$(printf '\0%s\0%s' "$user" "$secret" | base64)

start_lab
record() { # FILE [options]: AUTH LOGIN, then AUTH PLAIN on a second connection
	local file=$1
	shift
	printf 'EHLO me\nAUTH LOGIN\n%s\n%s\nQUIT\n' "$u64" "$p64" |
		timeout 20 "$SMTPSH" --record "$file.login" --no-history "$@" "smtp://127.0.0.1:$SMTP" >/dev/null 2>&1
	printf 'EHLO me\nAUTH PLAIN %s\nQUIT\n' "$plain64" |
		timeout 20 "$SMTPSH" --record "$file.plain" --no-history "$@" "smtp://127.0.0.1:$SMTP" >/dev/null 2>&1
}
record "$dir/redacted"
record "$dir/clear" --show-secrets
stop_lab || true

# The note lines right under the S: line that is exactly LINE.
notes_under() { # FILE-OF-SHOW-OUTPUT LINE
	awk -v want="S: $2" 'found && /^   # / {print; next} found {exit} $0 == want {found = 1}' "$1"
}

for kind in login plain; do
	for f in redacted clear; do
		"$SMTPSH" show "$dir/$f.$kind" >"$dir/$f.$kind.out" 2>&1 ||
			fail "show $f.$kind exits 0" "$(tail -3 "$dir/$f.$kind.out")"
	done
done

# LOGIN: the user name decoded under its line; the password never shown
notes_under "$dir/redacted.login.out" "$u64" | grep -q "\"$user\"" &&
	pass "AUTH LOGIN's user name decoded" || fail "AUTH LOGIN's user name decoded" "$(cat "$dir/redacted.login.out")"
grep -q "$secret\|$p64" "$dir/redacted.login.out" "$dir/clear.login.out" &&
	fail "the LOGIN password on screen" "$(grep -n "$secret\|$p64" "$dir"/*.login.out)" ||
	pass "the LOGIN password never on screen (redacted or recorded in clear)"
grep -q "^S: $p64\$" "$dir/clear.login"* && pass "the clear recording holds the password (the case is real)" ||
	fail "the clear recording holds the password"
"$SMTPSH" show --show-secrets "$dir/clear.login" 2>&1 | grep -q "^   # .*\"$secret\"" &&
	pass "--show-secrets decodes the password" || fail "--show-secrets decodes the password"

# PLAIN: user name from the initial response, password only counted
out=$(grep -A3 "^S: AUTH PLAIN" "$dir/clear.plain.out")
echo "$out" | grep "^   # " | grep -q "\"$user\"" && echo "$out" | grep -q "${#secret}" &&
	pass "AUTH PLAIN's parts: user name and the password's length" ||
	fail "AUTH PLAIN's parts" "$out"
grep -q "$secret\|$plain64" "$dir/clear.plain.out" "$dir/redacted.plain.out" &&
	fail "the PLAIN password on screen" "$(grep -n "$secret\|$plain64" "$dir"/*.plain.out)" ||
	pass "the PLAIN password never on screen"
# a redacted line has nothing to decode: no note names the user
if grep -A3 "^S: AUTH PLAIN" "$dir/redacted.plain.out" | grep "^   # " | grep -q "\"$user\""; then
	fail "a redacted line is decoded"
else
	pass "a redacted line is never decoded"
fi

# Lesson 02: alice's name under its base64
"$SMTPSH" show "$root/transcripts/02-auth-login-by-hand.txt" >"$dir/l02" 2>&1
notes_under "$dir/l02" "YWxpY2U=" | grep -q '"alice"' && pass "lesson 02: the user name decoded" ||
	fail "lesson 02: the user name decoded" "$(notes_under "$dir/l02" "YWxpY2U=")"

# Lesson 04: notes between the header block's end and the body
"$SMTPSH" show "$root/transcripts/04-pop3-retrieval.txt" >"$dir/l04" 2>&1
awk '/^R: $/ {on = 1; next} on && /^R: / {exit} on' "$dir/l04" >"$dir/l04.notes"
ok=1
for want in '^   # Return-Path <alice@localhost>' '^   # Delivered-To bob@localhost' \
	'hop 1 of 1.*client\.example.*mail\.smtpsh\.test.*A6791104086' \
	'^   # Message-Id <20261123061949\.A6791104086@mail\.smtpsh\.test>.*A6791104086' \
	'^   # Date Mon, 23 Nov 2026'; do
	grep -q "$want" "$dir/l04.notes" || { ok=0; fail "lesson 04: a note matching $want" "$(cat "$dir/l04.notes")"; }
done
[ "$ok" = 1 ] && pass "lesson 04: Return-Path, Received, Delivered-To, Message-Id, Date explained"

# Chinese: the same notes, translated; the protocol lines unchanged
"$SMTPSH" show --lang zh "$root/transcripts/04-pop3-retrieval.txt" >"$dir/l04.zh" 2>&1
"$SMTPSH" show --lang zh "$dir/clear.plain" >"$dir/plain.zh" 2>&1
"$SMTPSH" show --lang zh "$dir/clear.login" >"$dir/login.zh" 2>&1
if "$PY" - "$dir" <<'PY'; then pass "--lang zh: the new notes in Chinese, protocol lines unchanged"; else fail "--lang zh"; fi
import sys
d = sys.argv[1]
def lines(p):
    return open(p, encoding="utf-8").read().splitlines()
def cjk(s):
    return any("\u4e00" <= c <= "\u9fff" for c in s)
ok = True
for en, zh in (("l04", "l04.zh"), ("clear.plain.out", "plain.zh"), ("clear.login.out", "login.zh")):
    a, b = lines(f"{d}/{en}"), lines(f"{d}/{zh}")
    if [l for l in a if l.startswith(("S: ", "R: "))] != [l for l in b if l.startswith(("S: ", "R: "))]:
        print(f"protocol lines differ in {zh}"); ok = False
    # "   #   | " lines quote the message text itself
    bad = [l for l in b if l.startswith("   # ") and not l.startswith("   #   |") and not cjk(l)]
    if bad:
        print(f"{zh}: untranslated notes:", *bad, sep="\n  "); ok = False
# the notes under the hop and the user name carry the decoded data
zh04 = "\n".join(lines(f"{d}/l04.zh"))
if "A6791104086" not in zh04.split("R: \n", 1)[-1]:
    print("zh: no note with the queue id"); ok = False
if not any(l.startswith("   # ") and '"alice"' in l or "“alice”" in l for l in lines(f"{d}/login.zh")):
    print("zh: the user name is not decoded"); ok = False
sys.exit(0 if ok else 1)
PY

[ "$fails" = 0 ] && exit 0 || exit 1
