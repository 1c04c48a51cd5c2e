#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Implicit TLS on 995 (pop3s://): USER/PASS/STAT inside TLS.
set -eu
. "$(dirname "$0")/lib.sh"

smtpsh --cafile "$SMTPSH_PEERS_CAFILE" pop3s://localhost:995 <<'IN'
USER bob
PASS bob-secret
STAT
QUIT
IN
want_rc 0
has '^R: \+OK Dovecot' "no greeting over implicit TLS"
has_line 'R: +OK Logged in.'
has '^R: \+OK [0-9]+ [0-9]+$' "no STAT answer"
lacks 'bob-secret'
