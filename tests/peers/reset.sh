#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Empties the test mailboxes so a test starts from a known state.
#   reset.sh [USER...]      (default: alice bob carol)
# Lets the peers' Postfix finish deliveries in flight and drops whatever is
# left (deferred, held) first, so a message from an earlier test cannot land
# after the reset.  Call it while no POP3 session is open (Dovecot keeps its
# index inside the Maildir).
set -eu

D=${SMTPSH_PEERS_DIR:-/var/lib/smtpsh-peers}
[ -f "$D/env" ] || { echo "reset.sh: no peers in $D (run tests/peers/setup.sh)" >&2; exit 1; }
[ $# -gt 0 ] || set -- alice bob carol

spool=$D/postfix-spool
i=0
while [ $i -lt 50 ] && [ -n "$(find "$spool/maildrop" "$spool/incoming" "$spool/active" -type f 2>/dev/null | head -1)" ]; do
	i=$((i + 1))
	sleep 0.1
done
postsuper -c "$D/postfix" -d ALL >/dev/null 2>&1 || true
for u in "$@"; do
	case $u in
	alice | bob | carol) ;;
	*) echo "reset.sh: unknown user '$u'" >&2; exit 2 ;;
	esac
	# Remove the whole home: Maildir, Dovecot's index and uidlist alike.
	rm -rf "$D/vmail/$u"
	mkdir -p "$D/vmail/$u/Maildir/cur" "$D/vmail/$u/Maildir/new" "$D/vmail/$u/Maildir/tmp"
	chown -R smtpsh-vmail:smtpsh-vmail "$D/vmail/$u"
	chmod -R go-rwx "$D/vmail/$u"
done
