#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Two builds of smtpsh side by side on the same workloads, in turns (A B A
# B ...), so a restructuring can show it costs nothing:
#   bash bench/compare.sh OLD_SMTPSH NEW_SMTPSH
# The client workloads talk to Postfix's smtp-sink (neutral, stores
# nothing); the lab workload runs each build's own lab.  Medians; loopback
# only; needs postfix (smtp-sink, smtp-source) and python3.
set -eu
old=${1:?usage: compare.sh OLD_SMTPSH NEW_SMTPSH}
new=${2:?usage: compare.sh OLD_SMTPSH NEW_SMTPSH}
runs=${BENCH_RUNS:-11}
root=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.1; done; }
now_ns() { date +%s%N; }

sink=$(free_port)
smtp-sink -u postfix "127.0.0.1:$sink" 1000 &
pids+=($!)
wait_port "$sink"

# the client's part of a plain SMTP session, as typed
printf '%s\n' 'EHLO bench.example' 'MAIL FROM:<alice@localhost>' 'RCPT TO:<bob@localhost>' DATA \
	'Subject: bench' '' hello . QUIT >"$work/send.txt"
"$PY" "$root/tests/integration/bulk_transcript.py" smtp "$work/bulk.txt"
"$PY" "$root/tests/integration/bulk_transcript.py" pop3 "$work/big.txt" 50

quit_once() { printf 'QUIT\n' | "$1" --no-record --no-history --color=never "127.0.0.1:$sink"; }
send_once() { "$1" --no-record --no-history --color=never -f "$work/send.txt" "127.0.0.1:$sink"; }
replay_once() { "$1" --no-history --color=never replay --against "127.0.0.1:$sink" "$work/bulk.txt"; }
show_once() { "$1" show --color=never "$work/big.txt"; }

# lab_once SMTPSH: 2000 messages over 100 sessions into that build's lab
lab_once() {
	local base dir pid
	base=$(free_port)
	dir=$work/lab.$RANDOM
	"$1" lab --dir "$dir" --port-base "$base" --quiet --max-connections 4000 >"$dir.out" 2>&1 &
	pid=$!
	wait_port "$base"
	smtp-source -s 100 -m 2000 -l 1000 -f alice@localhost -t bob@localhost "127.0.0.1:$base"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	rm -rf "$dir" "$dir.out"
}

# pair NAME FUNCTION: runs FUNCTION with the old and the new build in turns;
# prints the median milliseconds of each and new/old.
pair() {
	local name=$1 fn=$2 i a b
	: >"$work/a" && : >"$work/b"
	for i in $(seq "$runs"); do
		a=$(now_ns) && "$fn" "$old" >/dev/null 2>&1 </dev/null || true
		b=$(now_ns) && echo $(((b - a) / 1000)) >>"$work/a"
		a=$(now_ns) && "$fn" "$new" >/dev/null 2>&1 </dev/null || true
		b=$(now_ns) && echo $(((b - a) / 1000)) >>"$work/b"
	done
	a=$(sort -n "$work/a" | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }')
	b=$(sort -n "$work/b" | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }')
	printf '%-52s %10s %10s %8s\n' "$name" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b / a }')"
}

printf '%-52s %10s %10s %8s\n' "workload (median of $runs, in turns)" "old ms" "new ms" "new/old"
pair "connect, banner, QUIT (smtp-sink)" quit_once
pair "EHLO, MAIL, RCPT, DATA, QUIT script (smtp-sink)" send_once
pair "replay --against, 1000 messages (smtp-sink)" replay_once
pair "show, 50 MB POP3 transcript" show_once
pair "lab: 2000 messages, 100 sessions (smtp-source)" lab_once
