# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the lab's integration tests (bash): picks a port base whose
# five ports are free and starts and stops the lab by its pid.  The test
# sets dir, PY, CLIENTS, fail() and lab_options (the options every run of
# its lab takes) before sourcing.

# A base whose five ports are free: N, N+62, N-60, N-415, N+470.
base=
for _ in $(seq 1 50); do
	b=$((20000 + (RANDOM % 400) * 100 + 25))
	if "$PY" "$CLIENTS" free "$b"; then base=$b; break; fi
done
[ -n "$base" ] || { echo "FAIL no free ports"; exit 1; }
SMTP=$base SUB=$((base + 62)) SMTPS=$((base - 60)) POP3=$((base - 415)) POP3S=$((base + 470))
labpid=
runs=0

start_lab() { # extra options
	runs=$((runs + 1))
	"$SMTPSH" lab --dir "$dir/lab" --port-base "$base" "${lab_options[@]}" "$@" >"$dir/out.$runs" 2>&1 &
	labpid=$!
	if ! "$PY" "$CLIENTS" wait "$SMTP" "$SUB" "$SMTPS" "$POP3" "$POP3S" >/dev/null; then
		echo "FAIL the lab did not start:"
		sed 's/^/    /' "$dir/out.$runs"
		exit 1
	fi
	# the ports open before the start-up text is all out (under valgrind,
	# seconds before): its "[lab] listening" log line comes last
	for _ in $(seq 200); do
		grep -q '\[lab\] ' "$dir/out.$runs" && break
		sleep 0.1
	done
}

# Stops the lab with SIGTERM; its exit status, non-zero after a crash or a
# sanitizer report under SAN=1, is a failure of the test.
stop_lab() {
	[ -n "$labpid" ] || return 0
	kill -TERM "$labpid" 2>/dev/null
	local rc=0
	wait "$labpid" || rc=$?
	labpid=
	if [ "$rc" != 0 ]; then
		fail "lab run $runs exited with $rc" "$(tail -20 "$dir/out.$runs")"
	fi
	return $rc
}
