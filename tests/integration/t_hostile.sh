#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The shell in script mode against broken and malicious servers
# (hostile_server.py).  For every scenario: no crash, the expected exit
# status, a clear "!!" line, bounded memory (peak RSS from /usr/bin/time),
# nothing raw from the server reaching the terminal, and a session that is
# still in step afterwards (the next reply is read as the next reply).
# Prints one table line per scenario: name, exit, peak RSS, message, verdict.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/scripted_server.sh"
[ -x /usr/bin/time ] || { echo "t_hostile: /usr/bin/time is missing (Debian package 'time')"; exit 1; }

# 20 MB is ~5x what the shell needs; sanitizers and valgrind (SMTPSH_SAN=1)
# carry their own shadow memory, so only a gross leak is caught there.
limit_kb=20480
[ "${SMTPSH_SAN:-}" = 1 ] && limit_kb=300000
failed=0      # scenarios that failed
problems=""   # this scenario's failed checks, one per line
scenario=""



# session SCENARIO 'SCRIPT' [PROTO]: run the shell with --timeout $timeout
# (2 by default); SCRIPT '@FILE' takes the lines from FILE.  Sets rc, kb, ms
# (elapsed)
session() {
	local proto=${3:-smtp} t0
	scenario=$1
	problems=""
	case $2 in
	@*) cp "${2#@}" script ;;
	*) printf '%b' "$2" >script ;;
	esac
	start_server hostile_server.py "$1" 0 --log wire --idle 15
	t0=$(date +%s%N)
	rc=0
	/usr/bin/time -f %M -o rss "$SMTPSH" --color=never --no-history --no-record \
		--timeout "${timeout:-2}" "$proto://127.0.0.1:$(head -1 port)" <script >out 2>err || rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	stop_server
	kb=$(tail -1 rss | tr -dc 0-9)
	common_checks
}

problem() { problems="$problems$1"$'\n'; }

# has REGEX [FILE]: the output shows a line matching REGEX
has() {
	grep -qE -- "$1" "${2:-out}" || problem "no line matching '$1'"
}
hasnt() {
	! grep -qE -- "$1" "${2:-out}" || problem "a line matches '$1': $(grep -m1 -E -- "$1" "${2:-out}" | cut -c1-100)"
}

# terminal_safe FILE: UTF-8 with no control character but TAB/LF, no DEL,
# no C1 (U+0080..U+009F, e.g. the 8-bit CSI): whatever the server sent,
# nothing in it can move the cursor, retitle the window or recolour.
# A byte-level grep cannot tell C1 from the continuation bytes of Chinese
# text, so decode first.
terminal_safe() {
	"$PY" - "$1" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    print("not UTF-8 at byte %d: %r" % (e.start, data[max(0, e.start - 20):e.start + 10]))
    sys.exit(1)
found = []
for n, l in enumerate(text.split("\n"), 1):
    bad = [c for c in l if (ord(c) < 32 and c != "\t") or 0x7f <= ord(c) <= 0x9f]
    if bad:
        found.append("line %d holds %s: %r" % (n, " ".join("U+%04X" % ord(c) for c in bad[:4]), l[:90]))
if found:
    print("%d line(s); %s" % (len(found), "; ".join(found[:3])))
    sys.exit(1)
PY
}

common_checks() {
	local why
	[ "$rc" -gt 128 ] && problem "crashed (exit $rc, signal $((rc - 128)))"
	[ "${kb:-0}" -gt "$limit_kb" ] && problem "peak RSS $kb KB > $limit_kb KB"
	# The brief's literal check, then the stricter one
	[ "$(LC_ALL=C grep -c $'\x1b' out || true)" = 0 ] || problem "raw ESC in stdout: $(LC_ALL=C grep -m1 $'\x1b' out | cat -v | cut -c1-100)"
	why=$(terminal_safe out) || problem "stdout is not terminal-safe: $why"
	why=$(terminal_safe err) || problem "stderr is not terminal-safe: $why"
}

want_rc() { [ "$rc" = "$1" ] || problem "exit $rc, want $1"; }

# verdict: the table line, then what went wrong (with the output's head)
verdict() {
	local msg result=PASS
	msg=$(grep -m1 '^!! ' out | cut -c4- || true)
	[ -n "$problems" ] && result=FAIL
	printf '%-21s %4s %8s  %-6s %s\n' "$scenario" "$rc" "${kb:-?}" "$result" "${msg:--}" | cut -c1-150
	if [ -n "$problems" ]; then
		failed=$((failed + 1))
		printf '%s' "$problems" | sed 's/^/      ! /'
		echo "      output (head):"; cut -c1-120 out | head -15 | sed 's/^/        /'
		[ -s err ] && { echo "      stderr:"; head -5 err | sed 's/^/        /'; }
	fi
	return 0
}

printf '%-21s %4s %8s  %-6s %s\n' scenario exit "peak KB" result "first !! message"

