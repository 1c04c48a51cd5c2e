#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The shell on a real terminal (tmux) against hostile_server.py's `auth`
# scenario: the prompt shows protocol and state, Tab completes, `b64` alone
# reads the password without echo and keeps it out of the screen and the
# history file (mode 0600), R: lines are coloured on a tty (and not with
# --color=never), /help lists the helpers, b64 with no challenge pending
# asks before sending.  Needs no system service.
set -eu
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
PY=${PYTHON:-/usr/bin/python3} # not PATH's: a pyenv shim may shadow it
here=$(cd "$(dirname "$0")" && pwd)
command -v tmux >/dev/null || { echo "t_tmux: tmux is not installed (Debian package 'tmux')"; exit 1; }
work=$(mktemp -d)
# A tmux server of our own, its socket in our temp dir (removed with it):
# never touch the user's sessions or config
sess=t$$
server_pid=
tmx() { tmux -S "$work/tmux.sock" -f /dev/null "$@"; }
cleanup() {
	tmx kill-session -t "$sess" 2>/dev/null || true
	if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT
export TERM=${TERM:-xterm} # CI may have none; tmux wants one
# Slow under sanitizers or valgrind: wait longer there
tries=50
[ "${SMTPSH_SAN:-}" = 1 ] && tries=300
password=hunter2pw
password_b64=aHVudGVyMnB3
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# start_server SCENARIO: port in $work/port, client lines in $work/wire
start_server() {
	rm -f "$work/port"
	"$PY" "$here/hostile_server.py" "$1" 0 --log "$work/wire" --idle 30 >"$work/port" &
	server_pid=$!
	for _ in $(seq 100); do [ -s "$work/port" ] && return 0; sleep 0.05; done
	echo "t_tmux: the $1 server did not start"; exit 1
}
stop_server() {
	kill "$server_pid" 2>/dev/null || true
	wait "$server_pid" 2>/dev/null || true
	server_pid=
}

# start_shell ARGS...: smtpsh in a fresh 120x40 tmux session, in a clean
# HOME and XDG_STATE_HOME so the history file is ours to inspect
start_shell() {
	tmx new-session -d -s "$sess" -x 120 -y 40 \
		"env HOME=$work/home XDG_STATE_HOME=${xdg:-$work/state} TERM=xterm-256color $* ; sleep 30"
	# "; sleep": the pane stays after smtpsh exits, so the last screen can
	# still be captured; kill-session ends it
}
stop_shell() { tmx kill-session -t "$sess" 2>/dev/null || true; }

screen=$work/screen
capture() { tmx capture-pane -t "$sess" -p -S -500 >"$screen"; }
capture_colour() { tmx capture-pane -t "$sess" -e -p -S -500 >"$screen.e"; }
# wait_for REGEX: until the screen shows it; 0 if it did
wait_for() {
	for _ in $(seq "$tries"); do
		capture
		grep -qE -- "$1" "$screen" && return 0
		sleep 0.1
	done
	return 1
}
# expect REGEX WHAT: wait_for, and say what failed with the screen's tail.
# Returns 0 either way (set -e): one failed check should not hide the rest.
expect() {
	if wait_for "$1"; then ok "$2"; return 0; fi
	fail "$2: the screen never showed '$1'"
	tail -15 "$screen" | sed 's/^/    | /'
}
type_keys() { tmx send-keys -t "$sess" -l -- "$1"; }
type_line() { type_keys "$1"; tmx send-keys -t "$sess" Enter; }

# ---- a session on a tty, default colour --------------------------------------
mkdir -p "$work/home" # $work/state is left for smtpsh to create
start_server auth
start_shell "$SMTPSH" --timeout 10 "smtp://127.0.0.1:$(head -1 "$work/port")"

# (a) the prompt names the protocol and the state
expect '^smtp:init> ?$' "prompt after the greeting is smtp:init>"
type_line 'EHLO me'
expect '^smtp:ready> ?$' "prompt after EHLO is smtp:ready>"

# (f) b64 with no challenge pending shows its base64 and asks; "n" sends nothing
type_line 'b64 hello'
expect '^aGVsbG8=' "b64 at the ready prompt shows its base64"
expect '\[y/N\] ?$' "b64 at the ready prompt asks before sending"
type_line 'n'
expect '^smtp:ready> ?$' "the prompt is back after no"
if grep -q 'aGVsbG8=' "$work/wire"; then fail "b64 hello reached the server after no"; else ok "b64 hello not sent"; fi

# (c) Tab completes the commands that make sense in this state
type_keys 'MA'
tmx send-keys -t "$sess" Tab
expect '^smtp:ready> MAIL' "MA<Tab> completes to MAIL"
tmx send-keys -t "$sess" C-u # drop the half-typed line

# (b) a password typed after a lone `b64` is not echoed
type_line 'AUTH LOGIN'
expect '^smtp:auth> ?$' "prompt during AUTH LOGIN is smtp:auth>"
type_line 'b64 alice'
expect '^R: 334 UGFzc3dvcmQ6' "the server asks for the password"
type_line 'b64'
expect 'not echoed' "a lone b64 asks without echo"
type_keys "$password"
sleep 0.3 # give an (unwanted) echo time to show before looking
capture
if grep -q "$password" "$screen"; then fail "the password is echoed while typed"; else ok "no echo while typing"; fi
tmx send-keys -t "$sess" Enter
expect '^R: 235 ' "the login succeeds"
grep -q "^$password_b64\$" "$work/wire" || fail "the password never reached the server"
if grep -qE "$password|$password_b64" "$screen"; then
	fail "the password or its base64 is on screen: $(grep -m1 -E "$password|$password_b64" "$screen")"
else
	ok "neither the password nor its base64 is on screen"
fi

# (e) /help lists the helpers
type_line '/help'
expect '^ +b64 TEXT' "/help lists b64"
for h in unb64 explain status /connect /exit; do
	grep -qE "^ +$h\b" "$screen" || fail "/help does not list $h"
done

# (d) R: lines are coloured on a tty by default (an SGR right before "R: ")
capture_colour
if grep -qE $'\e''\[[0-9;]*m(\e\[[0-9;]*m)*R: 2' "$screen.e"; then
	ok "R: lines are coloured on a tty"
else
	fail "no colour on R: lines: $(grep -m1 'R: 2' "$screen.e" | cat -v)"
fi

type_line 'QUIT'
expect '^R: 221 ' "QUIT answered"
type_line '/exit'
sleep 0.3
stop_shell
stop_server

# the history file: written, 0600, with the commands but not the password
hist=$work/state/smtpsh/history
if [ -f "$hist" ]; then
	mode=$(stat -c %a "$hist")
	if [ "$mode" = 600 ]; then ok "history file mode 600"; else fail "history file mode $mode, want 600"; fi
	grep -q '^AUTH LOGIN$' "$hist" || fail "the history file lacks 'AUTH LOGIN'"
	if grep -qE "$password|$password_b64" "$hist"; then fail "the password is in the history file"; else ok "the history file has no password"; fi
else
	fail "no history file at $hist"
fi
# the transcript (recorded by default) must not hold it either
if grep -rqE "$password|$password_b64" "$work/state/smtpsh" 2>/dev/null; then
	fail "the password is stored under $work/state/smtpsh: $(grep -rlE "$password|$password_b64" "$work/state/smtpsh")"
else
	ok "nothing under XDG_STATE_HOME holds the password"
fi

# ---- secrets typed through \LINE and /send stay out of the history -----------
# The decision is on the line sent, not on the text typed: \PASS x, /send
# PASS x and \AUTH PLAIN <b64> are secrets as PASS x is.  An older history
# file, readable by all, becomes 0600 and keeps its entries.
secret=alice-secret
plain_b64=AGFsaWNlAGFsaWNlLXNlY3JldA== # PLAIN: \0alice\0alice-secret
xdg=$work/state2
mkdir -p "$xdg/smtpsh"
printf 'OLD-ENTRY\n' >"$xdg/smtpsh/history"
chmod 644 "$xdg/smtpsh/history"
start_server pop3_bad
xdg=$xdg start_shell "$SMTPSH" --timeout 10 --no-record "pop3://127.0.0.1:$(head -1 "$work/port")"
expect '^pop3:login> ?$' "POP3 prompt"
type_line 'USER alice'
expect '^pop3:pass> ?$' "USER accepted"
type_line "\\PASS $secret"
expect '^S: PASS \[secret, 12 bytes\]' "\\PASS is sent as a secret"
type_line "/send PASS $secret"
for _ in $(seq "$tries"); do
	capture
	[ "$(grep -c '^S: PASS \[secret, 12 bytes\]' "$screen")" -ge 2 ] && break
	sleep 0.1
done
[ "$(grep -c '^S: PASS \[secret, 12 bytes\]' "$screen")" -ge 2 ] && ok "/send PASS is sent as a secret" ||
	fail "/send PASS: no second 'S: PASS [secret, 12 bytes]'"
type_line "\\AUTH PLAIN $plain_b64"
expect '^S: AUTH PLAIN \[secret' "\\AUTH PLAIN is sent as a secret"
type_line 'STAT'
expect '^S: STAT' "STAT sent"
sleep 0.3
type_line '/exit'
sleep 0.3
stop_shell
stop_server
hist=$xdg/smtpsh/history
[ "$(stat -c %a "$hist")" = 600 ] && ok "an older history file becomes 0600" || fail "history mode $(stat -c %a "$hist"), want 600"
if grep -q '^OLD-ENTRY$' "$hist" && grep -q '^USER alice$' "$hist" && grep -q '^STAT$' "$hist"; then
	ok "the history keeps the older entries and the plain commands"
else
	fail "the history lacks OLD-ENTRY, USER alice or STAT: $(tr '\n' '|' <"$hist")"
fi
if grep -qE "$secret|$plain_b64" "$hist"; then
	fail "a secret is in the history: $(grep -E "$secret|$plain_b64" "$hist" | tr '\n' '|')"
else
	ok "no secret typed through \\PASS, /send PASS or \\AUTH PLAIN is in the history"
fi

# ---- a symbolic link planted at the history path is not followed -------------
xdg=$work/state3
mkdir -p "$xdg/smtpsh"
printf 'precious\n' >"$work/victim"
chmod 644 "$work/victim"
ln -s "$work/victim" "$xdg/smtpsh/history"
start_server normal
xdg=$xdg start_shell "$SMTPSH" --timeout 10 --no-record "smtp://127.0.0.1:$(head -1 "$work/port")"
expect '^!! history file .*history: it is a symbolic link, not followed; no history is kept' "a clear line about the link"
expect '^smtp:init> ?$' "the shell goes on without history"
type_line 'EHLO me'
expect '^smtp:ready> ?$' "EHLO answered"
type_line 'QUIT'
expect '^R: 221 ' "QUIT answered"
type_line '/exit'
sleep 0.3
stop_shell
stop_server
[ "$(cat "$work/victim")" = precious ] && ok "the link's target keeps its bytes" || fail "the link's target was written: $(tr '\n' '|' <"$work/victim")"
[ "$(stat -c %a "$work/victim")" = 644 ] && ok "the link's target keeps its mode" || fail "the link's target is now mode $(stat -c %a "$work/victim")"
[ -L "$xdg/smtpsh/history" ] || fail "the link itself was replaced"

# ---- a password typed ahead of its no-echo prompt is never echoed ------------
# slow_auth answers AUTH LOGIN 1.5 s late: meanwhile the user types the
# next lines and the password ahead.  Nothing of it may show, and the
# password typed ahead is the answer (not lost).
start_server slow_auth
start_shell "$SMTPSH" --timeout 10 --no-record --no-history "smtp://127.0.0.1:$(head -1 "$work/port")"
expect '^smtp:init> ?$' "prompt (slow_auth)"
type_line 'EHLO me'
expect '^smtp:ready> ?$' "EHLO answered (slow_auth)"
type_line 'AUTH LOGIN'
type_line 'b64 alice'
type_line 'b64'
type_line "$password"
sleep 0.8 # still inside the server's 1.5 s
capture
if grep -q "$password" "$screen"; then fail "the password typed ahead is echoed: $(grep -m1 "$password" "$screen")"; else ok "nothing typed ahead is echoed while the reply is awaited"; fi
expect '^R: 235 ' "the login typed ahead succeeds"
if grep -qE "$password|$password_b64" "$screen"; then
	fail "the password or its base64 is on screen: $(grep -m1 -E "$password|$password_b64" "$screen")"
else
	ok "the password typed ahead never shows"
fi
grep -q "^$password_b64\$" "$work/wire" && ok "the password typed ahead is the answer" || fail "the password typed ahead never reached the server"
type_line 'QUIT'
expect '^R: 221 ' "QUIT answered (slow_auth)"
stop_shell
stop_server

# ---- --color=never on a tty: no SGR on R: lines (the check above can fail) --
start_server normal
start_shell "$SMTPSH" --color=never --no-history --no-record --timeout 10 \
	"smtp://127.0.0.1:$(head -1 "$work/port")"
expect '^R: 220 ' "greeting shown with --color=never"
capture_colour
if grep -qE $'\e''\[[0-9;]*mR: ' "$screen.e"; then fail "--color=never still colours R: lines"; else ok "--color=never: no colour"; fi
type_line 'QUIT'
expect '^R: 221 ' "QUIT answered with --color=never"
stop_shell
stop_server

# ---- --color=always ------------------------------------------------------------
start_server normal
start_shell "$SMTPSH" --color=always --no-history --no-record --timeout 10 \
	"smtp://127.0.0.1:$(head -1 "$work/port")"
expect '^R: 220 ' "greeting shown with --color=always"
capture_colour
if grep -qE $'\e''\[[0-9;]*m(\e\[[0-9;]*m)*R: 2' "$screen.e"; then ok "--color=always colours R: lines"; else fail "--color=always: no colour on R: lines"; fi
type_line 'QUIT'
expect '^R: 221 ' "QUIT answered with --color=always"
stop_shell
stop_server

echo
[ "$fails" = 0 ] && echo "tmux: all checks passed" || echo "tmux: $fails check(s) failed"
[ "$fails" = 0 ]
