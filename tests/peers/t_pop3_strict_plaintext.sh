#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# On 127.0.0.2 Dovecot behaves like a remote server: no USER/PASS before
# STLS.  The -ERR [AUTH] reply must be explained in terms of TLS.
set -eu
. "$(dirname "$0")/lib.sh"

smtpsh pop3://127.0.0.2:110 <<'IN'
CAPA
USER bob
QUIT
IN
want_rc 0
has_line 'R: STLS'
has_line 'R: -ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.'
annotated '^R: -ERR \[AUTH\] Plaintext' 'TLS|STLS|encrypt|secure'
has '^R: \+OK Logging out' "no reply to QUIT"