# ---- the control: a server that behaves ------------------------------------
session normal 'EHLO me\nMAIL FROM:<a@example.org>\nRCPT TO:<b@example.org>\nDATA\nFrom: a@example.org\nDate: Mon, 30 Nov 2026 23:46:59 +0800\nSubject: hi\n\nhello\n.\nQUIT\n'
want_rc 0
has '^R: 250 2.0.0 Ok: queued as 4HOSTILE'
has '^R: 221 2.0.0 Bye'
hasnt '^!! '
verdict

session auth 'EHLO me\nAUTH LOGIN\nb64 alice\nb64 hunter2pw\nQUIT\n'
want_rc 0
has '^R: 235 '
has '^S: \[secret, [0-9]+ bytes\]'
# the password went over the wire, but is shown neither plain nor in base64
grep -q '^aHVudGVyMnB3$' wire || problem "the password never reached the server"
hasnt 'hunter2pw|aHVudGVyMnB3'
verdict

# ---- line ends -------------------------------------------------------------
session bare_lf 'EHLO me\nQUIT\n'
want_rc 0
has '^!! .*bare LF'
has '^R: 250 PIPELINING$'
has '^   # PIPELINING:'
has '^R: 221 2.0.0 Bye$'
verdict

session no_final_crlf 'EHLO me\n'
want_rc 4
has '^R: 220 hi$'
has '^!! .*(no line end|closed)'
verdict

# ---- length and count limits -------------------------------------------------
# long_line NAME LENGTH: the line is cut at 65536 bytes and said so, and the
# greeting's final line right after it is still read as the greeting
long_line() {
	session "$1" 'EHLO me\nQUIT\n'
	want_rc 0
	has "^!! .*$2 bytes.*65536"
	local shown
	shown=$(grep -m1 '^R: 220-' out | wc -c)
	[ "$shown" -le $((65536 + 4 + 16)) ] || problem "the long line is shown with $shown bytes"
	has '^R: 220 ok after the long line$'
	has '^R: 250 ENHANCEDSTATUSCODES$'
	has '^R: 221 2.0.0 Bye$'
	verdict
}
long_line huge_line 1048580
# -t is a whole reply's deadline: 64 MiB through valgrind takes longer than 2 s
giant_t=2
[ "${SMTPSH_SAN:-}" = 1 ] && giant_t=60
timeout=$giant_t long_line giant_line 67108868

# many_lines NAME: a reply over 1000 lines is given up with a "!!" error,
# without showing (or keeping) the rest
many_lines() {
	session "$1" 'EHLO me\nQUIT\n'
	want_rc 4
	has '^!! .*1000 lines'
	local n
	n=$(grep -c '^R: 250-' out || true)
	[ "$n" -le 1001 ] || problem "$n continuation lines shown"
	[ "$ms" -lt 10000 ] || problem "took ${ms} ms"
}
many_lines endless_continuation
verdict
many_lines ten_thousand
has '^R: 221 2.0.0 Bye$' # the session goes on with the next reply
hasnt '^R: 250 ok$'      # the end of the abandoned reply is not taken for QUIT's
verdict

# ---- bytes that are not text ------------------------------------------------
session nul 'QUIT\n'
want_rc 0
has '^R: 220 hostile\\x00with\\x00nuls$'
has '^!! .*NUL'
has '^R: 221 2.0.0 Bye$'
verdict

session ansi 'EHLO me\nQUIT\n'
want_rc 0
has '^R: 220 \\x1b\[31mRED\\x1b\[0m \\x1b\]0;pwned\\x07 \\x1b\[2J\\x1b\[H'
has '^R: 250-\\x1b\[3A\\x1b\[2Kcursor up'
has '^R: 250 \\xc2\\x9b1;1H C1 CSI \\x07bell$'
has '^R: 221 2.0.0 Bye$'
verdict

# the same in POP3, where the greeting's APOP timestamp and a [RESP-CODE]
# are quoted in the notes
session pop3_ansi 'CAPA\nUSER alice\nQUIT\n' pop3
want_rc 0
has '^R: \+OK POP3 ready <1896.697170952@\\x1b\[31mdbc.test'
has '^R: -ERR \[AUTH\\x1b\[31m'
has '^R: \+OK \\x1b\[0mbye$'
verdict

session gbk 'EHLO me\nAUTH LOGIN\nb64 alice\nb64 hunter2pw\nQUIT\n'
want_rc 0
has '^R: 535 登录失败，请使用授权码登录$'
has 'GB18030|GBK'
has '^R: 221 2.0.0 Bye$'
verdict

# ---- not SMTP at all ----------------------------------------------------------
session non_numeric 'EHLO me\n'
want_rc 4
has '^!! malformed.*HTTP/1.1 400 Bad Request'
verdict

session bad_code 'EHLO me\nQUIT\n'
want_rc 4
has '^!! malformed.*600 x'
has '^!! malformed.*2500 y'
has '^R: 220 but this one is fine$'
has '^R: 250 ENHANCEDSTATUSCODES$'
has '^R: 221 2.0.0 Bye$'
verdict

