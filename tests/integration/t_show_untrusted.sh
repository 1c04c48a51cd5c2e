#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A transcript may come from anywhere: `show` never lets its escape
# sequences reach the terminal, in header values, events, comments,
# malformed lines or the S:/R: lines themselves.
set -eu
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf '%s\n' '#smtpsh-transcript 1' \
	$'# target: smtp://\x1b[2Jhost:25' \
	$'# a comment \x1b]0;pwned\x07' \
	'-- evil \x1b]0;pwned\x07 event' \
	$'\x1b[31mX: a bad line' \
	'R: 220 \x1b[5mblink\x1b[0m' \
	'S: QUIT' \
	'R: 221 bye' >"$dir/evil.txt"
rc=0
"$SMTPSH" show --color=always "$dir/evil.txt" >"$dir/out" 2>&1 || rc=$?
[ "$rc" = 0 ] || { echo "FAIL: show exit $rc"; cat "$dir/out"; exit 1; }
# with --color=always the only escapes allowed are smtpsh's own SGR colours
if grep -aP '\x1b(?!\[(0|1|2|32|33|35|36|1;31|1;33|1;36)m)' "$dir/out" >/dev/null; then
	echo "FAIL: a foreign escape sequence reached the output:"; cat -v "$dir/out"; exit 1
fi
grep -q 'x1b\]0;pwned' "$dir/out" || { echo "FAIL: the event was not shown escaped"; cat -v "$dir/out"; exit 1; }
grep -q "line 5: expected S:, R:, -- or #" "$dir/out" || { echo "FAIL: the bad line was not reported"; cat -v "$dir/out"; exit 1; }
echo "show: untrusted transcript shown safely"
