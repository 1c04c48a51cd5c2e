#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The shell on a real terminal (tmux) against Postfix: the prompt shows the
# state, Tab completes, `b64` alone does not echo the password, neither the
# history file nor the transcript holds it, colours are on, /help works,
# a command out of order asks before it is sent.
set -eu
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || fail "tmux is not installed"
export TERM=${TERM:-xterm}  # CI may have none; tmux wants one
sess=smtpsh-test-$$
export XDG_STATE_HOME=$work/state
cleanup() { tmux kill-session -t "$sess" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
screen=$work/screen

tmux new-session -d -s "$sess" -x 150 -y 50 \
	"env XDG_STATE_HOME=$XDG_STATE_HOME TERM=xterm-256color $SMTPSH --timeout 10 smtp://127.0.0.1:2525"
capture() { tmux capture-pane -t "$sess" -p -S -200 >"$screen"; }
# wait_for REGEX: until the screen shows it (5 s at most)
wait_for() {
	for _ in $(seq 50); do
		capture
		grep -qE -- "$1" "$screen" && return 0
		sleep 0.1
	done
	echo "---- screen:"; cat "$screen"
	fail "the screen never showed '$1'"
}
type_line() { tmux send-keys -t "$sess" -l -- "$1"; tmux send-keys -t "$sess" Enter; }

wait_for '^smtp:init> ?$'
type_line 'EHLO client.example'
wait_for '^smtp:ready> ?$'
# Tab completion of the commands that make sense now
tmux send-keys -t "$sess" -l 'MA'
tmux send-keys -t "$sess" Tab
wait_for '^smtp:ready> MAIL'
tmux send-keys -t "$sess" C-u
# out of order: asks, and "n" keeps it unsent
type_line 'RCPT TO:<bob@localhost>'
wait_for 'send it anyway\? \[y/N\]'
type_line 'n'
wait_for '^   # not sent'
grep -q '^S: RCPT' "$screen" && fail "RCPT was sent although the answer was no"
type_line 'AUTH LOGIN'
wait_for '^smtp:auth> ?$'
type_line 'b64 alice'
wait_for 'UGFzc3dvcmQ6'
type_line 'b64'
wait_for 'not echoed'
tmux send-keys -t "$sess" -l 'alice-secret'
tmux send-keys -t "$sess" Enter
wait_for '^R: 235 '
grep -q 'alice-secret' "$screen" && fail "the password was echoed"
grep -q 'YWxpY2Utc2VjcmV0' "$screen" && fail "the password's base64 was shown"
grep -q '^S: \[secret, 16 bytes\]' "$screen" || fail "the secret line is not shown redacted"
type_line '/help'
wait_for 'b64 TEXT'
type_line 'QUIT'
wait_for '^R: 221 '
# colours: R: lines are painted when on a terminal
tmux capture-pane -t "$sess" -p -e -S -200 >"$work/colour"
# (tmux re-encodes the sequences: look for the colour, not the bytes)
grep -q $'\x1b\[32m.*R: 250' "$work/colour" || fail "R: 250 lines are not green"
grep -q $'\x1b\[36mS: EHLO' "$work/colour" || fail "S: lines are not coloured"
tmux send-keys -t "$sess" C-d
sleep 0.3

hist=$XDG_STATE_HOME/smtpsh/history
[ -f "$hist" ] || fail "no history file"
[ "$(stat -c %a "$hist")" = 600 ] || fail "history mode is $(stat -c %a "$hist"), not 600"
grep -q '^EHLO client.example$' "$hist" || fail "EHLO missing from the history"
grep -q 'alice-secret\|YWxpY2Utc2VjcmV0' "$hist" && fail "a secret is in the history"
rec=$(ls "$XDG_STATE_HOME"/smtpsh/transcripts/*.txt)
[ "$(stat -c %a "$rec")" = 600 ] || fail "transcript mode is not 600"
grep -q 'alice-secret\|YWxpY2Utc2VjcmV0' "$rec" && fail "a secret is in the transcript"
grep -q '^S\* \[secret, 16 bytes\]' "$rec" || fail "the transcript does not mark the redacted line"
grep -q $'\x1b' "$rec" && fail "the transcript holds ANSI codes"
exit 0