# ---- timing and hang-ups -------------------------------------------------------
session silence 'EHLO me\nQUIT\n'
want_rc 4
has '^!! .*(silent|no reply)'
hasnt '^S: EHLO' # nothing is sent to a server that never greeted
if [ "$ms" -lt 1900 ] || [ "$ms" -ge 6000 ]; then problem "gave up after ${ms} ms, want about 2000"; fi
verdict

session close_mid_reply 'EHLO me\nQUIT\n'
want_rc 4
has '^R: 250-first$'
has '^!! .*closed.*middle of a reply'
hasnt '^S: QUIT'
verdict

session hangup 'EHLO me\nQUIT\n'
want_rc 4
has '^!! .*closed.*EHLO'
hasnt '^S: QUIT'
verdict

session split 'EHLO me\nQUIT\n'
want_rc 0
[ "$(grep -c '^R: 250[- ]' out || true)" = 5 ] || problem "the byte-by-byte EHLO reply was not read as 5 lines"
has '^   # SIZE: maximum message size 10240000'
has '^R: 221 2.0.0 Bye$'
hasnt '^!! '
verdict

session pop3_bad 'USER a\nPASS b\nRETR 1\nQUIT\n' pop3
want_rc 4
has '^R: the body never ends$'
has '^!! .*closed.*middle of a reply'
verdict

# ---- deadlines: a reply has -t as a whole, a write too ------------------------
# one_error: exactly one line tells what went wrong ("!!" on stdout, or stderr)
one_error() {
	local n
	n=$(($(grep -c '^!! ' out || true) + $(grep -c . err || true)))
	[ "$n" = 1 ] || problem "$n error lines, want one: $(grep -h '^!! ' out err | head -3 | tr '\n' '|')"
}
# took_between MIN MAX: elapsed ms
took_between() {
	if [ "$ms" -lt "$1" ] || [ "$ms" -ge "$2" ]; then problem "took ${ms} ms, want ${1}..${2}"; fi
}

# a greeting that arrives a byte every 0.4 s: given up at -t 3, not reset by
# each byte
timeout=3 session trickle_greeting 'EHLO me\nQUIT\n'
want_rc 4
has '^!! no complete greeting within 3 s'
hasnt '^S: '
one_error
took_between 2800 4500
verdict

# "250-" lines without end after EHLO: the 1000-line cap gives the reply up,
# and the deadline bounds what follows (QUIT's reply never comes either)
timeout=3 session endless_ehlo 'EHLO me\nQUIT\n'
want_rc 4
has '^!! no complete reply to (EHLO|QUIT) within 3 s: the server keeps sending'
[ "$(grep -c '^R: 250-' out || true)" -le 1001 ] || problem "more than 1001 continuation lines shown"
took_between 1000 8000
verdict

# a server that answers QUIT and keeps talking instead of closing
timeout=3 session quit_chatter 'EHLO me\nQUIT\n'
want_rc 0
has '^R: 221 2.0.0 Bye$'
took_between 0 4500
verdict

# a server that stops reading during DATA: a 20,000-line message (10 MB, far
# more than the socket buffers hold) with -t 2.  The write times out once:
# the connection is closed (never a later line spliced onto a cut one), one
# line says so, exit 4, ~2 s in all.  The server's log shows what it got:
# whole lines only, in order, and never the "." that would let it accept.
"$PY" -c '
import sys
w = sys.stdout.write
w("EHLO me\nMAIL FROM:<a@example.org>\nRCPT TO:<b@example.org>\nDATA\nFrom: a@example.org\n")
w("Date: Mon, 30 Nov 2026 23:46:59 +0800\nSubject: big\n\n")
for i in range(20000):
    w("line %05d %s\n" % (i, "x" * 480))
w(".\nQUIT\n")' >big_message
server_grace=8 session stall_data @big_message
want_rc 4
has '^!! .*write timeout.*connection closed'
one_error
hasnt 'queued as SPLICED'
# one deadline, not -t per line (valgrind adds its own slowness on top)
if [ "${SMTPSH_SAN:-}" = 1 ]; then took_between 1900 15000; else took_between 1900 4000; fi
why=$("$PY" - wire <<'PY'
import re, sys
lines = open(sys.argv[1]).read().split("\n")[:-1]
body = lines[lines.index("Subject: big") + 2:]
if "." in body:
    print("the server got the final '.' (%d lines before it)" % body.index("."))
    sys.exit(1)
for n, l in enumerate(body):
    if not re.fullmatch(r"line %05d x{480}" % n, l):
        print("line %d of the message is spliced or cut: %r" % (n, l[:70]))
        sys.exit(1)
print("%d whole lines" % len(body))
PY
) || problem "$why"
verdict

echo
if [ "$failed" = 0 ]; then
	echo "hostile: every scenario passed"
else
	echo "hostile: $failed scenario(s) failed"
	exit 1
fi
