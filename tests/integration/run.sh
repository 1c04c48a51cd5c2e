#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs every tests/integration/t_*.sh (no system service needed: scripted
# servers on 127.0.0.1), prints PASS/FAIL per test with its time, the log
# of each failed one, and a last line "integration: N passed, N failed,
# N skipped" (exit 77 is a skip; one not named in SMTPSH_ALLOW_SKIP fails).
# Exits non-zero when any test failed.
#   SMTPSH=/abs/path/build/smtpsh sh tests/integration/run.sh [t_name ...]
# (`make test-integration` does this.)  Names restrict the run;
# SMTPSH_TEST_VERBOSE=1 shows the log of passing tests too (the tables).
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
[ -x "$SMTPSH" ] || { echo "run.sh: $SMTPSH is not an executable (make first)" >&2; exit 2; }
export SMTPSH
here=$(cd "$(dirname "$0")" && pwd)
# One hung test must not hang the suite; the whole run takes ~30 s, and far
# more under valgrind (SMTPSH_SAN=1), so the limit is per test and generous.
limit=${SMTPSH_TEST_TIMEOUT:-300}
pass=0
fail=0
skipped=0
run_one() {
	name=$(basename "$1" .sh)
	log=$(mktemp)
	t0=$(date +%s)
	rc=0
	timeout "$limit" bash "$1" >"$log" 2>&1 || rc=$?
	took=$(($(date +%s) - t0))
	if [ "$rc" = 77 ]; then # automake's skip; unexpected skips fail
		skipped=$((skipped + 1))
		echo "SKIP $name ($(sed -n 's/^SKIP //p' "$log" | head -1))"
		case " ${SMTPSH_ALLOW_SKIP:-} " in *" $name "*) ;; *) fail=$((fail + 1)) ;; esac
	elif [ "$rc" = 0 ]; then
		pass=$((pass + 1))
		echo "PASS $name (${took} s)"
		[ -n "${SMTPSH_TEST_VERBOSE:-}" ] && sed 's/^/    /' "$log"
	else
		fail=$((fail + 1))
		why="exit $rc"
		[ "$rc" = 124 ] && why="timed out after $limit s"
		echo "FAIL $name (${took} s, $why)"
		sed 's/^/    /' "$log"
	fi
	rm -f "$log"
}
if [ $# -gt 0 ]; then
	for n in "$@"; do
		t="$here/${n%.sh}.sh"
		[ -f "$t" ] || { echo "run.sh: no test $t" >&2; exit 2; }
		run_one "$t"
	done
else
	for t in "$here"/t_*.sh; do run_one "$t"; done
fi
echo "integration: $pass passed, $fail failed, $skipped skipped"
[ "$fail" = 0 ]
