#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The strict POP3 address 127.0.0.2 refuses USER before STLS; after STLS
# (certificate checked for the IP 127.0.0.2) the same USER/PASS log in.
set -eu
. "$(dirname "$0")/lib.sh"

smtpsh --cafile "$SMTPSH_PEERS_CAFILE" pop3://127.0.0.2:110 <<'IN'
USER bob
STLS
USER bob
PASS bob-secret
QUIT
IN
want_rc 0
has_line 'R: -ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.'
has_line 'R: +OK Begin TLS negotiation now.'
has_line 'R: +OK Logged in.'
lacks 'bob-secret'
