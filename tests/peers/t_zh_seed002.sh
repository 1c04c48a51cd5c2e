#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Seed 002 against Postfix, once under LANG=C and once under
# LANG=zh_CN.UTF-8 (issue 13's proof): the seed's session (its HELLO typo,
# then HELO, AUTH LOGIN on the teaching port 2525, MAIL FROM, RCPT TO,
# DATA), and bob's POP3 retrieval from Dovecot.  What crossed the wire
# (S:/R: lines) and the transcript files must be the same in both
# languages; the Chinese run's notes are counted, English ones reported.
set -eu
. "$(dirname "$0")/lib.sh"
. "$peers_here/../integration/zh_locale.sh"
CMP=$peers_here/../integration/zh_session_compare.py
unset LC_ALL LC_MESSAGES LANGUAGE

reset_mailboxes bob

seed002() {
	smtpsh 127.0.0.1:2525 <<'IN'
HELLO sohu.com
HELO sohu.com
AUTH LOGIN
b64 alice
b64 alice-secret
MAIL FROM:<alice@localhost>
RCPT TO:<bob@localhost>
DATA
From: alice@localhost
To: bob@localhost
Subject: seed 002 in two languages

Hello, this is seed 002.
.
QUIT
IN
}

retrieve() {
	smtpsh 127.0.0.1:110 <<'IN'
USER bob
PASS bob-secret
LIST
RETR 1
QUIT
IN
}

# run NAME FUNCTION: the session under $LANG; screen and transcript kept
run() {
	"$2"
	want_rc 0
	cp "$out" "$work/$1.out"
	python3 "$CMP" protocol "$out" >"$work/$1.wire"
	python3 "$CMP" transcript "$transcript" >"$work/$1.tr"
}

for lang in C zh_CN.UTF-8; do
	export LANG=$lang
	run "send.$lang" seed002
	has_line 'R: 235 2.7.0 Authentication successful'
	has '^R: 250 2.0.0 Ok: queued as ' "message not queued"
done
wait_delivered bob 2
for lang in C zh_CN.UTF-8; do
	export LANG=$lang
	run "retr.$lang" retrieve
	has_line 'R: Subject: seed 002 in two languages'
done

for what in send retr; do
	[ -s "$work/$what.C.wire" ] || fail "$what: no S:/R: lines"
	cmp -s "$work/$what.C.wire" "$work/$what.zh_CN.UTF-8.wire" ||
		fail "$what: S:/R: lines differ by language: $(diff "$work/$what.C.wire" "$work/$what.zh_CN.UTF-8.wire" | head -8)"
	cmp -s "$work/$what.C.tr" "$work/$what.zh_CN.UTF-8.tr" ||
		fail "$what: the transcript differs by language: $(diff "$work/$what.C.tr" "$work/$what.zh_CN.UTF-8.tr" | head -8)"
	set -- $(python3 "$CMP" count '   # ' "$work/$what.zh_CN.UTF-8.out")
	echo "note: $what: $2 of $1 notes in Chinese"
	python3 "$CMP" english '   # ' "$work/$what.zh_CN.UTF-8.out" | sed -n '1,3s/^/    still English: /p'
done
echo "PASS seed 002 against Postfix and Dovecot: the same wire and transcripts in English and Chinese"
