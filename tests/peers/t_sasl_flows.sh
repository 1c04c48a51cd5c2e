#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The logins of the TLS issue against Postfix (SASL by Dovecot) and
# Dovecot: AUTH PLAIN with and without an initial response (empty 334),
# AUTH LOGIN with an initial response, the '*' cancel, the one-step
# `login` helper (environment and password file), POP3 AUTH with "+ "
# continuations.  No secret may reach the output or the transcript.
set -eu
. "$(dirname "$0")/lib.sh"

# PLAIN without an initial response: the server sends an empty 334
smtpsh 127.0.0.1:2525 <<'IN'
EHLO client.example
AUTH PLAIN
b64 \0alice\0alice-secret
QUIT
IN
want_rc 0
has '^R: 334 ?$' "no empty 334"
annotated '^R: 334' 'empty challenge'
has_line 'R: 235 2.7.0 Authentication successful'
lacks 'AGFsaWNlAGFsaWNlLXNlY3JldA=='
lacks 'alice-secret'

# PLAIN with an initial response, LOGIN with one, and the cancel
smtpsh 127.0.0.1:2525 <<'IN'
EHLO client.example
AUTH PLAIN AGFsaWNlAGFsaWNlLXNlY3JldA==
RSET
QUIT
IN
want_rc 0
has_line 'S: AUTH PLAIN [secret, 28 bytes]'
has_line 'R: 235 2.7.0 Authentication successful'
lacks 'AGFsaWNlAGFsaWNlLXNlY3JldA=='

smtpsh 127.0.0.1:2525 <<'IN'
EHLO client.example
AUTH LOGIN YWxpY2U=
b64 alice-secret
QUIT
IN
want_rc 0
has_line 'S: AUTH LOGIN YWxpY2U='
has_line 'R: 334 UGFzc3dvcmQ6'
has_line 'R: 235 2.7.0 Authentication successful'
lacks 'YWxpY2Utc2VjcmV0'

smtpsh 127.0.0.1:2525 <<'IN'
EHLO client.example
AUTH LOGIN
*
QUIT
IN
want_rc 0
has_line 'S: *'
has '^R: 501 5\.7\.0 ' "no 501 for the cancel"

# the one-step login helper: password from the environment
SMTPSH_PASSWORD=alice-secret smtpsh 127.0.0.1:2525 <<'IN'
EHLO client.example
login alice
QUIT
IN
want_rc 0
has '^   # login: using AUTH PLAIN' "login did not pick PLAIN"
has '^!! login: this connection is not encrypted' "no plaintext warning"
has_line 'R: 235 2.7.0 Authentication successful'
has '^   # login: logged in as alice'
lacks 'alice-secret'

# a wrong password: 535 and the generic diagnosis
SMTPSH_PASSWORD=wrong smtpsh 127.0.0.1:2525 <<'IN'
EHLO client.example
login alice
QUIT
IN
has '^R: 535 5\.7\.8 '
annotated '^R: 535' 'password is wrong'

# password file: refused while readable by others, used when private
printf 'alice-secret\n' >"$work/pw"
chmod 644 "$work/pw"
smtpsh --password-file "$work/pw" 127.0.0.1:2525 <<'IN'
EHLO client.example
login alice
QUIT
IN
has '^!! login: .* can be read by others \(mode 644\)' "a world-readable password file was used"
chmod 600 "$work/pw"
smtpsh --password-file "$work/pw" 127.0.0.1:2525 <<'IN'
EHLO client.example
login alice
QUIT
IN
has_line 'R: 235 2.7.0 Authentication successful'
lacks 'alice-secret'

# STARTTLS + login on 587 (the submission port refuses AUTH before TLS)
SMTPSH_PASSWORD=alice-secret smtpsh --cafile "$SMTPSH_PEERS_CAFILE" --starttls smtp://localhost:587 <<'IN'
login alice
QUIT
IN
want_rc 0
has '^-- TLS established'
has_line 'R: 235 2.7.0 Authentication successful'
lacks '^!! login: this connection is not encrypted'

# POP3: login helper (USER/PASS) and AUTH PLAIN by hand with "+ "
SMTPSH_PASSWORD=bob-secret smtpsh 127.0.0.1:110 <<'IN'
login bob
STAT
QUIT
IN
want_rc 0
has_line 'R: +OK Logged in.'
has_line 'S: PASS [secret, 10 bytes]'
lacks 'bob-secret'

smtpsh 127.0.0.1:110 <<'IN'
AUTH PLAIN
b64 \0bob\0bob-secret
STAT
QUIT
IN
want_rc 0
has '^R: \+ ?$' "no empty + continuation"
has_line 'R: +OK Logged in.'
has '^R: \+OK [0-9]+ [0-9]+$' "STAT did not work after AUTH"
lacks 'AGJvYgBib2Itc2VjcmV0'
