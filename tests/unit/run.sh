#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs every cmocka binary given and prints one total line counting the
# tests inside them (a binary that crashes counts as one failure).
pass=0 fail=0
for t in "$@"; do
	out=$(${VALGRIND:-} "$t" 2>&1)
	rc=$?
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\.$/\1/p')
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:$/\1/p')
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-0}))
	if [ "$rc" != 0 ]; then
		[ -z "$f" ] && fail=$((fail + 1))
		printf '%s\n' "$out"
		echo "FAILED: $t (exit $rc)"
	else
		echo "ok: $(basename "$t") (${p:-0} tests)"
	fi
done
echo "unit: $pass passed, $fail failed, 0 skipped"
[ "$fail" = 0 ]
