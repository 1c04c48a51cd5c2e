#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Implicit TLS on 465 (smtps://): the greeting arrives inside TLS, AUTH is
# offered at once.
set -eu
. "$(dirname "$0")/lib.sh"

smtpsh --cafile "$SMTPSH_PEERS_CAFILE" smtps://localhost:465 <<'IN'
EHLO client.smtpsh.test
AUTH LOGIN
b64 alice
b64 alice-secret
QUIT
IN
want_rc 0
has '^R: 220 mail\.smtpsh\.test ' "no greeting over implicit TLS"
has_line 'R: 250-AUTH PLAIN LOGIN'
has_line 'R: 235 2.7.0 Authentication successful'
has_line 'R: 221 2.0.0 Bye'
lacks 'alice-secret'
lacks 'YWxpY2Utc2VjcmV0'
