#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# smtpsh doctor against Postfix (465 implicit TLS, 587 STARTTLS) and
# Dovecot (995): the right password passes every step (exit 0), a wrong
# one is the account's problem (exit 1) in the JSON report, --send-to
# delivers one message to bob, a port with nothing listening is exit 3.
# The secret is never printed.
set -eu
. "$(dirname "$0")/lib.sh"

reset_mailboxes bob

# doctor SECRET ARGS...: stdout, stderr and the exit status as smtpsh() does;
# the secret goes through the environment only.
doctor() {
	secret=$1
	shift
	rc=0
	SMTPSH_PASSWORD=$secret "$SMTPSH" doctor --cafile "$SMTPSH_PEERS_CAFILE" -t 10 \
		--user alice "$@" alice@localhost >"$out" 2>"$err" </dev/null || rc=$?
	printf '$ smtpsh doctor %s  (exit %s)\n' "$*" "$rc" >>"$work/log"
	cat "$out" "$err" >>"$work/log"
}

# cause STEP: the cause the JSON report gives for STEP ("-" when none)
cause() {
	python3 -c '
import json, sys
for s in json.load(open(sys.argv[1]))["steps"]:
    if s["name"] == sys.argv[2]:
        print(s["cause"] or "-"); break
else:
    print("missing")' "$out" "$1"
}

doctor alice-secret --smtp smtps://localhost:465 --pop3 pop3s://localhost:995 --json
want_rc 0
[ "$(cause "pop3 stat")" = - ] || fail "pop3 stat did not pass"
lacks alice-secret

doctor alice-secret --smtp smtp://localhost:587 --pop3 pop3s://localhost:995
want_rc 0
lacks alice-secret

doctor wrong-secret --smtp smtps://localhost:465 --pop3 pop3s://localhost:995 --json
want_rc 1
[ "$(cause "smtp auth")" = wrong_secret ] || fail "smtp auth cause $(cause "smtp auth")"
[ "$(cause "pop3 login")" = wrong_secret ] || fail "pop3 login cause $(cause "pop3 login")"
lacks wrong-secret

doctor alice-secret --smtp smtps://localhost:465 --pop3 pop3s://localhost:995 --send-to bob@localhost
want_rc 0
wait_delivered bob 1

doctor alice-secret --smtp smtps://localhost:9 --pop3 pop3s://localhost:9 --json
want_rc 3
[ "$(cause "tcp 9")" = refused ] || fail "tcp 9 cause $(cause "tcp 9")"
