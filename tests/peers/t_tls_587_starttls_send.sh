#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# QQ's port-587 story done right: EHLO, STARTTLS (the shell upgrades the
# connection after 220, verifying against the peers' CA), EHLO again, now
# AUTH is offered; AUTH LOGIN and a message to bob that arrives via TLS.
set -eu
. "$(dirname "$0")/lib.sh"

reset_mailboxes bob
smtpsh --cafile "$SMTPSH_PEERS_CAFILE" smtp://localhost:587 <<'IN'
EHLO client.smtpsh.test
STARTTLS
EHLO client.smtpsh.test
AUTH LOGIN
b64 alice
b64 alice-secret
MAIL FROM:<alice@localhost>
RCPT TO:<bob@localhost>
DATA
Subject: smtpsh peers: 587 STARTTLS

sent after STARTTLS
.
QUIT
IN
want_rc 0
has_line 'R: 220 2.0.0 Ready to start TLS'
has '^-- .*TLS' "no event line about TLS"
has_line 'R: 250-AUTH PLAIN LOGIN'
has_line 'R: 235 2.7.0 Authentication successful'
has '^R: 250 2\.0\.0 Ok: queued as ' "message not queued"
has_line 'R: 221 2.0.0 Bye'
lacks 'alice-secret'
lacks 'YWxpY2Utc2VjcmV0'

wait_delivered bob 1
grep -q 'using TLSv1' "$SMTPSH_PEERS_VMAIL"/bob/Maildir/new/* ||
	fail "Received: header does not show TLS"
