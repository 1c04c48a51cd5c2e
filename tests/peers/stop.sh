#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Stops the Postfix and Dovecot that tests/peers/setup.sh started, through
# their own stop commands and the pid they recorded, never by process name
# (another Postfix or Dovecot on the machine is none of our business).
#   stop.sh [postfix] [dovecot]      (default: both)
set -eu

D=${SMTPSH_PEERS_DIR:-/var/lib/smtpsh-peers}

stop_postfix() {
	pf=$D/postfix
	[ -f "$pf/main.cf" ] || return 0
	postfix -c "$pf" status >/dev/null 2>&1 || return 0
	# `postfix stop` waits for the master to exit.
	postfix -c "$pf" stop >/dev/null 2>&1
}

stop_dovecot() {
	pidf=$D/run/dovecot/master.pid
	[ -s "$pidf" ] || return 0
	pid=$(cat "$pidf")
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid"
	# The master removes its pid file and listeners on the way out; wait
	# so a following start does not find the ports still bound.
	i=0
	while kill -0 "$pid" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			echo "peers: dovecot (pid $pid) still running after 10 s" >&2
			return 1
		fi
		sleep 0.1
	done
}

[ $# -gt 0 ] || set -- postfix dovecot
for what in "$@"; do
	case $what in
	postfix) stop_postfix ;;
	dovecot) stop_dovecot ;;
	*) echo "usage: stop.sh [postfix] [dovecot]" >&2; exit 2 ;;
	esac
done
