#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The seeds' session, typed as a student would: AUTH LOGIN with b64 helpers on
# the cleartext teaching port 2525, a message whose body has a line starting
# with "." and a line that is exactly "..", then POP3 USER/PASS/RETR on 110.
# The dot lines must arrive as typed: the shell dot-stuffs them on the way
# out, Postfix unstuffs and stores them as typed, Dovecot stuffs them again
# for RETR.  S: and R: lines show the wire, so both sides show the stuffed
# form, and an annotation says so.
set -eu
. "$(dirname "$0")/lib.sh"

reset_mailboxes bob

smtpsh 127.0.0.1:2525 <<'IN'
EHLO client.smtpsh.test
AUTH LOGIN
b64 alice
b64 alice-secret
MAIL FROM:<alice@localhost>
RCPT TO:<bob@localhost>
DATA
From: Alice <alice@localhost>
To: Bob <bob@localhost>
Subject: smtpsh peers: seed session

Hi Bob,
.this line starts with a dot
..
last line
.
QUIT
IN
want_rc 0
has '^R: 220 mail\.smtpsh\.test ESMTP' "no 220 greeting"
has '^R: 250-AUTH PLAIN LOGIN$' "EHLO did not list AUTH PLAIN LOGIN"
[ "$(count '^R: 334 ')" = 2 ] || fail "want two 334 challenges"
has_line 'R: 235 2.7.0 Authentication successful'
has_line 'R: 250 2.1.0 Ok'
has_line 'R: 250 2.1.5 Ok'
has '^R: 354 ' "no 354 after DATA"
has_line 'S: ..this line starts with a dot'
has_line 'S: ...'
annotated '^S: \.\.this line' 'dot'
has_line 'S: .'
has '^R: 250 2.0.0 Ok: queued as [0-9A-F]+$' "message not queued"
has_line 'R: 221 2.0.0 Bye'
lacks 'alice-secret'
lacks 'YWxpY2Utc2VjcmV0'

# What Postfix stored, independent of how smtpsh shows RETR.
wait_delivered bob 1
msg=$(find "$SMTPSH_PEERS_VMAIL/bob/Maildir/new" -type f)
grep -qx '\.this line starts with a dot' "$msg" || fail "stored message lacks the '.this line' body line"
grep -qx '\.\.' "$msg" || fail "stored message lacks the '..' body line"
grep -qx 'last line' "$msg" || fail "stored message lacks 'last line'"

smtpsh 127.0.0.1:110 <<'IN'
USER bob
PASS bob-secret
STAT
LIST
RETR 1
QUIT
IN
want_rc 0
has '^R: \+OK Dovecot' "no POP3 greeting"
has_line 'R: +OK Logged in.'
has '^R: \+OK 1 [0-9]+$' "STAT does not show 1 message"
has_line 'R: +OK 1 messages:'
has '^R: 1 [0-9]+$' "LIST lacks message 1"
has '^R: \+OK [0-9]+ octets$' "RETR 1 failed"
has_line 'R: Subject: smtpsh peers: seed session'
has_line 'R: Hi Bob,'
has_line 'R: ..this line starts with a dot'
has_line 'R: ...'
has_line 'R: last line'
annotated '^R: \.$' 'dot-stuff|one dot less'
has_line 'R: +OK Logging out.'
lacks 'bob-secret'
