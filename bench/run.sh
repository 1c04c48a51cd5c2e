#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Benchmarks, each printing a ratio measured in the same run (make bench).
# Starts the real-peer Postfix/Dovecot of tests/peers (system services:
# run it when you mean it).  Medians over repeated runs; loopback only.
set -eu
: "${SMTPSH:?SMTPSH must name the smtpsh binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-/usr/bin/python3}
runs=${BENCH_RUNS:-30}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sh "$root/tests/peers/setup.sh" >/dev/null
. "${SMTPSH_PEERS_DIR:-/var/lib/smtpsh-peers}/env"
CA=$SMTPSH_PEERS_CAFILE
sh "$root/tests/peers/reset.sh" bob

# median_ms N CMD...: the median wall time of N runs, in milliseconds.
median_ms() {
	local n=$1
	shift
	for _ in $(seq "$n"); do
		local a b
		a=$(date +%s%N)
		"$@" >/dev/null 2>&1 </dev/null || true
		b=$(date +%s%N)
		echo $(((b - a) / 1000))
	done | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] / 1000 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
row() { printf '%-58s %12s %12s %8s\n' "$@"; }

smtpsh_quit() { printf 'QUIT\n' | "$SMTPSH" --no-record --no-history --color=never "$@"; }
plain_quit() { smtpsh_quit 127.0.0.1:25; }
tls_quit() { smtpsh_quit --cafile "$CA" smtps://localhost:465; }
swaks_connect() { swaks --server 127.0.0.1:25 --quit-after connect; }
sclient_quit() { echo QUIT | openssl s_client -quiet -connect 127.0.0.1:465 -CAfile "$CA" -verify_return_error; }

echo "== start-up: connect, banner annotated, QUIT (median of $runs)"
row "" "smtpsh ms" "other ms" "ratio"
a=$(median_ms "$runs" plain_quit)
b=$(median_ms "$runs" swaks_connect)
row "port 25 vs swaks --quit-after connect (goal <= 0.10)" "$a" "$b" "$(ratio "$a" "$b")"
a=$(median_ms "$runs" tls_quit)
b=$(median_ms "$runs" sclient_quit)
row "smtps 465 vs openssl s_client (goal <= 1.00)" "$a" "$b" "$(ratio "$a" "$b")"

echo
echo "== one STARTTLS + AUTH + send session on 587 (median of $((runs / 2)))"
cat >"$work/send.txt" <<'IN'
EHLO bench.example
STARTTLS
EHLO bench.example
login alice
MAIL FROM:<alice@localhost>
RCPT TO:<bob@localhost>
DATA
Subject: bench

hello
.
QUIT
IN
smtpsh_send() { SMTPSH_PASSWORD=alice-secret "$SMTPSH" --no-record --no-history --color=never --cafile "$CA" -f "$work/send.txt" smtp://localhost:587; }
swaks_send() { swaks --server localhost:587 --tls --tls-verify --tls-ca-path "$CA" --auth LOGIN --auth-user alice --auth-password alice-secret --from alice@localhost --to bob@localhost --header Subject:bench --body hello; }
a=$(median_ms $((runs / 2)) smtpsh_send)
b=$(median_ms $((runs / 2)) swaks_send)
row "" "smtpsh ms" "swaks ms" "ratio"
row "full session vs swaks" "$a" "$b" "$(ratio "$a" "$b")"

echo
echo "== 1000 messages in one session on port 25"
"$PY" "$root/tests/integration/bulk_transcript.py" smtp "$work/bulk.txt"
t0=$(date +%s%N)
"$SMTPSH" --no-history --color=never replay --yes --against 127.0.0.1:25 "$work/bulk.txt" >"$work/bulk.out" 2>&1 || { tail -3 "$work/bulk.out"; exit 1; }
t1=$(date +%s%N)
smtp-source -d -s 1 -m 1000 -l 100 -f alice@localhost -t bob@localhost 127.0.0.1:25
t2=$(date +%s%N)
a=$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.0f", 1000 / (d / 1e9) }')
b=$(awk -v d=$((t2 - t1)) 'BEGIN { printf "%.0f", 1000 / (d / 1e9) }')
row "" "smtpsh msg/s" "source msg/s" "ratio"
row "replay --against vs smtp-source -d -s 1 (goal >= 0.90)" "$a" "$b" "$(ratio "$a" "$b")"
grep -q 'replay matched: 4003 replies' "$work/bulk.out" || { echo "replay did not match: $(tail -2 "$work/bulk.out")"; exit 1; }
sh "$root/tests/peers/reset.sh" bob

echo
echo "== smtpsh show on a 100 MB transcript"
SMTPSH=$SMTPSH bash "$root/tests/integration/t_show_big.sh" | sed 's/^/   /'

echo
echo "== the lab: 100 concurrent senders (smtp-source -s 100 -m 2000 -l 1000)"
labdir=$work/lab
"$SMTPSH" lab --dir "$labdir" --port-base 5525 --quiet --max-connections 4000 >"$work/lab.out" 2>&1 &
lab_pid=$!
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/5525) 2>/dev/null && break; sleep 0.1; done
smtp-sink -u postfix 127.0.0.1:5999 1000 &
sink_pid=$!
sleep 0.3
# msgs_per_s HOST:PORT: 2000 messages over 100 parallel sessions
msgs_per_s() {
	local a b
	a=$(date +%s%N)
	smtp-source -s 100 -m 2000 -l 1000 -f alice@localhost -t bob@localhost "$1" >/dev/null 2>&1
	b=$(date +%s%N)
	awk -v d=$((b - a)) 'BEGIN { printf "%.0f", 2000 / (d / 1e9) }'
}
lab=$(msgs_per_s 127.0.0.1:5525)
stored=$(find "$labdir/mail/bob/new" -type f | wc -l)
postfix=$(msgs_per_s 127.0.0.1:25)
sink=$(msgs_per_s 127.0.0.1:5999)
row "" "lab msg/s" "other msg/s" "ratio"
row "lab (fsync before 250) vs Postfix on 25 (goal > 1.00)" "$lab" "$postfix" "$(ratio "$lab" "$postfix")"
row "lab vs smtp-sink (stores nothing: the upper bound)" "$lab" "$sink" "$(ratio "$lab" "$sink")"
echo "   the lab stored $stored of 2000 messages in bob's Maildir"

echo
echo "== the lab: many messages per connection (smtp-source -d -m 1000 -l 1000)"
# per_conn_msgs_per_s HOST:PORT SESSIONS: 1000 messages over SESSIONS sessions
# that stay open (-d); 0 when smtp-source fails or hangs (a "." unanswered)
per_conn_msgs_per_s() {
	local a b
	a=$(date +%s%N)
	timeout 120 smtp-source -d -s "$2" -m 1000 -l 1000 -f alice@localhost -t bob@localhost "$1" \
		>/dev/null 2>&1 || { echo 0; return; }
	b=$(date +%s%N)
	awk -v d=$((b - a)) 'BEGIN { printf "%.0f", 1000 / (d / 1e9) }'
}
row "" "lab msg/s" "other msg/s" "ratio"
for sessions in 1 10; do
	before=$(find "$labdir/mail/bob/new" -type f | wc -l)
	lab=$(per_conn_msgs_per_s 127.0.0.1:5525 "$sessions")
	stored=$(($(find "$labdir/mail/bob/new" -type f | wc -l) - before))
	postfix=$(per_conn_msgs_per_s 127.0.0.1:25 "$sessions")
	sink=$(per_conn_msgs_per_s 127.0.0.1:5999 "$sessions")
	row "-s $sessions: lab vs Postfix on 25" "$lab" "$postfix" "$(ratio "$lab" "$postfix")"
	row "-s $sessions: lab vs smtp-sink" "$lab" "$sink" "$(ratio "$lab" "$sink")"
	echo "   the lab stored $stored of 1000 messages sent over $sessions connection(s)"
done
kill "$sink_pid" 2>/dev/null || true

echo
echo "== the lab: RSS with 1000 idle connections"
rss0=$(awk '/VmRSS/ { print $2 }' /proc/$lab_pid/status)
"$PY" - <<'PY' &
import socket, time
socks = []
for _ in range(1000):
    s = socket.create_connection(("127.0.0.1", 5525))
    socks.append(s)
time.sleep(3)
PY
idle_pid=$!
sleep 2
rss1=$(awk '/VmRSS/ { print $2 }' /proc/$lab_pid/status)
conns=$(ss -tn state established '( sport = :5525 )' | tail -n +2 | wc -l)
wait "$idle_pid" || true
echo "   lab RSS: $rss0 KB idle, $rss1 KB with $conns connections open ($(( (rss1 - rss0) * 1024 / (conns > 0 ? conns : 1) )) bytes each)"
kill "$lab_pid"
wait "$lab_pid" 2>/dev/null || true
sh "$root/tests/peers/reset.sh" bob
