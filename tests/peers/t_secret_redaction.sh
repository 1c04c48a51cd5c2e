#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# carol's password has a space, UTF-8 and a ':' ('p@ss wörd:42').  Sent with
# b64 after the "Password:" challenge, and as PASS on POP3, it must work and
# must not appear in stdout or stderr, neither plain nor base64.
set -eu
. "$(dirname "$0")/lib.sh"

smtpsh 127.0.0.1:2525 <<'IN'
EHLO client.smtpsh.test
AUTH LOGIN
b64 carol
b64 p@ss wörd:42
QUIT
IN
want_rc 0
has_line 'R: 334 UGFzc3dvcmQ6'
has_line 'R: 235 2.7.0 Authentication successful'
lacks 'p@ss wörd:42'
lacks 'wörd'
lacks 'cEBzcyB3w7ZyZDo0Mg=='

smtpsh 127.0.0.1:110 <<'IN'
USER carol
PASS p@ss wörd:42
QUIT
IN
want_rc 0
has_line 'R: +OK Logged in.'
lacks 'p@ss wörd:42'
lacks 'wörd'
