#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The command line, table-driven: each bad form gets the exit status and the
# one line on stderr it should (usage errors: exit 2, before connecting),
# and smtp://USER@HOST gives `login` its user name.  Nothing listens on
# 127.0.0.1 port 1: a row that got as far as connecting shows exit 3.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/scripted_server.sh"
printf '#smtpsh-transcript 1\nR: 220 hi\nS: QUIT\nR: 221 bye\n' >t.txt
: >afile
fails=0
nobody=smtp://127.0.0.1:1

# row EXIT 'STDERR-REGEX' ARGS...: smtpsh ARGS exits EXIT, and stderr is one
# line matching the regex (for exit 0: stdout matches it)
row() {
	local want=$1 re=$2 rc=0 got
	shift 2
	local opts=(--no-record --no-history)
	[ "$1" = serve ] && opts=() # a subcommand comes first
	timeout 10 "$SMTPSH" "${opts[@]}" "$@" </dev/null >out 2>err || rc=$?
	[ "$rc" = 124 ] && rc="124 (still running after 10 s)"
	if [ "$want" = 0 ]; then got=$(cat out); else got=$(cat err); fi
	if [ "$rc" = "$want" ] && grep -qE -- "$re" <<<"$got" && { [ "$want" = 0 ] || [ "$(grep -c . err)" = 1 ]; }; then
		printf 'ok    %-62s exit %s\n' "$*" "$rc"
	else
		fails=$((fails + 1))
		printf 'FAIL  %-62s exit %s, want %s /%s/\n      got: %s\n' "$*" "$rc" "$want" "$re" \
			"$(head -3 err | tr '\n' '|' | cut -c1-200)"
	fi
}

# the control: a good command line reaches the connect
row 3 "cannot connect to 127.0.0.1 port 1" $nobody
row 3 "cannot connect to 127.0.0.1 port 1" -4 -4 $nobody
# a user name in the URL is taken for login; a password is refused
row 3 "cannot connect to 127.0.0.1 port 1" pop3s://alice@127.0.0.1:1
row 3 "cannot connect to 127.0.0.1 port 1" smtp://alice%40example.org@127.0.0.1:1
row 2 "^smtpsh: no password in the URL" smtp://alice:secret@127.0.0.1:1
row 2 "^smtpsh: no user name before '@'" smtp://@127.0.0.1:1
# a scheme without its two slashes is not taken for a host and a port
row 2 "^smtpsh: 'smtp:/127.0.0.1' is not a URL smtpsh reads: write smtp://HOST" smtp:/127.0.0.1
row 2 "^smtpsh: 'pop3s:127.0.0.1' is not a URL smtpsh reads: write pop3s://HOST" pop3s:127.0.0.1
# options that exclude each other, or name what is not there
row 2 "^smtpsh: -4 and -6 exclude each other" -4 -6 $nobody
row 2 "^smtpsh: -4 and -6 exclude each other" -6 -4 $nobody
row 2 "^smtpsh: --capath $dir/none: No such file or directory" --capath "$dir/none" $nobody
row 2 "^smtpsh: --capath $dir/afile: not a directory" --capath "$dir/afile" $nobody
# replay --against: everything offline is checked before connecting
row 2 "^smtpsh: --against belongs to 'smtpsh replay --against URL FILE'" --against $nobody t.txt
row 2 "^smtpsh: --mask: bad mask '\('" replay --against $nobody --mask '(' t.txt
row 2 "^smtpsh replay: cannot read transcript 'missing.txt'" replay --against $nobody missing.txt
row 2 "^smtpsh replay --against: which transcript" replay --against $nobody
# serve: a port or a timeout that is not a number
row 2 "^smtpsh serve: bad port ''" serve t.txt --port ''
row 2 "^smtpsh serve: bad port '-1'" serve t.txt --port -1
row 2 "^smtpsh serve: bad port '25x'" serve t.txt --port 25x
row 2 "^smtpsh serve: --timeout wants seconds from 1 to 3600, not 'abc'" serve t.txt --timeout abc
# the usage line names every option of serve
row 0 "smtpsh serve FILE .*\[--timeout S\]" --help

# ---- smtp://USER@HOST end to end: login uses USER ---------------------------
"$PY" "$here/hostile_server.py" pop3_bad 0 --log wire --idle 15 >port 2>server.err &
server_pid=$!
for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
rc=0
printf 'login\nQUIT\n' | SMTPSH_PASSWORD=pw timeout 20 "$SMTPSH" --color=never --no-record --no-history \
	--timeout 5 "pop3://alice@127.0.0.1:$(head -1 port)" >out 2>err || rc=$?
for _ in $(seq 40); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.05; done
kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; server_pid=
if grep -qx 'USER alice' wire 2>/dev/null && grep -qx 'PASS pw' wire; then
	printf 'ok    %-62s exit %s\n' "pop3://alice@HOST: login sends USER alice" "$rc"
else
	fails=$((fails + 1))
	printf 'FAIL  pop3://alice@HOST: login did not send USER alice (exit %s): %s\n' "$rc" \
		"$(cat err out 2>/dev/null | grep -E '^(smtpsh|!!)' | head -2 | tr '\n' '|')"
fi

echo
[ "$fails" = 0 ] && echo "cmdline: every row passed" || echo "cmdline: $fails row(s) failed"
[ "$fails" = 0 ]
