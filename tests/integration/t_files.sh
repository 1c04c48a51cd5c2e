#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The files smtpsh writes are its own and private: --record does not follow
# a symbolic link planted at its path (the link's target keeps its bytes and
# mode; one clear line, exit 2, before connecting), an existing record file
# becomes 0600, and the default transcripts are new 0600 files.  (The
# history file, written only on a terminal, is checked in t_tmux.sh.)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/scripted_server.sh"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# ---- a symbolic link planted at the --record path --------------------------
printf 'precious\n' >victim
chmod 644 victim
ln -s "$dir/victim" rec.txt
rc=0
# port 1: nothing listens there, so getting as far as connecting shows (exit 3)
printf 'QUIT\n' | "$SMTPSH" --color=never --no-history --timeout 2 --record rec.txt \
	smtp://127.0.0.1:1 >out 2>err || rc=$?
[ "$rc" = 2 ] && ok "--record through a symlink: exit 2" || fail "--record through a symlink: exit $rc, want 2"
[ "$(cat victim)" = precious ] && ok "the link's target keeps its bytes" || fail "the link's target was written: $(head -c 80 victim)"
[ "$(stat -c %a victim)" = 644 ] && ok "the link's target keeps its mode" || fail "the link's target is now mode $(stat -c %a victim)"
[ -L rec.txt ] || fail "the link itself was replaced"
if [ "$(grep -c . err)" = 1 ] && grep -q 'rec.txt: it is a symbolic link, not followed' err; then
	ok "one clear line: $(cat err)"
else
	fail "want one line about the symbolic link, got: $(cat out err | head -3)"
fi

# ---- an existing record file, readable by all, becomes 0600 -----------------
printf 'an older transcript\n' >old.txt
chmod 644 old.txt
start_server hostile_server.py normal 0 --idle 15
rc=0
printf 'EHLO me\nQUIT\n' | "$SMTPSH" --color=never --no-history --timeout 5 --record old.txt \
	"smtp://127.0.0.1:$(head -1 port)" >out 2>err || rc=$?
stop_server
[ "$rc" = 0 ] || fail "a session recorded to an existing file: exit $rc: $(head -2 err)"
[ "$(stat -c %a old.txt)" = 600 ] && ok "an existing record file becomes 0600" || fail "the record file is mode $(stat -c %a old.txt), want 600"
grep -q '^S: EHLO me$' old.txt && ! grep -q 'an older transcript' old.txt && ok "and holds the new transcript only" ||
	fail "the record file does not hold the new transcript alone: $(head -3 old.txt | tr '\n' '|')"

# ---- the default transcript: a new file, 0600, in a 0700 directory ----------
# (a transcripts directory left readable by all is made private again)
mkdir -p "$dir/state/smtpsh/transcripts"
chmod 755 "$dir/state/smtpsh/transcripts"
start_server hostile_server.py normal 0 --idle 15
rc=0
printf 'QUIT\n' | env XDG_STATE_HOME="$dir/state" "$SMTPSH" --color=never --no-history --timeout 5 \
	"smtp://127.0.0.1:$(head -1 port)" >out 2>err || rc=$?
stop_server
[ "$rc" = 0 ] || fail "a session with the default transcript: exit $rc: $(head -2 err)"
t=$(ls "$dir/state/smtpsh/transcripts/"*.txt 2>/dev/null | head -1)
if [ -n "$t" ] && [ "$(stat -c %a "$t")" = 600 ] && [ "$(stat -c %a "$dir/state/smtpsh/transcripts")" = 700 ]; then
	ok "the default transcript is 0600 in a 0700 directory"
else
	fail "default transcript '${t:-none}' mode $(stat -c %a "$t" 2>/dev/null)"
fi

echo
[ "$fails" = 0 ] && echo "files: all checks passed" || echo "files: $fails check(s) failed"
[ "$fails" = 0 ]
