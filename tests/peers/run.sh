#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Integration tests against real Postfix + Dovecot on loopback:
# brings the peers up, runs every tests/peers/t_*.sh (or the ones named),
# prints PASS/FAIL/SKIP per test and "peers: N passed, N failed", stops the
# peers, and exits non-zero when a test failed.
#   SMTPSH=/path/to/smtpsh sh tests/peers/run.sh [t_name ...]
#   SMTPSH_PEERS_KEEP=1 leaves the peers running afterwards (for debugging).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
: "${SMTPSH:?set SMTPSH to the smtpsh binary (make test-peers does)}"
[ -x "$SMTPSH" ] || { echo "peers: $SMTPSH is not an executable" >&2; exit 1; }
export SMTPSH

stop_peers() {
	[ -n "${SMTPSH_PEERS_KEEP:-}" ] || sh "$here/stop.sh" || true
}
# Stop whatever setup managed to start, even when it fails half-way.
trap stop_peers EXIT
trap 'exit 130' INT TERM

sh "$here/setup.sh"

logs=$(mktemp -d "${TMPDIR:-/tmp}/smtpsh-peers-logs.XXXXXX")
if [ $# -gt 0 ]; then
	tests=""
	for n in "$@"; do tests="$tests $here/${n%.sh}.sh"; done
else
	tests=$(ls "$here"/t_*.sh)
fi

passed=0 failed=0 skipped=0
for t in $tests; do
	name=$(basename "$t" .sh)
	log=$logs/$name.log
	st=0
	# One stuck session must not hang the whole run.
	timeout -k 5 60 bash "$t" >"$log" 2>&1 || st=$?
	case $st in
	0)
		echo "PASS $name"
		passed=$((passed + 1)) ;;
	77)
		echo "SKIP $name $(sed -n 's/^SKIP //p' "$log" | head -1)"
		skipped=$((skipped + 1))
		# an unexpected skip fails the run
		case " ${SMTPSH_ALLOW_SKIP:-} " in *" $name "*) ;; *) failed=$((failed + 1)) ;; esac ;;
	*)
		[ $st = 124 ] && echo "FAIL $name (timed out after 60 s)" || echo "FAIL $name (exit $st)"
		sed 's/^/    /' "$log"
		failed=$((failed + 1)) ;;
	esac
done
rm -rf "$logs"

echo "peers: $passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
