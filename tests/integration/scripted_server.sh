# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the integration tests that run the shell against a scripted
# server of this folder (hostile_server.py, tls_server.py): a private
# working folder, cleaned up on exit, and the server started and stopped
# by its pid (never by name).  The test sets `here` (this folder) first.
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
PY=${PYTHON:-/usr/bin/python3} # not PATH's: a pyenv shim may shadow it
dir=$(mktemp -d)
server_pid=
cleanup() {
	if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
	rm -rf "$dir"
}
trap cleanup EXIT
cd "$dir"

# start_server SERVER ARGS...: the port it listens on lands in ./port
start_server() {
	local server=$1
	shift
	rm -f port
	"$PY" "$here/$server" "$@" >port 2>server.err &
	server_pid=$!
	for _ in $(seq 100); do
		[ -s port ] && return 0
		sleep 0.05
	done
	echo "$(basename "$0" .sh): $server $* did not start:"
	cat server.err
	exit 1
}

# stop_server: it stops by itself once the client is gone; give it a moment
# ($server_grace seconds, 2 by default), then stop it by its pid
stop_server() {
	for _ in $(seq $((${server_grace:-2} * 20))); do
		kill -0 "$server_pid" 2>/dev/null || break
		sleep 0.05
	done
	kill "$server_pid" 2>/dev/null || true
	wait "$server_pid" 2>/dev/null || true
	server_pid=
}
