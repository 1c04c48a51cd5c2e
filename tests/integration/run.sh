#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs every tests/integration/t_*.sh (no system service needed: scripted
# servers on loopback), prints PASS/FAIL per test and one total line.
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0
for t in "$here"/t_*.sh; do
	name=$(basename "$t" .sh)
	log=$(mktemp)
	if timeout 300 bash "$t" >"$log" 2>&1; then
		pass=$((pass + 1))
		echo "PASS $name"
	else
		fail=$((fail + 1))
		echo "FAIL $name"
		sed 's/^/    /' "$log"
	fi
	rm -f "$log"
done
echo "integration: $pass passed, $fail failed"
[ "$fail" = 0 ]
