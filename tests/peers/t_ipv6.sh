#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# IPv6 loopback in brackets, SMTP on [::1]:2525 and POP3 on [::1]:110,
# and -6 forcing the family.
set -eu
. "$(dirname "$0")/lib.sh"

smtpsh '[::1]:2525' <<'IN'
EHLO client.smtpsh.test
QUIT
IN
want_rc 0
has '^R: 220 mail\.smtpsh\.test ' "no greeting over IPv6"
has_line 'R: 250 CHUNKING'
has_line 'R: 221 2.0.0 Bye'
has '^-- .*::1' "the connect event does not name ::1"

smtpsh -6 'pop3://[::1]:110' <<'IN'
CAPA
QUIT
IN
want_rc 0
has '^R: \+OK Dovecot' "no POP3 greeting over IPv6"
has_line 'R: USER'
