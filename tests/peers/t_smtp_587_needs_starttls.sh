#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Port 587 before STARTTLS (QQ's story in seed 003): EHLO offers STARTTLS but
# no AUTH, and AUTH gets 530 "Must issue a STARTTLS command first".
set -eu
. "$(dirname "$0")/lib.sh"

smtpsh 127.0.0.1:587 <<'IN'
EHLO client.smtpsh.test
AUTH LOGIN
QUIT
IN
want_rc 0
has_line 'R: 250-STARTTLS'
! grep -q '^R: 250.AUTH' "$out" || fail "AUTH offered before TLS on 587"
has_line 'R: 530 5.7.0 Must issue a STARTTLS command first'
annotated '^R: 530 ' 'STARTTLS|TLS|encrypt'
has_line 'R: 221 2.0.0 Bye'
