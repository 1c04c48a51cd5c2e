#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Seed 002 says "HELLO sohu.com": a student who copies it gets 500.  The
# annotation must point at HELO/EHLO; the correct EHLO then works.
set -eu
. "$(dirname "$0")/lib.sh"

smtpsh 127.0.0.1:25 <<'IN'
HELLO sohu.com
EHLO sohu.com
QUIT
IN
want_rc 0
has '^S: HELLO sohu\.com$' "HELLO was not sent as typed"
has '^R: 500 5\.5\.2 Error: command not recognized$' "no 500 for HELLO"
annotated '^R: 500 ' 'HELO|EHLO'
has_line 'R: 250-mail.smtpsh.test'
has_line 'R: 221 2.0.0 Bye'
